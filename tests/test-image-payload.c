/* Unit tests of the payload's decompression (src/kboot_image_payload.c)
 * and of the vmlinux check (src/kboot_image_vmlinux.c).
 *
 * Payloads are made here, at test time, from a small ELF vmlinux built
 * here: by each library's own compressor, and by the command-line tools
 * Linux's build uses (scripts/Makefile.lib), then wrapped in a synthetic
 * bzImage (tests/kboot_synth.c).  Hostile payloads are derived from them.
 * The real Debian kernels (tests/fetch-testdata.sh) are decompressed and
 * compared with what the xz tool makes of the same payload bytes. */
#include "config.h"

#include <elf.h>
#include <string.h>

#include <gio/gio.h>
#include <zlib.h>
#include <bzlib.h>
#include <lzma.h>
#include <lzo/lzo1x.h>
#include <lz4.h>
#include <zstd.h>

#include "kboot_image.h"
#include "kboot_image_payload.h"
#include "kboot_image_vmlinux.h"
#include "kboot_synth.h"
#include "kboot_util.h"

#define SYNTH_PATH   "/srv/kernels/vmlinuz-synthetic"
#define LINK_BASE    0x1000000u        /* Debian's LOAD_PHYSICAL_ADDR */
#define INIT_SIZE    0x1000000u        /* kboot_synth's init_size */

/* ---- a small vmlinux ------------------------------------------------------ */

typedef struct {
  guint32 type;                /* PT_LOAD, PT_NOTE */
  guint64 paddr, filesz, memsz;
  guint64 offset;              /* 0: the next free page */
} SegSpec;

typedef struct {
  guint bits;                  /* 32 or 64 */
  guint16 machine;             /* 0: the class's own */
  guint16 type;                /* 0: ET_EXEC */
  guint8 data;                 /* 0: ELFDATA2LSB */
  guint64 entry;               /* 0: LINK_BASE */
  guint64 phoff;               /* 0: right after the ELF header */
  gsize relocs;                /* bytes of relocation table appended */
  SegSpec segs[4];
  guint n_segs;
} ElfSpec;

/* Compressible but not trivial bytes: words with a counter. */
static void
fill_text (guint8 *p, gsize len, guint seed)
{
  static const char *const words[] = { "startup_64", "mov", "%rsi", "lea",
                                       "boot_params", "jmp", "0xffffffff81000000" };
  gsize i = 0;
  guint n = seed;

  while (i < len)
    {
      char w[48];

      g_snprintf (w, sizeof w, "%s %u;", words[n % G_N_ELEMENTS (words)], n / 3);

      for (gsize k = 0; w[k] && i < len; k++)
        p[i++] = (guint8) w[k];
      n = n * 1103515245u + 12345u;
      n %= 100003u;
    }
}

/* The ELF @spec describes: header, program headers, each segment's bytes
 * at a page of its own, the section header table (one null entry), the
 * relocation table. */
static GBytes *
elf_build (const ElfSpec *spec)
{
  gboolean is64 = spec->bits == 64;
  gsize ehdr = is64 ? sizeof (Elf64_Ehdr) : sizeof (Elf32_Ehdr);
  gsize phdr = is64 ? sizeof (Elf64_Phdr) : sizeof (Elf32_Phdr);
  gsize shdr = is64 ? sizeof (Elf64_Shdr) : sizeof (Elf32_Shdr);
  guint64 phoff = spec->phoff ? spec->phoff : ehdr;
  guint64 offsets[4], next = 0x1000, shoff, len;
  guint8 *elf;

  for (guint i = 0; i < spec->n_segs; i++)
    {
      offsets[i] = spec->segs[i].offset ? spec->segs[i].offset : next;
      if (!spec->segs[i].offset)
        next = (next + spec->segs[i].filesz + 0xfff) & ~G_GUINT64_CONSTANT (0xfff);
    }
  shoff = next;
  len = shoff + shdr + spec->relocs;
  elf = g_malloc0 (len);
  for (guint i = 0; i < spec->n_segs; i++)
    if (!spec->segs[i].offset)
      fill_text (elf + offsets[i], spec->segs[i].filesz, i + 1);
  /* The relocation table: a zero terminator, then 32-bit entries. */
  for (gsize k = 4; k + 4 <= spec->relocs; k += 4)
    kboot_le_put (elf + shoff + shdr + k, 4, 0x81000000u + k * 8);

  memcpy (elf, ELFMAG, SELFMAG);
  elf[EI_CLASS] = is64 ? ELFCLASS64 : ELFCLASS32;
  elf[EI_DATA] = spec->data ? spec->data : ELFDATA2LSB;
  elf[EI_VERSION] = EV_CURRENT;
  if (is64)
    {
      Elf64_Ehdr h = { 0 };

      memcpy (h.e_ident, elf, EI_NIDENT);
      h.e_type = spec->type ? spec->type : ET_EXEC;
      h.e_machine = spec->machine ? spec->machine : EM_X86_64;
      h.e_version = EV_CURRENT;
      h.e_entry = spec->entry ? spec->entry : LINK_BASE;
      h.e_phoff = phoff;
      h.e_shoff = shoff;
      h.e_ehsize = ehdr;
      h.e_phentsize = phdr;
      h.e_phnum = spec->n_segs;
      h.e_shentsize = shdr;
      h.e_shnum = 1;
      memcpy (elf, &h, sizeof h);
      for (guint i = 0; i < spec->n_segs && phoff + (i + 1) * phdr <= len; i++)
        {
          Elf64_Phdr p = { 0 };

          p.p_type = spec->segs[i].type;
          p.p_flags = PF_R | PF_X;
          p.p_offset = offsets[i];
          p.p_vaddr = spec->segs[i].paddr + G_GUINT64_CONSTANT (0xffffffff80000000);
          p.p_paddr = spec->segs[i].paddr;
          p.p_filesz = spec->segs[i].filesz;
          p.p_memsz = spec->segs[i].memsz;
          p.p_align = 0x200000;
          memcpy (elf + phoff + i * phdr, &p, sizeof p);
        }
    }
  else
    {
      Elf32_Ehdr h = { 0 };

      memcpy (h.e_ident, elf, EI_NIDENT);
      h.e_type = spec->type ? spec->type : ET_EXEC;
      h.e_machine = spec->machine ? spec->machine : EM_386;
      h.e_version = EV_CURRENT;
      h.e_entry = (Elf32_Addr) (spec->entry ? spec->entry : LINK_BASE);
      h.e_phoff = (Elf32_Off) phoff;
      h.e_shoff = (Elf32_Off) shoff;
      h.e_ehsize = ehdr;
      h.e_phentsize = phdr;
      h.e_phnum = spec->n_segs;
      h.e_shentsize = shdr;
      h.e_shnum = 1;
      memcpy (elf, &h, sizeof h);
      for (guint i = 0; i < spec->n_segs && phoff + (i + 1) * phdr <= len; i++)
        {
          Elf32_Phdr p = { 0 };

          p.p_type = spec->segs[i].type;
          p.p_flags = PF_R | PF_X;
          p.p_offset = (Elf32_Off) offsets[i];
          p.p_vaddr = (Elf32_Addr) (spec->segs[i].paddr + 0xc0000000u);
          p.p_paddr = (Elf32_Addr) spec->segs[i].paddr;
          p.p_filesz = (Elf32_Word) spec->segs[i].filesz;
          p.p_memsz = (Elf32_Word) spec->segs[i].memsz;
          p.p_align = 0x1000;
          memcpy (elf + phoff + i * phdr, &p, sizeof p);
        }
    }
  return g_bytes_new_take (elf, len);
}

