/* xenshim: libxl's domain death events, generated from the fake host
 * instead of from xenstore (see README.md).
 *
 * libxl (libxl_domain.c, domain_death_xswatch_callback) looks at every
 * watched domain each time xenstore's @releaseDomain watch fires, and once
 * when the watch is set up, so a domain that shut down before it was
 * watched is still reported:
 *   - a domain that is gone (or dying) gives DOMAIN_DEATH, once; the evgen
 *     stays quiet after that until it is disabled;
 *   - one that has shut down gives DOMAIN_SHUTDOWN with Xen's reason, once.
 * Events wait in their ctx, in the order they occurred, until
 * libxl_event_check or libxl_event_wait hands them out; disabling an
 * evgen leaves those already queued (xl drains them with event_check).
 *
 * We look at the state directory on every check, and every 10 ms while a
 * wait blocks. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "xenshim.h"

#define XENSHIM_EVGEN_MAGIC 0x65766764u   /* "evgd" */
#define XENSHIM_EVGEN_DEAD  0xdeadu
#define XENSHIM_WAIT_POLL_US 10000

/* Opaque in libxl_event.h: the shim's own. */
struct libxl__evgen_domain_death {
  guint32 magic;
  libxl_ctx *ctx;
  guint32 domid;
  libxl_ev_user user;
  gboolean shutdown_reported;
  gboolean death_reported;
};

typedef struct {
  libxl_ctx *ctx;
  libxl_event *event;
} XenshimQueued;

G_LOCK_DEFINE_STATIC (xenshim_events);
static GPtrArray *xenshim_evgens;        /* enabled, in the order enabled */
static GQueue xenshim_queue = G_QUEUE_INIT;   /* XenshimQueued*, oldest first */

static const char *
xenshim_event_type_name (const libxl_event *event)
{
  const char *name = libxl_event_type_to_string (event->type);

  return name ? name : "-";
}

/* "domid=N type=T[ reason=R]" for the log. */
static char *
xenshim_event_describe (const libxl_event *event)
{
  const char *reason = NULL;

  if (event->type == LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN)
    reason = libxl_shutdown_reason_to_string (event->u.domain_shutdown.shutdown_reason);
  return g_strdup_printf ("domid=%u type=%s%s%s", event->domid,
                          xenshim_event_type_name (event),
                          event->type == LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN ? " reason=" : "",
                          event->type == LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN
                            ? (reason ? reason : "unknown") : "");
}

/* Queue one event for @evg's ctx (the caller holds the lock). */
static void
xenshim_event_occurred (libxl_evgen_domain_death *evg, libxl_event_type type,
                        const XenshimDomain *dom)
{
  XenshimQueued *q = g_new0 (XenshimQueued, 1);
  libxl_event *event = malloc (sizeof *event);

  g_assert (event);
  libxl_event_init (event);
  libxl_event_init_type (event, type);
  event->domid = evg->domid;
  event->for_user = evg->user;
  if (dom && libxl_uuid_from_string (&event->domuuid, dom->uuid) != 0)
    xenshim_warn ("domain %u: uuid '%s' does not parse", dom->domid, dom->uuid);
  if (type == LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN)
    event->u.domain_shutdown.shutdown_reason = (uint8_t) dom->shutdown_reason;
  q->ctx = evg->ctx;
  q->event = event;
  g_queue_push_tail (&xenshim_queue, q);
}

/* What @ctx's evgens have to report now (the caller holds the lock). */
static void
xenshim_events_scan (libxl_ctx *ctx)
{
  for (guint i = 0; xenshim_evgens && i < xenshim_evgens->len; i++)
    {
      libxl_evgen_domain_death *evg = xenshim_evgens->pdata[i];
      g_autoptr(XenshimDomain) dom = NULL;

      if (evg->ctx != ctx || evg->death_reported)
        continue;
      dom = xenshim_domain_load (evg->domid);
      if (!dom)
        {
          xenshim_event_occurred (evg, LIBXL_EVENT_TYPE_DOMAIN_DEATH, NULL);
          evg->death_reported = TRUE;
        }
      else if (dom->shutdown && !evg->shutdown_reported)
        {
          xenshim_event_occurred (evg, LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN, dom);
          evg->shutdown_reported = TRUE;
        }
    }
}

/* The oldest queued event of @ctx that the caller wants, taken out of the
 * queue; NULL when there is none (the caller holds the lock). */
