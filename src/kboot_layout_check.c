/* The plan checker (kboot_plan_check(), see kboot_layout.h): verifies a
 * finished plan against a platform map without knowing how it was made.
 * The planner runs it on every plan it returns; tests give it bad plans. */
#include "config.h"

#include "kboot_layout.h"

static gboolean
kboot_plan_fail (GError **error, KbootLayoutError code, const KbootRegion *r,
                 const char *fmt, ...) G_GNUC_PRINTF (4, 5);

/* Set @error to "<region>: <message>", or just the message without one. */
static gboolean
kboot_plan_fail (GError **error, KbootLayoutError code, const KbootRegion *r,
                 const char *fmt, ...)
{
  g_autofree char *msg = NULL;
  g_autofree char *where = r ? kboot_region_describe (r) : NULL;
  va_list args;

  va_start (args, fmt);
  msg = g_strdup_vprintf (fmt, args);
  va_end (args);
  if (where)
    g_set_error (error, KBOOT_LAYOUT_ERROR, code, "%s %s", where, msg);
  else
    g_set_error_literal (error, KBOOT_LAYOUT_ERROR, code, msg);
  return FALSE;
}

/* Every region non-empty and inside memory of its kind: the firmware in
 * the platform's firmware ranges (QEMU's ROM), everything else in RAM. */
static gboolean
kboot_plan_check_inside (const KbootPlan *plan, const KbootPlatform *platform,
                         GError **error)
{
  for (guint i = 0; i < plan->regions->len; i++)
    {
      const KbootRegion *r = &g_array_index (plan->regions, KbootRegion, i);
      KbootMemType need = r->kind == KBOOT_REGION_FIRMWARE ? KBOOT_MEM_FIRMWARE
                                                           : KBOOT_MEM_RAM;
      const KbootMemRange *m;
      guint64 at = r->start;

      if (r->kind >= KBOOT_REGION_LAST)
        return kboot_plan_fail (error, KBOOT_LAYOUT_ERROR_RULE, NULL,
                                "region %u has an unknown kind %d", i, (int) r->kind);
      if (r->start >= r->end)
        return kboot_plan_fail (error, KBOOT_LAYOUT_ERROR_RULE, NULL,
                                "%s [0x%" G_GINT64_MODIFIER "x, 0x%"
                                G_GINT64_MODIFIER "x) is empty or reversed",
                                r->what ? r->what : kboot_region_kind_to_string (r->kind),
                                r->start, r->end);
      if (kboot_platform_covers (platform, need, r->start, r->end))
        continue;
      /* Say what is there instead, at the first address that is wrong. */
      while ((m = kboot_platform_find (platform, at)) && m->type == need)
        at = m->end;
      if (!m)
        return kboot_plan_fail (error, KBOOT_LAYOUT_ERROR_OUTSIDE, r,
                                "is not inside the guest's %s: 0x%"
                                G_GINT64_MODIFIER "x is outside its memory map",
                                kboot_mem_type_to_string (need), at);
      return kboot_plan_fail (error, KBOOT_LAYOUT_ERROR_OUTSIDE, r,
                              "is not inside the guest's %s: 0x%" G_GINT64_MODIFIER
                              "x is %s (%s)", kboot_mem_type_to_string (need), at,
                              kboot_mem_type_to_string (m->type), m->what);
    }
  return TRUE;
}

static gint
kboot_region_ptr_compare (gconstpointer a, gconstpointer b)
{
  const KbootRegion *x = *(const KbootRegion *const *) a;
  const KbootRegion *y = *(const KbootRegion *const *) b;

  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  return 0;
}

