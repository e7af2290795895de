/* Performance: HY104 tensors whose shape changes on every iteration of an
 * eager loop, passed to a tf.function that neither relaxes shapes nor has
 * an input_signature. Tensors are traced by dtype and shape, so every new
 * shape is a new trace.
 *
 * The shape must provably change, not merely be unknown:
 *   - a slice of a tensor or array with one bound following a loop counter
 *     (`x[:i]`, `x[i:]`; `x[i:i + 8]` keeps its length and is left out);
 *   - tf.zeros/ones/fill/random.* with a shape, or tf.range with a limit,
 *     following a loop counter;
 *   - a name the loop rebinds only by concatenating onto itself
 *     (`seq = tf.concat([seq, nxt], axis=1)`, np.concatenate too): it
 *     grows every iteration, as in an eager decoding or rollout loop;
 *   - the elements of a dataset batched with padded_batch (no
 *     padded_shapes: each batch is padded to its own longest element) or
 *     bucket_by_sequence_length, also when a local helper builds and
 *     returns that pipeline.
 * A loop counter is the target of `for i in range(...)`, the index of
 * `enumerate`, or a name the loop body increments with `+=`/`-=`. A Python
 * random integer drawn inside the loop (`n = np.random.randint(16, 128)`)
 * counts as one when it has enough values to keep the shapes new. The
 * smaller last batch of `.batch(n)` is one extra trace at most and is not
 * reported (the dataset size is rarely known).
 * Uses the eager tf.function calls HY101-HY103 share (retrace.h).
 */
#include <string.h>

#include "analysis/rules/retrace.h"

#define SHAPES_MAX_DEPTH 6

/* --- loop counters ------------------------------------------------------- */

typedef struct Counters {
  AnModel *m;
  int func;
  const TSNode *loops;
  uint32_t nloops;
  const char *found; /* the counter mentioned */
  bool random;       /* it is a random integer drawn in the loop */
  bool modulo;       /* a `%` bounds the value to a few shapes */
} Counters;

/* Fewer values than this make a few graphs, not a retrace per call (TF
 * warns from five traces on). */
#define SHAPES_RANDOM_VALUES 5

static bool shapes__name_is(AnModel *m, TSNode n, const char *name, uint32_t len) {
  if (an_sym(m->lang, n) != AN_SYM_identifier) return false;
  uint32_t l;
  const char *t = an_text(m->src, n, &l);
  return l == len && memcmp(t, name, len) == 0;
}

static const char *shapes__callee(AnModel *m, TSNode call, int func) {
  call = an_unparen(m->lang, call);
  if (an_sym(m->lang, call) != AN_SYM_call) return NULL;
  return an_dotted(m, an_field(m->lang, call, AN_FIELD_function), func);
}

/* `for name in range(...)` or `for name, _ in enumerate(...)`. */
static bool shapes__for_counter(AnModel *m, TSNode loop, int func, const char *name, uint32_t len) {
  if (an_sym(m->lang, loop) != AN_SYM_for_statement) return false;
  TSNode left = an_field(m->lang, loop, AN_FIELD_left);
  const char *d = shapes__callee(m, an_field(m->lang, loop, AN_FIELD_right), func);
  if (!d) return false;
  if (strcmp(d, "builtins.range") == 0) return shapes__name_is(m, left, name, len);
  AnSym ls = an_sym(m->lang, left);
  if (strcmp(d, "builtins.enumerate") != 0 || (ls != AN_SYM_pattern_list && ls != AN_SYM_tuple_pattern)) return false;
  return ts_node_named_child_count(left) == 2 && shapes__name_is(m, ts_node_named_child(left, 0), name, len);
}

