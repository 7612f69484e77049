/* Unit tests of the ACPI tables (src/kboot_loader_acpi.c), read back by a
 * reader of our own: it follows the pointers from the RSDP as an OS does
 * and checks every table against the values written here from the sources
 * (Xen 4.17's hvmloader and libacpi, QEMU 7.2), not against the builder's
 * constants.  tests/acpi-iasl.sh has ACPICA read the same tables. */
#include "config.h"

#include <string.h>

#include "kboot_loader_acpi.h"

/* ---- what each platform's tables must say ---------------------------------- */

typedef struct {
  guint irq, gsi, flags;
} Override;

typedef struct {
  const char *oem_table_id;
  guint apic_id_step;          /* Xen: hvmloader LAPIC_ID = 2 * i; QEMU: i */
  guint ioapic_id;             /* Xen: IOAPIC_ID 1; QEMU: 0 */
  const Override *overrides;   /* in the order written */
  guint n_overrides;
  gboolean lapic_nmi;
  guint pm_base;               /* Xen: 0xb000 (ACPI_PM1A_EVT_BLK_ADDRESS_V1);
                                * QEMU pc under SeaBIOS: 0x600 */
  gboolean tmr_val_ext;        /* Xen's PM timer is 32 bits, QEMU's 24 */
  gboolean cluster_over_8;     /* QEMU: APIC cluster model past 8 CPUs */
} Expect;

/* build.c construct_madt: IRQ 0 -> GSI 2 with flags 0; PCI_ISA_IRQ_MASK
 * 0x0c20 with 0xf, active-low level. */
static const Override xen_overrides[] = {
  { 0, 2, 0x0 }, { 5, 5, 0xf }, { 10, 10, 0xf }, { 11, 11, 0xf },
};
/* QEMU 7.2 acpi_build_madt, and what Linux printed under QEMU 7.2:
 * "INT_SRC_OVR (bus 0 bus_irq 9 global_irq 9 high level)". */
static const Override qemu_overrides[] = {
  { 0, 2, 0x0 }, { 5, 5, 0xd }, { 9, 9, 0xd }, { 10, 10, 0xd }, { 11, 11, 0xd },
};

static const Expect expect_xen = {
  "XENHVM  ", 2, 1, xen_overrides, G_N_ELEMENTS (xen_overrides), FALSE,
  0xb000, TRUE, FALSE,
};
static const Expect expect_qemu = {
  "QEMUPC  ", 1, 0, qemu_overrides, G_N_ELEMENTS (qemu_overrides), TRUE,
  0x600, FALSE, TRUE,
};

/* ---- the cases ---------------------------------------------------------------- */

typedef struct {
  const char *path;
  KbootPlatformKind platform;
  guint32 nr_vcpus;
  const guint8 *online;        /* NULL: all online */
  guint64 base;
  guint64 pci_mem_start, pci_mem_end;   /* 0, 0: the platform's default */
} AcpiCase;

/* The default PCI windows: Xen's HVM_BELOW_4G_MMIO_START (public
 * hvm/e820.h, libxl's default mmio_start) to hvmloader's pci_mem_end
 * RESERVED_MEMBASE; a 2 GiB QEMU guest's lowmem to QEMU's IOAPIC. */
#define XEN_PCI_MEM            0xf0000000, 0xfc000000
#define QEMU_PCI_MEM           0x80000000, 0xfec00000

/* Holes: vCPUs 1, 3, 6 offline of 8; the bits past nr_vcpus are noise the
 * builder must ignore. */
static const guint8 online_holes_8[] = { 0xb5, 0xff };
/* 128 vCPUs with every third one after vCPU 0 offline. */
static guint8 online_holes_128[16];

