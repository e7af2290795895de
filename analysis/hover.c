/* Hovers: what runs as a graph and what that means, at a byte offset.
 *
 * In order of precedence:
 *   1. a suppression comment: the explanation of the rules it names;
 *   2. a function name or its tf.function decorator: graph or eager and
 *      why, AutoGraph, the signature or what call sites pass and how many
 *      traces that gives, what runs only while tracing, the refactoring;
 *   3. a finding's range: the rule's explanation;
 *   4. a call of a hybrid function: argument kinds and whether it retraces;
 *   5. constructs in graph code (rules.md 2.8): loops, conditions, static
 *      and dynamic shapes, captured globals, tf.Variable reads, tf.print,
 *      tf.init_scope, calls traced into the graph, and per statement
 *      whether it runs once per trace or on every call.
 * Text is built as Markdown, first line answering the question; plaintext
 * is the same text with the Markdown syntax removed.
 */
#include <string.h>

#include "analysis/features.h"
#include "analysis/rules/rules.h"

typedef struct Hover {
  AnModel *m;
  AnBuf b;
  uint32_t start, end;
} Hover;

#define HP(h, ...) an_buf_printf(&(h)->m->arena, &(h)->b, __VA_ARGS__)
#define HS(h, s) an_buf_puts(&(h)->m->arena, &(h)->b, (s))

static void hover__range(Hover *h, TSNode n) {
  h->start = ts_node_start_byte(n);
  h->end = ts_node_end_byte(n);
}

static uint32_t hover__line(TSNode n) { return ts_node_start_point(n).row + 1; }

static bool hover__within(TSNode n, uint32_t offset) {
  return !ts_node_is_null(n) && ts_node_start_byte(n) <= offset && offset <= ts_node_end_byte(n);
}

static const char *hover__kind_word(AnKind k) {
  switch (k) {
  case AN_KIND_TENSOR: return "tensor";
  case AN_KIND_VARIABLE: return "tf.Variable";
  case AN_KIND_DATASET: return "dataset";
  case AN_KIND_PY_SCALAR: return "Python number";
  case AN_KIND_PY_STR: return "Python string";
  case AN_KIND_PY_CONTAINER: return "Python container";
  case AN_KIND_NUMPY: return "NumPy array";
  case AN_KIND_KERAS: return "Keras object";
  case AN_KIND_MIXED: return "mixed kinds";
  default: return "unknown kind";
  }
}

/* How a value of kind `k` enters a tf.function's trace key. */
static const char *hover__trace_word(AnKind k) {
  switch (k) {
  case AN_KIND_TENSOR:
  case AN_KIND_VARIABLE:
  case AN_KIND_NUMPY: return "one trace per new shape or dtype";
  case AN_KIND_PY_SCALAR:
  case AN_KIND_PY_STR: return "one trace per value";
  case AN_KIND_PY_CONTAINER: return "traced element by element";
  case AN_KIND_DATASET: return "traced by its element spec";
  default: return NULL;
  }
}

static bool hover__hybrid(const AnFunc *f) { return f->via == AN_VIA_DECORATOR || f->via == AN_VIA_CALL; }

/* --- Markdown to plaintext --------------------------------------------------- */

static const char *hover__plain(AnModel *m, const char *md) {
  AnBuf out = {0};
  const char *p = md;
  while (*p) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    if (len >= 3 && memcmp(p, "```", 3) == 0) {
      p += len + (nl ? 1 : 0);
      continue;
    }
    size_t i = 0;
    if (len && p[0] == '#') {
      while (i < len && p[i] == '#') i++;
      while (i < len && p[i] == ' ') i++;
    }
    for (; i < len; i++) {
      if (p[i] == '`') continue;
      if (p[i] == '*' && i + 1 < len && p[i + 1] == '*') {
        i++;
        continue;
      }
      an_buf_append(&m->arena, &out, p + i, 1);
    }
    if (nl) an_buf_append(&m->arena, &out, "\n", 1);
    p += len + (nl ? 1 : 0);
  }
  return an_buf_str(&m->arena, &out);
}

/* --- rule explanations -------------------------------------------------------- */

static void hover__rule(Hover *h, AnRuleId rule, bool first) {
  if (!first) HS(h, "\n\n---\n\n");
  HS(h, an_rule_info(rule)->doc);
}

/* `# hybridls: ignore[HY201, HY202]` or `# noqa: HY201`: the rules named
 * (the one under the cursor when it sits on a code). */
static bool hover__suppression(Hover *h, TSNode comment, uint32_t offset) {
  AnModel *m = h->m;
  uint32_t cs = ts_node_start_byte(comment), len;
  const char *t = an_text(m->src, comment, &len);
  const char *list = NULL, *list_end = t + len;
  bool file = false;
  for (uint32_t k = 0; k + 16 <= len; k++) {
    if (memcmp(t + k, "hybridls: ignore", 16) != 0) continue;
    uint32_t j = k + 16;
    if (j + 5 <= len && memcmp(t + j, "-file", 5) == 0) {
      file = true;
      j += 5;
    }
    if (j < len && t[j] == '[') {
      list = t + j + 1;
      const char *close = memchr(list, ']', len - j - 1);
      if (close) list_end = close;
    } else {
      hover__range(h, comment);
      HP(h, "**Suppresses every hybridls finding %s.**", file ? "in this file" : "on this line");
      return true;
    }
    break;
  }
  if (!list) {
    for (uint32_t k = 0; k + 5 <= len; k++) {
      if (memcmp(t + k, "noqa:", 5) == 0 || memcmp(t + k, "NOQA:", 5) == 0) {
        list = t + k + 5;
        break;
      }
    }
  }
  if (!list) return false;
  int rules[AN_RULE_COUNT];
  uint32_t nr = 0, hit_start = 0, hit_end = 0;
  int hit = -1;
  const char *p = list;
  while (p < list_end) {
    while (p < list_end && (*p == ' ' || *p == ',' || *p == '\t')) p++;
    const char *s = p;
    while (p < list_end && *p != ' ' && *p != ',' && *p != '\t' && *p != ']') p++;
    if (p == s) break;
    char code[64];
    size_t n = (size_t)(p - s);
    if (n >= sizeof code) continue;
    memcpy(code, s, n);
    code[n] = '\0';
    int r = an_rule_lookup(code);
    if (r < 0) continue;
    uint32_t at = cs + (uint32_t)(s - t);
    if (offset >= at && offset <= at + n) {
      hit = r;
      hit_start = at;
      hit_end = at + (uint32_t)n;
    }
    if (nr < AN_RULE_COUNT) rules[nr++] = r;
  }
  if (!nr) return false;
  if (hit >= 0) {
    h->start = hit_start;
    h->end = hit_end;
    hover__rule(h, (AnRuleId)hit, true);
    return true;
  }
  hover__range(h, comment);
  for (uint32_t i = 0; i < nr; i++) hover__rule(h, (AnRuleId)rules[i], i == 0);
  return true;
}

