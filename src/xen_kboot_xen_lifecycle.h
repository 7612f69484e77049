/* What becomes of a domain xen-kboot started once its guest has shut down.
 *
 * Xen reports why (the SHUTDOWN_* code of xen/include/public/sched.h, which
 * libxl passes on as libxl_shutdown_reason); the domain's <on_poweroff>,
 * <on_reboot> and <on_crash> say what to do, as xl's handle_domain_death
 * (tools/xl/xl_vmcontrol.c) applies its on_* settings.  Pure: the monitor
 * (xen_kboot_xen_monitor.c) does what is decided here. */
#ifndef XEN_KBOOT_XEN_LIFECYCLE_H
#define XEN_KBOOT_XEN_LIFECYCLE_H

#include "xen_kboot_conf.h"

G_BEGIN_DECLS

typedef enum {
  XEN_KBOOT_SHUTDOWN_POWEROFF,    /* SHUTDOWN_poweroff   0 */
  XEN_KBOOT_SHUTDOWN_REBOOT,      /* SHUTDOWN_reboot     1 */
  XEN_KBOOT_SHUTDOWN_SUSPEND,     /* SHUTDOWN_suspend    2 */
  XEN_KBOOT_SHUTDOWN_CRASH,       /* SHUTDOWN_crash      3 */
  XEN_KBOOT_SHUTDOWN_WATCHDOG,    /* SHUTDOWN_watchdog   4 */
  XEN_KBOOT_SHUTDOWN_SOFT_RESET,  /* SHUTDOWN_soft_reset 5 */
  XEN_KBOOT_SHUTDOWN_UNKNOWN,     /* any other code */
  XEN_KBOOT_SHUTDOWN_LAST
} XenKbootShutdownReason;

/* "poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset"
 * (libxl's names), "unknown". */
const char *xen_kboot_shutdown_reason_to_string (XenKbootShutdownReason value);
/* Xen's code; codes Xen does not define are UNKNOWN. */
XenKbootShutdownReason xen_kboot_shutdown_reason_from_code (guint code);

typedef enum {
  XEN_KBOOT_MONITOR_DESTROY,          /* destroy the domain; stop watching */
  XEN_KBOOT_MONITOR_RESTART,          /* destroy it, create it again, watch that */
  XEN_KBOOT_MONITOR_RENAME_RESTART,   /* keep it under a new name, create it again */
  XEN_KBOOT_MONITOR_PRESERVE,         /* leave it as it is; stop watching */
  XEN_KBOOT_MONITOR_STEP_LAST
} XenKbootMonitorStep;

typedef struct {
  XenKbootMonitorStep step;
  gboolean coredump;                  /* dump the guest's memory first */
  const char *rule;                   /* "on_poweroff", "on_reboot", "on_crash";
                                       * NULL when none applies */
  XenKbootLifecycleAction action;     /* the rule's value, when @rule */
} XenKbootLifecycleDecision;

/* What to do with a domain whose guest shut down for @reason:
 *   poweroff             -> on_poweroff
 *   reboot, soft_reset   -> on_reboot (a soft reset keeps the guest's memory
 *                           for a kexec'd kernel; xen-kboot cannot carry it
 *                           over, so it boots the domain's kernel afresh)
 *   crash, watchdog      -> on_crash
 *   suspend              -> preserve, no rule (xl leaves a suspended guest)
 *   unknown              -> destroy, no rule (as xl does)
 * coredump-destroy and coredump-restart dump first, then destroy or
 * restart. */
XenKbootLifecycleDecision xen_kboot_lifecycle_decide (XenKbootShutdownReason reason,
                                                      XenKbootLifecycleAction on_poweroff,
                                                      XenKbootLifecycleAction on_reboot,
                                                      XenKbootLifecycleAction on_crash);

/* The suffix xl gives a domain it keeps for rename-restart: "-%Y%m%dT%H%MZ"
 * of @unix_time in UTC, as "-20240501T1200Z". */
char *xen_kboot_lifecycle_rename_suffix (gint64 unix_time);

G_END_DECLS

#endif /* XEN_KBOOT_XEN_LIFECYCLE_H */
