/* Unit tests of the zero page and handoff builders (src/kboot_loader_bootparams.c)
 * and of the RAM-file guest backend (src/kboot_loader_guest_file.c). */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "kboot_loader_bootparams.h"
#include "kboot_loader_pagetables.h"
#include "kboot_loader_guest.h"
#include "kboot_synth.h"
#include "kboot_util.h"

static const KbootE820Entry e820_256m[] = {
  { 0x0, 0x9f000, 1 },
  { 0x9f000, 0x61000, 2 },
  { 0x100000, 0xff00000, 1 },
};

static void
test_bootparams_fields (void)
{
  g_autoptr(KbootSynth) s = kboot_synth_new (0x020f, 4, 0x10000);
  g_autoptr(KbootImage) image = NULL;
  g_autoptr(GError) error = NULL;
  guint8 bp[KBOOT_BP_SIZE];
  KbootBootParamsInput in = {
    .kernel_addr = 0x200000, .initrd_addr = 0xf000000, .initrd_size = 0x123456,
    .cmdline_addr = 0x20000, .e820 = e820_256m, .n_e820 = 3,
  };

  /* A byte just past the declared header end must not be copied. */
  s->data[0x1ef] = 0x5a;                    /* the sentinel, in the file */
  s->data[0x26c] = 0x77;
  image = kboot_image_probe (s->data, s->len, s->len);
  memset (bp, 0xcc, sizeof bp);
  g_assert_true (kboot_bootparams_build (bp, image, s->data, s->len, &in, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (bp[0x1ef], ==, 0);       /* sentinel stays 0 */
  g_assert_cmpuint (bp[0x1f0], ==, 0);
  g_assert_cmpuint (bp[0x26c], ==, 0);       /* 0x202 + 0x6a = 0x26c: not copied */
  g_assert_cmpuint (bp[0x26b], ==, s->data[0x26b]);
  g_assert_cmpmem (bp + 0x202, 4, "HdrS", 4);
  g_assert_cmpuint (kboot_le_get (bp + 0x206, 2), ==, 0x020f);
  g_assert_cmpuint (bp[0x210], ==, 0xff);    /* type_of_loader */
  g_assert_cmpuint (kboot_le_get (bp + 0x214, 4), ==, 0x200000);
  g_assert_cmpuint (kboot_le_get (bp + 0x218, 4), ==, 0xf000000);
  g_assert_cmpuint (kboot_le_get (bp + 0x21c, 4), ==, 0x123456);
  g_assert_cmpuint (kboot_le_get (bp + 0x0c0, 4), ==, 0);
  g_assert_cmpuint (kboot_le_get (bp + 0x228, 4), ==, 0x20000);
  g_assert_cmpuint (bp[0x1e8], ==, 3);
  g_assert_cmpuint (kboot_le_get (bp + 0x2d0, 8), ==, 0);
  g_assert_cmpuint (kboot_le_get (bp + 0x2d8, 8), ==, 0x9f000);
  g_assert_cmpuint (kboot_le_get (bp + 0x2e0, 4), ==, 1);
  g_assert_cmpuint (kboot_le_get (bp + 0x2e4, 8), ==, 0x9f000);
  g_assert_cmpuint (kboot_le_get (bp + 0x2f8 + 0, 8), ==, 0x100000);
  g_assert_cmpuint (kboot_le_get (bp + 0x2f8 + 8, 8), ==, 0xff00000);
  g_assert_cmpuint (kboot_le_get (bp + 0x2f8 + 16, 4), ==, 1);
  /* Everything else is zero: nothing left over from the 0xcc fill. */
  for (gsize i = 0; i < 0x1e8; i++)
    g_assert_cmpuint (bp[i], ==, 0);
  for (gsize i = 0x2d0 + 3 * 20; i < KBOOT_BP_SIZE; i++)
    g_assert_cmpuint (bp[i], ==, 0);
}

static void
test_bootparams_initrd_above_4g (void)
{
  g_autoptr(KbootSynth) s = kboot_synth_new (0x020f, 4, 0x10000);
  g_autoptr(KbootImage) image = NULL;
  g_autoptr(GError) error = NULL;
  guint8 bp[KBOOT_BP_SIZE];
  KbootBootParamsInput in = {
    .kernel_addr = 0x200000, .initrd_addr = G_GUINT64_CONSTANT (0x140000000),
    .initrd_size = 0x1000, .cmdline_addr = 0x20000, .e820 = e820_256m, .n_e820 = 3,
  };

  image = kboot_image_probe (s->data, s->len, s->len);
  g_assert_true (kboot_bootparams_build (bp, image, s->data, s->len, &in, &error));
  g_assert_cmpuint (kboot_le_get (bp + 0x218, 4), ==, 0x40000000);
  g_assert_cmpuint (kboot_le_get (bp + 0x0c0, 4), ==, 1);

  /* Without XLF_CAN_BE_LOADED_ABOVE_4G the same plan is refused. */
  kboot_synth_put (s, 0x236, 2, 0x01);
  g_clear_pointer (&image, kboot_image_free);
  image = kboot_image_probe (s->data, s->len, s->len);
  g_assert_false (kboot_bootparams_build (bp, image, s->data, s->len, &in, &error));
  g_assert_error (error, KBOOT_BOOTPARAMS_ERROR, KBOOT_BOOTPARAMS_ERROR_ADDRESS);
}

static void
test_bootparams_limits (void)
{
  g_autoptr(KbootSynth) s = kboot_synth_new (0x020f, 4, 0x10000);
  g_autoptr(KbootImage) image = kboot_image_probe (s->data, s->len, s->len);
  g_autoptr(GError) error = NULL;
  guint8 bp[KBOOT_BP_SIZE];
  KbootE820Entry many[129] = { { 0 } };
  KbootBootParamsInput in = { .kernel_addr = 0x200000, .cmdline_addr = 0x20000,
                              .e820 = many, .n_e820 = 129 };

  g_assert_false (kboot_bootparams_build (bp, image, s->data, s->len, &in, &error));
  g_assert_error (error, KBOOT_BOOTPARAMS_ERROR, KBOOT_BOOTPARAMS_ERROR_E820);
  g_assert_cmpstr (error->message, ==, "129 e820 entries, at most 128 fit in boot_params");
  g_clear_error (&error);
  in.n_e820 = 128;
  g_assert_true (kboot_bootparams_build (bp, image, s->data, s->len, &in, &error));
  g_assert_cmpuint (bp[0x1e8], ==, 128);
  /* A header that claims more bytes than were read. */
  g_assert_false (kboot_bootparams_build (bp, image, s->data, 0x250, &in, &error));
  g_assert_error (error, KBOOT_BOOTPARAMS_ERROR, KBOOT_BOOTPARAMS_ERROR_HEADER);
}

static void
test_handoff (void)
{
  guint8 block[KBOOT_HANDOFF_SIZE];
  guint32 sum = 0;
  KbootHandoff h = { 0x200000, 0x10000, 0x050b0a05, 0xb000, 3,
                     KBOOT_HANDOFF_ENTRY_KERNEL64, 0x4000 };

  kboot_handoff_build (block, &h);
  g_assert_cmpmem (block, 4, "BKHO", 4);     /* "KBHO" as a little-endian u32 */
  g_assert_cmpuint (kboot_le_get (block + 0x04, 4), ==, 4);
  g_assert_cmpuint (kboot_le_get (block + 0x08, 4), ==, 0x2c);
  g_assert_cmpuint (kboot_le_get (block + 0x0c, 4), ==, 0x200000);
  g_assert_cmpuint (kboot_le_get (block + 0x10, 4), ==, 0x10000);
  g_assert_cmpmem (block + 0x14, 4, "\x05\x0a\x0b\x05", 4);   /* links A..D */
  g_assert_cmpuint (kboot_le_get (block + 0x1c, 4), ==, 0xb000);
  g_assert_cmpuint (kboot_le_get (block + 0x20, 4), ==, 3);
  g_assert_cmpuint (kboot_le_get (block + 0x24, 4), ==, 2);
  g_assert_cmpuint (kboot_le_get (block + 0x28, 4), ==, 0x4000);
  for (guint i = 0; i < KBOOT_HANDOFF_SIZE; i += 4)
    sum += (guint32) kboot_le_get (block + i, 4);
  g_assert_cmpuint (sum, ==, 0);
  g_assert_true (kboot_handoff_valid (block));

  for (guint i = 0; i < KBOOT_HANDOFF_SIZE; i++)
    {
      guint8 bad[KBOOT_HANDOFF_SIZE];
      memcpy (bad, block, sizeof bad);
      bad[i] ^= 0x01;                        /* any single-bit flip is caught */
      g_assert_false (kboot_handoff_valid (bad));
    }
  /* What the firmware refuses besides: an entry_kind past the last, a
   * 64-bit entry without page tables or with unaligned ones. */
  h.entry_kind = KBOOT_HANDOFF_ENTRY_LAST + 1;
  kboot_handoff_build (block, &h);
  g_assert_false (kboot_handoff_valid (block));
  h.entry_kind = KBOOT_HANDOFF_ENTRY_KERNEL64;
  h.page_tables = 0;
  kboot_handoff_build (block, &h);
  g_assert_false (kboot_handoff_valid (block));
  h.page_tables = 0x4800;
  kboot_handoff_build (block, &h);
  g_assert_false (kboot_handoff_valid (block));
  h.entry_kind = KBOOT_HANDOFF_ENTRY_BZIMAGE;
  h.page_tables = 0;
  kboot_handoff_build (block, &h);
  g_assert_true (kboot_handoff_valid (block));
  h.entry = 0;
  kboot_handoff_build (block, &h);
  g_assert_false (kboot_handoff_valid (block));
}

/* The 64-bit entry's identity map, walked as the CPU walks it (SDM vol.
 * 3A, 4.5) for addresses across the 4 GiB it covers. */
static guint64
walk_entry (const guint8 *tables, guint64 base, guint64 table, guint index)
{
  g_assert_cmphex (table, >=, base);
  g_assert_cmphex (table + 0x1000, <=, base + KBOOT_PAGE_TABLES_SIZE);
  return kboot_le_get (tables + (table - base) + index * 8, 8);
}

static void
test_page_tables (void)
{
  static const guint64 bases[] = { 0x4000, 0x9000, 0x98000 };
  static const guint64 addresses[] = {
    0, 0x1000, 0x7000, 0x100000, 0x1000000, 0x1234567, 0x3fffffff, 0x40000000,
    0x9fe00000, 0xc0000000, 0xfee00000, 0xffff0000, 0xfffffff0,
  };

  for (guint b = 0; b < G_N_ELEMENTS (bases); b++)
    {
      g_autofree guint8 *tables = g_malloc (KBOOT_PAGE_TABLES_SIZE);
      guint64 base = bases[b];

      memset (tables, 0xa5, KBOOT_PAGE_TABLES_SIZE);
      kboot_page_tables_build (tables, base);
      /* Nothing above 4 GiB: PML4 entries 1.. and PDPT entries 4.. absent. */
      for (guint i = 1; i < 512; i++)
        g_assert_cmphex (walk_entry (tables, base, base, i), ==, 0);
      for (guint i = 4; i < 512; i++)
        g_assert_cmphex (walk_entry (tables, base, base + 0x1000, i), ==, 0);
      for (guint a = 0; a < G_N_ELEMENTS (addresses); a++)
        {
          guint64 va = addresses[a], e;

          e = walk_entry (tables, base, base, (va >> 39) & 511);
          g_assert_cmphex (e & 0x83, ==, 0x03);           /* present, writable */
          e = walk_entry (tables, base, e & ~0xfffull, (va >> 30) & 511);
          g_assert_cmphex (e & 0x83, ==, 0x03);
          e = walk_entry (tables, base, e & ~0xfffull, (va >> 21) & 511);
          g_assert_cmphex (e & 0x83, ==, 0x83);           /* a 2 MiB page */
          g_assert_cmphex ((e & ~0x1fffffull) | (va & 0x1fffff), ==, va);
        }
    }
}

/* ---- the RAM-file backend ---- */

static const KbootGuestRamBlock split_blocks[] = {
  { 0x0, 0xa0000, 0x0 },
  { 0x100000, 0x300000, 0x100000 },                 /* file 1M..4M */
  { G_GUINT64_CONSTANT (0x100000000), 0x100000, 0x400000 }, /* 4G.. at file 4M */
};

static char *
tmp_path (const char *name)
{
  return g_build_filename (g_get_tmp_dir (), name, NULL);
}

static void
test_guest_file_layout (void)
{
  g_autofree char *path = tmp_path ("kboot-test-ram-layout");
  g_autoptr(KbootGuest) guest = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;
  struct stat st;

  g_unlink (path);
  guest = kboot_guest_file_create (path, 0x500000, split_blocks, 3, &error);
  g_assert_no_error (error);
  g_assert_true (kboot_guest_write (guest, 0x1000, "low", 3, &error));
  g_assert_true (kboot_guest_write (guest, 0x200000, "mid", 3, &error));
  g_assert_true (kboot_guest_write (guest, G_GUINT64_CONSTANT (0x100000010), "high", 4, &error));
  /* The VGA hole and anything across a block edge are not RAM. */
  g_assert_false (kboot_guest_write (guest, 0xb8000, "x", 1, &error));
  g_assert_error (error, KBOOT_GUEST_ERROR, KBOOT_GUEST_ERROR_RANGE);
  g_clear_error (&error);
  g_assert_false (kboot_guest_write (guest, 0x9ffff, "xy", 2, &error));
  g_clear_error (&error);
  g_assert_true (kboot_guest_commit (guest, &error));

  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_cmpuint (len, ==, 0x500000);
  g_assert_cmpmem (contents + 0x1000, 3, "low", 3);
  g_assert_cmpmem (contents + 0x200000, 3, "mid", 3);
  g_assert_cmpmem (contents + 0x400010, 4, "high", 4);
  /* Sparse: only the pages written are allocated. */
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_blocks * 512, <, 0x100000);
  g_unlink (path);
}

static void
test_guest_file_from_fd (void)
{
  g_autofree char *path = tmp_path ("kboot-test-ram-fd");
  g_autofree char *src = tmp_path ("kboot-test-ram-src");
  g_autoptr(KbootGuest) guest = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree guint8 *data = g_malloc (0x180000);
  gsize len = 0;
  int fd;

  for (gsize i = 0; i < 0x180000; i++)
    data[i] = (guint8) (i * 7 + (i >> 12));
  g_assert_true (g_file_set_contents (src, (const char *) data, 0x180000, &error));
  g_unlink (path);
  guest = kboot_guest_file_create (path, 0x500000, split_blocks, 3, &error);
  g_assert_no_error (error);
  fd = open (src, O_RDONLY);
  g_assert_true (kboot_guest_write_from_fd (guest, 0x200000, fd, 0x80000, 0x100000, "src", &error));
  g_assert_no_error (error);
  /* Asking for more than the file holds is an error, not zeros. */
  g_assert_false (kboot_guest_write_from_fd (guest, 0x100000, fd, 0x100000, 0x100000, "src", &error));
  g_assert_error (error, KBOOT_GUEST_ERROR, KBOOT_GUEST_ERROR_WRITE);
  g_assert_nonnull (strstr (error->message, "the file ended early"));
  close (fd);
  g_assert_true (kboot_guest_commit (guest, &error) || (g_clear_error (&error), FALSE));
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpmem (contents + 0x200000, 0x100000, data + 0x80000, 0x100000);
  g_unlink (path);
  g_unlink (src);
}

static void
test_guest_file_cleanup (void)
{
  g_autofree char *path = tmp_path ("kboot-test-ram-cleanup");
  g_autoptr(GError) error = NULL;
  KbootGuest *guest;
  volatile gint cancel = 0;

  g_unlink (path);
  /* Dropped without commit: the file is removed. */
  guest = kboot_guest_file_create (path, 0x500000, split_blocks, 3, &error);
  g_assert_nonnull (guest);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  kboot_guest_free (guest);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* Cancelled mid-load: an error, then nothing left. */
  guest = kboot_guest_file_create (path, 0x500000, split_blocks, 3, &error);
  guest->cancel = &cancel;
  g_atomic_int_set (&cancel, 1);
  g_assert_false (kboot_guest_write (guest, 0x1000, "x", 1, &error));
  g_assert_error (error, KBOOT_GUEST_ERROR, KBOOT_GUEST_ERROR_CANCELLED);
  g_clear_error (&error);
  kboot_guest_free (guest);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* An existing file is never taken over (nor removed). */
  g_assert_true (g_file_set_contents (path, "mine", 4, NULL));
  g_assert_null (kboot_guest_file_create (path, 0x500000, split_blocks, 3, &error));
  g_assert_error (error, KBOOT_GUEST_ERROR, KBOOT_GUEST_ERROR_CREATE);
  g_assert_true (g_str_has_suffix (error->message, "cannot create the guest RAM file: File exists"));
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_unlink (path);

  /* A block outside the file is refused before anything is created. */
  g_clear_error (&error);
  g_assert_null (kboot_guest_file_create (path, 0x100000, split_blocks, 3, &error));
  g_assert_error (error, KBOOT_GUEST_ERROR, KBOOT_GUEST_ERROR_CREATE);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* preview's RAM file: no name at any time (the directory stays empty),
 * reached through its descriptor after commit, gone with the guest. */
static void
test_guest_file_unnamed (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kboot-test-unnamed-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "guest.ram", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) listing = NULL;
  KbootGuest *guest;
  char back[3] = { 0 };
  struct stat st;
  int fd;

  guest = kboot_guest_file_create_unnamed (path, 0x500000, split_blocks, 3, &error);
  g_assert_no_error (error);
  g_assert_true (kboot_guest_write (guest, 0x200000, "mid", 3, &error));
  g_assert_true (kboot_guest_commit (guest, &error));
  listing = g_dir_open (dir, 0, NULL);
  g_assert_null (g_dir_read_name (listing));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  fd = kboot_guest_file_fd (guest);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (fstat (fd, &st), ==, 0);
  g_assert_cmpint (st.st_nlink, ==, 0);
  g_assert_cmpint (st.st_size, ==, 0x500000);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (pread (fd, back, 3, 0x200000), ==, 3);
  g_assert_cmpmem (back, 3, "mid", 3);
  kboot_guest_free (guest);
  g_assert_cmpint (fcntl (fd, F_GETFD), ==, -1);   /* closed with it */

  /* An existing PATH is refused and left alone, as for a named file. */
  g_assert_true (g_file_set_contents (path, "mine", 4, NULL));
  g_assert_null (kboot_guest_file_create_unnamed (path, 0x500000, split_blocks, 3, &error));
  g_assert_error (error, KBOOT_GUEST_ERROR, KBOOT_GUEST_ERROR_CREATE);
  g_assert_true (g_str_has_suffix (error->message, "cannot create the guest RAM file: File exists"));
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/kboot/bootparams/fields", test_bootparams_fields);
  g_test_add_func ("/kboot/bootparams/initrd-above-4g", test_bootparams_initrd_above_4g);
  g_test_add_func ("/kboot/bootparams/limits", test_bootparams_limits);
  g_test_add_func ("/kboot/page-tables", test_page_tables);
  g_test_add_func ("/kboot/handoff/build", test_handoff);
  g_test_add_func ("/kboot/handoff/page-tables", test_page_tables);
  g_test_add_func ("/kboot/guest-file/layout", test_guest_file_layout);
  g_test_add_func ("/kboot/guest-file/from-fd", test_guest_file_from_fd);
  g_test_add_func ("/kboot/guest-file/cleanup", test_guest_file_cleanup);
  g_test_add_func ("/kboot/guest-file/unnamed", test_guest_file_unnamed);
  return g_test_run ();
}
