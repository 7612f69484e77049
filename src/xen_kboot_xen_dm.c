/* xen-kboot-dm's load (see xen_kboot_xen_dm.h).
 *
 * The steps, each before the next:
 *   1. the kernel, initrd and command line by the direct-boot rules, and
 *      our firmware ELF: all that can refuse without Xen
 *   2. the hvm_info_table: the RAM Xen built, which gives the memory map
 *      (the device model is not told the domain's XML)
 *   3. hvm_start_info (vCPU 0's EBX), its modules (SeaBIOS) and memory
 *      map, checked against that map; our firmware must leave them alone;
 *      vCPU 0's whole state, to change only its entry later
 *   4. the plan around them, the load, our firmware over hvmloader's start
 *   5. vCPU 0 enters our firmware: only its RIP changes, the rest is the
 *      flat 32-bit state libxenguest's vcpu_hvm() gave hvmloader, EBX
 *      still the start_info (our firmware ignores it). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <xenctrl.h>
#include <xen/hvm/save.h>

#include "kboot_layout_xen.h"
#include "kboot_loader_guest_xen.h"
#include "kboot_util_runtime.h"
#include "xen_kboot_conf_native.h"
#include "xen_kboot_driver.h"
#include "xen_kboot_xen.h"
#include "xen_kboot_xen_dm.h"
#include "xen_kboot_xen_layout.h"

#define DM_FIRMWARE_WHAT "xen-kboot's firmware (in place of hvmloader)"

/* The low RAM that holds the hvm_info_table, for reading it before the
 * memory map is known: pfns 0 to 0x9f are always populated. */
static const KbootGuestRamBlock dm_low_ram = { 0, 0xa0000, 0 };

void
xen_kboot_dm_report_clear (XenKbootDmReport *report)
{
  g_clear_pointer (&report->plan_table, g_free);
}

static gboolean
xen_kboot_dm_check_absolute (const char *option, const char *path, GError **error)
{
  if (!path || g_path_is_absolute (path))
    return TRUE;
  g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_NOT_FOUND,
               "%s '%s' is a relative path: give the absolute path", option, path);
  return FALSE;
}

/* 1. The files by the rules every direct boot takes (xen_kboot_boot_admit
 * without a domain XML: no <memory> to plan on yet). */
static XenKbootBoot *
xen_kboot_dm_admit (const XenKbootDmRequest *request, GError **error)
{
  g_autoptr(XenKbootBoot) boot = g_new0 (XenKbootBoot, 1);
  g_autoptr(GPtrArray) problems = xen_kboot_boot_problems_new ();
  const XenKbootAdmitOptions options = { KBOOT_PLATFORM_XEN_HVM, FALSE, NULL, NULL,
                                         request->fast };
  XenKbootDomainDef def;

  /* libvirt's schema wants absolute paths and libxl passes them on; a
   * relative one would be looked for in libxl's working directory. */
  if (!xen_kboot_dm_check_absolute ("-kernel", request->kernel, error)
      || !xen_kboot_dm_check_absolute ("-initrd", request->initrd, error))
    return NULL;
  memset (&def, 0, sizeof def);
  /* What a refusal that names no file is said after: the kernel it is
   * about (the command line's length). */
  def.file = (char *) request->kernel;
  def.os.type = XEN_KBOOT_OS_TYPE_HVM;
  def.os.kernel = (char *) request->kernel;
  def.os.initrd = (char *) request->initrd;
  def.os.cmdline = (char *) request->cmdline;
  if (xen_kboot_boot_admit (boot, &def, &options, problems))
    return g_steal_pointer (&boot);
  g_propagate_error (error, xen_kboot_boot_problem_to_error (
                              &def, g_ptr_array_index (problems, 0)));
  return NULL;
}

/* 2. The memory map of the RAM Xen built, checked to describe exactly
 * that RAM (the hvm_info_table is read once, here). */
static KbootPlatform *
xen_kboot_dm_platform (guint32 domid, KbootXenHvmInfo *info, GError **error)
{
  g_autoptr(KbootGuest) low = kboot_guest_xen_open (domid, &dm_low_ram, 1, error);
  g_autoptr(KbootPlatform) platform = NULL;
  KbootPlatformParams params;

  if (!low || !xen_kboot_xen_read_hvm_info (low, info, error)
      || !kboot_xen_platform_params (info, &params, error))
    return NULL;
  platform = kboot_platform_new (KBOOT_PLATFORM_XEN_HVM, &params, error);
  if (!platform || !kboot_xen_hvm_info_check (info, platform, error))
    return NULL;
  return g_steal_pointer (&platform);
}

