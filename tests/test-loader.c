/* The load (src/kboot_loader.c) into a RAM file: every byte where the
 * addresses say, the zero page and handoff block right, and refusals when
 * the files changed after validation or the command line is too long. */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "kboot_loader.h"
#include "kboot_synth.h"
#include "kboot_util.h"

#define RAM_SIZE (64u << 20)

typedef struct {
  char *dir;
  char *kernel_path, *initrd_path, *ram_path;
  KbootSynth *synth;
  guint8 *initrd_data;
  gsize initrd_len;
} Fixture;

static const KbootE820Entry e820[] = {
  { 0, 0x9f000, 1 }, { 0x100000, RAM_SIZE - 0x100000, 1 },
};
static const KbootGuestRamBlock blocks[] = {
  { 0, 0xa0000, 0 }, { 0x100000, RAM_SIZE - 0x100000, 0x100000 },
};

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("kboot-loader-XXXXXX", &error);
  g_assert_no_error (error);
  f->kernel_path = g_build_filename (f->dir, "vmlinuz", NULL);
  f->initrd_path = g_build_filename (f->dir, "initrd", NULL);
  f->ram_path = g_build_filename (f->dir, "ram", NULL);
  f->synth = kboot_synth_new (0x020f, 4, 3 << 20);
  for (gsize i = 5 * 512; i < f->synth->len; i++)
    f->synth->data[i] ^= (guint8) (i * 131 + (i >> 10));
  /* Keep the xz magic at the payload offset. */
  memcpy (f->synth->data + 5 * 512 + 0x100, "\xfd" "7zXZ", 6);
  g_assert_true (g_file_set_contents (f->kernel_path, (const char *) f->synth->data,
                                      f->synth->len, &error));
  f->initrd_len = (5 << 20) + 123;
  f->initrd_data = g_malloc (f->initrd_len);
  for (gsize i = 0; i < f->initrd_len; i++)
    f->initrd_data[i] = (guint8) (i * 7 + 3);
  g_assert_true (g_file_set_contents (f->initrd_path, (const char *) f->initrd_data,
                                      f->initrd_len, &error));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_unlink (f->kernel_path);
  g_unlink (f->initrd_path);
  g_unlink (f->ram_path);
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->kernel_path);
  g_free (f->initrd_path);
  g_free (f->ram_path);
  kboot_synth_free (f->synth);
  g_free (f->initrd_data);
}

static const KbootLoadAddresses addresses = {
  .kernel_addr = 0x200000, .initrd_addr = 0x2000000, .cmdline_addr = 0x3000,
  .boot_params_addr = 0x2000, .handoff_addr = 0x1000,
  .e820 = e820, .n_e820 = G_N_ELEMENTS (e820),
};

static void
test_load_bytes (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbootKernel) kernel = kboot_kernel_open_bootable (f->kernel_path, &error);
  g_autoptr(KbootFile) initrd = kboot_file_open (f->initrd_path, "initrd", &error);
  g_autoptr(KbootGuest) guest = NULL;
  g_autofree char *ram = NULL;
  KbootLoadStats stats = { 0 };
  gsize ram_len = 0;
  const guint8 *bp;

  g_assert_no_error (error);
  guest = kboot_guest_file_create (f->ram_path, RAM_SIZE, blocks, 2, &error);
  g_assert_no_error (error);
  /* The same bytes whether files are read into the map or through a
   * buffer (as for Xen's foreign mappings). */
  guest->bounce_reads = GPOINTER_TO_INT (data);
  g_assert_true (kboot_loader_load (guest, kernel, initrd, "console=ttyS0 quiet",
                                    &addresses, &stats, &error));
  g_assert_no_error (error);
  g_assert_true (kboot_guest_commit (guest, &error));
  g_assert_true (g_file_get_contents (f->ram_path, &ram, &ram_len, &error));
  g_assert_cmpuint (ram_len, ==, RAM_SIZE);

  /* The protected-mode kernel, byte for byte, at its load address. */
  g_assert_cmpmem (ram + 0x200000, 3 << 20, f->synth->data + 5 * 512, 3 << 20);
  g_assert_cmpmem (ram + 0x2000000, f->initrd_len, f->initrd_data, f->initrd_len);
  g_assert_cmpstr (ram + 0x3000, ==, "console=ttyS0 quiet");
  bp = (const guint8 *) ram + 0x2000;
  g_assert_cmpuint (kboot_le_get (bp + 0x214, 4), ==, 0x200000);
  g_assert_cmpuint (kboot_le_get (bp + 0x218, 4), ==, 0x2000000);
  g_assert_cmpuint (kboot_le_get (bp + 0x21c, 4), ==, f->initrd_len);
  g_assert_cmpuint (kboot_le_get (bp + 0x228, 4), ==, 0x3000);
  g_assert_cmpuint (bp[0x210], ==, 0xff);
  g_assert_cmpuint (bp[0x1e8], ==, 2);
  g_assert_true (kboot_handoff_valid ((const guint8 *) ram + 0x1000));
  g_assert_cmpuint (kboot_le_get ((const guint8 *) ram + 0x100c, 4), ==, 0x200000);
  g_assert_cmpuint (kboot_le_get ((const guint8 *) ram + 0x1010, 4), ==, 0x2000);

  g_assert_cmpuint (stats.kernel_bytes, ==, 3 << 20);
  g_assert_cmpuint (stats.initrd_bytes, ==, f->initrd_len);
  g_assert_cmpuint (stats.total_bytes, ==, (3 << 20) + f->initrd_len + 20 + 4096
                    + KBOOT_HANDOFF_SIZE);
  /* Large windows: one map per file, one per small piece. */
  g_assert_cmpuint (stats.maps, ==, 5);
  /* No ACPI tables asked: no RSDP, no platform set-up for the firmware. */
  g_assert_cmpuint (kboot_le_get (bp + 0x70, 8), ==, 0);
  g_assert_cmpuint (kboot_le_get ((const guint8 *) ram + 0x1014, 4), ==, 0);
  g_assert_cmpuint (kboot_le_get ((const guint8 *) ram + 0x101c, 4), ==, 0);
  g_assert_cmpuint (kboot_le_get ((const guint8 *) ram + 0x40e, 2), ==, 0);
}

