/* xenshim: the libxl calls xen-kboot makes, answered from a fake host kept
 * in $XENSHIM_STATE instead of from Xen (see README.md).
 *
 * Preloaded, these definitions take the place of libxenlight's; the rest
 * of the real library (libxl_ctx_alloc, the type init/dispose and JSON
 * functions) keeps working because xenshim_xc.c fakes the handles it
 * opens.  Semantics follow Xen 4.17's tools/libs/light (libxl_create.c,
 * libxl_domain.c, libxl_dom.c, libxl_utils.c), cited where they matter.
 *
 * Every call logs its line first; a failure then logs "fail WHAT". */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libxl_utils.h>
#include <xen/hvm/hvm_info_table.h>

#include "xenshim.h"

/* Domain-0 as libxl_list_domain() shows it: not in the state directory. */
#define XENSHIM_DOM0_MEMKB G_GUINT64_CONSTANT (1048576)

/* Only synchronous calls (ao_how NULL) are emulated. */
static gboolean
xenshim_check_sync (const libxl_asyncop_how *ao_how, const char *fn)
{
  if (!ao_how)
    return TRUE;
  xenshim_warn ("%s: asynchronous operation (ao_how != NULL) is not emulated", fn);
  xenshim_log ("fail async");
  return FALSE;
}

static const char *
xenshim_str (const char *s)
{
  return s ? s : "-";
}

/* ---- libxl_domain_create_new -------------------------------------------- */

/* libxl__domain_build_info_setdefault() (libxl_create.c), with qemu-xen,
 * the default device model: the video RAM an HVM guest gets by default,
 * which is also the least it may have. */
static guint64
xenshim_video_memkb_default (libxl_vga_interface_type kind)
{
  switch (kind)
    {
    case LIBXL_VGA_INTERFACE_TYPE_NONE:
      return 0;
    case LIBXL_VGA_INTERFACE_TYPE_QXL:
      return 128 * 1024;
    case LIBXL_VGA_INTERFACE_TYPE_STD:
      return 16 * 1024;
    case LIBXL_VGA_INTERFACE_TYPE_UNKNOWN:
    case LIBXL_VGA_INTERFACE_TYPE_CIRRUS:
      return 8 * 1024;
    }
  return 8 * 1024;
}

/* The defaults libxl fills in for the fields we use, written back into the
 * caller's config as libxl does. */
static void
xenshim_create_setdefault (libxl_domain_config *d_config)
{
  libxl_domain_create_info *c_info = &d_config->c_info;
  libxl_domain_build_info *b_info = &d_config->b_info;

  if (libxl_uuid_is_nil (&c_info->uuid))
    libxl_uuid_generate (&c_info->uuid);
  if (!b_info->max_vcpus)
    b_info->max_vcpus = 1;
  if (b_info->max_memkb == LIBXL_MEMKB_DEFAULT)
    b_info->max_memkb = 32 * 1024;
  if (b_info->type == LIBXL_DOMAIN_TYPE_HVM)
    {
      if (b_info->u.hvm.mmio_hole_memkb == LIBXL_MEMKB_DEFAULT)
        b_info->u.hvm.mmio_hole_memkb = 0;
      if (b_info->video_memkb == LIBXL_MEMKB_DEFAULT)
        b_info->video_memkb = xenshim_video_memkb_default (b_info->u.hvm.vga.kind);
    }
  else if (b_info->video_memkb == LIBXL_MEMKB_DEFAULT)
    b_info->video_memkb = 0;
}

