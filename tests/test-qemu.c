/* preview's QEMU (src/xen_kboot_driver_qemu.c, xen_kboot_driver_qmp.c):
 * the command line from a configuration, and what each line QEMU's QMP
 * monitor sends means.  The QMP lines are QEMU 7.2's own, as it sent them
 * to preview (timestamps aside), and the cases around them. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "xen_kboot_driver_qemu.h"
#include "xen_kboot_driver_qmp.h"

/* ---- the command line ---- */

typedef struct {
  const char *name;
  guint vcpus, max_vcpus;
  int qmp_fd;
  const char *debugcon;
  const char *want;             /* the argv after argv[0], joined by spaces */
} ArgvCase;

#define ARGV_HEAD \
  "-machine pc,accel=tcg,memory-backend=kboot-ram " \
  "-object memory-backend-file,id=kboot-ram,mem-path=/dev/shm/g.ram,size=268435456B,share=on " \
  "-m 268435456B -bios /fw.bin "
#define ARGV_TAIL "-nodefaults -nographic -no-reboot -serial mon:stdio"

static const ArgvCase argv_cases[] = {
  /* A configuration that says nothing of vCPUs (the firmware test's). */
  { "defaults", 0, 0, 0, NULL,
    ARGV_HEAD "-smp 1,maxcpus=1,sockets=1,cores=1,threads=1 " ARGV_TAIL },
  { "one-vcpu", 1, 1, 0, NULL,
    ARGV_HEAD "-smp 1,maxcpus=1,sockets=1,cores=1,threads=1 " ARGV_TAIL },
  { "four-vcpus", 4, 4, 0, NULL,
    ARGV_HEAD "-smp 4,maxcpus=4,sockets=1,cores=4,threads=1 " ARGV_TAIL },
  /* <vcpu current='2'>4</vcpu>: four in the machine, two started. */
  { "current-below-max", 2, 4, 0, NULL,
    ARGV_HEAD "-smp 2,maxcpus=4,sockets=1,cores=4,threads=1 " ARGV_TAIL },
  /* max_vcpus 0: as many as vcpus; never fewer. */
  { "max-unset", 3, 0, 0, NULL,
    ARGV_HEAD "-smp 3,maxcpus=3,sockets=1,cores=3,threads=1 " ARGV_TAIL },
  { "qmp", 1, 1, 3, NULL,
    ARGV_HEAD "-smp 1,maxcpus=1,sockets=1,cores=1,threads=1 " ARGV_TAIL
    " -chardev socket,id=kboot-qmp,fd=3 -mon chardev=kboot-qmp,mode=control" },
  { "qmp-and-debugcon", 2, 2, 7, "/tmp/e9.log",
    ARGV_HEAD "-smp 2,maxcpus=2,sockets=1,cores=2,threads=1 " ARGV_TAIL
    " -chardev socket,id=kboot-qmp,fd=7 -mon chardev=kboot-qmp,mode=control"
    " -debugcon file:/tmp/e9.log -global isa-debugcon.iobase=0xe9" },
};

static void
test_argv (gconstpointer data)
{
  const ArgvCase *c = data;
  KbootQemuConfig config = {
    .qemu = "/usr/bin/qemu-system-x86_64",
    .firmware = "/fw.bin",
    .ram_file = "/dev/shm/g.ram",
    .ram_size = 256 * 1024 * 1024,
    .debugcon = c->debugcon,
    .vcpus = c->vcpus,
    .max_vcpus = c->max_vcpus,
    .qmp_fd = c->qmp_fd,
  };
  g_auto(GStrv) argv = kboot_qemu_argv (&config);
  g_autofree char *got = g_strjoinv (" ", argv + 1);

  g_assert_cmpstr (argv[0], ==, "/usr/bin/qemu-system-x86_64");
  g_assert_cmpstr (got, ==, c->want);
  /* QEMU exits at a power-off only without -no-shutdown. */
  g_assert_false (g_strv_contains ((const char *const *) argv, "-no-shutdown"));
}

/* ---- QMP lines ---- */

