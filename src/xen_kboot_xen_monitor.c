/* The monitor of a domain xen-kboot created (see xen_kboot_xen_monitor.h).
 *
 * The loop, as xl's create_domain runs it after daemonizing:
 *   wait for an event of our domain (libxl_event_wait)
 *   DOMAIN_SHUTDOWN: xen_kboot_lifecycle_decide() says what to do; dump,
 *     destroy, rename, or leave it; a restart creates the domain again
 *     through xen_kboot_create and watches the new one
 *   DOMAIN_DEATH: someone destroyed it; nothing left to watch
 * The decision is pure (xen_kboot_xen_lifecycle.c); here are only the calls. */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxl.h>

#include "kboot_util_runtime.h"
#include "xen_kboot_xen_lifecycle.h"
#include "xen_kboot_xen_monitor.h"

/* Our reasons are Xen's SHUTDOWN_* codes, which libxl passes on. */
G_STATIC_ASSERT ((int) LIBXL_SHUTDOWN_REASON_POWEROFF == XEN_KBOOT_SHUTDOWN_POWEROFF);
G_STATIC_ASSERT ((int) LIBXL_SHUTDOWN_REASON_REBOOT == XEN_KBOOT_SHUTDOWN_REBOOT);
G_STATIC_ASSERT ((int) LIBXL_SHUTDOWN_REASON_SUSPEND == XEN_KBOOT_SHUTDOWN_SUSPEND);
G_STATIC_ASSERT ((int) LIBXL_SHUTDOWN_REASON_CRASH == XEN_KBOOT_SHUTDOWN_CRASH);
G_STATIC_ASSERT ((int) LIBXL_SHUTDOWN_REASON_WATCHDOG == XEN_KBOOT_SHUTDOWN_WATCHDOG);
G_STATIC_ASSERT ((int) LIBXL_SHUTDOWN_REASON_SOFT_RESET == XEN_KBOOT_SHUTDOWN_SOFT_RESET);

/* xl waits 2 s before creating a domain again: "If this sleep is not there
 * then domain re-creation fails sometimes" (xl_vmcontrol.c). */
#define XEN_KBOOT_MONITOR_RESTART_DELAY_MS 2000

/* The run goes on watching. */
#define XEN_KBOOT_MONITOR_GO_ON (-1)

struct _XenKbootMonitor {
  XenKbootXen *xen;
  const XenKbootDomainDef *def;
  XenKbootMonitorOptions options;
  guint32 domid;
  libxl_evgen_domain_death *deathw;
};

/* ---- signals ------------------------------------------------------------- */

static const int xen_kboot_monitor_signals[3] = { SIGINT, SIGTERM, SIGHUP };

/* What the handler needs, prepared before each wait: while the monitor
 * waits, a signal ends it at once with one line in the log; otherwise it
 * is noted and the action under way finishes first. */
static struct {
  volatile sig_atomic_t waiting;
  volatile sig_atomic_t signal;
  gboolean timestamps;
  char head[48];                 /* " xen-kboot[PID]: " or "xen-kboot: " */
  char tail[G_N_ELEMENTS (xen_kboot_monitor_signals)][320];
  struct sigaction saved[G_N_ELEMENTS (xen_kboot_monitor_signals)];
} xen_kboot_monitor_sig;

static void
xen_kboot_monitor_on_signal (int sig)
{
  char line[KBOOT_RUNTIME_UTC_STAMP_SIZE + sizeof xen_kboot_monitor_sig.head
            + sizeof xen_kboot_monitor_sig.tail[0]];
  size_t len = 0;
  gsize i;

  if (!xen_kboot_monitor_sig.signal)
    xen_kboot_monitor_sig.signal = sig;
  if (!xen_kboot_monitor_sig.waiting)
    return;
  for (i = 0; i < G_N_ELEMENTS (xen_kboot_monitor_signals); i++)
    if (xen_kboot_monitor_signals[i] == sig)
      break;
  if (i == G_N_ELEMENTS (xen_kboot_monitor_signals))
    _exit (128 + sig);
  /* Only async-signal-safe calls from here on. */
  if (xen_kboot_monitor_sig.timestamps)
    {
      struct timespec now = { 0 };

      clock_gettime (CLOCK_REALTIME, &now);
      kboot_runtime_utc_stamp (now.tv_sec, line);
      len = KBOOT_RUNTIME_UTC_STAMP_SIZE - 1;
    }
  memcpy (line + len, xen_kboot_monitor_sig.head, strlen (xen_kboot_monitor_sig.head));
  len += strlen (xen_kboot_monitor_sig.head);
  memcpy (line + len, xen_kboot_monitor_sig.tail[i], strlen (xen_kboot_monitor_sig.tail[i]));
  len += strlen (xen_kboot_monitor_sig.tail[i]);
  if (write (STDERR_FILENO, line, len) < 0)
    { /* nowhere left to say it */ }
  _exit (128 + sig);
}