/* Like Debian's amd64 vmlinux, small: text, data with bss, a note, and a
 * relocation table; about 600 KiB, more than two lzop blocks. */
static const ElfSpec good64 = {
  64, 0, 0, 0, 0, 0, 4096,
  { { PT_LOAD, LINK_BASE, 0x60000, 0x60000, 0 },
    { PT_LOAD, LINK_BASE + 0x200000, 0x38000, 0x80000, 0 },
    { PT_NOTE, LINK_BASE + 0x50000, 0x40, 0x40, 0x51000 } }, 3
};

/* ---- payloads ------------------------------------------------------------- */

/* scripts/Makefile.lib size_append: the size, 32-bit little-endian. */
static void
size_append (GByteArray *a, gsize size)
{
  guint8 le[4];

  kboot_le_put (le, 4, size);
  g_byte_array_append (a, le, 4);
}

static GByteArray *
compress_gzip (const guint8 *in, gsize len)
{
  GByteArray *a = g_byte_array_sized_new (len + 64);
  z_stream z = { 0 };

  g_assert_cmpint (deflateInit2 (&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 9,
                                 Z_DEFAULT_STRATEGY), ==, Z_OK);
  g_byte_array_set_size (a, deflateBound (&z, len));
  z.next_in = (Bytef *) in;
  z.avail_in = len;
  z.next_out = a->data;
  z.avail_out = a->len;
  g_assert_cmpint (deflate (&z, Z_FINISH), ==, Z_STREAM_END);
  g_byte_array_set_size (a, z.total_out);
  deflateEnd (&z);
  return a;                     /* gzip's ISIZE is the trailer */
}

static GByteArray *
compress_bzip2 (const guint8 *in, gsize len)
{
  GByteArray *a = g_byte_array_sized_new (len + len / 100 + 700);
  unsigned int out_len = len + len / 100 + 600;

  g_byte_array_set_size (a, out_len);
  g_assert_cmpint (BZ2_bzBuffToBuffCompress ((char *) a->data, &out_len,
                                             (char *) in, len, 9, 0, 0), ==, BZ_OK);
  g_byte_array_set_size (a, out_len);
  size_append (a, len);
  return a;
}

/* scripts/xz_wrap.sh: the x86 BCJ filter, LZMA2, CRC32. */
static GByteArray *
compress_xz_check (const guint8 *in, gsize len, lzma_check check)
{
  GByteArray *a = g_byte_array_new ();
  lzma_options_lzma opt;
  lzma_filter filters[] = {
    { LZMA_FILTER_X86, NULL },
    { LZMA_FILTER_LZMA2, &opt },
    { LZMA_VLI_UNKNOWN, NULL },
  };
  size_t out_pos = 0;

  g_assert_false (lzma_lzma_preset (&opt, 6));
  g_byte_array_set_size (a, lzma_stream_buffer_bound (len));
  g_assert_cmpint (lzma_stream_buffer_encode (filters, check, NULL, in, len,
                                              a->data, &out_pos, a->len), ==, LZMA_OK);
  g_byte_array_set_size (a, out_pos);
  size_append (a, len);
  return a;
}

static GByteArray *
compress_xz (const guint8 *in, gsize len)
{
  return compress_xz_check (in, len, LZMA_CHECK_CRC32);
}

/* The legacy .lzma format, size unknown and an end marker, as lzma -9
 * writes from a pipe. */
static GByteArray *
compress_lzma (const guint8 *in, gsize len)
{
  GByteArray *a = g_byte_array_new ();
  lzma_stream s = LZMA_STREAM_INIT;
  lzma_options_lzma opt;

  g_assert_false (lzma_lzma_preset (&opt, 6));
  g_assert_cmpint (lzma_alone_encoder (&s, &opt), ==, LZMA_OK);
  g_byte_array_set_size (a, len + len / 2 + 4096);
  s.next_in = in;
  s.avail_in = len;
  s.next_out = a->data;
  s.avail_out = a->len;
  g_assert_cmpint (lzma_code (&s, LZMA_FINISH), ==, LZMA_STREAM_END);
  g_byte_array_set_size (a, s.total_out);
  lzma_end (&s);
  size_append (a, len);
  return a;
}

/* lzop's format, as lzop -9 writes it: version 0x1040, LZO1X, adler32 of
 * each decompressed 256 KiB block. */
