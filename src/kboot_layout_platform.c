/* Platform memory maps (see kboot_layout_platform.h).
 *
 * Each map is built as a list of steps, one range each, every number taken
 * from the source of the platform it mirrors:
 *
 * xen-hvm, Xen 4.17:
 *   tools/libs/light/libxl_dom.c   libxl__build_hvm(): mem_size =
 *       (max_memkb - video_memkb) << 10; mmio_size = mmio_hole_memkb << 10
 *       only when 4 GiB minus it is below HVM_BELOW_4G_MMIO_START, else
 *       HVM_BELOW_4G_MMIO_LENGTH (256 MiB); lowmem_end = mem_size;
 *       mmio_start = 4 GiB - mmio_size; if lowmem_end > mmio_start then
 *       highmem_end = 4 GiB + (lowmem_end - mmio_start), lowmem_end =
 *       mmio_start.
 *   tools/xl/xl_parse.c            mmio_hole must lie in
 *       [HVM_BELOW_4G_MMIO_LENGTH, HVM_BELOW_4G_MMIO_START].
 *   tools/libs/light/libxl_x86.c   libxl__arch_domain_construct_memmap():
 *       the memory map Xen holds (and hvm_start_info carries) is RAM
 *       [1 MiB, lowmem_end) (GUEST_LOW_MEM_START_DEFAULT with a device
 *       model) and RAM [4 GiB, highmem_end).
 *   tools/libs/guest/xg_dom_x86.c  meminit_hvm(): pfns 0x00-0x9f populated,
 *       then from pfn 0xc0 ("skipping VGA hole 0xA0000-0xC0000") to
 *       lowmem_end, and [4 GiB, highmem_end).  build_hvm_info(): the
 *       hvm_info_table in pfn HVM_INFO_PFN (0x9f) at offset 0x800.
 *       alloc_magic_pages_hvm(): 8 special pages ending at
 *       X86_HVM_END_SPECIAL_REGION (pfn 0xff000) and 8 ioreq-server pages
 *       below them, reserved_mem_pgstart = 0xfeff0.
 *   tools/firmware/hvmloader/e820.c  build_e820_table(): what a guest is
 *       used to: RAM below the BIOS's reserved base, the BIOS region
 *       reserved to 1 MiB, RAM [1 MiB, low_mem_pgend), RESERVED_MEMBASE
 *       (0xfc000000) to 4 GiB reserved, RAM [4 GiB, high_mem_pgend).
 *
 * qemu-pc, QEMU 7.2 "pc" (i440fx, gigabyte_align true since pc-1.7):
 *   hw/i386/pc_piix.c  pc_init1(): max_ram_below_4g defaults to 0xe0000000
 *       ("default: 3.5G"); lowmem = max_ram_below_4g; if (ram_size >=
 *       max_ram_below_4g && gigabyte_align) lowmem = min(lowmem,
 *       0xc0000000); if (ram_size >= lowmem) below_4g = lowmem, above_4g =
 *       ram_size - lowmem; else everything below.  (Older releases wrote
 *       the same rule as "lowmem = gigabyte_align ? 0xc0000000 :
 *       0xe0000000" for ram_size >= 0xe0000000.)
 *   hw/i386/pc.c       pc_memory_init(): alias "ram-below-4g" = backend
 *       [0, below_4g) at 0, "ram-above-4g" = backend [below_4g, ram_size)
 *       at 4 GiB.
 *   hw/i386/x86.c      x86_bios_rom_init(): the BIOS (a multiple of
 *       64 KiB) at (uint32_t)-bios_size, its last MIN(bios_size, 128 KiB)
 *       aliased as "isa-bios" just below 1 MiB.  0xa0000-0xbffff is the
 *       SMRAM/VGA window and 0xc0000-0xfffff the PAM windows, routed to
 *       PCI (ROM) at reset: not RAM for a firmware that leaves the PAM
 *       registers alone, as ours does. */
#include "config.h"

#include "kboot_layout_platform.h"
#include "kboot_util.h"

G_DEFINE_QUARK (kboot-platform-error-quark, kboot_platform_error)

