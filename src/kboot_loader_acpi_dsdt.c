/* The DSDT's AML (see kboot_loader_acpi_dsdt.h), in ASL:
 *
 *   Name (\_S5, Package (4) { 0, 0, 0, 0 })
 *   Scope (\_SB) {
 *     Device (PCI0) {
 *       Name (_HID, EisaId ("PNP0A03"))  Name (_UID, 0)
 *       Name (_ADR, 0)  Name (_BBN, 0)
 *       Name (_CRS, ResourceTemplate () { bus 0-0xff, IO 0xcf8-0xcff,
 *         IO 0-0xcf7, IO 0xd00-0xffff, memory 0xa0000-0xbffff, memory
 *         [pci_mem_start, pci_mem_end) })
 *       Name (_PRT, Package () { ... one entry per slot 1-31 and pin A-D })
 *       qemu-pc:  Device (ISA) { Name (_ADR, 0x00010000)
 *                   OperationRegion (P40C, PCI_Config, 0x60, 4) }
 *     }
 *     qemu-pc: the PIIX3 interrupt links LNKA-LNKD and LNKS, as QEMU's own
 *     DSDT has them
 *   }
 *
 * Hand-encoded through kboot_loader_aml.c rather than an .asl compiled by
 * iasl: the window is a run-time input, no ASL compiler is needed to build,
 * and tests/acpi-iasl.sh has iasl and acpiexec read the result back.
 *
 * How PCI INTx reaches the guest, and so what _PRT says:
 *
 * xen-hvm (qemu-xen's xenfv machine): qemu-xen hands every INTx to Xen
 * (xen_set_pci_intx_level), and Xen asserts the IOAPIC pin
 * hvm_pci_intx_gsi(dev, intx) = ((dev * 4 + dev / 8 + intx) & 31) + 16
 * (Xen 4.17 xen/arch/x86/include/asm/hvm/irq.h) whatever the PIIX3 links
 * say; its vIOAPIC has 48 pins.  hvmloader's DSDT gives exactly that table
 * in APIC mode (tools/libacpi/mk_dsdt.c, PRTA: "Package(){0x%04xffff, %u,
 * 0, %u}" with ((dev*4+dev/8+intx)&31)+16).  We give that table, as a Name,
 * with no PIC-mode alternative (hvmloader's PRTP through the ISA links):
 * Linux runs the IOAPIC the MADT describes.
 *
 * qemu-pc (QEMU 7.2 pc-i440fx): PIIX3 routes INTx only to an ISA IRQ, the
 * one its PIRQRC register (config 0x60 + link) names, link (slot - 1 +
 * intx) & 3 (hw/isa/piix3.c piix3_set_irq_level, i440fx
 * pci_slot_get_pirq); nothing drives IOAPIC pins 16-23.  So the entries
 * name PCI interrupt link devices, as QEMU's own DSDT does
 * (hw/i386/acpi-build.c build_prt, build_piix4_pci0_int, build_link_dev):
 * LNKA-LNKD (PNP0C0F) with _PRS { 5, 10, 11 } level, active high, shared
 * (what QEMU's MADT overrides say), _CRS and _STA reading PIRQRC, _SRS
 * writing it, _DIS setting its disable bit 0x80; and slot 1 INTA on LNKS,
 * a fixed link to IRQ 9 (the PIIX4 PM function's SCI, wired to IRQ 9).
 * Linux's ACPI link driver picks an IRQ for each link and writes it
 * through _SRS, so the firmware need not program PIRQRC. */
#include "config.h"

#include "kboot_loader_acpi_dsdt.h"
#include "kboot_loader_acpi_hw.h"
#include "kboot_loader_aml.h"

/* ---- resource descriptors (ACPI 6.4 section 6.4) ------------------------ */

#define RES_IO                 0x47   /* small: I/O port descriptor, 8 bytes */
#define RES_IO_DECODE16        0x01
#define RES_END_TAG            0x79   /* small: end tag, checksum 0 follows */
#define RES_DWORD_ADDRESS      0x87
#define RES_WORD_ADDRESS       0x88
#define RES_EXT_IRQ            0x89
#define RES_WORD_LENGTH        13     /* the descriptors' own length fields */
#define RES_DWORD_LENGTH       23
#define RES_TYPE_MEMORY        0
#define RES_TYPE_IO            1
#define RES_TYPE_BUS           2
/* General flags: a producer (bit 0 clear), positive decode (bit 1 clear),
 * minimum and maximum fixed (bits 2 and 3). */
