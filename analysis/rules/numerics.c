/* Numerical surprises of graph code: HY601 two tf.functions whose first
 * unseeded random op gets the same seed pair under a global seed, HY602
 * int()/float() that AutoGraph turns into a cast to int32/float32 of a
 * tensor proven wider.
 *
 * HY601 models random_seed.get_seed: with a global seed and no op seed, a
 * graph's op seed is a counter kept per graph (_graph_to_seed_dict), and
 * every tf.function traces into its own FuncGraph, so the first unseeded
 * random op of each function gets op seed 0 and the same Philox key. The
 * rule only claims what it can prove: the op runs unconditionally in the
 * root's own body and nothing before it can have drawn (only TensorFlow
 * calls outside the random APIs and a few builtins precede it). */
#include <string.h>

#include "analysis/rules/retrace.h"

/* --- HY601 global-seed-correlated-functions ------------------------------ */

/* Stateful random ops that ask get_seed for their seeds, with the
 * position of their `seed` parameter. */
static const struct {
  const char *dotted;
  uint32_t seed_pos;
} num__random_ops[] = {
    {"tensorflow.random.uniform", 4},
    {"tensorflow.random.normal", 4},
    {"tensorflow.random.truncated_normal", 4},
    {"tensorflow.random.shuffle", 1},
    {"tensorflow.nn.dropout", 3},
};

/* Builtins that cannot draw random numbers themselves nor call back into
 * code that could. */
static const char *const num__plain_builtins[] = {
    "builtins.len",  "builtins.int",   "builtins.float", "builtins.bool",      "builtins.str",
    "builtins.range", "builtins.print", "builtins.abs",  "builtins.isinstance", "builtins.tuple",
    "builtins.list", "builtins.dict",  "builtins.enumerate", "builtins.zip", NULL,
};

/* Index into num__random_ops of the call's callee, -1. */
static int num__random_op(const AnCall *c) {
  if (!c->dotted) return -1;
  for (size_t k = 0; k < sizeof num__random_ops / sizeof num__random_ops[0]; k++)
    if (strcmp(c->dotted, num__random_ops[k].dotted) == 0) return (int)k;
  return -1;
}

/* 1 when random op `c` (table entry k) has no op seed, 0 when it has one,
 * -1 when that cannot be told (splats). dropout with a literal rate of 0
 * returns its input without drawing. */
static int num__unseeded(AnModel *m, const AnCall *c, int k) {
  if (an_call_has_splat(m->lang, c->node)) return -1;
  TSNode seed = an_call_kwarg(m->lang, m->src, c->node, "seed");
  if (ts_node_is_null(seed)) seed = an_call_arg(m->lang, c->node, num__random_ops[k].seed_pos);
  if (!ts_node_is_null(seed) && an_sym(m->lang, an_unparen(m->lang, seed)) != AN_SYM_none) return 0;
  if (strcmp(num__random_ops[k].dotted, "tensorflow.nn.dropout") == 0) {
    TSNode rate = an_call_kwarg(m->lang, m->src, c->node, "rate");
    if (ts_node_is_null(rate)) rate = an_call_arg(m->lang, c->node, 1);
    rate = an_unparen(m->lang, rate);
    if (ts_node_is_null(rate)) return -1;
    AnSym s = an_sym(m->lang, rate);
    if ((s == AN_SYM_integer || s == AN_SYM_float) && strspn(m->src + ts_node_start_byte(rate), "0._") ==
                                                          ts_node_end_byte(rate) - ts_node_start_byte(rate))
      return -1;
  }
  return 1;
}

/* True for a call that provably creates no unseeded random op: TensorFlow
 * APIs outside the random, dropout, shuffle, sampling and initializer
 * families and outside those that call back into user code (tf.data,
 * tf.map_fn, tf.cond, tf.nest, ...), and plain builtins. */
