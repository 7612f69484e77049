/* An xl.cfg read back into a libxl_domain_config (see xl_readback.h).
 *
 * libxlutil parses xl.cfg's syntax (xlu_cfg_readdata), its disk specs
 * (xlu_disk_parse) and its typed values (xlu_cfg_get_long, _defbool,
 * _replace_string, _get_list_as_string_list), but the step from keys to
 * d_config fields is xl's parse_config_data (tools/xl/xl_parse.c), which
 * lives in xl and is no library call.  This file is that step for the keys
 * xen-kboot's writer uses and nothing more, each as xl 4.17 reads it; it
 * does not add what xl takes from xl.conf or makes up itself (a UUID,
 * on_watchdog, grant frames), which neither format writes.  A key it does
 * not know is an error, so a key the writer gains fails the test until it
 * is read here too. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxl_utils.h>
#include <libxlutil.h>

#include "xl_readback.h"

#define READBACK_ERROR (g_quark_from_static_string ("xl-readback"))

/* Every key xen_kboot_xl_format() writes. */
static const char *const known_keys[] = {
  "name", "uuid", "maxmem", "memory", "maxvcpus", "vcpus", "pae", "acpi",
  "apic", "rtc_timeoffset", "localtime", "on_poweroff", "on_reboot",
  "on_crash", "device_model_override", "device_model_version", "sdl",
  "opengl", "display", "xauthority", "vnc", "vncunused",
  "vncdisplay", "vnclisten", "vncpasswd", "keymap", "vfb", "spice",
  "spicehost", "spiceport", "spicepasswd", "spicedisable_ticketing", "vif",
  "serial", "builder", "type", "firmware_override", "kernel", "ramdisk",
  "cmdline", "boot", "disk", "vga", "videoram", "usb", "usbdevice",
  "bios", "bios_path_override", "pci", "soundhw",
  /* Keys only libvirt's xen-xl writer uses (tests/xlconfigdata/). */
  "viridian", "parallel",
};

static gboolean
check_keys (const char *source, const char *text, GError **error)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i]; i++)
    {
      g_autofree char *key = NULL;

      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      key = g_strndup (lines[i], strcspn (lines[i], " ="));
      if (!g_strv_contains (known_keys, key))
        {
          g_set_error (error, READBACK_ERROR, 0, "%s:%u: key '%s' is not read "
                       "back (tests/xl_readback.c)", source, i + 1, key);
          return FALSE;
        }
    }
  return TRUE;
}

/* xl's action_on_shutdown_names (xl_parse.c): libxl's own names are
 * spelled with '_'. */
static gboolean
get_action (XLU_Config *cfg, const char *key, const char *fallback,
            libxl_action_on_shutdown *action, GError **error)
{
  static const struct {
    const char *name;
    libxl_action_on_shutdown action;
  } names[] = {
    { "destroy", LIBXL_ACTION_ON_SHUTDOWN_DESTROY },
    { "restart", LIBXL_ACTION_ON_SHUTDOWN_RESTART },
    { "rename-restart", LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME },
    { "preserve", LIBXL_ACTION_ON_SHUTDOWN_PRESERVE },
    { "coredump-destroy", LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY },
    { "coredump-restart", LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART },
    { "soft-reset", LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET },
  };
  const char *value = NULL;

  if (xlu_cfg_get_string (cfg, key, &value, 0))
    value = fallback;
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (strcmp (value, names[i].name) == 0)
      {
        *action = names[i].action;
        return TRUE;
      }
  g_set_error (error, READBACK_ERROR, 0, "%s = \"%s\": not an xl action", key, value);
  return FALSE;
}

static gboolean
read_type (XLU_Config *cfg, libxl_domain_create_info *c_info, GError **error)
{
  const char *value = NULL;

  c_info->type = LIBXL_DOMAIN_TYPE_PV;   /* xl's default on x86 */
  if (!xlu_cfg_get_string (cfg, "type", &value, 0)
      && libxl_domain_type_from_string (value, &c_info->type))
    {
      g_set_error (error, READBACK_ERROR, 0, "type = \"%s\": not a domain type", value);
      return FALSE;
    }
  if (!xlu_cfg_get_string (cfg, "builder", &value, 0))
    {
      if (strcmp (value, "hvm") != 0)
        {
          g_set_error (error, READBACK_ERROR, 0, "builder = \"%s\": not read back", value);
          return FALSE;
        }
      c_info->type = LIBXL_DOMAIN_TYPE_HVM;
    }
  return TRUE;
}

