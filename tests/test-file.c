/* Tests of safe file reading (src/kboot_util_file.c) and of the probe's I/O
 * edge (src/kboot_image_file.c) on real files made here. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "kboot_image_file.h"
#include "kboot_synth.h"

typedef struct {
  char *dir;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("kboot-file-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

static char *
write_synth (Fixture *f, const char *name, const KbootSynth *s)
{
  char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, (const char *) s->data, (gssize) s->len, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_missing (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "nope", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *want = g_strdup_printf ("%s: cannot open kernel: No such file or directory", path);

  g_assert_null (kboot_file_open (path, "kernel", &error));
  g_assert_error (error, KBOOT_FILE_ERROR, KBOOT_FILE_ERROR_OPEN);
  g_assert_cmpstr (error->message, ==, want);
}

static void
test_directory (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *want = g_strdup_printf ("%s: initrd is a directory, not a regular file", f->dir);

  g_assert_null (kboot_file_open (f->dir, "initrd", &error));
  g_assert_error (error, KBOOT_FILE_ERROR, KBOOT_FILE_ERROR_NOT_REGULAR);
  g_assert_cmpstr (error->message, ==, want);
}

static void
test_fifo (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "fifo", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *want = g_strdup_printf ("%s: kernel is a FIFO, not a regular file", path);

  /* No writer ever opens it: a blocking open would hang the test. */
  g_assert_cmpint (mkfifo (path, 0600), ==, 0);
  g_assert_null (kboot_file_open (path, "kernel", &error));
  g_assert_error (error, KBOOT_FILE_ERROR, KBOOT_FILE_ERROR_NOT_REGULAR);
  g_assert_cmpstr (error->message, ==, want);
}

static void
test_char_device (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (kboot_file_open ("/dev/null", "kernel", &error));
  g_assert_error (error, KBOOT_FILE_ERROR, KBOOT_FILE_ERROR_NOT_REGULAR);
  g_assert_cmpstr (error->message, ==,
                   "/dev/null: kernel is a character device, not a regular file");
}

static void
test_socket (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "sock", NULL);
  g_autoptr(GError) error = NULL;
  /* open() of a socket fails (ENXIO) before fstat could name it; the
   * message still says what it is, not "No such device or address". */
  g_autofree char *want = g_strdup_printf ("%s: kernel is a socket, not a regular file", path);
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpuint (strlen (path), <, sizeof addr.sun_path);
  strcpy (addr.sun_path, path);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_null (kboot_file_open (path, "kernel", &error));
  g_assert_error (error, KBOOT_FILE_ERROR, KBOOT_FILE_ERROR_NOT_REGULAR);
  g_assert_cmpstr (error->message, ==, want);
  close (fd);
}

static void
test_empty (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "empty", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *want = g_strdup_printf ("%s: initrd is empty (0 bytes)", path);

  g_file_set_contents (path, "", 0, NULL);
  g_assert_null (kboot_file_open (path, "initrd", &error));
  g_assert_error (error, KBOOT_FILE_ERROR, KBOOT_FILE_ERROR_EMPTY);
  g_assert_cmpstr (error->message, ==, want);
}

static void
test_read_bounds (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "ten", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KbootFile) file = NULL;
  char buf[32];
  gsize got = 99;

  g_file_set_contents (path, "0123456789", 10, NULL);
  file = kboot_file_open (path, "kernel", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (file->size, ==, 10);
  g_assert_true (kboot_file_read_at (file, 4, buf, sizeof buf, &got, &error));
  g_assert_cmpuint (got, ==, 6);
  g_assert_cmpmem (buf, 6, "456789", 6);
  g_assert_true (kboot_file_read_at (file, 100, buf, sizeof buf, &got, &error));
  g_assert_cmpuint (got, ==, 0);
  g_assert_false (kboot_file_read_exact_at (file, 8, buf, 4, &error));
  g_assert_error (error, KBOOT_FILE_ERROR, KBOOT_FILE_ERROR_CHANGED);
  g_clear_error (&error);
  g_assert_false (kboot_file_read_at (file, G_GUINT64_CONSTANT (0xffffffffffffff00),
                                      buf, 4, &got, &error));
  g_assert_error (error, KBOOT_FILE_ERROR, KBOOT_FILE_ERROR_READ);
  /* 6 bytes from offset 4, then the 2 that exist at offset 8. */
  g_assert_cmpuint (file->bytes_read, ==, 8);
}

