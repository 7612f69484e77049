/* The guest's ACPI tables (see kboot_loader_acpi.h).
 *
 * Read from Xen 4.17's tools/libacpi (build.c, static_tables.c, acpi2_0.h,
 * dsdt.asl) and tools/firmware/hvmloader (config.h, util.c, hvmloader.c),
 * and from QEMU 7.2's hw/i386/acpi-common.c, acpi-build.c and hw/acpi;
 * QEMU's values were checked against the tables Linux dumps under QEMU 7.2
 * with SeaBIOS.  Layouts and field offsets are the ACPI specification's
 * (4.0 for the FADT, which is hvmloader's revision). */
#include "config.h"

#include <string.h>

#include "kboot_loader_acpi.h"
#include "kboot_loader_acpi_dsdt.h"
#include "kboot_loader_acpi_hw.h"
#include "kboot_util.h"

G_DEFINE_QUARK (kboot-acpi-error-quark, kboot_acpi_error)

/* ---- what the tables are made of ----------------------------------------- */

#define ACPI_OEM_ID            "XKBOOT"   /* 6 bytes, every table and the RSDP */
#define ACPI_OEM_REVISION      1
#define ACPI_CREATOR_ID        "XKBT"
#define ACPI_CREATOR_REVISION  1

#define ACPI_HEADER_SIZE       36
#define ACPI_HEADER_CHECKSUM   9          /* the checksum byte's offset */
#define ACPI_TABLE_ALIGN       16         /* as libacpi's allocations */
#define ACPI_FACS_ALIGN        64         /* ACPI spec 5.2.10: FACS alignment */

/* RSDP, ACPI 2.0 form (spec 5.2.5.3). */
#define RSDP_SIZE              36
#define RSDP_V1_SIZE           20         /* the part its first checksum covers */
#define RSDP_CHECKSUM          8
#define RSDP_OEM_ID            9
#define RSDP_REVISION          15
#define RSDP_RSDT              16
#define RSDP_LENGTH            20
#define RSDP_XSDT              24
#define RSDP_EXT_CHECKSUM      32
#define RSDP_REVISION_2        2          /* acpi2_0.h ACPI_2_0_RSDP_REVISION */

/* FACS (spec 5.2.10), as libacpi's static_tables.c: signature, length,
 * version 1 (ACPI_2_0_FACS_VERSION), the rest 0.  No checksum. */
#define FACS_SIZE              64
#define FACS_VERSION_OFF       32
#define FACS_VERSION           1

/* FADT revision 4 (ACPI 4.0, 244 bytes): what hvmloader builds
 * (util.c acpi_revision = 4; build.c: length up to sleep_control).  Debian's
 * Linux 6.1 takes it under QEMU 7.2: "FACP ... 0000F4 (v04 XKBOOT ...)",
 * every CPU up, "supports S0 S5", power-off and reset work. */
#define FADT_REVISION          4
#define FADT_SIZE              244
#define FADT_FIRMWARE_CTRL     36
#define FADT_DSDT              40
#define FADT_SCI_INT           46
#define FADT_SMI_CMD           48
#define FADT_PM1A_EVT_BLK      56
#define FADT_PM1A_CNT_BLK      64
#define FADT_PM_TMR_BLK        76
#define FADT_GPE0_BLK          80
#define FADT_PM1_EVT_LEN       88
#define FADT_PM1_CNT_LEN       89
#define FADT_PM_TMR_LEN        91
#define FADT_GPE0_BLK_LEN      92
#define FADT_P_LVL2_LAT        96
#define FADT_P_LVL3_LAT        98
#define FADT_CENTURY           108
#define FADT_IAPC_BOOT_ARCH    109
#define FADT_FLAGS             112
#define FADT_RESET_REG         116
#define FADT_RESET_VALUE       128
#define FADT_X_FIRMWARE_CTRL   132
#define FADT_X_DSDT            140
#define FADT_X_PM1A_EVT_BLK    148
#define FADT_X_PM1A_CNT_BLK    172
#define FADT_X_PM_TMR_BLK      208
#define FADT_X_GPE0_BLK        220
/* C2 and C3 latencies above 100 and 1000 us: no C2, no C3 (static_tables.c,
 * and QEMU's "C2/C3 state not supported"). */
