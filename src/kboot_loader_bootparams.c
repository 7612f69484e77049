/* The zero page and the handoff block (see kboot_loader_bootparams.h). */
#include "config.h"

#include <string.h>

#include "kboot_loader_bootparams.h"
#include "kboot_util.h"

G_DEFINE_QUARK (kboot-bootparams-error-quark, kboot_bootparams_error)

gboolean
kboot_bootparams_build (guint8 *bp, const KbootImage *image,
                        const guint8 *head, gsize head_len,
                        const KbootBootParamsInput *in, GError **error)
{
  gsize hdr_end;
  gboolean above_4g = (image->hdr.xloadflags & KBOOT_XLF_CAN_BE_LOADED_ABOVE_4G) != 0;

  memset (bp, 0, KBOOT_BP_SIZE);

  /* boot.rst: the header is 0x202 + byte[0x201] long; copy that much and
   * no more, or a bootloader-looking byte at 0x1ef trips the sentinel. */
  if (head_len <= 0x201)
    {
      g_set_error (error, KBOOT_BOOTPARAMS_ERROR, KBOOT_BOOTPARAMS_ERROR_HEADER,
                   "the kernel's setup header is truncated (%" G_GSIZE_FORMAT
                   " bytes)", head_len);
      return FALSE;
    }
  hdr_end = 0x202 + (gsize) head[0x201];
  if (hdr_end > head_len)
    {
      g_set_error (error, KBOOT_BOOTPARAMS_ERROR, KBOOT_BOOTPARAMS_ERROR_HEADER,
                   "the kernel's setup header claims to end at 0x%" G_GSIZE_MODIFIER
                   "x, past the 0x%" G_GSIZE_MODIFIER "x bytes read", hdr_end, head_len);
      return FALSE;
    }
  memcpy (bp + KBOOT_HDR_SETUP_SECTS, head + KBOOT_HDR_SETUP_SECTS,
          hdr_end - KBOOT_HDR_SETUP_SECTS);

  if (in->kernel_addr >= KBOOT_FOUR_GIB || in->cmdline_addr >= KBOOT_FOUR_GIB)
    {
      g_set_error (error, KBOOT_BOOTPARAMS_ERROR, KBOOT_BOOTPARAMS_ERROR_ADDRESS,
                   "kernel (0x%" G_GINT64_MODIFIER "x) and command line (0x%"
                   G_GINT64_MODIFIER "x) must be below 4 GiB for the 32-bit entry",
                   in->kernel_addr, in->cmdline_addr);
      return FALSE;
    }
  if (in->initrd_size > G_MAXUINT32
      || (in->initrd_size && !above_4g
          && (in->initrd_addr >= KBOOT_FOUR_GIB
              || in->initrd_addr + in->initrd_size > KBOOT_FOUR_GIB)))
    {
      g_set_error (error, KBOOT_BOOTPARAMS_ERROR, KBOOT_BOOTPARAMS_ERROR_ADDRESS,
                   "initrd at 0x%" G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER
                   "x bytes, cannot be described to this kernel (above 4 GiB "
                   "needs XLF_CAN_BE_LOADED_ABOVE_4G; size must fit 32 bits)",
                   in->initrd_addr, in->initrd_size);
      return FALSE;
    }
  if (in->n_e820 > KBOOT_BP_E820_MAX)
    {
      g_set_error (error, KBOOT_BOOTPARAMS_ERROR, KBOOT_BOOTPARAMS_ERROR_E820,
                   "%u e820 entries, at most %u fit in boot_params", in->n_e820,
                   KBOOT_BP_E820_MAX);
      return FALSE;
    }

  bp[KBOOT_HDR_TYPE_OF_LOADER] = KBOOT_TYPE_OF_LOADER_UNDEFINED;
  kboot_le_put (bp + KBOOT_HDR_CODE32_START, 4, in->kernel_addr);
  kboot_le_put (bp + KBOOT_HDR_RAMDISK_IMAGE, 4, in->initrd_addr & 0xffffffff);
  kboot_le_put (bp + KBOOT_HDR_RAMDISK_SIZE, 4, in->initrd_size);
  kboot_le_put (bp + KBOOT_BP_EXT_RAMDISK_IMAGE, 4, in->initrd_addr >> 32);
  kboot_le_put (bp + KBOOT_BP_EXT_RAMDISK_SIZE, 4, 0);
  kboot_le_put (bp + KBOOT_HDR_CMD_LINE_PTR, 4, in->cmdline_addr);
  kboot_le_put (bp + KBOOT_BP_EXT_CMD_LINE_PTR, 4, 0);
  kboot_le_put (bp + KBOOT_BP_ACPI_RSDP_ADDR, 8, in->acpi_rsdp_addr);

  bp[KBOOT_BP_E820_ENTRIES] = (guint8) in->n_e820;
  for (guint i = 0; i < in->n_e820; i++)
    {
      guint8 *e = bp + KBOOT_BP_E820_TABLE + i * KBOOT_E820_ENTRY_SIZE;
      kboot_le_put (e, 8, in->e820[i].addr);
      kboot_le_put (e + 8, 8, in->e820[i].size);
      kboot_le_put (e + 16, 4, in->e820[i].type);
    }
  return TRUE;
}

