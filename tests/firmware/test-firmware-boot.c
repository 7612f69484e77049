/* Boot tests of the entry firmware under QEMU (TCG).
 *
 * Each test builds a guest in a sparse RAM file the way the loader does (a
 * handoff block at KBOOT_HANDOFF_ADDR from kboot_handoff_build(), a
 * boot_params page holding a known word, and the probe kernel at
 * KBOOT_KERNEL_BASE) and boots it with the preview's own QEMU command line
 * (kboot_qemu_argv()) plus isa-debug-exit, through one of:
 *
 *   bios  the QEMU variant, firmware/xen-kboot-fw.bin, as -bios;
 *   elf   the Xen variant, firmware/xen-kboot-fw.elf, loaded into the RAM
 *         file as libxenguest loads it and entered as Xen enters it by the
 *         test BIOS tests/firmware/xen-shim.bin.
 *
 * A good block must reach the probe, whose line of registers is checked
 * against the 32-bit boot protocol.  A bad block must make the firmware
 * print its one-line reason on COM1 and port 0xe9 and halt: the probe
 * never runs and QEMU keeps running until we stop it.  So must a
 * boot_params that says 64-bit (xloadflags XLF_KERNEL_64) on a CPU model
 * without long mode or PAE (-cpu), what Xen gives a domain without <pae/>;
 * with long mode, or a 32-bit kernel, the probe runs.
 */
#include "config.h"

#include <elf.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "kboot_loader_acpi.h"
#include "kboot_loader_bootparams.h"
#include "kboot_loader_pagetables.h"
#include "xen_kboot_driver_qemu.h"
#include "probe.h"
#include "x86.h"
#include "xen-shim.h"

#define RAM_SIZE            (64 * 1024 * 1024)
#define BOOT_PARAMS_ADDR    0x7000
#define BOOT_PARAMS_WORD    0x5a50b007u
/* Where the 64-bit entry's tests put the identity map. */
#define PAGE_TABLES_ADDR    0x10000
#define QEMU_TIMEOUT_US     (30 * G_USEC_PER_SEC)
/* After the firmware's complaint: how long QEMU must stay up and quiet. */
#define HALT_GRACE_US       (1 * G_USEC_PER_SEC)
#define POLL_US             10000
/* The BIOS image is linked and mapped just below 4 GiB. */
#define BIOS_BASE           0xffff0000u

typedef enum {
  VARIANT_BIOS,
  VARIANT_ELF,
} Variant;

/* The boot_params' copy of the setup header the firmware reads: the
 * protocol version and xloadflags (what the loader copies from a 2.15
 * 64-bit kernel, or less). */
typedef struct {
  guint16 version;          /* 0: leave the page as it is (all zero) */
  guint16 xloadflags;
} BootParamsHeader;

typedef struct {
  char *dir;
  char *ram;
  char *serial;
  char *debugcon;
  char *qemu_err;
  int fd;
} Guest;

typedef struct {
  gboolean exited;          /* QEMU ended by itself */
  int status;               /* its exit status, when it did */
  char *serial;             /* what COM1 said */
  char *debugcon;           /* what port 0xe9 said */
} Run;

static char *
build_path (const char *relative)
{
  const char *top = g_getenv ("KBOOT_TOP_BUILDDIR");

  g_assert_nonnull (top);   /* set by the test harness (tests/tests.am) */
  return g_build_filename (top, relative, NULL);
}

static void
guest_write (Guest *g, guint64 addr, const void *data, gsize len)
{
  g_assert_cmpuint (addr + len, <=, RAM_SIZE);
  g_assert_cmpint (pwrite (g->fd, data, len, (off_t) addr), ==, (gssize) len);
}

static void
guest_write_file (Guest *g, guint64 addr, const char *relative)
{
  g_autofree char *path = build_path (relative);
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  guest_write (g, addr, data, len);
}

static void
guest_write_u32 (Guest *g, guint64 addr, guint32 value)
{
  guint32 le = GUINT32_TO_LE (value);

  guest_write (g, addr, &le, sizeof le);
}

