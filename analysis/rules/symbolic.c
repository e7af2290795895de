/* Code that needs a concrete value where graph code has a symbolic tensor:
 * HY207 .numpy(), HY208 NumPy calls, HY209 tensors as Python bools, HY210
 * iteration of tensors; and functions tf.function cannot trace: HY215
 * generators, HY218 recursion. */
#include <string.h>

#include "analysis/rules/rules.h"

/* --- HY207 eager-only-numpy-method --------------------------------------- */

/* A parameter of the graph function itself: graph code receives tensors
 * there, whatever the caller passed, so `.numpy()` on it cannot work. */
static bool symbolic__is_param(AnModel *m, TSNode obj, int func) {
  obj = an_unparen(m->lang, obj);
  if (func < 0 || an_sym(m->lang, obj) != AN_SYM_identifier) return false;
  AnFunc *f = AN_FUNC(m, func);
  for (uint32_t i = 0; i < f->param_count; i++)
    if (!f->params[i].is_self && an_text_eq(m->src, obj, f->params[i].name)) return true;
  return false;
}

/* `cond` holds only when `obj` is an eager value: tf.executing_eagerly(),
 * isinstance(obj, EagerTensor), or hasattr(obj, "numpy") -- False for a
 * symbolic tensor (its __getattr__ raises AttributeError) but True for a
 * variable, whose numpy() exists and raises -- or a conjunction with one. */
static bool symbolic__eager_test(AnModel *m, TSNode cond, TSNode obj, bool variable, int func) {
  const AnLang *l = m->lang;
  cond = an_unparen(l, cond);
  AnSym s = an_sym(l, cond);
  if (s == AN_SYM_boolean_operator) {
    TSNode op = an_field(l, cond, AN_FIELD_operator);
    if (ts_node_is_null(op) || !an_text_eq(m->src, op, "and")) return false;
    return symbolic__eager_test(m, an_field(l, cond, AN_FIELD_left), obj, variable, func) ||
           symbolic__eager_test(m, an_field(l, cond, AN_FIELD_right), obj, variable, func);
  }
  if (s != AN_SYM_call) return false;
  const char *d = an_dotted(m, an_field(l, cond, AN_FIELD_function), func);
  if (!d) return false;
  if (strcmp(d, "tensorflow.executing_eagerly") == 0) return true;
  TSNode a0 = an_unparen(l, an_call_arg(l, cond, 0)), a1 = an_call_arg(l, cond, 1);
  if (ts_node_is_null(a0) || ts_node_is_null(a1)) return false;
  uint32_t la, lo;
  const char *ta = an_text(m->src, a0, &la), *to = an_text(m->src, obj, &lo);
  if (la != lo || memcmp(ta, to, la) != 0) return false;
  if (strcmp(d, "builtins.hasattr") == 0)
    return !variable && (an_text_eq(m->src, a1, "\"numpy\"") || an_text_eq(m->src, a1, "'numpy'"));
  if (strcmp(d, "builtins.isinstance") != 0) return false;
  const char *t = an_dotted(m, a1, func);
  return t && (strcmp(t, "tensorflow.__internal__.EagerTensor") == 0 ||
               strcmp(t, "tensorflow.python.framework.ops.EagerTensor") == 0);
}

/* `not <eager test>`. */
static bool symbolic__graph_test(AnModel *m, TSNode cond, TSNode obj, bool variable, int func) {
  cond = an_unparen(m->lang, cond);
  return an_sym(m->lang, cond) == AN_SYM_not_operator &&
         symbolic__eager_test(m, an_field(m->lang, cond, AN_FIELD_argument), obj, variable, func);
}

/* `if not <eager test>: ... return/raise` without else among the
 * statements of `block` before `stmt`: graph code has left by then. */
static bool symbolic__early_exit(AnModel *m, TSNode block, TSNode stmt, TSNode obj, bool variable, int func) {
  const AnLang *l = m->lang;
  uint32_t n = ts_node_named_child_count(block);
  for (uint32_t i = 0; i < n; i++) {
    TSNode st = ts_node_named_child(block, i);
    if (ts_node_start_byte(st) >= ts_node_start_byte(stmt)) break;
    if (an_sym(l, st) != AN_SYM_if_statement || !ts_node_is_null(an_field(l, st, AN_FIELD_alternative))) continue;
    if (!symbolic__graph_test(m, an_field(l, st, AN_FIELD_condition), obj, variable, func)) continue;
    TSNode body = an_field(l, st, AN_FIELD_consequence);
    uint32_t k = ts_node_is_null(body) ? 0 : ts_node_named_child_count(body);
    if (!k) continue;
    AnSym last = an_sym(l, ts_node_named_child(body, k - 1));
    if (last == AN_SYM_return_statement || last == AN_SYM_raise_statement) return true;
  }
  return false;
}

