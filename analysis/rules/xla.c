/* HY309 jit-compile-unsupported and HY603 xla-ignores-random-seed: code
 * compiled with XLA, i.e. graph code whose root is a tf.function with a
 * literal jit_compile=True (or experimental_compile=True), or a Keras
 * step of a model class compiled with compile(jit_compile=True). Keras 3's
 * default "auto" decides per device, so only the literal True counts.
 *
 * Both rules walk the calls of each compiled function once
 * (AN_FOR_CALLS_OF) and look the canonical dotted callee up in small
 * tables. */
#include <string.h>

#include "analysis/rules/rules.h"

/* --- what is compiled ---------------------------------------------------- */

/* Per class of the module: the compile(jit_compile=True) call on one of its
 * instances (or of a subclass), null when none. Built once per rule. */
typedef struct XlaKeras {
  TSNode *compile_call; /* per class, null node when not jit-compiled */
} XlaKeras;

static bool xla__any_keras_root(const AnModel *m) {
  for (uint32_t i = 0; i < m->funcs.count; i++)
    if (AN_VEC_AT(m->funcs, AnFunc, i).root == AN_ROOT_KERAS) return true;
  return false;
}

typedef struct XlaMark {
  TSNode *compile_call;
  TSNode call;
} XlaMark;

/* Marks each class of the search with the call, unless already marked. */
static AnClassStep xla__mark(AnModel *m, int cls, void *ctx) {
  XlaMark *x = ctx;
  if (ts_node_is_null(x->compile_call[cls])) x->compile_call[cls] = x->call;
  return AN_CLASS_GO;
}

static void xla__keras_init(AnModel *m, XlaKeras *k) {
  k->compile_call = NULL;
  if (!m->classes.count || !xla__any_keras_root(m)) return;
  k->compile_call = an_arena_alloc(&m->arena, sizeof *k->compile_call * m->classes.count);
  if (!k->compile_call) return;
  for (uint32_t i = 0; i < m->classes.count; i++) k->compile_call[i] = (TSNode){0};
  /* One pass over the module's calls, not one per function. */
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (!c->method || strcmp(c->method, "compile") != 0 || ts_node_is_null(c->object)) continue;
    TSNode v = an_call_kwarg(m->lang, m->src, c->node, "jit_compile");
    if (an_sym(m->lang, v) != AN_SYM_true) continue;
    int inst = an_keras_instance_class(m, c->object, c->ctx.func);
    if (inst < 0 || !an_keras_model_class(m, inst)) continue;
    /* The steps of `inst` and of the classes it derives from are compiled. */
    /* (Classes up to 17 levels up: 16 levels of bases followed.) */
    XlaMark x = {k->compile_call, c->node};
    AnClassSearch s = {.max_depth = 17, .visit = xla__mark, .ctx = &x};
    an_class_search(m, inst, &s);
  }
}

/* The node that asks for XLA for graph function `func` (the jit_compile
 * argument of its root tf.function, or the Keras compile call); null when
 * the function is not compiled with XLA. */
static TSNode xla__compiled_by(AnModel *m, const XlaKeras *k, int func) {
  TSNode none = {0};
  if (!an_in_graph(m, func)) return none;
  const AnFunc *r = AN_FUNC(m, an_graph_root(m, func));
  if (r->root == AN_ROOT_HYBRID && r->tf.jit_compile == 1 && !ts_node_is_null(r->tf.call)) {
    TSNode v = an_call_kwarg(m->lang, m->src, r->tf.call, "jit_compile");
    if (ts_node_is_null(v)) v = an_call_kwarg(m->lang, m->src, r->tf.call, "experimental_compile");
    return ts_node_is_null(v) ? r->tf.call : v;
  }
  if (r->root == AN_ROOT_KERAS && k->compile_call && r->cls >= 0) return k->compile_call[r->cls];
  return none;
}

/* Graph code that XLA compiles: not under `if tf.executing_eagerly():` and
 * not in `with tf.init_scope():`, which runs eagerly while tracing. */
static bool xla__compiled_code(AnModel *m, const AnCall *c) {
  return an_graph_code(m, &c->ctx) && !c->ctx.init_scope;
}

/* Why the code of `func` is compiled: "'step' is compiled with XLA
 * (jit_compile=True)", naming the root when `func` is a helper. */
