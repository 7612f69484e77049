/* The QEMU BIOS image's way in: the reset vector and the switch from real
 * mode to fw_entry32 (entry32.S), the path the Xen ELF starts on.
 *
 * The image is linked at 0xffff0000, where QEMU maps the -bios file at the
 * top of 4 GiB, and every address in it is that one: the CPU leaves reset
 * with CS = 0xf000 but a CS base of 0xffff0000, and this code never
 * reloads CS in real mode, so it runs from the high mapping and neither
 * needs the legacy 0xf0000 alias nor the chipset's PAM setup for it.
 *
 * A20: the gate is open out of reset (QEMU's x86_cpu_reset sets an all-ones
 * a20_mask; Xen has no gate for HVM guests), so there is none to open
 * here.  The boot test checks it from the probe kernel: a store 1 MiB
 * above a word must not land on it.
 */
#include "kboot_image_proto.h"
#include "x86.h"

	.code16
	.section .text16, "ax"

reset16:
	cli
	cld
	/* lgdtl's operand is addressed through CS (base 0xffff0000, limit
	 * 0xffff): the low 16 bits of fw_gdt_desc are its offset there.  The
	 * "l" loads all 32 bits of the base, above the 16 MiB that a 16-bit
	 * lgdt would keep. */
	movl	$fw_gdt_desc, %ebx
	lgdtl	%cs:(%bx)
	/* Protected mode, caches on (reset leaves CD and NW set; paging
	 * stays off). */
	movl	%cr0, %eax
	andl	$~(X86_CR0_CD | X86_CR0_NW | X86_CR0_PG), %eax
	orl	$X86_CR0_PE, %eax
	movl	%eax, %cr0
	/* Into the 32-bit code with a 32-bit offset: the same path as Xen. */
	ljmpl	$KBOOT_BOOT_CS, $fw_entry32

	/* The reset vector: 16 bytes at 0xfffffff0, placed by the linker
	 * script. */
	.section .reset, "ax"
	.globl	reset_vector
reset_vector:
	jmp	reset16
	.balign	16, 0xf4	/* hlt */
