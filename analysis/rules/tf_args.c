/* tf.function's arguments as written at the decorator or call: HY307
 * misused arguments (unknown keywords, a non-callable where `func` goes, a
 * class) and HY304 a malformed input_signature. Only literal, syntactically
 * certain cases fire: a name is followed only to a module constant whose
 * value is exact (an_module_constant), never to anything bound elsewhere. */
#include <string.h>

#include "analysis/rules/rules.h"

/* Every keyword tf.function accepts in some TensorFlow 2.x release; the last
 * three are deprecated (HY305 reports them). */
static const struct {
  const char *name, *replacement;
} tfargs__keywords[] = {
    {"func", NULL},
    {"input_signature", NULL},
    {"autograph", NULL},
    {"jit_compile", NULL},
    {"reduce_retracing", NULL},
    {"experimental_implements", NULL},
    {"experimental_autograph_options", NULL},
    {"experimental_attributes", NULL},
    {"experimental_relax_shapes", "reduce_retracing"},
    {"experimental_compile", "jit_compile"},
    {"experimental_follow_type_hints", ""},
};
#define TFARGS_NKW (sizeof tfargs__keywords / sizeof tfargs__keywords[0])
#define TFARGS_DEPRECATED_FROM 8 /* index of the first deprecated keyword */

/* --- edit distance ------------------------------------------------------- */

#define TFARGS_MAXLEN 64

static uint32_t tfargs__min3(uint32_t a, uint32_t b, uint32_t c) {
  uint32_t m = a < b ? a : b;
  return m < c ? m : c;
}

/* Levenshtein distance; names longer than TFARGS_MAXLEN are never close. */
static uint32_t tfargs__distance(const char *a, size_t la, const char *b, size_t lb) {
  if (la > TFARGS_MAXLEN || lb > TFARGS_MAXLEN) return UINT32_MAX;
  uint32_t prev[TFARGS_MAXLEN + 1], cur[TFARGS_MAXLEN + 1];
  for (size_t j = 0; j <= lb; j++) prev[j] = (uint32_t)j;
  for (size_t i = 1; i <= la; i++) {
    cur[0] = (uint32_t)i;
    for (size_t j = 1; j <= lb; j++)
      cur[j] = tfargs__min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]));
    memcpy(prev, cur, (lb + 1) * sizeof prev[0]);
  }
  return prev[lb];
}

static bool tfargs__contains(const char *hay, size_t lh, const char *needle, size_t ln) {
  if (ln < 3 || ln > lh) return false;
  for (size_t i = 0; i + ln <= lh; i++)
    if (memcmp(hay + i, needle, ln) == 0) return true;
  return false;
}

/* Candidates for a misspelled keyword, best first: a keyword that contains
 * the name or is contained in it (`jit` -> jit_compile, `input_signatures`
 * -> input_signature) beats plain edit distance, which would pair `jit`
 * with `func`; among those the smallest distance wins. Plain edit distance
 * must stay small relative to the name. Writes the indexes of all tied best
 * keywords to `out` and returns how many (0: nothing close). */
static uint32_t tfargs__closest(const char *name, size_t len, uint32_t out[TFARGS_NKW]) {
  uint32_t best = UINT32_MAX, n = 0;
  for (int pass = 0; pass < 2 && n == 0; pass++) {
    uint32_t limit = pass == 0 ? UINT32_MAX : len <= 4 ? 1 : len <= 8 ? 2 : 3;
    for (uint32_t k = 0; k < TFARGS_NKW; k++) {
      const char *kw = tfargs__keywords[k].name;
      size_t kl = strlen(kw);
      if (pass == 0 && !tfargs__contains(kw, kl, name, len) && !tfargs__contains(name, len, kw, kl)) continue;
      uint32_t d = tfargs__distance(name, len, kw, kl);
      if (d > limit || d > best) continue;
      if (d < best) n = 0;
      best = d;
      out[n++] = k;
    }
  }
  return n;
}

/* --- shared helpers ------------------------------------------------------ */

