/* The I/O edge of the kernel cache (see kboot_image_cache.h): the
 * directory, an entry's lookup and check, its atomic insert, and the
 * sweep that evicts and removes stale temporary files.  Every operation
 * is relative to the directory's descriptor, opened once, so the
 * directory checked is the directory used. */
/* O_NOATIME is Linux's (fcntl.h declares it under _GNU_SOURCE). */
#define _GNU_SOURCE 1
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "kboot_image_cache.h"
#include "kboot_image_payload.h"

G_DEFINE_QUARK (kboot-cache-error-quark, kboot_cache_error)

/* A temporary file untouched for this long is a crashed writer's: a live
 * one writes at least every few seconds. */
#define KBOOT_CACHE_TEMP_STALE_US  (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)

struct _KbootKernelCache {
  char *dir;
  int dirfd;
  guint64 max_bytes;
  uid_t uid;
};

void
kboot_cache_report_clear (KbootCacheReport *report)
{
  if (!report)
    return;
  g_clear_pointer (&report->detail, g_free);
  memset (report, 0, sizeof *report);
}

static void
report_add (KbootCacheReport *report, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
report_add (KbootCacheReport *report, const char *format, ...)
{
  va_list ap;
  g_autofree char *line = NULL;

  va_start (ap, format);
  line = g_strdup_vprintf (format, ap);
  va_end (ap);
  if (report->detail)
    {
      char *both = g_strconcat (report->detail, "; ", line, NULL);

      g_free (report->detail);
      report->detail = both;
    }
  else
    report->detail = g_steal_pointer (&line);
}

/* The owner and mode rules shared by the directory and its entries:
 * only the caller may have written what the cache hands out. */
static gboolean
check_owner_mode (const struct stat *st, uid_t uid, const char *path,
                  const char *what, KbootCacheError code, GError **error)
{
  if (st->st_uid != uid)
    {
      g_set_error (error, KBOOT_CACHE_ERROR, code,
                   "%s: the %s is owned by uid %u, not by uid %u that uses it: "
                   "another user could change the kernels it holds (remove it, "
                   "or give it to uid %u)", path, what, (guint) st->st_uid,
                   (guint) uid, (guint) uid);
      return FALSE;
    }
  if (st->st_mode & (S_IWGRP | S_IWOTH))
    {
      g_set_error (error, KBOOT_CACHE_ERROR, code,
                   "%s: the %s is writable by group or others (mode 0%03o): "
                   "they could change the kernels it holds (chmod go-w it)",
                   path, what, (guint) (st->st_mode & 07777));
      return FALSE;
    }
  return TRUE;
}

static int
open_directory (const char *dir, GError **error)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  int saved = errno;
  struct stat st;

  if (fd >= 0)
    return fd;
  if ((saved == ELOOP || saved == ENOTDIR) && lstat (dir, &st) == 0)
    {
      g_set_error (error, KBOOT_CACHE_ERROR, KBOOT_CACHE_ERROR_UNSAFE_DIRECTORY,
                   S_ISLNK (st.st_mode)
                   ? "%s: the kernel cache directory is a symbolic link: it must "
                     "be a directory itself (give the directory the link points to)"
                   : "%s: the kernel cache directory is not a directory", dir);
      return -1;
    }
  errno = saved;
  return -1;
}

KbootKernelCache *
kboot_kernel_cache_open (const char *dir, guint64 max_bytes, GError **error)
{
  g_autoptr(KbootKernelCache) cache = g_new0 (KbootKernelCache, 1);
  GError *local = NULL;
  struct stat st;

  cache->dir = g_strdup (dir);
  cache->max_bytes = max_bytes;
  cache->uid = geteuid ();
  cache->dirfd = open_directory (dir, &local);
  if (cache->dirfd < 0 && !local && errno == ENOENT)
    {
      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          int saved = errno;

          g_set_error (error, KBOOT_CACHE_ERROR, KBOOT_CACHE_ERROR_DIRECTORY,
                       "%s: cannot create the kernel cache directory: %s",
                       dir, g_strerror (saved));
          return NULL;
        }
      cache->dirfd = open_directory (dir, &local);
    }
  if (local)
    {
      g_propagate_error (error, local);
      return NULL;
    }
  if (cache->dirfd < 0)
    {
      int saved = errno;

      g_set_error (error, KBOOT_CACHE_ERROR, KBOOT_CACHE_ERROR_DIRECTORY,
                   "%s: cannot open the kernel cache directory: %s",
                   dir, g_strerror (saved));
      return NULL;
    }
  if (fstat (cache->dirfd, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, KBOOT_CACHE_ERROR, KBOOT_CACHE_ERROR_DIRECTORY,
                   "%s: cannot stat the kernel cache directory: %s",
                   dir, g_strerror (saved));
      return NULL;
    }
  if (!check_owner_mode (&st, cache->uid, dir, "kernel cache directory",
                         KBOOT_CACHE_ERROR_UNSAFE_DIRECTORY, error))
    return NULL;
  return g_steal_pointer (&cache);
}