typedef struct {
  const char *name;
  const char *line;
  gboolean ok;
  KbootQmpMessageKind kind;
  KbootQmpEnd end;
  const char *text;             /* ok: the message's text; else a part of the
                                 * error message */
  KbootQmpError code;           /* !ok */
} QmpCase;

#define QMP_GREETING_7_2 \
  "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7}, " \
  "\"package\": \"Debian 1:7.2+dfsg-7+deb12u18+b3\"}, \"capabilities\": [\"oob\"]}}"
#define QMP_SHUTDOWN(guest, reason) \
  "{\"timestamp\": {\"seconds\": 1796213618, \"microseconds\": 86739}, " \
  "\"event\": \"SHUTDOWN\", \"data\": {\"guest\": " guest ", \"reason\": \"" reason "\"}}"

static const QmpCase qmp_cases[] = {
  { "greeting", QMP_GREETING_7_2 "\r\n", TRUE, KBOOT_QMP_MESSAGE_GREETING,
    KBOOT_QMP_END_NONE, NULL },
  { "return", "{\"return\": {}}\r\n", TRUE, KBOOT_QMP_MESSAGE_RETURN,
    KBOOT_QMP_END_NONE, NULL },
  { "return-no-crlf", "{\"return\": {}}", TRUE, KBOOT_QMP_MESSAGE_RETURN,
    KBOOT_QMP_END_NONE, NULL },
  { "error",
    "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"Expecting capabilities "
    "negotiation with 'qmp_capabilities'\"}}\r\n",
    TRUE, KBOOT_QMP_MESSAGE_ERROR, KBOOT_QMP_END_NONE,
    "Expecting capabilities negotiation with 'qmp_capabilities'" },
  { "error-no-desc", "{\"error\": {\"class\": \"GenericError\"}}", TRUE,
    KBOOT_QMP_MESSAGE_ERROR, KBOOT_QMP_END_NONE, "(no description)" },
  { "event-resume",
    "{\"timestamp\": {\"seconds\": 1796213618, \"microseconds\": 86157}, "
    "\"event\": \"RESUME\"}\r\n",
    TRUE, KBOOT_QMP_MESSAGE_EVENT, KBOOT_QMP_END_NONE, "RESUME" },
  /* The guest's own ends. */
  { "shutdown-poweroff", QMP_SHUTDOWN ("true", "guest-shutdown") "\r\n", TRUE,
    KBOOT_QMP_MESSAGE_SHUTDOWN, KBOOT_QMP_END_POWEROFF, "guest-shutdown" },
  { "shutdown-reboot", QMP_SHUTDOWN ("true", "guest-reset") "\r\n", TRUE,
    KBOOT_QMP_MESSAGE_SHUTDOWN, KBOOT_QMP_END_REBOOT, "guest-reset" },
  { "shutdown-panic", QMP_SHUTDOWN ("true", "guest-panic"), TRUE,
    KBOOT_QMP_MESSAGE_SHUTDOWN, KBOOT_QMP_END_PANIC, "guest-panic" },
  /* The host's. */
  { "shutdown-host-signal", QMP_SHUTDOWN ("false", "host-signal"), TRUE,
    KBOOT_QMP_MESSAGE_SHUTDOWN, KBOOT_QMP_END_HOST, "host-signal" },
  { "shutdown-host-qmp-quit", QMP_SHUTDOWN ("false", "host-qmp-quit"), TRUE,
    KBOOT_QMP_MESSAGE_SHUTDOWN, KBOOT_QMP_END_HOST, "host-qmp-quit" },
  { "shutdown-host-system-reset", QMP_SHUTDOWN ("false", "host-qmp-system-reset"),
    TRUE, KBOOT_QMP_MESSAGE_SHUTDOWN, KBOOT_QMP_END_HOST, "host-qmp-system-reset" },
  { "shutdown-host-ui", QMP_SHUTDOWN ("false", "host-ui"), TRUE,
    KBOOT_QMP_MESSAGE_SHUTDOWN, KBOOT_QMP_END_HOST, "host-ui" },
  { "shutdown-host-error", QMP_SHUTDOWN ("false", "host-error"), TRUE,
    KBOOT_QMP_MESSAGE_SHUTDOWN, KBOOT_QMP_END_HOST, "host-error" },
  /* Reasons preview has no word for: a newer QEMU's, and 7.2's rest. */
  { "shutdown-subsystem-reset", QMP_SHUTDOWN ("false", "subsystem-reset"), TRUE,
    KBOOT_QMP_MESSAGE_SHUTDOWN, KBOOT_QMP_END_OTHER, "subsystem-reset" },
  { "shutdown-newer-reason", QMP_SHUTDOWN ("false", "snapshot-load"), TRUE,
    KBOOT_QMP_MESSAGE_SHUTDOWN, KBOOT_QMP_END_OTHER, "snapshot-load" },
  /* Not QMP. */
  { "empty", "", FALSE, 0, 0, "not a QMP message: ''", KBOOT_QMP_ERROR_SYNTAX },
  { "garbage", "hello\r\n", FALSE, 0, 0, "not a QMP message: 'hello'",
    KBOOT_QMP_ERROR_SYNTAX },
  { "truncated", "{\"QMP\": {\"version\"", FALSE, 0, 0, "not a QMP message",
    KBOOT_QMP_ERROR_SYNTAX },
  { "array", "[1, 2]", FALSE, 0, 0, "'[1, 2]' is not a JSON object",
    KBOOT_QMP_ERROR_SYNTAX },
  { "other-object", "{\"hello\": 1}", FALSE, 0, 0,
    "has none of \"QMP\", \"return\", \"error\" or \"event\"", KBOOT_QMP_ERROR_UNKNOWN },
  { "event-not-string", "{\"event\": 3}", FALSE, 0, 0,
    "QMP event without a string \"event\"", KBOOT_QMP_ERROR_FIELD },
  /* QEMU before 4.0: SHUTDOWN without a reason cannot say which end. */
  { "shutdown-without-reason", "{\"event\": \"SHUTDOWN\", \"data\": {\"guest\": true}}",
    FALSE, 0, 0, "SHUTDOWN event without a string data.reason", KBOOT_QMP_ERROR_FIELD },
  { "shutdown-without-data", "{\"event\": \"SHUTDOWN\"}", FALSE, 0, 0,
    "SHUTDOWN event without a string data.reason", KBOOT_QMP_ERROR_FIELD },
  { "shutdown-reason-not-string",
    "{\"event\": \"SHUTDOWN\", \"data\": {\"reason\": 6}}", FALSE, 0, 0,
    "SHUTDOWN event without a string data.reason", KBOOT_QMP_ERROR_FIELD },
};