static void
xen_kboot_monitor_catch_signals (gboolean timestamps)
{
  struct sigaction sa;

  xen_kboot_monitor_sig.timestamps = timestamps;
  if (timestamps)
    g_snprintf (xen_kboot_monitor_sig.head, sizeof xen_kboot_monitor_sig.head,
                " xen-kboot[%d]: ", (int) getpid ());
  else
    g_strlcpy (xen_kboot_monitor_sig.head, "xen-kboot: ", sizeof xen_kboot_monitor_sig.head);
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = xen_kboot_monitor_on_signal;
  sigemptyset (&sa.sa_mask);
  for (gsize i = 0; i < G_N_ELEMENTS (xen_kboot_monitor_signals); i++)
    sigaction (xen_kboot_monitor_signals[i], &sa, &xen_kboot_monitor_sig.saved[i]);
}

static void
xen_kboot_monitor_restore_signals (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (xen_kboot_monitor_signals); i++)
    sigaction (xen_kboot_monitor_signals[i], &xen_kboot_monitor_sig.saved[i], NULL);
}

/* ---- messages ------------------------------------------------------------ */

static const char *
xen_kboot_monitor_name (const XenKbootMonitor *m)
{
  return m->def->name ? m->def->name : "unnamed";
}

void
xen_kboot_monitor_say (gboolean timestamps, const char *message)
{
  g_autofree char *line = NULL;

  if (timestamps)
    {
      char stamp[KBOOT_RUNTIME_UTC_STAMP_SIZE];

      kboot_runtime_utc_stamp (g_get_real_time () / G_USEC_PER_SEC, stamp);
      line = g_strdup_printf ("%s xen-kboot[%d]: %s\n", stamp, (int) getpid (), message);
    }
  else
    line = g_strdup_printf ("xen-kboot: %s\n", message);
  /* One write: the log may be shared with libxl's own messages. */
  if (write (STDERR_FILENO, line, strlen (line)) < 0)
    { /* the log is gone: nothing better to do */ }
}

static void xen_kboot_monitor_log (const XenKbootMonitor *m, const char *format, ...)
  G_GNUC_PRINTF (2, 3);

static void
xen_kboot_monitor_log (const XenKbootMonitor *m, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list ap;

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);
  xen_kboot_monitor_say (m->options.timestamps, message);
}

/* "stopped by signal N (NAME): ..." for the domain as it is now. */
static char *
xen_kboot_monitor_stop_message (const XenKbootMonitor *m, int sig)
{
  return g_strdup_printf ("stopped by signal %d (%s): domain '%s' (id %u) is "
                          "left as it is, unwatched", sig, g_strsignal (sig),
                          xen_kboot_monitor_name (m), m->domid);
}

static int
xen_kboot_monitor_stopped (const XenKbootMonitor *m, int sig)
{
  g_autofree char *message = xen_kboot_monitor_stop_message (m, sig);

  xen_kboot_monitor_log (m, "%s", message);
  return 128 + sig;
}

static const char *
xen_kboot_libxl_error_name (int rc)
{
  const char *name = libxl_error_to_string (rc);

  return name ? name : "unknown";
}

/* ---- the actions --------------------------------------------------------- */

/* xl: dump to XEN_DUMP_DIR/NAME, and go on whatever happens ("No point
 * crying over spilled milk"). */
static void
xen_kboot_monitor_core_dump (XenKbootMonitor *m)
{
  g_autofree char *dir = kboot_runtime_dump_dir ();
  g_autofree char *path = g_build_filename (dir, xen_kboot_monitor_name (m), NULL);
  int rc;

  xen_kboot_monitor_log (m, "dumping the memory of domain '%s' (id %u) to %s",
                         xen_kboot_monitor_name (m), m->domid, path);
  rc = libxl_domain_core_dump (m->xen->ctx, m->domid, path, NULL);
  if (rc)
    xen_kboot_monitor_log (m, "the core dump failed: libxl error %d (%s); going on",
                           rc, xen_kboot_libxl_error_name (rc));
}

