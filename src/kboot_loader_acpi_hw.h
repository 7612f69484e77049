/* The ACPI hardware of the two platforms: the ports and values the ACPI
 * tables (kboot_loader_acpi.c) tell the guest about, and that the entry
 * firmware must set up for those tables to be true.  Included by C and
 * assembly, so it holds only #defines.
 *
 * Both platforms emulate Intel's PIIX4 power management function (PCI
 * 00:01.3): qemu-xen for Xen HVM guests, QEMU itself for the pc machine.
 * Its PM1a event, PM1a control and PM timer registers sit in one I/O block
 * whose base the firmware chooses (PCI config PMBA); GPE0 is fixed.
 *
 * What the firmware must do, because hvmloader and SeaBIOS do it and our
 * tables rely on it (the tables themselves cannot do it):
 *   1. Program the PM function's PCI config (bus 0, devfn
 *      KBOOT_ACPI_PIIX4_PM_DEVFN): PMBA (KBOOT_ACPI_PIIX4_PMBA) =
 *      the platform's PM base | 1, then PMREGMISC (KBOOT_ACPI_PIIX4_PMREGMISC)
 *      = KBOOT_ACPI_PIIX4_PMIOSE.  Without it PM1a_CNT is not decoded and
 *      Linux's power-off writes go nowhere.  (hvmloader: pci.c, the 0x0680
 *      class case; SeaBIOS: fw/pciinit.c piix4_pm_config_setup.)
 *      The PM base chosen must be the one below for the platform.
 *   2. Put the PM block in ACPI mode: when PM1a_CNT (PM base + 4) reads
 *      with KBOOT_ACPI_PM1_CNT_SCI_EN clear, write KBOOT_ACPI_ENABLE_CMD to
 *      KBOOT_ACPI_SMI_CMD_PORT; SCI_EN then reads set (hvmloader.c
 *      acpi_enable_sci).  Our FADT's SMI_CMD is 0, which ACPI 2.0+ defines
 *      as "always in ACPI mode": Linux then never writes ACPI_ENABLE itself
 *      (acpica hwacpi.c acpi_hw_get_mode returns ACPI mode when SMI_CMD is
 *      0, without reading SCI_EN), so the firmware must have done it.
 *   3. xen-hvm only: move Xen's own PM1a event and PM timer emulation to
 *      the V1 ports, HVM_PARAM_ACPI_IOPORTS_LOCATION = 1 (hvmloader.c does
 *      it with HVMOP_set_param; the toolstack can with xc_hvm_param_set).
 *      Xen starts at V0 (0x1f40); at V1 Xen's 32-bit timer answers 0xb008,
 *      as the FADT's TMR_VAL_EXT says.
 */
#ifndef KBOOT_LOADER_ACPI_HW_H
#define KBOOT_LOADER_ACPI_HW_H

/* ---- PM block bases --------------------------------------------------- */

/* xen-hvm: Xen's public hvm/ioreq.h ACPI_PM1A_EVT_BLK_ADDRESS_V1 ("locations
 * preferred by modern Qemu"), where hvmloader's pci.c puts PMBA and
 * libacpi's static_tables.c points the FADT. */
#define KBOOT_ACPI_XEN_PM_BASE          0xb000
/* qemu-pc: where SeaBIOS puts PMBA when QEMU builds the ACPI tables
 * (fw/paravirt.c qemu_cfg_init: "Moving pm_base to 0x600"), and so what
 * QEMU 7.2's own FADT for the pc machine says (it reads PMBA back:
 * hw/i386/acpi-build.c, ACPI_PM_PROP_PM_IO_BASE; Linux under QEMU 7.2 and
 * SeaBIOS 1.16 reports "PM-Timer IO Port: 0x608"). */
#define KBOOT_ACPI_QEMU_PM_BASE         0x0600
/* Offsets in the PM block (PIIX4 datasheet; QEMU hw/acpi/core.c maps
 * acpi-evt at 0, acpi-cnt at 4, acpi-tmr at 8). */
