/* Loops in code AutoGraph converts: HY212 a `break`/`return` under a tensor
 * condition in a loop AutoGraph keeps as a Python loop, HY221 constructs
 * that make AutoGraph give up on a whole function.
 *
 * HY212: AutoGraph turns `break` and `return` inside loops into flags that
 * join the loop's exit test. A loop over a Python `range` or a Python
 * container (or `while True:`) stays a Python loop, so that test must be a
 * Python bool; once a tensor `if` (a tf.cond) sets the flag it is a tensor
 * and tracing fails. `continue` only guards the rest of the body with
 * another `if`, which becomes a tf.cond, so it works and is not reported.
 *
 * HY221: which functions AutoGraph gives up on is part of the model
 * (AnFunc.unconvertible, AnFunc.autograph_failed in graph.c): this file
 * only reports them, with the tensor control flow that then fails. */
#include <string.h>

#include "analysis/rules/rules.h"

/* --- shared -------------------------------------------------------------- */

/* True for expressions that proveably iterate as a Python loop under
 * AutoGraph: `range(...)` over Python numbers, Python containers, and
 * enumerate/zip/reversed over those. */
static bool agloop__python_iterable(AnModel *m, TSNode e, int func, int depth) {
  const AnLang *l = m->lang;
  e = an_unparen(l, e);
  if (ts_node_is_null(e) || depth > 4) return false;
  if (an_sym(l, e) == AN_SYM_call) {
    const char *d = an_dotted(m, an_field(l, e, AN_FIELD_function), func);
    TSNode args = an_field(l, e, AN_FIELD_arguments);
    uint32_t argc = an_call_argc(l, e);
    if (!d || an_sym(l, args) != AN_SYM_argument_list || argc == 0 || ts_node_named_child_count(args) != argc)
      return false; /* keywords, splats, generator arguments: not proven */
    if (strcmp(d, "builtins.range") == 0) {
      for (uint32_t i = 0; i < argc; i++)
        if (an_kind_of(m, an_call_arg(l, e, i), func) != AN_KIND_PY_SCALAR) return false;
      return true;
    }
    bool all = strcmp(d, "builtins.zip") == 0;
    if (!all && strcmp(d, "builtins.enumerate") != 0 && strcmp(d, "builtins.reversed") != 0) return false;
    for (uint32_t i = 0; i < (all ? argc : 1); i++)
      if (!agloop__python_iterable(m, an_call_arg(l, e, i), func, depth + 1)) return false;
    return true;
  }
  return an_kind_of(m, e, func) == AN_KIND_PY_CONTAINER;
}

/* A tensor condition of `n`, an if/elif/while statement, or null. */
static TSNode agloop__tensor_cond(AnModel *m, TSNode n, int func) {
  TSNode none = {{0}, NULL, NULL};
  TSNode c = an_field(m->lang, n, AN_FIELD_condition);
  return !ts_node_is_null(c) && an_kind_is_tensor(an_kind_of(m, c, func)) ? c : none;
}

/* --- HY212 tensor-break-in-python-loop ----------------------------------- */

typedef struct AgloopWalk {
  AnModel *m;
  int func;
  TSNode loop, body;
  const char *loop_text;
  bool range;
  TSNode range_fn; /* the `range` callee of `for ... in range(...)` */
} AgloopWalk;

/* The innermost tensor condition that decides whether `stmt` runs, between
 * it and the loop body: the `if` of the branch it sits in, or an `elif`
 * before that branch (a tensor `if` makes the whole chain a tf.cond). */
static TSNode agloop__deciding_cond(AgloopWalk *w, TSNode stmt) {
  AnModel *m = w->m;
  TSNode none = {{0}, NULL, NULL};
  TSNode child = stmt;
  for (TSNode n = ts_node_parent(stmt); !ts_node_is_null(n) && !ts_node_eq(n, w->body);
       child = n, n = ts_node_parent(n)) {
    if (an_sym(m->lang, n) != AN_SYM_if_statement) continue;
    uint32_t at = ts_node_start_byte(child);
    TSNode found = none;
    uint32_t count = ts_node_named_child_count(n);
    for (uint32_t i = 0; i < count; i++) {
      TSNode clause = ts_node_named_child(n, i);
      if (an_sym(m->lang, clause) != AN_SYM_elif_clause || ts_node_start_byte(clause) > at) continue;
      TSNode c = agloop__tensor_cond(m, clause, w->func);
      if (!ts_node_is_null(c)) found = c;
    }
    if (ts_node_is_null(found)) found = agloop__tensor_cond(m, n, w->func);
    if (!ts_node_is_null(found)) return found;
  }
  return none;
}

