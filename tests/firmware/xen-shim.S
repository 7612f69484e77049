/* A test BIOS that starts the Xen variant of the firmware the way Xen
 * does, so that its 32-bit path runs for real without Xen.
 *
 * libxenguest (tools/libs/guest/xg_dom_hvmloader.c, xg_dom_x86.c
 * vcpu_hvm) loads the ELF's PT_LOAD segments at their physical addresses
 * (the test does that in the RAM file) and starts the vCPU with flat
 * 4 GiB CS/DS/SS in their cached descriptors but selectors 0, an empty
 * GDTR, CR0 = PE|ET, paging off, EIP = e_entry and EBX = hvm_start_info.
 *
 * A BIOS cannot load selector 0 into CS, so the shim comes as close as
 * it can: flat segments through its own GDT (selectors 0x08/0x10, not the
 * boot protocol's), then a GDTR with limit 0.  Until the firmware loads
 * its own GDT any segment load faults, and a triple fault ends QEMU
 * (-no-reboot): the test sees no probe line.  EIP and EBX come from the
 * mailbox the test wrote (xen-shim.h).  Linked with the firmware's BIOS
 * linker script, like the real BIOS image. */
#include "kboot_image_proto.h"
#include "x86.h"
#include "xen-shim.h"

	.code16
	.section .text16, "ax"
shim16:
	cli
	movl	$shim_gdt_desc, %ebx
	lgdtl	%cs:(%bx)
	movl	%cr0, %eax
	andl	$~(X86_CR0_CD | X86_CR0_NW | X86_CR0_PG), %eax
	orl	$X86_CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	$XEN_SHIM_CS, $shim32

	.code32
	.text
shim32:
	movl	$XEN_SHIM_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	lgdtl	%cs:shim_gdt_empty
	movl	XEN_SHIM_MAILBOX_EBX, %ebx
	jmp	*XEN_SHIM_MAILBOX_ENTRY

	.section .rodata
	.balign	8
shim_gdt:
	.quad	0
	.quad	X86_GDT_CODE32_FLAT	/* XEN_SHIM_CS */
	.quad	X86_GDT_DATA32_FLAT	/* XEN_SHIM_DS */
shim_gdt_end:
	.balign	4
shim_gdt_desc:
	.word	shim_gdt_end - shim_gdt - 1
	.long	shim_gdt
shim_gdt_empty:
	.word	0
	.long	0

	.code16
	.section .reset, "ax"
	.globl	reset_vector
reset_vector:
	jmp	shim16
	.balign	16, 0xf4
