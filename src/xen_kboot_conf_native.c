/* Domain definition -> Xen's terms (see xen_kboot_conf_native.h).  The rules
 * are libvirt's (src/libxl/libxl_conf.c and xen_common.c) unless a comment
 * says why not. */
#include "config.h"

#include <string.h>

#include "xen_kboot_conf_native.h"

gboolean
xen_kboot_native_emulator_is_dm (const char *emulator)
{
  g_autofree char *name = emulator ? g_path_get_basename (emulator) : NULL;

  return g_strcmp0 (name, XEN_KBOOT_DM_NAME) == 0;
}

XenKbootBootMode
xen_kboot_native_boot_mode (const XenKbootDomainDef *def,
                            XenKbootBootMode otherwise)
{
  if (def->boot_mode_set)
    return def->boot_mode;
  if (xen_kboot_native_emulator_is_dm (def->emulator))
    return XEN_KBOOT_BOOT_MODE_DIRECT;
  return otherwise;
}

gboolean
xen_kboot_native_check_boot_mode (const XenKbootDomainDef *def, GError **error)
{
  if (!def->boot_mode_set || def->boot_mode != XEN_KBOOT_BOOT_MODE_DEVICE_MODEL
      || !xen_kboot_native_emulator_is_dm (def->emulator))
    return TRUE;
  g_propagate_error (error, xen_kboot_conf_problem_new (
                              XEN_KBOOT_CONF_ERROR_BOOT_MODE_CONFLICT, def,
                              def->boot_mode_loc.line, "kboot:boot",
                              "mode='device-model' contradicts <emulator> %s: "
                              "libvirt and xl start " XEN_KBOOT_DM_NAME ", which "
                              "boots the kernel directly; use mode='direct', or "
                              "another <emulator> to hand the kernel to qemu-xen",
                              def->emulator));
  return FALSE;
}

gboolean
xen_kboot_native_check_boot_path (const XenKbootDomainDef *def, GError **error)
{
  if (def->boot_path != XEN_KBOOT_BOOT_PATH_FAST
      || xen_kboot_native_boot_mode (def, XEN_KBOOT_BOOT_MODE_DIRECT)
         != XEN_KBOOT_BOOT_MODE_DEVICE_MODEL)
    return TRUE;
  g_propagate_error (error, xen_kboot_conf_problem_new (
                              XEN_KBOOT_CONF_ERROR_BOOT_MODE_CONFLICT, def,
                              def->boot_mode_loc.line, "kboot:boot",
                              "path='fast' needs mode='direct': in device-model "
                              "mode QEMU loads the kernel, and the kernel "
                              "decompresses itself"));
  return FALSE;
}

void
xen_kboot_native_options_init (XenKbootNativeOptions *options,
                               const XenKbootDomainDef *def)
{
  options->mode = def ? xen_kboot_native_boot_mode (def, XEN_KBOOT_BOOT_MODE_DIRECT)
                      : XEN_KBOOT_BOOT_MODE_DIRECT;
  options->loader = XEN_KBOOT_NATIVE_LOADER_DM;
  /* A domain that names its own xen-kboot-dm (a build tree, /usr/local)
   * keeps it, as libvirt would run that one. */
  options->device_model = def && xen_kboot_native_emulator_is_dm (def->emulator)
                          ? def->emulator : KBOOT_FIRMWARE_DIR "/" XEN_KBOOT_DM_NAME;
  options->firmware = KBOOT_FIRMWARE_DIR "/" XEN_KBOOT_FIRMWARE_NAME;
}

