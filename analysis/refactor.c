/* The hybridization refactorings, after the "Hybridize Functions" research
 * tool (ponder-lab; preconditions P1-P6, rules.md HY112):
 *
 *   hybridize               add @tf.function to an eager function that has a
 *                           tensor parameter, no Python side effects (also
 *                           in what it calls), no recursion, does tensor
 *                           work, makes no eager-only calls, and is not
 *                           only ever called from graph code already;
 *   dehybridize             remove tf.function where it cannot help or
 *                           changes behaviour: Python side effects that
 *                           must run on every call, no tensor work at all,
 *                           or only Python values passed;
 *   add_input_signature     a hybrid function without one whose parameters
 *                           are tensors at every known call site, with
 *                           dtypes and ranks visible there (tf.constant,
 *                           tf.zeros/ones, tf.random.*, dataset elements);
 *                           dimensions the call sites disagree on are None;
 *   repair_input_signature  the given signature contradicts the parameter
 *                           list (HY301) or what the calls pass.
 *
 * When an action is not offered the failed preconditions are listed with a
 * sentence each. They are reasons, never diagnostics. Edits keep the
 * user's formatting: the module's own name for tf.function, the def's
 * indentation, the other decorators and their order, comments.
 */
#include <string.h>

#include "analysis/features.h"
#include "analysis/rules/rules.h"

const char *an_refactor_name(AnRefactorAction action) {
  switch (action) {
  case AN_REFACTOR_HYBRIDIZE: return "hybridize";
  case AN_REFACTOR_DEHYBRIDIZE: return "dehybridize";
  case AN_REFACTOR_ADD_SIGNATURE: return "add_input_signature";
  case AN_REFACTOR_REPAIR_SIGNATURE: return "repair_input_signature";
  default: return "none";
  }
}

const char *an_tf_function_name(AnModel *m) {
  for (uint32_t i = 0; i < m->imports.count; i++) {
    AnImport *imp = &AN_VEC_AT(m->imports, AnImport, i);
    if (strcmp(imp->target, "tensorflow.function") == 0 && !an_name_shadowed_by_assignment(m, imp->local))
      return imp->local;
  }
  const char *tf = an_tf_alias(m);
  return tf ? an_arena_printf(&m->arena, "%s.function", tf) : NULL;
}

int an_info_func(const AnModel *m, const AnFunctionInfo *info) {
  for (uint32_t i = 0; i < m->funcs.count; i++) {
    const AnFunc *f = &AN_VEC_AT(m->funcs, AnFunc, i);
    if (!f->is_lambda && ts_node_start_byte(f->outer) == info->start && ts_node_end_byte(f->outer) == info->end)
      return (int)i;
  }
  return -1;
}

const AnFunctionInfo *an_func_info(const AnModel *m, int func) {
  if (func < 0 || AN_VEC_AT(m->funcs, AnFunc, func).is_lambda) return NULL;
  uint32_t n;
  const AnFunctionInfo *infos = an_model_functions(m, &n);
  uint32_t start = ts_node_start_byte(AN_VEC_AT(m->funcs, AnFunc, func).outer);
  /* In source order: sorted by start byte, which no two share. */
  uint32_t lo = 0, hi = n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (infos[mid].start < start) lo = mid + 1;
    else hi = mid;
  }
  return lo < n && infos[lo].start == start ? &infos[lo] : NULL;
}

/* --- what runs only while tracing ------------------------------------------ */

static const char *const refactor__io[] = {
    "builtins.open", "builtins.input", "logging", "warnings.warn", "sys.stdout", "sys.stderr", "json.dump",
    "pickle.dump", "numpy.save", "numpy.savetxt", "numpy.savez", "wandb.log", "mlflow", "shutil", "os.makedirs",
    "os.remove", NULL,
};

static const char *const refactor__random[] = {
    "random", "numpy.random", "time.time", "time.perf_counter", "time.monotonic", "time.time_ns",
    "time.process_time", "datetime.datetime.now", "datetime.datetime.utcnow", "uuid.uuid4", "uuid.uuid1",
    "os.urandom", "secrets", NULL,
};

static bool refactor__prefixed(const char *dotted, const char *const *list) {
  for (int i = 0; list[i]; i++)
    if (an_dotted_has_prefix(dotted, list[i])) return true;
  return false;
}

/* True when `id` names something bound in function `func` itself and not
 * declared global there: trace-time scratch state, not Python state. With
 * `params`, a parameter counts too (rebinding or setting attributes of a
 * parameter's object only changes what the trace sees); without, it does
 * not (mutating a list the caller passed changes the caller's list). */
static bool refactor__local_name(AnModel *m, TSNode id, int func, bool params) {
  if (func < 0 || an_sym(m->lang, id) != AN_SYM_identifier) return false;
  uint32_t len;
  const char *t = an_text(m->src, id, &len);
  if (an_hash_get(&m->global_map, func, t, len) > 0) return false;
  if (an_hash_get(&m->binding_map, func, t, len) >= 0) return true;
  if (!params) return false;
  AnFunc *f = AN_FUNC(m, func);
  for (uint32_t i = 0; i < f->param_count; i++)
    if (!f->params[i].is_self && strlen(f->params[i].name) == len && memcmp(f->params[i].name, t, len) == 0)
      return true;
  return false;
}

/* Plotting changes pyplot's global figure state and writes files. */
static bool refactor__plotting(const char *d) { return an_dotted_has_prefix(d, "matplotlib.pyplot"); }

const char *an_call_effect(AnModel *m, const AnCall *c) {
  const char *d = c->dotted;
  if (d) {
    if (strcmp(d, "builtins.print") == 0) return "print";
    if (strcmp(d, "builtins.breakpoint") == 0 || an_dotted_has_prefix(d, "pdb") || an_dotted_has_prefix(d, "ipdb"))
      return "breakpoint";
    if (refactor__prefixed(d, refactor__io) || refactor__plotting(d)) return "Python I/O";
    if (refactor__prefixed(d, refactor__random)) return "Python randomness or clock";
  }
  /* logger.info(...) on a logging.getLogger() logger, fh.write(...) on an
   * open() file, a tqdm bar's update(...): I/O through an object. */
  if (c->method && !ts_node_is_null(c->object) && an_is_python_io_call(m, c)) return "Python I/O";
  if (c->method && an_container_mutator(c->method) && !ts_node_is_null(c->object)) {
    TSNode obj = an_unparen(m->lang, c->object);
    AnSym s = an_sym(m->lang, obj);
    if (s == AN_SYM_identifier && !refactor__local_name(m, obj, c->ctx.func, false)) {
      AnKind k = an_kind_of(m, obj, c->ctx.func);
      if (k == AN_KIND_PY_CONTAINER || k == AN_KIND_UNKNOWN) return "Python state change";
    }
    if (s == AN_SYM_attribute) {
      AnKind k = an_kind_of(m, obj, c->ctx.func);
      if (k == AN_KIND_PY_CONTAINER || k == AN_KIND_UNKNOWN) return "Python state change";
    }
  }
  return NULL;
}

