/* Value kinds: a small abstract interpretation over expressions.
 *
 * Sources are TensorFlow / NumPy / builtin API results (a table), literals,
 * annotations, input_signature, assignments, operators, and for parameters
 * the join over every known call site (this module and, through the index,
 * the workspace; constructing a class calls its `__init__`). Unknown is
 * the answer whenever the evidence is not clear, and rules never report
 * on unknown. Bindings memoise their kind and a
 * binding being computed reads as unknown, so cycles end and every binding
 * is evaluated once. Expression recursion is depth-bounded.
 */
#include <string.h>

#include "analysis/model.h"
#include "analysis/rules/rules.h"

#define KINDS_MAX_DEPTH 48

AnKind an_kind_join(AnKind a, AnKind b) {
  if (a == b) return a;
  if (a == AN_KIND_UNKNOWN || b == AN_KIND_UNKNOWN) return AN_KIND_UNKNOWN;
  if (an_kind_is_tensor(a) && an_kind_is_tensor(b)) return AN_KIND_TENSOR;
  return AN_KIND_MIXED;
}

static bool kinds__pre(const char *d, const char *prefix) { return an_dotted_has_prefix(d, prefix); }

static bool kinds__in(const char *name, const char *const *list) {
  for (int i = 0; list[i]; i++)
    if (strcmp(name, list[i]) == 0) return true;
  return false;
}

/* Top-level tensorflow functions that return tensors. */
static const char *const kinds__tf_tensor_ops[] = {
    "abs", "add", "add_n", "argmax", "argmin", "argsort", "boolean_mask", "broadcast_to", "cast",
    "clip_by_norm", "clip_by_value", "concat", "cond", "constant", "convert_to_tensor", "cos",
    "cumsum", "divide", "einsum", "equal", "exp", "expand_dims", "eye", "fill", "gather",
    "gather_nd", "greater", "greater_equal", "identity", "less", "less_equal", "linspace", "log",
    "logical_and", "logical_not", "logical_or", "map_fn", "matmul", "maximum", "minimum",
    "multiply", "negative", "norm", "not_equal", "one_hot", "ones", "ones_like", "pad", "pow",
    "py_function", "numpy_function", "range", "rank", "reduce_all", "reduce_any", "reduce_logsumexp",
    "reduce_max", "reduce_mean", "reduce_min", "reduce_prod", "reduce_sum", "repeat", "reshape",
    "reverse", "roll", "round", "scan", "scatter_nd", "searchsorted", "sequence_mask", "shape",
    "sigmoid", "sign", "sin", "size", "slice", "sort", "sqrt", "square", "squeeze", "stack",
    "stop_gradient", "strided_slice", "subtract", "switch_case", "tanh", "tensor_scatter_nd_update",
    "tensordot", "tile", "timestamp", "transpose", "truediv", "unique", "vectorized_map", "where",
    "while_loop", "zeros", "zeros_like", "ensure_shape", "bitcast", "complex", "dynamic_partition",
    "dynamic_stitch", "histogram_fixed_width", "meshgrid", "realdiv", "tensor_scatter_nd_add",
    "unravel_index", "truncatediv", "floordiv", "floormod", "guarantee_const", NULL,
};


/* TensorFlow functions that return tuples or lists of tensors (unpacking
 * their result is fine), or whose result structure depends on arguments. */
static const char *const kinds__multi_output[] = {
    "tensorflow.math.top_k", "tensorflow.nn.top_k", "tensorflow.nn.moments", "tensorflow.nn.weighted_moments",
    "tensorflow.unstack", "tensorflow.split", "tensorflow.meshgrid", "tensorflow.unique",
    "tensorflow.unique_with_counts", "tensorflow.linalg.eigh", "tensorflow.linalg.eig", "tensorflow.linalg.svd",
    "tensorflow.linalg.qr", "tensorflow.linalg.lu", "tensorflow.image.sample_distorted_bounding_box",
    "tensorflow.image.stateless_sample_distorted_bounding_box", "tensorflow.clip_by_global_norm",
    "tensorflow.while_loop", "tensorflow.py_function", "tensorflow.numpy_function", "tensorflow.map_fn",
    "tensorflow.scan", "tensorflow.switch_case", "tensorflow.cond", "tensorflow.dynamic_partition",
    "tensorflow.math.unsorted_segment_max", "tensorflow.nn.ctc_beam_search_decoder",
    "tensorflow.nn.ctc_greedy_decoder", "tensorflow.strings.split", "tensorflow.io.parse_single_example",
    "tensorflow.io.parse_example", "tensorflow.image.combined_non_max_suppression", "tensorflow.vectorized_map",
    "tensorflow.nn.fractional_max_pool", "tensorflow.math.segment_max", "tensorflow.linalg.slogdet",
    "tensorflow.nn.max_pool_with_argmax", "tensorflow.nn.sufficient_statistics", "tensorflow.audio.decode_wav",
    "tensorflow.image.non_max_suppression_padded", "tensorflow.image.non_max_suppression_with_scores",
    "tensorflow.strings.unicode_decode_with_offsets", "tensorflow.strings.unicode_split_with_offsets",
    "tensorflow.nn.compute_accidental_hits", "tensorflow.nn.ctc_unique_labels", "tensorflow.nn.fractional_avg_pool",
    "tensorflow.nn.fixed_unigram_candidate_sampler", "tensorflow.nn.learned_unigram_candidate_sampler",
    "tensorflow.nn.log_uniform_candidate_sampler", "tensorflow.nn.uniform_candidate_sampler",
    "tensorflow.random.fixed_unigram_candidate_sampler", "tensorflow.random.learned_unigram_candidate_sampler",
    "tensorflow.random.log_uniform_candidate_sampler", "tensorflow.random.uniform_candidate_sampler",
    "tensorflow.random.all_candidate_sampler", "tensorflow.experimental.numpy.meshgrid",
    "tensorflow.experimental.numpy.split", "tensorflow.experimental.numpy.array_split",
    "tensorflow.experimental.numpy.hsplit", "tensorflow.experimental.numpy.vsplit",
    "tensorflow.experimental.numpy.dsplit", "tensorflow.experimental.numpy.nonzero",
    "tensorflow.experimental.numpy.broadcast_arrays", "tensorflow.experimental.numpy.tril_indices",
    "tensorflow.experimental.numpy.triu_indices", "tensorflow.experimental.numpy.diag_indices",
    "tensorflow.experimental.numpy.where", "tensorflow.experimental.numpy.atleast_1d",
    "tensorflow.experimental.numpy.atleast_2d", "tensorflow.experimental.numpy.atleast_3d", NULL,
};

/* keras.ops functions that return one tensor on the TensorFlow backend.
 * Those returning tuples (top_k, split, unstack, shape, moments, fft, svd,
 * one-argument where/nonzero), Python values (ndim, is_tensor, dtype) or
 * NumPy (convert_to_numpy), and the control-flow ones, are left out. */
static const char *const kinds__keras_tensor_ops[] = {
    "abs", "absolute", "add", "all", "any", "arange", "argmax", "argmin", "argsort", "broadcast_to",
    "cast", "ceil", "clip", "concatenate", "convert_to_tensor", "cos", "cumprod", "cumsum", "divide",
    "dot", "einsum", "equal", "erf", "exp", "expand_dims", "eye", "floor", "full", "full_like",
    "gelu", "greater", "greater_equal", "isfinite", "isinf", "isnan", "less", "less_equal", "log",
    "log1p", "log_softmax", "logical_and", "logical_not", "logical_or", "logsumexp", "matmul", "max",
    "maximum", "mean", "min", "minimum", "mod", "multiply", "negative", "norm", "not_equal", "one_hot",
    "ones", "ones_like", "pad", "power", "prod", "relu", "repeat", "reshape", "round", "rsqrt",
    "sigmoid", "sign", "sin", "softmax", "softplus", "sort", "sqrt", "square", "squeeze", "stack",
    "std", "stop_gradient", "subtract", "sum", "take", "take_along_axis", "tanh", "tensordot", "tile",
    "transpose", "tril", "triu", "true_divide", "var", "zeros", "zeros_like", NULL,
};

/* keras.ops.* and keras.random.* results. Keras 3 runs these as TF ops on
 * the TensorFlow backend, so they are tensors like their tf.* twins. */
static AnKind kinds__keras_ops(const char *d) {
  if (kinds__pre(d, "keras.random")) {
    static const char *const draws[] = {"normal", "uniform", "randint", "truncated_normal", "dropout",
                                        "shuffle", "categorical", "gamma", "beta", "binomial", NULL};
    return kinds__in(strrchr(d, '.') + 1, draws) ? AN_KIND_TENSOR : AN_KIND_UNKNOWN;
  }
  if (!kinds__pre(d, "keras.ops")) return AN_KIND_UNKNOWN;
  const char *rest = d + strlen("keras.ops");
  if (*rest != '.') return AN_KIND_UNKNOWN;
  rest++;
  /* ops.numpy.mean, ops.nn.relu, ops.math.logsumexp are the same functions. */
  const char *last = strrchr(rest, '.');
  if (last) {
    size_t ns = (size_t)(last - rest);
    if (!((ns == 5 && strncmp(rest, "numpy", 5) == 0) || (ns == 2 && strncmp(rest, "nn", 2) == 0) ||
          (ns == 4 && strncmp(rest, "math", 4) == 0)))
      return AN_KIND_UNKNOWN;
    rest = last + 1;
  }
  return kinds__in(rest, kinds__keras_tensor_ops) ? AN_KIND_TENSOR : AN_KIND_UNKNOWN;
}

/* Keras optimizers, losses and metrics (also under their tf.* aliases):
 * a class builds a Keras object, which a tf.function receives by identity
 * like a model; the loss and metric functions return tensors. Other
 * functions there (get, serialize, deserialize) return neither. */
static AnKind kinds__keras_objects(const char *d) {
  static const char *const spaces[] = {"keras.optimizers", "keras.losses", "keras.metrics",
                                       "tensorflow.optimizers", "tensorflow.losses", "tensorflow.metrics", NULL};
  for (int i = 0; spaces[i]; i++) {
    if (!kinds__pre(d, spaces[i])) continue;
    if (strlen(d) == strlen(spaces[i])) return AN_KIND_UNKNOWN;
    const char *last = strrchr(d, '.') + 1;
    if (last[0] >= 'A' && last[0] <= 'Z') return AN_KIND_KERAS;
    if (strstr(spaces[i], "optimizers") || strcmp(last, "get") == 0 || strcmp(last, "serialize") == 0 ||
        strcmp(last, "deserialize") == 0 || strchr(d + strlen(spaces[i]) + 1, '.'))
      return AN_KIND_UNKNOWN;
    return AN_KIND_TENSOR;
  }
  return AN_KIND_UNKNOWN;
}

