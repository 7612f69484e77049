/* The shim's own test (tests/xenshim/README.md): the real libxl,
 * libxenctrl and libxenforeignmemory API, called as xen-kboot calls it,
 * with libxenshim.so preloaded (shim-selftest.sh) and the real firmware
 * (XENSHIM_TEST_FIRMWARE).  Expected values are worked out here from the
 * firmware ELF and Xen's rules, not taken from the shim.
 *
 * Every test gets a fresh fake host (XENSHIM_STATE) and log (XENSHIM_LOG).
 * The faults that count calls run in a subprocess, whose count starts at
 * zero. */
#define _GNU_SOURCE 1      /* dladdr(), RTLD_DEFAULT */
#include "config.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <libxl.h>
#include <libxl_utils.h>
#include <xenctrl.h>
#include <xenforeignmemory.h>
#include <xen/hvm/hvm_info_table.h>
#include <xen/hvm/save.h>
#include <xen/arch-x86/hvm/start_info.h>

#define PAGE_SIZE    G_GUINT64_CONSTANT (0x1000)
#define MIB          G_GUINT64_CONSTANT (0x100000)
#define GIB          G_GUINT64_CONSTANT (0x40000000)
#define FOUR_GIB     G_GUINT64_CONSTANT (0x100000000)
#define VIDEO_KIB    G_GUINT64_CONSTANT (8192)   /* libxl's cirrus default */
#define BIOS_DEFAULT G_GUINT64_CONSTANT (262144)

static const char *firmware_path;
static const char *guest_path;        /* xenshim-guest */

/* ---- the firmware, read independently of the shim ----------------------- */

typedef struct {
  GBytes *bytes;
  guint64 entry;
  guint64 pstart, pend;
  guint n_load;
  Elf32_Phdr load[8];
} Firmware;

static Firmware firmware;

static void
firmware_read (void)
{
  g_autoptr(GError) error = NULL;
  const guint8 *data;
  gsize size;
  Elf32_Ehdr eh;

  firmware.bytes = g_file_get_contents (firmware_path, (char **) &data, &size, &error)
                   ? g_bytes_new_take ((gpointer) data, size) : NULL;
  g_assert_no_error (error);
  g_assert_cmpuint (size, >=, sizeof eh);
  memcpy (&eh, data, sizeof eh);
  g_assert_cmpint (eh.e_ident[EI_CLASS], ==, ELFCLASS32);
  firmware.entry = eh.e_entry;
  firmware.pstart = G_MAXUINT64;
  for (guint i = 0; i < eh.e_phnum; i++)
    {
      Elf32_Phdr ph;

      g_assert_cmpuint (eh.e_phoff + (i + 1) * sizeof ph, <=, size);
      memcpy (&ph, data + eh.e_phoff + i * sizeof ph, sizeof ph);
      if (ph.p_type != PT_LOAD)
        continue;
      g_assert_cmpuint (firmware.n_load, <, G_N_ELEMENTS (firmware.load));
      firmware.load[firmware.n_load++] = ph;
      firmware.pstart = MIN (firmware.pstart, ph.p_paddr);
      firmware.pend = MAX (firmware.pend, (guint64) ph.p_paddr + ph.p_memsz);
    }
  g_assert_cmpuint (firmware.n_load, >, 0);
}

