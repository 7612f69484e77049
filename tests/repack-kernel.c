/* tests/repack-kernel: a real bzImage with its payload recompressed in
 * another of the formats Linux's x86 decompressor reads, for the fast boot
 * path's tests (issue 15): Debian's kernels are all xz, and the fast path
 * must boot every format.
 *
 *   repack-kernel IN FORMAT OUT   FORMAT: gzip bzip2 lzma xz lzo lz4 zstd
 *   repack-kernel --payload KERNEL
 *       prints "FORMAT SIZE SHA256" of KERNEL's payload, decompressed by
 *       the fast path's own module, once it is checked to be the vmlinux
 *       the setup header promises (kboot_image_vmlinux).
 *
 * The payload is decompressed with kboot_image_payload_decompress (the
 * real module) and recompressed by the command-line tools Linux's build
 * runs (scripts/Makefile.lib), followed by size_append, the decompressed
 * size as 4 little-endian bytes (not for gzip: its own ISIZE is that size,
 * and Linux appends nothing to it).
 *
 * Only the fast path can boot the result: the decompressor inside the
 * bzImage was built for the original format alone (Debian's reads only xz),
 * and the EFI stub's PE header and signature are not updated. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "kboot_image_payload.h"
#include "kboot_image_proto.h"
#include "kboot_image_vmlinux.h"
#include "kboot_util.h"

/* What Linux's scripts/Makefile.lib runs for each format (cmd_gzip and the
 * cmd_*_with_size of 6.1+), reading stdin and writing stdout.  lz4: later
 * kernels' "-l -9" (6.1's "-l -c1" meant high compression only to lz4c; to
 * lz4 it is level 1); xz: scripts/xz_wrap.sh for x86. */
typedef struct {
  KbootPayloadFormat format;
  const char *argv[8];
  const char *package;         /* Debian's, for the "not installed" message */
  gboolean size_append;
} RepackCompressor;

static const RepackCompressor repack_compressors[] = {
  { KBOOT_PAYLOAD_GZIP, { "gzip", "-n", "-f", "-9", NULL }, "gzip", FALSE },
  { KBOOT_PAYLOAD_BZIP2, { "bzip2", "-9", NULL }, "bzip2", TRUE },
  { KBOOT_PAYLOAD_LZMA, { "lzma", "-9", NULL }, "xz-utils", TRUE },
  { KBOOT_PAYLOAD_XZ, { "xz", "--check=crc32", "--x86", "--lzma2=,dict=32MiB", NULL },
    "xz-utils", TRUE },
  { KBOOT_PAYLOAD_LZO, { "lzop", "-9", NULL }, "lzop", TRUE },
  { KBOOT_PAYLOAD_LZ4, { "lz4", "-l", "-9", "-", "-", NULL }, "lz4", TRUE },
  { KBOOT_PAYLOAD_ZSTD, { "zstd", "-22", "--ultra", NULL }, "zstd", TRUE },
};

/* The code after the payload (the decompressor's .text, .rodata, .data;
 * kernel_info) moves by a multiple of this, so that every section keeps
 * its alignment relative to startup_32, as the linker made it. */
#define REPACK_TAIL_ALIGN KBOOT_PAGE_SIZE

#define REPACK_ERROR (repack_error_quark ())
GQuark repack_error_quark (void);
G_DEFINE_QUARK (repack-kernel-error-quark, repack_error)

static const RepackCompressor *
repack_compressor (const char *name, GError **error)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (repack_compressors); i++)
    {
      const char *n = kboot_payload_format_to_string (repack_compressors[i].format);

      if (strcmp (name, n) == 0)
        return &repack_compressors[i];
      g_string_append_printf (names, "%s%s", i ? ", " : "", n);
    }
  g_set_error (error, REPACK_ERROR, 0, "format '%s' is not one Linux's x86 "
               "decompressor reads (%s)", name, names->str);
  return NULL;
}

/* A kernel file, whole, probed as the fast path probes it. */
typedef struct {
  char *path;
  char *bytes;
  gsize len;
  KbootImage *image;
} RepackKernel;

static void
repack_kernel_free (RepackKernel *k)
{
  if (!k)
    return;
  g_free (k->path);
  g_free (k->bytes);
  g_clear_pointer (&k->image, kboot_image_free);
  g_free (k);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RepackKernel, repack_kernel_free)