static const AcpiCase cases[] = {
  /* Bases in each 16-byte phase of a 64-byte line (the FACS's alignment),
   * in the BIOS area, in low RAM and just under the 4 GiB line. */
  { "/acpi/xen-hvm/1", KBOOT_PLATFORM_XEN_HVM, 1, NULL, 0xe0000 },
  { "/acpi/xen-hvm/2", KBOOT_PLATFORM_XEN_HVM, 2, NULL, 0x9e010 },
  { "/acpi/xen-hvm/4", KBOOT_PLATFORM_XEN_HVM, 4, NULL, 0x100020 },
  { "/acpi/xen-hvm/128", KBOOT_PLATFORM_XEN_HVM, 128, NULL, 0xfc000030 },
  /* A larger hole: libxl's mmio_hole = 1024 (MiB). */
  { "/acpi/xen-hvm/2-mmio-hole", KBOOT_PLATFORM_XEN_HVM, 2, NULL, 0xe0000,
    0xc0000000, 0xfc000000 },
  { "/acpi/xen-hvm/8-holes", KBOOT_PLATFORM_XEN_HVM, 8, online_holes_8, 0xf0000 },
  { "/acpi/xen-hvm/128-holes", KBOOT_PLATFORM_XEN_HVM, 128, online_holes_128, 0x1230 },
  { "/acpi/qemu-pc/1", KBOOT_PLATFORM_QEMU_PC, 1, NULL, 0xe0010 },
  { "/acpi/qemu-pc/2", KBOOT_PLATFORM_QEMU_PC, 2, NULL, 0x9e020 },
  { "/acpi/qemu-pc/4", KBOOT_PLATFORM_QEMU_PC, 4, NULL, 0x100030 },
  { "/acpi/qemu-pc/128", KBOOT_PLATFORM_QEMU_PC, 128, NULL, 0xfff00000 },
  /* 4 GiB of RAM: lowmem clamped to 3 GiB (gigabyte_align). */
  { "/acpi/qemu-pc/2-lowmem-3g", KBOOT_PLATFORM_QEMU_PC, 2, NULL, 0xe0000,
    0xc0000000, 0xfec00000 },
  { "/acpi/qemu-pc/8-holes", KBOOT_PLATFORM_QEMU_PC, 8, online_holes_8, 0xf0040 },
  { "/acpi/qemu-pc/128-holes", KBOOT_PLATFORM_QEMU_PC, 128, online_holes_128, 0x7ff0 },
};

/* ---- the reader ---------------------------------------------------------------- */

static guint
get (const guint8 *p, guint width)
{
  guint64 v = 0;

  for (guint i = width; i-- > 0;)
    v = (v << 8) | p[i];
  return (guint) v;
}

static guint64
get64 (const guint8 *p)
{
  return (guint64) get (p, 4) | (guint64) get (p + 4, 4) << 32;
}

static guint8
sum (const guint8 *p, gsize len)
{
  guint8 s = 0;

  for (gsize i = 0; i < len; i++)
    s = (guint8) (s + p[i]);
  return s;
}

typedef struct {
  const guint8 *data;
  gsize size;
  guint64 base;
  /* The ranges of the tables found so far: none may overlap. */
  guint64 starts[8], ends[8];
  guint n;
} Blob;

/* The bytes at guest-physical @addr, @len long: all of them in the blob,
 * overlapping no table seen before. */
static const guint8 *
blob_claim (Blob *blob, guint64 addr, gsize len, const char *what)
{
  g_assert_cmpuint (addr, >=, blob->base);
  g_assert_cmpuint (addr + len, <=, blob->base + blob->size);
  for (guint i = 0; i < blob->n; i++)
    if (addr < blob->ends[i] && blob->starts[i] < addr + len)
      g_error ("%s at 0x%" G_GINT64_MODIFIER "x overlaps another table", what, addr);
  g_assert_cmpuint (blob->n, <, G_N_ELEMENTS (blob->starts));
  blob->starts[blob->n] = addr;
  blob->ends[blob->n] = addr + len;
  blob->n++;
  return blob->data + (addr - blob->base);
}

/* The table at @addr: its signature, a length inside the blob, the bytes
 * summing to 0, our OEM ids, 16-byte aligned. */
static const guint8 *
read_table (Blob *blob, guint64 addr, const char *signature, const Expect *ex,
            guint *len)
{
  const guint8 *t;

  g_assert_cmpuint (addr % 16, ==, 0);
  t = blob_claim (blob, addr, 36, signature);
  blob->n--;                                  /* claimed again with its length */
  g_assert_cmpmem (t, 4, signature, 4);
  *len = get (t + 4, 4);
  t = blob_claim (blob, addr, *len, signature);
  g_assert_cmpuint (sum (t, *len), ==, 0);
  g_assert_cmpmem (t + 10, 6, "XKBOOT", 6);
  g_assert_cmpmem (t + 16, 8, ex->oem_table_id, 8);
  return t;
}

static gboolean
case_online (const AcpiCase *c, guint i)
{
  return c->online == NULL || (c->online[i / 8] >> (i % 8)) & 1;
}

/* A Generic Address Structure: system I/O, @bits wide, at @port. */
static void
check_gas_io (const guint8 *gas, guint bits, guint64 port)
{
  g_assert_cmpuint (gas[0], ==, 1);
  g_assert_cmpuint (gas[1], ==, bits);
  g_assert_cmpuint (gas[2], ==, 0);
  g_assert_cmpuint (get64 (gas + 4), ==, port);
}

static guint64
case_pci_mem (const AcpiCase *c, guint end)
{
  static const guint64 xen[] = { XEN_PCI_MEM }, qemu[] = { QEMU_PCI_MEM };

  if (c->pci_mem_start != 0)
    return end ? c->pci_mem_end : c->pci_mem_start;
  return (c->platform == KBOOT_PLATFORM_XEN_HVM ? xen : qemu)[end];
}

