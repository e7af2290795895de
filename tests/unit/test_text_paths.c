/* The analysis reads some syntax off the source text instead of asking
 * tree-sitter, whose field and child lookups cost hundreds of instructions
 * each: plain attribute chains (an_plain_chain) and expressions the walk
 * steps over because their text shows nothing it records (collect.c).
 * Both must agree with the tree on every input; these tests hold them to
 * it on constructs chosen to trip a text reading.
 *
 * plain_chain_matches_tree: for every attribute node of the samples, a
 * chain an_plain_chain accepts is exactly the one the `object` and
 * `attribute` fields give, and the cases that must fall back to the tree
 * (None/True/False heads, floats, whitespace, comments, parentheses,
 * non-ASCII bytes, parse errors) do.
 *
 * int_literal_reads_decimal: an_int_literal reads decimal literals of up
 * to six digits, negated or in parentheses, and refuses every other form.
 *
 * walk_records_every_construct: every call, lambda, comment, comparison,
 * splat, yield and walrus of the samples, wherever it hides inside the
 * expressions the walk may step over, has its record.
 */
#include <stdio.h>
#include <string.h>

#include "analysis/model.h"
#include "server/lang.h"
#include "test.h"

typedef struct Parsed {
  AnLang *lang;
  TSParser *parser;
  TSTree *tree;
} Parsed;

static Parsed parse(const char *text) {
  Parsed p;
  char err[128];
  p.lang = an_lang_new(hl_python_language(), err, sizeof err);
  ASSERT(p.lang != NULL);
  p.parser = ts_parser_new();
  ts_parser_set_language(p.parser, hl_python_language());
  p.tree = ts_parser_parse_string(p.parser, NULL, text, (uint32_t)strlen(text));
  ASSERT(p.tree != NULL);
  return p;
}

static void parsed_free(Parsed *p) {
  ts_tree_delete(p->tree);
  ts_parser_delete(p->parser);
  an_lang_free(p->lang);
}

/* The chain the fields give: identifier texts joined by dots and the
 * number of links, or false when some link is not a name. */
static bool tree_chain(const AnLang *l, const char *src, TSNode n, char *out, size_t cap, uint32_t *links) {
  TSNode names[128];
  uint32_t k = 0;
  while (an_sym(l, n) == AN_SYM_attribute) {
    TSNode attr = an_field(l, n, AN_FIELD_attribute);
    if (ts_node_is_null(attr) || an_sym(l, attr) != AN_SYM_identifier || k == 127) return false;
    names[k++] = attr;
    n = an_field(l, n, AN_FIELD_object);
  }
  if (an_sym(l, n) != AN_SYM_identifier) return false;
  names[k] = n;
  size_t len = 0;
  for (uint32_t i = k + 1; i-- > 0;) {
    uint32_t tl;
    const char *t = an_text(src, names[i], &tl);
    if (len + tl + 2 > cap) return false;
    if (i != k) out[len++] = '.';
    memcpy(out + len, t, tl);
    len += tl;
  }
  out[len] = '\0';
  *links = k;
  return true;
}

typedef struct ChainCheck {
  const AnLang *lang;
  const char *src;
  uint32_t accepted;
} ChainCheck;

static bool check_chain(TSNode n, void *ctx) {
  ChainCheck *c = ctx;
  uint32_t dots;
  if (an_sym(c->lang, n) != AN_SYM_attribute || !an_plain_chain(c->src, n, &dots)) return true;
  char joined[512];
  uint32_t links = 0, len;
  const char *t = an_text(c->src, n, &len);
  ASSERT(tree_chain(c->lang, c->src, n, joined, sizeof joined, &links));
  ASSERT_EQ_MEM(joined, strlen(joined), t, len);
  ASSERT_EQ_INT(links, dots);
  c->accepted++;
  return true;
}

/* an_plain_chain of the attribute starting at byte `at` of `text`
 * (the outermost one there), with its links in *dots; false when there is
 * none. */
