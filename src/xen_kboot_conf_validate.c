/* The semantic rules of a domain definition, and those that tie its
 * kernel to it (from the probe's facts; the driver's admission opens the
 * files, xen_kboot_boot_admit). */
#include "config.h"

#include <string.h>

#include "kboot_image_proto.h"
#include "xen_kboot_conf.h"
#include "xen_kboot_conf_native.h"

static void
check_absolute (GPtrArray *problems, const XenKbootDomainDef *def,
                const char *path, int line, const char *element)
{
  if (path && path[0] != '/')
    xen_kboot_conf_problem_add (problems, XEN_KBOOT_CONF_ERROR_RELATIVE_PATH,
                                def, line, element, "path '%s' is relative: "
                                "libvirt and xen-kboot need an absolute path "
                                "(starting with '/')", path);
}

/* virt-manager refuses an initrd or kernel args without a kernel: @what
 * (@value, at <@element>) "is only used with direct kernel boot". */
static void
check_needs_kernel (GPtrArray *problems, const XenKbootDomainDef *def,
                    XenKbootConfError code, const char *value, int line,
                    const char *element, const char *name, const char *what)
{
  if (value)
    xen_kboot_conf_problem_add (problems, code, def, line, element, "%s '%s' "
                                "given without a <kernel>: %s is only used "
                                "with direct kernel boot", name, value, what);
}

static void
check_kernel_options (GPtrArray *problems, const XenKbootDomainDef *def)
{
  if (!def->os.kernel)
    {
      check_needs_kernel (problems, def, XEN_KBOOT_CONF_ERROR_INITRD_WITHOUT_KERNEL,
                          def->os.initrd, def->os.initrd_loc.line, "initrd",
                          "initrd", "an initrd");
      check_needs_kernel (problems, def, XEN_KBOOT_CONF_ERROR_CMDLINE_WITHOUT_KERNEL,
                          def->os.cmdline, def->os.cmdline_loc.line, "cmdline",
                          "kernel command line", "it");
      if (!def->os.initrd && !def->os.cmdline)
        xen_kboot_conf_problem_add (problems, XEN_KBOOT_CONF_ERROR_NO_KERNEL,
                                    def, def->os.loc.line, "os", "no <kernel>: "
                                    "xen-kboot boots a kernel directly; add "
                                    "<kernel>/absolute/path</kernel> to <os>");
    }
  check_absolute (problems, def, def->os.kernel, def->os.kernel_loc.line, "kernel");
  check_absolute (problems, def, def->os.initrd, def->os.initrd_loc.line, "initrd");
  check_absolute (problems, def, def->os.dtb, def->os.dtb_loc.line, "dtb");
  check_absolute (problems, def, def->os.loader, def->os.loader_loc.line, "loader");
  check_absolute (problems, def, def->emulator, def->emulator_loc.line, "emulator");
}

gboolean
xen_kboot_conf_arch_is_x86 (const char *arch)
{
  return !arch || strcmp (arch, "x86_64") == 0 || strcmp (arch, "i686") == 0;
}

static void
check_arch (GPtrArray *problems, const XenKbootDomainDef *def)
{
  gboolean x86 = xen_kboot_conf_arch_is_x86 (def->os.arch);

  if (def->os.dtb && x86)
    xen_kboot_conf_problem_add (problems, XEN_KBOOT_CONF_ERROR_DTB_ON_X86, def,
                                def->os.dtb_loc.line, "dtb", "device tree '%s' "
                                "given for an x86 guest (arch='%s'): a <dtb> is "
                                "for ARM guests only", def->os.dtb,
                                def->os.arch ? def->os.arch : "x86_64");
  if (!x86)
    xen_kboot_conf_problem_add (problems, XEN_KBOOT_CONF_ERROR_INVALID_VALUE, def,
                                def->os.type_loc.line, "type", "arch='%s': xen-kboot "
                                "boots x86 guests only (x86_64 or i686)",
                                def->os.arch);
  if (g_strcmp0 (def->virt_type, "xen") != 0)
    xen_kboot_conf_problem_add (problems, XEN_KBOOT_CONF_ERROR_INVALID_VALUE, def,
                                1, "domain", "type='%s': xen-kboot runs Xen "
                                "domains (<domain type='xen'>)",
                                def->virt_type ? def->virt_type : "");
}

