/* The bzImage's payload, decompressed (see kboot_image_payload.h).
 *
 * Each decoder fills KbootDecode: it runs its library until the stream's
 * end, the input's end, or the output buffer's end, and fails only when
 * the library (or the lzo/lz4 framing around its block decoder) refuses
 * the bytes.  The rules on sizes are applied once, afterwards, in
 * kboot_image_payload_decompress(). */
#include "config.h"

#include <string.h>

#define ZLIB_CONST
#include <zlib.h>
#include <bzlib.h>
#include <lzma.h>
#include <lzo/lzo1x.h>
#include <lz4.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "kboot_image_payload.h"

G_DEFINE_QUARK (kboot-payload-error-quark, kboot_payload_error)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ZSTD_DCtx, ZSTD_freeDCtx)

/* zlib and libbz2 count in 32-bit lengths. */
G_STATIC_ASSERT (KBOOT_PAYLOAD_SIZE_MAX < G_MAXUINT32);

/* Linux appends the decompressed size, 32-bit little-endian, to every
 * payload but gzip's, whose own ISIZE field is that size
 * (scripts/Makefile.lib: size_append "as gzip does"). */
#define KBOOT_PAYLOAD_TRAILER_SIZE 4
/* Memory liblzma may use: Linux's xz payloads use a 32 MiB dictionary
 * (scripts/xz_wrap.sh), lzma -9 a 64 MiB one. */
#define KBOOT_LZMA_MEMLIMIT (256 * KBOOT_MIB)

typedef struct {
  const char *what;       /* "PATH: payload (xz, 7.7 MiB)", for messages */
  const guint8 *in;       /* the stream, from the payload's first byte */
  gsize in_len;           /* its bytes before the trailer (gzip: all) */
  guint8 *out;
  gsize out_cap;          /* the trailer's promise + 1: room for the proof
                           * that there is more */
  /* Set by the decoder. */
  gsize consumed;         /* input bytes the stream used */
  gsize out_len;
  gboolean ended;         /* the stream's end was seen */
  gboolean overflow;      /* the stream holds more than out_cap */
} KbootDecode;

static gboolean
kboot_decode_fail (KbootDecode *d, GError **error, const char *library,
                   gsize at, const char *reason)
{
  g_set_error (error, KBOOT_PAYLOAD_ERROR, KBOOT_PAYLOAD_ERROR_CORRUPT,
               "%s is corrupt: %s refuses it at or after byte %" G_GSIZE_FORMAT
               " of the stream: %s", d->what, library, at, reason);
  return FALSE;
}

/* ---- gzip: zlib ----------------------------------------------------------- */

static gboolean
kboot_decode_gzip (KbootDecode *d, GError **error)
{
  z_stream z = { 0 };
  int rc;

  /* 16 + MAX_WBITS: the gzip wrapper only, with its CRC-32 and ISIZE. */
  if (inflateInit2 (&z, 16 + MAX_WBITS) != Z_OK)
    return kboot_decode_fail (d, error, "zlib", 0, "cannot start inflate");
  z.next_in = d->in;
  z.avail_in = (uInt) d->in_len;
  z.next_out = d->out;
  z.avail_out = (uInt) d->out_cap;
  rc = inflate (&z, Z_FINISH);
  d->consumed = d->in_len - z.avail_in;
  d->out_len = d->out_cap - z.avail_out;
  d->ended = rc == Z_STREAM_END;
  /* gzip's ISIZE is the trailer: when it differs from what inflated, the
   * size rules below say so better than zlib's "incorrect length check". */
  if (rc == Z_DATA_ERROR && z.msg && strcmp (z.msg, "incorrect length check") == 0)
    {
      d->ended = TRUE;
      rc = Z_STREAM_END;
    }
  if (rc != Z_STREAM_END && rc != Z_BUF_ERROR && rc != Z_OK)
    {
      g_autofree char *why = g_strdup (z.msg ? z.msg : zError (rc));

      inflateEnd (&z);
      return kboot_decode_fail (d, error, "zlib", d->consumed, why);
    }
  inflateEnd (&z);
  return TRUE;
}

