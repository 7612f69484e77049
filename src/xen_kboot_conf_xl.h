/* Domain definition -> xl.cfg text, in the form of libvirt's
 * "virsh domxml-to-native xen-xl" (src/libxl/xen_xl.c, xen_common.c). */
#ifndef XEN_KBOOT_CONF_XL_H
#define XEN_KBOOT_CONF_XL_H

#include "xen_kboot_conf_native.h"

G_BEGIN_DECLS

typedef enum {
  XEN_KBOOT_XL_ERROR_UNREPRESENTABLE,  /* a value xl.cfg cannot hold */
} XenKbootXlError;

#define XEN_KBOOT_XL_ERROR (xen_kboot_xl_error_quark ())
GQuark xen_kboot_xl_error_quark (void);

/* The xl.cfg for @def, or NULL with @error naming the element and value
 * that cannot be written (e.g. a newline in a path). */
char *xen_kboot_xl_format (const XenKbootDomainDef *def,
                           const XenKbootNativeOptions *options,
                           GError **error);

G_END_DECLS

#endif /* XEN_KBOOT_CONF_XL_H */
