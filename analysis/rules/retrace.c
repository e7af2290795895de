/* Performance: graphs that are never reused. HY101 varying Python scalars
 * passed to a hybrid function, HY105 tf.function created in a loop, HY106
 * tf.function created inside a repeatedly called function, HY107
 * tf.function(f)(x), HY114 missing input_signature. */
#include <string.h>

#include "analysis/rules/retrace.h"

static bool retrace__hybrid(const AnFunc *f) { return f->via == AN_VIA_DECORATOR || f->via == AN_VIA_CALL; }

static uint32_t retrace__loops_slow(AnModel *m, TSNode node, int func, TSNode *out, uint32_t cap);

/* The loops around `node` inside function `func` (innermost first). */
uint32_t an_retrace_loops(AnModel *m, TSNode node, int func, TSNode *out, uint32_t cap) {
  TSNode path[AN_MAX_ANCESTORS];
  int depth = an_ancestors(m, node, func, path, AN_MAX_ANCESTORS);
  if (depth < 0) return retrace__loops_slow(m, node, func, out, cap);
  uint32_t n = 0;
  TSNode child = node;
  for (int i = depth - 1; i >= 0 && n < cap; child = path[i--]) {
    TSNode p = path[i];
    AnSym s = an_sym(m->lang, p);
    if (s == AN_SYM_function_definition || s == AN_SYM_lambda || s == AN_SYM_class_definition) break;
    /* The body of a for/while is its only block child (else bodies sit in
     * an else_clause): the field lookup is only needed to confirm. */
    if ((s == AN_SYM_for_statement || s == AN_SYM_while_statement) && an_sym(m->lang, child) == AN_SYM_block &&
        ts_node_eq(an_field(m->lang, p, AN_FIELD_body), child))
      out[n++] = p;
  }
  return n;
}

/* an_retrace_loops by ts_node_parent, for paths too deep to store. */
static uint32_t retrace__loops_slow(AnModel *m, TSNode node, int func, TSNode *out, uint32_t cap) {
  uint32_t n = 0;
  TSNode child = node;
  TSNode fn = func >= 0 ? AN_FUNC(m, func)->node : m->root;
  for (TSNode p = ts_node_parent(node); !ts_node_is_null(p) && n < cap; child = p, p = ts_node_parent(p)) {
    if (ts_node_eq(p, fn)) break;
    AnSym s = an_sym(m->lang, p);
    if (s == AN_SYM_function_definition || s == AN_SYM_lambda || s == AN_SYM_class_definition) break;
    if ((s == AN_SYM_for_statement || s == AN_SYM_while_statement) &&
        ts_node_eq(an_field(m->lang, p, AN_FIELD_body), child))
      out[n++] = p;
  }
  return n;
}

/* True when `arg` mentions a name that changes from one iteration of `loop`
 * to the next: a for-target, or a name (re)assigned inside the loop body. */
typedef struct TargetScan {
  AnModel *m;
  TSNode arg;
  const char *found;
} TargetScan;

static bool retrace__target_visit(TSNode n, void *ctx) {
  TargetScan *t = ctx;
  if (t->found) return false;
  if (an_sym(t->m->lang, n) != AN_SYM_identifier) return true;
  uint32_t len;
  const char *name = an_text(t->m->src, n, &len);
  if (an_mentions(t->m, t->arg, name, len)) t->found = an_arena_strndup(&t->m->arena, name, len);
  return false;
}

/* The name a site (re)assigns inside `body` when `arg` mentions it. */
static const char *retrace__assigned_in(AnModel *m, const AnSite *s, TSNode body, TSNode arg) {
  if (s->kind != AN_SITE_ASSIGN || !an_node_within(s->node, body)) return NULL;
  TSNode left = an_field(m->lang, s->node, AN_FIELD_left);
  if (an_sym(m->lang, left) != AN_SYM_identifier) return NULL;
  uint32_t len;
  const char *t = an_text(m->src, left, &len);
  return an_mentions(m, arg, t, len) ? an_arena_strndup(&m->arena, t, len) : NULL;
}

const char *an_retrace_varying_name(AnModel *m, TSNode arg, TSNode loop, int func) {
  if (an_sym(m->lang, loop) == AN_SYM_for_statement) {
    TargetScan t = {m, arg, NULL};
    an_walk(an_field(m->lang, loop, AN_FIELD_left), retrace__target_visit, &t);
    if (t.found) return t.found;
  }
  TSNode body = an_field(m->lang, loop, AN_FIELD_body);
  const char *name = NULL;
  if (func < 0) {
    /* Module level: its sites are not grouped by function. */
    for (uint32_t i = 0; i < m->sites.count && !name; i++) {
      AnSite *s = &AN_VEC_AT(m->sites, AnSite, i);
      if (s->ctx.func == func) name = retrace__assigned_in(m, s, body, arg);
    }
    return name;
  }
  AN_FOR_SITES_OF(m, func, s) {
    if (!name) name = retrace__assigned_in(m, s, body, arg);
  }
  return name;
}

/* --- what HY101-HY103 share, computed once per model ------------------- */

/* The expressions of a function that choose its graph structure: `if`
 * conditions, range() arguments, dtype= and shape= values, the shape
 * argument of reshape/zeros/fill/... given by position. The first `conds`
 * nodes are the conditions. */
typedef struct Structure {
  TSNode *nodes;
  uint32_t count;
  uint32_t conds;
  bool built;
} Structure;

typedef struct AnRetraceCache {
  AnRetraceCall *calls;
  uint32_t call_count;
  bool calls_built;
  Structure *structure; /* per function */
  /* HY106: (loop start byte, name) -> 1 when the loop changes the name's
   * object in place; (loop start byte, "") -> 1 once the loop is scanned. */
  AnHash loop_state;
} AnRetraceCache;

static AnRetraceCache *retrace__cache(AnModel *m) {
  if (!m->retrace) {
    m->retrace = an_arena_alloc(&m->arena, sizeof *m->retrace);
    if (m->retrace) m->retrace->structure = an_arena_alloc(&m->arena, sizeof(Structure) * (m->funcs.count + 1));
    if (m->retrace && !m->retrace->structure) m->retrace = NULL;
  }
  return m->retrace;
}

static void retrace__push(AnModel *m, AnVec *v, TSNode n) {
  TSNode *slot = an_vec_push(&m->arena, v, sizeof n);
  if (slot) *slot = n;
}

/* TensorFlow ops whose positional argument `pos` is a shape. */
static const struct {
  const char *op;
  uint32_t pos;
} retrace__shape_args[] = {
    {"tensorflow.reshape", 1},        {"tensorflow.broadcast_to", 1},  {"tensorflow.zeros", 0},
    {"tensorflow.ones", 0},           {"tensorflow.fill", 0},          {"tensorflow.random.normal", 0},
    {"tensorflow.random.uniform", 0}, {"tensorflow.eye", 0},           {"tensorflow.image.resize", 1},
    {"tensorflow.random.truncated_normal", 0}, {"tensorflow.random.stateless_uniform", 0},
    {"tensorflow.random.stateless_normal", 0}, {"tensorflow.random.stateless_truncated_normal", 0},
};

/* tf.random.Generator methods whose first argument is the shape. */
static const char *const retrace__generator_draws[] = {"uniform", "normal", "truncated_normal", "binomial",
                                                       "uniform_full_int", NULL};

/* `name` is bound only to tf.random.Generator objects (in `func`'s scopes
 * or at module level). */
static bool retrace__generator_name(AnModel *m, TSNode name, int func) {
  uint32_t len;
  const char *t = an_text(m->src, name, &len);
  for (int scope = func;; scope = AN_FUNC(m, scope)->parent) {
    int b = an_hash_get(&m->binding_map, scope >= 0 ? scope : AN_SCOPE_MODULE, t, len);
    if (b >= 0) {
      for (; b >= 0; b = AN_VEC_AT(m->bindings, AnBinding, b).next) {
        const AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, b);
        if (bd->from_for || bd->from_unpack || ts_node_is_null(bd->value)) return false;
        TSNode v = an_unparen(m->lang, bd->value);
        if (an_sym(m->lang, v) != AN_SYM_call) return false;
        const char *d = an_dotted(m, an_field(m->lang, v, AN_FIELD_function), bd->scope >= 0 ? bd->scope : -1);
        if (!d || !an_dotted_has_prefix(d, "tensorflow.random.Generator")) return false;
      }
      return true;
    }
    if (scope < 0) return false;
    const AnFunc *f = AN_FUNC(m, scope);
    for (uint32_t i = 0; i < f->param_count; i++)
      if (strlen(f->params[i].name) == len && memcmp(f->params[i].name, t, len) == 0) return false;
  }
}

static void retrace__shape_arg(AnModel *m, AnVec *v, const AnCall *c) {
  for (size_t i = 0; c->dotted && i < sizeof retrace__shape_args / sizeof retrace__shape_args[0]; i++) {
    if (strcmp(c->dotted, retrace__shape_args[i].op) != 0) continue;
    TSNode a = an_call_arg(m->lang, c->node, retrace__shape_args[i].pos);
    if (!ts_node_is_null(a)) retrace__push(m, v, a);
    return;
  }
  /* `gen.uniform([n, 2])` on a tf.random.Generator. */
  if (an_sym(m->lang, c->fn) != AN_SYM_attribute || ts_node_is_null(c->object) ||
      an_sym(m->lang, c->object) != AN_SYM_identifier)
    return;
  TSNode attr = an_field(m->lang, c->fn, AN_FIELD_attribute);
  for (int i = 0; retrace__generator_draws[i]; i++) {
    if (!an_text_eq(m->src, attr, retrace__generator_draws[i])) continue;
    TSNode a = an_call_arg(m->lang, c->node, 0);
    if (ts_node_is_null(a)) a = an_call_kwarg(m->lang, m->src, c->node, "shape");
    if (!ts_node_is_null(a) && retrace__generator_name(m, c->object, c->ctx.func)) retrace__push(m, v, a);
    return;
  }
}