/* What libxl would refuse before building; changes nothing. */
static gboolean
xenshim_create_check (const libxl_domain_config *d_config)
{
  const libxl_domain_create_info *c_info = &d_config->c_info;
  const libxl_domain_build_info *b_info = &d_config->b_info;
  guint64 video_min;

  if (c_info->type == LIBXL_DOMAIN_TYPE_INVALID || c_info->type != b_info->type)
    {
      xenshim_warn ("c_info.type %d and b_info.type %d: need one of hvm, pv, "
                    "pvh in both", c_info->type, b_info->type);
      return FALSE;
    }
  if (!c_info->name || !*c_info->name)
    {
      xenshim_warn ("c_info.name is not set");
      return FALSE;
    }
  if (b_info->type != LIBXL_DOMAIN_TYPE_HVM)
    return TRUE;
  video_min = xenshim_video_memkb_default (b_info->u.hvm.vga.kind);
  if (b_info->video_memkb < video_min)
    {
      xenshim_warn ("video_memkb %" G_GUINT64_FORMAT " is below the %"
                    G_GUINT64_FORMAT " KiB libxl requires for vga %s",
                    b_info->video_memkb, video_min,
                    xenshim_str (libxl_vga_interface_type_to_string (b_info->u.hvm.vga.kind)));
      return FALSE;
    }
  /* libxl_create.c: "avail_vcpus bitmap contains too many VCPUS". */
  if (b_info->max_vcpus > HVM_MAX_VCPUS
      || b_info->avail_vcpus.size > G_SIZEOF_MEMBER (struct hvm_info_table, vcpu_online))
    {
      xenshim_warn ("max_vcpus %d or avail_vcpus of %u bytes: an HVM guest has "
                    "at most %d vCPUs", b_info->max_vcpus,
                    b_info->avail_vcpus.size, HVM_MAX_VCPUS);
      return FALSE;
    }
  return TRUE;
}

static gboolean
xenshim_name_taken (const char *name)
{
  g_autoptr(GPtrArray) domains = NULL;

  if (strcmp (name, XENSHIM_DOM0_NAME) == 0)
    return TRUE;
  domains = xenshim_domain_list ();
  for (guint i = 0; i < domains->len; i++)
    if (strcmp (((XenshimDomain *) domains->pdata[i])->name, name) == 0)
      return TRUE;
  return FALSE;
}

/* libxl__set_domain_configuration(): the config as JSON, with its NUL. */
static gboolean
xenshim_store_config_json (libxl_ctx *ctx, libxl_domain_config *d_config,
                           const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "userdata-libxl-json", NULL);
  g_autoptr(GError) error = NULL;
  char *json = libxl_domain_config_to_json (ctx, d_config);
  gboolean ok;

  if (!json)
    {
      xenshim_warn ("libxl_domain_config_to_json failed");
      return FALSE;
    }
  ok = g_file_set_contents (path, json, (gssize) strlen (json) + 1, &error);
  if (!ok)
    xenshim_warn ("%s", error->message);
  free (json);
  return ok;
}

/* Build the domain in a hidden directory, then rename it into place: other
 * processes see all of it or none. */
static int
xenshim_create_domain (libxl_ctx *ctx, libxl_domain_config *d_config,
                       guint32 domid)
{
  const libxl_domain_create_info *c_info = &d_config->c_info;
  const libxl_domain_build_info *b_info = &d_config->b_info;
  const char *state = xenshim_state_dir ();
  g_autoptr(XenshimDomain) dom = g_new0 (XenshimDomain, 1);
  g_autofree char *final = xenshim_domain_dir (domid);
  g_autofree char *base = NULL;
  g_autofree char *tmp = NULL;
  int rc;

  if (!state || !final)
    return ERROR_FAIL;
  /* Xen moves its rover when the hypervisor makes the domain, before the
   * builder runs: a build that fails still uses the id up. */
  if (!xenshim_domid_take (domid))
    {
      xenshim_log ("fail state");
      return ERROR_FAIL;
    }
  base = g_strdup_printf (".new-domain-%u.%d", domid, (int) getpid ());
  tmp = g_build_filename (state, base, NULL);
  if (g_file_test (tmp, G_FILE_TEST_IS_DIR))
    xenshim_remove_tree (tmp);            /* left by a crash of an earlier us */
  if (g_mkdir (tmp, 0755) < 0)
    {
      xenshim_warn ("cannot create %s: %s", tmp, g_strerror (errno));
      xenshim_log ("fail state");
      return ERROR_FAIL;
    }

  dom->domid = domid;
  dom->name = g_strdup (c_info->name);
  dom->uuid = g_strdup_printf (LIBXL_UUID_FMT, LIBXL_UUID_BYTES (c_info->uuid));
  dom->type = c_info->type;
  dom->paused = TRUE;
  dom->max_memkb = b_info->max_memkb;
  dom->video_memkb = b_info->video_memkb;
  dom->vcpus = (guint32) b_info->max_vcpus;
  /* PV and PVH guests get a state entry and no memory. */
  if (dom->type == LIBXL_DOMAIN_TYPE_HVM)
    {
      rc = xenshim_build_hvm (b_info, dom, tmp);   /* logs its own failure */
      if (rc != 0)
        goto out;
    }
  if (!xenshim_domain_save (dom, tmp) || !xenshim_store_config_json (ctx, d_config, tmp))
    {
      xenshim_log ("fail state");
      rc = ERROR_FAIL;
      goto out;
    }
  if (g_rename (tmp, final) < 0)
    {
      xenshim_warn ("cannot rename %s to %s: %s", tmp, final, g_strerror (errno));
      xenshim_log ("fail state");
      rc = ERROR_FAIL;
      goto out;
    }
  rc = 0;

out:
  if (rc != 0)
    xenshim_remove_tree (tmp);
  return rc;
}