static bool chain_at(const char *text, uint32_t at, uint32_t *dots) {
  Parsed p = parse(text);
  TSNode n = ts_node_descendant_for_byte_range(ts_tree_root_node(p.tree), at, at);
  while (!ts_node_is_null(n) && an_sym(p.lang, ts_node_parent(n)) == AN_SYM_attribute &&
         ts_node_start_byte(ts_node_parent(n)) == at)
    n = ts_node_parent(n);
  /* Error recovery may leave no attribute there: no chain either. */
  bool ok = an_sym(p.lang, n) == AN_SYM_attribute && an_plain_chain(text, n, dots);
  parsed_free(&p);
  return ok;
}

TEST(plain_chain_matches_tree) {
  static const char *samples[] = {
      "import tensorflow as tf\ny = tf.nn.relu(x)\nz = tf.compat.v1.layers.dense(y, 3)\n",
      "a = None.x\nb = x.None\nc = True.real\nd = 1.5.hex()\ne = x.y.z.w\n",
      "a = tf .nn.relu\nb = tf. nn\nc = (tf).nn\nd = (tf.nn).relu\n",
      "a = (tf.  # comment\n     nn.relu)\nb = tf.\\\n    nn\n",
      "a = tf\xc2\xa0.nn\nb = \xd1\x82\xd1\x84.nn\nc = x.print.exec.match.type\n",
      "a = tf.\nb = a.if.b\nc = x..y\ndef f(:\n    return q.r.s\n",
      "a = self.layers[0].kernel\nb = f(x).numpy\nc = x.y(z).w\nd = 'a.b'.upper\n",
  };
  uint32_t accepted = 0;
  for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
    Parsed p = parse(samples[i]);
    ChainCheck c = {p.lang, samples[i], 0};
    an_walk(ts_tree_root_node(p.tree), check_chain, &c);
    accepted += c.accepted;
    parsed_free(&p);
  }
  ASSERT(accepted >= 8);
  uint32_t dots = 0;
  ASSERT(chain_at("y = tf.nn.relu(x)\n", 4, &dots));
  ASSERT_EQ_INT(dots, 2);
  ASSERT(chain_at("b = x.None\n", 4, &dots));
  ASSERT_EQ_INT(dots, 1);
  ASSERT(!chain_at("a = None.x\n", 4, &dots));   /* a none node, not a name */
  ASSERT(!chain_at("a = False.x\n", 4, &dots));
  ASSERT(!chain_at("d = 1.5.hex()\n", 4, &dots)); /* a float's attribute */
  ASSERT(!chain_at("a = tf .nn\n", 4, &dots));
  ASSERT(!chain_at("a = tf\xc2\xa0.nn\n", 4, &dots)); /* U+00A0 is whitespace to the grammar */
  ASSERT(!chain_at("a = \xd1\x82\xd1\x84.nn\n", 4, &dots));
  ASSERT(!chain_at("c = x..y\n", 4, &dots));      /* a parse error */
  ASSERT(!chain_at("c = (tf).nn\n", 4, &dots));
  /* A keyword after a dot is a name to the grammar (and to the text). */
  ASSERT(chain_at("b = a.if.b\n", 4, &dots));
  ASSERT_EQ_INT(dots, 2);
}

typedef struct Count {
  const AnLang *lang;
  uint32_t calls, funcs, comments, compares, splats, yields, walrus;
} Count;

/* Counts the constructs the walk records, everywhere but inside strings
 * (which the walk does not enter). */
static bool count_visit(TSNode n, void *ctx) {
  Count *c = ctx;
  switch (an_sym(c->lang, n)) {
  case AN_SYM_string:
    return false;
  case AN_SYM_call: c->calls++; break;
  case AN_SYM_lambda:
  case AN_SYM_function_definition: c->funcs++; break;
  case AN_SYM_comment: c->comments++; break;
  case AN_SYM_comparison_operator: c->compares++; break;
  case AN_SYM_list_splat: c->splats++; break;
  case AN_SYM_yield: c->yields++; break;
  case AN_SYM_named_expression: c->walrus++; break;
  default: break;
  }
  return true;
}

static uint32_t sites_of(const AnModel *m, AnSiteKind kind) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < m->sites.count; i++) n += AN_VEC_AT(m->sites, AnSite, i).kind == kind;
  return n;
}

