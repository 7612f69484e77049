/* The memory layout planner (see kboot_layout.h for the rules).
 *
 * The planner keeps one list, the plan's regions, and every placement asks
 * the same question of it: which spans of RAM are still free?  Fixed
 * things go in first (what the platform's firmware occupies, the caller's
 * reserved ranges, the handoff page), then the kernel (lowest legal
 * address), boot_params and the command line (lowest free low pages), and
 * the initrd last (highest legal address).  The finished plan is then
 * verified by kboot_plan_check(), which knows nothing of how it was made.
 *
 * Every address and size that comes from the image or the request goes
 * through checked arithmetic. */
#include "config.h"

#include "kboot_layout.h"

G_DEFINE_QUARK (kboot-layout-error-quark, kboot_layout_error)

/* The initrd stays out of the first MiB (real-mode area, firmware). */
#define KBOOT_INITRD_MIN KBOOT_MIB

static const char *const kboot_region_kind_names[] = {
  [KBOOT_REGION_RESERVED] = "reserved",
  [KBOOT_REGION_FIRMWARE] = "firmware",
  [KBOOT_REGION_HANDOFF] = "handoff",
  [KBOOT_REGION_BOOT_PARAMS] = "boot_params",
  [KBOOT_REGION_CMDLINE] = "cmdline",
  [KBOOT_REGION_ACPI] = "acpi",
  [KBOOT_REGION_PAGE_TABLES] = "page_tables",
  [KBOOT_REGION_KERNEL] = "kernel",
  [KBOOT_REGION_INITRD] = "initrd",
};
G_STATIC_ASSERT (G_N_ELEMENTS (kboot_region_kind_names) == KBOOT_REGION_LAST);

const char *
kboot_region_kind_to_string (KbootRegionKind kind)
{
  return kind < KBOOT_REGION_LAST ? kboot_region_kind_names[kind] : "unknown";
}

const char *
kboot_e820_type_to_string (guint32 type)
{
  switch (type)
    {
    case KBOOT_E820_RAM: return "RAM";
    case KBOOT_E820_RESERVED: return "reserved";
    case KBOOT_E820_ACPI: return "ACPI";
    case KBOOT_E820_NVS: return "ACPI NVS";
    case KBOOT_E820_UNUSABLE: return "unusable";
    default: return "unknown";
    }
}

char *
kboot_region_describe (const KbootRegion *r)
{
  g_autofree char *size = kboot_format_size_style (r->end - r->start,
                                                   KBOOT_SIZE_MIB_DECIMAL);
  g_autofree char *at = kboot_format_size_style (r->start, KBOOT_SIZE_MIB_DECIMAL);

  return g_strdup_printf ("%s [0x%" G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER
                          "x) (%s at %s)", r->what ? r->what
                          : kboot_region_kind_to_string (r->kind),
                          r->start, r->end, size, at);
}

/* ---- plans -------------------------------------------------------------- */

static void
kboot_region_clear (gpointer data)
{
  KbootRegion *r = data;

  g_clear_pointer (&r->what, g_free);
}

KbootPlan *
kboot_plan_new (const KbootPlatform *platform, GError **error)
{
  g_autoptr(KbootPlan) plan = g_new0 (KbootPlan, 1);

  plan->platform = platform->kind;
  plan->ram_size = platform->ram_size;
  plan->regions = g_array_new (FALSE, FALSE, sizeof (KbootRegion));
  g_array_set_clear_func (plan->regions, kboot_region_clear);
  plan->e820 = kboot_platform_e820 (platform, error);
  if (!plan->e820)
    return NULL;
  plan->handoff_addr = KBOOT_HANDOFF_ADDR;
  plan->kernel_alignment = KBOOT_PAGE_SIZE;
  plan->initrd_limit = KBOOT_FOUR_GIB;
  return g_steal_pointer (&plan);
}

void
kboot_plan_free (KbootPlan *plan)
{
  if (!plan)
    return;
  if (plan->regions)
    g_array_unref (plan->regions);
  if (plan->e820)
    g_array_unref (plan->e820);
  g_free (plan);
}

void
kboot_plan_add_region (KbootPlan *plan, KbootRegionKind kind, guint64 start,
                       guint64 end, const char *what)
{
  KbootRegion r = { kind, start, end, g_strdup (what) };

  g_array_append_val (plan->regions, r);
}