static GByteArray *
compress_lzo (const guint8 *in, gsize len)
{
  static const guint8 magic[9] = { 0x89, 'L', 'Z', 'O', 0x00, 0x0d, 0x0a, 0x1a, 0x0a };
  GByteArray *a = g_byte_array_new ();
  g_autofree guint8 *wrk = g_malloc (LZO1X_1_MEM_COMPRESS);
  g_autofree guint8 *block = g_malloc (256 * 1024 + 256 * 1024 / 16 + 64 + 3);
  guint8 h[64];
  gsize n = 0;
  guint32 sum;

#define BE(width, v) G_STMT_START { for (guint _i = width; _i-- > 0;) h[n++] = (guint8) ((v) >> (8 * _i)); } G_STMT_END
  g_assert_cmpint (lzo_init (), ==, LZO_E_OK);
  g_byte_array_append (a, magic, sizeof magic);
  BE (2, 0x1040); BE (2, 0x20a0); BE (2, 0x0940);     /* version, lib, needed */
  h[n++] = 1; h[n++] = 9;                            /* LZO1X_1, level */
  BE (4, 0x03000001u);                               /* F_OS_UNIX | F_ADLER32_D */
  BE (4, 0x81a4); BE (4, 0); BE (4, 0);              /* mode, mtime */
  h[n++] = 0;                                        /* no name */
  sum = lzo_adler32 (1, h, n);
  BE (4, sum);
  g_byte_array_append (a, h, n);
  for (gsize at = 0; at < len; at += 256 * 1024)
    {
      lzo_uint src_len = MIN (len - at, 256 * 1024), out = 0;

      sum = lzo_adler32 (1, in + at, src_len);

      g_assert_cmpint (lzo1x_1_compress (in + at, src_len, block, &out, wrk), ==, LZO_E_OK);
      n = 0;
      BE (4, src_len);
      BE (4, out < src_len ? out : src_len);
      BE (4, sum);
      g_byte_array_append (a, h, n);
      g_byte_array_append (a, out < src_len ? block : in + at, out < src_len ? out : src_len);
    }
  n = 0;
  BE (4, 0);
  g_byte_array_append (a, h, n);
#undef BE
  size_append (a, len);
  return a;
}

/* Linux's lz4 legacy frame (lz4 -l): the magic, then 8 MiB blocks. */
static GByteArray *
compress_lz4 (const guint8 *in, gsize len)
{
  GByteArray *a = g_byte_array_new ();
  gsize block = 8 * 1024 * 1024;
  g_autofree char *out = g_malloc (LZ4_compressBound (block));
  guint8 le[4];

  kboot_le_put (le, 4, 0x184C2102);
  g_byte_array_append (a, le, 4);
  for (gsize at = 0; at < len; at += block)
    {
      int n = LZ4_compress_default ((const char *) in + at, out,
                                    (int) MIN (len - at, block), LZ4_compressBound (block));

      g_assert_cmpint (n, >, 0);
      kboot_le_put (le, 4, (guint64) n);
      g_byte_array_append (a, le, 4);
      g_byte_array_append (a, (const guint8 *) out, n);
    }
  size_append (a, len);
  return a;
}

/* As zstd writes from a pipe: no content size in the frame header. */
static GByteArray *
compress_zstd (const guint8 *in, gsize len)
{
  GByteArray *a = g_byte_array_new ();
  ZSTD_CCtx *cctx = ZSTD_createCCtx ();
  size_t n;

  ZSTD_CCtx_setParameter (cctx, ZSTD_c_compressionLevel, 19);
  ZSTD_CCtx_setParameter (cctx, ZSTD_c_contentSizeFlag, 0);
  ZSTD_CCtx_setParameter (cctx, ZSTD_c_checksumFlag, 1);
  g_byte_array_set_size (a, ZSTD_compressBound (len));
  n = ZSTD_compress2 (cctx, a->data, a->len, in, len);
  g_assert_false (ZSTD_isError (n));
  ZSTD_freeCCtx (cctx);
  g_byte_array_set_size (a, n);
  size_append (a, len);
  return a;
}

typedef GByteArray *(*Compressor) (const guint8 *in, gsize len);

typedef struct {
  KbootPayloadFormat format;
  Compressor library;
  const char *tool[8];          /* reads stdin, writes stdout */
  const char *package;
} FormatSpec;

/* The tools as scripts/Makefile.lib runs them (with smaller dictionaries
 * and levels where that only saves time). */
static const FormatSpec formats[] = {
  { KBOOT_PAYLOAD_GZIP, compress_gzip, { "gzip", "-n", "-f", "-9", "-c", NULL }, "gzip" },
  { KBOOT_PAYLOAD_BZIP2, compress_bzip2, { "bzip2", "-9", "-c", NULL }, "bzip2" },
  { KBOOT_PAYLOAD_LZMA, compress_lzma, { "lzma", "-6", "-c", NULL }, "xz-utils" },
  { KBOOT_PAYLOAD_XZ, compress_xz,
    { "xz", "--check=crc32", "--x86", "--lzma2=dict=1MiB", "-c", NULL }, "xz-utils" },
  { KBOOT_PAYLOAD_LZO, compress_lzo, { "lzop", "-9", "-c", NULL }, "lzop" },
  { KBOOT_PAYLOAD_LZ4, compress_lz4, { "lz4", "-l", "-9", "-c", NULL }, "lz4" },
  { KBOOT_PAYLOAD_ZSTD, compress_zstd, { "zstd", "-19", "-q", "-c", NULL }, "zstd" },
};

static const FormatSpec *
format_spec (KbootPayloadFormat format)
{
  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++)
    if (formats[i].format == format)
      return &formats[i];
  g_assert_not_reached ();
}

/* @argv's output for @in on its standard input.  A missing tool fails the
 * test: run.sh installs them all. */
static GBytes *
run_tool (const char *const *argv, const char *package, GBytes *in)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) p = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autofree char *found = g_find_program_in_path (argv[0]);

  if (!found)
    {
      g_test_fail_printf ("%s is not installed (Debian: apt-get install %s; run.sh "
                          "installs it)", argv[0], package);
      return NULL;
    }
  p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE
                               | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate (p, in, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (p));
  g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 0);
  return g_steal_pointer (&out);
}

/* A synthetic bzImage (protocol 2.15, @xloadflags) carrying @payload. */
static KbootSynth *
bzimage_with (const guint8 *payload, gsize len, guint16 xloadflags)
{
  KbootSynth *s = kboot_synth_new (0x020f, 4, 0x100 + len);

  memcpy (s->data + 5 * 512 + 0x100, payload, len);
  kboot_synth_put (s, 0x248, 4, 0x100);
  kboot_synth_put (s, 0x24c, 4, len);
  kboot_synth_put (s, 0x236, 2, xloadflags);
  return s;
}

static KbootImage *
probe (const KbootSynth *s)
{
  KbootImage *image = kboot_image_probe (s->data, MIN (s->len, KBOOT_IMAGE_HEAD_MAX), s->len);
  guint64 off;
  gsize len;

  if (kboot_image_payload_range (image, &off, &len))
    kboot_image_set_payload_magic (image, s->data + off, len);
  return image;
}

