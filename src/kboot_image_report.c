/* Reports of a probed kernel image (see kboot_image_report.h). */
#include "config.h"

#include "kboot_image_proto.h"
#include "kboot_image_report.h"
#include "kboot_util.h"

typedef struct {
  guint bit;
  const char *name;
} KbootFlagName;

static const KbootFlagName kboot_xloadflag_names[] = {
  { KBOOT_XLF_KERNEL_64, "KERNEL_64" },
  { KBOOT_XLF_CAN_BE_LOADED_ABOVE_4G, "CAN_BE_LOADED_ABOVE_4G" },
  { KBOOT_XLF_EFI_HANDOVER_32, "EFI_HANDOVER_32" },
  { KBOOT_XLF_EFI_HANDOVER_64, "EFI_HANDOVER_64" },
  { KBOOT_XLF_EFI_KEXEC, "EFI_KEXEC" },
  { KBOOT_XLF_5LEVEL, "5LEVEL" },
  { KBOOT_XLF_5LEVEL_ENABLED, "5LEVEL_ENABLED" },
};

static const KbootFlagName kboot_loadflag_names[] = {
  { KBOOT_LOADED_HIGH, "LOADED_HIGH" },
  { KBOOT_KASLR_FLAG, "KASLR_FLAG" },
  { KBOOT_QUIET_FLAG, "QUIET_FLAG" },
  { KBOOT_KEEP_SEGMENTS, "KEEP_SEGMENTS" },
  { KBOOT_CAN_USE_HEAP, "CAN_USE_HEAP" },
};

static GStrv
kboot_flag_names (guint value, const KbootFlagName *names, gsize n)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint known = 0;

  for (gsize i = 0; i < n; i++)
    {
      known |= names[i].bit;
      if (value & names[i].bit)
        g_strv_builder_add (builder, names[i].name);
    }
  for (guint bit = 1; bit != 0 && bit <= value; bit <<= 1)
    if ((value & bit) && !(known & bit))
      {
        g_autofree char *hex = g_strdup_printf ("0x%x", bit);
        g_strv_builder_add (builder, hex);
      }
  return g_strv_builder_end (builder);
}

GStrv
kboot_xloadflags_names (guint16 xloadflags)
{
  return kboot_flag_names (xloadflags, kboot_xloadflag_names,
                           G_N_ELEMENTS (kboot_xloadflag_names));
}

GStrv
kboot_loadflags_names (guint8 loadflags)
{
  return kboot_flag_names (loadflags, kboot_loadflag_names,
                           G_N_ELEMENTS (kboot_loadflag_names));
}

static void
kboot_report_line (GString *out, const char *key, const char *format, ...)
  G_GNUC_PRINTF (3, 4);

static void
kboot_report_line (GString *out, const char *key, const char *format, ...)
{
  va_list ap;
  g_autofree char *value = NULL, *printable = NULL;

  va_start (ap, format);
  value = g_strdup_vprintf (format, ap);
  va_end (ap);
  /* The path and the kernel's version string are the file's bytes. */
  printable = kboot_text_printable (value);
  g_string_append_printf (out, "%-18s %s\n", key, printable);
}

static char *
kboot_flags_joined (GStrv names)
{
  return names[0] ? g_strjoinv (", ", names) : g_strdup ("none");
}

