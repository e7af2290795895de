/* Which functions run as graphs, and why.
 *
 * Hybrid functions are found in every spelling (decorators with or without
 * arguments, `g = tf.function(f)`, `self.step = tf.function(self._step)`,
 * `tf.function(f)(x)`, `tf.function(lambda ...)`), plus Keras model methods
 * (lower confidence) and tf.data transformation callbacks. Graph context is
 * then the closure of those roots over resolved calls (plain calls, `self.`
 * method calls, functions handed to TensorFlow APIs that trace them), each
 * function remembering the caller that reached it so the chain to its root
 * can be shown.
 */
#include <stddef.h>
#include <string.h>

#include "analysis/alloc.h"
#include "analysis/model.h"
#include "analysis/rules/rules.h"

static bool graph__is(const char *dotted, const char *name) { return dotted && strcmp(dotted, name) == 0; }

/* Function whose definition node starts at `start`, by binary search (the
 * functions are recorded in document order). */
static int graph__func_by_start(const AnModel *m, uint32_t start) {
  int lo = 0, hi = (int)m->funcs.count - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    uint32_t s = ts_node_start_byte(AN_VEC_AT(m->funcs, AnFunc, mid).node);
    if (s == start) return mid;
    if (s < start)
      lo = mid + 1;
    else
      hi = mid - 1;
  }
  return -1;
}

int an_func_at(const AnModel *m, TSNode node) {
  uint32_t pos = ts_node_start_byte(node), end = ts_node_end_byte(node);
  int lo = 0, hi = (int)m->funcs.count - 1, best = -1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    if (ts_node_start_byte(AN_VEC_AT(m->funcs, AnFunc, mid).node) <= pos) {
      best = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  for (int f = best; f >= 0; f = AN_VEC_AT(m->funcs, AnFunc, f).parent) {
    TSNode fn = AN_VEC_AT(m->funcs, AnFunc, f).node;
    if (ts_node_start_byte(fn) <= pos && end <= ts_node_end_byte(fn) &&
        !(ts_node_start_byte(fn) == pos && end == ts_node_end_byte(fn)))
      return f;
  }
  return -1;
}

/* Calls are recorded in document order, an outer call before the calls
 * that start with it (`a.b(c).d()`, a 10,000-link `x.map(f)[0]...` chain):
 * by start byte, then by end byte decreasing. Searching on both keeps a
 * long chain logarithmic instead of scanning every call that shares its
 * start. */
AnCall *an_call_record(const AnModel *m, TSNode call) {
  uint32_t pos = ts_node_start_byte(call), end = ts_node_end_byte(call), lo = 0, hi = m->calls.count;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    TSNode n = AN_VEC_AT(m->calls, AnCall, mid).node;
    uint32_t s = ts_node_start_byte(n);
    if (s < pos || (s == pos && ts_node_end_byte(n) > end))
      lo = mid + 1;
    else
      hi = mid;
  }
  AnCall *c = lo < m->calls.count ? &AN_VEC_AT(m->calls, AnCall, lo) : NULL;
  return c && ts_node_eq(c->node, call) ? c : NULL;
}

TSNode an_call_function(const AnModel *m, TSNode call) {
  const AnCall *c = an_call_record(m, call);
  return c ? c->fn : an_field(m->lang, call, AN_FIELD_function);
}

const char *an_call_dotted(AnModel *m, AnCall *c) {
  if (!c->dotted_known) {
    c->dotted = an_dotted(m, c->fn, c->ctx.func);
    c->dotted_known = true;
  }
  return c->dotted;
}

/* Class whose methods are visible as `self.` from function `func`. */
static int graph__self_class(const AnModel *m, int func) {
  for (int f = func; f >= 0; f = AN_VEC_AT(m->funcs, AnFunc, f).parent) {
    const AnFunc *fn = &AN_VEC_AT(m->funcs, AnFunc, f);
    if (fn->cls >= 0) return fn->cls;
  }
  return -1;
}

static int graph__method(AnModel *m, int cls, const char *name, uint32_t len, int depth);

/* The function a `tf.function(...)` call wraps, resolved in `func`. */
static int graph__wrapped(AnModel *m, TSNode call, int func, int depth) {
  const AnLang *l = m->lang;
  TSNode arg = an_call_arg(l, call, 0);
  if (ts_node_is_null(arg)) arg = an_call_kwarg(l, m->src, call, "func");
  if (ts_node_is_null(arg) || depth > 8) return -1;
  arg = an_unparen(l, arg);
  if (an_sym(l, arg) == AN_SYM_lambda) return graph__func_by_start(m, ts_node_start_byte(arg));
  return an_resolve_function(m, arg, func);
}

static bool graph__is_tf_function_call(AnModel *m, TSNode n, int func) {
  const AnLang *l = m->lang;
  n = an_unparen(l, n);
  if (an_sym(l, n) != AN_SYM_call) return false;
  AnCall *c = an_call_record(m, n);
  if (c && c->ctx.func == func) return graph__is(an_call_dotted(m, c), "tensorflow.function");
  return graph__is(an_dotted(m, c ? c->fn : an_field(l, n, AN_FIELD_function), func), "tensorflow.function");
}

/* A binding's value that wraps a function: `g = tf.function(f)`. */
static int graph__binding_target(AnModel *m, TSNode value, int scope_func, int depth) {
  if (ts_node_is_null(value) || depth > 8) return -1;
  if (graph__is_tf_function_call(m, value, scope_func))
    return graph__wrapped(m, an_unparen(m->lang, value), scope_func, depth + 1);
  return -1;
}

int an_class_next_base(AnModel *m, int cls, uint32_t *at) {
  AnClass *k = AN_CLASS(m, cls);
  uint32_t n = ts_node_is_null(k->superclasses) ? 0 : ts_node_named_child_count(k->superclasses);
  while (*at < n) {
    TSNode b = ts_node_named_child(k->superclasses, (*at)++);
    if (an_sym(m->lang, b) != AN_SYM_identifier) continue;
    uint32_t len;
    const char *t = an_text(m->src, b, &len);
    int base = an_hash_get(&m->class_map, AN_SCOPE_MODULE, t, len);
    if (base >= 0 && base != cls) return base;
  }
  return -1;
}

const int *an_class_ancestors(AnModel *m, int cls, uint32_t *count) {
  AnClass *k = AN_CLASS(m, cls);
  *count = 0;
  if (k->ancestors_built) {
    *count = k->ancestor_count;
    return k->ancestors;
  }
  uint32_t nc = m->classes.count;
  if (!m->class_marks) m->class_marks = an_arena_alloc(&m->arena, sizeof *m->class_marks * nc);
  int *out = an_arena_alloc(&m->arena, sizeof *out * AN_MAX_ANCESTORS);
  if (!m->class_marks || !out) return NULL;
  /* Iterative depth-first walk: frame i holds a class and its position in
   * its base list. */
  struct {
    int cls;
    uint32_t at;
  } stack[AN_MAX_CLASS_DEPTH + 1];
  uint32_t top = 0, n = 0;
  stack[top].cls = cls;
  stack[top++].at = 0;
  m->class_marks[cls] = true;
  while (top) {
    int base = an_class_next_base(m, stack[top - 1].cls, &stack[top - 1].at);
    if (base < 0) {
      top--;
      continue;
    }
    if (m->class_marks[base] || n == AN_MAX_ANCESTORS) continue;
    m->class_marks[base] = true;
    out[n++] = base;
    if (top <= AN_MAX_CLASS_DEPTH - 1) {
      stack[top].cls = base;
      stack[top++].at = 0;
    }
  }
  m->class_marks[cls] = false;
  for (uint32_t i = 0; i < n; i++) m->class_marks[out[i]] = false;
  k->ancestors = n ? out : NULL;
  k->ancestor_count = n;
  k->ancestors_built = true;
  *count = n;
  return k->ancestors;
}

