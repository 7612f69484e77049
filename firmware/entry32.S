/* The 32-bit entry path shared by both firmware images.
 *
 * Entered in flat 32-bit protected mode with paging off: by Xen at the
 * ELF's e_entry (CS/DS flat but with selectors 0 and an empty GDTR, EBX =
 * hvm_start_info, which we ignore), or by reset16.S in the QEMU BIOS
 * image (CS = KBOOT_BOOT_CS of our GDT, data segments still real-mode).
 * So the code relies only on a flat CS until it has loaded its own GDT.
 *
 * It checks the handoff block the loader wrote (src/kboot_image_handoff.h),
 * sets up the power management and PCI links the loader's ACPI tables
 * describe (platform.S), and enters Linux through the 32-bit boot protocol (Documentation/arch/x86/
 * boot.rst, "32-bit BOOT PROTOCOL"): GDT with flat __BOOT_CS/__BOOT_DS,
 * CS = 0x10, DS = ES = SS = 0x18, interrupts off, ESI = boot_params,
 * EBX = EDI = EBP = 0, EIP = the kernel's code32_start (or, for the fast
 * path, a decompressed 32-bit kernel's startup_32); or, for a decompressed
 * 64-bit kernel, through the 64-bit boot protocol at its startup_64, in
 * long mode with the loader's identity map.  On a bad block,
 * or a 64-bit kernel on a CPU without long mode, it says why on COM1 and
 * port 0xe9 and halts.
 *
 * fw_stack_top comes from the linker script: the ELF has a stack in its
 * own image, the BIOS image (ROM) one just below the handoff block.
 */
#include "kboot_image_proto.h"
#include "kboot_image_handoff.h"
#include "x86.h"

	.code32
	.text

	.globl	fw_entry32
fw_entry32:
	cli
	cld
	/* %cs is the only segment known to be flat here (see above). */
	lgdtl	%cs:fw_gdt_desc
	ljmpl	$KBOOT_BOOT_CS, $1f
1:	movl	$KBOOT_BOOT_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	movl	$fw_stack_top, %esp
	call	console_init

	/* Check the handoff block in the order of its fields, so each bad
	 * block gets the one reason that matters: %ebx = the block, %eax =
	 * the value, %esi = its name, %edx = the expected value. */
	movl	$KBOOT_HANDOFF_ADDR, %ebx
	movl	KBOOT_HANDOFF_OFF_MAGIC(%ebx), %eax
	movl	$name_magic, %esi
	movl	$KBOOT_HANDOFF_MAGIC, %edx
	cmpl	%edx, %eax
	jne	bad_value
	movl	KBOOT_HANDOFF_OFF_VERSION(%ebx), %eax
	movl	$name_version, %esi
	movl	$KBOOT_HANDOFF_VERSION, %edx
	cmpl	%edx, %eax
	jne	bad_value
	movl	KBOOT_HANDOFF_OFF_SIZE(%ebx), %eax
	movl	$name_size, %esi
	movl	$KBOOT_HANDOFF_SIZE, %edx
	cmpl	%edx, %eax
	jne	bad_value

	/* The u32 words of the block sum to 0. */
	xorl	%eax, %eax
	movl	$KBOOT_HANDOFF_SIZE / 4, %ecx
2:	addl	-4(%ebx,%ecx,4), %eax
	loop	2b
	movl	$name_checksum, %esi
	xorl	%edx, %edx
	testl	%eax, %eax
	jnz	bad_value

	movl	KBOOT_HANDOFF_OFF_ENTRY(%ebx), %eax
	movl	$name_entry, %esi
	testl	%eax, %eax
	jz	bad_zero
	movl	KBOOT_HANDOFF_OFF_BOOT_PARAMS(%ebx), %eax
	movl	$name_boot_params, %esi
	testl	%eax, %eax
	jz	bad_zero
	movl	KBOOT_HANDOFF_OFF_ENTRY_KIND(%ebx), %eax
	movl	$name_entry_kind, %esi
	movl	$KBOOT_HANDOFF_ENTRY_LAST, %edx
	cmpl	%edx, %eax
	ja	bad_above
	cmpl	$KBOOT_HANDOFF_ENTRY_KERNEL64, %eax
	jne	5f
	movl	KBOOT_HANDOFF_OFF_PAGE_TABLES(%ebx), %eax
	movl	$name_page_tables, %esi
	testl	%eax, %eax
	jz	bad_zero
	testl	$0xfff, %eax
	jnz	bad_unaligned