/* `name += k` / `name -= k` with a number k inside the loop body. */
static bool shapes__incremented(AnModel *m, TSNode loop, int func, const char *name, uint32_t len) {
  if (func < 0) return false;
  TSNode body = an_field(m->lang, loop, AN_FIELD_body);
  if (ts_node_is_null(body)) return false;
  AN_FOR_SITES_OF(m, func, s) {
    if (s->kind != AN_SITE_ASSIGN || an_sym(m->lang, s->node) != AN_SYM_augmented_assignment ||
        !an_node_within(s->node, body))
      continue;
    TSNode op = an_field(m->lang, s->node, AN_FIELD_operator);
    if (ts_node_is_null(op) || (!an_text_eq(m->src, op, "+=") && !an_text_eq(m->src, op, "-="))) continue;
    AnSym rs = an_sym(m->lang, an_unparen(m->lang, an_field(m->lang, s->node, AN_FIELD_right)));
    if ((rs == AN_SYM_integer || rs == AN_SYM_identifier) &&
        shapes__name_is(m, an_field(m->lang, s->node, AN_FIELD_left), name, len))
      return true;
  }
  return false;
}

/* A Python random integer with literal bounds and at least
 * SHAPES_RANDOM_VALUES values: NumPy's randint(low, high) / randint(high)
 * (high excluded), the random module's randint(a, b) (b included) and
 * randrange(start, stop). */
static bool shapes__random_int(AnModel *m, TSNode call, int func) {
  const char *d = shapes__callee(m, call, func);
  if (!d || an_call_argc(m->lang, call) != ts_node_named_child_count(an_field(m->lang, call, AN_FIELD_arguments)))
    return false;
  bool numpy = strcmp(d, "numpy.random.randint") == 0, inclusive = strcmp(d, "random.randint") == 0;
  if (!numpy && !inclusive && strcmp(d, "random.randrange") != 0) return false;
  int lo = 0, hi;
  uint32_t argc = an_call_argc(m->lang, call);
  if (argc == 1 && !inclusive) {
    if (!an_int_literal(m->lang, m->src, an_call_arg(m->lang, call, 0), &hi)) return false;
  } else if (argc != 2 || !an_int_literal(m->lang, m->src, an_call_arg(m->lang, call, 0), &lo) ||
             !an_int_literal(m->lang, m->src, an_call_arg(m->lang, call, 1), &hi)) {
    return false;
  }
  return hi - lo + (inclusive ? 1 : 0) >= SHAPES_RANDOM_VALUES;
}

/* `name` is bound once, inside the body of a loop around the call, to such
 * a random integer: each iteration draws a new one. */
static bool shapes__random_name(AnModel *m, TSNode id, int func, const TSNode *loops, uint32_t nloops) {
  int scope;
  int b = an_single_binding(m, id, func, &scope);
  if (b < 0 || scope != func) return false;
  const AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, b);
  if (bd->from_for || bd->from_unpack || ts_node_is_null(bd->value) || !shapes__random_int(m, bd->value, func))
    return false;
  for (uint32_t i = 0; i < nloops; i++) {
    TSNode body = an_field(m->lang, loops[i], AN_FIELD_body);
    if (!ts_node_is_null(body) && bd->at >= ts_node_start_byte(body) && bd->at < ts_node_end_byte(body)) return true;
  }
  return false;
}

static bool shapes__counter_visit(TSNode n, void *ctx) {
  Counters *c = ctx;
  if (c->found) return false;
  AnModel *m = c->m;
  AnSym s = an_sym(m->lang, n);
  if (s == AN_SYM_binary_operator) {
    TSNode op = an_field(m->lang, n, AN_FIELD_operator);
    if (!ts_node_is_null(op) && an_text_eq(m->src, op, "%")) c->modulo = true;
    return true;
  }
  if (s == AN_SYM_attribute) {
    /* `a.b`: only the object can be a local name. */
    an_walk(an_field(m->lang, n, AN_FIELD_object), shapes__counter_visit, ctx);
    return false;
  }
  if (s == AN_SYM_keyword_argument) {
    an_walk(an_field(m->lang, n, AN_FIELD_value), shapes__counter_visit, ctx);
    return false;
  }
  if (s == AN_SYM_call && shapes__random_int(m, n, c->func)) {
    c->found = an_snippet(m, n);
    c->random = true;
    return false;
  }
  if (s != AN_SYM_identifier) return true;
  uint32_t len;
  const char *t = an_text(m->src, n, &len);
  if (shapes__random_name(m, n, c->func, c->loops, c->nloops)) {
    c->found = an_arena_strndup(&m->arena, t, len);
    c->random = true;
    return false;
  }
  for (uint32_t i = 0; i < c->nloops; i++) {
    if (shapes__for_counter(m, c->loops[i], c->func, t, len) || shapes__incremented(m, c->loops[i], c->func, t, len)) {
      c->found = an_arena_strndup(&m->arena, t, len);
      return false;
    }
  }
  return false;
}

