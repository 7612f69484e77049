/* The probe kernel: stands in for Linux at the 32-bit entry point and
 * reports the state the firmware left it in, then ends QEMU.
 *
 * It saves every register before it changes any, then prints one line on
 * COM1 (and port 0xe9) with the firmware's own console routines:
 *
 *   probe: esi=0x... ebx=0x... ... a20=0x00000001
 *
 * and writes 0 to isa-debug-exit, so QEMU exits with status 1.  The test
 * (test-firmware-boot.c) reads the line.  Besides the registers it
 * reports the GDT the firmware loaded (base, limit and the descriptors
 * behind the two boot selectors), the first word of boot_params, and
 * whether the A20 gate is open (a store 1 MiB above a word must not land
 * on it), and the PCI and interrupt-controller registers the firmware's
 * platform set-up writes (pmba ... elcr). */
#include "kboot_image_proto.h"
#include "probe.h"

	.code32
	.section .text.entry, "ax"
	.globl	probe_entry
probe_entry:
	jmp	probe_entry32			/* changes no register */

	/* The 64-bit entry, where a bzImage has its own (code32_start +
	 * 0x200), for the firmware's long-mode path: it saves what only long
	 * mode shows (EFER, CR3, CR4, the 64-bit registers' upper halves),
	 * the registers and the GDT as the 32-bit entry does, then goes back
	 * to 32-bit protected mode, paging off, and joins the 32-bit path
	 * after its own saving. */
	.org	PROBE_ENTRY64_OFFSET
	.code64
	.globl	probe_entry64
probe_entry64:
	movl	%esi, saved_esi(%rip)
	movl	%ebx, saved_ebx(%rip)
	movl	%edi, saved_edi(%rip)
	movl	%ebp, saved_ebp(%rip)
	movl	%esp, saved_esp(%rip)
	pushfq					/* before anything sets a flag */
	popq	%rax
	movl	%eax, saved_eflags(%rip)
	movq	%rsi, %rax
	shrq	$32, %rax
	movl	%eax, saved_rsi_hi(%rip)
	movq	%rsp, %rax
	shrq	$32, %rax
	movl	%eax, saved_rsp_hi(%rip)
	movl	$probe_stack_top, %esp
	movq	%cr0, %rax
	movl	%eax, saved_cr0(%rip)
	movq	%cr3, %rax
	movl	%eax, saved_cr3(%rip)
	movq	%cr4, %rax
	movl	%eax, saved_cr4(%rip)
	movl	$0xc0000080, %ecx		/* IA32_EFER */
	rdmsr
	movl	%eax, saved_efer(%rip)
	.irp	seg, cs, ds, es, ss, fs, gs
	xorl	%eax, %eax
	movw	%\seg, %ax
	movl	%eax, saved_\seg(%rip)
	.endr
	sgdt	gdtr64(%rip)
	movzwl	gdtr64(%rip), %eax
	movl	%eax, saved_gdt_limit(%rip)
	movl	gdtr64 + 2(%rip), %ebx		/* below 4 GiB: the firmware's */
	movl	%ebx, saved_gdt_base(%rip)
	movl	KBOOT_BOOT_CS(%rbx), %eax
	movl	%eax, saved_cs_desc_lo(%rip)
	movl	KBOOT_BOOT_CS + 4(%rbx), %eax
	movl	%eax, saved_cs_desc_hi(%rip)
	movl	KBOOT_BOOT_DS(%rbx), %eax
	movl	%eax, saved_ds_desc_lo(%rip)
	movl	KBOOT_BOOT_DS + 4(%rbx), %eax
	movl	%eax, saved_ds_desc_hi(%rip)
	movl	saved_esi(%rip), %eax
	movl	(%rax), %eax
	movl	%eax, saved_bp0(%rip)

	/* Compatibility mode through our own GDT, then paging off. */
	lgdt	probe_gdt_desc64(%rip)
	pushq	$KBOOT_BOOT_CS
	leaq	1f(%rip), %rax
	pushq	%rax
	lretq
	.code32
