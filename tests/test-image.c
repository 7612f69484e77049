/* Unit tests of the kernel image probe (src/kboot_image.c) on synthetic
 * headers.  Offsets are typed from boot.rst here, independently of the
 * table in the code under test. */
#include "config.h"

#include <string.h>

#include "kboot_image.h"
#include "kboot_synth.h"

static KbootImage *
probe_synth (const KbootSynth *s)
{
  KbootImage *image = kboot_image_probe (s->data, MIN (s->len, KBOOT_IMAGE_HEAD_MAX),
                                         s->len);
  guint64 off;
  gsize len;

  if (kboot_image_payload_range (image, &off, &len))
    {
      g_assert_cmpuint (off + len, <=, s->len);
      kboot_image_set_payload_magic (image, s->data + off, len);
    }
  return image;
}

static char *
problems_joined (const KbootImage *image)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < image->problems->len; i++)
    {
      const KbootImageProblem *p = g_ptr_array_index (image->problems, i);
      g_string_append_printf (s, "%s[%s] %s", i ? "\n" : "",
                              kboot_image_rule_to_string (p->rule), p->message);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* ---- every field, at every protocol version ----------------------------- */

typedef struct {
  const char *name;
  gsize offset;
  guint width;
  guint16 since;
} FieldSpec;

/* boot.rst, "The real-mode kernel header". */
static const FieldSpec field_specs[] = {
  { "setup_sects", 0x1f1, 1, 0x0000 },
  { "root_flags", 0x1f2, 2, 0x0000 },
  { "syssize", 0x1f4, 4, 0x0000 },
  { "ram_size", 0x1f8, 2, 0x0000 },
  { "vid_mode", 0x1fa, 2, 0x0000 },
  { "root_dev", 0x1fc, 2, 0x0000 },
  { "realmode_swtch", 0x208, 4, 0x0200 },
  { "start_sys_seg", 0x20c, 2, 0x0200 },
  { "type_of_loader", 0x210, 1, 0x0200 },
  { "setup_move_size", 0x212, 2, 0x0200 },
  { "ramdisk_image", 0x218, 4, 0x0200 },
  { "ramdisk_size", 0x21c, 4, 0x0200 },
  { "bootsect_kludge", 0x220, 4, 0x0200 },
  { "heap_end_ptr", 0x224, 2, 0x0201 },
  { "ext_loader_ver", 0x226, 1, 0x0202 },
  { "ext_loader_type", 0x227, 1, 0x0202 },
  { "cmd_line_ptr", 0x228, 4, 0x0202 },
  { "initrd_addr_max", 0x22c, 4, 0x0203 },
  { "kernel_alignment", 0x230, 4, 0x0205 },
  { "relocatable_kernel", 0x234, 1, 0x0205 },
  { "min_alignment", 0x235, 1, 0x020a },
  { "xloadflags", 0x236, 2, 0x020c },
  { "cmdline_size", 0x238, 4, 0x0206 },
  { "hardware_subarch", 0x23c, 4, 0x0207 },
  { "hardware_subarch_data", 0x240, 8, 0x0207 },
  { "payload_offset", 0x248, 4, 0x0208 },
  { "payload_length", 0x24c, 4, 0x0208 },
  { "setup_data", 0x250, 8, 0x0209 },
  { "pref_address", 0x258, 8, 0x020a },
  { "init_size", 0x260, 4, 0x020a },
  { "handover_offset", 0x264, 4, 0x020b },
  { "kernel_info_offset", 0x268, 4, 0x020f },
};

static guint64
header_value (const KbootImage *image, const char *name)
{
  for (gsize i = 0; i < kboot_setup_header_n_fields (); i++)
    if (strcmp (kboot_setup_header_field (i)->name, name) == 0)
      return kboot_setup_header_get (&image->hdr, i);
  g_error ("no header field %s", name);
}

static gboolean
header_has_field (const char *name)
{
  for (gsize i = 0; i < kboot_setup_header_n_fields (); i++)
    if (strcmp (kboot_setup_header_field (i)->name, name) == 0)
      return TRUE;
  return FALSE;
}

static void
test_every_field (void)
{
  /* The code's table lists exactly boot.rst's fields. */
  g_assert_cmpuint (kboot_setup_header_n_fields (), ==, G_N_ELEMENTS (field_specs) + 7);
  for (gsize f = 0; f < G_N_ELEMENTS (field_specs); f++)
    g_assert_true (header_has_field (field_specs[f].name));

  for (guint16 version = 0x0200; version <= 0x020f; version++)
    {
      g_autoptr(KbootSynth) s = kboot_synth_new (version, 4, 0x10000);
      g_autoptr(KbootImage) image = NULL;

      /* A distinct pattern in every field (setup_sects kept valid). */
      for (gsize f = 1; f < G_N_ELEMENTS (field_specs); f++)
        kboot_synth_put (s, field_specs[f].offset, field_specs[f].width,
                         G_GUINT64_CONSTANT (0x0102030405060708) + f * 0x11);
      image = probe_synth (s);
      g_assert_cmpint (image->kind, ==, KBOOT_IMAGE_KIND_BZIMAGE);
      g_assert_cmpuint (image->hdr.version_raw, ==, version);
      g_assert_cmpuint (image->hdr.version, ==, version == 0x020e ? 0x020d : version);

      for (gsize f = 1; f < G_N_ELEMENTS (field_specs); f++)
        {
          const FieldSpec *spec = &field_specs[f];
          guint16 effective = version == 0x020e ? 0x020d : version;
          guint64 want;

          if (spec->since <= effective)
            want = kboot_synth_get (s, spec->offset, spec->width);
          else if (strcmp (spec->name, "initrd_addr_max") == 0)
            want = 0x37FFFFFF;        /* boot.rst default before 2.03 */
          else if (strcmp (spec->name, "cmdline_size") == 0)
            want = 255;               /* default before 2.06 */
          else
            want = 0;
          if (header_value (image, spec->name) != want)
            g_error ("protocol 0x%04x field %s: got 0x%" G_GINT64_MODIFIER
                     "x, want 0x%" G_GINT64_MODIFIER "x", version, spec->name,
                     header_value (image, spec->name), want);
        }
    }
}

static void
test_real_shape (void)
{
  g_autoptr(KbootSynth) s = kboot_synth_new (0x020f, 39, 0x200000);
  g_autoptr(KbootImage) image = probe_synth (s);
  g_autofree char *problems = problems_joined (image);

  g_assert_cmpstr (problems, ==, "");
  g_assert_true (kboot_image_is_bootable (image));
  g_assert_cmpuint (image->setup_sectors, ==, 39);
  g_assert_cmpuint (image->setup_size, ==, 40 * 512);
  g_assert_cmpuint (image->pm_offset, ==, 40 * 512);
  g_assert_cmpuint (image->pm_size, ==, 0x200000);
  g_assert_true (image->relocatable);
  g_assert_cmpuint (image->alignment, ==, 0x200000);
  g_assert_cmpstr (image->kernel_version_string, ==, "6.1.0-synthetic (test) #1");
  g_assert_cmpint (image->payload_format, ==, KBOOT_PAYLOAD_XZ);
  g_assert_cmpuint (image->payload_file_offset, ==, 40 * 512 + 0x100);
  g_assert_cmpuint (image->load_address, ==, 0x200000);
  /* Decompression: max(align_up(0x200000, 2M), pref 0x1000000) + 16 MiB. */
  g_assert_cmpuint (image->footprint_end, ==, 0x2000000);
}

static void
test_setup_sects_zero_means_four (void)
{
  g_autoptr(KbootSynth) s = kboot_synth_new (0x020f, 0, 0x10000);
  g_autoptr(KbootImage) image = probe_synth (s);

  g_assert_cmpuint (image->hdr.setup_sects, ==, 0);
  g_assert_cmpuint (image->setup_sectors, ==, 4);
  g_assert_cmpuint (image->pm_offset, ==, 5 * 512);
  g_assert_true (kboot_image_is_bootable (image));
}

/* ---- rules and their messages -------------------------------------------- */

typedef struct {
  gsize offset;
  guint width;
  guint64 value;
} Poke;

typedef struct {
  const char *name;
  guint16 version;
  guint8 setup_sects;
  gsize pm_size;
  gssize truncate_to;          /* -1: keep the whole image */
  Poke pokes[4];
  guint n_pokes;
  KbootImageKind kind;
  const char *problems;        /* "[rule] message" lines, "" when bootable */
} RuleCase;

static const RuleCase rule_cases[] = {
  { "bootable-2.05", 0x0205, 4, 0x10000, -1, {{0}}, 0, KBOOT_IMAGE_KIND_BZIMAGE, "" },
  { "bootable-2.14-as-2.13", 0x020e, 4, 0x10000, -1, {{0}}, 0, KBOOT_IMAGE_KIND_BZIMAGE, "" },
  { "protocol-2.04", 0x0204, 4, 0x10000, -1, {{0}}, 0, KBOOT_IMAGE_KIND_BZIMAGE,
    "[protocol-too-old] boot protocol 2.04 predates relocatable kernels (2.05 needed)" },
  { "protocol-2.00", 0x0200, 4, 0x10000, -1, {{0}}, 0, KBOOT_IMAGE_KIND_BZIMAGE,
    "[protocol-too-old] boot protocol 2.00 predates relocatable kernels (2.05 needed)" },
  { "not-relocatable", 0x020f, 4, 0x10000, -1, {{ 0x234, 1, 0 }}, 1, KBOOT_IMAGE_KIND_BZIMAGE,
    "[not-relocatable] relocatable_kernel is 0 at offset 0x234: built without "
    "CONFIG_RELOCATABLE, it cannot be loaded at 0x200000" },
  { "no-32bit-entry", 0x020f, 4, 0x10000, -1, {{ 0x214, 4, 0 }}, 1, KBOOT_IMAGE_KIND_BZIMAGE,
    "[no-32bit-entry] code32_start is 0 at offset 0x214: the image has no 32-bit "
    "entry point (it expects the 16-bit real-mode entry)" },
  { "zimage", 0x020f, 4, 0x10000, -1, {{ 0x211, 1, 0 }}, 1, KBOOT_IMAGE_KIND_BZIMAGE,
    "[not-loaded-high] loadflags 0x00 at offset 0x211 lacks LOADED_HIGH (0x01): "
    "a zImage that must be loaded at 0x10000" },
  { "alignment-not-power-of-two", 0x0209, 4, 0x10000, -1, {{ 0x230, 4, 0x300000 }}, 1,
    KBOOT_IMAGE_KIND_BZIMAGE,
    "[bad-alignment] kernel_alignment 0x300000 at offset 0x230 is not a power of two" },
  { "alignment-zero", 0x0209, 4, 0x10000, -1, {{ 0x230, 4, 0 }}, 1,
    KBOOT_IMAGE_KIND_BZIMAGE,
    "[bad-alignment] kernel_alignment 0x0 at offset 0x230 is not a power of two" },
  { "alignment-below-min", 0x020f, 4, 0x10000, -1, {{ 0x230, 4, 0x1000 }}, 1,
    KBOOT_IMAGE_KIND_BZIMAGE,
    "[bad-alignment] kernel_alignment 0x1000 at offset 0x230 is below the minimum "
    "2^21 that min_alignment at offset 0x235 requires" },
  { "min-alignment-huge", 0x020f, 4, 0x10000, -1, {{ 0x235, 1, 40 }}, 1,
    KBOOT_IMAGE_KIND_BZIMAGE,
    "[bad-min-alignment] min_alignment 40 at offset 0x235 asks for an alignment "
    "of 2^40 bytes, above 2 GiB" },
  /* Issue 14's header matrix (tests/test-image-matrix.c) found these. */
  { "hdrs-version-below-2.00", 0x020f, 4, 0x10000, -1, {{ 0x206, 2, 0x0001 }}, 1,
    KBOOT_IMAGE_KIND_OLD_ZIMAGE,
    "[no-setup-header] version 0x0001 at offset 0x206 is below 2.00, yet \"HdrS\" "
    "at offset 0x202 says boot protocol 2.00 or later: not a setup header this "
    "probe can read" },
  { "jump-short-header", 0x020f, 4, 0x10000, -1, {{ 0x200, 2, 0x00eb }}, 1,
    KBOOT_IMAGE_KIND_BZIMAGE,
    "[short-header] jump 0x00eb at offset 0x200 says the setup header ends at 0x202 "
    "(0x202 + its second byte), before the end of the fields of boot protocol 2.15 "
    "(0x26c): the kernel would not see them in boot_params" },
  { "jump-one-byte-short", 0x020a, 4, 0x10000, -1, {{ 0x200, 2, 0x61eb }}, 1,
    KBOOT_IMAGE_KIND_BZIMAGE,
    "[short-header] jump 0x61eb at offset 0x200 says the setup header ends at 0x263 "
    "(0x202 + its second byte), before the end of the fields of boot protocol 2.10 "
    "(0x264): the kernel would not see them in boot_params" },
  { "syssize-past-end", 0x0205, 4, 0x10000, -1, {{ 0x1f4, 4, 0x1001 }}, 1,
    KBOOT_IMAGE_KIND_BZIMAGE,
    "[truncated] syssize 0x1001 at offset 0x1f4 says the protected-mode kernel is "
    "0x10010 bytes, but the file holds only 0x10000 after its setup: the file is "
    "truncated" },
  /* The build rounds syssize up to a paragraph: 15 bytes short is whole. */
  { "syssize-rounded-up", 0x020f, 4, 0x10000 - 15, -1, {{ 0x1f4, 4, 0x1000 }}, 1,
    KBOOT_IMAGE_KIND_BZIMAGE, "" },
  { "setup-past-end", 0x020f, 200, 0, 0x1000, {{0}}, 0, KBOOT_IMAGE_KIND_BZIMAGE,
    "[setup-past-end] setup_sects 200 puts the protected-mode kernel past the end "
    "of the file (it would start at 0x19200; the file is 0x1000 bytes)" },
  { "setup-255-past-end", 0x020f, 255, 0, 0x20000, {{0}}, 0, KBOOT_IMAGE_KIND_BZIMAGE,
    "[setup-past-end] setup_sects 255 puts the protected-mode kernel past the end "
    "of the file (it would start at 0x20000; the file is 0x20000 bytes)" },
  { "payload-overflow", 0x020f, 4, 0x10000, -1,
    {{ 0x248, 4, 0xffffffff }, { 0x24c, 4, 0xffffffff }}, 2, KBOOT_IMAGE_KIND_BZIMAGE,
    "[payload-past-end] payload_offset 0xffffffff + payload_length 0xffffffff run "
    "past the end of the protected-mode kernel (0x10000 bytes)" },
  { "payload-past-end", 0x020f, 4, 0x10000, -1, {{ 0x24c, 4, 0x10000 }}, 1,
    KBOOT_IMAGE_KIND_BZIMAGE,
    "[payload-past-end] payload_offset 0x100 + payload_length 0x10000 run past the "
    "end of the protected-mode kernel (0x10000 bytes)" },
  { "init-size-past-4g", 0x020f, 4, 0x10000, -1, {{ 0x260, 4, 0xffffffff }}, 1,
    KBOOT_IMAGE_KIND_BZIMAGE,
    "[no-placement] no load address at or above 0x200000 aligned to 0x200000 "
    "leaves room below 4 GiB for the kernel (0x10000 bytes, init_size 0xffffffff, "
    "pref_address 0x1000000)" },
  { "pref-address-near-2^64", 0x020f, 4, 0x10000, -1,
    {{ 0x258, 8, G_GUINT64_CONSTANT (0xfffffffffffff000) }}, 1, KBOOT_IMAGE_KIND_BZIMAGE,
    "[no-placement] no load address at or above 0x200000 aligned to 0x200000 "
    "leaves room below 4 GiB for the kernel (0x10000 bytes, init_size 0x1000000, "
    "pref_address 0xfffffffffffff000)" },
  { "every-rule-at-once", 0x020f, 4, 0x10000, -1,
    {{ 0x234, 1, 0 }, { 0x214, 4, 0 }, { 0x211, 1, 0 }}, 3, KBOOT_IMAGE_KIND_BZIMAGE,
    "[not-loaded-high] loadflags 0x00 at offset 0x211 lacks LOADED_HIGH (0x01): "
    "a zImage that must be loaded at 0x10000\n"
    "[not-relocatable] relocatable_kernel is 0 at offset 0x234: built without "
    "CONFIG_RELOCATABLE, it cannot be loaded at 0x200000\n"
    "[no-32bit-entry] code32_start is 0 at offset 0x214: the image has no 32-bit "
    "entry point (it expects the 16-bit real-mode entry)" },
  { "no-boot-flag", 0x020f, 4, 0x10000, -1, {{ 0x1fe, 2, 0x1234 }}, 1, KBOOT_IMAGE_KIND_UNKNOWN,
    "[not-linux] boot_flag at offset 0x1fe is 0x1234, not 0xaa55: not a Linux "
    "kernel image" },
  { "no-hdrs", 0x020f, 4, 0x10000, -1, {{ 0x202, 4, 0 }}, 1, KBOOT_IMAGE_KIND_OLD_ZIMAGE,
    "[no-setup-header] no \"HdrS\" setup header at offset 0x202: a boot sector "
    "from before boot protocol 2.00, or not Linux" },
  { "tiny-file", 0x020f, 4, 0x10000, 100, {{0}}, 0, KBOOT_IMAGE_KIND_UNKNOWN,
    "[not-linux] only 100 bytes: too short for a Linux kernel (its boot sector "
    "alone is 512 bytes)" },
  { "truncated-before-version", 0x020f, 4, 0x10000, 0x204, {{0}}, 0, KBOOT_IMAGE_KIND_UNKNOWN,
    "[truncated] the file is truncated at byte 516 (0x204), inside the setup "
    "header: its version field needs 520 bytes (it ends at 0x208)" },
  { "truncated-header", 0x020f, 4, 0x10000, 0x250, {{0}}, 0, KBOOT_IMAGE_KIND_BZIMAGE,
    "[truncated] the file is truncated at byte 592 (0x250): the setup header of "
    "boot protocol 2.15 needs 620 bytes (it ends at 0x26c)" },
  { "truncated-header-2.02", 0x0202, 4, 0x10000, 0x220, {{0}}, 0, KBOOT_IMAGE_KIND_BZIMAGE,
    "[truncated] the file is truncated at byte 544 (0x220): the setup header of "
    "boot protocol 2.02 needs 556 bytes (it ends at 0x22c)" },
};

static void
test_rule (gconstpointer data)
{
  const RuleCase *c = data;
  g_autoptr(KbootSynth) s = kboot_synth_new (c->version, c->setup_sects, c->pm_size);
  g_autoptr(KbootImage) image = NULL;
  g_autofree char *problems = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < c->n_pokes; i++)
    kboot_synth_put (s, c->pokes[i].offset, c->pokes[i].width, c->pokes[i].value);
  if (c->truncate_to >= 0)
    {
      /* A fresh exact-size buffer, so reading past it is a memory error. */
      guint8 *cut = g_memdup2 (s->data, MIN ((gsize) c->truncate_to, s->len));
      gsize cut_len = MIN ((gsize) c->truncate_to, s->len);
      if ((gsize) c->truncate_to > s->len)
        {
          cut = g_realloc (cut, c->truncate_to);
          memset (cut + s->len, 0, c->truncate_to - s->len);
          cut_len = c->truncate_to;
        }
      g_free (s->data);
      s->data = cut;
      s->len = cut_len;
    }
  image = probe_synth (s);
  problems = problems_joined (image);
  g_assert_cmpstr (problems, ==, c->problems);
  g_assert_cmpint (image->kind, ==, c->kind);
  g_assert_cmpint (kboot_image_is_bootable (image), ==, c->problems[0] == '\0');
  g_assert_cmpint (kboot_image_check_bootable (image, "/k", &error), ==,
                   c->problems[0] == '\0');
  if (c->problems[0])
    {
      const KbootImageProblem *first = g_ptr_array_index (image->problems, 0);
      g_assert_error (error, KBOOT_IMAGE_ERROR, (gint) first->rule);
      g_assert_true (g_str_has_prefix (error->message, "/k: cannot be direct-booted: "));
      g_assert_nonnull (strstr (error->message, first->message));
    }
}

