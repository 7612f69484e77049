/* The driver: validate, plan, load, run (see xen_kboot_driver.h). */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kboot_layout_firmware.h"
#include "xen_kboot_driver_qemu.h"
#include "xen_kboot_driver_ram.h"
#include "kboot_util_runtime.h"
#include "kboot_layout_xen.h"
#include "xen_kboot_driver.h"
#include "kboot_loader_acpi_hw.h"
#include "xen_kboot_conf_native.h"

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
  g_clear_pointer (&boot->vmlinux, kboot_vmlinux_free);
  g_clear_pointer (&boot->vmlinux_bytes, g_bytes_unref);
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

  if (!def->has_memory)
    {
      g_set_error (error, KBOOT_PLATFORM_ERROR, KBOOT_PLATFORM_ERROR_MEMORY,
                   "%s: no usable <memory>: the guest's memory is not known",
                   def->file);
      return NULL;
    }
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

/* What Xen will have put in guest memory before the loader runs: the
 * firmware ELF @firmware (NULL: the installed one), a SeaBIOS module and
 * the start_info, as libxenguest places them.  The one statement of the
 * firmware reservation: every plan on xen-hvm leaves room for it. */
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

/* ---- the admission --------------------------------------------------- */

void
xen_kboot_boot_problem_free (XenKbootBootProblem *problem)
{
  if (!problem)
    return;
  g_clear_error (&problem->error);
  g_free (problem);
}

GPtrArray *
xen_kboot_boot_problems_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) xen_kboot_boot_problem_free);
}

gboolean
xen_kboot_boot_problem_add (GPtrArray *problems, XenKbootBootStep step,
                            GError *error)
{
  XenKbootBootProblem *problem = g_new0 (XenKbootBootProblem, 1);

  problem->step = step;
  problem->error = error;
  g_ptr_array_add (problems, problem);
  return FALSE;
}

/* The admission's own steps say it shorter. */
static void
refuse (GPtrArray *problems, XenKbootBootStep step, GError *error)
{
  xen_kboot_boot_problem_add (problems, step, error);
}

/* Only an HVM domain with a <kernel> is booted by the loader. */
static gboolean
admit_domain (const XenKbootDomainDef *def, GPtrArray *problems)
{
  if (!def->os.kernel)
    refuse (problems, XEN_KBOOT_BOOT_STEP_DOMAIN,
            g_error_new (XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_NO_KERNEL,
                         "%s: the domain has no <kernel> in <os>: nothing to "
                         "boot directly", def->file));
  else if (def->os.type != XEN_KBOOT_OS_TYPE_HVM)
    refuse (problems, XEN_KBOOT_BOOT_STEP_DOMAIN,
            g_error_new (XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_NOT_HVM,
                         "%s: <os><type> is %s: xen-kboot's loader boots HVM "
                         "guests (PV and PVH kernels are loaded by libxl "
                         "itself)", def->file,
                         xen_kboot_os_type_to_string (def->os.type)));
  else
    {
      /* What a direct boot cannot give (UEFI, PCI passthrough). */
      g_autoptr(GPtrArray) rules = xen_kboot_conf_problems_new ();

      if (xen_kboot_domain_def_check_mode (def, XEN_KBOOT_BOOT_MODE_DIRECT, rules))
        return TRUE;
      for (guint i = 0; i < rules->len; i++)
        refuse (problems, XEN_KBOOT_BOOT_STEP_DOMAIN,
                g_error_copy (g_ptr_array_index (rules, i)));
    }
  return FALSE;
}

/* Whether to open the file @path names.  Checking the files alone
 * (validate and domxml-to-native, whose rules already report a relative
 * path at its line), a relative one is left alone rather than looked for
 * in the current directory.  A plan is only asked of a domain whose paths
 * the rules, or the hook, found absolute. */
static gboolean
admit_opens (const XenKbootAdmitOptions *options, const char *path)
{
  return path && (options->plan || g_path_is_absolute (path));
}

