/* Performance: Python containers and fresh objects passed to a hybrid
 * function, the siblings of HY101 (retrace.c), with its callee and loop
 * reasoning (retrace.h).
 *
 * HY102: a list, tuple or dict is traced element by element, Python elements
 * by value, and its length is part of the trace key; report containers whose
 * Python contents or length change on every iteration of the enclosing loop.
 * HY103: any other object is traced through a weak reference compared with
 * its __eq__/__hash__; report lambdas, partials, bound methods, nested defs
 * and new instances of plain classes made for every call.
 *
 * Only eager calls of a tf.function without input_signature are considered
 * (with a signature a Python argument is converted or rejected, never traced
 * by value).
 */
#include <string.h>

#include "analysis/rules/retrace.h"

#define ARGS_MAX_DEPTH 4

/* --- shared -------------------------------------------------------------- */

typedef void (*ArgsVisitFn)(AnModel *m, const AnRetraceCall *rc, TSNode value, const char *param);

/* Calls fn for every argument of every eager call of a hybrid function
 * without input_signature. */
static void args__each_call_arg(AnModel *m, ArgsVisitFn fn) {
  uint32_t n;
  const AnRetraceCall *calls = an_retrace_calls(m, &n);
  for (uint32_t i = 0; i < n; i++) {
    const AnRetraceCall *rc = &calls[i];
    for (uint32_t k = 0; k < rc->arg_count; k++) {
      if (!ts_node_is_null(rc->args[k].value)) fn(m, rc, rc->args[k].value, rc->args[k].param);
      if (m->arena.failed) return;
    }
  }
}

/* "tf.function 'f' (parameter 'p')" */
static const char *args__target(AnModel *m, const AnHybridCallee *h, const char *param) {
  if (!param) return an_arena_printf(&m->arena, "tf.function '%s'", h->name);
  return an_arena_printf(&m->arena, "tf.function '%s' (parameter '%s')", h->name, param);
}

/* The only binding of an identifier in the scope of `func` (the module for
 * -1), or -1 when it has none there or several. */
static int args__single_binding(AnModel *m, TSNode id, int func) {
  uint32_t len;
  const char *t = an_text(m->src, id, &len);
  int b = an_hash_get(&m->binding_map, func, t, len);
  if (b < 0 || AN_VEC_AT(m->bindings, AnBinding, b).next >= 0) return -1;
  AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, b);
  if (bd->from_for || bd->from_unpack || ts_node_is_null(bd->value)) return -1;
  if (an_sym(m->lang, bd->value) == AN_SYM_augmented_assignment) return -1;
  return b;
}

static bool args__in_body(AnModel *m, uint32_t at, TSNode loop) {
  TSNode body = an_field(m->lang, loop, AN_FIELD_body);
  return !ts_node_is_null(body) && ts_node_start_byte(body) <= at && at < ts_node_end_byte(body);
}

static bool args__is_display(AnSym s) { return s == AN_SYM_list || s == AN_SYM_tuple || s == AN_SYM_dictionary; }

/* --- HY103 fresh-object-arg-retrace -------------------------------------- */

static bool args__class_defines(AnModel *m, int cls, const char *name) {
  uint32_t len = (uint32_t)strlen(name);
  return an_hash_get(&m->func_map, AN_SCOPE_CLASS(cls), name, len) >= 0 ||
         an_hash_get(&m->binding_map, AN_SCOPE_CLASS(cls), name, len) >= 0;
}

/* A class whose instances TensorFlow can only trace by identity: defined at
 * module level without decorators (dataclass, attrs), without a metaclass,
 * deriving only from `object` or such classes, and defining none of the
 * hooks that change equality, creation or the trace type. */
/* The class itself, not its bases (found when it is not plain). */
static AnClassStep args__not_plain(AnModel *m, int cls, void *ctx) {
  static const char *const hooks[] = {"__eq__", "__hash__", "__new__", "__slots__", "__tf_tracing_type__",
                                      "__tf_flatten__", "__getattribute__", NULL};
  AnClass *k = AN_CLASS(m, cls);
  if (k->parent_func >= 0 || k->keras) return AN_CLASS_FOUND;
  if (an_sym(m->lang, ts_node_parent(k->node)) == AN_SYM_decorated_definition) return AN_CLASS_FOUND;
  for (int i = 0; hooks[i]; i++)
    if (args__class_defines(m, cls, hooks[i])) return AN_CLASS_FOUND;
  uint32_t n = ts_node_is_null(k->superclasses) ? 0 : ts_node_named_child_count(k->superclasses);
  for (uint32_t i = 0; i < n; i++) {
    TSNode b = ts_node_named_child(k->superclasses, i);
    if (an_sym(m->lang, b) == AN_SYM_comment) continue;
    if (an_sym(m->lang, b) != AN_SYM_identifier) return AN_CLASS_FOUND; /* keyword (metaclass=), attribute, call */
    uint32_t len;
    const char *t = an_text(m->src, b, &len);
    if (len == 6 && memcmp(t, "object", 6) == 0 && an_hash_get(&m->module_names, -1, t, len) == -1) continue;
    int base = an_hash_get(&m->class_map, AN_SCOPE_MODULE, t, len);
    if (base < 0 || base == cls || an_hash_get(&m->module_names, -1, t, len) != -2) return AN_CLASS_FOUND;
  }
  /* Every other base is a module class, which an_class_next_base follows. */
  return AN_CLASS_GO;
}

