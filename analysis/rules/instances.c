/* Performance: HY108 per-instance-method-retrace. tf.function on a method
 * is a descriptor that makes one Function per instance (cached by the
 * instance), so a hybrid method called on an object made anew for every
 * call traces every time. Reported only where the new object is certain:
 * `Cls(...).m(x)`, or a name bound unconditionally to `Cls(...)` in the
 * same loop iteration (or the same run of a function called in a loop).
 * The class may be one of another workspace module, imported: its summary
 * lists the per-instance methods (an_index_hybrid_method). */
#include <string.h>

#include "analysis/rules/rules.h"

#define INST_MAX_DEPTH 8

typedef struct InstName {
  const char *name;
  uint32_t len;
} InstName;

static AnClassStep inst__defines(AnModel *m, int cls, void *ctx) {
  const InstName *n = ctx;
  return an_hash_get(&m->func_map, AN_SCOPE_CLASS(cls), n->name, n->len) >= 0 ? AN_CLASS_FOUND : AN_CLASS_GO;
}

/* Method `name` of class `cls` or a base class of this module (the first
 * depth-first), -1. */
static int inst__method(AnModel *m, int cls, const char *name, uint32_t len) {
  InstName n = {name, len};
  AnClassSearch s = {.max_depth = INST_MAX_DEPTH, .visit = inst__defines, .ctx = &n};
  int k = an_class_search(m, cls, &s);
  return k >= 0 ? an_hash_get(&m->func_map, AN_SCOPE_CLASS(k), name, len) : -1;
}

/* True when `f`, reached as attribute `name` of an instance of `cls`, is a
 * Function kept per instance: a method decorated with tf.function (taking
 * `self`, not hidden by an instance attribute), or `self.name =
 * tf.function(...)` made by the instance itself. */
static bool inst__per_instance(AnModel *m, int f, int cls, const char *name, uint32_t len) {
  AnFunc *fn = AN_FUNC(m, f);
  bool attr = an_hash_get(&m->attr_map, cls, name, len) >= 0;
  if (fn->via == AN_VIA_DECORATOR)
    return !attr && fn->cls >= 0 && strlen(fn->name) == len && memcmp(fn->name, name, len) == 0 &&
           fn->param_count && fn->params[0].is_self && strcmp(fn->params[0].name, "self") == 0;
  /* graph.c resolves `obj.step` through `self.step = tf.function(...)`. */
  return fn->via == AN_VIA_CALL && attr && !(strlen(fn->name) == len && memcmp(fn->name, name, len) == 0);
}

bool an_per_instance_method(AnModel *m, int cls, int f) {
  const AnFunc *fn = AN_FUNC(m, f);
  uint32_t len = (uint32_t)strlen(fn->name);
  return fn->via == AN_VIA_DECORATOR && inst__method(m, cls, fn->name, len) == f &&
         inst__per_instance(m, f, cls, fn->name, len);
}

/* What a call invokes: the per-instance hybrid method, the expression
 * holding the instance and the instance's class. */
typedef struct InstTarget {
  int func; /* -1 for a method of another module */
  const AnIndexFunction *ext; /* that method, when the index knows where */
  TSNode object;
  int cls; /* -1 for a class of another module */
  const char *cls_name;
  const char *label; /* "Cls.attr" as the caller spells it */
} InstTarget;

/* The class of the instance `obj` holds when it is `Cls(...)` or a name
 * all of whose bindings in `func`'s own scope are `Cls(...)`; -1. */
/* The one class every binding of the chain constructs; -1 also when one
 * of them is a loop target or an unpacking. */
static int inst__chain_class(AnModel *m, int b) {
  int cls = -1;
  for (; b >= 0; b = AN_VEC_AT(m->bindings, AnBinding, b).next) {
    AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, b);
    if (bd->from_for || bd->from_unpack || ts_node_is_null(bd->value)) return -1;
    int c = an_constructed_class(m, bd->value);
    if (c < 0 || (cls >= 0 && c != cls)) return -1;
    cls = c;
  }
  return cls;
}

