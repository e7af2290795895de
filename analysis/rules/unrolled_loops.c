/* Python loops that tracing unrolls into the graph: HY109 a `for` over
 * range() of a Python int, HY110 a `for` over NumPy or Python data.
 *
 * A `for` whose iterable is not a tensor or a dataset stays a Python loop
 * under AutoGraph: it runs while the function is traced, and every TF op its
 * body creates is recorded once per iteration. A few iterations are normal
 * (layers, heads, scales); the rules report only what the model proves to
 * be long (a known count at or above HY_UNROLL_SMALL, a bound named like an
 * iteration count, a static dimension) or data (NumPy arrays, pandas
 * objects, long literal lists and dicts of numbers), and only when the body
 * records TF ops. Lists of other things (layers, names) are structure that
 * must stay Python, so HY109 leaves list loops alone and HY110 takes the
 * lists of numbers. */
#include <stdlib.h>
#include <string.h>

#include "analysis/rules/rules.h"

/* Iteration counts below this are intentional unrolling (rules.md: "small
 * fixed N"); from HY_UNROLL_LARGE on HY109 is a warning. */
#define HY_UNROLL_SMALL 10
#define HY_UNROLL_LARGE 100
#define UNROLL_MAX_DEPTH 6

/* --- constant values ----------------------------------------------------- */

static bool unroll__int_literal(AnModel *m, TSNode e, long *out) {
  uint32_t len;
  const char *t = an_text(m->src, e, &len);
  char buf[32];
  uint32_t k = 0;
  for (uint32_t i = 0; i < len && k + 1 < sizeof buf; i++)
    if (t[i] != '_') buf[k++] = t[i];
  buf[k] = '\0';
  char *end;
  long v = strtol(buf, &end, buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X') ? 16 : 10);
  if (*end != '\0' || k == 0) return false;
  *out = v;
  return true;
}

/* The value a name is bound to when the binding is unique: the single plain
 * assignment in the scope that owns it, or the default of a parameter no
 * caller overrides. Parameters given by callers and names bound several
 * times have no single value. */
static bool unroll__name_value(AnModel *m, TSNode id, int func, bool params, TSNode *value, int *vfunc) {
  uint32_t len;
  const char *t = an_text(m->src, id, &len);
  for (int f = func;; f = AN_FUNC(m, f)->parent) {
    int scope = f >= 0 ? f : AN_SCOPE_MODULE;
    int b = an_hash_get(&m->binding_map, scope, t, len);
    if (b >= 0) {
      AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, b);
      if (bd->next >= 0 || bd->from_for || bd->from_unpack || ts_node_is_null(bd->value) ||
          an_sym(m->lang, bd->value) == AN_SYM_augmented_assignment)
        return false;
      *value = bd->value;
      *vfunc = f;
      return true;
    }
    if (f < 0) return false;
    AnFunc *fn = AN_FUNC(m, f);
    for (uint32_t i = 0; i < fn->param_count; i++) {
      AnParam *p = &fn->params[i];
      if (strlen(p->name) != len || memcmp(p->name, t, len) != 0) continue;
      if (!params || p->overridden || p->star || p->dstar || ts_node_is_null(p->default_value)) return false;
      *value = p->default_value;
      *vfunc = fn->parent;
      return true;
    }
  }
}

/* The value of `self.attr` when the class assigns it exactly once. */
static bool unroll__self_attr_value(AnModel *m, TSNode e, int func, TSNode *value, int *vfunc) {
  TSNode obj = an_field(m->lang, e, AN_FIELD_object), attr = an_field(m->lang, e, AN_FIELD_attribute);
  if (an_sym(m->lang, obj) != AN_SYM_identifier || !an_text_eq(m->src, obj, "self")) return false;
  int a = an_self_attr_binding(m, attr, func);
  if (a < 0) return false;
  AnAttrBinding *ab = &AN_VEC_AT(m->attrs, AnAttrBinding, a);
  if (ab->next >= 0 || ts_node_is_null(ab->value) || an_sym(m->lang, ab->value) == AN_SYM_augmented_assignment)
    return false;
  *value = ab->value;
  *vfunc = ab->func;
  return true;
}

static long unroll__literal_len(AnModel *m, TSNode e, int func, int depth);

/* A Python int known statically: literals, + - * // of those, names and
 * `self.attr` bound once to one, len() of a literal list. */
static bool unroll__const(AnModel *m, TSNode e, int func, int depth, long *out) {
  const AnLang *l = m->lang;
  e = an_unparen(l, e);
  if (ts_node_is_null(e) || depth > UNROLL_MAX_DEPTH) return false;
  TSNode value;
  int vfunc;
  switch (an_sym(l, e)) {
  case AN_SYM_integer:
    return unroll__int_literal(m, e, out);
  case AN_SYM_unary_operator: {
    long v;
    if (!unroll__const(m, an_field(l, e, AN_FIELD_argument), func, depth + 1, &v)) return false;
    TSNode op = an_field(l, e, AN_FIELD_operator);
    if (!ts_node_is_null(op) && an_text_eq(m->src, op, "-")) v = -v;
    else if (ts_node_is_null(op) || !an_text_eq(m->src, op, "+")) return false;
    *out = v;
    return true;
  }
  case AN_SYM_binary_operator: {
    long a, b;
    TSNode op = an_field(l, e, AN_FIELD_operator);
    if (ts_node_is_null(op) || !unroll__const(m, an_field(l, e, AN_FIELD_left), func, depth + 1, &a) ||
        !unroll__const(m, an_field(l, e, AN_FIELD_right), func, depth + 1, &b) || labs(a) > 1000000000L ||
        labs(b) > 1000000000L)
      return false;
    if (an_text_eq(m->src, op, "+")) *out = a + b;
    else if (an_text_eq(m->src, op, "-")) *out = a - b;
    else if (an_text_eq(m->src, op, "*")) *out = a * b;
    else if (an_text_eq(m->src, op, "//") && b > 0 && a >= 0) *out = a / b;
    else return false;
    return true;
  }
  case AN_SYM_identifier:
    return unroll__name_value(m, e, func, true, &value, &vfunc) && unroll__const(m, value, vfunc, depth + 1, out);
  case AN_SYM_attribute:
    return unroll__self_attr_value(m, e, func, &value, &vfunc) && unroll__const(m, value, vfunc, depth + 1, out);
  case AN_SYM_call: {
    const char *d = an_dotted(m, an_field(l, e, AN_FIELD_function), func);
    if (!d || strcmp(d, "builtins.len") != 0 || an_call_argc(l, e) != 1) return false;
    long n = unroll__literal_len(m, an_call_arg(l, e, 0), func, depth + 1);
    if (n < 0) return false;
    *out = n;
    return true;
  }
  default:
    return false;
  }
}

