/* xen-kboot create / destroy / list: the driver on a Xen host. */
#include "config.h"

#include <stdio.h>

#include "cli_util.h"
#include "conf_cli.h"
#include "kboot_util_runtime.h"
#include "xen-kboot-cmd.h"
#include "xen_kboot_driver.h"
#include "xen_kboot_conf_native.h"
#ifdef WITH_XEN
#include "create_monitor.h"
#include "xen_kboot_xen_driver.h"
#endif

#ifndef WITH_XEN
static int
kboot_cmd_without_xen (const char *command)
{
  fprintf (stderr, "xen-kboot %s: this xen-kboot was built without the Xen "
           "toolstack libraries\n(libxenlight, libxenctrl, libxenforeignmemory: "
           "Debian's libxen-dev); rebuild with\n'./configure --with-xen=yes' "
           "on a machine that has them\n", command);
  return KBOOT_EXIT_FAILURE;
}
#endif

#ifdef WITH_XEN
/* After create: nothing more (--no-monitor), the monitor in this process
 * (--foreground), or detached.  Returns the exit status. */
static int
kboot_create_watch (XenKbootXen **xen, const XenKbootDomainDef *def,
                    const XenKbootCreateOptions *options, guint32 domid,
                    gboolean foreground, gboolean verbose)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XenKbootMonitor) monitor = NULL;
  g_auto(KbootMonitorStart) start = { 0 };
  XenKbootMonitorOptions monitor_options = { *options, !foreground };
  const char *name = def->name ? def->name : "unnamed";

  if (foreground)
    monitor = xen_kboot_monitor_new (xen, def, &monitor_options, domid, &error);
  else if (kboot_monitor_start_detached (xen, def, &monitor_options, domid, &start,
                                         &error) && start.in_monitor)
    return start.status;        /* the monitor's process, at its end */
  if (error)
    {
      xen_kboot_create_abandon (*xen, name, domid, "starting its monitor", &error);
      kboot_cli_error (error);
      return KBOOT_EXIT_FAILURE;
    }
  printf ("%u\n", domid);
  fflush (stdout);
  if (!foreground)
    {
      if (verbose)
        {
          g_autofree char *printable = kboot_text_printable (name);

          fprintf (stderr, "xen-kboot: domain '%s' (id %u) is watched by process "
                   "%d, its log %s\n", printable, domid, (int) start.pid, start.log);
        }
      return KBOOT_EXIT_OK;
    }
  return xen_kboot_monitor_run (monitor);
}
#endif

/* The command line of create. */
typedef struct {
  char *uri, *mode, *firmware;
  gboolean paused, verbose, foreground, no_monitor;
  KbootConfCliFast fast;
} KbootCreateArgs;

static void
kboot_create_args_clear (KbootCreateArgs *args)
{
  g_clear_pointer (&args->uri, g_free);
  g_clear_pointer (&args->mode, g_free);
  g_clear_pointer (&args->firmware, g_free);
  kboot_conf_cli_fast_clear (&args->fast);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KbootCreateArgs, kboot_create_args_clear)