static bool num__cannot_draw(const AnCall *c) {
  const char *d = c->dotted;
  if (!d) return false;
  if (strncmp(d, "builtins.", 9) == 0) {
    for (int i = 0; num__plain_builtins[i]; i++)
      if (strcmp(d, num__plain_builtins[i]) == 0) return true;
    return false;
  }
  if (!an_dotted_has_prefix(d, "tensorflow")) return false;
  if (an_dotted_has_prefix(d, "tensorflow.random")) return strncmp(d, "tensorflow.random.stateless_", 28) == 0;
  static const char *const drawing[] = {"random", "dropout", "shuffle", "sample", "fractional", "initializer", NULL};
  for (int i = 0; drawing[i]; i++)
    if (strstr(d, drawing[i])) return false;
  if (an_dotted_has_prefix(d, "tensorflow.data") || an_dotted_has_prefix(d, "tensorflow.function") ||
      an_dotted_has_prefix(d, "tensorflow.py_function") || an_dotted_has_prefix(d, "tensorflow.numpy_function") ||
      an_dotted_has_prefix(d, "tensorflow.map_fn") || an_dotted_has_prefix(d, "tensorflow.vectorized_map") ||
      an_dotted_has_prefix(d, "tensorflow.while_loop") || an_dotted_has_prefix(d, "tensorflow.cond") ||
      an_dotted_has_prefix(d, "tensorflow.case") || an_dotted_has_prefix(d, "tensorflow.switch_case") ||
      an_dotted_has_prefix(d, "tensorflow.scan") || an_dotted_has_prefix(d, "tensorflow.foldl") ||
      an_dotted_has_prefix(d, "tensorflow.foldr") || an_dotted_has_prefix(d, "tensorflow.init_scope") ||
      an_dotted_has_prefix(d, "tensorflow.nest") || an_dotted_has_prefix(d, "tensorflow.custom_gradient") ||
      an_dotted_has_prefix(d, "tensorflow.recompute_grad") || an_dotted_has_prefix(d, "tensorflow.autograph") ||
      an_dotted_has_prefix(d, "tensorflow.distribute") || an_dotted_has_prefix(d, "tensorflow.experimental") ||
      an_dotted_has_prefix(d, "tensorflow.keras") || an_dotted_has_prefix(d, "tensorflow.estimator"))
    return false;
  return true;
}

typedef struct NumDraw {
  int func;
  const AnCall *call; /* the function's first random op, op seed 0 */
} NumDraw;

/* The first random op of tf.function `fi` when it provably gets op seed 0
 * in the function's own graph; NULL otherwise. */
static const AnCall *num__first_draw(AnModel *m, int fi) {
  AnFunc *f = AN_FUNC(m, fi);
  if (f->root != AN_ROOT_HYBRID || f->graph_from >= 0 || (f->via != AN_VIA_DECORATOR && f->via != AN_VIA_CALL))
    return NULL;
  /* XLA ignores the seeds of stateful random ops (HY603's topic). */
  if (f->tf.jit_compile == 1 || f->is_lambda || f->is_generator) return NULL;
  const AnCall *draw = NULL;
  AN_FOR_CALLS_OF(m, fi, c) {
    if (draw) {
      /* Calls inside the op's own arguments run before it. */
      if (ts_node_start_byte(c->node) >= ts_node_end_byte(draw->node)) break;
      if (!num__cannot_draw(c)) return NULL;
      continue;
    }
    int k = num__random_op(c);
    if (k < 0) {
      if (!num__cannot_draw(c)) return NULL;
      continue;
    }
    int unseeded = num__unseeded(m, c, k);
    if (unseeded < 0) return NULL;
    if (!unseeded) continue; /* an op seed leaves the graph's counter alone */
    if (c->ctx.init_scope || c->ctx.eager_guard || c->ctx.loop_depth ||
        !an_runs_unconditionally(m, c->node, f->node, fi))
      return NULL;
    draw = c;
  }
  return draw;
}

/* The global seed: tf.random.set_seed(s) with a value other than None,
 * called outside graph code. */
static const AnCall *num__global_seed(AnModel *m) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    const AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (!c->dotted || (strcmp(c->dotted, "tensorflow.random.set_seed") != 0 &&
                       strcmp(c->dotted, "keras.utils.set_random_seed") != 0))
      continue;
    if (an_in_graph(m, c->ctx.func) || an_call_has_splat(m->lang, c->node)) continue;
    TSNode seed = an_call_arg(m->lang, c->node, 0);
    if (ts_node_is_null(seed)) seed = an_call_kwarg(m->lang, m->src, c->node, "seed");
    if (ts_node_is_null(seed) || an_sym(m->lang, an_unparen(m->lang, seed)) == AN_SYM_none) continue;
    return c;
  }
  return NULL;
}

/* True when the results of `a` and `b` meet: one calls the other, or both
 * are called from the same function (or both at module level). */
