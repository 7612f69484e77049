/* Unit tests of the cache of decompressed kernels (src/kboot_image_cache.c,
 * src/kboot_image_cache_entry.c): the pure key, header and eviction
 * choice; then a real directory under $TMPDIR: miss and hit, every way an
 * entry can be damaged (each rebuilt, never returned), unsafe entries and
 * directories refused, least-recently-used eviction, crashed writers'
 * temporary files, eight processes racing for one key, and Debian's amd64
 * kernel (tests/fetch-testdata.sh) decompressed, cached and read back. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "kboot_image.h"
#include "kboot_image_cache.h"
#include "kboot_image_cache_entry.h"
#include "kboot_image_payload.h"
#include "kboot_util.h"

#define PAYLOAD_LEN  (48 * 1024)

/* ---- fixtures ------------------------------------------------------------- */

/* Deterministic bytes standing for a decompressed kernel. */
static GBytes *
payload_new (guint seed, gsize len)
{
  guint8 *p = g_malloc (len);
  guint32 x = seed * 2654435761u + 1;

  for (gsize i = 0; i < len; i++)
    {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      p[i] = (guint8) x;
    }
  return g_bytes_new_take (p, len);
}

/* What a miss builds, and how often it was asked to. */
typedef struct {
  GBytes *bytes;
  guint calls;
} Builder;

static GBytes *
builder_build (gpointer user_data, GError **error)
{
  Builder *b = user_data;

  (void) error;
  b->calls++;
  return g_bytes_ref (b->bytes);
}

/* A stand-in bzImage: the cache only hashes its bytes. */
typedef struct {
  char bzimage[32];
  Builder builder;
} Kernel;

static void
kernel_init (Kernel *k, guint seed)
{
  memset (k, 0, sizeof *k);
  g_snprintf (k->bzimage, sizeof k->bzimage, "bzImage number %u", seed);
  k->builder.bytes = payload_new (seed, PAYLOAD_LEN);
}

static void
kernel_clear (Kernel *k)
{
  g_clear_pointer (&k->builder.bytes, g_bytes_unref);
}

static char *
kernel_entry_path (const char *dir, const Kernel *k)
{
  g_autofree char *key = kboot_cache_key ((const guint8 *) k->bzimage, strlen (k->bzimage));
  g_autofree char *name = kboot_cache_entry_name (key);

  return g_build_filename (dir, name, NULL);
}

static GBytes *
kernel_get (KbootKernelCache *cache, Kernel *k, KbootCacheReport *report, GError **error)
{
  return kboot_kernel_cache_get (cache, (const guint8 *) k->bzimage, strlen (k->bzimage),
                                 builder_build, &k->builder, report, error);
}

/* A fresh directory whose "kernels" subdirectory the cache will create. */
typedef struct {
  char *top;
  char *dir;
} Scratch;

static void
scratch_init (Scratch *s)
{
  g_autoptr(GError) error = NULL;

  s->top = g_dir_make_tmp ("kboot-cache-XXXXXX", &error);
  g_assert_no_error (error);
  s->dir = g_build_filename (s->top, "kernels", NULL);
}

static void
remove_tree (const char *path)
{
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    return;
  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) d = NULL;
      const char *name;

      g_chmod (path, 0700);
      d = g_dir_open (path, 0, NULL);
      while (d && (name = g_dir_read_name (d)))
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static void
scratch_clear (Scratch *s)
{
  remove_tree (s->top);
  g_clear_pointer (&s->top, g_free);
  g_clear_pointer (&s->dir, g_free);
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The names in @dir, sorted, as one string "a b c". */
static char *
list_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)))
    g_ptr_array_add (names, (gpointer) name);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static void
set_times (const char *path, gint64 atime_ago_s, gint64 mtime_ago_s)
{
  struct timespec times[2];
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  times[0].tv_sec = (time_t) (now - atime_ago_s);
  times[0].tv_nsec = 0;
  times[1].tv_sec = (time_t) (now - mtime_ago_s);
  times[1].tv_nsec = 0;
  g_assert_cmpint (utimensat (AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW), ==, 0);
}

static GBytes *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

