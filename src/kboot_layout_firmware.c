/* The firmware ELF's load range (see kboot_layout_firmware.h).  libxenguest's
 * ELF loader (xen/common/libelf, used by xg_dom_hvmloader.c) copies every
 * PT_LOAD to p_paddr and zeroes it to p_memsz; that span is what the
 * firmware occupies. */
#include "config.h"

#include <string.h>

#include "kboot_util_file.h"
#include "kboot_layout_firmware.h"
#include "kboot_util.h"

G_DEFINE_QUARK (kboot-firmware-elf-error-quark, kboot_firmware_elf_error)

/* ELF32 layout (System V ABI, i386 supplement). */
#define ELF_EHDR32_SIZE   52
#define ELF_PHDR32_SIZE   32
#define ELF_CLASS32       1
#define ELF_DATA2LSB      1
#define ELF_EM_386        3
#define ELF_PT_LOAD       1

gboolean
kboot_firmware_elf_parse (const guint8 *buf, gsize len, const char *name,
                          KbootFirmwareElf *out, GError **error)
{
  guint64 phoff, phentsize, phnum, table_end;
  guint64 start = G_MAXUINT64, end = 0;
  guint n_segments = 0;

  if (len < ELF_EHDR32_SIZE || memcmp (buf, "\177ELF", 4) != 0
      || buf[4] != ELF_CLASS32 || buf[5] != ELF_DATA2LSB
      || kboot_le16 (buf + 18) != ELF_EM_386)
    {
      g_set_error (error, KBOOT_FIRMWARE_ELF_ERROR, KBOOT_FIRMWARE_ELF_ERROR_FORMAT,
                   "%s: not a 32-bit little-endian x86 ELF file (Xen loads the "
                   "HVM firmware as one)", name);
      return FALSE;
    }
  phoff = kboot_le32 (buf + 28);
  phentsize = kboot_le16 (buf + 42);
  phnum = kboot_le16 (buf + 44);
  /* phnum * phentsize fits: both are 16-bit. */
  if (phentsize < ELF_PHDR32_SIZE
      || !g_uint64_checked_add (&table_end, phoff, phnum * phentsize)
      || table_end > len)
    {
      g_set_error (error, KBOOT_FIRMWARE_ELF_ERROR, KBOOT_FIRMWARE_ELF_ERROR_SEGMENTS,
                   "%s: the program header table (%" G_GUINT64_FORMAT " entries "
                   "of %" G_GUINT64_FORMAT " bytes at offset 0x%" G_GINT64_MODIFIER
                   "x) lies outside the %" G_GSIZE_FORMAT "-byte file", name,
                   phnum, phentsize, phoff, len);
      return FALSE;
    }
  for (guint64 i = 0; i < phnum; i++)
    {
      const guint8 *ph = buf + phoff + i * phentsize;
      guint64 offset = kboot_le32 (ph + 4), paddr = kboot_le32 (ph + 12);
      guint64 filesz = kboot_le32 (ph + 16), memsz = kboot_le32 (ph + 20);
      guint64 seg_end, file_end;

      if (kboot_le32 (ph) != ELF_PT_LOAD || memsz == 0)
        continue;
      if (filesz > memsz || !g_uint64_checked_add (&file_end, offset, filesz)
          || file_end > len)
        {
          g_set_error (error, KBOOT_FIRMWARE_ELF_ERROR, KBOOT_FIRMWARE_ELF_ERROR_SEGMENTS,
                       "%s: PT_LOAD %" G_GUINT64_FORMAT " (file bytes [0x%"
                       G_GINT64_MODIFIER "x, +0x%" G_GINT64_MODIFIER "x), memory "
                       "size 0x%" G_GINT64_MODIFIER "x) does not fit the file",
                       name, i, offset, filesz, memsz);
          return FALSE;
        }
      if (n_segments == KBOOT_FIRMWARE_ELF_SEGMENTS_MAX)
        {
          g_set_error (error, KBOOT_FIRMWARE_ELF_ERROR, KBOOT_FIRMWARE_ELF_ERROR_SEGMENTS,
                       "%s: more than %d PT_LOAD segments: not xen-kboot's "
                       "firmware", name, KBOOT_FIRMWARE_ELF_SEGMENTS_MAX);
          return FALSE;
        }
      out->segments[n_segments++] = (KbootFirmwareSegment) {
        (guint32) paddr, (guint32) offset, (guint32) filesz, (guint32) memsz };
      /* 32-bit fields: the sum cannot overflow 64 bits. */
      seg_end = paddr + memsz;
      start = MIN (start, paddr);
      end = MAX (end, seg_end);
    }
  if (end == 0)
    {
      g_set_error (error, KBOOT_FIRMWARE_ELF_ERROR, KBOOT_FIRMWARE_ELF_ERROR_SEGMENTS,
                   "%s: no PT_LOAD segment: nothing for Xen to load", name);
      return FALSE;
    }
  if (end - start > KBOOT_FIRMWARE_ELF_MAX_SIZE)
    {
      g_set_error (error, KBOOT_FIRMWARE_ELF_ERROR, KBOOT_FIRMWARE_ELF_ERROR_SEGMENTS,
                   "%s: the PT_LOAD segments span 0x%" G_GINT64_MODIFIER "x-0x%"
                   G_GINT64_MODIFIER "x, more than the %d bytes any xen-kboot "
                   "firmware takes", name, start, end, KBOOT_FIRMWARE_ELF_MAX_SIZE);
      return FALSE;
    }
  out->start = kboot_align_down (start, KBOOT_PAGE_SIZE);
  out->end = end;
  out->entry = kboot_le32 (buf + 24);
  out->n_segments = n_segments;
  return TRUE;
}

GBytes *
kboot_firmware_elf_load (const char *path, KbootFirmwareElf *out, GError **error)
{
  g_autoptr(KbootFile) file = kboot_file_open (path, "firmware", error);
  g_autofree guint8 *buf = NULL;

  if (!file)
    return NULL;
  if (file->size > KBOOT_FIRMWARE_ELF_MAX_SIZE)
    {
      g_set_error (error, KBOOT_FIRMWARE_ELF_ERROR, KBOOT_FIRMWARE_ELF_ERROR_READ,
                   "%s: %" G_GUINT64_FORMAT " bytes is too large for xen-kboot's "
                   "firmware (at most %d)", path, file->size,
                   KBOOT_FIRMWARE_ELF_MAX_SIZE);
      return NULL;
    }
  buf = g_malloc (file->size);
  if (!kboot_file_read_exact_at (file, 0, buf, file->size, error)
      || !kboot_firmware_elf_parse (buf, file->size, path, out, error))
    return NULL;
  return g_bytes_new_take (g_steal_pointer (&buf), file->size);
}

gboolean
kboot_firmware_elf_read (const char *path, KbootFirmwareElf *out, GError **error)
{
  g_autoptr(GBytes) bytes = kboot_firmware_elf_load (path, out, error);

  return bytes != NULL;
}
