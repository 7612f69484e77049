/* The I/O edge of the image probe (see kboot_image_file.h). */
#include "config.h"

#include <string.h>

#include "kboot_image_file.h"

KbootKernel *
kboot_kernel_open (const char *path, GError **error)
{
  g_autoptr(KbootKernel) kernel = g_new0 (KbootKernel, 1);
  g_autofree guint8 *head = NULL;
  gsize head_len = 0, magic_len = 0;
  guint64 magic_offset = 0;

  kernel->file = kboot_file_open (path, "kernel", error);
  if (!kernel->file)
    return NULL;

  /* Bounded: at most the largest possible setup, whatever the file size. */
  head = g_malloc (KBOOT_IMAGE_HEAD_MAX);
  if (!kboot_file_read_at (kernel->file, 0, head, KBOOT_IMAGE_HEAD_MAX,
                           &head_len, error))
    return NULL;
  kernel->image = kboot_image_probe (head, head_len, kernel->file->size);
  kernel->head = g_bytes_new_take (g_steal_pointer (&head), head_len);

  if (kboot_image_payload_range (kernel->image, &magic_offset, &magic_len))
    {
      guint8 magic[KBOOT_IMAGE_PAYLOAD_MAGIC_MAX];

      if (!kboot_file_read_exact_at (kernel->file, magic_offset, magic,
                                     magic_len, error))
        return NULL;
      kboot_image_set_payload_magic (kernel->image, magic, magic_len);
    }
  return g_steal_pointer (&kernel);
}

KbootKernel *
kboot_kernel_open_bootable (const char *path, GError **error)
{
  g_autoptr(KbootKernel) kernel = kboot_kernel_open (path, error);

  if (!kernel)
    return NULL;
  if (!kboot_image_check_bootable (kernel->image, path, error))
    return NULL;
  return g_steal_pointer (&kernel);
}

gboolean
kboot_kernel_check_unchanged (KbootKernel *kernel, GError **error)
{
  gsize len = 0;
  g_autofree guint8 *now = NULL;
  const guint8 *then = g_bytes_get_data (kernel->head, &len);

  if (!kboot_file_check_unchanged (kernel->file, error))
    return FALSE;
  /* Same size and mtime can still hide a rewrite (mtime can be set back):
   * compare the header bytes the verdict was made from. */
  now = g_malloc (MAX (len, 1));
  if (!kboot_file_read_exact_at (kernel->file, 0, now, len, error))
    return FALSE;
  if (memcmp (now, then, len) != 0)
    {
      g_set_error (error, KBOOT_FILE_ERROR, KBOOT_FILE_ERROR_CHANGED,
                   "%s: changed since it was validated (its setup header "
                   "differs)", kernel->file->path);
      return FALSE;
    }
  return TRUE;
}

void
kboot_kernel_free (KbootKernel *kernel)
{
  if (!kernel)
    return;
  g_clear_pointer (&kernel->file, kboot_file_free);
  g_clear_pointer (&kernel->image, kboot_image_free);
  g_clear_pointer (&kernel->head, g_bytes_unref);
  g_free (kernel);
}