static Guest *
guest_new (void)
{
  Guest *g = g_new0 (Guest, 1);
  g_autoptr(GError) error = NULL;

  g->dir = g_dir_make_tmp ("kboot-fw-XXXXXX", &error);
  g_assert_no_error (error);
  g->ram = g_build_filename (g->dir, "ram", NULL);
  g->serial = g_build_filename (g->dir, "serial", NULL);
  g->debugcon = g_build_filename (g->dir, "debugcon", NULL);
  g->qemu_err = g_build_filename (g->dir, "qemu-stderr", NULL);
  g->fd = open (g->ram, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  g_assert_cmpint (g->fd, >=, 0);
  g_assert_cmpint (ftruncate (g->fd, RAM_SIZE), ==, 0);

  guest_write_u32 (g, BOOT_PARAMS_ADDR, BOOT_PARAMS_WORD);
  guest_write_file (g, KBOOT_KERNEL_BASE, "tests/firmware/probe.bin");
  return g;
}

static void
guest_free (Guest *g)
{
  if (!g)
    return;
  if (g->fd >= 0)
    close (g->fd);
  g_unlink (g->ram);
  g_unlink (g->serial);
  g_unlink (g->debugcon);
  g_unlink (g->qemu_err);
  g_rmdir (g->dir);
  g_free (g->ram);
  g_free (g->serial);
  g_free (g->debugcon);
  g_free (g->qemu_err);
  g_free (g->dir);
  g_free (g);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Guest, guest_free)

static void
run_clear (Run *run)
{
  g_free (run->serial);
  g_free (run->debugcon);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* The handoff block as the loader writes it, then @tweak applied. */
typedef void (*HandoffTweak) (guint8 *block);

static guint32
handoff_get (const guint8 *block, guint off)
{
  guint32 v;

  memcpy (&v, block + off, sizeof v);
  return GUINT32_FROM_LE (v);
}

static void
handoff_set (guint8 *block, guint off, guint32 value)
{
  guint32 le = GUINT32_TO_LE (value);

  memcpy (block + off, &le, sizeof le);
}

/* Set a field and keep the checksum right, so that only that field is
 * wrong. */
static void
handoff_set_summed (guint8 *block, guint off, guint32 value)
{
  guint32 sum = 0;

  handoff_set (block, off, value);
  handoff_set (block, KBOOT_HANDOFF_OFF_CHECKSUM, 0);
  for (guint o = 0; o < KBOOT_HANDOFF_SIZE; o += 4)
    sum += handoff_get (block, o);
  handoff_set (block, KBOOT_HANDOFF_OFF_CHECKSUM, 0u - sum);
}

/* The handoff block, with @hw's platform set-up (NULL: none). */
static void
guest_write_handoff (Guest *g, HandoffTweak tweak, const KbootHandoff *hw)
{
  guint8 block[KBOOT_HANDOFF_SIZE];
  KbootHandoff h = { KBOOT_KERNEL_BASE, BOOT_PARAMS_ADDR,
                     hw ? hw->pci_links : 0, hw ? hw->pm_base : 0,
                     hw ? hw->pci_skew : 0 };

  kboot_handoff_build (block, &h);
  g_assert_true (kboot_handoff_valid (block));
  if (tweak)
    {
      tweak (block);
      g_assert_false (kboot_handoff_valid (block));
    }
  guest_write (g, KBOOT_HANDOFF_ADDR, block, sizeof block);
}

/* Load the Xen variant as libxenguest's elf_load_binary() does: each
 * PT_LOAD at its p_paddr, p_memsz - p_filesz zeroed (the RAM file already
 * is).  Returns e_entry. */
static guint32
guest_load_elf (Guest *g, const char *relative)
{
  g_autofree char *path = build_path (relative);
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;
  Elf32_Ehdr eh;
  guint loads = 0;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, >=, sizeof eh);
  memcpy (&eh, data, sizeof eh);
  g_assert_cmpmem (eh.e_ident, SELFMAG, ELFMAG, SELFMAG);
  g_assert_cmpuint (eh.e_ident[EI_CLASS], ==, ELFCLASS32);
  g_assert_cmpuint (eh.e_phentsize, ==, sizeof (Elf32_Phdr));
  g_assert_cmpuint ((guint64) eh.e_phoff + (guint64) eh.e_phnum * sizeof (Elf32_Phdr),
                    <=, len);
  for (guint i = 0; i < eh.e_phnum; i++)
    {
      Elf32_Phdr ph;

      memcpy (&ph, data + eh.e_phoff + i * sizeof ph, sizeof ph);
      if (ph.p_type != PT_LOAD)
        continue;
      g_assert_cmpuint ((guint64) ph.p_offset + ph.p_filesz, <=, len);
      g_assert_cmpuint (ph.p_filesz, <=, ph.p_memsz);
      guest_write (g, ph.p_paddr, data + ph.p_offset, ph.p_filesz);
      loads++;
    }
  g_assert_cmpuint (loads, ==, 1);
  return eh.e_entry;
}

static void
guest_write_u16 (Guest *g, guint64 addr, guint16 value)
{
  guint16 le = GUINT16_TO_LE (value);

  guest_write (g, addr, &le, sizeof le);
}

static Guest *
guest_new_for (Variant variant, HandoffTweak tweak, const BootParamsHeader *hdr,
               const KbootHandoff *hw, const char **firmware)
{
  Guest *g = guest_new ();

  guest_write_handoff (g, tweak, hw);
  if (hdr && hdr->version)
    {
      /* Offsets typed from boot.rst, not taken from the code under test. */
      guest_write_u16 (g, BOOT_PARAMS_ADDR + 0x206, hdr->version);
      guest_write_u16 (g, BOOT_PARAMS_ADDR + 0x236, hdr->xloadflags);
    }
  switch (variant)
    {
    case VARIANT_BIOS:
      *firmware = "firmware/xen-kboot-fw.bin";
      break;
    case VARIANT_ELF:
      guest_write_u32 (g, XEN_SHIM_MAILBOX_ENTRY,
                       guest_load_elf (g, "firmware/xen-kboot-fw.elf"));
      guest_write_u32 (g, XEN_SHIM_MAILBOX_EBX, XEN_SHIM_START_INFO);
      *firmware = "tests/firmware/xen-shim.bin";
      break;
    }
  return g;
}

static char *
read_text (const char *path)
{
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

static void
qemu_exited (GObject *source, GAsyncResult *result, gpointer data)
{
  gboolean *done = data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *done = TRUE;
}

/* Boot @g from @firmware on QEMU's CPU model @cpu (NULL: its default,
 * qemu64).  With @halt_line NULL, wait for QEMU to exit; otherwise wait
 * until both consoles hold @halt_line, give the guest HALT_GRACE_US more
 * to do anything else, and stop it.  Never longer than QEMU_TIMEOUT_US in
 * all. */
static void
run_qemu (Guest *g, const char *firmware, const char *cpu, const char *halt_line,
          Run *run)
{
  g_autofree char *fw_path = build_path (firmware);
  KbootQemuConfig config = {
    .qemu = QEMU_SYSTEM_X86_64,
    .firmware = fw_path,
    .ram_fd = KBOOT_QEMU_RAM_FD,   /* g->ram, opened for QEMU below */
    .ram_size = RAM_SIZE,
    .debugcon = g->debugcon,
  };
  g_auto(GStrv) base = kboot_qemu_argv (&config);
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) qemu = NULL;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *argv_text = NULL;
  gint64 deadline = g_get_monotonic_time () + QEMU_TIMEOUT_US;
  gint64 seen_at = 0;
  gboolean done = FALSE;

  g_strv_builder_addv (b, (const char **) base);
  g_strv_builder_add_many (b, "-device",
                           "isa-debug-exit,iobase=" G_STRINGIFY (PROBE_DEBUG_EXIT_PORT)
                           ",iosize=4", NULL);
  if (cpu)
    g_strv_builder_add_many (b, "-cpu", cpu, NULL);
  argv = g_strv_builder_end (b);
  argv_text = g_strjoinv (" ", argv);
  g_test_message ("%s", argv_text);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE);
  {
    int ram_fd = open (g->ram, O_RDWR | O_CLOEXEC);

    g_assert_cmpint (ram_fd, >=, 0);
    g_subprocess_launcher_take_fd (launcher, ram_fd, KBOOT_QEMU_RAM_FD);
  }
  g_subprocess_launcher_set_stdout_file_path (launcher, g->serial);
  g_subprocess_launcher_set_stderr_file_path (launcher, g->qemu_err);
  qemu = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv, &error);
  g_assert_no_error (error);   /* no QEMU is a failure, not a skip */

  g_main_context_push_thread_default (context);
  g_subprocess_wait_async (qemu, NULL, qemu_exited, &done);
  while (!done && g_get_monotonic_time () < deadline)
    {
      while (g_main_context_iteration (context, FALSE))
        ;
      if (done)
        break;
      if (halt_line)
        {
          gint64 now = g_get_monotonic_time ();

          if (!seen_at)
            {
              g_autofree char *serial = read_text (g->serial);
              g_autofree char *debugcon = read_text (g->debugcon);

              if (strstr (serial, halt_line) && strstr (debugcon, halt_line))
                seen_at = now;
            }
          else if (now - seen_at >= HALT_GRACE_US)
            break;
        }
      g_usleep (POLL_US);
    }

  run->exited = done;
  if (!done)
    {
      g_subprocess_force_exit (qemu);
      while (!done)
        g_main_context_iteration (context, TRUE);
    }
  else
    run->status = g_subprocess_get_if_exited (qemu)
                  ? g_subprocess_get_exit_status (qemu) : -1;
  g_main_context_pop_thread_default (context);

  run->serial = read_text (g->serial);
  run->debugcon = read_text (g->debugcon);
  g_test_message ("COM1:\n%s", run->serial);
  g_test_message ("port 0xe9:\n%s", run->debugcon);
  if (run->exited)
    {
      g_autofree char *err = read_text (g->qemu_err);

      g_test_message ("QEMU exited with status %d; stderr:\n%s", run->status, err);
    }
}

