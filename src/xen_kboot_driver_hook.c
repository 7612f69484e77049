/* The libvirt hook's decision (see xen_kboot_driver_hook.h). */
#include "config.h"

#include <string.h>

#include <libxml/tree.h>

#include "kboot_image_file.h"
#include "kboot_util.h"
#include "kboot_image_report.h"
#include "kboot_layout_platform.h"
#include "xen_kboot_conf.h"
#include "xen_kboot_conf_native.h"
#include "xen_kboot_driver.h"
#include "xen_kboot_driver_choice.h"
#include "xen_kboot_driver_dm.h"
#include "xen_kboot_driver_fast.h"
#include "xen_kboot_driver_hook.h"
#include "xen_kboot_conf_xml.h"

G_DEFINE_QUARK (xen-kboot-hook-error-quark, xen_kboot_hook_error)

/* What parse errors call the document: it is libvirt's, not a file. */
#define HOOK_XML_NAME XEN_KBOOT_HOOK_XML_NAME

void
xen_kboot_hook_domain_free (XenKbootHookDomain *dom)
{
  if (!dom)
    return;
  g_free (dom->virt_type);
  g_free (dom->name);
  g_free (dom->os_type);
  g_free (dom->arch);
  g_free (dom->kernel);
  g_free (dom->initrd);
  g_free (dom->cmdline);
  g_free (dom->emulator);
  g_free (dom->kboot_mode);
  g_free (dom->kboot_path);
  g_free (dom);
}

gboolean
xen_kboot_hook_wants_domain (const char *operation, const char *sub_operation)
{
  return g_strcmp0 (operation, "prepare") == 0
         && g_strcmp0 (sub_operation, "begin") == 0;
}

/* ---- reading libvirt's XML: /domain/{name,memory,os,features,devices,
 * metadata} only ---- */

/* An element of libvirt's own vocabulary (no namespace: <metadata>
 * children of other applications never match). */
static gboolean
is_element (const xmlNode *node, const char *name)
{
  return node && node->type == XML_ELEMENT_NODE && !node->ns
         && strcmp ((const char *) node->name, name) == 0;
}

/* The text of @node; NULL when empty, as libvirt's virXPathString reads
 * "<kernel/>" as no kernel at all. */
static char *
element_text (const xmlNode *node)
{
  xmlChar *content = xmlNodeGetContent (node);
  char *text = NULL;

  if (content && content[0])
    text = g_strdup ((const char *) content);
  xmlFree (content);
  return text;
}

static char *
element_prop (const xmlNode *node, const char *name)
{
  xmlChar *value = xmlGetNoNsProp (node, (const xmlChar *) name);
  char *copy = value ? g_strdup ((const char *) value) : NULL;

  xmlFree (value);
  return copy;
}

/* libvirt formats <memory unit='KiB'>N</memory>; hand-written XML may use
 * any of libvirt's units, read as the configuration parser reads them.
 * What is not a size leaves has_memory unset: the check then refuses with
 * the reason. */
static void
read_memory (XenKbootHookDomain *dom, const xmlNode *node)
{
  g_autofree char *text = element_text (node);
  g_autofree char *unit = element_prop (node, "unit");

  dom->has_memory = text && xen_kboot_conf_memory_kib (text, unit, &dom->memory_kib,
                                                       NULL);
}

/* The first of each, as libvirt and the parser read them
 * (xen_kboot_conf_os_child). */
static void
read_os (XenKbootHookDomain *dom, const xmlNode *root)
{
  const xmlNode *type = xen_kboot_conf_os_child (root, "type");
  const xmlNode *kernel = xen_kboot_conf_os_child (root, "kernel");
  const xmlNode *initrd = xen_kboot_conf_os_child (root, "initrd");
  const xmlNode *cmdline = xen_kboot_conf_os_child (root, "cmdline");

  if (type)
    {
      dom->os_type = element_text (type);
      if (dom->os_type)
        g_strstrip (dom->os_type);
      dom->arch = element_prop (type, "arch");
    }
  /* Paths and command line exactly as written: libvirt hands them on
   * unchanged, so that is what must be checked. */
  dom->kernel = kernel ? element_text (kernel) : NULL;
  dom->initrd = initrd ? element_text (initrd) : NULL;
  dom->cmdline = cmdline ? element_text (cmdline) : NULL;
}

