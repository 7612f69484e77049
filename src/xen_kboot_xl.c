/* Domain definition -> xl.cfg (see xen_kboot_xl.h).  Keys and their order
 * follow libvirt's xen-xl writer; where xl reads a different key than
 * libvirt writes (device_model), we write the one xl reads. */
#include "config.h"

#include <string.h>

#include "xen_kboot_xl.h"

G_DEFINE_QUARK (xen-kboot-xl-error-quark, xen_kboot_xl_error)

void
xen_kboot_native_options_init (XenKbootNativeOptions *options,
                               const XenKbootDomainDef *def)
{
  options->mode = def && def->boot_mode_set ? def->boot_mode
                                            : XEN_KBOOT_BOOT_MODE_DIRECT;
  options->firmware = KBOOT_FIRMWARE_DIR "/" XEN_KBOOT_FIRMWARE_NAME;
}

void
xen_kboot_native_boot_order (const XenKbootDomainDef *def, char *order)
{
  guint i;

  for (i = 0; i < def->os.n_boot; i++)
    switch (def->os.boot[i])
      {
      case XEN_KBOOT_BOOT_DEV_FD: order[i] = 'a'; break;
      case XEN_KBOOT_BOOT_DEV_CDROM: order[i] = 'd'; break;
      case XEN_KBOOT_BOOT_DEV_NETWORK: order[i] = 'n'; break;
      case XEN_KBOOT_BOOT_DEV_HD:
      case XEN_KBOOT_BOOT_DEV_LAST:
        order[i] = 'c';
        break;
      }
  if (i == 0)
    order[i++] = 'c';
  order[i] = '\0';
}

guint64
xen_kboot_native_kib_to_mib (guint64 kib)
{
  return kib / 1024 + (kib % 1024 != 0);
}

typedef struct {
  GString *out;
  const XenKbootDomainDef *def;
  GError **error;
  gboolean failed;
} Writer;

/* An xl.cfg string literal: libxlu's dequoting reads these escapes back. */
static void
append_quoted (GString *out, const char *value)
{
  g_string_append_c (out, '"');
  for (const char *c = value; *c; c++)
    switch (*c)
      {
      case '"': g_string_append (out, "\\\""); break;
      case '\\': g_string_append (out, "\\\\"); break;
      case '\n': g_string_append (out, "\\n"); break;
      case '\t': g_string_append (out, "\\t"); break;
      case '\r': g_string_append (out, "\\r"); break;
      default:
        if ((guchar) *c < 0x20 || *c == 0x7f)
          g_string_append_printf (out, "\\x%02x", (guchar) *c);
        else
          g_string_append_c (out, *c);
      }
  g_string_append_c (out, '"');
}

static void
set_string (Writer *w, const char *key, const char *value)
{
  g_string_append_printf (w->out, "%s = ", key);
  append_quoted (w->out, value);
  g_string_append_c (w->out, '\n');
}

static void
set_int (Writer *w, const char *key, gint64 value)
{
  g_string_append_printf (w->out, "%s = %" G_GINT64_FORMAT "\n", key, value);
}

static void
set_list (Writer *w, const char *key, GPtrArray *items)
{
  if (items->len == 0)
    return;
  g_string_append_printf (w->out, "%s = [ ", key);
  for (guint i = 0; i < items->len; i++)
    {
      if (i)
        g_string_append (w->out, ", ");
      append_quoted (w->out, g_ptr_array_index (items, i));
    }
  g_string_append (w->out, " ]\n");
}

/* A value inside a "key=value,key=value" device spec cannot hold a comma. */
static gboolean
spec_value_ok (Writer *w, const char *value, int line, const char *element,
               const char *what)
{
  if (!strchr (value, ','))
    return TRUE;
  if (!w->failed)
    g_set_error (w->error, XEN_KBOOT_XL_ERROR, XEN_KBOOT_XL_ERROR_UNREPRESENTABLE,
                 "%s:%d: <%s>: %s '%s' contains a comma, which xl.cfg's device "
                 "syntax cannot hold", w->def->file, line, element, what, value);
  w->failed = TRUE;
  return FALSE;
}

static gboolean
is_hvm (const XenKbootDomainDef *def)
{
  return def->os.type == XEN_KBOOT_OS_TYPE_HVM;
}

