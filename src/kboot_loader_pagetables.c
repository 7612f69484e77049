/* The 64-bit entry's identity map (see kboot_loader_pagetables.h). */
#include "config.h"

#include <string.h>

#include "kboot_loader_pagetables.h"
#include "kboot_util.h"

/* Page-table entry bits (SDM vol. 3A, 4.5: "4-level paging"). */
#define PTE_PRESENT   0x001u
#define PTE_WRITABLE  0x002u
#define PTE_LARGE     0x080u          /* PS: a 2 MiB page in a PD entry */
#define PTE_SIZE      8
#define ENTRIES       512
#define LARGE_PAGE    G_GUINT64_CONSTANT (0x200000)
#define DIRECTORIES   4               /* 4 x 1 GiB */

G_STATIC_ASSERT (KBOOT_PAGE_TABLES_SIZE == (2 + DIRECTORIES) * 0x1000);

void
kboot_page_tables_build (guint8 *tables, guint64 base)
{
  guint8 *pml4 = tables, *pdpt = tables + 0x1000, *pd = tables + 0x2000;

  g_return_if_fail (base % KBOOT_PAGE_SIZE == 0
                    && base + KBOOT_PAGE_TABLES_SIZE <= KBOOT_FOUR_GIB);
  memset (tables, 0, KBOOT_PAGE_TABLES_SIZE);
  kboot_le_put (pml4, PTE_SIZE, (base + 0x1000) | PTE_PRESENT | PTE_WRITABLE);
  for (guint d = 0; d < DIRECTORIES; d++)
    kboot_le_put (pdpt + d * PTE_SIZE, PTE_SIZE,
                  (base + 0x2000 + d * 0x1000) | PTE_PRESENT | PTE_WRITABLE);
  for (guint i = 0; i < DIRECTORIES * ENTRIES; i++)
    kboot_le_put (pd + i * PTE_SIZE, PTE_SIZE,
                  (guint64) i * LARGE_PAGE | PTE_PRESENT | PTE_WRITABLE | PTE_LARGE);
}
