/* xen-kboot-dm's pure rules (src/xen_kboot_driver_dm.c): which device-model
 * invocations it loads a kernel for, what the real device model is given,
 * and its configuration file.  The argument lists are libxl's own
 * (../shared/DESIGN.md, measured with libvirt 9.0 and Xen 4.17) and the
 * ones it uses for other domains (libxl_dm.c). */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "xen_kboot_driver_dm.h"

/* libxl 4.17 for an HVM domain with a kernel, as measured: one element
 * per argument, -append a single element. */
#define LIBXL_HVM_HEAD \
  "-xen-domid", "2", "-no-shutdown", \
  "-chardev", "socket,id=libxl-cmd,path=/var/run/xen/qmp-libxl-2,server=on,wait=off", \
  "-mon", "chardev=libxl-cmd,mode=control", \
  "-nodefaults", "-no-user-config", "-name", "lv2", "-vnc", "none", "-display", "none"
#define LIBXL_HVM_TAIL \
  "-serial", "pty", "-nographic", "-boot", "order=c", "-net", "none", \
  "-machine", "xenfv,suppress-vmdesc=on", "-m", "256"

typedef struct {
  const char *name;
  const char *argv[40];
  gboolean direct;
  const char *why_not;          /* a part of it, when !direct */
  guint32 domid;
  const char *kernel, *initrd, *cmdline, *dm_name;
} DmArgsCase;

static const DmArgsCase args_cases[] = {
  { "libxl-hvm-kernel",
    { LIBXL_HVM_HEAD, "-kernel", "/guest/vmlinuz", "-initrd", "/guest/initrd.gz",
      "-append", "console=hvc0 earlyprintk=xen", LIBXL_HVM_TAIL, NULL },
    TRUE, NULL, 2, "/guest/vmlinuz", "/guest/initrd.gz",
    "console=hvc0 earlyprintk=xen", "lv2" },
  { "kernel-only",
    { LIBXL_HVM_HEAD, "-kernel", "/k", LIBXL_HVM_TAIL, NULL },
    TRUE, NULL, 2, "/k", NULL, NULL, "lv2" },
  { "double-dash",
    { "--xen-domid", "7", "--machine", "xenfv", "--kernel", "/k", "--append", "a b", NULL },
    TRUE, NULL, 7, "/k", NULL, "a b", NULL },
  { "machine-short-and-type",
    { "-xen-domid", "7", "-M", "type=xenfv,accel=xen", "-kernel", "/k", NULL },
    TRUE, NULL, 7, "/k", NULL, NULL, NULL },
  { "last-wins",
    { "-xen-domid", "3", "-machine", "xenfv", "-kernel", "/a", "-kernel", "/b", NULL },
    TRUE, NULL, 3, "/b", NULL, NULL, NULL },
  { "libvirt-help-probe", { "-help", NULL }, FALSE, "no -xen-domid" },
  { "no-arguments", { NULL }, FALSE, "no -xen-domid" },
  { "no-kernel", { LIBXL_HVM_HEAD, LIBXL_HVM_TAIL, NULL }, FALSE, "no -kernel" },
  { "pv-backends",
    { "-xen-domid", "4", "-xen-attach", "-name", "pv", "-machine", "xenpv",
      "-kernel", "/k", NULL }, FALSE, "-xen-attach" },
  { "xenpv-machine",
    { "-xen-domid", "4", "-machine", "xenpv", "-kernel", "/k", NULL },
    FALSE, "not -machine xenfv" },
  { "xenfvx-is-not-xenfv",
    { "-xen-domid", "4", "-machine", "xenfvx", "-kernel", "/k", NULL },
    FALSE, "not -machine xenfv" },
  { "no-machine", { "-xen-domid", "4", "-kernel", "/k", NULL }, FALSE,
    "not -machine xenfv" },
  { "domid-0", { "-xen-domid", "0", "-machine", "xenfv", "-kernel", "/k", NULL },
    FALSE, "not a domain id" },
  { "domid-reserved",
    { "-xen-domid", "32752", "-machine", "xenfv", "-kernel", "/k", NULL },
    FALSE, "not a domain id" },
  { "domid-text", { "-xen-domid", "2x", "-machine", "xenfv", "-kernel", "/k", NULL },
    FALSE, "not a domain id" },
  { "kernel-without-value", { "-xen-domid", "2", "-machine", "xenfv", "-kernel", NULL },
    FALSE, "no -kernel" },
};

