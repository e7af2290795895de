/* HY219 tensor-cond-branch-mismatch: a tensor `if` AutoGraph converts whose
 * branches disagree.
 *
 * AutoGraph turns `if <tensor>:` into a tf.cond whose outputs are the names
 * either branch assigns that are used after the statement (and the return
 * value when a branch returns). Each branch must give every output a value
 * of the same structure and dtype, or tracing fails: a name only one branch
 * defines ("'x' must also be initialized in the else branch"), a None left
 * from before the `if` ("'x' is None at the end of the else branch"),
 * Python or tensor values of different dtypes, a return on one path only
 * ("the else branch must also have a return statement.") or returns of
 * different structure.
 *
 * Only what is certain is reported: values assigned by direct statements of
 * a branch, names not mentioned before the `if` (for "not defined"), a read
 * after the `if` before any reassignment (for "used after"), and no
 * return/raise/break/continue in the `if` for the name checks (AutoGraph
 * moves the rest of the function under those, which changes what is an
 * output). An early `return` followed by more code is not reported: how
 * AutoGraph joins it with the code after is not established. */
#include <string.h>

#include "analysis/rules/rules.h"

#define COND_MAX_NAMES 16

/* --- small tree questions ------------------------------------------------- */

typedef struct CondExit {
  const AnLang *l;
  bool returns_only; /* look for `return` only */
  bool found;
} CondExit;

static bool cond__exit_visit(TSNode n, void *ctx) {
  CondExit *x = ctx;
  if (x->found) return false;
  switch (an_sym(x->l, n)) {
  case AN_SYM_function_definition:
  case AN_SYM_class_definition:
  case AN_SYM_lambda:
    return false;
  case AN_SYM_return_statement:
    x->found = true;
    return false;
  case AN_SYM_raise_statement:
  case AN_SYM_break_statement:
  case AN_SYM_continue_statement:
  case AN_SYM_yield:
    if (!x->returns_only) x->found = true;
    return false;
  default:
    return true;
  }
}

/* True when `n` contains a return (or, unless returns_only, a raise, break,
 * continue or yield) of its own function. */
static bool cond__has_exit(AnModel *m, TSNode n, bool returns_only) {
  CondExit x = {m->lang, returns_only, false};
  if (!ts_node_is_null(n)) an_walk_named(n, cond__exit_visit, &x);
  return x.found;
}

static bool cond__mentions(AnModel *m, TSNode n, const char *name, uint32_t len) {
  return !ts_node_is_null(n) && an_mentions(m, n, name, len);
}

/* The plain `name = value` a statement is made of, else null. */
static TSNode cond__assignment(AnModel *m, TSNode stmt) {
  TSNode none = {{0}, NULL, NULL};
  if (an_sym(m->lang, stmt) != AN_SYM_expression_statement || ts_node_named_child_count(stmt) != 1) return none;
  TSNode a = ts_node_named_child(stmt, 0);
  if (an_sym(m->lang, a) != AN_SYM_assignment) return none;
  TSNode left = an_field(m->lang, a, AN_FIELD_left), right = an_field(m->lang, a, AN_FIELD_right);
  if (an_sym(m->lang, left) != AN_SYM_identifier || ts_node_is_null(right) ||
      an_sym(m->lang, right) == AN_SYM_assignment)
    return none;
  return a;
}

/* The last direct statement of `block` assigning `name`, when no later
 * statement of the block mentions the name (so its value is the one the
 * branch ends with); null otherwise. */
static TSNode cond__final_assignment(AnModel *m, TSNode block, const char *name, uint32_t len) {
  TSNode none = {{0}, NULL, NULL};
  if (ts_node_is_null(block)) return none;
  uint32_t n = ts_node_named_child_count(block);
  for (uint32_t i = n; i-- > 0;) {
    TSNode stmt = ts_node_named_child(block, i);
    TSNode a = cond__assignment(m, stmt);
    if (!ts_node_is_null(a)) {
      uint32_t l;
      const char *t = an_text(m->src, an_field(m->lang, a, AN_FIELD_left), &l);
      if (l == len && memcmp(t, name, len) == 0) return a;
    }
    if (an_mentions(m, stmt, name, len)) return none;
  }
  return none;
}