GStrv
xen_kboot_native_warnings (const XenKbootDomainDef *def,
                           const XenKbootNativeOptions *options)
{
  g_auto(GStrv) mode_warnings = xen_kboot_domain_def_warnings (def, options->mode);
  g_autoptr(GStrvBuilder) warnings = g_strv_builder_new ();
  g_autoptr(XenKbootNative) native = xen_kboot_native_map (def, options);

  g_strv_builder_addv (warnings, (const char **) mode_warnings);
  /* The domain asked for its own device model; the direct boot's runs in
   * its place. */
  if (native->dm_loads && def->emulator
      && !xen_kboot_native_emulator_is_dm (def->emulator))
    {
      g_autofree char *at = xen_kboot_conf_where (def, def->emulator_loc.line);
      g_autofree char *line =
        g_strdup_printf ("%s: <emulator>%s</emulator>: a direct boot runs %s "
                         "as the device model in its place: it loads the "
                         "kernel, then execs the real qemu-xen it is "
                         "configured with, not this one", at, def->emulator,
                         native->device_model);
      g_strv_builder_add (warnings, line);
    }
  return g_strv_builder_end (warnings);
}

gboolean
xen_kboot_native_check (const XenKbootDomainDef *def, GPtrArray *problems)
{
  guint before = problems->len;

  for (guint i = 0; i < def->nets->len; i++)
    {
      const XenKbootNetDef *net = g_ptr_array_index (def->nets, i);

      if (net->type != XEN_KBOOT_NET_TYPE_NETWORK || net->bridge || !net->network)
        continue;
      xen_kboot_conf_problem_add (problems, XEN_KBOOT_CONF_ERROR_MISSING, def,
                                  net->loc.line, "interface",
                                  "type='network' names network '%s': its "
                                  "bridge is known only to libvirt; use "
                                  "--connect URI, or type='bridge' with "
                                  "<source bridge='...'/>", net->network);
    }
  return problems->len == before;
}

guint64
xen_kboot_native_kib_to_mib (guint64 kib)
{
  return kib / 1024 + (kib % 1024 != 0);
}

static const char *const disk_backend_names[] = { "phy", "tap", "qdisk" };
G_STATIC_ASSERT (G_N_ELEMENTS (disk_backend_names) == XEN_KBOOT_NATIVE_DISK_BACKEND_LAST);

const char *
xen_kboot_native_disk_backend_to_string (XenKbootNativeDiskBackend value)
{
  return (guint) value < G_N_ELEMENTS (disk_backend_names) ? disk_backend_names[value]
                                                           : NULL;
}

const char *
xen_kboot_native_soundhw (XenKbootSoundModel model)
{
  switch (model)
    {
    case XEN_KBOOT_SOUND_SB16: return "sb16";
    case XEN_KBOOT_SOUND_ES1370: return "es1370";
    case XEN_KBOOT_SOUND_AC97: return "ac97";
    case XEN_KBOOT_SOUND_ICH6: return "hda";   /* libvirt's libxl driver */
    case XEN_KBOOT_SOUND_PCSPK:   /* libxl leaves it out: QEMU crashes */
    case XEN_KBOOT_SOUND_ICH9:
    case XEN_KBOOT_SOUND_USB:
    case XEN_KBOOT_SOUND_ICH7:
    case XEN_KBOOT_SOUND_VIRTIO:
    case XEN_KBOOT_SOUND_LAST:
      break;
    }
  return NULL;
}

static void
map_general (XenKbootNative *n, const XenKbootDomainDef *def)
{
  n->max_memkb = def->memory_kib;
  n->target_memkb = def->current_memory_kib;
  n->max_vcpus = def->max_vcpus;
  n->vcpus = def->vcpus;
  n->pae = def->pae;
  n->acpi = def->acpi;
  n->apic = def->apic;
  switch (def->clock_offset)
    {
    case XEN_KBOOT_CLOCK_UTC:
    case XEN_KBOOT_CLOCK_LAST:
      break;
    case XEN_KBOOT_CLOCK_LOCALTIME:
      n->localtime = TRUE;
      break;
    case XEN_KBOOT_CLOCK_VARIABLE:
      n->localtime = def->clock_basis_localtime;
      n->has_rtc_timeoffset = TRUE;
      n->rtc_timeoffset = def->clock_adjustment;
      break;
    }
  n->on_poweroff = def->on_poweroff;
  n->on_reboot = def->on_reboot;
  n->on_crash = def->on_crash;
  if (!xen_kboot_native_emulator_is_dm (def->emulator))
    n->device_model = def->emulator;
}