/* ---- bzip2: libbz2 -------------------------------------------------------- */

static const char *
kboot_bzip2_reason (int rc)
{
  switch (rc)
    {
    case BZ_DATA_ERROR: return "the data fail their integrity check";
    case BZ_DATA_ERROR_MAGIC: return "no bzip2 stream header";
    case BZ_MEM_ERROR: return "out of memory";
    default: return "decoder error";
    }
}

static gboolean
kboot_decode_bzip2 (KbootDecode *d, GError **error)
{
  bz_stream s = { 0 };
  int rc;

  if (BZ2_bzDecompressInit (&s, 0, 0) != BZ_OK)
    return kboot_decode_fail (d, error, "libbz2", 0, "cannot start the decoder");
  s.next_in = (char *) d->in;
  s.avail_in = (unsigned int) d->in_len;
  s.next_out = (char *) d->out;
  s.avail_out = (unsigned int) d->out_cap;
  for (;;)
    {
      unsigned int in_before = s.avail_in, out_before = s.avail_out;

      rc = BZ2_bzDecompress (&s);
      if (rc != BZ_OK || s.avail_in == 0 || s.avail_out == 0
          || (s.avail_in == in_before && s.avail_out == out_before))
        break;
    }
  d->consumed = d->in_len - s.avail_in;
  d->out_len = d->out_cap - s.avail_out;
  d->ended = rc == BZ_STREAM_END;
  BZ2_bzDecompressEnd (&s);
  if (rc != BZ_OK && rc != BZ_STREAM_END)
    return kboot_decode_fail (d, error, "libbz2", d->consumed, kboot_bzip2_reason (rc));
  return TRUE;
}

/* ---- xz and lzma: liblzma ------------------------------------------------- */

static const char *
kboot_lzma_reason (lzma_ret rc)
{
  /* liblzma's enum has internal values: a plain int switch. */
  switch ((int) rc)
    {
    case LZMA_MEM_ERROR: return "out of memory";
    case LZMA_MEMLIMIT_ERROR: return "it needs more than 256 MiB of decoder memory";
    case LZMA_FORMAT_ERROR: return "not in the expected container format";
    case LZMA_OPTIONS_ERROR: return "unsupported compression options";
    case LZMA_DATA_ERROR: return "the data are corrupt";
    default: return "decoder error";
    }
}

static gboolean
kboot_decode_lzma (KbootDecode *d, gboolean xz, GError **error)
{
  lzma_stream s = LZMA_STREAM_INIT;
  lzma_ret rc;

  /* Not LZMA_CONCATENATED: one stream, then the trailer.  TELL_ANY_CHECK:
   * Linux's xz decoder checks CRC32 or nothing (XZ_DEC_ANY_CHECK is not
   * built in the decompressor), so neither may we accept another. */
  rc = xz ? lzma_stream_decoder (&s, KBOOT_LZMA_MEMLIMIT, LZMA_TELL_ANY_CHECK)
          : lzma_alone_decoder (&s, KBOOT_LZMA_MEMLIMIT);
  if (rc != LZMA_OK)
    return kboot_decode_fail (d, error, "liblzma", 0, kboot_lzma_reason (rc));
  s.next_in = d->in;
  s.avail_in = d->in_len;
  s.next_out = d->out;
  s.avail_out = d->out_cap;
  for (;;)
    {
      size_t in_before = s.avail_in, out_before = s.avail_out;

      rc = lzma_code (&s, LZMA_FINISH);
      if (rc == LZMA_GET_CHECK)
        {
          lzma_check check = lzma_get_check (&s);

          if (check != LZMA_CHECK_CRC32 && check != LZMA_CHECK_NONE)
            {
              lzma_end (&s);
              g_set_error (error, KBOOT_PAYLOAD_ERROR, KBOOT_PAYLOAD_ERROR_FORMAT,
                           "%s: its xz integrity check is type %d, not CRC32 "
                           "(type 1) or none, the ones Linux's decompressor "
                           "reads (scripts/xz_wrap.sh uses --check=crc32)",
                           d->what, (int) check);
              return FALSE;
            }
          continue;
        }
      if (rc != LZMA_OK || s.avail_out == 0
          || (s.avail_in == in_before && s.avail_out == out_before))
        break;
    }
  d->consumed = d->in_len - s.avail_in;
  d->out_len = d->out_cap - s.avail_out;
  d->ended = rc == LZMA_STREAM_END;
  lzma_end (&s);
  if (rc != LZMA_OK && rc != LZMA_STREAM_END && rc != LZMA_BUF_ERROR)
    return kboot_decode_fail (d, error, "liblzma", d->consumed, kboot_lzma_reason (rc));
  return TRUE;
}