/* The probe's line as name -> value. */
static GHashTable *
probe_values (const char *serial)
{
  g_autoptr(GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                        g_free, NULL);
  const char *line = strstr (serial, "probe:");
  g_autofree char *copy = NULL;
  g_auto(GStrv) words = NULL;

  g_assert_nonnull (line);
  copy = g_strndup (line, strcspn (line, "\r\n"));
  words = g_strsplit (copy, " ", -1);
  for (guint i = 1; words[i]; i++)
    {
      const char *eq = strchr (words[i], '=');
      guint64 v = 0;
      g_autoptr(GError) error = NULL;

      g_assert_nonnull (eq);
      g_assert_true (g_str_has_prefix (eq + 1, "0x"));
      g_ascii_string_to_unsigned (eq + 3, 16, 0, G_MAXUINT32, &v, &error);
      g_assert_no_error (error);
      g_hash_table_insert (values, g_strndup (words[i], eq - words[i]),
                           GUINT_TO_POINTER ((guint32) v));
    }
  return g_steal_pointer (&values);
}

static guint32
probe_value (GHashTable *values, const char *name)
{
  gpointer v = NULL;
  gboolean found = g_hash_table_lookup_extended (values, name, NULL, &v);

  if (!found)
    g_test_message ("the probe did not report %s", name);
  g_assert_true (found);
  return GPOINTER_TO_UINT (v);
}

