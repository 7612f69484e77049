/* The matrix of hostile kernel headers (issue 14): every setup-header
 * field of a bootable synthetic bzImage at its extremes, and the image cut
 * at every offset of its header and at a sample through its protected-mode
 * part, each probed as kboot_kernel_open does and recorded with its kind,
 * its verdict and its exact "[rule] message" lines in a golden file:
 *
 *   tests/image-matrix/fields.txt      one block per field and value
 *   tests/image-matrix/truncation.txt  one block per protocol and cut
 *
 * Every case is also held to the invariants of any verdict: bootable if
 * and only if no problem, check_bootable agreeing and naming the file, a
 * text report ending in its verdict's lines, JSON that is valid UTF-8 and
 * parses, and a bootable image placed below 4 GiB.
 *
 * XEN_KBOOT_TEST_REGENERATE=1 rewrites the golden files instead of
 * comparing (review the diff); a mismatch names each case that differs. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "kboot_image.h"
#include "kboot_image_proto.h"
#include "kboot_image_report.h"
#include "kboot_synth.h"
#include "kboot_util_json.h"

#define MATRIX_KERNEL "matrix-kernel"
#define MATRIX_SETUP_SECTS 4
/* A multiple of 512, so that a setup_sects value can put the
 * protected-mode part exactly at the end of the file. */
#define MATRIX_PM_SIZE 0x4000
#define FOUR_GIB G_GUINT64_CONSTANT (0x100000000)

/* ---- the fields and the values they take -------------------------------- */

/* What a field's value is measured against, for the values "around the
 * file size" that mean something for it. */
typedef enum {
  REF_NONE,
  REF_SETUP_SECTS,      /* sectors: the protected-mode part at the file's end */
  REF_PM_PARAGRAPHS,    /* syssize: the protected-mode part in 16-byte units */
  REF_SETUP_POINTER,    /* kernel_version: the end of the setup, - 0x200 */
  REF_PM_BYTES,         /* an offset or length in the protected-mode part */
} FieldRef;

typedef struct {
  const char *name;
  guint16 offset;
  guint8 width;
  gboolean address;     /* an address, alignment or size: values near 4 GiB */
  FieldRef ref;
  guint64 extra[4];     /* values that mean something for this field alone */
  guint n_extra;
} MatrixField;

/* Every field of src/kboot_image_proto.h, in file order; the table is
 * checked against the probe's own (kboot_setup_header_field). */