static gboolean
kboot_create_parse (KbootCreateArgs *a, int *argc, char ***argv)
{
  const GOptionEntry entries[] = {
    { "connect", 'c', 0, G_OPTION_ARG_STRING, &a->uri,
      "Read the domain NAME from libvirt at URI instead of a file", "URI" },
    { "paused", 'p', 0, G_OPTION_ARG_NONE, &a->paused,
      "Leave the domain paused once loaded ('xl unpause' starts it)", NULL },
    { "mode", 'm', 0, G_OPTION_ARG_STRING, &a->mode,
      "Boot mode: direct (xen-kboot's loader and firmware) or device-model "
      "(libxl hands the kernel to QEMU); default: the domain's "
      "<kboot:boot mode=>, else direct", "MODE" },
    { "firmware", 0, 0, G_OPTION_ARG_FILENAME, &a->firmware,
      "The firmware ELF Xen loads (default: the installed xen-kboot-fw.elf)",
      "PATH" },
    { "foreground", 'F', 0, G_OPTION_ARG_NONE, &a->foreground,
      "Watch the domain from this process, as 'xl create -F': apply its "
      "on_poweroff, on_reboot and on_crash, messages on stderr, until it is "
      "gone", NULL },
    { "no-monitor", 0, 0, G_OPTION_ARG_NONE, &a->no_monitor,
      "Start no monitor, as 'xl create -e': nothing acts when the guest "
      "shuts down (the domain stays, shut down, until destroyed)", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &a->verbose,
      "Print each step and the memory plan on stderr", NULL },
    KBOOT_CONF_CLI_FAST_ENTRIES (&a->fast),
    { NULL }
  };

  return kboot_cli_parse ("create", "DOMAIN.xml | --connect URI NAME",
                          "Create and start a Xen HVM domain from a libvirt "
                          "domain XML, booting its <kernel>,\n<initrd> and "
                          "<cmdline> directly: validate everything first, create "
                          "the\ndomain paused through libxl with xen-kboot's "
                          "firmware in place of hvmloader,\nread back the memory "
                          "layout Xen built, load the kernel into it, and "
                          "unpause.\nPrints the new domain's id, and leaves a "
                          "monitor process that applies the\ndomain's "
                          "<on_poweroff>, <on_reboot> and <on_crash> when its "
                          "guest shuts down\n(destroy, restart with the kernel "
                          "validated and loaded again, preserve, ...),\nlogging "
                          "to /var/log/xen/xen-kboot-NAME.log, as 'xl create' "
                          "does.",
                          "Exit status: 0 when the domain runs (or is paused "
                          "with --paused) and is watched,\n1 when the domain, "
                          "its kernel, initrd or command line were refused, or a "
                          "Xen\nstep or the monitor's start failed (the domain "
                          "is then destroyed), 2 on a usage\nerror, 128+N after "
                          "signal N.  With --foreground, once the domain is gone: "
                          "0 when\nits rule was applied or it was destroyed from "
                          "outside, 1 when an action\nfailed, 128+N when signal N "
                          "stopped the watch (the domain is left as it is).",
                          entries, argc, argv);
}

#ifdef WITH_XEN
/* Create the domain, then watch it as @args say.  Returns the exit status. */
static int
kboot_create_run (const XenKbootDomainDef *def, KbootCreateArgs *args,
                  XenKbootBootMode forced_mode)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XenKbootXen) xen = NULL;
  XenKbootNativeOptions defaults;
  XenKbootCreateOptions options = { 0 };
  guint32 domid = 0;

  xen_kboot_native_options_init (&defaults, def);
  options.mode = args->mode ? forced_mode : defaults.mode;
  kboot_conf_cli_print_warnings (def, options.mode);
  options.paused = args->paused;
  /* Absolute: a restart by the monitor, which runs in /, reads it again. */
  if (args->firmware && !g_path_is_absolute (args->firmware))
    {
      g_autofree char *relative = g_steal_pointer (&args->firmware);

      args->firmware = g_canonicalize_filename (relative, NULL);
    }
  options.firmware = args->firmware;
  options.verbose = args->verbose;
  if (!kboot_conf_cli_fast_resolve ("create", &args->fast, def, args->verbose,
                                    &options.fast))
    return KBOOT_EXIT_USAGE;
  if (options.fast && options.mode == XEN_KBOOT_BOOT_MODE_DEVICE_MODEL)
    return kboot_cli_usage_error ("create", "the fast boot path is the loader's: "
                                  "in device-model mode QEMU loads the kernel; "
                                  "use --mode direct, or --boot-path direct");
  if (!xen_kboot_create (&xen, def, &options, &domid, &error))
    {
      kboot_cli_error (error);
      if (g_error_matches (error, XEN_KBOOT_DRIVER_ERROR,
                           XEN_KBOOT_DRIVER_ERROR_INTERRUPTED))
        return 128 + kboot_runtime_caught_signal ();
      return KBOOT_EXIT_FAILURE;
    }
  if (args->no_monitor)
    {
      printf ("%u\n", domid);
      return KBOOT_EXIT_OK;
    }
  return kboot_create_watch (&xen, def, &options, domid, args->foreground,
                             args->verbose);
}
#endif

