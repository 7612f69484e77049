/* The QEMU BIOS variant: a 64 KiB ROM image for -bios.  QEMU maps the file
 * so that it ends at 4 GiB; it is linked there, at FW_BIOS_BASE, and
 * objcopy -O binary turns [FW_BIOS_BASE, 4 GiB) into the file, with the
 * reset vector at offset 0xfff0 (address 0xfffffff0). */
#include "kboot_image_handoff.h"

#define FW_BIOS_BASE    0xffff0000
#define FW_RESET_VECTOR 0xfffffff0

OUTPUT_FORMAT("elf32-i386")
OUTPUT_ARCH(i386)
ENTRY(reset_vector)

SECTIONS
{
	. = FW_BIOS_BASE;
	.text : { *(.text16) *(.text .text.*) *(.rodata .rodata.*) }
	/* ROM: writes are dropped, so there must be nothing to write. */
	.data : { *(.data .data.*) *(.bss .bss.*) *(COMMON) }
	.reset FW_RESET_VECTOR : { KEEP(*(.reset)) }
	/DISCARD/ : { *(.note .note.*) *(.comment) *(.eh_frame) }
}

/* No RAM of our own: the stack is the top of page 0, just below the
 * handoff block, which the loader leaves free (the Xen variant keeps its
 * stack in its image instead).  Page 0 is RAM under QEMU's pc machine,
 * unlike 0xa0000-0xfffff. */
fw_stack_top = KBOOT_HANDOFF_ADDR;

ASSERT(SIZEOF(.data) == 0, "the BIOS image is ROM: no writable data")
ASSERT(SIZEOF(.reset) == 16, "the reset vector takes the last 16 bytes")
