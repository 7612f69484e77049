/* Reading back what Xen's HVM builder wrote (see kboot_layout_xen.h). */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "kboot_util.h"
#include "kboot_layout_xen.h"

#ifdef WITH_XEN
/* Our offsets are Xen's public ABI: check them against its headers. */
#include <stdint.h>
#include <xen/xen.h>
#include <xen/hvm/hvm_info_table.h>
#include <xen/arch-x86/hvm/start_info.h>
G_STATIC_ASSERT (sizeof (struct hvm_info_table) == KBOOT_XEN_HVM_INFO_SIZE);
G_STATIC_ASSERT (offsetof (struct hvm_info_table, nr_vcpus) == 16);
G_STATIC_ASSERT (offsetof (struct hvm_info_table, low_mem_pgend) == 20);
G_STATIC_ASSERT (offsetof (struct hvm_info_table, reserved_mem_pgstart) == 24);
G_STATIC_ASSERT (offsetof (struct hvm_info_table, high_mem_pgend) == 28);
G_STATIC_ASSERT (offsetof (struct hvm_info_table, vcpu_online) == 32);
G_STATIC_ASSERT (HVM_MAX_VCPUS == KBOOT_XEN_HVM_MAX_VCPUS);
G_STATIC_ASSERT (HVM_INFO_PADDR == KBOOT_XEN_HVM_INFO_ADDR);
G_STATIC_ASSERT (sizeof (struct hvm_start_info) == KBOOT_XEN_START_INFO_SIZE);
G_STATIC_ASSERT (offsetof (struct hvm_start_info, memmap_paddr) == 40);
G_STATIC_ASSERT (sizeof (struct hvm_modlist_entry) == KBOOT_XEN_MODLIST_ENTRY_SIZE);
G_STATIC_ASSERT (sizeof (struct hvm_memmap_table_entry) == KBOOT_XEN_MEMMAP_ENTRY_SIZE);
G_STATIC_ASSERT (XEN_HVM_START_MAGIC_VALUE == KBOOT_XEN_START_INFO_MAGIC);
#endif

G_DEFINE_QUARK (kboot-xen-layout-error-quark, kboot_xen_layout_error)

#define XEN_HVM_INFO_SIGNATURE "HVM INFO"
/* meminit_hvm(): pfns 0xa0-0xbf (the VGA hole) are not populated. */
#define XEN_VGA_HOLE_START G_GUINT64_CONSTANT (0xa0000)
#define XEN_VGA_HOLE_END   G_GUINT64_CONSTANT (0xc0000)

/* ---- hvm_info_table ------------------------------------------------------ */

gboolean
kboot_xen_hvm_info_parse (const guint8 *buf, gsize len, KbootXenHvmInfo *out,
                          GError **error)
{
  guint32 length;
  guint8 sum = 0;

  if (len < KBOOT_XEN_HVM_INFO_SIZE
      || memcmp (buf, XEN_HVM_INFO_SIGNATURE, 8) != 0)
    {
      g_set_error (error, KBOOT_XEN_LAYOUT_ERROR, KBOOT_XEN_LAYOUT_ERROR_HVM_INFO,
                   "no hvm_info_table at 0x%" G_GINT64_MODIFIER "x (signature "
                   "\"" XEN_HVM_INFO_SIGNATURE "\" missing): Xen's domain builder "
                   "did not build this guest as HVM", KBOOT_XEN_HVM_INFO_ADDR);
      return FALSE;
    }
  length = kboot_le32 (buf + 8);
  if (length < KBOOT_XEN_HVM_INFO_SIZE || length > len)
    {
      g_set_error (error, KBOOT_XEN_LAYOUT_ERROR, KBOOT_XEN_LAYOUT_ERROR_HVM_INFO,
                   "hvm_info_table length %u is outside [%d, %" G_GSIZE_FORMAT "]",
                   length, KBOOT_XEN_HVM_INFO_SIZE, len);
      return FALSE;
    }
  for (guint32 i = 0; i < length; i++)
    sum = (guint8) (sum + buf[i]);
  if (sum != 0)
    {
      g_set_error (error, KBOOT_XEN_LAYOUT_ERROR, KBOOT_XEN_LAYOUT_ERROR_HVM_INFO,
                   "hvm_info_table checksum is wrong (its %u bytes sum to 0x%02x, "
                   "not 0)", length, sum);
      return FALSE;
    }
  out->nr_vcpus = kboot_le32 (buf + 16);
  out->low_mem_end = (guint64) kboot_le32 (buf + 20) << KBOOT_PAGE_SHIFT;
  out->reserved_mem_start = (guint64) kboot_le32 (buf + 24) << KBOOT_PAGE_SHIFT;
  out->high_mem_end = (guint64) kboot_le32 (buf + 28) << KBOOT_PAGE_SHIFT;
  memcpy (out->vcpu_online, buf + 32, sizeof out->vcpu_online);
  if (out->nr_vcpus == 0 || out->nr_vcpus > KBOOT_XEN_HVM_MAX_VCPUS)
    {
      g_set_error (error, KBOOT_XEN_LAYOUT_ERROR, KBOOT_XEN_LAYOUT_ERROR_HVM_INFO,
                   "hvm_info_table nr_vcpus %u is outside [1, %d]",
                   out->nr_vcpus, KBOOT_XEN_HVM_MAX_VCPUS);
      return FALSE;
    }
  return TRUE;
}

