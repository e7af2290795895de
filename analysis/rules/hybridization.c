/* Where a tf.function is in the wrong place: HY111 (a decorator on a
 * function only graph code calls), HY112 (an eager training step in a loop
 * that the hybridize refactoring would convert) and HY113 (a decorator on
 * a Keras step that fit() already runs as a graph).
 *
 * HY111 and HY113 must know every use of a name, which the model does not
 * record for plain references; they count the module's identifiers once,
 * and only when a candidate exists. */
#include <string.h>

#include "analysis/features.h"
#include "analysis/rules/rules.h"

#define HYB_MAX_NAMES 64

/* --- shared ---------------------------------------------------------------- */

/* `@tf.function` or `@tf.function()` as the function's only decorator: any
 * argument (input_signature, jit_compile, autograph, ...) or another
 * decorator may be why it is there. */
static bool hyb__bare_sole_decorator(AnModel *m, const AnFunc *f) {
  if (f->via != AN_VIA_DECORATOR || f->is_lambda || ts_node_is_null(f->name_node)) return false;
  if (!ts_node_is_null(f->tf.call)) {
    TSNode args = an_field(m->lang, f->tf.call, AN_FIELD_arguments);
    uint32_t n = ts_node_is_null(args) ? 0 : ts_node_named_child_count(args);
    for (uint32_t i = 0; i < n; i++)
      if (an_sym(m->lang, ts_node_named_child(args, i)) != AN_SYM_comment) return false;
  }
  uint32_t decorators = 0, n = ts_node_named_child_count(f->outer);
  for (uint32_t i = 0; i < n; i++)
    if (an_sym(m->lang, ts_node_named_child(f->outer, i)) == AN_SYM_decorator) decorators++;
  return decorators == 1;
}

/* Removes the decorator line, when the decorator stands alone on it. */
static void hyb__remove_decorator_fix(AnModel *m, AnFinding *fd, const AnFunc *f, const char *title, bool safe) {
  TSNode dec = ts_node_parent(f->hybrid_site);
  if (!fd || an_sym(m->lang, dec) != AN_SYM_decorator) return;
  uint32_t s = ts_node_start_byte(dec), e = ts_node_end_byte(dec);
  uint32_t ls = an_line_start(m, s), le = an_line_end(m, e > s ? e - 1 : e);
  for (uint32_t k = ls; k < s; k++)
    if (m->src[k] != ' ' && m->src[k] != '\t') return;
  for (uint32_t k = e; k < le; k++)
    if (m->src[k] != ' ' && m->src[k] != '\t' && m->src[k] != '\n' && m->src[k] != '\r') return;
  AnFix *fix = an_finding_fix(m, fd, title, safe);
  an_fix_edit(m, fix, ls, le, "");
}

/* Occurrences of some names in the module: identifiers spelled so, and
 * string literals holding exactly the name (`__all__`, getattr). */
typedef struct HybMentions {
  AnModel *m;
  const char *names[HYB_MAX_NAMES];
  uint32_t lens[HYB_MAX_NAMES];
  uint32_t idents[HYB_MAX_NAMES];
  bool strings[HYB_MAX_NAMES];
  bool value_use[HYB_MAX_NAMES]; /* an identifier neither called, nor an object, nor assigned */
  uint32_t n;
} HybMentions;

static int hyb__name_slot(HybMentions *hm, const char *name) {
  for (uint32_t i = 0; i < hm->n; i++)
    if (strcmp(hm->names[i], name) == 0) return (int)i;
  if (hm->n == HYB_MAX_NAMES) return -1;
  hm->names[hm->n] = name;
  hm->lens[hm->n] = (uint32_t)strlen(name);
  return (int)hm->n++;
}

static int hyb__find(const HybMentions *hm, const char *t, uint32_t len) {
  for (uint32_t i = 0; i < hm->n; i++)
    if (hm->lens[i] == len && memcmp(hm->names[i], t, len) == 0) return (int)i;
  return -1;
}

/* A plain name that is passed, stored or returned rather than called,
 * dereferenced or bound. */
