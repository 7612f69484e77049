/* The handoff block: how the loader tells the entry firmware where to go.
 *
 * The loader writes one block at guest-physical KBOOT_HANDOFF_ADDR before the
 * vCPU runs; the firmware (firmware/entry32.S) checks it and enters Linux's
 * 32-bit boot protocol with ESI = boot_params and EIP = entry.  Included by C
 * and assembly, so it holds only #defines.  All fields are little-endian u32.
 *
 *   offset  field        meaning
 *   0x00    magic        KBOOT_HANDOFF_MAGIC ("KBHO")
 *   0x04    version      KBOOT_HANDOFF_VERSION
 *   0x08    size         KBOOT_HANDOFF_SIZE (bytes covered by the checksum)
 *   0x0c    entry        32-bit entry point: the kernel's code32_start
 *   0x10    boot_params  guest-physical address of the zero page
 *   0x14    flags        0 (no flags defined in version 1)
 *   0x18    checksum     chosen so that the u32 words 0x00..0x1c sum to 0
 *   0x1c    reserved     0
 *
 * The firmware refuses (halts, after saying why on serial and port 0xe9) a
 * block with a bad magic, another version, another size, a bad checksum, or
 * an entry or boot_params of 0.
 */
#ifndef KBOOT_LOADER_HANDOFF_H
#define KBOOT_LOADER_HANDOFF_H

#define KBOOT_HANDOFF_ADDR          0x1000
#define KBOOT_HANDOFF_MAGIC         0x4F484B42 /* "KBHO" little-endian */
#define KBOOT_HANDOFF_VERSION       1
#define KBOOT_HANDOFF_SIZE          0x20

#define KBOOT_HANDOFF_OFF_MAGIC       0x00
#define KBOOT_HANDOFF_OFF_VERSION     0x04
#define KBOOT_HANDOFF_OFF_SIZE        0x08
#define KBOOT_HANDOFF_OFF_ENTRY       0x0c
#define KBOOT_HANDOFF_OFF_BOOT_PARAMS 0x10
#define KBOOT_HANDOFF_OFF_FLAGS       0x14
#define KBOOT_HANDOFF_OFF_CHECKSUM    0x18
#define KBOOT_HANDOFF_OFF_RESERVED    0x1c

/* Debug output: Xen's HVM debug port (and QEMU's isa-debugcon when mapped
 * there), and COM1. */
#define KBOOT_DEBUG_PORT            0xe9
#define KBOOT_COM1_PORT             0x3f8

#endif /* KBOOT_LOADER_HANDOFF_H */
