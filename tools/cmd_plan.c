/* xen-kboot plan DOMAIN.xml: where the kernel, initrd, command line and
 * boot data go in the guest's memory, and the e820 map it will see. */
#include "config.h"

#include <stdio.h>

#include "cli_util.h"
#include "conf_cli.h"
#include "kboot_util_json.h"
#include "xen-kboot-cmd.h"
#include "xen_kboot_driver.h"

int
kboot_cmd_plan (int argc, char **argv)
{
  g_autofree char *uri = NULL, *platform_name = NULL;
  gboolean json_output = FALSE;
  g_auto(KbootConfCliFast) fast_args = { 0 };
  const XenKbootFastOptions *fast = NULL;
  const GOptionEntry entries[] = {
    { "connect", 'c', 0, G_OPTION_ARG_STRING, &uri,
      "Read the domain NAME from libvirt at URI instead of a file", "URI" },
    { "platform", 0, 0, G_OPTION_ARG_STRING, &platform_name,
      "The guest's memory map: xen-hvm (default) or qemu-pc", "NAME" },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json_output,
      "Print the plan as JSON", NULL },
    KBOOT_CONF_CLI_FAST_ENTRIES (&fast_args),
    { NULL }
  };
  g_autoptr(GPtrArray) problems = xen_kboot_conf_problems_new ();
  g_autoptr(XenKbootDomainDef) def = NULL;
  g_autoptr(XenKbootBoot) boot = NULL;
  g_autoptr(GError) error = NULL;
  KbootPlatformKind kind = KBOOT_PLATFORM_XEN_HVM;

  if (!kboot_cli_parse ("plan", "DOMAIN.xml | --connect URI NAME",
                        "Validate a domain's kernel, initrd and command line "
                        "and show where each goes\nin guest memory (start, end, "
                        "size, what) and the e820 map the kernel will see.\n"
                        "xen-hvm is the memory of a Xen HVM guest whose "
                        "firmware is xen-kboot's; qemu-pc\nis what 'xen-kboot "
                        "preview' boots.",
                        "Exit status: 0 when the plan could be made, 1 when "
                        "something was refused (the\nreason names the two "
                        "things that collide or the limit hit), 2 on a usage "
                        "error.",
                        entries, &argc, &argv))
    return KBOOT_EXIT_USAGE;
  if (argc != 2)
    return kboot_cli_usage_error ("plan", "%s", argc < 2 ? "no domain XML given"
                                                         : "one domain at a time");
  if (platform_name && !kboot_platform_kind_from_string (platform_name, &kind, &error))
    return kboot_cli_usage_error ("plan", "%s", error->message);

  def = kboot_conf_cli_load (uri, argv[1], FALSE, problems);
  if (!def)
    {
      kboot_conf_cli_print_problems (problems);
      return KBOOT_EXIT_FAILURE;
    }
  kboot_conf_cli_print_warnings (def, xen_kboot_native_boot_mode (def, XEN_KBOOT_BOOT_MODE_DIRECT));
  /* On xen-hvm the plan leaves room for what Xen loads first, as
   * 'create' does. */
  if (!kboot_conf_cli_fast_resolve ("plan", &fast_args, def, FALSE, &fast))
    return KBOOT_EXIT_USAGE;
  boot = xen_kboot_boot_prepare (def, kind, NULL, NULL, fast, &error);
  if (!boot)
    {
      kboot_cli_error (error);
      return KBOOT_EXIT_FAILURE;
    }

  if (json_output)
    {
      g_autoptr(JsonBuilder) json = json_builder_new ();
      g_autofree char *text = NULL;

      kboot_plan_to_json (boot->plan, json, NULL);
      text = kboot_json_to_text (json);
      fputs (text, stdout);
    }
  else
    {
      g_autofree char *table = kboot_plan_to_table (boot->plan);
      fputs (table, stdout);
    }
  return KBOOT_EXIT_OK;
}
