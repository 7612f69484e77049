/* What QEMU's own -kernel loader refuses before the guest runs: the rules
 * of the path libvirt gives any domain xen-kboot does not boot (qemu-xen on
 * Xen, started with -kernel, -initrd and -append), as QEMU 7.2 applies them
 * in hw/i386/x86.c x86_load_linux (and hw/i386/multiboot.c's header test).
 *
 * QEMU boots far more than a direct-bootable bzImage: protocol 2.00
 * kernels at 0x100000, any "low" kernel at 0x10000 (memtest86+, iPXE's
 * .lkrn), multiboot and PVH ELF kernels.  So these are QEMU's rules and no
 * others; a kernel they pass may still fail in the guest, as it would
 * under stock libvirt.  Multiboot and ELF kernels go to loaders of their
 * own whose checks are not repeated here: only their kind is told.
 *
 * Pure: bytes and sizes in, a verdict out. */
#ifndef KBOOT_IMAGE_QEMU_H
#define KBOOT_IMAGE_QEMU_H

#include <glib.h>

G_BEGIN_DECLS

/* x86_load_linux reads this much of the kernel to decide. */
#define KBOOT_QEMU_HEADER_SIZE        8192
/* The ACPI tables QEMU keeps at the top of low RAM, below which the
 * initrd goes (hw/i386/pc.c pc_machine_class_init: acpi_data_size). */
#define KBOOT_QEMU_ACPI_DATA_SIZE     G_GUINT64_CONSTANT (0x28000)
/* The multiboot header's magic and its address-fields flag
 * (hw/i386/multiboot.c). */
#define KBOOT_QEMU_MULTIBOOT_MAGIC    0x1BADB002u

/* How QEMU loads a file given as -kernel, in the order it tries. */
typedef enum {
  KBOOT_QEMU_KERNEL_LINUX,       /* "HdrS" at 0x202: the Linux boot protocol */
  KBOOT_QEMU_KERNEL_MULTIBOOT,   /* a multiboot header in its first 8 KiB */
  KBOOT_QEMU_KERNEL_ELF,         /* ELF: QEMU's PVH loader, on machines with
                                  * one (else loaded as a low kernel) */
  KBOOT_QEMU_KERNEL_LOW,         /* anything else: a protocol-0 kernel,
                                  * loaded at 0x10000 */
  KBOOT_QEMU_KERNEL_LAST
} KbootQemuKernelKind;

/* One code per refusal, QEMU's message in brackets. */
typedef enum {
  KBOOT_QEMU_KERNEL_ERROR_VGA,              /* "invalid 'vga=' kernel parameter" */
  KBOOT_QEMU_KERNEL_ERROR_INITRD_PROTOCOL,  /* "linux kernel too old to load a ram disk" */
  KBOOT_QEMU_KERNEL_ERROR_INITRD_TOO_LARGE, /* "initrd is too large, cannot support" */
  KBOOT_QEMU_KERNEL_ERROR_SETUP_PAST_END,   /* "invalid kernel header" */
} KbootQemuKernelError;

#define KBOOT_QEMU_KERNEL_ERROR (kboot_qemu_kernel_error_quark ())
GQuark kboot_qemu_kernel_error_quark (void);

typedef struct {
  const char *kernel;        /* paths, for messages */
  const char *initrd;        /* NULL: no -initrd */
  guint64 kernel_size;       /* the file's */
  guint64 initrd_size;
  const char *cmdline;       /* NULL: no -append */
  guint64 below_4g;          /* the RAM QEMU gives the guest below 4 GiB;
                              * 0: not known, that limit not checked */
} KbootQemuKernelRequest;

const char *kboot_qemu_kernel_kind_to_string (KbootQemuKernelKind kind);

/* The kind of the kernel whose first @len bytes are @head (@len may be
 * less than KBOOT_QEMU_HEADER_SIZE for a small file). */
KbootQemuKernelKind kboot_qemu_kernel_kind (const guint8 *head, gsize len);

/* The highest initrd end QEMU allows for this header (@head, @len): from
 * the kernel (initrd_addr_max, any 32-bit address with
 * XLF_CAN_BE_LOADED_ABOVE_4G, 0x37ffffff before protocol 2.03) or, when
 * lower, the top of RAM below 4 GiB less the ACPI tables.  *@by_ram tells
 * which.  An initrd of that many bytes or more is refused. */
guint32 kboot_qemu_initrd_max (const guint8 *head, gsize len, guint64 below_4g,
                               gboolean *by_ram);

/* QEMU's refusals in its order: vga= on the command line, an initrd for
 * a kernel before protocol 2.00 or not below kboot_qemu_initrd_max(), a
 * setup (setup_sects + 1 sectors) longer than the file.  Multiboot and
 * ELF kernels pass (their loaders decide).  FALSE with the first
 * refusal in @error (KBOOT_QEMU_KERNEL_ERROR), naming the file, the rule and
 * QEMU's own words. */
gboolean kboot_qemu_kernel_check (const guint8 *head, gsize len,
                                  const KbootQemuKernelRequest *req,
                                  GError **error);

G_END_DECLS

#endif /* KBOOT_IMAGE_QEMU_H */