/* The last direct statement of a block when it is `return <value>`. */
static TSNode cond__final_return(AnModel *m, TSNode block) {
  TSNode none = {{0}, NULL, NULL};
  uint32_t n = ts_node_is_null(block) ? 0 : ts_node_named_child_count(block);
  while (n > 0 && an_sym(m->lang, ts_node_named_child(block, n - 1)) == AN_SYM_comment) n--;
  if (n == 0) return none;
  TSNode last = ts_node_named_child(block, n - 1);
  if (an_sym(m->lang, last) != AN_SYM_return_statement || ts_node_named_child_count(last) == 0) return none;
  return last;
}

/* --- names before and after the `if` ---------------------------------------- */

typedef struct CondScan {
  AnModel *m;
  const char *name;
  uint32_t len;
  uint32_t start, end; /* the `if` statement */
  int state;           /* before: 1 mentioned; after: 0 undecided, 1 read, 2 reassigned or unknown */
} CondScan;

static bool cond__before_visit(TSNode n, void *ctx) {
  CondScan *s = ctx;
  if (s->state || ts_node_start_byte(n) >= s->start) return false;
  if (an_sym(s->m->lang, n) != AN_SYM_identifier) return true;
  uint32_t len;
  const char *t = an_text(s->m->src, n, &len);
  if (len == s->len && memcmp(t, s->name, len) == 0) s->state = 1;
  return false;
}

/* True when the function mentions `name` before the `if` (a parameter, an
 * assignment, any use): the name may be defined there. */
static bool cond__mentioned_before(AnModel *m, int func, TSNode stmt, const char *name, uint32_t len) {
  AnFunc *fn = AN_FUNC(m, func);
  for (uint32_t i = 0; i < fn->param_count; i++)
    if (strlen(fn->params[i].name) == len && memcmp(fn->params[i].name, name, len) == 0) return true;
  CondScan s = {m, name, len, ts_node_start_byte(stmt), ts_node_end_byte(stmt), 0};
  an_walk_named(an_field(m->lang, fn->node, AN_FIELD_body), cond__before_visit, &s);
  return s.state == 1;
}

static bool cond__after_visit(TSNode n, void *ctx) {
  CondScan *s = ctx;
  AnModel *m = s->m;
  const AnLang *l = m->lang;
  if (s->state || ts_node_end_byte(n) <= s->end) return false;
  if (ts_node_start_byte(n) < s->end) return true; /* encloses the `if` */
  switch (an_sym(l, n)) {
  case AN_SYM_identifier: {
    uint32_t len;
    const char *t = an_text(m->src, n, &len);
    if (len == s->len && memcmp(t, s->name, len) == 0) s->state = 1;
    return false;
  }
  case AN_SYM_attribute: /* `obj.name` reads obj only */
    if (cond__mentions(m, an_field(l, n, AN_FIELD_object), s->name, s->len)) s->state = 1;
    return false;
  case AN_SYM_keyword_argument:
    if (cond__mentions(m, an_field(l, n, AN_FIELD_value), s->name, s->len)) s->state = 1;
    return false;
  case AN_SYM_assignment: {
    TSNode left = an_field(l, n, AN_FIELD_left), right = an_field(l, n, AN_FIELD_right);
    if (cond__mentions(m, right, s->name, s->len)) s->state = 1;
    else if (cond__mentions(m, left, s->name, s->len)) {
      AnSym ls = an_sym(l, left);
      /* `name = ...` rebinds; `d[name] = ...` reads. */
      s->state = ls == AN_SYM_attribute || ls == AN_SYM_subscript ? 1 : 2;
    }
    return false;
  }
  case AN_SYM_for_statement: {
    if (cond__mentions(m, an_field(l, n, AN_FIELD_right), s->name, s->len)) s->state = 1;
    else if (cond__mentions(m, an_field(l, n, AN_FIELD_left), s->name, s->len)) s->state = 2;
    return !s->state;
  }
  case AN_SYM_function_definition:
  case AN_SYM_class_definition:
  case AN_SYM_lambda:
  case AN_SYM_list_comprehension:
  case AN_SYM_set_comprehension:
  case AN_SYM_dictionary_comprehension:
  case AN_SYM_generator_expression:
  case AN_SYM_named_expression:
  case AN_SYM_import_statement:
  case AN_SYM_import_from_statement:
  case AN_SYM_global_statement:
  case AN_SYM_nonlocal_statement:
  case AN_SYM_delete_statement:
  case AN_SYM_with_clause:
  case AN_SYM_except_clause:
    /* Scopes and binding forms the scan does not model: unknown. */
    if (an_mentions(m, n, s->name, s->len)) s->state = 2;
    return false;
  default:
    return true;
  }
}

