/* Domain definition -> xl.cfg (see xen_kboot_conf_xl.h): the spelling of
 * xen_kboot_native_map()'s values.  Keys and their order follow libvirt's
 * xen-xl writer; where xl reads a different key than libvirt writes
 * (device_model), we write the one xl reads. */
#include "config.h"

#include <string.h>

#include "xen_kboot_conf_xl.h"

G_DEFINE_QUARK (xen-kboot-xl-error-quark, xen_kboot_xl_error)

typedef struct {
  GString *out;
  const XenKbootDomainDef *def;
  const XenKbootNative *n;
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

static void
format_general (Writer *w)
{
  const XenKbootNative *n = w->n;

  set_string (w, "name", n->name);
  if (n->uuid)
    set_string (w, "uuid", n->uuid);
  set_int (w, "maxmem", (gint64) xen_kboot_native_kib_to_mib (n->max_memkb));
  set_int (w, "memory", (gint64) xen_kboot_native_kib_to_mib (n->target_memkb));
  if (n->vcpus < n->max_vcpus)
    set_int (w, "maxvcpus", n->max_vcpus);
  set_int (w, "vcpus", n->vcpus);
  if (n->hvm)
    {
      set_int (w, "pae", n->pae);
      set_int (w, "acpi", n->acpi);
      set_int (w, "apic", n->apic);
    }
}

static void
format_time_and_events (Writer *w)
{
  const XenKbootNative *n = w->n;

  /* xl.cfg has no negative numbers (libxlutil's lexer), and xl stores the
   * value in libxl's uint32_t rtc_timeoffset, which Xen reads as signed:
   * an offset before UTC is written as that uint32_t.  (libvirt's xen-xl
   * writer writes "-7200", which xl cannot read.) */
  if (n->has_rtc_timeoffset)
    set_int (w, "rtc_timeoffset", (guint32) n->rtc_timeoffset);
  set_int (w, "localtime", n->localtime);
  set_string (w, "on_poweroff", xen_kboot_lifecycle_action_to_string (n->on_poweroff));
  set_string (w, "on_reboot", xen_kboot_lifecycle_action_to_string (n->on_reboot));
  set_string (w, "on_crash", xen_kboot_lifecycle_action_to_string (n->on_crash));
  if (n->device_model)
    set_string (w, "device_model_override", n->device_model);
  /* xen-kboot-dm speaks qemu-xen's command line, and execs it. */
  if (n->dm_loads)
    set_string (w, "device_model_version", "qemu-xen");
}

/* PV and PVH: the VNC display or SDL window of a vfb, one "key=value,..."
 * spec.  xl reads no "type=sdl" (libvirt's spelling, which xl passes over,
 * leaving libxl's default, VNC): the window is "vnc=0,sdl=1". */
static void
format_vfb (Writer *w, const XenKbootNativeVnc *vnc, const XenKbootNativeSdl *sdl)
{
  g_autoptr(GPtrArray) vfb = g_ptr_array_new_with_free_func (g_free);
  GString *spec = g_string_new (NULL);

  if (vnc->enable)
    {
      g_string_append_printf (spec, "type=vnc,vncunused=%d", vnc->findunused);
      if (vnc->display >= 0)
        g_string_append_printf (spec, ",vncdisplay=%d", vnc->display);
      if (vnc->listen)
        g_string_append_printf (spec, ",vnclisten=%s", vnc->listen);
      if (vnc->passwd && spec_value_ok (w, vnc->passwd, vnc->def->loc.line, "graphics", "passwd"))
        g_string_append_printf (spec, ",vncpasswd=%s", vnc->passwd);
      if (vnc->keymap)
        g_string_append_printf (spec, ",keymap=%s", vnc->keymap);
    }
  else
    g_string_append (spec, "vnc=0");
  if (sdl->enable)
    {
      g_string_append (spec, ",sdl=1");
      if (sdl->opengl)
        g_string_append (spec, ",opengl=1");
      if (sdl->display && spec_value_ok (w, sdl->display, sdl->line, "graphics", "display"))
        g_string_append_printf (spec, ",display=%s", sdl->display);
      if (sdl->xauthority && spec_value_ok (w, sdl->xauthority, sdl->line, "graphics", "xauth"))
        g_string_append_printf (spec, ",xauthority=%s", sdl->xauthority);
    }
  g_ptr_array_add (vfb, g_string_free (spec, FALSE));
  set_list (w, "vfb", vfb);
}

static void
format_graphics (Writer *w)
{
  const XenKbootNative *n = w->n;

  if (n->vfb)
    format_vfb (w, &n->vnc, &n->sdl);
  if (!n->graphics)
    return;
  /* libvirt's xen-xl writer: sdl, then display and xauthority. */
  set_int (w, "sdl", n->sdl.enable);
  if (n->sdl.enable)
    {
      if (n->sdl.opengl)
        set_int (w, "opengl", 1);
      if (n->sdl.display)
        set_string (w, "display", n->sdl.display);
      if (n->sdl.xauthority)
        set_string (w, "xauthority", n->sdl.xauthority);
    }
  set_int (w, "vnc", n->vnc.enable);
  if (n->vnc.enable)
    {
      set_int (w, "vncunused", n->vnc.findunused);
      if (n->vnc.display >= 0)
        set_int (w, "vncdisplay", n->vnc.display);
      if (n->vnc.listen)
        set_string (w, "vnclisten", n->vnc.listen);
      if (n->vnc.passwd)
        set_string (w, "vncpasswd", n->vnc.passwd);
      if (n->vnc.keymap)
        set_string (w, "keymap", n->vnc.keymap);
    }
  if (n->spice.enable)
    {
      set_int (w, "spice", 1);
      if (n->spice.host)
        set_string (w, "spicehost", n->spice.host);
      if (n->spice.port > 0)
        set_int (w, "spiceport", n->spice.port);
      if (n->spice.passwd)
        set_string (w, "spicepasswd", n->spice.passwd);
      set_int (w, "spicedisable_ticketing", n->spice.disable_ticketing);
    }
}

/* A vif spec; xl.cfg spells out the default script, as libvirt's xen-xl
 * writer does, and "type=vif" only where it is not the only kind (HVM). */
static char *
vif_spec (Writer *w, const XenKbootNativeNic *nic)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);

  if (nic->mac)
    g_ptr_array_add (keys, g_strdup_printf ("mac=%s", nic->mac));
  if (nic->bridge)
    g_ptr_array_add (keys, g_strdup_printf ("bridge=%s", nic->bridge));
  if (nic->script)
    {
      spec_value_ok (w, nic->script, nic->def->loc.line, "interface", "script path");
      g_ptr_array_add (keys, g_strdup_printf ("script=%s", nic->script));
    }
  if (w->n->hvm && nic->nictype == XEN_KBOOT_NATIVE_NIC_VIF)
    g_ptr_array_add (keys, g_strdup ("type=vif"));
  if (nic->model)
    g_ptr_array_add (keys, g_strdup_printf ("model=%s", nic->model));
  if (nic->ifname)
    g_ptr_array_add (keys, g_strdup_printf ("vifname=%s", nic->ifname));
  g_ptr_array_add (keys, NULL);
  return g_strjoinv (",", (char **) keys->pdata);
}

