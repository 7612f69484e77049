/* The zero page (struct boot_params) and the handoff block, built in
 * memory.  Pure: facts and addresses in, bytes out. */
#ifndef KBOOT_LOADER_BOOTPARAMS_H
#define KBOOT_LOADER_BOOTPARAMS_H

#include <glib.h>

#include "kboot_image_proto.h"
#include "kboot_image_handoff.h"
#include "kboot_image.h"
#include "kboot_layout_platform.h"   /* KbootE820Entry */

G_BEGIN_DECLS

typedef struct {
  guint64 kernel_addr;         /* where the protected-mode kernel is loaded */
  guint64 initrd_addr;         /* 0 when there is no initrd */
  guint64 initrd_size;
  guint64 cmdline_addr;
  const KbootE820Entry *e820;
  guint n_e820;
  guint64 acpi_rsdp_addr;      /* the RSDP the loader wrote, 0 = none */
} KbootBootParamsInput;

typedef enum {
  KBOOT_BOOTPARAMS_ERROR_HEADER,     /* the header bytes are too short */
  KBOOT_BOOTPARAMS_ERROR_E820,       /* too many entries */
  KBOOT_BOOTPARAMS_ERROR_ADDRESS,    /* an address the protocol cannot carry */
} KbootBootParamsError;

#define KBOOT_BOOTPARAMS_ERROR (kboot_bootparams_error_quark ())
GQuark kboot_bootparams_error_quark (void);

/* Fill @bp (KBOOT_BP_SIZE bytes) for @image, whose first bytes are @head:
 * the setup header copied from 0x1f1 up to 0x202 + head[0x201] (no more:
 * the 0x1ef sentinel stays 0), type_of_loader 0xff, code32_start, the
 * initrd (ext_ramdisk_* above 4 GiB), cmd_line_ptr, the e820 map and
 * acpi_rsdp_addr (0x070: kernels of protocol 2.14 and later look there
 * before they search the BIOS areas; older ones never read it). */
gboolean kboot_bootparams_build (guint8 *bp, const KbootImage *image,
                                 const guint8 *head, gsize head_len,
                                 const KbootBootParamsInput *in,
                                 GError **error);

/* What the firmware is told (kboot_image_handoff.h). */
typedef struct {
  guint32 entry;               /* code32_start, or the kernel proper's
                                * startup_32/startup_64 */
  guint32 boot_params;
  guint32 pci_links;           /* byte n: PIIX3 link n's ISA IRQ; 0 = none */
  guint16 pm_base;             /* PIIX4 PM I/O base; 0 = none */
  guint8 pci_skew;             /* slot s pin p on link (s + p + skew) & 3 */
  guint32 entry_kind;          /* KBOOT_HANDOFF_ENTRY_* */
  guint32 page_tables;         /* ENTRY_KERNEL64: the identity map's PML4 */
} KbootHandoff;

/* Fill @block (KBOOT_HANDOFF_SIZE bytes): magic, version, size, @handoff's
 * fields, checksum. */
void kboot_handoff_build (guint8 *block, const KbootHandoff *handoff);
/* TRUE when @block is one the firmware accepts (the same checks). */
gboolean kboot_handoff_valid (const guint8 *block);

G_END_DECLS

#endif /* KBOOT_LOADER_BOOTPARAMS_H */
