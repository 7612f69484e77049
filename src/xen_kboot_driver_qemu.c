/* Running QEMU on a RAM file (see xen_kboot_driver_qemu.h). */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gio/gio.h>

#include "xen_kboot_driver_qemu.h"

G_DEFINE_QUARK (kboot-qemu-error-quark, kboot_qemu_error)

char *
kboot_qemu_ram_file_name (const char *domain_name, int pid, guint32 nonce)
{
  const char *name = domain_name ? domain_name : "domain";
  gsize len = strlen (name);
  g_autoptr(GString) out = g_string_new ("xen-kboot-");

  for (gsize i = 0; i < len && i < KBOOT_QEMU_RAM_NAME_MAX; i++)
    g_string_append_c (out, g_ascii_isalnum (name[i]) || name[i] == '.'
                            || name[i] == '_' || name[i] == '-' ? name[i] : '_');
  /* Two long names that share their first bytes still differ here. */
  if (len > KBOOT_QEMU_RAM_NAME_MAX)
    g_string_append_printf (out, "~%08x", g_str_hash (name));
  g_string_append_printf (out, "-%d-%08x.ram", pid, nonce);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

GStrv
kboot_qemu_argv (const KbootQemuConfig *config)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  g_autofree char *backend = NULL, *size = NULL, *debugcon = NULL, *smp = NULL;
  guint vcpus = MAX (config->vcpus, 1);
  guint max_vcpus = MAX (config->max_vcpus, vcpus);

  /* Sizes in bytes ("B"): the backend and -m must agree exactly. */
  size = g_strdup_printf ("%" G_GUINT64_FORMAT "B", config->ram_size);
  backend = g_strdup_printf ("memory-backend-file,id=kboot-ram,mem-path=%s,"
                             "size=%s,share=on", config->ram_file, size);
  /* One socket of max_vcpus cores, one thread each: APIC ids 0 .. max - 1,
   * whatever topology QEMU would pick by default, as the firmware's MADT
   * lists them; the vCPUs from current= on are present but not started. */
  smp = g_strdup_printf ("%u,maxcpus=%u,sockets=1,cores=%u,threads=1", vcpus,
                         max_vcpus, max_vcpus);
  g_strv_builder_add_many (b, config->qemu,
                           "-machine", "pc,accel=tcg,memory-backend=kboot-ram",
                           "-object", backend,
                           "-m", size,
                           "-bios", config->firmware,
                           "-smp", smp,
                           "-nodefaults", "-nographic", "-no-reboot",
                           "-serial", "mon:stdio",
                           NULL);
  if (config->qmp_fd > 2)
    {
      g_autofree char *chardev = g_strdup_printf ("socket,id=kboot-qmp,fd=%d",
                                                  config->qmp_fd);

      g_strv_builder_add_many (b, "-chardev", chardev,
                               "-mon", "chardev=kboot-qmp,mode=control", NULL);
    }
  if (config->debugcon)
    {
      debugcon = g_strdup_printf ("file:%s", config->debugcon);
      g_strv_builder_add_many (b, "-debugcon", debugcon,
                               "-global", "isa-debugcon.iobase=0xe9", NULL);
    }
  return g_strv_builder_end (b);
}

void
kboot_qemu_result_clear (KbootQemuResult *result)
{
  g_clear_pointer (&result->reason, g_free);
  memset (result, 0, sizeof *result);
}

/* Where the QMP conversation is. */
typedef enum {
  KBOOT_QMP_STATE_GREETING,     /* waiting for QEMU's greeting */
  KBOOT_QMP_STATE_NEGOTIATING,  /* qmp_capabilities sent */
  KBOOT_QMP_STATE_READY,        /* events flow */
  KBOOT_QMP_STATE_CLOSED,       /* QEMU closed it (it exits), or we gave up */
} KbootQmpState;

/* QEMU closes its monitor as it exits: allow it that long to be gone
 * before calling a closed monitor a failure. */
#define KBOOT_QEMU_QMP_CLOSE_GRACE_S 10
/* A QMP line longer than this is no answer to anything preview sends. */
#define KBOOT_QEMU_QMP_LINE_MAX (1024 * 1024)

typedef struct {
  const char *qemu;
  GMainLoop *loop;
  GSubprocess *process;
  volatile gint *cancel;
  KbootQemuOutcome outcome;
  gboolean stopping;
  gboolean exited;
  GMainContext *context;
  GSource *kill;
  GSocket *qmp;
  GSource *qmp_source;          /* reading the monitor; NULL once closed */
  GSource *qmp_deadline;        /* the greeting's, or the close's grace */
  GString *qmp_line;            /* bytes of a line not yet ended */
  KbootQmpState qmp_state;
  KbootQmpEnd end;
  char *reason;
  GError *qmp_error;            /* why we stopped QEMU, when QMP failed */
} KbootQemuRun;

