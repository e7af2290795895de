/* Per-function facts: the graph-mode map of `hybridls inspect`, and the
 * evidence hovers and refactorings use. Built once per model, on demand.
 *
 * Tri-state facts are null when there is no evidence either way: a
 * parameter nobody passes and nothing annotates has no known kind, and a
 * parameter with a default that no caller overrides does not count.
 */
#include <string.h>

#include "analysis/features.h"
#include "analysis/rules/rules.h"

/* Python-visible effects a call has: printing, I/O, logging, randomness,
 * mutation of a container the function did not create. One classifier
 * with the refactorings, so a fact and the reason given for it agree. A
 * breakpoint changes no state: it is HY502's (remove it), not a reason to
 * keep a function eager or to drop its tf.function. */
static bool facts__call_effect(AnModel *m, const AnCall *c) {
  const char *what = an_call_effect(m, c);
  return what && strcmp(what, "breakpoint") != 0;
}

static bool facts__site_effect(AnModel *m, const AnSite *s) {
  if (s->kind == AN_SITE_GLOBAL) return true;
  if (s->kind != AN_SITE_ASSIGN) return false;
  TSNode left = an_field(m->lang, s->node, AN_FIELD_left);
  AnSym ls = an_sym(m->lang, left);
  if (ls == AN_SYM_attribute) return !an_site_creates_once(m, s);
  if (ls == AN_SYM_subscript) {
    if (an_site_creates_once(m, s)) return false;
    TSNode v = an_unparen(m->lang, an_field(m->lang, left, AN_FIELD_value));
    if (an_sym(m->lang, v) != AN_SYM_identifier) return true;
    uint32_t len;
    const char *t = an_text(m->src, v, &len);
    return !(s->ctx.func >= 0 && an_hash_get(&m->binding_map, s->ctx.func, t, len) >= 0);
  }
  return false;
}

static bool facts__tensor_call(const AnCall *c) {
  const char *d = c->dotted;
  if (!d) return false;
  if (an_dotted_has_prefix(d, "tensorflow.config") || an_dotted_has_prefix(d, "tensorflow.function") ||
      an_dotted_has_prefix(d, "tensorflow.print") || an_dotted_has_prefix(d, "tensorflow.summary") ||
      an_dotted_has_prefix(d, "tensorflow.TensorSpec") || an_dotted_has_prefix(d, "tensorflow.executing_eagerly"))
    return false;
  return an_dotted_has_prefix(d, "tensorflow") || an_dotted_has_prefix(d, "keras");
}

typedef struct FactsScan {
  bool effects, tensor, recursive;
  bool lasting_effects; /* effects besides logs meant only for trace time */
  bool maybe_tensor; /* operators or calls on values of unknown kind */
} FactsScan;

/* Scans `f` and, transitively, the local functions it calls (breadth
 * first; every fact is an "any" over the functions reached, so the order
 * does not matter); reaching `target` again means recursion. The functions
 * reached are m->reach_list[0 .. return value), marked in m->reach_seen
 * until facts__unmark. 0 when out of memory. */
static uint32_t facts__scan(AnModel *m, int f, int target, FactsScan *out) {
  uint32_t nf = m->funcs.count;
  if (!m->reach_list) {
    m->reach_list = an_arena_alloc(&m->arena, sizeof *m->reach_list * (nf ? nf : 1));
    m->reach_seen = an_arena_alloc(&m->arena, nf ? nf : 1);
    if (!m->reach_list || !m->reach_seen) {
      m->reach_list = NULL;
      return 0;
    }
    memset(m->reach_seen, 0, nf ? nf : 1);
  }
  int *list = m->reach_list;
  uint8_t *seen = m->reach_seen;
  uint32_t head = 0, tail = 0;
  list[tail++] = f;
  seen[f] = 1;
  while (head < tail) {
    int cur = list[head++];
    AN_FOR_CALLS_OF(m, cur, c) {
      if (facts__call_effect(m, c)) {
        out->effects = true;
        if (!an_call_is_trace_log(m, c)) out->lasting_effects = true;
      }
      if (facts__tensor_call(c)) out->tensor = true;
      if (c->method && strcmp(c->method, "numpy") == 0) out->tensor = true;
      if (c->callee == target) out->recursive = true;
      if (c->callee >= 0 && !seen[c->callee]) {
        seen[c->callee] = 1;
        list[tail++] = c->callee;
      }
    }
  }
  return tail;
}