static int inst__object_class(AnModel *m, TSNode obj, int func) {
  obj = an_unparen(m->lang, obj);
  AnSym s = an_sym(m->lang, obj);
  if (s == AN_SYM_call) return an_constructed_class(m, obj);
  if (s != AN_SYM_identifier) return -1;
  uint32_t len;
  const char *t = an_text(m->src, obj, &len);
  int b = an_hash_get(&m->binding_map, func, t, len);
  return b < 0 ? -1 : an_chain_memo(m, AN_CHAIN_INSTANCE_CLASS, b, inst__chain_class);
}

/* The class of another module `call` constructs: an imported name (or
 * module attribute) that is no class of this module and is not rebound
 * here (an_dotted gives up on those); NULL. */
static const char *inst__imported_class_call(AnModel *m, TSNode call, int func) {
  call = an_unparen(m->lang, call);
  if (an_sym(m->lang, call) != AN_SYM_call || an_constructed_class(m, call) >= 0) return NULL;
  const char *d = an_dotted(m, an_field(m->lang, call, AN_FIELD_function), func);
  /* The libraries are never workspace modules: spare the index lookups. */
  if (!d || !strchr(d, '.') || an_dotted_has_prefix(d, "builtins") || an_dotted_has_prefix(d, "tensorflow") ||
      an_dotted_has_prefix(d, "keras") || an_dotted_has_prefix(d, "numpy"))
    return NULL;
  return d;
}

/* As inst__object_class, for a class of another module: its dotted name
 * when `obj` is `Cls(...)` or a name all of whose bindings in `func`'s own
 * scope construct that same class; NULL. */
static const char *inst__imported_class(AnModel *m, TSNode obj, int func) {
  obj = an_unparen(m->lang, obj);
  AnSym s = an_sym(m->lang, obj);
  if (s == AN_SYM_call) return inst__imported_class_call(m, obj, func);
  if (s != AN_SYM_identifier) return NULL;
  uint32_t len;
  const char *t = an_text(m->src, obj, &len);
  const char *cls = NULL;
  for (int b = an_hash_get(&m->binding_map, func, t, len); b >= 0; b = AN_VEC_AT(m->bindings, AnBinding, b).next) {
    AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, b);
    if (bd->from_for || bd->from_unpack || ts_node_is_null(bd->value)) return NULL;
    const char *d = inst__imported_class_call(m, bd->value, func);
    if (!d || (cls && strcmp(cls, d) != 0)) return NULL;
    cls = d;
  }
  return cls;
}

/* The target of a call of attribute `name` of an instance of a class of
 * another module that keeps it as a per-instance tf.function. */
static bool inst__external_target(AnModel *m, const AnCall *c, const char *name, uint32_t len, InstTarget *out) {
  const char *cls = inst__imported_class(m, out->object, c->ctx.func);
  const char *d = cls ? an_arena_printf(&m->arena, "%s.%.*s", cls, (int)len, name) : NULL;
  if (!d || !an_index_hybrid_method(m->index, m->path, d)) return false;
  out->func = -1;
  out->ext = an_index_lookup(m->index, m->path, d);
  out->cls_name = strrchr(cls, '.') + 1;
  out->label = an_arena_printf(&m->arena, "%s.%.*s", out->cls_name, (int)len, name);
  return out->label != NULL;
}

