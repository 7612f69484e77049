/* xen-kboot-dm's load into a domain libxl has just built (built with the
 * Xen libraries).  libxl starts the device model after
 * libxl__domain_build(): the domain exists, paused, with hvmloader and its
 * modules loaded and vCPU 0 set to enter hvmloader.  This reads back that
 * layout, plans around it, loads the kernel, initrd, command line,
 * boot_params and xen-kboot's firmware, and points vCPU 0 at our firmware
 * instead; hvmloader never runs.  Nothing is done to the domain on
 * failure: the device model then exits non-zero, libxl fails the creation
 * and destroys the domain, with what was written. */
#ifndef XEN_KBOOT_XEN_DM_H
#define XEN_KBOOT_XEN_DM_H

#include "kboot_loader.h"
#include "xen_kboot_driver_fast.h"

G_BEGIN_DECLS

typedef struct {
  guint32 domid;
  const char *kernel;         /* absolute paths, from libxl's arguments */
  const char *initrd;         /* NULL: none */
  const char *cmdline;        /* NULL: empty */
  const char *firmware;       /* the ELF; NULL: the installed one */
  gboolean no_acpi;           /* -no-acpi: no ACPI tables for the guest */
  const XenKbootFastOptions *fast; /* dm.conf boot-path = fast; NULL: direct */
} XenKbootDmRequest;

typedef struct {
  KbootLoadStats stats;       /* what the load wrote */
  guint64 ram_size;           /* the RAM Xen built */
  guint64 kernel_addr;
  guint64 initrd_addr;        /* 0 without an initrd */
  guint32 entry;              /* where vCPU 0 now starts: our firmware */
  guint32 acpi_vcpus;         /* vCPUs the ACPI tables list, 0: no tables */
  char *plan_table;           /* kboot_plan_to_table() of the plan loaded */
} XenKbootDmReport;

void xen_kboot_dm_report_clear (XenKbootDmReport *report);

/* Validate the files by the direct-boot rules (before Xen is touched),
 * then read, plan, load and redirect vCPU 0.  A signal (SIGINT, SIGTERM,
 * SIGHUP) stops the load with an error. */
gboolean xen_kboot_dm_load (const XenKbootDmRequest *request,
                            XenKbootDmReport *report, GError **error);

G_END_DECLS

#endif /* XEN_KBOOT_XEN_DM_H */
