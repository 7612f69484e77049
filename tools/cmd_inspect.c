/* xen-kboot inspect [--json] KERNEL...: a kernel image's facts and whether
 * it can be direct-booted in a Xen HVM guest. */
#include "config.h"

#include <stdio.h>

#include "cli_util.h"
#include "kboot_image_file.h"
#include "kboot_image_report.h"
#include "xen-kboot-cmd.h"

int
kboot_cmd_inspect (int argc, char **argv)
{
  gboolean json_output = FALSE;
  const GOptionEntry entries[] = {
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json_output,
      "Print a JSON array with one object per kernel", NULL },
    { NULL }
  };
  g_autoptr(JsonBuilder) json = NULL;
  int status = KBOOT_EXIT_OK;

  if (!kboot_cli_parse ("inspect", "KERNEL...",
                        "Report each kernel image's boot-protocol facts and "
                        "whether it can be\ndirect-booted in a Xen HVM guest.",
                        "Exit status: 0 if every kernel is bootable, 1 if one "
                        "is not or cannot be read,\n2 on a usage error.",
                        entries, &argc, &argv))
    return KBOOT_EXIT_USAGE;
  if (argc < 2)
    return kboot_cli_usage_error ("inspect", "no kernel given");

  if (json_output)
    {
      json = json_builder_new ();
      kboot_json_begin_array (json, NULL);
    }
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KbootKernel) kernel = kboot_kernel_open (argv[i], &error);

      if (!kernel)
        {
          kboot_cli_error (error);
          if (json)
            {
              kboot_json_begin_object (json, NULL);
              kboot_json_path (json, "path", argv[i]);
              kboot_json_bool (json, "bootable", FALSE);
              kboot_json_string (json, "error", error->message);
              kboot_json_end_object (json);
            }
          status = KBOOT_EXIT_FAILURE;
          continue;
        }
      if (!kboot_image_is_bootable (kernel->image))
        status = KBOOT_EXIT_FAILURE;
      if (json)
        kboot_image_report_json (json, kernel->image, argv[i]);
      else
        {
          g_autofree char *text = kboot_image_report_text (kernel->image, argv[i]);
          printf ("%s%s", i > 1 ? "\n" : "", text);
        }
    }
  if (json)
    {
      g_autofree char *text = NULL;

      kboot_json_end_array (json);
      text = kboot_json_to_text (json);
      fputs (text, stdout);
    }
  return status;
}
