/* Domain XML: the data cases of tests/xmlconfs/ (NAME.xml with the
 * expected NAME.xl.cfg and NAME.json, or NAME.err; NAME.warn when it
 * draws warnings), read back through libxlutil's parser and libxl's JSON
 * parser, and the two formats compared as libxl configurations; the
 * serial ports of the mapping to Xen's terms; the rules that tie the kernel to the domain and the warnings,
 * as tables; and the safe-parsing rules (no DTD, no entity, no external
 * resource, bounded size).
 *
 * XEN_KBOOT_TEST_REGENERATE=1 rewrites the expected files instead of
 * comparing (and says so for each file); nothing is ever rewritten
 * otherwise. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "kboot_synth.h"
#include "xen_kboot_conf.h"
#include "xen_kboot_conf_native.h"
#include "xen_kboot_conf_schema.h"
#include "xen_kboot_conf_schema_explain.h"
#include "xen_kboot_conf_xl.h"
#include "xen_kboot_conf_xml.h"

#ifdef WITH_XEN
#include <libxl.h>
#include <libxlutil.h>
#include "xen_kboot_conf_libxl.h"
#include "xl_readback.h"
#endif

/* Expected files must not depend on the configure prefix. */
#define TEST_FIRMWARE "/usr/lib/xen-kboot/xen-kboot-fw.elf"
#define TEST_DM "/usr/lib/xen-kboot/" XEN_KBOOT_DM_NAME

/* The options domxml-to-native uses for @def, with the paths above; a
 * domain that names its own xen-kboot-dm keeps it. */
static void
test_options (XenKbootNativeOptions *options, const XenKbootDomainDef *def)
{
  xen_kboot_native_options_init (options, def);
  if (!xen_kboot_native_emulator_is_dm (def->emulator))
    options->device_model = TEST_DM;
  options->firmware = TEST_FIRMWARE;
}

static gboolean
regenerate (void)
{
  return g_strcmp0 (g_getenv ("XEN_KBOOT_TEST_REGENERATE"), "1") == 0;
}

static char *
case_path (const char *name, const char *suffix)
{
  g_autofree char *file = g_strconcat (name, suffix, NULL);
  return g_strdup (g_test_get_filename (G_TEST_DIST, "xmlconfs", file, NULL));
}

static void
compare_or_regenerate (const char *name, const char *suffix, const char *actual)
{
  g_autofree char *path = case_path (name, suffix);
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;

  if (regenerate ())
    {
      g_assert_true (g_file_set_contents (path, actual, -1, &error));
      g_test_message ("regenerated %s", path);
      printf ("# regenerated %s\n", path);
      return;
    }
  if (!g_file_get_contents (path, &expected, NULL, &error))
    g_error ("%s: %s (write it with XEN_KBOOT_TEST_REGENERATE=1 and review "
             "the result)", path, error->message);
  g_assert_cmpstr (actual, ==, expected);
}

static void
remove_if_regenerating (const char *name, const char *suffix)
{
  g_autofree char *path = case_path (name, suffix);

  if (regenerate () && g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_assert_cmpint (g_unlink (path), ==, 0);
      printf ("# removed %s\n", path);
    }
}

static char *
problems_text (GPtrArray *problems)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < problems->len; i++)
    g_string_append_printf (text, "%s\n",
                            ((const GError *) g_ptr_array_index (problems, i))->message);
  return g_string_free (text, FALSE);
}

/* Load tests/xmlconfs/NAME.xml by its base name, so that messages do not
 * depend on where the source tree is. */
static XenKbootDomainDef *
load_case (const char *name, GPtrArray *problems)
{
  g_autofree char *dir = g_path_get_dirname (g_test_get_filename (G_TEST_DIST, "xmlconfs",
                                                                  "README.md", NULL));
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *file = g_strconcat (name, ".xml", NULL);
  XenKbootDomainDef *def;

  g_assert_cmpint (g_chdir (dir), ==, 0);
  def = xen_kboot_domain_def_load (file, XEN_KBOOT_CONF_MIN_MEMORY_KIB, problems);
  g_assert_cmpint (g_chdir (cwd), ==, 0);
  return def;
}

/* The probe's facts of a synthetic bzImage of protocol @version with
 * @xloadflags at 0x236.  The bytes are written whatever the version: a
 * protocol before 2.12 has no such field, and they must not count. */
static KbootImage *
synth_image (guint16 version, guint16 xloadflags)
{
  g_autoptr(KbootSynth) synth = kboot_synth_new (version, 4, 0x10000);

  kboot_synth_put (synth, 0x236, 2, xloadflags);
  return kboot_image_probe (synth->data, synth->len, synth->len);
}

/* The kernels the cases name do not exist: each HVM case is checked
 * against a stand-in, a 64-bit bzImage, or a 32-bit one for
 * <type arch='i686'>, under the name its <kernel> gives. */
static void
check_kernel_standin (const XenKbootDomainDef *def, GPtrArray *problems)
{
  g_autoptr(KbootImage) image = NULL;
  GError *error = NULL;

  if (def->os.type != XEN_KBOOT_OS_TYPE_HVM || !def->os.kernel)
    return;
  image = synth_image (0x020f, g_strcmp0 (def->os.arch, "i686") == 0 ? 0 : 0x03);
  g_assert_true (kboot_image_is_bootable (image));
  if (!xen_kboot_domain_def_check_kernel (def, image, &error))
    g_ptr_array_add (problems, error);
}

/* NAME.warn holds the warnings of the case's own boot mode, and what its
 * configuration does to its <emulator>, one a line; no warning, no file. */
static void
check_warnings (const char *name, const XenKbootDomainDef *def,
                const XenKbootNativeOptions *options)
{
  g_auto(GStrv) warnings = xen_kboot_native_warnings (def, options);
  g_autofree char *path = case_path (name, ".warn");
  g_autofree char *joined = NULL, *text = NULL;

  if (!warnings[0])
    {
      remove_if_regenerating (name, ".warn");
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        g_error ("%s: the case draws no warning any more (remove the file "
                 "with XEN_KBOOT_TEST_REGENERATE=1)", path);
      return;
    }
  joined = g_strjoinv ("\n", warnings);
  text = g_strconcat (joined, "\n", NULL);
  compare_or_regenerate (name, ".warn", text);
}

#ifdef WITH_XEN
/* xl's own parser reads the xl.cfg back: the values it finds are those of
 * the definition. */
static void
check_xl_readback (const XenKbootDomainDef *def, const XenKbootNativeOptions *options,
                   const char *xl)
{
  XLU_Config *cfg = xlu_cfg_init (stderr, def->file);
  const char *s = NULL;
  long l = 0;
  XLU_ConfigList *list = NULL;
  int n = 0;
  gboolean direct = def->os.type == XEN_KBOOT_OS_TYPE_HVM
                    && options->mode == XEN_KBOOT_BOOT_MODE_DIRECT;

  g_assert_nonnull (cfg);
  g_assert_cmpint (xlu_cfg_readdata (cfg, xl, (int) strlen (xl)), ==, 0);
  g_assert_cmpint (xlu_cfg_get_string (cfg, "name", &s, 0), ==, 0);
  g_assert_cmpstr (s, ==, def->name);
  g_assert_cmpint (xlu_cfg_get_long (cfg, "maxmem", &l, 0), ==, 0);
  g_assert_cmpint (l, ==, (long) xen_kboot_native_kib_to_mib (def->memory_kib));
  g_assert_cmpint (xlu_cfg_get_long (cfg, "memory", &l, 0), ==, 0);
  g_assert_cmpint (l, ==, (long) xen_kboot_native_kib_to_mib (def->current_memory_kib));
  g_assert_cmpint (xlu_cfg_get_long (cfg, "vcpus", &l, 0), ==, 0);
  g_assert_cmpint (l, ==, def->vcpus);
  if (def->os.type == XEN_KBOOT_OS_TYPE_HVM)
    {
      g_assert_cmpint (xlu_cfg_get_string (cfg, "builder", &s, 0), ==, 0);
      g_assert_cmpstr (s, ==, "hvm");
    }
  /* Direct: xen-kboot-dm is the device model, given the kernel as
   * qemu-xen would be; plain xl boots it.  No firmware_override: that was
   * xen-kboot create's. */
  g_assert_cmpint (xlu_cfg_get_string (cfg, "firmware_override", &s, 1), ==, ESRCH);
  if (direct)
    {
      g_assert_cmpint (xlu_cfg_get_string (cfg, "device_model_override", &s, 0), ==, 0);
      g_assert_cmpstr (s, ==, options->device_model);
      g_assert_cmpint (xlu_cfg_get_string (cfg, "device_model_version", &s, 0), ==, 0);
      g_assert_cmpstr (s, ==, "qemu-xen");
    }
  else if (xlu_cfg_get_string (cfg, "device_model_override", &s, 1) == 0)
    {
      g_assert_cmpstr (s, ==, def->emulator);
      g_assert_false (xen_kboot_native_emulator_is_dm (s));
    }
  g_assert_cmpint (xlu_cfg_get_string (cfg, "kernel", &s, 0), ==, 0);
  g_assert_cmpstr (s, ==, def->os.kernel);
  if (def->os.initrd)
    {
      g_assert_cmpint (xlu_cfg_get_string (cfg, "ramdisk", &s, 0), ==, 0);
      g_assert_cmpstr (s, ==, def->os.initrd);
    }
  if (def->os.cmdline)
    {
      g_assert_cmpint (xlu_cfg_get_string (cfg, "cmdline", &s, 0), ==, 0);
      g_assert_cmpstr (s, ==, def->os.cmdline);
    }
  if (def->disks->len)
    {
      g_autoptr(XenKbootNative) native = xen_kboot_native_map (def, options);

      g_assert_cmpint (xlu_cfg_get_list (cfg, "disk", &list, &n, 0), ==, 0);
      g_assert_cmpint (n, ==, def->disks->len);
      for (int i = 0; i < n; i++)
        {
          const XenKbootDiskDef *disk = g_ptr_array_index (def->disks, i);
          const char *spec = xlu_cfg_get_listitem (list, i);
          libxl_device_disk x;

          libxl_device_disk_init (&x);
          g_assert_cmpint (xlu_disk_parse (cfg, 1, &spec, &x), ==, 0);
          g_assert_cmpstr (x.vdev, ==, disk->target_dev);
          /* A file or device as written; a network disk's QEMU filename,
           * its escapes read back as libxl gets them. */
          g_assert_cmpstr (x.pdev_path, ==, disk->type == XEN_KBOOT_DISK_TYPE_NETWORK
                                            ? native->disks[i].pdev_path : disk->source);
          g_assert_cmpint (x.is_cdrom, ==, disk->device == XEN_KBOOT_DISK_DEVICE_CDROM);
          libxl_device_disk_dispose (&x);
        }
    }
  else
    g_assert_cmpint (xlu_cfg_get_list (cfg, "disk", &list, &n, 1), ==, ESRCH);
  if (def->nets->len)
    {
      g_assert_cmpint (xlu_cfg_get_list (cfg, "vif", &list, &n, 0), ==, 0);
      g_assert_cmpint (n, ==, def->nets->len);
    }
  xlu_cfg_destroy (cfg);
}

