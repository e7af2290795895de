/* HY404 graph-tensor-escapes: a symbolic tensor stored by a tf.function in
 * a global, a module-level container or an attribute of `self`, then used
 * where that graph is gone: eagerly after the call that traced it, or in
 * another tf.function.
 *
 * HY202 reports the store itself (it runs once per trace); this rule
 * reports the use that fails, so the two never share a span. A finding
 * needs proof at each step: the store is in the tf.function's own body
 * and the value's kind is a tensor; the eager use comes after a call that
 * traces the function in the same scope; a use in another tf.function is
 * reached from eager code that called the storing one first. */
#include <string.h>

#include "analysis/rules/rules.h"

typedef enum EscWhere {
  ESC_GLOBAL,     /* `global g; g = t` */
  ESC_LIST,       /* `history.append(t)`, `cache[k] = t` on a module-level container */
  ESC_ATTR,       /* `self.last = t` */
  ESC_ATTR_LIST,  /* `self.history.append(t)` */
} EscWhere;

typedef struct Escape {
  EscWhere where;
  const char *name; /* global, container or attribute name */
  uint32_t len;
  int cls;          /* for attributes: the class of `self` */
  int func;         /* the tf.function that stores it */
  TSNode store;     /* the statement or call that stores it */
} Escape;

/* --- stores ---------------------------------------------------------------- */

/* Functions whose every run is a trace: tf.function itself, not helpers
 * it calls (they may run eagerly too), nor Keras methods. */
static bool esc__hybrid(const AnModel *m, int func) {
  const AnFunc *f = &AN_VEC_AT(m->funcs, AnFunc, func);
  return (f->via == AN_VIA_DECORATOR || f->via == AN_VIA_CALL) && f->root == AN_ROOT_HYBRID && f->graph_from < 0 &&
         !f->is_lambda;
}

static bool esc__symbolic(AnModel *m, TSNode value, int func) {
  return !ts_node_is_null(value) && an_kind_of(m, value, func) == AN_KIND_TENSOR;
}

static bool esc__name_is(AnModel *m, TSNode n, const char *name, uint32_t len) {
  uint32_t l;
  const char *t = an_text(m->src, n, &l);
  return l == len && memcmp(t, name, len) == 0;
}

/* A module-level name the function does not rebind: `global` names, and
 * containers mutated in place. */
static bool esc__module_name(AnModel *m, TSNode id, int func, bool declared_global) {
  uint32_t len;
  const char *t = an_text(m->src, id, &len);
  bool global = an_hash_get(&m->global_map, func, t, len) > 0;
  if (declared_global != global) return false;
  if (!global && an_hash_get(&m->binding_map, func, t, len) >= 0) return false;
  AnFunc *f = AN_FUNC(m, func);
  for (uint32_t i = 0; i < f->param_count; i++)
    if (esc__name_is(m, id, f->params[i].name, len)) return false;
  return an_hash_get(&m->binding_map, AN_SCOPE_MODULE, t, len) >= 0;
}

/* `self.attr` in a method of the storing function's class. */
static bool esc__self_attr(AnModel *m, TSNode n, int func) {
  if (an_sym(m->lang, n) != AN_SYM_attribute) return false;
  TSNode obj = an_field(m->lang, n, AN_FIELD_object);
  AnFunc *f = AN_FUNC(m, func);
  return f->cls >= 0 && f->param_count && f->params[0].is_self && an_sym(m->lang, obj) == AN_SYM_identifier &&
         an_text_eq(m->src, obj, f->params[0].name);
}

static void esc__push(AnModel *m, AnVec *out, EscWhere where, TSNode name, int func, TSNode store) {
  Escape *e = an_vec_push(&m->arena, out, sizeof(Escape));
  if (!e) return;
  e->where = where;
  e->name = an_text(m->src, name, &e->len);
  e->cls = AN_FUNC(m, func)->cls;
  e->func = func;
  e->store = store;
}

/* A container store target: a module-level name or `self.attr`. */
static void esc__container(AnModel *m, AnVec *out, TSNode target, int func, TSNode store) {
  target = an_unparen(m->lang, target);
  if (an_sym(m->lang, target) == AN_SYM_identifier) {
    if (esc__module_name(m, target, func, false) && an_kind_of(m, target, func) == AN_KIND_PY_CONTAINER)
      esc__push(m, out, ESC_LIST, target, func, store);
  } else if (esc__self_attr(m, target, func)) {
    esc__push(m, out, ESC_ATTR_LIST, an_field(m->lang, target, AN_FIELD_attribute), func, store);
  }
}

