/* The fuzz targets as plain programs (built without --enable-fuzz): each
 * file named on the command line is read and given once to the target's
 * LLVMFuzzerTestOneInput, as libFuzzer does with file arguments, so that
 * fuzz/replay.sh replays fuzz/regressions/ and the seeds in "make check",
 * where any sanitizer the build has (run.sh's ASan stage) watches. */
#include "config.h"

#include <string.h>

#include "fuzz_target.h"

int
main (int argc, char **argv)
{
  if (LLVMFuzzerInitialize (&argc, &argv) != 0)
    return 1;
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (!g_file_get_contents (argv[i], &contents, &length, &error))
        {
          fprintf (stderr, "%s: %s\n", argv[0], error->message);
          return 1;
        }
      fprintf (stderr, "Running: %s\n", argv[i]);
      /* A copy of exactly @length bytes: ASan sees a read past the
       * input, which the NUL g_file_get_contents adds would hide. */
      {
        g_autofree uint8_t *input = g_malloc (MAX (length, 1));

        memcpy (input, contents, length);
        LLVMFuzzerTestOneInput (input, length);
      }
    }
  fprintf (stderr, "%s: %d inputs replayed\n", argv[0], argc - 1);
  return 0;
}
