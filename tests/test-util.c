/* Unit tests of the shared helpers (src/kboot_util.c): tables of edge
 * values, one test path per row. */
#include "config.h"

#include <string.h>

#include "kboot_util.h"

#define TOP_BIT (G_GUINT64_CONSTANT (1) << 63)

/* ---- little-endian accessors ---------------------------------------------- */

typedef struct {
  const char *name;
  guint width;
  guint8 bytes[8];
  guint64 value;
} LeCase;

static const LeCase le_cases[] = {
  { "width-0", 0, { 0xff }, 0 },
  { "u8", 1, { 0xfe }, 0xfe },
  { "u16", 2, { 0x34, 0x12 }, 0x1234 },
  { "u16-max", 2, { 0xff, 0xff }, 0xffff },
  { "u24", 3, { 0x01, 0x02, 0x03 }, 0x030201 },
  { "u32", 4, { 0x78, 0x56, 0x34, 0x12 }, 0x12345678 },
  { "u32-top-bit", 4, { 0, 0, 0, 0x80 }, 0x80000000 },
  { "u64", 8, { 0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01 },
    G_GUINT64_CONSTANT (0x0123456789abcdef) },
  { "u64-top-bit", 8, { 0, 0, 0, 0, 0, 0, 0, 0x80 }, TOP_BIT },
  { "u64-max", 8, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, G_MAXUINT64 },
};

static void
test_le_get (gconstpointer data)
{
  const LeCase *c = data;

  g_assert_cmphex (kboot_le_get (c->bytes, c->width), ==, c->value);
  if (c->width == 2)
    g_assert_cmphex (kboot_le16 (c->bytes), ==, c->value);
  if (c->width == 4)
    g_assert_cmphex (kboot_le32 (c->bytes), ==, c->value);
  if (c->width == 8)
    g_assert_cmphex (kboot_le64 (c->bytes), ==, c->value);
}

/* The bytes written are the case's, and the ones around them untouched. */
static void
test_le_put (gconstpointer data)
{
  const LeCase *c = data;
  guint8 buf[10];

  memset (buf, 0xaa, sizeof buf);
  kboot_le_put (buf + 1, c->width, c->value);
  g_assert_cmpmem (buf + 1, c->width, c->bytes, c->width);
  g_assert_cmphex (buf[0], ==, 0xaa);
  for (guint i = 1 + c->width; i < sizeof buf; i++)
    g_assert_cmphex (buf[i], ==, 0xaa);
}

/* Only the low @width bytes of a larger value are stored. */
static void
test_le_put_truncates (void)
{
  static const guint8 want[] = { 0x78, 0x56, 0xaa };
  guint8 buf[3] = { 0xaa, 0xaa, 0xaa };

  kboot_le_put (buf, 2, G_GUINT64_CONSTANT (0xfedcba9812345678));
  g_assert_cmpmem (buf, sizeof buf, want, sizeof want);
}

static void
test_le_bad_width (void)
{
  guint8 buf[9] = { 0 };

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*width <= 8*");
  g_assert_cmpuint (kboot_le_get (buf, 9), ==, 0);
  g_test_assert_expected_messages ();
  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*width <= 8*");
  kboot_le_put (buf, 9, G_MAXUINT64);
  g_test_assert_expected_messages ();
  for (gsize i = 0; i < sizeof buf; i++)
    g_assert_cmpuint (buf[i], ==, 0);
}

/* ---- alignment -------------------------------------------------------------- */

typedef struct {
  guint64 value;
  gboolean power_of_two;
} PowerCase;

static const PowerCase power_cases[] = {
  { 0, FALSE },
  { 1, TRUE },
  { 2, TRUE },
  { 3, FALSE },
  { 0x1000, TRUE },
  { 0x1001, FALSE },
  { 0x3000, FALSE },
  { TOP_BIT, TRUE },
  { TOP_BIT | (TOP_BIT >> 1), FALSE },
  { G_MAXUINT64, FALSE },
};