static void
format_vifs (Writer *w)
{
  g_autoptr(GPtrArray) vifs = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < w->n->n_nics; i++)
    g_ptr_array_add (vifs, vif_spec (w, &w->n->nics[i]));
  set_list (w, "vif", vifs);
}

/* libvirt's xenFormatXLPCI: "DDDD:BB:SS.F", ",permissive=1" when config
 * space writes are not filtered. */
static void
format_pcis (Writer *w)
{
  g_autoptr(GPtrArray) pcis = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < w->n->n_pcis; i++)
    {
      const XenKbootNativePci *p = &w->n->pcis[i];

      g_ptr_array_add (pcis, g_strdup_printf ("%04x:%02x:%02x.%x%s", p->domain,
                                              p->bus, p->dev, p->func,
                                              p->permissive ? ",permissive=1" : ""));
    }
  set_list (w, "pci", pcis);
}

/* One port 0 is a string, several ports a list indexed by port. */
static void
format_serials (Writer *w)
{
  const XenKbootNative *n = w->n;
  g_autoptr(GPtrArray) list = g_ptr_array_new ();

  if (n->n_serials == 1)
    {
      set_string (w, "serial", n->serials[0]);
      return;
    }
  for (guint port = 0; port < n->n_serials; port++)
    g_ptr_array_add (list, n->serials[port]);
  set_list (w, "serial", list);
}

