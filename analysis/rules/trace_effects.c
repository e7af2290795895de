/* Python side effects that run only while a function is traced:
 * HY201 print. */
#include <string.h>

#include "analysis/rules/retrace.h"

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
  if (m->import_anchor_known) return m->import_anchor;
  /* A cursor, not ts_node_named_child(root, i), which walks the children
   * from the first each time: the loop would be quadratic in the number of
   * top-level statements. */
  uint32_t at = 0;
  TSTreeCursor cur = ts_tree_cursor_new(m->root);
  if (ts_tree_cursor_goto_first_child(&cur)) {
    do {
      TSNode s = ts_tree_cursor_current_node(&cur);
      AnSym sym = an_sym(m->lang, s);
      if (sym == AN_SYM_import_statement || sym == AN_SYM_import_from_statement ||
          sym == AN_SYM_future_import_statement)
        at = ts_node_end_byte(s);
    } while (ts_tree_cursor_goto_next_sibling(&cur));
  }
  ts_tree_cursor_delete(&cur);
  m->import_anchor = at;
  m->import_anchor_known = true;
  return at;
}

static void effects__print_fix(AnModel *m, AnFinding *f, const AnCall *c) {
  const char *tf = an_tf_alias(m);
  if (!tf || !effects__print_fixable(m, c)) return;
  AnFix *fix = an_finding_fix(m, f, "Replace print with tf.print (runs on every call)", false);
  TSNode fn = an_field(m->lang, c->node, AN_FIELD_function);
  an_fix_edit(m, fix, ts_node_start_byte(fn), ts_node_end_byte(fn), an_arena_printf(&m->arena, "%s.print", tf));
  /* After the last argument, not before `)`: a trailing comma or a
   * comment may stand between them (`print(a, b,)` -> `a, b,, ...`). */
  TSNode args = an_field(m->lang, c->node, AN_FIELD_arguments), last = {{0}, NULL, NULL};
  uint32_t n = ts_node_named_child_count(args);
  for (uint32_t i = 0; i < n; i++)
    if (an_sym(m->lang, ts_node_named_child(args, i)) != AN_SYM_comment) last = ts_node_named_child(args, i);
  if (ts_node_is_null(last)) {
    uint32_t open = ts_node_start_byte(args) + 1;
    an_fix_edit(m, fix, open, open, "output_stream=sys.stdout");
  } else {
    uint32_t at = ts_node_end_byte(last);
    an_fix_edit(m, fix, at, at, ", output_stream=sys.stdout");
  }
  if (!effects__has_sys_import(m)) {
    uint32_t at = effects__import_anchor(m);
    an_fix_edit(m, fix, at, at, at ? "\nimport sys" : "import sys\n");
  }
}

/* The experimental_autograph_options argument of the tf.function that puts
 * `func` in graph mode, or a null node. */
static TSNode effects__autograph_options(AnModel *m, int func) {
  int root = an_graph_root(m, func);
  TSNode call = root >= 0 ? AN_FUNC(m, root)->tf.call : (TSNode){{0}, NULL, NULL};
  return ts_node_is_null(call) ? call : an_call_kwarg(m->lang, m->src, call, "experimental_autograph_options");
}

/* `experimental_autograph_options=...BUILTIN_FUNCTIONS` on the root makes
 * AutoGraph turn print into a per-call Python callback. */
static bool effects__print_converted(AnModel *m, int func) {
  TSNode opts = effects__autograph_options(m, func);
  if (ts_node_is_null(opts)) return false;
  uint32_t len;
  const char *t = an_text(m->src, opts, &len);
  for (uint32_t i = 0; i + 17 <= len; i++)
    if (memcmp(t + i, "BUILTIN_FUNCTIONS", 17) == 0) return true;
  return false;
}

void an_check_HY201(AnModel *m) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (!an_call_is(c, "builtins.print") || !an_graph_code(m, &c->ctx)) continue;
    if (effects__print_converted(m, c->ctx.func)) continue;
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

/* --- HY202 python-state-mutation-in-graph -------------------------------- */

/* True when `name` is bound in function `func` itself (a local container). */
static bool effects__local(AnModel *m, TSNode id, int func) {
  uint32_t len;
  const char *t = an_text(m->src, id, &len);
  if (func < 0) return false;
  if (an_hash_get(&m->global_map, func, t, len) > 0) return false;
  return an_hash_get(&m->binding_map, func, t, len) >= 0;
}

static bool effects__is_param(AnModel *m, TSNode id, int func) {
  if (func < 0) return false;
  AnFunc *f = AN_FUNC(m, func);
  for (uint32_t i = 0; i < f->param_count; i++)
    if (an_text_eq(m->src, id, f->params[i].name)) return true;
  return false;
}

/* A test that records something of every trace in a list of its own
 * (`traces.append(x.shape)` in a nested tf.function, then assertLen) is
 * counting traces on purpose: "once per trace" is what it measures. Only
 * a container bound in an enclosing function of test code qualifies, and
 * only when no tensor is stored (a stored graph tensor is a leak). */
static bool effects__trace_probe(AnModel *m, const AnCall *c, TSNode obj) {
  if (an_sym(m->lang, obj) != AN_SYM_identifier || !an_test_code(m, &c->ctx)) return false;
  int owner = -1;
  for (int f = AN_FUNC(m, c->ctx.func)->parent; f >= 0 && owner < 0; f = AN_FUNC(m, f)->parent)
    if (effects__local(m, obj, f)) owner = f;
  if (owner < 0) return false;
  for (uint32_t i = 0; i < an_call_argc(m->lang, c->node); i++)
    if (an_kind_is_tensor(an_kind_of(m, an_call_arg(m->lang, c->node, i), c->ctx.func))) return false;
  return true;
}

/* The same probe kept on the test case (`self.trace_count += 1` in a
 * tf.function nested in a test method, then assertEqual): `self` is the
 * enclosing test method's, captured, not a parameter of the traced
 * function, and the value stored is a Python number, not a tensor. */
static bool effects__trace_probe_attr(AnModel *m, const AnSite *s, TSNode base, TSNode right) {
  int func = s->ctx.func;
  if (an_sym(m->lang, base) != AN_SYM_identifier || !an_test_code(m, &s->ctx) || effects__is_param(m, base, func))
    return false;
  int owner = -1;
  for (int f = AN_FUNC(m, func)->parent; f >= 0 && owner < 0; f = AN_FUNC(m, f)->parent)
    if (effects__is_param(m, base, f) || effects__local(m, base, f)) owner = f;
  if (owner < 0 || ts_node_is_null(right)) return false;
  AnKind k = an_kind_of(m, right, func);
  return k == AN_KIND_PY_SCALAR || k == AN_KIND_PY_STR;
}

/* The kind of a receiver of a mutation: its own, or a container when it
 * names (by import, `from m import HISTORY` or `m.HISTORY`) a module-level
 * name of another module that only ever holds one. */
static AnKind effects__receiver_kind(AnModel *m, TSNode obj, int func) {
  AnKind k = an_kind_of(m, obj, func);
  if (k == AN_KIND_UNKNOWN && an_index_mutable_global(m->index, m->path, an_dotted(m, obj, func))) return AN_KIND_PY_CONTAINER;
  return k;
}

static const char *effects__value_origin(AnModel *m, TSNode expr, int func);

/* True when the receiver was made by a call of another library's API
 * (`tf.lookup.experimental.MutableHashTable(...)`, a replay buffer): its
 * `insert`/`append` is that object's own method, for TensorFlow's stateful
 * objects a graph op that runs on every call, not a Python list's. Python
 * containers (collections.deque), copies (copy.copy) and what the
 * project's own functions return may be plain lists, so they stay
 * reported. */
static bool effects__library_object(AnModel *m, TSNode obj, int func) {
  const char *origin = effects__value_origin(m, obj, func);
  if (!origin || an_dotted_has_prefix(origin, "builtins") || an_dotted_has_prefix(origin, "copy") ||
      an_dotted_has_prefix(origin, "collections"))
    return false;
  return !m->index || !an_index_lookup(m->index, m->path, origin);
}

/* What to do instead of changing the Python object, by what the change
 * does: per-call values collected in a list belong in the function's
 * result (or a tf.TensorArray in a loop), keyed values in its result,
 * counters and flags in a tf.Variable that the graph updates on every
 * call. */
static const char *effects__call_advice(const char *method) {
  if (an_list_mutator(method)) return "Return the values instead, or collect them in a tf.TensorArray";
  if (strcmp(method, "update") == 0 || strcmp(method, "setdefault") == 0 || strcmp(method, "add") == 0)
    return "Return the values instead";
  if (strcmp(method, "pop") == 0 || strcmp(method, "popitem") == 0) return "Pass the values in as arguments instead";
  return "Change it outside the traced code";
}