static void
test_power_of_two (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (power_cases); i++)
    {
      g_test_message ("value 0x%" G_GINT64_MODIFIER "x", power_cases[i].value);
      g_assert_cmpint (kboot_is_power_of_two (power_cases[i].value), ==,
                       power_cases[i].power_of_two);
    }
}

typedef struct {
  const char *name;
  guint64 value;
  guint64 align;
  gboolean ok;
  guint64 up;
} AlignUpCase;

static const AlignUpCase align_up_cases[] = {
  { "zero", 0, 0x1000, TRUE, 0 },
  { "one", 1, 0x1000, TRUE, 0x1000 },
  { "aligned", 0x1000, 0x1000, TRUE, 0x1000 },
  { "just-past", 0x1001, 0x1000, TRUE, 0x2000 },
  { "align-1", 5, 1, TRUE, 5 },
  { "max-align-1", G_MAXUINT64, 1, TRUE, G_MAXUINT64 },
  { "last-page", G_MAXUINT64 - 0xfff, 0x1000, TRUE, G_MAXUINT64 - 0xfff },
  { "past-last-page", G_MAXUINT64 - 0xffe, 0x1000, FALSE, 0 },
  { "max", G_MAXUINT64, 0x1000, FALSE, 0 },
  { "top-bit", 1, TOP_BIT, TRUE, TOP_BIT },
  { "past-top-bit", TOP_BIT + 1, TOP_BIT, FALSE, 0 },
  { "align-0", 5, 0, FALSE, 0 },
  { "align-3", 5, 3, FALSE, 0 },
  { "align-0x3000", 0x1000, 0x3000, FALSE, 0 },
  { "align-max", 0, G_MAXUINT64, FALSE, 0 },
};

static void
test_align_up (gconstpointer data)
{
  const AlignUpCase *c = data;
  const guint64 untouched = G_GUINT64_CONSTANT (0x5a5a5a5a5a5a5a5a);
  guint64 out = untouched;

  g_assert_cmpint (kboot_align_up (c->value, c->align, &out), ==, c->ok);
  g_assert_cmphex (out, ==, c->ok ? c->up : untouched);
}

typedef struct {
  guint64 value;
  guint64 align;
  guint64 down;
} AlignDownCase;

static const AlignDownCase align_down_cases[] = {
  { 0, 0x1000, 0 },
  { 0xfff, 0x1000, 0 },
  { 0x1000, 0x1000, 0x1000 },
  { 0x1fff, 0x1000, 0x1000 },
  { G_MAXUINT64, 0x1000, G_MAXUINT64 - 0xfff },
  { G_MAXUINT64, 1, G_MAXUINT64 },
  { G_MAXUINT64, TOP_BIT, TOP_BIT },
  { TOP_BIT - 1, TOP_BIT, 0 },
};

static void
test_align_down (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (align_down_cases); i++)
    {
      const AlignDownCase *c = &align_down_cases[i];

      g_test_message ("0x%" G_GINT64_MODIFIER "x down to 0x%" G_GINT64_MODIFIER "x",
                      c->value, c->align);
      g_assert_cmphex (kboot_align_down (c->value, c->align), ==, c->down);
    }

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*power_of_two*");
  g_assert_cmphex (kboot_align_down (0x1234, 0x3000), ==, 0x1234);
  g_test_assert_expected_messages ();
}

/* ---- byte sizes ------------------------------------------------------------- */

typedef struct {
  guint64 bytes;
  KbootSizeStyle style;
  const char *text;
} SizeCase;