/* ---- truncation at every header offset ------------------------------------ */

static void
test_truncation_everywhere (void)
{
  g_autoptr(KbootSynth) s = kboot_synth_new (0x020f, 4, 0x10000);

  for (gsize len = 0; len <= 0x400; len++)
    {
      g_autofree guint8 *cut = g_memdup2 (s->data, len);
      g_autoptr(KbootImage) image = kboot_image_probe (cut, len, len);

      /* Nothing this short is bootable, and every refusal says why. */
      g_assert_false (kboot_image_is_bootable (image));
      g_assert_cmpuint (image->problems->len, >, 0);
    }
  /* The head can be shorter than the file: the probe trusts neither. */
  for (gsize len = 0; len <= 0x270; len++)
    {
      g_autofree guint8 *cut = g_memdup2 (s->data, len);
      g_autoptr(KbootImage) image = kboot_image_probe (cut, len, s->len);
      if (len < 0x26c)
        g_assert_false (kboot_image_is_bootable (image));
    }
}

/* ---- hostile values -------------------------------------------------------- */

static void
test_hostile_random (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (0x6b626f6f);
  g_autoptr(KbootSynth) s = kboot_synth_new (0x020f, 4, 0x1000);

  /* Random bytes over the whole header of an otherwise valid image, with
   * file sizes that disagree with the header: the probe must neither read
   * out of bounds (run under valgrind/ASan to see it) nor call such an
   * image bootable with an address that overflows. */
  for (guint iter = 0; iter < 20000; iter++)
    {
      g_autofree guint8 *buf = g_memdup2 (s->data, s->len);
      gsize len = s->len - g_rand_int_range (rand, 0, 0x800);
      g_autoptr(KbootImage) image = NULL;
      guint64 off;
      gsize mlen;

      for (gsize i = 0x1f1; i < 0x26c; i++)
        if (g_rand_int_range (rand, 0, 4) == 0)
          buf[i] = (guint8) g_rand_int (rand);
      buf[0x1fe] = 0x55; buf[0x1ff] = 0xaa;
      if (iter % 2)
        memcpy (buf + 0x202, "HdrS", 4);
      image = kboot_image_probe (buf, len, len);
      if (kboot_image_payload_range (image, &off, &mlen))
        {
          g_assert_cmpuint (off, <, len);
          g_assert_cmpuint (mlen, <=, len - off);
          kboot_image_set_payload_magic (image, buf + off, mlen);
        }
      if (kboot_image_is_bootable (image))
        {
          g_assert_cmpuint (image->load_address, >=, 0x200000);
          g_assert_cmpuint (image->load_address % image->alignment, ==, 0);
          g_assert_cmpuint (image->footprint_end, >, image->load_address);
          g_assert_cmpuint (image->footprint_end, <=, G_GUINT64_CONSTANT (0x100000000));
        }
    }
}

