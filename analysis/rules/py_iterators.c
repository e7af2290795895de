/* HY216 python-iterator-in-graph: a Python iterator that outlives the trace
 * (a module-level name, a closure variable of eager code, a `self`
 * attribute) advanced by `next()` or drained by a `for` in graph code. The
 * Python body runs only while tracing, so the iterator moves once per
 * trace; every call of the graph reuses the element taken then.
 *
 * Only iterators whose every binding is proven Python are reported:
 * `iter()` over a Python container or range, a call of a generator
 * function of this module, a generator expression over a Python container,
 * itertools, and map/filter/zip/enumerate/reversed over Python containers.
 * An iterator of a tf.data dataset (`iter(dataset)`) is a resource whose
 * `next()` becomes a get-next op in the graph, so it stays quiet, as does
 * anything of unknown origin and iterators created inside the traced code
 * (fresh on every trace and every eager call alike). */
#include <string.h>

#include "analysis/features.h"
#include "analysis/rules/retrace.h"
#include "analysis/rules/rules.h"

/* An expression that iterates as plain Python (a container or a range). */
static bool pyiter__python_iterable(AnModel *m, TSNode e, int func) {
  e = an_unparen(m->lang, e);
  if (an_sym(m->lang, e) == AN_SYM_call) {
    const char *d = an_dotted(m, an_field(m->lang, e, AN_FIELD_function), func);
    return d && strcmp(d, "builtins.range") == 0;
  }
  return an_kind_of(m, e, func) == AN_KIND_PY_CONTAINER;
}

/* True when every positional argument from `from` on is a Python iterable
 * and there is at least one. */
static bool pyiter__iterable_args(AnModel *m, TSNode call, int func, uint32_t from) {
  uint32_t argc = an_call_argc(m->lang, call);
  if (argc <= from) return false;
  for (uint32_t i = from; i < argc; i++)
    if (!pyiter__python_iterable(m, an_call_arg(m->lang, call, i), func)) return false;
  return true;
}

/* Describes `v` (evaluated in `func`) when it creates a Python iterator,
 * else NULL. */
static const char *pyiter__creation(AnModel *m, TSNode v, int func) {
  const AnLang *l = m->lang;
  v = an_unparen(l, v);
  AnSym s = an_sym(l, v);
  if (s == AN_SYM_generator_expression) {
    /* Every `for` clause must run over Python values: a generator over a
     * dataset calls the dataset iterator's next(), an op, inside the graph. */
    uint32_t n = ts_node_named_child_count(v);
    bool any = false;
    for (uint32_t i = 0; i < n; i++) {
      TSNode c = ts_node_named_child(v, i);
      if (an_sym(l, c) != AN_SYM_for_in_clause) continue;
      if (!pyiter__python_iterable(m, an_field(l, c, AN_FIELD_right), func)) return NULL;
      any = true;
    }
    return any ? "a generator expression" : NULL;
  }
  if (s != AN_SYM_call) return NULL;
  TSNode fn = an_field(l, v, AN_FIELD_function);
  const char *d = an_dotted(m, fn, func);
  if (d) {
    if (strcmp(d, "builtins.iter") == 0)
      return an_call_argc(l, v) == 1 && pyiter__iterable_args(m, v, func, 0) ? "iter() over Python values" : NULL;
    if (an_dotted_has_prefix(d, "itertools") && strcmp(d, "itertools.tee") != 0 && strcmp(d, "itertools") != 0)
      return an_arena_printf(&m->arena, "%s()", d);
    if (strcmp(d, "builtins.map") == 0 || strcmp(d, "builtins.filter") == 0)
      return pyiter__iterable_args(m, v, func, 1) ? an_arena_printf(&m->arena, "%s()", d + 9) : NULL;
    if (strcmp(d, "builtins.zip") == 0 || strcmp(d, "builtins.enumerate") == 0 || strcmp(d, "builtins.reversed") == 0)
      return pyiter__iterable_args(m, v, func, 0) && (d[9] == 'z' || an_call_argc(l, v) >= 1)
                 ? an_arena_printf(&m->arena, "%s()", d + 9)
                 : NULL;
  }
  int callee = an_resolve_function(m, fn, func);
  if (callee < 0) return NULL;
  AnFunc *g = AN_FUNC(m, callee);
  if (!g->is_generator || g->is_async || g->via != AN_VIA_NONE) return NULL;
  return an_arena_printf(&m->arena, "the generator function '%s'", g->qualname);
}

