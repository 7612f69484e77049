/* Domain definition -> libxl_domain_config, built with libxl's own types
 * and printed with libxl_domain_config_to_json() (no hypervisor needed).
 * The mapping follows libvirt's libxlBuildDomainConfig.  Only built with
 * the Xen toolstack libraries (WITH_XEN). */
#ifndef XEN_KBOOT_CONF_LIBXL_H
#define XEN_KBOOT_CONF_LIBXL_H

#include "xen_kboot_conf_native.h"

#ifdef WITH_XEN
#include <libxl.h>
#endif

G_BEGIN_DECLS

typedef enum {
  XEN_KBOOT_LIBXL_ERROR_INVALID,   /* a value libxl cannot take */
  XEN_KBOOT_LIBXL_ERROR_JSON,      /* libxl could not print the config */
} XenKbootLibxlError;

#define XEN_KBOOT_LIBXL_ERROR (xen_kboot_libxl_error_quark ())
GQuark xen_kboot_libxl_error_quark (void);

#ifdef WITH_XEN
/* Fill @d_config (initialised by the caller with libxl_domain_config_init,
 * disposed by the caller) for @def. */
gboolean xen_kboot_libxl_build (const XenKbootDomainDef *def,
                                const XenKbootNativeOptions *options,
                                libxl_domain_config *d_config, GError **error);
/* The same, printed by libxl_domain_config_to_json(). */
char *xen_kboot_libxl_to_json (const XenKbootDomainDef *def,
                               const XenKbootNativeOptions *options,
                               GError **error);
#endif

G_END_DECLS

#endif /* XEN_KBOOT_CONF_LIBXL_H */
