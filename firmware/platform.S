/* The platform set-up the loader's ACPI tables rely on (see
 * src/kboot_loader_acpi_hw.h): what hvmloader (pci.c, hvmloader.c) and
 * SeaBIOS (fw/pciinit.c) do for their own tables, and no more.
 *
 *   fw_platform_setup  %ebx = the checked handoff block.  With pm_base:
 *                      PIIX4 PM's PMBA = pm_base | 1 and PMIOSE, then ACPI
 *                      mode (SCI_EN) through the APM port.  With pci_links:
 *                      PIIX3's PIRQA..D route registers, and those IRQs
 *                      level-triggered in the ELCR, and every device's
 *                      interrupt line register (by pci_skew), and the
 *                      legacy ports of PIIX3's IDE channels.  One line
 *                      says what was done; a missing device is said and
 *                      skipped (the kernel still boots, without what it
 *                      would give).
 *
 * BARs are left to the kernel: Linux assigns them inside PCI0's _CRS
 * window, and routes INTx by _PRT. */
#include "kboot_image_handoff.h"
#include "kboot_loader_acpi_hw.h"
#include "x86.h"

	.code32
	.text

/* pci_select: %eax = devfn << 8 | reg; selects its dword through
 * CONFIG_ADDRESS and returns in %edx the data port of the byte reg names
 * (CONFIG_DATA + reg % 4).  %eax preserved. */
pci_select:
	pushl	%eax
	andl	$0xfffc, %eax
	orl	$X86_PCI_CONFIG_ENABLE, %eax
	movw	$X86_PCI_CONFIG_ADDRESS, %dx
	outl	%eax, %dx
	popl	%eax
	movl	%eax, %edx
	andl	$3, %edx
	addl	$X86_PCI_CONFIG_DATA, %edx
	ret

/* pci_read32: %eax = devfn << 8 | reg (dword-aligned) -> %eax. */
pci_read32:
	pushl	%edx
	call	pci_select
	inl	%dx, %eax
	popl	%edx
	ret

/* pci_write32: %eax = devfn << 8 | reg (dword-aligned), %ecx = value. */
pci_write32:
	pushl	%eax
	pushl	%edx
	call	pci_select
	movl	%ecx, %eax
	outl	%eax, %dx
	popl	%edx
	popl	%eax
	ret

/* pci_read8: %eax = devfn << 8 | reg -> %al (the rest of %eax zero). */
pci_read8:
	pushl	%edx
	call	pci_select
	xorl	%eax, %eax
	inb	%dx, %al
	popl	%edx
	ret

/* pci_write8: %eax = devfn << 8 | reg, %cl = value. */
pci_write8:
	pushl	%eax
	pushl	%edx
	call	pci_select
	movb	%cl, %al
	outb	%al, %dx
	popl	%edx
	popl	%eax
	ret

	.globl	fw_platform_setup
fw_platform_setup:
	pushal
	movl	KBOOT_HANDOFF_OFF_PM_BASE(%ebx), %edi
	testl	%edi, %edi
	jz	links

	movl	$(KBOOT_ACPI_PIIX4_PM_DEVFN << 8), %eax
	call	pci_read32
	cmpl	$KBOOT_ACPI_PIIX4_PM_ID, %eax
	jne	no_pm
	movl	$(KBOOT_ACPI_PIIX4_PM_DEVFN << 8 | KBOOT_ACPI_PIIX4_PMBA), %eax
	movl	%edi, %ecx
	orl	$1, %ecx			/* bit 0: an I/O BAR */
	call	pci_write32
	movl	$(KBOOT_ACPI_PIIX4_PM_DEVFN << 8 | KBOOT_ACPI_PIIX4_PMREGMISC), %eax
	call	pci_read8
	movl	%eax, %ecx
	orb	$KBOOT_ACPI_PIIX4_PMIOSE, %cl
	movl	$(KBOOT_ACPI_PIIX4_PM_DEVFN << 8 | KBOOT_ACPI_PIIX4_PMREGMISC), %eax
	call	pci_write8

	/* ACPI mode: our FADT's SMI_CMD is 0, so the OS never asks. */
	leal	KBOOT_ACPI_PM1_CNT_OFFSET(%edi), %edx
	inw	%dx, %ax
	testw	$KBOOT_ACPI_PM1_CNT_SCI_EN, %ax
	jnz	1f
	movb	$KBOOT_ACPI_ENABLE_CMD, %al
	outb	%al, $KBOOT_ACPI_SMI_CMD_PORT
	inw	%dx, %ax
	testw	$KBOOT_ACPI_PM1_CNT_SCI_EN, %ax
	jz	no_sci