static bool refactor__site_effect(AnModel *m, const AnSite *s) {
  if (s->kind != AN_SITE_ASSIGN) return false;
  TSNode left = an_field(m->lang, s->node, AN_FIELD_left);
  AnSym ls = an_sym(m->lang, left);
  if (ls == AN_SYM_attribute) {
    TSNode base = an_unparen(m->lang, an_field(m->lang, left, AN_FIELD_object));
    if (refactor__local_name(m, base, s->ctx.func, true) && !an_text_eq(m->src, base, "self")) return false;
    /* The create-once idiom keeps a tf.Variable, not Python state. */
    return !an_site_creates_once(m, s);
  }
  if (ls == AN_SYM_subscript) {
    TSNode base = an_unparen(m->lang, an_field(m->lang, left, AN_FIELD_value));
    if (refactor__local_name(m, base, s->ctx.func, false) || an_site_creates_once(m, s)) return false;
    return an_kind_of(m, base, s->ctx.func) == AN_KIND_PY_CONTAINER;
  }
  if (ls == AN_SYM_identifier && s->ctx.func >= 0) {
    uint32_t len;
    const char *t = an_text(m->src, left, &len);
    return an_hash_get(&m->global_map, s->ctx.func, t, len) > 0;
  }
  return false;
}

uint32_t an_trace_only_items(AnModel *m, int func, AnTraceOnly *out, uint32_t cap) {
  uint32_t n = 0;
  uint32_t ci = m->call_offsets ? m->call_offsets[func] : 0, ce = m->call_offsets ? m->call_offsets[func + 1] : 0;
  uint32_t si = m->site_offsets ? m->site_offsets[func] : 0, se = m->site_offsets ? m->site_offsets[func + 1] : 0;
  /* Merge the function's calls with its assignment sites (both grouped by
   * function, in document order). */
  for (;;) {
    while (si < se) {
      AnSite *s = &AN_VEC_AT(m->sites, AnSite, m->site_order[si]);
      if (!s->ctx.eager_guard && !s->ctx.init_scope && refactor__site_effect(m, s)) break;
      si++;
    }
    const AnCall *c = NULL;
    const char *cw = NULL;
    while (ci < ce) {
      c = &AN_VEC_AT(m->calls, AnCall, m->call_order[ci]);
      if (!c->ctx.eager_guard && !c->ctx.init_scope && (cw = an_call_effect(m, c)) != NULL) break;
      ci++;
      c = NULL;
    }
    AnSite *s = si < se ? &AN_VEC_AT(m->sites, AnSite, m->site_order[si]) : NULL;
    if (!c && !s) break;
    bool take_call = c && (!s || ts_node_start_byte(c->node) <= ts_node_start_byte(s->node));
    if (n < cap) {
      out[n].node = take_call ? c->node : s->node;
      out[n].call = take_call ? c : NULL;
      out[n].what = take_call ? cw : "Python state change";
    }
    n++;
    if (take_call)
      ci++;
    else
      si++;
  }
  return n;
}

/* --- tensor specs from call sites ------------------------------------------ */

/* AnTensorSpec (rules.h): the rules that compare call sites with a
 * declared input_signature (HY303) read the same facts as the refactoring. */
#define SPEC_MAX_RANK AN_SPEC_MAX_RANK
typedef AnTensorSpec Spec;

static void spec__unknown(Spec *s) {
  s->dtype = NULL;
  s->rank = -1;
}

static const char *const spec__known_dtypes[] = {"float16", "bfloat16", "float32", "float64", "int8", "int16",
                                                  "int32", "int64", "uint8", "uint16", "uint32", "uint64", "bool",
                                                  "string", "complex64", "complex128", NULL};

static const char *spec__known_dtype(const char *name, size_t len) {
  for (int i = 0; spec__known_dtypes[i]; i++)
    if (strlen(spec__known_dtypes[i]) == len && memcmp(spec__known_dtypes[i], name, len) == 0)
      return spec__known_dtypes[i];
  return NULL;
}

/* dtype name of `tf.float32` / `tf.dtypes.int64` / "float32". Aliases such
 * as "float" or tf.half are left unknown rather than guessed. */
static const char *spec__dtype_of(AnModel *m, TSNode e, int func) {
  e = an_unparen(m->lang, e);
  if (ts_node_is_null(e)) return NULL;
  if (an_sym(m->lang, e) == AN_SYM_string) {
    uint32_t len;
    const char *t = an_text(m->src, e, &len);
    if (len < 3 || (t[0] != '"' && t[0] != '\'')) return NULL;
    return spec__known_dtype(t + 1, len - 2);
  }
  const char *d = an_dotted(m, e, func);
  if (!d) return NULL;
  const char *last = strrchr(d, '.');
  if (!last) return NULL;
  if (!(an_dotted_has_prefix(d, "tensorflow") || an_dotted_has_prefix(d, "numpy"))) return NULL;
  last++;
  return spec__known_dtype(last, strlen(last));
}

typedef struct LeafScan {
  AnModel *m;
  bool any_float, any_int, any_bool, any_str, other;
} LeafScan;

static bool spec__leaf_visit(TSNode n, void *ctx) {
  LeafScan *l = ctx;
  switch (an_sym(l->m->lang, n)) {
  case AN_SYM_float: l->any_float = true; return false;
  case AN_SYM_integer: l->any_int = true; return false;
  case AN_SYM_true:
  case AN_SYM_false: l->any_bool = true; return false;
  case AN_SYM_string: l->any_str = true; return false;
  case AN_SYM_list:
  case AN_SYM_tuple:
  case AN_SYM_unary_operator:
  case AN_SYM_parenthesized_expression:
  case AN_SYM_comment: return true;
  default:
    if (ts_node_is_named(n)) l->other = true;
    return false;
  }
}

/* Shape and dtype of a Python literal (nested lists of numbers). */
static bool spec__literal(AnModel *m, TSNode lit, Spec *out) {
  LeafScan ls = {m, false, false, false, false, false};
  an_walk(lit, spec__leaf_visit, &ls);
  if (ls.other) return false;
  out->dtype = ls.any_str ? (ls.any_float || ls.any_int || ls.any_bool ? NULL : "string")
               : ls.any_float ? "float32"
               : ls.any_int ? "int32"
               : ls.any_bool ? "bool"
                             : NULL;
  out->rank = 0;
  TSNode cur = an_unparen(m->lang, lit);
  while (an_sym(m->lang, cur) == AN_SYM_list || an_sym(m->lang, cur) == AN_SYM_tuple) {
    if (out->rank >= SPEC_MAX_RANK) return false;
    uint32_t count = 0, n = ts_node_named_child_count(cur);
    TSNode first = {{0}, NULL, NULL};
    for (uint32_t i = 0; i < n; i++) {
      TSNode ch = ts_node_named_child(cur, i);
      if (an_sym(m->lang, ch) == AN_SYM_comment) continue;
      if (!count) first = ch;
      count++;
    }
    out->dims[out->rank++] = (int)count;
    if (!count) break;
    cur = an_unparen(m->lang, first);
  }
  return true;
}