/* Length of a list/tuple literal (or a name bound once to one), -1. */
static long unroll__literal_len(AnModel *m, TSNode e, int func, int depth) {
  e = an_unparen(m->lang, e);
  if (depth > UNROLL_MAX_DEPTH) return -1;
  AnSym s = an_sym(m->lang, e);
  if (s == AN_SYM_list || s == AN_SYM_tuple) {
    uint32_t n = ts_node_named_child_count(e);
    for (uint32_t i = 0; i < n; i++) {
      AnSym c = an_sym(m->lang, ts_node_named_child(e, i));
      if (c == AN_SYM_list_splat || c == AN_SYM_comment) return -1;
    }
    return n;
  }
  TSNode value;
  int vfunc;
  if (s == AN_SYM_identifier && unroll__name_value(m, e, func, false, &value, &vfunc))
    return unroll__literal_len(m, value, vfunc, depth + 1);
  return -1;
}

/* --- what a loop body does ----------------------------------------------- */

/* True when the loop body records TensorFlow ops: a TF op call, a call
 * whose result is a tensor (layers, tensor methods, helpers returning
 * tensors), a `strategy.run` (its step is traced again on every call, once
 * per replica), or arithmetic on a tensor. Only the function's own records
 * in the body's byte range are read (document order). */
static bool unroll__records_ops(AnModel *m, int func, TSNode body) {
  uint32_t s = ts_node_start_byte(body), e = ts_node_end_byte(body);
  AN_FOR_CALLS_OF(m, func, c) {
    uint32_t at = ts_node_start_byte(c->node);
    if (at < s) continue;
    if (at >= e) break;
    AnKind k = an_api_kind(c->dotted);
    if (an_kind_is_tensor(k) || an_call_is(c, "tensorflow.print") ||
        (c->dotted && (an_dotted_has_prefix(c->dotted, "tensorflow.debugging") ||
                       an_dotted_has_prefix(c->dotted, "tensorflow.summary"))))
      return true;
    if (!c->dotted && an_kind_is_tensor(an_kind_of(m, c->node, func))) return true;
    if (an_call_runs_replicas(m, c)) return true;
  }
  AN_FOR_SITES_OF(m, func, site) {
    uint32_t at = ts_node_start_byte(site->node);
    if (at < s) continue;
    if (at >= e) break;
    if (site->kind != AN_SITE_ASSIGN) continue;
    TSNode right = an_unparen(m->lang, an_field(m->lang, site->node, AN_FIELD_right));
    bool aug = an_sym(m->lang, site->node) == AN_SYM_augmented_assignment;
    if (aug && an_kind_is_tensor(an_kind_of(m, an_field(m->lang, site->node, AN_FIELD_left), func))) return true;
    if ((aug || an_sym(m->lang, right) == AN_SYM_binary_operator) && an_kind_is_tensor(an_kind_of(m, right, func)))
      return true;
  }
  return false;
}

typedef struct UnrollIndexUse {
  AnModel *m;
  int func;
  const char *name;
  uint32_t len;
  bool structural;
} UnrollIndexUse;

/* `blocks[i]`, `self.heads[i]`: the loop variable picks an element of a
 * Python structure, which must stay a Python loop. Tensor indexing
 * (`x[:, i]`, or a value known to be a tensor) works with a tensor `i`. */
static bool unroll__index_visit(TSNode n, void *ctx) {
  UnrollIndexUse *u = ctx;
  const AnLang *l = u->m->lang;
  if (u->structural) return false;
  AnSym s = an_sym(l, n);
  if (s == AN_SYM_function_definition || s == AN_SYM_class_definition || s == AN_SYM_lambda) return false;
  if (s != AN_SYM_subscript) return true;
  TSNode index = an_field(l, n, AN_FIELD_subscript);
  if (ts_node_is_null(index) || !an_mentions(u->m, index, u->name, u->len)) return true;
  if (!ts_node_is_null(ts_node_next_named_sibling(index)) || an_sym(l, index) == AN_SYM_slice) return true;
  TSNode value = an_field(l, n, AN_FIELD_value);
  if (!an_kind_is_tensor(an_kind_of(u->m, value, u->func))) u->structural = true;
  return !u->structural;
}

static bool unroll__indexes_structure(AnModel *m, int func, TSNode target, TSNode body) {
  if (an_sym(m->lang, target) != AN_SYM_identifier) return false;
  UnrollIndexUse u = {m, func, NULL, 0, false};
  u.name = an_text(m->src, target, &u.len);
  an_walk_named(body, unroll__index_visit, &u);
  return u.structural;
}


/* --- HY109 python-loop-unrolled ------------------------------------------ */

/* Iterations of range(...) when every argument is a known int. */
static bool unroll__range_count(AnModel *m, TSNode call, int func, long *n) {
  uint32_t argc = an_call_argc(m->lang, call);
  long v[3] = {0, 0, 1};
  for (uint32_t i = 0; i < argc && i < 3; i++)
    if (!unroll__const(m, an_call_arg(m->lang, call, i), func, 0, &v[i])) return false;
  long start = argc == 1 ? 0 : v[0], stop = argc == 1 ? v[0] : v[1], step = argc == 3 ? v[2] : 1;
  if (step == 0) return false;
  long count = step > 0 ? (stop - start + step - 1) / step : (start - stop - step - 1) / -step;
  *n = count > 0 ? count : 0;
  return true;
}

static TSNode data__call_arg(AnModel *m, const AnCall *c, const AnFunc *fn, uint32_t p);

typedef struct UnrollRefs {
  AnModel *m;
  const char *name;
  uint32_t len, count;
} UnrollRefs;

static bool unroll__ref_visit(TSNode n, void *ctx) {
  UnrollRefs *r = ctx;
  if (an_sym(r->m->lang, n) != AN_SYM_identifier) return true;
  uint32_t len;
  const char *t = an_text(r->m->src, n, &len);
  if (len == r->len && memcmp(t, r->name, len) == 0) r->count++;
  return false;
}

/* True when the module names the function only in its definition and in
 * the `calls` seen: not passed as a callback, wrapped, or partially
 * applied, where callers we cannot see choose the argument. */