/* The HVM boot order as xl and libxl spell it: a floppy, c disk, d cdrom,
 * n network; "c" when <boot dev=> is not given. */
static void
map_boot_order (XenKbootNative *n, const XenKbootDomainDef *def)
{
  guint i;

  for (i = 0; i < def->os.n_boot; i++)
    switch (def->os.boot[i])
      {
      case XEN_KBOOT_BOOT_DEV_FD: n->boot[i] = 'a'; break;
      case XEN_KBOOT_BOOT_DEV_CDROM: n->boot[i] = 'd'; break;
      case XEN_KBOOT_BOOT_DEV_NETWORK: n->boot[i] = 'n'; break;
      case XEN_KBOOT_BOOT_DEV_HD:
      case XEN_KBOOT_BOOT_DEV_LAST:
        n->boot[i] = 'c';
        break;
      }
  if (i == 0)
    n->boot[i++] = 'c';
  n->boot[i] = '\0';
}

/* The OVMF image of a UEFI domain: its <loader> file, unless that is
 * hvmloader (not type='pflash', file name hvmloader).  virt-install copies
 * the capabilities' <loader>/usr/lib/xen/boot/hvmloader</loader> into
 * every Xen HVM guest, firmware='efi' ones too; libxl runs hvmloader
 * anyway and would load it again as the OVMF image (libvirt's libxl
 * driver passes any <loader> path as u.hvm.system_firmware).  NULL:
 * libxl's own OVMF. */
static const char *
ovmf_image (const XenKbootDomainDef *def)
{
  g_autofree char *name = NULL;

  if (!def->os.loader || def->os.loader_type == XEN_KBOOT_LOADER_TYPE_PFLASH)
    return def->os.loader;
  name = g_path_get_basename (def->os.loader);
  return strcmp (name, XEN_KBOOT_NATIVE_HVMLOADER_NAME) == 0 ? NULL : def->os.loader;
}

/* A direct boot through xen-kboot-dm looks to the toolstack like the
 * device-model one: the kernel for the device model, which is ours. */
static void
map_boot (XenKbootNative *n, const XenKbootDomainDef *def,
          const XenKbootNativeOptions *options)
{
  gboolean toolstack_kernel = TRUE;

  n->direct = n->hvm && options->mode == XEN_KBOOT_BOOT_MODE_DIRECT;
  if (n->direct)
    switch (options->loader)
      {
      case XEN_KBOOT_NATIVE_LOADER_DM:
        n->dm_loads = TRUE;
        n->device_model = options->device_model;
        break;
      case XEN_KBOOT_NATIVE_LOADER_CREATE:
        n->firmware = options->firmware;
        toolstack_kernel = FALSE;
        break;
      }
  if (toolstack_kernel)
    {
      n->kernel = def->os.kernel;
      n->ramdisk = def->os.initrd;
      n->cmdline = def->os.cmdline;
    }
  if (n->hvm)
    map_boot_order (n, def);
  /* A direct boot has no UEFI (xen_kboot_domain_def_check_mode refuses
   * it); hvmloader loads OVMF as libvirt's libxl driver asks. */
  if (n->hvm && !n->direct && xen_kboot_domain_def_uefi (def, NULL, NULL))
    {
      n->bios_ovmf = TRUE;
      n->system_firmware = ovmf_image (def);
    }
}

static void
map_vnc (XenKbootNativeVnc *vnc, const XenKbootGraphicsDef *g)
{
  vnc->enable = TRUE;
  vnc->findunused = g->autoport;
  vnc->display = !g->autoport && g->port >= 5900 ? g->port - 5900 : -1;
  vnc->listen = g->listen;
  vnc->passwd = g->passwd;
  vnc->keymap = g->keymap;
  vnc->def = g;
}

