/* Graph code AutoGraph does not convert: HY211 Python builtins that read a
 * symbolic tensor (len, int, float, range), HY213 Python `if`/`while`/`for`
 * on tensors behind an explicit opt-out (autograph=False, do_not_convert).
 *
 * Whether a function is converted comes from the model (AnFunc.autograph,
 * reasons from an_autograph_off); tensor kinds from an_kind_of, as HY209 and
 * HY210 use them. HY213 owns the tensor conditions and loops behind an
 * explicit opt-out; HY209/HY210 report the ones AutoGraph skips for other
 * reasons (an_autograph_opted_out). */
#include <string.h>

#include "analysis/rules/rules.h"

/* Why AutoGraph leaves `func` alone, for messages. */
static const char *agoff__reason(AnModel *m, int func, AnAutographOff why, int source) {
  const char *name = an_func_label(m, func);
  if (why == AN_AG_OFF_FLAG && source == func)
    return an_arena_printf(&m->arena, "'%s' is a tf.function with autograph=False", name);
  if (why == AN_AG_OFF_FLAG)
    return an_arena_printf(&m->arena, "'%s' runs inside '%s', a tf.function with autograph=False", name,
                           AN_FUNC(m, source)->qualname);
  if (why == AN_AG_OFF_DO_NOT_CONVERT && source == func)
    return an_arena_printf(&m->arena, "'%s' is decorated with do_not_convert", name);
  if (why == AN_AG_OFF_DO_NOT_CONVERT)
    return an_arena_printf(&m->arena, "'%s' runs inside '%s', which is decorated with do_not_convert", name,
                           AN_FUNC(m, source)->qualname);
  return an_arena_printf(&m->arena, "AutoGraph does not convert '%s'", name);
}

/* Points at the opt-out and the chain that makes the function graph code. */
static void agoff__related(AnModel *m, AnFinding *f, int func, AnAutographOff why, int source) {
  if (!f) return;
  TSNode off = an_autograph_off_node(m, source, why);
  if (!ts_node_is_null(off))
    an_finding_related(m, f, off, "AutoGraph is switched off for '%s' here", AN_FUNC(m, source)->qualname);
  an_finding_related_chain(m, f, func);
}

/* Removing the opt-out: AutoGraph keeps Python semantics for Python
 * conditions and loops, and the tensor-dependent code could not run before,
 * so the edit is safe (rules.md HY213). Identical edits from several
 * findings are shared by fix-all. */
static void agoff__remove_fix(AnModel *m, AnFinding *f, int source, AnAutographOff why) {
  TSNode off = an_autograph_off_node(m, source, why);
  if (!f || ts_node_is_null(off)) return;
  uint32_t s = ts_node_start_byte(off), e = ts_node_end_byte(off);
  if (why == AN_AG_OFF_FLAG) {
    TSNode prev = ts_node_prev_named_sibling(off), next = ts_node_next_named_sibling(off);
    if (!ts_node_is_null(prev) && an_sym(m->lang, prev) != AN_SYM_comment)
      s = ts_node_end_byte(prev);
    else if (!ts_node_is_null(next) && an_sym(m->lang, next) != AN_SYM_comment)
      e = ts_node_start_byte(next);
    else if (!ts_node_is_null(prev) || !ts_node_is_null(next))
      return;
    AnFix *fix = an_finding_fix(m, f, "Remove autograph=False", true);
    an_fix_edit(m, fix, s, e, "");
    return;
  }
  /* A decorator alone on its lines goes with its line. */
  uint32_t ls = an_line_start(m, s), le = an_line_end(m, e > s ? e - 1 : e);
  for (uint32_t k = ls; k < s; k++)
    if (m->src[k] != ' ' && m->src[k] != '\t') return;
  for (uint32_t k = e; k < le; k++)
    if (m->src[k] != ' ' && m->src[k] != '\t' && m->src[k] != '\n' && m->src[k] != '\r') return;
  AnFix *fix = an_finding_fix(m, f, "Remove @do_not_convert", true);
  an_fix_edit(m, fix, ls, le, "");
}

/* --- HY211 python-builtin-on-symbolic-unconverted ------------------------ */

/* Builtins AutoGraph overloads for tensors (py_builtins.py) that fail on a
 * symbolic tensor when it does not: bool() is HY209's, iteration HY210's. */