#define FADT_NO_C2_C3_LATENCY  0x0fff
#define FADT_BOOT_ARCH_8042    0x0002     /* an i8042 at 0x60/0x64: both have one */

/* FADT fixed feature flags (spec 5.2.9 table 5-35; acpi2_0.h). */
#define FADT_WBINVD            (1u << 0)
#define FADT_PROC_C1           (1u << 2)
#define FADT_SLP_BUTTON        (1u << 5)  /* set: no fixed sleep button */
#define FADT_FIX_RTC           (1u << 6)
#define FADT_RTC_S4            (1u << 7)
#define FADT_TMR_VAL_EXT       (1u << 8)  /* the PM timer counts 32 bits */
#define FADT_RESET_REG_SUP     (1u << 10)
#define FADT_USE_PLATFORM_CLOCK (1u << 15)
#define FADT_APIC_CLUSTER      (1u << 18)

/* Generic Address Structure (spec 5.2.3.2): 12 bytes. */
#define GAS_SYSTEM_IO          1

/* MADT (spec 5.2.12). */
#define MADT_REVISION          2          /* acpi2_0.h ACPI_2_0_MADT_REVISION */
#define MADT_LAPIC_ADDR        36
#define MADT_FLAGS             40
#define MADT_ENTRIES           44
#define MADT_PCAT_COMPAT       1          /* dual 8259s present: Linux masks them */
#define MADT_LAPIC             0
#define MADT_LAPIC_SIZE        8
#define MADT_LAPIC_ENABLED     1
#define MADT_IOAPIC            1
#define MADT_IOAPIC_SIZE       12
#define MADT_OVERRIDE          2
#define MADT_OVERRIDE_SIZE     10
#define MADT_LAPIC_NMI         4
#define MADT_LAPIC_NMI_SIZE    6
#define MADT_ALL_PROCESSORS    0xff
#define MADT_LINT1             1

#define DSDT_REVISION          2          /* dsdt.asl: 64-bit AML integers */
#define SDT_REVISION           1          /* RSDT and XSDT: acpi2_0.h */
#define XSDT_ENTRY_SIZE        8
#define RSDT_ENTRY_SIZE        4
#define SDT_ENTRIES            2          /* the FADT and the MADT */

/* ---- the two platforms ----------------------------------------------------- */

/* What differs between Xen's tables and QEMU's. */
typedef struct {
  const char *oem_table_id;    /* up to 8 bytes: which platform's tables */
  guint8 ioapic_id;
  guint8 apic_id_step;         /* vCPU i has APIC id i * step */
  guint16 pci_isa_irqs;        /* ISA IRQs shared with PCI INTx: overridden */
  guint16 pci_isa_irq_flags;   /* their MPS INTI flags */
  gboolean lapic_nmi;          /* a Local APIC NMI entry: LINT1, all CPUs */
  guint16 pm_base;             /* PM1a_EVT; PM1a_CNT and PM_TMR follow it */
  guint32 pci_links;           /* PIIX3 link routes the firmware programs */
  guint8 pci_skew;             /* which link a slot's pin is on */
  guint32 fadt_flags;
  guint32 fadt_flags_over_8_vcpus;
  guint8 rtc_century;          /* CMOS index of the century, 0 = none */
} AcpiPlatformFacts;