static const char *xla__why(AnModel *m, int func, TSNode by) {
  int root = an_graph_root(m, func);
  const char *how = an_sym(m->lang, by) == AN_SYM_call ? "model.compile(jit_compile=True)" : "jit_compile=True";
  if (root == func) return an_arena_printf(&m->arena, "'%s' is compiled with XLA (%s)", an_func_label(m, func), how);
  return an_arena_printf(&m->arena, "'%s' runs inside '%s', which is compiled with XLA (%s)", an_func_label(m, func),
                         an_func_label(m, root), how);
}

static void xla__related(AnModel *m, AnFinding *f, int func, TSNode by) {
  if (!f) return;
  an_finding_related_chain(m, f, func);
  if (an_sym(m->lang, by) == AN_SYM_call)
    an_finding_related(m, f, by, "compile(jit_compile=True) compiles the model's steps with XLA");
  else
    an_finding_related(m, f, by, "jit_compile=True compiles the whole function with XLA");
}

/* --- HY309 --------------------------------------------------------------- */

/* Ops without an XLA kernel: compilation always fails. */
typedef struct XlaOp {
  const char *dotted;
  const char *label; /* as written in messages */
  const char *op;    /* the TensorFlow op XLA rejects */
} XlaOp;

static const XlaOp xla__no_kernel[] = {
    {"tensorflow.py_function", "tf.py_function", "EagerPyFunc"},
    {"tensorflow.numpy_function", "tf.numpy_function", "PyFunc"},
    {"tensorflow.py_func", "tf.compat.v1.py_func", "PyFunc"},
    {"tensorflow.print", "tf.print", "PrintV2"},
    {"tensorflow.as_string", "tf.as_string", "AsString"},
    {"tensorflow.io.read_file", "tf.io.read_file", "ReadFile"},
    {"tensorflow.io.decode_jpeg", "tf.io.decode_jpeg", "DecodeJpeg"},
    {"tensorflow.io.decode_png", "tf.io.decode_png", "DecodePng"},
    {"tensorflow.io.decode_image", "tf.io.decode_image", "DecodeImage"},
    {"tensorflow.io.encode_jpeg", "tf.io.encode_jpeg", "EncodeJpeg"},
    {"tensorflow.io.encode_png", "tf.io.encode_png", "EncodePng"},
    {"tensorflow.image.decode_jpeg", "tf.image.decode_jpeg", "DecodeJpeg"},
    {"tensorflow.image.decode_png", "tf.image.decode_png", "DecodePng"},
    {"tensorflow.image.decode_image", "tf.image.decode_image", "DecodeImage"},
    {"tensorflow.image.encode_jpeg", "tf.image.encode_jpeg", "EncodeJpeg"},
    {"tensorflow.image.encode_png", "tf.image.encode_png", "EncodePng"},
    {"tensorflow.raw_ops.ImageProjectiveTransformV3", "tf.raw_ops.ImageProjectiveTransformV3",
     "ImageProjectiveTransformV3"},
};

static bool xla__kernel_less(const AnCall *c, XlaOp *out) {
  if (!c->dotted) return false;
  for (size_t i = 0; i < sizeof xla__no_kernel / sizeof *xla__no_kernel; i++)
    if (strcmp(c->dotted, xla__no_kernel[i].dotted) == 0) {
      *out = xla__no_kernel[i];
      return true;
    }
  /* XLA has no string type: every tf.strings op fails. */
  if (an_dotted_has_prefix(c->dotted, "tensorflow.strings") && strcmp(c->dotted, "tensorflow.strings") != 0) {
    out->dotted = c->dotted;
    out->label = NULL; /* the caller spells it tf.strings.<name> */
    out->op = NULL;
    return true;
  }
  return false;
}

/* A literal True for keyword `name` or positional argument `pos`. */
static bool xla__arg_true(AnModel *m, TSNode call, const char *name, uint32_t pos) {
  TSNode v = an_call_kwarg(m->lang, m->src, call, name);
  if (ts_node_is_null(v)) v = an_call_arg(m->lang, call, pos);
  return an_sym(m->lang, v) == AN_SYM_true;
}

/* tf.while_loop(cond, body, loop_vars, shape_invariants,
 * parallel_iterations, back_prop, swap_memory, maximum_iterations, name)
 * inside the body of `with tf.GradientTape(...)` of the same function. */