#define KBOOT_ACPI_PM1_EVT_OFFSET       0x00
#define KBOOT_ACPI_PM1_EVT_LEN          4
#define KBOOT_ACPI_PM1_CNT_OFFSET       0x04
#define KBOOT_ACPI_PM1_CNT_LEN          2
#define KBOOT_ACPI_PM_TMR_OFFSET        0x08
#define KBOOT_ACPI_PM_TMR_LEN           4
/* GPE0: fixed in QEMU's PIIX4 (hw/acpi/piix4.c GPE_BASE, GPE_LEN), the
 * same as Xen's ACPI_GPE0_BLK_ADDRESS_V1 / ACPI_GPE0_BLK_LEN_V1. */
#define KBOOT_ACPI_GPE0_BASE            0xafe0
#define KBOOT_ACPI_GPE0_LEN             4

/* PM1a_CNT bits (ACPI spec 4.8.3.2.1). */
#define KBOOT_ACPI_PM1_CNT_SCI_EN       0x0001
#define KBOOT_ACPI_PM1_CNT_SLP_TYP_SHIFT 10
#define KBOOT_ACPI_PM1_CNT_SLP_EN       0x2000
/* SLP_TYP for S5 (soft off): QEMU's acpi_pm1_cnt_write (hw/acpi/core.c)
 * powers off on sus_typ 0; hvmloader's dsdt.asl and QEMU's DSDT both say
 * Name (\_S5, Package (4) { 0, 0, 0, 0 }). */
#define KBOOT_ACPI_S5_SLP_TYP           0

/* The SCI: PIIX4 PM's interrupt, wired to ISA IRQ 9 (hvmloader pci.c
 * "Hardcoded IRQ9"; QEMU pc_piix.c passes x86ms->gsi[9]); both FADTs say 9. */
#define KBOOT_ACPI_SCI_IRQ              9

/* ---- entering ACPI mode ----------------------------------------------- */

/* APM control port and PIIX4's "ACPI enable" command (hvmloader.c
 * PIIX4_SMI_CMD_IOPORT, PIIX4_ACPI_ENABLE; QEMU hw/isa/apm.c,
 * hw/acpi/piix4.c ACPI_ENABLE).  QEMU handles this write itself (sets
 * SCI_EN, raises no SMI). */
#define KBOOT_ACPI_SMI_CMD_PORT         0xb2
#define KBOOT_ACPI_ENABLE_CMD           0xf1

/* PIIX4 PM function's PCI config (PIIX4 datasheet 3.3; QEMU hw/acpi/piix4.c
 * pm_io_space_update reads PMBA & 0xffc0 when PMREGMISC bit 0 is set). */
#define KBOOT_ACPI_PIIX4_PM_DEVFN       0x0b    /* 00:01.3 */
#define KBOOT_ACPI_PIIX4_PMBA           0x40
#define KBOOT_ACPI_PIIX4_PMREGMISC      0x80
#define KBOOT_ACPI_PIIX4_PMIOSE         0x01
/* Vendor and device id as config dword 0 reads (Intel 82371AB PIIX4 ACPI),
 * the same in qemu-xen; the firmware leaves anything else alone. */
#define KBOOT_ACPI_PIIX4_PM_ID          0x71138086

/* ---- PCI interrupt links ------------------------------------------------ */

/* PIIX3's PCI-to-ISA function (00:01.0, Intel 82371SB, qemu-xen's
 * "PIIX3-xen" too) and its PIRQ route control registers, one byte per
 * link A..D: the ISA IRQ, bit 7 = disabled.  qemu-xen passes each write on
 * to Xen (xen_set_pci_link_route), so on Xen they route INTx to the 8259s
 * and the IOAPIC's ISA pins as well as to the link's GSI. */
#define KBOOT_ACPI_PIIX3_DEVFN          0x08    /* 00:01.0 */
#define KBOOT_ACPI_PIIX3_ID             0x70008086
#define KBOOT_ACPI_PIIX3_PIRQRC         0x60
/* The routes, as the handoff block's pci_links carries them (byte n =
 * link n).  xen-hvm: hvmloader's pci_setup() walks PCI_ISA_IRQ_MASK
 * (5, 10, 11) from IRQ 1 and wraps: A=5, B=10, C=11, D=5.  qemu-pc:
 * SeaBIOS's pci_irqs[] (fw/pciinit.c): A=10, B=10, C=11, D=11.  Both
 * firmwares then make those IRQs level-triggered in the ELCR, as our MADT's
 * interrupt source overrides for them say. */
