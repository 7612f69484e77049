/* The DSDT's AML (kboot_loader_acpi.c wraps it in the table header):
 * \_S5 for power-off, and the PCI root bridge \_SB.PCI0 with its resources
 * and its interrupt routing, so that the OS finds bus 0 and the devices on
 * it and routes their INTx.  Pure; GLib only. */
#ifndef KBOOT_LOADER_ACPI_DSDT_H
#define KBOOT_LOADER_ACPI_DSDT_H

#include <glib.h>

#include "kboot_layout_platform.h"   /* KbootPlatformKind */

G_BEGIN_DECLS

/* The definition block's contents for @platform, with the 32-bit PCI
 * memory window [@pci_mem_start, @pci_mem_end) in \_SB.PCI0._CRS.  Its
 * length depends on @platform alone (the window is written in fixed-width
 * fields).  The caller checks the window (kboot_loader_acpi.c). */
GByteArray *kboot_acpi_dsdt_aml (KbootPlatformKind platform, guint32 pci_mem_start,
                                 guint32 pci_mem_end);

G_END_DECLS

#endif /* KBOOT_LOADER_ACPI_DSDT_H */