AnKind an_api_kind(const char *d) {
  if (!d) return AN_KIND_UNKNOWN;
  if (kinds__in(d, kinds__multi_output)) return AN_KIND_UNKNOWN;
  if (strcmp(d, "tensorflow.Variable") == 0) return AN_KIND_VARIABLE;
  AnKind keras_object = kinds__keras_objects(d);
  if (keras_object != AN_KIND_UNKNOWN) return keras_object;
  if (kinds__pre(d, "keras.ops") || kinds__pre(d, "keras.random")) return kinds__keras_ops(d);
  if (kinds__pre(d, "keras.Input") || kinds__pre(d, "keras.layers.Input")) return AN_KIND_TENSOR;
  if (kinds__pre(d, "keras.layers") || kinds__pre(d, "keras.Model") || kinds__pre(d, "keras.Sequential") ||
      kinds__pre(d, "keras.models") || kinds__pre(d, "keras.applications"))
    return AN_KIND_KERAS;
  if (kinds__pre(d, "tensorflow.data")) {
    if (strstr(d, "AUTOTUNE") || strstr(d, "Options") || strstr(d, "experimental.service"))
      return AN_KIND_UNKNOWN;
    return AN_KIND_DATASET;
  }
  if (kinds__pre(d, "tensorflow.random")) {
    if (kinds__pre(d, "tensorflow.random.set_seed") || kinds__pre(d, "tensorflow.random.Generator") ||
        kinds__pre(d, "tensorflow.random.get_global_generator") ||
        kinds__pre(d, "tensorflow.random.set_global_generator"))
      return AN_KIND_UNKNOWN;
    return AN_KIND_TENSOR;
  }
  static const char *const tensor_ns[] = {
      "tensorflow.math", "tensorflow.nn", "tensorflow.linalg", "tensorflow.image", "tensorflow.signal",
      "tensorflow.strings", "tensorflow.sparse", "tensorflow.bitwise", "tensorflow.experimental.numpy",
      "tensorflow.io.decode_image", "tensorflow.io.decode_jpeg", "tensorflow.io.decode_png",
      "tensorflow.io.parse_single_example", "tensorflow.io.parse_example", "tensorflow.io.read_file",
      "tensorflow.io.decode_raw", "tensorflow.audio", "tensorflow.dtypes.cast", "tensorflow.ragged",
      NULL,
  };
  for (int i = 0; tensor_ns[i]; i++)
    if (kinds__pre(d, tensor_ns[i])) return AN_KIND_TENSOR;
  if (strncmp(d, "tensorflow.", 11) == 0 && !strchr(d + 11, '.') && kinds__in(d + 11, kinds__tf_tensor_ops))
    return AN_KIND_TENSOR;
  if (kinds__pre(d, "numpy")) {
    if (kinds__pre(d, "numpy.random.seed") || kinds__pre(d, "numpy.random.default_rng") ||
        kinds__pre(d, "numpy.random.RandomState") || kinds__pre(d, "numpy.random.Generator"))
      return AN_KIND_UNKNOWN;
    return AN_KIND_NUMPY;
  }
  static const char *const py_numbers[] = {"time.time", "time.perf_counter", "time.monotonic", "time.time_ns",
                                           "time.process_time", "random.random", "random.uniform", "random.randint",
                                           "random.gauss", "math.sqrt", "math.log", "math.exp", "math.ceil",
                                           "math.floor", NULL};
  if (kinds__in(d, py_numbers)) return AN_KIND_PY_SCALAR;
  if (strncmp(d, "builtins.", 9) == 0) {
    const char *b = d + 9;
    static const char *const scalar[] = {"len", "int", "float", "round", "abs", "bool", "sum", "max",
                                         "min", "isinstance", "hasattr", NULL};
    static const char *const container[] = {"list", "tuple", "dict", "set", "sorted", "range",
                                            "zip", "enumerate", "map", "filter", "reversed", NULL};
    if (kinds__in(b, scalar)) return AN_KIND_PY_SCALAR;
    if (strcmp(b, "str") == 0 || strcmp(b, "repr") == 0) return AN_KIND_PY_STR;
    if (kinds__in(b, container)) return AN_KIND_PY_CONTAINER;
  }
  return AN_KIND_UNKNOWN;
}

static AnKind kinds__expr(AnModel *m, TSNode e, int func, int depth);

/* Kind from an annotation such as `tf.Tensor`, `int`, `np.ndarray`. */
static AnKind kinds__annotation(AnModel *m, TSNode type, int func) {
  if (ts_node_is_null(type)) return AN_KIND_UNKNOWN;
  TSNode t = type;
  if (an_sym(m->lang, t) == AN_SYM_type && ts_node_named_child_count(t)) t = ts_node_named_child(t, 0);
  AnSym s = an_sym(m->lang, t);
  if (s == AN_SYM_identifier) {
    if (an_text_eq(m->src, t, "int") || an_text_eq(m->src, t, "float") || an_text_eq(m->src, t, "bool"))
      return AN_KIND_PY_SCALAR;
    if (an_text_eq(m->src, t, "str")) return AN_KIND_PY_STR;
    if (an_text_eq(m->src, t, "list") || an_text_eq(m->src, t, "dict") || an_text_eq(m->src, t, "tuple"))
      return AN_KIND_PY_CONTAINER;
  }
  const char *d = an_dotted(m, t, func);
  if (!d) return AN_KIND_UNKNOWN;
  if (strcmp(d, "tensorflow.Tensor") == 0 || strcmp(d, "tensorflow.types.experimental.TensorLike") == 0)
    return AN_KIND_TENSOR;
  if (strcmp(d, "tensorflow.Variable") == 0) return AN_KIND_VARIABLE;
  if (kinds__pre(d, "tensorflow.data.Dataset")) return AN_KIND_DATASET;
  if (strcmp(d, "numpy.ndarray") == 0) return AN_KIND_NUMPY;
  return AN_KIND_UNKNOWN;
}

static AnKind kinds__unpacked(AnModel *m, TSNode value, int pos, int func, int depth);
static AnKind kinds__loaded(AnModel *m, TSNode call, int pos, int func);

/* The join of the elements' kinds of a literal list or tuple a loop walks
 * (`for lr in [1e-3, 1e-4]`), or of their items at `pos` when the target
 * unpacks them; unknown for an empty display or a starred element. */
static AnKind kinds__display_element(AnModel *m, TSNode display, int pos, int func, int depth) {
  const AnLang *l = m->lang;
  uint32_t n = ts_node_named_child_count(display);
  AnKind acc = AN_KIND_UNKNOWN;
  bool first = true;
  for (uint32_t i = 0; i < n; i++) {
    TSNode e = ts_node_named_child(display, i);
    AnSym es = an_sym(l, e);
    if (es == AN_SYM_comment) continue;
    if (es == AN_SYM_list_splat) return AN_KIND_UNKNOWN;
    AnKind k = pos < 0 ? kinds__expr(m, e, func, depth + 1) : kinds__unpacked(m, e, pos, func, depth + 1);
    acc = first ? k : an_kind_join(acc, k);
    first = false;
  }
  return acc;
}

/* The element kind of iterating `iter` (a for target), at tuple position pos. */
static AnKind kinds__element(AnModel *m, TSNode iter, int pos, int func, int depth) {
  const AnLang *l = m->lang;
  iter = an_unparen(l, iter);
  if (an_sym(l, iter) == AN_SYM_call) {
    const char *d = an_dotted(m, an_field(l, iter, AN_FIELD_function), func);
    if (d && strcmp(d, "builtins.range") == 0) {
      AnKind k = AN_KIND_PY_SCALAR;
      for (uint32_t i = 0; i < an_call_argc(l, iter); i++)
        if (an_kind_is_tensor(kinds__expr(m, an_call_arg(l, iter, i), func, depth + 1))) k = AN_KIND_TENSOR;
      return k;
    }
    if (d && strcmp(d, "builtins.enumerate") == 0) {
      if (pos == 0) return AN_KIND_PY_SCALAR;
      if (pos == 1) return kinds__element(m, an_call_arg(l, iter, 0), -1, func, depth + 1);
      return AN_KIND_UNKNOWN;
    }
    /* reversed() yields the elements of its sequence: `for t in
     * reversed(range(T))`, a diffusion sampler's timesteps, are ints. */
    if (d && strcmp(d, "builtins.reversed") == 0 && an_call_argc(l, iter) == 1)
      return kinds__element(m, an_call_arg(l, iter, 0), pos, func, depth + 1);
    if (d && strcmp(d, "builtins.zip") == 0) {
      if (pos < 0) return AN_KIND_UNKNOWN;
      return kinds__element(m, an_call_arg(l, iter, (uint32_t)pos), -1, func, depth + 1);
    }
  }
  AnSym is = an_sym(l, iter);
  if (is == AN_SYM_list || is == AN_SYM_tuple) return kinds__display_element(m, iter, pos, func, depth);
  /* `for lr in LEARNING_RATES:` over a module constant that nothing
   * rebinds or mutates walks exactly the elements of its literal. */
  if (is == AN_SYM_identifier) {
    TSNode v = an_constant_value(m, iter, func);
    AnSym vs = an_sym(l, v);
    if (vs == AN_SYM_list || vs == AN_SYM_tuple) return kinds__display_element(m, v, pos, AN_SCOPE_MODULE, depth);
  }
  AnKind k = kinds__expr(m, iter, func, depth + 1);
  if (k == AN_KIND_DATASET || an_kind_is_tensor(k)) return AN_KIND_TENSOR;
  return AN_KIND_UNKNOWN;
}

/* Kind of element `pos` of `value`: a tuple/list literal's element, or the
 * join of that element over the tuples a local function returns. */
static AnKind kinds__unpacked(AnModel *m, TSNode value, int pos, int func, int depth) {
  const AnLang *l = m->lang;
  value = an_unparen(l, value);
  AnSym s = an_sym(l, value);
  if (s == AN_SYM_tuple || s == AN_SYM_list || s == AN_SYM_expression_list) {
    if ((uint32_t)pos >= ts_node_named_child_count(value)) return AN_KIND_UNKNOWN;
    return kinds__expr(m, ts_node_named_child(value, (uint32_t)pos), func, depth + 1);
  }
  /* `n, m = x.shape` (or `x.shape.as_list()`): static dimensions. */
  TSNode shape = value;
  if (s == AN_SYM_call) {
    TSNode fn = an_field(l, value, AN_FIELD_function);
    if (an_sym(l, fn) == AN_SYM_attribute && an_text_eq(m->src, an_field(l, fn, AN_FIELD_attribute), "as_list"))
      shape = an_unparen(l, an_field(l, fn, AN_FIELD_object));
  }
  if (an_sym(l, shape) == AN_SYM_attribute && an_text_eq(m->src, an_field(l, shape, AN_FIELD_attribute), "shape"))
    return AN_KIND_PY_SCALAR; /* a dimension: an int or None, whatever has the shape */
  if (s != AN_SYM_call) return AN_KIND_UNKNOWN;
  AnKind loaded = kinds__loaded(m, value, pos, func);
  if (loaded != AN_KIND_UNKNOWN) return loaded;
  int callee = an_resolve_function(m, an_field(l, value, AN_FIELD_function), func);
  if (callee < 0 || !m->site_offsets || depth > KINDS_MAX_DEPTH / 2) return AN_KIND_UNKNOWN;
  bool first = true;
  AnKind acc = AN_KIND_UNKNOWN;
  AN_FOR_SITES_OF(m, callee, site) {
    if (site->kind != AN_SITE_RETURN || !ts_node_named_child_count(site->node)) continue;
    AnKind k = kinds__unpacked(m, ts_node_named_child(site->node, 0), pos, callee, depth + 2);
    acc = first ? k : an_kind_join(acc, k);
    first = false;
  }
  return acc;
}

/* The join of what a local function returns (memoised). */
static AnKind kinds__returns(AnModel *m, int f, int depth) {
  AnFunc *fn = AN_FUNC(m, f);
  if (fn->ret_state == 2) return fn->ret_kind;
  if (fn->ret_state == 1 || !m->site_offsets || fn->is_generator) return AN_KIND_UNKNOWN;
  fn->ret_state = 1;
  bool first = true;
  AnKind acc = AN_KIND_UNKNOWN;
  if (fn->is_lambda) {
    acc = kinds__expr(m, an_field(m->lang, fn->node, AN_FIELD_body), f, depth + 1);
    first = false;
  }
  AN_FOR_SITES_OF(m, f, site) {
    if (site->kind != AN_SITE_RETURN) continue;
    AnKind k = ts_node_named_child_count(site->node) ? kinds__expr(m, ts_node_named_child(site->node, 0), f, depth + 1)
                                                     : AN_KIND_UNKNOWN;
    acc = first ? k : an_kind_join(acc, k);
    first = false;
  }
  fn = AN_FUNC(m, f);
  fn->ret_kind = acc;
  fn->ret_state = 2;
  return acc;
}

static AnKind kinds__binding(AnModel *m, int index, int depth) {
  AnBinding *b = &AN_VEC_AT(m->bindings, AnBinding, index);
  if (b->state == 2) return b->kind;
  if (b->state == 1 || ts_node_is_null(b->value)) return AN_KIND_UNKNOWN;
  b->state = 1;
  int func = b->scope >= 0 ? b->scope : -1;
  AnKind k;
  if (b->from_for)
    k = kinds__element(m, b->value, b->pos, func, depth);
  else if (b->from_unpack)
    k = kinds__unpacked(m, b->value, b->pos, func, depth);
  else if (an_sym(m->lang, b->value) == AN_SYM_augmented_assignment)
    k = kinds__expr(m, an_field(m->lang, b->value, AN_FIELD_right), func, depth + 1);
  else
    k = kinds__expr(m, b->value, func, depth + 1);
  b = &AN_VEC_AT(m->bindings, AnBinding, index);
  b->kind = k;
  b->state = 2;
  return k;
}

/* The binding a use inside the body of `for name in X:` sees when nothing
 * else in that loop rebinds the name: each iteration starts by binding the
 * target, so earlier loops reusing the name (`for s in SIZES:` then `for s
 * in range(n):`) cannot reach the use. -1 when no such loop encloses it. */
