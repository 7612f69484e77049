#include "config.h"

#include <stdio.h>

#include "cli_util.h"
#include "kboot_util.h"
#include "xen-kboot-cmd.h"

gboolean
kboot_cli_parse (const char *command, const char *parameter_string,
                 const char *summary, const char *description,
                 const GOptionEntry *entries, int *argc, char ***argv)
{
  /* The operands, held for the life of the process: argv points at them. */
  static GStrv operands;
  const GOptionEntry operand_entries[] = {
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &operands, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (parameter_string);
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = g_strdup_printf ("xen-kboot %s", command);
  int n = 1;

  g_set_prgname (prgname);
  g_option_context_set_summary (context, summary);
  if (description)
    g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, NULL);
  /* Without a G_OPTION_REMAINING entry GLib leaves "--" in argv, so
   * "destroy -- -h" had two operands; with it, "--" ends the options and
   * is dropped, and whatever follows is an operand however it is spelt. */
  g_option_context_add_main_entries (context, operand_entries, NULL);
  g_clear_pointer (&operands, g_strfreev);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      kboot_cli_usage_error (command, "%s", error->message);
      return FALSE;
    }
  /* argv is now argv[0] and the operands, in their order. */
  for (guint i = 0; operands && operands[i]; i++)
    (*argv)[n++] = operands[i];
  (*argv)[n] = NULL;
  *argc = n;
  return TRUE;
}

int
kboot_cli_usage_error (const char *command, const char *format, ...)
{
  va_list ap;
  g_autofree char *message = NULL, *printable = NULL;

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);
  printable = kboot_text_printable (message);
  fprintf (stderr, "xen-kboot %s: %s\n"
           "Try 'xen-kboot %s --help' for more information.\n",
           command, printable, command);
  return KBOOT_EXIT_USAGE;
}

void
kboot_cli_error (const GError *error)
{
  g_autofree char *printable = kboot_text_printable (error->message);

  fprintf (stderr, "xen-kboot: %s\n", printable);
}

void
kboot_cli_errorf (const char *format, ...)
{
  va_list ap;
  g_autofree char *message = NULL, *printable = NULL;

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);
  printable = kboot_text_printable (message);
  fprintf (stderr, "xen-kboot: %s\n", printable);
}
