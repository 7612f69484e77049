/* The bzImage's compressed payload, decompressed on the host (the fast
 * boot path, issue 15): what Linux's own decompressor (arch/x86/boot/
 * compressed/misc.c, extract_kernel) would produce, vmlinux.bin followed
 * by Linux's relocation table when CONFIG_X86_NEED_RELOCS.
 *
 * Pure: bytes in, bytes out.  The decoding is done by the established
 * libraries (zlib, libbz2, liblzma, liblzo2, liblz4, libzstd); this module
 * only parses the framing Linux wraps around the lzo and lz4 block
 * decoders, and checks every size against the payload's trailer (the
 * decompressed size Linux appends, scripts/Makefile.lib size_append, or
 * gzip's own ISIZE) and against a cap. */
#ifndef KBOOT_IMAGE_PAYLOAD_H
#define KBOOT_IMAGE_PAYLOAD_H

#include <glib.h>

#include "kboot_image.h"
#include "kboot_util.h"

G_BEGIN_DECLS

/* The most xen-kboot decompresses: 8 times the largest kernel Debian
 * ships (65 MiB for 6.1 amd64, relocations included), and below what the
 * 32-bit length fields of the libraries' streams hold. */
#define KBOOT_PAYLOAD_SIZE_MAX  (512 * KBOOT_MIB)

/* One rule of the payload's decompression, each with its own message. */
typedef enum {
  KBOOT_PAYLOAD_ERROR_NO_PAYLOAD,     /* no payload fields, or not in the bytes */
  KBOOT_PAYLOAD_ERROR_FORMAT,         /* not a format Linux's x86 decompressor reads */
  KBOOT_PAYLOAD_ERROR_CHANGED,        /* magic differs from what the probe saw */
  KBOOT_PAYLOAD_ERROR_TRAILER,        /* size trailer missing, 0, or over the cap */
  KBOOT_PAYLOAD_ERROR_CORRUPT,        /* the library or the framing refuses it */
  KBOOT_PAYLOAD_ERROR_TRUNCATED,      /* the stream stops before its end */
  KBOOT_PAYLOAD_ERROR_TRAILING,       /* bytes between the stream and the trailer */
  KBOOT_PAYLOAD_ERROR_TOO_LARGE,      /* more output than the trailer promises */
  KBOOT_PAYLOAD_ERROR_TOO_SMALL,      /* less output than the trailer promises */
  KBOOT_PAYLOAD_ERROR_MEMORY,         /* the output buffer cannot be allocated */
} KbootPayloadError;

typedef struct {
  KbootPayloadFormat format;
  guint64 compressed_size;     /* payload_length, trailer included */
  guint64 size;                /* decompressed, == the trailer's promise */
  GBytes *data;                /* the decompressed bytes */
} KbootPayload;

/* Decompress the payload of @image, probed from @kernel (@kernel_len bytes
 * of the bzImage file, from its first byte): refuse, naming @path and the
 * rule (domain KBOOT_PAYLOAD_ERROR), a payload that is not inside @kernel,
 * not in a format Linux's x86 decompressor reads, larger than @size_max
 * (KBOOT_PAYLOAD_SIZE_MAX, smaller in tests) or than its trailer promises,
 * corrupt, cut short, or followed by anything but its trailer. */
KbootPayload *kboot_image_payload_decompress (const KbootImage *image,
                                              const guint8 *kernel,
                                              gsize kernel_len,
                                              guint64 size_max,
                                              const char *path,
                                              GError **error);
void kboot_payload_free (KbootPayload *payload);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbootPayload, kboot_payload_free)

#define KBOOT_PAYLOAD_ERROR (kboot_payload_error_quark ())
GQuark kboot_payload_error_quark (void);

G_END_DECLS

#endif /* KBOOT_IMAGE_PAYLOAD_H */