int an_class_search(AnModel *m, int cls, const AnClassSearch *s) {
  if (cls < 0) return -1;
  uint32_t nc = m->classes.count;
  if (!m->class_depth) m->class_depth = an_arena_alloc(&m->arena, sizeof *m->class_depth * nc);
  if (!m->class_touched) m->class_touched = an_arena_alloc(&m->arena, sizeof *m->class_touched * nc);
  if (!m->class_depth || !m->class_touched || m->class_searching) return -1;
  int max = s->max_depth < AN_MAX_SEARCH_DEPTH ? s->max_depth : AN_MAX_SEARCH_DEPTH;
  int (*next)(AnModel *, int, uint32_t *, void *) = s->next;
  m->class_searching = true;
  uint32_t touched = 0;
  int found = -1;
  struct {
    int cls;
    uint32_t at;
  } stack[AN_MAX_SEARCH_DEPTH + 1];
  int top = 0; /* frames in use; the frame at index d holds a class at depth d */
  m->class_depth[cls] = 1;
  m->class_touched[touched++] = cls;
  AnClassStep step = s->visit(m, cls, s->ctx);
  if (step == AN_CLASS_FOUND) found = cls;
  else if (step == AN_CLASS_GO) {
    stack[0].cls = cls;
    stack[0].at = 0;
    top = 1;
  }
  while (top && found == -1) {
    int d = top; /* depth of the bases of the top frame */
    int base = next ? next(m, stack[top - 1].cls, &stack[top - 1].at, s->ctx)
                    : an_class_next_base(m, stack[top - 1].cls, &stack[top - 1].at);
    if (base < 0) {
      top--;
      continue;
    }
    if (d > max) {
      /* The recursion would call itself once more and give up there. */
      if (s->overflow_found) found = AN_CLASS_OVERFLOW;
      else top--;
      continue;
    }
    uint8_t seen = m->class_depth[base];
    /* Reached before at depth seen - 1. Without overflow a class shows
     * less the deeper it is reached; with it, a search that came back
     * empty at some depth saw all it will ever see from there up, and
     * only a deeper visit can reach the limit. */
    if (seen && (s->overflow_found ? seen - 1 >= d : seen - 1 <= d)) continue;
    if (!seen) m->class_touched[touched++] = base;
    m->class_depth[base] = (uint8_t)(d + 1);
    step = s->visit(m, base, s->ctx);
    if (step == AN_CLASS_FOUND) found = base;
    else if (step == AN_CLASS_GO && (d < max || s->overflow_found)) {
      stack[top].cls = base;
      stack[top++].at = 0;
    }
  }
  for (uint32_t i = 0; i < touched; i++) m->class_depth[m->class_touched[i]] = 0;
  m->class_searching = false;
  return found;
}

int an_constructed_class(AnModel *m, TSNode value) {
  TSNode v = an_unparen(m->lang, value);
  if (an_sym(m->lang, v) != AN_SYM_call) return -1;
  TSNode fn = an_call_function(m, v);
  if (an_sym(m->lang, fn) != AN_SYM_identifier) return -1;
  uint32_t len;
  const char *t = an_text(m->src, fn, &len);
  return an_hash_get(&m->class_map, AN_SCOPE_MODULE, t, len);
}

int an_chain_memo(AnModel *m, int which, int b, int (*compute)(AnModel *m, int b)) {
  uint32_t n = m->bindings.count;
  if (b < 0 || (uint32_t)b >= n) return compute(m, b);
  int32_t *memo = m->chain_memo[which];
  if (!memo) {
    memo = an_arena_alloc(&m->arena, sizeof *memo * n);
    if (!memo) return compute(m, b);
    memset(memo, 0, sizeof *memo * n);
    m->chain_memo[which] = memo;
  }
  if (!memo[b]) memo[b] = compute(m, b) + 2;
  return memo[b] - 2;
}

/* The one class every binding of the chain constructs, or -1. */
static int graph__chain_class(AnModel *m, int b) {
  int cls = -1;
  for (int k = b; k >= 0; k = AN_VEC_AT(m->bindings, AnBinding, k).next) {
    int c = an_constructed_class(m, AN_VEC_AT(m->bindings, AnBinding, k).value);
    if (c < 0 || (cls >= 0 && c != cls)) return -1;
    cls = c;
  }
  return cls;
}

/* Method `name` of class `cls` itself: a def, or an attribute bound to a
 * function (`self.step = tf.function(self._step)`); -1. */
static int graph__own_method(AnModel *m, int cls, const char *name, uint32_t len, int depth) {
  int f = an_hash_get(&m->func_map, AN_SCOPE_CLASS(cls), name, len);
  if (f >= 0) return f;
  int a = an_hash_get(&m->attr_map, cls, name, len);
  for (; a >= 0; a = AN_VEC_AT(m->attrs, AnAttrBinding, a).next) {
    AnAttrBinding *ab = &AN_VEC_AT(m->attrs, AnAttrBinding, a);
    int t = graph__binding_target(m, ab->value, ab->func, depth + 1);
    if (t >= 0) return t;
  }
  return -1;
}

/* Method `name` of class `cls` or of the first class of this module it
 * derives from that has one. */
static int graph__method(AnModel *m, int cls, const char *name, uint32_t len, int depth) {
  if (cls < 0 || depth > 8) return -1;
  int r = graph__own_method(m, cls, name, len, depth);
  uint32_t n = 0;
  const int *bases = r >= 0 ? NULL : an_class_ancestors(m, cls, &n);
  for (uint32_t i = 0; i < n && r < 0; i++) r = graph__own_method(m, bases[i], name, len, depth + 1);
  return r;
}

/* The class of a name bound to an instance of a module class:
 * `trainer = Trainer(...)`. All bindings must agree. */
static int graph__instance_class(AnModel *m, const char *name, uint32_t len, int func) {
  for (int f = func;; f = AN_FUNC(m, f)->parent) {
    /* A parameter of that name hides the bindings of enclosing scopes. */
    const AnFunc *fn = f >= 0 ? AN_FUNC(m, f) : NULL;
    for (uint32_t i = 0; fn && i < fn->param_count; i++)
      if (strlen(fn->params[i].name) == len && memcmp(fn->params[i].name, name, len) == 0) return -1;
    int b = an_hash_get(&m->binding_map, f, name, len);
    if (b >= 0) return an_chain_memo(m, AN_CHAIN_GRAPH_CLASS, b, graph__chain_class);
    if (f < 0) return -1;
  }
}

/* `h = tf.function(h, ...)`: the binding wraps the name it rebinds.
 * Resolving the argument through the binding again would never end. */
