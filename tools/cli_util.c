#include "config.h"

#include <stdio.h>

#include "cli_util.h"
#include "xen-kboot-cmd.h"

gboolean
kboot_cli_parse (const char *command, const char *parameter_string,
                 const char *summary, const char *description,
                 const GOptionEntry *entries, int *argc, char ***argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameter_string);
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = g_strdup_printf ("xen-kboot %s", command);

  g_set_prgname (prgname);
  g_option_context_set_summary (context, summary);
  if (description)
    g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      kboot_cli_usage_error (command, "%s", error->message);
      return FALSE;
    }
  return TRUE;
}

int
kboot_cli_usage_error (const char *command, const char *format, ...)
{
  va_list ap;
  g_autofree char *message = NULL;

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);
  fprintf (stderr, "xen-kboot %s: %s\n"
           "Try 'xen-kboot %s --help' for more information.\n",
           command, message, command);
  return KBOOT_EXIT_USAGE;
}

void
kboot_cli_error (const GError *error)
{
  fprintf (stderr, "xen-kboot: %s\n", error->message);
}

void
kboot_cli_errorf (const char *format, ...)
{
  va_list ap;
  g_autofree char *message = NULL;

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);
  fprintf (stderr, "xen-kboot: %s\n", message);
}