/* The loop counter a Python number expression follows, or NULL (also when
 * a `%` folds it onto a few values); *random tells a random draw. */
static const char *shapes__counter_in(AnModel *m, TSNode e, const AnRetraceCall *rc, bool *random) {
  if (ts_node_is_null(e)) return NULL;
  Counters c = {m, rc->call->ctx.func, rc->loops, rc->loop_count, NULL, false, false};
  an_walk(e, shapes__counter_visit, &c);
  *random = c.random;
  return c.found && !c.modulo ? c.found : NULL;
}

/* True when `e` mentions a name that changes from one iteration of a loop
 * around the call to the next (any kind of change). */
static bool shapes__loop_dependent(AnModel *m, TSNode e, const AnRetraceCall *rc) {
  for (uint32_t i = 0; i < rc->loop_count; i++)
    if (an_retrace_varying_name(m, e, rc->loops[i], rc->call->ctx.func)) return true;
  return false;
}

/* A Python number: NumPy's randint gives a NumPy integer, which TensorFlow
 * reads as a number in a shape all the same. */
static bool shapes__number(AnModel *m, TSNode e, const AnRetraceCall *rc) {
  int func = rc->call->ctx.func;
  if (an_kind_of(m, e, func) == AN_KIND_PY_SCALAR) return true;
  e = an_unparen(m->lang, e);
  AnSym s = an_sym(m->lang, e);
  return (s == AN_SYM_call && shapes__random_int(m, e, func)) ||
         (s == AN_SYM_identifier && shapes__random_name(m, e, func, rc->loops, rc->loop_count));
}

/* --- why a shape changes ------------------------------------------------- */

typedef struct Why {
  TSNode at;           /* the expression whose shape changes */
  const char *counter; /* the loop counter it follows, or NULL */
  bool random;         /* the counter is a random integer drawn in the loop */
  bool grows;          /* a name the loop concatenates onto */
  const char *what;    /* "a slice", "a tf.zeros(...) shape", "padded_batch" */
  TSNode origin;       /* the dataset transformation, for datasets */
} Why;

/* `x[:i]`, `x[i:]`, also one axis of `x[:, :i]`. */
static bool shapes__slice(AnModel *m, TSNode e, const AnRetraceCall *rc, Why *out) {
  int func = rc->call->ctx.func;
  TSNode value = an_field(m->lang, e, AN_FIELD_value);
  AnKind k = an_kind_of(m, value, func);
  if (!an_kind_is_tensor(k) && k != AN_KIND_NUMPY) return false;
  uint32_t n = ts_node_named_child_count(e);
  for (uint32_t i = 0; i < n; i++) {
    TSNode sl = ts_node_named_child(e, i);
    if (an_sym(m->lang, sl) != AN_SYM_slice) continue;
    TSNode part[3] = {{{0}, NULL, NULL}, {{0}, NULL, NULL}, {{0}, NULL, NULL}};
    uint32_t colons = 0, cn = ts_node_child_count(sl);
    for (uint32_t j = 0; j < cn; j++) {
      TSNode ch = ts_node_child(sl, j);
      if (!ts_node_is_named(ch)) {
        if (an_text_eq(m->src, ch, ":")) colons++;
      } else if (an_sym(m->lang, ch) != AN_SYM_comment && colons < 3) {
        part[colons] = ch;
      }
    }
    if (!ts_node_is_null(part[2]) && shapes__loop_dependent(m, part[2], rc)) continue;
    /* Exactly one bound moves with the loop; the other stays put. */
    for (int b = 0; b < 2; b++) {
      TSNode moving = part[b], other = part[1 - b];
      if (ts_node_is_null(moving) || !shapes__number(m, moving, rc)) continue;
      if (!ts_node_is_null(other) && shapes__loop_dependent(m, other, rc)) continue;
      const char *counter = shapes__counter_in(m, moving, rc, &out->random);
      if (!counter) continue;
      out->at = e;
      out->counter = counter;
      out->what = "its slice bound";
      return true;
    }
  }
  return false;
}

