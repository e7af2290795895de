/* tf.function's own arguments: HY305 deprecated names. */
#include <string.h>

#include "analysis/rules/rules.h"

static const struct {
  const char *name, *replacement, *message;
} args__deprecated[] = {
    {"experimental_relax_shapes", "reduce_retracing",
     "experimental_relax_shapes is deprecated; use reduce_retracing (TF 2.9+)"},
    {"experimental_compile", "jit_compile", "experimental_compile is deprecated; use jit_compile (TF 2.5+)"},
    {"experimental_follow_type_hints", NULL,
     "experimental_follow_type_hints is deprecated and ignored by recent TensorFlow; "
     "use input_signature or reduce_retracing instead"},
};

static void args__deprecated_keyword(AnModel *m, const AnCall *c, TSNode kw) {
  TSNode name = an_field(m->lang, kw, AN_FIELD_name);
  for (size_t k = 0; k < sizeof args__deprecated / sizeof args__deprecated[0]; k++) {
    if (!an_text_eq(m->src, name, args__deprecated[k].name)) continue;
    AnFinding *f = an_emit_node(m, AN_RULE_DEPRECATED_TF_FUNCTION_ARG, kw, c->ctx.func, "%s",
                                args__deprecated[k].message);
    if (!f) continue;
    f->tags = AN_TAG_DEPRECATED;
    if (args__deprecated[k].replacement) {
      /* Safe only when the project's TensorFlow floor has the new name,
       * which the analysis cannot see: offered, not applied by fix-all. */
      AnFix *fix = an_finding_fix(
          m, f, an_arena_printf(&m->arena, "Rename to %s", args__deprecated[k].replacement), false);
      an_fix_edit(m, fix, ts_node_start_byte(name), ts_node_end_byte(name), args__deprecated[k].replacement);
    }
  }
}

void an_check_HY305(AnModel *m) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (an_call_is(c, "tensorflow.function")) an_each_keyword(m, c, args__deprecated_keyword);
  }
}

/* --- HY301 input-signature-arity ----------------------------------------- */

/* Placeholder specs for the uncovered parameters, or the surplus specs
 * removed. Never semantics-preserving (the placeholders are float32 of any
 * shape), so offered for review only. */
static void args__arity_fix(AnModel *m, AnFinding *f, TSNode sig, uint32_t specs, uint32_t needed) {
  const char *tf = an_tf_alias(m);
  if (!f || !tf || ts_node_named_child_count(sig) != specs) return;
  if (needed > specs) {
    AnBuf b = {0};
    for (uint32_t i = specs; i < needed; i++)
      an_buf_printf(&m->arena, &b, "%s%s.TensorSpec(shape=None, dtype=%s.float32)", i || specs ? ", " : "", tf, tf);
    uint32_t at = specs ? ts_node_end_byte(ts_node_named_child(sig, specs - 1)) : ts_node_start_byte(sig) + 1;
    AnFix *fix = an_finding_fix(m, f, "Add placeholder TensorSpecs for the missing parameters", false);
    an_fix_edit(m, fix, at, at, an_buf_str(&m->arena, &b));
  } else if (needed < specs) {
    uint32_t from = needed ? ts_node_end_byte(ts_node_named_child(sig, needed - 1)) : ts_node_start_byte(sig) + 1;
    uint32_t to = ts_node_end_byte(ts_node_named_child(sig, specs - 1));
    AnFix *fix = an_finding_fix(m, f, "Remove the extra TensorSpecs", false);
    an_fix_edit(m, fix, from, to, "");
  }
}