/* The class and every base (a chain deeper than ARGS_MAX_DEPTH is not
 * plain) pass args__not_plain. */
static bool args__plain_class(AnModel *m, int cls) {
  AnClassSearch s = {.max_depth = ARGS_MAX_DEPTH, .overflow_found = true, .visit = args__not_plain};
  return an_class_search(m, cls, &s) == -1;
}

/* The module-level class a bare name refers to from `func`, or -1 (also
 * when a local name, an import or a module assignment hides it). */
static int args__module_class(AnModel *m, TSNode id, int func) {
  if (an_sym(m->lang, id) != AN_SYM_identifier) return -1;
  uint32_t len;
  const char *t = an_text(m->src, id, &len);
  for (int f = func; f >= 0; f = AN_FUNC(m, f)->parent) {
    AnFunc *fn = AN_FUNC(m, f);
    if (an_hash_get(&m->binding_map, f, t, len) >= 0 || an_hash_get(&m->func_map, f, t, len) >= 0 ||
        an_hash_get(&m->class_map, f, t, len) >= 0)
      return -1;
    for (uint32_t i = 0; i < fn->param_count; i++)
      if (strlen(fn->params[i].name) == len && memcmp(fn->params[i].name, t, len) == 0) return -1;
  }
  if (an_hash_get(&m->module_names, -1, t, len) != -2 || an_hash_get(&m->import_map, -1, t, len) >= 0) return -1;
  return an_hash_get(&m->class_map, AN_SCOPE_MODULE, t, len);
}

/* The class of `self` inside method `func` (or a function nested in one). */
static int args__self_class(AnModel *m, TSNode id, int func) {
  for (int f = func; f >= 0; f = AN_FUNC(m, f)->parent) {
    AnFunc *fn = AN_FUNC(m, f);
    if (fn->cls < 0) continue;
    if (!fn->param_count || !fn->params[0].is_self || strcmp(fn->params[0].name, "self") != 0) return -1;
    return an_text_eq(m->src, id, "self") ? fn->cls : -1;
  }
  return -1;
}

/* The class of the instance an identifier holds: `self`, or a name whose
 * only binding in its scope is `Cls(...)` of a module class. */
static int args__instance_class(AnModel *m, TSNode id, int func) {
  if (an_sym(m->lang, id) != AN_SYM_identifier) return -1;
  if (an_text_eq(m->src, id, "self")) return args__self_class(m, id, func);
  int b = args__single_binding(m, id, func);
  if (b < 0) return -1;
  TSNode v = an_unparen(m->lang, AN_VEC_AT(m->bindings, AnBinding, b).value);
  if (an_sym(m->lang, v) != AN_SYM_call) return -1;
  return args__module_class(m, an_field(m->lang, v, AN_FIELD_function), func);
}

/* Method `name` of class `cls` (or a module base class) that attribute
 * access turns into a new bound method: a plain undecorated `def` taking
 * self, not hidden by an instance attribute of the same name. */
typedef struct ArgsName {
  const char *name;
  uint32_t len;
  int func; /* out: the method found */
} ArgsName;

/* Found when the class defines the plain method; pruned when it hides
 * the name from its bases any other way. */
static AnClassStep args__plain_method_in(AnModel *m, int cls, void *ctx) {
  ArgsName *n = ctx;
  if (an_hash_get(&m->attr_map, cls, n->name, n->len) >= 0 || args__class_defines(m, cls, "__getattribute__"))
    return AN_CLASS_PRUNE;
  int f = an_hash_get(&m->func_map, AN_SCOPE_CLASS(cls), n->name, n->len);
  if (f >= 0) {
    AnFunc *fn = AN_FUNC(m, f);
    bool decorated = !ts_node_eq(fn->outer, fn->node);
    if (decorated || !fn->param_count || !fn->params[0].is_self) return AN_CLASS_PRUNE;
    n->func = f;
    return AN_CLASS_FOUND;
  }
  if (an_hash_get(&m->binding_map, AN_SCOPE_CLASS(cls), n->name, n->len) >= 0) return AN_CLASS_PRUNE;
  return AN_CLASS_GO;
}

static int args__plain_method(AnModel *m, int cls, const char *name, uint32_t len) {
  ArgsName n = {name, len, -1};
  AnClassSearch s = {.max_depth = ARGS_MAX_DEPTH, .visit = args__plain_method_in, .ctx = &n};
  return an_class_search(m, cls, &s) >= 0 ? n.func : -1;
}

typedef enum FreshKind { FRESH_NONE, FRESH_LAMBDA, FRESH_PARTIAL, FRESH_INSTANCE, FRESH_METHOD, FRESH_DEF } FreshKind;

