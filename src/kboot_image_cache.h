/* A content-addressed cache of decompressed kernels, for the fast boot
 * path (issue 15): the bytes kboot_image_payload_decompress makes of a
 * bzImage, kept in a directory under the SHA-256 of the whole bzImage
 * file as it was validated, so that the next boot of the same kernel
 * skips the decompression.  The I/O edge; the key, the entry format and
 * the eviction choice are kboot_image_cache_entry's (pure).
 *
 * The contract:
 *   - The directory is the caller's choice.  The default to use (not
 *     applied here): /var/cache/xen-kboot/kernels for root,
 *     $XDG_CACHE_HOME/xen-kboot/kernels (g_get_user_cache_dir ()) for
 *     anyone else.  It is created 0700 if missing; a directory that is a
 *     symbolic link, not owned by the caller's effective uid, or writable
 *     by group or others is refused, naming it and the rule.  Only its
 *     last component is checked: the directories above it are the
 *     administrator's.
 *   - Safe for concurrent users: an entry is written to a temporary file
 *     (0600) in the directory, fsync()ed, then rename()d over its final
 *     name, so readers see a whole entry or none; two writers of the same
 *     key both write complete entries and the last rename wins.
 *   - Verified before use: an entry is opened without following symbolic
 *     links and must be a regular file owned by the caller and not
 *     writable by group or others (else the lookup fails, naming the file
 *     and the rule: something tampered with the cache); its header, size
 *     and the SHA-256 of its bytes are checked, and one that is cut short,
 *     damaged, of another format version or of another key is removed
 *     and rebuilt, never returned.
 *   - Bounded: after each insert, entries are evicted least recently used
 *     first (by the atime the cache sets itself on every hit and insert;
 *     entries are read with O_NOATIME, so the mount's atime policy does
 *     not matter) until their total size is at
 *     most the bound; the entry just inserted is never evicted.  Files
 *     that are not entries are left alone, except writers' temporary
 *     files older than an hour (a crashed writer's), which are removed.
 *   - A failure to store a built kernel (disk full, read-only) does not
 *     fail the lookup: the built bytes are returned, and the report says
 *     they were not stored and why. */
#ifndef KBOOT_IMAGE_CACHE_H
#define KBOOT_IMAGE_CACHE_H

#include <glib.h>

#include "kboot_image_cache_entry.h"

G_BEGIN_DECLS

/* What became of a lookup. */
typedef enum {
  KBOOT_CACHE_HIT,             /* a valid entry: returned, build not called */
  KBOOT_CACHE_MISS,            /* no entry: built (and stored unless said) */
  KBOOT_CACHE_REBUILT,         /* an entry failed its check (report.fault):
                                * removed, built again (and stored) */
} KbootCacheOutcome;

/* The lookup's report, for the caller's log: no GError, since none of it
 * stops a boot. */
typedef struct {
  KbootCacheOutcome outcome;
  KbootCacheFault fault;       /* why REBUILT, else KBOOT_CACHE_FAULT_NONE */
  gboolean stored;             /* a MISS or REBUILT entry was written */
  guint evicted;               /* entries evicted after the insert */
  guint temp_removed;          /* stale temporary files removed */
  char *detail;                /* one line for the log, or NULL for a plain
                                * hit or miss */
} KbootCacheReport;

void kboot_cache_report_clear (KbootCacheReport *report);

/* What a miss calls to make the decompressed bytes (in production:
 * kboot_image_payload_decompress on the same bzImage bytes). */
typedef GBytes *(*KbootCacheBuildFunc) (gpointer user_data, GError **error);

typedef enum {
  KBOOT_CACHE_ERROR_DIRECTORY,         /* cannot create or open the directory */
  KBOOT_CACHE_ERROR_UNSAFE_DIRECTORY,  /* symlink, not a directory, owner, mode */
  KBOOT_CACHE_ERROR_UNSAFE_ENTRY,      /* symlink, not regular, owner, mode */
  KBOOT_CACHE_ERROR_READ,              /* an entry cannot be opened or read */
} KbootCacheError;

#define KBOOT_CACHE_ERROR (kboot_cache_error_quark ())
GQuark kboot_cache_error_quark (void);

typedef struct _KbootKernelCache KbootKernelCache;

/* Open (creating it 0700 if missing) the cache in @dir, bounded to
 * @max_bytes of entries. */
KbootKernelCache *kboot_kernel_cache_open (const char *dir, guint64 max_bytes,
                                           GError **error);
void kboot_kernel_cache_free (KbootKernelCache *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbootKernelCache, kboot_kernel_cache_free)

const char *kboot_kernel_cache_dir (const KbootKernelCache *cache);

/* The decompressed kernel of the bzImage whose validated bytes are
 * @bzimage (@len bytes, the whole file): from the cache when a valid entry
 * holds it, else from @build (@user_data), then stored.  @report (may be
 * NULL; clear it with kboot_cache_report_clear) says which.  NULL with
 * @error when the cache is unsafe to use or @build failed. */
GBytes *kboot_kernel_cache_get (KbootKernelCache *cache,
                                const guint8 *bzimage, gsize len,
                                KbootCacheBuildFunc build, gpointer user_data,
                                KbootCacheReport *report, GError **error);

G_END_DECLS

#endif /* KBOOT_IMAGE_CACHE_H */
