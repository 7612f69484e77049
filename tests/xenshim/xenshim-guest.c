/* xenshim-guest: what a guest does on the fake host, for the tests.
 *
 *   xenshim-guest shutdown DOMID REASON
 *
 * The guest of domain DOMID shuts down (SCHEDOP_shutdown) with REASON, as
 * libxl names it: poweroff, reboot, suspend, crash, watchdog, soft_reset.
 * Xen then keeps the domain, its shutdown flag and the reason until the
 * toolstack destroys it, and libxl reports DOMAIN_SHUTDOWN to whoever
 * watches it.  Refused: a domain that does not exist, one that is paused
 * (a paused guest runs no code) and one already shut down (Xen ignores a
 * second shutdown and keeps the first reason; a test doing that is wrong).
 *
 * Uses $XENSHIM_STATE; logs "guest_shutdown domid=N reason=R" to
 * $XENSHIM_LOG.  Exit status 0 done, 1 refused, 2 usage. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <xen/xen.h>

#include "xenshim.h"

static int
usage (void)
{
  fprintf (stderr, "usage: xenshim-guest shutdown DOMID "
           "poweroff|reboot|suspend|crash|watchdog|soft_reset\n");
  return 2;
}

int
main (int argc, char **argv)
{
  g_autoptr(XenshimDomain) dom = NULL;
  libxl_shutdown_reason reason;
  guint64 domid;
  int lock;
  int status = 1;

  if (argc != 4 || strcmp (argv[1], "shutdown") != 0
      || !g_ascii_string_to_unsigned (argv[2], 10, 1, DOMID_FIRST_RESERVED - 1,
                                      &domid, NULL)
      || libxl_shutdown_reason_from_string (argv[3], &reason) != 0
      || reason == LIBXL_SHUTDOWN_REASON_UNKNOWN)
    return usage ();
  lock = xenshim_state_lock ();
  if (lock < 0)
    return 1;
  dom = xenshim_domain_load ((guint32) domid);
  if (!dom)
    xenshim_warn ("xenshim-guest: no domain %u", (guint32) domid);
  else if (dom->shutdown)
    xenshim_warn ("xenshim-guest: domain %u has already shut down (%s)",
                  dom->domid, libxl_shutdown_reason_to_string (dom->shutdown_reason));
  else if (dom->paused)
    xenshim_warn ("xenshim-guest: domain %u is paused: its guest runs no code",
                  dom->domid);
  else if (xenshim_domain_shutdown (dom->domid, reason))
    status = 0;
  xenshim_state_unlock (lock);
  return status;
}
