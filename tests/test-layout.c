/* Unit tests of the platform memory maps (src/kboot_layout_platform.c) and the
 * layout planner and checker (src/kboot_layout*.c).
 *
 * The e820 tables are data (tests/layout/e820.txt, written by hand from
 * Xen's and QEMU's source); the plan tables are golden files
 * (tests/layout/plan-*.txt, rewritten with XEN_KBOOT_TEST_REGENERATE=1).
 * Kernel images are KbootImage structs filled field by field: the planner
 * depends on the facts, not on parsing. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "kboot_layout.h"

#define KIB G_GUINT64_CONSTANT (0x400)
#define MIB G_GUINT64_CONSTANT (0x100000)
#define GIB G_GUINT64_CONSTANT (0x40000000)
#define FOUR_GIB G_GUINT64_CONSTANT (0x100000000)

/* ---- helpers ------------------------------------------------------------ */

/* A Debian-amd64-like kernel: protocol 2.15, relocatable, kernel_alignment
 * 2 MiB, min_alignment 21, pref_address 16 MiB, init_size 46 MiB. */
static KbootImage
image_debian (void)
{
  KbootImage image = { 0 };

  image.kind = KBOOT_IMAGE_KIND_BZIMAGE;
  image.hdr.version = 0x020f;
  image.hdr.relocatable_kernel = 1;
  image.hdr.kernel_alignment = 0x200000;
  image.hdr.min_alignment = 21;
  image.hdr.pref_address = 0x1000000;
  image.hdr.init_size = 0x2e00000;
  image.hdr.initrd_addr_max = 0x7fffffff;
  image.hdr.cmdline_size = 2047;
  image.hdr.xloadflags = KBOOT_XLF_KERNEL_64 | KBOOT_XLF_CAN_BE_LOADED_ABOVE_4G;
  image.relocatable = TRUE;
  image.alignment = 0x200000;
  image.pm_size = 0x7a0000;
  return image;
}

static KbootPlatform *
platform_new (KbootPlatformKind kind, guint64 ram)
{
  KbootPlatformParams params = { .ram_size = ram };
  g_autoptr(GError) error = NULL;
  KbootPlatform *p = kboot_platform_new (kind, &params, &error);

  g_assert_no_error (error);
  g_assert_nonnull (p);
  return p;
}

/* Xen's firmware (ELF at 1 MiB), one module, the start_info page. */
static KbootReservedRange
xen_firmware (guint64 elf_bytes, guint64 module_bytes)
{
  guint64 sizes[1] = { module_bytes };
  KbootXenFirmwareLoad load = {
    .firmware_start = KBOOT_FIRMWARE_BASE,
    .firmware_end = KBOOT_FIRMWARE_BASE + elf_bytes,
    .module_sizes = sizes, .n_modules = module_bytes ? 1 : 0, .n_memmap = 2,
  };
  KbootReservedRange r = { 0, 0, "xen firmware, modules, start_info" };
  g_autoptr(GError) error = NULL;

  g_assert_true (kboot_platform_xen_firmware_range (&load, &r.start, &r.end, &error));
  g_assert_no_error (error);
  return r;
}

static KbootPlan *
plan_ok (const KbootLayoutRequest *req)
{
  g_autoptr(GError) error = NULL;
  KbootPlan *plan = NULL;

  if (!kboot_layout_plan (req, &plan, &error))
    g_error ("unexpected planning failure: %s", error->message);
  g_assert_nonnull (plan);
  return plan;
}

static void
plan_fails (const KbootLayoutRequest *req, KbootLayoutError code,
            const char *message)
{
  g_autoptr(GError) error = NULL;
  KbootPlan *plan = NULL;

  g_assert_false (kboot_layout_plan (req, &plan, &error));
  g_assert_null (plan);
  g_assert_error (error, KBOOT_LAYOUT_ERROR, (gint) code);
  if (message)
    g_assert_cmpstr (error->message, ==, message);
}

static const KbootRegion *
region (const KbootPlan *plan, KbootRegionKind kind)
{
  const KbootRegion *r = kboot_plan_find_region (plan, kind);

  g_assert_nonnull (r);
  return r;
}

static char *
read_data (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "layout", name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, &error))
    g_error ("%s: %s", path, error->message);
  return text;
}

/* Compare with a golden file, or rewrite it when asked. */
static void
assert_golden (const char *name, const char *actual)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "layout", name, NULL);
  g_autofree char *expected = NULL;

  if (g_getenv ("XEN_KBOOT_TEST_REGENERATE"))
    {
      g_autoptr(GError) error = NULL;
      if (!g_file_set_contents (path, actual, -1, &error))
        g_error ("%s: %s", path, error->message);
      return;
    }
  expected = read_data (name);
  g_assert_cmpstr (actual, ==, expected);
}

/* ---- e820 cases from tests/layout/e820.txt ------------------------------ */

typedef struct {
  char *name;                  /* "xen-hvm/5120MiB/hole=1024" */
  KbootPlatformKind kind;
  KbootPlatformParams params;
  GArray *e820;                /* of KbootE820Entry */
} E820Case;

static void
e820_case_free (gpointer data)
{
  E820Case *c = data;

  g_free (c->name);
  g_array_unref (c->e820);
  g_free (c);
}

static guint64
parse_u64 (const char *s)
{
  char *end = NULL;
  guint64 v = g_ascii_strtoull (s, &end, 0);

  if (!end || *end)
    g_error ("e820.txt: bad number '%s'", s);
  return v;
}

static E820Case *
e820_case_header (const char *line)
{
  g_autofree char *inner = g_strndup (line + 1, strlen (line) - 2);
  g_auto(GStrv) words = g_strsplit_set (inner, " \t", -1);
  g_autoptr(GString) name = g_string_new (NULL);
  E820Case *c = g_new0 (E820Case, 1);
  guint n = 0;

  c->e820 = g_array_new (FALSE, FALSE, sizeof (KbootE820Entry));
  for (guint i = 0; words[i]; i++)
    {
      const char *w = words[i];

      if (!*w)
        continue;
      if (n == 0 && !kboot_platform_kind_from_string (w, &c->kind, NULL))
        g_error ("e820.txt: unknown platform in '%s'", line);
      else if (n == 1)
        c->params.ram_size = g_str_has_prefix (w, "0x") ? parse_u64 (w)
                                                        : parse_u64 (w) * MIB;
      else if (g_str_has_prefix (w, "hole="))
        c->params.mmio_hole = parse_u64 (w + 5) * MIB;
      else if (g_str_has_prefix (w, "bios="))
        c->params.bios_size = parse_u64 (w + 5) * KIB;
      else if (n > 1)
        g_error ("e820.txt: unknown word '%s' in '%s'", w, line);
      g_string_append_printf (name, "%s%s%s", n ? "/" : "", w,
                              n == 1 && !g_str_has_prefix (w, "0x") ? "MiB" : "");
      n++;
    }
  c->name = g_string_free (g_steal_pointer (&name), FALSE);
  return c;
}

