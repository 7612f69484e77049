/* xen-kboot: direct kernel boot for Xen HVM guests.  The command
 * dispatcher; each command lives in tools/cmd_*.c. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "kboot_util.h"
#include "xen-kboot-cmd.h"

typedef struct {
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} KbootCommand;

static const KbootCommand kboot_commands[] = {
  { "inspect", kboot_cmd_inspect,
    "report a kernel image's facts and whether it can be direct-booted" },
  { "validate", kboot_cmd_validate,
    "check a domain XML, its kernel, initrd and command line" },
  { "domxml-to-native", kboot_cmd_domxml_to_native,
    "convert a domain XML to xl.cfg or libxl JSON" },
  { "plan", kboot_cmd_plan,
    "show where kernel, initrd and boot data go in guest memory" },
  { "preview", kboot_cmd_preview,
    "boot a domain's kernel under QEMU with the same plan" },
  { "create", kboot_cmd_create, "create and start a Xen domain" },
  { "destroy", kboot_cmd_destroy, "destroy a domain xen-kboot started" },
  { "list", kboot_cmd_list, "list the domains xen-kboot started" },
  { "hook", kboot_cmd_hook, "run as a libvirt hook script" },
};

static void
print_usage (FILE *out)
{
  fprintf (out,
           "Usage: xen-kboot COMMAND [OPTION...] [ARG...]\n"
           "\n"
           "Direct kernel boot for Xen HVM guests, driven by libvirt domain XML.\n"
           "\n"
           "Commands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (kboot_commands); i++)
    fprintf (out, "  %-18s %s\n", kboot_commands[i].name, kboot_commands[i].summary);
  fprintf (out,
           "\n"
           "Options:\n"
           "  -h, --help         show this help\n"
           "  -V, --version      show the version\n"
           "\n"
           "'xen-kboot COMMAND --help' describes a command; see xen-kboot(1).\n"
           "Exit status: 0 success, 1 refused or failed, 2 usage error.\n");
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");

  if (argc < 2)
    {
      print_usage (stderr);
      return KBOOT_EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0
      || strcmp (argv[1], "help") == 0)
    {
      print_usage (stdout);
      return KBOOT_EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0 || strcmp (argv[1], "-V") == 0)
    {
      printf ("xen-kboot %s\n", PACKAGE_VERSION);
      return KBOOT_EXIT_OK;
    }

  /* "hook" too is a command like the others: libvirt runs the installed
   * script (hooks/xen-kboot-hook.in), which runs "xen-kboot hook". */
  for (gsize i = 0; i < G_N_ELEMENTS (kboot_commands); i++)
    if (strcmp (argv[1], kboot_commands[i].name) == 0)
      return kboot_commands[i].run (argc - 1, argv + 1);

  {
    g_autofree char *command = kboot_text_printable (argv[1]);

    fprintf (stderr, "xen-kboot: unknown command '%s'\n"
             "Try 'xen-kboot --help' for the list of commands.\n", command);
  }
  return KBOOT_EXIT_USAGE;
}