#define MIB KBOOT_MIB
static const SizeCase size_cases[] = {
  /* The inspect report and the hook: whole numbers without ".0". */
  { 0, KBOOT_SIZE_SCALED, "0 bytes" },
  { 1023, KBOOT_SIZE_SCALED, "1023 bytes" },
  { 1024, KBOOT_SIZE_SCALED, "1 KiB" },
  { 1536, KBOOT_SIZE_SCALED, "1.5 KiB" },
  { MIB - 1, KBOOT_SIZE_SCALED, "1024.0 KiB" },
  { MIB, KBOOT_SIZE_SCALED, "1 MiB" },
  { 2 * MIB, KBOOT_SIZE_SCALED, "2 MiB" },
  { 0x7a8000, KBOOT_SIZE_SCALED, "7.7 MiB" },
  { 300 * MIB, KBOOT_SIZE_SCALED, "300 MiB" },
  { KBOOT_FOUR_GIB, KBOOT_SIZE_SCALED, "4 GiB" },
  { KBOOT_FOUR_GIB + 1, KBOOT_SIZE_SCALED, "4.0 GiB" },
  { G_GUINT64_CONSTANT (1) << 40, KBOOT_SIZE_SCALED, "1 TiB" },
  { G_GUINT64_CONSTANT (1) << 50, KBOOT_SIZE_SCALED, "1 PiB" },
  { G_GUINT64_CONSTANT (15) << 60, KBOOT_SIZE_SCALED, "15 EiB" },
  { G_MAXUINT64, KBOOT_SIZE_SCALED, "16.0 EiB" },
  /* The plan table: always one decimal. */
  { 0, KBOOT_SIZE_SCALED_DECIMAL, "0 B" },
  { 24, KBOOT_SIZE_SCALED_DECIMAL, "24 B" },
  { 1023, KBOOT_SIZE_SCALED_DECIMAL, "1023 B" },
  { 1024, KBOOT_SIZE_SCALED_DECIMAL, "1.0 KiB" },
  { 636 * KBOOT_KIB, KBOOT_SIZE_SCALED_DECIMAL, "636.0 KiB" },
  { MIB - 1, KBOOT_SIZE_SCALED_DECIMAL, "1024.0 KiB" },
  { 48 * MIB, KBOOT_SIZE_SCALED_DECIMAL, "48.0 MiB" },
  { KBOOT_FOUR_GIB, KBOOT_SIZE_SCALED_DECIMAL, "4.0 GiB" },
  { G_MAXUINT64, KBOOT_SIZE_SCALED_DECIMAL, "16.0 EiB" },
  /* RAM sizes: MiB, whole numbers without ".0". */
  { 0, KBOOT_SIZE_MIB, "0 MiB" },
  { 0x1000, KBOOT_SIZE_MIB, "0.0 MiB" },
  { 256 * MIB, KBOOT_SIZE_MIB, "256 MiB" },
  { 256 * MIB + MIB / 2, KBOOT_SIZE_MIB, "256.5 MiB" },
  { KBOOT_FOUR_GIB, KBOOT_SIZE_MIB, "4096 MiB" },
  { G_MAXUINT64, KBOOT_SIZE_MIB, "17592186044416.0 MiB" },
  /* The planner's messages: MiB, always one decimal. */
  { 0, KBOOT_SIZE_MIB_DECIMAL, "0.0 MiB" },
  { 512, KBOOT_SIZE_MIB_DECIMAL, "0.0 MiB" },
  { 0x9f000, KBOOT_SIZE_MIB_DECIMAL, "0.6 MiB" },
  { 16 * MIB, KBOOT_SIZE_MIB_DECIMAL, "16.0 MiB" },
  { 300 * MIB, KBOOT_SIZE_MIB_DECIMAL, "300.0 MiB" },
  { KBOOT_FOUR_GIB, KBOOT_SIZE_MIB_DECIMAL, "4096.0 MiB" },
};
#undef MIB

static void
test_format_size (gconstpointer data)
{
  const SizeCase *c = data;
  g_autofree char *text = kboot_format_size_style (c->bytes, c->style);

  g_assert_cmpstr (text, ==, c->text);
  if (c->style == KBOOT_SIZE_SCALED)
    {
      g_autofree char *plain = kboot_format_size (c->bytes);
      g_assert_cmpstr (plain, ==, c->text);
    }
}

static void
test_format_size_bad_style (void)
{
  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL,
                         "*KBOOT_SIZE_STYLE_LAST*");
  g_assert_null (kboot_format_size_style (1, KBOOT_SIZE_STYLE_LAST));
  g_test_assert_expected_messages ();
}