static void
test_qmp_parse (gconstpointer data)
{
  const QmpCase *c = data;
  g_auto(KbootQmpMessage) message = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean ok = kboot_qmp_parse (c->line, &message, &error);

  if (!c->ok)
    {
      g_assert_false (ok);
      g_assert_error (error, KBOOT_QMP_ERROR, (gint) c->code);
      g_assert_nonnull (strstr (error->message, c->text));
      return;
    }
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpint (message.kind, ==, c->kind);
  g_assert_cmpstr (kboot_qmp_end_to_string (message.end), ==,
                   kboot_qmp_end_to_string (c->end));
  g_assert_cmpstr (message.text, ==, c->text);
}

/* A message is cleared before it is filled: parsing into a used one
 * leaves nothing of the last line behind. */
static void
test_qmp_parse_reuse (void)
{
  g_auto(KbootQmpMessage) message = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (kboot_qmp_parse (QMP_SHUTDOWN ("true", "guest-reset"), &message, NULL));
  g_assert_cmpint (message.end, ==, KBOOT_QMP_END_REBOOT);
  g_assert_true (kboot_qmp_parse ("{\"return\": {}}", &message, NULL));
  g_assert_cmpint (message.kind, ==, KBOOT_QMP_MESSAGE_RETURN);
  g_assert_cmpint (message.end, ==, KBOOT_QMP_END_NONE);
  g_assert_null (message.text);
  g_assert_false (kboot_qmp_parse ("nope", &message, &error));
  g_assert_null (message.text);
}

