/* The fake domain builder: what libxl and libxenguest leave in a new HVM
 * domain before it first runs, written into the domain's RAM file.
 * Every step follows Xen 4.17's tools (read at xen-project/xen):
 *
 *   tools/libs/light/libxl_dom.c    libxl__build_hvm(): mem_size =
 *       (max_memkb - video_memkb) << 10; the MMIO hole is mmio_hole_memkb
 *       only when that puts the hole's start below HVM_BELOW_4G_MMIO_START,
 *       else HVM_BELOW_4G_MMIO_LENGTH; RAM above the hole moves to 4 GiB.
 *       hvm_build_set_params(): hvm_info nr_vcpus = max_vcpus, vcpu_online
 *       = avail_vcpus, apic_mode = apic, checksum fixed up.
 *   tools/libs/light/libxl_x86.c    libxl__arch_domain_construct_memmap():
 *       with a device model, RAM [1 MiB, lowmem_end) and [4 GiB,
 *       highmem_end) (no RDM or ACPI-module entries for our guests).
 *   tools/libs/guest/xg_dom_hvmloader.c  the firmware must be a 32-bit
 *       ELF without Xen notes; its PT_LOADs go to their p_paddr; then
 *       modules_init() puts the system firmware module (SeaBIOS) in the
 *       next segment, which must end below the MMIO hole; the entry point
 *       is e_entry.
 *   tools/libs/guest/xg_dom_core.c  xc_dom_alloc_segment(): segments are
 *       whole, zeroed pages, one after another from the page-aligned
 *       start of the ELF.
 *   tools/libs/guest/xg_dom_x86.c   alloc_magic_pages_hvm() sizes the
 *       start_info segment; bootlate_hvm() fills it (hvm_start_info, then
 *       HVMLOADER_MODULE_MAX_COUNT modlist entries, their command lines,
 *       the memory map) and the module gets the command line "firmware"
 *       (add_module_to_list()); build_hvm_info() writes the hvm_info_table
 *       at HVM_INFO_PADDR; vcpu_hvm() sets rbx = the start_info segment,
 *       rip = the entry point, cr0 = PE | ET. */
#include "config.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <xen/xen.h>
#include <xen/hvm/e820.h>
#include <xen/hvm/hvm_info_table.h>
#include <xen/arch-x86/hvm/start_info.h>

#include "xenshim.h"

G_STATIC_ASSERT (G_BYTE_ORDER == G_LITTLE_ENDIAN);   /* ELF and guest are LE */

/* tools/libs/guest/xg_dom_x86.c */
#define XENSHIM_MODULE_MAX_COUNT     2                   /* HVMLOADER_MODULE_MAX_COUNT */
#define XENSHIM_MODULE_CMDLINE_SIZE  MAX_GUEST_CMDLINE   /* HVMLOADER_MODULE_CMDLINE_SIZE */
#define XENSHIM_RESERVED_MEM_PGSTART 0xfeff0u            /* ioreq_server_pfn(0) */
#define XENSHIM_X86_CR0_PE           0x01u
#define XENSHIM_X86_CR0_ET           0x10u
/* tools/libs/light/libxl_x86.c */
#define XENSHIM_LOW_MEM_START        XENSHIM_MIB         /* GUEST_LOW_MEM_START_DEFAULT */

/* libxl's default firmware, hvmloader, is not loaded: a stand-in takes
 * its place, at its link address (tools/firmware/hvmloader/Makefile:
 * LOADADDR), as large as Debian 12's (p_memsz 0x33f40;
 * $XENSHIM_HVMLOADER_SIZE), XENSHIM_HVMLOADER_PATTERN over and over. */
#define XENSHIM_HVMLOADER_ADDR       G_GUINT64_CONSTANT (0x100000)
#define XENSHIM_HVMLOADER_SIZE_DEFAULT G_GUINT64_CONSTANT (0x33f40)
#define XENSHIM_HVMLOADER_SIZE_MAX   (16 * XENSHIM_MIB)
#define XENSHIM_HVMLOADER_PATTERN    "HVMLOADR"

/* $XENSHIM_BIOS_SIZE: SeaBIOS is 128 or 256 KiB; QEMU takes BIOSes up to
 * 16 MiB, and so do we. */