/* A decimal integer literal's value; -1 for anything else. */
static int spec__int(const char *t, uint32_t len) {
  if (!len || len > 9) return -1;
  int v = 0;
  for (uint32_t i = 0; i < len; i++) {
    if (t[i] == '_') continue;
    if (t[i] < '0' || t[i] > '9') return -1;
    v = v * 10 + (t[i] - '0');
  }
  return v;
}

/* A shape argument: `[2, 3]`, `(n, 4)`, `5`. */
static bool spec__shape_arg(AnModel *m, TSNode e, Spec *out) {
  e = an_unparen(m->lang, e);
  AnSym s = an_sym(m->lang, e);
  if (s == AN_SYM_integer) {
    out->rank = 1;
    uint32_t len;
    const char *t = an_text(m->src, e, &len);
    out->dims[0] = spec__int(t, len);
    return true;
  }
  if (s != AN_SYM_list && s != AN_SYM_tuple) return false;
  out->rank = 0;
  uint32_t n = ts_node_named_child_count(e);
  for (uint32_t i = 0; i < n; i++) {
    TSNode ch = ts_node_named_child(e, i);
    AnSym cs = an_sym(m->lang, ch);
    if (cs == AN_SYM_comment) continue;
    if (cs == AN_SYM_list_splat || out->rank >= SPEC_MAX_RANK) return false;
    int dim = -1;
    if (cs == AN_SYM_integer) {
      uint32_t len;
      const char *t = an_text(m->src, ch, &len);
      dim = spec__int(t, len);
    }
    out->dims[out->rank++] = dim;
  }
  return true;
}

static bool spec__of(AnModel *m, TSNode e, int func, Spec *out);

/* Element spec of iterating a tf.data pipeline built in view:
 * from_tensor_slices / from_tensors, then batch, shuffle, prefetch, ... */
static bool spec__dataset_element(AnModel *m, TSNode iter, int pos, int func, Spec *out) {
  const AnLang *l = m->lang;
  int batches[8];
  uint32_t nb = 0;
  for (int step = 0; step < 24; step++) {
    iter = an_unparen(l, iter);
    AnSym s = an_sym(l, iter);
    if (s == AN_SYM_identifier) {
      int scope;
      TSNode v = an_single_value(m, iter, func, &scope);
      if (ts_node_is_null(v)) return false;
      iter = v;
      func = scope;
      continue;
    }
    if (s != AN_SYM_call) return false;
    TSNode fn = an_field(l, iter, AN_FIELD_function);
    const char *d = an_dotted(m, fn, func);
    bool slices = d && strcmp(d, "tensorflow.data.Dataset.from_tensor_slices") == 0;
    if (slices || (d && strcmp(d, "tensorflow.data.Dataset.from_tensors") == 0)) {
      TSNode base = an_unparen(l, an_call_arg(l, iter, 0));
      AnSym bs = an_sym(l, base);
      bool structure = bs == AN_SYM_tuple;
      if (pos == 255 || structure != (pos >= 0)) return false;
      if (structure) {
        uint32_t k = 0, n = ts_node_named_child_count(base);
        TSNode pick = {{0}, NULL, NULL};
        for (uint32_t i = 0; i < n; i++) {
          TSNode ch = ts_node_named_child(base, i);
          if (an_sym(l, ch) == AN_SYM_comment) continue;
          if ((int)k++ == pos) pick = ch;
        }
        if (ts_node_is_null(pick)) return false;
        base = pick;
      }
      if (!spec__of(m, base, func, out)) return false;
      if (slices) {
        if (out->rank < 1) return false;
        memmove(out->dims, out->dims + 1, sizeof(int) * (size_t)(out->rank - 1));
        out->rank--;
      }
      while (nb) {
        if (out->rank >= SPEC_MAX_RANK) return false;
        memmove(out->dims + 1, out->dims, sizeof(int) * (size_t)out->rank);
        out->dims[0] = batches[--nb];
        out->rank++;
      }
      return true;
    }
    if (an_sym(l, fn) != AN_SYM_attribute) return false;
    TSNode attr = an_field(l, fn, AN_FIELD_attribute);
    if (an_text_eq(m->src, attr, "batch")) {
      if (nb >= 8) return false;
      TSNode n = an_call_arg(l, iter, 0);
      TSNode drop = an_call_kwarg(l, m->src, iter, "drop_remainder");
      int size = -1;
      if (an_sym(l, n) == AN_SYM_integer && an_sym(l, drop) == AN_SYM_true) {
        uint32_t len;
        const char *t = an_text(m->src, n, &len);
        size = spec__int(t, len);
      }
      batches[nb++] = size;
    } else if (!an_text_eq(m->src, attr, "shuffle") && !an_text_eq(m->src, attr, "prefetch") &&
               !an_text_eq(m->src, attr, "repeat") && !an_text_eq(m->src, attr, "cache") &&
               !an_text_eq(m->src, attr, "take") && !an_text_eq(m->src, attr, "skip") &&
               !an_text_eq(m->src, attr, "with_options")) {
      return false;
    }
    iter = an_field(l, fn, AN_FIELD_object);
  }
  return false;
}