static const MatrixField matrix_fields[] = {
  { "setup_sects", KBOOT_HDR_SETUP_SECTS, 1, FALSE, REF_SETUP_SECTS, { 0 }, 0 },
  { "root_flags", KBOOT_HDR_ROOT_FLAGS, 2, FALSE, REF_NONE, { 0 }, 0 },
  { "syssize", KBOOT_HDR_SYSSIZE, 4, TRUE, REF_PM_PARAGRAPHS, { 0 }, 0 },
  { "ram_size", KBOOT_HDR_RAM_SIZE, 2, FALSE, REF_NONE, { 0 }, 0 },
  { "vid_mode", KBOOT_HDR_VID_MODE, 2, FALSE, REF_NONE, { 0 }, 0 },
  { "root_dev", KBOOT_HDR_ROOT_DEV, 2, FALSE, REF_NONE, { 0 }, 0 },
  { "boot_flag", KBOOT_HDR_BOOT_FLAG, 2, FALSE, REF_NONE, { 0x55aa }, 1 },
  /* 0xeb and the header's length: 0x202 + 0x6a is 2.15's end (0x26c). */
  { "jump", KBOOT_HDR_JUMP, 2, FALSE, REF_NONE, { 0x00eb, 0x69eb, 0x6aeb, 0x6b00 }, 4 },
  { "header", KBOOT_HDR_HEADER, 4, FALSE, REF_NONE, { 0x48647253 }, 1 },
  { "version", KBOOT_HDR_VERSION, 2, FALSE, REF_NONE,
    { 0x0204, 0x0205, 0x020e, 0x0300 }, 4 },
  { "realmode_swtch", KBOOT_HDR_REALMODE_SWTCH, 4, FALSE, REF_NONE, { 0 }, 0 },
  { "start_sys_seg", KBOOT_HDR_START_SYS_SEG, 2, FALSE, REF_NONE, { 0 }, 0 },
  { "kernel_version", KBOOT_HDR_KERNEL_VERSION, 2, FALSE, REF_SETUP_POINTER, { 0 }, 0 },
  { "type_of_loader", KBOOT_HDR_TYPE_OF_LOADER, 1, FALSE, REF_NONE, { 0 }, 0 },
  { "loadflags", KBOOT_HDR_LOADFLAGS, 1, FALSE, REF_NONE, { 0xfe }, 1 },
  { "setup_move_size", KBOOT_HDR_SETUP_MOVE_SIZE, 2, FALSE, REF_NONE, { 0 }, 0 },
  { "code32_start", KBOOT_HDR_CODE32_START, 4, TRUE, REF_NONE, { 0 }, 0 },
  { "ramdisk_image", KBOOT_HDR_RAMDISK_IMAGE, 4, TRUE, REF_NONE, { 0 }, 0 },
  { "ramdisk_size", KBOOT_HDR_RAMDISK_SIZE, 4, TRUE, REF_NONE, { 0 }, 0 },
  { "bootsect_kludge", KBOOT_HDR_BOOTSECT_KLUDGE, 4, FALSE, REF_NONE, { 0 }, 0 },
  { "heap_end_ptr", KBOOT_HDR_HEAP_END_PTR, 2, FALSE, REF_NONE, { 0 }, 0 },
  { "ext_loader_ver", KBOOT_HDR_EXT_LOADER_VER, 1, FALSE, REF_NONE, { 0 }, 0 },
  { "ext_loader_type", KBOOT_HDR_EXT_LOADER_TYPE, 1, FALSE, REF_NONE, { 0 }, 0 },
  { "cmd_line_ptr", KBOOT_HDR_CMD_LINE_PTR, 4, TRUE, REF_NONE, { 0 }, 0 },
  { "initrd_addr_max", KBOOT_HDR_INITRD_ADDR_MAX, 4, TRUE, REF_NONE, { 0 }, 0 },
  { "kernel_alignment", KBOOT_HDR_KERNEL_ALIGNMENT, 4, TRUE, REF_NONE,
    { 0x100000, 0x200001, 0x40000000 }, 3 },
  { "relocatable_kernel", KBOOT_HDR_RELOCATABLE_KERNEL, 1, FALSE, REF_NONE, { 0 }, 0 },
  { "min_alignment", KBOOT_HDR_MIN_ALIGNMENT, 1, FALSE, REF_NONE, { 22, 31, 32, 64 }, 4 },
  { "xloadflags", KBOOT_HDR_XLOADFLAGS, 2, FALSE, REF_NONE, { 0 }, 0 },
  { "cmdline_size", KBOOT_HDR_CMDLINE_SIZE, 4, TRUE, REF_NONE, { 0 }, 0 },
  { "hardware_subarch", KBOOT_HDR_HARDWARE_SUBARCH, 4, FALSE, REF_NONE, { 0 }, 0 },
  { "hardware_subarch_data", KBOOT_HDR_HARDWARE_SUBARCH_DATA, 8, TRUE, REF_NONE, { 0 }, 0 },
  { "payload_offset", KBOOT_HDR_PAYLOAD_OFFSET, 4, TRUE, REF_PM_BYTES, { 0 }, 0 },
  { "payload_length", KBOOT_HDR_PAYLOAD_LENGTH, 4, TRUE, REF_PM_BYTES, { 0 }, 0 },
  { "setup_data", KBOOT_HDR_SETUP_DATA, 8, TRUE, REF_NONE, { 0 }, 0 },
  { "pref_address", KBOOT_HDR_PREF_ADDRESS, 8, TRUE, REF_NONE, { 0 }, 0 },
  { "init_size", KBOOT_HDR_INIT_SIZE, 4, TRUE, REF_PM_BYTES, { 0 }, 0 },
  { "handover_offset", KBOOT_HDR_HANDOVER_OFFSET, 4, TRUE, REF_PM_BYTES, { 0 }, 0 },
  { "kernel_info_offset", KBOOT_HDR_KERNEL_INFO_OFFSET, 4, TRUE, REF_PM_BYTES, { 0 }, 0 },
};

