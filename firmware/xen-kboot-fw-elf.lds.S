/* The Xen variant: a 32-bit ELF that libxenguest loads at its physical
 * addresses in place of hvmloader (b_info->u.hvm.firmware) and enters at
 * e_entry.  One PT_LOAD at KBOOT_FIRMWARE_BASE, no notes: libxenguest
 * refuses an image with Xen notes as a PV kernel. */
#include "kboot_image_proto.h"

OUTPUT_FORMAT("elf32-i386")
OUTPUT_ARCH(i386)
ENTRY(fw_entry32)

PHDRS
{
	image PT_LOAD;
}

SECTIONS
{
	. = KBOOT_FIRMWARE_BASE;
	.text : { *(.text .text.*) } :image
	.rodata : { *(.rodata .rodata.*) } :image
	.data : { *(.data .data.*) } :image
	/* The stack lives in the image: the kernel, at KBOOT_KERNEL_BASE and
	 * up, never overwrites it, and libxenguest zeroes it (p_memsz >
	 * p_filesz) when it loads the segment. */
	.bss : {
		*(.bss .bss.*) *(COMMON)
		. = ALIGN(16);
		. += 1024;
		fw_stack_top = .;
	} :image
	/DISCARD/ : { *(.note .note.*) *(.comment) *(.eh_frame) }
}

ASSERT(. <= KBOOT_KERNEL_BASE, "the firmware must end below the kernel")