static guint64
round_page (guint64 x)
{
  return (x + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

/* ---- fixture ------------------------------------------------------------ */

typedef struct {
  char *tmp;
  char *state;
  char *log;
  xentoollog_logger_stdiostream *logger;
  libxl_ctx *ctx;
  xc_interface *xch;
  xenforeignmemory_handle *fmem;
} Fixture;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *entry;

  while (dir && (entry = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, entry, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* The log so far, which is then emptied. */
static char *
log_take (Fixture *f)
{
  char *text = NULL;

  if (!g_file_get_contents (f->log, &text, NULL, NULL))
    text = g_strdup ("");
  g_unlink (f->log);
  return text;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->tmp = g_dir_make_tmp ("xenshim-selftest-XXXXXX", &error);
  g_assert_no_error (error);
  f->state = g_build_filename (f->tmp, "state", NULL);
  f->log = g_build_filename (f->tmp, "log", NULL);
  g_setenv ("XENSHIM_STATE", f->state, TRUE);
  g_setenv ("XENSHIM_LOG", f->log, TRUE);
  g_unsetenv ("XENSHIM_FAIL");
  g_unsetenv ("XENSHIM_BIOS_SIZE");

  f->logger = xtl_createlogger_stdiostream (stderr, XTL_ERROR, 0);
  g_assert_cmpint (libxl_ctx_alloc (&f->ctx, LIBXL_VERSION, 0,
                                    (xentoollog_logger *) f->logger), ==, 0);
  f->xch = xc_interface_open (NULL, NULL, 0);
  g_assert_nonnull (f->xch);
  f->fmem = xenforeignmemory_open (NULL, 0);
  g_assert_nonnull (f->fmem);
  g_free (log_take (f));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_unsetenv ("XENSHIM_FAIL");
  xenforeignmemory_close (f->fmem);
  xc_interface_close (f->xch);
  libxl_ctx_free (f->ctx);
  xtl_logger_destroy ((xentoollog_logger *) f->logger);
  remove_tree (f->tmp);
  g_free (f->tmp);
  g_free (f->state);
  g_free (f->log);
}

/* ---- helpers ------------------------------------------------------------ */

/* An HVM domain of @ram bytes of guest RAM (libxl's default video RAM on
 * top), with our firmware. */
static void
config_hvm (libxl_domain_config *dc, const char *name, guint64 ram)
{
  libxl_domain_config_init (dc);
  dc->c_info.type = LIBXL_DOMAIN_TYPE_HVM;
  dc->c_info.name = strdup (name);
  libxl_domain_build_info_init_type (&dc->b_info, LIBXL_DOMAIN_TYPE_HVM);
  dc->b_info.max_memkb = ram / 1024 + VIDEO_KIB;
  dc->b_info.u.hvm.firmware = strdup (firmware_path);
}

static guint32
create_ok (Fixture *f, const char *name, guint64 ram)
{
  libxl_domain_config dc;
  guint32 domid = 0;

  config_hvm (&dc, name, ram);
  g_assert_cmpint (libxl_domain_create_new (f->ctx, &dc, &domid, NULL, NULL), ==, 0);
  libxl_domain_config_dispose (&dc);
  return domid;
}

static char *
domain_file (Fixture *f, guint32 domid, const char *name)
{
  g_autofree char *dir = g_strdup_printf ("domain-%u", domid);

  return g_build_filename (f->state, dir, name, NULL);
}

static void
assert_domain_file (Fixture *f, guint32 domid, const char *name, const char *want)
{
  g_autofree char *path = domain_file (f, domid, name);
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, want);
}

/* Copy guest memory out through xenforeignmemory, as the driver reads it. */
static void
guest_read (Fixture *f, guint32 domid, guint64 gpa, void *buf, gsize len)
{
  gsize first = gpa / PAGE_SIZE;
  gsize pages = (gpa + len - 1) / PAGE_SIZE - first + 1;
  g_autofree xen_pfn_t *pfns = g_new (xen_pfn_t, pages);
  g_autofree int *err = g_new0 (int, pages);
  guint8 *base;

  for (gsize i = 0; i < pages; i++)
    pfns[i] = first + i;
  base = xenforeignmemory_map (f->fmem, domid, PROT_READ, pages, pfns, err);
  g_assert_nonnull (base);
  for (gsize i = 0; i < pages; i++)
    g_assert_cmpint (err[i], ==, 0);
  memcpy (buf, base + gpa % PAGE_SIZE, len);
  g_assert_cmpint (xenforeignmemory_unmap (f->fmem, base, pages), ==, 0);
}

static struct hvm_hw_cpu
cpu_get (Fixture *f, guint32 domid)
{
  struct hvm_hw_cpu cpu;

  g_assert_cmpint (xc_domain_hvm_getcontext_partial (f->xch, domid, HVM_SAVE_CODE (CPU),
                                                     0, &cpu, sizeof cpu), ==, 0);
  return cpu;
}

/* What libxenguest left for a domain of @ram bytes with a module of
 * @bios bytes: the hvm_info_table, the registers, the start_info, the
 * firmware's bytes, the module. */
static void
assert_built (Fixture *f, guint32 domid, guint64 ram, guint64 bios)
{
  guint64 lowmem_end = MIN (ram, G_GUINT64_CONSTANT (0xf0000000));
  guint64 highmem_end = ram > lowmem_end ? FOUR_GIB + ram - lowmem_end : 0;
  guint64 module_addr = round_page (firmware.pend);
  guint64 start_info_addr = module_addr + round_page (bios);
  guint n_memmap = highmem_end ? 2 : 1;
  struct hvm_info_table info;
  struct hvm_hw_cpu cpu = cpu_get (f, domid);
  struct hvm_start_info si;
  struct hvm_modlist_entry mod;
  struct hvm_memmap_table_entry memmap[2];
  char cmdline[16];
  guint8 sum = 0;

  guest_read (f, domid, HVM_INFO_PADDR, &info, sizeof info);
  g_assert_cmpmem (info.signature, 8, "HVM INFO", 8);
  g_assert_cmpuint (info.length, ==, sizeof info);
  for (gsize i = 0; i < sizeof info; i++)
    sum += ((guint8 *) &info)[i];
  g_assert_cmpuint (sum, ==, 0);
  g_assert_cmpuint (info.apic_mode, ==, 1);
  g_assert_cmpuint (info.nr_vcpus, ==, 1);
  g_assert_cmpuint (info.vcpu_online[0], ==, 1);
  g_assert_cmpuint (info.low_mem_pgend, ==, lowmem_end >> 12);
  g_assert_cmpuint (info.reserved_mem_pgstart, ==, 0xfeff0);
  g_assert_cmpuint (info.high_mem_pgend, ==, highmem_end >> 12);

  g_assert_cmpuint (cpu.rbx, ==, start_info_addr);
  g_assert_cmpuint (cpu.rip, ==, firmware.entry);
  g_assert_cmpuint (cpu.cr0 & 1, ==, 1);     /* PE */

  guest_read (f, domid, cpu.rbx, &si, sizeof si);
  g_assert_cmphex (si.magic, ==, XEN_HVM_START_MAGIC_VALUE);
  g_assert_cmpuint (si.version, ==, 1);
  g_assert_cmpuint (si.flags, ==, 0);
  g_assert_cmpuint (si.nr_modules, ==, bios ? 1 : 0);
  g_assert_cmpuint (si.modlist_paddr, ==, bios ? cpu.rbx + sizeof si : 0);
  g_assert_cmpuint (si.cmdline_paddr, ==, 0);
  g_assert_cmpuint (si.rsdp_paddr, ==, 0);
  g_assert_cmpuint (si.memmap_paddr, ==, cpu.rbx + sizeof si + 2 * (sizeof mod + 1024));
  g_assert_cmpuint (si.memmap_entries, ==, n_memmap);
  guest_read (f, domid, si.memmap_paddr, memmap, n_memmap * sizeof memmap[0]);
  g_assert_cmphex (memmap[0].addr, ==, MIB);
  g_assert_cmphex (memmap[0].size, ==, lowmem_end - MIB);
  g_assert_cmpuint (memmap[0].type, ==, XEN_HVM_MEMMAP_TYPE_RAM);
  if (highmem_end)
    {
      g_assert_cmphex (memmap[1].addr, ==, FOUR_GIB);
      g_assert_cmphex (memmap[1].size, ==, highmem_end - FOUR_GIB);
      g_assert_cmpuint (memmap[1].type, ==, XEN_HVM_MEMMAP_TYPE_RAM);
    }
  if (bios)
    {
      char head[16];

      guest_read (f, domid, si.modlist_paddr, &mod, sizeof mod);
      g_assert_cmphex (mod.paddr, ==, module_addr);
      g_assert_cmpuint (mod.size, ==, bios);
      guest_read (f, domid, mod.cmdline_paddr, cmdline, sizeof cmdline);
      g_assert_cmpstr (cmdline, ==, "firmware");
      guest_read (f, domid, mod.paddr, head, sizeof head);
      g_assert_cmpmem (head, sizeof head, "SEABIOS!SEABIOS!", 16);
    }

  for (guint i = 0; i < firmware.n_load; i++)
    {
      const Elf32_Phdr *ph = &firmware.load[i];
      g_autofree guint8 *got = g_malloc (ph->p_memsz);
      gsize size;
      const guint8 *data = g_bytes_get_data (firmware.bytes, &size);

      guest_read (f, domid, ph->p_paddr, got, ph->p_memsz);
      g_assert_cmpmem (got, ph->p_filesz, data + ph->p_offset, ph->p_filesz);
      for (guint64 j = ph->p_filesz; j < ph->p_memsz; j++)
        g_assert_cmpuint (got[j], ==, 0);
    }
}

static guint64
file_size (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return (guint64) st.st_size;
}

/* ---- tests: opening ----------------------------------------------------- */

static void
test_open (Fixture *f, gconstpointer data)
{
  libxl_ctx *ctx = NULL;
  xenforeignmemory_handle *fmem;
  g_autofree char *log = NULL;

  g_assert_cmpint (libxl_ctx_alloc (&ctx, LIBXL_VERSION, 0,
                                    (xentoollog_logger *) f->logger), ==, 0);
  fmem = xenforeignmemory_open (NULL, 0);
  g_assert_nonnull (fmem);
  g_assert_cmpint (xenforeignmemory_close (fmem), ==, 0);
  libxl_ctx_free (ctx);
  log = log_take (f);
  g_assert_cmpstr (log, ==, "xc_interface_open\nxenforeignmemory_open\n");
}

/* ---- tests: create ------------------------------------------------------ */

static void
test_create_256m (Fixture *f, gconstpointer data)
{
  const guint64 ram = 256 * MIB;
  libxl_domain_config dc;
  guint32 domid = 0;
  g_autofree char *log = NULL;
  g_autofree char *want = NULL;
  g_autofree char *ram_file = domain_file (f, 1, "ram");

  config_hvm (&dc, "shim-256m", ram);
  g_assert_cmpint (libxl_domain_create_new (f->ctx, &dc, &domid, NULL, NULL), ==, 0);
  g_assert_cmpuint (domid, ==, 1);
  /* Defaults written back as libxl does. */
  g_assert_cmpuint (dc.b_info.video_memkb, ==, VIDEO_KIB);
  g_assert_cmpint (dc.b_info.max_vcpus, ==, 1);
  g_assert_false (libxl_uuid_is_nil (&dc.c_info.uuid));
  libxl_domain_config_dispose (&dc);

  log = log_take (f);
  want = g_strdup_printf ("libxl_domain_create_new domid=1 name=shim-256m type=hvm "
                          "firmware=%s kernel=- device_model=- max_memkb=%" G_GUINT64_FORMAT
                          " video_memkb=8192\n", firmware_path, ram / 1024 + VIDEO_KIB);
  g_assert_cmpstr (log, ==, want);
  assert_domain_file (f, 1, "state", "paused\n");
  assert_domain_file (f, 1, "name", "shim-256m\n");
  /* The RAM file is guest RAM from address 0. */
  g_assert_cmpuint (file_size (ram_file), ==, ram);

  assert_built (f, domid, ram, BIOS_DEFAULT);
  g_free (log);
  log = log_take (f);
  g_assert_true (g_str_has_prefix (log,
                 "xc_domain_hvm_getcontext_partial domid=1 typecode=2\n"
                 "xenforeignmemory_map domid=1 pages=1 first_pfn=0x9f\n"
                 "xenforeignmemory_unmap pages=1\n"));
}

/* 5 GiB: RAM to 0xf0000000, the rest above 4 GiB; the RAM file is sparse. */
static void
test_create_5g (Fixture *f, gconstpointer data)
{
  const guint64 ram = 5 * GIB;
  const guint64 lowmem_end = 0xf0000000, highmem_end = FOUR_GIB + ram - lowmem_end;
  guint32 domid = create_ok (f, "shim-5g", ram);
  g_autofree char *ram_file = domain_file (f, domid, "ram");

  g_assert_cmpuint (file_size (ram_file), ==, ram);
  assert_domain_file (f, domid, "highmem_end", "0x150000000\n");
  g_assert_cmphex (highmem_end, ==, 0x150000000);
  assert_built (f, domid, ram, BIOS_DEFAULT);
}

static void
test_create_video (Fixture *f, gconstpointer data)
{
  static const struct {
    libxl_vga_interface_type kind;
    guint64 video_memkb;        /* LIBXL_MEMKB_DEFAULT: leave libxl's default */
    int rc;
    guint64 want;
  } cases[] = {
    { LIBXL_VGA_INTERFACE_TYPE_CIRRUS, LIBXL_MEMKB_DEFAULT, 0, 8192 },
    { LIBXL_VGA_INTERFACE_TYPE_STD, LIBXL_MEMKB_DEFAULT, 0, 16384 },
    { LIBXL_VGA_INTERFACE_TYPE_NONE, LIBXL_MEMKB_DEFAULT, 0, 0 },
    { LIBXL_VGA_INTERFACE_TYPE_STD, 32768, 0, 32768 },
    { LIBXL_VGA_INTERFACE_TYPE_STD, 8192, ERROR_INVAL, 8192 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("video-%u", i);
      g_autofree char *log = NULL;
      g_autofree char *want = NULL;
      libxl_domain_config dc;
      guint32 domid;

      config_hvm (&dc, name, 64 * MIB);
      dc.b_info.max_memkb = 64 * 1024 + 32768;
      dc.b_info.u.hvm.vga.kind = cases[i].kind;
      dc.b_info.video_memkb = cases[i].video_memkb;
      g_assert_cmpint (libxl_domain_create_new (f->ctx, &dc, &domid, NULL, NULL),
                       ==, cases[i].rc);
      g_assert_cmpuint (dc.b_info.video_memkb, ==, cases[i].want);
      libxl_domain_config_dispose (&dc);
      log = log_take (f);
      want = g_strdup_printf ("video_memkb=%" G_GUINT64_FORMAT "\n%s", cases[i].want,
                              cases[i].rc ? "fail config\n" : "");
      g_assert_true (g_str_has_suffix (log, want));
      if (cases[i].rc == 0)
        {
          g_autofree char *ram_file = domain_file (f, domid, "ram");

          g_assert_cmpuint (file_size (ram_file), ==, (64 * 1024 + 32768 - cases[i].want) * 1024);
        }
    }
}

static void
test_create_no_bios (Fixture *f, gconstpointer data)
{
  guint32 domid;

  g_setenv ("XENSHIM_BIOS_SIZE", "0", TRUE);
  domid = create_ok (f, "no-bios", 32 * MIB);
  assert_built (f, domid, 32 * MIB, 0);
  g_unsetenv ("XENSHIM_BIOS_SIZE");
}

/* No u.hvm.firmware: libxl's hvmloader, for which a stand-in at its link
 * address takes the place (Debian 12's size, 0x33f40 bytes, "HVMLOADR"
 * repeated); the device model boots the kernel. */
static void
test_create_hvmloader (Fixture *f, gconstpointer data)
{
  libxl_domain_config dc;
  guint32 domid;
  struct hvm_hw_cpu cpu;
  struct hvm_modlist_entry mod;
  char stand_in[8];
  g_autofree char *log = NULL;

  config_hvm (&dc, "hvmloader", 32 * MIB);
  free (dc.b_info.u.hvm.firmware);
  dc.b_info.u.hvm.firmware = NULL;
  dc.b_info.kernel = strdup ("/boot/vmlinuz");
  g_assert_cmpint (libxl_domain_create_new (f->ctx, &dc, &domid, NULL, NULL), ==, 0);
  libxl_domain_config_dispose (&dc);
  log = log_take (f);
  g_assert_cmpstr (log, ==, "libxl_domain_create_new domid=1 name=hvmloader type=hvm "
                   "firmware=- kernel=/boot/vmlinuz device_model=- max_memkb=40960 video_memkb=8192\n");
  cpu = cpu_get (f, domid);
  g_assert_cmphex (cpu.rip, ==, 0x100000);
  g_assert_cmphex (cpu.rbx, ==, 0x134000 + BIOS_DEFAULT);
  guest_read (f, domid, cpu.rbx + sizeof (struct hvm_start_info), &mod, sizeof mod);
  g_assert_cmphex (mod.paddr, ==, 0x134000);
  guest_read (f, domid, 0x100000, stand_in, sizeof stand_in);
  g_assert_cmpmem (stand_in, 8, "HVMLOADR", 8);
  guest_read (f, domid, 0x133f38, stand_in, sizeof stand_in);
  g_assert_cmpmem (stand_in, 8, "HVMLOADR", 8);
}

static void
test_create_pv (Fixture *f, gconstpointer data)
{
  libxl_domain_config dc;
  guint32 domid;
  xen_pfn_t pfns[2] = { 0, 0x100 };
  int err[2] = { 0, 0 };
  void *base;
  struct hvm_hw_cpu cpu;
  g_autofree char *ram_file = NULL;
  g_autofree char *log = NULL;

  libxl_domain_config_init (&dc);
  dc.c_info.type = LIBXL_DOMAIN_TYPE_PV;
  dc.c_info.name = strdup ("pv");
  libxl_domain_build_info_init_type (&dc.b_info, LIBXL_DOMAIN_TYPE_PV);
  dc.b_info.max_memkb = 65536;
  g_assert_cmpint (libxl_domain_create_new (f->ctx, &dc, &domid, NULL, NULL), ==, 0);
  libxl_domain_config_dispose (&dc);
  log = log_take (f);
  g_assert_cmpstr (log, ==, "libxl_domain_create_new domid=1 name=pv type=pv "
                   "firmware=- kernel=- device_model=- max_memkb=65536 video_memkb=0\n");
  assert_domain_file (f, domid, "type", "pv\n");
  ram_file = domain_file (f, domid, "ram");
  g_assert_false (g_file_test (ram_file, G_FILE_TEST_EXISTS));
  /* No memory to map, no HVM context. */
  base = xenforeignmemory_map (f->fmem, domid, PROT_READ, 2, pfns, err);
  g_assert_nonnull (base);
  g_assert_cmpint (err[0], ==, -ENOENT);
  g_assert_cmpint (err[1], ==, -ENOENT);
  g_assert_cmpint (xenforeignmemory_unmap (f->fmem, base, 2), ==, 0);
  errno = 0;
  g_assert_cmpint (xc_domain_hvm_getcontext_partial (f->xch, domid, HVM_SAVE_CODE (CPU),
                                                     0, &cpu, sizeof cpu), ==, -1);
  g_assert_cmpint (errno, ==, EINVAL);
}

/* What libxl or libxenguest refuse leaves nothing behind. */
static void
test_create_refused (Fixture *f, gconstpointer data)
{
  g_autofree char *not_elf = g_build_filename (f->tmp, "not-elf", NULL);
  static const char *const wants[] = {
    "fail duplicate-name", "fail duplicate-name", "fail firmware-elf",
    "fail firmware-elf", "fail firmware-elf", "fail firmware-fit",
    "fail config", "fail config", "fail config",
  };
  /* Refused by libxl (names, types): no domid used; refused while
   * building (firmware, memory): Xen had allocated one. */
  static const guint32 domids[] = { 2, 2, 2, 3, 4, 5, 6, 7, 8 };
  G_STATIC_ASSERT (G_N_ELEMENTS (domids) == G_N_ELEMENTS (wants));
  g_autoptr(GDir) dir = NULL;
  const char *entry;
  guint n_entries = 0;

  g_assert_true (g_file_set_contents (not_elf, "#!/bin/sh\n", -1, NULL));
  create_ok (f, "taken", 32 * MIB);
  g_free (log_take (f));

  for (guint i = 0; i < G_N_ELEMENTS (wants); i++)
    {
      libxl_domain_config dc;
      guint32 domid = 0;
      g_autofree char *log = NULL;
      g_autofree char *want = g_strconcat (wants[i], "\n", NULL);
      g_autofree char *want_prefix = NULL;
      int rc;

      config_hvm (&dc, "refused", 32 * MIB);
      switch (i)
        {
        case 0: free (dc.c_info.name); dc.c_info.name = strdup ("taken"); break;
        case 1: free (dc.c_info.name); dc.c_info.name = strdup ("Domain-0"); break;
        case 2: free (dc.b_info.u.hvm.firmware); dc.b_info.u.hvm.firmware = strdup ("/proc/self/exe"); break;
        case 3: free (dc.b_info.u.hvm.firmware); dc.b_info.u.hvm.firmware = strdup (not_elf); break;
        case 4: free (dc.b_info.u.hvm.firmware); dc.b_info.u.hvm.firmware = strdup ("xen-kboot-fw.elf"); break;
        case 5:                                                   /* 16 MiB BIOS in 16 MiB */
          g_setenv ("XENSHIM_BIOS_SIZE", "16777216", TRUE);
          dc.b_info.max_memkb = VIDEO_KIB + 16 * 1024;
          break;
        case 6: dc.b_info.max_memkb = VIDEO_KIB + 1024; break;      /* 1 MiB of RAM */
        case 7: dc.b_info.max_memkb = VIDEO_KIB + 32 * 1024 + 1; break;  /* not pages */
        case 8: dc.c_info.type = LIBXL_DOMAIN_TYPE_PV; break;        /* b_info says HVM */
        default: g_assert_not_reached ();
        }
      rc = libxl_domain_create_new (f->ctx, &dc, &domid, NULL, NULL);
      g_unsetenv ("XENSHIM_BIOS_SIZE");
      libxl_domain_config_dispose (&dc);
      g_test_message ("case %u: rc %d", i, rc);
      g_assert_cmpint (rc, ==, i < 2 || i >= 6 ? ERROR_INVAL : ERROR_FAIL);
      g_assert_cmpuint (domid, ==, (guint32) INVALID_DOMID);
      log = log_take (f);
      want_prefix = g_strdup_printf ("libxl_domain_create_new domid=%u ", domids[i]);
      g_assert_true (g_str_has_prefix (log, want_prefix));
      g_assert_true (g_str_has_suffix (log, want));
    }

  /* Only the first domain, the lock and the rover remain. */
  dir = g_dir_open (f->state, 0, NULL);
  while ((entry = g_dir_read_name (dir)))
    {
      g_assert_true (g_str_equal (entry, "domain-1") || g_str_equal (entry, "lock")
                     || g_str_equal (entry, "last_domid"));
      n_entries++;
    }
  g_assert_cmpuint (n_entries, ==, 3);
}

/* ---- tests: lifecycle --------------------------------------------------- */

static void
test_lifecycle (Fixture *f, gconstpointer data)
{
  guint32 a = create_ok (f, "a", 32 * MIB);
  guint32 b = create_ok (f, "b", 64 * MIB);
  libxl_dominfo *list;
  libxl_dominfo info;
  int n = 0;
  guint32 domid = 0;
  g_autofree char *name = NULL;
  g_autofree char *dir_a = NULL;
  g_autofree char *log = NULL;
  g_autofree char *uuid = NULL;

  g_assert_cmpuint (a, ==, 1);
  g_assert_cmpuint (b, ==, 2);
  g_free (log_take (f));

  list = libxl_list_domain (f->ctx, &n);
  g_assert_nonnull (list);
  g_assert_cmpint (n, ==, 3);
  g_assert_cmpuint (list[0].domid, ==, 0);
  g_assert_true (list[0].running);
  g_assert_cmpuint (list[1].domid, ==, a);
  g_assert_true (list[1].paused);
  g_assert_false (list[1].running);
  g_assert_cmpuint (list[1].max_memkb, ==, 32 * 1024 + VIDEO_KIB);
  g_assert_cmpuint (list[1].current_memkb, ==, 32 * 1024 + VIDEO_KIB);
  g_assert_cmpuint (list[1].vcpu_online, ==, 1);
  g_assert_cmpint (list[1].domain_type, ==, LIBXL_DOMAIN_TYPE_HVM);
  uuid = g_strdup_printf (LIBXL_UUID_FMT "\n", LIBXL_UUID_BYTES (list[1].uuid));
  assert_domain_file (f, a, "uuid", uuid);
  g_assert_cmpuint (list[2].domid, ==, b);
  libxl_dominfo_list_free (list, n);

  g_assert_cmpint (libxl_name_to_domid (f->ctx, "b", &domid), ==, 0);
  g_assert_cmpuint (domid, ==, b);
  g_assert_cmpint (libxl_name_to_domid (f->ctx, "Domain-0", &domid), ==, 0);
  g_assert_cmpuint (domid, ==, 0);
  g_assert_cmpint (libxl_name_to_domid (f->ctx, "nope", &domid), ==, ERROR_INVAL);
  name = libxl_domid_to_name (f->ctx, a);
  g_assert_cmpstr (name, ==, "a");
  g_assert_null (libxl_domid_to_name (f->ctx, 99));

  g_assert_cmpint (libxl_domain_unpause (f->ctx, a, NULL), ==, 0);
  assert_domain_file (f, a, "state", "running\n");
  libxl_dominfo_init (&info);
  g_assert_cmpint (libxl_domain_info (f->ctx, &info, a), ==, 0);
  g_assert_true (info.running);
  libxl_dominfo_dispose (&info);
  g_assert_cmpint (libxl_domain_unpause (f->ctx, a, NULL), ==, ERROR_FAIL);
  g_assert_cmpint (libxl_domain_pause (f->ctx, a, NULL), ==, 0);
  assert_domain_file (f, a, "state", "paused\n");
  g_assert_cmpint (libxl_domain_unpause (f->ctx, 99, NULL), ==, ERROR_INVAL);

  dir_a = g_build_filename (f->state, "domain-1", NULL);
  g_assert_cmpint (libxl_domain_destroy (f->ctx, a, NULL), ==, 0);
  g_assert_false (g_file_test (dir_a, G_FILE_TEST_EXISTS));
  g_assert_cmpint (libxl_domain_destroy (f->ctx, a, NULL), ==, ERROR_INVAL);
  g_assert_cmpint (libxl_domain_info (f->ctx, NULL, a), ==, ERROR_DOMAIN_NOTFOUND);
  g_assert_cmpint (libxl_domain_info (f->ctx, NULL, b), ==, 0);
  g_assert_cmpint (libxl_domain_destroy (f->ctx, 0, NULL), ==, ERROR_INVAL);

  log = log_take (f);
  g_assert_cmpstr (log, ==,
                   "libxl_list_domain\n"
                   "libxl_domain_unpause domid=1\n"
                   "libxl_domain_unpause domid=1\n"
                   "libxl_domain_pause domid=1\n"
                   "libxl_domain_unpause domid=99\n"
                   "libxl_domain_destroy domid=1\n"
                   "libxl_domain_destroy domid=1\n"
                   "libxl_domain_destroy domid=0\n");

  /* Xen moves on to the next id: 1 is not used again yet. */
  g_assert_cmpuint (create_ok (f, "a", 32 * MIB), ==, 3);
  g_assert_cmpuint (create_ok (f, "c", 32 * MIB), ==, 4);
}

/* Xen's rover: the id after the last allocated, wrapping to 1 below
 * DOMID_FIRST_RESERVED, skipping ids in use; a refused create uses none. */
static void
test_domid_rover (Fixture *f, gconstpointer data)
{
  g_autofree char *rover = g_build_filename (f->state, "last_domid", NULL);
  g_autofree char *last = g_strdup_printf ("%u\n", DOMID_FIRST_RESERVED - 1);
  libxl_domain_config dc;
  guint32 domid = 0;

  g_assert_cmpuint (create_ok (f, "one", 32 * MIB), ==, 1);
  g_assert_cmpint (libxl_domain_destroy (f->ctx, 1, NULL), ==, 0);
  config_hvm (&dc, "one", 32 * MIB);
  dc.c_info.type = LIBXL_DOMAIN_TYPE_PV;   /* refused by libxl, before Xen */
  g_assert_cmpint (libxl_domain_create_new (f->ctx, &dc, &domid, NULL, NULL), !=, 0);
  libxl_domain_config_dispose (&dc);
  g_assert_cmpuint (create_ok (f, "two", 32 * MIB), ==, 2);

  g_assert_true (g_file_set_contents (rover, last, -1, NULL));
  g_assert_cmpuint (create_ok (f, "wrapped", 32 * MIB), ==, 1);
  g_assert_true (g_file_set_contents (rover, last, -1, NULL));
  g_assert_cmpuint (create_ok (f, "skips", 32 * MIB), ==, 3);
  assert_domain_file (f, 3, "name", "skips\n");
}

static void
test_userdata (Fixture *f, gconstpointer data)
{
  guint32 domid = create_ok (f, "ud", 32 * MIB);
  const guint8 blob[] = "key=value\nother=1\n";
  uint8_t *got = NULL;
  int len = -1;
  libxl_domain_config dc;
  g_autofree char *log = NULL;
  g_autofree char *dir = NULL;

  g_free (log_take (f));
  g_assert_cmpint (libxl_userdata_retrieve (f->ctx, domid, "xen-kboot", &got, &len), ==, 0);
  g_assert_null (got);
  g_assert_cmpint (len, ==, 0);

  g_assert_cmpint (libxl_userdata_store (f->ctx, domid, "xen-kboot", blob, sizeof blob), ==, 0);
  g_assert_cmpint (libxl_userdata_retrieve (f->ctx, domid, "xen-kboot", &got, &len), ==, 0);
  g_assert_cmpmem (got, len, blob, sizeof blob);
  free (got);
  g_assert_cmpint (libxl_userdata_store (f->ctx, domid, "xen-kboot", blob, 3), ==, 0);
  g_assert_cmpint (libxl_userdata_retrieve (f->ctx, domid, "xen-kboot", NULL, &len), ==, 0);
  g_assert_cmpint (len, ==, 3);

  /* datalen 0 deletes; deleting nothing fails, as in libxl. */
  g_assert_cmpint (libxl_userdata_store (f->ctx, domid, "xen-kboot", NULL, 0), ==, 0);
  g_assert_cmpint (libxl_userdata_retrieve (f->ctx, domid, "xen-kboot", &got, &len), ==, 0);
  g_assert_null (got);
  g_assert_cmpint (libxl_userdata_store (f->ctx, domid, "xen-kboot", NULL, 0), ==, ERROR_FAIL);

  g_assert_cmpint (libxl_userdata_store (f->ctx, 99, "xen-kboot", blob, 3), ==, ERROR_INVAL);
  g_assert_cmpint (libxl_userdata_retrieve (f->ctx, 99, "xen-kboot", &got, &len), ==, ERROR_INVAL);
  g_assert_cmpint (libxl_userdata_store (f->ctx, domid, "a/b", blob, 3), ==, ERROR_INVAL);

  /* Domain-0 has userdata too (none at first). */
  g_assert_cmpint (libxl_userdata_retrieve (f->ctx, 0, "xen-kboot", &got, &len), ==, 0);
  g_assert_null (got);
  g_assert_cmpint (libxl_userdata_store (f->ctx, 0, "xen-kboot", blob, 3), ==, 0);
  g_assert_cmpint (libxl_userdata_retrieve (f->ctx, 0, "xen-kboot", NULL, &len), ==, 0);
  g_assert_cmpint (len, ==, 3);

  /* libxl's own record of the config, as libxl__set_domain_configuration
   * stores it. */
  g_assert_cmpint (libxl_userdata_retrieve (f->ctx, domid, "libxl-json", &got, &len), ==, 0);
  g_assert_cmpint (len, >, 0);
  g_assert_cmpint (got[len - 1], ==, '\0');
  libxl_domain_config_init (&dc);
  g_assert_cmpint (libxl_domain_config_from_json (f->ctx, &dc, (const char *) got), ==, 0);
  g_assert_cmpstr (dc.c_info.name, ==, "ud");
  libxl_domain_config_dispose (&dc);
  free (got);

  log = log_take (f);
  g_assert_cmpstr (log, ==,
                   "libxl_userdata_store domid=1 userid=xen-kboot\n"
                   "libxl_userdata_store domid=1 userid=xen-kboot\n"
                   "libxl_userdata_store domid=1 userid=xen-kboot\n"
                   "libxl_userdata_store domid=1 userid=xen-kboot\n"
                   "libxl_userdata_store domid=99 userid=xen-kboot\n"
                   "libxl_userdata_store domid=1 userid=a/b\n"
                   "libxl_userdata_store domid=0 userid=xen-kboot\n");

  /* The userdata goes with the domain. */
  g_assert_cmpint (libxl_userdata_store (f->ctx, domid, "xen-kboot", blob, 3), ==, 0);
  g_assert_cmpint (libxl_domain_destroy (f->ctx, domid, NULL), ==, 0);
  dir = g_build_filename (f->state, "domain-1", NULL);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
}

/* ---- tests: shutdown and death events ------------------------------------ */

/* xenshim-guest ARGS...: its exit status; its stderr in *err when wanted. */
static int
guest_run (const char *const *args, char **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_ptr_array_add (argv, (gpointer) guest_path);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT,
                               NULL, NULL, NULL, err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static void
guest_shutdown (guint32 domid, const char *reason)
{
  g_autofree char *id = g_strdup_printf ("%u", domid);
  const char *args[] = { "shutdown", id, reason, NULL };

  g_assert_cmpint (guest_run (args, NULL), ==, 0);
}

static guint32
create_running (Fixture *f, const char *name)
{
  guint32 domid = create_ok (f, name, 32 * MIB);

  g_assert_cmpint (libxl_domain_unpause (f->ctx, domid, NULL), ==, 0);
  return domid;
}

static libxl_event *
event_next (Fixture *f)
{
  libxl_event *event = NULL;

  g_assert_cmpint (libxl_event_check (f->ctx, &event, LIBXL_EVENTMASK_ALL, NULL, NULL), ==, 0);
  g_assert_nonnull (event);
  return event;
}

static void
assert_no_event (Fixture *f)
{
  libxl_event *event = NULL;

  g_assert_cmpint (libxl_event_check (f->ctx, &event, LIBXL_EVENTMASK_ALL, NULL, NULL),
                   ==, ERROR_NOT_READY);
  g_assert_null (event);
}

/* Shut down, reported once with its reason and the evgen's user; the state
 * and dominfo show it; destroyed, DEATH once. */
static void
test_events_shutdown (Fixture *f, gconstpointer data)
{
  guint32 domid = create_running (f, "ev");
  libxl_evgen_domain_death *deathw = NULL;
  libxl_event *event;
  libxl_dominfo info;
  g_autofree char *log = NULL;

  g_free (log_take (f));
  g_assert_cmpint (libxl_evenable_domain_death (f->ctx, domid, 42, &deathw), ==, 0);
  assert_no_event (f);
  guest_shutdown (domid, "reboot");
  assert_domain_file (f, domid, "state", "shutdown\n");
  assert_domain_file (f, domid, "shutdown_reason", "reboot\n");
  libxl_dominfo_init (&info);
  g_assert_cmpint (libxl_domain_info (f->ctx, &info, domid), ==, 0);
  g_assert_true (info.shutdown);
  g_assert_false (info.running);
  g_assert_cmpint (info.shutdown_reason, ==, LIBXL_SHUTDOWN_REASON_REBOOT);
  libxl_dominfo_dispose (&info);

  event = event_next (f);
  g_assert_cmpint (event->type, ==, LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN);
  g_assert_cmpuint (event->domid, ==, domid);
  g_assert_cmpuint (event->for_user, ==, 42);
  g_assert_cmpint (event->u.domain_shutdown.shutdown_reason, ==, LIBXL_SHUTDOWN_REASON_REBOOT);
  libxl_event_free (f->ctx, event);
  assert_no_event (f);

  /* A shut down domain stays so: pause changes nothing, unpause fails. */
  g_assert_cmpint (libxl_domain_pause (f->ctx, domid, NULL), ==, 0);
  g_assert_cmpint (libxl_domain_unpause (f->ctx, domid, NULL), ==, ERROR_FAIL);
  assert_domain_file (f, domid, "state", "shutdown\n");

  g_assert_cmpint (libxl_domain_destroy (f->ctx, domid, NULL), ==, 0);
  g_assert_cmpint (libxl_event_wait (f->ctx, &event, LIBXL_EVENTMASK_ALL, NULL, NULL), ==, 0);
  g_assert_cmpint (event->type, ==, LIBXL_EVENT_TYPE_DOMAIN_DEATH);
  g_assert_cmpuint (event->domid, ==, domid);
  libxl_event_free (f->ctx, event);
  assert_no_event (f);
  libxl_evdisable_domain_death (f->ctx, deathw);

  log = log_take (f);
  g_assert_cmpstr (log, ==,
                   "libxl_evenable_domain_death domid=1\n"
                   "libxl_event_check none\n"
                   "guest_shutdown domid=1 reason=reboot\n"
                   "libxl_event_check domid=1 type=domain_shutdown reason=reboot\n"
                   "libxl_event_free domid=1 type=domain_shutdown reason=reboot\n"
                   "libxl_event_check none\n"
                   "libxl_domain_pause domid=1\n"
                   "libxl_domain_unpause domid=1\n"
                   "libxl_domain_destroy domid=1\n"
                   "libxl_event_wait domid=1 type=domain_death\n"
                   "libxl_event_free domid=1 type=domain_death\n"
                   "libxl_event_check none\n"
                   "libxl_evdisable_domain_death domid=1\n");
}

/* What happened before the watch is reported when it is set up, as libxl's
 * first look at @releaseDomain does: a guest that shut down as soon as it
 * ran (XENSHIM_ON_UNPAUSE), a domain that never existed. */
static void
test_events_before_watch (Fixture *f, gconstpointer data)
{
  guint32 domid = create_ok (f, "quick", 32 * MIB);
  libxl_evgen_domain_death *a = NULL, *b = NULL;
  libxl_event *event;

  g_setenv ("XENSHIM_ON_UNPAUSE", "crash", TRUE);
  g_assert_cmpint (libxl_domain_unpause (f->ctx, domid, NULL), ==, 0);
  g_unsetenv ("XENSHIM_ON_UNPAUSE");
  assert_domain_file (f, domid, "shutdown_reason", "crash\n");
  g_assert_cmpint (libxl_evenable_domain_death (f->ctx, domid, 0, &a), ==, 0);
  g_assert_cmpint (libxl_evenable_domain_death (f->ctx, 77, 0, &b), ==, 0);
  event = event_next (f);
  g_assert_cmpint (event->type, ==, LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN);
  g_assert_cmpint (event->u.domain_shutdown.shutdown_reason, ==, LIBXL_SHUTDOWN_REASON_CRASH);
  libxl_event_free (f->ctx, event);
  event = event_next (f);
  g_assert_cmpint (event->type, ==, LIBXL_EVENT_TYPE_DOMAIN_DEATH);
  g_assert_cmpuint (event->domid, ==, 77);
  libxl_event_free (f->ctx, event);
  assert_no_event (f);
  libxl_evdisable_domain_death (f->ctx, a);
  libxl_evdisable_domain_death (f->ctx, b);
  g_assert_true (g_str_has_suffix (log_take (f),
                 "libxl_domain_unpause domid=1\n"
                 "guest_shutdown domid=1 reason=crash\n"
                 "libxl_evenable_domain_death domid=1\n"
                 "libxl_evenable_domain_death domid=77\n"
                 "libxl_event_check domid=1 type=domain_shutdown reason=crash\n"
                 "libxl_event_free domid=1 type=domain_shutdown reason=crash\n"
                 "libxl_event_check domid=77 type=domain_death\n"
                 "libxl_event_free domid=77 type=domain_death\n"
                 "libxl_event_check none\n"
                 "libxl_evdisable_domain_death domid=1\n"
                 "libxl_evdisable_domain_death domid=77\n"));
}

static int
event_is_domain (const libxl_event *event, void *user)
{
  return event->domid == GPOINTER_TO_UINT (user);
}

/* Events wait in their own ctx, are picked by type mask and predicate, and
 * stay queued when their evgen is disabled. */
static void
test_events_queue (Fixture *f, gconstpointer data)
{
  guint32 a = create_running (f, "qa"), b = create_running (f, "qb");
  libxl_evgen_domain_death *wa = NULL, *wb = NULL, *other_w = NULL;
  libxl_ctx *other = NULL;
  libxl_event *event = NULL;

  g_assert_cmpint (libxl_ctx_alloc (&other, LIBXL_VERSION, 0,
                                    (xentoollog_logger *) f->logger), ==, 0);
  g_assert_cmpint (libxl_evenable_domain_death (f->ctx, a, 1, &wa), ==, 0);
  g_assert_cmpint (libxl_evenable_domain_death (f->ctx, b, 2, &wb), ==, 0);
  g_assert_cmpint (libxl_evenable_domain_death (other, a, 3, &other_w), ==, 0);
  guest_shutdown (a, "poweroff");
  guest_shutdown (b, "watchdog");

  g_assert_cmpint (libxl_event_check (f->ctx, &event,
                                      (uint64_t) 1 << LIBXL_EVENT_TYPE_DOMAIN_DEATH,
                                      NULL, NULL), ==, ERROR_NOT_READY);
  g_assert_cmpint (libxl_event_check (f->ctx, &event, LIBXL_EVENTMASK_ALL,
                                      event_is_domain, GUINT_TO_POINTER (b)), ==, 0);
  g_assert_cmpuint (event->domid, ==, b);
  g_assert_cmpint (event->u.domain_shutdown.shutdown_reason, ==, LIBXL_SHUTDOWN_REASON_WATCHDOG);
  libxl_event_free (f->ctx, event);

  libxl_evdisable_domain_death (f->ctx, wa);
  event = event_next (f);
  g_assert_cmpuint (event->domid, ==, a);
  g_assert_cmpuint (event->for_user, ==, 1);
  libxl_event_free (f->ctx, event);
  assert_no_event (f);

  /* The other ctx has its own. */
  g_assert_cmpint (libxl_event_check (other, &event, LIBXL_EVENTMASK_ALL, NULL, NULL), ==, 0);
  g_assert_cmpuint (event->domid, ==, a);
  g_assert_cmpuint (event->for_user, ==, 3);
  libxl_event_free (other, event);
  libxl_evdisable_domain_death (other, other_w);
  libxl_evdisable_domain_death (f->ctx, wb);
  libxl_ctx_free (other);
}

static gpointer
shutdown_later (gpointer domid)
{
  g_usleep (200000);
  guest_shutdown (GPOINTER_TO_UINT (domid), "poweroff");
  return NULL;
}

/* libxl_event_wait blocks until another process shuts the guest down. */
static void
test_events_wait (Fixture *f, gconstpointer data)
{
  guint32 domid = create_running (f, "waits");
  libxl_evgen_domain_death *deathw = NULL;
  libxl_event *event = NULL;
  GThread *thread;
  gint64 start = g_get_monotonic_time ();

  g_assert_cmpint (libxl_evenable_domain_death (f->ctx, domid, 0, &deathw), ==, 0);
  thread = g_thread_new ("shutdown", shutdown_later, GUINT_TO_POINTER (domid));
  g_assert_cmpint (libxl_event_wait (f->ctx, &event, LIBXL_EVENTMASK_ALL, NULL, NULL), ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 200000);
  g_assert_cmpint (event->type, ==, LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN);
  libxl_event_free (f->ctx, event);
  g_thread_join (thread);
  libxl_evdisable_domain_death (f->ctx, deathw);
}

/* xenshim-guest refuses what a guest cannot do. */
static void
test_events_guest_refused (Fixture *f, gconstpointer data)
{
  guint32 paused = create_ok (f, "paused", 32 * MIB);
  guint32 running = create_running (f, "running");
  g_autofree char *p = g_strdup_printf ("%u", paused);
  g_autofree char *r = g_strdup_printf ("%u", running);
  const char *no_domain[] = { "shutdown", "99", "poweroff", NULL };
  const char *is_paused[] = { "shutdown", p, "poweroff", NULL };
  const char *again[] = { "shutdown", r, "reboot", NULL };
  const char *bad_reason[] = { "shutdown", r, "halt", NULL };
  const char *bad_verb[] = { "crash", r, NULL };
  char *err = NULL;

  g_assert_cmpint (guest_run (no_domain, &err), ==, 1);
  g_assert_cmpstr (err, ==, "xenshim: xenshim-guest: no domain 99\n");
  g_free (err);
  g_assert_cmpint (guest_run (is_paused, &err), ==, 1);
  g_assert_cmpstr (err, ==, "xenshim: xenshim-guest: domain 1 is paused: its guest runs no code\n");
  g_free (err);
  guest_shutdown (running, "poweroff");
  g_assert_cmpint (guest_run (again, &err), ==, 1);
  g_assert_cmpstr (err, ==, "xenshim: xenshim-guest: domain 2 has already shut down (poweroff)\n");
  g_free (err);
  assert_domain_file (f, running, "shutdown_reason", "poweroff\n");
  g_assert_cmpint (guest_run (bad_reason, NULL), ==, 2);
  g_assert_cmpint (guest_run (bad_verb, NULL), ==, 2);
}

/* libxl_domain_core_dump writes the file (ours: a line naming the
 * domain); libxl_domain_preserve renames, keeping the domain's handle and
 * so its userdata. */
static void
test_core_dump_preserve (Fixture *f, gconstpointer data)
{
  guint32 domid = create_running (f, "keep");
  g_autofree char *core = g_build_filename (f->tmp, "core", NULL);
  g_autofree char *nowhere = g_build_filename (f->tmp, "no-dir", "core", NULL);
  g_autofree char *text = NULL;
  g_autofree char *uuid_before = NULL, *uuid_after = NULL, *name = NULL;
  g_autofree char *uuid_file = domain_file (f, domid, "uuid");
  g_autofree char *log = NULL, *want = NULL;
  libxl_domain_create_info info;
  libxl_uuid new_uuid;
  uint8_t *got = NULL;
  int len = 0;

  guest_shutdown (domid, "crash");
  g_assert_cmpint (libxl_domain_core_dump (f->ctx, domid, core, NULL), ==, 0);
  g_assert_true (g_file_get_contents (core, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "xenshim core of domain 1 'keep', 40960 KiB\n");
  g_assert_cmpint (libxl_domain_core_dump (f->ctx, domid, nowhere, NULL), ==, ERROR_FAIL);
  g_assert_cmpint (libxl_domain_core_dump (f->ctx, 99, core, NULL), ==, ERROR_FAIL);

  g_assert_cmpint (libxl_userdata_store (f->ctx, domid, "xen-kboot",
                                         (const uint8_t *) "x=1\n", 4), ==, 0);
  g_assert_true (g_file_get_contents (uuid_file, &uuid_before, NULL, NULL));
  libxl_domain_create_info_init (&info);
  libxl_uuid_generate (&new_uuid);
  info.name = strdup ("other");
  g_assert_cmpint (libxl_domain_preserve (f->ctx, domid, &info, "-x", new_uuid), ==, ERROR_INVAL);
  free (info.name);
  info.name = strdup ("keep");
  create_ok (f, "keep-taken", 32 * MIB);
  g_assert_cmpint (libxl_domain_preserve (f->ctx, domid, &info, "-taken", new_uuid), ==, ERROR_INVAL);
  g_assert_cmpint (libxl_domain_preserve (f->ctx, domid, &info, "-20240501T1200Z", new_uuid), ==, 0);
  libxl_domain_create_info_dispose (&info);
  name = libxl_domid_to_name (f->ctx, domid);
  g_assert_cmpstr (name, ==, "keep-20240501T1200Z");
  g_assert_true (g_file_get_contents (uuid_file, &uuid_after, NULL, NULL));
  g_assert_cmpstr (uuid_after, ==, uuid_before);
  g_assert_cmpint (libxl_userdata_retrieve (f->ctx, domid, "xen-kboot", &got, &len), ==, 0);
  g_assert_cmpint (len, ==, 4);
  free (got);
  assert_domain_file (f, domid, "state", "shutdown\n");

  g_setenv ("XENSHIM_FAIL", "coredump,preserve", TRUE);
  g_assert_cmpint (libxl_domain_core_dump (f->ctx, domid, core, NULL), ==, ERROR_FAIL);
  info.name = strdup ("keep-20240501T1200Z");
  g_assert_cmpint (libxl_domain_preserve (f->ctx, domid, &info, "-y", new_uuid), ==, ERROR_FAIL);
  free (info.name);
  log = log_take (f);
  want = g_strdup_printf ("libxl_domain_core_dump domid=1 file=%s\nfail coredump\n"
                          "libxl_domain_preserve domid=1 name=keep-20240501T1200Z-y\n"
                          "fail preserve\n", core);
  g_assert_true (g_str_has_suffix (log, want));
}

/* ---- tests: foreign mappings -------------------------------------------- */

/* 1024-page maps above 4 GiB, across the end of RAM and the MMIO hole, in
 * the VGA hole, and of scattered frames: each page where the layout says. */
static void
test_map (Fixture *f, gconstpointer data)
{
  const guint64 ram = 5 * GIB, lowmem_end = 0xf0000000;
  const gsize n = 1024;
  guint32 domid = create_ok (f, "map", ram);
  g_autofree char *ram_file = domain_file (f, domid, "ram");
  g_autofree xen_pfn_t *pfns = g_new (xen_pfn_t, n);
  g_autofree int *err = g_new (int, n);
  guint8 *base;
  guint64 word;
  int fd = g_open (ram_file, O_RDONLY, 0);
  g_autofree char *log = NULL;

  g_assert_cmpint (fd, >=, 0);
  g_free (log_take (f));

  /* [4 GiB, +4 MiB): file offset lowmem_end. */
  for (gsize i = 0; i < n; i++)
    pfns[i] = 0x100000 + i;
  base = xenforeignmemory_map (f->fmem, domid, PROT_READ | PROT_WRITE, n, pfns, err);
  g_assert_nonnull (base);
  for (gsize i = 0; i < n; i++)
    {
      g_assert_cmpint (err[i], ==, 0);
      *(guint64 *) (gpointer) (base + i * PAGE_SIZE) = 0x1000000000000 + i;
    }
  g_assert_cmpint (xenforeignmemory_unmap (f->fmem, base, n), ==, 0);
  for (gsize i = 0; i < n; i += 511)
    {
      g_assert_cmpint (pread (fd, &word, sizeof word, (off_t) (lowmem_end + i * PAGE_SIZE)),
                       ==, sizeof word);
      g_assert_cmphex (word, ==, 0x1000000000000 + i);
    }

  /* The last 512 pages of RAM and 512 beyond it. */
  for (gsize i = 0; i < n; i++)
    pfns[i] = (FOUR_GIB + ram - lowmem_end) / PAGE_SIZE - 512 + i;
  base = xenforeignmemory_map (f->fmem, domid, PROT_READ | PROT_WRITE, n, pfns, err);
  g_assert_nonnull (base);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpint (err[i], ==, i < 512 ? 0 : -ENOENT);
  base[511 * PAGE_SIZE] = 0x5a;
  g_assert_cmpint (xenforeignmemory_unmap (f->fmem, base, n), ==, 0);
  g_assert_cmpint (pread (fd, &word, 1, (off_t) (ram - PAGE_SIZE)), ==, 1);
  g_assert_cmphex (word & 0xff, ==, 0x5a);

  /* Across lowmem_end into the MMIO hole. */
  for (gsize i = 0; i < 16; i++)
    pfns[i] = lowmem_end / PAGE_SIZE - 8 + i;
  base = xenforeignmemory_map (f->fmem, domid, PROT_READ, 16, pfns, err);
  g_assert_nonnull (base);
  for (gsize i = 0; i < 16; i++)
    g_assert_cmpint (err[i], ==, i < 8 ? 0 : -ENOENT);
  g_assert_cmpint (xenforeignmemory_unmap (f->fmem, base, 16), ==, 0);

  /* pfns 0x9e-0xc1: the VGA hole is not populated. */
  for (gsize i = 0; i < 0x24; i++)
    pfns[i] = 0x9e + i;
  base = xenforeignmemory_map (f->fmem, domid, PROT_READ, 0x24, pfns, err);
  g_assert_nonnull (base);
  for (gsize i = 0; i < 0x24; i++)
    g_assert_cmpint (err[i], ==, pfns[i] >= 0xa0 && pfns[i] < 0xc0 ? -ENOENT : 0);
  g_assert_cmpmem (base + PAGE_SIZE + 0x800, 8, "HVM INFO", 8);
  g_assert_cmpint (xenforeignmemory_unmap (f->fmem, base, 0x24), ==, 0);
  /* Without err[], any hole fails the whole call. */
  errno = 0;
  g_assert_null (xenforeignmemory_map (f->fmem, domid, PROT_READ, 0x24, pfns, NULL));
  g_assert_cmpint (errno, ==, ENOENT);

  /* Scattered frames: low, high, low. */
  pfns[0] = 0x200;
  pfns[1] = 0x100000;
  pfns[2] = 0x201;
  base = xenforeignmemory_map (f->fmem, domid, PROT_READ | PROT_WRITE, 3, pfns, NULL);
  g_assert_nonnull (base);
  g_assert_cmphex (*(guint64 *) (gpointer) (base + PAGE_SIZE), ==, 0x1000000000000);
  base[0] = 0x11;
  base[2 * PAGE_SIZE] = 0x22;
  g_assert_cmpint (xenforeignmemory_unmap (f->fmem, base, 3), ==, 0);
  g_assert_cmpint (pread (fd, &word, 1, 0x200000), ==, 1);
  g_assert_cmphex (word & 0xff, ==, 0x11);
  g_assert_cmpint (pread (fd, &word, 1, 0x201000), ==, 1);
  g_assert_cmphex (word & 0xff, ==, 0x22);

  /* An unknown domain. */
  errno = 0;
  g_assert_null (xenforeignmemory_map (f->fmem, 99, PROT_READ, 1, pfns, err));
  g_assert_cmpint (errno, ==, ESRCH);
  close (fd);

  log = log_take (f);
  g_assert_true (g_str_has_prefix (log,
                 "xenforeignmemory_map domid=1 pages=1024 first_pfn=0x100000\n"
                 "xenforeignmemory_unmap pages=1024\n"
                 "xenforeignmemory_map domid=1 pages=1024 first_pfn=0x14fe00\n"));
}

/* ---- tests: faults ------------------------------------------------------ */

static void
test_fault_hypervisor (Fixture *f, gconstpointer data)
{
  libxl_ctx *ctx = NULL;
  g_autofree char *log = NULL;

  g_setenv ("XENSHIM_FAIL", "hypervisor", TRUE);
  errno = 0;
  g_assert_null (xc_interface_open (NULL, NULL, 0));
  g_assert_cmpint (errno, ==, ENOENT);
  errno = 0;
  g_assert_null (xenforeignmemory_open (NULL, 0));
  g_assert_cmpint (errno, ==, ENOENT);
  g_assert_cmpint (libxl_ctx_alloc (&ctx, LIBXL_VERSION, 0,
                                    (xentoollog_logger *) f->logger), !=, 0);
  log = log_take (f);
  g_assert_cmpstr (log, ==,
                   "xc_interface_open\nfail hypervisor\n"
                   "xenforeignmemory_open\nfail hypervisor\n"
                   "xc_interface_open\nfail hypervisor\n");
}

static void
test_fault_create (Fixture *f, gconstpointer data)
{
  libxl_domain_config dc;
  guint32 domid = 0;
  g_autofree char *log = NULL;
  g_autofree char *dir = g_build_filename (f->state, "domain-1", NULL);

  g_setenv ("XENSHIM_FAIL", "create", TRUE);
  config_hvm (&dc, "fails", 32 * MIB);
  g_assert_cmpint (libxl_domain_create_new (f->ctx, &dc, &domid, NULL, NULL), ==, ERROR_FAIL);
  libxl_domain_config_dispose (&dc);
  g_assert_cmpuint (domid, ==, (guint32) INVALID_DOMID);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  log = log_take (f);
  g_assert_true (g_str_has_suffix (log, " video_memkb=8192\nfail create\n"));
}

/* unpause, destroy, userdata, getcontext: fail, change nothing. */
static void
test_fault_calls (Fixture *f, gconstpointer data)
{
  guint32 domid = create_ok (f, "faults", 32 * MIB);
  struct hvm_hw_cpu cpu;
  g_autofree char *log = NULL;
  g_autofree char *dir = g_build_filename (f->state, "domain-1", NULL);

  g_free (log_take (f));
  g_setenv ("XENSHIM_FAIL", "unpause,destroy,userdata,getcontext", TRUE);
  g_assert_cmpint (libxl_domain_unpause (f->ctx, domid, NULL), ==, ERROR_FAIL);
  assert_domain_file (f, domid, "state", "paused\n");
  g_assert_cmpint (libxl_domain_destroy (f->ctx, domid, NULL), ==, ERROR_FAIL);
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));
  g_assert_cmpint (libxl_userdata_store (f->ctx, domid, "x", (const uint8_t *) "1", 1),
                   ==, ERROR_FAIL);
  errno = 0;
  g_assert_cmpint (xc_domain_hvm_getcontext_partial (f->xch, domid, HVM_SAVE_CODE (CPU),
                                                     0, &cpu, sizeof cpu), ==, -1);
  g_assert_cmpint (errno, ==, EPERM);
  log = log_take (f);
  g_assert_cmpstr (log, ==,
                   "libxl_domain_unpause domid=1\nfail unpause\n"
                   "libxl_domain_destroy domid=1\nfail destroy\n"
                   "libxl_userdata_store domid=1 userid=x\nfail userdata\n"
                   "xc_domain_hvm_getcontext_partial domid=1 typecode=2\nfail getcontext\n");

  g_unsetenv ("XENSHIM_FAIL");
  errno = 0;
  g_assert_cmpint (xc_domain_hvm_getcontext_partial (f->xch, domid, 1, 0, &cpu,
                                                     sizeof cpu), ==, -1);
  g_assert_cmpint (errno, ==, ENOENT);
}

/* The whole HVM context: the header, a CPU record per vCPU, the end; a
 * context set back with a new RIP is what the next read returns. */
static void
test_hvm_context (Fixture *f, gconstpointer data)
{
  guint32 domid = create_ok (f, "context", 32 * MIB);
  struct hvm_save_descriptor d;
  struct hvm_save_header header;
  struct hvm_hw_cpu cpu;
  g_autofree guint8 *ctx = NULL;
  g_autofree char *log = NULL;
  int size;
  struct {
    struct hvm_save_descriptor header_d;
    struct hvm_save_header header;
    struct hvm_save_descriptor cpu_d;
    struct hvm_hw_cpu cpu;
    struct hvm_save_descriptor end_d;
  } set;

  size = xc_domain_hvm_getcontext (f->xch, domid, NULL, 0);
  g_assert_cmpint (size, ==, (int) (sizeof d + sizeof header + sizeof d + sizeof cpu
                                    + sizeof d));
  ctx = g_malloc0 (size);
  errno = 0;
  g_assert_cmpint (xc_domain_hvm_getcontext (f->xch, domid, ctx, size - 1), ==, -1);
  g_assert_cmpint (errno, ==, ENOBUFS);
  g_assert_cmpint (xc_domain_hvm_getcontext (f->xch, domid, ctx, size), ==, size);
  memcpy (&d, ctx, sizeof d);
  memcpy (&header, ctx + sizeof d, sizeof header);
  g_assert_cmpuint (d.typecode, ==, HVM_SAVE_CODE (HEADER));
  g_assert_cmphex (header.magic, ==, HVM_FILE_MAGIC);
  memcpy (&d, ctx + sizeof d + sizeof header, sizeof d);
  g_assert_cmpuint (d.typecode, ==, HVM_SAVE_CODE (CPU));
  g_assert_cmpuint (d.length, ==, sizeof cpu);
  memcpy (&cpu, ctx + 2 * sizeof d + sizeof header, sizeof cpu);
  g_assert_cmphex (cpu.rip, ==, cpu_get (f, domid).rip);
  memcpy (&d, ctx + size - sizeof d, sizeof d);
  g_assert_cmpuint (d.typecode, ==, HVM_SAVE_CODE (END));

  /* Header, vCPU 0 with a new RIP, end: kept. */
  memset (&set, 0, sizeof set);
  memcpy (&set.header_d, ctx, sizeof d + sizeof header);
  set.cpu_d = (struct hvm_save_descriptor) { HVM_SAVE_CODE (CPU), 0, sizeof cpu };
  set.cpu = cpu;
  set.cpu.rip = 0x123450;
  set.end_d = (struct hvm_save_descriptor) { HVM_SAVE_CODE (END), 0, 0 };
  g_free (log_take (f));
  g_assert_cmpint (xc_domain_hvm_setcontext (f->xch, domid, (uint8_t *) &set, sizeof set),
                   ==, 0);
  g_assert_cmphex (cpu_get (f, domid).rip, ==, 0x123450);
  g_assert_cmphex (cpu_get (f, domid).rbx, ==, cpu.rbx);
  log = log_take (f);
  g_assert_true (g_str_has_prefix (log, "xc_domain_hvm_setcontext domid=1 rip=0x123450 "));

  /* Refused: no header first; a record of another vCPU; no end.  Each
   * changes nothing. */
  set.cpu.rip = 0x999000;
  set.header.magic = 0;
  errno = 0;
  g_assert_cmpint (xc_domain_hvm_setcontext (f->xch, domid, (uint8_t *) &set, sizeof set),
                   ==, -1);
  g_assert_cmpint (errno, ==, EINVAL);
  memcpy (&set.header_d, ctx, sizeof d + sizeof header);
  set.cpu_d.instance = 1;
  g_assert_cmpint (xc_domain_hvm_setcontext (f->xch, domid, (uint8_t *) &set, sizeof set),
                   ==, -1);
  set.cpu_d.instance = 0;
  g_assert_cmpint (xc_domain_hvm_setcontext (f->xch, domid, (uint8_t *) &set,
                                             sizeof set - sizeof d), ==, -1);
  g_assert_cmphex (cpu_get (f, domid).rip, ==, 0x123450);

  /* Faults. */
  g_setenv ("XENSHIM_FAIL", "getcontext-full,setcontext", TRUE);
  errno = 0;
  g_assert_cmpint (xc_domain_hvm_getcontext (f->xch, domid, NULL, 0), ==, -1);
  g_assert_cmpint (errno, ==, EPERM);
  errno = 0;
  g_assert_cmpint (xc_domain_hvm_setcontext (f->xch, domid, (uint8_t *) &set, sizeof set),
                   ==, -1);
  g_assert_cmpint (errno, ==, EPERM);
  g_unsetenv ("XENSHIM_FAIL");
  g_assert_cmphex (cpu_get (f, domid).rip, ==, 0x123450);
}

static void
test_fault_map_pfn (Fixture *f, gconstpointer data)
{
  guint32 domid = create_ok (f, "map-pfn", 32 * MIB);
  xen_pfn_t pfns[3] = { 0x9d, 0x9e, 0x9f };
  int err[3];
  void *base;
  g_autofree char *log = NULL;

  g_free (log_take (f));
  g_setenv ("XENSHIM_FAIL", "map-pfn:0x9e", TRUE);
  base = xenforeignmemory_map (f->fmem, domid, PROT_READ, 3, pfns, err);
  g_assert_nonnull (base);
  g_assert_cmpint (err[0], ==, 0);
  g_assert_cmpint (err[1], ==, -EFAULT);
  g_assert_cmpint (err[2], ==, 0);
  g_assert_cmpint (xenforeignmemory_unmap (f->fmem, base, 3), ==, 0);
  errno = 0;
  g_assert_null (xenforeignmemory_map (f->fmem, domid, PROT_READ, 3, pfns, NULL));
  g_assert_cmpint (errno, ==, EFAULT);
  log = log_take (f);
  g_assert_cmpstr (log, ==,
                   "xenforeignmemory_map domid=1 pages=3 first_pfn=0x9d\n"
                   "fail map-pfn:0x9e\n"
                   "xenforeignmemory_unmap pages=3\n"
                   "xenforeignmemory_map domid=1 pages=3 first_pfn=0x9d\n"
                   "fail map-pfn:0x9e\n");
}

/* The counted faults, in a fresh process each. */
static volatile sig_atomic_t got_sigint;

static void
on_sigint (int sig)
{
  got_sigint = 1;
}

static void
test_fault_counted (Fixture *f, gconstpointer data)
{
  const char *fault = data;
  guint32 domid;
  xen_pfn_t pfn = 0x100;
  void *maps[3];
  g_autofree char *log = NULL;
  g_autofree char *fail_line = NULL;
  struct sigaction sa = { .sa_handler = on_sigint };

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }

  domid = create_ok (f, "counted", 32 * MIB);
  g_free (log_take (f));
  g_assert_cmpint (sigaction (SIGINT, &sa, NULL), ==, 0);
  g_setenv ("XENSHIM_FAIL", fault, TRUE);
  for (guint i = 0; i < 3; i++)
    {
      errno = 0;
      maps[i] = xenforeignmemory_map (f->fmem, domid, PROT_READ, 1, &pfn, NULL);
      if (g_str_equal (fault, "map:2") && i == 1)
        {
          g_assert_null (maps[i]);
          g_assert_cmpint (errno, ==, ENOMEM);
        }
      else
        g_assert_nonnull (maps[i]);
      g_assert_cmpint (got_sigint, ==, g_str_equal (fault, "signal-map:1"));
    }
  for (guint i = 0; i < 3; i++)
    if (maps[i])
      {
        int rc;

        errno = 0;
        rc = xenforeignmemory_unmap (f->fmem, maps[i], 1);
        if (g_str_equal (fault, "unmap:1") && i == 0)
          {
            g_assert_cmpint (rc, ==, -1);
            g_assert_cmpint (errno, ==, EIO);
          }
        else
          g_assert_cmpint (rc, ==, 0);
      }
  log = log_take (f);
  fail_line = g_strdup_printf ("\nfail %s\n", fault);
  g_assert_nonnull (strstr (log, fail_line));
}

static void
test_fault_unknown (Fixture *f, gconstpointer data)
{
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      g_test_trap_assert_stderr ("*xenshim: XENSHIM_FAIL: unknown fault 'bogus:1'*");
      return;
    }
  g_setenv ("XENSHIM_FAIL", "create,bogus:1", TRUE);
  g_assert_cmpint (libxl_domain_unpause (f->ctx, 5, NULL), ==, ERROR_INVAL);
}

static void
test_no_state (Fixture *f, gconstpointer data)
{
  libxl_domain_config dc;
  guint32 domid = 0;
  int n = -1;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      g_test_trap_assert_stderr ("*xenshim: XENSHIM_STATE is not set*");
      return;
    }
  g_unsetenv ("XENSHIM_STATE");
  config_hvm (&dc, "nowhere", 32 * MIB);
  g_assert_cmpint (libxl_domain_create_new (f->ctx, &dc, &domid, NULL, NULL), ==, ERROR_FAIL);
  libxl_domain_config_dispose (&dc);
  g_assert_null (libxl_list_domain (f->ctx, &n));
  g_assert_cmpint (n, ==, 0);
}

/* Several processes creating at once: distinct domids, whole log lines. */
static void
test_concurrent (Fixture *f, gconstpointer data)
{
  enum { N = 6 };
  pid_t pids[N];
  g_autofree char *log = NULL;
  g_auto(GStrv) lines = NULL;
  libxl_dominfo *list;
  int n = 0;

  for (guint i = 0; i < N; i++)
    {
      pids[i] = fork ();
      g_assert_cmpint (pids[i], >=, 0);
      if (pids[i] == 0)
        {
          libxl_ctx *ctx = NULL;
          libxl_domain_config dc;
          char name[16];
          guint32 domid;
          int rc;

          g_snprintf (name, sizeof name, "par-%u", i);
          config_hvm (&dc, name, 32 * MIB);
          rc = libxl_ctx_alloc (&ctx, LIBXL_VERSION, 0, (xentoollog_logger *) f->logger)
               || libxl_domain_create_new (ctx, &dc, &domid, NULL, NULL);
          _exit (rc ? 1 : 0);
        }
    }
  for (guint i = 0; i < N; i++)
    {
      int status;

      g_assert_cmpint (waitpid (pids[i], &status, 0), ==, pids[i]);
      g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    }
  list = libxl_list_domain (f->ctx, &n);
  g_assert_cmpint (n, ==, N + 1);
  for (int i = 1; i < n; i++)
    g_assert_cmpuint (list[i].domid, ==, (guint) i);
  libxl_dominfo_list_free (list, n);
  log = log_take (f);
  lines = g_strsplit (log, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2 * N + 1 + 1);
  for (guint i = 0; i < 2 * N; i++)
    g_assert_true (g_str_has_prefix (lines[i], "xc_interface_open")
                   || g_str_has_prefix (lines[i], "libxl_domain_create_new domid="));
}

/* ---- main --------------------------------------------------------------- */

/* Whether xc_interface_open is the shim's: without it we would be testing
 * the real Xen libraries. */
static gboolean
shim_is_preloaded (void)
{
  Dl_info info;
  void *sym = dlsym (RTLD_DEFAULT, "xc_interface_open");

  return sym && dladdr (sym, &info) && info.dli_fname
         && strstr (info.dli_fname, "libxenshim");
}

#define ADD(path, fn) \
  g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
#define ADD_DATA(path, data, fn) \
  g_test_add (path, Fixture, data, fixture_setup, fn, fixture_teardown)

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  firmware_path = g_getenv ("XENSHIM_TEST_FIRMWARE");
  guest_path = g_getenv ("XENSHIM_TEST_GUEST");
  if (!firmware_path || !guest_path || !shim_is_preloaded ())
    {
      printf ("Bail out! run through shim-selftest.sh: needs LD_PRELOAD=libxenshim.so, "
              "XENSHIM_TEST_FIRMWARE and XENSHIM_TEST_GUEST\n");
      return 1;
    }
  firmware_read ();

  ADD ("/xenshim/open", test_open);
  ADD ("/xenshim/create/hvm-256m", test_create_256m);
  ADD ("/xenshim/create/hvm-5g", test_create_5g);
  ADD ("/xenshim/create/video", test_create_video);
  ADD ("/xenshim/create/no-bios", test_create_no_bios);
  ADD ("/xenshim/create/hvmloader", test_create_hvmloader);
  ADD ("/xenshim/create/pv", test_create_pv);
  ADD ("/xenshim/create/refused", test_create_refused);
  ADD ("/xenshim/lifecycle", test_lifecycle);
  ADD ("/xenshim/domid-rover", test_domid_rover);
  ADD ("/xenshim/userdata", test_userdata);
  ADD ("/xenshim/events/shutdown", test_events_shutdown);
  ADD ("/xenshim/events/before-watch", test_events_before_watch);
  ADD ("/xenshim/events/queue", test_events_queue);
  ADD ("/xenshim/events/wait", test_events_wait);
  ADD ("/xenshim/events/guest-refused", test_events_guest_refused);
  ADD ("/xenshim/core-dump-preserve", test_core_dump_preserve);
  ADD ("/xenshim/map", test_map);
  ADD ("/xenshim/no-state", test_no_state);
  ADD ("/xenshim/concurrent", test_concurrent);
  ADD ("/xenshim/fault/hypervisor", test_fault_hypervisor);
  ADD ("/xenshim/fault/create", test_fault_create);
  ADD ("/xenshim/fault/calls", test_fault_calls);
  ADD ("/xenshim/fault/map-pfn", test_fault_map_pfn);
  ADD ("/xenshim/hvm-context", test_hvm_context);
  ADD_DATA ("/xenshim/fault/map-nth", "map:2", test_fault_counted);
  ADD_DATA ("/xenshim/fault/unmap-nth", "unmap:1", test_fault_counted);
  ADD_DATA ("/xenshim/fault/signal-map", "signal-map:1", test_fault_counted);
  ADD ("/xenshim/fault/unknown", test_fault_unknown);

  return g_test_run ();
}
