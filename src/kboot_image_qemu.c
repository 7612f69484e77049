/* QEMU's -kernel rules (see kboot_image_qemu.h), read from QEMU 7.2's
 * hw/i386/x86.c x86_load_linux and hw/i386/multiboot.c load_multiboot. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "kboot_image.h"
#include "kboot_image_proto.h"
#include "kboot_image_qemu.h"
#include "kboot_util.h"

G_DEFINE_QUARK (kboot-qemu-kernel-error-quark, kboot_qemu_kernel_error)

/* The multiboot header is 12 32-bit words: the last one QEMU looks for
 * starts 48 bytes before the end of what it read. */
#define MULTIBOOT_HEADER_SIZE 48
/* ELF's e_ident[0..3]. */
static const guint8 elf_magic[4] = { 0x7f, 'E', 'L', 'F' };

static const char *const kind_names[] = {
  [KBOOT_QEMU_KERNEL_LINUX] = "Linux boot protocol",
  [KBOOT_QEMU_KERNEL_MULTIBOOT] = "multiboot",
  [KBOOT_QEMU_KERNEL_ELF] = "ELF",
  [KBOOT_QEMU_KERNEL_LOW] = "low kernel (protocol 0)",
};
G_STATIC_ASSERT (G_N_ELEMENTS (kind_names) == KBOOT_QEMU_KERNEL_LAST);

const char *
kboot_qemu_kernel_kind_to_string (KbootQemuKernelKind kind)
{
  return (guint) kind < G_N_ELEMENTS (kind_names) ? kind_names[kind] : NULL;
}

static gboolean
has_hdrs (const guint8 *head, gsize len)
{
  return len >= KBOOT_HDR_HEADER + 4
         && kboot_le32 (head + KBOOT_HDR_HEADER) == KBOOT_HDRS_MAGIC;
}

/* load_multiboot: the magic on a 4-byte boundary, with flags and checksum
 * adding up to 0. */
static gboolean
has_multiboot_header (const guint8 *head, gsize len)
{
  gsize end = MIN (len, KBOOT_QEMU_HEADER_SIZE);

  for (gsize i = 0; i + MULTIBOOT_HEADER_SIZE <= KBOOT_QEMU_HEADER_SIZE
                    && i + 12 <= end; i += 4)
    if (kboot_le32 (head + i) == KBOOT_QEMU_MULTIBOOT_MAGIC
        && (guint32) (KBOOT_QEMU_MULTIBOOT_MAGIC + kboot_le32 (head + i + 4)
                      + kboot_le32 (head + i + 8)) == 0)
      return TRUE;
  return FALSE;
}

KbootQemuKernelKind
kboot_qemu_kernel_kind (const guint8 *head, gsize len)
{
  if (has_hdrs (head, len))
    return KBOOT_QEMU_KERNEL_LINUX;
  if (has_multiboot_header (head, len))
    return KBOOT_QEMU_KERNEL_MULTIBOOT;
  if (len >= sizeof elf_magic && memcmp (head, elf_magic, sizeof elf_magic) == 0)
    return KBOOT_QEMU_KERNEL_ELF;
  return KBOOT_QEMU_KERNEL_LOW;
}

/* QEMU's "protocol": the header's version with "HdrS", else 0. */
static guint16
protocol (const guint8 *head, gsize len)
{
  return has_hdrs (head, len) && len >= KBOOT_HDR_VERSION + 2
         ? kboot_le16 (head + KBOOT_HDR_VERSION) : 0;
}

/* From the kernel alone; the caller applies the RAM limit. */
static guint32
kernel_initrd_max (const guint8 *head, gsize len)
{
  guint16 version = protocol (head, len);

  if (version >= KBOOT_XLOADFLAGS_SINCE && len >= KBOOT_HDR_XLOADFLAGS + 2
      && (kboot_le16 (head + KBOOT_HDR_XLOADFLAGS) & KBOOT_XLF_CAN_BE_LOADED_ABOVE_4G))
    return G_MAXUINT32;
  if (version >= 0x0203 && len >= KBOOT_HDR_INITRD_ADDR_MAX + 4)
    return kboot_le32 (head + KBOOT_HDR_INITRD_ADDR_MAX);
  return KBOOT_INITRD_ADDR_MAX_DEFAULT;
}

