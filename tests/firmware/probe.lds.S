/* The probe kernel, linked where the loader puts a kernel; probe_entry
 * first, so the image starts with its entry point like code32_start. */
#include "kboot_image_proto.h"

OUTPUT_FORMAT("elf32-i386")
OUTPUT_ARCH(i386)
ENTRY(probe_entry)

SECTIONS
{
	. = KBOOT_KERNEL_BASE;
	.text : { *(.text.entry) *(.text .text.*) }
	.rodata : { *(.rodata .rodata.*) }
	.data : { *(.data .data.*) }
	.bss : { *(.bss .bss.*) *(COMMON) }
	/DISCARD/ : { *(.note .note.*) *(.comment) *(.eh_frame) }
}

ASSERT(probe_entry == KBOOT_KERNEL_BASE, "the probe must start with its entry point")