/* What esc__container checks before the kind of the target: most stores
 * go to locals, and their values need no kind. */
static bool esc__container_target(AnModel *m, TSNode target, int func) {
  target = an_unparen(m->lang, target);
  if (an_sym(m->lang, target) == AN_SYM_identifier) return esc__module_name(m, target, func, false);
  return esc__self_attr(m, target, func);
}

/* The stores of a tf.function whose target can hold the tensor beyond the
 * trace: a global, a module-level container, an attribute of self. */
static bool esc__outliving_target(AnModel *m, TSNode left, int func) {
  AnSym ls = an_sym(m->lang, left);
  if (ls == AN_SYM_identifier) return esc__module_name(m, left, func, true);
  if (ls == AN_SYM_attribute) return esc__self_attr(m, left, func);
  return ls == AN_SYM_subscript && esc__container_target(m, an_field(m->lang, left, AN_FIELD_value), func);
}

static void esc__stores_of(AnModel *m, int func, AnVec *out) {
  AN_FOR_SITES_OF(m, func, s) {
    /* Plain assignment only: `self.total += t` on a Python number is
     * HY202's counter case. */
    if (s->kind != AN_SITE_ASSIGN || an_sym(m->lang, s->node) != AN_SYM_assignment) continue;
    if (!an_graph_code(m, &s->ctx) || s->ctx.init_scope) continue;
    TSNode left = an_field(m->lang, s->node, AN_FIELD_left);
    if (!esc__outliving_target(m, left, func)) continue;
    TSNode right = an_field(m->lang, s->node, AN_FIELD_right);
    if (!esc__symbolic(m, right, func)) continue;
    AnSym ls = an_sym(m->lang, left);
    if (ls == AN_SYM_identifier && esc__module_name(m, left, func, true))
      esc__push(m, out, ESC_GLOBAL, left, func, s->node);
    else if (ls == AN_SYM_attribute && esc__self_attr(m, left, func))
      esc__push(m, out, ESC_ATTR, an_field(m->lang, left, AN_FIELD_attribute), func, s->node);
    else if (ls == AN_SYM_subscript)
      esc__container(m, out, an_field(m->lang, left, AN_FIELD_value), func, s->node);
  }
  AN_FOR_CALLS_OF(m, func, c) {
    if (!c->method || ts_node_is_null(c->object) || !an_graph_code(m, &c->ctx) || c->ctx.init_scope) continue;
    uint32_t pos;
    if (strcmp(c->method, "append") == 0) pos = 0;
    else if (strcmp(c->method, "insert") == 0) pos = 1;
    else continue;
    if (!esc__container_target(m, c->object, func)) continue;
    if (!esc__symbolic(m, an_call_arg(m->lang, c->node, pos), func)) continue;
    esc__container(m, out, c->object, func, c->node);
  }
}

/* --- uses ------------------------------------------------------------------ */

/* The class of the instance `obj` names from `func`: `self` in a method,
 * or a name bound only to `C(...)` calls. */
static int esc__instance_class(AnModel *m, TSNode obj, int func) {
  if (an_sym(m->lang, obj) != AN_SYM_identifier) return -1;
  for (int f = func; f >= 0; f = AN_FUNC(m, f)->parent) {
    AnFunc *fn = AN_FUNC(m, f);
    if (fn->cls >= 0 && fn->param_count && fn->params[0].is_self && an_text_eq(m->src, obj, fn->params[0].name))
      return fn->cls;
  }
  uint32_t len;
  const char *t = an_text(m->src, obj, &len);
  int b = -1;
  for (int f = func; b < 0 && f >= 0; f = AN_FUNC(m, f)->parent) b = an_hash_get(&m->binding_map, f, t, len);
  if (b < 0) b = an_hash_get(&m->binding_map, AN_SCOPE_MODULE, t, len);
  int cls = -1;
  for (; b >= 0; b = AN_VEC_AT(m->bindings, AnBinding, b).next) {
    AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, b);
    if (bd->from_for || bd->from_unpack) return -1;
    int c = an_constructed_class(m, bd->value);
    if (c < 0 || (cls >= 0 && c != cls)) return -1;
    cls = c;
  }
  return cls;
}