static void facts__unmark(AnModel *m, uint32_t reached) {
  for (uint32_t i = 0; i < reached; i++) m->reach_seen[m->reach_list[i]] = 0;
}

static void facts__site_scan(AnModel *m, uint32_t reached, FactsScan *out) {
  for (uint32_t i = 0; i < reached && !out->lasting_effects; i++) {
    AN_FOR_SITES_OF(m, m->reach_list[i], s) {
      if (facts__site_effect(m, s)) out->effects = out->lasting_effects = true;
    }
  }
}

typedef struct ExprScan {
  AnModel *m;
  int func;
  TSNode root;
  FactsScan *out;
} ExprScan;

/* Tensor work that is not a TensorFlow API call: operators, indexing and
 * calls (a Keras layer, `v.assign_add`) whose value is a tensor. A value of
 * unknown kind there leaves the question open. */
static bool facts__expr_visit(TSNode n, void *ctx) {
  ExprScan *x = ctx;
  if (x->out->tensor) return false;
  AnSym s = an_sym(x->m->lang, n);
  if (!ts_node_eq(n, x->root) && (s == AN_SYM_function_definition || s == AN_SYM_lambda || s == AN_SYM_class_definition))
    return false;
  bool probe = false;
  switch (s) {
  case AN_SYM_binary_operator:
  case AN_SYM_augmented_assignment:
  case AN_SYM_subscript:
    probe = true;
    break;
  case AN_SYM_call: {
    const char *d = an_dotted(x->m, an_field(x->m->lang, n, AN_FIELD_function), x->func);
    probe = d == NULL && an_resolve_function(x->m, an_field(x->m->lang, n, AN_FIELD_function), x->func) < 0;
    break;
  }
  default:
    break;
  }
  if (probe) {
    TSNode e = s == AN_SYM_augmented_assignment ? an_field(x->m->lang, n, AN_FIELD_right) : n;
    AnKind k = an_kind_of(x->m, e, x->func);
    if (s == AN_SYM_augmented_assignment && !an_kind_is_tensor(k))
      k = an_kind_of(x->m, an_field(x->m->lang, n, AN_FIELD_left), x->func);
    if (an_kind_is_tensor(k)) x->out->tensor = true;
    else if (k == AN_KIND_UNKNOWN || k == AN_KIND_MIXED) x->out->maybe_tensor = true;
  }
  return true;
}

static void facts__expr_scan(AnModel *m, uint32_t reached, FactsScan *out) {
  for (uint32_t i = 0; i < reached && !out->tensor; i++) {
    int f = m->reach_list[i];
    TSNode body = an_field(m->lang, AN_FUNC(m, f)->node, AN_FIELD_body);
    if (ts_node_is_null(body)) continue;
    ExprScan x = {m, f, body, out};
    an_walk(body, facts__expr_visit, &x);
  }
}

static AnTri facts__tri_any(bool any, bool unknown) { return any ? AN_TRUE : unknown ? AN_NULL : AN_FALSE; }

static void facts__params(AnModel *m, AnFunc *f, AnFunctionInfo *info) {
  AnParamInfo *ps = an_arena_alloc(&m->arena, sizeof *ps * (f->param_count + 1));
  if (!ps) return;
  bool tensor = false, primitive = false, unknown = false;
  uint32_t n = 0;
  for (uint32_t i = 0; i < f->param_count; i++) {
    AnParam *p = &f->params[i];
    if (p->is_self) continue;
    AnKind k = p->kind;
    bool counts = ts_node_is_null(p->default_value) || p->overridden;
    if (k == AN_KIND_UNKNOWN && !ts_node_is_null(p->default_value) && !p->overridden)
      k = an_kind_of(m, p->default_value, f->parent);
    ps[n].name = p->name;
    ps[n].kind = k;
    n++;
    if (!counts || p->star || p->dstar) continue;
    if (an_kind_is_tensor(p->kind)) tensor = true;
    else if (p->kind == AN_KIND_PY_SCALAR || p->kind == AN_KIND_PY_STR) primitive = true;
    else if (p->kind == AN_KIND_UNKNOWN || p->kind == AN_KIND_MIXED) unknown = true;
  }
  info->params = ps;
  info->param_count = n;
  info->has_tensor_parameter = facts__tri_any(tensor, unknown);
  info->has_primitive_parameter = facts__tri_any(primitive, unknown);
}