static void
write_file (const char *path, const guint8 *data, gsize len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents_full (path, (const char *) data, (gssize) len,
                            G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
}

/* ---- pure: key, names, header --------------------------------------------- */

static void
test_key (void)
{
  /* FIPS 180-2's SHA-256 example, "abc". */
  g_autofree char *abc = kboot_cache_key ((const guint8 *) "abc", 3);
  g_autofree char *empty = kboot_cache_key (NULL, 0);
  g_autofree char *name = kboot_cache_entry_name (abc);

  g_assert_cmpstr (abc, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  g_assert_cmpstr (empty, ==, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  g_assert_true (kboot_cache_key_is_valid (abc));
  g_assert_cmpstr (name, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.vmlinux");
}

static const struct {
  const char *name;
  KbootCacheNameKind kind;
} name_cases[] = {
  { "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.vmlinux", KBOOT_CACHE_NAME_ENTRY },
  { "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD.vmlinux", KBOOT_CACHE_NAME_OTHER },
  { "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a.vmlinux", KBOOT_CACHE_NAME_OTHER },
  { "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.vmlinuz", KBOOT_CACHE_NAME_OTHER },
  { "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015adx.vmlinux", KBOOT_CACHE_NAME_OTHER },
  { "zz7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.vmlinux", KBOOT_CACHE_NAME_OTHER },
  { ".kboot-tmp-ba7816bf-12-00ff00ff", KBOOT_CACHE_NAME_TEMP },
  { "kboot-tmp-ba7816bf", KBOOT_CACHE_NAME_OTHER },
  { "README", KBOOT_CACHE_NAME_OTHER },
  { ".vmlinux", KBOOT_CACHE_NAME_OTHER },
};

static void
test_name_kind (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (name_cases); i++)
    if (kboot_cache_name_kind (name_cases[i].name) != name_cases[i].kind)
      g_test_fail_printf ("%s: kind %d, expected %d", name_cases[i].name,
                          kboot_cache_name_kind (name_cases[i].name), name_cases[i].kind);
}

/* A header damaged one way, and the fault its check must find. */
typedef struct {
  const char *what;
  gsize offset;                /* the byte to change */
  guint8 xor;                  /* 0: change nothing there */
  gint64 file_delta;           /* added to the file size */
  gsize hdr_len;               /* 0: the whole header */
  gboolean other_key;          /* checked against another key */
  guint64 size_max;            /* 0: the payload size exactly */
  KbootCacheFault fault;
} HeaderCase;

static const HeaderCase header_cases[] = {
  { "intact", 0, 0, 0, 0, FALSE, 0, KBOOT_CACHE_FAULT_NONE },
  { "magic", 3, 0x20, 0, 0, FALSE, 0, KBOOT_CACHE_FAULT_MAGIC },
  { "version", KBOOT_CACHE_OFF_VERSION, 0x03, 0, 0, FALSE, 0, KBOOT_CACHE_FAULT_VERSION },
  { "version-high", KBOOT_CACHE_OFF_VERSION + 3, 0x80, 0, 0, FALSE, 0, KBOOT_CACHE_FAULT_VERSION },
  { "reserved", KBOOT_CACHE_OFF_RESERVED + 1, 0x01, 0, 0, FALSE, 0, KBOOT_CACHE_FAULT_RESERVED },
  { "key-byte", KBOOT_CACHE_OFF_KEY + 31, 0x10, 0, 0, FALSE, 0, KBOOT_CACHE_FAULT_KEY },
  { "other-key", 0, 0, 0, 0, TRUE, 0, KBOOT_CACHE_FAULT_KEY },
  { "size-up", KBOOT_CACHE_OFF_SIZE, 0x01, 0, 0, FALSE, G_MAXUINT64 - 200, KBOOT_CACHE_FAULT_TRUNCATED },
  { "size-past-file", KBOOT_CACHE_OFF_SIZE + 7, 0xff, 0, 0, FALSE, G_MAXUINT64, KBOOT_CACHE_FAULT_TRUNCATED },
  { "size-past-cap", KBOOT_CACHE_OFF_SIZE + 4, 0x01, 0, 0, FALSE, 0, KBOOT_CACHE_FAULT_TOO_LARGE },
  { "size-over-cap", 0, 0, 0, 0, FALSE, 1000, KBOOT_CACHE_FAULT_TOO_LARGE },
  { "file-short", 0, 0, -1, 0, FALSE, 0, KBOOT_CACHE_FAULT_TRUNCATED },
  { "file-long", 0, 0, 1, 0, FALSE, 0, KBOOT_CACHE_FAULT_TRAILING },
  { "header-cut", 0, 0, 0, KBOOT_CACHE_HEADER_SIZE - 1, FALSE, 0, KBOOT_CACHE_FAULT_TRUNCATED },
};

static void
test_header (gconstpointer data)
{
  const HeaderCase *c = data;
  g_autoptr(GBytes) payload = payload_new (7, 4096);
  g_autofree char *key = kboot_cache_key ((const guint8 *) "k", 1);
  g_autofree char *other = kboot_cache_key ((const guint8 *) "j", 1);
  guint8 digest[KBOOT_CACHE_DIGEST_LEN];
  guint8 hdr[KBOOT_CACHE_HEADER_SIZE];
  KbootCacheHeader parsed = { 0 };
  KbootCacheFault fault;
  guint64 file_size = KBOOT_CACHE_HEADER_SIZE + 4096 + c->file_delta;

  kboot_cache_digest (g_bytes_get_data (payload, NULL), 4096, digest);
  kboot_cache_header_encode (hdr, key, 4096, digest);
  hdr[c->offset] ^= c->xor;
  fault = kboot_cache_header_parse (hdr, c->hdr_len ? c->hdr_len : sizeof hdr,
                                    c->other_key ? other : key, file_size,
                                    c->size_max ? c->size_max : 4096, &parsed);
  g_assert_cmpstr (kboot_cache_fault_to_string (fault), ==,
                   kboot_cache_fault_to_string (c->fault));
  if (fault != KBOOT_CACHE_FAULT_NONE)
    return;
  g_assert_cmpstr (parsed.key, ==, key);
  g_assert_cmpuint (parsed.size, ==, 4096);
  g_assert_cmpint (kboot_cache_payload_check (&parsed, g_bytes_get_data (payload, NULL), 4096),
                   ==, KBOOT_CACHE_FAULT_NONE);
  g_assert_cmpint (kboot_cache_payload_check (&parsed, g_bytes_get_data (payload, NULL), 4095),
                   ==, KBOOT_CACHE_FAULT_TRUNCATED);
  {
    g_autofree guint8 *flipped = g_memdup2 (g_bytes_get_data (payload, NULL), 4096);

    flipped[4000] ^= 1;
    g_assert_cmpint (kboot_cache_payload_check (&parsed, flipped, 4096),
                     ==, KBOOT_CACHE_FAULT_DIGEST);
  }
}

/* ---- pure: which entries to evict ----------------------------------------- */

typedef struct {
  const char *what;
  KbootCacheEntryStat entries[5];
  gsize n;
  guint64 max_bytes;
  const char *keep;
  const char *evicted;         /* names in eviction order, space-separated */
} EvictCase;

static const EvictCase evict_cases[] = {
  { "under-bound", { { "a", 10, 1 }, { "b", 10, 2 } }, 2, 20, "b", "" },
  { "oldest-first", { { "a", 10, 3 }, { "b", 10, 1 }, { "c", 10, 2 } }, 3, 20, "a", "b" },
  { "until-under", { { "a", 10, 3 }, { "b", 10, 1 }, { "c", 10, 2 }, { "d", 10, 4 } }, 4, 15, "d", "b c a" },
  { "keep-even-alone", { { "a", 100, 1 }, { "b", 10, 2 } }, 2, 50, "a", "b" },
  { "keep-oldest", { { "a", 10, 1 }, { "b", 10, 2 }, { "c", 10, 3 } }, 3, 20, "a", "b" },
  { "ties-by-name", { { "c", 10, 5 }, { "a", 10, 5 }, { "b", 10, 5 } }, 3, 10, "z", "a b" },
  { "bound-zero", { { "a", 1, 2 }, { "b", 1, 1 } }, 2, 0, "a", "b" },
  { "huge-sizes", { { "a", G_MAXUINT64, 2 }, { "b", G_MAXUINT64, 1 }, { "c", 5, 3 } }, 3, 10, "c", "b a" },
  { "nothing", { { NULL, 0, 0 } }, 0, 0, "a", "" },
};

static void
test_evict_choice (gconstpointer data)
{
  const EvictCase *c = data;
  g_autoptr(GArray) evict = kboot_cache_select_evictions (c->entries, c->n, c->max_bytes, c->keep);
  g_autoptr(GString) got = g_string_new (NULL);

  for (guint k = 0; k < evict->len; k++)
    g_string_append_printf (got, "%s%s", k ? " " : "",
                            c->entries[g_array_index (evict, guint, k)].name);
  g_assert_cmpstr (got->str, ==, c->evicted);
}

/* ---- miss, then hit ------------------------------------------------------- */

static void
test_miss_then_hit (void)
{
  Scratch s;
  Kernel k;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbootKernelCache) cache = NULL;
  g_autoptr(KbootKernelCache) again = NULL;
  g_autoptr(GBytes) first = NULL, second = NULL, third = NULL, file = NULL;
  g_autofree char *path = NULL;
  KbootCacheReport report = { 0 };
  GStatBuf st;

  scratch_init (&s);
  kernel_init (&k, 1);
  cache = kboot_kernel_cache_open (s.dir, 16 * KBOOT_MIB, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (s.dir, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 07777, ==, 0700);

  first = kernel_get (cache, &k, &report, &error);
  g_assert_no_error (error);
  g_assert_cmpint (report.outcome, ==, KBOOT_CACHE_MISS);
  g_assert_true (report.stored);
  g_assert_null (report.detail);
  g_assert_cmpuint (k.builder.calls, ==, 1);
  g_assert_true (g_bytes_equal (first, k.builder.bytes));

  /* The entry: header, then the bytes, 0600, under the key's name. */
  path = kernel_entry_path (s.dir, &k);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 07777, ==, 0600);
  file = read_file (path);
  g_assert_cmpuint (g_bytes_get_size (file), ==, KBOOT_CACHE_HEADER_SIZE + PAYLOAD_LEN);
  g_assert_cmpmem ((const guint8 *) g_bytes_get_data (file, NULL) + KBOOT_CACHE_HEADER_SIZE,
                   PAYLOAD_LEN, g_bytes_get_data (first, NULL), PAYLOAD_LEN);
  kboot_cache_report_clear (&report);

  second = kernel_get (cache, &k, &report, &error);
  g_assert_no_error (error);
  g_assert_cmpint (report.outcome, ==, KBOOT_CACHE_HIT);
  g_assert_cmpuint (k.builder.calls, ==, 1);
  g_assert_true (g_bytes_equal (second, k.builder.bytes));
  kboot_cache_report_clear (&report);

  /* Another user of the same directory finds it too. */
  again = kboot_kernel_cache_open (s.dir, 16 * KBOOT_MIB, &error);
  g_assert_no_error (error);
  third = kernel_get (again, &k, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (k.builder.calls, ==, 1);
  g_assert_true (g_bytes_equal (third, k.builder.bytes));

  kernel_clear (&k);
  scratch_clear (&s);
}

/* ---- damaged entries: rebuilt, never returned ----------------------------- */

typedef struct {
  const char *what;
  /* Damage the entry at @path of kernel @k (@other: another kernel's
   * entry, already cached). */
  void (*damage) (const char *path, gsize arg, const char *other);
  gsize arg;
  KbootCacheFault fault;
} DamageCase;

static void
damage_truncate (const char *path, gsize len, const char *other)
{
  (void) other;
  g_assert_cmpint (truncate (path, (off_t) len), ==, 0);
}

static void
damage_flip (const char *path, gsize offset, const char *other)
{
  g_autoptr(GBytes) file = read_file (path);
  g_autofree guint8 *bytes = g_memdup2 (g_bytes_get_data (file, NULL), g_bytes_get_size (file));

  (void) other;
  g_assert_cmpuint (offset, <, g_bytes_get_size (file));
  bytes[offset] ^= 0x01;
  write_file (path, bytes, g_bytes_get_size (file));
}

static void
damage_append (const char *path, gsize len, const char *other)
{
  g_autoptr(GBytes) file = read_file (path);
  g_autofree guint8 *bytes = g_malloc0 (g_bytes_get_size (file) + len);

  (void) other;
  memcpy (bytes, g_bytes_get_data (file, NULL), g_bytes_get_size (file));
  write_file (path, bytes, g_bytes_get_size (file) + len);
}

/* Another kernel's valid entry under this one's name. */
static void
damage_other_key (const char *path, gsize arg, const char *other)
{
  g_autoptr(GBytes) file = read_file (other);

  (void) arg;
  write_file (path, g_bytes_get_data (file, NULL), g_bytes_get_size (file));
}

/* A valid entry in every way but its format version. */
static void
damage_version (const char *path, gsize version, const char *other)
{
  g_autoptr(GBytes) file = read_file (path);
  g_autofree guint8 *bytes = g_memdup2 (g_bytes_get_data (file, NULL), g_bytes_get_size (file));

  (void) other;
  kboot_le_put (bytes + KBOOT_CACHE_OFF_VERSION, 4, version);
  write_file (path, bytes, g_bytes_get_size (file));
}

static const DamageCase damage_cases[] = {
  { "empty", damage_truncate, 0, KBOOT_CACHE_FAULT_TRUNCATED },
  { "cut-in-header", damage_truncate, 40, KBOOT_CACHE_FAULT_TRUNCATED },
  { "cut-after-header", damage_truncate, KBOOT_CACHE_HEADER_SIZE, KBOOT_CACHE_FAULT_TRUNCATED },
  { "cut-in-payload", damage_truncate, KBOOT_CACHE_HEADER_SIZE + PAYLOAD_LEN / 2, KBOOT_CACHE_FAULT_TRUNCATED },
  { "cut-last-byte", damage_truncate, KBOOT_CACHE_HEADER_SIZE + PAYLOAD_LEN - 1, KBOOT_CACHE_FAULT_TRUNCATED },
  { "one-byte-more", damage_append, 1, KBOOT_CACHE_FAULT_TRAILING },
  { "payload-first-byte", damage_flip, KBOOT_CACHE_HEADER_SIZE, KBOOT_CACHE_FAULT_DIGEST },
  { "payload-middle-byte", damage_flip, KBOOT_CACHE_HEADER_SIZE + PAYLOAD_LEN / 3, KBOOT_CACHE_FAULT_DIGEST },
  { "payload-last-byte", damage_flip, KBOOT_CACHE_HEADER_SIZE + PAYLOAD_LEN - 1, KBOOT_CACHE_FAULT_DIGEST },
  { "header-magic", damage_flip, 0, KBOOT_CACHE_FAULT_MAGIC },
  { "header-reserved", damage_flip, KBOOT_CACHE_OFF_RESERVED + 3, KBOOT_CACHE_FAULT_RESERVED },
  { "header-key", damage_flip, KBOOT_CACHE_OFF_KEY + 5, KBOOT_CACHE_FAULT_KEY },
  { "header-size", damage_flip, KBOOT_CACHE_OFF_SIZE, KBOOT_CACHE_FAULT_TRUNCATED },
  { "header-size-high", damage_flip, KBOOT_CACHE_OFF_SIZE + 7, KBOOT_CACHE_FAULT_TOO_LARGE },
  { "header-digest", damage_flip, KBOOT_CACHE_OFF_DIGEST + 31, KBOOT_CACHE_FAULT_DIGEST },
  { "wrong-key", damage_other_key, 0, KBOOT_CACHE_FAULT_KEY },
  { "version-0", damage_version, 0, KBOOT_CACHE_FAULT_VERSION },
  { "version-2", damage_version, 2, KBOOT_CACHE_FAULT_VERSION },
};

/* Cache @k and another kernel, damage @k's entry with @c, then check that
 * the next lookup removes it, builds again, returns only the built bytes,
 * and leaves a valid entry. */
static void
check_damage (const DamageCase *c, gsize arg)
{
  Scratch s;
  Kernel k, other;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbootKernelCache) cache = NULL;
  g_autoptr(GBytes) got = NULL, hit = NULL, b1 = NULL, b2 = NULL;
  g_autofree char *path = NULL, *other_path = NULL;
  KbootCacheReport report = { 0 };

  scratch_init (&s);
  kernel_init (&k, 2);
  kernel_init (&other, 3);
  cache = kboot_kernel_cache_open (s.dir, 16 * KBOOT_MIB, &error);
  g_assert_no_error (error);
  b1 = kernel_get (cache, &k, NULL, &error);
  g_assert_no_error (error);
  b2 = kernel_get (cache, &other, NULL, &error);
  g_assert_no_error (error);
  path = kernel_entry_path (s.dir, &k);
  other_path = kernel_entry_path (s.dir, &other);

  c->damage (path, arg, other_path);
  got = kernel_get (cache, &k, &report, &error);
  g_assert_no_error (error);
  if (report.outcome != KBOOT_CACHE_REBUILT || report.fault != c->fault)
    g_test_fail_printf ("%s (%" G_GSIZE_FORMAT "): outcome %d fault \"%s\", expected "
                        "rebuilt, \"%s\"", c->what, arg, report.outcome,
                        kboot_cache_fault_to_string (report.fault),
                        kboot_cache_fault_to_string (c->fault));
  g_assert_cmpuint (k.builder.calls, ==, 2);
  g_assert_true (g_bytes_equal (got, k.builder.bytes));
  g_assert_true (report.stored);
  g_assert_nonnull (report.detail);
  g_assert_nonnull (strstr (report.detail, path));
  g_assert_nonnull (strstr (report.detail, kboot_cache_fault_to_string (c->fault)));
  kboot_cache_report_clear (&report);

  hit = kernel_get (cache, &k, &report, &error);
  g_assert_no_error (error);
  g_assert_cmpint (report.outcome, ==, KBOOT_CACHE_HIT);
  g_assert_cmpuint (k.builder.calls, ==, 2);
  g_assert_true (g_bytes_equal (hit, k.builder.bytes));
  /* The other kernel's entry was not touched. */
  g_assert_true (g_file_test (other_path, G_FILE_TEST_IS_REGULAR));
  kboot_cache_report_clear (&report);

  kernel_clear (&k);
  kernel_clear (&other);
  scratch_clear (&s);
}

static void
test_damage (gconstpointer data)
{
  const DamageCase *c = data;

  check_damage (c, c->arg);
}

/* Every single byte of the header flipped: each noticed. */
static void
test_damage_every_header_byte (void)
{
  const DamageCase flip = { "header-byte", damage_flip, 0, KBOOT_CACHE_FAULT_NONE };

  for (gsize offset = 0; offset < KBOOT_CACHE_HEADER_SIZE; offset++)
    {
      DamageCase c = flip;

      /* Each field's own check notices it. */
      c.fault = offset < KBOOT_CACHE_OFF_VERSION ? KBOOT_CACHE_FAULT_MAGIC
        : offset < KBOOT_CACHE_OFF_RESERVED ? KBOOT_CACHE_FAULT_VERSION
        : offset < KBOOT_CACHE_OFF_KEY ? KBOOT_CACHE_FAULT_RESERVED
        : offset < KBOOT_CACHE_OFF_SIZE ? KBOOT_CACHE_FAULT_KEY
        /* PAYLOAD_LEN, 0xc000, with a bit of its low four bytes set:
         * more than the file holds but below the cap (at most 16 MiB
         * more); of its high four: more than any payload. */
        : offset < KBOOT_CACHE_OFF_SIZE + 4 ? KBOOT_CACHE_FAULT_TRUNCATED
        : offset < KBOOT_CACHE_OFF_DIGEST ? KBOOT_CACHE_FAULT_TOO_LARGE
        : KBOOT_CACHE_FAULT_DIGEST;
      check_damage (&c, offset);
    }
}

/* ---- unsafe entries and directories: refused, named ----------------------- */

typedef struct {
  const char *what;
  void (*make) (const char *path, const char *other);
  const char *rule;            /* in the message */
  gboolean needs_root;
} UnsafeEntryCase;

static void
make_symlink (const char *path, const char *other)
{
  g_assert_cmpint (symlink (other, path), ==, 0);
}

static void
make_mode (const char *path, mode_t mode, const char *other)
{
  g_autoptr(GBytes) file = read_file (other);

  write_file (path, g_bytes_get_data (file, NULL), g_bytes_get_size (file));
  g_assert_cmpint (chmod (path, mode), ==, 0);
}

static void
make_group_writable (const char *path, const char *other)
{
  make_mode (path, 0620, other);
}

static void
make_world_writable (const char *path, const char *other)
{
  make_mode (path, 0606, other);
}

static void
make_fifo (const char *path, const char *other)
{
  (void) other;
  g_assert_cmpint (mkfifo (path, 0600), ==, 0);
}

static void
make_directory (const char *path, const char *other)
{
  (void) other;
  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
}

static void
make_foreign (const char *path, const char *other)
{
  make_mode (path, 0600, other);
  g_assert_cmpint (chown (path, 65534, 65534), ==, 0);
}

static const UnsafeEntryCase unsafe_entry_cases[] = {
  { "symlink", make_symlink, "is a symbolic link", FALSE },
  { "group-writable", make_group_writable, "writable by group or others (mode 0620)", FALSE },
  { "world-writable", make_world_writable, "writable by group or others (mode 0606)", FALSE },
  { "fifo", make_fifo, "not a regular file", FALSE },
  { "directory", make_directory, "not a regular file", FALSE },
  { "foreign-owner", make_foreign, "is owned by uid 65534", TRUE },
};

static void
test_unsafe_entry (gconstpointer data)
{
  const UnsafeEntryCase *c = data;
  Scratch s;
  Kernel k, other;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbootKernelCache) cache = NULL;
  g_autoptr(GBytes) got = NULL, b = NULL;
  g_autofree char *path = NULL, *other_path = NULL;
  GStatBuf st;

  if (c->needs_root && geteuid () != 0)
    {
      g_test_skip ("giving a file to another user needs root");
      return;
    }
  scratch_init (&s);
  kernel_init (&k, 4);
  kernel_init (&other, 5);
  cache = kboot_kernel_cache_open (s.dir, 16 * KBOOT_MIB, &error);
  g_assert_no_error (error);
  b = kernel_get (cache, &other, NULL, &error);
  g_assert_no_error (error);
  path = kernel_entry_path (s.dir, &k);
  other_path = kernel_entry_path (s.dir, &other);

  c->make (path, other_path);
  got = kernel_get (cache, &k, NULL, &error);
  g_assert_null (got);
  g_assert_error (error, KBOOT_CACHE_ERROR, KBOOT_CACHE_ERROR_UNSAFE_ENTRY);
  g_assert_true (g_str_has_prefix (error->message, path));
  if (!strstr (error->message, c->rule))
    g_test_fail_printf ("\"%s\" lacks \"%s\"", error->message, c->rule);
  g_assert_cmpuint (k.builder.calls, ==, 0);
  /* Refused, not removed: an administrator should see what was there. */
  g_assert_cmpint (g_lstat (path, &st), ==, 0);

  kernel_clear (&k);
  kernel_clear (&other);
  scratch_clear (&s);
}

typedef struct {
  const char *what;
  /* Make @dir unsafe; @top is its parent, already there. */
  void (*make) (const char *dir, const char *top);
  KbootCacheError code;
  const char *rule;
  gboolean needs_root;
} UnsafeDirCase;

static void
dir_symlink (const char *dir, const char *top)
{
  g_autofree char *real = g_build_filename (top, "real", NULL);

  g_assert_cmpint (g_mkdir (real, 0700), ==, 0);
  g_assert_cmpint (symlink (real, dir), ==, 0);
}

static void
dir_mode (const char *dir, mode_t mode)
{
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  g_assert_cmpint (chmod (dir, mode), ==, 0);
}

static void
dir_world_writable (const char *dir, const char *top)
{
  (void) top;
  dir_mode (dir, 0777);
}

static void
dir_group_writable (const char *dir, const char *top)
{
  (void) top;
  dir_mode (dir, 0770);
}

static void
dir_sticky_world (const char *dir, const char *top)
{
  (void) top;
  dir_mode (dir, 01777);
}

static void
dir_file (const char *dir, const char *top)
{
  (void) top;
  write_file (dir, (const guint8 *) "x", 1);
}

static void
dir_foreign (const char *dir, const char *top)
{
  (void) top;
  dir_mode (dir, 0700);
  g_assert_cmpint (chown (dir, 65534, 65534), ==, 0);
}

static const UnsafeDirCase unsafe_dir_cases[] = {
  { "symlink", dir_symlink, KBOOT_CACHE_ERROR_UNSAFE_DIRECTORY, "is a symbolic link", FALSE },
  { "world-writable", dir_world_writable, KBOOT_CACHE_ERROR_UNSAFE_DIRECTORY,
    "writable by group or others (mode 0777)", FALSE },
  { "group-writable", dir_group_writable, KBOOT_CACHE_ERROR_UNSAFE_DIRECTORY,
    "writable by group or others (mode 0770)", FALSE },
  { "sticky-world-writable", dir_sticky_world, KBOOT_CACHE_ERROR_UNSAFE_DIRECTORY,
    "writable by group or others (mode 01777)", FALSE },
  { "regular-file", dir_file, KBOOT_CACHE_ERROR_UNSAFE_DIRECTORY, "is not a directory", FALSE },
  { "foreign-owner", dir_foreign, KBOOT_CACHE_ERROR_UNSAFE_DIRECTORY, "is owned by uid 65534", TRUE },
};

static void
test_unsafe_dir (gconstpointer data)
{
  const UnsafeDirCase *c = data;
  Scratch s;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbootKernelCache) cache = NULL;

  if (c->needs_root && geteuid () != 0)
    {
      g_test_skip ("giving a directory to another user needs root");
      return;
    }
  scratch_init (&s);
  c->make (s.dir, s.top);
  cache = kboot_kernel_cache_open (s.dir, 16 * KBOOT_MIB, &error);
  g_assert_null (cache);
  g_assert_error (error, KBOOT_CACHE_ERROR, (gint) c->code);
  g_assert_true (g_str_has_prefix (error->message, s.dir));
  if (!strstr (error->message, c->rule))
    g_test_fail_printf ("\"%s\" lacks \"%s\"", error->message, c->rule);
  scratch_clear (&s);
}

