/* Small helpers shared by the commands of tools/xen-kboot. */
#ifndef KBOOT_CLI_UTIL_H
#define KBOOT_CLI_UTIL_H

#include <glib.h>

/* Parse @argv with @entries for "xen-kboot COMMAND"; on a usage error print
 * "xen-kboot COMMAND: message" and a hint to stderr and return FALSE. */
gboolean kboot_cli_parse (const char *command, const char *parameter_string,
                          const char *summary, const char *description,
                          const GOptionEntry *entries,
                          int *argc, char ***argv);

/* Print "xen-kboot COMMAND: message" and the --help hint to stderr;
 * returns KBOOT_EXIT_USAGE. */
int kboot_cli_usage_error (const char *command, const char *format, ...)
  G_GNUC_PRINTF (2, 3);

/* Print "xen-kboot: message" to stderr (the message names file and rule). */
void kboot_cli_error (const GError *error);
void kboot_cli_errorf (const char *format, ...) G_GNUC_PRINTF (1, 2);

#endif /* KBOOT_CLI_UTIL_H */