static void
map_spice (XenKbootNativeSpice *spice, const XenKbootGraphicsDef *g)
{
  spice->enable = TRUE;
  spice->port = !g->autoport && g->port > 0 ? g->port : 0;
  spice->host = g->listen;
  spice->passwd = g->passwd;
  spice->disable_ticketing = g->passwd == NULL;
}

/* The first SDL window (libvirt's libxlMakeVfb; <gl enable='yes'/>
 * becomes libxl's opengl, which libvirt leaves off). */
static void
map_sdl (XenKbootNativeSdl *sdl, const XenKbootGraphicsDef *g)
{
  sdl->enable = TRUE;
  sdl->display = g->display;
  sdl->xauthority = g->xauth;
  sdl->opengl = g->opengl;
  sdl->line = g->loc.line;
}

/* The first VNC, SPICE and SDL display count; HVM shows them through
 * QEMU, PV and PVH a VNC or SDL display through a vfb (they have no
 * SPICE). */
static void
map_graphics (XenKbootNative *n, const XenKbootDomainDef *def)
{
  for (guint i = 0; i < def->graphics->len; i++)
    {
      const XenKbootGraphicsDef *g = g_ptr_array_index (def->graphics, i);

      switch (g->type)
        {
        case XEN_KBOOT_GRAPHICS_VNC:
          if (!n->vnc.enable)
            map_vnc (&n->vnc, g);
          break;
        case XEN_KBOOT_GRAPHICS_SPICE:
          if (!n->spice.enable && n->hvm)
            map_spice (&n->spice, g);
          break;
        case XEN_KBOOT_GRAPHICS_SDL:
          if (!n->sdl.enable)
            map_sdl (&n->sdl, g);
          break;
        case XEN_KBOOT_GRAPHICS_LAST:
          break;
        }
    }
  n->graphics = n->hvm && (n->vnc.enable || n->spice.enable || n->sdl.enable);
  n->vfb = !n->hvm && (n->vnc.enable || n->sdl.enable);
}

/* A character device in QEMU's -serial spelling, as libvirt's libxl
 * driver writes it (libxlMakeChrdevStr; its xen-xl writer's
 * xenFormatSxprChr differs only in leaving an absent udp bind port
 * empty, where QEMU takes 0 too). */
static char *
serial_device (const XenKbootChrDef *chr)
{
  const char *listen = chr->listen ? ",server,nowait" : "";

  switch (chr->type)
    {
    case XEN_KBOOT_CHR_PTY:
    case XEN_KBOOT_CHR_NULL:
    case XEN_KBOOT_CHR_VC:
    case XEN_KBOOT_CHR_STDIO:
      return g_strdup (xen_kboot_chr_type_to_string (chr->type));
    case XEN_KBOOT_CHR_FILE:
    case XEN_KBOOT_CHR_PIPE:
      return g_strdup_printf ("%s:%s", xen_kboot_chr_type_to_string (chr->type),
                              chr->path ? chr->path : "");
    case XEN_KBOOT_CHR_DEV:
      return g_strdup (chr->path ? chr->path : "");
    case XEN_KBOOT_CHR_TCP:
      return g_strdup_printf ("%s:%s:%s%s", chr->telnet ? "telnet" : "tcp",
                              chr->host ? chr->host : "",
                              chr->service ? chr->service : "", listen);
    case XEN_KBOOT_CHR_UDP:
      return g_strdup_printf ("udp:%s:%s@%s:%s", chr->host ? chr->host : "",
                              chr->service ? chr->service : "",
                              chr->bind_host ? chr->bind_host : "",
                              chr->bind_service ? chr->bind_service : "0");
    case XEN_KBOOT_CHR_UNIX:
      {
        /* QEMU reads "unix:" options as QemuOpts, where ",," is a comma
         * in a value (file:, pipe: and a device path are taken whole);
         * libvirt's libxl driver does not double it, and QEMU then reads
         * the rest of the path as an option. */
        g_auto(GStrv) parts = g_strsplit (chr->path ? chr->path : "", ",", -1);
        g_autofree char *path = g_strjoinv (",,", parts);

        return g_strdup_printf ("unix:%s%s", path, listen);
      }
    case XEN_KBOOT_CHR_LAST:
      break;
    }
  return g_strdup ("none");
}