static bool num__used_together(AnModel *m, int a, int b) {
  AnCallIds ca = an_calls_to(m, a), cb = an_calls_to(m, b);
  for (uint32_t i = 0; i < ca.count; i++) {
    int sa = AN_CALL_AT(m, ca, i)->ctx.func;
    if (sa == b) return true;
    for (uint32_t j = 0; j < cb.count; j++) {
      int sb = AN_CALL_AT(m, cb, j)->ctx.func;
      if (sb == a || sb == sa) return true;
    }
  }
  for (uint32_t j = 0; j < cb.count; j++)
    if (AN_CALL_AT(m, cb, j)->ctx.func == a) return true;
  return false;
}

#define NUM_MAX_DRAWS 64

void an_check_HY601(AnModel *m) {
  bool any = false;
  for (uint32_t i = 0; i < m->funcs.count && !any; i++)
    any = AN_FUNC(m, (int)i)->root == AN_ROOT_HYBRID && AN_FUNC(m, (int)i)->graph_from < 0;
  if (!any) return;
  const AnCall *seed = num__global_seed(m);
  if (!seed) return;
  NumDraw draws[NUM_MAX_DRAWS];
  int n = 0;
  for (uint32_t i = 0; i < m->funcs.count && n < NUM_MAX_DRAWS; i++) {
    const AnCall *c = num__first_draw(m, (int)i);
    if (c) draws[n++] = (NumDraw){(int)i, c};
  }
  /* Report each function against the first earlier one it is used with. */
  for (int j = 1; j < n; j++) {
    for (int i = 0; i < j; i++) {
      if (!num__used_together(m, draws[i].func, draws[j].func)) continue;
      const char *a = an_func_label(m, draws[i].func), *b = an_func_label(m, draws[j].func);
      AnFinding *f = an_emit_node(
          m, AN_RULE_GLOBAL_SEED_CORRELATED_FUNCTIONS, draws[j].call->node, draws[j].func,
          "'%s' is the first random op without a seed in tf.function '%s', as '%s' is in '%s': with the global "
          "seed of '%s', each tf.function counts op seeds from 0 in its own graph, so both draw from the same "
          "random stream on every call (identical numbers for the same op, shape and dtype); pass seed= to one "
          "of them or draw from one tf.random.Generator",
          an_snippet(m, draws[j].call->node), b, an_snippet(m, draws[i].call->node), a, an_snippet(m, seed->node));
      if (f) {
        an_finding_related(m, f, draws[i].call->node, "same seed pair in '%s'", a);
        an_finding_related(m, f, seed->node, "global seed set here");
      }
      break;
    }
  }
}

/* --- HY602 implicit-narrowing-cast --------------------------------------- */

/* dtype name of `tf.int64` / `tf.dtypes.int64` / "int64"; NULL otherwise. */
static const char *num__dtype_name(AnModel *m, TSNode e, int func) {
  static const char *const known[] = {"int64", "uint32", "uint64", "float64", "int32", "float32", "int16",
                                      "int8", "uint8", "uint16", "float16", "bfloat16", "bool", "string", NULL};
  e = an_unparen(m->lang, e);
  if (ts_node_is_null(e)) return NULL;
  uint32_t len;
  const char *t;
  if (an_sym(m->lang, e) == AN_SYM_string) {
    t = an_text(m->src, e, &len);
    if (len < 3 || (t[0] != '"' && t[0] != '\'') || t[len - 1] != t[0]) return NULL;
    t++;
    len -= 2;
  } else {
    const char *d = an_dotted(m, e, func);
    if (!d || !(an_dotted_has_prefix(d, "tensorflow.dtypes") || (strncmp(d, "tensorflow.", 11) == 0 && !strchr(d + 11, '.'))))
      return NULL;
    t = strrchr(d, '.') + 1;
    len = (uint32_t)strlen(t);
  }
  for (int i = 0; known[i]; i++)
    if (strlen(known[i]) == len && memcmp(known[i], t, len) == 0) return known[i];
  return NULL;
}

/* The dtype a parameter of a tf.function gets from a literal
 * input_signature entry tf.TensorSpec(...); NULL otherwise. */
static const char *num__param_dtype(AnModel *m, int fi, uint32_t pi) {
  AnTensorSpec s;
  return an_param_declared_spec(m, fi, pi, &s) ? s.dtype : NULL;
}

/* What the eager calls prove of each parameter of each function, found
 * once per parameter (num__call_site_dtype): the dtype of every int() and
 * float() of a parameter scanned every eager call, quadratic with many of
 * both. `first[f]` indexes function f's parameters in the arrays. */
typedef struct NumSites {
  uint32_t *first;
  uint8_t *state; /* 0 not yet, 1 computing, 2 done */
  const char **dtype;
  const AnCall **site;
} NumSites;

