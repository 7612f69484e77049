/* The fast boot path (issue 15) of a prepared boot: the bzImage read
 * whole, its payload decompressed on the host (or taken from the kernel
 * cache, kboot_image_cache.h), checked as the vmlinux the header promises
 * (kboot_image_vmlinux.h), and kept in the XenKbootBoot for the plan
 * (page tables for a 64-bit entry) and the load (its PT_LOAD segments
 * where the kernel's own decompressor would have put them).
 *
 * What it gives up: the decompressor's KASLR (the kernel runs at its
 * planned address and is told nothing was randomised), and the kernel's
 * own check of its payload.  docs/fast-boot.md says when to use it. */
#ifndef XEN_KBOOT_DRIVER_FAST_H
#define XEN_KBOOT_DRIVER_FAST_H

#include <glib.h>

#include "kboot_image_file.h"
#include "kboot_image_vmlinux.h"

G_BEGIN_DECLS

/* The default bound on the cache's entries: some 15 of Debian's kernels. */
#define XEN_KBOOT_FAST_CACHE_MAX_DEFAULT  (G_GUINT64_CONSTANT (1) << 30)
/* The largest bzImage the fast path reads whole (it is hashed and held in
 * memory while its payload is decompressed). */
#define XEN_KBOOT_FAST_KERNEL_FILE_MAX    (G_GUINT64_CONSTANT (256) << 20)

typedef struct {
  const char *cache_dir;         /* NULL: xen_kboot_fast_default_cache_dir ();
                                  * "none": no cache */
  guint64 cache_max;             /* 0: XEN_KBOOT_FAST_CACHE_MAX_DEFAULT */
  gboolean verbose;              /* say the cache's outcome and the time */
} XenKbootFastOptions;

/* Where the cache is by default: /var/cache/xen-kboot/kernels for root,
 * else $XDG_CACHE_HOME/xen-kboot/kernels (g_get_user_cache_dir ()). */
char *xen_kboot_fast_default_cache_dir (void);

/* The kernel proper of @kernel (validated, bootable), as bytes and facts.
 * From the cache when it holds a verified entry, else decompressed (and
 * stored).  A cache that cannot be used (unsafe, unreadable) is said on
 * stderr and passed by: the kernel is decompressed in memory, never read
 * from a cache that failed its checks.  Refuses (naming the file and the
 * rule) a kernel file larger than XEN_KBOOT_FAST_KERNEL_FILE_MAX, changed
 * since it was validated, or whose payload does not decompress to the
 * vmlinux its header promises. */
gboolean xen_kboot_fast_kernel (KbootKernel *kernel,
                                const XenKbootFastOptions *options,
                                GBytes **bytes, KbootVmlinux **vmlinux,
                                GError **error);

G_END_DECLS

#endif /* XEN_KBOOT_DRIVER_FAST_H */