gboolean
kboot_xen_hvm_info_check (const KbootXenHvmInfo *info,
                          const KbootPlatform *platform, GError **error)
{
  if (info->low_mem_end != platform->lowmem_end
      || info->high_mem_end != platform->highmem_end)
    {
      g_set_error (error, KBOOT_XEN_LAYOUT_ERROR, KBOOT_XEN_LAYOUT_ERROR_MISMATCH,
                   "Xen built RAM to 0x%" G_GINT64_MODIFIER "x below 4 GiB and to "
                   "0x%" G_GINT64_MODIFIER "x above, but xen-kboot's xen-hvm map "
                   "for %" G_GUINT64_FORMAT " MiB expects 0x%" G_GINT64_MODIFIER
                   "x and 0x%" G_GINT64_MODIFIER "x: refusing to load into a "
                   "layout it did not plan for (mmio_hole or videoram set "
                   "outside the domain XML?)", info->low_mem_end,
                   info->high_mem_end, platform->ram_size / KBOOT_MIB,
                   platform->lowmem_end, platform->highmem_end);
      return FALSE;
    }
  return TRUE;
}

gboolean
kboot_xen_platform_params (const KbootXenHvmInfo *info,
                           KbootPlatformParams *params, GError **error)
{
  const guint64 four_gib = G_GUINT64_CONSTANT (1) << 32;

  memset (params, 0, sizeof *params);
  if (info->low_mem_end == 0 || info->low_mem_end > four_gib
      || (info->high_mem_end && info->high_mem_end <= four_gib))
    {
      g_set_error (error, KBOOT_XEN_LAYOUT_ERROR, KBOOT_XEN_LAYOUT_ERROR_HVM_INFO,
                   "hvm_info_table: RAM to 0x%" G_GINT64_MODIFIER "x below 4 GiB "
                   "and to 0x%" G_GINT64_MODIFIER "x above is not a layout Xen "
                   "builds", info->low_mem_end, info->high_mem_end);
      return FALSE;
    }
  params->ram_size = info->low_mem_end;
  if (info->high_mem_end)
    {
      params->ram_size += info->high_mem_end - four_gib;
      params->mmio_hole = four_gib - info->low_mem_end;
    }
  return TRUE;
}

/* ---- hvm_start_info ------------------------------------------------------ */

gboolean
kboot_xen_start_info_parse (const guint8 *buf, gsize len, guint64 addr,
                            KbootXenStartInfo *out, GError **error)
{
  guint32 magic;

  if (len < KBOOT_XEN_START_INFO_SIZE)
    {
      g_set_error (error, KBOOT_XEN_LAYOUT_ERROR, KBOOT_XEN_LAYOUT_ERROR_START_INFO,
                   "hvm_start_info at 0x%" G_GINT64_MODIFIER "x: %" G_GSIZE_FORMAT
                   " bytes, %d needed", addr, len, KBOOT_XEN_START_INFO_SIZE);
      return FALSE;
    }
  magic = kboot_le32 (buf);
  if (magic != KBOOT_XEN_START_INFO_MAGIC)
    {
      g_set_error (error, KBOOT_XEN_LAYOUT_ERROR, KBOOT_XEN_LAYOUT_ERROR_START_INFO,
                   "no hvm_start_info at 0x%" G_GINT64_MODIFIER "x (the address "
                   "in the vCPU's EBX): magic 0x%08x, expected 0x%08x", addr,
                   magic, KBOOT_XEN_START_INFO_MAGIC);
      return FALSE;
    }
  memset (out, 0, sizeof *out);
  out->addr = addr;
  out->version = kboot_le32 (buf + 4);
  out->nr_modules = kboot_le32 (buf + 12);
  out->modlist_paddr = kboot_le64 (buf + 16);
  out->cmdline_paddr = kboot_le64 (buf + 24);
  if (out->version >= 1)
    {
      out->memmap_paddr = kboot_le64 (buf + 40);
      out->memmap_entries = kboot_le32 (buf + 48);
    }
  if (out->nr_modules > KBOOT_XEN_MODULES_MAX
      || out->memmap_entries > KBOOT_XEN_MEMMAP_MAX)
    {
      g_set_error (error, KBOOT_XEN_LAYOUT_ERROR, KBOOT_XEN_LAYOUT_ERROR_START_INFO,
                   "hvm_start_info at 0x%" G_GINT64_MODIFIER "x lists %u modules "
                   "and %u memory map entries; at most %d and %d are expected",
                   addr, out->nr_modules, out->memmap_entries,
                   KBOOT_XEN_MODULES_MAX, KBOOT_XEN_MEMMAP_MAX);
      return FALSE;
    }
  return TRUE;
}