const KbootRegion *
kboot_plan_find_region (const KbootPlan *plan, KbootRegionKind kind)
{
  for (guint i = 0; i < plan->regions->len; i++)
    {
      const KbootRegion *r = &g_array_index (plan->regions, KbootRegion, i);
      if (r->kind == kind)
        return r;
    }
  return NULL;
}

const KbootE820Entry *
kboot_plan_get_e820 (const KbootPlan *plan, guint *n)
{
  *n = plan->e820->len;
  return (const KbootE820Entry *) (gpointer) plan->e820->data;
}

static gint
kboot_region_compare (gconstpointer a, gconstpointer b)
{
  const KbootRegion *x = a, *y = b;

  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->end != y->end)
    return x->end < y->end ? -1 : 1;
  return (gint) x->kind - (gint) y->kind;
}

/* ---- free RAM ----------------------------------------------------------- */

typedef struct {
  guint64 start;
  guint64 end;
} KbootSpan;

/* The platform's RAM, adjacent ranges merged, minus every region so far. */
static GArray *
kboot_layout_free_spans (const KbootPlan *plan, const KbootPlatform *platform)
{
  GArray *spans = g_array_new (FALSE, FALSE, sizeof (KbootSpan));

  for (guint i = 0; i < platform->ranges->len; i++)
    {
      const KbootMemRange *m = &g_array_index (platform->ranges, KbootMemRange, i);
      KbootSpan s = { m->start, m->end };
      KbootSpan *last = spans->len ? &g_array_index (spans, KbootSpan, spans->len - 1) : NULL;

      if (m->type != KBOOT_MEM_RAM)
        continue;
      if (last && last->end == s.start)
        last->end = s.end;
      else
        g_array_append_val (spans, s);
    }

  for (guint i = 0; i < plan->regions->len; i++)
    {
      const KbootRegion *r = &g_array_index (plan->regions, KbootRegion, i);
      GArray *cut = g_array_new (FALSE, FALSE, sizeof (KbootSpan));

      for (guint j = 0; j < spans->len; j++)
        {
          KbootSpan s = g_array_index (spans, KbootSpan, j);
          KbootSpan below = { s.start, MIN (s.end, r->start) };
          KbootSpan above = { MAX (s.start, r->end), s.end };

          if (r->end <= s.start || r->start >= s.end)
            {
              g_array_append_val (cut, s);
              continue;
            }
          if (below.start < below.end)
            g_array_append_val (cut, below);
          if (above.start < above.end)
            g_array_append_val (cut, above);
        }
      g_array_unref (spans);
      spans = cut;
    }
  return spans;
}

typedef enum {
  KBOOT_FIT_LOWEST,      /* boot_params, the command line */
  KBOOT_FIT_HIGHEST,     /* the initrd */
} KbootFit;

/* The lowest or highest @align-aligned address >= @min where @size bytes
 * fit in free RAM ending at or below @limit: the free spans are searched
 * from the bottom or from the top, and the first that fits wins. */
static gboolean
kboot_layout_fit (const KbootPlan *plan, const KbootPlatform *platform,
                  KbootFit fit, guint64 min, guint64 limit, guint64 size,
                  guint64 align, guint64 *addr)
{
  g_autoptr(GArray) spans = kboot_layout_free_spans (plan, platform);

  for (guint n = 0; n < spans->len; n++)
    {
      guint i = fit == KBOOT_FIT_LOWEST ? n : spans->len - 1 - n;
      const KbootSpan *s = &g_array_index (spans, KbootSpan, i);
      guint64 lo = MAX (s->start, min), hi = MIN (s->end, limit), at;

      if (hi <= lo || hi - lo < size)
        continue;
      if (fit == KBOOT_FIT_HIGHEST)
        at = kboot_align_down (hi - size, align);
      else if (!kboot_align_up (lo, align, &at))
        continue;
      if (at >= lo && at <= hi - size)
        {
          *addr = at;
          return TRUE;
        }
    }
  return FALSE;
}

/* ---- the steps ---------------------------------------------------------- */