static bool hyb__is_value_use(AnModel *m, TSNode id) {
  TSNode p = ts_node_parent(id);
  AnSym ps = an_sym(m->lang, p);
  if (ps == AN_SYM_call) return !ts_node_eq(an_field(m->lang, p, AN_FIELD_function), id);
  if (ps == AN_SYM_attribute) return !ts_node_eq(an_field(m->lang, p, AN_FIELD_object), id) &&
                                     !ts_node_eq(an_field(m->lang, p, AN_FIELD_attribute), id);
  if (ps == AN_SYM_assignment) return !ts_node_eq(an_field(m->lang, p, AN_FIELD_left), id);
  if (ps == AN_SYM_keyword_argument) return !ts_node_eq(an_field(m->lang, p, AN_FIELD_name), id);
  return ps != AN_SYM_function_definition && ps != AN_SYM_class_definition;
}

/* The name of a method's def: it binds a class attribute, not the
 * module-level or local name. */
static bool hyb__method_name(AnModel *m, TSNode id) {
  TSNode def = ts_node_parent(id);
  if (an_sym(m->lang, def) != AN_SYM_function_definition || !ts_node_eq(an_field(m->lang, def, AN_FIELD_name), id))
    return false;
  TSNode up = ts_node_parent(def);
  if (an_sym(m->lang, up) == AN_SYM_decorated_definition) up = ts_node_parent(up);
  return an_sym(m->lang, up) == AN_SYM_block && an_sym(m->lang, ts_node_parent(up)) == AN_SYM_class_definition;
}

static bool hyb__mention_visit(TSNode n, void *ctx) {
  HybMentions *hm = ctx;
  AnSym s = an_sym(hm->m->lang, n);
  if (s == AN_SYM_identifier) {
    uint32_t len;
    const char *t = an_text(hm->m->src, n, &len);
    int k = hyb__find(hm, t, len);
    if (k >= 0 && !hyb__method_name(hm->m, n)) {
      hm->idents[k]++;
      if (hyb__is_value_use(hm->m, n)) hm->value_use[k] = true;
    }
    return false;
  }
  if (s == AN_SYM_string) {
    uint32_t len;
    const char *t = an_text(hm->m->src, n, &len);
    if (len >= 3 && (t[0] == '"' || t[0] == '\'') && t[len - 1] == t[0]) {
      int k = hyb__find(hm, t + 1, len - 2);
      if (k >= 0) hm->strings[k] = true;
    }
    return false;
  }
  return true;
}

static void hyb__count(AnModel *m, HybMentions *hm) {
  hm->m = m;
  if (hm->n) an_walk(m->root, hyb__mention_visit, hm);
}

/* --- HY111 redundant-inner-tf-function --------------------------------------- */

/* A call site whose code only ever runs while a converted tf.function
 * traces: directly in the body of a decorated tf.function (the name then
 * is the Function, so the body never runs eagerly), outside
 * init_scope and executing_eagerly() branches. */
static bool hyb__graph_only_site(AnModel *m, const AnCall *c, int callee) {
  int g = c->ctx.func;
  if (g < 0 || g == callee || c->ctx.eager_guard || c->ctx.init_scope) return false;
  const AnFunc *caller = AN_FUNC(m, g);
  return caller->via == AN_VIA_DECORATOR && caller->root == AN_ROOT_HYBRID && caller->graph_from < 0 &&
         caller->autograph && !caller->is_lambda;
}

/* Other modules cannot name a nested function; a module-level function or
 * method is unused elsewhere only when the index says so. */
static bool hyb__private_to_module(AnModel *m, const AnFunc *f) {
  if (f->parent >= 0) return true;
  return m->index && !an_index_used_elsewhere(m->index, m->module, f->qualname);
}

/* "'a'", "'a' and 'b'", "'a', 'b' and others": the distinct tf.functions
 * that call `fi`. */