/* Missing parents are created too, 0700. */
static void
test_dir_created (void)
{
  Scratch s;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbootKernelCache) cache = NULL;
  g_autofree char *deep = NULL, *mid = NULL;
  GStatBuf st;

  scratch_init (&s);
  mid = g_build_filename (s.top, "xen-kboot", NULL);
  deep = g_build_filename (mid, "kernels", NULL);
  cache = kboot_kernel_cache_open (deep, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kboot_kernel_cache_dir (cache), ==, deep);
  g_assert_cmpint (g_stat (deep, &st), ==, 0);
  g_assert_true (S_ISDIR (st.st_mode));
  g_assert_cmpuint (st.st_mode & 07777, ==, 0700);
  g_assert_cmpint (g_stat (mid, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 07777, ==, 0700);
  scratch_clear (&s);
}

/* ---- eviction ------------------------------------------------------------- */

/* Three entries, room for two: the least recently *used* goes, not the
 * first inserted; files that are not entries are neither counted nor
 * removed. */
static void
test_evict_lru (void)
{
  Scratch s;
  Kernel a, b, c, d;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbootKernelCache) cache = NULL;
  g_autoptr(GBytes) ga = NULL, gb = NULL, ha = NULL, gc = NULL, gd = NULL, big = NULL;
  g_autofree char *pa = NULL, *pb = NULL, *pc = NULL, *pd = NULL, *notes = NULL;
  KbootCacheReport report = { 0 };
  const guint64 entry = KBOOT_CACHE_HEADER_SIZE + PAYLOAD_LEN;

  scratch_init (&s);
  kernel_init (&a, 10);
  kernel_init (&b, 11);
  kernel_init (&c, 12);
  kernel_init (&d, 13);
  cache = kboot_kernel_cache_open (s.dir, 2 * entry, &error);
  g_assert_no_error (error);
  pa = kernel_entry_path (s.dir, &a);
  pb = kernel_entry_path (s.dir, &b);
  pc = kernel_entry_path (s.dir, &c);
  pd = kernel_entry_path (s.dir, &d);
  /* Someone's file, larger than the bound: not the cache's. */
  notes = g_build_filename (s.dir, "notes.txt", NULL);
  big = payload_new (99, 4 * entry);
  write_file (notes, g_bytes_get_data (big, NULL), g_bytes_get_size (big));

  ga = kernel_get (cache, &a, NULL, &error);
  g_assert_no_error (error);
  gb = kernel_get (cache, &b, &report, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report.evicted, ==, 0);
  kboot_cache_report_clear (&report);
  /* a inserted first (3 hours ago), b later (2 hours ago)... (the cache
   * reads with O_NOATIME: only its own record of a use moves an atime,
   * whatever the mount's policy) */
  set_times (pa, 3 * 3600, 3 * 3600);
  set_times (pb, 2 * 3600, 2 * 3600);
  /* ...but a used since. */
  ha = kernel_get (cache, &a, &report, &error);
  g_assert_no_error (error);
  g_assert_cmpint (report.outcome, ==, KBOOT_CACHE_HIT);
  kboot_cache_report_clear (&report);

  gc = kernel_get (cache, &c, &report, &error);
  g_assert_no_error (error);
  g_assert_cmpint (report.outcome, ==, KBOOT_CACHE_MISS);
  g_assert_cmpuint (report.evicted, ==, 1);
  kboot_cache_report_clear (&report);
  g_assert_true (g_file_test (pa, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (pb, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (pc, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (notes, G_FILE_TEST_EXISTS));

  /* A bound smaller than one entry: the new one stays, alone. */
  kboot_kernel_cache_free (g_steal_pointer (&cache));
  cache = kboot_kernel_cache_open (s.dir, entry / 2, &error);
  g_assert_no_error (error);
  gd = kernel_get (cache, &d, &report, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report.evicted, ==, 2);
  kboot_cache_report_clear (&report);
  g_assert_false (g_file_test (pa, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (pc, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (pd, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (notes, G_FILE_TEST_EXISTS));

  kernel_clear (&a);
  kernel_clear (&b);
  kernel_clear (&c);
  kernel_clear (&d);
  scratch_clear (&s);
}

/* ---- a crashed writer's temporary files ----------------------------------- */

static void
test_temp_files (void)
{
  Scratch s;
  Kernel k, other;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbootKernelCache) cache = NULL;
  g_autoptr(GBytes) got = NULL, hit = NULL;
  g_autofree char *key = NULL, *young = NULL, *old = NULL, *old_other = NULL;
  g_autofree char *listing = NULL, *expected = NULL, *name = NULL;
  KbootCacheReport report = { 0 };
  const guint64 entry = KBOOT_CACHE_HEADER_SIZE + PAYLOAD_LEN;

  scratch_init (&s);
  kernel_init (&k, 20);
  kernel_init (&other, 21);
  /* Bound for one entry: temporary files must not count towards it. */
  cache = kboot_kernel_cache_open (s.dir, entry, &error);
  g_assert_no_error (error);
  key = kboot_cache_key ((const guint8 *) k.bzimage, strlen (k.bzimage));
  name = kboot_cache_entry_name (key);

  /* A writer of this very key died mid-write a minute ago, another an
   * hour and a half ago; a third, of another key, two hours ago. */
  young = g_strdup_printf ("%s/" KBOOT_CACHE_TEMP_PREFIX "%s-111-0badc0de", s.dir, key);
  old = g_strdup_printf ("%s/" KBOOT_CACHE_TEMP_PREFIX "%s-222-0badc0de", s.dir, key);
  old_other = g_strdup_printf ("%s/" KBOOT_CACHE_TEMP_PREFIX "0000-333-00000000", s.dir);
  write_file (young, (const guint8 *) "XKBOOTVM half", 13);
  write_file (old, (const guint8 *) "XKBOOTVM half", 13);
  write_file (old_other, (const guint8 *) "", 0);
  set_times (young, 60, 60);
  set_times (old, 5400, 5400);
  set_times (old_other, 7200, 7200);

  got = kernel_get (cache, &k, &report, &error);
  g_assert_no_error (error);
  g_assert_cmpint (report.outcome, ==, KBOOT_CACHE_MISS);
  g_assert_cmpuint (report.temp_removed, ==, 2);
  g_assert_cmpuint (report.evicted, ==, 0);
  g_assert_true (g_bytes_equal (got, k.builder.bytes));
  kboot_cache_report_clear (&report);

  listing = list_dir (s.dir);
  expected = g_strdup_printf (KBOOT_CACHE_TEMP_PREFIX "%s-111-0badc0de %s", key, name);
  g_assert_cmpstr (listing, ==, expected);

  hit = kernel_get (cache, &k, &report, &error);
  g_assert_no_error (error);
  g_assert_cmpint (report.outcome, ==, KBOOT_CACHE_HIT);
  kboot_cache_report_clear (&report);

  kernel_clear (&k);
  kernel_clear (&other);
  scratch_clear (&s);
}

/* ---- eight processes, one key, an empty cache ----------------------------- */

#define RACERS 8

/* A slow build, so that the racers overlap. */
static GBytes *
slow_build (gpointer user_data, GError **error)
{
  g_usleep (20 * 1000);
  return builder_build (user_data, error);
}

static void
test_concurrent (void)
{
  Scratch s;
  Kernel k;
  int go[2], results[2];
  pid_t pids[RACERS];
  guint misses = 0, hits = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbootKernelCache) cache = NULL;
  g_autoptr(GBytes) hit = NULL;
  g_autofree char *listing = NULL, *name = NULL, *key = NULL;
  KbootCacheReport report = { 0 };

  scratch_init (&s);
  kernel_init (&k, 30);
  g_assert_cmpint (pipe (go), ==, 0);
  g_assert_cmpint (pipe (results), ==, 0);

  for (guint i = 0; i < RACERS; i++)
    {
      pids[i] = fork ();
      g_assert_cmpint (pids[i], >=, 0);
      if (pids[i] == 0)
        {
          g_autoptr(KbootKernelCache) mine = NULL;
          g_autoptr(GBytes) got = NULL;
          KbootCacheReport r = { 0 };
          char c, outcome;

          close (go[1]);
          close (results[0]);
          /* Wait for the start: the parent closes its end. */
          while (read (go[0], &c, 1) < 0 && errno == EINTR)
            ;
          mine = kboot_kernel_cache_open (s.dir, 64 * KBOOT_MIB, NULL);
          if (mine)
            got = kboot_kernel_cache_get (mine, (const guint8 *) k.bzimage,
                                          strlen (k.bzimage), slow_build,
                                          &k.builder, &r, NULL);
          outcome = !got ? 'E' : !g_bytes_equal (got, k.builder.bytes) ? 'X'
            : r.outcome == KBOOT_CACHE_HIT ? 'H' : r.stored ? 'M' : 'N';
          if (write (results[1], &outcome, 1) != 1)
            _exit (2);
          _exit (outcome == 'H' || outcome == 'M' ? 0 : 1);
        }
    }
  close (go[0]);
  close (results[1]);
  close (go[1]);

  for (guint i = 0; i < RACERS; i++)
    {
      int status = 0;
      char outcome = '?';

      g_assert_cmpint (read (results[0], &outcome, 1), ==, 1);
      if (outcome == 'M')
        misses++;
      else if (outcome == 'H')
        hits++;
      else
        g_test_fail_printf ("a racer ended with '%c' (E: error, X: wrong bytes, "
                            "N: not stored)", outcome);
      g_assert_cmpint (waitpid (pids[i], &status, 0), ==, pids[i]);
      g_assert_true (WIFEXITED (status));
    }
  close (results[0]);
  g_test_message ("%u racers built and stored, %u hit", misses, hits);
  g_assert_cmpuint (misses, >=, 1);
  g_assert_cmpuint (misses + hits, ==, RACERS);

  /* One entry, no temporary file, and it is valid. */
  key = kboot_cache_key ((const guint8 *) k.bzimage, strlen (k.bzimage));
  name = kboot_cache_entry_name (key);
  listing = list_dir (s.dir);
  g_assert_cmpstr (listing, ==, name);
  cache = kboot_kernel_cache_open (s.dir, 64 * KBOOT_MIB, &error);
  g_assert_no_error (error);
  hit = kernel_get (cache, &k, &report, &error);
  g_assert_no_error (error);
  g_assert_cmpint (report.outcome, ==, KBOOT_CACHE_HIT);
  g_assert_true (g_bytes_equal (hit, k.builder.bytes));
  kboot_cache_report_clear (&report);

  kernel_clear (&k);
  scratch_clear (&s);
}

/* ---- Debian's amd64 kernel ------------------------------------------------ */

typedef struct {
  const KbootImage *image;
  const guint8 *kernel;
  gsize len;
  const char *path;
  guint calls;
} RealBuild;

static GBytes *
real_build (gpointer user_data, GError **error)
{
  RealBuild *rb = user_data;
  g_autoptr(KbootPayload) payload = NULL;

  rb->calls++;
  payload = kboot_image_payload_decompress (rb->image, rb->kernel, rb->len,
                                            KBOOT_PAYLOAD_SIZE_MAX, rb->path, error);
  return payload ? g_bytes_ref (payload->data) : NULL;
}

static void
test_real_kernel (void)
{
  const char *testdata = g_getenv ("KBOOT_TESTDATA");
  g_autofree char *path = g_build_filename (testdata ? testdata : "/var/cache/xen-kboot/testdata",
                                            "amd64", "vmlinuz", NULL);
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbootImage) image = NULL;
  g_autoptr(KbootKernelCache) cache = NULL;
  g_autoptr(GBytes) miss = NULL, hit = NULL, direct = NULL;
  RealBuild rb = { 0 };
  KbootCacheReport report = { 0 };
  Scratch s;
  guint64 off;
  gsize mlen;
  gint64 t0, t1, t2;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_test_skip ("no Debian amd64 kernel (tests/fetch-testdata.sh)");
      return;
    }
  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  image = kboot_image_probe ((const guint8 *) contents, MIN (len, KBOOT_IMAGE_HEAD_MAX), len);
  g_assert_true (kboot_image_payload_range (image, &off, &mlen));
  kboot_image_set_payload_magic (image, (const guint8 *) contents + off, mlen);
  rb = (RealBuild) { image, (const guint8 *) contents, len, path, 0 };

  scratch_init (&s);
  cache = kboot_kernel_cache_open (s.dir, 512 * KBOOT_MIB, &error);
  g_assert_no_error (error);
  t0 = g_get_monotonic_time ();
  miss = kboot_kernel_cache_get (cache, (const guint8 *) contents, len, real_build,
                                 &rb, &report, &error);
  t1 = g_get_monotonic_time ();
  g_assert_no_error (error);
  g_assert_cmpint (report.outcome, ==, KBOOT_CACHE_MISS);
  g_assert_true (report.stored);
  kboot_cache_report_clear (&report);
  hit = kboot_kernel_cache_get (cache, (const guint8 *) contents, len, real_build,
                                &rb, &report, &error);
  t2 = g_get_monotonic_time ();
  g_assert_no_error (error);
  g_assert_cmpint (report.outcome, ==, KBOOT_CACHE_HIT);
  g_assert_cmpuint (rb.calls, ==, 1);
  kboot_cache_report_clear (&report);

  direct = real_build (&rb, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (hit, direct));
  g_assert_true (g_bytes_equal (miss, direct));
  g_test_message ("%s: %" G_GSIZE_FORMAT " bytes decompressed; miss (decompress, "
                  "hash, store) %" G_GINT64_FORMAT " ms, hit (read, verify) %"
                  G_GINT64_FORMAT " ms", path, g_bytes_get_size (hit),
                  (t1 - t0) / 1000, (t2 - t1) / 1000);
  scratch_clear (&s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kboot/cache/key", test_key);
  g_test_add_func ("/kboot/cache/name-kind", test_name_kind);
  for (gsize i = 0; i < G_N_ELEMENTS (header_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/kboot/cache/header/%s", header_cases[i].what);

      g_test_add_data_func (name, &header_cases[i], test_header);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (evict_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/kboot/cache/evict-choice/%s", evict_cases[i].what);

      g_test_add_data_func (name, &evict_cases[i], test_evict_choice);
    }
  g_test_add_func ("/kboot/cache/miss-then-hit", test_miss_then_hit);
  for (gsize i = 0; i < G_N_ELEMENTS (damage_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/kboot/cache/damaged/%s", damage_cases[i].what);

      g_test_add_data_func (name, &damage_cases[i], test_damage);
    }
  g_test_add_func ("/kboot/cache/damaged/every-header-byte", test_damage_every_header_byte);
  for (gsize i = 0; i < G_N_ELEMENTS (unsafe_entry_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/kboot/cache/unsafe-entry/%s",
                                               unsafe_entry_cases[i].what);

      g_test_add_data_func (name, &unsafe_entry_cases[i], test_unsafe_entry);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (unsafe_dir_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/kboot/cache/unsafe-dir/%s",
                                               unsafe_dir_cases[i].what);

      g_test_add_data_func (name, &unsafe_dir_cases[i], test_unsafe_dir);
    }
  g_test_add_func ("/kboot/cache/dir-created", test_dir_created);
  g_test_add_func ("/kboot/cache/evict-lru", test_evict_lru);
  g_test_add_func ("/kboot/cache/temp-files", test_temp_files);
  g_test_add_func ("/kboot/cache/concurrent", test_concurrent);
  g_test_add_func ("/kboot/cache/real-kernel", test_real_kernel);
  return g_test_run ();
}