static const AcpiPlatformFacts platform_facts[] = {
  [KBOOT_PLATFORM_XEN_HVM] = {
    .oem_table_id = "XENHVM",
    .ioapic_id = 1,                       /* hvmloader config.h IOAPIC_ID */
    .apic_id_step = 2,                    /* config.h LAPIC_ID(vcpu_id) */
    /* config.h PCI_ISA_IRQ_MASK 0x0c20: IRQs 5, 10 and 11 carry the PCI
     * links; build.c construct_madt: "PCI: active-low level-triggered". */
    .pci_isa_irqs = 0x0c20,
    .pci_isa_irq_flags = 0xf,
    .lapic_nmi = FALSE,                   /* construct_madt writes none */
    .pm_base = KBOOT_ACPI_XEN_PM_BASE,
    .pci_links = KBOOT_ACPI_XEN_PCI_LINKS,
    .pci_skew = KBOOT_ACPI_XEN_PCI_SKEW,
    /* static_tables.c Fadt.flags (util.c sets ACPI_HAS_BUTTONS, so the
     * fixed power and sleep buttons stay), and RESET_REG_SUP, which
     * hvmloader leaves clear: with it Linux reboots through 0xcf9 first. */
    .fadt_flags = FADT_PROC_C1 | FADT_WBINVD | FADT_FIX_RTC | FADT_TMR_VAL_EXT
                  | FADT_USE_PLATFORM_CLOCK | FADT_RESET_REG_SUP,
    .fadt_flags_over_8_vcpus = 0,
    .rtc_century = 0,                     /* static_tables.c: no century */
  },
  [KBOOT_PLATFORM_QEMU_PC] = {
    .oem_table_id = "QEMUPC",
    .ioapic_id = 0,                       /* acpi-common.c ACPI_BUILD_IOAPIC_ID */
    .apic_id_step = 1,                    /* x86 topology: one thread per core */
    /* acpi-common.c acpi_build_madt: x86ms->pci_irq_mask (IRQs 5, 9, 10,
     * 11 for pc), "active high, level triggered". */
    .pci_isa_irqs = (1u << 5) | (1u << 9) | (1u << 10) | (1u << 11),
    .pci_isa_irq_flags = 0xd,
    .lapic_nmi = TRUE,                    /* acpi_build_madt's AcpiMadtLocalNmi */
    .pm_base = KBOOT_ACPI_QEMU_PM_BASE,
    .pci_links = KBOOT_ACPI_QEMU_PCI_LINKS,
    .pci_skew = KBOOT_ACPI_QEMU_PCI_SKEW,
    /* acpi-build.c init_common_fadt_data (QEMU's PM timer is 24 bits: no
     * TMR_VAL_EXT), and RESET_REG_SUP for the 0xcf9 register QEMU's pc
     * FADT (revision 1) has no room for. */
    .fadt_flags = FADT_WBINVD | FADT_PROC_C1 | FADT_SLP_BUTTON | FADT_RTC_S4
                  | FADT_USE_PLATFORM_CLOCK | FADT_RESET_REG_SUP,
    /* "Flat Logical" APIC mode stops at 8 CPUs (same function). */
    .fadt_flags_over_8_vcpus = FADT_APIC_CLUSTER,
    .rtc_century = 0x32,                  /* mc146818rtc.h RTC_CENTURY */
  },
};
G_STATIC_ASSERT (G_N_ELEMENTS (platform_facts) == KBOOT_PLATFORM_LAST);

static const AcpiPlatformFacts *
acpi_platform_facts (KbootPlatformKind platform)
{
  if ((guint) platform >= G_N_ELEMENTS (platform_facts))
    return NULL;
  return &platform_facts[platform];
}

static guint
acpi_override_count (const AcpiPlatformFacts *facts)
{
  /* ISA IRQ 0 -> GSI 2, then one per PCI-shared IRQ 1-15. */
  guint count = 1;

  for (guint irq = 1; irq < 16; irq++)
    count += (facts->pci_isa_irqs >> irq) & 1;
  return count;
}

static gsize
acpi_madt_size (const AcpiPlatformFacts *facts, guint32 nr_vcpus)
{
  return MADT_ENTRIES + (gsize) nr_vcpus * MADT_LAPIC_SIZE + MADT_IOAPIC_SIZE
         + acpi_override_count (facts) * MADT_OVERRIDE_SIZE
         + (facts->lapic_nmi ? MADT_LAPIC_NMI_SIZE : 0);
}

/* ---- layout ---------------------------------------------------------------- */

/* Offsets from the base, in the order the tables are laid out. */
typedef struct {
  gsize rsdp, facs, dsdt, fadt, madt, xsdt, rsdt, end;
  gsize madt_size, dsdt_size;
} AcpiLayout;

/* Place @size bytes at the first offset from *@cursor whose address
 * (@base + offset) is a multiple of @align: *@offset = that offset, and
 * *@cursor moves past the bytes.  Every size here is a few KiB, but @base
 * comes from the caller: checked. */