static gboolean
xen_kboot_monitor_destroy (XenKbootMonitor *m)
{
  int rc = libxl_domain_destroy (m->xen->ctx, m->domid, NULL);

  if (rc)
    {
      xen_kboot_monitor_log (m, "destroying domain '%s' (id %u) failed: libxl "
                             "error %d (%s); remove it with 'xl destroy %u'",
                             xen_kboot_monitor_name (m), m->domid, rc,
                             xen_kboot_libxl_error_name (rc), m->domid);
      return FALSE;
    }
  xen_kboot_monitor_log (m, "domain '%s' (id %u) destroyed",
                         xen_kboot_monitor_name (m), m->domid);
  return TRUE;
}

/* rename-restart: xl's preserve_domain keeps the old domain, shut down,
 * as NAME-<UTC time>, with a new uuid in xenstore. */
static gboolean
xen_kboot_monitor_rename (XenKbootMonitor *m)
{
  g_autofree char *suffix = xen_kboot_lifecycle_rename_suffix (g_get_real_time ()
                                                               / G_USEC_PER_SEC);
  const char *name = xen_kboot_monitor_name (m);
  libxl_domain_create_info info;
  libxl_uuid new_uuid;
  int rc;

  libxl_domain_create_info_init (&info);
  info.name = g_strdup (name);
  libxl_uuid_generate (&new_uuid);
  rc = libxl_domain_preserve (m->xen->ctx, m->domid, &info, suffix, new_uuid);
  g_free (info.name);
  info.name = NULL;
  libxl_domain_create_info_dispose (&info);
  if (rc)
    {
      xen_kboot_monitor_log (m, "renaming domain '%s' (id %u) to '%s%s' failed: "
                             "libxl error %d (%s); it is left as it is", name,
                             m->domid, name, suffix, rc, xen_kboot_libxl_error_name (rc));
      return FALSE;
    }
  xen_kboot_monitor_log (m, "domain '%s' (id %u) kept, shut down, as '%s%s'",
                         name, m->domid, name, suffix);
  return TRUE;
}

static gboolean
xen_kboot_monitor_watch (XenKbootMonitor *m, GError **error)
{
  int rc = libxl_evenable_domain_death (m->xen->ctx, m->domid, 0, &m->deathw);

  if (rc)
    {
      m->deathw = NULL;
      xen_kboot_set_libxl_error (error, "libxl_evenable_domain_death", rc);
      g_prefix_error (error, "watching domain '%s' (id %u) failed: ",
                      xen_kboot_monitor_name (m), m->domid);
      return FALSE;
    }
  return TRUE;
}

/* Stop watching the old domain and drop what it still had to say, as xl
 * does before it starts again. */
static void
xen_kboot_monitor_unwatch (XenKbootMonitor *m)
{
  libxl_event *event;
  int rc;

  if (m->deathw)
    libxl_evdisable_domain_death (m->xen->ctx, m->deathw);
  m->deathw = NULL;
  while ((rc = libxl_event_check (m->xen->ctx, &event, LIBXL_EVENTMASK_ALL,
                                  NULL, NULL)) == 0)
    libxl_event_free (m->xen->ctx, event);
  if (rc != ERROR_NOT_READY)
    xen_kboot_monitor_log (m, "dropping the old domain's events failed: libxl "
                           "error %d (%s); going on", rc, xen_kboot_libxl_error_name (rc));
}

/* The old domain is gone (destroyed or renamed): create it again and
 * watch the new one.  XEN_KBOOT_MONITOR_GO_ON, or the exit status. */