/* What kind of new object evaluating `e` creates each time. */
static FreshKind args__fresh(AnModel *m, TSNode e, int func) {
  e = an_unparen(m->lang, e);
  switch (an_sym(m->lang, e)) {
  case AN_SYM_lambda:
    return FRESH_LAMBDA;
  case AN_SYM_call: {
    TSNode fn = an_field(m->lang, e, AN_FIELD_function);
    const char *d = an_dotted(m, fn, func);
    if (d && strcmp(d, "functools.partial") == 0) return FRESH_PARTIAL;
    int cls = args__module_class(m, an_unparen(m->lang, fn), func);
    return cls >= 0 && args__plain_class(m, cls) ? FRESH_INSTANCE : FRESH_NONE;
  }
  case AN_SYM_attribute: {
    TSNode obj = an_unparen(m->lang, an_field(m->lang, e, AN_FIELD_object));
    TSNode attr = an_field(m->lang, e, AN_FIELD_attribute);
    if (ts_node_is_null(obj) || ts_node_is_null(attr)) return FRESH_NONE;
    uint32_t len;
    const char *t = an_text(m->src, attr, &len);
    return args__plain_method(m, args__instance_class(m, obj, func), t, len) >= 0 ? FRESH_METHOD : FRESH_NONE;
  }
  default:
    return FRESH_NONE;
  }
}

static const char *args__fresh_what(AnModel *m, FreshKind k, TSNode e) {
  e = an_unparen(m->lang, e);
  switch (k) {
  case FRESH_LAMBDA:
    return "a new lambda";
  case FRESH_PARTIAL:
    return "a new functools.partial object";
  case FRESH_INSTANCE:
    return an_arena_printf(&m->arena, "a new '%s' instance", an_snippet(m, an_field(m->lang, e, AN_FIELD_function)));
  case FRESH_METHOD:
    return "a new bound-method object";
  case FRESH_DEF:
    return "a new function object";
  default:
    return "a new object";
  }
}

/* Where the fresh object is made again and again: the loop around the call
 * that re-creates it, or (when the call is in no loop) a call site showing
 * that the enclosing function runs repeatedly. */
typedef struct Repeat {
  TSNode loop;   /* a for/while, or null for a comprehension */
  bool in_loop;
  int outer;     /* the repeatedly run function, -1 */
  TSNode rep;    /* a call of `outer` */
} Repeat;

/* What the object is built from that differs on every repetition: a name
 * the loop changes, or a parameter of the repeatedly run function. */
typedef struct Varying {
  const char *name; /* NULL when the object is the same every time */
  bool number;      /* a Python number or string (or a tensor) */
} Varying;

typedef struct ArgsIdScan {
  AnModel *m;
  const char *name;
  TSNode found;
} ArgsIdScan;

static bool args__id_visit(TSNode n, void *ctx) {
  ArgsIdScan *s = ctx;
  if (!ts_node_is_null(s->found)) return false;
  if (an_sym(s->m->lang, n) == AN_SYM_identifier && an_text_eq(s->m->src, n, s->name)) s->found = n;
  return ts_node_is_null(s->found);
}

static const char *args__varying_param(AnModel *m, TSNode made, int outer) {
  const AnFunc *f = AN_FUNC(m, outer);
  for (uint32_t i = 0; i < f->param_count; i++)
    if (!f->params[i].is_self && an_mentions(m, made, f->params[i].name, (uint32_t)strlen(f->params[i].name)))
      return f->params[i].name;
  return NULL;
}

static Varying args__varying_input(AnModel *m, TSNode made, int func, const Repeat *r) {
  Varying v = {NULL, false};
  if (r->in_loop && !ts_node_is_null(r->loop)) v.name = an_retrace_varying_name(m, made, r->loop, func);
  else if (!r->in_loop && r->outer >= 0) v.name = args__varying_param(m, made, r->outer);
  if (!v.name) return v;
  ArgsIdScan scan = {m, v.name, {{0}, NULL, NULL}};
  an_walk_named(made, args__id_visit, &scan);
  AnKind k = ts_node_is_null(scan.found) ? AN_KIND_UNKNOWN : an_kind_of(m, scan.found, func);
  v.number = k == AN_KIND_PY_SCALAR || k == AN_KIND_PY_STR || an_kind_is_tensor(k);
  return v;
}

static const char *args__fresh_advice(AnModel *m, FreshKind k, bool in_loop, const Varying *v, const char *callee) {
  const char *where = in_loop ? "before the loop" : "outside the function";
  /* Made from a value that changes, it cannot be made once: the changing
   * value has to reach the tf.function as an argument it traces by type. */
  if (v->name)
    return an_arena_printf(&m->arena, "It depends on '%s', which %s, so it cannot be made once %s: pass %s to '%s' "
                           "as %s instead",
                           v->name, in_loop ? "changes on every iteration" : "may differ on every call", where,
                           v->number ? an_arena_printf(&m->arena, "'%s'", v->name) : "the tensors it reads", callee,
                           v->number ? "a tensor argument" : "arguments");
  switch (k) {
  case FRESH_METHOD:
    return an_arena_printf(&m->arena, "Bind it once %s (`fn = obj.method`) and pass that, or pass the tensors it reads",
                           where);
  case FRESH_INSTANCE:
    return an_arena_printf(&m->arena, "Create the object once %s and reuse it, give the class a "
                           "__tf_tracing_type__, or pass the tensors it holds", where);
  default:
    return an_arena_printf(&m->arena, "Create it once, %s, and pass the same object every time", where);
  }
}

