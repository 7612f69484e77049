/* QEMU's -kernel rules (src/kboot_image_qemu.c): a table of kernels, each
 * a synthetic bzImage with some fields changed or a file of another kind
 * (multiboot, ELF, a low kernel), with an initrd, a command line and the
 * RAM below 4 GiB, and the verdict and exact message QEMU 7.2's
 * x86_load_linux gives.  Offsets are typed from boot.rst and multiboot.c
 * here, not taken from the code under test. */
#include "config.h"

#include <string.h>

#include "kboot_image_qemu.h"
#include "kboot_synth.h"

#define MIB (G_GUINT64_CONSTANT (1) << 20)

typedef enum {
  FILE_BZIMAGE,        /* kboot_synth_new (version, 4, 64 KiB) */
  FILE_LOW,            /* 64 KiB of 0x90, no "HdrS" */
  FILE_MULTIBOOT,      /* a low kernel with a multiboot header at 0x1000 */
  FILE_MULTIBOOT_BAD,  /* the same with a wrong checksum */
  FILE_MULTIBOOT_LATE, /* the header past the 8 KiB QEMU searches */
  FILE_ELF,            /* ELF magic, the rest 0x90 */
  FILE_TINY,           /* 100 bytes */
} FileKind;

typedef struct {
  const char *name;
  FileKind file;
  guint16 version;               /* FILE_BZIMAGE */
  struct { gsize offset; guint width; guint64 value; } put[2];
  guint64 initrd_size;           /* 0: no initrd */
  const char *cmdline;
  guint64 below_4g;
  KbootQemuKernelKind kind;
  int code;                      /* -1: passes */
  const char *message;           /* pattern (g_pattern_match_simple) */
} QemuCase;

#define PASS -1
#define LINUX KBOOT_QEMU_KERNEL_LINUX
#define LOW KBOOT_QEMU_KERNEL_LOW

