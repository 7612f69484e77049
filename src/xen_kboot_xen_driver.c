/* The driver on a Xen host (see xen_kboot_xen_driver.h).
 *
 * create runs the steps of xen_kboot_create_steps[], in order, each a
 * function of the shared XenKbootCreate; the first to fail stops the run,
 * and once the domain exists the failure destroys it and names the step:
 *   1. validate and plan on the xen-hvm map with the firmware's predicted
 *      footprint: everything that can refuse does so before Xen is touched
 *   2. open the hypervisor (xc_interface_open: the one place that tells
 *      "no Xen here") and libxl, unless the caller's handles are open
 *   3. libxl_domain_create_new(): libxl and libxenguest build the domain,
 *      load our firmware ELF (u.hvm.firmware) and its modules, and leave
 *      it paused, as xl does before it unpauses (tools/xl/xl_vmcontrol.c)
 *   4. record the domain as ours (libxl userdata)
 *   5. direct mode: read back the layout Xen built (hvm_info_table; EBX of
 *      vCPU 0 -> hvm_start_info -> modules and memory map) and check it is
 *      the one planned
 *   6. plan again around what is really there
 *   7. load kernel, initrd, command line, boot_params and handoff through
 *      xenforeignmemory
 *   8. stop here if a signal came
 *   9. unpause (unless --paused)
 * In device-model mode libxl hands the kernel to QEMU: steps 5 to 7 are
 * skipped, the validation of step 1 is not.  One cleanup
 * (xen_kboot_create_dispose) follows every run. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxl.h>
#include <libxl_utils.h>
#include <xenctrl.h>
#include <xen/hvm/save.h>

#include "kboot_layout_firmware.h"
#include "kboot_loader_guest_xen.h"
#include "kboot_layout.h"
#include "kboot_util_runtime.h"
#include "kboot_layout_xen.h"
#include "xen_kboot_xen_layout.h"
#include "xen_kboot_xen_driver.h"
#include "xen_kboot_conf_libxl.h"
#include "xen_kboot_conf_native.h"
#include "xen_kboot_xen.h"

/* ---- create: its steps ------------------------------------------------------ */

/* What create's steps share.  Everything starts as "nothing made yet", so
 * the one cleanup (xen_kboot_create_dispose) is right after any step. */
typedef struct {
  XenKbootXen **xen;                 /* the caller's handles, opened if NULL */
  const XenKbootDomainDef *def;
  const XenKbootCreateOptions *options;
  const char *name;                  /* the domain's, for messages */
  char *firmware;                    /* the ELF Xen loads */
  KbootFirmwareElf elf;              /* its facts, for reading the layout */
  XenKbootBoot *boot;                /* validated and planned */
  libxl_domain_config d_config;
  volatile gint *cancel;             /* once signals are caught: set by one */
  gboolean created;                  /* the domain exists: a failure destroys it */
  guint32 domid;
  KbootGuest *guest;                 /* its memory, in direct mode */
  GArray *reserved;                  /* of KbootReservedRange: what Xen loaded */
} XenKbootCreate;

static char *
xen_kboot_record (const XenKbootDomainDef *def, XenKbootBootMode mode)
{
  return g_strdup_printf ("xml=%s\nmode=%s\nkernel=%s\ninitrd=%s\ncmdline=%s\n",
                          def->file, xen_kboot_boot_mode_to_string (mode),
                          def->os.kernel ? def->os.kernel : "",
                          def->os.initrd ? def->os.initrd : "",
                          def->os.cmdline ? def->os.cmdline : "");
}

