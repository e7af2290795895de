/* tests/fuzz/fuzz_analysis — analysis/ on arbitrary (mostly mutated) Python.
 *
 * The input is one module's text. It is parsed, summarised for the
 * workspace index, and analysed twice: alone, and with an index that also
 * holds a fixed helper module (so cross-file facts are computed). Every
 * reader of the model runs: findings, per-function facts, and, when this
 * build has them, hovers at several offsets, code actions, fix-all and
 * graph spans. The results must be well formed: every byte range inside the
 * text with start <= end, findings sorted by start, fix-all edits sorted and
 * non-overlapping, strings present; the two analyses must agree on the
 * function list. Any violation aborts. Sanitizers catch the rest.
 *
 * Seeds (corpus/analysis) are small TensorFlow programs of ours plus the
 * rule fixtures and the examples (copied by `make fuzz`).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "server/lang.h"

/* Readers another engineer is adding: used when linked in. */
#pragma weak an_model_hover
#pragma weak an_model_actions
#pragma weak an_model_fix_all
#pragma weak an_model_graph_spans

static void fuzz_analysis__fail(const char *what, const uint8_t *data, size_t size) {
  fprintf(stderr, "fuzz_analysis: %s\n--- input (%zu bytes) ---\n%.*s\n", what, size,
          (int)(size > 2048 ? 2048 : size), (const char *)data);
  abort();
}

#define FUZZ_CHECK(cond, what)                                       \
  do {                                                               \
    if (!(cond)) fuzz_analysis__fail(what, data, size);              \
  } while (0)

static const char fuzz_analysis__helper[] =
    "import tensorflow as tf\n"
    "\n"
    "@tf.function\n"
    "def step(x, n):\n"
    "    print(n)\n"
    "    return helper(x)\n"
    "\n"
    "def helper(x):\n"
    "    return x.numpy()\n";

