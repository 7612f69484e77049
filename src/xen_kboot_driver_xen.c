/* The driver on a Xen host (see xen_kboot_driver_xen.h).
 *
 * create, step by step (each failure after step 3 destroys the domain and
 * names its step):
 *   1. validate and plan on the xen-hvm map with the firmware's predicted
 *      footprint: everything that can refuse does so before Xen is touched
 *   2. open the hypervisor (xc_interface_open: the one place that tells
 *      "no Xen here") and libxl, unless the caller's handles are open
 *   3. libxl_domain_create_new(): libxl and libxenguest build the domain,
 *      load our firmware ELF (u.hvm.firmware) and its modules, and leave
 *      it paused, as xl does before it unpauses (tools/xl/xl_vmcontrol.c)
 *   4. record the domain as ours (libxl userdata)
 *   5. direct mode: read back the layout Xen built (hvm_info_table; EBX of
 *      vCPU 0 -> hvm_start_info -> modules and memory map), check it is
 *      the one planned, plan again around what is really there
 *   6. load kernel, initrd, command line, boot_params and handoff through
 *      xenforeignmemory
 *   7. unpause (unless --paused)
 * In device-model mode libxl hands the kernel to QEMU: steps 5 and 6 are
 * skipped, the validation of step 1 is not. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxl.h>
#include <libxl_utils.h>
#include <xenctrl.h>
#include <xen/hvm/save.h>

#include "kboot_firmware_elf.h"
#include "kboot_guest_xen.h"
#include "kboot_layout.h"
#include "kboot_runtime.h"
#include "kboot_xen_layout.h"
#include "xen_kboot_driver_xen.h"
#include "xen_kboot_libxl.h"
#include "xen_kboot_native.h"
#include "xen_kboot_xen.h"

/* ---- reading what Xen built ----------------------------------------------- */

static gboolean
xen_kboot_read_array (KbootGuest *guest, guint64 addr, guint n, gsize entry,
                      const char *what, guint8 **buf, GError **error)
{
  gsize len = (gsize) n * entry;

  *buf = g_malloc0 (MAX (len, 1));
  if (n && !kboot_guest_read (guest, addr, *buf, len, error))
    {
      g_prefix_error (error, "reading the %s at 0x%" G_GINT64_MODIFIER "x: ",
                      what, addr);
      return FALSE;
    }
  return TRUE;
}

/* Step 5: the layout Xen built must be the planned one; returns what it
 * put in guest memory as reserved ranges for the planner. */