/* The advice for `left = right` (or `left += right`) in graph code. */
static const char *effects__store_advice(AnModel *m, const AnSite *s, const char *what) {
  if (strcmp(what, "item") == 0) return "Return the values instead";
  if (an_sym(m->lang, s->node) == AN_SYM_augmented_assignment)
    return "Keep such state in a tf.Variable updated with .assign_add() or .assign()";
  TSNode right = an_field(m->lang, s->node, AN_FIELD_right);
  AnKind k = ts_node_is_null(right) ? AN_KIND_UNKNOWN : an_kind_of(m, right, s->ctx.func);
  if (k == AN_KIND_VARIABLE) return "Create the tf.Variable once, outside the traced code, and .assign() to it";
  if (an_kind_is_tensor(k)) return "Return the value instead, or .assign() it to a tf.Variable";
  if (k == AN_KIND_PY_CONTAINER) return "Return the values instead";
  return "Keep such state in a tf.Variable updated with .assign()";
}

static void effects__mutating_calls(AnModel *m) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (!c->method || ts_node_is_null(c->object) || !an_container_mutator(c->method)) continue;
    if (!an_graph_code(m, &c->ctx) || c->ctx.init_scope) continue;
    TSNode obj = an_unparen(m->lang, c->object);
    AnSym os = an_sym(m->lang, obj);
    if (os != AN_SYM_identifier && os != AN_SYM_attribute) continue;
    if (os == AN_SYM_identifier && (effects__local(m, obj, c->ctx.func) || effects__is_param(m, obj, c->ctx.func)))
      continue;
    if (effects__trace_probe(m, c, obj)) continue;
    if (os == AN_SYM_attribute) {
      TSNode base = an_field(m->lang, obj, AN_FIELD_object);
      if (an_sym(m->lang, base) == AN_SYM_identifier && !an_text_eq(m->src, base, "self") &&
          effects__local(m, base, c->ctx.func))
        continue;
    }
    AnKind k = effects__receiver_kind(m, obj, c->ctx.func);
    if (k != AN_KIND_PY_CONTAINER && !(k == AN_KIND_UNKNOWN && an_list_mutator(c->method))) continue;
    if (k == AN_KIND_UNKNOWN && effects__library_object(m, obj, c->ctx.func)) continue;
    AnFinding *f = an_emit_node(m, AN_RULE_PYTHON_STATE_MUTATION_IN_GRAPH, c->node, c->ctx.func,
                                "'%s' changes the Python object '%s', which outlives '%s'; in graph code this "
                                "happens once per trace, not on every call. %s",
                                an_snippet(m, c->node), an_snippet(m, obj), an_func_label(m, c->ctx.func),
                                effects__call_advice(c->method));
    an_finding_related_chain(m, f, c->ctx.func);
  }
}

/* A class of another library by its spelling (`hub.KerasLayer`,
 * `tfp.util.TransformedVariable`, `snt.Linear`): the objects such code
 * creates lazily under a guard hold variables the same way a layer does. */
static bool effects__library_class(const char *dotted) {
  if (an_dotted_has_prefix(dotted, "builtins")) return false;
  const char *last = strrchr(dotted, '.');
  return last && last[1] >= 'A' && last[1] <= 'Z';
}

static bool effects__creates_variables(const AnCall *c) {
  return c->dotted && (strcmp(c->dotted, "tensorflow.Variable") == 0 || an_dotted_has_prefix(c->dotted, "keras.layers") ||
                       an_dotted_has_prefix(c->dotted, "keras.optimizers") || an_dotted_has_prefix(c->dotted, "keras.metrics"));
}

/* True when a call in `body` of function `func` satisfies `pred`, or a
 * call in a helper of this module called there (`self.build(x)`,
 * `self.sync()`): the guard around `body` decides whether those calls
 * run just the same. One level deep. */
static bool effects__block_has(AnModel *m, int func, TSNode body, bool (*pred)(const AnCall *)) {
  AN_FOR_CALLS_OF(m, func, call) {
    if (!an_node_within(call->node, body)) continue;
    if (pred(call)) return true;
    if (call->callee < 0 || call->callee == func) continue;
    AN_FOR_CALLS_OF(m, call->callee, inner) if (pred(inner)) return true;
  }
  return false;
}

/* True when the `if` around the store tests the attribute it assigns
 * (`if self.encoder is None:`): a create-once guard. */
static bool effects__guard_tests_target(AnModel *m, const AnSite *s, TSNode guard) {
  TSNode left = an_unparen(m->lang, an_field(m->lang, s->node, AN_FIELD_left));
  if (an_sym(m->lang, left) != AN_SYM_attribute) return false;
  TSNode name = an_field(m->lang, left, AN_FIELD_attribute);
  uint32_t len;
  const char *t = an_text(m->src, name, &len);
  return an_mentions(m, an_field(m->lang, guard, AN_FIELD_condition), t, len);
}

/* True for a tf.Variable, a Keras object or a tf.random.Generator as
 * the value stored. */
static bool effects__creation_value(AnModel *m, TSNode right, int func, const char **dotted) {
  *dotted = NULL;
  AnKind k = an_kind_of(m, right, func);
  if (k == AN_KIND_VARIABLE || k == AN_KIND_KERAS) return true;
  TSNode r = an_unparen(m->lang, right);
  if (an_sym(m->lang, r) != AN_SYM_call) return false;
  *dotted = an_dotted(m, an_field(m->lang, r, AN_FIELD_function), func);
  return *dotted && (an_dotted_has_prefix(*dotted, "keras") || an_dotted_has_prefix(*dotted, "tensorflow.random.Generator"));
}

/* A tf.Variable (or layer) assigned under a create-once guard is HY401's
 * sanctioned idiom, not a Python state change; so is an object of another
 * library's class made under a guard that tests the attribute. A method
 * named build is the guard's helper by convention (HY401 spares it too):
 * Keras and tf.Module code call it once, behind a built flag. */
static bool effects__guarded_creation(AnModel *m, const AnSite *s, TSNode right) {
  const char *d;
  bool creation = effects__creation_value(m, right, s->ctx.func, &d);
  if (creation && s->ctx.func >= 0 && strcmp(AN_FUNC(m, s->ctx.func)->name, "build") == 0) return true;
  TSNode guard = an_enclosing_if(m, s->node, s->ctx.func);
  if (ts_node_is_null(guard)) return false;
  if (creation) return true;
  TSNode r = an_unparen(m->lang, right);
  if (!d) return false;
  return effects__library_class(d) && !an_mutable_container(m, r, s->ctx.func) &&
         effects__guard_tests_target(m, s, guard);
}

/* `if not self.built: self.build(x); self.built = True`: the flag of a
 * create-once block (one that creates variables) is set while tracing on
 * purpose, so later traces skip the creation the first one did. */
static bool effects__create_once_flag(AnModel *m, const AnSite *s, TSNode right) {
  if (s->ctx.func < 0 || !an_literal(m, right)) return false;
  TSNode guard = an_enclosing_if(m, s->node, s->ctx.func);
  if (ts_node_is_null(guard) || !effects__guard_tests_target(m, s, guard)) return false;
  return effects__block_has(m, s->ctx.func, an_field(m->lang, guard, AN_FIELD_consequence), effects__creates_variables);
}

/* `if key not in self._slots: self._slots[key] = tf.Variable(...)`: the
 * keyed form of the idiom (optimizers that make a slot the first time they
 * see a variable). The guard must test the container stored into. */
static bool effects__keyed_creation(AnModel *m, const AnSite *s, TSNode left, TSNode right) {
  const char *d;
  if (!effects__creation_value(m, right, s->ctx.func, &d)) return false;
  TSNode guard = an_enclosing_if(m, s->node, s->ctx.func);
  if (ts_node_is_null(guard)) return false;
  TSNode box = an_unparen(m->lang, an_field(m->lang, left, AN_FIELD_value));
  AnSym bs = an_sym(m->lang, box);
  if (bs == AN_SYM_attribute) box = an_field(m->lang, box, AN_FIELD_attribute);
  else if (bs != AN_SYM_identifier) return false;
  uint32_t len;
  const char *t = an_text(m->src, box, &len);
  return an_mentions(m, an_field(m->lang, guard, AN_FIELD_condition), t, len);
}

bool an_site_creates_once(AnModel *m, const AnSite *s) {
  if (s->kind != AN_SITE_ASSIGN) return false;
  TSNode left = an_field(m->lang, s->node, AN_FIELD_left);
  TSNode right = an_field(m->lang, s->node, AN_FIELD_right);
  if (ts_node_is_null(right)) return false;
  AnSym ls = an_sym(m->lang, left);
  if (ls == AN_SYM_subscript) return effects__keyed_creation(m, s, left, right);
  if (ls != AN_SYM_attribute) return false;
  return effects__guarded_creation(m, s, right) || effects__create_once_flag(m, s, right);
}

