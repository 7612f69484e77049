/* xen-kboot hook NAME OPERATION SUB-OPERATION EXTRA: run by libvirt as a
 * hook script (hooks/xen-kboot-hook.in), the domain XML on stdin.  The
 * decision is src/xen_kboot_driver_hook.c's; here are only stdin, stderr and the
 * exit status. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "cli_util.h"
#include "xen_kboot_conf_xml.h"
#include "xen_kboot_driver_hook.h"
#include "xen-kboot-cmd.h"

/* Read stdin to its end, but no further than XEN_KBOOT_HOOK_STDIN_MAX
 * bytes.  libvirt writes the XML into a pipe and fails the operation if
 * the write fails (EPIPE), so every byte of any real document is read even
 * when it is not wanted; @keep, when not NULL, collects the first
 * XEN_KBOOT_XML_MAX_SIZE + 1 of them (enough to tell a document over the
 * limit), and @size counts them all, so that a refusal states the real
 * size while memory stays bounded.  Beyond the cap reading stops: the
 * error says so. */
static gboolean
drain_stdin (GByteArray *keep, guint64 *size, GError **error)
{
  guint8 chunk[65536];

  *size = 0;
  for (;;)
    {
      ssize_t r = read (STDIN_FILENO, chunk, sizeof chunk);

      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          int saved = errno;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       "cannot read the domain XML on standard input: %s",
                       g_strerror (saved));
          return FALSE;
        }
      if (r == 0)
        return TRUE;
      *size += (guint64) r;
      if (keep && keep->len <= XEN_KBOOT_XML_MAX_SIZE)
        g_byte_array_append (keep, chunk,
                             (guint) MIN ((gsize) r, XEN_KBOOT_XML_MAX_SIZE + 1
                                                     - (gsize) keep->len));
      if (*size > XEN_KBOOT_HOOK_STDIN_MAX)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                       "%s: standard input holds more than %d bytes, and "
                       "the hook reads no further (a domain XML may have at "
                       "most %d bytes)", XEN_KBOOT_HOOK_XML_NAME,
                       XEN_KBOOT_HOOK_STDIN_MAX, XEN_KBOOT_XML_MAX_SIZE);
          return FALSE;
        }
    }
}

int
kboot_cmd_hook (int argc, char **argv)
{
  const GOptionEntry entries[] = { { NULL } };
  const char *const *args = (const char *const *) argv + 1;
  g_autoptr(GByteArray) xml = NULL;
  g_autoptr(GError) error = NULL;
  gboolean wanted;
  guint64 size;

  /* libvirt always passes exactly four arguments, and they are data, not
   * options: a domain may well be called "-h".  Options are parsed only
   * when the count is wrong, for --help. */
  if (argc != 1 + XEN_KBOOT_HOOK_N_ARGS)
    {
      g_autofree char *message = NULL;

      if (!kboot_cli_parse ("hook", "NAME OPERATION SUB-OPERATION EXTRA",
                            "Run as a libvirt hook script, the domain XML on "
                            "standard input.\nOn \"prepare begin\" the kernel "
                            "of an x86 HVM domain is checked by the rules\nof "
                            "the path it will take.  Booted directly (its "
                            "<emulator> is xen-kboot-dm,\nor <kboot:boot "
                            "mode='direct'/>): the kernel against every "
                            "boot-protocol\nrule (on Xen a 64-bit kernel also "
                            "needs <pae/>), the initrd, the command\nline's "
                            "length, and whether they fit the domain's memory.  "
                            "Otherwise\nlibvirt hands the kernel to QEMU's "
                            "-kernel: only what QEMU itself refuses\n(files it "
                            "cannot read, vga=, an initrd the kernel cannot take "
                            "or that\ndoes not fit).  A domain booted by "
                            "xen-kboot-dm gets its <kboot:boot path=>\n"
                            "recorded for it in /run/xen-kboot/domains/NAME.boot "
                            "(\"release end\" removes it).\nEvery other "
                            "operation, and every other guest, passes at once.",
                            "Installed as hooks/libxl.d/xen-kboot under libvirt's "
                            "hooks directory, and\nhooks/qemu.d/xen-kboot with "
                            "configure --enable-qemu-hook (a script that\nruns "
                            "'xen-kboot hook').  Nothing is ever printed on "
                            "standard output\n(libvirt reads it as a new XML "
                            "for some operations).  Standard input is read\n"
                            "to its end, but at most 16 MiB (16777216 bytes; a "
                            "domain XML may have\n1 MiB): beyond that the hook "
                            "stops reading and refuses the domain.\n\nExit status: 0 to let "
                            "libvirt go on, 1 to refuse (the reason on stderr, "
                            "one\nline), 2 on a usage error.",
                            entries, &argc, &argv))
        return KBOOT_EXIT_USAGE;
      message = g_strdup_printf ("libvirt passes %d arguments, NAME OPERATION "
                                 "SUB-OPERATION EXTRA; got %d",
                                 XEN_KBOOT_HOOK_N_ARGS, argc - 1);
      return kboot_cli_usage_error ("hook", "%s", message);
    }

  wanted = xen_kboot_hook_wants_domain (args[XEN_KBOOT_HOOK_ARG_OPERATION],
                                        args[XEN_KBOOT_HOOK_ARG_SUB_OPERATION]);
  xml = wanted ? g_byte_array_new () : NULL;
  if (!drain_stdin (xml, &size, &error)
      || (wanted && !xen_kboot_xml_check_size (size, XEN_KBOOT_HOOK_XML_NAME, &error)))
    {
      if (!wanted)
        return KBOOT_EXIT_OK;     /* nothing to check: never block libvirt */
      kboot_cli_errorf ("domain '%s': %s", args[XEN_KBOOT_HOOK_ARG_NAME],
                        error->message);
      return KBOOT_EXIT_FAILURE;
    }

  if (xen_kboot_hook_run (args, xml ? (const char *) xml->data : NULL,
                          xml ? xml->len : 0, &error) == XEN_KBOOT_HOOK_REFUSE)
    {
      kboot_cli_error (error);
      return KBOOT_EXIT_FAILURE;
    }
  return KBOOT_EXIT_OK;
}