static int kinds__loop_target(AnModel *m, int first, uint32_t use) {
  int best = -1;
  for (int k = first; k >= 0; k = AN_VEC_AT(m->bindings, AnBinding, k).next) {
    AnBinding *b = &AN_VEC_AT(m->bindings, AnBinding, k);
    if (!b->from_for || !b->loop_end || ts_node_is_null(b->value)) continue;
    if (use < b->body_start || use >= b->loop_end) continue;
    if (best < 0 || b->at > AN_VEC_AT(m->bindings, AnBinding, best).at) best = k;
  }
  if (best < 0) return -1;
  /* The target is the loop's first binding of the name: any other inside
   * the statement (from its header on) may be what reaches the use. */
  const AnBinding *t = &AN_VEC_AT(m->bindings, AnBinding, best);
  for (int k = first; k >= 0; k = AN_VEC_AT(m->bindings, AnBinding, k).next) {
    uint32_t at = AN_VEC_AT(m->bindings, AnBinding, k).at;
    if (k != best && at >= t->at && at < t->loop_end) return -1;
  }
  return best;
}

/* Join of the bindings of `name` in `scope` made before `use` (or all of
 * them when none precedes it, as in a loop). Returns false when there are
 * no bindings at all. */
static bool kinds__scope_name(AnModel *m, int scope, const char *name, uint32_t len, uint32_t use,
                              int depth, AnKind *out) {
  int b = an_hash_get(&m->binding_map, scope, name, len);
  if (b < 0) return false;
  int target = kinds__loop_target(m, b, use);
  if (target >= 0) {
    *out = kinds__binding(m, target, depth);
    return true;
  }
  bool any_before = false;
  for (int k = b; k >= 0; k = AN_VEC_AT(m->bindings, AnBinding, k).next)
    if (AN_VEC_AT(m->bindings, AnBinding, k).at < use) any_before = true;
  bool first = true;
  AnKind acc = AN_KIND_UNKNOWN;
  for (int k = b; k >= 0; k = AN_VEC_AT(m->bindings, AnBinding, k).next) {
    if (any_before && AN_VEC_AT(m->bindings, AnBinding, k).at >= use) continue;
    AnKind bk = kinds__binding(m, k, depth);
    acc = first ? bk : an_kind_join(acc, bk);
    first = false;
  }
  *out = acc;
  return true;
}

/* True when scope `scope` binds `name` before byte `use`. */
static bool kinds__bound_before(AnModel *m, int scope, const char *name, uint32_t len, uint32_t use) {
  for (int k = an_hash_get(&m->binding_map, scope, name, len); k >= 0; k = AN_VEC_AT(m->bindings, AnBinding, k).next)
    if (AN_VEC_AT(m->bindings, AnBinding, k).at < use) return true;
  return false;
}

/* A loop around `id` (within `scope`) binds `name`: its next iteration
 * brings that binding back to the use. */
static bool kinds__rebound_in_loop(AnModel *m, TSNode id, int scope, const char *name, uint32_t len) {
  TSNode stop = scope >= 0 ? AN_FUNC(m, scope)->node : m->root;
  for (TSNode p = ts_node_parent(id); !ts_node_is_null(p) && !ts_node_eq(p, stop); p = ts_node_parent(p)) {
    AnSym s = an_sym(m->lang, p);
    if (s != AN_SYM_for_statement && s != AN_SYM_while_statement) continue;
    uint32_t lo = ts_node_start_byte(p), hi = ts_node_end_byte(p);
    for (int k = an_hash_get(&m->binding_map, scope, name, len); k >= 0; k = AN_VEC_AT(m->bindings, AnBinding, k).next)
      if (AN_VEC_AT(m->bindings, AnBinding, k).at >= lo && AN_VEC_AT(m->bindings, AnBinding, k).at <= hi) return true;
  }
  return false;
}

/* What identifier `id` names from `func` outwards: a binding of a function
 * scope (true, its kind in *bound), or a parameter (true, *param set), the
 * nearer one winning; false when neither, for the module scope to answer. */
static bool kinds__local_name(AnModel *m, TSNode id, int func, int depth, AnKind *bound, const AnParam **param) {
  uint32_t len;
  const char *t = an_text(m->src, id, &len);
  uint32_t use = ts_node_start_byte(id);
  *param = NULL;
  for (int f = func; f >= 0; f = AN_FUNC(m, f)->parent) {
    AnFunc *fn = AN_FUNC(m, f);
    const AnParam *pa = NULL;
    for (uint32_t i = 0; i < fn->param_count && !pa; i++)
      if (strlen(fn->params[i].name) == len && memcmp(fn->params[i].name, t, len) == 0) pa = &fn->params[i];
    if (kinds__scope_name(m, f, t, len, use, depth, bound)) {
      /* A parameter the function rebinds only after this use (`while x >
       * 0: x = x - 1`): the use first sees the argument, and the bindings,
       * which reach it only around the loop, read the use itself, a cycle
       * that leaves them unknown. The argument's kind is then the answer.
       * A closure's read runs later, after any binding. A Python value is
       * the argument only on the first iteration when the loop rebinds it:
       * AutoGraph makes it a tensor loop variable in a TensorFlow loop
       * (`for e in tf.range(3): ... range(steps) ... steps = steps - 1`
       * is a tf.range). A tensor stays a tensor either way. */
      if (*bound == AN_KIND_UNKNOWN && pa && f == func && !kinds__bound_before(m, f, t, len, use) &&
          (an_kind_is_tensor(pa->kind) || !kinds__rebound_in_loop(m, id, f, t, len)))
        *param = pa;
      return true;
    }
    if (pa) {
      *param = pa;
      return true;
    }
  }
  return false;
}

static AnKind kinds__identifier(AnModel *m, TSNode id, int func, int depth) {
  AnKind k;
  const AnParam *param;
  if (kinds__local_name(m, id, func, depth, &k, &param)) return param ? param->kind : k;
  uint32_t len;
  const char *t = an_text(m->src, id, &len);
  uint32_t use = ts_node_start_byte(id);
  if (kinds__scope_name(m, AN_SCOPE_MODULE, t, len, func >= 0 ? UINT32_MAX : use, depth, &k)) return k;
  return AN_KIND_UNKNOWN;
}

/* --- input_signature nests ------------------------------------------------ */

/* Kind of the value an input_signature entry describes: a TensorSpec (or
 * ragged/sparse spec) gives a tensor, a literal list/tuple/dict of specs
 * gives that Python structure (`tf.nest` packs the arguments back into it),
 * and another spec (an ExtensionType's `Spec`) an object we do not model.
 * An entry we cannot read stays a tensor, as most signatures are flat. */
static AnKind kinds__spec_kind(AnModel *m, TSNode spec, int func) {
  const AnLang *l = m->lang;
  spec = an_unparen(l, spec);
  switch (an_sym(l, spec)) {
  case AN_SYM_list:
  case AN_SYM_tuple:
  case AN_SYM_dictionary:
    return AN_KIND_PY_CONTAINER;
  case AN_SYM_call: {
    const char *d = an_dotted(m, an_field(l, spec, AN_FIELD_function), func);
    if (!d) return AN_KIND_UNKNOWN;
    return strstr(d, "TensorSpec") || strstr(d, "type_spec_from_value") ? AN_KIND_TENSOR : AN_KIND_UNKNOWN;
  }
  default:
    return AN_KIND_TENSOR;
  }
}

/* The characters inside a plain string literal (no f-string parts). */
static const char *kinds__str_body(AnModel *m, TSNode s, uint32_t *len) {
  const AnLang *l = m->lang;
  if (an_sym(l, s) != AN_SYM_string) return NULL;
  const char *body = NULL;
  uint32_t n = ts_node_named_child_count(s);
  *len = 0;
  for (uint32_t i = 0; i < n; i++) {
    TSNode ch = ts_node_named_child(s, i);
    AnSym cs = an_sym(l, ch);
    if (cs == AN_SYM_interpolation) return NULL;
    if (cs == AN_SYM_string_content) {
      if (body) return NULL;
      body = an_text(m->src, ch, len);
    }
  }
  return body ? body : (n == 0 || *len == 0 ? "" : NULL);
}

/* The entry of a literal spec nest that `key` (a string or integer
 * literal) selects; null when the key or the nest is not literal. */
static TSNode kinds__spec_entry(AnModel *m, TSNode nest, TSNode key) {
  const AnLang *l = m->lang;
  TSNode none = {0};
  nest = an_unparen(l, nest);
  key = an_unparen(l, key);
  AnSym ns = an_sym(l, nest);
  uint32_t n = ts_node_named_child_count(nest);
  if (ns == AN_SYM_dictionary) {
    uint32_t klen, plen;
    const char *k = kinds__str_body(m, key, &klen);
    if (!k) return none;
    for (uint32_t i = 0; i < n; i++) {
      TSNode pair = ts_node_named_child(nest, i);
      if (an_sym(l, pair) != AN_SYM_pair) continue;
      const char *p = kinds__str_body(m, an_field(l, pair, AN_FIELD_key), &plen);
      if (p && plen == klen && memcmp(p, k, klen) == 0) return an_field(l, pair, AN_FIELD_value);
    }
    return none;
  }
  if ((ns != AN_SYM_list && ns != AN_SYM_tuple) || an_sym(l, key) != AN_SYM_integer) return none;
  uint32_t tlen;
  const char *t = an_text(m->src, key, &tlen);
  if (tlen == 0 || tlen > 6) return none;
  uint32_t want = 0;
  for (uint32_t i = 0; i < tlen; i++) {
    if (t[i] < '0' || t[i] > '9') return none;
    want = want * 10 + (uint32_t)(t[i] - '0');
  }
  for (uint32_t i = 0, at = 0; i < n; i++) {
    TSNode ch = ts_node_named_child(nest, i);
    AnSym cs = an_sym(l, ch);
    if (cs == AN_SYM_comment) continue;
    if (cs == AN_SYM_list_splat) return none;
    if (at++ == want) return ch;
  }
  return none;
}

/* The input_signature entry of the parameter `id` names, unless a local
 * binding of the name shadows it. */
static TSNode kinds__param_spec(AnModel *m, TSNode id, int func, int depth) {
  AnKind k;
  const AnParam *param;
  if (kinds__local_name(m, id, func, depth + 1, &k, &param) && param) return param->spec;
  return (TSNode){0};
}

/* `features["image"]`, `batch[0]["ids"]`: the spec an input_signature
 * declares for a subscript of a signature-typed parameter. True with
 * `*out` set when the subscript is resolved that way. */
static bool kinds__spec_of(AnModel *m, TSNode e, int func, int depth, TSNode *out) {
  const AnLang *l = m->lang;
  e = an_unparen(l, e);
  if (depth > 16) return false;
  if (an_sym(l, e) == AN_SYM_identifier) {
    *out = kinds__param_spec(m, e, func, depth);
    return !ts_node_is_null(*out);
  }
  if (an_sym(l, e) != AN_SYM_subscript) return false;
  TSNode nest;
  if (!kinds__spec_of(m, an_field(l, e, AN_FIELD_value), func, depth + 1, &nest)) return false;
  AnSym ns = an_sym(l, an_unparen(l, nest));
  if (ns != AN_SYM_list && ns != AN_SYM_tuple && ns != AN_SYM_dictionary) return false;
  TSNode key = an_field(l, e, AN_FIELD_subscript);
  if (ts_node_is_null(key) || ts_node_named_child_count(e) != 2) return false;
  *out = kinds__spec_entry(m, nest, key);
  return !ts_node_is_null(*out);
}

static AnKind kinds__attr_binding(AnModel *m, int index, int depth) {
  AnAttrBinding *a = &AN_VEC_AT(m->attrs, AnAttrBinding, index);
  if (a->state == 2) return a->kind;
  if (a->state == 1 || ts_node_is_null(a->value)) return AN_KIND_UNKNOWN;
  a->state = 1;
  TSNode v = a->value;
  int func = a->func;
  AnKind k;
  if (an_sym(m->lang, v) == AN_SYM_augmented_assignment)
    k = kinds__expr(m, an_field(m->lang, v, AN_FIELD_right), func, depth + 1);
  else
    k = kinds__expr(m, v, func, depth + 1);
  a = &AN_VEC_AT(m->attrs, AnAttrBinding, index);
  a->kind = k;
  a->state = 2;
  return k;
}

int an_self_attr_binding(AnModel *m, TSNode attr, int func) {
  int cls = -1;
  for (int f = func; f >= 0 && cls < 0; f = AN_FUNC(m, f)->parent) cls = AN_FUNC(m, f)->cls;
  if (cls < 0) return -1;
  uint32_t len;
  const char *t = an_text(m->src, attr, &len);
  return an_hash_get(&m->attr_map, cls, t, len);
}