/* `name` read from `func` means the module-level binding. */
static bool esc__global_read(AnModel *m, TSNode id, const Escape *e, int func) {
  if (an_sym(m->lang, id) != AN_SYM_identifier || !esc__name_is(m, id, e->name, e->len)) return false;
  for (int f = func; f >= 0; f = AN_FUNC(m, f)->parent) {
    if (an_hash_get(&m->global_map, f, e->name, e->len) > 0) return true;
    if (an_hash_get(&m->binding_map, f, e->name, e->len) >= 0) return false;
    AnFunc *fn = AN_FUNC(m, f);
    for (uint32_t i = 0; i < fn->param_count; i++)
      if (esc__name_is(m, id, fn->params[i].name, e->len)) return false;
  }
  return true;
}

/* The storage itself: the global/container name or `obj.attr`. */
static bool esc__storage(AnModel *m, TSNode n, const Escape *e, int func) {
  n = an_unparen(m->lang, n);
  if (e->where == ESC_GLOBAL || e->where == ESC_LIST) return esc__global_read(m, n, e, func);
  if (an_sym(m->lang, n) != AN_SYM_attribute) return false;
  if (!esc__name_is(m, an_field(m->lang, n, AN_FIELD_attribute), e->name, e->len)) return false;
  return esc__instance_class(m, an_unparen(m->lang, an_field(m->lang, n, AN_FIELD_object)), func) == e->cls;
}

/* An expression that evaluates to the leaked tensor: the storage for a
 * single tensor, an item of it for a container; `whole` also accepts the
 * container itself (TensorFlow converts a list of tensors). */
static bool esc__value(AnModel *m, TSNode n, const Escape *e, int func, bool whole) {
  n = an_unparen(m->lang, n);
  bool list = e->where == ESC_LIST || e->where == ESC_ATTR_LIST;
  if (!list) return esc__storage(m, n, e, func);
  if (an_sym(m->lang, n) == AN_SYM_subscript) {
    TSNode sub = an_field(m->lang, n, AN_FIELD_subscript);
    if (an_sym(m->lang, sub) == AN_SYM_slice) return false;
    return esc__storage(m, an_field(m->lang, n, AN_FIELD_value), e, func);
  }
  return whole && esc__storage(m, n, e, func);
}

/* The argument of a TensorFlow (or, eagerly, NumPy) call that is the
 * leaked value, or null. */
static TSNode esc__op_arg(AnModel *m, const AnCall *c, const Escape *e, bool numpy) {
  TSNode none = {{0}, NULL, NULL};
  if (!c->dotted) return none;
  bool tf = an_dotted_has_prefix(c->dotted, "tensorflow") && !an_dotted_has_prefix(c->dotted, "tensorflow.function");
  if (!tf && !(numpy && an_dotted_has_prefix(c->dotted, "numpy"))) return none;
  TSNode args = an_field(m->lang, c->node, AN_FIELD_arguments);
  uint32_t n = ts_node_is_null(args) ? 0 : ts_node_named_child_count(args);
  for (uint32_t i = 0; i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    if (an_sym(m->lang, a) == AN_SYM_keyword_argument) a = an_field(m->lang, a, AN_FIELD_value);
    if (esc__value(m, a, e, c->ctx.func, true)) return a;
  }
  return none;
}

/* True when `c` runs function `target` (a plain call or a method call the
 * model resolves) on the instance spelled `obj` (any for functions). */
static bool esc__calls(AnModel *m, const AnCall *c, int target, TSNode obj) {
  if (c->callee != target) return false;
  if (ts_node_is_null(obj)) return true;
  if (ts_node_is_null(c->object)) return false;
  uint32_t a, b;
  const char *ta = an_text(m->src, an_unparen(m->lang, c->object), &a);
  const char *tb = an_text(m->src, obj, &b);
  return a == b && memcmp(ta, tb, a) == 0;
}

/* The instance whose attribute a use reads (`trainer` in
 * `trainer.last[0]`), or null for globals and module containers. */