static const QemuCase cases[] = {
  /* Modern kernels: an initrd up to the RAM below 4 GiB. */
  { "linux/no-initrd", FILE_BZIMAGE, 0x020f, {{0}}, 0, NULL, 256 * MIB, LINUX, PASS },
  { "linux/initrd-fits", FILE_BZIMAGE, 0x020f, {{0}}, 16 * MIB, "console=ttyS0",
    256 * MIB, LINUX, PASS },
  { "linux/initrd-above-ram", FILE_BZIMAGE, 0x020f, {{0}}, 300 * MIB, NULL,
    256 * MIB, LINUX, KBOOT_QEMU_KERNEL_ERROR_INITRD_TOO_LARGE,
    "/i: 314572800 bytes (300 MiB) do not fit below 0xffd7fff, the top of the "
    "guest's 256 MiB of RAM below 4 GiB, less QEMU's ACPI tables: QEMU refuses "
    "to start (\"initrd is too large, cannot support\")" },
  { "linux/initrd-one-byte-under", FILE_BZIMAGE, 0x020f, {{0}},
    256 * MIB - 0x28000 - 2, NULL, 256 * MIB, LINUX, PASS },
  { "linux/initrd-at-the-limit", FILE_BZIMAGE, 0x020f, {{0}},
    256 * MIB - 0x28000 - 1, NULL, 256 * MIB, LINUX,
    KBOOT_QEMU_KERNEL_ERROR_INITRD_TOO_LARGE, "/i: * do not fit below 0xffd7fff, *" },
  { "linux/ram-unknown", FILE_BZIMAGE, 0x020f, {{0}}, 3000 * MIB, NULL, 0, LINUX, PASS },
  { "linux/ram-below-acpi-never-limits", FILE_BZIMAGE, 0x020f, {{0}}, 3000 * MIB,
    NULL, 0x10000, LINUX, PASS },
  /* Without XLF_CAN_BE_LOADED_ABOVE_4G, initrd_addr_max. */
  { "linux/initrd-addr-max", FILE_BZIMAGE, 0x020f, {{ 0x236, 2, 0x01 }},
    2048 * MIB, NULL, 3072 * MIB, LINUX, KBOOT_QEMU_KERNEL_ERROR_INITRD_TOO_LARGE,
    "/i: 2147483648 bytes (2 GiB) do not fit below 0x7fffffff, "
    "initrd_addr_max of kernel /k: QEMU refuses to start (\"initrd is too "
    "large, cannot support\")" },
  { "linux/2.11-has-no-xloadflags", FILE_BZIMAGE, 0x020b, {{ 0x236, 2, 0x03 }},
    2048 * MIB, NULL, 3072 * MIB, LINUX, KBOOT_QEMU_KERNEL_ERROR_INITRD_TOO_LARGE,
    "*below 0x7fffffff, initrd_addr_max of kernel /k:*" },
  { "linux/above-4g-up-to-ram", FILE_BZIMAGE, 0x020f, {{0}}, 2048 * MIB, NULL,
    3072 * MIB, LINUX, PASS },
  { "linux/2.02-limit", FILE_BZIMAGE, 0x0202, {{0}}, 0x38000000, NULL,
    2048 * MIB, LINUX, KBOOT_QEMU_KERNEL_ERROR_INITRD_TOO_LARGE,
    "/i: 939524096 bytes (896 MiB) do not fit below 0x37ffffff, the limit of "
    "boot protocols before 2.03, for kernel /k: *" },
  { "linux/2.00-takes-an-initrd", FILE_BZIMAGE, 0x0200, {{0}}, MIB, NULL,
    256 * MIB, LINUX, PASS },
  { "linux/1.05-takes-none", FILE_BZIMAGE, 0x0105, {{0}}, MIB, NULL, 256 * MIB,
    LINUX, KBOOT_QEMU_KERNEL_ERROR_INITRD_PROTOCOL,
    "/i: kernel /k has boot protocol 1.05, and QEMU hands an initrd only to "
    "boot protocol 2.00 and later: QEMU refuses to start (\"linux kernel too "
    "old to load a ram disk\")" },
  /* Not relocatable, no 32-bit entry, low: QEMU loads it all the same. */
  { "linux/not-relocatable", FILE_BZIMAGE, 0x020f, {{ 0x234, 1, 0 }, { 0x214, 4, 0 }},
    MIB, NULL, 256 * MIB, LINUX, PASS },
  { "linux/not-loaded-high", FILE_BZIMAGE, 0x0204, {{ 0x211, 1, 0 }}, MIB, NULL,
    256 * MIB, LINUX, PASS },
  { "linux/setup-past-end", FILE_BZIMAGE, 0x020f, {{ 0x1f1, 1, 200 }}, 0, NULL,
    256 * MIB, LINUX, KBOOT_QEMU_KERNEL_ERROR_SETUP_PAST_END,
    "/k: setup_sects 200 at offset 0x1f1 makes a setup of 102912 bytes, longer "
    "than the 68096-byte file: QEMU refuses it (\"invalid kernel header\")" },

  /* Low kernels: anything without "HdrS"; no initrd for them. */
  { "low/no-initrd", FILE_LOW, 0, {{0}}, 0, "console=ttyS0", 256 * MIB, LOW, PASS },
  { "low/initrd", FILE_LOW, 0, {{0}}, MIB, NULL, 256 * MIB, LOW,
    KBOOT_QEMU_KERNEL_ERROR_INITRD_PROTOCOL,
    "/i: kernel /k has no Linux setup header (no \"HdrS\" at offset 0x202), "
    "and QEMU hands an initrd only to boot protocol 2.00 and later: *" },
  { "low/setup-past-end", FILE_LOW, 0, {{ 0x1f1, 1, 0xff }}, 0, NULL, 256 * MIB, LOW,
    KBOOT_QEMU_KERNEL_ERROR_SETUP_PAST_END,
    "/k: setup_sects 255 at offset 0x1f1 makes a setup of 131072 bytes, "
    "longer than the 65536-byte file: *" },
  { "low/tiny", FILE_TINY, 0, {{0}}, 0, NULL, 256 * MIB, LOW,
    KBOOT_QEMU_KERNEL_ERROR_SETUP_PAST_END,
    "/k: 100 bytes, shorter than the 512-byte boot sector QEMU reads first: "
    "QEMU refuses it (\"invalid kernel header\")" },

  /* Multiboot and ELF kernels have loaders of their own. */
  { "multiboot/initrd", FILE_MULTIBOOT, 0, {{0}}, MIB, "vga=bad", 256 * MIB,
    KBOOT_QEMU_KERNEL_MULTIBOOT, PASS },
  { "multiboot/bad-checksum-is-low", FILE_MULTIBOOT_BAD, 0, {{0}}, MIB, NULL,
    256 * MIB, LOW, KBOOT_QEMU_KERNEL_ERROR_INITRD_PROTOCOL, "*no Linux setup header*" },
  { "multiboot/past-8k-is-low", FILE_MULTIBOOT_LATE, 0, {{0}}, MIB, NULL,
    256 * MIB, LOW, KBOOT_QEMU_KERNEL_ERROR_INITRD_PROTOCOL, "*no Linux setup header*" },
  { "elf/initrd", FILE_ELF, 0, {{0}}, MIB, NULL, 256 * MIB, KBOOT_QEMU_KERNEL_ELF,
    PASS },

  /* vga=: the first occurrence, anywhere in the line. */
  { "vga/normal", FILE_BZIMAGE, 0x020f, {{0}}, 0, "quiet vga=normal", 256 * MIB,
    LINUX, PASS },
  { "vga/ext-prefix", FILE_BZIMAGE, 0x020f, {{0}}, 0, "vga=extended", 256 * MIB,
    LINUX, PASS },
  { "vga/ask", FILE_BZIMAGE, 0x020f, {{0}}, 0, "vga=ask", 256 * MIB, LINUX, PASS },
  { "vga/decimal", FILE_BZIMAGE, 0x020f, {{0}}, 0, "vga=791 quiet", 256 * MIB,
    LINUX, PASS },
  { "vga/hex", FILE_BZIMAGE, 0x020f, {{0}}, 0, "vga=0x317", 256 * MIB, LINUX, PASS },
  { "vga/minus-one", FILE_BZIMAGE, 0x020f, {{0}}, 0, "vga=-1", 256 * MIB, LINUX, PASS },
  { "vga/only-the-first", FILE_BZIMAGE, 0x020f, {{0}}, 0, "vga=1 vga=bad",
    256 * MIB, LINUX, PASS },
  { "vga/current", FILE_BZIMAGE, 0x020f, {{0}}, 0, "root=/dev/xvda1 vga=current quiet",
    256 * MIB, LINUX, KBOOT_QEMU_KERNEL_ERROR_VGA,
    "/k: command line vga=current is not a video mode QEMU's -kernel reads "
    "(normal, ext, ask or a number): QEMU refuses to start (\"invalid 'vga=' "
    "kernel parameter\")" },
  { "vga/empty", FILE_BZIMAGE, 0x020f, {{0}}, 0, "vga=", 256 * MIB, LINUX,
    KBOOT_QEMU_KERNEL_ERROR_VGA, "/k: command line vga= is not *" },
  { "vga/trailing", FILE_BZIMAGE, 0x020f, {{0}}, 0, "vga=12x", 256 * MIB, LINUX,
    KBOOT_QEMU_KERNEL_ERROR_VGA, "/k: command line vga=12x is not *" },
  { "vga/above-uint", FILE_BZIMAGE, 0x020f, {{0}}, 0, "vga=4294967296", 256 * MIB,
    LINUX, KBOOT_QEMU_KERNEL_ERROR_VGA, "/k: command line vga=4294967296 is not *" },
  { "vga/inside-another-word", FILE_BZIMAGE, 0x020f, {{0}}, 0, "xvga=foo",
    256 * MIB, LINUX, KBOOT_QEMU_KERNEL_ERROR_VGA, "/k: command line vga=foo is not *" },
  { "vga/low-kernel", FILE_LOW, 0, {{0}}, 0, "vga=x", 256 * MIB, LOW,
    KBOOT_QEMU_KERNEL_ERROR_VGA, "/k: command line vga=x *" },
  { "vga/before-initrd", FILE_LOW, 0, {{0}}, MIB, "vga=x", 256 * MIB, LOW,
    KBOOT_QEMU_KERNEL_ERROR_VGA, "/k: command line vga=x *" },
};