static gboolean
acpi_place (guint64 base, gsize *cursor, guint64 align, gsize size, gsize *offset)
{
  guint64 addr, aligned, end;

  if (!g_uint64_checked_add (&addr, base, *cursor)
      || !kboot_align_up (addr, align, &aligned)
      || !g_uint64_checked_add (&end, aligned, size))
    return FALSE;
  *offset = (gsize) (aligned - base);
  *cursor = (gsize) (end - base);
  return TRUE;
}

/* The DSDT's size: its AML's length depends on the platform alone (the
 * PCI window is written in fixed-width fields), so any window will do. */
static gsize
acpi_dsdt_size (KbootPlatformKind platform)
{
  g_autoptr(GByteArray) aml = kboot_acpi_dsdt_aml (platform, KBOOT_ACPI_PCI_MEM_MIN,
                                                   KBOOT_ACPI_XEN_PCI_MEM_END);

  return ACPI_HEADER_SIZE + aml->len;
}

static gboolean
acpi_layout (KbootPlatformKind platform, const AcpiPlatformFacts *facts,
             guint32 nr_vcpus, guint64 base, AcpiLayout *layout)
{
  gsize cursor = 0;

  layout->madt_size = acpi_madt_size (facts, nr_vcpus);
  layout->dsdt_size = acpi_dsdt_size (platform);
  return acpi_place (base, &cursor, ACPI_TABLE_ALIGN, RSDP_SIZE, &layout->rsdp)
         && acpi_place (base, &cursor, ACPI_FACS_ALIGN, FACS_SIZE, &layout->facs)
         && acpi_place (base, &cursor, ACPI_TABLE_ALIGN, layout->dsdt_size,
                        &layout->dsdt)
         && acpi_place (base, &cursor, ACPI_TABLE_ALIGN, FADT_SIZE, &layout->fadt)
         && acpi_place (base, &cursor, ACPI_TABLE_ALIGN, layout->madt_size,
                        &layout->madt)
         && acpi_place (base, &cursor, ACPI_TABLE_ALIGN,
                        ACPI_HEADER_SIZE + SDT_ENTRIES * XSDT_ENTRY_SIZE, &layout->xsdt)
         && acpi_place (base, &cursor, ACPI_TABLE_ALIGN,
                        ACPI_HEADER_SIZE + SDT_ENTRIES * RSDT_ENTRY_SIZE, &layout->rsdt)
         /* The end too, so that whatever the planner puts next is aligned. */
         && acpi_place (base, &cursor, ACPI_TABLE_ALIGN, 0, &layout->end);
}

guint64
kboot_acpi_size (KbootPlatformKind platform, guint32 nr_vcpus)
{
  const AcpiPlatformFacts *facts = acpi_platform_facts (platform);
  guint64 size = 0;

  if (facts == NULL || nr_vcpus == 0 || nr_vcpus > KBOOT_ACPI_VCPUS_MAX)
    return 0;
  /* Only the FACS's 64-byte alignment depends on the base: take the
   * largest layout over the four 16-byte phases of a 64-byte line. */
  for (guint64 phase = 0; phase < ACPI_FACS_ALIGN; phase += ACPI_TABLE_ALIGN)
    {
      AcpiLayout layout;

      if (!acpi_layout (platform, facts, nr_vcpus, ACPI_FACS_ALIGN + phase, &layout))
        return 0;
      size = MAX (size, layout.end);
    }
  return size;
}

gboolean
kboot_acpi_platform_hw (KbootPlatformKind platform, KbootHandoff *handoff)
{
  const AcpiPlatformFacts *facts = acpi_platform_facts (platform);

  if (facts == NULL)
    return FALSE;
  handoff->pm_base = facts->pm_base;
  handoff->pci_links = facts->pci_links;
  handoff->pci_skew = facts->pci_skew;
  return TRUE;
}

/* ---- writers --------------------------------------------------------------- */

static void
acpi_put_text (guint8 *p, const char *text, gsize width)
{
  /* Fixed-width ACPI strings: space-padded, no terminator. */
  gsize len = strlen (text);

  memset (p, ' ', width);
  memcpy (p, text, MIN (len, width));
}

