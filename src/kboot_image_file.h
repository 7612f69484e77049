/* The I/O edge of the image probe: open a kernel file, read the bounded
 * bytes the probe needs, and keep the descriptor so the loader later reads
 * the very bytes that were validated. */
#ifndef KBOOT_IMAGE_FILE_H
#define KBOOT_IMAGE_FILE_H

#include "kboot_util_file.h"
#include "kboot_image.h"

G_BEGIN_DECLS

typedef struct {
  KbootFile *file;
  KbootImage *image;   /* facts and verdict */
  GBytes *head;        /* the bytes the verdict was made from */
} KbootKernel;

/* Open and probe @path.  Fails only when the file cannot be read (missing,
 * not regular, empty, I/O error); an image that is not bootable is returned
 * with its problems listed in kernel->image->problems. */
KbootKernel *kboot_kernel_open (const char *path, GError **error);
/* Open, probe and insist on a bootable image (the error lists every rule
 * broken, with the path). */
KbootKernel *kboot_kernel_open_bootable (const char *path, GError **error);
/* Before loading: fail if the file changed since it was probed (size,
 * identity, mtime, or the header bytes). */
gboolean kboot_kernel_check_unchanged (KbootKernel *kernel, GError **error);
void kboot_kernel_free (KbootKernel *kernel);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbootKernel, kboot_kernel_free)

G_END_DECLS

#endif /* KBOOT_IMAGE_FILE_H */
