/* Python side effects that run only while a function is traced:
 * HY201 print. */
#include <string.h>

#include "analysis/rules/rules.h"

/* True when every argument is a Python literal (or a Python-valued name)
 * and some string mentions tracing: a deliberate trace-time log. */
static bool effects__trace_log(AnModel *m, const AnCall *c) {
  bool mentions = false;
  uint32_t n = an_call_argc(m->lang, c->node);
  for (uint32_t i = 0; i < n; i++) {
    TSNode a = an_call_arg(m->lang, c->node, i);
    AnKind k = an_kind_of(m, a, c->ctx.func);
    if (k != AN_KIND_PY_STR && k != AN_KIND_PY_SCALAR) return false;
    uint32_t len;
    const char *t = an_text(m->src, a, &len);
    for (uint32_t j = 0; j + 4 < len; j++)
      if (strncmp(t + j, "trac", 4) == 0 || strncmp(t + j, "Trac", 4) == 0) mentions = true;
  }
  return mentions;
}

/* The builtin-print options tf.print cannot express. */
static bool effects__print_fixable(AnModel *m, const AnCall *c) {
  TSNode args = an_field(m->lang, c->node, AN_FIELD_arguments);
  if (ts_node_is_null(args)) return false;
  uint32_t n = ts_node_named_child_count(args);
  for (uint32_t i = 0; i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    AnSym s = an_sym(m->lang, a);
    if (s == AN_SYM_keyword_argument) {
      TSNode k = an_field(m->lang, a, AN_FIELD_name);
      if (!an_text_eq(m->src, k, "sep") && !an_text_eq(m->src, k, "end")) return false;
    } else if (s == AN_SYM_list_splat || s == AN_SYM_dictionary_splat) {
      return false;
    } else if (s == AN_SYM_string) {
      /* f-strings with replacement fields need splitting by hand. */
      uint32_t k = ts_node_named_child_count(a);
      for (uint32_t j = 0; j < k; j++)
        if (an_sym(m->lang, ts_node_named_child(a, j)) == AN_SYM_interpolation) return false;
    }
  }
  return true;
}

static bool effects__has_sys_import(AnModel *m) {
  for (uint32_t i = 0; i < m->imports.count; i++) {
    AnImport *imp = &AN_VEC_AT(m->imports, AnImport, i);
    if (strcmp(imp->local, "sys") == 0 && strcmp(imp->target, "sys") == 0) return true;
  }
  return false;
}

/* Byte offset where a new top-level import can go: after the last
 * top-level import statement (or at the start). */
static uint32_t effects__import_anchor(AnModel *m) {
  uint32_t at = 0, n = ts_node_named_child_count(m->root);
  for (uint32_t i = 0; i < n; i++) {
    TSNode s = ts_node_named_child(m->root, i);
    AnSym sym = an_sym(m->lang, s);
    if (sym == AN_SYM_import_statement || sym == AN_SYM_import_from_statement ||
        sym == AN_SYM_future_import_statement)
      at = ts_node_end_byte(s);
  }
  return at;
}

static void effects__print_fix(AnModel *m, AnFinding *f, const AnCall *c) {
  const char *tf = an_tf_alias(m);
  if (!tf || !effects__print_fixable(m, c)) return;
  AnFix *fix = an_finding_fix(m, f, "Replace print with tf.print (runs on every call)", false);
  TSNode fn = an_field(m->lang, c->node, AN_FIELD_function);
  an_fix_edit(m, fix, ts_node_start_byte(fn), ts_node_end_byte(fn), an_arena_printf(&m->arena, "%s.print", tf));
  TSNode args = an_field(m->lang, c->node, AN_FIELD_arguments);
  uint32_t close = ts_node_end_byte(args) - 1;
  bool empty = ts_node_named_child_count(args) == 0;
  an_fix_edit(m, fix, close, close, empty ? "output_stream=sys.stdout" : ", output_stream=sys.stdout");
  if (!effects__has_sys_import(m)) {
    uint32_t at = effects__import_anchor(m);
    an_fix_edit(m, fix, at, at, at ? "\nimport sys" : "import sys\n");
  }
}

void an_check_HY201(AnModel *m) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (!an_call_is(c, "builtins.print") || !an_graph_code(m, &c->ctx)) continue;
    AnFinding *f = an_emit_node(m, AN_RULE_PRINT_AT_TRACE_TIME, c->node, c->ctx.func,
                                "print() runs only while '%s' is being traced, not on every call; "
                                "use tf.print to print tensor values each time",
                                an_func_label(m, c->ctx.func));
    if (!f) continue;
    if (effects__trace_log(m, c)) f->severity = AN_SEV_HINT;
    an_finding_related_chain(m, f, c->ctx.func);
    effects__print_fix(m, f, c);
  }
}