typedef struct {
  guint64 file_size;
  guint64 setup_size;
  guint64 pm_size;
} MatrixImage;

static guint64
width_max (guint width)
{
  return width == 8 ? G_MAXUINT64 : (G_GUINT64_CONSTANT (1) << (width * 8)) - 1;
}

/* The field's reference value ("around the file size"), FALSE if none. */
static gboolean
field_reference (const MatrixField *f, const MatrixImage *img, guint64 *ref)
{
  switch (f->ref)
    {
    case REF_SETUP_SECTS: *ref = img->file_size / KBOOT_SECTOR_SIZE - 1; return TRUE;
    case REF_PM_PARAGRAPHS: *ref = img->pm_size / 16; return TRUE;
    case REF_SETUP_POINTER: *ref = img->setup_size - 0x200; return TRUE;
    case REF_PM_BYTES: *ref = img->pm_size; return TRUE;
    case REF_NONE: break;
    }
  return FALSE;
}

/* A value generator: FALSE when it means nothing for the field. */
typedef gboolean (*MatrixValueFn) (const MatrixField *f, const MatrixImage *img,
                                   guint64 *value);

static gboolean
gen_zero (const MatrixField *f, const MatrixImage *img, guint64 *v)
{ *v = 0; return TRUE; }
static gboolean
gen_one (const MatrixField *f, const MatrixImage *img, guint64 *v)
{ *v = 1; return TRUE; }
static gboolean
gen_max_minus_one (const MatrixField *f, const MatrixImage *img, guint64 *v)
{ *v = width_max (f->width) - 1; return TRUE; }
static gboolean
gen_max (const MatrixField *f, const MatrixImage *img, guint64 *v)
{ *v = width_max (f->width); return TRUE; }
static gboolean
gen_sign (const MatrixField *f, const MatrixImage *img, guint64 *v)
{ *v = G_GUINT64_CONSTANT (1) << (f->width * 8 - 1); return TRUE; }

/* Near 4 GiB, for addresses and sizes, where the width holds it. */
static gboolean
gen_near_4g (const MatrixField *f, gint64 delta, guint64 *v)
{
  guint64 value = FOUR_GIB + (guint64) delta;

  if (!f->address || value > width_max (f->width))
    return FALSE;
  *v = value;
  return TRUE;
}
static gboolean
gen_4g_minus_2m (const MatrixField *f, const MatrixImage *img, guint64 *v)
{ return gen_near_4g (f, -0x200000, v); }
static gboolean
gen_4g_minus_4k (const MatrixField *f, const MatrixImage *img, guint64 *v)
{ return gen_near_4g (f, -0x1000, v); }
static gboolean
gen_4g_minus_1 (const MatrixField *f, const MatrixImage *img, guint64 *v)
{ return gen_near_4g (f, -1, v); }
static gboolean
gen_4g (const MatrixField *f, const MatrixImage *img, guint64 *v)
{ return gen_near_4g (f, 0, v); }
static gboolean
gen_4g_plus_1 (const MatrixField *f, const MatrixImage *img, guint64 *v)
{ return gen_near_4g (f, 1, v); }

/* Around the file size, in the field's own unit. */
static gboolean
gen_near_ref (const MatrixField *f, const MatrixImage *img, gint64 delta, guint64 *v)
{
  guint64 ref;

  if (!field_reference (f, img, &ref))
    return FALSE;
  *v = ref + (guint64) delta;
  return *v <= width_max (f->width);
}
static gboolean
gen_ref_minus_1 (const MatrixField *f, const MatrixImage *img, guint64 *v)
{ return gen_near_ref (f, img, -1, v); }
static gboolean
gen_ref (const MatrixField *f, const MatrixImage *img, guint64 *v)
{ return gen_near_ref (f, img, 0, v); }
static gboolean
gen_ref_plus_1 (const MatrixField *f, const MatrixImage *img, guint64 *v)
{ return gen_near_ref (f, img, 1, v); }