/* With ACPI tables: the bytes kboot_acpi_build() makes for the address
 * land there, boot_params names their RSDP, and the handoff block carries
 * the platform's PM base and links; tables larger than the region the
 * plan gave them are refused before anything is written. */
static void
test_load_acpi (Fixture *f, gconstpointer data)
{
  static const KbootPlatformKind kinds[] = { KBOOT_PLATFORM_XEN_HVM,
                                             KBOOT_PLATFORM_QEMU_PC };

  for (gsize k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KbootKernel) kernel = kboot_kernel_open_bootable (f->kernel_path, &error);
      g_autoptr(KbootGuest) guest = NULL;
      g_autoptr(GBytes) want = NULL;
      g_autofree char *ram = NULL;
      const guint8 online[1] = { 0x5 };   /* vCPUs 0 and 2 of 3 */
      KbootAcpiConfig acpi = { kinds[k], 3, online, 0, 0xf0000000, 0xfc000000 };
      KbootLoadAddresses at = addresses;
      guint64 rsdp = 0;
      KbootHandoff hw = { 0 };
      gsize ram_len = 0;
      const guint8 *bp;

      g_assert_no_error (error);
      at.acpi = &acpi;
      at.acpi_addr = 0x5000;
      at.acpi_size = kboot_acpi_size (kinds[k], 3) - 1;
      g_unlink (f->ram_path);
      guest = kboot_guest_file_create (f->ram_path, RAM_SIZE, blocks, 2, &error);
      g_assert_no_error (error);
      g_assert_false (kboot_loader_load (guest, kernel, NULL, "", &at, NULL, &error));
      g_assert_error (error, KBOOT_LOADER_ERROR, KBOOT_LOADER_ERROR_ACPI);
      g_assert_cmpuint (guest->bytes_written, ==, 0);
      g_clear_error (&error);

      at.acpi_size = 0x1000;
      g_assert_true (kboot_loader_load (guest, kernel, NULL, "", &at, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (kboot_guest_commit (guest, &error));
      g_assert_true (g_file_get_contents (f->ram_path, &ram, &ram_len, &error));

      acpi.base = 0x5000;
      want = kboot_acpi_build (&acpi, &rsdp, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (ram + 0x5000, g_bytes_get_size (want),
                       g_bytes_get_data (want, NULL), g_bytes_get_size (want));
      bp = (const guint8 *) ram + 0x2000;
      g_assert_cmphex (kboot_le_get (bp + 0x70, 8), ==, rsdp);
      g_assert_cmpmem (ram + rsdp, 8, "RSD PTR ", 8);
      /* An older kernel's search (ACPI 5.2.5.1): the EBDA segment at
       * 0x40e, the RSDP on a 16-byte boundary in its first KiB. */
      {
        guint64 ebda = kboot_le_get ((const guint8 *) ram + 0x40e, 2) << 4;
        guint64 found = 0;

        for (guint64 a = ebda; a < ebda + 1024 && !found; a += 16)
          if (memcmp (ram + a, "RSD PTR ", 8) == 0)
            found = a;
        g_assert_cmphex (found, ==, rsdp);
      }
      g_assert_true (kboot_acpi_platform_hw (kinds[k], &hw));
      g_assert_true (kboot_handoff_valid ((const guint8 *) ram + 0x1000));
      g_assert_cmphex (kboot_le_get ((const guint8 *) ram + 0x1014, 4), ==, hw.pci_links);
      g_assert_cmphex (kboot_le_get ((const guint8 *) ram + 0x101c, 4), ==, hw.pm_base);
      g_assert_cmphex (kboot_le_get ((const guint8 *) ram + 0x1020, 4), ==, hw.pci_skew);
      g_assert_cmphex (hw.pm_base, ==, kinds[k] == KBOOT_PLATFORM_XEN_HVM ? 0xb000 : 0x600);
      /* Xen's barber pole is slot + pin; QEMU's PIIX3 wires slot - 1. */
      g_assert_cmpuint (hw.pci_skew, ==, kinds[k] == KBOOT_PLATFORM_XEN_HVM ? 0 : 3);
    }
}

static void
test_changed_before_load (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbootKernel) kernel = kboot_kernel_open_bootable (f->kernel_path, &error);
  g_autoptr(KbootGuest) guest = NULL;
  int fd;

  /* The kernel grows after it was validated. */
  fd = open (f->kernel_path, O_WRONLY | O_APPEND);
  g_assert_cmpint (write (fd, "more", 4), ==, 4);
  close (fd);
  guest = kboot_guest_file_create (f->ram_path, RAM_SIZE, blocks, 2, &error);
  g_assert_false (kboot_loader_load (guest, kernel, NULL, "", &addresses, NULL, &error));
  g_assert_error (error, KBOOT_FILE_ERROR, KBOOT_FILE_ERROR_CHANGED);
  /* Refused before anything was written. */
  g_assert_cmpuint (guest->bytes_written, ==, 0);
  g_clear_pointer (&guest, kboot_guest_free);
  g_assert_false (g_file_test (f->ram_path, G_FILE_TEST_EXISTS));
}

static void
test_initrd_changed (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbootKernel) kernel = kboot_kernel_open_bootable (f->kernel_path, &error);
  g_autoptr(KbootFile) initrd = kboot_file_open (f->initrd_path, "initrd", &error);
  g_autoptr(KbootGuest) guest = NULL;

  g_assert_cmpint (truncate (f->initrd_path, 4096), ==, 0);
  guest = kboot_guest_file_create (f->ram_path, RAM_SIZE, blocks, 2, &error);
  g_assert_false (kboot_loader_load (guest, kernel, initrd, "", &addresses, NULL, &error));
  g_assert_error (error, KBOOT_FILE_ERROR, KBOOT_FILE_ERROR_CHANGED);
  g_assert_true (g_str_has_suffix (error->message, "size was 5243003 bytes, is now 4096"));
}

