/* Unit tests of findings moved across inert edits: an_inert_span
 * (analysis/inert.c), AnFindingSet (analysis/finding_set.c), the tracking in
 * server/doc.c and server/reuse.c. The property test types into the comments
 * and docstrings of every fixture, corpus file and example (and now and then
 * into code), and wherever the findings were moved instead of analysed it
 * checks them against a full analysis of the new text. */
#include <dirent.h>
#include <stdint.h>
#include <sys/stat.h>

#include "tests/unit/test.h"

#include "analysis/syntax.h"
#include "server/alloc.h"
#include "server/diagnostics.h"
#include "server/doc.h"
#include "server/lang.h"
#include "server/reuse.h"

typedef struct Env {
  AnLang *lang;
  TSParser *parser;
} Env;

static void env_init(Env *env) {
  hl_set_allocator(test__malloc, test__realloc, test__free);
  char err[256];
  env->lang = an_lang_new(hl_python_language(), err, sizeof err);
  ASSERT(env->lang != NULL);
  env->parser = ts_parser_new();
  ASSERT(ts_parser_set_language(env->parser, hl_python_language()));
}

static void env_free(Env *env) {
  ts_parser_delete(env->parser);
  an_lang_free(env->lang);
}

/* an_inert_span over the whole of the first occurrence of `needle`, in a
 * fresh parse of `src`. */
static bool inert_at(Env *env, const char *src, const char *needle, int skip) {
  const char *at = strstr(src, needle);
  ASSERT(at != NULL);
  uint32_t len = (uint32_t)strlen(src), s = (uint32_t)(at - src) + (uint32_t)skip;
  TSTree *tree = hl_parse(env->parser, NULL, src, len);
  bool inert = an_inert_span(env->lang, tree, src, len, s, s + 1, NULL, NULL);
  ts_tree_delete(tree);
  return inert;
}

TEST(inert_spans) {
  Env env;
  env_init(&env);
  ASSERT(inert_at(&env, "x = 1\n# a note here\ny = 2\n", "note", 0));
  ASSERT(inert_at(&env, "def f(x):\n    \"\"\"Adds one.\n\n    More.\n    \"\"\"\n    return x + 1\n", "More", 0));
  ASSERT(inert_at(&env, "def f(x):\n    # step one\n    return x\n", "step", 0));
  /* A trailing comment: the first line of a quoted node can hold it. */
  ASSERT(!inert_at(&env, "x = f(1)  # a note\n", "note", 0));
  /* Suppressions, or what may become one. */
  ASSERT(!inert_at(&env, "# hybridls: ignore[HY201]\nx = 1\n", "ignore", 0));
  ASSERT(!inert_at(&env, "# noqa: HY201 later\nx = 1\n", "later", 0));
  ASSERT(!inert_at(&env, "# NoQA\nx = 1\n", "NoQA", 1));
  /* The `#` itself. */
  ASSERT(!inert_at(&env, "x = 1\n# note\n", "# note", 0));
  /* Strings that are values, f-strings, one-line docstrings after code. */
  ASSERT(!inert_at(&env, "x = \"a value\"\n", "value", 0));
  ASSERT(!inert_at(&env, "f\"{x} text\"\n", "text", 0));
  ASSERT(!inert_at(&env, "def f(): \"\"\"doc text\"\"\"\n", "text", 0));
  ASSERT(!inert_at(&env, "\"\"\"doc\"\"\"; x = 1\n", "doc", 0));
  ASSERT(!inert_at(&env, "\"a\" \"b c\"\n", "b c", 0));
  /* Code. */
  ASSERT(!inert_at(&env, "x = tf.constant(1)\n", "constant", 0));
  env_free(&env);
}

/* --- sets ------------------------------------------------------------------ */

static AnFinding finding(uint32_t start, uint32_t end, const char *msg) {
  return (AnFinding){.rule = (AnRuleId)0, .severity = AN_SEV_WARNING, .start = start, .end = end, .message = msg};
}