static void
test_qmp_end_names (void)
{
  for (int end = 0; end < KBOOT_QMP_END_LAST; end++)
    g_assert_nonnull (kboot_qmp_end_to_string (end));
  g_assert_cmpint (kboot_qmp_end_from_reason ("guest-shutdown"), ==, KBOOT_QMP_END_POWEROFF);
  g_assert_cmpint (kboot_qmp_end_from_reason ("none"), ==, KBOOT_QMP_END_OTHER);
  g_assert_cmpint (kboot_qmp_end_from_reason (NULL), ==, KBOOT_QMP_END_OTHER);
  /* The command preview sends is one line QEMU's parser takes whole. */
  g_assert_true (g_str_has_suffix (KBOOT_QMP_CAPABILITIES, "}\n"));
  g_assert_null (strchr (KBOOT_QMP_CAPABILITIES, '\r'));
}

/* ---- the RAM file's name ---- */

typedef struct {
  const char *name;             /* the test's */
  const char *domain;           /* the domain's name, or NULL */
  const char *want;             /* the file name; NULL: see test_ram_name */
} RamNameCase;

static const RamNameCase ram_name_cases[] = {
  { "plain", "debian-12", "xen-kboot-debian-12-42-0000beef.ram" },
  { "no-name", NULL, "xen-kboot-domain-42-0000beef.ram" },
  { "slash", "a/b", "xen-kboot-a_b-42-0000beef.ram" },
  { "comma", "x,mem-path=evil", "xen-kboot-x_mem-path_evil-42-0000beef.ram" },
  { "utf8-newline", "caf\xc3\xa9\nx", "xen-kboot-caf___x-42-0000beef.ram" },
  { "64", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "xen-kboot-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-42-0000beef.ram" },
};

static void
test_ram_name (gconstpointer data)
{
  const RamNameCase *c = data;
  g_autofree char *got = kboot_qemu_ram_file_name (c->domain, 42, 0xbeef);

  g_assert_cmpstr (got, ==, c->want);
}

/* A 300-byte name (the schema allows it; preview said "File name too
 * long") gives a name far below NAME_MAX; two such names that differ only
 * past the cut give two names. */
static void
test_ram_name_long (void)
{
  g_autofree char *a = g_strnfill (300, 'n');
  g_autofree char *b = g_strdup (a);
  g_autofree char *name_a = NULL, *name_b = NULL;

  b[299] = 'm';
  name_a = kboot_qemu_ram_file_name (a, G_MAXINT, G_MAXUINT32);
  name_b = kboot_qemu_ram_file_name (b, G_MAXINT, G_MAXUINT32);
  g_assert_cmpuint (strlen (name_a), <=, 128);
  g_assert_true (g_str_has_prefix (name_a, "xen-kboot-nnnnnnnn"));
  g_assert_true (g_str_has_suffix (name_a, "-2147483647-ffffffff.ram"));
  g_assert_cmpstr (name_a, !=, name_b);
  g_assert_cmpuint (strlen (name_a), ==, strlen (name_b));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (argv_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/kboot/qemu/argv/%s", argv_cases[i].name);

      g_test_add_data_func (path, &argv_cases[i], test_argv);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (qmp_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/kboot/qemu/qmp/%s", qmp_cases[i].name);

      g_test_add_data_func (path, &qmp_cases[i], test_qmp_parse);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (ram_name_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/kboot/qemu/ram-name/%s", ram_name_cases[i].name);

      g_test_add_data_func (path, &ram_name_cases[i], test_ram_name);
    }
  g_test_add_func ("/kboot/qemu/ram-name/long", test_ram_name_long);
  g_test_add_func ("/kboot/qemu/qmp/reuse", test_qmp_parse_reuse);
  g_test_add_func ("/kboot/qemu/qmp/end-names", test_qmp_end_names);
  return g_test_run ();
}