/* libvirt writes <pae/> for a domain with PAE on and nothing otherwise
 * (its libxl driver then sets u.hvm.pae to false). */
static void
read_features (XenKbootHookDomain *dom, const xmlNode *features)
{
  for (const xmlNode *n = features->children; n; n = n->next)
    if (is_element (n, "pae"))
      dom->pae = TRUE;
}

/* The first <video><model type= vram=>: on Xen its video RAM comes out of
 * <memory> (xen_kboot_platform_for).  A type xen-kboot does not know keeps
 * libxl's default card; a vram= that is not a number is left to libvirt. */
static void
read_video (XenKbootHookDomain *dom, const xmlNode *devices)
{
  for (const xmlNode *v = devices->children; v; v = v->next)
    {
      if (!is_element (v, "video"))
        continue;
      for (const xmlNode *m = v->children; m; m = m->next)
        {
          g_autofree char *type = NULL, *vram = NULL;
          guint64 kib;

          if (!is_element (m, "model"))
            continue;
          type = element_prop (m, "type");
          for (int i = 0; type && i < XEN_KBOOT_VIDEO_LAST; i++)
            if (g_strcmp0 (type, xen_kboot_video_model_to_string (i)) == 0)
              dom->video = (XenKbootVideoModel) i;
          vram = element_prop (m, "vram");
          if (vram && g_ascii_string_to_unsigned (vram, 10, 1, G_MAXUINT64 >> 10,
                                                  &kib, NULL))
            dom->video_vram_kib = kib;
          return;
        }
      return;
    }
}

/* The first <emulator>, as libvirt reads it (devices/emulator[1]). */
static void
read_devices (XenKbootHookDomain *dom, const xmlNode *devices)
{
  for (const xmlNode *n = devices->children; n && !dom->emulator; n = n->next)
    if (is_element (n, "emulator"))
      dom->emulator = element_text (n);
  read_video (dom, devices);
}

/* libvirt keeps one <metadata> child per namespace, the first; that of
 * ours counts when it is <kboot:boot>. */
static void
read_metadata (XenKbootHookDomain *dom, const xmlNode *metadata)
{
  for (const xmlNode *n = metadata->children; n; n = n->next)
    if (n->type == XML_ELEMENT_NODE && n->ns && n->ns->href
        && strcmp ((const char *) n->ns->href, XEN_KBOOT_CONF_NAMESPACE) == 0)
      {
        if (strcmp ((const char *) n->name, "boot") == 0)
          {
            dom->kboot_mode = element_prop (n, "mode");
            dom->kboot_path = element_prop (n, "path");
          }
        return;
      }
}

XenKbootHookDomain *
xen_kboot_hook_domain_parse (const char *xml, gsize len, GError **error)
{
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(XenKbootHookDomain) dom = NULL;
  g_autoptr(GError) local = NULL;
  const xmlNode *root;

  /* Never our RELAX NG schema: this is libvirt's full XML (devices,
   * seclabels, metadata...), already validated by libvirt. */
  doc = xen_kboot_xml_parse (xml ? xml : "", xml ? len : 0, HOOK_XML_NAME, &local);
  if (!doc)
    {
      g_set_error_literal (error, XEN_KBOOT_HOOK_ERROR, XEN_KBOOT_HOOK_ERROR_XML,
                           local->message);
      return NULL;
    }
  root = xmlDocGetRootElement (doc);
  if (!is_element (root, "domain"))
    {
      g_autofree char *mismatch = xen_kboot_conf_root_mismatch (root);

      g_set_error (error, XEN_KBOOT_HOOK_ERROR, XEN_KBOOT_HOOK_ERROR_XML,
                   "%s: %s", HOOK_XML_NAME, mismatch);
      return NULL;
    }

  dom = g_new0 (XenKbootHookDomain, 1);
  dom->virt_type = element_prop (root, "type");
  read_os (dom, root);
  for (const xmlNode *n = root->children; n; n = n->next)
    {
      if (is_element (n, "name") && !dom->name)
        dom->name = element_text (n);
      else if (is_element (n, "memory") && !dom->has_memory)
        read_memory (dom, n);
      else if (is_element (n, "features"))
        read_features (dom, n);
      else if (is_element (n, "devices"))
        read_devices (dom, n);
      else if (is_element (n, "metadata") && !dom->kboot_mode && !dom->kboot_path)
        read_metadata (dom, n);
    }
  return g_steal_pointer (&dom);
}