#define XENSHIM_BIOS_SIZE_DEFAULT    G_GUINT64_CONSTANT (262144)
#define XENSHIM_BIOS_SIZE_MAX        (16 * XENSHIM_MIB)
#define XENSHIM_BIOS_PATTERN         "SEABIOS!"

typedef struct {
  guint8 *data;                /* the whole file */
  gsize size;
  guint64 phoff;               /* the program headers */
  guint phnum;
  guint64 pstart, pend;        /* the loadable segments' physical extent */
  guint64 entry;
} XenshimElf;

/* Where the builder puts things (guest-physical addresses). */
typedef struct {
  guint64 module_addr, module_size;        /* size 0: no module */
  guint64 start_info_addr, start_info_size;
  guint32 n_memmap;
} XenshimPlacement;

static guint64
xenshim_pages_bytes (guint64 bytes)
{
  return (bytes + XENSHIM_PAGE_SIZE - 1) & ~(XENSHIM_PAGE_SIZE - 1);
}

/* ---- memory ------------------------------------------------------------- */

/* libxl__build_hvm()'s RAM layout; FALSE for what libxl or this shim
 * cannot build. */
static gboolean
xenshim_build_layout (const libxl_domain_build_info *b_info, XenshimLayout *layout)
{
  guint64 mem, hole = HVM_BELOW_4G_MMIO_LENGTH, mmio_start;

  /* Below 2^54 bytes, no address computed from the size can wrap. */
  if (b_info->video_memkb > b_info->max_memkb
      || b_info->max_memkb - b_info->video_memkb > G_MAXUINT64 >> 20)
    {
      xenshim_warn ("max_memkb %" G_GUINT64_FORMAT " minus video_memkb %"
                    G_GUINT64_FORMAT " is no RAM size", b_info->max_memkb,
                    b_info->video_memkb);
      return FALSE;
    }
  mem = (b_info->max_memkb - b_info->video_memkb) << 10;
  if (b_info->u.hvm.mmio_hole_memkb)
    {
      guint64 want = b_info->u.hvm.mmio_hole_memkb;

      if (want > HVM_BELOW_4G_MMIO_START >> 10 || want % 4 != 0)
        {
          xenshim_warn ("mmio_hole_memkb %" G_GUINT64_FORMAT " is not whole "
                        "pages up to 0x%x bytes", want, HVM_BELOW_4G_MMIO_START);
          return FALSE;
        }
      if (XENSHIM_FOUR_GIB - (want << 10) < HVM_BELOW_4G_MMIO_START)
        hole = want << 10;
    }
  mmio_start = XENSHIM_FOUR_GIB - hole;

  layout->lowmem_end = mem;
  layout->highmem_end = 0;
  if (layout->lowmem_end > mmio_start)
    {
      layout->highmem_end = XENSHIM_FOUR_GIB + (layout->lowmem_end - mmio_start);
      layout->lowmem_end = mmio_start;
    }
  /* Xen would round down to pages in some places and not in others; a
   * test has no business asking for that. */
  if (mem % XENSHIM_PAGE_SIZE != 0 || layout->lowmem_end <= XENSHIM_LOW_MEM_START)
    {
      xenshim_warn ("guest RAM of 0x%" G_GINT64_MODIFIER "x bytes: the shim "
                    "builds whole pages, more than 1 MiB", mem);
      return FALSE;
    }
  return TRUE;
}

/* ---- the firmware ELF ---------------------------------------------------- */

static void
xenshim_elf_clear (XenshimElf *elf)
{
  g_clear_pointer (&elf->data, g_free);
}

/* Whether the PT_NOTE segment [offset, offset + size) holds a "Xen" note:
 * libxenguest's HVM loader refuses such an image as a PV kernel. */
static gboolean
xenshim_elf_has_xen_note (const XenshimElf *elf, guint64 offset, guint64 size)
{
  guint64 at = offset, end = offset + size;

  while (end - at >= sizeof (Elf32_Nhdr))
    {
      Elf32_Nhdr note;
      guint64 name_len, desc_len;

      memcpy (&note, elf->data + at, sizeof note);
      at += sizeof note;
      name_len = (note.n_namesz + G_GUINT64_CONSTANT (3)) & ~G_GUINT64_CONSTANT (3);
      desc_len = (note.n_descsz + G_GUINT64_CONSTANT (3)) & ~G_GUINT64_CONSTANT (3);
      if (name_len > end - at || desc_len > end - at - name_len)
        return FALSE;   /* truncated: libelf stops there too */
      if (note.n_namesz == 4 && memcmp (elf->data + at, "Xen", 4) == 0)
        return TRUE;
      at += name_len + desc_len;
    }
  return FALSE;
}