gboolean
kboot_xen_modlist_parse (const guint8 *buf, gsize len, guint n, GArray *modules,
                         GError **error)
{
  g_return_val_if_fail (len >= (gsize) n * KBOOT_XEN_MODLIST_ENTRY_SIZE, FALSE);

  for (guint i = 0; i < n; i++)
    {
      const guint8 *e = buf + (gsize) i * KBOOT_XEN_MODLIST_ENTRY_SIZE;
      KbootXenModule m = { kboot_le64 (e), kboot_le64 (e + 8) };
      guint64 end;

      if (m.size == 0 || !g_uint64_checked_add (&end, m.paddr, m.size))
        {
          g_set_error (error, KBOOT_XEN_LAYOUT_ERROR, KBOOT_XEN_LAYOUT_ERROR_START_INFO,
                       "hvm_start_info module %u at 0x%" G_GINT64_MODIFIER "x has "
                       "an impossible size 0x%" G_GINT64_MODIFIER "x", i, m.paddr,
                       m.size);
          return FALSE;
        }
      g_array_append_val (modules, m);
    }
  return TRUE;
}

gboolean
kboot_xen_memmap_parse (const guint8 *buf, gsize len, guint n, GArray *entries,
                        GError **error)
{
  g_return_val_if_fail (len >= (gsize) n * KBOOT_XEN_MEMMAP_ENTRY_SIZE, FALSE);

  for (guint i = 0; i < n; i++)
    {
      const guint8 *e = buf + (gsize) i * KBOOT_XEN_MEMMAP_ENTRY_SIZE;
      KbootXenMemmapEntry m = { kboot_le64 (e), kboot_le64 (e + 8),
                                kboot_le32 (e + 16) };
      guint64 end;

      if (!g_uint64_checked_add (&end, m.addr, m.size))
        {
          g_set_error (error, KBOOT_XEN_LAYOUT_ERROR, KBOOT_XEN_LAYOUT_ERROR_START_INFO,
                       "memory map entry %u [0x%" G_GINT64_MODIFIER "x, +0x%"
                       G_GINT64_MODIFIER "x) wraps around", i, m.addr, m.size);
          return FALSE;
        }
      g_array_append_val (entries, m);
    }
  return TRUE;
}

gboolean
kboot_xen_memmap_check (const GArray *entries, const KbootPlatform *platform,
                        GError **error)
{
  for (guint i = 0; i < entries->len; i++)
    {
      const KbootXenMemmapEntry *m = &g_array_index (entries, KbootXenMemmapEntry, i);

      if (m->type == KBOOT_E820_RAM && m->size
          && !kboot_platform_covers (platform, KBOOT_MEM_RAM, m->addr,
                                     m->addr + m->size))
        {
          g_set_error (error, KBOOT_XEN_LAYOUT_ERROR, KBOOT_XEN_LAYOUT_ERROR_MISMATCH,
                       "Xen's memory map lists RAM [0x%" G_GINT64_MODIFIER "x, 0x%"
                       G_GINT64_MODIFIER "x) that xen-kboot's xen-hvm map does not "
                       "have as RAM", m->addr, m->addr + m->size);
          return FALSE;
        }
    }
  return TRUE;
}

/* ---- reserved ranges ----------------------------------------------------- */