/* The `.numpy()` call sits where only eager values arrive: in the branch
 * of an eager test on its object (if/elif, conditional expression, `and`),
 * in the else of its negation, or after an early exit on its negation. */
static bool symbolic__eager_only(AnModel *m, const AnCall *c, bool variable) {
  const AnLang *l = m->lang;
  TSNode anc[AN_MAX_ANCESTORS];
  int n = an_ancestors(m, c->node, c->ctx.func, anc, AN_MAX_ANCESTORS);
  for (int i = n - 1; i >= 0; i--) {
    TSNode a = anc[i], inner = i + 1 < n ? anc[i + 1] : c->node;
    AnSym s = an_sym(l, a);
    if (s == AN_SYM_function_definition || s == AN_SYM_lambda) break;
    if (s == AN_SYM_if_statement || s == AN_SYM_elif_clause) {
      TSNode cond = an_field(l, a, AN_FIELD_condition);
      if (an_node_within(inner, an_field(l, a, AN_FIELD_consequence)))
        if (symbolic__eager_test(m, cond, c->object, variable, c->ctx.func)) return true;
      if (an_sym(l, inner) == AN_SYM_else_clause && symbolic__graph_test(m, cond, c->object, variable, c->ctx.func))
        return true;
    } else if (s == AN_SYM_conditional_expression && ts_node_named_child_count(a) == 3) {
      TSNode cond = ts_node_named_child(a, 1);
      if (an_node_within(inner, ts_node_named_child(a, 0)) &&
          symbolic__eager_test(m, cond, c->object, variable, c->ctx.func))
        return true;
      if (an_node_within(inner, ts_node_named_child(a, 2)) &&
          symbolic__graph_test(m, cond, c->object, variable, c->ctx.func))
        return true;
    } else if (s == AN_SYM_boolean_operator) {
      TSNode op = an_field(l, a, AN_FIELD_operator);
      if (!ts_node_is_null(op) && an_text_eq(m->src, op, "and") &&
          an_node_within(inner, an_field(l, a, AN_FIELD_right)) &&
          symbolic__eager_test(m, an_field(l, a, AN_FIELD_left), c->object, variable, c->ctx.func))
        return true;
    } else if (s == AN_SYM_block && symbolic__early_exit(m, a, inner, c->object, variable, c->ctx.func)) {
      return true;
    }
  }
  return false;
}

void an_check_HY207(AnModel *m) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (!c->method || ts_node_is_null(c->object) || !an_graph_code(m, &c->ctx)) continue;
    bool numpy = strcmp(c->method, "numpy") == 0;
    bool iter = strcmp(c->method, "as_numpy_iterator") == 0;
    if ((!numpy && !iter) || an_call_argc(m->lang, c->node) != 0) continue;
    AnKind k = an_kind_of(m, c->object, c->ctx.func);
    /* In graph code `.numpy()` fails on tensors, variables and Python values
     * alike; only a NumPy array (which has no such method) or a known
     * non-tensor object would make it something else. */
    if (k != AN_KIND_TENSOR && k != AN_KIND_VARIABLE && k != AN_KIND_UNKNOWN && !(iter && k == AN_KIND_DATASET))
      continue;
    if (k == AN_KIND_UNKNOWN && !symbolic__is_param(m, c->object, c->ctx.func)) continue;
    if (numpy && symbolic__eager_only(m, c, k == AN_KIND_VARIABLE)) continue;
    const char *why = iter ? "as_numpy_iterator() is only supported in eager mode"
                      : k == AN_KIND_VARIABLE ? "NotImplementedError: numpy() is only available when eager execution is enabled"
                                               : "AttributeError: 'SymbolicTensor' object has no attribute 'numpy'";
    AnFinding *f = an_emit_node(m, AN_RULE_EAGER_ONLY_NUMPY_METHOD, c->node, c->ctx.func,
                                "'%s' needs an eager value, but inside '%s' tensors are symbolic (%s); keep "
                                "using the tensor, or move this code out of graph code",
                                an_snippet(m, c->node), an_func_label(m, c->ctx.func), why);
    an_finding_related_chain(m, f, c->ctx.func);
    if (!f || !numpy) continue;
    /* `x.numpy()` -> `x`: the same value as a tensor; consumers that need
     * NumPy would break, so it is offered, not applied by fix-all. */
    AnFix *fix = an_finding_fix(m, f, "Remove .numpy() and keep the tensor", false);
    an_fix_edit(m, fix, ts_node_end_byte(c->object), ts_node_end_byte(c->node), "");
  }
}