/* The argument_list child that comes first, skipping comments. */
static TSNode tfargs__first_arg(AnModel *m, TSNode call) {
  TSNode args = an_field(m->lang, call, AN_FIELD_arguments);
  uint32_t n = ts_node_is_null(args) ? 0 : ts_node_named_child_count(args);
  for (uint32_t i = 0; i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    if (an_sym(m->lang, a) != AN_SYM_comment) return a;
  }
  return (TSNode){{0}, NULL, NULL};
}

/* Name of what a tf.function(...) call wraps, for messages: the decorated
 * definition, else the first argument's text. */
static const char *tfargs__target(AnModel *m, TSNode call) {
  TSNode d = ts_node_parent(call);
  if (an_sym(m->lang, d) == AN_SYM_decorator) {
    TSNode def = an_field(m->lang, ts_node_parent(d), AN_FIELD_definition);
    TSNode name = an_field(m->lang, def, AN_FIELD_name);
    if (!ts_node_is_null(name)) return an_snippet(m, name);
  }
  TSNode first = tfargs__first_arg(m, call);
  AnSym s = an_sym(m->lang, first);
  if (s == AN_SYM_identifier || s == AN_SYM_attribute) return an_snippet(m, first);
  return "the function";
}

static bool tfargs__ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The last component of a dotted name. */
static const char *tfargs__last(const char *dotted) {
  const char *dot = strrchr(dotted, '.');
  return dot ? dot + 1 : dotted;
}

/* A TensorFlow call that builds a TypeSpec: tf.TensorSpec(...),
 * tf.RaggedTensorSpec(...), tf.TensorSpec.from_tensor(...), ... */
static bool tfargs__is_spec_call(AnModel *m, TSNode n, int func) {
  if (an_sym(m->lang, n) != AN_SYM_call) return false;
  const char *d = an_dotted(m, an_field(m->lang, n, AN_FIELD_function), func);
  if (!d || !an_dotted_has_prefix(d, "tensorflow")) return false;
  if (tfargs__ends_with(d, "Spec") || strcmp(d, "tensorflow.type_spec_from_value") == 0) return true;
  const char *last = tfargs__last(d);
  if (strcmp(last, "from_tensor") != 0 && strcmp(last, "from_spec") != 0) return false;
  size_t owner = (size_t)(last - 1 - d);
  return owner >= 4 && strncmp(d + owner - 4, "Spec", 4) == 0;
}

static bool tfargs__is_variable_spec(AnModel *m, TSNode n, int func) {
  if (an_sym(m->lang, n) != AN_SYM_call) return false;
  const char *d = an_dotted(m, an_field(m->lang, n, AN_FIELD_function), func);
  return d && an_dotted_has_prefix(d, "tensorflow") && strcmp(tfargs__last(d), "VariableSpec") == 0;
}

/* Literals that are plain values (never callable, never a spec). */
static bool tfargs__is_plain_literal(AnModel *m, TSNode n) {
  switch (an_sym(m->lang, n)) {
  case AN_SYM_integer:
  case AN_SYM_float:
  case AN_SYM_string:
  case AN_SYM_concatenated_string:
  case AN_SYM_true:
  case AN_SYM_false:
    return true;
  case AN_SYM_unary_operator: {
    AnSym a = an_sym(m->lang, an_field(m->lang, n, AN_FIELD_argument));
    return a == AN_SYM_integer || a == AN_SYM_float;
  }
  default:
    return false;
  }
}

/* --- HY307 tf-function-arg-misuse ----------------------------------------- */

static bool tfargs__call_has_keyword(AnModel *m, TSNode call, const char *name) {
  return !ts_node_is_null(an_call_kwarg(m->lang, m->src, call, name));
}

