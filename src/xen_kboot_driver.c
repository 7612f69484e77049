/* The driver: validate, plan, load, run (see xen_kboot_driver.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kboot_firmware_elf.h"
#include "kboot_qemu.h"
#include "kboot_runtime.h"
#include "kboot_xen_layout.h"
#include "xen_kboot_driver.h"
#include "xen_kboot_native.h"

G_DEFINE_QUARK (xen-kboot-driver-error-quark, xen_kboot_driver_error)

void
xen_kboot_boot_free (XenKbootBoot *boot)
{
  if (!boot)
    return;
  g_clear_pointer (&boot->kernel, kboot_kernel_free);
  g_clear_pointer (&boot->initrd, kboot_file_free);
  g_clear_pointer (&boot->platform, kboot_platform_free);
  g_clear_pointer (&boot->plan, kboot_plan_free);
  g_free (boot->cmdline);
  g_free (boot);
}

/* The video RAM libxl takes out of <memory> for an HVM guest with
 * qemu-xen (libxl_create.c, libxl__domain_build_info_setdefault: cirrus is
 * the default card, 8 MiB; stdvga 16 MiB; qxl 128 MiB; none 0).  libvirt's
 * libxl driver maps <video> vga and xen to stdvga. */
static guint64
xen_kboot_video_memkb (const XenKbootDomainDef *def)
{
  if (def->video_vram_kib)
    return def->video_vram_kib;
  switch (def->video)
    {
    case XEN_KBOOT_VIDEO_NONE:
      return 0;
    case XEN_KBOOT_VIDEO_VGA:
    case XEN_KBOOT_VIDEO_XEN:
      return 16 * 1024;
    case XEN_KBOOT_VIDEO_QXL:
      return 128 * 1024;
    case XEN_KBOOT_VIDEO_CIRRUS:
    case XEN_KBOOT_VIDEO_DEFAULT:
    case XEN_KBOOT_VIDEO_LAST:
      break;
    }
  return 8 * 1024;
}

KbootPlatform *
xen_kboot_platform_for (const XenKbootDomainDef *def, KbootPlatformKind kind,
                        GError **error)
{
  KbootPlatformParams params = { 0 };

  switch (kind)
    {
    case KBOOT_PLATFORM_XEN_HVM:
      if (!kboot_platform_xen_mem (def->memory_kib, xen_kboot_video_memkb (def),
                                   &params.ram_size, error))
        {
          g_prefix_error (error, "%s: ", def->file);
          return NULL;
        }
      break;
    case KBOOT_PLATFORM_QEMU_PC:
    case KBOOT_PLATFORM_LAST:
      /* The preview gives the guest all of <memory>: QEMU's VGA memory is
       * not taken from it. */
      if (!g_uint64_checked_mul (&params.ram_size, def->memory_kib, 1024))
        {
          g_set_error (error, KBOOT_PLATFORM_ERROR, KBOOT_PLATFORM_ERROR_MEMORY,
                       "%s: memory of %" G_GUINT64_FORMAT " KiB is too large",
                       def->file, def->memory_kib);
          return NULL;
        }
      break;
    }
  return kboot_platform_new (kind, &params, error);
}

/* What Xen will have put in guest memory before the loader runs, as
 * xen_kboot_boot_prepare() describes it. */
static gboolean
xen_kboot_xen_model_reserved (const KbootPlatform *platform, const char *firmware,
                              KbootFirmwareElf *elf, KbootReservedRange *out,
                              GError **error)
{
  g_autofree char *path = NULL;

  path = firmware ? g_strdup (firmware)
                  : kboot_runtime_find_firmware (XEN_KBOOT_FIRMWARE_NAME, error);
  if (!path || !kboot_firmware_elf_read (path, elf, error))
    return FALSE;
  return kboot_xen_model_reserved (elf, KBOOT_XEN_BIOS_MODULE_SIZE_DEFAULT,
                                   platform, out, error);
}

