/* Reading back what Xen's HVM domain builder put in a new, paused domain
 * (built with the Xen libraries): the hvm_info_table at 0x9f800, and the
 * hvm_start_info that vCPU 0's EBX points at, with its module list and
 * memory map.  The parsing and checks are kboot_layout_xen.c's; this file
 * only fetches the bytes.  Used by create (our firmware was Xen's) and by
 * xen-kboot-dm (hvmloader was). */
#ifndef XEN_KBOOT_XEN_LAYOUT_H
#define XEN_KBOOT_XEN_LAYOUT_H

#include "kboot_layout_firmware.h"
#include "kboot_layout_platform.h"
#include "kboot_layout_xen.h"
#include "kboot_loader_guest.h"
#include "xen_kboot_xen.h"

G_BEGIN_DECLS

/* The hvm_info_table of the domain whose memory @guest is. */
gboolean xen_kboot_xen_read_hvm_info (KbootGuest *guest, KbootXenHvmInfo *info,
                                      GError **error);

/* What Xen put in @domid's memory for its firmware: the hvm_start_info
 * that vCPU 0's EBX points at, its modules, and its memory map, which must
 * be @platform's (the caller has checked the hvm_info_table against
 * @platform, or made @platform from it).  Returns them, with @firmware
 * described as @firmware_what, as a new GArray of KbootReservedRange for
 * the planner. */
GArray *xen_kboot_xen_read_layout (XenKbootXen *x, guint32 domid, KbootGuest *guest,
                                   const KbootPlatform *platform,
                                   const KbootFirmwareElf *firmware,
                                   const char *firmware_what, GError **error);

G_END_DECLS

#endif /* XEN_KBOOT_XEN_LAYOUT_H */
