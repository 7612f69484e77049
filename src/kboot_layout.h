/* The memory layout plan: where the handoff block, boot_params, the command
 * line, the kernel and the initrd go in a guest whose memory the platform
 * map describes, around what is already there (firmware).  Pure: facts in,
 * a plan out; kboot_loader.c writes what the plan says.
 *
 * Rules, from Linux's Documentation/arch/x86/boot.rst (the fields
 * kernel_alignment, relocatable_kernel, pref_address, init_size,
 * initrd_addr_max, cmdline_size and xloadflags) and from the addresses in
 * kboot_image_proto.h and kboot_image_handoff.h:
 *   - handoff block: the page at KBOOT_HANDOFF_ADDR.
 *   - kernel: at KBOOT_KERNEL_BASE (above the firmware at
 *     KBOOT_FIRMWARE_BASE) or the next address its alignment allows, never
 *     below, and above everything already in memory; it owns its footprint
 *     (kboot_image_footprint): [load, max(load + file size,
 *     max(align_up(load, kernel_alignment), pref_address) + init_size)).
 *   - boot_params (4 KiB), the command line (length + 1), the ACPI
 *     tables (whole pages) and, for the fast path's 64-bit entry, the
 *     page tables of its identity map (KBOOT_PAGE_TABLES_SIZE, RAM in the
 *     e820: startup_64 leaves them at once): the lowest free page-aligned places above the
 *     handoff page, below 0x9f000 (Xen's hvm_info page, HVM_INFO_PFN in
 *     xen/include/public/hvm/hvm_info_table.h), in that order.  The
 *     tables' pages are ACPI (type 3) in the e820 map, so the kernel
 *     keeps them.
 *   - initrd: page-aligned, as high as allowed below initrd_addr_max + 1,
 *     low RAM's end and 4 GiB; above 4 GiB only when it fits nowhere below
 *     and the kernel sets XLF_CAN_BE_LOADED_ABOVE_4G.
 *   - every region inside RAM (the QEMU BIOS inside its ROM), none
 *     overlapping: kboot_plan_check() verifies the finished plan. */
#ifndef KBOOT_LAYOUT_H
#define KBOOT_LAYOUT_H

#include <glib.h>

#include "kboot_image.h"
#include "kboot_image_handoff.h"
#include "kboot_util_json.h"
#include "kboot_layout_platform.h"
#include "kboot_util.h"

G_BEGIN_DECLS

/* boot_params and the command line go above the handoff page, and below
 * the hvm_info page on Xen (the EBDA's usual place). */
#define KBOOT_LOW_DATA_START  (KBOOT_HANDOFF_ADDR + KBOOT_PAGE_SIZE)
#define KBOOT_LOW_DATA_END    G_GUINT64_CONSTANT (0x9f000)

typedef enum {
  KBOOT_REGION_RESERVED,     /* in use before we load (firmware, its data) */
  KBOOT_REGION_FIRMWARE,     /* the QEMU BIOS, in its ROM ranges */
  KBOOT_REGION_HANDOFF,
  KBOOT_REGION_BOOT_PARAMS,
  KBOOT_REGION_CMDLINE,
  KBOOT_REGION_ACPI,         /* the ACPI tables (kboot_loader_acpi.h) */
  KBOOT_REGION_PAGE_TABLES,  /* the 64-bit fast entry's identity map */
  KBOOT_REGION_KERNEL,
  KBOOT_REGION_INITRD,
  KBOOT_REGION_LAST
} KbootRegionKind;

typedef struct {
  KbootRegionKind kind;
  guint64 start;
  guint64 end;               /* exclusive */
  char *what;                /* description for reports */
} KbootRegion;

/* Something already in guest memory when the loader runs. */
typedef struct {
  guint64 start;
  guint64 end;               /* exclusive */
  const char *what;
} KbootReservedRange;

typedef struct {
  const KbootImage *image;           /* probed and bootable */
  const KbootPlatform *platform;
  guint64 initrd_size;               /* bytes; 0 = no initrd */
  guint64 cmdline_len;               /* bytes, without the terminating NUL */
  const KbootReservedRange *reserved; /* e.g. Xen's firmware, modules and
                                       * start_info (kboot_platform_xen_
                                       * firmware_range()) */
  guint n_reserved;
  guint64 acpi_size;                 /* bytes of ACPI tables (kboot_acpi_size),
                                      * 0 = none */
  gboolean page_tables;              /* the fast path's 64-bit entry:
                                      * KBOOT_PAGE_TABLES_SIZE bytes of
                                      * page tables, low */
} KbootLayoutRequest;

