/* Platform memory maps: what guest-physical memory looks like, as a
 * function of the guest's RAM size, on the two platforms xen-kboot loads
 * into.
 *
 *   xen-hvm   Xen 4.17's HVM domain builder (libxl + libxenguest) with our
 *             firmware in place of hvmloader (libxl u.hvm.firmware)
 *   qemu-pc   QEMU 7.2's "pc" machine (i440fx), for the preview
 *
 * A map is a sorted list of non-overlapping ranges, each with its type (can
 * the loader put things there?) and the e820 type the guest kernel is told.
 * Pure: numbers in, maps out.  The files these rules are read from are cited
 * in kboot_layout_platform.c. */
#ifndef KBOOT_LAYOUT_PLATFORM_H
#define KBOOT_LAYOUT_PLATFORM_H

#include <glib.h>

#include "kboot_image_proto.h"

G_BEGIN_DECLS

/* One entry of the e820 map the guest kernel gets (boot_params' table). */
typedef struct {
  guint64 addr;
  guint64 size;
  guint32 type;                /* KBOOT_E820_RAM, ... */
} KbootE820Entry;

/* A contiguous run of guest RAM and where its bytes live in the backing
 * store of a guest-memory backend (the RAM file offset, or unused for
 * Xen): the platform says where RAM is, the backends map it. */
typedef struct {
  guint64 gpa;
  guint64 size;
  guint64 backing_offset;
} KbootGuestRamBlock;

typedef enum {
  KBOOT_PLATFORM_XEN_HVM,
  KBOOT_PLATFORM_QEMU_PC,
  KBOOT_PLATFORM_LAST
} KbootPlatformKind;

typedef enum {
  KBOOT_MEM_RAM,         /* populated RAM, free for the loader; e820 RAM */
  KBOOT_MEM_FIRMWARE,    /* owned by firmware: populated pages (Xen's
                          * hvm_info page, 0xc0000-0xfffff) or ROM (QEMU's
                          * BIOS); never for the loader's data */
  KBOOT_MEM_RESERVED,    /* device windows and special pages */
  KBOOT_MEM_HOLE,        /* nothing there: not populated, or MMIO space */
  KBOOT_MEM_LAST
} KbootMemType;

typedef struct {
  guint64 start;
  guint64 end;           /* exclusive */
  KbootMemType type;
  guint32 e820_type;     /* KBOOT_E820_RAM, KBOOT_E820_RESERVED, or 0: not
                          * listed in the e820 the guest gets */
  const char *what;      /* static text for reports */
} KbootMemRange;

/* Inputs of a map.  Zero means "the platform's default" for the sizes. */
typedef struct {
  guint64 ram_size;      /* bytes of guest RAM.  xen-hvm: libxl's mem_size,
                          * maxmem - videoram (kboot_platform_xen_mem()) */
  guint64 mmio_hole;     /* xen-hvm: xl.cfg mmio_hole in bytes; 0 = 256 MiB */
  guint64 bios_size;     /* qemu-pc: the -bios image's size; 0 = 64 KiB */
} KbootPlatformParams;

#define KBOOT_XEN_MMIO_HOLE_DEFAULT   G_GUINT64_CONSTANT (0x10000000)  /* 256 MiB */
#define KBOOT_QEMU_BIOS_SIZE_DEFAULT  G_GUINT64_CONSTANT (0x10000)     /* 64 KiB */
/* The smallest guest either map accepts (hvmloader insists on 2 MiB of low
 * RAM too; a kernel needs far more, which the planner checks). */
#define KBOOT_PLATFORM_RAM_MIN        G_GUINT64_CONSTANT (0x200000)
/* qemu-pc: above this QEMU may move RAM above 1 TiB (AMD HyperTransport
 * hole, pc_memory_init); not modelled, so refused. */
#define KBOOT_QEMU_RAM_MAX            G_GUINT64_CONSTANT (0x8000000000) /* 512 GiB */

typedef struct {
  KbootPlatformKind kind;
  guint64 ram_size;
  guint64 lowmem_end;    /* end of RAM below 4 GiB */
  guint64 highmem_end;   /* end of RAM above 4 GiB, 0 when there is none */
  guint64 mmio_start;    /* xen-hvm: 4 GiB - hole; qemu-pc: lowmem_end */
  guint64 bios_size;     /* qemu-pc only, else 0 */
  GArray *ranges;        /* of KbootMemRange: sorted, non-overlapping */
} KbootPlatform;