static bool graph__rewraps(AnModel *m, TSNode value, int scope_func, const char *name, uint32_t len) {
  if (ts_node_is_null(value) || !graph__is_tf_function_call(m, value, scope_func)) return false;
  TSNode call = an_unparen(m->lang, value);
  TSNode arg = an_call_arg(m->lang, call, 0);
  if (ts_node_is_null(arg)) arg = an_call_kwarg(m->lang, m->src, call, "func");
  arg = an_unparen(m->lang, arg);
  if (an_sym(m->lang, arg) != AN_SYM_identifier) return false;
  uint32_t alen;
  const char *t = an_text(m->src, arg, &alen);
  return alen == len && memcmp(t, name, len) == 0;
}

static int graph__resolve_name(AnModel *m, const char *name, uint32_t len, int func) {
  for (int f = func;; f = AN_FUNC(m, f)->parent) {
    int scope = f; /* -1 is the module scope */
    int b = an_hash_get(&m->binding_map, scope, name, len);
    if (b >= 0) {
      /* Any wrapper binding wins; another binding hides outer functions. */
      for (int k = b; k >= 0; k = AN_VEC_AT(m->bindings, AnBinding, k).next) {
        AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, k);
        if (graph__rewraps(m, bd->value, f, name, len)) {
          int def = an_hash_get(&m->func_map, scope, name, len);
          if (def >= 0) return def;
          continue;
        }
        int t = graph__binding_target(m, bd->value, f, 0);
        if (t >= 0) return t;
      }
      /* `loss = WeightedMSE(); loss(y, p)` runs the class's own __call__
       * (a Keras `call` is reached through Keras' __call__ instead). */
      return graph__method(m, graph__instance_class(m, name, len, f), "__call__", 8, 0);
    }
    int fn = an_hash_get(&m->func_map, scope, name, len);
    if (fn >= 0) return fn;
    if (f < 0) break;
    AnFunc *cur = AN_FUNC(m, f);
    for (uint32_t i = 0; i < cur->param_count; i++)
      if (strlen(cur->params[i].name) == len && memcmp(cur->params[i].name, name, len) == 0) return -1;
  }
  return -1;
}

int an_resolve_function(AnModel *m, TSNode callee, int func) {
  const AnLang *l = m->lang;
  callee = an_unparen(l, callee);
  AnSym s = an_sym(l, callee);
  if (s == AN_SYM_lambda) return graph__func_by_start(m, ts_node_start_byte(callee));
  if (s == AN_SYM_identifier) {
    uint32_t len;
    const char *t = an_text(m->src, callee, &len);
    return graph__resolve_name(m, t, len, func);
  }
  if (s == AN_SYM_call && graph__is_tf_function_call(m, callee, func))
    return graph__wrapped(m, callee, func, 0);
  if (s != AN_SYM_attribute) return -1;
  uint32_t alen, olen, dots;
  const char *at, *ot;
  if (an_plain_chain(m->src, callee, &dots)) {
    /* `obj.attr` read off the text; a longer chain has no name as object. */
    if (dots != 1) return -1;
    ot = an_text(m->src, callee, &olen);
    at = (const char *)memchr(ot, '.', olen) + 1;
    alen = olen - (uint32_t)(at - ot);
    olen -= alen + 1;
  } else {
    TSNode obj = an_field(l, callee, AN_FIELD_object), attr = an_field(l, callee, AN_FIELD_attribute);
    if (ts_node_is_null(obj) || ts_node_is_null(attr)) return -1;
    at = an_text(m->src, attr, &alen);
    if (an_sym(l, obj) != AN_SYM_identifier) return -1;
    ot = an_text(m->src, obj, &olen);
  }
  if ((olen == 4 && memcmp(ot, "self", 4) == 0) || (olen == 3 && memcmp(ot, "cls", 3) == 0))
    return graph__method(m, graph__self_class(m, func), at, alen, 0);
  int cls = an_hash_get(&m->class_map, AN_SCOPE_MODULE, ot, olen);
  if (cls < 0) cls = graph__instance_class(m, ot, olen, func);
  return cls >= 0 ? graph__method(m, cls, at, alen, 0) : -1;
}

bool an_callee_binds_self(AnModel *m, TSNode callee, const AnFunc *f) {
  if (!f || !f->param_count || !f->params[0].is_self) return false;
  if (an_sym(m->lang, an_unparen(m->lang, callee)) == AN_SYM_attribute) return true;
  if (!f->name) return false;
  if (strcmp(f->name, "__call__") == 0) return true;
  /* `layer(x)`: Keras' __call__ runs `call` on the instance. */
  return f->cls >= 0 && AN_CLASS(m, f->cls)->keras && strcmp(f->name, "call") == 0;
}

/* The module class of the instance `obj` holds: `self`, a name bound
 * only to `Cls(...)`, or `Cls(...)` itself; -1. */
static int graph__instance_of(AnModel *m, TSNode obj, int func) {
  obj = an_unparen(m->lang, obj);
  AnSym s = an_sym(m->lang, obj);
  if (s == AN_SYM_call) return an_constructed_class(m, obj);
  if (s != AN_SYM_identifier) return -1;
  if (an_text_eq(m->src, obj, "self")) return graph__self_class(m, func);
  uint32_t len;
  const char *t = an_text(m->src, obj, &len);
  return graph__instance_class(m, t, len, func);
}

int an_instance_call_method(AnModel *m, TSNode obj, int func) {
  int cls = graph__instance_of(m, obj, func);
  return cls >= 0 ? graph__method(m, cls, "call", 4, 0) : -1;
}

/* A def named `name` in class `cls` or the first class of this module it
 * derives from that has one; -1. Attributes of the instance do not count. */
static int graph__class_def(AnModel *m, int cls, const char *name, uint32_t len) {
  int f = an_hash_get(&m->func_map, AN_SCOPE_CLASS(cls), name, len);
  uint32_t n = 0;
  const int *bases = f >= 0 ? NULL : an_class_ancestors(m, cls, &n);
  for (uint32_t i = 0; i < n && f < 0; i++) f = an_hash_get(&m->func_map, AN_SCOPE_CLASS(bases[i]), name, len);
  return f;
}

int an_instance_invoked_method(AnModel *m, TSNode obj, int func, int *cls) {
  *cls = graph__instance_of(m, obj, func);
  if (*cls < 0) return -1;
  /* Python's implicit call looks `__call__` up on the type, never on the
   * instance. A Keras Layer's own __call__ forwards the arguments to the
   * instance's `call` (filling in `training` and `mask` only when the
   * caller gave none). */
  int f = graph__class_def(m, *cls, "__call__", 8);
  if (f < 0 && AN_CLASS(m, *cls)->keras) f = graph__class_def(m, *cls, "call", 4);
  return f;
}

/* --- hybrid detection ---------------------------------------------------- */

static void graph__tf_args(AnModel *m, AnTfArgs *args, TSNode call) {
  args->call = call;
  args->autograph = -1;
  args->jit_compile = -1;
  args->reduce_retracing = -1;
  if (ts_node_is_null(call)) return;
  args->input_signature = an_call_kwarg(m->lang, m->src, call, "input_signature");
  /* tf.function(func, input_signature, autograph, ...) positional form. */
  if (ts_node_is_null(args->input_signature) && an_call_argc(m->lang, call) >= 2)
    args->input_signature = an_call_arg(m->lang, call, 1);
  if (!ts_node_is_null(args->input_signature)) {
    TSNode v = an_constant_value(m, args->input_signature, an_func_at(m, call));
    if (!ts_node_eq(v, an_unparen(m->lang, args->input_signature))) {
      args->signature_ref = args->input_signature;
      args->input_signature = v;
    }
  }
  args->autograph = an_call_bool_kwarg(m->lang, m->src, call, "autograph");
  args->jit_compile = an_call_bool_kwarg(m->lang, m->src, call, "jit_compile");
  if (args->jit_compile < 0) args->jit_compile = an_call_bool_kwarg(m->lang, m->src, call, "experimental_compile");
  args->reduce_retracing = an_call_bool_kwarg(m->lang, m->src, call, "reduce_retracing");
  if (args->reduce_retracing < 0)
    args->reduce_retracing = an_call_bool_kwarg(m->lang, m->src, call, "experimental_relax_shapes");
}

