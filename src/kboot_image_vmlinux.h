/* The ELF vmlinux a bzImage's payload decompresses to (kboot_image_payload),
 * checked against what its setup header promises, with the facts the fast
 * boot path needs to load its PT_LOAD segments and enter it.
 *
 * Pure: bytes in, facts out.
 *
 * What Linux's own decompressor does with it (arch/x86/boot/compressed/
 * misc.c, extract_kernel): parse_elf() copies each PT_LOAD segment to
 * output + (p_paddr - LOAD_PHYSICAL_ADDR), "output" being where the kernel
 * runs (the load address rounded up to kernel_alignment, at least
 * pref_address, which header.S sets to LOAD_PHYSICAL_ADDR); then
 * handle_relocations(); then head_64.S / head_32.S jump to "output"
 * itself, where startup_64 / startup_32 lie: the linker script
 * (arch/x86/kernel/vmlinux.lds.S) puts them first in .text, at
 * LOAD_PHYSICAL_ADDR, and makes e_entry their physical address
 * (ENTRY(phys_startup_64), phys_startup_32).  So the kernel proper is
 * entered at load + (e_entry - link_base), and this module insists that
 * e_entry is link_base: the start of the first segment.
 *
 * Relocation (not applied here): the decompressed bytes are vmlinux.bin
 * followed, with CONFIG_X86_NEED_RELOCS (RANDOMIZE_BASE, or a relocatable
 * 32-bit kernel; Debian's amd64 and 686 kernels have it), by the table
 * arch/x86/tools/relocs made (arch/x86/boot/compressed/Makefile,
 * vmlinux.bin.all): trailing_size bytes after the ELF, read backwards from
 * the end, 32-bit entries in zero-terminated runs.  handle_relocations()
 * applies them by delta = (64-bit) the virtual KASLR offset, virt_addr -
 * LOAD_PHYSICAL_ADDR, or (32-bit) the physical one, output -
 * LOAD_PHYSICAL_ADDR.  So:
 *   - a 64-bit kernel needs no relocation at any physical address when its
 *     virtual address is not randomised (the fast path gives up that KASLR):
 *     startup_64 fixes its own page tables for the physical offset
 *     (head64.c __startup_64: load_delta, which must be 2 MiB aligned);
 *   - a 32-bit kernel needs none only at its link address, LOAD_PHYSICAL_ADDR
 *     (link_base, 0x1000000 in Debian's kernels); anywhere else the fast
 *     path must apply the table (32-bit entries, += delta) or refuse. */
#ifndef KBOOT_IMAGE_VMLINUX_H
#define KBOOT_IMAGE_VMLINUX_H

#include <glib.h>

#include "kboot_image.h"

G_BEGIN_DECLS

typedef enum {
  KBOOT_VMLINUX_ERROR_NOT_ELF,        /* no ELF magic, or too short */
  KBOOT_VMLINUX_ERROR_CLASS,          /* not ELF32/ELF64 little-endian version 1 */
  KBOOT_VMLINUX_ERROR_NOT_EXEC,       /* e_type is not ET_EXEC */
  KBOOT_VMLINUX_ERROR_MACHINE,        /* not x86-64/i386, or not the header's */
  KBOOT_VMLINUX_ERROR_TABLES,         /* program/section header table out of bounds */
  KBOOT_VMLINUX_ERROR_SEGMENT,        /* a PT_LOAD segment out of the file or of 2^64 */
  KBOOT_VMLINUX_ERROR_NO_SEGMENTS,    /* no PT_LOAD segment with bytes */
  KBOOT_VMLINUX_ERROR_OVERLAP,        /* two PT_LOAD segments share addresses */
  KBOOT_VMLINUX_ERROR_LINK_BASE,      /* lowest p_paddr is not pref_address */
  KBOOT_VMLINUX_ERROR_INIT_SIZE,      /* the segments do not fit in init_size */
  KBOOT_VMLINUX_ERROR_ENTRY,          /* e_entry is not the first segment's start */
} KbootVmlinuxError;

typedef struct {
  guint64 paddr;               /* linked physical address */
  guint64 offset;              /* in the decompressed bytes */
  guint64 filesz;
  guint64 memsz;               /* >= filesz; the rest is zeroed */
  guint32 flags;               /* PF_X, PF_W, PF_R */
} KbootVmlinuxSegment;

typedef struct {
  gboolean is_64;              /* ELF64 x86-64, else ELF32 i386 */
  guint64 entry;               /* e_entry (physical: phys_startup_64/32) */
  guint64 link_base;           /* the lowest p_paddr: LOAD_PHYSICAL_ADDR */
  guint64 span;                /* link_base to the highest p_paddr + p_memsz */
  guint64 elf_end;             /* end of the ELF's own parts in the bytes */
  guint64 trailing_size;       /* bytes after them: the relocation table */
  gboolean relocatable;        /* the setup header's relocatable_kernel */
  GArray *segments;            /* KbootVmlinuxSegment, by p_paddr; memsz > 0 */
} KbootVmlinux;

/* Check that @elf (@len bytes, what @image's payload decompressed to) is
 * the vmlinux @image's setup header promises: an ELF executable for
 * x86-64 when the header says KERNEL_64 (protocol 2.12+), i386 when it
 * does not, whose non-empty PT_LOAD segments lie within @len, do not
 * overlap, start at pref_address and fit in init_size (2.10+), and whose
 * entry is the first segment's start.  Errors (domain KBOOT_VMLINUX_ERROR)
 * name @path and the rule. */
KbootVmlinux *kboot_image_vmlinux_parse (const KbootImage *image,
                                         const guint8 *elf, gsize len,
                                         const char *path, GError **error);
/* *@address = where the linked physical address @linked goes when the
 * kernel runs at @run_address (parse_elf: run_address + linked -
 * link_base); FALSE past 2^64 or below link_base. */
gboolean kboot_vmlinux_address (const KbootVmlinux *vmlinux, guint64 run_address,
                                guint64 linked, guint64 *address);
void kboot_vmlinux_free (KbootVmlinux *vmlinux);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbootVmlinux, kboot_vmlinux_free)

#define KBOOT_VMLINUX_ERROR (kboot_vmlinux_error_quark ())
GQuark kboot_vmlinux_error_quark (void);

G_END_DECLS

#endif /* KBOOT_IMAGE_VMLINUX_H */
