/* libFuzzer's initialization, the same for every target. */
#include "config.h"

#include "fuzz_target.h"

/* A g_critical (a g_return_if_fail reached by some input) or a
 * g_warning is a bug the fuzzer should keep, as G_DEBUG=fatal-criticals
 * makes it in the tests. */
int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL
                          | G_LOG_LEVEL_WARNING);
  return 0;
}