/* 1. Everything that can refuse, before Xen. */
static gboolean
xen_kboot_create_prepare (XenKbootCreate *c, GError **error)
{
  const XenKbootDomainDef *def = c->def;

  if (def->os.type != XEN_KBOOT_OS_TYPE_HVM || !def->os.kernel)
    {
      g_set_error (error, XEN_KBOOT_DRIVER_ERROR,
                   def->os.kernel ? XEN_KBOOT_DRIVER_ERROR_NOT_HVM
                                  : XEN_KBOOT_DRIVER_ERROR_NO_KERNEL,
                   "%s: xen-kboot create starts HVM domains with a <kernel> "
                   "in <os>; this one is %s%s: start it with 'virsh create' or "
                   "'xl create'", def->file,
                   xen_kboot_os_type_to_string (def->os.type),
                   def->os.kernel ? "" : " without <kernel>");
      return FALSE;
    }
  c->firmware = c->options->firmware
    ? g_strdup (c->options->firmware)
    : kboot_runtime_find_firmware (XEN_KBOOT_FIRMWARE_NAME, error);
  if (!c->firmware)
    return FALSE;
  c->boot = xen_kboot_boot_prepare (def, KBOOT_PLATFORM_XEN_HVM, c->firmware,
                                    &c->elf, c->options->fast, error);
  return c->boot != NULL;
}

/* 2. The hypervisor; from here on a signal stops create at the next step
 * that looks (the load, between windows, and before the unpause). */
static gboolean
xen_kboot_create_open (XenKbootCreate *c, GError **error)
{
  if (!*c->xen && !(*c->xen = xen_kboot_xen_open (error)))
    return FALSE;
  c->cancel = kboot_runtime_catch_signals ();
  return TRUE;
}

/* 3. The domain, paused.  libxl removes what it made when this fails. */
static gboolean
xen_kboot_create_domain (XenKbootCreate *c, GError **error)
{
  XenKbootNativeOptions native;
  int rc;

  /* create loads the kernel itself, even for a domain whose <emulator>
   * is xen-kboot-dm: the domain gets plain qemu-xen (the mapping never
   * hands a kernel to xen-kboot-dm but for it to load). */
  xen_kboot_native_options_init (&native, c->def);
  native.mode = c->options->mode;
  native.loader = XEN_KBOOT_NATIVE_LOADER_CREATE;
  native.firmware = c->firmware;
  if (!xen_kboot_libxl_build (c->def, &native, &c->d_config, error))
    return FALSE;
  rc = libxl_domain_create_new ((*c->xen)->ctx, &c->d_config, &c->domid, NULL, NULL);
  if (rc)
    {
      xen_kboot_set_libxl_error (error, "libxl_domain_create_new", rc);
      g_prefix_error (error, "%s: creating domain '%s' failed: ", c->def->file,
                      c->name);
      return FALSE;
    }
  c->created = TRUE;
  if (c->options->verbose)
    {
      g_autofree char *name = kboot_text_printable (c->name);

      fprintf (stderr, "xen-kboot: created domain '%s' (id %u), paused\n", name,
               c->domid);
    }
  return TRUE;
}

/* 4. Ours: libxl keeps our record with the domain. */
static gboolean
xen_kboot_create_record (XenKbootCreate *c, GError **error)
{
  g_autofree char *record = xen_kboot_record (c->def, c->options->mode);
  int rc = libxl_userdata_store ((*c->xen)->ctx, c->domid, XEN_KBOOT_USERDATA_ID,
                                 (const uint8_t *) record, (int) strlen (record));

  if (rc)
    {
      xen_kboot_set_libxl_error (error, "libxl_userdata_store", rc);
      return FALSE;
    }
  return TRUE;
}

/* 5. What Xen built, checked against the plan. */
static gboolean
xen_kboot_create_read (XenKbootCreate *c, GError **error)
{
  g_autoptr(GArray) blocks = kboot_xen_populated_blocks (c->boot->platform);
  KbootXenHvmInfo info;

  c->guest = kboot_guest_xen_open (c->domid,
                                   &g_array_index (blocks, KbootGuestRamBlock, 0),
                                   blocks->len, error);
  if (!c->guest)
    return FALSE;
  c->guest->cancel = c->cancel;
  if (!xen_kboot_xen_read_hvm_info (c->guest, &info, error)
      || !kboot_xen_hvm_info_check (&info, c->boot->platform, error)
      || !xen_kboot_xen_take_vcpus (c->boot, &info, TRUE, error))
    return FALSE;
  c->reserved = xen_kboot_xen_read_layout (*c->xen, c->domid, c->guest,
                                           c->boot->platform, &c->elf,
                                           "firmware (Xen loaded its ELF)", error);
  return c->reserved != NULL;
}

