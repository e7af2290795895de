/* HY217 try-except-around-graph-ops: in graph code a `try` can only catch
 * what the Python body raises while it is traced. TensorFlow op failures
 * (tf.errors.*) are raised later, when the graph runs, so an `except` meant
 * for them never runs.
 *
 * Fires for an `except` naming only tf.errors classes around a body with
 * graph ops and nothing that raises tf.errors while tracing (tf.io.gfile,
 * checkpoint readers, code under tf.init_scope), and for a broad `except`
 * (bare, Exception, BaseException) around a body made only of ops that can
 * fail only at run time (tf.io.read_file, tf.debugging.assert_*, next() on
 * a tf.data iterator). A broad `except` around any other code may be meant
 * for trace-time Python errors and stays quiet. */
#include <string.h>

#include "analysis/rules/rules.h"

/* TensorFlow APIs that work on the Python side and can raise tf.errors
 * while the function is traced (file system, checkpoints, SavedModel). */
static const char *const tryex__trace_time_apis[] = {
    "tensorflow.io.gfile", "tensorflow.gfile", "tensorflow.train", "tensorflow.saved_model", "tensorflow.config",
    "tensorflow.errors", "tensorflow.python", "tensorflow.experimental.dtensor", "tensorflow.init_scope",
    "keras.models.load_model", "keras.saving", NULL,
};

/* Methods of objects of unknown kind that read or write files or
 * checkpoints on the Python side (checkpoint.restore, reader.get_tensor,
 * GFile.read, ...). */
static const char *const tryex__io_methods[] = {
    "restore", "restore_or_initialize", "get_tensor", "read", "readline", "readlines", "write", "save",
    "load", "exists", "listdir", "glob", "get_variable_to_shape_map", "get_variable_to_dtype_map", "open",
    NULL,
};

/* tf.errors classes that only describe op failures of a running graph;
 * the others (NotFoundError, ...) are also raised by Python-side file and
 * checkpoint APIs, so an opaque call in the body could raise them. */
static const char *const tryex__run_only_errors[] = {
    "OutOfRangeError", "InvalidArgumentError", "ResourceExhaustedError", "CancelledError",
    "DeadlineExceededError", "AbortedError", "InternalError", NULL,
};

static bool tryex__in(const char *s, const char *const *list) {
  for (int i = 0; list[i]; i++)
    if (strcmp(s, list[i]) == 0) return true;
  return false;
}

static bool tryex__has_prefix(const char *d, const char *const *list) {
  for (int i = 0; list[i]; i++)
    if (an_dotted_has_prefix(d, list[i])) return true;
  return false;
}

/* --- the except clause --------------------------------------------------- */

typedef enum TryexCatch { TRYEX_OTHER, TRYEX_TF_ERRORS, TRYEX_BROAD } TryexCatch;

/* A tf.errors class name: tensorflow.errors.X (any spelling an_dotted
 * canonicalises). Sets *run_only when X is in tryex__run_only_errors. */
static bool tryex__tf_error(AnModel *m, TSNode e, int func, bool *run_only) {
  const char *d = an_dotted(m, e, func);
  if (!d || strncmp(d, "tensorflow.errors.", 18) != 0 || strchr(d + 18, '.')) return false;
  if (!tryex__in(d + 18, tryex__run_only_errors)) *run_only = false;
  return true;
}

static TryexCatch tryex__classify(AnModel *m, TSNode clause, int func, bool *run_only) {
  TSNode type = an_unparen(m->lang, an_field(m->lang, clause, AN_FIELD_value));
  *run_only = true;
  if (ts_node_is_null(type)) return TRYEX_BROAD;
  AnSym s = an_sym(m->lang, type);
  if (s == AN_SYM_identifier) {
    const char *name = an_text_eq(m->src, type, "Exception")       ? "Exception"
                       : an_text_eq(m->src, type, "BaseException") ? "BaseException"
                                                                   : NULL;
    if (name) return an_name_shadowed(m, name, func) ? TRYEX_OTHER : TRYEX_BROAD;
  }
  if (s == AN_SYM_tuple) {
    uint32_t n = ts_node_named_child_count(type);
    for (uint32_t i = 0; i < n; i++)
      if (!tryex__tf_error(m, ts_node_named_child(type, i), func, run_only)) return TRYEX_OTHER;
    return n ? TRYEX_TF_ERRORS : TRYEX_OTHER;
  }
  return tryex__tf_error(m, type, func, run_only) ? TRYEX_TF_ERRORS : TRYEX_OTHER;
}

/* --- the try body -------------------------------------------------------- */

typedef struct TryexBody {
  bool graph_op;   /* a TensorFlow op is built in the body */
  bool trace_time; /* something may raise tf.errors while tracing */
  bool opaque;     /* a call whose effect is unknown */
  bool run_only;   /* every call is an op that fails only at run time */
  bool any_run_only;
  bool iterates;   /* next() or get_next() in the body */
} TryexBody;

/* `it` in `next(it)` is a tf.data iterator: `iter(dataset)` itself, or a
 * local name every binding of which is one. */
