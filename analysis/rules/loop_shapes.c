/* Incompatibility: HY220 a variable carried around a TensorFlow loop
 * changes shape or dtype.
 *
 * AutoGraph turns a `for` over a tensor, tf.range or a dataset, and a
 * `while` on a tensor condition, into a TensorFlow loop whose variables
 * (names bound before the loop and reassigned in it) must keep their dtype
 * and stay within their shape before the loop; it checks that while
 * tracing and raises. Reported only when the change is proven:
 *   - `acc = tf.concat([acc, y], axis)` where `acc`'s size on `axis` is
 *     known before the loop (and y is not provably empty there);
 *   - `acc = tf.stack([acc, ...])` or `acc = tf.expand_dims(acc, k)` with a
 *     known rank (the rank grows);
 *   - `acc = tf.cast(acc, dtype)` to a dtype other than its dtype before
 *     the loop, or any TensorFlow call whose dtype an_tensor_spec_of
 *     knows and differs from it (`acc = tf.constant(1.0)`);
 * with `acc` bound once before the loop to a tensor whose shape and dtype
 * an_tensor_spec_of knows, assigned once in the loop body, not under a
 * Python `if` or in a nested loop. Shape changes declared with
 * tf.autograph.experimental.set_loop_options(shape_invariants=...) are
 * allowed. Appends to an outer Python list are HY202's.
 */
#include <stdio.h>
#include <string.h>

#include "analysis/rules/retrace.h"

typedef enum ChangeKind { CHANGE_NONE, CHANGE_CONCAT, CHANGE_RANK, CHANGE_DTYPE } ChangeKind;

typedef struct LoopVar {
  AnModel *m;
  int func;
  TSNode assign, value; /* `acc = <value>` in the loop */
  const char *name;
  uint32_t len;
  TSNode loop, init; /* the TensorFlow loop; the value bound before it */
  AnTensorSpec entry;
  ChangeKind kind;
  AnTensorSpec exit; /* shape changes: after one iteration */
  bool exit_known;   /* false: only "different" is known */
  const char *dtype; /* CHANGE_DTYPE: the new dtype */
  bool dataset;      /* the loop iterates a dataset (its scan relaxes shapes) */
} LoopVar;

static bool lshape__is_name(const LoopVar *v, TSNode n) {
  n = an_unparen(v->m->lang, n);
  if (an_sym(v->m->lang, n) != AN_SYM_identifier) return false;
  uint32_t len;
  const char *t = an_text(v->m->src, n, &len);
  return len == v->len && memcmp(t, v->name, len) == 0;
}

/* The argument at `pos` or keyword `kw`. */
static TSNode lshape__arg(AnModel *m, TSNode call, uint32_t pos, const char *kw) {
  TSNode a = an_call_kwarg(m->lang, m->src, call, kw);
  return ts_node_is_null(a) ? an_call_arg(m->lang, call, pos) : a;
}

/* `tf.concat([..., acc, ...], axis)`: grows along a known axis. */
static bool lshape__concat(LoopVar *v, TSNode call) {
  AnModel *m = v->m;
  TSNode list = an_unparen(m->lang, lshape__arg(m, call, 0, "values"));
  AnSym ls = an_sym(m->lang, list);
  int axis;
  if ((ls != AN_SYM_list && ls != AN_SYM_tuple) || !an_int_literal(m->lang, m->src, lshape__arg(m, call, 1, "axis"), &axis)) return false;
  if (v->entry.rank < 1 || axis < -v->entry.rank || axis >= v->entry.rank) return false;
  if (axis < 0) axis += v->entry.rank;
  if (v->entry.dims[axis] < 0) return false; /* None before the loop accepts any size */
  uint32_t n = ts_node_named_child_count(list), self = 0, others = 0;
  int added = 0;
  bool known = true;
  for (uint32_t i = 0; i < n; i++) {
    TSNode el = ts_node_named_child(list, i);
    if (an_sym(m->lang, el) == AN_SYM_comment) continue;
    if (an_sym(m->lang, el) == AN_SYM_list_splat) return false;
    if (lshape__is_name(v, el)) {
      self++;
      continue;
    }
    others++;
    AnTensorSpec s;
    if (an_tensor_spec_of(m, el, v->func, &s) && s.rank == v->entry.rank && s.dims[axis] >= 0)
      added += s.dims[axis];
    else
      known = false;
  }
  if (self != 1 || !others || (known && added == 0)) return false;
  v->kind = CHANGE_CONCAT;
  v->exit = v->entry;
  v->exit.dims[axis] = v->entry.dims[axis] + added;
  v->exit_known = known;
  return true;
}

