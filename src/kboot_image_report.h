/* Reports of a probed kernel image: aligned "key: value" text and JSON.
 * Pure: facts in, text out. */
#ifndef KBOOT_IMAGE_REPORT_H
#define KBOOT_IMAGE_REPORT_H

#include "kboot_image.h"
#include "kboot_util_json.h"

G_BEGIN_DECLS

/* "key: value" lines, the verdict last; each problem on its own line. */
char *kboot_image_report_text (const KbootImage *image, const char *path);
/* One JSON object with stable keys (null where a fact does not apply);
 * see docs/xen-kboot.1, "inspect --json". */
void kboot_image_report_json (JsonBuilder *json, const KbootImage *image,
                              const char *path);
/* "KERNEL_64|CAN_BE_LOADED_ABOVE_4G" style names of xloadflags bits;
 * returns a NULL-terminated array. */
GStrv kboot_xloadflags_names (guint16 xloadflags);
GStrv kboot_loadflags_names (guint8 loadflags);

G_END_DECLS

#endif /* KBOOT_IMAGE_REPORT_H */