/* HVM: every boot-protocol rule, then the rules that tie the kernel to the
 * domain.  PV and PVH kernels are loaded by libxenguest, not by our
 * loader: only that the file is there to read. */
static void
admit_kernel (XenKbootBoot *boot, const XenKbootDomainDef *def,
              GPtrArray *problems)
{
  GError *error = NULL;

  if (def->os.type != XEN_KBOOT_OS_TYPE_HVM)
    {
      g_autoptr(KbootFile) file = kboot_file_open (def->os.kernel, "kernel", &error);

      if (!file)
        refuse (problems, XEN_KBOOT_BOOT_STEP_KERNEL, error);
      return;
    }
  boot->kernel = kboot_kernel_open_bootable (def->os.kernel, &error);
  if (!boot->kernel)
    refuse (problems, XEN_KBOOT_BOOT_STEP_KERNEL, error);
  else if (!xen_kboot_domain_def_check_kernel (def, boot->kernel->image, &error))
    refuse (problems, XEN_KBOOT_BOOT_STEP_KERNEL_DOMAIN, error);
}

static void
admit_initrd (XenKbootBoot *boot, const XenKbootDomainDef *def,
              GPtrArray *problems)
{
  GError *error = NULL;

  boot->initrd = kboot_file_open (def->os.initrd, "initrd", &error);
  if (!boot->initrd)
    refuse (problems, XEN_KBOOT_BOOT_STEP_INITRD, error);
}

/* The planner's own first check, asked before any memory map exists. */
static void
admit_cmdline (XenKbootBoot *boot, GPtrArray *problems)
{
  GError *error = NULL;

  if (!kboot_layout_check_cmdline (boot->kernel->image, strlen (boot->cmdline),
                                   &error))
    refuse (problems, XEN_KBOOT_BOOT_STEP_CMDLINE, error);
}

/* The plan @boot is loaded by: the guest's memory map, on xen-hvm what
 * Xen loads first, then kernel, initrd and boot data around it. */
static gboolean
admit_plan (XenKbootBoot *boot, const XenKbootDomainDef *def,
            const XenKbootAdmitOptions *options, GPtrArray *problems)
{
  KbootFirmwareElf local_elf;
  KbootReservedRange predicted;
  guint n_reserved = 0;
  GError *error = NULL;

  boot->platform = xen_kboot_platform_for (def, options->platform, &error);
  if (!boot->platform)
    {
      refuse (problems, XEN_KBOOT_BOOT_STEP_MEMORY, error);
      return FALSE;
    }
  /* hvmloader builds ACPI tables only with acpi=1 (libvirt: <acpi/>). */
  if (!xen_kboot_boot_set_vcpus (boot, def->acpi ? def->max_vcpus : 0, NULL,
                                 def->vcpus, &error))
    {
      refuse (problems, XEN_KBOOT_BOOT_STEP_PLAN, error);
      return FALSE;
    }
  if (options->platform == KBOOT_PLATFORM_XEN_HVM)
    {
      if (!xen_kboot_xen_model_reserved (boot->platform, options->firmware,
                                         options->elf ? options->elf : &local_elf,
                                         &predicted, &error))
        {
          refuse (problems, XEN_KBOOT_BOOT_STEP_FIRMWARE, error);
          return FALSE;
        }
      n_reserved = 1;
    }
  if (!xen_kboot_boot_replan (boot, &predicted, n_reserved, &error))
    {
      refuse (problems, XEN_KBOOT_BOOT_STEP_PLAN, error);
      return FALSE;
    }
  if (boot->vmlinux)
    {
      KbootLoadAddresses at;
      guint32 entry;

      xen_kboot_boot_addresses (boot, &at);
      if (!kboot_loader_fast_entry (&at, boot->kernel->file->path, &entry, &error))
        {
          refuse (problems, XEN_KBOOT_BOOT_STEP_PLAN, error);
          return FALSE;
        }
    }
  return TRUE;
}

/* The fast path: the kernel proper, before the plan that makes room for
 * its entry. */