/* ---- payload formats -------------------------------------------------------- */

typedef struct {
  const char *name;
  guint8 magic[8];
  guint len;
  KbootPayloadFormat format;
} PayloadCase;

static const PayloadCase payload_cases[] = {
  { "gzip", { 0x1f, 0x8b, 0x08 }, 3, KBOOT_PAYLOAD_GZIP },
  { "bzip2", { 'B', 'Z', 'h', '9' }, 4, KBOOT_PAYLOAD_BZIP2 },
  { "lzma", { 0x5d, 0x00, 0x00, 0x80 }, 4, KBOOT_PAYLOAD_LZMA },
  { "xz", { 0xfd, '7', 'z', 'X', 'Z', 0x00 }, 6, KBOOT_PAYLOAD_XZ },
  { "lzo", { 0x89, 'L', 'Z', 'O', 0x00, 0x0d, 0x0a, 0x1a }, 8, KBOOT_PAYLOAD_LZO },
  { "lz4", { 0x02, 0x21, 0x4c, 0x18 }, 4, KBOOT_PAYLOAD_LZ4 },
  { "zstd", { 0x28, 0xb5, 0x2f, 0xfd }, 4, KBOOT_PAYLOAD_ZSTD },
  { "elf", { 0x7f, 'E', 'L', 'F', 2 }, 5, KBOOT_PAYLOAD_ELF },
  { "unknown", { 0x00, 0x01, 0x02, 0x03 }, 4, KBOOT_PAYLOAD_UNKNOWN },
};

