/* Tensors turned into Python text in graph code: HY503. The text is made
 * once, while the function is traced, from the symbolic tensor, so it
 * describes the tensor instead of holding its value. Reported where the
 * text reaches a sink: print, tf.print, logging and file writes, exception
 * and assertion messages, text summaries, and returned strings. */
#include <string.h>

#include "analysis/rules/rules.h"

#define TTEXT_MAX_DEPTH 6

/* Where the text goes, for messages. */
typedef struct TtextSink {
  const char *what; /* subject and verb: "print shows" */
  int func;
} TtextSink;

/* What was found in one formatting expression. */
typedef struct TtextHit {
  TSNode tensor; /* the first symbolic tensor formatted, null when none */
  AnKind kind;
  bool spec;     /* a format spec applied to a symbolic tensor (TypeError) */
} TtextHit;

static bool ttext__symbolic_name(AnModel *m, TSNode id, int func, int depth);

/* The kind of `e` when it is a tensor made while the function is traced
 * (or a variable, which formats without its value in graph code); unknown
 * otherwise, e.g. for an eager tensor created at module level, whose value
 * formats normally. */
static AnKind ttext__symbolic(AnModel *m, TSNode e, int func, int depth) {
  AnKind k = an_kind_of(m, e, func);
  if (k == AN_KIND_VARIABLE) return k;
  if (k != AN_KIND_TENSOR || depth > TTEXT_MAX_DEPTH) return AN_KIND_UNKNOWN;
  const AnLang *l = m->lang;
  e = an_unparen(l, e);
  switch (an_sym(l, e)) {
  case AN_SYM_identifier:
    return ttext__symbolic_name(m, e, func, depth) ? AN_KIND_TENSOR : AN_KIND_UNKNOWN;
  case AN_SYM_call:
  case AN_SYM_binary_operator:
  case AN_SYM_unary_operator:
  case AN_SYM_subscript:
  case AN_SYM_comparison_operator:
    return AN_KIND_TENSOR; /* an op run in graph context gives a symbolic tensor */
  case AN_SYM_attribute: {
    /* `self.x`: symbolic only when every assignment happens in graph code. */
    TSNode obj = an_field(l, e, AN_FIELD_object), attr = an_field(l, e, AN_FIELD_attribute);
    if (!an_text_eq(m->src, obj, "self")) return AN_KIND_UNKNOWN;
    int a = an_self_attr_binding(m, attr, func);
    if (a < 0) return AN_KIND_UNKNOWN;
    for (; a >= 0; a = AN_VEC_AT(m->attrs, AnAttrBinding, a).next)
      if (!an_in_graph(m, AN_VEC_AT(m->attrs, AnAttrBinding, a).func)) return AN_KIND_UNKNOWN;
    return AN_KIND_TENSOR;
  }
  default:
    return AN_KIND_UNKNOWN;
  }
}

/* True when a name holding a tensor is bound in graph code: a parameter or
 * local of a graph function (aliases of other names followed). */
static bool ttext__symbolic_name(AnModel *m, TSNode id, int func, int depth) {
  uint32_t len;
  const char *t = an_text(m->src, id, &len);
  for (int f = func; f >= 0; f = AN_FUNC(m, f)->parent) {
    int b = an_hash_get(&m->binding_map, f, t, len);
    if (b >= 0) {
      if (!an_in_graph(m, f)) return false;
      for (int k = b; k >= 0; k = AN_VEC_AT(m->bindings, AnBinding, k).next) {
        AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, k);
        TSNode v = an_unparen(m->lang, bd->value);
        if (!bd->from_for && !bd->from_unpack && an_sym(m->lang, v) == AN_SYM_identifier &&
            !ttext__symbolic(m, v, f, depth + 1))
          return false;
      }
      return true;
    }
    AnFunc *fn = AN_FUNC(m, f);
    for (uint32_t i = 0; i < fn->param_count; i++)
      if (an_text_eq(m->src, id, fn->params[i].name)) return an_in_graph(m, f);
  }
  return false; /* module level: an eager value */
}

static void ttext__note(AnModel *m, TtextHit *hit, TSNode e, int func, bool spec) {
  AnKind k = ttext__symbolic(m, e, func, 0);
  if (k == AN_KIND_UNKNOWN) return;
  /* Variables may format differently; only tensors are known to raise. */
  bool raises = spec && k == AN_KIND_TENSOR;
  if (ts_node_is_null(hit->tensor) || (raises && !hit->spec)) {
    hit->tensor = e;
    hit->kind = k;
    hit->spec = raises;
  }
}

/* f-string: each replacement field. A format spec raises on a symbolic
 * tensor unless a conversion (`!s`, `!r`) made the value a str first. */