static gboolean
admit_fast (XenKbootBoot *boot, const XenKbootAdmitOptions *options,
            GPtrArray *problems)
{
  GError *error = NULL;

  if (xen_kboot_fast_kernel (boot->kernel, options->fast, &boot->vmlinux_bytes,
                             &boot->vmlinux, &error))
    return TRUE;
  refuse (problems, XEN_KBOOT_BOOT_STEP_KERNEL, error);
  return FALSE;
}

gboolean
xen_kboot_boot_admit (XenKbootBoot *boot, const XenKbootDomainDef *def,
                      const XenKbootAdmitOptions *options, GPtrArray *problems)
{
  guint before = problems->len;

  if (options->plan && !admit_domain (def, problems))
    return FALSE;
  boot->cmdline = g_strdup (def->os.cmdline ? def->os.cmdline : "");
  /* The files, each one even when another was refused: validate names
   * every problem in one run. */
  if (admit_opens (options, def->os.kernel))
    admit_kernel (boot, def, problems);
  if (admit_opens (options, def->os.initrd))
    admit_initrd (boot, def, problems);
  if (boot->kernel)
    admit_cmdline (boot, problems);
  if (problems->len > before)
    return FALSE;
  if (options->fast && !admit_fast (boot, options, problems))
    return FALSE;
  if (!options->plan)
    return TRUE;
  return admit_plan (boot, def, options, problems);
}

GError *
xen_kboot_boot_problem_to_error (const XenKbootDomainDef *def,
                                 const XenKbootBootProblem *problem)
{
  GError *error = g_error_copy (problem->error);

  switch (problem->step)
    {
    case XEN_KBOOT_BOOT_STEP_CMDLINE:
    case XEN_KBOOT_BOOT_STEP_PLAN:
      g_prefix_error (&error, "%s: ", def->file);
      break;
    case XEN_KBOOT_BOOT_STEP_DOMAIN:
    case XEN_KBOOT_BOOT_STEP_KERNEL:
    case XEN_KBOOT_BOOT_STEP_KERNEL_DOMAIN:
    case XEN_KBOOT_BOOT_STEP_INITRD:
    case XEN_KBOOT_BOOT_STEP_MEMORY:
    case XEN_KBOOT_BOOT_STEP_FIRMWARE:
    case XEN_KBOOT_BOOT_STEP_LAST:
      break;
    }
  return error;
}

XenKbootBoot *
xen_kboot_boot_prepare (const XenKbootDomainDef *def, KbootPlatformKind kind,
                        const char *firmware, KbootFirmwareElf *elf,
                        const XenKbootFastOptions *fast, GError **error)
{
  g_autoptr(XenKbootBoot) boot = g_new0 (XenKbootBoot, 1);
  g_autoptr(GPtrArray) problems = xen_kboot_boot_problems_new ();
  const XenKbootAdmitOptions options = { kind, TRUE, firmware, elf, fast };

  if (xen_kboot_boot_admit (boot, def, &options, problems))
    return g_steal_pointer (&boot);
  g_propagate_error (error, xen_kboot_boot_problem_to_error (
                              def, g_ptr_array_index (problems, 0)));
  return NULL;
}