static void retrace__structure_build(AnModel *m, int callee, Structure *st) {
  AnVec v = {0};
  AN_FOR_SITES_OF(m, callee, s) {
    if (s->kind == AN_SITE_IF) retrace__push(m, &v, an_field(m->lang, s->node, AN_FIELD_condition));
  }
  st->conds = v.count;
  AN_FOR_CALLS_OF(m, callee, c) {
    retrace__shape_arg(m, &v, c);
    if (!c->dotted) continue;
    if (strcmp(c->dotted, "builtins.range") == 0) retrace__push(m, &v, an_field(m->lang, c->node, AN_FIELD_arguments));
    TSNode args = an_field(m->lang, c->node, AN_FIELD_arguments);
    if (an_sym(m->lang, args) != AN_SYM_argument_list) continue;
    /* dtype= and shape= in one pass over the arguments (an_call_kwarg
     * would make one per name). */
    uint32_t n = ts_node_named_child_count(args);
    bool dtype = false, shape = false; /* the first of each, as an_call_kwarg */
    for (uint32_t i = 0; i < n && !(dtype && shape); i++) {
      TSNode a = ts_node_named_child(args, i);
      if (an_sym(m->lang, a) != AN_SYM_keyword_argument) continue;
      TSNode k = an_field(m->lang, a, AN_FIELD_name);
      if (ts_node_is_null(k)) continue;
      bool is_dtype = !dtype && an_text_eq(m->src, k, "dtype"), is_shape = !shape && an_text_eq(m->src, k, "shape");
      if (!is_dtype && !is_shape) continue;
      dtype |= is_dtype;
      shape |= is_shape;
      retrace__push(m, &v, an_field(m->lang, a, AN_FIELD_value));
    }
  }
  st->nodes = v.items;
  st->count = v.count;
  st->built = true;
}

#define RETRACE_STRUCTURE_DEPTH 4

typedef struct RetraceBranch {
  AnModel *m;
  int func;
  TSNode cond;
  const char *name;
  uint32_t len;
  bool chooses;
} RetraceBranch;

/* An occurrence of the parameter inside a condition feeds a tensor when
 * an enclosing part of the condition is one (`s > threshold` with `s` a
 * tensor): AutoGraph then makes the `if` a tf.cond and the value is only a
 * constant in its predicate, so every value builds the same graph. `and`,
 * `or`, `not` and `a if c else b` evaluate a Python operand in Python and
 * may short-circuit, so they stop the climb. */
static bool retrace__feeds_tensor(RetraceBranch *r, TSNode id) {
  AnModel *m = r->m;
  for (TSNode n = id; !ts_node_eq(n, r->cond);) {
    n = an_parent(m, n, r->func);
    if (ts_node_is_null(n)) return false;
    AnSym s = an_sym(m->lang, n);
    if (s == AN_SYM_boolean_operator || s == AN_SYM_not_operator || s == AN_SYM_conditional_expression ||
        s == AN_SYM_lambda)
      return false;
    if ((s == AN_SYM_comparison_operator || s == AN_SYM_binary_operator || s == AN_SYM_call) &&
        an_kind_is_tensor(an_kind_of(m, n, r->func)))
      return true;
  }
  return false;
}

static bool retrace__branch_visit(TSNode n, void *ctx) {
  RetraceBranch *r = ctx;
  if (r->chooses) return false;
  if (an_sym(r->m->lang, n) != AN_SYM_identifier) return true;
  uint32_t len;
  const char *t = an_text(r->m->src, n, &len);
  if (len == r->len && memcmp(t, r->name, len) == 0 && !retrace__feeds_tensor(r, n)) r->chooses = true;
  return false;
}

/* The parameter decides which way condition `cond` goes in Python: some
 * occurrence of it does not only feed a tensor. */
static bool retrace__chooses_branch(AnModel *m, int func, TSNode cond, const char *name, uint32_t len) {
  RetraceBranch r = {m, func, cond, name, len, false};
  an_walk_named(cond, retrace__branch_visit, &r);
  return r.chooses;
}

static bool retrace__structural(AnModel *m, int callee, const char *name, int depth);

/* `callee` hands the parameter on as it is (`adapt(x, steps)`) to a
 * function of this module that uses it to choose graph structure. */
static bool retrace__structural_passed(AnModel *m, int callee, const char *name, int depth) {
  AN_FOR_CALLS_OF(m, callee, c) {
    if (c->callee < 0 || c->callee == callee) continue;
    TSNode args = an_field(m->lang, c->node, AN_FIELD_arguments);
    uint32_t n = ts_node_is_null(args) ? 0 : ts_node_named_child_count(args), pos = 0;
    AnHybridCallee h = {c->callee, NULL, NULL, false};
    for (uint32_t i = 0; i < n; i++) {
      TSNode a = ts_node_named_child(args, i);
      AnSym s = an_sym(m->lang, a);
      if (s == AN_SYM_comment || s == AN_SYM_list_splat || s == AN_SYM_dictionary_splat) continue;
      bool kw = s == AN_SYM_keyword_argument;
      TSNode v = an_unparen(m->lang, kw ? an_field(m->lang, a, AN_FIELD_value) : a);
      uint32_t at = kw ? 0 : pos++;
      if (an_sym(m->lang, v) != AN_SYM_identifier || !an_text_eq(m->src, v, name)) continue;
      const char *p = an_retrace_param_name(m, &h, c, a, at);
      if (p && retrace__structural(m, c->callee, p, depth + 1)) return true;
    }
  }
  return false;
}

static bool retrace__structural(AnModel *m, int callee, const char *name, int depth) {
  AnRetraceCache *cache = retrace__cache(m);
  if (!cache || depth > RETRACE_STRUCTURE_DEPTH) return false;
  Structure *st = &cache->structure[callee];
  if (!st->built) retrace__structure_build(m, callee, st);
  uint32_t len = (uint32_t)strlen(name);
  for (uint32_t i = 0; i < st->count; i++) {
    if (i < st->conds ? retrace__chooses_branch(m, callee, st->nodes[i], name, len)
                      : an_mentions(m, st->nodes[i], name, len))
      return true;
  }
  return retrace__structural_passed(m, callee, name, depth);
}

/* The callee uses the parameter to choose graph structure (`if p:`,
 * `range(p)`), itself or through the functions it passes it to: retracing
 * per value is then intended. */
bool an_retrace_structural_param(AnModel *m, int callee, const char *name) {
  return retrace__structural(m, callee, name, 0);
}

/* The arguments of a call with the parameters they bind to. */
static void retrace__args(AnModel *m, AnRetraceCall *rc) {
  const AnCall *c = rc->call;
  TSNode args = an_field(m->lang, c->node, AN_FIELD_arguments);
  uint32_t n = ts_node_is_null(args) ? 0 : ts_node_named_child_count(args), pos = 0;
  rc->args = n ? an_arena_alloc(&m->arena, sizeof *rc->args * n) : NULL;
  if (!rc->args) return;
  for (uint32_t i = 0; i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    AnSym s = an_sym(m->lang, a);
    if (s == AN_SYM_comment || s == AN_SYM_list_splat || s == AN_SYM_dictionary_splat) continue;
    bool kw = s == AN_SYM_keyword_argument;
    AnRetraceArg *ra = &rc->args[rc->arg_count++];
    ra->arg = a;
    ra->param = an_retrace_param_name(m, &rc->callee, c, a, kw ? 0 : pos);
    if (!kw) pos++;
    ra->value = kw ? an_field(m->lang, a, AN_FIELD_value) : a;
  }
}

const AnRetraceCall *an_retrace_calls(AnModel *m, uint32_t *count) {
  *count = 0;
  AnRetraceCache *cache = retrace__cache(m);
  if (!cache) return NULL;
  if (!cache->calls_built) {
    AnVec v = {0};
    for (uint32_t i = 0; i < m->calls.count; i++) {
      AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
      AnHybridCallee h;
      if (an_in_graph(m, c->ctx.func) || !an_retrace_callee(m, c, &h) || h.has_signature) continue;
      AnRetraceCall *rc = an_vec_push(&m->arena, &v, sizeof *rc);
      if (!rc) return NULL;
      rc->call = c;
      rc->callee = h;
      retrace__args(m, rc);
      if (c->ctx.loop_depth) rc->loop_count = an_retrace_loops(m, c->node, c->ctx.func, rc->loops, AN_RETRACE_MAX_LOOPS);
    }
    cache->calls = v.items;
    cache->call_count = v.count;
    cache->calls_built = true;
  }
  *count = cache->call_count;
  return cache->calls;
}

bool an_retrace_callee(AnModel *m, const AnCall *c, AnHybridCallee *out) {
  memset(out, 0, sizeof *out);
  out->local = -1;
  if (c->callee >= 0) {
    AnFunc *f = AN_FUNC(m, c->callee);
    if (!retrace__hybrid(f)) return false;
    out->local = c->callee;
    out->name = f->qualname;
    out->has_signature = !ts_node_is_null(f->tf.input_signature);
    return true;
  }
  if (!c->dotted || !m->index) return false;
  const AnIndexFunction *x = an_index_lookup(m->index, m->path, c->dotted);
  if (!x || !x->hybrid) return false;
  out->ext = x;
  out->name = x->qualname;
  out->has_signature = x->has_input_signature;
  return true;
}

/* Parameter name an argument binds to, or NULL. */
const char *an_retrace_param_name(AnModel *m, const AnHybridCallee *h, const AnCall *c, TSNode arg, uint32_t pos) {
  if (an_sym(m->lang, arg) == AN_SYM_keyword_argument) {
    TSNode k = an_field(m->lang, arg, AN_FIELD_name);
    uint32_t len;
    const char *t = an_text(m->src, k, &len);
    return an_arena_strndup(&m->arena, t, len);
  }
  if (h->local >= 0) {
    AnFunc *f = AN_FUNC(m, h->local);
    uint32_t skip = an_callee_binds_self(m, c->fn, f) ? 1 : 0;
    uint32_t i = skip + pos;
    if (i < f->param_count && !f->params[i].star && !f->params[i].dstar && !f->params[i].kwonly) return f->params[i].name;
    return NULL;
  }
  return pos < h->ext->param_count ? h->ext->param_names[pos] : NULL;
}