static void graph__decorators(AnModel *m, int index) {
  AnFunc *f = AN_FUNC(m, index);
  if (an_sym(m->lang, f->outer) != AN_SYM_decorated_definition) return;
  uint32_t n = ts_node_named_child_count(f->outer);
  for (uint32_t i = 0; i < n; i++) {
    TSNode d = ts_node_named_child(f->outer, i);
    if (an_sym(m->lang, d) != AN_SYM_decorator || !ts_node_named_child_count(d)) continue;
    TSNode e = an_unparen(m->lang, ts_node_named_child(d, 0));
    TSNode call = {{0}, NULL, NULL};
    TSNode callee = e;
    if (an_sym(m->lang, e) == AN_SYM_call) {
      call = e;
      callee = an_field(m->lang, e, AN_FIELD_function);
    }
    const char *dotted = an_dotted(m, callee, f->parent);
    if (graph__is(dotted, "tensorflow.function")) {
      f->via = AN_VIA_DECORATOR;
      f->hybrid_site = e;
      graph__tf_args(m, &f->tf, call);
    } else if (graph__is(dotted, "tensorflow.autograph.experimental.do_not_convert")) {
      f->do_not_convert = true;
    }
  }
}

static void graph__wrapper_calls(AnModel *m) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (!graph__is(c->dotted, "tensorflow.function")) continue;
    int target = graph__wrapped(m, c->node, c->ctx.func, 0);
    if (target < 0) continue;
    AnFunc *f = AN_FUNC(m, target);
    if (f->via == AN_VIA_NONE) {
      f->via = AN_VIA_CALL;
      f->hybrid_site = c->node;
      graph__tf_args(m, &f->tf, c->node);
    }
  }
}

static const char *const graph__keras_bases[] = {
    "keras.Model",        "keras.models.Model", "keras.Sequential", "keras.models.Sequential",
    "keras.layers.Layer", "keras.Layer",        "keras.engine.training.Model",
    "keras.engine.base_layer.Layer",
    /* TF Recommenders' Model is a keras.Model whose train_step/test_step
     * call compute_loss; fit traces them like any Keras model's. */
    "tensorflow_recommenders.Model", "tensorflow_recommenders.models.Model", NULL,
};

static bool graph__class_is_keras(AnModel *m, int cls) {
  AnClass *k = AN_CLASS(m, cls);
  if (ts_node_is_null(k->superclasses)) return false;
  uint32_t n = ts_node_named_child_count(k->superclasses);
  for (uint32_t i = 0; i < n; i++) {
    TSNode b = ts_node_named_child(k->superclasses, i);
    AnSym s = an_sym(m->lang, b);
    if (s == AN_SYM_keyword_argument) continue;
    const char *d = an_dotted(m, b, k->parent_func);
    for (int j = 0; d && graph__keras_bases[j]; j++)
      if (strcmp(d, graph__keras_bases[j]) == 0) return true;
    if (s == AN_SYM_identifier) {
      uint32_t len;
      const char *t = an_text(m->src, b, &len);
      int base = an_hash_get(&m->class_map, AN_SCOPE_MODULE, t, len);
      if (base >= 0 && base < cls && AN_CLASS(m, base)->keras) return true;
    }
  }
  return false;
}

static bool graph__is_keras_step(const char *name) {
  return strcmp(name, "call") == 0 || strcmp(name, "train_step") == 0 ||
         strcmp(name, "test_step") == 0 || strcmp(name, "predict_step") == 0;
}

/* `model.compile(..., run_eagerly=True)` anywhere in the module: Keras then
 * calls train_step and call eagerly. The analysis cannot always tell which
 * model a compile call configures, so the whole module's Keras methods are
 * taken as eager (precision first). */
static bool graph__keras_run_eagerly(AnModel *m) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (!c->method || strcmp(c->method, "compile") != 0) continue;
    TSNode v = an_call_kwarg(m->lang, m->src, c->node, "run_eagerly");
    if (an_sym(m->lang, v) == AN_SYM_true) return true;
  }
  return false;
}

/* A call anywhere in the module that turns eager execution off for the
 * whole process (it cannot be turned back on), so the module is meant to
 * run as TF1 graph code. A conditional call counts too: precision first. */
static bool graph__v1_mode(AnModel *m) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    const char *d = AN_VEC_AT(m->calls, AnCall, i).dotted;
    if (graph__is(d, "tensorflow.disable_v2_behavior") || graph__is(d, "tensorflow.disable_eager_execution") ||
        graph__is(d, "tensorflow.python.framework.ops.disable_eager_execution"))
      return true;
  }
  return false;
}

/* Keras v1 (graph mode) fit builds its own training graph and never calls
 * train_step/test_step/predict_step; only call still runs, symbolically. */
static bool graph__keras_step_runs(const AnModel *m, const char *name) {
  return !m->v1_graph_mode || strcmp(name, "call") == 0;
}

/* A Keras metric class by its canonical spelling: keras.metrics.Metric
 * (keras.Metric in Keras 3) or one of the metric classes keras.metrics
 * exports (`keras.metrics.Mean`); its functions are lower case. */
static bool graph__keras_metric_base(const char *dotted) {
  if (!dotted) return false;
  if (strcmp(dotted, "keras.Metric") == 0) return true;
  if (!an_dotted_has_prefix(dotted, "keras.metrics")) return false;
  const char *last = strrchr(dotted, '.') + 1;
  return last - dotted == (long)strlen("keras.metrics.") && *last >= 'A' && *last <= 'Z';
}

static AnClassStep graph__metric_visit(AnModel *m, int cls, void *ctx) {
  AnClass *k = AN_CLASS(m, cls);
  uint32_t n = ts_node_is_null(k->superclasses) ? 0 : ts_node_named_child_count(k->superclasses);
  for (uint32_t i = 0; i < n; i++) {
    TSNode b = ts_node_named_child(k->superclasses, i);
    if (an_sym(m->lang, b) != AN_SYM_keyword_argument && graph__keras_metric_base(an_dotted(m, b, k->parent_func)))
      return AN_CLASS_FOUND;
  }
  return AN_CLASS_GO;
}

/* The module class of a metric instance given to compile: `Cls(...)`, or
 * a name bound once to it; -1 when it is not a Keras metric class. */
static int graph__metric_instance(AnModel *m, TSNode e, int func) {
  e = an_unparen(m->lang, e);
  if (an_sym(m->lang, e) == AN_SYM_identifier) {
    int scope, b = an_single_binding(m, e, func, &scope);
    const AnBinding *bd = b >= 0 ? &AN_VEC_AT(m->bindings, AnBinding, b) : NULL;
    if (!bd || bd->from_for || bd->from_unpack || ts_node_is_null(bd->value)) return -1;
    e = bd->value;
  }
  int cls = an_constructed_class(m, e);
  AnClassSearch search = {.max_depth = 8, .visit = graph__metric_visit};
  return cls >= 0 && an_class_search(m, cls, &search) >= 0 ? cls : -1;
}