static TSNode esc__owner(AnModel *m, TSNode use, const Escape *e) {
  TSNode none = {{0}, NULL, NULL};
  if (e->where != ESC_ATTR && e->where != ESC_ATTR_LIST) return none;
  use = an_unparen(m->lang, use);
  if (an_sym(m->lang, use) == AN_SYM_subscript) use = an_unparen(m->lang, an_field(m->lang, use, AN_FIELD_value));
  return an_sym(m->lang, use) == AN_SYM_attribute ? an_unparen(m->lang, an_field(m->lang, use, AN_FIELD_object)) : none;
}

/* An assignment to the storage in `scope` between bytes [from, to): the
 * leaked value may be gone by the time of the use. */
static bool esc__overwritten(AnModel *m, const Escape *e, int scope, uint32_t from, uint32_t to) {
  for (uint32_t i = 0; i < m->sites.count; i++) {
    AnSite *s = &AN_VEC_AT(m->sites, AnSite, i);
    uint32_t at = ts_node_start_byte(s->node);
    if (s->kind != AN_SITE_ASSIGN || s->ctx.func != scope || at < from || at >= to) continue;
    TSNode left = an_field(m->lang, s->node, AN_FIELD_left);
    if (esc__storage(m, left, e, scope)) return true;
  }
  return false;
}

/* The call in eager scope `scope` before byte `before` that runs `target`
 * on `obj`, or NULL. With several, the last one (nearest the use). */
static const AnCall *esc__earlier_call(AnModel *m, int scope, uint32_t before, int target, TSNode obj) {
  const AnCall *found = NULL;
  if (scope >= 0) {
    AN_FOR_CALLS_OF(m, scope, c) {
      if (ts_node_start_byte(c->node) < before && esc__calls(m, c, target, obj)) found = c;
    }
    return found;
  }
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (ts_node_start_byte(c->node) >= before) break;
    if (c->ctx.func < 0 && esc__calls(m, c, target, obj)) found = c;
  }
  return found;
}

/* The call that traced the store before a use at `before` in eager scope
 * `scope`, with nothing overwriting the storage in between, or NULL. */
static const AnCall *esc__traced_before(AnModel *m, const Escape *e, int scope, uint32_t before, TSNode obj) {
  const AnCall *t = esc__earlier_call(m, scope, before, e->func, obj);
  if (t && esc__overwritten(m, e, scope, ts_node_end_byte(t->node), before)) return NULL;
  return t;
}

static bool esc__eager_scope(AnModel *m, int func) { return func < 0 || !an_in_graph(m, func); }

/* For a use inside another tf.function `reader`: an eager call of the
 * storing function followed, in the same scope and on the same instance,
 * by a call of `reader`. *first gets the call that traced the store. */
static bool esc__reader_after_store(AnModel *m, int reader, const Escape *e, TSNode owner, const AnCall **first) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    /* Called from graph code, the reader's graph is nested in the caller's
     * and may capture what that trace made. */
    if (c->callee == reader && !esc__eager_scope(m, c->ctx.func)) return false;
  }
  /* Inside the reader only `self.attr` names the instance it was called on. */
  bool attr = e->where == ESC_ATTR || e->where == ESC_ATTR_LIST;
  AnFunc *rf = AN_FUNC(m, reader);
  if (attr && (ts_node_is_null(owner) || !rf->param_count || !rf->params[0].is_self ||
               !an_text_eq(m->src, owner, rf->params[0].name)))
    return false;
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (c->callee != reader || c->ctx.eager_guard) continue;
    TSNode none = {{0}, NULL, NULL};
    TSNode obj = attr ? (ts_node_is_null(c->object) ? none : an_unparen(m->lang, c->object)) : none;
    if (attr && ts_node_is_null(obj)) continue;
    const AnCall *s = esc__traced_before(m, e, c->ctx.func, ts_node_start_byte(c->node), obj);
    if (s) {
      *first = s;
      return true;
    }
  }
  return false;
}

static void esc__report(AnModel *m, const Escape *e, TSNode at, int func, const AnCall *trace, const char *why) {
  const char *store = an_func_label(m, e->func);
  /* `tf.stack(history)` passes the container, not one of its items. */
  bool many = (e->where == ESC_LIST || e->where == ESC_ATTR_LIST) && an_sym(m->lang, at) != AN_SYM_subscript;
  AnFinding *f = an_emit_node(m, AN_RULE_GRAPH_TENSOR_ESCAPES, at, func,
                              "'%s' holds %s that '%s' stored while it was traced; %s to that graph and cannot be "
                              "used here (%s). Return %s from '%s' instead",
                              an_snippet(m, at), many ? "symbolic tensors" : "a symbolic tensor", store,
                              many ? "they belong" : "it belongs", why, many ? "them" : "it", store);
  if (!f) return;
  an_finding_related(m, f, e->store, "stored here while '%s' is traced", store);
  if (trace) an_finding_related(m, f, trace->node, "'%s' is traced by this call", store);
}