static bool unroll__only_called(AnModel *m, const AnFunc *fn, uint32_t calls) {
  UnrollRefs r = {m, fn->name, (uint32_t)strlen(fn->name), 0};
  an_walk(m->root, unroll__ref_visit, &r);
  return r.count == calls + 1;
}

/* The values calls pass for one parameter: the largest, whether they
 * differ, whether any call counted. */
typedef struct UnrollMax {
  long best, first;
  bool any, varies;
} UnrollMax;

/* Folds in what call `c` passes for parameter `p` of `fn` (or the default it
 * leaves); false when that is not a known int. */
static bool unroll__fold_arg(AnModel *m, const AnCall *c, const AnFunc *fn, uint32_t p, UnrollMax *acc) {
  TSNode arg = data__call_arg(m, c, fn, p);
  long v;
  bool known = ts_node_is_null(arg) ? !ts_node_is_null(fn->params[p].default_value) &&
                                          unroll__const(m, fn->params[p].default_value, fn->parent, 0, &v)
                                    : unroll__const(m, arg, c->ctx.func, 0, &v);
  if (!known) return false;
  if (!acc->any) acc->first = acc->best = v;
  acc->any = true;
  if (v != acc->first) acc->varies = true;
  if (v > acc->best) acc->best = v;
  return true;
}

/* The largest value a parameter bound takes when every caller is in view
 * (no other module uses the function) and each passes a known int or
 * leaves the known default: MAML's `inner_adapt(..., steps=10)` unrolls
 * 10 times at most, not an unknown count. *varies when callers differ. */
static bool unroll__param_max(AnModel *m, TSNode stop, int func, long *out, bool *varies) {
  const AnLang *l = m->lang;
  stop = an_unparen(l, stop);
  if (an_sym(l, stop) != AN_SYM_identifier) return false;
  AnFunc *fn = AN_FUNC(m, func);
  uint32_t len;
  const char *t = an_text(m->src, stop, &len);
  if (an_hash_get(&m->binding_map, func, t, len) >= 0) return false;
  uint32_t p = 0;
  while (p < fn->param_count && (strlen(fn->params[p].name) != len || memcmp(fn->params[p].name, t, len) != 0)) p++;
  /* Methods are called through objects the model may not resolve. */
  if (p == fn->param_count || fn->params[p].star || fn->params[p].dstar || fn->is_lambda || fn->cls >= 0)
    return false;
  if (m->index && an_index_used_elsewhere(m->index, m->module, fn->qualname)) return false;
  AnCallIds ids = an_calls_to(m, func);
  if (ids.count == 0 || !unroll__only_called(m, fn, ids.count)) return false;
  UnrollMax acc = {0};
  /* A helper that is in the graph only through its callers runs as plain
   * Python when called from eager code: MAML's `evaluate` adapting for 10
   * steps eagerly does not unroll anything into the meta-step's graph. A
   * root (tf.function, map callback) traces whoever calls it. */
  bool helper = fn->via == AN_VIA_NONE && fn->graph_from >= 0;
  for (uint32_t k = 0; k < ids.count; k++) {
    const AnCall *c = AN_CALL_AT(m, ids, k);
    if (helper && !an_graph_code(m, &c->ctx)) continue;
    if (!unroll__fold_arg(m, c, fn, p, &acc)) return false;
  }
  *out = acc.best;
  *varies = acc.varies;
  return acc.any;
}

/* Per class of the module, what its constructions look like, gathered in
 * one pass over the calls and one walk of the module when HY109 first
 * asks (a question per loop would walk the module per loop): the calls
 * constructing it by name (`first`/`ids`, a counting sort), how often its
 * name appears, and whether a method of it constructs "its own" class
 * (`cls(**config)` in Keras' from_config) with values we do not see. */
typedef struct UnrollCtors {
  bool built, failed;
  uint32_t *refs, *first, *ids;
  bool *self_built;
} UnrollCtors;

typedef struct UnrollClassRefs {
  AnModel *m;
  uint32_t *refs;
} UnrollClassRefs;

static bool unroll__class_ref_visit(TSNode n, void *ctx) {
  UnrollClassRefs *r = ctx;
  if (an_sym(r->m->lang, n) != AN_SYM_identifier) return true;
  uint32_t len;
  const char *t = an_text(r->m->src, n, &len);
  int k = an_hash_get(&r->m->class_map, AN_SCOPE_MODULE, t, len);
  if (k >= 0) r->refs[k]++;
  return false;
}

static bool unroll__ctors_build(AnModel *m, UnrollCtors *u) {
  const AnLang *l = m->lang;
  uint32_t nc = m->classes.count, ncalls = m->calls.count;
  u->built = true;
  u->refs = an_arena_alloc(&m->arena, sizeof *u->refs * (nc + 1));
  u->first = an_arena_alloc(&m->arena, sizeof *u->first * (nc + 2));
  u->self_built = an_arena_alloc(&m->arena, sizeof *u->self_built * (nc + 1));
  int *cls_of = an_arena_alloc(&m->arena, sizeof *cls_of * (ncalls + 1));
  u->ids = an_arena_alloc(&m->arena, sizeof *u->ids * (ncalls + 1));
  if (!u->refs || !u->first || !u->self_built || !cls_of || !u->ids) return !(u->failed = true);
  for (uint32_t i = 0; i < ncalls; i++) {
    const AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    TSNode callee = an_unparen(l, c->fn);
    if (c->ctx.cls >= 0 && an_sym(l, callee) == AN_SYM_identifier && an_text_eq(m->src, callee, "cls"))
      u->self_built[c->ctx.cls] = true;
    cls_of[i] = an_constructed_class(m, c->node);
    if (cls_of[i] >= 0) u->first[cls_of[i] + 2]++;
  }
  for (uint32_t k = 2; k < nc + 2; k++) u->first[k] += u->first[k - 1];
  for (uint32_t i = 0; i < ncalls; i++)
    if (cls_of[i] >= 0) u->ids[u->first[cls_of[i] + 1]++] = i;
  UnrollClassRefs r = {m, u->refs};
  an_walk(m->root, unroll__class_ref_visit, &r);
  return true;
}