void
kboot_kernel_cache_free (KbootKernelCache *cache)
{
  if (!cache)
    return;
  if (cache->dirfd >= 0)
    close (cache->dirfd);
  g_free (cache->dir);
  g_free (cache);
}

const char *
kboot_kernel_cache_dir (const KbootKernelCache *cache)
{
  return cache->dir;
}

/* ---- I/O helpers ---------------------------------------------------------- */

/* Read up to @len bytes at @offset; the count (less only at end of file),
 * or -1 with errno. */
static gssize
read_at (int fd, guint8 *buf, gsize len, guint64 offset)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t r = pread (fd, buf + done, len - done, (off_t) (offset + done));

      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return -1;
      if (r == 0)
        break;
      done += (gsize) r;
    }
  return (gssize) done;
}

static gboolean
write_all (int fd, const guint8 *buf, gsize len)
{
  while (len > 0)
    {
      ssize_t r = write (fd, buf, len);

      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        {
          if (r == 0)
            errno = EIO;
          return FALSE;
        }
      buf += r;
      len -= (gsize) r;
    }
  return TRUE;
}

/* Record a use of the entry open at @fd: its atime, from the real-time
 * clock (finer than the kernel's file timestamps), is what the eviction
 * orders by. */
static int
mark_used (int fd)
{
  struct timespec times[2];

  clock_gettime (CLOCK_REALTIME, &times[0]);
  times[1].tv_sec = 0;
  times[1].tv_nsec = UTIME_OMIT;
  return futimens (fd, times);
}

static gint64
stat_ns (const struct timespec *ts)
{
  return (gint64) ts->tv_sec * G_GINT64_CONSTANT (1000000000) + ts->tv_nsec;
}

/* ---- lookup --------------------------------------------------------------- */

/* Remove the invalid entry open at @fd, unless a writer has already
 * renamed a fresh one over its name. */
static void
remove_entry (KbootKernelCache *cache, int fd, const char *name,
              const char *path, KbootCacheReport *report)
{
  struct stat mine, now;

  if (fstat (fd, &mine) != 0 || fstatat (cache->dirfd, name, &now, AT_SYMLINK_NOFOLLOW) != 0
      || mine.st_dev != now.st_dev || mine.st_ino != now.st_ino)
    return;
  if (unlinkat (cache->dirfd, name, 0) != 0)
    {
      int saved = errno;

      report_add (report, "%s: cannot remove the invalid cached kernel: %s",
                  path, g_strerror (saved));
    }
}

/* Look up @name (the entry of @key): TRUE and *@bytes when valid; TRUE
 * and *@fault when invalid (then removed); TRUE and neither when absent;
 * FALSE when the entry is unsafe or unreadable. */