static void
test_payload (gconstpointer data)
{
  const PayloadCase *c = data;
  g_autoptr(KbootSynth) s = kboot_synth_new (0x020f, 4, 0x1000);
  g_autoptr(KbootImage) image = NULL;

  memset (s->data + 5 * 512 + 0x100, 0, 8);
  memcpy (s->data + 5 * 512 + 0x100, c->magic, c->len);
  image = probe_synth (s);
  g_assert_cmpint (image->payload_format, ==, c->format);
  g_assert_cmpstr (kboot_payload_format_to_string (image->payload_format), !=, "?");
  /* The format is a fact, not a rule: any of them may boot. */
  g_assert_true (kboot_image_is_bootable (image));
}

/* ---- ELF vmlinux and other files -------------------------------------------- */

static void
test_elf (void)
{
  guint8 elf64[64] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
  guint8 elf32[52] = { 0x7f, 'E', 'L', 'F', 1, 1, 1 };
  guint8 arm[64] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
  g_autoptr(KbootImage) i64 = NULL, i32 = NULL, iarm = NULL, ishort = NULL;
  g_autofree char *p64 = NULL, *parm = NULL, *pshort = NULL;

  elf64[18] = 62;                                   /* EM_X86_64 */
  elf64[24] = 0x00; elf64[25] = 0x00; elf64[26] = 0x00; elf64[27] = 0x01;
  elf32[18] = 3;                                    /* EM_386 */
  elf32[24] = 0x00; elf32[25] = 0x00; elf32[26] = 0x10; elf32[27] = 0xc1;
  arm[18] = 183;                                    /* EM_AARCH64 */

  i64 = kboot_image_probe (elf64, sizeof elf64, 40 << 20);
  i32 = kboot_image_probe (elf32, sizeof elf32, 30 << 20);
  iarm = kboot_image_probe (arm, sizeof arm, 1000);
  ishort = kboot_image_probe (elf64, 20, 20);
  p64 = problems_joined (i64);
  parm = problems_joined (iarm);
  pshort = problems_joined (ishort);

  g_assert_cmpint (i64->kind, ==, KBOOT_IMAGE_KIND_ELF64);
  g_assert_cmpuint (i64->elf_entry, ==, 0x1000000);
  g_assert_cmpstr (p64, ==, "[elf-vmlinux] an ELF vmlinux (64-bit, entry 0x1000000), "
                   "not a bzImage: direct boot loads the bzImage (vmlinuz), whose "
                   "setup header this path needs");
  g_assert_cmpint (i32->kind, ==, KBOOT_IMAGE_KIND_ELF32);
  g_assert_cmpuint (i32->elf_entry, ==, 0xc1100000);
  g_assert_false (kboot_image_is_bootable (i32));
  g_assert_cmpint (iarm->kind, ==, KBOOT_IMAGE_KIND_UNKNOWN);
  g_assert_cmpstr (parm, ==, "[not-linux] ELF file for machine 183, not x86: not an "
                   "x86 Linux kernel");
  g_assert_cmpstr (pshort, ==, "[truncated] ELF header truncated: 20 bytes, 64 needed");
}

