/* xenshim: the libxenctrl, libxenstore and libxenforeignmemory calls,
 * answered without /dev/xen (see README.md).
 *
 * The handles are ours (a magic number says which kind, so a handle of
 * the wrong kind or a closed one is caught).  Foreign mappings are mmaps of
 * the domain's RAM file, page for page where Xen maps the guest's frames;
 * a frame that is not populated RAM stays PROT_NONE with -ENOENT in err[],
 * like privcmd's IOCTL_PRIVCMD_MMAPBATCH_V2. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenforeignmemory.h>
#include <xenstore.h>
#include <xen/hvm/save.h>

#include "xenshim.h"

#define XENSHIM_HANDLE_XC    0x78636820u   /* "xch " */
#define XENSHIM_HANDLE_FMEM  0x666d656du   /* "fmem" */
#define XENSHIM_HANDLE_DEAD  0xdeadu

typedef struct {
  guint32 magic;
} XenshimHandle;

/* xenstore is never used by what we emulate: one token for every open. */
static int xenshim_xs_token;

/* Calls of each kind in this process, for the "map:K" style faults. */
static gint xenshim_map_calls;
static gint xenshim_unmap_calls;

static void *
xenshim_handle_new (guint32 magic)
{
  XenshimHandle *h = g_new0 (XenshimHandle, 1);

  h->magic = magic;
  return h;
}

static gboolean
xenshim_handle_check (const void *handle, guint32 magic, const char *fn)
{
  const XenshimHandle *h = handle;

  if (h && h->magic == magic)
    return TRUE;
  xenshim_warn ("%s: %p is not an open handle of this kind", fn, handle);
  errno = EBADF;
  return FALSE;
}

static void
xenshim_handle_free (void *handle)
{
  XenshimHandle *h = handle;

  h->magic = XENSHIM_HANDLE_DEAD;
  g_free (h);
}

/* ---- libxenctrl, libxenstore: the handles libxl_ctx_alloc() opens ------ */

XENSHIM_EXPORT xc_interface *
xc_interface_open (xentoollog_logger *logger,
                   xentoollog_logger *dombuild_logger, unsigned open_flags)
{
  xenshim_log ("xc_interface_open");
  if (xenshim_fault ("hypervisor"))
    {
      errno = ENOENT;      /* as with no /dev/xen/privcmd */
      return NULL;
    }
  return xenshim_handle_new (XENSHIM_HANDLE_XC);
}

XENSHIM_EXPORT int
xc_interface_close (xc_interface *xch)
{
  if (!xch)
    return 0;
  if (!xenshim_handle_check (xch, XENSHIM_HANDLE_XC, "xc_interface_close"))
    return -1;
  xenshim_handle_free (xch);
  return 0;
}

XENSHIM_EXPORT struct xs_handle *
xs_open (unsigned long flags)
{
  return (struct xs_handle *) &xenshim_xs_token;
}

XENSHIM_EXPORT void
xs_close (struct xs_handle *xsh)
{
}

/* ---- vCPU state --------------------------------------------------------- */

/* vcpu_hvm() in tools/libs/guest/xg_dom_x86.c: flat 32-bit protected
 * mode, rbx at the start_info, rip at the firmware's entry.  The record
 * is always the initial one, even once the domain has run. */
static void
xenshim_initial_cpu (const XenshimDomain *dom, struct hvm_hw_cpu *cpu)
{
  memset (cpu, 0, sizeof *cpu);
  cpu->cs_limit = cpu->ds_limit = cpu->es_limit = cpu->ss_limit = ~0u;
  cpu->tr_limit = 0x67;
  cpu->cs_arbytes = 0xc9b;
  cpu->ds_arbytes = cpu->es_arbytes = cpu->ss_arbytes = 0xc93;
  cpu->tr_arbytes = 0x8b;
  cpu->cr0 = dom->cr0;
  cpu->rip = dom->rip;
  cpu->rbx = dom->rbx;
  cpu->dr6 = 0xffff0ff0u;     /* X86_DR6_DEFAULT */
  cpu->dr7 = 0x00000400u;     /* X86_DR7_DEFAULT */
}

/* The HVM domain @domid for a context call @fn, after its handle check and
 * its fault @fault; NULL with errno set (EPERM for the fault, ESRCH for no
 * such domain, EINVAL for one that is not HVM). */
