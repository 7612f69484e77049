/* xen-kboot-dm: the device model libvirt's libxl driver and xl start for a
 * direct-boot domain (<emulator>, device_model_override=).  libxl runs it
 * once the domain is built and before it is unpaused; with -kernel it
 * loads the kernel through xen-kboot's loader, points vCPU 0 at
 * xen-kboot's firmware, and becomes the real qemu-xen without -kernel,
 * -initrd and -append.  Anything else becomes qemu-xen untouched.  Its
 * stderr is libxl's /var/log/xen/qemu-dm-NAME.log. */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "kboot_util.h"
#include "xen_kboot_driver_choice.h"
#include "xen_kboot_driver_dm.h"
#include "xen_kboot_xen_dm.h"

/* Exit statuses: 1 the load refused or failed (libxl then fails the
 * domain's creation), 127 the real device model could not be run. */
#define DM_EXIT_FAILED 1
#define DM_EXIT_EXEC   127

static void
print_usage (FILE *out)
{
  fprintf (out,
           "Usage: xen-kboot-dm QEMU-ARGUMENT...\n"
           "       xen-kboot-dm --help | --version\n"
           "\n"
           "The device model of a direct-boot Xen domain: name it with\n"
           "<emulator>%s/xen-kboot-dm</emulator> in the domain XML, or with\n"
           "device_model_override= in an xl.cfg.  libxl starts it with qemu-xen's\n"
           "arguments.  With -xen-domid N, -machine xenfv and -kernel, it loads the\n"
           "kernel, initrd (-initrd), command line (-append) and boot_params into\n"
           "domain N through xen-kboot's loader, makes vCPU 0 enter xen-kboot's\n"
           "firmware instead of hvmloader, then runs the real device model without\n"
           "-kernel, -initrd and -append.  Any other invocation (libvirt's -help\n"
           "probe, a domain without -kernel) runs the real device model untouched.\n"
           "\n"
           "Real device model: %s\n"
           "  (qemu-xen = PATH in [device-model] of %s;\n"
           "   $XEN_KBOOT_DM_CONF names another configuration file)\n"
           "Messages go to stderr: libxl keeps them in /var/log/xen/qemu-dm-NAME.log.\n"
           "Exit status: 1 the kernel was refused or the load failed (the domain is\n"
           "not started), 127 the real device model could not be run; otherwise\n"
           "the real device model's.  See xen-kboot-dm(8).\n",
           KBOOT_FIRMWARE_DIR, XEN_KBOOT_QEMU_XEN, XEN_KBOOT_DM_CONF);
}

static void G_GNUC_PRINTF (1, 2)
dm_log (const char *format, ...)
{
  g_autofree char *text = NULL, *line = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  /* One log line each: a path with a newline must not forge a second
   * line in the qemu-dm log. */
  line = kboot_text_printable (text);
  fprintf (stderr, "xen-kboot-dm: %s\n", line);
}

/* Become the real device model.  Refuses to run ourselves again: a
 * qemu-xen= that names xen-kboot-dm would loop for ever. */
static int
dm_exec (const XenKbootDmConfig *config, const char *file, char **argv)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *target = realpath (config->qemu_xen, NULL);

  if (self && target && strcmp (self, target) == 0)
    {
      dm_log ("the real device model %s is xen-kboot-dm itself: set qemu-xen = "
              "PATH of qemu-xen in %s", config->qemu_xen, file);
      return DM_EXIT_EXEC;
    }
  fflush (stderr);
  execv (config->qemu_xen, argv);
  dm_log ("cannot run the device model %s: %s (set qemu-xen = PATH in [device-model] "
          "of %s)", config->qemu_xen, g_strerror (errno), file);
  return DM_EXIT_EXEC;
}

/* The path the domain's own <kboot:boot path=> chose, recorded by the
 * libvirt hook, over dm.conf's boot-path, and said; a record that cannot
 * be trusted or read is said and passed by, and dm.conf's path kept. */
static void
dm_domain_boot_path (const XenKbootDmArgs *args, XenKbootDmConfig *config)
{
  g_autofree char *dir = xen_kboot_choice_dir ();
  g_autofree char *file = NULL;
  g_autoptr(GError) error = NULL;
  XenKbootBootPath path;
  gboolean found;

  if (!args->name)
    return;
  if (!xen_kboot_choice_lookup (dir, args->name, &found, &path, &error))
    {
      dm_log ("domain '%s' (id %u): warning: its boot path record is not used: "
              "%s; boot-path of the configuration instead", args->name,
              args->domid, error->message);
      return;
    }
  if (!found)
    return;
  config->fast = path == XEN_KBOOT_BOOT_PATH_FAST;
  file = xen_kboot_choice_file (dir, args->name, NULL);
  dm_log ("domain '%s' (id %u): boot path %s, from the domain's <kboot:boot "
          "path='%s'/> (the libvirt hook's record %s)", args->name, args->domid,
          xen_kboot_boot_path_to_string (path), xen_kboot_boot_path_to_string (path),
          file);
}