/* 6. The plan again, around what is really there. */
static gboolean
xen_kboot_create_replan (XenKbootCreate *c, GError **error)
{
  if (!xen_kboot_boot_replan (c->boot,
                              &g_array_index (c->reserved, KbootReservedRange, 0),
                              c->reserved->len, error))
    return FALSE;
  if (c->options->verbose)
    {
      g_autofree char *table = kboot_plan_to_table (c->boot->plan);
      fprintf (stderr, "%s", table);
    }
  return TRUE;
}

/* 7. The load, through xenforeignmemory. */
static gboolean
xen_kboot_create_load (XenKbootCreate *c, GError **error)
{
  KbootLoadAddresses at;
  KbootLoadStats stats = { 0 };

  xen_kboot_boot_addresses (c->boot, &at);
  if (!kboot_loader_load (c->guest, c->boot->kernel, c->boot->initrd,
                          c->boot->cmdline, &at, &stats, error)
      || !kboot_guest_commit (c->guest, error))
    return FALSE;
  if (at.acpi && !xen_kboot_xen_set_acpi_ports (*c->xen, c->domid, error))
    return FALSE;
  if (c->options->verbose)
    fprintf (stderr, "xen-kboot: loaded %" G_GUINT64_FORMAT " bytes in %u maps\n",
             stats.total_bytes, stats.maps);
  return TRUE;
}

/* 8. Nothing may run once a signal asked us to stop. */
static gboolean
xen_kboot_create_check_signal (XenKbootCreate *c, GError **error)
{
  if (g_atomic_int_get (c->cancel))
    {
      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_INTERRUPTED,
                   "interrupted");
      return FALSE;
    }
  return TRUE;
}

/* 9. Run, as xl does after its own create (tools/xl/xl_vmcontrol.c). */
static gboolean
xen_kboot_create_unpause (XenKbootCreate *c, GError **error)
{
  int rc = libxl_domain_unpause ((*c->xen)->ctx, c->domid, NULL);

  if (rc)
    {
      xen_kboot_set_libxl_error (error, "libxl_domain_unpause", rc);
      return FALSE;
    }
  return TRUE;
}

/* ---- create: the table and its one cleanup ------------------------------------ */

typedef enum {
  XEN_KBOOT_STEP_ALWAYS,
  XEN_KBOOT_STEP_DIRECT,        /* direct mode only: device-model hands QEMU the kernel */
  XEN_KBOOT_STEP_UNPAUSED,      /* not with --paused */
} XenKbootStepWhen;

typedef struct {
  /* In messages once the domain exists: "domain 'NAME' (id N): STEP
   * failed: ..." (tests/xen-create.sh checks them word for word). */
  const char *name;
  XenKbootStepWhen when;
  gboolean (*run) (XenKbootCreate *c, GError **error);
} XenKbootCreateStep;

static const XenKbootCreateStep xen_kboot_create_steps[] = {
  { "validating and planning", XEN_KBOOT_STEP_ALWAYS, xen_kboot_create_prepare },
  { "opening the hypervisor", XEN_KBOOT_STEP_ALWAYS, xen_kboot_create_open },
  { "creating the domain", XEN_KBOOT_STEP_ALWAYS, xen_kboot_create_domain },
  { "recording the domain as xen-kboot's", XEN_KBOOT_STEP_ALWAYS,
    xen_kboot_create_record },
  { "reading the memory layout Xen built", XEN_KBOOT_STEP_DIRECT,
    xen_kboot_create_read },
  { "planning around what Xen loaded", XEN_KBOOT_STEP_DIRECT,
    xen_kboot_create_replan },
  { "loading kernel, initrd and boot_params into guest memory",
    XEN_KBOOT_STEP_DIRECT, xen_kboot_create_load },
  { "starting the domain", XEN_KBOOT_STEP_ALWAYS, xen_kboot_create_check_signal },
  { "unpausing the domain", XEN_KBOOT_STEP_UNPAUSED, xen_kboot_create_unpause },
};