/* ---- Xen: tools/libs/guest, tools/firmware/hvmloader, xen/include/public */
#define XEN_HVM_INFO_ADDR          G_GUINT64_CONSTANT (0x9f000) /* HVM_INFO_PFN */
#define XEN_VGA_HOLE_START         G_GUINT64_CONSTANT (0xa0000)
#define XEN_VGA_HOLE_END           G_GUINT64_CONSTANT (0xc0000)
#define XEN_LOW_MEM_START          KBOOT_MIB   /* GUEST_LOW_MEM_START_DEFAULT */
#define XEN_RESERVED_MEMBASE       G_GUINT64_CONSTANT (0xfc000000)
#define XEN_IOREQ_SERVER_START     G_GUINT64_CONSTANT (0xfeff0000) /* pfn 0xfeff0 */
#define XEN_SPECIAL_REGION_END     G_GUINT64_CONSTANT (0xff000000) /* pfn 0xff000 */
#define XEN_HVM_BELOW_4G_MMIO_START  G_GUINT64_CONSTANT (0xf0000000)
/* struct hvm_start_info (version 1), hvm_modlist_entry, hvm_memmap_table_entry
 * (xen/include/public/arch-x86/hvm/start_info.h) and the module command
 * lines alloc_magic_pages_hvm() sizes the segment for. */
#define XEN_START_INFO_BYTES       56
#define XEN_MODLIST_ENTRY_BYTES    32
#define XEN_MEMMAP_ENTRY_BYTES     24
#define XEN_MODULE_MAX_COUNT       2     /* HVMLOADER_MODULE_MAX_COUNT */
#define XEN_MODULE_CMDLINE_SIZE    1024  /* MAX_GUEST_CMDLINE */

/* ---- QEMU 7.2: hw/i386/pc_piix.c, hw/i386/x86.c ---------------------- */
#define QEMU_LOWMEM_SPLIT          G_GUINT64_CONSTANT (0xe0000000)
#define QEMU_LOWMEM_GB_ALIGNED     G_GUINT64_CONSTANT (0xc0000000)
#define QEMU_VGA_START             G_GUINT64_CONSTANT (0xa0000)
#define QEMU_ISA_BIOS_MAX          (128 * KBOOT_KIB)
#define QEMU_BIOS_GRANULE          (64 * KBOOT_KIB)
#define QEMU_BIOS_MAX              (16 * KBOOT_MIB)

static const char *const kboot_platform_kind_names[] = {
  [KBOOT_PLATFORM_XEN_HVM] = "xen-hvm",
  [KBOOT_PLATFORM_QEMU_PC] = "qemu-pc",
};
G_STATIC_ASSERT (G_N_ELEMENTS (kboot_platform_kind_names) == KBOOT_PLATFORM_LAST);

static const char *const kboot_mem_type_names[] = {
  [KBOOT_MEM_RAM] = "ram",
  [KBOOT_MEM_FIRMWARE] = "firmware",
  [KBOOT_MEM_RESERVED] = "reserved",
  [KBOOT_MEM_HOLE] = "hole",
};
G_STATIC_ASSERT (G_N_ELEMENTS (kboot_mem_type_names) == KBOOT_MEM_LAST);

const char *
kboot_platform_kind_to_string (KbootPlatformKind kind)
{
  return kind < KBOOT_PLATFORM_LAST ? kboot_platform_kind_names[kind] : "unknown";
}

gboolean
kboot_platform_kind_from_string (const char *name, KbootPlatformKind *kind,
                                 GError **error)
{
  for (guint i = 0; i < KBOOT_PLATFORM_LAST; i++)
    if (g_strcmp0 (name, kboot_platform_kind_names[i]) == 0)
      {
        *kind = (KbootPlatformKind) i;
        return TRUE;
      }
  g_set_error (error, KBOOT_PLATFORM_ERROR, KBOOT_PLATFORM_ERROR_KIND,
               "unknown platform '%s': expected xen-hvm or qemu-pc",
               name ? name : "(null)");
  return FALSE;
}

const char *
kboot_mem_type_to_string (KbootMemType type)
{
  return type < KBOOT_MEM_LAST ? kboot_mem_type_names[type] : "unknown";
}

void
kboot_platform_free (KbootPlatform *platform)
{
  if (!platform)
    return;
  if (platform->ranges)
    g_array_unref (platform->ranges);
  g_free (platform);
}

