/* xen-kboot domxml-to-native FORMAT DOMAIN: a domain XML as xl.cfg ("xl")
 * or as libxl's domain configuration in JSON ("json"). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli_util.h"
#include "conf_cli.h"
#include "xen-kboot-cmd.h"
#include "xen_kboot_driver.h"
#include "xen_kboot_conf_libxl.h"
#include "xen_kboot_conf_xl.h"

static char *
convert (const char *format, const XenKbootDomainDef *def,
         const XenKbootNativeOptions *options, GError **error)
{
  if (strcmp (format, "xl") == 0 || strcmp (format, "xen-xl") == 0)
    return xen_kboot_xl_format (def, options, error);
#ifdef WITH_XEN
  return xen_kboot_libxl_to_json (def, options, error);
#else
  g_set_error (error, XEN_KBOOT_CONF_ERROR, XEN_KBOOT_CONF_ERROR_INVALID_VALUE,
               "the json format needs libxl: this xen-kboot was built without "
               "the Xen toolstack libraries (configure --with-xen)");
  return NULL;
#endif
}

int
kboot_cmd_domxml_to_native (int argc, char **argv)
{
  g_autofree char *uri = NULL;
  g_autofree char *mode = NULL;
  g_autofree char *device_model = NULL;
  g_autofree char *firmware = NULL;
  gboolean no_kernel_check = FALSE;
  const GOptionEntry entries[] = {
    { "mode", 'm', 0, G_OPTION_ARG_STRING, &mode,
      "Boot mode: direct (xen-kboot's loader, in " XEN_KBOOT_DM_NAME ") or "
      "device-model (qemu-xen loads the kernel); default: the domain's "
      "<kboot:boot mode=>, else direct", "MODE" },
    { "device-model", 'd', 0, G_OPTION_ARG_FILENAME, &device_model,
      "The device model that loads the kernel in direct mode (default: "
      "the domain's own " XEN_KBOOT_DM_NAME ", else " KBOOT_FIRMWARE_DIR "/"
      XEN_KBOOT_DM_NAME ")", "PATH" },
    /* Named the firmware of direct-mode output when that needed
     * 'xen-kboot create'; still accepted, so that scripts keep working. */
    { "firmware", 'f', G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &firmware,
      NULL, "PATH" },
    { "connect", 'c', 0, G_OPTION_ARG_STRING, &uri,
      "Read the domain NAME from libvirt at URI instead of a file", "URI" },
    { "no-kernel-check", 0, 0, G_OPTION_ARG_NONE, &no_kernel_check,
      "Convert without opening the kernel and initrd (e.g. for another host)",
      NULL },
    { NULL }
  };
  g_autoptr(GPtrArray) problems = xen_kboot_conf_problems_new ();
  g_autoptr(XenKbootDomainDef) def = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  XenKbootNativeOptions options;
  XenKbootBootMode forced_mode = XEN_KBOOT_BOOT_MODE_DIRECT;

  if (!kboot_cli_parse ("domxml-to-native", "FORMAT DOMAIN.xml | --connect URI FORMAT NAME",
                        "Convert a libvirt domain XML to the Xen configuration "
                        "that runs it.\nFORMAT is xl (xl.cfg text, as virsh "
                        "domxml-to-native xen-xl writes it) or json\n(the "
                        "libxl_domain_config, as libxl_domain_config_to_json() "
                        "prints it).\nIn direct mode the device model is "
                        XEN_KBOOT_DM_NAME ", given the kernel, initrd and\n"
                        "command line: plain 'xl create' boots it through "
                        "xen-kboot's loader.",
                        "The domain is checked first (schema, rules, kernel "
                        "and initrd); problems are\nprinted on stderr.  Exit "
                        "status: 0 converted, 1 refused, 2 usage error.",
                        entries, &argc, &argv))
    return KBOOT_EXIT_USAGE;
  if (argc != 3)
    return kboot_cli_usage_error ("domxml-to-native", "%s",
                                  argc < 3 ? "give a FORMAT (xl or json) and a domain"
                                           : "too many arguments");
  if (strcmp (argv[1], "xl") != 0 && strcmp (argv[1], "xen-xl") != 0
      && strcmp (argv[1], "json") != 0)
    return kboot_cli_usage_error ("domxml-to-native", "unknown format '%s': use "
                                  "xl or json", argv[1]);
  if (mode && !kboot_conf_cli_parse_mode ("domxml-to-native", mode, &forced_mode))
    return KBOOT_EXIT_USAGE;

  if (firmware)
    fprintf (stderr, "xen-kboot: warning: --firmware is not used: direct-mode "
             "output boots through %s, which loads the kernel itself\n",
             XEN_KBOOT_DM_NAME);

  def = kboot_conf_cli_load_to_convert (uri, argv[2], problems);
  if (def)
    {
      xen_kboot_native_options_init (&options, def);
      if (mode)
        options.mode = forced_mode;
      xen_kboot_domain_def_check_mode (def, options.mode, problems);
    }
  if (def && !no_kernel_check)
    xen_kboot_boot_check (def, FALSE, problems);
  kboot_conf_cli_print_ignored (def);
  if (problems->len > 0)
    {
      kboot_conf_cli_print_problems (problems);
      return KBOOT_EXIT_FAILURE;
    }
  if (device_model)
    options.device_model = device_model;
  kboot_conf_cli_print_native_warnings (def, &options);
  output = convert (argv[1], def, &options, &error);
  if (!output)
    {
      kboot_cli_error (error);
      return KBOOT_EXIT_FAILURE;
    }
  fputs (output, stdout);
  return KBOOT_EXIT_OK;
}
