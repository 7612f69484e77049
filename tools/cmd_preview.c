/* xen-kboot preview DOMAIN.xml: boot the domain's kernel, initrd and
 * command line under QEMU with xen-kboot's own loader and firmware. */
#include "config.h"

#include <stdio.h>

#include "cli_util.h"
#include "conf_cli.h"
#include "xen-kboot-cmd.h"
#include "kboot_util_runtime.h"
#include "xen_kboot_driver.h"

/* Exit statuses of preview beyond the common ones. */
#define KBOOT_EXIT_TIMEOUT 3

int
kboot_cmd_preview (int argc, char **argv)
{
  g_autofree char *uri = NULL, *memory_file = NULL, *qemu = NULL;
  g_autofree char *firmware = NULL, *debugcon = NULL;
  int timeout_s = 300;
  gboolean verbose = FALSE;
  g_auto(KbootConfCliFast) fast_args = { 0 };
  const GOptionEntry entries[] = {
    { "connect", 'c', 0, G_OPTION_ARG_STRING, &uri,
      "Read the domain NAME from libvirt at URI instead of a file", "URI" },
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout_s,
      "Stop the guest after S seconds (default 300; 0: never)", "S" },
    { "memory-file", 0, 0, G_OPTION_ARG_FILENAME, &memory_file,
      "Keep the guest's RAM on PATH's filesystem, unnamed (PATH must not exist)",
      "PATH" },
    { "qemu", 0, 0, G_OPTION_ARG_FILENAME, &qemu,
      "The QEMU binary (default " QEMU_SYSTEM_X86_64 ")", "PATH" },
    { "firmware", 0, 0, G_OPTION_ARG_FILENAME, &firmware,
      "The BIOS variant of the firmware (default: the installed xen-kboot-fw.bin)",
      "PATH" },
    { "debugcon", 0, 0, G_OPTION_ARG_FILENAME, &debugcon,
      "Write the firmware's port 0xe9 output to FILE", "FILE" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
      "Print the memory plan and the QEMU command on stderr", NULL },
    KBOOT_CONF_CLI_FAST_ENTRIES (&fast_args),
    { NULL }
  };
  g_autoptr(GPtrArray) problems = xen_kboot_conf_problems_new ();
  g_autoptr(XenKbootDomainDef) def = NULL;
  g_autoptr(GError) error = NULL;
  XenKbootPreviewOptions options = { 0 };

  if (!kboot_cli_parse ("preview", "DOMAIN.xml | --connect URI NAME",
                        "Boot a domain's direct-boot kernel under QEMU (TCG) "
                        "with the same loader,\nmemory plan and firmware that "
                        "a Xen host would use, on the qemu-pc\nplatform: guest "
                        "RAM is a file on tmpfs that xen-kboot fills and QEMU "
                        "runs.\nThe guest's serial console is on stdout; QEMU "
                        "exits when the guest reboots\nor powers off, and a "
                        "line on stderr says which (QEMU's SHUTDOWN event,\n"
                        "read on its QMP monitor).  QEMU's machine has <vcpu>'s "
                        "vCPUs, current=\nof them started.",
                        "Exit status: 0 when the guest rebooted or powered "
                        "off, 1 when the domain, its\nkernel, initrd or command "
                        "line were refused, QEMU failed or stopped for another\n"
                        "reason, or the guest panicked; 2 on a usage error, "
                        "3 when the guest was still\nrunning at the timeout, "
                        "128+N after signal N.\nThe RAM file has no name while "
                        "the guest runs, and QEMU dies with xen-kboot:\n"
                        "nothing is left behind in any case, kill -9 included.",
                        entries, &argc, &argv))
    return KBOOT_EXIT_USAGE;
  if (argc != 2 || timeout_s < 0)
    return kboot_cli_usage_error ("preview", "%s",
                                  timeout_s < 0 ? "--timeout must be 0 or more seconds"
                                  : argc < 2 ? "no domain XML given"
                                  : "one domain at a time");

  def = kboot_conf_cli_load (uri, argv[1], FALSE, problems);
  if (!def)
    {
      kboot_conf_cli_print_problems (problems);
      return KBOOT_EXIT_FAILURE;
    }
  kboot_conf_cli_print_ignored (def);
  kboot_conf_cli_print_warnings (def, xen_kboot_native_boot_mode (def, XEN_KBOOT_BOOT_MODE_DIRECT));

  options.timeout_s = (guint) timeout_s;
  options.memory_file = memory_file;
  options.qemu = qemu;
  options.firmware = firmware;
  options.debugcon = debugcon;
  options.verbose = verbose;
  if (!kboot_conf_cli_fast_resolve ("preview", &fast_args, def, verbose, &options.fast))
    return KBOOT_EXIT_USAGE;
  if (!xen_kboot_preview (def, &options, &error))
    {
      kboot_cli_error (error);
      if (g_error_matches (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_TIMEOUT))
        return KBOOT_EXIT_TIMEOUT;
      if (g_error_matches (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_INTERRUPTED))
        return 128 + kboot_runtime_caught_signal ();
      return KBOOT_EXIT_FAILURE;
    }
  return KBOOT_EXIT_OK;
}