#define KBOOT_ACPI_XEN_PCI_LINKS        0x050b0a05
#define KBOOT_ACPI_QEMU_PCI_LINKS       0x0b0b0a0a
/* Which link a slot's pin is on, as the handoff block's pci_skew says it:
 * (slot + pin + skew) & 3, INTA = 0.  Xen: hvm_pci_intx_link, (slot + pin)
 * & 3, hvmloader's "barber's pole".  QEMU: PIIX3's pci_slot_get_pirq,
 * (slot - 1 + pin) & 3, SeaBIOS's piix_pci_slot_get_irq. */
#define KBOOT_ACPI_XEN_PCI_SKEW         0
#define KBOOT_ACPI_QEMU_PCI_SKEW        3

/* PIIX3's IDE function (00:01.1, 82371SB; qemu-xen's "piix3-ide-xen") and
 * its IDE timing registers for the primary and secondary channel: bit 15,
 * IDE decode enable, turns the channel's legacy ports (0x1f0, 0x170) on.
 * hvmloader (pci.c) and SeaBIOS (piix_ide_setup) set both; Linux's ata_piix
 * takes a channel without it for disabled and finds no disk on it. */
#define KBOOT_ACPI_PIIX3_IDE_DEVFN      0x09    /* 00:01.1 */
#define KBOOT_ACPI_PIIX3_IDE_ID         0x70108086
#define KBOOT_ACPI_PIIX3_IDETIM         0x40    /* primary; secondary at 0x42 */
#define KBOOT_ACPI_PIIX3_IDETIM_BOTH_ON 0x80008000

/* ---- reset -------------------------------------------------------------- */

/* PIIX3's reset control register, emulated by QEMU 7.2 and qemu-xen
 * (hw/isa/piix3.c PIIX_RCR_IOPORT, a reset when bit 2 is written);
 * libacpi's static_tables.c gives the same register and value. */
#define KBOOT_ACPI_RESET_PORT           0xcf9
#define KBOOT_ACPI_RESET_VALUE          0x06

/* ---- interrupt controllers ---------------------------------------------- */

/* hvmloader config.h LAPIC_BASE_ADDRESS, hvmloader.c ioapic_base_address;
 * QEMU APIC_DEFAULT_ADDRESS, IO_APIC_DEFAULT_ADDRESS. */
#define KBOOT_ACPI_LAPIC_ADDRESS        0xfee00000
#define KBOOT_ACPI_IOAPIC_ADDRESS       0xfec00000

/* ---- the PCI hole below 4 GiB --------------------------------------------- */

/* Where the 32-bit PCI memory window ends (exclusive), above it the
 * platform's own ranges.  xen-hvm: hvmloader's pci_mem_end =
 * RESERVED_MEMBASE (tools/firmware/hvmloader/pci.c, config.h): hvmloader
 * gives BARs [pci_mem_start, 0xfc000000) and its _CRS says that range
 * (libacpi dsdt.asl PMIN/PLEN from util.c pci_start/pci_len).
 * qemu-pc: QEMU 7.2's i440fx hole ends at IO_APIC_DEFAULT_ADDRESS
 * (hw/pci-host/i440fx.c, the pci-hole end QEMU's build_dsdt puts in
 * PCI0's _CRS). */
#define KBOOT_ACPI_XEN_PCI_MEM_END      0xfc000000
#define KBOOT_ACPI_QEMU_PCI_MEM_END     0xfec00000
/* The lowest start we accept: the window must leave the BIOS area below
 * 1 MiB to the legacy ranges. */
#define KBOOT_ACPI_PCI_MEM_MIN          0x00100000

#endif /* KBOOT_LOADER_ACPI_HW_H */