static gboolean
kboot_plan_check_overlaps (const KbootPlan *plan, GError **error)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_sized_new (plan->regions->len);
  const KbootRegion *reach = NULL;   /* the region ending last so far */

  for (guint i = 0; i < plan->regions->len; i++)
    g_ptr_array_add (sorted, &g_array_index (plan->regions, KbootRegion, i));
  g_ptr_array_sort (sorted, kboot_region_ptr_compare);

  for (guint i = 0; i < sorted->len; i++)
    {
      const KbootRegion *r = g_ptr_array_index (sorted, i);

      if (reach && r->start < reach->end)
        {
          g_autofree char *other = kboot_region_describe (reach);
          return kboot_plan_fail (error, KBOOT_LAYOUT_ERROR_OVERLAP, r,
                                  "overlaps %s", other);
        }
      if (!reach || r->end > reach->end)
        reach = r;
    }
  return TRUE;
}

/* The one region of @kind (at most one when @optional), or an error. */
static gboolean
kboot_plan_one (const KbootPlan *plan, KbootRegionKind kind, gboolean optional,
                const KbootRegion **out, GError **error)
{
  guint count = 0;

  *out = NULL;
  for (guint i = 0; i < plan->regions->len; i++)
    {
      const KbootRegion *r = &g_array_index (plan->regions, KbootRegion, i);
      if (r->kind == kind && count++ == 0)
        *out = r;
    }
  if (count > 1 || (count == 0 && !optional))
    return kboot_plan_fail (error, KBOOT_LAYOUT_ERROR_RULE, NULL,
                            "the plan has %u %s regions, %s", count,
                            kboot_region_kind_to_string (kind),
                            optional ? "at most one allowed" : "exactly one needed");
  return TRUE;
}

/* The region agrees with the address the plan hands the loader. */
static gboolean
kboot_plan_check_addr (const KbootRegion *r, guint64 addr, GError **error)
{
  if (r->start != addr)
    return kboot_plan_fail (error, KBOOT_LAYOUT_ERROR_RULE, r,
                            "does not start at the plan's address 0x%"
                            G_GINT64_MODIFIER "x", addr);
  return TRUE;
}

static gboolean
kboot_plan_check_low (const KbootRegion *r, GError **error)
{
  if (r->start < KBOOT_LOW_DATA_START || r->end > KBOOT_LOW_DATA_END)
    return kboot_plan_fail (error, KBOOT_LAYOUT_ERROR_RULE, r,
                            "is not in low memory [0x%" G_GINT64_MODIFIER "x, 0x%"
                            G_GINT64_MODIFIER "x)", KBOOT_LOW_DATA_START,
                            KBOOT_LOW_DATA_END);
  return TRUE;
}

/* The ACPI tables: whole low pages, every byte of them ACPI in the e820
 * map (or the kernel would take them for RAM). */
static gboolean
kboot_plan_check_acpi (const KbootPlan *plan, const KbootRegion *acpi,
                       GError **error)
{
  guint64 at;

  if (!acpi)
    {
      if (plan->acpi_addr != 0)
        return kboot_plan_fail (error, KBOOT_LAYOUT_ERROR_RULE, NULL,
                                "the plan has an ACPI address 0x%"
                                G_GINT64_MODIFIER "x but no ACPI region",
                                plan->acpi_addr);
      return TRUE;
    }
  if (!kboot_plan_check_addr (acpi, plan->acpi_addr, error)
      || !kboot_plan_check_low (acpi, error))
    return FALSE;
  if (acpi->start % KBOOT_PAGE_SIZE != 0 || acpi->end % KBOOT_PAGE_SIZE != 0
      || acpi->end - acpi->start != plan->acpi_size)
    return kboot_plan_fail (error, KBOOT_LAYOUT_ERROR_RULE, acpi,
                            "is not the plan's %" G_GUINT64_FORMAT " bytes of "
                            "whole pages", plan->acpi_size);
  at = acpi->start;
  for (guint i = 0; i < plan->e820->len && at < acpi->end; i++)
    {
      const KbootE820Entry *e = &g_array_index (plan->e820, KbootE820Entry, i);

      if (e->type == KBOOT_E820_ACPI && e->addr <= at && at < e->addr + e->size)
        at = e->addr + e->size;
    }
  if (at < acpi->end)
    return kboot_plan_fail (error, KBOOT_LAYOUT_ERROR_E820, acpi,
                            "is not ACPI in the e820 map at 0x%" G_GINT64_MODIFIER
                            "x", at);
  return TRUE;
}

