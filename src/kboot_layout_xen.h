/* What Xen's HVM domain builder left in a new domain's memory, read back
 * before xen-kboot loads anything: the hvm_info_table (the RAM layout it
 * really built) and the hvm_start_info it hands the firmware in EBX (the
 * firmware modules and the memory map).  Pure: bytes in, facts out; the
 * driver (xen_kboot_xen_driver.c) does the reading.
 *
 * Sources (Xen 4.17): xen/include/public/hvm/hvm_info_table.h,
 * xen/include/public/arch-x86/hvm/start_info.h, tools/libs/guest/
 * xg_dom_x86.c (build_hvm_info, alloc_magic_pages_hvm, vcpu_hvm: "rbx =
 * start_info"), tools/firmware/hvmloader/hvmloader.c (how hvmloader checks
 * the table: signature, then the bytes of length sum to zero). */
#ifndef KBOOT_LAYOUT_XEN_H
#define KBOOT_LAYOUT_XEN_H

#include <glib.h>

#include "kboot_layout_firmware.h"
#include "kboot_layout.h"
#include "kboot_layout_platform.h"

G_BEGIN_DECLS

/* HVM_INFO_PADDR: pfn 0x9f, offset 0x800. */
#define KBOOT_XEN_HVM_INFO_ADDR     G_GUINT64_CONSTANT (0x9f800)
#define KBOOT_XEN_HVM_INFO_SIZE     48      /* sizeof (struct hvm_info_table) */
#define KBOOT_XEN_START_INFO_SIZE   56      /* sizeof (struct hvm_start_info) */
#define KBOOT_XEN_MODLIST_ENTRY_SIZE 32
#define KBOOT_XEN_MEMMAP_ENTRY_SIZE 24
#define KBOOT_XEN_START_INFO_MAGIC  0x336ec578u /* XEN_HVM_START_MAGIC_VALUE */
/* More than a builder ever writes (2 modules; a memmap of 2 to a few
 * entries); caps what a hostile or corrupt start_info makes us read. */
#define KBOOT_XEN_MODULES_MAX       16
#define KBOOT_XEN_MEMMAP_MAX        128
/* The SeaBIOS blob libxl loads as a firmware module with qemu-xen (Debian:
 * /usr/share/seabios/bios-256k.bin); plan and validate assume this size. */
#define KBOOT_XEN_BIOS_MODULE_SIZE_DEFAULT G_GUINT64_CONSTANT (0x40000)

/* public/hvm/hvm_info_table.h HVM_MAX_VCPUS: the vcpu_online bitmap's bits. */
#define KBOOT_XEN_HVM_MAX_VCPUS     128

typedef enum {
  KBOOT_XEN_LAYOUT_ERROR_HVM_INFO,    /* bad hvm_info_table */
  KBOOT_XEN_LAYOUT_ERROR_START_INFO,  /* bad hvm_start_info or its lists */
  KBOOT_XEN_LAYOUT_ERROR_MISMATCH,    /* Xen built another layout than ours */
} KbootXenLayoutError;

#define KBOOT_XEN_LAYOUT_ERROR (kboot_xen_layout_error_quark ())
GQuark kboot_xen_layout_error_quark (void);

typedef struct {
  guint32 nr_vcpus;
  guint64 low_mem_end;         /* low_mem_pgend << 12 */
  guint64 reserved_mem_start;  /* reserved_mem_pgstart << 12 */
  guint64 high_mem_end;        /* high_mem_pgend << 12, 0: no high RAM */
  guint8 vcpu_online[KBOOT_XEN_HVM_MAX_VCPUS / 8];  /* bit i: vCPU i online */
} KbootXenHvmInfo;

/* @buf holds the bytes at KBOOT_XEN_HVM_INFO_ADDR up to the page's end. */
gboolean kboot_xen_hvm_info_parse (const guint8 *buf, gsize len,
                                   KbootXenHvmInfo *out, GError **error);
/* Xen's layout must be the one the xen-hvm map predicted: RAM below and
 * above 4 GiB ending where @platform says. */
gboolean kboot_xen_hvm_info_check (const KbootXenHvmInfo *info,
                                   const KbootPlatform *platform, GError **error);

/* The platform parameters of the RAM Xen really built (@info), for a
 * loader that did not choose the domain's memory (xen-kboot-dm): the RAM
 * size, and the MMIO hole when RAM continues above 4 GiB (libxl's
 * lowmem_end is then 4 GiB - hole; below it the default hole describes the
 * same RAM). */
gboolean kboot_xen_platform_params (const KbootXenHvmInfo *info,
                                    KbootPlatformParams *params, GError **error);

typedef struct {
  guint64 addr;                /* where it is: EBX */
  guint32 version;
  guint32 nr_modules;
  guint64 modlist_paddr;
  guint64 cmdline_paddr;
  guint64 memmap_paddr;        /* version >= 1 */
  guint32 memmap_entries;
} KbootXenStartInfo;

typedef struct {
  guint64 paddr;
  guint64 size;
} KbootXenModule;

typedef struct {
  guint64 addr;
  guint64 size;
  guint32 type;                /* e820 type */
} KbootXenMemmapEntry;

/* @buf: KBOOT_XEN_START_INFO_SIZE bytes read at @addr. */
gboolean kboot_xen_start_info_parse (const guint8 *buf, gsize len, guint64 addr,
                                     KbootXenStartInfo *out, GError **error);
/* @buf: @n entries of the module list; appends KbootXenModule to @modules. */
gboolean kboot_xen_modlist_parse (const guint8 *buf, gsize len, guint n,
                                  GArray *modules, GError **error);
/* @buf: @n entries of the memory map; appends KbootXenMemmapEntry. */
gboolean kboot_xen_memmap_parse (const guint8 *buf, gsize len, guint n,
                                 GArray *entries, GError **error);
/* Every RAM entry Xen lists must be RAM in @platform. */
gboolean kboot_xen_memmap_check (const GArray *entries,
                                 const KbootPlatform *platform, GError **error);

/* The ranges in use when the loader runs, for the planner: the firmware
 * (described as @firmware_what, a static string), each module, and the
 * start_info segment with its lists.  A new GArray of KbootReservedRange
 * (static descriptions). */
GArray *kboot_xen_reserved_ranges (const KbootFirmwareElf *firmware,
                                   const char *firmware_what,
                                   const KbootXenStartInfo *start_info,
                                   const GArray *modules);

/* No two of @ranges (KbootReservedRange) overlap: a firmware of ours
 * loaded where Xen loaded hvmloader must leave the modules and the
 * start_info alone. */
gboolean kboot_xen_reserved_check_disjoint (const GArray *ranges, GError **error);

/* The same, predicted before a domain exists: the firmware, a SeaBIOS
 * module of @bios_module_size bytes (0: none) and the start_info, placed
 * as libxenguest places them (kboot_platform_xen_firmware_range()). */
gboolean kboot_xen_model_reserved (const KbootFirmwareElf *firmware,
                                   guint64 bios_module_size,
                                   const KbootPlatform *platform,
                                   KbootReservedRange *out, GError **error);

/* The guest-physical memory Xen populated for an HVM guest of @platform
 * (meminit_hvm: pfns 0-0x9f, 0xc0 to low_mem_end, high RAM), as blocks for
 * the Xen guest-memory backend.  A new GArray of KbootGuestRamBlock. */
GArray *kboot_xen_populated_blocks (const KbootPlatform *platform);

G_END_DECLS

#endif /* KBOOT_LAYOUT_XEN_H */