static void
test_not_linux (void)
{
  guint8 text[1024];
  g_autoptr(KbootImage) image = NULL;
  g_autoptr(GError) error = NULL;

  memset (text, 'x', sizeof text);
  image = kboot_image_probe (text, sizeof text, sizeof text);
  g_assert_cmpint (image->kind, ==, KBOOT_IMAGE_KIND_UNKNOWN);
  g_assert_false (kboot_image_check_bootable (image, "/etc/motd", &error));
  g_assert_error (error, KBOOT_IMAGE_ERROR, KBOOT_IMAGE_RULE_NOT_LINUX);
  g_assert_cmpstr (error->message, ==, "/etc/motd: cannot be direct-booted: boot_flag "
                   "at offset 0x1fe is 0x7878, not 0xaa55: not a Linux kernel image");
}

/* ---- placement -------------------------------------------------------------- */

typedef struct {
  const char *name;
  guint16 version;
  guint32 kernel_alignment;
  guint8 min_alignment;
  guint64 pref_address;
  guint32 init_size;
  guint64 want_load;
  guint64 want_end;
} PlaceCase;

static const PlaceCase place_cases[] = {
  /* Debian amd64: 2 MiB, min 2^21, pref 16 MiB. */
  { "amd64-shape", 0x020f, 0x200000, 21, 0x1000000, 0x3f98000, 0x200000, 0x4f98000 },
  /* Debian 686: 16 MiB preferred but 8 KiB required: 0x200000 is legal and
   * the kernel moves itself to 16 MiB to decompress. */
  { "i386-shape", 0x020f, 0x1000000, 13, 0x1000000, 0x100c000, 0x200000, 0x200c000 },
  /* Before 2.10 kernel_alignment is the rule: 16 MiB puts it at 16 MiB. */
  { "2.09-16MiB", 0x0209, 0x1000000, 0, 0, 0, 0x1000000, 0x1000000 + 0x10000 },
  { "min-alignment-4MiB", 0x020f, 0x400000, 22, 0x1000000, 0x1000000, 0x400000, 0x2000000 },
  { "min-alignment-zero", 0x020f, 0x400000, 0, 0x1000000, 0x1000000, 0x400000, 0x2000000 },
  { "pref-below-load", 0x020f, 0x200000, 21, 0x100000, 0x800000, 0x200000, 0xa00000 },
  { "file-larger-than-init", 0x020f, 0x200000, 21, 0x200000, 0x1000, 0x200000, 0x210000 },
};

