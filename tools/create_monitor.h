/* 'xen-kboot create' and the monitor of the domain it created
 * (src/xen_kboot_xen_monitor.h): started detached, as xl create's daemon. */
#ifndef KBOOT_CREATE_MONITOR_H
#define KBOOT_CREATE_MONITOR_H

#include <sys/types.h>

#include "xen_kboot_xen_monitor.h"

typedef struct {
  pid_t pid;                 /* the monitor's process */
  char *log;                 /* its log file */
  gboolean in_monitor;       /* TRUE: this is the monitor's process, ended */
  int status;                /* then its exit status */
} KbootMonitorStart;

void kboot_monitor_start_clear (KbootMonitorStart *start);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KbootMonitorStart, kboot_monitor_start_clear)

/* Start the monitor of @domid in a process of its own, detached from the
 * terminal, its messages in a log file; return once it watches the domain,
 * or with the reason it cannot.  The parent's @xen (*@xen, created the
 * domain) stays the parent's.
 *
 * Returns twice, as fork() does: in the parent, TRUE once the monitor
 * watches; in the monitor's process when it has ended, TRUE with
 * @start->in_monitor set (that process then exits with @start->status). */
gboolean kboot_monitor_start_detached (XenKbootXen **xen, const XenKbootDomainDef *def,
                                       const XenKbootMonitorOptions *options,
                                       guint32 domid, KbootMonitorStart *start,
                                       GError **error);

#endif /* KBOOT_CREATE_MONITOR_H */
