/* The backend-independent half of guest memory access (see kboot_guest.h). */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "kboot_guest.h"

G_DEFINE_QUARK (kboot-guest-error-quark, kboot_guest_error)

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
kboot_guest_check (KbootGuest *guest, guint64 gpa, guint64 len, GError **error)
{
  if (guest->cancel && g_atomic_int_get (guest->cancel))
    {
      g_set_error (error, KBOOT_GUEST_ERROR, KBOOT_GUEST_ERROR_CANCELLED,
                   "loading guest memory was interrupted");
      return FALSE;
    }
  if (!kboot_guest_find_ram (guest, gpa, len))
    {
      g_set_error (error, KBOOT_GUEST_ERROR, KBOOT_GUEST_ERROR_RANGE,
                   "guest range 0x%" G_GINT64_MODIFIER "x+0x%" G_GINT64_MODIFIER
                   "x is not inside one block of guest RAM", gpa, len);
      return FALSE;
    }
  return TRUE;
}

gboolean
kboot_guest_write (KbootGuest *guest, guint64 gpa, const void *buf, gsize len,
                   GError **error)
{
  gsize done = 0;

  if (!kboot_guest_check (guest, gpa, len, error))
    return FALSE;
  while (done < len)
    {
      gsize chunk = MIN (len - done, guest->window);
      void *dst = guest->ops->map (guest, gpa + done, chunk, error);

      if (!dst)
        return FALSE;
      guest->maps++;
      memcpy (dst, (const guint8 *) buf + done, chunk);
      if (!guest->ops->unmap (guest, dst, gpa + done, chunk, error))
        return FALSE;
      done += chunk;
      guest->bytes_written += chunk;
    }
  return TRUE;
}

gboolean
kboot_guest_write_from_fd (KbootGuest *guest, guint64 gpa, int fd,
                           guint64 offset, guint64 len, const char *what,
                           GError **error)
{
  guint64 done = 0;

  if (!kboot_guest_check (guest, gpa, len, error))
    return FALSE;
  while (done < len)
    {
      gsize chunk = (gsize) MIN (len - done, (guint64) guest->window);
      gsize got = 0;
      guint8 *dst;

      if (guest->cancel && g_atomic_int_get (guest->cancel))
        return kboot_guest_check (guest, gpa, len, error);
      dst = guest->ops->map (guest, gpa + done, chunk, error);
      if (!dst)
        return FALSE;
      guest->maps++;
      /* pread straight into the mapped guest pages: no bounce buffer. */
      while (got < chunk)
        {
          ssize_t r = pread (fd, dst + got, chunk - got,
                             (off_t) (offset + done + got));
          if (r < 0 && errno == EINTR)
            continue;
          if (r <= 0)
            {
              int saved = errno;
              guest->ops->unmap (guest, dst, gpa + done, chunk, NULL);
              g_set_error (error, KBOOT_GUEST_ERROR, KBOOT_GUEST_ERROR_WRITE,
                           "%s: %s at offset 0x%" G_GINT64_MODIFIER "x", what,
                           r == 0 ? "the file ended early (was it truncated?)"
                                  : g_strerror (saved),
                           offset + done + got);
              return FALSE;
            }
          got += (gsize) r;
        }
      if (!guest->ops->unmap (guest, dst, gpa + done, chunk, error))
        return FALSE;
      done += chunk;
      guest->bytes_written += chunk;
    }
  return TRUE;
}

gboolean
kboot_guest_commit (KbootGuest *guest, GError **error)
{
  g_return_val_if_fail (!guest->finished, FALSE);
  guest->finished = TRUE;
  return guest->ops->commit (guest, error);
}

void
kboot_guest_discard (KbootGuest *guest)
{
  if (guest->finished)
    return;
  guest->finished = TRUE;
  guest->ops->discard (guest);
}

void
kboot_guest_free (KbootGuest *guest)
{
  if (!guest)
    return;
  kboot_guest_discard (guest);
  if (guest->ram)
    g_array_unref (guest->ram);
  guest->ops->free (guest);
}