static void
kboot_image_report_bzimage (GString *out, const KbootImage *image)
{
  const KbootSetupHeader *hdr = &image->hdr;
  g_auto(GStrv) lf = kboot_loadflags_names (hdr->loadflags);
  g_auto(GStrv) xlf = kboot_xloadflags_names (hdr->xloadflags);
  g_autofree char *lf_text = kboot_flags_joined (lf);
  g_autofree char *xlf_text = kboot_flags_joined (xlf);
  g_autofree char *align = kboot_format_size (hdr->kernel_alignment);
  g_autofree char *pm = kboot_format_size (image->pm_size);
  g_autofree char *init = kboot_format_size (hdr->init_size);
  char ver[16];

  kboot_report_line (out, "protocol:", "%s%s",
                     kboot_image_version_string (hdr->version_raw, ver, sizeof ver),
                     hdr->version_raw == 0x020e ? " (treated as 2.13)" : "");
  if (image->header_needed)
    {
      /* Nothing past the file's end was read: no fact of the header is
       * known (it once said "setup: 0 sectors"). */
      kboot_report_line (out, "setup header:", "truncated: the file ends at "
                         "byte %" G_GUINT64_FORMAT ", the header needs %u",
                         image->file_size, image->header_needed);
      return;
    }
  kboot_report_line (out, "kernel version:", "%s",
                     image->kernel_version_string ? image->kernel_version_string
                                                  : "(none)");
  kboot_report_line (out, "setup:", "%u sectors + boot sector, 0x%"
                     G_GINT64_MODIFIER "x bytes", image->setup_sectors,
                     image->setup_size);
  kboot_report_line (out, "protected mode:", "at file offset 0x%"
                     G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER "x bytes (%s)",
                     image->pm_offset, image->pm_size, pm);
  kboot_report_line (out, "code32_start:", "0x%x", hdr->code32_start);
  kboot_report_line (out, "loadflags:", "0x%02x (%s)", hdr->loadflags, lf_text);
  kboot_report_line (out, "relocatable:", "%s", image->relocatable ? "yes" : "no");
  if (hdr->version >= 0x0205)
    kboot_report_line (out, "kernel_alignment:", "0x%x (%s)",
                       hdr->kernel_alignment, align);
  if (hdr->version >= 0x020a)
    {
      kboot_report_line (out, "min_alignment:", "%u (2^%u bytes)",
                         hdr->min_alignment, hdr->min_alignment);
      kboot_report_line (out, "pref_address:", "0x%" G_GINT64_MODIFIER "x",
                         hdr->pref_address);
      kboot_report_line (out, "init_size:", "0x%x (%s)", hdr->init_size, init);
    }
  if (hdr->version >= 0x020c)
    kboot_report_line (out, "xloadflags:", "0x%04x (%s)", hdr->xloadflags,
                       xlf_text);
  kboot_report_line (out, "initrd_addr_max:", "0x%x%s", hdr->initrd_addr_max,
                     hdr->version < 0x0203 ? " (default before 2.03)" : "");
  kboot_report_line (out, "cmdline_size:", "%u%s", hdr->cmdline_size,
                     hdr->version < 0x0206 ? " (default before 2.06)" : "");
  if (hdr->version >= 0x0208 && hdr->payload_length == 0)
    kboot_report_line (out, "payload:", "none declared");
  else if (hdr->version >= 0x0208)
    kboot_report_line (out, "payload:", "offset 0x%x, length 0x%x, %s",
                       hdr->payload_offset, hdr->payload_length,
                       kboot_payload_format_to_string (image->payload_format));
  if (image->load_address)
    kboot_report_line (out, "load address:", "0x%" G_GINT64_MODIFIER "x "
                       "(alignment 0x%" G_GINT64_MODIFIER "x), needs memory up "
                       "to 0x%" G_GINT64_MODIFIER "x", image->load_address,
                       image->alignment, image->footprint_end);
}