/* ---- the checks ---- */

/* Refuse with "domain 'NAME': " before @cause's message. */
static XenKbootHookVerdict
refuse_with (GError **error, XenKbootHookError code, const char *name,
             const GError *cause)
{
  g_set_error (error, XEN_KBOOT_HOOK_ERROR, code, "domain '%s': %s", name,
               cause->message);
  return XEN_KBOOT_HOOK_REFUSE;
}

static gboolean
check_absolute (const char *path, const char *element, const char *name,
                XenKbootHookError code, GError **error)
{
  if (path[0] == '/')
    return TRUE;
  g_set_error (error, XEN_KBOOT_HOOK_ERROR, code,
               "domain '%s': <%s> '%s' is a relative path: give the absolute "
               "path (starting with '/')", name, element, path);
  return FALSE;
}

/* The domain as the admission reads it: borrowed strings, valid while
 * @dom lives.  FALSE when its <kboot:boot mode=> is not one we know: the
 * domain asked xen-kboot for something it cannot tell. */
static gboolean
hook_def (const XenKbootHookDomain *dom, XenKbootDomainDef *def, GError **error)
{
  memset (def, 0, sizeof *def);
  def->file = (char *) HOOK_XML_NAME;
  def->virt_type = dom->virt_type;
  def->os.type = XEN_KBOOT_OS_TYPE_HVM;
  def->os.arch = dom->arch;
  def->os.kernel = dom->kernel;
  def->os.initrd = dom->initrd;
  def->os.cmdline = dom->cmdline;
  def->pae = dom->pae;
  def->memory_kib = dom->memory_kib;
  def->has_memory = dom->has_memory;
  def->video = dom->video;
  def->video_vram_kib = dom->video_vram_kib;
  def->emulator = dom->emulator;
  def->boot_mode_set = dom->kboot_mode != NULL;
  def->boot_path_set = dom->kboot_path != NULL;
  if (dom->kboot_mode
      && !xen_kboot_boot_mode_from_string (dom->kboot_mode, &def->boot_mode))
    {
      g_propagate_error (error, xen_kboot_conf_problem_new (
                                  XEN_KBOOT_CONF_ERROR_INVALID_VALUE, def, 0,
                                  "kboot:boot", "mode='%s' is not direct or "
                                  "device-model", dom->kboot_mode));
      return FALSE;
    }
  if (dom->kboot_path
      && !xen_kboot_boot_path_from_string (dom->kboot_path, &def->boot_path))
    {
      g_propagate_error (error, xen_kboot_conf_problem_new (
                                  XEN_KBOOT_CONF_ERROR_INVALID_VALUE, def, 0,
                                  "kboot:boot", "path='%s' is not direct or "
                                  "fast", dom->kboot_path));
      return FALSE;
    }
  return TRUE;
}

/* path='fast' is xen-kboot-dm's to honour: a kernel libvirt hands to
 * QEMU's -kernel decompresses itself. */
static gboolean
check_fast_has_dm (const XenKbootDomainDef *def, GError **error)
{
  if (def->boot_path != XEN_KBOOT_BOOT_PATH_FAST
      || xen_kboot_native_emulator_is_dm (def->emulator))
    return TRUE;
  g_propagate_error (error, xen_kboot_conf_problem_new (
                              XEN_KBOOT_CONF_ERROR_BOOT_MODE_CONFLICT, def, 0,
                              "kboot:boot", "path='fast' needs <emulator> "
                              XEN_KBOOT_DM_NAME ", which loads the kernel "
                              "decompressed; without it libvirt hands the "
                              "kernel to QEMU's -kernel, and the kernel "
                              "decompresses itself"));
  return FALSE;
}

/* The machine libvirt will build: xen-hvm for Xen domains, qemu-pc (the
 * preview's machine) for the others. */
static KbootPlatformKind
hook_platform (const XenKbootHookDomain *dom)
{
  return g_strcmp0 (dom->virt_type, "xen") == 0 ? KBOOT_PLATFORM_XEN_HVM
                                                : KBOOT_PLATFORM_QEMU_PC;
}