static RepackKernel *
repack_kernel_read (const char *path, GError **error)
{
  g_autoptr(RepackKernel) k = g_new0 (RepackKernel, 1);
  guint64 off;
  gsize magic_len;

  k->path = g_strdup (path);
  if (!g_file_get_contents (path, &k->bytes, &k->len, error))
    return NULL;
  k->image = kboot_image_probe ((const guint8 *) k->bytes,
                                MIN (k->len, KBOOT_IMAGE_HEAD_MAX), k->len);
  if (kboot_image_payload_range (k->image, &off, &magic_len))
    kboot_image_set_payload_magic (k->image, (const guint8 *) k->bytes + off, magic_len);
  if (!kboot_image_check_bootable (k->image, path, error))
    return NULL;
  return g_steal_pointer (&k);
}

/* The payload decompressed, checked to be the vmlinux the header promises. */
static KbootPayload *
repack_kernel_payload (const RepackKernel *k, GError **error)
{
  g_autoptr(KbootPayload) payload = NULL;
  g_autoptr(KbootVmlinux) vmlinux = NULL;

  payload = kboot_image_payload_decompress (k->image, (const guint8 *) k->bytes, k->len,
                                            KBOOT_PAYLOAD_SIZE_MAX, k->path, error);
  if (!payload)
    return NULL;
  vmlinux = kboot_image_vmlinux_parse (k->image, g_bytes_get_data (payload->data, NULL),
                                       payload->size, k->path, error);
  if (!vmlinux)
    return NULL;
  return g_steal_pointer (&payload);
}

/* @c's payload for @plain: the tool's output, then size_append. */
static GBytes *
repack_compress (const RepackCompressor *c, GBytes *plain, const char *path,
                 GError **error)
{
  g_autofree char *found = g_find_program_in_path (c->argv[0]);
  g_autoptr(GSubprocess) p = NULL;
  g_autoptr(GBytes) out = NULL, err = NULL;
  GByteArray *payload;
  guint8 trailer[4];

  if (!found)
    {
      g_set_error (error, REPACK_ERROR, 0, "%s: cannot recompress its payload: %s is "
                   "not installed (Debian package %s; run.sh installs it)", path,
                   c->argv[0], c->package);
      return NULL;
    }
  p = g_subprocess_newv (c->argv, G_SUBPROCESS_FLAGS_STDIN_PIPE
                                  | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                  | G_SUBPROCESS_FLAGS_STDERR_PIPE, error);
  if (!p || !g_subprocess_communicate (p, plain, NULL, &out, &err, error))
    return NULL;
  if (!g_subprocess_get_if_exited (p) || g_subprocess_get_exit_status (p) != 0
      || g_bytes_get_size (out) == 0)
    {
      g_autofree char *why = g_strndup (g_bytes_get_data (err, NULL), g_bytes_get_size (err));

      g_strstrip (why);
      g_set_error (error, REPACK_ERROR, 0, "%s: recompressing its payload, %s "
                   "failed (%s): %s", path, c->argv[0],
                   g_subprocess_get_if_exited (p) ? "non-zero exit" : "killed",
                   *why ? why : "no output");
      return NULL;
    }
  payload = g_byte_array_sized_new ((guint) g_bytes_get_size (out) + sizeof trailer);
  g_byte_array_append (payload, g_bytes_get_data (out, NULL), (guint) g_bytes_get_size (out));
  if (c->size_append)
    {
      kboot_le_put (trailer, sizeof trailer, g_bytes_get_size (plain));
      g_byte_array_append (payload, trailer, sizeof trailer);
    }
  return g_byte_array_free_to_bytes (payload);
}

/* Linux's arch/x86/boot/header.S: INIT_SIZE = max(ZO_INIT_SIZE,
 * VO_INIT_SIZE).  VO (the vmlinux) is unchanged; ZO_INIT_SIZE = ZO's extent
 * + the in-place extract offset, both of which change with the payload.
 * ZO's bss (heap, stack, page tables) is not in the file, so @zo_file (its
 * part in the file) stands for its extent: init_size only grows. */
static guint64
repack_init_size (guint32 old_init_size, guint64 zo_file, guint64 input_len,
                  guint64 output_len)
{
  guint64 extra = (output_len >> 8) + 65536;
  guint64 extract = output_len > input_len ? output_len + extra - input_len : extra;
  guint64 zo_init = zo_file + ((extract + 4095) & ~G_GUINT64_CONSTANT (4095));

  return MAX ((guint64) old_init_size, zo_init);
}