static GArray *
xen_kboot_read_layout (XenKbootXen *x, guint32 domid, KbootGuest *guest,
                       const KbootPlatform *platform,
                       const KbootFirmwareElf *firmware, GError **error)
{
  guint8 info_bytes[0x1000 - (KBOOT_XEN_HVM_INFO_ADDR & 0xfff)];
  guint8 si_bytes[KBOOT_XEN_START_INFO_SIZE];
  g_autofree guint8 *modlist = NULL, *memmap = NULL;
  g_autoptr(GArray) modules = g_array_new (FALSE, FALSE, sizeof (KbootXenModule));
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (KbootXenMemmapEntry));
  KbootXenHvmInfo info;
  KbootXenStartInfo si;
  struct hvm_hw_cpu cpu;

  if (!kboot_guest_read (guest, KBOOT_XEN_HVM_INFO_ADDR, info_bytes,
                         sizeof info_bytes, error)
      || !kboot_xen_hvm_info_parse (info_bytes, sizeof info_bytes, &info, error)
      || !kboot_xen_hvm_info_check (&info, platform, error))
    return NULL;

  /* vcpu_hvm() in xg_dom_x86.c: EBX = the hvm_start_info's address. */
  memset (&cpu, 0, sizeof cpu);
  if (xc_domain_hvm_getcontext_partial (x->xch, domid, HVM_SAVE_CODE (CPU), 0,
                                        &cpu, sizeof cpu) != 0)
    {
      int saved = errno;
      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_XEN,
                   "reading vCPU 0's registers (xc_domain_hvm_getcontext_partial) "
                   "failed: %s", g_strerror (saved));
      return NULL;
    }
  if (cpu.rbx == 0 || cpu.rbx > G_MAXUINT32)
    {
      g_set_error (error, KBOOT_XEN_LAYOUT_ERROR, KBOOT_XEN_LAYOUT_ERROR_START_INFO,
                   "vCPU 0's EBX is 0x%" G_GINT64_MODIFIER "x, not the address "
                   "of an hvm_start_info: is this Xen older than 4.10?",
                   (guint64) cpu.rbx);
      return NULL;
    }
  if (!kboot_guest_read (guest, cpu.rbx, si_bytes, sizeof si_bytes, error)
      || !kboot_xen_start_info_parse (si_bytes, sizeof si_bytes, cpu.rbx, &si, error)
      || !xen_kboot_read_array (guest, si.modlist_paddr, si.nr_modules,
                                KBOOT_XEN_MODLIST_ENTRY_SIZE, "module list",
                                &modlist, error)
      || !kboot_xen_modlist_parse (modlist, (gsize) si.nr_modules
                                   * KBOOT_XEN_MODLIST_ENTRY_SIZE,
                                   si.nr_modules, modules, error)
      || !xen_kboot_read_array (guest, si.memmap_paddr, si.memmap_entries,
                                KBOOT_XEN_MEMMAP_ENTRY_SIZE, "memory map",
                                &memmap, error)
      || !kboot_xen_memmap_parse (memmap, (gsize) si.memmap_entries
                                  * KBOOT_XEN_MEMMAP_ENTRY_SIZE,
                                  si.memmap_entries, entries, error)
      || !kboot_xen_memmap_check (entries, platform, error))
    return NULL;
  return kboot_xen_reserved_ranges (firmware, &si, modules);
}

/* ---- create ------------------------------------------------------------------ */

static char *
xen_kboot_record (const XenKbootDomainDef *def, XenKbootBootMode mode)
{
  return g_strdup_printf ("xml=%s\nmode=%s\nkernel=%s\ninitrd=%s\ncmdline=%s\n",
                          def->file, xen_kboot_boot_mode_to_string (mode),
                          def->os.kernel ? def->os.kernel : "",
                          def->os.initrd ? def->os.initrd : "",
                          def->os.cmdline ? def->os.cmdline : "");
}

void
xen_kboot_create_abandon (XenKbootXen *x, const char *name, guint32 domid,
                          const char *step, GError **error)
{
  int sig = kboot_runtime_caught_signal ();
  int rc = libxl_domain_destroy (x->ctx, domid, NULL);
  g_autofree char *outcome = NULL;
  char *message;

  outcome = rc == 0
    ? g_strdup ("the domain was destroyed")
    : g_strdup_printf ("destroying it failed too (libxl error %d): remove it "
                       "with 'xl destroy %u'", rc, domid);
  if (sig)
    {
      g_clear_error (error);
      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_INTERRUPTED,
                   "domain '%s' (id %u): interrupted by signal %d (%s) during "
                   "%s; %s", name, domid, sig, g_strsignal (sig), step, outcome);
      return;
    }
  message = g_strdup_printf ("domain '%s' (id %u): %s failed: %s; %s", name, domid,
                             step, (*error)->message, outcome);
  g_free ((*error)->message);
  (*error)->message = message;
}