/* A refusal worded at the element it is about, as the rules word theirs. */
static GError *
problem_at_element (const XenKbootBoot *boot, const XenKbootDomainDef *def,
                    const XenKbootBootProblem *problem)
{
  const char *message = problem->error->message;

  switch (problem->step)
    {
    case XEN_KBOOT_BOOT_STEP_KERNEL:
      return xen_kboot_conf_problem_new (XEN_KBOOT_CONF_ERROR_KERNEL, def,
                                         def->os.kernel_loc.line, "kernel",
                                         "%s", message);
    case XEN_KBOOT_BOOT_STEP_INITRD:
      return xen_kboot_conf_problem_new (XEN_KBOOT_CONF_ERROR_INITRD, def,
                                         def->os.initrd_loc.line, "initrd",
                                         "%s", message);
    case XEN_KBOOT_BOOT_STEP_CMDLINE:
      return xen_kboot_conf_problem_new (XEN_KBOOT_CONF_ERROR_CMDLINE_TOO_LONG,
                                         def, def->os.cmdline_loc.line,
                                         "cmdline", "the command line is %"
                                         G_GSIZE_FORMAT " bytes, longer than "
                                         "the %u bytes kernel %s accepts "
                                         "(cmdline_size)", strlen (boot->cmdline),
                                         boot->kernel->image->hdr.cmdline_size,
                                         def->os.kernel);
    case XEN_KBOOT_BOOT_STEP_DOMAIN:
    case XEN_KBOOT_BOOT_STEP_KERNEL_DOMAIN:  /* worded at <kernel> already */
    case XEN_KBOOT_BOOT_STEP_MEMORY:
    case XEN_KBOOT_BOOT_STEP_FIRMWARE:
    case XEN_KBOOT_BOOT_STEP_PLAN:
    case XEN_KBOOT_BOOT_STEP_LAST:
      break;
    }
  return xen_kboot_boot_problem_to_error (def, problem);
}

gboolean
xen_kboot_boot_check (const XenKbootDomainDef *def, gboolean plan,
                      GPtrArray *problems)
{
  g_autoptr(XenKbootBoot) boot = g_new0 (XenKbootBoot, 1);
  g_autoptr(GPtrArray) refusals = xen_kboot_boot_problems_new ();
  const XenKbootAdmitOptions options = { KBOOT_PLATFORM_XEN_HVM, plan, NULL, NULL };
  gboolean admitted = xen_kboot_boot_admit (boot, def, &options, refusals);

  for (guint i = 0; i < refusals->len; i++)
    g_ptr_array_add (problems, problem_at_element (boot, def,
                                                   g_ptr_array_index (refusals, i)));
  return admitted;
}

gboolean
xen_kboot_boot_set_vcpus (XenKbootBoot *boot, guint32 nr_vcpus,
                          const guint8 *online, guint32 nr_online, GError **error)
{
  if (nr_vcpus > KBOOT_ACPI_VCPUS_MAX)
    {
      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_VCPUS,
                   "%u vCPUs: a Xen HVM guest has at most %u (HVM_MAX_VCPUS), "
                   "and the ACPI tables list no more", nr_vcpus,
                   KBOOT_ACPI_VCPUS_MAX);
      return FALSE;
    }
  memset (boot->vcpu_online, 0, sizeof boot->vcpu_online);
  if (online)
    memcpy (boot->vcpu_online, online, (nr_vcpus + 7) / 8);
  else
    for (guint32 i = 0; i < MIN (nr_online, nr_vcpus); i++)
      boot->vcpu_online[i / 8] |= 1u << (i % 8);
  if (nr_vcpus && !(boot->vcpu_online[0] & 1))
    {
      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_VCPUS,
                   "vCPU 0 is offline: it is the one that boots");
      return FALSE;
    }
  boot->nr_vcpus = nr_vcpus;
  return TRUE;
}

/* Fill @boot->acpi, the tables' facts on @boot's platform (its vCPUs, and
 * the PCI window below 4 GiB that follows its RAM: kboot_loader_acpi.h),
 * and return the bytes the plan must hold for them; 0: no tables. */