TEST(int_literal_reads_decimal) {
  static const struct {
    const char *expr;
    bool ok;
    int value;
  } cases[] = {
      {"42", true, 42},     {"(7)", true, 7},        {"-3", true, -3},       {"- (8)", true, -8},
      {"1_000", true, 1000}, {"999999", true, 999999}, {"1234567", false, 0}, {"0x10", false, 0},
      {"+5", false, 0},     {"3.0", false, 0},       {"~2", false, 0},       {"n", false, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char text[64];
    snprintf(text, sizeof text, "v = %s\n", cases[i].expr);
    Parsed p = parse(text);
    TSNode st = ts_node_named_child(ts_tree_root_node(p.tree), 0);
    TSNode right = an_field(p.lang, ts_node_named_child(st, 0), AN_FIELD_right);
    int v = -1;
    ASSERT_EQ_INT(an_int_literal(p.lang, text, right, &v), cases[i].ok);
    if (cases[i].ok) ASSERT_EQ_INT(v, cases[i].value);
    parsed_free(&p);
  }
}

TEST(walk_records_every_construct) {
  static const char *samples[] = {
      "import tensorflow as tf\n"
      "@tf.function\n"
      "def f(x, y=g(1), z=lambda q: q, *a, **k):\n"
      "    a = h(x, axis=k(2), w=[m(3)], v={'a': n(4)}, u=(o(5), 1), t=p(6) + 1)\n"
      "    b = x[s(1):e(2)], -r(3), not t(4), c(5) or d(6), a if u(7) else b\n"
      "    c = {x: y(1) for x in z}, [w for w in v], {1, q(2)}, (x < 1, y == 2, z in w, x is y)\n"
      "    d = f(*a), [*b], g(  # a comment inside\n        x)\n"
      "    e = (yield x), (n := 3), [1, (m := 4)]\n"
      "    return h(x), lambda: 1, (x > 2), [y for y in x]\n",
      "import tensorflow as tf\n"
      "@tf.function(jit_compile=bool(1))\n"
      "def g(x, y=1, z='(a < b)'):\n"
      "    return x.shape[0], y + 1, f'{x(1)}', {'k': v(2)}\n"
      "k = lambda a=b(1), *c: c\n"
      "m = tf.nn.relu(tf.constant([1.0, 2.0]) * 2, name='x')\n",
  };
  for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
    Parsed p = parse(samples[i]);
    Count c = {.lang = p.lang};
    an_walk(ts_tree_root_node(p.tree), count_visit, &c);
    AnConfig cfg;
    an_config_init(&cfg);
    AnSource src = {.lang = p.lang, .text = samples[i], .length = (uint32_t)strlen(samples[i]),
                    .tree = p.tree, .path = "t.py"};
    AnModel *m = an_model_build(&src, &cfg, NULL);
    ASSERT(m != NULL);
    ASSERT(c.calls >= 5);
    ASSERT_EQ_INT(m->calls.count, c.calls);
    ASSERT_EQ_INT(m->funcs.count, c.funcs);
    ASSERT_EQ_INT(m->comments.count, c.comments);
    ASSERT_EQ_INT(sites_of(m, AN_SITE_COMPARE), c.compares);
    ASSERT_EQ_INT(sites_of(m, AN_SITE_SPLAT), c.splats);
    ASSERT_EQ_INT(sites_of(m, AN_SITE_YIELD), c.yields);
    uint32_t walrus = 0;
    for (uint32_t b = 0; b < m->bindings.count; b++) {
      const AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, b);
      walrus += strcmp(bd->name, "n") == 0 || strcmp(bd->name, "m") == 0;
    }
    ASSERT(walrus >= c.walrus);
    /* Each call's record is found from its node. */
    for (uint32_t k = 0; k < m->calls.count; k++) {
      AnCall *call = &AN_VEC_AT(m->calls, AnCall, k);
      ASSERT(an_call_record(m, call->node) == call);
    }
    an_model_free(m);
    parsed_free(&p);
  }
}

TEST_MAIN(plain_chain_matches_tree, int_literal_reads_decimal, walk_records_every_construct)
