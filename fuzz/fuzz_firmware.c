/* Fuzz target: the firmware ELF reader (kboot_layout_firmware.c), which
 * plan, validate, create and xen-kboot-dm run on the installed
 * xen-kboot-fw.elf (seed: the one this build links).  A file it accepts
 * must describe segments that lie inside it, as the loader trusts. */
#include "config.h"

#include "fuzz_target.h"
#include "kboot_layout_firmware.h"
#include "kboot_util.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  KbootFirmwareElf elf;

  if (!kboot_firmware_elf_parse (data, size, "fuzz-firmware.elf", &elf, &error))
    {
      FUZZ_CHECK (error && error->domain == KBOOT_FIRMWARE_ELF_ERROR,
                  "a refusal without its KBOOT_FIRMWARE_ELF_ERROR");
      return 0;
    }
  FUZZ_CHECK (elf.n_segments >= 1 && elf.n_segments <= KBOOT_FIRMWARE_ELF_SEGMENTS_MAX,
              "%u segments", elf.n_segments);
  FUZZ_CHECK (elf.start < elf.end && elf.start % KBOOT_PAGE_SIZE == 0
              && elf.end - elf.start <= KBOOT_FIRMWARE_ELF_MAX_SIZE + KBOOT_PAGE_SIZE,
              "range 0x%" G_GINT64_MODIFIER "x-0x%" G_GINT64_MODIFIER "x",
              elf.start, elf.end);
  for (guint i = 0; i < elf.n_segments; i++)
    {
      const KbootFirmwareSegment *seg = &elf.segments[i];

      FUZZ_CHECK ((guint64) seg->offset + seg->filesz <= size
                  && seg->filesz <= seg->memsz && seg->memsz > 0,
                  "segment %u: file [0x%x, +0x%x) memory 0x%x in a %zu-byte file",
                  i, seg->offset, seg->filesz, seg->memsz, size);
      FUZZ_CHECK (seg->paddr >= elf.start
                  && (guint64) seg->paddr + seg->memsz <= elf.end,
                  "segment %u at 0x%x+0x%x outside the range", i, seg->paddr,
                  seg->memsz);
    }
  return 0;
}
