/* The Xen toolstack handles the Xen-side steps share (built with the Xen
 * libraries): libxl's context and a libxenctrl handle, with the loggers
 * that send libxl's own errors to stderr. */
#ifndef XEN_KBOOT_XEN_H
#define XEN_KBOOT_XEN_H

#include <glib.h>
#include <libxl.h>
#include <xenctrl.h>

#include "kboot_layout_xen.h"
#include "xen_kboot_driver.h"

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

/* Where the loader's ACPI tables say the PM1a event block and PM timer
 * are (kboot_loader_acpi_hw.h, step 3): Xen emulates them itself, at the
 * legacy ports until HVM_PARAM_ACPI_IOPORTS_LOCATION is 1, which hvmloader
 * sets and our firmware cannot (it makes no hypercalls). */
gboolean xen_kboot_xen_set_acpi_ports (XenKbootXen *x, guint32 domid,
                                       GError **error);

/* The vCPUs Xen built the domain with (@info, its hvm_info_table) become
 * the ones @boot's ACPI tables list.  With @check (a plan made from the
 * domain XML before the domain existed) only when it has tables, and they
 * must be the plan's own, else XEN_KBOOT_DRIVER_ERROR_VCPUS; without (a
 * device model, which learns them here) always. */
gboolean xen_kboot_xen_take_vcpus (XenKbootBoot *boot, const KbootXenHvmInfo *info,
                                   gboolean check, GError **error);

G_END_DECLS

#endif /* XEN_KBOOT_XEN_H */
