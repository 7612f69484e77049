/* The load (see kboot_loader.h). */
#include "config.h"

#include <string.h>

#include "kboot_loader.h"
#include "kboot_loader_pagetables.h"
#include "kboot_util.h"

G_DEFINE_QUARK (kboot-loader-error-quark, kboot_loader_error)

static gboolean
kboot_loader_check_inputs (KbootKernel *kernel, KbootFile *initrd,
                           const char *cmdline, GError **error)
{
  gsize len = strlen (cmdline);

  /* Never load what validation refused (the error is the image's). */
  if (!kboot_image_check_bootable (kernel->image, kernel->file->path, error))
    return FALSE;
  if (!kboot_image_cmdline_fits (kernel->image, len))
    {
      g_set_error (error, KBOOT_LOADER_ERROR, KBOOT_LOADER_ERROR_CMDLINE,
                   "command line of %" G_GSIZE_FORMAT " bytes is longer than "
                   "the %u bytes %s accepts (cmdline_size at offset 0x238)",
                   len, kernel->image->hdr.cmdline_size, kernel->file->path);
      return FALSE;
    }
  if (!kboot_kernel_check_unchanged (kernel, error))
    return FALSE;
  if (initrd && !kboot_file_check_unchanged (initrd, error))
    return FALSE;
  return TRUE;
}

/* The tables for @at, and what the handoff block tells the firmware. */
static GBytes *
kboot_loader_build_acpi (const KbootLoadAddresses *at, KbootBootParamsInput *in,
                         KbootHandoff *handoff, GError **error)
{
  KbootAcpiConfig config = *at->acpi;
  g_autoptr(GBytes) tables = NULL;

  config.base = at->acpi_addr;
  tables = kboot_acpi_build (&config, &in->acpi_rsdp_addr, error);
  if (!tables)
    return NULL;
  if (g_bytes_get_size (tables) > at->acpi_size)
    {
      g_set_error (error, KBOOT_LOADER_ERROR, KBOOT_LOADER_ERROR_ACPI,
                   "ACPI tables of %" G_GSIZE_FORMAT " bytes do not fit the "
                   "plan's %" G_GUINT64_FORMAT " bytes at 0x%" G_GINT64_MODIFIER "x",
                   g_bytes_get_size (tables), at->acpi_size, at->acpi_addr);
      return NULL;
    }
  kboot_acpi_platform_hw (config.platform, handoff);
  return g_steal_pointer (&tables);
}

/* The tables, and the EBDA pointer at them for kernels before boot
 * protocol 2.14, which never read acpi_rsdp_addr and search the EBDA's
 * first KiB instead: the RSDP is the tables' first 36 bytes. */
static gboolean
kboot_loader_write_acpi (KbootGuest *guest, const KbootLoadAddresses *at,
                         GBytes *acpi, GError **error)
{
  guint8 segment[2];

  if (!kboot_guest_write (guest, at->acpi_addr, g_bytes_get_data (acpi, NULL),
                          g_bytes_get_size (acpi), error))
    return FALSE;
  if (at->acpi_addr % 16 != 0 || at->acpi_addr >= 0xa0000)
    return TRUE;                /* not where the search looks: 2.14+ only */
  kboot_le_put (segment, 2, at->acpi_addr >> 4);
  return kboot_guest_write (guest, KBOOT_BDA_EBDA_SEGMENT, segment,
                            sizeof segment, error);
}