/* A new dimension of size `dim` inserted at `axis` (stack, expand_dims);
 * the exit shape stays unknown when the axis is not a literal. */
static void lshape__insert(LoopVar *v, TSNode axis_node, int dim) {
  v->kind = CHANGE_RANK;
  int axis = 0;
  if (v->entry.rank >= AN_SPEC_MAX_RANK || (!ts_node_is_null(axis_node) && !an_int_literal(v->m->lang, v->m->src, axis_node, &axis))) return;
  if (axis < 0) axis += v->entry.rank + 1;
  if (axis < 0 || axis > v->entry.rank) return;
  v->exit = v->entry;
  v->exit.rank = v->entry.rank + 1;
  for (int i = v->entry.rank; i > axis; i--) v->exit.dims[i] = v->entry.dims[i - 1];
  v->exit.dims[axis] = dim;
  v->exit_known = true;
}

/* The dtype name a tf.cast target spells (`tf.float32`, "float32"). */
static const char *lshape__dtype(AnModel *m, TSNode d, int func) {
  d = an_unparen(m->lang, d);
  if (an_sym(m->lang, d) == AN_SYM_string) {
    uint32_t len;
    const char *t = an_text(m->src, d, &len);
    if (len < 3 || (t[0] != '"' && t[0] != '\'') || t[len - 1] != t[0]) return NULL;
    return an_arena_strndup(&m->arena, t + 1, len - 2);
  }
  const char *dotted = an_dotted(m, d, func);
  if (!dotted) return NULL;
  static const char *const prefixes[] = {"tensorflow.dtypes.", "tensorflow.", NULL};
  for (int i = 0; prefixes[i]; i++) {
    size_t pl = strlen(prefixes[i]);
    if (strncmp(dotted, prefixes[i], pl) == 0 && !strchr(dotted + pl, '.')) return dotted + pl;
  }
  return NULL;
}

static bool lshape__known_dtype(const char *d) {
  static const char *const names[] = {"float16", "bfloat16", "float32", "float64", "int8", "int16", "int32",
                                      "int64", "uint8", "uint16", "uint32", "uint64", "bool", "string",
                                      "complex64", "complex128", NULL};
  for (int i = 0; names[i]; i++)
    if (strcmp(d, names[i]) == 0) return true;
  return false;
}

