/* The pure parts of the cache of decompressed kernels (kboot_image_cache,
 * issue 15): the key a bzImage is cached under, the header an entry file
 * starts with and its check, what a name in the cache directory is, and
 * which entries to evict to stay under the bound.
 *
 * Pure: bytes and lists in, facts out; the directory itself is
 * kboot_image_cache.c's.
 *
 * An entry file, <dir>/<key>.vmlinux, is the header below followed by the
 * decompressed bytes (kboot_image_payload_decompress's output):
 *
 *   offset size
 *        0    8  magic "XKBOOTVM"
 *        8    4  format version (le32), KBOOT_CACHE_FORMAT_VERSION
 *       12    4  reserved, zero
 *       16   32  the key: SHA-256 of the whole bzImage file's bytes
 *       48    8  size of the decompressed bytes (le64)
 *       56   32  SHA-256 of the decompressed bytes
 *       88       the decompressed bytes
 *
 * Every byte of the header is checked (the reserved ones must be zero),
 * so any single damaged byte of an entry is noticed. */
#ifndef KBOOT_IMAGE_CACHE_ENTRY_H
#define KBOOT_IMAGE_CACHE_ENTRY_H

#include <glib.h>

G_BEGIN_DECLS

#define KBOOT_CACHE_MAGIC           "XKBOOTVM"
#define KBOOT_CACHE_MAGIC_LEN       8
#define KBOOT_CACHE_FORMAT_VERSION  1u
#define KBOOT_CACHE_DIGEST_LEN      32       /* SHA-256 */
#define KBOOT_CACHE_KEY_LEN         64       /* the digest in lowercase hex */
#define KBOOT_CACHE_HEADER_SIZE     88

#define KBOOT_CACHE_OFF_VERSION     8
#define KBOOT_CACHE_OFF_RESERVED    12
#define KBOOT_CACHE_OFF_KEY         16
#define KBOOT_CACHE_OFF_SIZE        48
#define KBOOT_CACHE_OFF_DIGEST      56

/* An entry's name is KEY + this; a writer's temporary file is
 * KBOOT_CACHE_TEMP_PREFIX + KEY + "-" + random hex. */
#define KBOOT_CACHE_ENTRY_SUFFIX    ".vmlinux"
#define KBOOT_CACHE_TEMP_PREFIX     ".kboot-tmp-"

/* Why an entry cannot be used: each means "remove it and rebuild". */
typedef enum {
  KBOOT_CACHE_FAULT_NONE,
  KBOOT_CACHE_FAULT_TRUNCATED,       /* shorter than its header says */
  KBOOT_CACHE_FAULT_TRAILING,        /* longer than its header says */
  KBOOT_CACHE_FAULT_MAGIC,           /* not an entry of this cache */
  KBOOT_CACHE_FAULT_VERSION,         /* another format version */
  KBOOT_CACHE_FAULT_RESERVED,        /* reserved bytes not zero */
  KBOOT_CACHE_FAULT_KEY,             /* the header's key is not its name's */
  KBOOT_CACHE_FAULT_TOO_LARGE,       /* more bytes than any payload decompresses to */
  KBOOT_CACHE_FAULT_DIGEST,          /* the bytes' SHA-256 is not the header's */
  KBOOT_CACHE_FAULT_LAST
} KbootCacheFault;

/* What the header of an entry says, once checked. */
typedef struct {
  guint32 version;
  char key[KBOOT_CACHE_KEY_LEN + 1];
  guint64 size;
  guint8 digest[KBOOT_CACHE_DIGEST_LEN];
} KbootCacheHeader;

/* What a name in the cache directory is. */
typedef enum {
  KBOOT_CACHE_NAME_OTHER,            /* not ours: left alone */
  KBOOT_CACHE_NAME_ENTRY,            /* KEY.vmlinux */
  KBOOT_CACHE_NAME_TEMP,             /* a writer's temporary file */
} KbootCacheNameKind;

/* One entry as the directory scan saw it, for the eviction choice. */
typedef struct {
  const char *name;
  guint64 size;                      /* st_size */
  gint64 atime_ns;                   /* last use: set by the cache itself */
} KbootCacheEntryStat;

/* The key of a bzImage: the SHA-256 of all @len bytes, lowercase hex. */
char *kboot_cache_key (const guint8 *bzimage, gsize len);
/* Whether @key is KBOOT_CACHE_KEY_LEN lowercase hex digits. */
gboolean kboot_cache_key_is_valid (const char *key);
/* "KEY.vmlinux" */
char *kboot_cache_entry_name (const char *key);
KbootCacheNameKind kboot_cache_name_kind (const char *name);

/* The SHA-256 of @len bytes at @data into @digest. */
void kboot_cache_digest (const guint8 *data, gsize len,
                         guint8 digest[KBOOT_CACHE_DIGEST_LEN]);
/* Write the header of an entry of @key holding @size bytes whose SHA-256
 * is @digest into @out (KBOOT_CACHE_HEADER_SIZE bytes). */
void kboot_cache_header_encode (guint8 *out, const char *key, guint64 size,
                                const guint8 digest[KBOOT_CACHE_DIGEST_LEN]);
/* Check the header at @hdr (@hdr_len bytes read from the file's start)
 * of the entry named after @key, whose file is @file_size bytes, holding
 * at most @size_max decompressed bytes; fill @out when it holds.  The
 * first fault found, or KBOOT_CACHE_FAULT_NONE. */
KbootCacheFault kboot_cache_header_parse (const guint8 *hdr, gsize hdr_len,
                                          const char *key, guint64 file_size,
                                          guint64 size_max, KbootCacheHeader *out);
/* KBOOT_CACHE_FAULT_DIGEST unless the @len bytes at @data are those
 * @header describes. */
KbootCacheFault kboot_cache_payload_check (const KbootCacheHeader *header,
                                           const guint8 *data, gsize len);
/* "shorter than its header says", for "PATH: the cached kernel is ...". */
const char *kboot_cache_fault_to_string (KbootCacheFault fault);

/* Which of the @n @entries to evict so that their total size is at most
 * @max_bytes: least recently used first (oldest atime_ns, then name),
 * never the one named @keep (the entry just inserted, which stays even
 * alone over the bound).  Indices into @entries, in eviction order. */
GArray *kboot_cache_select_evictions (const KbootCacheEntryStat *entries, gsize n,
                                      guint64 max_bytes, const char *keep);

G_END_DECLS

#endif /* KBOOT_IMAGE_CACHE_ENTRY_H */
