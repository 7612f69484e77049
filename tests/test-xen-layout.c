/* Unit tests of reading back what Xen's HVM builder wrote
 * (src/kboot_layout_xen.c) and of the firmware ELF's load range
 * (src/kboot_layout_firmware.c).  The tables are written here byte by byte
 * from Xen's public headers (hvm_info_table.h, arch-x86/hvm/start_info.h),
 * not with our parser's constants, so a wrong offset shows. */
#include "config.h"

#include <string.h>

#include "kboot_layout_firmware.h"
#include "kboot_util_file.h"
#include "kboot_util.h"
#include "kboot_layout_xen.h"

#define MIB G_GUINT64_CONSTANT (0x100000)
#define GIB G_GUINT64_CONSTANT (0x40000000)
#define FOUR_GIB G_GUINT64_CONSTANT (0x100000000)

static void
put32 (guint8 *p, guint32 v)
{
  kboot_le_put (p, 4, v);
}

static void
put64 (guint8 *p, guint64 v)
{
  kboot_le_put (p, 8, v);
}

static KbootPlatform *
xen_platform (guint64 ram)
{
  KbootPlatformParams params = { .ram_size = ram };
  g_autoptr(GError) error = NULL;
  KbootPlatform *p = kboot_platform_new (KBOOT_PLATFORM_XEN_HVM, &params, &error);

  g_assert_no_error (error);
  return p;
}

/* ---- hvm_info_table ------------------------------------------------------ */

/* struct hvm_info_table: signature[8], length u32 @8, checksum u8 @12,
 * apic_mode u8 @13, nr_vcpus u32 @16, low_mem_pgend @20,
 * reserved_mem_pgstart @24, high_mem_pgend @28, vcpu_online[16] @32. */
static void
hvm_info_build (guint8 *buf, gsize len, guint32 low_pgend, guint32 high_pgend)
{
  guint8 sum = 0;

  memset (buf, 0, len);
  memcpy (buf, "HVM INFO", 8);
  put32 (buf + 8, 48);
  put32 (buf + 16, 2);
  put32 (buf + 20, low_pgend);
  put32 (buf + 24, 0xfeff0);
  put32 (buf + 28, high_pgend);
  buf[32] = 0x3;
  for (int i = 0; i < 48; i++)
    sum = (guint8) (sum + buf[i]);
  buf[12] = (guint8) -sum;
}