/* --- loops around a call ------------------------------------------------------ */

typedef struct NameScan {
  AnModel *m;
  TSNode arg;
  bool found;
} NameScan;

static bool hover__target_visit(TSNode n, void *ctx) {
  NameScan *s = ctx;
  if (s->found) return false;
  if (an_sym(s->m->lang, n) == AN_SYM_identifier) {
    uint32_t len;
    const char *t = an_text(s->m->src, n, &len);
    if (an_mentions(s->m, s->arg, t, len)) s->found = true;
    return false;
  }
  return true;
}

/* The line of a loop around `call` (inside its function) whose iteration
 * changes `arg`: it mentions the loop's target or a name the loop body
 * assigns. 0 when none. */
static uint32_t hover__varying_loop(AnModel *m, TSNode call, int func, TSNode arg) {
  TSNode fn = func >= 0 ? AN_FUNC(m, func)->node : m->root;
  TSNode child = call;
  for (TSNode p = ts_node_parent(call); !ts_node_is_null(p); child = p, p = ts_node_parent(p)) {
    if (ts_node_eq(p, fn)) break;
    AnSym s = an_sym(m->lang, p);
    if (s == AN_SYM_function_definition || s == AN_SYM_lambda || s == AN_SYM_class_definition) break;
    if (s != AN_SYM_for_statement && s != AN_SYM_while_statement) continue;
    TSNode body = an_field(m->lang, p, AN_FIELD_body);
    if (!ts_node_eq(body, child)) continue;
    NameScan ns = {m, arg, false};
    if (s == AN_SYM_for_statement) an_walk(an_field(m->lang, p, AN_FIELD_left), hover__target_visit, &ns);
    for (uint32_t i = 0; i < m->sites.count && !ns.found; i++) {
      AnSite *site = &AN_VEC_AT(m->sites, AnSite, i);
      if (site->kind != AN_SITE_ASSIGN || site->ctx.func != func || !an_node_within(site->node, body)) continue;
      TSNode left = an_field(m->lang, site->node, AN_FIELD_left);
      if (an_sym(m->lang, left) != AN_SYM_identifier) continue;
      uint32_t len;
      const char *t = an_text(m->src, left, &len);
      if (an_mentions(m, arg, t, len)) ns.found = true;
    }
    if (ns.found) return hover__line(p);
  }
  return 0;
}

/* --- functions ------------------------------------------------------------------ */

static void hover__why_graph(Hover *h, int fi, const AnFunctionInfo *info) {
  AnModel *m = h->m;
  AnFunc *f = AN_FUNC(m, fi);
  HP(h, "**`%s` runs %s**", f->qualname, f->root != AN_ROOT_NONE ? "as a graph" : "eagerly");
  if (f->root == AN_ROOT_NONE) {
    HS(h, ": it is not a `tf.function` and no graph code calls it.");
    return;
  }
  if (f->via == AN_VIA_DECORATOR) {
    uint32_t len;
    const char *t = an_text(m->src, f->hybrid_site, &len);
    TSNode callee = an_field(m->lang, f->hybrid_site, AN_FIELD_function);
    if ((len > 60 || memchr(t, '\n', len)) && an_sym(m->lang, f->hybrid_site) == AN_SYM_call)
      HP(h, ": decorated with `@%s(...)`.", an_snippet(m, callee));
    else
      HP(h, ": decorated with `@%.*s`.", (int)len, t);
  } else if (f->via == AN_VIA_CALL) {
    HP(h, ": wrapped by `%s` on line %u.", an_snippet(m, f->hybrid_site), hover__line(f->hybrid_site));
  } else if (f->root == AN_ROOT_KERAS && f->graph_from < 0 && !f->keras_method) {
    /* A metric's update_state or result (graph.c, compiled metrics). */
    HS(h, " (assumed): a metric given to `compile()`; Keras calls it inside the train and test steps it traces in "
          "`fit()` and `evaluate()` unless the model is compiled with `run_eagerly=True`.");
  } else if (f->root == AN_ROOT_KERAS && f->graph_from < 0) {
    HS(h, " (assumed): Keras traces it inside `fit()`, `evaluate()` and `predict()` unless the model is compiled "
          "with `run_eagerly=True`.");
  } else if (f->root == AN_ROOT_LOOP && f->graph_from < 0) {
    HP(h, " (assumed): %s runs it inside the `tf.function` it wraps around its loop, unless its options or "
          "config turn `use_tf_function` off.",
       f->loop_owner);
  } else if (f->root == AN_ROOT_DATA && f->graph_from < 0) {
    HS(h, ": a `tf.data` transformation traces it, always as a graph.");
  } else {
    AnBuf chain = {0};
    for (uint32_t i = 0; i < info->graph_chain_len; i++)
      an_buf_printf(&m->arena, &chain, "%s%s", i ? " -> " : "", info->graph_chain[i]);
    HP(h, ": called from graph code%s, `%s`.", f->root == AN_ROOT_EXTERNAL ? " in another module" : "",
       an_buf_str(&m->arena, &chain));
  }
}