XENSHIM_EXPORT int
libxl_domain_create_new (libxl_ctx *ctx, libxl_domain_config *d_config,
                         uint32_t *domid, const libxl_asyncop_how *ao_how,
                         const libxl_asyncprogress_how *aop_console_how)
{
  const libxl_domain_build_info *b_info = &d_config->b_info;
  int lock;
  guint32 new_domid;
  int rc;

  *domid = INVALID_DOMID;
  xenshim_create_setdefault (d_config);
  lock = xenshim_state_lock ();
  new_domid = lock >= 0 ? xenshim_domid_free () : 0;
  xenshim_log ("libxl_domain_create_new domid=%u name=%s type=%s firmware=%s "
               "kernel=%s device_model=%s max_memkb=%" G_GUINT64_FORMAT
               " video_memkb=%" G_GUINT64_FORMAT, new_domid,
               xenshim_str (d_config->c_info.name),
               xenshim_str (libxl_domain_type_to_string (d_config->c_info.type)),
               xenshim_str (b_info->type == LIBXL_DOMAIN_TYPE_HVM
                            ? b_info->u.hvm.firmware : NULL),
               xenshim_str (b_info->kernel), xenshim_str (b_info->device_model),
               b_info->max_memkb, b_info->video_memkb);

  if (lock < 0 || new_domid == 0)
    {
      if (lock >= 0)
        xenshim_warn ("no free domid left");
      xenshim_log ("fail state");
      rc = ERROR_FAIL;
    }
  else if (xenshim_fault ("create"))
    rc = ERROR_FAIL;
  else if (!xenshim_check_sync (ao_how, "libxl_domain_create_new"))
    rc = ERROR_INVAL;
  else if (!xenshim_create_check (d_config))
    {
      xenshim_log ("fail config");
      rc = ERROR_INVAL;
    }
  else if (xenshim_name_taken (d_config->c_info.name))
    {
      xenshim_warn ("a domain named '%s' already exists", d_config->c_info.name);
      xenshim_log ("fail duplicate-name");
      rc = ERROR_INVAL;
    }
  else
    rc = xenshim_create_domain (ctx, d_config, new_domid);

  if (rc == 0)
    *domid = new_domid;
  xenshim_state_unlock (lock);
  return rc;
}

/* ---- pause, unpause, destroy -------------------------------------------- */

/* The domain @domid for a change (the caller holds the state lock), or
 * NULL with a message. */
static XenshimDomain *
xenshim_domain_for (guint32 domid, const char *fn)
{
  XenshimDomain *dom = xenshim_domain_load (domid);

  if (!dom)
    xenshim_warn ("%s: no domain %u%s", fn, domid,
                  domid == 0 ? " (Domain-0 is not the shim's to change)" : "");
  return dom;
}