static void
format_os (Writer *w)
{
  const XenKbootNative *n = w->n;

  switch (n->type)
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
  if (n->firmware)
    set_string (w, "firmware_override", n->firmware);
  if (n->bios_ovmf)
    set_string (w, "bios", "ovmf");
  /* libvirt's xen-xl writer drops the <loader> path, its libxl driver
   * loads that file: xl does so with bios_path_override. */
  if (n->system_firmware)
    set_string (w, "bios_path_override", n->system_firmware);
  if (n->kernel)
    set_string (w, "kernel", n->kernel);
  if (n->ramdisk)
    set_string (w, "ramdisk", n->ramdisk);
  if (n->cmdline)
    set_string (w, "cmdline", n->cmdline);
  if (n->hvm)
    set_string (w, "boot", n->boot);
}

/* An empty drive is one without target=. */
static char *
disk_spec (Writer *w, const XenKbootNativeDisk *disk)
{
  GString *spec = g_string_new (NULL);

  spec_value_ok (w, disk->format, disk->def->loc.line, "disk", "driver type");
  g_string_append_printf (spec, "format=%s,vdev=%s,access=%s,backendtype=%s",
                          disk->format, disk->vdev, disk->readwrite ? "rw" : "ro",
                          xen_kboot_native_disk_backend_to_string (disk->backend));
  if (disk->cdrom)
    g_string_append (spec, ",devtype=cdrom");
  /* target= comes last: xl reads the rest of the spec as the path. */
  if (disk->pdev_path)
    g_string_append_printf (spec, ",target=%s", disk->pdev_path);
  return g_string_free (spec, FALSE);
}

static void
format_disks (Writer *w)
{
  g_autoptr(GPtrArray) disks = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < w->n->n_disks; i++)
    g_ptr_array_add (disks, disk_spec (w, &w->n->disks[i]));
  set_list (w, "disk", disks);
}

static const char *
vga_name (XenKbootNativeVga vga)
{
  switch (vga)
    {
    case XEN_KBOOT_NATIVE_VGA_CIRRUS: return "cirrus";
    case XEN_KBOOT_NATIVE_VGA_STD: return "stdvga";
    case XEN_KBOOT_NATIVE_VGA_QXL: return "qxl";
    case XEN_KBOOT_NATIVE_VGA_NONE: return "none";
    case XEN_KBOOT_NATIVE_VGA_DEFAULT:
    case XEN_KBOOT_NATIVE_VGA_LAST:
      break;
    }
  return NULL;
}

static void
format_emulated (Writer *w)
{
  const XenKbootNative *n = w->n;
  g_autoptr(GPtrArray) usb = g_ptr_array_new ();

  if (!n->hvm)
    return;
  if (vga_name (n->vga))
    set_string (w, "vga", vga_name (n->vga));
  if (n->video_memkb)
    set_int (w, "videoram", (gint64) xen_kboot_native_kib_to_mib (n->video_memkb));
  if (n->soundhw)
    set_string (w, "soundhw", n->soundhw);
  for (guint i = 0; i < n->n_usb; i++)
    g_ptr_array_add (usb, (gpointer) n->usb[i]);
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
  g_autoptr(XenKbootNative) native = xen_kboot_native_map (def, options);
  Writer w = { g_string_new (NULL), def, native, error, FALSE };

  format_general (&w);
  format_time_and_events (&w);
  format_graphics (&w);
  format_vifs (&w);
  format_pcis (&w);
  format_serials (&w);
  format_os (&w);
  format_disks (&w);
  format_emulated (&w);
  if (w.failed)
    {
      g_string_free (w.out, TRUE);
      return NULL;
    }
  return g_string_free (w.out, FALSE);
}