/* The attribute expressions of the module, collected once per run on first
 * need and chained by name. */
typedef struct AttrRead {
  TSNode node;
  const char *name; /* the attribute's name, in the source */
  uint32_t len;
  int32_t prev;     /* the previous attribute of the same name, -1 */
} AttrRead;

/* What effects__trace_local_attr needs of the reads of one name (scope -1)
 * or of the reads of it through a function's own `self` (scope: that
 * function), counted once per name so that many stores and reads of one
 * name stay linear: the reads, those that do not see the store's own run
 * when the storing function is a tf.function's (fail_graph) or a Keras
 * step's (fail_keras), and for a function the first read's start. */
typedef struct AttrTally {
  uint32_t reads, fail_graph, fail_keras, first;
} AttrTally;

typedef struct EffectsAttrs {
  AnVec reads;      /* AttrRead, in document order */
  bool collected;
  AnHash last;      /* (0, name) -> its last AttrRead */
  AnHash tally_at;  /* (-1 or function, name) -> index in tallies */
  AnVec tallies;    /* AttrTally */
  AnHash runs_call; /* (0, method name) -> 1 / 0: effects__method_runs_call */
} EffectsAttrs;

static bool effects__collect_attr(TSNode n, void *ctx) {
  AnModel *m = ((void **)ctx)[0];
  EffectsAttrs *ea = ((void **)ctx)[1];
  if (an_sym(m->lang, n) != AN_SYM_attribute) return true;
  TSNode name = an_field(m->lang, n, AN_FIELD_attribute);
  AttrRead *slot = ts_node_is_null(name) ? NULL : an_vec_push(&m->arena, &ea->reads, sizeof *slot);
  if (!slot) return true;
  uint32_t len;
  const char *t = an_text(m->src, name, &len);
  *slot = (AttrRead){.node = n, .name = t, .len = len, .prev = an_hash_get(&ea->last, 0, t, len)};
  an_hash_put(&m->arena, &ea->last, 0, t, len, (int)(ea->reads.count - 1));
  return true;
}

/* The text of `n` without its subscripts: `self.layers[i]` and
 * `self.layers[-1]` both name `self.layers`. */
static const char *effects__owner_text(AnModel *m, TSNode n) {
  uint32_t len;
  const char *t = an_text(m->src, n, &len);
  char *out = an_arena_alloc(&m->arena, len + 1);
  if (!out) return "";
  uint32_t k = 0;
  int depth = 0;
  for (uint32_t i = 0; i < len; i++) {
    if (t[i] == '[') depth++;
    else if (t[i] == ']') depth--;
    else if (!depth && t[i] != ' ' && t[i] != '\n') out[k++] = t[i];
  }
  out[k] = '\0';
  return out;
}

/* True when `callee` (`self.decoder`) is `o` (`self.decoder.attn`, `ol`
 * bytes) or an object it belongs to. */
static bool effects__owner_prefix(const char *o, size_t ol, const char *callee) {
  size_t cl = strlen(callee);
  return cl && cl <= ol && memcmp(o, callee, cl) == 0 && (o[cl] == '\0' || o[cl] == '.');
}

/* True when function `f` calls its own first parameter (`self(...)`,
 * `self.call(...)`): a method that runs its object's Keras call. */
static bool effects__runs_own_call(AnModel *m, int f) {
  AnFunc *fn = AN_FUNC(m, f);
  if (!fn->param_count) return false;
  const char *self = fn->params[0].name;
  AN_FOR_CALLS_OF(m, f, c) {
    TSNode callee = an_unparen(m->lang, c->fn);
    if (an_sym(m->lang, callee) == AN_SYM_identifier && an_text_eq(m->src, callee, self)) return true;
    if (c->method && (strcmp(c->method, "call") == 0 || strcmp(c->method, "__call__") == 0) &&
        an_sym(m->lang, c->object) == AN_SYM_identifier && an_text_eq(m->src, c->object, self))
      return true;
  }
  return false;
}

/* True when this module defines a method named `name` (in a class body,
 * or a function attached with `@Decoder.add_method`, first parameter
 * `self`) and every such method runs its object's own call:
 * `self.decoder.get_next_token(...)` then runs the decoder's call just as
 * `self.decoder(...)` does. A name with a method that does not leaves the
 * call unproven. */
static bool effects__method_runs_call_uncached(AnModel *m, const char *name, uint32_t len) {
  bool found = false;
  for (uint32_t i = 0; i < m->funcs.count; i++) {
    AnFunc *f = AN_FUNC(m, i);
    if (strlen(f->name) != len || memcmp(f->name, name, len) != 0 || !f->param_count) continue;
    if (f->cls < 0 && strcmp(f->params[0].name, "self") != 0) continue;
    if (!effects__runs_own_call(m, (int)i)) return false;
    found = true;
  }
  return found;
}

static bool effects__method_runs_call(AnModel *m, EffectsAttrs *ea, const char *name) {
  uint32_t len = (uint32_t)strlen(name);
  int known = an_hash_get(&ea->runs_call, 0, name, len);
  if (known >= 0) return known == 1;
  bool runs = effects__method_runs_call_uncached(m, name, len);
  an_hash_put(&m->arena, &ea->runs_call, 0, name, len, runs ? 1 : 0);
  return runs;
}

/* True when `func`, before byte `before`, calls an object that `owner`
 * (`self.decoder.attn`) is or belongs to (`self.decoder(...)`), or a
 * method of it that runs that object's call (`self.decoder.step(...)`):
 * the read then sees what that call just stored in the same trace. */
static bool effects__owner_called_before(AnModel *m, EffectsAttrs *ea, int func, TSNode owner, uint32_t before) {
  const char *o = effects__owner_text(m, owner);
  size_t ol = strlen(o);
  AN_FOR_CALLS_OF(m, func, c) {
    if (ts_node_start_byte(c->node) >= before) continue;
    TSNode fn = an_unparen(m->lang, an_field(m->lang, c->node, AN_FIELD_function));
    /* `for layer in self.layers: layer(x)` calls items of self.layers. */
    if (an_sym(m->lang, fn) == AN_SYM_identifier) {
      uint32_t len;
      const char *t = an_text(m->src, fn, &len);
      int b = an_hash_get(&m->binding_map, func, t, len);
      const AnBinding *bind = b >= 0 ? &AN_VEC_AT(m->bindings, AnBinding, b) : NULL;
      if (bind && bind->from_for && bind->pos < 0 && !ts_node_is_null(bind->value)) fn = bind->value;
    }
    if (effects__owner_prefix(o, ol, effects__owner_text(m, fn))) return true;
    if (c->method && !ts_node_is_null(c->object) &&
        effects__owner_prefix(o, ol, effects__owner_text(m, an_unparen(m->lang, c->object))) &&
        effects__method_runs_call(m, ea, c->method))
      return true;
  }
  return false;
}

/* A read sees the value its own run of the store left when it follows the
 * store in the storing function (through that function's `self`), or
 * follows a call of the object that holds it (a Keras layer's call run
 * from eager code runs eagerly too, but a tf.function's graph, whose value
 * then escapes: HY404). The second part depends on the read alone; the
 * tally of a name counts the reads that fail it, for either kind of
 * storing function. */
static AttrTally *effects__tally(AnModel *m, EffectsAttrs *ea, int scope, const char *name, uint32_t len, bool make) {
  int at = an_hash_get(&ea->tally_at, scope, name, len);
  if (at >= 0) return &AN_VEC_AT(ea->tallies, AttrTally, at);
  if (!make) return NULL;
  AttrTally *t = an_vec_push(&m->arena, &ea->tallies, sizeof *t);
  if (!t) return NULL;
  *t = (AttrTally){.first = UINT32_MAX};
  an_hash_put(&m->arena, &ea->tally_at, scope, name, len, (int)(ea->tallies.count - 1));
  return t;
}