/* --- HY208 numpy-call-on-symbolic ---------------------------------------- */

static const struct {
  const char *numpy, *tf;
} symbolic__numpy_to_tf[] = {
    {"numpy.exp", "math.exp"},         {"numpy.log", "math.log"},
    {"numpy.sqrt", "math.sqrt"},       {"numpy.abs", "math.abs"},
    {"numpy.square", "math.square"},   {"numpy.tanh", "math.tanh"},
    {"numpy.sum", "reduce_sum"},       {"numpy.mean", "reduce_mean"},
    {"numpy.max", "reduce_max"},       {"numpy.min", "reduce_min"},
    {"numpy.argmax", "argmax"},        {"numpy.argmin", "argmin"},
    {"numpy.concatenate", "concat"},   {"numpy.stack", "stack"},
    {"numpy.reshape", "reshape"},      {"numpy.transpose", "transpose"},
    {"numpy.matmul", "linalg.matmul"}, {"numpy.dot", "tensordot"},
    {"numpy.clip", "clip_by_value"},   {"numpy.maximum", "maximum"},
    {"numpy.minimum", "minimum"},      {"numpy.where", "where"},
};

/* A tensor among the call's arguments, looking one level into list and
 * tuple literals (`np.concatenate([a, b])`). */
static TSNode symbolic__tensor_arg(AnModel *m, const AnCall *c) {
  TSNode none = {{0}, NULL, NULL};
  TSNode args = an_field(m->lang, c->node, AN_FIELD_arguments);
  uint32_t n = ts_node_is_null(args) ? 0 : ts_node_named_child_count(args);
  for (uint32_t i = 0; i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    if (an_sym(m->lang, a) == AN_SYM_keyword_argument) a = an_field(m->lang, a, AN_FIELD_value);
    AnSym s = an_sym(m->lang, a);
    if (s == AN_SYM_list || s == AN_SYM_tuple) {
      uint32_t k = ts_node_named_child_count(a);
      for (uint32_t j = 0; j < k; j++)
        if (an_kind_is_tensor(an_kind_of(m, ts_node_named_child(a, j), c->ctx.func))) return ts_node_named_child(a, j);
      continue;
    }
    if (an_kind_is_tensor(an_kind_of(m, a, c->ctx.func))) return a;
  }
  return none;
}

static bool symbolic__is_numpy_like(const char *d) {
  return an_dotted_has_prefix(d, "numpy") || an_dotted_has_prefix(d, "scipy") || an_dotted_has_prefix(d, "pandas");
}

void an_check_HY208(AnModel *m) {
  const char *tf = an_tf_alias(m);
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (!c->dotted || !symbolic__is_numpy_like(c->dotted) || !an_graph_code(m, &c->ctx)) continue;
    TSNode t = symbolic__tensor_arg(m, c);
    if (ts_node_is_null(t)) continue;
    const char *alt = NULL;
    for (size_t k = 0; k < sizeof symbolic__numpy_to_tf / sizeof symbolic__numpy_to_tf[0]; k++)
      if (strcmp(c->dotted, symbolic__numpy_to_tf[k].numpy) == 0) alt = symbolic__numpy_to_tf[k].tf;
    AnFinding *f = an_emit_node(
        m, AN_RULE_NUMPY_CALL_ON_SYMBOLIC, c->node, c->ctx.func,
        "'%s' asks NumPy for the value of the symbolic tensor '%s' while '%s' is traced (NotImplementedError: "
        "Cannot convert a symbolic tf.Tensor to a numpy array); use %s%s%s",
        an_snippet(m, c->node), an_snippet(m, t), an_func_label(m, c->ctx.func), alt ? "tf." : "the TensorFlow equivalent",
        alt ? alt : "", alt ? "" : " or tf.experimental.numpy");
    an_finding_related_chain(m, f, c->ctx.func);
    if (!f || !alt || !tf) continue;
    /* Dtype rules differ (NumPy widens and promotes, TensorFlow does not),
     * so the rewrite is offered for review, never applied by fix-all. */
    AnFix *fix = an_finding_fix(m, f, an_arena_printf(&m->arena, "Use %s.%s", tf, alt), false);
    TSNode fn = an_field(m->lang, c->node, AN_FIELD_function);
    an_fix_edit(m, fix, ts_node_start_byte(fn), ts_node_end_byte(fn), an_arena_printf(&m->arena, "%s.%s", tf, alt));
  }
}