/* Spec of a tensor expression, following single bindings. */
static bool spec__of(AnModel *m, TSNode e, int func, Spec *out) {
  const AnLang *l = m->lang;
  const char *cast = NULL;
  spec__unknown(out);
  for (int step = 0; step < 16; step++) {
    e = an_unparen(l, e);
    AnSym s = an_sym(l, e);
    if (s == AN_SYM_identifier) {
      int scope;
      int b = an_single_binding(m, e, func, &scope);
      if (b < 0) return false;
      AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, b);
      /* `a, b = value` binds an element of value, not value itself. */
      if (ts_node_is_null(bd->value) || an_sym(l, bd->value) == AN_SYM_augmented_assignment || bd->from_unpack)
        return false;
      if (bd->from_for) {
        if (!spec__dataset_element(m, bd->value, bd->pos, scope, out)) return false;
        break;
      }
      e = bd->value;
      func = scope;
      continue;
    }
    if (s != AN_SYM_call) return false;
    const char *d = an_dotted(m, an_field(l, e, AN_FIELD_function), func);
    if (!d) return false;
    if (strcmp(d, "tensorflow.constant") == 0 || strcmp(d, "tensorflow.convert_to_tensor") == 0) {
      TSNode value = an_call_arg(l, e, 0);
      TSNode dt = an_call_kwarg(l, m->src, e, "dtype");
      if (ts_node_is_null(dt)) dt = an_call_arg(l, e, 1);
      TSNode shape = an_call_kwarg(l, m->src, e, "shape");
      if (ts_node_is_null(value) || !spec__literal(m, value, out)) {
        spec__unknown(out);
        if (ts_node_is_null(shape)) return false;
      }
      if (!ts_node_is_null(shape) && !spec__shape_arg(m, shape, out)) return false;
      if (!ts_node_is_null(dt)) out->dtype = spec__dtype_of(m, dt, func);
      break;
    }
    bool zeros = strcmp(d, "tensorflow.zeros") == 0 || strcmp(d, "tensorflow.ones") == 0;
    bool random = strcmp(d, "tensorflow.random.uniform") == 0 || strcmp(d, "tensorflow.random.normal") == 0 ||
                  strcmp(d, "tensorflow.random.truncated_normal") == 0;
    if (zeros || random) {
      TSNode shape = an_call_kwarg(l, m->src, e, "shape");
      if (ts_node_is_null(shape)) shape = an_call_arg(l, e, 0);
      if (!spec__shape_arg(m, shape, out)) return false;
      TSNode dt = an_call_kwarg(l, m->src, e, "dtype");
      if (ts_node_is_null(dt) && zeros) dt = an_call_arg(l, e, 1);
      out->dtype = ts_node_is_null(dt) ? "float32" : spec__dtype_of(m, dt, func);
      break;
    }
    if (strcmp(d, "tensorflow.zeros_like") == 0 || strcmp(d, "tensorflow.ones_like") == 0 ||
        strcmp(d, "tensorflow.identity") == 0 || strcmp(d, "tensorflow.cast") == 0) {
      if (strcmp(d, "tensorflow.cast") == 0) {
        TSNode dt = an_call_kwarg(l, m->src, e, "dtype");
        if (ts_node_is_null(dt)) dt = an_call_arg(l, e, 1);
        if (!cast) cast = spec__dtype_of(m, dt, func);
        if (!cast) return false;
      }
      e = an_call_arg(l, e, 0);
      continue;
    }
    return false;
  }
  if (cast) out->dtype = cast;
  return out->rank >= 0 && out->dtype != NULL;
}

static const char *spec__text(AnModel *m, const char *tf, const Spec *s) {
  AnBuf b = {0};
  an_buf_printf(&m->arena, &b, "%s.TensorSpec(shape=[", tf);
  for (int i = 0; i < s->rank; i++) {
    if (i) an_buf_puts(&m->arena, &b, ", ");
    if (s->dims[i] < 0)
      an_buf_puts(&m->arena, &b, "None");
    else
      an_buf_printf(&m->arena, &b, "%d", s->dims[i]);
  }
  an_buf_printf(&m->arena, &b, "], dtype=%s.%s)", tf, s->dtype);
  return an_buf_str(&m->arena, &b);
}

TSNode an_call_arg_for(AnModel *m, const AnFunc *f, const AnCall *c, uint32_t p, bool *splat) {
  const AnLang *l = m->lang;
  TSNode none = {{0}, NULL, NULL};
  TSNode args = an_field(l, c->node, AN_FIELD_arguments);
  if (an_sym(l, args) != AN_SYM_argument_list) {
    *splat = true;
    return none;
  }
  uint32_t skip = an_callee_binds_self(m, an_field(l, c->node, AN_FIELD_function), f) ? 1 : 0;
  if (p < skip) return none;
  uint32_t want = p - skip, pos = 0;
  uint32_t n = ts_node_named_child_count(args);
  for (uint32_t i = 0; i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    AnSym s = an_sym(l, a);
    if (s == AN_SYM_comment) continue;
    if (s == AN_SYM_list_splat || s == AN_SYM_dictionary_splat) {
      *splat = true;
      return none;
    }
    if (s == AN_SYM_keyword_argument) {
      if (an_text_eq(m->src, an_field(l, a, AN_FIELD_name), f->params[p].name)) return an_field(l, a, AN_FIELD_value);
      continue;
    }
    if (!f->params[p].kwonly && pos++ == want) return a;
  }
  return none;
}

/* --- plans ------------------------------------------------------------------- */

#define PLAN_MAX 12

typedef struct Plan {
  AnRefactorAction action;
  const char *why; /* why the offered action helps */
  const char *names[PLAN_MAX];
  const char *reasons[PLAN_MAX];
  uint32_t n;
  const char *signature;
} Plan;

static void plan__fail(AnModel *m, Plan *p, const char *name, const char *reason) {
  for (uint32_t i = 0; i < p->n; i++) {
    if (strcmp(p->names[i], name) == 0) {
      p->reasons[i] = an_arena_printf(&m->arena, "%s %s", p->reasons[i], reason);
      return;
    }
  }
  if (p->n < PLAN_MAX) {
    p->names[p->n] = name;
    p->reasons[p->n++] = reason;
  }
}

static uint32_t refactor__line(TSNode n) { return ts_node_start_point(n).row + 1; }

/* Positional parameters an input_signature must cover: up to the last one
 * without a default or passed by some caller (self excluded). */
static uint32_t refactor__covered(const AnFunc *f, uint32_t *out, uint32_t cap) {
  uint32_t n = 0, needed = 0;
  for (uint32_t i = 0; i < f->param_count && n < cap; i++) {
    const AnParam *pa = &f->params[i];
    if (pa->is_self || pa->kwonly) continue;
    if (pa->star || pa->dstar) break;
    out[n++] = i;
    if (ts_node_is_null(pa->default_value) || pa->overridden) needed = n;
  }
  return needed;
}

/* Spec of parameter `p` joined over its call sites in this module; on
 * failure adds the precondition and returns false. */