static gboolean
entry_load (KbootKernelCache *cache, const char *name, const char *key,
            const char *path, GBytes **bytes, KbootCacheFault *fault,
            KbootCacheReport *report, GError **error)
{
  int fd;
  struct stat st;
  guint8 hdr[KBOOT_CACHE_HEADER_SIZE];
  KbootCacheHeader header;
  g_autofree guint8 *data = NULL;
  gssize got;
  int saved;

  *bytes = NULL;
  *fault = KBOOT_CACHE_FAULT_NONE;
  /* O_NOATIME: reading an entry to check it is not a use the mount may
   * record; only mark_used is.  Refused (EPERM) on another user's file,
   * which the owner check below then refuses with a message. */
  fd = openat (cache->dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY
               | O_NONBLOCK | O_NOATIME);
  if (fd < 0 && errno == EPERM)
    fd = openat (cache->dirfd, name,
                 O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0 && errno == ENOENT)
    return TRUE;
  if (fd < 0 && errno == ELOOP)
    {
      g_set_error (error, KBOOT_CACHE_ERROR, KBOOT_CACHE_ERROR_UNSAFE_ENTRY,
                   "%s: the cached kernel is a symbolic link: the cache writes "
                   "only regular files, so something else put it there (remove it)",
                   path);
      return FALSE;
    }
  if (fd < 0)
    {
      saved = errno;
      g_set_error (error, KBOOT_CACHE_ERROR, KBOOT_CACHE_ERROR_READ,
                   "%s: cannot open the cached kernel: %s", path, g_strerror (saved));
      return FALSE;
    }
  if (fstat (fd, &st) != 0)
    {
      saved = errno;
      g_set_error (error, KBOOT_CACHE_ERROR, KBOOT_CACHE_ERROR_READ,
                   "%s: cannot stat the cached kernel: %s", path, g_strerror (saved));
      goto fail;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, KBOOT_CACHE_ERROR, KBOOT_CACHE_ERROR_UNSAFE_ENTRY,
                   "%s: the cached kernel is not a regular file: the cache writes "
                   "only regular files, so something else put it there (remove it)",
                   path);
      goto fail;
    }
  if (!check_owner_mode (&st, cache->uid, path, "cached kernel",
                         KBOOT_CACHE_ERROR_UNSAFE_ENTRY, error))
    goto fail;

  got = read_at (fd, hdr, sizeof hdr, 0);
  if (got < 0)
    goto read_failed;
  *fault = kboot_cache_header_parse (hdr, (gsize) got, key, (guint64) st.st_size,
                                     KBOOT_PAYLOAD_SIZE_MAX, &header);
  if (*fault == KBOOT_CACHE_FAULT_NONE)
    {
      /* header.size <= KBOOT_PAYLOAD_SIZE_MAX: the allocation is bounded. */
      data = g_try_malloc (MAX (header.size, 1));
      if (!data)
        {
          g_set_error (error, KBOOT_CACHE_ERROR, KBOOT_CACHE_ERROR_READ,
                       "%s: cannot allocate %" G_GUINT64_FORMAT " bytes to read "
                       "the cached kernel", path, header.size);
          goto fail;
        }
      got = read_at (fd, data, (gsize) header.size, KBOOT_CACHE_HEADER_SIZE);
      if (got < 0)
        goto read_failed;
      *fault = kboot_cache_payload_check (&header, data, (gsize) got);
    }
  if (*fault != KBOOT_CACHE_FAULT_NONE)
    {
      remove_entry (cache, fd, name, path, report);
      close (fd);
      return TRUE;
    }
  /* Best effort: a hit not recorded only makes the eviction less fair. */
  (void) mark_used (fd);
  close (fd);
  *bytes = g_bytes_new_take (g_steal_pointer (&data), (gsize) header.size);
  return TRUE;

read_failed:
  saved = errno;
  g_set_error (error, KBOOT_CACHE_ERROR, KBOOT_CACHE_ERROR_READ,
               "%s: cannot read the cached kernel: %s", path, g_strerror (saved));
fail:
  close (fd);
  return FALSE;
}

/* ---- insert --------------------------------------------------------------- */

/* Write @data as the entry @name of @key: a temporary file, synced, then
 * renamed over the name.  FALSE with the reason in @report. */
static gboolean
entry_store (KbootKernelCache *cache, const char *name, const char *key,
             const char *path, GBytes *data, KbootCacheReport *report)
{
  gsize len = 0;
  const guint8 *bytes = g_bytes_get_data (data, &len);
  guint8 hdr[KBOOT_CACHE_HEADER_SIZE];
  guint8 digest[KBOOT_CACHE_DIGEST_LEN];
  /* The pid keeps forked writers apart even when they share GLib's
   * random state; O_EXCL catches the rest. */
  g_autofree char *temp = g_strdup_printf (KBOOT_CACHE_TEMP_PREFIX "%s-%ld-%08x",
                                           key, (long) getpid (), g_random_int ());
  const char *step;
  int fd, saved;

  kboot_cache_digest (bytes, len, digest);
  kboot_cache_header_encode (hdr, key, len, digest);

  fd = openat (cache->dirfd, temp,
               O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      saved = errno;
      report_add (report, "%s: the kernel was not stored in the cache: cannot "
                  "create a temporary file in %s: %s", path, cache->dir,
                  g_strerror (saved));
      return FALSE;
    }
  step = "write";
  if (!write_all (fd, hdr, sizeof hdr) || !write_all (fd, bytes, len))
    goto fail;
  step = "set the time of";
  if (mark_used (fd) != 0)
    goto fail;
  step = "sync";
  if (fsync (fd) != 0)
    goto fail;
  step = "close";
  if (close (fd) != 0)
    {
      fd = -1;
      goto fail;
    }
  fd = -1;
  step = "rename";
  if (renameat (cache->dirfd, temp, cache->dirfd, name) != 0)
    goto fail;
  /* The rename itself is durable once the directory is synced; an entry
   * lost to a crash is only a miss, so a failure here is not one. */
  (void) fsync (cache->dirfd);
  return TRUE;

fail:
  saved = errno;
  if (fd >= 0)
    close (fd);
  (void) unlinkat (cache->dirfd, temp, 0);
  report_add (report, "%s: the kernel was not stored in the cache: cannot %s "
              "%s/%s: %s", path, step, cache->dir, temp, g_strerror (saved));
  return FALSE;
}