static void tfargs__unknown_keyword(AnModel *m, const AnCall *c, TSNode kw) {
  TSNode name = an_field(m->lang, kw, AN_FIELD_name);
  uint32_t len;
  const char *t = an_text(m->src, name, &len);
  for (uint32_t k = 0; k < TFARGS_NKW; k++)
    if (strlen(tfargs__keywords[k].name) == len && memcmp(tfargs__keywords[k].name, t, len) == 0) return;
  uint32_t close[TFARGS_NKW];
  uint32_t n = tfargs__closest(t, len, close);
  AnBuf hint = {0};
  for (uint32_t i = 0; i < n; i++) {
    uint32_t k = close[i];
    an_buf_printf(&m->arena, &hint, "%s'%s'", i == 0 ? "; did you mean " : i + 1 == n ? " or " : ", ",
                  tfargs__keywords[k].name);
    const char *repl = tfargs__keywords[k].replacement;
    if (repl && *repl) an_buf_printf(&m->arena, &hint, " (deprecated; %s in recent TensorFlow)", repl);
    else if (repl) an_buf_puts(&m->arena, &hint, " (deprecated)");
  }
  if (n) an_buf_puts(&m->arena, &hint, "?");
  AnFinding *f = an_emit_node(m, AN_RULE_TF_FUNCTION_ARG_MISUSE, name, c->ctx.func,
                              "tf.function has no argument '%.*s'%s (TypeError: function() got an unexpected "
                              "keyword argument '%.*s')",
                              (int)len, t, n ? an_buf_str(&m->arena, &hint) : "", (int)len, t);
  if (!f || n != 1) return;
  const char *to = tfargs__keywords[close[0]].name;
  if (tfargs__call_has_keyword(m, c->node, to)) return; /* the rename would repeat a keyword */
  /* A unique match fixes a call that raised; renaming into a deprecated
   * keyword trades the error for HY305's warning, so that one is only
   * offered. */
  AnFix *fix = an_finding_fix(m, f, an_arena_printf(&m->arena, "Rename to %s", to),
                              close[0] < TFARGS_DEPRECATED_FROM);
  an_fix_edit(m, fix, ts_node_start_byte(name), ts_node_end_byte(name), to);
}

/* `@tf.function([spec])`: the specs are taken as `func`. */
static void tfargs__func_not_callable(AnModel *m, const AnCall *c) {
  TSNode first = tfargs__first_arg(m, c->node);
  TSNode v = an_unparen(m->lang, first);
  AnSym s = an_sym(m->lang, v);
  bool specs = s == AN_SYM_list || s == AN_SYM_tuple;
  bool one_spec = tfargs__is_spec_call(m, v, c->ctx.func);
  bool literal = specs || one_spec || tfargs__is_plain_literal(m, v) || s == AN_SYM_dictionary || s == AN_SYM_set ||
                 s == AN_SYM_list_comprehension || s == AN_SYM_set_comprehension ||
                 s == AN_SYM_dictionary_comprehension;
  if (!literal) return;
  const char *what = specs ? "this list" : one_spec ? "this spec" : "this value";
  if (s == AN_SYM_tuple) what = "this tuple";
  AnFinding *f = an_emit_node(
      m, AN_RULE_TF_FUNCTION_ARG_MISUSE, first, c->ctx.func,
      "tf.function's first positional argument is the function to wrap (func), so %s is taken as the function, not "
      "as %s; it is not callable (TypeError when tf.function(...) runs)%s",
      what, specs || one_spec ? "the input_signature" : "an option",
      specs || one_spec ? ": pass it as input_signature=..." : ": pass options by keyword");
  if (!f || !(specs || one_spec)) return;
  /* Only when nothing positional follows (a keyword before a positional
   * argument is a syntax error) and input_signature is not given too. */
  if (an_call_argc(m->lang, c->node) != 1 || tfargs__call_has_keyword(m, c->node, "input_signature")) return;
  AnFix *fix = an_finding_fix(m, f, "Pass it as input_signature", true);
  if (one_spec) {
    an_fix_edit(m, fix, ts_node_start_byte(first), ts_node_start_byte(first), "input_signature=[");
    an_fix_edit(m, fix, ts_node_end_byte(first), ts_node_end_byte(first), "]");
  } else {
    an_fix_edit(m, fix, ts_node_start_byte(first), ts_node_start_byte(first), "input_signature=");
  }
}

