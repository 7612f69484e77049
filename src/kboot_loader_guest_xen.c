/* Guest memory backend: a real Xen domain's memory, written from dom0
 * through xenforeignmemory (see kboot_loader_guest.h).  Pages are mapped in
 * batches of KBOOT_GUEST_XEN_BATCH and unmapped as soon as written. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>

#include <xenforeignmemory.h>
#include <xentoollog.h>

#include "kboot_loader_guest.h"
#include "kboot_loader_guest_xen.h"
#include "kboot_util.h"

/* 1024 pages (4 MiB) a map call: large enough that a 60 MiB kernel and
 * initrd take a few dozen hypercalls, small enough for any dom0. */
#define KBOOT_GUEST_XEN_BATCH 1024u

typedef struct {
  KbootGuest parent;
  xenforeignmemory_handle *fmem;
  xentoollog_logger_stdiostream *logger;
  guint32 domid;
  xen_pfn_t pfns[KBOOT_GUEST_XEN_BATCH + 1];
  int errs[KBOOT_GUEST_XEN_BATCH + 1];
} KbootGuestXen;

static void *
kboot_guest_xen_map (KbootGuest *guest, guint64 gpa, gsize len, GError **error)
{
  KbootGuestXen *x = (KbootGuestXen *) guest;
  guint64 first = gpa >> KBOOT_PAGE_SHIFT;
  guint64 last = (gpa + len - 1) >> KBOOT_PAGE_SHIFT;
  gsize pages = (gsize) (last - first + 1);
  guint8 *base;

  g_return_val_if_fail (len > 0 && pages <= G_N_ELEMENTS (x->pfns), NULL);
  for (gsize i = 0; i < pages; i++)
    {
      x->pfns[i] = (xen_pfn_t) (first + i);
      x->errs[i] = 0;
    }
  base = xenforeignmemory_map (x->fmem, x->domid, PROT_READ | PROT_WRITE,
                               pages, x->pfns, x->errs);
  if (!base)
    {
      int saved = errno;
      g_set_error (error, KBOOT_GUEST_ERROR, KBOOT_GUEST_ERROR_MAP,
                   "domain %u: mapping %" G_GSIZE_FORMAT " page%s at guest "
                   "frame 0x%" G_GINT64_MODIFIER "x failed: %s", x->domid,
                   pages, pages == 1 ? "" : "s", first, g_strerror (saved));
      return NULL;
    }
  for (gsize i = 0; i < pages; i++)
    if (x->errs[i])
      {
        int saved = x->errs[i] < 0 ? -x->errs[i] : x->errs[i];
        xenforeignmemory_unmap (x->fmem, base, pages);
        g_set_error (error, KBOOT_GUEST_ERROR, KBOOT_GUEST_ERROR_MAP,
                     "domain %u: guest frame 0x%" G_GINT64_MODIFIER "x "
                     "(address 0x%" G_GINT64_MODIFIER "x) cannot be mapped: %s",
                     x->domid, first + i, (first + i) << KBOOT_PAGE_SHIFT,
                     g_strerror (saved));
        return NULL;
      }
  return base + (gpa & (KBOOT_PAGE_SIZE - 1));
}

static gboolean
kboot_guest_xen_unmap (KbootGuest *guest, void *addr, guint64 gpa, gsize len,
                       GError **error)
{
  KbootGuestXen *x = (KbootGuestXen *) guest;
  guint8 *base = (guint8 *) addr - (gpa & (KBOOT_PAGE_SIZE - 1));
  gsize pages = (gsize) ((((gpa + len - 1) >> KBOOT_PAGE_SHIFT)
                          - (gpa >> KBOOT_PAGE_SHIFT)) + 1);

  if (xenforeignmemory_unmap (x->fmem, base, pages) < 0)
    {
      int saved = errno;
      g_set_error (error, KBOOT_GUEST_ERROR, KBOOT_GUEST_ERROR_WRITE,
                   "domain %u: unmapping guest memory at 0x%" G_GINT64_MODIFIER
                   "x failed: %s", x->domid, gpa, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static void
kboot_guest_xen_dispose (KbootGuest *guest)
{
  KbootGuestXen *x = (KbootGuestXen *) guest;

  if (x->fmem)
    xenforeignmemory_close (x->fmem);
  x->fmem = NULL;
  if (x->logger)
    xtl_logger_destroy ((xentoollog_logger *) x->logger);
  x->logger = NULL;
}

/* No commit: foreign mappings write the guest's pages directly, nothing to
 * flush.  No discard: a half-loaded domain must not run, so the driver
 * destroys it, which returns every page we wrote to Xen. */
static const KbootGuestOps kboot_guest_xen_ops = {
  .map = kboot_guest_xen_map,
  .unmap = kboot_guest_xen_unmap,
  .dispose = kboot_guest_xen_dispose,
};

KbootGuest *
kboot_guest_xen_open (guint32 domid, const KbootGuestRamBlock *blocks,
                      guint n_blocks, GError **error)
{
  /* A batch of pages a window; one that starts mid-page spans one more,
   * which the pfn array has room for. */
  g_autoptr(KbootGuest) guest = kboot_guest_new (sizeof (KbootGuestXen),
                                                 &kboot_guest_xen_ops,
                                                 KBOOT_GUEST_XEN_BATCH * KBOOT_PAGE_SIZE,
                                                 blocks, n_blocks);
  KbootGuestXen *x = (KbootGuestXen *) guest;

  /* Foreign mappings cannot be pinned (get_user_pages), and filesystems
   * that pin a read's destination (9p, FUSE, O_DIRECT) fail on them with
   * EFAULT, as real Xen showed with a kernel on a 9p share. */
  guest->bounce_reads = TRUE;
  x->domid = domid;

  /* Our own error says what failed; the library's would repeat it. */
  x->logger = xtl_createlogger_stdiostream (stderr, XTL_CRITICAL, 0);
  x->fmem = xenforeignmemory_open ((xentoollog_logger *) x->logger, 0);
  if (!x->fmem)
    {
      int saved = errno;
      if (saved == ENOENT || saved == ENODEV)
        g_set_error (error, KBOOT_GUEST_ERROR, KBOOT_GUEST_ERROR_CREATE,
                     "no Xen hypervisor: cannot open /dev/xen/privcmd (is this "
                     "dom0?)");
      else
        g_set_error (error, KBOOT_GUEST_ERROR, KBOOT_GUEST_ERROR_CREATE,
                     "cannot open Xen foreign memory (/dev/xen/privcmd): %s",
                     g_strerror (saved));
      return NULL;
    }
  return g_steal_pointer (&guest);
}