#define XLF_64 0x03   /* KERNEL_64 | CAN_BE_LOADED_ABOVE_4G */

/* ---- round trips ---------------------------------------------------------- */

typedef struct {
  const char *name;
  KbootPayloadFormat format;
  gboolean tool;               /* the command-line tool, else the library */
  gsize size;                  /* 0: the good64 vmlinux; else that many bytes of text */
} RoundTrip;

static const RoundTrip round_trips[] = {
  { "gzip/library", KBOOT_PAYLOAD_GZIP, FALSE, 0 },
  { "gzip/gzip", KBOOT_PAYLOAD_GZIP, TRUE, 0 },
  { "bzip2/library", KBOOT_PAYLOAD_BZIP2, FALSE, 0 },
  { "bzip2/bzip2", KBOOT_PAYLOAD_BZIP2, TRUE, 0 },
  { "lzma/library", KBOOT_PAYLOAD_LZMA, FALSE, 0 },
  { "lzma/lzma", KBOOT_PAYLOAD_LZMA, TRUE, 0 },
  { "xz/library", KBOOT_PAYLOAD_XZ, FALSE, 0 },
  { "xz/xz", KBOOT_PAYLOAD_XZ, TRUE, 0 },
  { "lzo/library", KBOOT_PAYLOAD_LZO, FALSE, 0 },
  { "lzo/lzop", KBOOT_PAYLOAD_LZO, TRUE, 0 },
  { "lz4/library", KBOOT_PAYLOAD_LZ4, FALSE, 0 },
  { "lz4/lz4-legacy", KBOOT_PAYLOAD_LZ4, TRUE, 0 },
  /* More than one 8 MiB lz4 block, the second one short. */
  { "lz4/library-blocks", KBOOT_PAYLOAD_LZ4, FALSE, 9 * 1024 * 1024 + 12345 },
  { "lz4/lz4-legacy-blocks", KBOOT_PAYLOAD_LZ4, TRUE, 9 * 1024 * 1024 + 12345 },
  { "zstd/library", KBOOT_PAYLOAD_ZSTD, FALSE, 0 },
  { "zstd/zstd", KBOOT_PAYLOAD_ZSTD, TRUE, 0 },
};

static GBytes *
round_trip_input (const RoundTrip *c)
{
  guint8 *text;

  if (c->size == 0)
    return elf_build (&good64);
  text = g_malloc (c->size);
  fill_text (text, c->size, 7);
  return g_bytes_new_take (text, c->size);
}

/* The payload @c makes of @in: the library's, or the tool's + the size. */
static GByteArray *
round_trip_payload (const RoundTrip *c, GBytes *in)
{
  const FormatSpec *f = format_spec (c->format);
  g_autoptr(GBytes) out = NULL;
  GByteArray *a;

  if (!c->tool)
    return f->library (g_bytes_get_data (in, NULL), g_bytes_get_size (in));
  out = run_tool (f->tool, f->package, in);
  if (!out)
    return NULL;
  a = g_byte_array_new ();
  g_byte_array_append (a, g_bytes_get_data (out, NULL), g_bytes_get_size (out));
  if (c->format != KBOOT_PAYLOAD_GZIP)
    size_append (a, g_bytes_get_size (in));
  return a;
}

static void
test_round_trip (gconstpointer data)
{
  const RoundTrip *c = data;
  g_autoptr(GBytes) in = round_trip_input (c);
  g_autoptr(GByteArray) payload = round_trip_payload (c, in);
  g_autoptr(KbootSynth) s = NULL;
  g_autoptr(KbootImage) image = NULL;
  g_autoptr(KbootPayload) out = NULL;
  g_autoptr(GError) error = NULL;

  if (!payload)
    return;
  s = bzimage_with (payload->data, payload->len, XLF_64);
  image = probe (s);
  g_assert_cmpint (image->payload_format, ==, c->format);
  out = kboot_image_payload_decompress (image, s->data, s->len, KBOOT_PAYLOAD_SIZE_MAX,
                                        SYNTH_PATH, &error);
  g_assert_no_error (error);
  g_assert_cmpint (out->format, ==, c->format);
  g_assert_cmpuint (out->compressed_size, ==, payload->len);
  g_assert_cmpuint (out->size, ==, g_bytes_get_size (in));
  g_assert_true (g_bytes_equal (out->data, in));

  if (c->size == 0)
    {
      g_autoptr(KbootVmlinux) vm = NULL;
      gsize len;
      const guint8 *elf = g_bytes_get_data (out->data, &len);

      vm = kboot_image_vmlinux_parse (image, elf, len, SYNTH_PATH, &error);
      g_assert_no_error (error);
      g_assert_true (vm->is_64);
      g_assert_cmpuint (vm->segments->len, ==, 2);
      g_assert_cmpuint (vm->link_base, ==, LINK_BASE);
      g_assert_cmpuint (vm->entry, ==, LINK_BASE);
      g_assert_cmpuint (vm->span, ==, 0x280000);
      g_assert_cmpuint (vm->trailing_size, ==, good64.relocs);
    }
}

/* ---- hostile payloads ----------------------------------------------------- */

typedef enum {
  CUT_10,                      /* the stream cut to 10 bytes, then its trailer */
  CUT_HALF,                    /* to half */
  CUT_LAST,                    /* its last byte dropped */
  TRAILER_SMALL,               /* the trailer promises one byte less */
  TRAILER_LARGE,               /* one byte more */
  TRAILER_ZERO,
  JUNK,                        /* 3 bytes between the stream and its trailer */
  CAP,                         /* a cap below the real size */
} Mutation;

static const char *const mutation_names[] = {
  [CUT_10] = "cut-10", [CUT_HALF] = "cut-half", [CUT_LAST] = "cut-last",
  [TRAILER_SMALL] = "trailer-small", [TRAILER_LARGE] = "trailer-large",
  [TRAILER_ZERO] = "trailer-zero", [JUNK] = "junk", [CAP] = "cap",
};

#define E(code) (1u << KBOOT_PAYLOAD_ERROR_##code)

typedef struct {
  KbootPayloadFormat format;
  Mutation mutation;
  guint codes;                 /* the errors it may fail with */
  const char *message;         /* a part of the message, with SYNTH_PATH */
} Hostile;