bool an_read_after(AnModel *m, int func, TSNode stmt, const char *name, uint32_t len) {
  CondScan s = {m, name, len, ts_node_start_byte(stmt), ts_node_end_byte(stmt), 0};
  an_walk_named(an_field(m->lang, AN_FUNC(m, func)->node, AN_FIELD_body), cond__after_visit, &s);
  return s.state == 1;
}

/* True when the statement just before the `if` in its block (skipping
 * statements that do not mention the name) is `name = None`. */
static TSNode cond__none_before(AnModel *m, TSNode stmt, const char *name, uint32_t len) {
  TSNode none = {{0}, NULL, NULL};
  for (TSNode p = ts_node_prev_named_sibling(stmt); !ts_node_is_null(p); p = ts_node_prev_named_sibling(p)) {
    if (!an_mentions(m, p, name, len)) continue;
    TSNode a = cond__assignment(m, p);
    if (ts_node_is_null(a) || an_sym(m->lang, an_unparen(m->lang, an_field(m->lang, a, AN_FIELD_right))) != AN_SYM_none)
      return none;
    uint32_t l;
    const char *t = an_text(m->src, an_field(m->lang, a, AN_FIELD_left), &l);
    return l == len && memcmp(t, name, len) == 0 ? a : none;
  }
  return none;
}

/* --- one tensor `if` ---------------------------------------------------------- */

typedef struct CondIf {
  AnModel *m;
  int func;
  TSNode stmt, cond, main, else_body;
  bool has_elif;
  const char *cond_text, *label;
} CondIf;

static void cond__related(CondIf *c, AnFinding *f) {
  an_finding_related(c->m, f, c->cond, "this tensor condition makes the `if` a tf.cond");
  an_finding_related_chain(c->m, f, c->func);
}

/* Does any alternative (elif or else) mention the name? */
static bool cond__alternatives_mention(CondIf *c, const char *name, uint32_t len) {
  uint32_t n = ts_node_named_child_count(c->stmt);
  for (uint32_t i = 0; i < n; i++) {
    TSNode ch = ts_node_named_child(c->stmt, i);
    AnSym s = an_sym(c->m->lang, ch);
    if ((s == AN_SYM_elif_clause || s == AN_SYM_else_clause) && an_mentions(c->m, ch, name, len)) return true;
  }
  return false;
}