/* Check one program header and widen the loadable extent. */
static gboolean
xenshim_elf_phdr (XenshimElf *elf, const char *path, guint i, const Elf32_Phdr *ph)
{
  guint64 file_end = (guint64) ph->p_offset + ph->p_filesz;

  if (ph->p_type == PT_NOTE && file_end <= elf->size
      && xenshim_elf_has_xen_note (elf, ph->p_offset, ph->p_filesz))
    {
      xenshim_warn ("firmware %s has Xen ELF notes: libxenguest would take it "
                    "for a PV kernel", path);
      return FALSE;
    }
  /* libelf's elf_phdr_is_loadable(). */
  if (ph->p_type != PT_LOAD || !(ph->p_flags & (PF_R | PF_W | PF_X)))
    return TRUE;
  if (ph->p_filesz > ph->p_memsz || file_end > elf->size)
    {
      xenshim_warn ("firmware %s: PT_LOAD %u (offset 0x%x, filesz 0x%x, memsz "
                    "0x%x) is not inside the file of %" G_GSIZE_FORMAT " bytes",
                    path, i, ph->p_offset, ph->p_filesz, ph->p_memsz, elf->size);
      return FALSE;
    }
  elf->pstart = MIN (elf->pstart, (guint64) ph->p_paddr);
  elf->pend = MAX (elf->pend, (guint64) ph->p_paddr + ph->p_memsz);
  return TRUE;
}

static gboolean
xenshim_elf_read (const char *path, XenshimElf *elf)
{
  g_autoptr(GError) error = NULL;
  Elf32_Ehdr eh;
  guint64 ph_end;

  if (!g_path_is_absolute (path))
    {
      xenshim_warn ("firmware '%s' is a relative path: libxl looks for it in "
                    "its own firmware directory", path);
      return FALSE;
    }
  if (!g_file_get_contents (path, (char **) &elf->data, &elf->size, &error))
    {
      xenshim_warn ("%s", error->message);
      return FALSE;
    }
  if (elf->size < EI_NIDENT || memcmp (elf->data, ELFMAG, SELFMAG) != 0)
    {
      xenshim_warn ("firmware %s is not an ELF image", path);
      return FALSE;
    }
  if (elf->data[EI_CLASS] != ELFCLASS32 || elf->data[EI_DATA] != ELFDATA2LSB
      || elf->size < sizeof eh)
    {
      xenshim_warn ("firmware %s is not a 32-bit little-endian ELF image "
                    "(libxenguest: \"ELF image is not 32bit\")", path);
      return FALSE;
    }
  memcpy (&eh, elf->data, sizeof eh);
  ph_end = (guint64) eh.e_phoff + (guint64) eh.e_phnum * sizeof (Elf32_Phdr);
  if (eh.e_phentsize != sizeof (Elf32_Phdr) || ph_end > elf->size)
    {
      xenshim_warn ("firmware %s: program headers (%u of %u bytes at 0x%x) "
                    "are not inside the file", path, eh.e_phnum,
                    eh.e_phentsize, eh.e_phoff);
      return FALSE;
    }

  elf->phoff = eh.e_phoff;
  elf->phnum = eh.e_phnum;
  elf->pstart = G_MAXUINT64;
  elf->pend = 0;
  elf->entry = eh.e_entry;
  for (guint i = 0; i < elf->phnum; i++)
    {
      Elf32_Phdr ph;

      memcpy (&ph, elf->data + elf->phoff + (gsize) i * sizeof ph, sizeof ph);
      if (!xenshim_elf_phdr (elf, path, i, &ph))
        return FALSE;
    }
  if (elf->pend == 0)
    {
      xenshim_warn ("firmware %s has no loadable segment", path);
      return FALSE;
    }
  return TRUE;
}

/* ---- placement ---------------------------------------------------------- */