/* The largest value `self.attr` holds when the class binds it once, in
 * `__init__`, to a parameter, and every construction of the class is in
 * view and passes a known int or leaves the known default: WGAN-GP's
 * `for i in range(self.d_steps)` with `WGAN(..., discriminator_extra_steps=3)`
 * unrolls 3 critic updates on purpose. A subclass, a factory or another
 * module naming the class may construct it with other values. */
static bool unroll__init_attr_max(AnModel *m, UnrollCtors *u, TSNode stop, int func, long *out, bool *varies) {
  const AnLang *l = m->lang;
  TSNode value;
  int init;
  stop = an_unparen(l, stop);
  if (an_sym(l, stop) != AN_SYM_attribute || !unroll__self_attr_value(m, stop, func, &value, &init) || init < 0)
    return false;
  AnFunc *fn = AN_FUNC(m, init);
  value = an_unparen(l, value);
  if (fn->cls < 0 || strcmp(fn->name, "__init__") != 0 || an_sym(l, value) != AN_SYM_identifier) return false;
  uint32_t len;
  const char *t = an_text(m->src, value, &len);
  if (an_hash_get(&m->binding_map, init, t, len) >= 0) return false;
  uint32_t p = 0;
  while (p < fn->param_count && (strlen(fn->params[p].name) != len || memcmp(fn->params[p].name, t, len) != 0)) p++;
  if (p == fn->param_count || fn->params[p].is_self || fn->params[p].star || fn->params[p].dstar) return false;
  if (AN_CLASS(m, fn->cls)->parent_func >= 0 ||
      (m->index && an_index_used_elsewhere(m->index, m->module, fn->qualname)))
    return false;
  if (!u->built) unroll__ctors_build(m, u);
  if (u->failed || u->self_built[fn->cls]) return false;
  uint32_t from = u->first[fn->cls], to = u->first[fn->cls + 1];
  /* The class name appears only in its definition and these calls. */
  if (from == to || u->refs[fn->cls] != to - from + 1) return false;
  UnrollMax acc = {0};
  for (uint32_t k = from; k < to; k++) {
    const AnCall *c = &AN_VEC_AT(m->calls, AnCall, u->ids[k]);
    if (an_call_has_splat(m->lang, c->node) || !unroll__fold_arg(m, c, fn, p, &acc)) return false;
  }
  *out = acc.best;
  *varies = acc.varies;
  return true;
}

/* The name a bound is spelled with: `num_steps`, `self.num_steps` and
 * `FLAGS.num_steps` all give "num_steps"; NULL for other expressions. */
static const char *unroll__bound_name(AnModel *m, TSNode e, uint32_t *len) {
  e = an_unparen(m->lang, e);
  if (an_sym(m->lang, e) == AN_SYM_attribute) e = an_field(m->lang, e, AN_FIELD_attribute);
  if (an_sym(m->lang, e) != AN_SYM_identifier) return NULL;
  return an_text(m->src, e, len);
}

/* Names of iteration counts, which configuration makes large (rules.md:
 * "unknown-but-config-like (num_steps, epochs)"): a word of the snake_case
 * name is one of the words below, or the name is a sequence length. */
static bool unroll__iteration_count_name(const char *name, uint32_t len) {
  static const char *const words[] = {"steps", "epochs", "iters", "iterations", "timesteps",
                                      "rounds", "updates", "maxlen", NULL};
  static const char *const length_of[] = {"seq", "sequence", "max", "time", "decode", NULL};
  bool has_len = false, has_seq = false;
  for (uint32_t s = 0; s < len;) {
    uint32_t e = s;
    while (e < len && name[e] != '_') e++;
    for (int i = 0; words[i]; i++)
      if (strlen(words[i]) == e - s && strncmp(name + s, words[i], e - s) == 0) return true;
    if ((e - s == 3 && strncmp(name + s, "len", 3) == 0) || (e - s == 6 && strncmp(name + s, "length", 6) == 0))
      has_len = true;
    for (int i = 0; length_of[i]; i++)
      if (strlen(length_of[i]) == e - s && strncmp(name + s, length_of[i], e - s) == 0) has_seq = true;
    s = e + 1;
  }
  return has_len && has_seq;
}

/* `x.shape[k]`, `x.shape.as_list()[k]`, `x.get_shape()[k]`, `int(...)` of
 * those: a static dimension, a Python int of unknown size. */
static bool unroll__static_dim(AnModel *m, TSNode e, int func) {
  const AnLang *l = m->lang;
  e = an_unparen(l, e);
  if (an_sym(l, e) == AN_SYM_call) {
    const char *d = an_dotted(m, an_field(l, e, AN_FIELD_function), func);
    return d && strcmp(d, "builtins.int") == 0 && an_call_argc(l, e) == 1 &&
           unroll__static_dim(m, an_call_arg(l, e, 0), func);
  }
  if (an_sym(l, e) != AN_SYM_subscript) return false;
  TSNode v = an_unparen(l, an_field(l, e, AN_FIELD_value));
  if (an_sym(l, v) == AN_SYM_call) {
    TSNode fn = an_field(l, v, AN_FIELD_function);
    if (an_sym(l, fn) != AN_SYM_attribute) return false;
    TSNode attr = an_field(l, fn, AN_FIELD_attribute);
    if (an_text_eq(m->src, attr, "get_shape")) return true;
    if (!an_text_eq(m->src, attr, "as_list")) return false;
    v = an_unparen(l, an_field(l, fn, AN_FIELD_object));
  }
  return an_sym(l, v) == AN_SYM_attribute && an_text_eq(m->src, an_field(l, v, AN_FIELD_attribute), "shape");
}

/* True unless `stop` reads an axis that the function's own input_signature
 * fixes: under a signature an open (or undescribed) axis is None while
 * tracing, which HY310 reports, not a Python int. */
static bool unroll__open_dim(AnModel *m, TSNode stop, int func) {
  const AnLang *l = m->lang;
  AnFunc *f = AN_FUNC(m, func);
  if (ts_node_is_null(f->tf.input_signature)) return false;
  TSNode e = an_unparen(l, stop);
  if (an_sym(l, e) != AN_SYM_subscript) return true;
  TSNode v = an_unparen(l, an_field(l, e, AN_FIELD_value)), k = an_unparen(l, an_field(l, e, AN_FIELD_subscript));
  if (an_sym(l, v) != AN_SYM_attribute || an_sym(l, k) != AN_SYM_integer ||
      !an_text_eq(m->src, an_field(l, v, AN_FIELD_attribute), "shape"))
    return true;
  TSNode obj = an_unparen(l, an_field(l, v, AN_FIELD_object));
  uint32_t pi = 0;
  while (pi < f->param_count && !an_text_eq(m->src, obj, f->params[pi].name)) pi++;
  AnTensorSpec spec;
  if (pi == f->param_count || !an_param_declared_spec(m, func, pi, &spec)) return true;
  uint32_t len;
  const char *t = an_text(m->src, k, &len);
  int axis = 0;
  for (uint32_t i = 0; i < len; i++) {
    if (t[i] < '0' || t[i] > '9' || axis > AN_SPEC_MAX_RANK) return true;
    axis = axis * 10 + (t[i] - '0');
  }
  return spec.rank < 0 || axis >= spec.rank || spec.dims[axis] < 0;
}