/* A multiboot header (magic, flags, checksum) at @offset of @data. */
static void
put_multiboot (GByteArray *data, gsize offset, guint32 checksum_delta)
{
  guint32 flags = 0x00000003;
  guint32 words[3] = { 0x1BADB002u, flags,
                       (guint32) -(0x1BADB002u + flags) + checksum_delta };

  for (guint i = 0; i < 3; i++)
    for (guint b = 0; b < 4; b++)
      data->data[offset + i * 4 + b] = (guint8) (words[i] >> (8 * b));
}

static GByteArray *
make_file (const QemuCase *c)
{
  GByteArray *data = g_byte_array_new ();

  if (c->file == FILE_BZIMAGE)
    {
      g_autoptr(KbootSynth) s = kboot_synth_new (c->version, 4, 0x10000);

      for (guint i = 0; i < G_N_ELEMENTS (c->put) && c->put[i].width; i++)
        kboot_synth_put (s, c->put[i].offset, c->put[i].width, c->put[i].value);
      g_byte_array_append (data, s->data, (guint) s->len);
      return data;
    }
  g_byte_array_set_size (data, c->file == FILE_TINY ? 100 : 0x10000);
  memset (data->data, 0x90, data->len);
  if (c->file != FILE_TINY)
    data->data[0x1f1] = 0;
  for (guint i = 0; i < G_N_ELEMENTS (c->put) && c->put[i].width; i++)
    data->data[c->put[i].offset] = (guint8) c->put[i].value;
  switch (c->file)
    {
    case FILE_MULTIBOOT: put_multiboot (data, 0x1000, 0); break;
    case FILE_MULTIBOOT_BAD: put_multiboot (data, 0x1000, 1); break;
    case FILE_MULTIBOOT_LATE: put_multiboot (data, 8192 - 44, 0); break;
    case FILE_ELF: memcpy (data->data, "\x7f" "ELF", 4); break;
    case FILE_BZIMAGE:
    case FILE_LOW:
    case FILE_TINY:
      break;
    }
  return data;
}