static bool tryex__data_iter_expr(AnModel *m, TSNode e, int func) {
  e = an_unparen(m->lang, e);
  if (an_sym(m->lang, e) != AN_SYM_call) return false;
  const char *d = an_dotted(m, an_field(m->lang, e, AN_FIELD_function), func);
  if (!d || strcmp(d, "builtins.iter") != 0 || an_call_argc(m->lang, e) != 1) return false;
  return an_kind_of(m, an_call_arg(m->lang, e, 0), func) == AN_KIND_DATASET;
}

static bool tryex__data_iterator(AnModel *m, TSNode e, int func) {
  e = an_unparen(m->lang, e);
  if (tryex__data_iter_expr(m, e, func)) return true;
  if (an_sym(m->lang, e) != AN_SYM_identifier || func < 0) return false;
  uint32_t len;
  const char *t = an_text(m->src, e, &len);
  int b = an_hash_get(&m->binding_map, func, t, len);
  if (b < 0) return false;
  for (int k = b; k >= 0; k = AN_VEC_AT(m->bindings, AnBinding, k).next) {
    AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, k);
    if (bd->from_for || bd->from_unpack || ts_node_is_null(bd->value) || !tryex__data_iter_expr(m, bd->value, func))
      return false;
  }
  return true;
}

/* Ops that cannot fail while tracing, only when the graph runs. */
static bool tryex__run_only_op(AnModel *m, const AnCall *c) {
  if (c->dotted) {
    const char *d = c->dotted;
    if (strcmp(d, "tensorflow.io.read_file") == 0 || strcmp(d, "tensorflow.read_file") == 0 ||
        strcmp(d, "tensorflow.debugging.Assert") == 0 || strcmp(d, "tensorflow.Assert") == 0 ||
        strcmp(d, "tensorflow.debugging.check_numerics") == 0 ||
        strncmp(d, "tensorflow.debugging.assert_", 28) == 0 || strncmp(d, "tensorflow.assert_", 18) == 0)
      return true;
    if (strcmp(d, "builtins.next") == 0)
      return an_call_argc(m->lang, c->node) == 1 && tryex__data_iterator(m, an_call_arg(m->lang, c->node, 0), c->ctx.func);
    return false;
  }
  return c->method && strcmp(c->method, "get_next") == 0 && an_call_argc(m->lang, c->node) == 0;
}

/* True when function `f` (or what it calls in this module) uses a
 * Python-side TensorFlow API that can raise tf.errors while tracing. */
static bool tryex__callee_trace_time(AnModel *m, int f, uint8_t *seen) {
  if (f < 0 || seen[f]) return false;
  seen[f] = 1;
  AN_FOR_CALLS_OF(m, f, c) {
    if (c->dotted && tryex__has_prefix(c->dotted, tryex__trace_time_apis)) return true;
    if (c->ctx.init_scope) return true;
    if (tryex__callee_trace_time(m, c->callee, seen)) return true;
  }
  return false;
}

static void tryex__call(AnModel *m, const AnCall *c, TryexBody *b, uint8_t *seen) {
  int func = c->ctx.func;
  bool run_only = tryex__run_only_op(m, c);
  /* next() in graph code is a get-next op for the tf.data iterators
   * tf.functions receive; a Python iterator would raise StopIteration,
   * which a tf.errors except does not catch either. */
  if ((an_call_is(c, "builtins.next") && an_call_argc(m->lang, c->node) == 1) ||
      (c->method && strcmp(c->method, "get_next") == 0)) {
    b->iterates = true;
    b->graph_op = true;
  }
  if (run_only) b->any_run_only = true;
  else if (!an_call_is(c, "tensorflow.print") && !an_call_is(c, "builtins.iter"))
    b->run_only = false;
  if (c->ctx.init_scope) b->trace_time = true;
  if (c->dotted) {
    if (tryex__has_prefix(c->dotted, tryex__trace_time_apis)) {
      b->trace_time = true;
      return;
    }
    if (an_dotted_has_prefix(c->dotted, "tensorflow") || run_only) {
      b->graph_op = true;
      return;
    }
    if (an_dotted_has_prefix(c->dotted, "builtins") || an_dotted_has_prefix(c->dotted, "numpy")) return;
  }
  if (c->callee >= 0) {
    memset(seen, 0, m->funcs.count);
    if (tryex__callee_trace_time(m, c->callee, seen)) b->trace_time = true;
    if (an_kind_is_tensor(an_kind_of(m, c->node, func))) b->graph_op = true;
    return;
  }
  if (c->method && !ts_node_is_null(c->object)) {
    AnKind ok = an_kind_of(m, c->object, func);
    if (an_kind_is_tensor(ok) || ok == AN_KIND_DATASET || ok == AN_KIND_KERAS) {
      b->graph_op = true;
      return;
    }
    if (tryex__in(c->method, tryex__io_methods)) b->trace_time = true;
  }
  AnKind k = an_kind_of(m, c->node, func);
  if (an_kind_is_tensor(k) || k == AN_KIND_DATASET) b->graph_op = true;
  else if (!run_only) b->opaque = true;
  if (run_only) b->graph_op = true;
}