/* What the loop's assignment does to the variable's shape or dtype. */
static bool lshape__change(LoopVar *v) {
  AnModel *m = v->m;
  TSNode call = an_unparen(m->lang, v->value);
  if (an_sym(m->lang, call) != AN_SYM_call) return false;
  const char *d = an_dotted(m, an_field(m->lang, call, AN_FIELD_function), v->func);
  if (!d) return false;
  if (strcmp(d, "tensorflow.concat") == 0) return lshape__concat(v, call);
  if (strcmp(d, "tensorflow.stack") == 0) {
    TSNode list = an_unparen(m->lang, lshape__arg(m, call, 0, "values"));
    AnSym ls = an_sym(m->lang, list);
    if (ls != AN_SYM_list && ls != AN_SYM_tuple) return false;
    uint32_t n = 0, self = 0, count = ts_node_named_child_count(list);
    for (uint32_t i = 0; i < count; i++) {
      TSNode el = ts_node_named_child(list, i);
      if (an_sym(m->lang, el) == AN_SYM_list_splat) return false;
      if (an_sym(m->lang, el) == AN_SYM_comment) continue;
      n++;
      if (lshape__is_name(v, el)) self++;
    }
    if (self != 1) return false;
    lshape__insert(v, an_call_kwarg(m->lang, m->src, call, "axis"), (int)n);
    return true;
  }
  if (strcmp(d, "tensorflow.expand_dims") == 0) {
    if (!lshape__is_name(v, lshape__arg(m, call, 0, "input"))) return false;
    TSNode axis = lshape__arg(m, call, 1, "axis");
    if (ts_node_is_null(axis)) return false; /* axis is required */
    lshape__insert(v, axis, 1);
    return true;
  }
  if (strcmp(d, "tensorflow.cast") == 0) {
    if (!lshape__is_name(v, lshape__arg(m, call, 0, "x")) || !v->entry.dtype) return false;
    const char *to = lshape__dtype(m, lshape__arg(m, call, 1, "dtype"), v->func);
    if (!to || !lshape__known_dtype(to) || !lshape__known_dtype(v->entry.dtype) || strcmp(to, v->entry.dtype) == 0)
      return false;
    v->kind = CHANGE_DTYPE;
    v->dtype = to;
    return true;
  }
  /* Any other tensor of known dtype (control_flow.md: `x = tf.constant(1)`
   * before, `x = tf.constant(1.0)` in the loop): only its dtype is sure to
   * be checked, a shape may still fit the one before the loop. */
  AnTensorSpec s;
  if (!v->entry.dtype || !an_tensor_spec_of(m, call, v->func, &s) || !s.dtype || !lshape__known_dtype(s.dtype) ||
      !lshape__known_dtype(v->entry.dtype) || strcmp(s.dtype, v->entry.dtype) == 0)
    return false;
  v->kind = CHANGE_DTYPE;
  v->dtype = s.dtype;
  return true;
}

/* The assignment runs on every iteration: no Python `if`, `try` or inner
 * loop between it and the loop body. (A tensor `if` becomes a tf.cond,
 * which does not hide the change.) */
static bool lshape__unconditional(LoopVar *v) {
  AnModel *m = v->m;
  TSNode path[AN_MAX_ANCESTORS];
  int depth = an_ancestors(m, v->assign, v->func, path, AN_MAX_ANCESTORS);
  if (depth < 0) return false;
  bool inside = false;
  for (int i = 0; i < depth; i++) {
    if (ts_node_eq(path[i], v->loop)) {
      inside = true;
      continue;
    }
    if (!inside) continue;
    AnSym s = an_sym(m->lang, path[i]);
    if (s == AN_SYM_if_statement || s == AN_SYM_elif_clause) {
      TSNode c = an_field(m->lang, path[i], AN_FIELD_condition);
      if (!an_kind_is_tensor(an_kind_of(m, c, v->func))) return false;
    } else if (s == AN_SYM_try_statement || s == AN_SYM_for_statement || s == AN_SYM_while_statement ||
               s == AN_SYM_else_clause || s == AN_SYM_match_statement) {
      return false;
    }
  }
  return inside;
}

/* AutoGraph makes a name modified in the loop a loop variable only when
 * it is live there: read before the body rebinds it (the loop's condition
 * or iterable, the assignment's own value) or after the loop. A scratch
 * name reused in the body (`x = tf.constant(1.0)`, read only after that)
 * is local to each iteration and may take any dtype. Reads earlier in the
 * body are not looked for: missing them only misses a report. */
static bool lshape__live(LoopVar *v) {
  AnModel *m = v->m;
  bool is_for = an_sym(m->lang, v->loop) == AN_SYM_for_statement;
  TSNode head = an_field(m->lang, v->loop, is_for ? AN_FIELD_right : AN_FIELD_condition);
  return an_mentions(m, v->value, v->name, v->len) || an_mentions(m, head, v->name, v->len) ||
         an_read_after(m, v->func, v->loop, v->name, v->len);
}

/* The variable is carried by the loop: bound once before it (to a tensor
 * of known spec) and once inside its body. */