static XenshimDomain *
xenshim_hvm_domain_for (xc_interface *xch, uint32_t domid, const char *fn,
                        const char *fault)
{
  XenshimDomain *dom;

  if (!xenshim_handle_check (xch, XENSHIM_HANDLE_XC, fn))
    return NULL;
  if (fault && xenshim_fault (fault))
    {
      errno = EPERM;
      return NULL;
    }
  dom = xenshim_domain_load (domid);
  if (!dom)
    {
      errno = ESRCH;
      return NULL;
    }
  if (dom->type != LIBXL_DOMAIN_TYPE_HVM)
    {
      xenshim_domain_free (dom);
      errno = EINVAL;
      return NULL;
    }
  return dom;
}

/* Only vCPU 0's CPU record is kept. */
XENSHIM_EXPORT int
xc_domain_hvm_getcontext_partial (xc_interface *xch, uint32_t domid,
                                  uint16_t typecode, uint16_t instance,
                                  void *ctxt_buf, uint32_t size)
{
  g_autoptr(XenshimDomain) dom = NULL;
  struct hvm_hw_cpu cpu;

  xenshim_log ("xc_domain_hvm_getcontext_partial domid=%u typecode=%u",
               domid, typecode);
  dom = xenshim_hvm_domain_for (xch, domid, "xc_domain_hvm_getcontext_partial",
                                "getcontext");
  if (!dom)
    return -1;
  if (!ctxt_buf || size < sizeof cpu)
    {
      errno = EINVAL;
      return -1;
    }
  if (typecode != HVM_SAVE_CODE (CPU) || instance != 0)
    {
      errno = ENOENT;
      return -1;
    }
  xenshim_initial_cpu (dom, &cpu);
  memcpy (ctxt_buf, &cpu, sizeof cpu);
  return 0;
}

/* The whole context, as XEN_DOMCTL_gethvmcontext gives it (hvm_save() in
 * xen/arch/x86/hvm/save.c): the header, a CPU record per vCPU (vCPU 0's
 * the builder's, the others the same flat state: they have not run
 * either), the end.  The other records Xen saves are left out: the driver
 * must find its records by type, not by position. */
typedef struct {
  struct hvm_save_descriptor header_d;
  struct hvm_save_header header;
} XenshimCtxHead;

static gsize
xenshim_context_size (guint32 vcpus)
{
  return sizeof (XenshimCtxHead)
         + vcpus * (sizeof (struct hvm_save_descriptor) + sizeof (struct hvm_hw_cpu))
         + sizeof (struct hvm_save_descriptor) + sizeof (struct hvm_save_end);
}

XENSHIM_EXPORT int
xc_domain_hvm_getcontext (xc_interface *xch, uint32_t domid, uint8_t *ctxt_buf,
                          uint32_t size)
{
  g_autoptr(XenshimDomain) dom = NULL;
  XenshimCtxHead head = { { HVM_SAVE_CODE (HEADER), 0, sizeof (struct hvm_save_header) },
                          { HVM_FILE_MAGIC, HVM_FILE_VERSION, 0, 0x00100f42u, 0 } };
  struct hvm_save_descriptor end_d = { HVM_SAVE_CODE (END), 0, 0 };
  gsize need, off = 0;

  xenshim_log ("xc_domain_hvm_getcontext domid=%u size=%u", domid, size);
  dom = xenshim_hvm_domain_for (xch, domid, "xc_domain_hvm_getcontext",
                                "getcontext-full");
  if (!dom)
    return -1;
  need = xenshim_context_size (MAX (dom->vcpus, 1));
  if (!ctxt_buf)
    return (int) need;
  if (size < need)
    {
      errno = ENOBUFS;
      return -1;
    }
  memcpy (ctxt_buf, &head, sizeof head);
  off = sizeof head;
  for (guint32 i = 0; i < MAX (dom->vcpus, 1); i++)
    {
      struct hvm_save_descriptor cpu_d = { HVM_SAVE_CODE (CPU), (uint16_t) i,
                                           sizeof (struct hvm_hw_cpu) };
      struct hvm_hw_cpu cpu;

      xenshim_initial_cpu (dom, &cpu);
      memcpy (ctxt_buf + off, &cpu_d, sizeof cpu_d);
      memcpy (ctxt_buf + off + sizeof cpu_d, &cpu, sizeof cpu);
      off += sizeof cpu_d + sizeof cpu;
    }
  memcpy (ctxt_buf + off, &end_d, sizeof end_d);
  return (int) need;
}

