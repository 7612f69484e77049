/* The driver: from a domain definition to a running guest.
 *
 *   xen_kboot_boot_admit     the admission: may this domain's kernel be
 *                            booted directly?  (no writes)
 *   xen_kboot_boot_prepare   the admission for plan, preview and create:
 *                            kernel, initrd and command line validated,
 *                            guest memory planned on a platform
 *   xen_kboot_boot_check     the admission for validate and domxml-to-native
 *   xen_kboot_preview        the plan on the qemu-pc platform, loaded into a
 *                            RAM file and booted by QEMU
 * (create/destroy on a Xen host live in xen_kboot_xen_driver.c; the
 * libvirt hook, xen_kboot_driver_hook.c, admits with xen_kboot_boot_admit too.)
 * Every failure leaves nothing behind: no RAM file, no domain. */
#ifndef XEN_KBOOT_DRIVER_H
#define XEN_KBOOT_DRIVER_H

#include "kboot_layout_firmware.h"
#include "kboot_image_file.h"
#include "kboot_layout.h"
#include "kboot_loader.h"
#include "kboot_layout_platform.h"
#include "xen_kboot_conf.h"
#include "xen_kboot_driver_fast.h"

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
  XEN_KBOOT_DRIVER_ERROR_VCPUS,        /* more vCPUs than the tables list */
  XEN_KBOOT_DRIVER_ERROR_PANIC,        /* the preview guest panicked (QEMU said) */
  XEN_KBOOT_DRIVER_ERROR_MEMORY,       /* the host cannot back the preview
                                        * guest's RAM */
  XEN_KBOOT_DRIVER_ERROR_FAST,         /* the fast path cannot take the kernel */
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
  /* The vCPUs the ACPI tables list (xen_kboot_boot_set_vcpus): the
   * domain's, or what Xen built.  nr_vcpus 0: no ACPI tables (a domain
   * without <acpi/>). */
  guint32 nr_vcpus;
  guint8 vcpu_online[KBOOT_ACPI_VCPUS_MAX / 8];
  KbootAcpiConfig acpi;          /* for the load: set by each (re)plan */
  /* The fast path: the kernel proper (xen_kboot_fast_kernel); NULL for
   * the direct path. */
  KbootVmlinux *vmlinux;
  GBytes *vmlinux_bytes;
} XenKbootBoot;

void xen_kboot_boot_free (XenKbootBoot *boot);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XenKbootBoot, xen_kboot_boot_free)

/* ---- the admission ------------------------------------------------------
 * One path decides whether a domain's kernel can be booted directly, for
 * every command that asks: validate and domxml-to-native, plan, preview,
 * create and the libvirt hook.  It takes the steps below in order; each
 * refusal names its step, so that each command words it its own way (at
 * the element's line, after the domain's name, or as the rule says it)
 * without deciding anything again. */
typedef enum {
  XEN_KBOOT_BOOT_STEP_DOMAIN,         /* an HVM domain with a <kernel>
                                       * (only when planning); names the file */
  XEN_KBOOT_BOOT_STEP_KERNEL,         /* HVM: every boot-protocol rule
                                       * (kboot_kernel_open_bootable); PV and
                                       * PVH: a readable file.  "PATH: ..." */
  XEN_KBOOT_BOOT_STEP_KERNEL_DOMAIN,  /* the rules that tie the kernel to the
                                       * domain (xen_kboot_domain_def_check_
                                       * kernel), worded at <kernel> already */
  XEN_KBOOT_BOOT_STEP_INITRD,         /* a readable, non-empty regular file:
                                       * "PATH: ..." */
  XEN_KBOOT_BOOT_STEP_CMDLINE,        /* no longer than the kernel's
                                       * cmdline_size (kboot_layout_check_
                                       * cmdline); the planner's words */
  XEN_KBOOT_BOOT_STEP_MEMORY,         /* the guest's memory map from <memory>
                                       * (xen_kboot_platform_for); names the
                                       * file */
  XEN_KBOOT_BOOT_STEP_FIRMWARE,       /* xen-hvm: what Xen loads before the
                                       * kernel (the firmware ELF, a SeaBIOS
                                       * module, start_info) */
  XEN_KBOOT_BOOT_STEP_PLAN,           /* the plan around it (kboot_layout_plan:
                                       * the kernel's footprint, the initrd,
                                       * boot data); the planner's words */
  XEN_KBOOT_BOOT_STEP_LAST
} XenKbootBootStep;

/* One refusal: the step that made it and the rule's own words. */
typedef struct {
  XenKbootBootStep step;
  GError *error;
} XenKbootBootProblem;

void xen_kboot_boot_problem_free (XenKbootBootProblem *problem);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XenKbootBootProblem, xen_kboot_boot_problem_free)
/* A new list of XenKbootBootProblem (it owns them). */
GPtrArray *xen_kboot_boot_problems_new (void);
/* Append @error (taken) to @problems as the refusal of @step; FALSE, for
 * "return xen_kboot_boot_problem_add (...)". */
gboolean xen_kboot_boot_problem_add (GPtrArray *problems, XenKbootBootStep step,
                                     GError *error);

typedef struct {
  KbootPlatformKind platform;  /* the guest's memory map */
  gboolean plan;               /* FALSE: the files only (kernel, initrd and
                                * command line), not the plan */
  const char *firmware;        /* xen-hvm: the firmware ELF Xen loads;
                                * NULL: the installed one */
  KbootFirmwareElf *elf;       /* when not NULL, receives that ELF's facts */
  const XenKbootFastOptions *fast; /* the fast path: the kernel proper
                                    * made once the files passed (and the
                                    * plan made for it); NULL: direct */
} XenKbootAdmitOptions;