/* --- HY209 tensor-as-python-bool ----------------------------------------- */

static void symbolic__bool_finding(AnModel *m, TSNode node, int func, const char *what) {
  AnFinding *f = an_emit_node(m, AN_RULE_TENSOR_AS_PYTHON_BOOL, node, func,
                              "%s needs a Python bool, but '%s' is a symbolic tensor while '%s' is traced "
                              "(OperatorNotAllowedInGraphError: using a symbolic tf.Tensor as a Python bool is "
                              "not allowed)",
                              what, an_snippet(m, node), an_func_label(m, func));
  an_finding_related_chain(m, f, func);
}

static bool symbolic__has_op(AnModel *m, TSNode cmp, const char *op) {
  uint32_t n = ts_node_child_count(cmp);
  for (uint32_t i = 0; i < n; i++) {
    TSNode ch = ts_node_child(cmp, i);
    if (!ts_node_is_named(ch) && an_text_eq(m->src, ch, op)) return true;
  }
  return false;
}

static bool symbolic__assert_fix(AnModel *m, AnFinding *f, TSNode stmt, TSNode cond) {
  const char *tf = an_tf_alias(m);
  if (!f || !tf) return false;
  uint32_t n = ts_node_named_child_count(stmt);
  TSNode msg = n > 1 ? ts_node_named_child(stmt, 1) : cond;
  uint32_t clen, mlen = 0;
  const char *ct = an_text(m->src, cond, &clen);
  const char *mt = n > 1 ? an_text(m->src, msg, &mlen) : "";
  AnFix *fix = an_finding_fix(m, f, "Use tf.debugging.Assert (raises InvalidArgumentError at run time)", false);
  an_fix_edit(m, fix, ts_node_start_byte(stmt), ts_node_end_byte(stmt),
              an_arena_printf(&m->arena, "%s.debugging.Assert(%.*s, [%.*s])", tf, (int)clen, ct, (int)mlen, mt));
  return true;
}

static void symbolic__bool_site(AnModel *m, const AnSite *s) {
  int func = s->ctx.func;
  if (s->kind == AN_SITE_ASSERT) {
    if (!ts_node_named_child_count(s->node)) return;
    TSNode cond = ts_node_named_child(s->node, 0);
    if (!an_kind_is_tensor(an_kind_of(m, cond, func))) return;
    AnFinding *before = m->findings.count ? NULL : NULL;
    (void)before;
    symbolic__bool_finding(m, cond, func, "assert");
    if (m->findings.count) {
      AnFinding *f = &AN_VEC_AT(m->findings, AnFinding, m->findings.count - 1);
      if (f->start == ts_node_start_byte(cond) && f->rule == AN_RULE_TENSOR_AS_PYTHON_BOOL)
        symbolic__assert_fix(m, f, s->node, cond);
    }
  } else if (s->kind == AN_SITE_FILTER) {
    if (!ts_node_named_child_count(s->node)) return;
    TSNode cond = ts_node_named_child(s->node, 0);
    if (an_kind_is_tensor(an_kind_of(m, cond, func))) symbolic__bool_finding(m, cond, func, "a comprehension filter");
  } else if (s->kind == AN_SITE_COMPARE) {
    uint32_t n = ts_node_named_child_count(s->node);
    bool tensor = false;
    for (uint32_t i = 0; i < n; i++) {
      TSNode operand = ts_node_named_child(s->node, i);
      if (an_kind_is_tensor(an_kind_of(m, operand, func))) tensor = true;
      AnSym os = an_sym(m->lang, operand);
      if ((os == AN_SYM_list || os == AN_SYM_tuple) && symbolic__has_op(m, s->node, "in")) {
        uint32_t k = ts_node_named_child_count(operand);
        for (uint32_t j = 0; j < k; j++)
          if (an_kind_is_tensor(an_kind_of(m, ts_node_named_child(operand, j), func))) tensor = true;
      }
    }
    if (!tensor) return;
    if (symbolic__has_op(m, s->node, "in"))
      symbolic__bool_finding(m, s->node, func, "membership with 'in'");
    else if (n >= 3)
      symbolic__bool_finding(m, s->node, func, "a chained comparison");
  } else if (s->kind == AN_SITE_IF && !AN_FUNC(m, func)->autograph && !AN_FUNC(m, func)->is_generator &&
             !an_autograph_opted_out(m, func)) {
    /* Behind autograph=False or do_not_convert the condition is HY213's. */
    TSNode cond = an_field(m->lang, s->node, AN_FIELD_condition);
    if (an_kind_is_tensor(an_kind_of(m, cond, func)))
      symbolic__bool_finding(m, cond, func, "this condition (AutoGraph is off here)");
  }
}

