/* tests/bench/stats — clocks and order statistics (see stats.h). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tests/bench/stats.h"

double bench_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void bench_samples_add(BenchSamples *s, double value) {
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 64;
    double *v = realloc(s->v, cap * sizeof *v);
    if (!v) {
      fputs("bench: out of memory\n", stderr);
      abort();
    }
    s->v = v;
    s->cap = cap;
  }
  s->v[s->n++] = value;
}

void bench_samples_free(BenchSamples *s) {
  free(s->v);
  s->v = NULL;
  s->n = s->cap = 0;
}

static int stats__cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

double bench_median(BenchSamples *s) {
  if (s->n == 0) return 0;
  qsort(s->v, s->n, sizeof *s->v, stats__cmp);
  return s->n % 2 ? s->v[s->n / 2] : (s->v[s->n / 2 - 1] + s->v[s->n / 2]) / 2;
}

double bench_p95(BenchSamples *s) {
  if (s->n == 0) return 0;
  qsort(s->v, s->n, sizeof *s->v, stats__cmp);
  size_t rank = (s->n * 95 + 99) / 100; /* ceil(0.95 n), 1-based */
  return s->v[rank - 1];
}
