/* Guest memory backend: a RAM file laid out as the platform maps guest RAM
 * (see kboot_loader_guest.h).  QEMU uses the same file as the guest's memory
 * (memory-backend-file, share=on), so what we write is what the guest
 * finds.  The file is mapped once, shared; map() only computes a pointer. */
/* O_TMPFILE is Linux's (fcntl.h declares it under _GNU_SOURCE). */
#define _GNU_SOURCE 1
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kboot_loader_guest.h"

/* Large windows: pread into tmpfs pages in 64 MiB strides. */
#define KBOOT_GUEST_FILE_WINDOW (64u << 20)

typedef struct {
  KbootGuest parent;
  char *path;
  gboolean created;            /* the file is ours: discard removes it */
  gboolean unnamed;            /* the file has no name: commit keeps fd */
  int fd;
  guint8 *base;
  guint64 size;
} KbootGuestFile;

static void *
kboot_guest_file_map (KbootGuest *guest, guint64 gpa, gsize len, GError **error)
{
  KbootGuestFile *f = (KbootGuestFile *) guest;
  const KbootGuestRamBlock *b = kboot_guest_find_ram (guest, gpa, len);

  if (!b || b->backing_offset + (gpa - b->gpa) + len > f->size)
    {
      g_set_error (error, KBOOT_GUEST_ERROR, KBOOT_GUEST_ERROR_RANGE,
                   "%s: guest range 0x%" G_GINT64_MODIFIER "x+0x%" G_GSIZE_MODIFIER
                   "x is outside the RAM file", f->path, gpa, len);
      return NULL;
    }
  /* Reserve the pages first: a write into a sparse mapping that tmpfs
   * cannot back would be a SIGBUS, this is an error message instead. */
  {
    int r = posix_fallocate (f->fd, (off_t) (b->backing_offset + (gpa - b->gpa)),
                             (off_t) len);
    if (r != 0)
      {
        g_set_error (error, KBOOT_GUEST_ERROR, KBOOT_GUEST_ERROR_MAP,
                     "%s: cannot allocate 0x%" G_GSIZE_MODIFIER "x bytes of the "
                     "RAM file for guest 0x%" G_GINT64_MODIFIER "x: %s", f->path,
                     len, gpa, g_strerror (r));
        return NULL;
      }
  }
  return f->base + b->backing_offset + (gpa - b->gpa);
}

static void
kboot_guest_file_unmap (KbootGuestFile *f)
{
  if (f->base)
    munmap (f->base, f->size);
  f->base = NULL;
}

static void
kboot_guest_file_close (KbootGuestFile *f)
{
  kboot_guest_file_unmap (f);
  if (f->fd >= 0)
    close (f->fd);
  f->fd = -1;
}

static gboolean
kboot_guest_file_commit (KbootGuest *guest, GError **error)
{
  KbootGuestFile *f = (KbootGuestFile *) guest;

  if (msync (f->base, f->size, MS_SYNC) < 0)
    {
      int saved = errno;
      g_set_error (error, KBOOT_GUEST_ERROR, KBOOT_GUEST_ERROR_WRITE,
                   "%s: msync failed: %s", f->path, g_strerror (saved));
      kboot_guest_file_close (f);
      if (f->created)
        unlink (f->path);
      return FALSE;
    }
  /* An unnamed file is reached only through its descriptor: keep it for
   * QEMU (dispose closes it). */
  if (f->unnamed)
    kboot_guest_file_unmap (f);
  else
    kboot_guest_file_close (f);
  return TRUE;
}

static void
kboot_guest_file_discard (KbootGuest *guest)
{
  KbootGuestFile *f = (KbootGuestFile *) guest;

  kboot_guest_file_close (f);
  if (f->created)
    unlink (f->path);
}

static void
kboot_guest_file_dispose (KbootGuest *guest)
{
  KbootGuestFile *f = (KbootGuestFile *) guest;

  kboot_guest_file_close (f);
  g_clear_pointer (&f->path, g_free);
}

/* No unmap: the file stays mapped whole until commit or discard. */
static const KbootGuestOps kboot_guest_file_ops = {
  .map = kboot_guest_file_map,
  .commit = kboot_guest_file_commit,
  .discard = kboot_guest_file_discard,
  .dispose = kboot_guest_file_dispose,
};