5:
	/* A 64-bit kernel (entered in long mode, or xloadflags XLF_KERNEL_64,
	 * protocol 2.12+, in the boot_params' copy of the header) needs PAE
	 * and long mode.  Xen hides both from a domain without <pae/>; the
	 * kernel's verify_cpu would then stop without a word, so say it
	 * here.  (Every CPU that runs an HVM guest has CPUID.) */
	cmpl	$KBOOT_HANDOFF_ENTRY_KERNEL64, KBOOT_HANDOFF_OFF_ENTRY_KIND(%ebx)
	je	6f
	movl	KBOOT_HANDOFF_OFF_BOOT_PARAMS(%ebx), %eax
	cmpw	$KBOOT_XLOADFLAGS_SINCE, KBOOT_HDR_VERSION(%eax)
	jb	4f
	testb	$KBOOT_XLF_KERNEL_64, KBOOT_HDR_XLOADFLAGS(%eax)
	jz	4f
6:	movl	$X86_CPUID_FEATURES, %eax
	cpuid
	testl	$X86_CPUID_1_EDX_PAE, %edx
	jz	no_long_mode
	movl	$X86_CPUID_EXT_MAX, %eax
	cpuid
	cmpl	$X86_CPUID_EXT_FEATURES, %eax
	jb	no_long_mode
	movl	$X86_CPUID_EXT_FEATURES, %eax
	cpuid
	testl	$X86_CPUID_EXT_EDX_LM, %edx
	jz	no_long_mode
	movl	$KBOOT_HANDOFF_ADDR, %ebx	/* CPUID took %ebx */
4:
	/* What the loader's ACPI tables rely on, when it wrote any. */
	call	fw_platform_setup

	/* One line on the way out, so a kernel that says nothing still
	 * shows how far the boot got. */
	movl	KBOOT_HANDOFF_OFF_ENTRY_KIND(%ebx), %eax
	movl	fw_enter_msgs(,%eax,4), %esi
	call	console_puts
	movl	KBOOT_HANDOFF_OFF_ENTRY(%ebx), %eax
	call	console_puthex
	movl	$msg_enter_bp, %esi
	call	console_puts
	movl	KBOOT_HANDOFF_OFF_BOOT_PARAMS(%ebx), %eax
	call	console_puthex
	movb	$'\n', %al
	call	console_putc

	movl	KBOOT_HANDOFF_OFF_ENTRY(%ebx), %eax
	movl	KBOOT_HANDOFF_OFF_BOOT_PARAMS(%ebx), %esi
	cmpl	$KBOOT_HANDOFF_ENTRY_KERNEL64, KBOOT_HANDOFF_OFF_ENTRY_KIND(%ebx)
	je	enter64
	xorl	%ebx, %ebx
	xorl	%edi, %edi
	xorl	%ebp, %ebp
	/* EFLAGS: IF and DF clear, and nothing else set (no TF, NT, AC). */
	pushl	$X86_EFLAGS_FIXED
	popfl
	jmp	*%eax

/* The 64-bit boot protocol (Documentation/arch/x86/boot.rst): long mode
 * through the loader's identity map of the first 4 GiB, which holds this
 * code (at 1 MiB, or in the ROM below 4 GiB) as well as the kernel,
 * boot_params and the command line; then CS = KBOOT_BOOT_CS as a 64-bit
 * code segment, the data selectors KBOOT_BOOT_DS, RSI = boot_params.
 * %eax = entry and %esi = boot_params on the way in. */
enter64:
	movl	KBOOT_HANDOFF_OFF_PAGE_TABLES(%ebx), %edx
	movl	%edx, %cr3
	movl	%cr4, %edx
	orl	$X86_CR4_PAE, %edx
	movl	%edx, %cr4
	movl	%eax, %ebp			/* RDMSR/WRMSR take EAX, ECX, EDX */
	movl	$X86_MSR_EFER, %ecx
	rdmsr
	orl	$X86_EFER_LME, %eax
	wrmsr
	movl	%cr0, %edx
	orl	$X86_CR0_PG, %edx
	movl	%edx, %cr0			/* long mode is active from here */
	lgdtl	%cs:fw_gdt64_desc
	ljmpl	$KBOOT_BOOT_CS, $1f

	.code64
	/* 32-bit operations zero the upper halves, which the switch from
	 * compatibility mode left undefined. */
1:	movl	$KBOOT_BOOT_DS, %edx
	movl	%edx, %ds
	movl	%edx, %es
	movl	%edx, %ss
	movl	%edx, %fs
	movl	%edx, %gs
	movl	$fw_stack_top, %esp
	movl	%ebp, %eax
	movl	%esi, %esi
	xorl	%ebx, %ebx
	xorl	%edi, %edi
	xorl	%ebp, %ebp
	pushq	$X86_EFLAGS_FIXED
	popfq
	jmp	*%rax
	.code32

/* no_long_mode: the one line, then halt (on Xen, a halt with interrupts
 * off on the only vCPU ends the domain, the line kept in 'xl dmesg'). */
no_long_mode:
	movl	$msg_no_long_mode, %esi
	call	console_puts
	jmp	bad_end

