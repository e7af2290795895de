/* tests/bench/gen — realistic TensorFlow code of controlled size, for the
 * benchmarks.
 *
 * A module is a sequence of blocks of the kinds real TF 2 projects are made
 * of: imports and constants, helpers doing tensor math that call each other
 * (and helpers imported from other modules), Keras layers and models with
 * call/train_step, tf.function train and eval steps (some with an
 * input_signature), tf.data pipelines with mapped parse functions, eager
 * training loops, and plain-Python utility classes. About one graph function
 * in eight carries one of the problems hybridls reports (print at trace
 * time, Python list mutation, NumPy randomness, .numpy(), variable creation,
 * a deprecated tf.function argument, a Python scalar argument that retraces);
 * the rest is correct code.
 *
 * Everything is deterministic from the seed: the same seed and sizes give
 * the same bytes on every machine. Every module defines the helpers
 * `normalize_<id>` and `project_<id>` near its top, so other modules can
 * import them by name.
 *
 * Memory: plain malloc; allocation failure aborts with a message (this is a
 * benchmark tool, not library code). Only gen_tree does I/O. Not thread-safe
 * per GenBuf.
 */
#ifndef HYBRIDLS_TESTS_BENCH_GEN_H
#define HYBRIDLS_TESTS_BENCH_GEN_H

#include <stddef.h>
#include <stdint.h>

/* A growable byte buffer, always NUL-terminated after `len` bytes. */
typedef struct GenBuf {
  char *p;
  size_t len, cap;
} GenBuf;

void gen_buf_init(GenBuf *b);
void gen_buf_free(GenBuf *b);
void gen_buf_append(GenBuf *b, const char *s, size_t n);
void gen_buf_printf(GenBuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* splitmix64: small, fast and good enough to pick templates. */
typedef struct GenRng {
  uint64_t state;
} GenRng;

void gen_rng_seed(GenRng *r, uint64_t seed);
uint64_t gen_rng_next(GenRng *r);
/* Uniform in [0, n); n > 0. */
uint32_t gen_rng_below(GenRng *r, uint32_t n);

/* A module another module may import helpers from. */
typedef struct GenImport {
  const char *module; /* dotted name: "pkg03.mod_0123" */
  uint32_t id;        /* its GenModule.id */
} GenImport;

typedef struct GenModule {
  uint64_t seed;
  uint32_t id;           /* suffix of the module's guaranteed helpers */
  uint32_t target_lines; /* the module ends at the first block boundary at or past it */
  const GenImport *imports;
  size_t import_count;
} GenModule;

/* Appends one module to `out`; returns the number of lines written. */
uint32_t gen_module(GenBuf *out, const GenModule *m);

/* Appends exactly `lines` lines of complete top-level definitions (padded
 * with comment lines), as a user would paste them between two definitions.
 * `tag` keeps the names unique across pastes. */
void gen_paste_block(GenBuf *out, uint64_t seed, uint32_t tag, uint32_t lines);

/* Number of '\n' in s[0..n). */
uint32_t gen_count_lines(const char *s, size_t n);

/* Writes a package tree under `dir` (created if missing): `files` modules
 * dir/pkgNN/mod_NNNN.py, 50 a package, each with an empty __init__.py, of
 * about `avg_lines` lines each (uniformly from a quarter to seven quarters
 * of it), each importing helpers from one to three earlier modules. Writes
 * the stamp file dir/.bench-tree ("seed files avg_lines total_lines\n") last,
 * so an interrupted run is regenerated. Returns the total number of lines,
 * or 0 after a message on stderr when a file cannot be written. */
uint64_t gen_tree(const char *dir, uint64_t seed, uint32_t files, uint32_t avg_lines);

/* The total lines recorded in dir/.bench-tree when it was generated with
 * these parameters, else 0. */
uint64_t gen_tree_stamp(const char *dir, uint64_t seed, uint32_t files, uint32_t avg_lines);

#endif
