/* xen-kboot-dm's decisions, pure: which device-model invocations are ours
 * to load a kernel for, the arguments the real device model gets, and the
 * configuration file (and, not pure, its reading, which the libvirt hook
 * shares).  The load itself is xen_kboot_xen_dm.c's; the program is
 * tools/xen-kboot-dm.c.
 *
 * libxl starts the device model of an HVM domain, after building the
 * domain and before unpausing it, as (libxl_dm.c, measured with libvirt 9.0
 * and Xen 4.17; ../shared/DESIGN.md):
 *   PATH -xen-domid N ... -name NAME ... -kernel K -initrd I -append A ...
 *        -machine xenfv,... -m MIB
 * Everything else (libvirt's "PATH -help" probe, a domain without a
 * kernel, a PV domain's or a stub domain's QEMU with -machine xenpv or
 * -xen-attach) goes to the real device model untouched. */
#ifndef XEN_KBOOT_DRIVER_DM_H
#define XEN_KBOOT_DRIVER_DM_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gboolean direct;          /* ours: load, then run QEMU without the kernel */
  const char *why_not;      /* !direct: why QEMU runs untouched (static) */
  guint32 domid;            /* -xen-domid */
  const char *name;         /* -name (libxl: the domain's name), or NULL */
  const char *kernel;       /* -kernel, -initrd, -append: borrowed from argv */
  const char *initrd;
  const char *cmdline;
  gboolean no_acpi;         /* -no-acpi: the domain has acpi=0, and gets no
                             * ACPI tables (as from hvmloader) */
} XenKbootDmArgs;

/* Read @argv (NULL-terminated, without argv[0]).  QEMU's own spellings:
 * "-opt VALUE" or "--opt VALUE"; a repeated option's last value wins, as
 * in QEMU. */
void xen_kboot_dm_args_parse (const char *const *argv, XenKbootDmArgs *out);

/* A new NULL-terminated argv for the real device model: @argv0, then
 * @argv without -kernel, -initrd and -append and their values. */
GStrv xen_kboot_dm_args_without_boot (const char *argv0, const char *const *argv);

typedef enum {
  XEN_KBOOT_DM_ERROR_CONFIG,    /* the configuration file */
  XEN_KBOOT_DM_ERROR_EXEC,      /* the real device model cannot be run */
} XenKbootDmError;

#define XEN_KBOOT_DM_ERROR (xen_kboot_dm_error_quark ())
GQuark xen_kboot_dm_error_quark (void);

typedef struct {
  char *qemu_xen;           /* the real device model, absolute */
  gboolean verbose;         /* the plan table into the log too */
  gboolean fast;            /* boot-path = fast: every domain's kernel by
                             * the fast boot path (docs/fast-boot.md) */
  char *kernel_cache;       /* its cache directory; NULL: the default;
                             * "none": no cache */
  guint64 kernel_cache_size; /* 0: the default bound */
} XenKbootDmConfig;

void xen_kboot_dm_config_clear (XenKbootDmConfig *config);

/* Parse @len bytes of the configuration file @file (GKeyFile syntax) over
 * @config's defaults:
 *   [device-model]
 *   qemu-xen = /usr/libexec/xen-qemu-system-i386
 *   verbose = false
 *   boot-path = direct            (or fast)
 *   kernel-cache = /var/cache/xen-kboot/kernels   (or none)
 *   kernel-cache-size = 1G
 * Unknown groups and keys are refused: a misspelt key must not be quietly
 * ignored on a path every domain start takes. */
gboolean xen_kboot_dm_config_parse (const char *data, gsize len, const char *file,
                                    XenKbootDmConfig *config, GError **error);

/* The configuration xen-kboot-dm runs with, and the hook checks a domain
 * by: the built-in defaults, then the file if there is one
 * ($XEN_KBOOT_DM_CONF, else SYSCONFDIR/xen-kboot/dm.conf; *@file says
 * which).  A file that exists but cannot be read or parsed is an error:
 * the administrator wrote it for a reason.  The one function here that
 * reads a file.  Clear @config with xen_kboot_dm_config_clear, also after
 * an error. */
gboolean xen_kboot_dm_config_load (XenKbootDmConfig *config, const char **file,
                                   GError **error);

G_END_DECLS

#endif /* XEN_KBOOT_DRIVER_DM_H */