1:	movl	%cr0, %eax
	andl	$0x7fffffff, %eax		/* PG off: long mode off */
	movl	%eax, %cr0
	movl	$KBOOT_BOOT_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	jmp	probe_after_gdt

probe_entry32:
	/* Only stores through DS until everything is saved: a bad DS shows
	 * up as a fault, that is, no probe line at all. */
	movl	%esi, saved_esi
	movl	%ebx, saved_ebx
	movl	%edi, saved_edi
	movl	%ebp, saved_ebp
	movl	%esp, saved_esp
	movl	$probe_stack_top, %esp
	pushfl
	popl	saved_eflags
	movl	%cr0, %eax
	movl	%eax, saved_cr0
	.irp	seg, cs, ds, es, ss, fs, gs
	xorl	%eax, %eax
	movw	%\seg, %ax
	movl	%eax, saved_\seg
	.endr

	/* The GDT and the two descriptors the boot protocol names. */
	sgdtl	gdtr
	movzwl	gdtr, %eax
	movl	%eax, saved_gdt_limit
	movl	gdtr + 2, %ebx
	movl	%ebx, saved_gdt_base
	movl	KBOOT_BOOT_CS(%ebx), %eax
	movl	%eax, saved_cs_desc_lo
	movl	KBOOT_BOOT_CS + 4(%ebx), %eax
	movl	%eax, saved_cs_desc_hi
	movl	KBOOT_BOOT_DS(%ebx), %eax
	movl	%eax, saved_ds_desc_lo
	movl	KBOOT_BOOT_DS + 4(%ebx), %eax
	movl	%eax, saved_ds_desc_hi

	movl	saved_esi, %eax
	movl	(%eax), %eax
	movl	%eax, saved_bp0

probe_after_gdt:

	/* The platform as the firmware left it (platform.S): PIIX4 PM's
	 * PMBA and PMREGMISC, PM1a_CNT at that base (all ones without one),
	 * PIIX3's four PIRQ route bytes, both ELCRs. */
	movl	$(PROBE_PCI_CONFIG_ENABLE | PROBE_PM_DEVFN << 8 | 0x40), %eax
	movw	$0xcf8, %dx
	outl	%eax, %dx
	movw	$0xcfc, %dx
	inl	%dx, %eax
	movl	%eax, saved_pmba
	movl	$(PROBE_PCI_CONFIG_ENABLE | PROBE_PM_DEVFN << 8 | 0x80), %eax
	movw	$0xcf8, %dx
	outl	%eax, %dx
	movw	$0xcfc, %dx
	inl	%dx, %eax
	movl	%eax, saved_pmregmisc
	movl	$(PROBE_PCI_CONFIG_ENABLE | PROBE_PM_DEVFN << 8 | 0x3c), %eax
	movw	$0xcf8, %dx
	outl	%eax, %dx
	movw	$0xcfc, %dx
	inl	%dx, %eax
	movl	%eax, saved_pm_intr		/* line, pin, ... */
	movl	$0xffffffff, saved_pm1_cnt
	movl	saved_pmba, %edx
	andl	$0xffc0, %edx
	jz	4f
	addl	$4, %edx
	xorl	%eax, %eax
	inw	%dx, %ax
	movl	%eax, saved_pm1_cnt