static void args__report_fresh(AnModel *m, const AnCall *c, const AnHybridCallee *h, const char *param,
                               TSNode at, FreshKind k, TSNode made, const Repeat *r) {
  const char *what = args__fresh_what(m, k, made);
  const char *target = args__target(m, h, param);
  Varying v = args__varying_input(m, made, c->ctx.func, r);
  AnFinding *f;
  if (r->in_loop)
    f = an_emit_node(m, AN_RULE_FRESH_OBJECT_ARG_RETRACE, at, c->ctx.func,
                     "'%s' is %s on every iteration of this loop, and %s matches such Python objects by identity "
                     "(through a weak reference), so every call misses the cache and traces a new graph. %s",
                     an_snippet(m, at), what, target, args__fresh_advice(m, k, true, &v, h->name));
  else
    f = an_emit_node(m, AN_RULE_FRESH_OBJECT_ARG_RETRACE, at, c->ctx.func,
                     "'%s' is %s every time '%s' runs, and '%s' runs repeatedly (line %u); %s matches such Python "
                     "objects by identity (through a weak reference), so every call traces a new graph. %s",
                     an_snippet(m, at), what, an_func_label(m, r->outer), an_func_label(m, r->outer),
                     ts_node_start_point(r->rep).row + 1, target, args__fresh_advice(m, k, false, &v, h->name));
  an_retrace_related_callee(m, f, h);
  if (f && !ts_node_eq(at, made)) an_finding_related(m, f, made, "'%s' is made here", an_snippet(m, at));
  if (f && !r->in_loop) an_finding_related(m, f, r->rep, "'%s' is called here", an_func_label(m, r->outer));
}

/* A local name that holds a new object on each repetition: its only
 * binding (or a nested undecorated def) lies in the repeated region. */
static FreshKind args__fresh_name(AnModel *m, TSNode id, int func, const Repeat *r, TSNode *made) {
  int b = args__single_binding(m, id, func);
  if (b >= 0) {
    AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, b);
    bool repeated = r->in_loop ? !ts_node_is_null(r->loop) && args__in_body(m, bd->at, r->loop) : func >= 0;
    if (!repeated) return FRESH_NONE;
    *made = bd->value;
    return args__fresh(m, bd->value, func);
  }
  uint32_t len;
  const char *t = an_text(m->src, id, &len);
  if (func < 0 || an_hash_get(&m->binding_map, func, t, len) >= 0) return FRESH_NONE;
  int d = an_hash_get(&m->func_map, func, t, len);
  if (d < 0) return FRESH_NONE;
  AnFunc *fn = AN_FUNC(m, d);
  if (!ts_node_eq(fn->outer, fn->node) || fn->parent != func) return FRESH_NONE;
  bool repeated = r->in_loop ? !ts_node_is_null(r->loop) && args__in_body(m, ts_node_start_byte(fn->node), r->loop) : true;
  if (!repeated) return FRESH_NONE;
  *made = ts_node_is_null(fn->name_node) ? fn->node : fn->name_node;
  return FRESH_DEF;
}

static void args__fresh_value(AnModel *m, const AnCall *c, const AnHybridCallee *h, const char *param, TSNode v,
                              const Repeat *r, int depth) {
  v = an_unparen(m->lang, v);
  AnSym s = an_sym(m->lang, v);
  if (args__is_display(s) && depth < ARGS_MAX_DEPTH) {
    /* A container is traced element by element: a fresh element makes a
     * fresh key just the same. */
    uint32_t n = ts_node_named_child_count(v);
    for (uint32_t i = 0; i < n; i++) {
      TSNode el = ts_node_named_child(v, i);
      if (an_sym(m->lang, el) == AN_SYM_pair) el = an_field(m->lang, el, AN_FIELD_value);
      if (!ts_node_is_null(el)) args__fresh_value(m, c, h, param, el, r, depth + 1);
    }
    return;
  }
  FreshKind k = FRESH_NONE;
  TSNode made = v;
  if (s == AN_SYM_identifier) {
    if (r->in_loop && ts_node_is_null(r->loop)) return;
    k = args__fresh_name(m, v, c->ctx.func, r, &made);
  } else {
    k = args__fresh(m, v, c->ctx.func);
  }
  if (k != FRESH_NONE) args__report_fresh(m, c, h, param, v, k, made, r);
}

