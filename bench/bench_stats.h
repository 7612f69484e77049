/* What the bench programs share: the median of their timed runs. */
#ifndef KBOOT_BENCH_STATS_H
#define KBOOT_BENCH_STATS_H

#include <glib.h>

/* The median of @values (doubles, at least one), which it sorts. */
double bench_median (GArray *values);

#endif /* KBOOT_BENCH_STATS_H */