static void
test_cmdline_limit (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbootKernel) kernel = kboot_kernel_open_bootable (f->kernel_path, &error);
  g_autoptr(KbootGuest) guest = NULL;
  g_autofree char *exact = g_strnfill (2047, 'a');
  g_autofree char *over = g_strnfill (2048, 'a');
  g_autofree char *want = g_strdup_printf ("command line of 2048 bytes is longer "
                                           "than the 2047 bytes %s accepts "
                                           "(cmdline_size at offset 0x238)",
                                           f->kernel_path);

  guest = kboot_guest_file_create (f->ram_path, RAM_SIZE, blocks, 2, &error);
  g_assert_false (kboot_loader_load (guest, kernel, NULL, over, &addresses, NULL, &error));
  g_assert_error (error, KBOOT_LOADER_ERROR, KBOOT_LOADER_ERROR_CMDLINE);
  g_assert_cmpstr (error->message, ==, want);
  g_assert_cmpuint (guest->bytes_written, ==, 0);
  g_clear_error (&error);
  g_assert_true (kboot_loader_load (guest, kernel, NULL, exact, &addresses, NULL, &error));
  g_assert_no_error (error);
}

static void
test_not_bootable (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbootKernel) kernel = NULL;
  g_autoptr(KbootGuest) guest = NULL;

  kboot_synth_put (f->synth, 0x234, 1, 0);
  g_assert_true (g_file_set_contents (f->kernel_path, (const char *) f->synth->data,
                                      f->synth->len, &error));
  /* Opened without the bootable check: the loader checks again. */
  kernel = kboot_kernel_open (f->kernel_path, &error);
  guest = kboot_guest_file_create (f->ram_path, RAM_SIZE, blocks, 2, &error);
  g_assert_false (kboot_loader_load (guest, kernel, NULL, "", &addresses, NULL, &error));
  g_assert_error (error, KBOOT_IMAGE_ERROR, KBOOT_IMAGE_RULE_NOT_RELOCATABLE);
  g_assert_cmpuint (guest->bytes_written, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) \
  g_test_add ("/kboot/loader/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("bytes", test_load_bytes);
  g_test_add ("/kboot/loader/acpi", Fixture, NULL, fixture_setup, test_load_acpi,
              fixture_teardown);
  g_test_add ("/kboot/loader/bytes-bounced", Fixture, GINT_TO_POINTER (TRUE),
              fixture_setup, test_load_bytes, fixture_teardown);
  ADD ("changed-before-load", test_changed_before_load);
  ADD ("initrd-changed", test_initrd_changed);
  ADD ("cmdline-limit", test_cmdline_limit);
  ADD ("not-bootable", test_not_bootable);
#undef ADD
  return g_test_run ();
}