static int
xen_kboot_monitor_restart (XenKbootMonitor *m)
{
  g_autoptr(GError) error = NULL;
  XenKbootCreateOptions options = m->options.create;
  const char *name = xen_kboot_monitor_name (m);
  guint32 old = m->domid, domid = 0;

  xen_kboot_monitor_unwatch (m);
  for (int waited = 0; waited < XEN_KBOOT_MONITOR_RESTART_DELAY_MS; waited += 100)
    {
      if (xen_kboot_monitor_sig.signal)
        break;
      g_usleep (100 * 1000);
    }
  if (xen_kboot_monitor_sig.signal)
    {
      xen_kboot_monitor_log (m, "stopped by signal %d (%s) before restarting "
                             "domain '%s': it is gone", xen_kboot_monitor_sig.signal,
                             g_strsignal (xen_kboot_monitor_sig.signal), name);
      return 128 + xen_kboot_monitor_sig.signal;
    }

  xen_kboot_monitor_log (m, "creating domain '%s' again", name);
  options.paused = FALSE;
  if (!xen_kboot_create (&m->xen, m->def, &options, &domid, &error))
    {
      xen_kboot_monitor_log (m, "restarting domain '%s' failed: %s; the domain "
                             "is gone", name, error->message);
      if (g_error_matches (error, XEN_KBOOT_DRIVER_ERROR,
                           XEN_KBOOT_DRIVER_ERROR_INTERRUPTED))
        return 128 + kboot_runtime_caught_signal ();
      return 1;
    }
  m->domid = domid;
  xen_kboot_monitor_log (m, "domain '%s' restarted as id %u (was %u)", name, domid, old);
  if (!xen_kboot_monitor_watch (m, &error))
    {
      xen_kboot_monitor_log (m, "%s; it runs unwatched", error->message);
      return 1;
    }
  if (xen_kboot_monitor_sig.signal)
    return xen_kboot_monitor_stopped (m, xen_kboot_monitor_sig.signal);
  return XEN_KBOOT_MONITOR_GO_ON;
}

/* The guest shut down with Xen's @code: apply the domain's rule. */
static int
xen_kboot_monitor_shutdown (XenKbootMonitor *m, guint code)
{
  const XenKbootDomainDef *def = m->def;
  XenKbootShutdownReason reason = xen_kboot_shutdown_reason_from_code (code);
  XenKbootLifecycleDecision d = xen_kboot_lifecycle_decide (reason, def->on_poweroff,
                                                            def->on_reboot, def->on_crash);
  const char *name = xen_kboot_monitor_name (m);

  if (d.rule)
    xen_kboot_monitor_log (m, "domain '%s' (id %u) shut down (%s): %s is %s",
                           name, m->domid, xen_kboot_shutdown_reason_to_string (reason),
                           d.rule, xen_kboot_lifecycle_action_to_string (d.action));
  else if (reason == XEN_KBOOT_SHUTDOWN_SUSPEND)
    xen_kboot_monitor_log (m, "domain '%s' (id %u) suspended itself", name, m->domid);
  else
    xen_kboot_monitor_log (m, "domain '%s' (id %u) shut down for an unknown "
                           "reason (code %u): destroying it, as xl does",
                           name, m->domid, code);

  if (d.coredump)
    xen_kboot_monitor_core_dump (m);
  switch (d.step)
    {
    case XEN_KBOOT_MONITOR_PRESERVE:
      xen_kboot_monitor_log (m, "domain '%s' (id %u) is left as it is; "
                             "'xen-kboot destroy %u' removes it", name, m->domid,
                             m->domid);
      return 0;
    case XEN_KBOOT_MONITOR_DESTROY:
      return xen_kboot_monitor_destroy (m) ? 0 : 1;
    case XEN_KBOOT_MONITOR_RESTART:
      return xen_kboot_monitor_destroy (m) ? xen_kboot_monitor_restart (m) : 1;
    case XEN_KBOOT_MONITOR_RENAME_RESTART:
      return xen_kboot_monitor_rename (m) ? xen_kboot_monitor_restart (m) : 1;
    case XEN_KBOOT_MONITOR_STEP_LAST:
      break;
    }
  g_return_val_if_reached (1);
}

/* ---- the loop ------------------------------------------------------------ */

/* libxl_event_wait with the signal handler armed: a signal while we wait
 * ends the process, one before is seen here (returns 128+N in *status). */