guint32
kboot_qemu_initrd_max (const guint8 *head, gsize len, guint64 below_4g,
                       gboolean *by_ram)
{
  guint32 max = kernel_initrd_max (head, len);

  *by_ram = FALSE;
  /* "if (initrd_max >= below_4g_mem_size - acpi_data_size)": QEMU's
   * unsigned subtraction wraps for a guest smaller than its ACPI tables,
   * and then never limits. */
  if (below_4g > KBOOT_QEMU_ACPI_DATA_SIZE
      && max >= below_4g - KBOOT_QEMU_ACPI_DATA_SIZE)
    {
      max = (guint32) (below_4g - KBOOT_QEMU_ACPI_DATA_SIZE - 1);
      *by_ram = TRUE;
    }
  return max;
}

/* "vga=" as x86_load_linux reads it: the first occurrence anywhere in the
 * command line; "normal", "ext" or "ask" as prefixes, else a number that
 * qemu_strtoui() takes (any base strtoull knows, within an unsigned int,
 * where "-N" counts as its negation) ending the word. */
static gboolean
vga_ok (const char *cmdline, const char **value)
{
  const char *v = strstr (cmdline, "vga=");
  char *end = NULL;
  long long number;

  *value = NULL;
  if (!v)
    return TRUE;
  v += 4;
  *value = v;
  if (g_str_has_prefix (v, "normal") || g_str_has_prefix (v, "ext")
      || g_str_has_prefix (v, "ask"))
    return TRUE;
  errno = 0;
  number = (long long) strtoull (v, &end, 0);
  if (end == v || errno == ERANGE || number > (long long) UINT_MAX
      || number < INT_MIN)
    return FALSE;
  return *end == '\0' || *end == ' ';
}

static gboolean
check_vga (const KbootQemuKernelRequest *req, GError **error)
{
  const char *value = NULL;
  gsize n;

  if (!req->cmdline || vga_ok (req->cmdline, &value))
    return TRUE;
  n = strcspn (value, " ");
  g_set_error (error, KBOOT_QEMU_KERNEL_ERROR, KBOOT_QEMU_KERNEL_ERROR_VGA,
               "%s: command line vga=%.*s is not a video mode QEMU's -kernel "
               "reads (normal, ext, ask or a number): QEMU refuses to start "
               "(\"invalid 'vga=' kernel parameter\")", req->kernel, (int) n,
               value);
  return FALSE;
}

/* What set the limit, for the message. */
static char *
initrd_limit_reason (const guint8 *head, gsize len, const KbootQemuKernelRequest *req,
                     gboolean by_ram)
{
  guint16 version = protocol (head, len);
  g_autofree char *ram = NULL;

  if (by_ram)
    {
      ram = kboot_format_size (req->below_4g);
      return g_strdup_printf ("the top of the guest's %s of RAM below 4 GiB, "
                              "less QEMU's ACPI tables", ram);
    }
  if (kernel_initrd_max (head, len) == G_MAXUINT32)
    return g_strdup_printf ("the 4 GiB QEMU can address for kernel %s "
                            "(XLF_CAN_BE_LOADED_ABOVE_4G)", req->kernel);
  if (version >= 0x0203)
    return g_strdup_printf ("initrd_addr_max of kernel %s", req->kernel);
  return g_strdup_printf ("the limit of boot protocols before 2.03, for "
                          "kernel %s", req->kernel);
}

