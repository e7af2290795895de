/* tests/bench/spill — findings outside an edited function (spill.h).
 *
 * Every edit is analysed from a fresh parse with no workspace index, like a
 * document opened alone; the original text's model stays alive for the
 * comparisons. A statement qualifies when it is a named, simple child of a
 * `block` (not a definition, compound statement, comment, `pass` or plain
 * string), inside some function, on one line with nothing else on it.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "server/lang.h"
#include "tests/bench/deps.h"
#include "tests/bench/spill.h"

struct SpillCtx {
  TSParser *parser;
  AnLang *lang;
  AnConfig cfg;
};

SpillCtx *spill_ctx_new(void) {
  SpillCtx *ctx = calloc(1, sizeof *ctx);
  if (!ctx) return NULL;
  ctx->parser = ts_parser_new();
  ctx->lang = an_lang_new(hl_python_language(), NULL, 0);
  if (!ctx->parser || !ctx->lang || !ts_parser_set_language(ctx->parser, hl_python_language())) {
    spill_ctx_free(ctx);
    return NULL;
  }
  an_config_init(&ctx->cfg);
  return ctx;
}

void spill_ctx_free(SpillCtx *ctx) {
  if (!ctx) return;
  if (ctx->parser) ts_parser_delete(ctx->parser);
  an_lang_free(ctx->lang);
  free(ctx);
}

/* ------------------------------------------------------------------------
 * Edit sites.
 */

typedef struct SpillSites {
  uint32_t *start, *end;
  uint32_t n, cap;
} SpillSites;

static int spill__push(SpillSites *s, uint32_t start, uint32_t end) {
  if (s->n == s->cap) {
    uint32_t cap = s->cap ? s->cap * 2 : 64;
    uint32_t *a = realloc(s->start, cap * sizeof *a);
    if (!a) return -1;
    s->start = a;
    uint32_t *b = realloc(s->end, cap * sizeof *b);
    if (!b) return -1;
    s->end = b;
    s->cap = cap;
  }
  s->start[s->n] = start;
  s->end[s->n++] = end;
  return 0;
}

static bool spill__simple(TSNode n) {
  static const char *const skip[] = {
      "function_definition", "class_definition", "decorated_definition", "if_statement",   "for_statement",
      "while_statement",     "try_statement",    "with_statement",       "match_statement", "comment",
      "pass_statement",
  };
  if (!ts_node_is_named(n)) return false;
  const char *type = ts_node_type(n);
  for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
    if (strcmp(type, skip[i]) == 0) return false;
  if (strcmp(type, "expression_statement") == 0 && ts_node_named_child_count(n) == 1 &&
      strcmp(ts_node_type(ts_node_named_child(n, 0)), "string") == 0)
    return false;
  return true;
}

/* One line, and only blanks around it on that line. */
static bool spill__alone(TSNode n, const char *text, uint32_t len) {
  if (ts_node_start_point(n).row != ts_node_end_point(n).row || ts_node_has_error(n)) return false;
  uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
  for (uint32_t i = s; i > 0 && text[i - 1] != '\n'; i--)
    if (text[i - 1] != ' ' && text[i - 1] != '\t') return false;
  for (uint32_t i = e; i < len && text[i] != '\n'; i++)
    if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r') return false;
  return e > s;
}

/* The simple statements of every block, in source order, by an iterative
 * preorder walk. */
static int spill__sites(TSNode root, const char *text, uint32_t len, SpillSites *out) {
  TSTreeCursor c = ts_tree_cursor_new(root);
  int rc = 0;
  for (bool more = true; more && rc == 0;) {
    TSNode n = ts_tree_cursor_current_node(&c);
    if (strcmp(ts_node_type(n), "block") == 0) {
      uint32_t k = ts_node_named_child_count(n);
      for (uint32_t i = 0; i < k && rc == 0; i++) {
        TSNode child = ts_node_named_child(n, i);
        if (spill__simple(child) && spill__alone(child, text, len))
          rc = spill__push(out, ts_node_start_byte(child), ts_node_end_byte(child));
      }
    }
    if (ts_tree_cursor_goto_first_child(&c)) continue;
    while (!ts_tree_cursor_goto_next_sibling(&c))
      if (!ts_tree_cursor_goto_parent(&c)) {
        more = false;
        break;
      }
  }
  ts_tree_cursor_delete(&c);
  return rc;
}