static GPtrArray *
e820_cases_load (void)
{
  g_autofree char *text = read_data ("e820.txt");
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GPtrArray *cases = g_ptr_array_new_with_free_func (e820_case_free);
  E820Case *c = NULL;

  for (guint i = 0; lines[i]; i++)
    {
      g_autofree char *line = g_strstrip (g_strdup (lines[i]));
      g_auto(GStrv) words = NULL;
      KbootE820Entry e = { 0 };
      guint n = 0;

      if (!*line || line[0] == '#')
        continue;
      if (line[0] == '[')
        {
          c = e820_case_header (line);
          g_ptr_array_add (cases, c);
          continue;
        }
      if (!c)
        g_error ("e820.txt: an entry before the first [case]: '%s'", line);
      words = g_strsplit_set (line, " \t", -1);
      for (guint j = 0; words[j]; j++)
        if (*words[j])
          {
            if (n == 0)
              e.addr = parse_u64 (words[j]);
            else if (n == 1)
              e.size = parse_u64 (words[j]) - e.addr;
            else if (n == 2 && g_str_equal (words[j], "ram"))
              e.type = KBOOT_E820_RAM;
            else if (n == 2 && g_str_equal (words[j], "reserved"))
              e.type = KBOOT_E820_RESERVED;
            else
              g_error ("e820.txt: bad entry '%s'", line);
            n++;
          }
      if (n != 3)
        g_error ("e820.txt: bad entry '%s'", line);
      g_array_append_val (c->e820, e);
    }
  return cases;
}

static void
test_e820_case (gconstpointer data)
{
  const E820Case *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbootPlatform) p = kboot_platform_new (c->kind, &c->params, &error);
  g_autoptr(GArray) e820 = NULL;

  g_assert_no_error (error);
  e820 = kboot_platform_e820 (p, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < MAX (e820->len, c->e820->len); i++)
    {
      const KbootE820Entry *want = i < c->e820->len
        ? &g_array_index (c->e820, KbootE820Entry, i) : NULL;
      const KbootE820Entry *got = i < e820->len
        ? &g_array_index (e820, KbootE820Entry, i) : NULL;

      if (!want || !got || want->addr != got->addr || want->size != got->size
          || want->type != got->type)
        g_error ("%s: e820 entry %u: expected %#" G_GINT64_MODIFIER "x-%#"
                 G_GINT64_MODIFIER "x type %u, got %#" G_GINT64_MODIFIER "x-%#"
                 G_GINT64_MODIFIER "x type %u", c->name, i,
                 want ? want->addr : 0, want ? want->addr + want->size : 0,
                 want ? want->type : 0, got ? got->addr : 0,
                 got ? got->addr + got->size : 0, got ? got->type : 0);
    }
}

/* ---- platform maps ------------------------------------------------------ */

static void
test_platform_ranges (void)
{
  g_autoptr(KbootPlatform) xen = platform_new (KBOOT_PLATFORM_XEN_HVM, 5 * GIB);
  g_autoptr(KbootPlatform) qemu = platform_new (KBOOT_PLATFORM_QEMU_PC, 5 * GIB);

  /* Xen: the VGA hole is not populated, 0xc0000-0xfffff is firmware's. */
  g_assert_cmpint (kboot_platform_find (xen, 0xa0000)->type, ==, KBOOT_MEM_HOLE);
  g_assert_cmpint (kboot_platform_find (xen, 0xbffff)->type, ==, KBOOT_MEM_HOLE);
  g_assert_cmpint (kboot_platform_find (xen, 0xc0000)->type, ==, KBOOT_MEM_FIRMWARE);
  g_assert_cmpint (kboot_platform_find (xen, 0x9f800)->type, ==, KBOOT_MEM_FIRMWARE);
  g_assert_cmpint (kboot_platform_find (xen, 0xfeff0000)->type, ==, KBOOT_MEM_RESERVED);
  g_assert_cmpint (kboot_platform_find (xen, 0xf0000000)->type, ==, KBOOT_MEM_HOLE);
  g_assert_cmpuint (xen->lowmem_end, ==, 0xf0000000);
  g_assert_cmpuint (xen->highmem_end, ==, G_GUINT64_CONSTANT (0x150000000));
  g_assert_null (kboot_platform_find (xen, G_GUINT64_CONSTANT (0x150000000)));
  g_assert_true (kboot_platform_covers (xen, KBOOT_MEM_RAM, 0x100000, 0xf0000000));
  g_assert_false (kboot_platform_covers (xen, KBOOT_MEM_RAM, 0x9e000, 0xa0000));

  /* QEMU: 0xa0000-0xeffff nothing, the BIOS alias and the BIOS are ROM. */
  g_assert_cmpint (kboot_platform_find (qemu, 0x9f000)->type, ==, KBOOT_MEM_RAM);
  g_assert_cmpint (kboot_platform_find (qemu, 0xc0000)->type, ==, KBOOT_MEM_HOLE);
  g_assert_cmpint (kboot_platform_find (qemu, 0xf0000)->type, ==, KBOOT_MEM_FIRMWARE);
  g_assert_cmpint (kboot_platform_find (qemu, 0xffff0000)->type, ==, KBOOT_MEM_FIRMWARE);
  g_assert_cmpint (kboot_platform_find (qemu, 0xfee00000)->type, ==, KBOOT_MEM_HOLE);
  g_assert_cmpuint (qemu->lowmem_end, ==, 0xc0000000);
  g_assert_cmpuint (qemu->highmem_end, ==, G_GUINT64_CONSTANT (0x180000000));
}

static void
test_platform_ram_blocks (void)
{
  g_autoptr(KbootPlatform) qemu = platform_new (KBOOT_PLATFORM_QEMU_PC, 5 * GIB);
  g_autoptr(GArray) blocks = kboot_platform_ram_blocks (qemu);
  /* ram-below-4g: backend offset = address; ram-above-4g: from lowmem. */
  static const KbootGuestRamBlock want[] = {
    { 0x0, 0xa0000, 0x0 },
    { 0x100000, 0xbff00000, 0x100000 },
    { G_GUINT64_CONSTANT (0x100000000), 0x80000000, 0xc0000000 },
  };

  g_assert_cmpuint (blocks->len, ==, G_N_ELEMENTS (want));
  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    {
      const KbootGuestRamBlock *b = &g_array_index (blocks, KbootGuestRamBlock, i);
      g_assert_cmpuint (b->gpa, ==, want[i].gpa);
      g_assert_cmpuint (b->size, ==, want[i].size);
      g_assert_cmpuint (b->backing_offset, ==, want[i].backing_offset);
    }
  /* The blocks account for every byte of the RAM file. */
  g_assert_cmpuint (want[2].backing_offset + want[2].size, ==, 5 * GIB);
}

