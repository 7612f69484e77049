/* The entry firmware's ELF (xen-kboot-fw.elf) as Xen's domain builder sees
 * it: where its PT_LOAD segments land in guest-physical memory.  Used to
 * reserve that range when planning for xen-hvm, before any domain exists
 * (plan, validate) and on a real domain (create), and to load it where
 * Xen did not (xen-kboot-dm).  Pure but for kboot_firmware_elf_read() and
 * kboot_firmware_elf_load(). */
#ifndef KBOOT_LAYOUT_FIRMWARE_H
#define KBOOT_LAYOUT_FIRMWARE_H

#include <glib.h>

G_BEGIN_DECLS

/* The firmware is a few KiB; anything larger is not ours. */
#define KBOOT_FIRMWARE_ELF_MAX_SIZE (1024 * 1024)

typedef enum {
  KBOOT_FIRMWARE_ELF_ERROR_READ,      /* cannot read the file */
  KBOOT_FIRMWARE_ELF_ERROR_FORMAT,    /* not a 32-bit little-endian x86 ELF */
  KBOOT_FIRMWARE_ELF_ERROR_SEGMENTS,  /* no, or out-of-bounds, PT_LOAD */
} KbootFirmwareElfError;

#define KBOOT_FIRMWARE_ELF_ERROR (kboot_firmware_elf_error_quark ())
GQuark kboot_firmware_elf_error_quark (void);

/* Our ELF has one PT_LOAD; a few more are allowed, no more. */
#define KBOOT_FIRMWARE_ELF_SEGMENTS_MAX 4

/* One PT_LOAD: file bytes [offset, offset + filesz) at paddr, then zeroes
 * up to memsz. */
typedef struct {
  guint32 paddr;
  guint32 offset;
  guint32 filesz;
  guint32 memsz;
} KbootFirmwareSegment;

typedef struct {
  guint64 start;     /* lowest p_paddr, rounded down to a page */
  guint64 end;       /* highest p_paddr + p_memsz (exclusive) */
  guint32 entry;     /* e_entry */
  guint n_segments;  /* PT_LOADs with a non-zero p_memsz, in file order */
  KbootFirmwareSegment segments[KBOOT_FIRMWARE_ELF_SEGMENTS_MAX];
} KbootFirmwareElf;

/* Parse @len bytes of an ELF32 image; @name prefixes messages. */
gboolean kboot_firmware_elf_parse (const guint8 *buf, gsize len, const char *name,
                                   KbootFirmwareElf *out, GError **error);
/* Read @path (at most KBOOT_FIRMWARE_ELF_MAX_SIZE bytes) and parse it. */
gboolean kboot_firmware_elf_read (const char *path, KbootFirmwareElf *out,
                                  GError **error);
/* The same, keeping the file's bytes for a loader that places the segments
 * itself (xen-kboot-dm, where Xen loaded hvmloader instead). */
GBytes *kboot_firmware_elf_load (const char *path, KbootFirmwareElf *out,
                                 GError **error);

G_END_DECLS

#endif /* KBOOT_LAYOUT_FIRMWARE_H */