/* What both boot protocols (Documentation/arch/x86/boot.rst, "32-bit"
 * and "64-bit BOOT PROTOCOL") give the kernel, as the probe saw it. */
static void
assert_boot_protocol_state (GHashTable *v)
{
  g_assert_cmphex (probe_value (v, "esi"), ==, BOOT_PARAMS_ADDR);
  g_assert_cmphex (probe_value (v, "bp0"), ==, BOOT_PARAMS_WORD);
  /* Under Xen EBX held hvm_start_info (the shim passes one): gone. */
  g_assert_cmphex (probe_value (v, "ebx"), ==, 0);
  g_assert_cmphex (probe_value (v, "edi"), ==, 0);
  g_assert_cmphex (probe_value (v, "ebp"), ==, 0);
  g_assert_cmphex (probe_value (v, "cs"), ==, KBOOT_BOOT_CS);
  g_assert_cmphex (probe_value (v, "ds"), ==, KBOOT_BOOT_DS);
  g_assert_cmphex (probe_value (v, "es"), ==, KBOOT_BOOT_DS);
  g_assert_cmphex (probe_value (v, "ss"), ==, KBOOT_BOOT_DS);
  /* Interrupts off, DF clear, nothing else set. */
  g_assert_cmphex (probe_value (v, "eflags"), ==, X86_EFLAGS_FIXED);
}

#define ENTER_LINE "xen-kboot firmware: entering the kernel at 0x00200000 " \
  "with boot_params at 0x00007000\n"

static void
test_enter (gconstpointer data)
{
  Variant variant = GPOINTER_TO_INT (data);
  const char *firmware = NULL;
  g_autoptr(Guest) g = guest_new_for (variant, NULL, NULL, NULL, &firmware);
  g_auto(Run) run = { 0 };
  g_autoptr(GHashTable) v = NULL;
  guint32 cr0, gdt_base;

  run_qemu (g, firmware, NULL, NULL, &run);
  g_assert_true (run.exited);
  g_assert_cmpint (run.status, ==, PROBE_EXIT_STATUS);
  g_assert_nonnull (strstr (run.serial, ENTER_LINE));
  g_assert_nonnull (strstr (run.debugcon, ENTER_LINE));
  v = probe_values (run.serial);

  assert_boot_protocol_state (v);
  g_assert_cmphex (probe_value (v, "fs"), ==, KBOOT_BOOT_DS);
  g_assert_cmphex (probe_value (v, "gs"), ==, KBOOT_BOOT_DS);
  cr0 = probe_value (v, "cr0");
  g_assert_cmphex (cr0 & X86_CR0_PE, ==, X86_CR0_PE);
  g_assert_cmphex (cr0 & X86_CR0_PG, ==, 0);
  /* Flat 4 GiB code and data behind the two selectors. */
  g_assert_cmphex (probe_value (v, "gdt_limit"), >=, KBOOT_BOOT_DS + 7);
  g_assert_cmphex (((guint64) probe_value (v, "cs_desc_hi") << 32)
                   | probe_value (v, "cs_desc_lo"), ==, X86_GDT_CODE32_FLAT);
  g_assert_cmphex (((guint64) probe_value (v, "ds_desc_hi") << 32)
                   | probe_value (v, "ds_desc_lo"), ==, X86_GDT_DATA32_FLAT);
  /* The GDT is the firmware's own, where the kernel does not write. */
  gdt_base = probe_value (v, "gdt_base");
  switch (variant)
    {
    case VARIANT_BIOS:
      g_assert_cmphex (gdt_base, >=, BIOS_BASE);
      break;
    case VARIANT_ELF:
      g_assert_cmphex (gdt_base, >=, KBOOT_FIRMWARE_BASE);
      g_assert_cmphex (gdt_base, <, KBOOT_KERNEL_BASE);
      break;
    }
  /* The kernel decompresses across odd megabytes. */
  g_assert_cmphex (probe_value (v, "a20"), ==, 1);
  /* No platform set-up asked: PIIX4 PM not decoding, the links as QEMU
   * resets them (disabled), every IRQ edge-triggered. */
  g_assert_cmphex (probe_value (v, "pmregmisc") & 1, ==, 0);
  g_assert_cmphex (probe_value (v, "pirq"), ==, 0x80808080);
  g_assert_cmphex (probe_value (v, "elcr"), ==, 0);
  g_assert_cmphex (probe_value (v, "pm_intr") & 0xffff, ==, 0x0100);  /* INTA, no line */
  g_assert_null (strstr (run.serial, "PIIX4"));
  /* The IDE channels' legacy ports, with or without ACPI. */
  g_assert_cmphex (probe_value (v, "idetim") & 0x80008000, ==, 0x80008000);
  g_assert_nonnull (strstr (run.serial, "xen-kboot firmware: PIIX3 IDE legacy "
                                        "ports on (0x1f0, 0x170)\n"));
}