/* `any(...)`/`all(...)` over Python lists of tensors, and `bool(t)`. */
static void symbolic__bool_call(AnModel *m, const AnCall *c) {
  if (!an_call_is(c, "builtins.bool") && !an_call_is(c, "builtins.any") && !an_call_is(c, "builtins.all")) return;
  int func = c->ctx.func;
  TSNode a = an_call_arg(m->lang, c->node, 0);
  TSNode args = an_field(m->lang, c->node, AN_FIELD_arguments);
  if (an_sym(m->lang, args) == AN_SYM_generator_expression) a = args; /* any(x for x in xs) */
  if (ts_node_is_null(a)) return;
  if (an_call_is(c, "builtins.bool")) {
    if (an_kind_is_tensor(an_kind_of(m, a, func))) symbolic__bool_finding(m, c->node, func, "bool()");
    return;
  }
  if (!an_call_is(c, "builtins.any") && !an_call_is(c, "builtins.all")) return;
  AnSym s = an_sym(m->lang, a);
  bool tensor = false;
  if (s == AN_SYM_list || s == AN_SYM_tuple) {
    uint32_t k = ts_node_named_child_count(a);
    for (uint32_t j = 0; j < k; j++)
      if (an_kind_is_tensor(an_kind_of(m, ts_node_named_child(a, j), func))) tensor = true;
  } else if (s == AN_SYM_generator_expression || s == AN_SYM_list_comprehension) {
    tensor = an_kind_is_tensor(an_kind_of(m, an_field(m->lang, a, AN_FIELD_body), func));
  }
  if (tensor) symbolic__bool_finding(m, c->node, func, an_call_is(c, "builtins.any") ? "any()" : "all()");
}

void an_check_HY209(AnModel *m) {
  for (uint32_t i = 0; i < m->sites.count; i++) {
    AnSite *s = &AN_VEC_AT(m->sites, AnSite, i);
    if (an_graph_code(m, &s->ctx)) symbolic__bool_site(m, s);
  }
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (c->dotted && an_graph_code(m, &c->ctx)) symbolic__bool_call(m, c);
  }
}

/* --- HY210 iterate-symbolic-tensor --------------------------------------- */

static void symbolic__iter_finding(AnModel *m, TSNode node, int func, const char *how, const char *tensor) {
  AnFinding *f = an_emit_node(m, AN_RULE_ITERATE_SYMBOLIC_TENSOR, node, func,
                              "%s iterates the symbolic tensor '%s' in Python while '%s' is traced "
                              "(OperatorNotAllowedInGraphError: iterating over a symbolic tf.Tensor is not "
                              "allowed); use tf.unstack, tf.map_fn or a plain `for` loop AutoGraph converts",
                              how, tensor, an_func_label(m, func));
  an_finding_related_chain(m, f, func);
}

/* A parameter of a tf.data callback: dataset elements may be tuples or
 * dicts of tensors, which Python may unpack. */