/* Set byte @at of @table so that its @len bytes sum to 0 (mod 256). */
static void
acpi_set_checksum (guint8 *table, gsize len, gsize at)
{
  guint8 sum = 0;

  table[at] = 0;
  for (gsize i = 0; i < len; i++)
    sum = (guint8) (sum + table[i]);
  table[at] = (guint8) (0x100 - sum);
}

static void
acpi_put_header (guint8 *t, const char *signature, gsize length, guint8 revision,
                 const AcpiPlatformFacts *facts)
{
  memcpy (t, signature, 4);
  kboot_le_put (t + 4, 4, length);
  t[8] = revision;
  acpi_put_text (t + 10, ACPI_OEM_ID, 6);
  acpi_put_text (t + 16, facts->oem_table_id, 8);
  kboot_le_put (t + 24, 4, ACPI_OEM_REVISION);
  acpi_put_text (t + 28, ACPI_CREATOR_ID, 4);
  kboot_le_put (t + 32, 4, ACPI_CREATOR_REVISION);
}

/* A Generic Address Structure for @bytes of I/O ports at @port.  Access
 * size 0 (undefined), as hvmloader's: the OS uses the bit width. */
static void
acpi_put_gas_io (guint8 *p, guint bytes, guint64 port)
{
  p[0] = GAS_SYSTEM_IO;
  p[1] = (guint8) (bytes * 8);
  p[2] = 0;
  p[3] = 0;
  kboot_le_put (p + 4, 8, port);
}

static void
acpi_build_rsdp (guint8 *rsdp, guint64 rsdt, guint64 xsdt)
{
  memcpy (rsdp, "RSD PTR ", 8);
  acpi_put_text (rsdp + RSDP_OEM_ID, ACPI_OEM_ID, 6);
  rsdp[RSDP_REVISION] = RSDP_REVISION_2;
  kboot_le_put (rsdp + RSDP_RSDT, 4, rsdt);
  kboot_le_put (rsdp + RSDP_LENGTH, 4, RSDP_SIZE);
  kboot_le_put (rsdp + RSDP_XSDT, 8, xsdt);
  /* The ACPI 1.0 checksum first: the extended one covers its byte. */
  acpi_set_checksum (rsdp, RSDP_V1_SIZE, RSDP_CHECKSUM);
  acpi_set_checksum (rsdp, RSDP_SIZE, RSDP_EXT_CHECKSUM);
}

static void
acpi_build_facs (guint8 *facs)
{
  memcpy (facs, "FACS", 4);
  kboot_le_put (facs + 4, 4, FACS_SIZE);
  facs[FACS_VERSION_OFF] = FACS_VERSION;
}

/* The DSDT: its AML (kboot_loader_acpi_dsdt.c) fills @size bytes exactly. */
static gboolean
acpi_build_dsdt (guint8 *dsdt, gsize size, const AcpiPlatformFacts *facts,
                 const KbootAcpiConfig *config)
{
  g_autoptr(GByteArray) aml = kboot_acpi_dsdt_aml (config->platform,
                                                   (guint32) config->pci_mem_start,
                                                   (guint32) config->pci_mem_end);

  if (ACPI_HEADER_SIZE + aml->len != size)
    return FALSE;
  acpi_put_header (dsdt, "DSDT", size, DSDT_REVISION, facts);
  memcpy (dsdt + ACPI_HEADER_SIZE, aml->data, aml->len);
  acpi_set_checksum (dsdt, size, ACPI_HEADER_CHECKSUM);
  return TRUE;
}

