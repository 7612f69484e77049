/* The guest's ACPI tables, built on the host: RSDP, XSDT and RSDT, FADT,
 * FACS, DSDT (kboot_loader_acpi_dsdt.c) and MADT, laid out in one blob for a given guest-physical
 * address.  They say what hvmloader's tables say on Xen (every vCPU with
 * Xen's APIC ids, the IOAPIC and ISA interrupt overrides, the PIIX4 power
 * management block, S5 for power-off, the 0xcf9 reset register, the PCI
 * root bridge with its windows and INTx routing) and what
 * QEMU's own tables say for its pc machine.  Pure: a configuration in,
 * bytes out; GLib only.
 *
 * The ports the tables name, and what the firmware must set up for them to
 * be true, are in kboot_loader_acpi_hw.h. */
#ifndef KBOOT_LOADER_ACPI_H
#define KBOOT_LOADER_ACPI_H

#include <glib.h>

#include "kboot_layout_platform.h"   /* KbootPlatformKind */
#include "kboot_loader_bootparams.h" /* KbootHandoff */

G_BEGIN_DECLS

/* Xen's HVM_MAX_VCPUS (public/hvm/hvm_info_table.h): the size of
 * hvm_info_table's vcpu_online bitmap, and with APIC id 2 * i the largest
 * id (254) still fits the MADT's 8-bit Local APIC entry. */
#define KBOOT_ACPI_VCPUS_MAX 128

typedef struct {
  KbootPlatformKind platform;  /* xen-hvm or qemu-pc: ids, ports, overrides */
  guint32 nr_vcpus;            /* 1 .. KBOOT_ACPI_VCPUS_MAX */
  const guint8 *vcpu_online;   /* bit i (byte i / 8, bit i % 8) set = vCPU i
                                * online, as Xen's hvm_info_table
                                * vcpu_online; at least (nr_vcpus + 7) / 8
                                * bytes; NULL = all online.  vCPU 0 must be
                                * online. */
  guint64 base;                /* guest-physical address of the blob: 16-byte
                                * aligned, not 0, the whole blob below 4 GiB
                                * (the RSDT and the FADT's 32-bit fields) */
  /* The 32-bit PCI memory window, [pci_mem_start, pci_mem_end), that
   * \_SB.PCI0._CRS gives the OS for BARs: the tables are built before the
   * guest runs, so the caller says where the hole below 4 GiB is.
   *   xen-hvm: from libxl's mmio_start (4 GiB - mmio_size, by default
   *     HVM_BELOW_4G_MMIO_START 0xf0000000; libxl_dom.c), which is where
   *     hvmloader's pci_mem_start starts, to KBOOT_ACPI_XEN_PCI_MEM_END,
   *     hvmloader's pci_mem_end;
   *   qemu-pc: from the end of RAM below 4 GiB (QEMU's lowmem: all RAM
   *     up to 0xe0000000, 0xc0000000 past that with gigabyte_align, lower
   *     with max-ram-below-4g; hw/i386/pc_piix.c pc_init1) to
   *     KBOOT_ACPI_QEMU_PCI_MEM_END, where QEMU's i440fx hole ends.
   * Both between 1 MiB and the IOAPIC (kboot_loader_acpi_hw.h). */
  guint64 pci_mem_start;
  guint64 pci_mem_end;
} KbootAcpiConfig;

typedef enum {
  KBOOT_ACPI_ERROR_PLATFORM,   /* not a platform we have tables for */
  KBOOT_ACPI_ERROR_VCPUS,      /* 0 or more than KBOOT_ACPI_VCPUS_MAX */
  KBOOT_ACPI_ERROR_ONLINE,     /* vCPU 0 offline */
  KBOOT_ACPI_ERROR_BASE,       /* 0, not 16-byte aligned, or past 4 GiB */
  KBOOT_ACPI_ERROR_PCI_WINDOW, /* empty, below 1 MiB, or past the IOAPIC */
} KbootAcpiError;

#define KBOOT_ACPI_ERROR (kboot_acpi_error_quark ())
GQuark kboot_acpi_error_quark (void);

/* Bytes kboot_acpi_build() returns for @platform and @nr_vcpus, whatever
 * the (16-byte aligned) base: reserve this much in the plan first.  0 when
 * @platform or @nr_vcpus is out of range (kboot_acpi_build says why). */
guint64 kboot_acpi_size (KbootPlatformKind platform, guint32 nr_vcpus);

/* The tables for @config, laid out from @config->base: exactly
 * kboot_acpi_size() bytes, the RSDP (ACPI 2.0, with the XSDT) first, so
 * *@rsdp_addr = @config->base.  Each table is 16-byte aligned, the FACS
 * 64-byte aligned; the bytes between them are zero.  NULL and @error set
 * when @config breaks a rule above. */
GBytes *kboot_acpi_build (const KbootAcpiConfig *config, guint64 *rsdp_addr,
                          GError **error);

/* What the entry firmware must set up for @platform's tables to be true
 * (kboot_loader_acpi_hw.h), into @handoff's fields that carry it: the
 * PIIX4 PM I/O base, the PIIX3 link routes (byte n = link n's ISA IRQ) and
 * how the board wires slots to links.  FALSE (@handoff untouched) for a
 * platform without tables. */
gboolean kboot_acpi_platform_hw (KbootPlatformKind platform, KbootHandoff *handoff);

G_END_DECLS

#endif /* KBOOT_LOADER_ACPI_H */
