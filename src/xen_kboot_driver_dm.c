/* xen-kboot-dm's decisions (see xen_kboot_driver_dm.h). */
#include "config.h"

#include <string.h>

#include "kboot_util.h"
#include "xen_kboot_conf.h"
#include "xen_kboot_driver_dm.h"

G_DEFINE_QUARK (xen-kboot-dm-error-quark, xen_kboot_dm_error)

/* The options this front reads or removes; each takes one value. */
typedef enum {
  DM_OPT_XEN_DOMID,
  DM_OPT_NAME,
  DM_OPT_MACHINE,
  DM_OPT_KERNEL,
  DM_OPT_INITRD,
  DM_OPT_APPEND,
  DM_OPT_LAST
} DmOpt;

static const char *const dm_opt_names[DM_OPT_LAST] = {
  "xen-domid", "name", "machine", "kernel", "initrd", "append",
};

/* QEMU takes "-opt" and "--opt" alike. */
static const char *
dm_opt_name (const char *arg)
{
  if (arg[0] != '-')
    return NULL;
  return arg[1] == '-' ? arg + 2 : arg + 1;
}

static gboolean
dm_opt_is (const char *arg, const char *name)
{
  const char *opt = dm_opt_name (arg);

  return opt && strcmp (opt, name) == 0;
}

/* Which of ours @arg is, or DM_OPT_LAST.  "-M" is -machine's short form. */
static DmOpt
dm_opt_find (const char *arg)
{
  if (strcmp (arg, "-M") == 0)
    return DM_OPT_MACHINE;
  for (int i = 0; i < DM_OPT_LAST; i++)
    if (dm_opt_is (arg, dm_opt_names[i]))
      return (DmOpt) i;
  return DM_OPT_LAST;
}

/* -machine TYPE[,prop=value...]: is TYPE xenfv, the HVM machine? */
static gboolean
dm_machine_is_xenfv (const char *machine)
{
  gsize len = strcspn (machine, ",");

  /* "type=xenfv" is the long spelling of the first field. */
  if (g_str_has_prefix (machine, "type="))
    {
      machine += 5;
      len -= 5;
    }
  return len == 5 && strncmp (machine, "xenfv", 5) == 0;
}

void
xen_kboot_dm_args_parse (const char *const *argv, XenKbootDmArgs *out)
{
  const char *values[DM_OPT_LAST] = { NULL };
  gboolean attach = FALSE;
  guint64 domid = 0;

  memset (out, 0, sizeof *out);
  for (gsize i = 0; argv[i]; i++)
    {
      DmOpt opt = dm_opt_find (argv[i]);

      if (dm_opt_is (argv[i], "xen-attach"))
        attach = TRUE;
      /* libxl_dm.c: what acpi=0 (libvirt: no <acpi/>) gives qemu-xen. */
      if (dm_opt_is (argv[i], "no-acpi"))
        out->no_acpi = TRUE;
      if (opt == DM_OPT_LAST)
        continue;
      if (!argv[i + 1])
        break;                  /* QEMU itself says what is missing */
      values[opt] = argv[++i];
    }
  out->name = values[DM_OPT_NAME];
  out->kernel = values[DM_OPT_KERNEL];
  out->initrd = values[DM_OPT_INITRD];
  out->cmdline = values[DM_OPT_APPEND];

  if (!values[DM_OPT_XEN_DOMID])
    out->why_not = "no -xen-domid: not started by libxl for a domain";
  else if (!g_ascii_string_to_unsigned (values[DM_OPT_XEN_DOMID], 10, 1,
                                        0x7fef /* DOMID_FIRST_RESERVED - 1 */, &domid, NULL))
    out->why_not = "-xen-domid is not a domain id";
  else if (attach)
    out->why_not = "-xen-attach: a stub domain's or PV domain's back-ends";
  else if (!values[DM_OPT_MACHINE] || !dm_machine_is_xenfv (values[DM_OPT_MACHINE]))
    out->why_not = "not -machine xenfv: not an HVM domain";
  else if (!out->kernel)
    out->why_not = "no -kernel: the domain boots from its disks through hvmloader";
  else
    {
      out->direct = TRUE;
      out->domid = (guint32) domid;
    }
}

GStrv
xen_kboot_dm_args_without_boot (const char *argv0, const char *const *argv)
{
  g_autoptr(GStrvBuilder) out = g_strv_builder_new ();

  g_strv_builder_add (out, argv0);
  for (gsize i = 0; argv[i]; i++)
    {
      DmOpt opt = dm_opt_find (argv[i]);

      if ((opt == DM_OPT_KERNEL || opt == DM_OPT_INITRD || opt == DM_OPT_APPEND)
          && argv[i + 1])
        {
          i++;
          continue;
        }
      g_strv_builder_add (out, argv[i]);
    }
  return g_strv_builder_end (out);
}

/* ---- the configuration file ------------------------------------------- */

#define DM_CONFIG_GROUP "device-model"

void
xen_kboot_dm_config_clear (XenKbootDmConfig *config)
{
  g_clear_pointer (&config->qemu_xen, g_free);
  g_clear_pointer (&config->kernel_cache, g_free);
}