/* ------------------------------------------------------------------------
 * Comparison.
 */

/* The innermost function holding [s, e); NULL outside every function. */
static const AnFunctionInfo *spill__owner(const AnFunctionInfo *fns, uint32_t n, uint32_t s, uint32_t e) {
  const AnFunctionInfo *best = NULL;
  for (uint32_t i = 0; i < n; i++)
    if (fns[i].start <= s && e <= fns[i].end && (!best || fns[i].start >= best->start)) best = &fns[i];
  return best;
}

static bool spill__same_graph(const AnModel *a, const AnModel *b) {
  uint32_t na, nb;
  const AnFunctionInfo *fa = an_model_functions(a, &na), *fb = an_model_functions(b, &nb);
  if (na != nb) return false;
  for (uint32_t i = 0; i < na; i++)
    if (fa[i].start != fb[i].start || fa[i].hybrid != fb[i].hybrid || fa[i].graph_mode != fb[i].graph_mode)
      return false;
  return true;
}

static bool spill__kept(const AnFinding *f, int rule, uint32_t fs, uint32_t fe) {
  return (rule < 0 || (int)f->rule == rule) && !(fs <= f->start && f->end <= fe);
}

/* Whether the findings of `rule` (all rules when negative) outside
 * [fs, fe) differ between the two lists (both sorted by start byte). */
static bool spill__differ(const AnFinding *a, uint32_t na, const AnFinding *b, uint32_t nb, int rule, uint32_t fs,
                          uint32_t fe) {
  uint32_t i = 0, j = 0;
  for (;;) {
    while (i < na && !spill__kept(&a[i], rule, fs, fe)) i++;
    while (j < nb && !spill__kept(&b[j], rule, fs, fe)) j++;
    if (i == na || j == nb) return i != na || j != nb;
    if (a[i].rule != b[j].rule || a[i].start != b[j].start || a[i].end != b[j].end ||
        a[i].severity != b[j].severity || strcmp(a[i].message, b[j].message) != 0)
      return true;
    i++;
    j++;
  }
}

static uint32_t spill__line(const char *text, uint32_t at) {
  uint32_t line = 1;
  for (uint32_t i = 0; i < at; i++) line += text[i] == '\n';
  return line;
}

/* ------------------------------------------------------------------------
 * One file.
 */

static AnModel *spill__model(SpillCtx *ctx, const char *text, uint32_t len, TSTree **tree) {
  *tree = hl_parse(ctx->parser, NULL, text, len);
  if (!*tree) return NULL;
  AnSource src = {.lang = ctx->lang, .text = text, .length = len, .tree = *tree, .path = "/bench/spill.py"};
  return an_model_build(&src, &ctx->cfg, NULL);
}

typedef struct SpillBase {
  const char *name, *text;
  uint32_t len;
  const AnModel *model;
} SpillBase;

/* Replaces [s, e) of a copy of the text and compares. 0, or -1. */
static int spill__edit(SpillCtx *ctx, const SpillBase *base, char *copy, uint32_t s, uint32_t e,
                       SpillCounts *acc, FILE *trace) {
  uint32_t nf, n0, n1;
  const AnFunctionInfo *fns = an_model_functions(base->model, &nf);
  const AnFunctionInfo *owner = spill__owner(fns, nf, s, e);
  if (!owner) return 0;
  const char *filler = e - s >= 4 ? "pass" : e - s == 3 ? "..." : "0";
  memset(copy + s, ' ', e - s);
  memcpy(copy + s, filler, strlen(filler));
  TSTree *tree = NULL;
  AnModel *m = spill__model(ctx, copy, base->len, &tree);
  memcpy(copy + s, base->text + s, e - s);
  if (!m) {
    if (tree) ts_tree_delete(tree);
    return -1;
  }
  const AnFinding *a = an_model_findings(base->model, &n0), *b = an_model_findings(m, &n1);
  bool same = spill__same_graph(base->model, m);
  bool differ = spill__differ(a, n0, b, n1, -1, owner->start, owner->end);
  acc->edits++;
  acc->same_graph += same;
  acc->spilled += same && differ;
  acc->regraphed_spilled += !same && differ;
  for (int r = 0; same && differ && r < AN_RULE_COUNT; r++)
    if (spill__differ(a, n0, b, n1, r, owner->start, owner->end)) {
      acc->by_rule[r]++;
      if (trace)
        fprintf(trace, "%s:%u: deleting `%.*s` in %s changes %s outside it\n", base->name,
                spill__line(base->text, s), (int)(e - s), base->text + s, owner->name, an_rule_info(r)->code);
    }
  an_model_free(m);
  ts_tree_delete(tree);
  return 0;
}

