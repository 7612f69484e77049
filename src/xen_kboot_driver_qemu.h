/* Running QEMU on a RAM file the loader filled: the preview's last step.
 * The command line is built by a pure function; running it is apart, and
 * so is reading QEMU's monitor (xen_kboot_driver_qmp.h). */
#ifndef XEN_KBOOT_DRIVER_QEMU_H
#define XEN_KBOOT_DRIVER_QEMU_H

#include <glib.h>

#include "xen_kboot_driver_qmp.h"

G_BEGIN_DECLS

typedef struct {
  const char *qemu;            /* qemu-system-x86_64 */
  const char *firmware;        /* the 64 KiB BIOS variant, for -bios */
  const char *ram_file;        /* guest RAM, laid out as the pc machine maps it */
  guint64 ram_size;            /* bytes; the file's size */
  const char *debugcon;        /* file for port 0xe9 output, or NULL */
  guint vcpus;                 /* vCPUs running at start (<vcpu current=>);
                                * 0: 1 */
  guint max_vcpus;             /* vCPUs the machine has (<vcpu>); 0: vcpus */
  int qmp_fd;                  /* QEMU's descriptor of a connected socket for
                                * its QMP monitor (> 2); 0: no monitor */
} KbootQemuConfig;

typedef enum {
  KBOOT_QEMU_OUTCOME_EXITED,       /* QEMU exited by itself: see exit_status */
  KBOOT_QEMU_OUTCOME_TIMEOUT,      /* we stopped it after the timeout */
  KBOOT_QEMU_OUTCOME_INTERRUPTED,  /* a signal asked us to stop */
} KbootQemuOutcome;

/* How a run ended. */
typedef struct {
  KbootQemuOutcome outcome;
  int exit_status;             /* EXITED: QEMU's status, or 128 + signal */
  KbootQmpEnd end;             /* from QEMU's SHUTDOWN event; NONE when it
                                * sent none */
  char *reason;                /* that event's reason, as QEMU words it */
} KbootQemuResult;

void kboot_qemu_result_clear (KbootQemuResult *result);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KbootQemuResult, kboot_qemu_result_clear)

typedef enum {
  KBOOT_QEMU_ERROR_SPAWN,      /* QEMU could not be started */
  KBOOT_QEMU_ERROR_QMP,        /* its monitor failed: QEMU was stopped */
} KbootQemuError;

#define KBOOT_QEMU_ERROR (kboot_qemu_error_quark ())
GQuark kboot_qemu_error_quark (void);

/* The argument vector: the pc machine under TCG, guest RAM from the file
 * (memory-backend-file, share=on), our firmware as the BIOS, the vCPUs,
 * no default devices, serial on stdio, the QMP monitor on qmp_fd, and
 * -no-reboot so a guest reboot ends QEMU (as a power-off does: no
 * -no-shutdown). */
GStrv kboot_qemu_argv (const KbootQemuConfig *config);

/* The name of preview's RAM file for the domain @domain_name (NULL:
 * "domain"), process @pid and random @nonce: "xen-kboot-NAME-PID-NONCE.ram",
 * NAME being the domain's name with every byte but ASCII letters, digits,
 * '.', '_' and '-' made '_' (no '/', no ',' for QEMU's option strings),
 * and a name longer than KBOOT_QEMU_RAM_NAME_MAX cut there and followed by
 * 8 hex digits of a hash of the whole name, so that the file's name stays
 * far below NAME_MAX (255) whatever the domain is called. */
#define KBOOT_QEMU_RAM_NAME_MAX 64
char *kboot_qemu_ram_file_name (const char *domain_name, int pid, guint32 nonce);

/* Where kboot_qemu_run puts QEMU's end of the QMP socket. */
#define KBOOT_QEMU_QMP_FD 3

/* Run QEMU (@config's qmp_fd is ignored: the run makes the socket and
 * gives it KBOOT_QEMU_QMP_FD) with stdout/stderr inherited, leave QMP's
 * capabilities negotiation and wait for QEMU's SHUTDOWN event and exit.
 * Stop it (SIGTERM, then SIGKILL) after @timeout_s seconds (0: never) or
 * when *@cancel becomes non-zero.  @result (zeroed, or cleared) says how
 * it ended.  FALSE when QEMU cannot be started, or when its monitor does
 * not answer as QMP does (no greeting within KBOOT_QEMU_QMP_TIMEOUT_S,
 * not QMP, closed while QEMU runs): QEMU is stopped and has exited by
 * then. */
gboolean kboot_qemu_run (const KbootQemuConfig *config, guint timeout_s,
                         volatile gint *cancel, KbootQemuResult *result,
                         GError **error);

/* QEMU greets on its monitor before the guest's first instruction, in
 * well under a second on an idle machine: allow a loaded one much more. */
#define KBOOT_QEMU_QMP_TIMEOUT_S 30

G_END_DECLS

#endif /* XEN_KBOOT_DRIVER_QEMU_H */