XenKbootBoot *
xen_kboot_boot_prepare (const XenKbootDomainDef *def, KbootPlatformKind kind,
                        const char *firmware, KbootFirmwareElf *elf,
                        GError **error)
{
  g_autoptr(XenKbootBoot) boot = g_new0 (XenKbootBoot, 1);
  KbootFirmwareElf local_elf;
  KbootReservedRange predicted;
  guint n_reserved = 0;

  boot->platform = xen_kboot_platform_for (def, kind, error);
  if (!boot->platform)
    return NULL;
  if (kind == KBOOT_PLATFORM_XEN_HVM)
    {
      if (!xen_kboot_xen_model_reserved (boot->platform, firmware,
                                         elf ? elf : &local_elf, &predicted, error))
        return NULL;
      n_reserved = 1;
    }
  if (!def->os.kernel)
    {
      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_NO_KERNEL,
                   "%s: the domain has no <kernel> in <os>: nothing to boot "
                   "directly", def->file);
      return NULL;
    }
  if (def->os.type != XEN_KBOOT_OS_TYPE_HVM)
    {
      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_NOT_HVM,
                   "%s: <os><type> is %s: xen-kboot's loader boots HVM guests "
                   "(PV and PVH kernels are loaded by libxl itself)", def->file,
                   xen_kboot_os_type_to_string (def->os.type));
      return NULL;
    }
  boot->kernel = kboot_kernel_open_bootable (def->os.kernel, error);
  if (!boot->kernel
      || !xen_kboot_domain_def_check_kernel (def, boot->kernel->image, error))
    return NULL;
  if (def->os.initrd)
    {
      boot->initrd = kboot_file_open (def->os.initrd, "initrd", error);
      if (!boot->initrd)
        return NULL;
    }
  boot->cmdline = g_strdup (def->os.cmdline ? def->os.cmdline : "");

  if (!xen_kboot_boot_replan (boot, &predicted, n_reserved, error))
    {
      g_prefix_error (error, "%s: ", def->file);
      return NULL;
    }
  return g_steal_pointer (&boot);
}

gboolean
xen_kboot_boot_replan (XenKbootBoot *boot, const KbootReservedRange *reserved,
                       guint n_reserved, GError **error)
{
  KbootLayoutRequest req = { 0 };
  KbootPlan *plan = NULL;

  req.image = boot->kernel->image;
  req.platform = boot->platform;
  req.initrd_size = boot->initrd ? boot->initrd->size : 0;
  req.cmdline_len = strlen (boot->cmdline);
  req.reserved = reserved;
  req.n_reserved = n_reserved;
  if (!kboot_layout_plan (&req, &plan, error))
    return FALSE;
  g_clear_pointer (&boot->plan, kboot_plan_free);
  boot->plan = plan;
  return TRUE;
}

void
xen_kboot_boot_addresses (const XenKbootBoot *boot, KbootLoadAddresses *at)
{
  const KbootPlan *plan = boot->plan;

  memset (at, 0, sizeof *at);
  at->kernel_addr = plan->kernel_addr;
  at->initrd_addr = plan->initrd_addr;
  at->cmdline_addr = plan->cmdline_addr;
  at->boot_params_addr = plan->boot_params_addr;
  at->handoff_addr = plan->handoff_addr;
  at->e820 = kboot_plan_get_e820 (plan, &at->n_e820);
}

gboolean
xen_kboot_check_fit (const XenKbootDomainDef *def, GPtrArray *problems)
{
  g_autoptr(XenKbootBoot) boot = NULL;
  GError *error = NULL;

  boot = xen_kboot_boot_prepare (def, KBOOT_PLATFORM_XEN_HVM, NULL, NULL, &error);
  if (!boot)
    {
      g_ptr_array_add (problems, error);
      return FALSE;
    }
  return TRUE;
}

/* ---- preview --------------------------------------------------------- */

static char *
xen_kboot_preview_ram_path (const XenKbootDomainDef *def)
{
  g_autofree char *dir = kboot_runtime_ram_dir ();
  g_autofree char *name = NULL;

  /* Unique, and created with O_EXCL: a stale file is never reused (a RAM
   * file from an earlier boot holds that boot's decompressed kernel). */
  name = g_strdup_printf ("xen-kboot-%s-%d-%08x.ram", def->name ? def->name : "domain",
                          (int) getpid (), g_random_int ());
  for (char *p = name; *p; p++)
    if (*p == '/')
      *p = '_';
  return g_build_filename (dir, name, NULL);
}