/* The 64-bit entry's page tables: KBOOT_PAGE_TABLES_SIZE bytes of whole
 * low pages. */
static gboolean
kboot_plan_check_page_tables (const KbootPlan *plan, const KbootRegion *tables,
                              GError **error)
{
  if (!tables)
    {
      if (plan->page_tables_addr != 0)
        return kboot_plan_fail (error, KBOOT_LAYOUT_ERROR_RULE, NULL,
                                "the plan has a page tables address 0x%"
                                G_GINT64_MODIFIER "x but no page_tables region",
                                plan->page_tables_addr);
      return TRUE;
    }
  if (!kboot_plan_check_addr (tables, plan->page_tables_addr, error)
      || !kboot_plan_check_low (tables, error))
    return FALSE;
  if (tables->start % KBOOT_PAGE_SIZE != 0
      || tables->end - tables->start != KBOOT_PAGE_TABLES_SIZE)
    return kboot_plan_fail (error, KBOOT_LAYOUT_ERROR_RULE, tables,
                            "is not %u bytes of whole pages",
                            KBOOT_PAGE_TABLES_SIZE);
  return TRUE;
}

static gboolean
kboot_plan_check_rules (const KbootPlan *plan, GError **error)
{
  const KbootRegion *handoff, *bp, *cmdline, *kernel, *initrd, *acpi, *tables;

  if (!kboot_plan_one (plan, KBOOT_REGION_HANDOFF, FALSE, &handoff, error)
      || !kboot_plan_one (plan, KBOOT_REGION_BOOT_PARAMS, FALSE, &bp, error)
      || !kboot_plan_one (plan, KBOOT_REGION_CMDLINE, FALSE, &cmdline, error)
      || !kboot_plan_one (plan, KBOOT_REGION_KERNEL, FALSE, &kernel, error)
      || !kboot_plan_one (plan, KBOOT_REGION_INITRD, TRUE, &initrd, error)
      || !kboot_plan_one (plan, KBOOT_REGION_ACPI, TRUE, &acpi, error)
      || !kboot_plan_check_acpi (plan, acpi, error)
      || !kboot_plan_one (plan, KBOOT_REGION_PAGE_TABLES, TRUE, &tables, error)
      || !kboot_plan_check_page_tables (plan, tables, error))
    return FALSE;

  /* The handoff page is where the firmware looks. */
  if (handoff->start != KBOOT_HANDOFF_ADDR
      || handoff->end != KBOOT_HANDOFF_ADDR + KBOOT_PAGE_SIZE)
    return kboot_plan_fail (error, KBOOT_LAYOUT_ERROR_RULE, handoff,
                            "is not the page at 0x%x the firmware reads",
                            KBOOT_HANDOFF_ADDR);
  if (!kboot_plan_check_addr (handoff, plan->handoff_addr, error))
    return FALSE;

  /* boot_params: one page; the command line: length + NUL; both low. */
  if (!kboot_plan_check_addr (bp, plan->boot_params_addr, error)
      || !kboot_plan_check_low (bp, error)
      || !kboot_plan_check_addr (cmdline, plan->cmdline_addr, error)
      || !kboot_plan_check_low (cmdline, error))
    return FALSE;
  if (bp->end - bp->start != KBOOT_BP_SIZE || bp->start % KBOOT_PAGE_SIZE != 0)
    return kboot_plan_fail (error, KBOOT_LAYOUT_ERROR_RULE, bp,
                            "is not one page-aligned page");
  if (cmdline->end - cmdline->start != plan->cmdline_size)
    return kboot_plan_fail (error, KBOOT_LAYOUT_ERROR_RULE, cmdline,
                            "does not hold the plan's %" G_GUINT64_FORMAT " bytes",
                            plan->cmdline_size);

  /* The kernel: aligned, never below KBOOT_KERNEL_BASE, below 4 GiB. */
  if (!kboot_plan_check_addr (kernel, plan->kernel_addr, error))
    return FALSE;
  if (kernel->start < KBOOT_KERNEL_BASE || kernel->end > KBOOT_FOUR_GIB
      || plan->kernel_alignment == 0
      || kernel->start % plan->kernel_alignment != 0)
    return kboot_plan_fail (error, KBOOT_LAYOUT_ERROR_RULE, kernel,
                            "is not at an address aligned to 0x%" G_GINT64_MODIFIER
                            "x at or above 0x%x with its end below 4 GiB",
                            plan->kernel_alignment, KBOOT_KERNEL_BASE);

  /* The initrd: page-aligned, under initrd_addr_max unless above 4 GiB
   * with the kernel's leave. */
  if (!initrd)
    {
      if (plan->initrd_addr != 0)
        return kboot_plan_fail (error, KBOOT_LAYOUT_ERROR_RULE, NULL,
                                "the plan has an initrd address 0x%"
                                G_GINT64_MODIFIER "x but no initrd region",
                                plan->initrd_addr);
      return TRUE;
    }
  if (!kboot_plan_check_addr (initrd, plan->initrd_addr, error))
    return FALSE;
  if (initrd->start % KBOOT_PAGE_SIZE != 0)
    return kboot_plan_fail (error, KBOOT_LAYOUT_ERROR_RULE, initrd,
                            "is not page-aligned");
  if (initrd->end > plan->initrd_limit
      && !(initrd->start >= KBOOT_FOUR_GIB && plan->initrd_above_4g))
    return kboot_plan_fail (error, KBOOT_LAYOUT_ERROR_RULE, initrd,
                            "ends above initrd_addr_max 0x%" G_GINT64_MODIFIER "x%s",
                            plan->initrd_limit - 1,
                            plan->initrd_above_4g ? " below 4 GiB"
                            : " and the kernel does not set XLF_CAN_BE_LOADED_ABOVE_4G");
  return TRUE;
}

