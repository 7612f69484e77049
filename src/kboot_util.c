/* Small shared helpers (see kboot_util.h). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "kboot_util.h"

G_STATIC_ASSERT (KBOOT_PAGE_SIZE == G_GUINT64_CONSTANT (1) << KBOOT_PAGE_SHIFT);
G_STATIC_ASSERT (KBOOT_FOUR_GIB == 4 * KBOOT_GIB);

/* ---- little-endian accessors ---------------------------------------------- */

guint64
kboot_le_get (const guint8 *p, guint width)
{
  guint64 value = 0;

  g_return_val_if_fail (width <= 8, 0);
  for (guint i = width; i > 0; i--)
    value = (value << 8) | p[i - 1];
  return value;
}

void
kboot_le_put (guint8 *p, guint width, guint64 value)
{
  g_return_if_fail (width <= 8);
  for (guint i = 0; i < width; i++)
    p[i] = (guint8) (value >> (8 * i));
}

guint16
kboot_le16 (const guint8 *p)
{
  return (guint16) kboot_le_get (p, 2);
}

guint32
kboot_le32 (const guint8 *p)
{
  return (guint32) kboot_le_get (p, 4);
}

guint64
kboot_le64 (const guint8 *p)
{
  return kboot_le_get (p, 8);
}

/* ---- alignment -------------------------------------------------------------- */

gboolean
kboot_is_power_of_two (guint64 value)
{
  return value != 0 && (value & (value - 1)) == 0;
}

gboolean
kboot_align_up (guint64 value, guint64 align, guint64 *out)
{
  guint64 sum;

  if (!kboot_is_power_of_two (align)
      || !g_uint64_checked_add (&sum, value, align - 1))
    return FALSE;
  *out = sum & ~(align - 1);
  return TRUE;
}

guint64
kboot_align_down (guint64 value, guint64 align)
{
  g_return_val_if_fail (kboot_is_power_of_two (align), value);
  return value & ~(align - 1);
}

/* ---- byte sizes for people ------------------------------------------------ */

typedef struct {
  gboolean scaled;        /* the largest unit that leaves >= 1; else MiB */
  gboolean decimal;       /* always one decimal, even for whole numbers */
  const char *bytes;      /* scaled: the word for sizes below 1 KiB */
} KbootSizeStyleInfo;

static const KbootSizeStyleInfo kboot_size_styles[] = {
  [KBOOT_SIZE_SCALED] = { TRUE, FALSE, "bytes" },
  [KBOOT_SIZE_SCALED_DECIMAL] = { TRUE, TRUE, "B" },
  [KBOOT_SIZE_MIB] = { FALSE, FALSE, NULL },
  [KBOOT_SIZE_MIB_DECIMAL] = { FALSE, TRUE, NULL },
};
G_STATIC_ASSERT (G_N_ELEMENTS (kboot_size_styles) == KBOOT_SIZE_STYLE_LAST);

/* Binary units from KiB: unit i is 1024^(i + 1) bytes. */
static const char *const kboot_size_units[] = {
  "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"
};
#define KBOOT_SIZE_UNIT_MIB 1

char *
kboot_format_size_style (guint64 bytes, KbootSizeStyle style)
{
  const KbootSizeStyleInfo *s;
  guint unit = KBOOT_SIZE_UNIT_MIB;
  guint shift;
  double value;

  g_return_val_if_fail (style < KBOOT_SIZE_STYLE_LAST, NULL);
  s = &kboot_size_styles[style];
  if (s->scaled)
    {
      if (bytes < KBOOT_KIB)
        return g_strdup_printf ("%" G_GUINT64_FORMAT " %s", bytes, s->bytes);
      /* A size just under a unit stays in the smaller one: 2^20 - 1 bytes
       * is "1024.0 KiB", as the reports have always printed it. */
      value = (double) bytes / 1024.0;
      for (unit = 0; value >= 1024.0
                     && unit + 1 < G_N_ELEMENTS (kboot_size_units); unit++)
        value /= 1024.0;
    }
  else
    value = (double) bytes / (double) KBOOT_MIB;

  shift = 10 * (unit + 1);
  if (!s->decimal && bytes % (G_GUINT64_CONSTANT (1) << shift) == 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " %s", bytes >> shift,
                            kboot_size_units[unit]);
  return g_strdup_printf ("%.1f %s", value, kboot_size_units[unit]);
}

char *
kboot_format_size (guint64 bytes)
{
  return kboot_format_size_style (bytes, KBOOT_SIZE_SCALED);
}

void
kboot_text_one_line (char *text, char replacement)
{
  for (char *p = text; *p; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = replacement;
}

char *
kboot_text_printable (const char *text)
{
  g_autoptr(GString) out = NULL;
  const char *p = text, *end;

  if (!text)
    return g_strdup ("(null)");
  end = text + strlen (text);
  out = g_string_sized_new ((gsize) (end - text));
  while (p < end)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);
      GUnicodeType type;

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02x", (guchar) *p);
          p++;
          continue;
        }
      type = g_unichar_type (c);
      if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c < 0x80 && (c < 0x20 || c == 0x7f))
        g_string_append_printf (out, "\\x%02x", (guint) c);
      else if (type == G_UNICODE_CONTROL || type == G_UNICODE_FORMAT
               || type == G_UNICODE_LINE_SEPARATOR
               || type == G_UNICODE_PARAGRAPH_SEPARATOR
               || type == G_UNICODE_UNASSIGNED || type == G_UNICODE_SURROGATE
               || type == G_UNICODE_PRIVATE_USE)
        g_string_append_printf (out, "\\u{%04x}", (guint) c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

gboolean
kboot_parse_size (const char *text, guint64 *bytes)
{
  guint64 value, unit = 1;
  char *end = NULL;

  if (!text || !g_ascii_isdigit (text[0]))
    return FALSE;
  errno = 0;
  value = g_ascii_strtoull (text, &end, 10);
  if (errno != 0)
    return FALSE;
  switch (g_ascii_toupper (*end))
    {
    case '\0': break;
    case 'K': unit = G_GUINT64_CONSTANT (1) << 10; end++; break;
    case 'M': unit = G_GUINT64_CONSTANT (1) << 20; end++; break;
    case 'G': unit = G_GUINT64_CONSTANT (1) << 30; end++; break;
    default: return FALSE;
    }
  if (*end != '\0' || value == 0 || value > G_MAXUINT64 / unit)
    return FALSE;
  *bytes = value * unit;
  return TRUE;
}