void an_retrace_related_callee(AnModel *m, AnFinding *f, const AnHybridCallee *h) {
  if (!f) return;
  if (h->local >= 0) {
    AnFunc *fn = AN_FUNC(m, h->local);
    an_finding_related(m, f, ts_node_is_null(fn->hybrid_site) ? fn->node : fn->hybrid_site, "'%s' is a tf.function", fn->qualname);
  } else {
    an_finding_related_ext(m, f, h->ext->path, h->ext->start, h->ext->end, h->ext->line, h->ext->column,
                           an_arena_printf(&m->arena, "'%s' is a tf.function", h->ext->qualname));
  }
}

static void retrace__scalar_fix(AnModel *m, AnFinding *f, TSNode value, bool int_loop) {
  const char *tf = an_tf_alias(m);
  if (!f || !tf) return;
  uint32_t len;
  const char *t = an_text(m->src, value, &len);
  /* Changes the callee's view of the value (a tensor, so `if p:` becomes
   * tf.cond), hence offered, not applied by fix-all. */
  AnFix *fix = an_finding_fix(m, f, "Pass it as a tensor with tf.constant", false);
  an_fix_edit(m, fix, ts_node_start_byte(value), ts_node_end_byte(value),
              an_arena_printf(&m->arena, "%s.constant(%.*s%s%s)", tf, (int)len, t, int_loop ? ", dtype=" : "",
                              int_loop ? an_arena_printf(&m->arena, "%s.int64", tf) : ""));
}

/* The sequence `reversed(seq)` walks, else `it` itself: walking backwards
 * visits the same values (a sampler's `reversed(range(T))`). */
static TSNode retrace__unreversed(AnModel *m, TSNode it) {
  it = an_unparen(m->lang, it);
  if (an_sym(m->lang, it) != AN_SYM_call || an_call_argc(m->lang, it) != 1) return it;
  const char *d = an_dotted(m, an_field(m->lang, it, AN_FIELD_function), an_func_at(m, it));
  return d && strcmp(d, "builtins.reversed") == 0 ? an_unparen(m->lang, an_call_arg(m->lang, it, 0)) : it;
}

/* True when `name` is the target of `for name in range(...)`: only the
 * counter itself is known to be an int; another name that changes in the
 * loop (`epsilon *= 0.99`) may be a float. */
static bool retrace__is_range_target(AnModel *m, TSNode loop, const char *name) {
  if (an_sym(m->lang, loop) != AN_SYM_for_statement) return false;
  TSNode left = an_unparen(m->lang, an_field(m->lang, loop, AN_FIELD_left));
  if (an_sym(m->lang, left) != AN_SYM_identifier || !an_text_eq(m->src, left, name)) return false;
  TSNode right = retrace__unreversed(m, an_field(m->lang, loop, AN_FIELD_right));
  if (an_sym(m->lang, right) != AN_SYM_call) return false;
  const char *d = an_dotted(m, an_field(m->lang, right, AN_FIELD_function), -1);
  return d && strcmp(d, "builtins.range") == 0;
}

/* True when `name` is the target of a loop over a literal list or tuple
 * (`for lr in [0.1, 0.01]`) that is a small fixed value set: fewer than
 * three distinct elements, or strings (mode names). Like a flag, such a
 * set retraces a bounded, intended number of times (rules.md: enum-like
 * values are not HY101 findings). */
static bool retrace__fixed_value_set(AnModel *m, TSNode loop, const char *name) {
  if (an_sym(m->lang, loop) != AN_SYM_for_statement) return false;
  TSNode left = an_unparen(m->lang, an_field(m->lang, loop, AN_FIELD_left));
  if (an_sym(m->lang, left) != AN_SYM_identifier || !an_text_eq(m->src, left, name)) return false;
  /* A module constant (`for lr in LEARNING_RATES:`) is judged by its
   * literal, as kinds.c types the target from it. */
  TSNode right = an_constant_value(m, retrace__unreversed(m, an_field(m->lang, loop, AN_FIELD_right)),
                                   an_func_at(m, loop));
  AnSym rs = an_sym(m->lang, right);
  if (rs != AN_SYM_list && rs != AN_SYM_tuple) return false;
  const char *seen[3];
  uint32_t distinct = 0, n = ts_node_named_child_count(right);
  for (uint32_t i = 0; i < n && distinct < 3; i++) {
    TSNode e = ts_node_named_child(right, i);
    AnSym es = an_sym(m->lang, e);
    if (es == AN_SYM_comment) continue;
    if (es == AN_SYM_string) return true;
    const char *t = an_snippet(m, e);
    bool dup = false;
    for (uint32_t k = 0; k < distinct && !dup; k++) dup = strcmp(seen[k], t) == 0;
    if (!dup) seen[distinct++] = t;
  }
  return distinct < 3;
}

static bool retrace__add_value(const char **vals, uint32_t *n, const char *t) {
  for (uint32_t k = 0; k < *n; k++)
    if (strcmp(vals[k], t) == 0) return true;
  if (*n >= 3) return false;
  vals[(*n)++] = t;
  return true;
}

/* Adds the literal values `e` can take (`5`, `5 if warm else 1`, and
 * True/False for a bool such as `epoch < 5`) to vals; false when it may
 * take any other value. */
static bool retrace__literal_values(AnModel *m, TSNode e, const char **vals, uint32_t *n, int depth) {
  e = an_unparen(m->lang, e);
  if (an_retrace_bool_valued(m, e, 0) && an_sym(m->lang, e) != AN_SYM_true && an_sym(m->lang, e) != AN_SYM_false)
    return retrace__add_value(vals, n, "True") && retrace__add_value(vals, n, "False");
  if (an_literal(m, e)) return retrace__add_value(vals, n, an_snippet(m, e));
  /* `a if cond else b`: the condition is named child 1. */
  return an_sym(m->lang, e) == AN_SYM_conditional_expression && depth < 4 && ts_node_named_child_count(e) == 3 &&
         retrace__literal_values(m, ts_node_named_child(e, 0), vals, n, depth + 1) &&
         retrace__literal_values(m, ts_node_named_child(e, 2), vals, n, depth + 1);
}

/* True when every assignment of `name` inside the body of `loop` gives it
 * one of fewer than three literals (`n_critic = 5 if epoch < 10 else 1`):
 * like a flag, it retraces a bounded number of times, not per iteration. */
static bool retrace__few_literal_values(AnModel *m, TSNode loop, const char *name, int func) {
  TSNode body = an_field(m->lang, loop, AN_FIELD_body);
  if (ts_node_is_null(body)) return false;
  const char *vals[3];
  uint32_t n = 0;
  int b = an_hash_get(&m->binding_map, func, name, (uint32_t)strlen(name));
  for (; b >= 0; b = AN_VEC_AT(m->bindings, AnBinding, b).next) {
    AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, b);
    if (bd->at < ts_node_start_byte(body) || bd->at >= ts_node_end_byte(body)) continue;
    if (bd->from_for || bd->from_unpack || ts_node_is_null(bd->value) ||
        !retrace__literal_values(m, bd->value, vals, &n, 0))
      return false;
  }
  return n > 0 && n < 3;
}

bool an_retrace_few_values(AnModel *m, TSNode loop, const char *name, int func) {
  return retrace__fixed_value_set(m, loop, name) || retrace__few_literal_values(m, loop, name, func);
}

/* A value that is a Python bool whatever the operands: a comparison, `not`,
 * `bool(...)`, `and`/`or` of such, a bool literal. Such a flag takes at
 * most two values, so it retraces at most twice (rules.md: flags are not
 * HY101 findings). */
bool an_retrace_bool_valued(AnModel *m, TSNode n, int depth) {
  n = an_unparen(m->lang, n);
  switch (an_sym(m->lang, n)) {
  case AN_SYM_true:
  case AN_SYM_false:
  case AN_SYM_comparison_operator:
  case AN_SYM_not_operator:
    return true;
  case AN_SYM_call: {
    const char *d = an_dotted(m, an_field(m->lang, n, AN_FIELD_function), an_func_at(m, n));
    return d && strcmp(d, "builtins.bool") == 0;
  }
  case AN_SYM_boolean_operator:
    return depth < 8 && an_retrace_bool_valued(m, an_field(m->lang, n, AN_FIELD_left), depth + 1) &&
           an_retrace_bool_valued(m, an_field(m->lang, n, AN_FIELD_right), depth + 1);
  default:
    return false;
  }
}

static void retrace__scalar_args(AnModel *m, const AnRetraceCall *rc) {
  const AnCall *c = rc->call;
  const AnHybridCallee *h = &rc->callee;
  const TSNode *loops = rc->loops;
  uint32_t nloops = rc->loop_count;
  if (!nloops) return;
  for (uint32_t i = 0; i < rc->arg_count; i++) {
    TSNode value = rc->args[i].value;
    const char *param = rc->args[i].param;
    AnKind k = an_kind_of(m, value, c->ctx.func);
    if ((k != AN_KIND_PY_SCALAR && k != AN_KIND_PY_STR) || an_retrace_bool_valued(m, value, 0)) continue;
    if (!param) continue;
    /* A parameter that chooses graph structure retraces per value by
     * design: reported as a hint only. */
    bool structural = h->local >= 0 && an_retrace_structural_param(m, h->local, param);
    for (uint32_t l = 0; l < nloops; l++) {
      const char *name = an_retrace_varying_name(m, value, loops[l], c->ctx.func);
      if (!name || an_retrace_few_values(m, loops[l], name, c->ctx.func)) continue;
      const char *advice = structural ? an_arena_printf(&m->arena, "'%s' uses it to choose its graph structure "
                                                        "(a condition, a range() or a shape), so this may be intended",
                                                        h->name)
                                      : "Pass a tensor instead";
      AnFinding *f = an_emit_node(m, AN_RULE_PYTHON_SCALAR_ARG_RETRACE, value, c->ctx.func,
                                  "'%s' changes on every iteration of this loop, and Python %s passed to tf.function "
                                  "'%s' (parameter '%s') are part of its trace key: each new value traces a new "
                                  "graph. %s",
                                  an_snippet(m, value), k == AN_KIND_PY_STR ? "strings" : "numbers", h->name, param,
                                  advice);
      an_retrace_related_callee(m, f, h);
      if (f && structural) f->severity = AN_SEV_HINT;
      if (!structural)
        retrace__scalar_fix(m, f, value, retrace__is_range_target(m, loops[l], name) && strcmp(name, an_snippet(m, value)) == 0);
      break;
    }
  }
}

