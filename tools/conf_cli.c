#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "cli_util.h"
#include "conf_cli.h"
#include "kboot_util.h"

/* libvirt prints every error on stderr unless told otherwise; we report
 * the last one ourselves, once. */
static void
silence_libvirt (void *data, virErrorPtr error)
{
}

static char *
libvirt_domain_xml (virConnectPtr conn, const char *uri, const char *name,
                    GPtrArray *problems)
{
  virDomainPtr dom = conn ? virDomainLookupByName (conn, name) : NULL;
  char *xml = dom ? virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE) : NULL;

  if (!xml)
    g_ptr_array_add (problems,
                     g_error_new (XEN_KBOOT_CONF_ERROR, XEN_KBOOT_CONF_ERROR_MISSING,
                                  "%s: %s '%s': %s", uri,
                                  conn ? "cannot read the XML of domain"
                                       : "cannot connect to read domain",
                                  name, virGetLastErrorMessage ()));
  if (dom)
    virDomainFree (dom);
  return xml;
}

/* libvirt's libxl driver finds an <interface type='network'>'s bridge
 * with virNetworkLookupByName and virNetworkGetBridgeName (libxlMakeNic);
 * so do we, on the connection the domain came from (a second one would
 * not do: libvirt's test driver reads its file with libxml2, whose
 * external loads xen-kboot refuses once it has parsed a document).  A
 * network with no bridge (macvtap, hostdev pools) cannot be converted. */
static void
resolve_networks (virConnectPtr conn, const char *uri, XenKbootDomainDef *def,
                  GPtrArray *problems)
{
  for (guint i = 0; i < def->nets->len; i++)
    {
      XenKbootNetDef *net = g_ptr_array_index (def->nets, i);
      virNetworkPtr network;
      char *bridge = NULL;

      if (net->type != XEN_KBOOT_NET_TYPE_NETWORK || net->bridge || !net->network)
        continue;
      network = virNetworkLookupByName (conn, net->network);
      if (network)
        bridge = virNetworkGetBridgeName (network);
      if (bridge)
        net->bridge = g_strdup (bridge);
      else
        xen_kboot_conf_problem_add (problems, XEN_KBOOT_CONF_ERROR_MISSING, def,
                                    net->loc.line, "interface",
                                    "type='network': %s gives no bridge for "
                                    "network '%s': %s", uri, net->network,
                                    virGetLastErrorMessage ());
      free (bridge);
      if (network)
        virNetworkFree (network);
    }
}

static XenKbootDomainDef *
load (const char *uri, const char *arg, gboolean keep, gboolean convert,
      GPtrArray *problems)
{
  g_autoptr(XenKbootDomainDef) def = NULL;
  g_autofree char *name = NULL;
  virConnectPtr conn = NULL;
  char *xml = NULL;
  guint before = problems->len;

  if (!uri)
    def = keep ? xen_kboot_domain_def_load_all (arg, NULL, 0,
                                                XEN_KBOOT_CONF_MIN_MEMORY_KIB,
                                                problems)
               : xen_kboot_domain_def_load (arg, XEN_KBOOT_CONF_MIN_MEMORY_KIB,
                                            problems);
  else
    {
      virSetErrorFunc (NULL, silence_libvirt);
      conn = virConnectOpenReadOnly (uri);
      xml = libvirt_domain_xml (conn, uri, arg, problems);
      /* Messages say where the XML came from: "NAME (URI):LINE: ...". */
      name = g_strdup_printf ("%s (%s)", arg, uri);
      if (xml && keep)
        def = xen_kboot_domain_def_load_all (name, xml, strlen (xml),
                                             XEN_KBOOT_CONF_MIN_MEMORY_KIB,
                                             problems);
      else if (xml)
        def = xen_kboot_domain_def_load_buffer (xml, strlen (xml), name,
                                                XEN_KBOOT_CONF_MIN_MEMORY_KIB,
                                                problems);
      if (def && convert)
        resolve_networks (conn, uri, def, problems);
      free (xml);
      if (conn)
        virConnectClose (conn);
    }
  if (def && convert && problems->len == before)
    xen_kboot_native_check (def, problems);
  if (problems->len > before && !keep)
    return NULL;
  return g_steal_pointer (&def);
}