gboolean
kboot_loader_fast_entry (const KbootLoadAddresses *at, const char *path,
                         guint32 *entry, GError **error)
{
  const KbootVmlinux *vm = at->vmlinux;
  guint64 end = 0, enter = 0;
  gsize len = 0;

  g_bytes_get_data (at->vmlinux_bytes, &len);
  if (vm->elf_end > len)
    {
      g_set_error (error, KBOOT_LOADER_ERROR, KBOOT_LOADER_ERROR_FAST,
                   "%s: the decompressed kernel's bytes (%" G_GSIZE_FORMAT ") are "
                   "not the ones it was checked in", path, len);
      return FALSE;
    }
  if (!g_uint64_checked_add (&end, at->kernel_run, vm->span)
      || at->kernel_run < at->kernel_addr || end > at->kernel_end
      || end > KBOOT_FOUR_GIB
      || !kboot_vmlinux_address (vm, at->kernel_run, vm->entry, &enter))
    {
      g_set_error (error, KBOOT_LOADER_ERROR, KBOOT_LOADER_ERROR_FAST,
                   "%s: the decompressed kernel (0x%" G_GINT64_MODIFIER "x bytes) "
                   "at 0x%" G_GINT64_MODIFIER "x does not fit the kernel's region "
                   "[0x%" G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER "x) below "
                   "4 GiB", path, vm->span, at->kernel_run, at->kernel_addr,
                   at->kernel_end);
      return FALSE;
    }
  if (vm->is_64 && (at->kernel_run % (2 * KBOOT_MIB) != 0
                    || at->page_tables_addr == 0
                    || at->page_tables_addr % KBOOT_PAGE_SIZE != 0
                    || at->page_tables_addr + KBOOT_PAGE_TABLES_SIZE > KBOOT_FOUR_GIB))
    {
      g_set_error (error, KBOOT_LOADER_ERROR, KBOOT_LOADER_ERROR_FAST,
                   "%s: a 64-bit kernel proper runs at a multiple of 2 MiB "
                   "(0x%" G_GINT64_MODIFIER "x is not) and needs the page tables "
                   "of its 64-bit entry (at 0x%" G_GINT64_MODIFIER "x)", path,
                   at->kernel_run, at->page_tables_addr);
      return FALSE;
    }
  if (!vm->is_64 && at->kernel_run != vm->link_base)
    {
      g_set_error (error, KBOOT_LOADER_ERROR, KBOOT_LOADER_ERROR_FAST,
                   "%s: a 32-bit kernel proper runs only at its link address "
                   "0x%" G_GINT64_MODIFIER "x without the relocations its "
                   "decompressor would apply, and the plan puts it at 0x%"
                   G_GINT64_MODIFIER "x: boot it by the direct path", path,
                   vm->link_base, at->kernel_run);
      return FALSE;
    }
  *entry = (guint32) enter;
  return TRUE;
}

/* Each PT_LOAD segment of the kernel proper: its bytes, then zeroes to
 * p_memsz (bss, brk), as the decompressor's parse_elf and the kernel's
 * clear_bss expect of fresh memory. */
static gboolean
kboot_loader_write_vmlinux (KbootGuest *guest, const KbootLoadAddresses *at,
                            guint64 *written, GError **error)
{
  static const guint8 zeroes[64 * 1024];
  const guint8 *bytes = g_bytes_get_data (at->vmlinux_bytes, NULL);

  *written = 0;
  for (guint i = 0; i < at->vmlinux->segments->len; i++)
    {
      const KbootVmlinuxSegment *seg =
        &g_array_index (at->vmlinux->segments, KbootVmlinuxSegment, i);
      guint64 to = 0;

      /* Checked by kboot_loader_fast_entry: the span fits at kernel_run. */
      kboot_vmlinux_address (at->vmlinux, at->kernel_run, seg->paddr, &to);
      if (seg->filesz
          && !kboot_guest_write (guest, to, bytes + seg->offset, seg->filesz, error))
        return FALSE;
      for (guint64 done = seg->filesz; done < seg->memsz;)
        {
          gsize n = MIN (sizeof zeroes, seg->memsz - done);

          if (!kboot_guest_write (guest, to + done, zeroes, n, error))
            return FALSE;
          done += n;
        }
      *written += seg->filesz;
    }
  return TRUE;
}