/* $XENSHIM_ON_UNPAUSE: the reason a guest shuts down with as soon as it
 * runs (a kernel that powers off at once), or FALSE. */
static gboolean
xenshim_on_unpause (libxl_shutdown_reason *reason)
{
  const char *value = getenv ("XENSHIM_ON_UNPAUSE");

  if (!value || !*value)
    return FALSE;
  if (libxl_shutdown_reason_from_string (value, reason) != 0
      || *reason == LIBXL_SHUTDOWN_REASON_UNKNOWN)
    {
      xenshim_warn ("XENSHIM_ON_UNPAUSE: '%s' is not a shutdown reason "
                    "(poweroff, reboot, suspend, crash, watchdog, soft_reset)", value);
      return FALSE;
    }
  return TRUE;
}

/* Xen's pause count is not modelled: pausing a paused domain succeeds and
 * one unpause resumes it.  Unpausing a running domain fails, as Xen's
 * domain_unpause_by_systemcontroller() does.  A domain that has shut down
 * stays shut down: pausing it changes nothing, unpausing it fails. */
static int
xenshim_set_paused (guint32 domid, gboolean paused, const char *fault,
                    const libxl_asyncop_how *ao_how, const char *fn)
{
  g_autoptr(XenshimDomain) dom = NULL;
  int lock;
  int rc;

  if (fault && xenshim_fault (fault))
    return ERROR_FAIL;
  if (!xenshim_check_sync (ao_how, fn))
    return ERROR_INVAL;
  lock = xenshim_state_lock ();
  if (lock < 0)
    return ERROR_FAIL;
  dom = xenshim_domain_for (domid, fn);
  if (!dom)
    rc = ERROR_INVAL;
  else if (!paused && !dom->paused)
    {
      xenshim_warn ("%s: domain %u is not paused", fn, domid);
      rc = ERROR_FAIL;
    }
  else if (dom->shutdown)
    rc = 0;
  else
    rc = xenshim_domain_set (domid, "state", paused ? "paused" : "running")
         ? 0 : ERROR_FAIL;
  if (rc == 0 && !paused)
    {
      libxl_shutdown_reason reason;

      if (xenshim_on_unpause (&reason) && !xenshim_domain_shutdown (domid, reason))
        rc = ERROR_FAIL;
    }
  xenshim_state_unlock (lock);
  return rc;
}

XENSHIM_EXPORT int
libxl_domain_unpause (libxl_ctx *ctx, uint32_t domid,
                      const libxl_asyncop_how *ao_how)
{
  xenshim_log ("libxl_domain_unpause domid=%u", domid);
  return xenshim_set_paused (domid, FALSE, "unpause", ao_how, "libxl_domain_unpause");
}

XENSHIM_EXPORT int
libxl_domain_pause (libxl_ctx *ctx, uint32_t domid,
                    const libxl_asyncop_how *ao_how)
{
  xenshim_log ("libxl_domain_pause domid=%u", domid);
  return xenshim_set_paused (domid, TRUE, NULL, ao_how, "libxl_domain_pause");
}

XENSHIM_EXPORT int
libxl_domain_destroy (libxl_ctx *ctx, uint32_t domid,
                      const libxl_asyncop_how *ao_how)
{
  g_autoptr(XenshimDomain) dom = NULL;
  int lock;
  int rc;

  xenshim_log ("libxl_domain_destroy domid=%u", domid);
  if (xenshim_fault ("destroy"))
    return ERROR_FAIL;
  if (!xenshim_check_sync (ao_how, "libxl_domain_destroy"))
    return ERROR_INVAL;
  lock = xenshim_state_lock ();
  if (lock < 0)
    return ERROR_FAIL;
  dom = xenshim_domain_for (domid, "libxl_domain_destroy");
  if (!dom)
    rc = ERROR_INVAL;
  else
    rc = xenshim_domain_remove (domid) ? 0 : ERROR_FAIL;
  xenshim_state_unlock (lock);
  return rc;
}

