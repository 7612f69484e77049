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
 *   0x14    pci_links    byte n = the ISA IRQ PIIX3's PCI interrupt link n
 *                        (PIRQA..PIRQD) is routed to; 0 = leave the links
 *                        alone (all four bytes 0)
 *   0x18    checksum     chosen so that the u32 words 0x00..0x20 sum to 0
 *   0x1c    pm_base      the I/O base of the PIIX4 power management block
 *                        (PCI 00:01.3) the ACPI tables name, 0 = no ACPI
 *                        hardware to set up
 *   0x20    pci_skew     how the board wires PCI pins to PIIX3's links:
 *                        slot s's pin p (INTA = 0) is on link
 *                        (s + p + pci_skew) & 3 (0 on Xen, 3 on QEMU)
 *   0x24    entry_kind   how to enter: KBOOT_HANDOFF_ENTRY_* below
 *   0x28    page_tables  for KBOOT_HANDOFF_ENTRY_KERNEL64: the page-aligned
 *                        PML4 of an identity map of the first 4 GiB
 *                        (KBOOT_PAGE_TABLES_SIZE bytes, kboot_loader_
 *                        pagetables.h); else 0
 *
 * The firmware refuses (halts, after saying why on serial and port 0xe9) a
 * block with a bad magic, another version, another size, a bad checksum,
 * an entry or boot_params of 0, an unknown entry_kind, or a 64-bit entry
 * without page-aligned page tables.  Before the kernel it does for the ACPI
 * tables the loader wrote what hvmloader and SeaBIOS do for theirs
 * (src/kboot_loader_acpi_hw.h): PIIX4 PM decoding at pm_base and ACPI
 * mode, the PCI links and their IRQs' level trigger (ELCR), each device's
 * interrupt line, and the IDE controller's legacy ports.
 */
#ifndef KBOOT_LOADER_HANDOFF_H
#define KBOOT_LOADER_HANDOFF_H

#define KBOOT_HANDOFF_ADDR          0x1000
#define KBOOT_HANDOFF_MAGIC         0x4F484B42 /* "KBHO" little-endian */
#define KBOOT_HANDOFF_VERSION       4
#define KBOOT_HANDOFF_SIZE          0x2c

#define KBOOT_HANDOFF_OFF_MAGIC       0x00
#define KBOOT_HANDOFF_OFF_VERSION     0x04
#define KBOOT_HANDOFF_OFF_SIZE        0x08
#define KBOOT_HANDOFF_OFF_ENTRY       0x0c
#define KBOOT_HANDOFF_OFF_BOOT_PARAMS 0x10
#define KBOOT_HANDOFF_OFF_PCI_LINKS   0x14
#define KBOOT_HANDOFF_OFF_CHECKSUM    0x18
#define KBOOT_HANDOFF_OFF_PM_BASE     0x1c
#define KBOOT_HANDOFF_OFF_PCI_SKEW    0x20
#define KBOOT_HANDOFF_OFF_ENTRY_KIND  0x24
#define KBOOT_HANDOFF_OFF_PAGE_TABLES 0x28

/* entry_kind.  The direct path enters the bzImage by the 32-bit boot
 * protocol (its code32_start, where the kernel's own decompressor runs);
 * the fast path (issue 15) enters the kernel proper the loader put in
 * place already decompressed: a 32-bit one at startup_32 (arch/x86/
 * kernel/head_32.S) in the same 32-bit state, a 64-bit one at startup_64
 * (head_64.S) by the 64-bit boot protocol: long mode, paging on through
 * an identity map, CS = KBOOT_BOOT_CS a 64-bit code segment,
 * DS = ES = SS = KBOOT_BOOT_DS, RSI = boot_params (Documentation/arch/
 * x86/boot.rst, "64-bit BOOT PROTOCOL"). */
#define KBOOT_HANDOFF_ENTRY_BZIMAGE   0
#define KBOOT_HANDOFF_ENTRY_KERNEL32  1
#define KBOOT_HANDOFF_ENTRY_KERNEL64  2
#define KBOOT_HANDOFF_ENTRY_LAST      KBOOT_HANDOFF_ENTRY_KERNEL64

/* The 64-bit entry's identity map of [0, 4 GiB) in 2 MiB pages: one PML4,
 * one PDPT and four page directories, in this order from page_tables. */
#define KBOOT_PAGE_TABLES_SIZE        0x6000

/* Debug output: Xen's HVM debug port (and QEMU's isa-debugcon when mapped
 * there), and COM1. */
#define KBOOT_DEBUG_PORT            0xe9
#define KBOOT_COM1_PORT             0x3f8

#endif /* KBOOT_LOADER_HANDOFF_H */