/* HVM serial ports, each device on the ttyS of its <target port=>; a
 * serial without a port takes the one after the previous serial's.  A
 * <console> is the first serial port's alias in libvirt, so it counts only
 * when it is the domain's one character device and not a Xen console.
 *
 * libvirt differs on gaps: its libxl driver (libxlMakeDomBuildInfo) puts
 * the serials in u.hvm.serial_list in document order whatever their ports,
 * so with ports 0, 1 and 3 the third device becomes ttyS2; its xen-xl
 * writer (xenFormatCharDev) lists the ports with "none" in the gaps, and
 * QEMU opens no port for "-serial none" (libxl passes each entry as one
 * -serial), so the same happens there.  A gap here is
 * XEN_KBOOT_NATIVE_SERIAL_GAP, a port that QEMU opens and counts. */
static void
map_serials (XenKbootNative *n, const XenKbootDomainDef *def)
{
  const XenKbootChrDef *by_port[XEN_KBOOT_NATIVE_SERIAL_PORTS] = { NULL };
  int next_port = 0;

  for (guint i = 0; i < def->chrs->len; i++)
    {
      const XenKbootChrDef *chr = g_ptr_array_index (def->chrs, i);
      int port;

      if (chr->console && (def->chrs->len > 1 || g_strcmp0 (chr->target_type, "xen") == 0))
        continue;
      port = chr->port >= 0 ? chr->port : next_port;
      if (port >= XEN_KBOOT_NATIVE_SERIAL_PORTS || by_port[port])
        continue;
      by_port[port] = chr;
      next_port = port + 1;
      n->n_serials = MAX (n->n_serials, (guint) port + 1);
    }
  for (guint port = 0; port < n->n_serials; port++)
    n->serials[port] = by_port[port] ? serial_device (by_port[port])
                                     : g_strdup (XEN_KBOOT_NATIVE_SERIAL_GAP);
}

/* QEMU's VGA card, video RAM, sound card and USB devices (a USB keyboard
 * has no xl/libxl name: libvirt refuses it, we leave it out).  The sound
 * card goes to qemu-xen in both boot modes: a direct boot's device model
 * is qemu-xen too, started by libxl with the same arguments (xen-kboot-dm
 * drops only -kernel, -initrd and -append), and the kernel sets a PCI
 * card up as it does an emulated NIC. */
static void
map_emulated (XenKbootNative *n, const XenKbootDomainDef *def)
{
  switch (def->video)
    {
    case XEN_KBOOT_VIDEO_CIRRUS: n->vga = XEN_KBOOT_NATIVE_VGA_CIRRUS; break;
    case XEN_KBOOT_VIDEO_VGA: n->vga = XEN_KBOOT_NATIVE_VGA_STD; break;
    case XEN_KBOOT_VIDEO_QXL: n->vga = XEN_KBOOT_NATIVE_VGA_QXL; break;
    case XEN_KBOOT_VIDEO_NONE: n->vga = XEN_KBOOT_NATIVE_VGA_NONE; break;
    case XEN_KBOOT_VIDEO_XEN:
    case XEN_KBOOT_VIDEO_DEFAULT:
    case XEN_KBOOT_VIDEO_LAST:
      n->vga = XEN_KBOOT_NATIVE_VGA_DEFAULT;
      break;
    }
  n->video_memkb = def->video_vram_kib;
  if (def->sound_loc.line)
    n->soundhw = xen_kboot_native_soundhw (def->sound);
  n->usb = g_new0 (const char *, def->inputs->len + 1);
  for (guint i = 0; i < def->inputs->len; i++)
    {
      const XenKbootInputDef *input = g_ptr_array_index (def->inputs, i);

      if (input->bus == XEN_KBOOT_INPUT_BUS_USB && input->type != XEN_KBOOT_INPUT_KEYBOARD)
        n->usb[n->n_usb++] = xen_kboot_input_type_to_string (input->type);
    }
}