#define RES_PRODUCER_FIXED     0x0c
#define RES_IO_ENTIRE_RANGE    0x03   /* I/O type flags: ISA and non-ISA */
#define RES_MEM_READ_WRITE     0x01
#define RES_MEM_CACHEABLE      0x02   /* memory type flags, bits 2-1 = 1 */
/* Extended interrupt flags: a consumer, level, active high, shared. */
#define RES_IRQ_CONSUMER_LEVEL_HIGH_SHARED 0x09
#define RES_EXT_IRQ_IRQ0       5      /* offset of the first interrupt number */

static void
res_le (GByteArray *res, guint64 value, guint width)
{
  for (guint i = 0; i < width; i++)
    kboot_aml_byte (res, (guint8) (value >> (8 * i)));
}

/* Word or DWord Address Space Descriptor for [@min, @max], producer. */
static void
res_address (GByteArray *res, guint width, guint8 type, guint8 type_flags,
             guint32 min, guint32 max)
{
  kboot_aml_byte (res, width == 2 ? RES_WORD_ADDRESS : RES_DWORD_ADDRESS);
  res_le (res, width == 2 ? RES_WORD_LENGTH : RES_DWORD_LENGTH, 2);
  kboot_aml_byte (res, type);
  kboot_aml_byte (res, RES_PRODUCER_FIXED);
  kboot_aml_byte (res, type_flags);
  res_le (res, 0, width);                 /* granularity */
  res_le (res, min, width);
  res_le (res, max, width);
  res_le (res, 0, width);                 /* translation offset */
  res_le (res, (guint64) max - min + 1, width);
}

static void
res_io (GByteArray *res, guint16 port, guint8 len)
{
  kboot_aml_byte (res, RES_IO);
  kboot_aml_byte (res, RES_IO_DECODE16);
  res_le (res, port, 2);                  /* minimum */
  res_le (res, port, 2);                  /* maximum */
  kboot_aml_byte (res, 1);                /* alignment */
  kboot_aml_byte (res, len);
}

static void
res_irq (GByteArray *res, const guint32 *irqs, guint n)
{
  kboot_aml_byte (res, RES_EXT_IRQ);
  res_le (res, 2 + 4 * n, 2);
  kboot_aml_byte (res, RES_IRQ_CONSUMER_LEVEL_HIGH_SHARED);
  kboot_aml_byte (res, (guint8) n);
  for (guint i = 0; i < n; i++)
    res_le (res, irqs[i], 4);
}

/* Name (@name, ResourceTemplate () { @res, EndTag }), consuming @res. */
static void
aml_name_resources (GByteArray *aml, const char *name, GByteArray *res)
{
  kboot_aml_byte (res, RES_END_TAG);
  kboot_aml_byte (res, 0);                /* checksum 0: "treat as correct" */
  kboot_aml_byte (aml, KBOOT_AML_NAME_OP);
  kboot_aml_name (aml, name);
  kboot_aml_buffer (aml, res->data, res->len);
  g_byte_array_unref (res);
}

/* ---- small pieces of ASL ---------------------------------------------------- */

static void
aml_name_int (GByteArray *aml, const char *name, guint64 value)
{
  kboot_aml_byte (aml, KBOOT_AML_NAME_OP);
  kboot_aml_name (aml, name);
  kboot_aml_int (aml, value);
}

static void
aml_name_eisaid (GByteArray *aml, const char *name, const char *id)
{
  kboot_aml_byte (aml, KBOOT_AML_NAME_OP);
  kboot_aml_name (aml, name);
  kboot_aml_eisaid (aml, id);
}

/* Method (@name, @args[, Serialized]) {: close with kboot_aml_close. */
static gsize
aml_method (GByteArray *aml, const char *name, guint8 args, gboolean serialized)
{
  gsize at = kboot_aml_open (aml, KBOOT_AML_METHOD_OP);

  kboot_aml_name (aml, name);
  kboot_aml_byte (aml, (guint8) (args | (serialized ? 0x08 : 0)));
  return at;
}