/* The platform set-up for the loader's ACPI tables, with each platform's
 * values (kboot_acpi_platform_hw), on QEMU's PIIX3 and PIIX4 (qemu-xen
 * has the same devices): PM decoding at the base in ACPI mode, the links
 * routed, their IRQs level-triggered, and one line each saying so. */
typedef struct {
  Variant variant;
  KbootPlatformKind platform;
} PlatformTest;

static void
test_platform (gconstpointer data)
{
  const PlatformTest *t = data;
  const char *firmware = NULL;
  KbootHandoff hw = { 0 };
  g_autoptr(Guest) g = NULL;
  g_auto(Run) run = { 0 };
  g_autoptr(GHashTable) v = NULL;
  g_autofree char *pm_line = NULL, *links_line = NULL;
  guint32 elcr = 0;
  guint pm_link;

  g_assert_true (kboot_acpi_platform_hw (t->platform, &hw));
  g = guest_new_for (t->variant, NULL, NULL, &hw, &firmware);
  run_qemu (g, firmware, NULL, NULL, &run);
  g_assert_true (run.exited);
  g_assert_cmpint (run.status, ==, PROBE_EXIT_STATUS);
  v = probe_values (run.serial);

  g_assert_cmphex (probe_value (v, "pmba") & 0xffc1, ==, hw.pm_base | 1);
  g_assert_cmphex (probe_value (v, "pmregmisc") & 1, ==, 1);
  g_assert_cmphex (probe_value (v, "pm1_cnt") & 1, ==, 1);   /* SCI_EN */
  g_assert_cmphex (probe_value (v, "pirq"), ==, hw.pci_links);
  for (guint i = 0; i < 4; i++)
    elcr |= 1u << ((hw.pci_links >> (8 * i)) & 0xf);
  g_assert_cmphex (probe_value (v, "elcr"), ==, elcr);
  g_assert_cmphex (probe_value (v, "idetim") & 0x80008000, ==, 0x80008000);
  /* PIIX4 PM: slot 1, INTA: link (1 + 0 + skew) & 3, B on Xen, A on
   * QEMU (whose PIIX3 wires slot - 1). */
  pm_link = (1 + 0 + hw.pci_skew) & 3;
  g_assert_cmpuint (pm_link, ==, t->platform == KBOOT_PLATFORM_XEN_HVM ? 1 : 0);
  g_assert_cmphex (probe_value (v, "pm_intr") & 0xffff, ==,
                   0x0100 | ((hw.pci_links >> (8 * pm_link)) & 0xff));

  pm_line = g_strdup_printf ("xen-kboot firmware: PIIX4 power management at "
                             "0x%08x, ACPI mode on\n", hw.pm_base);
  links_line = g_strdup_printf ("xen-kboot firmware: PCI links A-D to IRQs (a "
                                "byte each, A lowest) 0x%08x, level-triggered "
                                "IRQ mask 0x%08x\n", hw.pci_links, elcr);
  g_assert_nonnull (strstr (run.serial, pm_line));
  g_assert_nonnull (strstr (run.debugcon, pm_line));
  g_assert_nonnull (strstr (run.serial, links_line));
  g_assert_nonnull (strstr (run.serial, ENTER_LINE));
}

typedef struct {
  const char *name;
  HandoffTweak tweak;
  const char *line;
} RefuseCase;

static void
tweak_magic (guint8 *b)
{
  handoff_set_summed (b, KBOOT_HANDOFF_OFF_MAGIC, 0);
}

static void
tweak_version (guint8 *b)
{
  handoff_set_summed (b, KBOOT_HANDOFF_OFF_VERSION, KBOOT_HANDOFF_VERSION + 1);
}

static void
tweak_size (guint8 *b)
{
  handoff_set_summed (b, KBOOT_HANDOFF_OFF_SIZE, KBOOT_HANDOFF_SIZE + 4);
}

static void
tweak_checksum (guint8 *b)
{
  handoff_set (b, KBOOT_HANDOFF_OFF_CHECKSUM,
               handoff_get (b, KBOOT_HANDOFF_OFF_CHECKSUM) + 0x10);
}

static void
tweak_entry (guint8 *b)
{
  handoff_set_summed (b, KBOOT_HANDOFF_OFF_ENTRY, 0);
}

