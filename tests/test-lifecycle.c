/* Unit tests of what the monitor decides when a guest shuts down
 * (src/xen_kboot_xen_lifecycle.c), of the time stamp its log lines carry
 * (kboot_runtime_utc_stamp) and of where it logs and dumps.  The expected decisions are xl's
 * handle_domain_death (tools/xl/xl_vmcontrol.c, Xen 4.17), written out
 * case by case. */
#include "config.h"

#include "kboot_util_runtime.h"
#include "xen_kboot_xen_lifecycle.h"

#define DESTROY    XEN_KBOOT_LIFECYCLE_DESTROY
#define RESTART    XEN_KBOOT_LIFECYCLE_RESTART
#define PRESERVE   XEN_KBOOT_LIFECYCLE_PRESERVE
#define RENAME     XEN_KBOOT_LIFECYCLE_RENAME_RESTART
#define CD_DESTROY XEN_KBOOT_LIFECYCLE_COREDUMP_DESTROY
#define CD_RESTART XEN_KBOOT_LIFECYCLE_COREDUMP_RESTART

typedef struct {
  const char *name;
  guint code;                          /* Xen's SHUTDOWN_* */
  XenKbootLifecycleAction on_poweroff, on_reboot, on_crash;
  XenKbootMonitorStep step;
  gboolean coredump;
  const char *rule;
  XenKbootLifecycleAction action;
} DecideCase;

static const DecideCase decide_cases[] = {
  /* libvirt's defaults: destroy, restart, destroy. */
  { "poweroff-destroy", 0, DESTROY, RESTART, DESTROY,
    XEN_KBOOT_MONITOR_DESTROY, FALSE, "on_poweroff", DESTROY },
  { "reboot-restart", 1, DESTROY, RESTART, DESTROY,
    XEN_KBOOT_MONITOR_RESTART, FALSE, "on_reboot", RESTART },
  { "crash-destroy", 3, DESTROY, RESTART, DESTROY,
    XEN_KBOOT_MONITOR_DESTROY, FALSE, "on_crash", DESTROY },
  /* Each action, through each rule. */
  { "poweroff-restart", 0, RESTART, DESTROY, DESTROY,
    XEN_KBOOT_MONITOR_RESTART, FALSE, "on_poweroff", RESTART },
  { "poweroff-preserve", 0, PRESERVE, DESTROY, DESTROY,
    XEN_KBOOT_MONITOR_PRESERVE, FALSE, "on_poweroff", PRESERVE },
  { "reboot-destroy", 1, RESTART, DESTROY, RESTART,
    XEN_KBOOT_MONITOR_DESTROY, FALSE, "on_reboot", DESTROY },
  { "reboot-rename-restart", 1, DESTROY, RENAME, DESTROY,
    XEN_KBOOT_MONITOR_RENAME_RESTART, FALSE, "on_reboot", RENAME },
  { "reboot-coredump-restart", 1, DESTROY, CD_RESTART, DESTROY,
    XEN_KBOOT_MONITOR_RESTART, TRUE, "on_reboot", CD_RESTART },
  { "crash-preserve", 3, DESTROY, RESTART, PRESERVE,
    XEN_KBOOT_MONITOR_PRESERVE, FALSE, "on_crash", PRESERVE },
  { "crash-restart", 3, DESTROY, DESTROY, RESTART,
    XEN_KBOOT_MONITOR_RESTART, FALSE, "on_crash", RESTART },
  { "crash-coredump-destroy", 3, DESTROY, RESTART, CD_DESTROY,
    XEN_KBOOT_MONITOR_DESTROY, TRUE, "on_crash", CD_DESTROY },
  { "crash-coredump-restart", 3, DESTROY, RESTART, CD_RESTART,
    XEN_KBOOT_MONITOR_RESTART, TRUE, "on_crash", CD_RESTART },
  { "crash-rename-restart", 3, DESTROY, RESTART, RENAME,
    XEN_KBOOT_MONITOR_RENAME_RESTART, FALSE, "on_crash", RENAME },
  { "poweroff-coredump-destroy", 0, CD_DESTROY, RESTART, DESTROY,
    XEN_KBOOT_MONITOR_DESTROY, TRUE, "on_poweroff", CD_DESTROY },
  /* The watchdog is a crash; a soft reset a reboot. */
  { "watchdog-is-crash", 4, RESTART, RESTART, PRESERVE,
    XEN_KBOOT_MONITOR_PRESERVE, FALSE, "on_crash", PRESERVE },
  { "soft-reset-is-reboot", 5, PRESERVE, DESTROY, PRESERVE,
    XEN_KBOOT_MONITOR_DESTROY, FALSE, "on_reboot", DESTROY },
  /* No rule: a suspended guest is left, an unknown reason destroyed. */
  { "suspend-left", 2, DESTROY, DESTROY, DESTROY,
    XEN_KBOOT_MONITOR_PRESERVE, FALSE, NULL, PRESERVE },
  { "unknown-destroyed", 6, PRESERVE, PRESERVE, PRESERVE,
    XEN_KBOOT_MONITOR_DESTROY, FALSE, NULL, DESTROY },
  { "unknown-255", 255, RESTART, RESTART, RESTART,
    XEN_KBOOT_MONITOR_DESTROY, FALSE, NULL, DESTROY },
};