/* Append [start, end) unless empty; ranges are added in address order. */
static void
kboot_platform_add (KbootPlatform *p, guint64 start, guint64 end,
                    KbootMemType type, guint32 e820_type, const char *what)
{
  KbootMemRange r = { start, end, type, e820_type, what };

  if (start >= end)
    return;
  g_return_if_fail (p->ranges->len == 0
                    || g_array_index (p->ranges, KbootMemRange,
                                      p->ranges->len - 1).end <= start);
  g_array_append_val (p->ranges, r);
}

static gboolean
kboot_platform_check_ram (guint64 ram, guint64 max, const char *platform,
                          GError **error)
{
  if (ram < KBOOT_PLATFORM_RAM_MIN || ram % KBOOT_PAGE_SIZE != 0 || ram > max)
    {
      g_autofree char *mib = kboot_format_size_style (ram, KBOOT_SIZE_MIB_DECIMAL);

      g_set_error (error, KBOOT_PLATFORM_ERROR, KBOOT_PLATFORM_ERROR_RAM_SIZE,
                   "%s: guest RAM of 0x%" G_GINT64_MODIFIER "x bytes (%s) "
                   "must be a multiple of 4 KiB between 2 MiB and 0x%"
                   G_GINT64_MODIFIER "x (%" G_GUINT64_FORMAT " MiB)",
                   platform, ram, mib, max, max / KBOOT_MIB);
      return FALSE;
    }
  return TRUE;
}

/* ---- xen-hvm ------------------------------------------------------------ */

static gboolean
kboot_platform_build_xen (KbootPlatform *p, const KbootPlatformParams *params,
                          GError **error)
{
  guint64 hole = KBOOT_XEN_MMIO_HOLE_DEFAULT;

  /* highmem_end = 4 GiB + (mem - mmio_start) must not wrap: mem below
   * 2^63 keeps every sum below in range. */
  if (!kboot_platform_check_ram (params->ram_size, G_MAXUINT64 / 2, "xen-hvm", error))
    return FALSE;
  if (params->mmio_hole != 0)
    {
      /* xl_parse.c: HVM_BELOW_4G_MMIO_LENGTH <= hole <= HVM_BELOW_4G_MMIO_START. */
      if (params->mmio_hole < KBOOT_XEN_MMIO_HOLE_DEFAULT
          || params->mmio_hole > XEN_HVM_BELOW_4G_MMIO_START
          || params->mmio_hole % KBOOT_PAGE_SIZE != 0)
        {
          g_autofree char *mib = kboot_format_size_style (params->mmio_hole,
                                                          KBOOT_SIZE_MIB_DECIMAL);

          g_set_error (error, KBOOT_PLATFORM_ERROR, KBOOT_PLATFORM_ERROR_MMIO_HOLE,
                       "xen-hvm: mmio_hole of 0x%" G_GINT64_MODIFIER "x bytes "
                       "(%s) must be a multiple of 4 KiB between 256 MiB "
                       "and 3840 MiB, as xl requires", params->mmio_hole, mib);
          return FALSE;
        }
      /* libxl__build_hvm: only a hole larger than the default is used. */
      if (KBOOT_FOUR_GIB - params->mmio_hole < XEN_HVM_BELOW_4G_MMIO_START)
        hole = params->mmio_hole;
    }

  p->mmio_start = KBOOT_FOUR_GIB - hole;
  p->lowmem_end = params->ram_size;
  p->highmem_end = 0;
  if (p->lowmem_end > p->mmio_start)
    {
      p->highmem_end = KBOOT_FOUR_GIB + (p->lowmem_end - p->mmio_start);
      p->lowmem_end = p->mmio_start;
    }

  kboot_platform_add (p, 0, XEN_HVM_INFO_ADDR, KBOOT_MEM_RAM, KBOOT_E820_RAM,
                      "conventional memory");
  kboot_platform_add (p, XEN_HVM_INFO_ADDR, XEN_VGA_HOLE_START, KBOOT_MEM_FIRMWARE,
                      KBOOT_E820_RESERVED, "hvm_info_table page (pfn 0x9f)");
  kboot_platform_add (p, XEN_VGA_HOLE_START, XEN_VGA_HOLE_END, KBOOT_MEM_HOLE,
                      KBOOT_E820_RESERVED, "VGA hole, not populated");
  kboot_platform_add (p, XEN_VGA_HOLE_END, XEN_LOW_MEM_START, KBOOT_MEM_FIRMWARE,
                      KBOOT_E820_RESERVED, "option ROM and BIOS area");
  kboot_platform_add (p, XEN_LOW_MEM_START, p->lowmem_end, KBOOT_MEM_RAM,
                      KBOOT_E820_RAM, "low RAM");
  kboot_platform_add (p, p->lowmem_end, XEN_RESERVED_MEMBASE, KBOOT_MEM_HOLE, 0,
                      "MMIO hole, not populated");
  kboot_platform_add (p, XEN_RESERVED_MEMBASE, XEN_IOREQ_SERVER_START,
                      KBOOT_MEM_RESERVED, KBOOT_E820_RESERVED,
                      "IOAPIC, HPET, LAPIC (hvmloader RESERVED_MEMBASE)");
  kboot_platform_add (p, XEN_IOREQ_SERVER_START, XEN_SPECIAL_REGION_END,
                      KBOOT_MEM_RESERVED, KBOOT_E820_RESERVED,
                      "ioreq server and special pages");
  kboot_platform_add (p, XEN_SPECIAL_REGION_END, KBOOT_FOUR_GIB,
                      KBOOT_MEM_RESERVED, KBOOT_E820_RESERVED, "reserved to 4 GiB");
  if (p->highmem_end)
    kboot_platform_add (p, KBOOT_FOUR_GIB, p->highmem_end, KBOOT_MEM_RAM,
                        KBOOT_E820_RAM, "high RAM");
  return TRUE;
}