gboolean
xen_kboot_preview (const XenKbootDomainDef *def,
                   const XenKbootPreviewOptions *options, GError **error)
{
  g_autoptr(XenKbootBoot) boot = NULL;
  g_autoptr(KbootGuest) guest = NULL;
  g_autoptr(GArray) blocks = NULL;
  g_autofree char *firmware = NULL, *ram_path = NULL;
  KbootLoadAddresses at;
  KbootLoadStats stats = { 0 };
  KbootQemuConfig qemu = { 0 };
  KbootQemuOutcome outcome;
  volatile gint *cancel;
  gboolean ok = FALSE;
  int status = 0;

  /* Everything that can refuse does so before any file exists. */
  boot = xen_kboot_boot_prepare (def, KBOOT_PLATFORM_QEMU_PC, NULL, NULL, error);
  if (!boot)
    return FALSE;
  firmware = options->firmware ? g_strdup (options->firmware)
                               : kboot_runtime_find_firmware ("xen-kboot-fw.bin", error);
  if (!firmware)
    return FALSE;
  if (options->verbose)
    {
      g_autofree char *table = kboot_plan_to_table (boot->plan);
      fprintf (stderr, "%s", table);
    }

  cancel = kboot_runtime_catch_signals ();
  ram_path = options->memory_file ? g_strdup (options->memory_file)
                                  : xen_kboot_preview_ram_path (def);
  blocks = kboot_platform_ram_blocks (boot->platform);
  guest = kboot_guest_file_create (ram_path, boot->platform->ram_size,
                                   &g_array_index (blocks, KbootGuestRamBlock, 0),
                                   blocks->len, error);
  if (!guest)
    goto out;
  guest->cancel = cancel;
  xen_kboot_boot_addresses (boot, &at);
  if (!kboot_loader_load (guest, boot->kernel, boot->initrd, boot->cmdline, &at,
                          &stats, error)
      || !kboot_guest_commit (guest, error))
    goto out;

  qemu.qemu = options->qemu ? options->qemu : QEMU_SYSTEM_X86_64;
  qemu.firmware = firmware;
  qemu.ram_file = ram_path;
  qemu.ram_size = boot->platform->ram_size;
  qemu.debugcon = options->debugcon;
  if (options->verbose)
    {
      g_auto(GStrv) argv = kboot_qemu_argv (&qemu);
      g_autofree char *line = g_strjoinv (" ", argv);
      fprintf (stderr, "xen-kboot: loaded %" G_GUINT64_FORMAT " bytes in %u "
               "maps; running: %s\n", stats.total_bytes, stats.maps, line);
    }
  if (!kboot_qemu_run (&qemu, options->timeout_s, cancel, &outcome, &status, error))
    goto out;

  switch (outcome)
    {
    case KBOOT_QEMU_OUTCOME_EXITED:
      if (status == 0)
        ok = TRUE;
      else
        g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_QEMU,
                     "%s exited with status %d (its own message is above)",
                     qemu.qemu, status);
      break;
    case KBOOT_QEMU_OUTCOME_TIMEOUT:
      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_TIMEOUT,
                   "%s: the guest was still running after %u seconds: stopped "
                   "it (the kernel may have hung or panicked without "
                   "panic=-1, or its init never powered off)", def->file,
                   options->timeout_s);
      break;
    case KBOOT_QEMU_OUTCOME_INTERRUPTED:
      break;
    }

out:
  if (kboot_runtime_caught_signal () && !ok)
    {
      g_clear_error (error);
      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_INTERRUPTED,
                   "interrupted by signal %d (%s): stopped the guest and removed "
                   "its RAM file", kboot_runtime_caught_signal (),
                   g_strsignal (kboot_runtime_caught_signal ()));
    }
  /* The RAM file goes in every case: after QEMU, or on any failure. */
  if (guest)
    {
      kboot_guest_discard (guest);
      unlink (ram_path);
    }
  kboot_runtime_restore_signals ();
  return ok;
}