XenKbootDomainDef *
kboot_conf_cli_load (const char *uri, const char *arg, gboolean keep,
                     GPtrArray *problems)
{
  return load (uri, arg, keep, FALSE, problems);
}

XenKbootDomainDef *
kboot_conf_cli_load_to_convert (const char *uri, const char *arg,
                                GPtrArray *problems)
{
  return load (uri, arg, FALSE, TRUE, problems);
}

void
kboot_conf_cli_print_problems (GPtrArray *problems)
{
  for (guint i = 0; i < problems->len; i++)
    {
      const GError *problem = g_ptr_array_index (problems, i);
      g_autofree char *line = kboot_text_printable (problem->message);

      fprintf (stderr, "%s\n", line);
    }
}

void
kboot_conf_cli_print_ignored (const XenKbootDomainDef *def)
{
  g_autofree char *summary = def ? xen_kboot_domain_def_ignored_summary (def) : NULL;

  if (summary)
    {
      g_autofree char *line = kboot_text_printable (summary);

      fprintf (stderr, "%s\n", line);
    }
}

static void
print_warnings (char **warnings)
{
  for (char **w = warnings; w && *w; w++)
    {
      g_autofree char *line = kboot_text_printable (*w);

      fprintf (stderr, "xen-kboot: warning: %s\n", line);
    }
}

void
kboot_conf_cli_print_warnings (const XenKbootDomainDef *def, XenKbootBootMode mode)
{
  g_auto(GStrv) warnings = def ? xen_kboot_domain_def_warnings (def, mode) : NULL;

  print_warnings (warnings);
}

void
kboot_conf_cli_print_native_warnings (const XenKbootDomainDef *def,
                                      const XenKbootNativeOptions *options)
{
  g_auto(GStrv) warnings = def ? xen_kboot_native_warnings (def, options) : NULL;

  print_warnings (warnings);
}

gboolean
kboot_conf_cli_parse_mode (const char *command, const char *text,
                           XenKbootBootMode *mode)
{
  if (xen_kboot_boot_mode_from_string (text, mode))
    return TRUE;
  kboot_cli_usage_error (command, "--mode '%s': use direct or device-model", text);
  return FALSE;
}

void
kboot_conf_cli_fast_clear (KbootConfCliFast *f)
{
  g_clear_pointer (&f->boot_path, g_free);
  g_clear_pointer (&f->cache_dir, g_free);
  g_clear_pointer (&f->cache_size, g_free);
}

gboolean
kboot_conf_cli_fast_resolve (const char *command, KbootConfCliFast *f,
                             const XenKbootDomainDef *def, gboolean verbose,
                             const XenKbootFastOptions **fast)
{
  XenKbootBootPath path = def->boot_path;

  *fast = NULL;
  if (f->boot_path && !xen_kboot_boot_path_from_string (f->boot_path, &path))
    {
      kboot_cli_usage_error (command, "--boot-path '%s': use direct or fast",
                             f->boot_path);
      return FALSE;
    }
  if (f->cache_size && !kboot_parse_size (f->cache_size, &f->fast.cache_max))
    {
      kboot_cli_usage_error (command, "--kernel-cache-size '%s': a number of "
                             "bytes above 0, with K, M or G after it for KiB, "
                             "MiB or GiB", f->cache_size);
      return FALSE;
    }
  if (f->cache_dir && f->cache_dir[0] == '\0')
    {
      kboot_cli_usage_error (command, "--kernel-cache '': give a directory, or "
                             "none for no cache");
      return FALSE;
    }
  if (path != XEN_KBOOT_BOOT_PATH_FAST)
    return TRUE;
  f->fast.cache_dir = f->cache_dir;
  f->fast.verbose = verbose;
  *fast = &f->fast;
  return TRUE;
}
