/* Small things every layer needs, defined once: byte-size constants,
 * little-endian accessors, power-of-two alignment with overflow checks,
 * and byte-size formatting.  Pure: no I/O, no state; GLib only. */
#ifndef KBOOT_UTIL_H
#define KBOOT_UTIL_H

#include <glib.h>

G_BEGIN_DECLS

/* ---- sizes ---------------------------------------------------------------- */

#define KBOOT_KIB        G_GUINT64_CONSTANT (0x400)
#define KBOOT_MIB        G_GUINT64_CONSTANT (0x100000)
#define KBOOT_GIB        G_GUINT64_CONSTANT (0x40000000)
/* Where 32-bit addressing ends: the 32-bit entry, initrd_addr_max, the
 * memory hole below it. */
#define KBOOT_FOUR_GIB   G_GUINT64_CONSTANT (0x100000000)
/* x86 pages: what Xen populates and maps, what the planner places. */
#define KBOOT_PAGE_SHIFT 12
#define KBOOT_PAGE_SIZE  G_GUINT64_CONSTANT (0x1000)

/* ---- little-endian accessors ---------------------------------------------- */

/* The @width-byte (0 to 8) little-endian number at @p. */
guint64 kboot_le_get (const guint8 *p, guint width);
/* Store the low @width bytes (0 to 8) of @value at @p, least significant
 * first; the bytes past @width are left alone. */
void kboot_le_put (guint8 *p, guint width, guint64 value);
guint16 kboot_le16 (const guint8 *p);
guint32 kboot_le32 (const guint8 *p);
guint64 kboot_le64 (const guint8 *p);

/* ---- alignment (to a power of two) ---------------------------------------- */

gboolean kboot_is_power_of_two (guint64 value);
/* *@out = the lowest multiple of @align at or above @value.  FALSE (and
 * *@out untouched) when @align is not a power of two or the result would
 * pass 2^64 - 1. */
gboolean kboot_align_up (guint64 value, guint64 align, guint64 *out);
/* The highest multiple of @align at or below @value; @align must be a
 * power of two (else a critical warning and @value unchanged). */
guint64 kboot_align_down (guint64 value, guint64 align);

/* ---- byte sizes for people ------------------------------------------------ */

/* How kboot_format_size_style() writes a size.  "Scaled" styles take the
 * largest binary unit (KiB to EiB) that leaves at least 1, and print
 * sizes below 1 KiB in bytes; "MiB" styles always count MiB.  "Decimal"
 * styles always print one decimal; the others drop it when the size is a
 * whole number of the unit. */
typedef enum {
  KBOOT_SIZE_SCALED,           /* "2 MiB", "1.5 KiB", "300 bytes" (inspect,
                                * the hook's messages) */
  KBOOT_SIZE_SCALED_DECIMAL,   /* "2.0 MiB", "1.5 KiB", "300 B" (plan table) */
  KBOOT_SIZE_MIB,              /* "256 MiB", "256.5 MiB" (RAM sizes) */
  KBOOT_SIZE_MIB_DECIMAL,      /* "300.0 MiB", "0.5 MiB" (addresses and
                                * sizes in the planner's messages) */
  KBOOT_SIZE_STYLE_LAST
} KbootSizeStyle;

char *kboot_format_size_style (guint64 bytes, KbootSizeStyle style);
/* kboot_format_size_style (@bytes, KBOOT_SIZE_SCALED). */
char *kboot_format_size (guint64 bytes);
/* "1073741824", "512M", "1G" (K, M, G: binary units, either case): the
 * bytes, above 0.  FALSE for anything else, or past 2^64. */
gboolean kboot_parse_size (const char *text, guint64 *bytes);

/* Replace, in place, every control byte of @text (below 0x20, and 0x7f)
 * with @replacement: a message that goes into a one-line error or a log
 * line cannot break it, or forge a second line, with a newline from a path
 * or from XML. */
void kboot_text_one_line (char *text, char replacement);

/* @text as it may go into a line a person reads: valid UTF-8 that prints
 * is kept; "\n", "\r" and "\t" are written so, every other control
 * byte and every byte that is not part of valid UTF-8 as "\xNN", and a
 * character that does not print (line and paragraph separators, bidi
 * overrides: Unicode's Cc, Cf, Zl, Zp, unassigned) as "\u{XXXX}".  So a
 * path or an XML value can neither split a message in two lines nor
 * make it invalid text.  Backslashes are kept as they are.  NULL gives
 * "(null)". */
char *kboot_text_printable (const char *text);

G_END_DECLS

#endif /* KBOOT_UTIL_H */