static void hover__autograph(Hover *h, int fi) {
  AnModel *m = h->m;
  AnFunc *f = AN_FUNC(m, fi);
  if (f->autograph) {
    HS(h, "\n- AutoGraph: on; Python `if`/`for`/`while` on tensors become graph control flow.");
    return;
  }
  int root = an_graph_root(m, fi);
  if (f->autograph_failed)
    HS(h, "\n- AutoGraph: off (it gives up on this function: a `for`/`else`, `while`/`else` or an ambiguous "
          "lambda, see HY221).");
  else if (f->is_generator)
    HS(h, "\n- AutoGraph: off (a generator function).");
  else if (f->do_not_convert)
    HS(h, "\n- AutoGraph: off (`@tf.autograph.experimental.do_not_convert`).");
  else if (f->graph_from < 0 && f->tf.autograph == 0)
    HS(h, "\n- AutoGraph: off (`autograph=False`).");
  else if (f->cls >= 0 && f->name[0] == '_' && f->name[1] == '_')
    HP(h, "\n- AutoGraph: off (AutoGraph does not convert `%s`).", f->name);
  else if (f->graph_from >= 0)
    HP(h, "\n- AutoGraph: off (off in its caller `%s`, root `%s`).", AN_FUNC(m, f->graph_from)->qualname,
       AN_FUNC(m, root)->qualname);
  else
    HS(h, "\n- AutoGraph: off.");
  HS(h, " Python `if`/`for`/`while` run while tracing and fail on tensors.");
}

static void hover__params(Hover *h, int fi) {
  AnModel *m = h->m;
  AnFunc *f = AN_FUNC(m, fi);
  bool any = false;
  for (uint32_t p = 0; p < f->param_count; p++)
    if (!f->params[p].is_self) any = true;
  if (!any) return;
  bool traces = hover__hybrid(f) && ts_node_is_null(f->tf.input_signature);
  uint32_t sites = 0;
  for (uint32_t i = 0; i < m->calls.count; i++)
    if (AN_VEC_AT(m->calls, AnCall, i).callee == fi) sites++;
  if (sites)
    HP(h, "\n- Call sites (%u): ", sites);
  else
    HS(h, "\n- Parameters (no call site in this module): ");
  bool first = true;
  for (uint32_t p = 0; p < f->param_count; p++) {
    AnParam *pa = &f->params[p];
    if (pa->is_self) continue;
    HP(h, "%s`%s` %s", first ? "" : "; ", pa->name, hover__kind_word(pa->kind));
    first = false;
    if (!traces || pa->star || pa->dstar) continue;
    const char *tw = hover__trace_word(pa->kind);
    if (tw) HP(h, ", %s", tw);
    if (pa->kind != AN_KIND_PY_SCALAR && pa->kind != AN_KIND_PY_STR) continue;
    for (uint32_t i = 0; i < m->calls.count; i++) {
      AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
      if (c->callee != fi || an_in_graph(m, c->ctx.func)) continue;
      bool splat = false;
      TSNode a = an_call_arg_for(m, f, c, p, &splat);
      if (ts_node_is_null(a)) continue;
      uint32_t line = hover__varying_loop(m, c->node, c->ctx.func, a);
      if (line) {
        HP(h, " (varies with the loop on line %u)", line);
        break;
      }
    }
  }
  HS(h, ".");
}

static void hover__trace_only(Hover *h, int fi) {
  AnModel *m = h->m;
  AnTraceOnly items[4];
  uint32_t n = an_trace_only_items(m, fi, items, 4);
  if (!n) {
    HS(h, "\n- Only while tracing: nothing in its body (no print, Python I/O, Python state changes or Python "
          "randomness).");
  } else {
    HS(h, "\n- Only while tracing: ");
    for (uint32_t i = 0; i < n && i < 4; i++)
      HP(h, "%s`%s` (line %u, %s)", i ? ", " : "", an_snippet(m, items[i].node), hover__line(items[i].node),
         items[i].what);
    if (n > 4) HP(h, ", and %u more", n - 4);
    HS(h, ".");
  }
  HS(h, "\n- Every call: the TensorFlow ops it records, including `tf.print`, variable updates and reads.");
}

static void hover__refactoring(Hover *h, int fi, const AnFunctionInfo *info) {
  AnModel *m = h->m;
  const AnRefactoring *r = &info->refactoring;
  if (r->action != AN_REFACTOR_NONE) {
    HP(h, "\n- Refactoring offered: %s. %s", an_refactor_name(r->action), an_refactor_reason(m, fi, info));
    if (r->input_signature) HP(h, " `input_signature=%s`", r->input_signature);
    return;
  }
  if (!r->failed_count) return;
  HS(h, "\n- Refactoring not offered:");
  for (uint32_t i = 0; i < r->failed_count; i++) HP(h, " `%s`: %s", r->failed_preconditions[i], r->failed_reasons[i]);
}

