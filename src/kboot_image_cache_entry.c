/* The pure parts of the kernel cache (see kboot_image_cache_entry.h). */
#include "config.h"

#include <string.h>

#include "kboot_image_cache_entry.h"
#include "kboot_util.h"

G_STATIC_ASSERT (KBOOT_CACHE_OFF_DIGEST + KBOOT_CACHE_DIGEST_LEN == KBOOT_CACHE_HEADER_SIZE);
G_STATIC_ASSERT (KBOOT_CACHE_OFF_SIZE == KBOOT_CACHE_OFF_KEY + KBOOT_CACHE_DIGEST_LEN);
G_STATIC_ASSERT (sizeof KBOOT_CACHE_MAGIC - 1 == KBOOT_CACHE_MAGIC_LEN);

static const char *const kboot_cache_fault_names[] = {
  [KBOOT_CACHE_FAULT_NONE] = "valid",
  [KBOOT_CACHE_FAULT_TRUNCATED] = "shorter than its header says (cut short)",
  [KBOOT_CACHE_FAULT_TRAILING] = "longer than its header says",
  [KBOOT_CACHE_FAULT_MAGIC] = "not an entry of this cache (no \"" KBOOT_CACHE_MAGIC "\" magic)",
  [KBOOT_CACHE_FAULT_VERSION] = "of another format version",
  [KBOOT_CACHE_FAULT_RESERVED] = "damaged (reserved header bytes are not zero)",
  [KBOOT_CACHE_FAULT_KEY] = "the kernel of another bzImage (its header's key is not its name's)",
  [KBOOT_CACHE_FAULT_TOO_LARGE] = "larger than any kernel payload decompresses to",
  [KBOOT_CACHE_FAULT_DIGEST] = "damaged (the SHA-256 of its bytes is not its header's)",
};
G_STATIC_ASSERT (G_N_ELEMENTS (kboot_cache_fault_names) == KBOOT_CACHE_FAULT_LAST);

const char *
kboot_cache_fault_to_string (KbootCacheFault fault)
{
  g_return_val_if_fail (fault < KBOOT_CACHE_FAULT_LAST, "?");
  return kboot_cache_fault_names[fault];
}

static void
hex_encode (const guint8 *bytes, gsize len, char *out)
{
  static const char digits[] = "0123456789abcdef";

  for (gsize i = 0; i < len; i++)
    {
      out[2 * i] = digits[bytes[i] >> 4];
      out[2 * i + 1] = digits[bytes[i] & 0xf];
    }
  out[2 * len] = '\0';
}

static int
hex_digit (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

void
kboot_cache_digest (const guint8 *data, gsize len, guint8 digest[KBOOT_CACHE_DIGEST_LEN])
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize digest_len = KBOOT_CACHE_DIGEST_LEN;

  /* g_checksum_update takes a gssize: feed it in bounded pieces. */
  while (len > 0)
    {
      gsize piece = MIN (len, (gsize) G_MAXINT32);

      g_checksum_update (sum, data, (gssize) piece);
      data += piece;
      len -= piece;
    }
  g_checksum_get_digest (sum, digest, &digest_len);
  g_assert (digest_len == KBOOT_CACHE_DIGEST_LEN);
}

char *
kboot_cache_key (const guint8 *bzimage, gsize len)
{
  guint8 digest[KBOOT_CACHE_DIGEST_LEN];
  char *key = g_malloc (KBOOT_CACHE_KEY_LEN + 1);

  kboot_cache_digest (bzimage, len, digest);
  hex_encode (digest, sizeof digest, key);
  return key;
}

gboolean
kboot_cache_key_is_valid (const char *key)
{
  if (!key || strlen (key) != KBOOT_CACHE_KEY_LEN)
    return FALSE;
  for (gsize i = 0; i < KBOOT_CACHE_KEY_LEN; i++)
    if (hex_digit (key[i]) < 0)
      return FALSE;
  return TRUE;
}

char *
kboot_cache_entry_name (const char *key)
{
  g_return_val_if_fail (kboot_cache_key_is_valid (key), NULL);
  return g_strconcat (key, KBOOT_CACHE_ENTRY_SUFFIX, NULL);
}

KbootCacheNameKind
kboot_cache_name_kind (const char *name)
{
  gsize len = strlen (name);

  if (g_str_has_prefix (name, KBOOT_CACHE_TEMP_PREFIX))
    return KBOOT_CACHE_NAME_TEMP;
  if (len == KBOOT_CACHE_KEY_LEN + strlen (KBOOT_CACHE_ENTRY_SUFFIX)
      && g_str_has_suffix (name, KBOOT_CACHE_ENTRY_SUFFIX))
    {
      g_autofree char *key = g_strndup (name, KBOOT_CACHE_KEY_LEN);

      if (kboot_cache_key_is_valid (key))
        return KBOOT_CACHE_NAME_ENTRY;
    }
  return KBOOT_CACHE_NAME_OTHER;
}