static void args__fresh_arg(AnModel *m, const AnRetraceCall *rc, TSNode value, const char *param) {
  const AnCall *c = rc->call;
  const AnHybridCallee *h = &rc->callee;
  Repeat r = {{{0}, NULL, NULL}, false, -1, {{0}, NULL, NULL}};
  if (c->ctx.loop_depth) {
    r.in_loop = true;
    if (rc->loop_count) r.loop = rc->loops[0];
  } else {
    if (c->ctx.func < 0 || AN_FUNC(m, c->ctx.func)->is_lambda) return;
    r.outer = c->ctx.func;
    r.rep = an_retrace_repeated_call(m, r.outer);
    if (ts_node_is_null(r.rep)) return;
  }
  args__fresh_value(m, c, h, param, value, &r, 0);
}

void an_check_HY103(AnModel *m) { args__each_call_arg(m, args__fresh_arg); }

/* --- HY102 python-container-arg-retrace ---------------------------------- */

/* Why a container changes from one iteration to the next. */
typedef struct Change {
  TSNode at;        /* the element, or the expression that sets the length */
  const char *name; /* the name that varies per iteration */
  const char *type; /* "list", "tuple", "dict" */
  bool length;      /* the length changes (else an element's value) */
} Change;

static const char *args__type_of(AnSym s) {
  return s == AN_SYM_tuple ? "tuple" : s == AN_SYM_dictionary ? "dict" : "list";
}

static bool args__changes(AnModel *m, TSNode e, TSNode loop, int func, int depth, Change *out);

/* A name assigned in the loop body only ever to literals (`mode = "train"`)
 * holds the same value on every iteration. */
static bool args__constant_in_loop(AnModel *m, const char *name, TSNode loop, int func) {
  if (an_sym(m->lang, loop) == AN_SYM_for_statement &&
      an_mentions(m, an_field(m->lang, loop, AN_FIELD_left), name, (uint32_t)strlen(name)))
    return false;
  int b = an_hash_get(&m->binding_map, func, name, (uint32_t)strlen(name));
  bool any = false;
  for (; b >= 0; b = AN_VEC_AT(m->bindings, AnBinding, b).next) {
    AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, b);
    if (!args__in_body(m, bd->at, loop)) continue;
    if (bd->from_for || bd->from_unpack || ts_node_is_null(bd->value) || !an_literal(m, bd->value)) return false;
    any = true;
  }
  return any;
}

typedef struct ShapeScan {
  AnModel *m;
  bool found;
} ShapeScan;

static bool args__shape_visit(TSNode n, void *ctx) {
  ShapeScan *s = ctx;
  if (s->found) return false;
  if (an_sym(s->m->lang, n) == AN_SYM_attribute && an_text_eq(s->m->src, an_field(s->m->lang, n, AN_FIELD_attribute), "shape"))
    s->found = true;
  return !s->found;
}

/* A Python scalar that varies with `loop` makes the node a varying value.
 * Static dimensions (`x.shape[0]`) are left out: batches mostly share them,
 * so they retrace a few times, not on every iteration. */
static const char *args__varying_scalar(AnModel *m, TSNode e, TSNode loop, int func) {
  AnKind k = an_kind_of(m, e, func);
  if (k != AN_KIND_PY_SCALAR && k != AN_KIND_PY_STR) return NULL;
  if (an_retrace_bool_valued(m, e, 0)) return NULL;
  ShapeScan scan = {m, false};
  an_walk(e, args__shape_visit, &scan);
  if (scan.found) return NULL;
  const char *name = an_retrace_varying_name(m, e, loop, func);
  if (!name || args__constant_in_loop(m, name, loop, func) || an_retrace_few_values(m, loop, name, func)) return NULL;
  return name;
}

static bool args__element(AnModel *m, TSNode el, TSNode loop, int func, int depth, Change *out) {
  el = an_unparen(m->lang, el);
  if (ts_node_is_null(el)) return false;
  AnSym s = an_sym(m->lang, el);
  if (s == AN_SYM_list_splat || s == AN_SYM_dictionary_splat || s == AN_SYM_comment) return false;
  if (args__is_display(s) || s == AN_SYM_list_comprehension)
    return depth < ARGS_MAX_DEPTH && args__changes(m, el, loop, func, depth + 1, out);
  if (s == AN_SYM_call && depth < ARGS_MAX_DEPTH && args__changes(m, el, loop, func, depth + 1, out)) return true;
  const char *name = args__varying_scalar(m, el, loop, func);
  if (!name) return false;
  out->at = el;
  out->name = name;
  out->length = false;
  return true;
}

static bool args__length_change(AnModel *m, TSNode at, TSNode loop, int func, const char *type, Change *out) {
  const char *name = args__varying_scalar(m, at, loop, func);
  if (!name) return false;
  out->at = at;
  out->name = name;
  out->type = type;
  out->length = true;
  return true;
}

/* `range(...)` whose bounds vary with the loop. */
static bool args__varying_range(AnModel *m, TSNode e, TSNode loop, int func, const char *type, Change *out) {
  e = an_unparen(m->lang, e);
  if (an_sym(m->lang, e) != AN_SYM_call) return false;
  const char *d = an_dotted(m, an_field(m->lang, e, AN_FIELD_function), func);
  if (!d || strcmp(d, "builtins.range") != 0) return false;
  for (uint32_t i = 0; i < an_call_argc(m->lang, e); i++)
    if (args__length_change(m, an_call_arg(m->lang, e, i), loop, func, type, out)) return true;
  return false;
}