static void effects__count_read(AnModel *m, EffectsAttrs *ea, const AttrRead *r, uint32_t total) {
  TSNode parent = ts_node_parent(r->node);
  if (an_sym(m->lang, parent) == AN_SYM_assignment && ts_node_eq(an_field(m->lang, parent, AN_FIELD_left), r->node))
    return; /* a store, not a read */
  int g = an_func_at(m, r->node);
  TSNode owner = an_unparen(m->lang, an_field(m->lang, r->node, AN_FIELD_object));
  bool called = g >= 0 && effects__owner_called_before(m, ea, g, owner, ts_node_start_byte(r->node));
  bool fail_keras = !called, fail_graph = !called || !an_in_graph(m, g);
  AttrTally *own = NULL;
  if (g >= 0 && AN_FUNC(m, g)->param_count && an_sym(m->lang, owner) == AN_SYM_identifier &&
      an_text_eq(m->src, owner, AN_FUNC(m, g)->params[0].name))
    own = effects__tally(m, ea, g, r->name, r->len, true);
  /* Fetched after `own`, whose creation may move the tallies. */
  AttrTally *all = &AN_VEC_AT(ea->tallies, AttrTally, total);
  for (AttrTally *t = all; t; t = t == all ? own : NULL) {
    t->reads++;
    t->fail_graph += fail_graph;
    t->fail_keras += fail_keras;
    if (ts_node_start_byte(r->node) < t->first) t->first = ts_node_start_byte(r->node);
  }
}

static const AttrTally *effects__name_tally(AnModel *m, EffectsAttrs *ea, const char *name, uint32_t len) {
  AttrTally *total = effects__tally(m, ea, -1, name, len, false);
  if (total) return total;
  total = effects__tally(m, ea, -1, name, len, true);
  if (!total) return NULL;
  uint32_t index = (uint32_t)(total - &AN_VEC_AT(ea->tallies, AttrTally, 0));
  for (int i = an_hash_get(&ea->last, 0, name, len); i >= 0; i = AN_VEC_AT(ea->reads, AttrRead, i).prev) {
    effects__count_read(m, ea, &AN_VEC_AT(ea->reads, AttrRead, i), index);
    if (m->arena.failed) return NULL;
  }
  return &AN_VEC_AT(ea->tallies, AttrTally, index); /* the vector may have moved */
}

/* `self.scores = t` read, and only read, later in the same trace (the
 * attention-scores idiom of Keras layers): every reader sees the value of
 * its own trace, as eagerly, so running the store once per trace changes
 * nothing. Reads anywhere else, or none at all (someone outside may look),
 * leave the store reported; so does `+=`, which reads the last trace's. */
static bool effects__trace_local_attr(AnModel *m, const AnSite *s, TSNode left, TSNode right, EffectsAttrs *ea) {
  TSNode base = an_unparen(m->lang, an_field(m->lang, left, AN_FIELD_object));
  AnFunc *f = AN_FUNC(m, s->ctx.func);
  if (ts_node_is_null(right) || an_sym(m->lang, s->node) != AN_SYM_assignment || f->cls < 0 || !f->param_count ||
      !f->params[0].is_self || !an_text_eq(m->src, base, f->params[0].name))
    return false;
  AnKind k = an_kind_of(m, right, s->ctx.func);
  if (k == AN_KIND_VARIABLE || k == AN_KIND_KERAS) return false; /* creation: HY401's */
  if (!ea->collected) {
    void *ctx[2] = {m, ea};
    an_walk(m->root, effects__collect_attr, ctx);
    ea->collected = true;
  }
  uint32_t nlen;
  const char *nt = an_text(m->src, an_field(m->lang, left, AN_FIELD_attribute), &nlen);
  const AttrTally *total = effects__name_tally(m, ea, nt, nlen);
  if (!total || !total->reads) return false;
  AttrTally none = {.first = UINT32_MAX};
  const AttrTally *own = effects__tally(m, ea, s->ctx.func, nt, nlen, false);
  if (!own) own = &none;
  /* A library's step, like a Keras step, runs in a trace of its own. */
  bool keras = f->root == AN_ROOT_KERAS || f->root == AN_ROOT_LOOP;
  uint32_t fails = keras ? total->fail_keras - own->fail_keras : total->fail_graph - own->fail_graph;
  return fails == 0 && own->first >= ts_node_end_byte(s->node);
}

static void effects__assignments(AnModel *m) {
  EffectsAttrs attrs = {0};
  for (uint32_t i = 0; i < m->sites.count; i++) {
    AnSite *s = &AN_VEC_AT(m->sites, AnSite, i);
    if (s->kind != AN_SITE_ASSIGN || !an_graph_code(m, &s->ctx) || s->ctx.init_scope) continue;
    TSNode left = an_field(m->lang, s->node, AN_FIELD_left);
    AnSym ls = an_sym(m->lang, left);
    int func = s->ctx.func;
    const char *what = NULL;
    if (ls == AN_SYM_attribute) {
      TSNode base = an_unparen(m->lang, an_field(m->lang, left, AN_FIELD_object));
      if (an_sym(m->lang, base) == AN_SYM_identifier && !an_text_eq(m->src, base, "self") &&
          effects__local(m, base, func))
        continue;
      TSNode right = an_field(m->lang, s->node, AN_FIELD_right);
      if (an_site_creates_once(m, s)) continue;
      if (func >= 0 && effects__trace_local_attr(m, s, left, right, &attrs)) continue;
      if (func >= 0 && effects__trace_probe_attr(m, s, base, right)) continue;
      what = "attribute";
    } else if (ls == AN_SYM_subscript) {
      TSNode base = an_unparen(m->lang, an_field(m->lang, left, AN_FIELD_value));
      AnSym bs = an_sym(m->lang, base);
      if (bs == AN_SYM_identifier && (effects__local(m, base, func) || effects__is_param(m, base, func))) continue;
      if (bs != AN_SYM_identifier && bs != AN_SYM_attribute) continue;
      AnKind k = effects__receiver_kind(m, base, func);
      if (k != AN_KIND_PY_CONTAINER || an_site_creates_once(m, s)) continue;
      what = "item";
    } else if (ls == AN_SYM_identifier) {
      uint32_t len;
      const char *t = an_text(m->src, left, &len);
      if (func < 0 || an_hash_get(&m->global_map, func, t, len) <= 0) continue;
      what = "global";
    } else {
      continue;
    }
    AnFinding *f = an_emit_node(m, AN_RULE_PYTHON_STATE_MUTATION_IN_GRAPH, left, func,
                                "assignment to %s'%s' in '%s' happens only while tracing; later calls run the "
                                "graph and leave it unchanged. %s",
                                strcmp(what, "global") == 0 ? "the global " : "", an_snippet(m, left),
                                an_func_label(m, func), effects__store_advice(m, s, what));
    an_finding_related_chain(m, f, func);
  }
}

/* `tf.autograph.experimental.set_element_type(acc, ...)` in `func` makes
 * `acc` a TensorList, which may grow in a TensorFlow loop. */
static bool effects__typed_list(AnModel *m, int func, TSNode name) {
  uint32_t len;
  const char *t = an_text(m->src, name, &len), *text = NULL;
  AN_FOR_CALLS_OF(m, func, c) {
    if (!an_call_is(c, "tensorflow.autograph.experimental.set_element_type")) continue;
    TSNode first = an_call_arg(m->lang, c->node, 0);
    if (!text) text = an_arena_strndup(&m->arena, t, len);
    if (text && !ts_node_is_null(first) && an_text_eq(m->src, first, text)) return true;
  }
  return false;
}

/* The Python containers a TensorFlow loop may carry by mistake. */
typedef enum Carried { CARRIED_NONE, CARRIED_LIST, CARRIED_DICT, CARRIED_SET } Carried;

/* What a new-container value makes: `[]`, `[...]`, `list(...)`; `{}`,
 * `{k: v}`, `dict(...)`; `{a, b}`, `set(...)`. */
static Carried effects__new_container(AnModel *m, TSNode v, int func) {
  v = an_unparen(m->lang, v);
  switch (an_sym(m->lang, v)) {
  case AN_SYM_list:
    return CARRIED_LIST;
  case AN_SYM_dictionary:
    return CARRIED_DICT;
  case AN_SYM_set:
    return CARRIED_SET;
  case AN_SYM_call: {
    const char *d = an_dotted(m, an_field(m->lang, v, AN_FIELD_function), func);
    if (!d) return CARRIED_NONE;
    if (strcmp(d, "builtins.list") == 0) return CARRIED_LIST;
    if (strcmp(d, "builtins.dict") == 0) return CARRIED_DICT;
    if (strcmp(d, "builtins.set") == 0) return CARRIED_SET;
    return CARRIED_NONE;
  }
  default:
    return CARRIED_NONE;
  }
}

/* What `name` is bound to in `func` before `loop` when that is a new
 * container and nothing inside the loop binds the name again: the
 * container the loop carries. */