static bool refactor__param_spec(AnModel *m, int fi, uint32_t p, Plan *plan, Spec *out) {
  AnFunc *f = AN_FUNC(m, fi);
  AnParam *pa = &f->params[p];
  if (pa->kind == AN_KIND_PY_SCALAR || pa->kind == AN_KIND_PY_STR) {
    plan__fail(m, plan, "has-primitive-parameter",
               an_arena_printf(&m->arena,
                               "Call sites pass Python %s for '%s'; a TensorSpec would turn them into tensors.",
                               pa->kind == AN_KIND_PY_STR ? "strings" : "numbers", pa->name));
    return false;
  }
  if (!an_kind_is_tensor(pa->kind)) {
    plan__fail(m, plan, "undeterminable",
               pa->kind == AN_KIND_UNKNOWN
                   ? an_arena_printf(&m->arena, "No call site or annotation shows what '%s' receives.", pa->name)
                   : an_arena_printf(&m->arena, "'%s' receives a %s value, which a TensorSpec cannot describe.",
                                     pa->name, an_kind_name(pa->kind)));
    return false;
  }
  bool first = true;
  spec__unknown(out);
  AnCallIds calls = an_calls_to(m, fi);
  for (uint32_t i = 0; i < calls.count; i++) {
    AnCall *c = AN_CALL_AT(m, calls, i);
    bool splat = false;
    TSNode a = an_call_arg_for(m, f, c, p, &splat);
    if (splat) {
      plan__fail(m, plan, "undeterminable",
                 an_arena_printf(&m->arena, "The call on line %u unpacks its arguments, so '%s' cannot be matched.",
                                 refactor__line(c->node), pa->name));
      return false;
    }
    if (ts_node_is_null(a)) continue;
    Spec s;
    spec__unknown(&s);
    if (!spec__of(m, a, c->ctx.func, &s)) {
      plan__fail(m, plan, "undeterminable",
                 an_arena_printf(&m->arena, "The dtype or rank of '%s' is not visible at the call on line %u.",
                                 pa->name, refactor__line(c->node)));
      return false;
    }
    if (first) {
      *out = s;
      first = false;
      continue;
    }
    if (strcmp(s.dtype, out->dtype) != 0 || s.rank != out->rank) {
      plan__fail(m, plan, "undeterminable",
                 an_arena_printf(&m->arena, "Call sites pass '%s' with different %s (line %u).", pa->name,
                                 strcmp(s.dtype, out->dtype) != 0 ? "dtypes" : "ranks", refactor__line(c->node)));
      return false;
    }
    for (int k = 0; k < s.rank; k++)
      if (s.dims[k] != out->dims[k]) out->dims[k] = -1;
  }
  if (first) {
    plan__fail(m, plan, "undeterminable",
               an_arena_printf(&m->arena, "No call site in this module shows the dtype and shape of '%s'.", pa->name));
    return false;
  }
  return true;
}

/* The specs of a literal input_signature, or -1 when it is not a literal
 * list/tuple. */
static int refactor__sig_specs(AnModel *m, TSNode sig, TSNode *out, int cap) {
  sig = an_unparen(m->lang, sig);
  AnSym s = an_sym(m->lang, sig);
  if (s != AN_SYM_list && s != AN_SYM_tuple) return -1;
  int n = 0;
  uint32_t count = ts_node_named_child_count(sig);
  for (uint32_t i = 0; i < count; i++) {
    TSNode ch = ts_node_named_child(sig, i);
    AnSym cs = an_sym(m->lang, ch);
    if (cs == AN_SYM_comment) continue;
    if (cs == AN_SYM_list_splat) return -1;
    if (n < cap) out[n] = ch;
    n++;
  }
  return n;
}

/* Rank and dtype a `tf.TensorSpec(shape, dtype)` literal declares. */
static void refactor__declared(AnModel *m, TSNode spec, int func, Spec *out) {
  spec__unknown(out);
  spec = an_constant_value(m, spec, an_func_at(m, spec));
  if (an_sym(m->lang, spec) != AN_SYM_call) return;
  TSNode shape = an_call_kwarg(m->lang, m->src, spec, "shape");
  if (ts_node_is_null(shape)) shape = an_call_arg(m->lang, spec, 0);
  TSNode dt = an_call_kwarg(m->lang, m->src, spec, "dtype");
  if (ts_node_is_null(dt)) dt = an_call_arg(m->lang, spec, 1);
  if (!ts_node_is_null(shape) && !spec__shape_arg(m, shape, out)) out->rank = -1;
  out->dtype = ts_node_is_null(dt) ? "float32" : spec__dtype_of(m, dt, func);
}

bool an_tensor_spec_of(AnModel *m, TSNode e, int func, AnTensorSpec *out) { return spec__of(m, e, func, out); }

bool an_literal_spec(AnModel *m, TSNode lit, AnTensorSpec *out) {
  spec__unknown(out);
  return spec__literal(m, lit, out);
}

void an_declared_spec(AnModel *m, TSNode spec, int func, AnTensorSpec *out) { refactor__declared(m, spec, func, out); }

int an_signature_entries(AnModel *m, TSNode sig, TSNode *out, int cap) {
  int n = refactor__sig_specs(m, sig, out, cap);
  /* `SIG = (IMAGE, LABEL)`: what each entry names. */
  for (int i = 0; i < n && i < cap; i++) out[i] = an_constant_value(m, out[i], an_func_at(m, out[i]));
  return n;
}

/* The first trace-only item of `func`'s own body that matters; in a
 * tf.function a log meant for trace time does not. */
static bool refactor__first_effect(AnModel *m, int func, bool eager, AnTraceOnly *item) {
  AnTraceOnly items[8];
  uint32_t n = an_trace_only_items(m, func, items, 8);
  if (n > 8) n = 8;
  for (uint32_t i = 0; i < n; i++) {
    if (!eager && items[i].call && an_call_is_trace_log(m, items[i].call)) continue;
    if (strcmp(items[i].what, "breakpoint") == 0) continue; /* not a side effect (facts.c) */
    *item = items[i];
    return true;
  }
  return false;
}

/* The first Python side effect of `fi` (or of a function it calls); in an
 * eager function it is what would run only while tracing. */
static const char *refactor__effect_reason(AnModel *m, int fi, bool eager) {
  const char *when = eager ? "would run only while tracing once hybridized" : "runs only while tracing";
  AnTraceOnly item;
  if (refactor__first_effect(m, fi, eager, &item))
    return an_arena_printf(&m->arena, "'%s' on line %u is a %s that %s, not on every call.", an_snippet(m, item.node),
                           refactor__line(item.node), item.what, when);
  if (m->call_offsets) {
    for (uint32_t k = m->call_offsets[fi]; k < m->call_offsets[fi + 1]; k++) {
      AnCall *c = &AN_VEC_AT(m->calls, AnCall, m->call_order[k]);
      if (c->callee >= 0 && c->callee != fi && refactor__first_effect(m, c->callee, eager, &item))
        return an_arena_printf(&m->arena, "It calls '%s', whose '%s' (line %u) %s, not on every call.",
                               AN_FUNC(m, c->callee)->qualname, an_snippet(m, item.node), refactor__line(item.node),
                               when);
    }
  }
  return an_arena_printf(&m->arena, "It changes Python state (globals, attributes or outer containers), which %s.",
                         when);
}

static void refactor__eager_only(AnModel *m, int fi, const AnFunctionInfo *info, Plan *p) {
  AnFunc *f = AN_FUNC(m, fi);
  if (f->is_generator || f->is_async)
    plan__fail(m, p, "has-eager-only-calls",
               f->is_generator ? "It is a generator (yield); tf.function cannot trace generators."
                               : "It is a coroutine (async def); tf.function cannot trace coroutines.");
  if (info->eager_only_call_count)
    plan__fail(m, p, "has-eager-only-calls",
               an_arena_printf(&m->arena, "'%s' on line %u needs an eager tensor.", info->eager_only_calls[0].text,
                               info->eager_only_calls[0].line));
  if (!m->call_offsets) return;
  for (uint32_t k = m->call_offsets[fi]; k < m->call_offsets[fi + 1]; k++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, m->call_order[k]);
    if (!c->dotted || !an_dotted_has_prefix(c->dotted, "numpy")) continue;
    TSNode args = an_field(m->lang, c->node, AN_FIELD_arguments);
    for (uint32_t i = 0; i < f->param_count; i++) {
      AnParam *pa = &f->params[i];
      if (pa->is_self || !an_mentions(m, args, pa->name, (uint32_t)strlen(pa->name))) continue;
      /* Python numbers and strings stay Python values in the trace. */
      if (pa->kind == AN_KIND_PY_SCALAR || pa->kind == AN_KIND_PY_STR) continue;
      plan__fail(m, p, "numpy-call-on-parameter",
                 an_arena_printf(&m->arena, "'%s' on line %u applies NumPy to parameter '%s', a symbolic tensor in a graph.",
                                 an_snippet(m, c->node), refactor__line(c->node), pa->name));
      return;
    }
  }
}