/* ---- zstd: libzstd -------------------------------------------------------- */

static gboolean
kboot_decode_zstd (KbootDecode *d, GError **error)
{
  g_autoptr(ZSTD_DCtx) dctx = NULL;
  size_t frame, n;
  unsigned long long content;

  /* One frame, then the trailer.  A frame cut short is a truncation. */
  frame = ZSTD_findFrameCompressedSize (d->in, d->in_len);
  if (ZSTD_isError (frame))
    {
      if (ZSTD_getErrorCode (frame) == ZSTD_error_srcSize_wrong)
        {
          d->consumed = d->in_len;
          return TRUE;       /* not ended: cut short */
        }
      return kboot_decode_fail (d, error, "libzstd", 0, ZSTD_getErrorName (frame));
    }
  d->consumed = frame;
  d->ended = TRUE;
  content = ZSTD_getFrameContentSize (d->in, frame);
  if (content != ZSTD_CONTENTSIZE_UNKNOWN && content != ZSTD_CONTENTSIZE_ERROR
      && content >= d->out_cap)
    {
      d->overflow = TRUE;
      return TRUE;
    }
  /* One call into the whole buffer: no window buffer, whatever window
   * size the frame header asks for. */
  dctx = ZSTD_createDCtx ();
  if (!dctx)
    return kboot_decode_fail (d, error, "libzstd", 0, "out of memory");
  n = ZSTD_decompressDCtx (dctx, d->out, d->out_cap, d->in, frame);
  if (ZSTD_isError (n))
    {
      if (ZSTD_getErrorCode (n) == ZSTD_error_dstSize_tooSmall)
        {
          d->overflow = TRUE;
          return TRUE;
        }
      return kboot_decode_fail (d, error, "libzstd", 0, ZSTD_getErrorName (n));
    }
  d->out_len = n;
  return TRUE;
}

/* ---- framing: a bounded reader -------------------------------------------- */

typedef struct {
  const guint8 *p;
  gsize len;
  gsize pos;
} KbootReader;

/* The next @n bytes, or NULL (and nothing consumed) when fewer are left. */
static const guint8 *
kboot_reader_take (KbootReader *r, gsize n)
{
  const guint8 *at;

  if (n > r->len - r->pos)
    return NULL;
  at = r->p + r->pos;
  r->pos += n;
  return at;
}

static gboolean
kboot_reader_be (KbootReader *r, guint width, guint32 *value)
{
  const guint8 *at = kboot_reader_take (r, width);

  if (!at)
    return FALSE;
  *value = 0;
  for (guint i = 0; i < width; i++)
    *value = (*value << 8) | at[i];
  return TRUE;
}

/* ---- lz4: Linux's legacy frame around liblz4's block decoder ----------------
 * lib/decompress_unlz4.c: the magic 0x184C2102, then blocks, each a
 * 32-bit little-endian compressed size and the block, each decompressing
 * to at most 8 MiB; the magic may repeat (concatenated frames); the input
 * ends after the last block. */