/* Header fields pointing into the protected-mode part after the payload
 * move with the code they point at. */
static gboolean
repack_move_offset (guint8 *setup, guint field, const char *name, guint64 old_tail,
                    guint64 new_tail, guint64 payload_offset, const char *path,
                    GError **error)
{
  guint64 value = kboot_le32 (setup + field);

  if (value == 0 || value < payload_offset)
    return TRUE;               /* absent, or before the payload: unmoved */
  if (value < old_tail)
    {
      g_set_error (error, REPACK_ERROR, 0, "%s: %s 0x%" G_GINT64_MODIFIER "x at "
                   "offset 0x%x points into the payload", path, name, value, field);
      return FALSE;
    }
  value = value - old_tail + new_tail;
  if (value > G_MAXUINT32)
    {
      g_set_error (error, REPACK_ERROR, 0, "%s: %s moves past 4 GiB", path, name);
      return FALSE;
    }
  kboot_le_put (setup + field, 4, value);
  return TRUE;
}

/* @in's setup + its protected-mode part with @payload where the old one
 * was: [0, payload_offset) kept, the payload, zeros up to the old code
 * after it moved by a multiple of REPACK_TAIL_ALIGN, that code up to
 * syssize (what follows, Debian's Authenticode signature, no longer signs
 * these bytes and is dropped), zeros to a 16-byte paragraph. */
static GByteArray *
repack_splice (const RepackKernel *in, GBytes *payload, gsize plain_size, GError **error)
{
  const KbootSetupHeader *hdr = &in->image->hdr;
  const guint8 *pm = (const guint8 *) in->bytes + in->image->pm_offset;
  guint64 old_tail = (guint64) hdr->payload_offset + hdr->payload_length;
  guint64 code_end = MIN ((guint64) hdr->syssize * 16, in->image->pm_size);
  guint64 new_payload_end, new_tail, new_code_end, new_pm_size, init_size;
  gsize new_len = g_bytes_get_size (payload);
  GByteArray *out;

  if (old_tail > code_end)
    {
      g_set_error (error, REPACK_ERROR, 0, "%s: the payload ends at 0x%"
                   G_GINT64_MODIFIER "x, past syssize's 0x%" G_GINT64_MODIFIER
                   "x bytes of protected-mode code", in->path, old_tail, code_end);
      return NULL;
    }
  if (new_len > G_MAXUINT32)
    {
      g_set_error (error, REPACK_ERROR, 0, "%s: the new payload (%" G_GSIZE_FORMAT
                   " bytes) does not fit payload_length's 32 bits", in->path, new_len);
      return NULL;
    }
  new_payload_end = (guint64) hdr->payload_offset + new_len;
  /* The smallest new_tail >= new_payload_end with new_tail = old_tail
   * (mod REPACK_TAIL_ALIGN). */
  if (new_payload_end <= old_tail)
    new_tail = old_tail - kboot_align_down (old_tail - new_payload_end, REPACK_TAIL_ALIGN);
  else
    new_tail = old_tail + (new_payload_end - old_tail + REPACK_TAIL_ALIGN - 1)
                          / REPACK_TAIL_ALIGN * REPACK_TAIL_ALIGN;
  new_code_end = new_tail + (code_end - old_tail);
  new_pm_size = (new_code_end + 15) & ~G_GUINT64_CONSTANT (15);
  /* Sums of 32-bit values above: no overflow of 64 bits.  The file must
   * stay within syssize's (and GByteArray's) 32 bits. */
  if (in->image->pm_offset + new_pm_size > G_MAXUINT32)
    {
      g_set_error (error, REPACK_ERROR, 0, "%s: with the new payload (%" G_GSIZE_FORMAT
                   " bytes) the kernel would pass 4 GiB", in->path, new_len);
      return NULL;
    }

  out = g_byte_array_sized_new ((guint) (in->image->pm_offset + new_pm_size));
  g_byte_array_append (out, (const guint8 *) in->bytes,
                       (guint) (in->image->pm_offset + hdr->payload_offset));
  g_byte_array_append (out, g_bytes_get_data (payload, NULL), (guint) new_len);
  g_byte_array_set_size (out, (guint) (in->image->pm_offset + new_tail));
  memset (out->data + in->image->pm_offset + new_payload_end, 0, new_tail - new_payload_end);
  g_byte_array_append (out, pm + old_tail, (guint) (code_end - old_tail));
  g_byte_array_set_size (out, (guint) (in->image->pm_offset + new_pm_size));
  memset (out->data + in->image->pm_offset + new_code_end, 0, new_pm_size - new_code_end);

  init_size = repack_init_size (hdr->init_size, new_pm_size, new_len, plain_size);
  if (init_size > G_MAXUINT32
      || !repack_move_offset (out->data, KBOOT_HDR_HANDOVER_OFFSET, "handover_offset",
                              old_tail, new_tail, hdr->payload_offset, in->path, error)
      || !repack_move_offset (out->data, KBOOT_HDR_KERNEL_INFO_OFFSET, "kernel_info_offset",
                              old_tail, new_tail, hdr->payload_offset, in->path, error))
    {
      if (error && !*error)
        g_set_error (error, REPACK_ERROR, 0, "%s: init_size past 4 GiB", in->path);
      g_byte_array_unref (out);
      return NULL;
    }
  kboot_le_put (out->data + KBOOT_HDR_PAYLOAD_LENGTH, 4, new_len);
  kboot_le_put (out->data + KBOOT_HDR_SYSSIZE, 4, new_pm_size / 16);
  kboot_le_put (out->data + KBOOT_HDR_INIT_SIZE, 4, init_size);
  return out;
}