gboolean
kboot_layout_check_cmdline (const KbootImage *image, guint64 cmdline_len,
                            GError **error)
{
  if (kboot_image_cmdline_fits (image, cmdline_len))
    return TRUE;
  g_set_error (error, KBOOT_LAYOUT_ERROR, KBOOT_LAYOUT_ERROR_CMDLINE,
               "command line of %" G_GUINT64_FORMAT " bytes is longer than "
               "the kernel's cmdline_size of %u bytes (the limit without "
               "its terminating NUL)", cmdline_len, image->hdr.cmdline_size);
  return FALSE;
}

static gboolean
kboot_layout_check_request (const KbootLayoutRequest *req, GError **error)
{
  const KbootImage *image = req->image;

  if (!image || !req->platform || (req->n_reserved && !req->reserved))
    {
      g_set_error (error, KBOOT_LAYOUT_ERROR, KBOOT_LAYOUT_ERROR_INVALID,
                   "a layout request needs a kernel image and a platform map");
      return FALSE;
    }
  if (!image->relocatable)
    {
      g_set_error (error, KBOOT_LAYOUT_ERROR, KBOOT_LAYOUT_ERROR_KERNEL,
                   "the kernel is not relocatable: it cannot be placed at "
                   "0x%x, above the firmware", KBOOT_KERNEL_BASE);
      return FALSE;
    }
  if (!kboot_is_power_of_two (image->alignment)
      || image->alignment > KBOOT_FOUR_GIB / 2)
    {
      g_set_error (error, KBOOT_LAYOUT_ERROR, KBOOT_LAYOUT_ERROR_KERNEL,
                   "the kernel's load alignment 0x%" G_GINT64_MODIFIER "x is "
                   "not a power of two up to 2 GiB", image->alignment);
      return FALSE;
    }
  return kboot_layout_check_cmdline (image, req->cmdline_len, error);
}

static void
kboot_layout_record_rules (KbootPlan *plan, const KbootImage *image)
{
  plan->kernel_alignment = image->alignment;
  plan->initrd_limit = (guint64) image->hdr.initrd_addr_max + 1;
  plan->initrd_above_4g =
    (image->hdr.xloadflags & KBOOT_XLF_CAN_BE_LOADED_ABOVE_4G) != 0;
}

/* What is in memory before we load: the platform's firmware, the caller's
 * reserved ranges, and the handoff page the firmware reads. */
static gboolean
kboot_layout_place_fixed (KbootPlan *plan, const KbootLayoutRequest *req,
                          GError **error)
{
  const KbootPlatform *platform = req->platform;

  if (platform->kind == KBOOT_PLATFORM_QEMU_PC)
    {
      guint64 high, isa;

      kboot_platform_qemu_bios_ranges (platform, &high, &isa);
      /* Our BIOS runs where QEMU maps the image below 4 GiB, and keeps its
       * stack in page 0, under the handoff page (xen-kboot-fw-bios.lds.S). */
      kboot_plan_add_region (plan, KBOOT_REGION_FIRMWARE, high, KBOOT_FOUR_GIB,
                             "BIOS (runs here)");
      kboot_plan_add_region (plan, KBOOT_REGION_FIRMWARE, isa, KBOOT_MIB,
                             "BIOS, isa-bios alias");
      kboot_plan_add_region (plan, KBOOT_REGION_RESERVED, 0, KBOOT_HANDOFF_ADDR,
                             "BIOS stack (page 0)");
    }

  for (guint i = 0; i < req->n_reserved; i++)
    {
      const KbootReservedRange *r = &req->reserved[i];
      const char *what = r->what ? r->what : "reserved";

      if (!kboot_platform_covers (platform, KBOOT_MEM_RAM, r->start, r->end))
        {
          g_set_error (error, KBOOT_LAYOUT_ERROR, KBOOT_LAYOUT_ERROR_RESERVED,
                       "%s [0x%" G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER
                       "x) is not inside the guest's RAM", what, r->start, r->end);
          return FALSE;
        }
      kboot_plan_add_region (plan, KBOOT_REGION_RESERVED, r->start, r->end, what);
    }

  kboot_plan_add_region (plan, KBOOT_REGION_HANDOFF, KBOOT_HANDOFF_ADDR,
                         KBOOT_HANDOFF_ADDR + KBOOT_PAGE_SIZE, "handoff block");
  plan->handoff_addr = KBOOT_HANDOFF_ADDR;
  return TRUE;
}