#define KBOOT_LZ4_LEGACY_MAGIC  0x184C2102u
#define KBOOT_LZ4_LEGACY_BLOCK  (8 * 1024 * 1024)

static gboolean
kboot_decode_lz4 (KbootDecode *d, GError **error)
{
  KbootReader r = { d->in, d->in_len, 0 };
  g_autofree guint8 *scratch = NULL;
  const guint8 *magic = kboot_reader_take (&r, 4);

  if (!magic || kboot_le32 (magic) != KBOOT_LZ4_LEGACY_MAGIC)
    {
      g_set_error (error, KBOOT_PAYLOAD_ERROR, KBOOT_PAYLOAD_ERROR_FORMAT,
                   "%s: not lz4's legacy frame format (magic 02 21 4c 18), "
                   "the only one Linux's decompressor reads "
                   "(lib/decompress_unlz4.c)", d->what);
      return FALSE;
    }
  while (r.pos < r.len)
    {
      gsize block_at = r.pos;
      const guint8 *size_bytes = kboot_reader_take (&r, 4);
      const guint8 *block;
      guint32 size;
      gsize room = d->out_cap - d->out_len;
      int n;

      if (!size_bytes)
        break;                 /* cut short */
      size = kboot_le32 (size_bytes);
      if (size == KBOOT_LZ4_LEGACY_MAGIC)
        continue;
      if (size == 0 || size > (guint32) LZ4_compressBound (KBOOT_LZ4_LEGACY_BLOCK))
        return kboot_decode_fail (d, error, "the lz4 legacy framing", block_at,
                                  "block size out of range");
      block = kboot_reader_take (&r, size);
      if (!block)
        {
          r.pos = block_at;
          break;               /* cut short */
        }
      if (room >= KBOOT_LZ4_LEGACY_BLOCK)
        n = LZ4_decompress_safe ((const char *) block, (char *) d->out + d->out_len,
                                 (int) size, KBOOT_LZ4_LEGACY_BLOCK);
      else
        {
          /* Near the promised end: decode aside, to tell "too much"
           * from "corrupt". */
          if (!scratch)
            scratch = g_malloc (KBOOT_LZ4_LEGACY_BLOCK);
          n = LZ4_decompress_safe ((const char *) block, (char *) scratch,
                                   (int) size, KBOOT_LZ4_LEGACY_BLOCK);
          if (n > 0 && (gsize) n > room)
            {
              d->overflow = TRUE;
              d->consumed = r.pos;
              return TRUE;
            }
          if (n > 0)
            memcpy (d->out + d->out_len, scratch, (gsize) n);
        }
      if (n <= 0)
        return kboot_decode_fail (d, error, "liblz4", block_at, "invalid block");
      d->out_len += (gsize) n;
    }
  d->consumed = r.pos;
  d->ended = r.pos == r.len;
  return TRUE;
}

/* ---- lzo: the lzop format around liblzo2's block decoder ------------------
 * lzop's header (as lzop 1.04 writes it, lib/decompress_unlzo.c reads it),
 * then blocks: 32-bit big-endian decompressed and compressed sizes, one
 * checksum of the decompressed block, the block (stored as is when the
 * sizes are equal); a decompressed size of 0 ends the stream. */
static const guint8 kboot_lzop_magic[9] = {
  0x89, 'L', 'Z', 'O', 0x00, 0x0d, 0x0a, 0x1a, 0x0a
};
#define KBOOT_LZOP_VERSION_MIN  0x0940   /* the fields Linux reads */
#define KBOOT_LZOP_F_ADLER32_D  0x00000001u
#define KBOOT_LZOP_F_ADLER32_C  0x00000002u
#define KBOOT_LZOP_F_H_EXTRA    0x00000040u
#define KBOOT_LZOP_F_CRC32_D    0x00000100u
#define KBOOT_LZOP_F_CRC32_C    0x00000200u
#define KBOOT_LZOP_F_H_FILTER   0x00000800u
#define KBOOT_LZOP_F_H_CRC32    0x00001000u
/* lib/decompress_unlzo.c LZO_BLOCK_SIZE: Linux refuses larger blocks. */
#define KBOOT_LZOP_BLOCK_MAX    (256 * 1024)