/* The admission of @def: the domain (when planning), then the files, each
 * one even when another was refused, so that one run names every
 * problem: the kernel against every boot-protocol rule and the rules
 * that tie it to the domain (xen_kboot_domain_def_check_kernel), the
 * initrd, the command line against the kernel's cmdline_size.  Then,
 * with @options->plan and when they all passed, the plan on the
 * @options->platform map a domain gets (xen_kboot_platform_for), on
 * xen-hvm around what Xen's builder loads first (the firmware ELF, a
 * SeaBIOS module, the start_info).  @boot (new, zeroed) is filled as far
 * as the admission got.  TRUE when every step passed (and with a plan,
 * @boot->plan is set); else FALSE with each refusal appended to @problems
 * (XenKbootBootProblem*), in step order.  Nothing is written. */
gboolean xen_kboot_boot_admit (XenKbootBoot *boot, const XenKbootDomainDef *def,
                               const XenKbootAdmitOptions *options,
                               GPtrArray *problems);

/* The admission of the other path, the kernel handed to QEMU (-kernel,
 * -initrd, -append): libvirt's for every domain xen-kboot does not boot,
 * qemu-xen's on Xen.  It asks only what QEMU 7.2 refuses before the guest
 * runs, so that the hook never refuses what stock libvirt boots: the
 * kernel a readable, non-empty regular file; the initrd a readable
 * regular file, of any size (a multiboot kernel's is a module list, left
 * to QEMU); then QEMU's rules (kboot_qemu_kernel_check: vga=, an initrd
 * the kernel's protocol takes, below initrd_addr_max and the RAM below
 * 4 GiB of @kind's map, xen_kboot_platform_for; unchecked without a map;
 * the setup inside the file).  A relative path is QEMU's to resolve, not
 * checked.  TRUE, or FALSE with QEMU's first refusal appended to
 * @problems (its step: KERNEL, INITRD, or CMDLINE for vga=). */
gboolean xen_kboot_boot_admit_qemu (const XenKbootDomainDef *def,
                                    KbootPlatformKind kind, GPtrArray *problems);

/* @problem as plan, preview and create say it: the rule's words, after
 * the file's name where they do not name it (command line, plan). */
GError *xen_kboot_boot_problem_to_error (const XenKbootDomainDef *def,
                                         const XenKbootBootProblem *problem);

/* Plan, preview and create: the admission with a plan on @kind (@firmware,
 * @elf and @fast as in XenKbootAdmitOptions); its first refusal in
 * @error. */
XenKbootBoot *xen_kboot_boot_prepare (const XenKbootDomainDef *def,
                                      KbootPlatformKind kind,
                                      const char *firmware,
                                      KbootFirmwareElf *elf,
                                      const XenKbootFastOptions *fast,
                                      GError **error);

/* Validate and domxml-to-native: the admission on xen-hvm, the plan too
 * when @plan; each refusal worded at the element it is about, as the
 * rules word theirs ("FILE:LINE: <kernel>: ...", XEN_KBOOT_CONF_ERROR),
 * and appended to @problems (GError*).  TRUE when there was none. */
gboolean xen_kboot_boot_check (const XenKbootDomainDef *def, gboolean plan,
                               GPtrArray *problems);

/* The vCPUs the guest's ACPI tables list: @nr_vcpus, of which those with
 * their bit set in @online ((nr_vcpus + 7) / 8 bytes, as Xen's
 * hvm_info_table vcpu_online; NULL: the first @nr_online) are online.  0
 * vCPUs: no tables.  Takes effect at the next (re)plan.  FALSE when Xen's
 * HVM guests cannot have that many (HVM_MAX_VCPUS, KBOOT_ACPI_VCPUS_MAX)
 * or vCPU 0 is offline. */
gboolean xen_kboot_boot_set_vcpus (XenKbootBoot *boot, guint32 nr_vcpus,
                                   const guint8 *online, guint32 nr_online,
                                   GError **error);

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


typedef struct {
  guint timeout_s;               /* 0: wait for ever */
  const char *memory_file;       /* NULL: a new file in kboot_runtime_ram_dir() */
  const char *qemu;              /* NULL: QEMU_SYSTEM_X86_64 */
  const char *firmware;          /* NULL: kboot_runtime_find_firmware() */
  const char *debugcon;          /* file for the firmware's port 0xe9 output */
  gboolean verbose;              /* print the plan and the QEMU command */
  const XenKbootFastOptions *fast; /* the fast boot path; NULL: direct */
} XenKbootPreviewOptions;

/* Boot @def's kernel under QEMU with our loader and firmware, with
 * <vcpu>'s vCPUs (current= of them started).  Returns FALSE with the
 * reason when anything fails, when QEMU fails or stops for a reason other
 * than the guest's, when the guest panics, or when it does not stop within
 * the timeout; TRUE when it powered off or rebooted, and one line on
 * stderr says which (QEMU's SHUTDOWN event on its QMP monitor; a QEMU
 * that exits with 0 without one is said too, and TRUE). */
gboolean xen_kboot_preview (const XenKbootDomainDef *def,
                            const XenKbootPreviewOptions *options,
                            GError **error);

G_END_DECLS

#endif /* XEN_KBOOT_DRIVER_H */