static void hover__function(Hover *h, int fi) {
  AnModel *m = h->m;
  AnFunc *f = AN_FUNC(m, fi);
  const AnFunctionInfo *info = an_func_info(m, fi);
  if (!info) return;
  hover__why_graph(h, fi, info);
  HS(h, "\n");
  bool graph = f->root != AN_ROOT_NONE;
  if (graph) hover__autograph(h, fi);
  if (graph && !ts_node_is_null(f->tf.signature_ref))
    HP(h, "\n- Input signature: `%s` = `%s`; calls that match it share one graph.", an_snippet(m, f->tf.signature_ref),
       an_snippet(m, f->tf.input_signature));
  else if (graph && !ts_node_is_null(f->tf.input_signature))
    HP(h, "\n- Input signature: `%s`; calls that match it share one graph.", an_snippet(m, f->tf.input_signature));
  hover__params(h, fi);
  if (graph) hover__trace_only(h, fi);
  hover__refactoring(h, fi, info);
}

/* --- calls of hybrid functions ---------------------------------------------------- */

static void hover__hybrid_call(Hover *h, const AnCall *c, int callee, const AnIndexFunction *ext) {
  AnModel *m = h->m;
  const AnLang *l = m->lang;
  AnFunc *f = callee >= 0 ? AN_FUNC(m, callee) : NULL;
  const char *name = f ? f->qualname : ext->qualname;
  bool sig = f ? !ts_node_is_null(f->tf.input_signature) : ext->has_input_signature;
  bool in_graph = an_in_graph(m, c->ctx.func);
  TSNode args = an_field(l, c->node, AN_FIELD_arguments);
  uint32_t n = an_sym(l, args) == AN_SYM_argument_list ? ts_node_named_child_count(args) : 0;
  /* First pass: the verdict. */
  const char *vary = NULL, *python = NULL;
  uint32_t vary_line = 0;
  bool unknown = false;
  uint32_t skip = an_callee_binds_self(m, an_field(l, c->node, AN_FIELD_function), f) ? 1 : 0;
  AnBuf list = {0};
  uint32_t pos = 0;
  for (uint32_t i = 0; i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    AnSym s = an_sym(l, a);
    if (s == AN_SYM_comment) continue;
    const char *param = NULL;
    TSNode value = a;
    if (s == AN_SYM_keyword_argument) {
      uint32_t len;
      const char *t = an_text(m->src, an_field(l, a, AN_FIELD_name), &len);
      param = an_arena_strndup(&m->arena, t, len);
      value = an_field(l, a, AN_FIELD_value);
    } else if (s == AN_SYM_list_splat || s == AN_SYM_dictionary_splat) {
      unknown = true;
      continue;
    } else {
      uint32_t k = skip + pos++;
      if (f && k < f->param_count && !f->params[k].star && !f->params[k].kwonly) param = f->params[k].name;
      if (!f && k < ext->param_count) param = ext->param_names[k];
    }
    AnKind k = an_kind_of(m, value, c->ctx.func);
    if (k == AN_KIND_UNKNOWN || k == AN_KIND_MIXED) unknown = true;
    if (k == AN_KIND_PY_SCALAR || k == AN_KIND_PY_STR) {
      uint32_t line = in_graph ? 0 : hover__varying_loop(m, c->node, c->ctx.func, value);
      if (line && !vary) {
        vary = param ? param : an_snippet(m, value);
        vary_line = line;
      }
      if (!python) python = param ? param : an_snippet(m, value);
    }
    an_buf_printf(&m->arena, &list, "\n- `%s`", an_snippet(m, value));
    if (param) an_buf_printf(&m->arena, &list, " for `%s`", param);
    an_buf_printf(&m->arena, &list, ": %s", hover__kind_word(k));
    const char *tw = sig ? NULL : hover__trace_word(k);
    if (tw) an_buf_printf(&m->arena, &list, ", %s", tw);
  }
  HP(h, "**Calls tf.function `%s`**", name);
  if (in_graph)
    HS(h, " from graph code: it is traced into the caller's graph as a function call, once per trace of the caller.");
  else if (sig)
    HS(h, ": its input_signature converts the arguments to tensors, so this call does not retrace.");
  else if (vary)
    HP(h, ": **retraces** for every new value of `%s`, which changes with the loop on line %u.", vary, vary_line);
  else if (python)
    HP(h, ": Python values are part of the trace key, so each new value of `%s` traces a new graph.", python);
  else if (unknown)
    HS(h, ": whether it retraces depends on arguments of unknown kind.");
  else
    HS(h, ": reuses a traced graph while argument shapes and dtypes repeat.");
  if (list.len) {
    HS(h, "\n\nArguments:");
    HS(h, an_buf_str(&m->arena, &list));
  }
}

/* --- graph-code constructs --------------------------------------------------------- */

static bool hover__is_call_to(AnModel *m, TSNode n, int func, const char *dotted) {
  n = an_unparen(m->lang, n);
  if (an_sym(m->lang, n) != AN_SYM_call) return false;
  const char *d = an_dotted(m, an_field(m->lang, n, AN_FIELD_function), func);
  return d && strcmp(d, dotted) == 0;
}

/* The condition's kind, with the trace-time checks kinds.c leaves open:
 * `x is None`, isinstance/hasattr/callable. */
static AnKind hover__cond_kind(AnModel *m, TSNode cond, int func) {
  cond = an_unparen(m->lang, cond);
  if (an_sym(m->lang, cond) == AN_SYM_not_operator) cond = an_unparen(m->lang, an_field(m->lang, cond, AN_FIELD_argument));
  if (an_sym(m->lang, cond) == AN_SYM_comparison_operator) {
    uint32_t n = ts_node_child_count(cond);
    for (uint32_t i = 0; i < n; i++) {
      TSNode ch = ts_node_child(cond, i);
      if (!ts_node_is_named(ch) && (an_text_eq(m->src, ch, "is") || an_text_eq(m->src, ch, "is not")))
        return AN_KIND_PY_SCALAR;
    }
  }
  if (hover__is_call_to(m, cond, func, "builtins.isinstance") || hover__is_call_to(m, cond, func, "builtins.hasattr") ||
      hover__is_call_to(m, cond, func, "builtins.callable"))
    return AN_KIND_PY_SCALAR;
  return an_kind_of(m, cond, func);
}