/* The record of @typecode and @instance in the HVM context @ctx, or NULL. */
static const guint8 *
xen_kboot_dm_find_record (const guint8 *ctx, gsize len, guint16 typecode,
                          guint16 instance, guint32 *length)
{
  gsize off = 0;

  while (len - off >= sizeof (struct hvm_save_descriptor))
    {
      struct hvm_save_descriptor d;

      memcpy (&d, ctx + off, sizeof d);
      off += sizeof d;
      if (d.length > len - off)
        return NULL;
      if (d.typecode == typecode && d.instance == instance)
        {
          *length = d.length;
          return ctx + off;
        }
      if (d.typecode == HVM_SAVE_CODE (END))
        return NULL;
      off += d.length;
    }
  return NULL;
}

static gboolean
xen_kboot_dm_xc_error (GError **error, const char *call)
{
  int saved = errno;

  g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_XEN,
               "%s failed: %s", call, g_strerror (saved));
  return FALSE;
}

/* What vCPU 0 is set to, as vcpu_hvm() in xg_dom_x86.c sets it: the
 * header (only a full context has it), vCPU 0's CPU record, the end. */
typedef struct {
  struct hvm_save_descriptor header_d;
  HVM_SAVE_TYPE (HEADER) header;
  struct hvm_save_descriptor cpu_d;
  HVM_SAVE_TYPE (CPU) cpu;
  struct hvm_save_descriptor end_d;
  HVM_SAVE_TYPE (END) end;
} XenKbootDmVcpu;

/* 3. vCPU 0 as the builder left it, read before anything is written: a
 * domain that cannot be redirected is not loaded either. */
static gboolean
xen_kboot_dm_read_vcpu (XenKbootXen *x, guint32 domid, XenKbootDmVcpu *ctx,
                        GError **error)
{
  g_autofree guint8 *full = NULL;
  const guint8 *header, *cpu;
  guint32 header_len = 0, cpu_len = 0;
  int size;

  size = xc_domain_hvm_getcontext (x->xch, domid, NULL, 0);
  if (size <= 0)
    return xen_kboot_dm_xc_error (error, "reading the size of the domain's HVM "
                                  "context (xc_domain_hvm_getcontext)");
  full = g_malloc0 ((gsize) size);
  size = xc_domain_hvm_getcontext (x->xch, domid, full, (uint32_t) size);
  if (size <= 0)
    return xen_kboot_dm_xc_error (error, "reading the domain's HVM context "
                                  "(xc_domain_hvm_getcontext)");
  header = xen_kboot_dm_find_record (full, (gsize) size, HVM_SAVE_CODE (HEADER), 0,
                                     &header_len);
  cpu = xen_kboot_dm_find_record (full, (gsize) size, HVM_SAVE_CODE (CPU), 0,
                                  &cpu_len);
  if (!header || header_len != sizeof ctx->header || !cpu || cpu_len != sizeof ctx->cpu)
    {
      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_XEN,
                   "the domain's HVM context (%d bytes) has no header or no "
                   "vCPU 0 record of this Xen's size", size);
      return FALSE;
    }
  memset (ctx, 0, sizeof *ctx);
  ctx->header_d = (struct hvm_save_descriptor) { HVM_SAVE_CODE (HEADER), 0, header_len };
  memcpy (&ctx->header, header, header_len);
  ctx->cpu_d = (struct hvm_save_descriptor) { HVM_SAVE_CODE (CPU), 0, cpu_len };
  memcpy (&ctx->cpu, cpu, cpu_len);
  ctx->end_d = (struct hvm_save_descriptor) { HVM_SAVE_CODE (END), 0, 0 };
  /* Our firmware expects what hvmloader gets: protected mode, paging off.
   * Anything else means the vCPU is not the one the builder just set. */
  if ((ctx->cpu.cr0 & 0x80000001) != 0x1)
    {
      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_XEN,
                   "vCPU 0 is not at a firmware entry (CR0 0x%" G_GINT64_MODIFIER
                   "x, RIP 0x%" G_GINT64_MODIFIER "x): has the domain run?",
                   (guint64) ctx->cpu.cr0, (guint64) ctx->cpu.rip);
      return FALSE;
    }
  return TRUE;
}