static guint32
kboot_lzop_checksum (gboolean crc32, const guint8 *p, gsize len)
{
  return crc32 ? lzo_crc32 (0, p, len) : lzo_adler32 (1, p, len);
}

static gboolean
kboot_lzop_header (KbootDecode *d, KbootReader *r, guint32 *flags, GError **error)
{
  const guint8 *magic = kboot_reader_take (r, sizeof kboot_lzop_magic);
  guint32 version = 0, lib_version, needed, method = 0, level, mode,
          mtime_lo, mtime_hi, name_len = 0, stored, computed;
  gsize checked_from = r->pos;     /* the header after the magic */

  if (!magic || memcmp (magic, kboot_lzop_magic, sizeof kboot_lzop_magic) != 0)
    return kboot_decode_fail (d, error, "the lzop framing", 0, "no lzop magic");
  if (!kboot_reader_be (r, 2, &version) || !kboot_reader_be (r, 2, &lib_version))
    goto short_header;
  if (version < KBOOT_LZOP_VERSION_MIN)
    return kboot_decode_fail (d, error, "the lzop framing", 9,
                              "lzop format version below 0.94, which Linux misreads");
  if (!kboot_reader_be (r, 2, &needed) || !kboot_reader_be (r, 1, &method)
      || !kboot_reader_be (r, 1, &level) || !kboot_reader_be (r, 4, flags))
    goto short_header;
  if (method < 1 || method > 3)
    return kboot_decode_fail (d, error, "the lzop framing", 15,
                              "compression method is not LZO1X (1, 2 or 3)");
  if (*flags & (KBOOT_LZOP_F_H_FILTER | KBOOT_LZOP_F_H_EXTRA))
    return kboot_decode_fail (d, error, "the lzop framing", 17,
                              "a filter or extra header field, which Linux does not apply");
  if (!kboot_reader_be (r, 4, &mode) || !kboot_reader_be (r, 4, &mtime_lo)
      || !kboot_reader_be (r, 4, &mtime_hi) || !kboot_reader_be (r, 1, &name_len)
      || !kboot_reader_take (r, name_len))
    goto short_header;
  computed = kboot_lzop_checksum (*flags & KBOOT_LZOP_F_H_CRC32, r->p + checked_from,
                                  r->pos - checked_from);
  if (!kboot_reader_be (r, 4, &stored))
    goto short_header;
  if (stored != computed)
    return kboot_decode_fail (d, error, "the lzop framing", r->pos - 4,
                              "header checksum mismatch");
  return TRUE;

short_header:
  r->pos = r->len;
  return TRUE;     /* cut short: the caller sees r->pos == r->len */
}