/* Kind of `self.attr`: the join over every `self.attr = value` of the class. */
static AnKind kinds__self_attr(AnModel *m, TSNode attr_node, int func, int depth) {
  int a = an_self_attr_binding(m, attr_node, func);
  if (a < 0) return AN_KIND_UNKNOWN;
  bool first = true;
  AnKind acc = AN_KIND_UNKNOWN;
  for (int k = a; k >= 0; k = AN_VEC_AT(m->attrs, AnAttrBinding, k).next) {
    AnKind bk = kinds__attr_binding(m, k, depth);
    acc = first ? bk : an_kind_join(acc, bk);
    first = false;
  }
  return acc;
}

/* tf.data transformations that return a dataset. */
static const char *const kinds__ds_methods[] = {
    "map", "filter", "batch", "padded_batch", "shuffle", "prefetch", "repeat", "take", "skip",
    "cache", "unbatch", "flat_map", "interleave", "concatenate", "enumerate", "apply",
    "with_options", "shard", "rebatch", "window", "ragged_batch", "bucket_by_sequence_length",
    "zip", "take_while", "scan", "group_by_window", "unique", "rejection_resample", "sample_from_datasets",
    "sparse_batch", "assert_cardinality", NULL};

static AnKind kinds__method_result(AnModel *m, AnKind obj, const char *method) {
  if (an_kind_is_tensor(obj)) {
    if (strcmp(method, "numpy") == 0) return AN_KIND_NUMPY;
    static const char *const tensor_methods[] = {"assign", "assign_add", "assign_sub", "read_value",
                                                 "value", "__getitem__", NULL};
    if (kinds__in(method, tensor_methods)) return AN_KIND_TENSOR;
    if (strcmp(method, "get_shape") == 0) return AN_KIND_PY_CONTAINER;
    return AN_KIND_UNKNOWN;
  }
  if (obj == AN_KIND_DATASET) {
    if (kinds__in(method, kinds__ds_methods)) return AN_KIND_DATASET;
    if (strcmp(method, "cardinality") == 0 || strcmp(method, "reduce") == 0) return AN_KIND_TENSOR;
    return AN_KIND_UNKNOWN;
  }
  if (obj == AN_KIND_NUMPY) return AN_KIND_NUMPY;
  if (obj == AN_KIND_KERAS) {
    if (strcmp(method, "predict") == 0 || strcmp(method, "predict_on_batch") == 0) return AN_KIND_NUMPY;
    /* Metric.result(); no Layer or Model has one. */
    if (strcmp(method, "result") == 0) return AN_KIND_TENSOR;
    return AN_KIND_UNKNOWN;
  }
  return AN_KIND_UNKNOWN;
}

/* True when `id` is the `self` of a method of a Keras Layer/Model subclass
 * of this module. */
static bool kinds__keras_self(AnModel *m, TSNode id, int func) {
  if (func < 0 || an_sym(m->lang, id) != AN_SYM_identifier) return false;
  const AnFunc *f = AN_FUNC(m, func);
  return f->cls >= 0 && AN_CLASS(m, f->cls)->keras && f->param_count && f->params[0].is_self &&
         an_text_eq(m->src, id, f->params[0].name);
}

/* Keras Model methods that compute the loss as a tensor. */
static bool kinds__keras_loss_method(const char *name) {
  return strcmp(name, "compiled_loss") == 0 || strcmp(name, "compute_loss") == 0;
}

static bool kinds__is_namedtuple_factory(const char *d) {
  return d && (strcmp(d, "collections.namedtuple") == 0 || strcmp(d, "typing.NamedTuple") == 0);
}

bool an_namedtuple_type(AnModel *m, TSNode callee, int func) {
  const AnLang *l = m->lang;
  TSNode fn = an_unparen(l, callee);
  if (an_sym(l, fn) != AN_SYM_identifier) return false;
  uint32_t len;
  const char *t = an_text(m->src, fn, &len);
  for (int f = func; f >= 0; f = AN_FUNC(m, f)->parent)
    if (an_hash_get(&m->binding_map, f, t, len) >= 0 || an_hash_get(&m->class_map, f, t, len) >= 0) return false;
  for (int b = an_hash_get(&m->binding_map, AN_SCOPE_MODULE, t, len); b >= 0;
       b = AN_VEC_AT(m->bindings, AnBinding, b).next) {
    TSNode v = an_unparen(l, AN_VEC_AT(m->bindings, AnBinding, b).value);
    if (an_sym(l, v) == AN_SYM_call && kinds__is_namedtuple_factory(an_dotted(m, an_field(l, v, AN_FIELD_function), -1)))
      return true;
  }
  int cls = an_hash_get(&m->class_map, AN_SCOPE_MODULE, t, len);
  TSNode bases = cls >= 0 ? AN_CLASS(m, cls)->superclasses : (TSNode){{0}, NULL, NULL};
  uint32_t n = ts_node_is_null(bases) ? 0 : ts_node_named_child_count(bases);
  for (uint32_t i = 0; i < n; i++)
    if (kinds__is_namedtuple_factory(an_dotted(m, ts_node_named_child(bases, i), -1))) return true;
  return false;
}

/* True for a call of something that builds a Python object rather than a
 * tensor: a class of this module, or a namedtuple type. */
static bool kinds__builds_object(AnModel *m, TSNode e, int func) {
  const AnLang *l = m->lang;
  if (an_sym(l, e) != AN_SYM_call) return false;
  return an_constructed_class(m, e) >= 0 || an_namedtuple_type(m, an_field(l, e, AN_FIELD_function), func);
}

/* True when function `f` returns a structure on some path: a tuple, list or
 * dict display, a value of container kind, the result of a TensorFlow op
 * with several outputs, or an object (namedtuple, class instance). Keras
 * returns whatever `call` returns, so unpacking it is then fine. */
static bool kinds__returns_structure_of(AnModel *m, int f, int depth);

/* Memoised per function like kinds__returns: `call` may call `self(...)`
 * again, and every nested call would otherwise ask anew. */
static bool kinds__returns_structure(AnModel *m, int f, int depth) {
  AnFunc *fn = AN_FUNC(m, f);
  if (fn->struct_state == 2) return fn->ret_structure;
  if (fn->struct_state == 1 || !m->site_offsets) return false;
  fn->struct_state = 1;
  bool r = kinds__returns_structure_of(m, f, depth);
  fn = AN_FUNC(m, f);
  fn->ret_structure = r;
  fn->struct_state = 2;
  return r;
}

/* True when `e` calls a Keras object whose result we cannot read as one
 * tensor (a `return_state` RNN, attention returning its scores, a
 * functional model): that call may give a tuple, list or dict, and so may
 * a `call` returning it. A name counts when one of its bindings in `f` is
 * such a call. */
static bool kinds__keras_call_maybe_structure(AnModel *m, TSNode e, int f, int depth) {
  const AnLang *l = m->lang;
  e = an_unparen(l, e);
  if (an_sym(l, e) == AN_SYM_identifier) {
    uint32_t len;
    const char *t = an_text(m->src, e, &len);
    for (int b = an_hash_get(&m->binding_map, f, t, len); b >= 0; b = AN_VEC_AT(m->bindings, AnBinding, b).next) {
      const AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, b);
      TSNode v = bd->value;
      if (!bd->from_for && !bd->from_unpack && !ts_node_is_null(v) && an_sym(l, an_unparen(l, v)) == AN_SYM_call &&
          kinds__keras_call_maybe_structure(m, v, f, depth + 1))
        return true;
    }
    return false;
  }
  if (an_sym(l, e) != AN_SYM_call) return false;
  TSNode fn = an_unparen(l, an_field(l, e, AN_FIELD_function));
  if (kinds__expr(m, fn, f, depth + 1) != AN_KIND_KERAS && !kinds__keras_self(m, fn, f)) return false;
  return kinds__expr(m, e, f, depth + 1) == AN_KIND_UNKNOWN;
}

static bool kinds__returns_structure_of(AnModel *m, int f, int depth) {
  const AnLang *l = m->lang;
  if (depth > KINDS_MAX_DEPTH) return true;
  AN_FOR_SITES_OF(m, f, site) {
    if (site->kind != AN_SITE_RETURN || !ts_node_named_child_count(site->node)) continue;
    TSNode e = an_unparen(l, ts_node_named_child(site->node, 0));
    switch (an_sym(l, e)) {
    case AN_SYM_tuple:
    case AN_SYM_expression_list:
    case AN_SYM_list:
    case AN_SYM_dictionary:
    case AN_SYM_list_comprehension:
    case AN_SYM_dictionary_comprehension:
      return true;
    default:
      break;
    }
    if (an_sym(l, e) == AN_SYM_call) {
      const char *d = an_dotted(m, an_field(l, e, AN_FIELD_function), f);
      if (d && kinds__in(d, kinds__multi_output)) return true;
      if (!d && kinds__builds_object(m, e, f)) return true;
    }
    AnKind k = kinds__expr(m, e, f, depth + 1);
    if (k == AN_KIND_PY_CONTAINER || k == AN_KIND_MIXED) return true;
    if (k == AN_KIND_UNKNOWN && kinds__keras_call_maybe_structure(m, e, f, depth + 1)) return true;
  }
  return false;
}

/* What calling a function or class of another workspace module gives: the
 * return kind its summary exports, a Keras object for a Keras class. */
static AnKind kinds__workspace_call(AnModel *m, const char *d) {
  if (!m->index || kinds__pre(d, "tensorflow") || kinds__pre(d, "keras") || kinds__pre(d, "numpy") ||
      kinds__pre(d, "builtins"))
    return AN_KIND_UNKNOWN;
  const AnIndexFunction *x = an_index_lookup(m->index, m->path, d);
  if (x) return strcmp(x->path, m->path) != 0 ? x->ret_kind : AN_KIND_UNKNOWN;
  return an_index_keras_class(m->index, m->path, d) ? AN_KIND_KERAS : AN_KIND_UNKNOWN;
}

/* True when a call passes `**kwargs`, which may hold any keyword. */
static bool kinds__dict_splat(AnModel *m, TSNode call) {
  TSNode args = an_field(m->lang, call, AN_FIELD_arguments);
  uint32_t n = ts_node_is_null(args) ? 0 : ts_node_named_child_count(args);
  for (uint32_t i = 0; i < n; i++)
    if (an_sym(m->lang, ts_node_named_child(args, i)) == AN_SYM_dictionary_splat) return true;
  return false;
}

/* Keras layers whose call may not give one tensor: RNN cells return
 * `(output, states)`; `RNN`, `Bidirectional` and `TimeDistributed` return
 * what the layer they wrap returns (`return_state` may sit on that inner
 * layer); `Lambda` returns what its function returns and `Identity` the
 * structure it is given; `TFSMLayer` returns what the SavedModel endpoint
 * returns (a dict for serving signatures); Keras 3's `JaxLayer`/`FlaxLayer`
 * what the wrapped function returns and `Pipeline` what its last layer
 * returns; the base `Layer` returns its inputs in tf.keras 2 (Keras 3 has
 * no `call` there); `Input` is a placeholder, not a layer to call. */
static bool kinds__multi_output_layer(const char *d) {
  static const char *const wrappers[] = {"RNN",       "Bidirectional", "TimeDistributed", "Lambda",   "Identity",
                                         "TFSMLayer", "JaxLayer",      "FlaxLayer",       "Pipeline", "Layer",
                                         "Input",     NULL};
  const char *last = strrchr(d, '.');
  last = last ? last + 1 : d;
  size_t n = strlen(last);
  if ((n >= 4 && strcmp(last + n - 4, "Cell") == 0) || (n >= 5 && strcmp(last + n - 5, "Cells") == 0)) return true;
  return kinds__in(last, wrappers);
}

static bool kinds__single_output_at(AnModel *m, TSNode obj, int func, int depth);
static int kinds__param_for_pos(const AnFunc *f, uint32_t pos, bool bound_self);

/* A Sequential model returns what its last layer returns (tf.keras 2 only
 * checks for one output when it knows the input shape; deferred models and
 * Keras 3 pass a tuple through), so its last listed layer must qualify. */
static bool kinds__single_output_sequential(AnModel *m, TSNode ctor, int func, int depth) {
  const AnLang *l = m->lang;
  TSNode list = an_call_kwarg(l, m->src, ctor, "layers");
  if (ts_node_is_null(list) && an_call_argc(l, ctor)) list = an_call_arg(l, ctor, 0);
  if (ts_node_is_null(list)) return !kinds__dict_splat(m, ctor);
  list = an_unparen(l, list);
  AnSym s = an_sym(l, list);
  if (s != AN_SYM_list && s != AN_SYM_tuple) return false;
  uint32_t n = ts_node_named_child_count(list);
  return n == 0 || kinds__single_output_at(m, ts_node_named_child(list, n - 1), func, depth + 1);
}