static void refactor__iteration(AnModel *m, int fi, Plan *p) {
  AnFunc *f = AN_FUNC(m, fi);
  AN_FOR_SITES_OF(m, fi, s) {
    TSNode it = {{0}, NULL, NULL};
    if (s->kind == AN_SITE_FOR || s->kind == AN_SITE_COMP_FOR) it = an_field(m->lang, s->node, AN_FIELD_right);
    else if (s->kind == AN_SITE_SPLAT && ts_node_named_child_count(s->node)) it = ts_node_named_child(s->node, 0);
    else if (s->kind == AN_SITE_ASSIGN) {
      AnSym ls = an_sym(m->lang, an_field(m->lang, s->node, AN_FIELD_left));
      if (ls == AN_SYM_pattern_list || ls == AN_SYM_tuple_pattern || ls == AN_SYM_list_pattern)
        it = an_field(m->lang, s->node, AN_FIELD_right);
    }
    it = an_unparen(m->lang, it);
    if (an_sym(m->lang, it) != AN_SYM_identifier) continue;
    for (uint32_t k = 0; k < f->param_count; k++) {
      AnParam *pa = &f->params[k];
      if (pa->is_self || !an_kind_is_tensor(pa->kind) || !an_text_eq(m->src, it, pa->name)) continue;
      plan__fail(m, p, "tensor-parameter-iteration",
                 an_arena_printf(&m->arena, "Line %u iterates over tensor parameter '%s' in Python.",
                                 refactor__line(s->node), pa->name));
      return;
    }
  }
}

/* A Keras object parameter (model, layer, optimizer, metric) is traced by
 * identity: each other object traces anew, and in that later trace the
 * optimizer's first apply_gradients (or an unbuilt model's first call)
 * creates variables, which tf.function allows only on its first call
 * (HY402). One object at every eager call site is safe; an object built
 * in the call itself, or different expressions, are not. */
static void refactor__keras_identity(AnModel *m, int fi, Plan *p) {
  AnFunc *f = AN_FUNC(m, fi);
  for (uint32_t k = 0; k < f->param_count; k++) {
    AnParam *pa = &f->params[k];
    if (pa->is_self || pa->star || pa->dstar || pa->kind != AN_KIND_KERAS) continue;
    TSNode first = {{0}, NULL, NULL};
    AnCallIds calls = an_calls_to(m, fi);
    for (uint32_t i = 0; i < calls.count; i++) {
      AnCall *c = AN_CALL_AT(m, calls, i);
      if (an_in_graph(m, c->ctx.func)) continue;
      bool splat = false;
      TSNode a = an_unparen(m->lang, an_call_arg_for(m, f, c, k, &splat));
      if (splat || ts_node_is_null(a)) continue;
      bool fresh = an_sym(m->lang, a) == AN_SYM_call;
      bool other = false;
      if (!fresh && !ts_node_is_null(first)) {
        uint32_t l1, l2;
        const char *t1 = an_text(m->src, first, &l1), *t2 = an_text(m->src, a, &l2);
        other = l1 != l2 || memcmp(t1, t2, l1) != 0;
      }
      if (ts_node_is_null(first)) first = a;
      if (!fresh && !other) continue;
      plan__fail(m, p, "variables-created-on-retrace",
                 an_arena_printf(&m->arena,
                                 "The call on line %u passes %s Keras object for '%s'; as a tf.function it would "
                                 "trace again and create that object's variables in the later trace, which "
                                 "tf.function allows only on its first call.",
                                 refactor__line(c->node), fresh ? "a newly built" : "another", pa->name));
      return;
    }
  }
}

static bool refactor__eager_call_site(AnModel *m, int fi) {
  AnCallIds calls = an_calls_to(m, fi);
  for (uint32_t i = 0; i < calls.count; i++)
    if (!an_in_graph(m, AN_CALL_AT(m, calls, i)->ctx.func)) return true;
  return false;
}

/* "'a'", "'a' and 'b'", "'a', 'b' and 'c'": the counted parameters whose
 * kind `pick` accepts. */
static const char *refactor__param_list(AnModel *m, const AnFunc *f, bool (*pick)(AnKind)) {
  const char *names[32];
  uint32_t n = 0;
  for (uint32_t i = 0; i < f->param_count && n < 32; i++) {
    const AnParam *pa = &f->params[i];
    if (pa->is_self || pa->star || pa->dstar || !pick(pa->kind)) continue;
    if (!ts_node_is_null(pa->default_value) && !pa->overridden) continue;
    names[n++] = pa->name;
  }
  AnBuf b = {0};
  for (uint32_t i = 0; i < n; i++)
    an_buf_printf(&m->arena, &b, "%s'%s'", i == 0 ? "" : i + 1 == n ? " and " : ", ", names[i]);
  return an_buf_str(&m->arena, &b);
}

static bool refactor__is_unknown(AnKind k) { return k == AN_KIND_UNKNOWN || k == AN_KIND_MIXED; }
static bool refactor__is_python(AnKind k) { return k == AN_KIND_PY_SCALAR || k == AN_KIND_PY_STR; }