static int
xen_kboot_monitor_wait (XenKbootMonitor *m, libxl_event **event, int *status)
{
  g_autofree char *stop = NULL;
  int rc;

  for (gsize i = 0; i < G_N_ELEMENTS (xen_kboot_monitor_signals); i++)
    {
      g_free (stop);
      stop = xen_kboot_monitor_stop_message (m, xen_kboot_monitor_signals[i]);
      g_snprintf (xen_kboot_monitor_sig.tail[i], sizeof xen_kboot_monitor_sig.tail[i],
                  "%s\n", stop);
    }
  /* Armed first, then checked: a signal is either seen here or ends us. */
  xen_kboot_monitor_sig.waiting = 1;
  if (xen_kboot_monitor_sig.signal)
    {
      xen_kboot_monitor_sig.waiting = 0;
      *status = xen_kboot_monitor_stopped (m, xen_kboot_monitor_sig.signal);
      return 0;
    }
  rc = libxl_event_wait (m->xen->ctx, event, LIBXL_EVENTMASK_ALL, NULL, NULL);
  xen_kboot_monitor_sig.waiting = 0;
  return rc;
}

int
xen_kboot_monitor_run (XenKbootMonitor *m)
{
  const XenKbootDomainDef *def = m->def;
  int status = XEN_KBOOT_MONITOR_GO_ON;

  xen_kboot_monitor_catch_signals (m->options.timestamps);
  xen_kboot_monitor_log (m, "watching domain '%s' (id %u): on_poweroff %s, "
                         "on_reboot %s, on_crash %s", xen_kboot_monitor_name (m),
                         m->domid, xen_kboot_lifecycle_action_to_string (def->on_poweroff),
                         xen_kboot_lifecycle_action_to_string (def->on_reboot),
                         xen_kboot_lifecycle_action_to_string (def->on_crash));
  while (status == XEN_KBOOT_MONITOR_GO_ON)
    {
      libxl_event *event = NULL;
      int rc = xen_kboot_monitor_wait (m, &event, &status);

      if (rc)
        {
          xen_kboot_monitor_log (m, "waiting for domain '%s' (id %u) failed: "
                                 "libxl error %d (%s); it is left as it is, unwatched",
                                 xen_kboot_monitor_name (m), m->domid, rc,
                                 xen_kboot_libxl_error_name (rc));
          status = 1;
          break;
        }
      if (!event)
        break;                  /* a signal came first: status is set */
      if (event->domid != m->domid)
        {
          /* xl: "INTERNAL PROBLEM - ignoring unexpected event". */
          xen_kboot_monitor_log (m, "ignoring an event of domain %u", event->domid);
          libxl_event_free (m->xen->ctx, event);
          continue;
        }
      switch (event->type)
        {
        case LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN:
          {
            guint code = event->u.domain_shutdown.shutdown_reason;

            libxl_event_free (m->xen->ctx, event);
            status = xen_kboot_monitor_shutdown (m, code);
            break;
          }
        case LIBXL_EVENT_TYPE_DOMAIN_DEATH:
          xen_kboot_monitor_log (m, "domain '%s' (id %u) was destroyed from "
                                 "outside: nothing left to watch",
                                 xen_kboot_monitor_name (m), m->domid);
          libxl_event_free (m->xen->ctx, event);
          status = 0;
          break;
        case LIBXL_EVENT_TYPE_DISK_EJECT:
        case LIBXL_EVENT_TYPE_OPERATION_COMPLETE:
        case LIBXL_EVENT_TYPE_DOMAIN_CREATE_CONSOLE_AVAILABLE:
        default:
          /* We enable none of these. */
          xen_kboot_monitor_log (m, "ignoring a libxl event of type %d", event->type);
          libxl_event_free (m->xen->ctx, event);
          break;
        }
    }
  xen_kboot_monitor_restore_signals ();
  return status;
}

XenKbootMonitor *
xen_kboot_monitor_new (XenKbootXen **xen, const XenKbootDomainDef *def,
                       const XenKbootMonitorOptions *options, guint32 domid,
                       GError **error)
{
  g_autofree XenKbootMonitor *m = g_new0 (XenKbootMonitor, 1);

  m->xen = *xen;
  m->def = def;
  m->options = *options;
  m->domid = domid;
  if (!xen_kboot_monitor_watch (m, error))
    return NULL;
  *xen = NULL;
  return g_steal_pointer (&m);
}

void
xen_kboot_monitor_free (XenKbootMonitor *m)
{
  if (!m)
    return;
  if (m->deathw)
    libxl_evdisable_domain_death (m->xen->ctx, m->deathw);
  xen_kboot_xen_free (m->xen);
  g_free (m);
}