static gsize
aml_device (GByteArray *aml, const char *name)
{
  gsize at = kboot_aml_open_ext (aml, KBOOT_AML_DEVICE_OP);

  kboot_aml_name (aml, name);
  return at;
}

/* ---- \_S5 -------------------------------------------------------------------- */

/* Name (\_S5, Package (4) { S5, S5, 0, 0 }): the object Linux needs to
 * power off; it writes SLP_TYP = S5 with SLP_EN to PM1a_CNT (acpica
 * hwsleep.c acpi_hw_legacy_sleep).  hvmloader's dsdt.asl and QEMU's DSDT
 * both say 0 (KBOOT_ACPI_S5_SLP_TYP). */
static void
dsdt_s5 (GByteArray *aml)
{
  gsize pkg;

  kboot_aml_byte (aml, KBOOT_AML_NAME_OP);
  kboot_aml_name (aml, "\\_S5");
  pkg = kboot_aml_open (aml, KBOOT_AML_PACKAGE_OP);
  kboot_aml_byte (aml, 4);                /* NumElements */
  kboot_aml_int (aml, KBOOT_ACPI_S5_SLP_TYP);   /* PM1a_CNT.SLP_TYP */
  kboot_aml_int (aml, KBOOT_ACPI_S5_SLP_TYP);   /* PM1b_CNT.SLP_TYP */
  kboot_aml_int (aml, 0);                 /* reserved */
  kboot_aml_int (aml, 0);                 /* reserved */
  kboot_aml_close (aml, pkg);
}

/* ---- \_SB.PCI0 --------------------------------------------------------------- */

#define PCI_SLOTS              32     /* slot 0 is the host bridge: no INTx */
#define PCI_PINS               4      /* INTA-INTD */
#define PCI_CONFIG_PORT        0x0cf8 /* CONFIG_ADDRESS and CONFIG_DATA */
#define PCI_CONFIG_PORTS       8
#define PCI_VGA_START          0x000a0000
#define PCI_VGA_END            0x000bffff
/* PIIX3, function 0 of slot 1: its PIRQRC registers A-D at 0x60-0x63. */
#define PIIX3_ADR              0x00010000
#define PIIX3_PIRQRC           0x60
#define PIIX3_PIRQ_DISABLED    0x80   /* PIRQRC bit 7: routing off */
#define PIIX3_LINKS            4
#define PIIX4_PM_SLOT          1      /* 00:01.3, INTA: its SCI is IRQ 9 */
/* _STA values: present, enabled, functioning (0x0b) or not enabled. */
#define STA_ENABLED            0x0b
#define STA_DISABLED           0x09

/* _CRS, hvmloader's (tools/libacpi/dsdt.asl) and QEMU's (acpi-build.c
 * build_dsdt, build_crs): the bus numbers, the config ports as a consumed
 * I/O range, the rest of the I/O space, the VGA hole and the PCI hole. */
static void
dsdt_pci0_crs (GByteArray *aml, guint32 pci_mem_start, guint32 pci_mem_end)
{
  GByteArray *res = g_byte_array_new ();

  res_address (res, 2, RES_TYPE_BUS, 0, 0x00, 0xff);
  res_io (res, PCI_CONFIG_PORT, PCI_CONFIG_PORTS);
  res_address (res, 2, RES_TYPE_IO, RES_IO_ENTIRE_RANGE, 0x0000, PCI_CONFIG_PORT - 1);
  res_address (res, 2, RES_TYPE_IO, RES_IO_ENTIRE_RANGE, 0x0d00, 0xffff);
  res_address (res, 4, RES_TYPE_MEMORY, RES_MEM_READ_WRITE | RES_MEM_CACHEABLE,
               PCI_VGA_START, PCI_VGA_END);
  res_address (res, 4, RES_TYPE_MEMORY, RES_MEM_READ_WRITE, pci_mem_start,
               pci_mem_end - 1);
  aml_name_resources (aml, "_CRS", res);
}

