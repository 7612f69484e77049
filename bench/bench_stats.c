/* What the bench programs share (see bench_stats.h). */
#include "config.h"

#include "bench_stats.h"

static int
bench_double_cmp (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

double
bench_median (GArray *values)
{
  guint n = values->len;

  g_return_val_if_fail (n > 0, 0.0);
  g_array_sort (values, bench_double_cmp);
  return n % 2 ? g_array_index (values, double, n / 2)
               : (g_array_index (values, double, n / 2 - 1)
                  + g_array_index (values, double, n / 2)) / 2;
}