static gboolean
kboot_decode_lzo (KbootDecode *d, GError **error)
{
  KbootReader r = { d->in, d->in_len, 0 };
  guint32 flags = 0, d_checks;

  if (lzo_init () != LZO_E_OK)
    return kboot_decode_fail (d, error, "liblzo2", 0, "lzo_init failed");
  if (!kboot_lzop_header (d, &r, &flags, error))
    return FALSE;
  if (r.pos == r.len)
    return TRUE;     /* cut short in the header */
  /* Linux skips exactly one checksum a block (lzop's default: adler32 of
   * the decompressed block); anything else it would misread. */
  d_checks = flags & (KBOOT_LZOP_F_ADLER32_D | KBOOT_LZOP_F_CRC32_D);
  if ((d_checks != KBOOT_LZOP_F_ADLER32_D && d_checks != KBOOT_LZOP_F_CRC32_D)
      || (flags & (KBOOT_LZOP_F_ADLER32_C | KBOOT_LZOP_F_CRC32_C)))
    return kboot_decode_fail (d, error, "the lzop framing", 17,
                              "not exactly one checksum of the decompressed data a "
                              "block, the layout Linux reads");
  for (;;)
    {
      gsize block_at = r.pos;
      guint32 dst_len, src_len, stored;
      const guint8 *src;
      lzo_uint n;

      if (!kboot_reader_be (&r, 4, &dst_len))
        break;                 /* cut short */
      if (dst_len == 0)
        {
          d->ended = TRUE;
          break;
        }
      if (dst_len > KBOOT_LZOP_BLOCK_MAX)
        return kboot_decode_fail (d, error, "the lzop framing", block_at,
                                  "a block larger than the 256 KiB Linux takes");
      if (!kboot_reader_be (&r, 4, &src_len) || !kboot_reader_be (&r, 4, &stored)
          || !(src = kboot_reader_take (&r, src_len)))
        {
          r.pos = block_at;
          break;               /* cut short */
        }
      if (src_len == 0 || src_len > dst_len)
        return kboot_decode_fail (d, error, "the lzop framing", block_at,
                                  "compressed block size out of range");
      if (dst_len > d->out_cap - d->out_len)
        {
          d->overflow = TRUE;
          break;
        }
      n = dst_len;
      if (src_len == dst_len)
        memcpy (d->out + d->out_len, src, dst_len);
      else if (lzo1x_decompress_safe (src, src_len, d->out + d->out_len, &n, NULL)
               != LZO_E_OK || n != dst_len)
        return kboot_decode_fail (d, error, "liblzo2", block_at, "invalid block");
      if (kboot_lzop_checksum (d_checks == KBOOT_LZOP_F_CRC32_D,
                               d->out + d->out_len, dst_len) != stored)
        return kboot_decode_fail (d, error, "the lzop framing", block_at,
                                  "block checksum mismatch");
      d->out_len += dst_len;
    }
  d->consumed = r.pos;
  return TRUE;
}

/* ---- the rules ------------------------------------------------------------ */

static gboolean
kboot_payload_decode (KbootDecode *d, KbootPayloadFormat format, GError **error)
{
  switch (format)
    {
    case KBOOT_PAYLOAD_GZIP: return kboot_decode_gzip (d, error);
    case KBOOT_PAYLOAD_BZIP2: return kboot_decode_bzip2 (d, error);
    case KBOOT_PAYLOAD_LZMA: return kboot_decode_lzma (d, FALSE, error);
    case KBOOT_PAYLOAD_XZ: return kboot_decode_lzma (d, TRUE, error);
    case KBOOT_PAYLOAD_LZO: return kboot_decode_lzo (d, error);
    case KBOOT_PAYLOAD_LZ4: return kboot_decode_lz4 (d, error);
    case KBOOT_PAYLOAD_ZSTD: return kboot_decode_zstd (d, error);
    case KBOOT_PAYLOAD_UNKNOWN:
    case KBOOT_PAYLOAD_ELF:
    case KBOOT_PAYLOAD_LAST:
      break;
    }
  g_return_val_if_reached (FALSE);
}

