/* The libvirt hook ("xen-kboot hook"): libvirt runs
 * $hooks/{libxl,qemu}[.d/...] with NAME OPERATION SUB-OPERATION EXTRA and
 * the domain XML on stdin.  On "prepare begin", before the domain exists,
 * the kernel of an x86 HVM domain is checked against the rules of the
 * path the domain will really take; a refusal makes libvirt abort the
 * start and show the reason:
 *   - direct boot, when <emulator> is xen-kboot-dm or <kboot:boot
 *     mode='direct'/> says so (xen_kboot_native_boot_mode, device-model
 *     otherwise): every rule of xen-kboot's loader, from the admission
 *     validate, plan and create share (xen_kboot_boot_admit);
 *   - otherwise QEMU's own -kernel, which libvirt uses: only what QEMU
 *     refuses before the guest runs (xen_kboot_boot_admit_qemu), so that
 *     the hook never refuses a kernel stock libvirt boots (memtest86+,
 *     iPXE's .lkrn).
 *
 * The XML is libvirt's own, full of elements xen-kboot's schema does not
 * know: it is parsed safely (xen_kboot_xml_parse: no DTD, no entity) and
 * only <name>, <memory>, <os>, <features>, the first <emulator> and
 * <video>, and the first element of <metadata> in xen-kboot's namespace
 * are read (libvirt keeps one per namespace, the first).  The hook words
 * the decision in one line.  Deciding does no I/O beyond opening the
 * kernel and initrd the domain names and, for a direct boot of a Xen
 * domain, the firmware ELF the plan leaves room for; reading stdin and
 * printing belong to tools/cmd_hook.c. */
#ifndef XEN_KBOOT_DRIVER_HOOK_H
#define XEN_KBOOT_DRIVER_HOOK_H

#include <glib.h>

#include "xen_kboot_conf.h"

G_BEGIN_DECLS

/* The arguments libvirt passes, in order. */
typedef enum {
  XEN_KBOOT_HOOK_ARG_NAME,
  XEN_KBOOT_HOOK_ARG_OPERATION,
  XEN_KBOOT_HOOK_ARG_SUB_OPERATION,
  XEN_KBOOT_HOOK_ARG_EXTRA,
  XEN_KBOOT_HOOK_N_ARGS
} XenKbootHookArg;

/* One code per rule; every message starts with "domain 'NAME': ". */
typedef enum {
  XEN_KBOOT_HOOK_ERROR_XML,      /* malformed, DOCTYPE, too large, not <domain> */
  XEN_KBOOT_HOOK_ERROR_KERNEL,   /* missing, not regular; direct: relative,
                                  * not bootable, or 64-bit on Xen without
                                  * <pae/>; QEMU: its setup past the end */
  XEN_KBOOT_HOOK_ERROR_INITRD,   /* missing, not regular; direct: relative,
                                  * empty; QEMU: the kernel's protocol takes
                                  * none, or too large */
  XEN_KBOOT_HOOK_ERROR_CMDLINE,  /* direct: longer than the kernel's
                                  * cmdline_size; QEMU: a vga= it refuses */
  XEN_KBOOT_HOOK_ERROR_MEMORY,   /* no usable <memory>, or the plan does not fit */
  XEN_KBOOT_HOOK_ERROR_FIRMWARE, /* Xen: the firmware it loads first, which the
                                  * plan leaves room for, cannot be read */
  XEN_KBOOT_HOOK_ERROR_BOOT_MODE, /* <kboot:boot mode=> or path= unknown,
                                   * device-model with xen-kboot-dm, or
                                   * path='fast' without it */
  XEN_KBOOT_HOOK_ERROR_DM_CONFIG, /* xen-kboot-dm's configuration file is
                                   * wrong: it would refuse every domain */
  XEN_KBOOT_HOOK_ERROR_BOOT_PATH_RECORD, /* the boot path for xen-kboot-dm
                                          * cannot be recorded or removed
                                          * (xen_kboot_driver_choice.h) */
} XenKbootHookError;

#define XEN_KBOOT_HOOK_ERROR (xen_kboot_hook_error_quark ())
GQuark xen_kboot_hook_error_quark (void);

typedef enum {
  XEN_KBOOT_HOOK_PASS_OTHER_OPERATION,  /* not "prepare begin": not looked at */
  XEN_KBOOT_HOOK_PASS_NOT_HVM,          /* PV, PVH, containers: not ours */
  XEN_KBOOT_HOOK_PASS_NOT_X86,          /* <type arch=> not x86: not ours */
  XEN_KBOOT_HOOK_PASS_NO_KERNEL,        /* boots from disk, network, ... */
  XEN_KBOOT_HOOK_PASS_BOOTABLE,         /* direct boot checked: kernel,
                                         * initrd, cmdline, fit */
  XEN_KBOOT_HOOK_PASS_QEMU_KERNEL,      /* QEMU's -kernel checked: nothing
                                         * QEMU refuses */
  XEN_KBOOT_HOOK_REFUSE,                /* the GError says why */
} XenKbootHookVerdict;

