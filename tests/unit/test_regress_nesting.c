/* Regression tests for deep nesting in analysis/ (issue 7).
 *
 * qualified_names_bounded: 10,000 nested lambdas (an 80 KB file) made the
 * analysis build a qualified name per lambda as long as its nesting
 * ("f.<lambda>.<lambda>...", 90 KB for the innermost), 450 MB in all: 6 s
 * and 1.3 GB for one file (found by tests/reliability/deep.sh). Names are
 * now elided past 512 bytes; this test measures the analysis's peak
 * memory through its allocation seam and fails without that.
 *
 * deep_constructs: each construct nested 10,000 deep, then a tf.function
 * with a print: the model builds without exhausting the C stack and HY201
 * is found after the nesting.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "server/lang.h"
#include "test.h"

/* Live and peak bytes of analysis/, through its allocation seam (on top of
 * the counting allocator of test.h, so leaks are still checked). */
static size_t live_bytes, peak_bytes;
static void *bytes_malloc(size_t n) {
  void *p = test__malloc(n);
  if (p) live_bytes += malloc_usable_size(p);
  if (live_bytes > peak_bytes) peak_bytes = live_bytes;
  return p;
}
static void *bytes_realloc(void *old, size_t n) {
  size_t before = old ? malloc_usable_size(old) : 0;
  void *p = test__realloc(old, n);
  if (p) live_bytes += malloc_usable_size(p) - before;
  if (live_bytes > peak_bytes) peak_bytes = live_bytes;
  return p;
}
static void bytes_free(void *p) {
  if (p) live_bytes -= malloc_usable_size(p);
  test__free(p);
}

static char *repeat(const char *head, const char *unit, int n, const char *mid, const char *close) {
  size_t ul = strlen(unit), cl = strlen(close);
  size_t cap = strlen(head) + (ul + cl) * (size_t)n + strlen(mid) + 128;
  char *s = malloc(cap);
  size_t len = (size_t)sprintf(s, "%s", head);
  for (int i = 0; i < n; i++) memcpy(s + len, unit, ul), len += ul;
  len += (size_t)sprintf(s + len, "%s", mid);
  for (int i = 0; i < n; i++) memcpy(s + len, close, cl), len += cl;
  len += (size_t)sprintf(s + len, "\n@tf.function\ndef f(x):\n    print(x)\n");
  return s;
}

/* Builds the model of text; checks HY201 is found and every function name
 * is at most max_name bytes. */
static void analyse(const char *text, uint32_t expect_hy201_start, size_t max_name) {
  char err[128];
  AnLang *lang = an_lang_new(hl_python_language(), err, sizeof err);
  ASSERT(lang != NULL);
  TSParser *p = ts_parser_new();
  ts_parser_set_language(p, hl_python_language());
  uint32_t len = (uint32_t)strlen(text);
  TSTree *tree = ts_parser_parse_string(p, NULL, text, len);
  AnConfig cfg;
  an_config_init(&cfg);
  AnSource src = {.lang = lang, .text = text, .length = len, .tree = tree, .path = "deep.py"};
  AnModel *m = an_model_build(&src, &cfg, NULL);
  ASSERT(m != NULL);
  uint32_t n = 0;
  const AnFinding *f = an_model_findings(m, &n);
  bool found = false;
  for (uint32_t i = 0; i < n; i++)
    if (f[i].rule == AN_RULE_PRINT_AT_TRACE_TIME && f[i].start == expect_hy201_start) found = true;
  ASSERT(found);
  uint32_t nf = 0;
  const AnFunctionInfo *fn = an_model_functions(m, &nf);
  for (uint32_t i = 0; i < nf; i++)
    if (strlen(fn[i].name) > max_name) TEST__FAIL("function %u has a %zu-byte name", i, strlen(fn[i].name));
  an_model_free(m);
  ts_tree_delete(tree);
  ts_parser_delete(p);
  an_lang_free(lang);
}

static uint32_t print_offset(const char *text) { return (uint32_t)(strstr(text, "    print(x)") - text) + 4; }

TEST(qualified_names_bounded) {
  char *t = repeat("import tensorflow as tf\nx = ", "lambda: ", 10000, "1", "");
  an_set_allocator(bytes_malloc, bytes_realloc, bytes_free);
  analyse(t, print_offset(t), 600);
  an_set_allocator(test__malloc, test__realloc, test__free);
  /* About 10 MB with the names elided; 450 MB without. */
  if (peak_bytes > 64u << 20) TEST__FAIL("analysing 10,000 nested lambdas took %zu bytes", peak_bytes);
  free(t);
}

TEST(deep_constructs) {
  static const char *const cases[][3] = {
      {"(", "1", ")"}, {"[", "", "]"},         {"{1: ", "1", "}"}, {"g(", "", ")"},  {"a[", "0", "]"},
      {"-", "1", ""},  {"not ", "x", ""},      {"1 if x else ", "1", ""},           {"2 ** ", "2", ""},
      {"a + ", "1", ""}, {"await ", "x", ""}, {"(1, ", "", ")"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *t = repeat("import tensorflow as tf\nx = ", cases[i][0], 10000, cases[i][1], cases[i][2]);
    analyse(t, print_offset(t), 600);
    free(t);
  }
}

TEST_MAIN(qualified_names_bounded, deep_constructs)