gboolean
kboot_platform_xen_mem (guint64 max_memkb, guint64 video_memkb, guint64 *mem,
                        GError **error)
{
  guint64 kib = max_memkb - video_memkb;

  if (video_memkb > max_memkb || kib > G_MAXUINT64 >> 10)
    {
      g_set_error (error, KBOOT_PLATFORM_ERROR, KBOOT_PLATFORM_ERROR_MEMORY,
                   "xen-hvm: maxmem of %" G_GUINT64_FORMAT " KiB minus videoram "
                   "of %" G_GUINT64_FORMAT " KiB leaves no valid RAM size",
                   max_memkb, video_memkb);
      return FALSE;
    }
  *mem = kib << 10;
  return TRUE;
}

guint64
kboot_platform_xen_start_info_size (guint n_memmap)
{
  return XEN_START_INFO_BYTES
         + XEN_MODULE_MAX_COUNT * (XEN_MODLIST_ENTRY_BYTES + XEN_MODULE_CMDLINE_SIZE)
         + (guint64) n_memmap * XEN_MEMMAP_ENTRY_BYTES;
}

/* Round @size up to pages and add it to *@at, checked. */
static gboolean
kboot_platform_xen_segment (guint64 *at, guint64 size)
{
  guint64 bytes;

  return kboot_align_up (size, KBOOT_PAGE_SIZE, &bytes)
         && g_uint64_checked_add (at, *at, bytes);
}

/* xg_dom_core.c xc_dom_alloc_segment(): segments are whole pages, placed
 * one after another from the firmware's start (which must be page-aligned:
 * "segment start isn't page aligned"); xg_dom_hvmloader.c modules_init()
 * places the modules, alloc_magic_pages_hvm() then the start_info. */
gboolean
kboot_platform_xen_firmware_range (const KbootXenFirmwareLoad *load,
                                   guint64 *start, guint64 *end, GError **error)
{
  guint64 at = load->firmware_start;

  if (load->firmware_start % KBOOT_PAGE_SIZE != 0
      || load->firmware_end <= load->firmware_start)
    {
      g_set_error (error, KBOOT_PLATFORM_ERROR, KBOOT_PLATFORM_ERROR_FIRMWARE,
                   "xen-hvm: firmware range [0x%" G_GINT64_MODIFIER "x, 0x%"
                   G_GINT64_MODIFIER "x) must be non-empty and start on a page "
                   "boundary (libxenguest loads it in whole pages)",
                   load->firmware_start, load->firmware_end);
      return FALSE;
    }
  if (!kboot_platform_xen_segment (&at, load->firmware_end - load->firmware_start))
    goto overflow;
  for (guint i = 0; i < load->n_modules; i++)
    if (!kboot_platform_xen_segment (&at, load->module_sizes[i]))
      goto overflow;
  if (!kboot_platform_xen_segment (&at, kboot_platform_xen_start_info_size (load->n_memmap)))
    goto overflow;
  *start = load->firmware_start;
  *end = at;
  return TRUE;

overflow:
  g_set_error (error, KBOOT_PLATFORM_ERROR, KBOOT_PLATFORM_ERROR_FIRMWARE,
               "xen-hvm: the firmware at 0x%" G_GINT64_MODIFIER "x with its "
               "%u module(s) and start_info runs past the end of the address "
               "space", load->firmware_start, load->n_modules);
  return FALSE;
}