/* tf.zeros([n]), tf.ones, tf.fill, tf.random.*(shape), tf.range(n). */
static bool shapes__constructor(AnModel *m, TSNode e, const AnRetraceCall *rc, Why *out) {
  static const char *const shaped[] = {"tensorflow.zeros", "tensorflow.ones", "tensorflow.fill",
                                       "tensorflow.random.normal", "tensorflow.random.uniform",
                                       "tensorflow.random.truncated_normal", "tensorflow.random.stateless_normal",
                                       "tensorflow.random.stateless_uniform", NULL};
  int func = rc->call->ctx.func;
  const char *d = shapes__callee(m, e, func);
  if (!d) return false;
  TSNode shape = {{0}, NULL, NULL};
  if (strcmp(d, "tensorflow.range") == 0) {
    TSNode args = an_field(m->lang, e, AN_FIELD_arguments);
    /* Only tf.range(limit): with a start too, both may move together. */
    if (an_call_argc(m->lang, e) != 1 || ts_node_named_child_count(args) != 1) return false;
    shape = an_call_arg(m->lang, e, 0);
  } else {
    for (int i = 0; shaped[i] && ts_node_is_null(shape); i++)
      if (strcmp(d, shaped[i]) == 0) {
        shape = an_call_kwarg(m->lang, m->src, e, strcmp(d, "tensorflow.fill") == 0 ? "dims" : "shape");
        if (ts_node_is_null(shape)) shape = an_call_arg(m->lang, e, 0);
      }
  }
  if (ts_node_is_null(shape)) return false;
  AnSym ss = an_sym(m->lang, an_unparen(m->lang, shape));
  if (ss != AN_SYM_list && ss != AN_SYM_tuple && !shapes__number(m, shape, rc)) return false;
  if (ss == AN_SYM_list || ss == AN_SYM_tuple) {
    /* Every dimension a Python number (not a tensor of unknown value). */
    TSNode s = an_unparen(m->lang, shape);
    uint32_t n = ts_node_named_child_count(s);
    for (uint32_t i = 0; i < n; i++) {
      TSNode dim = ts_node_named_child(s, i);
      if (an_sym(m->lang, dim) != AN_SYM_comment && !shapes__number(m, dim, rc)) return false;
    }
  }
  const char *counter = shapes__counter_in(m, shape, rc, &out->random);
  if (!counter) return false;
  out->at = e;
  out->counter = counter;
  out->what = strcmp(d, "tensorflow.range") == 0 ? "its limit" : "its shape";
  return true;
}

/* The single binding of a local name inside the innermost loop body, whose
 * value the argument carries. Null otherwise. */
static TSNode shapes__local_value(AnModel *m, TSNode id, const AnRetraceCall *rc) {
  TSNode none = {{0}, NULL, NULL};
  if (!rc->loop_count) return none;
  uint32_t len;
  const char *t = an_text(m->src, id, &len);
  int b = an_hash_get(&m->binding_map, rc->call->ctx.func, t, len);
  if (b < 0 || AN_VEC_AT(m->bindings, AnBinding, b).next >= 0) return none;
  AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, b);
  if (bd->from_for || bd->from_unpack || ts_node_is_null(bd->value) ||
      an_sym(m->lang, bd->value) == AN_SYM_augmented_assignment)
    return none;
  TSNode body = an_field(m->lang, rc->loops[0], AN_FIELD_body);
  if (ts_node_is_null(body) || bd->at < ts_node_start_byte(body) || bd->at > ts_node_end_byte(body)) return none;
  return bd->value;
}

/* The one value a local helper returns (`def make_ds(): ...; return
 * ds.padded_batch(32)`), the common way a pipeline reaches the training
 * loop; null for generators, several or bare returns. *func becomes the
 * helper, whose scope that value's names live in. */