/* True when `ctor` builds a Keras object whose call returns one tensor:
 * a built-in layer class (without `return_state`, which makes RNN layers
 * return a list, nor `**kwargs`, which may hold it), a Sequential model
 * ending in such a layer, an application, a loss or a metric. A
 * functional `Model(inputs, outputs)` returns the structure of `outputs`,
 * a user subclass whatever its `call` returns and `layers.deserialize` a
 * layer of any class, so none qualifies. */
static bool kinds__single_output_ctor(AnModel *m, TSNode ctor, int func, int depth) {
  if (depth > KINDS_MAX_DEPTH / 2 || an_sym(m->lang, ctor) != AN_SYM_call) return false;
  const char *d = an_dotted(m, an_field(m->lang, ctor, AN_FIELD_function), func);
  if (!d) return false;
  if (kinds__pre(d, "keras.Sequential") || kinds__pre(d, "keras.models.Sequential"))
    return kinds__single_output_sequential(m, ctor, func, depth);
  if (kinds__pre(d, "keras.layers")) {
    const char *last = strrchr(d, '.') + 1;
    return last[0] >= 'A' && last[0] <= 'Z' && !kinds__multi_output_layer(d) && !kinds__dict_splat(m, ctor) &&
           ts_node_is_null(an_call_kwarg(m->lang, m->src, ctor, "return_state"));
  }
  return kinds__pre(d, "keras.applications") || kinds__pre(d, "keras.losses") || kinds__pre(d, "keras.metrics");
}

/* The argument a call of function `f` passes for its parameter `p` (by
 * keyword or position), else the parameter's default; null when `*args`
 * or `**kwargs` may carry it. */
static TSNode kinds__param_argument(AnModel *m, const AnCall *c, int f, uint32_t p) {
  const AnLang *l = m->lang;
  const AnFunc *fn = AN_FUNC(m, f);
  TSNode none = {{0}, NULL, NULL}, args = an_field(l, c->node, AN_FIELD_arguments);
  uint32_t n = ts_node_is_null(args) ? 0 : ts_node_named_child_count(args);
  for (uint32_t i = 0; i < n; i++) {
    AnSym s = an_sym(l, ts_node_named_child(args, i));
    if (s == AN_SYM_list_splat || s == AN_SYM_dictionary_splat) return none;
  }
  TSNode arg = an_call_kwarg(l, m->src, c->node, fn->params[p].name);
  if (!ts_node_is_null(arg)) return arg;
  bool bound = an_callee_binds_self(m, c->fn, fn);
  for (uint32_t k = 0; k < an_call_argc(l, c->node); k++)
    if (kinds__param_for_pos(fn, k, bound) == (int)p) return an_call_arg(l, c->node, k);
  return fn->params[p].default_value;
}

/* Whether parameter `p` of function `f` holds a single-output Keras
 * object: a call of `f` we see passes one, and every other passes one too
 * or `None` (for the body to fill in, which the caller checks). */
static bool kinds__single_output_callers(AnModel *m, int f, uint32_t p, int depth) {
  bool seen = false;
  for (uint32_t i = 0; i < m->calls.count; i++) {
    const AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (c->callee != f) continue;
    TSNode arg = an_unparen(m->lang, kinds__param_argument(m, c, f, p));
    if (ts_node_is_null(arg)) return false;
    if (an_sym(m->lang, arg) == AN_SYM_none) continue;
    if (!kinds__single_output_at(m, arg, c->ctx.func, depth + 1)) return false;
    seen = true;
  }
  return seen;
}

/* Memoised per parameter: functions forwarding a layer to one another,
 * each called from several places, would otherwise be walked once per
 * path up the callers, exponential in the depth bound. A parameter met
 * again while computing sits on a cycle of forwards, which never reaches
 * a constructor: no. The depth bound only turns answers into no, so a yes
 * holds at any depth and a no at the depth it was found or deeper. */
static bool kinds__single_output_param(AnModel *m, int f, uint32_t p, int depth) {
  AnParam *pa = &AN_FUNC(m, f)->params[p];
  if (depth > KINDS_MAX_DEPTH / 2 || pa->star || pa->dstar || pa->is_self) return false;
  if (pa->single_state == 1 || pa->single_state == 2) return pa->single_state == 2;
  if (pa->single_state == 3 && depth >= pa->single_depth) return false;
  pa->single_state = 1;
  bool r = kinds__single_output_callers(m, f, p, depth);
  pa->single_state = r ? 2 : 3;
  pa->single_depth = (uint8_t)depth;
  return r;
}

/* Whether the Keras object `obj` (a constructor call, a name or
 * `self.attr`) may be taken to return one tensor: every assignment we see
 * builds a single-output object. A parameter may receive any layer or
 * model (an RNN with `return_state`, a functional model with several
 * outputs), so it qualifies only when the calls of its function we see
 * pass single-output objects; a name we see no assignment of, or an
 * assignment from a functional model or a factory function, does not. */
static bool kinds__single_output_at(AnModel *m, TSNode obj, int func, int depth) {
  const AnLang *l = m->lang;
  obj = an_unparen(l, obj);
  AnSym s = an_sym(l, obj);
  if (s == AN_SYM_call) return kinds__single_output_ctor(m, obj, func, depth);
  int first = -1;
  bool attr = false;
  if (s == AN_SYM_identifier) {
    uint32_t len;
    const char *t = an_text(m->src, obj, &len);
    for (int f = func; f >= 0; f = AN_FUNC(m, f)->parent) {
      AnFunc *fn = AN_FUNC(m, f);
      first = an_hash_get(&m->binding_map, f, t, len);
      for (uint32_t i = 0; i < fn->param_count; i++)
        if (strlen(fn->params[i].name) == len && memcmp(fn->params[i].name, t, len) == 0) {
          if (!kinds__single_output_param(m, f, i, depth)) return false;
          if (first < 0) return true;
        }
      if (first >= 0) break;
    }
    if (first < 0) first = an_hash_get(&m->binding_map, AN_SCOPE_MODULE, t, len);
  } else if (s == AN_SYM_attribute) {
    TSNode o = an_field(l, obj, AN_FIELD_object), a = an_field(l, obj, AN_FIELD_attribute);
    if (ts_node_is_null(o) || ts_node_is_null(a) || !an_text_eq(m->src, an_unparen(l, o), "self")) return true;
    first = an_self_attr_binding(m, a, func);
    attr = true;
  }
  if (first < 0) return false;
  for (int k = first; k >= 0;) {
    TSNode v;
    int scope;
    if (attr) {
      AnAttrBinding *b = &AN_VEC_AT(m->attrs, AnAttrBinding, k);
      v = b->value, scope = b->func, k = b->next;
    } else {
      AnBinding *b = &AN_VEC_AT(m->bindings, AnBinding, k);
      if (b->from_for || b->from_unpack) return false;
      v = b->value, scope = b->scope >= 0 ? b->scope : -1, k = b->next;
    }
    if (ts_node_is_null(v) || !kinds__single_output_ctor(m, v, scope, depth)) return false;
  }
  return true;
}

/* --- datasets from loaders and tf.data-only calls ------------------------- */

/* A split naming one dataset: a string ("train", "train[:80%]",
 * "train+test", an f-string) or `tfds.Split.TRAIN`. A variable may hold a
 * list of splits, which loads one dataset per split. */
static bool kinds__one_split(AnModel *m, TSNode split, int func) {
  split = an_unparen(m->lang, split);
  AnSym s = an_sym(m->lang, split);
  if (s == AN_SYM_string || s == AN_SYM_concatenated_string) return true;
  const char *d = an_dotted(m, split, func);
  return d && kinds__pre(d, "tensorflow_datasets.Split") && strlen(d) > strlen("tensorflow_datasets.Split");
}

/* How many splits a literal list or tuple of single splits names; 0 for
 * anything else. */
static uint32_t kinds__split_list(AnModel *m, TSNode split, int func) {
  split = an_unparen(m->lang, split);
  AnSym s = an_sym(m->lang, split);
  if (s != AN_SYM_list && s != AN_SYM_tuple) return 0;
  uint32_t n = ts_node_named_child_count(split), k = 0;
  for (uint32_t i = 0; i < n; i++) {
    TSNode e = ts_node_named_child(split, i);
    if (an_sym(m->lang, e) == AN_SYM_comment) continue;
    if (!kinds__one_split(m, e, func)) return 0;
    k++;
  }
  return k;
}

/* What a TFDS loader (`tfds.load`, `builder.as_dataset`) gives for
 * `split`: one tf.data.Dataset for one split, a tuple `(ds, info)` with
 * `with_info=True`, one dataset per split for a list of splits. The whole
 * result (pos < 0) or its element `pos` when unpacked. `batch_size=-1`
 * loads the split as tensors instead, so only a positive literal batch
 * size is taken. */
static AnKind kinds__tfds_result(AnModel *m, TSNode call, TSNode split, int pos, int func) {
  if (ts_node_is_null(split) || kinds__dict_splat(m, call)) return AN_KIND_UNKNOWN;
  TSNode batch = an_call_kwarg(m->lang, m->src, call, "batch_size");
  if (!ts_node_is_null(batch)) {
    uint32_t len;
    batch = an_unparen(m->lang, batch);
    const char *t = an_text(m->src, batch, &len);
    if (an_sym(m->lang, batch) != AN_SYM_integer || (len == 1 && t[0] == '0')) return AN_KIND_UNKNOWN;
  }
  int info = an_call_bool_kwarg(m->lang, m->src, call, "with_info");
  if (info == 2) return AN_KIND_UNKNOWN;
  info = info == 1;
  if (kinds__one_split(m, split, func)) return pos == (info ? 0 : -1) ? AN_KIND_DATASET : AN_KIND_UNKNOWN;
  uint32_t n = info ? 0 : kinds__split_list(m, split, func);
  return pos >= 0 && (uint32_t)pos < n ? AN_KIND_DATASET : AN_KIND_UNKNOWN;
}

/* Keras's `*_dataset_from_*` utilities build a tf.data.Dataset (Keras 3
 * too, whatever the backend); `subset="both"` returns the training and
 * validation datasets as a pair. Keras 3.10 added `format=`: "grain"
 * gives a Grain dataset, whose map runs Python, so a format other than a
 * literal "tf" is not taken. */
static AnKind kinds__keras_loader(AnModel *m, TSNode call, const char *d, int pos) {
  static const char *const loaders[] = {"image_dataset_from_directory", "text_dataset_from_directory",
                                        "audio_dataset_from_directory", "timeseries_dataset_from_array", NULL};
  const char *space = kinds__pre(d, "keras.utils")           ? "keras.utils"
                      : kinds__pre(d, "keras.preprocessing") ? "keras.preprocessing"
                                                             : NULL;
  if (!space || d[strlen(space)] != '.' || !kinds__in(d + strlen(space) + 1, loaders) || kinds__dict_splat(m, call))
    return AN_KIND_UNKNOWN;
  uint32_t len = 2;
  TSNode format = an_call_kwarg(m->lang, m->src, call, "format");
  const char *v = ts_node_is_null(format) ? "tf" : kinds__str_body(m, an_unparen(m->lang, format), &len);
  if (!v || len != 2 || memcmp(v, "tf", 2) != 0) return AN_KIND_UNKNOWN;
  TSNode subset = an_call_kwarg(m->lang, m->src, call, "subset");
  if (ts_node_is_null(subset)) return pos < 0 ? AN_KIND_DATASET : AN_KIND_UNKNOWN;
  v = kinds__str_body(m, an_unparen(m->lang, subset), &len);
  if (!v) return AN_KIND_UNKNOWN;
  if (len == 4 && memcmp(v, "both", 4) == 0) return pos == 0 || pos == 1 ? AN_KIND_DATASET : AN_KIND_UNKNOWN;
  return pos < 0 ? AN_KIND_DATASET : AN_KIND_UNKNOWN;
}

/* True when `obj` is a TFDS dataset builder: `tfds.builder(...)` (or
 * `builder_from_directory`), directly or through a name bound once to it. */