typedef struct {
  const char *name;
  MatrixValueFn fn;
} MatrixValue;

static const MatrixValue matrix_values[] = {
  { "zero", gen_zero },
  { "one", gen_one },
  { "max-1", gen_max_minus_one },
  { "max", gen_max },
  { "sign", gen_sign },
  { "4G-2M", gen_4g_minus_2m },
  { "4G-4K", gen_4g_minus_4k },
  { "4G-1", gen_4g_minus_1 },
  { "4G", gen_4g },
  { "4G+1", gen_4g_plus_1 },
  { "file-1", gen_ref_minus_1 },
  { "file", gen_ref },
  { "file+1", gen_ref_plus_1 },
};

/* ---- one case: probe, invariants, record ------------------------------------ */

/* Probe @data (the whole file, @len bytes) as kboot_kernel_open does: its
 * head, then the payload's magic where the header points to it. */
static KbootImage *
matrix_probe (const guint8 *data, gsize len, const char *case_name)
{
  KbootImage *image = kboot_image_probe (data, MIN (len, KBOOT_IMAGE_HEAD_MAX), len);
  guint64 off = 0;
  gsize magic_len = 0;

  if (kboot_image_payload_range (image, &off, &magic_len))
    {
      /* kboot_kernel_open reads it with read_exact: it must be in the file. */
      if (off > len || magic_len > len - off)
        g_error ("%s: payload magic at 0x%" G_GINT64_MODIFIER "x (+%" G_GSIZE_FORMAT
                 ") is outside the 0x%" G_GSIZE_MODIFIER "x-byte file", case_name,
                 off, magic_len, len);
      kboot_image_set_payload_magic (image, data + off, magic_len);
    }
  return image;
}

static void
check_json (const KbootImage *image, const char *case_name)
{
  g_autoptr(JsonBuilder) json = json_builder_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  JsonObject *root;

  kboot_image_report_json (json, image, MATRIX_KERNEL);
  text = kboot_json_to_text (json);
  if (!g_utf8_validate (text, -1, NULL))
    g_error ("%s: the JSON report is not UTF-8:\n%s", case_name, text);
  if (!json_parser_load_from_data (parser, text, -1, &error))
    g_error ("%s: the JSON report does not parse: %s\n%s", case_name,
             error->message, text);
  root = json_node_get_object (json_parser_get_root (parser));
  if (json_object_get_boolean_member (root, "bootable") != kboot_image_is_bootable (image)
      || json_array_get_length (json_object_get_array_member (root, "problems"))
         != image->problems->len)
    g_error ("%s: the JSON report disagrees with the verdict:\n%s", case_name, text);
}

/* The invariants of every verdict, whatever the header holds. */
static void
check_invariants (const KbootImage *image, const char *case_name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = kboot_image_report_text (image, MATRIX_KERNEL);
  gboolean bootable = kboot_image_is_bootable (image);

  if (bootable != (image->problems->len == 0))
    g_error ("%s: bootable %d with %u problems", case_name, bootable,
             image->problems->len);
  if (kboot_image_check_bootable (image, MATRIX_KERNEL, &error) != bootable)
    g_error ("%s: check_bootable disagrees with is_bootable", case_name);
  if (!bootable)
    {
      const KbootImageProblem *first = g_ptr_array_index (image->problems, 0);

      if (!g_error_matches (error, KBOOT_IMAGE_ERROR, (gint) first->rule)
          || !g_str_has_prefix (error->message, MATRIX_KERNEL ": cannot be direct-booted: ")
          || !strstr (error->message, first->message))
        g_error ("%s: check_bootable's error does not name the file and the "
                 "first rule: %s", case_name, error ? error->message : "(none)");
    }
  else
    {
      if (image->kind != KBOOT_IMAGE_KIND_BZIMAGE
          || image->load_address < KBOOT_KERNEL_BASE
          || image->load_address % image->alignment != 0
          || image->footprint_end <= image->load_address
          || image->footprint_end > FOUR_GIB)
        g_error ("%s: bootable at 0x%" G_GINT64_MODIFIER "x up to 0x%"
                 G_GINT64_MODIFIER "x (alignment 0x%" G_GINT64_MODIFIER "x)",
                 case_name, image->load_address, image->footprint_end,
                 image->alignment);
    }
  if (!g_str_has_suffix (text, "\n") || !strstr (text, "\nverdict:")
      || !strstr (text, MATRIX_KERNEL))
    g_error ("%s: the text report lacks its verdict or the file's name:\n%s",
             case_name, text);
  check_json (image, case_name);
}