TEST(sets_move_and_refuse) {
  hl_set_allocator(test__malloc, test__realloc, test__free);
  static const AnEdit edits[] = {{40, 44, "tf.print"}};
  static const AnFix fixes[] = {{"Use tf.print", false, edits, 1}};
  static const AnRelated related[] = {{NULL, 50, 52, 7, 4, "here"}, {"/other.py", 1, 2, 0, 1, "there"}};
  AnFinding items[3] = {finding(2, 6, "before"), finding(40, 44, "after"), finding(60, 61, "last")};
  items[1].fixes = fixes;
  items[1].fix_count = 1;
  items[1].related = related;
  items[1].related_count = 2;
  AnFindingSet *set = an_finding_set_new(items, 3);
  ASSERT(set != NULL);

  /* Bytes [10, 12) became [10, 15), adding a line; lines 8..20 guarded. */
  AnFindingSet *moved = an_finding_set_moved(set, 10, 12, 15, 1, 8, 20);
  ASSERT(moved != NULL);
  uint32_t n;
  const AnFinding *m = an_finding_set_items(moved, &n);
  ASSERT_EQ_INT(n, 3);
  ASSERT_EQ_INT(m[0].start, 2);
  ASSERT_EQ_INT(m[1].start, 43);
  ASSERT_EQ_INT(m[1].end, 47);
  ASSERT_EQ_INT(m[1].fixes[0].edits[0].start, 43);
  ASSERT_EQ_STR(m[1].fixes[0].edits[0].text, "tf.print");
  ASSERT_EQ_INT(m[1].related[0].start, 53);
  ASSERT_EQ_INT(m[1].related[0].line, 8);
  ASSERT_EQ_INT(m[1].related[0].column, 4);
  ASSERT_EQ_INT(m[1].related[1].start, 1); /* another file: as it was */
  ASSERT_EQ_STR(m[1].related[1].path, "/other.py");
  ASSERT_EQ_STR(m[2].message, "last");
  ASSERT_EQ_INT(m[2].start, 63);
  an_finding_set_free(moved);

  /* An end inside the replaced bytes, or a range touching the guard. */
  ASSERT(an_finding_set_moved(set, 3, 8, 9, 0, 100, 100) == NULL);
  ASSERT(an_finding_set_moved(set, 10, 12, 15, 0, 45, 50) == NULL);
  ASSERT(an_finding_set_moved(set, 10, 12, 15, 0, 53, 53) == NULL); /* the related location */
  an_finding_set_free(set);
}

/* --- documents ------------------------------------------------------------- */

static Doc *doc_open(Env *env, const char *text) {
  Doc *doc = doc_new("file:///m.py", text, (uint32_t)strlen(text), 1, env->parser);
  doc_set_inert_check(doc, reuse_inert_check, env->lang);
  doc_mark_base(doc);
  return doc;
}

/* Replaces bytes [start, end) with `text`, as one batch. */
static void doc_edit(Env *env, Doc *doc, uint32_t start, uint32_t end, const char *text) {
  DocRange r;
  line_index_position(doc_lines(doc), start, LI_UTF8, &r.start_line, &r.start_character);
  line_index_position(doc_lines(doc), end, LI_UTF8, &r.end_line, &r.end_character);
  doc_apply_change(doc, &r, text, (uint32_t)strlen(text), LI_UTF8);
  doc_reparse(doc, env->parser);
}

TEST(doc_tracks_inert_edits) {
  Env env;
  env_init(&env);
  const char *src = "import tensorflow as tf\n# first note\nx = tf.constant(1)\n\"\"\"Doc.\"\"\"\n";
  Doc *doc = doc_open(&env, src);
  uint32_t pre, old_end, new_end;
  int32_t rows;
  ASSERT(doc_inert_since_base(doc, &pre, &old_end, &new_end, &rows));
  ASSERT_EQ_INT(pre, old_end);
  doc_edit(&env, doc, 26, 26, "very ");
  ASSERT(doc_inert_since_base(doc, &pre, &old_end, &new_end, &rows));
  ASSERT_EQ_INT(pre, 26);
  ASSERT_EQ_INT(old_end, 26);
  ASSERT_EQ_INT(new_end, 31);
  ASSERT_EQ_INT(rows, 0);
  /* A second inert edit widens the span; a newline in the docstring adds a row. */
  uint32_t len;
  const char *t = doc_text(doc, &len);
  uint32_t d = (uint32_t)(strstr(t, "Doc.") - t);
  doc_edit(&env, doc, d + 3, d + 3, "\nMore");
  ASSERT(doc_inert_since_base(doc, &pre, &old_end, &new_end, &rows));
  ASSERT_EQ_INT(pre, 26);
  ASSERT_EQ_INT(rows, 1);
  /* Code: no longer inert until the next base. */
  doc_edit(&env, doc, 0, 0, "import os\n");
  ASSERT(!doc_inert_since_base(doc, &pre, &old_end, &new_end, &rows));
  doc_mark_base(doc);
  ASSERT(doc_inert_since_base(doc, &pre, &old_end, &new_end, &rows));
  /* Typing a newline into a comment turns the rest of its line into code. */
  t = doc_text(doc, &len);
  uint32_t c = (uint32_t)(strstr(t, "first") - t);
  doc_edit(&env, doc, c, c, "\n");
  ASSERT(!doc_inert_since_base(doc, &pre, &old_end, &new_end, &rows));
  /* Two changes in one batch are not checked. */
  doc_mark_base(doc);
  t = doc_text(doc, &len);
  c = (uint32_t)(strstr(t, "note") - t);
  DocRange r;
  line_index_position(doc_lines(doc), c, LI_UTF8, &r.start_line, &r.start_character);
  r.end_line = r.start_line;
  r.end_character = r.start_character;
  doc_apply_change(doc, &r, "a", 1, LI_UTF8);
  doc_apply_change(doc, &r, "b", 1, LI_UTF8);
  doc_reparse(doc, env.parser);
  ASSERT(!doc_inert_since_base(doc, &pre, &old_end, &new_end, &rows));
  doc_free(doc);
  env_free(&env);
}