static TSNode shapes__returned(AnModel *m, TSNode call, int *func) {
  TSNode none = {{0}, NULL, NULL}, out = none;
  int f = an_resolve_function(m, an_field(m->lang, call, AN_FIELD_function), *func);
  if (f < 0 || !m->site_offsets || AN_FUNC(m, f)->is_generator || AN_FUNC(m, f)->is_lambda) return none;
  AN_FOR_SITES_OF(m, f, site) {
    if (site->kind != AN_SITE_RETURN) continue;
    if (!ts_node_is_null(out) || !ts_node_named_child_count(site->node)) return none;
    out = ts_node_named_child(site->node, 0);
  }
  if (!ts_node_is_null(out)) *func = f;
  return out;
}

/* The dataset transformation that makes batch shapes differ, walking the
 * pipeline back from the loop's iterable through transformations that keep
 * element shapes; null when none is proven. */
static TSNode shapes__ragged_batches(AnModel *m, TSNode iter, int func) {
  static const char *const keep[] = {"prefetch", "cache", "repeat", "shuffle", "take", "skip", "with_options", NULL};
  TSNode none = {{0}, NULL, NULL};
  for (int step = 0; step < 16; step++) {
    iter = an_unparen(m->lang, iter);
    AnSym s = an_sym(m->lang, iter);
    if (s == AN_SYM_identifier) {
      uint32_t len;
      const char *t = an_text(m->src, iter, &len);
      int b = an_hash_get(&m->binding_map, func, t, len);
      if (b < 0 || AN_VEC_AT(m->bindings, AnBinding, b).next >= 0) return none;
      AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, b);
      if (bd->from_for || bd->from_unpack || ts_node_is_null(bd->value) ||
          an_sym(m->lang, bd->value) == AN_SYM_augmented_assignment)
        return none;
      iter = bd->value;
      continue;
    }
    if (s != AN_SYM_call || an_kind_of(m, iter, func) != AN_KIND_DATASET) return none;
    TSNode fn = an_field(m->lang, iter, AN_FIELD_function);
    if (an_sym(m->lang, fn) == AN_SYM_identifier) {
      iter = shapes__returned(m, iter, &func);
      if (ts_node_is_null(iter)) return none;
      continue;
    }
    if (an_sym(m->lang, fn) != AN_SYM_attribute) return none;
    TSNode attr = an_field(m->lang, fn, AN_FIELD_attribute);
    if (an_text_eq(m->src, attr, "padded_batch")) {
      /* Given padded_shapes (2nd argument) may fix every dimension. */
      bool shapes = !ts_node_is_null(an_call_kwarg(m->lang, m->src, iter, "padded_shapes")) ||
                    !ts_node_is_null(an_call_arg(m->lang, iter, 1));
      return shapes ? none : iter;
    }
    if (an_text_eq(m->src, attr, "bucket_by_sequence_length")) return iter;
    if (an_text_eq(m->src, attr, "apply")) {
      const char *d = shapes__callee(m, an_call_arg(m->lang, iter, 0), func);
      return d && strcmp(d, "tensorflow.data.experimental.bucket_by_sequence_length") == 0 ? iter : none;
    }
    bool kept = false;
    for (int i = 0; keep[i] && !kept; i++) kept = an_text_eq(m->src, attr, keep[i]);
    if (!kept) return none;
    iter = an_field(m->lang, fn, AN_FIELD_object);
  }
  return none;
}

/* True when every name of the pattern `pat` is passed as an argument. */
static bool shapes__all_passed(AnModel *m, TSNode pat, const AnRetraceCall *rc) {
  uint32_t n = ts_node_named_child_count(pat);
  for (uint32_t i = 0; i < n; i++) {
    TSNode p = ts_node_named_child(pat, i);
    if (an_sym(m->lang, p) != AN_SYM_identifier) return false;
    uint32_t len;
    const char *t = an_text(m->src, p, &len);
    bool passed = false;
    for (uint32_t k = 0; k < rc->arg_count && !passed; k++) {
      TSNode v = rc->args[k].value;
      passed = !ts_node_is_null(v) && shapes__name_is(m, an_unparen(m->lang, v), t, len);
    }
    if (!passed) return false;
  }
  return n > 0;
}

