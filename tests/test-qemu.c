/* preview's QEMU (src/xen_kboot_driver_qemu.c, xen_kboot_driver_qmp.c,
 * xen_kboot_driver_ram.c): the command line from a configuration, what
 * each line QEMU's QMP monitor sends means, and whether the host has room
 * for the guest's RAM.  The QMP lines are QEMU 7.2's own, as it sent them
 * to preview (timestamps aside), and the cases around them. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "xen_kboot_driver.h"
#include "xen_kboot_driver_qemu.h"
#include "xen_kboot_driver_qmp.h"
#include "xen_kboot_driver_ram.h"

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
  "-object memory-backend-file,id=kboot-ram,mem-path=/proc/self/fd/4,size=268435456B,share=on " \
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
    .ram_fd = 4,
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

/* QEMU's option syntax (util/qemu-option.c get_opt_value, and keyval.c
 * for -object): key=value pairs split at a single comma, ",," a comma in a
 * value; the first, without "=", a value for the option's implied key.
 * Parsed the way QEMU does, into "key=value" strings. */
static GPtrArray *
qemu_opts_split (const char *text, const char *implied_key)
{
  GPtrArray *pairs = g_ptr_array_new_with_free_func (g_free);
  const char *p = text;

  while (*p)
    {
      g_autoptr(GString) item = g_string_new (NULL);
      /* QemuOpts' opts_do_parse: the first item is a value for the
       * implied key unless an "=" comes before any comma. */
      gboolean implied = pairs->len == 0 && implied_key
                         && p[strcspn (p, "=,")] != '=';

      for (; *p; p++)
        {
          if (*p == ',' && p[1] == ',')
            p++;
          else if (*p == ',')
            break;
          g_string_append_c (item, *p);
        }
      if (*p == ',')
        p++;
      if (implied)
        {
          g_string_prepend (item, "=");
          g_string_prepend (item, implied_key);
        }
      g_ptr_array_add (pairs, g_string_free (g_steal_pointer (&item), FALSE));
    }
  return pairs;
}

/* The value after @option in @argv, split as QEMU splits it. */
static GPtrArray *
argv_option (char **argv, const char *option, const char *implied_key)
{
  for (gsize i = 0; argv[i] && argv[i + 1]; i++)
    if (g_str_equal (argv[i], option))
      return qemu_opts_split (argv[i + 1], implied_key);
  g_assert_not_reached ();
}

static void
assert_keys (GPtrArray *pairs, const char *const *keys)
{
  g_assert_cmpuint (pairs->len, ==, g_strv_length ((char **) keys));
  for (guint i = 0; i < pairs->len; i++)
    {
      g_autofree char *key = g_strndup (pairs->pdata[i],
                                        strcspn (pairs->pdata[i], "="));
      g_assert_cmpstr (key, ==, keys[i]);
    }
}

static void
test_opt_escape (void)
{
  static const char *const cases[][2] = {
    { "plain", "plain" },
    { "a,b", "a,,b" },
    { "x,mem-path=evil", "x,,mem-path=evil" },
    { ",,,", ",,,,,," },
    { "", "" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = kboot_qemu_opt_escape (cases[i][0]);
      g_autoptr(GPtrArray) back = qemu_opts_split (got, "guest");

      g_assert_cmpstr (got, ==, cases[i][1]);
      /* QEMU reads it back as the one value it was. */
      if (*cases[i][0])
        {
          g_autofree char *want = g_strconcat ("guest=", cases[i][0], NULL);

          g_assert_cmpuint (back->len, ==, 1);
          g_assert_cmpstr (back->pdata[0], ==, want);
        }
    }
}

/* Hostile names reach no option as options of their own: -name is the
 * name whole, and the RAM backend has exactly its five keys, its file
 * given by descriptor (issue 14: "x,mem-path=evil" made QEMU create
 * ./evil-*.ram). */
static void
test_argv_hostile (void)
{
  static const char *const backend_keys[] =
    { "qom-type", "id", "mem-path", "size", "share", NULL };
  const char *names[] = { "a,b", "x,mem-path=evil", ",,,", "a=b", "plain" };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      KbootQemuConfig config = {
        .qemu = "qemu", .firmware = "/fw.bin", .name = names[i], .ram_fd = 4,
        .ram_size = 1 << 20,
      };
      g_auto(GStrv) argv = kboot_qemu_argv (&config);
      g_autoptr(GPtrArray) backend = argv_option (argv, "-object", "qom-type");
      g_autoptr(GPtrArray) name = argv_option (argv, "-name", "guest");
      g_autofree char *want = g_strconcat ("guest=", names[i], NULL);

      assert_keys (backend, backend_keys);
      g_assert_cmpstr (backend->pdata[2], ==, "mem-path=/proc/self/fd/4");
      g_assert_cmpuint (name->len, ==, 1);
      g_assert_cmpstr (name->pdata[0], ==, want);
    }
}

/* ---- room for the guest's RAM ---- */

#define MIB (G_GUINT64_CONSTANT (1) << 20)

typedef struct {
  const char *name;
  guint64 ram_size, fs_free, host_available;
  const char *error;            /* NULL: fits */
} RoomCase;

