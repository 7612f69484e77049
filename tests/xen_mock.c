/* Stand-ins for the two hypervisor handles libxl_ctx_alloc() opens, so
 * that a test can make a libxl_ctx without Xen (libxl_domain_config_
 * from_json() needs one; to_json() does not).  Linked into tests only;
 * libvirt's tests/virmocklibxl.c does the same. */
#include "config.h"

#include <xenctrl.h>
#include <xenstore.h>

xc_interface *
xc_interface_open (xentoollog_logger *logger, xentoollog_logger *dombuild_logger,
                   unsigned open_flags)
{
  return (xc_interface *) 0x1;
}

int
xc_interface_close (xc_interface *xch)
{
  return 0;
}

struct xs_handle *
xs_open (unsigned long flags)
{
  return (struct xs_handle *) 0x1;
}

void
xs_close (struct xs_handle *xsh)
{
}