/* The first argument of the call that is one of the pattern's names. */
static bool shapes__first_of(AnModel *m, TSNode pat, const AnRetraceCall *rc, TSNode id) {
  for (uint32_t k = 0; k < rc->arg_count; k++) {
    TSNode v = an_unparen(m->lang, rc->args[k].value);
    if (ts_node_is_null(v) || an_sym(m->lang, v) != AN_SYM_identifier) continue;
    uint32_t len;
    const char *t = an_text(m->src, v, &len);
    if (an_mentions(m, pat, t, len)) return ts_node_eq(v, id);
  }
  return false;
}

/* A whole element of such a dataset: `for batch in ds:` passing `batch`,
 * `for x, y in ds:` passing both, `for i, batch in enumerate(ds):`. */
static bool shapes__dataset_element(AnModel *m, TSNode id, const AnRetraceCall *rc, Why *out) {
  uint32_t len;
  const char *t = an_text(m->src, id, &len);
  int func = rc->call->ctx.func;
  for (uint32_t i = 0; i < rc->loop_count; i++) {
    TSNode loop = rc->loops[i];
    if (an_sym(m->lang, loop) != AN_SYM_for_statement) continue;
    TSNode left = an_field(m->lang, loop, AN_FIELD_left), right = an_field(m->lang, loop, AN_FIELD_right);
    AnSym ls = an_sym(m->lang, left);
    bool pattern = ls == AN_SYM_pattern_list || ls == AN_SYM_tuple_pattern;
    if (!an_mentions(m, left, t, len)) continue;
    TSNode iter = right;
    if (shapes__name_is(m, left, t, len)) {
      /* the whole element */
    } else if (pattern) {
      const char *d = shapes__callee(m, right, func);
      if (d && strcmp(d, "builtins.enumerate") == 0) {
        TSNode el = ts_node_named_child_count(left) == 2 ? ts_node_named_child(left, 1) : left;
        if (!shapes__name_is(m, el, t, len)) return false;
        iter = an_call_arg(m->lang, an_unparen(m->lang, right), 0);
      } else if (!shapes__all_passed(m, left, rc) || !shapes__first_of(m, left, rc, id)) {
        return false;
      }
    } else {
      return false;
    }
    TSNode origin = shapes__ragged_batches(m, iter, func);
    if (ts_node_is_null(origin)) return false;
    out->at = id;
    out->counter = NULL;
    out->origin = origin;
    TSNode fn = an_field(m->lang, origin, AN_FIELD_function);
    const char *method = an_snippet(m, an_field(m->lang, fn, AN_FIELD_attribute));
    out->what = strcmp(method, "padded_batch") == 0
                    ? "padded_batch without padded_shapes pads every batch to its own longest element"
                    : "bucket_by_sequence_length makes batches of different lengths";
    return true;
  }
  return false;
}

/* `name = tf.concat([name, x], axis)` (or np.concatenate): `name` once in
 * the values, next to something else. */
static bool shapes__self_concat(AnModel *m, TSNode value, const char *name, uint32_t len, int func) {
  value = an_unparen(m->lang, value);
  const char *d = shapes__callee(m, value, func);
  if (!d || (strcmp(d, "tensorflow.concat") != 0 && strcmp(d, "numpy.concatenate") != 0)) return false;
  TSNode list = an_call_kwarg(m->lang, m->src, value, "values");
  if (ts_node_is_null(list)) list = an_call_arg(m->lang, value, 0);
  list = an_unparen(m->lang, list);
  AnSym ls = an_sym(m->lang, list);
  if (ls != AN_SYM_list && ls != AN_SYM_tuple) return false;
  uint32_t n = ts_node_named_child_count(list), self = 0, others = 0;
  for (uint32_t i = 0; i < n; i++) {
    TSNode el = ts_node_named_child(list, i);
    AnSym es = an_sym(m->lang, el);
    if (es == AN_SYM_comment) continue;
    if (es == AN_SYM_list_splat) return false;
    if (shapes__name_is(m, el, name, len))
      self++;
    else
      others++;
  }
  return self == 1 && others > 0;
}