/* Where a persistent Python iterator comes from. */
typedef struct PyiterOrigin {
  const char *what; /* how it is created */
  TSNode value;     /* the (last) creating expression */
} PyiterOrigin;

/* Every binding of `name` in `scope` creates a Python iterator outside
 * graph code. */
static bool pyiter__scope_bindings(AnModel *m, int scope, const char *name, uint32_t len, PyiterOrigin *o) {
  int b = an_hash_get(&m->binding_map, scope, name, len);
  if (b < 0) return false;
  for (int k = b; k >= 0; k = AN_VEC_AT(m->bindings, AnBinding, k).next) {
    AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, k);
    if (bd->from_for || bd->from_unpack || ts_node_is_null(bd->value)) return false;
    /* A `global` rebinding inside traced code is recreated on each trace. */
    if (an_in_graph(m, an_func_at(m, bd->value))) return false;
    const char *what = pyiter__creation(m, bd->value, scope >= 0 ? scope : -1);
    if (!what) return false;
    if (k == b) {
      o->what = what;
      o->value = bd->value;
    }
  }
  return true;
}

static bool pyiter__has_param(const AnFunc *f, const char *name, uint32_t len) {
  for (uint32_t i = 0; i < f->param_count; i++)
    if (strlen(f->params[i].name) == len && memcmp(f->params[i].name, name, len) == 0) return true;
  return false;
}

/* pyiter__param's answers, one per parameter of traced code: its callers
 * are looked at once, however many next() calls read it. */
typedef struct PyiterAnswer {
  bool yes;
  PyiterOrigin origin;
} PyiterAnswer;

typedef struct PyiterMemo {
  AnHash at;     /* (function, parameter name) -> index in answers */
  AnVec answers; /* PyiterAnswer */
} PyiterMemo;

/* `it` names a Python iterator created outside the trace of `func`. */
static bool pyiter__name(AnModel *m, PyiterMemo *memo, TSNode id, int func, PyiterOrigin *o);

/* True when `value` lies in a loop of its function (or of the module):
 * an iterator made there may be a new object for each call. */
static bool pyiter__in_loop(AnModel *m, TSNode value) {
  TSNode up[AN_MAX_ANCESTORS];
  int n = an_ancestors(m, value, an_func_at(m, value), up, AN_MAX_ANCESTORS);
  if (n < 0) return true;
  for (int i = 0; i < n; i++) {
    AnSym s = an_sym(m->lang, up[i]);
    if (s == AN_SYM_for_statement || s == AN_SYM_while_statement) return true;
  }
  return false;
}

/* `func` runs twice: called twice, or once in a loop. */
static bool pyiter__runs_twice(AnModel *m, int func) {
  AnCallIds ids = func >= 0 ? an_calls_to(m, func) : (AnCallIds){0};
  TSNode loop[1];
  return ids.count >= 2 ||
         (ids.count == 1 && an_retrace_loops(m, AN_CALL_AT(m, ids, 0)->node, AN_CALL_AT(m, ids, 0)->ctx.func, loop, 1));
}

/* One iterator object reaches parameter `p` of `fn` twice: a name bound
 * once in its scope and passed by two calls there, or by one call in a
 * loop, or by a caller that runs twice when the name belongs to an
 * enclosing scope. A Python object is a trace key by identity, so a new
 * iterator per call (`it = iter(...)` again, a caller that makes its own
 * and runs again) traces again, and each trace's next() takes its first
 * element as expected. */
static bool pyiter__passed_twice(AnModel *m, const AnFunc *fn, uint32_t p, AnCallIds ids) {
  AnHash seen = {0};
  for (uint32_t k = 0; k < ids.count && !m->arena.failed; k++) {
    const AnCall *c = AN_CALL_AT(m, ids, k);
    bool splat = false;
    TSNode arg = an_unparen(m->lang, an_call_arg_for(m, fn, c, p, &splat)), loop[1];
    int scope;
    if (an_single_binding(m, arg, c->ctx.func, &scope) < 0) continue;
    if (an_retrace_loops(m, c->node, c->ctx.func, loop, 1)) return true;
    /* An iterator of an enclosing scope outlives its caller's runs. */
    if (scope != c->ctx.func && pyiter__runs_twice(m, c->ctx.func)) return true;
    uint32_t len;
    const char *t = an_text(m->src, arg, &len);
    if (an_hash_get(&seen, c->ctx.func, t, len) >= 0) return true;
    an_hash_put(&m->arena, &seen, c->ctx.func, t, len, 1);
  }
  return false;
}