static void
test_args (gconstpointer data)
{
  const DmArgsCase *c = data;
  XenKbootDmArgs args;

  xen_kboot_dm_args_parse (c->argv, &args);
  g_assert_cmpint (args.direct, ==, c->direct);
  if (!c->direct)
    {
      g_assert_nonnull (args.why_not);
      g_assert_nonnull (strstr (args.why_not, c->why_not));
      return;
    }
  g_assert_null (args.why_not);
  g_assert_cmpuint (args.domid, ==, c->domid);
  g_assert_cmpstr (args.kernel, ==, c->kernel);
  g_assert_cmpstr (args.initrd, ==, c->initrd);
  g_assert_cmpstr (args.cmdline, ==, c->cmdline);
  g_assert_cmpstr (args.name, ==, c->dm_name);
}

/* The real device model gets everything but the boot options, in order,
 * values that look like options included. */
static void
test_without_boot (void)
{
  const char *argv[] = { LIBXL_HVM_HEAD, "-kernel", "/guest/vmlinuz", "-initrd",
                         "/guest/initrd.gz", "-append", "-kernel -initrd x",
                         LIBXL_HVM_TAIL, "--append", "y", NULL };
  const char *want[] = { "/usr/libexec/xen-qemu-system-i386", LIBXL_HVM_HEAD,
                         LIBXL_HVM_TAIL, NULL };
  g_auto(GStrv) got = xen_kboot_dm_args_without_boot (want[0], argv);

  g_assert_true (g_strv_equal ((const char *const *) got, want));
}

/* An option without its value is left for QEMU to refuse. */
static void
test_without_boot_dangling (void)
{
  const char *argv[] = { "-xen-domid", "2", "-kernel", NULL };
  const char *want[] = { "qemu", "-xen-domid", "2", "-kernel", NULL };
  g_auto(GStrv) got = xen_kboot_dm_args_without_boot ("qemu", argv);

  g_assert_true (g_strv_equal ((const char *const *) got, want));
}

typedef struct {
  const char *name;
  const char *text;
  gboolean ok;
  const char *qemu_xen;       /* ok: the result */
  gboolean verbose;
  const char *message;        /* !ok: the whole message */
  gboolean fast;              /* ok: boot-path = fast */
  const char *kernel_cache;
  guint64 kernel_cache_size;
} DmConfigCase;