static AnModel *analyse_doc(Env *env, Doc *doc) {
  uint32_t len;
  const char *text = doc_text(doc, &len);
  AnConfig cfg;
  an_config_init(&cfg);
  AnSource src = {env->lang, text, len, doc_tree(doc), "/w/mod.py", NULL, 0};
  AnModel *m = an_model_build(&src, &cfg, NULL);
  ASSERT(m != NULL);
  return m;
}

/* Texts where a finding elsewhere carries the words of a comment: the first
 * line of a node quoted in a message. The comment is not inert there, and
 * must not be: its words change the finding. */
static const char *const quoting[][2] = {
    {"import tensorflow as tf\nfrom tensorflow import random as tfr\n\ntfr.set_seed(  # the global seed\n    7)\n\n\n"
     "def _drop(x):\n    return tf.nn.dropout(x, rate=0.5)\n\n\ndrop = tf.function(_drop)\n\n\n"
     "@tf.function(reduce_retracing=True)\ndef permute(x):\n    return tf.random.shuffle(x)\n\n\n"
     "batch = tf.reshape(tf.range(16.0), [4, 4])\na = drop(batch)\nb = permute(batch)\n",
     "global seed"},
};

static bool set_mentions(const AnFinding *f, uint32_t n, const char *words) {
  for (uint32_t i = 0; i < n; i++) {
    if (strstr(f[i].message, words)) return true;
    for (uint32_t k = 0; k < f[i].fix_count; k++)
      for (uint32_t e = 0; e < f[i].fixes[k].edit_count; e++)
        if (strstr(f[i].fixes[k].edits[e].text, words)) return true;
  }
  return false;
}

/* A message citing a line ("called in a loop (line 22)") is stale once a
 * docstring above that line grows a line: such findings are not moved. */
TEST(line_citations_do_not_move) {
  Env env;
  env_init(&env);
  const char *src =
      "import tensorflow as tf\n\nmodel = tf.keras.Sequential([tf.keras.layers.Dense(1)])\n"
      "optimizer = tf.keras.optimizers.Adam(1e-3)\n"
      "dataset = tf.data.Dataset.from_tensor_slices((tf.zeros([64, 4]), tf.zeros([64, 1]))).batch(8)\n\n\n"
      "def train_step(x, y):\n    \"\"\"One step.\"\"\"\n    with tf.GradientTape() as tape:\n"
      "        loss = tf.reduce_mean(tf.square(model(x, training=True) - y))\n"
      "    grads = tape.gradient(loss, model.trainable_variables)\n"
      "    optimizer.apply_gradients(zip(grads, model.trainable_variables))\n    return loss\n\n\n"
      "for epoch in range(3):\n    for x, y in dataset:\n        train_step(x, y)\n";
  Doc *doc = doc_open(&env, src);
  AnModel *m = analyse_doc(&env, doc);
  uint32_t n;
  const AnFinding *f = an_model_findings(m, &n);
  ASSERT(set_mentions(f, n, "(line 19)"));
  AnFindingSet *base = an_finding_set_new(f, n);
  an_model_free(m);
  uint32_t len;
  const char *t = doc_text(doc, &len);
  uint32_t at = (uint32_t)(strstr(t, "step.") - t);
  /* Within the line: moved as it was. */
  doc_edit(&env, doc, at, at, "training ");
  bool same_lines;
  AnFindingSet *moved = reuse_findings(base, doc, &same_lines);
  ASSERT(same_lines);
  ASSERT(moved != NULL);
  an_finding_set_free(base);
  base = moved;
  doc_mark_base(doc);
  /* A line more: refused, and the full analysis cites line 20. */
  doc_edit(&env, doc, at, at, "\n    ");
  ASSERT(reuse_findings(base, doc, &same_lines) == NULL);
  m = analyse_doc(&env, doc);
  f = an_model_findings(m, &n);
  ASSERT(set_mentions(f, n, "(line 20)"));
  an_model_free(m);
  an_finding_set_free(base);
  doc_free(doc);
  env_free(&env);
}