/* How the bindings of `name` inside loop body `body` change it: -1 when
 * one is not a self-concatenation (`seq = seq[:, -48:]` may keep the
 * shape), else how many are; *last is the last one. */
static int shapes__concats_in(AnModel *m, const char *name, uint32_t len, int func, TSNode body, TSNode *last) {
  uint32_t lo = ts_node_start_byte(body), hi = ts_node_end_byte(body);
  int grown = 0;
  for (int b = an_hash_get(&m->binding_map, func, name, len); b >= 0; b = AN_VEC_AT(m->bindings, AnBinding, b).next) {
    const AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, b);
    if (bd->at < lo || bd->at > hi) continue; /* `at` is where the binding takes effect */
    if (bd->from_for || bd->from_unpack || ts_node_is_null(bd->value) ||
        !shapes__self_concat(m, bd->value, name, len, func))
      return -1;
    if (!grown++) *last = bd->value; /* bindings come latest first */
  }
  return grown;
}

/* The argument is a name that a loop around the call rebinds, and every
 * rebinding in that loop concatenates onto the name itself: whatever the
 * order in the body, each call sees it longer than the last. */
static bool shapes__grows(AnModel *m, TSNode id, const AnRetraceCall *rc, Why *out) {
  uint32_t len;
  const char *t = an_text(m->src, id, &len);
  for (uint32_t i = 0; i < rc->loop_count; i++) {
    TSNode body = an_field(m->lang, rc->loops[i], AN_FIELD_body), last = {{0}, NULL, NULL};
    if (ts_node_is_null(body)) continue;
    int grown = shapes__concats_in(m, t, len, rc->call->ctx.func, body, &last);
    if (grown < 0) return false;
    if (!grown) continue;
    out->at = id;
    out->grows = true;
    out->origin = last;
    out->what = "the loop concatenates onto it";
    return true;
  }
  return false;
}

static bool shapes__why(AnModel *m, TSNode v, const AnRetraceCall *rc, Why *out, int depth) {
  v = an_unparen(m->lang, v);
  if (ts_node_is_null(v) || depth > SHAPES_MAX_DEPTH) return false;
  switch (an_sym(m->lang, v)) {
  case AN_SYM_subscript:
    return shapes__slice(m, v, rc, out);
  case AN_SYM_call:
    return shapes__constructor(m, v, rc, out);
  case AN_SYM_identifier: {
    if (shapes__dataset_element(m, v, rc, out) || (depth == 0 && shapes__grows(m, v, rc, out))) return true;
    TSNode value = shapes__local_value(m, v, rc);
    if (ts_node_is_null(value) || !shapes__why(m, value, rc, out, depth + 1)) return false;
    out->origin = value;
    return true;
  }
  default:
    return false;
  }
}

/* --- the fix ------------------------------------------------------------- */

/* `@tf.function` -> `@tf.function(reduce_retracing=True)`, and the same
 * keyword added to `@tf.function(...)`. Offered only: static dimensions
 * inside the body may become None (rules.md HY104). */
static void shapes__fix(AnModel *m, AnFinding *f, int callee) {
  AnFunc *fn = AN_FUNC(m, callee);
  if (!f || fn->via != AN_VIA_DECORATOR || ts_node_is_null(fn->hybrid_site)) return;
  TSNode site = an_unparen(m->lang, fn->hybrid_site);
  const char *title = "Add reduce_retracing=True to the tf.function";
  if (an_sym(m->lang, site) != AN_SYM_call) {
    uint32_t end = ts_node_end_byte(site);
    AnFix *fix = an_finding_fix(m, f, title, false);
    an_fix_edit(m, fix, end, end, "(reduce_retracing=True)");
    return;
  }
  if (!ts_node_eq(site, fn->tf.call) || fn->tf.reduce_retracing >= 0) return;
  TSNode args = an_field(m->lang, site, AN_FIELD_arguments);
  if (an_sym(m->lang, args) != AN_SYM_argument_list) return;
  uint32_t n = ts_node_named_child_count(args);
  TSNode last = n ? ts_node_named_child(args, n - 1) : args;
  if (n && an_sym(m->lang, last) == AN_SYM_comment) return;
  uint32_t at = n ? ts_node_end_byte(last) : ts_node_end_byte(args) - 1;
  AnFix *fix = an_finding_fix(m, f, title, false);
  an_fix_edit(m, fix, at, at, n ? ", reduce_retracing=True" : "reduce_retracing=True");
}