gboolean
xen_kboot_create (XenKbootXen **xen, const XenKbootDomainDef *def,
                  const XenKbootCreateOptions *options, guint32 *domid_out,
                  GError **error)
{
  g_autoptr(XenKbootBoot) boot = NULL;
  g_autoptr(KbootGuest) guest = NULL;
  g_autoptr(GArray) blocks = NULL, reserved = NULL;
  g_autofree char *firmware = NULL, *record = NULL;
  XenKbootXen *x;
  libxl_domain_config d_config;
  XenKbootNativeOptions native;
  KbootFirmwareElf elf;
  KbootLoadAddresses at;
  KbootLoadStats stats = { 0 };
  volatile gint *cancel;
  const char *step = NULL;
  const char *name = def->name ? def->name : "unnamed";
  guint32 domid = 0;
  gboolean ok = FALSE, direct;
  int rc;

  /* 1. Everything that can refuse, before Xen. */
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
  direct = options->mode == XEN_KBOOT_BOOT_MODE_DIRECT;
  firmware = options->firmware ? g_strdup (options->firmware)
                               : kboot_runtime_find_firmware (XEN_KBOOT_FIRMWARE_NAME, error);
  if (!firmware)
    return FALSE;
  boot = xen_kboot_boot_prepare (def, KBOOT_PLATFORM_XEN_HVM, firmware, &elf, error);
  if (!boot)
    return FALSE;

  /* 2. The hypervisor. */
  if (!*xen && !(*xen = xen_kboot_xen_open (error)))
    return FALSE;
  x = *xen;
  cancel = kboot_runtime_catch_signals ();

  /* 3. The domain, paused. */
  xen_kboot_native_options_init (&native, def);
  native.mode = options->mode;
  native.firmware = firmware;
  libxl_domain_config_init (&d_config);
  if (!xen_kboot_libxl_build (def, &native, &d_config, error))
    goto out;
  rc = libxl_domain_create_new (x->ctx, &d_config, &domid, NULL, NULL);
  if (rc)
    {
      /* libxl removes what it made when create fails. */
      xen_kboot_set_libxl_error (error, "libxl_domain_create_new", rc);
      g_prefix_error (error, "%s: creating domain '%s' failed: ", def->file, name);
      goto out;
    }
  if (options->verbose)
    fprintf (stderr, "xen-kboot: created domain '%s' (id %u), paused\n", name, domid);

  /* 4. Ours. */
  step = "recording the domain as xen-kboot's";
  record = xen_kboot_record (def, options->mode);
  rc = libxl_userdata_store (x->ctx, domid, XEN_KBOOT_USERDATA_ID,
                             (const uint8_t *) record, (int) strlen (record));
  if (rc)
    {
      xen_kboot_set_libxl_error (error, "libxl_userdata_store", rc);
      goto abandon;
    }

  if (direct)
    {
      /* 5. What Xen built. */
      step = "reading the memory layout Xen built";
      blocks = kboot_xen_populated_blocks (boot->platform);
      guest = kboot_guest_xen_open (domid, &g_array_index (blocks, KbootGuestRamBlock, 0),
                                    blocks->len, error);
      if (!guest)
        goto abandon;
      guest->cancel = cancel;
      reserved = xen_kboot_read_layout (x, domid, guest, boot->platform, &elf, error);
      if (!reserved)
        goto abandon;
      step = "planning around what Xen loaded";
      if (!xen_kboot_boot_replan (boot, &g_array_index (reserved, KbootReservedRange, 0),
                                  reserved->len, error))
        goto abandon;
      if (options->verbose)
        {
          g_autofree char *table = kboot_plan_to_table (boot->plan);
          fprintf (stderr, "%s", table);
        }

      /* 6. The load. */
      step = "loading kernel, initrd and boot_params into guest memory";
      xen_kboot_boot_addresses (boot, &at);
      if (!kboot_loader_load (guest, boot->kernel, boot->initrd, boot->cmdline,
                              &at, &stats, error)
          || !kboot_guest_commit (guest, error))
        goto abandon;
      if (options->verbose)
        fprintf (stderr, "xen-kboot: loaded %" G_GUINT64_FORMAT " bytes in %u "
                 "maps\n", stats.total_bytes, stats.maps);
    }

  /* 7. Run. */
  step = "starting the domain";
  if (g_atomic_int_get (cancel))
    {
      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_INTERRUPTED,
                   "interrupted");
      goto abandon;
    }
  if (!options->paused)
    {
      step = "unpausing the domain";
      rc = libxl_domain_unpause (x->ctx, domid, NULL);
      if (rc)
        {
          xen_kboot_set_libxl_error (error, "libxl_domain_unpause", rc);
          goto abandon;
        }
    }
  *domid_out = domid;
  ok = TRUE;
  goto out;

abandon:
  xen_kboot_create_abandon (x, name, domid, step, error);
out:
  if (guest)
    kboot_guest_discard (guest);
  libxl_domain_config_dispose (&d_config);
  kboot_runtime_restore_signals ();
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