static bool inst__target(AnModel *m, const AnCall *c, bool any_call_method, bool external, InstTarget *out) {
  TSNode fn = an_unparen(m->lang, c->fn);
  AnSym s = an_sym(m->lang, fn);
  uint32_t len;
  const char *name;
  if (s == AN_SYM_attribute) {
    out->object = an_field(m->lang, fn, AN_FIELD_object);
    TSNode attr = an_field(m->lang, fn, AN_FIELD_attribute);
    if (ts_node_is_null(out->object) || ts_node_is_null(attr)) return false;
    name = an_text(m->src, attr, &len);
  } else if (any_call_method && (s == AN_SYM_identifier || s == AN_SYM_call)) {
    out->object = fn; /* `model(x)`, `Model()(x)`: __call__ */
    name = "__call__";
    len = 8;
  } else {
    return false;
  }
  out->ext = NULL;
  out->cls = inst__object_class(m, out->object, c->ctx.func);
  if (out->cls < 0) return external && inst__external_target(m, c, name, len, out);
  out->cls_name = AN_CLASS(m, out->cls)->name;
  out->func = c->callee >= 0 && s == AN_SYM_attribute ? c->callee : inst__method(m, out->cls, name, len);
  if (out->func < 0 || !inst__per_instance(m, out->func, out->cls, name, len)) return false;
  out->label = an_arena_printf(&m->arena, "%s.%.*s", out->cls_name, (int)len, name);
  return out->label != NULL;
}

/* The binding of the name `obj` in `func` that lies in `region` (a loop,
 * or the function node) and runs on every pass through it; null. */
static TSNode inst__fresh_binding(AnModel *m, TSNode obj, int func, TSNode region) {
  TSNode none = {{0}, NULL, NULL};
  uint32_t len;
  const char *t = an_text(m->src, obj, &len);
  uint32_t lo = ts_node_start_byte(region), hi = ts_node_end_byte(region);
  for (int b = an_hash_get(&m->binding_map, func, t, len); b >= 0; b = AN_VEC_AT(m->bindings, AnBinding, b).next) {
    AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, b);
    if (bd->at < lo || bd->at >= hi) continue;
    TSNode v = an_unparen(m->lang, bd->value);
    if (an_runs_unconditionally(m, v, region, func)) return v;
  }
  return none;
}

/* A call of `outer` in a loop, null when none. */
static TSNode inst__loop_call(AnModel *m, int outer) {
  TSNode none = {{0}, NULL, NULL};
  AnCallIds to = an_calls_to(m, outer);
  for (uint32_t i = 0; i < to.count; i++) {
    AnCall *c = AN_CALL_AT(m, to, i);
    if (c->ctx.loop_depth && !an_in_graph(m, c->ctx.func)) return c->node;
  }
  return none;
}

/* The innermost for/while whose body holds `node` in `func`, null. */
static TSNode inst__innermost_loop(AnModel *m, TSNode node, int func) {
  TSNode path[AN_MAX_ANCESTORS];
  TSNode none = {{0}, NULL, NULL};
  int depth = an_ancestors(m, node, func, path, AN_MAX_ANCESTORS);
  for (int i = depth - 1; i >= 0; i--) {
    AnSym s = an_sym(m->lang, path[i]);
    if (s == AN_SYM_function_definition || s == AN_SYM_lambda || s == AN_SYM_class_definition) break;
    if ((s == AN_SYM_for_statement || s == AN_SYM_while_statement) && i + 1 < depth &&
        ts_node_eq(an_field(m->lang, path[i], AN_FIELD_body), path[i + 1]))
      return path[i];
    if (s == AN_SYM_list_comprehension || s == AN_SYM_set_comprehension || s == AN_SYM_dictionary_comprehension ||
        s == AN_SYM_generator_expression)
      return none; /* the object may be shared by the whole comprehension */
  }
  return none;
}