/* avail_vcpus without libxl_cpu_bitmap_alloc(), which needs a ctx; its
 * JSON lists the set bits, whatever the map's size. */
static void
read_memory_and_vcpus (XLU_Config *cfg, libxl_domain_build_info *b_info)
{
  long l;

  if (!xlu_cfg_get_long (cfg, "memory", &l, 0))
    b_info->target_memkb = (uint64_t) l * 1024;
  if (!xlu_cfg_get_long (cfg, "maxmem", &l, 0))
    b_info->max_memkb = (uint64_t) l * 1024;
  if (b_info->max_memkb == LIBXL_MEMKB_DEFAULT)
    b_info->max_memkb = b_info->target_memkb;
  if (!xlu_cfg_get_long (cfg, "vcpus", &l, 0))
    {
      b_info->avail_vcpus.size = (uint32_t) (l + 7) / 8;
      b_info->avail_vcpus.map = calloc (b_info->avail_vcpus.size, 1);
      for (long i = 0; i < l; i++)
        libxl_bitmap_set (&b_info->avail_vcpus, (int) i);
      b_info->max_vcpus = (int) l;
    }
  if (!xlu_cfg_get_long (cfg, "maxvcpus", &l, 0))
    b_info->max_vcpus = (int) l;
}

static gboolean
read_disks (XLU_Config *cfg, libxl_domain_config *d_config, GError **error)
{
  XLU_ConfigList *list = NULL;
  int n = 0;

  if (xlu_cfg_get_list (cfg, "disk", &list, &n, 0))
    return TRUE;
  d_config->disks = calloc ((gsize) n + 1, sizeof (libxl_device_disk));
  for (int i = 0; i < n; i++)
    {
      const char *spec = xlu_cfg_get_listitem (list, i);
      libxl_device_disk *disk = &d_config->disks[d_config->num_disks++];

      libxl_device_disk_init (disk);
      if (xlu_disk_parse (cfg, 1, &spec, disk))
        {
          g_set_error (error, READBACK_ERROR, 0, "disk \"%s\": xlu_disk_parse failed", spec);
          return FALSE;
        }
    }
  return TRUE;
}

/* xl's parse_nic_config for the keys we write. */
static gboolean
read_vif_key (libxl_device_nic *nic, const char *key, const char *value,
              GError **error)
{
  if (strcmp (key, "type") == 0 && strcmp (value, "vif") == 0)
    nic->nictype = LIBXL_NIC_TYPE_VIF;
  else if (strcmp (key, "type") == 0 && strcmp (value, "ioemu") == 0)
    nic->nictype = LIBXL_NIC_TYPE_VIF_IOEMU;
  else if (strcmp (key, "mac") == 0)
    {
      const char *p = value;

      for (int i = 0; i < 6; i++)
        {
          char *end;
          unsigned long byte = strtoul (p, &end, 16);

          if (end == p || byte > 255)
            {
              g_set_error (error, READBACK_ERROR, 0, "vif mac=%s: not a MAC", value);
              return FALSE;
            }
          nic->mac[i] = (uint8_t) byte;
          p = end + 1;
        }
    }
  else if (strcmp (key, "bridge") == 0)
    nic->bridge = strdup (value);
  else if (strcmp (key, "script") == 0)
    nic->script = strdup (value);
  else if (strcmp (key, "vifname") == 0)
    nic->ifname = strdup (value);
  else if (strcmp (key, "model") == 0)
    nic->model = strdup (value);
  else
    {
      g_set_error (error, READBACK_ERROR, 0, "vif %s=%s: not read back", key, value);
      return FALSE;
    }
  return TRUE;
}

/* xl's "vfb" keys; xl passes over "type=vnc" (xm's spelling) in silence,
 * and libxl's default turns the vfb's VNC on. */