static void fuzz_analysis__check_model(const AnModel *model, const uint8_t *data, size_t size) {
  uint32_t len = (uint32_t)size;
  uint32_t count = 0;
  const AnFinding *f = an_model_findings(model, &count);
  FUZZ_CHECK(count == 0 || f != NULL, "findings missing");
  for (uint32_t i = 0; i < count; i++) {
    FUZZ_CHECK(f[i].rule < AN_RULE_COUNT, "finding with an unknown rule");
    FUZZ_CHECK(f[i].start <= f[i].end && f[i].end <= len, "finding range outside the text");
    FUZZ_CHECK(i == 0 || f[i - 1].start <= f[i].start, "findings not sorted by start");
    FUZZ_CHECK(f[i].message && f[i].message[0], "finding without a message");
    FUZZ_CHECK(f[i].severity >= AN_SEV_ERROR && f[i].severity <= AN_SEV_HINT, "finding with a bad severity");
    for (uint32_t r = 0; r < f[i].related_count; r++) {
      const AnRelated *rel = &f[i].related[r];
      FUZZ_CHECK(rel->start <= rel->end, "related range reversed");
      FUZZ_CHECK(rel->path || rel->end <= len, "related range outside the text");
      FUZZ_CHECK(rel->message != NULL, "related without a message");
    }
    for (uint32_t x = 0; x < f[i].fix_count; x++) {
      const AnFix *fix = &f[i].fixes[x];
      FUZZ_CHECK(fix->title && fix->title[0], "fix without a title");
      for (uint32_t e = 0; e < fix->edit_count; e++) {
        FUZZ_CHECK(fix->edits[e].start <= fix->edits[e].end && fix->edits[e].end <= len, "fix edit outside the text");
        FUZZ_CHECK(fix->edits[e].text != NULL, "fix edit without text");
      }
    }
  }

  uint32_t nfun = 0;
  const AnFunctionInfo *fn = an_model_functions(model, &nfun);
  FUZZ_CHECK(nfun == 0 || fn != NULL, "functions missing");
  for (uint32_t i = 0; i < nfun; i++) {
    FUZZ_CHECK(fn[i].name && fn[i].name[0], "function without a name");
    FUZZ_CHECK(fn[i].start <= fn[i].end && fn[i].end <= len, "function range outside the text");
    FUZZ_CHECK(fn[i].name_start <= fn[i].name_end && fn[i].name_end <= len, "function name outside the text");
    FUZZ_CHECK(fn[i].line >= 1 && fn[i].line <= fn[i].end_line, "function lines out of order");
    FUZZ_CHECK(fn[i].graph_chain_len == 0 || fn[i].graph_chain != NULL, "graph chain missing");
    for (uint32_t c = 0; c < fn[i].graph_chain_len; c++) FUZZ_CHECK(fn[i].graph_chain[c] != NULL, "null in chain");
    for (uint32_t p = 0; p < fn[i].param_count; p++)
      FUZZ_CHECK(fn[i].params[p].name && fn[i].params[p].kind < AN_KIND_COUNT, "bad parameter");
    for (uint32_t e = 0; e < fn[i].eager_only_call_count; e++)
      FUZZ_CHECK(fn[i].eager_only_calls[e].text != NULL, "eager call without text");
    for (uint32_t r = 0; r < fn[i].refactoring.failed_count; r++)
      FUZZ_CHECK(fn[i].refactoring.failed_preconditions[r] && fn[i].refactoring.failed_reasons[r],
                 "refactoring precondition without a name or reason");
  }

  if (an_model_hover) {
    uint32_t probes[] = {0, len / 3, len / 2, len ? len - 1 : 0, len, len + 7};
    for (size_t k = 0; k < sizeof probes / sizeof probes[0]; k++) {
      uint32_t hs = 0, he = 0;
      for (int fmt = 0; fmt < 2; fmt++) {
        const char *h = an_model_hover(model, probes[k], (AnHoverFormat)fmt, &hs, &he);
        if (h) FUZZ_CHECK(hs <= he && he <= len, "hover range outside the text");
      }
    }
    for (uint32_t i = 0; i < nfun; i++) {
      uint32_t hs = 0, he = 0;
      const char *h = an_model_hover(model, fn[i].name_start, AN_HOVER_MARKDOWN, &hs, &he);
      if (h) FUZZ_CHECK(hs <= he && he <= len, "hover range outside the text");
    }
  }
  if (an_model_actions) {
    uint32_t spans[][2] = {{0, len}, {len / 2, len / 2}, {0, 0}, {len, len + 3}};
    for (size_t k = 0; k < sizeof spans / sizeof spans[0]; k++) {
      uint32_t na = 0;
      const AnAction *a = an_model_actions(model, spans[k][0], spans[k][1], &na);
      for (uint32_t i = 0; i < na; i++) {
        FUZZ_CHECK(a[i].title && a[i].title[0], "action without a title");
        for (uint32_t e = 0; e < a[i].edit_count; e++) {
          FUZZ_CHECK(a[i].edits[e].start <= a[i].edits[e].end && a[i].edits[e].end <= len, "action edit outside");
          FUZZ_CHECK(e == 0 || a[i].edits[e - 1].end <= a[i].edits[e].start, "action edits overlap");
        }
      }
    }
  }
  if (an_model_fix_all) {
    uint32_t ne = 0;
    const AnEdit *e = an_model_fix_all(model, &ne);
    for (uint32_t i = 0; i < ne; i++) {
      FUZZ_CHECK(e[i].start <= e[i].end && e[i].end <= len && e[i].text, "fix-all edit outside the text");
      FUZZ_CHECK(i == 0 || e[i - 1].end <= e[i].start, "fix-all edits overlap or are unsorted");
    }
  }
  if (an_model_graph_spans) {
    uint32_t ns = 0;
    const AnSpan *s = an_model_graph_spans(model, &ns);
    for (uint32_t i = 0; i < ns; i++) {
      FUZZ_CHECK(s[i].start <= s[i].end && s[i].end <= len, "graph span outside the text");
      FUZZ_CHECK(i == 0 || s[i - 1].start <= s[i].start, "graph spans not sorted");
    }
  }
  (void)an_model_uses_tensorflow(model);
}