/* ---- sweep ---------------------------------------------------------------- */

/* Remove crashed writers' temporary files and evict least recently used
 * entries until the total is under the bound, keeping @keep. */
static void
sweep (KbootKernelCache *cache, const char *keep, KbootCacheReport *report)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (KbootCacheEntryStat));
  g_autoptr(GArray) evict = NULL;
  gint64 now_us = g_get_real_time ();
  struct dirent *de;
  DIR *d;
  /* A description of our own: readdir's offset must not be dirfd's. */
  int fd = openat (cache->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0 || !(d = fdopendir (fd)))
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      report_add (report, "%s: cannot list the kernel cache to evict from it: %s",
                  cache->dir, g_strerror (saved));
      return;
    }
  while ((de = readdir (d)))
    {
      KbootCacheNameKind kind = kboot_cache_name_kind (de->d_name);
      struct stat st;

      if (kind == KBOOT_CACHE_NAME_OTHER)
        continue;
      /* Only our own regular files: anything else is not the cache's to
       * remove (a lookup refuses it, naming it). */
      if (fstatat (cache->dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0
          || !S_ISREG (st.st_mode) || st.st_uid != cache->uid)
        continue;
      if (kind == KBOOT_CACHE_NAME_TEMP)
        {
          if (now_us - stat_ns (&st.st_mtim) / 1000 > KBOOT_CACHE_TEMP_STALE_US
              && unlinkat (cache->dirfd, de->d_name, 0) == 0)
            report->temp_removed++;
          continue;
        }
      g_ptr_array_add (names, g_strdup (de->d_name));
      g_array_append_val (entries, ((KbootCacheEntryStat) {
        .name = names->pdata[names->len - 1],
        .size = (guint64) st.st_size,
        .atime_ns = stat_ns (&st.st_atim),
      }));
    }
  closedir (d);

  evict = kboot_cache_select_evictions ((const KbootCacheEntryStat *) (void *) entries->data,
                                        entries->len, cache->max_bytes, keep);
  for (guint k = 0; k < evict->len; k++)
    {
      const KbootCacheEntryStat *e = &g_array_index (entries, KbootCacheEntryStat,
                                                     g_array_index (evict, guint, k));

      /* ENOENT: another user evicted it first. */
      if (unlinkat (cache->dirfd, e->name, 0) == 0)
        report->evicted++;
      else if (errno != ENOENT)
        {
          int saved = errno;

          report_add (report, "%s/%s: cannot evict the cached kernel: %s",
                      cache->dir, e->name, g_strerror (saved));
        }
    }
}

/* ---- the lookup ----------------------------------------------------------- */

GBytes *
kboot_kernel_cache_get (KbootKernelCache *cache, const guint8 *bzimage, gsize len,
                        KbootCacheBuildFunc build, gpointer user_data,
                        KbootCacheReport *report, GError **error)
{
  KbootCacheReport scratch = { 0 };
  KbootCacheReport *r = report ? report : &scratch;
  g_autofree char *key = kboot_cache_key (bzimage, len);
  g_autofree char *name = kboot_cache_entry_name (key);
  g_autofree char *path = g_build_filename (cache->dir, name, NULL);
  g_autoptr(GBytes) bytes = NULL;
  KbootCacheFault fault;

  memset (r, 0, sizeof *r);
  if (!entry_load (cache, name, key, path, &bytes, &fault, r, error))
    goto out;
  if (bytes)
    {
      r->outcome = KBOOT_CACHE_HIT;
      goto out;
    }
  r->fault = fault;
  r->outcome = fault == KBOOT_CACHE_FAULT_NONE ? KBOOT_CACHE_MISS : KBOOT_CACHE_REBUILT;
  if (fault != KBOOT_CACHE_FAULT_NONE)
    report_add (r, "%s: the cached kernel was %s: removed, and rebuilt",
                path, kboot_cache_fault_to_string (fault));

  bytes = build (user_data, error);
  if (!bytes)
    goto out;
  if (g_bytes_get_size (bytes) > KBOOT_PAYLOAD_SIZE_MAX)
    report_add (r, "%s: the kernel was not stored in the cache: %" G_GSIZE_FORMAT
                " bytes is more than any payload decompresses to", path,
                g_bytes_get_size (bytes));
  else if ((r->stored = entry_store (cache, name, key, path, bytes, r)))
    sweep (cache, name, r);

out:
  if (!report)
    kboot_cache_report_clear (&scratch);
  return g_steal_pointer (&bytes);
}