/* ---- the DSDT: an AML reader of our own ------------------------------------ */

/* Where we are in the AML, and where the object being read ends. */
typedef struct {
  const guint8 *p, *end;
} Aml;

static guint8
aml_byte (Aml *a)
{
  g_assert_cmpuint ((gsize) (a->end - a->p), >=, 1);
  return *a->p++;
}

/* A PkgLength (ACPI 6.4 20.2.4): the length from its own first byte. */
static Aml
aml_pkg (Aml *a)
{
  const guint8 *start = a->p;
  guint8 lead = aml_byte (a);
  guint n = lead >> 6;
  gsize len = n ? lead & 0x0f : lead & 0x3f;
  Aml inner;

  for (guint i = 0; i < n; i++)
    len |= (gsize) aml_byte (a) << (4 + 8 * i);
  g_assert_cmpuint (len, <=, (gsize) (a->end - start));
  inner.p = a->p;
  inner.end = start + len;
  a->p = inner.end;
  return inner;
}

static guint64
aml_integer (Aml *a)
{
  guint8 op = aml_byte (a);
  guint width;
  guint64 v = 0;

  switch (op)
    {
    case 0x00: return 0;
    case 0x01: return 1;
    case 0xff: return G_MAXUINT64;
    case 0x0a: width = 1; break;
    case 0x0b: width = 2; break;
    case 0x0c: width = 4; break;
    case 0x0e: width = 8; break;
    default: g_error ("AML: 0x%02x where an integer should be", op);
    }
  for (guint i = 0; i < width; i++)
    v |= (guint64) aml_byte (a) << (8 * i);
  return v;
}

/* A NameSeg into @seg (5 bytes with the terminator). */
static void
aml_seg (Aml *a, char seg[5])
{
  for (guint i = 0; i < 4; i++)
    seg[i] = (char) aml_byte (a);
  seg[4] = '\0';
}

/* The _PRT entry for @slot, @pin: Xen's hvm_pci_intx_gsi, worked by hand
 * from "((device*4 + device/8 + INTx#) & 31) + 16" for a few slots, and
 * the PIIX3 link (slot - 1 + pin) & 3 (QEMU's pci_slot_get_pirq), or LNKS
 * for the PM function's INTA. */
typedef struct {
  guint slot, pin, gsi;
  const char *link;
} PrtSample;

static const PrtSample xen_prt[] = {
  { 1, 0, 20 }, { 2, 3, 27 }, { 3, 1, 29 }, { 8, 0, 17 }, { 16, 2, 20 },
  { 31, 3, 18 }, { 7, 3, 47 },
};
static const PrtSample qemu_prt[] = {
  { 1, 0, 0, "LNKS" }, { 1, 1, 0, "LNKB" }, { 2, 0, 0, "LNKB" },
  { 3, 0, 0, "LNKC" }, { 4, 0, 0, "LNKD" }, { 5, 0, 0, "LNKA" },
  { 31, 3, 0, "LNKB" },
};

static void
check_prt (Aml *a, const AcpiCase *c)
{
  gboolean xen = c->platform == KBOOT_PLATFORM_XEN_HVM;
  const PrtSample *samples = xen ? xen_prt : qemu_prt;
  guint n_samples = xen ? G_N_ELEMENTS (xen_prt) : G_N_ELEMENTS (qemu_prt);
  guint found = 0;

  g_assert_cmpuint (aml_byte (a), ==, 0x12);            /* PackageOp */
  *a = aml_pkg (a);
  g_assert_cmpuint (aml_byte (a), ==, 31 * 4);
  for (guint slot = 1; slot < 32; slot++)
    for (guint pin = 0; pin < 4; pin++)
      {
        Aml e;
        guint64 gsi;
        char link[5] = "";

        g_assert_cmpuint (aml_byte (a), ==, 0x12);
        e = aml_pkg (a);
        g_assert_cmpuint (aml_byte (&e), ==, 4);
        g_assert_cmpuint (aml_integer (&e), ==, (guint64) slot << 16 | 0xffff);
        g_assert_cmpuint (aml_integer (&e), ==, pin);
        if (xen)
          g_assert_cmpuint (aml_integer (&e), ==, 0);   /* no link: a GSI */
        else
          aml_seg (&e, link);
        gsi = aml_integer (&e);
        g_assert_true (e.p == e.end);
        if (xen)
          g_assert_cmpuint (gsi, >=, 16);               /* past the ISA IRQs */
        else
          g_assert_cmpuint (gsi, ==, 0);
        for (guint i = 0; i < n_samples; i++)
          if (samples[i].slot == slot && samples[i].pin == pin)
            {
              if (xen)
                g_assert_cmpuint (gsi, ==, samples[i].gsi);
              else
                g_assert_cmpstr (link, ==, samples[i].link);
              found++;
            }
      }
  g_assert_true (a->p == a->end);
  g_assert_cmpuint (found, ==, n_samples);
}

