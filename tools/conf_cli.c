#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "cli_util.h"
#include "conf_cli.h"

/* libvirt prints every error on stderr unless told otherwise; we report
 * the last one ourselves, once. */
static void
silence_libvirt (void *data, virErrorPtr error)
{
}

static char *
libvirt_domain_xml (const char *uri, const char *name, GPtrArray *problems)
{
  virConnectPtr conn = NULL;
  virDomainPtr dom = NULL;
  char *xml = NULL;

  virSetErrorFunc (NULL, silence_libvirt);
  conn = virConnectOpenReadOnly (uri);
  if (conn)
    dom = virDomainLookupByName (conn, name);
  if (dom)
    xml = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE);
  if (!xml)
    g_ptr_array_add (problems,
                     g_error_new (XEN_KBOOT_CONF_ERROR, XEN_KBOOT_CONF_ERROR_MISSING,
                                  "%s: %s '%s': %s", uri,
                                  conn ? "cannot read the XML of domain"
                                       : "cannot connect to read domain",
                                  name, virGetLastErrorMessage ()));
  if (dom)
    virDomainFree (dom);
  if (conn)
    virConnectClose (conn);
  return xml;
}

XenKbootDomainDef *
kboot_conf_cli_load (const char *uri, const char *arg, gboolean keep,
                     GPtrArray *problems)
{
  g_autofree char *name = NULL;
  char *xml;
  XenKbootDomainDef *def;

  if (!uri)
    return keep ? xen_kboot_domain_def_load_all (arg, NULL, 0,
                                                 XEN_KBOOT_CONF_MIN_MEMORY_KIB,
                                                 problems)
                : xen_kboot_domain_def_load (arg, XEN_KBOOT_CONF_MIN_MEMORY_KIB,
                                             problems);
  xml = libvirt_domain_xml (uri, arg, problems);
  if (!xml)
    return NULL;
  /* Messages say where the XML came from: "NAME (URI):LINE: ...". */
  name = g_strdup_printf ("%s (%s)", arg, uri);
  if (keep)
    def = xen_kboot_domain_def_load_all (name, xml, strlen (xml),
                                         XEN_KBOOT_CONF_MIN_MEMORY_KIB, problems);
  else
    def = xen_kboot_domain_def_load_buffer (xml, strlen (xml), name,
                                            XEN_KBOOT_CONF_MIN_MEMORY_KIB,
                                            problems);
  free (xml);
  return def;
}

void
kboot_conf_cli_print_problems (GPtrArray *problems)
{
  for (guint i = 0; i < problems->len; i++)
    fprintf (stderr, "%s\n", ((const GError *) g_ptr_array_index (problems, i))->message);
}

void
kboot_conf_cli_print_ignored (const XenKbootDomainDef *def)
{
  g_autofree char *summary = def ? xen_kboot_domain_def_ignored_summary (def) : NULL;

  if (summary)
    fprintf (stderr, "%s\n", summary);
}

static void
print_warnings (char **warnings)
{
  for (char **w = warnings; w && *w; w++)
    fprintf (stderr, "xen-kboot: warning: %s\n", *w);
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