typedef struct {
  KbootPlatformKind platform;
  guint64 ram_size;
  GArray *regions;           /* of KbootRegion, sorted by start */
  GArray *e820;              /* of KbootE820Entry, the guest's map */

  /* Where each piece goes (also in @regions). */
  guint64 handoff_addr;
  guint64 boot_params_addr;
  guint64 cmdline_addr;
  guint64 cmdline_size;      /* length + 1 */
  guint64 acpi_addr;         /* 0 without ACPI tables */
  guint64 acpi_size;         /* whole pages: the e820 ACPI range */
  guint64 page_tables_addr;  /* 0 without page tables */
  guint64 kernel_addr;       /* the load address: code32_start */
  guint64 kernel_end;        /* end of its footprint */
  guint64 kernel_decompress; /* max(align_up(load), pref_address) */
  guint64 initrd_addr;       /* 0 without an initrd */
  guint64 initrd_size;

  /* The rules the plan was made under, for kboot_plan_check(). */
  guint64 kernel_alignment;  /* load alignment */
  guint64 initrd_limit;      /* initrd_addr_max + 1 */
  gboolean initrd_above_4g;  /* XLF_CAN_BE_LOADED_ABOVE_4G */
} KbootPlan;

typedef enum {
  KBOOT_LAYOUT_ERROR_INVALID,      /* a request missing its image or map */
  KBOOT_LAYOUT_ERROR_OVERFLOW,     /* an address or size past 2^64 */
  KBOOT_LAYOUT_ERROR_KERNEL,       /* not relocatable, bad alignment */
  KBOOT_LAYOUT_ERROR_KERNEL_FIT,   /* no room for the kernel's footprint */
  KBOOT_LAYOUT_ERROR_CMDLINE,      /* longer than cmdline_size */
  KBOOT_LAYOUT_ERROR_LOW_FIT,      /* boot_params, command line or ACPI
                                    * tables: no room */
  KBOOT_LAYOUT_ERROR_INITRD_FIT,   /* no room for the initrd */
  KBOOT_LAYOUT_ERROR_RESERVED,     /* a reserved range outside RAM */
  KBOOT_LAYOUT_ERROR_OVERLAP,      /* check: two regions overlap */
  KBOOT_LAYOUT_ERROR_OUTSIDE,      /* check: a region outside its memory */
  KBOOT_LAYOUT_ERROR_RULE,         /* check: a placement rule broken */
  KBOOT_LAYOUT_ERROR_E820,         /* check: the e820 table is malformed */
} KbootLayoutError;

#define KBOOT_LAYOUT_ERROR (kboot_layout_error_quark ())
GQuark kboot_layout_error_quark (void);

/* The plan's first check, which the driver also asks on its own before
 * any memory map exists: a command line of @cmdline_len bytes fits the
 * kernel (kboot_image_cmdline_fits), else KBOOT_LAYOUT_ERROR_CMDLINE. */
gboolean kboot_layout_check_cmdline (const KbootImage *image,
                                     guint64 cmdline_len, GError **error);

/* Plan the layout; the result has passed kboot_plan_check(). */
gboolean kboot_layout_plan (const KbootLayoutRequest *req, KbootPlan **plan,
                            GError **error);

/* Verify a plan against a platform map, independently of how it was made:
 * every region non-empty and inside memory of its kind (RAM, or ROM for
 * the firmware), none overlapping another, the kernel aligned and at or
 * above KBOOT_KERNEL_BASE, boot data below KBOOT_LOW_DATA_END, the initrd
 * page-aligned within its limits, the ACPI tables whole low pages that
 * the e820 calls ACPI, the e820 sorted, non-overlapping and at most 128
 * entries. */
gboolean kboot_plan_check (const KbootPlan *plan, const KbootPlatform *platform,
                           GError **error);

/* Building plans by hand (tests, and the planner itself): an empty plan
 * with the platform's e820 table. */
KbootPlan *kboot_plan_new (const KbootPlatform *platform, GError **error);
void kboot_plan_add_region (KbootPlan *plan, KbootRegionKind kind,
                            guint64 start, guint64 end, const char *what);
void kboot_plan_free (KbootPlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbootPlan, kboot_plan_free)

/* Accessors for reports (plan --json) and the loader. */
const KbootRegion *kboot_plan_find_region (const KbootPlan *plan,
                                           KbootRegionKind kind);
const KbootE820Entry *kboot_plan_get_e820 (const KbootPlan *plan, guint *n);
const char *kboot_region_kind_to_string (KbootRegionKind kind);
const char *kboot_e820_type_to_string (guint32 type);

/* A table: "start end size what" per region, then the e820 map. */
char *kboot_plan_to_table (const KbootPlan *plan);
/* The plan as a JSON object under @key (NULL at top level or in arrays):
 * platform, ram_size, regions [{kind, start, end, size, what}],
 * e820 [{addr, size, type}], numbers as JSON integers. */
void kboot_plan_to_json (const KbootPlan *plan, JsonBuilder *json, const char *key);

/* "initrd (0x1000000 bytes) [0xf000000, 0x10000000) (16.0 MiB at 240.0 MiB)" */
char *kboot_region_describe (const KbootRegion *region);

G_END_DECLS

#endif /* KBOOT_LAYOUT_H */