TEST(quoted_comments_are_not_inert) {
  Env env;
  env_init(&env);
  for (size_t i = 0; i < sizeof quoting / sizeof *quoting; i++) {
    Doc *doc = doc_open(&env, quoting[i][0]);
    AnModel *m = analyse_doc(&env, doc);
    uint32_t n;
    const AnFinding *f = an_model_findings(m, &n);
    ASSERT(set_mentions(f, n, quoting[i][1]));
    AnFindingSet *base = an_finding_set_new(f, n);
    an_model_free(m);
    uint32_t len;
    const char *t = doc_text(doc, &len);
    uint32_t at = (uint32_t)(strstr(t, quoting[i][1]) - t);
    doc_edit(&env, doc, at, at, "new ");
    bool same_lines;
    ASSERT(reuse_findings(base, doc, &same_lines) == NULL);
    m = analyse_doc(&env, doc);
    f = an_model_findings(m, &n);
    char now[64];
    snprintf(now, sizeof now, "new %s", quoting[i][1]);
    ASSERT(set_mentions(f, n, now)); /* so moving the old finding would be wrong */
    an_model_free(m);
    an_finding_set_free(base);
    doc_free(doc);
  }
  env_free(&env);
}

/* The node an inert change sits in must start and end, after the change,
 * where it did before (moved by the change): a stand-in check that calls
 * the first line inert, so only the extents decide. */
static bool first_line_is_inert(void *ctx, const TSTree *tree, const char *text, uint32_t len, uint32_t start,
                                uint32_t end, uint32_t *node_start, uint32_t *node_end) {
  (void)ctx, (void)tree, (void)start, (void)end;
  const char *nl = memchr(text, '\n', len);
  if (node_start) *node_start = 0;
  if (node_end) *node_end = nl ? (uint32_t)(nl - text) : len;
  return true;
}

TEST(inert_node_keeps_its_extent) {
  Env env;
  env_init(&env);
  Doc *doc = doc_new("file:///m.py", "x = 1\ny = 2\n", 12, 1, env.parser);
  doc_set_inert_check(doc, first_line_is_inert, NULL);
  doc_mark_base(doc);
  uint32_t pre, old_end, new_end;
  int32_t rows;
  doc_edit(&env, doc, 2, 2, "+");  /* the first line grows by what was typed: same node */
  ASSERT(doc_inert_since_base(doc, &pre, &old_end, &new_end, &rows));
  doc_edit(&env, doc, 1, 1, "\n"); /* it now ends elsewhere */
  ASSERT(!doc_inert_since_base(doc, &pre, &old_end, &new_end, &rows));
  doc_free(doc);
  env_free(&env);
}

/* --- the property test ----------------------------------------------------- */


typedef struct Stats {
  uint32_t files, edits, moved, analysed, same_lines;
} Stats;


static void expect_str(const char *what, const char *a, const char *b, const char *path) {
  if (!a || !b ? a != b : strcmp(a, b) != 0)
    TEST__FAIL("%s: moved %s \"%s\" but a full analysis gives \"%s\"", path, what, a ? a : "(null)",
               b ? b : "(null)");
}