/* libvirt's driver names to Xen's backends: phy, tap/tap2, and QEMU's
 * qdisk for any other; with none, a block device goes to phy. */
static XenKbootNativeDiskBackend
disk_backend (const XenKbootDiskDef *disk)
{
  if (disk->driver_name)
    {
      if (strcmp (disk->driver_name, "phy") == 0)
        return XEN_KBOOT_NATIVE_DISK_BACKEND_PHY;
      if (strcmp (disk->driver_name, "tap") == 0 || strcmp (disk->driver_name, "tap2") == 0)
        return XEN_KBOOT_NATIVE_DISK_BACKEND_TAP;
      return XEN_KBOOT_NATIVE_DISK_BACKEND_QDISK;
    }
  return disk->type == XEN_KBOOT_DISK_TYPE_BLOCK ? XEN_KBOOT_NATIVE_DISK_BACKEND_PHY
                                                 : XEN_KBOOT_NATIVE_DISK_BACKEND_QDISK;
}

/* QEMU's rbd filename, as libvirt's libxl driver writes it without a
 * key (libxlMakeNetworkDiskSrcStr): "rbd:POOL/IMAGE:auth_supported=none"
 * and the monitors, "\;" between them and "\:" before a port; an IPv6
 * address in brackets, its colons escaped. */
static char *
rbd_path (const XenKbootDiskDef *disk)
{
  GString *path = g_string_new (NULL);

  g_string_append_printf (path, "rbd:%s/%s:auth_supported=none", disk->rbd_pool,
                          disk->rbd_image);
  for (guint i = 0; disk->hosts && i < disk->hosts->len; i++)
    {
      const XenKbootDiskHost *host = g_ptr_array_index (disk->hosts, i);

      g_string_append (path, i ? "\\;" : ":mon_host=");
      if (strchr (host->name, ':'))
        {
          g_auto(GStrv) parts = g_strsplit (host->name, ":", -1);
          g_autofree char *escaped = g_strjoinv ("\\:", parts);

          g_string_append_printf (path, "[%s]", escaped);
        }
      else
        g_string_append (path, host->name);
      if (host->port)
        g_string_append_printf (path, "\\:%u", host->port);
    }
  return g_string_free (path, FALSE);
}

/* A CD-ROM is read-only and removable.  "ioemu:" is xm's old prefix for
 * an emulated disk: neither libxl nor xl's vdev= takes it. */
static void
map_disks (XenKbootNative *n, const XenKbootDomainDef *def)
{
  n->disks = g_new0 (XenKbootNativeDisk, def->disks->len + 1);
  for (guint i = 0; i < def->disks->len; i++)
    {
      const XenKbootDiskDef *disk = g_ptr_array_index (def->disks, i);
      XenKbootNativeDisk *x;

      if (!disk->target_dev)
        continue;
      x = &n->disks[n->n_disks++];
      x->vdev = g_str_has_prefix (disk->target_dev, "ioemu:") ? disk->target_dev + 6
                                                               : disk->target_dev;
      x->pdev_path = disk->source;
      x->format = disk->format ? disk->format : "raw";
      x->backend = disk_backend (disk);
      /* The parser refused every network disk but a whole rbd one;
       * only qdisk opens it (libxlMakeDisk). */
      if (disk->type == XEN_KBOOT_DISK_TYPE_NETWORK && disk->rbd_pool)
        {
          x->pdev_path = x->network_path = rbd_path (disk);
          x->backend = XEN_KBOOT_NATIVE_DISK_BACKEND_QDISK;
        }
      x->cdrom = disk->device == XEN_KBOOT_DISK_DEVICE_CDROM;
      x->readwrite = !(x->cdrom || disk->readonly);
      x->def = disk;
    }
}