1:	movl	$msg_pm, %esi
	call	console_puts
	movl	%edi, %eax
	call	console_puthex
	movl	$msg_pm_done, %esi
	call	console_puts
	jmp	links

no_pm:
	movl	$msg_no_pm, %esi
	call	console_puts
	call	console_puthex
	movl	$msg_no_pm_end, %esi
	call	console_puts
	jmp	links

no_sci:
	movl	$msg_no_sci, %esi
	call	console_puts
	movl	%edx, %eax
	call	console_puthex
	movl	$msg_no_sci_end, %esi
	call	console_puts

links:
	movl	KBOOT_HANDOFF_OFF_PCI_LINKS(%ebx), %esi
	testl	%esi, %esi
	jz	done
	movl	$(KBOOT_ACPI_PIIX3_DEVFN << 8), %eax
	call	pci_read32
	cmpl	$KBOOT_ACPI_PIIX3_ID, %eax
	jne	no_piix3

	/* Each link to its IRQ; %edi collects the IRQs for the ELCR. */
	xorl	%edi, %edi
	movl	$(KBOOT_ACPI_PIIX3_DEVFN << 8 | KBOOT_ACPI_PIIX3_PIRQRC), %eax
2:	movl	%esi, %ecx
	call	pci_write8
	andl	$0x0f, %ecx
	btsl	%ecx, %edi
	shrl	$8, %esi
	incl	%eax
	cmpl	$(KBOOT_ACPI_PIIX3_DEVFN << 8 | KBOOT_ACPI_PIIX3_PIRQRC + 4), %eax
	jb	2b
	movw	$X86_ELCR1_PORT, %dx
	inb	%dx, %al
	movl	%edi, %ecx
	orb	%cl, %al
	outb	%al, %dx
	movw	$X86_ELCR2_PORT, %dx
	inb	%dx, %al
	orb	%ch, %al
	outb	%al, %dx

	movl	$msg_links, %esi
	call	console_puts
	movl	KBOOT_HANDOFF_OFF_PCI_LINKS(%ebx), %eax
	call	console_puthex
	movl	$msg_links_elcr, %esi
	call	console_puts
	movl	%edi, %eax
	call	console_puthex
	movb	$'\n', %al
	call	console_putc

	/* Each device's interrupt line register: the IRQ of the link its pin
	 * is wired to, link = (pin - 1 + slot + pci_skew) & 3 (Xen's barber
	 * pole; QEMU's PIIX3 wires slot - 1), as hvmloader and SeaBIOS write
	 * it.  Only an OS that routes by the line register (no ACPI, PIC
	 * mode) reads it; Linux shows it until a driver enables the device.
	 * %ebp = devfn. */
	xorl	%ebp, %ebp