static Carried effects__container_before(AnModel *m, TSNode name, int func, TSNode loop) {
  uint32_t len, ls = ts_node_start_byte(loop), le = ts_node_end_byte(loop);
  const char *t = an_text(m->src, name, &len);
  const AnBinding *last = NULL;
  for (int b = an_hash_get(&m->binding_map, func, t, len); b >= 0; b = AN_VEC_AT(m->bindings, AnBinding, b).next) {
    const AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, b);
    if (bd->at >= ls && bd->at <= le) return CARRIED_NONE;
    if (bd->at < ls && (!last || bd->at > last->at)) last = bd;
  }
  if (!last || last->from_for || last->from_unpack || ts_node_is_null(last->value)) return CARRIED_NONE;
  return effects__new_container(m, last->value, func);
}

/* A `for` over `enumerate(ds)` or `iter(ds)` of a dataset. AutoGraph
 * turns the first into a loop over `ds.enumerate()`, a dataset loop; the
 * second iterates the dataset's iterator in a tf.while_loop. Either way the
 * body is traced once, inside a function of the loop. */
static bool effects__dataset_wrapper_loop(AnModel *m, TSNode loop, int func) {
  const AnLang *l = m->lang;
  if (an_sym(l, loop) != AN_SYM_for_statement) return false;
  TSNode it = an_unparen(l, an_field(l, loop, AN_FIELD_right));
  if (an_sym(l, it) != AN_SYM_call || an_call_argc(l, it) < 1) return false;
  const char *d = an_dotted(m, an_field(l, it, AN_FIELD_function), func);
  if (!d || (strcmp(d, "builtins.enumerate") != 0 && strcmp(d, "builtins.iter") != 0)) return false;
  return an_kind_of(m, an_call_arg(l, it, 0), func) == AN_KIND_DATASET;
}

/* The innermost TensorFlow loop around `node` of function `func`, with
 * what the container `name` bound before it is (CARRIED_NONE, and a null
 * loop, when it is none). A loop over a dataset counts: its body is traced
 * once, in the function of the dataset's reduce or scan, so what it puts
 * in the container cannot leave the loop either. */
static TSNode effects__carrying_loop(AnModel *m, TSNode node, int func, TSNode name, Carried *what) {
  TSNode none = {{0}, NULL, NULL}, loops[AN_RETRACE_MAX_LOOPS];
  uint32_t n = an_retrace_loops(m, node, func, loops, AN_RETRACE_MAX_LOOPS);
  *what = CARRIED_NONE;
  for (uint32_t i = 0; i < n; i++) {
    if (!an_tf_loop(m, loops[i], func, NULL) && !effects__dataset_wrapper_loop(m, loops[i], func)) continue;
    *what = effects__container_before(m, name, func, loops[i]);
    return *what == CARRIED_NONE ? none : loops[i];
  }
  return none;
}

/* A local name of graph function `func` (converted by AutoGraph) that a
 * statement in a loop changes in place. */
static bool effects__loop_local(AnModel *m, TSNode obj, const AnCtx *ctx) {
  if (ts_node_is_null(obj) || an_sym(m->lang, obj) != AN_SYM_identifier || !ctx->loop_depth || ctx->func < 0)
    return false;
  return an_graph_code(m, ctx) && AN_FUNC(m, ctx->func)->autograph && effects__local(m, obj, ctx->func);
}

static const char *effects__loop_text(AnModel *m, TSNode loop) {
  return an_loop_header(m, loop, an_field(m->lang, loop, AN_FIELD_body));
}

/* `acc.append(x)` inside a TensorFlow loop, on a local list bound before
 * the loop. tf.function's AutoGraph leaves list appends alone (converting
 * them is the optional Feature.LISTS), so the append runs once, while the
 * loop body is traced, and what it appends belongs to the body's graph:
 * using it after the loop raises InaccessibleTensorError (rules.md HY202,
 * Runtime). A local list is fine in a Python loop, unrolled while tracing,
 * which the outer-state check above leaves alone. */
static void effects__tf_loop_append(AnModel *m, AnCall *c, TSNode obj, TSNode loop) {
  if (an_call_argc(m->lang, c->node) != 1 || effects__typed_list(m, c->ctx.func, obj) ||
      /* the options may turn on Feature.LISTS, which converts the append */
      !ts_node_is_null(effects__autograph_options(m, c->ctx.func)))
    return;
  const char *name = an_snippet(m, obj);
  AnFinding *f = an_emit_node(
      m, AN_RULE_PYTHON_STATE_MUTATION_IN_GRAPH, c->node, c->ctx.func,
      "'%s' in the TensorFlow loop '%s' of '%s' runs only while the loop body is traced, not on every "
      "iteration: '%s' does not get an element per iteration, and a tensor appended there belongs to the loop "
      "body, so using it after the loop fails (InaccessibleTensorError: ... is out of scope and cannot be used "
      "here); write the values to a tf.TensorArray and stack it after the loop",
      an_snippet(m, c->node), effects__loop_text(m, loop), an_func_label(m, c->ctx.func), name);
  an_finding_related_chain(m, f, c->ctx.func);
}

/* The dict and set methods that change the container. */
static bool effects__keyed_mutator(Carried what, const char *method) {
  static const char *const dict_methods[] = {"update", "setdefault", "pop", "popitem", "clear", NULL};
  static const char *const set_methods[] = {"add", "update", "discard", "remove", "pop", "clear", NULL};
  const char *const *names = what == CARRIED_DICT ? dict_methods : what == CARRIED_SET ? set_methods : NULL;
  for (int i = 0; names && names[i]; i++)
    if (strcmp(method, names[i]) == 0) return true;
  return false;
}

/* `d[k] = v`, `d.update(...)`, `s.add(x)` inside a TensorFlow loop on a
 * local dict or set bound before the loop. AutoGraph makes only names the
 * body rebinds loop variables (an item store is not one), so the change
 * runs once, while the body is traced; a value stored there belongs to
 * the body's graph, and a tensor used as a key or set element raises
 * (TypeError: Tensor is unhashable) since tensors in a tf.function are not
 * hashable. `key` is the subscript or the element added, or null. */
static void effects__tf_loop_keyed(AnModel *m, TSNode stmt, TSNode obj, TSNode key, TSNode loop, Carried what,
                                   const AnCtx *ctx) {
  bool tensor_key = !ts_node_is_null(key) && an_kind_is_tensor(an_kind_of(m, key, ctx->func));
  const char *kind = what == CARRIED_DICT ? "dict" : "set";
  AnFinding *f = an_emit_node(
      m, AN_RULE_PYTHON_STATE_MUTATION_IN_GRAPH, stmt, ctx->func,
      "'%s' in the TensorFlow loop '%s' of '%s' runs only while the loop body is traced, not on every "
      "iteration: the %s '%s' changes once, and a tensor stored there belongs to the loop body%s; use a "
      "tf.TensorArray, or tf.lookup.experimental.MutableHashTable for keyed values",
      an_snippet(m, stmt), effects__loop_text(m, loop), an_func_label(m, ctx->func), kind, an_snippet(m, obj),
      tensor_key ? an_arena_printf(&m->arena, ", and the tensor '%s' cannot be a %s (TypeError: Tensor is "
                                              "unhashable)", an_snippet(m, key), what == CARRIED_DICT ? "key" : "member")
                 : "");
  an_finding_related_chain(m, f, ctx->func);
}

static void effects__tf_loop_calls(AnModel *m) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (!c->method || ts_node_is_null(c->object)) continue;
    TSNode obj = an_unparen(m->lang, c->object);
    if (!effects__loop_local(m, obj, &c->ctx)) continue;
    if (an_sym(m->lang, an_parent(m, c->node, c->ctx.func)) != AN_SYM_expression_statement) continue;
    Carried what;
    TSNode loop = effects__carrying_loop(m, c->node, c->ctx.func, obj, &what);
    if (what == CARRIED_LIST && strcmp(c->method, "append") == 0) effects__tf_loop_append(m, c, obj, loop);
    if (effects__keyed_mutator(what, c->method)) {
      TSNode key = what == CARRIED_SET && strcmp(c->method, "add") == 0 ? an_call_arg(m->lang, c->node, 0)
                                                                          : (TSNode){{0}, NULL, NULL};
      effects__tf_loop_keyed(m, c->node, obj, key, loop, what, &c->ctx);
    }
  }
}

/* Which local names of a function have an item read, found by one walk
 * of the function: `walked` per function, `read` per name's first binding
 * there. A walk per store (or per dict) made many stores quadratic. */
typedef struct ItemReads {
  AnModel *m;
  int func;
  uint8_t *walked, *read;
  uint32_t store_start, store_end; /* the item the last assignment met stores to */
} ItemReads;

/* An assignment is met before its target (the walk is in pre-order), so
 * its item is known as a store without climbing from the subscript with
 * ts_node_parent, which descends from the root each time. */