static AnLang *fuzz_analysis__lang;
static TSParser *fuzz_analysis__parser;

/* Frees what the first call set up (for the replay test's leak check). */
void fuzz_analysis_reset(void) {
  an_lang_free(fuzz_analysis__lang);
  if (fuzz_analysis__parser) ts_parser_delete(fuzz_analysis__parser);
  fuzz_analysis__lang = NULL;
  fuzz_analysis__parser = NULL;
}

int fuzz_analysis_one(const uint8_t *data, size_t size) {
  if (size > (1u << 20)) return 0;
  if (!fuzz_analysis__lang) {
    char err[256];
    fuzz_analysis__lang = an_lang_new(hl_python_language(), err, sizeof err);
    if (!fuzz_analysis__lang) {
      fprintf(stderr, "fuzz_analysis: %s\n", err);
      abort();
    }
    fuzz_analysis__parser = ts_parser_new();
    ts_parser_set_language(fuzz_analysis__parser, hl_python_language());
  }
  const char *text = (const char *)data;
  TSTree *tree = ts_parser_parse_string(fuzz_analysis__parser, NULL, text, (uint32_t)size);
  TSTree *helper_tree =
      ts_parser_parse_string(fuzz_analysis__parser, NULL, fuzz_analysis__helper, (uint32_t)(sizeof fuzz_analysis__helper - 1));
  FUZZ_CHECK(tree && helper_tree, "parse failed");

  AnConfig cfg;
  an_config_init(&cfg);
  cfg.keras_graph_mode = size % 2 == 0;
  static const char *const roots[] = {"/project"};
  AnSource src = {.lang = fuzz_analysis__lang, .text = text, .length = (uint32_t)size, .tree = tree,
                  .path = "/project/pkg/mod.py", .roots = roots, .root_count = 1};
  AnSource helper = {.lang = fuzz_analysis__lang, .text = fuzz_analysis__helper,
                     .length = (uint32_t)(sizeof fuzz_analysis__helper - 1), .tree = helper_tree,
                     .path = "/project/pkg/helpers.py", .roots = roots, .root_count = 1};

  AnModel *alone = an_model_build(&src, &cfg, NULL);
  FUZZ_CHECK(alone, "an_model_build returned NULL");
  fuzz_analysis__check_model(alone, data, size);

  AnIndex *index = an_index_new(roots, 1);
  AnSummary *mine = an_summary_build(&src), *theirs = an_summary_build(&helper);
  FUZZ_CHECK(index && mine && theirs, "index or summary returned NULL");
  (void)an_summary_size(mine);
  FUZZ_CHECK(an_index_put(index, src.path, mine) == 0 && an_index_put(index, helper.path, theirs) == 0,
             "an_index_put failed");
  FUZZ_CHECK(an_index_finalize(index) == 0, "an_index_finalize failed");
  FUZZ_CHECK(an_index_size(index) == 2, "index size");
  AnModel *linked = an_model_build(&src, &cfg, index);
  FUZZ_CHECK(linked, "an_model_build with an index returned NULL");
  fuzz_analysis__check_model(linked, data, size);

  uint32_t n1 = 0, n2 = 0;
  const AnFunctionInfo *f1 = an_model_functions(alone, &n1), *f2 = an_model_functions(linked, &n2);
  FUZZ_CHECK(n1 == n2, "the index changed the function list");
  for (uint32_t i = 0; i < n1; i++)
    FUZZ_CHECK(strcmp(f1[i].name, f2[i].name) == 0 && f1[i].start == f2[i].start, "the index changed a function");

  an_index_remove(index, helper.path);
  FUZZ_CHECK(an_index_finalize(index) == 0 && an_index_size(index) == 1, "index after remove");
  an_model_free(linked);
  an_model_free(alone);
  an_index_free(index);
  ts_tree_delete(tree);
  ts_tree_delete(helper_tree);
  return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return fuzz_analysis_one(data, size); }
#endif