/* The payload's bytes in @kernel, or NULL with the rule broken. */
static const guint8 *
kboot_payload_bytes (const KbootImage *image, const guint8 *kernel,
                     gsize kernel_len, const char *path, GError **error)
{
  guint64 end;

  if (image->kind != KBOOT_IMAGE_KIND_BZIMAGE || !image->payload_in_file
      || image->hdr.payload_length == 0)
    {
      g_set_error (error, KBOOT_PAYLOAD_ERROR, KBOOT_PAYLOAD_ERROR_NO_PAYLOAD,
                   "%s: no compressed payload inside the file (a bzImage of boot "
                   "protocol 2.08 or later names it with payload_offset and "
                   "payload_length)", path);
      return NULL;
    }
  if (!g_uint64_checked_add (&end, image->payload_file_offset, image->hdr.payload_length)
      || end > kernel_len)
    {
      g_set_error (error, KBOOT_PAYLOAD_ERROR, KBOOT_PAYLOAD_ERROR_NO_PAYLOAD,
                   "%s: payload at file offset 0x%" G_GINT64_MODIFIER "x, 0x%x "
                   "bytes, runs past the %" G_GSIZE_FORMAT " bytes read",
                   path, image->payload_file_offset, image->hdr.payload_length,
                   kernel_len);
      return NULL;
    }
  return kernel + image->payload_file_offset;
}

static gboolean
kboot_payload_check_format (KbootPayloadFormat format, const KbootImage *image,
                            const guint8 *payload, gsize length,
                            const char *path, GError **error)
{
  if (format != image->payload_format)
    {
      g_set_error (error, KBOOT_PAYLOAD_ERROR, KBOOT_PAYLOAD_ERROR_CHANGED,
                   "%s: payload is %s, but it was %s when the kernel was probed "
                   "(the file changed?)", path, kboot_payload_format_to_string (format),
                   kboot_payload_format_to_string (image->payload_format));
      return FALSE;
    }
  if (format == KBOOT_PAYLOAD_UNKNOWN)
    {
      guint8 m[4] = { 0 };

      memcpy (m, payload, MIN (length, sizeof m));
      g_set_error (error, KBOOT_PAYLOAD_ERROR, KBOOT_PAYLOAD_ERROR_FORMAT,
                   "%s: payload starts %02x %02x %02x %02x, the magic number of "
                   "none of gzip, bzip2, lzma, xz, lzo, lz4 and zstd", path,
                   m[0], m[1], m[2], m[3]);
      return FALSE;
    }
  if (format == KBOOT_PAYLOAD_ELF)
    {
      g_set_error (error, KBOOT_PAYLOAD_ERROR, KBOOT_PAYLOAD_ERROR_FORMAT,
                   "%s: payload is an uncompressed ELF, which Linux's x86 "
                   "decompressor never carries: not decompressed", path);
      return FALSE;
    }
  return TRUE;
}

/* Apply the size rules to what the decoder did. */
static gboolean
kboot_payload_check_result (const KbootDecode *d, gsize expected, GError **error)
{
  g_autofree char *promised = kboot_format_size (expected);

  if (d->overflow || d->out_len > expected)
    {
      g_set_error (error, KBOOT_PAYLOAD_ERROR, KBOOT_PAYLOAD_ERROR_TOO_LARGE,
                   "%s decompresses to more than the %s (%" G_GSIZE_FORMAT
                   " bytes) its trailer promises", d->what, promised, expected);
      return FALSE;
    }
  if (!d->ended)
    {
      g_set_error (error, KBOOT_PAYLOAD_ERROR, KBOOT_PAYLOAD_ERROR_TRUNCATED,
                   "%s is cut short: its stream stops after %" G_GSIZE_FORMAT
                   " of its %" G_GSIZE_FORMAT " bytes without its end, having "
                   "produced %" G_GSIZE_FORMAT " of the %" G_GSIZE_FORMAT
                   " bytes its trailer promises", d->what, d->consumed, d->in_len,
                   d->out_len, expected);
      return FALSE;
    }
  if (d->consumed != d->in_len)
    {
      g_set_error (error, KBOOT_PAYLOAD_ERROR, KBOOT_PAYLOAD_ERROR_TRAILING,
                   "%s: its stream ends at byte %" G_GSIZE_FORMAT ", %"
                   G_GSIZE_FORMAT " bytes before its size trailer (only the "
                   "trailer may follow the stream)", d->what, d->consumed,
                   d->in_len - d->consumed);
      return FALSE;
    }
  if (d->out_len < expected)
    {
      g_autofree char *got = kboot_format_size (d->out_len);

      g_set_error (error, KBOOT_PAYLOAD_ERROR, KBOOT_PAYLOAD_ERROR_TOO_SMALL,
                   "%s decompresses to %s (%" G_GSIZE_FORMAT " bytes), less than "
                   "the %s (%" G_GSIZE_FORMAT " bytes) its trailer promises",
                   d->what, got, d->out_len, promised, expected);
      return FALSE;
    }
  return TRUE;
}