/* Statements in a body that only holds run-time-only ops: assignments to
 * names, expression statements, returns and pass. Anything else (Python
 * conditions, loops, asserts, raises, subscripts of Python values) could
 * raise while tracing, which a broad except may be meant for. */
typedef struct TryexShape {
  AnModel *m;
  bool plain;
} TryexShape;

static bool tryex__shape_visit(TSNode n, void *ctx) {
  TryexShape *sh = ctx;
  if (!sh->plain || !ts_node_is_named(n)) return false;
  switch (an_sym(sh->m->lang, n)) {
  case AN_SYM_block:
  case AN_SYM_expression_statement:
  case AN_SYM_return_statement:
  case AN_SYM_pass_statement:
  case AN_SYM_call:
  case AN_SYM_argument_list:
  case AN_SYM_keyword_argument:
  case AN_SYM_attribute:
  case AN_SYM_list:
  case AN_SYM_tuple:
    return true;
  case AN_SYM_identifier:
  case AN_SYM_string:
  case AN_SYM_concatenated_string:
  case AN_SYM_integer:
  case AN_SYM_float:
  case AN_SYM_true:
  case AN_SYM_false:
  case AN_SYM_none:
  case AN_SYM_comment:
    return false;
  case AN_SYM_assignment: {
    AnSym ls = an_sym(sh->m->lang, an_field(sh->m->lang, n, AN_FIELD_left));
    if (ls != AN_SYM_identifier && ls != AN_SYM_pattern_list) sh->plain = false;
    return sh->plain;
  }
  default:
    sh->plain = false;
    return false;
  }
}

static TryexBody tryex__body(AnModel *m, TSNode body, int func, uint8_t *seen) {
  TryexBody b = {false, false, false, true, false, false};
  AN_FOR_CALLS_OF(m, func, c) {
    if (an_node_within(c->node, body)) tryex__call(m, c, &b, seen);
  }
  return b;
}

static bool tryex__plain(AnModel *m, TSNode body) {
  TryexShape sh = {m, true};
  an_walk(body, tryex__shape_visit, &sh);
  return sh.plain;
}

/* --- the check ----------------------------------------------------------- */

static void tryex__report(AnModel *m, TSNode span, int func, bool iterates) {
  AnFinding *f = an_emit_node(
      m, AN_RULE_TRY_EXCEPT_AROUND_GRAPH_OPS, span, func,
      "'except%s%s' in '%s' never sees the errors of the TensorFlow ops in its try: they are raised when the graph "
      "runs, after this Python code was traced, and surface from the call of the function; move the try/except to "
      "the eager caller%s",
      ts_node_is_named(span) ? " " : "", ts_node_is_named(span) ? an_snippet(m, span) : "",
      an_func_label(m, func), iterates ? " or use the iterator's get_next_as_optional()" : "");
  an_finding_related_chain(m, f, func);
}

static void tryex__site(AnModel *m, const AnSite *s, uint8_t *seen) {
  int func = s->ctx.func;
  TSNode body = an_field(m->lang, s->node, AN_FIELD_body);
  if (ts_node_is_null(body)) return;
  bool have = false;
  TryexBody b = {0};
  uint32_t n = ts_node_named_child_count(s->node);
  for (uint32_t i = 0; i < n; i++) {
    TSNode clause = ts_node_named_child(s->node, i);
    if (an_sym(m->lang, clause) != AN_SYM_except_clause) continue;
    bool run_only_errors;
    TryexCatch kind = tryex__classify(m, clause, func, &run_only_errors);
    if (kind == TRYEX_OTHER) continue;
    if (!have) {
      b = tryex__body(m, body, func, seen);
      have = true;
    }
    if (!b.graph_op || b.trace_time) return;
    TSNode type = an_field(m->lang, clause, AN_FIELD_value);
    TSNode span = ts_node_is_null(type) ? ts_node_child(clause, 0) : type;
    if (kind == TRYEX_TF_ERRORS && (run_only_errors || !b.opaque)) {
      tryex__report(m, span, func, b.iterates);
    } else if (kind == TRYEX_BROAD && b.run_only && b.any_run_only && tryex__plain(m, body)) {
      tryex__report(m, span, func, b.iterates);
    }
  }
}

void an_check_HY217(AnModel *m) {
  if (!m->funcs.count) return;
  uint8_t *seen = an_arena_alloc(&m->arena, m->funcs.count);
  if (!seen) return;
  for (uint32_t i = 0; i < m->sites.count; i++) {
    AnSite *s = &AN_VEC_AT(m->sites, AnSite, i);
    /* Under tf.init_scope the body runs eagerly and raises right there. */
    if (s->kind != AN_SITE_TRY || s->ctx.init_scope || !an_graph_code(m, &s->ctx)) continue;
    tryex__site(m, s, seen);
  }
}