static const DmConfigCase config_cases[] = {
  { "empty", "", TRUE, "/default", FALSE },
  { "comments", "# nothing set\n[device-model]\n# qemu-xen = /x\n", TRUE, "/default", FALSE },
  { "qemu-xen", "[device-model]\nqemu-xen = /usr/lib/xen/bin/qemu-system-i386\n", TRUE,
    "/usr/lib/xen/bin/qemu-system-i386", FALSE },
  { "verbose", "[device-model]\nverbose=true\n", TRUE, "/default", TRUE },
  { "relative", "[device-model]\nqemu-xen = qemu-system-i386\n", FALSE, NULL, FALSE,
    "dm.conf: qemu-xen = 'qemu-system-i386' is not an absolute path" },
  { "unknown-key", "[device-model]\nqemu = /x\n", FALSE, NULL, FALSE,
    "dm.conf: unknown key 'qemu' in [device-model]: the keys are qemu-xen, verbose, "
    "boot-path, kernel-cache and kernel-cache-size" },
  { "fast", "[device-model]\nboot-path = fast\n", TRUE, "/default", FALSE, NULL, TRUE },
  { "direct", "[device-model]\nboot-path = direct\n", TRUE, "/default", FALSE },
  { "fast-cache", "[device-model]\nboot-path=fast\nkernel-cache = /srv/cache \n"
    "kernel-cache-size = 512M\n", TRUE, "/default", FALSE, NULL, TRUE, "/srv/cache",
    G_GUINT64_CONSTANT (512) << 20 },
  { "no-cache", "[device-model]\nkernel-cache = none\nkernel-cache-size=4096\n", TRUE,
    "/default", FALSE, NULL, FALSE, "none", 4096 },
  { "bad-path", "[device-model]\nboot-path = quick\n", FALSE, NULL, FALSE,
    "dm.conf: boot-path = 'quick' is not direct or fast" },
  { "relative-cache", "[device-model]\nboot-path = fast\nkernel-cache = cache\n", FALSE,
    NULL, FALSE, "dm.conf: kernel-cache = 'cache' is not an absolute path or none" },
  { "bad-size", "[device-model]\nboot-path = fast\nkernel-cache-size = 1T\n", FALSE,
    NULL, FALSE, "dm.conf: kernel-cache-size = '1T' is not a size above 0 (bytes, or "
    "with K, M or G after it)" },
  { "zero-size", "[device-model]\nkernel-cache-size = 0\n", FALSE, NULL, FALSE,
    "dm.conf: kernel-cache-size = '0' is not a size above 0 *" },
  { "unknown-group", "[dm]\nqemu-xen = /x\n", FALSE, NULL, FALSE,
    "dm.conf: unknown group [dm]: the only group is [device-model]" },
  { "bad-boolean", "[device-model]\nverbose = sometimes\n", FALSE, NULL, FALSE,
    "dm.conf: verbose: *(true or false)" },
  { "not-a-keyfile", "qemu-xen = /x\n", FALSE, NULL, FALSE, "dm.conf: *" },
};

static void
test_config (gconstpointer data)
{
  const DmConfigCase *c = data;
  XenKbootDmConfig config = { g_strdup ("/default"), FALSE };
  g_autoptr(GError) error = NULL;
  gboolean ok = xen_kboot_dm_config_parse (c->text, strlen (c->text), "dm.conf",
                                           &config, &error);

  if (c->ok)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_cmpstr (config.qemu_xen, ==, c->qemu_xen);
      g_assert_cmpint (config.verbose, ==, c->verbose);
      g_assert_cmpint (config.fast, ==, c->fast);
      g_assert_cmpstr (config.kernel_cache, ==, c->kernel_cache);
      g_assert_cmpuint (config.kernel_cache_size, ==, c->kernel_cache_size);
    }
  else
    {
      g_assert_false (ok);
      g_assert_error (error, XEN_KBOOT_DM_ERROR, XEN_KBOOT_DM_ERROR_CONFIG);
      if (!g_pattern_match_simple (c->message, error->message))
        g_error ("message '%s' does not match '%s'", error->message, c->message);
      /* A refused file changes nothing. */
      g_assert_cmpstr (config.qemu_xen, ==, "/default");
      g_assert_false (config.fast);
      g_assert_null (config.kernel_cache);
    }
  xen_kboot_dm_config_clear (&config);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (args_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/dm/args/%s", args_cases[i].name);
      g_test_add_data_func (path, &args_cases[i], test_args);
    }
  g_test_add_func ("/dm/without-boot/libxl", test_without_boot);
  g_test_add_func ("/dm/without-boot/dangling", test_without_boot_dangling);
  for (gsize i = 0; i < G_N_ELEMENTS (config_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/dm/config/%s", config_cases[i].name);
      g_test_add_data_func (path, &config_cases[i], test_config);
    }
  return g_test_run ();
}