static bool lshape__carried(LoopVar *v) {
  AnModel *m = v->m;
  uint32_t ls = ts_node_start_byte(v->loop), le = ts_node_end_byte(v->loop);
  uint32_t before = 0, inside = 0;
  TSNode init = {{0}, NULL, NULL};
  bool init_ok = false;
  for (int b = an_hash_get(&m->binding_map, v->func, v->name, v->len); b >= 0;
       b = AN_VEC_AT(m->bindings, AnBinding, b).next) {
    AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, b);
    if (bd->at < ls) {
      before++;
      init = bd->value;
      init_ok = !bd->from_for && !bd->from_unpack && !ts_node_is_null(bd->value) &&
                an_sym(m->lang, bd->value) != AN_SYM_augmented_assignment;
    } else if (bd->at <= le) { /* `at` is the end of the value: the loop's end for its last statement */
      inside++;
    }
  }
  if (before != 1 || inside != 1 || !init_ok) return false;
  AnFunc *fn = AN_FUNC(m, v->func);
  for (uint32_t i = 0; i < fn->param_count; i++)
    if (strcmp(fn->params[i].name, v->name) == 0) return false;
  if (!an_tensor_spec_of(m, init, v->func, &v->entry) || v->entry.rank < 0) return false;
  v->init = init;
  return true;
}

/* tf.autograph.experimental.set_loop_options(shape_invariants=...) naming
 * the variable, in the loop body. */
static bool lshape__invariant_declared(LoopVar *v) {
  AnModel *m = v->m;
  TSNode body = an_field(m->lang, v->loop, AN_FIELD_body);
  AN_FOR_CALLS_OF(m, v->func, c) {
    if (!an_call_is(c, "tensorflow.autograph.experimental.set_loop_options") || !an_node_within(c->node, body))
      continue;
    TSNode inv = an_call_kwarg(m->lang, m->src, c->node, "shape_invariants");
    if (!ts_node_is_null(inv) && an_mentions(m, inv, v->name, v->len)) return true;
  }
  return false;
}

/* "(2, None)" as TensorShape prints it; "(...)" when unknown. */
static const char *lshape__shape_text(AnModel *m, const AnTensorSpec *s, bool known) {
  if (!known) return "(...)";
  char buf[160];
  size_t n = 0;
  buf[n++] = '(';
  for (int i = 0; i < s->rank && n < sizeof buf - 16; i++) {
    if (i) n += (size_t)snprintf(buf + n, sizeof buf - n, ", ");
    n += s->dims[i] >= 0 ? (size_t)snprintf(buf + n, sizeof buf - n, "%d", s->dims[i])
                         : (size_t)snprintf(buf + n, sizeof buf - n, "None");
  }
  if (s->rank == 1) buf[n++] = ',';
  buf[n++] = ')';
  return an_arena_strndup(&m->arena, buf, n);
}

static const char *lshape__loop_text(AnModel *m, TSNode loop) {
  bool is_for = an_sym(m->lang, loop) == AN_SYM_for_statement;
  TSNode e = an_field(m->lang, loop, is_for ? AN_FIELD_right : AN_FIELD_condition);
  return an_arena_printf(&m->arena, is_for ? "for ... in %s" : "while %s", an_snippet(m, e));
}