static void
acpi_build_fadt (guint8 *fadt, const AcpiPlatformFacts *facts, guint32 nr_vcpus,
                 guint64 facs, guint64 dsdt)
{
  guint32 flags = facts->fadt_flags | (nr_vcpus > 8 ? facts->fadt_flags_over_8_vcpus : 0);
  guint64 pm1_evt = facts->pm_base + KBOOT_ACPI_PM1_EVT_OFFSET;
  guint64 pm1_cnt = facts->pm_base + KBOOT_ACPI_PM1_CNT_OFFSET;
  guint64 pm_tmr = facts->pm_base + KBOOT_ACPI_PM_TMR_OFFSET;

  acpi_put_header (fadt, "FACP", FADT_SIZE, FADT_REVISION, facts);
  /* Both the 32-bit and the X_ pointers, equal, as hvmloader's: Linux
   * warns only when they differ. */
  kboot_le_put (fadt + FADT_FIRMWARE_CTRL, 4, facs);
  kboot_le_put (fadt + FADT_DSDT, 4, dsdt);
  kboot_le_put (fadt + FADT_X_FIRMWARE_CTRL, 8, facs);
  kboot_le_put (fadt + FADT_X_DSDT, 8, dsdt);
  kboot_le_put (fadt + FADT_SCI_INT, 2, KBOOT_ACPI_SCI_IRQ);
  /* SMI_CMD 0: no mode switch, always in ACPI mode (kboot_loader_acpi_hw.h
   * says what the firmware does for that to hold). */
  kboot_le_put (fadt + FADT_SMI_CMD, 4, 0);
  kboot_le_put (fadt + FADT_PM1A_EVT_BLK, 4, pm1_evt);
  kboot_le_put (fadt + FADT_PM1A_CNT_BLK, 4, pm1_cnt);
  kboot_le_put (fadt + FADT_PM_TMR_BLK, 4, pm_tmr);
  kboot_le_put (fadt + FADT_GPE0_BLK, 4, KBOOT_ACPI_GPE0_BASE);
  fadt[FADT_PM1_EVT_LEN] = KBOOT_ACPI_PM1_EVT_LEN;
  fadt[FADT_PM1_CNT_LEN] = KBOOT_ACPI_PM1_CNT_LEN;
  fadt[FADT_PM_TMR_LEN] = KBOOT_ACPI_PM_TMR_LEN;
  fadt[FADT_GPE0_BLK_LEN] = KBOOT_ACPI_GPE0_LEN;
  kboot_le_put (fadt + FADT_P_LVL2_LAT, 2, FADT_NO_C2_C3_LATENCY);
  kboot_le_put (fadt + FADT_P_LVL3_LAT, 2, FADT_NO_C2_C3_LATENCY);
  fadt[FADT_CENTURY] = facts->rtc_century;
  kboot_le_put (fadt + FADT_IAPC_BOOT_ARCH, 2, FADT_BOOT_ARCH_8042);
  kboot_le_put (fadt + FADT_FLAGS, 4, flags);
  /* RESET_REG: bit width 8 and offset 0 are what the spec allows for it. */
  acpi_put_gas_io (fadt + FADT_RESET_REG, 1, KBOOT_ACPI_RESET_PORT);
  fadt[FADT_RESET_VALUE] = KBOOT_ACPI_RESET_VALUE;
  acpi_put_gas_io (fadt + FADT_X_PM1A_EVT_BLK, KBOOT_ACPI_PM1_EVT_LEN, pm1_evt);
  acpi_put_gas_io (fadt + FADT_X_PM1A_CNT_BLK, KBOOT_ACPI_PM1_CNT_LEN, pm1_cnt);
  acpi_put_gas_io (fadt + FADT_X_PM_TMR_BLK, KBOOT_ACPI_PM_TMR_LEN, pm_tmr);
  acpi_put_gas_io (fadt + FADT_X_GPE0_BLK, KBOOT_ACPI_GPE0_LEN, KBOOT_ACPI_GPE0_BASE);
  acpi_set_checksum (fadt, FADT_SIZE, ACPI_HEADER_CHECKSUM);
}

static guint8 *
acpi_put_override (guint8 *p, guint8 isa_irq, guint32 gsi, guint16 flags)
{
  p[0] = MADT_OVERRIDE;
  p[1] = MADT_OVERRIDE_SIZE;
  p[2] = 0;                               /* bus: ISA */
  p[3] = isa_irq;
  kboot_le_put (p + 4, 4, gsi);
  kboot_le_put (p + 8, 2, flags);
  return p + MADT_OVERRIDE_SIZE;
}

/* Entries in QEMU's order (Local APICs, IOAPIC, overrides, NMI); hvmloader
 * writes the overrides first, which the OS does not mind. */