/* On HVM a vif is an emulated NIC of <model type=> that the guest may
 * switch to PV, except model "netfront", which libvirt takes for a PV-only
 * vif; PV guests have only those.  A bridge vif runs vif-bridge unless
 * <script> names another; so does a network's, on the network's bridge
 * (libvirt's libxlMakeNic), once xen_kboot_native_check found it. */
static void
map_nics (XenKbootNative *n, const XenKbootDomainDef *def)
{
  n->nics = g_new0 (XenKbootNativeNic, def->nets->len + 1);
  for (guint i = 0; i < def->nets->len; i++)
    {
      const XenKbootNetDef *net = g_ptr_array_index (def->nets, i);
      XenKbootNativeNic *x = &n->nics[n->n_nics++];
      gboolean netfront = g_strcmp0 (net->model, "netfront") == 0;

      x->devid = i;
      x->nictype = n->hvm && !netfront ? XEN_KBOOT_NATIVE_NIC_VIF_IOEMU
                                       : XEN_KBOOT_NATIVE_NIC_VIF;
      x->mac = net->mac;
      x->ifname = net->ifname;
      x->script = net->script;
      switch (net->type)
        {
        case XEN_KBOOT_NET_TYPE_BRIDGE:
        case XEN_KBOOT_NET_TYPE_NETWORK:
          x->bridge = net->bridge;
          if (!x->script)
            {
              x->script = XEN_KBOOT_NATIVE_DEFAULT_VIF_SCRIPT;
              x->script_default = TRUE;
            }
          break;
        case XEN_KBOOT_NET_TYPE_ETHERNET:
        case XEN_KBOOT_NET_TYPE_LAST:
          break;
        }
      x->model = n->hvm && !netfront ? net->model : NULL;
      x->def = net;
    }
}

/* libvirt's libxlMakePCI: the host address, permissive when libvirt
 * does not filter config space writes.  libvirt's domain hostdevs list
 * the <interface type='hostdev'>s first (virDomainDefParseXML reads the
 * interfaces before the <hostdev>s), and so does pci=. */
static void
map_pcis (XenKbootNative *n, const XenKbootDomainDef *def)
{
  /* (A definition built by hand, as the hook's, may have no list.) */
  guint len = def->hostdevs ? def->hostdevs->len : 0;

  n->pcis = g_new0 (XenKbootNativePci, len + 1);
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < len; i++)
      {
        const XenKbootHostdevDef *h = g_ptr_array_index (def->hostdevs, i);
        XenKbootNativePci *x;

        if (h->interface != (pass == 0))
          continue;
        x = &n->pcis[n->n_pcis++];
        x->domain = h->domain;
        x->bus = h->bus;
        x->dev = h->slot;
        x->func = h->function;
        x->permissive = h->permissive;
      }
}

XenKbootNative *
xen_kboot_native_map (const XenKbootDomainDef *def,
                      const XenKbootNativeOptions *options)
{
  g_autoptr(XenKbootNative) n = g_new0 (XenKbootNative, 1);

  n->def = def;
  n->type = def->os.type;
  n->hvm = def->os.type == XEN_KBOOT_OS_TYPE_HVM;
  n->name = def->name;
  n->uuid = def->uuid;
  map_general (n, def);
  map_boot (n, def, options);
  map_graphics (n, def);
  if (n->hvm)
    {
      map_serials (n, def);
      map_emulated (n, def);
      map_pcis (n, def);
    }
  else
    n->usb = g_new0 (const char *, 1);
  map_disks (n, def);
  map_nics (n, def);
  return g_steal_pointer (&n);
}

void
xen_kboot_native_free (XenKbootNative *native)
{
  if (!native)
    return;
  for (guint i = 0; i < native->n_serials; i++)
    g_free (native->serials[i]);
  g_free (native->usb);
  for (guint i = 0; i < native->n_disks; i++)
    g_free (native->disks[i].network_path);
  g_free (native->disks);
  g_free (native->nics);
  g_free (native->pcis);
  g_free (native);
}