/* A name the `defining` branch assigns and the other never mentions. */
static void cond__one_sided(CondIf *c, TSNode assign, bool in_main) {
  AnModel *m = c->m;
  TSNode target = an_field(m->lang, assign, AN_FIELD_left);
  uint32_t len;
  const char *name = an_text(m->src, target, &len);
  if (an_hash_get(&m->global_map, c->func, name, len) >= 0) return;
  const char *missing = in_main ? "else" : "main";
  TSNode prior = {{0}, NULL, NULL};
  if (cond__mentioned_before(m, c->func, c->stmt, name, len)) {
    prior = cond__none_before(m, c->stmt, name, len);
    if (ts_node_is_null(prior)) return; /* defined before: both branches have it */
  }
  if (an_sym(m->lang, an_unparen(m->lang, an_field(m->lang, assign, AN_FIELD_right))) == AN_SYM_none) return;
  if (!an_read_after(m, c->func, c->stmt, name, len)) return;
  AnFinding *f;
  if (ts_node_is_null(prior)) {
    f = an_emit_node(m, AN_RULE_TENSOR_COND_BRANCH_MISMATCH, target, c->func,
                     "'%.*s' is assigned only in the %s branch of the tensor `if %s` in '%s' and used after it: "
                     "AutoGraph turns the `if` into a tf.cond, whose branches must both give it a value "
                     "(ValueError: '%.*s' must also be initialized in the %s branch); assign it before the `if` "
                     "or in both branches",
                     (int)len, name, in_main ? "main" : "else", c->cond_text, c->label, (int)len, name, missing);
  } else {
    f = an_emit_node(m, AN_RULE_TENSOR_COND_BRANCH_MISMATCH, target, c->func,
                     "'%.*s' is None before the tensor `if %s` in '%s' and only its %s branch assigns it: the "
                     "tf.cond AutoGraph makes of the `if` cannot return None from the %s branch (ValueError: "
                     "'%.*s' is None at the end of the %s branch); initialise it with a tensor before the `if` "
                     "(e.g. tf.zeros_like(...)) or assign it in both branches",
                     (int)len, name, c->cond_text, c->label, in_main ? "main" : "else", missing, (int)len, name,
                     missing);
    if (f) an_finding_related(m, f, prior, "None here");
  }
  if (f) cond__related(c, f);
}

/* dtype of a value both branches could assign: Python literals convert to
 * int32/float32/bool, tensors of known dtype; NULL when unknown. */
static const char *cond__dtype(AnModel *m, TSNode v, int func) {
  v = an_unparen(m->lang, v);
  switch (an_sym(m->lang, v)) {
  case AN_SYM_integer: return "int32";
  case AN_SYM_float: return "float32";
  case AN_SYM_true:
  case AN_SYM_false: return "bool";
  case AN_SYM_unary_operator: {
    AnSym a = an_sym(m->lang, an_unparen(m->lang, an_field(m->lang, v, AN_FIELD_argument)));
    return a == AN_SYM_integer ? "int32" : a == AN_SYM_float ? "float32" : NULL;
  }
  default: {
    AnTensorSpec spec;
    return an_tensor_spec_of(m, v, func, &spec) ? spec.dtype : NULL;
  }
  }
}

/* A name both branches of an if/else end with different values of. */
static void cond__two_sided(CondIf *c, TSNode in_main, TSNode in_else) {
  AnModel *m = c->m;
  TSNode target = an_field(m->lang, in_else, AN_FIELD_left);
  uint32_t len;
  const char *name = an_text(m->src, target, &len);
  TSNode a = an_unparen(m->lang, an_field(m->lang, in_main, AN_FIELD_right));
  TSNode b = an_unparen(m->lang, an_field(m->lang, in_else, AN_FIELD_right));
  bool a_none = an_sym(m->lang, a) == AN_SYM_none, b_none = an_sym(m->lang, b) == AN_SYM_none;
  const char *da = a_none ? NULL : cond__dtype(m, a, c->func), *db = b_none ? NULL : cond__dtype(m, b, c->func);
  AnFinding *f = NULL;
  if (a_none != b_none) {
    bool other_known = a_none ? (db || an_kind_is_tensor(an_kind_of(m, b, c->func)))
                              : (da || an_kind_is_tensor(an_kind_of(m, a, c->func)));
    if (!other_known || !an_read_after(m, c->func, c->stmt, name, len)) return;
    const char *branch = a_none ? "main" : "else";
    TSNode at = an_field(m->lang, a_none ? in_main : in_else, AN_FIELD_left);
    f = an_emit_node(m, AN_RULE_TENSOR_COND_BRANCH_MISMATCH, at, c->func,
                     "'%.*s' is None at the end of the %s branch of the tensor `if %s` in '%s' and a value in the "
                     "other: the tf.cond AutoGraph makes of the `if` cannot return None (ValueError: '%.*s' is None "
                     "at the end of the %s branch); give it a tensor on both paths",
                     (int)len, name, branch, c->cond_text, c->label, (int)len, name, branch);
  } else if (da && db && strcmp(da, db) != 0) {
    if (!an_read_after(m, c->func, c->stmt, name, len)) return;
    f = an_emit_node(m, AN_RULE_TENSOR_COND_BRANCH_MISMATCH, target, c->func,
                     "'%.*s' is %s in the main branch of the tensor `if %s` in '%s' but %s in the else branch: the "
                     "tf.cond AutoGraph makes of the `if` needs one dtype (TypeError: '%.*s' has dtype %s in the "
                     "main branch, but dtype %s in the else branch); make the values agree (e.g. 1.0 instead of 1, "
                     "or tf.cast)",
                     (int)len, name, da, c->cond_text, c->label, db, (int)len, name, da, db);
  }
  if (!f) return;
  an_finding_related(m, f, an_field(m->lang, in_main, AN_FIELD_left), "the main branch assigns it here");
  cond__related(c, f);
}