static gboolean
kboot_qemu_kill (gpointer data)
{
  KbootQemuRun *run = data;

  g_subprocess_force_exit (run->process);
  return G_SOURCE_REMOVE;
}

static void
kboot_qemu_terminate (KbootQemuRun *run)
{
  if (run->stopping)
    return;
  run->stopping = TRUE;
  g_subprocess_send_signal (run->process, SIGTERM);
  /* QEMU exits on SIGTERM at once; if it does not, make it. */
  run->kill = g_timeout_source_new_seconds (3);
  g_source_set_callback (run->kill, kboot_qemu_kill, run, NULL);
  g_source_attach (run->kill, run->context);
}

static void
kboot_qemu_stop (KbootQemuRun *run, KbootQemuOutcome why)
{
  if (run->stopping)
    return;
  run->outcome = why;
  kboot_qemu_terminate (run);
}

static gboolean
kboot_qemu_on_timeout (gpointer data)
{
  kboot_qemu_stop (data, KBOOT_QEMU_OUTCOME_TIMEOUT);
  return G_SOURCE_REMOVE;
}

static gboolean
kboot_qemu_poll_cancel (gpointer data)
{
  KbootQemuRun *run = data;

  if (run->cancel && g_atomic_int_get (run->cancel))
    kboot_qemu_stop (run, KBOOT_QEMU_OUTCOME_INTERRUPTED);
  return G_SOURCE_CONTINUE;
}

/* ---- the monitor ---- */

static void
kboot_qemu_qmp_clear_deadline (KbootQemuRun *run)
{
  if (!run->qmp_deadline)
    return;
  g_source_destroy (run->qmp_deadline);
  g_clear_pointer (&run->qmp_deadline, g_source_unref);
}

/* QMP failed while QEMU runs: without it preview cannot tell how the guest
 * ends, so QEMU is stopped.  Once QEMU has exited, or is being stopped
 * anyway, its monitor no longer matters. */
static void
kboot_qemu_qmp_fail (KbootQemuRun *run, GError *error)
{
  g_autoptr(GError) owned = error;

  kboot_qemu_qmp_clear_deadline (run);
  if (run->exited || run->stopping || run->qmp_error)
    return;
  run->qmp_error = g_error_new (KBOOT_QEMU_ERROR, KBOOT_QEMU_ERROR_QMP,
                                "%s: its QMP monitor: %s; stopped it (without "
                                "the monitor, a power-off and a reboot look "
                                "the same)", run->qemu, owned->message);
  kboot_qemu_terminate (run);
}

static gboolean
kboot_qemu_qmp_on_deadline (gpointer data)
{
  KbootQemuRun *run = data;
  GError *error;

  if (run->qmp_state == KBOOT_QMP_STATE_CLOSED)
    error = g_error_new (KBOOT_QEMU_ERROR, KBOOT_QEMU_ERROR_QMP,
                         "closed without a SHUTDOWN event, and QEMU was still "
                         "running %d seconds later", KBOOT_QEMU_QMP_CLOSE_GRACE_S);
  else
    error = g_error_new (KBOOT_QEMU_ERROR, KBOOT_QEMU_ERROR_QMP,
                         "no %s within %d seconds",
                         run->qmp_state == KBOOT_QMP_STATE_GREETING
                         ? "greeting" : "answer to qmp_capabilities",
                         KBOOT_QEMU_QMP_TIMEOUT_S);
  g_clear_pointer (&run->qmp_deadline, g_source_unref);
  kboot_qemu_qmp_fail (run, error);
  return G_SOURCE_REMOVE;
}

static void
kboot_qemu_qmp_set_deadline (KbootQemuRun *run, guint seconds)
{
  kboot_qemu_qmp_clear_deadline (run);
  run->qmp_deadline = g_timeout_source_new_seconds (seconds);
  g_source_set_callback (run->qmp_deadline, kboot_qemu_qmp_on_deadline, run, NULL);
  g_source_attach (run->qmp_deadline, run->context);
}

static void
kboot_qemu_qmp_send (KbootQemuRun *run, const char *command)
{
  GError *error = NULL;
  gsize len = strlen (command);
  gssize n = g_socket_send (run->qmp, command, len, NULL, &error);

  /* A few bytes into an empty socket buffer: all of them, at once. */
  if (n >= 0 && (gsize) n != len)
    error = g_error_new (KBOOT_QEMU_ERROR, KBOOT_QEMU_ERROR_QMP,
                         "sent %" G_GSSIZE_FORMAT " bytes of %" G_GSIZE_FORMAT,
                         n, len);
  if (error)
    kboot_qemu_qmp_fail (run, error);
}

/* One line from QEMU, in the conversation's order: greeting, the answer
 * to qmp_capabilities, then events, of which SHUTDOWN is the one that
 * matters. */