static void
test_text_one_line (void)
{
  char text[] = "a\nb\tc\r\x7f\x1b[2Jd \xc3\xa9";

  kboot_text_one_line (text, '?');
  /* Control bytes only: spaces and UTF-8 stay. */
  g_assert_cmpstr (text, ==, "a?b?c???[2Jd \xc3\xa9");
  kboot_text_one_line (text, ' ');
  g_assert_cmpstr (text, ==, "a?b?c???[2Jd \xc3\xa9");
}

/* kboot_text_printable: what a person reads of a path or an XML value. */
typedef struct {
  const char *name;
  const char *text;
  const char *want;
} PrintableCase;

static const PrintableCase printable_cases[] = {
  { "plain", "/var/lib/xen/vmlinuz", "/var/lib/xen/vmlinuz" },
  { "utf8-kept", "/boot/caf\xc3\xa9 \xe2\x82\xac", "/boot/caf\xc3\xa9 \xe2\x82\xac" },
  { "newline-forges-no-line", "/k\nxen-kboot: valid", "/k\\nxen-kboot: valid" },
  { "tab-cr", "a\tb\rc", "a\\tb\\rc" },
  { "escape-sequence", "\x1b[2J\x7f", "\\x1b[2J\\x7f" },
  { "invalid-utf8", "/boot/\xff\xfe" "a\xc3", "/boot/\\xff\\xfea\\xc3" },
  { "overlong", "\xc0\xaf", "\\xc0\\xaf" },
  { "c1-control", "a\xc2\x85" "b", "a\\u{0085}b" },
  { "line-separator", "a\xe2\x80\xa8" "b", "a\\u{2028}b" },
  { "bidi-override", "a\xe2\x80\xae" "b", "a\\u{202e}b" },
  { "backslash-kept", "C:\\x", "C:\\x" },
  { "empty", "", "" },
};

static void
test_text_printable (gconstpointer data)
{
  const PrintableCase *c = data;
  g_autofree char *got = kboot_text_printable (c->text);

  g_assert_cmpstr (got, ==, c->want);
  g_assert_true (g_utf8_validate (got, -1, NULL));
}

static const char *const style_names[] = {
  [KBOOT_SIZE_SCALED] = "scaled",
  [KBOOT_SIZE_SCALED_DECIMAL] = "scaled-decimal",
  [KBOOT_SIZE_MIB] = "mib",
  [KBOOT_SIZE_MIB_DECIMAL] = "mib-decimal",
};
G_STATIC_ASSERT (G_N_ELEMENTS (style_names) == KBOOT_SIZE_STYLE_LAST);

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (le_cases); i++)
    {
      g_autofree char *get = g_strdup_printf ("/util/le/get/%s", le_cases[i].name);
      g_autofree char *put = g_strdup_printf ("/util/le/put/%s", le_cases[i].name);

      g_test_add_data_func (get, &le_cases[i], test_le_get);
      g_test_add_data_func (put, &le_cases[i], test_le_put);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (printable_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/util/text/printable/%s",
                                               printable_cases[i].name);
      g_test_add_data_func (path, &printable_cases[i], test_text_printable);
    }
  g_test_add_func ("/util/le/put-truncates", test_le_put_truncates);
  g_test_add_func ("/util/le/bad-width", test_le_bad_width);
  g_test_add_func ("/util/align/power-of-two", test_power_of_two);
  for (gsize i = 0; i < G_N_ELEMENTS (align_up_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/util/align/up/%s",
                                               align_up_cases[i].name);
      g_test_add_data_func (path, &align_up_cases[i], test_align_up);
    }
  g_test_add_func ("/util/align/down", test_align_down);
  g_test_add_func ("/util/text/one-line", test_text_one_line);
  for (gsize i = 0; i < G_N_ELEMENTS (size_cases); i++)
    {
      g_autofree char *path = g_strdup_printf (
        "/util/format-size/%s/%" G_GUINT64_FORMAT,
        style_names[size_cases[i].style], size_cases[i].bytes);
      g_test_add_data_func (path, &size_cases[i], test_format_size);
    }
  g_test_add_func ("/util/format-size/bad-style", test_format_size_bad_style);
  return g_test_run ();
}