static void
format_general (Writer *w)
{
  const XenKbootDomainDef *def = w->def;

  set_string (w, "name", def->name);
  if (def->uuid)
    set_string (w, "uuid", def->uuid);
  set_int (w, "maxmem", (gint64) xen_kboot_native_kib_to_mib (def->memory_kib));
  set_int (w, "memory", (gint64) xen_kboot_native_kib_to_mib (def->current_memory_kib));
  if (def->vcpus < def->max_vcpus)
    set_int (w, "maxvcpus", def->max_vcpus);
  set_int (w, "vcpus", def->vcpus);
  if (is_hvm (def))
    {
      set_int (w, "pae", def->pae);
      set_int (w, "acpi", def->acpi);
      set_int (w, "apic", def->apic);
    }
}

static void
format_time_and_events (Writer *w)
{
  const XenKbootDomainDef *def = w->def;
  gboolean localtime = FALSE;

  switch (def->clock_offset)
    {
    case XEN_KBOOT_CLOCK_UTC:
      break;
    case XEN_KBOOT_CLOCK_LOCALTIME:
      localtime = TRUE;
      break;
    case XEN_KBOOT_CLOCK_VARIABLE:
      localtime = def->clock_basis_localtime;
      if (is_hvm (def))
        set_int (w, "rtc_timeoffset", def->clock_adjustment);
      break;
    case XEN_KBOOT_CLOCK_LAST:
      break;
    }
  set_int (w, "localtime", localtime);
  set_string (w, "on_poweroff", xen_kboot_lifecycle_action_to_string (def->on_poweroff));
  set_string (w, "on_reboot", xen_kboot_lifecycle_action_to_string (def->on_reboot));
  set_string (w, "on_crash", xen_kboot_lifecycle_action_to_string (def->on_crash));
  if (def->emulator)
    set_string (w, "device_model_override", def->emulator);
}

static void
format_graphics (Writer *w)
{
  const XenKbootDomainDef *def = w->def;
  const XenKbootGraphicsDef *vnc = NULL, *spice = NULL;

  for (guint i = 0; i < def->graphics->len; i++)
    {
      const XenKbootGraphicsDef *g = g_ptr_array_index (def->graphics, i);
      switch (g->type)
        {
        case XEN_KBOOT_GRAPHICS_VNC:
          vnc = vnc ? vnc : g;
          break;
        case XEN_KBOOT_GRAPHICS_SPICE:
          spice = spice ? spice : g;
          break;
        case XEN_KBOOT_GRAPHICS_LAST:
          break;
        }
    }
  if (is_hvm (def))
    {
      if (!vnc && !spice)
        return;
      set_int (w, "sdl", 0);
      set_int (w, "vnc", vnc != NULL);
      if (vnc)
        {
          set_int (w, "vncunused", vnc->autoport);
          if (!vnc->autoport)
            set_int (w, "vncdisplay", vnc->port - 5900);
          if (vnc->listen)
            set_string (w, "vnclisten", vnc->listen);
          if (vnc->passwd)
            set_string (w, "vncpasswd", vnc->passwd);
          if (vnc->keymap)
            set_string (w, "keymap", vnc->keymap);
        }
    }
  else if (vnc)
    {
      /* PV and PVH: a paravirtual framebuffer. */
      g_autoptr(GPtrArray) vfb = g_ptr_array_new_with_free_func (g_free);
      GString *spec = g_string_new ("type=vnc");

      g_string_append_printf (spec, ",vncunused=%d", vnc->autoport);
      if (!vnc->autoport)
        g_string_append_printf (spec, ",vncdisplay=%d", vnc->port - 5900);
      if (vnc->listen)
        g_string_append_printf (spec, ",vnclisten=%s", vnc->listen);
      if (vnc->passwd && spec_value_ok (w, vnc->passwd, vnc->loc.line, "graphics", "passwd"))
        g_string_append_printf (spec, ",vncpasswd=%s", vnc->passwd);
      if (vnc->keymap)
        g_string_append_printf (spec, ",keymap=%s", vnc->keymap);
      g_ptr_array_add (vfb, g_string_free (spec, FALSE));
      set_list (w, "vfb", vfb);
    }
  if (spice && is_hvm (def))
    {
      set_int (w, "spice", 1);
      if (spice->listen)
        set_string (w, "spicehost", spice->listen);
      if (!spice->autoport && spice->port > 0)
        set_int (w, "spiceport", spice->port);
      if (spice->passwd)
        {
          set_string (w, "spicepasswd", spice->passwd);
          set_int (w, "spicedisable_ticketing", 0);
        }
      else
        set_int (w, "spicedisable_ticketing", 1);
    }
}