/* `range(...)` of Python ints (positional arguments only), else null. */
static TSNode unroll__python_range(AnModel *m, TSNode it, int func) {
  const AnLang *l = m->lang;
  TSNode none = {{0}, NULL, NULL};
  if (an_sym(l, it) != AN_SYM_call) return none;
  const char *d = an_dotted(m, an_field(l, it, AN_FIELD_function), func);
  TSNode args = an_field(l, it, AN_FIELD_arguments);
  uint32_t argc = an_call_argc(l, it);
  if (!d || strcmp(d, "builtins.range") != 0 || an_sym(l, args) != AN_SYM_argument_list || argc == 0 ||
      argc > 3 || ts_node_named_child_count(args) != argc)
    return none;
  for (uint32_t i = 0; i < argc; i++)
    if (an_kind_of(m, an_call_arg(l, it, i), func) != AN_KIND_PY_SCALAR) return none;
  return it;
}

/* "up to 64 times", "once per iteration ('steps' times)". */
static const char *unroll__times(AnModel *m, long n, bool up_to, const char *bound_text) {
  return n >= 0 ? an_arena_printf(&m->arena, "%s%ld times", up_to ? "up to " : "", n)
                : an_arena_printf(&m->arena, "once per iteration ('%s' times)", bound_text);
}

/* A large count raises the severity one level; the chain to the root is
 * the related information. */
static void unroll__finish(AnModel *m, AnFinding *f, bool large, int func) {
  if (large && f->severity > AN_SEV_ERROR) f->severity = (AnSeverity)(f->severity - 1);
  an_finding_related_chain(m, f, func);
}

static void unroll__report_range(AnModel *m, const AnSite *s, TSNode range, TSNode body, long n, bool up_to,
                                 bool large, const char *bound_text) {
  int func = s->ctx.func;
  const char *times = unroll__times(m, n, up_to, bound_text);
  AnFinding *f = an_emit_node(m, AN_RULE_PYTHON_LOOP_UNROLLED, range, func,
                              "`%s` in '%s' is a Python loop (range of a Python int): AutoGraph leaves it to "
                              "Python, so tracing runs it and copies its body's TensorFlow ops into the graph %s, "
                              "which makes tracing slow and the graph large; iterate over tf.range(...) to build "
                              "one TensorFlow loop",
                              an_loop_header(m, s->node, body), an_func_label(m, func), times);
  if (!f) return;
  unroll__finish(m, f, large, func);
  /* range -> tf.range: conditionally safe (rules.md HY109): the loop
   * variable becomes a tensor and loop-carried values must keep their
   * shape and dtype. */
  const char *tf = an_tf_alias(m);
  TSNode fn = an_field(m->lang, range, AN_FIELD_function);
  if (tf && an_sym(m->lang, fn) == AN_SYM_identifier) {
    AnFix *fix = an_finding_fix(m, f, "Iterate over tf.range (a TensorFlow loop)", false);
    an_fix_edit(m, fix, ts_node_start_byte(fn), ts_node_end_byte(fn), an_arena_printf(&m->arena, "%s.range", tf));
  }
}

/* A comprehension over range() in graph code: AutoGraph never converts
 * comprehensions (with a tensor range they fail), so it unrolls like a
 * Python for loop; the way out is vectorized ops or a TensorFlow loop
 * filling a tf.TensorArray, not tf.range in place, so no quick fix. */
static void unroll__report_comprehension(AnModel *m, const AnSite *s, TSNode range, long n, bool up_to, bool large,
                                         const char *bound_text) {
  int func = s->ctx.func;
  const char *times = unroll__times(m, n, up_to, bound_text);
  AnFinding *f = an_emit_node(m, AN_RULE_PYTHON_LOOP_UNROLLED, range, func,
                              "`%s` in '%s' is a comprehension over a range of a Python int: AutoGraph never "
                              "converts comprehensions, so tracing runs it and copies its TensorFlow ops into the "
                              "graph %s, which makes tracing slow and the graph large; use vectorized ops, "
                              "tf.vectorized_map, or a tf.range loop writing to a tf.TensorArray",
                              an_snippet(m, s->node), an_func_label(m, func), times);
  if (f) unroll__finish(m, f, large, func);
}

/* The body a `for` site repeats: the statement's block, or for a
 * comprehension clause the element it builds (null for other shapes). */
static TSNode unroll__site_body(AnModel *m, const AnSite *s) {
  const AnLang *l = m->lang;
  if (s->kind == AN_SITE_FOR) return an_field(l, s->node, AN_FIELD_body);
  TSNode none = {{0}, NULL, NULL}, comp = an_parent(m, s->node, s->ctx.func);
  AnSym cs = an_sym(l, comp);
  if (cs != AN_SYM_list_comprehension && cs != AN_SYM_set_comprehension && cs != AN_SYM_dictionary_comprehension &&
      cs != AN_SYM_generator_expression)
    return none;
  return an_field(l, comp, AN_FIELD_body);
}