static gboolean
kboot_plan_check_e820 (const KbootPlan *plan, GError **error)
{
  guint64 prev_end = 0;

  if (plan->e820->len > KBOOT_BP_E820_MAX)
    return kboot_plan_fail (error, KBOOT_LAYOUT_ERROR_E820, NULL,
                            "%u e820 entries, at most %d fit in boot_params",
                            plan->e820->len, KBOOT_BP_E820_MAX);
  for (guint i = 0; i < plan->e820->len; i++)
    {
      const KbootE820Entry *e = &g_array_index (plan->e820, KbootE820Entry, i);
      guint64 end;

      if (e->size == 0 || !g_uint64_checked_add (&end, e->addr, e->size))
        return kboot_plan_fail (error, KBOOT_LAYOUT_ERROR_E820, NULL,
                                "e820 entry %u (0x%" G_GINT64_MODIFIER "x, size 0x%"
                                G_GINT64_MODIFIER "x) is empty or wraps", i,
                                e->addr, e->size);
      if (i > 0 && e->addr < prev_end)
        return kboot_plan_fail (error, KBOOT_LAYOUT_ERROR_E820, NULL,
                                "e820 entry %u at 0x%" G_GINT64_MODIFIER "x starts "
                                "below the end 0x%" G_GINT64_MODIFIER "x of the one "
                                "before: not sorted, or overlapping", i, e->addr,
                                prev_end);
      prev_end = end;
    }
  return TRUE;
}

gboolean
kboot_plan_check (const KbootPlan *plan, const KbootPlatform *platform,
                  GError **error)
{
  if (plan->platform != platform->kind)
    return kboot_plan_fail (error, KBOOT_LAYOUT_ERROR_RULE, NULL,
                            "a %s plan checked against the %s memory map",
                            kboot_platform_kind_to_string (plan->platform),
                            kboot_platform_kind_to_string (platform->kind));
  if (!kboot_plan_check_inside (plan, platform, error))
    return FALSE;
  if (!kboot_plan_check_overlaps (plan, error))
    return FALSE;
  if (!kboot_plan_check_rules (plan, error))
    return FALSE;
  if (!kboot_plan_check_e820 (plan, error))
    return FALSE;
  return TRUE;
}