static void
format_vifs (Writer *w)
{
  const XenKbootDomainDef *def = w->def;
  g_autoptr(GPtrArray) vifs = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < def->nets->len; i++)
    {
      const XenKbootNetDef *net = g_ptr_array_index (def->nets, i);
      GString *spec = g_string_new (NULL);

      if (net->mac)
        g_string_append_printf (spec, "mac=%s", net->mac);
      switch (net->type)
        {
        case XEN_KBOOT_NET_TYPE_BRIDGE:
          if (net->bridge)
            g_string_append_printf (spec, "%sbridge=%s", spec->len ? "," : "",
                                    net->bridge);
          g_string_append_printf (spec, "%sscript=%s", spec->len ? "," : "",
                                  net->script ? net->script : "vif-bridge");
          break;
        case XEN_KBOOT_NET_TYPE_ETHERNET:
          if (net->script)
            g_string_append_printf (spec, "%sscript=%s", spec->len ? "," : "",
                                    net->script);
          break;
        case XEN_KBOOT_NET_TYPE_LAST:
          break;
        }
      if (net->script)
        spec_value_ok (w, net->script, net->loc.line, "interface", "script path");
      /* libvirt: on HVM, model netfront means a PV-only vif. */
      if (net->model)
        {
          if (is_hvm (def) && strcmp (net->model, "netfront") == 0)
            g_string_append_printf (spec, "%stype=vif", spec->len ? "," : "");
          else
            g_string_append_printf (spec, "%smodel=%s", spec->len ? "," : "",
                                    net->model);
        }
      if (net->ifname)
        g_string_append_printf (spec, "%svifname=%s", spec->len ? "," : "",
                                net->ifname);
      g_ptr_array_add (vifs, g_string_free (spec, FALSE));
    }
  set_list (w, "vif", vifs);
}

static char *
chr_spec (const XenKbootChrDef *chr)
{
  switch (chr->type)
    {
    case XEN_KBOOT_CHR_PTY:
    case XEN_KBOOT_CHR_NULL:
    case XEN_KBOOT_CHR_VC:
    case XEN_KBOOT_CHR_STDIO:
      return g_strdup (xen_kboot_chr_type_to_string (chr->type));
    case XEN_KBOOT_CHR_FILE:
      return g_strdup_printf ("file:%s", chr->path ? chr->path : "");
    case XEN_KBOOT_CHR_DEV:
      return g_strdup (chr->path ? chr->path : "");
    case XEN_KBOOT_CHR_LAST:
      break;
    }
  return g_strdup ("none");
}

/* HVM serial ports: one port 0 is a string, several are a list indexed by
 * port.  libvirt's xenFormatCharDev puts "none" in the gaps, but QEMU's
 * "-serial none" opens no port, so the next device would take the gap's
 * ttyS number; "null" opens a port that discards, and keeps each device
 * on its own port. */
static void
format_serials (Writer *w)
{
  const XenKbootDomainDef *def = w->def;
  const XenKbootChrDef *by_port[4] = { NULL, NULL, NULL, NULL };
  int max_port = -1, next_port = 0;

  if (!is_hvm (def))
    return;
  for (guint i = 0; i < def->chrs->len; i++)
    {
      const XenKbootChrDef *chr = g_ptr_array_index (def->chrs, i);
      int port;

      if (chr->console && (def->chrs->len > 1 || g_strcmp0 (chr->target_type, "xen") == 0))
        continue;   /* a console is the first serial port's alias in libvirt */
      port = chr->port >= 0 ? chr->port : next_port;
      if (port > 3 || by_port[port])
        continue;
      by_port[port] = chr;
      next_port = port + 1;
      max_port = MAX (max_port, port);
    }
  if (max_port < 0)
    return;
  if (max_port == 0)
    {
      g_autofree char *spec = chr_spec (by_port[0]);
      set_string (w, "serial", spec);
    }
  else
    {
      g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
      for (int port = 0; port <= max_port; port++)
        g_ptr_array_add (list, by_port[port] ? chr_spec (by_port[port])
                                             : g_strdup ("null"));
      set_list (w, "serial", list);
    }
}

static void
format_os (Writer *w, const XenKbootNativeOptions *options)
{
  const XenKbootDomainDef *def = w->def;
  gboolean direct = is_hvm (def) && options->mode == XEN_KBOOT_BOOT_MODE_DIRECT;
  const char *prefix = direct ? "# " : "";

  switch (def->os.type)
    {
    case XEN_KBOOT_OS_TYPE_HVM:
      set_string (w, "builder", "hvm");
      break;
    case XEN_KBOOT_OS_TYPE_XENPVH:
      set_string (w, "type", "pvh");
      break;
    case XEN_KBOOT_OS_TYPE_XEN:
    case XEN_KBOOT_OS_TYPE_LAST:
      break;
    }
  if (direct)
    {
      set_string (w, "firmware_override", options->firmware);
      g_string_append (w->out, "# xen-kboot direct boot: the firmware above "
                       "enters the kernel that xen-kboot\n# loads; QEMU is not "
                       "given it:\n");
    }
  if (def->os.kernel)
    {
      g_string_append (w->out, prefix);
      set_string (w, "kernel", def->os.kernel);
    }
  if (def->os.initrd)
    {
      g_string_append (w->out, prefix);
      set_string (w, "ramdisk", def->os.initrd);
    }
  if (def->os.cmdline)
    {
      g_string_append (w->out, prefix);
      set_string (w, "cmdline", def->os.cmdline);
    }
  if (is_hvm (def))
    {
      char boot[XEN_KBOOT_BOOT_DEV_LAST + 1];

      xen_kboot_native_boot_order (def, boot);
      set_string (w, "boot", boot);
    }
}

