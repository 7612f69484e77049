/* Reading back what Xen built (see xen_kboot_xen_layout.h). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <xenctrl.h>
#include <xen/hvm/save.h>

#include "xen_kboot_driver.h"
#include "xen_kboot_xen_layout.h"

/* @n entries of @entry bytes at @addr, in a new buffer. */
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

gboolean
xen_kboot_xen_read_hvm_info (KbootGuest *guest, KbootXenHvmInfo *info,
                             GError **error)
{
  guint8 bytes[0x1000 - (KBOOT_XEN_HVM_INFO_ADDR & 0xfff)];

  return kboot_guest_read (guest, KBOOT_XEN_HVM_INFO_ADDR, bytes, sizeof bytes,
                           error)
         && kboot_xen_hvm_info_parse (bytes, sizeof bytes, info, error);
}

/* vcpu_hvm() in xg_dom_x86.c: EBX = the hvm_start_info's address. */
static gboolean
xen_kboot_read_start_info_addr (XenKbootXen *x, guint32 domid, guint64 *addr,
                                GError **error)
{
  struct hvm_hw_cpu cpu;

  memset (&cpu, 0, sizeof cpu);
  if (xc_domain_hvm_getcontext_partial (x->xch, domid, HVM_SAVE_CODE (CPU), 0,
                                        &cpu, sizeof cpu) != 0)
    {
      int saved = errno;
      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_XEN,
                   "reading vCPU 0's registers (xc_domain_hvm_getcontext_partial) "
                   "failed: %s", g_strerror (saved));
      return FALSE;
    }
  if (cpu.rbx == 0 || cpu.rbx > G_MAXUINT32)
    {
      g_set_error (error, KBOOT_XEN_LAYOUT_ERROR, KBOOT_XEN_LAYOUT_ERROR_START_INFO,
                   "vCPU 0's EBX is 0x%" G_GINT64_MODIFIER "x, not the address "
                   "of an hvm_start_info: is this Xen older than 4.10?",
                   (guint64) cpu.rbx);
      return FALSE;
    }
  *addr = cpu.rbx;
  return TRUE;
}

GArray *
xen_kboot_xen_read_layout (XenKbootXen *x, guint32 domid, KbootGuest *guest,
                           const KbootPlatform *platform,
                           const KbootFirmwareElf *firmware,
                           const char *firmware_what, GError **error)
{
  guint8 si_bytes[KBOOT_XEN_START_INFO_SIZE];
  g_autofree guint8 *modlist = NULL, *memmap = NULL;
  g_autoptr(GArray) modules = g_array_new (FALSE, FALSE, sizeof (KbootXenModule));
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (KbootXenMemmapEntry));
  KbootXenStartInfo si;
  guint64 start_info_addr;

  if (!xen_kboot_read_start_info_addr (x, domid, &start_info_addr, error))
    return NULL;
  if (!kboot_guest_read (guest, start_info_addr, si_bytes, sizeof si_bytes, error)
      || !kboot_xen_start_info_parse (si_bytes, sizeof si_bytes, start_info_addr, &si, error)
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
  return kboot_xen_reserved_ranges (firmware, firmware_what, &si, modules);
}