static gboolean
read_vfb_key (libxl_device_vfb *vfb, const char *key, const char *value,
              GError **error)
{
  if (strcmp (key, "type") == 0 && strcmp (value, "vnc") == 0)
    return TRUE;
  if (strcmp (key, "vnc") == 0)
    libxl_defbool_set (&vfb->vnc.enable, atoi (value));
  else if (strcmp (key, "vnclisten") == 0)
    vfb->vnc.listen = strdup (value);
  else if (strcmp (key, "vncpasswd") == 0)
    vfb->vnc.passwd = strdup (value);
  else if (strcmp (key, "vncdisplay") == 0)
    vfb->vnc.display = atoi (value);
  else if (strcmp (key, "vncunused") == 0)
    libxl_defbool_set (&vfb->vnc.findunused, atoi (value));
  else if (strcmp (key, "keymap") == 0)
    vfb->keymap = strdup (value);
  else if (strcmp (key, "sdl") == 0)
    libxl_defbool_set (&vfb->sdl.enable, atoi (value));
  else if (strcmp (key, "opengl") == 0)
    libxl_defbool_set (&vfb->sdl.opengl, atoi (value));
  else if (strcmp (key, "display") == 0)
    vfb->sdl.display = strdup (value);
  else if (strcmp (key, "xauthority") == 0)
    vfb->sdl.xauthority = strdup (value);
  else
    {
      g_set_error (error, READBACK_ERROR, 0, "vfb %s=%s: not read back", key, value);
      return FALSE;
    }
  return TRUE;
}

/* A "key=value,key=value" spec, as xl splits it (strtok on ','). */
typedef gboolean (*SpecKeyFunc) (gpointer device, const char *key,
                                 const char *value, GError **error);

static gboolean
read_spec (const char *spec, SpecKeyFunc func, gpointer device, GError **error)
{
  g_auto(GStrv) items = g_strsplit (spec, ",", -1);

  for (guint i = 0; items[i]; i++)
    {
      char *eq = strchr (items[i], '=');

      if (!eq)
        {
          g_set_error (error, READBACK_ERROR, 0, "\"%s\": '%s' has no '='", spec, items[i]);
          return FALSE;
        }
      *eq = '\0';
      if (!func (device, items[i], eq + 1, error))
        return FALSE;
    }
  return TRUE;
}

/* Devices get their index as devid, as xl's ARRAY_EXTEND_INIT gives. */
static gboolean
read_vifs_and_vfbs (XLU_Config *cfg, libxl_domain_config *d_config, GError **error)
{
  XLU_ConfigList *list = NULL;
  int n = 0;

  if (!xlu_cfg_get_list (cfg, "vif", &list, &n, 0))
    {
      d_config->nics = calloc ((gsize) n + 1, sizeof (libxl_device_nic));
      for (int i = 0; i < n; i++)
        {
          libxl_device_nic *nic = &d_config->nics[d_config->num_nics++];

          libxl_device_nic_init (nic);
          nic->devid = i;
          if (!read_spec (xlu_cfg_get_listitem (list, i), (SpecKeyFunc) read_vif_key,
                          nic, error))
            return FALSE;
        }
    }
  if (!xlu_cfg_get_list (cfg, "vfb", &list, &n, 0))
    {
      d_config->vfbs = calloc ((gsize) n + 1, sizeof (libxl_device_vfb));
      d_config->vkbs = calloc ((gsize) n + 1, sizeof (libxl_device_vkb));
      for (int i = 0; i < n; i++)
        {
          libxl_device_vfb *vfb = &d_config->vfbs[d_config->num_vfbs++];
          libxl_device_vkb *vkb = &d_config->vkbs[d_config->num_vkbs++];

          libxl_device_vfb_init (vfb);
          libxl_device_vkb_init (vkb);
          vfb->devid = vkb->devid = i;
          if (!read_spec (xlu_cfg_get_listitem (list, i), (SpecKeyFunc) read_vfb_key,
                          vfb, error))
            return FALSE;
        }
    }
  return TRUE;
}

/* A list, or else a single string (xl's "serial" and "usbdevice"). */
static gboolean
read_list_or_string (XLU_Config *cfg, const char *key, libxl_string_list *list,
                     char **string, GError **error)
{
  switch (xlu_cfg_get_list_as_string_list (cfg, key, list, 1))
    {
    case 0:
    case ESRCH:
      return TRUE;
    case EINVAL:
      if (!xlu_cfg_replace_string (cfg, key, string, 0))
        return TRUE;
      break;
    default:
      break;
    }
  g_set_error (error, READBACK_ERROR, 0, "%s: neither a list nor a string", key);
  return FALSE;
}