static gboolean
dm_config_check_keys (GKeyFile *keys, const char *file, GError **error)
{
  static const char *const known[] = { "qemu-xen", "verbose", "boot-path",
                                       "kernel-cache", "kernel-cache-size", NULL };
  g_auto(GStrv) groups = g_key_file_get_groups (keys, NULL);
  g_auto(GStrv) names = NULL;

  for (gsize i = 0; groups[i]; i++)
    if (strcmp (groups[i], DM_CONFIG_GROUP) != 0)
      {
        g_set_error (error, XEN_KBOOT_DM_ERROR, XEN_KBOOT_DM_ERROR_CONFIG,
                     "%s: unknown group [%s]: the only group is [%s]", file,
                     groups[i], DM_CONFIG_GROUP);
        return FALSE;
      }
  names = g_key_file_get_keys (keys, DM_CONFIG_GROUP, NULL, NULL);
  for (gsize i = 0; names && names[i]; i++)
    if (!g_strv_contains (known, names[i]))
      {
        g_set_error (error, XEN_KBOOT_DM_ERROR, XEN_KBOOT_DM_ERROR_CONFIG,
                     "%s: unknown key '%s' in [%s]: the keys are qemu-xen, "
                     "verbose, boot-path, kernel-cache and kernel-cache-size", file, names[i], DM_CONFIG_GROUP);
        return FALSE;
      }
  return TRUE;
}

/* boot-path, kernel-cache and kernel-cache-size. */
static gboolean
dm_config_parse_fast (GKeyFile *keys, const char *file, XenKbootDmConfig *config,
                      GError **error)
{
  g_autofree char *path = g_key_file_get_string (keys, DM_CONFIG_GROUP, "boot-path", NULL);
  g_autofree char *cache = g_key_file_get_string (keys, DM_CONFIG_GROUP, "kernel-cache", NULL);
  g_autofree char *size = g_key_file_get_string (keys, DM_CONFIG_GROUP,
                                                 "kernel-cache-size", NULL);
  XenKbootBootPath boot_path = XEN_KBOOT_BOOT_PATH_DIRECT;
  guint64 bytes = 0;

  if (path && !xen_kboot_boot_path_from_string (g_strstrip (path), &boot_path))
    {
      g_set_error (error, XEN_KBOOT_DM_ERROR, XEN_KBOOT_DM_ERROR_CONFIG,
                   "%s: boot-path = '%s' is not direct or fast", file, path);
      return FALSE;
    }
  if (cache && strcmp (g_strstrip (cache), "none") != 0 && !g_path_is_absolute (cache))
    {
      g_set_error (error, XEN_KBOOT_DM_ERROR, XEN_KBOOT_DM_ERROR_CONFIG,
                   "%s: kernel-cache = '%s' is not an absolute path or none",
                   file, cache);
      return FALSE;
    }
  if (size && !kboot_parse_size (g_strstrip (size), &bytes))
    {
      g_set_error (error, XEN_KBOOT_DM_ERROR, XEN_KBOOT_DM_ERROR_CONFIG,
                   "%s: kernel-cache-size = '%s' is not a size above 0 (bytes, "
                   "or with K, M or G after it)", file, size);
      return FALSE;
    }
  /* All or nothing: a refused file changes none of them. */
  if (path)
    config->fast = boot_path == XEN_KBOOT_BOOT_PATH_FAST;
  if (cache)
    {
      g_free (config->kernel_cache);
      config->kernel_cache = g_steal_pointer (&cache);
    }
  if (size)
    config->kernel_cache_size = bytes;
  return TRUE;
}

gboolean
xen_kboot_dm_config_parse (const char *data, gsize len, const char *file,
                           XenKbootDmConfig *config, GError **error)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autoptr(GError) local = NULL;
  g_autofree char *qemu = NULL;

  if (!g_key_file_load_from_data (keys, data, len, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, XEN_KBOOT_DM_ERROR, XEN_KBOOT_DM_ERROR_CONFIG,
                   "%s: %s", file, local->message);
      return FALSE;
    }
  if (!dm_config_check_keys (keys, file, error))
    return FALSE;
  qemu = g_key_file_get_string (keys, DM_CONFIG_GROUP, "qemu-xen", NULL);
  if (qemu)
    {
      g_strstrip (qemu);
      if (!g_path_is_absolute (qemu))
        {
          g_set_error (error, XEN_KBOOT_DM_ERROR, XEN_KBOOT_DM_ERROR_CONFIG,
                       "%s: qemu-xen = '%s' is not an absolute path", file, qemu);
          return FALSE;
        }
      g_free (config->qemu_xen);
      config->qemu_xen = g_steal_pointer (&qemu);
    }
  if (g_key_file_has_key (keys, DM_CONFIG_GROUP, "verbose", NULL))
    {
      gboolean verbose = g_key_file_get_boolean (keys, DM_CONFIG_GROUP, "verbose",
                                                 &local);
      if (local)
        {
          g_set_error (error, XEN_KBOOT_DM_ERROR, XEN_KBOOT_DM_ERROR_CONFIG,
                       "%s: verbose: %s (true or false)", file, local->message);
          return FALSE;
        }
      config->verbose = verbose;
    }
  return dm_config_parse_fast (keys, file, config, error);
}

gboolean
xen_kboot_dm_config_load (XenKbootDmConfig *config, const char **file, GError **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local = NULL;
  gsize len = 0;

  *file = g_getenv ("XEN_KBOOT_DM_CONF");
  if (!*file || !**file)
    *file = XEN_KBOOT_DM_CONF;
  memset (config, 0, sizeof *config);
  config->qemu_xen = g_strdup (XEN_KBOOT_QEMU_XEN);
  if (!g_file_get_contents (*file, &data, &len, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_set_error (error, XEN_KBOOT_DM_ERROR, XEN_KBOOT_DM_ERROR_CONFIG, "%s",
                   local->message);
      return FALSE;
    }
  return xen_kboot_dm_config_parse (data, len, *file, config, error);
}
