/* Benchmark 2 of docs/performance.md: loading a large initrd into guest
 * memory the loader's way, against the limit measured here in the same
 * run, and the loader's own peak memory while it loads.
 *
 *   load   kboot_guest_file_create on a RAM file in RAM_DIR (tmpfs, as
 *          preview makes it), then kboot_guest_write_from_fd of the whole
 *          input and kboot_guest_commit: what kboot_loader_load does with
 *          an initrd.
 *   limit  the same bytes with nothing but the copy: the input mmap()ed,
 *          a fresh file in RAM_DIR ftruncate()d and mmap()ed shared, one
 *          memcpy from the one to the other.
 *
 * The input lives in INPUT_DIR (default $TMPDIR, a disk) and is read once
 * before the first run, so both sides read it from the page cache.  Each
 * run is its own child process with a fresh RAM file, removed after it;
 * the runs alternate (load, limit, limit, load, ...) so that neither side
 * always goes first, and the medians are compared.
 *
 * Peak memory is measured in one more load, not timed: the guest's pages
 * are the shared tmpfs mapping (RssShmem in /proc/PID/status), not the
 * loader's, so the loader's own peak is the larger of
 *   - RssAnon + RssFile sampled every millisecond by the parent, and
 *   - VmHWM - RssShmem read by the child itself once the whole initrd
 *     is written, before commit unmaps the guest (the high-water mark
 *     less the guest mapping at its largest).
 *
 * The last line is for bench/run.sh:
 *   BENCH load_median_s=S limit_median_s=S runs=N loader_peak_kib=K ...
 *
 *   bench/bench-load [--size-mib N] [--runs N] [--input-dir D] [--ram-dir D] */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "bench_stats.h"
#include "kboot_loader_guest.h"

/* Where the initrd goes in guest memory: above the first MiB, as the plan
 * puts nothing there but the kernel's setup. */
#define BENCH_LOAD_GPA  0x100000u

typedef struct {
  const char *input;
  const char *ram;
  gsize size;
} BenchLoadJob;

/* The fields of /proc/PID/status that say whose pages a process holds. */
typedef struct {
  long vm_hwm_kib;
  long rss_anon_kib;
  long rss_file_kib;
  long rss_shmem_kib;
} BenchMemory;

static gboolean
bench_memory_read (pid_t pid, BenchMemory *mem)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      long *field = NULL;
      const char *value = strchr (lines[i], ':');

      if (g_str_has_prefix (lines[i], "VmHWM:"))
        field = &mem->vm_hwm_kib;
      else if (g_str_has_prefix (lines[i], "RssAnon:"))
        field = &mem->rss_anon_kib;
      else if (g_str_has_prefix (lines[i], "RssFile:"))
        field = &mem->rss_file_kib;
      else if (g_str_has_prefix (lines[i], "RssShmem:"))
        field = &mem->rss_shmem_kib;
      if (field && value)
        *field = strtol (value + 1, NULL, 10);
    }
  return TRUE;
}

static void
bench_input_make (const char *path, gsize size)
{
  g_autofree guint8 *chunk = g_malloc (1 << 20);
  FILE *f = fopen (path, "w");

  if (!f)
    {
      fprintf (stderr, "bench-load: %s: cannot create the input: %s\n", path,
               g_strerror (errno));
      exit (1);
    }
  for (gsize i = 0; i < (1 << 20); i++)
    chunk[i] = (guint8) g_random_int ();
  for (gsize done = 0; done < size; done += 1 << 20)
    if (fwrite (chunk, 1, 1 << 20, f) != 1 << 20)
      {
        fprintf (stderr, "bench-load: %s: cannot write the input: %s\n", path,
                 g_strerror (errno));
        exit (1);
      }
  if (fclose (f) != 0)
    {
      fprintf (stderr, "bench-load: %s: cannot write the input: %s\n", path,
               g_strerror (errno));
      exit (1);
    }
}

/* Read the input once, so that every run finds it in the page cache. */
static void
bench_input_warm (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  if (!g_file_get_contents (path, &contents, &len, &error))
    {
      fprintf (stderr, "bench-load: %s\n", error->message);
      exit (1);
    }
}

/* The loader's way; in a child.  With @report_fd >= 0, writes the child's
 * own BenchMemory there after commit. */