static guint64
xen_kboot_boot_acpi_size (XenKbootBoot *boot)
{
  const KbootPlatform *platform = boot->platform;
  KbootAcpiConfig *c = &boot->acpi;

  memset (c, 0, sizeof *c);
  if (boot->nr_vcpus == 0)
    return 0;
  c->platform = platform->kind;
  c->nr_vcpus = boot->nr_vcpus;
  c->vcpu_online = boot->vcpu_online;
  if (platform->kind == KBOOT_PLATFORM_XEN_HVM)
    {
      c->pci_mem_start = platform->mmio_start;
      c->pci_mem_end = KBOOT_ACPI_XEN_PCI_MEM_END;
    }
  else
    {
      c->pci_mem_start = platform->lowmem_end;
      c->pci_mem_end = KBOOT_ACPI_QEMU_PCI_MEM_END;
    }
  return kboot_acpi_size (platform->kind, boot->nr_vcpus);
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
  req.acpi_size = xen_kboot_boot_acpi_size (boot);
  req.page_tables = boot->vmlinux && boot->vmlinux->is_64;
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
  if (plan->acpi_size)
    {
      at->acpi = &boot->acpi;
      at->acpi_addr = plan->acpi_addr;
      at->acpi_size = plan->acpi_size;
    }
  if (boot->vmlinux)
    {
      at->vmlinux = boot->vmlinux;
      at->vmlinux_bytes = boot->vmlinux_bytes;
      at->kernel_run = plan->kernel_decompress;
      at->kernel_end = plan->kernel_end;
      at->page_tables_addr = plan->page_tables_addr;
    }
}

/* ---- preview --------------------------------------------------------- */

/* The RAM file has no name (O_TMPFILE): this one is for messages, and
 * for a filesystem without O_TMPFILE, where it exists for as long as it
 * takes to unlink it.  No domain name in it: no length or character of a
 * name matters here. */
static char *
xen_kboot_preview_ram_path (void)
{
  g_autofree char *dir = kboot_runtime_ram_dir ();
  g_autofree char *name = g_strdup_printf ("xen-kboot-%d-%08x.ram",
                                           (int) getpid (), g_random_int ());

  return g_build_filename (dir, name, NULL);
}

/* Refuse a guest whose RAM the host cannot back, before the file exists. */
static gboolean
xen_kboot_preview_check_room (const XenKbootDomainDef *def, const char *ram_path,
                              guint64 ram_size, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (ram_path);
  KbootRamRoom room;

  return xen_kboot_ram_measure (dir, &room, error)
         && xen_kboot_ram_check_room (def->file, ram_size, &room, error);
}

/* What QEMU's end means for preview: TRUE when the guest powered off or
 * rebooted, which of them said on stderr; TRUE too when QEMU exited with 0
 * but its monitor never said why, which is said as well. */