/* The leaked value in `c` where using it fails, with the error in *why;
 * null otherwise. Eagerly: `.numpy()`, TensorFlow and NumPy calls. In
 * another graph: TensorFlow calls (`.numpy()` and NumPy there are
 * HY207's and HY208's). */
static TSNode esc__failing_use(AnModel *m, const AnCall *c, const Escape *e, bool eager, const char **why) {
  /* Every use below names the storage inside the call's text. */
  uint32_t len;
  const char *t = an_text(m->src, c->node, &len);
  if (!memmem(t, len, e->name, e->len)) return (TSNode){{0}, NULL, NULL};
  if (eager && c->method && strcmp(c->method, "numpy") == 0 && an_call_argc(m->lang, c->node) == 0 &&
      esc__value(m, c->object, e, c->ctx.func, false)) {
    *why = "AttributeError: 'SymbolicTensor' object has no attribute 'numpy'";
    return an_unparen(m->lang, c->object);
  }
  TSNode at = esc__op_arg(m, c, e, eager);
  if (ts_node_is_null(at)) return at;
  if (!eager)
    *why = "TypeError: the tensor is out of scope and cannot be used here";
  else if (an_dotted_has_prefix(c->dotted, "numpy"))
    *why = "NotImplementedError: Cannot convert a symbolic tf.Tensor to a numpy array";
  else
    *why = "an eager operation cannot take a tensor of another graph";
  return at;
}

static void esc__uses(AnModel *m, const Escape *e) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    int func = c->ctx.func;
    if (func == e->func || c->ctx.init_scope) continue;
    bool eager = esc__eager_scope(m, func);
    if (!eager && !esc__hybrid(m, func)) continue;
    const char *why = NULL;
    TSNode at = esc__failing_use(m, c, e, eager, &why);
    if (ts_node_is_null(at)) continue;
    TSNode owner = esc__owner(m, at, e);
    bool attr = e->where == ESC_ATTR || e->where == ESC_ATTR_LIST;
    const AnCall *trace = NULL;
    if (eager && (!attr || !ts_node_is_null(owner)))
      trace = esc__traced_before(m, e, func, ts_node_start_byte(c->node), owner);
    else if (!eager && !esc__reader_after_store(m, func, e, owner, &trace))
      trace = NULL;
    if (!trace) continue;
    esc__report(m, e, at, func, trace, why);
  }
}

/* run_functions_eagerly(True) anywhere makes the stored values eager
 * tensors; the leak then goes unnoticed rather than failing. */
static bool esc__eager_switch(AnModel *m) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (!an_call_is(c, "tensorflow.config.run_functions_eagerly") &&
        !an_call_is(c, "tensorflow.config.experimental_run_functions_eagerly"))
      continue;
    if (an_sym(m->lang, an_call_arg(m->lang, c->node, 0)) != AN_SYM_false) return true;
  }
  return false;
}

/* The same storage stored twice reports its uses once. */
static bool esc__seen(const AnVec *escapes, uint32_t i) {
  const Escape *e = &AN_VEC_AT(*escapes, Escape, i);
  for (uint32_t j = 0; j < i; j++) {
    const Escape *o = &AN_VEC_AT(*escapes, Escape, j);
    if (o->where == e->where && o->cls == e->cls && o->len == e->len && memcmp(o->name, e->name, e->len) == 0)
      return true;
  }
  return false;
}

void an_check_HY404(AnModel *m) {
  AnVec escapes = {0};
  for (uint32_t f = 0; f < m->funcs.count; f++)
    if (esc__hybrid(m, (int)f)) esc__stores_of(m, (int)f, &escapes);
  if (!escapes.count || esc__eager_switch(m)) return;
  for (uint32_t i = 0; i < escapes.count; i++) {
    Escape *e = &AN_VEC_AT(escapes, Escape, i);
    if (!esc__seen(&escapes, i)) esc__uses(m, e);
  }
}