/* "KERNEL does not fit in <memory> of SIZE (platform NAME): reason" */
static XenKbootHookVerdict
refuse_fit (const XenKbootHookDomain *dom, const char *name, const GError *cause,
            GError **error)
{
  g_autofree char *memory = NULL;

  if (!dom->has_memory)
    {
      g_set_error (error, XEN_KBOOT_HOOK_ERROR, XEN_KBOOT_HOOK_ERROR_MEMORY,
                   "domain '%s': no usable <memory> in %s: cannot tell whether "
                   "kernel %s fits the guest", name, HOOK_XML_NAME, dom->kernel);
      return XEN_KBOOT_HOOK_REFUSE;
    }
  memory = dom->memory_kib <= G_MAXUINT64 / 1024
           ? kboot_format_size (dom->memory_kib * 1024)
           : g_strdup_printf ("%" G_GUINT64_FORMAT " KiB", dom->memory_kib);
  g_set_error (error, XEN_KBOOT_HOOK_ERROR, XEN_KBOOT_HOOK_ERROR_MEMORY,
               "domain '%s': %s does not fit in <memory> of %s (platform %s): %s",
               name, dom->kernel, memory,
               kboot_platform_kind_to_string (hook_platform (dom)), cause->message);
  return XEN_KBOOT_HOOK_REFUSE;
}

/* The admission's refusal in the hook's words: one line after the
 * domain's name, with the code of what it is about. */
static XenKbootHookVerdict
refuse_problem (const XenKbootHookDomain *dom, const char *name,
                const XenKbootBoot *boot, const XenKbootBootProblem *problem,
                GError **error)
{
  switch (problem->step)
    {
    case XEN_KBOOT_BOOT_STEP_DOMAIN:
    case XEN_KBOOT_BOOT_STEP_KERNEL:
    case XEN_KBOOT_BOOT_STEP_KERNEL_DOMAIN:
      return refuse_with (error, XEN_KBOOT_HOOK_ERROR_KERNEL, name, problem->error);
    case XEN_KBOOT_BOOT_STEP_INITRD:
      return refuse_with (error, XEN_KBOOT_HOOK_ERROR_INITRD, name, problem->error);
    case XEN_KBOOT_BOOT_STEP_CMDLINE:
      g_set_error (error, XEN_KBOOT_HOOK_ERROR, XEN_KBOOT_HOOK_ERROR_CMDLINE,
                   "domain '%s': <cmdline> is %" G_GSIZE_FORMAT " bytes, longer "
                   "than the %u bytes kernel %s accepts (cmdline_size)", name,
                   strlen (boot->cmdline), boot->kernel->image->hdr.cmdline_size,
                   dom->kernel);
      return XEN_KBOOT_HOOK_REFUSE;
    case XEN_KBOOT_BOOT_STEP_FIRMWARE:
      return refuse_with (error, XEN_KBOOT_HOOK_ERROR_FIRMWARE, name, problem->error);
    case XEN_KBOOT_BOOT_STEP_MEMORY:
    case XEN_KBOOT_BOOT_STEP_PLAN:
    case XEN_KBOOT_BOOT_STEP_LAST:
      break;
    }
  return refuse_fit (dom, name, problem->error, error);
}

/* The path xen-kboot-dm will take for the domain, as it decides it: the
 * domain's path= (which the hook records for it), else its configuration
 * file's boot-path; *@fast set up with the file's cache when that is the
 * fast path.  FALSE: the file is wrong, and xen-kboot-dm would refuse
 * every domain. */
static gboolean
dm_boot_path (const XenKbootDomainDef *def, XenKbootDmConfig *config,
              XenKbootFastOptions *fast, gboolean *is_fast, GError **error)
{
  const char *file;

  if (!xen_kboot_dm_config_load (config, &file, error))
    return FALSE;
  *is_fast = def->boot_path_set ? def->boot_path == XEN_KBOOT_BOOT_PATH_FAST
                                : config->fast;
  fast->cache_dir = config->kernel_cache;
  fast->cache_max = config->kernel_cache_size;
  return TRUE;
}

/* Direct boot: what validate, plan and create decide, on the machine
 * libvirt builds; for xen-kboot-dm's fast path also the kernel proper
 * (decompressed, or from the kernel cache, which it then fills for
 * xen-kboot-dm). */
