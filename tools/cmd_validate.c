/* xen-kboot validate [--connect URI] DOMAIN: check a domain XML (schema,
 * rules), its kernel, initrd and command line; print every problem. */
#include "config.h"

#include <stdio.h>

#include "cli_util.h"
#include "conf_cli.h"
#include "xen_kboot_driver.h"
#include "xen-kboot-cmd.h"

int
kboot_cmd_validate (int argc, char **argv)
{
  g_autofree char *uri = NULL;
  gboolean no_files = FALSE;
  const GOptionEntry entries[] = {
    { "connect", 'c', 0, G_OPTION_ARG_STRING, &uri,
      "Read the domain NAME from libvirt at URI instead of a file", "URI" },
    { "no-files", 0, 0, G_OPTION_ARG_NONE, &no_files,
      "Check the XML only, not the kernel and initrd it names", NULL },
    { NULL }
  };
  g_autoptr(GPtrArray) problems = xen_kboot_conf_problems_new ();
  g_autoptr(XenKbootDomainDef) def = NULL;
  XenKbootNativeOptions options = { 0 };

  if (!kboot_cli_parse ("validate", "DOMAIN.xml | --connect URI NAME",
                        "Check a libvirt domain XML for xen-kboot: the schema "
                        "(docs/schema.rng), the\nrules (kernel, paths, memory, "
                        "devices), and the kernel, initrd and command\nline it "
                        "names, as the loader will use them.  DOMAIN.xml may "
                        "be - for stdin.",
                        "Every problem is printed on stderr, one per line, "
                        "prefixed with the file name\nand line.  Exit status: "
                        "0 and \"valid\" on stdout when there is none, 1 when\n"
                        "there is one, 2 on a usage error.",
                        entries, &argc, &argv))
    return KBOOT_EXIT_USAGE;
  if (argc != 2)
    return kboot_cli_usage_error ("validate", "%s",
                                  argc < 2 ? (uri ? "no domain name given"
                                                  : "no domain XML given")
                                           : "one domain at a time");

  def = kboot_conf_cli_load (uri, argv[1], TRUE, problems);
  if (def)
    {
      xen_kboot_native_options_init (&options, def);
      xen_kboot_domain_def_check_mode (def, options.mode, problems);
    }
  if (def && !no_files)
    /* The files always; the plan too for a direct boot of a domain the
     * rules passed (QEMU places the kernel itself in device-model mode). */
    xen_kboot_boot_check (def, problems->len == 0 && def->os.kernel
                               && def->os.type == XEN_KBOOT_OS_TYPE_HVM
                               && options.mode == XEN_KBOOT_BOOT_MODE_DIRECT,
                          problems);
  kboot_conf_cli_print_ignored (def);
  kboot_conf_cli_print_native_warnings (def, &options);
  if (problems->len > 0)
    {
      kboot_conf_cli_print_problems (problems);
      return KBOOT_EXIT_FAILURE;
    }
  printf ("valid\n");
  return KBOOT_EXIT_OK;
}