void
kboot_cache_header_encode (guint8 *out, const char *key, guint64 size,
                           const guint8 digest[KBOOT_CACHE_DIGEST_LEN])
{
  g_return_if_fail (kboot_cache_key_is_valid (key));

  memset (out, 0, KBOOT_CACHE_HEADER_SIZE);
  memcpy (out, KBOOT_CACHE_MAGIC, KBOOT_CACHE_MAGIC_LEN);
  kboot_le_put (out + KBOOT_CACHE_OFF_VERSION, 4, KBOOT_CACHE_FORMAT_VERSION);
  for (gsize i = 0; i < KBOOT_CACHE_DIGEST_LEN; i++)
    out[KBOOT_CACHE_OFF_KEY + i] = (guint8) (hex_digit (key[2 * i]) << 4
                                             | hex_digit (key[2 * i + 1]));
  kboot_le_put (out + KBOOT_CACHE_OFF_SIZE, 8, size);
  memcpy (out + KBOOT_CACHE_OFF_DIGEST, digest, KBOOT_CACHE_DIGEST_LEN);
}

KbootCacheFault
kboot_cache_header_parse (const guint8 *hdr, gsize hdr_len, const char *key,
                          guint64 file_size, guint64 size_max, KbootCacheHeader *out)
{
  KbootCacheHeader h = { 0 };
  guint64 end;

  if (hdr_len < KBOOT_CACHE_HEADER_SIZE || file_size < KBOOT_CACHE_HEADER_SIZE)
    return KBOOT_CACHE_FAULT_TRUNCATED;
  if (memcmp (hdr, KBOOT_CACHE_MAGIC, KBOOT_CACHE_MAGIC_LEN) != 0)
    return KBOOT_CACHE_FAULT_MAGIC;
  h.version = kboot_le32 (hdr + KBOOT_CACHE_OFF_VERSION);
  if (h.version != KBOOT_CACHE_FORMAT_VERSION)
    return KBOOT_CACHE_FAULT_VERSION;
  if (kboot_le32 (hdr + KBOOT_CACHE_OFF_RESERVED) != 0)
    return KBOOT_CACHE_FAULT_RESERVED;
  hex_encode (hdr + KBOOT_CACHE_OFF_KEY, KBOOT_CACHE_DIGEST_LEN, h.key);
  if (!key || strcmp (h.key, key) != 0)
    return KBOOT_CACHE_FAULT_KEY;
  h.size = kboot_le64 (hdr + KBOOT_CACHE_OFF_SIZE);
  if (h.size > size_max)
    return KBOOT_CACHE_FAULT_TOO_LARGE;
  /* size <= size_max keeps this from wrapping for any sane cap; check
   * anyway, the size came from a file. */
  if (!g_uint64_checked_add (&end, KBOOT_CACHE_HEADER_SIZE, h.size))
    return KBOOT_CACHE_FAULT_TOO_LARGE;
  if (end > file_size)
    return KBOOT_CACHE_FAULT_TRUNCATED;
  if (end < file_size)
    return KBOOT_CACHE_FAULT_TRAILING;
  memcpy (h.digest, hdr + KBOOT_CACHE_OFF_DIGEST, KBOOT_CACHE_DIGEST_LEN);
  *out = h;
  return KBOOT_CACHE_FAULT_NONE;
}

KbootCacheFault
kboot_cache_payload_check (const KbootCacheHeader *header, const guint8 *data, gsize len)
{
  guint8 digest[KBOOT_CACHE_DIGEST_LEN];

  if ((guint64) len != header->size)
    return len < header->size ? KBOOT_CACHE_FAULT_TRUNCATED : KBOOT_CACHE_FAULT_TRAILING;
  kboot_cache_digest (data, len, digest);
  if (memcmp (digest, header->digest, sizeof digest) != 0)
    return KBOOT_CACHE_FAULT_DIGEST;
  return KBOOT_CACHE_FAULT_NONE;
}

/* Least recently used first; equal times by name, so the choice is the
 * same whatever order the directory listed them in. */
static gint
compare_lru (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const KbootCacheEntryStat *entries = user_data;
  const KbootCacheEntryStat *x = &entries[*(const guint *) a];
  const KbootCacheEntryStat *y = &entries[*(const guint *) b];

  if (x->atime_ns != y->atime_ns)
    return x->atime_ns < y->atime_ns ? -1 : 1;
  return strcmp (x->name, y->name);
}

/* The total size of the entries not yet chosen, saturating: a total past
 * 2^64 is over any bound. */
static guint64
total_kept (const KbootCacheEntryStat *entries, gsize n, const gboolean *evicted)
{
  guint64 total = 0;

  for (gsize i = 0; i < n; i++)
    if (!evicted[i] && !g_uint64_checked_add (&total, total, entries[i].size))
      return G_MAXUINT64;
  return total;
}

GArray *
kboot_cache_select_evictions (const KbootCacheEntryStat *entries, gsize n,
                              guint64 max_bytes, const char *keep)
{
  g_autoptr(GArray) order = g_array_sized_new (FALSE, FALSE, sizeof (guint), n);
  g_autofree gboolean *evicted = g_new0 (gboolean, MAX (n, 1));
  GArray *evict = g_array_new (FALSE, FALSE, sizeof (guint));

  g_return_val_if_fail (n <= G_MAXUINT, evict);

  for (guint i = 0; i < n; i++)
    if (!keep || strcmp (entries[i].name, keep) != 0)
      g_array_append_val (order, i);
  g_array_sort_with_data (order, compare_lru, (gpointer) entries);

  /* Summed again after each choice (a cache holds a handful of kernels),
   * so that a saturated total never turns into a wrong one. */
  for (guint k = 0; k < order->len && total_kept (entries, n, evicted) > max_bytes; k++)
    {
      guint i = g_array_index (order, guint, k);

      evicted[i] = TRUE;
      g_array_append_val (evict, i);
    }
  return evict;
}