/* Parameter `name` of `func` receives, at every call of this module, a
 * name an eager caller binds to a Python iterator (the guide's
 * `buggy_consume_next(iterator)` after `iterator = iter([1, 2, 3])`). The
 * same iterator object matches the cached trace, so the graph runs again
 * without the Python body and next() never moves past the traced element.
 * An iterator made in the call's own argument is a fresh object per call
 * and is not reported. */
static bool pyiter__param_uncached(AnModel *m, PyiterMemo *memo, int func, const char *name, uint32_t len,
                                   PyiterOrigin *o) {
  AnFunc *fn = AN_FUNC(m, func);
  uint32_t p = 0;
  while (p < fn->param_count && (strlen(fn->params[p].name) != len || memcmp(fn->params[p].name, name, len) != 0)) p++;
  if (p == fn->param_count || fn->params[p].is_self || fn->params[p].star || fn->params[p].dstar) return false;
  AnCallIds ids = an_calls_to(m, func);
  if (ids.count == 0) return false;
  for (uint32_t k = 0; k < ids.count; k++) {
    const AnCall *c = AN_CALL_AT(m, ids, k);
    bool splat = false;
    TSNode arg = an_unparen(m->lang, an_call_arg_for(m, fn, c, p, &splat));
    /* Eager callers only: a caller in graph code hands down whatever its
     * own trace has, which its own next() or loop is checked for. */
    if (ts_node_is_null(arg) || an_in_graph(m, c->ctx.func) || an_sym(m->lang, arg) != AN_SYM_identifier) return false;
    PyiterOrigin co = {NULL, {{0}, NULL, NULL}};
    if (!pyiter__name(m, memo, arg, c->ctx.func, &co) || pyiter__in_loop(m, co.value)) return false;
    if (k == 0) *o = co;
  }
  return pyiter__passed_twice(m, fn, p, ids);
}

static bool pyiter__param(AnModel *m, PyiterMemo *memo, int func, const char *name, uint32_t len, PyiterOrigin *o) {
  int at = an_hash_get(&memo->at, func, name, len);
  if (at < 0) {
    PyiterAnswer answer = {false, {NULL, {{0}, NULL, NULL}}};
    answer.yes = pyiter__param_uncached(m, memo, func, name, len, &answer.origin);
    PyiterAnswer *slot = an_vec_push(&m->arena, &memo->answers, sizeof *slot);
    if (!slot) return false;
    *slot = answer;
    at = (int)(memo->answers.count - 1);
    an_hash_put(&m->arena, &memo->at, func, name, len, at);
  }
  const PyiterAnswer *a = &AN_VEC_AT(memo->answers, PyiterAnswer, at);
  if (a->yes) *o = a->origin;
  return a->yes;
}

static bool pyiter__name(AnModel *m, PyiterMemo *memo, TSNode id, int func, PyiterOrigin *o) {
  uint32_t len;
  const char *t = an_text(m->src, id, &len);
  if (an_hash_get(&m->global_map, func, t, len) < 0) {
    for (int f = func; f >= 0; f = AN_FUNC(m, f)->parent) {
      AnFunc *fn = AN_FUNC(m, f);
      bool bound = an_hash_get(&m->binding_map, f, t, len) >= 0;
      if (!bound && !pyiter__has_param(fn, t, len)) continue;
      /* An eager function's own iterator persists across the calls it
       * makes (reached from pyiter__param with an eager `func`). */
      if (f == func && bound && !an_in_graph(m, f)) return pyiter__scope_bindings(m, f, t, len, o);
      /* A parameter of traced code: what its callers pass. */
      if (f == func && !bound && an_in_graph(m, f)) return pyiter__param(m, memo, f, t, len, o);
      /* Local to the traced code (or a parameter): fresh per trace, or of
       * unknown origin. Only a closure over eager code persists. */
      if (f == func || an_in_graph(m, f) || !bound) return false;
      return pyiter__scope_bindings(m, f, t, len, o);
    }
  }
  return pyiter__scope_bindings(m, AN_SCOPE_MODULE, t, len, o);
}

/* `self.it`: every `self.it = ...` of the class creates a Python iterator
 * in eager code (typically __init__). */