static void
acpi_build_madt (guint8 *madt, gsize size, const AcpiPlatformFacts *facts,
                 guint32 nr_vcpus, const guint8 *vcpu_online)
{
  guint8 *p = madt + MADT_ENTRIES;

  acpi_put_header (madt, "APIC", size, MADT_REVISION, facts);
  kboot_le_put (madt + MADT_LAPIC_ADDR, 4, KBOOT_ACPI_LAPIC_ADDRESS);
  kboot_le_put (madt + MADT_FLAGS, 4, MADT_PCAT_COMPAT);

  for (guint32 i = 0; i < nr_vcpus; i++)
    {
      gboolean online = vcpu_online == NULL || (vcpu_online[i / 8] >> (i % 8)) & 1;

      p[0] = MADT_LAPIC;
      p[1] = MADT_LAPIC_SIZE;
      p[2] = (guint8) i;                  /* ACPI processor id */
      p[3] = (guint8) (i * facts->apic_id_step);
      kboot_le_put (p + 4, 4, online ? MADT_LAPIC_ENABLED : 0);
      p += MADT_LAPIC_SIZE;
    }

  p[0] = MADT_IOAPIC;
  p[1] = MADT_IOAPIC_SIZE;
  p[2] = facts->ioapic_id;
  p[3] = 0;
  kboot_le_put (p + 4, 4, KBOOT_ACPI_IOAPIC_ADDRESS);
  kboot_le_put (p + 8, 4, 0);             /* GSI base */
  p += MADT_IOAPIC_SIZE;

  /* The PIT's IRQ 0 is the IOAPIC's pin 2; flags 0: as the ISA bus says. */
  p = acpi_put_override (p, 0, 2, 0);
  for (guint irq = 1; irq < 16; irq++)
    if (facts->pci_isa_irqs & (1u << irq))
      p = acpi_put_override (p, (guint8) irq, irq, facts->pci_isa_irq_flags);

  if (facts->lapic_nmi)
    {
      p[0] = MADT_LAPIC_NMI;
      p[1] = MADT_LAPIC_NMI_SIZE;
      p[2] = MADT_ALL_PROCESSORS;
      kboot_le_put (p + 3, 2, 0);         /* flags: as the bus says */
      p[5] = MADT_LINT1;
      p += MADT_LAPIC_NMI_SIZE;
    }

  acpi_set_checksum (madt, size, ACPI_HEADER_CHECKSUM);
}

/* The XSDT (8-byte entries) or the RSDT (4-byte): the FADT and the MADT;
 * the FACS and the DSDT hang off the FADT. */
static void
acpi_build_sdt (guint8 *sdt, const char *signature, guint entry_size,
                const AcpiPlatformFacts *facts, guint64 fadt, guint64 madt)
{
  gsize size = ACPI_HEADER_SIZE + SDT_ENTRIES * entry_size;

  acpi_put_header (sdt, signature, size, SDT_REVISION, facts);
  kboot_le_put (sdt + ACPI_HEADER_SIZE, entry_size, fadt);
  kboot_le_put (sdt + ACPI_HEADER_SIZE + entry_size, entry_size, madt);
  acpi_set_checksum (sdt, size, ACPI_HEADER_CHECKSUM);
}

/* ---- the rules and the build -------------------------------------------- */

