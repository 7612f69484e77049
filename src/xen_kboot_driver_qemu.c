/* Running QEMU on a RAM file (see xen_kboot_driver_qemu.h). */
#include "config.h"

#include <signal.h>

#include <gio/gio.h>

#include "xen_kboot_driver_qemu.h"

G_DEFINE_QUARK (kboot-qemu-error-quark, kboot_qemu_error)

GStrv
kboot_qemu_argv (const KbootQemuConfig *config)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  g_autofree char *backend = NULL, *size = NULL, *debugcon = NULL;

  /* Sizes in bytes ("B"): the backend and -m must agree exactly. */
  size = g_strdup_printf ("%" G_GUINT64_FORMAT "B", config->ram_size);
  backend = g_strdup_printf ("memory-backend-file,id=kboot-ram,mem-path=%s,"
                             "size=%s,share=on", config->ram_file, size);
  g_strv_builder_add_many (b, config->qemu,
                           "-machine", "pc,accel=tcg,memory-backend=kboot-ram",
                           "-object", backend,
                           "-m", size,
                           "-bios", config->firmware,
                           /* One vCPU: our firmware builds no MP or ACPI
                            * tables, so the kernel would see one anyway. */
                           "-smp", "1",
                           "-nodefaults", "-nographic", "-no-reboot",
                           "-serial", "mon:stdio",
                           NULL);
  if (config->debugcon)
    {
      debugcon = g_strdup_printf ("file:%s", config->debugcon);
      g_strv_builder_add_many (b, "-debugcon", debugcon,
                               "-global", "isa-debugcon.iobase=0xe9", NULL);
    }
  return g_strv_builder_end (b);
}

typedef struct {
  GMainLoop *loop;
  GSubprocess *process;
  volatile gint *cancel;
  KbootQemuOutcome outcome;
  gboolean stopping;
  GMainContext *context;
  GSource *kill;
} KbootQemuRun;

static gboolean
kboot_qemu_kill (gpointer data)
{
  KbootQemuRun *run = data;

  g_subprocess_force_exit (run->process);
  return G_SOURCE_REMOVE;
}

static void
kboot_qemu_stop (KbootQemuRun *run, KbootQemuOutcome why)
{
  if (run->stopping)
    return;
  run->stopping = TRUE;
  run->outcome = why;
  g_subprocess_send_signal (run->process, SIGTERM);
  /* QEMU exits on SIGTERM at once; if it does not, make it. */
  run->kill = g_timeout_source_new_seconds (3);
  g_source_set_callback (run->kill, kboot_qemu_kill, run, NULL);
  g_source_attach (run->kill, run->context);
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

static void
kboot_qemu_on_exit (GObject *source, GAsyncResult *result, gpointer data)
{
  KbootQemuRun *run = data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  g_main_loop_quit (run->loop);
}

gboolean
kboot_qemu_run (const KbootQemuConfig *config, guint timeout_s,
                volatile gint *cancel, KbootQemuOutcome *outcome,
                int *exit_status, GError **error)
{
  g_auto(GStrv) argv = kboot_qemu_argv (config);
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GSource) timeout = NULL, poll = NULL;
  g_autoptr(GError) spawn_error = NULL;
  KbootQemuRun run = { 0 };

  g_main_context_push_thread_default (context);
  process = g_subprocess_newv ((const char *const *) argv,
                               G_SUBPROCESS_FLAGS_STDIN_INHERIT, &spawn_error);
  if (!process)
    {
      g_set_error (error, KBOOT_QEMU_ERROR, KBOOT_QEMU_ERROR_SPAWN,
                   "cannot run %s: %s", config->qemu, spawn_error->message);
      g_main_context_pop_thread_default (context);
      return FALSE;
    }

  loop = g_main_loop_new (context, FALSE);
  run.loop = loop;
  run.context = context;
  run.process = process;
  run.cancel = cancel;
  run.outcome = KBOOT_QEMU_OUTCOME_EXITED;
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
  g_main_context_pop_thread_default (context);

  *outcome = run.outcome;
  *exit_status = g_subprocess_get_if_exited (process)
                 ? g_subprocess_get_exit_status (process)
                 : 128 + g_subprocess_get_term_sig (process);
  return TRUE;
}