static gboolean
read_vga (XLU_Config *cfg, libxl_domain_build_info *b_info, GError **error)
{
  const char *value = NULL;

  if (xlu_cfg_get_string (cfg, "vga", &value, 0))
    return TRUE;
  if (strcmp (value, "stdvga") == 0)
    b_info->u.hvm.vga.kind = LIBXL_VGA_INTERFACE_TYPE_STD;
  else if (strcmp (value, "cirrus") == 0)
    b_info->u.hvm.vga.kind = LIBXL_VGA_INTERFACE_TYPE_CIRRUS;
  else if (strcmp (value, "none") == 0)
    b_info->u.hvm.vga.kind = LIBXL_VGA_INTERFACE_TYPE_NONE;
  else if (strcmp (value, "qxl") == 0)
    b_info->u.hvm.vga.kind = LIBXL_VGA_INTERFACE_TYPE_QXL;
  else
    {
      g_set_error (error, READBACK_ERROR, 0, "vga = \"%s\": unknown to xl", value);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_bios (XLU_Config *cfg, libxl_domain_build_info *b_info, GError **error)
{
  const char *value = NULL;

  if (xlu_cfg_get_string (cfg, "bios", &value, 0))
    return TRUE;
  if (libxl_bios_type_from_string (value, &b_info->u.hvm.bios))
    {
      g_set_error (error, READBACK_ERROR, 0, "bios = \"%s\": unknown to xl", value);
      return FALSE;
    }
  return TRUE;
}

/* xl's "pci" list: each spec parsed by libxlutil over xl's defaults
 * (pci_msitranslate=1, the others 0). */
static gboolean
read_pcis (XLU_Config *cfg, libxl_domain_config *d_config, GError **error)
{
  XLU_ConfigList *list = NULL;
  int n = 0;

  if (xlu_cfg_get_list (cfg, "pci", &list, &n, 0))
    return TRUE;
  d_config->pcidevs = calloc ((gsize) n + 1, sizeof (libxl_device_pci));
  for (int i = 0; i < n; i++)
    {
      const char *spec = xlu_cfg_get_listitem (list, i);
      libxl_device_pci *pci = &d_config->pcidevs[d_config->num_pcidevs++];

      libxl_device_pci_init (pci);
      pci->msitranslate = true;
      if (xlu_pci_parse_spec_string (cfg, pci, spec))
        {
          g_set_error (error, READBACK_ERROR, 0, "pci \"%s\": "
                       "xlu_pci_parse_spec_string failed", spec);
          return FALSE;
        }
    }
  return TRUE;
}

/* The HVM-only keys.  xl reads the top-level VNC and SDL keys into
 * u.hvm for any type but PV without a vfb; we write them for HVM only. */
static gboolean
read_hvm (XLU_Config *cfg, libxl_domain_build_info *b_info, GError **error)
{
  libxl_vnc_info *vnc = &b_info->u.hvm.vnc;
  const char *value = NULL;
  long l;

  xlu_cfg_replace_string (cfg, "firmware_override", &b_info->u.hvm.firmware, 0);
  xlu_cfg_get_defbool (cfg, "pae", &b_info->u.hvm.pae, 0);
  xlu_cfg_get_defbool (cfg, "apic", &b_info->apic, 0);
  xlu_cfg_get_defbool (cfg, "vnc", &vnc->enable, 0);
  xlu_cfg_replace_string (cfg, "vnclisten", &vnc->listen, 0);
  xlu_cfg_replace_string (cfg, "vncpasswd", &vnc->passwd, 0);
  if (!xlu_cfg_get_long (cfg, "vncdisplay", &l, 0))
    vnc->display = (int) l;
  xlu_cfg_get_defbool (cfg, "vncunused", &vnc->findunused, 0);
  xlu_cfg_get_defbool (cfg, "sdl", &b_info->u.hvm.sdl.enable, 0);
  xlu_cfg_get_defbool (cfg, "opengl", &b_info->u.hvm.sdl.opengl, 0);
  xlu_cfg_replace_string (cfg, "display", &b_info->u.hvm.sdl.display, 0);
  xlu_cfg_replace_string (cfg, "xauthority", &b_info->u.hvm.sdl.xauthority, 0);
  if (!read_vga (cfg, b_info, error))
    return FALSE;
  xlu_cfg_replace_string (cfg, "keymap", &b_info->u.hvm.keymap, 0);
  xlu_cfg_get_defbool (cfg, "spice", &b_info->u.hvm.spice.enable, 0);
  if (!xlu_cfg_get_long (cfg, "spiceport", &l, 0))
    b_info->u.hvm.spice.port = (int) l;
  xlu_cfg_replace_string (cfg, "spicehost", &b_info->u.hvm.spice.host, 0);
  xlu_cfg_get_defbool (cfg, "spicedisable_ticketing",
                       &b_info->u.hvm.spice.disable_ticketing, 0);
  xlu_cfg_replace_string (cfg, "spicepasswd", &b_info->u.hvm.spice.passwd, 0);
  if (!read_list_or_string (cfg, "serial", &b_info->u.hvm.serial_list,
                            &b_info->u.hvm.serial, error))
    return FALSE;
  xlu_cfg_replace_string (cfg, "boot", &b_info->u.hvm.boot, 0);
  xlu_cfg_get_defbool (cfg, "usb", &b_info->u.hvm.usb, 0);
  xlu_cfg_get_defbool (cfg, "viridian", &b_info->u.hvm.viridian, 0);
  xlu_cfg_replace_string (cfg, "soundhw", &b_info->u.hvm.soundhw, 0);
  /* xl reads no "parallel" (libxl has no parallel port); libvirt writes
   * "none", which loses nothing. */
  if (!xlu_cfg_get_string (cfg, "parallel", &value, 0) && strcmp (value, "none") != 0)
    {
      g_set_error (error, READBACK_ERROR, 0, "parallel = \"%s\": xl has no "
                   "parallel ports", value);
      return FALSE;
    }
  xlu_cfg_replace_string (cfg, "bios_path_override", &b_info->u.hvm.system_firmware, 0);
  if (!read_bios (cfg, b_info, error))
    return FALSE;
  return read_list_or_string (cfg, "usbdevice", &b_info->u.hvm.usbdevice_list,
                              &b_info->u.hvm.usbdevice, error);
}

/* xl's names (parse_config_data), not libxl's enum strings. */
static gboolean
read_device_model_version (XLU_Config *cfg, libxl_domain_build_info *b_info,
                           GError **error)
{
  const char *value = NULL;

  if (xlu_cfg_get_string (cfg, "device_model_version", &value, 0))
    return TRUE;
  if (strcmp (value, "qemu-xen") == 0)
    b_info->device_model_version = LIBXL_DEVICE_MODEL_VERSION_QEMU_XEN;
  else if (strcmp (value, "qemu-xen-traditional") == 0)
    b_info->device_model_version = LIBXL_DEVICE_MODEL_VERSION_QEMU_XEN_TRADITIONAL;
  else
    {
      g_set_error (error, READBACK_ERROR, 0, "device_model_version = \"%s\": "
                   "unknown to xl", value);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_domain (XLU_Config *cfg, libxl_domain_config *d_config, GError **error)
{
  libxl_domain_create_info *c_info = &d_config->c_info;
  libxl_domain_build_info *b_info = &d_config->b_info;
  const char *value = NULL;
  long l;

  if (!read_type (cfg, c_info, error))
    return FALSE;
  if (xlu_cfg_replace_string (cfg, "name", &c_info->name, 0))
    {
      g_set_error (error, READBACK_ERROR, 0, "no name");
      return FALSE;
    }
  if (!xlu_cfg_get_string (cfg, "uuid", &value, 0)
      && libxl_uuid_from_string (&c_info->uuid, value))
    {
      g_set_error (error, READBACK_ERROR, 0, "uuid = \"%s\": not a UUID", value);
      return FALSE;
    }
  libxl_domain_build_info_init_type (b_info, c_info->type);
  read_memory_and_vcpus (cfg, b_info);
  if (!get_action (cfg, "on_poweroff", "destroy", &d_config->on_poweroff, error)
      || !get_action (cfg, "on_reboot", "restart", &d_config->on_reboot, error)
      || !get_action (cfg, "on_crash", "destroy", &d_config->on_crash, error))
    return FALSE;
  if (!xlu_cfg_get_long (cfg, "rtc_timeoffset", &l, 0))
    b_info->rtc_timeoffset = (uint32_t) l;
  xlu_cfg_get_defbool (cfg, "localtime", &b_info->localtime, 0);
  if (!xlu_cfg_get_long (cfg, "videoram", &l, 0))
    b_info->video_memkb = (uint64_t) l * 1024;
  xlu_cfg_replace_string (cfg, "kernel", &b_info->kernel, 0);
  xlu_cfg_replace_string (cfg, "ramdisk", &b_info->ramdisk, 0);
  xlu_cfg_replace_string (cfg, "cmdline", &b_info->cmdline, 0);
  xlu_cfg_get_defbool (cfg, "acpi", &b_info->acpi, 0);
  if (c_info->type == LIBXL_DOMAIN_TYPE_HVM && !read_hvm (cfg, b_info, error))
    return FALSE;
  if (!read_disks (cfg, d_config, error) || !read_vifs_and_vfbs (cfg, d_config, error)
      || !read_pcis (cfg, d_config, error))
    return FALSE;
  xlu_cfg_replace_string (cfg, "device_model_override", &b_info->device_model, 0);
  return read_device_model_version (cfg, b_info, error);
}

gboolean
xl_readback_parse (const char *source, const char *text,
                   libxl_domain_config *d_config, GError **error)
{
  XLU_Config *cfg = NULL;
  gboolean ok = FALSE;
  int rc;

  if (!check_keys (source, text, error))
    return FALSE;
  cfg = xlu_cfg_init (stderr, source);
  rc = xlu_cfg_readdata (cfg, text, (int) strlen (text));
  if (rc)
    g_set_error (error, READBACK_ERROR, 0, "%s: xlu_cfg_readdata: %s", source,
                 g_strerror (rc));
  else
    ok = read_domain (cfg, d_config, error);
  xlu_cfg_destroy (cfg);
  if (!ok)
    g_prefix_error (error, "%s: ", source);
  return ok;
}

void
xl_readback_apply_libxl_defaults (libxl_domain_config *d_config)
{
  libxl_domain_build_info *b_info = &d_config->b_info;
  gboolean hvm = d_config->c_info.type == LIBXL_DOMAIN_TYPE_HVM;

  /* A device model of unknown version is qemu-xen (the other one,
   * qemu-xen-traditional, needs a stub domain or a build with it). */
  if (b_info->device_model
      && b_info->device_model_version == LIBXL_DEVICE_MODEL_VERSION_UNKNOWN)
    b_info->device_model_version = LIBXL_DEVICE_MODEL_VERSION_QEMU_XEN;
  /* A vif is emulated on HVM, PV elsewhere; its script is vif-bridge
   * (libxl makes it absolute in the Xen scripts directory, where it also
   * looks for a relative one). */
  for (int i = 0; i < d_config->num_nics; i++)
    {
      libxl_device_nic *nic = &d_config->nics[i];

      if (nic->nictype == LIBXL_NIC_TYPE_UNKNOWN)
        nic->nictype = hvm ? LIBXL_NIC_TYPE_VIF_IOEMU : LIBXL_NIC_TYPE_VIF;
      if (!nic->script)
        nic->script = strdup ("vif-bridge");
    }
  /* A vfb shows VNC, not SDL.  A devid of -1 is the next free one, which
   * at creation is the device's index (xl gives that index itself). */
  for (int i = 0; i < d_config->num_vfbs; i++)
    {
      libxl_defbool_setdefault (&d_config->vfbs[i].vnc.enable, true);
      libxl_defbool_setdefault (&d_config->vfbs[i].sdl.enable, false);
      if (d_config->vfbs[i].devid == -1)
        d_config->vfbs[i].devid = i;
    }
  for (int i = 0; i < d_config->num_vkbs; i++)
    if (d_config->vkbs[i].devid == -1)
      d_config->vkbs[i].devid = i;
}