static const char *hyb__callers_text(AnModel *m, int fi) {
  int seen[3];
  uint32_t n = 0;
  bool more = false;
  for (uint32_t i = 0; i < m->calls.count; i++) {
    const AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (c->callee != fi) continue;
    bool dup = false;
    for (uint32_t k = 0; k < n; k++) dup = dup || seen[k] == c->ctx.func;
    if (dup) continue;
    if (n == 3) {
      more = true;
      break;
    }
    seen[n++] = c->ctx.func;
  }
  AnBuf b = {0};
  for (uint32_t k = 0; k < n; k++)
    an_buf_printf(&m->arena, &b, "%s'%s'", k == 0 ? "" : (k + 1 == n && !more) ? " and " : ", ",
                  AN_FUNC(m, seen[k])->qualname);
  if (more) an_buf_puts(&m->arena, &b, " and others");
  return an_buf_str(&m->arena, &b);
}

/* Mutual recursion (HY218's): removing the decorators of both functions
 * would leave no tf.function at all. */
static bool hyb__calls_a_caller(AnModel *m, int fi) {
  AN_FOR_CALLS_OF(m, fi, own) {
    if (own->callee < 0) continue;
    for (uint32_t i = 0; i < m->calls.count; i++) {
      const AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
      if (c->callee == fi && c->ctx.func == own->callee) return true;
    }
  }
  return false;
}

static void hyb__report_HY111(AnModel *m, int fi) {
  AnFunc *f = AN_FUNC(m, fi);
  AnFinding *fd = an_emit_node(
      m, AN_RULE_REDUNDANT_INNER_TF_FUNCTION, f->hybrid_site, fi,
      "'@%s' on '%s' is redundant: it is only called from inside tf.functions (%s), and everything a "
      "tf.function calls is traced into its graph already; the inner decorator adds only a nested function "
      "call and its own tracing",
      an_snippet(m, f->hybrid_site), f->qualname, hyb__callers_text(m, fi));
  for (uint32_t i = 0; fd && i < m->calls.count; i++) {
    const AnCall *k = &AN_VEC_AT(m->calls, AnCall, i);
    if (k->callee == fi)
      an_finding_related(m, fd, k->node, "called here, inside tf.function '%s'", AN_FUNC(m, k->ctx.func)->qualname);
  }
  hyb__remove_decorator_fix(m, fd, f, "Remove the inner @tf.function", true);
}

void an_check_HY111(AnModel *m) {
  uint32_t nf = m->funcs.count;
  if (!nf) return;
  uint32_t *sites = an_arena_alloc(&m->arena, sizeof *sites * nf);
  bool *spoiled = an_arena_alloc(&m->arena, sizeof *spoiled * nf);
  if (!sites || !spoiled) return;
  memset(sites, 0, sizeof *sites * nf);
  memset(spoiled, 0, sizeof *spoiled * nf);
  for (uint32_t i = 0; i < m->calls.count; i++) {
    const AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (c->callee < 0) continue;
    if (hyb__graph_only_site(m, c, c->callee))
      sites[c->callee]++;
    else
      spoiled[c->callee] = true;
  }
  HybMentions hm;
  memset(&hm, 0, sizeof hm);
  for (uint32_t i = 0; i < nf; i++) {
    AnFunc *f = AN_FUNC(m, i);
    bool cand = sites[i] && !spoiled[i] && hyb__bare_sole_decorator(m, f) && !f->is_generator && !f->is_async &&
                hyb__private_to_module(m, f);
    if (!cand || hyb__name_slot(&hm, f->name) < 0) spoiled[i] = true;
  }
  hyb__count(m, &hm);
  for (uint32_t i = 0; i < nf; i++) {
    if (spoiled[i]) continue;
    int k = hyb__find(&hm, AN_FUNC(m, i)->name, (uint32_t)strlen(AN_FUNC(m, i)->name));
    /* The def's own name (not counted for methods, as no method name
     * is) plus one per resolved call: anything else is a use as a value, a
     * shadowing name or a Function attribute. */
    uint32_t own = AN_FUNC(m, i)->cls >= 0 ? 0 : 1;
    if (k < 0 || hm.strings[k] || hm.idents[k] != own + sites[i] || hyb__calls_a_caller(m, (int)i)) continue;
    hyb__report_HY111(m, (int)i);
  }
}

/* --- HY112 unhybridized-train-step ------------------------------------------- */