static bool effects__item_read_visit(TSNode n, void *ctx) {
  ItemReads *r = ctx;
  const AnLang *l = r->m->lang;
  AnSym s = an_sym(l, n);
  if (s == AN_SYM_assignment) {
    TSNode left = an_field(l, n, AN_FIELD_left);
    if (!ts_node_is_null(left) && an_sym(l, left) == AN_SYM_subscript)
      r->store_start = ts_node_start_byte(left), r->store_end = ts_node_end_byte(left);
    return true;
  }
  if (s != AN_SYM_subscript) return true;
  TSNode v = an_unparen(l, an_field(l, n, AN_FIELD_value));
  if (an_sym(l, v) != AN_SYM_identifier) return true;
  if (ts_node_start_byte(n) == r->store_start && ts_node_end_byte(n) == r->store_end) return true;
  uint32_t len;
  const char *t = an_text(r->m->src, v, &len);
  int b = an_hash_get(&r->m->binding_map, r->func, t, len);
  if (b >= 0) r->read[b] = 1;
  return true;
}

/* True when function `func` reads an item of the local `name` (`d["a"]`)
 * anywhere. AutoGraph makes an item the loop reads, or reads after it, a
 * loop variable of its own (`d["a"] += x` works), so only stores to items
 * nothing reads stay Python state. */
static bool effects__items_read(ItemReads *r, int func, TSNode name) {
  AnModel *m = r->m;
  if (!r->walked[func]) {
    r->func = func, r->store_start = r->store_end = UINT32_MAX;
    an_walk_named(AN_FUNC(m, func)->node, effects__item_read_visit, r);
    r->walked[func] = 1;
  }
  uint32_t len;
  const char *t = an_text(m->src, name, &len);
  int b = an_hash_get(&m->binding_map, func, t, len);
  return b >= 0 && r->read[b];
}

/* `d[k] = v` on a dict a TensorFlow loop carries, when no item of it is
 * read (see above) or the key is a tensor, which a dict cannot hash
 * whatever AutoGraph does with the store. */
static void effects__tf_loop_items(AnModel *m) {
  ItemReads reads = {m, -1, an_arena_alloc(&m->arena, m->funcs.count + 1),
                     an_arena_alloc(&m->arena, m->bindings.count + 1), 0, 0};
  if (!reads.walked || !reads.read) return;
  for (uint32_t i = 0; i < m->sites.count; i++) {
    AnSite *s = &AN_VEC_AT(m->sites, AnSite, i);
    if (s->kind != AN_SITE_ASSIGN) continue;
    TSNode left = an_field(m->lang, s->node, AN_FIELD_left);
    if (ts_node_is_null(left) || an_sym(m->lang, left) != AN_SYM_subscript) continue;
    TSNode obj = an_unparen(m->lang, an_field(m->lang, left, AN_FIELD_value));
    if (!effects__loop_local(m, obj, &s->ctx)) continue;
    Carried what;
    TSNode loop = effects__carrying_loop(m, s->node, s->ctx.func, obj, &what);
    if (what != CARRIED_DICT) continue;
    TSNode key = an_field(m->lang, left, AN_FIELD_subscript);
    bool tensor_key = an_kind_is_tensor(an_kind_of(m, key, s->ctx.func));
    if (tensor_key || (an_sym(m->lang, s->node) == AN_SYM_assignment && !effects__items_read(&reads, s->ctx.func, obj)))
      effects__tf_loop_keyed(m, s->node, obj, key, loop, what, &s->ctx);
  }
}

void an_check_HY202(AnModel *m) {
  effects__mutating_calls(m);
  effects__assignments(m);
  effects__tf_loop_calls(m);
  effects__tf_loop_items(m);
}

/* --- HY203 trace-time-python-guard --------------------------------------- */

/* The Python value a condition reads: `self.attr` or a global name. */
typedef struct GuardRead {
  TSNode node;
  bool is_attr;
} GuardRead;

static bool effects__guard_visit(TSNode n, void *ctx) {
  void **args = ctx;
  AnModel *m = args[0];
  GuardRead *out = args[1];
  if (!ts_node_is_null(out->node)) return false;
  AnSym s = an_sym(m->lang, n);
  int func = *(int *)args[2];
  if (s == AN_SYM_attribute) {
    TSNode obj = an_field(m->lang, n, AN_FIELD_object);
    if (an_sym(m->lang, obj) == AN_SYM_identifier && an_text_eq(m->src, obj, "self")) {
      out->node = n;
      out->is_attr = true;
    }
    return false;
  }
  if (s == AN_SYM_identifier) {
    uint32_t len;
    const char *t = an_text(m->src, n, &len);
    if (func >= 0 && an_hash_get(&m->global_map, func, t, len) > 0) out->node = n;
    return false;
  }
  if (s == AN_SYM_call) return false; /* `tf.equal(self.x, ...)` etc. are not plain reads */
  return true;
}

/* The function writes the value the guard reads (`self.attr` or the global). */
static bool effects__writes(AnModel *m, int func, TSNode read) {
  bool attr = an_sym(m->lang, read) == AN_SYM_attribute;
  uint32_t len;
  const char *want = an_text(m->src, attr ? an_field(m->lang, read, AN_FIELD_attribute) : read, &len);
  AN_FOR_SITES_OF(m, func, s) {
    if (s->kind != AN_SITE_ASSIGN) continue;
    TSNode left = an_field(m->lang, s->node, AN_FIELD_left);
    TSNode name = left;
    if (attr) {
      if (an_sym(m->lang, left) != AN_SYM_attribute || !an_text_eq(m->src, an_field(m->lang, left, AN_FIELD_object), "self"))
        continue;
      name = an_field(m->lang, left, AN_FIELD_attribute);
    } else if (an_sym(m->lang, left) != AN_SYM_identifier) {
      continue;
    }
    uint32_t nlen;
    const char *t = an_text(m->src, name, &nlen);
    if (nlen == len && memcmp(t, want, len) == 0) return true;
  }
  return false;
}

static bool effects__stateful_call(const AnCall *c) {
  if (c->method) {
    static const char *const names[] = {"assign", "assign_add", "assign_sub", "apply_gradients", "scatter_update",
                                        "scatter_add", "scatter_sub", "scatter_nd_update", "minimize", NULL};
    for (int i = 0; names[i]; i++)
      if (strcmp(c->method, names[i]) == 0) return true;
  }
  return c->dotted && (strcmp(c->dotted, "tensorflow.print") == 0 || an_dotted_has_prefix(c->dotted, "tensorflow.summary"));
}

void an_check_HY203(AnModel *m) {
  for (uint32_t i = 0; i < m->sites.count; i++) {
    AnSite *s = &AN_VEC_AT(m->sites, AnSite, i);
    if (s->kind != AN_SITE_IF || !an_graph_code(m, &s->ctx)) continue;
    TSNode cond = an_field(m->lang, s->node, AN_FIELD_condition);
    TSNode body = an_field(m->lang, s->node, an_sym(m->lang, s->node) == AN_SYM_while_statement ? AN_FIELD_body : AN_FIELD_consequence);
    if (ts_node_is_null(cond) || ts_node_is_null(body)) continue;
    GuardRead read = {{{0}, NULL, NULL}, false};
    int func = s->ctx.func;
    void *args[3] = {m, &read, &func};
    an_walk(cond, effects__guard_visit, args);
    if (ts_node_is_null(read.node)) continue;
    AnKind k = an_kind_of(m, read.node, s->ctx.func);
    if (k != AN_KIND_PY_SCALAR) continue;
    if (!effects__writes(m, s->ctx.func, read.node)) continue;
    bool stateful = effects__block_has(m, s->ctx.func, body, effects__stateful_call);
    bool creates = effects__block_has(m, s->ctx.func, body, effects__creates_variables);
    if (!stateful || creates) continue;
    AnFinding *f = an_emit_node(m, AN_RULE_TRACE_TIME_PYTHON_GUARD, cond, s->ctx.func,
                                "'%s' reads the Python value '%s', so it is decided once while '%s' is traced; "
                                "the graph then repeats the chosen branch on every call. Use a tf.Variable "
                                "for state checked at run time",
                                an_snippet(m, cond), an_snippet(m, read.node), an_func_label(m, s->ctx.func));
    an_finding_related_chain(m, f, s->ctx.func);
  }
}

/* --- HY205 python-nondeterminism-frozen ---------------------------------- */

