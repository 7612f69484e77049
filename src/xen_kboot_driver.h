/* The driver: from a domain definition to a running guest.
 *
 *   xen_kboot_boot_prepare   validate kernel, initrd and command line, and
 *                            plan guest memory on a platform (no writes)
 *   xen_kboot_preview        the plan on the qemu-pc platform, loaded into a
 *                            RAM file and booted by QEMU
 * (create/destroy on a Xen host live in xen_kboot_driver_xen.c.)
 * Every failure leaves nothing behind: no RAM file, no domain. */
#ifndef XEN_KBOOT_DRIVER_H
#define XEN_KBOOT_DRIVER_H

#include "kboot_firmware_elf.h"
#include "kboot_image_file.h"
#include "kboot_layout.h"
#include "kboot_loader.h"
#include "kboot_platform.h"
#include "xen_kboot_conf.h"

G_BEGIN_DECLS

typedef enum {
  XEN_KBOOT_DRIVER_ERROR_NO_KERNEL,    /* the domain has no <kernel> */
  XEN_KBOOT_DRIVER_ERROR_NOT_HVM,      /* PV/PVH: not this loader's path */
  XEN_KBOOT_DRIVER_ERROR_TIMEOUT,      /* the preview guest did not stop */
  XEN_KBOOT_DRIVER_ERROR_QEMU,         /* QEMU failed */
  XEN_KBOOT_DRIVER_ERROR_INTERRUPTED,  /* a signal stopped us */
  XEN_KBOOT_DRIVER_ERROR_NO_XEN,       /* no hypervisor, or no Xen libraries */
  XEN_KBOOT_DRIVER_ERROR_XEN,          /* a Xen toolstack call failed */
  XEN_KBOOT_DRIVER_ERROR_NOT_FOUND,    /* no such domain */
  XEN_KBOOT_DRIVER_ERROR_NOT_OURS,     /* a domain xen-kboot did not start */
} XenKbootDriverError;

#define XEN_KBOOT_DRIVER_ERROR (xen_kboot_driver_error_quark ())
GQuark xen_kboot_driver_error_quark (void);

/* Everything a load needs, validated and planned. */
typedef struct {
  KbootKernel *kernel;
  KbootFile *initrd;             /* NULL without <initrd> */
  char *cmdline;                 /* "" without <cmdline> */
  KbootPlatform *platform;
  KbootPlan *plan;
} XenKbootBoot;

void xen_kboot_boot_free (XenKbootBoot *boot);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XenKbootBoot, xen_kboot_boot_free)

/* Open and validate the domain's kernel (every boot-protocol rule, and
 * the rules that tie it to the domain: xen_kboot_domain_def_check_kernel)
 * and initrd, then plan them on the @kind platform the domain gets
 * (xen_kboot_platform_for).  On xen-hvm the plan leaves room for what
 * Xen's builder loads first: the firmware ELF @firmware (NULL: the
 * installed one), a SeaBIOS module and the start_info; @elf, when not
 * NULL, receives that ELF's facts. */
XenKbootBoot *xen_kboot_boot_prepare (const XenKbootDomainDef *def,
                                      KbootPlatformKind kind,
                                      const char *firmware,
                                      KbootFirmwareElf *elf, GError **error);

/* Plan again around @reserved (what a real domain holds, read back after
 * it was built): replaces @boot's plan only when the new one is made. */
gboolean xen_kboot_boot_replan (XenKbootBoot *boot,
                                const KbootReservedRange *reserved,
                                guint n_reserved, GError **error);

/* The loader's addresses, from the plan (valid while @boot lives). */
void xen_kboot_boot_addresses (const XenKbootBoot *boot, KbootLoadAddresses *at);

/* The platform map a domain gets: qemu-pc from <memory>; xen-hvm from
 * <memory> less the video RAM libxl takes from it. */
KbootPlatform *xen_kboot_platform_for (const XenKbootDomainDef *def,
                                       KbootPlatformKind kind, GError **error);


/* For validate: would the domain's kernel, initrd and command line fit its
 * memory on a Xen host (the xen-hvm plan, direct boot)?  Appends the
 * planner's reason to @problems when not. */
gboolean xen_kboot_check_fit (const XenKbootDomainDef *def, GPtrArray *problems);

typedef struct {
  guint timeout_s;               /* 0: wait for ever */
  const char *memory_file;       /* NULL: a new file in kboot_runtime_ram_dir() */
  const char *qemu;              /* NULL: QEMU_SYSTEM_X86_64 */
  const char *firmware;          /* NULL: kboot_runtime_find_firmware() */
  const char *debugcon;          /* file for the firmware's port 0xe9 output */
  gboolean verbose;              /* print the plan and the QEMU command */
} XenKbootPreviewOptions;

/* Boot @def's kernel under QEMU with our loader and firmware.  Returns
 * FALSE with the reason when anything fails, when QEMU fails, or when the
 * guest does not stop within the timeout; TRUE when it powered off or
 * rebooted. */
gboolean xen_kboot_preview (const XenKbootDomainDef *def,
                            const XenKbootPreviewOptions *options,
                            GError **error);

G_END_DECLS

#endif /* XEN_KBOOT_DRIVER_H */