static bool symbolic__data_param(AnModel *m, TSNode node, int func) {
  node = an_unparen(m->lang, node);
  if (func < 0 || an_sym(m->lang, node) != AN_SYM_identifier) return false;
  AnFunc *f = AN_FUNC(m, func);
  if (f->root != AN_ROOT_DATA || f->graph_from >= 0) return false;
  for (uint32_t i = 0; i < f->param_count; i++)
    if (an_text_eq(m->src, node, f->params[i].name)) return true;
  return false;
}

static void symbolic__iter_site(AnModel *m, const AnSite *s) {
  int func = s->ctx.func;
  if (s->kind == AN_SITE_ASSIGN && an_sym(m->lang, s->node) == AN_SYM_assignment) {
    TSNode left = an_field(m->lang, s->node, AN_FIELD_left);
    AnSym ls = an_sym(m->lang, left);
    if (ls != AN_SYM_pattern_list && ls != AN_SYM_tuple_pattern && ls != AN_SYM_list_pattern) return;
    TSNode right = an_field(m->lang, s->node, AN_FIELD_right);
    if (ts_node_is_null(right) || !an_kind_is_tensor(an_kind_of(m, right, func))) return;
    if (symbolic__data_param(m, right, func)) return;
    symbolic__iter_finding(m, right, func, "unpacking", an_snippet(m, right));
    /* `a, b = t` -> `a, b = tf.unstack(t, num=2)` is exact only when the
     * first dimension is statically that size: offered, not applied. */
    const char *tf = an_tf_alias(m);
    AnFinding *f = m->findings.count ? &AN_VEC_AT(m->findings, AnFinding, m->findings.count - 1) : NULL;
    if (tf && f && f->rule == AN_RULE_ITERATE_SYMBOLIC_TENSOR && f->start == ts_node_start_byte(right)) {
      uint32_t len;
      const char *t = an_text(m->src, right, &len);
      AnFix *fix = an_finding_fix(m, f, "Unpack with tf.unstack", false);
      an_fix_edit(m, fix, ts_node_start_byte(right), ts_node_end_byte(right),
                  an_arena_printf(&m->arena, "%s.unstack(%.*s, num=%u)", tf, (int)len, t, ts_node_named_child_count(left)));
    }
  } else if (s->kind == AN_SITE_SPLAT) {
    if (!ts_node_named_child_count(s->node)) return;
    TSNode v = ts_node_named_child(s->node, 0);
    if (symbolic__data_param(m, v, func)) return;
    if (an_kind_is_tensor(an_kind_of(m, v, func))) symbolic__iter_finding(m, s->node, func, "star-unpacking", an_snippet(m, v));
  } else if (s->kind == AN_SITE_COMP_FOR) {
    TSNode right = an_field(m->lang, s->node, AN_FIELD_right);
    if (!ts_node_is_null(right) && an_kind_is_tensor(an_kind_of(m, right, func)))
      symbolic__iter_finding(m, right, func, "this comprehension", an_snippet(m, right));
  } else if (s->kind == AN_SITE_FOR && !AN_FUNC(m, func)->autograph && !AN_FUNC(m, func)->is_generator &&
             !an_autograph_opted_out(m, func)) {
    TSNode right = an_field(m->lang, s->node, AN_FIELD_right);
    if (!ts_node_is_null(right) && an_kind_is_tensor(an_kind_of(m, right, func)))
      symbolic__iter_finding(m, right, func, "this loop (AutoGraph is off here)", an_snippet(m, right));
  }
}

static void symbolic__iter_call(AnModel *m, const AnCall *c) {
  static const struct {
    const char *name;
    int first, last; /* argument positions that are iterated; last -1 = all */
    bool single;     /* only the one-argument form iterates */
  } iterating[] = {
      {"builtins.list", 0, 0, false},     {"builtins.tuple", 0, 0, false}, {"builtins.zip", 0, -1, false},
      {"builtins.enumerate", 0, 0, false}, {"builtins.map", 1, -1, false},  {"builtins.sum", 0, 0, false},
      {"builtins.max", 0, 0, true},        {"builtins.min", 0, 0, true},    {"builtins.set", 0, 0, false},
  };
  for (size_t k = 0; k < sizeof iterating / sizeof iterating[0]; k++) {
    if (!an_call_is(c, iterating[k].name)) continue;
    uint32_t argc = an_call_argc(m->lang, c->node);
    if (iterating[k].single && argc != 1) return;
    uint32_t last = iterating[k].last < 0 ? argc : (uint32_t)iterating[k].last + 1;
    for (uint32_t p = (uint32_t)iterating[k].first; p < last && p < argc; p++) {
      TSNode a = an_call_arg(m->lang, c->node, p);
      if (!an_kind_is_tensor(an_kind_of(m, a, c->ctx.func))) continue;
      symbolic__iter_finding(m, c->node, c->ctx.func, an_arena_printf(&m->arena, "%s()", iterating[k].name + 9),
                             an_snippet(m, a));
      return;
    }
    return;
  }
}

