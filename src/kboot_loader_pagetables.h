/* The identity map the firmware's 64-bit entry turns paging on with
 * (kboot_image_handoff.h, KBOOT_HANDOFF_ENTRY_KERNEL64): Linux's 64-bit
 * boot protocol wants the kernel, boot_params and the command line
 * identity-mapped at startup_64; the firmware itself runs at 1 MiB (Xen)
 * or just below 4 GiB (QEMU's BIOS ROM) while it turns paging on.  All of
 * [0, 4 GiB) in 2 MiB pages covers every one of them: startup_64 builds
 * its own tables at once (head64.c __startup_64) and drops ours.
 *
 * Pure: an address in, the bytes of the tables out. */
#ifndef KBOOT_LOADER_PAGETABLES_H
#define KBOOT_LOADER_PAGETABLES_H

#include <glib.h>

#include "kboot_image_handoff.h"

G_BEGIN_DECLS

/* Fill @tables (KBOOT_PAGE_TABLES_SIZE bytes) with the map as it will lie
 * at guest-physical @base (page-aligned, below 4 GiB): PML4 at @base, the
 * PDPT after it, then the four page directories of 2 MiB pages, present,
 * writable, cacheable (the memory type is the MTRRs'). */
void kboot_page_tables_build (guint8 *tables, guint64 base);

G_END_DECLS

#endif /* KBOOT_LOADER_PAGETABLES_H */