/* $@variable, a byte count up to @max, or @fallback when unset. */
static gboolean
xenshim_size_env (const char *variable, guint64 fallback, guint64 max,
                  guint64 *size)
{
  const char *env = g_getenv (variable);

  *size = fallback;
  if (env && !g_ascii_string_to_unsigned (env, 10, 0, max, size, NULL))
    {
      xenshim_warn ("%s '%s' is not a byte count up to %" G_GUINT64_FORMAT,
                    variable, env, max);
      return FALSE;
    }
  return TRUE;
}

/* Segments one after another from the ELF's start, as xc_dom_alloc_segment
 * places them, all in low RAM (the ELF's own extent < 4 GiB, so no sum
 * below can wrap). */
static gboolean
xenshim_place (const XenshimElf *elf, const XenshimLayout *layout,
               guint64 bios_size, const char *path, XenshimPlacement *place)
{
  guint64 at, offset;

  if (elf->pstart % XENSHIM_PAGE_SIZE != 0)
    {
      xenshim_warn ("firmware %s starts at 0x%" G_GINT64_MODIFIER "x: "
                    "libxenguest: \"segment start isn't page aligned\"",
                    path, elf->pstart);
      return FALSE;
    }
  at = elf->pstart + xenshim_pages_bytes (elf->pend - elf->pstart);
  place->module_addr = at;
  place->module_size = bios_size;
  at += xenshim_pages_bytes (bios_size);
  place->n_memmap = layout->highmem_end ? 2 : 1;
  place->start_info_addr = at;
  place->start_info_size =
    xenshim_pages_bytes (sizeof (struct hvm_start_info)
                         + XENSHIM_MODULE_MAX_COUNT
                           * (sizeof (struct hvm_modlist_entry) + XENSHIM_MODULE_CMDLINE_SIZE)
                         + place->n_memmap * sizeof (struct hvm_memmap_table_entry));
  at += place->start_info_size;

  if (!xenshim_layout_ram_offset (layout, elf->pstart, at - elf->pstart, &offset))
    {
      xenshim_warn ("firmware %s with its module and start_info, [0x%"
                    G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER "x), is not "
                    "all in the guest's low RAM (below 0x%" G_GINT64_MODIFIER
                    "x, VGA hole excluded)", path, elf->pstart, at,
                    layout->lowmem_end);
      return FALSE;
    }
  return TRUE;
}

/* ---- writing guest RAM -------------------------------------------------- */

static gboolean
xenshim_ram_write (int fd, const XenshimLayout *layout, guint64 gpa,
                   const void *buf, guint64 len, const char *what)
{
  const guint8 *p = buf;
  guint64 offset;

  if (len == 0)
    return TRUE;
  if (!xenshim_layout_ram_offset (layout, gpa, len, &offset))
    {
      xenshim_warn ("%s at [0x%" G_GINT64_MODIFIER "x, +0x%" G_GINT64_MODIFIER
                    "x) is not guest RAM", what, gpa, len);
      return FALSE;
    }
  while (len > 0)
    {
      ssize_t r = pwrite (fd, p, MIN (len, (guint64) G_MAXINT32), (off_t) offset);

      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        {
          xenshim_warn ("writing %s into the RAM file: %s", what,
                        r < 0 ? g_strerror (errno) : "short write");
          return FALSE;
        }
      p += r;
      offset += (guint64) r;
      len -= (guint64) r;
    }
  return TRUE;
}

/* Each PT_LOAD's file bytes at its p_paddr; the rest of p_memsz is left
 * as the fresh file's zeroes (xc_dom_alloc_segment clears the segment). */
static gboolean
xenshim_load_elf (int fd, const XenshimLayout *layout, const XenshimElf *elf)
{
  for (guint i = 0; i < elf->phnum; i++)
    {
      Elf32_Phdr ph;

      memcpy (&ph, elf->data + elf->phoff + (gsize) i * sizeof ph, sizeof ph);
      if (ph.p_type == PT_LOAD && (ph.p_flags & (PF_R | PF_W | PF_X))
          && !xenshim_ram_write (fd, layout, ph.p_paddr, elf->data + ph.p_offset,
                                 ph.p_filesz, "the firmware"))
        return FALSE;
    }
  return TRUE;
}

