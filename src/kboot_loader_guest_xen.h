/* The Xen guest-memory backend (kboot_loader_guest_xen.c), built with the Xen
 * toolstack libraries. */
#ifndef KBOOT_LOADER_GUEST_XEN_H
#define KBOOT_LOADER_GUEST_XEN_H

#include "kboot_loader_guest.h"

G_BEGIN_DECLS

/* Open foreign-memory access to domain @domid, whose RAM is @blocks
 * (backing_offset unused).  Without a hypervisor this fails with
 * "no Xen hypervisor: cannot open /dev/xen/privcmd (is this dom0?)". */
KbootGuest *kboot_guest_xen_open (guint32 domid, const KbootGuestRamBlock *blocks,
                                  guint n_blocks, GError **error);

G_END_DECLS

#endif /* KBOOT_LOADER_GUEST_XEN_H */