static gboolean
kboot_layout_place_kernel (KbootPlan *plan, const KbootLayoutRequest *req,
                           GError **error)
{
  const KbootImage *image = req->image;
  g_autoptr(GArray) spans = kboot_layout_free_spans (plan, req->platform);
  g_autoptr(GError) local = NULL;
  g_autofree char *what = NULL;
  g_autofree char *need = NULL;
  g_autofree char *low = NULL;
  gboolean tried = FALSE;
  guint64 first_load = 0, first_end = 0;

  for (guint i = 0; i < spans->len; i++)
    {
      const KbootSpan *s = &g_array_index (spans, KbootSpan, i);
      guint64 span_end = MIN (s->end, KBOOT_FOUR_GIB), load, decompress, end;

      if (span_end <= KBOOT_KERNEL_BASE || s->start >= span_end)
        continue;
      if (!kboot_align_up (MAX (s->start, (guint64) KBOOT_KERNEL_BASE),
                           image->alignment, &load))
        break;
      if (load >= span_end)
        continue;
      if (!kboot_image_footprint (image, load, &decompress, &end, &local))
        {
          g_set_error_literal (error, KBOOT_LAYOUT_ERROR, KBOOT_LAYOUT_ERROR_OVERFLOW,
                               local->message);
          return FALSE;
        }
      if (!tried)
        {
          tried = TRUE;
          first_load = load;
          first_end = end;
        }
      if (end > span_end)
        continue;

      plan->kernel_addr = load;
      plan->kernel_end = end;
      plan->kernel_decompress = decompress;
      what = g_strdup_printf ("kernel (0x%" G_GINT64_MODIFIER "x bytes, runs "
                              "from 0x%" G_GINT64_MODIFIER "x)", image->pm_size,
                              decompress);
      kboot_plan_add_region (plan, KBOOT_REGION_KERNEL, load, end, what);
      return TRUE;
    }

  low = kboot_format_size_style (req->platform->lowmem_end, KBOOT_SIZE_MIB_DECIMAL);
  if (!tried)
    {
      g_set_error (error, KBOOT_LAYOUT_ERROR, KBOOT_LAYOUT_ERROR_KERNEL_FIT,
                   "no free RAM at or above 0x%x for the kernel: the guest's "
                   "low RAM ends at 0x%" G_GINT64_MODIFIER "x (%s)",
                   KBOOT_KERNEL_BASE, req->platform->lowmem_end, low);
      return FALSE;
    }
  need = kboot_format_size_style (first_end - first_load, KBOOT_SIZE_MIB_DECIMAL);
  g_set_error (error, KBOOT_LAYOUT_ERROR, KBOOT_LAYOUT_ERROR_KERNEL_FIT,
               "kernel needs [0x%" G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER
               "x) (%s: 0x%" G_GINT64_MODIFIER "x bytes, init_size 0x%x, "
               "pref_address 0x%" G_GINT64_MODIFIER "x, alignment 0x%"
               G_GINT64_MODIFIER "x) but the guest's free low RAM ends at 0x%"
               G_GINT64_MODIFIER "x (%s)", first_load, first_end, need,
               image->pm_size, image->hdr.init_size, image->hdr.pref_address,
               image->alignment, req->platform->lowmem_end, low);
  return FALSE;
}

/* The lowest free page-aligned @size bytes of low memory for boot data,
 * above the handoff page and below KBOOT_LOW_DATA_END; else @what (its
 * subject, "command line of N bytes") is said not to fit. */
static gboolean
kboot_layout_fit_low (KbootPlan *plan, const KbootLayoutRequest *req,
                      guint64 size, guint64 *addr, const char *what,
                      GError **error)
{
  if (kboot_layout_fit (plan, req->platform, KBOOT_FIT_LOWEST,
                        KBOOT_LOW_DATA_START, KBOOT_LOW_DATA_END, size,
                        KBOOT_PAGE_SIZE, addr))
    return TRUE;
  g_set_error (error, KBOOT_LAYOUT_ERROR, KBOOT_LAYOUT_ERROR_LOW_FIT,
               "%s: no room in free low memory [0x%" G_GINT64_MODIFIER "x, 0x%"
               G_GINT64_MODIFIER "x)", what, KBOOT_LOW_DATA_START,
               KBOOT_LOW_DATA_END);
  return FALSE;
}

/* boot_params and the command line: the lowest free pages above the
 * handoff page and below KBOOT_LOW_DATA_END. */