static void
check_memory (GPtrArray *problems, const XenKbootDomainDef *def,
              guint64 min_memory_kib)
{
  if (def->has_memory && def->memory_kib < min_memory_kib)
    xen_kboot_conf_problem_add (problems, XEN_KBOOT_CONF_ERROR_MEMORY_TOO_SMALL,
                                def, def->memory_loc.line, "memory",
                                "%" G_GUINT64_FORMAT " KiB is below the %"
                                G_GUINT64_FORMAT " KiB the loader needs (the "
                                "kernel goes at 2 MiB, with room to decompress, "
                                "the initrd and boot data above it)",
                                def->memory_kib, min_memory_kib);
  if (def->has_memory && def->has_current_memory
      && def->current_memory_kib > def->memory_kib)
    xen_kboot_conf_problem_add (problems,
                                XEN_KBOOT_CONF_ERROR_CURRENT_MEMORY_ABOVE_MEMORY,
                                def, def->current_memory_loc.line, "currentMemory",
                                "%" G_GUINT64_FORMAT " KiB is above <memory> (%"
                                G_GUINT64_FORMAT " KiB): the balloon target "
                                "cannot exceed the maximum",
                                def->current_memory_kib, def->memory_kib);
  if (def->vcpus > def->max_vcpus)
    xen_kboot_conf_problem_add (problems,
                                XEN_KBOOT_CONF_ERROR_VCPU_CURRENT_ABOVE_MAX, def,
                                def->vcpu_loc.line, "vcpu", "current='%u' is "
                                "above the maximum of %u vCPUs", def->vcpus,
                                def->max_vcpus);
}

/* A guest device name, without xl's "ioemu:" prefix. */
static const char *
disk_name (const XenKbootDiskDef *disk)
{
  return g_str_has_prefix (disk->target_dev, "ioemu:") ? disk->target_dev + 6
                                                       : disk->target_dev;
}

static void
check_duplicates (GPtrArray *problems, const XenKbootDomainDef *def)
{
  const XenKbootConfError duplicate = XEN_KBOOT_CONF_ERROR_DUPLICATE_DEVICE;

  for (guint i = 0; i < def->disks->len; i++)
    {
      const XenKbootDiskDef *a = g_ptr_array_index (def->disks, i);

      check_absolute (problems, def, a->source, a->loc.line, "disk");
      for (guint j = 0; j < i && a->target_dev; j++)
        {
          const XenKbootDiskDef *b = g_ptr_array_index (def->disks, j);
          if (b->target_dev && strcmp (disk_name (a), disk_name (b)) == 0)
            {
              xen_kboot_conf_problem_add (problems, duplicate, def,
                                          a->loc.line, "disk", "target "
                                          "dev='%s' is already used by the disk "
                                          "at line %d: each disk needs its own "
                                          "name", a->target_dev, b->loc.line);
              break;
            }
        }
    }
  for (guint i = 0; i < def->nets->len; i++)
    {
      const XenKbootNetDef *a = g_ptr_array_index (def->nets, i);

      for (guint j = 0; j < i; j++)
        {
          const XenKbootNetDef *b = g_ptr_array_index (def->nets, j);
          if (a->mac && b->mac && g_ascii_strcasecmp (a->mac, b->mac) == 0)
            xen_kboot_conf_problem_add (problems, duplicate, def, a->loc.line,
                                        "interface", "mac address='%s' is "
                                        "already used by the interface at "
                                        "line %d", a->mac, b->loc.line);
          if (a->ifname && b->ifname && strcmp (a->ifname, b->ifname) == 0)
            xen_kboot_conf_problem_add (problems, duplicate, def, a->loc.line,
                                        "interface", "target dev='%s' is "
                                        "already used by the interface at "
                                        "line %d", a->ifname, b->loc.line);
        }
    }
  for (guint i = 0; i < def->chrs->len; i++)
    {
      const XenKbootChrDef *a = g_ptr_array_index (def->chrs, i);

      if (a->path)
        check_absolute (problems, def, a->path, a->loc.line,
                        a->console ? "console" : "serial");
      for (guint j = 0; j < i && !a->console && a->port >= 0; j++)
        {
          const XenKbootChrDef *b = g_ptr_array_index (def->chrs, j);
          if (!b->console && b->port == a->port)
            {
              xen_kboot_conf_problem_add (problems, duplicate, def,
                                          a->loc.line, "serial", "target "
                                          "port='%d' is already used by the "
                                          "serial device at line %d", a->port,
                                          b->loc.line);
              break;
            }
        }
    }
}