typedef enum {
  KBOOT_PLATFORM_ERROR_KIND,       /* unknown platform name */
  KBOOT_PLATFORM_ERROR_RAM_SIZE,   /* too small, too large, not page-aligned */
  KBOOT_PLATFORM_ERROR_MMIO_HOLE,  /* outside what xl accepts */
  KBOOT_PLATFORM_ERROR_BIOS_SIZE,  /* not a multiple of 64 KiB, too large */
  KBOOT_PLATFORM_ERROR_MEMORY,     /* videoram above maxmem, overflow */
  KBOOT_PLATFORM_ERROR_FIRMWARE,   /* a firmware load range Xen would refuse */
  KBOOT_PLATFORM_ERROR_E820,       /* more than 128 entries */
} KbootPlatformError;

#define KBOOT_PLATFORM_ERROR (kboot_platform_error_quark ())
GQuark kboot_platform_error_quark (void);

KbootPlatform *kboot_platform_new (KbootPlatformKind kind,
                                   const KbootPlatformParams *params,
                                   GError **error);
void kboot_platform_free (KbootPlatform *platform);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbootPlatform, kboot_platform_free)

const char *kboot_platform_kind_to_string (KbootPlatformKind kind);
gboolean kboot_platform_kind_from_string (const char *name,
                                          KbootPlatformKind *kind,
                                          GError **error);
const char *kboot_mem_type_to_string (KbootMemType type);

/* The range holding @addr, or NULL. */
const KbootMemRange *kboot_platform_find (const KbootPlatform *platform,
                                          guint64 addr);
/* TRUE when all of [start, end) lies in ranges of @type (adjacent ranges
 * of the same type count as one). */
gboolean kboot_platform_covers (const KbootPlatform *platform, KbootMemType type,
                                guint64 start, guint64 end);

/* The e820 table the guest kernel gets: sorted, non-overlapping, adjacent
 * entries of one type merged, at most KBOOT_BP_E820_MAX entries.  Returns
 * a new GArray of KbootE820Entry. */
GArray *kboot_platform_e820 (const KbootPlatform *platform, GError **error);

/* The RAM ranges as the guest-memory backends take them (a new GArray of
 * KbootGuestRamBlock).  backing_offset is where QEMU's memory backend holds
 * the bytes: "ram-below-4g" maps the backend's [0, lowmem_end) at 0 and
 * "ram-above-4g" its [lowmem_end, ram_size) at 4 GiB (hw/i386/pc.c
 * pc_memory_init).  xen-hvm uses the same rule; its backend ignores it. */
GArray *kboot_platform_ram_blocks (const KbootPlatform *platform);

/* ---- xen-hvm helpers ---- */

/* libxl__build_hvm: mem_size = (max_memkb - video_memkb) << 10. */
gboolean kboot_platform_xen_mem (guint64 max_memkb, guint64 video_memkb,
                                 guint64 *mem, GError **error);

/* What libxenguest has put in guest memory before our loader runs, when
 * u.hvm.firmware names our ELF: the ELF at its physical addresses, then,
 * page after page, the modules (with qemu-xen the bios= blob, then the
 * ACPI and SMBIOS blobs when given), then the hvm_start_info segment. */
typedef struct {
  guint64 firmware_start;        /* lowest p_paddr of the ELF (page-aligned) */
  guint64 firmware_end;          /* highest p_paddr + p_memsz */
  const guint64 *module_sizes;   /* in load order; 0-byte modules are skipped */
  guint n_modules;
  guint n_memmap;                /* entries in libxl's memory map: 1 for
                                  * low RAM, +1 with RAM above 4 GiB */
} KbootXenFirmwareLoad;

/* Bytes of the hvm_start_info segment alloc_magic_pages_hvm() asks for. */
guint64 kboot_platform_xen_start_info_size (guint n_memmap);
/* [*start, *end): from the firmware's start to the end of the start_info
 * segment; all in use when our loader runs. */
gboolean kboot_platform_xen_firmware_range (const KbootXenFirmwareLoad *load,
                                            guint64 *start, guint64 *end,
                                            GError **error);

/* ---- qemu-pc helpers ---- */

/* Where the BIOS image appears: all of it just below 4 GiB, its last
 * 128 KiB (at most) just below 1 MiB. */
void kboot_platform_qemu_bios_ranges (const KbootPlatform *platform,
                                      guint64 *high_start, guint64 *isa_start);

G_END_DECLS

#endif /* KBOOT_LAYOUT_PLATFORM_H */