static bool pyiter__self_attr(AnModel *m, TSNode attr, int func, PyiterOrigin *o) {
  int a = an_self_attr_binding(m, attr, func);
  if (a < 0) return false;
  for (int k = a; k >= 0; k = AN_VEC_AT(m->attrs, AnAttrBinding, k).next) {
    AnAttrBinding *ab = &AN_VEC_AT(m->attrs, AnAttrBinding, k);
    if (ts_node_is_null(ab->value) || an_in_graph(m, ab->func)) return false;
    const char *what = pyiter__creation(m, ab->value, ab->func);
    if (!what) return false;
    if (k == a) {
      o->what = what;
      o->value = ab->value;
    }
  }
  return true;
}

static bool pyiter__persistent(AnModel *m, PyiterMemo *memo, TSNode e, int func, PyiterOrigin *o) {
  e = an_unparen(m->lang, e);
  AnSym s = an_sym(m->lang, e);
  if (s == AN_SYM_identifier) return pyiter__name(m, memo, e, func, o);
  if (s != AN_SYM_attribute) return false;
  TSNode obj = an_field(m->lang, e, AN_FIELD_object), attr = an_field(m->lang, e, AN_FIELD_attribute);
  if (an_sym(m->lang, obj) != AN_SYM_identifier || !an_text_eq(m->src, obj, "self") || ts_node_is_null(attr))
    return false;
  /* `self` must be the method's own first parameter. */
  AnFunc *fn = AN_FUNC(m, func);
  if (!fn->param_count || !fn->params[0].is_self || strcmp(fn->params[0].name, "self") != 0) return false;
  return pyiter__self_attr(m, attr, func, o);
}

static void pyiter__report(AnModel *m, TSNode at, TSNode it, int func, const PyiterOrigin *o, bool loop) {
  const char *name = an_snippet(m, it);
  uint32_t line = ts_node_start_point(o->value).row + 1;
  AnFinding *f =
      loop ? an_emit_node(m, AN_RULE_PYTHON_ITERATOR_IN_GRAPH, at, func,
                          "this loop drains the Python iterator '%s' (%s, line %u) while '%s' is traced: the graph "
                          "keeps the elements of the first trace, and a later trace finds it exhausted; use a "
                          "tf.data dataset or a tensor instead",
                          name, o->what, line, an_func_label(m, func))
           : an_emit_node(m, AN_RULE_PYTHON_ITERATOR_IN_GRAPH, at, func,
                          "'%s' advances the Python iterator '%s' (%s, line %u) only while '%s' is traced: every "
                          "later call of the graph reuses the element taken then; iterate a tf.data iterator "
                          "instead (iter(tf.data.Dataset.from_tensor_slices(...)))",
                          an_snippet(m, at), name, o->what, line, an_func_label(m, func));
  if (!f) return;
  an_finding_related(m, f, o->value, "'%s' is created here as a Python iterator", name);
  an_finding_related_chain(m, f, func);
}

void an_check_HY216(AnModel *m) {
  PyiterMemo memo = {0};
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    int func = c->ctx.func;
    if (!an_call_is(c, "builtins.next") || !an_graph_code(m, &c->ctx) || AN_FUNC(m, func)->is_generator) continue;
    uint32_t argc = an_call_argc(m->lang, c->node);
    if (argc < 1 || argc > 2) continue;
    TSNode it = an_call_arg(m->lang, c->node, 0);
    PyiterOrigin o = {NULL, {{0}, NULL, NULL}};
    if (pyiter__persistent(m, &memo, it, func, &o)) pyiter__report(m, c->node, it, func, &o, false);
  }
  for (uint32_t i = 0; i < m->sites.count; i++) {
    AnSite *s = &AN_VEC_AT(m->sites, AnSite, i);
    int func = s->ctx.func;
    if ((s->kind != AN_SITE_FOR && s->kind != AN_SITE_COMP_FOR) || !an_graph_code(m, &s->ctx) ||
        AN_FUNC(m, func)->is_generator)
      continue;
    TSNode it = an_field(m->lang, s->node, AN_FIELD_right);
    PyiterOrigin o = {NULL, {{0}, NULL, NULL}};
    if (!ts_node_is_null(it) && pyiter__persistent(m, &memo, it, func, &o)) pyiter__report(m, it, it, func, &o, true);
  }
}
