/* Fuzz target: the domain XML parser and its conversions
 * (xen_kboot_conf*.c), as validate and domxml-to-native drive them: the
 * document parsed from memory (no DTD, no entity), checked against the
 * compiled-in schema, parsed into a definition even when the schema
 * refuses it, the semantic rules applied; a definition without problems
 * is converted, in each boot mode the domain passes, to xl.cfg text and
 * (built with Xen's libraries) to libxl's domain configuration, which
 * needs no Xen host: libxl's types and JSON printer only.  The kernel and
 * initrd it names are never opened.  Seeds: tests/xmlconfs/,
 * tests/xlconfigdata/, tests/virtinst/; dictionary: fuzz/domain-xml.dict. */
#include "config.h"

#include <string.h>

#include "fuzz_target.h"
#include "xen_kboot_conf.h"
#include "xen_kboot_conf_libxl.h"
#include "xen_kboot_conf_native.h"
#include "xen_kboot_conf_xl.h"

#define FUZZ_DOMAIN_NAME "fuzz-domain.xml"

static void
convert (const XenKbootDomainDef *def, XenKbootBootMode mode)
{
  g_autoptr(GPtrArray) problems = xen_kboot_conf_problems_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *xl = NULL;
  g_auto(GStrv) warnings = NULL;
  XenKbootNativeOptions options;

  xen_kboot_native_options_init (&options, def);
  options.mode = mode;
  warnings = xen_kboot_domain_def_warnings (def, mode);
  FUZZ_CHECK (warnings, "no warning vector");
  if (!xen_kboot_domain_def_check_mode (def, mode, problems))
    {
      FUZZ_CHECK (problems->len > 0, "check_mode refused without a problem");
      return;
    }
  xl = xen_kboot_xl_format (def, &options, &error);
  FUZZ_CHECK ((xl != NULL) != (error != NULL), "xl.cfg: %s and %s",
              xl ? "text" : "no text", error ? "an error" : "no error");
#ifdef WITH_XEN
  {
    g_autoptr(GError) libxl_error = NULL;
    g_autofree char *json = xen_kboot_libxl_to_json (def, &options, &libxl_error);

    FUZZ_CHECK ((json != NULL) != (libxl_error != NULL), "libxl: %s and %s",
                json ? "JSON" : "no JSON", libxl_error ? "an error" : "no error");
  }
#endif
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GPtrArray) problems = xen_kboot_conf_problems_new ();
  g_autoptr(XenKbootDomainDef) def = NULL;
  g_autofree char *ignored = NULL;

  def = xen_kboot_domain_def_load_all (FUZZ_DOMAIN_NAME, (const char *) data,
                                       size, XEN_KBOOT_CONF_MIN_MEMORY_KIB,
                                       problems);
  for (guint i = 0; i < problems->len; i++)
    {
      const GError *problem = g_ptr_array_index (problems, i);

      FUZZ_CHECK (problem && problem->message && problem->message[0],
                  "an empty problem");
    }
  if (!def)
    {
      FUZZ_CHECK (problems->len > 0, "no definition and no problem");
      return 0;
    }
  ignored = xen_kboot_domain_def_ignored_summary (def);
  if (problems->len > 0)
    return 0;
  /* As domxml-to-native: the domain's own mode, then the one --mode
   * forces. */
  convert (def, XEN_KBOOT_BOOT_MODE_DIRECT);
  convert (def, XEN_KBOOT_BOOT_MODE_DEVICE_MODEL);
  return 0;
}
