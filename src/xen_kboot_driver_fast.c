/* The fast boot path's kernel (see xen_kboot_driver_fast.h). */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "kboot_image_cache.h"
#include "kboot_image_payload.h"
#include "kboot_util.h"
#include "xen_kboot_driver.h"
#include "xen_kboot_driver_fast.h"

char *
xen_kboot_fast_default_cache_dir (void)
{
  if (geteuid () == 0)
    return g_strdup ("/var/cache/xen-kboot/kernels");
  return g_build_filename (g_get_user_cache_dir (), "xen-kboot", "kernels", NULL);
}

typedef struct {
  const KbootKernel *kernel;
  const guint8 *bytes;
  gsize len;
} FastBuild;

/* The cache's build function: what Linux's own decompressor would make. */
static GBytes *
fast_decompress (gpointer user_data, GError **error)
{
  const FastBuild *b = user_data;
  g_autoptr(KbootPayload) payload = NULL;

  payload = kboot_image_payload_decompress (b->kernel->image, b->bytes, b->len,
                                            KBOOT_PAYLOAD_SIZE_MAX,
                                            b->kernel->file->path, error);
  return payload ? g_bytes_ref (payload->data) : NULL;
}

/* The whole file, read once, as it was validated. */
static guint8 *
fast_read_kernel (KbootKernel *kernel, gsize *len, GError **error)
{
  KbootFile *file = kernel->file;
  g_autofree guint8 *bytes = NULL;

  if (file->size > XEN_KBOOT_FAST_KERNEL_FILE_MAX)
    {
      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_FAST,
                   "%s: %" G_GUINT64_FORMAT " bytes: the fast boot path reads "
                   "kernels of at most %" G_GUINT64_FORMAT " MiB whole; boot it "
                   "by the direct path", file->path, file->size,
                   XEN_KBOOT_FAST_KERNEL_FILE_MAX >> 20);
      return NULL;
    }
  bytes = g_try_malloc (MAX (file->size, 1));
  if (!bytes)
    {
      g_set_error (error, XEN_KBOOT_DRIVER_ERROR, XEN_KBOOT_DRIVER_ERROR_FAST,
                   "%s: no memory to read its %" G_GUINT64_FORMAT " bytes",
                   file->path, file->size);
      return NULL;
    }
  if (!kboot_file_read_exact_at (file, 0, bytes, file->size, error)
      || !kboot_kernel_check_unchanged (kernel, error))
    return NULL;
  *len = file->size;
  return g_steal_pointer (&bytes);
}

/* A cache that cannot be used is passed by, once said. */
static void
fast_say_cache_unused (const GError *why)
{
  g_autofree char *text = kboot_text_printable (why->message);

  fprintf (stderr, "xen-kboot: warning: the kernel cache is not used: %s; "
           "decompressing the kernel in memory\n", text);
}

/* From the cache, or NULL (with the reason on stderr) when it cannot be
 * used; *@fatal when the kernel itself is the problem. */
static GBytes *
fast_from_cache (const XenKbootFastOptions *options, FastBuild *build,
                 gboolean *fatal, GError **error)
{
  g_autofree char *dir = NULL;
  g_autoptr(KbootKernelCache) cache = NULL;
  g_autoptr(GError) local = NULL;
  KbootCacheReport report = { 0 };
  GBytes *bytes;
  gint64 start = g_get_monotonic_time ();
  static const char *const outcome[] = { "hit", "miss", "rebuilt" };

  *fatal = FALSE;
  dir = options->cache_dir ? g_strdup (options->cache_dir)
                           : xen_kboot_fast_default_cache_dir ();
  cache = kboot_kernel_cache_open (dir, options->cache_max ? options->cache_max
                                        : XEN_KBOOT_FAST_CACHE_MAX_DEFAULT, &local);
  if (!cache)
    {
      fast_say_cache_unused (local);
      return NULL;
    }
  bytes = kboot_kernel_cache_get (cache, build->bytes, build->len,
                                  fast_decompress, build, &report, &local);
  if (!bytes)
    {
      kboot_cache_report_clear (&report);
      if (local->domain != KBOOT_CACHE_ERROR)
        {
          *fatal = TRUE;                /* the payload's own refusal */
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      fast_say_cache_unused (local);
      return NULL;
    }
  /* A rebuilt entry means something damaged the cache: said, always. */
  if (report.outcome == KBOOT_CACHE_REBUILT)
    fprintf (stderr, "xen-kboot: kernel cache: the entry of this kernel in %s "
             "was %s: removed and rebuilt\n", kboot_kernel_cache_dir (cache),
             kboot_cache_fault_to_string (report.fault));
  if (report.detail)
    {
      g_autofree char *detail = kboot_text_printable (report.detail);
      fprintf (stderr, "xen-kboot: kernel cache: %s\n", detail);
    }
  if (options->verbose)
    fprintf (stderr, "xen-kboot: kernel cache %s: %s, %.3f s\n",
             outcome[report.outcome], kboot_kernel_cache_dir (cache),
             (g_get_monotonic_time () - start) / 1e6);
  kboot_cache_report_clear (&report);
  return bytes;
}

gboolean
xen_kboot_fast_kernel (KbootKernel *kernel, const XenKbootFastOptions *options,
                       GBytes **bytes_out, KbootVmlinux **vmlinux_out,
                       GError **error)
{
  g_autofree guint8 *file_bytes = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(KbootVmlinux) vmlinux = NULL;
  FastBuild build = { kernel, NULL, 0 };
  gboolean fatal = FALSE;
  gsize len = 0;
  const guint8 *data;

  file_bytes = fast_read_kernel (kernel, &build.len, error);
  if (!file_bytes)
    return FALSE;
  build.bytes = file_bytes;
  if (g_strcmp0 (options->cache_dir, "none") != 0)
    {
      bytes = fast_from_cache (options, &build, &fatal, error);
      if (fatal)
        return FALSE;
    }
  if (!bytes)
    {
      gint64 start = g_get_monotonic_time ();

      bytes = fast_decompress (&build, error);
      if (!bytes)
        return FALSE;
      if (options->verbose)
        fprintf (stderr, "xen-kboot: kernel decompressed in memory, %.3f s\n",
                 (g_get_monotonic_time () - start) / 1e6);
    }
  data = g_bytes_get_data (bytes, &len);
  vmlinux = kboot_image_vmlinux_parse (kernel->image, data, len,
                                       kernel->file->path, error);
  if (!vmlinux)
    return FALSE;
  *bytes_out = g_steal_pointer (&bytes);
  *vmlinux_out = g_steal_pointer (&vmlinux);
  return TRUE;
}