static bool kinds__tfds_builder(AnModel *m, TSNode obj, int func) {
  const AnLang *l = m->lang;
  obj = an_unparen(l, obj);
  if (an_sym(l, obj) == AN_SYM_identifier) {
    int scope;
    TSNode v = an_single_value(m, obj, func, &scope);
    if (ts_node_is_null(v)) return false;
    obj = an_unparen(l, v);
    func = scope >= 0 ? scope : -1;
  }
  if (an_sym(l, obj) != AN_SYM_call) return false;
  const char *d = an_dotted(m, an_field(l, obj, AN_FIELD_function), func);
  return d && (strcmp(d, "tensorflow_datasets.builder") == 0 ||
               strcmp(d, "tensorflow_datasets.builder_from_directory") == 0);
}

/* The kind a dataset loader call gives (pos < 0), or its element `pos`
 * when its result is unpacked; unknown for any other call. */
static AnKind kinds__loaded(AnModel *m, TSNode call, int pos, int func) {
  const AnLang *l = m->lang;
  TSNode fn = an_field(l, call, AN_FIELD_function);
  const char *d = an_dotted(m, fn, func);
  if (d && strcmp(d, "tensorflow_datasets.load") == 0)
    return kinds__tfds_result(m, call, an_call_kwarg(l, m->src, call, "split"), pos, func);
  if (d) return kinds__keras_loader(m, call, d, pos);
  if (an_sym(l, fn) != AN_SYM_attribute || !an_text_eq(m->src, an_field(l, fn, AN_FIELD_attribute), "as_dataset") ||
      !kinds__tfds_builder(m, an_field(l, fn, AN_FIELD_object), func))
    return AN_KIND_UNKNOWN;
  TSNode split = an_call_kwarg(l, m->src, call, "split");
  return kinds__tfds_result(m, call, ts_node_is_null(split) ? an_call_arg(l, call, 0) : split, pos, func);
}

/* `tf.data.AUTOTUNE` (or the experimental spelling), directly or through
 * a name bound once to it (`AUTOTUNE = tf.data.AUTOTUNE`). */
static bool kinds__autotune(AnModel *m, TSNode e, int func) {
  e = an_unparen(m->lang, e);
  const char *d = an_dotted(m, e, func);
  if (!d && an_sym(m->lang, e) == AN_SYM_identifier) {
    int scope;
    TSNode v = an_single_value(m, e, func, &scope);
    if (!ts_node_is_null(v)) d = an_dotted(m, v, scope >= 0 ? scope : -1);
  }
  return d && (strcmp(d, "tensorflow.data.AUTOTUNE") == 0 || strcmp(d, "tensorflow.data.experimental.AUTOTUNE") == 0);
}

/* True for a call of tf.data transformation `method` that only tf.data
 * has: a method no other pipeline library has (`padded_batch`), a keyword
 * only tf.data takes (`num_parallel_calls`, `deterministic`,
 * `reshuffle_each_iteration`, ...), or tf.data.AUTOTUNE as an argument.
 * `map`, `filter`, `batch`, `shuffle`, `take`, `skip`, `repeat`, `cache`,
 * `prefetch` and `unbatch` alone are not enough: Hugging Face datasets
 * (`ds.shuffle(seed=0).map(f)`), Grain, torchdata DataPipes, WebDataset,
 * PySpark RDDs and pandas have methods of those names that run Python. */
static bool kinds__tf_data_call(AnModel *m, TSNode call, const char *method, int func) {
  static const char *const only[] = {"padded_batch", "ragged_batch", "sparse_batch", "bucket_by_sequence_length",
                                     "rebatch", "group_by_window", "rejection_resample", "assert_cardinality", NULL};
  static const char *const keywords[] = {"num_parallel_calls", "deterministic", "reshuffle_each_iteration",
                                         "cycle_length", "block_length", "padded_shapes", "padding_values", NULL};
  const AnLang *l = m->lang;
  if (!kinds__in(method, kinds__ds_methods)) return false;
  if (kinds__in(method, only)) return true;
  TSNode args = an_field(l, call, AN_FIELD_arguments);
  uint32_t n = ts_node_is_null(args) ? 0 : ts_node_named_child_count(args);
  for (uint32_t i = 0; i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    if (an_sym(l, a) == AN_SYM_keyword_argument) {
      TSNode name = an_field(l, a, AN_FIELD_name);
      for (int k = 0; keywords[k]; k++)
        if (an_text_eq(m->src, name, keywords[k])) return true;
      a = an_field(l, a, AN_FIELD_value);
    }
    if (kinds__autotune(m, a, func)) return true;
  }
  return false;
}

/* The call whose receiver is call `i` itself (`x.map(f)` in
 * `x.map(f).padded_batch(8)`), -1 when none. Calls are recorded in
 * document order, outer before inner, and nothing lies between a call and
 * its receiver but the attribute: that call is the one recorded just
 * before (a scan further back made long chains quadratic). */
static int kinds__outer_call(AnModel *m, uint32_t i) {
  if (!i) return -1;
  const AnCall *c = &AN_VEC_AT(m->calls, AnCall, i), *o = &AN_VEC_AT(m->calls, AnCall, i - 1);
  return !ts_node_is_null(o->object) && ts_node_eq(an_unparen(m->lang, o->object), c->node) ? (int)i - 1 : -1;
}

bool an_data_receiver(AnModel *m, uint32_t i) {
  const AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
  if (!c->method || ts_node_is_null(c->object)) return false;
  if (an_kind_of(m, c->object, c->ctx.func) == AN_KIND_DATASET) return true;
  /* Of a receiver of unknown kind, a tf.data-only call proves it a dataset,
   * and so does one later in its chain: the links between return datasets,
   * which only a dataset's transformations do. */
  for (int hop = 0; hop < KINDS_MAX_DEPTH; hop++) {
    if (kinds__tf_data_call(m, c->node, c->method, c->ctx.func)) return true;
    if (!kinds__in(c->method, kinds__ds_methods)) return false;
    int outer = kinds__outer_call(m, i);
    if (outer < 0) return false;
    i = (uint32_t)outer;
    c = &AN_VEC_AT(m->calls, AnCall, i);
    if (!c->method) return false;
  }
  return false;
}

static AnKind kinds__call(AnModel *m, TSNode call, int func, int depth) {
  const AnLang *l = m->lang;
  AnCall *rec = an_call_record(m, call);
  TSNode fn = rec ? rec->fn : an_field(l, call, AN_FIELD_function);
  const char *d = rec && rec->ctx.func == func ? an_call_dotted(m, rec) : an_dotted(m, fn, func);
  if (d) {
    AnKind k = an_api_kind(d);
    if (k == AN_KIND_UNKNOWN) k = kinds__loaded(m, call, -1, func);
    if (k == AN_KIND_UNKNOWN) return kinds__workspace_call(m, d);
    /* In eager code `int(x)`, `float(x)` and `len(x)` are Python numbers
     * whatever x is (a NumPy scalar, an eager tensor). */
    if (k == AN_KIND_PY_SCALAR && !an_in_graph(m, func) &&
        (strcmp(d, "builtins.int") == 0 || strcmp(d, "builtins.float") == 0 || strcmp(d, "builtins.len") == 0))
      return k;
    if (k == AN_KIND_PY_SCALAR && strncmp(d, "builtins.", 9) == 0) {
      /* `int(t)`, `len(t)`, `max(a, b)` on tensors are tensors under AutoGraph. */
      for (uint32_t i = 0; i < an_call_argc(l, call); i++) {
        AnKind ak = kinds__expr(m, an_call_arg(l, call, i), func, depth + 1);
        if (ak != AN_KIND_PY_SCALAR && ak != AN_KIND_PY_STR && ak != AN_KIND_PY_CONTAINER)
          return AN_KIND_UNKNOWN;
      }
    }
    return k;
  }
  /* `self.dense(x)` calls the layer stored in the attribute, not a method
   * named `dense`: the Keras call below applies. */
  if (an_sym(l, fn) == AN_SYM_attribute && kinds__expr(m, fn, func, depth + 1) != AN_KIND_KERAS) {
    TSNode obj = an_field(l, fn, AN_FIELD_object), attr = an_field(l, fn, AN_FIELD_attribute);
    if (ts_node_is_null(obj) || ts_node_is_null(attr)) return AN_KIND_UNKNOWN;
    AnKind ok = kinds__expr(m, obj, func, depth + 1);
    uint32_t len;
    const char *t = an_text(m->src, attr, &len);
    char name[64];
    if (len >= sizeof name) return AN_KIND_UNKNOWN;
    memcpy(name, t, len);
    name[len] = '\0';
    if (kinds__keras_self(m, an_unparen(l, obj), func) && kinds__keras_loss_method(name)) return AN_KIND_TENSOR;
    AnKind k = kinds__method_result(m, ok, name);
    if (k != AN_KIND_UNKNOWN || ok != AN_KIND_UNKNOWN) return k;
    k = kinds__loaded(m, call, -1, func);
    if (k == AN_KIND_UNKNOWN && kinds__tf_data_call(m, call, name, func)) k = AN_KIND_DATASET;
    return k;
  }
  /* Calling a Keras layer or model gives what its `call` returns: a tensor,
   * unless a `call` of this module returns a tuple, dict or other object.
   * Without a `call` to read, only objects built as single-output ones
   * count (a functional or imported model may return a list or dict). */
  if (kinds__expr(m, fn, func, depth + 1) == AN_KIND_KERAS || kinds__keras_self(m, an_unparen(l, fn), func)) {
    int cm = an_instance_call_method(m, fn, func);
    if (cm >= 0) return kinds__returns_structure(m, cm, depth) ? AN_KIND_UNKNOWN : AN_KIND_TENSOR;
    /* `**kwargs` may carry `return_attention_scores` too. */
    if (!ts_node_is_null(an_call_kwarg(l, m->src, call, "return_attention_scores")) || kinds__dict_splat(m, call))
      return AN_KIND_UNKNOWN;
    return kinds__single_output_at(m, fn, func, 0) ? AN_KIND_TENSOR : AN_KIND_UNKNOWN;
  }
  /* An instance of a Keras Layer/Model subclass of this module. */
  int cls = an_constructed_class(m, call);
  if (cls >= 0 && AN_CLASS(m, cls)->keras) return AN_KIND_KERAS;
  int callee = an_resolve_function(m, fn, func);
  if (callee >= 0) return kinds__returns(m, callee, depth);
  return AN_KIND_UNKNOWN;
}

static AnKind kinds__binary(AnModel *m, TSNode e, int func, int depth) {
  const AnLang *l = m->lang;
  AnKind a = kinds__expr(m, an_field(l, e, AN_FIELD_left), func, depth + 1);
  AnKind b = kinds__expr(m, an_field(l, e, AN_FIELD_right), func, depth + 1);
  if (an_kind_is_tensor(a) || an_kind_is_tensor(b)) return AN_KIND_TENSOR;
  if (a == AN_KIND_NUMPY || b == AN_KIND_NUMPY) {
    bool other_ok = a == AN_KIND_NUMPY || a == AN_KIND_PY_SCALAR;
    bool other_ok2 = b == AN_KIND_NUMPY || b == AN_KIND_PY_SCALAR;
    return other_ok && other_ok2 ? AN_KIND_NUMPY : AN_KIND_UNKNOWN;
  }
  if (a == AN_KIND_PY_SCALAR && b == AN_KIND_PY_SCALAR) return AN_KIND_PY_SCALAR;
  if (a == AN_KIND_PY_STR && (b == AN_KIND_PY_STR || b == AN_KIND_PY_SCALAR || b == AN_KIND_PY_CONTAINER))
    return AN_KIND_PY_STR; /* concatenation and %-formatting */
  if (a == AN_KIND_PY_CONTAINER && b == AN_KIND_PY_CONTAINER) return AN_KIND_PY_CONTAINER;
  return AN_KIND_UNKNOWN;
}

/* `a is None`, `a is not b`: identity tests are never overloaded, so they
 * give a Python bool even when an operand is a tensor. */
static bool kinds__identity_compare(AnModel *m, TSNode cmp) {
  bool is = false;
  uint32_t n = ts_node_child_count(cmp);
  for (uint32_t i = 0; i < n; i++) {
    TSNode ch = ts_node_child(cmp, i);
    if (ts_node_is_named(ch)) continue;
    if (an_text_eq(m->src, ch, "is") || an_text_eq(m->src, ch, "is not")) is = true;
    else if (!an_text_eq(m->src, ch, "not")) return false;
  }
  return is;
}