/* libxl parses its own JSON back into the same configuration.  Its parser
 * needs a libxl_ctx: tests/xen_mock.c lets one exist without Xen. */
static void
check_json_roundtrip (const char *json)
{
  xentoollog_logger_stdiostream *logger = xtl_createlogger_stdiostream (stderr, XTL_ERROR, 0);
  libxl_ctx *ctx = NULL;
  libxl_domain_config config;
  char *again;

  g_assert_cmpint (libxl_ctx_alloc (&ctx, LIBXL_VERSION, 0,
                                    (xentoollog_logger *) logger), ==, 0);
  libxl_domain_config_init (&config);
  g_assert_cmpint (libxl_domain_config_from_json (ctx, &config, json), ==, 0);
  again = libxl_domain_config_to_json (ctx, &config);
  g_assert_cmpstr (again, ==, json);
  free (again);
  libxl_domain_config_dispose (&config);
  libxl_ctx_free (ctx);
  xtl_logger_destroy ((xentoollog_logger *) logger);
}

/* The builder's memory in xl.cfg's unit: MiB, rounded up as libvirt
 * does (memory, maxmem, videoram). */
static void
in_xl_units (libxl_domain_config *d_config)
{
  libxl_domain_build_info *b_info = &d_config->b_info;

  b_info->max_memkb = xen_kboot_native_kib_to_mib (b_info->max_memkb) * 1024;
  b_info->target_memkb = xen_kboot_native_kib_to_mib (b_info->target_memkb) * 1024;
  if (b_info->video_memkb != LIBXL_MEMKB_DEFAULT)
    b_info->video_memkb = xen_kboot_native_kib_to_mib (b_info->video_memkb) * 1024;
}

/* The one difference the two formats keep (their golden files say so):
 * for an HVM domain without <graphics> the builder sets u.hvm.nographic,
 * and xl.cfg has no nographic key.  It changes nothing: neither turns
 * VNC off, libxl's default turns it on, and libxl_dm.c passes
 * -nographic only when VNC and SDL are both off. */
static void
set_aside_nographic (libxl_domain_config *d_config)
{
  libxl_domain_build_info *b_info = &d_config->b_info;

  if (d_config->c_info.type == LIBXL_DOMAIN_TYPE_HVM
      && libxl_defbool_is_default (b_info->u.hvm.vnc.enable)
      && libxl_defbool_is_default (b_info->u.hvm.sdl.enable))
    libxl_defbool_unset (&b_info->u.hvm.nographic);
}

/* Differences that libvirt's own two writers keep for a "pci" entry:
 * xl gives it xl's global pci_msitranslate=1 and libxlutil a vfunc_mask
 * of 1 (one function), where libvirt's libxl driver (libxlMakePCI) keeps
 * libxl_device_pci_init()'s 0s; libxl_pci.c tells only LIBXL_PCI_FUNC_ALL
 * apart, so 0 and 1 assign the same single function. */
static void
set_aside_pci_xl_defaults (libxl_domain_config *d_config)
{
  for (int i = 0; i < d_config->num_pcidevs; i++)
    {
      d_config->pcidevs[i].msitranslate = false;
      if (d_config->pcidevs[i].vfunc_mask == 1)
        d_config->pcidevs[i].vfunc_mask = 0;
    }
}

static char *
comparable_json (libxl_domain_config *d_config)
{
  char *json, *copy;

  xl_readback_apply_libxl_defaults (d_config);
  set_aside_nographic (d_config);
  set_aside_pci_xl_defaults (d_config);
  json = libxl_domain_config_to_json (NULL, d_config);
  g_assert_nonnull (json);
  copy = g_strdup (json);
  free (json);
  return copy;
}

/* The two native formats are the same domain: the xl.cfg, read back the
 * way xl reads it (libxlutil, and tests/xl_readback.c for the step from
 * keys to d_config that lives in xl itself), has the JSON of the libxl
 * builder's configuration, serials and vifs included, once the builder's
 * memory is in MiB and libxl's own defaults fill what either leaves to
 * libxl (xl_readback_apply_libxl_defaults). */