static void
test_changed (Fixture *f, gconstpointer data)
{
  g_autoptr(KbootSynth) s = kboot_synth_new (0x020f, 4, 0x10000);
  g_autofree char *path = write_synth (f, "k", s);
  g_autoptr(GError) error = NULL;
  g_autoptr(KbootKernel) kernel = kboot_kernel_open_bootable (path, &error);
  int fd;

  g_assert_no_error (error);
  g_assert_true (kboot_kernel_check_unchanged (kernel, &error));
  g_assert_no_error (error);

  /* Rewrite a header byte in place, then put the mtime back: only the
   * byte comparison can tell. */
  {
    struct stat st;
    struct timespec times[2];
    guint8 zero = 0;

    g_assert_cmpint (stat (path, &st), ==, 0);
    fd = open (path, O_WRONLY);
    g_assert_cmpint (pwrite (fd, &zero, 1, 0x234), ==, 1);
    times[0] = st.st_atim;
    times[1] = st.st_mtim;
    g_assert_cmpint (futimens (fd, times), ==, 0);
    close (fd);
  }
  g_assert_false (kboot_kernel_check_unchanged (kernel, &error));
  g_assert_error (error, KBOOT_FILE_ERROR, KBOOT_FILE_ERROR_CHANGED);
  g_assert_true (g_str_has_suffix (error->message, "changed since it was validated (its setup header differs)"));
  g_clear_error (&error);

  /* Grow the file: the size check catches it. */
  fd = open (path, O_WRONLY | O_APPEND);
  g_assert_cmpint (write (fd, "x", 1), ==, 1);
  close (fd);
  g_assert_false (kboot_kernel_check_unchanged (kernel, &error));
  g_assert_error (error, KBOOT_FILE_ERROR, KBOOT_FILE_ERROR_CHANGED);
  g_assert_nonnull (strstr (error->message, "size was 68096 bytes, is now 68097"));
}

static void
test_replaced (Fixture *f, gconstpointer data)
{
  g_autoptr(KbootSynth) s = kboot_synth_new (0x020f, 4, 0x10000);
  g_autofree char *path = write_synth (f, "k", s);
  g_autoptr(GError) error = NULL;
  g_autoptr(KbootKernel) kernel = kboot_kernel_open_bootable (path, &error);
  g_autoptr(KbootSynth) other = kboot_synth_new (0x020f, 4, 0x10000);
  g_autofree char *other_path = write_synth (f, "k2", other);
  guint8 byte = 0;

  g_assert_no_error (error);
  /* Replacing the path does not change what we hold: the descriptor still
   * reads the file that was validated. */
  g_assert_cmpint (g_rename (other_path, path), ==, 0);
  g_assert_true (kboot_kernel_check_unchanged (kernel, &error));
  g_assert_true (kboot_file_read_exact_at (kernel->file, 0x1fe, &byte, 1, &error));
  g_assert_cmpuint (byte, ==, 0x55);
}

/* A kernel padded to 512 MiB (sparse): the probe reads a bounded number of
 * bytes, independent of the file's size. */
static void
test_bounded_read (Fixture *f, gconstpointer data)
{
  g_autoptr(KbootSynth) s = kboot_synth_new (0x020f, 39, 0x200000);
  g_autofree char *path = write_synth (f, "big", s);
  g_autoptr(GError) error = NULL;
  g_autoptr(KbootKernel) small = NULL, big = NULL;
  int fd;

  small = kboot_kernel_open (path, &error);
  g_assert_no_error (error);
  fd = open (path, O_WRONLY);
  g_assert_cmpint (ftruncate (fd, 512 << 20), ==, 0);
  close (fd);
  big = kboot_kernel_open (path, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (big->file->size, ==, 512 << 20);
  g_assert_cmpuint (big->file->bytes_read, <=,
                    KBOOT_IMAGE_HEAD_MAX + KBOOT_IMAGE_PAYLOAD_MAGIC_MAX);
  g_assert_cmpuint (big->file->bytes_read, ==, small->file->bytes_read);
  g_assert_true (kboot_image_is_bootable (big->image));
  g_assert_cmpint (big->image->payload_format, ==, KBOOT_PAYLOAD_XZ);
}

static void
test_open_bootable_error (Fixture *f, gconstpointer data)
{
  g_autoptr(KbootSynth) s = kboot_synth_new (0x020f, 4, 0x10000);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *want = NULL;

  kboot_synth_put (s, 0x234, 1, 0);
  path = write_synth (f, "norel", s);
  want = g_strdup_printf ("%s: cannot be direct-booted: relocatable_kernel is 0 at "
                          "offset 0x234: built without CONFIG_RELOCATABLE, it cannot "
                          "be loaded at 0x200000", path);
  g_assert_null (kboot_kernel_open_bootable (path, &error));
  g_assert_error (error, KBOOT_IMAGE_ERROR, KBOOT_IMAGE_RULE_NOT_RELOCATABLE);
  g_assert_cmpstr (error->message, ==, want);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) \
  g_test_add ("/kboot/file/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("missing", test_missing);
  ADD ("directory", test_directory);
  ADD ("fifo", test_fifo);
  ADD ("char-device", test_char_device);
  ADD ("socket", test_socket);
  ADD ("empty", test_empty);
  ADD ("read-bounds", test_read_bounds);
  ADD ("changed", test_changed);
  ADD ("replaced", test_replaced);
  ADD ("bounded-read-512MiB", test_bounded_read);
  ADD ("open-bootable-error", test_open_bootable_error);
#undef ADD
  return g_test_run ();
}