/* [addr, addr + size) filled with the 8-byte @pattern over and over. */
static gboolean
xenshim_load_pattern (int fd, const XenshimLayout *layout, guint64 addr,
                      guint64 size, const char *pattern, const char *what)
{
  guint8 chunk[64 * 1024];
  const gsize pattern_len = strlen (pattern);

  g_assert (pattern_len == 8);
  for (gsize i = 0; i < sizeof chunk; i += pattern_len)
    memcpy (chunk + i, pattern, pattern_len);
  for (guint64 done = 0; done < size; done += sizeof chunk)
    if (!xenshim_ram_write (fd, layout, addr + done, chunk,
                            MIN (sizeof chunk, size - done), what))
      return FALSE;
  return TRUE;
}

/* The system firmware module: XENSHIM_BIOS_PATTERN over and over. */
static gboolean
xenshim_load_module (int fd, const XenshimLayout *layout,
                     const XenshimPlacement *place)
{
  return xenshim_load_pattern (fd, layout, place->module_addr, place->module_size,
                               XENSHIM_BIOS_PATTERN, "the SeaBIOS module");
}

/* bootlate_hvm()'s start_info segment, with a device model: no command
 * line, so the modlist follows the header directly. */
static gboolean
xenshim_load_start_info (int fd, const XenshimLayout *layout,
                         const XenshimPlacement *place)
{
  g_autofree guint8 *seg = g_malloc0 (place->start_info_size);
  const guint64 base = place->start_info_addr;
  const guint64 modlist_off = sizeof (struct hvm_start_info);
  const guint64 cmdline_off =
    modlist_off + XENSHIM_MODULE_MAX_COUNT * sizeof (struct hvm_modlist_entry);
  const guint64 memmap_off =
    cmdline_off + XENSHIM_MODULE_MAX_COUNT * XENSHIM_MODULE_CMDLINE_SIZE;
  struct hvm_start_info si = {
    .magic = XEN_HVM_START_MAGIC_VALUE,
    .version = 1,
    .memmap_paddr = base + memmap_off,
    .memmap_entries = place->n_memmap,
  };
  struct hvm_memmap_table_entry memmap[2] = {
    { .addr = XENSHIM_LOW_MEM_START,
      .size = layout->lowmem_end - XENSHIM_LOW_MEM_START,
      .type = XEN_HVM_MEMMAP_TYPE_RAM },
    { .addr = XENSHIM_FOUR_GIB,
      .size = layout->highmem_end - XENSHIM_FOUR_GIB,
      .type = XEN_HVM_MEMMAP_TYPE_RAM },
  };

  g_assert (place->n_memmap <= G_N_ELEMENTS (memmap));
  if (place->module_size)
    {
      static const char cmdline[] = "firmware";
      struct hvm_modlist_entry mod = {
        .paddr = place->module_addr,
        .size = place->module_size,
        .cmdline_paddr = base + cmdline_off,
      };

      si.nr_modules = 1;
      si.modlist_paddr = base + modlist_off;
      memcpy (seg + modlist_off, &mod, sizeof mod);
      memcpy (seg + cmdline_off, cmdline, sizeof cmdline);
    }
  memcpy (seg, &si, sizeof si);
  memcpy (seg + memmap_off, memmap, place->n_memmap * sizeof memmap[0]);
  return xenshim_ram_write (fd, layout, base, seg, place->start_info_size,
                            "hvm_start_info");
}

/* build_hvm_info() and hvm_build_set_params(): the table in a cleared
 * page, its bytes summing to zero. */