static void
test_place (gconstpointer data)
{
  const PlaceCase *c = data;
  g_autoptr(KbootSynth) s = kboot_synth_new (c->version, 4, 0x10000);
  g_autoptr(KbootImage) image = NULL;
  g_autofree char *problems = NULL;

  kboot_synth_put (s, 0x230, 4, c->kernel_alignment);
  if (c->version >= 0x020a)
    {
      kboot_synth_put (s, 0x235, 1, c->min_alignment);
      kboot_synth_put (s, 0x258, 8, c->pref_address);
      kboot_synth_put (s, 0x260, 4, c->init_size);
    }
  image = probe_synth (s);
  problems = problems_joined (image);
  g_assert_cmpstr (problems, ==, "");
  g_assert_cmpuint (image->load_address, ==, c->want_load);
  g_assert_cmpuint (image->footprint_end, ==, c->want_end);
}

static void
test_load_address_api (void)
{
  g_autoptr(KbootSynth) s = kboot_synth_new (0x020f, 4, 0x10000);
  g_autoptr(KbootImage) image = probe_synth (s);
  guint64 addr = 0;

  g_assert_true (kboot_image_load_address (image, 0x200001, &addr));
  g_assert_cmpuint (addr, ==, 0x400000);
  g_assert_true (kboot_image_load_address (image, 0x400000, &addr));
  g_assert_cmpuint (addr, ==, 0x400000);
  g_assert_false (kboot_image_load_address (image, G_GUINT64_CONSTANT (0xffffffffffffffff), &addr));
  g_assert_false (kboot_image_load_address (image, G_GUINT64_CONSTANT (0x100000000), &addr));
}