static void expect_same_finding(const AnFinding *a, const AnFinding *b, const char *path) {
  if (a->rule != b->rule || a->severity != b->severity || a->start != b->start || a->end != b->end ||
      a->tags != b->tags || a->related_count != b->related_count || a->fix_count != b->fix_count)
    TEST__FAIL("%s: moved finding %s [%u, %u) but a full analysis gives %s [%u, %u) (%s)", path,
               an_rule_info(a->rule)->code, a->start, a->end, an_rule_info(b->rule)->code, b->start, b->end,
               b->message);
  expect_str("message", a->message, b->message, path);
  for (uint32_t k = 0; k < a->related_count; k++) {
    const AnRelated *x = &a->related[k], *y = &b->related[k];
    if (x->start != y->start || x->end != y->end || x->line != y->line || x->column != y->column)
      TEST__FAIL("%s: related location %u:%u [%u, %u) moved, full analysis %u:%u [%u, %u)", path, x->line,
                 x->column, x->start, x->end, y->line, y->column, y->start, y->end);
    expect_str("related path", x->path, y->path, path);
    expect_str("related message", x->message, y->message, path);
  }
  for (uint32_t k = 0; k < a->fix_count; k++) {
    const AnFix *x = &a->fixes[k], *y = &b->fixes[k];
    expect_str("fix title", x->title, y->title, path);
    if (x->safe != y->safe || x->edit_count != y->edit_count) TEST__FAIL("%s: fix %s differs", path, x->title);
    for (uint32_t e = 0; e < x->edit_count; e++) {
      if (x->edits[e].start != y->edits[e].start || x->edits[e].end != y->edits[e].end)
        TEST__FAIL("%s: fix %s edit [%u, %u) moved, full analysis [%u, %u)", path, x->title, x->edits[e].start,
                   x->edits[e].end, y->edits[e].start, y->edits[e].end);
      expect_str("fix text", x->edits[e].text, y->edits[e].text, path);
    }
  }
}

static void expect_same(const AnFindingSet *moved, const AnModel *full, const char *path) {
  uint32_t na, nb;
  const AnFinding *a = an_finding_set_items(moved, &na);
  const AnFinding *b = an_model_findings(full, &nb);
  if (na != nb) TEST__FAIL("%s: %u findings moved but a full analysis gives %u", path, na, nb);
  for (uint32_t i = 0; i < na; i++) expect_same_finding(&a[i], &b[i], path);
}

/* Comments and docstring contents of the document's tree: where to type. */
typedef struct Spots {
  uint32_t start[512], end[512];
  uint32_t n;
} Spots;

static void find_spots(Env *env, Doc *doc, Spots *s) {
  s->n = 0;
  TSTreeCursor c = ts_tree_cursor_new(ts_tree_root_node(doc_tree(doc)));
  for (bool down = true;;) {
    if (down && ts_tree_cursor_goto_first_child(&c)) {
    } else if (ts_tree_cursor_goto_next_sibling(&c)) {
    } else {
      if (!ts_tree_cursor_goto_parent(&c)) break;
      down = false;
      continue;
    }
    down = true;
    TSNode n = ts_tree_cursor_current_node(&c);
    AnSym sym = an_sym(env->lang, n);
    if ((sym == AN_SYM_comment || sym == AN_SYM_string_content) && s->n < 512) {
      s->start[s->n] = ts_node_start_byte(n) + (sym == AN_SYM_comment);
      s->end[s->n++] = ts_node_end_byte(n);
    }
  }
  ts_tree_cursor_delete(&c);
}

static const char *const palette[] = {"x",  "abc ", " ",   "noqa", "hybridls: ignore", "\"", "'", "\\", "\n",
                                      "#",  "\"\"\"", "\xc3\xa9", "tf.function", "\t", "):", "{x}"};

/* One random edit: mostly inside a comment or docstring, sometimes across
 * its end, now and then anywhere. */
static void random_edit(Env *env, Doc *doc, Prng *p) {
  Spots s;
  find_spots(env, doc, &s);
  uint32_t len;
  doc_text(doc, &len);
  uint32_t at;
  if (s.n && prng_below(p, 10) < 9) {
    uint32_t k = prng_below(p, s.n);
    at = s.start[k] + prng_below(p, s.end[k] - s.start[k] + 1);
  } else {
    at = prng_below(p, len + 1);
  }
  uint32_t del = prng_below(p, 3) == 0 ? 1 + prng_below(p, 6) : 0;
  if (at + del > len) del = len - at;
  const char *ins = prng_below(p, 4) == 0 && del ? "" : palette[prng_below(p, sizeof palette / sizeof *palette)];
  /* Keep UTF-8 whole: move off continuation bytes. */
  const char *t = doc_text(doc, &len);
  while (at < len && ((unsigned char)t[at] & 0xC0) == 0x80) at++;
  while (at + del < len && ((unsigned char)t[at + del] & 0xC0) == 0x80) del++;
  doc_edit(env, doc, at, at + del, ins);
}