static gboolean
xen_kboot_preview_verdict (const XenKbootDomainDef *def,
                           const XenKbootPreviewOptions *options, const char *qemu,
                           const char *ram_path, const KbootQemuResult *result,
                           GError **error)
{
  g_autofree char *name = kboot_text_printable (def->name ? def->name : def->file);

  switch (result->outcome)
    {
    case KBOOT_QEMU_OUTCOME_EXITED:
      break;
    case KBOOT_QEMU_OUTCOME_TIMEOUT:
      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_TIMEOUT,
                   "%s: the guest was still running after %u seconds: stopped "
                   "it (the kernel may have hung or panicked without "
                   "panic=-1, or its init never powered off)", def->file,
                   options->timeout_s);
      return FALSE;
    case KBOOT_QEMU_OUTCOME_INTERRUPTED:
      return FALSE;
    }
  /* A page of the RAM file that cannot be allocated when the guest first
   * touches it is a SIGBUS in QEMU, which says nothing itself. */
  if (result->exit_status == 128 + SIGBUS)
    {
      g_autofree char *dir = g_path_get_dirname (ram_path);

      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_MEMORY,
                   "%s: %s was killed by SIGBUS: guest RAM could not be backed "
                   "(the filesystem of %s ran out of space, or the host out of "
                   "memory)", def->file, qemu, dir);
      return FALSE;
    }
  if (result->exit_status != 0)
    {
      g_autofree char *after = result->reason
        ? g_strdup_printf (", after a SHUTDOWN event with reason %s", result->reason)
        : g_strdup ("");

      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_QEMU,
                   "%s exited with status %d%s (its own message is above)",
                   qemu, result->exit_status, after);
      return FALSE;
    }
  switch (result->end)
    {
    case KBOOT_QMP_END_POWEROFF:
      fprintf (stderr, "xen-kboot: domain '%s': the guest powered off (QEMU's "
               "SHUTDOWN reason guest-shutdown)\n", name);
      return TRUE;
    case KBOOT_QMP_END_REBOOT:
      /* QEMU has one reason for every reset the guest asks for. */
      fprintf (stderr, "xen-kboot: domain '%s': the guest rebooted (QEMU's "
               "SHUTDOWN reason guest-reset, which a triple fault gives too; "
               "with -no-reboot QEMU ends there)\n", name);
      return TRUE;
    case KBOOT_QMP_END_NONE:
      fprintf (stderr, "xen-kboot: domain '%s': %s exited with status 0 but "
               "sent no SHUTDOWN event on its QMP monitor: whether the guest "
               "powered off or rebooted is not known\n", name, qemu);
      return TRUE;
    case KBOOT_QMP_END_PANIC:
      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_PANIC,
                   "%s: the guest panicked (QEMU's SHUTDOWN reason %s)",
                   def->file, result->reason);
      return FALSE;
    case KBOOT_QMP_END_HOST:
    case KBOOT_QMP_END_OTHER:
    case KBOOT_QMP_END_LAST:
      break;
    }
  g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_QEMU,
               "%s: %s stopped, but not because the guest powered off or "
               "rebooted (its SHUTDOWN reason: %s)", def->file, qemu,
               result->reason ? result->reason : "none");
  return FALSE;
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
  g_auto(KbootQemuResult) result = { 0 };
  volatile gint *cancel;
  gboolean ok = FALSE;

  /* Everything that can refuse does so before any file exists. */
  boot = xen_kboot_boot_prepare (def, KBOOT_PLATFORM_QEMU_PC, NULL, NULL,
                                 options->fast, error);
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

  ram_path = options->memory_file ? g_strdup (options->memory_file)
                                  : xen_kboot_preview_ram_path ();
  if (!xen_kboot_preview_check_room (def, ram_path, boot->platform->ram_size, error))
    return FALSE;

  cancel = kboot_runtime_catch_signals ();
  blocks = kboot_platform_ram_blocks (boot->platform);
  guest = kboot_guest_file_create_unnamed (ram_path, boot->platform->ram_size,
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
  qemu.name = def->name;
  qemu.ram_fd = kboot_guest_file_fd (guest);
  qemu.ram_size = boot->platform->ram_size;
  qemu.debugcon = options->debugcon;
  qemu.vcpus = def->vcpus;
  qemu.max_vcpus = def->max_vcpus;
  qemu.qmp_fd = KBOOT_QEMU_QMP_FD;
  if (options->verbose)
    {
      /* As QEMU will get it: the RAM file at its own descriptor number. */
      KbootQemuConfig shown = qemu;
      g_auto(GStrv) argv = NULL;
      g_autofree char *line = NULL;

      shown.ram_fd = KBOOT_QEMU_RAM_FD;
      argv = kboot_qemu_argv (&shown);
      line = g_strjoinv (" ", argv);
      fprintf (stderr, "xen-kboot: loaded %" G_GUINT64_FORMAT " bytes in %u "
               "maps; running: %s\n", stats.total_bytes, stats.maps, line);
    }
  if (!kboot_qemu_run (&qemu, options->timeout_s, cancel, &result, error))
    goto out;

  ok = xen_kboot_preview_verdict (def, options, qemu.qemu, ram_path, &result, error);

out:
  if (kboot_runtime_caught_signal () && !ok)
    {
      g_clear_error (error);
      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_INTERRUPTED,
                   "interrupted by signal %d (%s): stopped the guest and removed "
                   "its RAM file", kboot_runtime_caught_signal (),
                   g_strsignal (kboot_runtime_caught_signal ()));
    }
  /* The RAM file has no name: our descriptor is the last one once QEMU
   * has exited (or died with us), and with it goes the guest's memory. */
  g_clear_pointer (&guest, kboot_guest_free);
  kboot_runtime_restore_signals ();
  return ok;
}