/* ---- what the toolstack does with a domain that has shut down ----------- */

/* libxl_domain_core_dump() -> xc_domain_dumpcore(): Xen writes an ELF core
 * of the guest's memory to @filename; ours is one line naming the domain,
 * enough to tell which domain was dumped.  As in libxl, a file that cannot
 * be written is ERROR_FAIL. */
XENSHIM_EXPORT int
libxl_domain_core_dump (libxl_ctx *ctx, uint32_t domid, const char *filename,
                        const libxl_asyncop_how *ao_how)
{
  g_autoptr(XenshimDomain) dom = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *core = NULL;

  xenshim_log ("libxl_domain_core_dump domid=%u file=%s", domid, xenshim_str (filename));
  if (xenshim_fault ("coredump"))
    return ERROR_FAIL;
  if (!xenshim_check_sync (ao_how, "libxl_domain_core_dump"))
    return ERROR_INVAL;
  if (!filename || !(dom = xenshim_domain_for (domid, "libxl_domain_core_dump")))
    return ERROR_FAIL;
  core = g_strdup_printf ("xenshim core of domain %u '%s', %" G_GUINT64_FORMAT
                          " KiB\n", dom->domid, dom->name, dom->max_memkb);
  if (!g_file_set_contents (filename, core, -1, &error))
    {
      xenshim_warn ("%s", error->message);
      return ERROR_FAIL;
    }
  return 0;
}

/* libxl_domain_preserve() (libxl_domain.c): the domain is renamed
 * INFO->NAME + @name_suffix (libxl__domain_rename refuses when it is not
 * called INFO->NAME or the new name is taken) and its xenstore /vm entry
 * gets @new_uuid.  Xen's domain handle, which libxl_domain_info() reports
 * and libxl keys userdata by, is not changed: so ours is not either. */
XENSHIM_EXPORT int
libxl_domain_preserve (libxl_ctx *ctx, uint32_t domid, libxl_domain_create_info *info,
                       const char *name_suffix, libxl_uuid new_uuid)
{
  g_autoptr(XenshimDomain) dom = NULL;
  g_autofree char *name = g_strconcat (xenshim_str (info->name),
                                       xenshim_str (name_suffix), NULL);
  int lock;
  int rc;

  xenshim_log ("libxl_domain_preserve domid=%u name=%s", domid, name);
  if (xenshim_fault ("preserve"))
    return ERROR_FAIL;
  lock = xenshim_state_lock ();
  if (lock < 0)
    return ERROR_FAIL;
  dom = xenshim_domain_for (domid, "libxl_domain_preserve");
  if (!dom)
    rc = ERROR_FAIL;
  else if (!info->name || strcmp (dom->name, info->name) != 0)
    {
      xenshim_warn ("libxl_domain_preserve: domain %u is named '%s', not '%s'",
                    domid, dom->name, xenshim_str (info->name));
      rc = ERROR_INVAL;
    }
  else if (xenshim_name_taken (name))
    {
      xenshim_warn ("libxl_domain_preserve: a domain named '%s' already exists", name);
      rc = ERROR_INVAL;
    }
  else
    rc = xenshim_domain_set (domid, "name", name) ? 0 : ERROR_FAIL;
  xenshim_state_unlock (lock);
  return rc;
}

/* ---- listing ------------------------------------------------------------ */

static void
xenshim_dominfo_dom0 (libxl_dominfo *info)
{
  libxl_dominfo_init (info);
  info->domid = 0;
  info->running = true;
  info->current_memkb = XENSHIM_DOM0_MEMKB;
  info->max_memkb = XENSHIM_DOM0_MEMKB;
  info->vcpu_online = 1;
  info->domain_type = LIBXL_DOMAIN_TYPE_PV;
}

