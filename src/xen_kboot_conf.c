/* libvirt domain XML -> XenKbootDomainDef (see xen_kboot_conf.h). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "xen_kboot_conf.h"
#include "xen_kboot_conf_schema.h"
#include "xen_kboot_conf_schema_explain.h"
#include "xen_kboot_conf_xml.h"

G_DEFINE_QUARK (xen-kboot-conf-error-quark, xen_kboot_conf_error)

/* ---- enums and their XML spellings ---- */

/* The XML spellings, one per value, checked against the enum's size. */
#define ENUM_TABLE(fn, last, ...)                                         \
  static const char *const fn##_table[] = { __VA_ARGS__ };                \
  G_STATIC_ASSERT (G_N_ELEMENTS (fn##_table) == last)

/* ... and, for the enums whose values are printed, the way back. */
#define ENUM_TO_STRING(fn, Type, last)                                    \
  const char *fn##_to_string (Type value)                                 \
  {                                                                       \
    return (guint) value < (guint) (last) ? fn##_table[value] : NULL;     \
  }

ENUM_TABLE (xen_kboot_os_type, XEN_KBOOT_OS_TYPE_LAST, "hvm", "xen", "xenpvh");
ENUM_TO_STRING (xen_kboot_os_type, XenKbootOsType, XEN_KBOOT_OS_TYPE_LAST)
ENUM_TABLE (xen_kboot_boot_dev, XEN_KBOOT_BOOT_DEV_LAST,
            "hd", "fd", "cdrom", "network");
ENUM_TABLE (xen_kboot_boot_mode, XEN_KBOOT_BOOT_MODE_LAST, "direct", "device-model");
ENUM_TO_STRING (xen_kboot_boot_mode, XenKbootBootMode, XEN_KBOOT_BOOT_MODE_LAST)
ENUM_TABLE (xen_kboot_boot_path, XEN_KBOOT_BOOT_PATH_LAST, "direct", "fast");
ENUM_TO_STRING (xen_kboot_boot_path, XenKbootBootPath, XEN_KBOOT_BOOT_PATH_LAST)
ENUM_TABLE (xen_kboot_lifecycle_action, XEN_KBOOT_LIFECYCLE_LAST,
            "destroy", "restart", "preserve", "rename-restart",
            "coredump-destroy", "coredump-restart");
ENUM_TO_STRING (xen_kboot_lifecycle_action, XenKbootLifecycleAction,
                XEN_KBOOT_LIFECYCLE_LAST)
ENUM_TABLE (xen_kboot_clock_offset, XEN_KBOOT_CLOCK_LAST, "utc", "localtime", "variable");
ENUM_TABLE (xen_kboot_disk_type, XEN_KBOOT_DISK_TYPE_LAST, "file", "block", "network");
ENUM_TABLE (xen_kboot_disk_device, XEN_KBOOT_DISK_DEVICE_LAST, "disk", "cdrom");
ENUM_TABLE (xen_kboot_disk_bus, XEN_KBOOT_DISK_BUS_LAST, "", "ide", "scsi", "xen", "sata");
ENUM_TABLE (xen_kboot_net_type, XEN_KBOOT_NET_TYPE_LAST, "bridge", "ethernet",
            "network");
ENUM_TABLE (xen_kboot_graphics_type, XEN_KBOOT_GRAPHICS_LAST, "vnc", "spice", "sdl");
ENUM_TABLE (xen_kboot_chr_type, XEN_KBOOT_CHR_LAST,
            "pty", "null", "vc", "stdio", "file", "dev", "pipe", "tcp", "udp",
            "unix");
ENUM_TO_STRING (xen_kboot_chr_type, XenKbootChrType, XEN_KBOOT_CHR_LAST)
ENUM_TABLE (xen_kboot_video_model, XEN_KBOOT_VIDEO_LAST,
            "", "cirrus", "vga", "xen", "qxl", "none");
ENUM_TO_STRING (xen_kboot_video_model, XenKbootVideoModel, XEN_KBOOT_VIDEO_LAST)
ENUM_TABLE (xen_kboot_input_type, XEN_KBOOT_INPUT_LAST, "mouse", "tablet", "keyboard");
ENUM_TO_STRING (xen_kboot_input_type, XenKbootInputType, XEN_KBOOT_INPUT_LAST)
ENUM_TABLE (xen_kboot_input_bus, XEN_KBOOT_INPUT_BUS_LAST, "", "ps2", "usb", "xen");
ENUM_TABLE (xen_kboot_sound_model, XEN_KBOOT_SOUND_LAST,
            "sb16", "es1370", "pcspk", "ac97", "ich6", "ich9", "usb", "ich7",
            "virtio");
ENUM_TO_STRING (xen_kboot_sound_model, XenKbootSoundModel, XEN_KBOOT_SOUND_LAST)
ENUM_TABLE (xen_kboot_os_firmware, XEN_KBOOT_OS_FIRMWARE_LAST, "", "bios", "efi");
ENUM_TABLE (xen_kboot_loader_type, XEN_KBOOT_LOADER_TYPE_LAST, "", "rom", "pflash");

/* Index of @string in @table (empty entries never match), or -1. */
static int
table_lookup (const char *const *table, gsize n, const char *string)
{
  if (!string)
    return -1;
  for (gsize i = 0; i < n; i++)
    if (table[i][0] != '\0' && strcmp (table[i], string) == 0)
      return (int) i;
  return -1;
}

#define LOOKUP(fn, string) table_lookup (fn##_table, G_N_ELEMENTS (fn##_table), (string))

/* "a, b or c" for messages. */
static char *
table_choices (const char *const *table, gsize n)
{
  GString *s = g_string_new (NULL);
  gsize shown = 0, total = 0;

  for (gsize i = 0; i < n; i++)
    total += table[i][0] != '\0';
  for (gsize i = 0; i < n; i++)
    {
      if (table[i][0] == '\0')
        continue;
      if (shown > 0)
        g_string_append (s, shown + 1 == total ? " or " : ", ");
      g_string_append_printf (s, "'%s'", table[i]);
      shown++;
    }
  return g_string_free (s, FALSE);
}

#define CHOICES(fn) table_choices (fn##_table, G_N_ELEMENTS (fn##_table))

gboolean
xen_kboot_boot_mode_from_string (const char *string, XenKbootBootMode *value)
{
  int i = LOOKUP (xen_kboot_boot_mode, string);

  if (i < 0)
    return FALSE;
  *value = (XenKbootBootMode) i;
  return TRUE;
}

gboolean
xen_kboot_boot_path_from_string (const char *string, XenKbootBootPath *value)
{
  int i = LOOKUP (xen_kboot_boot_path, string);

  if (i < 0)
    return FALSE;
  *value = (XenKbootBootPath) i;
  return TRUE;
}

/* ---- memory units (libvirt's virScaleInteger) ---- */

gboolean
xen_kboot_conf_scale_to_bytes (guint64 value, const char *unit, guint64 *bytes)
{
  guint64 scale = 1024, base;
  int power;

  if (unit && *unit)
    {
      if (g_ascii_strcasecmp (unit, "b") == 0
          || g_ascii_strcasecmp (unit, "byte") == 0
          || g_ascii_strcasecmp (unit, "bytes") == 0)
        scale = 1;
      else
        {
          if (unit[1] == '\0' || g_ascii_strcasecmp (unit + 1, "iB") == 0)
            base = 1024;
          else if (g_ascii_strcasecmp (unit + 1, "B") == 0)
            base = 1000;
          else
            return FALSE;
          switch (g_ascii_tolower (unit[0]))
            {
            case 'k': power = 1; break;
            case 'm': power = 2; break;
            case 'g': power = 3; break;
            case 't': power = 4; break;
            case 'p': power = 5; break;
            case 'e': power = 6; break;
            default: return FALSE;
            }
          scale = 1;
          while (power-- > 0)
            scale *= base;
        }
    }
  return g_uint64_checked_mul (bytes, value, scale);
}

const char *
xen_kboot_conf_schema (gsize *length)
{
  if (length)
    *length = xen_kboot_schema_rng_len;
  return xen_kboot_schema_rng;
}

/* ---- freeing ---- */

static void
disk_host_free (gpointer p)
{
  XenKbootDiskHost *host = p;

  g_free (host->name);
  g_free (host);
}

static void
disk_free (gpointer p)
{
  XenKbootDiskDef *disk = p;

  g_free (disk->driver_name);
  g_free (disk->format);
  g_free (disk->source);
  g_free (disk->rbd_pool);
  g_free (disk->rbd_image);
  g_clear_pointer (&disk->hosts, g_ptr_array_unref);
  g_free (disk->target_dev);
  g_free (disk);
}

void
xen_kboot_hostdev_def_free (XenKbootHostdevDef *hostdev)
{
  if (!hostdev)
    return;
  g_free (hostdev->mac);
  g_free (hostdev);
}

static void
net_free (gpointer p)
{
  XenKbootNetDef *net = p;

  g_free (net->mac);
  g_free (net->bridge);
  g_free (net->network);
  g_free (net->script);
  g_free (net->model);
  g_free (net->ifname);
  g_free (net);
}

static void
graphics_free (gpointer p)
{
  XenKbootGraphicsDef *graphics = p;

  g_free (graphics->listen);
  g_free (graphics->passwd);
  g_free (graphics->keymap);
  g_free (graphics->display);
  g_free (graphics->xauth);
  g_free (graphics);
}

static void
chr_free (gpointer p)
{
  XenKbootChrDef *chr = p;

  g_free (chr->path);
  g_free (chr->host);
  g_free (chr->service);
  g_free (chr->bind_host);
  g_free (chr->bind_service);
  g_free (chr->target_type);
  g_free (chr);
}

static void
ignored_free (gpointer p)
{
  XenKbootIgnored *ignored = p;

  g_free (ignored->path);
  g_free (ignored);
}

void
xen_kboot_domain_def_free (XenKbootDomainDef *def)
{
  if (!def)
    return;
  g_free (def->file);
  g_free (def->virt_type);
  g_free (def->name);
  g_free (def->uuid);
  g_free (def->os.arch);
  g_free (def->os.machine);
  g_free (def->os.loader);
  g_free (def->os.kernel);
  g_free (def->os.initrd);
  g_free (def->os.cmdline);
  g_free (def->os.dtb);
  g_free (def->emulator);
  g_clear_pointer (&def->disks, g_ptr_array_unref);
  g_clear_pointer (&def->nets, g_ptr_array_unref);
  g_clear_pointer (&def->graphics, g_ptr_array_unref);
  g_clear_pointer (&def->chrs, g_ptr_array_unref);
  g_clear_pointer (&def->inputs, g_ptr_array_unref);
  g_clear_pointer (&def->hostdevs, g_ptr_array_unref);
  g_clear_pointer (&def->ignored, g_ptr_array_unref);
  g_free (def);
}

static XenKbootDomainDef *
domain_def_new (const char *file)
{
  XenKbootDomainDef *def = g_new0 (XenKbootDomainDef, 1);

  def->file = g_strdup (file);
  def->max_vcpus = 1;
  def->vcpus = 1;
  def->os.type = XEN_KBOOT_OS_TYPE_HVM;
  def->boot_mode = XEN_KBOOT_BOOT_MODE_DIRECT;
  def->clock_offset = XEN_KBOOT_CLOCK_UTC;
  def->on_poweroff = XEN_KBOOT_LIFECYCLE_DESTROY;
  def->on_reboot = XEN_KBOOT_LIFECYCLE_RESTART;
  def->on_crash = XEN_KBOOT_LIFECYCLE_DESTROY;
  def->disks = g_ptr_array_new_with_free_func (disk_free);
  def->nets = g_ptr_array_new_with_free_func (net_free);
  def->graphics = g_ptr_array_new_with_free_func (graphics_free);
  def->chrs = g_ptr_array_new_with_free_func (chr_free);
  def->inputs = g_ptr_array_new_with_free_func (g_free);
  def->hostdevs = g_ptr_array_new_with_free_func ((GDestroyNotify) xen_kboot_hostdev_def_free);
  def->ignored = g_ptr_array_new_with_free_func (ignored_free);
  return def;
}

/* ---- problems ---- */

GPtrArray *
xen_kboot_conf_problems_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
}

void
xen_kboot_conf_problems_to_error (GPtrArray *problems, GError **error)
{
  GString *text = g_string_new (NULL);
  const GError *first;

  g_return_if_fail (problems->len > 0);
  first = g_ptr_array_index (problems, 0);
  for (guint i = 0; i < problems->len; i++)
    {
      const GError *p = g_ptr_array_index (problems, i);
      g_string_append_printf (text, "%s%s", i ? "\n" : "", p->message);
    }
  g_set_error_literal (error, first->domain, first->code, text->str);
  g_string_free (text, TRUE);
}

/* The lines of an element the parser refused as a whole. */
typedef struct {
  int first, last;
} LineSpan;

typedef struct {
  XenKbootDomainDef *def;
  GPtrArray *problems;
  GArray *refused;              /* LineSpan; NULL: not kept */
} Parser;

GError *
xen_kboot_conf_problem_new_valist (XenKbootConfError code,
                                   const XenKbootDomainDef *def, int line,
                                   const char *element, const char *format,
                                   va_list args)
{
  g_autofree char *message = g_strdup_vprintf (format, args);

  if (line > 0)
    return g_error_new (XEN_KBOOT_CONF_ERROR, code, "%s:%d: <%s>: %s",
                        def->file, line, element, message);
  return g_error_new (XEN_KBOOT_CONF_ERROR, code, "%s: <%s>: %s", def->file,
                      element, message);
}

GError *
xen_kboot_conf_problem_new (XenKbootConfError code, const XenKbootDomainDef *def,
                            int line, const char *element, const char *format, ...)
{
  va_list args;
  GError *error;

  va_start (args, format);
  error = xen_kboot_conf_problem_new_valist (code, def, line, element, format, args);
  va_end (args);
  return error;
}

void
xen_kboot_conf_problem_add (GPtrArray *problems, XenKbootConfError code,
                            const XenKbootDomainDef *def, int line,
                            const char *element, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (problems, xen_kboot_conf_problem_new_valist (code, def, line,
                                                                element, format,
                                                                args));
  va_end (args);
}

static void problem (Parser *p, XenKbootConfError code, const xmlNode *node,
                     const char *format, ...) G_GNUC_PRINTF (4, 5);

/* A problem at @node, for the parser. */
static void
problem (Parser *p, XenKbootConfError code, const xmlNode *node,
         const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (p->problems,
                   xen_kboot_conf_problem_new_valist (code, p->def,
                                                      (int) xmlGetLineNo (node),
                                                      (const char *) node->name,
                                                      format, args));
  va_end (args);
}

/* ---- small XML helpers ---- */

static int
last_line (const xmlNode *node)
{
  int last = (int) xmlGetLineNo (node);

  for (const xmlNode *child = node->children; child; child = child->next)
    if (child->type == XML_ELEMENT_NODE)
      last = MAX (last, last_line (child));
  return last;
}

/* @node is refused whole, for its type: what the schema says of its
 * content follows from that type (an <interface type='direct'>'s <source
 * dev=> is not a bridge's), and is not said again (load_doc). */
static void
refuse_whole (Parser *p, const xmlNode *node)
{
  LineSpan span = { (int) xmlGetLineNo (node), last_line (node) };

  if (p->refused)
    g_array_append_val (p->refused, span);
}

static gboolean
is_element (const xmlNode *node, const char *name)
{
  return node->type == XML_ELEMENT_NODE
         && (!node->ns || !node->ns->href || !*node->ns->href)
         && strcmp ((const char *) node->name, name) == 0;
}

static char *
get_prop (const xmlNode *node, const char *name)
{
  xmlChar *value = xmlGetNoNsProp (node, (const xmlChar *) name);
  char *copy = g_strdup ((const char *) value);

  xmlFree (value);
  return copy;
}

/* The first child element of @parent named @name (no namespace), or NULL:
 * libvirt reads single-valued children as "./NAME[1]", so a duplicate is
 * never read (and its strings never leak over the first's). */
static const xmlNode *
first_child (const xmlNode *parent, const char *name)
{
  for (const xmlNode *node = parent->children; node; node = node->next)
    if (is_element (node, name))
      return node;
  return NULL;
}

char *
xen_kboot_conf_element_describe (const xmlNode *node)
{
  const char *prefix = node->ns && node->ns->prefix ? (const char *) node->ns->prefix : NULL;

  if (node->ns && node->ns->href && *node->ns->href)
    return g_strdup_printf ("<%s%s%s> in the namespace '%s'", prefix ? prefix : "",
                            prefix ? ":" : "", (const char *) node->name,
                            (const char *) node->ns->href);
  return g_strdup_printf ("<%s%s%s>", prefix ? prefix : "", prefix ? ":" : "",
                          (const char *) node->name);
}

char *
xen_kboot_conf_root_mismatch (const xmlNode *root)
{
  g_autofree char *described = NULL;

  if (!root)
    return g_strdup ("the document has no root element, not <domain>");
  described = xen_kboot_conf_element_describe (root);
  return g_strdup_printf ("the root element is %s, not <domain>%s", described,
                          strcmp ((const char *) root->name, "domain") == 0
                          ? " without a namespace" : "");
}

const xmlNode *
xen_kboot_conf_os_child (const xmlNode *root, const char *name)
{
  for (const xmlNode *os = root->children; os; os = os->next)
    {
      const xmlNode *node = is_element (os, "os") ? first_child (os, name) : NULL;

      if (node)
        return node;
    }
  return NULL;
}

static char *
get_text (const xmlNode *node)
{
  xmlChar *value = xmlNodeGetContent (node);
  char *copy = g_strdup (value ? (const char *) value : "");

  xmlFree (value);
  return copy;
}

static void
ignore (Parser *p, const xmlNode *node, const char *parent_path)
{
  XenKbootIgnored *ignored = g_new0 (XenKbootIgnored, 1);

  if (node->ns && node->ns->prefix)
    ignored->path = g_strdup_printf ("%s/%s:%s", parent_path,
                                     (const char *) node->ns->prefix,
                                     (const char *) node->name);
  else
    ignored->path = g_strdup_printf ("%s/%s", parent_path, (const char *) node->name);
  ignored->line = (int) xmlGetLineNo (node);
  g_ptr_array_add (p->def->ignored, ignored);
}

/* An attribute xen-kboot does not use, reported like an element: the
 * path ends in "/@NAME". */
static void
ignore_attr (Parser *p, const xmlNode *node, const char *node_path, const char *name)
{
  XenKbootIgnored *ignored;

  if (!xmlHasProp (node, (const xmlChar *) name))
    return;
  ignored = g_new0 (XenKbootIgnored, 1);
  ignored->path = g_strdup_printf ("%s/@%s", node_path, name);
  ignored->line = (int) xmlGetLineNo (node);
  g_ptr_array_add (p->def->ignored, ignored);
}

/* Parse an unsigned decimal number (surrounding blanks allowed). */
static gboolean
parse_u64 (const char *text, guint64 *value)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  char *end = NULL;

  if (!copy[0] || !g_ascii_isdigit (copy[0]))
    return FALSE;
  errno = 0;
  *value = g_ascii_strtoull (copy, &end, 10);
  return errno == 0 && end && *end == '\0';
}