/* A class whose instances tf.function can return (an ExtensionType), or whose
 * construction a metaclass controls: not certain enough. */
static bool tfargs__class_exempt(AnModel *m, const AnClass *k) {
  if (ts_node_is_null(k->superclasses)) return false;
  uint32_t n = ts_node_named_child_count(k->superclasses);
  for (uint32_t i = 0; i < n; i++) {
    TSNode b = ts_node_named_child(k->superclasses, i);
    if (an_sym(m->lang, b) == AN_SYM_keyword_argument) return true;
    uint32_t len;
    const char *t = an_text(m->src, b, &len);
    for (uint32_t j = 0; j + 13 <= len; j++)
      if (memcmp(t + j, "ExtensionType", 13) == 0 || memcmp(t + j, "CompositeTens", 13) == 0) return true;
  }
  return false;
}

static void tfargs__class_finding(AnModel *m, TSNode at, int func, const AnClass *k) {
  an_emit_node(m, AN_RULE_TF_FUNCTION_ARG_MISUSE, at, func,
               "tf.function is applied to class '%s': it wraps the constructor, not the methods, so the methods "
               "still run eagerly, and calling '%s(...)' traces __init__ and has to return the instance, which is "
               "not a tensor (TypeError on the first call); decorate the methods instead",
               k->name, k->name);
}

/* `@tf.function` / `@tf.function(...)` on a class definition. */
static void tfargs__decorated_class(AnModel *m, int ci) {
  AnClass *k = AN_CLASS(m, ci);
  TSNode outer = ts_node_parent(k->node);
  if (an_sym(m->lang, outer) != AN_SYM_decorated_definition || tfargs__class_exempt(m, k)) return;
  uint32_t n = ts_node_named_child_count(outer);
  for (uint32_t i = 0; i < n; i++) {
    TSNode d = ts_node_named_child(outer, i);
    if (an_sym(m->lang, d) != AN_SYM_decorator || !ts_node_named_child_count(d)) continue;
    TSNode e = an_unparen(m->lang, ts_node_named_child(d, 0));
    TSNode callee = an_sym(m->lang, e) == AN_SYM_call ? an_field(m->lang, e, AN_FIELD_function) : e;
    const char *dotted = an_dotted(m, callee, k->parent_func);
    if (dotted && strcmp(dotted, "tensorflow.function") == 0) tfargs__class_finding(m, e, k->parent_func, k);
  }
}

/* The class a bare name refers to from `func`: a class statement of an
 * enclosing scope that nothing else in that scope rebinds; -1 otherwise. */
static int tfargs__class_named(AnModel *m, TSNode id, int func) {
  uint32_t len;
  const char *t = an_text(m->src, id, &len);
  for (int f = func;; f = AN_FUNC(m, f)->parent) {
    if (an_hash_get(&m->binding_map, f, t, len) >= 0 || an_hash_get(&m->func_map, f, t, len) >= 0) return -1;
    if (f < 0 && an_hash_get(&m->import_map, -1, t, len) >= 0) return -1;
    int cls = an_hash_get(&m->class_map, f, t, len);
    if (cls >= 0) return f < 0 && an_hash_get(&m->module_names, -1, t, len) != -2 ? -1 : cls;
    if (f < 0) return -1;
    AnFunc *fn = AN_FUNC(m, f);
    for (uint32_t i = 0; i < fn->param_count; i++)
      if (strlen(fn->params[i].name) == len && memcmp(fn->params[i].name, t, len) == 0) return -1;
  }
}

/* `tf.function(SomeClass)`. */
static void tfargs__wrapped_class(AnModel *m, const AnCall *c) {
  TSNode first = tfargs__first_arg(m, c->node);
  if (an_sym(m->lang, first) != AN_SYM_identifier) return;
  int ci = tfargs__class_named(m, first, c->ctx.func);
  if (ci < 0 || tfargs__class_exempt(m, AN_CLASS(m, ci))) return;
  tfargs__class_finding(m, c->node, c->ctx.func, AN_CLASS(m, ci));
}