static void refactor__plan_hybridize(AnModel *m, int fi, const AnFunctionInfo *info, Plan *p) {
  AnFunc *f = AN_FUNC(m, fi);
  if (info->graph_mode && !refactor__eager_call_site(m, fi)) {
    AnBuf chain = {0};
    for (uint32_t i = 0; i < info->graph_chain_len; i++)
      an_buf_printf(&m->arena, &chain, "%s%s", i ? " -> " : "", info->graph_chain[i]);
    plan__fail(m, p, "only-called-from-graph",
               an_arena_printf(&m->arena, "It already runs inside graph code (%s) and no eager code calls it.",
                               an_buf_str(&m->arena, &chain)));
  }
  if (info->has_tensor_parameter == AN_FALSE)
    plan__fail(m, p, "no-tensor-parameter",
               info->param_count ? "No call site or annotation passes it a tensor." : "It takes no parameters.");
  else if (info->has_tensor_parameter == AN_NULL || info->has_primitive_parameter == AN_NULL)
    plan__fail(m, p, "undeterminable",
               an_arena_printf(&m->arena, "No call site or annotation shows what %s receive%s.",
                               refactor__param_list(m, f, refactor__is_unknown),
                               strstr(refactor__param_list(m, f, refactor__is_unknown), " and ") ? "" : "s"));
  if (info->has_primitive_parameter == AN_TRUE)
    plan__fail(m, p, "has-primitive-parameter",
               an_arena_printf(&m->arena, "Call sites pass Python values for %s; each new value would trace a new graph.",
                               refactor__param_list(m, f, refactor__is_python)));
  if (info->has_python_side_effects == AN_TRUE) plan__fail(m, p, "has-python-side-effects", refactor__effect_reason(m, fi, true));
  if (info->is_recursive == AN_TRUE)
    plan__fail(m, p, "is-recursive", "It calls itself; tf.function does not support recursion.");
  if (info->has_tensor_computation == AN_FALSE)
    plan__fail(m, p, "no-tensor-computation", "It performs no TensorFlow computation, so a graph cannot speed it up.");
  else if (info->has_tensor_computation == AN_NULL)
    plan__fail(m, p, "undeterminable", "Whether it computes with tensors depends on values of unknown kind.");
  refactor__eager_only(m, fi, info, p);
  refactor__iteration(m, fi, p);
  refactor__keras_identity(m, fi, p);
  if (!p->n && !an_tf_function_name(m))
    plan__fail(m, p, "undeterminable", "The module does not import tensorflow under a name the decorator could use.");
  if (!p->n) {
    p->action = AN_REFACTOR_HYBRIDIZE;
    p->why = "It runs eagerly op by op; as a tf.function it runs as one graph, which is usually faster.";
  }
}

/* Why removing tf.function helps, or NULL. */
static const char *refactor__dehybridize_why(AnModel *m, int fi, const AnFunctionInfo *info) {
  /* print("tracing ...") is meant to run once per trace: no reason. */
  if (info->has_python_side_effects == AN_TRUE && an_lasting_effects(m, fi))
    return an_arena_printf(&m->arena, "Its Python side effects must run on every call: %s",
                           refactor__effect_reason(m, fi, false));
  if (info->has_tensor_computation == AN_FALSE)
    return "It performs no TensorFlow computation, so the graph gains nothing.";
  if (info->has_tensor_parameter == AN_FALSE && info->has_primitive_parameter == AN_TRUE)
    return an_arena_printf(&m->arena, "Its callers pass only Python values (%s), so it traces once per value.",
                           refactor__param_list(m, AN_FUNC(m, fi), refactor__is_python));
  return NULL;
}

static void refactor__plan_signature(AnModel *m, int fi, Plan *p) {
  AnFunc *f = AN_FUNC(m, fi);
  const char *tf = an_tf_alias(m);
  uint32_t idx[32];
  uint32_t n = refactor__covered(f, idx, 32);
  for (uint32_t i = 0; i < f->param_count; i++)
    if (f->params[i].kwonly && ts_node_is_null(f->params[i].default_value))
      plan__fail(m, p, "undeterminable",
                 an_arena_printf(&m->arena, "Keyword-only parameter '%s' has no default, which no input_signature allows.",
                                 f->params[i].name));
  bool has_sig = !ts_node_is_null(f->tf.input_signature);
  TSNode specs[32];
  int nspecs = has_sig ? refactor__sig_specs(m, f->tf.input_signature, specs, 32) : 0;
  if (has_sig && nspecs < 0) return; /* not a literal: HY304's business */
  bool mismatch = false;
  if (has_sig) {
    uint32_t positional = 0;
    bool varargs = false;
    for (uint32_t i = 0; i < f->param_count; i++) {
      AnParam *pa = &f->params[i];
      if (pa->is_self || pa->kwonly || pa->dstar) continue;
      if (pa->star) varargs = true;
      else positional++;
    }
    if ((uint32_t)nspecs < n || ((uint32_t)nspecs > positional && !varargs)) mismatch = true;
  }
  if (!n) {
    if (!has_sig || mismatch)
      plan__fail(m, p, "no-tensor-parameter", "It has no parameter an input_signature could describe.");
    return;
  }
  AnBuf b = {0};
  an_buf_puts(&m->arena, &b, "[");
  uint32_t failed_before = p->n;
  for (uint32_t k = 0; k < n; k++) {
    Spec s;
    spec__unknown(&s);
    Plan probe;
    memset(&probe, 0, sizeof probe);
    bool ok = refactor__param_spec(m, fi, idx[k], has_sig ? &probe : p, &s);
    const char *text = NULL;
    if (ok) {
      if (has_sig && (int)k < nspecs) {
        Spec decl;
        refactor__declared(m, specs[k], f->parent, &decl);
        bool contradicts = (decl.dtype && strcmp(decl.dtype, s.dtype) != 0) || (decl.rank >= 0 && decl.rank != s.rank);
        for (int d = 0; !contradicts && decl.rank == s.rank && d < s.rank; d++)
          if (decl.dims[d] >= 0 && s.dims[d] >= 0 && decl.dims[d] != s.dims[d]) contradicts = true;
        if (contradicts) {
          mismatch = true;
          /* Dimensions the declaration leaves open stay open. */
          for (int d = 0; decl.rank == s.rank && d < s.rank; d++)
            if (decl.dims[d] < 0) s.dims[d] = -1;
        } else {
          uint32_t len;
          const char *t = an_text(m->src, specs[k], &len);
          text = an_arena_strndup(&m->arena, t, len);
        }
      }
      if (!text) text = tf ? spec__text(m, tf, &s) : NULL;
    } else if (has_sig && (int)k < nspecs) {
      uint32_t len;
      const char *t = an_text(m->src, specs[k], &len);
      text = an_arena_strndup(&m->arena, t, len);
    } else if (has_sig) {
      for (uint32_t q = 0; q < probe.n; q++) plan__fail(m, p, probe.names[q], probe.reasons[q]);
    }
    if (!text) continue;
    an_buf_printf(&m->arena, &b, "%s%s", k ? ", " : "", text);
  }
  an_buf_puts(&m->arena, &b, "]");
  if (has_sig && !mismatch) {
    p->n = failed_before; /* the signature is consistent: nothing to do */
    return;
  }
  if (!tf && p->n == failed_before)
    plan__fail(m, p, "undeterminable", "The module does not import tensorflow under a name for tf.TensorSpec.");
  if (p->n != failed_before) return;
  p->signature = an_buf_str(&m->arena, &b);
  p->action = has_sig ? AN_REFACTOR_REPAIR_SIGNATURE : AN_REFACTOR_ADD_SIGNATURE;
  p->why = has_sig ? "The input_signature contradicts the parameters or what the calls pass."
                   : "An input_signature fixes the dtypes and shapes it accepts, so it traces once instead of once per new shape.";
}