/* ---- qemu-pc ------------------------------------------------------------ */

static gboolean
kboot_platform_build_qemu (KbootPlatform *p, const KbootPlatformParams *params,
                           GError **error)
{
  guint64 bios = params->bios_size ? params->bios_size : KBOOT_QEMU_BIOS_SIZE_DEFAULT;
  guint64 lowmem, high_bios, isa_bios;

  if (!kboot_platform_check_ram (params->ram_size, KBOOT_QEMU_RAM_MAX, "qemu-pc", error))
    return FALSE;
  /* x86_bios_rom_init: "(bios_size % 65536) != 0" is refused. */
  if (bios % QEMU_BIOS_GRANULE != 0 || bios > QEMU_BIOS_MAX)
    {
      g_set_error (error, KBOOT_PLATFORM_ERROR, KBOOT_PLATFORM_ERROR_BIOS_SIZE,
                   "qemu-pc: a BIOS of 0x%" G_GINT64_MODIFIER "x bytes: QEMU "
                   "wants a multiple of 64 KiB (and we at most 16 MiB)", bios);
      return FALSE;
    }
  p->bios_size = bios;

  /* pc_init1, with max_ram_below_4g at its default 0xe0000000 and
   * gigabyte_align set (pc-i440fx >= 1.7). */
  lowmem = params->ram_size >= QEMU_LOWMEM_SPLIT ? QEMU_LOWMEM_GB_ALIGNED
                                                 : QEMU_LOWMEM_SPLIT;
  if (params->ram_size >= lowmem)
    {
      p->lowmem_end = lowmem;
      p->highmem_end = KBOOT_FOUR_GIB + (params->ram_size - lowmem);
    }
  else
    {
      p->lowmem_end = params->ram_size;
      p->highmem_end = 0;
    }
  p->mmio_start = p->lowmem_end;
  kboot_platform_qemu_bios_ranges (p, &high_bios, &isa_bios);

  kboot_platform_add (p, 0, QEMU_VGA_START, KBOOT_MEM_RAM, KBOOT_E820_RAM,
                      "conventional memory");
  kboot_platform_add (p, QEMU_VGA_START, isa_bios, KBOOT_MEM_HOLE, 0,
                      "VGA window and option ROMs (SMRAM, PAM: not RAM)");
  kboot_platform_add (p, isa_bios, KBOOT_MIB, KBOOT_MEM_FIRMWARE,
                      KBOOT_E820_RESERVED, "isa-bios: the BIOS's last bytes below 1 MiB");
  kboot_platform_add (p, KBOOT_MIB, p->lowmem_end, KBOOT_MEM_RAM, KBOOT_E820_RAM,
                      "low RAM (ram-below-4g)");
  kboot_platform_add (p, p->lowmem_end, high_bios, KBOOT_MEM_HOLE, 0,
                      "PCI hole: MMIO, IOAPIC, HPET, LAPIC");
  kboot_platform_add (p, high_bios, KBOOT_FOUR_GIB, KBOOT_MEM_FIRMWARE,
                      KBOOT_E820_RESERVED, "pc.bios: the BIOS below 4 GiB");
  if (p->highmem_end)
    kboot_platform_add (p, KBOOT_FOUR_GIB, p->highmem_end, KBOOT_MEM_RAM,
                        KBOOT_E820_RAM, "high RAM (ram-above-4g)");
  return TRUE;
}

void
kboot_platform_qemu_bios_ranges (const KbootPlatform *platform,
                                 guint64 *high_start, guint64 *isa_start)
{
  *high_start = KBOOT_FOUR_GIB - platform->bios_size;
  *isa_start = KBOOT_MIB - MIN (platform->bios_size, QEMU_ISA_BIOS_MAX);
}