/* The link a PIIX3 slot's pin goes through: QEMU's build_prt, (slot + pin)
 * & 3 = 0, 1, 2, 3 -> LNKD, LNKA, LNKB, LNKC, i.e. PIRQ (slot - 1 + pin) &
 * 3; and slot 1 INTA on LNKS. */
static const char *
piix3_link (guint slot, guint pin)
{
  static const char *const links[PIIX3_LINKS] = { "LNKD", "LNKA", "LNKB", "LNKC" };

  if (slot == PIIX4_PM_SLOT && pin == 0)
    return "LNKS";
  return links[(slot + pin) & 3];
}

/* Name (_PRT, Package () { Package () { 0xSSSSFFFF, pin, source, index }
 * ... }): slots 1-31, pins A-D, as hvmloader's (slot 0 is the bridge). */
static void
dsdt_pci0_prt (GByteArray *aml, KbootPlatformKind platform)
{
  gsize prt;

  kboot_aml_byte (aml, KBOOT_AML_NAME_OP);
  kboot_aml_name (aml, "_PRT");
  prt = kboot_aml_open (aml, KBOOT_AML_PACKAGE_OP);
  kboot_aml_byte (aml, (PCI_SLOTS - 1) * PCI_PINS);
  for (guint slot = 1; slot < PCI_SLOTS; slot++)
    for (guint pin = 0; pin < PCI_PINS; pin++)
      {
        gsize entry = kboot_aml_open (aml, KBOOT_AML_PACKAGE_OP);

        kboot_aml_byte (aml, 4);
        kboot_aml_int (aml, (guint64) slot << 16 | 0xffff);
        kboot_aml_int (aml, pin);
        switch (platform)
          {
          case KBOOT_PLATFORM_XEN_HVM:
            /* hvm_pci_intx_gsi (Xen's irq.h). */
            kboot_aml_int (aml, 0);
            kboot_aml_int (aml, ((slot * 4 + slot / 8 + pin) & 31) + 16);
            break;
          case KBOOT_PLATFORM_QEMU_PC:
            kboot_aml_name (aml, piix3_link (slot, pin));
            kboot_aml_int (aml, 0);
            break;
          case KBOOT_PLATFORM_LAST:
            g_return_if_reached ();
          }
        kboot_aml_close (aml, entry);
      }
  kboot_aml_close (aml, prt);
}

/* Device (ISA) { Name (_ADR, 0x00010000)
 *                OperationRegion (P40C, PCI_Config, 0x60, 4) } */
static void
dsdt_piix3_isa (GByteArray *aml)
{
  gsize dev = aml_device (aml, "ISA");

  aml_name_int (aml, "_ADR", PIIX3_ADR);
  kboot_aml_byte (aml, KBOOT_AML_EXT_PREFIX);
  kboot_aml_byte (aml, KBOOT_AML_OP_REGION_OP);
  kboot_aml_name (aml, "P40C");
  kboot_aml_byte (aml, KBOOT_AML_REGION_PCI_CONFIG);
  kboot_aml_int (aml, PIIX3_PIRQRC);
  kboot_aml_int (aml, PIIX3_LINKS);
  kboot_aml_close (aml, dev);
}

static void
dsdt_pci0 (GByteArray *aml, KbootPlatformKind platform, guint32 pci_mem_start,
           guint32 pci_mem_end)
{
  gsize dev = aml_device (aml, "PCI0");

  aml_name_eisaid (aml, "_HID", "PNP0A03");
  aml_name_int (aml, "_UID", 0);
  aml_name_int (aml, "_ADR", 0);
  aml_name_int (aml, "_BBN", 0);
  dsdt_pci0_crs (aml, pci_mem_start, pci_mem_end);
  dsdt_pci0_prt (aml, platform);
  if (platform == KBOOT_PLATFORM_QEMU_PC)
    dsdt_piix3_isa (aml);
  kboot_aml_close (aml, dev);
}

/* ---- the PIIX3 links (qemu-pc) ---------------------------------------------- */