/* `[... for _ in range(k)]`: the length follows k. */
static bool args__comprehension(AnModel *m, TSNode e, TSNode loop, int func, const char *type, Change *out) {
  uint32_t n = ts_node_named_child_count(e);
  for (uint32_t i = 0; i < n; i++) {
    TSNode cl = ts_node_named_child(e, i);
    if (an_sym(m->lang, cl) == AN_SYM_for_in_clause &&
        args__varying_range(m, an_field(m->lang, cl, AN_FIELD_right), loop, func, type, out))
      return true;
  }
  return false;
}

/* A Python sequence: a list/tuple display, or a name whose only binding in
 * its scope is one. */
static bool args__python_sequence(AnModel *m, TSNode e, int func) {
  e = an_unparen(m->lang, e);
  AnSym s = an_sym(m->lang, e);
  if (s == AN_SYM_list || s == AN_SYM_tuple) return true;
  if (s != AN_SYM_identifier) return false;
  int b = args__single_binding(m, e, func);
  if (b < 0) return false;
  AnSym bs = an_sym(m->lang, an_unparen(m->lang, AN_VEC_AT(m->bindings, AnBinding, b).value));
  return bs == AN_SYM_list || bs == AN_SYM_tuple;
}

/* `Cfg(lr=lr, steps=3)` of a namedtuple type: a tuple, traced element by
 * element like any other. */
static bool args__namedtuple_changes(AnModel *m, TSNode e, TSNode loop, int func, int depth, Change *out) {
  TSNode args = an_field(m->lang, e, AN_FIELD_arguments);
  uint32_t n = ts_node_is_null(args) ? 0 : ts_node_named_child_count(args);
  for (uint32_t i = 0; i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    if (an_sym(m->lang, a) == AN_SYM_keyword_argument) a = an_field(m->lang, a, AN_FIELD_value);
    if (args__element(m, a, loop, func, depth, out)) {
      if (!out->length) out->type = "namedtuple";
      return true;
    }
  }
  return false;
}

static bool args__call_changes(AnModel *m, TSNode e, TSNode loop, int func, int depth, Change *out) {
  if (an_namedtuple_type(m, an_field(m->lang, e, AN_FIELD_function), func))
    return args__namedtuple_changes(m, e, loop, func, depth, out);
  const char *d = an_dotted(m, an_field(m->lang, e, AN_FIELD_function), func);
  if (!d) return false;
  bool list = strcmp(d, "builtins.list") == 0, tuple = strcmp(d, "builtins.tuple") == 0;
  if ((list || tuple) && an_call_argc(m->lang, e) == 1) {
    TSNode a = an_unparen(m->lang, an_call_arg(m->lang, e, 0));
    const char *type = list ? "list" : "tuple";
    if (args__varying_range(m, a, loop, func, type, out)) return true;
    AnSym as = an_sym(m->lang, a);
    return (as == AN_SYM_list_comprehension || as == AN_SYM_generator_expression) &&
           args__comprehension(m, a, loop, func, type, out);
  }
  if (strcmp(d, "builtins.dict") == 0) {
    /* dict(lr=lr, momentum=0.9) */
    TSNode args = an_field(m->lang, e, AN_FIELD_arguments);
    uint32_t n = ts_node_is_null(args) ? 0 : ts_node_named_child_count(args);
    for (uint32_t i = 0; i < n; i++) {
      TSNode a = ts_node_named_child(args, i);
      if (an_sym(m->lang, a) != AN_SYM_keyword_argument) continue;
      if (args__element(m, an_field(m->lang, a, AN_FIELD_value), loop, func, depth, out)) {
        out->type = "dict";
        return true;
      }
    }
  }
  return false;
}

/* True when the container `e` evaluates to differs, as a trace key, from
 * one iteration of `loop` to the next; *out says why. */