static XenKbootHookVerdict
check_direct (const XenKbootHookDomain *dom, const XenKbootDomainDef *def,
              const char *name, GError **error)
{
  g_autoptr(XenKbootBoot) boot = g_new0 (XenKbootBoot, 1);
  g_autoptr(GPtrArray) problems = xen_kboot_boot_problems_new ();
  g_autoptr(GError) local = NULL;
  XenKbootAdmitOptions options = { 0 };
  XenKbootDmConfig config = { 0 };
  XenKbootFastOptions fast = { 0 };
  XenKbootHookVerdict verdict;
  gboolean is_fast = FALSE;

  /* libvirt's schema wants absolute paths: a file is never looked for in
   * the hook's current directory. */
  if (!check_absolute (dom->kernel, "kernel", name, XEN_KBOOT_HOOK_ERROR_KERNEL, error)
      || (dom->initrd && !check_absolute (dom->initrd, "initrd", name,
                                          XEN_KBOOT_HOOK_ERROR_INITRD, error)))
    return XEN_KBOOT_HOOK_REFUSE;
  if (xen_kboot_native_emulator_is_dm (dom->emulator)
      && !dm_boot_path (def, &config, &fast, &is_fast, &local))
    {
      xen_kboot_dm_config_clear (&config);
      return refuse_with (error, XEN_KBOOT_HOOK_ERROR_DM_CONFIG, name, local);
    }
  options.platform = hook_platform (dom);
  options.plan = TRUE;
  options.fast = is_fast ? &fast : NULL;
  verdict = xen_kboot_boot_admit (boot, def, &options, problems)
            ? XEN_KBOOT_HOOK_PASS_BOOTABLE
            : refuse_problem (dom, name, boot, g_ptr_array_index (problems, 0), error);
  xen_kboot_dm_config_clear (&config);
  return verdict;
}

/* QEMU's -kernel: only what QEMU refuses, worded by its rule. */
static XenKbootHookVerdict
check_qemu (const XenKbootHookDomain *dom, const XenKbootDomainDef *def,
            const char *name, GError **error)
{
  g_autoptr(GPtrArray) problems = xen_kboot_boot_problems_new ();
  const XenKbootBootProblem *problem;
  XenKbootHookError code = XEN_KBOOT_HOOK_ERROR_KERNEL;

  if (xen_kboot_boot_admit_qemu (def, hook_platform (dom), problems))
    return XEN_KBOOT_HOOK_PASS_QEMU_KERNEL;
  problem = g_ptr_array_index (problems, 0);
  switch (problem->step)
    {
    case XEN_KBOOT_BOOT_STEP_INITRD:
      code = XEN_KBOOT_HOOK_ERROR_INITRD;
      break;
    case XEN_KBOOT_BOOT_STEP_CMDLINE:
      code = XEN_KBOOT_HOOK_ERROR_CMDLINE;
      break;
    case XEN_KBOOT_BOOT_STEP_DOMAIN:
    case XEN_KBOOT_BOOT_STEP_KERNEL:
    case XEN_KBOOT_BOOT_STEP_KERNEL_DOMAIN:
    case XEN_KBOOT_BOOT_STEP_MEMORY:
    case XEN_KBOOT_BOOT_STEP_FIRMWARE:
    case XEN_KBOOT_BOOT_STEP_PLAN:
    case XEN_KBOOT_BOOT_STEP_LAST:
      break;
    }
  return refuse_with (error, code, name, problem->error);
}

XenKbootHookVerdict
xen_kboot_hook_check_domain (const XenKbootHookDomain *dom, const char *name,
                             GError **error)
{
  g_autoptr(GError) local = NULL;
  XenKbootDomainDef def;

  if (g_strcmp0 (dom->os_type, "hvm") != 0)
    return XEN_KBOOT_HOOK_PASS_NOT_HVM;
  /* The qemu.d hook sees every guest of the host's QEMU. */
  if (!xen_kboot_conf_arch_is_x86 (dom->arch))
    return XEN_KBOOT_HOOK_PASS_NOT_X86;
  if (!dom->kernel)
    return XEN_KBOOT_HOOK_PASS_NO_KERNEL;
  if (!hook_def (dom, &def, &local) || !xen_kboot_native_check_boot_mode (&def, &local)
      || !check_fast_has_dm (&def, &local))
    return refuse_with (error, XEN_KBOOT_HOOK_ERROR_BOOT_MODE, name, local);
  /* The path the domain will really take: libvirt hands the kernel to
   * the device model, which is xen-kboot-dm or QEMU. */
  switch (xen_kboot_native_boot_mode (&def, XEN_KBOOT_BOOT_MODE_DEVICE_MODEL))
    {
    case XEN_KBOOT_BOOT_MODE_DIRECT:
      return check_direct (dom, &def, name, error);
    case XEN_KBOOT_BOOT_MODE_DEVICE_MODEL:
    case XEN_KBOOT_BOOT_MODE_LAST:
      break;
    }
  return check_qemu (dom, &def, name, error);
}