static void
check_boot_mode (GPtrArray *problems, const XenKbootDomainDef *def)
{
  GError *error = NULL;

  if (!xen_kboot_native_check_boot_mode (def, &error)
      || !xen_kboot_native_check_boot_path (def, &error))
    g_ptr_array_add (problems, error);
}

/* libvirt's libxl driver refuses secure boot in each of its shapes
 * (libxlDomainDefValidate): Xen's OVMF has none. */
static void
check_secure_boot (GPtrArray *problems, const XenKbootDomainDef *def)
{
  if (!def->os.secure_boot)
    return;
  xen_kboot_conf_problem_add (problems, XEN_KBOOT_CONF_ERROR_UNSUPPORTED, def,
                              def->os.secure_boot_loc.line,
                              def->os.secure_boot_loc.line == def->os.loader_loc.line
                              ? "loader" : "feature",
                              "secure boot is not supported on Xen (libvirt's "
                              "libxl driver refuses it too): Xen's OVMF has "
                              "no secure boot; drop it");
}

/* libvirt's libxl driver passes a <sound> model libxl does not have on
 * to libxl, which refuses the domain when it starts
 * (xen_kboot_native_soundhw): say so now.  PV and PVH domains have no
 * emulated sound card; libvirt does not give them one either. */
static void
check_sound (GPtrArray *problems, const XenKbootDomainDef *def)
{
  if (def->os.type != XEN_KBOOT_OS_TYPE_HVM || !def->sound_loc.line
      || xen_kboot_native_soundhw (def->sound))
    return;
  xen_kboot_conf_problem_add (problems, XEN_KBOOT_CONF_ERROR_NO_SUCH_SOUND_CARD,
                              def, def->sound_loc.line, "sound", "model='%s': "
                              "libxl has no such sound card (its soundhw gives "
                              "QEMU hda, ac97, es1370 or sb16) and refuses the "
                              "domain when it starts; use model='ich6' (hda), "
                              "'ac97', 'es1370' or 'sb16', or drop it",
                              xen_kboot_sound_model_to_string (def->sound));
}

gboolean
xen_kboot_domain_def_uefi (const XenKbootDomainDef *def, const char **element,
                           int *line)
{
  const char *e = NULL;
  int l = 0;

  if (def->os.firmware == XEN_KBOOT_OS_FIRMWARE_EFI)
    {
      e = "os firmware='efi'";
      l = def->os.loc.line;
    }
  else if (def->os.loader_type == XEN_KBOOT_LOADER_TYPE_PFLASH)
    {
      e = "loader type='pflash'";
      l = def->os.loader_loc.line;
    }
  if (element)
    *element = e;
  if (line)
    *line = l;
  return e != NULL;
}

/* Direct boot enters the kernel from xen-kboot's firmware, in place of
 * hvmloader and whatever BIOS it would load: there is no UEFI to give. */