KbootPayload *
kboot_image_payload_decompress (const KbootImage *image, const guint8 *kernel,
                                gsize kernel_len, guint64 size_max,
                                const char *path, GError **error)
{
  const guint8 *payload;
  gsize length, expected;
  KbootPayloadFormat format;
  g_autofree char *what = NULL, *compressed = NULL;
  g_autofree guint8 *out = NULL;
  KbootDecode d = { 0 };
  KbootPayload *result;

  payload = kboot_payload_bytes (image, kernel, kernel_len, path, error);
  if (!payload)
    return NULL;
  length = image->hdr.payload_length;
  format = kboot_payload_format_detect (payload, length);
  if (!kboot_payload_check_format (format, image, payload, length, path, error))
    return NULL;

  compressed = kboot_format_size (length);
  what = g_strdup_printf ("%s: payload (%s, %s)", path,
                          kboot_payload_format_to_string (format), compressed);
  if (length <= KBOOT_PAYLOAD_TRAILER_SIZE)
    {
      g_set_error (error, KBOOT_PAYLOAD_ERROR, KBOOT_PAYLOAD_ERROR_TRAILER,
                   "%s is too short to hold a stream and its 4-byte size trailer",
                   what);
      return NULL;
    }
  expected = kboot_le32 (payload + length - KBOOT_PAYLOAD_TRAILER_SIZE);
  if (expected == 0)
    {
      g_set_error (error, KBOOT_PAYLOAD_ERROR, KBOOT_PAYLOAD_ERROR_TRAILER,
                   "%s: its size trailer promises 0 bytes, no kernel at all", what);
      return NULL;
    }
  if (expected > size_max)
    {
      g_autofree char *promised = kboot_format_size (expected);
      g_autofree char *cap = kboot_format_size (size_max);

      g_set_error (error, KBOOT_PAYLOAD_ERROR, KBOOT_PAYLOAD_ERROR_TRAILER,
                   "%s: its size trailer promises %s (%" G_GSIZE_FORMAT " bytes), "
                   "more than the %s xen-kboot decompresses", what, promised,
                   expected, cap);
      return NULL;
    }

  out = g_try_malloc (expected + 1);
  if (!out)
    {
      g_autofree char *promised = kboot_format_size (expected + 1);

      g_set_error (error, KBOOT_PAYLOAD_ERROR, KBOOT_PAYLOAD_ERROR_MEMORY,
                   "%s: cannot allocate %s to decompress it", what, promised);
      return NULL;
    }
  d.what = what;
  d.in = payload;
  d.in_len = format == KBOOT_PAYLOAD_GZIP ? length : length - KBOOT_PAYLOAD_TRAILER_SIZE;
  d.out = out;
  d.out_cap = expected + 1;
  if (!kboot_payload_decode (&d, format, error)
      || !kboot_payload_check_result (&d, expected, error))
    return NULL;

  result = g_new0 (KbootPayload, 1);
  result->format = format;
  result->compressed_size = length;
  result->size = expected;
  result->data = g_bytes_new_take (g_steal_pointer (&out), expected);
  return result;
}

void
kboot_payload_free (KbootPayload *payload)
{
  if (!payload)
    return;
  g_clear_pointer (&payload->data, g_bytes_unref);
  g_free (payload);
}