/* >= 3 eager call sites of one hybrid function passing different literals
 * for the same parameter. */
static void retrace__literal_variety(AnModel *m) {
  for (uint32_t fi = 0; fi < m->funcs.count; fi++) {
    AnFunc *f = AN_FUNC(m, fi);
    if (!retrace__hybrid(f) || !ts_node_is_null(f->tf.input_signature)) continue;
    for (uint32_t p = 0; p < f->param_count; p++) {
      if (f->params[p].is_self || f->params[p].star || f->params[p].dstar) continue;
      if (an_retrace_structural_param(m, (int)fi, f->params[p].name)) continue;
      const char *vals[3] = {NULL, NULL, NULL};
      uint32_t distinct = 0;
      /* Pass 0 collects distinct values, pass 1 reports, given three. */
      for (int pass = 0; pass < 2 && (pass == 0 || distinct >= 3); pass++) {
        AnCallIds to = an_calls_to(m, (int)fi);
        for (uint32_t ci = 0; ci < to.count; ci++) {
          AnCall *c = AN_CALL_AT(m, to, ci);
          if (an_in_graph(m, c->ctx.func)) continue;
          uint32_t skip = an_callee_binds_self(m, c->fn, f) ? 1 : 0;
          if (p < skip) continue;
          TSNode a = an_call_arg(m->lang, c->node, p - skip);
          if (ts_node_is_null(a)) a = an_call_kwarg(m->lang, m->src, c->node, f->params[p].name);
          AnSym s = an_sym(m->lang, a);
          if (s != AN_SYM_integer && s != AN_SYM_float && s != AN_SYM_string) continue;
          const char *text = an_snippet(m, a);
          if (pass == 0) {
            bool seen = false;
            for (uint32_t k = 0; k < distinct; k++)
              if (strcmp(vals[k], text) == 0) seen = true;
            if (!seen && distinct < 3) vals[distinct++] = text;
          } else if (distinct >= 3) {
            AnHybridCallee h = {(int)fi, NULL, f->qualname, false};
            AnFinding *fd = an_emit_node(m, AN_RULE_PYTHON_SCALAR_ARG_RETRACE, a, c->ctx.func,
                                         "tf.function '%s' is called with different Python values for '%s' (%s, %s, "
                                         "%s, ...); each distinct value traces and keeps a separate graph. Pass a tensor",
                                         f->qualname, f->params[p].name, vals[0], vals[1], vals[2]);
            an_retrace_related_callee(m, fd, &h);
          }
        }
      }
    }
  }
}

void an_check_HY101(AnModel *m) {
  uint32_t n;
  const AnRetraceCall *calls = an_retrace_calls(m, &n);
  for (uint32_t i = 0; i < n; i++) retrace__scalar_args(m, &calls[i]);
  retrace__literal_variety(m);
}

/* --- HY105 / HY106 / HY107 ----------------------------------------------- */

/* `tf.function(...)` calls that are decorators or wrapped-and-called at
 * once are reported by other rules. */
static bool retrace__plain_wrapper(AnModel *m, const AnCall *c) {
  if (!an_call_is(c, "tensorflow.function") || an_is_decorator_call(m, c->node)) return false;
  TSNode p = ts_node_parent(c->node);
  if (an_sym(m->lang, p) == AN_SYM_call && ts_node_eq(an_field(m->lang, p, AN_FIELD_function), c->node)) return false;
  return true;
}

/* The Function is kept for reuse: stored into a container, a collection
 * built by a comprehension, or an attribute. */
static bool retrace__stored(AnModel *m, TSNode call) {
  TSNode p = ts_node_parent(call);
  AnSym ps = an_sym(m->lang, p);
  if (ps == AN_SYM_assignment) {
    AnSym ls = an_sym(m->lang, an_field(m->lang, p, AN_FIELD_left));
    return ls == AN_SYM_subscript || ls == AN_SYM_attribute;
  }
  if (ps == AN_SYM_pair || ps == AN_SYM_list_comprehension || ps == AN_SYM_dictionary_comprehension) return true;
  if (ps == AN_SYM_argument_list) {
    TSNode outer = ts_node_parent(p);
    TSNode fn = an_field(m->lang, outer, AN_FIELD_function);
    if (an_sym(m->lang, fn) == AN_SYM_attribute) {
      TSNode attr = an_field(m->lang, fn, AN_FIELD_attribute);
      return an_text_eq(m->src, attr, "append") || an_text_eq(m->src, attr, "setdefault") ||
             an_text_eq(m->src, attr, "insert");
    }
  }
  return false;
}

static bool retrace__fresh_state(AnModel *m, const AnBinding *b, int outer);
static bool retrace__fresh_value(AnModel *m, TSNode value, int outer);

/* A search for a name `expr` mentions that scope `scope` binds within
 * bytes [lo, hi) but outside [skip_lo, skip_hi); with `fresh`, only to new
 * state (retrace__fresh_state). It walks expr once and follows the
 * bindings of each name it meets, so a loop that makes many tf.functions
 * does not cost one pass over every binding for each. */
typedef struct RetraceRebound {
  AnModel *m;
  int scope;
  uint32_t lo, hi, skip_lo, skip_hi;
  bool fresh;
  bool found;
} RetraceRebound;

static bool retrace__rebound_visit(TSNode n, void *ctx) {
  RetraceRebound *r = ctx;
  AnModel *m = r->m;
  if (r->found) return false;
  if (an_sym(m->lang, n) != AN_SYM_identifier) return true;
  uint32_t len;
  const char *t = an_text(m->src, n, &len);
  for (int k = an_hash_get(&m->binding_map, r->scope, t, len); k >= 0; k = AN_VEC_AT(m->bindings, AnBinding, k).next) {
    const AnBinding *b = &AN_VEC_AT(m->bindings, AnBinding, k);
    if (b->at < r->lo || b->at >= r->hi || (b->at >= r->skip_lo && b->at < r->skip_hi)) continue;
    if (!r->fresh || retrace__fresh_state(m, b, r->scope)) {
      r->found = true;
      break;
    }
  }
  return false;
}

static bool retrace__mentions_rebound(RetraceRebound *r, TSNode expr) {
  r->found = false;
  if (!ts_node_is_null(expr)) an_walk_named(expr, retrace__rebound_visit, r);
  return r->found;
}

/* What a hoisted `tf.function(X)` would see differently than the one made
 * in each iteration: X and its arguments are evaluated once, and a single
 * Function traces once, so whatever its body reads (globals, closures,
 * attributes) is frozen at the first call. */
typedef struct RetraceStable {
  AnModel *m;
  int scope;          /* the function holding the loop */
  uint32_t lo, hi;    /* the loop */
  uint32_t skip_lo, skip_hi; /* the assignment itself */
  TSNode root;        /* the node scanned (a lambda's or def's parameters are run-time values) */
  bool unstable;
} RetraceStable;

/* `id` is a parameter of a lambda or def between it and the scan's root. */
static bool retrace__is_param(RetraceStable *r, TSNode id) {
  uint32_t len;
  const char *t = an_text(r->m->src, id, &len);
  for (TSNode p = ts_node_parent(id); !ts_node_is_null(p); p = ts_node_parent(p)) {
    AnSym s = an_sym(r->m->lang, p);
    if ((s == AN_SYM_lambda || s == AN_SYM_function_definition) &&
        an_mentions(r->m, an_field(r->m->lang, p, AN_FIELD_parameters), t, len))
      return true;
    if (ts_node_eq(p, r->root)) break;
  }
  return false;
}

static bool retrace__in_lambda(RetraceStable *r, TSNode n) {
  for (TSNode p = ts_node_parent(n); !ts_node_is_null(p) && !ts_node_eq(p, r->root); p = ts_node_parent(p))
    if (an_sym(r->m->lang, p) == AN_SYM_lambda) return true;
  return an_sym(r->m->lang, r->root) == AN_SYM_function_definition;
}

/* A name bound anywhere in the loop, in the loop's function or globally. */
static bool retrace__bound_in_loop(RetraceStable *r, TSNode id) {
  uint32_t len;
  const char *t = an_text(r->m->src, id, &len);
  int scopes[2] = {r->scope, AN_SCOPE_MODULE};
  for (int s = 0; s < (r->scope == AN_SCOPE_MODULE ? 1 : 2); s++)
    for (int k = an_hash_get(&r->m->binding_map, scopes[s], t, len); k >= 0; k = AN_VEC_AT(r->m->bindings, AnBinding, k).next) {
      const AnBinding *b = &AN_VEC_AT(r->m->bindings, AnBinding, k);
      if (b->at >= r->lo && b->at < r->hi && !(b->at >= r->skip_lo && b->at < r->skip_hi)) return true;
    }
  return false;
}

static bool retrace__stable_visit(TSNode n, void *ctx) {
  RetraceStable *r = ctx;
  AnModel *m = r->m;
  if (r->unstable) return false;
  AnSym s = an_sym(m->lang, n);
  if (s == AN_SYM_attribute || s == AN_SYM_call || s == AN_SYM_subscript) {
    TSNode head = s == AN_SYM_call ? an_field(m->lang, n, AN_FIELD_function) : n;
    const char *d = an_dotted(m, head, an_func_at(m, n));
    /* TensorFlow's own API (tf.TensorSpec(...), tf.float32) is the same
     * object before the loop. */
    if (d && an_dotted_has_prefix(d, "tensorflow")) return s == AN_SYM_call;
    /* Evaluated per trace inside a body either way; outside one, once
     * instead of per iteration. */
    if (s != AN_SYM_attribute && !retrace__in_lambda(r, n)) r->unstable = true;
    if (s == AN_SYM_attribute) {
      TSNode obj = an_unparen(m->lang, an_field(m->lang, n, AN_FIELD_object));
      /* `param.shape`, `param.dtype` read the argument of each call; any
       * other object's attribute (`self.model`) may be replaced by the
       * loop, in ways a hoisted, traced-once Function would not see. */
      if (an_sym(m->lang, obj) != AN_SYM_identifier || !retrace__is_param(r, obj)) r->unstable = true;
    }
    return !r->unstable;
  }
  if (s == AN_SYM_identifier && !retrace__is_param(r, n) && retrace__bound_in_loop(r, n)) r->unstable = true;
  return !r->unstable;
}