void an_check_HY210(AnModel *m) {
  for (uint32_t i = 0; i < m->sites.count; i++) {
    AnSite *s = &AN_VEC_AT(m->sites, AnSite, i);
    if (an_graph_code(m, &s->ctx)) symbolic__iter_site(m, s);
  }
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (c->dotted && an_graph_code(m, &c->ctx)) symbolic__iter_call(m, c);
  }
}

/* --- HY215 generator-hybridized ------------------------------------------ */

void an_check_HY215(AnModel *m) {
  for (uint32_t i = 0; i < m->funcs.count; i++) {
    AnFunc *f = AN_FUNC(m, i);
    if (!f->is_generator || (f->via != AN_VIA_DECORATOR && f->via != AN_VIA_CALL) || ts_node_is_null(f->name_node))
      continue;
    AnFinding *fd = an_emit_node(m, AN_RULE_GENERATOR_HYBRIDIZED, f->name_node, (int)i,
                                 "'%s' is a generator (it uses yield), which tf.function cannot trace into a graph: "
                                 "calling it fails with TypeError (found return value of type generator)",
                                 f->qualname);
    for (uint32_t s = 0; fd && s < m->sites.count; s++) {
      AnSite *site = &AN_VEC_AT(m->sites, AnSite, s);
      if (site->kind == AN_SITE_YIELD && site->ctx.func == (int)i) {
        an_finding_related(m, fd, site->node, "yield makes '%s' a generator", f->qualname);
        break;
      }
    }
    if (fd && f->via == AN_VIA_CALL) an_finding_related(m, fd, f->hybrid_site, "wrapped by tf.function here");
  }
}

/* --- HY218 recursive-tf-function ----------------------------------------- */

/* Depth-first search from hybrid function `root` over graph callees for a
 * call back into `root`; reports the first such call. */
static void symbolic__recursion(AnModel *m, int root, uint8_t *seen, int *stack) {
  uint32_t sp = 0;
  stack[sp++] = root;
  seen[root] = 1;
  while (sp) {
    int cur = stack[--sp];
    for (uint32_t k = m->call_offsets[cur]; k < m->call_offsets[cur + 1]; k++) {
      AnCall *c = &AN_VEC_AT(m->calls, AnCall, m->call_order[k]);
      if (c->callee == root) {
        AnFunc *r = AN_FUNC(m, root);
        const char *through = cur == root ? "" : an_arena_printf(&m->arena, " through '%s'", AN_FUNC(m, cur)->qualname);
        AnFinding *f = an_emit_node(m, AN_RULE_RECURSIVE_TF_FUNCTION, c->node, cur,
                                    "'%s' calls itself%s; recursion is not supported inside tf.function: tracing a "
                                    "recursive call on tensors never terminates. Rewrite it as a loop",
                                    r->qualname, through);
        an_finding_related(m, f, ts_node_is_null(r->hybrid_site) ? r->node : r->hybrid_site,
                           "'%s' is a tf.function", r->qualname);
        return;
      }
      if (c->callee >= 0 && !seen[c->callee]) {
        seen[c->callee] = 1;
        stack[sp++] = c->callee;
      }
    }
  }
}

void an_check_HY218(AnModel *m) {
  if (!m->call_offsets || !m->funcs.count) return;
  uint8_t *seen = an_arena_alloc(&m->arena, m->funcs.count);
  int *stack = an_arena_alloc(&m->arena, sizeof *stack * m->funcs.count);
  if (!seen || !stack) return;
  for (uint32_t i = 0; i < m->funcs.count; i++) {
    AnFunc *f = AN_FUNC(m, i);
    if (f->via != AN_VIA_DECORATOR && f->via != AN_VIA_CALL) continue;
    memset(seen, 0, m->funcs.count);
    symbolic__recursion(m, (int)i, seen, stack);
  }
}