static gboolean
parse_int (const char *text, gint64 min, gint64 max, gint64 *value)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  char *end = NULL;

  if (!copy[0])
    return FALSE;
  errno = 0;
  *value = g_ascii_strtoll (copy, &end, 10);
  return errno == 0 && end && *end == '\0' && *value >= min && *value <= max;
}

/* An enum attribute: absent leaves *@value, unknown is a problem. */
static void
enum_prop (Parser *p, const xmlNode *node, const char *attr,
           const char *const *table, gsize n, int *value)
{
  g_autofree char *text = get_prop (node, attr);
  int i;

  if (!text)
    return;
  i = table_lookup (table, n, text);
  if (i < 0)
    {
      g_autofree char *choices = table_choices (table, n);
      problem (p, XEN_KBOOT_CONF_ERROR_INVALID_VALUE, node,
               "%s='%s' is not one of %s", attr, text, choices);
      return;
    }
  *value = i;
}

#define ENUM_PROP(p, node, attr, fn, ptr)                                  \
  G_STMT_START {                                                          \
    int v_ = (int) *(ptr);                                                \
    enum_prop ((p), (node), (attr), fn##_table,                           \
               G_N_ELEMENTS (fn##_table), &v_);                           \
    *(ptr) = v_;                                                          \
  } G_STMT_END

/* ---- <memory>, <currentMemory>, <vcpu> ---- */

gboolean
xen_kboot_conf_memory_kib (const char *text, const char *unit, guint64 *kib,
                           GError **error)
{
  guint64 value, bytes;

  if (!parse_u64 (text, &value))
    {
      g_set_error (error, XEN_KBOOT_CONF_ERROR, XEN_KBOOT_CONF_ERROR_INVALID_VALUE,
                   "'%s' is not a non-negative integer", text);
      return FALSE;
    }
  if (!xen_kboot_conf_scale_to_bytes (value, unit, &bytes))
    {
      if (unit && !xen_kboot_conf_scale_to_bytes (1, unit, &bytes))
        g_set_error (error, XEN_KBOOT_CONF_ERROR, XEN_KBOOT_CONF_ERROR_INVALID_VALUE,
                     "unit='%s' is not a memory unit (b, KiB, MiB, GiB, TiB, "
                     "KB, MB, ...)", unit);
      else
        g_set_error (error, XEN_KBOOT_CONF_ERROR, XEN_KBOOT_CONF_ERROR_INVALID_VALUE,
                     "%s %s does not fit in 64 bits of bytes", text,
                     unit ? unit : "KiB");
      return FALSE;
    }
  /* libvirt keeps memory in KiB, rounding up. */
  *kib = bytes / 1024 + (bytes % 1024 != 0);
  return TRUE;
}

static gboolean
parse_memory (Parser *p, const xmlNode *node, guint64 *kib)
{
  g_autofree char *unit = get_prop (node, "unit");
  g_autofree char *text = get_text (node);
  g_autoptr(GError) error = NULL;

  if (xen_kboot_conf_memory_kib (text, unit, kib, &error))
    return TRUE;
  problem (p, (XenKbootConfError) error->code, node, "%s", error->message);
  return FALSE;
}

static void
parse_vcpu (Parser *p, const xmlNode *node)
{
  XenKbootDomainDef *def = p->def;
  g_autofree char *text = get_text (node);
  g_autofree char *current = get_prop (node, "current");
  gint64 value;

  def->vcpu_loc.line = (int) xmlGetLineNo (node);
  if (!parse_int (text, 1, G_MAXUINT16, &value))
    {
      problem (p, XEN_KBOOT_CONF_ERROR_INVALID_VALUE, node,
               "'%s' is not a vCPU count between 1 and 65535", text);
      return;
    }
  def->max_vcpus = def->vcpus = (guint) value;
  if (current)
    {
      if (!parse_int (current, 1, G_MAXUINT16, &value))
        problem (p, XEN_KBOOT_CONF_ERROR_INVALID_VALUE, node,
                 "current='%s' is not a vCPU count between 1 and 65535", current);
      else
        def->vcpus = (guint) value;
    }
}

/* ---- <metadata> ---- */

static void
parse_metadata (Parser *p, const xmlNode *metadata)
{
  for (const xmlNode *node = metadata->children; node; node = node->next)
    {
      g_autofree char *mode = NULL, *path = NULL;

      if (node->type != XML_ELEMENT_NODE || !node->ns || !node->ns->href
          || strcmp ((const char *) node->ns->href, XEN_KBOOT_CONF_NAMESPACE) != 0)
        continue;   /* other applications' metadata */
      if (strcmp ((const char *) node->name, "boot") != 0)
        {
          ignore (p, node, "/domain/metadata");
          continue;
        }
      path = get_prop (node, "path");
      if (path && !xen_kboot_boot_path_from_string (path, &p->def->boot_path))
        {
          g_autofree char *choices = CHOICES (xen_kboot_boot_path);
          problem (p, XEN_KBOOT_CONF_ERROR_INVALID_VALUE, node,
                   "path='%s' is not one of %s", path, choices);
        }
      else if (path)
        p->def->boot_path_set = TRUE;
      mode = get_prop (node, "mode");
      p->def->boot_mode_loc.line = (int) xmlGetLineNo (node);
      if (!mode)
        continue;
      if (!xen_kboot_boot_mode_from_string (mode, &p->def->boot_mode))
        {
          g_autofree char *choices = CHOICES (xen_kboot_boot_mode);
          problem (p, XEN_KBOOT_CONF_ERROR_INVALID_VALUE, node,
                   "mode='%s' is not one of %s", mode, choices);
        }
      else
        p->def->boot_mode_set = TRUE;
    }
}

/* ---- <os> ---- */

static void
set_path (char **field, XenKbootLoc *loc, const xmlNode *node)
{
  g_free (*field);
  *field = get_text (node);
  loc->line = (int) xmlGetLineNo (node);
}

static void
parse_os_type (Parser *p, const xmlNode *node)
{
  XenKbootDomainDef *def = p->def;
  g_autofree char *text = g_strstrip (get_text (node));
  int i;

  def->os.arch = get_prop (node, "arch");
  def->os.machine = get_prop (node, "machine");
  def->os.type_loc.line = (int) xmlGetLineNo (node);
  if (strcmp (text, "linux") == 0)   /* libvirt's old name for PV */
    i = XEN_KBOOT_OS_TYPE_XEN;
  else
    i = LOOKUP (xen_kboot_os_type, text);
  if (i < 0)
    {
      problem (p, XEN_KBOOT_CONF_ERROR_INVALID_VALUE, node,
               "OS type '%s' is not one of 'hvm', 'xen', 'linux' or 'xenpvh'",
               text);
      return;
    }
  def->os.type = (XenKbootOsType) i;
}

static void
parse_boot_dev (Parser *p, const xmlNode *node)
{
  XenKbootDomainDef *def = p->def;
  g_autofree char *dev = get_prop (node, "dev");
  int i = LOOKUP (xen_kboot_boot_dev, dev);

  if (i < 0)
    {
      g_autofree char *choices = CHOICES (xen_kboot_boot_dev);
      problem (p, XEN_KBOOT_CONF_ERROR_UNKNOWN_BOOT_DEV, node,
               "unknown boot device dev='%s': libvirt knows %s",
               dev ? dev : "", choices);
      return;
    }
  if (def->os.n_boot >= G_N_ELEMENTS (def->os.boot))
    {
      problem (p, XEN_KBOOT_CONF_ERROR_INVALID_VALUE, node,
               "more than %u <boot> elements", (guint) G_N_ELEMENTS (def->os.boot));
      return;
    }
  def->os.boot[def->os.n_boot++] = (XenKbootBootDev) i;
}

/* <loader type= secure=>PATH</loader>; an empty one names no file. */
static void
parse_loader (Parser *p, const xmlNode *node)
{
  XenKbootDomainDef *def = p->def;
  g_autofree char *secure = get_prop (node, "secure");

  set_path (&def->os.loader, &def->os.loader_loc, node);
  if (!def->os.loader[0])
    g_clear_pointer (&def->os.loader, g_free);
  ENUM_PROP (p, node, "type", xen_kboot_loader_type, &def->os.loader_type);
  if (g_strcmp0 (secure, "yes") == 0)
    {
      def->os.secure_boot = TRUE;
      def->os.secure_boot_loc.line = (int) xmlGetLineNo (node);
    }
}

/* <firmware><feature enabled='yes' name='secure-boot'/>: the firmware
 * autoselection's features; only secure boot changes anything here. */
static void
parse_os_firmware (Parser *p, const xmlNode *firmware)
{
  for (const xmlNode *node = firmware->children; node; node = node->next)
    {
      g_autofree char *name = NULL, *enabled = NULL;

      if (node->type != XML_ELEMENT_NODE)
        continue;
      if (!is_element (node, "feature"))
        {
          ignore (p, node, "/domain/os/firmware");
          continue;
        }
      name = get_prop (node, "name");
      enabled = get_prop (node, "enabled");
      if (g_strcmp0 (name, "secure-boot") == 0 && g_strcmp0 (enabled, "yes") == 0)
        {
          p->def->os.secure_boot = TRUE;
          p->def->os.secure_boot_loc.line = (int) xmlGetLineNo (node);
        }
    }
}

/* Every <os> element's <boot>s count (libvirt: ./os/boot); each of the
 * single elements is the first in document order among all <os> elements
 * (xen_kboot_conf_os_child, libvirt's string(./os/NAME[1])), as the hook
 * reads them: a second <os>, <type> or <kernel> is refused by the schema
 * and never read. */
static void
parse_os (Parser *p, const xmlNode *root)
{
  XenKbootDomainDef *def = p->def;
  const xmlNode *type = xen_kboot_conf_os_child (root, "type");
  const xmlNode *loader = xen_kboot_conf_os_child (root, "loader");
  const xmlNode *firmware = xen_kboot_conf_os_child (root, "firmware");
  static const char *const single[] = {
    "type", "loader", "firmware", "kernel", "initrd", "cmdline", "dtb",
  };
  const struct {
    const char *name;
    char **field;
    XenKbootLoc *loc;
  } paths[] = {
    { "kernel", &def->os.kernel, &def->os.kernel_loc },
    { "initrd", &def->os.initrd, &def->os.initrd_loc },
    { "cmdline", &def->os.cmdline, &def->os.cmdline_loc },
    { "dtb", &def->os.dtb, &def->os.dtb_loc },
  };
  const xmlNode *first_os = NULL;

  for (const xmlNode *os = root->children; os; os = os->next)
    {
      if (!is_element (os, "os"))
        continue;
      if (!first_os)
        first_os = os;
      for (const xmlNode *node = os->children; node; node = node->next)
        {
          gboolean known = FALSE;

          if (node->type != XML_ELEMENT_NODE)
            continue;
          if (is_element (node, "boot"))
            {
              parse_boot_dev (p, node);
              continue;
            }
          for (gsize i = 0; i < G_N_ELEMENTS (single) && !known; i++)
            known = is_element (node, single[i]);
          if (!known)
            ignore (p, node, "/domain/os");
        }
    }
  if (!first_os)
    return;
  def->os.loc.line = (int) xmlGetLineNo (first_os);
  if (type)
    parse_os_type (p, type);
  else
    problem (p, XEN_KBOOT_CONF_ERROR_MISSING, first_os,
             "no <type> (hvm, xen or xenpvh)");
  for (gsize i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      const xmlNode *node = xen_kboot_conf_os_child (root, paths[i].name);

      if (node)
        set_path (paths[i].field, paths[i].loc, node);
    }
  ENUM_PROP (p, first_os, "firmware", xen_kboot_os_firmware, &def->os.firmware);
  if (loader)
    parse_loader (p, loader);
  if (firmware)
    parse_os_firmware (p, firmware);
}

/* ---- <features>, <clock>, lifecycle ---- */

static void
parse_features (Parser *p, const xmlNode *features)
{
  for (const xmlNode *node = features->children; node; node = node->next)
    {
      if (node->type != XML_ELEMENT_NODE)
        continue;
      if (is_element (node, "acpi"))
        p->def->acpi = TRUE;
      else if (is_element (node, "apic"))
        p->def->apic = TRUE;
      else if (is_element (node, "pae"))
        p->def->pae = TRUE;
      else
        ignore (p, node, "/domain/features");
    }
}

static void
parse_clock_timers (Parser *p, const xmlNode *clock)
{
  for (const xmlNode *node = clock->children; node; node = node->next)
    if (node->type == XML_ELEMENT_NODE)
      ignore (p, node, "/domain/clock");
}

static void
parse_clock (Parser *p, const xmlNode *clock)
{
  XenKbootDomainDef *def = p->def;
  g_autofree char *adjustment = get_prop (clock, "adjustment");
  g_autofree char *basis = get_prop (clock, "basis");

  ENUM_PROP (p, clock, "offset", xen_kboot_clock_offset, &def->clock_offset);
  if (def->clock_offset == XEN_KBOOT_CLOCK_VARIABLE)
    def->clock_basis_localtime = g_strcmp0 (basis, "localtime") == 0;
  else if (adjustment && strcmp (adjustment, "reset") != 0)
    {
      /* libvirt (virDomainDefClockParse): utc or localtime with a number
       * of seconds is offset='variable' on that basis. */
      def->clock_basis_localtime = def->clock_offset == XEN_KBOOT_CLOCK_LOCALTIME;
      def->clock_offset = XEN_KBOOT_CLOCK_VARIABLE;
    }
  /* Xen keeps the RTC's offset as a signed 32-bit number of seconds
   * (xc_domain_set_time_offset). */
  if (def->clock_offset == XEN_KBOOT_CLOCK_VARIABLE && adjustment
      && !parse_int (adjustment, G_MININT32, G_MAXINT32, &def->clock_adjustment))
    problem (p, XEN_KBOOT_CONF_ERROR_INVALID_VALUE, clock,
             "adjustment='%s' is not a number of seconds from %d to %d: Xen "
             "keeps the RTC offset as a signed 32-bit number", adjustment,
             G_MININT32, G_MAXINT32);
  parse_clock_timers (p, clock);
}

static void
parse_lifecycle (Parser *p, const xmlNode *node, XenKbootLifecycleAction *action)
{
  g_autofree char *text = g_strstrip (get_text (node));
  int i = LOOKUP (xen_kboot_lifecycle_action, text);

  if (i < 0)
    {
      g_autofree char *choices = CHOICES (xen_kboot_lifecycle_action);
      problem (p, XEN_KBOOT_CONF_ERROR_INVALID_VALUE, node,
               "'%s' is not one of %s", text, choices);
      return;
    }
  *action = (XenKbootLifecycleAction) i;
}

/* ---- <devices> ---- */

/* The secret behind <auth> lives in libvirt's secret store: libvirt's
 * libxl driver reads it (virSecretGetSecretString) and writes the key
 * into QEMU's rbd string; a domain file names only the secret's UUID or
 * usage, which xen-kboot cannot read. */
static void
refuse_disk_auth (Parser *p, const xmlNode *node)
{
  problem (p, XEN_KBOOT_CONF_ERROR_UNSUPPORTED, node,
           "a Ceph key from libvirt's secret store: xen-kboot cannot read "
           "libvirt's secrets and opens rbd images without authentication "
           "(auth_supported=none); drop <auth> if the cluster lets this "
           "client in without cephx, or map the image on the host (rbd "
           "map) and give it as <disk type='block'>");
}

/* A monitor: <host name= port=>. */
static void
parse_disk_host (Parser *p, XenKbootDiskDef *disk, const xmlNode *node)
{
  g_autofree char *name = get_prop (node, "name");
  g_autofree char *port = get_prop (node, "port");
  g_autofree XenKbootDiskHost *host = g_new0 (XenKbootDiskHost, 1);
  gint64 value = 0;

  if (!name)
    {
      problem (p, XEN_KBOOT_CONF_ERROR_MISSING, node,
               "without name=: which Ceph monitor (a host name or address)");
      return;
    }
  if (port && !parse_int (port, 1, 65535, &value))
    {
      problem (p, XEN_KBOOT_CONF_ERROR_INVALID_VALUE, node,
               "port='%s' is not a TCP port from 1 to 65535", port);
      return;
    }
  host->name = g_steal_pointer (&name);
  host->port = (guint) value;
  g_ptr_array_add (disk->hosts, g_steal_pointer (&host));
}

/* <disk type='network'>: libvirt's libxl driver opens rbd only, through
 * QEMU's qdisk (libxlMakeNetworkDiskSrc); its name='POOL/IMAGE' is split
 * at the first '/' (virDomainDiskSourceNetworkParse). */
static void
parse_disk_network_source (Parser *p, XenKbootDiskDef *disk, const xmlNode *node)
{
  g_autofree char *protocol = get_prop (node, "protocol");
  g_autofree char *name = get_prop (node, "name");
  const char *slash = name ? strchr (name, '/') : NULL;

  disk->hosts = g_ptr_array_new_with_free_func (disk_host_free);
  if (!protocol)
    {
      problem (p, XEN_KBOOT_CONF_ERROR_MISSING, node,
               "type='network' without protocol=: which network protocol "
               "(xen-kboot, as libvirt's libxl driver, opens 'rbd')");
      return;
    }
  if (strcmp (protocol, "rbd") != 0)
    {
      problem (p, XEN_KBOOT_CONF_ERROR_UNSUPPORTED, node,
               "protocol='%s': libxl's qdisk backend opens network disks of "
               "protocol 'rbd' only (libvirt's libxl driver refuses the "
               "others too); attach the volume on the host and give it as "
               "<disk type='block'> or type='file'", protocol);
      return;
    }
  if (!slash || slash == name || !slash[1])
    {
      problem (p, XEN_KBOOT_CONF_ERROR_INVALID_VALUE, node,
               "name='%s' is not POOL/IMAGE: which Ceph pool and image",
               name ? name : "");
      return;
    }
  /* QEMU's rbd string separates its options with ':'. */
  if (strchr (slash + 1, ':'))
    {
      problem (p, XEN_KBOOT_CONF_ERROR_UNSUPPORTED, node,
               "name='%s': an image name with ':' cannot be given to QEMU's "
               "rbd driver (libvirt refuses it too); rename the image", name);
      return;
    }
  disk->rbd_pool = g_strndup (name, (gsize) (slash - name));
  disk->rbd_image = g_strdup (slash + 1);
  ignore_attr (p, node, "/domain/devices/disk/source", "tls");
  for (const xmlNode *child = node->children; child; child = child->next)
    {
      if (child->type != XML_ELEMENT_NODE)
        continue;
      if (is_element (child, "host"))
        parse_disk_host (p, disk, child);
      else if (is_element (child, "auth"))
        refuse_disk_auth (p, child);
      else
        ignore (p, child, "/domain/devices/disk/source");
    }
}

static void
parse_disk (Parser *p, const xmlNode *disk_node)
{
  XenKbootDiskDef *disk = g_new0 (XenKbootDiskDef, 1);

  disk->loc.line = (int) xmlGetLineNo (disk_node);
  ENUM_PROP (p, disk_node, "type", xen_kboot_disk_type, &disk->type);
  ENUM_PROP (p, disk_node, "device", xen_kboot_disk_device, &disk->device);
  for (const xmlNode *node = disk_node->children; node; node = node->next)
    {
      if (node->type != XML_ELEMENT_NODE)
        continue;
      if (is_element (node, "driver"))
        {
          if (node != first_child (disk_node, "driver"))
            continue;   /* libvirt reads the first; the schema refuses */
          disk->driver_name = get_prop (node, "name");
          disk->format = get_prop (node, "type");
        }
      else if (is_element (node, "source"))
        {
          if (node != first_child (disk_node, "source"))
            continue;
          if (disk->type == XEN_KBOOT_DISK_TYPE_NETWORK)
            {
              parse_disk_network_source (p, disk, node);
              continue;
            }
          disk->source = get_prop (node, disk->type == XEN_KBOOT_DISK_TYPE_BLOCK
                                         ? "dev" : "file");
          for (const xmlNode *child = node->children; child; child = child->next)
            if (child->type == XML_ELEMENT_NODE)
              ignore (p, child, "/domain/devices/disk/source");
        }
      else if (is_element (node, "target"))
        {
          if (node != first_child (disk_node, "target"))
            continue;
          disk->target_dev = get_prop (node, "dev");
          ENUM_PROP (p, node, "bus", xen_kboot_disk_bus, &disk->bus);
        }
      else if (is_element (node, "readonly"))
        disk->readonly = TRUE;
      else if (is_element (node, "auth") && disk->type == XEN_KBOOT_DISK_TYPE_NETWORK)
        refuse_disk_auth (p, node);   /* libvirt's older place for it */
      else
        ignore (p, node, "/domain/devices/disk");
    }
  if (disk->type == XEN_KBOOT_DISK_TYPE_NETWORK)
    {
      if (!first_child (disk_node, "source"))
        problem (p, XEN_KBOOT_CONF_ERROR_MISSING, disk_node,
                 "type='network' without <source protocol='rbd' "
                 "name='POOL/IMAGE'>: which image");
      /* libxlMakeDisk: "only the 'qemu' driver can be used with network
       * disks". */
      if (disk->driver_name && strcmp (disk->driver_name, "qemu") != 0)
        problem (p, XEN_KBOOT_CONF_ERROR_UNSUPPORTED, first_child (disk_node, "driver"),
                 "name='%s' for a network disk: only QEMU's qdisk backend "
                 "(name='qemu') opens one", disk->driver_name);
    }
  if (!disk->target_dev)
    problem (p, XEN_KBOOT_CONF_ERROR_MISSING, disk_node,
             "no <target dev=...>: every disk needs its guest device name");
  g_ptr_array_add (p->def->disks, disk);
}

/* libxl's own vif names: vifDOMID.DEVID, and -emu for the emulated twin. */
static gboolean
is_generated_vif_name (const char *name)
{
  const char *s = name + 3;

  if (!g_str_has_prefix (name, "vif") || !g_ascii_isdigit (*s))
    return FALSE;
  while (g_ascii_isdigit (*s))
    s++;
  if (*s++ != '.' || !g_ascii_isdigit (*s))
    return FALSE;
  while (g_ascii_isdigit (*s))
    s++;
  return *s == '\0' || strcmp (s, "-emu") == 0;
}

/* A PCI address part, "0x1a" or "26" as libvirt reads it (base 0). */
static gboolean
pci_address_part (Parser *p, const xmlNode *node, const char *attr, guint max,
                  guint *value)
{
  g_autofree char *text = get_prop (node, attr);
  char *end = NULL;
  guint64 v = 0;

  if (text && g_ascii_isdigit (text[0]))
    {
      errno = 0;
      v = g_ascii_strtoull (text, &end, 0);
    }
  if (end && *end == '\0' && errno == 0 && v <= max)
    {
      *value = (guint) v;
      return TRUE;
    }
  problem (p, XEN_KBOOT_CONF_ERROR_INVALID_VALUE, node,
           "%s='%s' is not a PCI %s number from 0 to %#x", attr,
           text ? text : "", attr, max);
  return FALSE;
}

/* <address domain= bus= slot= function=>, each part checked so that every
 * bad one is reported; libvirt's domain defaults to 0. */
static gboolean
parse_pci_address (Parser *p, const xmlNode *node, XenKbootHostdevDef *hostdev)
{
  gboolean ok = TRUE;

  if (xmlHasProp (node, (const xmlChar *) "domain"))
    ok = pci_address_part (p, node, "domain", 0xffff, &hostdev->domain);
  ok &= pci_address_part (p, node, "bus", 0xff, &hostdev->bus);
  ok &= pci_address_part (p, node, "slot", 0x1f, &hostdev->slot);
  ok &= pci_address_part (p, node, "function", 0x7, &hostdev->function);
  return ok;
}

/* <hostdev mode='subsystem' type='pci'>: libvirt's libxl driver passes
 * the function through (libxlMakePCI); other hostdevs are not used. */
static void
parse_hostdev (Parser *p, const xmlNode *hnode)
{
  g_autofree char *mode = get_prop (hnode, "mode");
  g_autofree char *type = get_prop (hnode, "type");
  g_autoptr(XenKbootHostdevDef) hostdev = NULL;
  gboolean saw_address = FALSE, address_ok = FALSE;

  if (g_strcmp0 (mode ? mode : "subsystem", "subsystem") != 0
      || g_strcmp0 (type, "pci") != 0)
    {
      ignore (p, hnode, "/domain/devices");
      return;
    }
  hostdev = g_new0 (XenKbootHostdevDef, 1);
  hostdev->loc.line = (int) xmlGetLineNo (hnode);
  for (const xmlNode *node = hnode->children; node; node = node->next)
    {
      g_autofree char *filtering = NULL;

      if (node->type != XML_ELEMENT_NODE)
        continue;
      if (!is_element (node, "source"))
        {
          ignore (p, node, "/domain/devices/hostdev");
          continue;
        }
      filtering = get_prop (node, "writeFiltering");
      hostdev->permissive = g_strcmp0 (filtering, "no") == 0;
      for (const xmlNode *child = node->children; child; child = child->next)
        {
          if (child->type != XML_ELEMENT_NODE)
            continue;
          if (!is_element (child, "address"))
            {
              ignore (p, child, "/domain/devices/hostdev/source");
              continue;
            }
          saw_address = TRUE;
          address_ok = parse_pci_address (p, child, hostdev);
        }
    }
  if (!saw_address)
    problem (p, XEN_KBOOT_CONF_ERROR_MISSING, hnode,
             "type='pci' without <source><address domain= bus= slot= "
             "function=>: which host PCI function to pass through");
  if (!saw_address || !address_ok)
    return;
  g_ptr_array_add (p->def->hostdevs, g_steal_pointer (&hostdev));
}

/* <interface type='hostdev'>: an SR-IOV VF, which libvirt's libxl driver
 * passes through as it does a <hostdev> (the domain's hostdevs hold it:
 * libxlMakePCIList) and gives no vif (libxlMakeNicList skips it).  Its
 * <mac> is kept for the warning that xen-kboot cannot set it. */
static void
parse_interface_hostdev (Parser *p, const xmlNode *iface)
{
  g_autoptr(XenKbootHostdevDef) hostdev = g_new0 (XenKbootHostdevDef, 1);
  const xmlNode *mac = first_child (iface, "mac");
  const xmlNode *source = first_child (iface, "source");
  const xmlNode *address = source ? first_child (source, "address") : NULL;
  g_autofree char *address_type = address ? get_prop (address, "type") : NULL;

  hostdev->loc.line = (int) xmlGetLineNo (iface);
  hostdev->interface = TRUE;
  for (const xmlNode *node = iface->children; node; node = node->next)
    if (node->type == XML_ELEMENT_NODE && !is_element (node, "mac")
        && !is_element (node, "source"))
      ignore (p, node, "/domain/devices/interface");
  if (!address)
    {
      problem (p, XEN_KBOOT_CONF_ERROR_MISSING, iface,
               "type='hostdev' without <source><address type='pci' domain= "
               "bus= slot= function=>: which VF to pass through");
      return;
    }
  if (g_strcmp0 (address_type, "pci") != 0)
    {
      problem (p, XEN_KBOOT_CONF_ERROR_UNSUPPORTED, address,
               "type='%s': libxl passes through PCI functions only (an "
               "SR-IOV VF is one: type='pci')", address_type ? address_type : "");
      return;
    }
  if (!parse_pci_address (p, address, hostdev))
    return;
  if (mac)
    hostdev->mac = get_prop (mac, "address");
  g_ptr_array_add (p->def->hostdevs, g_steal_pointer (&hostdev));
}

/* type='network': the bridge is the network's, which only libvirt knows
 * (a running domain's XML names it in <source bridge=>); the conversion
 * needs it, validate does not (xen_kboot_native_check). */
static void
parse_interface (Parser *p, const xmlNode *iface)
{
  g_autofree char *type = get_prop (iface, "type");
  XenKbootNetDef *net;
  static const char *const single[] = { "mac", "source", "script", "model", "target" };
  char **fields[G_N_ELEMENTS (single)];
  static const char *const attrs[] = { "address", NULL, "path", "type", "dev" };
  gboolean type_known;

  if (g_strcmp0 (type, "hostdev") == 0)
    {
      parse_interface_hostdev (p, iface);
      return;
    }
  net = g_new0 (XenKbootNetDef, 1);
  fields[0] = &net->mac;
  fields[1] = NULL;
  fields[2] = &net->script;
  fields[3] = &net->model;
  fields[4] = &net->ifname;
  net->loc.line = (int) xmlGetLineNo (iface);
  type_known = !type || LOOKUP (xen_kboot_net_type, type) >= 0;
  if (type_known)
    ENUM_PROP (p, iface, "type", xen_kboot_net_type, &net->type);
  else
    {
      problem (p, XEN_KBOOT_CONF_ERROR_UNSUPPORTED, iface,
               "type='%s': libvirt's libxl driver gives a Xen guest interfaces "
               "of type 'bridge', 'ethernet', 'network' or 'hostdev' only", type);
      refuse_whole (p, iface);
    }
  for (const xmlNode *node = iface->children; node; node = node->next)
    {
      gboolean known = FALSE;

      if (node->type != XML_ELEMENT_NODE)
        continue;
      for (gsize i = 0; i < G_N_ELEMENTS (single) && !known; i++)
        known = is_element (node, single[i]);
      if (!known)
        ignore (p, node, "/domain/devices/interface");
    }
  for (gsize i = 0; i < G_N_ELEMENTS (single); i++)
    {
      const xmlNode *node = first_child (iface, single[i]);

      if (node && fields[i])
        *fields[i] = get_prop (node, attrs[i]);
      else if (node)
        {
          net->bridge = get_prop (node, "bridge");
          net->network = get_prop (node, "network");
        }
    }
  /* A running domain's XML names the vif libxl made for it ("vif3.0",
   * "vif3.0-emu"): libvirt drops generated names when it reads a
   * definition (virDomainNetDefParseXML), or the next domain would ask
   * for the running one's. */
  if (net->ifname && is_generated_vif_name (net->ifname))
    g_clear_pointer (&net->ifname, g_free);
  /* An unknown type is said once: its <source> is not a bridge's. */
  if (type_known && net->type == XEN_KBOOT_NET_TYPE_BRIDGE && !net->bridge)
    problem (p, XEN_KBOOT_CONF_ERROR_MISSING, iface,
             "type='bridge' without <source bridge=...>: name the host "
             "bridge the NIC joins");
  else if (type_known && net->type == XEN_KBOOT_NET_TYPE_NETWORK && !net->network)
    problem (p, XEN_KBOOT_CONF_ERROR_MISSING, iface,
             "type='network' without <source network=...>: name the "
             "libvirt network the NIC joins");
  g_ptr_array_add (p->def->nets, net);
}

static void
parse_graphics (Parser *p, const xmlNode *gnode)
{
  XenKbootGraphicsDef *graphics = g_new0 (XenKbootGraphicsDef, 1);
  g_autofree char *port = get_prop (gnode, "port");
  g_autofree char *autoport = get_prop (gnode, "autoport");
  gint64 value;

  graphics->loc.line = (int) xmlGetLineNo (gnode);
  ENUM_PROP (p, gnode, "type", xen_kboot_graphics_type, &graphics->type);
  graphics->port = -1;
  if (port)
    {
      if (!parse_int (port, -1, 65535, &value))
        problem (p, XEN_KBOOT_CONF_ERROR_INVALID_VALUE, gnode,
                 "port='%s' is not -1 or a TCP port", port);
      else
        graphics->port = (int) value;
    }
  /* libvirt: port -1 (or none) means autoport. */
  graphics->autoport = autoport ? strcmp (autoport, "yes") == 0
                                : graphics->port == -1;
  if (graphics->autoport)
    graphics->port = -1;
  graphics->listen = get_prop (gnode, "listen");
  graphics->passwd = get_prop (gnode, "passwd");
  graphics->keymap = get_prop (gnode, "keymap");
  graphics->display = get_prop (gnode, "display");
  graphics->xauth = get_prop (gnode, "xauth");
  /* libxl has no full-screen switch for QEMU's SDL window. */
  ignore_attr (p, gnode, "/domain/devices/graphics", "fullscreen");
  for (const xmlNode *node = gnode->children; node; node = node->next)
    {
      if (node->type != XML_ELEMENT_NODE)
        continue;
      if (is_element (node, "gl") && graphics->type == XEN_KBOOT_GRAPHICS_SDL)
        {
          g_autofree char *enable = get_prop (node, "enable");
          graphics->opengl = g_strcmp0 (enable, "yes") == 0;
        }
      else if (is_element (node, "listen"))
        {
          g_autofree char *address = get_prop (node, "address");
          if (address && !graphics->listen)
            graphics->listen = g_steal_pointer (&address);
        }
      else
        ignore (p, node, "/domain/devices/graphics");
    }
  g_ptr_array_add (p->def->graphics, graphics);
}

/* A <source> of a character device, as libvirt reads it
 * (virDomainChrSourceDefParseXML): the first one, except for udp, whose
 * connect-mode source (the default mode) names the peer and whose
 * bind-mode source the local end. */
static void
parse_chr_source (Parser *p, XenKbootChrDef *chr, const xmlNode *node)
{
  g_autofree char *mode = get_prop (node, "mode");
  g_autofree char *tls = get_prop (node, "tls");
  gboolean bind = g_strcmp0 (mode, "bind") == 0;

  /* libvirt's libxl driver drops tls= (libxlMakeChrdevStr writes no TLS
   * option): the guest's console would go out in clear text. */
  if (g_strcmp0 (tls, "yes") == 0)
    problem (p, XEN_KBOOT_CONF_ERROR_UNSUPPORTED, node,
             "tls='yes': libxl gives QEMU the device as one -serial string, "
             "which has no TLS (libvirt's libxl driver drops it and sends "
             "the console in clear text); use tls='no' behind a TLS tunnel "
             "(stunnel, ssh -L), or type='pty' and the host's console");

  if (chr->type == XEN_KBOOT_CHR_UDP)
    {
      char **host = bind ? &chr->bind_host : &chr->host;
      char **service = bind ? &chr->bind_service : &chr->service;

      if (!*host && !*service)
        {
          *host = get_prop (node, "host");
          *service = get_prop (node, "service");
        }
      return;
    }
  if (node != first_child (node->parent, "source"))
    return;
  chr->path = get_prop (node, "path");
  chr->host = get_prop (node, "host");
  chr->service = get_prop (node, "service");
  chr->listen = bind;
}

/* <protocol type=>: raw (the default) or telnet; libxl hands QEMU the
 * device as one -serial string, which has no TLS (libvirt's libxl driver
 * writes "tcp:" for telnets and tls, dropping it). */
static void
parse_chr_protocol (Parser *p, XenKbootChrDef *chr, const xmlNode *node)
{
  g_autofree char *type = get_prop (node, "type");

  if (!type || strcmp (type, "raw") == 0)
    return;
  if (strcmp (type, "telnet") == 0)
    chr->telnet = TRUE;
  else
    problem (p, XEN_KBOOT_CONF_ERROR_UNSUPPORTED, node,
             "type='%s': libxl gives QEMU the device as one -serial string, "
             "which has no TLS (libvirt's libxl driver drops it); use "
             "'raw' or 'telnet'", type);
}

/* What each type needs, as libvirt's virDomainChrSourceDefValidate. */
static void
check_chr_source (Parser *p, const XenKbootChrDef *chr, const xmlNode *cnode)
{
  const char *type = xen_kboot_chr_type_to_string (chr->type);

  switch (chr->type)
    {
    case XEN_KBOOT_CHR_FILE:
    case XEN_KBOOT_CHR_DEV:
    case XEN_KBOOT_CHR_PIPE:
    case XEN_KBOOT_CHR_UNIX:
      if (!chr->path)
        problem (p, XEN_KBOOT_CONF_ERROR_MISSING, cnode,
                 "type='%s' without <source path=...>", type);
      break;
    case XEN_KBOOT_CHR_TCP:
      if (!chr->host || !chr->service)
        problem (p, XEN_KBOOT_CONF_ERROR_MISSING, cnode,
                 "type='tcp' without <source host=... service=...>: the "
                 "address QEMU listens on (mode='bind') or connects to");
      break;
    case XEN_KBOOT_CHR_UDP:
      if (!chr->service)
        problem (p, XEN_KBOOT_CONF_ERROR_MISSING, cnode,
                 "type='udp' without <source mode='connect' service=...>: "
                 "the port QEMU sends to");
      break;
    case XEN_KBOOT_CHR_PTY:
    case XEN_KBOOT_CHR_NULL:
    case XEN_KBOOT_CHR_VC:
    case XEN_KBOOT_CHR_STDIO:
    case XEN_KBOOT_CHR_LAST:
      break;
    }
}

static void
parse_chr (Parser *p, const xmlNode *cnode, gboolean console)
{
  XenKbootChrDef *chr = g_new0 (XenKbootChrDef, 1);
  const char *path = console ? "/domain/devices/console" : "/domain/devices/serial";

  chr->loc.line = (int) xmlGetLineNo (cnode);
  chr->console = console;
  chr->port = -1;
  ENUM_PROP (p, cnode, "type", xen_kboot_chr_type, &chr->type);
  for (const xmlNode *node = cnode->children; node; node = node->next)
    {
      if (node->type != XML_ELEMENT_NODE)
        continue;
      if (is_element (node, "source"))
        parse_chr_source (p, chr, node);
      /* libvirt reads the first <protocol> and <target> (./NAME[1]); the
       * schema refuses a second, which must not leak over the first. */
      else if ((is_element (node, "protocol") || is_element (node, "target"))
               && node != first_child (cnode, (const char *) node->name))
        continue;
      else if (is_element (node, "protocol") && chr->type == XEN_KBOOT_CHR_TCP)
        parse_chr_protocol (p, chr, node);
      else if (is_element (node, "target"))
        {
          g_autofree char *port = get_prop (node, "port");
          gint64 value;

          chr->target_type = get_prop (node, "type");
          if (port && !parse_int (port, 0, 3, &value))
            problem (p, XEN_KBOOT_CONF_ERROR_INVALID_VALUE, node,
                     "port='%s' is not a serial port number 0 to 3", port);
          else if (port)
            chr->port = (int) value;
        }
      else
        ignore (p, node, path);
    }
  check_chr_source (p, chr, cnode);
  g_ptr_array_add (p->def->chrs, chr);
}

static void
parse_video (Parser *p, const xmlNode *vnode)
{
  XenKbootDomainDef *def = p->def;

  if (def->video_loc.line)
    {
      /* Xen HVM guests have one emulated graphics card. */
      ignore (p, vnode, "/domain/devices");
      return;
    }
  def->video_loc.line = (int) xmlGetLineNo (vnode);
  for (const xmlNode *node = vnode->children; node; node = node->next)
    {
      if (node->type != XML_ELEMENT_NODE)
        continue;
      if (is_element (node, "model"))
        {
          g_autofree char *vram = get_prop (node, "vram");
          guint64 value;

          ENUM_PROP (p, node, "type", xen_kboot_video_model, &def->video);
          if (vram && !parse_u64 (vram, &value))
            problem (p, XEN_KBOOT_CONF_ERROR_INVALID_VALUE, node,
                     "vram='%s' is not a size in KiB", vram);
          else if (vram)
            def->video_vram_kib = value;
          for (const xmlNode *child = node->children; child; child = child->next)
            if (child->type == XML_ELEMENT_NODE)
              ignore (p, child, "/domain/devices/video/model");
        }
      else
        ignore (p, node, "/domain/devices/video");
    }
}

/* <sound model=>: libvirt's libxl driver gives the first one to libxl
 * (libxlMakeDomBuildInfo: "man xl.cfg(5) describes soundhw as a single
 * device"); its <codec>, <audio>, <address> are not used. */
static void
parse_sound (Parser *p, const xmlNode *snode)
{
  XenKbootDomainDef *def = p->def;
  g_autofree char *model = get_prop (snode, "model");

  if (def->sound_loc.line)
    {
      ignore (p, snode, "/domain/devices");
      return;
    }
  def->sound_loc.line = (int) xmlGetLineNo (snode);
  if (!model)
    problem (p, XEN_KBOOT_CONF_ERROR_MISSING, snode,
             "without model=: which sound card");
  ENUM_PROP (p, snode, "model", xen_kboot_sound_model, &def->sound);
  for (const xmlNode *node = snode->children; node; node = node->next)
    if (node->type == XML_ELEMENT_NODE)
      ignore (p, node, "/domain/devices/sound");
}

static void
parse_input (Parser *p, const xmlNode *inode)
{
  XenKbootInputDef *input = g_new0 (XenKbootInputDef, 1);

  input->loc.line = (int) xmlGetLineNo (inode);
  ENUM_PROP (p, inode, "type", xen_kboot_input_type, &input->type);
  ENUM_PROP (p, inode, "bus", xen_kboot_input_bus, &input->bus);
  for (const xmlNode *node = inode->children; node; node = node->next)
    if (node->type == XML_ELEMENT_NODE)
      ignore (p, node, "/domain/devices/input");
  g_ptr_array_add (p->def->inputs, input);
}

static void
parse_devices (Parser *p, const xmlNode *devices)
{
  for (const xmlNode *node = devices->children; node; node = node->next)
    {
      if (node->type != XML_ELEMENT_NODE)
        continue;
      if (is_element (node, "emulator"))
        {
          /* libvirt: string(./devices/emulator[1]) */
          if (!p->def->emulator_loc.line)
            set_path (&p->def->emulator, &p->def->emulator_loc, node);
        }
      else if (is_element (node, "disk"))
        parse_disk (p, node);
      else if (is_element (node, "interface"))
        parse_interface (p, node);
      else if (is_element (node, "graphics"))
        parse_graphics (p, node);
      else if (is_element (node, "serial"))
        parse_chr (p, node, FALSE);
      else if (is_element (node, "console"))
        parse_chr (p, node, TRUE);
      else if (is_element (node, "video"))
        parse_video (p, node);
      else if (is_element (node, "input"))
        parse_input (p, node);
      else if (is_element (node, "hostdev"))
        parse_hostdev (p, node);
      else if (is_element (node, "sound"))
        parse_sound (p, node);
      else
        ignore (p, node, "/domain/devices");
    }
}

/* ---- <domain> ---- */

static void
parse_domain_child (Parser *p, const xmlNode *node)
{
  XenKbootDomainDef *def = p->def;

  static const char *const single[] = {
    "name", "uuid", "metadata", "memory", "currentMemory", "vcpu", "clock",
    "on_poweroff", "on_reboot", "on_crash",
  };

  /* libvirt reads these as ./NAME[1]: a duplicate (which the schema
   * refuses) is not read. */
  for (gsize i = 0; i < G_N_ELEMENTS (single); i++)
    if (is_element (node, single[i]) && node != first_child (node->parent, single[i]))
      return;
  if (is_element (node, "name"))
    def->name = get_text (node);
  else if (is_element (node, "uuid"))
    def->uuid = g_strstrip (get_text (node));
  else if (is_element (node, "metadata"))
    parse_metadata (p, node);
  else if (is_element (node, "memory"))
    {
      def->memory_loc.line = (int) xmlGetLineNo (node);
      def->has_memory = parse_memory (p, node, &def->memory_kib);
    }
  else if (is_element (node, "currentMemory"))
    {
      def->current_memory_loc.line = (int) xmlGetLineNo (node);
      def->has_current_memory = parse_memory (p, node, &def->current_memory_kib);
    }
  else if (is_element (node, "vcpu"))
    parse_vcpu (p, node);
  else if (is_element (node, "os"))
    {
      if (node == first_child (node->parent, "os"))
        parse_os (p, node->parent);   /* every <os>, at the first */
    }
  else if (is_element (node, "features"))
    parse_features (p, node);
  else if (is_element (node, "clock"))
    parse_clock (p, node);
  else if (is_element (node, "on_poweroff"))
    parse_lifecycle (p, node, &def->on_poweroff);
  else if (is_element (node, "on_reboot"))
    parse_lifecycle (p, node, &def->on_reboot);
  else if (is_element (node, "on_crash"))
    parse_lifecycle (p, node, &def->on_crash);
  else if (is_element (node, "devices"))
    parse_devices (p, node);
  else
    ignore (p, node, "/domain");
}

static XenKbootDomainDef *
parse_doc (xmlDoc *doc, const char *file, GPtrArray *problems, GArray *refused)
{
  g_autoptr(XenKbootDomainDef) def = domain_def_new (file);
  Parser parser = { def, problems, refused };
  const xmlNode *root = xmlDocGetRootElement (doc);

  if (!root || !is_element (root, "domain"))
    {
      g_autofree char *mismatch = xen_kboot_conf_root_mismatch (root);

      g_ptr_array_add (problems,
                       g_error_new (XEN_KBOOT_CONF_ERROR, XEN_KBOOT_CONF_ERROR_NOT_DOMAIN,
                                    "%s:%ld: %s: not a libvirt domain XML", file,
                                    root ? xmlGetLineNo (root) : 0L, mismatch));
      return NULL;
    }
  def->virt_type = get_prop (root, "type");
  for (const xmlNode *node = root->children; node; node = node->next)
    if (node->type == XML_ELEMENT_NODE)
      parse_domain_child (&parser, node);

  if (!def->name)
    problem (&parser, XEN_KBOOT_CONF_ERROR_MISSING, root, "no <name>");
  if (!def->memory_loc.line)
    problem (&parser, XEN_KBOOT_CONF_ERROR_MISSING, root, "no <memory>");
  if (!def->os.loc.line)
    problem (&parser, XEN_KBOOT_CONF_ERROR_MISSING, root,
             "no <os>: xen-kboot needs <os><type>hvm</type><kernel>...");
  if (!def->has_current_memory)
    def->current_memory_kib = def->memory_kib;
  return g_steal_pointer (&def);
}

XenKbootDomainDef *
xen_kboot_domain_def_parse (xmlDoc *doc, const char *file, GPtrArray *problems)
{
  return parse_doc (doc, file, problems, NULL);
}

/* ---- loading: read, schema, parse, rules ---- */

/* Does one of @problems from @first on, in this module's form "FILE:LINE:
 * <ELEMENT>: ...", restate @schema_problem: the same line and element,
 * and its subject quoted ("'virtio'", "<name")? */
static gboolean
restated_by_rule (const GError *schema_problem, const char *name,
                  GPtrArray *problems, guint first)
{
  int line;
  const char *element, *subject;
  g_autofree char *prefix = NULL;

  if (!xen_kboot_schema_problem_subject (schema_problem, &line, &element, &subject))
    return FALSE;
  prefix = element ? g_strdup_printf ("%s:%d: <%s>: ", name, line, element)
                   : g_strdup_printf ("%s:%d: ", name, line);
  for (guint i = first; i < problems->len; i++)
    {
      const GError *rule = g_ptr_array_index (problems, i);

      if (rule->domain == XEN_KBOOT_CONF_ERROR && g_str_has_prefix (rule->message, prefix)
          && strstr (rule->message + strlen (prefix), subject))
        return TRUE;
    }
  return FALSE;
}

/* Errors are reported once: a schema problem that a rule says again, in
 * xen-kboot's own words, is dropped (the rule says more: why, and what
 * to write instead). */
static void
drop_restated (GPtrArray *problems, const char *name, guint schema_first,
               guint rules_first)
{
  for (guint i = rules_first; i > schema_first; i--)
    if (restated_by_rule (g_ptr_array_index (problems, i - 1), name, problems,
                          rules_first))
      {
        g_ptr_array_remove_index (problems, i - 1);
        rules_first--;
      }
}

/* An element the schema refuses is not "ignored by xen-kboot": the
 * parser, which skips what it does not use, must not say so. */
static void
forget_refused (XenKbootDomainDef *def, GPtrArray *problems, guint schema_first,
                guint rules_first)
{
  for (guint i = schema_first; def && i < rules_first; i++)
    {
      int line;
      const char *refused;
      g_autofree char *suffix = NULL;

      if (!xen_kboot_schema_problem_refused_element (g_ptr_array_index (problems, i),
                                                     &line, &refused))
        continue;
      suffix = g_strconcat ("/", refused, NULL);
      for (guint k = def->ignored->len; k > 0; k--)
        {
          const XenKbootIgnored *ignored = g_ptr_array_index (def->ignored, k - 1);
          if (ignored->line == line && g_str_has_suffix (ignored->path, suffix))
            g_ptr_array_remove_index (def->ignored, k - 1);
        }
    }
}

/* One problem, one message: a schema problem inside an element the
 * parser refused whole (below its first line) goes.  Returns how many
 * went. */
static guint
drop_inside_refused (GPtrArray *problems, guint schema_first, guint rules_first,
                     GArray *refused)
{
  guint dropped = 0;

  for (guint i = rules_first; i > schema_first; i--)
    {
      const GError *e = g_ptr_array_index (problems, i - 1);
      int line;
      gboolean inside = FALSE;

      if (!xen_kboot_schema_problem_line (e, &line))
        continue;
      for (guint k = 0; k < refused->len && !inside; k++)
        {
          const LineSpan *span = &g_array_index (refused, LineSpan, k);
          inside = line > span->first && line <= span->last;
        }
      if (inside)
        {
          g_ptr_array_remove_index (problems, i - 1);
          dropped++;
        }
    }
  return dropped;
}

/* Check the schema, parse and apply the rules, even when the schema
 * fails, so that one run reports every problem.  With @keep, the
 * definition is returned whenever the root was <domain>, problems or not. */
static XenKbootDomainDef *
load_doc (xmlDoc *doc, const char *name, guint64 min_memory_kib,
          GPtrArray *problems, gboolean keep)
{
  g_autoptr(XenKbootDomainDef) def = NULL;
  gsize schema_len;
  const char *schema = xen_kboot_conf_schema (&schema_len);
  guint before = problems->len;

  guint rules_first;
  g_autoptr(GArray) refused = g_array_new (FALSE, FALSE, sizeof (LineSpan));

  xen_kboot_xml_validate_relaxng (doc, name, schema, schema_len, problems);
  rules_first = problems->len;
  def = parse_doc (doc, name, problems, refused);
  rules_first -= drop_inside_refused (problems, before, rules_first, refused);
  forget_refused (def, problems, before, rules_first);
  if (def)
    xen_kboot_domain_def_validate (def, min_memory_kib, problems);
  drop_restated (problems, name, before, rules_first);
  if (problems->len > before && !keep)
    return NULL;
  return g_steal_pointer (&def);
}

static XenKbootDomainDef *
load_file (const char *path, guint64 min_memory_kib, GPtrArray *problems,
           gboolean keep)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = xen_kboot_xml_read_file (path, &error);

  if (!doc)
    {
      g_ptr_array_add (problems, g_steal_pointer (&error));
      return NULL;
    }
  return load_doc (doc, strcmp (path, "-") == 0 ? "(stdin)" : path,
                   min_memory_kib, problems, keep);
}

static XenKbootDomainDef *
load_buffer (const char *xml, gsize len, const char *name,
             guint64 min_memory_kib, GPtrArray *problems, gboolean keep)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = xen_kboot_xml_parse (xml, len, name, &error);

  if (!doc)
    {
      g_ptr_array_add (problems, g_steal_pointer (&error));
      return NULL;
    }
  return load_doc (doc, name, min_memory_kib, problems, keep);
}