static libxl_event *
xenshim_events_take (libxl_ctx *ctx, uint64_t typemask,
                     libxl_event_predicate *predicate, void *predicate_user)
{
  for (GList *l = xenshim_queue.head; l; l = l->next)
    {
      XenshimQueued *q = l->data;
      libxl_event *event = q->event;

      if (q->ctx != ctx || !(typemask & ((uint64_t) 1 << event->type))
          || (predicate && !predicate (event, predicate_user)))
        continue;
      g_queue_delete_link (&xenshim_queue, l);
      g_free (q);
      return event;
    }
  return NULL;
}

static gboolean
xenshim_evgen_check (const libxl_evgen_domain_death *evg, const char *fn)
{
  if (evg && evg->magic == XENSHIM_EVGEN_MAGIC)
    return TRUE;
  xenshim_warn ("%s: %p is not an enabled domain death evgen", fn, (const void *) evg);
  return FALSE;
}

XENSHIM_EXPORT int
libxl_evenable_domain_death (libxl_ctx *ctx, uint32_t domid, libxl_ev_user user,
                             libxl_evgen_domain_death **evgen_out)
{
  libxl_evgen_domain_death *evg;

  xenshim_log ("libxl_evenable_domain_death domid=%u", domid);
  if (xenshim_fault ("evenable"))
    return ERROR_FAIL;
  evg = g_new0 (libxl_evgen_domain_death, 1);
  evg->magic = XENSHIM_EVGEN_MAGIC;
  evg->ctx = ctx;
  evg->domid = domid;
  evg->user = user;
  G_LOCK (xenshim_events);
  if (!xenshim_evgens)
    xenshim_evgens = g_ptr_array_new ();
  g_ptr_array_add (xenshim_evgens, evg);
  G_UNLOCK (xenshim_events);
  *evgen_out = evg;
  return 0;
}

XENSHIM_EXPORT void
libxl_evdisable_domain_death (libxl_ctx *ctx, libxl_evgen_domain_death *evg)
{
  if (!xenshim_evgen_check (evg, "libxl_evdisable_domain_death"))
    return;
  xenshim_log ("libxl_evdisable_domain_death domid=%u", evg->domid);
  G_LOCK (xenshim_events);
  g_ptr_array_remove (xenshim_evgens, evg);
  G_UNLOCK (xenshim_events);
  evg->magic = XENSHIM_EVGEN_DEAD;
  g_free (evg);
}

XENSHIM_EXPORT int
libxl_event_check (libxl_ctx *ctx, libxl_event **event_r, uint64_t typemask,
                   libxl_event_predicate *predicate, void *predicate_user)
{
  g_autofree char *what = NULL;
  libxl_event *event;

  G_LOCK (xenshim_events);
  xenshim_events_scan (ctx);
  event = xenshim_events_take (ctx, typemask, predicate, predicate_user);
  G_UNLOCK (xenshim_events);
  if (!event)
    {
      xenshim_log ("libxl_event_check none");
      return ERROR_NOT_READY;
    }
  what = xenshim_event_describe (event);
  xenshim_log ("libxl_event_check %s", what);
  *event_r = event;
  return 0;
}

/* Logged when it returns: a wait that never ends logs nothing. */
XENSHIM_EXPORT int
libxl_event_wait (libxl_ctx *ctx, libxl_event **event_r, uint64_t typemask,
                  libxl_event_predicate *predicate, void *predicate_user)
{
  g_autofree char *what = NULL;
  libxl_event *event;

  for (;;)
    {
      G_LOCK (xenshim_events);
      xenshim_events_scan (ctx);
      event = xenshim_events_take (ctx, typemask, predicate, predicate_user);
      G_UNLOCK (xenshim_events);
      if (event)
        break;
      /* Nothing enabled blocks for ever too, as in libxl. */
      g_usleep (XENSHIM_WAIT_POLL_US);
    }
  what = xenshim_event_describe (event);
  xenshim_log ("libxl_event_wait %s", what);
  *event_r = event;
  return 0;
}

XENSHIM_EXPORT void
libxl_event_free (libxl_ctx *ctx, libxl_event *event)
{
  g_autofree char *what = NULL;

  if (!event)
    return;
  what = xenshim_event_describe (event);
  xenshim_log ("libxl_event_free %s", what);
  libxl_event_dispose (event);
  free (event);
}
