/* Keras endpoints that refuse to run inside a tf.function: HY308
 * model.fit, evaluate, predict and the *_on_batch methods, and PreprocessingLayer.adapt. */
#include <string.h>

#include "analysis/rules/rules.h"

#define KEND_MAX_DEPTH 8

static const char *const kend__model_methods[] = {"fit", "evaluate", "predict", "train_on_batch",
                                                  "test_on_batch", "predict_on_batch", NULL};

/* Bases that make a class a Keras Model (a Layer has none of the endpoints). */
static const char *const kend__model_bases[] = {"keras.Model", "keras.models.Model", "keras.Sequential",
                                                "keras.models.Sequential", "keras.engine.training.Model", NULL};

static bool kend__in(const char *s, const char *const *list) {
  for (int i = 0; list[i]; i++)
    if (strcmp(s, list[i]) == 0) return true;
  return false;
}

/* A class of this module derived (through classes of this module) from
 * keras.Model. */
/* Found when the class names a keras.Model base itself; its module bases
 * are looked at only while the classes are Keras ones. */
static AnClassStep kend__names_model(AnModel *m, int cls, void *ctx) {
  AnClass *k = AN_CLASS(m, cls);
  if (!k->keras || ts_node_is_null(k->superclasses)) return AN_CLASS_PRUNE;
  uint32_t n = ts_node_named_child_count(k->superclasses);
  for (uint32_t i = 0; i < n; i++) {
    TSNode b = ts_node_named_child(k->superclasses, i);
    if (an_sym(m->lang, b) == AN_SYM_keyword_argument) continue;
    const char *d = an_dotted(m, b, k->parent_func);
    if (d && kend__in(d, kend__model_bases)) return AN_CLASS_FOUND;
  }
  return AN_CLASS_GO;
}

static bool kend__model_class(AnModel *m, int cls) {
  AnClassSearch s = {.max_depth = KEND_MAX_DEPTH, .visit = kend__names_model};
  return an_class_search(m, cls, &s) >= 0;
}

static AnClassStep kend__defines(AnModel *m, int cls, void *ctx) {
  const char *name = ctx;
  uint32_t len = (uint32_t)strlen(name);
  if (an_hash_get(&m->func_map, AN_SCOPE_CLASS(cls), name, len) >= 0) return AN_CLASS_FOUND;
  if (an_hash_get(&m->attr_map, cls, name, len) >= 0) return AN_CLASS_FOUND;
  return AN_CLASS_GO;
}

/* True when the class (or a base of this module) defines or assigns
 * `name` itself: then `obj.name(...)` is the user's code, not Keras'. */
static bool kend__class_defines(AnModel *m, int cls, const char *name) {
  AnClassSearch s = {.max_depth = KEND_MAX_DEPTH, .visit = kend__defines, .ctx = (void *)name};
  return an_class_search(m, cls, &s) >= 0;
}

/* The module class a value instantiates (`Net(...)`), or -1. */
static int kend__instantiated(AnModel *m, TSNode value) {
  value = an_unparen(m->lang, value);
  if (an_sym(m->lang, value) != AN_SYM_call) return -1;
  TSNode fn = an_field(m->lang, value, AN_FIELD_function);
  if (an_sym(m->lang, fn) != AN_SYM_identifier) return -1;
  uint32_t len;
  const char *t = an_text(m->src, fn, &len);
  return an_hash_get(&m->class_map, AN_SCOPE_MODULE, t, len);
}

/* The class every binding in a chain instantiates, or -1 when one of them
 * does something else. */
static int kend__chain_class(AnModel *m, int b) {
  int cls = -1;
  for (int k = b; k >= 0; k = AN_VEC_AT(m->bindings, AnBinding, k).next) {
    AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, k);
    if (bd->from_for || bd->from_unpack) return -1;
    int c = kend__instantiated(m, bd->value);
    if (c < 0 || (cls >= 0 && c != cls)) return -1;
    cls = c;
  }
  return cls;
}

static int kend__bindings_class(AnModel *m, int b) {
  return an_chain_memo(m, AN_CHAIN_KERAS_CLASS, b, kend__chain_class);
}

/* The method whose `self` the identifier is, or -1. */
static int kend__self_method(AnModel *m, TSNode id, int func) {
  uint32_t len;
  const char *t = an_text(m->src, id, &len);
  for (int f = func; f >= 0; f = AN_FUNC(m, f)->parent) {
    AnFunc *fn = AN_FUNC(m, f);
    if (fn->cls >= 0 && fn->param_count && fn->params[0].is_self && an_text_eq(m->src, id, fn->params[0].name))
      return f;
    if (an_hash_get(&m->binding_map, f, t, len) >= 0) return -1;
    for (uint32_t i = 0; i < fn->param_count; i++)
      if (an_text_eq(m->src, id, fn->params[i].name)) return -1;
  }
  return -1;
}

/* The module class whose instance `obj` holds: `self` in a method, a name
 * or `self.attr` bound only to `Cls(...)`, or `Cls(...)` itself; -1. */