static void ttext__fstring(AnModel *m, TSNode s, int func, TtextHit *hit) {
  uint32_t n = ts_node_named_child_count(s);
  for (uint32_t i = 0; i < n; i++) {
    TSNode in = ts_node_named_child(s, i);
    if (an_sym(m->lang, in) != AN_SYM_interpolation || !ts_node_named_child_count(in)) continue;
    bool spec = false, conversion = false;
    uint32_t k = ts_node_named_child_count(in);
    for (uint32_t j = 1; j < k; j++) {
      TSNode ch = ts_node_named_child(in, j);
      /* Rare node types the symbol table does not map. */
      if (strcmp(ts_node_type(ch), "type_conversion") == 0) conversion = true;
      if (strcmp(ts_node_type(ch), "format_specifier") == 0 && ts_node_end_byte(ch) - ts_node_start_byte(ch) > 1)
        spec = true;
    }
    ttext__note(m, hit, ts_node_named_child(in, 0), func, spec && !conversion);
  }
}

/* The argument a replacement field of a str.format literal names: `{}`
 * (auto-numbered), `{1}`, `{name}`; null for attribute or index fields. */
static TSNode ttext__field_arg(AnModel *m, TSNode call, const char *name, uint32_t len, uint32_t *autonum) {
  TSNode none = {{0}, NULL, NULL};
  if (len == 0) return an_call_arg(m->lang, call, (*autonum)++);
  uint32_t idx = 0;
  bool digits = true;
  for (uint32_t i = 0; i < len; i++) {
    if (name[i] == '.' || name[i] == '[') return none;
    if (name[i] < '0' || name[i] > '9') digits = false;
    else idx = idx * 10 + (uint32_t)(name[i] - '0');
  }
  if (digits) return an_call_arg(m->lang, call, idx);
  char kw[64];
  if (len >= sizeof kw) return none;
  memcpy(kw, name, len);
  kw[len] = '\0';
  return an_call_kwarg(m->lang, m->src, call, kw);
}

/* `"...".format(...)`: every argument, and for a literal template the
 * fields with a format spec. */
static void ttext__str_format(AnModel *m, TSNode call, TSNode tmpl, int func, TtextHit *hit) {
  tmpl = an_unparen(m->lang, tmpl);
  if (an_sym(m->lang, tmpl) == AN_SYM_string) {
    uint32_t len, autonum = 0;
    const char *t = an_text(m->src, tmpl, &len);
    for (uint32_t i = 0; i < len; i++) {
      if (t[i] != '{') continue;
      if (i + 1 < len && t[i + 1] == '{') {
        i++;
        continue;
      }
      uint32_t name = i + 1, end = name;
      while (end < len && t[end] != '}' && t[end] != ':' && t[end] != '!' && t[end] != '{') end++;
      uint32_t close = end;
      while (close < len && t[close] != '}' && t[close] != '{') close++;
      if (close >= len || t[close] == '{') return; /* nested fields: give up on specs */
      bool spec = end < close && t[end] == ':' && close > end + 1;
      TSNode arg = ttext__field_arg(m, call, t + name, end - name, &autonum);
      if (spec && !ts_node_is_null(arg)) ttext__note(m, hit, arg, func, true);
      i = close;
    }
  }
  TSNode args = an_field(m->lang, call, AN_FIELD_arguments);
  uint32_t n = ts_node_is_null(args) ? 0 : ts_node_named_child_count(args);
  for (uint32_t i = 0; i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    if (an_sym(m->lang, a) == AN_SYM_keyword_argument) a = an_field(m->lang, a, AN_FIELD_value);
    ttext__note(m, hit, a, func, false);
  }
}

/* `"..." % x` with x, or an element of a tuple or a dict value, a tensor. */
static void ttext__percent(AnModel *m, TSNode right, int func, TtextHit *hit) {
  right = an_unparen(m->lang, right);
  AnSym s = an_sym(m->lang, right);
  if (s == AN_SYM_tuple || s == AN_SYM_dictionary) {
    uint32_t n = ts_node_named_child_count(right);
    for (uint32_t i = 0; i < n; i++) {
      TSNode e = ts_node_named_child(right, i);
      if (an_sym(m->lang, e) == AN_SYM_pair) e = an_field(m->lang, e, AN_FIELD_value);
      ttext__note(m, hit, e, func, false);
    }
    return;
  }
  ttext__note(m, hit, right, func, false);
}

static bool ttext__mentions_tracing(AnModel *m, TSNode node) {
  uint32_t len;
  const char *t = an_text(m->src, node, &len);
  for (uint32_t j = 0; j + 4 <= len; j++)
    if (strncmp(t + j, "trac", 4) == 0 || strncmp(t + j, "Trac", 4) == 0) return true;
  return false;
}

