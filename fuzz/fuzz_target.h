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

/* One for every target (fuzz_target.c): GLib's criticals and warnings
 * made fatal. */
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