/* Marks the update_state and result that instances of `cls` run. */
static void graph__metric_methods(AnModel *m, int cls) {
  static const char *const names[] = {"update_state", "result", NULL};
  for (int i = 0; names[i]; i++) {
    int f = graph__method(m, cls, names[i], (uint32_t)strlen(names[i]), 0);
    if (f >= 0 && AN_FUNC(m, f)->via == AN_VIA_NONE) AN_FUNC(m, f)->via = AN_VIA_KERAS;
  }
}

/* `model.compile(metrics=[StepCounter()])` (also weighted_metrics, a name
 * bound once to the list or to the instance): Keras calls the metric's
 * update_state and result inside the train and test steps it traces with
 * tf.function (Keras 2 also converts update_state with AutoGraph), so
 * they are graph code like train_step. */
static void graph__compiled_metrics(AnModel *m) {
  static const char *const kwargs[] = {"metrics", "weighted_metrics", NULL};
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (!c->method || strcmp(c->method, "compile") != 0) continue;
    for (int k = 0; kwargs[k]; k++) {
      TSNode v = an_unparen(m->lang, an_call_kwarg(m->lang, m->src, c->node, kwargs[k]));
      if (ts_node_is_null(v)) continue;
      if (an_sym(m->lang, v) == AN_SYM_identifier) {
        int scope, b = an_single_binding(m, v, c->ctx.func, &scope);
        const AnBinding *bd = b >= 0 ? &AN_VEC_AT(m->bindings, AnBinding, b) : NULL;
        if (bd && !bd->from_for && !bd->from_unpack && !ts_node_is_null(bd->value)) v = an_unparen(m->lang, bd->value);
      }
      AnSym vs = an_sym(m->lang, v);
      bool seq = vs == AN_SYM_list || vs == AN_SYM_tuple;
      uint32_t n = seq ? ts_node_named_child_count(v) : 1;
      for (uint32_t e = 0; e < n; e++) {
        int cls = graph__metric_instance(m, seq ? ts_node_named_child(v, e) : v, c->ctx.func);
        if (cls >= 0) graph__metric_methods(m, cls);
      }
    }
  }
}

/* The optimizer bases whose apply_gradients calls the subclass's
 * update_step (Keras 3 and tf.keras 2.11+; `experimental` in 2.9-2.10).
 * The legacy optimizers run _resource_apply_dense instead. */
static AnClassStep graph__optimizer_visit(AnModel *m, int cls, void *ctx) {
  static const char *const bases[] = {"keras.optimizers.Optimizer", "keras.Optimizer",
                                      "keras.optimizers.experimental.Optimizer", NULL};
  AnClass *k = AN_CLASS(m, cls);
  uint32_t n = ts_node_is_null(k->superclasses) ? 0 : ts_node_named_child_count(k->superclasses);
  for (uint32_t i = 0; i < n; i++) {
    TSNode b = ts_node_named_child(k->superclasses, i);
    const char *d = an_sym(m->lang, b) == AN_SYM_keyword_argument ? NULL : an_dotted(m, b, k->parent_func);
    for (int j = 0; d && bases[j]; j++)
      if (strcmp(d, bases[j]) == 0) return AN_CLASS_FOUND;
  }
  return AN_CLASS_GO;
}

/* update_step of a Keras optimizer subclass: apply_gradients runs it once
 * per variable inside the train step that fit traces with tf.function (or
 * a hand-written tf.function step), so like train_step it is graph code;
 * build runs once, behind the optimizer's built flag, and stays eager. */
static void graph__optimizer_steps(AnModel *m) {
  AnClassSearch search = {.max_depth = 8, .visit = graph__optimizer_visit};
  for (uint32_t i = 0; i < m->funcs.count; i++) {
    AnFunc *f = AN_FUNC(m, i);
    if (f->cls < 0 || f->via != AN_VIA_NONE || strcmp(f->name, "update_step") != 0) continue;
    if (an_class_search(m, f->cls, &search) >= 0) f->via = AN_VIA_KERAS;
  }
}

static void graph__keras(AnModel *m) {
  bool eager = graph__keras_run_eagerly(m);
  for (uint32_t c = 0; c < m->classes.count; c++) AN_CLASS(m, c)->keras = graph__class_is_keras(m, (int)c);
  for (uint32_t i = 0; i < m->funcs.count; i++) {
    AnFunc *f = AN_FUNC(m, i);
    if (f->cls < 0 || !AN_CLASS(m, f->cls)->keras || !graph__is_keras_step(f->name)) continue;
    f->keras_method = true;
    if (f->via == AN_VIA_NONE && m->cfg->keras_graph_mode && !eager && graph__keras_step_runs(m, f->name))
      f->via = AN_VIA_KERAS;
  }
  /* Keras v1 fit updates metrics in its own session graph, not in a traced
   * train_step: left alone there, as train_step is. */
  if (m->cfg->keras_graph_mode && !eager && !m->v1_graph_mode) {
    graph__compiled_metrics(m);
    graph__optimizer_steps(m);
  }
}

/* --- graph context ------------------------------------------------------- */

typedef struct GraphQueue {
  int *items;
  uint32_t head, tail;
} GraphQueue;

static void graph__mark(AnModel *m, GraphQueue *q, int f, AnRootKind root, int from) {
  AnFunc *fn = AN_FUNC(m, f);
  if (fn->root != AN_ROOT_NONE) return;
  fn->root = root;
  fn->graph_from = from;
  q->items[q->tail++] = f;
}

/* --- training-library loops ---------------------------------------------- */

/* Step methods a training library runs inside the tf.function it wraps
 * around its own loop. Orbit's StandardTrainer and StandardEvaluator wrap
 * the loop over train_step / eval_step in tf.function unless their options
 * say use_tf_function=False (the default is True; use_tf_while_loop=True
 * without it is a ValueError); their begin, end and eval_reduce hooks run
 * eagerly. Model Garden's Task has no options: its trainer (an Orbit
 * StandardTrainer) runs train_step and validation_step in its tf.function
 * unless the experiment config turns train_tf_function off, which the
 * module cannot show; like Keras steps, findings are one level lower. */
typedef struct GraphLoopBase {
  const char *base;    /* canonical dotted base class */
  const char *step;    /* the method it traces */
  const char *options; /* last name of its options class, or NULL */
  const char *owner;   /* for messages */
} GraphLoopBase;

static const GraphLoopBase graph__loop_bases[] = {
    {"orbit.StandardTrainer", "train_step", "StandardTrainerOptions", "Orbit's StandardTrainer"},
    {"orbit.standard_runner.StandardTrainer", "train_step", "StandardTrainerOptions", "Orbit's StandardTrainer"},
    {"orbit.StandardEvaluator", "eval_step", "StandardEvaluatorOptions", "Orbit's StandardEvaluator"},
    {"orbit.standard_runner.StandardEvaluator", "eval_step", "StandardEvaluatorOptions",
     "Orbit's StandardEvaluator"},
    {"official.core.base_task.Task", "train_step", NULL, "the Model Garden trainer"},
    {"official.core.base_task.Task", "validation_step", NULL, "the Model Garden trainer"},
    {NULL, NULL, NULL, NULL},
};

