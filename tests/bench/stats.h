/* tests/bench/stats — clocks and order statistics for the benchmarks.
 *
 * Figures are medians with the 95th percentile (nearest rank) over repeated
 * runs; nothing here compares a time with a limit (style.md 4.8 item 9).
 */
#ifndef HYBRIDLS_TESTS_BENCH_STATS_H
#define HYBRIDLS_TESTS_BENCH_STATS_H

#include <stddef.h>

/* Milliseconds on the monotonic clock. */
double bench_now_ms(void);

typedef struct BenchSamples {
  double *v;
  size_t n, cap;
} BenchSamples;

void bench_samples_add(BenchSamples *s, double value);
void bench_samples_free(BenchSamples *s);
/* Sorts the samples in place; both return 0 for an empty set. */
double bench_median(BenchSamples *s);
double bench_p95(BenchSamples *s);

#endif