/* libvirt's driver names to xl's backendtype. */
static const char *
disk_backend (const XenKbootDiskDef *disk)
{
  if (disk->driver_name)
    {
      if (strcmp (disk->driver_name, "phy") == 0)
        return "phy";
      if (strcmp (disk->driver_name, "tap") == 0 || strcmp (disk->driver_name, "tap2") == 0)
        return "tap";
      return "qdisk";
    }
  return disk->type == XEN_KBOOT_DISK_TYPE_BLOCK ? "phy" : "qdisk";
}

static void
format_disks (Writer *w)
{
  const XenKbootDomainDef *def = w->def;
  g_autoptr(GPtrArray) disks = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < def->disks->len; i++)
    {
      const XenKbootDiskDef *disk = g_ptr_array_index (def->disks, i);
      gboolean cdrom = disk->device == XEN_KBOOT_DISK_DEVICE_CDROM;
      GString *spec = g_string_new (NULL);

      if (!disk->target_dev)
        {
          g_string_free (spec, TRUE);
          continue;
        }
      g_string_append_printf (spec, "format=%s,vdev=%s,access=%s,backendtype=%s",
                              disk->format ? disk->format : "raw",
                              disk->target_dev,
                              disk->readonly || cdrom ? "ro" : "rw",
                              disk_backend (disk));
      if (disk->format)
        spec_value_ok (w, disk->format, disk->loc.line, "disk", "driver type");
      if (cdrom)
        g_string_append (spec, ",devtype=cdrom");
      /* target= comes last: xl reads the rest of the spec as the path. */
      if (disk->source)
        g_string_append_printf (spec, ",target=%s", disk->source);
      g_ptr_array_add (disks, g_string_free (spec, FALSE));
    }
  set_list (w, "disk", disks);
}

static void
format_emulated (Writer *w)
{
  const XenKbootDomainDef *def = w->def;
  g_autoptr(GPtrArray) usb = g_ptr_array_new_with_free_func (g_free);

  if (!is_hvm (def))
    return;
  switch (def->video)
    {
    case XEN_KBOOT_VIDEO_CIRRUS:
      set_string (w, "vga", "cirrus");
      break;
    case XEN_KBOOT_VIDEO_VGA:
      set_string (w, "vga", "stdvga");
      break;
    case XEN_KBOOT_VIDEO_QXL:
      set_string (w, "vga", "qxl");
      break;
    case XEN_KBOOT_VIDEO_NONE:
      set_string (w, "vga", "none");
      break;
    case XEN_KBOOT_VIDEO_XEN:
    case XEN_KBOOT_VIDEO_DEFAULT:
    case XEN_KBOOT_VIDEO_LAST:
      break;
    }
  if (def->video_vram_kib)
    set_int (w, "videoram", (gint64) xen_kboot_native_kib_to_mib (def->video_vram_kib));
  for (guint i = 0; i < def->inputs->len; i++)
    {
      const XenKbootInputDef *input = g_ptr_array_index (def->inputs, i);
      if (input->bus == XEN_KBOOT_INPUT_BUS_USB && input->type != XEN_KBOOT_INPUT_KEYBOARD)
        g_ptr_array_add (usb, g_strdup (xen_kboot_input_type_to_string (input->type)));
    }
  if (usb->len)
    {
      set_int (w, "usb", 1);
      set_list (w, "usbdevice", usb);
    }
}

char *
xen_kboot_xl_format (const XenKbootDomainDef *def,
                     const XenKbootNativeOptions *options, GError **error)
{
  Writer w = { g_string_new (NULL), def, error, FALSE };

  format_general (&w);
  format_time_and_events (&w);
  format_graphics (&w);
  format_vifs (&w);
  format_serials (&w);
  format_os (&w, options);
  format_disks (&w);
  format_emulated (&w);
  if (w.failed)
    {
      g_string_free (w.out, TRUE);
      return NULL;
    }
  return g_string_free (w.out, FALSE);
}
