/* Fuzz target: the kernel image probe and its reports (kboot_image.c,
 * kboot_image_report.c), as "xen-kboot inspect" drives them.  The input is
 * a kernel file's start (seeds: the first 64 KiB of real kernels); it is
 * probed as the whole file, and again as the head of the file its setup
 * header says it is (setup + syssize * 16 bytes), so that a real header
 * reaches the bootable verdict and the placement rules. */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "fuzz_target.h"
#include "kboot_image.h"
#include "kboot_image_proto.h"
#include "kboot_image_report.h"
#include "kboot_util.h"
#include "kboot_util_json.h"

#define FUZZ_KERNEL_NAME "fuzz-kernel"

/* The file size the setup header claims: (setup_sects + 1) * 512 +
 * syssize * 16, or 0 when the input is too short to say. */
static guint64
claimed_file_size (const uint8_t *data, size_t size)
{
  guint64 sects;

  if (size < KBOOT_HDR_SYSSIZE + 4)
    return 0;
  sects = data[KBOOT_HDR_SETUP_SECTS] ? data[KBOOT_HDR_SETUP_SECTS]
                                      : KBOOT_SETUP_SECTS_DEFAULT;
  return (sects + 1) * KBOOT_SECTOR_SIZE
         + (guint64) kboot_le32 (data + KBOOT_HDR_SYSSIZE) * 16;
}

static void
check_json (const char *text)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;

  /* json-glib writes it and kboot_json_string replaces bytes that are not
   * UTF-8 (a kernel_version string): every report must be valid UTF-8 and
   * parse, whatever the header holds (finding 6 of issue 14). */
  FUZZ_CHECK (g_utf8_validate (text, -1, NULL), "inspect --json wrote bytes that are not UTF-8:\n%s", text);
  parser = json_parser_new ();
  FUZZ_CHECK (json_parser_load_from_data (parser, text, -1, &error),
              "inspect --json wrote invalid JSON: %s\n%s",
              error ? error->message : "?", text);
}

static void
probe_and_report (const uint8_t *data, size_t size, guint64 file_size)
{
  g_autoptr(KbootImage) image = NULL;
  g_autoptr(JsonBuilder) json = json_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *json_text = NULL;
  guint64 magic_offset = 0;
  gsize magic_len = 0;
  gboolean bootable;

  /* As kboot_kernel_open: the head, then the payload's first bytes when
   * the header points at them (here only when they are in the input). */
  image = kboot_image_probe (data, MIN (size, KBOOT_IMAGE_HEAD_MAX), file_size);
  if (kboot_image_payload_range (image, &magic_offset, &magic_len)
      && magic_offset <= size && magic_len <= size - magic_offset)
    kboot_image_set_payload_magic (image, data + magic_offset, magic_len);

  bootable = kboot_image_is_bootable (image);
  FUZZ_CHECK (bootable == (image->problems->len == 0),
              "bootable %d with %u problems", bootable, image->problems->len);
  FUZZ_CHECK (kboot_image_check_bootable (image, FUZZ_KERNEL_NAME, &error) == bootable,
              "check_bootable disagrees with is_bootable");
  FUZZ_CHECK (bootable || (error && error->domain == KBOOT_IMAGE_ERROR),
              "a refusal without its KBOOT_IMAGE_ERROR");
  if (bootable)
    {
      guint64 decompress, end;

      FUZZ_CHECK (image->load_address >= KBOOT_KERNEL_BASE
                  && image->load_address < G_GUINT64_CONSTANT (1) << 32,
                  "load address 0x%" G_GINT64_MODIFIER "x", image->load_address);
      FUZZ_CHECK (kboot_image_footprint (image, image->load_address, &decompress,
                                         &end, NULL)
                  && end == image->footprint_end && end > image->load_address,
                  "footprint of a bootable image");
    }

  text = kboot_image_report_text (image, FUZZ_KERNEL_NAME);
  FUZZ_CHECK (g_str_has_suffix (text, "\n") && strstr (text, "verdict:"),
              "text report without its verdict:\n%s", text);
  kboot_image_report_json (json, image, FUZZ_KERNEL_NAME);
  json_text = kboot_json_to_text (json);
  check_json (json_text);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  guint64 claimed = claimed_file_size (data, size);

  probe_and_report (data, size, size);
  if (claimed > size)
    probe_and_report (data, size, claimed);
  return 0;
}