static void refactor__plan(AnModel *m, int fi, const AnFunctionInfo *info, Plan *p) {
  memset(p, 0, sizeof *p);
  AnFunc *f = AN_FUNC(m, fi);
  if (f->is_lambda) return;
  if (f->via == AN_VIA_NONE) {
    refactor__plan_hybridize(m, fi, info, p);
    return;
  }
  if (f->via == AN_VIA_KERAS) return;
  const char *why = refactor__dehybridize_why(m, fi, info);
  if (why) {
    if (info->is_recursive == AN_TRUE) {
      plan__fail(m, p, "is-recursive", "It calls itself; removing tf.function may change what the recursion computes.");
      return;
    }
    p->action = AN_REFACTOR_DEHYBRIDIZE;
    p->why = why;
    return;
  }
  refactor__plan_signature(m, fi, p);
}

void an_refactor_fill(AnModel *m, int func, AnFunctionInfo *info) {
  Plan p;
  refactor__plan(m, func, info, &p);
  AnRefactoring *r = &info->refactoring;
  r->action = p.action;
  r->input_signature = p.signature;
  r->failed_count = p.action == AN_REFACTOR_NONE ? p.n : 0;
  if (!r->failed_count) return;
  const char **names = an_arena_alloc(&m->arena, sizeof *names * r->failed_count);
  const char **reasons = an_arena_alloc(&m->arena, sizeof *reasons * r->failed_count);
  if (!names || !reasons) {
    r->failed_count = 0;
    return;
  }
  memcpy(names, p.names, sizeof *names * r->failed_count);
  memcpy(reasons, p.reasons, sizeof *reasons * r->failed_count);
  r->failed_preconditions = names;
  r->failed_reasons = reasons;
}

const char *an_refactor_reason(AnModel *m, int func, const AnFunctionInfo *info) {
  Plan p;
  refactor__plan(m, func, info, &p);
  return p.action == AN_REFACTOR_NONE ? NULL : p.why;
}

/* --- edits ------------------------------------------------------------------- */

static void edit__push(AnModel *m, AnVec *v, uint32_t start, uint32_t end, const char *text) {
  AnEdit *e = an_vec_push(&m->arena, v, sizeof *e);
  if (!e) return;
  e->start = start;
  e->end = end;
  e->text = text;
}

/* Where `, input_signature=...` goes in a tf.function(...) call: after its
 * last argument (or right after the open parenthesis). */
static void edit__add_kwarg(AnModel *m, AnVec *v, TSNode call, const char *kwarg) {
  TSNode args = an_field(m->lang, call, AN_FIELD_arguments);
  uint32_t n = ts_node_named_child_count(args);
  TSNode last = {{0}, NULL, NULL};
  for (uint32_t i = 0; i < n; i++) {
    TSNode ch = ts_node_named_child(args, i);
    if (an_sym(m->lang, ch) != AN_SYM_comment) last = ch;
  }
  if (ts_node_is_null(last)) {
    uint32_t at = ts_node_start_byte(args) + 1;
    edit__push(m, v, at, at, kwarg);
  } else {
    uint32_t at = ts_node_end_byte(last);
    edit__push(m, v, at, at, an_arena_printf(&m->arena, ", %s", kwarg));
  }
}

uint32_t an_refactor_edits(AnModel *m, int func, const AnFunctionInfo *info, AnVec *edits) {
  Plan p;
  refactor__plan(m, func, info, &p);
  AnFunc *f = AN_FUNC(m, func);
  uint32_t before = edits->count;
  switch (p.action) {
  case AN_REFACTOR_HYBRIDIZE: {
    uint32_t at = an_line_start(m, ts_node_start_byte(f->node));
    edit__push(m, edits, at, at,
               an_arena_printf(&m->arena, "%s@%s\n", an_indent_at(m, ts_node_start_byte(f->node)), an_tf_function_name(m)));
    break;
  }
  case AN_REFACTOR_DEHYBRIDIZE:
    if (f->via == AN_VIA_DECORATOR) {
      TSNode dec = ts_node_parent(f->hybrid_site);
      while (!ts_node_is_null(dec) && an_sym(m->lang, dec) != AN_SYM_decorator) dec = ts_node_parent(dec);
      if (ts_node_is_null(dec)) break;
      uint32_t s = ts_node_start_byte(dec), e = ts_node_end_byte(f->hybrid_site);
      uint32_t ls = an_line_start(m, s), le = an_line_end(m, e);
      /* A comment after the decorator stays, on its own line. */
      uint32_t comment = 0;
      for (uint32_t k = 0; k < m->comments.count && !comment; k++) {
        uint32_t cs = ts_node_start_byte(AN_VEC_AT(m->comments, TSNode, k));
        if (cs >= e && cs < le) comment = cs;
      }
      if (comment) {
        edit__push(m, edits, s, comment, "");
        break;
      }
      bool alone = true;
      for (uint32_t k = ls; k < s; k++)
        if (m->src[k] != ' ' && m->src[k] != '\t') alone = false;
      for (uint32_t k = e; k < le; k++)
        if (m->src[k] != ' ' && m->src[k] != '\t' && m->src[k] != '\n' && m->src[k] != '\r') alone = false;
      if (alone)
        edit__push(m, edits, ls, le, "");
      else
        edit__push(m, edits, s, e, "");
    } else {
      TSNode call = f->hybrid_site;
      TSNode arg = an_call_arg(m->lang, call, 0);
      if (ts_node_is_null(arg)) arg = an_call_kwarg(m->lang, m->src, call, "func");
      if (ts_node_is_null(arg)) break;
      uint32_t len;
      const char *t = an_text(m->src, arg, &len);
      TSNode parent = ts_node_parent(call);
      bool paren = an_sym(m->lang, an_unparen(m->lang, arg)) == AN_SYM_lambda && an_sym(m->lang, parent) == AN_SYM_call;
      edit__push(m, edits, ts_node_start_byte(call), ts_node_end_byte(call),
                 an_arena_printf(&m->arena, "%s%.*s%s", paren ? "(" : "", (int)len, t, paren ? ")" : ""));
    }
    break;
  case AN_REFACTOR_ADD_SIGNATURE: {
    const char *kw = an_arena_printf(&m->arena, "input_signature=%s", p.signature);
    TSNode site = f->hybrid_site;
    if (an_sym(m->lang, site) == AN_SYM_call)
      edit__add_kwarg(m, edits, site, kw);
    else
      edit__push(m, edits, ts_node_end_byte(site), ts_node_end_byte(site), an_arena_printf(&m->arena, "(%s)", kw));
    break;
  }
  case AN_REFACTOR_REPAIR_SIGNATURE: {
    /* A constant other code may read is left as it is: this function gets
     * its own signature in place of the name. */
    TSNode at = an_signature_editable(m, f) ? f->tf.input_signature : f->tf.signature_ref;
    edit__push(m, edits, ts_node_start_byte(at), ts_node_end_byte(at), p.signature);
    break;
  }
  default:
    break;
  }
  (void)info;
  return edits->count - before;
}
