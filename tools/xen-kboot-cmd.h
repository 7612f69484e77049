/* The commands of xen-kboot.  Each takes its own argv (argv[0] is the
 * command name) and returns the process exit status. */
#ifndef XEN_KBOOT_CMD_H
#define XEN_KBOOT_CMD_H

/* Exit statuses shared by every command. */
#define KBOOT_EXIT_OK        0   /* done; for inspect/validate: all good */
#define KBOOT_EXIT_FAILURE   1   /* refused or failed, reason on stderr */
#define KBOOT_EXIT_USAGE     2   /* bad command line */

int kboot_cmd_inspect (int argc, char **argv);
int kboot_cmd_validate (int argc, char **argv);
int kboot_cmd_domxml_to_native (int argc, char **argv);
int kboot_cmd_plan (int argc, char **argv);
int kboot_cmd_preview (int argc, char **argv);
int kboot_cmd_create (int argc, char **argv);
int kboot_cmd_destroy (int argc, char **argv);
int kboot_cmd_list (int argc, char **argv);
int kboot_cmd_hook (int argc, char **argv);

#endif /* XEN_KBOOT_CMD_H */