static bool args__changes(AnModel *m, TSNode e, TSNode loop, int func, int depth, Change *out) {
  e = an_unparen(m->lang, e);
  AnSym s = an_sym(m->lang, e);
  switch (s) {
  case AN_SYM_list:
  case AN_SYM_tuple:
  case AN_SYM_dictionary: {
    uint32_t n = ts_node_named_child_count(e);
    for (uint32_t i = 0; i < n; i++) {
      TSNode el = ts_node_named_child(e, i);
      if (an_sym(m->lang, el) == AN_SYM_pair) {
        /* Keys are part of the key too: {name: v} with a varying name. */
        if (args__element(m, an_field(m->lang, el, AN_FIELD_key), loop, func, depth, out) ||
            args__element(m, an_field(m->lang, el, AN_FIELD_value), loop, func, depth, out)) {
          out->type = "dict";
          return true;
        }
        continue;
      }
      if (args__element(m, el, loop, func, depth, out)) {
        if (!out->length) out->type = args__type_of(s);
        return true;
      }
    }
    return false;
  }
  case AN_SYM_list_comprehension:
    return args__comprehension(m, e, loop, func, "list", out);
  case AN_SYM_call:
    return args__call_changes(m, e, loop, func, depth, out);
  case AN_SYM_binary_operator: {
    /* [x] * k */
    TSNode op = an_field(m->lang, e, AN_FIELD_operator);
    if (ts_node_is_null(op) || !an_text_eq(m->src, op, "*")) return false;
    TSNode l = an_unparen(m->lang, an_field(m->lang, e, AN_FIELD_left));
    TSNode r = an_unparen(m->lang, an_field(m->lang, e, AN_FIELD_right));
    AnSym ls = an_sym(m->lang, l), rs = an_sym(m->lang, r);
    /* The length follows k, the elements are repeated as they are. */
    if (ls == AN_SYM_list || ls == AN_SYM_tuple)
      return args__length_change(m, r, loop, func, args__type_of(ls), out) ||
             (depth < ARGS_MAX_DEPTH && args__changes(m, l, loop, func, depth + 1, out));
    if (rs == AN_SYM_list || rs == AN_SYM_tuple)
      return args__length_change(m, l, loop, func, args__type_of(rs), out) ||
             (depth < ARGS_MAX_DEPTH && args__changes(m, r, loop, func, depth + 1, out));
    return false;
  }
  case AN_SYM_subscript: {
    /* seq[:k] of a Python sequence */
    TSNode v = an_field(m->lang, e, AN_FIELD_value);
    TSNode sl = an_unparen(m->lang, an_field(m->lang, e, AN_FIELD_subscript));
    if (an_sym(m->lang, sl) != AN_SYM_slice || !args__python_sequence(m, v, func)) return false;
    uint32_t n = ts_node_named_child_count(sl);
    for (uint32_t i = 0; i < n; i++)
      if (args__length_change(m, ts_node_named_child(sl, i), loop, func, "list", out)) return true;
    return false;
  }
  default:
    return false;
  }
}

/* Scan of a loop body for what happens to a list across iterations. */
typedef struct GrowScan {
  AnModel *m;
  const char *name;
  uint32_t len;
  TSNode body;
  bool grows;   /* `name.append(...)` as a statement of the body itself */
  bool unknown; /* shrinks, is reassigned through a subscript, or `continue` may skip the growth */
} GrowScan;

static bool args__is_name(GrowScan *g, TSNode n) {
  n = an_unparen(g->m->lang, n);
  if (an_sym(g->m->lang, n) != AN_SYM_identifier) return false;
  uint32_t len;
  const char *t = an_text(g->m->src, n, &len);
  return len == g->len && memcmp(t, g->name, len) == 0;
}

static bool args__grow_visit(TSNode n, void *ctx) {
  GrowScan *g = ctx;
  const AnLang *l = g->m->lang;
  switch (an_sym(l, n)) {
  case AN_SYM_function_definition:
  case AN_SYM_lambda:
  case AN_SYM_class_definition:
    return false;
  case AN_SYM_continue_statement:
  case AN_SYM_delete_statement:
    if (an_sym(l, n) == AN_SYM_continue_statement || an_mentions(g->m, n, g->name, g->len)) g->unknown = true;
    return false;
  case AN_SYM_assignment:
  case AN_SYM_augmented_assignment: {
    TSNode left = an_field(l, n, AN_FIELD_left);
    if (an_sym(l, left) == AN_SYM_subscript && args__is_name(g, an_field(l, left, AN_FIELD_value))) g->unknown = true;
    return true;
  }
  case AN_SYM_call: {
    TSNode fn = an_field(l, n, AN_FIELD_function);
    if (an_sym(l, fn) != AN_SYM_attribute || !args__is_name(g, an_field(l, fn, AN_FIELD_object))) return true;
    TSNode attr = an_field(l, fn, AN_FIELD_attribute);
    bool add = an_text_eq(g->m->src, attr, "append") || an_text_eq(g->m->src, attr, "extend") ||
               an_text_eq(g->m->src, attr, "insert");
    TSNode stmt = ts_node_parent(n);
    if (add && an_sym(l, stmt) == AN_SYM_expression_statement && ts_node_eq(ts_node_parent(stmt), g->body))
      g->grows = true;
    else if (!add)
      g->unknown = true; /* pop, remove, clear, sort...: anything else may keep its length */
    return true;
  }
  default:
    return true;
  }
}

/* `xs = []` before the loop and `xs.append(...)` on every iteration: each
 * call sees a longer list. */
static bool args__grows(AnModel *m, TSNode id, const AnBinding *b, TSNode loop) {
  TSNode v = an_unparen(m->lang, b->value);
  AnSym vs = an_sym(m->lang, v);
  bool list = vs == AN_SYM_list;
  if (vs == AN_SYM_call && an_call_argc(m->lang, v) == 0) {
    const char *d = an_dotted(m, an_field(m->lang, v, AN_FIELD_function), b->scope >= 0 ? b->scope : -1);
    list = d && strcmp(d, "builtins.list") == 0;
  }
  if (!list || b->at >= ts_node_start_byte(loop)) return false;
  uint32_t len;
  const char *t = an_text(m->src, id, &len);
  GrowScan g = {m, t, len, an_field(m->lang, loop, AN_FIELD_body), false, false};
  if (ts_node_is_null(g.body)) return false;
  an_walk(g.body, args__grow_visit, &g);
  return g.grows && !g.unknown;
}