static void
tweak_boot_params (guint8 *b)
{
  handoff_set_summed (b, KBOOT_HANDOFF_OFF_BOOT_PARAMS, 0);
}

static void
tweak_entry_kind (guint8 *b)
{
  handoff_set_summed (b, KBOOT_HANDOFF_OFF_ENTRY_KIND, KBOOT_HANDOFF_ENTRY_LAST + 1);
}

/* A 64-bit entry without its page tables, or with them off a page. */
static void
tweak_no_page_tables (guint8 *b)
{
  handoff_set_summed (b, KBOOT_HANDOFF_OFF_ENTRY_KIND, KBOOT_HANDOFF_ENTRY_KERNEL64);
}

static void
tweak_page_tables_unaligned (guint8 *b)
{
  handoff_set_summed (b, KBOOT_HANDOFF_OFF_ENTRY_KIND, KBOOT_HANDOFF_ENTRY_KERNEL64);
  handoff_set_summed (b, KBOOT_HANDOFF_OFF_PAGE_TABLES, PAGE_TABLES_ADDR + 0x800);
}

#define BAD "xen-kboot firmware: bad handoff block at 0x00001000: "

static const RefuseCase refuse_cases[] = {
  { "magic", tweak_magic, BAD "magic 0x00000000, expected 0x4f484b42\n" },
  { "version", tweak_version, BAD "version 0x00000005, expected 0x00000004\n" },
  { "size", tweak_size, BAD "size 0x00000030, expected 0x0000002c\n" },
  { "checksum", tweak_checksum, BAD "sum of the words 0x00000010, expected 0x00000000\n" },
  { "entry", tweak_entry, BAD "entry 0x00000000, expected non-zero\n" },
  { "boot-params", tweak_boot_params, BAD "boot_params 0x00000000, expected non-zero\n" },
  { "entry-kind", tweak_entry_kind, BAD "entry_kind 0x00000003, expected at most 0x00000002\n" },
  { "no-page-tables", tweak_no_page_tables, BAD "page_tables 0x00000000, expected non-zero\n" },
  { "page-tables-unaligned", tweak_page_tables_unaligned,
    BAD "page_tables 0x00010800, expected page-aligned\n" },
};

typedef struct {
  Variant variant;
  const RefuseCase *c;
} RefuseTest;

static void
test_refuse (gconstpointer data)
{
  const RefuseTest *t = data;
  const char *firmware = NULL;
  g_autoptr(Guest) g = guest_new_for (t->variant, t->c->tweak, NULL, NULL, &firmware);
  g_auto(Run) run = { 0 };

  run_qemu (g, firmware, NULL, t->c->line, &run);
  g_assert_nonnull (strstr (run.serial, t->c->line));
  g_assert_nonnull (strstr (run.debugcon, t->c->line));
  /* Halted: still running when stopped, and the kernel never ran. */
  g_assert_false (run.exited);
  g_assert_null (strstr (run.serial, "probe:"));
  g_assert_null (strstr (run.serial, "entering the kernel"));
}

/* ---- the fast path's entries: the decompressed kernel proper ---- */

/* @g's handoff block made for entry @kind: the probe's 32-bit entry for
 * a 32-bit kernel proper, its 64-bit one (and the loader's identity map)
 * for a 64-bit one. */
static void
guest_write_entry (Guest *g, guint32 kind)
{
  guint8 block[KBOOT_HANDOFF_SIZE];
  g_autofree guint8 *tables = g_malloc (KBOOT_PAGE_TABLES_SIZE);
  KbootHandoff h = { KBOOT_KERNEL_BASE, BOOT_PARAMS_ADDR, 0, 0, 0, kind, 0 };

  if (kind == KBOOT_HANDOFF_ENTRY_KERNEL64)
    {
      h.entry = KBOOT_KERNEL_BASE + PROBE_ENTRY64_OFFSET;
      h.page_tables = PAGE_TABLES_ADDR;
      kboot_page_tables_build (tables, PAGE_TABLES_ADDR);
      guest_write (g, PAGE_TABLES_ADDR, tables, KBOOT_PAGE_TABLES_SIZE);
    }
  kboot_handoff_build (block, &h);
  g_assert_true (kboot_handoff_valid (block));
  guest_write (g, KBOOT_HANDOFF_ADDR, block, sizeof block);
}

typedef struct {
  Variant variant;
  guint32 kind;
} EntryTest;

#define ENTER32_LINE "xen-kboot firmware: entering the decompressed kernel " \
  "(32-bit) at 0x00200000 with boot_params at 0x00007000\n"
#define ENTER64_LINE "xen-kboot firmware: entering the decompressed kernel " \
  "(64-bit, long mode) at 0x00200200 with boot_params at 0x00007000\n"