static bool xla__unbounded_loop_under_tape(AnModel *m, const AnCall *c) {
  if (!an_call_is(c, "tensorflow.while_loop") || an_call_has_splat(m->lang, c->node)) return false;
  if (!ts_node_is_null(an_call_kwarg(m->lang, m->src, c->node, "maximum_iterations"))) return false;
  if (an_call_argc(m->lang, c->node) >= 8) return false;
  TSNode anc[AN_MAX_ANCESTORS];
  int n = an_ancestors(m, c->node, c->ctx.func, anc, AN_MAX_ANCESTORS);
  for (int i = 0; i < n; i++) {
    if (an_sym(m->lang, anc[i]) != AN_SYM_with_statement) continue;
    TSNode body = an_field(m->lang, anc[i], AN_FIELD_body);
    if (ts_node_is_null(body) || !an_node_within(c->node, body)) continue;
    TSNode clause = ts_node_named_child(anc[i], 0);
    AN_FOR_CALLS_OF(m, c->ctx.func, t) {
      if (an_call_is(t, "tensorflow.GradientTape") && an_node_within(t->node, clause)) return true;
    }
  }
  return false;
}

static void xla__hy309_call(AnModel *m, AnCall *c, TSNode by) {
  const char *why = xla__why(m, c->ctx.func, by);
  TSNode at = c->fn;
  XlaOp op;
  AnFinding *f = NULL;
  if (xla__kernel_less(c, &op)) {
    bool str = op.op == NULL;
    const char *label = str ? an_arena_printf(&m->arena, "tf.%s", c->dotted + strlen("tensorflow.")) : op.label;
    f = an_emit_node(m, AN_RULE_JIT_COMPILE_UNSUPPORTED, at, c->ctx.func,
                     "%s has no XLA kernel%s, but %s, so compilation fails (InvalidArgumentError: Detected "
                     "unsupported operations when trying to compile graph ...%s%s)",
                     label, str ? " (XLA has no string type)" : "", why, str ? "" : ": ", str ? "" : op.op);
  } else if (an_call_is(c, "tensorflow.TensorArray") && !an_call_has_splat(m->lang, c->node) &&
             xla__arg_true(m, c->node, "dynamic_size", 2)) {
    f = an_emit_node(m, AN_RULE_JIT_COMPILE_UNSUPPORTED, at, c->ctx.func,
                     "tf.TensorArray(dynamic_size=True) can grow, but %s and XLA needs a fixed tensor list "
                     "size (XLA compilation requires a fixed tensor list size. Set the max number of elements.)",
                     why);
    if (f && f->severity < AN_SEV_WARNING) f->severity = AN_SEV_WARNING;
  } else if (xla__unbounded_loop_under_tape(m, c)) {
    f = an_emit_node(m, AN_RULE_JIT_COMPILE_UNSUPPORTED, at, c->ctx.func,
                     "tf.while_loop without maximum_iterations runs under a GradientTape, but %s and XLA "
                     "cannot size the stacks its gradient needs (XLA compilation requires a fixed tensor list "
                     "size)",
                     why);
    if (f && f->severity < AN_SEV_WARNING) f->severity = AN_SEV_WARNING;
  }
  xla__related(m, f, c->ctx.func, by);
}

void an_check_HY309(AnModel *m) {
  if (!an_rule_enabled(m, AN_RULE_JIT_COMPILE_UNSUPPORTED)) return;
  XlaKeras k;
  xla__keras_init(m, &k);
  for (uint32_t i = 0; i < m->funcs.count; i++) {
    TSNode by = xla__compiled_by(m, &k, (int)i);
    if (ts_node_is_null(by)) continue;
    AN_FOR_CALLS_OF(m, (int)i, c) {
      if (c->dotted && xla__compiled_code(m, c) && !an_statically_dead(m, c->node, c->ctx.func)) xla__hy309_call(m, c, by);
    }
  }
}

/* --- HY603 --------------------------------------------------------------- */

/* Stateful random ops and the position of their `seed` parameter. */
typedef struct XlaRandom {
  const char *dotted;
  uint32_t seed_pos;
} XlaRandom;

