/* The decompressed vmlinux, checked (see kboot_image_vmlinux.h).  Fields
 * are read at the offsets <elf.h>'s structures give, through the
 * little-endian accessors: no casts of the bytes to structures. */
#include "config.h"

#include <elf.h>
#include <stddef.h>

#include "kboot_image_proto.h"
#include "kboot_image_vmlinux.h"
#include "kboot_util.h"

G_DEFINE_QUARK (kboot-vmlinux-error-quark, kboot_vmlinux_error)

/* Where one ELF class keeps what we read. */
typedef struct {
  const char *name;
  guint16 machine;             /* the only one accepted for this class */
  const char *machine_name;
  gsize ehdr_size, phdr_size, shdr_size;
  guint word;                  /* bytes of an address or offset */
  gsize e_type, e_machine, e_entry, e_phoff, e_shoff;
  gsize e_phentsize, e_phnum, e_shentsize, e_shnum;
  gsize p_type, p_flags, p_offset, p_paddr, p_filesz, p_memsz;
} KbootElfClass;

#define ELF_CLASS(bits, mach, mach_name) {                                   \
  "ELF" #bits, mach, mach_name,                                              \
  sizeof (Elf##bits##_Ehdr), sizeof (Elf##bits##_Phdr),                      \
  sizeof (Elf##bits##_Shdr), bits / 8,                                       \
  offsetof (Elf##bits##_Ehdr, e_type), offsetof (Elf##bits##_Ehdr, e_machine), \
  offsetof (Elf##bits##_Ehdr, e_entry), offsetof (Elf##bits##_Ehdr, e_phoff), \
  offsetof (Elf##bits##_Ehdr, e_shoff),                                      \
  offsetof (Elf##bits##_Ehdr, e_phentsize), offsetof (Elf##bits##_Ehdr, e_phnum), \
  offsetof (Elf##bits##_Ehdr, e_shentsize), offsetof (Elf##bits##_Ehdr, e_shnum), \
  offsetof (Elf##bits##_Phdr, p_type), offsetof (Elf##bits##_Phdr, p_flags), \
  offsetof (Elf##bits##_Phdr, p_offset), offsetof (Elf##bits##_Phdr, p_paddr), \
  offsetof (Elf##bits##_Phdr, p_filesz), offsetof (Elf##bits##_Phdr, p_memsz) }

static const KbootElfClass kboot_elf32 = ELF_CLASS (32, EM_386, "i386");
static const KbootElfClass kboot_elf64 = ELF_CLASS (64, EM_X86_64, "x86-64");

static gint
kboot_segment_by_paddr (gconstpointer a, gconstpointer b)
{
  const KbootVmlinuxSegment *x = a, *y = b;

  return x->paddr < y->paddr ? -1 : x->paddr > y->paddr;
}

/* The ELF class of @elf, checked against the setup header: 2.12 added
 * XLF_KERNEL_64, which header.S sets for every 64-bit kernel. */
static const KbootElfClass *
kboot_vmlinux_class (const KbootImage *image, const guint8 *elf, gsize len,
                     const char *path, GError **error)
{
  const KbootElfClass *cls;
  guint16 type, machine;

  if (len < EI_NIDENT || elf[EI_MAG0] != ELFMAG0 || elf[EI_MAG1] != ELFMAG1
      || elf[EI_MAG2] != ELFMAG2 || elf[EI_MAG3] != ELFMAG3)
    {
      g_set_error (error, KBOOT_VMLINUX_ERROR, KBOOT_VMLINUX_ERROR_NOT_ELF,
                   "%s: payload does not decompress to an ELF file (no \\x7fELF "
                   "at its start): not the vmlinux a bzImage carries", path);
      return NULL;
    }
  cls = elf[EI_CLASS] == ELFCLASS64 ? &kboot_elf64
        : elf[EI_CLASS] == ELFCLASS32 ? &kboot_elf32 : NULL;
  if (!cls || elf[EI_DATA] != ELFDATA2LSB || elf[EI_VERSION] != EV_CURRENT
      || len < cls->ehdr_size)
    {
      g_set_error (error, KBOOT_VMLINUX_ERROR, KBOOT_VMLINUX_ERROR_CLASS,
                   "%s: decompressed vmlinux is not a complete little-endian "
                   "ELF32 or ELF64 header of version 1 (class %u, data %u, "
                   "version %u, %" G_GSIZE_FORMAT " bytes)", path, elf[EI_CLASS],
                   elf[EI_DATA], elf[EI_VERSION], len);
      return NULL;
    }
  type = kboot_le16 (elf + cls->e_type);
  machine = kboot_le16 (elf + cls->e_machine);
  if (type != ET_EXEC)
    {
      g_set_error (error, KBOOT_VMLINUX_ERROR, KBOOT_VMLINUX_ERROR_NOT_EXEC,
                   "%s: decompressed vmlinux has ELF type %u, not an executable "
                   "(ET_EXEC, 2)", path, type);
      return NULL;
    }
  if (machine != cls->machine)
    {
      g_set_error (error, KBOOT_VMLINUX_ERROR, KBOOT_VMLINUX_ERROR_MACHINE,
                   "%s: decompressed vmlinux is %s for machine %u, not %s (%u)",
                   path, cls->name, machine, cls->machine_name, cls->machine);
      return NULL;
    }
  if (image->hdr.version >= KBOOT_XLOADFLAGS_SINCE)
    {
      gboolean kernel_64 = (image->hdr.xloadflags & KBOOT_XLF_KERNEL_64) != 0;

      if (kernel_64 != (cls == &kboot_elf64))
        {
          g_set_error (error, KBOOT_VMLINUX_ERROR, KBOOT_VMLINUX_ERROR_MACHINE,
                       "%s: decompressed vmlinux is %s %s, but the setup header's "
                       "xloadflags %s KERNEL_64", path, cls->name,
                       cls->machine_name, kernel_64 ? "set" : "do not set");
          return NULL;
        }
    }
  return cls;
}

/* *@end = @offset + @count * @size when that is within @len. */
static gboolean
kboot_vmlinux_table_end (guint64 offset, guint64 count, guint64 size,
                         gsize len, guint64 *end)
{
  guint64 bytes;

  return g_uint64_checked_mul (&bytes, count, size)
         && g_uint64_checked_add (end, offset, bytes) && *end <= len;
}

/* The program and section header tables: in the bytes, of the class's
 * entry size.  *@elf_end = the end of the furthest. */
static gboolean
kboot_vmlinux_tables (const KbootElfClass *cls, const guint8 *elf, gsize len,
                      guint64 *elf_end, const char *path, GError **error)
{
  guint64 phoff = kboot_le_get (elf + cls->e_phoff, cls->word);
  guint64 shoff = kboot_le_get (elf + cls->e_shoff, cls->word);
  guint16 phentsize = kboot_le16 (elf + cls->e_phentsize);
  guint16 phnum = kboot_le16 (elf + cls->e_phnum);
  guint16 shentsize = kboot_le16 (elf + cls->e_shentsize);
  guint16 shnum = kboot_le16 (elf + cls->e_shnum);
  guint64 ph_end, sh_end = 0;

  if (phnum == 0 || phnum == PN_XNUM || phentsize != cls->phdr_size
      || !kboot_vmlinux_table_end (phoff, phnum, phentsize, len, &ph_end))
    {
      g_set_error (error, KBOOT_VMLINUX_ERROR, KBOOT_VMLINUX_ERROR_TABLES,
                   "%s: decompressed vmlinux's program header table (%u entries "
                   "of %u bytes at 0x%" G_GINT64_MODIFIER "x) is empty, of the "
                   "wrong entry size or outside its %" G_GSIZE_FORMAT " bytes",
                   path, phnum, phentsize, phoff, len);
      return FALSE;
    }
  if (shoff != 0 && shnum != 0
      && (shentsize != cls->shdr_size
          || !kboot_vmlinux_table_end (shoff, shnum, shentsize, len, &sh_end)))
    {
      g_set_error (error, KBOOT_VMLINUX_ERROR, KBOOT_VMLINUX_ERROR_TABLES,
                   "%s: decompressed vmlinux's section header table (%u entries "
                   "of %u bytes at 0x%" G_GINT64_MODIFIER "x) is of the wrong "
                   "entry size or outside its %" G_GSIZE_FORMAT " bytes",
                   path, shnum, shentsize, shoff, len);
      return FALSE;
    }
  *elf_end = MAX (MAX (ph_end, sh_end), cls->ehdr_size);
  return TRUE;
}

/* The non-empty PT_LOAD segments, each within the bytes and below 2^64,
 * sorted by p_paddr. */
static GArray *
kboot_vmlinux_segments (const KbootElfClass *cls, const guint8 *elf, gsize len,
                        guint64 *elf_end, const char *path, GError **error)
{
  g_autoptr(GArray) segments = g_array_new (FALSE, FALSE, sizeof (KbootVmlinuxSegment));
  guint64 phoff = kboot_le_get (elf + cls->e_phoff, cls->word);
  guint16 phnum = kboot_le16 (elf + cls->e_phnum);

  for (guint i = 0; i < phnum; i++)
    {
      const guint8 *ph = elf + phoff + (gsize) i * cls->phdr_size;
      KbootVmlinuxSegment s;
      guint64 file_end, mem_end;

      if (kboot_le32 (ph + cls->p_type) != PT_LOAD)
        continue;
      s.paddr = kboot_le_get (ph + cls->p_paddr, cls->word);
      s.offset = kboot_le_get (ph + cls->p_offset, cls->word);
      s.filesz = kboot_le_get (ph + cls->p_filesz, cls->word);
      s.memsz = kboot_le_get (ph + cls->p_memsz, cls->word);
      s.flags = kboot_le32 (ph + cls->p_flags);
      if (s.filesz > s.memsz
          || !g_uint64_checked_add (&file_end, s.offset, s.filesz) || file_end > len
          || !g_uint64_checked_add (&mem_end, s.paddr, s.memsz))
        {
          g_set_error (error, KBOOT_VMLINUX_ERROR, KBOOT_VMLINUX_ERROR_SEGMENT,
                       "%s: decompressed vmlinux's PT_LOAD segment %u (p_offset "
                       "0x%" G_GINT64_MODIFIER "x, p_filesz 0x%" G_GINT64_MODIFIER
                       "x, p_paddr 0x%" G_GINT64_MODIFIER "x, p_memsz 0x%"
                       G_GINT64_MODIFIER "x) needs p_filesz <= p_memsz, its bytes "
                       "within the %" G_GSIZE_FORMAT " decompressed, and its "
                       "addresses below 2^64", path, i, s.offset, s.filesz,
                       s.paddr, s.memsz, len);
          return NULL;
        }
      *elf_end = MAX (*elf_end, file_end);
      if (s.memsz != 0)
        g_array_append_val (segments, s);
    }
  if (segments->len == 0)
    {
      g_set_error (error, KBOOT_VMLINUX_ERROR, KBOOT_VMLINUX_ERROR_NO_SEGMENTS,
                   "%s: decompressed vmlinux has no PT_LOAD segment with bytes "
                   "to load", path);
      return NULL;
    }
  g_array_sort (segments, kboot_segment_by_paddr);
  return g_steal_pointer (&segments);
}

/* No overlap; from pref_address; within init_size; entered at the start. */
static gboolean
kboot_vmlinux_check_placement (const KbootImage *image, KbootVmlinux *vm,
                               const char *path, GError **error)
{
  const KbootSetupHeader *hdr = &image->hdr;
  guint64 end = 0;

  for (guint i = 0; i < vm->segments->len; i++)
    {
      const KbootVmlinuxSegment *s = &g_array_index (vm->segments, KbootVmlinuxSegment, i);

      if (i > 0 && s->paddr < end)
        {
          g_set_error (error, KBOOT_VMLINUX_ERROR, KBOOT_VMLINUX_ERROR_OVERLAP,
                       "%s: decompressed vmlinux's PT_LOAD segments overlap: one "
                       "at p_paddr 0x%" G_GINT64_MODIFIER "x starts below 0x%"
                       G_GINT64_MODIFIER "x, where the one before ends", path,
                       s->paddr, end);
          return FALSE;
        }
      end = s->paddr + s->memsz;       /* checked in kboot_vmlinux_segments */
    }
  vm->link_base = g_array_index (vm->segments, KbootVmlinuxSegment, 0).paddr;
  vm->span = end - vm->link_base;
  if (hdr->version >= 0x020a && vm->link_base != hdr->pref_address)
    {
      g_set_error (error, KBOOT_VMLINUX_ERROR, KBOOT_VMLINUX_ERROR_LINK_BASE,
                   "%s: decompressed vmlinux's lowest PT_LOAD p_paddr is 0x%"
                   G_GINT64_MODIFIER "x, not the setup header's pref_address 0x%"
                   G_GINT64_MODIFIER "x (both are LOAD_PHYSICAL_ADDR)", path,
                   vm->link_base, hdr->pref_address);
      return FALSE;
    }
  if (hdr->version >= 0x020a && vm->span > hdr->init_size)
    {
      g_set_error (error, KBOOT_VMLINUX_ERROR, KBOOT_VMLINUX_ERROR_INIT_SIZE,
                   "%s: decompressed vmlinux's PT_LOAD segments span 0x%"
                   G_GINT64_MODIFIER "x bytes from 0x%" G_GINT64_MODIFIER "x, "
                   "more than the setup header's init_size 0x%x", path,
                   vm->span, vm->link_base, hdr->init_size);
      return FALSE;
    }
  if (vm->entry != vm->link_base)
    {
      g_set_error (error, KBOOT_VMLINUX_ERROR, KBOOT_VMLINUX_ERROR_ENTRY,
                   "%s: decompressed vmlinux's e_entry 0x%" G_GINT64_MODIFIER
                   "x is not 0x%" G_GINT64_MODIFIER "x, the start of its first "
                   "PT_LOAD segment, where Linux's decompressor enters it", path,
                   vm->entry, vm->link_base);
      return FALSE;
    }
  return TRUE;
}

KbootVmlinux *
kboot_image_vmlinux_parse (const KbootImage *image, const guint8 *elf, gsize len,
                           const char *path, GError **error)
{
  g_autoptr(KbootVmlinux) vm = g_new0 (KbootVmlinux, 1);
  const KbootElfClass *cls;

  cls = kboot_vmlinux_class (image, elf, len, path, error);
  if (!cls)
    return NULL;
  vm->is_64 = cls == &kboot_elf64;
  vm->entry = kboot_le_get (elf + cls->e_entry, cls->word);
  vm->relocatable = image->relocatable;
  if (!kboot_vmlinux_tables (cls, elf, len, &vm->elf_end, path, error))
    return NULL;
  vm->segments = kboot_vmlinux_segments (cls, elf, len, &vm->elf_end, path, error);
  if (!vm->segments)
    return NULL;
  if (!kboot_vmlinux_check_placement (image, vm, path, error))
    return NULL;
  vm->trailing_size = len - vm->elf_end;
  return g_steal_pointer (&vm);
}

gboolean
kboot_vmlinux_address (const KbootVmlinux *vmlinux, guint64 run_address,
                       guint64 linked, guint64 *address)
{
  return linked >= vmlinux->link_base
         && g_uint64_checked_add (address, run_address, linked - vmlinux->link_base);
}

void
kboot_vmlinux_free (KbootVmlinux *vmlinux)
{
  if (!vmlinux)
    return;
  if (vmlinux->segments)
    g_array_unref (vmlinux->segments);
  g_free (vmlinux);
}