/* The text report's verdict, without its column padding. */
static char *
verdict_of (const KbootImage *image)
{
  g_autofree char *text = kboot_image_report_text (image, MATRIX_KERNEL);
  const char *line = strstr (text, "\nverdict:") + 1;
  const char *value = line + strlen ("verdict:");
  const char *eol = strchr (value, '\n');

  while (*value == ' ')
    value++;
  return g_strndup (value, (gsize) (eol - value));
}

/* "KEY => kind, verdict" and the problems, one "  [rule] message" a line. */
static void
record_case (GString *out, const char *key, const KbootImage *image)
{
  g_autofree char *verdict = verdict_of (image);

  g_string_append_printf (out, "%s => %s; %s\n", key,
                          kboot_image_kind_to_string (image->kind), verdict);
  for (guint i = 0; i < image->problems->len; i++)
    {
      const KbootImageProblem *p = g_ptr_array_index (image->problems, i);

      g_string_append_printf (out, "  [%s] %s\n",
                              kboot_image_rule_to_string (p->rule), p->message);
    }
}

/* ---- golden files ------------------------------------------------------------ */

static gboolean
regenerate (void)
{
  return g_strcmp0 (g_getenv ("XEN_KBOOT_TEST_REGENERATE"), "1") == 0;
}

/* The blocks of a golden text by their key (the text before " => "). */
static GHashTable *
blocks_by_key (const char *text, GPtrArray *order)
{
  GHashTable *blocks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GString) block = NULL;
  g_autofree char *key = NULL;

  for (guint i = 0; ; i++)
    {
      const char *line = lines[i];

      if ((!line || (line[0] && line[0] != ' ' && line[0] != '#')) && key)
        {
          if (order)
            g_ptr_array_add (order, g_strdup (key));
          g_hash_table_replace (blocks, g_steal_pointer (&key),
                                g_string_free (g_steal_pointer (&block), FALSE));
        }
      if (!line)
        break;
      if (line[0] && line[0] != ' ' && line[0] != '#')
        {
          const char *arrow = strstr (line, " => ");

          key = g_strndup (line, arrow ? (gsize) (arrow - line) : strlen (line));
          block = g_string_new (NULL);
        }
      if (block && line[0] != '#')
        g_string_append_printf (block, "%s\n", line);
    }
  return blocks;
}

static void
print_lines (const char *prefix, const char *block)
{
  g_auto(GStrv) lines = g_strsplit (block ? block : "", "\n", -1);

  for (guint i = 0; lines[i]; i++)
    if (lines[i][0])
      printf ("# %s%s\n", prefix, lines[i]);
}