/* The 32-bit kernel proper gets what the 32-bit boot protocol gives; the
 * 64-bit one what "64-BIT BOOT PROTOCOL" in boot.rst asks: long mode and
 * paging on through an identity map (the probe's code, stack and
 * boot_params are read through it), __BOOT_CS a 64-bit flat code segment,
 * __BOOT_DS flat data in DS, ES, SS, interrupts off, RSI = boot_params
 * (all 64 bits). */
static void
test_entry_kind (gconstpointer data)
{
  const EntryTest *t = data;
  const char *firmware = NULL;
  g_autoptr(Guest) g = guest_new_for (t->variant, NULL, NULL, NULL, &firmware);
  g_auto(Run) run = { 0 };
  g_autoptr(GHashTable) v = NULL;
  const char *line = t->kind == KBOOT_HANDOFF_ENTRY_KERNEL64 ? ENTER64_LINE
                                                             : ENTER32_LINE;
  guint32 cr0;
  guint64 cs_desc;

  guest_write_entry (g, t->kind);
  run_qemu (g, firmware, NULL, NULL, &run);
  g_assert_true (run.exited);
  g_assert_cmpint (run.status, ==, PROBE_EXIT_STATUS);
  g_assert_nonnull (strstr (run.serial, line));
  g_assert_nonnull (strstr (run.debugcon, line));
  v = probe_values (run.serial);

  assert_boot_protocol_state (v);
  g_assert_cmphex (((guint64) probe_value (v, "ds_desc_hi") << 32)
                   | probe_value (v, "ds_desc_lo"), ==, X86_GDT_DATA32_FLAT);
  cr0 = probe_value (v, "cr0");
  cs_desc = ((guint64) probe_value (v, "cs_desc_hi") << 32)
            | probe_value (v, "cs_desc_lo");
  g_assert_cmphex (cr0 & X86_CR0_PE, ==, X86_CR0_PE);
  if (t->kind != KBOOT_HANDOFF_ENTRY_KERNEL64)
    {
      g_assert_cmphex (cr0 & X86_CR0_PG, ==, 0);
      g_assert_cmphex (cs_desc, ==, X86_GDT_CODE32_FLAT);
      g_assert_cmphex (probe_value (v, "efer"), ==, 0);   /* not read */
      return;
    }
  g_assert_cmphex (cr0 & X86_CR0_PG, ==, X86_CR0_PG);
  g_assert_cmphex (probe_value (v, "cr4") & X86_CR4_PAE, ==, X86_CR4_PAE);
  g_assert_cmphex (probe_value (v, "cr3") & ~0xfffu, ==, PAGE_TABLES_ADDR);
  /* EFER.LME and LMA (bit 10): long mode enabled and active. */
  g_assert_cmphex (probe_value (v, "efer") & 0x500, ==, 0x500);
  g_assert_cmphex (cs_desc, ==, X86_GDT_CODE64_FLAT);
  g_assert_cmphex (probe_value (v, "rsi_hi"), ==, 0);
  g_assert_cmphex (probe_value (v, "rsp_hi"), ==, 0);
}

/* ---- the CPU a 64-bit kernel needs ---- */

#define NO_LONG_MODE "xen-kboot firmware: the kernel is 64-bit but this CPU " \
  "has no long mode/PAE (on Xen: add <pae/> to the domain's <features>)\n"

typedef struct {
  const char *name;
  const char *cpu;              /* QEMU's -cpu */
  BootParamsHeader hdr;
  const char *line;             /* the complaint; NULL: the kernel runs */
} CpuCase;

static const CpuCase cpu_cases[] = {
  /* What Xen gives a domain without <pae/> (no LM, no PAE), and each
   * feature missing alone. */
  { "no-lm-no-pae", "qemu64,-lm,-pae", { 0x020f, 0x03 }, NO_LONG_MODE },
  { "no-lm", "qemu64,-lm", { 0x020f, 0x03 }, NO_LONG_MODE },
  { "no-pae", "qemu64,-pae", { 0x020f, 0x03 }, NO_LONG_MODE },
  { "qemu32", "qemu32", { 0x020f, 0x01 }, NO_LONG_MODE },
  /* Long mode there: the 64-bit kernel is entered. */
  { "64-bit-on-qemu64", "qemu64", { 0x020f, 0x03 }, NULL },
  /* A 32-bit kernel needs neither. */
  { "32-bit-on-qemu32", "qemu32", { 0x020f, 0x02 }, NULL },
  { "32-bit-on-no-lm", "qemu64,-lm,-pae", { 0x020f, 0x00 }, NULL },
  /* Before 2.12 there is no xloadflags, whatever the bytes say. */
  { "2.11-on-no-lm", "qemu64,-lm,-pae", { 0x020b, 0x01 }, NULL },
};

typedef struct {
  Variant variant;
  const CpuCase *c;
} CpuTest;