/* 5. vCPU 0 starts at @entry; nothing else of it changes. */
static gboolean
xen_kboot_dm_enter_firmware (XenKbootXen *x, guint32 domid, XenKbootDmVcpu *ctx,
                             guint32 entry, GError **error)
{
  ctx->cpu.rip = entry;
  if (xc_domain_hvm_setcontext (x->xch, domid, (uint8_t *) ctx, sizeof *ctx) != 0)
    return xen_kboot_dm_xc_error (error, "setting vCPU 0's entry "
                                  "(xc_domain_hvm_setcontext)");
  return TRUE;
}

gboolean
xen_kboot_dm_load (const XenKbootDmRequest *request, XenKbootDmReport *report,
                   GError **error)
{
  g_autoptr(XenKbootBoot) boot = NULL;
  g_autoptr(XenKbootXen) x = NULL;
  g_autoptr(KbootGuest) guest = NULL;
  g_autoptr(GArray) blocks = NULL, reserved = NULL;
  g_autoptr(GBytes) image = NULL;
  g_autofree char *firmware = NULL;
  KbootFirmwareElf elf;
  KbootLoadAddresses at;
  KbootXenHvmInfo info;
  XenKbootDmVcpu vcpu;
  volatile gint *cancel;
  gboolean ok = FALSE;

  memset (report, 0, sizeof *report);
  boot = xen_kboot_dm_admit (request, error);
  if (!boot)
    return FALSE;
  firmware = request->firmware ? g_strdup (request->firmware)
                               : kboot_runtime_find_firmware (XEN_KBOOT_FIRMWARE_NAME,
                                                              error);
  if (!firmware || !(image = kboot_firmware_elf_load (firmware, &elf, error)))
    return FALSE;
  x = xen_kboot_xen_open (error);
  if (!x)
    return FALSE;

  cancel = kboot_runtime_catch_signals ();
  boot->platform = xen_kboot_dm_platform (request->domid, &info, error);
  if (!boot->platform)
    goto out;
  /* The guest's ACPI tables list the vCPUs Xen built, unless the domain
   * has acpi=0 (hvmloader would build none either). */
  if (!request->no_acpi && !xen_kboot_xen_take_vcpus (boot, &info, FALSE, error))
    goto out;
  blocks = kboot_xen_populated_blocks (boot->platform);
  guest = kboot_guest_xen_open (request->domid,
                                &g_array_index (blocks, KbootGuestRamBlock, 0),
                                blocks->len, error);
  if (!guest)
    goto out;
  guest->cancel = cancel;
  reserved = xen_kboot_xen_read_layout (x, request->domid, guest, boot->platform,
                                        &elf, DM_FIRMWARE_WHAT, error);
  if (!reserved || !kboot_xen_reserved_check_disjoint (reserved, error)
      || !xen_kboot_dm_read_vcpu (x, request->domid, &vcpu, error)
      || !xen_kboot_boot_replan (boot,
                                 &g_array_index (reserved, KbootReservedRange, 0),
                                 reserved->len, error))
    goto out;

  xen_kboot_boot_addresses (boot, &at);
  if (!kboot_loader_load (guest, boot->kernel, boot->initrd, boot->cmdline, &at,
                          &report->stats, error)
      || !kboot_loader_load_firmware (guest, image, &elf, &report->stats, error)
      || !kboot_guest_commit (guest, error))
    goto out;
  if (g_atomic_int_get (cancel))
    goto out;                   /* said below */
  if (at.acpi && !xen_kboot_xen_set_acpi_ports (x, request->domid, error))
    goto out;
  if (!xen_kboot_dm_enter_firmware (x, request->domid, &vcpu, elf.entry, error))
    goto out;

  report->ram_size = boot->platform->ram_size;
  /* Where the kernel runs from: the fast path's kernel proper is not at
   * the bzImage's load address. */
  report->kernel_addr = boot->vmlinux ? boot->plan->kernel_decompress
                                      : boot->plan->kernel_addr;
  report->initrd_addr = boot->initrd ? boot->plan->initrd_addr : 0;
  report->entry = elf.entry;
  report->acpi_vcpus = at.acpi ? boot->nr_vcpus : 0;
  report->plan_table = kboot_plan_to_table (boot->plan);
  ok = TRUE;

out:
  if (!ok && kboot_runtime_caught_signal ())
    {
      g_autoptr(GError) cause = g_steal_pointer (error);

      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_INTERRUPTED,
                   "interrupted by signal %d (%s) during the load (%s)",
                   kboot_runtime_caught_signal (),
                   g_strsignal (kboot_runtime_caught_signal ()),
                   cause ? cause->message : "stopped");
    }
  kboot_runtime_restore_signals ();
  return ok;
}