/* --- HY104 --------------------------------------------------------------- */

static void shapes__report(AnModel *m, const AnRetraceCall *rc, TSNode value, const char *param, const Why *w) {
  const AnCall *c = rc->call;
  const AnHybridCallee *h = &rc->callee;
  const char *target = param ? an_arena_printf(&m->arena, "tf.function '%s' (parameter '%s')", h->name, param)
                             : an_arena_printf(&m->arena, "tf.function '%s'", h->name);
  const char *advice = "Give it reduce_retracing=True (experimental_relax_shapes=True before TF 2.9) or an "
                       "input_signature with None dimensions";
  AnFinding *f;
  if (w->grows)
    f = an_emit_node(m, AN_RULE_VARYING_SHAPE_WITHOUT_RELAXATION, value, c->ctx.func,
                     "'%s' grows on every iteration of this loop (%s), and %s has neither an input_signature nor "
                     "reduce_retracing=True: tensors are traced by shape, so every call traces a new graph. %s",
                     an_snippet(m, value), w->what, target, advice);
  else if (w->counter)
    f = an_emit_node(m, AN_RULE_VARYING_SHAPE_WITHOUT_RELAXATION, value, c->ctx.func,
                     "'%s' has a different shape on every iteration of this loop (%s follows '%s'%s), and %s has "
                     "neither an input_signature nor reduce_retracing=True: tensors are traced by shape, so every "
                     "new shape traces a new graph. %s",
                     an_snippet(m, value), w->what, w->counter,
                     w->random ? ", a random integer drawn on every iteration" : "", target, advice);
  else
    f = an_emit_node(m, AN_RULE_VARYING_SHAPE_WITHOUT_RELAXATION, value, c->ctx.func,
                     "The batches passed to %s change shape from one iteration to the next (%s), and it has neither "
                     "an input_signature nor reduce_retracing=True: tensors are traced by shape, so every new batch "
                     "shape traces a new graph. %s",
                     target, w->what, advice);
  an_retrace_related_callee(m, f, h);
  if (f && !ts_node_is_null(w->origin) && !ts_node_eq(w->origin, value)) {
    if (w->grows || w->counter)
      an_finding_related(m, f, w->origin, w->grows ? "'%s' grows here" : "'%s' is made here", an_snippet(m, value));
    else
      an_finding_related(m, f, w->origin, "'%s' batches the dataset here",
                         an_snippet(m, an_field(m->lang, an_field(m->lang, w->origin, AN_FIELD_function),
                                                AN_FIELD_attribute)));
  }
  shapes__fix(m, f, h->local);
}

void an_check_HY104(AnModel *m) {
  uint32_t n;
  const AnRetraceCall *calls = an_retrace_calls(m, &n);
  for (uint32_t i = 0; i < n && !m->arena.failed; i++) {
    const AnRetraceCall *rc = &calls[i];
    /* The workspace index does not record reduce_retracing: callees of
     * other modules are left out. A non-literal value may be True. */
    if (!rc->loop_count || rc->callee.local < 0 || AN_FUNC(m, rc->callee.local)->tf.reduce_retracing >= 1) continue;
    for (uint32_t k = 0; k < rc->arg_count; k++) {
      TSNode v = rc->args[k].value;
      TSNode none = {{0}, NULL, NULL};
      Why w = {.at = none, .origin = none};
      if (!ts_node_is_null(v) && shapes__why(m, v, rc, &w, 0)) shapes__report(m, rc, v, rc->args[k].param, &w);
    }
  }
}