/* The hoisted Function behaves as the ones made per iteration: `call`'s
 * arguments (and the body of the function it wraps, when a def of this
 * module) read nothing the loop changes. */
static bool retrace__hoist_stable(AnModel *m, const AnCall *c, TSNode loop, TSNode assign) {
  RetraceStable r = {m, c->ctx.func, ts_node_start_byte(loop), ts_node_end_byte(loop), ts_node_start_byte(assign),
                     ts_node_end_byte(assign), {{0}, NULL, NULL}, false};
  TSNode args = an_field(m->lang, c->node, AN_FIELD_arguments);
  r.root = args;
  an_walk_named(args, retrace__stable_visit, &r);
  TSNode first = an_call_arg(m->lang, c->node, 0);
  if (r.unstable || ts_node_is_null(first) || an_sym(m->lang, first) != AN_SYM_identifier) return !r.unstable;
  int target = an_resolve_function(m, first, c->ctx.func);
  if (target < 0) return false;
  r.root = AN_FUNC(m, target)->node;
  an_walk_named(an_field(m->lang, r.root, AN_FIELD_body), retrace__stable_visit, &r);
  return !r.unstable;
}

/* Moves `name = tf.function(X)` above its loop when nothing it mentions is
 * rebound inside the loop. */
static void retrace__hoist_fix(AnModel *m, AnFinding *f, const AnCall *c) {
  TSNode assign = ts_node_parent(c->node);
  TSNode stmt = ts_node_parent(assign);
  if (!f || an_sym(m->lang, assign) != AN_SYM_assignment || an_sym(m->lang, stmt) != AN_SYM_expression_statement) return;
  TSNode block = ts_node_parent(stmt);
  TSNode loop = ts_node_parent(block);
  AnSym ls = an_sym(m->lang, loop);
  if (an_sym(m->lang, block) != AN_SYM_block || (ls != AN_SYM_for_statement && ls != AN_SYM_while_statement)) return;
  if (ts_node_named_child_count(block) < 2) return; /* the loop body would be empty */
  TSNode right = an_field(m->lang, assign, AN_FIELD_right);
  RetraceRebound r = {m, c->ctx.func, ts_node_start_byte(loop), ts_node_end_byte(loop), ts_node_start_byte(assign),
                      ts_node_end_byte(assign), false, false};
  bool safe = !retrace__mentions_rebound(&r, right) && retrace__hoist_stable(m, c, loop, assign);
  uint32_t s = ts_node_start_byte(stmt), e = ts_node_end_byte(stmt);
  uint32_t ls0 = an_line_start(m, s), le = an_line_end(m, e > s ? e - 1 : e);
  for (uint32_t k = ls0; k < s; k++)
    if (m->src[k] != ' ' && m->src[k] != '\t') return;
  uint32_t len;
  const char *t = an_text(m->src, stmt, &len);
  if (memchr(t, '\n', len)) return;
  uint32_t loop_line = an_line_start(m, ts_node_start_byte(loop));
  AnFix *fix = an_finding_fix(m, f, "Create the tf.function once, before the loop", safe);
  an_fix_edit(m, fix, loop_line, loop_line,
              an_arena_printf(&m->arena, "%s%.*s%s", an_indent_at(m, ts_node_start_byte(loop)), (int)len, t,
                              an_newline(m)));
  an_fix_edit(m, fix, ls0, le, "");
}

/* The innermost for/while statement around `n` in its function, or null. */
static TSNode retrace__enclosing_loop(AnModel *m, TSNode n) {
  for (TSNode p = ts_node_parent(n); !ts_node_is_null(p); p = ts_node_parent(p)) {
    AnSym s = an_sym(m->lang, p);
    if (s == AN_SYM_for_statement || s == AN_SYM_while_statement) return p;
    if (s == AN_SYM_function_definition || s == AN_SYM_lambda || s == AN_SYM_class_definition) break;
  }
  return (TSNode){{0}, NULL, NULL};
}

/* The `obj.attr` targets that scope `scope` assigns new TensorFlow state
 * within bytes [lo, hi) (`self.model = build()`), and a search of an
 * expression for a read of one of them. */
#define RETRACE_MAX_FRESH_ATTRS 8
typedef struct RetraceFreshAttrs {
  AnModel *m;
  TSNode targets[RETRACE_MAX_FRESH_ATTRS];
  uint32_t count;
  bool found;
} RetraceFreshAttrs;

static void retrace__fresh_attr_site(AnModel *m, const AnSite *s, uint32_t lo, uint32_t hi, RetraceFreshAttrs *a) {
  if (s->kind != AN_SITE_ASSIGN || a->count >= RETRACE_MAX_FRESH_ATTRS || an_sym(m->lang, s->node) != AN_SYM_assignment)
    return;
  uint32_t at = ts_node_start_byte(s->node);
  if (at < lo || at >= hi) return;
  TSNode left = an_field(m->lang, s->node, AN_FIELD_left);
  if (an_sym(m->lang, left) != AN_SYM_attribute) return;
  TSNode right = an_field(m->lang, s->node, AN_FIELD_right);
  if (!ts_node_is_null(right) && retrace__fresh_value(m, right, s->ctx.func)) a->targets[a->count++] = left;
}

static bool retrace__fresh_attr_visit(TSNode n, void *ctx) {
  RetraceFreshAttrs *a = ctx;
  if (a->found) return false;
  if (an_sym(a->m->lang, n) != AN_SYM_attribute) return true;
  uint32_t len, tlen;
  const char *t = an_text(a->m->src, n, &len);
  for (uint32_t i = 0; i < a->count && !a->found; i++) {
    const char *target = an_text(a->m->src, a->targets[i], &tlen);
    a->found = len == tlen && memcmp(t, target, len) == 0;
  }
  return !a->found;
}

/* `inner` reads an attribute (`self.model`) that scope `scope` sets to a
 * new model, module or variable within bytes [lo, hi): the attribute
 * counterpart of the names retrace__mentions_rebound finds. */
static bool retrace__reads_fresh_attr(AnModel *m, int scope, uint32_t lo, uint32_t hi, TSNode inner) {
  RetraceFreshAttrs a = {.m = m};
  if (scope >= 0) {
    AN_FOR_SITES_OF(m, scope, s) { retrace__fresh_attr_site(m, s, lo, hi, &a); }
  } else {
    /* Module level: its sites are not grouped by function. */
    for (uint32_t i = 0; i < m->sites.count; i++) {
      AnSite *s = &AN_VEC_AT(m->sites, AnSite, i);
      if (s->ctx.func == scope) retrace__fresh_attr_site(m, s, lo, hi, &a);
    }
  }
  if (a.count && !ts_node_is_null(inner)) an_walk_named(inner, retrace__fresh_attr_visit, &a);
  return a.found;
}

/* The Function made in the loop closes over a model, module or variable
 * that the same loop body builds anew (in a name or an attribute): each
 * iteration's graph must capture that iteration's state, so a trace per
 * iteration is the price of the new object, and hoisting would export or
 * run the first object's graph. */
static bool retrace__captures_loop_state(AnModel *m, int scope, TSNode made, TSNode inner) {
  TSNode loop = retrace__enclosing_loop(m, made);
  if (ts_node_is_null(loop)) return false;
  uint32_t lo = ts_node_start_byte(loop), hi = ts_node_end_byte(loop);
  RetraceRebound r = {m, scope, lo, hi, 0, 0, true, false};
  return retrace__mentions_rebound(&r, inner) || retrace__reads_fresh_attr(m, scope, lo, hi, inner);
}

void an_check_HY105(AnModel *m) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (!c->ctx.loop_depth || an_in_graph(m, c->ctx.func) || !retrace__plain_wrapper(m, c)) continue;
    if (retrace__stored(m, c->node)) continue;
    if (retrace__captures_loop_state(m, c->ctx.func, c->node, c->node)) continue;
    AnFinding *f = an_emit_node(m, AN_RULE_TF_FUNCTION_CREATED_IN_LOOP, c->node, c->ctx.func,
                                "'%s' creates a new tf.function on every iteration of this loop, so each iteration "
                                "traces a new graph and the cache is thrown away; create it once before the loop",
                                an_snippet(m, c->node));
    retrace__hoist_fix(m, f, c);
  }
  for (uint32_t i = 0; i < m->funcs.count; i++) {
    AnFunc *f = AN_FUNC(m, i);
    if (f->via != AN_VIA_DECORATOR || !f->loop_depth || an_in_graph(m, f->parent)) continue;
    if (retrace__captures_loop_state(m, f->parent, f->node, f->node)) continue;
    an_emit_node(m, AN_RULE_TF_FUNCTION_CREATED_IN_LOOP, f->hybrid_site, f->parent,
                 "'@%s def %s' runs on every iteration of this loop and creates a new tf.function each time, so every "
                 "iteration traces a new graph; define it once before the loop",
                 an_snippet(m, f->hybrid_site), f->name);
  }
}

typedef struct ReturnScan {
  AnModel *m;
  TSNode root;
  const char *name;
  TSNode call;
  bool found;
} ReturnScan;