/* _CRS: the bus numbers, config ports, I/O, VGA and the case's window. */
static void
check_crs (Aml *a, const AcpiCase *c)
{
  static const guint8 head[] = {
    0x88, 13, 0, 2, 0x0c, 0, 0, 0, 0, 0, 0xff, 0, 0, 0, 0x00, 0x01,  /* bus 0-0xff */
    0x47, 1, 0xf8, 0x0c, 0xf8, 0x0c, 1, 8,                            /* IO 0xcf8, 8 */
    0x88, 13, 0, 1, 0x0c, 3, 0, 0, 0, 0, 0xf7, 0x0c, 0, 0, 0xf8, 0x0c, /* 0-0xcf7 */
    0x88, 13, 0, 1, 0x0c, 3, 0, 0, 0x00, 0x0d, 0xff, 0xff, 0, 0, 0x00, 0xf3,
    0x87, 23, 0, 0, 0x0c, 3, 0, 0, 0, 0, 0, 0, 0x0a, 0, 0xff, 0xff, 0x0b, 0,
    0, 0, 0, 0, 0, 0, 0x02, 0,                                          /* VGA */
  };
  guint64 start = case_pci_mem (c, 0), end = case_pci_mem (c, 1);
  Aml buf;
  const guint8 *w;

  g_assert_cmpuint (aml_byte (a), ==, 0x11);            /* BufferOp */
  buf = aml_pkg (a);
  g_assert_cmpuint (aml_integer (&buf), ==, (gsize) (buf.end - buf.p));
  g_assert_cmpuint ((gsize) (buf.end - buf.p), ==, sizeof head + 26 + 2);
  g_assert_cmpmem (buf.p, sizeof head, head, sizeof head);
  w = buf.p + sizeof head;                              /* DWordMemory */
  g_assert_cmpuint (w[0], ==, 0x87);
  g_assert_cmpuint (w[3], ==, 0);                       /* memory */
  g_assert_cmpuint (w[5], ==, 1);                       /* read-write, non-cacheable */
  g_assert_cmpuint (get (w + 10, 4), ==, start);
  g_assert_cmpuint (get (w + 14, 4), ==, end - 1);
  g_assert_cmpuint (get (w + 22, 4), ==, end - start);
  g_assert_cmpuint (w[26], ==, 0x79);                   /* end tag */
}

