/* preview's guest RAM: room for it (see xen_kboot_driver_ram.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include "xen_kboot_driver.h"
#include "xen_kboot_driver_ram.h"

#define KBOOT_MEMINFO "/proc/meminfo"

gboolean
xen_kboot_ram_check_room (const char *file, guint64 ram_size,
                          const KbootRamRoom *room, GError **error)
{
  /* Rounded up: a guest one byte over 255 MiB needs 256. */
  guint64 need_mib = ram_size / KBOOT_MIB + (ram_size % KBOOT_MIB != 0);

  if (ram_size > room->fs_free)
    {
      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_MEMORY,
                   "%s: the guest needs %" G_GUINT64_FORMAT " MiB of RAM, but "
                   "the filesystem of %s has %" G_GUINT64_FORMAT " MiB free: "
                   "lower <memory>, or use --memory-file on a larger filesystem",
                   file, need_mib, room->fs_dir, room->fs_free / KBOOT_MIB);
      return FALSE;
    }
  if (ram_size > room->host_available)
    {
      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_MEMORY,
                   "%s: the guest needs %" G_GUINT64_FORMAT " MiB of RAM, but "
                   "the host has %" G_GUINT64_FORMAT " MiB available "
                   "(MemAvailable in " KBOOT_MEMINFO "): lower <memory>, or "
                   "free memory on the host", file, need_mib,
                   room->host_available / KBOOT_MIB);
      return FALSE;
    }
  return TRUE;
}

gboolean
xen_kboot_ram_parse_meminfo (const char *text, guint64 *available)
{
  static const char key[] = "MemAvailable:";
  const char *line = text;
  guint64 kib;
  char *end;

  /* "MemAvailable:   17413120 kB" (fs/proc/meminfo.c), at a line start. */
  while (line && strncmp (line, key, sizeof key - 1) != 0)
    {
      line = strchr (line, '\n');
      if (line)
        line++;
    }
  if (!line)
    return FALSE;
  line += sizeof key - 1;
  while (*line == ' ')
    line++;
  if (!g_ascii_isdigit (*line))
    return FALSE;
  errno = 0;
  kib = g_ascii_strtoull (line, &end, 10);
  if (errno || !g_str_has_prefix (end, " kB")
      || !g_uint64_checked_mul (available, kib, 1024))
    return FALSE;
  return TRUE;
}

gboolean
xen_kboot_ram_measure (const char *fs_dir, KbootRamRoom *room, GError **error)
{
  g_autofree char *meminfo = NULL;
  struct statvfs vfs;

  if (statvfs (fs_dir, &vfs) < 0)
    {
      int saved = errno;

      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_MEMORY,
                   "%s: cannot tell how much room there is for the guest RAM "
                   "file: %s", fs_dir, g_strerror (saved));
      return FALSE;
    }
  room->fs_dir = fs_dir;
  if (!g_uint64_checked_mul (&room->fs_free, vfs.f_bavail, vfs.f_frsize))
    room->fs_free = G_MAXUINT64;
  /* Without /proc (or MemAvailable), the filesystem's limit is all we know. */
  if (!g_file_get_contents (KBOOT_MEMINFO, &meminfo, NULL, NULL)
      || !xen_kboot_ram_parse_meminfo (meminfo, &room->host_available))
    room->host_available = G_MAXUINT64;
  return TRUE;
}