static void lshape__report(LoopVar *v) {
  AnModel *m = v->m;
  const char *where = an_arena_printf(&m->arena, "'%s' in '%s'", lshape__loop_text(m, v->loop), an_func_label(m, v->func));
  const char *entry = lshape__shape_text(m, &v->entry, true);
  const char *err, *advice;
  switch (v->kind) {
  case CHANGE_DTYPE:
    err = an_arena_printf(&m->arena, "TypeError: '%s' has dtype %s before the loop, but dtype %s after one iteration",
                          v->name, v->entry.dtype, v->dtype);
    advice = an_arena_printf(&m->arena, "create '%s' with dtype %s before the loop, or cast into a new name", v->name,
                             v->dtype);
    break;
  default: {
    const char *exit_shape = lshape__shape_text(m, &v->exit, v->exit_known);
    err = an_arena_printf(&m->arena,
                          "ValueError: '%s' has shape %s before the loop, but shape %s after one iteration. Use "
                          "tf.autograph.experimental.set_loop_options to set shape invariants.",
                          v->name, entry, exit_shape);
    advice = an_arena_printf(&m->arena,
                             "collect the values in a tf.TensorArray, or declare the changing dimensions None with "
                             "tf.autograph.experimental.set_loop_options(shape_invariants=[(%s, tf.TensorShape(...))])",
                             v->name);
  }
  }
  const char *what = v->kind == CHANGE_DTYPE    ? "changes dtype"
                     : v->kind == CHANGE_CONCAT ? "grows"
                                                : "gains a dimension";
  AnFinding *f = an_emit_node(m, AN_RULE_LOOP_CARRIED_SHAPE_CHANGE, v->value, v->func,
                              "'%s' is carried around the TensorFlow loop %s and %s in its body; AutoGraph "
                              "turns the loop into a %s, whose loop variables must keep their %s, so tracing "
                              "fails (%s); %s",
                              v->name, where, what, v->dataset ? "dataset scan" : "tf.while_loop",
                              v->dataset ? "dtype" : "shape and dtype", err, advice);
  if (!f) return;
  an_finding_related(m, f, v->init, "'%s' has shape %s and dtype %s before the loop", v->name, entry,
                     v->entry.dtype ? v->entry.dtype : "unknown");
  an_finding_related(m, f, an_field(m->lang, v->loop, an_sym(m->lang, v->loop) == AN_SYM_for_statement
                                                            ? AN_FIELD_right
                                                            : AN_FIELD_condition),
                     "a tensor here makes this a TensorFlow loop");
  an_finding_related_chain(m, f, v->func);
}

static void lshape__site(AnModel *m, int fi, const AnSite *s) {
  if (s->kind != AN_SITE_ASSIGN || !s->ctx.loop_depth || an_sym(m->lang, s->node) != AN_SYM_assignment ||
      !an_graph_code(m, &s->ctx))
    return;
  TSNode left = an_field(m->lang, s->node, AN_FIELD_left), right = an_field(m->lang, s->node, AN_FIELD_right);
  TSNode call = an_unparen(m->lang, right);
  if (an_sym(m->lang, left) != AN_SYM_identifier || an_sym(m->lang, call) != AN_SYM_call) return;
  /* The callee first: it is cheaper than finding the loops around. */
  static const char *const changing[] = {"tensorflow.concat", "tensorflow.stack", "tensorflow.expand_dims",
                                         "tensorflow.cast", NULL};
  const char *d = an_dotted(m, an_field(m->lang, call, AN_FIELD_function), fi);
  bool known = d && strncmp(d, "tensorflow.", 11) == 0; /* a fresh tensor: its dtype may differ */
  for (int i = 0; d && changing[i] && !known; i++) known = strcmp(d, changing[i]) == 0;
  if (!known) return;
  TSNode loops[AN_RETRACE_MAX_LOOPS];
  bool dataset;
  if (!an_retrace_loops(m, s->node, fi, loops, 1) || !an_tf_loop(m, loops[0], fi, &dataset)) return;
  LoopVar v;
  memset(&v, 0, sizeof v);
  v.m = m;
  v.func = fi;
  v.assign = s->node;
  v.value = right;
  v.name = an_text(m->src, left, &v.len);
  v.name = an_arena_strndup(&m->arena, v.name, v.len);
  v.loop = loops[0];
  if (!v.name || !lshape__carried(&v) || !lshape__change(&v) || !lshape__unconditional(&v) ||
      !lshape__live(&v))
    return;
  /* Dataset loops run as a scan that relaxes the state's shape and
   * retraces; only a dtype change fails there. */
  v.dataset = dataset;
  if (v.kind != CHANGE_DTYPE && (v.dataset || lshape__invariant_declared(&v))) return;
  lshape__report(&v);
}

void an_check_HY220(AnModel *m) {
  for (uint32_t i = 0; i < m->funcs.count && !m->arena.failed; i++) {
    AnFunc *fn = AN_FUNC(m, i);
    if (!an_in_graph(m, (int)i) || !fn->autograph) continue;
    AN_FOR_SITES_OF(m, (int)i, s) lshape__site(m, (int)i, s);
  }
}