/* What the hook reads of a domain, and nothing more. */
typedef struct {
  char *virt_type;       /* <domain type=>: xen, kvm, qemu, ... */
  char *name;            /* <name>, NULL when absent */
  char *os_type;         /* <os><type>, whitespace stripped */
  char *arch;            /* its arch=, NULL when absent */
  char *kernel;          /* <os><kernel>; NULL when absent or empty */
  char *initrd;
  char *cmdline;
  guint64 memory_kib;    /* <memory> in KiB (rounded up) */
  gboolean has_memory;   /* FALSE: absent or not a size */
  gboolean pae;          /* <features><pae/>: libxl's u.hvm.pae */
  XenKbootVideoModel video;  /* the first <video><model type=>: libxl
                              * takes its video RAM from <memory> */
  guint64 video_vram_kib;    /* its vram=, 0 when absent */
  char *emulator;        /* the first <devices><emulator>, NULL when absent */
  char *kboot_mode;      /* <metadata><kboot:boot mode=> as written, NULL
                          * when absent */
  char *kboot_path;      /* its path=, the same */
} XenKbootHookDomain;

void xen_kboot_hook_domain_free (XenKbootHookDomain *dom);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XenKbootHookDomain, xen_kboot_hook_domain_free)

/* What the hook reads of its standard input at most: 16 times the largest
 * domain XML accepted (XEN_KBOOT_XML_MAX_SIZE), so that libvirt's write of
 * any real document completes, and still a bound on the time spent.  Of
 * it, no more than XEN_KBOOT_XML_MAX_SIZE + 1 bytes are kept. */
#define XEN_KBOOT_HOOK_STDIN_MAX (16 * 1024 * 1024)
/* The name the hook's messages give the document on stdin. */
#define XEN_KBOOT_HOOK_XML_NAME "libvirt's domain XML"

/* Only "prepare begin" is checked: it runs before anything of the domain
 * exists, and a failure there aborts the start cleanly. */
gboolean xen_kboot_hook_wants_domain (const char *operation,
                                      const char *sub_operation);

/* Read @len bytes of domain XML.  Errors (XEN_KBOOT_HOOK_ERROR_XML) are
 * not yet prefixed with the domain's name. */
XenKbootHookDomain *xen_kboot_hook_domain_parse (const char *xml, gsize len,
                                                 GError **error);

/* The checks, the first failure refusing.  Only an x86 HVM domain with
 * a <kernel> is looked at; its boot mode must make sense (a known
 * <kboot:boot mode=> and path=, not device-model beside xen-kboot-dm, not
 * path='fast' without it).  A direct
 * boot: paths absolute, then the admission validate, plan and create
 * decide with (xen_kboot_boot_admit): the kernel against every
 * boot-protocol rule and against the domain (on Xen a 64-bit kernel
 * needs <pae/>), the initrd (a readable, non-empty regular file), the
 * command line against the kernel's cmdline_size, then the plan of the
 * domain's memory (xen-hvm for <domain type='xen'>, around what Xen
 * loads first, as create plans it; qemu-pc otherwise); through
 * xen-kboot-dm, its configuration file read as it reads it, and on the
 * fast path (the domain's path=, else the file's boot-path) the kernel
 * proper made in the file's kernel cache.  QEMU's -kernel:
 * what QEMU refuses (xen_kboot_boot_admit_qemu), with the RAM of the same
 * machine.  @name prefixes messages. */
XenKbootHookVerdict xen_kboot_hook_check_domain (const XenKbootHookDomain *dom,
                                                 const char *name,
                                                 GError **error);

/* The whole hook: @args are libvirt's XEN_KBOOT_HOOK_N_ARGS arguments,
 * @xml what came on stdin (may be NULL for operations that are not
 * checked).  A domain whose <emulator> is xen-kboot-dm and that passes
 * gets its <kboot:boot path=> recorded for xen-kboot-dm, or any old
 * record removed when it has none (xen_kboot_driver_choice.h; failing
 * that refuses); "release end" removes the record, quietly.
 * On XEN_KBOOT_HOOK_REFUSE @error holds one line (no control
 * characters), "domain 'NAME': FILE: reason (rule)". */
XenKbootHookVerdict xen_kboot_hook_run (const char *const *args,
                                        const char *xml, gsize len,
                                        GError **error);

G_END_DECLS

#endif /* XEN_KBOOT_DRIVER_HOOK_H */