static void run_file(Env *env, const char *path, uint64_t seed, Stats *st) {
  char *file = test_read_file(path);
  /* A module docstring first: typing a line break into it moves every
   * finding below, including those whose messages cite line numbers. */
  static const char head[] = "\"\"\"Module docstring.\"\"\"\n";
  size_t flen = strlen(file);
  char *text = malloc(sizeof head + flen);
  ASSERT(text != NULL);
  memcpy(text, head, sizeof head - 1);
  memcpy(text + sizeof head - 1, file, flen + 1);
  free(file);
  Doc *doc = doc_new("file:///w/mod.py", text, (uint32_t)strlen(text), 1, env->parser);
  free(text);
  doc_set_inert_check(doc, reuse_inert_check, env->lang);
  AnModel *m = analyse_doc(env, doc);
  uint32_t n;
  const AnFinding *f = an_model_findings(m, &n);
  AnFindingSet *base = an_finding_set_new(f, n);
  ASSERT(base != NULL);
  an_model_free(m);
  doc_mark_base(doc);
  Prng p = {seed};
  st->files++;
  for (int i = 0; i < 12; i++) {
    uint32_t nb;
    const AnFinding *fb = an_finding_set_items(base, &nb);
    json_t *before = diagnostics_from_findings(fb, nb, doc, LI_UTF16, true);
    if (i == 0) doc_edit(env, doc, 9, 9, "\n"); /* inside the module docstring */
    else random_edit(env, doc, &p);
    st->edits++;
    bool same_lines;
    AnFindingSet *moved = reuse_findings(base, doc, &same_lines);
    AnModel *full = analyse_doc(env, doc);
    if (moved) {
      expect_same(moved, full, path);
      /* The server then publishes the diagnostics it had. */
      uint32_t nm;
      const AnFinding *fm = an_finding_set_items(moved, &nm);
      json_t *after = diagnostics_from_findings(fm, nm, doc, LI_UTF16, true);
      if (same_lines && !json_equal(before, after)) TEST__FAIL("%s: same lines but other diagnostics", path);
      st->same_lines += same_lines;
      json_decref(after);
      st->moved++;
      an_finding_set_free(base);
      base = moved;
    } else {
      st->analysed++;
      an_finding_set_free(base);
      f = an_model_findings(full, &n);
      base = an_finding_set_new(f, n);
      ASSERT(base != NULL);
    }
    an_model_free(full);
    json_decref(before);
    doc_mark_base(doc);
  }
  an_finding_set_free(base);
  doc_free(doc);
}

/* Every .py file under `dir`, depth first, without recursion. */
static void run_tree(Env *env, const char *dir, Stats *st) {
  char *stack[256];
  int top = 0;
  stack[top++] = strdup(dir);
  uint64_t seed = 0x9e3779b97f4a7c15ull;
  while (top) {
    char *d = stack[--top];
    DIR *h = opendir(d);
    ASSERT(h != NULL);
    for (struct dirent *e; (e = readdir(h)) != NULL;) {
      if (e->d_name[0] == '.') continue;
      char path[1024];
      snprintf(path, sizeof path, "%s/%s", d, e->d_name);
      struct stat sb;
      if (stat(path, &sb) != 0) continue;
      size_t nl = strlen(e->d_name);
      if (S_ISDIR(sb.st_mode) && top < 256) stack[top++] = strdup(path);
      else if (nl > 3 && strcmp(e->d_name + nl - 3, ".py") == 0) run_file(env, path, seed += 0x2545f491, st);
    }
    closedir(h);
    free(d);
  }
}

TEST(moved_findings_equal_full_analyses) {
  Env env;
  env_init(&env);
  Stats st = {0};
  run_tree(&env, "tests/fixtures", &st);
  run_tree(&env, "tests/corpus", &st);
  run_tree(&env, "examples", &st);
  printf("  %u files, %u edits: findings moved %u times (%u within lines), analysed %u times\n", st.files,
         st.edits, st.moved, st.same_lines, st.analysed);
  fflush(stdout);
  ASSERT(st.files > 500);
  /* Most edits land in comments and docstrings: the test must exercise the
   * moves, and the refusals too. */
  ASSERT(st.moved > st.edits / 4);
  ASSERT(st.analysed > st.edits / 10);
  ASSERT(st.same_lines > st.moved / 4);
  env_free(&env);
}

TEST_MAIN(inert_spans, sets_move_and_refuse, doc_tracks_inert_edits, inert_node_keeps_its_extent, line_citations_do_not_move,
          quoted_comments_are_not_inert,
          moved_findings_equal_full_analyses)