static const RoomCase room_cases[] = {
  { "fits", 256 * MIB, 12 * 1024 * MIB, 17 * 1024 * MIB, NULL },
  { "exact-fit", 256 * MIB, 256 * MIB, 256 * MIB, NULL },
  { "host-unknown", 256 * MIB, 256 * MIB, G_MAXUINT64, NULL },
  /* issue 14: a 64 MiB tmpfs as --memory-file. */
  { "small-tmpfs", 256 * MIB, 64 * MIB, 17 * 1024 * MIB,
    "g.xml: the guest needs 256 MiB of RAM, but the filesystem of /mnt/small "
    "has 64 MiB free: lower <memory>, or use --memory-file on a larger filesystem" },
  /* One byte short: free rounds down, the need up. */
  { "byte-short-fs", 256 * MIB, 256 * MIB - 1, G_MAXUINT64,
    "g.xml: the guest needs 256 MiB of RAM, but the filesystem of /mnt/small "
    "has 255 MiB free: lower <memory>, or use --memory-file on a larger filesystem" },
  { "odd-size", 256 * MIB + 1, 256 * MIB, G_MAXUINT64,
    "g.xml: the guest needs 257 MiB of RAM, but the filesystem of /mnt/small "
    "has 256 MiB free: lower <memory>, or use --memory-file on a larger filesystem" },
  /* issue 14: a 64 GiB guest on a 23 GiB host. */
  { "big-guest", 64 * 1024 * MIB, 1024 * 1024 * MIB, 23 * 1024 * MIB,
    "g.xml: the guest needs 65536 MiB of RAM, but the host has 23552 MiB "
    "available (MemAvailable in /proc/meminfo): lower <memory>, or free "
    "memory on the host" },
  { "byte-short-host", 256 * MIB, 256 * MIB, 256 * MIB - 1,
    "g.xml: the guest needs 256 MiB of RAM, but the host has 255 MiB "
    "available (MemAvailable in /proc/meminfo): lower <memory>, or free "
    "memory on the host" },
  /* Both short: the filesystem is said, it is the one --memory-file moves. */
  { "both-short", 512 * MIB, 64 * MIB, 128 * MIB,
    "g.xml: the guest needs 512 MiB of RAM, but the filesystem of /mnt/small "
    "has 64 MiB free: lower <memory>, or use --memory-file on a larger filesystem" },
  { "largest", G_MAXUINT64, G_MAXUINT64, G_MAXUINT64, NULL },
};

static void
test_room (gconstpointer data)
{
  const RoomCase *c = data;
  KbootRamRoom room = { "/mnt/small", c->fs_free, c->host_available };
  g_autoptr(GError) error = NULL;
  gboolean ok = xen_kboot_ram_check_room ("g.xml", c->ram_size, &room, &error);

  if (!c->error)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
      return;
    }
  g_assert_false (ok);
  g_assert_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_MEMORY);
  g_assert_cmpstr (error->message, ==, c->error);
}

typedef struct {
  const char *name;
  const char *text;
  gboolean ok;
  guint64 available;
} MeminfoCase;

static const MeminfoCase meminfo_cases[] = {
  /* Linux 6.1's first lines, as this host printed them. */
  { "linux-6.1", "MemTotal:       24683520 kB\nMemFree:        16631604 kB\n"
    "MemAvailable:   17413120 kB\nBuffers:          123456 kB\n", TRUE,
    G_GUINT64_CONSTANT (17413120) * 1024 },
  { "missing", "MemTotal:       24683520 kB\nMemFree:        16631604 kB\n", FALSE, 0 },
  { "not-at-line-start", "XMemAvailable:   1 kB\n", FALSE, 0 },
  { "not-a-number", "MemAvailable:   lots kB\n", FALSE, 0 },
  { "no-unit", "MemAvailable:   1234\n", FALSE, 0 },
  { "overflow", "MemAvailable:   18446744073709551615 kB\n", FALSE, 0 },
  { "empty", "", FALSE, 0 },
};

static void
test_meminfo (gconstpointer data)
{
  const MeminfoCase *c = data;
  guint64 available = 0;

  g_assert_cmpint (xen_kboot_ram_parse_meminfo (c->text, &available), ==, c->ok);
  if (c->ok)
    g_assert_cmpuint (available, ==, c->available);
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
  g_test_add_func ("/kboot/qemu/argv/hostile", test_argv_hostile);
  g_test_add_func ("/kboot/qemu/opt-escape", test_opt_escape);
  for (gsize i = 0; i < G_N_ELEMENTS (room_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/kboot/qemu/room/%s", room_cases[i].name);

      g_test_add_data_func (path, &room_cases[i], test_room);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (meminfo_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/kboot/qemu/meminfo/%s", meminfo_cases[i].name);

      g_test_add_data_func (path, &meminfo_cases[i], test_meminfo);
    }
  g_test_add_func ("/kboot/qemu/qmp/reuse", test_qmp_parse_reuse);
  g_test_add_func ("/kboot/qemu/qmp/end-names", test_qmp_end_names);
  return g_test_run ();
}