void an_check_HY109(AnModel *m) {
  const AnLang *l = m->lang;
  UnrollCtors ctors = {0};
  for (uint32_t i = 0; i < m->sites.count; i++) {
    AnSite *s = &AN_VEC_AT(m->sites, AnSite, i);
    int func = s->ctx.func;
    if ((s->kind != AN_SITE_FOR && s->kind != AN_SITE_COMP_FOR) || func < 0 || !an_graph_code(m, &s->ctx) ||
        !AN_FUNC(m, func)->autograph)
      continue;
    TSNode range = unroll__python_range(m, an_unparen(l, an_field(l, s->node, AN_FIELD_right)), func);
    TSNode body = unroll__site_body(m, s);
    if (ts_node_is_null(range) || ts_node_is_null(body)) continue;
    long n = -1;
    bool large;
    const char *bound_text = NULL;
    TSNode stop = an_call_arg(l, range, an_call_argc(l, range) == 1 ? 0 : 1);
    bool varies = false;
    if (unroll__range_count(m, range, func, &n) ||
        (an_call_argc(l, range) == 1 && (unroll__param_max(m, stop, func, &n, &varies) ||
                                         unroll__init_attr_max(m, &ctors, stop, func, &n, &varies)))) {
      if (n < HY_UNROLL_SMALL) continue; /* intentional unrolling */
      large = n >= HY_UNROLL_LARGE;
    } else {
      uint32_t len = 0;
      const char *name = unroll__bound_name(m, stop, &len);
      large = name && unroll__iteration_count_name(name, len);
      /* Other unknown bounds (num_layers, n) are as often small structure
       * as long loops: only a static dimension is reported, as info. */
      if (!large && !unroll__static_dim(m, stop, func)) continue;
      if (unroll__open_dim(m, stop, func)) continue;
      bound_text = an_snippet(m, stop);
      n = -1;
    }
    if (!unroll__records_ops(m, func, body) ||
        unroll__indexes_structure(m, func, an_field(l, s->node, AN_FIELD_left), body))
      continue;
    if (s->kind == AN_SITE_COMP_FOR)
      unroll__report_comprehension(m, s, range, n, varies, large, bound_text);
    else
      unroll__report_range(m, s, range, body, n, varies, large, bound_text);
  }
}

/* --- HY110 python-data-loop-in-graph -------------------------------------- */

typedef enum UnrollData { DATA_NONE = 0, DATA_NUMPY, DATA_PANDAS, DATA_LIST, DATA_DICT } UnrollData;

/* A number literal, or a (nested) list/tuple of them: one data record. */
static bool data__number(AnModel *m, TSNode e, int depth) {
  const AnLang *l = m->lang;
  /* `- - - ... 1` nests as deep as the user types. */
  if (depth > 64) return false;
  e = an_unparen(l, e);
  switch (an_sym(l, e)) {
  case AN_SYM_integer:
  case AN_SYM_float:
    return true;
  case AN_SYM_unary_operator:
    return data__number(m, an_field(l, e, AN_FIELD_argument), depth + 1);
  case AN_SYM_list:
  case AN_SYM_tuple: {
    uint32_t n = ts_node_named_child_count(e);
    if (n == 0 || depth > 3) return false;
    for (uint32_t i = 0; i < n; i++)
      if (!data__number(m, ts_node_named_child(e, i), depth + 1)) return false;
    return true;
  }
  default:
    return false;
  }
}

/* Entries of a list/tuple literal of numbers, -1 when it is not one. */
static long data__number_list(AnModel *m, TSNode e) {
  AnSym s = an_sym(m->lang, e);
  if (s != AN_SYM_list && s != AN_SYM_tuple) return -1;
  uint32_t n = ts_node_named_child_count(e);
  if (n == 0) return -1;
  for (uint32_t i = 0; i < n; i++)
    if (!data__number(m, ts_node_named_child(e, i), 1)) return -1;
  return n;
}

/* Entries of a dict literal whose values are numbers, -1 otherwise. */
static long data__number_dict(AnModel *m, TSNode e) {
  if (an_sym(m->lang, e) != AN_SYM_dictionary) return -1;
  uint32_t n = ts_node_named_child_count(e);
  if (n == 0) return -1;
  for (uint32_t i = 0; i < n; i++) {
    TSNode pair = ts_node_named_child(e, i);
    if (an_sym(m->lang, pair) != AN_SYM_pair || !data__number(m, an_field(m->lang, pair, AN_FIELD_value), 1))
      return -1;
  }
  return n;
}

static bool data__tensor_arg(AnModel *m, TSNode call, int func) {
  uint32_t argc = an_call_argc(m->lang, call);
  for (uint32_t i = 0; i < argc; i++)
    if (an_kind_is_tensor(an_kind_of(m, an_call_arg(m->lang, call, i), func))) return true;
  return false;
}

/* NumPy functions that make arrays (not scalars or shapes). */
static bool data__numpy_array_api(const char *d) {
  static const char *const makers[] = {
      "numpy.array", "numpy.asarray", "numpy.arange", "numpy.linspace", "numpy.logspace", "numpy.load",
      "numpy.loadtxt", "numpy.genfromtxt", "numpy.fromfile", "numpy.frombuffer", "numpy.zeros", "numpy.ones",
      "numpy.full", "numpy.empty", "numpy.eye", "numpy.identity", "numpy.concatenate", "numpy.stack",
      "numpy.vstack", "numpy.hstack", "numpy.tile", "numpy.repeat", "numpy.reshape", "numpy.sort", "numpy.unique",
      NULL};
  for (int i = 0; makers[i]; i++)
    if (strcmp(d, makers[i]) == 0) return true;
  return an_dotted_has_prefix(d, "numpy.random") && an_api_kind(d) == AN_KIND_NUMPY;
}

/* pandas functions that make frames or series. */
static bool data__pandas_api(const char *d) {
  return strncmp(d, "pandas.read_", 12) == 0 || strcmp(d, "pandas.DataFrame") == 0 ||
         strcmp(d, "pandas.Series") == 0 || strcmp(d, "pandas.concat") == 0;
}

/* Methods of a NumPy array giving an array (or its rows as a list), and of
 * a pandas object giving its rows or values. */
static const char *const data__numpy_arrays[] = {"reshape", "astype", "flatten", "ravel", "copy", "tolist",
                                                 "squeeze", "transpose", NULL};
static const char *const data__pandas_rows[] = {"iterrows", "itertuples", "items", "to_numpy", "to_list",
                                                "tolist", "head", "tail", "sample", "dropna", NULL};

static bool data__in_text(AnModel *m, TSNode n, const char *const *list) {
  for (int i = 0; list[i]; i++)
    if (an_text_eq(m->src, n, list[i])) return true;
  return false;
}

/* Where the value of `e` proveably is Python or NumPy data: a NumPy or
 * pandas call (not on tensors), a literal list or dict of numbers, what a
 * NumPy/pandas value's methods, attributes and subscripts give, `.items()`
 * of a data dict, and names bound once to any of those. *len gets the
 * number of elements when it is known, else -1. */