static void
test_case (gconstpointer data)
{
  const QemuCase *c = data;
  g_autoptr(GByteArray) file = make_file (c);
  gsize len = MIN (file->len, KBOOT_QEMU_HEADER_SIZE);
  KbootQemuKernelRequest req = { "/k", c->initrd_size ? "/i" : NULL, file->len,
                                 c->initrd_size, c->cmdline, c->below_4g };
  g_autoptr(GError) error = NULL;
  gboolean ok;

  g_assert_cmpint (kboot_qemu_kernel_kind (file->data, len), ==, c->kind);
  ok = kboot_qemu_kernel_check (file->data, len, &req, &error);
  if (c->code == PASS)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
      return;
    }
  g_assert_false (ok);
  g_assert_error (error, KBOOT_QEMU_KERNEL_ERROR, c->code);
  if (!g_pattern_match_simple (c->message, error->message))
    g_error ("message\n  %s\ndoes not match\n  %s", error->message, c->message);
}

/* The limit, and which side set it. */
static void
test_initrd_max (void)
{
  g_autoptr(KbootSynth) s = kboot_synth_new (0x020f, 4, 0x10000);
  gboolean by_ram = TRUE;

  g_assert_cmphex (kboot_qemu_initrd_max (s->data, s->len, 0, &by_ram), ==, 0xffffffff);
  g_assert_false (by_ram);
  g_assert_cmphex (kboot_qemu_initrd_max (s->data, s->len, 0xF0000000, &by_ram), ==,
                   0xF0000000 - 0x28000 - 1);
  g_assert_true (by_ram);
  kboot_synth_put (s, 0x236, 2, 0x01);
  g_assert_cmphex (kboot_qemu_initrd_max (s->data, s->len, 0xF0000000, &by_ram), ==,
                   0x7fffffff);
  g_assert_false (by_ram);
  /* "HdrS" cut off: a low kernel's limit. */
  g_assert_cmphex (kboot_qemu_initrd_max (s->data, 0x204, 0, &by_ram), ==, 0x37ffffff);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/kboot/image/qemu/%s", cases[i].name);
      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/kboot/image/qemu/initrd-max", test_initrd_max);
  for (int k = 0; k < KBOOT_QEMU_KERNEL_LAST; k++)
    g_assert_nonnull (kboot_qemu_kernel_kind_to_string (k));
  return g_test_run ();
}