static bool retrace__return_visit(TSNode n, void *ctx) {
  ReturnScan *r = ctx;
  if (r->found) return false;
  AnSym s = an_sym(r->m->lang, n);
  if (!ts_node_eq(n, r->root) && (s == AN_SYM_function_definition || s == AN_SYM_lambda || s == AN_SYM_class_definition))
    return false;
  if (s == AN_SYM_return_statement) {
    /* `return step` (the Function itself), not `return step(x)`. */
    TSNode v = ts_node_named_child_count(n) ? an_unparen(r->m->lang, ts_node_named_child(n, 0)) : n;
    if ((r->name && an_sym(r->m->lang, v) == AN_SYM_identifier && an_text_eq(r->m->src, v, r->name)) ||
        (!ts_node_is_null(r->call) && ts_node_eq(v, r->call)))
      r->found = true;
    return false;
  }
  return true;
}

/* B builds and returns the Function: a factory. */
static bool retrace__returned(AnModel *m, int outer, const char *name, TSNode call) {
  ReturnScan r = {m, AN_FUNC(m, outer)->node, name, call, false};
  an_walk(r.root, retrace__return_visit, &r);
  return r.found;
}

/* B caches the Function on an object or a global: the result is reused,
 * not recreated per use. */
static bool retrace__kept(AnModel *m, int outer, const char *name, TSNode call) {
  if (!ts_node_is_null(call) && retrace__stored(m, call)) return true;
  if (!name) return false;
  for (uint32_t i = 0; i < m->attrs.count; i++) {
    AnAttrBinding *a = &AN_VEC_AT(m->attrs, AnAttrBinding, i);
    if (a->func == outer && an_mentions(m, a->value, name, (uint32_t)strlen(name))) return true;
  }
  for (uint32_t i = 0; i < m->sites.count; i++) {
    AnSite *s = &AN_VEC_AT(m->sites, AnSite, i);
    if (s->kind == AN_SITE_GLOBAL && s->ctx.func == outer) return true;
  }
  return false;
}

/* A call site showing that `outer` runs repeatedly: in a loop, or one of
 * two or more call sites. Null when it runs once as far as can be seen. */
TSNode an_retrace_repeated_call(AnModel *m, int outer) {
  TSNode none = {{0}, NULL, NULL}, first = none;
  uint32_t count = 0;
  AnCallIds to = an_calls_to(m, outer);
  for (uint32_t i = 0; i < to.count; i++) {
    AnCall *c = AN_CALL_AT(m, to, i);
    if (c->ctx.loop_depth) return c->node;
    if (!count++) first = c->node;
  }
  return count >= 2 ? first : none;
}

/* True when a superclass that class `cls` itself names has a dotted name
 * starting with `prefix`. */
static bool retrace__names_base(AnModel *m, int cls, const char *prefix) {
  AnClass *k = AN_CLASS(m, cls);
  uint32_t n = ts_node_is_null(k->superclasses) ? 0 : ts_node_named_child_count(k->superclasses);
  for (uint32_t i = 0; i < n; i++) {
    TSNode b = ts_node_named_child(k->superclasses, i);
    if (an_sym(m->lang, b) == AN_SYM_keyword_argument) continue;
    const char *d = an_dotted(m, b, k->parent_func);
    if (d && an_dotted_has_prefix(d, prefix)) return true;
  }
  return false;
}

/* A class derived (here or through classes of this module) from a class
 * whose dotted name starts with `prefix`. */
static bool retrace__class_derives(AnModel *m, int cls, const char *prefix) {
  if (retrace__names_base(m, cls, prefix)) return true;
  uint32_t n = 0;
  const int *bases = an_class_ancestors(m, cls, &n);
  for (uint32_t i = 0; i < n; i++)
    if (retrace__names_base(m, bases[i], prefix)) return true;
  return false;
}

/* The hook of a Keras callback that fit() calls on every batch or epoch
 * ("batch", "epoch"), or NULL. */
static const char *retrace__keras_hook(AnModel *m, int func) {
  static const char *const hooks[] = {"on_epoch_begin", "on_epoch_end", "on_batch_begin", "on_batch_end",
                                      "on_train_batch_begin", "on_train_batch_end", "on_test_batch_begin",
                                      "on_test_batch_end", "on_predict_batch_begin", "on_predict_batch_end", NULL};
  AnFunc *f = AN_FUNC(m, func);
  if (f->cls < 0 || !f->name || !f->param_count || !f->params[0].is_self) return NULL;
  for (int i = 0; hooks[i]; i++)
    if (strcmp(f->name, hooks[i]) == 0)
      return retrace__class_derives(m, f->cls, "keras.callbacks") ? (strstr(f->name, "epoch") ? "epoch" : "batch") : NULL;
  return NULL;
}

/* A local of `outer` that each run of it binds to new TensorFlow state: a
 * model, layer, optimizer, tf.Variable or summary writer it builds
 * (directly or through a function of this module returning a model). */
static bool retrace__fresh_value(AnModel *m, TSNode value, int outer) {
  TSNode v = an_unparen(m->lang, value);
  if (an_sym(m->lang, v) != AN_SYM_call) return false;
  const char *d = an_dotted(m, an_field(m->lang, v, AN_FIELD_function), outer);
  if (an_variable_creator(d) || (d && strcmp(d, "tensorflow.summary.create_file_writer") == 0)) return true;
  AnKind k = an_kind_of(m, v, outer);
  if (k == AN_KIND_KERAS || k == AN_KIND_VARIABLE) return true;
  /* A tf.Module subclass owns variables too (tracked by identity). */
  int cls = an_constructed_class(m, v);
  return cls >= 0 && retrace__class_derives(m, cls, "tensorflow.Module");
}

static bool retrace__fresh_state(AnModel *m, const AnBinding *b, int outer) {
  if (b->from_for || b->from_unpack || ts_node_is_null(b->value)) return false;
  return retrace__fresh_value(m, b->value, outer);
}

/* The tf.function (body `inner`) closes over variables `outer` creates on
 * every run (in a local or an attribute such as `self.model`): a
 * Function's graphs capture variables by identity, so even one created
 * once would trace again for each new model; the trace per run is the
 * price of the new model, not of where the decorator sits. */
static bool retrace__captures_fresh_state(AnModel *m, int outer, TSNode inner) {
  if (ts_node_is_null(inner)) return false;
  for (uint32_t i = 0; i < m->bindings.count; i++) {
    AnBinding *b = &AN_VEC_AT(m->bindings, AnBinding, i);
    if (b->scope != outer || !an_mentions(m, inner, b->name, (uint32_t)strlen(b->name))) continue;
    if (retrace__fresh_state(m, b, outer)) return true;
  }
  TSNode body = AN_FUNC(m, outer)->node;
  return retrace__reads_fresh_attr(m, outer, ts_node_start_byte(body), ts_node_end_byte(body), inner);
}

/* The factory's result `c` is used in the loop that called it: invoked at
 * once (`make()(x)`), or bound to a name called later in the loop body. */
static bool retrace__used_in_loop(AnModel *m, const AnCall *c, TSNode loop) {
  TSNode p = ts_node_parent(c->node);
  AnSym ps = an_sym(m->lang, p);
  if (ps == AN_SYM_call && ts_node_eq(an_field(m->lang, p, AN_FIELD_function), c->node)) return true;
  if (ps != AN_SYM_assignment) return false;
  TSNode left = an_field(m->lang, p, AN_FIELD_left);
  if (an_sym(m->lang, left) != AN_SYM_identifier) return false;
  uint32_t len;
  const char *t = an_text(m->src, left, &len);
  const char *name = an_arena_strndup(&m->arena, t, len);
  TSNode body = an_field(m->lang, loop, AN_FIELD_body);
  /* Calls are recorded in document order: from `c` on to the body's end. */
  uint32_t end = ts_node_end_byte(body);
  for (uint32_t i = (uint32_t)(c - &AN_VEC_AT(m->calls, AnCall, 0)); i < m->calls.count; i++) {
    AnCall *u = &AN_VEC_AT(m->calls, AnCall, i);
    if (ts_node_start_byte(u->node) >= end) break;
    if (u->ctx.func != c->ctx.func || ts_node_start_byte(u->node) < ts_node_end_byte(p) ||
        !an_node_within(u->node, body))
      continue;
    TSNode fn = an_unparen(m->lang, u->fn);
    if (an_sym(m->lang, fn) == AN_SYM_identifier && an_text_eq(m->src, fn, name)) return true;
  }
  return false;
}

/* Finds a free name of the Function's body that the loop around the
 * factory call rebinds and that the body sees: a global the caller's
 * loop assigns (at module level, or under a `global` statement). */
typedef struct RetraceFreeScan {
  AnModel *m;
  TSNode inner, loop;
  int caller;
  bool found;
} RetraceFreeScan;

static bool retrace__bound_in(AnModel *m, int f, const char *t, uint32_t len) {
  if (an_hash_get(&m->binding_map, f, t, len) >= 0) return true;
  AnFunc *fn = AN_FUNC(m, f);
  for (uint32_t i = 0; i < fn->param_count; i++)
    if (strlen(fn->params[i].name) == len && memcmp(fn->params[i].name, t, len) == 0) return true;
  return false;
}

static bool retrace__global_of_caller(AnModel *m, int caller, const char *t, uint32_t len) {
  if (caller < 0) return true;
  AN_FOR_SITES_OF(m, caller, s) {
    if (s->kind == AN_SITE_GLOBAL && an_mentions(m, s->node, t, len)) return true;
  }
  return false;
}

static bool retrace__free_visit(TSNode n, void *ctx) {
  RetraceFreeScan *r = ctx;
  AnModel *m = r->m;
  if (r->found) return false;
  if (an_sym(m->lang, n) != AN_SYM_identifier) return true;
  TSNode p = ts_node_parent(n);
  AnSym ps = an_sym(m->lang, p);
  if ((ps == AN_SYM_attribute && ts_node_eq(an_field(m->lang, p, AN_FIELD_attribute), n)) ||
      (ps == AN_SYM_keyword_argument && ts_node_eq(an_field(m->lang, p, AN_FIELD_name), n)))
    return false;
  uint32_t len;
  const char *t = an_text(m->src, n, &len);
  /* Bound in the Function or in the factory around it: not the global. */
  int factory = an_func_at(m, r->inner);
  for (int f = an_func_at(m, n); f >= 0; f = AN_FUNC(m, f)->parent) {
    if (retrace__bound_in(m, f, t, len)) return false;
    if (f == factory) break;
  }
  if (retrace__global_of_caller(m, r->caller, t, len) && an_retrace_varying_name(m, n, r->loop, r->caller))
    r->found = true;
  return false;
}