static void
compare_or_regenerate (const char *file, const char *got)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "image-matrix", file, NULL);
  g_autofree char *want = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) got_blocks = NULL, want_blocks = NULL;
  g_autoptr(GPtrArray) got_order = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) want_order = g_ptr_array_new_with_free_func (g_free);
  guint differ = 0;

  if (regenerate ())
    {
      g_assert_true (g_file_set_contents (path, got, -1, &error));
      printf ("# regenerated %s\n", path);
      return;
    }
  if (!g_file_get_contents (path, &want, NULL, &error))
    g_error ("%s: %s (write it with XEN_KBOOT_TEST_REGENERATE=1 and review "
             "the result)", path, error->message);
  if (strcmp (got, want) == 0)
    return;

  got_blocks = blocks_by_key (got, got_order);
  want_blocks = blocks_by_key (want, want_order);
  for (guint i = 0; i < got_order->len; i++)
    {
      const char *key = g_ptr_array_index (got_order, i);
      const char *g = g_hash_table_lookup (got_blocks, key);
      const char *w = g_hash_table_lookup (want_blocks, key);

      if (g_strcmp0 (g, w) == 0)
        continue;
      differ++;
      printf ("# %s: case %s differs\n# --- want\n# +++ got\n", file, key);
      print_lines ("-", w ? w : "(no such case in the golden file)");
      print_lines ("+", g);
    }
  for (guint i = 0; i < want_order->len; i++)
    {
      const char *key = g_ptr_array_index (want_order, i);

      if (!g_hash_table_contains (got_blocks, key))
        {
          differ++;
          printf ("# %s: case %s is no longer produced\n", file, key);
          print_lines ("-", g_hash_table_lookup (want_blocks, key));
        }
    }
  if (differ == 0)
    printf ("# %s: the cases agree but the file differs (order or comments)\n", file);
  g_test_fail_printf ("%s: %u case(s) differ from the golden file (regenerate "
                      "with XEN_KBOOT_TEST_REGENERATE=1 and review the diff)",
                      path, differ);
}

/* ---- the matrices ----------------------------------------------------------- */

static KbootSynth *
matrix_synth (guint16 version, MatrixImage *img)
{
  KbootSynth *s = kboot_synth_new (version, MATRIX_SETUP_SECTS, MATRIX_PM_SIZE);

  /* syssize as the kernel's build writes it (the synth leaves it 0). */
  kboot_synth_put (s, KBOOT_HDR_SYSSIZE, 4, MATRIX_PM_SIZE / 16);
  img->file_size = s->len;
  img->setup_size = (MATRIX_SETUP_SECTS + 1) * KBOOT_SECTOR_SIZE;
  img->pm_size = MATRIX_PM_SIZE;
  return s;
}

static void
test_table_is_the_header (void)
{
  /* Every field the probe knows, with the same offset and width. */
  g_assert_cmpuint (G_N_ELEMENTS (matrix_fields), ==, kboot_setup_header_n_fields ());
  for (gsize i = 0; i < G_N_ELEMENTS (matrix_fields); i++)
    {
      const KbootHeaderFieldInfo *info = kboot_setup_header_field (i);

      g_assert_cmpstr (matrix_fields[i].name, ==, info->name);
      g_assert_cmpuint (matrix_fields[i].offset, ==, info->offset);
      g_assert_cmpuint (matrix_fields[i].width, ==, info->width);
    }
  g_assert_cmpuint (matrix_fields[G_N_ELEMENTS (matrix_fields) - 1].offset
                    + matrix_fields[G_N_ELEMENTS (matrix_fields) - 1].width, ==,
                    KBOOT_HDR_END);
}

static void
field_case (GString *out, const KbootSynth *base, const MatrixField *f,
            const char *value_name, guint64 value)
{
  g_autofree guint8 *data = g_memdup2 (base->data, base->len);
  KbootSynth poked = { data, base->len };
  g_autofree char *key = g_strdup_printf ("%s @0x%03x u%u = 0x%" G_GINT64_MODIFIER
                                          "x (%s)", f->name, f->offset,
                                          f->width * 8, value, value_name);
  g_autoptr(KbootImage) image = NULL;

  kboot_synth_put (&poked, f->offset, f->width, value);
  image = matrix_probe (data, base->len, key);
  check_invariants (image, key);
  record_case (out, key, image);
}

