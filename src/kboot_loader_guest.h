/* Guest memory as the loader sees it: a place to write bytes at guest-
 * physical addresses.  Two backends implement it:
 *   kboot_loader_guest_file.c  a RAM file laid out as the platform maps guest RAM,
 *                       which QEMU then uses as the guest's memory (preview)
 *   kboot_loader_guest_xen.c   a real Xen domain's memory, through xenforeignmemory
 * The loader streams files straight into windows the backend maps, so no
 * file is ever copied whole onto the heap. */
#ifndef KBOOT_LOADER_GUEST_H
#define KBOOT_LOADER_GUEST_H

#include <glib.h>

#include "kboot_layout_platform.h"   /* KbootGuestRamBlock */

G_BEGIN_DECLS

typedef enum {
  KBOOT_GUEST_ERROR_CREATE,    /* the backing store could not be made */
  KBOOT_GUEST_ERROR_RANGE,     /* the address range is not guest RAM */
  KBOOT_GUEST_ERROR_MAP,       /* mapping guest memory failed */
  KBOOT_GUEST_ERROR_WRITE,     /* writing or flushing failed */
  KBOOT_GUEST_ERROR_CANCELLED, /* a signal asked us to stop */
} KbootGuestError;

#define KBOOT_GUEST_ERROR (kboot_guest_error_quark ())
GQuark kboot_guest_error_quark (void);

typedef struct KbootGuest KbootGuest;

/* A backend's operations; unmap, commit and discard may be NULL when the
 * backend has nothing to do there. */
typedef struct {
  /* Map [gpa, gpa + len) writable; the range lies in one RAM block and
   * len is at most the backend's window size. */
  void *(*map) (KbootGuest *guest, guint64 gpa, gsize len, GError **error);
  gboolean (*unmap) (KbootGuest *guest, void *addr, guint64 gpa, gsize len,
                     GError **error);
  /* Make everything written durable for the consumer (msync, ...). */
  gboolean (*commit) (KbootGuest *guest, GError **error);
  /* Undo: remove the RAM file.  Called at most once, instead of commit. */
  void (*discard) (KbootGuest *guest);
  /* Release the backend's own resources (kboot_guest_free frees the rest). */
  void (*dispose) (KbootGuest *guest);
} KbootGuestOps;

struct KbootGuest {
  const KbootGuestOps *ops;
  GArray *ram;                 /* of KbootGuestRamBlock, sorted by gpa */
  gsize window;                /* largest single map, bytes */
  guint64 bytes_written;
  guint maps;                  /* map calls made, for tests and benchmarks */
  volatile gint *cancel;       /* non-NULL and set: stop with CANCELLED */
  gboolean bounce_reads;       /* read files through a buffer, not into the map */
  gboolean finished;           /* commit or discard was called */
};

/* For backends: a zeroed @size-byte instance of a struct whose first
 * member is the KbootGuest, with @ops, the largest map @window and a copy
 * of the @n_blocks RAM @blocks.  kboot_guest_free frees it. */
KbootGuest *kboot_guest_new (gsize size, const KbootGuestOps *ops, gsize window,
                             const KbootGuestRamBlock *blocks, guint n_blocks);

/* The RAM block holding all of [gpa, gpa + len), or NULL. */
const KbootGuestRamBlock *kboot_guest_find_ram (const KbootGuest *guest,
                                                guint64 gpa, guint64 len);
/* Copy @len bytes from @buf to guest-physical @gpa. */
gboolean kboot_guest_write (KbootGuest *guest, guint64 gpa, const void *buf,
                            gsize len, GError **error);
/* Copy @len bytes at guest-physical @gpa into @buf (what a domain builder
 * left there). */
gboolean kboot_guest_read (KbootGuest *guest, guint64 gpa, void *buf, gsize len,
                           GError **error);
/* Read @len bytes at @offset of @fd straight into guest memory at @gpa,
 * one mapped window at a time. */
gboolean kboot_guest_write_from_fd (KbootGuest *guest, guint64 gpa, int fd,
                                    guint64 offset, guint64 len,
                                    const char *what, GError **error);
gboolean kboot_guest_commit (KbootGuest *guest, GError **error);
void kboot_guest_discard (KbootGuest *guest);
/* Frees; discards first if neither commit nor discard was called. */
void kboot_guest_free (KbootGuest *guest);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbootGuest, kboot_guest_free)

/* ---- the RAM-file backend (kboot_loader_guest_file.c) ---- */

/* Create @path (which must not exist: O_EXCL) sized @ram_size, sparse, and
 * map @blocks (guest RAM runs, backing_offset = offset in the file).  On
 * any failure nothing is left behind. */
KbootGuest *kboot_guest_file_create (const char *path, guint64 ram_size,
                                     const KbootGuestRamBlock *blocks,
                                     guint n_blocks, GError **error);
/* The same, with a RAM file that has no name, so that nothing is left
 * when its last holder dies, even by SIGKILL: an O_TMPFILE file in
 * @path's directory (@path must not exist, and is not created), or, on a
 * filesystem without O_TMPFILE, @path unlinked as soon as it is created.
 * After commit the descriptor stays open (kboot_guest_file_fd). */
KbootGuest *kboot_guest_file_create_unnamed (const char *path, guint64 ram_size,
                                             const KbootGuestRamBlock *blocks,
                                             guint n_blocks, GError **error);
/* The RAM file's descriptor (open until the guest is freed or discarded);
 * -1 for another backend or a closed file. */
int kboot_guest_file_fd (const KbootGuest *guest);

G_END_DECLS

#endif /* KBOOT_LOADER_GUEST_H */