static gboolean
xen_kboot_create_step_wanted (const XenKbootCreate *c, const XenKbootCreateStep *step)
{
  switch (step->when)
    {
    case XEN_KBOOT_STEP_ALWAYS:
      return TRUE;
    case XEN_KBOOT_STEP_DIRECT:
      return c->options->mode == XEN_KBOOT_BOOT_MODE_DIRECT;
    case XEN_KBOOT_STEP_UNPAUSED:
      return !c->options->paused;
    }
  g_return_val_if_reached (FALSE);
}

/* The one cleanup, after success or any failure. */
static void
xen_kboot_create_dispose (XenKbootCreate *c)
{
  g_clear_pointer (&c->guest, kboot_guest_free);
  g_clear_pointer (&c->reserved, g_array_unref);
  g_clear_pointer (&c->boot, xen_kboot_boot_free);
  g_clear_pointer (&c->firmware, g_free);
  libxl_domain_config_dispose (&c->d_config);
  if (c->cancel)
    kboot_runtime_restore_signals ();
  c->cancel = NULL;
}

/* The outcome of destroying @domid, for the end of a message. */
static char *
xen_kboot_destroy_outcome (XenKbootXen *x, guint32 domid)
{
  int rc = libxl_domain_destroy (x->ctx, domid, NULL);

  if (rc == 0)
    return g_strdup ("the domain was destroyed");
  return g_strdup_printf ("destroying it failed too (libxl error %d): remove it "
                          "with 'xl destroy %u'", rc, domid);
}

/* GLib prefixes an error but has nothing to append to one: the same error
 * (domain and code) again, its message followed by @suffix. */
static void
xen_kboot_error_append (GError **error, const char *suffix)
{
  GError *cause = g_steal_pointer (error);

  g_set_error (error, cause->domain, cause->code, "%s%s", cause->message, suffix);
  g_error_free (cause);
}

void
xen_kboot_create_abandon (XenKbootXen *x, const char *name, guint32 domid,
                          const char *step, GError **error)
{
  int sig = kboot_runtime_caught_signal ();
  g_autofree char *outcome = xen_kboot_destroy_outcome (x, domid);
  g_autofree char *suffix = g_strdup_printf ("; %s", outcome);

  if (sig)
    {
      g_clear_error (error);
      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_INTERRUPTED,
                   "domain '%s' (id %u): interrupted by signal %d (%s) during "
                   "%s; %s", name, domid, sig, g_strsignal (sig), step, outcome);
      return;
    }
  g_prefix_error (error, "domain '%s' (id %u): %s failed: ", name, domid, step);
  xen_kboot_error_append (error, suffix);
}

gboolean
xen_kboot_create (XenKbootXen **xen, const XenKbootDomainDef *def,
                  const XenKbootCreateOptions *options, guint32 *domid,
                  GError **error)
{
  XenKbootCreate c = {
    .xen = xen, .def = def, .options = options,
    .name = def->name ? def->name : "unnamed",
  };
  const XenKbootCreateStep *step = NULL;
  gboolean ok = TRUE;

  libxl_domain_config_init (&c.d_config);
  for (gsize i = 0; ok && i < G_N_ELEMENTS (xen_kboot_create_steps); i++)
    {
      step = &xen_kboot_create_steps[i];
      if (xen_kboot_create_step_wanted (&c, step))
        ok = step->run (&c, error);
    }
  if (ok)
    *domid = c.domid;
  else if (c.created)
    xen_kboot_create_abandon (*xen, c.name, c.domid, step->name, error);
  xen_kboot_create_dispose (&c);
  return ok;
}


/* ---- destroy and list ------------------------------------------------------- */