static UnrollData data__origin(AnModel *m, TSNode e, int func, int depth, long *len, TSNode *origin) {
  const AnLang *l = m->lang;
  e = an_unparen(l, e);
  *len = -1;
  if (ts_node_is_null(e) || depth > UNROLL_MAX_DEPTH) return DATA_NONE;
  TSNode value;
  int vfunc;
  long n;
  switch (an_sym(l, e)) {
  case AN_SYM_list:
  case AN_SYM_tuple:
    if ((n = data__number_list(m, e)) < 0) return DATA_NONE;
    *len = n;
    *origin = e;
    return DATA_LIST;
  case AN_SYM_dictionary:
    if ((n = data__number_dict(m, e)) < 0) return DATA_NONE;
    *len = n;
    *origin = e;
    return DATA_DICT;
  case AN_SYM_binary_operator: { /* [(1, 1)] * 1000 */
    TSNode op = an_field(l, e, AN_FIELD_operator), a = an_unparen(l, an_field(l, e, AN_FIELD_left)),
           b = an_unparen(l, an_field(l, e, AN_FIELD_right));
    long k, items = data__number_list(m, a);
    if (ts_node_is_null(op) || !an_text_eq(m->src, op, "*") || items < 0 || !unroll__const(m, b, func, 0, &k) ||
        k < 0 || k > 1000000000L)
      return DATA_NONE;
    *len = items * k;
    *origin = e;
    return DATA_LIST;
  }
  case AN_SYM_identifier:
    if (!unroll__name_value(m, e, func, false, &value, &vfunc)) return DATA_NONE;
    return data__origin(m, value, vfunc, depth + 1, len, origin);
  case AN_SYM_subscript:
  case AN_SYM_attribute: {
    TSNode obj = an_field(l, e, an_sym(l, e) == AN_SYM_subscript ? AN_FIELD_value : AN_FIELD_object);
    if (an_sym(l, e) == AN_SYM_attribute && unroll__self_attr_value(m, e, func, &value, &vfunc))
      return data__origin(m, value, vfunc, depth + 1, len, origin);
    long ignored;
    UnrollData k = data__origin(m, obj, func, depth + 1, &ignored, origin);
    if (an_sym(l, e) == AN_SYM_attribute) {
      /* `arr.shape`, `df.columns`: small structure, not the data. */
      TSNode attr = an_field(l, e, AN_FIELD_attribute);
      if (k == DATA_NUMPY && (an_text_eq(m->src, attr, "T") || an_text_eq(m->src, attr, "flat"))) return k;
      if (k == DATA_PANDAS && an_text_eq(m->src, attr, "values")) return k;
      return DATA_NONE;
    }
    return k == DATA_NUMPY || k == DATA_PANDAS ? k : DATA_NONE;
  }
  case AN_SYM_call: {
    TSNode fn = an_field(l, e, AN_FIELD_function);
    const char *d = an_dotted(m, fn, func);
    if (d && data__numpy_array_api(d)) {
      if (data__tensor_arg(m, e, func)) return DATA_NONE; /* HY208's */
      *origin = e;
      if (strcmp(d, "numpy.arange") == 0 && !unroll__range_count(m, e, func, len)) *len = -1;
      if (strcmp(d, "numpy.array") == 0 || strcmp(d, "numpy.asarray") == 0) {
        TSNode a0 = an_unparen(l, an_call_arg(l, e, 0));
        *len = an_sym(l, a0) == AN_SYM_list || an_sym(l, a0) == AN_SYM_tuple ? data__number_list(m, a0) : -1;
      }
      return DATA_NUMPY;
    }
    if (d && data__pandas_api(d)) {
      *origin = e;
      return DATA_PANDAS;
    }
    if (d || an_sym(l, fn) != AN_SYM_attribute) return DATA_NONE;
    long inner;
    UnrollData k = data__origin(m, an_field(l, fn, AN_FIELD_object), func, depth + 1, &inner, origin);
    TSNode method = an_field(l, fn, AN_FIELD_attribute);
    if (k == DATA_PANDAS && !data__in_text(m, method, data__pandas_rows)) return DATA_NONE;
    if (k == DATA_NUMPY && !data__in_text(m, method, data__numpy_arrays)) return DATA_NONE;
    if (k == DATA_DICT && (an_text_eq(m->src, method, "items") || an_text_eq(m->src, method, "values") ||
                           an_text_eq(m->src, method, "keys"))) {
      *len = inner;
      return DATA_DICT;
    }
    if (k == DATA_NUMPY && (an_text_eq(m->src, method, "tolist") || an_text_eq(m->src, method, "copy")))
      *len = inner;
    return k == DATA_NUMPY || k == DATA_PANDAS ? k : DATA_NONE;
  }
  default:
    return DATA_NONE;
  }
}

/* The argument a call passes for parameter `p` of `fn`, null when the
 * binding is not visible (splats) or the default is used. */
static TSNode data__call_arg(AnModel *m, const AnCall *c, const AnFunc *fn, uint32_t p) {
  const AnLang *l = m->lang;
  TSNode none = {{0}, NULL, NULL};
  TSNode args = an_field(l, c->node, AN_FIELD_arguments);
  if (an_sym(l, args) != AN_SYM_argument_list) return none;
  /* `obj.m(x)` and the constructor call `Cls(x)` of `__init__` supply `self`. */
  bool self_bound = fn->param_count && fn->params[0].is_self &&
                    (an_sym(l, c->fn) == AN_SYM_attribute ||
                     (strcmp(fn->name, "__init__") == 0 && an_constructed_class(m, c->node) == fn->cls));
  uint32_t want = p - (self_bound ? 1 : 0), pos = 0;
  uint32_t n = ts_node_named_child_count(args);
  for (uint32_t i = 0; i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    AnSym s = an_sym(l, a);
    if (s == AN_SYM_list_splat || s == AN_SYM_dictionary_splat) return none;
    if (s == AN_SYM_comment) continue;
    if (s == AN_SYM_keyword_argument) {
      if (an_text_eq(m->src, an_field(l, a, AN_FIELD_name), fn->params[p].name)) return an_field(l, a, AN_FIELD_value);
      continue;
    }
    if (pos++ == want && !fn->params[p].kwonly) return a;
  }
  return none;
}

/* A parameter the function's callers all fill with data (the guide's
 * `train(big_data)` with a Python list). NumPy arrays passed to a
 * tf.function itself become tensors, so they count only for helpers. */
