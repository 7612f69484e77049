/* The Xen toolstack handles (see xen_kboot_xen.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "xen_kboot_driver.h"
#include "xen_kboot_xen.h"
#include "kboot_loader_acpi_hw.h"

#define XEN_PRIVCMD "/dev/xen/privcmd"

/* Everything but libxl's context. */
static void
xen_kboot_xen_release (XenKbootXen *x)
{
  if (x->xch)
    xc_interface_close (x->xch);
  if (x->logger)
    xtl_logger_destroy ((xentoollog_logger *) x->logger);
  if (x->quiet)
    xtl_logger_destroy ((xentoollog_logger *) x->quiet);
  g_free (x);
}

void
xen_kboot_xen_free (XenKbootXen *x)
{
  if (!x)
    return;
  if (x->ctx)
    libxl_ctx_free (x->ctx);
  xen_kboot_xen_release (x);
}

void
xen_kboot_xen_free_after_fork (XenKbootXen *x)
{
  if (!x)
    return;
  /* "One call on any existing ctx is sufficient; after this all
   * previously existing libxl_ctx's are invalidated and must not be used
   * - or even freed." (libxl_event.h) */
  if (x->ctx)
    libxl_postfork_child_noexec (x->ctx);
  xen_kboot_xen_release (x);
}

XenKbootXen *
xen_kboot_xen_open (GError **error)
{
  g_autoptr(XenKbootXen) x = g_new0 (XenKbootXen, 1);
  int rc;

  /* xencall would log its own "Could not obtain handle on privileged
   * command interface"; one clear line from us is better. */
  x->quiet = xtl_createlogger_stdiostream (stderr, XTL_CRITICAL, 0);
  x->logger = xtl_createlogger_stdiostream (stderr, XTL_ERROR, 0);
  x->xch = xc_interface_open ((xentoollog_logger *) x->quiet,
                              (xentoollog_logger *) x->quiet, 0);
  if (!x->xch)
    {
      int saved = errno;

      if (saved == ENOENT || saved == ENODEV || access (XEN_PRIVCMD, F_OK) != 0)
        g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_NO_XEN,
                     "no Xen hypervisor: cannot open " XEN_PRIVCMD
                     " (is this dom0?)");
      else
        g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_NO_XEN,
                     "cannot open Xen's control interface " XEN_PRIVCMD ": %s "
                     "(run xen-kboot as root in dom0)", g_strerror (saved));
      return NULL;
    }
  rc = libxl_ctx_alloc (&x->ctx, LIBXL_VERSION, 0, (xentoollog_logger *) x->logger);
  if (rc)
    {
      x->ctx = NULL;
      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_XEN,
                   "cannot start libxl (libxl_ctx_alloc: error %d, %s): is "
                   "xenstored running?", rc, libxl_error_to_string (rc));
      return NULL;
    }
  return g_steal_pointer (&x);
}

void
xen_kboot_set_libxl_error (GError **error, const char *call, int rc)
{
  g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_XEN,
               "%s: libxl error %d (%s)%s", call, rc,
               libxl_error_to_string (rc) ? libxl_error_to_string (rc) : "unknown",
               rc == ERROR_FAIL ? " (libxl's messages above say more)" : "");
}

gboolean
xen_kboot_xen_set_acpi_ports (XenKbootXen *x, guint32 domid, GError **error)
{
  if (xc_hvm_param_set (x->xch, domid, HVM_PARAM_ACPI_IOPORTS_LOCATION, 1) != 0)
    {
      int saved = errno;

      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_XEN,
                   "moving Xen's ACPI PM ports to 0x%x (xc_hvm_param_set "
                   "HVM_PARAM_ACPI_IOPORTS_LOCATION) failed: %s",
                   KBOOT_ACPI_XEN_PM_BASE, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
xen_kboot_xen_take_vcpus (XenKbootBoot *boot, const KbootXenHvmInfo *info,
                          gboolean check, GError **error)
{
  gsize bytes = (info->nr_vcpus + 7) / 8;
  guint8 mask = info->nr_vcpus % 8 ? (guint8) ((1u << (info->nr_vcpus % 8)) - 1) : 0xff;
  guint8 online[KBOOT_XEN_HVM_MAX_VCPUS / 8];

  if (check && boot->nr_vcpus == 0)
    return TRUE;               /* the plan has no ACPI tables (acpi=0) */
  /* Bits past nr_vcpus mean nothing. */
  memcpy (online, info->vcpu_online, sizeof online);
  online[bytes - 1] &= mask;
  if (check && (info->nr_vcpus != boot->nr_vcpus
                || memcmp (online, boot->vcpu_online, bytes) != 0))
    {
      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_VCPUS,
                   "Xen built %u vCPUs (online bitmap starting 0x%02x), the plan "
                   "%u (0x%02x): refusing to describe other CPUs than the "
                   "domain has", info->nr_vcpus, online[0], boot->nr_vcpus,
                   boot->vcpu_online[0]);
      return FALSE;
    }
  return xen_kboot_boot_set_vcpus (boot, info->nr_vcpus, online, 0, error);
}
