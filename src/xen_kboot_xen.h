/* The Xen toolstack handles the Xen-side steps share (built with the Xen
 * libraries): libxl's context and a libxenctrl handle, with the loggers
 * that send libxl's own errors to stderr. */
#ifndef XEN_KBOOT_XEN_H
#define XEN_KBOOT_XEN_H

#include <glib.h>
#include <libxl.h>
#include <xenctrl.h>

G_BEGIN_DECLS

typedef struct {
  xentoollog_logger_stdiostream *quiet;    /* for the hypervisor probe */
  xentoollog_logger_stdiostream *logger;   /* libxl's own errors, on stderr */
  xc_interface *xch;
  libxl_ctx *ctx;
} XenKbootXen;

/* Open the hypervisor (xc_interface_open: the one place that tells "no
 * Xen here", XEN_KBOOT_DRIVER_ERROR_NO_XEN) and libxl. */
XenKbootXen *xen_kboot_xen_open (GError **error);
void xen_kboot_xen_free (XenKbootXen *x);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XenKbootXen, xen_kboot_xen_free)

/* In a child after fork() that goes on using libxl: calls
 * libxl_postfork_child_noexec() on the parent's @x, as libxl_event.h
 * requires, and releases what is ours in @x without freeing libxl's
 * context (libxl forbids it).  The child then opens its own. */
void xen_kboot_xen_free_after_fork (XenKbootXen *x);

/* "CALL: libxl error RC (its name)", with a pointer to libxl's own
 * messages (printed above) when it says only ERROR_FAIL. */
void xen_kboot_set_libxl_error (GError **error, const char *call, int rc);

G_END_DECLS

#endif /* XEN_KBOOT_XEN_H */