static const struct {
  const char *prefix;
  const char *replacement; /* suggested TensorFlow call, or NULL */
} effects__nondeterministic[] = {
    {"random.random", "tf.random.uniform([])"},
    {"random.uniform", "tf.random.uniform"},
    {"random.randint", "tf.random.uniform(..., dtype=tf.int32)"},
    {"random.gauss", "tf.random.normal"},
    {"random.normalvariate", "tf.random.normal"},
    {"random.choice", "tf.random.shuffle or tf.random.categorical"},
    {"random.shuffle", "tf.random.shuffle"},
    {"random.sample", "tf.random.shuffle"},
    {"random.randrange", "tf.random.uniform(..., dtype=tf.int32)"},
    {"numpy.random.uniform", "tf.random.uniform"},
    {"numpy.random.normal", "tf.random.normal"},
    {"numpy.random.randn", "tf.random.normal"},
    {"numpy.random.rand", "tf.random.uniform"},
    {"numpy.random.randint", "tf.random.uniform(..., dtype=tf.int32)"},
    {"numpy.random.random", "tf.random.uniform"},
    {"numpy.random.choice", "tf.random.categorical"},
    {"numpy.random.shuffle", "tf.random.shuffle"},
    {"numpy.random.permutation", "tf.random.shuffle"},
    {"numpy.random.binomial", NULL},
    {"numpy.random.beta", NULL},
    {"numpy.random.gamma", "tf.random.gamma"},
    {"numpy.random.poisson", "tf.random.poisson"},
    {"numpy.random.exponential", NULL},
    {"time.time", "tf.timestamp()"},
    {"time.perf_counter", "tf.timestamp()"},
    {"time.monotonic", "tf.timestamp()"},
    {"time.time_ns", "tf.timestamp()"},
    {"time.process_time", "tf.timestamp()"},
    {"datetime.datetime.now", "tf.timestamp()"},
    {"datetime.datetime.utcnow", "tf.timestamp()"},
    {"datetime.datetime.today", "tf.timestamp()"},
    {"uuid.uuid4", NULL},
    {"uuid.uuid1", NULL},
    {"os.urandom", NULL},
    {"secrets", NULL},
};


/* The standard library's logging module or absl's (`from absl import
 * logging`, as TF's own projects use): both write a record when called. */
static bool effects__logging_api(const char *dotted) {
  return an_dotted_has_prefix(dotted, "logging") || an_dotted_has_prefix(dotted, "absl.logging");
}
/* Arguments of print/logging calls are trace-time logging by intent. */
static bool effects__in_log_call(AnModel *m, const AnCall *c) {
  for (TSNode p = ts_node_parent(c->node); !ts_node_is_null(p); p = ts_node_parent(p)) {
    AnSym s = an_sym(m->lang, p);
    if (s == AN_SYM_argument_list) {
      TSNode call = ts_node_parent(p);
      const char *d = an_dotted(m, an_field(m->lang, call, AN_FIELD_function), c->ctx.func);
      return d && (strcmp(d, "builtins.print") == 0 || effects__logging_api(d));
    }
    if (s != AN_SYM_binary_operator && s != AN_SYM_parenthesized_expression && s != AN_SYM_unary_operator &&
        s != AN_SYM_keyword_argument && s != AN_SYM_call && s != AN_SYM_attribute)
      return false;
  }
  return false;
}

/* `t0 = time.perf_counter()` whose every later use is inside print/logging
 * arguments: a deliberate trace-time measurement. */
static bool effects__only_logged(AnModel *m, const AnCall *c) {
  TSNode assign = ts_node_parent(c->node);
  if (an_sym(m->lang, assign) != AN_SYM_assignment) return false;
  TSNode left = an_field(m->lang, assign, AN_FIELD_left);
  if (an_sym(m->lang, left) != AN_SYM_identifier || c->ctx.func < 0) return false;
  uint32_t len;
  const char *name = an_text(m->src, left, &len);
  bool used = false;
  AN_FOR_CALLS_OF(m, c->ctx.func, other) {
    if (!other->dotted) continue;
    bool log = strcmp(other->dotted, "builtins.print") == 0 || effects__logging_api(other->dotted);
    if (log && an_mentions(m, an_field(m->lang, other->node, AN_FIELD_arguments), name, len)) used = true;
  }
  if (!used) return false;
  /* Any mention outside logging calls makes it a real value. */
  TSNode body = an_field(m->lang, AN_FUNC(m, c->ctx.func)->node, AN_FIELD_body);
  bool only_logged = true;
  /* A cursor: ts_node_named_child(body, i) restarts from the first child. */
  TSTreeCursor cur = ts_tree_cursor_new(body);
  for (bool more = ts_tree_cursor_goto_first_child(&cur); more && only_logged;
       more = ts_tree_cursor_goto_next_sibling(&cur)) {
    TSNode stmt = ts_tree_cursor_current_node(&cur);
    if (!ts_node_is_named(stmt) || an_node_within(assign, stmt) || !an_mentions(m, stmt, name, len)) continue;
    TSNode e = ts_node_named_child_count(stmt) ? ts_node_named_child(stmt, 0) : stmt;
    const char *d = an_sym(m->lang, stmt) == AN_SYM_expression_statement && an_sym(m->lang, e) == AN_SYM_call
                        ? an_dotted(m, an_field(m->lang, e, AN_FIELD_function), c->ctx.func)
                        : NULL;
    if (!d || !(strcmp(d, "builtins.print") == 0 || effects__logging_api(d))) only_logged = false;
  }
  ts_tree_cursor_delete(&cur);
  return only_logged;
}

/* Mechanical rewrites for the argument shapes where the meaning is clear:
 * no-argument clocks and `random.random()`, and NumPy draws of one scalar
 * (`np.random.uniform(lo, hi)`). Intent-preserving (a fresh value per call)
 * but not stream-identical, so never part of fix-all. */
static void effects__nondeterminism_fix(AnModel *m, AnFinding *f, const AnCall *c) {
  const char *tf = an_tf_alias(m);
  if (!f || !tf) return;
  uint32_t argc = an_call_argc(m->lang, c->node);
  TSNode args = an_field(m->lang, c->node, AN_FIELD_arguments);
  bool kwargs = false;
  for (uint32_t i = 0; !ts_node_is_null(args) && i < ts_node_named_child_count(args); i++)
    if (an_sym(m->lang, ts_node_named_child(args, i)) != AN_SYM_comment && i >= argc) kwargs = true;
  if (kwargs) return;
  const char *text = NULL;
  const char *d = c->dotted;
  bool clock = strcmp(d, "time.time") == 0 || strcmp(d, "time.perf_counter") == 0 || strcmp(d, "time.monotonic") == 0;
  if (argc == 0 && clock) {
    text = an_arena_printf(&m->arena, "%s.timestamp()", tf);
  } else if (argc == 0 && strcmp(d, "random.random") == 0) {
    text = an_arena_printf(&m->arena, "%s.random.uniform([])", tf);
  } else if (argc == 2 && (strcmp(d, "numpy.random.uniform") == 0 || strcmp(d, "numpy.random.normal") == 0 ||
                           strcmp(d, "random.uniform") == 0 || strcmp(d, "random.gauss") == 0)) {
    bool normal = strcmp(d, "numpy.random.normal") == 0 || strcmp(d, "random.gauss") == 0;
    uint32_t l0, l1;
    const char *a0 = an_text(m->src, an_call_arg(m->lang, c->node, 0), &l0);
    const char *a1 = an_text(m->src, an_call_arg(m->lang, c->node, 1), &l1);
    text = an_arena_printf(&m->arena, "%s.random.%s([], %.*s, %.*s)", tf, normal ? "normal" : "uniform", (int)l0, a0,
                           (int)l1, a1);
  }
  if (!text) return;
  AnFix *fix = an_finding_fix(m, f, an_arena_printf(&m->arena, "Use %s (a new value on every call)", text), false);
  an_fix_edit(m, fix, ts_node_start_byte(c->node), ts_node_end_byte(c->node), text);
}

void an_check_HY205(AnModel *m) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (!c->dotted || !an_graph_code(m, &c->ctx)) continue;
    for (size_t k = 0; k < sizeof effects__nondeterministic / sizeof effects__nondeterministic[0]; k++) {
      if (!an_dotted_has_prefix(c->dotted, effects__nondeterministic[k].prefix)) continue;
      if (effects__in_log_call(m, c) || effects__only_logged(m, c)) break;
      const char *repl = effects__nondeterministic[k].replacement;
      /* An in-place shuffle returns nothing: what freezes is the order. */
      bool order = strcmp(c->dotted, "random.shuffle") == 0 || strcmp(c->dotted, "numpy.random.shuffle") == 0;
      AnFinding *f = an_emit_node(m, AN_RULE_PYTHON_NONDETERMINISM_FROZEN, c->node, c->ctx.func,
                                  "'%s' runs once while '%s' is traced%s%s%s",
                                  an_snippet(m, c->node), an_func_label(m, c->ctx.func),
                                  order ? ": the order it draws is fixed in the graph, and every call sees the "
                                          "same order"
                                        : " and becomes a constant: every call sees the same value",
                                  repl ? "; use " : "", repl ? repl : "");
      an_finding_related_chain(m, f, c->ctx.func);
      effects__nondeterminism_fix(m, f, c);
      break;
    }
  }
}

