/* The boot path a libvirt domain chose (<kboot:boot path=>), handed from
 * the libvirt hook to xen-kboot-dm.
 *
 * libxl passes the device model no metadata.  The hook sees the whole
 * domain XML on "prepare begin", just before libxl builds the domain and
 * starts xen-kboot-dm with "-name NAME", so it records the choice in a
 * file named after the domain, and xen-kboot-dm reads it:
 *
 *   /run/xen-kboot/domains/NAME.boot        (mode 0600, directory 0700)
 *   [boot]
 *   path = fast
 *
 * Every "prepare begin" writes the file or removes it (no path= in the
 * domain: dm.conf's boot-path decides), and "release end" removes it, so
 * a choice never outlives its domain's start.  Only root's own files are
 * read: a directory or file another user could have written is refused
 * with the reason, and xen-kboot-dm then keeps dm.conf's path.
 * XEN_KBOOT_RUN_DIR replaces /run/xen-kboot (the tests). */
#ifndef XEN_KBOOT_DRIVER_CHOICE_H
#define XEN_KBOOT_DRIVER_CHOICE_H

#include <glib.h>

#include "xen_kboot_conf.h"

G_BEGIN_DECLS

typedef enum {
  XEN_KBOOT_CHOICE_ERROR_NAME,      /* the domain's name cannot name a file */
  XEN_KBOOT_CHOICE_ERROR_UNSAFE,    /* another user could have written it */
  XEN_KBOOT_CHOICE_ERROR_INVALID,   /* the file is not what the hook writes */
  XEN_KBOOT_CHOICE_ERROR_IO,
} XenKbootChoiceError;

#define XEN_KBOOT_CHOICE_ERROR (xen_kboot_choice_error_quark ())
GQuark xen_kboot_choice_error_quark (void);

/* The files' directory: $XEN_KBOOT_RUN_DIR/domains, or
 * /run/xen-kboot/domains. */
char *xen_kboot_choice_dir (void);

/* The file of domain @name in @dir; NULL and XEN_KBOOT_CHOICE_ERROR_NAME
 * when @name is empty, longer than 200 bytes, starts with '.', or holds
 * '/' or a control character. */
char *xen_kboot_choice_file (const char *dir, const char *name, GError **error);

/* Parse a choice file's @len bytes (@file names it in errors): one group
 * [boot] with one key, path = direct or fast.  Pure. */
gboolean xen_kboot_choice_parse (const char *data, gsize len, const char *file,
                                 XenKbootBootPath *path, GError **error);

/* Record @path for domain @name in @dir, atomically (a reader sees the
 * old file or the new one); @path NULL removes the record (none is not an
 * error).  Creates @dir (0700) when missing. */
gboolean xen_kboot_choice_record (const char *dir, const char *name,
                                  const XenKbootBootPath *path, GError **error);

/* Domain @name's recorded path: *found FALSE when there is no record. */
gboolean xen_kboot_choice_lookup (const char *dir, const char *name,
                                  gboolean *found, XenKbootBootPath *path,
                                  GError **error);

G_END_DECLS

#endif /* XEN_KBOOT_DRIVER_CHOICE_H */