static void agloop__report_exit(AgloopWalk *w, TSNode stmt, TSNode cond) {
  AnModel *m = w->m;
  bool brk = an_sym(m->lang, stmt) == AN_SYM_break_statement;
  const char *advice = w->range ? "iterate over tf.range(...) instead of range(...) to make it a TensorFlow loop"
                             : "make it a TensorFlow loop (over tf.range or a tensor, or with a tensor `while` "
                               "condition)";
  AnFinding *f = an_emit_node(m, AN_RULE_TENSOR_BREAK_IN_PYTHON_LOOP, brk ? stmt : ts_node_child(stmt, 0), w->func,
                              "`%s` under the tensor condition '%s' ends the Python loop '%s' in '%s': AutoGraph "
                              "keeps this loop in Python, and its exit test then needs the tensor as a Python bool "
                              "while tracing (OperatorNotAllowedInGraphError: using a symbolic tf.Tensor as a "
                              "Python bool is not allowed); %s",
                              brk ? "break" : "return", an_snippet(m, cond), w->loop_text,
                              an_func_label(m, w->func), advice);
  if (!f) return;
  an_finding_related(m, f, w->loop, "AutoGraph keeps this loop in Python");
  an_finding_related(m, f, cond, "this tensor condition becomes a tf.cond");
  an_finding_related_chain(m, f, w->func);
  /* range -> tf.range: conditionally safe (rules.md HY212): the loop is no
   * longer unrolled, its variable becomes a tensor, and values carried
   * around it must keep their shape and dtype. */
  const char *tf = an_tf_alias(m);
  if (w->range && tf && an_sym(m->lang, w->range_fn) == AN_SYM_identifier) {
    AnFix *fix = an_finding_fix(m, f, "Iterate over tf.range (a TensorFlow loop)", false);
    an_fix_edit(m, fix, ts_node_start_byte(w->range_fn), ts_node_end_byte(w->range_fn),
                an_arena_printf(&m->arena, "%s.range", tf));
  }
}

static bool agloop__exit_visit(TSNode n, void *ctx) {
  AgloopWalk *w = ctx;
  switch (an_sym(w->m->lang, n)) {
  case AN_SYM_function_definition:
  case AN_SYM_class_definition:
  case AN_SYM_lambda:
  case AN_SYM_for_statement: /* an inner loop owns its break; its own */
  case AN_SYM_while_statement: /* walk reports its Python-loop exits */
    return false;
  case AN_SYM_break_statement:
  case AN_SYM_return_statement: {
    TSNode cond = agloop__deciding_cond(w, n);
    if (!ts_node_is_null(cond)) agloop__report_exit(w, n, cond);
    return false;
  }
  default:
    return true;
  }
}

/* `while True:` (or a nonzero integer literal). */
static bool agloop__while_true(AnModel *m, TSNode loop) {
  TSNode c = an_unparen(m->lang, an_field(m->lang, loop, AN_FIELD_condition));
  AnSym s = an_sym(m->lang, c);
  return s == AN_SYM_true || (s == AN_SYM_integer && !an_text_eq(m->src, c, "0"));
}

void an_check_HY212(AnModel *m) {
  for (uint32_t i = 0; i < m->sites.count; i++) {
    AnSite *s = &AN_VEC_AT(m->sites, AnSite, i);
    int func = s->ctx.func;
    if ((s->kind != AN_SITE_FOR && s->kind != AN_SITE_IF) || !an_graph_code(m, &s->ctx) ||
        !AN_FUNC(m, func)->autograph)
      continue;
    AnSym sym = an_sym(m->lang, s->node);
    AgloopWalk w = {m, func, s->node, an_field(m->lang, s->node, AN_FIELD_body), NULL, false, {{0}, NULL, NULL}};
    if (ts_node_is_null(w.body)) continue;
    if (sym == AN_SYM_for_statement) {
      TSNode it = an_unparen(m->lang, an_field(m->lang, s->node, AN_FIELD_right));
      if (!agloop__python_iterable(m, it, func, 0)) continue;
      const char *d = an_sym(m->lang, it) == AN_SYM_call ? an_dotted(m, an_field(m->lang, it, AN_FIELD_function), func)
                                                          : NULL;
      w.range = d && strcmp(d, "builtins.range") == 0;
      if (w.range) w.range_fn = an_field(m->lang, it, AN_FIELD_function);
    } else if (sym != AN_SYM_while_statement || !agloop__while_true(m, s->node)) {
      continue;
    }
    w.loop_text = an_loop_header(m, s->node, w.body);
    an_walk_named(w.body, agloop__exit_visit, &w);
  }
}

/* --- HY221 autograph-unconvertible-construct ----------------------------- */