/* Load domain @args->domid's kernel; a failure is one line in the log. */
static gboolean
dm_load (const XenKbootDmArgs *args, const XenKbootDmConfig *config)
{
  g_autofree char *who = args->name
                         ? g_strdup_printf ("domain '%s' (id %u)", args->name, args->domid)
                         : g_strdup_printf ("domain %u", args->domid);
  g_autoptr(GError) error = NULL;
  g_autofree char *size = NULL, *initrd_at = NULL;
  XenKbootFastOptions fast = {
    .cache_dir = config->kernel_cache, .cache_max = config->kernel_cache_size,
    .verbose = config->verbose,
  };
  XenKbootDmRequest request = {
    .domid = args->domid, .kernel = args->kernel, .initrd = args->initrd,
    .cmdline = args->cmdline, .firmware = g_getenv ("XEN_KBOOT_DM_FIRMWARE"),
    .no_acpi = args->no_acpi, .fast = config->fast ? &fast : NULL,
  };
  XenKbootDmReport report;
  gint64 start = g_get_monotonic_time ();
  double seconds;

  dm_log ("%s: %s boot of %s, initrd %s, command line \"%s\"", who,
          config->fast ? "fast" : "direct", args->kernel,
          args->initrd ? args->initrd : "(none)", args->cmdline ? args->cmdline : "");
  if (!xen_kboot_dm_load (&request, &report, &error))
    {
      dm_log ("%s: %s", who, error->message);
      dm_log ("%s: not started: the device model exits with status %d and libxl "
              "destroys the domain", who, DM_EXIT_FAILED);
      return FALSE;
    }
  seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  size = kboot_format_size (report.stats.total_bytes);
  initrd_at = report.initrd_addr
              ? g_strdup_printf ("initrd at 0x%" G_GINT64_MODIFIER "x", report.initrd_addr)
              : g_strdup ("no initrd");
  dm_log ("%s: loaded %s in %u maps in %.3f s (%.0f MiB/s); kernel at 0x%"
          G_GINT64_MODIFIER "x, %s, guest RAM %" G_GUINT64_FORMAT " MiB", who, size,
          report.stats.maps, seconds,
          seconds > 0 ? (double) report.stats.total_bytes / KBOOT_MIB / seconds : 0.0,
          report.kernel_addr, initrd_at, report.ram_size / KBOOT_MIB);
  if (report.acpi_vcpus)
    dm_log ("%s: vCPU 0 enters xen-kboot's firmware at 0x%x instead of hvmloader; "
            "ACPI tables for %u vCPU%s", who, report.entry, report.acpi_vcpus,
            report.acpi_vcpus == 1 ? "" : "s");
  else
    dm_log ("%s: vCPU 0 enters xen-kboot's firmware at 0x%x instead of hvmloader; "
            "no ACPI tables (-no-acpi)", who, report.entry);
  if (config->verbose)
    fprintf (stderr, "%s", report.plan_table);
  xen_kboot_dm_report_clear (&report);
  return TRUE;
}

int
main (int argc, char **argv)
{
  XenKbootDmArgs args;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) dm_argv = NULL;
  XenKbootDmConfig config = { 0 };
  const char *file = NULL;
  int status;

  setlocale (LC_ALL, "");
  if (argc == 2 && strcmp (argv[1], "--help") == 0)
    {
      print_usage (stdout);
      return 0;
    }
  if (argc == 2 && strcmp (argv[1], "--version") == 0)
    {
      printf ("xen-kboot-dm %s (real device model %s)\n", PACKAGE_VERSION,
              XEN_KBOOT_QEMU_XEN);
      return 0;
    }
  if (!xen_kboot_dm_config_load (&config, &file, &error))
    {
      dm_log ("%s", error->message);
      return DM_EXIT_FAILED;
    }
  xen_kboot_dm_args_parse ((const char *const *) argv + 1, &args);
  if (args.direct)
    dm_domain_boot_path (&args, &config);
  if (!args.direct)
    {
      argv[0] = config.qemu_xen;
      status = dm_exec (&config, file, argv);
    }
  else if (!dm_load (&args, &config))
    status = DM_EXIT_FAILED;
  else
    {
      dm_argv = xen_kboot_dm_args_without_boot (config.qemu_xen,
                                                (const char *const *) argv + 1);
      dm_log ("running %s without -kernel, -initrd and -append", config.qemu_xen);
      status = dm_exec (&config, file, dm_argv);
    }
  xen_kboot_dm_config_clear (&config);
  return status;
}