static void
kboot_qemu_qmp_on_line (KbootQemuRun *run, const char *line)
{
  g_auto(KbootQmpMessage) message = { 0 };
  GError *error = NULL;

  if (!kboot_qmp_parse (line, &message, &error))
    {
      kboot_qemu_qmp_fail (run, error);
      return;
    }
  switch (run->qmp_state)
    {
    case KBOOT_QMP_STATE_GREETING:
      if (message.kind != KBOOT_QMP_MESSAGE_GREETING)
        {
          kboot_qemu_qmp_fail (run, g_error_new (KBOOT_QEMU_ERROR, KBOOT_QEMU_ERROR_QMP,
                                                 "'%s' where its greeting was "
                                                 "due", line));
          return;
        }
      run->qmp_state = KBOOT_QMP_STATE_NEGOTIATING;
      kboot_qemu_qmp_send (run, KBOOT_QMP_CAPABILITIES);
      return;
    case KBOOT_QMP_STATE_NEGOTIATING:
      if (message.kind == KBOOT_QMP_MESSAGE_RETURN)
        {
          run->qmp_state = KBOOT_QMP_STATE_READY;
          kboot_qemu_qmp_clear_deadline (run);
        }
      else
        kboot_qemu_qmp_fail (run, g_error_new (KBOOT_QEMU_ERROR, KBOOT_QEMU_ERROR_QMP,
                                               "qmp_capabilities answered '%s'",
                                               line));
      return;
    case KBOOT_QMP_STATE_READY:
    case KBOOT_QMP_STATE_CLOSED:
      /* The first SHUTDOWN is the guest's end; QEMU exits after it. */
      if (message.kind == KBOOT_QMP_MESSAGE_SHUTDOWN && run->end == KBOOT_QMP_END_NONE)
        {
          run->end = message.end;
          run->reason = g_steal_pointer (&message.text);
        }
      return;
    }
}

static void
kboot_qemu_qmp_close (KbootQemuRun *run)
{
  if (run->qmp_source)
    {
      g_source_destroy (run->qmp_source);
      g_clear_pointer (&run->qmp_source, g_source_unref);
    }
  run->qmp_state = KBOOT_QMP_STATE_CLOSED;
  kboot_qemu_qmp_clear_deadline (run);
  /* After SHUTDOWN the close is QEMU's exit under way; before it, QEMU
   * should be exiting all the same (it failed to start, or died). */
  if (!run->exited && !run->stopping && run->end == KBOOT_QMP_END_NONE)
    kboot_qemu_qmp_set_deadline (run, KBOOT_QEMU_QMP_CLOSE_GRACE_S);
}

/* Read what the socket holds, without waiting, and act on each whole
 * line; at its end (or a reset: QEMU gone), close it. */
static void
kboot_qemu_qmp_read (KbootQemuRun *run)
{
  char buf[4096];

  while (run->qmp_state != KBOOT_QMP_STATE_CLOSED)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_receive (run->qmp, buf, sizeof buf, NULL, &error);
      char *nl;

      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return;
      if (n <= 0)
        {
          kboot_qemu_qmp_close (run);
          return;
        }
      g_string_append_len (run->qmp_line, buf, n);
      while ((nl = memchr (run->qmp_line->str, '\n', run->qmp_line->len)))
        {
          gsize len = (gsize) (nl - run->qmp_line->str);
          g_autofree char *line = NULL;

          if (len && nl[-1] == '\r')   /* QEMU ends its lines with \r\n */
            len--;
          line = g_strndup (run->qmp_line->str, len);
          g_string_erase (run->qmp_line, 0, nl - run->qmp_line->str + 1);
          if (*line)
            kboot_qemu_qmp_on_line (run, line);
        }
      if (run->qmp_line->len > KBOOT_QEMU_QMP_LINE_MAX)
        {
          kboot_qemu_qmp_fail (run, g_error_new (KBOOT_QEMU_ERROR, KBOOT_QEMU_ERROR_QMP,
                                                 "a line longer than %d bytes",
                                                 KBOOT_QEMU_QMP_LINE_MAX));
          kboot_qemu_qmp_close (run);
          return;
        }
    }
}

static gboolean
kboot_qemu_qmp_on_readable (GSocket *socket, GIOCondition condition, gpointer data)
{
  kboot_qemu_qmp_read (data);
  return G_SOURCE_CONTINUE;   /* kboot_qemu_qmp_close removes it */
}

static void
kboot_qemu_on_exit (GObject *source, GAsyncResult *result, gpointer data)
{
  KbootQemuRun *run = data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  run->exited = TRUE;
  /* All QEMU wrote is in the socket now: its SHUTDOWN event too. */
  kboot_qemu_qmp_read (run);
  g_main_loop_quit (run->loop);
}

