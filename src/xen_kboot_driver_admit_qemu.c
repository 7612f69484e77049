/* The admission of the device-model path (see xen_kboot_driver.h): the
 * files QEMU opens, then QEMU's own rules on them (kboot_image_qemu.c). */
#include "config.h"

#include "kboot_image_file.h"
#include "kboot_image_qemu.h"
#include "xen_kboot_driver.h"

/* QEMU maps the initrd whole (g_mapped_file_new): a regular file it can
 * read, of any size, 0 bytes included. */
static gboolean
initrd_size (const char *path, guint64 *size, GError **error)
{
  g_autoptr(KbootFile) file = NULL;
  GError *local = NULL;

  file = kboot_file_open (path, "initrd", &local);
  if (file)
    *size = file->size;
  else if (g_error_matches (local, KBOOT_FILE_ERROR, KBOOT_FILE_ERROR_EMPTY))
    {
      g_clear_error (&local);
      *size = 0;
    }
  else
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  return TRUE;
}

/* QEMU's RAM below 4 GiB on @kind's map; 0 (unchecked) without one. */
static guint64
below_4g (const XenKbootDomainDef *def, KbootPlatformKind kind)
{
  g_autoptr(KbootPlatform) platform = xen_kboot_platform_for (def, kind, NULL);

  return platform ? platform->lowmem_end : 0;
}

static XenKbootBootStep
qemu_step (const GError *error)
{
  switch ((KbootQemuKernelError) error->code)
    {
    case KBOOT_QEMU_KERNEL_ERROR_VGA:
      return XEN_KBOOT_BOOT_STEP_CMDLINE;
    case KBOOT_QEMU_KERNEL_ERROR_INITRD_PROTOCOL:
    case KBOOT_QEMU_KERNEL_ERROR_INITRD_TOO_LARGE:
      return XEN_KBOOT_BOOT_STEP_INITRD;
    case KBOOT_QEMU_KERNEL_ERROR_SETUP_PAST_END:
      break;
    }
  return XEN_KBOOT_BOOT_STEP_KERNEL;
}

gboolean
xen_kboot_boot_admit_qemu (const XenKbootDomainDef *def, KbootPlatformKind kind,
                           GPtrArray *problems)
{
  g_autoptr(KbootKernel) kernel = NULL;
  KbootQemuKernelRequest req = { 0 };
  const guint8 *head;
  gsize len = 0;
  GError *error = NULL;

  /* Relative to QEMU's working directory, not ours: QEMU's to find. */
  if (!def->os.kernel || !g_path_is_absolute (def->os.kernel))
    return TRUE;
  kernel = kboot_kernel_open (def->os.kernel, &error);
  if (!kernel)
    return xen_kboot_boot_problem_add (problems, XEN_KBOOT_BOOT_STEP_KERNEL, error);
  head = g_bytes_get_data (kernel->head, &len);
  len = MIN (len, KBOOT_QEMU_HEADER_SIZE);

  req.kernel = def->os.kernel;
  req.kernel_size = kernel->file->size;
  req.cmdline = def->os.cmdline;
  req.below_4g = below_4g (def, kind);
  /* A multiboot kernel's -initrd is a list of modules, each with its own
   * arguments: its loader reads it. */
  if (def->os.initrd && g_path_is_absolute (def->os.initrd)
      && kboot_qemu_kernel_kind (head, len) != KBOOT_QEMU_KERNEL_MULTIBOOT)
    {
      req.initrd = def->os.initrd;
      if (!initrd_size (def->os.initrd, &req.initrd_size, &error))
        return xen_kboot_boot_problem_add (problems, XEN_KBOOT_BOOT_STEP_INITRD, error);
    }
  if (!kboot_qemu_kernel_check (head, len, &req, &error))
    return xen_kboot_boot_problem_add (problems, qemu_step (error), error);
  return TRUE;
}