static AnKind kinds__expr(AnModel *m, TSNode e, int func, int depth) {
  const AnLang *l = m->lang;
  if (ts_node_is_null(e) || depth > KINDS_MAX_DEPTH) return AN_KIND_UNKNOWN;
  switch (an_sym(l, e)) {
  case AN_SYM_integer:
  case AN_SYM_float:
  case AN_SYM_true:
  case AN_SYM_false:
    return AN_KIND_PY_SCALAR;
  case AN_SYM_string:
  case AN_SYM_concatenated_string:
    return AN_KIND_PY_STR;
  case AN_SYM_list:
  case AN_SYM_tuple:
  case AN_SYM_dictionary:
  case AN_SYM_set:
  case AN_SYM_list_comprehension:
  case AN_SYM_dictionary_comprehension:
  case AN_SYM_set_comprehension:
    return AN_KIND_PY_CONTAINER;
  case AN_SYM_parenthesized_expression:
    return ts_node_named_child_count(e) == 1 ? kinds__expr(m, ts_node_named_child(e, 0), func, depth + 1)
                                             : AN_KIND_UNKNOWN;
  case AN_SYM_unary_operator:
    return kinds__expr(m, an_field(l, e, AN_FIELD_argument), func, depth + 1);
  case AN_SYM_binary_operator:
    return kinds__binary(m, e, func, depth);
  case AN_SYM_boolean_operator: {
    AnKind a = kinds__expr(m, an_field(l, e, AN_FIELD_left), func, depth + 1);
    AnKind b = kinds__expr(m, an_field(l, e, AN_FIELD_right), func, depth + 1);
    if (an_kind_is_tensor(a) || an_kind_is_tensor(b)) return AN_KIND_TENSOR;
    return a == b ? a : AN_KIND_UNKNOWN;
  }
  case AN_SYM_not_operator: {
    AnKind a = kinds__expr(m, an_field(l, e, AN_FIELD_argument), func, depth + 1);
    return an_kind_is_tensor(a) ? AN_KIND_TENSOR : (a == AN_KIND_PY_SCALAR ? AN_KIND_PY_SCALAR : AN_KIND_UNKNOWN);
  }
  case AN_SYM_comparison_operator: {
    if (kinds__identity_compare(m, e)) return AN_KIND_PY_SCALAR;
    uint32_t n = ts_node_named_child_count(e);
    bool all_python = n > 0;
    for (uint32_t i = 0; i < n; i++) {
      AnKind k = kinds__expr(m, ts_node_named_child(e, i), func, depth + 1);
      if (an_kind_is_tensor(k)) return AN_KIND_TENSOR;
      if (k != AN_KIND_PY_SCALAR && k != AN_KIND_PY_STR) all_python = false;
    }
    return all_python ? AN_KIND_PY_SCALAR : AN_KIND_UNKNOWN;
  }
  case AN_SYM_conditional_expression: {
    uint32_t n = ts_node_named_child_count(e);
    if (n < 3) return AN_KIND_UNKNOWN;
    return an_kind_join(kinds__expr(m, ts_node_named_child(e, 0), func, depth + 1),
                        kinds__expr(m, ts_node_named_child(e, 2), func, depth + 1));
  }
  case AN_SYM_subscript: {
    TSNode spec;
    if (kinds__spec_of(m, e, func, depth, &spec)) return kinds__spec_kind(m, spec, func);
    TSNode v = an_unparen(l, an_field(l, e, AN_FIELD_value));
    if (an_sym(l, v) == AN_SYM_attribute && an_text_eq(m->src, an_field(l, v, AN_FIELD_attribute), "shape"))
      return AN_KIND_PY_SCALAR; /* a static dimension */
    AnKind k = kinds__expr(m, v, func, depth + 1);
    if (an_kind_is_tensor(k)) return AN_KIND_TENSOR;
    if (k == AN_KIND_NUMPY) return AN_KIND_NUMPY;
    return AN_KIND_UNKNOWN;
  }
  case AN_SYM_attribute: {
    TSNode obj = an_field(l, e, AN_FIELD_object), attr = an_field(l, e, AN_FIELD_attribute);
    if (ts_node_is_null(obj) || ts_node_is_null(attr)) return AN_KIND_UNKNOWN;
    if (an_text_eq(m->src, attr, "rank") || an_text_eq(m->src, attr, "ndims")) {
      TSNode inner = an_unparen(l, obj);
      if (an_sym(l, inner) == AN_SYM_attribute && an_text_eq(m->src, an_field(l, inner, AN_FIELD_attribute), "shape"))
        return AN_KIND_PY_SCALAR; /* static rank */
    }
    if (an_text_eq(m->src, attr, "shape")) {
      AnKind k = kinds__expr(m, obj, func, depth + 1);
      return an_kind_is_tensor(k) || k == AN_KIND_NUMPY ? AN_KIND_PY_CONTAINER : AN_KIND_UNKNOWN;
    }
    if (an_sym(l, obj) == AN_SYM_identifier && an_text_eq(m->src, obj, "self"))
      return kinds__self_attr(m, attr, func, depth);
    const char *d = an_dotted(m, e, func);
    if (d && (strcmp(d, "numpy.pi") == 0 || strcmp(d, "numpy.e") == 0)) return AN_KIND_PY_SCALAR;
    return AN_KIND_UNKNOWN;
  }
  case AN_SYM_identifier:
    return kinds__identifier(m, e, func, depth);
  case AN_SYM_call:
    return kinds__call(m, e, func, depth);
  default:
    return AN_KIND_UNKNOWN;
  }
}

AnKind an_kind_of(AnModel *m, TSNode expr, int func) { return kinds__expr(m, expr, func, 0); }

bool an_mutable_container(AnModel *m, TSNode value, int func) {
  const AnLang *l = m->lang;
  value = an_unparen(l, value);
  if (ts_node_is_null(value)) return false;
  switch (an_sym(l, value)) {
  case AN_SYM_list:
  case AN_SYM_dictionary:
  case AN_SYM_set:
  case AN_SYM_list_comprehension:
  case AN_SYM_dictionary_comprehension:
  case AN_SYM_set_comprehension:
    return true;
  case AN_SYM_call: {
    static const char *const types[] = {"builtins.list", "builtins.dict", "builtins.set", "collections.defaultdict",
                                        "collections.OrderedDict", "collections.deque", "collections.Counter", NULL};
    const char *d = an_dotted(m, an_field(l, value, AN_FIELD_function), func);
    return d && kinds__in(d, types);
  }
  default:
    return false;
  }
}

/* --- parameters ---------------------------------------------------------- */

/* Index of the parameter a positional argument binds to (self skipped when
 * the call goes through an instance). */
static int kinds__param_for_pos(const AnFunc *f, uint32_t pos, bool bound_self) {
  uint32_t skip = (f->param_count && f->params[0].is_self && bound_self) ? 1 : 0;
  uint32_t k = 0;
  for (uint32_t i = skip; i < f->param_count; i++) {
    const AnParam *p = &f->params[i];
    if (p->kwonly || p->dstar) break;
    if (p->star) return (int)i;
    if (k++ == pos) return (int)i;
  }
  return -1;
}

/* The `__init__` that constructing module class `cls` runs: its own, or
 * with none, that of its only base when that is a class of this module
 * (with several bases the method resolution order may pick one we cannot
 * see); -1 otherwise. */
static int kinds__init_of(AnModel *m, int cls, int depth) {
  if (cls < 0 || depth > 8) return -1;
  int f = an_hash_get(&m->func_map, AN_SCOPE_CLASS(cls), "__init__", 8);
  if (f >= 0) return f;
  TSNode bases = AN_CLASS(m, cls)->superclasses;
  uint32_t n = ts_node_is_null(bases) ? 0 : ts_node_named_child_count(bases), positional = 0;
  for (uint32_t i = 0; i < n; i++)
    if (an_sym(m->lang, ts_node_named_child(bases, i)) != AN_SYM_keyword_argument) positional++;
  uint32_t at = 0;
  int base = positional == 1 ? an_class_next_base(m, cls, &at) : -1;
  return kinds__init_of(m, base, depth + 1);
}

/* `Trainer(model, opt)` passes its arguments to `Trainer.__init__`. */
static int kinds__constructor_init(AnModel *m, const AnCall *c) {
  int cls = an_constructed_class(m, c->node);
  return cls >= 0 ? kinds__init_of(m, cls, 0) : -1;
}

/* True for a call that constructs an instance of its own method's class
 * without naming it: `cls(...)`, `type(self)(...)`, `self.__class__(...)`. */
static bool kinds__self_construction(AnModel *m, const AnCall *c) {
  if (c->ctx.cls < 0) return false;
  TSNode fn = an_unparen(m->lang, c->fn);
  AnSym s = an_sym(m->lang, fn);
  if (s == AN_SYM_identifier) return an_text_eq(m->src, fn, "cls");
  if (s == AN_SYM_call) {
    TSNode callee = an_field(m->lang, fn, AN_FIELD_function);
    return !ts_node_is_null(callee) && an_text_eq(m->src, callee, "type");
  }
  if (s != AN_SYM_attribute) return false;
  TSNode attr = an_field(m->lang, fn, AN_FIELD_attribute);
  return !ts_node_is_null(attr) && an_text_eq(m->src, attr, "__class__");
}

/* Marks in `marks` every class reachable from the classes already marked,
 * stepping from a class to its bases (`up`) or to its subclasses (the
 * reverse edges `sub_first`/`sub`). Each class enters the worklist `stack`
 * (room for nc) once, so repeated or cyclic bases, which the parser
 * accepts, cost nothing more. */
static void kinds__class_closure(AnModel *m, bool *marks, int *stack, bool up, const uint32_t *sub_first,
                                 const int *sub) {
  uint32_t nc = m->classes.count, top = 0;
  for (uint32_t k = 0; k < nc; k++)
    if (marks[k]) stack[top++] = (int)k;
  while (top) {
    int k = stack[--top];
    uint32_t at = 0, e = up ? 0 : sub_first[k];
    for (;;) {
      int next = up ? an_class_next_base(m, k, &at) : e < sub_first[k + 1] ? sub[e++] : -1;
      if (next < 0) break;
      if (marks[next]) continue;
      marks[next] = true;
      stack[top++] = next;
    }
  }
}

/* Per class of this module: its `__init__` receives arguments we do not
 * see. A subclass of this module has its own `__init__`, which passes
 * them through `super().__init__(...)`; or a method of the class, of a
 * base or of a subclass constructs "its own" class (`cls(...)` in a
 * classmethod), which may be this one. It does not depend on parameter
 * kinds, so the fixpoint computes it once. NULL when out of memory. */
static bool *kinds__reinitialised(AnModel *m) {
  uint32_t nc = m->classes.count;
  bool *marks = an_arena_alloc(&m->arena, sizeof *marks * (nc + 1));
  bool *derived = an_arena_alloc(&m->arena, sizeof *derived * (nc + 1));
  int *stack = an_arena_alloc(&m->arena, sizeof *stack * (nc + 1));
  uint32_t *sub_first = an_arena_alloc(&m->arena, sizeof *sub_first * (nc + 1));
  uint32_t *fill = an_arena_alloc(&m->arena, sizeof *fill * (nc + 1));
  if (!marks || !derived || !stack || !sub_first || !fill) return NULL;
  /* `derived` starts as the factories: classes that construct their own. */
  for (uint32_t i = 0; i < m->calls.count; i++) {
    const AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (kinds__self_construction(m, c)) derived[c->ctx.cls] = true;
  }
  /* The bases, direct and transitive, of every class that passes
   * arguments up: a factory, or a class with its own __init__. Also the
   * reverse edges (base -> subclasses), counted here. */
  for (uint32_t k = 0; k < nc; k++) {
    bool passes = derived[k] || an_hash_get(&m->func_map, AN_SCOPE_CLASS((int)k), "__init__", 8) >= 0;
    uint32_t at = 0;
    for (int base; (base = an_class_next_base(m, (int)k, &at)) >= 0;) {
      sub_first[base + 1]++;
      if (passes) marks[base] = true;
    }
  }
  kinds__class_closure(m, marks, stack, true, NULL, NULL);
  for (uint32_t k = 0; k < nc; k++) {
    sub_first[k + 1] += sub_first[k];
    fill[k] = sub_first[k];
  }
  int *sub = an_arena_alloc(&m->arena, sizeof *sub * (sub_first[nc] + 1));
  if (!sub) return NULL;
  for (uint32_t k = 0; k < nc; k++) {
    uint32_t at = 0;
    for (int base; (base = an_class_next_base(m, (int)k, &at)) >= 0;) sub[fill[base]++] = (int)k;
  }
  /* A factory and every class derived from one. */
  kinds__class_closure(m, derived, stack, false, sub_first, sub);
  for (uint32_t k = 0; k < nc; k++) marks[k] = marks[k] || derived[k];
  return marks;
}

