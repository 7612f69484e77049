/* An xl.cfg read back into a libxl_domain_config, the way xl does it, for
 * the keys xen-kboot writes (see xl_readback.c). */
#ifndef XL_READBACK_H
#define XL_READBACK_H

#include <glib.h>
#include <libxl.h>

G_BEGIN_DECLS

/* Fill @d_config (initialised by the caller) from the xl.cfg @text named
 * @source.  FALSE, with @error naming the key, when libxlutil cannot
 * parse it or it holds a key or value this reader does not map. */
gboolean xl_readback_parse (const char *source, const char *text,
                            libxl_domain_config *d_config, GError **error);

/* libxl's own defaults (libxl__domain_build_info_setdefault,
 * libxl__device_nic_setdefault, libxl__device_vfb_setdefault, the next
 * free devid) for the fields that one format spells out and the other
 * leaves to libxl. */
void xl_readback_apply_libxl_defaults (libxl_domain_config *d_config);

G_END_DECLS

#endif /* XL_READBACK_H */
