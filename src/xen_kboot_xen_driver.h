/* The driver on a Xen host (xen_kboot_xen_driver.c, built with the Xen
 * toolstack libraries): create a domain through libxl, load the kernel
 * into it, start it; destroy and list the domains xen-kboot started.
 *
 * A domain is xen-kboot's when libxl holds our userdata record for it
 * (libxl_userdata_store, id XEN_KBOOT_USERDATA_ID): libxl removes it with
 * the domain, so the list never goes stale. */
#ifndef XEN_KBOOT_XEN_DRIVER_H
#define XEN_KBOOT_XEN_DRIVER_H

#include "xen_kboot_conf.h"
#include "xen_kboot_driver.h"
#include "xen_kboot_xen.h"

G_BEGIN_DECLS

#define XEN_KBOOT_USERDATA_ID "xen-kboot"

typedef struct {
  XenKbootBootMode mode;
  gboolean paused;           /* leave the domain paused after loading */
  const char *firmware;      /* the ELF; NULL: the installed one */
  gboolean verbose;          /* print each step and the plan on stderr */
  const XenKbootFastOptions *fast; /* the fast boot path; NULL: direct */
} XenKbootCreateOptions;

/* Validate and plan (before touching Xen), create the domain paused, read
 * back what Xen's builder put in it, load, unpause.  On any failure after
 * the domain exists it is destroyed and the error names the step.
 * @xen: the toolstack handles to use; when *@xen is NULL they are opened
 * once the domain has passed validation (a refused domain never reaches
 * Xen) and left in *@xen for the caller to free, whatever the outcome. */
gboolean xen_kboot_create (XenKbootXen **xen, const XenKbootDomainDef *def,
                           const XenKbootCreateOptions *options,
                           guint32 *domid, GError **error);

/* A step after xen_kboot_create failed (@error says why): destroy the
 * domain and complete the message with the step and the outcome, as
 * create's own failures read ("domain 'NAME' (id N): STEP failed: ...;
 * the domain was destroyed"). */
void xen_kboot_create_abandon (XenKbootXen *xen, const char *name, guint32 domid,
                               const char *step, GError **error);

/* Destroy the domain named or numbered @domain, if xen-kboot started it. */
gboolean xen_kboot_destroy (const char *domain, guint32 *domid, GError **error);

typedef struct {
  guint32 domid;
  char *name;
  char *state;               /* "running", "paused", "shutdown", "dying" */
  guint64 memory_kib;
  char *record;              /* our userdata: "key=value" lines */
} XenKbootDomainInfo;

/* The domains xen-kboot started: a GPtrArray of XenKbootDomainInfo. */
GPtrArray *xen_kboot_list (GError **error);

G_END_DECLS

#endif /* XEN_KBOOT_XEN_DRIVER_H */