int
kboot_cmd_create (int argc, char **argv)
{
  g_auto(KbootCreateArgs) args = { 0 };
  g_autoptr(GPtrArray) problems = xen_kboot_conf_problems_new ();
  g_autoptr(XenKbootDomainDef) def = NULL;
  XenKbootBootMode forced_mode = XEN_KBOOT_BOOT_MODE_DIRECT;

  if (!kboot_create_parse (&args, &argc, &argv))
    return KBOOT_EXIT_USAGE;
  if (args.foreground && args.no_monitor)
    return kboot_cli_usage_error ("create", "--foreground and --no-monitor "
                                  "exclude each other");
  if (argc != 2)
    return kboot_cli_usage_error ("create", "%s", argc < 2 ? "no domain XML given"
                                                           : "one domain at a time");
  if (args.mode && !kboot_conf_cli_parse_mode ("create", args.mode, &forced_mode))
    return KBOOT_EXIT_USAGE;

  def = kboot_conf_cli_load_to_convert (args.uri, argv[1], problems);
  if (!def)
    {
      kboot_conf_cli_print_problems (problems);
      return KBOOT_EXIT_FAILURE;
    }
  kboot_conf_cli_print_ignored (def);
#ifdef WITH_XEN
  return kboot_create_run (def, &args, forced_mode);
#else
  return kboot_cmd_without_xen ("create");
#endif
}

int
kboot_cmd_destroy (int argc, char **argv)
{
  const GOptionEntry entries[] = { { NULL } };

  if (!kboot_cli_parse ("destroy", "NAME|ID",
                        "Destroy a domain that 'xen-kboot create' started "
                        "(others are refused: use\n'xl destroy' or 'virsh "
                        "destroy' for them).",
                        "Exit status: 0 when destroyed, 1 when there is no "
                        "such domain, it is not\nxen-kboot's, or libxl failed, "
                        "2 on a usage error.",
                        entries, &argc, &argv))
    return KBOOT_EXIT_USAGE;
  if (argc != 2)
    return kboot_cli_usage_error ("destroy", "%s", argc < 2 ? "no domain given"
                                                            : "one domain at a time");
#ifdef WITH_XEN
  {
    g_autoptr(GError) error = NULL;
    guint32 domid = 0;

    if (!xen_kboot_destroy (argv[1], &domid, &error))
      {
        kboot_cli_error (error);
        return KBOOT_EXIT_FAILURE;
      }
    return KBOOT_EXIT_OK;
  }
#else
  return kboot_cmd_without_xen ("destroy");
#endif
}

int
kboot_cmd_list (int argc, char **argv)
{
  gboolean long_output = FALSE;
  const GOptionEntry entries[] = {
    { "long", 'l', 0, G_OPTION_ARG_NONE, &long_output,
      "Also print each domain's record: domain XML, mode, kernel, initrd, "
      "command line", NULL },
    { NULL }
  };

  if (!kboot_cli_parse ("list", "",
                        "List the domains that 'xen-kboot create' started and "
                        "that still exist\n(libxl keeps xen-kboot's record with "
                        "each one and drops it with the domain).",
                        "Exit status: 0, 1 when Xen cannot be reached, 2 on a "
                        "usage error.",
                        entries, &argc, &argv))
    return KBOOT_EXIT_USAGE;
  if (argc != 1)
    return kboot_cli_usage_error ("list", "takes no arguments");
#ifdef WITH_XEN
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) list = xen_kboot_list (&error);

    if (!list)
      {
        kboot_cli_error (error);
        return KBOOT_EXIT_FAILURE;
      }
    printf ("%-5s %-24s %-9s %10s\n", "ID", "Name", "State", "Mem(MiB)");
    for (guint i = 0; i < list->len; i++)
      {
        const XenKbootDomainInfo *d = g_ptr_array_index (list, i);
        g_autofree char *name = kboot_text_printable (d->name);

        printf ("%-5u %-24s %-9s %10" G_GUINT64_FORMAT "\n", d->domid, name,
                d->state, d->memory_kib / 1024);
        if (long_output)
          {
            g_auto(GStrv) lines = g_strsplit (d->record, "\n", -1);
            for (char **l = lines; *l; l++)
              if (**l)
                {
                  g_autofree char *line = kboot_text_printable (*l);

                  printf ("      %s\n", line);
                }
          }
      }
    return KBOOT_EXIT_OK;
  }
#else
  return kboot_cmd_without_xen ("list");
#endif
}