static void args__arity(AnModel *m, int fi) {
  AnFunc *f = AN_FUNC(m, fi);
  TSNode sig = an_unparen(m->lang, f->tf.input_signature);
  AnSym s = an_sym(m->lang, sig);
  if (s != AN_SYM_list && s != AN_SYM_tuple) return;
  if (an_signature_malformed(m, sig, an_func_at(m, sig))) return;
  uint32_t specs = 0, n = ts_node_named_child_count(sig);
  for (uint32_t i = 0; i < n; i++) {
    AnSym es = an_sym(m->lang, ts_node_named_child(sig, i));
    if (es == AN_SYM_list_splat || es == AN_SYM_comment) {
      if (es == AN_SYM_list_splat) return; /* length unknowable */
      continue;
    }
    specs++;
  }
  uint32_t positional = 0;
  bool varargs = false;
  for (uint32_t p = 0; p < f->param_count; p++) {
    AnParam *pa = &f->params[p];
    if (pa->is_self || pa->dstar) continue;
    if (pa->star) {
      varargs = true;
      continue;
    }
    if (pa->kwonly) {
      if (ts_node_is_null(pa->default_value)) {
        AnFinding *fd = an_emit_node(m, AN_RULE_INPUT_SIGNATURE_ARITY, an_signature_site(f->tf.signature_ref, sig), fi,
                                     "'%s' has an input_signature, so its keyword-only parameter '%s' must have a "
                                     "default value (TypeError when the decorator runs)",
                                     f->qualname, pa->name);
        an_signature_related(m, fd, f->tf.signature_ref, f->qualname, sig);
      }
      continue;
    }
    if (positional++ >= specs && ts_node_is_null(pa->default_value)) {
      AnFinding *fd = an_emit_node(m, AN_RULE_INPUT_SIGNATURE_ARITY, an_signature_site(f->tf.signature_ref, sig), fi,
                                   "input_signature has %u TensorSpec%s but '%s' needs one for parameter '%s' "
                                   "(TypeError: input_signature missing type constraint for %s)",
                                   specs, specs == 1 ? "" : "s", f->qualname, pa->name, pa->name);
      an_signature_related(m, fd, f->tf.signature_ref, f->qualname, sig);
      uint32_t needed = 0;
      for (uint32_t q = 0; q < f->param_count; q++) {
        AnParam *qa = &f->params[q];
        if (!qa->is_self && !qa->star && !qa->dstar && !qa->kwonly && ts_node_is_null(qa->default_value)) needed++;
      }
      if (an_signature_editable(m, f)) args__arity_fix(m, fd, sig, specs, needed);
      return;
    }
  }
  if (specs > positional && !varargs) {
    AnFinding *fd = an_emit_node(m, AN_RULE_INPUT_SIGNATURE_ARITY, an_signature_site(f->tf.signature_ref, sig), fi,
                                 "input_signature has %u TensorSpecs but '%s' takes %u positional parameter%s "
                                 "(TypeError: input_signature contains %u extra type constraints)",
                                 specs, f->qualname, positional, positional == 1 ? "" : "s", specs - positional);
    an_signature_related(m, fd, f->tf.signature_ref, f->qualname, sig);
    if (an_signature_editable(m, f)) args__arity_fix(m, fd, sig, specs, positional);
  }
}

void an_check_HY301(AnModel *m) {
  for (uint32_t i = 0; i < m->funcs.count; i++) {
    AnFunc *f = AN_FUNC(m, i);
    if ((f->via == AN_VIA_DECORATOR || f->via == AN_VIA_CALL) && !ts_node_is_null(f->tf.input_signature))
      args__arity(m, (int)i);
  }
}

/* --- HY306 deprecated-eager-switch-api ----------------------------------- */

static const struct {
  const char *dotted, *replacement, *message;
} args__eager_aliases[] = {
    {"tensorflow.config.experimental_run_functions_eagerly", "run_functions_eagerly",
     "tf.config.experimental_run_functions_eagerly is deprecated; use tf.config.run_functions_eagerly (same behaviour)"},
    {"tensorflow.config.experimental_functions_run_eagerly", "functions_run_eagerly",
     "tf.config.experimental_functions_run_eagerly is deprecated; use tf.config.functions_run_eagerly (same behaviour)"},
    {"tensorflow.xla.experimental.compile", NULL,
     "tf.xla.experimental.compile is deprecated; use @tf.function(jit_compile=True)"},
};

