/* preview's guest RAM: whether the host can back it, decided before the
 * RAM file exists.  The guest's pages live in a file on a filesystem
 * (tmpfs by default) and in the host's memory: a guest larger than either
 * is refused with the numbers, rather than found out by a SIGBUS in QEMU
 * when the guest touches a page that cannot be backed. */
#ifndef XEN_KBOOT_DRIVER_RAM_H
#define XEN_KBOOT_DRIVER_RAM_H

#include <glib.h>

G_BEGIN_DECLS

/* What the host has for a guest's RAM. */
typedef struct {
  const char *fs_dir;          /* the RAM file's directory */
  guint64 fs_free;             /* bytes free there for us (statvfs f_bavail) */
  guint64 host_available;      /* MemAvailable, bytes; G_MAXUINT64: unknown */
} KbootRamRoom;

/* TRUE when @ram_size bytes of guest RAM fit both in @room's filesystem
 * and in the host's available memory; else FALSE with an error
 * (XEN_KBOOT_DRIVER_ERROR_MEMORY) naming @file, what the guest needs and
 * what the first that falls short has, in MiB (needed rounded up, free
 * rounded down).  Pure. */
gboolean xen_kboot_ram_check_room (const char *file, guint64 ram_size,
                                   const KbootRamRoom *room, GError **error);

/* MemAvailable from the text of /proc/meminfo, in bytes; FALSE when the
 * line is missing (kernels before 3.14) or not a number of kB.  Pure. */
gboolean xen_kboot_ram_parse_meminfo (const char *text, guint64 *available);

/* Measure @room for a RAM file in @fs_dir: statvfs, and /proc/meminfo
 * (host_available G_MAXUINT64 when it says nothing).  FALSE when @fs_dir
 * cannot be measured. */
gboolean xen_kboot_ram_measure (const char *fs_dir, KbootRamRoom *room,
                                GError **error);

G_END_DECLS

#endif /* XEN_KBOOT_DRIVER_RAM_H */
