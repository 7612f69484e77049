/* What becomes of a domain once its guest has shut down (see
 * xen_kboot_xen_lifecycle.h). */
#include "config.h"

#include "xen_kboot_xen_lifecycle.h"

static const char *const xen_kboot_shutdown_reason_table[] = {
  "poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset", "unknown",
};
G_STATIC_ASSERT (G_N_ELEMENTS (xen_kboot_shutdown_reason_table)
                 == XEN_KBOOT_SHUTDOWN_LAST);

const char *
xen_kboot_shutdown_reason_to_string (XenKbootShutdownReason value)
{
  return (guint) value < XEN_KBOOT_SHUTDOWN_LAST
         ? xen_kboot_shutdown_reason_table[value] : NULL;
}

XenKbootShutdownReason
xen_kboot_shutdown_reason_from_code (guint code)
{
  /* Our order is Xen's SHUTDOWN_* numbering. */
  return code < XEN_KBOOT_SHUTDOWN_UNKNOWN ? (XenKbootShutdownReason) code
                                           : XEN_KBOOT_SHUTDOWN_UNKNOWN;
}

static XenKbootLifecycleDecision
xen_kboot_lifecycle_apply (const char *rule, XenKbootLifecycleAction action)
{
  XenKbootLifecycleDecision d = { XEN_KBOOT_MONITOR_DESTROY, FALSE, rule, action };

  switch (action)
    {
    case XEN_KBOOT_LIFECYCLE_DESTROY:
      d.step = XEN_KBOOT_MONITOR_DESTROY;
      break;
    case XEN_KBOOT_LIFECYCLE_RESTART:
      d.step = XEN_KBOOT_MONITOR_RESTART;
      break;
    case XEN_KBOOT_LIFECYCLE_PRESERVE:
      d.step = XEN_KBOOT_MONITOR_PRESERVE;
      break;
    case XEN_KBOOT_LIFECYCLE_RENAME_RESTART:
      d.step = XEN_KBOOT_MONITOR_RENAME_RESTART;
      break;
    case XEN_KBOOT_LIFECYCLE_COREDUMP_DESTROY:
      d.step = XEN_KBOOT_MONITOR_DESTROY;
      d.coredump = TRUE;
      break;
    case XEN_KBOOT_LIFECYCLE_COREDUMP_RESTART:
      d.step = XEN_KBOOT_MONITOR_RESTART;
      d.coredump = TRUE;
      break;
    case XEN_KBOOT_LIFECYCLE_LAST:
      /* Not an action: destroy, as xl does with what it does not know. */
      break;
    }
  return d;
}

XenKbootLifecycleDecision
xen_kboot_lifecycle_decide (XenKbootShutdownReason reason,
                            XenKbootLifecycleAction on_poweroff,
                            XenKbootLifecycleAction on_reboot,
                            XenKbootLifecycleAction on_crash)
{
  XenKbootLifecycleDecision none = { XEN_KBOOT_MONITOR_DESTROY, FALSE, NULL,
                                     XEN_KBOOT_LIFECYCLE_DESTROY };

  switch (reason)
    {
    case XEN_KBOOT_SHUTDOWN_POWEROFF:
      return xen_kboot_lifecycle_apply ("on_poweroff", on_poweroff);
    case XEN_KBOOT_SHUTDOWN_REBOOT:
    case XEN_KBOOT_SHUTDOWN_SOFT_RESET:
      return xen_kboot_lifecycle_apply ("on_reboot", on_reboot);
    case XEN_KBOOT_SHUTDOWN_CRASH:
    case XEN_KBOOT_SHUTDOWN_WATCHDOG:
      return xen_kboot_lifecycle_apply ("on_crash", on_crash);
    case XEN_KBOOT_SHUTDOWN_SUSPEND:
      /* xl: "Domain has suspended." and it leaves the domain alone. */
      none.step = XEN_KBOOT_MONITOR_PRESERVE;
      none.action = XEN_KBOOT_LIFECYCLE_PRESERVE;
      return none;
    case XEN_KBOOT_SHUTDOWN_UNKNOWN:
    case XEN_KBOOT_SHUTDOWN_LAST:
      break;
    }
  /* xl: "Unknown shutdown reason code %d. Destroying domain." */
  return none;
}

char *
xen_kboot_lifecycle_rename_suffix (gint64 unix_time)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (unix_time);

  return t ? g_date_time_format (t, "-%Y%m%dT%H%MZ") : g_strdup ("-unknown-time");
}