/* --- HY206 python-io-in-graph -------------------------------------------- */

static bool effects__log_method(const char *m) {
  static const char *const names[] = {"debug", "info", "warning", "warn", "error", "exception", "critical", "log", NULL};
  for (int i = 0; names[i]; i++)
    if (names[i][0] == m[0] && strcmp(m, names[i]) == 0) return true;
  return false;
}

/* The dotted name of the call that produced a name's (first) value:
 * `logger = logging.getLogger(...)` gives "logging.getLogger". */
static const char *effects__value_origin(AnModel *m, TSNode expr, int func) {
  expr = an_unparen(m->lang, expr);
  if (an_sym(m->lang, expr) == AN_SYM_call) return an_dotted(m, an_field(m->lang, expr, AN_FIELD_function), func);
  uint32_t len;
  const char *t = an_text(m->src, expr, &len);
  int b = -1;
  if (an_sym(m->lang, expr) == AN_SYM_identifier) {
    for (int f = func; b < 0 && f >= 0; f = AN_FUNC(m, f)->parent) b = an_hash_get(&m->binding_map, f, t, len);
    if (b < 0) b = an_hash_get(&m->binding_map, AN_SCOPE_MODULE, t, len);
    if (b < 0) return NULL;
    TSNode v = an_unparen(m->lang, AN_VEC_AT(m->bindings, AnBinding, b).value);
    if (an_sym(m->lang, v) != AN_SYM_call) return NULL;
    int scope = AN_VEC_AT(m->bindings, AnBinding, b).scope;
    return an_dotted(m, an_field(m->lang, v, AN_FIELD_function), scope >= 0 ? scope : -1);
  }
  if (an_sym(m->lang, expr) == AN_SYM_attribute) {
    TSNode obj = an_field(m->lang, expr, AN_FIELD_object), attr = an_field(m->lang, expr, AN_FIELD_attribute);
    if (!an_text_eq(m->src, obj, "self")) return NULL;
    int cls = -1;
    for (int f = func; f >= 0 && cls < 0; f = AN_FUNC(m, f)->parent) cls = AN_FUNC(m, f)->cls;
    if (cls < 0) return NULL;
    t = an_text(m->src, attr, &len);
    int a = an_hash_get(&m->attr_map, cls, t, len);
    if (a < 0) return NULL;
    AnAttrBinding *ab = &AN_VEC_AT(m->attrs, AnAttrBinding, a);
    TSNode v = an_unparen(m->lang, ab->value);
    if (an_sym(m->lang, v) != AN_SYM_call) return NULL;
    return an_dotted(m, an_field(m->lang, v, AN_FIELD_function), ab->func);
  }
  return NULL;
}

static const char *const effects__io_calls[] = {
    "builtins.open", "builtins.input", "warnings.warn", "sys.stdout.write", "sys.stderr.write",
    "sys.stdout.flush", "json.dump", "pickle.dump", "numpy.save", "numpy.savetxt", "numpy.savez",
    "wandb.log", "mlflow.log_metric", "mlflow.log_metrics", "mlflow.log_param", "mlflow.log_params",
    "tensorflow.io.gfile.GFile", "shutil", "os.makedirs", "os.remove", NULL,
};

/* The methods effects__is_io may report: the others need not look for the
 * origin of the object (the costly part). */
static bool effects__io_method(const char *m) {
  static const char *const names[] = {"write", "writelines", "write_text", "write_bytes", "mkdir", "touch", "unlink",
                                      "rename", "update", "set_description", "set_postfix", "refresh", NULL};
  for (int i = 0; names[i]; i++)
    if (names[i][0] == m[0] && strcmp(m, names[i]) == 0) return true;
  return effects__log_method(m);
}

static bool effects__is_io(AnModel *m, const AnCall *c) {
  if (c->dotted) {
    if (effects__logging_api(c->dotted)) return true;
    for (int i = 0; effects__io_calls[i]; i++)
      if (effects__io_calls[i][0] == c->dotted[0] && an_dotted_has_prefix(c->dotted, effects__io_calls[i])) return true;
  }
  if (!c->method || ts_node_is_null(c->object) || !effects__io_method(c->method)) return false;
  const char *origin = effects__value_origin(m, c->object, c->ctx.func);
  if (!origin) return false;
  /* The logging methods are in none of the lists below. */
  if (effects__log_method(c->method)) return effects__logging_api(origin);
  if ((strcmp(c->method, "write") == 0 || strcmp(c->method, "writelines") == 0) &&
      (strcmp(origin, "builtins.open") == 0 || strcmp(origin, "tensorflow.io.gfile.GFile") == 0))
    return true;
  static const char *const path_writes[] = {"write_text", "write_bytes", "mkdir", "touch", "unlink", "rename", NULL};
  if (an_dotted_has_prefix(origin, "pathlib.Path"))
    for (int i = 0; path_writes[i]; i++)
      if (strcmp(c->method, path_writes[i]) == 0) return true;
  static const char *const bar_updates[] = {"update", "set_description", "set_postfix", "write", "refresh", NULL};
  if (an_dotted_has_prefix(origin, "tqdm"))
    for (int i = 0; bar_updates[i]; i++)
      if (strcmp(c->method, bar_updates[i]) == 0) return true;
  return false;
}

bool an_is_python_io_call(AnModel *m, const AnCall *c) { return effects__is_io(m, c); }

/* An I/O call (effects__is_io) that writes a log record, not a file. */
static bool effects__log_call(AnModel *m, const AnCall *c) {
  if (c->dotted && effects__logging_api(c->dotted)) return true;
  return c->method && effects__log_method(c->method) && !ts_node_is_null(c->object);
}

bool an_call_is_trace_log(AnModel *m, const AnCall *c) { return effects__trace_log(m, c); }

void an_check_HY206(AnModel *m) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (!an_graph_code(m, &c->ctx) || !effects__is_io(m, c)) continue;
    AnFinding *f = an_emit_node(m, AN_RULE_PYTHON_IO_IN_GRAPH, c->node, c->ctx.func,
                                "'%s' runs only while '%s' is being traced, not on every call; return the "
                                "values and log them in the eager caller, or use tf.summary / tf.print",
                                an_snippet(m, c->node), an_func_label(m, c->ctx.func));
    an_finding_related_chain(m, f, c->ctx.func);
    /* As for print (HY201): a log of Python values about tracing is a
     * deliberate trace-time message. */
    if (f && effects__log_call(m, c) && effects__trace_log(m, c)) f->severity = AN_SEV_HINT;
  }
}

/* --- HY214 executing-eagerly-branch -------------------------------------- */

void an_check_HY214(AnModel *m) {
  /* TF1 graph mode: False everywhere, even under run_functions_eagerly, so
   * the branches cannot diverge. */
  if (m->v1_graph_mode) return;
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (!an_call_is(c, "tensorflow.executing_eagerly") || !an_in_graph(m, c->ctx.func)) continue;
    if (!an_in_condition(m, c->node)) continue;
    AnFinding *f = an_emit_node(m, AN_RULE_EXECUTING_EAGERLY_BRANCH, c->node, c->ctx.func,
                                "tf.executing_eagerly() is False while '%s' is traced, so only the graph branch "
                                "is ever built; under run_functions_eagerly(True) only the other branch runs",
                                an_func_label(m, c->ctx.func));
    an_finding_related_chain(m, f, c->ctx.func);
  }
}

/* --- HY502 debugger-in-graph --------------------------------------------- */

static bool effects__is_debugger(const AnCall *c) {
  return an_call_is(c, "builtins.breakpoint") || an_call_is(c, "pdb.set_trace") || an_call_is(c, "ipdb.set_trace") ||
         an_call_is(c, "pudb.set_trace") || an_call_is(c, "pdb.post_mortem");
}

void an_check_HY502(AnModel *m) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (!effects__is_debugger(c) || !an_graph_code(m, &c->ctx)) continue;
    /* A breakpoint left under `if False:` is switched off, not misplaced. */
    if (an_statically_dead(m, c->node, c->ctx.func)) continue;
    AnFinding *f = an_emit_node(m, AN_RULE_DEBUGGER_IN_GRAPH, c->node, c->ctx.func,
                                "'%s' stops only while '%s' is being traced, inside AutoGraph-generated code, "
                                "not on each call; debug with tf.config.run_functions_eagerly(True) or tf.print",
                                an_snippet(m, c->node), an_func_label(m, c->ctx.func));
    an_finding_related_chain(m, f, c->ctx.func);
    an_remove_statement_fix(m, f, c->node, "Remove the breakpoint", true);
  }
}