/* The domain named or numbered @domain, which must be xen-kboot's. */
static gboolean
xen_kboot_find_ours (XenKbootXen *x, const char *domain, guint32 *domid,
                     GError **error)
{
  g_autofree char *name = NULL;
  guint64 number;
  uint8_t *data = NULL;
  int len = 0;

  if (g_ascii_string_to_unsigned (domain, 10, 0, G_MAXUINT32 - 1, &number, NULL))
    {
      *domid = (guint32) number;
      name = libxl_domid_to_name (x->ctx, *domid);
      if (!name)
        {
          g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_NOT_FOUND,
                       "no domain with id %u ('xen-kboot list' shows xen-kboot's "
                       "domains)", *domid);
          return FALSE;
        }
    }
  else if (libxl_name_to_domid (x->ctx, domain, domid) != 0)
    {
      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_NOT_FOUND,
                   "no domain named '%s' ('xen-kboot list' shows xen-kboot's "
                   "domains)", domain);
      return FALSE;
    }
  if (libxl_userdata_retrieve (x->ctx, *domid, XEN_KBOOT_USERDATA_ID, &data, &len) != 0
      || len <= 0)
    {
      free (data);
      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_NOT_OURS,
                   "domain '%s' (id %u) was not started by xen-kboot: destroy it "
                   "with 'xl destroy' or 'virsh destroy'", name ? name : domain,
                   *domid);
      return FALSE;
    }
  free (data);
  return TRUE;
}

gboolean
xen_kboot_destroy (const char *domain, guint32 *domid, GError **error)
{
  g_autoptr(XenKbootXen) x = xen_kboot_xen_open (error);
  int rc;

  if (!x || !xen_kboot_find_ours (x, domain, domid, error))
    return FALSE;
  rc = libxl_domain_destroy (x->ctx, *domid, NULL);
  if (rc)
    {
      xen_kboot_set_libxl_error (error, "libxl_domain_destroy", rc);
      g_prefix_error (error, "destroying domain '%s' (id %u) failed: ", domain, *domid);
      return FALSE;
    }
  return TRUE;
}

static void
xen_kboot_domain_info_free (gpointer p)
{
  XenKbootDomainInfo *info = p;

  g_free (info->name);
  g_free (info->state);
  g_free (info->record);
  g_free (info);
}

static const char *
xen_kboot_dominfo_state (const libxl_dominfo *d)
{
  if (d->dying)
    return "dying";
  if (d->shutdown)
    return "shutdown";
  if (d->paused)
    return "paused";
  return "running";
}

GPtrArray *
xen_kboot_list (GError **error)
{
  g_autoptr(XenKbootXen) x = xen_kboot_xen_open (error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (xen_kboot_domain_info_free);
  libxl_dominfo *domains;
  int n = 0;

  if (!x)
    return NULL;
  domains = libxl_list_domain (x->ctx, &n);
  if (!domains)
    {
      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_XEN,
                   "listing the domains (libxl_list_domain) failed");
      return NULL;
    }
  for (int i = 0; i < n; i++)
    {
      XenKbootDomainInfo *info;
      uint8_t *data = NULL;
      int len = 0;
      char *name;

      if (libxl_userdata_retrieve (x->ctx, domains[i].domid, XEN_KBOOT_USERDATA_ID,
                                   &data, &len) != 0 || len <= 0)
        {
          free (data);  /* a domain that went away meanwhile, or not ours */
          continue;
        }
      info = g_new0 (XenKbootDomainInfo, 1);
      info->domid = domains[i].domid;
      name = libxl_domid_to_name (x->ctx, domains[i].domid);
      info->name = g_strdup (name ? name : "-");
      free (name);
      info->state = g_strdup (xen_kboot_dominfo_state (&domains[i]));
      info->memory_kib = domains[i].current_memkb;
      info->record = g_strndup ((const char *) data, (gsize) len);
      free (data);
      g_ptr_array_add (list, info);
    }
  libxl_dominfo_list_free (domains, n);
  return g_steal_pointer (&list);
}