static gboolean
xenshim_load_hvm_info (int fd, const XenshimLayout *layout,
                       const libxl_domain_build_info *b_info)
{
  guint8 page[XENSHIM_PAGE_SIZE] = { 0 };
  struct hvm_info_table info = { .length = sizeof info };
  guint8 sum = 0;

  memcpy (info.signature, "HVM INFO", sizeof info.signature);
  info.apic_mode = libxl_defbool_is_default (b_info->apic)
                   || libxl_defbool_val (b_info->apic);
  info.nr_vcpus = b_info->max_vcpus;
  if (b_info->avail_vcpus.size)
    memcpy (info.vcpu_online, b_info->avail_vcpus.map, b_info->avail_vcpus.size);
  else
    info.vcpu_online[0] = 1;      /* libxl's default: vCPU 0 only */
  info.low_mem_pgend = (guint32) (layout->lowmem_end >> XENSHIM_PAGE_SHIFT);
  info.reserved_mem_pgstart = XENSHIM_RESERVED_MEM_PGSTART;
  info.high_mem_pgend = (guint32) (layout->highmem_end >> XENSHIM_PAGE_SHIFT);
  for (gsize i = 0; i < sizeof info; i++)
    sum += ((const guint8 *) &info)[i];
  info.checksum = (guint8) -sum;

  memcpy (page + (HVM_INFO_PADDR & (XENSHIM_PAGE_SIZE - 1)), &info, sizeof info);
  return xenshim_ram_write (fd, layout, HVM_INFO_PADDR & ~(XENSHIM_PAGE_SIZE - 1),
                            page, sizeof page, "the hvm_info page");
}

/* ---- the builder -------------------------------------------------------- */

static int
xenshim_ram_create (const char *dir, const XenshimLayout *layout)
{
  g_autofree char *path = g_build_filename (dir, "ram", NULL);
  guint64 size = xenshim_layout_ram_size (layout);
  int fd = open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

  if (fd < 0 || size > G_MAXINT64 || ftruncate (fd, (off_t) size) < 0)
    {
      xenshim_warn ("cannot create the RAM file %s of %" G_GUINT64_FORMAT
                    " bytes: %s", path, size, g_strerror (errno));
      if (fd >= 0)
        close (fd);
      return -1;
    }
  return fd;
}

int
xenshim_build_hvm (const libxl_domain_build_info *b_info, XenshimDomain *dom,
                   const char *dir)
{
  const char *path = b_info->u.hvm.firmware;
  XenshimElf elf = { 0 };
  XenshimPlacement place;
  guint64 bios_size, hvmloader_size = 0;
  int fd = -1;
  int rc;

  if (!xenshim_build_layout (b_info, &dom->layout)
      || !xenshim_size_env ("XENSHIM_BIOS_SIZE", XENSHIM_BIOS_SIZE_DEFAULT,
                            XENSHIM_BIOS_SIZE_MAX, &bios_size)
      || (!path && !xenshim_size_env ("XENSHIM_HVMLOADER_SIZE",
                                      XENSHIM_HVMLOADER_SIZE_DEFAULT,
                                      XENSHIM_HVMLOADER_SIZE_MAX, &hvmloader_size)))
    {
      xenshim_log ("fail config");
      rc = ERROR_INVAL;
      goto out;
    }
  if (!path)
    {
      /* hvmloader, whose place the stand-in takes. */
      elf.pstart = elf.entry = XENSHIM_HVMLOADER_ADDR;
      elf.pend = XENSHIM_HVMLOADER_ADDR + hvmloader_size;
      path = "(hvmloader)";
    }
  else if (!xenshim_elf_read (path, &elf))
    {
      xenshim_log ("fail firmware-elf");
      rc = ERROR_FAIL;
      goto out;
    }
  if (!xenshim_place (&elf, &dom->layout, bios_size, path, &place))
    {
      xenshim_log ("fail firmware-fit");
      rc = ERROR_FAIL;
      goto out;
    }
  /* In libxenguest's order: the ELF, the module, start_info, hvm_info. */
  fd = xenshim_ram_create (dir, &dom->layout);
  if (fd < 0
      || !xenshim_load_elf (fd, &dom->layout, &elf)
      || (hvmloader_size
          && !xenshim_load_pattern (fd, &dom->layout, elf.pstart, hvmloader_size,
                                    XENSHIM_HVMLOADER_PATTERN, "hvmloader"))
      || !xenshim_load_module (fd, &dom->layout, &place)
      || !xenshim_load_start_info (fd, &dom->layout, &place)
      || !xenshim_load_hvm_info (fd, &dom->layout, b_info))
    {
      xenshim_log ("fail ram");
      rc = ERROR_FAIL;
      goto out;
    }
  dom->rbx = place.start_info_addr;
  dom->rip = elf.entry;
  dom->cr0 = XENSHIM_X86_CR0_PE | XENSHIM_X86_CR0_ET;
  rc = 0;

out:
  if (fd >= 0)
    close (fd);
  xenshim_elf_clear (&elf);
  return rc;
}