void an_check_HY306(AnModel *m) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (!c->dotted) continue;
    for (size_t k = 0; k < sizeof args__eager_aliases / sizeof args__eager_aliases[0]; k++) {
      if (strcmp(c->dotted, args__eager_aliases[k].dotted) != 0) continue;
      AnFinding *f = an_emit_node(m, AN_RULE_DEPRECATED_EAGER_SWITCH_API, c->node, c->ctx.func, "%s",
                                  args__eager_aliases[k].message);
      if (!f) break;
      f->tags = AN_TAG_DEPRECATED;
      TSNode fn = an_field(m->lang, c->node, AN_FIELD_function);
      if (args__eager_aliases[k].replacement && an_sym(m->lang, fn) == AN_SYM_attribute) {
        TSNode attr = an_field(m->lang, fn, AN_FIELD_attribute);
        /* The same implementation under its stable name. */
        AnFix *fix = an_finding_fix(m, f, an_arena_printf(&m->arena, "Rename to %s", args__eager_aliases[k].replacement), true);
        an_fix_edit(m, fix, ts_node_start_byte(attr), ts_node_end_byte(attr), args__eager_aliases[k].replacement);
      }
      break;
    }
  }
}

/* --- HY501 run-functions-eagerly-enabled --------------------------------- */

static bool args__ci_contains(const char *s, uint32_t len, const char *needle) {
  size_t n = strlen(needle);
  for (uint32_t i = 0; i + n <= len; i++) {
    size_t k = 0;
    while (k < n && (s[i + k] | 32) == needle[k]) k++;
    if (k == n) return true;
  }
  return false;
}

/* Behind a debug flag or environment variable, or inside a debug helper. */
static bool args__guarded(AnModel *m, TSNode call, int func) {
  for (TSNode n = ts_node_parent(call); !ts_node_is_null(n); n = ts_node_parent(n)) {
    AnSym s = an_sym(m->lang, n);
    TSNode probe = {{0}, NULL, NULL};
    if (s == AN_SYM_if_statement || s == AN_SYM_elif_clause) probe = an_field(m->lang, n, AN_FIELD_condition);
    if (s == AN_SYM_function_definition) probe = an_field(m->lang, n, AN_FIELD_name);
    if (ts_node_is_null(probe)) continue;
    uint32_t len;
    const char *t = an_text(m->src, probe, &len);
    if (args__ci_contains(t, len, "debug") || args__ci_contains(t, len, "environ") ||
        args__ci_contains(t, len, "getenv") || args__ci_contains(t, len, "eager"))
      return true;
  }
  (void)func;
  return false;
}

static bool args__switched_back(AnModel *m, const AnCall *on) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (ts_node_start_byte(c->node) <= ts_node_start_byte(on->node)) continue;
    if (!an_call_is(c, "tensorflow.config.run_functions_eagerly") &&
        !an_call_is(c, "tensorflow.config.experimental_run_functions_eagerly"))
      continue;
    TSNode a = an_call_arg(m->lang, c->node, 0);
    if (an_sym(m->lang, a) == AN_SYM_false) return true;
  }
  return false;
}

static void args__eager_switch(AnModel *m, const AnCall *c, TSNode at, const char *what) {
  if (an_test_code(m, &c->ctx) || args__guarded(m, c->node, c->ctx.func)) return;
  AnFinding *f = an_emit_node(m, AN_RULE_RUN_FUNCTIONS_EAGERLY_ENABLED, at, c->ctx.func,
                              "%s turns every tf.function back into plain Python: the graph speed-up is gone and "
                              "graph-only bugs are hidden. Remove it, or guard it behind a debug flag",
                              what);
  /* Removing the switch changes run-time semantics on purpose (back to
   * graph mode), so it is offered, never part of fix-all. */
  if (ts_node_eq(at, c->node)) an_remove_statement_fix(m, f, c->node, "Remove the call (functions run as graphs again)", false);
}