static const XlaRandom xla__random[] = {
    {"tensorflow.random.uniform", 4},
    {"tensorflow.random.normal", 4},
    {"tensorflow.random.truncated_normal", 4},
    {"tensorflow.random.gamma", 4},
    {"tensorflow.random.poisson", 3},
    {"tensorflow.random.categorical", 3},
    {"tensorflow.random.shuffle", 1},
    {"tensorflow.random_uniform", 4},
    {"tensorflow.random_normal", 4},
    {"tensorflow.truncated_normal", 4},
    {"tensorflow.random_shuffle", 1},
    {"tensorflow.multinomial", 2},
    {"tensorflow.nn.dropout", 3},
    {"tensorflow.image.random_flip_left_right", 1},
    {"tensorflow.image.random_flip_up_down", 1},
    {"tensorflow.image.random_brightness", 2},
    {"tensorflow.image.random_hue", 2},
    {"tensorflow.image.random_contrast", 3},
    {"tensorflow.image.random_saturation", 3},
    {"tensorflow.image.random_crop", 2},
};

static const XlaRandom *xla__random_op(const AnCall *c) {
  if (!c->dotted) return NULL;
  for (size_t i = 0; i < sizeof xla__random / sizeof *xla__random; i++)
    if (strcmp(c->dotted, xla__random[i].dotted) == 0) return &xla__random[i];
  return NULL;
}

/* The seed argument when it is a literal integer; null otherwise (absent,
 * None, or a value that may be None). */
static TSNode xla__literal_seed(AnModel *m, const AnCall *c, uint32_t pos) {
  TSNode v = an_call_kwarg(m->lang, m->src, c->node, "seed");
  if (ts_node_is_null(v)) v = an_call_arg(m->lang, c->node, pos);
  AnSym s = an_sym(m->lang, v);
  if (s == AN_SYM_unary_operator && ts_node_named_child_count(v) == 1) s = an_sym(m->lang, ts_node_named_child(v, 0));
  return s == AN_SYM_integer ? v : (TSNode){0};
}

/* A module-level or function call of tf.random.set_seed anywhere in the
 * module: the code relies on the global seed. */
static TSNode xla__global_seed(AnModel *m) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (an_call_is(c, "tensorflow.random.set_seed") || an_call_is(c, "tensorflow.set_random_seed")) return c->node;
  }
  return (TSNode){0};
}

void an_check_HY603(AnModel *m) {
  if (!an_rule_enabled(m, AN_RULE_XLA_IGNORES_RANDOM_SEED)) return;
  XlaKeras k;
  xla__keras_init(m, &k);
  TSNode global = {0};
  bool global_known = false;
  for (uint32_t i = 0; i < m->funcs.count; i++) {
    TSNode by = xla__compiled_by(m, &k, (int)i);
    if (ts_node_is_null(by)) continue;
    AN_FOR_CALLS_OF(m, (int)i, c) {
      const XlaRandom *r = xla__random_op(c);
      if (!r || !xla__compiled_code(m, c) || an_call_has_splat(m->lang, c->node)) continue;
      const char *why = xla__why(m, c->ctx.func, by);
      const char *name = an_arena_printf(&m->arena, "tf.%s", c->dotted + strlen("tensorflow."));
      TSNode seed = xla__literal_seed(m, c, r->seed_pos);
      AnFinding *f = NULL;
      if (!ts_node_is_null(seed)) {
        f = an_emit_node(m, AN_RULE_XLA_IGNORES_RANDOM_SEED, c->fn, c->ctx.func,
                         "XLA ignores the seed of the stateful random op %s(seed=%s): %s, so its numbers "
                         "differ from run to run",
                         name, an_snippet(m, seed), why);
      } else {
        /* Unseeded ops matter only when the module sets the global seed. */
        TSNode explicit_none = an_call_kwarg(m->lang, m->src, c->node, "seed");
        if (!ts_node_is_null(explicit_none) && an_sym(m->lang, explicit_none) != AN_SYM_none) continue;
        if (ts_node_is_null(explicit_none) && !ts_node_is_null(an_call_arg(m->lang, c->node, r->seed_pos))) continue;
        if (!global_known) global = xla__global_seed(m), global_known = true;
        if (ts_node_is_null(global)) continue;
        f = an_emit_node(m, AN_RULE_XLA_IGNORES_RANDOM_SEED, c->fn, c->ctx.func,
                         "XLA ignores the global seed (tf.random.set_seed) of the stateful random op %s: %s, so "
                         "its numbers differ from run to run",
                         name, why);
        if (f) an_finding_related(m, f, global, "the global seed XLA ignores");
      }
      xla__related(m, f, c->ctx.func, by);
    }
  }
}
