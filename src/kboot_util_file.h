/* Reading kernel and initrd files safely: open once, refuse what is not a
 * regular file, read bounded ranges, and notice when the file changed. */
#ifndef KBOOT_UTIL_FILE_H
#define KBOOT_UTIL_FILE_H

#include <sys/types.h>
#include <time.h>

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  KBOOT_FILE_ERROR_OPEN,         /* missing, permission, ... (errno text) */
  KBOOT_FILE_ERROR_NOT_REGULAR,  /* directory, FIFO, device, socket */
  KBOOT_FILE_ERROR_EMPTY,        /* zero bytes */
  KBOOT_FILE_ERROR_READ,         /* I/O error or short read */
  KBOOT_FILE_ERROR_CHANGED,      /* size, identity or bytes differ from before */
} KbootFileError;

#define KBOOT_FILE_ERROR (kboot_file_error_quark ())
GQuark kboot_file_error_quark (void);

typedef struct {
  char *path;
  int fd;
  guint64 size;                  /* st_size when opened */
  dev_t dev;
  ino_t ino;
  struct timespec mtime;
  guint64 bytes_read;            /* every byte read through this handle */
} KbootFile;

/* What a file of @mode is, for "PATH: ROLE is a socket, not a regular
 * file": "a directory", "a FIFO", "a character device", "a block device",
 * "a socket", else "not a regular file". */
const char *kboot_file_type_name (mode_t mode);

/* Open @path (O_RDONLY|O_CLOEXEC|O_NOCTTY, non-blocking so a FIFO cannot
 * hang us) and refuse anything but a non-empty regular file.  @what names
 * the file's role in messages ("kernel", "initrd"). */
KbootFile *kboot_file_open (const char *path, const char *what, GError **error);
void kboot_file_free (KbootFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbootFile, kboot_file_free)

/* Read up to @len bytes at @offset; *@got tells how many (less only at EOF). */
gboolean kboot_file_read_at (KbootFile *file, guint64 offset, void *buf,
                             gsize len, gsize *got, GError **error);
/* Read exactly @len bytes at @offset, or fail naming the file. */
gboolean kboot_file_read_exact_at (KbootFile *file, guint64 offset, void *buf,
                                   gsize len, GError **error);
/* Fail with KBOOT_FILE_ERROR_CHANGED if the file's size, inode or mtime are
 * no longer those seen at open. */
gboolean kboot_file_check_unchanged (KbootFile *file, GError **error);

G_END_DECLS

#endif /* KBOOT_UTIL_FILE_H */