static void
xenshim_dominfo_fill (libxl_dominfo *info, const XenshimDomain *dom)
{
  libxl_dominfo_init (info);
  if (libxl_uuid_from_string (&info->uuid, dom->uuid) != 0)
    xenshim_warn ("domain %u: uuid '%s' does not parse", dom->domid, dom->uuid);
  info->domid = dom->domid;
  info->running = !dom->paused && !dom->shutdown;
  info->paused = dom->paused;
  info->shutdown = dom->shutdown;
  info->shutdown_reason = dom->shutdown ? dom->shutdown_reason
                                        : LIBXL_SHUTDOWN_REASON_UNKNOWN;
  info->current_memkb = dom->max_memkb;
  info->max_memkb = dom->max_memkb;
  info->vcpu_max_id = dom->vcpus ? dom->vcpus - 1 : 0;
  info->vcpu_online = 1;
  info->domain_type = dom->type;
}

/* Domain-0, then every domain of the state directory: a malloc'd array
 * for the real libxl_dominfo_list_free(). */
XENSHIM_EXPORT libxl_dominfo *
libxl_list_domain (libxl_ctx *ctx, int *nb_domain_out)
{
  g_autoptr(GPtrArray) domains = NULL;
  libxl_dominfo *infos;

  xenshim_log ("libxl_list_domain");
  *nb_domain_out = 0;
  if (!xenshim_state_dir ())
    return NULL;
  domains = xenshim_domain_list ();
  infos = calloc (domains->len + 1, sizeof *infos);
  if (!infos)
    return NULL;
  xenshim_dominfo_dom0 (&infos[0]);
  for (guint i = 0; i < domains->len; i++)
    xenshim_dominfo_fill (&infos[i + 1], domains->pdata[i]);
  *nb_domain_out = (int) domains->len + 1;
  return infos;
}

/* @info_r may be NULL: then it only says whether the domain exists. */
XENSHIM_EXPORT int
libxl_domain_info (libxl_ctx *ctx, libxl_dominfo *info_r, uint32_t domid)
{
  g_autoptr(XenshimDomain) dom = NULL;

  if (!xenshim_state_dir ())
    return ERROR_FAIL;
  if (domid == 0)
    {
      if (info_r)
        xenshim_dominfo_dom0 (info_r);
      return 0;
    }
  dom = xenshim_domain_load (domid);
  if (!dom)
    return ERROR_DOMAIN_NOTFOUND;
  if (info_r)
    xenshim_dominfo_fill (info_r, dom);
  return 0;
}

XENSHIM_EXPORT int
libxl_name_to_domid (libxl_ctx *ctx, const char *name, uint32_t *domid)
{
  g_autoptr(GPtrArray) domains = NULL;

  if (!name)
    return ERROR_INVAL;
  if (strcmp (name, XENSHIM_DOM0_NAME) == 0)
    {
      *domid = 0;
      return 0;
    }
  if (!xenshim_state_dir ())
    return ERROR_FAIL;
  domains = xenshim_domain_list ();
  for (guint i = 0; i < domains->len; i++)
    {
      const XenshimDomain *dom = domains->pdata[i];

      if (strcmp (dom->name, name) == 0)
        {
          *domid = dom->domid;
          return 0;
        }
    }
  return ERROR_INVAL;
}

/* A malloc'd name, or NULL. */
XENSHIM_EXPORT char *
libxl_domid_to_name (libxl_ctx *ctx, uint32_t domid)
{
  g_autoptr(XenshimDomain) dom = NULL;

  if (domid == 0)
    return strdup (XENSHIM_DOM0_NAME);
  if (!xenshim_state_dir ())
    return NULL;
  dom = xenshim_domain_load (domid);
  return dom ? strdup (dom->name) : NULL;
}

/* ---- userdata (libxl_dom.c) --------------------------------------------- */

/* STATE/domain-N/userdata-ID for an existing domain, STATE/dom0/userdata-ID
 * for Domain-0 (libxl keeps userdata for any domain), or NULL with a
 * message.  libxl keys its files by domid, uuid and id; ours die with the
 * domain's directory. */