int spill_text(SpillCtx *ctx, const char *name, const char *text, uint32_t len, uint32_t max, SpillCounts *acc,
               FILE *trace) {
  TSTree *tree = NULL;
  AnModel *model = spill__model(ctx, text, len, &tree);
  SpillSites sites = {0};
  char *copy = malloc((size_t)len + 1);
  int rc = model && copy ? spill__sites(ts_tree_root_node(tree), text, len, &sites) : -1;
  if (rc == 0) {
    memcpy(copy, text, len);
    copy[len] = '\0';
    SpillBase base = {.name = name, .text = text, .len = len, .model = model};
    uint32_t take = sites.n < max ? sites.n : max, before = acc->edits;
    for (uint32_t k = 0; k < take && rc == 0; k++) {
      uint32_t i = (uint32_t)(((uint64_t)k * sites.n) / take);
      rc = spill__edit(ctx, &base, copy, sites.start[i], sites.end[i], acc, trace);
    }
    acc->files += acc->edits > before;
  }
  free(copy);
  free(sites.start);
  free(sites.end);
  an_model_free(model);
  if (tree) ts_tree_delete(tree);
  return rc;
}

int spill_file(SpillCtx *ctx, const char *path, SpillCounts *acc, FILE *trace) {
  uint32_t len;
  char *text = deps_read_file(path, &len);
  if (!text) return -1;
  int rc = spill_text(ctx, path, text, len, SPILL_SAMPLE_MAX, acc, trace);
  free(text);
  return rc;
}

/* ------------------------------------------------------------------------
 * Section 2c of `make bench`.
 */

static void spill__print(const char *what, const SpillCounts *c) {
  printf("      %s: %u edits in %u file%s; %u kept every function's graph mode, and %u of those\n"
         "      (%.1f%%) changed findings outside the edited function",
         what, c->edits, c->files, c->files == 1 ? "" : "s", c->same_graph, c->spilled,
         c->same_graph ? 100.0 * c->spilled / c->same_graph : 0.0);
  const char *sep = " (";
  for (int r = 0; r < AN_RULE_COUNT; r++)
    if (c->by_rule[r]) {
      printf("%s%s %u", sep, an_rule_info(r)->code, c->by_rule[r]);
      sep = ", ";
    }
  printf("%s\n", sep[0] == ',' ? ")" : "");
}

int spill_print_section(const char *text, uint32_t len, uint32_t max) {
  SpillCtx *ctx = spill_ctx_new();
  SpillCounts file = {0}, corpus = {0};
  char **paths = NULL;
  size_t n = 0;
  int rc = ctx ? spill_text(ctx, "figure 2", text, len, max, &file, NULL) : -1;
  if (rc == 0) rc = deps_corpus_paths(&paths, &n);
  for (size_t i = 0; rc == 0 && i < n; i++) rc = spill_file(ctx, paths[i], &corpus, NULL);
  deps_paths_free(paths, n);
  spill_ctx_free(ctx);
  if (rc != 0) return -1;
  printf("\n  2c. Findings outside the edited function after replacing one statement by `pass`\n"
         "      (the issue's fallback keeps them when no call or decorator changed; tests/bench/spill.c)\n");
  uint32_t lines = spill__line(text, len) - (len > 0 && text[len - 1] == '\n');
  char what[48];
  snprintf(what, sizeof what, "the %u-line file", lines);
  spill__print(what, &file);
  spill__print("examples + corpus", &corpus);
  return 0;
}