static void
test_strings (void)
{
  char buf[16];

  g_assert_cmpstr (kboot_image_version_string (0x020f, buf, sizeof buf), ==, "2.15");
  g_assert_cmpstr (kboot_image_version_string (0x0205, buf, sizeof buf), ==, "2.05");
  for (int k = 0; k < KBOOT_IMAGE_KIND_LAST; k++)
    g_assert_cmpstr (kboot_image_kind_to_string (k), !=, "?");
  for (int r = 0; r < KBOOT_IMAGE_RULE_LAST; r++)
    g_assert_cmpstr (kboot_image_rule_to_string (r), !=, "?");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kboot/image/every-field", test_every_field);
  g_test_add_func ("/kboot/image/real-shape", test_real_shape);
  g_test_add_func ("/kboot/image/setup-sects-zero", test_setup_sects_zero_means_four);
  for (gsize i = 0; i < G_N_ELEMENTS (rule_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/kboot/image/rule/%s", rule_cases[i].name);
      g_test_add_data_func (path, &rule_cases[i], test_rule);
    }
  g_test_add_func ("/kboot/image/truncation-everywhere", test_truncation_everywhere);
  g_test_add_func ("/kboot/image/hostile-random", test_hostile_random);
  for (gsize i = 0; i < G_N_ELEMENTS (payload_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/kboot/image/payload/%s", payload_cases[i].name);
      g_test_add_data_func (path, &payload_cases[i], test_payload);
    }
  g_test_add_func ("/kboot/image/elf", test_elf);
  g_test_add_func ("/kboot/image/not-linux", test_not_linux);
  for (gsize i = 0; i < G_N_ELEMENTS (place_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/kboot/image/place/%s", place_cases[i].name);
      g_test_add_data_func (path, &place_cases[i], test_place);
    }
  g_test_add_func ("/kboot/image/load-address", test_load_address_api);
  g_test_add_func ("/kboot/image/strings", test_strings);
  return g_test_run ();
}