void an_check_HY307(AnModel *m) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (!an_call_is(c, "tensorflow.function")) continue;
    an_each_keyword(m, c, tfargs__unknown_keyword);
    tfargs__func_not_callable(m, c);
    /* A class decorated with `@tf.function(...)` is reported below. */
    TSNode d = ts_node_parent(c->node);
    if (an_sym(m->lang, d) != AN_SYM_decorator) tfargs__wrapped_class(m, c);
  }
  for (uint32_t i = 0; i < m->classes.count; i++) tfargs__decorated_class(m, (int)i);
}

/* --- HY304 input-signature-malformed ------------------------------------- */

static const char *const tfargs__dtypes[] = {
    "float16", "float32", "float64", "bfloat16", "half", "double", "int8", "int16", "int32", "int64",
    "uint8", "uint16", "uint32", "uint64", "bool", "bool_", "string", "complex64", "complex128",
    "qint8", "qint16", "qint32", "quint8", "quint16", "resource", "variant", NULL,
};

/* tf.float32, tf.dtypes.int64, np.float32, or a Python type. */
static bool tfargs__is_dtype(const char *d) {
  static const char *const owners[] = {"tensorflow.dtypes.", "tensorflow.", "numpy.", NULL};
  if (strcmp(d, "builtins.int") == 0 || strcmp(d, "builtins.float") == 0 || strcmp(d, "builtins.bool") == 0 ||
      strcmp(d, "builtins.str") == 0)
    return true;
  for (int o = 0; owners[o]; o++) {
    size_t n = strlen(owners[o]);
    if (strncmp(d, owners[o], n) != 0) continue;
    for (int i = 0; tfargs__dtypes[i]; i++)
      if (strcmp(d + n, tfargs__dtypes[i]) == 0) return true;
  }
  return false;
}

/* `[None, 28, 28]`: a shape written where a spec belongs (at least one
 * dimension, so `[None]` reads as a None entry, not as a shape). */
static bool tfargs__shape_like(AnModel *m, TSNode n) {
  AnSym s = an_sym(m->lang, n);
  if (s != AN_SYM_list && s != AN_SYM_tuple) return false;
  uint32_t count = ts_node_named_child_count(n), dims = 0;
  for (uint32_t i = 0; i < count; i++) {
    TSNode e = ts_node_named_child(n, i);
    AnSym es = an_sym(m->lang, e);
    if (es == AN_SYM_comment || es == AN_SYM_none) continue;
    if (es != AN_SYM_integer) return false;
    dims++;
  }
  return dims > 0;
}

/* What a non-spec entry is, for the message; NULL when it may be a spec (or
 * a structure of specs) or is unknown. */
static const char *tfargs__non_spec(AnModel *m, TSNode e, int func) {
  AnSym s = an_sym(m->lang, e);
  if (s == AN_SYM_none) return "None";
  if (tfargs__is_plain_literal(m, e)) return "a Python literal";
  if (tfargs__shape_like(m, e)) return "a shape";
  if (s == AN_SYM_attribute || s == AN_SYM_identifier) {
    const char *d = an_dotted(m, e, func);
    return d && tfargs__is_dtype(d) ? "a dtype" : NULL;
  }
  if (s != AN_SYM_call) return NULL;
  const char *d = an_dotted(m, an_field(m->lang, e, AN_FIELD_function), func);
  if (!d || !an_dotted_has_prefix(d, "tensorflow") || tfargs__is_spec_call(m, e, func)) return NULL;
  if (strcmp(d, "tensorflow.TensorShape") == 0) return "a shape";
  if (strcmp(d, "tensorflow.as_dtype") == 0 || strcmp(d, "tensorflow.dtypes.as_dtype") == 0 ||
      strcmp(d, "tensorflow.dtypes.DType") == 0 || strcmp(d, "tensorflow.DType") == 0)
    return "a dtype";
  AnKind k = an_api_kind(d);
  if (k == AN_KIND_VARIABLE) return "a variable";
  if (k == AN_KIND_TENSOR) return "a tensor";
  return NULL;
}