static bool num__sites_init(AnModel *m, NumSites *ns) {
  uint32_t total = 0;
  ns->first = an_arena_alloc(&m->arena, sizeof *ns->first * (m->funcs.count + 1));
  if (!ns->first) return false;
  for (uint32_t f = 0; f < m->funcs.count; f++) ns->first[f] = total, total += AN_FUNC(m, f)->param_count;
  ns->state = an_arena_alloc(&m->arena, total + 1);
  ns->dtype = an_arena_alloc(&m->arena, sizeof *ns->dtype * (total + 1));
  ns->site = an_arena_alloc(&m->arena, sizeof *ns->site * (total + 1));
  return ns->state && ns->dtype && ns->site;
}

static const char *num__dtype_of(AnModel *m, NumSites *ns, TSNode e, int func);

/* A wide dtype (int64, uint32, uint64, float64) that an eager call of
 * tf.function `fi` (no input_signature) proves for its parameter `pi`;
 * NULL otherwise. Each call traces with its argument's dtype, so one such
 * call is enough for that trace to narrow. *site is the call. A parameter
 * met again while its callers are read proves nothing. */
static const char *num__call_site_dtype(AnModel *m, NumSites *ns, int fi, uint32_t pi, const AnCall **site) {
  uint32_t k = ns->first[fi] + pi;
  *site = ns->site[k];
  if (ns->state[k]) return ns->dtype[k];
  ns->state[k] = 1;
  const char *name = AN_FUNC(m, fi)->params[pi].name;
  uint32_t n;
  const AnRetraceCall *calls = an_retrace_calls(m, &n);
  for (uint32_t i = 0; i < n && !ns->dtype[k]; i++) {
    const AnRetraceCall *rc = &calls[i];
    if (rc->callee.local != fi) continue;
    for (uint32_t a = 0; a < rc->arg_count; a++) {
      const AnRetraceArg *arg = &rc->args[a];
      if (!arg->param || strcmp(arg->param, name) != 0 || ts_node_is_null(arg->value)) continue;
      const char *dt = num__dtype_of(m, ns, arg->value, rc->call->ctx.func);
      if (dt && (strcmp(dt, "int64") == 0 || strcmp(dt, "uint32") == 0 || strcmp(dt, "uint64") == 0 ||
                 strcmp(dt, "float64") == 0)) {
        ns->site[k] = rc->call, ns->dtype[k] = dt;
        break;
      }
    }
  }
  ns->state[k] = 2;
  *site = ns->site[k];
  return ns->dtype[k];
}

/* dtype of tensor expression `e` in `func` when proven: tf.cast and
 * tf.constant / convert_to_tensor with an explicit dtype, elements of
 * such tensors (`t[0]`), parameters typed by input_signature or by an
 * eager call's argument, names bound once in the function, and what
 * an_tensor_spec_of knows. */
static const char *num__dtype_of(AnModel *m, NumSites *ns, TSNode e, int func) {
  const AnLang *l = m->lang;
  for (int step = 0; step < 12; step++) {
    e = an_unparen(l, e);
    AnSym s = an_sym(l, e);
    if (s == AN_SYM_subscript) {
      e = an_field(l, e, AN_FIELD_value);
      continue;
    }
    if (s == AN_SYM_identifier) {
      uint32_t len;
      const char *t = an_text(m->src, e, &len);
      int b = an_hash_get(&m->binding_map, func, t, len);
      AnFunc *fn = func >= 0 ? AN_FUNC(m, func) : NULL;
      for (uint32_t i = 0; fn && i < fn->param_count; i++) {
        if (strlen(fn->params[i].name) != len || memcmp(fn->params[i].name, t, len) != 0) continue;
        if (b >= 0) return NULL;
        const char *dt = num__param_dtype(m, func, i);
        const AnCall *site;
        return dt ? dt : num__call_site_dtype(m, ns, func, i, &site);
      }
      if (b < 0) break; /* module or closure names: an_tensor_spec_of below */
      AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, b);
      if (bd->next >= 0 || ts_node_is_null(bd->value) || bd->from_for || bd->from_unpack ||
          an_sym(l, bd->value) == AN_SYM_augmented_assignment)
        return NULL;
      e = bd->value;
      continue;
    }
    if (s != AN_SYM_call) return NULL;
    const char *d = an_dotted(m, an_field(l, e, AN_FIELD_function), func);
    if (!d) return NULL;
    if (strcmp(d, "tensorflow.cast") == 0) {
      TSNode dt = an_call_kwarg(l, m->src, e, "dtype");
      return num__dtype_name(m, ts_node_is_null(dt) ? an_call_arg(l, e, 1) : dt, func);
    }
    if (strcmp(d, "tensorflow.constant") == 0 || strcmp(d, "tensorflow.convert_to_tensor") == 0) {
      TSNode dt = an_call_kwarg(l, m->src, e, "dtype");
      if (ts_node_is_null(dt)) dt = an_call_arg(l, e, 1);
      if (!ts_node_is_null(dt)) return num__dtype_name(m, dt, func);
    }
    if (strcmp(d, "tensorflow.identity") == 0) {
      e = an_call_arg(l, e, 0);
      continue;
    }
    break;
  }
  AnTensorSpec spec;
  return an_tensor_spec_of(m, e, func, &spec) ? spec.dtype : NULL;
}