static bool graph__last_name_is(const char *dotted, const char *name) {
  if (!dotted) return false;
  const char *dot = strrchr(dotted, '.');
  return strcmp(dot ? dot + 1 : dotted, name) == 0;
}

typedef struct GraphLoopFind {
  const GraphLoopBase *base; /* in: the entry to match; the search stops at its class */
} GraphLoopFind;

static AnClassStep graph__loop_visit(AnModel *m, int cls, void *ctx) {
  const GraphLoopFind *find = ctx;
  AnClass *k = AN_CLASS(m, cls);
  uint32_t n = ts_node_is_null(k->superclasses) ? 0 : ts_node_named_child_count(k->superclasses);
  for (uint32_t i = 0; i < n; i++) {
    TSNode b = ts_node_named_child(k->superclasses, i);
    if (an_sym(m->lang, b) != AN_SYM_keyword_argument && graph__is(an_dotted(m, b, k->parent_func), find->base->base))
      return AN_CLASS_FOUND;
  }
  return AN_CLASS_GO;
}

/* `StandardTrainerOptions(use_tf_function=...)` anywhere in the module with
 * anything but a literal True: which runner it configures is not always
 * visible, so every runner of that kind is taken as eager (precision
 * first, as run_eagerly=True for Keras). */
static bool graph__loop_options_eager(AnModel *m, const char *options) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (!graph__last_name_is(c->dotted, options)) continue;
    TSNode v = an_call_kwarg(m->lang, m->src, c->node, "use_tf_function");
    if (ts_node_is_null(v)) v = an_call_arg(m->lang, c->node, 0);
    if (!ts_node_is_null(v) && an_sym(m->lang, an_unparen(m->lang, v)) != AN_SYM_true) return true;
  }
  return false;
}

static bool graph__loop_options_class(const char *dotted) {
  for (int e = 0; graph__loop_bases[e].base; e++)
    if (graph__loop_bases[e].options && graph__last_name_is(dotted, graph__loop_bases[e].options)) return true;
  return false;
}

/* True when call `c` gives class `cls` options some other way than a
 * literal options call (a variable, a config attribute): its own
 * `super().__init__(data, options)` / `Base.__init__(self, data, options)`
 * (`init`), or a construction of it. */
static bool graph__loop_options_opaque_at(AnModel *m, const AnCall *c, bool init) {
  TSNode v = an_call_kwarg(m->lang, m->src, c->node, "options");
  if (ts_node_is_null(v) && init) {
    bool via_super = an_sym(m->lang, c->object) == AN_SYM_call;
    v = an_call_arg(m->lang, c->node, via_super ? 1 : 2);
  }
  if (ts_node_is_null(v)) return false;
  v = an_unparen(m->lang, v);
  const AnCall *oc = an_sym(m->lang, v) == AN_SYM_call ? an_call_record(m, v) : NULL;
  /* A runner that is both trainer and evaluator initialises each base
   * with its own options: the other kind's say nothing of this one. */
  return !(oc && graph__loop_options_class(oc->dotted));
}

/* Per class, whether some call gives it options that way; one pass over
 * the calls, so that many runner classes stay linear. NULL when out of
 * memory. */
static bool *graph__loop_opaque_classes(AnModel *m) {
  bool *opaque = an_arena_alloc(&m->arena, m->classes.count + 1);
  if (!opaque) return NULL;
  memset(opaque, 0, m->classes.count + 1);
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    int own = c->method && strcmp(c->method, "__init__") == 0 && c->ctx.func >= 0 ? AN_FUNC(m, c->ctx.func)->cls : -1;
    if (own >= 0 && !opaque[own] && graph__loop_options_opaque_at(m, c, true)) opaque[own] = true;
    int built = an_constructed_class(m, c->node);
    if (built >= 0 && built != own && !opaque[built] && graph__loop_options_opaque_at(m, c, false)) opaque[built] = true;
  }
  return opaque;
}

static void graph__loop_roots(AnModel *m, GraphQueue *q) {
  bool *opaque = NULL;
  for (int e = 0; graph__loop_bases[e].base; e++) {
    const GraphLoopBase *lb = &graph__loop_bases[e];
    GraphLoopFind find = {lb};
    AnClassSearch search = {.max_depth = AN_MAX_CLASS_DEPTH, .visit = graph__loop_visit, .ctx = &find};
    int eager = -1;
    for (uint32_t i = 0; i < m->funcs.count; i++) {
      AnFunc *f = AN_FUNC(m, i);
      if (f->cls < 0 || f->root != AN_ROOT_NONE || strcmp(f->name, lb->step) != 0) continue;
      if (an_class_search(m, f->cls, &search) < 0) continue;
      if (lb->options) {
        if (eager < 0) eager = graph__loop_options_eager(m, lb->options);
        if (!opaque && !(opaque = graph__loop_opaque_classes(m))) return;
        if (eager || opaque[f->cls]) continue;
      }
      f->loop_owner = lb->owner;
      graph__mark(m, q, (int)i, AN_ROOT_LOOP, -1);
    }
  }
}

/* tf.data transformations whose callback argument is traced as a graph, with
 * the position of that argument. */
int an_data_callback_arg(const char *method) {
  static const char *const first[] = {"map", "filter", "flat_map", "interleave", "parallel_interleave", NULL};
  for (int i = 0; first[i]; i++)
    if (strcmp(method, first[i]) == 0) return 0;
  if (strcmp(method, "reduce") == 0 || strcmp(method, "scan") == 0) return 1;
  return -1;
}

static void graph__data_root(AnModel *m, GraphQueue *q, int target) {
  graph__mark(m, q, target, AN_ROOT_DATA, -1);
  /* Dataset elements arrive as tensors (or structures of them). */
  AnFunc *f = AN_FUNC(m, target);
  for (uint32_t p = 0; p < f->param_count; p++)
    if (f->params[p].kind == AN_KIND_UNKNOWN && !f->params[p].is_self && !f->params[p].star && !f->params[p].dstar)
      f->params[p].kind = AN_KIND_TENSOR;
}

static void graph__data_roots(AnModel *m, GraphQueue *q) {
  bool marked = false;
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (!c->method || ts_node_is_null(c->object)) continue;
    int pos = an_data_callback_arg(c->method);
    if (pos < 0) continue;
    if (!an_data_receiver(m, i)) continue;
    TSNode arg = an_call_arg(m->lang, c->node, (uint32_t)pos);
    if (ts_node_is_null(arg)) continue;
    int target = an_resolve_function(m, arg, c->ctx.func);
    if (target < 0) continue;
    graph__data_root(m, q, target);
    marked = true;
  }
  /* Kinds memoised while looking for datasets may depend on those params. */
  if (marked) an_kinds_reset(m);
}

/* Functions of this module that another module maps over a dataset: graph
 * roots of kind data, named by the chain from the mapping function. */
static void graph__external_data_roots(AnModel *m, GraphQueue *q) {
  bool marked = false;
  for (uint32_t i = 0; i < m->funcs.count; i++) {
    AnFunc *f = AN_FUNC(m, i);
    if (f->root != AN_ROOT_NONE || f->is_lambda) continue;
    const char *chain = an_index_external_data(m->index, m->module, f->qualname);
    if (!chain) continue;
    f->external_chain = chain;
    graph__data_root(m, q, (int)i);
    marked = true;
  }
  if (marked) an_kinds_reset(m);
}