/* The function a signature belongs to, for messages, and the name in its
 * tf.function call when the signature is a module constant's value: the
 * finding is then reported at that name, one per function, with the part
 * of the constant at fault as related information. */
typedef struct SigUser {
  const char *target;
  TSNode ref;
  int func; /* where the tf.function call is, for the finding */
} SigUser;

/* Entries are checked twice: by HY304 to report them (`user` set), and
 * by HY301 to stay quiet on a signature TensorFlow rejects before counting
 * it (`user` NULL: nothing is emitted). Returns the problems found. */
static uint32_t tfargs__entries(AnModel *m, TSNode seq, int func, const SigUser *user, int depth);

static uint32_t tfargs__entry(AnModel *m, TSNode raw, int func, const SigUser *user, int depth) {
  /* `SIG = (IMAGE, LABEL)`: an entry naming a module constant is what the
   * constant holds, read in the module's scope. */
  TSNode e = an_constant_value(m, raw, func);
  if (!ts_node_eq(e, an_unparen(m->lang, raw))) func = AN_SCOPE_MODULE;
  AnSym s = an_sym(m->lang, e);
  if (tfargs__is_variable_spec(m, e, func)) {
    if (!user) return 1;
    AnFinding *f = an_emit_node(m, AN_RULE_INPUT_SIGNATURE_MALFORMED, an_signature_site(user->ref, raw), user->func,
                                "The input_signature of '%s' contains a tf.VariableSpec, which tf.function rejects "
                                "(TypeError: input_signature doesn't support VariableSpec); describe the value with "
                                "a tf.TensorSpec",
                                user->target);
    an_signature_related(m, f, user->ref, user->target, raw);
    return 1;
  }
  const char *what = tfargs__non_spec(m, e, func);
  if (what) {
    bool none = strcmp(what, "None") == 0;
    if (!user) return 1;
    AnFinding *f = an_emit_node(
        m, AN_RULE_INPUT_SIGNATURE_MALFORMED, an_signature_site(user->ref, raw), user->func,
        "'%s' in the input_signature of '%s' is %s%snot a TensorSpec%s (TypeError when tf.function is applied: "
        "entries must be tf.TensorSpecs or nested lists, tuples or dicts of them)",
        an_snippet(m, e), user->target, none ? "" : what, none ? "" : ", ",
        strcmp(what, "a shape") == 0 || strcmp(what, "a dtype") == 0 ? ": write tf.TensorSpec(shape=..., dtype=...)"
        : none                                                       ? " (None does not mean 'any value')"
                                                                     : "");
    an_signature_related(m, f, user->ref, user->target, raw);
    return 1;
  }
  if (depth >= 8) return 0;
  if (s == AN_SYM_list || s == AN_SYM_tuple) return tfargs__entries(m, e, func, user, depth + 1);
  uint32_t bad = 0;
  if (s == AN_SYM_dictionary) {
    uint32_t n = ts_node_named_child_count(e);
    for (uint32_t i = 0; i < n; i++) {
      TSNode p = ts_node_named_child(e, i);
      if (an_sym(m->lang, p) == AN_SYM_pair)
        bad += tfargs__entry(m, an_field(m->lang, p, AN_FIELD_value), func, user, depth + 1);
    }
  }
  return bad;
}

static uint32_t tfargs__entries(AnModel *m, TSNode seq, int func, const SigUser *user, int depth) {
  uint32_t n = ts_node_named_child_count(seq), bad = 0;
  for (uint32_t i = 0; i < n; i++) {
    TSNode e = ts_node_named_child(seq, i);
    AnSym s = an_sym(m->lang, e);
    if (s == AN_SYM_comment || s == AN_SYM_list_splat) continue;
    bad += tfargs__entry(m, e, func, user, depth);
  }
  return bad;
}