static void
test_cpu (gconstpointer data)
{
  const CpuTest *t = data;
  const char *firmware = NULL;
  g_autoptr(Guest) g = guest_new_for (t->variant, NULL, &t->c->hdr, NULL, &firmware);
  g_auto(Run) run = { 0 };

  run_qemu (g, firmware, t->c->cpu, t->c->line, &run);
  if (!t->c->line)
    {
      g_assert_true (run.exited);
      g_assert_cmpint (run.status, ==, PROBE_EXIT_STATUS);
      g_assert_nonnull (strstr (run.serial, ENTER_LINE));
      g_assert_nonnull (strstr (run.debugcon, ENTER_LINE));
      g_assert_nonnull (strstr (run.serial, "probe:"));
      g_assert_null (strstr (run.serial, "long mode"));
      return;
    }
  /* The whole of each console: the one line, nothing before or after. */
  g_assert_cmpstr (run.serial, ==, t->c->line);
  g_assert_cmpstr (run.debugcon, ==, t->c->line);
  /* Halted: still running when stopped, and the kernel never ran. */
  g_assert_false (run.exited);
}

/* The 64-bit entry checks long mode whatever the header says. */
static void
test_entry64_no_long_mode (gconstpointer data)
{
  Variant variant = GPOINTER_TO_INT (data);
  const char *firmware = NULL;
  g_autoptr(Guest) g = guest_new_for (variant, NULL, NULL, NULL, &firmware);
  g_auto(Run) run = { 0 };

  guest_write_entry (g, KBOOT_HANDOFF_ENTRY_KERNEL64);
  run_qemu (g, firmware, "qemu64,-lm,-pae", NO_LONG_MODE, &run);
  g_assert_cmpstr (run.serial, ==, NO_LONG_MODE);
  g_assert_cmpstr (run.debugcon, ==, NO_LONG_MODE);
  g_assert_false (run.exited);
}

int
main (int argc, char **argv)
{
  static const struct {
    Variant variant;
    const char *name;
  } variants[] = {
    { VARIANT_BIOS, "bios" },
    { VARIANT_ELF, "elf" },
  };
  static const struct {
    KbootPlatformKind platform;
    const char *name;
  } platforms[] = {
    { KBOOT_PLATFORM_QEMU_PC, "qemu-pc" },
    { KBOOT_PLATFORM_XEN_HVM, "xen-hvm" },
  };
  static PlatformTest platform[G_N_ELEMENTS (variants)][G_N_ELEMENTS (platforms)];
  static RefuseTest refuse[G_N_ELEMENTS (variants)][G_N_ELEMENTS (refuse_cases)];
  static CpuTest cpu[G_N_ELEMENTS (variants)][G_N_ELEMENTS (cpu_cases)];
  static EntryTest entry[G_N_ELEMENTS (variants)][2];

  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autofree char *path = g_strdup_printf ("/firmware/%s/enter",
                                               variants[i].name);

      g_test_add_data_func (path, GINT_TO_POINTER (variants[i].variant), test_enter);
      for (guint k = 0; k < 2; k++)
        {
          g_autofree char *epath = g_strdup_printf ("/firmware/%s/enter-kernel%s",
                                                    variants[i].name,
                                                    k ? "64" : "32");

          entry[i][k] = (EntryTest) { variants[i].variant,
                                      k ? KBOOT_HANDOFF_ENTRY_KERNEL64
                                        : KBOOT_HANDOFF_ENTRY_KERNEL32 };
          g_test_add_data_func (epath, &entry[i][k], test_entry_kind);
        }
      {
        g_autofree char *npath = g_strdup_printf ("/firmware/%s/enter-kernel64-no-lm",
                                                  variants[i].name);
        g_test_add_data_func (npath, GINT_TO_POINTER (variants[i].variant),
                              test_entry64_no_long_mode);
      }
      for (guint j = 0; j < G_N_ELEMENTS (platforms); j++)
        {
          g_autofree char *ppath = g_strdup_printf ("/firmware/%s/platform/%s",
                                                    variants[i].name,
                                                    platforms[j].name);

          platform[i][j] = (PlatformTest) { variants[i].variant, platforms[j].platform };
          g_test_add_data_func (ppath, &platform[i][j], test_platform);
        }
      for (guint j = 0; j < G_N_ELEMENTS (refuse_cases); j++)
        {
          g_autofree char *rpath = g_strdup_printf ("/firmware/%s/refuse/%s",
                                                    variants[i].name,
                                                    refuse_cases[j].name);

          refuse[i][j] = (RefuseTest) { variants[i].variant, &refuse_cases[j] };
          g_test_add_data_func (rpath, &refuse[i][j], test_refuse);
        }
      for (guint j = 0; j < G_N_ELEMENTS (cpu_cases); j++)
        {
          g_autofree char *cpath = g_strdup_printf ("/firmware/%s/cpu/%s",
                                                    variants[i].name,
                                                    cpu_cases[j].name);

          cpu[i][j] = (CpuTest) { variants[i].variant, &cpu_cases[j] };
          g_test_add_data_func (cpath, &cpu[i][j], test_cpu);
        }
    }
  return g_test_run ();
}
