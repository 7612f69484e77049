/* The monitor of a domain xen-kboot created (built with the Xen
 * libraries): it waits for the guest to shut down and does what the
 * domain's <on_poweroff>, <on_reboot> and <on_crash> say, as the process xl
 * create leaves behind does (tools/xl/xl_vmcontrol.c, create_domain):
 * destroy the domain (its device model goes with it), restart it through
 * xen_kboot_create (the kernel validated again, a new domain id, the same
 * name) and watch the new one, keep it, or dump its memory first.  A
 * domain destroyed by anyone else ends the watch quietly.
 *
 * Its messages go to stderr, one write each: a log file when it runs
 * detached ("TIME xen-kboot[PID]: ..."), the terminal in the foreground
 * ("xen-kboot: ...").  SIGINT, SIGTERM and SIGHUP while it waits end it at
 * once, leaving the domain as it is. */
#ifndef XEN_KBOOT_XEN_MONITOR_H
#define XEN_KBOOT_XEN_MONITOR_H

#include "xen_kboot_xen_driver.h"

G_BEGIN_DECLS

typedef struct {
  XenKbootCreateOptions create;  /* for restarts (always unpaused, as xl) */
  gboolean timestamps;           /* log-file lines: time and pid first */
} XenKbootMonitorOptions;

typedef struct _XenKbootMonitor XenKbootMonitor;

/* Watch @domid (libxl_evenable_domain_death): from here on its shutdown
 * is not missed, even one that has happened already.  On success the
 * monitor takes *@xen (and sets it NULL); borrows @def, which must live as
 * long as the monitor. */
XenKbootMonitor *xen_kboot_monitor_new (XenKbootXen **xen, const XenKbootDomainDef *def,
                                        const XenKbootMonitorOptions *options,
                                        guint32 domid, GError **error);

/* Wait, and apply the domain's rule, until there is nothing left to watch.
 * Returns the exit status: 0 when the domain was dealt with by its rule or
 * destroyed by someone else, 1 when an action failed (the log says which,
 * and what is left), 128+N when signal N stopped the watch. */
int xen_kboot_monitor_run (XenKbootMonitor *monitor);

void xen_kboot_monitor_free (XenKbootMonitor *monitor);

/* One line in the monitor's format on stderr (@timestamps as in
 * XenKbootMonitorOptions), for what its process says before it runs. */
void xen_kboot_monitor_say (gboolean timestamps, const char *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XenKbootMonitor, xen_kboot_monitor_free)

G_END_DECLS

#endif /* XEN_KBOOT_XEN_MONITOR_H */
