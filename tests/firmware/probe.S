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
msg_probe:
	.asciz	"probe:"

	/* name, address of the saved value; the order of the line */
	.balign	4
fields:
	.irp	f, esi, ebx, edi, ebp, esp, eflags, cr0, cs, ds, es, ss, fs, gs, gdt_base, gdt_limit, cs_desc_hi, cs_desc_lo, ds_desc_hi, ds_desc_lo, bp0, a20, pmba, pmregmisc, pm_intr, pm1_cnt, pirq, elcr, idetim
	.long	name_\f, saved_\f
	.endr
	.long	0, 0

	.irp	f, esi, ebx, edi, ebp, esp, eflags, cr0, cs, ds, es, ss, fs, gs, gdt_base, gdt_limit, cs_desc_hi, cs_desc_lo, ds_desc_hi, ds_desc_lo, bp0, a20, pmba, pmregmisc, pm_intr, pm1_cnt, pirq, elcr, idetim
name_\f:
	.asciz	"\f"
	.endr

	.bss
	.balign	4
	.irp	f, esi, ebx, edi, ebp, esp, eflags, cr0, cs, ds, es, ss, fs, gs, gdt_base, gdt_limit, cs_desc_hi, cs_desc_lo, ds_desc_hi, ds_desc_lo, bp0, a20, pmba, pmregmisc, pm_intr, pm1_cnt, pirq, elcr, idetim
saved_\f:
	.long	0
	.endr
gdtr:
	.space	6
	.balign	4
a20_word:
	.long	0
	.balign	16
	.space	512
probe_stack_top:
