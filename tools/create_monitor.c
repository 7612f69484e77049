/* The detached monitor of a domain 'xen-kboot create' made (see
 * create_monitor.h), in the steps of xl's do_daemonize (tools/xl/
 * xl_utils.c) and create_domain (xl_vmcontrol.c):
 *   1. open the log, xen-kboot-NAME.log appended in $XEN_KBOOT_LOG_DIR,
 *      else /var/log/xen (beside xl's xl-NAME.log), else /var/log: a
 *      failure is still ours to report
 *   2. fork; the child leaves the terminal's session (setsid), takes
 *      /dev/null as stdin and the log as stdout and stderr, does what
 *      libxl requires after fork (libxl_postfork_child_noexec), closes
 *      every other descriptor it inherited, moves to /, and opens
 *      toolstack handles of its own
 *   3. it watches the domain, then says "ready" on a pipe; the parent
 *      returns only then, so a guest that powers off at once is seen
 *      (and libxl reports a shutdown that came before the watch anyway)
 *   4. the child runs the monitor until there is nothing left to watch */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib-unix.h>

#include "create_monitor.h"
#include "kboot_util_runtime.h"
#include "xen_kboot_driver.h"

#define KBOOT_MONITOR_READY "ready\n"

void
kboot_monitor_start_clear (KbootMonitorStart *start)
{
  g_clear_pointer (&start->log, g_free);
}

/* Step 1: the first log directory that takes the file. */
static int
kboot_monitor_open_log (const char *name, char **path_out, GError **error)
{
  g_auto(GStrv) dirs = kboot_runtime_log_dirs ();
  g_autofree char *base = g_strdup_printf ("xen-kboot-%s.log", name);
  g_autoptr(GString) tried = g_string_new (NULL);

  g_strdelimit (base, "/", '_');
  for (guint i = 0; dirs[i]; i++)
    {
      g_autofree char *path = g_build_filename (dirs[i], base, NULL);
      int fd = open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0644);

      if (fd >= 0)
        {
          *path_out = g_steal_pointer (&path);
          return fd;
        }
      g_string_append_printf (tried, "%s%s: %s", tried->len ? ", " : "", path,
                              g_strerror (errno));
    }
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
               "cannot open a log file for the monitor (%s); set "
               "XEN_KBOOT_LOG_DIR to a writable directory", tried->str);
  return -1;
}

/* All of @s to @fd. */
static void
kboot_monitor_tell (int fd, const char *s)
{
  size_t len = strlen (s);

  while (len > 0)
    {
      ssize_t r = write (fd, s, len);

      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        return;
      s += r;
      len -= (size_t) r;
    }
}

/* Close whatever the caller of create left open to us, but @keep: a
 * monitor holding its caller's pipes would keep the caller from seeing
 * their end (a shell's $(...), a test harness). */
static void
kboot_monitor_close_inherited (int keep)
{
  g_autoptr(GArray) fds = g_array_new (FALSE, FALSE, sizeof (int));
  GDir *dir = g_dir_open ("/proc/self/fd", 0, NULL);
  const char *entry;

  if (!dir)
    {
      long max = sysconf (_SC_OPEN_MAX);

      for (int fd = 3; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
        if (fd != keep)
          close (fd);
      return;
    }
  while ((entry = g_dir_read_name (dir)))
    {
      guint64 fd;

      if (g_ascii_string_to_unsigned (entry, 10, 3, G_MAXINT, &fd, NULL)
          && (int) fd != keep)
        {
          int n = (int) fd;

          g_array_append_val (fds, n);
        }
    }
  g_dir_close (dir);          /* its own descriptor was listed: EBADF below */
  for (guint i = 0; i < fds->len; i++)
    close (g_array_index (fds, int, i));
}

/* Steps 2 to 4, in the child: the monitor's exit status.  Anything that
 * stops it before it watches is told to the parent on @ready_fd. */
static int
kboot_monitor_child (XenKbootXen **parent_xen, const XenKbootDomainDef *def,
                     const XenKbootMonitorOptions *options, guint32 domid,
                     int log_fd, int ready_fd)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XenKbootMonitor) monitor = NULL;
  g_autoptr(XenKbootXen) xen = NULL;
  int null_fd;
  int status;

  gboolean redirected;
  int saved;

  /* Out of the terminal's session: its hangup and ^C are not ours. */
  setsid ();
  null_fd = open ("/dev/null", O_RDWR | O_CLOEXEC);
  redirected = null_fd >= 0 && dup2 (null_fd, STDIN_FILENO) >= 0
               && dup2 (log_fd, STDOUT_FILENO) >= 0 && dup2 (log_fd, STDERR_FILENO) >= 0;
  saved = errno;
  /* libxl's rule after fork, before any other libxl call (it closes the
   * descriptors it keeps track of, and may say so: in the log by now). */
  xen_kboot_xen_free_after_fork (g_steal_pointer (parent_xen));
  if (!redirected)
    {
      g_autofree char *message = g_strdup_printf ("cannot redirect its standard "
                                                  "streams: %s", g_strerror (saved));
      kboot_monitor_tell (ready_fd, message);
      return 1;
    }
  close (null_fd);
  close (log_fd);
  /* Then whatever else we inherited, the rest of the parent's libxl
   * context with it. */
  kboot_monitor_close_inherited (ready_fd);
  /* Not to hold the directory create ran in (paths in the domain are
   * absolute, the firmware's made so by the command). */
  if (chdir ("/") < 0)
    { /* harmless: it only keeps a directory busy */ }

  xen = xen_kboot_xen_open (&error);
  if (xen)
    monitor = xen_kboot_monitor_new (&xen, def, options, domid, &error);
  if (!monitor)
    {
      g_autofree char *message = g_strdup_printf ("cannot start: %s", error->message);

      xen_kboot_monitor_say (options->timestamps, message);
      kboot_monitor_tell (ready_fd, error->message);
      return 1;
    }
  kboot_monitor_tell (ready_fd, KBOOT_MONITOR_READY);
  close (ready_fd);
  status = xen_kboot_monitor_run (monitor);
  return status;
}

/* What the child said, up to its end of the pipe closing. */
static char *
kboot_monitor_hear (int fd)
{
  GString *said = g_string_new (NULL);
  char buf[512];

  for (;;)
    {
      ssize_t r = read (fd, buf, sizeof buf);

      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        break;
      g_string_append_len (said, buf, r);
    }
  return g_string_free (said, FALSE);
}

gboolean
kboot_monitor_start_detached (XenKbootXen **xen, const XenKbootDomainDef *def,
                              const XenKbootMonitorOptions *options, guint32 domid,
                              KbootMonitorStart *start, GError **error)
{
  g_autofree char *said = NULL;
  int ready[2];
  int log_fd;
  int status = 0;
  pid_t pid;

  log_fd = kboot_monitor_open_log (def->name ? def->name : "unnamed", &start->log, error);
  if (log_fd < 0)
    return FALSE;
  /* Close-on-exec: a device model spawned by a restart must not hold the
   * pipe open (the parent would wait for ever). */
  if (!g_unix_open_pipe (ready, FD_CLOEXEC, error))
    {
      close (log_fd);
      return FALSE;
    }
  fflush (stdout);
  fflush (stderr);
  pid = fork ();
  if (pid < 0)
    {
      int saved = errno;

      close (log_fd);
      close (ready[0]);
      close (ready[1]);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "fork: %s", g_strerror (saved));
      return FALSE;
    }
  if (pid == 0)
    {
      close (ready[0]);
      start->in_monitor = TRUE;
      start->status = kboot_monitor_child (xen, def, options, domid, log_fd, ready[1]);
      return TRUE;
    }

  close (log_fd);
  close (ready[1]);
  said = kboot_monitor_hear (ready[0]);
  close (ready[0]);
  if (strcmp (said, KBOOT_MONITOR_READY) == 0)
    {
      start->pid = pid;
      return TRUE;
    }
  /* It stopped before it watched: reap it, and say why. */
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (*said)
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s", said);
  else if (WIFSIGNALED (status))
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "its process (pid %d) "
                 "was killed by signal %d (%s) before it watched the domain",
                 (int) pid, WTERMSIG (status), g_strsignal (WTERMSIG (status)));
  else
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "its process (pid %d) "
                 "exited with status %d before it watched the domain", (int) pid,
                 WIFEXITED (status) ? WEXITSTATUS (status) : -1);
  return FALSE;
}