static bool hover__python_kind(AnKind k) {
  return k == AN_KIND_PY_SCALAR || k == AN_KIND_PY_STR || k == AN_KIND_PY_CONTAINER;
}

static void hover__condition(Hover *h, TSNode stmt, int func) {
  AnModel *m = h->m;
  TSNode cond = an_field(m->lang, stmt, AN_FIELD_condition);
  bool loop = an_sym(m->lang, stmt) == AN_SYM_while_statement;
  AnKind k = hover__cond_kind(m, cond, func);
  bool ag = AN_FUNC(m, func)->autograph;
  hover__range(h, cond);
  if (an_kind_is_tensor(k) && ag) {
    if (loop)
      HS(h, "**Converted to `tf.while_loop`**: the condition is a tensor, so the loop runs inside the graph on every "
            "call; its body is traced once.");
    else
      HS(h, "**Converted to `tf.cond`**: the condition is a tensor, so both branches are traced into the graph (a "
            "`print` in either appears while tracing) and one of them runs on each call.");
  } else if (an_kind_is_tensor(k)) {
    HS(h, "**Fails while tracing**: AutoGraph is off here, so Python cannot evaluate a tensor condition "
          "(OperatorNotAllowedInGraphError).");
  } else if (hover__python_kind(k)) {
    if (loop)
      HS(h, "**Unrolled while tracing**: the condition is a Python value, so the loop runs at trace time and its "
            "body's ops are repeated in the graph.");
    else
      HS(h, "**Decided while tracing**: the condition is a Python value, so it is evaluated once per trace and only "
            "the chosen branch enters the graph.");
  } else {
    HP(h, "**Condition of unknown kind**: a tensor condition becomes `%s` inside the graph; a Python value is "
          "decided once per trace.",
       loop ? "tf.while_loop" : "tf.cond");
  }
}

static void hover__loop(Hover *h, TSNode stmt, int func) {
  AnModel *m = h->m;
  const AnLang *l = m->lang;
  TSNode iter = an_unparen(l, an_field(l, stmt, AN_FIELD_right));
  TSNode target = an_field(l, stmt, AN_FIELD_left);
  bool ag = AN_FUNC(m, func)->autograph;
  hover__range(h, iter);
  AnKind k = an_kind_of(m, iter, func);
  bool dataset = k == AN_KIND_DATASET;
  if (hover__is_call_to(m, iter, func, "builtins.iter") &&
      an_kind_of(m, an_call_arg(l, iter, 0), func) == AN_KIND_DATASET)
    dataset = true;
  bool tf_range = hover__is_call_to(m, iter, func, "tensorflow.range");
  bool range = hover__is_call_to(m, iter, func, "builtins.range");
  bool tensor_range = false;
  if (range)
    for (uint32_t i = 0; i < an_call_argc(l, iter); i++)
      if (an_kind_is_tensor(an_kind_of(m, an_call_arg(l, iter, i), func))) tensor_range = true;
  if (!ag && (dataset || tf_range || tensor_range || an_kind_is_tensor(k))) {
    HS(h, "**Not converted**: AutoGraph is off here, so this stays a Python loop run while tracing; iterating a "
          "tensor this way fails (OperatorNotAllowedInGraphError).");
  } else if (dataset) {
    HS(h, "**In-graph dataset loop**: AutoGraph turns this loop into `tf.data` ops that run on every call; the body "
          "is traced once, so Python side effects in it happen once per trace.");
  } else if (tf_range || tensor_range) {
    HP(h, "**In-graph loop** (`tf.while_loop`): a tensor bound makes this one loop inside the graph; `%s` is a tensor "
          "and the body is traced once.",
       an_snippet(m, target));
  } else if (an_kind_is_tensor(k)) {
    HS(h, "**In-graph loop** (`tf.while_loop`) over the first dimension of the tensor; the body is traced once.");
  } else if (range) {
    TSNode bound = an_call_arg(l, iter, an_call_argc(l, iter) >= 2 ? 1 : 0);
    HS(h, "**Unrolled while tracing**: `range` over Python numbers is a Python loop: it runs at trace time and repeats "
          "its body's ops ");
    if (an_call_argc(l, iter) == 1 && an_sym(l, bound) == AN_SYM_integer)
      HP(h, "%s times", an_snippet(m, bound));
    else
      HS(h, "once per iteration");
    HS(h, " in the graph. Use `tf.range` for a single in-graph loop.");
  } else if (hover__python_kind(k) || k == AN_KIND_NUMPY) {
    HS(h, "**Unrolled while tracing**: iterating a Python or NumPy value runs at trace time and copies the body into "
          "the graph once per element.");
  } else {
    HS(h, "**Loop decided by its iterable**: a tensor or dataset makes this an in-graph loop; a Python iterable is "
          "unrolled while tracing. The iterable's kind is unknown here.");
  }
}

/* Where a name read inside function `func` is bound: 1 in the function or
 * as a parameter, 2 in an enclosing function, 3 at module level by an
 * assignment, 0 elsewhere (imports, defs, builtins, unknown). */