static gboolean
kboot_layout_place_low (KbootPlan *plan, const KbootLayoutRequest *req,
                        GError **error)
{
  g_autofree char *what = NULL;
  guint64 size;

  if (!kboot_layout_fit_low (plan, req, KBOOT_BP_SIZE, &plan->boot_params_addr,
                             "boot_params (one page)", error))
    return FALSE;
  kboot_plan_add_region (plan, KBOOT_REGION_BOOT_PARAMS, plan->boot_params_addr,
                         plan->boot_params_addr + KBOOT_BP_SIZE,
                         "boot_params (zero page)");

  what = g_strdup_printf ("command line of %" G_GUINT64_FORMAT " bytes",
                          req->cmdline_len);
  if (!g_uint64_checked_add (&size, req->cmdline_len, 1))
    size = G_MAXUINT64;           /* fits nowhere: said just below */
  if (!kboot_layout_fit_low (plan, req, size, &plan->cmdline_addr, what, error))
    return FALSE;
  g_clear_pointer (&what, g_free);
  plan->cmdline_size = size;
  what = g_strdup_printf ("command line (%" G_GUINT64_FORMAT " bytes + NUL)",
                          req->cmdline_len);
  kboot_plan_add_region (plan, KBOOT_REGION_CMDLINE, plan->cmdline_addr,
                         plan->cmdline_addr + size, what);
  return TRUE;
}

/* The e820 entries of @e820 (sorted, non-overlapping) with [start, end),
 * which lies inside one of them, made @type: that entry split in up to
 * three. */
static void
kboot_e820_mark (GArray *e820, guint64 start, guint64 end, guint32 type)
{
  for (guint i = 0; i < e820->len; i++)
    {
      KbootE820Entry e = g_array_index (e820, KbootE820Entry, i);
      KbootE820Entry mid = { start, end - start, type };
      KbootE820Entry above = { end, e.addr + e.size - end, e.type };

      if (start < e.addr || end > e.addr + e.size)
        continue;
      g_array_remove_index (e820, i);
      if (above.size)
        g_array_insert_val (e820, i, above);
      g_array_insert_val (e820, i, mid);
      if (start > e.addr)
        {
          KbootE820Entry below = { e.addr, start - e.addr, e.type };
          g_array_insert_val (e820, i, below);
        }
      return;
    }
}

/* The ACPI tables: whole pages, the lowest free above boot_params and the
 * command line, and ACPI in the e820 map. */
static gboolean
kboot_layout_place_acpi (KbootPlan *plan, const KbootLayoutRequest *req,
                         GError **error)
{
  g_autofree char *what = NULL;
  guint64 size;

  plan->acpi_addr = plan->acpi_size = 0;
  if (req->acpi_size == 0)
    return TRUE;
  what = g_strdup_printf ("ACPI tables of %" G_GUINT64_FORMAT " bytes",
                          req->acpi_size);
  if (!kboot_align_up (req->acpi_size, KBOOT_PAGE_SIZE, &size))
    size = G_MAXUINT64;           /* fits nowhere: said just below */
  if (!kboot_layout_fit_low (plan, req, size, &plan->acpi_addr, what, error))
    return FALSE;
  g_clear_pointer (&what, g_free);
  plan->acpi_size = size;
  what = g_strdup_printf ("ACPI tables (%" G_GUINT64_FORMAT " bytes)", req->acpi_size);
  kboot_plan_add_region (plan, KBOOT_REGION_ACPI, plan->acpi_addr,
                         plan->acpi_addr + size, what);
  kboot_e820_mark (plan->e820, plan->acpi_addr, plan->acpi_addr + size,
                   KBOOT_E820_ACPI);
  return TRUE;
}

/* The fast path's 64-bit entry: its identity map's pages, the lowest free
 * after the ACPI tables. */
static gboolean
kboot_layout_place_page_tables (KbootPlan *plan, const KbootLayoutRequest *req,
                                GError **error)
{
  plan->page_tables_addr = 0;
  if (!req->page_tables)
    return TRUE;
  if (!kboot_layout_fit_low (plan, req, KBOOT_PAGE_TABLES_SIZE,
                             &plan->page_tables_addr,
                             "the 64-bit entry's page tables (6 pages)", error))
    return FALSE;
  kboot_plan_add_region (plan, KBOOT_REGION_PAGE_TABLES, plan->page_tables_addr,
                         plan->page_tables_addr + KBOOT_PAGE_TABLES_SIZE,
                         "page tables (identity map of 4 GiB)");
  return TRUE;
}

