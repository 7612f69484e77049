/* Printing plans (see kboot_layout.h): a table for people, JSON for tools. */
#include "config.h"

#include "kboot_layout.h"

static void
kboot_layout_table_row (GString *out, guint64 start, guint64 end, const char *what)
{
  g_autofree char *size = kboot_format_size_style (end - start,
                                                   KBOOT_SIZE_SCALED_DECIMAL);

  g_string_append_printf (out, "0x%016" G_GINT64_MODIFIER "x  0x%016"
                          G_GINT64_MODIFIER "x  %10s  %s\n", start, end, size, what);
}

char *
kboot_plan_to_table (const KbootPlan *plan)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *ram = kboot_format_size_style (plan->ram_size,
                                                  KBOOT_SIZE_SCALED_DECIMAL);

  g_string_append_printf (out, "%s, %s of RAM\n",
                          kboot_platform_kind_to_string (plan->platform), ram);
  g_string_append_printf (out, "%-18s  %-18s  %10s  %s\n", "start", "end", "size", "what");
  for (guint i = 0; i < plan->regions->len; i++)
    {
      const KbootRegion *r = &g_array_index (plan->regions, KbootRegion, i);
      kboot_layout_table_row (out, r->start, r->end, r->what ? r->what
                              : kboot_region_kind_to_string (r->kind));
    }
  g_string_append_printf (out, "e820 (%u entries)\n", plan->e820->len);
  for (guint i = 0; i < plan->e820->len; i++)
    {
      const KbootE820Entry *e = &g_array_index (plan->e820, KbootE820Entry, i);
      kboot_layout_table_row (out, e->addr, e->addr + e->size,
                              kboot_e820_type_to_string (e->type));
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

void
kboot_plan_to_json (const KbootPlan *plan, JsonBuilder *json, const char *key)
{
  kboot_json_begin_object (json, key);
  kboot_json_string (json, "platform", kboot_platform_kind_to_string (plan->platform));
  kboot_json_uint (json, "ram_size", plan->ram_size);
  kboot_json_uint (json, "kernel_addr", plan->kernel_addr);
  kboot_json_uint (json, "kernel_end", plan->kernel_end);
  kboot_json_uint (json, "boot_params_addr", plan->boot_params_addr);
  kboot_json_uint (json, "cmdline_addr", plan->cmdline_addr);
  if (plan->initrd_size)
    {
      kboot_json_uint (json, "initrd_addr", plan->initrd_addr);
      kboot_json_uint (json, "initrd_size", plan->initrd_size);
    }
  else
    {
      kboot_json_null (json, "initrd_addr");
      kboot_json_uint (json, "initrd_size", 0);
    }
  if (plan->acpi_size)
    kboot_json_uint (json, "acpi_addr", plan->acpi_addr);
  else
    kboot_json_null (json, "acpi_addr");
  /* Only in a fast-path plan, whose 64-bit entry has them. */
  if (plan->page_tables_addr)
    kboot_json_uint (json, "page_tables_addr", plan->page_tables_addr);
  kboot_json_begin_array (json, "regions");
  for (guint i = 0; i < plan->regions->len; i++)
    {
      const KbootRegion *r = &g_array_index (plan->regions, KbootRegion, i);

      kboot_json_begin_object (json, NULL);
      kboot_json_string (json, "kind", kboot_region_kind_to_string (r->kind));
      kboot_json_uint (json, "start", r->start);
      kboot_json_uint (json, "end", r->end);
      kboot_json_uint (json, "size", r->end - r->start);
      kboot_json_string (json, "what", r->what);
      kboot_json_end_object (json);
    }
  kboot_json_end_array (json);
  kboot_json_begin_array (json, "e820");
  for (guint i = 0; i < plan->e820->len; i++)
    {
      const KbootE820Entry *e = &g_array_index (plan->e820, KbootE820Entry, i);

      kboot_json_begin_object (json, NULL);
      kboot_json_uint (json, "addr", e->addr);
      kboot_json_uint (json, "size", e->size);
      kboot_json_uint (json, "type", e->type);
      kboot_json_string (json, "type_name", kboot_e820_type_to_string (e->type));
      kboot_json_end_object (json);
    }
  kboot_json_end_array (json);
  kboot_json_end_object (json);
}
