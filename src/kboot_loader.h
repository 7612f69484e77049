/* The load: the validated kernel, the initrd, the command line, the zero
 * page and the handoff block, written into guest memory at the addresses a
 * layout plan chose.  The only module (with the backends) that writes guest
 * memory. */
#ifndef KBOOT_LOADER_H
#define KBOOT_LOADER_H

#include "kboot_loader_bootparams.h"
#include "kboot_loader_guest.h"
#include "kboot_image_file.h"
#include "kboot_layout_firmware.h"
#include "kboot_loader_acpi.h"
#include "kboot_image_vmlinux.h"

G_BEGIN_DECLS

typedef enum {
  KBOOT_LOADER_ERROR_CMDLINE,      /* longer than the kernel's cmdline_size */
  KBOOT_LOADER_ERROR_ACPI,         /* tables larger than their region */
  KBOOT_LOADER_ERROR_FAST,         /* the kernel proper cannot run where
                                    * the plan puts it */
} KbootLoaderError;

#define KBOOT_LOADER_ERROR (kboot_loader_error_quark ())
GQuark kboot_loader_error_quark (void);

/* Where each piece goes (from kboot_layout_plan()). */
typedef struct {
  guint64 kernel_addr;
  guint64 initrd_addr;
  guint64 cmdline_addr;
  guint64 boot_params_addr;
  guint64 handoff_addr;            /* KBOOT_HANDOFF_ADDR */
  const KbootE820Entry *e820;
  guint n_e820;
  /* The guest's ACPI tables, built by the load for @acpi (its base is
   * ignored: they go at acpi_addr, into the plan's acpi_size bytes), their
   * RSDP given to the kernel in boot_params (and, below 640 KiB, as the
   * BIOS data area's EBDA for kernels older than protocol 2.14) and the
   * platform set-up they need to the firmware in the handoff block.  NULL:
   * no tables, and the firmware sets nothing up. */
  const KbootAcpiConfig *acpi;
  guint64 acpi_addr;
  guint64 acpi_size;
  /* The fast path (issue 15): instead of the bzImage at kernel_addr, the
   * kernel proper its payload decompressed to, @vmlinux parsed from
   * @vmlinux_bytes, loaded by its PT_LOAD segments at kernel_run +
   * (p_paddr - link_base), where the bzImage's own decompressor would have
   * put it (the plan's kernel_decompress), inside the kernel's region
   * (before kernel_end), and entered there: a 64-bit one in long mode
   * through the page tables at page_tables_addr.  NULL: the bzImage. */
  const KbootVmlinux *vmlinux;
  GBytes *vmlinux_bytes;
  guint64 kernel_run;
  guint64 kernel_end;
  guint64 page_tables_addr;
} KbootLoadAddresses;

typedef struct {
  guint64 kernel_bytes;
  guint64 initrd_bytes;
  guint64 total_bytes;             /* everything written */
  guint maps;                      /* backend map calls */
} KbootLoadStats;

/* Load everything.  Refuses when the kernel or initrd changed since they
 * were validated (before and after streaming them).  On failure the caller
 * discards @guest: nothing written may be used. */
gboolean kboot_loader_load (KbootGuest *guest, KbootKernel *kernel,
                            KbootFile *initrd, const char *cmdline,
                            const KbootLoadAddresses *at,
                            KbootLoadStats *stats, GError **error);

/* The fast path's kernel proper can run where @at puts it: inside the
 * kernel's region, below 4 GiB (the 32-bit entry, the identity map); a
 * 64-bit one at a 2 MiB multiple (head64.c: load_delta), with its page
 * tables; a 32-bit one at its link address (the relocations that would
 * move it are not applied).  *@entry = where it is entered.  Errors
 * (KBOOT_LOADER_ERROR_FAST) name @path. */
gboolean kboot_loader_fast_entry (const KbootLoadAddresses *at, const char *path,
                                  guint32 *entry, GError **error);

/* Write the firmware ELF @image (parsed into @elf) at its physical
 * addresses: each PT_LOAD's file bytes, then zeroes to its p_memsz, as
 * libxenguest's ELF loader does.  For xen-kboot-dm, where Xen loaded
 * hvmloader and vCPU 0 is then pointed at ours.  @stats, when given,
 * gets the bytes and maps added to it. */
gboolean kboot_loader_load_firmware (KbootGuest *guest, GBytes *image,
                                     const KbootFirmwareElf *elf,
                                     KbootLoadStats *stats, GError **error);

G_END_DECLS

#endif /* KBOOT_LOADER_H */
