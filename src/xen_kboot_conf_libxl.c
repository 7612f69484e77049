/* Domain definition -> libxl_domain_config (see xen_kboot_conf_libxl.h): the
 * spelling of xen_kboot_native_map()'s values in libxl's types.
 *
 * libxl frees what it owns with free(): every string stored in the config
 * is strdup()ed.  No libxl_ctx is used: the init functions and
 * libxl_domain_config_to_json() accept none. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxl_utils.h>

#include "xen_kboot_conf_libxl.h"

G_DEFINE_QUARK (xen-kboot-libxl-error-quark, xen_kboot_libxl_error)

static char *
dup (const char *s)
{
  return s ? strdup (s) : NULL;
}

static libxl_domain_type
domain_type (XenKbootOsType type)
{
  switch (type)
    {
    case XEN_KBOOT_OS_TYPE_HVM:
      return LIBXL_DOMAIN_TYPE_HVM;
    case XEN_KBOOT_OS_TYPE_XEN:
      return LIBXL_DOMAIN_TYPE_PV;
    case XEN_KBOOT_OS_TYPE_XENPVH:
      return LIBXL_DOMAIN_TYPE_PVH;
    case XEN_KBOOT_OS_TYPE_LAST:
      break;
    }
  return LIBXL_DOMAIN_TYPE_INVALID;
}

static libxl_action_on_shutdown
shutdown_action (XenKbootLifecycleAction action)
{
  switch (action)
    {
    case XEN_KBOOT_LIFECYCLE_DESTROY:
      return LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
    case XEN_KBOOT_LIFECYCLE_RESTART:
      return LIBXL_ACTION_ON_SHUTDOWN_RESTART;
    case XEN_KBOOT_LIFECYCLE_PRESERVE:
      return LIBXL_ACTION_ON_SHUTDOWN_PRESERVE;
    case XEN_KBOOT_LIFECYCLE_RENAME_RESTART:
      return LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME;
    case XEN_KBOOT_LIFECYCLE_COREDUMP_DESTROY:
      return LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY;
    case XEN_KBOOT_LIFECYCLE_COREDUMP_RESTART:
      return LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART;
    case XEN_KBOOT_LIFECYCLE_LAST:
      break;
    }
  return LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
}

static gboolean
make_create_info (const XenKbootNative *n, libxl_domain_config *d_config,
                  GError **error)
{
  libxl_domain_create_info *c_info = &d_config->c_info;

  c_info->type = domain_type (n->type);
  c_info->name = dup (n->name);
  if (n->uuid && libxl_uuid_from_string (&c_info->uuid, n->uuid) != 0)
    {
      g_set_error (error, XEN_KBOOT_LIBXL_ERROR, XEN_KBOOT_LIBXL_ERROR_INVALID,
                   "%s: <uuid>: '%s' is not a UUID libxl accepts", n->def->file,
                   n->uuid);
      return FALSE;
    }
  return TRUE;
}

/* avail_vcpus without libxl_cpu_bitmap_alloc(), which needs a ctx. */
static void
make_vcpus (const XenKbootNative *n, libxl_domain_build_info *b_info)
{
  b_info->max_vcpus = (int) n->max_vcpus;
  b_info->avail_vcpus.size = (n->max_vcpus + 7) / 8;
  b_info->avail_vcpus.map = calloc (b_info->avail_vcpus.size, 1);
  for (guint i = 0; i < n->vcpus; i++)
    libxl_bitmap_set (&b_info->avail_vcpus, (int) i);
}

/* A NULL-terminated copy of @n strings, or NULL for none. */
static char **
string_list (char *const *strings, guint n)
{
  char **list;

  if (n == 0)
    return NULL;
  list = calloc ((gsize) n + 1, sizeof (char *));
  for (guint i = 0; i < n; i++)
    list[i] = strdup (strings[i]);
  return list;
}

static void
make_vnc (const XenKbootNativeVnc *vnc, libxl_vnc_info *x, char **keymap)
{
  libxl_defbool_set (&x->enable, true);
  libxl_defbool_set (&x->findunused, vnc->findunused);
  if (vnc->display >= 0)
    x->display = vnc->display;
  x->listen = dup (vnc->listen);
  x->passwd = dup (vnc->passwd);
  *keymap = dup (vnc->keymap);
}

static void
make_sdl (const XenKbootNativeSdl *sdl, libxl_sdl_info *x)
{
  libxl_defbool_set (&x->enable, sdl->enable);
  if (!sdl->enable)
    return;
  if (sdl->opengl)   /* else libxl's default, as xl without "opengl" */
    libxl_defbool_set (&x->opengl, true);
  x->display = dup (sdl->display);
  x->xauthority = dup (sdl->xauthority);
}

static void
make_hvm_graphics (const XenKbootNative *n, libxl_domain_build_info *b_info)
{
  if (!n->graphics)
    {
      libxl_defbool_set (&b_info->u.hvm.nographic, true);
      return;
    }
  make_sdl (&n->sdl, &b_info->u.hvm.sdl);
  if (n->vnc.enable)
    make_vnc (&n->vnc, &b_info->u.hvm.vnc, &b_info->u.hvm.keymap);
  else
    libxl_defbool_set (&b_info->u.hvm.vnc.enable, false);
  if (n->spice.enable)
    {
      libxl_defbool_set (&b_info->u.hvm.spice.enable, true);
      if (n->spice.port > 0)
        b_info->u.hvm.spice.port = n->spice.port;
      b_info->u.hvm.spice.host = dup (n->spice.host);
      b_info->u.hvm.spice.passwd = dup (n->spice.passwd);
      libxl_defbool_set (&b_info->u.hvm.spice.disable_ticketing,
                         n->spice.disable_ticketing);
    }
}

static libxl_vga_interface_type
vga_kind (XenKbootNativeVga vga)
{
  switch (vga)
    {
    case XEN_KBOOT_NATIVE_VGA_CIRRUS: return LIBXL_VGA_INTERFACE_TYPE_CIRRUS;
    case XEN_KBOOT_NATIVE_VGA_STD: return LIBXL_VGA_INTERFACE_TYPE_STD;
    case XEN_KBOOT_NATIVE_VGA_QXL: return LIBXL_VGA_INTERFACE_TYPE_QXL;
    case XEN_KBOOT_NATIVE_VGA_NONE: return LIBXL_VGA_INTERFACE_TYPE_NONE;
    case XEN_KBOOT_NATIVE_VGA_DEFAULT:
    case XEN_KBOOT_NATIVE_VGA_LAST:
      break;
    }
  return LIBXL_VGA_INTERFACE_TYPE_UNKNOWN;
}

/* One serial port is u.hvm.serial, several u.hvm.serial_list. */
static void
make_hvm_devices (const XenKbootNative *n, libxl_domain_build_info *b_info)
{
  b_info->u.hvm.vga.kind = vga_kind (n->vga);
  if (n->video_memkb)
    b_info->video_memkb = n->video_memkb;
  make_hvm_graphics (n, b_info);
  b_info->u.hvm.soundhw = dup (n->soundhw);
  if (n->n_serials == 1)
    b_info->u.hvm.serial = strdup (n->serials[0]);
  else
    b_info->u.hvm.serial_list = string_list (n->serials, n->n_serials);
  if (n->n_usb)
    {
      libxl_defbool_set (&b_info->u.hvm.usb, true);
      b_info->u.hvm.usbdevice_list = string_list ((char *const *) n->usb, n->n_usb);
    }
}

static void
make_boot (const XenKbootNative *n, libxl_domain_build_info *b_info)
{
  if (n->firmware)
    b_info->u.hvm.firmware = dup (n->firmware);
  if (n->bios_ovmf)
    b_info->u.hvm.bios = LIBXL_BIOS_TYPE_OVMF;
  if (n->system_firmware)
    b_info->u.hvm.system_firmware = dup (n->system_firmware);
  b_info->kernel = dup (n->kernel);
  b_info->ramdisk = dup (n->ramdisk);
  b_info->cmdline = dup (n->cmdline);
}

/* The device model is qemu-xen at that path (<emulator>: libvirt asks
 * the binary; the only other device model, qemu-xen-traditional, cannot
 * boot a kernel), or xen-kboot-dm, which execs qemu-xen. */
static void
make_build_info (const XenKbootNative *n, libxl_domain_config *d_config)
{
  libxl_domain_build_info *b_info = &d_config->b_info;

  libxl_domain_build_info_init_type (b_info, d_config->c_info.type);
  make_vcpus (n, b_info);
  b_info->max_memkb = n->max_memkb;
  b_info->target_memkb = n->target_memkb;
  libxl_defbool_set (&b_info->localtime, n->localtime);
  if (n->has_rtc_timeoffset)
    b_info->rtc_timeoffset = (uint32_t) n->rtc_timeoffset;
  if (n->device_model)
    {
      b_info->device_model_version = LIBXL_DEVICE_MODEL_VERSION_QEMU_XEN;
      b_info->device_model = dup (n->device_model);
    }
  make_boot (n, b_info);
  if (n->hvm)
    {
      libxl_defbool_set (&b_info->acpi, n->acpi);
      libxl_defbool_set (&b_info->apic, n->apic);
      libxl_defbool_set (&b_info->u.hvm.pae, n->pae);
      b_info->u.hvm.boot = strdup (n->boot);
      make_hvm_devices (n, b_info);
    }
}

static libxl_disk_backend
disk_backend (XenKbootNativeDiskBackend backend)
{
  switch (backend)
    {
    case XEN_KBOOT_NATIVE_DISK_BACKEND_PHY: return LIBXL_DISK_BACKEND_PHY;
    case XEN_KBOOT_NATIVE_DISK_BACKEND_TAP: return LIBXL_DISK_BACKEND_TAP;
    case XEN_KBOOT_NATIVE_DISK_BACKEND_QDISK:
    case XEN_KBOOT_NATIVE_DISK_BACKEND_LAST:
      break;
    }
  return LIBXL_DISK_BACKEND_QDISK;
}

/* An empty drive has libxl's format "empty". */
static gboolean
make_disks (const XenKbootNative *n, libxl_domain_config *d_config,
            GError **error)
{
  d_config->disks = calloc (n->n_disks ? n->n_disks : 1, sizeof (libxl_device_disk));
  for (guint i = 0; i < n->n_disks; i++)
    {
      const XenKbootNativeDisk *disk = &n->disks[i];
      libxl_device_disk *x = &d_config->disks[d_config->num_disks++];

      libxl_device_disk_init (x);
      x->vdev = dup (disk->vdev);
      x->pdev_path = dup (disk->pdev_path);
      x->backend = disk_backend (disk->backend);
      x->format = LIBXL_DISK_FORMAT_EMPTY;
      if (disk->pdev_path && libxl_disk_format_from_string (disk->format, &x->format) != 0)
        {
          g_set_error (error, XEN_KBOOT_LIBXL_ERROR, XEN_KBOOT_LIBXL_ERROR_INVALID,
                       "%s:%d: <disk>: driver type='%s' is not a disk format "
                       "libxl knows (raw, qcow, qcow2, vhd, qed)", n->def->file,
                       disk->def->loc.line, disk->format);
          return FALSE;
        }
      x->is_cdrom = disk->cdrom;
      x->removable = disk->cdrom;
      x->readwrite = disk->readwrite;
    }
  return TRUE;
}

/* libxl runs its own default script (vif-bridge) when given none. */
static gboolean
make_nics (const XenKbootNative *n, libxl_domain_config *d_config,
           GError **error)
{
  d_config->nics = calloc (n->n_nics ? n->n_nics : 1, sizeof (libxl_device_nic));
  for (guint i = 0; i < n->n_nics; i++)
    {
      const XenKbootNativeNic *nic = &n->nics[i];
      libxl_device_nic *x = &d_config->nics[d_config->num_nics++];

      libxl_device_nic_init (x);
      x->devid = (libxl_devid) nic->devid;
      if (nic->mac)
        {
          unsigned int b[6];

          if (sscanf (nic->mac, "%2x:%2x:%2x:%2x:%2x:%2x", &b[0], &b[1], &b[2],
                      &b[3], &b[4], &b[5]) != 6)
            {
              g_set_error (error, XEN_KBOOT_LIBXL_ERROR, XEN_KBOOT_LIBXL_ERROR_INVALID,
                           "%s:%d: <interface>: mac address='%s' is not a MAC "
                           "address", n->def->file, nic->def->loc.line, nic->mac);
              return FALSE;
            }
          for (int k = 0; k < 6; k++)
            x->mac[k] = (uint8_t) b[k];
        }
      x->bridge = dup (nic->bridge);
      x->script = nic->script_default ? NULL : dup (nic->script);
      x->ifname = dup (nic->ifname);
      x->nictype = nic->nictype == XEN_KBOOT_NATIVE_NIC_VIF ? LIBXL_NIC_TYPE_VIF
                                                            : LIBXL_NIC_TYPE_VIF_IOEMU;
      x->model = dup (nic->model);
    }
  return TRUE;
}

/* libvirt's libxlMakePCI: libxl's defaults but for the address and
 * permissive. */
static void
make_pcis (const XenKbootNative *n, libxl_domain_config *d_config)
{
  if (!n->n_pcis)
    return;
  d_config->pcidevs = calloc (n->n_pcis, sizeof (libxl_device_pci));
  for (guint i = 0; i < n->n_pcis; i++)
    {
      const XenKbootNativePci *p = &n->pcis[i];
      libxl_device_pci *x = &d_config->pcidevs[d_config->num_pcidevs++];

      libxl_device_pci_init (x);
      x->domain = (int) p->domain;
      x->bus = (uint8_t) p->bus;
      x->dev = (uint8_t) p->dev;
      x->func = (uint8_t) p->func;
      x->permissive = p->permissive;
    }
}

/* PV and PVH guests show graphics through a vfb and a vkb. */
static void
make_pv_framebuffer (const XenKbootNative *n, libxl_domain_config *d_config)
{
  libxl_device_vfb *vfb;
  libxl_device_vkb *vkb;

  if (!n->vfb)
    return;
  d_config->vfbs = calloc (1, sizeof (libxl_device_vfb));
  d_config->vkbs = calloc (1, sizeof (libxl_device_vkb));
  vfb = &d_config->vfbs[d_config->num_vfbs++];
  vkb = &d_config->vkbs[d_config->num_vkbs++];
  libxl_device_vfb_init (vfb);
  libxl_device_vkb_init (vkb);
  if (n->vnc.enable)
    make_vnc (&n->vnc, &vfb->vnc, &vfb->keymap);
  else
    libxl_defbool_set (&vfb->vnc.enable, false);
  make_sdl (&n->sdl, &vfb->sdl);
}

gboolean
xen_kboot_libxl_build (const XenKbootDomainDef *def,
                       const XenKbootNativeOptions *options,
                       libxl_domain_config *d_config, GError **error)
{
  g_autoptr(XenKbootNative) n = xen_kboot_native_map (def, options);

  if (!make_create_info (n, d_config, error))
    return FALSE;
  make_build_info (n, d_config);
  if (!make_disks (n, d_config, error))
    return FALSE;
  if (!make_nics (n, d_config, error))
    return FALSE;
  make_pv_framebuffer (n, d_config);
  make_pcis (n, d_config);
  d_config->on_poweroff = shutdown_action (n->on_poweroff);
  d_config->on_reboot = shutdown_action (n->on_reboot);
  d_config->on_crash = shutdown_action (n->on_crash);
  return TRUE;
}

char *
xen_kboot_libxl_to_json (const XenKbootDomainDef *def,
                         const XenKbootNativeOptions *options, GError **error)
{
  libxl_domain_config d_config;
  char *json = NULL, *result = NULL;

  libxl_domain_config_init (&d_config);
  if (xen_kboot_libxl_build (def, options, &d_config, error))
    {
      json = libxl_domain_config_to_json (NULL, &d_config);
      if (json)
        result = g_strdup (json);
      else
        g_set_error (error, XEN_KBOOT_LIBXL_ERROR, XEN_KBOOT_LIBXL_ERROR_JSON,
                     "%s: libxl_domain_config_to_json() failed", def->file);
    }
  free (json);
  libxl_domain_config_dispose (&d_config);
  return result;
}