void
kboot_handoff_build (guint8 *block, const KbootHandoff *handoff)
{
  guint32 sum = 0;

  memset (block, 0, KBOOT_HANDOFF_SIZE);
  kboot_le_put (block + KBOOT_HANDOFF_OFF_MAGIC, 4, KBOOT_HANDOFF_MAGIC);
  kboot_le_put (block + KBOOT_HANDOFF_OFF_VERSION, 4, KBOOT_HANDOFF_VERSION);
  kboot_le_put (block + KBOOT_HANDOFF_OFF_SIZE, 4, KBOOT_HANDOFF_SIZE);
  kboot_le_put (block + KBOOT_HANDOFF_OFF_ENTRY, 4, handoff->entry);
  kboot_le_put (block + KBOOT_HANDOFF_OFF_BOOT_PARAMS, 4, handoff->boot_params);
  kboot_le_put (block + KBOOT_HANDOFF_OFF_PCI_LINKS, 4, handoff->pci_links);
  kboot_le_put (block + KBOOT_HANDOFF_OFF_PM_BASE, 4, handoff->pm_base);
  kboot_le_put (block + KBOOT_HANDOFF_OFF_PCI_SKEW, 4, handoff->pci_skew);
  kboot_le_put (block + KBOOT_HANDOFF_OFF_ENTRY_KIND, 4, handoff->entry_kind);
  kboot_le_put (block + KBOOT_HANDOFF_OFF_PAGE_TABLES, 4, handoff->page_tables);
  for (guint off = 0; off < KBOOT_HANDOFF_SIZE; off += 4)
    sum += kboot_le32 (block + off);
  kboot_le_put (block + KBOOT_HANDOFF_OFF_CHECKSUM, 4, (guint32) (0u - sum));
}

gboolean
kboot_handoff_valid (const guint8 *block)
{
  guint32 sum = 0;
  guint32 kind = kboot_le32 (block + KBOOT_HANDOFF_OFF_ENTRY_KIND);
  guint32 tables = kboot_le32 (block + KBOOT_HANDOFF_OFF_PAGE_TABLES);

  for (guint off = 0; off < KBOOT_HANDOFF_SIZE; off += 4)
    sum += kboot_le32 (block + off);
  if (kind > KBOOT_HANDOFF_ENTRY_LAST)
    return FALSE;
  if (kind == KBOOT_HANDOFF_ENTRY_KERNEL64
      && (tables == 0 || tables % KBOOT_PAGE_SIZE != 0))
    return FALSE;
  return kboot_le32 (block + KBOOT_HANDOFF_OFF_MAGIC) == KBOOT_HANDOFF_MAGIC
         && kboot_le32 (block + KBOOT_HANDOFF_OFF_VERSION) == KBOOT_HANDOFF_VERSION
         && kboot_le32 (block + KBOOT_HANDOFF_OFF_SIZE) == KBOOT_HANDOFF_SIZE
         && kboot_le32 (block + KBOOT_HANDOFF_OFF_ENTRY) != 0
         && kboot_le32 (block + KBOOT_HANDOFF_OFF_BOOT_PARAMS) != 0
         && sum == 0;
}