/* bad_value: "<prefix><name> 0x<eax>, expected 0x<edx>", then halt. */
bad_value:
	call	bad_begin
	movl	$msg_expected, %esi
	call	console_puts
	movl	%edx, %eax
	call	console_puthex
	jmp	bad_end

/* bad_above: "<prefix><name> 0x<eax>, expected at most 0x<edx>", then
 * halt. */
bad_above:
	call	bad_begin
	movl	$msg_expected_most, %esi
	call	console_puts
	movl	%edx, %eax
	call	console_puthex
	jmp	bad_end

/* bad_unaligned: "<prefix><name> 0x<eax>, expected page-aligned", then
 * halt. */
bad_unaligned:
	call	bad_begin
	movl	$msg_expected_aligned, %esi
	call	console_puts
	jmp	bad_end

/* bad_zero: "<prefix><name> 0x<eax>, expected non-zero", then halt. */
bad_zero:
	call	bad_begin
	movl	$msg_expected_nonzero, %esi
	call	console_puts
	jmp	bad_end

/* bad_begin: "xen-kboot firmware: bad handoff block at 0x<addr>: <name>
 * 0x<eax>" with %esi = name; %eax and %edx preserved. */
bad_begin:
	pushl	%eax
	pushl	%esi
	movl	$msg_bad, %esi
	call	console_puts
	movl	$KBOOT_HANDOFF_ADDR, %eax
	call	console_puthex
	movl	$msg_colon, %esi
	call	console_puts
	popl	%esi
	call	console_puts
	movb	$' ', %al
	call	console_putc
	popl	%eax
	call	console_puthex
	ret

bad_end:
	movb	$'\n', %al
	call	console_putc
	/* Nothing to go back to: halt for good (an NMI only loops back). */
3:	cli
	hlt
	jmp	3b

	.section .rodata
	.balign	8
fw_gdt:
	.quad	0				/* null */
	.quad	0				/* unused: __BOOT_CS is 0x10 */
	.quad	X86_GDT_CODE32_FLAT		/* KBOOT_BOOT_CS */
	.quad	X86_GDT_DATA32_FLAT		/* KBOOT_BOOT_DS */
fw_gdt_end:
	.if	(KBOOT_BOOT_CS != 0x10) || (KBOOT_BOOT_DS != 0x18)
	.error	"fw_gdt lays out the descriptors for selectors 0x10 and 0x18"
	.endif

	.balign	4
	.globl	fw_gdt_desc
fw_gdt_desc:
	.word	fw_gdt_end - fw_gdt - 1
	.long	fw_gdt

	/* The 64-bit entry's: the same selectors, KBOOT_BOOT_CS 64-bit. */
	.balign	8
fw_gdt64:
	.quad	0
	.quad	0
	.quad	X86_GDT_CODE64_FLAT		/* KBOOT_BOOT_CS */
	.quad	X86_GDT_DATA32_FLAT		/* KBOOT_BOOT_DS */
fw_gdt64_end:

	.balign	4
fw_gdt64_desc:
	.word	fw_gdt64_end - fw_gdt64 - 1
	.long	fw_gdt64

	/* The exit line's start, by entry_kind. */
	.balign	4
fw_enter_msgs:
	.long	msg_enter, msg_enter32, msg_enter64
	.if	(KBOOT_HANDOFF_ENTRY_BZIMAGE != 0) || (KBOOT_HANDOFF_ENTRY_KERNEL32 != 1) || (KBOOT_HANDOFF_ENTRY_KERNEL64 != 2) || (KBOOT_HANDOFF_ENTRY_LAST != 2)
	.error	"fw_enter_msgs has one line per entry_kind, in their order"
	.endif

msg_enter:
	.asciz	"xen-kboot firmware: entering the kernel at "
msg_enter32:
	.asciz	"xen-kboot firmware: entering the decompressed kernel (32-bit) at "
msg_enter64:
	.asciz	"xen-kboot firmware: entering the decompressed kernel (64-bit, long mode) at "
msg_enter_bp:
	.asciz	" with boot_params at "
msg_bad:
	.asciz	"xen-kboot firmware: bad handoff block at "
msg_no_long_mode:
	.asciz	"xen-kboot firmware: the kernel is 64-bit but this CPU has no long mode/PAE (on Xen: add <pae/> to the domain's <features>)"
msg_colon:
	.asciz	": "
msg_expected:
	.asciz	", expected "
msg_expected_nonzero:
	.asciz	", expected non-zero"
msg_expected_most:
	.asciz	", expected at most "
msg_expected_aligned:
	.asciz	", expected page-aligned"
name_magic:
	.asciz	"magic"
name_version:
	.asciz	"version"
name_size:
	.asciz	"size"
name_checksum:
	.asciz	"sum of the words"
name_entry:
	.asciz	"entry"
name_boot_params:
	.asciz	"boot_params"
name_entry_kind:
	.asciz	"entry_kind"
name_page_tables:
	.asciz	"page_tables"