/* TensorFlow APIs that call a Python callable while tracing run it in graph
 * mode when they are themselves in graph code (tf.cond, tf.map_fn, ...);
 * these never do. */
static bool graph__eager_callback_api(const char *dotted) {
  return graph__is(dotted, "tensorflow.py_function") || graph__is(dotted, "tensorflow.numpy_function") ||
         graph__is(dotted, "tensorflow.py_func") || graph__is(dotted, "tensorflow.function") ||
         graph__is(dotted, "tensorflow.autograph.experimental.do_not_convert");
}

/* Records (calls or sites, each starting with an AnCtx after its node)
 * grouped by the function that holds them, with a counting sort, so rules
 * visit one function's records without scanning the module. */
static int graph__group(AnModel *m, const AnVec *records, size_t elem, size_t ctx_offset,
                        uint32_t **offsets_out, uint32_t **order_out) {
  uint32_t nf = m->funcs.count, n = records->count;
  uint32_t *offsets = an_arena_alloc(&m->arena, sizeof *offsets * (nf + 2));
  uint32_t *order = an_arena_alloc(&m->arena, sizeof *order * (n ? n : 1));
  uint32_t *fill = an_arena_alloc(&m->arena, sizeof *fill * (nf + 1));
  if (!offsets || !order || !fill) return -1;
  for (uint32_t i = 0; i < n; i++) {
    const AnCtx *ctx = (const AnCtx *)((const char *)records->items + i * elem + ctx_offset);
    if (ctx->func >= 0) offsets[ctx->func + 1]++;
  }
  for (uint32_t f = 0; f < nf; f++) offsets[f + 1] += offsets[f];
  memcpy(fill, offsets, sizeof *fill * (nf + 1));
  for (uint32_t i = 0; i < n; i++) {
    const AnCtx *ctx = (const AnCtx *)((const char *)records->items + i * elem + ctx_offset);
    if (ctx->func >= 0) order[fill[ctx->func]++] = i;
  }
  *offsets_out = offsets;
  *order_out = order;
  return 0;
}

/* `strategy.run(fn, args=...)` (tf.distribute; also the older
 * experimental_run_v2 and the extended call_for_each_replica) calls fn while
 * the enclosing graph code traces, once per replica, so fn is graph code
 * too. The strategy is rarely resolvable (passed around, stored on self),
 * so in graph code the method name with its `args=` keyword identifies it. */
bool an_call_runs_replicas(AnModel *m, const AnCall *c) {
  if (!c->method || ts_node_is_null(c->object)) return false;
  if (strcmp(c->method, "run") != 0 && strcmp(c->method, "experimental_run_v2") != 0 &&
      strcmp(c->method, "call_for_each_replica") != 0)
    return false;
  if (c->dotted && an_dotted_has_prefix(c->dotted, "tensorflow.distribute")) return true;
  return !ts_node_is_null(an_call_kwarg(m->lang, m->src, c->node, "args"));
}

static void graph__propagate(AnModel *m, GraphQueue *q) {
  uint32_t *offsets = m->call_offsets, *order = m->call_order;
  if (!offsets) return;
  while (q->head < q->tail) {
    int f = q->items[q->head++];
    AnRootKind root = AN_FUNC(m, f)->root;
    for (uint32_t k = offsets[f]; k < offsets[f + 1]; k++) {
      AnCall *c = &AN_VEC_AT(m->calls, AnCall, order[k]);
      if (c->callee >= 0) graph__mark(m, q, c->callee, root, f);
      if (an_call_runs_replicas(m, c)) {
        TSNode fn = an_call_arg(m->lang, c->node, 0);
        int t = ts_node_is_null(fn) ? -1 : an_resolve_function(m, fn, f);
        if (t >= 0) graph__mark(m, q, t, root, f);
        continue;
      }
      if (!c->dotted || !an_dotted_has_prefix(c->dotted, "tensorflow") ||
          graph__eager_callback_api(c->dotted))
        continue;
      /* Callables handed to tf.cond, tf.map_fn, tf.while_loop, ... */
      TSNode args = an_field(m->lang, c->node, AN_FIELD_arguments);
      uint32_t n = ts_node_is_null(args) ? 0 : ts_node_named_child_count(args);
      for (uint32_t i = 0; i < n; i++) {
        TSNode a = ts_node_named_child(args, i);
        if (an_sym(m->lang, a) == AN_SYM_keyword_argument) a = an_field(m->lang, a, AN_FIELD_value);
        AnSym s = an_sym(m->lang, a);
        if (s != AN_SYM_lambda && s != AN_SYM_identifier && s != AN_SYM_attribute) continue;
        int t = an_resolve_function(m, a, f);
        if (t >= 0) graph__mark(m, q, t, root, f);
      }
    }
  }
}

/* Methods AutoGraph never converts (rules.md 0.1): constructors, the
 * iterator protocol and context managers. */
static bool graph__unconverted_method(const AnFunc *f) {
  static const char *const names[] = {"__init__", "__new__", "__iter__", "__next__", "__enter__", "__exit__",
                                      "__aenter__", "__aexit__", "__del__", NULL};
  if (f->cls < 0) return false;
  for (int i = 0; names[i]; i++)
    if (strcmp(f->name, names[i]) == 0) return true;
  return false;
}

/* Two lambdas starting on one line with the same parameter names: when
 * AutoGraph converts one, it parses that line, finds both and cannot tell
 * which is meant ("found multiple definitions with identical signatures").
 * Lambdas are recorded in document order, so the ones sharing a line are
 * neighbours; the scan is capped to keep pathological lines linear. */
static bool graph__same_params(const AnFunc *a, const AnFunc *b) {
  if (a->param_count != b->param_count) return false;
  for (uint32_t i = 0; i < a->param_count; i++) {
    const AnParam *p = &a->params[i], *q = &b->params[i];
    if (strcmp(p->name, q->name) != 0 || p->star != q->star || p->dstar != q->dstar || p->kwonly != q->kwonly)
      return false;
  }
  return true;
}

static bool graph__ambiguous_lambda(AnModel *m, uint32_t i) {
  const AnFunc *f = AN_FUNC(m, i);
  uint32_t row = ts_node_start_point(f->node).row;
  for (int dir = -1; dir <= 1; dir += 2) {
    int k = (int)i + dir;
    for (int steps = 0; steps < 64 && k >= 0 && k < (int)m->funcs.count; steps++, k += dir) {
      const AnFunc *g = AN_FUNC(m, k);
      if (ts_node_start_point(g->node).row != row) break;
      if (g->is_lambda && graph__same_params(f, g)) return true;
    }
  }
  return false;
}

/* Records the constructs that make AutoGraph give up on a function
 * (rules.md HY221): the `else` of a for/else or while/else in its own body
 * (its unsupported-features check), and for lambdas AutoGraph converts on
 * their own (tf.function or tf.data roots created outside graph code) an
 * ambiguous line. Constructs in nested functions are left to those
 * functions. */