static void
check_direct_uefi (GPtrArray *problems, const XenKbootDomainDef *def)
{
  const char *element;
  int line;

  if (!xen_kboot_domain_def_uefi (def, &element, &line))
    return;
  xen_kboot_conf_problem_add (problems, XEN_KBOOT_CONF_ERROR_NOT_IN_DIRECT_MODE,
                              def, line, element, "UEFI firmware (OVMF) in "
                              "direct mode: a direct boot has no UEFI, its "
                              "firmware enters the kernel through the Linux "
                              "32-bit boot protocol; drop it, or boot with "
                              "mode='device-model' (bios=\"ovmf\")");
}

/* hvmloader sets a passed-through device up for the guest: it sizes the
 * MMIO hole to its BARs (moving RAM above 4 GiB when they do not fit),
 * assigns the BARs, 64-bit ones above 4 GiB, and routes its INTx.  The
 * direct boot's firmware assigns no BAR (the kernel does, inside PCI0's
 * 32-bit window) and plans no larger hole, so a device with large BARs
 * finds no room: refused rather than half set up. */
static void
check_direct_hostdevs (GPtrArray *problems, const XenKbootDomainDef *def)
{
  /* (The hook's and xen-kboot-dm's definitions hold no devices.) */
  for (guint i = 0; def->hostdevs && i < def->hostdevs->len; i++)
    {
      const XenKbootHostdevDef *h = g_ptr_array_index (def->hostdevs, i);

      xen_kboot_conf_problem_add (problems, XEN_KBOOT_CONF_ERROR_NOT_IN_DIRECT_MODE,
                                  def, h->loc.line,
                                  h->interface ? "interface" : "hostdev",
                                  "PCI passthrough "
                                  "of %04x:%02x:%02x.%x in direct mode: the "
                                  "direct boot's firmware does not do "
                                  "hvmloader's set-up for it (MMIO hole sized "
                                  "to its BARs, BARs assigned, 64-bit ones "
                                  "above 4 GiB); drop it, or boot with "
                                  "mode='device-model' (xl pci=[...])",
                                  h->domain, h->bus, h->slot, h->function);
    }
}

gboolean
xen_kboot_domain_def_check_mode (const XenKbootDomainDef *def,
                                 XenKbootBootMode mode, GPtrArray *problems)
{
  guint before = problems->len;

  if (def->os.type != XEN_KBOOT_OS_TYPE_HVM)
    return TRUE;
  switch (mode)
    {
    case XEN_KBOOT_BOOT_MODE_DIRECT:
      check_direct_uefi (problems, def);
      check_direct_hostdevs (problems, def);
      break;
    case XEN_KBOOT_BOOT_MODE_DEVICE_MODEL:  /* hvmloader and OVMF, as libvirt */
    case XEN_KBOOT_BOOT_MODE_LAST:
      break;
    }
  return problems->len == before;
}

gboolean
xen_kboot_domain_def_validate (const XenKbootDomainDef *def,
                               guint64 min_memory_kib, GPtrArray *problems)
{
  guint before = problems->len;

  check_arch (problems, def);
  check_kernel_options (problems, def);
  check_memory (problems, def, min_memory_kib);
  check_duplicates (problems, def);
  check_boot_mode (problems, def);
  check_secure_boot (problems, def);
  check_sound (problems, def);
  return problems->len == before;
}

char *
xen_kboot_conf_where (const XenKbootDomainDef *def, int line)
{
  return line > 0 ? g_strdup_printf ("%s:%d", def->file, line)
                  : g_strdup (def->file);
}

/* XLF_KERNEL_64 means "has the legacy 64-bit entry point at 0x200": the
 * kernel is x86_64 (boot.rst); xloadflags exists from protocol 2.12. */
static gboolean
is_64bit_kernel (const KbootImage *image)
{
  return image->kind == KBOOT_IMAGE_KIND_BZIMAGE
         && image->hdr.version >= KBOOT_XLOADFLAGS_SINCE
         && (image->hdr.xloadflags & KBOOT_XLF_KERNEL_64) != 0;
}

gboolean
xen_kboot_domain_def_check_kernel (const XenKbootDomainDef *def,
                                   const KbootImage *image, GError **error)
{
  if (g_strcmp0 (def->virt_type, "xen") != 0
      || def->os.type != XEN_KBOOT_OS_TYPE_HVM)
    return TRUE;
  /* libxl's u.hvm.pae comes from <pae/> (libvirt's libxl driver, and
   * xen_kboot_conf_libxl.c).  With pae=0 the guest's CPUID has no PAE, nor
   * the long mode and NX that depend on it, and arch/x86/kernel/
   * verify_cpu.S stops a 64-bit kernel before its first message (seen
   * on Xen 4.17: the domain just powers off). */
  if (is_64bit_kernel (image) && !def->pae)
    {
      g_propagate_error (error, xen_kboot_conf_problem_new (
                                  XEN_KBOOT_CONF_ERROR_KERNEL_NEEDS_PAE, def,
                                  def->os.kernel_loc.line, "kernel", "%s: the "
                                  "kernel is 64-bit (xloadflags XLF_KERNEL_64) "
                                  "but <features> has no <pae/>: Xen hides PAE "
                                  "and long mode from the guest and the kernel "
                                  "halts; add <pae/> to <features>",
                                  def->os.kernel));
      return FALSE;
    }
  return TRUE;
}

GStrv
xen_kboot_domain_def_warnings (const XenKbootDomainDef *def, XenKbootBootMode mode)
{
  g_autoptr(GStrvBuilder) warnings = g_strv_builder_new ();
  gboolean direct = FALSE;

  switch (mode)
    {
    case XEN_KBOOT_BOOT_MODE_DIRECT:
      direct = def->os.type == XEN_KBOOT_OS_TYPE_HVM && def->os.kernel;
      break;
    case XEN_KBOOT_BOOT_MODE_DEVICE_MODEL:  /* hvmloader builds the tables */
    case XEN_KBOOT_BOOT_MODE_LAST:
      break;
    }
  /* Xen starts vCPU 0 only; the others wait for an INIT-SIPI that a
   * kernel sends only to CPUs the ACPI (or MP) tables list.  The loader
   * builds ACPI tables for a domain with <acpi/>, as hvmloader does; it
   * builds no MP tables, which hvmloader gives a domain without. */
  if (direct && !def->acpi && def->max_vcpus > 1)
    {
      g_autofree char *at = xen_kboot_conf_where (def, def->vcpu_loc.line);
      g_autofree char *line =
        g_strdup_printf ("%s: <vcpu>%u</vcpu> without <acpi/> in <features>: "
                         "direct boot then gives the guest no ACPI tables and "
                         "xen-kboot builds no MP tables, so it will see 1 CPU "
                         "(and power off only by halting); add <acpi/> for "
                         "all vCPUs", at, def->max_vcpus);
      g_strv_builder_add (warnings, line);
    }
  /* libvirt's libxl driver sets an <interface type='hostdev'>'s MAC on
   * the VF through its PF's netlink before it passes the VF through
   * (virHostdevNetConfigReplace); neither xl.cfg's pci= nor libxl's PCI
   * device has a MAC, and xen-kboot does not touch the host's NICs. */
  for (guint i = 0; mode == XEN_KBOOT_BOOT_MODE_DEVICE_MODEL && def->hostdevs && i < def->hostdevs->len; i++)
    {
      const XenKbootHostdevDef *h = g_ptr_array_index (def->hostdevs, i);
      g_autofree char *at = NULL, *line = NULL;

      if (!h->interface || !h->mac)
        continue;
      at = xen_kboot_conf_where (def, h->loc.line);
      line = g_strdup_printf ("%s: <interface type='hostdev'>: <mac address='%s'> "
                              "is not set on the VF %04x:%02x:%02x.%x: xen-kboot "
                              "passes it through but, unlike libvirt, does not set "
                              "a VF's MAC through its PF; the guest sees the VF's "
                              "own, unless you set it on the host first (ip link "
                              "set PF vf N mac %s)", at, h->mac, h->domain, h->bus,
                              h->slot, h->function, h->mac);
      g_strv_builder_add (warnings, line);
    }
  return g_strv_builder_end (warnings);
}