/* A container holding a fresh object is HY103's finding, not HY102's. */
static bool args__holds_fresh(AnModel *m, TSNode e, int func, int depth) {
  e = an_unparen(m->lang, e);
  if (!args__is_display(an_sym(m->lang, e)) || depth > ARGS_MAX_DEPTH) return false;
  uint32_t n = ts_node_named_child_count(e);
  for (uint32_t i = 0; i < n; i++) {
    TSNode el = ts_node_named_child(e, i);
    if (an_sym(m->lang, el) == AN_SYM_pair) el = an_field(m->lang, el, AN_FIELD_value);
    if (ts_node_is_null(el)) continue;
    if (args__fresh(m, el, func) != FRESH_NONE || args__holds_fresh(m, el, func, depth + 1)) return true;
  }
  return false;
}

static void args__report_change(AnModel *m, const AnCall *c, const AnHybridCallee *h, const char *param,
                                TSNode value, const Change *ch, TSNode built, bool grows) {
  const char *target = args__target(m, h, param);
  bool structural = param && h->local >= 0 && an_retrace_structural_param(m, h->local, param);
  const char *note = structural ? an_arena_printf(&m->arena, " ('%s' uses it to choose its graph structure: a shape, a "
                                                  "condition or a range(), so this may be intended)", h->name)
                                : "";
  AnFinding *f;
  if (grows)
    f = an_emit_node(m, AN_RULE_PYTHON_CONTAINER_ARG_RETRACE, value, c->ctx.func,
                     "'%s' is a Python list that grows on every iteration of this loop, and its length is part of "
                     "the trace key of %s, so every call traces a new graph. Pass a tensor (tf.stack or "
                     "tf.constant of the list) or a fixed-length structure%s",
                     an_snippet(m, value), target, note);
  else if (ch->length)
    f = an_emit_node(m, AN_RULE_PYTHON_CONTAINER_ARG_RETRACE, value, c->ctx.func,
                     "'%s' is a Python %s whose length follows '%s', which changes on every iteration of this loop; "
                     "the length is part of the trace key of %s, so every new length traces a new graph. Pass a "
                     "tensor (tf.stack or tf.constant of the %s) instead%s",
                     an_snippet(m, value), ch->type, ch->name, target, ch->type, note);
  else {
    const char *el = an_snippet(m, ch->at);
    const char *via = strcmp(el, ch->name) == 0 ? "" : an_arena_printf(&m->arena, " (through '%s')", ch->name);
    f = an_emit_node(m, AN_RULE_PYTHON_CONTAINER_ARG_RETRACE, value, c->ctx.func,
                     "'%s' is a Python %s whose element '%s' changes on every iteration of this loop%s; %s keys "
                     "its trace on the value of every Python number or string in it, so each new value traces a "
                     "new graph. Pass the changing values as tensors%s",
                     an_snippet(m, value), ch->type, el, via, target, note);
  }
  an_retrace_related_callee(m, f, h);
  if (f && !ts_node_is_null(built) && !ts_node_eq(built, value))
    an_finding_related(m, f, built, "'%s' is built here", an_snippet(m, value));
  if (f && structural) f->severity = AN_SEV_HINT;
}

static void args__container_arg(AnModel *m, const AnRetraceCall *rc, TSNode value, const char *param) {
  const AnCall *c = rc->call;
  const AnHybridCallee *h = &rc->callee;
  if (!c->ctx.loop_depth) return;
  /* Python numbers and strings themselves are HY101's. */
  AnKind k = an_kind_of(m, value, c->ctx.func);
  if (k == AN_KIND_PY_SCALAR || k == AN_KIND_PY_STR) return;
  const TSNode *loops = rc->loops;
  uint32_t nloops = rc->loop_count;
  TSNode v = an_unparen(m->lang, value), none = {{0}, NULL, NULL};
  for (uint32_t l = 0; l < nloops; l++) {
    TSNode expr = v, built = none;
    if (an_sym(m->lang, v) == AN_SYM_identifier) {
      int b = args__single_binding(m, v, c->ctx.func);
      if (b < 0) return;
      AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, b);
      if (!args__in_body(m, bd->at, loops[l])) {
        if (args__grows(m, v, bd, loops[l])) {
          args__report_change(m, c, h, param, value, NULL, bd->value, true);
          return;
        }
        continue;
      }
      expr = built = bd->value;
    }
    if (args__holds_fresh(m, expr, c->ctx.func, 0)) return;
    Change ch = {none, NULL, "list", false};
    if (args__changes(m, expr, loops[l], c->ctx.func, 0, &ch)) {
      args__report_change(m, c, h, param, value, &ch, built, false);
      return;
    }
  }
}

void an_check_HY102(AnModel *m) { args__each_call_arg(m, args__container_arg); }