static void
check_dsdt (const guint8 *aml, gsize len, const AcpiCase *c, const Expect *ex)
{
  Aml a = { aml, aml + len }, s5, sb, pci0;
  char seg[5];
  gboolean seen_crs = FALSE, seen_prt = FALSE;

  (void) ex;
  /* Name (\_S5, Package (4) { 0, 0, 0, 0 }): hvmloader's dsdt.asl and QEMU's
   * DSDT; QEMU's PIIX4 powers off on SLP_TYP 0 (hw/acpi/core.c). */
  g_assert_cmpuint (aml_byte (&a), ==, 0x08);
  g_assert_cmpuint (aml_byte (&a), ==, '\\');
  aml_seg (&a, seg);
  g_assert_cmpstr (seg, ==, "_S5_");
  g_assert_cmpuint (aml_byte (&a), ==, 0x12);
  s5 = aml_pkg (&a);
  g_assert_cmpuint (aml_byte (&s5), ==, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (aml_integer (&s5), ==, 0);
  g_assert_true (s5.p == s5.end);

  /* Scope (\_SB) { Device (PCI0) { ... } ... }, the scope ending the AML. */
  g_assert_cmpuint (aml_byte (&a), ==, 0x10);
  sb = aml_pkg (&a);
  g_assert_true (a.p == a.end);
  g_assert_cmpuint (aml_byte (&sb), ==, '\\');
  aml_seg (&sb, seg);
  g_assert_cmpstr (seg, ==, "_SB_");
  g_assert_cmpuint (aml_byte (&sb), ==, 0x5b);
  g_assert_cmpuint (aml_byte (&sb), ==, 0x82);          /* DeviceOp */
  pci0 = aml_pkg (&sb);
  aml_seg (&pci0, seg);
  g_assert_cmpstr (seg, ==, "PCI0");
  /* PCI0's Names, in order; a Device (ISA) may follow on qemu-pc. */
  while (pci0.p < pci0.end && pci0.p[0] == 0x08)
    {
      aml_byte (&pci0);
      aml_seg (&pci0, seg);
      if (strcmp (seg, "_HID") == 0)
        {
          g_assert_cmpuint (aml_byte (&pci0), ==, 0x0c);
          g_assert_cmpmem (pci0.p, 4, "\x41\xd0\x0a\x03", 4);   /* PNP0A03 */
          pci0.p += 4;
        }
      else if (strcmp (seg, "_UID") == 0 || strcmp (seg, "_ADR") == 0
               || strcmp (seg, "_BBN") == 0)
        g_assert_cmpuint (aml_integer (&pci0), ==, 0);
      else if (strcmp (seg, "_CRS") == 0)
        {
          check_crs (&pci0, c);
          seen_crs = TRUE;
        }
      else if (strcmp (seg, "_PRT") == 0)
        {
          Aml prt = pci0;

          check_prt (&prt, c);
          pci0.p = prt.end;
          seen_prt = TRUE;
        }
      else
        g_error ("DSDT: unexpected Name %s in PCI0", seg);
    }
  g_assert_true (seen_crs && seen_prt);
  if (c->platform == KBOOT_PLATFORM_XEN_HVM)
    {
      /* Nothing else: GSIs need no link devices. */
      g_assert_true (pci0.p == pci0.end);
      g_assert_true (sb.p == sb.end);
    }
  else
    /* The links follow PCI0 in \_SB (acpi-iasl.sh evaluates them). */
    g_assert_true (sb.p < sb.end);
}

static void
check_facs_dsdt (Blob *blob, const guint8 *fadt, const AcpiCase *c, const Expect *ex)
{
  guint64 facs_addr = get (fadt + 36, 4), dsdt_addr = get (fadt + 40, 4);
  const guint8 *facs, *dsdt;
  guint len;

  /* The 32-bit pointers and the X_ ones agree. */
  g_assert_cmpuint (get64 (fadt + 132), ==, facs_addr);
  g_assert_cmpuint (get64 (fadt + 140), ==, dsdt_addr);

  g_assert_cmpuint (facs_addr % 64, ==, 0);
  facs = blob_claim (blob, facs_addr, 64, "FACS");
  g_assert_cmpmem (facs, 4, "FACS", 4);
  g_assert_cmpuint (get (facs + 4, 4), ==, 64);

  dsdt = read_table (blob, dsdt_addr, "DSDT", ex, &len);
  g_assert_cmpuint (dsdt[8], ==, 2);                    /* 64-bit integers */
  check_dsdt (dsdt + 36, len - 36, c, ex);
}

static void
check_fadt (Blob *blob, guint64 addr, const AcpiCase *c, const Expect *ex)
{
  guint len, flags;
  const guint8 *fadt = read_table (blob, addr, "FACP", ex, &len);

  g_assert_cmpuint (len, ==, 244);                      /* revision 4, hvmloader's */
  g_assert_cmpuint (fadt[8], ==, 4);
  g_assert_cmpuint (get (fadt + 46, 2), ==, 9);         /* SCI_INT */
  g_assert_cmpuint (get (fadt + 48, 4), ==, 0);         /* SMI_CMD: always ACPI mode */
  g_assert_cmpuint (get (fadt + 56, 4), ==, ex->pm_base);      /* PM1a_EVT_BLK */
  g_assert_cmpuint (get (fadt + 60, 4), ==, 0);                /* no PM1b */
  g_assert_cmpuint (get (fadt + 64, 4), ==, ex->pm_base + 4);  /* PM1a_CNT_BLK */
  g_assert_cmpuint (get (fadt + 76, 4), ==, ex->pm_base + 8);  /* PM_TMR_BLK */
  g_assert_cmpuint (get (fadt + 80, 4), ==, 0xafe0);           /* GPE0_BLK */
  g_assert_cmpuint (fadt[88], ==, 4);
  g_assert_cmpuint (fadt[89], ==, 2);
  g_assert_cmpuint (fadt[91], ==, 4);
  g_assert_cmpuint (fadt[92], ==, 4);
  g_assert_cmpuint (get (fadt + 96, 2), >, 100);        /* no C2 */
  g_assert_cmpuint (get (fadt + 98, 2), >, 1000);       /* no C3 */
  g_assert_cmpuint (get (fadt + 109, 2) & 0x2, ==, 0x2); /* 8042 present */

  flags = get (fadt + 112, 4);
  g_assert_cmpuint (flags & (1u << 10), !=, 0);         /* RESET_REG_SUP */
  g_assert_cmpuint ((flags >> 8) & 1, ==, ex->tmr_val_ext);
  g_assert_cmpuint ((flags >> 18) & 1, ==, ex->cluster_over_8 && c->nr_vcpus > 8);
  check_gas_io (fadt + 116, 8, 0xcf9);                  /* RESET_REG */
  g_assert_cmpuint (fadt[128], ==, 6);                  /* RESET_VALUE */

  check_gas_io (fadt + 148, 32, ex->pm_base);           /* X_PM1a_EVT_BLK */
  check_gas_io (fadt + 172, 16, ex->pm_base + 4);       /* X_PM1a_CNT_BLK */
  check_gas_io (fadt + 208, 32, ex->pm_base + 8);       /* X_PM_TMR_BLK */
  check_gas_io (fadt + 220, 32, 0xafe0);                /* X_GPE0_BLK */
  for (guint off = 160; off < 208; off++)               /* no PM1b, PM2 */
    if (off < 172 || off >= 184)
      g_assert_cmpuint (fadt[off], ==, 0);

  check_facs_dsdt (blob, fadt, c, ex);
}

static void
check_madt (Blob *blob, guint64 addr, const AcpiCase *c, const Expect *ex)
{
  guint len, n_lapic = 0, n_ioapic = 0, n_override = 0, n_nmi = 0, n_entries = 0;
  const guint8 *madt = read_table (blob, addr, "APIC", ex, &len);

  g_assert_cmpuint (get (madt + 36, 4), ==, 0xfee00000);
  g_assert_cmpuint (get (madt + 40, 4), ==, 1);         /* PCAT_COMPAT */
  for (guint off = 44; off < len; n_entries++)
    {
      const guint8 *e = madt + off;

      g_assert_cmpuint (len - off, >=, 2);
      g_assert_cmpuint (e[1], >=, 2);
      g_assert_cmpuint (off + e[1], <=, len);
      switch (e[0])
        {
        case 0:                                       /* Processor Local APIC */
          g_assert_cmpuint (e[1], ==, 8);
          g_assert_cmpuint (e[2], ==, n_lapic);         /* ACPI processor id */
          g_assert_cmpuint (e[3], ==, n_lapic * ex->apic_id_step);
          g_assert_cmpuint (get (e + 4, 4), ==, case_online (c, n_lapic));
          n_lapic++;
          break;
        case 1:                                       /* I/O APIC */
          g_assert_cmpuint (e[1], ==, 12);
          g_assert_cmpuint (e[2], ==, ex->ioapic_id);
          g_assert_cmpuint (get (e + 4, 4), ==, 0xfec00000);
          g_assert_cmpuint (get (e + 8, 4), ==, 0);     /* GSI base */
          n_ioapic++;
          break;
        case 2:                                       /* Interrupt Source Override */
          g_assert_cmpuint (e[1], ==, 10);
          g_assert_cmpuint (n_override, <, ex->n_overrides);
          g_assert_cmpuint (e[2], ==, 0);               /* ISA */
          g_assert_cmpuint (e[3], ==, ex->overrides[n_override].irq);
          g_assert_cmpuint (get (e + 4, 4), ==, ex->overrides[n_override].gsi);
          g_assert_cmpuint (get (e + 8, 2), ==, ex->overrides[n_override].flags);
          n_override++;
          break;
        case 4:                                       /* Local APIC NMI */
          g_assert_cmpuint (e[1], ==, 6);
          g_assert_cmpuint (e[2], ==, 0xff);            /* all processors */
          g_assert_cmpuint (get (e + 3, 2), ==, 0);
          g_assert_cmpuint (e[5], ==, 1);               /* LINT1 */
          n_nmi++;
          break;
        default:
          g_error ("MADT entry of type %u at offset %u", e[0], off);
        }
      off += e[1];
    }
  g_assert_cmpuint (n_lapic, ==, c->nr_vcpus);
  g_assert_cmpuint (n_ioapic, ==, 1);
  g_assert_cmpuint (n_override, ==, ex->n_overrides);
  g_assert_cmpuint (n_nmi, ==, ex->lapic_nmi ? 1 : 0);
  g_assert_cmpuint (n_entries, ==, c->nr_vcpus + 1 + ex->n_overrides + n_nmi);
}

/* The XSDT or the RSDT: the FADT and the MADT, nothing else. */
static void
read_sdt (Blob *blob, guint64 addr, const char *signature, guint entry_size,
          const Expect *ex, guint64 *fadt, guint64 *madt)
{
  guint len;
  const guint8 *sdt = read_table (blob, addr, signature, ex, &len);

  g_assert_cmpuint (len, ==, 36 + 2 * entry_size);
  *fadt = entry_size == 8 ? get64 (sdt + 36) : get (sdt + 36, 4);
  *madt = entry_size == 8 ? get64 (sdt + 44) : get (sdt + 40, 4);
}

static void
test_tables (gconstpointer data)
{
  const AcpiCase *c = data;
  const Expect *ex = c->platform == KBOOT_PLATFORM_XEN_HVM ? &expect_xen : &expect_qemu;
  KbootAcpiConfig config = {
    .platform = c->platform, .nr_vcpus = c->nr_vcpus,
    .vcpu_online = c->online, .base = c->base,
    .pci_mem_start = case_pci_mem (c, 0), .pci_mem_end = case_pci_mem (c, 1),
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  guint64 rsdp_addr = 0, fadt, madt, rsdt_fadt, rsdt_madt;
  const guint8 *rsdp;
  Blob blob = { 0 };

  bytes = kboot_acpi_build (&config, &rsdp_addr, &error);
  g_assert_no_error (error);
  blob.data = g_bytes_get_data (bytes, &blob.size);
  blob.base = c->base;
  g_assert_cmpuint (blob.size, ==, kboot_acpi_size (c->platform, c->nr_vcpus));
  g_assert_cmpuint (blob.size % 16, ==, 0);

  /* RSDP: ACPI 2.0, both checksums, the RSDT and the XSDT. */
  g_assert_cmpuint (rsdp_addr % 16, ==, 0);
  rsdp = blob_claim (&blob, rsdp_addr, 36, "RSDP");
  g_assert_cmpmem (rsdp, 8, "RSD PTR ", 8);
  g_assert_cmpuint (sum (rsdp, 20), ==, 0);
  g_assert_cmpuint (sum (rsdp, 36), ==, 0);
  g_assert_cmpmem (rsdp + 9, 6, "XKBOOT", 6);
  g_assert_cmpuint (rsdp[15], ==, 2);
  g_assert_cmpuint (get (rsdp + 20, 4), ==, 36);

  read_sdt (&blob, get64 (rsdp + 24), "XSDT", 8, ex, &fadt, &madt);
  read_sdt (&blob, get (rsdp + 16, 4), "RSDT", 4, ex, &rsdt_fadt, &rsdt_madt);
  g_assert_cmpuint (rsdt_fadt, ==, fadt);
  g_assert_cmpuint (rsdt_madt, ==, madt);
  check_fadt (&blob, fadt, c, ex);
  check_madt (&blob, madt, c, ex);
  /* RSDP, XSDT, RSDT, FADT, FACS, DSDT, MADT: all found, all disjoint. */
  g_assert_cmpuint (blob.n, ==, 7);
}

/* ---- sizes and refusals ---------------------------------------------------------- */

static void
test_size (void)
{
  /* Independent of the base: every 16-byte phase fits the same size. */
  for (guint p = 0; p < KBOOT_PLATFORM_LAST; p++)
    for (guint32 n = 1; n <= KBOOT_ACPI_VCPUS_MAX; n++)
      {
        guint64 size = kboot_acpi_size (p, n);

        g_assert_cmpuint (size, >, 0);
        g_assert_cmpuint (size, <=, 8192);        /* two pages even at 128 */
        for (guint64 base = 0x10000; base < 0x10040; base += 16)
          {
            KbootAcpiConfig config = { .platform = p, .nr_vcpus = n, .base = base,
                                       .pci_mem_start = 0x100000,
                                       .pci_mem_end = 0xfec00000 };
            g_autoptr(GBytes) bytes = kboot_acpi_build (&config, NULL, NULL);

            g_assert_nonnull (bytes);
            g_assert_cmpuint (g_bytes_get_size (bytes), ==, size);
          }
      }
  g_assert_cmpuint (kboot_acpi_size (KBOOT_PLATFORM_XEN_HVM, 0), ==, 0);
  g_assert_cmpuint (kboot_acpi_size (KBOOT_PLATFORM_XEN_HVM, 129), ==, 0);
  g_assert_cmpuint (kboot_acpi_size (KBOOT_PLATFORM_LAST, 1), ==, 0);
}

typedef struct {
  const char *path;
  KbootAcpiConfig config;
  KbootAcpiError code;
  const char *message;
} RefusalCase;

static const guint8 online_no_boot_cpu[] = { 0xfe };

static const RefusalCase refusals[] = {
  { "/acpi/refuse/no-vcpus", { KBOOT_PLATFORM_XEN_HVM, 0, NULL, 0xe0000 },
    KBOOT_ACPI_ERROR_VCPUS,
    "ACPI tables: 0 vCPUs; the MADT describes 1 to 128 (Xen's HVM_MAX_VCPUS)" },
  { "/acpi/refuse/too-many-vcpus", { KBOOT_PLATFORM_QEMU_PC, 129, NULL, 0xe0000 },
    KBOOT_ACPI_ERROR_VCPUS,
    "ACPI tables: 129 vCPUs; the MADT describes 1 to 128 (Xen's HVM_MAX_VCPUS)" },
  { "/acpi/refuse/boot-cpu-offline",
    { KBOOT_PLATFORM_XEN_HVM, 8, online_no_boot_cpu, 0xe0000 },
    KBOOT_ACPI_ERROR_ONLINE,
    "ACPI tables: vCPU 0 is offline in the online bitmap; it runs the firmware "
    "and boots the kernel, so it must be online" },
  { "/acpi/refuse/base-zero", { KBOOT_PLATFORM_XEN_HVM, 1, NULL, 0 },
    KBOOT_ACPI_ERROR_BASE,
    "ACPI tables at 0x0: the base must be a non-zero multiple of 16 (the "
    "RSDP's alignment; address 0 means no table)" },
  { "/acpi/refuse/base-unaligned", { KBOOT_PLATFORM_QEMU_PC, 1, NULL, 0xe0008 },
    KBOOT_ACPI_ERROR_BASE,
    "ACPI tables at 0xe0008: the base must be a non-zero multiple of 16 (the "
    "RSDP's alignment; address 0 means no table)" },
  { "/acpi/refuse/past-4g", { KBOOT_PLATFORM_XEN_HVM, 1, NULL, 0xfffffe00, XEN_PCI_MEM },
    KBOOT_ACPI_ERROR_BASE,
    "ACPI tables at 0xfffffe00, 0x970 bytes, end past 4 GiB; they must lie "
    "below it (the RSDT and the FADT's 32-bit pointers)" },
  { "/acpi/refuse/wraps", { KBOOT_PLATFORM_XEN_HVM, 1, NULL,
                            G_GUINT64_CONSTANT (0xfffffffffffffff0), XEN_PCI_MEM },
    KBOOT_ACPI_ERROR_BASE,
    "ACPI tables at 0xfffffffffffffff0, 0x970 bytes, end past 4 GiB; they must "
    "lie below it (the RSDT and the FADT's 32-bit pointers)" },
  { "/acpi/refuse/pci-window-empty",
    { KBOOT_PLATFORM_XEN_HVM, 1, NULL, 0xe0000, 0xfc000000, 0xfc000000 },
    KBOOT_ACPI_ERROR_PCI_WINDOW,
    "ACPI tables: PCI memory window [0xfc000000, 0xfc000000): it must be "
    "non-empty, start at or above 1 MiB and end at or below the IOAPIC at 0xfec00000" },
  { "/acpi/refuse/pci-window-unset", { KBOOT_PLATFORM_QEMU_PC, 1, NULL, 0xe0000 },
    KBOOT_ACPI_ERROR_PCI_WINDOW,
    "ACPI tables: PCI memory window [0x0, 0x0): it must be non-empty, start at "
    "or above 1 MiB and end at or below the IOAPIC at 0xfec00000" },
  { "/acpi/refuse/pci-window-low",
    { KBOOT_PLATFORM_QEMU_PC, 1, NULL, 0xe0000, 0xa0000, 0xfec00000 },
    KBOOT_ACPI_ERROR_PCI_WINDOW,
    "ACPI tables: PCI memory window [0xa0000, 0xfec00000): it must be non-empty, "
    "start at or above 1 MiB and end at or below the IOAPIC at 0xfec00000" },
  { "/acpi/refuse/pci-window-over-ioapic",
    { KBOOT_PLATFORM_QEMU_PC, 1, NULL, 0xe0000, 0xc0000000, 0xfee00000 },
    KBOOT_ACPI_ERROR_PCI_WINDOW,
    "ACPI tables: PCI memory window [0xc0000000, 0xfee00000): it must be non-empty, "
    "start at or above 1 MiB and end at or below the IOAPIC at 0xfec00000" },
  { "/acpi/refuse/platform", { KBOOT_PLATFORM_LAST, 1, NULL, 0xe0000 },
    KBOOT_ACPI_ERROR_PLATFORM,
    "ACPI tables: platform 2 is neither xen-hvm nor qemu-pc" },
};

static void
test_refusal (gconstpointer data)
{
  const RefusalCase *r = data;
  g_autoptr(GError) error = NULL;
  guint64 rsdp_addr = 0x1234;
  g_autoptr(GBytes) bytes = kboot_acpi_build (&r->config, &rsdp_addr, &error);

  g_assert_null (bytes);
  g_assert_error (error, KBOOT_ACPI_ERROR, (gint) r->code);
  g_assert_cmpstr (error->message, ==, r->message);
  g_assert_cmpuint (rsdp_addr, ==, 0x1234);     /* untouched */
}

static void
test_just_below_4g (void)
{
  guint64 size = kboot_acpi_size (KBOOT_PLATFORM_XEN_HVM, 1);
  KbootAcpiConfig config = { KBOOT_PLATFORM_XEN_HVM, 1, NULL,
                             G_GUINT64_CONSTANT (0x100000000) - size, XEN_PCI_MEM };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = kboot_acpi_build (&config, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bytes);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 1; i < 128; i++)
    if (i % 3 != 0)
      online_holes_128[i / 8] |= (guint8) (1u << (i % 8));
  online_holes_128[0] |= 1;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    g_test_add_data_func (cases[i].path, &cases[i], test_tables);
  for (gsize i = 0; i < G_N_ELEMENTS (refusals); i++)
    g_test_add_data_func (refusals[i].path, &refusals[i], test_refusal);
  g_test_add_func ("/acpi/size", test_size);
  g_test_add_func ("/acpi/just-below-4g", test_just_below_4g);
  return g_test_run ();
}