/* Field (PCI0.ISA.P40C, ByteAcc, NoLock, Preserve) { PRQ0, 8, ... PRQ3, 8 } */
static void
piix3_field (GByteArray *aml)
{
  gsize field = kboot_aml_open_ext (aml, KBOOT_AML_FIELD_OP);

  kboot_aml_name (aml, "PCI0.ISA.P40C");
  kboot_aml_byte (aml, 0x01);             /* ByteAcc, NoLock, Preserve */
  for (guint i = 0; i < PIIX3_LINKS; i++)
    {
      char name[5];

      g_snprintf (name, sizeof name, "PRQ%u", i);
      kboot_aml_name (aml, name);
      kboot_aml_pkg_length (aml, 8);
    }
  kboot_aml_close (aml, field);
}

/* Method (IQST, 1) { If (And (0x80, Arg0)) { Return (0x09) } Return (0x0b) } */
static void
piix3_iqst (GByteArray *aml)
{
  gsize method = aml_method (aml, "IQST", 1, FALSE);
  gsize if_ = kboot_aml_open (aml, KBOOT_AML_IF_OP);

  kboot_aml_byte (aml, KBOOT_AML_AND_OP);
  kboot_aml_int (aml, PIIX3_PIRQ_DISABLED);
  kboot_aml_byte (aml, KBOOT_AML_ARG0_OP);
  kboot_aml_byte (aml, KBOOT_AML_NULL_NAME);
  kboot_aml_byte (aml, KBOOT_AML_RETURN_OP);
  kboot_aml_int (aml, STA_DISABLED);
  kboot_aml_close (aml, if_);
  kboot_aml_byte (aml, KBOOT_AML_RETURN_OP);
  kboot_aml_int (aml, STA_ENABLED);
  kboot_aml_close (aml, method);
}

/* Method (IQCR, 1, Serialized) {
 *   Name (PRR0, ResourceTemplate () { Interrupt (...) { 0 } })
 *   CreateDWordField (PRR0, 5, PRRI)
 *   If (LLess (Arg0, 0x80)) { Store (Arg0, PRRI) }
 *   Return (PRR0) } */
static void
piix3_iqcr (GByteArray *aml)
{
  static const guint32 none = 0;
  gsize method = aml_method (aml, "IQCR", 1, TRUE);
  gsize if_;
  GByteArray *res = g_byte_array_new ();

  res_irq (res, &none, 1);
  aml_name_resources (aml, "PRR0", res);
  kboot_aml_byte (aml, KBOOT_AML_CREATE_DWORD_FIELD_OP);
  kboot_aml_name (aml, "PRR0");
  kboot_aml_int (aml, RES_EXT_IRQ_IRQ0);
  kboot_aml_name (aml, "PRRI");
  if_ = kboot_aml_open (aml, KBOOT_AML_IF_OP);
  kboot_aml_byte (aml, KBOOT_AML_LLESS_OP);
  kboot_aml_byte (aml, KBOOT_AML_ARG0_OP);
  kboot_aml_int (aml, PIIX3_PIRQ_DISABLED);
  kboot_aml_byte (aml, KBOOT_AML_STORE_OP);
  kboot_aml_byte (aml, KBOOT_AML_ARG0_OP);
  kboot_aml_name (aml, "PRRI");
  kboot_aml_close (aml, if_);
  kboot_aml_byte (aml, KBOOT_AML_RETURN_OP);
  kboot_aml_name (aml, "PRR0");
  kboot_aml_close (aml, method);
}

/* Device (LNKx) { _HID PNP0C0F, _UID, _PRS { 5, 10, 11 },
 *   Method (_STA) { Return (IQST (PRQn)) }
 *   Method (_DIS) { Or (PRQn, 0x80, PRQn) }
 *   Method (_CRS) { Return (IQCR (PRQn)) }
 *   Method (_SRS, 1) { CreateDWordField (Arg0, 5, PRRI)  Store (PRRI, PRQn) } } */