/* The single positional argument of `call`: no keywords, no splat. */
static TSNode num__only_arg(AnModel *m, TSNode call) {
  TSNode none = {{0}, NULL, NULL}, only = none;
  TSNode args = an_field(m->lang, call, AN_FIELD_arguments);
  if (an_sym(m->lang, args) != AN_SYM_argument_list) return none;
  uint32_t n = ts_node_named_child_count(args);
  for (uint32_t i = 0; i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    AnSym s = an_sym(m->lang, a);
    if (s == AN_SYM_comment) continue;
    if (s == AN_SYM_keyword_argument || s == AN_SYM_list_splat || s == AN_SYM_dictionary_splat ||
        !ts_node_is_null(only))
      return none;
    only = a;
  }
  return only;
}

/* When `t` is a parameter whose dtype comes from a call, points at it. */
static void num__related_call_site(AnModel *m, NumSites *ns, AnFinding *f, TSNode t, int func) {
  t = an_unparen(m->lang, t);
  while (an_sym(m->lang, t) == AN_SYM_subscript) t = an_unparen(m->lang, an_field(m->lang, t, AN_FIELD_value));
  if (an_sym(m->lang, t) != AN_SYM_identifier) return;
  uint32_t len;
  const char *name = an_text(m->src, t, &len);
  if (an_hash_get(&m->binding_map, func, name, len) >= 0) return;
  AnFunc *fn = AN_FUNC(m, func);
  for (uint32_t i = 0; i < fn->param_count; i++) {
    if (strlen(fn->params[i].name) != len || memcmp(fn->params[i].name, name, len) != 0) continue;
    const AnCall *site = NULL;
    const char *dt = num__param_dtype(m, func, i) ? NULL : num__call_site_dtype(m, ns, func, i, &site);
    if (dt) an_finding_related(m, f, site->node, "traced with a %s tensor for '%s' here", dt, fn->params[i].name);
    return;
  }
}

void an_check_HY602(AnModel *m) {
  NumSites ns;
  if (!num__sites_init(m, &ns)) return;
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (!c->dotted || (strcmp(c->dotted, "builtins.int") != 0 && strcmp(c->dotted, "builtins.float") != 0)) continue;
    int func = c->ctx.func;
    /* Unconverted graph code fails on int()/float() instead: HY211. */
    if (!an_graph_code(m, &c->ctx) || c->ctx.init_scope || !AN_FUNC(m, func)->autograph) continue;
    TSNode t = num__only_arg(m, c->node);
    if (ts_node_is_null(t)) continue;
    bool to_int = c->dotted[9] == 'i';
    const char *dt = num__dtype_of(m, &ns, t, func);
    if (!dt) continue;
    bool wide = to_int ? (strcmp(dt, "int64") == 0 || strcmp(dt, "uint32") == 0 || strcmp(dt, "uint64") == 0)
                       : strcmp(dt, "float64") == 0;
    if (!wide) continue;
    const char *target = to_int ? "int32" : "float32";
    const char *loss = to_int ? "values beyond the int32 range wrap around" : "it keeps only float32 range and precision";
    AnFinding *f = an_emit_node(m, AN_RULE_IMPLICIT_NARROWING_CAST, c->node, func,
                                "'%s' in '%s' is converted by AutoGraph to tf.cast(%s, tf.%s), but '%s' is %s: %s, "
                                "where eagerly %s() would be exact; use tf.cast(%s, tf.%s) to keep the dtype",
                                an_snippet(m, c->node), an_func_label(m, func), an_snippet(m, t), target,
                                an_snippet(m, t), dt, loss, to_int ? "int" : "float", an_snippet(m, t), dt);
    if (!f) continue;
    an_finding_related_chain(m, f, func);
    num__related_call_site(m, &ns, f, t, func);
  }
}
