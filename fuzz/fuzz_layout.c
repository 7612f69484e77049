/* Fuzz target: the layout planner (kboot_layout*.c) fed by a decoded
 * kernel header and a platform, as plan, validate and create call it.  The
 * input is a kernel file's start (seeds: real kernels' first 64 KiB)
 * followed by FUZZ_LAYOUT_PARAMS bytes of request: the platform and its
 * sizes, the initrd and command line, the ACPI tables and, on xen-hvm,
 * what libxenguest loads first.  Only kernels the probe calls bootable
 * are planned (the planner's contract); every plan made must pass its own
 * independent check, and be reported as a table and as JSON. */
#include "config.h"

#include <string.h>

#include "fuzz_target.h"
#include "kboot_image.h"
#include "kboot_image_proto.h"
#include "kboot_layout.h"
#include "kboot_layout_platform.h"
#include "kboot_util.h"
#include "kboot_util_json.h"

#define FUZZ_LAYOUT_PARAMS 48

/* A size of at most 2^@max_bits bytes, page-aligned unless the input asks
 * otherwise (the rules for unaligned sizes are fuzzed too). */
static guint64
take_size (FuzzTail *tail, guint max_bits)
{
  guint64 raw = fuzz_tail_take (tail, 8);
  guint8 shape = (guint8) fuzz_tail_take (tail, 1);
  guint64 value = raw >> (64 - max_bits);

  return (shape & 1) ? value : kboot_align_down (value, KBOOT_PAGE_SIZE);
}

static guint64
claimed_file_size (const uint8_t *data, size_t size)
{
  guint64 sects;

  if (size < KBOOT_HDR_SYSSIZE + 4)
    return size;
  sects = data[KBOOT_HDR_SETUP_SECTS] ? data[KBOOT_HDR_SETUP_SECTS]
                                      : KBOOT_SETUP_SECTS_DEFAULT;
  return MAX (size, (sects + 1) * KBOOT_SECTOR_SIZE
                    + (guint64) kboot_le32 (data + KBOOT_HDR_SYSSIZE) * 16);
}

static void
plan_and_check (const KbootLayoutRequest *req)
{
  g_autoptr(KbootPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) check_error = NULL;
  g_autoptr(JsonBuilder) json = NULL;
  g_autofree char *json_text = NULL;
  g_autofree char *table = NULL;

  if (!kboot_layout_plan (req, &plan, &error))
    {
      FUZZ_CHECK (error && !plan, "a refused plan without its reason");
      return;
    }
  FUZZ_CHECK (kboot_plan_check (plan, req->platform, &check_error),
              "the planner made a plan its check refuses: %s",
              check_error ? check_error->message : "?");
  FUZZ_CHECK (plan->kernel_addr >= KBOOT_KERNEL_BASE
              && plan->kernel_end > plan->kernel_addr,
              "kernel at 0x%" G_GINT64_MODIFIER "x-0x%" G_GINT64_MODIFIER "x",
              plan->kernel_addr, plan->kernel_end);
  FUZZ_CHECK (req->initrd_size == 0 || plan->initrd_size == req->initrd_size,
              "initrd of 0x%" G_GINT64_MODIFIER "x planned as 0x%"
              G_GINT64_MODIFIER "x", req->initrd_size, plan->initrd_size);
  table = kboot_plan_to_table (plan);
  json = json_builder_new ();
  kboot_plan_to_json (plan, json, NULL);
  json_text = kboot_json_to_text (json);
  FUZZ_CHECK (g_utf8_validate (json_text, -1, NULL) && json_text[0] == '{',
              "plan --json wrote '%s'", json_text);
  for (guint i = 0; i < plan->regions->len; i++)
    {
      g_autofree char *line =
        kboot_region_describe (&g_array_index (plan->regions, KbootRegion, i));

      FUZZ_CHECK (line[0] && !strchr (line, '\n'), "region described as '%s'", line);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  FuzzTail tail = { data + size - MIN (size, FUZZ_LAYOUT_PARAMS),
                    MIN (size, FUZZ_LAYOUT_PARAMS) };
  size_t head_len = size - tail.size;
  g_autoptr(KbootImage) image = NULL;
  g_autoptr(KbootPlatform) platform = NULL;
  g_autoptr(GArray) e820 = NULL;
  g_autoptr(GArray) blocks = NULL;
  KbootPlatformParams params = { 0 };
  KbootLayoutRequest req = { 0 };
  KbootReservedRange reserved = { 0, 0, "firmware" };
  guint8 flags;
  KbootPlatformKind kind;

  if (size < FUZZ_LAYOUT_PARAMS)
    return 0;
  flags = (guint8) fuzz_tail_take (&tail, 1);
  kind = (flags & 1) ? KBOOT_PLATFORM_QEMU_PC : KBOOT_PLATFORM_XEN_HVM;
  /* Up to 1 TiB of RAM: a map, not memory, so any size is cheap. */
  params.ram_size = take_size (&tail, 40);
  params.mmio_hole = (flags & 2) ? take_size (&tail, 32) : 0;
  params.bios_size = (flags & 4) ? fuzz_tail_take (&tail, 1) * G_GUINT64_CONSTANT (0x10000) : 0;

  image = kboot_image_probe (data, MIN (head_len, KBOOT_IMAGE_HEAD_MAX),
                             claimed_file_size (data, head_len));
  if (!kboot_image_is_bootable (image))
    return 0;
  platform = kboot_platform_new (kind, &params, NULL);
  if (!platform)
    return 0;
  e820 = kboot_platform_e820 (platform, NULL);
  blocks = kboot_platform_ram_blocks (platform);

  req.image = image;
  req.platform = platform;
  req.initrd_size = (flags & 8) ? take_size (&tail, 36) : 0;
  req.cmdline_len = fuzz_tail_take (&tail, 3);
  req.acpi_size = (flags & 16) ? fuzz_tail_take (&tail, 2) : 0;
  if (kind == KBOOT_PLATFORM_XEN_HVM && (flags & 32))
    {
      guint64 modules[3] = { 0 };
      KbootXenFirmwareLoad load = { 0 };

      load.firmware_start = fuzz_tail_take (&tail, 4);
      load.firmware_end = load.firmware_start + fuzz_tail_take (&tail, 3);
      for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
        modules[i] = fuzz_tail_take (&tail, 3);
      load.module_sizes = modules;
      load.n_modules = (flags >> 6) % (G_N_ELEMENTS (modules) + 1);
      load.n_memmap = params.ram_size > G_GUINT64_CONSTANT (0xf0000000) ? 2 : 1;
      if (!kboot_platform_xen_firmware_range (&load, &reserved.start,
                                              &reserved.end, NULL))
        return 0;
      req.reserved = &reserved;
      req.n_reserved = 1;
    }
  plan_and_check (&req);
  return 0;
}