XenKbootDomainDef *
xen_kboot_domain_def_load (const char *path, guint64 min_memory_kib,
                           GPtrArray *problems)
{
  return load_file (path, min_memory_kib, problems, FALSE);
}

XenKbootDomainDef *
xen_kboot_domain_def_load_buffer (const char *xml, gsize len, const char *name,
                                  guint64 min_memory_kib, GPtrArray *problems)
{
  return load_buffer (xml, len, name, min_memory_kib, problems, FALSE);
}

XenKbootDomainDef *
xen_kboot_domain_def_load_all (const char *path, const char *xml, gsize len,
                               guint64 min_memory_kib, GPtrArray *problems)
{
  if (xml)
    return load_buffer (xml, len, path, min_memory_kib, problems, TRUE);
  return load_file (path, min_memory_kib, problems, TRUE);
}

char *
xen_kboot_domain_def_ignored_summary (const XenKbootDomainDef *def)
{
  g_autoptr(GString) text = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();

  if (def->ignored->len == 0)
    return NULL;
  text = g_string_new (NULL);
  g_string_append_printf (text, "%s: ignored by xen-kboot:", def->file);
  /* One entry per path, with every line it appears on. */
  for (guint i = 0; i < def->ignored->len; i++)
    {
      const XenKbootIgnored *a = g_ptr_array_index (def->ignored, i);
      guint n = 0;
      gboolean done = FALSE;

      for (guint k = 0; k < seen->len && !done; k++)
        done = strcmp (g_ptr_array_index (seen, k), a->path) == 0;
      if (done)
        continue;
      g_ptr_array_add (seen, a->path);
      for (guint j = i; j < def->ignored->len; j++)
        n += strcmp (((const XenKbootIgnored *) g_ptr_array_index (def->ignored, j))->path,
                     a->path) == 0;
      g_string_append_printf (text, "%s %s (line%s", seen->len > 1 ? "," : "",
                              a->path, n > 1 ? "s" : "");
      n = 0;
      for (guint j = i; j < def->ignored->len; j++)
        {
          const XenKbootIgnored *b = g_ptr_array_index (def->ignored, j);
          if (strcmp (b->path, a->path) == 0)
            g_string_append_printf (text, "%s %d", n++ ? "," : "", b->line);
        }
      g_string_append_c (text, ')');
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}