/* [start, end) widened to whole pages.  An end in the last page of the
 * address space (RAM on no platform, so the planner refuses the range)
 * saturates at 2^64 - 1 rather than wrapping to 0. */
static void
add_range (GArray *out, guint64 start, guint64 end, const char *what)
{
  KbootReservedRange r = { kboot_align_down (start, KBOOT_PAGE_SIZE), 0, what };

  if (!kboot_align_up (end, KBOOT_PAGE_SIZE, &r.end))
    r.end = G_MAXUINT64;
  g_array_append_val (out, r);
}

GArray *
kboot_xen_reserved_ranges (const KbootFirmwareElf *firmware,
                           const char *firmware_what,
                           const KbootXenStartInfo *start_info,
                           const GArray *modules)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (KbootReservedRange));
  guint64 si_end = start_info->addr + KBOOT_XEN_START_INFO_SIZE;

  add_range (out, firmware->start, firmware->end, firmware_what);
  for (guint i = 0; i < modules->len; i++)
    {
      const KbootXenModule *m = &g_array_index (modules, KbootXenModule, i);
      add_range (out, m->paddr, m->paddr + m->size, "firmware module (Xen loaded it)");
    }
  /* The module list and memory map live in the start_info segment, whose
   * size alloc_magic_pages_hvm() computes; take whichever ends last. */
  si_end = MAX (si_end, start_info->addr
                        + kboot_platform_xen_start_info_size (start_info->memmap_entries));
  if (start_info->nr_modules)
    si_end = MAX (si_end, start_info->modlist_paddr
                          + (guint64) start_info->nr_modules * KBOOT_XEN_MODLIST_ENTRY_SIZE);
  if (start_info->memmap_entries)
    si_end = MAX (si_end, start_info->memmap_paddr
                          + (guint64) start_info->memmap_entries * KBOOT_XEN_MEMMAP_ENTRY_SIZE);
  add_range (out, start_info->addr, si_end, "hvm_start_info (Xen wrote it)");
  return out;
}

gboolean
kboot_xen_reserved_check_disjoint (const GArray *ranges, GError **error)
{
  for (guint i = 0; i < ranges->len; i++)
    for (guint j = i + 1; j < ranges->len; j++)
      {
        const KbootReservedRange *a = &g_array_index (ranges, KbootReservedRange, i);
        const KbootReservedRange *b = &g_array_index (ranges, KbootReservedRange, j);

        if (a->start < b->end && b->start < a->end)
          {
            g_set_error (error, KBOOT_XEN_LAYOUT_ERROR, KBOOT_XEN_LAYOUT_ERROR_MISMATCH,
                         "%s at 0x%" G_GINT64_MODIFIER "x-0x%" G_GINT64_MODIFIER
                         "x overlaps %s at 0x%" G_GINT64_MODIFIER "x-0x%"
                         G_GINT64_MODIFIER "x", a->what, a->start, a->end,
                         b->what, b->start, b->end);
            return FALSE;
          }
      }
  return TRUE;
}

gboolean
kboot_xen_model_reserved (const KbootFirmwareElf *firmware,
                          guint64 bios_module_size, const KbootPlatform *platform,
                          KbootReservedRange *out, GError **error)
{
  KbootXenFirmwareLoad load = { 0 };
  guint64 start, end;

  load.firmware_start = firmware->start;
  load.firmware_end = firmware->end;
  load.module_sizes = &bios_module_size;
  load.n_modules = bios_module_size ? 1 : 0;
  load.n_memmap = platform->highmem_end ? 2 : 1;
  if (!kboot_platform_xen_firmware_range (&load, &start, &end, error))
    return FALSE;
  out->start = start;
  out->end = end;
  out->what = "firmware, SeaBIOS module and start_info (as Xen will load them)";
  return TRUE;
}

GArray *
kboot_xen_populated_blocks (const KbootPlatform *platform)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (KbootGuestRamBlock));
  KbootGuestRamBlock low = { 0, XEN_VGA_HOLE_START, 0 };
  KbootGuestRamBlock mid = { XEN_VGA_HOLE_END, platform->lowmem_end - XEN_VGA_HOLE_END,
                             XEN_VGA_HOLE_END };

  g_array_append_val (out, low);
  g_array_append_val (out, mid);
  if (platform->highmem_end)
    {
      KbootGuestRamBlock high = { KBOOT_FOUR_GIB,
                                  platform->highmem_end - KBOOT_FOUR_GIB,
                                  platform->lowmem_end };
      g_array_append_val (out, high);
    }
  return out;
}