/* XEN_DOMCTL_sethvmcontext (hvm_load()): the header first, with Xen's
 * magic and version; then records up to END.  Only CPU records are
 * understood here; vCPU 0's RIP, RBX and CR0 are kept. */
XENSHIM_EXPORT int
xc_domain_hvm_setcontext (xc_interface *xch, uint32_t domid, uint8_t *hvm_ctxt,
                          uint32_t size)
{
  g_autoptr(XenshimDomain) dom = NULL;
  struct hvm_save_descriptor d;
  struct hvm_save_header header;
  struct hvm_hw_cpu cpu;
  gboolean have_cpu0 = FALSE;
  gsize off;

  /* The fault is injected once the call is logged, below. */
  dom = xenshim_hvm_domain_for (xch, domid, "xc_domain_hvm_setcontext", NULL);
  if (!dom)
    return -1;
  if (dom->shutdown || !hvm_ctxt || size < sizeof d + sizeof header)
    {
      errno = EINVAL;
      return -1;
    }
  memcpy (&d, hvm_ctxt, sizeof d);
  memcpy (&header, hvm_ctxt + sizeof d, sizeof header);
  if (d.typecode != HVM_SAVE_CODE (HEADER) || d.length != sizeof header
      || header.magic != HVM_FILE_MAGIC || header.version != HVM_FILE_VERSION)
    {
      xenshim_warn ("xc_domain_hvm_setcontext: no valid header record first");
      errno = EINVAL;
      return -1;
    }
  for (off = sizeof d + sizeof header; ; off += d.length)
    {
      if (size - off < sizeof d)
        {
          xenshim_warn ("xc_domain_hvm_setcontext: no END record");
          errno = EINVAL;
          return -1;
        }
      memcpy (&d, hvm_ctxt + off, sizeof d);
      off += sizeof d;
      if (d.typecode == HVM_SAVE_CODE (END))
        break;
      if (d.typecode != HVM_SAVE_CODE (CPU) || d.length != sizeof cpu
          || size - off < d.length || d.instance >= MAX (dom->vcpus, 1))
        {
          xenshim_warn ("xc_domain_hvm_setcontext: record type %u instance %u "
                        "length %u is not a CPU record of this domain",
                        d.typecode, d.instance, d.length);
          errno = EINVAL;
          return -1;
        }
      if (d.instance == 0)
        {
          memcpy (&cpu, hvm_ctxt + off, sizeof cpu);
          have_cpu0 = TRUE;
        }
    }
  if (!have_cpu0)
    {
      xenshim_log ("xc_domain_hvm_setcontext domid=%u (no vCPU 0 record)", domid);
      return 0;
    }
  xenshim_log ("xc_domain_hvm_setcontext domid=%u rip=0x%" G_GINT64_MODIFIER "x "
               "rbx=0x%" G_GINT64_MODIFIER "x cr0=0x%" G_GINT64_MODIFIER "x",
               domid, (guint64) cpu.rip, (guint64) cpu.rbx, (guint64) cpu.cr0);
  if (xenshim_fault ("setcontext"))
    {
      errno = EPERM;
      return -1;
    }
  return xenshim_domain_set_hex (domid, "rbx", cpu.rbx)
         && xenshim_domain_set_hex (domid, "cr0", cpu.cr0)
         && xenshim_domain_set_hex (domid, "rip", cpu.rip) ? 0 : -1;
}

/* XEN_DOMCTL / HVMOP_set_param: kept as "param-N" in the domain's state
 * (xen-kboot sets HVM_PARAM_ACPI_IOPORTS_LOCATION, 19). */
