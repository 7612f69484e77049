/* A small AML writer (see kboot_loader_aml.h).  Encodings from the ACPI
 * 6.4 specification, section 20.2 ("AML Grammar Definition"). */
#include "config.h"

#include <string.h>

#include "kboot_loader_aml.h"

#define AML_ROOT_CHAR          '\\'
#define AML_PARENT_PREFIX      '^'
#define AML_DUAL_NAME_PREFIX   0x2e
#define AML_MULTI_NAME_PREFIX  0x2f
#define AML_NAME_SEG_SIZE      4
/* PkgLength: one byte up to 63, else a lead byte (count of following
 * bytes in bits 7-6, the low 4 bits of the length in bits 3-0) and up to
 * three bytes more, 28 bits in all. */
#define AML_PKG_LENGTH_1_MAX   0x3f
#define AML_PKG_LENGTH_MAX_BYTES 4

void
kboot_aml_byte (GByteArray *aml, guint8 byte)
{
  g_byte_array_append (aml, &byte, 1);
}

void
kboot_aml_bytes (GByteArray *aml, const guint8 *bytes, gsize len)
{
  g_byte_array_append (aml, bytes, (guint) len);
}

static void
aml_le (GByteArray *aml, guint64 value, guint width)
{
  for (guint i = 0; i < width; i++)
    kboot_aml_byte (aml, (guint8) (value >> (8 * i)));
}

void
kboot_aml_int (GByteArray *aml, guint64 value)
{
  if (value == 0)
    kboot_aml_byte (aml, KBOOT_AML_ZERO_OP);
  else if (value == 1)
    kboot_aml_byte (aml, KBOOT_AML_ONE_OP);
  else if (value <= G_MAXUINT8)
    {
      kboot_aml_byte (aml, KBOOT_AML_BYTE_PREFIX);
      aml_le (aml, value, 1);
    }
  else if (value <= G_MAXUINT16)
    {
      kboot_aml_byte (aml, KBOOT_AML_WORD_PREFIX);
      aml_le (aml, value, 2);
    }
  else if (value <= G_MAXUINT32)
    {
      kboot_aml_byte (aml, KBOOT_AML_DWORD_PREFIX);
      aml_le (aml, value, 4);
    }
  else
    {
      kboot_aml_byte (aml, KBOOT_AML_QWORD_PREFIX);
      aml_le (aml, value, 8);
    }
}

void
kboot_aml_name (GByteArray *aml, const char *path)
{
  g_auto(GStrv) segs = NULL;
  guint n;

  while (*path == AML_ROOT_CHAR || *path == AML_PARENT_PREFIX)
    kboot_aml_byte (aml, (guint8) *path++);
  segs = g_strsplit (path, ".", -1);
  n = g_strv_length (segs);
  g_return_if_fail (n >= 1 && n <= G_MAXUINT8);
  if (n == 2)
    kboot_aml_byte (aml, AML_DUAL_NAME_PREFIX);
  else if (n > 2)
    {
      kboot_aml_byte (aml, AML_MULTI_NAME_PREFIX);
      kboot_aml_byte (aml, (guint8) n);
    }
  for (guint i = 0; i < n; i++)
    {
      guint8 seg[AML_NAME_SEG_SIZE] = { '_', '_', '_', '_' };
      gsize len = strlen (segs[i]);

      g_return_if_fail (len >= 1 && len <= AML_NAME_SEG_SIZE);
      memcpy (seg, segs[i], len);
      kboot_aml_bytes (aml, seg, sizeof seg);
    }
}

void
kboot_aml_eisaid (GByteArray *aml, const char *id)
{
  /* Three letters of 5 bits each ('A' = 1), then four hex digits; stored
   * big-endian in the DWord's bytes (section 19.3.4, EISAID). */
  guint32 v;

  g_return_if_fail (strlen (id) == 7);
  v = (guint32) ((id[0] - '@') & 0x1f) << 26 | (guint32) ((id[1] - '@') & 0x1f) << 21
      | (guint32) ((id[2] - '@') & 0x1f) << 16
      | (guint32) g_ascii_strtoull (id + 3, NULL, 16);
  kboot_aml_byte (aml, KBOOT_AML_DWORD_PREFIX);
  kboot_aml_byte (aml, (guint8) (v >> 24));
  kboot_aml_byte (aml, (guint8) (v >> 16));
  kboot_aml_byte (aml, (guint8) (v >> 8));
  kboot_aml_byte (aml, (guint8) v);
}

gsize
kboot_aml_open (GByteArray *aml, guint8 op)
{
  kboot_aml_byte (aml, op);
  return aml->len;
}

gsize
kboot_aml_open_ext (GByteArray *aml, guint8 ext_op)
{
  kboot_aml_byte (aml, KBOOT_AML_EXT_PREFIX);
  return kboot_aml_open (aml, ext_op);
}

/* @value in PkgLength form, into @out; the number of bytes back. */
static guint
aml_pkg_value_encode (gsize value, guint8 out[AML_PKG_LENGTH_MAX_BYTES])
{
  guint n = 1;

  if (value <= AML_PKG_LENGTH_1_MAX)
    {
      out[0] = (guint8) value;
      return 1;
    }
  while (n < AML_PKG_LENGTH_MAX_BYTES && value >= (gsize) 1 << (4 + 8 * n))
    n++;
  n++;                                    /* the lead byte */
  out[0] = (guint8) ((n - 1) << 6 | (value & 0x0f));
  for (guint i = 1; i < n; i++)
    out[i] = (guint8) (value >> (4 + 8 * (i - 1)));
  return n;
}

/* The PkgLength of an object whose @body bytes follow it: the length
 * counts the PkgLength's own bytes, so take the smallest size that holds
 * @body plus that size. */
static guint
aml_pkg_length_encode (gsize body, guint8 out[AML_PKG_LENGTH_MAX_BYTES])
{
  for (guint n = 1; n < AML_PKG_LENGTH_MAX_BYTES; n++)
    if (aml_pkg_value_encode (body + n, out) == n)
      return n;
  return aml_pkg_value_encode (body + AML_PKG_LENGTH_MAX_BYTES, out);
}

void
kboot_aml_close (GByteArray *aml, gsize at)
{
  guint8 enc[AML_PKG_LENGTH_MAX_BYTES];
  guint n = aml_pkg_length_encode (aml->len - at, enc);

  g_array_insert_vals ((GArray *) aml, (guint) at, enc, n);
}

void
kboot_aml_pkg_length (GByteArray *aml, gsize value)
{
  guint8 enc[AML_PKG_LENGTH_MAX_BYTES];

  kboot_aml_bytes (aml, enc, aml_pkg_value_encode (value, enc));
}

void
kboot_aml_buffer (GByteArray *aml, const guint8 *data, gsize len)
{
  gsize at = kboot_aml_open (aml, KBOOT_AML_BUFFER_OP);

  kboot_aml_int (aml, len);
  kboot_aml_bytes (aml, data, len);
  kboot_aml_close (aml, at);
}
