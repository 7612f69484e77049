/* xenshim internals (see README.md): the fake host's state directory,
 * the call log, fault injection, and the fake domain builder.
 *
 * Only the interposed Xen functions (xenshim.c) are exported from the
 * library; everything declared here is hidden (-fvisibility=hidden), so
 * nothing of ours can shadow a symbol of the real libraries. */
#ifndef XENSHIM_H
#define XENSHIM_H

#include <glib.h>
#include <libxl.h>

G_BEGIN_DECLS

#define XENSHIM_EXPORT __attribute__ ((visibility ("default")))

#define XENSHIM_PAGE_SHIFT 12
#define XENSHIM_PAGE_SIZE  G_GUINT64_CONSTANT (0x1000)
#define XENSHIM_MIB        G_GUINT64_CONSTANT (0x100000)
#define XENSHIM_FOUR_GIB   G_GUINT64_CONSTANT (0x100000000)

/* Xen: tools/libs/guest/xg_dom_x86.c meminit_hvm() populates every pfn
 * below lowmem_end except the VGA hole. */
#define XENSHIM_VGA_HOLE_START G_GUINT64_CONSTANT (0xa0000)
#define XENSHIM_VGA_HOLE_END   G_GUINT64_CONSTANT (0xc0000)

#define XENSHIM_DOM0_NAME "Domain-0"

/* ---- messages, log, faults (xenshim_host.c) ----------------------------- */

/* "xenshim: MESSAGE\n" on stderr, in one write. */
void xenshim_warn (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* One line in $XENSHIM_LOG (when set), appended with one write(2). */
void xenshim_log (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* Whether $XENSHIM_FAIL holds the fault @name ("create"), or "@name:@n"
 * ("map:3"); when it does, log "fail @name" or "fail @name:@n". */
gboolean xenshim_fault (const char *name);
gboolean xenshim_fault_nth (const char *name, guint64 n);
/* The pfns of the "map-pfn:0xHEX" faults in $XENSHIM_FAIL (guint64). */
GArray *xenshim_fault_pfns (void);

/* ---- the fake host's state (xenshim_state.c) --------------------------- */

/* Guest-physical RAM as Xen populates it and as the RAM file holds it:
 * [0, lowmem_end) less the VGA hole at file offset = address, then
 * [4 GiB, highmem_end) at file offset lowmem_end + (address - 4 GiB). */
typedef struct {
  guint64 lowmem_end;
  guint64 highmem_end;                /* 0: no RAM above 4 GiB */
} XenshimLayout;

/* The file offset of [@gpa, @gpa + @len) when it is all populated RAM of
 * one block; FALSE for holes, the VGA hole, and ranges across blocks. */
gboolean xenshim_layout_ram_offset (const XenshimLayout *layout, guint64 gpa,
                                    guint64 len, guint64 *offset);
/* Size of the RAM file. */
guint64 xenshim_layout_ram_size (const XenshimLayout *layout);

typedef struct {
  guint32 domid;
  char *name;
  char *uuid;                         /* "xxxxxxxx-xxxx-..." */
  libxl_domain_type type;
  gboolean paused;
  gboolean shutdown;                  /* the guest shut down (Xen's flag) */
  libxl_shutdown_reason shutdown_reason;   /* when shutdown */
  guint64 max_memkb;
  guint64 video_memkb;
  guint32 vcpus;
  XenshimLayout layout;               /* all zero for PV and PVH */
  guint64 rbx, rip, cr0;              /* vCPU 0 as the builder left it */
} XenshimDomain;

void xenshim_domain_free (XenshimDomain *dom);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XenshimDomain, xenshim_domain_free)

/* $XENSHIM_STATE, or NULL with a message. */
const char *xenshim_state_dir (void);

/* An exclusive flock on STATE/lock for one mutation; -1 on failure. */
int xenshim_state_lock (void);
void xenshim_state_unlock (int fd);

/* STATE/domain-@domid (a new string). */
char *xenshim_domain_dir (guint32 domid);

/* The domain @domid, or NULL when it does not exist (no message) or its
 * state cannot be read (with one). */
XenshimDomain *xenshim_domain_load (guint32 domid);
/* Every domain in the state directory, by domid: XenshimDomain elements. */
GPtrArray *xenshim_domain_list (void);
/* Write every field of @dom into the directory @dir (a new domain). */
gboolean xenshim_domain_save (const XenshimDomain *dom, const char *dir);
/* Replace one value file of an existing domain, atomically. */
gboolean xenshim_domain_set (guint32 domid, const char *key, const char *value);
/* The same for a number, written in hex as the builder writes rip, rbx, cr0. */
gboolean xenshim_domain_set_hex (guint32 domid, const char *key, guint64 value);
/* The guest shuts down with @reason (SCHEDOP_shutdown): the reason is
 * written before the state, so a reader that sees "shutdown" finds it.
 * Logs "guest_shutdown domid=N reason=R".  The caller holds the lock and
 * has checked that the domain runs. */
gboolean xenshim_domain_shutdown (guint32 domid, libxl_shutdown_reason reason);
/* Rename the domain's directory away, then delete it and its files. */
gboolean xenshim_domain_remove (guint32 domid);
/* Delete a directory holding only files (a half-built domain). */
void xenshim_remove_tree (const char *dir);

/* The domid Xen would allocate next: the first free one after the last
 * allocated (STATE/last_domid), wrapping; 0 when none is free. */
guint32 xenshim_domid_free (void);
/* Record @domid as allocated (the caller holds the state lock). */
gboolean xenshim_domid_take (guint32 domid);

/* ---- the domain builder (xenshim_builder.c) ----------------------------- */

/* Build what libxl and libxenguest leave in a new HVM domain: the RAM file
 * @dir/ram holding the firmware, its module, hvm_start_info and the
 * hvm_info_table, and @dom's layout and vCPU 0.  On failure returns a libxl
 * error code, logs "fail WHAT" and says why on stderr. */
int xenshim_build_hvm (const libxl_domain_build_info *b_info,
                       XenshimDomain *dom, const char *dir);

G_END_DECLS

#endif /* XENSHIM_H */
