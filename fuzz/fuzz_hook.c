/* Fuzz target: the libvirt hook's input path (xen_kboot_driver_hook.c):
 * the bytes libvirt writes on the hook's stdin, as "prepare begin" of a
 * domain, parsed (libvirt's full XML, not our schema) and decided on by
 * xen_kboot_hook_run, exactly what tools/cmd_hook.c calls.  Deciding opens
 * the kernel, initrd and firmware the XML names, read-only and never
 * blocking (kboot_file_open: O_NONBLOCK, regular files only); nothing is
 * written.  Seeds: tests/xmlconfs/ and the other domain XML of tests/. */
#include "config.h"

#include <string.h>

#include "fuzz_target.h"
#include "xen_kboot_driver_hook.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char *const args[XEN_KBOOT_HOOK_N_ARGS] = {
    "fuzz-domain", "prepare", "begin", "-"
  };
  g_autoptr(GError) error = NULL;
  XenKbootHookVerdict verdict;

  verdict = xen_kboot_hook_run (args, (const char *) data, size, &error);
  FUZZ_CHECK ((verdict == XEN_KBOOT_HOOK_REFUSE) == (error != NULL),
              "verdict %d with%s an error", verdict, error ? "" : "out");
  if (error)
    {
      /* libvirt shows the reason inside its own one-line error. */
      for (const char *p = error->message; *p; p++)
        FUZZ_CHECK ((guchar) *p >= 0x20 && *p != 0x7f,
                    "control character 0x%02x in the refusal: %s", (guchar) *p,
                    error->message);
      FUZZ_CHECK (g_str_has_prefix (error->message, "domain 'fuzz-domain': "),
                  "refusal without the domain's name: %s", error->message);
    }
  return 0;
}