static void inst__report(AnModel *m, const AnCall *c, const InstTarget *t, TSNode made, TSNode rep) {
  const char *cls = t->cls_name;
  AnFinding *f;
  if (ts_node_is_null(rep))
    f = an_emit_node(m, AN_RULE_PER_INSTANCE_METHOD_RETRACE, c->node, c->ctx.func,
                     "'%s' calls tf.function '%s' on a new '%s' object on every iteration of this loop; tf.function "
                     "keeps a separate set of graphs for each instance, so every new object traces it again. Create "
                     "the object once before the loop, or hybridize a module-level function that takes the tensors "
                     "and variables as arguments",
                     an_snippet(m, c->node), t->label, cls);
  else
    f = an_emit_node(m, AN_RULE_PER_INSTANCE_METHOD_RETRACE, c->node, c->ctx.func,
                     "'%s' calls tf.function '%s' on a new '%s' object every time '%s' runs, and '%s' runs in a loop "
                     "(line %u); tf.function keeps a separate set of graphs for each instance, so every new object "
                     "traces it again. Create the object once and reuse it, or hybridize a module-level function "
                     "that takes the tensors and variables as arguments",
                     an_snippet(m, c->node), t->label, cls, an_func_label(m, c->ctx.func),
                     an_func_label(m, c->ctx.func), ts_node_start_point(rep).row + 1);
  if (!f) return;
  const char *why = an_arena_printf(&m->arena, "'%s' is made a tf.function here, once per instance", t->label);
  if (t->func >= 0) {
    AnFunc *fn = AN_FUNC(m, t->func);
    an_finding_related(m, f, ts_node_is_null(fn->hybrid_site) ? fn->node : fn->hybrid_site, "%s", why);
  } else if (t->ext && why) {
    an_finding_related_ext(m, f, t->ext->path, t->ext->start, t->ext->end, t->ext->line, t->ext->column, why);
  }
  if (!an_node_within(made, c->node)) an_finding_related(m, f, made, "a new '%s' is made here", cls);
  if (!ts_node_is_null(rep)) an_finding_related(m, f, rep, "'%s' is called in a loop here", an_func_label(m, c->ctx.func));
}

static void inst__check_call(AnModel *m, const AnCall *c, bool any_call_method, bool external) {
  InstTarget t;
  if (!inst__target(m, c, any_call_method || external, external, &t)) return;
  TSNode obj = an_unparen(m->lang, t.object);
  bool direct = an_sym(m->lang, obj) == AN_SYM_call;
  TSNode none = {{0}, NULL, NULL}, rep = none, region;
  if (c->ctx.loop_depth) {
    region = inst__innermost_loop(m, c->node, c->ctx.func);
    if (ts_node_is_null(region)) return;
    /* A call skipped on some iterations still meets a new object whenever
     * it runs, but runs at least twice only when it is unconditional. */
    if (!an_runs_unconditionally(m, c->node, region, c->ctx.func)) return;
  } else {
    if (c->ctx.func < 0 || AN_FUNC(m, c->ctx.func)->is_lambda) return;
    region = AN_FUNC(m, c->ctx.func)->node;
    rep = inst__loop_call(m, c->ctx.func);
    if (ts_node_is_null(rep)) return;
  }
  TSNode made = direct ? obj : inst__fresh_binding(m, obj, c->ctx.func, region);
  if (ts_node_is_null(made)) return;
  inst__report(m, c, &t, made, rep);
}

void an_check_HY108(AnModel *m) {
  /* `obj(x)` reaches a method only through a hybrid __call__: look at such
   * calls only when the module has one. */
  bool any_call_method = false;
  for (uint32_t i = 0; i < m->funcs.count && !any_call_method; i++) {
    AnFunc *f = AN_FUNC(m, i);
    any_call_method = f->cls >= 0 && f->via == AN_VIA_DECORATOR && strcmp(f->name, "__call__") == 0;
  }
  /* Instances of classes of other modules, unresolved in this one. */
  bool external = an_index_has_hybrid_methods(m->index);
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (an_in_graph(m, c->ctx.func)) continue;
    if (!external && c->callee < 0 && !ts_node_is_null(c->object) &&
        an_sym(m->lang, an_unparen(m->lang, c->object)) != AN_SYM_call)
      continue; /* `obj.m(...)` the model could not resolve */
    if (c->callee >= 0 && !AN_FUNC(m, c->callee)->via) continue;
    if (c->callee < 0 && ts_node_is_null(c->object) && !any_call_method && !external) continue;
    inst__check_call(m, c, any_call_method, external);
  }
}
