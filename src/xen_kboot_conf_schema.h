/* docs/schema.rng, compiled in: src/xen_kboot_conf_schema.c is generated from
 * it at build time (src/conf.am), so the program never has to find it. */
#ifndef XEN_KBOOT_CONF_SCHEMA_H
#define XEN_KBOOT_CONF_SCHEMA_H

#include <glib.h>

extern const char xen_kboot_schema_rng[];
extern const gsize xen_kboot_schema_rng_len;

#endif /* XEN_KBOOT_CONF_SCHEMA_H */