/* ---- common ------------------------------------------------------------- */

KbootPlatform *
kboot_platform_new (KbootPlatformKind kind, const KbootPlatformParams *params,
                    GError **error)
{
  g_autoptr(KbootPlatform) p = NULL;
  gboolean ok = FALSE;

  if ((guint) kind >= KBOOT_PLATFORM_LAST)
    {
      g_set_error (error, KBOOT_PLATFORM_ERROR, KBOOT_PLATFORM_ERROR_KIND,
                   "unknown platform %d", (int) kind);
      return NULL;
    }
  p = g_new0 (KbootPlatform, 1);
  p->kind = kind;
  p->ram_size = params->ram_size;
  p->ranges = g_array_new (FALSE, FALSE, sizeof (KbootMemRange));
  switch (kind)
    {
    case KBOOT_PLATFORM_XEN_HVM:
      ok = kboot_platform_build_xen (p, params, error);
      break;
    case KBOOT_PLATFORM_QEMU_PC:
      ok = kboot_platform_build_qemu (p, params, error);
      break;
    case KBOOT_PLATFORM_LAST:
      break;                            /* refused above */
    }
  return ok ? g_steal_pointer (&p) : NULL;
}

const KbootMemRange *
kboot_platform_find (const KbootPlatform *platform, guint64 addr)
{
  for (guint i = 0; i < platform->ranges->len; i++)
    {
      const KbootMemRange *r = &g_array_index (platform->ranges, KbootMemRange, i);
      if (addr >= r->start && addr < r->end)
        return r;
    }
  return NULL;
}

gboolean
kboot_platform_covers (const KbootPlatform *platform, KbootMemType type,
                       guint64 start, guint64 end)
{
  guint64 at = start;

  if (start >= end)
    return FALSE;
  while (at < end)
    {
      const KbootMemRange *r = kboot_platform_find (platform, at);
      if (!r || r->type != type)
        return FALSE;
      at = r->end;
    }
  return TRUE;
}

GArray *
kboot_platform_e820 (const KbootPlatform *platform, GError **error)
{
  g_autoptr(GArray) e820 = g_array_new (FALSE, FALSE, sizeof (KbootE820Entry));

  for (guint i = 0; i < platform->ranges->len; i++)
    {
      const KbootMemRange *r = &g_array_index (platform->ranges, KbootMemRange, i);
      KbootE820Entry *last = e820->len
        ? &g_array_index (e820, KbootE820Entry, e820->len - 1) : NULL;
      KbootE820Entry e = { r->start, r->end - r->start, r->e820_type };

      if (r->e820_type == 0)
        continue;
      if (last && last->type == r->e820_type && last->addr + last->size == r->start)
        last->size += e.size;
      else
        g_array_append_val (e820, e);
    }
  if (e820->len > KBOOT_BP_E820_MAX)
    {
      g_set_error (error, KBOOT_PLATFORM_ERROR, KBOOT_PLATFORM_ERROR_E820,
                   "%s: %u e820 entries, at most %d fit in boot_params",
                   kboot_platform_kind_to_string (platform->kind), e820->len,
                   KBOOT_BP_E820_MAX);
      return NULL;
    }
  return g_steal_pointer (&e820);
}

GArray *
kboot_platform_ram_blocks (const KbootPlatform *platform)
{
  GArray *blocks = g_array_new (FALSE, FALSE, sizeof (KbootGuestRamBlock));

  for (guint i = 0; i < platform->ranges->len; i++)
    {
      const KbootMemRange *r = &g_array_index (platform->ranges, KbootMemRange, i);
      KbootGuestRamBlock *last = blocks->len
        ? &g_array_index (blocks, KbootGuestRamBlock, blocks->len - 1) : NULL;
      KbootGuestRamBlock b = { r->start, r->end - r->start, r->start };

      if (r->type != KBOOT_MEM_RAM)
        continue;
      if (r->start >= KBOOT_FOUR_GIB)
        b.backing_offset = platform->lowmem_end + (r->start - KBOOT_FOUR_GIB);
      if (last && last->gpa + last->size == b.gpa)
        last->size += b.size;
      else
        g_array_append_val (blocks, b);
    }
  return blocks;
}
