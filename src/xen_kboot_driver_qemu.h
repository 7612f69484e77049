/* Running QEMU on a RAM file the loader filled: the preview's last step.
 * The command line is built by a pure function; running it is apart. */
#ifndef XEN_KBOOT_DRIVER_QEMU_H
#define XEN_KBOOT_DRIVER_QEMU_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  const char *qemu;            /* qemu-system-x86_64 */
  const char *firmware;        /* the 64 KiB BIOS variant, for -bios */
  const char *ram_file;        /* guest RAM, laid out as the pc machine maps it */
  guint64 ram_size;            /* bytes; the file's size */
  const char *debugcon;        /* file for port 0xe9 output, or NULL */
} KbootQemuConfig;

typedef enum {
  KBOOT_QEMU_OUTCOME_EXITED,       /* QEMU exited by itself: see exit_status */
  KBOOT_QEMU_OUTCOME_TIMEOUT,      /* we stopped it after the timeout */
  KBOOT_QEMU_OUTCOME_INTERRUPTED,  /* a signal asked us to stop */
} KbootQemuOutcome;

typedef enum {
  KBOOT_QEMU_ERROR_SPAWN,
} KbootQemuError;

#define KBOOT_QEMU_ERROR (kboot_qemu_error_quark ())
GQuark kboot_qemu_error_quark (void);

/* The argument vector: the pc machine under TCG, guest RAM from the file
 * (memory-backend-file, share=on), our firmware as the BIOS, no default
 * devices, serial on stdio, and -no-reboot so a guest reboot ends QEMU. */
GStrv kboot_qemu_argv (const KbootQemuConfig *config);

/* Run QEMU with stdout/stderr inherited; stop it (SIGTERM, then SIGKILL)
 * after @timeout_s seconds (0: never) or when *@cancel becomes non-zero. */
gboolean kboot_qemu_run (const KbootQemuConfig *config, guint timeout_s,
                         volatile gint *cancel, KbootQemuOutcome *outcome,
                         int *exit_status, GError **error);

G_END_DECLS

#endif /* XEN_KBOOT_DRIVER_QEMU_H */