static char *
xenshim_userdata_path (guint32 domid, const char *userid, const char *fn)
{
  g_autoptr(XenshimDomain) dom = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;

  if (!userid || !*userid || strchr (userid, '/'))
    {
      xenshim_warn ("%s: userdata id '%s' is not a short printable name", fn,
                    xenshim_str (userid));
      return NULL;
    }
  if (domid == 0)
    {
      const char *state = xenshim_state_dir ();

      dir = state ? g_build_filename (state, "dom0", NULL) : NULL;
      if (dir && g_mkdir_with_parents (dir, 0755) < 0)
        {
          xenshim_warn ("cannot create %s: %s", dir, g_strerror (errno));
          return NULL;
        }
    }
  else if ((dom = xenshim_domain_for (domid, fn)))
    dir = xenshim_domain_dir (domid);
  if (!dir)
    return NULL;
  base = g_strconcat ("userdata-", userid, NULL);
  return g_build_filename (dir, base, NULL);
}

/* datalen 0 deletes the record, as in libxl. */
XENSHIM_EXPORT int
libxl_userdata_store (libxl_ctx *ctx, uint32_t domid,
                      const char *userdata_userid, const uint8_t *data,
                      int datalen)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  int lock;
  int rc;

  xenshim_log ("libxl_userdata_store domid=%u userid=%s", domid,
               xenshim_str (userdata_userid));
  if (xenshim_fault ("userdata"))
    return ERROR_FAIL;
  if (datalen < 0 || (datalen > 0 && !data))
    return ERROR_INVAL;
  lock = xenshim_state_lock ();
  if (lock < 0)
    return ERROR_FAIL;
  path = xenshim_userdata_path (domid, userdata_userid, "libxl_userdata_store");
  if (!path)
    rc = ERROR_INVAL;
  else if (datalen == 0)
    {
      /* libxl's userdata_delete() fails when there is nothing to delete. */
      rc = unlink (path) == 0 ? 0 : ERROR_FAIL;
      if (rc)
        xenshim_warn ("cannot delete %s: %s", path, g_strerror (errno));
    }
  else if (!g_file_set_contents (path, (const char *) data, datalen, &error))
    {
      xenshim_warn ("%s", error->message);
      rc = ERROR_FAIL;
    }
  else
    rc = 0;
  xenshim_state_unlock (lock);
  return rc;
}

/* *data_r is malloc'd; no record: NULL and 0.  Either pointer may be NULL. */
XENSHIM_EXPORT int
libxl_userdata_retrieve (libxl_ctx *ctx, uint32_t domid,
                         const char *userdata_userid, uint8_t **data_r,
                         int *datalen_r)
{
  g_autofree char *path = xenshim_userdata_path (domid, userdata_userid,
                                                 "libxl_userdata_retrieve");
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;

  if (!path)
    return ERROR_INVAL;
  if (!g_file_get_contents (path, &contents, &len, &error))
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          xenshim_warn ("%s", error->message);
          return ERROR_FAIL;
        }
      len = 0;                            /* no record */
    }
  else if (len == 0 || len > G_MAXINT)
    {
      /* libxl: "userdata file %s is empty" */
      xenshim_warn ("userdata file %s holds %" G_GSIZE_FORMAT " bytes", path, len);
      return ERROR_FAIL;
    }
  if (data_r)
    {
      uint8_t *copy = NULL;

      if (len > 0 && !(copy = malloc (len)))
        return ERROR_NOMEM;
      if (copy)
        memcpy (copy, contents, len);
      *data_r = copy;
    }
  if (datalen_r)
    *datalen_r = (int) len;
  return 0;
}

XENSHIM_EXPORT int
libxl_userdata_unlink (libxl_ctx *ctx, uint32_t domid,
                       const char *userdata_userid)
{
  g_autofree char *path = NULL;
  int lock = xenshim_state_lock ();
  int rc = ERROR_FAIL;

  if (lock < 0)
    return ERROR_FAIL;
  path = xenshim_userdata_path (domid, userdata_userid, "libxl_userdata_unlink");
  if (path && unlink (path) == 0)
    rc = 0;
  else if (path)
    xenshim_warn ("cannot delete %s: %s", path, g_strerror (errno));
  xenshim_state_unlock (lock);
  return rc;
}