static void
test_decide (gconstpointer data)
{
  const DecideCase *c = data;
  XenKbootLifecycleDecision d =
    xen_kboot_lifecycle_decide (xen_kboot_shutdown_reason_from_code (c->code),
                                c->on_poweroff, c->on_reboot, c->on_crash);

  g_assert_cmpint (d.step, ==, c->step);
  g_assert_cmpint (d.coredump, ==, c->coredump);
  g_assert_cmpstr (d.rule, ==, c->rule);
  g_assert_cmpint (d.action, ==, c->action);
}

/* Xen's numbering (xen/include/public/sched.h) and libxl's names. */
static void
test_reasons (void)
{
  static const char *const names[] = {
    "poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset",
  };

  for (guint code = 0; code < G_N_ELEMENTS (names); code++)
    g_assert_cmpstr (xen_kboot_shutdown_reason_to_string
                     (xen_kboot_shutdown_reason_from_code (code)), ==, names[code]);
  g_assert_cmpint (xen_kboot_shutdown_reason_from_code (6), ==, XEN_KBOOT_SHUTDOWN_UNKNOWN);
  g_assert_cmpstr (xen_kboot_shutdown_reason_to_string (XEN_KBOOT_SHUTDOWN_UNKNOWN),
                   ==, "unknown");
  g_assert_null (xen_kboot_shutdown_reason_to_string (XEN_KBOOT_SHUTDOWN_LAST));
}

static void
test_rename_suffix (void)
{
  static const struct { gint64 t; const char *want; } cases[] = {
    { 0, "-19700101T0000Z" },
    { 1714564859, "-20240501T1200Z" },        /* 12:00:59 */
    { 1709164800, "-20240229T0000Z" },        /* leap day */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = xen_kboot_lifecycle_rename_suffix (cases[i].t);

      g_assert_cmpstr (got, ==, cases[i].want);
    }
}

/* The signal-safe stamp against GLib's calendar, across leap years,
 * century rules and month ends. */
static void
test_utc_stamp (void)
{
  static const gint64 fixed[] = {
    0, 59, 86399, 86400, 951782400 /* 2000-02-29 */, 951868800,
    4107456000 /* 2100-02-28 */, 4107542400 /* 2100-03-01 */,
    1714564859, 253402300799 /* 9999-12-31T23:59:59 */,
  };
  char buf[KBOOT_RUNTIME_UTC_STAMP_SIZE];

  kboot_runtime_utc_stamp (-5, buf);
  g_assert_cmpstr (buf, ==, "1970-01-01T00:00:00Z");
  for (guint i = 0; i < G_N_ELEMENTS (fixed) + 2000; i++)
    {
      gint64 t = i < G_N_ELEMENTS (fixed) ? fixed[i]
                 : (gint64) (i - G_N_ELEMENTS (fixed)) * 1987654321 % 253402300800;
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);
      g_autofree char *want = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");

      kboot_runtime_utc_stamp (t, buf);
      g_assert_cmpstr (buf, ==, want);
    }
}

/* Where the monitor logs and dumps: xl's directories unless told. */
static void
test_monitor_dirs (void)
{
  static const char *const xl_dirs[] = { "/var/log/xen", "/var/log", NULL };
  static const char *const chosen[] = { "/srv/logs", NULL };
  g_auto(GStrv) dirs = NULL;
  g_autofree char *dump = NULL;

  g_unsetenv ("XEN_KBOOT_LOG_DIR");
  g_unsetenv ("XEN_KBOOT_DUMP_DIR");
  dirs = kboot_runtime_log_dirs ();
  g_assert_cmpstrv (dirs, xl_dirs);
  dump = kboot_runtime_dump_dir ();
  g_assert_cmpstr (dump, ==, "/var/lib/xen/dump");
  g_clear_pointer (&dirs, g_strfreev);
  g_clear_pointer (&dump, g_free);

  g_setenv ("XEN_KBOOT_LOG_DIR", "/srv/logs", TRUE);
  g_setenv ("XEN_KBOOT_DUMP_DIR", "/srv/dumps", TRUE);
  dirs = kboot_runtime_log_dirs ();
  g_assert_cmpstrv (dirs, chosen);
  dump = kboot_runtime_dump_dir ();
  g_assert_cmpstr (dump, ==, "/srv/dumps");
  g_unsetenv ("XEN_KBOOT_LOG_DIR");
  g_unsetenv ("XEN_KBOOT_DUMP_DIR");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (decide_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/lifecycle/decide/%s", decide_cases[i].name);

      g_test_add_data_func (path, &decide_cases[i], test_decide);
    }
  g_test_add_func ("/lifecycle/reasons", test_reasons);
  g_test_add_func ("/lifecycle/rename-suffix", test_rename_suffix);
  g_test_add_func ("/runtime/utc-stamp", test_utc_stamp);
  g_test_add_func ("/runtime/monitor-dirs", test_monitor_dirs);
  return g_test_run ();
}