void an_check_HY501(AnModel *m) {
  /* Tests may switch modes on purpose; HY701 reports a switch they leak.
   * In TF1 graph mode nothing runs eagerly: the switch only inlines a
   * tf.function's ops into the session graph (and run_eagerly=True or
   * tf.data debug mode are refused), so no speed-up is lost and no graph
   * bug hidden. */
  if (an_test_file(m->path) || m->v1_graph_mode) return;
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (an_call_is(c, "tensorflow.config.run_functions_eagerly") ||
        an_call_is(c, "tensorflow.config.experimental_run_functions_eagerly")) {
      TSNode a = an_call_arg(m->lang, c->node, 0);
      if (an_sym(m->lang, a) != AN_SYM_true || args__switched_back(m, c)) continue;
      args__eager_switch(m, c, c->node, an_snippet(m, c->node));
    } else if (an_call_is(c, "tensorflow.data.experimental.enable_debug_mode")) {
      args__eager_switch(m, c, c->node, an_snippet(m, c->node));
    } else if (c->method && strcmp(c->method, "compile") == 0) {
      TSNode v = an_call_kwarg(m->lang, m->src, c->node, "run_eagerly");
      if (an_sym(m->lang, v) != AN_SYM_true) continue;
      args__eager_switch(m, c, ts_node_parent(v), "compile(run_eagerly=True)");
    }
  }
}

/* --- HY401 variable-created-in-graph ------------------------------------- */

/* Keras layers that own weights (others create no variables). */
static const char *const args__weighted_layers[] = {
    "Dense", "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
    "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D", "Embedding", "LSTM", "GRU", "SimpleRNN",
    "BatchNormalization", "LayerNormalization", "MultiHeadAttention", "PReLU", "Bidirectional",
    "EinsumDense", "GroupNormalization", "ConvLSTM2D", NULL,
};

static const char *args__creator(const char *d) {
  if (strcmp(d, "tensorflow.Variable") == 0) return "tf.Variable";
  if (an_dotted_has_prefix(d, "tensorflow.random.Generator.from_seed") ||
      an_dotted_has_prefix(d, "tensorflow.random.Generator.from_non_deterministic_state"))
    return "tf.random.Generator";
  if (an_dotted_has_prefix(d, "keras.optimizers") && !strstr(d, "schedules")) return "an optimizer";
  if (an_dotted_has_prefix(d, "keras.metrics") && d[strlen("keras.metrics.")] >= 'A' && d[strlen("keras.metrics.")] <= 'Z')
    return "a metric";
  if (an_dotted_has_prefix(d, "keras.layers")) {
    const char *last = strrchr(d, '.') + 1;
    for (int i = 0; args__weighted_layers[i]; i++)
      if (strcmp(last, args__weighted_layers[i]) == 0) return "a Keras layer";
  }
  return NULL;
}

const char *an_variable_creator(const char *dotted) { return dotted ? args__creator(dotted) : NULL; }

typedef struct ArgsStringScan {
  AnModel *m;
  bool found;
} ArgsStringScan;

static bool args__multiline_string_visit(TSNode n, void *ctx) {
  ArgsStringScan *sc = ctx;
  if (sc->found || ts_node_start_point(n).row == ts_node_end_point(n).row) return false;
  if (an_sym(sc->m->lang, n) == AN_SYM_string) sc->found = true;
  return !sc->found;
}

/* A string literal in `node` that spans lines. */
static bool args__multiline_string(AnModel *m, TSNode node) {
  ArgsStringScan sc = {m, false};
  an_walk_named(node, args__multiline_string_visit, &sc);
  return sc.found;
}

/* `self.x = tf.Variable(...)` -> guarded by `if not hasattr(self, "x"):`;
 * safe because the unguarded code raised on its first call. */