static int kend__instance_class(AnModel *m, TSNode obj, int func) {
  const AnLang *l = m->lang;
  obj = an_unparen(l, obj);
  AnSym s = an_sym(l, obj);
  if (s == AN_SYM_call) return kend__instantiated(m, obj);
  if (s == AN_SYM_identifier) {
    int self = kend__self_method(m, obj, func);
    if (self >= 0) return AN_FUNC(m, self)->cls;
    uint32_t len;
    const char *t = an_text(m->src, obj, &len);
    for (int f = func; f >= 0; f = AN_FUNC(m, f)->parent) {
      int b = an_hash_get(&m->binding_map, f, t, len);
      if (b >= 0) return kend__bindings_class(m, b);
      AnFunc *fn = AN_FUNC(m, f);
      for (uint32_t i = 0; i < fn->param_count; i++)
        if (an_text_eq(m->src, obj, fn->params[i].name)) return -1;
    }
    int b = an_hash_get(&m->binding_map, AN_SCOPE_MODULE, t, len);
    return b >= 0 ? kend__bindings_class(m, b) : -1;
  }
  if (s == AN_SYM_attribute) {
    TSNode o = an_field(l, obj, AN_FIELD_object), attr = an_field(l, obj, AN_FIELD_attribute);
    if (an_sym(l, o) != AN_SYM_identifier) return -1;
    int self = kend__self_method(m, o, func);
    if (self < 0) return -1;
    uint32_t len;
    const char *t = an_text(m->src, attr, &len);
    int cls = -1;
    for (int a = an_hash_get(&m->attr_map, AN_FUNC(m, self)->cls, t, len); a >= 0;
         a = AN_VEC_AT(m->attrs, AnAttrBinding, a).next) {
      int c = kend__instantiated(m, AN_VEC_AT(m->attrs, AnAttrBinding, a).value);
      if (c < 0 || (cls >= 0 && c != cls)) return -1;
      cls = c;
    }
    return cls;
  }
  return -1;
}

/* True when the call is a Keras endpoint: a model method on a Keras model
 * (an object built by the keras API, where a Layer would have no such
 * method, or an instance of a Model subclass of this module that does not
 * define the method itself), or `adapt` on a layer built by the keras API
 * (only preprocessing layers have it). */
static bool kend__is_endpoint(AnModel *m, const AnCall *c, bool *adapt) {
  *adapt = strcmp(c->method, "adapt") == 0;
  if (!*adapt && !kend__in(c->method, kend__model_methods)) return false;
  if (c->callee >= 0 || c->external) return false; /* a function of the workspace */
  if (an_kind_of(m, c->object, c->ctx.func) == AN_KIND_KERAS) return true;
  if (*adapt) return false;
  int cls = kend__instance_class(m, c->object, c->ctx.func);
  return cls >= 0 && kend__model_class(m, cls) && !kend__class_defines(m, cls, c->method);
}

/* `model.predict(x)` -> `model(x, training=False)`, when nothing but the
 * input and options that only shape the output (verbose, batch_size) is
 * passed. */
static void kend__fix(AnModel *m, AnFinding *f, const AnCall *c) {
  if (!f || (strcmp(c->method, "predict") != 0 && strcmp(c->method, "predict_on_batch") != 0)) return;
  const AnLang *l = m->lang;
  TSNode args = an_field(l, c->node, AN_FIELD_arguments);
  if (ts_node_is_null(args) || an_sym(l, args) != AN_SYM_argument_list || an_call_argc(l, c->node) != 1) return;
  uint32_t n = ts_node_named_child_count(args);
  for (uint32_t i = 0; i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    AnSym s = an_sym(l, a);
    if (s == AN_SYM_comment || s == AN_SYM_list_splat || s == AN_SYM_dictionary_splat) return;
    if (s != AN_SYM_keyword_argument) continue;
    TSNode k = an_field(l, a, AN_FIELD_name);
    if (!an_text_eq(m->src, k, "verbose") && !an_text_eq(m->src, k, "batch_size")) return;
  }
  uint32_t len;
  const char *x = an_text(m->src, an_call_arg(l, c->node, 0), &len);
  /* predict batches, runs callbacks and returns NumPy; the direct call
   * returns one tensor for the whole input: offered, never applied. */
  AnFix *fix = an_finding_fix(m, f, "Call the model directly: model(x, training=False)", false);
  an_fix_edit(m, fix, ts_node_end_byte(c->object), ts_node_end_byte(c->node),
              an_arena_printf(&m->arena, "(%.*s, training=False)", (int)len, x));
}

void an_check_HY308(AnModel *m) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    /* Under tf.init_scope the call runs eagerly and Keras accepts it. */
    if (!c->method || ts_node_is_null(c->object) || c->ctx.init_scope || !an_graph_code(m, &c->ctx)) continue;
    bool adapt;
    if (!kend__is_endpoint(m, c, &adapt)) continue;
    const char *owner = adapt ? "PreprocessingLayer" : "Model";
    const char *obj = an_snippet(m, c->object);
    const char *advice =
        adapt ? "adapt the layer eagerly, before the function is traced"
        : strncmp(c->method, "predict", 7) == 0
            ? an_arena_printf(&m->arena, "call the model directly: %s(x, training=False)", obj)
            : an_arena_printf(&m->arena, "move the call out of graph code (inside it, call the model directly: %s(x))", obj);
    AnFinding *f = an_emit_node(m, AN_RULE_KERAS_ENDPOINT_IN_GRAPH, c->node, c->ctx.func,
                                "'%s' calls %s.%s inside '%s', which runs as a graph; this high-level endpoint "
                                "manages its own tf.function and refuses to run inside another (RuntimeError: "
                                "Detected a call to `%s.%s` inside a `tf.function`); %s",
                                an_snippet(m, c->node), owner, c->method, an_func_label(m, c->ctx.func), owner,
                                c->method, advice);
    an_finding_related_chain(m, f, c->ctx.func);
    kend__fix(m, f, c);
  }
}

bool an_keras_model_class(AnModel *m, int cls) { return cls >= 0 && kend__model_class(m, cls); }

int an_keras_instance_class(AnModel *m, TSNode obj, int func) { return kend__instance_class(m, obj, func); }

bool an_keras_defines_endpoint(AnModel *m, int cls) {
  for (int i = 0; kend__model_methods[i]; i++)
    if (kend__class_defines(m, cls, kend__model_methods[i])) return true;
  return kend__class_defines(m, cls, "adapt");
}