static bool ttext__reported(AnModel *m, TSNode node) {
  for (uint32_t i = 0; i < m->findings.count; i++) {
    AnFinding *f = &AN_VEC_AT(m->findings, AnFinding, i);
    if (f->rule == AN_RULE_TENSOR_FORMATTED_AS_TEXT && f->start == ts_node_start_byte(node) &&
        f->end == ts_node_end_byte(node))
      return true;
  }
  return false;
}

static void ttext__report(AnModel *m, const TtextSink *sink, TSNode node, const TtextHit *hit) {
  if (ts_node_is_null(hit->tensor) || ttext__reported(m, node)) return;
  /* `print(f"Tracing with {x}")` shows the symbolic tensor on purpose. */
  if (!hit->spec && ttext__mentions_tracing(m, node)) return;
  const char *fn = an_func_label(m, sink->func);
  AnFinding *f;
  if (hit->spec)
    f = an_emit_node(m, AN_RULE_TENSOR_FORMATTED_AS_TEXT, node, sink->func,
                     "'%s' applies a format spec to the symbolic tensor '%s' while '%s' is traced (TypeError: "
                     "unsupported format string passed to Tensor.__format__); pass the tensor to tf.print, or "
                     "build the text with tf.strings.format",
                     an_snippet(m, node), an_snippet(m, hit->tensor), fn);
  else
    f = an_emit_node(m, AN_RULE_TENSOR_FORMATTED_AS_TEXT, node, sink->func,
                     "'%s' turns the %s '%s' into text while '%s' is traced, so %s %s, not its value; pass "
                     "the tensor to tf.print, or build the text with tf.strings.format",
                     an_snippet(m, node), hit->kind == AN_KIND_VARIABLE ? "variable" : "tensor",
                     an_snippet(m, hit->tensor), fn, sink->what,
                     hit->kind == AN_KIND_VARIABLE ? "its description (<tf.Variable 'name' shape=... dtype=...>)"
                                                   : "its symbolic description (Tensor(\"name:0\", shape=..., dtype=...))");
  an_finding_related_chain(m, f, sink->func);
}

/* Finds the formatting expressions whose text `e` is made of: f-strings,
 * str.format, `%`, str() and repr(), through `+` concatenation and, once,
 * through a local name bound to such text. */
static void ttext__examine(AnModel *m, const TtextSink *sink, TSNode e, int depth) {
  const AnLang *l = m->lang;
  e = an_unparen(l, e);
  if (ts_node_is_null(e) || depth > TTEXT_MAX_DEPTH) return;
  TtextHit hit = {{{0}, NULL, NULL}, AN_KIND_UNKNOWN, false};
  int func = sink->func;
  switch (an_sym(l, e)) {
  case AN_SYM_string:
    ttext__fstring(m, e, func, &hit);
    ttext__report(m, sink, e, &hit);
    return;
  case AN_SYM_concatenated_string: {
    uint32_t n = ts_node_named_child_count(e);
    for (uint32_t i = 0; i < n; i++) ttext__examine(m, sink, ts_node_named_child(e, i), depth + 1);
    return;
  }
  case AN_SYM_binary_operator: {
    TSNode op = an_field(l, e, AN_FIELD_operator), left = an_field(l, e, AN_FIELD_left);
    if (an_text_eq(m->src, op, "+")) {
      ttext__examine(m, sink, left, depth + 1);
      ttext__examine(m, sink, an_field(l, e, AN_FIELD_right), depth + 1);
    } else if (an_text_eq(m->src, op, "%") && an_kind_of(m, left, func) == AN_KIND_PY_STR) {
      ttext__percent(m, an_field(l, e, AN_FIELD_right), func, &hit);
      ttext__report(m, sink, e, &hit);
    }
    return;
  }
  case AN_SYM_call: {
    TSNode fn = an_field(l, e, AN_FIELD_function);
    const char *d = an_dotted(m, fn, func);
    if (d && (strcmp(d, "builtins.str") == 0 || strcmp(d, "builtins.repr") == 0)) {
      if (an_call_argc(l, e) == 1) ttext__note(m, &hit, an_call_arg(l, e, 0), func, false);
    } else if (an_sym(l, fn) == AN_SYM_attribute && an_text_eq(m->src, an_field(l, fn, AN_FIELD_attribute), "format")) {
      TSNode tmpl = an_field(l, fn, AN_FIELD_object);
      if (an_kind_of(m, tmpl, func) != AN_KIND_PY_STR) return;
      ttext__str_format(m, e, tmpl, func, &hit);
    }
    ttext__report(m, sink, e, &hit);
    return;
  }
  case AN_SYM_identifier: {
    /* `msg = f"..."; print(msg)`: the only binding of a local name. */
    if (depth > 0 || func < 0) return;
    uint32_t len;
    const char *t = an_text(m->src, e, &len);
    int b = an_hash_get(&m->binding_map, func, t, len);
    if (b < 0) return;
    AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, b);
    if (bd->next >= 0 || bd->from_for || bd->from_unpack || bd->at > ts_node_start_byte(e)) return;
    if (an_sym(l, bd->value) == AN_SYM_augmented_assignment) return;
    ttext__examine(m, sink, bd->value, depth + 1);
    return;
  }
  default:
    return;
  }
}

