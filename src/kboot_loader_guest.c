/* The backend-independent half of guest memory access (see kboot_loader_guest.h). */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "kboot_loader_guest.h"

G_DEFINE_QUARK (kboot-guest-error-quark, kboot_guest_error)

KbootGuest *
kboot_guest_new (gsize size, const KbootGuestOps *ops, gsize window,
                 const KbootGuestRamBlock *blocks, guint n_blocks)
{
  KbootGuest *guest;

  g_return_val_if_fail (size >= sizeof (KbootGuest) && window > 0, NULL);
  guest = g_malloc0 (size);
  guest->ops = ops;
  guest->window = window;
  guest->ram = g_array_sized_new (FALSE, FALSE, sizeof (KbootGuestRamBlock), n_blocks);
  g_array_append_vals (guest->ram, blocks, n_blocks);
  return guest;
}

const KbootGuestRamBlock *
kboot_guest_find_ram (const KbootGuest *guest, guint64 gpa, guint64 len)
{
  guint64 end;

  if (!g_uint64_checked_add (&end, gpa, len))
    return NULL;
  for (guint i = 0; i < guest->ram->len; i++)
    {
      const KbootGuestRamBlock *b = &g_array_index (guest->ram, KbootGuestRamBlock, i);
      if (gpa >= b->gpa && end <= b->gpa + b->size)
        return b;
    }
  return NULL;
}

static gboolean
kboot_guest_check_cancel (KbootGuest *guest, GError **error)
{
  if (guest->cancel && g_atomic_int_get (guest->cancel))
    {
      g_set_error (error, KBOOT_GUEST_ERROR, KBOOT_GUEST_ERROR_CANCELLED,
                   "loading guest memory was interrupted");
      return FALSE;
    }
  return TRUE;
}

static gboolean
kboot_guest_unmap (KbootGuest *guest, void *addr, guint64 gpa, gsize len,
                   GError **error)
{
  return !guest->ops->unmap || guest->ops->unmap (guest, addr, gpa, len, error);
}

/* Fills @len bytes at @dst with the bytes that go at @done into the write
 * (or, reading, copies them out). */
typedef gboolean (*KbootGuestFill) (guint8 *dst, guint64 done, gsize len,
                                    gpointer data, GError **error);

/* The one access loop: check the range, then map, fill (or read) and
 * unmap one window at a time, stopping between windows when cancelled. */
static gboolean
kboot_guest_windows (KbootGuest *guest, guint64 gpa, guint64 len,
                     KbootGuestFill fill, gpointer data, gboolean writing,
                     GError **error)
{
  guint64 done = 0;

  if (!kboot_guest_check_cancel (guest, error))
    return FALSE;
  if (!kboot_guest_find_ram (guest, gpa, len))
    {
      g_set_error (error, KBOOT_GUEST_ERROR, KBOOT_GUEST_ERROR_RANGE,
                   "guest range 0x%" G_GINT64_MODIFIER "x+0x%" G_GINT64_MODIFIER
                   "x is not inside one block of guest RAM", gpa, len);
      return FALSE;
    }
  while (done < len)
    {
      gsize chunk = (gsize) MIN (len - done, (guint64) guest->window);
      guint8 *dst;

      if (!kboot_guest_check_cancel (guest, error))
        return FALSE;
      dst = guest->ops->map (guest, gpa + done, chunk, error);
      if (!dst)
        return FALSE;
      guest->maps++;
      if (!fill (dst, done, chunk, data, error))
        {
          kboot_guest_unmap (guest, dst, gpa + done, chunk, NULL);
          return FALSE;
        }
      if (!kboot_guest_unmap (guest, dst, gpa + done, chunk, error))
        return FALSE;
      done += chunk;
      if (writing)
        guest->bytes_written += chunk;
    }
  return TRUE;
}

static gboolean
kboot_guest_fill_from_buffer (guint8 *dst, guint64 done, gsize len,
                              gpointer data, GError **error)
{
  memcpy (dst, (const guint8 *) data + done, len);
  return TRUE;
}

gboolean
kboot_guest_write (KbootGuest *guest, guint64 gpa, const void *buf, gsize len,
                   GError **error)
{
  return kboot_guest_windows (guest, gpa, len, kboot_guest_fill_from_buffer,
                              (gpointer) buf, TRUE, error);
}

static gboolean
kboot_guest_copy_to_buffer (guint8 *src, guint64 done, gsize len, gpointer data,
                            GError **error)
{
  memcpy ((guint8 *) data + done, src, len);
  return TRUE;
}

gboolean
kboot_guest_read (KbootGuest *guest, guint64 gpa, void *buf, gsize len,
                  GError **error)
{
  return kboot_guest_windows (guest, gpa, len, kboot_guest_copy_to_buffer, buf,
                              FALSE, error);
}

typedef struct {
  int fd;
  guint64 offset;
  const char *what;
  guint8 *bounce;              /* NULL: pread straight into the map */
} KbootGuestFdSource;

#define KBOOT_GUEST_BOUNCE_SIZE (256 * 1024)

/* pread into the mapped guest pages, directly or through src->bounce. */
static gboolean
kboot_guest_fill_from_fd (guint8 *dst, guint64 done, gsize len, gpointer data,
                          GError **error)
{
  const KbootGuestFdSource *src = data;
  gsize got = 0;

  while (got < len)
    {
      gsize want = src->bounce ? MIN (len - got, KBOOT_GUEST_BOUNCE_SIZE) : len - got;
      ssize_t r = pread (src->fd, src->bounce ? src->bounce : dst + got, want,
                         (off_t) (src->offset + done + got));
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        {
          int saved = errno;
          g_set_error (error, KBOOT_GUEST_ERROR, KBOOT_GUEST_ERROR_WRITE,
                       "%s: %s at offset 0x%" G_GINT64_MODIFIER "x", src->what,
                       r == 0 ? "the file ended early (was it truncated?)"
                              : g_strerror (saved),
                       src->offset + done + got);
          return FALSE;
        }
      if (src->bounce)
        memcpy (dst + got, src->bounce, (gsize) r);
      got += (gsize) r;
    }
  return TRUE;
}

gboolean
kboot_guest_write_from_fd (KbootGuest *guest, guint64 gpa, int fd,
                           guint64 offset, guint64 len, const char *what,
                           GError **error)
{
  g_autofree guint8 *bounce = guest->bounce_reads
                               ? g_malloc (KBOOT_GUEST_BOUNCE_SIZE) : NULL;
  KbootGuestFdSource src = { fd, offset, what, bounce };

  return kboot_guest_windows (guest, gpa, len, kboot_guest_fill_from_fd, &src,
                              TRUE, error);
}

gboolean
kboot_guest_commit (KbootGuest *guest, GError **error)
{
  g_return_val_if_fail (!guest->finished, FALSE);
  guest->finished = TRUE;
  return !guest->ops->commit || guest->ops->commit (guest, error);
}

void
kboot_guest_discard (KbootGuest *guest)
{
  if (guest->finished)
    return;
  guest->finished = TRUE;
  if (guest->ops->discard)
    guest->ops->discard (guest);
}

void
kboot_guest_free (KbootGuest *guest)
{
  if (!guest)
    return;
  kboot_guest_discard (guest);
  guest->ops->dispose (guest);
  g_clear_pointer (&guest->ram, g_array_unref);
  g_free (guest);
}