static gboolean
acpi_check_config (const KbootAcpiConfig *config, guint64 size, GError **error)
{
  guint64 end;

  if (acpi_platform_facts (config->platform) == NULL)
    {
      g_set_error (error, KBOOT_ACPI_ERROR, KBOOT_ACPI_ERROR_PLATFORM,
                   "ACPI tables: platform %d is neither xen-hvm nor qemu-pc",
                   (int) config->platform);
      return FALSE;
    }
  if (config->nr_vcpus == 0 || config->nr_vcpus > KBOOT_ACPI_VCPUS_MAX)
    {
      g_set_error (error, KBOOT_ACPI_ERROR, KBOOT_ACPI_ERROR_VCPUS,
                   "ACPI tables: %u vCPUs; the MADT describes 1 to %u "
                   "(Xen's HVM_MAX_VCPUS)", config->nr_vcpus, KBOOT_ACPI_VCPUS_MAX);
      return FALSE;
    }
  if (config->vcpu_online != NULL && !(config->vcpu_online[0] & 1))
    {
      g_set_error (error, KBOOT_ACPI_ERROR, KBOOT_ACPI_ERROR_ONLINE,
                   "ACPI tables: vCPU 0 is offline in the online bitmap; it "
                   "runs the firmware and boots the kernel, so it must be online");
      return FALSE;
    }
  if (config->base == 0 || config->base % ACPI_TABLE_ALIGN != 0)
    {
      g_set_error (error, KBOOT_ACPI_ERROR, KBOOT_ACPI_ERROR_BASE,
                   "ACPI tables at 0x%" G_GINT64_MODIFIER "x: the base must be "
                   "a non-zero multiple of 16 (the RSDP's alignment; address 0 "
                   "means no table)", config->base);
      return FALSE;
    }
  if (config->pci_mem_start < KBOOT_ACPI_PCI_MEM_MIN
      || config->pci_mem_start >= config->pci_mem_end
      || config->pci_mem_end > KBOOT_ACPI_IOAPIC_ADDRESS)
    {
      g_set_error (error, KBOOT_ACPI_ERROR, KBOOT_ACPI_ERROR_PCI_WINDOW,
                   "ACPI tables: PCI memory window [0x%" G_GINT64_MODIFIER "x, 0x%"
                   G_GINT64_MODIFIER "x): it must be non-empty, start at or above "
                   "1 MiB and end at or below the IOAPIC at 0x%x",
                   config->pci_mem_start, config->pci_mem_end,
                   (guint) KBOOT_ACPI_IOAPIC_ADDRESS);
      return FALSE;
    }
  if (!g_uint64_checked_add (&end, config->base, size) || end > KBOOT_FOUR_GIB)
    {
      g_set_error (error, KBOOT_ACPI_ERROR, KBOOT_ACPI_ERROR_BASE,
                   "ACPI tables at 0x%" G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER
                   "x bytes, end past 4 GiB; they must lie below it (the RSDT "
                   "and the FADT's 32-bit pointers)", config->base, size);
      return FALSE;
    }
  return TRUE;
}

GBytes *
kboot_acpi_build (const KbootAcpiConfig *config, guint64 *rsdp_addr, GError **error)
{
  const AcpiPlatformFacts *facts = acpi_platform_facts (config->platform);
  guint64 size = kboot_acpi_size (config->platform, config->nr_vcpus);
  guint64 base = config->base;
  g_autofree guint8 *blob = NULL;
  AcpiLayout at;

  if (!acpi_check_config (config, size, error))
    return NULL;
  blob = g_malloc0 (size);
  if (!acpi_layout (config->platform, facts, config->nr_vcpus, base, &at)
      || at.end > size
      || !acpi_build_dsdt (blob + at.dsdt, at.dsdt_size, facts, config))
    {
      /* Unreachable: the checks above bound every size and address. */
      g_set_error (error, KBOOT_ACPI_ERROR, KBOOT_ACPI_ERROR_BASE,
                   "ACPI tables at 0x%" G_GINT64_MODIFIER "x do not fit in "
                   "0x%" G_GINT64_MODIFIER "x bytes", base, size);
      return NULL;
    }

  acpi_build_facs (blob + at.facs);
  acpi_build_fadt (blob + at.fadt, facts, config->nr_vcpus,
                   base + at.facs, base + at.dsdt);
  acpi_build_madt (blob + at.madt, at.madt_size, facts, config->nr_vcpus,
                   config->vcpu_online);
  acpi_build_sdt (blob + at.xsdt, "XSDT", XSDT_ENTRY_SIZE, facts,
                  base + at.fadt, base + at.madt);
  acpi_build_sdt (blob + at.rsdt, "RSDT", RSDT_ENTRY_SIZE, facts,
                  base + at.fadt, base + at.madt);
  acpi_build_rsdp (blob + at.rsdp, base + at.rsdt, base + at.xsdt);

  if (rsdp_addr != NULL)
    *rsdp_addr = base + at.rsdp;
  return g_bytes_new_take (g_steal_pointer (&blob), size);
}