char *
kboot_image_report_text (const KbootImage *image, const char *path)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *size = kboot_format_size (image->file_size);

  kboot_report_line (out, "kernel:", "%s", path);
  kboot_report_line (out, "size:", "%" G_GUINT64_FORMAT " bytes (%s)",
                     image->file_size, size);
  kboot_report_line (out, "format:", "%s", kboot_image_kind_to_string (image->kind));
  switch (image->kind)
    {
    case KBOOT_IMAGE_KIND_BZIMAGE:
      kboot_image_report_bzimage (out, image);
      break;
    case KBOOT_IMAGE_KIND_ELF32:
    case KBOOT_IMAGE_KIND_ELF64:
      kboot_report_line (out, "ELF machine:", "%u (%s)", image->elf_machine,
                         image->elf_machine == 62 ? "x86-64" : "i386");
      kboot_report_line (out, "ELF entry:", "0x%" G_GINT64_MODIFIER "x",
                         image->elf_entry);
      break;
    case KBOOT_IMAGE_KIND_OLD_ZIMAGE:
    case KBOOT_IMAGE_KIND_UNKNOWN:
    case KBOOT_IMAGE_KIND_LAST:
      break;
    }
  if (kboot_image_is_bootable (image))
    kboot_report_line (out, "verdict:", "bootable (Xen HVM direct boot at 0x%"
                       G_GINT64_MODIFIER "x)", image->load_address);
  else
    {
      kboot_report_line (out, "verdict:", "not bootable");
      for (guint i = 0; i < image->problems->len; i++)
        {
          const KbootImageProblem *p = g_ptr_array_index (image->problems, i);
          g_autofree char *message = kboot_text_printable (p->message);

          g_string_append_printf (out, "  - %s\n", message);
        }
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
kboot_json_flags (JsonBuilder *json, const char *key, GStrv names)
{
  kboot_json_begin_array (json, key);
  for (guint i = 0; names[i]; i++)
    kboot_json_string (json, NULL, names[i]);
  kboot_json_end_array (json);
}

/* The bzImage setup fields of the JSON report, null for other formats. */
static void
kboot_image_report_json_setup (JsonBuilder *json, const KbootImage *image, gboolean bz)
{
  const KbootSetupHeader *hdr = &image->hdr;
  g_auto(GStrv) lf = kboot_loadflags_names (hdr->loadflags);
  g_auto(GStrv) xlf = kboot_xloadflags_names (hdr->xloadflags);
  char ver[16];

  if (bz)
    {
      kboot_json_string (json, "protocol",
                         kboot_image_version_string (hdr->version_raw, ver, sizeof ver));
      kboot_json_string (json, "kernel_version", image->kernel_version_string);
      kboot_json_uint (json, "setup_sectors", image->setup_sectors);
      kboot_json_uint (json, "setup_size", image->setup_size);
      kboot_json_uint (json, "protected_mode_offset", image->pm_offset);
      kboot_json_uint (json, "protected_mode_size", image->pm_size);
      kboot_json_uint (json, "code32_start", hdr->code32_start);
      kboot_json_flags (json, "loadflags", lf);
      kboot_json_bool (json, "relocatable", image->relocatable);
      kboot_json_uint (json, "alignment", image->alignment);
      kboot_json_flags (json, "xloadflags", xlf);
      kboot_json_uint (json, "initrd_addr_max", hdr->initrd_addr_max);
      kboot_json_uint (json, "cmdline_size", hdr->cmdline_size);
      kboot_json_string (json, "payload_format",
                         kboot_payload_format_to_string (image->payload_format));
    }
  else
    {
      kboot_json_null (json, "protocol");
      kboot_json_null (json, "kernel_version");
      kboot_json_null (json, "setup_sectors");
      kboot_json_null (json, "setup_size");
      kboot_json_null (json, "protected_mode_offset");
      kboot_json_null (json, "protected_mode_size");
      kboot_json_null (json, "code32_start");
      kboot_json_null (json, "loadflags");
      kboot_json_null (json, "relocatable");
      kboot_json_null (json, "alignment");
      kboot_json_null (json, "xloadflags");
      kboot_json_null (json, "initrd_addr_max");
      kboot_json_null (json, "cmdline_size");
      kboot_json_null (json, "payload_format");
    }
}

void
kboot_image_report_json (JsonBuilder *json, const KbootImage *image,
                         const char *path)
{
  const KbootSetupHeader *hdr = &image->hdr;
  /* A truncated header's facts are unknown: null, as for other formats. */
  gboolean bz = image->kind == KBOOT_IMAGE_KIND_BZIMAGE && !image->header_needed;
  gboolean elf = image->kind == KBOOT_IMAGE_KIND_ELF32
                 || image->kind == KBOOT_IMAGE_KIND_ELF64;

  kboot_json_begin_object (json, NULL);
  kboot_json_path (json, "path", path);
  kboot_json_bool (json, "bootable", kboot_image_is_bootable (image));
  kboot_json_begin_array (json, "problems");
  for (guint i = 0; i < image->problems->len; i++)
    {
      const KbootImageProblem *p = g_ptr_array_index (image->problems, i);
      kboot_json_begin_object (json, NULL);
      kboot_json_string (json, "rule", kboot_image_rule_to_string (p->rule));
      kboot_json_string (json, "message", p->message);
      kboot_json_end_object (json);
    }
  kboot_json_end_array (json);
  kboot_json_string (json, "format", kboot_image_kind_to_string (image->kind));
  kboot_json_uint (json, "file_size", image->file_size);
  kboot_image_report_json_setup (json, image, bz);
  if (kboot_image_is_bootable (image))
    {
      kboot_json_uint (json, "load_address", image->load_address);
      kboot_json_uint (json, "footprint_end", image->footprint_end);
    }
  else
    {
      kboot_json_null (json, "load_address");
      kboot_json_null (json, "footprint_end");
    }
  if (elf)
    {
      kboot_json_uint (json, "elf_machine", image->elf_machine);
      kboot_json_uint (json, "elf_entry", image->elf_entry);
    }
  else
    {
      kboot_json_null (json, "elf_machine");
      kboot_json_null (json, "elf_entry");
    }
  /* Every header field the image's protocol defines, as read (defaults
   * for fields that predate it are not listed here). */
  if (bz)
    {
      kboot_json_begin_object (json, "header");
      for (gsize i = 0; i < kboot_setup_header_n_fields (); i++)
        {
          const KbootHeaderFieldInfo *f = kboot_setup_header_field (i);
          if (f->since <= hdr->version)
            kboot_json_uint (json, f->name, kboot_setup_header_get (hdr, i));
        }
      kboot_json_end_object (json);
    }
  else
    kboot_json_null (json, "header");
  kboot_json_end_object (json);
}