static const struct {
  const char *dotted;
  const char *error;
  const char *fix;
  bool any_arg; /* any positional argument, not only the single one */
} agoff__builtins[] = {
    {"builtins.len", "TypeError: len is not well defined for a symbolic Tensor", "tf.shape(t)[0] or t.shape[0]", false},
    {"builtins.int", "TypeError: a symbolic tensor is not a Python number", "tf.cast(t, tf.int64)", false},
    {"builtins.float", "TypeError: a symbolic tensor is not a Python number", "tf.cast(t, tf.float32)", false},
    {"builtins.range", "TypeError: a symbolic tensor cannot be interpreted as an integer", "tf.range", true},
};

/* The first positional argument of kind tensor (not a variable: the
 * variable's own conversions are not what this rule models). */
static TSNode agoff__tensor_arg(AnModel *m, const AnCall *c, bool any_position) {
  TSNode none = {{0}, NULL, NULL};
  uint32_t argc = an_call_argc(m->lang, c->node);
  if (!any_position && argc != 1) return none;
  for (uint32_t i = 0; i < argc; i++) {
    TSNode a = an_call_arg(m->lang, c->node, i);
    if (an_kind_of(m, a, c->ctx.func) == AN_KIND_TENSOR) return a;
  }
  return none;
}

void an_check_HY211(AnModel *m) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    int func = c->ctx.func;
    if (!c->dotted || strncmp(c->dotted, "builtins.", 9) != 0 || !an_graph_code(m, &c->ctx)) continue;
    AnFunc *fn = AN_FUNC(m, func);
    /* A generator's body runs only when something iterates it. */
    if (fn->autograph || fn->is_generator) continue;
    for (size_t k = 0; k < sizeof agoff__builtins / sizeof agoff__builtins[0]; k++) {
      if (strcmp(c->dotted, agoff__builtins[k].dotted) != 0) continue;
      TSNode t = agoff__tensor_arg(m, c, agoff__builtins[k].any_arg);
      if (ts_node_is_null(t)) break;
      int source;
      AnAutographOff why = an_autograph_off(m, func, &source);
      AnFinding *f = an_emit_node(m, AN_RULE_PYTHON_BUILTIN_ON_SYMBOLIC_UNCONVERTED, c->node, func,
                                  "'%s' applies Python's %s() to the symbolic tensor '%s', which only AutoGraph "
                                  "can convert, but %s (%s); use %s, or let AutoGraph convert this function",
                                  an_snippet(m, c->node), c->dotted + 9, an_snippet(m, t),
                                  agoff__reason(m, func, why, source), agoff__builtins[k].error, agoff__builtins[k].fix);
      agoff__related(m, f, func, why, source);
      break;
    }
  }
}

/* --- HY213 autograph-disabled-tensor-control-flow ------------------------ */

void an_check_HY213(AnModel *m) {
  for (uint32_t i = 0; i < m->sites.count; i++) {
    AnSite *s = &AN_VEC_AT(m->sites, AnSite, i);
    int func = s->ctx.func;
    if ((s->kind != AN_SITE_IF && s->kind != AN_SITE_FOR) || !an_graph_code(m, &s->ctx)) continue;
    int source;
    AnAutographOff why = an_autograph_off(m, func, &source);
    if (why != AN_AG_OFF_FLAG && why != AN_AG_OFF_DO_NOT_CONVERT) continue;
    bool loop = s->kind == AN_SITE_FOR;
    TSNode t = an_field(m->lang, s->node, loop ? AN_FIELD_right : AN_FIELD_condition);
    if (ts_node_is_null(t) || !an_kind_is_tensor(an_kind_of(m, t, func))) continue;
    AnSym sym = an_sym(m->lang, s->node);
    const char *stmt = loop ? "for" : sym == AN_SYM_while_statement ? "while" : sym == AN_SYM_elif_clause ? "elif" : "if";
    const char *what = loop ? "iterating over a symbolic tf.Tensor is not allowed"
                            : "using a symbolic tf.Tensor as a Python bool is not allowed";
    const char *alt = loop ? "tf.while_loop" : sym == AN_SYM_while_statement ? "tf.while_loop" : "tf.cond";
    AnFinding *f = an_emit_node(m, AN_RULE_AUTOGRAPH_DISABLED_TENSOR_CONTROL_FLOW, t, func,
                                "'%s' is a symbolic tensor, but this `%s` stays plain Python because %s "
                                "(OperatorNotAllowedInGraphError: %s: AutoGraph is disabled in this function); "
                                "remove the opt-out or use %s",
                                an_snippet(m, t), stmt, agoff__reason(m, func, why, source), what, alt);
    agoff__related(m, f, func, why, source);
    agoff__remove_fix(m, f, source, why);
  }
}