/* For xen-kboot-dm, which libxl starts next: the domain's path=, or no
 * record, so that dm.conf decides (a record from an earlier start must
 * not). */
static gboolean
record_boot_path (const XenKbootHookDomain *dom, const char *name, GError **error)
{
  g_autofree char *dir = xen_kboot_choice_dir ();
  g_autoptr(GError) local = NULL;
  XenKbootBootPath path = XEN_KBOOT_BOOT_PATH_DIRECT;

  /* hook_def accepted it. */
  if (dom->kboot_path)
    xen_kboot_boot_path_from_string (dom->kboot_path, &path);
  if (xen_kboot_choice_record (dir, name, dom->kboot_path ? &path : NULL, &local))
    return TRUE;
  g_set_error (error, XEN_KBOOT_HOOK_ERROR, XEN_KBOOT_HOOK_ERROR_BOOT_PATH_RECORD,
               dom->kboot_path
               ? "domain '%s': cannot record its boot path for " XEN_KBOOT_DM_NAME ": %s"
               : "domain '%s': cannot remove an old boot path record, which "
                 XEN_KBOOT_DM_NAME " would follow: %s", name, local->message);
  return FALSE;
}

/* "release end": the domain is gone, and so is its record.  Quiet: a
 * daemon that cannot reach the directory (a session daemon's user) has
 * no record there, and release cannot be refused anyway. */
static void
forget_boot_path (const char *name)
{
  g_autofree char *dir = xen_kboot_choice_dir ();

  xen_kboot_choice_record (dir, name, NULL, NULL);
}

XenKbootHookVerdict
xen_kboot_hook_run (const char *const *args, const char *xml, gsize len,
                    GError **error)
{
  g_autoptr(XenKbootHookDomain) dom = NULL;
  g_autoptr(GError) local = NULL;
  XenKbootHookVerdict verdict;
  const char *name = args[XEN_KBOOT_HOOK_ARG_NAME];

  if (g_strcmp0 (args[XEN_KBOOT_HOOK_ARG_OPERATION], "release") == 0
      && g_strcmp0 (args[XEN_KBOOT_HOOK_ARG_SUB_OPERATION], "end") == 0)
    {
      forget_boot_path (name);
      return XEN_KBOOT_HOOK_PASS_OTHER_OPERATION;
    }
  if (!xen_kboot_hook_wants_domain (args[XEN_KBOOT_HOOK_ARG_OPERATION],
                                    args[XEN_KBOOT_HOOK_ARG_SUB_OPERATION]))
    return XEN_KBOOT_HOOK_PASS_OTHER_OPERATION;

  dom = xen_kboot_hook_domain_parse (xml, len, &local);
  if (!dom)
    {
      g_autoptr(GError) cause = g_steal_pointer (&local);
      verdict = refuse_with (&local, XEN_KBOOT_HOOK_ERROR_XML, name, cause);
    }
  else
    verdict = xen_kboot_hook_check_domain (dom, name, &local);
  if (verdict == XEN_KBOOT_HOOK_PASS_BOOTABLE
      && xen_kboot_native_emulator_is_dm (dom->emulator)
      && !record_boot_path (dom, name, &local))
    verdict = XEN_KBOOT_HOOK_REFUSE;
  if (verdict == XEN_KBOOT_HOOK_REFUSE)
    {
      /* libvirt shows the hook's stderr inside its own one-line error. */
      kboot_text_one_line (local->message, ' ');
      g_propagate_error (error, g_steal_pointer (&local));
    }
  return verdict;
}