bool an_signature_malformed(AnModel *m, TSNode sig, int func) {
  TSNode v = an_unparen(m->lang, sig);
  AnSym s = an_sym(m->lang, v);
  if (s != AN_SYM_list && s != AN_SYM_tuple) return false;
  return tfargs__shape_like(m, v) || tfargs__entries(m, v, func, NULL, 0) > 0;
}

/* input_signature given as something other than a list or tuple. `at` is
 * the value (the constant's, when `user->ref` names one), `raw` the
 * argument as written in the call. */
static void tfargs__not_sequence(AnModel *m, TSNode raw, TSNode at, TSNode v, int func, const SigUser *user) {
  bool spec = tfargs__is_spec_call(m, v, func) || tfargs__is_variable_spec(m, v, func);
  bool paren = an_sym(m->lang, at) == AN_SYM_parenthesized_expression;
  AnFinding *f = an_emit_node(
      m, AN_RULE_INPUT_SIGNATURE_MALFORMED, raw, user->func,
      "The input_signature of '%s' is %s, not a list or tuple of specs%s (TypeError: input_signature must be "
      "either a tuple or a list)",
      user->target, spec ? "a single spec" : "a plain value",
      paren ? " (parentheses without a comma do not make a tuple)" : "");
  an_signature_related(m, f, user->ref, user->target, at);
  if (!f || !spec || tfargs__is_variable_spec(m, v, func)) return;
  /* One spec for one parameter is what the code means; HY301 still checks
   * the count afterwards. The list goes round the name in the call, not
   * round the constant, which other code may read as a single spec. */
  AnFix *fix = an_finding_fix(m, f, "Wrap the spec in a list", true);
  an_fix_edit(m, fix, ts_node_start_byte(raw), ts_node_start_byte(raw), "[");
  an_fix_edit(m, fix, ts_node_end_byte(raw), ts_node_end_byte(raw), "]");
}

static void tfargs__signature(AnModel *m, const AnCall *c) {
  TSNode raw = an_call_kwarg(m->lang, m->src, c->node, "input_signature");
  /* tf.function(f, input_signature, ...) positional form. */
  if (ts_node_is_null(raw) && an_call_argc(m->lang, c->node) >= 2) raw = an_call_arg(m->lang, c->node, 1);
  if (ts_node_is_null(raw)) return;
  int func = c->ctx.func;
  SigUser user = {tfargs__target(m, c->node), {{0}, NULL, NULL}, func};
  TSNode at = raw, v = an_constant_value(m, raw, func);
  if (!ts_node_eq(v, an_unparen(m->lang, raw))) {
    user.ref = raw;
    at = v;
    func = AN_SCOPE_MODULE; /* the constant's value is read in the module */
  }
  AnSym s = an_sym(m->lang, v);
  if (s == AN_SYM_list || s == AN_SYM_tuple) {
    if (tfargs__shape_like(m, v)) {
      AnFinding *f = an_emit_node(m, AN_RULE_INPUT_SIGNATURE_MALFORMED, raw, user.func,
                                  "The input_signature of '%s' is a shape, not a list of specs; write "
                                  "[tf.TensorSpec(shape=%s, dtype=...)] (TypeError when tf.function is applied)",
                                  user.target, an_snippet(m, v));
      an_signature_related(m, f, user.ref, user.target, at);
    } else {
      tfargs__entries(m, v, func, &user, 0);
    }
    return;
  }
  if (tfargs__is_spec_call(m, v, func) || tfargs__is_variable_spec(m, v, func) || tfargs__is_plain_literal(m, v) ||
      s == AN_SYM_dictionary || s == AN_SYM_set)
    tfargs__not_sequence(m, raw, at, v, func, &user);
}

void an_check_HY304(AnModel *m) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (an_call_is(c, "tensorflow.function")) tfargs__signature(m, c);
  }
}