static void
test_formats_agree (gconstpointer data)
{
  const char *name = data;
  g_autoptr(GPtrArray) problems = xen_kboot_conf_problems_new ();
  g_autoptr(XenKbootDomainDef) def = load_case (name, problems);
  g_autoptr(GError) error = NULL;
  g_autofree char *xl = NULL, *from_xl = NULL, *from_builder = NULL;
  XenKbootNativeOptions options;
  libxl_domain_config read_back, built;
  gboolean ok;

  g_assert_nonnull (def);
  test_options (&options, def);
  xl = xen_kboot_xl_format (def, &options, &error);
  g_assert_no_error (error);
  libxl_domain_config_init (&read_back);
  libxl_domain_config_init (&built);
  ok = xl_readback_parse (def->file, xl, &read_back, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  ok = xen_kboot_libxl_build (def, &options, &built, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  in_xl_units (&built);
  from_xl = comparable_json (&read_back);
  from_builder = comparable_json (&built);
  g_assert_cmpstr (from_xl, ==, from_builder);
  libxl_domain_config_dispose (&read_back);
  libxl_domain_config_dispose (&built);
}
#endif

/* ---- libvirt's xen-xl writer (tests/xlconfigdata/) ---- */

/* What libvirt's writer spells out and xl, libxl or QEMU take as the
 * default anyway: serial "none" (libxl_dm.c runs QEMU with -nodefaults:
 * no -serial is no port; "parallel", which xl does not read, is checked
 * to be "none" by tests/xl_readback.c), viridian
 * off, and the VGA card and its RAM left to libxl (cirrus, 8 MiB with
 * qemu-xen; 16 MiB for stdvga). */
static void
set_aside_libvirt_defaults (libxl_domain_config *d_config)
{
  libxl_domain_build_info *b_info = &d_config->b_info;

  if (d_config->c_info.type != LIBXL_DOMAIN_TYPE_HVM)
    return;
  if (g_strcmp0 (b_info->u.hvm.serial, "none") == 0)
    g_clear_pointer (&b_info->u.hvm.serial, free);
  libxl_defbool_setdefault (&b_info->u.hvm.viridian, false);
  if (b_info->u.hvm.vga.kind == LIBXL_VGA_INTERFACE_TYPE_UNKNOWN)
    b_info->u.hvm.vga.kind = LIBXL_VGA_INTERFACE_TYPE_CIRRUS;
  if (b_info->video_memkb == LIBXL_MEMKB_DEFAULT)
    b_info->video_memkb = b_info->u.hvm.vga.kind == LIBXL_VGA_INTERFACE_TYPE_STD
                          ? 16 * 1024 : 8 * 1024;
}

static char *
libvirt_comparable_json (const char *source, const char *xl)
{
  g_autoptr(GError) error = NULL;
  libxl_domain_config d_config;
  char *json;
  gboolean ok;

  libxl_domain_config_init (&d_config);
  ok = xl_readback_parse (source, xl, &d_config, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  set_aside_libvirt_defaults (&d_config);
  json = comparable_json (&d_config);
  libxl_domain_config_dispose (&d_config);
  return json;
}

/* NAME.xml converted in device-model mode (libvirt's own: qemu-xen
 * loads the kernel) is the domain of NAME.cfg, which follows what
 * libvirt's xenFormatXL writes for the same XML (tests/xlconfigdata/
 * README.md): both read back as xl reads them, compared as libxl
 * configurations, so that order, quoting and spelt-out defaults do not
 * count. */
static void
test_libvirt_xl (gconstpointer data)
{
  const char *name = data;
  g_autofree char *dir = g_path_get_dirname (g_test_get_filename (G_TEST_DIST, "xlconfigdata",
                                                                  "README.md", NULL));
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *xml = g_strconcat (name, ".xml", NULL);
  g_autofree char *cfg = g_strconcat (name, ".cfg", NULL);
  g_autoptr(GPtrArray) problems = xen_kboot_conf_problems_new ();
  g_autoptr(XenKbootDomainDef) def = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ours = NULL, *theirs = NULL;
  g_autofree char *ours_json = NULL, *theirs_json = NULL;
  XenKbootNativeOptions options;

  g_assert_cmpint (g_chdir (dir), ==, 0);
  def = xen_kboot_domain_def_load (xml, XEN_KBOOT_CONF_MIN_MEMORY_KIB, problems);
  g_assert_true (g_file_get_contents (cfg, &theirs, NULL, &error));
  g_assert_cmpint (g_chdir (cwd), ==, 0);
  g_assert_no_error (error);
  if (def)
    {
      xen_kboot_native_options_init (&options, def);
      options.mode = XEN_KBOOT_BOOT_MODE_DEVICE_MODEL;
      xen_kboot_domain_def_check_mode (def, options.mode, problems);
    }
  if (problems->len)
    {
      g_autofree char *text = problems_text (problems);
      g_error ("%s should convert:\n%s", xml, text);
    }
  ours = xen_kboot_xl_format (def, &options, &error);
  g_assert_no_error (error);
  ours_json = libvirt_comparable_json (xml, ours);
  theirs_json = libvirt_comparable_json (cfg, theirs);
  if (g_strcmp0 (ours_json, theirs_json) != 0)
    g_test_message ("xen-kboot wrote:\n%s", ours);
  g_assert_cmpstr (ours_json, ==, theirs_json);
}

static void
test_case (gconstpointer data)
{
  const char *name = data;
  g_autoptr(GPtrArray) problems = xen_kboot_conf_problems_new ();
  g_autoptr(XenKbootDomainDef) def = load_case (name, problems);
  g_autofree char *err_path = case_path (name, ".err");
  gboolean expect_error = g_str_has_prefix (name, "err-")
                          || g_file_test (err_path, G_FILE_TEST_EXISTS);
  XenKbootNativeOptions options;
  g_autofree char *xl = NULL;
  g_autoptr(GError) error = NULL;

  /* A definition comes back exactly when the document had no problem. */
  g_assert_cmpint (def != NULL, ==, problems->len == 0);
  if (def)
    {
      check_kernel_standin (def, problems);
      test_options (&options, def);
      xen_kboot_domain_def_check_mode (def, options.mode, problems);
    }
  if (expect_error)
    {
      g_autofree char *text = problems_text (problems);

      g_assert_cmpuint (problems->len, >, 0);
      compare_or_regenerate (name, ".err", text);
      return;
    }
  if (problems->len)
    {
      g_autofree char *text = problems_text (problems);
      g_error ("%s.xml should be valid:\n%s", name, text);
    }
  g_assert_nonnull (def);
  remove_if_regenerating (name, ".err");

  check_warnings (name, def, &options);
  /* Valid, but not convertible as it stands (an <interface type='network'>
   * read from a file): NAME.native-err holds what domxml-to-native says. */
  if (!xen_kboot_native_check (def, problems))
    {
      g_autofree char *text = problems_text (problems);

      compare_or_regenerate (name, ".native-err", text);
      return;
    }
  remove_if_regenerating (name, ".native-err");
  xl = xen_kboot_xl_format (def, &options, &error);
  g_assert_no_error (error);
  compare_or_regenerate (name, ".xl.cfg", xl);
#ifdef WITH_XEN
  {
    g_autofree char *json = xen_kboot_libxl_to_json (def, &options, &error);

    g_assert_no_error (error);
    compare_or_regenerate (name, ".json", json);
    check_xl_readback (def, &options, xl);
    check_json_roundtrip (json);
  }
#else
  g_test_message ("built without libxl: NAME.json and the xl read-back not checked");
#endif
}

/* ---- the rules that tie the kernel to the domain ---- */

#define NEEDS_PAE "the kernel is 64-bit (xloadflags XLF_KERNEL_64) but " \
  "<features> has no <pae/>: Xen hides PAE and long mode from the guest " \
  "and the kernel halts; add <pae/> to <features>"

static void
test_kernel_rules (void)
{
  static const struct {
    const char *name;
    const char *virt_type;
    XenKbootOsType os_type;
    gboolean pae;
    guint16 version;
    guint16 xloadflags;
    int kernel_line;             /* 0: not known (the hook) */
    const char *message;         /* NULL: accepted */
  } cases[] = {
    { "64-bit, no <pae/>", "xen", XEN_KBOOT_OS_TYPE_HVM, FALSE, 0x020f, 0x03, 8,
      "dom.xml:8: <kernel>: /boot/vmlinuz: " NEEDS_PAE },
    { "64-bit with <pae/>", "xen", XEN_KBOOT_OS_TYPE_HVM, TRUE, 0x020f, 0x03, 8, NULL },
    { "KERNEL_64 alone (2.12)", "xen", XEN_KBOOT_OS_TYPE_HVM, FALSE, 0x020c, 0x01, 8,
      "dom.xml:8: <kernel>: /boot/vmlinuz: " NEEDS_PAE },
    { "32-bit, no <pae/>", "xen", XEN_KBOOT_OS_TYPE_HVM, FALSE, 0x020f, 0x00, 8, NULL },
    { "32-bit, CAN_BE_LOADED_ABOVE_4G only", "xen", XEN_KBOOT_OS_TYPE_HVM, FALSE,
      0x020f, 0x02, 8, NULL },
    { "protocol 2.11: no xloadflags, whatever the bytes", "xen",
      XEN_KBOOT_OS_TYPE_HVM, FALSE, 0x020b, 0x03, 8, NULL },
    { "not Xen: KVM keeps long mode", "kvm", XEN_KBOOT_OS_TYPE_HVM, FALSE,
      0x020f, 0x03, 8, NULL },
    { "PV: libxenguest's business", "xen", XEN_KBOOT_OS_TYPE_XEN, FALSE,
      0x020f, 0x03, 8, NULL },
    { "line not known", "xen", XEN_KBOOT_OS_TYPE_HVM, FALSE, 0x020f, 0x03, 0,
      "dom.xml: <kernel>: /boot/vmlinuz: " NEEDS_PAE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(KbootImage) image = synth_image (cases[i].version, cases[i].xloadflags);
      g_autoptr(GError) error = NULL;
      XenKbootDomainDef def = { 0 };
      gboolean ok;

      g_test_message ("%s", cases[i].name);
      def.file = (char *) "dom.xml";
      def.virt_type = (char *) cases[i].virt_type;
      def.os.type = cases[i].os_type;
      def.os.kernel = (char *) "/boot/vmlinuz";
      def.os.kernel_loc.line = cases[i].kernel_line;
      def.pae = cases[i].pae;
      ok = xen_kboot_domain_def_check_kernel (&def, image, &error);
      if (!cases[i].message)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          continue;
        }
      g_assert_false (ok);
      g_assert_error (error, XEN_KBOOT_CONF_ERROR, XEN_KBOOT_CONF_ERROR_KERNEL_NEEDS_PAE);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
test_warnings (void)
{
  static const struct {
    const char *name;
    XenKbootOsType os_type;
    const char *kernel;
    guint max_vcpus;
    gboolean acpi;
    XenKbootBootMode mode;
    const char *warning;         /* NULL: none */
    const char *emulator;
  } cases[] = {
    { "direct, 4 vCPUs, <acpi/>: the loader's ACPI tables list them",
      XEN_KBOOT_OS_TYPE_HVM, "/boot/vmlinuz", 4, TRUE,
      XEN_KBOOT_BOOT_MODE_DIRECT, NULL },
    { "through xen-kboot-dm, 4 vCPUs, <acpi/>", XEN_KBOOT_OS_TYPE_HVM,
      "/boot/vmlinuz", 4, TRUE, XEN_KBOOT_BOOT_MODE_DIRECT, NULL,
      "/usr/lib/xen-kboot/xen-kboot-dm" },
    { "direct, 2 vCPUs, no <acpi/>: no tables at all", XEN_KBOOT_OS_TYPE_HVM,
      "/boot/vmlinuz", 2, FALSE, XEN_KBOOT_BOOT_MODE_DIRECT,
      "dom.xml:5: <vcpu>2</vcpu> without <acpi/> in <features>: direct boot "
      "then gives the guest no ACPI tables and xen-kboot builds no MP tables, "
      "so it will see 1 CPU (and power off only by halting); add <acpi/> for "
      "all vCPUs" },
    { "direct, 1 vCPU, no <acpi/>", XEN_KBOOT_OS_TYPE_HVM, "/boot/vmlinuz", 1,
      FALSE, XEN_KBOOT_BOOT_MODE_DIRECT, NULL },
    { "device-model: hvmloader's MP tables", XEN_KBOOT_OS_TYPE_HVM,
      "/boot/vmlinuz", 4, FALSE, XEN_KBOOT_BOOT_MODE_DEVICE_MODEL, NULL },
    { "PV: libxl starts every vCPU", XEN_KBOOT_OS_TYPE_XEN, "/boot/vmlinuz", 4,
      FALSE, XEN_KBOOT_BOOT_MODE_DIRECT, NULL },
    { "no kernel: no direct boot", XEN_KBOOT_OS_TYPE_HVM, NULL, 2, FALSE,
      XEN_KBOOT_BOOT_MODE_DIRECT, NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      XenKbootDomainDef def = { 0 };
      g_auto(GStrv) warnings = NULL;

      g_test_message ("%s", cases[i].name);
      def.file = (char *) "dom.xml";
      def.virt_type = (char *) "xen";
      def.os.type = cases[i].os_type;
      def.os.kernel = (char *) cases[i].kernel;
      def.max_vcpus = def.vcpus = cases[i].max_vcpus;
      def.acpi = cases[i].acpi;
      def.vcpu_loc.line = 5;
      def.emulator = (char *) cases[i].emulator;
      warnings = xen_kboot_domain_def_warnings (&def, cases[i].mode);
      g_assert_nonnull (warnings);
      if (!cases[i].warning)
        {
          g_assert_null (warnings[0]);
          continue;
        }
      g_assert_cmpstr (warnings[0], ==, cases[i].warning);
      g_assert_null (warnings[1]);
    }
}

/* ---- the mapping to Xen's terms ---- */

/* xen-kboot-dm by its file name, wherever it is installed. */
static void
test_emulator_is_dm (void)
{
  static const struct {
    const char *emulator;
    gboolean dm;
  } cases[] = {
    { "/usr/lib/xen-kboot/xen-kboot-dm", TRUE },
    { "/usr/local/lib/xen-kboot/xen-kboot-dm", TRUE },
    { "/home/admin/src/xen-kboot/build/tools/xen-kboot-dm", TRUE },
    { "/usr/lib/xen-kboot/xen-kboot-dm/", TRUE },
    { "/usr/lib/xen-4.17/bin/qemu-system-i386", FALSE },
    { "/usr/lib/xen-kboot/xen-kboot-dm.sh", FALSE },
    { "/usr/lib/xen-kboot/xen-kboot-dm-wrapper", FALSE },
    { "/usr/lib/xen-kboot-dm/qemu", FALSE },
    { "", FALSE },
    { NULL, FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i].emulator ? cases[i].emulator : "(none)");
      g_assert_cmpint (xen_kboot_native_emulator_is_dm (cases[i].emulator), ==,
                       cases[i].dm);
    }
}

#define DM "/usr/lib/xen-kboot/xen-kboot-dm"
#define QEMU_XEN "/usr/lib/xen-4.17/bin/qemu-system-i386"
#define DIRECT XEN_KBOOT_BOOT_MODE_DIRECT
#define DEVICE_MODEL XEN_KBOOT_BOOT_MODE_DEVICE_MODEL
#define CREATE XEN_KBOOT_NATIVE_LOADER_CREATE
#define THROUGH_DM XEN_KBOOT_NATIVE_LOADER_DM

/* The boot-mode rule (metadata, else <emulator>, else the caller's
 * default), its one contradiction, and what each boot gives the
 * toolstack: the device model, the firmware and the kernel. */
static void
test_boot_mode (void)
{
  static const struct {
    const char *name;
    gboolean meta_set;
    XenKbootBootMode meta;
    const char *emulator;
    XenKbootBootMode commands, hook;      /* the rule's answer for each */
    gboolean conflict;
  } rules[] = {
    { "nothing said", FALSE, DIRECT, NULL, DIRECT, DEVICE_MODEL, FALSE },
    { "qemu-xen", FALSE, DIRECT, QEMU_XEN, DIRECT, DEVICE_MODEL, FALSE },
    { "xen-kboot-dm", FALSE, DIRECT, DM, DIRECT, DIRECT, FALSE },
    { "xen-kboot-dm in a build tree", FALSE, DIRECT, "/src/build/xen-kboot-dm",
      DIRECT, DIRECT, FALSE },
    { "metadata direct, qemu-xen", TRUE, DIRECT, QEMU_XEN, DIRECT, DIRECT, FALSE },
    { "metadata direct, xen-kboot-dm", TRUE, DIRECT, DM, DIRECT, DIRECT, FALSE },
    { "metadata device-model", TRUE, DEVICE_MODEL, NULL, DEVICE_MODEL,
      DEVICE_MODEL, FALSE },
    { "metadata device-model, qemu-xen", TRUE, DEVICE_MODEL, QEMU_XEN,
      DEVICE_MODEL, DEVICE_MODEL, FALSE },
    { "metadata device-model, xen-kboot-dm", TRUE, DEVICE_MODEL, DM,
      DEVICE_MODEL, DEVICE_MODEL, TRUE },
  };
  static const struct {
    const char *name;
    const char *emulator;
    XenKbootBootMode mode;
    XenKbootNativeLoader loader;
    const char *device_model;             /* what the toolstack starts */
    gboolean firmware, kernel;            /* u.hvm.firmware, b_info->kernel */
  } boots[] = {
    { "direct through xen-kboot-dm", NULL, DIRECT, THROUGH_DM, "/opt/dm",
      FALSE, TRUE },
    { "... replaces another emulator", QEMU_XEN, DIRECT, THROUGH_DM, "/opt/dm",
      FALSE, TRUE },
    { "direct by create", NULL, DIRECT, CREATE, NULL, TRUE, FALSE },
    { "... keeps another emulator", QEMU_XEN, DIRECT, CREATE, QEMU_XEN,
      TRUE, FALSE },
    { "... gives xen-kboot-dm's domain plain qemu-xen", DM, DIRECT, CREATE, NULL,
      TRUE, FALSE },
    { "device-model", NULL, DEVICE_MODEL, THROUGH_DM, NULL, FALSE, TRUE },
    { "... keeps another emulator", QEMU_XEN, DEVICE_MODEL, THROUGH_DM, QEMU_XEN,
      FALSE, TRUE },
    { "... drops xen-kboot-dm", DM, DEVICE_MODEL, THROUGH_DM, NULL, FALSE, TRUE },
    { "... by create, drops xen-kboot-dm", DM, DEVICE_MODEL, CREATE, NULL,
      FALSE, TRUE },
  };
  const char *xml_head = "<domain type='xen'><name>m</name><memory unit='MiB'>512</memory>";
  const char *xml_os = "<os><type arch='x86_64'>hvm</type><kernel>/boot/vmlinuz"
                       "</kernel></os><features><pae/></features>";

  for (gsize i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      g_autoptr(GPtrArray) problems = xen_kboot_conf_problems_new ();
      g_autofree char *meta = rules[i].meta_set
        ? g_strdup_printf ("<metadata>\n<kboot:boot xmlns:kboot='"
                           XEN_KBOOT_CONF_NAMESPACE "' mode='%s'/></metadata>",
                           xen_kboot_boot_mode_to_string (rules[i].meta))
        : g_strdup ("");
      g_autofree char *devices = rules[i].emulator
        ? g_strdup_printf ("<devices><emulator>%s</emulator></devices>",
                           rules[i].emulator)
        : g_strdup ("");
      g_autofree char *xml = g_strconcat (xml_head, meta, xml_os, devices,
                                          "</domain>", NULL);
      g_autoptr(XenKbootDomainDef) def = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", rules[i].name);
      def = xen_kboot_domain_def_load_all ("m.xml", xml, strlen (xml),
                                           XEN_KBOOT_CONF_MIN_MEMORY_KIB, problems);
      g_assert_nonnull (def);
      g_assert_cmpint (xen_kboot_native_boot_mode (def, DIRECT), ==, rules[i].commands);
      g_assert_cmpint (xen_kboot_native_boot_mode (def, DEVICE_MODEL), ==, rules[i].hook);
      g_assert_cmpint (xen_kboot_native_check_boot_mode (def, &error), ==,
                       !rules[i].conflict);
      if (!rules[i].conflict)
        {
          g_assert_no_error (error);
          g_assert_cmpuint (problems->len, ==, 0);
          continue;
        }
      /* At the metadata element's line, in validate's problems too. */
      g_assert_error (error, XEN_KBOOT_CONF_ERROR, XEN_KBOOT_CONF_ERROR_BOOT_MODE_CONFLICT);
      g_assert_cmpstr (error->message, ==,
                       "m.xml:2: <kboot:boot>: mode='device-model' contradicts "
                       "<emulator> " DM ": libvirt and xl start xen-kboot-dm, "
                       "which boots the kernel directly; use mode='direct', or "
                       "another <emulator> to hand the kernel to qemu-xen");
      g_assert_cmpuint (problems->len, ==, 1);
      g_assert_cmpstr (((GError *) g_ptr_array_index (problems, 0))->message, ==,
                       error->message);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (boots); i++)
    {
      XenKbootDomainDef def = { 0 };
      XenKbootNativeOptions options = { 0 };
      g_autoptr(XenKbootNative) native = NULL;
      g_autoptr(GPtrArray) empty = g_ptr_array_new ();

      g_test_message ("%s", boots[i].name);
      def.file = (char *) "m.xml";
      def.name = (char *) "m";
      def.os.type = XEN_KBOOT_OS_TYPE_HVM;
      def.os.kernel = (char *) "/boot/vmlinuz";
      def.emulator = (char *) boots[i].emulator;
      def.disks = def.nets = def.graphics = def.chrs = def.inputs = empty;
      options.mode = boots[i].mode;
      options.loader = boots[i].loader;
      options.device_model = "/opt/dm";
      options.firmware = "/opt/fw.elf";
      native = xen_kboot_native_map (&def, &options);
      g_assert_cmpstr (native->device_model, ==, boots[i].device_model);
      g_assert_cmpstr (native->firmware, ==, boots[i].firmware ? "/opt/fw.elf" : NULL);
      g_assert_cmpstr (native->kernel, ==, boots[i].kernel ? "/boot/vmlinuz" : NULL);
    }
}

/* Each serial on the ttyS of its port, whichever the format: the list
 * both formats print, "|"-joined ("" for no serial port). */
static void
test_serial_ports (void)
{
  static const struct {
    const char *name;
    XenKbootOsType type;
    const char *devices;
    const char *serials;
  } cases[] = {
    { "ports 0, 1 and 3: null holds port 2", XEN_KBOOT_OS_TYPE_HVM,
      "<serial type='pty'><target port='0'/></serial>"
      "<serial type='vc'><target port='1'/></serial>"
      "<serial type='stdio'><target port='3'/></serial>",
      "pty|vc|null|stdio" },
    { "port 2 alone", XEN_KBOOT_OS_TYPE_HVM,
      "<serial type='file'><source path='/tmp/s'/><target port='2'/></serial>",
      "null|null|file:/tmp/s" },
    { "no ports: in order", XEN_KBOOT_OS_TYPE_HVM,
      "<serial type='pty'/><serial type='vc'/>",
      "pty|vc" },
    { "no port: the one after the previous serial's", XEN_KBOOT_OS_TYPE_HVM,
      "<serial type='pty'><target port='1'/></serial><serial type='vc'/>",
      "null|pty|vc" },
    { "a console beside a serial is its alias", XEN_KBOOT_OS_TYPE_HVM,
      "<serial type='pty'><target port='0'/></serial>"
      "<console type='pty'><target type='serial' port='0'/></console>",
      "pty" },
    { "a serial console alone", XEN_KBOOT_OS_TYPE_HVM,
      "<console type='pty'><target type='serial' port='0'/></console>",
      "pty" },
    { "a Xen console is no serial port", XEN_KBOOT_OS_TYPE_HVM,
      "<console type='pty'><target type='xen' port='0'/></console>",
      "" },
    { "PV: no emulated serial port", XEN_KBOOT_OS_TYPE_XEN,
      "<serial type='pty'><target port='0'/></serial>",
      "" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) problems = xen_kboot_conf_problems_new ();
      g_autofree char *xml = g_strdup_printf (
        "<domain type='xen'><name>s</name><memory unit='MiB'>512</memory>"
        "<os><type arch='x86_64'>%s</type><kernel>/boot/vmlinuz</kernel></os>"
        "<features><pae/></features><devices>%s</devices></domain>",
        xen_kboot_os_type_to_string (cases[i].type), cases[i].devices);
      g_autoptr(XenKbootDomainDef) def = NULL;
      g_autoptr(XenKbootNative) native = NULL;
      GString *serials = g_string_new (NULL);
      XenKbootNativeOptions options;

      g_test_message ("%s", cases[i].name);
      def = xen_kboot_domain_def_load_buffer (xml, strlen (xml), "s.xml",
                                              XEN_KBOOT_CONF_MIN_MEMORY_KIB, problems);
      g_assert_cmpuint (problems->len, ==, 0);
      xen_kboot_native_options_init (&options, def);
      native = xen_kboot_native_map (def, &options);
      g_assert_cmpuint (native->n_serials, <=, XEN_KBOOT_NATIVE_SERIAL_PORTS);
      for (guint port = 0; port < native->n_serials; port++)
        g_string_append_printf (serials, "%s%s", port ? "|" : "", native->serials[port]);
      g_assert_cmpstr (serials->str, ==, cases[i].serials);
      g_string_free (serials, TRUE);
    }
}

/* ---- memory units ---- */

static void
test_units (void)
{
  static const struct {
    guint64 value;
    const char *unit;
    gboolean ok;
    guint64 bytes;
  } cases[] = {
    { 1, NULL, TRUE, 1024 },
    { 1, "", TRUE, 1024 },
    { 7, "b", TRUE, 7 },
    { 7, "bytes", TRUE, 7 },
    { 7, "Byte", TRUE, 7 },
    { 1, "k", TRUE, 1024 },
    { 1, "KiB", TRUE, 1024 },
    { 1, "KB", TRUE, 1000 },
    { 1, "M", TRUE, 1024 * 1024 },
    { 1, "MiB", TRUE, 1024 * 1024 },
    { 1, "MB", TRUE, 1000 * 1000 },
    { 3, "G", TRUE, G_GUINT64_CONSTANT (3) << 30 },
    { 3, "GiB", TRUE, G_GUINT64_CONSTANT (3) << 30 },
    { 2, "T", TRUE, G_GUINT64_CONSTANT (2) << 40 },
    { 2, "tib", TRUE, G_GUINT64_CONSTANT (2) << 40 },
    { 1, "P", TRUE, G_GUINT64_CONSTANT (1) << 50 },
    { 15, "EiB", TRUE, G_GUINT64_CONSTANT (15) << 60 },
    { 16, "EiB", FALSE, 0 },
    { 1, "XB", FALSE, 0 },
    { 1, "KiBB", FALSE, 0 },
    { G_MAXUINT64, "KiB", FALSE, 0 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint64 bytes = 0;
      gboolean ok = xen_kboot_conf_scale_to_bytes (cases[i].value, cases[i].unit, &bytes);

      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        g_assert_cmpuint (bytes, ==, cases[i].bytes);
    }
}

/* ---- safe parsing ---- */

static void
assert_refused_quickly (const char *xml, XenKbootXmlError code, const char *needle)
{
  g_autoptr(GError) error = NULL;
  guint attempts = xen_kboot_xml_external_load_attempts ();
  gint64 start = g_get_monotonic_time ();
  g_autoptr(xmlDoc) doc = xen_kboot_xml_parse (xml, strlen (xml), "test.xml", &error);

  g_assert_null (doc);
  g_assert_error (error, XEN_KBOOT_XML_ERROR, (gint) code);
  g_assert_nonnull (strstr (error->message, needle));
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  g_assert_cmpuint (xen_kboot_xml_external_load_attempts (), ==, attempts);
}

static void
test_billion_laughs (void)
{
  g_autofree char *path = g_strdup (g_test_get_filename (G_TEST_DIST, "xmlconfs",
                                                         "err-billion-laughs.xml", NULL));
  g_autofree char *xml = NULL;

  g_assert_true (g_file_get_contents (path, &xml, NULL, NULL));
  assert_refused_quickly (xml, XEN_KBOOT_XML_ERROR_DOCTYPE,
                          "test.xml:2: document type declaration <!DOCTYPE domain> refused");
}

/* The external resource is a FIFO: opening it for reading would block
 * until a writer comes, so a parser that tried would hang the test. */
static void
test_external_entity (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kboot-xxe-XXXXXX", NULL);
  g_autofree char *fifo = g_build_filename (dir, "secret", NULL);
  g_autofree char *xml_entity = NULL, *xml_dtd = NULL, *xml_param = NULL;

  g_assert_nonnull (dir);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  xml_entity = g_strdup_printf ("<?xml version='1.0'?>\n"
                                "<!DOCTYPE domain [ <!ENTITY s SYSTEM 'file://%s'> ]>\n"
                                "<domain type='xen'><name>&s;</name></domain>\n", fifo);
  xml_dtd = g_strdup_printf ("<!DOCTYPE domain SYSTEM 'file://%s'>\n"
                             "<domain type='xen'><name>x</name></domain>\n", fifo);
  xml_param = g_strdup_printf ("<!DOCTYPE domain [ <!ENTITY %% p SYSTEM '%s'> %%p; ]>\n"
                               "<domain type='xen'><name>x</name></domain>\n", fifo);
  assert_refused_quickly (xml_entity, XEN_KBOOT_XML_ERROR_DOCTYPE, "test.xml:2: document type");
  assert_refused_quickly (xml_dtd, XEN_KBOOT_XML_ERROR_DOCTYPE, "test.xml:1: document type");
  assert_refused_quickly (xml_param, XEN_KBOOT_XML_ERROR_DOCTYPE, "test.xml:1: document type");
  /* An undeclared entity is just malformed. */
  assert_refused_quickly ("<domain type='xen'><name>&s;</name></domain>",
                          XEN_KBOOT_XML_ERROR_MALFORMED, "Entity 's' not defined");
  g_unlink (fifo);
  g_rmdir (dir);
}

static void
test_size_limit (void)
{
  gsize len = XEN_KBOOT_XML_MAX_SIZE + 1;
  g_autofree char *xml = g_malloc (len + 1);
  g_autofree char *dir = g_dir_make_tmp ("kboot-big-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "big.xml", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = NULL;

  memset (xml, ' ', len);
  memcpy (xml, "<domain>", 8);
  memcpy (xml + len - 9, "</domain>", 9);
  xml[len] = '\0';
  doc = xen_kboot_xml_parse (xml, len, "big.xml", &error);
  g_assert_null (doc);
  g_assert_error (error, XEN_KBOOT_XML_ERROR, XEN_KBOOT_XML_ERROR_TOO_LARGE);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (path, xml, (gssize) len, NULL));
  doc = xen_kboot_xml_read_file (path, &error);
  g_assert_null (doc);
  g_assert_error (error, XEN_KBOOT_XML_ERROR, XEN_KBOOT_XML_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* Not a regular file. */
  doc = xen_kboot_xml_read_file (dir, &error);
  g_assert_null (doc);
  g_assert_error (error, XEN_KBOOT_XML_ERROR, XEN_KBOOT_XML_ERROR_READ);
  g_unlink (path);
  g_rmdir (dir);
}

/* Deep nesting stops at libxml2's depth limit (no XML_PARSE_HUGE). */
static void
test_depth_limit (void)
{
  GString *xml = g_string_new ("<domain>");
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = NULL;

  for (int i = 0; i < 100000; i++)
    g_string_append (xml, "<a>");
  doc = xen_kboot_xml_parse (xml->str, xml->len, "deep.xml", &error);
  g_assert_null (doc);
  g_assert_error (error, XEN_KBOOT_XML_ERROR, XEN_KBOOT_XML_ERROR_MALFORMED);
  g_string_free (xml, TRUE);
}

/* What follows the root element: a second element is named (the
 * <domain> after <domain> of virt-install --print-xml --location has the
 * exact message of err-second-domain.err); other extra content stays
 * libxml2's. */
static void
test_second_root (void)
{
  static const struct {
    const char *xml;
    XenKbootXmlError code;
    const char *message;
  } cases[] = {
    { "<domain type='xen'/>\n<foo a='1'/>\n", XEN_KBOOT_XML_ERROR_SECOND_ROOT,
      "two.xml:2: a second root element <foo> after <domain>: an XML "
      "document has one; keep one document per file" },
    { "<domain type='xen'/><domain", XEN_KBOOT_XML_ERROR_SECOND_ROOT,
      "two.xml:1: a second <domain>: virt-install --print-xml prints the "
      "install-time and the installed domain; keep one document per file" },
    { "<domain type='xen'/>\ntext\n", XEN_KBOOT_XML_ERROR_MALFORMED,
      "two.xml:2: malformed XML: Extra content at the end of the document" },
    { "<domain type='xen'/>\n</domain>\n", XEN_KBOOT_XML_ERROR_MALFORMED,
      "two.xml:2: malformed XML: Extra content at the end of the document" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(xmlDoc) doc = xen_kboot_xml_parse (cases[i].xml, strlen (cases[i].xml),
                                                   "two.xml", &error);

      g_test_message ("%s", cases[i].xml);
      g_assert_null (doc);
      g_assert_error (error, XEN_KBOOT_XML_ERROR, (gint) cases[i].code);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

/* ---- reporting ---- */

static void
test_ignored_summary (void)
{
  g_autoptr(GPtrArray) problems = xen_kboot_conf_problems_new ();
  g_autoptr(XenKbootDomainDef) def = load_case ("hvm-ignored-elements", problems);
  g_autofree char *summary = NULL;

  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_nonnull (def);
  summary = xen_kboot_domain_def_ignored_summary (def);
  g_assert_cmpstr (summary, ==,
                   "hvm-ignored-elements.xml: ignored by xen-kboot: "
                   "/domain/title (line 3), /domain/cpu (line 5), "
                   "/domain/os/bootmenu (line 9), /domain/features/hap (line 14), "
                   "/domain/clock/timer (line 17), /domain/pm (line 19), "
                   "/domain/devices/disk/address (line 26), "
                   "/domain/devices/controller (lines 28, 29), "
                   "/domain/devices/memballoon (line 30)");
}

/* An element the schema refuses is reported as such, not also as ignored. */
static void
test_refused_not_ignored (void)
{
  static const char xml[] =
    "<domain type='xen'>\n"
    "  <name>refused</name>\n"
    "  <memory unit='MiB'>512</memory>\n"
    "  <os><type>hvm</type><kernel>/vmlinuz</kernel></os>\n"
    "  <pm/>\n"
    "  <devices>\n"
    "    <nic type='bridge'/>\n"
    "    <controller type='usb'/>\n"
    "  </devices>\n"
    "</domain>\n";
  g_autoptr(GPtrArray) problems = xen_kboot_conf_problems_new ();
  g_autoptr(XenKbootDomainDef) def =
    xen_kboot_domain_def_load_all ("refused.xml", xml, strlen (xml),
                                   XEN_KBOOT_CONF_MIN_MEMORY_KIB, problems);
  g_autofree char *summary = NULL;

  g_assert_nonnull (def);
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_true (g_str_has_prefix (((const GError *) problems->pdata[0])->message,
                                   "refused.xml:7: <devices>: element <nic> is not allowed here"));
  summary = xen_kboot_domain_def_ignored_summary (def);
  g_assert_cmpstr (summary, ==, "refused.xml: ignored by xen-kboot: /domain/pm (line 5), "
                                "/domain/devices/controller (line 8)");
}

static void
test_every_problem_reported (void)
{
  static const char xml[] =
    "<domain type='xen'>\n"
    "  <name>many</name>\n"
    "  <memory unit='MiB'>8</memory>\n"
    "  <currentMemory unit='MiB'>16</currentMemory>\n"
    "  <os>\n"
    "    <type>hvm</type>\n"
    "    <initrd>initrd.img</initrd>\n"
    "    <dtb>/boot/x.dtb</dtb>\n"
    "  </os>\n"
    "</domain>\n";
  g_autoptr(GPtrArray) problems = xen_kboot_conf_problems_new ();
  g_autoptr(XenKbootDomainDef) def =
    xen_kboot_domain_def_load_all ("many.xml", xml, strlen (xml),
                                   XEN_KBOOT_CONF_MIN_MEMORY_KIB, problems);
  g_autofree char *text = problems_text (problems);
  g_autoptr(GError) joined = NULL;

  g_assert_nonnull (def);   /* kept for the file checks */
  /* The schema refuses the relative path too; the rule says it once. */
  g_assert_null (strstr (text, "many.xml:7: <initrd>: 'initrd.img' must be an absolute path"));
  g_assert_nonnull (strstr (text, "many.xml:7: <initrd>: initrd 'initrd.img' given without a <kernel>"));
  g_assert_nonnull (strstr (text, "many.xml:7: <initrd>: path 'initrd.img' is relative"));
  g_assert_nonnull (strstr (text, "many.xml:8: <dtb>: device tree '/boot/x.dtb' given for an x86 guest"));
  g_assert_nonnull (strstr (text, "many.xml:3: <memory>: 8192 KiB is below the 32768 KiB"));
  g_assert_nonnull (strstr (text, "many.xml:4: <currentMemory>: 16384 KiB is above <memory> (8192 KiB)"));
  xen_kboot_conf_problems_to_error (problems, &joined);
  g_assert_nonnull (joined);
  g_assert_cmpint ((int) (strchr (joined->message, '\n') != NULL), ==, 1);
}

static void
test_enums (void)
{
  XenKbootBootMode mode = XEN_KBOOT_BOOT_MODE_LAST;

  g_assert_cmpstr (xen_kboot_os_type_to_string (XEN_KBOOT_OS_TYPE_XENPVH), ==, "xenpvh");
  g_assert_null (xen_kboot_os_type_to_string (XEN_KBOOT_OS_TYPE_LAST));
  g_assert_cmpstr (xen_kboot_lifecycle_action_to_string (XEN_KBOOT_LIFECYCLE_RENAME_RESTART),
                   ==, "rename-restart");
  g_assert_true (xen_kboot_boot_mode_from_string ("device-model", &mode));
  g_assert_cmpint (mode, ==, XEN_KBOOT_BOOT_MODE_DEVICE_MODEL);
  g_assert_false (xen_kboot_boot_mode_from_string ("qemu", &mode));
  g_assert_false (xen_kboot_boot_mode_from_string (NULL, &mode));
}

/* The compiled-in schema is docs/schema.rng, byte for byte. */
static void
test_schema_compiled_in (void)
{
  g_autofree char *path = g_build_filename (g_test_get_dir (G_TEST_DIST), "..",
                                            "docs", "schema.rng", NULL);
  g_autofree char *rng = NULL;
  gsize len = 0, compiled_len = 0;
  const char *compiled = xen_kboot_conf_schema (&compiled_len);

  g_assert_true (g_file_get_contents (path, &rng, &len, NULL));
  g_assert_cmpuint (compiled_len, ==, len);
  g_assert_cmpstr (compiled, ==, rng);
}

/* Schema errors a person can act on: each document breaks one rule of
 * docs/schema.rng; libxml2 refuses it and the message names the element
 * or attribute, its line and what is allowed.  An expected message
 * ending in "..." is compared up to there (the lists of allowed elements
 * follow the schema). */
#define SCHEMA_HEAD "<domain type='xen'><name>t</name><memory>524288</memory>"
#define SCHEMA_OS "<os><type>hvm</type><kernel>/vmlinuz</kernel></os>"

static const struct {
  const char *name;
  const char *xml;
  const char *expected;
} schema_cases[] = {
  { "unknown-device",
    SCHEMA_HEAD SCHEMA_OS "<devices><nic type='bridge'/></devices></domain>",
    "t.xml:1: <devices>: element <nic> is not allowed here (allowed: <emulator>, "
    "<disk>, <interface>, <graphics>, <serial>, <console>, <video>, <input>, <sound>; "
    "accepted and ignored: <controller>, <memballoon>, <hostdev>, ..." },
  { "unknown-top-level-typo",
    SCHEMA_HEAD SCHEMA_OS "<devcies/></domain>",
    "t.xml:1: <domain>: element <devcies> is not allowed here: did you mean "
    "<devices>? (allowed: <name>, <uuid>, <metadata>, <memory>, ..." },
  { "misplaced",
    SCHEMA_HEAD "<os><type>hvm</type></os><kernel>/vmlinuz</kernel></domain>",
    "t.xml:1: <domain>: element <kernel> is not allowed here: it belongs in <os> "
    "(allowed: <name>, ..." },
  { "unknown-attribute",
    SCHEMA_HEAD SCHEMA_OS "<devices><disk type='file' bus='xen'><target dev='xvda'/>"
    "</disk></devices></domain>",
    "t.xml:1: <disk>: attribute bus='xen' is not allowed (allowed: type, device)" },
  { "attribute-value",
    SCHEMA_HEAD "<os><type arch='sparc'>hvm</type><kernel>/vmlinuz</kernel></os></domain>",
    "t.xml:1: <type arch='sparc'>: arch must be one of x86_64, i686, aarch64, armv7l" },
  { "attribute-single-value",
    "<domain type='kvm'><name>t</name><memory>524288</memory>" SCHEMA_OS "</domain>",
    "t.xml:1: <domain type='kvm'>: type must be xen" },
  { "text-value",
    SCHEMA_HEAD "<os><type>kvm</type><kernel>/vmlinuz</kernel></os></domain>",
    "t.xml:1: <type>: 'kvm' must be one of hvm, xen, linux, xenpvh" },
  { "documented-form",
    SCHEMA_HEAD "<os><type>hvm</type><kernel>vmlinuz</kernel></os></domain>",
    "t.xml:1: <kernel>: 'vmlinuz' must be an absolute path (starting with '/')" },
  { "datatype",
    "<domain type='xen'><name>t</name><memory>lots</memory>" SCHEMA_OS "</domain>",
    "t.xml:1: <memory>: 'lots' must be an unsigned integer" },
  { "datatype-range",
    SCHEMA_HEAD "<vcpu>0</vcpu>" SCHEMA_OS "</domain>",
    "t.xml:1: <vcpu>: '0' must be a number of vCPUs from 1 to 65535" },
  { "missing-element",
    "<domain type='xen'>\n<memory>524288</memory>\n" SCHEMA_OS "</domain>",
    "t.xml:1: <domain>: required element <name> is missing" },
  { "missing-attribute",
    SCHEMA_HEAD SCHEMA_OS "<devices>\n<interface type='bridge'><mac/></interface>"
    "</devices></domain>",
    "t.xml:2: <mac>: attribute address is required (a unicast MAC address such as "
    "00:16:3e:5d:c7:9e)" },
  { "repeated",
    SCHEMA_HEAD "\n<name>u</name>" SCHEMA_OS "</domain>",
    "t.xml:2: <domain>: a second <name> is not allowed (the first is at line 1)" },
  { "attributes-together",
    SCHEMA_HEAD SCHEMA_OS "<clock offset='utc' basis='utc'/></domain>",
    "t.xml:1: <clock offset='utc' basis='utc'>: these attributes do not go together "
    "(allowed: offset one of utc, localtime, adjustment reset or an integer (optional); "
    "or offset variable, adjustment an integer (optional), basis one of utc, localtime "
    "(optional))" },
  { "text-in-empty",
    SCHEMA_HEAD SCHEMA_OS "<features><acpi>yes</acpi></features></domain>",
    "t.xml:1: <acpi>: text 'yes' is not allowed here: the element is empty" },
  { "namespace",
    SCHEMA_HEAD "<metadata xmlns:k='urn:xen-kboot:domain:1'><k:bot/></metadata>"
    SCHEMA_OS "</domain>",
    "t.xml:1: <metadata>: element <k:bot> is not allowed here: did you mean <k:boot>? "
    "(allowed: <k:boot>; "
    "accepted and ignored: elements in other namespaces)" },
  /* An element whose content is empty takes no child: said so, not an
   * empty list of what it takes. */
  { "child-of-empty",
    SCHEMA_HEAD SCHEMA_OS "<features><acpi><on/></acpi></features></domain>",
    "t.xml:1: <acpi>: element <on> is not allowed here (<acpi> takes no child "
    "elements)" },
  { "attribute-of-bare",
    SCHEMA_HEAD SCHEMA_OS "<features><acpi state='on'/></features></domain>",
    "t.xml:1: <acpi>: attribute state='on' is not allowed (<acpi> takes no "
    "attributes)" },
  { "root",
    "<node/>",
    "t.xml:1: <node>: not allowed as the document's root element (allowed: <domain>)" },
  { "every-problem",
    SCHEMA_HEAD "<os><type arch='sparc'>hvm</type>\n<kernel>vmlinuz</kernel></os>\n"
    "<devices><nic/></devices></domain>",
    "t.xml:1: <type arch='sparc'>: arch must be one of x86_64, i686, aarch64, armv7l\n"
    "t.xml:2: <kernel>: 'vmlinuz' must be an absolute path (starting with '/')\n"
    "t.xml:3: <devices>: element <nic> is not allowed here (allowed: ..." },
};

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (; *text; text++)
    n += *text == '\n';
  return n;
}

static GPtrArray *
schema_problems (const char *xml, gboolean *valid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = xen_kboot_xml_parse (xml, strlen (xml), "t.xml", &error);
  GPtrArray *problems = xen_kboot_conf_problems_new ();
  gsize len = 0;
  const char *schema = xen_kboot_conf_schema (&len);

  g_assert_no_error (error);
  *valid = xen_kboot_xml_validate_relaxng (doc, "t.xml", schema, len, problems);
  return problems;
}

static void
test_schema_explain (gconstpointer data)
{
  guint i = GPOINTER_TO_UINT (data);
  const char *expected = schema_cases[i].expected;
  gboolean valid = TRUE;
  g_autoptr(GPtrArray) problems = schema_problems (schema_cases[i].xml, &valid);
  g_autofree char *text = problems_text (problems);
  g_autofree char *want = g_strconcat (expected, "\n", NULL);

  g_assert_false (valid);
  if (g_str_has_suffix (expected, "..."))
    {
      g_autofree char *prefix = g_strndup (expected, strlen (expected) - 3);
      g_autofree char *head = g_strndup (text, strlen (prefix));

      g_assert_cmpstr (head, ==, prefix);
      g_assert_cmpuint (problems->len, ==, count_lines (expected) + 1);
    }
  else
    g_assert_cmpstr (text, ==, want);
  for (guint k = 0; k < problems->len; k++)
    g_assert_true (((const GError *) g_ptr_array_index (problems, k))->domain
                   == XEN_KBOOT_SCHEMA_ERROR);
}

/* Past XEN_KBOOT_SCHEMA_EXPLAIN_MAX problems, one line says how many more. */
static void
test_schema_explain_many (void)
{
  g_autoptr(GString) xml = g_string_new (SCHEMA_HEAD SCHEMA_OS "<devices>\n");
  g_autoptr(GPtrArray) problems = NULL;
  gboolean valid = TRUE;

  for (guint i = 0; i < XEN_KBOOT_SCHEMA_EXPLAIN_MAX + 5; i++)
    g_string_append (xml, "<nic/>\n");
  g_string_append (xml, "</devices></domain>");
  problems = schema_problems (xml->str, &valid);
  g_assert_false (valid);
  g_assert_cmpuint (problems->len, ==, XEN_KBOOT_SCHEMA_EXPLAIN_MAX + 1);
  g_assert_true (g_str_has_prefix (((const GError *) problems->pdata[0])->message,
                                   "t.xml:2: <devices>: element <nic> is not allowed here"));
  g_assert_cmpstr (((const GError *) problems->pdata[XEN_KBOOT_SCHEMA_EXPLAIN_MAX])->message,
                   ==, "t.xml: 5 more schema problems not listed");
}

/* What the model does not see (it does not check the order of a
 * <group>: here <b> must come before <c>), libxml2 still refuses, in its
 * own words, with the line. */
static void
test_schema_explain_fallback (void)
{
  static const char grammar[] =
    "<grammar xmlns='http://relaxng.org/ns/structure/1.0'><start>"
    "<element name='a'><element name='b'><empty/></element>"
    "<element name='c'><empty/></element></element></start></grammar>";
  static const char xml[] = "<a>\n<c/><b/></a>";
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = xen_kboot_xml_parse (xml, strlen (xml), "t.xml", &error);
  g_autoptr(GPtrArray) problems = xen_kboot_conf_problems_new ();
  gboolean valid;

  g_assert_no_error (error);
  valid = xen_kboot_xml_validate_relaxng (doc, "t.xml", grammar, strlen (grammar), problems);
  g_assert_false (valid);
  g_assert_cmpuint (problems->len, >=, 1);
  g_assert_true (((const GError *) problems->pdata[0])->domain == XEN_KBOOT_XML_ERROR);
  g_assert_true (g_str_has_prefix (((const GError *) problems->pdata[0])->message, "t.xml:2: "));
}

/* The model is never stricter than the grammar: on every document the
 * schema accepts (the valid data cases), the walk finds nothing. */
static void
test_schema_explain_valid_cases (void)
{
  const char *dir = g_test_get_filename (G_TEST_DIST, "xmlconfs", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  gsize len = 0;
  const char *schema = xen_kboot_conf_schema (&len);
  g_autoptr(xmlDoc) grammar = xen_kboot_xml_parse (schema, len, "schema", NULL);
  const char *file;
  guint n = 0;

  g_assert_nonnull (d);
  g_assert_nonnull (grammar);
  while ((file = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, file, NULL);
      g_autoptr(xmlDoc) doc = NULL;
      g_autoptr(GPtrArray) problems = xen_kboot_conf_problems_new ();
      g_autoptr(GError) error = NULL;

      if (!g_str_has_suffix (file, ".xml") || g_str_has_prefix (file, "err-"))
        continue;
      doc = xen_kboot_xml_read_file (path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (xen_kboot_schema_explain (grammar, doc, file, problems), ==, 0);
      n++;
    }
  g_assert_cmpuint (n, >, 10);
}

/* A valid document draws nothing. */
static void
test_schema_explain_valid (void)
{
  gboolean valid = FALSE;
  g_autoptr(GPtrArray) problems = schema_problems (SCHEMA_HEAD SCHEMA_OS "</domain>", &valid);

  g_assert_true (valid);
  g_assert_cmpuint (problems->len, ==, 0);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

#ifdef WITH_XEN
/* /conf/libvirt-xl/NAME for each tests/xlconfigdata/NAME.xml; the names
 * are kept in @names, which outlives the tests. */
static void
add_libvirt_xl_cases (GPtrArray *names)
{
  g_autofree char *dir_path = g_build_filename (g_test_get_dir (G_TEST_DIST),
                                                "xlconfigdata", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  const char *entry;

  g_assert_nonnull (dir);
  while ((entry = g_dir_read_name (dir)))
    if (g_str_has_suffix (entry, ".xml"))
      {
        char *name = g_strndup (entry, strlen (entry) - 4);

        g_ptr_array_add (names, name);
        g_ptr_array_add (found, name);
      }
  g_ptr_array_sort (found, compare_names);
  for (guint i = 0; i < found->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("/conf/libvirt-xl/%s",
                                               (const char *) g_ptr_array_index (found, i));
      g_test_add_data_func (path, g_ptr_array_index (found, i), test_libvirt_xl);
    }
}
#endif

int
main (int argc, char **argv)
{
  g_autoptr(GDir) dir = NULL;
  g_autofree char *xmlconfs = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *entry;

  g_test_init (&argc, &argv, NULL);
  xmlconfs = g_build_filename (g_test_get_dir (G_TEST_DIST), "xmlconfs", NULL);
  dir = g_dir_open (xmlconfs, 0, NULL);
  g_assert_nonnull (dir);
  while ((entry = g_dir_read_name (dir)))
    if (g_str_has_suffix (entry, ".xml"))
      g_ptr_array_add (names, g_strndup (entry, strlen (entry) - 4));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("/conf/xmlconfs/%s",
                                               (const char *) g_ptr_array_index (names, i));
      g_test_add_data_func (path, g_ptr_array_index (names, i), test_case);
    }
#ifdef WITH_XEN
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *err_file = g_strconcat (name, ".err", NULL);
      g_autofree char *err_path = g_build_filename (xmlconfs, err_file, NULL);
      g_autofree char *path = NULL;

      if (g_str_has_prefix (name, "err-") || g_file_test (err_path, G_FILE_TEST_EXISTS))
        continue;
      path = g_strdup_printf ("/conf/xl-agrees-with-libxl/%s", name);
      g_test_add_data_func (path, name, test_formats_agree);
    }
  add_libvirt_xl_cases (names);
#endif
  g_test_add_func ("/conf/kernel-rules", test_kernel_rules);
  g_test_add_func ("/conf/warnings", test_warnings);
  g_test_add_func ("/conf/native/emulator-is-dm", test_emulator_is_dm);
  g_test_add_func ("/conf/native/boot-mode", test_boot_mode);
  g_test_add_func ("/conf/native/serial-ports", test_serial_ports);
  g_test_add_func ("/conf/units", test_units);
  g_test_add_func ("/conf/xml/billion-laughs", test_billion_laughs);
  g_test_add_func ("/conf/xml/external-entity", test_external_entity);
  g_test_add_func ("/conf/xml/size-limit", test_size_limit);
  g_test_add_func ("/conf/xml/depth-limit", test_depth_limit);
  g_test_add_func ("/conf/xml/second-root", test_second_root);
  g_test_add_func ("/conf/ignored-summary", test_ignored_summary);
  g_test_add_func ("/conf/every-problem-reported", test_every_problem_reported);
  g_test_add_func ("/conf/refused-not-ignored", test_refused_not_ignored);
  g_test_add_func ("/conf/enums", test_enums);
  g_test_add_func ("/conf/schema-compiled-in", test_schema_compiled_in);
  for (guint i = 0; i < G_N_ELEMENTS (schema_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/conf/schema-explain/%s", schema_cases[i].name);
      g_test_add_data_func (path, GUINT_TO_POINTER (i), test_schema_explain);
    }
  g_test_add_func ("/conf/schema-explain-many", test_schema_explain_many);
  g_test_add_func ("/conf/schema-explain-fallback", test_schema_explain_fallback);
  g_test_add_func ("/conf/schema-explain-valid", test_schema_explain_valid);
  g_test_add_func ("/conf/schema-explain-valid-cases", test_schema_explain_valid_cases);
  return g_test_run ();
}