/* True when `__init__` function `f` receives arguments from calls we do
 * not see: in this module (`reinit`, above), or from another module that
 * names its class without constructing it where the index sees (a
 * subclass there, a factory). Its constructor call sites then do not tell
 * what its parameters hold. */
static bool kinds__init_hidden_callers(AnModel *m, int f, const bool *reinit) {
  const AnFunc *fn = AN_FUNC(m, f);
  if (fn->cls < 0 || strcmp(fn->name, "__init__") != 0) return false;
  if (!reinit || reinit[fn->cls]) return true;
  if (!m->index || !an_index_used_elsewhere(m->index, m->module, fn->qualname)) return false;
  for (uint32_t p = 0; p < fn->param_count; p++) {
    uint32_t ext = 0;
    (void)an_index_param_kind(m->index, m->module, fn->qualname, p, fn->params[p].name, &ext);
    if (ext) return false;
  }
  return true;
}

/* Joins the argument kinds of call `c` into the parameters of function
 * `callee`; `bound_self` when the call passes no `self` of its own (a
 * method called through an instance, or a constructor). */
static void kinds__call_site(AnModel *m, AnCall *c, int callee, bool bound_self) {
  const AnLang *l = m->lang;
  AnFunc *f = AN_FUNC(m, callee);
  AnKind *acc = f->scratch_kinds;
  bool *seen = f->scratch_seen;
  TSNode args = an_field(l, c->node, AN_FIELD_arguments);
  if (ts_node_is_null(args) || an_sym(l, args) != AN_SYM_argument_list) return;
  uint32_t n = ts_node_named_child_count(args), pos = 0;
  for (uint32_t i = 0; i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    AnSym s = an_sym(l, a);
    int p = -1;
    TSNode value = a;
    if (s == AN_SYM_list_splat || s == AN_SYM_dictionary_splat) return; /* unknowable binding */
    if (s == AN_SYM_comment) continue;
    if (s == AN_SYM_keyword_argument) {
      TSNode k = an_field(l, a, AN_FIELD_name);
      value = an_field(l, a, AN_FIELD_value);
      for (uint32_t j = 0; j < f->param_count; j++)
        if (!ts_node_is_null(k) && an_text_eq(m->src, k, f->params[j].name)) p = (int)j;
    } else {
      p = kinds__param_for_pos(f, pos++, bound_self);
    }
    if (p < 0 || f->params[p].star || f->params[p].dstar) continue;
    AnKind k = an_kind_of(m, value, c->ctx.func);
    acc[p] = seen[p] ? an_kind_join(acc[p], k) : k;
    seen[p] = true;
    f->params[p].overridden = true;
  }
}

void an_kinds_reset(AnModel *m) {
  for (uint32_t i = 0; i < m->funcs.count; i++) {
    AnFunc *f = AN_FUNC(m, i);
    f->ret_state = f->struct_state = 0;
    for (uint32_t p = 0; p < f->param_count; p++) f->params[p].single_state = 0;
  }
  for (uint32_t i = 0; i < m->bindings.count; i++) AN_VEC_AT(m->bindings, AnBinding, i).state = 0;
  for (uint32_t i = 0; i < m->attrs.count; i++) AN_VEC_AT(m->attrs, AnAttrBinding, i).state = 0;
}

/* What a call site passes its arguments to, the same in every round of
 * the fixpoint: the function (or constructor __init__) and whether `self`
 * is bound already; callee -1 when its arguments count nowhere. */
typedef struct KindsSite {
  int32_t callee;
  bool bound_self;
} KindsSite;

/* The call sites' targets, computed once for all rounds (finding the class
 * a call constructs is most of a round's cost otherwise); NULL when out of
 * memory. */
static KindsSite *kinds__sites(AnModel *m, uint8_t *hidden, const bool *reinit) {
  KindsSite *sites = an_arena_alloc(&m->arena, sizeof *sites * (m->calls.count + 1));
  if (!sites) return NULL;
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    int callee = c->callee >= 0 ? c->callee : kinds__constructor_init(m, c);
    sites[i].callee = -1;
    if (callee < 0 || !AN_FUNC(m, callee)->param_count) continue;
    if (c->callee < 0) {
      if (!hidden[callee]) hidden[callee] = kinds__init_hidden_callers(m, callee, reinit) ? 2 : 1;
      if (hidden[callee] == 2) continue;
    }
    sites[i].callee = callee;
    sites[i].bound_self = c->callee < 0 || an_callee_binds_self(m, c->fn, AN_FUNC(m, callee));
  }
  return sites;
}

/* One join over every call site; returns true when some parameter's kind
 * changed. `hidden`, `reinit` and `sites` are the fixpoint's
 * (an_params_infer). */
static bool kinds__params_round(AnModel *m, uint8_t *hidden, const bool *reinit, const KindsSite *sites) {
  bool changed = false;
  /* Per function: the join of argument kinds over its call sites. */
  uint32_t nf = m->funcs.count;
  for (uint32_t i = 0; i < nf; i++) {
    AnFunc *f = AN_FUNC(m, i);
    for (uint32_t p = 0; p < f->param_count; p++) f->params[p].overridden = false;
    if (f->scratch_kinds) memset(f->scratch_kinds, 0, sizeof *f->scratch_kinds * f->param_count);
    if (f->scratch_seen) memset(f->scratch_seen, 0, sizeof *f->scratch_seen * f->param_count);
  }
  for (uint32_t i = 0; i < m->calls.count; i++)
    if (sites[i].callee >= 0)
      kinds__call_site(m, &AN_VEC_AT(m->calls, AnCall, i), sites[i].callee, sites[i].bound_self);
  for (uint32_t i = 0; i < nf; i++) {
    AnFunc *f = AN_FUNC(m, i);
    TSNode specs[32];
    int sig_len = ts_node_is_null(f->tf.input_signature) ? -1 : an_signature_entries(m, f->tf.input_signature, specs, 32);
    if (!hidden[i]) hidden[i] = kinds__init_hidden_callers(m, (int)i, reinit) ? 2 : 1;
    bool init_hidden = hidden[i] == 2;
    uint32_t spec = 0;
    for (uint32_t p = 0; p < f->param_count; p++) {
      AnParam *pa = &f->params[p];
      if (pa->is_self) continue;
      AnKind k = kinds__annotation(m, pa->annotation, f->parent);
      pa->spec = (TSNode){0};
      if (sig_len >= 0 && !pa->star && !pa->dstar && !pa->kwonly) {
        if ((int)spec < sig_len) {
          if (spec < 32) pa->spec = specs[spec];
          k = spec < 32 ? kinds__spec_kind(m, pa->spec, f->parent) : AN_KIND_TENSOR;
        }
        spec++;
      }
      pa->kind_from_calls = false;
      if (k == AN_KIND_UNKNOWN && f->scratch_seen && f->scratch_seen[p]) {
        k = f->scratch_kinds[p];
        pa->kind_from_calls = true;
      }
      /* No caller overrides the default: the default is the value. */
      if (k == AN_KIND_UNKNOWN && !pa->kind_from_calls && !ts_node_is_null(pa->default_value))
        k = kinds__expr(m, pa->default_value, f->parent, 1);
      if (m->index && !f->is_lambda && !init_hidden) {
        uint32_t ext = 0;
        AnKind ek = an_index_param_kind(m->index, m->module, f->qualname, p, pa->name, &ext);
        if (ext) {
          if (pa->kind_from_calls)
            k = an_kind_join(k, ek);
          else if (k == AN_KIND_UNKNOWN)
            k = ek;
          pa->kind_from_calls = true;
          pa->overridden = true;
        }
      }
      if (pa->kind != k) changed = true;
      pa->kind = k;
    }
  }
  return changed;
}

/* Rounds until nothing changes: each round sees the parameter kinds the
 * previous one found, so a value forwarded through a chain of parameters
 * (loop -> train -> step -> loss) needs one round per link. The bound
 * only guards against joins that never settle. */
#define KINDS_MAX_ROUNDS 8

void an_params_infer(AnModel *m) {
  uint32_t nf = m->funcs.count;
  for (uint32_t i = 0; i < nf; i++) {
    AnFunc *f = AN_FUNC(m, i);
    if (!f->param_count) continue;
    f->scratch_kinds = an_arena_alloc(&m->arena, sizeof *f->scratch_kinds * f->param_count);
    f->scratch_seen = an_arena_alloc(&m->arena, sizeof *f->scratch_seen * f->param_count);
    if (!f->scratch_kinds || !f->scratch_seen) return;
  }
  /* Per __init__: 0 not asked yet, 1 its constructor calls count, 2 not.
   * Neither this nor `reinit` depends on parameter kinds. */
  uint8_t *hidden = an_arena_alloc(&m->arena, nf + 1);
  if (!hidden) return;
  const bool *reinit = kinds__reinitialised(m);
  const KindsSite *sites = kinds__sites(m, hidden, reinit);
  if (!sites) return;
  for (int round = 0; round < KINDS_MAX_ROUNDS; round++) {
    bool changed = kinds__params_round(m, hidden, reinit, sites);
    an_kinds_reset(m);
    if (!changed && round > 0) break;
  }
}

/* --- return kinds other modules read (index.c) ---------------------------- */

static bool kinds__ends(AnModel *m, TSNode block, int depth);

/* True when statement `st` never completes normally: it returns a value,
 * raises, or every branch of it does. Loops count as completing (their
 * body may not run). */
static bool kinds__stops(AnModel *m, TSNode st, int depth) {
  const AnLang *l = m->lang;
  if (depth > KINDS_MAX_DEPTH) return false;
  switch (an_sym(l, st)) {
  case AN_SYM_return_statement:
    return ts_node_named_child_count(st) > 0;
  case AN_SYM_raise_statement:
    return true;
  case AN_SYM_with_statement:
    return kinds__ends(m, an_field(l, st, AN_FIELD_body), depth + 1);
  case AN_SYM_if_statement: {
    if (!kinds__ends(m, an_field(l, st, AN_FIELD_consequence), depth + 1)) return false;
    bool has_else = false;
    for (uint32_t i = 0; i < ts_node_named_child_count(st); i++) {
      TSNode c = ts_node_named_child(st, i);
      AnSym s = an_sym(l, c);
      if (s != AN_SYM_elif_clause && s != AN_SYM_else_clause) continue;
      TSNode body = an_field(l, c, s == AN_SYM_elif_clause ? AN_FIELD_consequence : AN_FIELD_body);
      if (!kinds__ends(m, body, depth + 1)) return false;
      has_else |= s == AN_SYM_else_clause;
    }
    return has_else;
  }
  case AN_SYM_try_statement: {
    /* The body and every handler stop; an `else` or `finally` is not
     * looked into (either may change the outcome). */
    TSNode body = an_field(l, st, AN_FIELD_body);
    if (!kinds__ends(m, body, depth + 1)) return false;
    for (uint32_t i = 0; i < ts_node_named_child_count(st); i++) {
      TSNode c = ts_node_named_child(st, i);
      AnSym s = an_sym(l, c);
      if (ts_node_eq(c, body) || s == AN_SYM_comment) continue;
      if (s != AN_SYM_except_clause) return false;
      uint32_t n = ts_node_named_child_count(c);
      if (!n || !kinds__ends(m, ts_node_named_child(c, n - 1), depth + 1)) return false;
    }
    return true;
  }
  default:
    return false;
  }
}

/* True when the last statement of a block never completes normally. */
static bool kinds__ends(AnModel *m, TSNode block, int depth) {
  if (ts_node_is_null(block) || an_sym(m->lang, block) != AN_SYM_block) return false;
  for (uint32_t i = ts_node_named_child_count(block); i > 0; i--) {
    TSNode st = ts_node_named_child(block, i - 1);
    if (an_sym(m->lang, st) != AN_SYM_comment) return kinds__stops(m, st, depth);
  }
  return false;
}

AnKind an_certain_return_kind(AnModel *m, int f) {
  AnFunc *fn = AN_FUNC(m, f);
  /* A coroutine or generator is what a call gives; a lambda has no name
   * other modules call it by. */
  if (fn->is_lambda || fn->is_generator || fn->is_async) return AN_KIND_UNKNOWN;
  if (!kinds__ends(m, an_field(m->lang, fn->node, AN_FIELD_body), 0)) return AN_KIND_UNKNOWN;
  AnKind k = kinds__returns(m, f, 0);
  return k == AN_KIND_MIXED ? AN_KIND_UNKNOWN : k;
}

bool an_returns_structure(AnModel *m, int f) { return kinds__returns_structure(m, f, 0); }