static void
test_platform_errors (void)
{
  static const struct {
    KbootPlatformKind kind;
    KbootPlatformParams params;
    KbootPlatformError code;
    const char *message;
  } cases[] = {
    { KBOOT_PLATFORM_XEN_HVM, { .ram_size = MIB }, KBOOT_PLATFORM_ERROR_RAM_SIZE,
      "xen-hvm: guest RAM of 0x100000 bytes (1.0 MiB) must be a multiple of 4 KiB "
      "between 2 MiB and 0x7fffffffffffffff (8796093022207 MiB)" },
    { KBOOT_PLATFORM_QEMU_PC, { .ram_size = 256 * MIB + 1 }, KBOOT_PLATFORM_ERROR_RAM_SIZE,
      "qemu-pc: guest RAM of 0x10000001 bytes (256.0 MiB) must be a multiple of "
      "4 KiB between 2 MiB and 0x8000000000 (524288 MiB)" },
    { KBOOT_PLATFORM_QEMU_PC, { .ram_size = 1024 * GIB }, KBOOT_PLATFORM_ERROR_RAM_SIZE, NULL },
    { KBOOT_PLATFORM_XEN_HVM, { .ram_size = GIB, .mmio_hole = 128 * MIB },
      KBOOT_PLATFORM_ERROR_MMIO_HOLE,
      "xen-hvm: mmio_hole of 0x8000000 bytes (128.0 MiB) must be a multiple of "
      "4 KiB between 256 MiB and 3840 MiB, as xl requires" },
    { KBOOT_PLATFORM_XEN_HVM, { .ram_size = GIB, .mmio_hole = 3841 * MIB },
      KBOOT_PLATFORM_ERROR_MMIO_HOLE, NULL },
    { KBOOT_PLATFORM_QEMU_PC, { .ram_size = GIB, .bios_size = 96 * KIB },
      KBOOT_PLATFORM_ERROR_BIOS_SIZE,
      "qemu-pc: a BIOS of 0x18000 bytes: QEMU wants a multiple of 64 KiB "
      "(and we at most 16 MiB)" },
    { KBOOT_PLATFORM_LAST, { .ram_size = GIB }, KBOOT_PLATFORM_ERROR_KIND, NULL },
    { (KbootPlatformKind) 7, { .ram_size = GIB }, KBOOT_PLATFORM_ERROR_KIND,
      "unknown platform 7" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KbootPlatform) p = kboot_platform_new (cases[i].kind, &cases[i].params, &error);

      g_assert_null (p);
      g_assert_error (error, KBOOT_PLATFORM_ERROR, (gint) cases[i].code);
      if (cases[i].message)
        g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
test_platform_names (void)
{
  g_autoptr(GError) error = NULL;
  KbootPlatformKind kind = KBOOT_PLATFORM_LAST;

  g_assert_true (kboot_platform_kind_from_string ("qemu-pc", &kind, NULL));
  g_assert_cmpint (kind, ==, KBOOT_PLATFORM_QEMU_PC);
  g_assert_cmpstr (kboot_platform_kind_to_string (KBOOT_PLATFORM_XEN_HVM), ==, "xen-hvm");
  g_assert_false (kboot_platform_kind_from_string ("pvh", &kind, &error));
  g_assert_error (error, KBOOT_PLATFORM_ERROR, KBOOT_PLATFORM_ERROR_KIND);
  g_assert_cmpstr (error->message, ==, "unknown platform 'pvh': expected xen-hvm or qemu-pc");
}

static void
test_platform_xen_mem (void)
{
  g_autoptr(GError) error = NULL;
  guint64 mem = 0;

  /* <memory unit='MiB'>1024</memory> with cirrus's 8 MiB of videoram. */
  g_assert_true (kboot_platform_xen_mem (1024 * 1024, 8 * 1024, &mem, &error));
  g_assert_cmpuint (mem, ==, 1016 * MIB);
  g_assert_false (kboot_platform_xen_mem (8 * 1024, 16 * 1024, &mem, &error));
  g_assert_error (error, KBOOT_PLATFORM_ERROR, KBOOT_PLATFORM_ERROR_MEMORY);
  g_assert_cmpstr (error->message, ==, "xen-hvm: maxmem of 8192 KiB minus videoram "
                   "of 16384 KiB leaves no valid RAM size");
}

static void
test_platform_xen_firmware (void)
{
  g_autoptr(GError) error = NULL;
  guint64 sizes[] = { 256 * KIB, 0, 0x1234 };
  KbootXenFirmwareLoad load = {
    .firmware_start = 0x100000, .firmware_end = 0x101800,
    .module_sizes = sizes, .n_modules = 3, .n_memmap = 2,
  };
  guint64 start = 0, end = 0;

  /* 56 + 2 * (32 + 1024) + 2 * 24 bytes: one page. */
  g_assert_cmpuint (kboot_platform_xen_start_info_size (2), ==, 2216);
  g_assert_cmpuint (kboot_platform_xen_start_info_size (128), ==, 5240);

  /* ELF 2 pages, 64 pages of module, none for the empty one, 2 pages for
   * 0x1234 bytes, 1 page of start_info. */
  g_assert_true (kboot_platform_xen_firmware_range (&load, &start, &end, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (start, ==, 0x100000);
  g_assert_cmpuint (end, ==, 0x100000 + 0x2000 + 0x40000 + 0x2000 + 0x1000);

  /* A memory map of 128 entries needs a second start_info page. */
  load.n_memmap = 128;
  g_assert_true (kboot_platform_xen_firmware_range (&load, &start, &end, &error));
  g_assert_cmpuint (end, ==, 0x100000 + 0x2000 + 0x40000 + 0x2000 + 0x2000);

  load.firmware_start = 0x100800;
  g_assert_false (kboot_platform_xen_firmware_range (&load, &start, &end, &error));
  g_assert_error (error, KBOOT_PLATFORM_ERROR, KBOOT_PLATFORM_ERROR_FIRMWARE);
  g_clear_error (&error);

  load.firmware_start = 0x100000;
  sizes[0] = G_MAXUINT64 - 0x1000;
  g_assert_false (kboot_platform_xen_firmware_range (&load, &start, &end, &error));
  g_assert_error (error, KBOOT_PLATFORM_ERROR, KBOOT_PLATFORM_ERROR_FIRMWARE);
}

/* ---- plans -------------------------------------------------------------- */

/* The usual case on both presets: exact placement and the golden table. */
static void
test_plan_xen_basic (void)
{
  g_autoptr(KbootPlatform) p = platform_new (KBOOT_PLATFORM_XEN_HVM, 256 * MIB);
  KbootImage image = image_debian ();
  KbootReservedRange fw = xen_firmware (0x1800, 256 * KIB);
  KbootLayoutRequest req = { &image, p, 16 * MIB, 30, &fw, 1 };
  g_autoptr(KbootPlan) plan = plan_ok (&req);
  g_autofree char *table = kboot_plan_to_table (plan);
  guint n = 0;
  const KbootE820Entry *e820 = kboot_plan_get_e820 (plan, &n);

  g_assert_cmpuint (fw.end, ==, 0x143000);
  g_assert_cmpuint (plan->handoff_addr, ==, 0x1000);
  g_assert_cmpuint (plan->boot_params_addr, ==, 0x2000);
  g_assert_cmpuint (plan->cmdline_addr, ==, 0x3000);
  g_assert_cmpuint (plan->cmdline_size, ==, 31);
  g_assert_cmpuint (plan->kernel_addr, ==, 0x200000);
  g_assert_cmpuint (plan->kernel_decompress, ==, 0x1000000);
  g_assert_cmpuint (plan->kernel_end, ==, 0x3e00000);
  /* As high as possible: the top 16 MiB of the 256. */
  g_assert_cmpuint (plan->initrd_addr, ==, 0xf000000);
  g_assert_cmpuint (region (plan, KBOOT_REGION_INITRD)->end, ==, 0x10000000);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpuint (e820[2].addr, ==, 0x100000);
  assert_golden ("plan-xen-hvm-256.txt", table);
}

static void
test_plan_qemu_basic (void)
{
  g_autoptr(KbootPlatform) p = platform_new (KBOOT_PLATFORM_QEMU_PC, 5 * GIB);
  KbootImage image = image_debian ();
  KbootLayoutRequest req = { &image, p, 64 * MIB, 0, NULL, 0 };
  g_autoptr(KbootPlan) plan = plan_ok (&req);
  g_autofree char *table = kboot_plan_to_table (plan);
  const KbootRegion *first = &g_array_index (plan->regions, KbootRegion, 0);

  /* The BIOS's stack page, then our pages; the BIOS in its ROM. */
  g_assert_cmpint (first->kind, ==, KBOOT_REGION_RESERVED);
  g_assert_cmpuint (first->end, ==, 0x1000);
  g_assert_cmpuint (plan->kernel_addr, ==, 0x200000);
  g_assert_cmpuint (plan->cmdline_size, ==, 1);
  /* initrd_addr_max 0x7fffffff: the top 64 MiB below 2 GiB. */
  g_assert_cmpuint (plan->initrd_addr, ==, 0x7c000000);
  assert_golden ("plan-qemu-pc-5120.txt", table);
}

/* ACPI tables: whole low pages after boot_params and the command line,
 * and exactly those pages ACPI in the e820 map, on both platforms; the
 * checker refuses them as RAM, or not whole pages, or too many for low
 * memory. */
static void
test_plan_acpi (void)
{
  static const KbootPlatformKind kinds[] = { KBOOT_PLATFORM_XEN_HVM,
                                             KBOOT_PLATFORM_QEMU_PC };

  for (gsize k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(KbootPlatform) p = platform_new (kinds[k], 256 * MIB);
      KbootImage image = image_debian ();
      KbootLayoutRequest req = { &image, p, 16 * MIB, 2000, NULL, 0, 3408 };
      g_autoptr(KbootPlan) plan = plan_ok (&req);
      const KbootRegion *acpi = region (plan, KBOOT_REGION_ACPI);
      const KbootRegion *cmdline = region (plan, KBOOT_REGION_CMDLINE);
      guint n = 0, found = 0;
      const KbootE820Entry *e820 = kboot_plan_get_e820 (plan, &n);
      g_autoptr(GError) error = NULL;
      KbootE820Entry *e;

      g_assert_cmpuint (acpi->start, ==, plan->acpi_addr);
      g_assert_cmpuint (plan->acpi_size, ==, KBOOT_PAGE_SIZE);
      g_assert_cmpuint (acpi->start % KBOOT_PAGE_SIZE, ==, 0);
      /* The tables follow the command line's page. */
      g_assert_cmpuint (acpi->start, ==, kboot_align_down (cmdline->end - 1, KBOOT_PAGE_SIZE)
                                         + KBOOT_PAGE_SIZE);
      g_assert_cmpuint (acpi->end, <=, KBOOT_LOW_DATA_END);
      for (guint i = 0; i < n; i++)
        if (e820[i].type == KBOOT_E820_ACPI)
          {
            found++;
            g_assert_cmpuint (e820[i].addr, ==, acpi->start);
            g_assert_cmpuint (e820[i].size, ==, KBOOT_PAGE_SIZE);
            /* RAM on both sides of it, as the map had it. */
            g_assert_cmpuint (i, >, 0);
            g_assert_cmpuint (e820[i - 1].type, ==, KBOOT_E820_RAM);
            g_assert_cmpuint (e820[i - 1].addr + e820[i - 1].size, ==, acpi->start);
            g_assert_cmpuint (e820[i + 1].type, ==, KBOOT_E820_RAM);
            g_assert_cmpuint (e820[i + 1].addr, ==, acpi->end);
          }
      g_assert_cmpuint (found, ==, 1);

      /* The checker: the tables' pages told to the kernel as RAM. */
      e = (KbootE820Entry *) (gpointer) plan->e820->data;
      for (guint i = 0; i < n; i++)
        if (e[i].type == KBOOT_E820_ACPI)
          e[i].type = KBOOT_E820_RAM;
      g_assert_false (kboot_plan_check (plan, p, &error));
      g_assert_error (error, KBOOT_LAYOUT_ERROR, KBOOT_LAYOUT_ERROR_E820);
      g_assert_nonnull (strstr (error->message, "is not ACPI in the e820 map"));
      g_clear_error (&error);
      for (guint i = 0; i < n; i++)
        if (e[i].addr == acpi->start)
          e[i].type = KBOOT_E820_ACPI;
      g_assert_true (kboot_plan_check (plan, p, &error));
      plan->acpi_size -= 1;
      g_assert_false (kboot_plan_check (plan, p, &error));
      g_assert_nonnull (strstr (error->message, "whole pages"));
    }

  {
    g_autoptr(KbootPlatform) p = platform_new (KBOOT_PLATFORM_QEMU_PC, 256 * MIB);
    KbootImage image = image_debian ();
    KbootLayoutRequest req = { &image, p, 0, 10, NULL, 0, 0x9f000 };

    plan_fails (&req, KBOOT_LAYOUT_ERROR_LOW_FIT,
                "ACPI tables of 651264 bytes: no room in free low memory "
                "[0x2000, 0x9f000)");
    /* Without tables: no region, no ACPI entry. */
    req.acpi_size = 0;
    {
      g_autoptr(KbootPlan) plan = plan_ok (&req);
      guint n = 0;
      const KbootE820Entry *e820 = kboot_plan_get_e820 (plan, &n);

      g_assert_null (kboot_plan_find_region (plan, KBOOT_REGION_ACPI));
      g_assert_cmpuint (plan->acpi_addr, ==, 0);
      for (guint i = 0; i < n; i++)
        g_assert_cmpuint (e820[i].type, !=, KBOOT_E820_ACPI);
    }
  }
}

/* Both presets at each size: a plan that passes the checker, with the
 * initrd at the top of what initrd_addr_max and low RAM allow. */
static void
test_plan_sizes (void)
{
  static const guint64 sizes[] = { 256 * MIB, 2 * GIB, 3584 * MIB, 5 * GIB, 16 * GIB };

  for (guint k = 0; k < KBOOT_PLATFORM_LAST; k++)
    for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
      {
        g_autoptr(KbootPlatform) p = platform_new ((KbootPlatformKind) k, sizes[i]);
        KbootImage image = image_debian ();
        KbootLayoutRequest req = { &image, p, 32 * MIB, 100, NULL, 0 };
        g_autoptr(KbootPlan) plan = NULL;
        guint64 top;

        image.hdr.initrd_addr_max = 0xffffffff;
        plan = plan_ok (&req);
        top = MIN (p->lowmem_end, FOUR_GIB);
        g_assert_cmpuint (plan->initrd_addr, ==, top - 32 * MIB);
        g_assert_true (kboot_plan_check (plan, p, NULL));
      }
}

/* The kernel at 0x200000 or the next address its alignment allows above
 * the Xen firmware's reservation; never below 0x200000. */
static void
test_plan_kernel_alignment (void)
{
  static const struct {
    guint64 alignment;          /* kernel_alignment and 1 << min_alignment */
    guint64 module;             /* the bios= module after a 6 KiB ELF */
    guint64 load;
  } cases[] = {
    { 0x200000, 256 * KIB, 0x200000 },     /* firmware ends at 0x143000 */
    { 0x200000, 2 * MIB, 0x400000 },       /* OVMF-sized: ends at 0x303000 */
    { 0x1000000, 256 * KIB, 0x1000000 },
    { 0x1000000, 2 * MIB, 0x1000000 },
    { 0x1000, 256 * KIB, 0x200000 },       /* never below 0x200000 */
    { 0x1000, 2 * MIB, 0x303000 },         /* right after the start_info */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(KbootPlatform) p = platform_new (KBOOT_PLATFORM_XEN_HVM, GIB);
      KbootImage image = image_debian ();
      KbootReservedRange fw = xen_firmware (0x1800, cases[i].module);
      KbootLayoutRequest req = { &image, p, 8 * MIB, 10, &fw, 1 };
      g_autoptr(KbootPlan) plan = NULL;
      guint64 end = 0;

      image.hdr.kernel_alignment = (guint32) cases[i].alignment;
      image.hdr.min_alignment = (guint8) g_bit_nth_lsf (cases[i].alignment, -1);
      image.alignment = cases[i].alignment;
      plan = plan_ok (&req);
      g_assert_cmpuint (plan->kernel_addr, ==, cases[i].load);
      g_assert_cmpuint (plan->kernel_addr, >=, fw.end);
      /* The image module's footprint rule gives the same end. */
      g_assert_true (kboot_image_footprint_end (&image, plan->kernel_addr, &end));
      g_assert_cmpuint (plan->kernel_end, ==, end);
    }
}

/* min_alignment below kernel_alignment: loaded at 2 MiB, the kernel moves
 * itself to a 16 MiB boundary to decompress. */
static void
test_plan_min_alignment (void)
{
  g_autoptr(KbootPlatform) p = platform_new (KBOOT_PLATFORM_XEN_HVM, GIB);
  KbootImage image = image_debian ();
  KbootLayoutRequest req = { &image, p, 0, 10, NULL, 0 };
  g_autoptr(KbootPlan) plan = NULL;

  image.hdr.kernel_alignment = 0x1000000;
  image.hdr.pref_address = 0x200000;
  image.alignment = 0x200000;
  plan = plan_ok (&req);
  g_assert_cmpuint (plan->kernel_addr, ==, 0x200000);
  g_assert_cmpuint (plan->kernel_decompress, ==, 0x1000000);
  g_assert_cmpuint (plan->kernel_end, ==, 0x1000000 + 0x2e00000);
}

/* pref_address above the load address: the kernel's region runs to
 * pref_address + init_size and the initrd stays out of it. */
static void
test_plan_pref_address (void)
{
  g_autoptr(KbootPlatform) p = platform_new (KBOOT_PLATFORM_XEN_HVM, 80 * MIB);
  KbootImage image = image_debian ();
  KbootReservedRange fw = xen_firmware (0x1800, 256 * KIB);
  KbootLayoutRequest req = { &image, p, 18 * MIB, 10, &fw, 1 };
  g_autoptr(KbootPlan) plan = plan_ok (&req);

  g_assert_cmpuint (plan->kernel_addr, ==, 0x200000);
  g_assert_cmpuint (plan->kernel_end, ==, 0x3e00000);
  /* 80 MiB - 18 MiB = 0x3e00000: exactly at the kernel's end. */
  g_assert_cmpuint (plan->initrd_addr, ==, 0x3e00000);

  /* One MiB more fits nowhere: not in the kernel's decompression range. */
  req.initrd_size = 19 * MIB;
  plan_fails (&req, KBOOT_LAYOUT_ERROR_INITRD_FIT,
              "initrd of 19.0 MiB (0x1300000) does not fit below initrd_addr_max "
              "0x7fffffff and the guest's 80 MiB of RAM");

  /* pref_address far above: the kernel's region reaches from the load
   * address to pref_address + init_size, and the initrd stays above. */
  {
    g_autoptr(KbootPlatform) big = platform_new (KBOOT_PLATFORM_XEN_HVM, 200 * MIB);
    g_autoptr(KbootPlan) far = NULL;

    image.hdr.pref_address = 0x8000000;
    req.platform = big;
    req.initrd_size = 0x1a00000;            /* 200 MiB - 0xae00000 */
    far = plan_ok (&req);
    g_assert_cmpuint (far->kernel_addr, ==, 0x200000);
    g_assert_cmpuint (far->kernel_decompress, ==, 0x8000000);
    g_assert_cmpuint (far->kernel_end, ==, 0xae00000);
    g_assert_cmpuint (far->initrd_addr, ==, 0xae00000);
    req.initrd_size += KBOOT_PAGE_SIZE;      /* would reach into the kernel */
    plan_fails (&req, KBOOT_LAYOUT_ERROR_INITRD_FIT, NULL);
  }
}

static void
test_plan_init_size (void)
{
  g_autoptr(KbootPlatform) p = platform_new (KBOOT_PLATFORM_XEN_HVM, 256 * MIB);
  KbootImage image = image_debian ();
  KbootLayoutRequest req = { &image, p, 0, 10, NULL, 0 };
  g_autoptr(KbootPlan) plan = NULL;

  /* 16 MiB + 240 MiB: exactly the guest's RAM. */
  image.hdr.init_size = 0xf000000;
  plan = plan_ok (&req);
  g_assert_cmpuint (plan->kernel_end, ==, 0x10000000);
  /* ... and then no room for an initrd: [1 MiB, 2 MiB) is all that is
   * left. */
  req.initrd_size = MIB;
  g_clear_pointer (&plan, kboot_plan_free);
  plan = plan_ok (&req);
  g_assert_cmpuint (plan->initrd_addr, ==, 0x100000);
  req.initrd_size = MIB + KBOOT_PAGE_SIZE;
  plan_fails (&req, KBOOT_LAYOUT_ERROR_INITRD_FIT,
              "initrd of 1.0 MiB (0x101000) does not fit below initrd_addr_max "
              "0x7fffffff and the guest's 256 MiB of RAM");

  /* One page more than fits. */
  req.initrd_size = 0;
  image.hdr.init_size = 0xf001000;
  plan_fails (&req, KBOOT_LAYOUT_ERROR_KERNEL_FIT,
              "kernel needs [0x200000, 0x10001000) (254.0 MiB: 0x7a0000 bytes, "
              "init_size 0xf001000, pref_address 0x1000000, alignment 0x200000) "
              "but the guest's free low RAM ends at 0x10000000 (256.0 MiB)");
}

static void
test_plan_initrd_too_large (void)
{
  g_autoptr(KbootPlatform) p = platform_new (KBOOT_PLATFORM_XEN_HVM, 256 * MIB);
  KbootImage image = image_debian ();
  KbootLayoutRequest req = { &image, p, 300 * MIB, 10, NULL, 0 };

  image.hdr.initrd_addr_max = 0x37ffffff;
  plan_fails (&req, KBOOT_LAYOUT_ERROR_INITRD_FIT,
              "initrd of 300.0 MiB (0x12c00000) does not fit below initrd_addr_max "
              "0x37ffffff and the guest's 256 MiB of RAM");
}

/* A large initrd on a 5 GiB guest with initrd_addr_max 896 MiB: above
 * 4 GiB only with XLF_CAN_BE_LOADED_ABOVE_4G. */
static void
test_plan_initrd_above_4g (void)
{
  g_autoptr(KbootPlatform) p = platform_new (KBOOT_PLATFORM_XEN_HVM, 5 * GIB);
  KbootImage image = image_debian ();
  KbootLayoutRequest req = { &image, p, GIB, 10, NULL, 0 };
  g_autoptr(KbootPlan) plan = NULL;

  image.hdr.initrd_addr_max = 0x37ffffff;
  plan = plan_ok (&req);
  /* The top of RAM above 4 GiB, which ends at 0x150000000. */
  g_assert_cmpuint (plan->initrd_addr, ==, G_GUINT64_CONSTANT (0x110000000));
  g_assert_true (plan->initrd_above_4g);

  /* A smaller one still goes below, under initrd_addr_max. */
  req.initrd_size = 64 * MIB;
  g_clear_pointer (&plan, kboot_plan_free);
  plan = plan_ok (&req);
  g_assert_cmpuint (plan->initrd_addr, ==, 0x38000000 - 64 * MIB);

  /* Without the flag. */
  req.initrd_size = GIB;
  image.hdr.xloadflags = KBOOT_XLF_KERNEL_64;
  plan_fails (&req, KBOOT_LAYOUT_ERROR_INITRD_FIT,
              "initrd of 1024.0 MiB (0x40000000) does not fit below initrd_addr_max "
              "0x37ffffff and the guest's 5120 MiB of RAM (it would fit above "
              "4 GiB, but the kernel does not set XLF_CAN_BE_LOADED_ABOVE_4G)");

  /* With the flag but too large for the 1.25 GiB above 4 GiB too. */
  image.hdr.xloadflags = KBOOT_XLF_KERNEL_64 | KBOOT_XLF_CAN_BE_LOADED_ABOVE_4G;
  req.initrd_size = 2 * GIB;
  plan_fails (&req, KBOOT_LAYOUT_ERROR_INITRD_FIT,
              "initrd of 2048.0 MiB (0x80000000) does not fit below initrd_addr_max "
              "0x37ffffff and the guest's 5120 MiB of RAM nor in its RAM above 4 GiB");
}

static void
test_plan_cmdline_limit (void)
{
  g_autoptr(KbootPlatform) p = platform_new (KBOOT_PLATFORM_QEMU_PC, 256 * MIB);
  KbootImage image = image_debian ();
  KbootLayoutRequest req = { &image, p, 0, 2047, NULL, 0 };
  g_autoptr(KbootPlan) plan = plan_ok (&req);

  /* cmdline_size excludes the NUL: 2047 characters + NUL is allowed. */
  g_assert_cmpuint (plan->cmdline_size, ==, 2048);
  req.cmdline_len = 2048;
  plan_fails (&req, KBOOT_LAYOUT_ERROR_CMDLINE,
              "command line of 2048 bytes is longer than the kernel's cmdline_size "
              "of 2047 bytes (the limit without its terminating NUL)");

  /* A kernel that allows a huge command line: refused for want of room. */
  image.hdr.cmdline_size = 0xffffffff;
  req.cmdline_len = 0x9d000;
  plan_fails (&req, KBOOT_LAYOUT_ERROR_LOW_FIT,
              "command line of 643072 bytes: no room in free low memory "
              "[0x2000, 0x9f000)");
  req.cmdline_len = 0x9b000 - 1;     /* [0x3000, 0x9e000): fits */
  g_clear_pointer (&plan, kboot_plan_free);
  plan = plan_ok (&req);
  g_assert_cmpuint (plan->cmdline_addr, ==, 0x3000);
}

static void
test_plan_overflow (void)
{
  g_autoptr(KbootPlatform) p = platform_new (KBOOT_PLATFORM_XEN_HVM, GIB);
  KbootImage image = image_debian ();
  KbootLayoutRequest req = { &image, p, 0, 10, NULL, 0 };

  /* init_size near 2^32: no overflow in 64 bits, just no room. */
  image.hdr.init_size = 0xffffffff;
  plan_fails (&req, KBOOT_LAYOUT_ERROR_KERNEL_FIT, NULL);

  /* pref_address near 2^64. */
  image.hdr.init_size = 0x2e00000;
  image.hdr.pref_address = G_GUINT64_CONSTANT (0xfffffffffffff000);
  plan_fails (&req, KBOOT_LAYOUT_ERROR_OVERFLOW,
              "kernel at 0x200000: decompression at max(align_up(0x200000, "
              "0x200000), pref_address 0xfffffffffffff000) + init_size 0x2e00000 "
              "runs past 2^64");

  /* A file size near 2^64. */
  image.hdr.pref_address = 0x1000000;
  image.pm_size = G_MAXUINT64 - 0x100000;
  plan_fails (&req, KBOOT_LAYOUT_ERROR_OVERFLOW,
              "kernel at 0x200000: its size 0xffffffffffefffff runs past 2^64");

  /* An initrd near 2^64: no room, no wrap. */
  image.pm_size = 0x7a0000;
  req.initrd_size = G_MAXUINT64 - 0x800;
  plan_fails (&req, KBOOT_LAYOUT_ERROR_INITRD_FIT, NULL);

  /* A command line length near 2^64 is longer than any cmdline_size. */
  req.initrd_size = 0;
  req.cmdline_len = G_MAXUINT64;
  plan_fails (&req, KBOOT_LAYOUT_ERROR_CMDLINE, NULL);
}

static void
test_plan_bad_requests (void)
{
  g_autoptr(KbootPlatform) p = platform_new (KBOOT_PLATFORM_XEN_HVM, GIB);
  KbootImage image = image_debian ();
  KbootReservedRange hole = { 0xf0000000, 0xf1000000, "a module in the MMIO hole" };
  KbootLayoutRequest req = { NULL, p, 0, 10, NULL, 0 };

  plan_fails (&req, KBOOT_LAYOUT_ERROR_INVALID, NULL);
  req.image = &image;
  image.relocatable = FALSE;
  plan_fails (&req, KBOOT_LAYOUT_ERROR_KERNEL,
              "the kernel is not relocatable: it cannot be placed at 0x200000, "
              "above the firmware");
  image.relocatable = TRUE;
  image.alignment = 0x300000;
  plan_fails (&req, KBOOT_LAYOUT_ERROR_KERNEL, NULL);
  image.alignment = 0x200000;
  req.reserved = &hole;
  req.n_reserved = 1;
  plan_fails (&req, KBOOT_LAYOUT_ERROR_RESERVED,
              "a module in the MMIO hole [0xf0000000, 0xf1000000) is not inside "
              "the guest's RAM");
}

/* A firmware reservation that leaves no room for the kernel. */
static void
test_plan_kernel_no_room (void)
{
  g_autoptr(KbootPlatform) p = platform_new (KBOOT_PLATFORM_XEN_HVM, 16 * MIB);
  KbootImage image = image_debian ();
  KbootReservedRange fw = { 0x100000, 0x1000000, "xen firmware" };
  KbootLayoutRequest req = { &image, p, 0, 10, &fw, 1 };

  image.hdr.pref_address = 0;
  image.hdr.init_size = 0x400000;
  plan_fails (&req, KBOOT_LAYOUT_ERROR_KERNEL_FIT,
              "no free RAM at or above 0x200000 for the kernel: the guest's low "
              "RAM ends at 0x1000000 (16.0 MiB)");
}

/* The plan as JSON, read back with json-glib's parser: the facts under
 * their keys, and the text ends in a newline. */
static JsonObject *
plan_json_object (const KbootPlan *plan, JsonParser *parser)
{
  g_autoptr(JsonBuilder) json = json_builder_new ();
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  kboot_plan_to_json (plan, json, NULL);
  text = kboot_json_to_text (json);
  g_assert_true (g_str_has_suffix (text, "}\n"));
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

/* Whether some object of the array @key of @obj has @member = @value. */
static gboolean
plan_json_has (JsonObject *obj, const char *key, const char *member, const char *value)
{
  JsonArray *array = json_object_get_array_member (obj, key);

  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (array, i),
                                                  member), value) == 0)
      return TRUE;
  return FALSE;
}

static void
test_plan_json (void)
{
  g_autoptr(KbootPlatform) p = platform_new (KBOOT_PLATFORM_XEN_HVM, 256 * MIB);
  KbootImage image = image_debian ();
  KbootLayoutRequest req = { &image, p, 0, 10, NULL, 0 };
  g_autoptr(KbootPlan) plan = plan_ok (&req);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *obj = plan_json_object (plan, parser);

  g_assert_cmpstr (json_object_get_string_member (obj, "platform"), ==, "xen-hvm");
  g_assert_cmpint (json_object_get_int_member (obj, "kernel_addr"), ==, 2097152);
  g_assert_true (json_object_get_null_member (obj, "initrd_addr"));
  g_assert_true (json_object_get_null_member (obj, "acpi_addr"));
  g_assert_true (plan_json_has (obj, "regions", "kind", "handoff"));
  g_assert_true (plan_json_has (obj, "e820", "type_name", "reserved"));

  /* With tables: their address, their region, ACPI in the e820. */
  {
    g_autoptr(JsonParser) with = json_parser_new ();
    g_autoptr(KbootPlan) acpi = NULL;

    req.acpi_size = 2000;
    acpi = plan_ok (&req);
    obj = plan_json_object (acpi, with);
    g_assert_cmpint (json_object_get_int_member (obj, "acpi_addr"), ==, (gint64) acpi->acpi_addr);
    g_assert_true (plan_json_has (obj, "regions", "kind", "acpi"));
    g_assert_true (plan_json_has (obj, "e820", "type_name", "ACPI"));
  }
}

/* ---- the checker, given bad plans --------------------------------------- */

/* A good plan on xen-hvm 256 MiB, built by hand. */
static KbootPlan *
hand_plan (const KbootPlatform *p)
{
  g_autoptr(GError) error = NULL;
  KbootPlan *plan = kboot_plan_new (p, &error);

  g_assert_no_error (error);
  plan->kernel_alignment = 0x200000;
  plan->initrd_limit = 0x80000000;
  plan->handoff_addr = 0x1000;
  plan->boot_params_addr = 0x2000;
  plan->cmdline_addr = 0x3000;
  plan->cmdline_size = 0x100;
  plan->kernel_addr = 0x200000;
  plan->kernel_end = 0x3e00000;
  plan->initrd_addr = 0x8000000;
  plan->initrd_size = 0x1000000;
  kboot_plan_add_region (plan, KBOOT_REGION_HANDOFF, 0x1000, 0x2000, "handoff block");
  kboot_plan_add_region (plan, KBOOT_REGION_BOOT_PARAMS, 0x2000, 0x3000, "boot_params");
  kboot_plan_add_region (plan, KBOOT_REGION_CMDLINE, 0x3000, 0x3100, "command line");
  kboot_plan_add_region (plan, KBOOT_REGION_KERNEL, 0x200000, 0x3e00000, "kernel");
  kboot_plan_add_region (plan, KBOOT_REGION_INITRD, 0x8000000, 0x9000000, "initrd");
  return plan;
}

static KbootRegion *
hand_region (KbootPlan *plan, KbootRegionKind kind)
{
  return (KbootRegion *) region (plan, kind);
}

static void
check_fails (const KbootPlan *plan, const KbootPlatform *p, KbootLayoutError code,
             const char *message)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (kboot_plan_check (plan, p, &error));
  g_assert_error (error, KBOOT_LAYOUT_ERROR, (gint) code);
  if (message)
    g_assert_cmpstr (error->message, ==, message);
}

static void
test_check_good (void)
{
  g_autoptr(KbootPlatform) p = platform_new (KBOOT_PLATFORM_XEN_HVM, 256 * MIB);
  g_autoptr(KbootPlan) plan = hand_plan (p);
  g_autoptr(GError) error = NULL;

  g_assert_true (kboot_plan_check (plan, p, &error));
  g_assert_no_error (error);
}

static void
test_check_overlap (void)
{
  g_autoptr(KbootPlatform) p = platform_new (KBOOT_PLATFORM_XEN_HVM, 256 * MIB);
  g_autoptr(KbootPlan) plan = hand_plan (p);
  KbootRegion *initrd = hand_region (plan, KBOOT_REGION_INITRD);

  /* The initrd inside the kernel's decompression range. */
  initrd->start = plan->initrd_addr = 0x3000000;
  initrd->end = 0x4000000;
  check_fails (plan, p, KBOOT_LAYOUT_ERROR_OVERLAP,
               "initrd [0x3000000, 0x4000000) (16.0 MiB at 48.0 MiB) overlaps "
               "kernel [0x200000, 0x3e00000) (60.0 MiB at 2.0 MiB)");

  /* Two small regions inside a large one: the later still collides. */
  initrd->start = plan->initrd_addr = 0x8000000;
  initrd->end = 0x9000000;
  kboot_plan_add_region (plan, KBOOT_REGION_RESERVED, 0x100000, 0x4000000, "firmware");
  check_fails (plan, p, KBOOT_LAYOUT_ERROR_OVERLAP,
               "kernel [0x200000, 0x3e00000) (60.0 MiB at 2.0 MiB) overlaps "
               "firmware [0x100000, 0x4000000) (63.0 MiB at 1.0 MiB)");
}

static void
test_check_outside (void)
{
  g_autoptr(KbootPlatform) p = platform_new (KBOOT_PLATFORM_XEN_HVM, 256 * MIB);
  g_autoptr(KbootPlatform) q = platform_new (KBOOT_PLATFORM_QEMU_PC, 256 * MIB);
  g_autoptr(KbootPlan) plan = hand_plan (p);
  g_autoptr(KbootPlan) qplan = hand_plan (q);
  KbootRegion *initrd = hand_region (plan, KBOOT_REGION_INITRD);
  KbootRegion *bp = hand_region (plan, KBOOT_REGION_BOOT_PARAMS);

  /* Past the end of RAM, into the MMIO hole. */
  initrd->start = plan->initrd_addr = 0xf800000;
  initrd->end = 0x10800000;
  check_fails (plan, p, KBOOT_LAYOUT_ERROR_OUTSIDE,
               "initrd [0xf800000, 0x10800000) (16.0 MiB at 248.0 MiB) is not "
               "inside the guest's ram: 0x10000000 is hole (MMIO hole, not populated)");
  initrd->start = plan->initrd_addr = 0x8000000;
  initrd->end = 0x9000000;

  /* boot_params in the VGA hole. */
  bp->start = plan->boot_params_addr = 0xa0000;
  bp->end = 0xa1000;
  check_fails (plan, p, KBOOT_LAYOUT_ERROR_OUTSIDE,
               "boot_params [0xa0000, 0xa1000) (0.0 MiB at 0.6 MiB) is not inside "
               "the guest's ram: 0xa0000 is hole (VGA hole, not populated)");
  /* ... and on the hvm_info page, which is populated but firmware's. */
  bp->start = plan->boot_params_addr = 0x9f000;
  bp->end = 0xa0000;
  check_fails (plan, p, KBOOT_LAYOUT_ERROR_OUTSIDE, NULL);

  /* The firmware kind must be in ROM, not RAM, on QEMU. */
  kboot_plan_add_region (qplan, KBOOT_REGION_FIRMWARE, 0xe0000, 0xf0000, "BIOS");
  check_fails (qplan, q, KBOOT_LAYOUT_ERROR_OUTSIDE,
               "BIOS [0xe0000, 0xf0000) (0.1 MiB at 0.9 MiB) is not inside the "
               "guest's firmware: 0xe0000 is hole (VGA window and option ROMs "
               "(SMRAM, PAM: not RAM))");

  /* Beyond every range. */
  initrd->start = plan->initrd_addr = G_GUINT64_CONSTANT (0x200000000);
  initrd->end = G_GUINT64_CONSTANT (0x201000000);
  check_fails (plan, p, KBOOT_LAYOUT_ERROR_OUTSIDE, NULL);
}

static void
test_check_rules (void)
{
  g_autoptr(KbootPlatform) p = platform_new (KBOOT_PLATFORM_XEN_HVM, 5 * GIB);
  g_autoptr(KbootPlatform) q = platform_new (KBOOT_PLATFORM_QEMU_PC, 5 * GIB);
  g_autoptr(KbootPlan) plan = hand_plan (p);
  KbootRegion *kernel = hand_region (plan, KBOOT_REGION_KERNEL);
  KbootRegion *initrd = hand_region (plan, KBOOT_REGION_INITRD);
  KbootRegion *cmdline = hand_region (plan, KBOOT_REGION_CMDLINE);
  KbootRegion *handoff = hand_region (plan, KBOOT_REGION_HANDOFF);

  g_assert_true (kboot_plan_check (plan, p, NULL));
  check_fails (plan, q, KBOOT_LAYOUT_ERROR_RULE,
               "a xen-hvm plan checked against the qemu-pc memory map");

  /* A misaligned kernel, and one below 0x200000. */
  kernel->start = plan->kernel_addr = 0x300000;
  check_fails (plan, p, KBOOT_LAYOUT_ERROR_RULE,
               "kernel [0x300000, 0x3e00000) (59.0 MiB at 3.0 MiB) is not at an "
               "address aligned to 0x200000 at or above 0x200000 with its end "
               "below 4 GiB");
  kernel->start = plan->kernel_addr = 0x100000;
  check_fails (plan, p, KBOOT_LAYOUT_ERROR_RULE, NULL);
  kernel->start = plan->kernel_addr = 0x200000;

  /* The plan's address must be the region's. */
  plan->kernel_addr = 0x400000;
  check_fails (plan, p, KBOOT_LAYOUT_ERROR_RULE,
               "kernel [0x200000, 0x3e00000) (60.0 MiB at 2.0 MiB) does not start "
               "at the plan's address 0x400000");
  plan->kernel_addr = 0x200000;

  /* The command line above the low-memory limit. */
  cmdline->start = plan->cmdline_addr = 0x9e000;
  cmdline->end = 0x9e100;
  g_assert_true (kboot_plan_check (plan, p, NULL));
  cmdline->start = plan->cmdline_addr = 0x9ef80;
  cmdline->end = 0x9f080;
  check_fails (plan, p, KBOOT_LAYOUT_ERROR_OUTSIDE, NULL);
  cmdline->start = plan->cmdline_addr = 0x100000;
  cmdline->end = 0x100100;
  check_fails (plan, p, KBOOT_LAYOUT_ERROR_RULE,
               "command line [0x100000, 0x100100) (0.0 MiB at 1.0 MiB) is not in "
               "low memory [0x2000, 0x9f000)");
  cmdline->start = plan->cmdline_addr = 0x3000;
  cmdline->end = 0x3100;

  /* The initrd: misaligned; above initrd_addr_max; above 4 GiB. */
  initrd->start = plan->initrd_addr = 0x8000800;
  check_fails (plan, p, KBOOT_LAYOUT_ERROR_RULE, NULL);
  initrd->start = plan->initrd_addr = 0x80000000;
  initrd->end = 0x81000000;
  check_fails (plan, p, KBOOT_LAYOUT_ERROR_RULE,
               "initrd [0x80000000, 0x81000000) (16.0 MiB at 2048.0 MiB) ends above "
               "initrd_addr_max 0x7fffffff and the kernel does not set "
               "XLF_CAN_BE_LOADED_ABOVE_4G");
  initrd->start = plan->initrd_addr = G_GUINT64_CONSTANT (0x100000000);
  initrd->end = G_GUINT64_CONSTANT (0x101000000);
  check_fails (plan, p, KBOOT_LAYOUT_ERROR_RULE, NULL);
  plan->initrd_above_4g = TRUE;
  g_assert_true (kboot_plan_check (plan, p, NULL));

  /* The handoff block must be the page the firmware reads. */
  handoff->start = plan->handoff_addr = 0x4000;
  handoff->end = 0x5000;
  check_fails (plan, p, KBOOT_LAYOUT_ERROR_RULE,
               "handoff block [0x4000, 0x5000) (0.0 MiB at 0.0 MiB) is not the "
               "page at 0x1000 the firmware reads");
  handoff->start = plan->handoff_addr = 0x1000;
  handoff->end = 0x2000;

  /* Two kernels; an empty region. */
  kboot_plan_add_region (plan, KBOOT_REGION_KERNEL, 0x8000000, 0x9000000, "kernel 2");
  check_fails (plan, p, KBOOT_LAYOUT_ERROR_RULE,
               "the plan has 2 kernel regions, exactly one needed");
  g_array_set_size (plan->regions, plan->regions->len - 1);
  kboot_plan_add_region (plan, KBOOT_REGION_RESERVED, 0x8000000, 0x8000000, "nothing");
  check_fails (plan, p, KBOOT_LAYOUT_ERROR_RULE,
               "nothing [0x8000000, 0x8000000) is empty or reversed");
}

static void
test_check_e820 (void)
{
  g_autoptr(KbootPlatform) p = platform_new (KBOOT_PLATFORM_XEN_HVM, 256 * MIB);
  g_autoptr(KbootPlan) plan = hand_plan (p);
  KbootE820Entry *e = &g_array_index (plan->e820, KbootE820Entry, 0);
  KbootE820Entry one = { 0x100000, 0x1000, KBOOT_E820_RAM };

  /* Overlapping / unsorted. */
  e[1].addr = 0x9e000;
  check_fails (plan, p, KBOOT_LAYOUT_ERROR_E820,
               "e820 entry 1 at 0x9e000 starts below the end 0x9f000 of the one "
               "before: not sorted, or overlapping");
  e[1].addr = 0x9f000;
  e[1].size = 0;
  check_fails (plan, p, KBOOT_LAYOUT_ERROR_E820, NULL);
  e[1].size = 0x61000;
  g_assert_true (kboot_plan_check (plan, p, NULL));

  /* Too many. */
  g_array_set_size (plan->e820, 0);
  for (guint i = 0; i < 129; i++)
    {
      g_array_append_val (plan->e820, one);
      one.addr += 0x2000;
    }
  check_fails (plan, p, KBOOT_LAYOUT_ERROR_E820,
               "129 e820 entries, at most 128 fit in boot_params");
}

int
main (int argc, char **argv)
{
  g_autoptr(GPtrArray) e820_cases = NULL;

  g_test_init (&argc, &argv, NULL);

  e820_cases = e820_cases_load ();
  for (guint i = 0; i < e820_cases->len; i++)
    {
      const E820Case *c = g_ptr_array_index (e820_cases, i);
      g_autofree char *path = g_strdup_printf ("/kboot/platform/e820/%s", c->name);
      g_test_add_data_func (path, c, test_e820_case);
    }
  g_test_add_func ("/kboot/platform/ranges", test_platform_ranges);
  g_test_add_func ("/kboot/platform/ram-blocks", test_platform_ram_blocks);
  g_test_add_func ("/kboot/platform/errors", test_platform_errors);
  g_test_add_func ("/kboot/platform/names", test_platform_names);
  g_test_add_func ("/kboot/platform/xen-mem", test_platform_xen_mem);
  g_test_add_func ("/kboot/platform/xen-firmware", test_platform_xen_firmware);

  g_test_add_func ("/kboot/layout/xen-hvm-basic", test_plan_xen_basic);
  g_test_add_func ("/kboot/layout/qemu-pc-basic", test_plan_qemu_basic);
  g_test_add_func ("/kboot/layout/acpi", test_plan_acpi);
  g_test_add_func ("/kboot/layout/sizes", test_plan_sizes);
  g_test_add_func ("/kboot/layout/kernel-alignment", test_plan_kernel_alignment);
  g_test_add_func ("/kboot/layout/min-alignment", test_plan_min_alignment);
  g_test_add_func ("/kboot/layout/pref-address", test_plan_pref_address);
  g_test_add_func ("/kboot/layout/init-size", test_plan_init_size);
  g_test_add_func ("/kboot/layout/initrd-too-large", test_plan_initrd_too_large);
  g_test_add_func ("/kboot/layout/initrd-above-4g", test_plan_initrd_above_4g);
  g_test_add_func ("/kboot/layout/cmdline-limit", test_plan_cmdline_limit);
  g_test_add_func ("/kboot/layout/overflow", test_plan_overflow);
  g_test_add_func ("/kboot/layout/bad-requests", test_plan_bad_requests);
  g_test_add_func ("/kboot/layout/kernel-no-room", test_plan_kernel_no_room);
  g_test_add_func ("/kboot/layout/json", test_plan_json);

  g_test_add_func ("/kboot/layout/check/good", test_check_good);
  g_test_add_func ("/kboot/layout/check/overlap", test_check_overlap);
  g_test_add_func ("/kboot/layout/check/outside", test_check_outside);
  g_test_add_func ("/kboot/layout/check/rules", test_check_rules);
  g_test_add_func ("/kboot/layout/check/e820", test_check_e820);

  return g_test_run ();
}