/* A connected pair of sockets: ours, and QEMU's in @theirs. */
static GSocket *
kboot_qemu_qmp_socket (int *theirs, GError **error)
{
  g_autoptr(GError) socket_error = NULL;
  GSocket *ours;
  int fds[2];

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
    {
      int saved = errno;

      g_set_error (error, KBOOT_QEMU_ERROR, KBOOT_QEMU_ERROR_QMP,
                   "cannot make a socket for QEMU's QMP monitor: %s",
                   g_strerror (saved));
      return NULL;
    }
  ours = g_socket_new_from_fd (fds[0], &socket_error);
  if (!ours)
    {
      close (fds[0]);
      close (fds[1]);
      g_set_error (error, KBOOT_QEMU_ERROR, KBOOT_QEMU_ERROR_QMP,
                   "cannot use a socket for QEMU's QMP monitor: %s",
                   socket_error->message);
      return NULL;
    }
  g_socket_set_blocking (ours, FALSE);
  *theirs = fds[1];
  return ours;
}

static GSubprocess *
kboot_qemu_spawn (const KbootQemuConfig *config, int qmp_fd, GError **error)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_INHERIT);
  g_autoptr(GError) spawn_error = NULL;
  KbootQemuConfig with_qmp = *config;
  g_auto(GStrv) argv = NULL;
  GSubprocess *process;

  with_qmp.qmp_fd = KBOOT_QEMU_QMP_FD;
  argv = kboot_qemu_argv (&with_qmp);
  g_subprocess_launcher_take_fd (launcher, qmp_fd, KBOOT_QEMU_QMP_FD);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv,
                                          &spawn_error);
  /* Our copy of QEMU's end: kept open, the socket would never see QEMU
   * go. */
  g_subprocess_launcher_close (launcher);
  if (!process)
    g_set_error (error, KBOOT_QEMU_ERROR, KBOOT_QEMU_ERROR_SPAWN,
                 "cannot run %s: %s", config->qemu, spawn_error->message);
  return process;
}

gboolean
kboot_qemu_run (const KbootQemuConfig *config, guint timeout_s,
                volatile gint *cancel, KbootQemuResult *result, GError **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GSocket) qmp = NULL;
  g_autoptr(GSource) timeout = NULL, poll = NULL;
  g_autoptr(GString) qmp_line = g_string_new (NULL);
  KbootQemuRun run = { 0 };
  int qmp_fd = -1;

  kboot_qemu_result_clear (result);
  qmp = kboot_qemu_qmp_socket (&qmp_fd, error);
  if (!qmp)
    return FALSE;
  g_main_context_push_thread_default (context);
  process = kboot_qemu_spawn (config, qmp_fd, error);
  if (!process)
    {
      g_main_context_pop_thread_default (context);
      return FALSE;
    }

  loop = g_main_loop_new (context, FALSE);
  run.qemu = config->qemu;
  run.loop = loop;
  run.context = context;
  run.process = process;
  run.cancel = cancel;
  run.outcome = KBOOT_QEMU_OUTCOME_EXITED;
  run.qmp = qmp;
  run.qmp_line = qmp_line;
  run.qmp_state = KBOOT_QMP_STATE_GREETING;
  run.qmp_source = g_socket_create_source (qmp, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (run.qmp_source, G_SOURCE_FUNC (kboot_qemu_qmp_on_readable),
                         &run, NULL);
  g_source_attach (run.qmp_source, context);
  kboot_qemu_qmp_set_deadline (&run, KBOOT_QEMU_QMP_TIMEOUT_S);
  if (timeout_s)
    {
      timeout = g_timeout_source_new_seconds (timeout_s);
      g_source_set_callback (timeout, kboot_qemu_on_timeout, &run, NULL);
      g_source_attach (timeout, context);
    }
  poll = g_timeout_source_new (100);
  g_source_set_callback (poll, kboot_qemu_poll_cancel, &run, NULL);
  g_source_attach (poll, context);
  g_subprocess_wait_async (process, NULL, kboot_qemu_on_exit, &run);
  g_main_loop_run (loop);

  if (timeout)
    g_source_destroy (timeout);
  g_source_destroy (poll);
  if (run.kill)
    {
      g_source_destroy (run.kill);
      g_source_unref (run.kill);
    }
  kboot_qemu_qmp_close (&run);
  g_main_context_pop_thread_default (context);

  result->outcome = run.outcome;
  result->exit_status = g_subprocess_get_if_exited (process)
                        ? g_subprocess_get_exit_status (process)
                        : 128 + g_subprocess_get_term_sig (process);
  result->end = run.end;
  result->reason = g_steal_pointer (&run.reason);
  if (run.qmp_error)
    {
      g_propagate_error (error, run.qmp_error);
      return FALSE;
    }
  return TRUE;
}
