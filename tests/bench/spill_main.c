/* tests/bench/spill_main — `spill`: figure 2c (tests/bench/spill.h) for any
 * Python files.
 *
 *   spill [--trace] FILE...   the counts over the files; --trace lists each
 *                             edit that changed findings outside its function
 *   spill --self-test         counts of small modules against ones worked out
 *                             by hand
 *
 * Exit status 0; 1 when a file cannot be measured or a self-test count
 * differs; 2 on a usage error.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/bench/spill.h"

typedef struct SpillCase {
  const char *source;
  uint32_t edits, same_graph, spilled, regraphed_spilled;
} SpillCase;

static const SpillCase spill_main__cases[] = {
    /* HY101 at the module-level call is a hint only while the parameter is
     * the shape of a random draw: deleting either draw (lines 5 and 10)
     * makes it a warning. The module-level loop is in no function. */
    {"import tensorflow as tf\n"
     "gen = tf.random.Generator.from_seed(1234)\n"
     "@tf.function\n"
     "def estimate_pi(n):\n"
     "    xy = gen.uniform([n, 2])\n"
     "    return 4.0 * tf.reduce_mean(tf.cast(tf.reduce_sum(xy ** 2, axis=1) <= 1.0, tf.float32))\n"
     "@tf.function\n"
     "def estimate_pi_stateless(n, seed):\n"
     "    xy = tf.random.stateless_uniform([n, 2], seed=seed)\n"
     "    return 4.0 * tf.reduce_mean(tf.cast(tf.reduce_sum(xy ** 2, axis=1) <= 1.0, tf.float32))\n"
     "for n in [1000, 10000, 100000, 1000000]:\n"
     "    print(float(estimate_pi(n)), float(estimate_pi_stateless(n, tf.constant([1, 2]))))\n",
     4, 4, 2, 0},
    /* HY204 in __call__ exists because compare() calls, changes the
     * attribute and calls again, and __init__ stores it: every statement of
     * compare() and the store carry it; super().__init__() and the return
     * of __call__ (where the finding is) do not count. */
    {"import tensorflow as tf\n"
     "class WeightedMSE(tf.Module):\n"
     "    def __init__(self, weight=1.0):\n"
     "        super().__init__()\n"
     "        self.weight = weight\n"
     "    @tf.function\n"
     "    def __call__(self, y_true, y_pred):\n"
     "        return self.weight * tf.reduce_mean(tf.square(y_true - y_pred))\n"
     "def compare(y, pred):\n"
     "    loss = WeightedMSE(1.0)\n"
     "    before = loss(y, pred)\n"
     "    loss.weight = 2.0\n"
     "    return before, loss(y, pred)\n",
     7, 7, 5, 0},
    /* Deleting the call takes helper out of graph mode, and its print's
     * HY201 with it: a change of the graph, not counted as spilled. */
    {"import tensorflow as tf\n"
     "def helper(x):\n"
     "    print(x)\n"
     "    return x\n"
     "@tf.function\n"
     "def f(x):\n"
     "    y = helper(x)\n"
     "    return y\n",
     4, 3, 0, 1},
};

static int spill_main__self_test(SpillCtx *ctx) {
  int failures = 0;
  size_t n = sizeof spill_main__cases / sizeof spill_main__cases[0];
  for (size_t i = 0; i < n; i++) {
    const SpillCase *c = &spill_main__cases[i];
    SpillCounts got = {0};
    if (spill_text(ctx, "case", c->source, (uint32_t)strlen(c->source), SPILL_SAMPLE_MAX, &got, NULL) != 0 ||
        got.edits != c->edits || got.same_graph != c->same_graph || got.spilled != c->spilled ||
        got.regraphed_spilled != c->regraphed_spilled) {
      fprintf(stderr,
              "spill: case %zu: %u edits, %u same graph, %u spilled, %u with the graph; expected %u, %u, %u, %u\n", i,
              got.edits, got.same_graph, got.spilled, got.regraphed_spilled, c->edits, c->same_graph, c->spilled,
              c->regraphed_spilled);
      failures++;
    }
  }
  printf("spill self-test: %zu modules, %d mismatches\n", n, failures);
  return failures ? 1 : 0;
}

static int spill_main__files(SpillCtx *ctx, char **files, int n, FILE *trace) {
  SpillCounts c = {0};
  int rc = 0;
  for (int i = 0; i < n; i++)
    if (spill_file(ctx, files[i], &c, trace) != 0) {
      fprintf(stderr, "spill: cannot measure %s\n", files[i]);
      rc = 1;
    }
  printf("%u files, %u edits; %u kept every function's graph mode, %u of those (%.1f%%) changed findings "
         "outside the edited function; %u of the other %u did\n",
         c.files, c.edits, c.same_graph, c.spilled, c.same_graph ? 100.0 * c.spilled / c.same_graph : 0.0,
         c.regraphed_spilled, c.edits - c.same_graph);
  for (int r = 0; r < AN_RULE_COUNT; r++)
    if (c.by_rule[r]) printf("  %s %s: %u\n", an_rule_info(r)->code, an_rule_info(r)->name, c.by_rule[r]);
  return rc;
}

int main(int argc, char **argv) {
  bool self_test = argc == 2 && strcmp(argv[1], "--self-test") == 0;
  int first = argc > 1 && strcmp(argv[1], "--trace") == 0 ? 2 : 1;
  if (!self_test && (first >= argc || argv[first][0] == '-')) {
    fputs("usage: spill [--trace] FILE...\n       spill --self-test\n", stderr);
    return 2;
  }
  SpillCtx *ctx = spill_ctx_new();
  if (!ctx) {
    fputs("spill: cannot load the Python grammar\n", stderr);
    return 1;
  }
  int rc = self_test ? spill_main__self_test(ctx)
                     : spill_main__files(ctx, argv + first, argc - first, first == 2 ? stdout : NULL);
  spill_ctx_free(ctx);
  return rc;
}