/* The first tensor `if`/`while`/`for` directly in `func`, which fails once
 * AutoGraph gives up on it; null when none. */
static TSNode agloop__first_tensor_flow(AnModel *m, int func, const char **stmt) {
  TSNode none = {{0}, NULL, NULL};
  AN_FOR_SITES_OF(m, func, s) {
    if (s->kind != AN_SITE_IF && s->kind != AN_SITE_FOR) continue;
    bool loop = s->kind == AN_SITE_FOR;
    TSNode t = an_field(m->lang, s->node, loop ? AN_FIELD_right : AN_FIELD_condition);
    if (ts_node_is_null(t) || !an_kind_is_tensor(an_kind_of(m, t, func))) continue;
    AnSym sym = an_sym(m->lang, s->node);
    *stmt = loop ? "for" : sym == AN_SYM_while_statement ? "while" : sym == AN_SYM_elif_clause ? "elif" : "if";
    return t;
  }
  return none;
}

static void agloop__report_unconvertible(AnModel *m, int func, TSNode at, const char *construct,
                                         const char *cause) {
  const char *stmt = NULL;
  TSNode flow = agloop__first_tensor_flow(m, func, &stmt);
  const char *name = an_func_label(m, func);
  const char *effect =
      ts_node_is_null(flow)
          ? "Python control flow still works, but a tensor `if`, `while` or `for` here or in the functions it "
            "calls would fail"
          : an_arena_printf(&m->arena, "its tensor `%s` on '%s' fails (OperatorNotAllowedInGraphError)", stmt,
                            an_snippet(m, flow));
  AnFinding *f = an_emit(m, AN_RULE_AUTOGRAPH_UNCONVERTIBLE_CONSTRUCT, ts_node_start_byte(at), ts_node_end_byte(at),
                         func,
                         "AutoGraph cannot convert '%s' because of %s (AutoGraph could not transform <function "
                         "%s> and will run it as-is. Cause: %s): it is traced as plain Python, so %s",
                         name, construct, name, cause, effect);
  if (!f) return;
  if (!ts_node_is_null(flow))
    an_finding_related(m, f, flow, "this tensor `%s` is not converted and needs a Python value", stmt);
  an_finding_related_chain(m, f, func);
}

/* The lambda's head, `lambda x, y`, for the range of its finding. */
static TSNode agloop__lambda_head(AnModel *m, TSNode lam, uint32_t *end) {
  TSNode params = an_field(m->lang, lam, AN_FIELD_parameters);
  TSNode first = ts_node_child(lam, 0);
  *end = ts_node_is_null(params) ? ts_node_end_byte(first) : ts_node_end_byte(params);
  return lam;
}

void an_check_HY221(AnModel *m) {
  for (uint32_t i = 0; i < m->funcs.count; i++) {
    AnFunc *fn = AN_FUNC(m, i);
    if (!fn->autograph_failed || !an_in_graph(m, (int)i)) continue;
    if (fn->is_lambda) {
      uint32_t end;
      TSNode lam = agloop__lambda_head(m, fn->node, &end);
      const char *effect = "a tensor conditional expression or `and`/`or` in it would fail";
      AnFinding *f = an_emit(m, AN_RULE_AUTOGRAPH_UNCONVERTIBLE_CONSTRUCT, ts_node_start_byte(lam), end, (int)i,
                             "AutoGraph cannot convert this lambda: another lambda on its line has the same "
                             "parameters (AutoGraph could not transform <function <lambda>> and will run it as-is. "
                             "Cause: could not parse the source code of <function <lambda>>: found multiple "
                             "definitions with identical signatures at the location): it runs as plain Python, so "
                             "%s; put each lambda on its own line or give them different parameter names",
                             effect);
      an_finding_related_chain(m, f, (int)i);
      continue;
    }
    AN_FOR_SITES_OF(m, (int)i, s) {
      if (s->kind != AN_SITE_FOR && s->kind != AN_SITE_IF) continue;
      bool loop_for = an_sym(m->lang, s->node) == AN_SYM_for_statement;
      if (!loop_for && an_sym(m->lang, s->node) != AN_SYM_while_statement) continue;
      TSNode alt = an_field(m->lang, s->node, AN_FIELD_alternative);
      if (ts_node_is_null(alt)) continue;
      TSNode kw = ts_node_child(alt, 0); /* the `else` keyword */
      agloop__report_unconvertible(m, (int)i, ts_node_is_null(kw) ? alt : kw,
                                   loop_for ? "this for/else" : "this while/else",
                                   loop_for ? "for/else statement not yet supported"
                                            : "while/else statement not yet supported");
    }
  }
}
