/* Benchmark 5 of docs/performance.md: the fast boot path's kernel cache
 * (src/kboot_image_cache.h) on a real bzImage, a miss against a hit.
 *
 *   miss  a fresh, empty cache directory: kboot_kernel_cache_open, then
 *         kboot_kernel_cache_get, which hashes the bzImage, decompresses
 *         its payload (kboot_image_payload_decompress, the production
 *         build function) and stores the entry (write, fsync, rename).
 *   hit   the directory the miss just filled: open, then get, which hashes
 *         the bzImage, reads the entry and verifies its SHA-256.
 *
 * Both start from the bzImage's bytes in memory (the probe that precedes
 * them in a boot is not counted).  The runs alternate miss, hit; every
 * outcome is checked (a "hit" that rebuilt would be refused), and the
 * medians are compared.  The last line is for bench/run.sh:
 *   BENCH miss_median_s=S hit_median_s=S runs=N decompressed_bytes=B
 *
 *   bench/bench-cache [--runs N] [--dir D] BZIMAGE */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib/gstdio.h>

#include "bench_stats.h"
#include "kboot_image.h"
#include "kboot_image_cache.h"
#include "kboot_image_payload.h"
#include "kboot_util.h"

/* Room for several decompressed Debian kernels (65 MiB each). */
#define BENCH_CACHE_MAX_BYTES  (512 * KBOOT_MIB)

typedef struct {
  const KbootImage *image;
  const guint8 *bzimage;
  gsize len;
  const char *path;
} BenchBuild;

static GBytes *
bench_build (gpointer user_data, GError **error)
{
  BenchBuild *b = user_data;
  g_autoptr(KbootPayload) payload =
    kboot_image_payload_decompress (b->image, b->bzimage, b->len,
                                    KBOOT_PAYLOAD_SIZE_MAX, b->path, error);

  return payload ? g_bytes_ref (payload->data) : NULL;
}

/* One lookup in @dir, timed from the open; exits unless it was @want. */
static double
bench_lookup (const char *dir, BenchBuild *build, KbootCacheOutcome want,
              gsize *out_len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbootKernelCache) cache = NULL;
  g_autoptr(GBytes) kernel = NULL;
  KbootCacheReport report = { 0 };
  gint64 start = g_get_monotonic_time ();
  double seconds;

  cache = kboot_kernel_cache_open (dir, BENCH_CACHE_MAX_BYTES, &error);
  if (cache)
    kernel = kboot_kernel_cache_get (cache, build->bzimage, build->len, bench_build,
                                     build, &report, &error);
  seconds = (double) (g_get_monotonic_time () - start) / 1e6;
  if (!kernel)
    {
      fprintf (stderr, "bench-cache: %s\n", error->message);
      exit (1);
    }
  if (report.outcome != want || (want == KBOOT_CACHE_MISS && !report.stored))
    {
      fprintf (stderr, "bench-cache: %s: expected a %s, got outcome %d%s%s\n", dir,
               want == KBOOT_CACHE_HIT ? "hit" : "stored miss", (int) report.outcome,
               report.detail ? ": " : "", report.detail ? report.detail : "");
      exit (1);
    }
  *out_len = g_bytes_get_size (kernel);
  kboot_cache_report_clear (&report);
  return seconds;
}

/* Remove a cache directory the bench made (entries only, no subdirs). */
static void
bench_dir_remove (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  gint runs = 5;
  g_autofree char *parent = NULL;
  GOptionEntry entries[] = {
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "runs of each side (5)", "N" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &parent,
      "where the cache directories are made ($TMPDIR)", "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("BZIMAGE - kernel cache miss vs hit");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) miss = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) hit = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(KbootImage) image = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0, decompressed = 0;
  guint64 off;
  gsize magic_len;
  BenchBuild build;
  double miss_median, hit_median;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 || runs <= 0)
    {
      fprintf (stderr, "bench-cache: %s\n",
               error ? error->message : "usage: bench-cache [--runs N] [--dir D] BZIMAGE");
      return 2;
    }
  if (!g_file_get_contents (argv[1], &contents, &len, &error))
    {
      fprintf (stderr, "bench-cache: %s\n", error->message);
      return 1;
    }
  image = kboot_image_probe ((const guint8 *) contents, MIN (len, KBOOT_IMAGE_HEAD_MAX), len);
  if (!image || !kboot_image_payload_range (image, &off, &magic_len))
    {
      fprintf (stderr, "bench-cache: %s: not a bzImage with a compressed payload "
               "(the fast path's input)\n", argv[1]);
      return 1;
    }
  kboot_image_set_payload_magic (image, (const guint8 *) contents + off, magic_len);
  build = (BenchBuild) { image, (const guint8 *) contents, len, argv[1] };

  for (gint i = 0; i < runs; i++)
    {
      g_autofree char *dir = g_build_filename (parent ? parent : g_get_tmp_dir (),
                                               "kboot-bench-cache-XXXXXX", NULL);
      double m, h;

      if (!g_mkdtemp (dir))
        {
          fprintf (stderr, "bench-cache: %s: %s\n", dir, g_strerror (errno));
          return 1;
        }
      /* mkdtemp made it 0700: the cache takes it as it is, empty. */
      m = bench_lookup (dir, &build, KBOOT_CACHE_MISS, &decompressed);
      h = bench_lookup (dir, &build, KBOOT_CACHE_HIT, &decompressed);
      g_array_append_val (miss, m);
      g_array_append_val (hit, h);
      printf ("run %d: miss %.3f s, hit %.3f s\n", i + 1, m, h);
      bench_dir_remove (dir);
    }
  miss_median = bench_median (miss);
  hit_median = bench_median (hit);
  printf ("%s: %" G_GSIZE_FORMAT " bytes, %" G_GSIZE_FORMAT " decompressed\n",
          argv[1], len, decompressed);
  printf ("  miss (hash, decompress, store): median %.3f s\n", miss_median);
  printf ("  hit (hash, read, verify):       median %.3f s\n", hit_median);
  printf ("  ratio hit/miss: %.3f\n", hit_median / miss_median);
  printf ("BENCH miss_median_s=%.4f hit_median_s=%.4f runs=%d decompressed_bytes=%"
          G_GSIZE_FORMAT "\n", miss_median, hit_median, runs, decompressed);
  return 0;
}