/* Before anything exists: every block inside a usable file size. */
static gboolean
kboot_guest_file_check_size (const char *path, guint64 ram_size,
                             const KbootGuestRamBlock *blocks, guint n_blocks,
                             GError **error)
{
  for (guint i = 0; i < n_blocks; i++)
    if (blocks[i].backing_offset > ram_size
        || blocks[i].size > ram_size - blocks[i].backing_offset)
      {
        g_set_error (error, KBOOT_GUEST_ERROR, KBOOT_GUEST_ERROR_CREATE,
                     "%s: RAM block at 0x%" G_GINT64_MODIFIER "x does not fit "
                     "in a RAM file of 0x%" G_GINT64_MODIFIER "x bytes", path,
                     blocks[i].gpa, ram_size);
        return FALSE;
      }
  if (ram_size == 0 || ram_size > (guint64) G_MAXSIZE || ram_size > G_MAXINT64)
    {
      g_set_error (error, KBOOT_GUEST_ERROR, KBOOT_GUEST_ERROR_CREATE,
                   "%s: RAM size 0x%" G_GINT64_MODIFIER "x is not usable", path,
                   ram_size);
      return FALSE;
    }
  return TRUE;
}

/* Create f->path; once it exists, discard removes it. */
static int
kboot_guest_file_open_named (KbootGuestFile *f)
{
  /* O_EXCL: never write into (or later delete) a file we did not make. */
  int fd = open (f->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);

  f->created = fd >= 0;
  return fd;
}

/* A file with no name in f->path's directory, f->path itself left alone
 * (it must not exist).  A filesystem without O_TMPFILE gets f->path,
 * unlinked at once, before anything is in it. */
static int
kboot_guest_file_open_unnamed (KbootGuestFile *f)
{
  g_autofree char *dir = g_path_get_dirname (f->path);
  struct stat st;
  int fd;

  if (lstat (f->path, &st) == 0)
    {
      errno = EEXIST;
      return -1;
    }
  if (errno != ENOENT)
    return -1;
  fd = open (dir, O_RDWR | O_TMPFILE | O_CLOEXEC, 0600);
  if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR))
    return fd;
  fd = kboot_guest_file_open_named (f);
  if (fd >= 0 && unlink (f->path) == 0)
    f->created = FALSE;
  return fd;
}

/* Create, size and map the file. */
static gboolean
kboot_guest_file_open (KbootGuestFile *f, GError **error)
{
  int saved;

  f->fd = f->unnamed ? kboot_guest_file_open_unnamed (f)
                     : kboot_guest_file_open_named (f);
  if (f->fd < 0)
    {
      saved = errno;
      g_set_error (error, KBOOT_GUEST_ERROR, KBOOT_GUEST_ERROR_CREATE,
                   "%s: cannot create the guest RAM file: %s", f->path,
                   g_strerror (saved));
      return FALSE;
    }
  if (ftruncate (f->fd, (off_t) f->size) < 0)
    {
      saved = errno;
      g_set_error (error, KBOOT_GUEST_ERROR, KBOOT_GUEST_ERROR_CREATE,
                   "%s: cannot size the guest RAM file to %" G_GUINT64_FORMAT
                   " bytes: %s", f->path, f->size, g_strerror (saved));
      return FALSE;
    }
  f->base = mmap (NULL, (size_t) f->size, PROT_READ | PROT_WRITE, MAP_SHARED,
                  f->fd, 0);
  if (f->base == MAP_FAILED)
    {
      saved = errno;
      f->base = NULL;
      g_set_error (error, KBOOT_GUEST_ERROR, KBOOT_GUEST_ERROR_MAP,
                   "%s: cannot map the guest RAM file: %s", f->path,
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static KbootGuest *
kboot_guest_file_new (const char *path, gboolean unnamed, guint64 ram_size,
                      const KbootGuestRamBlock *blocks, guint n_blocks,
                      GError **error)
{
  g_autoptr(KbootGuest) guest = NULL;
  KbootGuestFile *f;

  if (!kboot_guest_file_check_size (path, ram_size, blocks, n_blocks, error))
    return NULL;
  guest = kboot_guest_new (sizeof (KbootGuestFile), &kboot_guest_file_ops,
                           KBOOT_GUEST_FILE_WINDOW, blocks, n_blocks);
  f = (KbootGuestFile *) guest;
  f->path = g_strdup (path);
  f->unnamed = unnamed;
  f->size = ram_size;
  f->fd = -1;
  /* On failure the autoptr discards: what was created is removed. */
  if (!kboot_guest_file_open (f, error))
    return NULL;
  return g_steal_pointer (&guest);
}

KbootGuest *
kboot_guest_file_create (const char *path, guint64 ram_size,
                         const KbootGuestRamBlock *blocks, guint n_blocks,
                         GError **error)
{
  return kboot_guest_file_new (path, FALSE, ram_size, blocks, n_blocks, error);
}

KbootGuest *
kboot_guest_file_create_unnamed (const char *path, guint64 ram_size,
                                 const KbootGuestRamBlock *blocks,
                                 guint n_blocks, GError **error)
{
  return kboot_guest_file_new (path, TRUE, ram_size, blocks, n_blocks, error);
}

int
kboot_guest_file_fd (const KbootGuest *guest)
{
  if (guest->ops != &kboot_guest_file_ops)
    return -1;
  return ((const KbootGuestFile *) guest)->fd;
}
