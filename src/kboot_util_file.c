/* Reading kernel and initrd files safely (see kboot_util_file.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kboot_util_file.h"

G_DEFINE_QUARK (kboot-file-error-quark, kboot_file_error)

const char *
kboot_file_type_name (mode_t mode)
{
  if (S_ISDIR (mode))
    return "a directory";
  if (S_ISFIFO (mode))
    return "a FIFO";
  if (S_ISCHR (mode))
    return "a character device";
  if (S_ISBLK (mode))
    return "a block device";
  if (S_ISSOCK (mode))
    return "a socket";
  return "not a regular file";
}

KbootFile *
kboot_file_open (const char *path, const char *what, GError **error)
{
  g_autoptr(KbootFile) file = g_new0 (KbootFile, 1);
  struct stat st;
  int flags;

  file->fd = -1;
  file->path = g_strdup (path);

  /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
   * writer; it is cleared again once we know the file is regular. */
  file->fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (file->fd < 0)
    {
      int saved = errno;

      /* A socket (ENXIO) or a device without its driver cannot be opened
       * at all: say what it is, as for those that can. */
      if (stat (path, &st) == 0 && !S_ISREG (st.st_mode))
        g_set_error (error, KBOOT_FILE_ERROR, KBOOT_FILE_ERROR_NOT_REGULAR,
                     "%s: %s is %s, not a regular file", path, what,
                     kboot_file_type_name (st.st_mode));
      else
        g_set_error (error, KBOOT_FILE_ERROR, KBOOT_FILE_ERROR_OPEN,
                     "%s: cannot open %s: %s", path, what, g_strerror (saved));
      return NULL;
    }
  if (fstat (file->fd, &st) < 0)
    {
      int saved = errno;
      g_set_error (error, KBOOT_FILE_ERROR, KBOOT_FILE_ERROR_OPEN,
                   "%s: cannot stat %s: %s", path, what, g_strerror (saved));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, KBOOT_FILE_ERROR, KBOOT_FILE_ERROR_NOT_REGULAR,
                   "%s: %s is %s, not a regular file", path, what,
                   kboot_file_type_name (st.st_mode));
      return NULL;
    }
  if (st.st_size <= 0)
    {
      g_set_error (error, KBOOT_FILE_ERROR, KBOOT_FILE_ERROR_EMPTY,
                   "%s: %s is empty (0 bytes)", path, what);
      return NULL;
    }
  flags = fcntl (file->fd, F_GETFL);
  if (flags < 0 || fcntl (file->fd, F_SETFL, flags & ~O_NONBLOCK) < 0)
    {
      int saved = errno;
      g_set_error (error, KBOOT_FILE_ERROR, KBOOT_FILE_ERROR_OPEN,
                   "%s: cannot set %s to blocking reads: %s", path, what,
                   g_strerror (saved));
      return NULL;
    }

  file->size = (guint64) st.st_size;
  file->dev = st.st_dev;
  file->ino = st.st_ino;
  file->mtime = st.st_mtim;
  return g_steal_pointer (&file);
}

void
kboot_file_free (KbootFile *file)
{
  if (!file)
    return;
  if (file->fd >= 0)
    close (file->fd);
  g_free (file->path);
  g_free (file);
}

gboolean
kboot_file_read_at (KbootFile *file, guint64 offset, void *buf, gsize len,
                    gsize *got, GError **error)
{
  gsize done = 0;

  if (offset > G_MAXINT64)
    {
      g_set_error (error, KBOOT_FILE_ERROR, KBOOT_FILE_ERROR_READ,
                   "%s: read offset 0x%" G_GINT64_MODIFIER "x is out of range",
                   file->path, offset);
      return FALSE;
    }
  while (done < len)
    {
      gsize chunk = MIN (len - done, (gsize) G_MAXSSIZE);
      ssize_t r = pread (file->fd, (guint8 *) buf + done, chunk,
                         (off_t) (offset + done));

      if (r < 0)
        {
          int saved = errno;
          if (saved == EINTR)
            continue;
          g_set_error (error, KBOOT_FILE_ERROR, KBOOT_FILE_ERROR_READ,
                       "%s: read of %" G_GSIZE_FORMAT " bytes at offset 0x%"
                       G_GINT64_MODIFIER "x failed: %s", file->path, chunk,
                       offset + done, g_strerror (saved));
          return FALSE;
        }
      if (r == 0)
        break;
      done += (gsize) r;
      file->bytes_read += (guint64) r;
    }
  *got = done;
  return TRUE;
}

gboolean
kboot_file_read_exact_at (KbootFile *file, guint64 offset, void *buf,
                          gsize len, GError **error)
{
  gsize got = 0;

  if (!kboot_file_read_at (file, offset, buf, len, &got, error))
    return FALSE;
  if (got != len)
    {
      g_set_error (error, KBOOT_FILE_ERROR, KBOOT_FILE_ERROR_CHANGED,
                   "%s: wanted %" G_GSIZE_FORMAT " bytes at offset 0x%"
                   G_GINT64_MODIFIER "x, the file ended after %" G_GSIZE_FORMAT
                   " (was it truncated?)", file->path, len, offset, got);
      return FALSE;
    }
  return TRUE;
}

gboolean
kboot_file_check_unchanged (KbootFile *file, GError **error)
{
  struct stat st;

  if (fstat (file->fd, &st) < 0)
    {
      int saved = errno;
      g_set_error (error, KBOOT_FILE_ERROR, KBOOT_FILE_ERROR_READ,
                   "%s: cannot stat: %s", file->path, g_strerror (saved));
      return FALSE;
    }
  if ((guint64) st.st_size != file->size)
    {
      g_set_error (error, KBOOT_FILE_ERROR, KBOOT_FILE_ERROR_CHANGED,
                   "%s: changed since it was validated: size was %"
                   G_GUINT64_FORMAT " bytes, is now %" G_GUINT64_FORMAT,
                   file->path, file->size, (guint64) st.st_size);
      return FALSE;
    }
  if (st.st_dev != file->dev || st.st_ino != file->ino
      || st.st_mtim.tv_sec != file->mtime.tv_sec
      || st.st_mtim.tv_nsec != file->mtime.tv_nsec)
    {
      g_set_error (error, KBOOT_FILE_ERROR, KBOOT_FILE_ERROR_CHANGED,
                   "%s: changed since it was validated (modification time "
                   "differs)", file->path);
      return FALSE;
    }
  return TRUE;
}
