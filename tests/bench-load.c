/* Benchmark: streaming a large initrd into guest memory the loader's way
 * (pread straight into mapped guest pages, 64 MiB windows) against the
 * naive way (fread in 4 KiB pieces into a heap copy of the whole file, then
 * copy it into guest memory).  Each variant runs in its own child process,
 * so peak RSS and time are its own; ratios are printed from this one run.
 *
 *   tests/bench-load [SIZE_MIB]     (default 512) */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "kboot_loader_guest.h"

typedef struct {
  double seconds;
  long max_rss_kib;
} Result;

static void
make_input (const char *path, gsize size)
{
  g_autofree guint8 *chunk = g_malloc (1 << 20);
  FILE *f = fopen (path, "w");

  for (gsize i = 0; i < (1 << 20); i++)
    chunk[i] = (guint8) g_random_int ();
  for (gsize done = 0; done < size; done += 1 << 20)
    fwrite (chunk, 1, 1 << 20, f);
  fclose (f);
}

static int
load_streaming (const char *input, const char *ram, gsize size)
{
  KbootGuestRamBlock block = { 0, size + (1 << 20), 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(KbootGuest) guest = kboot_guest_file_create (ram, block.size, &block, 1, &error);
  int fd = open (input, O_RDONLY);

  if (!guest || fd < 0
      || !kboot_guest_write_from_fd (guest, 0x100000, fd, 0, size, input, &error)
      || !kboot_guest_commit (guest, &error))
    {
      fprintf (stderr, "streaming: %s\n", error ? error->message : "open failed");
      return 1;
    }
  close (fd);
  return 0;
}

static int
load_naive (const char *input, const char *ram, gsize size)
{
  KbootGuestRamBlock block = { 0, size + (1 << 20), 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(KbootGuest) guest = kboot_guest_file_create (ram, block.size, &block, 1, &error);
  g_autofree guint8 *copy = g_malloc (size);
  FILE *f = fopen (input, "r");
  gsize done = 0, r;

  while (f && (r = fread (copy + done, 1, MIN ((gsize) 4096, size - done), f)) > 0)
    done += r;
  if (!guest || !f || done != size
      || !kboot_guest_write (guest, 0x100000, copy, size, &error)
      || !kboot_guest_commit (guest, &error))
    {
      fprintf (stderr, "naive: %s\n", error ? error->message : "read failed");
      return 1;
    }
  fclose (f);
  return 0;
}

static Result
run_child (int (*fn) (const char *, const char *, gsize), const char *input,
           const char *ram, gsize size)
{
  Result res = { 0 };
  struct rusage ru;
  gint64 start = g_get_monotonic_time ();
  int status;
  pid_t pid = fork ();

  if (pid == 0)
    _exit (fn (input, ram, size));
  if (wait4 (pid, &status, 0, &ru) < 0 || !WIFEXITED (status) || WEXITSTATUS (status))
    {
      fprintf (stderr, "bench-load: a child failed\n");
      exit (1);
    }
  res.seconds = (g_get_monotonic_time () - start) / 1e6;
  res.max_rss_kib = ru.ru_maxrss;
  g_unlink (ram);
  return res;
}

int
main (int argc, char **argv)
{
  gsize size_mib = argc > 1 ? (gsize) atoi (argv[1]) : 512;
  gsize size = size_mib << 20;
  g_autofree char *dir = g_dir_make_tmp ("kboot-bench-XXXXXX", NULL);
  g_autofree char *input = g_build_filename (dir, "initrd", NULL);
  g_autofree char *ram = g_build_filename ("/dev/shm", "kboot-bench.ram", NULL);
  Result s, n;

  make_input (input, size);
  /* Warm the page cache so both variants read from memory. */
  run_child (load_streaming, input, ram, size);
  s = run_child (load_streaming, input, ram, size);
  n = run_child (load_naive, input, ram, size);
  printf ("bench-load: %zu MiB initrd into a RAM file\n", size_mib);
  printf ("  streaming (pread into mapped guest memory): %.3f s, peak RSS %ld MiB\n",
          s.seconds, s.max_rss_kib / 1024);
  printf ("  naive (4 KiB freads into a heap copy):      %.3f s, peak RSS %ld MiB\n",
          n.seconds, n.max_rss_kib / 1024);
  printf ("  ratio naive/streaming: time %.2fx, peak RSS %.2fx\n",
          n.seconds / s.seconds, (double) n.max_rss_kib / (double) s.max_rss_kib);
  g_unlink (input);
  g_rmdir (dir);
  return 0;
}