4:	movl	$(PROBE_PCI_CONFIG_ENABLE | PROBE_IDE_DEVFN << 8 | 0x40), %eax
	movw	$0xcf8, %dx
	outl	%eax, %dx
	movw	$0xcfc, %dx
	inl	%dx, %eax
	movl	%eax, saved_idetim		/* both channels' IDETIM */
	movl	$(PROBE_PCI_CONFIG_ENABLE | PROBE_PIIX3_DEVFN << 8 | 0x60), %eax
	movw	$0xcf8, %dx
	outl	%eax, %dx
	movw	$0xcfc, %dx
	inl	%dx, %eax
	movl	%eax, saved_pirq
	xorl	%eax, %eax
	movw	$0x4d1, %dx
	inb	%dx, %al
	shll	$8, %eax
	movw	$0x4d0, %dx
	inb	%dx, %al
	movl	%eax, saved_elcr

	/* A20: with the gate closed, bit 20 of every address reads as 0 and
	 * the second store lands on the first. */
	movl	$a20_word, %edi
	movl	%edi, %ecx
	xorl	$0x100000, %ecx
	movl	$PROBE_A20_MINE, (%edi)
	movl	$PROBE_A20_ALIAS, (%ecx)
	xorl	%eax, %eax
	cmpl	$PROBE_A20_MINE, (%edi)
	sete	%al
	movl	%eax, saved_a20

	call	console_init
	movl	$msg_probe, %esi
	call	console_puts
	movl	$fields, %ebx
1:	movl	(%ebx), %esi
	testl	%esi, %esi
	jz	2f
	movb	$' ', %al
	call	console_putc
	call	console_puts
	movb	$'=', %al
	call	console_putc
	movl	4(%ebx), %eax
	movl	(%eax), %eax
	call	console_puthex
	addl	$8, %ebx
	jmp	1b
2:	movb	$'\n', %al
	call	console_putc

	xorl	%eax, %eax
	outl	%eax, $PROBE_DEBUG_EXIT_PORT
3:	cli
	hlt
	jmp	3b

	.section .rodata
	/* Flat 32-bit code and data at the boot selectors, for the way back
	 * from long mode (a 10-byte pseudo-descriptor there). */
	.balign	8
probe_gdt:
	.quad	0, 0, 0x00cf9b000000ffff, 0x00cf93000000ffff
probe_gdt_end:
	.balign	8
probe_gdt_desc64:
	.word	probe_gdt_end - probe_gdt - 1
	.long	probe_gdt, 0			/* a 32-bit object: no 64-bit relocation */

msg_probe:
	.asciz	"probe:"

	/* name, address of the saved value; the order of the line */
	.balign	4
fields:
	.irp	f, esi, ebx, edi, ebp, esp, eflags, cr0, cs, ds, es, ss, fs, gs, gdt_base, gdt_limit, cs_desc_hi, cs_desc_lo, ds_desc_hi, ds_desc_lo, bp0, a20, pmba, pmregmisc, pm_intr, pm1_cnt, pirq, elcr, idetim, cr3, cr4, efer, rsi_hi, rsp_hi
	.long	name_\f, saved_\f
	.endr
	.long	0, 0

	.irp	f, esi, ebx, edi, ebp, esp, eflags, cr0, cs, ds, es, ss, fs, gs, gdt_base, gdt_limit, cs_desc_hi, cs_desc_lo, ds_desc_hi, ds_desc_lo, bp0, a20, pmba, pmregmisc, pm_intr, pm1_cnt, pirq, elcr, idetim, cr3, cr4, efer, rsi_hi, rsp_hi
name_\f:
	.asciz	"\f"
	.endr

	.bss
	.balign	4
	.irp	f, esi, ebx, edi, ebp, esp, eflags, cr0, cs, ds, es, ss, fs, gs, gdt_base, gdt_limit, cs_desc_hi, cs_desc_lo, ds_desc_hi, ds_desc_lo, bp0, a20, pmba, pmregmisc, pm_intr, pm1_cnt, pirq, elcr, idetim, cr3, cr4, efer, rsi_hi, rsp_hi
saved_\f:
	.long	0
	.endr
gdtr:
	.space	6
	.balign	8
gdtr64:
	.space	10
	.balign	4
a20_word:
	.long	0
	.balign	16
	.space	512
probe_stack_top:
