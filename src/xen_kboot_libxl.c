/* Domain definition -> libxl_domain_config (see xen_kboot_libxl.h).
 *
 * libxl frees what it owns with free(): every string stored in the config
 * is strdup()ed.  No libxl_ctx is used: the init functions and
 * libxl_domain_config_to_json() accept none. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxl_utils.h>

#include "xen_kboot_libxl.h"

G_DEFINE_QUARK (xen-kboot-libxl-error-quark, xen_kboot_libxl_error)

static char *
dup (const char *s)
{
  return s ? strdup (s) : NULL;
}

static gboolean
is_hvm (const XenKbootDomainDef *def)
{
  return def->os.type == XEN_KBOOT_OS_TYPE_HVM;
}

static libxl_domain_type
domain_type (const XenKbootDomainDef *def)
{
  switch (def->os.type)
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
make_create_info (const XenKbootDomainDef *def, libxl_domain_config *d_config,
                  GError **error)
{
  libxl_domain_create_info *c_info = &d_config->c_info;

  c_info->type = domain_type (def);
  c_info->name = dup (def->name);
  if (def->uuid && libxl_uuid_from_string (&c_info->uuid, def->uuid) != 0)
    {
      g_set_error (error, XEN_KBOOT_LIBXL_ERROR, XEN_KBOOT_LIBXL_ERROR_INVALID,
                   "%s: <uuid>: '%s' is not a UUID libxl accepts", def->file,
                   def->uuid);
      return FALSE;
    }
  return TRUE;
}

/* avail_vcpus without libxl_cpu_bitmap_alloc(), which needs a ctx. */
static void
make_vcpus (const XenKbootDomainDef *def, libxl_domain_build_info *b_info)
{
  b_info->max_vcpus = (int) def->max_vcpus;
  b_info->avail_vcpus.size = (def->max_vcpus + 7) / 8;
  b_info->avail_vcpus.map = calloc (b_info->avail_vcpus.size, 1);
  for (guint i = 0; i < def->vcpus; i++)
    libxl_bitmap_set (&b_info->avail_vcpus, (int) i);
}

static void
make_boot_order (const XenKbootDomainDef *def, libxl_domain_build_info *b_info)
{
  char boot[XEN_KBOOT_BOOT_DEV_LAST + 1];

  xen_kboot_native_boot_order (def, boot);
  b_info->u.hvm.boot = strdup (boot);
}

static char *
chr_string (const XenKbootChrDef *chr)
{
  switch (chr->type)
    {
    case XEN_KBOOT_CHR_PTY:
    case XEN_KBOOT_CHR_NULL:
    case XEN_KBOOT_CHR_VC:
    case XEN_KBOOT_CHR_STDIO:
      return strdup (xen_kboot_chr_type_to_string (chr->type));
    case XEN_KBOOT_CHR_FILE:
      {
        g_autofree char *s = g_strdup_printf ("file:%s", chr->path ? chr->path : "");
        return strdup (s);
      }
    case XEN_KBOOT_CHR_DEV:
      return dup (chr->path ? chr->path : "");
    case XEN_KBOOT_CHR_LAST:
      break;
    }
  return strdup ("none");
}

/* HVM serial ports, each at its <target port=>: one port 0 is
 * u.hvm.serial, several are u.hvm.serial_list indexed by port, with "null"
 * in the gaps.  libvirt's libxl driver (libxlMakeDomBuildInfo) lists the
 * serials in document order whatever their ports, so a device on port 3
 * after ports 0 and 1 becomes ttyS2; libxl hands each entry to QEMU as a
 * -serial, and "none" would not do either: QEMU opens no port for it. */
static void
make_serials (const XenKbootDomainDef *def, libxl_domain_build_info *b_info)
{
  const XenKbootChrDef *by_port[4] = { NULL, NULL, NULL, NULL };
  int max_port = -1, next_port = 0;

  for (guint i = 0; i < def->chrs->len; i++)
    {
      const XenKbootChrDef *chr = g_ptr_array_index (def->chrs, i);
      int port;

      if (chr->console && (def->chrs->len > 1 || g_strcmp0 (chr->target_type, "xen") == 0))
        continue;
      port = chr->port >= 0 ? chr->port : next_port;
      if (port > 3 || by_port[port])
        continue;
      by_port[port] = chr;
      next_port = port + 1;
      max_port = MAX (max_port, port);
    }
  if (max_port == 0)
    b_info->u.hvm.serial = chr_string (by_port[0]);
  else if (max_port > 0)
    {
      b_info->u.hvm.serial_list = calloc ((gsize) max_port + 2, sizeof (char *));
      for (int port = 0; port <= max_port; port++)
        b_info->u.hvm.serial_list[port] = by_port[port] ? chr_string (by_port[port])
                                                        : strdup ("null");
    }
}

static void
make_hvm_graphics (const XenKbootDomainDef *def, libxl_domain_build_info *b_info)
{
  gboolean vnc = FALSE, spice = FALSE;

  for (guint i = 0; i < def->graphics->len; i++)
    {
      const XenKbootGraphicsDef *g = g_ptr_array_index (def->graphics, i);

      switch (g->type)
        {
        case XEN_KBOOT_GRAPHICS_VNC:
          if (vnc)
            break;
          vnc = TRUE;
          libxl_defbool_set (&b_info->u.hvm.vnc.enable, true);
          libxl_defbool_set (&b_info->u.hvm.vnc.findunused, g->autoport);
          if (!g->autoport && g->port >= 5900)
            b_info->u.hvm.vnc.display = g->port - 5900;
          b_info->u.hvm.vnc.listen = dup (g->listen);
          b_info->u.hvm.vnc.passwd = dup (g->passwd);
          b_info->u.hvm.keymap = dup (g->keymap);
          break;
        case XEN_KBOOT_GRAPHICS_SPICE:
          if (spice)
            break;
          spice = TRUE;
          libxl_defbool_set (&b_info->u.hvm.spice.enable, true);
          if (!g->autoport && g->port > 0)
            b_info->u.hvm.spice.port = g->port;
          b_info->u.hvm.spice.host = dup (g->listen);
          if (g->passwd)
            {
              b_info->u.hvm.spice.passwd = dup (g->passwd);
              libxl_defbool_set (&b_info->u.hvm.spice.disable_ticketing, false);
            }
          else
            libxl_defbool_set (&b_info->u.hvm.spice.disable_ticketing, true);
          break;
        case XEN_KBOOT_GRAPHICS_LAST:
          break;
        }
    }
  if (vnc || spice)
    {
      libxl_defbool_set (&b_info->u.hvm.sdl.enable, false);
      if (!vnc)
        libxl_defbool_set (&b_info->u.hvm.vnc.enable, false);
    }
  else
    libxl_defbool_set (&b_info->u.hvm.nographic, true);
}

static void
make_hvm_devices (const XenKbootDomainDef *def, libxl_domain_build_info *b_info)
{
  g_autoptr(GPtrArray) usb = g_ptr_array_new ();

  switch (def->video)
    {
    case XEN_KBOOT_VIDEO_CIRRUS:
      b_info->u.hvm.vga.kind = LIBXL_VGA_INTERFACE_TYPE_CIRRUS;
      break;
    case XEN_KBOOT_VIDEO_VGA:
      b_info->u.hvm.vga.kind = LIBXL_VGA_INTERFACE_TYPE_STD;
      break;
    case XEN_KBOOT_VIDEO_QXL:
      b_info->u.hvm.vga.kind = LIBXL_VGA_INTERFACE_TYPE_QXL;
      break;
    case XEN_KBOOT_VIDEO_NONE:
      b_info->u.hvm.vga.kind = LIBXL_VGA_INTERFACE_TYPE_NONE;
      break;
    case XEN_KBOOT_VIDEO_XEN:
    case XEN_KBOOT_VIDEO_DEFAULT:
    case XEN_KBOOT_VIDEO_LAST:
      break;
    }
  if (def->video_vram_kib)
    b_info->video_memkb = def->video_vram_kib;
  make_hvm_graphics (def, b_info);
  make_serials (def, b_info);
  for (guint i = 0; i < def->inputs->len; i++)
    {
      const XenKbootInputDef *input = g_ptr_array_index (def->inputs, i);
      if (input->bus == XEN_KBOOT_INPUT_BUS_USB && input->type != XEN_KBOOT_INPUT_KEYBOARD)
        g_ptr_array_add (usb, (gpointer) xen_kboot_input_type_to_string (input->type));
    }
  if (usb->len)
    {
      libxl_defbool_set (&b_info->u.hvm.usb, true);
      b_info->u.hvm.usbdevice_list = calloc (usb->len + 1, sizeof (char *));
      for (guint i = 0; i < usb->len; i++)
        b_info->u.hvm.usbdevice_list[i] = strdup (g_ptr_array_index (usb, i));
    }
}

/* The kernel: in direct mode our firmware enters it, so QEMU gets none;
 * in device-model mode (and for PV/PVH) libxl gets kernel, ramdisk and
 * cmdline, as libvirt does. */
static void
make_boot (const XenKbootDomainDef *def, const XenKbootNativeOptions *options,
           libxl_domain_build_info *b_info)
{
  if (is_hvm (def) && options->mode == XEN_KBOOT_BOOT_MODE_DIRECT)
    {
      b_info->u.hvm.firmware = dup (options->firmware);
      return;
    }
  b_info->kernel = dup (def->os.kernel);
  b_info->ramdisk = dup (def->os.initrd);
  b_info->cmdline = dup (def->os.cmdline);
}

static gboolean
make_build_info (const XenKbootDomainDef *def, const XenKbootNativeOptions *options,
                 libxl_domain_config *d_config, GError **error)
{
  libxl_domain_build_info *b_info = &d_config->b_info;

  libxl_domain_build_info_init_type (b_info, d_config->c_info.type);
  make_vcpus (def, b_info);
  b_info->max_memkb = def->memory_kib;
  b_info->target_memkb = def->current_memory_kib;
  switch (def->clock_offset)
    {
    case XEN_KBOOT_CLOCK_UTC:
      libxl_defbool_set (&b_info->localtime, false);
      break;
    case XEN_KBOOT_CLOCK_LOCALTIME:
      libxl_defbool_set (&b_info->localtime, true);
      break;
    case XEN_KBOOT_CLOCK_VARIABLE:
      libxl_defbool_set (&b_info->localtime, def->clock_basis_localtime);
      b_info->rtc_timeoffset = (uint32_t) def->clock_adjustment;
      break;
    case XEN_KBOOT_CLOCK_LAST:
      break;
    }
  if (def->emulator)
    {
      b_info->device_model_version = LIBXL_DEVICE_MODEL_VERSION_QEMU_XEN;
      b_info->device_model = dup (def->emulator);
    }
  make_boot (def, options, b_info);
  if (is_hvm (def))
    {
      libxl_defbool_set (&b_info->acpi, def->acpi);
      libxl_defbool_set (&b_info->apic, def->apic);
      libxl_defbool_set (&b_info->u.hvm.pae, def->pae);
      make_boot_order (def, b_info);
      make_hvm_devices (def, b_info);
    }
  return TRUE;
}

static libxl_disk_backend
disk_backend (const XenKbootDiskDef *disk)
{
  if (disk->driver_name)
    {
      if (strcmp (disk->driver_name, "phy") == 0)
        return LIBXL_DISK_BACKEND_PHY;
      if (strcmp (disk->driver_name, "tap") == 0 || strcmp (disk->driver_name, "tap2") == 0)
        return LIBXL_DISK_BACKEND_TAP;
      return LIBXL_DISK_BACKEND_QDISK;
    }
  return disk->type == XEN_KBOOT_DISK_TYPE_BLOCK ? LIBXL_DISK_BACKEND_PHY
                                                 : LIBXL_DISK_BACKEND_QDISK;
}

static gboolean
make_disks (const XenKbootDomainDef *def, libxl_domain_config *d_config,
            GError **error)
{
  d_config->disks = calloc (def->disks->len ? def->disks->len : 1,
                            sizeof (libxl_device_disk));
  for (guint i = 0; i < def->disks->len; i++)
    {
      const XenKbootDiskDef *disk = g_ptr_array_index (def->disks, i);
      libxl_device_disk *x = &d_config->disks[d_config->num_disks++];
      gboolean cdrom = disk->device == XEN_KBOOT_DISK_DEVICE_CDROM;

      libxl_device_disk_init (x);
      x->vdev = dup (g_str_has_prefix (disk->target_dev, "ioemu:")
                     ? disk->target_dev + 6 : disk->target_dev);
      x->pdev_path = dup (disk->source);
      x->backend = disk_backend (disk);
      x->format = LIBXL_DISK_FORMAT_RAW;
      if (!disk->source)
        x->format = LIBXL_DISK_FORMAT_EMPTY;
      else if (disk->format && libxl_disk_format_from_string (disk->format, &x->format) != 0)
        {
          g_set_error (error, XEN_KBOOT_LIBXL_ERROR, XEN_KBOOT_LIBXL_ERROR_INVALID,
                       "%s:%d: <disk>: driver type='%s' is not a disk format "
                       "libxl knows (raw, qcow, qcow2, vhd, qed)", def->file,
                       disk->loc.line, disk->format);
          return FALSE;
        }
      x->is_cdrom = cdrom;
      x->removable = cdrom;
      x->readwrite = !(cdrom || disk->readonly);
    }
  return TRUE;
}

static gboolean
make_nics (const XenKbootDomainDef *def, libxl_domain_config *d_config,
           GError **error)
{
  d_config->nics = calloc (def->nets->len ? def->nets->len : 1,
                           sizeof (libxl_device_nic));
  for (guint i = 0; i < def->nets->len; i++)
    {
      const XenKbootNetDef *net = g_ptr_array_index (def->nets, i);
      libxl_device_nic *x = &d_config->nics[d_config->num_nics++];

      libxl_device_nic_init (x);
      x->devid = (libxl_devid) i;
      if (net->mac)
        {
          unsigned int b[6];

          if (sscanf (net->mac, "%2x:%2x:%2x:%2x:%2x:%2x", &b[0], &b[1], &b[2],
                      &b[3], &b[4], &b[5]) != 6)
            {
              g_set_error (error, XEN_KBOOT_LIBXL_ERROR, XEN_KBOOT_LIBXL_ERROR_INVALID,
                           "%s:%d: <interface>: mac address='%s' is not a MAC "
                           "address", def->file, net->loc.line, net->mac);
              return FALSE;
            }
          for (int k = 0; k < 6; k++)
            x->mac[k] = (uint8_t) b[k];
        }
      x->bridge = dup (net->bridge);
      x->script = dup (net->script);
      x->ifname = dup (net->ifname);
      if (is_hvm (def))
        {
          if (net->model && strcmp (net->model, "netfront") == 0)
            x->nictype = LIBXL_NIC_TYPE_VIF;
          else
            {
              x->nictype = LIBXL_NIC_TYPE_VIF_IOEMU;
              x->model = dup (net->model);
            }
        }
      else
        x->nictype = LIBXL_NIC_TYPE_VIF;
    }
  return TRUE;
}

/* PV and PVH guests show graphics through a vfb and a vkb. */
static void
make_pv_framebuffer (const XenKbootDomainDef *def, libxl_domain_config *d_config)
{
  for (guint i = 0; i < def->graphics->len && !is_hvm (def); i++)
    {
      const XenKbootGraphicsDef *g = g_ptr_array_index (def->graphics, i);
      libxl_device_vfb *vfb;
      libxl_device_vkb *vkb;

      if (g->type != XEN_KBOOT_GRAPHICS_VNC)
        continue;
      d_config->vfbs = calloc (1, sizeof (libxl_device_vfb));
      d_config->vkbs = calloc (1, sizeof (libxl_device_vkb));
      vfb = &d_config->vfbs[d_config->num_vfbs++];
      vkb = &d_config->vkbs[d_config->num_vkbs++];
      libxl_device_vfb_init (vfb);
      libxl_device_vkb_init (vkb);
      libxl_defbool_set (&vfb->vnc.enable, true);
      libxl_defbool_set (&vfb->vnc.findunused, g->autoport);
      if (!g->autoport && g->port >= 5900)
        vfb->vnc.display = g->port - 5900;
      vfb->vnc.listen = dup (g->listen);
      vfb->vnc.passwd = dup (g->passwd);
      vfb->keymap = dup (g->keymap);
      libxl_defbool_set (&vfb->sdl.enable, false);
      break;
    }
}

gboolean
xen_kboot_libxl_build (const XenKbootDomainDef *def,
                       const XenKbootNativeOptions *options,
                       libxl_domain_config *d_config, GError **error)
{
  if (!make_create_info (def, d_config, error))
    return FALSE;
  if (!make_build_info (def, options, d_config, error))
    return FALSE;
  if (!make_disks (def, d_config, error))
    return FALSE;
  if (!make_nics (def, d_config, error))
    return FALSE;
  make_pv_framebuffer (def, d_config);
  d_config->on_poweroff = shutdown_action (def->on_poweroff);
  d_config->on_reboot = shutdown_action (def->on_reboot);
  d_config->on_crash = shutdown_action (def->on_crash);
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