/* Records the names whose objects a loop changes in place: an attribute
 * or item stored (`self.model = m`, `CONFIG["model"] = m`, `del x[k]`) or
 * a container mutated (`LAYERS.append(m)`). Once per loop, however many
 * factory calls it holds. */
typedef struct RetraceStateScan {
  AnModel *m;
  AnHash *names;
  int loop; /* the loop's start byte */
} RetraceStateScan;

/* The name at the root of `obj.a[k].b`, or a null node. */
static TSNode retrace__base_name(AnModel *m, TSNode e) {
  for (int hops = 0; hops < 64 && !ts_node_is_null(e); hops++) {
    e = an_unparen(m->lang, e);
    AnSym s = an_sym(m->lang, e);
    if (s == AN_SYM_identifier) return e;
    if (s == AN_SYM_attribute) e = an_field(m->lang, e, AN_FIELD_object);
    else if (s == AN_SYM_subscript) e = an_field(m->lang, e, AN_FIELD_value);
    else break;
  }
  return (TSNode){{0}, NULL, NULL};
}

static void retrace__state_changed(RetraceStateScan *r, TSNode base) {
  if (ts_node_is_null(base)) return;
  uint32_t len;
  const char *t = an_text(r->m->src, base, &len);
  an_hash_put(&r->m->arena, r->names, r->loop, t, len, 1);
}

/* A target that stores into an object (`a.b`, `a[k]`, either inside a
 * tuple of targets): the object's base name. */
static void retrace__stored_into(RetraceStateScan *r, TSNode left) {
  AnModel *m = r->m;
  AnSym s = an_sym(m->lang, left);
  if (s == AN_SYM_attribute || s == AN_SYM_subscript) {
    retrace__state_changed(r, retrace__base_name(m, left));
    return;
  }
  if (s != AN_SYM_pattern_list && s != AN_SYM_tuple_pattern && s != AN_SYM_list_pattern && s != AN_SYM_tuple &&
      s != AN_SYM_list && s != AN_SYM_expression_list)
    return;
  for (uint32_t i = 0; i < ts_node_named_child_count(left); i++) {
    TSNode e = ts_node_named_child(left, i);
    AnSym es = an_sym(m->lang, e);
    if (es == AN_SYM_attribute || es == AN_SYM_subscript) retrace__state_changed(r, retrace__base_name(m, e));
  }
}

static bool retrace__state_visit(TSNode n, void *ctx) {
  RetraceStateScan *r = ctx;
  AnModel *m = r->m;
  AnSym s = an_sym(m->lang, n);
  if (s == AN_SYM_assignment || s == AN_SYM_augmented_assignment) {
    retrace__stored_into(r, an_field(m->lang, n, AN_FIELD_left));
  } else if (s == AN_SYM_delete_statement) {
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++) retrace__stored_into(r, ts_node_named_child(n, i));
  } else if (s == AN_SYM_call) {
    TSNode fn = an_field(m->lang, n, AN_FIELD_function);
    if (an_sym(m->lang, fn) != AN_SYM_attribute) return true;
    uint32_t len;
    const char *t = an_text(m->src, an_field(m->lang, fn, AN_FIELD_attribute), &len);
    char method[32];
    if (len >= sizeof method) return true;
    memcpy(method, t, len);
    method[len] = '\0';
    if (an_container_mutator(method))
      retrace__state_changed(r, retrace__base_name(m, an_field(m->lang, fn, AN_FIELD_object)));
  }
  return true;
}

/* Looks for the names of a factory's body in a loop's changed names. */
typedef struct RetraceReadScan {
  AnModel *m;
  const AnHash *names;
  int loop;
  bool found;
} RetraceReadScan;

static bool retrace__read_visit(TSNode n, void *ctx) {
  RetraceReadScan *r = ctx;
  if (r->found) return false;
  if (an_sym(r->m->lang, n) != AN_SYM_identifier) return true;
  uint32_t len;
  const char *t = an_text(r->m->src, n, &len);
  r->found = an_hash_get(r->names, r->loop, t, len) > 0;
  return false;
}

/* The loop around factory call `c` changes in place the object of a name
 * the factory `outer` mentions, or the object the factory is a method of
 * (`trainer` in `trainer.make_step()`): a Function made once would keep
 * what its first trace read. */
static bool retrace__loop_changes_state(AnModel *m, const AnCall *c, TSNode loop, int outer) {
  AnRetraceCache *cache = retrace__cache(m);
  if (!cache) return true;
  int at = (int)ts_node_start_byte(loop);
  if (an_hash_get(&cache->loop_state, at, "", 0) < 0) {
    RetraceStateScan scan = {m, &cache->loop_state, at};
    an_walk_named(an_field(m->lang, loop, AN_FIELD_body), retrace__state_visit, &scan);
    an_hash_put(&m->arena, &cache->loop_state, at, "", 0, 0);
  }
  TSNode recv = ts_node_is_null(c->object) ? c->object : retrace__base_name(m, c->object);
  uint32_t len;
  const char *t = ts_node_is_null(recv) ? NULL : an_text(m->src, recv, &len);
  if (t && an_hash_get(&cache->loop_state, at, t, len) > 0) return true;
  RetraceReadScan read = {m, &cache->loop_state, at, false};
  an_walk_named(AN_FUNC(m, outer)->node, retrace__read_visit, &read);
  return read.found;
}

/* A call of factory `outer` in an eager loop, with arguments that do not
 * change from one iteration to the next and a result used in that same
 * iteration: each iteration builds an identical Function with an empty
 * cache. Arguments that change (one Function per model or optimizer) are
 * the guide's own pattern and are left alone. */
static const AnCall *retrace__factory_loop_call(AnModel *m, int outer, TSNode inner, TSNode *loop_out) {
  AnCallIds to = an_calls_to(m, outer);
  for (uint32_t i = 0; i < to.count; i++) {
    const AnCall *c = AN_CALL_AT(m, to, i);
    if (!c->ctx.loop_depth || (c->ctx.func >= 0 && an_in_graph(m, c->ctx.func))) continue;
    TSNode loops[AN_RETRACE_MAX_LOOPS];
    if (!an_retrace_loops(m, c->node, c->ctx.func, loops, AN_RETRACE_MAX_LOOPS)) continue;
    TSNode args = an_field(m->lang, c->node, AN_FIELD_arguments);
    /* `make_step()`: nothing to vary, and no scan of the loop's sites. */
    bool some = !ts_node_is_null(args) && ts_node_named_child_count(args) > 0;
    if (some && an_retrace_varying_name(m, args, loops[0], c->ctx.func)) continue;
    /* A name the Function reads (a model rebuilt per iteration) changes
     * with the loop: a graph traced once would keep the old value. */
    if (!ts_node_is_null(inner)) {
      RetraceFreeScan r = {m, inner, loops[0], c->ctx.func, false};
      an_walk(inner, retrace__free_visit, &r);
      if (r.found) continue;
    }
    if (!retrace__used_in_loop(m, c, loops[0]) || retrace__loop_changes_state(m, c, loops[0], outer)) continue;
    *loop_out = loops[0];
    return c;
  }
  return NULL;
}

static void retrace__factory(AnModel *m, int outer, TSNode site, const char *name, TSNode inner) {
  TSNode loop;
  const AnCall *c = retrace__factory_loop_call(m, outer, inner, &loop);
  if (!c) return;
  AnFunc *b = AN_FUNC(m, outer);
  AnFinding *f = an_emit_node(m, AN_RULE_HYBRID_FUNCTION_DEFINED_IN_FUNCTION, site, outer,
                              "'%s' is a tf.function that '%s' creates and returns, and '%s' is called with the same "
                              "arguments on every iteration of a loop (line %u), so each iteration traces a new "
                              "graph; call '%s' once before the loop and reuse its result",
                              name ? name : an_snippet(m, site), b->qualname, b->qualname,
                              ts_node_start_point(c->node).row + 1, b->qualname);
  an_finding_related(m, f, c->node, "'%s' is called here, inside the loop", b->qualname);
  an_finding_related(m, f, loop, "the loop");
}

static void retrace__nested(AnModel *m, int outer, TSNode site, const char *name, TSNode call, TSNode inner) {
  if (outer < 0 || an_in_graph(m, outer)) return;
  if (retrace__returned(m, outer, name, call)) {
    if (!retrace__captures_fresh_state(m, outer, inner)) retrace__factory(m, outer, site, name, inner);
    return;
  }
  if (retrace__kept(m, outer, name, call)) return;
  if (retrace__captures_fresh_state(m, outer, inner)) return;
  TSNode rep = an_retrace_repeated_call(m, outer);
  AnFunc *b = AN_FUNC(m, outer);
  const char *every = ts_node_is_null(rep) ? retrace__keras_hook(m, outer) : NULL;
  if (every) {
    an_emit_node(m, AN_RULE_HYBRID_FUNCTION_DEFINED_IN_FUNCTION, site, outer,
                 "'%s' is a tf.function created anew every time '%s' runs, and Keras calls '%s' on every %s, "
                 "so each %s traces a new graph; create it once in __init__ and reuse it",
                 name ? name : an_snippet(m, site), b->qualname, b->name, every, every);
    return;
  }
  if (ts_node_is_null(rep)) return;
  AnFinding *f = an_emit_node(m, AN_RULE_HYBRID_FUNCTION_DEFINED_IN_FUNCTION, site, outer,
                              "'%s' is a tf.function created anew every time '%s' runs, and '%s' runs repeatedly "
                              "(line %u), so its graphs are never reused; create it once at module level or cache "
                              "it on the object",
                              name ? name : an_snippet(m, site), b->qualname, b->qualname, ts_node_start_point(rep).row + 1);
  an_finding_related(m, f, rep, "'%s' is called here", b->qualname);
}