static void facts__eager_calls(AnModel *m, int fi, AnFunctionInfo *info) {
  AnVec v = {0};
  if (m->call_offsets) {
    for (uint32_t k = m->call_offsets[fi]; k < m->call_offsets[fi + 1]; k++) {
      AnCall *c = &AN_VEC_AT(m->calls, AnCall, m->call_order[k]);
      if (!c->method || (strcmp(c->method, "numpy") != 0 && strcmp(c->method, "as_numpy_iterator") != 0))
        continue;
      if (an_kind_of(m, c->object, c->ctx.func) == AN_KIND_NUMPY) continue;
      AnEagerCall *e = an_vec_push(&m->arena, &v, sizeof *e);
      if (!e) return;
      uint32_t len;
      const char *t = an_text(m->src, c->node, &len);
      const char *nl = memchr(t, '\n', len);
      if (nl) len = (uint32_t)(nl - t);
      e->line = ts_node_start_point(c->node).row + 1;
      e->text = an_arena_strndup(&m->arena, t, len);
    }
  }
  info->eager_only_calls = v.items;
  info->eager_only_call_count = v.count;
}

static void facts__chain(AnModel *m, int fi, AnFunctionInfo *info) {
  const char *text = an_graph_chain_text(m, fi);
  if (!text) return;
  uint32_t n = 1;
  for (const char *p = text; (p = strstr(p, " -> ")) != NULL; p += 4) n++;
  const char **names = an_arena_alloc(&m->arena, sizeof *names * n);
  if (!names) return;
  const char *p = text;
  for (uint32_t i = 0; i < n; i++) {
    const char *q = strstr(p, " -> ");
    size_t len = q ? (size_t)(q - p) : strlen(p);
    names[i] = an_arena_strndup(&m->arena, p, len);
    p = q ? q + 4 : p + len;
  }
  info->graph_chain = names;
  info->graph_chain_len = n;
}

static void facts__build(AnModel *m) {
  uint32_t nf = m->funcs.count;
  m->infos = an_arena_alloc(&m->arena, sizeof *m->infos * (nf ? nf : 1));
  if (!m->infos) return;
  for (uint32_t i = 0; i < nf; i++) {
    AnFunc *f = AN_FUNC(m, i);
    if (f->is_lambda) continue;
    AnFunctionInfo *info = &m->infos[m->info_count++];
    info->name = f->qualname;
    info->line = ts_node_start_point(f->node).row + 1;
    info->end_line = ts_node_end_point(f->node).row + 1;
    info->start = ts_node_start_byte(f->outer);
    info->end = ts_node_end_byte(f->outer);
    if (!ts_node_is_null(f->name_node)) {
      info->name_start = ts_node_start_byte(f->name_node);
      info->name_end = ts_node_end_byte(f->name_node);
    }
    info->hybrid = f->via != AN_VIA_NONE;
    info->hybrid_via = f->via;
    info->graph_mode = f->root != AN_ROOT_NONE;
    info->autograph = info->graph_mode && f->autograph;
    facts__chain(m, (int)i, info);
    facts__params(m, f, info);
    FactsScan scan = {0};
    uint32_t reached = facts__scan(m, (int)i, (int)i, &scan);
    facts__site_scan(m, reached, &scan);
    if (!scan.tensor) facts__expr_scan(m, reached, &scan);
    facts__unmark(m, reached);
    info->has_python_side_effects = scan.effects ? AN_TRUE : AN_FALSE;
    info->has_tensor_computation = scan.tensor ? AN_TRUE : scan.maybe_tensor ? AN_NULL : AN_FALSE;
    info->is_recursive = scan.recursive ? AN_TRUE : AN_FALSE;
    facts__eager_calls(m, (int)i, info);
    an_refactor_fill(m, (int)i, info);
  }
}

bool an_lasting_effects(AnModel *m, int func) {
  FactsScan scan = {0};
  uint32_t reached = facts__scan(m, func, func, &scan);
  if (!reached) return true; /* out of memory: assume the effects matter */
  facts__site_scan(m, reached, &scan);
  facts__unmark(m, reached);
  return scan.lasting_effects;
}

const AnFunctionInfo *an_model_functions(const AnModel *model, uint32_t *count) {
  AnModel *m = (AnModel *)model; /* built lazily; a model is used by one thread */
  if (!m->infos_built) {
    m->infos_built = true;
    facts__build(m);
  }
  *count = m->info_count;
  return m->infos;
}
