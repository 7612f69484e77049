/* What every fuzz target defines (libFuzzer's entry points) and shares:
 * the check that turns a broken promise of the code under test into a
 * crash the fuzzer keeps, and reading numbers off the end of an input.
 * Built twice (fuzz/fuzz.am): with libFuzzer (configure --enable-fuzz
 * CC=clang), and with fuzz/replay_main.c as plain programs that replay
 * fuzz/regressions/ in "make check". */
#ifndef FUZZ_TARGET_H
#define FUZZ_TARGET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* A promise of the code under test that this input broke: abort, so that
 * libFuzzer keeps the input and the replay test fails. */
#define FUZZ_CHECK(cond, ...)                                          \
  do                                                                   \
    {                                                                  \
      if (!(cond))                                                     \
        {                                                              \
          fprintf (stderr, "fuzz: broken promise (%s): ", #cond);      \
          fprintf (stderr, __VA_ARGS__);                               \
          fputc ('\n', stderr);                                        \
          abort ();                                                    \
        }                                                              \
    }                                                                  \
  while (0)

/* A g_critical (a g_return_if_fail reached by some input) or a
 * g_warning is a bug the fuzzer should keep, as G_DEBUG=fatal-criticals
 * makes it in the tests. */
static inline void
fuzz_init_glib (void)
{
  g_log_set_always_fatal (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL
                          | G_LOG_LEVEL_WARNING);
}

/* Numbers taken from the end of an input (as LLVM's FuzzedDataProvider
 * does), so that its start stays a file the seeds can be: a kernel's
 * header keeps its offsets.  Exhausted bytes read as zero. */
typedef struct {
  const uint8_t *data;
  size_t size;
} FuzzTail;

static inline guint64
fuzz_tail_take (FuzzTail *tail, guint bytes)
{
  guint64 value = 0;

  for (guint i = 0; i < bytes && tail->size > 0; i++)
    value = (value << 8) | tail->data[--tail->size];
  return value;
}

#endif /* FUZZ_TARGET_H */