static void args__guard_fix(AnModel *m, AnFinding *f, const AnCall *c) {
  TSNode assign = ts_node_parent(c->node);
  TSNode stmt = ts_node_parent(assign);
  if (!f || an_sym(m->lang, assign) != AN_SYM_assignment || an_sym(m->lang, stmt) != AN_SYM_expression_statement) return;
  TSNode left = an_field(m->lang, assign, AN_FIELD_left);
  if (an_sym(m->lang, left) != AN_SYM_attribute || !an_text_eq(m->src, an_field(m->lang, left, AN_FIELD_object), "self"))
    return;
  uint32_t s = ts_node_start_byte(stmt);
  for (uint32_t k = an_line_start(m, s); k < s; k++)
    if (m->src[k] != ' ' && m->src[k] != '\t') return;
  /* Continuation lines move right with the statement, which would change
   * the text of a string spanning them. */
  if (args__multiline_string(m, stmt)) return;
  const char *indent = an_indent_at(m, s);
  /* The file's own indentation unit: a tab-indented block mixed with
   * spaces is a TabError waiting for the next edit. */
  const char *unit = strchr(indent, '\t') ? "\t" : "    ";
  uint32_t alen, len;
  const char *attr = an_text(m->src, an_field(m->lang, left, AN_FIELD_attribute), &alen);
  const char *t = an_text(m->src, stmt, &len);
  AnBuf b = {0};
  an_buf_printf(&m->arena, &b, "if not hasattr(self, \"%.*s\"):%s%s%s", (int)alen, attr, an_newline(m), indent, unit);
  for (uint32_t i = 0; i < len; i++) {
    an_buf_append(&m->arena, &b, t + i, 1);
    if (t[i] == '\n') an_buf_puts(&m->arena, &b, unit);
  }
  AnFix *fix = an_finding_fix(m, f, "Create it only once (guard with hasattr)", true);
  an_fix_edit(m, fix, s, ts_node_end_byte(stmt), an_buf_str(&m->arena, &b));
}

/* The create-once idiom: an enclosing `if` that tests for absence. */
static bool args__create_once(AnModel *m, const AnCall *c) {
  TSNode n = c->node;
  for (;;) {
    TSNode iff = an_enclosing_if(m, n, c->ctx.func);
    if (ts_node_is_null(iff)) return false;
    uint32_t len;
    const char *t = an_text(m->src, an_field(m->lang, iff, AN_FIELD_condition), &len);
    if (args__ci_contains(t, len, "is none") || args__ci_contains(t, len, "hasattr") ||
        args__ci_contains(t, len, "not self.") || args__ci_contains(t, len, " in ") ||
        args__ci_contains(t, len, "built"))
      return true;
    n = iff;
  }
}

void an_check_HY401(AnModel *m) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (!c->dotted || !an_graph_code(m, &c->ctx)) continue;
    const char *what = args__creator(c->dotted);
    if (!what) continue;
    AnFunc *f = AN_FUNC(m, c->ctx.func);
    if (strcmp(f->name, "__init__") == 0 || strcmp(f->name, "build") == 0) continue;
    if (c->ctx.init_scope || args__create_once(m, c)) continue;
    AnFinding *fd = an_emit_node(m, AN_RULE_VARIABLE_CREATED_IN_GRAPH, c->node, c->ctx.func,
                                 "'%s' creates %s%s on every trace of '%s', but tf.function only allows variables "
                                 "created on the first call (ValueError: tf.function only supports singleton "
                                 "tf.Variables created on the first call); create it in __init__ or behind `if "
                                 "self.v is None:`",
                                 an_snippet(m, c->node), what, strcmp(what, "tf.Variable") == 0 ? "" : " (with variables)",
                                 an_func_label(m, c->ctx.func));
    an_finding_related_chain(m, fd, c->ctx.func);
    args__guard_fix(m, fd, c);
  }
}