static gboolean
check_initrd (const guint8 *head, gsize len, const KbootQemuKernelRequest *req,
              GError **error)
{
  guint16 version = protocol (head, len);
  g_autofree char *size = NULL, *reason = NULL;
  gboolean by_ram = FALSE;
  guint32 max;

  if (!req->initrd)
    return TRUE;
  if (version < 0x0200)
    {
      char ver[8];

      g_set_error (error, KBOOT_QEMU_KERNEL_ERROR, KBOOT_QEMU_KERNEL_ERROR_INITRD_PROTOCOL,
                   "%s: kernel %s has %s%s, and QEMU hands an initrd only to "
                   "boot protocol 2.00 and later: QEMU refuses to start "
                   "(\"linux kernel too old to load a ram disk\")", req->initrd,
                   req->kernel, version ? "boot protocol " : "no Linux setup "
                   "header (no \"HdrS\" at offset 0x202)",
                   version ? kboot_image_version_string (version, ver, sizeof ver) : "");
      return FALSE;
    }
  max = kboot_qemu_initrd_max (head, len, req->below_4g, &by_ram);
  if (req->initrd_size < max)
    return TRUE;
  size = kboot_format_size (req->initrd_size);
  reason = initrd_limit_reason (head, len, req, by_ram);
  g_set_error (error, KBOOT_QEMU_KERNEL_ERROR, KBOOT_QEMU_KERNEL_ERROR_INITRD_TOO_LARGE,
               "%s: %" G_GUINT64_FORMAT " bytes (%s) do not fit below 0x%x, "
               "%s: QEMU refuses to start (\"initrd is too large, cannot "
               "support\")", req->initrd, req->initrd_size, size, max, reason);
  return FALSE;
}

/* setup_sects at 0x1f1, whatever the kind of file (0 means 4): the setup
 * is that many sectors after the boot sector. */
static gboolean
check_setup (const guint8 *head, gsize len, const KbootQemuKernelRequest *req,
             GError **error)
{
  guint sects = len > KBOOT_HDR_SETUP_SECTS ? head[KBOOT_HDR_SETUP_SECTS] : 0;
  guint64 setup_size = ((guint64) (sects ? sects : KBOOT_SETUP_SECTS_DEFAULT) + 1)
                       * KBOOT_SECTOR_SIZE;

  if (len <= KBOOT_HDR_SETUP_SECTS)
    {
      /* QEMU reads a byte the file does not have; any value makes a setup
       * of at least one sector, longer than the file. */
      g_set_error (error, KBOOT_QEMU_KERNEL_ERROR, KBOOT_QEMU_KERNEL_ERROR_SETUP_PAST_END,
                   "%s: %" G_GUINT64_FORMAT " bytes, shorter than the %u-byte "
                   "boot sector QEMU reads first: QEMU refuses it (\"invalid "
                   "kernel header\")", req->kernel, req->kernel_size,
                   KBOOT_SECTOR_SIZE);
      return FALSE;
    }
  if (setup_size <= req->kernel_size)
    return TRUE;
  g_set_error (error, KBOOT_QEMU_KERNEL_ERROR, KBOOT_QEMU_KERNEL_ERROR_SETUP_PAST_END,
               "%s: setup_sects %u at offset 0x%x makes a setup of %"
               G_GUINT64_FORMAT " bytes, longer than the %" G_GUINT64_FORMAT
               "-byte file: QEMU refuses it (\"invalid kernel header\")",
               req->kernel, head[KBOOT_HDR_SETUP_SECTS], KBOOT_HDR_SETUP_SECTS,
               setup_size, req->kernel_size);
  return FALSE;
}

gboolean
kboot_qemu_kernel_check (const guint8 *head, gsize len,
                         const KbootQemuKernelRequest *req, GError **error)
{
  switch (kboot_qemu_kernel_kind (head, len))
    {
    case KBOOT_QEMU_KERNEL_MULTIBOOT:
    case KBOOT_QEMU_KERNEL_ELF:
      return TRUE;
    case KBOOT_QEMU_KERNEL_LINUX:
    case KBOOT_QEMU_KERNEL_LOW:
    case KBOOT_QEMU_KERNEL_LAST:
      break;
    }
  return check_vga (req, error) && check_initrd (head, len, req, error)
         && check_setup (head, len, req, error);
}