static UnrollData data__param(AnModel *m, int func, TSNode id, long *len, TSNode *origin) {
  AnFunc *fn = AN_FUNC(m, func);
  uint32_t nlen;
  const char *t = an_text(m->src, id, &nlen);
  if (an_hash_get(&m->binding_map, func, t, nlen) >= 0) return DATA_NONE;
  uint32_t p = 0;
  while (p < fn->param_count && (strlen(fn->params[p].name) != nlen || memcmp(fn->params[p].name, t, nlen) != 0)) p++;
  if (p == fn->param_count) return DATA_NONE;
  AnParam *pa = &fn->params[p];
  if (pa->is_self || pa->star || pa->dstar) return DATA_NONE;
  /* Mixed: some callers may pass a dataset or tensor, skipped below. */
  if (pa->kind != AN_KIND_PY_CONTAINER && pa->kind != AN_KIND_NUMPY && pa->kind != AN_KIND_UNKNOWN &&
      pa->kind != AN_KIND_MIXED)
    return DATA_NONE;
  AnCallIds ids = an_calls_to(m, func);
  if (ids.count == 0) return DATA_NONE;
  UnrollData kind = DATA_NONE;
  long longest = 0;
  bool unknown = false;
  for (uint32_t k = 0; k < ids.count; k++) {
    const AnCall *c = AN_CALL_AT(m, ids, k);
    TSNode arg = data__call_arg(m, c, fn, p);
    /* A caller passing a dataset or a tensor gets a TensorFlow loop; the
     * callers passing Python data still unroll theirs (the guide's
     * train(small_data), train(big_data), train(Dataset.from_generator(...))). */
    if (!ts_node_is_null(arg)) {
      AnKind ak = an_kind_of(m, arg, c->ctx.func);
      if (ak == AN_KIND_DATASET || an_kind_is_tensor(ak)) continue;
    }
    long l = -1;
    TSNode o;
    UnrollData dk = ts_node_is_null(arg) ? DATA_NONE : data__origin(m, arg, c->ctx.func, 1, &l, &o);
    if (dk == DATA_NONE || (kind != DATA_NONE && dk != kind)) return DATA_NONE;
    if (dk == DATA_NUMPY && fn->via != AN_VIA_NONE) return DATA_NONE; /* converted to a tensor */
    /* The longest data any caller passes decides: the graph of that call. */
    if (kind == DATA_NONE || (!unknown && (l < 0 || l > longest))) *origin = arg;
    if (l < 0) unknown = true;
    else if (l > longest) longest = l;
    kind = dk;
  }
  *len = unknown ? -1 : longest;
  return kind;
}

static const char *data__what(AnModel *m, UnrollData k, long len) {
  switch (k) {
  case DATA_NUMPY: return "NumPy array";
  case DATA_PANDAS: return "pandas object";
  case DATA_LIST:
    return len >= 0 ? an_arena_printf(&m->arena, "Python list of numbers (%ld entries)", len) : "Python list of numbers";
  case DATA_DICT:
    return len >= 0 ? an_arena_printf(&m->arena, "dict of numbers (%ld entries)", len) : "dict of numbers";
  default: return "Python data";
  }
}

/* The data a `for` iterates, through enumerate/reversed/zip. */
static UnrollData data__loop_data(AnModel *m, TSNode it, int func, long *len, TSNode *origin, TSNode *data,
                                  bool *via_param) {
  const AnLang *l = m->lang;
  it = an_unparen(l, it);
  if (an_sym(l, it) == AN_SYM_call) {
    const char *d = an_dotted(m, an_field(l, it, AN_FIELD_function), func);
    if (d && (strcmp(d, "builtins.enumerate") == 0 || strcmp(d, "builtins.reversed") == 0 ||
              strcmp(d, "builtins.zip") == 0)) {
      uint32_t argc = an_call_argc(l, it);
      for (uint32_t i = 0; i < (strcmp(d, "builtins.zip") == 0 ? argc : 1); i++) {
        UnrollData k = data__loop_data(m, an_call_arg(l, it, i), func, len, origin, data, via_param);
        if (k != DATA_NONE) return k;
      }
      return DATA_NONE;
    }
  }
  if (an_kind_is_tensor(an_kind_of(m, it, func)) || an_kind_of(m, it, func) == AN_KIND_DATASET) return DATA_NONE;
  *data = it;
  UnrollData k = data__origin(m, it, func, 0, len, origin);
  if (k == DATA_NONE && an_sym(l, it) == AN_SYM_identifier) {
    k = data__param(m, func, it, len, origin);
    *via_param = k != DATA_NONE;
  }
  return k;
}

void an_check_HY110(AnModel *m) {
  const AnLang *l = m->lang;
  for (uint32_t i = 0; i < m->sites.count; i++) {
    AnSite *s = &AN_VEC_AT(m->sites, AnSite, i);
    int func = s->ctx.func;
    if (s->kind != AN_SITE_FOR || !an_graph_code(m, &s->ctx)) continue;
    TSNode it = an_field(l, s->node, AN_FIELD_right), body = an_field(l, s->node, AN_FIELD_body);
    if (ts_node_is_null(it) || ts_node_is_null(body)) continue;
    long len = -1;
    TSNode origin = it, data = it;
    bool via_param = false;
    UnrollData k = data__loop_data(m, it, func, &len, &origin, &data, &via_param);
    /* A few literal values (window sizes, scales) are configuration. */
    if (k == DATA_NONE || (len >= 0 && len < HY_UNROLL_SMALL) || !unroll__records_ops(m, func, body)) continue;
    const char *what = data__what(m, k, len);
    const char *src = via_param ? an_arena_printf(&m->arena, "'%s', a %s from its callers,", an_snippet(m, data), what)
                                : an_arena_printf(&m->arena, "the %s '%s'", what, an_snippet(m, data));
    AnFinding *f = an_emit_node(m, AN_RULE_PYTHON_DATA_LOOP_IN_GRAPH, it, func,
                                "`%s` in '%s' loops over %s while tracing: the loop is unrolled into one copy of "
                                "its body per element and the values become constants in the graph, so tracing and "
                                "the graph grow with the data; pass a tf.data.Dataset (or a tensor) instead, or "
                                "loop in eager code and call the tf.function per batch",
                                an_loop_header(m, s->node, body), an_func_label(m, func), src);
    if (!f) continue;
    if (!ts_node_eq(origin, data)) an_finding_related(m, f, origin, "the data comes from here");
    an_finding_related_chain(m, f, func);
  }
}
