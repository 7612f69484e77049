/* What both native formats (xl.cfg and libxl JSON) need besides the
 * domain definition: the boot mode and, for direct boot, our firmware. */
#ifndef XEN_KBOOT_NATIVE_H
#define XEN_KBOOT_NATIVE_H

#include "xen_kboot_conf.h"

G_BEGIN_DECLS

/* Installed by firmware/ in $(pkglibdir) (KBOOT_FIRMWARE_DIR). */
#define XEN_KBOOT_FIRMWARE_NAME "xen-kboot-fw.elf"

typedef struct {
  XenKbootBootMode mode;
  const char *firmware;      /* direct mode: b_info->u.hvm.firmware */
} XenKbootNativeOptions;

/* Defaults for @def: the mode of its <kboot:boot mode=> or direct, and the
 * installed firmware; a caller's --mode/--firmware override these. */
void xen_kboot_native_options_init (XenKbootNativeOptions *options,
                                    const XenKbootDomainDef *def);

/* The HVM boot order as xl and libxl spell it ("c", "dc", ...: a floppy,
 * c disk, d cdrom, n network), from <boot dev=>; "c" when none is given.
 * @order holds at least XEN_KBOOT_BOOT_DEV_LAST + 1 bytes. */
void xen_kboot_native_boot_order (const XenKbootDomainDef *def, char *order);

/* MiB for xl.cfg's memory/maxmem: libvirt rounds up. */
guint64 xen_kboot_native_kib_to_mib (guint64 kib);

G_END_DECLS

#endif /* XEN_KBOOT_NATIVE_H */