5:	movl	%ebp, %eax
	shll	$8, %eax
	call	pci_read32
	cmpw	$0xffff, %ax
	je	7f				/* nothing at this function */
	movl	%ebp, %eax
	shll	$8, %eax
	orl	$X86_PCI_INTERRUPT_PIN, %eax
	call	pci_read8
	testl	%eax, %eax
	jz	6f
	cmpl	$4, %eax
	ja	6f				/* not INTA..INTD */
	decl	%eax
	movl	%ebp, %ecx
	shrl	$3, %ecx
	addl	%ecx, %eax
	addl	KBOOT_HANDOFF_OFF_PCI_SKEW(%ebx), %eax
	andl	$3, %eax
	movb	KBOOT_HANDOFF_OFF_PCI_LINKS(%ebx,%eax,1), %cl
	movl	%ebp, %eax
	shll	$8, %eax
	orl	$X86_PCI_INTERRUPT_LINE, %eax
	call	pci_write8
6:	testl	$7, %ebp			/* function 0: one function only? */
	jnz	8f
	movl	%ebp, %eax
	shll	$8, %eax
	orl	$X86_PCI_HEADER_TYPE, %eax
	call	pci_read8
	testb	$X86_PCI_HEADER_MULTI, %al
	jnz	8f
7:	testl	$7, %ebp			/* no function 0: no slot */
	jnz	8f
	orl	$7, %ebp			/* on to the next slot */
8:	incl	%ebp
	cmpl	$256, %ebp
	jb	5b

	jmp	done

no_piix3:
	movl	$msg_no_piix3, %esi
	call	console_puts
	call	console_puthex
	movl	$msg_no_piix3_end, %esi
	call	console_puts

done:
	/* PIIX3 IDE, with or without ACPI: both channels' legacy ports on
	 * (IDETIM decode enable), as hvmloader and SeaBIOS do; Linux's
	 * ata_piix leaves a channel without it alone, and its disks with it. */
	movl	$(KBOOT_ACPI_PIIX3_IDE_DEVFN << 8), %eax
	call	pci_read32
	cmpl	$KBOOT_ACPI_PIIX3_IDE_ID, %eax
	jne	no_ide
	movl	$(KBOOT_ACPI_PIIX3_IDE_DEVFN << 8 | KBOOT_ACPI_PIIX3_IDETIM), %eax
	call	pci_read32
	movl	%eax, %ecx
	orl	$KBOOT_ACPI_PIIX3_IDETIM_BOTH_ON, %ecx
	movl	$(KBOOT_ACPI_PIIX3_IDE_DEVFN << 8 | KBOOT_ACPI_PIIX3_IDETIM), %eax
	call	pci_write32
	movl	$msg_ide, %esi
	call	console_puts
	jmp	1f

no_ide:
	movl	$msg_no_ide, %esi
	call	console_puts
	call	console_puthex
	movl	$msg_no_ide_end, %esi
	call	console_puts
1:	popal
	ret


	.section .rodata
msg_pm:
	.asciz	"xen-kboot firmware: PIIX4 power management at "
msg_pm_done:
	.asciz	", ACPI mode on\n"
msg_no_pm:
	.asciz	"xen-kboot firmware: no PIIX4 power management at PCI 00:01.3 (ID "
msg_no_pm_end:
	.asciz	"): the ACPI tables' power-off will not work\n"
msg_no_sci:
	.asciz	"xen-kboot firmware: PM1a_CNT at "
msg_no_sci_end:
	.asciz	" did not turn SCI_EN on after ACPI enable: power-off may not work\n"
msg_links:
	.asciz	"xen-kboot firmware: PCI links A-D to IRQs (a byte each, A lowest) "
msg_links_elcr:
	.asciz	", level-triggered IRQ mask "
msg_ide:
	.asciz	"xen-kboot firmware: PIIX3 IDE legacy ports on (0x1f0, 0x170)\n"
msg_no_ide:
	.asciz	"xen-kboot firmware: no PIIX3 IDE at PCI 00:01.1 (ID "
msg_no_ide_end:
	.asciz	"): its channels left alone\n"
msg_no_piix3:
	.asciz	"xen-kboot firmware: no PIIX3 at PCI 00:01.0 (ID "
msg_no_piix3_end:
	.asciz	"): PCI interrupt links left alone\n"