XENSHIM_EXPORT int
xc_hvm_param_set (xc_interface *xch, uint32_t domid, uint32_t param, uint64_t value)
{
  g_autoptr(XenshimDomain) dom = NULL;
  g_autofree char *key = NULL;

  xenshim_log ("xc_hvm_param_set domid=%u param=%u value=0x%" G_GINT64_MODIFIER "x",
               domid, param, (guint64) value);
  dom = xenshim_hvm_domain_for (xch, domid, "xc_hvm_param_set", "hvm-param");
  if (!dom)
    return -1;
  if (dom->shutdown)
    {
      errno = EINVAL;
      return -1;
    }
  key = g_strdup_printf ("param-%u", param);
  return xenshim_domain_set_hex (domid, key, value) ? 0 : -1;
}

/* ---- libxenforeignmemory ------------------------------------------------ */

XENSHIM_EXPORT xenforeignmemory_handle *
xenforeignmemory_open (xentoollog_logger *logger, unsigned open_flags)
{
  xenshim_log ("xenforeignmemory_open");
  if (xenshim_fault ("hypervisor"))
    {
      errno = ENOENT;
      return NULL;
    }
  return xenshim_handle_new (XENSHIM_HANDLE_FMEM);
}

XENSHIM_EXPORT int
xenforeignmemory_close (xenforeignmemory_handle *fmem)
{
  if (!fmem)
    return 0;
  if (!xenshim_handle_check (fmem, XENSHIM_HANDLE_FMEM, "xenforeignmemory_close"))
    return -1;
  xenshim_handle_free (fmem);
  return 0;
}

/* 0 with the RAM file offset of @pfn, or the negative errno Xen gives. */
static int
xenshim_pfn_offset (const XenshimDomain *dom, const GArray *bad_pfns,
                    xen_pfn_t pfn, guint64 *offset)
{
  for (guint i = 0; i < bad_pfns->len; i++)
    if (g_array_index (bad_pfns, guint64, i) == pfn)
      return -EFAULT;
  if (pfn > G_MAXUINT64 >> XENSHIM_PAGE_SHIFT
      || !xenshim_layout_ram_offset (&dom->layout, (guint64) pfn << XENSHIM_PAGE_SHIFT,
                                     XENSHIM_PAGE_SIZE, offset))
    return -ENOENT;
  return 0;
}

/* Map arr[@i] and the pfns after it that follow it in the RAM file too,
 * in one mmap at @base + @i pages.  Returns the pages mapped, 0 on error. */
static size_t
xenshim_map_run (guint8 *base, size_t i, size_t pages, const xen_pfn_t arr[],
                 const XenshimDomain *dom, const GArray *bad_pfns, int prot,
                 int fd, guint64 offset)
{
  size_t run = 1;
  guint64 next;

  while (i + run < pages
         && xenshim_pfn_offset (dom, bad_pfns, arr[i + run], &next) == 0
         && next == offset + run * XENSHIM_PAGE_SIZE)
    run++;
  if (mmap (base + i * XENSHIM_PAGE_SIZE, run * XENSHIM_PAGE_SIZE, prot,
            MAP_SHARED | MAP_FIXED, fd, (off_t) offset) == MAP_FAILED)
    {
      xenshim_warn ("mapping %zu pages of domain %u's RAM file: %s", run,
                    dom->domid, g_strerror (errno));
      return 0;
    }
  return run;
}

static int
xenshim_ram_open (guint32 domid)
{
  g_autofree char *dir = xenshim_domain_dir (domid);
  g_autofree char *path = dir ? g_build_filename (dir, "ram", NULL) : NULL;
  int fd = path ? open (path, O_RDWR | O_CLOEXEC) : -1;

  if (fd < 0 && path)
    xenshim_warn ("cannot open %s: %s", path, g_strerror (errno));
  return fd;
}

/* The pages of @arr at one reserved range; see xenforeignmemory.h for what
 * @err means and what happens when it is NULL. */