static void graph__unconvertible(AnModel *m) {
  for (uint32_t i = 0; i < m->sites.count; i++) {
    AnSite *s = &AN_VEC_AT(m->sites, AnSite, i);
    if (s->ctx.func < 0 || (s->kind != AN_SITE_FOR && s->kind != AN_SITE_IF)) continue;
    AnSym sym = an_sym(m->lang, s->node);
    if (sym != AN_SYM_for_statement && sym != AN_SYM_while_statement) continue;
    TSNode alt = an_field(m->lang, s->node, AN_FIELD_alternative);
    AnFunc *f = AN_FUNC(m, s->ctx.func);
    if (!ts_node_is_null(alt) && ts_node_is_null(f->unconvertible)) f->unconvertible = alt;
  }
  for (uint32_t i = 0; i < m->funcs.count; i++) {
    AnFunc *f = AN_FUNC(m, i);
    if (!f->is_lambda || f->graph_from >= 0 || (f->root != AN_ROOT_HYBRID && f->root != AN_ROOT_DATA)) continue;
    if (f->parent >= 0 && AN_FUNC(m, f->parent)->root != AN_ROOT_NONE) continue;
    if (graph__ambiguous_lambda(m, i)) f->unconvertible = f->node;
  }
}

static void graph__autograph(AnModel *m, GraphQueue *q) {
  graph__unconvertible(m);
  for (uint32_t i = 0; i < q->tail; i++) {
    AnFunc *f = AN_FUNC(m, q->items[i]);
    bool on;
    if (f->graph_from < 0)
      on = f->root != AN_ROOT_HYBRID || f->tf.autograph != 0;
    else
      on = AN_FUNC(m, f->graph_from)->autograph;
    bool tried = on && !f->do_not_convert && !f->is_generator && !graph__unconverted_method(f);
    f->autograph_failed = tried && !ts_node_is_null(f->unconvertible);
    f->autograph = tried && !f->autograph_failed;
  }
}

int an_graph_build(AnModel *m) {
  if (graph__group(m, &m->calls, sizeof(AnCall), offsetof(AnCall, ctx), &m->call_offsets, &m->call_order) != 0 ||
      graph__group(m, &m->sites, sizeof(AnSite), offsetof(AnSite, ctx), &m->site_offsets, &m->site_order) != 0)
    return -1;
  for (uint32_t i = 0; i < m->calls.count; i++) {
    an_call_dotted(m, &AN_VEC_AT(m->calls, AnCall, i));
  }
  m->v1_graph_mode = graph__v1_mode(m);
  for (uint32_t i = 0; i < m->funcs.count; i++) graph__decorators(m, (int)i);
  graph__wrapper_calls(m);
  graph__keras(m);
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    c->callee = an_resolve_function(m, c->fn, c->ctx.func);
  }
  an_params_infer(m);
  GraphQueue q = {an_arena_alloc(&m->arena, sizeof(int) * (m->funcs.count + 1)), 0, 0};
  if (!q.items) return -1;
  for (uint32_t i = 0; i < m->funcs.count; i++) {
    AnFunc *f = AN_FUNC(m, i);
    if (f->via == AN_VIA_DECORATOR || f->via == AN_VIA_CALL) graph__mark(m, &q, (int)i, AN_ROOT_HYBRID, -1);
    if (f->via == AN_VIA_KERAS) graph__mark(m, &q, (int)i, AN_ROOT_KERAS, -1);
  }
  graph__loop_roots(m, &q);
  graph__data_roots(m, &q);
  if (m->index) {
    graph__external_data_roots(m, &q);
    for (uint32_t i = 0; i < m->funcs.count; i++) {
      AnFunc *f = AN_FUNC(m, i);
      if (f->root != AN_ROOT_NONE || f->is_lambda) continue;
      const char *chain = an_index_external_chain(m->index, m->module, f->qualname);
      if (!chain) continue;
      f->external_chain = chain;
      graph__mark(m, &q, (int)i, AN_ROOT_EXTERNAL, -1);
    }
  }
  graph__propagate(m, &q);
  graph__autograph(m, &q);
  return m->arena.failed ? -1 : 0;
}

int an_graph_root(const AnModel *m, int func) {
  int f = func;
  while (f >= 0 && AN_VEC_AT(m->funcs, AnFunc, f).graph_from >= 0) f = AN_VEC_AT(m->funcs, AnFunc, f).graph_from;
  return f;
}

const char *an_graph_chain_text(AnModel *m, int func) {
  if (!an_in_graph(m, func)) return NULL;
  /* Collect root-first. Chains are acyclic: graph_from always points at a
   * function marked earlier. */
  uint32_t n = 0;
  for (int f = func; f >= 0; f = AN_FUNC(m, f)->graph_from) n++;
  const char **names = an_arena_alloc(&m->arena, sizeof *names * n);
  if (!names) return NULL;
  uint32_t i = n;
  for (int f = func; f >= 0; f = AN_FUNC(m, f)->graph_from) names[--i] = AN_FUNC(m, f)->qualname;
  AnBuf b = {0};
  int root = an_graph_root(m, func);
  if (AN_FUNC(m, root)->external_chain) {
    an_buf_puts(&m->arena, &b, AN_FUNC(m, root)->external_chain);
    i = 1;
  } else {
    i = 0;
  }
  for (; i < n; i++) {
    if (b.len) an_buf_puts(&m->arena, &b, " -> ");
    an_buf_puts(&m->arena, &b, names[i]);
  }
  return an_buf_str(&m->arena, &b);
}

void an_graph_reset(AnModel *m) {
  for (uint32_t i = 0; i < m->funcs.count; i++) {
    AnFunc *f = AN_FUNC(m, i);
    f->via = AN_VIA_NONE;
    f->hybrid_site = (TSNode){{0}, NULL, NULL};
    memset(&f->tf, 0, sizeof f->tf);
    f->do_not_convert = false;
    f->keras_method = false;
    f->root = AN_ROOT_NONE;
    f->graph_from = -1;
    f->external_chain = NULL;
    f->loop_owner = NULL;
    f->autograph = false;
    f->ret_state = 0;
    f->struct_state = 0;
    f->ret_kind = AN_KIND_UNKNOWN;
    f->scratch_kinds = NULL;
    f->scratch_seen = NULL;
    for (uint32_t p = 0; p < f->param_count; p++) {
      f->params[p].kind = AN_KIND_UNKNOWN;
      f->params[p].kind_from_calls = false;
      f->params[p].overridden = false;
    }
  }
  m->v1_graph_mode = false;
  for (uint32_t i = 0; i < m->classes.count; i++) AN_CLASS(m, i)->keras = false;
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    c->callee = -1;
    c->external = NULL;
  }
  for (uint32_t i = 0; i < m->bindings.count; i++) {
    AnBinding *b = &AN_VEC_AT(m->bindings, AnBinding, i);
    b->state = 0;
    b->kind = AN_KIND_UNKNOWN;
  }
  for (uint32_t i = 0; i < m->attrs.count; i++) {
    AnAttrBinding *a = &AN_VEC_AT(m->attrs, AnAttrBinding, i);
    a->state = 0;
    a->kind = AN_KIND_UNKNOWN;
  }
  m->call_offsets = m->call_order = m->site_offsets = m->site_order = NULL;
  m->callee_offsets = m->callee_order = NULL;
  m->findings.count = 0;
  m->infos = NULL;
  m->info_count = 0;
  m->infos_built = false;
  m->reach_list = NULL;
  m->reach_seen = NULL;
  memset(m->chain_memo, 0, sizeof m->chain_memo);
  m->spans = NULL;
  m->span_count = 0;
  m->spans_built = false;
  m->fix_all = NULL;
  m->fix_all_count = 0;
  m->fix_all_built = false;
  m->retrace = NULL;
  m->lazy_uses = NULL;
}
