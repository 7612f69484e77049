/* acpi-dump PLATFORM NR_VCPUS DIR [ONLINE]: build the ACPI tables with
 * kboot_acpi_build() and write each one to DIR/SIGNATURE.dat (RSDP, XSDT,
 * RSDT, FACP, FACS, DSDT, APIC), the files "iasl -d" reads, following the
 * pointers from the RSDP as the guest does.  ONLINE is the vCPU online
 * bitmap in hex, byte 0 first ("b5ff"); without it all vCPUs are online.
 * A test helper for tests/acpi-iasl.sh, not a test itself. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "kboot_layout_platform.h"
#include "kboot_loader_acpi.h"
#include "kboot_loader_acpi_hw.h"
#include "kboot_util.h"

#define DUMP_BASE 0xe0000   /* where a BIOS would put them; any will do */
/* The PCI windows tests/acpi-iasl.sh expects: Xen's default hole
 * (HVM_BELOW_4G_MMIO_START to hvmloader's pci_mem_end), and QEMU's for a
 * 2 GiB guest (lowmem to the IOAPIC). */
#define DUMP_XEN_PCI_MEM       0xf0000000, KBOOT_ACPI_XEN_PCI_MEM_END
#define DUMP_QEMU_PCI_MEM      0x80000000, KBOOT_ACPI_QEMU_PCI_MEM_END

static gboolean
dump_table (const char *dir, const char *name, const guint8 *blob, gsize size,
            guint64 addr, gsize len, GError **error)
{
  g_autofree char *path = g_strdup_printf ("%s/%s.dat", dir, name);

  if (addr < DUMP_BASE || addr - DUMP_BASE > size || len > size - (addr - DUMP_BASE))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s at 0x%" G_GINT64_MODIFIER "x (%" G_GSIZE_FORMAT
                   " bytes) is outside the tables", name, addr, len);
      return FALSE;
    }
  return g_file_set_contents (path, (const char *) blob + (addr - DUMP_BASE),
                              (gssize) len, error);
}

/* The table at @addr, its length read from its header. */
static gboolean
dump_sdt (const char *dir, const char *name, const guint8 *blob, gsize size,
          guint64 addr, GError **error)
{
  if (addr < DUMP_BASE || addr - DUMP_BASE + 36 > size)
    return dump_table (dir, name, blob, size, addr, 36, error);
  return dump_table (dir, name, blob, size, addr,
                     kboot_le32 (blob + (addr - DUMP_BASE) + 4), error);
}

static gboolean
parse_online (const char *hex, guint8 *bitmap, gsize bitmap_size, GError **error)
{
  gsize len = strlen (hex);

  if (len % 2 != 0 || len / 2 > bitmap_size)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "online bitmap \"%s\": want an even number of hex digits, "
                   "at most %" G_GSIZE_FORMAT " bytes", hex, bitmap_size);
      return FALSE;
    }
  for (gsize i = 0; i < len / 2; i++)
    {
      int hi = g_ascii_xdigit_value (hex[2 * i]), lo = g_ascii_xdigit_value (hex[2 * i + 1]);

      if (hi < 0 || lo < 0)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "online bitmap \"%s\": not hex", hex);
          return FALSE;
        }
      bitmap[i] = (guint8) (hi << 4 | lo);
    }
  return TRUE;
}

static gboolean
dump (int argc, char **argv, GError **error)
{
  guint8 online[KBOOT_ACPI_VCPUS_MAX / 8] = { 0 };
  KbootAcpiConfig config = { .base = DUMP_BASE };
  g_autoptr(GBytes) bytes = NULL;
  const char *dir = argv[3];
  const guint8 *blob, *fadt;
  guint64 rsdp, xsdt, fadt_addr;
  gsize size;
  guint64 n;

  if (!kboot_platform_kind_from_string (argv[1], &config.platform, error)
      || !g_ascii_string_to_unsigned (argv[2], 10, 0, G_MAXUINT32, &n, error))
    return FALSE;
  config.nr_vcpus = (guint32) n;
  {
    static const guint64 xen[] = { DUMP_XEN_PCI_MEM }, qemu[] = { DUMP_QEMU_PCI_MEM };
    const guint64 *window = config.platform == KBOOT_PLATFORM_XEN_HVM ? xen : qemu;

    config.pci_mem_start = window[0];
    config.pci_mem_end = window[1];
  }
  if (argc > 4)
    {
      if (!parse_online (argv[4], online, sizeof online, error))
        return FALSE;
      config.vcpu_online = online;
    }

  bytes = kboot_acpi_build (&config, &rsdp, error);
  if (bytes == NULL)
    return FALSE;
  blob = g_bytes_get_data (bytes, &size);
  if (!dump_table (dir, "RSDP", blob, size, rsdp, 36, error))
    return FALSE;
  xsdt = kboot_le64 (blob + (rsdp - DUMP_BASE) + 24);
  if (!dump_sdt (dir, "XSDT", blob, size, xsdt, error)
      || !dump_sdt (dir, "RSDT", blob, size, kboot_le32 (blob + (rsdp - DUMP_BASE) + 16), error))
    return FALSE;
  /* XSDT entry 0 is the FADT, entry 1 the MADT (tests/test-acpi.c checks
   * that; iasl checks the rest). */
  fadt_addr = kboot_le64 (blob + (xsdt - DUMP_BASE) + 36);
  if (!dump_sdt (dir, "FACP", blob, size, fadt_addr, error)
      || !dump_sdt (dir, "APIC", blob, size, kboot_le64 (blob + (xsdt - DUMP_BASE) + 44), error))
    return FALSE;
  fadt = blob + (fadt_addr - DUMP_BASE);
  return dump_sdt (dir, "FACS", blob, size, kboot_le64 (fadt + 132), error)
         && dump_sdt (dir, "DSDT", blob, size, kboot_le64 (fadt + 140), error);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;

  if (argc < 4 || argc > 5)
    {
      fprintf (stderr, "usage: acpi-dump xen-hvm|qemu-pc NR_VCPUS DIR [ONLINE-HEX]\n");
      return 2;
    }
  if (!dump (argc, argv, &error))
    {
      fprintf (stderr, "acpi-dump: %s\n", error->message);
      return 1;
    }
  return 0;
}
