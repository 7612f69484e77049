/* Process-level helpers (see kboot_util_runtime.h). */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>

#include "kboot_util_runtime.h"

char *
kboot_runtime_find_firmware (const char *name, GError **error)
{
  const char *env = g_getenv ("XEN_KBOOT_FIRMWARE_DIR");
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr(GPtrArray) tried = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *joined = NULL;

  if (env && *env)
    g_ptr_array_add (tried, g_build_filename (env, name, NULL));
  if (exe)
    {
      /* tools/xen-kboot (or tools/.libs/xen-kboot) in a build tree. */
      g_autofree char *dir = g_path_get_dirname (exe);
      gsize root_len = strlen (dir) - MIN (strlen (dir), strlen (KBOOT_BIN_DIR));

      g_ptr_array_add (tried, g_build_filename (dir, "..", "firmware", name, NULL));
      g_ptr_array_add (tried, g_build_filename (dir, "..", "..", "firmware", name, NULL));
      /* Installed below a root (make install DESTDIR=ROOT): the firmware
       * installed with it, ROOT/KBOOT_FIRMWARE_DIR. */
      if (root_len > 0 && g_str_has_suffix (dir, KBOOT_BIN_DIR))
        {
          g_autofree char *root = g_strndup (dir, root_len);
          g_ptr_array_add (tried, g_build_filename (root, KBOOT_FIRMWARE_DIR, name, NULL));
        }
    }
  g_ptr_array_add (tried, g_build_filename (KBOOT_FIRMWARE_DIR, name, NULL));

  for (guint i = 0; i < tried->len; i++)
    if (g_file_test (g_ptr_array_index (tried, i), G_FILE_TEST_IS_REGULAR))
      /* Canonical: the path goes into libxl's config and our messages. */
      return g_canonicalize_filename (g_ptr_array_index (tried, i), NULL);

  g_ptr_array_add (tried, NULL);
  joined = g_strjoinv (", ", (char **) tried->pdata);
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
               "the xen-kboot firmware %s is missing (looked in: %s); set "
               "XEN_KBOOT_FIRMWARE_DIR or reinstall", name, joined);
  return NULL;
}

char *
kboot_runtime_ram_dir (void)
{
  const char *env = g_getenv ("XEN_KBOOT_RAM_DIR");

  if (env && *env)
    return g_strdup (env);
  /* tmpfs: guest RAM never touches a disk, and sparse files stay sparse. */
  if (g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) && access ("/dev/shm", W_OK) == 0)
    return g_strdup ("/dev/shm");
  return g_strdup (g_get_tmp_dir ());
}

char *
kboot_runtime_dump_dir (void)
{
  const char *env = g_getenv ("XEN_KBOOT_DUMP_DIR");

  /* XEN_DUMP_DIR in Xen's tools, where xl's handle_domain_death dumps. */
  return g_strdup (env && *env ? env : "/var/lib/xen/dump");
}

GStrv
kboot_runtime_log_dirs (void)
{
  const char *env = g_getenv ("XEN_KBOOT_LOG_DIR");
  const char *dirs[] = { "/var/log/xen", "/var/log", NULL };
  const char *chosen[] = { env, NULL };

  return g_strdupv ((char **) (env && *env ? chosen : dirs));
}

static volatile gint kboot_runtime_cancel;
static volatile sig_atomic_t kboot_runtime_signal;
static struct sigaction kboot_runtime_saved[3];
static const int kboot_runtime_signals[3] = { SIGINT, SIGTERM, SIGHUP };

static void
kboot_runtime_on_signal (int sig)
{
  if (!kboot_runtime_signal)
    kboot_runtime_signal = sig;
  g_atomic_int_set (&kboot_runtime_cancel, 1);
}

volatile gint *
kboot_runtime_catch_signals (void)
{
  struct sigaction sa;

  memset (&sa, 0, sizeof sa);
  sa.sa_handler = kboot_runtime_on_signal;
  sigemptyset (&sa.sa_mask);
  for (gsize i = 0; i < G_N_ELEMENTS (kboot_runtime_signals); i++)
    sigaction (kboot_runtime_signals[i], &sa, &kboot_runtime_saved[i]);
  return &kboot_runtime_cancel;
}

int
kboot_runtime_caught_signal (void)
{
  return kboot_runtime_signal;
}

void
kboot_runtime_restore_signals (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (kboot_runtime_signals); i++)
    sigaction (kboot_runtime_signals[i], &kboot_runtime_saved[i], NULL);
}

/* @n in @width digits at @p. */
static void
kboot_runtime_digits (char *p, guint64 n, int width)
{
  for (int i = width - 1; i >= 0; i--)
    {
      p[i] = (char) ('0' + n % 10);
      n /= 10;
    }
}

void
kboot_runtime_utc_stamp (gint64 unix_time, char buf[KBOOT_RUNTIME_UTC_STAMP_SIZE])
{
  guint64 secs = unix_time > 0 ? (guint64) unix_time : 0;
  guint64 days = secs / 86400, sod = secs % 86400;
  /* Howard Hinnant's civil_from_days: days since 1970-01-01 to y-m-d in
   * the proleptic Gregorian calendar, eras of 400 years from 0000-03-01. */
  guint64 z = days + 719468;
  guint64 era = z / 146097;
  guint64 doe = z - era * 146097;
  guint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  guint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  guint64 mp = (5 * doy + 2) / 153;
  guint64 d = doy - (153 * mp + 2) / 5 + 1;
  guint64 m = mp < 10 ? mp + 3 : mp - 9;
  guint64 y = yoe + era * 400 + (m <= 2);

  kboot_runtime_digits (buf, MIN (y, 9999), 4);
  buf[4] = '-';
  kboot_runtime_digits (buf + 5, m, 2);
  buf[7] = '-';
  kboot_runtime_digits (buf + 8, d, 2);
  buf[10] = 'T';
  kboot_runtime_digits (buf + 11, sod / 3600, 2);
  buf[13] = ':';
  kboot_runtime_digits (buf + 14, sod / 60 % 60, 2);
  buf[16] = ':';
  kboot_runtime_digits (buf + 17, sod % 60, 2);
  buf[19] = 'Z';
  buf[20] = '\0';
}