/* `opt.apply_gradients(...)` / `opt.minimize(...)`, unless the callee is
 * known to be something else (scipy.optimize.minimize, a local function). */
static bool hyb__optimizer_step(const AnCall *c) {
  if (!c->method || (strcmp(c->method, "apply_gradients") != 0 && strcmp(c->method, "minimize") != 0)) return false;
  if (c->callee >= 0 || c->external) return false;
  return !c->dotted || an_dotted_has_prefix(c->dotted, "tensorflow") || an_dotted_has_prefix(c->dotted, "keras");
}

static bool hyb__is_train_step(AnModel *m, int fi) {
  bool tape = false, step = false;
  AN_FOR_CALLS_OF(m, fi, c) {
    if (an_call_is(c, "tensorflow.GradientTape")) tape = true;
    if (hyb__optimizer_step(c)) step = true;
  }
  return tape && step;
}

/* Creating variables on every call (a model, layer, optimizer, metric or
 * tf.Variable) fails once hybridized; the refactoring does not look for
 * it, so the rule does (rules.md HY112), in the function and what it
 * calls in this module. */
static bool hyb__creates_state(AnModel *m, int fi, uint8_t *seen) {
  if (seen[fi]) return false;
  seen[fi] = 1;
  AN_FOR_CALLS_OF(m, fi, c) {
    const char *d = c->dotted;
    if (d && (strcmp(d, "tensorflow.Variable") == 0 || an_dotted_has_prefix(d, "keras.optimizers") ||
              an_dotted_has_prefix(d, "keras.layers") || an_dotted_has_prefix(d, "keras.metrics") ||
              an_dotted_has_prefix(d, "keras.Model") || an_dotted_has_prefix(d, "keras.Sequential") ||
              an_dotted_has_prefix(d, "keras.models") || an_dotted_has_prefix(d, "tensorflow.random.Generator")))
      return true;
    if (an_sym(m->lang, c->fn) == AN_SYM_identifier) {
      uint32_t len;
      const char *t = an_text(m->src, c->fn, &len);
      if (an_hash_get(&m->class_map, AN_SCOPE_MODULE, t, len) >= 0) return true;
    }
    if (c->callee >= 0 && hyb__creates_state(m, c->callee, seen)) return true;
  }
  return false;
}

/* Graph mode switched off on purpose somewhere in the module. */
static bool hyb__eager_by_choice(AnModel *m) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    const AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (an_call_is(c, "tensorflow.config.run_functions_eagerly") ||
        an_call_is(c, "tensorflow.config.experimental_run_functions_eagerly")) {
      TSNode a = an_call_arg(m->lang, c->node, 0);
      if (an_sym(m->lang, a) != AN_SYM_false) return true;
    }
    if (c->method && strcmp(c->method, "compile") == 0) {
      TSNode v = an_call_kwarg(m->lang, m->src, c->node, "run_eagerly");
      if (!ts_node_is_null(v) && an_sym(m->lang, v) != AN_SYM_false) return true;
    }
  }
  return false;
}

/* The first call of `fi` inside a Python loop of eager code. */
static const AnCall *hyb__loop_call(AnModel *m, int fi) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    const AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (c->callee == fi && c->ctx.loop_depth > 0 && !an_in_graph(m, c->ctx.func) && c->ctx.func != fi) return c;
  }
  return NULL;
}