static int hover__name_home(AnModel *m, TSNode id, int func) {
  uint32_t len;
  const char *t = an_text(m->src, id, &len);
  for (int f = func; f >= 0; f = AN_FUNC(m, f)->parent) {
    AnFunc *fn = AN_FUNC(m, f);
    for (uint32_t i = 0; i < fn->param_count; i++)
      if (strlen(fn->params[i].name) == len && memcmp(fn->params[i].name, t, len) == 0) return f == func ? 1 : 2;
    if (an_hash_get(&m->global_map, f, t, len) > 0) return 3;
    if (an_hash_get(&m->binding_map, f, t, len) >= 0) return f == func ? 1 : 2;
    if (an_hash_get(&m->func_map, f, t, len) >= 0) return 0;
  }
  if (an_hash_get(&m->import_map, -1, t, len) >= 0) return 0;
  return an_hash_get(&m->module_names, -1, t, len) == -3 ? 3 : 0;
}

static bool hover__captured(Hover *h, TSNode n, int func) {
  AnModel *m = h->m;
  AnSym s = an_sym(m->lang, n);
  const char *what = NULL;
  if (s == AN_SYM_identifier) {
    TSNode parent = ts_node_parent(n);
    AnSym ps = an_sym(m->lang, parent);
    /* Reads only: not the target of an assignment, not an attribute name. */
    if (ps == AN_SYM_attribute && ts_node_eq(an_field(m->lang, parent, AN_FIELD_attribute), n)) return false;
    if ((ps == AN_SYM_assignment || ps == AN_SYM_augmented_assignment) &&
        ts_node_eq(an_field(m->lang, parent, AN_FIELD_left), n))
      return false;
    if (ps == AN_SYM_keyword_argument && ts_node_eq(an_field(m->lang, parent, AN_FIELD_name), n)) return false;
    int home = hover__name_home(m, n, func);
    if (home == 3) what = "a module global";
    else if (home == 2) what = "a closure variable";
    else return false;
  } else if (s == AN_SYM_attribute) {
    TSNode obj = an_field(m->lang, n, AN_FIELD_object);
    if (an_sym(m->lang, obj) != AN_SYM_identifier || !an_text_eq(m->src, obj, "self")) return false;
    what = "an attribute";
  } else {
    return false;
  }
  AnKind k = an_kind_of(m, n, func);
  hover__range(h, n);
  if (k == AN_KIND_VARIABLE) {
    HP(h, "**Read on every call**: `%s` is a `tf.Variable`; the graph reads its current value each time it runs.",
       an_snippet(m, n));
    return true;
  }
  if (!hover__python_kind(k) && k != AN_KIND_NUMPY && k != AN_KIND_TENSOR) {
    h->start = h->end = 0;
    return false;
  }
  HP(h, "**Captured while tracing**: `%s` is %s holding a %s; its value is read once per trace and baked into the "
        "graph, so changing it later neither changes the graph nor retraces it.",
     an_snippet(m, n), what, hover__kind_word(k));
  return true;
}

/* True when `node` sits in a branch or body that AutoGraph converts: a
 * tensor `if`/`while`, or a `for` over a tensor, dataset or tf.range. */
static bool hover__in_converted_block(AnModel *m, TSNode node, int func) {
  if (!AN_FUNC(m, func)->autograph) return false;
  TSNode fn = AN_FUNC(m, func)->node;
  TSNode child = node;
  for (TSNode p = ts_node_parent(node); !ts_node_is_null(p); child = p, p = ts_node_parent(p)) {
    if (ts_node_eq(p, fn)) break;
    AnSym s = an_sym(m->lang, p);
    if ((s == AN_SYM_if_statement || s == AN_SYM_elif_clause || s == AN_SYM_while_statement) &&
        !ts_node_eq(an_field(m->lang, p, AN_FIELD_condition), child) &&
        an_kind_is_tensor(hover__cond_kind(m, an_field(m->lang, p, AN_FIELD_condition), func)))
      return true;
    if (s == AN_SYM_else_clause) {
      TSNode iff = ts_node_parent(p);
      if (an_sym(m->lang, iff) == AN_SYM_if_statement &&
          an_kind_is_tensor(hover__cond_kind(m, an_field(m->lang, iff, AN_FIELD_condition), func)))
        return true;
    }
    if (s == AN_SYM_for_statement && ts_node_eq(an_field(m->lang, p, AN_FIELD_body), child)) {
      TSNode it = an_field(m->lang, p, AN_FIELD_right);
      AnKind k = an_kind_of(m, it, func);
      if (k == AN_KIND_DATASET || an_kind_is_tensor(k) || hover__is_call_to(m, it, func, "tensorflow.range"))
        return true;
    }
  }
  return false;
}

typedef struct TfScan {
  AnModel *m;
  int func;
  bool tf;
} TfScan;

static bool hover__tf_visit(TSNode n, void *ctx) {
  TfScan *s = ctx;
  if (s->tf) return false;
  AnSym sym = an_sym(s->m->lang, n);
  if (sym == AN_SYM_lambda || sym == AN_SYM_function_definition) return false;
  if (sym == AN_SYM_call) {
    const char *d = an_dotted(s->m, an_field(s->m->lang, n, AN_FIELD_function), s->func);
    if (d && (an_dotted_has_prefix(d, "tensorflow") || an_dotted_has_prefix(d, "keras"))) s->tf = true;
    if (an_kind_is_tensor(an_kind_of(s->m, n, s->func))) s->tf = true;
  } else if (sym == AN_SYM_binary_operator || sym == AN_SYM_subscript) {
    if (an_kind_is_tensor(an_kind_of(s->m, n, s->func))) s->tf = true;
  }
  return true;
}