static char *
repack_sha256 (GBytes *bytes)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

static gboolean
repack (const char *in_path, const char *format_name, const char *out_path,
        GError **error)
{
  const RepackCompressor *c = repack_compressor (format_name, error);
  g_autoptr(RepackKernel) in = NULL, check = NULL;
  g_autoptr(KbootPayload) plain = NULL, again = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GByteArray) out = NULL;

  if (!c || !(in = repack_kernel_read (in_path, error))
      || !(plain = repack_kernel_payload (in, error))
      || !(payload = repack_compress (c, plain->data, in_path, error)))
    return FALSE;
  if (kboot_payload_format_detect (g_bytes_get_data (payload, NULL),
                                   g_bytes_get_size (payload)) != c->format)
    {
      g_set_error (error, REPACK_ERROR, 0, "%s: its payload recompressed by %s does "
                   "not start with %s's magic number", in_path, c->argv[0], format_name);
      return FALSE;
    }
  if (!(out = repack_splice (in, payload, plain->size, error))
      || !g_file_set_contents (out_path, (const char *) out->data, out->len, error))
    return FALSE;

  /* What the fast path will do with it: probe, decompress, the same
   * bytes.  A file that fails is not left behind for a test to boot. */
  if (!(check = repack_kernel_read (out_path, error))
      || !(again = repack_kernel_payload (check, error)))
    {
      g_unlink (out_path);
      return FALSE;
    }
  if (check->image->payload_format != c->format || !g_bytes_equal (again->data, plain->data))
    {
      g_set_error (error, REPACK_ERROR, 0, "%s: its %s payload does not decompress "
                   "to the bytes of %s's", out_path,
                   kboot_payload_format_to_string (check->image->payload_format), in_path);
      g_unlink (out_path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
print_payload (const char *path, GError **error)
{
  g_autoptr(RepackKernel) k = repack_kernel_read (path, error);
  g_autoptr(KbootPayload) payload = k ? repack_kernel_payload (k, error) : NULL;
  g_autofree char *sha = NULL;

  if (!payload)
    return FALSE;
  sha = repack_sha256 (payload->data);
  printf ("%s %" G_GUINT64_FORMAT " %s\n", kboot_payload_format_to_string (payload->format),
          payload->size, sha);
  return TRUE;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (argc == 3 && strcmp (argv[1], "--payload") == 0)
    ok = print_payload (argv[2], &error);
  else if (argc == 4)
    ok = repack (argv[1], argv[2], argv[3], &error);
  else
    {
      fprintf (stderr, "usage: repack-kernel IN_BZIMAGE FORMAT OUT\n"
                       "       repack-kernel --payload BZIMAGE\n");
      return 2;
    }
  if (!ok)
    {
      fprintf (stderr, "repack-kernel: %s\n", error->message);
      return 1;
    }
  return 0;
}