static void cond__names(CondIf *c) {
  AnModel *m = c->m;
  const char *seen[COND_MAX_NAMES];
  uint32_t seen_len[COND_MAX_NAMES], nseen = 0;
  for (int side = 0; side < 2; side++) {
    TSNode block = side == 0 ? c->main : c->else_body;
    uint32_t n = ts_node_is_null(block) ? 0 : ts_node_named_child_count(block);
    for (uint32_t i = 0; i < n && nseen < COND_MAX_NAMES; i++) {
      TSNode a = cond__assignment(m, ts_node_named_child(block, i));
      if (ts_node_is_null(a)) continue;
      uint32_t len;
      const char *name = an_text(m->src, an_field(m->lang, a, AN_FIELD_left), &len);
      bool dup = false;
      for (uint32_t k = 0; k < nseen; k++) dup = dup || (seen_len[k] == len && memcmp(seen[k], name, len) == 0);
      if (dup) continue;
      seen[nseen] = name;
      seen_len[nseen++] = len;
      TSNode fa = cond__final_assignment(m, block, name, len);
      if (ts_node_is_null(fa)) continue;
      if (side == 0 && !cond__alternatives_mention(c, name, len)) {
        cond__one_sided(c, fa, true);
      } else if (side == 1 && !an_mentions(m, c->main, name, len)) {
        cond__one_sided(c, fa, false);
      } else if (side == 0 && !c->has_elif && !ts_node_is_null(c->else_body)) {
        TSNode fb = cond__final_assignment(m, c->else_body, name, len);
        if (!ts_node_is_null(fb)) cond__two_sided(c, fa, fb);
      }
    }
  }
}

/* "a 2-tuple", "a single value", "None"; NULL when unknown. */
static const char *cond__return_shape(AnModel *m, TSNode ret, int func, int *arity) {
  TSNode v = an_unparen(m->lang, ts_node_named_child(ret, 0));
  AnSym s = an_sym(m->lang, v);
  if (s == AN_SYM_expression_list || s == AN_SYM_tuple) {
    *arity = (int)ts_node_named_child_count(v);
    return an_arena_printf(&m->arena, "a %d-tuple", *arity);
  }
  if (s == AN_SYM_none) {
    *arity = -1;
    return "None";
  }
  *arity = 1;
  return an_kind_is_tensor(an_kind_of(m, v, func)) ? "a single tensor" : NULL;
}