static void hover__statement(Hover *h, TSNode stmt, int func) {
  AnModel *m = h->m;
  hover__range(h, stmt);
  AnTraceOnly items[16];
  uint32_t n = an_trace_only_items(m, func, items, 16);
  for (uint32_t i = 0; i < n && i < 16; i++) {
    if (!an_node_within(items[i].node, stmt)) continue;
    HP(h, "**Runs only while tracing**: `%s` is a %s; it happens once per trace, not on every call.",
       an_snippet(m, items[i].node), items[i].what);
    return;
  }
  TfScan scan = {m, func, false};
  an_walk(stmt, hover__tf_visit, &scan);
  if (scan.tf)
    HS(h, "**Runs on every call**: its TensorFlow ops are recorded in the graph and run each time the graph runs; the "
          "Python around them runs once per trace.");
  else
    HS(h, "**Runs once per trace**: plain Python; it runs while the function is traced and the graph keeps only its "
          "result.");
  TSNode inner = stmt;
  if (an_sym(m->lang, inner) == AN_SYM_expression_statement && ts_node_named_child_count(inner))
    inner = ts_node_named_child(inner, 0);
  if (an_sym(m->lang, inner) == AN_SYM_assignment || an_sym(m->lang, inner) == AN_SYM_augmented_assignment) {
    TSNode left = an_field(m->lang, inner, AN_FIELD_left);
    if (an_sym(m->lang, left) == AN_SYM_identifier && hover__in_converted_block(m, stmt, func))
      HP(h, " `%s` is assigned inside a converted `if` or loop, so it becomes a tensor even if it started as a Python "
            "number.",
         an_snippet(m, left));
  }
}

static bool hover__is_statement(AnSym s) {
  switch (s) {
  case AN_SYM_expression_statement:
  case AN_SYM_return_statement:
  case AN_SYM_assert_statement:
  case AN_SYM_raise_statement:
  case AN_SYM_delete_statement:
    return true;
  default:
    return false;
  }
}

static bool hover__graph_construct(Hover *h, TSNode node, uint32_t offset, int func) {
  AnModel *m = h->m;
  const AnLang *l = m->lang;
  TSNode fn = AN_FUNC(m, func)->node;
  for (TSNode n = node; !ts_node_is_null(n) && !ts_node_eq(n, fn); n = ts_node_parent(n)) {
    AnSym s = an_sym(l, n);
    if (s == AN_SYM_function_definition || s == AN_SYM_lambda || s == AN_SYM_class_definition) return false;
    if (hover__captured(h, n, func)) return true;
    if (s == AN_SYM_attribute && an_text_eq(m->src, an_field(l, n, AN_FIELD_attribute), "shape") &&
        !an_dotted(m, n, func)) {
      hover__range(h, n);
      HP(h, "**Static shape**: `%s` is read while tracing; a dimension unknown at trace time is `None`. "
            "`tf.shape(%s)` is the run-time shape, as a tensor.",
         an_snippet(m, n), an_snippet(m, an_field(l, n, AN_FIELD_object)));
      return true;
    }
    if (s == AN_SYM_call) {
      TSNode callee = an_field(l, n, AN_FIELD_function);
      const char *d = an_dotted(m, callee, func);
      if (d && strcmp(d, "tensorflow.shape") == 0) {
        hover__range(h, n);
        HP(h, "**Dynamic shape**: `%s` is a tensor computed on every call; `.shape` is the static shape known while "
              "tracing (it may contain `None`).",
           an_snippet(m, n));
        return true;
      }
      if (d && strcmp(d, "tensorflow.print") == 0) {
        hover__range(h, n);
        HS(h, "**Runs on every call**: `tf.print` is a graph op; it prints values each time the graph runs, in an "
              "order set by data and control dependencies.");
        return true;
      }
      if (d && strcmp(d, "builtins.print") == 0) {
        hover__range(h, n);
        HS(h, "**Runs only while tracing**: `print` is plain Python; inside a graph it runs once per trace and shows "
              "symbolic tensors. `tf.print` prints on every call.");
        return true;
      }
      int callee_fn = hover__within(callee, offset) ? an_resolve_function(m, callee, func) : -1;
      if (callee_fn >= 0 && !AN_FUNC(m, callee_fn)->is_lambda) {
        hover__range(h, callee);
        HP(h, "**Traced into this graph**: `%s` runs as part of this trace; its Python code runs once per trace and "
              "its TensorFlow ops run on every call.",
           AN_FUNC(m, callee_fn)->qualname);
        return true;
      }
    }
    if (s == AN_SYM_with_statement) {
      TSNode body = an_field(l, n, AN_FIELD_body);
      if (!ts_node_is_null(body) && offset < ts_node_start_byte(body)) {
        uint32_t count = ts_node_named_child_count(n);
        for (uint32_t i = 0; i < count; i++) {
          TSNode clause = ts_node_named_child(n, i);
          if (an_sym(l, clause) != AN_SYM_with_clause) continue;
          for (uint32_t k = 0; k < ts_node_named_child_count(clause); k++) {
            TSNode value = an_field(l, ts_node_named_child(clause, k), AN_FIELD_value);
            if (!hover__is_call_to(m, value, func, "tensorflow.init_scope")) continue;
            hover__range(h, value);
            HS(h, "**Runs eagerly, once per trace**: code under `with tf.init_scope():` leaves the graph and runs "
                  "eagerly, but only while the function is traced.");
            return true;
          }
        }
      }
    }
    if (s == AN_SYM_for_statement) {
      TSNode body = an_field(l, n, AN_FIELD_body);
      if (!ts_node_is_null(body) && offset < ts_node_start_byte(body)) {
        hover__loop(h, n, func);
        return true;
      }
    }
    if (s == AN_SYM_if_statement || s == AN_SYM_elif_clause || s == AN_SYM_while_statement) {
      TSNode body = an_field(l, n, s == AN_SYM_while_statement ? AN_FIELD_body : AN_FIELD_consequence);
      if (!ts_node_is_null(body) && offset < ts_node_start_byte(body)) {
        hover__condition(h, n, func);
        return true;
      }
    }
    if (hover__is_statement(s)) {
      hover__statement(h, n, func);
      return true;
    }
  }
  return false;
}