#define CUT(fmt, cut, codes) { KBOOT_PAYLOAD_##fmt, cut, codes, ": payload (" }
#define FORMAT_CASES(fmt, cut10, cutlast, large, junk)                       \
  CUT (fmt, CUT_10, cut10),                                                  \
  CUT (fmt, CUT_HALF, E (TRUNCATED) | E (CORRUPT)),                          \
  CUT (fmt, CUT_LAST, cutlast),                                              \
  { KBOOT_PAYLOAD_##fmt, TRAILER_SMALL, E (TOO_LARGE),                       \
    "decompresses to more than the " },                                      \
  { KBOOT_PAYLOAD_##fmt, TRAILER_LARGE, large, "" },                            \
  { KBOOT_PAYLOAD_##fmt, TRAILER_ZERO, E (TRAILER), "promises 0 bytes" },    \
  { KBOOT_PAYLOAD_##fmt, JUNK, junk, "" },                                   \
  { KBOOT_PAYLOAD_##fmt, CAP, E (TRAILER), "more than the 64 KiB xen-kboot decompresses" }

#define CUT_ANY (E (TRUNCATED) | E (CORRUPT))
static const Hostile hostiles[] = {
  /* gzip's trailer is its own ISIZE: cut by one byte and given the
   * trailer again, the stream reads whole, three bytes early. */
  FORMAT_CASES (GZIP, CUT_ANY, E (TRAILING), E (TOO_SMALL), E (TRAILING)),
  FORMAT_CASES (BZIP2, CUT_ANY, CUT_ANY, E (TOO_SMALL), E (TRAILING)),
  FORMAT_CASES (LZMA, CUT_ANY, CUT_ANY, E (TOO_SMALL), E (TRAILING)),
  FORMAT_CASES (XZ, CUT_ANY, CUT_ANY, E (TOO_SMALL), E (TRAILING)),
  /* Cut in lzop's header. */
  FORMAT_CASES (LZO, E (TRUNCATED), CUT_ANY, E (TOO_SMALL), E (TRAILING)),
  /* lz4's legacy frame has no end mark: junk reads as a block. */
  FORMAT_CASES (LZ4, CUT_ANY, CUT_ANY, E (TOO_SMALL), CUT_ANY),
  FORMAT_CASES (ZSTD, CUT_ANY, CUT_ANY, E (TOO_SMALL), E (TRAILING)),
};

static void
test_hostile (gconstpointer data)
{
  const Hostile *c = data;
  const FormatSpec *f = format_spec (c->format);
  g_autoptr(GBytes) elf = elf_build (&good64);
  gsize size = g_bytes_get_size (elf);
  g_autoptr(GByteArray) good = f->library (g_bytes_get_data (elf, NULL), size);
  /* The stream alone, and the trailer (for gzip both end with ISIZE). */
  gsize stream = c->format == KBOOT_PAYLOAD_GZIP ? good->len : good->len - 4;
  g_autoptr(GByteArray) bad = g_byte_array_new ();
  guint64 cap = KBOOT_PAYLOAD_SIZE_MAX;
  g_autoptr(KbootSynth) s = NULL;
  g_autoptr(KbootImage) image = NULL;
  g_autoptr(KbootPayload) out = NULL;
  g_autoptr(GError) error = NULL;

  switch (c->mutation)
    {
    case CUT_10: case CUT_HALF: case CUT_LAST:
      g_byte_array_append (bad, good->data, c->mutation == CUT_10 ? 10
                           : c->mutation == CUT_HALF ? stream / 2 : stream - 1);
      size_append (bad, size);
      break;
    case TRAILER_SMALL: case TRAILER_LARGE: case TRAILER_ZERO:
      g_byte_array_append (bad, good->data, good->len);
      kboot_le_put (bad->data + bad->len - 4, 4,
                    c->mutation == TRAILER_SMALL ? size - 1
                    : c->mutation == TRAILER_LARGE ? size + 1 : 0);
      break;
    case JUNK:
      g_byte_array_append (bad, good->data, stream);
      g_byte_array_append (bad, (const guint8 *) "\x01\x02\x03", 3);
      size_append (bad, size);
      break;
    case CAP:
      g_byte_array_append (bad, good->data, good->len);
      cap = 64 * KBOOT_KIB;
      break;
    }
  s = bzimage_with (bad->data, bad->len, XLF_64);
  image = probe (s);
  out = kboot_image_payload_decompress (image, s->data, s->len, cap, SYNTH_PATH, &error);
  g_assert_null (out);
  g_assert_error (error, KBOOT_PAYLOAD_ERROR, error->code);
  g_test_message ("%s", error->message);
  if (!(c->codes & (1u << error->code)))
    g_test_fail_printf ("error code %d not among those expected (0x%x): %s",
                        error->code, c->codes, error->message);
  g_assert_true (g_str_has_prefix (error->message, SYNTH_PATH ": payload ("));
  g_assert_nonnull (strstr (error->message, c->message));
}

/* Not a payload to decompress: each its own rule. */
typedef struct {
  const char *name;
  KbootPayloadError code;
  const char *message;
} Refusal;

static const Refusal refusals[] = {
  { "unknown-magic", KBOOT_PAYLOAD_ERROR_FORMAT,
    SYNTH_PATH ": payload starts 00 01 02 03, the magic number of none of gzip, "
    "bzip2, lzma, xz, lzo, lz4 and zstd" },
  { "changed-since-probe", KBOOT_PAYLOAD_ERROR_CHANGED,
    SYNTH_PATH ": payload is gzip, but it was xz when the kernel was probed "
    "(the file changed?)" },
  { "lz4-frame-format", KBOOT_PAYLOAD_ERROR_FORMAT,
    ": not lz4's legacy frame format (magic 02 21 4c 18), the only one Linux's "
    "decompressor reads (lib/decompress_unlz4.c)" },
  { "xz-crc64", KBOOT_PAYLOAD_ERROR_FORMAT,
    ": its xz integrity check is type 4, not CRC32 (type 1) or none" },
  { "uncompressed-elf", KBOOT_PAYLOAD_ERROR_FORMAT,
    SYNTH_PATH ": payload is an uncompressed ELF" },
  { "no-payload-fields", KBOOT_PAYLOAD_ERROR_NO_PAYLOAD,
    SYNTH_PATH ": no compressed payload inside the file" },
  { "payload-past-bytes", KBOOT_PAYLOAD_ERROR_NO_PAYLOAD,
    "bytes, runs past the 2000 bytes read" },
  { "too-short", KBOOT_PAYLOAD_ERROR_TRAILER,
    SYNTH_PATH ": payload (zstd, 4 bytes) is too short to hold a stream and its "
    "4-byte size trailer" },
  { "trailer-over-default-cap", KBOOT_PAYLOAD_ERROR_TRAILER,
    ": its size trailer promises 600 MiB (629145600 bytes), more than the 512 MiB "
    "xen-kboot decompresses" },
};

static void
test_refusal (gconstpointer data)
{
  const Refusal *c = data;
  g_autoptr(GBytes) elf = elf_build (&good64);
  const guint8 *in = g_bytes_get_data (elf, NULL);
  gsize size = g_bytes_get_size (elf), given;
  g_autoptr(GByteArray) payload = NULL;
  g_autoptr(KbootSynth) s = NULL;
  g_autoptr(KbootImage) image = NULL;
  g_autoptr(KbootPayload) out = NULL;
  g_autoptr(GError) error = NULL;

  if (g_str_equal (c->name, "unknown-magic"))
    {
      payload = g_byte_array_new ();
      g_byte_array_append (payload, (const guint8 *) "\0\1\2\3\4\5\6\7", 8);
      size_append (payload, size);
    }
  else if (g_str_equal (c->name, "lz4-frame-format"))
    {
      static const char *const lz4_frame[] = { "lz4", "-9", "-c", NULL };
      g_autoptr(GBytes) out_tool = run_tool (lz4_frame, "lz4", elf);

      if (!out_tool)
        return;
      payload = g_byte_array_new ();
      g_byte_array_append (payload, g_bytes_get_data (out_tool, NULL),
                           g_bytes_get_size (out_tool));
      size_append (payload, size);
    }
  else if (g_str_equal (c->name, "xz-crc64"))
    payload = compress_xz_check (in, size, LZMA_CHECK_CRC64);
  else if (g_str_equal (c->name, "uncompressed-elf"))
    {
      payload = g_byte_array_new ();
      g_byte_array_append (payload, in, size);
      size_append (payload, size);
    }
  else if (g_str_equal (c->name, "too-short"))
    {
      payload = g_byte_array_new ();
      g_byte_array_append (payload, (const guint8 *) "\x28\xb5\x2f\xfd", 4);
    }
  else if (g_str_equal (c->name, "trailer-over-default-cap"))
    {
      payload = compress_xz (in, size);
      kboot_le_put (payload->data + payload->len - 4, 4, 600 * KBOOT_MIB);
    }
  else
    payload = compress_xz (in, size);

  s = bzimage_with (payload->data, payload->len, XLF_64);
  if (g_str_equal (c->name, "no-payload-fields"))
    kboot_synth_put (s, 0x206, 2, 0x0207);      /* before payload_offset */
  image = probe (s);
  if (g_str_equal (c->name, "changed-since-probe"))
    {
      /* What was probed was xz; the bytes now say gzip. */
      s->data[5 * 512 + 0x100] = 0x1f;
      s->data[5 * 512 + 0x101] = 0x8b;
    }
  given = g_str_equal (c->name, "payload-past-bytes") ? 2000 : s->len;
  out = kboot_image_payload_decompress (image, s->data, given, KBOOT_PAYLOAD_SIZE_MAX,
                                        SYNTH_PATH, &error);
  g_assert_null (out);
  g_assert_error (error, KBOOT_PAYLOAD_ERROR, (gint) c->code);
  g_assert_nonnull (strstr (error->message, SYNTH_PATH));
  if (!strstr (error->message, c->message))
    g_test_fail_printf ("message \"%s\" lacks \"%s\"", error->message, c->message);
}

/* ---- the vmlinux check ---------------------------------------------------- */

typedef struct {
  const char *name;
  ElfSpec elf;
  guint16 xloadflags;
  gssize cut;                  /* > 0: keep only this many bytes */
  gint code;                   /* -1: accepted */
  const char *message;
} ElfCase;

#define TEXT(paddr, size)  { PT_LOAD, paddr, size, size, 0 }
#define SEG2 { TEXT (LINK_BASE, 0x3000), { PT_LOAD, LINK_BASE + 0x200000, 0x1000, 0x3000, 0 } }, 2

static const ElfCase elf_cases[] = {
  { "good-64", { 64, 0, 0, 0, 0, 0, 256, SEG2 }, XLF_64, 0, -1, NULL },
  { "good-32", { 32, 0, 0, 0, 0, 0, 256, SEG2 }, 0, 0, -1, NULL },
  { "elf32-in-64-bit-header", { 32, 0, 0, 0, 0, 0, 0, SEG2 }, XLF_64, 0,
    KBOOT_VMLINUX_ERROR_MACHINE,
    SYNTH_PATH ": decompressed vmlinux is ELF32 i386, but the setup header's "
    "xloadflags set KERNEL_64" },
  { "elf64-in-32-bit-header", { 64, 0, 0, 0, 0, 0, 0, SEG2 }, 0, 0,
    KBOOT_VMLINUX_ERROR_MACHINE, "is ELF64 x86-64, but the setup header's "
    "xloadflags do not set KERNEL_64" },
  { "elf64-for-i386", { 64, EM_386, 0, 0, 0, 0, 0, SEG2 }, XLF_64, 0,
    KBOOT_VMLINUX_ERROR_MACHINE, "is ELF64 for machine 3, not x86-64 (62)" },
  { "shared-object", { 64, 0, ET_DYN, 0, 0, 0, 0, SEG2 }, XLF_64, 0,
    KBOOT_VMLINUX_ERROR_NOT_EXEC, "has ELF type 3, not an executable" },
  { "big-endian", { 64, 0, 0, ELFDATA2MSB, 0, 0, 0, SEG2 }, XLF_64, 0,
    KBOOT_VMLINUX_ERROR_CLASS, "not a complete little-endian ELF32 or ELF64" },
  { "header-cut", { 64, 0, 0, 0, 0, 0, 0, SEG2 }, XLF_64, 40,
    KBOOT_VMLINUX_ERROR_CLASS, "(class 2, data 1, version 1, 40 bytes)" },
  { "not-elf", { 64, 0, 0, 0, 0, 0, 0, SEG2 }, XLF_64, 3,
    KBOOT_VMLINUX_ERROR_NOT_ELF, "does not decompress to an ELF file" },
  { "phdrs-past-end", { 64, 0, 0, 0, 0, 0x7fff0, 0, SEG2 }, XLF_64, 0,
    KBOOT_VMLINUX_ERROR_TABLES, "program header table (2 entries of 56 bytes at "
    "0x7fff0) is empty, of the wrong entry size or outside" },
  { "no-load-segment", { 64, 0, 0, 0, 0, 0, 0, { { PT_NOTE, LINK_BASE, 0x10, 0x10, 0 } }, 1 },
    XLF_64, 0, KBOOT_VMLINUX_ERROR_NO_SEGMENTS, "has no PT_LOAD segment with bytes" },
  { "overlap", { 64, 0, 0, 0, 0, 0, 0,
                 { TEXT (LINK_BASE, 0x3000), TEXT (LINK_BASE + 0x2000, 0x1000) }, 2 },
    XLF_64, 0, KBOOT_VMLINUX_ERROR_OVERLAP,
    "PT_LOAD segments overlap: one at p_paddr 0x1002000 starts below 0x1003000" },
  { "overlap-by-bss", { 64, 0, 0, 0, 0, 0, 0,
                        { TEXT (LINK_BASE + 0x4000, 0x1000),
                          { PT_LOAD, LINK_BASE, 0x1000, 0x5000, 0 } }, 2 },
    XLF_64, 0, KBOOT_VMLINUX_ERROR_OVERLAP, "starts below 0x1005000" },
  { "segment-past-end", { 64, 0, 0, 0, 0, 0, 0,
                          { TEXT (LINK_BASE, 0x1000),
                            { PT_LOAD, LINK_BASE + 0x1000, 0x100000, 0x100000, 0x1000 } }, 2 },
    XLF_64, 0, KBOOT_VMLINUX_ERROR_SEGMENT, "PT_LOAD segment 1 (p_offset 0x1000, "
    "p_filesz 0x100000, p_paddr 0x1001000, p_memsz 0x100000) needs p_filesz <= p_memsz" },
  { "filesz-over-memsz", { 64, 0, 0, 0, 0, 0, 0,
                           { { PT_LOAD, LINK_BASE, 0x2000, 0x1000, 0 } }, 1 },
    XLF_64, 0, KBOOT_VMLINUX_ERROR_SEGMENT, "PT_LOAD segment 0" },
  { "paddr-wraps", { 64, 0, 0, 0, 0, 0, 0,
                     { TEXT (LINK_BASE, 0x1000),
                       { PT_LOAD, G_GUINT64_CONSTANT (0xfffffffffffff000), 0x1000, 0x2000, 0 } }, 2 },
    XLF_64, 0, KBOOT_VMLINUX_ERROR_SEGMENT, "addresses below 2^64" },
  { "past-init-size", { 64, 0, 0, 0, 0, 0, 0,
                        { TEXT (LINK_BASE, 0x1000),
                          { PT_LOAD, LINK_BASE + INIT_SIZE - 0x1000, 0x1000, 0x2000, 0 } }, 2 },
    XLF_64, 0, KBOOT_VMLINUX_ERROR_INIT_SIZE, "segments span 0x1001000 bytes from "
    "0x1000000, more than the setup header's init_size 0x1000000" },
  { "not-at-pref-address", { 64, 0, 0, 0, LINK_BASE + 0x200000, 0, 0,
                             { TEXT (LINK_BASE + 0x200000, 0x1000) }, 1 },
    XLF_64, 0, KBOOT_VMLINUX_ERROR_LINK_BASE, "lowest PT_LOAD p_paddr is 0x1200000, "
    "not the setup header's pref_address 0x1000000" },
  { "entry-not-at-start", { 64, 0, 0, 0, LINK_BASE + 0x100, 0, 0, SEG2 }, XLF_64, 0,
    KBOOT_VMLINUX_ERROR_ENTRY, "e_entry 0x1000100 is not 0x1000000, the start of "
    "its first PT_LOAD segment" },
};

static void
test_elf (gconstpointer data)
{
  const ElfCase *c = data;
  g_autoptr(GBytes) elf = elf_build (&c->elf);
  gsize len = c->cut > 0 ? (gsize) c->cut : g_bytes_get_size (elf);
  g_autoptr(GByteArray) payload = compress_lz4 (g_bytes_get_data (elf, NULL), 16);
  g_autoptr(KbootSynth) s = bzimage_with (payload->data, payload->len, c->xloadflags);
  g_autoptr(KbootImage) image = probe (s);
  g_autoptr(KbootVmlinux) vm = NULL;
  g_autoptr(GError) error = NULL;

  vm = kboot_image_vmlinux_parse (image, g_bytes_get_data (elf, NULL), len,
                                  SYNTH_PATH, &error);
  if (c->code < 0)
    {
      guint64 at;

      g_assert_no_error (error);
      g_assert_cmpint (vm->is_64, ==, c->elf.bits == 64);
      g_assert_cmpuint (vm->segments->len, ==, 2);
      g_assert_cmpuint (vm->link_base, ==, LINK_BASE);
      g_assert_cmpuint (vm->entry, ==, LINK_BASE);
      g_assert_cmpuint (vm->span, ==, 0x203000);
      g_assert_cmpuint (vm->trailing_size, ==, c->elf.relocs);
      g_assert_true (vm->relocatable);
      /* parse_elf's rule: run address + (p_paddr - LOAD_PHYSICAL_ADDR). */
      g_assert_true (kboot_vmlinux_address (vm, 0x200000, LINK_BASE + 0x200000, &at));
      g_assert_cmpuint (at, ==, 0x400000);
      g_assert_false (kboot_vmlinux_address (vm, 0x200000, LINK_BASE - 1, &at));
      g_assert_false (kboot_vmlinux_address (vm, G_MAXUINT64, LINK_BASE + 1, &at));
      return;
    }
  g_assert_null (vm);
  g_assert_error (error, KBOOT_VMLINUX_ERROR, c->code);
  g_assert_true (g_str_has_prefix (error->message, SYNTH_PATH ": "));
  if (!strstr (error->message, c->message))
    g_test_fail_printf ("message \"%s\" lacks \"%s\"", error->message, c->message);
}

/* ---- Debian's kernels ----------------------------------------------------- */

typedef struct {
  const char *file;            /* under KBOOT_TESTDATA */
  gboolean is_64;
} RealKernel;

static const RealKernel real_kernels[] = {
  { "amd64/vmlinuz", TRUE },
  { "i386/vmlinuz", FALSE },
};

/* How Linux's scripts/extract-vmlinux reads a payload: the format's own
 * tool on the bytes from the magic on (--single-stream: xz stops at the
 * stream's end, before Linux's size trailer). */
static const struct {
  KbootPayloadFormat format;
  const char *argv[5];
  const char *package;
} extractors[] = {
  { KBOOT_PAYLOAD_XZ, { "xz", "-dc", "--single-stream", NULL }, "xz-utils" },
  { KBOOT_PAYLOAD_ZSTD, { "zstd", "-dcq", NULL }, "zstd" },
  { KBOOT_PAYLOAD_GZIP, { "gzip", "-dc", NULL }, "gzip" },
};

static void
test_real (gconstpointer data)
{
  const RealKernel *k = data;
  const char *dir = g_getenv ("KBOOT_TESTDATA");
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbootImage) image = NULL;
  g_autoptr(KbootPayload) payload = NULL;
  g_autoptr(KbootVmlinux) vm = NULL;
  g_autoptr(GBytes) compressed = NULL, extracted = NULL;
  g_autofree char *csize = NULL, *dsize = NULL, *rsize = NULL;
  gint64 start, took;
  guint64 off;
  gsize mlen;

  if (!dir)
    {
      g_test_skip ("KBOOT_TESTDATA is not set (make check sets it)");
      return;
    }
  path = g_build_filename (dir, k->file, NULL);
  if (!g_file_get_contents (path, &contents, &len, &error))
    {
      g_test_fail_printf ("%s (run tests/fetch-testdata.sh)", error->message);
      return;
    }
  image = kboot_image_probe ((const guint8 *) contents, MIN (len, KBOOT_IMAGE_HEAD_MAX), len);
  g_assert_true (kboot_image_payload_range (image, &off, &mlen));
  kboot_image_set_payload_magic (image, (const guint8 *) contents + off, mlen);

  start = g_get_monotonic_time ();
  payload = kboot_image_payload_decompress (image, (const guint8 *) contents, len,
                                            KBOOT_PAYLOAD_SIZE_MAX, path, &error);
  took = g_get_monotonic_time () - start;
  g_assert_no_error (error);
  vm = kboot_image_vmlinux_parse (image, g_bytes_get_data (payload->data, NULL),
                                  payload->size, path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vm->is_64, ==, k->is_64);
  g_assert_cmpuint (vm->segments->len, >=, 2);
  g_assert_cmpuint (vm->link_base, ==, image->hdr.pref_address);
  g_assert_cmpuint (vm->entry, ==, vm->link_base);
  g_assert_cmpuint (vm->span, <=, image->hdr.init_size);
  /* CONFIG_X86_NEED_RELOCS (RANDOMIZE_BASE): a table after the ELF, which
   * starts with a zero terminator and holds 32-bit entries. */
  g_assert_cmpuint (vm->trailing_size, >, 0);
  g_assert_cmpuint (vm->trailing_size % 4, ==, 0);
  g_assert_cmpuint (kboot_le32 ((const guint8 *) g_bytes_get_data (payload->data, NULL)
                                + vm->elf_end), ==, 0);

  csize = kboot_format_size (payload->compressed_size);
  dsize = kboot_format_size (payload->size);
  rsize = kboot_format_size (vm->trailing_size);
  g_test_message ("%s: %s, payload %s (%" G_GUINT64_FORMAT " bytes), decompressed "
                  "%s (%" G_GUINT64_FORMAT " bytes) in %" G_GINT64_FORMAT " ms; ELF%d, "
                  "%u PT_LOAD segments from 0x%" G_GINT64_MODIFIER "x spanning 0x%"
                  G_GINT64_MODIFIER "x (init_size 0x%x), relocation table %s",
                  k->file, kboot_payload_format_to_string (payload->format), csize,
                  payload->compressed_size, dsize, payload->size, took / 1000,
                  vm->is_64 ? 64 : 32, vm->segments->len, vm->link_base, vm->span,
                  image->hdr.init_size, rsize);

  compressed = g_bytes_new (contents + image->payload_file_offset,
                            image->hdr.payload_length);
  for (gsize i = 0; i < G_N_ELEMENTS (extractors); i++)
    if (extractors[i].format == payload->format)
      extracted = run_tool (extractors[i].argv, extractors[i].package, compressed);
  if (!extracted)
    {
      g_test_fail_printf ("%s: no tool to compare a %s payload with", k->file,
                          kboot_payload_format_to_string (payload->format));
      return;
    }
  g_assert_true (g_bytes_equal (extracted, payload->data));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (G_BYTE_ORDER, ==, G_LITTLE_ENDIAN);  /* the ELF structs */

  for (gsize i = 0; i < G_N_ELEMENTS (round_trips); i++)
    {
      g_autofree char *p = g_strdup_printf ("/kboot/image-payload/round-trip/%s",
                                            round_trips[i].name);
      g_test_add_data_func (p, &round_trips[i], test_round_trip);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (hostiles); i++)
    {
      g_autofree char *p = g_strdup_printf ("/kboot/image-payload/hostile/%s/%s",
                                            kboot_payload_format_to_string (hostiles[i].format),
                                            mutation_names[hostiles[i].mutation]);
      g_test_add_data_func (p, &hostiles[i], test_hostile);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (refusals); i++)
    {
      g_autofree char *p = g_strdup_printf ("/kboot/image-payload/refusal/%s",
                                            refusals[i].name);
      g_test_add_data_func (p, &refusals[i], test_refusal);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (elf_cases); i++)
    {
      g_autofree char *p = g_strdup_printf ("/kboot/image-vmlinux/%s", elf_cases[i].name);
      g_test_add_data_func (p, &elf_cases[i], test_elf);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (real_kernels); i++)
    {
      g_autofree char *p = g_strdup_printf ("/kboot/image-payload/debian/%s",
                                            real_kernels[i].file);
      g_test_add_data_func (p, &real_kernels[i], test_real);
    }
  return g_test_run ();
}