static void
test_fields (void)
{
  MatrixImage img;
  g_autoptr(KbootSynth) s = matrix_synth (0x020f, &img);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(KbootImage) baseline = matrix_probe (s->data, s->len, "baseline");
  guint n_cases = 0;

  g_assert_true (kboot_image_is_bootable (baseline));
  g_string_append_printf (out, "# tests/test-image-matrix: every setup-header field "
                          "of a bootable protocol 2.15 bzImage (%u setup sectors, "
                          "0x%" G_GINT64_MODIFIER "x bytes of protected mode, "
                          "file 0x%" G_GINT64_MODIFIER "x bytes) at its extremes.\n"
                          "# FIELD @OFFSET WIDTH = VALUE (GENERATOR) => KIND; "
                          "VERDICT, then its problems.\n",
                          MATRIX_SETUP_SECTS, img.pm_size, img.file_size);
  record_case (out, "baseline", baseline);
  check_invariants (baseline, "baseline");

  for (gsize i = 0; i < G_N_ELEMENTS (matrix_fields); i++)
    {
      const MatrixField *f = &matrix_fields[i];
      g_autoptr(GArray) done = g_array_new (FALSE, FALSE, sizeof (guint64));

      for (gsize g = 0; g < G_N_ELEMENTS (matrix_values) + f->n_extra; g++)
        {
          guint64 value;
          const char *name;
          gboolean seen = FALSE;

          if (g < G_N_ELEMENTS (matrix_values))
            {
              name = matrix_values[g].name;
              if (!matrix_values[g].fn (f, &img, &value))
                continue;
            }
          else
            {
              name = "field";
              value = f->extra[g - G_N_ELEMENTS (matrix_values)];
            }
          /* A value two generators give is one case. */
          for (guint d = 0; d < done->len; d++)
            seen |= g_array_index (done, guint64, d) == value;
          if (seen)
            continue;
          g_array_append_val (done, value);
          field_case (out, s, f, name, value);
          n_cases++;
        }
    }
  g_test_message ("%u field cases", n_cases);
  compare_or_regenerate ("fields.txt", out->str);
}

static void
truncation_case (GString *out, const KbootSynth *base, const char *version_name,
                 gsize cut)
{
  /* An exact-size copy: a read past the cut is a memory error (ASan). */
  g_autofree guint8 *data = g_memdup2 (base->data, cut);
  g_autofree char *key = g_strdup_printf ("%s cut %" G_GSIZE_FORMAT " (0x%"
                                          G_GSIZE_MODIFIER "x)", version_name,
                                          cut, cut);
  g_autoptr(KbootImage) image = matrix_probe (data, cut, key);

  check_invariants (image, key);
  /* syssize is rounded up to a paragraph: only the last 15 bytes can go
   * unnoticed (where the payload does not reach them). */
  if (cut + 15 < base->len && kboot_image_is_bootable (image))
    g_error ("%s: a cut image is bootable", key);
  record_case (out, key, image);
}

static void
test_truncation (void)
{
  static const guint16 versions[] = { 0x0205, 0x020a, 0x020f };
  g_autoptr(GString) out = g_string_new (NULL);

  g_string_append_printf (out, "# tests/test-image-matrix: a bootable bzImage "
                          "(%u setup sectors, 0x%x bytes of protected mode) cut "
                          "at every offset up to 0x%x, every 512 bytes after, and "
                          "in its last 16 bytes; the full file last.\n"
                          "# PROTOCOL cut LENGTH => KIND; VERDICT, then its problems.\n",
                          MATRIX_SETUP_SECTS, MATRIX_PM_SIZE, KBOOT_HDR_END + 16);
  for (gsize v = 0; v < G_N_ELEMENTS (versions); v++)
    {
      MatrixImage img;
      g_autoptr(KbootSynth) s = matrix_synth (versions[v], &img);
      char name[16];

      kboot_image_version_string (versions[v], name, sizeof name);
      for (gsize cut = 0; cut <= KBOOT_HDR_END + 16; cut++)
        truncation_case (out, s, name, cut);
      for (gsize cut = KBOOT_SECTOR_SIZE * 2; cut < s->len - 16; cut += KBOOT_SECTOR_SIZE)
        if (cut > KBOOT_HDR_END + 16)
          truncation_case (out, s, name, cut);
      for (gsize cut = s->len - 16; cut <= s->len; cut++)
        truncation_case (out, s, name, cut);
    }
  compare_or_regenerate ("truncation.txt", out->str);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kboot/image-matrix/table", test_table_is_the_header);
  g_test_add_func ("/kboot/image-matrix/fields", test_fields);
  g_test_add_func ("/kboot/image-matrix/truncation", test_truncation);
  return g_test_run ();
}