/* Eager `for batch in ds: step(batch)`: the recommended pattern. */
static bool hover__eager_loop(Hover *h, TSNode node, uint32_t offset, int func) {
  AnModel *m = h->m;
  for (TSNode n = node; !ts_node_is_null(n); n = ts_node_parent(n)) {
    AnSym s = an_sym(m->lang, n);
    if (s == AN_SYM_function_definition || s == AN_SYM_class_definition) return false;
    if (s != AN_SYM_for_statement) continue;
    TSNode body = an_field(m->lang, n, AN_FIELD_body);
    if (ts_node_is_null(body) || offset >= ts_node_start_byte(body)) return false;
    TSNode iter = an_field(m->lang, n, AN_FIELD_right);
    if (an_kind_of(m, iter, func) != AN_KIND_DATASET) return false;
    for (uint32_t i = 0; i < m->calls.count; i++) {
      AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
      if (c->callee < 0 || !hover__hybrid(AN_FUNC(m, c->callee)) || !an_node_within(c->node, body)) continue;
      hover__range(h, iter);
      HP(h, "**Eager loop feeding a graph**: each `%s(...)` call runs its traced graph; it traces once per distinct "
            "batch shape and dtype (a smaller last batch adds one trace).",
         AN_FUNC(m, c->callee)->qualname);
      return true;
    }
    return false;
  }
  return false;
}

/* --- entry ------------------------------------------------------------------------- */

static int hover__function_at(const AnModel *m, uint32_t offset) {
  for (uint32_t i = 0; i < m->funcs.count; i++) {
    const AnFunc *f = &AN_VEC_AT(m->funcs, AnFunc, i);
    if (f->is_lambda) continue;
    if (hover__within(f->name_node, offset)) return (int)i;
    if (f->via == AN_VIA_DECORATOR) {
      TSNode dec = ts_node_parent(f->hybrid_site);
      while (!ts_node_is_null(dec) && an_sym(m->lang, dec) != AN_SYM_decorator) dec = ts_node_parent(dec);
      if (hover__within(dec, offset)) return (int)i;
    }
  }
  return -1;
}

static bool hover__build(Hover *h, uint32_t offset) {
  AnModel *m = h->m;
  TSNode node = ts_node_descendant_for_byte_range(m->root, offset, offset);
  if (an_sym(m->lang, node) == AN_SYM_comment) return hover__suppression(h, node, offset);
  int fi = hover__function_at(m, offset);
  if (fi >= 0) {
    AnFunc *f = AN_FUNC(m, fi);
    if (hover__within(f->name_node, offset)) hover__range(h, f->name_node);
    else hover__range(h, ts_node_parent(f->hybrid_site));
    hover__function(h, fi);
    return true;
  }
  uint32_t nf;
  const AnFinding *fs = an_model_findings(m, &nf);
  const AnFinding *best = NULL;
  for (uint32_t i = 0; i < nf; i++) {
    if (fs[i].start > offset || offset > fs[i].end) continue;
    if (!best || fs[i].end - fs[i].start < best->end - best->start) best = &fs[i];
  }
  if (best) {
    h->start = best->start;
    h->end = best->end;
    bool first = true;
    for (uint32_t i = 0; i < nf; i++) {
      if (fs[i].start != best->start || fs[i].end != best->end) continue;
      bool seen = false;
      for (uint32_t k = 0; k < i; k++)
        if (fs[k].rule == fs[i].rule && fs[k].start == best->start && fs[k].end == best->end) seen = true;
      if (seen) continue;
      hover__rule(h, fs[i].rule, first);
      first = false;
    }
    return true;
  }
  /* A call whose callee expression is under the cursor. */
  for (TSNode n = node; !ts_node_is_null(n); n = ts_node_parent(n)) {
    if (an_sym(m->lang, n) != AN_SYM_call) continue;
    TSNode callee = an_field(m->lang, n, AN_FIELD_function);
    if (!hover__within(callee, offset)) break;
    for (uint32_t i = 0; i < m->calls.count; i++) {
      AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
      if (!ts_node_eq(c->node, n)) continue;
      const AnIndexFunction *ext = NULL;
      if (c->callee < 0 && c->dotted && m->index) ext = an_index_lookup(m->index, m->path, c->dotted);
      if ((c->callee >= 0 && hover__hybrid(AN_FUNC(m, c->callee))) || (ext && ext->hybrid)) {
        hover__range(h, callee);
        hover__hybrid_call(h, c, c->callee, ext);
        return true;
      }
      break;
    }
    break;
  }
  int func = an_func_at(m, node);
  if (func < 0 && an_sym(m->lang, node) == AN_SYM_function_definition) func = -1;
  if (func >= 0 && an_in_graph(m, func)) return hover__graph_construct(h, node, offset, func);
  return hover__eager_loop(h, node, offset, func);
}

const char *an_model_hover(const AnModel *model, uint32_t offset, AnHoverFormat format, uint32_t *start,
                           uint32_t *end) {
  AnModel *m = (AnModel *)model; /* hover text lives in the model's arena */
  if (offset > m->len || !m->uses_tf) return NULL;
  Hover h = {m, {0}, 0, 0};
  if (!hover__build(&h, offset) || !h.b.len) return NULL;
  const char *text = an_buf_str(&m->arena, &h.b);
  if (format == AN_HOVER_PLAINTEXT) text = hover__plain(m, text);
  if (start) *start = h.start;
  if (end) *end = h.end;
  return text;
}