gboolean
kboot_loader_load (KbootGuest *guest, KbootKernel *kernel, KbootFile *initrd,
                   const char *cmdline, const KbootLoadAddresses *at,
                   KbootLoadStats *stats, GError **error)
{
  const KbootImage *image = kernel->image;
  guint8 bp[KBOOT_BP_SIZE];
  guint8 handoff[KBOOT_HANDOFF_SIZE];
  KbootHandoff h = { 0 };
  g_autoptr(GBytes) acpi = NULL;
  gsize head_len = 0;
  const guint8 *head = g_bytes_get_data (kernel->head, &head_len);
  KbootBootParamsInput in = {
    .kernel_addr = at->kernel_addr,
    .initrd_addr = initrd ? at->initrd_addr : 0,
    .initrd_size = initrd ? initrd->size : 0,
    .cmdline_addr = at->cmdline_addr,
    .e820 = at->e820,
    .n_e820 = at->n_e820,
  };
  guint64 written_before = guest->bytes_written;
  guint maps_before = guest->maps;
  guint64 kernel_bytes = image->pm_size;
  g_autofree guint8 *page_tables = NULL;

  if (!kboot_loader_check_inputs (kernel, initrd, cmdline, error))
    return FALSE;
  /* Build what is computed before writing anything. */
  if (at->acpi && !(acpi = kboot_loader_build_acpi (at, &in, &h, error)))
    return FALSE;
  if (!kboot_bootparams_build (bp, image, head, head_len, &in, error))
    return FALSE;
  if (at->kernel_addr > G_MAXUINT32 || at->boot_params_addr > G_MAXUINT32)
    {
      g_set_error (error, KBOOT_BOOTPARAMS_ERROR, KBOOT_BOOTPARAMS_ERROR_ADDRESS,
                   "the 32-bit entry needs kernel and boot_params below 4 GiB");
      return FALSE;
    }
  h.entry = (guint32) at->kernel_addr;
  h.boot_params = (guint32) at->boot_params_addr;
  h.entry_kind = KBOOT_HANDOFF_ENTRY_BZIMAGE;
  if (at->vmlinux)
    {
      if (!kboot_loader_fast_entry (at, kernel->file->path, &h.entry, error))
        return FALSE;
      h.entry_kind = at->vmlinux->is_64 ? KBOOT_HANDOFF_ENTRY_KERNEL64
                                        : KBOOT_HANDOFF_ENTRY_KERNEL32;
      if (at->vmlinux->is_64)
        {
          h.page_tables = (guint32) at->page_tables_addr;
          page_tables = g_malloc (KBOOT_PAGE_TABLES_SIZE);
          kboot_page_tables_build (page_tables, at->page_tables_addr);
        }
    }
  kboot_handoff_build (handoff, &h);

  if (at->vmlinux)
    {
      /* The kernel proper, from the bytes the validated file decompressed
       * to (the file is checked unchanged below, as for the bzImage). */
      if (!kboot_loader_write_vmlinux (guest, at, &kernel_bytes, error))
        return FALSE;
      if (page_tables
          && !kboot_guest_write (guest, at->page_tables_addr, page_tables,
                                 KBOOT_PAGE_TABLES_SIZE, error))
        return FALSE;
    }
  /* The protected-mode kernel, straight from the validated descriptor. */
  else if (!kboot_guest_write_from_fd (guest, at->kernel_addr, kernel->file->fd,
                                       image->pm_offset, image->pm_size,
                                       kernel->file->path, error))
    return FALSE;
  if (initrd && !kboot_guest_write_from_fd (guest, at->initrd_addr, initrd->fd,
                                            0, initrd->size, initrd->path, error))
    return FALSE;
  if (!kboot_guest_write (guest, at->cmdline_addr, cmdline, strlen (cmdline) + 1,
                          error))
    return FALSE;
  if (acpi && !kboot_loader_write_acpi (guest, at, acpi, error))
    return FALSE;
  if (!kboot_guest_write (guest, at->boot_params_addr, bp, sizeof bp, error))
    return FALSE;
  /* A file rewritten while we streamed it would boot a mix of two files. */
  if (!kboot_kernel_check_unchanged (kernel, error))
    return FALSE;
  if (initrd && !kboot_file_check_unchanged (initrd, error))
    return FALSE;
  /* The handoff block last: the firmware boots nothing without it. */
  if (!kboot_guest_write (guest, at->handoff_addr, handoff, sizeof handoff, error))
    return FALSE;

  if (stats)
    {
      stats->kernel_bytes = kernel_bytes;
      stats->initrd_bytes = initrd ? initrd->size : 0;
      stats->total_bytes = guest->bytes_written - written_before;
      stats->maps = guest->maps - maps_before;
    }
  return TRUE;
}

gboolean
kboot_loader_load_firmware (KbootGuest *guest, GBytes *image,
                            const KbootFirmwareElf *elf, KbootLoadStats *stats,
                            GError **error)
{
  gsize len = 0;
  const guint8 *bytes = g_bytes_get_data (image, &len);
  guint64 written_before = guest->bytes_written;
  guint maps_before = guest->maps;

  for (guint i = 0; i < elf->n_segments; i++)
    {
      const KbootFirmwareSegment *seg = &elf->segments[i];
      g_autofree guint8 *zeroes = NULL;

      /* kboot_firmware_elf_parse() checked the file bytes lie in @image;
       * a different buffer is the caller's bug. */
      g_return_val_if_fail ((guint64) seg->offset + seg->filesz <= len, FALSE);
      if (seg->filesz
          && !kboot_guest_write (guest, seg->paddr, bytes + seg->offset,
                                 seg->filesz, error))
        return FALSE;
      if (seg->memsz > seg->filesz)
        {
          zeroes = g_malloc0 (seg->memsz - seg->filesz);
          if (!kboot_guest_write (guest, (guint64) seg->paddr + seg->filesz,
                                  zeroes, seg->memsz - seg->filesz, error))
            return FALSE;
        }
    }
  if (stats)
    {
      stats->total_bytes += guest->bytes_written - written_before;
      stats->maps += guest->maps - maps_before;
    }
  return TRUE;
}