static int
bench_load (const BenchLoadJob *job, int report_fd)
{
  KbootGuestRamBlock block = { 0, job->size + BENCH_LOAD_GPA, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(KbootGuest) guest = NULL;
  int fd = open (job->input, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    {
      fprintf (stderr, "bench-load: %s: %s\n", job->input, g_strerror (errno));
      return 1;
    }
  guest = kboot_guest_file_create (job->ram, block.size, &block, 1, &error);
  if (!guest
      || !kboot_guest_write_from_fd (guest, BENCH_LOAD_GPA, fd, 0, job->size,
                                     job->input, &error))
    {
      fprintf (stderr, "bench-load: load: %s\n", error->message);
      return 1;
    }
  /* Before commit, which unmaps the guest: the mapping is whole here. */
  if (report_fd >= 0)
    {
      BenchMemory mem = { 0 };

      if (!bench_memory_read (getpid (), &mem)
          || write (report_fd, &mem, sizeof mem) != (ssize_t) sizeof mem)
        return 1;
    }
  if (!kboot_guest_commit (guest, &error))
    {
      fprintf (stderr, "bench-load: commit: %s\n", error->message);
      return 1;
    }
  close (fd);
  return 0;
}

/* The limit: one memcpy from the cached input into fresh tmpfs pages. */
static int
bench_limit (const BenchLoadJob *job)
{
  int in = open (job->input, O_RDONLY | O_CLOEXEC);
  int out = open (job->ram, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  void *src, *dst;

  if (in < 0 || out < 0 || ftruncate (out, (off_t) job->size) != 0)
    {
      fprintf (stderr, "bench-load: limit: %s\n", g_strerror (errno));
      return 1;
    }
  src = mmap (NULL, job->size, PROT_READ, MAP_SHARED, in, 0);
  dst = mmap (NULL, job->size, PROT_READ | PROT_WRITE, MAP_SHARED, out, 0);
  if (src == MAP_FAILED || dst == MAP_FAILED)
    {
      fprintf (stderr, "bench-load: limit: mmap: %s\n", g_strerror (errno));
      return 1;
    }
  memcpy (dst, src, job->size);
  munmap (dst, job->size);
  munmap (src, job->size);
  close (out);
  close (in);
  return 0;
}

typedef enum {
  BENCH_SIDE_LOAD,
  BENCH_SIDE_LIMIT,
} BenchSide;

/* One timed run of @side in a child process: seconds from fork to its
 * exit (the same fork, exec-free, on both sides). */
static double
bench_run (BenchSide side, const BenchLoadJob *job)
{
  gint64 start = g_get_monotonic_time ();
  int status;
  pid_t pid = fork ();

  if (pid < 0)
    {
      fprintf (stderr, "bench-load: fork: %s\n", g_strerror (errno));
      exit (1);
    }
  if (pid == 0)
    _exit (side == BENCH_SIDE_LOAD ? bench_load (job, -1) : bench_limit (job));
  if (waitpid (pid, &status, 0) < 0 || !WIFEXITED (status) || WEXITSTATUS (status))
    {
      fprintf (stderr, "bench-load: the %s run failed\n",
               side == BENCH_SIDE_LOAD ? "load" : "limit");
      exit (1);
    }
  g_unlink (job->ram);
  return (double) (g_get_monotonic_time () - start) / 1e6;
}

/* One untimed load whose memory is watched; the loader's own peak, KiB. */
static long
bench_peak (const BenchLoadJob *job, BenchMemory *at_end, long *sampled_kib)
{
  int pipefd[2];
  int status;
  pid_t pid;
  BenchMemory mem = { 0 };

  if (pipe (pipefd) != 0 || (pid = fork ()) < 0)
    {
      fprintf (stderr, "bench-load: %s\n", g_strerror (errno));
      exit (1);
    }
  if (pid == 0)
    {
      close (pipefd[0]);
      _exit (bench_load (job, pipefd[1]));
    }
  close (pipefd[1]);
  *sampled_kib = 0;
  while (waitpid (pid, &status, WNOHANG) == 0)
    {
      BenchMemory now = { 0 };

      if (bench_memory_read (pid, &now))
        *sampled_kib = MAX (*sampled_kib, now.rss_anon_kib + now.rss_file_kib);
      g_usleep (1000);
    }
  if (!WIFEXITED (status) || WEXITSTATUS (status)
      || read (pipefd[0], &mem, sizeof mem) != (ssize_t) sizeof mem)
    {
      fprintf (stderr, "bench-load: the measured load failed\n");
      exit (1);
    }
  close (pipefd[0]);
  g_unlink (job->ram);
  *at_end = mem;
  return MAX (*sampled_kib, mem.vm_hwm_kib - mem.rss_shmem_kib);
}

int
main (int argc, char **argv)
{
  gint size_mib = 1024, runs = 5;
  g_autofree char *input_dir = NULL, *ram_dir = NULL;
  GOptionEntry entries[] = {
    { "size-mib", 0, 0, G_OPTION_ARG_INT, &size_mib, "initrd size (1024)", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "runs of each side (5)", "N" },
    { "input-dir", 0, 0, G_OPTION_ARG_FILENAME, &input_dir,
      "where the input file is made ($TMPDIR)", "DIR" },
    { "ram-dir", 0, 0, G_OPTION_ARG_FILENAME, &ram_dir,
      "where the RAM files are made (/dev/shm)", "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- initrd load vs memcpy limit");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) load = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) limit = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *dir = NULL, *input = NULL, *ram = NULL;
  BenchLoadJob job;
  BenchMemory at_end;
  long peak_kib, sampled_kib;
  double load_median, limit_median;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "bench-load: %s\n", error->message);
      return 2;
    }
  if (size_mib <= 0 || runs <= 0)
    {
      fprintf (stderr, "bench-load: --size-mib and --runs must be positive\n");
      return 2;
    }
  dir = g_build_filename (input_dir ? input_dir : g_get_tmp_dir (),
                          "kboot-bench-load-XXXXXX", NULL);
  if (!g_mkdtemp (dir))
    {
      fprintf (stderr, "bench-load: %s: %s\n", dir, g_strerror (errno));
      return 1;
    }
  input = g_build_filename (dir, "initrd", NULL);
  ram = g_strdup_printf ("%s/kboot-bench-load-%d.ram",
                         ram_dir ? ram_dir : "/dev/shm", (int) getpid ());
  job = (BenchLoadJob) { input, ram, (gsize) size_mib << 20 };

  bench_input_make (input, job.size);
  bench_input_warm (input);
  /* One of each first, untimed: the allocator and tmpfs warm up too. */
  bench_run (BENCH_SIDE_LOAD, &job);
  bench_run (BENCH_SIDE_LIMIT, &job);
  for (gint i = 0; i < runs; i++)
    {
      double a, b;

      if (i % 2 == 0)
        {
          a = bench_run (BENCH_SIDE_LOAD, &job);
          b = bench_run (BENCH_SIDE_LIMIT, &job);
        }
      else
        {
          b = bench_run (BENCH_SIDE_LIMIT, &job);
          a = bench_run (BENCH_SIDE_LOAD, &job);
        }
      g_array_append_val (load, a);
      g_array_append_val (limit, b);
      printf ("run %d: load %.3f s, limit %.3f s\n", i + 1, a, b);
    }
  peak_kib = bench_peak (&job, &at_end, &sampled_kib);
  load_median = bench_median (load);
  limit_median = bench_median (limit);
  printf ("%d MiB initrd from the page cache into a RAM file in %s\n", size_mib,
          ram_dir ? ram_dir : "/dev/shm");
  printf ("  load (kboot_guest_write_from_fd): median %.3f s, %.0f MiB/s\n",
          load_median, size_mib / load_median);
  printf ("  limit (memcpy, mmap to mmap):     median %.3f s, %.0f MiB/s\n",
          limit_median, size_mib / limit_median);
  printf ("  throughput ratio load/limit: %.2f\n", limit_median / load_median);
  printf ("  loader's own peak: %ld KiB (sampled RssAnon+RssFile %ld KiB; "
          "VmHWM %ld KiB - RssShmem %ld KiB at the end = %ld KiB)\n",
          peak_kib, sampled_kib, at_end.vm_hwm_kib, at_end.rss_shmem_kib,
          at_end.vm_hwm_kib - at_end.rss_shmem_kib);
  printf ("BENCH load_median_s=%.4f limit_median_s=%.4f runs=%d size_mib=%d "
          "loader_peak_kib=%ld sampled_kib=%ld vm_hwm_kib=%ld rss_shmem_kib=%ld\n",
          load_median, limit_median, runs, size_mib, peak_kib, sampled_kib,
          at_end.vm_hwm_kib, at_end.rss_shmem_kib);
  g_unlink (input);
  g_rmdir (dir);
  return 0;
}