static void
piix3_link_device (GByteArray *aml, guint link)
{
  /* The ISA IRQs QEMU's links offer, and that QEMU's MADT (and ours,
   * kboot_loader_acpi.c) overrides to level, active high. */
  static const guint32 irqs[] = { 5, 10, 11 };
  char name[5], reg[5];
  gsize dev, method;
  GByteArray *res = g_byte_array_new ();

  g_snprintf (name, sizeof name, "LNK%c", 'A' + link);
  g_snprintf (reg, sizeof reg, "PRQ%u", link);
  dev = aml_device (aml, name);
  aml_name_eisaid (aml, "_HID", "PNP0C0F");
  aml_name_int (aml, "_UID", link);
  res_irq (res, irqs, G_N_ELEMENTS (irqs));
  aml_name_resources (aml, "_PRS", res);

  method = aml_method (aml, "_STA", 0, FALSE);
  kboot_aml_byte (aml, KBOOT_AML_RETURN_OP);
  kboot_aml_name (aml, "IQST");
  kboot_aml_name (aml, reg);
  kboot_aml_close (aml, method);

  method = aml_method (aml, "_DIS", 0, FALSE);
  kboot_aml_byte (aml, KBOOT_AML_OR_OP);
  kboot_aml_name (aml, reg);
  kboot_aml_int (aml, PIIX3_PIRQ_DISABLED);
  kboot_aml_name (aml, reg);
  kboot_aml_close (aml, method);

  method = aml_method (aml, "_CRS", 0, FALSE);
  kboot_aml_byte (aml, KBOOT_AML_RETURN_OP);
  kboot_aml_name (aml, "IQCR");
  kboot_aml_name (aml, reg);
  kboot_aml_close (aml, method);

  method = aml_method (aml, "_SRS", 1, FALSE);
  kboot_aml_byte (aml, KBOOT_AML_CREATE_DWORD_FIELD_OP);
  kboot_aml_byte (aml, KBOOT_AML_ARG0_OP);
  kboot_aml_int (aml, RES_EXT_IRQ_IRQ0);
  kboot_aml_name (aml, "PRRI");
  kboot_aml_byte (aml, KBOOT_AML_STORE_OP);
  kboot_aml_name (aml, "PRRI");
  kboot_aml_name (aml, reg);
  kboot_aml_close (aml, method);

  kboot_aml_close (aml, dev);
}

/* Device (LNKS): the SCI, fixed at IRQ 9; QEMU's, "only to override the
 * polarity to active high and match the content of the MADT". */
static void
piix3_link_sci (GByteArray *aml)
{
  static const guint32 sci = KBOOT_ACPI_SCI_IRQ;
  gsize dev = aml_device (aml, "LNKS"), method;
  GByteArray *res = g_byte_array_new ();

  aml_name_eisaid (aml, "_HID", "PNP0C0F");
  aml_name_int (aml, "_UID", PIIX3_LINKS);
  res_irq (res, &sci, 1);
  aml_name_resources (aml, "_PRS", res);
  method = aml_method (aml, "_STA", 0, FALSE);
  kboot_aml_byte (aml, KBOOT_AML_RETURN_OP);
  kboot_aml_int (aml, STA_ENABLED);
  kboot_aml_close (aml, method);
  method = aml_method (aml, "_DIS", 0, FALSE);
  kboot_aml_close (aml, method);
  method = aml_method (aml, "_CRS", 0, FALSE);
  kboot_aml_byte (aml, KBOOT_AML_RETURN_OP);
  kboot_aml_name (aml, "_PRS");
  kboot_aml_close (aml, method);
  method = aml_method (aml, "_SRS", 1, FALSE);
  kboot_aml_close (aml, method);
  kboot_aml_close (aml, dev);
}

static void
dsdt_piix3_links (GByteArray *aml)
{
  piix3_field (aml);
  piix3_iqst (aml);
  piix3_iqcr (aml);
  for (guint link = 0; link < PIIX3_LINKS; link++)
    piix3_link_device (aml, link);
  piix3_link_sci (aml);
}

/* ---- the table ------------------------------------------------------------------ */

GByteArray *
kboot_acpi_dsdt_aml (KbootPlatformKind platform, guint32 pci_mem_start,
                     guint32 pci_mem_end)
{
  GByteArray *aml = g_byte_array_new ();
  gsize sb;

  dsdt_s5 (aml);
  sb = kboot_aml_open (aml, KBOOT_AML_SCOPE_OP);
  kboot_aml_name (aml, "\\_SB");
  dsdt_pci0 (aml, platform, pci_mem_start, pci_mem_end);
  if (platform == KBOOT_PLATFORM_QEMU_PC)
    dsdt_piix3_links (aml);
  kboot_aml_close (aml, sb);
  return aml;
}