void an_check_HY112(AnModel *m) {
  /* TF1 graph mode: the step only adds ops to the session graph. */
  if (m->v1_graph_mode) return;
  uint8_t *seen = NULL;
  int eager = -1;
  for (uint32_t i = 0; i < m->funcs.count; i++) {
    AnFunc *f = AN_FUNC(m, i);
    if (f->is_lambda || f->via != AN_VIA_NONE || f->root != AN_ROOT_NONE || f->keras_method ||
        ts_node_is_null(f->name_node) || !hyb__is_train_step(m, (int)i))
      continue;
    const AnCall *loop = hyb__loop_call(m, (int)i);
    if (!loop) continue;
    if (eager < 0) eager = hyb__eager_by_choice(m);
    if (eager) return;
    if (!seen) seen = an_arena_alloc(&m->arena, m->funcs.count);
    if (!seen) return;
    memset(seen, 0, m->funcs.count);
    if (hyb__creates_state(m, (int)i, seen)) continue;
    /* Exactly when the hybridize refactoring is offered: no Python side
     * effects (here or in callees), not recursive, tensor parameters at
     * every call, no eager-only or NumPy calls on parameters. */
    const AnFunctionInfo *info = an_func_info(m, (int)i);
    if (!info || info->refactoring.action != AN_REFACTOR_HYBRIDIZE) continue;
    AnFinding *fd = an_emit_node(
        m, AN_RULE_UNHYBRIDIZED_TRAIN_STEP, f->name_node, (int)i,
        "'%s' is a training step (GradientTape and an optimizer update) called in a loop (line %u) that runs "
        "eagerly, op by op, on every iteration; it has no Python side effects and receives tensors, so as a "
        "tf.function it would run as one graph, usually much faster",
        f->qualname, ts_node_start_point(loop->node).row + 1);
    an_finding_related(m, fd, loop->node, "called eagerly in a loop here");
    if (!fd) continue;
    AnVec edits = {0};
    uint32_t n = an_refactor_edits(m, (int)i, info, &edits);
    if (!n) continue;
    AnFix *fix = an_finding_fix(m, fd, an_arena_printf(&m->arena, "Hybridize '%s': add @%s", f->qualname,
                                                       an_tf_function_name(m)),
                                false);
    for (uint32_t k = 0; k < n; k++) {
      const AnEdit *e = &AN_VEC_AT(edits, AnEdit, k);
      an_fix_edit(m, fix, e->start, e->end, e->text);
    }
  }
}

/* --- HY113 redundant-tf-function-on-keras-step ------------------------------- */

#define HYB_MAX_DEPTH 8

/* The endpoint whose Keras tf.function runs method `name`. */
static bool hyb__runs_step(const char *endpoint, const char *name) {
  if (strcmp(name, "call") == 0)
    return strcmp(endpoint, "fit") == 0 || strcmp(endpoint, "evaluate") == 0 || strcmp(endpoint, "predict") == 0;
  return (strcmp(name, "train_step") == 0 && strcmp(endpoint, "fit") == 0) ||
         (strcmp(name, "test_step") == 0 && strcmp(endpoint, "evaluate") == 0) ||
         (strcmp(name, "predict_step") == 0 && strcmp(endpoint, "predict") == 0);
}

/* True when instances of class `k` run method `name` of class `cls`: it is
 * `cls`, or derives from it (in this module) without redefining `name`. */
typedef struct HybUse {
  int cls;
  const char *name;
} HybUse;

static AnClassStep hyb__reaches(AnModel *m, int k, void *ctx) {
  const HybUse *u = ctx;
  if (k == u->cls) return AN_CLASS_FOUND;
  if (an_hash_get(&m->func_map, AN_SCOPE_CLASS(k), u->name, (uint32_t)strlen(u->name)) >= 0) return AN_CLASS_PRUNE;
  return AN_CLASS_GO;
}

static bool hyb__uses_method(AnModel *m, int k, int cls, const char *name) {
  if (k == cls) return true;
  if (k < 0) return false;
  /* `cls` itself counts one level above the limit of the redefinitions. */
  HybUse u = {cls, name};
  AnClassSearch s = {.max_depth = HYB_MAX_DEPTH + 1, .visit = hyb__reaches, .ctx = &u};
  return an_class_search(m, k, &s) >= 0;
}

/* `model.run_eagerly = ...` anywhere: Keras then skips its tf.function and
 * the decorator is the only graph left. */
static bool hyb__run_eagerly_assigned(AnModel *m) {
  for (uint32_t i = 0; i < m->sites.count; i++) {
    const AnSite *s = &AN_VEC_AT(m->sites, AnSite, i);
    if (s->kind != AN_SITE_ASSIGN) continue;
    TSNode left = an_field(m->lang, s->node, AN_FIELD_left);
    if (an_sym(m->lang, left) == AN_SYM_attribute &&
        an_text_eq(m->src, an_field(m->lang, left, AN_FIELD_attribute), "run_eagerly"))
      return true;
  }
  return false;
}