static void
kboot_layout_initrd_error (const KbootPlan *plan, const KbootPlatform *platform,
                           guint64 size, gboolean fits_high, GError **error)
{
  g_autofree char *mib = kboot_format_size_style (size, KBOOT_SIZE_MIB_DECIMAL);
  g_autofree char *ram = kboot_format_size_style (platform->ram_size, KBOOT_SIZE_MIB);
  const char *why = "";

  if (platform->highmem_end != 0 && plan->initrd_above_4g)
    why = " nor in its RAM above 4 GiB";
  else if (fits_high)
    why = " (it would fit above 4 GiB, but the kernel does not set "
          "XLF_CAN_BE_LOADED_ABOVE_4G)";
  g_set_error (error, KBOOT_LAYOUT_ERROR, KBOOT_LAYOUT_ERROR_INITRD_FIT,
               "initrd of %s (0x%" G_GINT64_MODIFIER "x) does not fit below "
               "initrd_addr_max 0x%" G_GINT64_MODIFIER "x and the guest's %s "
               "of RAM%s", mib, size, plan->initrd_limit - 1, ram, why);
}

/* The initrd, as GRUB and QEMU's own loader place it: as high as possible
 * below initrd_addr_max + 1 (and below 4 GiB, and low RAM's end).  Only
 * when it fits nowhere there, and the kernel sets
 * XLF_CAN_BE_LOADED_ABOVE_4G, it goes as high as possible in RAM above
 * 4 GiB (boot_params' ext_ramdisk_image then holds the upper half). */
static gboolean
kboot_layout_place_initrd (KbootPlan *plan, const KbootLayoutRequest *req,
                           GError **error)
{
  const KbootPlatform *platform = req->platform;
  const guint64 size = req->initrd_size;
  guint64 limit = MIN (plan->initrd_limit, KBOOT_FOUR_GIB), high = 0;
  g_autofree char *what = NULL;
  gboolean fits_high;

  plan->initrd_addr = 0;
  plan->initrd_size = size;
  if (size == 0)
    return TRUE;

  fits_high = platform->highmem_end != 0
              && kboot_layout_fit (plan, platform, KBOOT_FIT_HIGHEST,
                                   KBOOT_FOUR_GIB, G_MAXUINT64, size,
                                   KBOOT_PAGE_SIZE, &high);
  if (!kboot_layout_fit (plan, platform, KBOOT_FIT_HIGHEST, KBOOT_INITRD_MIN,
                         limit, size, KBOOT_PAGE_SIZE, &plan->initrd_addr))
    {
      if (!plan->initrd_above_4g || !fits_high)
        {
          kboot_layout_initrd_error (plan, platform, size, fits_high, error);
          return FALSE;
        }
      plan->initrd_addr = high;
    }
  what = g_strdup_printf ("initrd (0x%" G_GINT64_MODIFIER "x bytes)", size);
  kboot_plan_add_region (plan, KBOOT_REGION_INITRD, plan->initrd_addr,
                         plan->initrd_addr + size, what);
  return TRUE;
}

gboolean
kboot_layout_plan (const KbootLayoutRequest *req, KbootPlan **out, GError **error)
{
  g_autoptr(KbootPlan) plan = NULL;

  if (!kboot_layout_check_request (req, error))
    return FALSE;
  plan = kboot_plan_new (req->platform, error);
  if (!plan)
    return FALSE;
  kboot_layout_record_rules (plan, req->image);
  if (!kboot_layout_place_fixed (plan, req, error))
    return FALSE;
  if (!kboot_layout_place_kernel (plan, req, error))
    return FALSE;
  if (!kboot_layout_place_low (plan, req, error))
    return FALSE;
  if (!kboot_layout_place_acpi (plan, req, error))
    return FALSE;
  if (!kboot_layout_place_page_tables (plan, req, error))
    return FALSE;
  if (!kboot_layout_place_initrd (plan, req, error))
    return FALSE;
  g_array_sort (plan->regions, kboot_region_compare);
  if (!kboot_plan_check (plan, req->platform, error))
    return FALSE;
  *out = g_steal_pointer (&plan);
  return TRUE;
}