static void *
xenshim_map (const char *fn, xenforeignmemory_handle *fmem, uint32_t domid,
             int prot, size_t pages, const xen_pfn_t arr[], int err[])
{
  guint64 call = (guint64) g_atomic_int_add (&xenshim_map_calls, 1) + 1;
  g_autoptr(XenshimDomain) dom = NULL;
  g_autoptr(GArray) bad_pfns = NULL;
  guint64 bytes;
  guint8 *base;
  int first_error = 0;
  int fd = -1;
  int saved;

  xenshim_log ("%s domid=%u pages=%zu first_pfn=0x%" G_GINT64_MODIFIER "x", fn,
               domid, pages, pages && arr ? (guint64) arr[0] : 0);
  if (!xenshim_handle_check (fmem, XENSHIM_HANDLE_FMEM, fn))
    return NULL;
  if (pages == 0 || !arr
      || !g_uint64_checked_mul (&bytes, pages, XENSHIM_PAGE_SIZE) || bytes > G_MAXSIZE)
    {
      errno = EINVAL;
      return NULL;
    }
  if (xenshim_fault_nth ("map", call))
    {
      errno = ENOMEM;
      return NULL;
    }
  dom = xenshim_domain_load (domid);
  if (!dom)
    {
      errno = ESRCH;
      return NULL;
    }

  /* The whole range first, so that holes stay inaccessible. */
  base = mmap (NULL, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED)
    return NULL;
  bad_pfns = xenshim_fault_pfns ();
  for (size_t i = 0; i < pages; )
    {
      guint64 offset;
      int e = xenshim_pfn_offset (dom, bad_pfns, arr[i], &offset);
      size_t run;

      if (e == -EFAULT)
        xenshim_log ("fail map-pfn:0x%" G_GINT64_MODIFIER "x", (guint64) arr[i]);
      if (e != 0)
        {
          if (err)
            err[i] = e;
          if (!first_error)
            first_error = -e;
          i++;
          continue;
        }
      if (fd < 0 && (fd = xenshim_ram_open (domid)) < 0)
        goto fail;
      run = xenshim_map_run (base, i, pages, arr, dom, bad_pfns, prot, fd, offset);
      if (run == 0)
        goto fail;
      if (err)
        memset (err + i, 0, run * sizeof *err);
      i += run;
    }
  if (fd >= 0)
    close (fd);
  if (first_error && !err)
    {
      munmap (base, bytes);
      errno = first_error;
      return NULL;
    }
  if (xenshim_fault_nth ("signal-map", call))
    raise (SIGINT);
  return base;

fail:
  saved = errno;
  if (fd >= 0)
    close (fd);
  munmap (base, bytes);
  errno = saved;
  return NULL;
}

XENSHIM_EXPORT void *
xenforeignmemory_map (xenforeignmemory_handle *fmem, uint32_t dom, int prot,
                      size_t pages, const xen_pfn_t arr[], int err[])
{
  return xenshim_map ("xenforeignmemory_map", fmem, dom, prot, pages, arr, err);
}

/* Without a placement hint or flags, as xenforeignmemory_map(). */
XENSHIM_EXPORT void *
xenforeignmemory_map2 (xenforeignmemory_handle *fmem, uint32_t dom, void *addr,
                       int prot, int flags, size_t pages, const xen_pfn_t arr[],
                       int err[])
{
  if (addr || flags)
    {
      xenshim_warn ("xenforeignmemory_map2: addr %p and flags 0x%x are not "
                    "emulated", addr, (unsigned) flags);
      errno = EINVAL;
      return NULL;
    }
  return xenshim_map ("xenforeignmemory_map2", fmem, dom, prot, pages, arr, err);
}

XENSHIM_EXPORT int
xenforeignmemory_unmap (xenforeignmemory_handle *fmem, void *addr, size_t pages)
{
  guint64 call = (guint64) g_atomic_int_add (&xenshim_unmap_calls, 1) + 1;
  guint64 bytes;

  xenshim_log ("xenforeignmemory_unmap pages=%zu", pages);
  if (!xenshim_handle_check (fmem, XENSHIM_HANDLE_FMEM, "xenforeignmemory_unmap"))
    return -1;
  if (pages == 0 || ((guintptr) addr & (XENSHIM_PAGE_SIZE - 1)) != 0
      || !g_uint64_checked_mul (&bytes, pages, XENSHIM_PAGE_SIZE) || bytes > G_MAXSIZE)
    {
      xenshim_warn ("xenforeignmemory_unmap: %zu pages at %p is no mapping",
                    pages, addr);
      errno = EINVAL;
      return -1;
    }
  if (munmap (addr, bytes) < 0)
    return -1;
  if (xenshim_fault_nth ("unmap", call))
    {
      errno = EIO;
      return -1;
    }
  return 0;
}