typedef struct HybKerasUse {
  const AnCall *compile, *endpoint;
  bool eager_direct; /* the step (or, for call, the model) is called from eager code */
  bool untracked;    /* a compiled model held somewhere its uses cannot be followed */
} HybKerasUse;

static void hyb__keras_use(AnModel *m, int fi, HybKerasUse *u, HybMentions *hm) {
  AnFunc *f = AN_FUNC(m, fi);
  bool is_call = strcmp(f->name, "call") == 0;
  memset(u, 0, sizeof *u);
  for (uint32_t i = 0; i < m->calls.count; i++) {
    const AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    bool eager = !an_in_graph(m, c->ctx.func);
    if (!c->method) {
      /* `model(x)` in eager code runs `call` eagerly, where only the
       * decorator makes it a graph. */
      if (is_call && eager && hyb__uses_method(m, an_keras_instance_class(m, c->fn, c->ctx.func), f->cls, f->name))
        u->eager_direct = true;
      continue;
    }
    if (strcmp(c->method, f->name) == 0 && eager) u->eager_direct = true;
    bool compile = strcmp(c->method, "compile") == 0;
    if (!compile && !hyb__runs_step(c->method, f->name)) continue;
    if (!hyb__uses_method(m, an_keras_instance_class(m, c->object, c->ctx.func), f->cls, f->name)) continue;
    if (compile && !u->compile) u->compile = c;
    if (!compile && !u->endpoint) u->endpoint = c;
    if (!is_call) continue;
    TSNode obj = an_unparen(m->lang, c->object);
    if (an_sym(m->lang, obj) != AN_SYM_identifier) {
      u->untracked = true;
      continue;
    }
    uint32_t len;
    const char *t = an_text(m->src, obj, &len);
    if (hyb__name_slot(hm, an_arena_strndup(&m->arena, t, len)) < 0) u->untracked = true;
  }
}

void an_check_HY113(AnModel *m) {
  /* Keras v1 fit (TF1 graph mode) wraps nothing in a tf.function and never
   * calls the step methods. */
  if (!m->cfg->keras_graph_mode || m->v1_graph_mode) return;
  int eager = -1;
  for (uint32_t i = 0; i < m->funcs.count; i++) {
    AnFunc *f = AN_FUNC(m, i);
    if (!f->keras_method || f->cls < 0 || !hyb__bare_sole_decorator(m, f) || !an_keras_model_class(m, f->cls))
      continue;
    if (eager < 0) eager = hyb__eager_by_choice(m) || hyb__run_eagerly_assigned(m);
    if (eager) return;
    HybMentions hm;
    memset(&hm, 0, sizeof hm);
    HybKerasUse u;
    hyb__keras_use(m, (int)i, &u, &hm);
    if (!u.compile || !u.endpoint || u.eager_direct || u.untracked) continue;
    /* For call: a model passed or stored elsewhere may be called eagerly
     * there, where the decorator is the only hybridization. */
    hyb__count(m, &hm);
    bool passed = false;
    for (uint32_t k = 0; k < hm.n; k++) passed = passed || hm.value_use[k];
    if (passed) continue;
    AnFinding *fd = an_emit_node(
        m, AN_RULE_REDUNDANT_TF_FUNCTION_ON_KERAS_STEP, f->hybrid_site, (int)i,
        "'@%s' on '%s' is redundant: the model is used with compile() and %s(), and Keras already runs %s "
        "inside its own tf.function; the extra decorator only nests a Function, and keeps %s in graph mode even "
        "with run_eagerly=True, which defeats eager debugging",
        an_snippet(m, f->hybrid_site), f->qualname, u.endpoint->method, f->name, f->name);
    an_finding_related(m, fd, u.compile->node, "compiled here");
    an_finding_related(m, fd, u.endpoint->node, "Keras runs '%s' as a graph from here", f->name);
    hyb__remove_decorator_fix(m, fd, f, "Remove @tf.function (Keras already compiles the step)", false);
  }
}
