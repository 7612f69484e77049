/* Kernel image probe (see kboot_image.h).  Pure: bytes in, facts out.
 *
 * The setup header is read through one table, kboot_header_fields[], which
 * says for every field where it lives, how wide it is and from which
 * protocol version it exists; everything else derives from the parsed
 * header.  Every offset or size taken from the image goes through checked
 * arithmetic before it is used. */
#include "config.h"

#include <string.h>

#include "kboot_image_proto.h"
#include "kboot_image.h"
#include "kboot_util.h"

G_DEFINE_QUARK (kboot-image-error-quark, kboot_image_error)

/* ---- the header table ----------------------------------------------- */

typedef struct {
  KbootHeaderFieldInfo info;
  gsize member;          /* offset in KbootSetupHeader */
} KbootHeaderField;

#define FIELD(name, off, width, since) \
  { { #name, off, width, since }, G_STRUCT_OFFSET (KbootSetupHeader, name) }

static const KbootHeaderField kboot_header_fields[] = {
  FIELD (setup_sects,        KBOOT_HDR_SETUP_SECTS,        1, 0x0000),
  FIELD (root_flags,         KBOOT_HDR_ROOT_FLAGS,         2, 0x0000),
  FIELD (syssize,            KBOOT_HDR_SYSSIZE,            4, 0x0000),
  FIELD (ram_size,           KBOOT_HDR_RAM_SIZE,           2, 0x0000),
  FIELD (vid_mode,           KBOOT_HDR_VID_MODE,           2, 0x0000),
  FIELD (root_dev,           KBOOT_HDR_ROOT_DEV,           2, 0x0000),
  FIELD (boot_flag,          KBOOT_HDR_BOOT_FLAG,          2, 0x0000),
  FIELD (jump,               KBOOT_HDR_JUMP,               2, 0x0200),
  FIELD (header,             KBOOT_HDR_HEADER,             4, 0x0200),
  /* Reported as "version", the name boot.rst gives it. */
  { { "version", KBOOT_HDR_VERSION, 2, 0x0200 },
    G_STRUCT_OFFSET (KbootSetupHeader, version_raw) },
  FIELD (realmode_swtch,     KBOOT_HDR_REALMODE_SWTCH,     4, 0x0200),
  FIELD (start_sys_seg,      KBOOT_HDR_START_SYS_SEG,      2, 0x0200),
  FIELD (kernel_version,     KBOOT_HDR_KERNEL_VERSION,     2, 0x0200),
  FIELD (type_of_loader,     KBOOT_HDR_TYPE_OF_LOADER,     1, 0x0200),
  FIELD (loadflags,          KBOOT_HDR_LOADFLAGS,          1, 0x0200),
  FIELD (setup_move_size,    KBOOT_HDR_SETUP_MOVE_SIZE,    2, 0x0200),
  FIELD (code32_start,       KBOOT_HDR_CODE32_START,       4, 0x0200),
  FIELD (ramdisk_image,      KBOOT_HDR_RAMDISK_IMAGE,      4, 0x0200),
  FIELD (ramdisk_size,       KBOOT_HDR_RAMDISK_SIZE,       4, 0x0200),
  FIELD (bootsect_kludge,    KBOOT_HDR_BOOTSECT_KLUDGE,    4, 0x0200),
  FIELD (heap_end_ptr,       KBOOT_HDR_HEAP_END_PTR,       2, 0x0201),
  FIELD (ext_loader_ver,     KBOOT_HDR_EXT_LOADER_VER,     1, 0x0202),
  FIELD (ext_loader_type,    KBOOT_HDR_EXT_LOADER_TYPE,    1, 0x0202),
  FIELD (cmd_line_ptr,       KBOOT_HDR_CMD_LINE_PTR,       4, 0x0202),
  FIELD (initrd_addr_max,    KBOOT_HDR_INITRD_ADDR_MAX,    4, 0x0203),
  FIELD (kernel_alignment,   KBOOT_HDR_KERNEL_ALIGNMENT,   4, 0x0205),
  FIELD (relocatable_kernel, KBOOT_HDR_RELOCATABLE_KERNEL, 1, 0x0205),
  FIELD (min_alignment,      KBOOT_HDR_MIN_ALIGNMENT,      1, 0x020a),
  FIELD (xloadflags,         KBOOT_HDR_XLOADFLAGS,         2, 0x020c),
  FIELD (cmdline_size,       KBOOT_HDR_CMDLINE_SIZE,       4, 0x0206),
  FIELD (hardware_subarch,   KBOOT_HDR_HARDWARE_SUBARCH,   4, 0x0207),
  FIELD (hardware_subarch_data, KBOOT_HDR_HARDWARE_SUBARCH_DATA, 8, 0x0207),
  FIELD (payload_offset,     KBOOT_HDR_PAYLOAD_OFFSET,     4, 0x0208),
  FIELD (payload_length,     KBOOT_HDR_PAYLOAD_LENGTH,     4, 0x0208),
  FIELD (setup_data,         KBOOT_HDR_SETUP_DATA,         8, 0x0209),
  FIELD (pref_address,       KBOOT_HDR_PREF_ADDRESS,       8, 0x020a),
  FIELD (init_size,          KBOOT_HDR_INIT_SIZE,          4, 0x020a),
  FIELD (handover_offset,    KBOOT_HDR_HANDOVER_OFFSET,    4, 0x020b),
  FIELD (kernel_info_offset, KBOOT_HDR_KERNEL_INFO_OFFSET, 4, 0x020f),
};
#undef FIELD

static void
kboot_header_store (KbootSetupHeader *hdr, const KbootHeaderField *field,
                    guint64 value)
{
  guint8 *dst = (guint8 *) hdr + field->member;

  switch (field->info.width)
    {
    case 1: { guint8 v = (guint8) value; memcpy (dst, &v, 1); break; }
    case 2: { guint16 v = (guint16) value; memcpy (dst, &v, 2); break; }
    case 4: { guint32 v = (guint32) value; memcpy (dst, &v, 4); break; }
    case 8: memcpy (dst, &value, 8); break;
    default: g_assert_not_reached ();
    }
}

gsize
kboot_setup_header_n_fields (void)
{
  return G_N_ELEMENTS (kboot_header_fields);
}

const KbootHeaderFieldInfo *
kboot_setup_header_field (gsize index)
{
  g_return_val_if_fail (index < G_N_ELEMENTS (kboot_header_fields), NULL);
  return &kboot_header_fields[index].info;
}

guint64
kboot_setup_header_get (const KbootSetupHeader *hdr, gsize index)
{
  const KbootHeaderField *field;
  const guint8 *src;

  g_return_val_if_fail (index < G_N_ELEMENTS (kboot_header_fields), 0);
  field = &kboot_header_fields[index];
  src = (const guint8 *) hdr + field->member;
  switch (field->info.width)
    {
    case 1: { guint8 v; memcpy (&v, src, 1); return v; }
    case 2: { guint16 v; memcpy (&v, src, 2); return v; }
    case 4: { guint32 v; memcpy (&v, src, 4); return v; }
    case 8: { guint64 v; memcpy (&v, src, 8); return v; }
    default: g_assert_not_reached ();
    }
}

/* The first byte past the header fields protocol @version defines. */
static guint
kboot_header_end (guint16 version)
{
  guint end = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (kboot_header_fields); i++)
    if (kboot_header_fields[i].info.since <= version)
      end = MAX (end, (guint) kboot_header_fields[i].info.offset
                      + kboot_header_fields[i].info.width);
  return end;
}

/* ---- string tables ---------------------------------------------------- */

static const char *const kboot_image_kind_names[] = {
  [KBOOT_IMAGE_KIND_BZIMAGE] = "bzImage",
  [KBOOT_IMAGE_KIND_OLD_ZIMAGE] = "boot sector without setup header",
  [KBOOT_IMAGE_KIND_ELF32] = "ELF vmlinux (32-bit)",
  [KBOOT_IMAGE_KIND_ELF64] = "ELF vmlinux (64-bit)",
  [KBOOT_IMAGE_KIND_UNKNOWN] = "not a Linux kernel",
};
G_STATIC_ASSERT (G_N_ELEMENTS (kboot_image_kind_names) == KBOOT_IMAGE_KIND_LAST);

static const char *const kboot_payload_format_names[] = {
  [KBOOT_PAYLOAD_UNKNOWN] = "unknown",
  [KBOOT_PAYLOAD_GZIP] = "gzip",
  [KBOOT_PAYLOAD_BZIP2] = "bzip2",
  [KBOOT_PAYLOAD_LZMA] = "lzma",
  [KBOOT_PAYLOAD_XZ] = "xz",
  [KBOOT_PAYLOAD_LZO] = "lzo",
  [KBOOT_PAYLOAD_LZ4] = "lz4",
  [KBOOT_PAYLOAD_ZSTD] = "zstd",
  [KBOOT_PAYLOAD_ELF] = "ELF (uncompressed)",
};
G_STATIC_ASSERT (G_N_ELEMENTS (kboot_payload_format_names) == KBOOT_PAYLOAD_LAST);

static const char *const kboot_image_rule_names[] = {
  [KBOOT_IMAGE_RULE_NOT_LINUX] = "not-linux",
  [KBOOT_IMAGE_RULE_TRUNCATED] = "truncated",
  [KBOOT_IMAGE_RULE_ELF_VMLINUX] = "elf-vmlinux",
  [KBOOT_IMAGE_RULE_OLD_ZIMAGE] = "no-setup-header",
  [KBOOT_IMAGE_RULE_PROTOCOL_TOO_OLD] = "protocol-too-old",
  [KBOOT_IMAGE_RULE_NOT_LOADED_HIGH] = "not-loaded-high",
  [KBOOT_IMAGE_RULE_NOT_RELOCATABLE] = "not-relocatable",
  [KBOOT_IMAGE_RULE_NO_32BIT_ENTRY] = "no-32bit-entry",
  [KBOOT_IMAGE_RULE_BAD_ALIGNMENT] = "bad-alignment",
  [KBOOT_IMAGE_RULE_BAD_MIN_ALIGNMENT] = "bad-min-alignment",
  [KBOOT_IMAGE_RULE_SETUP_PAST_END] = "setup-past-end",
  [KBOOT_IMAGE_RULE_PAYLOAD_PAST_END] = "payload-past-end",
  [KBOOT_IMAGE_RULE_NO_PLACEMENT] = "no-placement",
  [KBOOT_IMAGE_RULE_SHORT_HEADER] = "short-header",
};
G_STATIC_ASSERT (G_N_ELEMENTS (kboot_image_rule_names) == KBOOT_IMAGE_RULE_LAST);

const char *
kboot_image_kind_to_string (KbootImageKind kind)
{
  return kind < KBOOT_IMAGE_KIND_LAST ? kboot_image_kind_names[kind] : "?";
}

const char *
kboot_payload_format_to_string (KbootPayloadFormat format)
{
  return format < KBOOT_PAYLOAD_LAST ? kboot_payload_format_names[format] : "?";
}

const char *
kboot_image_rule_to_string (KbootImageRule rule)
{
  return rule < KBOOT_IMAGE_RULE_LAST ? kboot_image_rule_names[rule] : "?";
}

const char *
kboot_image_version_string (guint16 version, char *buf, gsize len)
{
  g_snprintf (buf, len, "%u.%02u", version >> 8, version & 0xff);
  return buf;
}

/* ---- problems ---------------------------------------------------------- */

static void
kboot_image_problem_free (gpointer p)
{
  KbootImageProblem *problem = p;

  g_free (problem->message);
  g_free (problem);
}

static void G_GNUC_PRINTF (3, 4)
kboot_image_add_problem (KbootImage *image, KbootImageRule rule,
                         const char *format, ...)
{
  KbootImageProblem *problem = g_new0 (KbootImageProblem, 1);
  va_list ap;

  problem->rule = rule;
  va_start (ap, format);
  problem->message = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_ptr_array_add (image->problems, problem);
}

/* ---- ELF vmlinux -------------------------------------------------------- */

#define ELF_EM_386     3
#define ELF_EM_X86_64  62

static gboolean
kboot_image_probe_elf (KbootImage *image, const guint8 *head, gsize head_len)
{
  static const guint8 elf_magic[4] = { 0x7f, 'E', 'L', 'F' };
  guint8 elf_class;
  gsize need;

  if (head_len < 4 || memcmp (head, elf_magic, 4) != 0)
    return FALSE;

  elf_class = head_len > 4 ? head[4] : 0;
  need = elf_class == 2 ? 64 : 52;       /* sizeof (Elf64_Ehdr / Elf32_Ehdr) */
  if (elf_class != 1 && elf_class != 2)
    {
      image->kind = KBOOT_IMAGE_KIND_UNKNOWN;
      kboot_image_add_problem (image, KBOOT_IMAGE_RULE_NOT_LINUX,
                               "ELF file of unknown class %u: not a Linux kernel",
                               elf_class);
      return TRUE;
    }
  if (head_len < need)
    {
      image->kind = KBOOT_IMAGE_KIND_UNKNOWN;
      kboot_image_add_problem (image, KBOOT_IMAGE_RULE_TRUNCATED,
                               "ELF header truncated: %" G_GSIZE_FORMAT
                               " bytes, %" G_GSIZE_FORMAT " needed", head_len, need);
      return TRUE;
    }
  image->elf_machine = (guint16) kboot_le_get (head + 18, 2);
  image->elf_entry = kboot_le_get (head + 24, elf_class == 2 ? 8 : 4);
  if (image->elf_machine != ELF_EM_386 && image->elf_machine != ELF_EM_X86_64)
    {
      image->kind = KBOOT_IMAGE_KIND_UNKNOWN;
      kboot_image_add_problem (image, KBOOT_IMAGE_RULE_NOT_LINUX,
                               "ELF file for machine %u, not x86: not an x86 "
                               "Linux kernel", image->elf_machine);
      return TRUE;
    }
  image->kind = elf_class == 2 ? KBOOT_IMAGE_KIND_ELF64 : KBOOT_IMAGE_KIND_ELF32;
  kboot_image_add_problem (image, KBOOT_IMAGE_RULE_ELF_VMLINUX,
                           "an ELF vmlinux (%s, entry 0x%" G_GINT64_MODIFIER
                           "x), not a bzImage: direct boot loads the bzImage "
                           "(vmlinuz), whose setup header this path needs",
                           elf_class == 2 ? "64-bit" : "32-bit", image->elf_entry);
  return TRUE;
}

/* ---- the bzImage setup header ------------------------------------------ */

/* Read every field protocol @version defines; FALSE when the file ends
 * inside them (only fields that fit were read). */
static gboolean
kboot_header_read (KbootSetupHeader *hdr, const guint8 *head, gsize head_len,
                   guint16 version)
{
  gboolean complete = TRUE;

  for (gsize i = 0; i < G_N_ELEMENTS (kboot_header_fields); i++)
    {
      const KbootHeaderField *f = &kboot_header_fields[i];

      if (f->info.since > version)
        continue;
      if ((gsize) f->info.offset + f->info.width > head_len)
        {
          complete = FALSE;
          continue;
        }
      kboot_header_store (hdr, f, kboot_le_get (head + f->info.offset, f->info.width));
    }
  return complete;
}

static void
kboot_header_set_defaults (KbootSetupHeader *hdr)
{
  hdr->initrd_addr_max = KBOOT_INITRD_ADDR_MAX_DEFAULT;
  hdr->cmdline_size = KBOOT_CMDLINE_SIZE_DEFAULT;
}

/* The NUL-terminated, printable kernel version string the header points
 * to, or NULL. */
static char *
kboot_image_read_version_string (const KbootImage *image, const guint8 *head,
                                 gsize head_len)
{
  guint64 start, limit;
  const guint8 *p, *nul;

  if (image->hdr.kernel_version == 0)
    return NULL;
  /* kernel_version is a pointer into the setup, minus 0x200. */
  start = (guint64) image->hdr.kernel_version + 0x200;
  limit = MIN ((guint64) head_len, image->setup_size);
  if (start >= limit)
    return NULL;
  p = head + start;
  nul = memchr (p, '\0', (gsize) (limit - start));
  if (!nul)
    return NULL;
  for (const guint8 *c = p; c < nul; c++)
    if (*c < 0x20 || *c > 0x7e)
      return NULL;
  return g_strndup ((const char *) p, (gsize) (nul - p));
}

static void
kboot_image_check_rules (KbootImage *image)
{
  const KbootSetupHeader *hdr = &image->hdr;
  char ver[16];
  guint header_end;

  kboot_image_version_string (hdr->version_raw, ver, sizeof ver);

  if (image->pm_size == 0)
    kboot_image_add_problem (image, KBOOT_IMAGE_RULE_SETUP_PAST_END,
                             "setup_sects %u puts the protected-mode kernel past "
                             "the end of the file (it would start at 0x%"
                             G_GINT64_MODIFIER "x; the file is 0x%"
                             G_GINT64_MODIFIER "x bytes)", hdr->setup_sects,
                             image->pm_offset, image->file_size);

  /* boot.rst: the setup header ends at 0x202 + the jump's offset byte,
   * and that is what the loader copies into boot_params; a header that
   * says it ends before its protocol's fields would hand the kernel
   * zeros for the fields checked here (kernel_alignment, loadflags...). */
  header_end = KBOOT_HDR_JUMP + 2 + (guint) (hdr->jump >> 8);
  if (header_end < kboot_header_end (hdr->version))
    kboot_image_add_problem (image, KBOOT_IMAGE_RULE_SHORT_HEADER,
                             "jump 0x%04x at offset 0x%x says the setup header "
                             "ends at 0x%x (0x202 + its second byte), before the "
                             "end of the fields of boot protocol %s (0x%x): the "
                             "kernel would not see them in boot_params",
                             hdr->jump, KBOOT_HDR_JUMP, header_end, ver,
                             kboot_header_end (hdr->version));

  /* syssize (16-byte units, reliable from 2.04) is the protected-mode
   * code's size; the build rounds it up to a paragraph, so a file up to 15
   * bytes shorter is whole and anything shorter was cut (a partial copy). */
  if (hdr->version >= 0x0204 && image->pm_size != 0
      && image->pm_size + 15 < (guint64) hdr->syssize * 16)
    kboot_image_add_problem (image, KBOOT_IMAGE_RULE_TRUNCATED,
                             "syssize 0x%x at offset 0x%x says the protected-mode "
                             "kernel is 0x%" G_GINT64_MODIFIER "x bytes, but the "
                             "file holds only 0x%" G_GINT64_MODIFIER "x after its "
                             "setup: the file is truncated", hdr->syssize,
                             KBOOT_HDR_SYSSIZE, (guint64) hdr->syssize * 16,
                             image->pm_size);

  if (hdr->version < 0x0205)
    kboot_image_add_problem (image, KBOOT_IMAGE_RULE_PROTOCOL_TOO_OLD,
                             "boot protocol %s predates relocatable kernels "
                             "(2.05 needed)", ver);

  if (!(hdr->loadflags & KBOOT_LOADED_HIGH))
    kboot_image_add_problem (image, KBOOT_IMAGE_RULE_NOT_LOADED_HIGH,
                             "loadflags 0x%02x at offset 0x%x lacks LOADED_HIGH "
                             "(0x01): a zImage that must be loaded at 0x10000",
                             hdr->loadflags, KBOOT_HDR_LOADFLAGS);

  if (hdr->version >= 0x0205 && !hdr->relocatable_kernel)
    kboot_image_add_problem (image, KBOOT_IMAGE_RULE_NOT_RELOCATABLE,
                             "relocatable_kernel is 0 at offset 0x%x: built "
                             "without CONFIG_RELOCATABLE, it cannot be loaded "
                             "at 0x%x", KBOOT_HDR_RELOCATABLE_KERNEL,
                             KBOOT_KERNEL_BASE);

  if (hdr->code32_start == 0)
    kboot_image_add_problem (image, KBOOT_IMAGE_RULE_NO_32BIT_ENTRY,
                             "code32_start is 0 at offset 0x%x: the image has no "
                             "32-bit entry point (it expects the 16-bit real-mode "
                             "entry)", KBOOT_HDR_CODE32_START);

  if (image->relocatable && !kboot_is_power_of_two (hdr->kernel_alignment))
    kboot_image_add_problem (image, KBOOT_IMAGE_RULE_BAD_ALIGNMENT,
                             "kernel_alignment 0x%x at offset 0x%x is not a "
                             "power of two", hdr->kernel_alignment,
                             KBOOT_HDR_KERNEL_ALIGNMENT);

  if (image->relocatable && kboot_is_power_of_two (hdr->kernel_alignment)
      && hdr->version >= 0x020a && hdr->min_alignment <= 31
      && hdr->kernel_alignment < (G_GUINT64_CONSTANT (1) << hdr->min_alignment))
    kboot_image_add_problem (image, KBOOT_IMAGE_RULE_BAD_ALIGNMENT,
                             "kernel_alignment 0x%x at offset 0x%x is below the "
                             "minimum 2^%u that min_alignment at offset 0x%x "
                             "requires", hdr->kernel_alignment,
                             KBOOT_HDR_KERNEL_ALIGNMENT, hdr->min_alignment,
                             KBOOT_HDR_MIN_ALIGNMENT);

  if (image->relocatable && hdr->version >= 0x020a && hdr->min_alignment > 31)
    kboot_image_add_problem (image, KBOOT_IMAGE_RULE_BAD_MIN_ALIGNMENT,
                             "min_alignment %u at offset 0x%x asks for an "
                             "alignment of 2^%u bytes, above 2 GiB",
                             hdr->min_alignment, KBOOT_HDR_MIN_ALIGNMENT,
                             hdr->min_alignment);

  if (hdr->version >= 0x0208 && hdr->payload_length != 0
      && image->pm_size != 0 && !image->payload_in_file)
    kboot_image_add_problem (image, KBOOT_IMAGE_RULE_PAYLOAD_PAST_END,
                             "payload_offset 0x%x + payload_length 0x%x run past "
                             "the end of the protected-mode kernel (0x%"
                             G_GINT64_MODIFIER "x bytes)", hdr->payload_offset,
                             hdr->payload_length, image->pm_size);
}

static void
kboot_image_derive (KbootImage *image, const guint8 *head, gsize head_len)
{
  const KbootSetupHeader *hdr = &image->hdr;
  guint64 payload_end;

  image->setup_sectors = hdr->setup_sects ? hdr->setup_sects
                                          : KBOOT_SETUP_SECTS_DEFAULT;
  image->setup_size = ((guint64) image->setup_sectors + 1) * KBOOT_SECTOR_SIZE;
  image->pm_offset = image->setup_size;
  image->pm_size = image->file_size > image->pm_offset
                   ? image->file_size - image->pm_offset : 0;
  image->relocatable = hdr->version >= 0x0205 && hdr->relocatable_kernel != 0;
  image->kernel_version_string =
    kboot_image_read_version_string (image, head, head_len);

  /* Load alignment.  From 2.10 kernel_alignment is only the preferred
   * one and min_alignment the required one (boot.rst): the kernel itself
   * moves its decompressed image to a kernel_alignment boundary, so the
   * loader may put it at 0x200000 whenever 1 << min_alignment allows. */
  image->alignment = hdr->kernel_alignment;
  if (hdr->version >= 0x020a && hdr->min_alignment != 0 && hdr->min_alignment <= 31)
    image->alignment = G_GUINT64_CONSTANT (1) << hdr->min_alignment;

  if (hdr->version >= 0x0208
      && g_uint64_checked_add (&payload_end, hdr->payload_offset, hdr->payload_length)
      && payload_end <= image->pm_size)
    {
      image->payload_in_file = TRUE;
      image->payload_file_offset = image->pm_offset + hdr->payload_offset;
    }
}

static void
kboot_image_place (KbootImage *image)
{
  if (!kboot_image_load_address (image, KBOOT_KERNEL_BASE, &image->load_address)
      || !kboot_image_footprint_end (image, image->load_address,
                                     &image->footprint_end)
      || image->footprint_end > KBOOT_FOUR_GIB)
    {
      kboot_image_add_problem (image, KBOOT_IMAGE_RULE_NO_PLACEMENT,
                               "no load address at or above 0x%x aligned to 0x%"
                               G_GINT64_MODIFIER "x leaves room below 4 GiB for "
                               "the kernel (0x%" G_GINT64_MODIFIER "x bytes, "
                               "init_size 0x%x, pref_address 0x%"
                               G_GINT64_MODIFIER "x)", KBOOT_KERNEL_BASE,
                               image->alignment, image->pm_size,
                               image->hdr.init_size, image->hdr.pref_address);
      image->load_address = 0;
      image->footprint_end = 0;
    }
}

static void
kboot_image_probe_bzimage (KbootImage *image, const guint8 *head, gsize head_len)
{
  KbootSetupHeader *hdr = &image->hdr;
  char ver[16];
  guint end;

  /* The boot sector signature and "HdrS" say this is a Linux kernel. */
  if (head_len < KBOOT_HDR_BOOT_FLAG + 2)
    {
      kboot_image_add_problem (image, KBOOT_IMAGE_RULE_NOT_LINUX,
                               "only %" G_GSIZE_FORMAT " byte%s: too short for a "
                               "Linux kernel (its boot sector alone is 512 bytes)",
                               head_len, head_len == 1 ? "" : "s");
      return;
    }
  hdr->boot_flag = (guint16) kboot_le_get (head + KBOOT_HDR_BOOT_FLAG, 2);
  if (hdr->boot_flag != KBOOT_BOOT_FLAG_MAGIC)
    {
      kboot_image_add_problem (image, KBOOT_IMAGE_RULE_NOT_LINUX,
                               "boot_flag at offset 0x%x is 0x%04x, not 0xaa55: "
                               "not a Linux kernel image", KBOOT_HDR_BOOT_FLAG,
                               hdr->boot_flag);
      return;
    }
  if (head_len < KBOOT_HDR_VERSION + 2)
    {
      kboot_image_add_problem (image, KBOOT_IMAGE_RULE_TRUNCATED,
                               "the file is truncated at byte %" G_GSIZE_FORMAT
                               " (0x%" G_GSIZE_MODIFIER "x), inside the setup "
                               "header: its version field needs %u bytes (it "
                               "ends at 0x%x)", head_len, head_len,
                               KBOOT_HDR_VERSION + 2, KBOOT_HDR_VERSION + 2);
      return;
    }
  hdr->header = (guint32) kboot_le_get (head + KBOOT_HDR_HEADER, 4);
  hdr->version_raw = (guint16) kboot_le_get (head + KBOOT_HDR_VERSION, 2);
  if (hdr->header == KBOOT_HDRS_MAGIC && hdr->version_raw < 0x0200)
    {
      /* "HdrS" came with 2.00: such a version is no protocol at all (the
       * message once said there was no "HdrS"). */
      image->kind = KBOOT_IMAGE_KIND_OLD_ZIMAGE;
      kboot_image_add_problem (image, KBOOT_IMAGE_RULE_OLD_ZIMAGE,
                               "version 0x%04x at offset 0x%x is below 2.00, "
                               "yet \"HdrS\" at offset 0x%x says boot protocol "
                               "2.00 or later: not a setup header this probe "
                               "can read", hdr->version_raw, KBOOT_HDR_VERSION,
                               KBOOT_HDR_HEADER);
      return;
    }
  if (hdr->header != KBOOT_HDRS_MAGIC)
    {
      image->kind = KBOOT_IMAGE_KIND_OLD_ZIMAGE;
      kboot_image_add_problem (image, KBOOT_IMAGE_RULE_OLD_ZIMAGE,
                               "no \"HdrS\" setup header at offset 0x%x: a boot "
                               "sector from before boot protocol 2.00, or not "
                               "Linux", KBOOT_HDR_HEADER);
      return;
    }

  image->kind = KBOOT_IMAGE_KIND_BZIMAGE;
  /* 2.14 was burnt by a bad backport: boot.rst says to treat it as 2.13. */
  hdr->version = hdr->version_raw == 0x020e ? 0x020d : hdr->version_raw;
  kboot_header_set_defaults (hdr);
  if (!kboot_header_read (hdr, head, head_len, hdr->version))
    {
      end = kboot_header_end (hdr->version);
      image->header_needed = end;
      kboot_image_add_problem (image, KBOOT_IMAGE_RULE_TRUNCATED,
                               "the file is truncated at byte %" G_GSIZE_FORMAT
                               " (0x%" G_GSIZE_MODIFIER "x): the setup header of "
                               "boot protocol %s needs %u bytes (it ends at 0x%x)",
                               head_len, head_len,
                               kboot_image_version_string (hdr->version_raw, ver,
                                                           sizeof ver),
                               end, end);
      return;
    }

  kboot_image_derive (image, head, head_len);
  kboot_image_check_rules (image);
  if (image->problems->len == 0)
    kboot_image_place (image);
}

KbootImage *
kboot_image_probe (const guint8 *head, gsize head_len, guint64 file_size)
{
  g_autoptr(KbootImage) image = g_new0 (KbootImage, 1);

  image->problems = g_ptr_array_new_with_free_func (kboot_image_problem_free);
  image->kind = KBOOT_IMAGE_KIND_UNKNOWN;
  /* The caller may pass less than it has; never more than the file. */
  head_len = (gsize) MIN ((guint64) head_len, file_size);
  image->file_size = file_size;
  kboot_header_set_defaults (&image->hdr);

  if (!kboot_image_probe_elf (image, head, head_len))
    kboot_image_probe_bzimage (image, head, head_len);
  return g_steal_pointer (&image);
}

void
kboot_image_free (KbootImage *image)
{
  if (!image)
    return;
  g_clear_pointer (&image->problems, g_ptr_array_unref);
  g_free (image->kernel_version_string);
  g_free (image);
}

/* ---- payload format ------------------------------------------------------ */

gboolean
kboot_image_payload_range (const KbootImage *image, guint64 *offset,
                           gsize *length)
{
  if (image->kind != KBOOT_IMAGE_KIND_BZIMAGE || !image->payload_in_file
      || image->hdr.payload_length == 0)
    return FALSE;
  *offset = image->payload_file_offset;
  *length = MIN ((gsize) image->hdr.payload_length, KBOOT_IMAGE_PAYLOAD_MAGIC_MAX);
  return TRUE;
}

typedef struct {
  KbootPayloadFormat format;
  guint8 length;
  guint8 magic[8];
} KbootPayloadMagic;

/* The magic numbers of the decompressors in lib/decompress.c, and ELF for
 * CONFIG_KERNEL_UNCOMPRESSED. */
static const KbootPayloadMagic kboot_payload_magics[] = {
  { KBOOT_PAYLOAD_GZIP,  2, { 0x1f, 0x8b } },
  { KBOOT_PAYLOAD_BZIP2, 3, { 'B', 'Z', 'h' } },
  { KBOOT_PAYLOAD_LZMA,  3, { 0x5d, 0x00, 0x00 } },
  { KBOOT_PAYLOAD_XZ,    6, { 0xfd, '7', 'z', 'X', 'Z', 0x00 } },
  { KBOOT_PAYLOAD_LZO,   8, { 0x89, 'L', 'Z', 'O', 0x00, 0x0d, 0x0a, 0x1a } },
  { KBOOT_PAYLOAD_LZ4,   4, { 0x02, 0x21, 0x4c, 0x18 } },   /* legacy frame */
  { KBOOT_PAYLOAD_LZ4,   4, { 0x04, 0x22, 0x4d, 0x18 } },   /* frame format */
  { KBOOT_PAYLOAD_ZSTD,  4, { 0x28, 0xb5, 0x2f, 0xfd } },
  { KBOOT_PAYLOAD_ELF,   4, { 0x7f, 'E', 'L', 'F' } },
};

KbootPayloadFormat
kboot_payload_format_detect (const guint8 *bytes, gsize length)
{
  for (gsize i = 0; i < G_N_ELEMENTS (kboot_payload_magics); i++)
    {
      const KbootPayloadMagic *m = &kboot_payload_magics[i];

      if (length >= m->length && memcmp (bytes, m->magic, m->length) == 0)
        return m->format;
    }
  return KBOOT_PAYLOAD_UNKNOWN;
}

void
kboot_image_set_payload_magic (KbootImage *image, const guint8 *bytes,
                               gsize length)
{
  image->payload_format = kboot_payload_format_detect (bytes, length);
}

/* ---- placement ------------------------------------------------------------- */

gboolean
kboot_image_is_bootable (const KbootImage *image)
{
  return image->kind == KBOOT_IMAGE_KIND_BZIMAGE && image->problems->len == 0;
}

gboolean
kboot_image_cmdline_fits (const KbootImage *image, guint64 len)
{
  /* boot.rst: cmdline_size is "the maximum size of the command line
   * without the terminating zero" (255 before protocol 2.06). */
  return len <= image->hdr.cmdline_size;
}

gboolean
kboot_image_load_address (const KbootImage *image, guint64 min_address,
                          guint64 *address)
{
  guint64 up;

  if (!image->relocatable
      || !kboot_align_up (min_address, image->alignment, &up)
      || up >= KBOOT_FOUR_GIB)
    return FALSE;
  *address = up;
  return TRUE;
}

gboolean
kboot_image_footprint (const KbootImage *image, guint64 address,
                       guint64 *decompress, guint64 *end, GError **error)
{
  const KbootSetupHeader *hdr = &image->hdr;
  guint64 file_end, start, decomp_end;
  /* head_32.S/head_64.S round the load address up to kernel_alignment; an
   * address the image's own alignment allows needs nothing more. */
  guint64 align = kboot_is_power_of_two (hdr->kernel_alignment) ? hdr->kernel_alignment
                  : kboot_is_power_of_two (image->alignment) ? image->alignment : 1;

  if (!g_uint64_checked_add (&file_end, address, image->pm_size))
    {
      g_set_error (error, KBOOT_IMAGE_ERROR, KBOOT_IMAGE_RULE_NO_PLACEMENT,
                   "kernel at 0x%" G_GINT64_MODIFIER "x: its size 0x%"
                   G_GINT64_MODIFIER "x runs past 2^64", address, image->pm_size);
      return FALSE;
    }
  if (hdr->version < 0x020a)
    {
      /* Before 2.10 the header gives no init_size: the kernel decompresses
       * at its load address, and only the file's extent is known. */
      *decompress = address;
      *end = file_end;
      return TRUE;
    }
  /* boot.rst, init_size: the kernel needs [max(align_up(load,
   * kernel_alignment), pref_address), + init_size) to decompress and run
   * (it runs no lower than LOAD_PHYSICAL_ADDR, pref_address). */
  if (!kboot_align_up (address, align, &start))
    start = G_MAXUINT64;
  start = MAX (start, hdr->pref_address);
  if (start == G_MAXUINT64 || !g_uint64_checked_add (&decomp_end, start, hdr->init_size))
    {
      g_set_error (error, KBOOT_IMAGE_ERROR, KBOOT_IMAGE_RULE_NO_PLACEMENT,
                   "kernel at 0x%" G_GINT64_MODIFIER "x: decompression at "
                   "max(align_up(0x%" G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER
                   "x), pref_address 0x%" G_GINT64_MODIFIER "x) + init_size "
                   "0x%x runs past 2^64", address, address, align,
                   hdr->pref_address, hdr->init_size);
      return FALSE;
    }
  *decompress = start;
  *end = MAX (file_end, decomp_end);
  return TRUE;
}

gboolean
kboot_image_footprint_end (const KbootImage *image, guint64 address,
                           guint64 *end)
{
  guint64 decompress;

  return kboot_image_footprint (image, address, &decompress, end, NULL);
}

gboolean
kboot_image_check_bootable (const KbootImage *image, const char *path,
                            GError **error)
{
  g_autoptr(GString) reasons = NULL;
  const KbootImageProblem *first;

  if (kboot_image_is_bootable (image))
    return TRUE;
  if (image->problems->len == 0)
    {
      /* Not a bzImage yet no rule named: cannot happen, but never say yes. */
      g_set_error (error, KBOOT_IMAGE_ERROR, KBOOT_IMAGE_RULE_NOT_LINUX,
                   "%s: not a Linux bzImage", path);
      return FALSE;
    }
  reasons = g_string_new (NULL);
  for (guint i = 0; i < image->problems->len; i++)
    {
      const KbootImageProblem *p = g_ptr_array_index (image->problems, i);
      g_string_append_printf (reasons, "%s%s", i ? "; " : "", p->message);
    }
  first = g_ptr_array_index (image->problems, 0);
  g_set_error (error, KBOOT_IMAGE_ERROR, first->rule,
               "%s: cannot be direct-booted: %s", path, reasons->str);
  return FALSE;
}