/* False when the text before `node` is not the keyword `raise` (only
 * blanks and line continuations may sit between them when node is the
 * exception of a raise statement: a comment would be a named child of its
 * own), which spares most calls the costly parent lookup. */
static bool ttext__after_raise(AnModel *m, TSNode node) {
  uint32_t at = ts_node_start_byte(node);
  while (at > 0 && m->src[at - 1] != '\0' && strchr(" \t\n\r\f\\", m->src[at - 1])) at--;
  return at >= 5 && memcmp(m->src + at - 5, "raise", 5) == 0;
}

/* The sink a call in graph code is, or NULL: its label for messages. When
 * only one argument of the call is a sink (an assertion's message, the
 * data of a text summary), *single is set and *arg is that argument (null
 * when the call does not pass it). */
static const char *ttext__call_sink(AnModel *m, const AnCall *c, bool *single, TSNode *arg) {
  *single = false;
  if (an_call_is(c, "builtins.print")) return "print shows";
  if (an_call_is(c, "tensorflow.print")) return "tf.print shows, on every call,";
  TSNode parent = ttext__after_raise(m, c->node) ? an_parent(m, c->node, c->ctx.func) : (TSNode){{0}, NULL, NULL};
  if (an_sym(m->lang, parent) == AN_SYM_raise_statement && ts_node_named_child_count(parent) &&
      ts_node_start_byte(ts_node_named_child(parent, 0)) == ts_node_start_byte(c->node))
    return "the exception message holds";
  if (c->dotted && (an_dotted_has_prefix(c->dotted, "tensorflow.debugging") ||
                    strncmp(c->dotted, "tensorflow.assert_", 18) == 0)) {
    *single = true;
    *arg = an_call_kwarg(m->lang, m->src, c->node, "message");
    return "the assertion message holds";
  }
  /* tf.summary.text(name, data, step): a Python string as data becomes a
   * constant of the graph, written unchanged at every step. */
  if (an_call_is(c, "tensorflow.summary.text")) {
    *single = true;
    *arg = an_call_kwarg(m->lang, m->src, c->node, "data");
    if (ts_node_is_null(*arg)) *arg = an_call_arg(m->lang, c->node, 1);
    return "the text summary writes, at every step,";
  }
  if (an_is_python_io_call(m, c))
    return an_arena_printf(&m->arena, "'%s' gets", an_snippet(m, an_field(m->lang, c->node, AN_FIELD_function)));
  return NULL;
}

void an_check_HY503(AnModel *m) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (c->ctx.init_scope || !an_graph_code(m, &c->ctx)) continue;
    bool single;
    TSNode arg;
    const char *what = ttext__call_sink(m, c, &single, &arg);
    if (!what) continue;
    TtextSink sink = {what, c->ctx.func};
    if (single) {
      ttext__examine(m, &sink, arg, 0);
      continue;
    }
    uint32_t n = an_call_argc(m->lang, c->node);
    for (uint32_t k = 0; k < n; k++) ttext__examine(m, &sink, an_call_arg(m->lang, c->node, k), 0);
  }
  for (uint32_t i = 0; i < m->sites.count; i++) {
    AnSite *s = &AN_VEC_AT(m->sites, AnSite, i);
    if (s->kind != AN_SITE_RETURN || s->ctx.init_scope || !an_graph_code(m, &s->ctx)) continue;
    if (!ts_node_named_child_count(s->node)) continue;
    TtextSink sink = {"the returned string holds", s->ctx.func};
    ttext__examine(m, &sink, ts_node_named_child(s->node, 0), 0);
  }
  /* A lambda returns its body (tf.data map functions are often lambdas). */
  for (uint32_t i = 0; i < m->funcs.count; i++) {
    AnFunc *fn = AN_FUNC(m, i);
    if (!fn->is_lambda || !an_in_graph(m, (int)i)) continue;
    TtextSink sink = {"the returned string holds", (int)i};
    ttext__examine(m, &sink, an_field(m->lang, fn->node, AN_FIELD_body), 0);
  }
}