static void
test_hvm_info_good (void)
{
  guint8 buf[0x800];
  g_autoptr(GError) error = NULL;
  KbootXenHvmInfo info;

  hvm_info_build (buf, sizeof buf, 0xf0000, 0x150000);
  g_assert_true (kboot_xen_hvm_info_parse (buf, sizeof buf, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.nr_vcpus, ==, 2);
  g_assert_cmpuint (info.low_mem_end, ==, 0xf0000000);
  g_assert_cmpuint (info.reserved_mem_start, ==, 0xfeff0000);
  g_assert_cmpuint (info.high_mem_end, ==, 0x150000000);
  g_assert_cmphex (info.vcpu_online[0], ==, 0x3);
  g_assert_cmphex (info.vcpu_online[15], ==, 0);
}

typedef struct {
  const char *name;
  void (*spoil) (guint8 *buf);
  gsize len;
  const char *message;
} HvmInfoBad;

static void spoil_signature (guint8 *b) { b[0] = 'X'; }
static void spoil_checksum (guint8 *b) { b[20] ^= 1; }
static void spoil_length_small (guint8 *b) { put32 (b + 8, 40); }
static void spoil_length_large (guint8 *b) { put32 (b + 8, 0x900); }
/* A count with its checksum kept right: only the range check catches it. */
static void
spoil_vcpus (guint8 *b, guint32 n)
{
  guint8 old = 0, now = 0;

  for (int i = 16; i < 20; i++)
    old = (guint8) (old + b[i]);
  put32 (b + 16, n);
  for (int i = 16; i < 20; i++)
    now = (guint8) (now + b[i]);
  b[12] = (guint8) (b[12] + old - now);
}
static void spoil_vcpus_none (guint8 *b) { spoil_vcpus (b, 0); }
static void spoil_vcpus_many (guint8 *b) { spoil_vcpus (b, 129); }

static const HvmInfoBad hvm_info_bad[] = {
  { "signature", spoil_signature, 0x800, "signature \"HVM INFO\" missing" },
  { "checksum", spoil_checksum, 0x800, "checksum is wrong" },
  { "length-small", spoil_length_small, 0x800, "length 40 is outside [48, 2048]" },
  { "length-large", spoil_length_large, 0x800, "length 2304 is outside [48, 2048]" },
  { "truncated", NULL, 47, "signature \"HVM INFO\" missing" },
  { "no-vcpus", spoil_vcpus_none, 0x800, "nr_vcpus 0 is outside [1, 128]" },
  { "129-vcpus", spoil_vcpus_many, 0x800, "nr_vcpus 129 is outside [1, 128]" },
};

static void
test_hvm_info_bad (gconstpointer data)
{
  const HvmInfoBad *c = data;
  guint8 buf[0x800];
  g_autoptr(GError) error = NULL;
  KbootXenHvmInfo info;

  hvm_info_build (buf, sizeof buf, 0x10000, 0);
  if (c->spoil)
    c->spoil (buf);
  g_assert_false (kboot_xen_hvm_info_parse (buf, c->len, &info, &error));
  g_assert_error (error, KBOOT_XEN_LAYOUT_ERROR, KBOOT_XEN_LAYOUT_ERROR_HVM_INFO);
  g_assert_nonnull (strstr (error->message, c->message));
}

/* The map xen-kboot plans on must be the one Xen built: 256 MiB less
 * 8 MiB of video RAM is all below 4 GiB; 5 GiB is split at the default
 * 256 MiB MMIO hole. */
static void
test_hvm_info_check (void)
{
  g_autoptr(KbootPlatform) small = xen_platform (248 * MIB);
  g_autoptr(KbootPlatform) big = xen_platform (5 * GIB);
  KbootXenHvmInfo info = { 1, 248 * MIB, 0xfeff0000, 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (kboot_xen_hvm_info_check (&info, small, &error));
  g_assert_no_error (error);
  info.low_mem_end = 0xf0000000;
  info.high_mem_end = FOUR_GIB + 5 * GIB - 0xf0000000;
  g_assert_true (kboot_xen_hvm_info_check (&info, big, &error));
  g_assert_no_error (error);
  /* A bigger MMIO hole than the map assumed. */
  info.low_mem_end = 0xe0000000;
  info.high_mem_end = FOUR_GIB + 5 * GIB - 0xe0000000;
  g_assert_false (kboot_xen_hvm_info_check (&info, big, &error));
  g_assert_error (error, KBOOT_XEN_LAYOUT_ERROR, KBOOT_XEN_LAYOUT_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "Xen built RAM to 0xe0000000 below 4 GiB"));
  g_assert_nonnull (strstr (error->message, "expects 0xf0000000"));
}

/* ---- hvm_start_info ----------------------------------------------------- */

/* struct hvm_start_info: magic @0, version @4, flags @8, nr_modules @12,
 * modlist_paddr @16, cmdline_paddr @24, rsdp_paddr @32, memmap_paddr @40,
 * memmap_entries @48, reserved @52: 56 bytes. */
static void
start_info_build (guint8 *buf, guint32 magic, guint32 version, guint32 nr_modules,
                  guint64 modlist, guint64 memmap, guint32 memmap_entries)
{
  memset (buf, 0, 56);
  put32 (buf, magic);
  put32 (buf + 4, version);
  put32 (buf + 12, nr_modules);
  put64 (buf + 16, modlist);
  put64 (buf + 40, memmap);
  put32 (buf + 48, memmap_entries);
}

static void
test_start_info (void)
{
  guint8 buf[56];
  g_autoptr(GError) error = NULL;
  KbootXenStartInfo si;

  start_info_build (buf, 0x336ec578, 1, 1, 0x142038, 0x142838, 2);
  g_assert_true (kboot_xen_start_info_parse (buf, sizeof buf, 0x142000, &si, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (si.addr, ==, 0x142000);
  g_assert_cmpuint (si.nr_modules, ==, 1);
  g_assert_cmpuint (si.modlist_paddr, ==, 0x142038);
  g_assert_cmpuint (si.memmap_paddr, ==, 0x142838);
  g_assert_cmpuint (si.memmap_entries, ==, 2);

  /* Version 0 has no memory map fields: they are not read. */
  start_info_build (buf, 0x336ec578, 0, 0, 0, 0xdead, 7);
  g_assert_true (kboot_xen_start_info_parse (buf, sizeof buf, 0x1000, &si, &error));
  g_assert_cmpuint (si.memmap_entries, ==, 0);
  g_assert_cmpuint (si.memmap_paddr, ==, 0);
}

typedef struct {
  const char *name;
  guint32 magic;
  guint32 nr_modules;
  guint32 memmap_entries;
  gsize len;
  const char *message;
} StartInfoBad;

static const StartInfoBad start_info_bad[] = {
  { "magic", 0x336ec579, 0, 1, 56, "magic 0x336ec579, expected 0x336ec578" },
  { "modules", 0x336ec578, 17, 1, 56, "lists 17 modules" },
  { "memmap", 0x336ec578, 1, 129, 56, "and 129 memory map entries" },
  { "short", 0x336ec578, 1, 1, 55, "55 bytes, 56 needed" },
};

static void
test_start_info_bad (gconstpointer data)
{
  const StartInfoBad *c = data;
  guint8 buf[56];
  g_autoptr(GError) error = NULL;
  KbootXenStartInfo si;

  start_info_build (buf, c->magic, 1, c->nr_modules, 0x2000, 0x3000, c->memmap_entries);
  g_assert_false (kboot_xen_start_info_parse (buf, c->len, 0x1000, &si, &error));
  g_assert_error (error, KBOOT_XEN_LAYOUT_ERROR, KBOOT_XEN_LAYOUT_ERROR_START_INFO);
  g_assert_nonnull (strstr (error->message, c->message));
}

static void
test_modlist (void)
{
  guint8 buf[64] = { 0 };
  g_autoptr(GArray) modules = g_array_new (FALSE, FALSE, sizeof (KbootXenModule));
  g_autoptr(GError) error = NULL;

  put64 (buf, 0x101000);
  put64 (buf + 8, 0x40000);
  put64 (buf + 32, 0x141000);
  put64 (buf + 40, 0x800);
  g_assert_true (kboot_xen_modlist_parse (buf, sizeof buf, 2, modules, &error));
  g_assert_cmpuint (modules->len, ==, 2);
  g_assert_cmpuint (g_array_index (modules, KbootXenModule, 1).paddr, ==, 0x141000);
  g_assert_cmpuint (g_array_index (modules, KbootXenModule, 1).size, ==, 0x800);

  /* Zero size, then a size that wraps the address space. */
  put64 (buf + 40, 0);
  g_assert_false (kboot_xen_modlist_parse (buf, sizeof buf, 2, modules, &error));
  g_assert_nonnull (strstr (error->message, "module 1 at 0x141000 has an impossible size 0x0"));
  g_clear_error (&error);
  put64 (buf + 40, G_MAXUINT64 - 0x1000);
  g_assert_false (kboot_xen_modlist_parse (buf, sizeof buf, 2, modules, &error));
  g_assert_error (error, KBOOT_XEN_LAYOUT_ERROR, KBOOT_XEN_LAYOUT_ERROR_START_INFO);
}

/* struct hvm_memmap_table_entry: addr @0, size @8, type @16: 24 bytes. */
static void
test_memmap (void)
{
  g_autoptr(KbootPlatform) big = xen_platform (5 * GIB);
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (KbootXenMemmapEntry));
  g_autoptr(GError) error = NULL;
  guint8 buf[72] = { 0 };

  /* libxl__arch_domain_construct_memmap: [1 MiB, lowmem) and high RAM. */
  put64 (buf, MIB);
  put64 (buf + 8, 0xf0000000 - MIB);
  put32 (buf + 16, 1);
  put64 (buf + 24, FOUR_GIB);
  put64 (buf + 32, 5 * GIB - 0xf0000000);
  put32 (buf + 40, 1);
  put64 (buf + 48, 0xfc000000);
  put64 (buf + 56, 0x4000000);
  put32 (buf + 64, 2);
  g_assert_true (kboot_xen_memmap_parse (buf, sizeof buf, 3, entries, &error));
  g_assert_true (kboot_xen_memmap_check (entries, big, &error));
  g_assert_no_error (error);

  /* RAM running into the MMIO hole is not the planned layout. */
  put64 (buf + 8, 0xf0001000 - MIB);
  g_array_set_size (entries, 0);
  g_assert_true (kboot_xen_memmap_parse (buf, sizeof buf, 3, entries, &error));
  g_assert_false (kboot_xen_memmap_check (entries, big, &error));
  g_assert_error (error, KBOOT_XEN_LAYOUT_ERROR, KBOOT_XEN_LAYOUT_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "RAM [0x100000, 0xf0001000)"));
  g_clear_error (&error);

  /* An entry that wraps. */
  put64 (buf + 32, G_MAXUINT64);
  g_array_set_size (entries, 0);
  g_assert_false (kboot_xen_memmap_parse (buf, sizeof buf, 3, entries, &error));
  g_assert_nonnull (strstr (error->message, "entry 1"));
}

/* ---- reserved ranges and populated memory ------------------------------- */

static void
test_reserved_ranges (void)
{
  KbootFirmwareElf fw = { 0x100000, 0x100a40, 0x100000 };
  KbootXenStartInfo si = { 0 };
  g_autoptr(GArray) modules = g_array_new (FALSE, FALSE, sizeof (KbootXenModule));
  g_autoptr(GArray) ranges = NULL;
  KbootXenModule bios = { 0x101000, 0x40000 };
  const KbootReservedRange *r;

  si.addr = 0x141000;
  si.nr_modules = 1;
  si.modlist_paddr = 0x141038;
  si.memmap_paddr = 0x141838;
  si.memmap_entries = 1;
  g_array_append_val (modules, bios);
  ranges = kboot_xen_reserved_ranges (&fw, "firmware (Xen loaded its ELF)", &si, modules);
  g_assert_cmpuint (ranges->len, ==, 3);
  r = &g_array_index (ranges, KbootReservedRange, 0);
  g_assert_cmpuint (r->start, ==, 0x100000);
  g_assert_cmpuint (r->end, ==, 0x101000);
  r = &g_array_index (ranges, KbootReservedRange, 1);
  g_assert_cmpuint (r->start, ==, 0x101000);
  g_assert_cmpuint (r->end, ==, 0x141000);
  /* 56 + 2 * (32 + 1024) + 24 bytes: one page. */
  r = &g_array_index (ranges, KbootReservedRange, 2);
  g_assert_cmpuint (r->start, ==, 0x141000);
  g_assert_cmpuint (r->end, ==, 0x142000);

  /* A memory map past the first page extends the range. */
  si.memmap_paddr = 0x141ff0;
  si.memmap_entries = 2;
  g_clear_pointer (&ranges, g_array_unref);
  ranges = kboot_xen_reserved_ranges (&fw, "firmware (Xen loaded its ELF)", &si, modules);
  r = &g_array_index (ranges, KbootReservedRange, 2);
  g_assert_cmpuint (r->end, ==, 0x143000);
}

/* Ranges widen to whole pages; one that ends in the last page of the
 * address space saturates at 2^64 - 1 instead of wrapping to 0, and is
 * not RAM on any platform. */
static void
test_reserved_ranges_top (void)
{
  g_autoptr(KbootPlatform) platform = xen_platform (5 * GIB);
  KbootFirmwareElf fw = { 0x100000, 0x100a40, 0x100000 };
  KbootXenStartInfo si = { .addr = 0x141000 };
  g_autoptr(GArray) modules = g_array_new (FALSE, FALSE, sizeof (KbootXenModule));
  g_autoptr(GArray) ranges = NULL;
  KbootXenModule last_page = { G_MAXUINT64 - 0x1fff, 0x1000 };
  KbootXenModule in_last_page = { G_MAXUINT64 - 0x17ff, 0x1000 };
  const KbootReservedRange *r;

  g_array_append_val (modules, last_page);
  g_array_append_val (modules, in_last_page);
  ranges = kboot_xen_reserved_ranges (&fw, "firmware (Xen loaded its ELF)", &si, modules);
  g_assert_cmpuint (ranges->len, ==, 4);
  r = &g_array_index (ranges, KbootReservedRange, 1);
  g_assert_cmphex (r->start, ==, G_MAXUINT64 - 0x1fff);
  g_assert_cmphex (r->end, ==, G_MAXUINT64 - 0xfff);
  r = &g_array_index (ranges, KbootReservedRange, 2);
  g_assert_cmphex (r->start, ==, G_MAXUINT64 - 0x1fff);
  g_assert_cmphex (r->end, ==, G_MAXUINT64);
  g_assert_false (kboot_platform_covers (platform, KBOOT_MEM_RAM, r->start, r->end));
}

/* The prediction for plan and validate equals what the reader finds in a
 * domain built the same way (above: ELF, 256 KiB module, start_info). */
static void
test_model_reserved (void)
{
  g_autoptr(KbootPlatform) small = xen_platform (248 * MIB);
  g_autoptr(KbootPlatform) big = xen_platform (5 * GIB);
  KbootFirmwareElf fw = { 0x100000, 0x100a40, 0x100000 };
  KbootReservedRange r;
  g_autoptr(GError) error = NULL;

  g_assert_true (kboot_xen_model_reserved (&fw, 0x40000, small, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r.start, ==, 0x100000);
  g_assert_cmpuint (r.end, ==, 0x142000);
  g_assert_true (kboot_xen_model_reserved (&fw, 0, big, &r, &error));
  g_assert_cmpuint (r.end, ==, 0x102000);
  fw.start = 0x100800;
  g_assert_false (kboot_xen_model_reserved (&fw, 0, big, &r, &error));
  g_assert_error (error, KBOOT_PLATFORM_ERROR, KBOOT_PLATFORM_ERROR_FIRMWARE);
}

static void
test_populated_blocks (void)
{
  g_autoptr(KbootPlatform) small = xen_platform (248 * MIB);
  g_autoptr(KbootPlatform) big = xen_platform (5 * GIB);
  g_autoptr(GArray) a = kboot_xen_populated_blocks (small);
  g_autoptr(GArray) b = kboot_xen_populated_blocks (big);
  const KbootGuestRamBlock *blk;

  g_assert_cmpuint (a->len, ==, 2);
  blk = &g_array_index (a, KbootGuestRamBlock, 0);
  g_assert_cmpuint (blk->gpa, ==, 0);
  g_assert_cmpuint (blk->size, ==, 0xa0000);
  blk = &g_array_index (a, KbootGuestRamBlock, 1);
  g_assert_cmpuint (blk->gpa, ==, 0xc0000);
  g_assert_cmpuint (blk->gpa + blk->size, ==, 248 * MIB);
  g_assert_cmpuint (b->len, ==, 3);
  blk = &g_array_index (b, KbootGuestRamBlock, 2);
  g_assert_cmpuint (blk->gpa, ==, FOUR_GIB);
  g_assert_cmpuint (blk->size, ==, 5 * GIB - 0xf0000000);
  g_assert_cmpuint (blk->backing_offset, ==, 0xf0000000);
}

/* ---- firmware ELF -------------------------------------------------------- */

/* A minimal ELF32: header, then @n program headers of 32 bytes. */
static gsize
elf_build (guint8 *buf, gsize size, guint16 n)
{
  gsize len = 52 + (gsize) n * 32 + 0x100;

  g_assert_cmpuint (len, <=, size);
  memset (buf, 0, size);
  memcpy (buf, "\177ELF", 4);
  buf[4] = 1;            /* ELFCLASS32 */
  buf[5] = 1;            /* ELFDATA2LSB */
  buf[16] = 2;           /* ET_EXEC */
  buf[18] = 3;           /* EM_386 */
  put32 (buf + 24, 0x100040);
  put32 (buf + 28, 52);  /* e_phoff */
  buf[42] = 32;          /* e_phentsize */
  buf[44] = (guint8) n;  /* e_phnum */
  return len;
}

static void
elf_phdr (guint8 *buf, guint i, guint32 type, guint32 offset, guint32 paddr,
          guint32 filesz, guint32 memsz)
{
  guint8 *ph = buf + 52 + i * 32;

  put32 (ph, type);
  put32 (ph + 4, offset);
  put32 (ph + 12, paddr);
  put32 (ph + 16, filesz);
  put32 (ph + 20, memsz);
}

static void
test_firmware_elf (void)
{
  guint8 buf[512];
  gsize len = elf_build (buf, sizeof buf, 3);
  g_autoptr(GError) error = NULL;
  KbootFirmwareElf fw;

  elf_phdr (buf, 0, 1, 0x74, 0x100000, 0x80, 0x1a40);
  elf_phdr (buf, 1, 4, 0, 0x900000, 0, 0x10);   /* PT_NOTE: not loaded */
  elf_phdr (buf, 2, 1, 0x74, 0x103000, 0x10, 0x20);
  g_assert_true (kboot_firmware_elf_parse (buf, len, "fw", &fw, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fw.start, ==, 0x100000);
  g_assert_cmpuint (fw.end, ==, 0x103020);
  g_assert_cmpuint (fw.entry, ==, 0x100040);
  /* The loaded segments, for xen-kboot-dm's own load; the note is not one. */
  g_assert_cmpuint (fw.n_segments, ==, 2);
  g_assert_cmpuint (fw.segments[0].paddr, ==, 0x100000);
  g_assert_cmpuint (fw.segments[0].offset, ==, 0x74);
  g_assert_cmpuint (fw.segments[0].filesz, ==, 0x80);
  g_assert_cmpuint (fw.segments[0].memsz, ==, 0x1a40);
  g_assert_cmpuint (fw.segments[1].paddr, ==, 0x103000);
  g_assert_cmpuint (fw.segments[1].memsz, ==, 0x20);
}

/* A hostile ELF cannot make a loader zero gigabytes or track any number
 * of segments. */
static void
test_firmware_elf_limits (void)
{
  guint8 buf[512];
  gsize len = elf_build (buf, sizeof buf, 5);
  g_autoptr(GError) error = NULL;
  KbootFirmwareElf fw;

  for (guint i = 0; i < 5; i++)
    elf_phdr (buf, i, 1, 0x74, 0x100000 + i * 0x1000, 0x10, 0x10);
  g_assert_false (kboot_firmware_elf_parse (buf, len, "fw", &fw, &error));
  g_assert_error (error, KBOOT_FIRMWARE_ELF_ERROR, KBOOT_FIRMWARE_ELF_ERROR_SEGMENTS);
  g_assert_nonnull (strstr (error->message, "fw: more than 4 PT_LOAD segments"));
  g_clear_error (&error);

  len = elf_build (buf, sizeof buf, 1);
  elf_phdr (buf, 0, 1, 0x74, 0x100000, 0x10, 0xfff00000);
  g_assert_false (kboot_firmware_elf_parse (buf, len, "fw", &fw, &error));
  g_assert_error (error, KBOOT_FIRMWARE_ELF_ERROR, KBOOT_FIRMWARE_ELF_ERROR_SEGMENTS);
  g_assert_nonnull (strstr (error->message, "span 0x100000-0x100000000, more than"));
}

typedef struct {
  const char *name;
  guint offset;         /* byte to change, or a phdr field */
  guint32 value;
  gboolean in_phdr;     /* @offset is into the first program header */
  gboolean is_u32;
  gsize len;            /* 0: the built length */
  const char *message;
} ElfBad;

static const ElfBad elf_bad[] = {
  { "magic", 1, 'X', FALSE, FALSE, 0, "fw: not a 32-bit little-endian x86 ELF" },
  { "class64", 4, 2, FALSE, FALSE, 0, "not a 32-bit" },
  { "big-endian", 5, 2, FALSE, FALSE, 0, "not a 32-bit" },
  { "machine", 18, 62, FALSE, FALSE, 0, "not a 32-bit" },
  { "short", 0, 0, FALSE, FALSE, 51, "not a 32-bit" },
  { "phoff", 28, 0xfffffff0, FALSE, TRUE, 0, "program header table" },
  { "phentsize", 42, 16, FALSE, FALSE, 0, "program header table" },
  { "filesz-past-end", 16, 0x10000, TRUE, TRUE, 0, "does not fit the file" },
  { "offset-wraps", 4, 0xffffffff, TRUE, TRUE, 0, "does not fit the file" },
  { "filesz-above-memsz", 20, 0x10, TRUE, TRUE, 0, "does not fit the file" },
  { "no-load", 0, 4, TRUE, TRUE, 0, "no PT_LOAD segment" },
};

static void
test_firmware_elf_bad (gconstpointer data)
{
  const ElfBad *c = data;
  guint8 buf[512];
  gsize len = elf_build (buf, sizeof buf, 1);
  guint8 *at = (c->in_phdr ? buf + 52 : buf) + c->offset;
  g_autoptr(GError) error = NULL;
  KbootFirmwareElf fw;
  int code = strstr (c->message, "not a") ? KBOOT_FIRMWARE_ELF_ERROR_FORMAT
                                          : KBOOT_FIRMWARE_ELF_ERROR_SEGMENTS;

  elf_phdr (buf, 0, 1, 0x54, 0x100000, 0x80, 0x100);
  if (c->is_u32)
    put32 (at, c->value);
  else if (c->len == 0)
    *at = (guint8) c->value;
  g_assert_false (kboot_firmware_elf_parse (buf, c->len ? c->len : len, "fw", &fw, &error));
  g_assert_error (error, KBOOT_FIRMWARE_ELF_ERROR, code);
  g_assert_nonnull (strstr (error->message, c->message));
}

/* The firmware the build made: one PT_LOAD at 1 MiB, entered there. */
static void
test_firmware_elf_built (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "..", "firmware",
                                                 "xen-kboot-fw.elf", NULL);
  g_autoptr(GError) error = NULL;
  KbootFirmwareElf fw;

  g_assert_true (kboot_firmware_elf_read (path, &fw, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fw.start, ==, 0x100000);
  g_assert_cmpuint (fw.end, >, 0x100000);
  g_assert_cmpuint (fw.end, <, 0x110000);
  g_assert_cmpuint (fw.entry, >=, 0x100000);
  g_assert_cmpuint (fw.entry, <, fw.end);

  g_assert_false (kboot_firmware_elf_read ("/", &fw, &error));
  g_assert_error (error, KBOOT_FILE_ERROR, KBOOT_FILE_ERROR_NOT_REGULAR);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xen-layout/hvm-info/good", test_hvm_info_good);
  for (gsize i = 0; i < G_N_ELEMENTS (hvm_info_bad); i++)
    {
      g_autofree char *path = g_strdup_printf ("/xen-layout/hvm-info/bad/%s",
                                               hvm_info_bad[i].name);
      g_test_add_data_func (path, &hvm_info_bad[i], test_hvm_info_bad);
    }
  g_test_add_func ("/xen-layout/hvm-info/check", test_hvm_info_check);
  g_test_add_func ("/xen-layout/start-info/good", test_start_info);
  for (gsize i = 0; i < G_N_ELEMENTS (start_info_bad); i++)
    {
      g_autofree char *path = g_strdup_printf ("/xen-layout/start-info/bad/%s",
                                               start_info_bad[i].name);
      g_test_add_data_func (path, &start_info_bad[i], test_start_info_bad);
    }
  g_test_add_func ("/xen-layout/modlist", test_modlist);
  g_test_add_func ("/xen-layout/memmap", test_memmap);
  g_test_add_func ("/xen-layout/reserved", test_reserved_ranges);
  g_test_add_func ("/xen-layout/reserved-top", test_reserved_ranges_top);
  g_test_add_func ("/xen-layout/model", test_model_reserved);
  g_test_add_func ("/xen-layout/populated", test_populated_blocks);
  g_test_add_func ("/firmware-elf/good", test_firmware_elf);
  g_test_add_func ("/firmware-elf/limits", test_firmware_elf_limits);
  for (gsize i = 0; i < G_N_ELEMENTS (elf_bad); i++)
    {
      g_autofree char *path = g_strdup_printf ("/firmware-elf/bad/%s", elf_bad[i].name);
      g_test_add_data_func (path, &elf_bad[i], test_firmware_elf_bad);
    }
  g_test_add_func ("/firmware-elf/built", test_firmware_elf_built);
  return g_test_run ();
}