static void cond__returns(CondIf *c) {
  AnModel *m = c->m;
  if (c->has_elif) return;
  TSNode rm = cond__final_return(m, c->main), re = cond__final_return(m, c->else_body);
  if (!ts_node_is_null(rm) && !ts_node_is_null(re)) {
    int am, ae;
    const char *sm = cond__return_shape(m, rm, c->func, &am), *se = cond__return_shape(m, re, c->func, &ae);
    if (!sm || !se || am == ae) return;
    AnFinding *f = an_emit_node(m, AN_RULE_TENSOR_COND_BRANCH_MISMATCH, re, c->func,
                                "the branches of the tensor `if %s` in '%s' return %s and %s: AutoGraph turns the "
                                "`if` into a tf.cond, whose branches must return the same structure (%s); return "
                                "the same structure on both paths",
                                c->cond_text, c->label, sm, se,
                                am < 0 || ae < 0 ? "ValueError: ... is None at the end of the main branch"
                                                 : "TypeError: ... must have the same nested structure in the main "
                                                   "and else branches");
    if (!f) return;
    an_finding_related(m, f, rm, "the main branch returns %s", sm);
    cond__related(c, f);
    return;
  }
  /* One branch ends with a return and the other has none, and the function
   * ends after the `if` without one: the other path returns nothing. */
  bool main_returns = !ts_node_is_null(rm);
  TSNode ret = main_returns ? rm : re;
  TSNode other = main_returns ? c->else_body : c->main;
  if (ts_node_is_null(ret) || cond__has_exit(m, other, false)) return;
  TSNode body = an_field(m->lang, AN_FUNC(m, c->func)->node, AN_FIELD_body);
  if (!ts_node_eq(ts_node_parent(c->stmt), body)) return;
  for (TSNode n = ts_node_next_named_sibling(c->stmt); !ts_node_is_null(n); n = ts_node_next_named_sibling(n))
    if (cond__has_exit(m, n, false)) return;
  if (an_sym(m->lang, an_unparen(m->lang, ts_node_named_child(ret, 0))) == AN_SYM_none) return;
  const char *missing = main_returns ? "else" : "main";
  AnFinding *f = an_emit_node(m, AN_RULE_TENSOR_COND_BRANCH_MISMATCH, ret, c->func,
                              "only the %s branch of the tensor `if %s` in '%s' returns a value, and the function "
                              "ends without one on the other path: AutoGraph turns the `if` into a tf.cond, whose "
                              "branches must both return (ValueError: the %s branch must also have a return "
                              "statement.); return a value on both paths",
                              main_returns ? "main" : "else", c->cond_text, c->label, missing);
  if (f) cond__related(c, f);
}

void an_check_HY219(AnModel *m) {
  const AnLang *l = m->lang;
  for (uint32_t i = 0; i < m->sites.count; i++) {
    AnSite *s = &AN_VEC_AT(m->sites, AnSite, i);
    int func = s->ctx.func;
    if (s->kind != AN_SITE_IF || an_sym(l, s->node) != AN_SYM_if_statement || !an_graph_code(m, &s->ctx) ||
        !AN_FUNC(m, func)->autograph || AN_FUNC(m, func)->is_lambda)
      continue;
    TSNode cond = an_field(l, s->node, AN_FIELD_condition);
    if (ts_node_is_null(cond) || !an_kind_is_tensor(an_kind_of(m, cond, func))) continue;
    CondIf c = {m, func, s->node, cond, an_field(l, s->node, AN_FIELD_consequence), {{0}, NULL, NULL}, false,
                an_snippet(m, cond), an_func_label(m, func)};
    uint32_t n = ts_node_named_child_count(s->node);
    for (uint32_t k = 0; k < n; k++) {
      TSNode ch = ts_node_named_child(s->node, k);
      AnSym cs = an_sym(l, ch);
      if (cs == AN_SYM_elif_clause) c.has_elif = true;
      if (cs == AN_SYM_else_clause) c.else_body = an_field(l, ch, AN_FIELD_body);
    }
    if (ts_node_is_null(c.main)) continue;
    cond__returns(&c);
    if (!cond__has_exit(m, s->node, false)) cond__names(&c);
  }
}