void an_check_HY106(AnModel *m) {
  for (uint32_t i = 0; i < m->funcs.count; i++) {
    AnFunc *f = AN_FUNC(m, i);
    if (f->via != AN_VIA_DECORATOR || f->loop_depth || f->parent < 0) continue;
    TSNode none = {{0}, NULL, NULL};
    retrace__nested(m, f->parent, f->hybrid_site, f->name, none, f->node);
  }
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (c->ctx.loop_depth || c->ctx.func < 0 || !retrace__plain_wrapper(m, c)) continue;
    TSNode p = ts_node_parent(c->node);
    const char *name = NULL;
    if (an_sym(m->lang, p) == AN_SYM_assignment && an_sym(m->lang, an_field(m->lang, p, AN_FIELD_left)) == AN_SYM_identifier)
      name = an_snippet(m, an_field(m->lang, p, AN_FIELD_left));
    /* The wrapped callable: a lambda or local def in `outer`. */
    TSNode inner = an_call_arg(m->lang, c->node, 0);
    int target = ts_node_is_null(inner) ? -1 : an_resolve_function(m, inner, c->ctx.func);
    TSNode body = target >= 0 && AN_FUNC(m, target)->parent == c->ctx.func ? AN_FUNC(m, target)->node : (TSNode){{0}, NULL, NULL};
    retrace__nested(m, c->ctx.func, c->node, name, c->node, body);
  }
}

typedef struct RetraceGlobalScan {
  AnModel *m;
  int func;
  bool local;
} RetraceGlobalScan;

/* Finds a name whose meaning at module level is not the one it has at the
 * call: anything but an import or a builtin (a parameter, a local, or a
 * module global that may be bound only after the definition). */
static bool retrace__global_visit(TSNode n, void *ctx) {
  RetraceGlobalScan *g = ctx;
  AnModel *m = g->m;
  if (g->local) return false;
  if (an_sym(m->lang, n) != AN_SYM_identifier) return true;
  TSNode p = ts_node_parent(n);
  AnSym ps = an_sym(m->lang, p);
  if (ps == AN_SYM_keyword_argument && ts_node_eq(an_field(m->lang, p, AN_FIELD_name), n)) return false;
  if (ps == AN_SYM_attribute && ts_node_eq(an_field(m->lang, p, AN_FIELD_attribute), n)) return false;
  if (!an_dotted(m, n, g->func)) g->local = true;
  return false;
}

/* The arguments of `tf.function(f, ...)` after f mean the same at module
 * level: the wrapper moves there. */
static bool retrace__args_global(AnModel *m, TSNode inner, int func) {
  TSNode args = an_field(m->lang, inner, AN_FIELD_arguments);
  RetraceGlobalScan g = {m, func, false};
  uint32_t n = ts_node_is_null(args) ? 0 : ts_node_named_child_count(args);
  for (uint32_t i = 1; i < n && !g.local; i++) an_walk_named(ts_node_named_child(args, i), retrace__global_visit, &g);
  return !g.local;
}

/* `tf.function(f)(x)` -> `f_graph(x)` with `f_graph = tf.function(f)` after
 * f's definition, when f is defined at the top of the module (not inside
 * an `if` or `try`, where a line at column 0 would end the block). */
static void retrace__invoke_fix(AnModel *m, AnFinding *fd, TSNode inner, int func) {
  TSNode arg = an_call_arg(m->lang, inner, 0);
  if (!fd || an_sym(m->lang, arg) != AN_SYM_identifier) return;
  int target = an_resolve_function(m, arg, func);
  if (target < 0 || AN_FUNC(m, target)->parent >= 0 || AN_FUNC(m, target)->cls >= 0) return;
  TSNode outer = AN_FUNC(m, target)->outer;
  if (an_sym(m->lang, ts_node_parent(outer)) != AN_SYM_module || !retrace__args_global(m, inner, func)) return;
  const char *name = an_arena_printf(&m->arena, "%s_graph", AN_FUNC(m, target)->name);
  if (!name || an_name_shadowed(m, name, func)) return;
  uint32_t len;
  const char *t = an_text(m->src, inner, &len);
  AnFix *fix = an_finding_fix(m, fd, an_arena_printf(&m->arena, "Wrap once as '%s' at module level", name), true);
  uint32_t after = ts_node_end_byte(outer);
  const char *nl = an_newline(m);
  an_fix_edit(m, fix, after, after, an_arena_printf(&m->arena, "%s%s%s%s = %.*s", nl, nl, nl, name, (int)len, t));
  an_fix_edit(m, fix, ts_node_start_byte(inner), ts_node_end_byte(inner), name);
}

void an_check_HY107(AnModel *m) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    TSNode inner = an_unparen(m->lang, c->fn);
    if (an_sym(m->lang, inner) != AN_SYM_call || an_in_graph(m, c->ctx.func)) continue;
    const char *d = an_dotted(m, an_field(m->lang, inner, AN_FIELD_function), c->ctx.func);
    if (!d || strcmp(d, "tensorflow.function") != 0) continue;
    /* A module-level statement runs once, and so does a test method's own
     * body: the test runner calls it once, so hoisting the wrapper saves no
     * trace (tf.function(f)(x) is how tests check f in graph mode). */
    if (!c->ctx.loop_depth && (c->ctx.func < 0 || an_test_method(m, c->ctx.func))) continue;
    AnFinding *f = an_emit_node(m, AN_RULE_IMMEDIATELY_INVOKED_TF_FUNCTION, inner, c->ctx.func,
                                "'%s(...)' wraps and calls in one expression: every time this line runs it creates "
                                "a new tf.function and traces it again; wrap once and reuse the result",
                                an_snippet(m, inner));
    retrace__invoke_fix(m, f, inner, c->ctx.func);
  }
}

/* --- HY114 missing-input-signature --------------------------------------- */

typedef struct ShapeScan {
  AnModel *m;
  bool found;
} ShapeScan;

static bool retrace__shape_visit(TSNode n, void *ctx) {
  ShapeScan *s = ctx;
  if (s->found) return false;
  if (an_sym(s->m->lang, n) == AN_SYM_subscript) {
    TSNode v = an_unparen(s->m->lang, an_field(s->m->lang, n, AN_FIELD_value));
    if (an_sym(s->m->lang, v) == AN_SYM_attribute && an_text_eq(s->m->src, an_field(s->m->lang, v, AN_FIELD_attribute), "shape"))
      s->found = true;
  }
  return true;
}

/* The call's arguments are all module globals bound once, not by a loop
 * (`train(X, Y)`): the same tensors, so the same shapes, on every call. */
static bool retrace__fixed_args(AnModel *m, const AnCall *c) {
  TSNode args = an_field(m->lang, c->node, AN_FIELD_arguments);
  if (ts_node_is_null(args) || an_sym(m->lang, args) != AN_SYM_argument_list) return false;
  uint32_t n = ts_node_named_child_count(args);
  for (uint32_t i = 0; i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    if (an_sym(m->lang, a) == AN_SYM_comment) continue;
    if (an_sym(m->lang, a) != AN_SYM_identifier) return false;
    uint32_t len;
    const char *t = an_text(m->src, a, &len);
    for (int f = c->ctx.func; f >= 0; f = AN_FUNC(m, f)->parent)
      if (an_hash_get(&m->binding_map, f, t, len) >= 0) return false;
    int b = an_hash_get(&m->binding_map, AN_SCOPE_MODULE, t, len);
    if (b < 0) return false;
    const AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, b);
    if (bd->next >= 0 || bd->from_for) return false;
  }
  return true;
}

void an_check_HY114(AnModel *m) {
  for (uint32_t i = 0; i < m->funcs.count; i++) {
    AnFunc *f = AN_FUNC(m, i);
    if (!retrace__hybrid(f) || f->parent >= 0 || f->is_lambda || ts_node_is_null(f->name_node)) continue;
    if (!ts_node_is_null(f->tf.input_signature) || f->tf.reduce_retracing == 1) continue;
    bool any = false, all_tensor = true;
    for (uint32_t p = 0; p < f->param_count; p++) {
      AnParam *pa = &f->params[p];
      if (pa->is_self) continue;
      if (!ts_node_is_null(pa->default_value) && !pa->overridden) continue;
      any = true;
      if (!an_kind_is_tensor(pa->kind) || !pa->kind_from_calls || pa->star || pa->dstar) all_tensor = false;
    }
    if (!any || !all_tensor) continue;
    /* Repeated calls from at least two call sites (call patterns). */
    TSNode loop_call = {{0}, NULL, NULL};
    uint32_t sites = 0;
    const char *pattern = NULL; /* the one fixed argument list, while every site has it */
    bool one_pattern = true;
    AnCallIds to = an_calls_to(m, (int)i);
    for (uint32_t k = 0; k < to.count; k++) {
      AnCall *c = AN_CALL_AT(m, to, k);
      if (an_in_graph(m, c->ctx.func)) continue;
      sites++;
      if (c->ctx.loop_depth && ts_node_is_null(loop_call)) loop_call = c->node;
      const char *args = one_pattern && retrace__fixed_args(m, c)
                             ? an_snippet(m, an_field(m->lang, c->node, AN_FIELD_arguments))
                             : NULL;
      one_pattern = args && (!pattern || strcmp(pattern, args) == 0);
      pattern = args;
    }
    if (ts_node_is_null(loop_call) || sites < 2 || one_pattern) continue;
    ShapeScan scan = {m, false};
    an_walk(f->node, retrace__shape_visit, &scan);
    if (scan.found) continue;
    AnFinding *fd = an_emit_node(m, AN_RULE_MISSING_INPUT_SIGNATURE, f->name_node, (int)i,
                                 "'%s' is called repeatedly with tensors (line %u) but has no input_signature; every "
                                 "new input shape or dtype traces a new graph. An input_signature fixes the shapes and "
                                 "dtypes it accepts",
                                 f->qualname, ts_node_start_point(loop_call).row + 1);
    an_finding_related(m, fd, loop_call, "called in a loop here");
  }
}
