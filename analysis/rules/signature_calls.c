/* Calls of a tf.function that has a literal input_signature (in the call or
 * in an exact module constant, see an_module_constant), checked against
 * that signature: HY302 values passed for parameters the signature does not
 * cover (TensorFlow fixes them to their default) and HY303 arguments that
 * contradict a declared TensorSpec.
 *
 * TensorFlow binds every call to the signature's FunctionType
 * (function_type.add_type_constraints): covered parameters get their
 * TensorSpec, uncovered ones the trace type of their default value (a
 * literal type that only accepts an equal value), and **kwargs is dropped.
 * Python values are converted to the spec's dtype; tensors are never cast.
 * Only calls that provably go through the wrapper are checked, and only
 * literal arguments or arguments whose dtype and shape the refactoring
 * machinery (AnTensorSpec) proves. */
#include <stdlib.h>
#include <string.h>

#include "analysis/features.h"
#include "analysis/rules/rules.h"

#define SIG_MAX 32

typedef struct SigFn {
  int fi;
  TSNode entries[SIG_MAX]; /* the signature's entries, one per covered parameter */
  int n;
  bool varargs, kwargs;
  /* Called as `layer(x)`: Keras' __call__ runs the method and may cast or
   * convert the inputs first, so only HY302's parameters are checked. */
  bool via_keras;
} SigFn;

/* --- which functions and calls ------------------------------------------- */

/* Only tf.function itself may wrap the definition: another decorator can
 * change the signature tf.function sees (a wrapper taking *args). */
static bool sig__only_tf_decorator(AnModel *m, const AnFunc *f) {
  if (f->via != AN_VIA_DECORATOR) return true;
  uint32_t n = ts_node_named_child_count(f->outer), decorators = 0;
  for (uint32_t i = 0; i < n; i++)
    if (an_sym(m->lang, ts_node_named_child(f->outer, i)) == AN_SYM_decorator) decorators++;
  return decorators == 1;
}

/* A function whose literal signature TensorFlow accepts as it is: HY301 and
 * HY304 report the others, and the binding below would not happen. */
static bool sig__prepare(AnModel *m, int fi, SigFn *s) {
  AnFunc *f = AN_FUNC(m, fi);
  if ((f->via != AN_VIA_DECORATOR && f->via != AN_VIA_CALL) || ts_node_is_null(f->tf.input_signature)) return false;
  if (!sig__only_tf_decorator(m, f)) return false;
  TSNode sig = an_unparen(m->lang, f->tf.input_signature);
  int n = an_signature_entries(m, sig, s->entries, SIG_MAX);
  if (n < 0 || n > SIG_MAX || an_signature_malformed(m, sig, an_func_at(m, sig))) return false;
  s->fi = fi;
  s->n = n;
  s->varargs = s->kwargs = s->via_keras = false;
  int positional = 0;
  for (uint32_t p = 0; p < f->param_count; p++) {
    AnParam *pa = &f->params[p];
    if (pa->is_self) continue;
    if (pa->star) s->varargs = true;
    else if (pa->dstar) s->kwargs = true;
    else if (pa->kwonly) {
      if (ts_node_is_null(pa->default_value)) return false;
    } else if (positional++ >= n && ts_node_is_null(pa->default_value)) {
      return false;
    }
  }
  return n <= positional || s->varargs;
}

/* The one binding of `name` visible from `func` when it is exactly `value`
 * (`g = tf.function(f, input_signature=...)`). */
static bool sig__name_bound_to(AnModel *m, TSNode id, int func, TSNode value) {
  int scope;
  TSNode v = an_single_value(m, id, func, &scope);
  return !ts_node_is_null(v) && ts_node_eq(an_unparen(m->lang, v), value);
}

/* `self.step(...)` where the class's only `self.step = ...` is `value`. */
static bool sig__attr_bound_to(AnModel *m, TSNode callee, int func, TSNode value) {
  TSNode obj = an_field(m->lang, callee, AN_FIELD_object), attr = an_field(m->lang, callee, AN_FIELD_attribute);
  if (!an_text_eq(m->src, obj, "self")) return false;
  int a = an_self_attr_binding(m, attr, func);
  if (a < 0) return false;
  AnAttrBinding *ab = &AN_VEC_AT(m->attrs, AnAttrBinding, a);
  return ab->next < 0 && ts_node_eq(an_unparen(m->lang, ab->value), value);
}

/* Per class of the module, whether another class of the module derives
 * from it (NULL when out of memory: every class may have one). Made once
 * per check, so that a class nothing derives from costs no scan of all
 * classes per call. */
static const bool *sig__derived(AnModel *m) {
  bool *d = an_arena_alloc(&m->arena, sizeof *d * (m->classes.count + 1));
  for (uint32_t k = 0; d && k < m->classes.count; k++) {
    uint32_t n;
    const int *anc = an_class_ancestors(m, (int)k, &n);
    for (uint32_t i = 0; i < n; i++) d[anc[i]] = true;
  }
  return d;
}

/* True when a class of this module deriving from `cls` defines `name`
 * (a def or an instance attribute): `self.name(...)` in `cls` may then run
 * that one instead. */
static bool sig__overridden_below(AnModel *m, const bool *derived, int cls, const char *name) {
  if (derived && cls >= 0 && !derived[cls]) return false;
  uint32_t len = (uint32_t)strlen(name);
  for (uint32_t k = 0; k < m->classes.count; k++) {
    if ((int)k == cls) continue;
    if (an_hash_get(&m->func_map, AN_SCOPE_CLASS((int)k), name, len) < 0 &&
        an_hash_get(&m->attr_map, (int)k, name, len) < 0)
      continue;
    uint32_t n;
    const int *anc = an_class_ancestors(m, (int)k, &n);
    for (uint32_t i = 0; i < n; i++)
      if (anc[i] == cls) return true;
  }
  return false;
}

/* True when call `c` of the function goes through its tf.function wrapper:
 * every call of a decorated function does; for `g = tf.function(f, ...)`
 * only calls of `g` (calling `f` itself binds no signature). */
static bool sig__through_wrapper(AnModel *m, const bool *derived, const AnFunc *f, const AnCall *c) {
  TSNode callee = an_unparen(m->lang, c->fn);
  AnSym s = an_sym(m->lang, callee);
  if (an_sym(m->lang, an_field(m->lang, c->node, AN_FIELD_arguments)) != AN_SYM_argument_list) return false;
  /* A method is matched only when called bound (`self.m(...)`,
   * `obj.m(...)`), where self is not among the arguments. */
  bool method = f->param_count && f->params[0].is_self;
  if (method && s != AN_SYM_attribute) return false;
  if (f->via == AN_VIA_DECORATOR) {
    if (s == AN_SYM_identifier) return true;
    if (s != AN_SYM_attribute) return false;
    /* `Class.method(obj, x)` passes self explicitly: positions would shift. */
    TSNode obj = an_field(m->lang, callee, AN_FIELD_object);
    /* `self` may be an instance of a subclass with its own method. */
    if (method && an_text_eq(m->src, obj, "self") &&
        (c->ctx.cls < 0 || sig__overridden_below(m, derived, c->ctx.cls, f->name)))
      return false;
    uint32_t len;
    const char *t = an_text(m->src, obj, &len);
    return an_sym(m->lang, obj) != AN_SYM_identifier || an_hash_get(&m->class_map, AN_SCOPE_MODULE, t, len) < 0;
  }
  if (ts_node_eq(callee, f->hybrid_site)) return !method; /* tf.function(f, input_signature=...)(x) */
  if (s == AN_SYM_identifier) return sig__name_bound_to(m, callee, c->ctx.func, f->hybrid_site);
  if (s == AN_SYM_attribute) return sig__attr_bound_to(m, callee, c->ctx.func, f->hybrid_site);
  return false;
}

/* Index of the parameter that positional parameter number `k` (self
 * excluded) is, or -1. */
static int sig__positional_param(const AnFunc *f, int k) {
  int seen = 0;
  for (uint32_t p = 0; p < f->param_count; p++) {
    const AnParam *pa = &f->params[p];
    if (pa->is_self) continue;
    if (pa->star || pa->dstar || pa->kwonly) break;
    if (seen++ == k) return (int)p;
  }
  return -1;
}

/* --- Python literal values ------------------------------------------------ */

typedef enum LitKind { LIT_UNKNOWN = 0, LIT_NONE, LIT_NUMBER, LIT_STRING } LitKind;

typedef struct Lit {
  LitKind kind;
  double number;   /* bools are 0 and 1, as Python compares them */
  const char *str; /* the characters between the quotes */
  uint32_t len;
} Lit;

/* A number, bool, None or plain string literal, as Python compares them
 * (`1 == 1.0 == True`); kind LIT_UNKNOWN for anything else. */
static Lit sig__literal(AnModel *m, TSNode e) {
  Lit lit = {LIT_UNKNOWN, 0, NULL, 0};
  e = an_unparen(m->lang, e);
  AnSym s = an_sym(m->lang, e);
  uint32_t len;
  const char *t = an_text(m->src, e, &len);
  if (s == AN_SYM_none) lit.kind = LIT_NONE;
  else if (s == AN_SYM_true || s == AN_SYM_false) {
    lit.kind = LIT_NUMBER;
    lit.number = s == AN_SYM_true;
  } else if (s == AN_SYM_integer || s == AN_SYM_float) {
    char buf[64];
    uint32_t k = 0;
    for (uint32_t i = 0; i < len && k + 1 < sizeof buf; i++)
      if (t[i] != '_') buf[k++] = t[i];
    buf[k] = '\0';
    /* Octal/binary prefixes and imaginary numbers are left alone. */
    if (k + 1 >= sizeof buf || strpbrk(buf, "oObBjJ"))
      return lit;
    char *end;
    lit.number = s == AN_SYM_integer ? (double)strtoll(buf, &end, 0) : strtod(buf, &end);
    if (*end == '\0') lit.kind = LIT_NUMBER;
  } else if (s == AN_SYM_unary_operator) {
    lit = sig__literal(m, an_field(m->lang, e, AN_FIELD_argument));
    if (lit.kind != LIT_NUMBER || (t[0] != '-' && t[0] != '+')) return (Lit){LIT_UNKNOWN, 0, NULL, 0};
    if (t[0] == '-') lit.number = -lit.number;
  } else if (s == AN_SYM_string && len >= 2 && (t[0] == '"' || t[0] == '\'') && !memchr(t, '\\', len)) {
    /* No prefix (f, b, r): the text between the quotes is the value. */
    uint32_t q = (len >= 6 && t[1] == t[0] && t[2] == t[0]) ? 3 : 1;
    if (len < 2 * q) return lit;
    lit.kind = LIT_STRING;
    lit.str = t + q;
    lit.len = len - 2 * q;
  }
  return lit;
}

static bool sig__literal_equal(Lit a, Lit b) {
  if (a.kind != b.kind) return false;
  if (a.kind == LIT_NUMBER) return a.number == b.number;
  if (a.kind == LIT_STRING) return a.len == b.len && memcmp(a.str, b.str, a.len) == 0;
  return true;
}

/* --- HY302 input-signature-frozen-default -------------------------------- */

static void sig__frozen_finding(AnModel *m, const SigFn *s, const AnCall *c, const AnParam *pa, TSNode at,
                                TSNode arg) {
  AnFunc *f = AN_FUNC(m, s->fi);
  Lit dflt = sig__literal(m, pa->default_value), val = sig__literal(m, arg);
  if (dflt.kind == LIT_UNKNOWN) return; /* a tensor default gets a TensorSpec, not a fixed value */
  const char *dtext = an_snippet(m, pa->default_value), *atext = an_snippet(m, arg);
  AnFinding *fd;
  if (val.kind != LIT_UNKNOWN) {
    if (sig__literal_equal(dflt, val)) return;
    fd = an_emit_node(m, AN_RULE_INPUT_SIGNATURE_FROZEN_DEFAULT, at, c->ctx.func,
                      "'%s' is not covered by the input_signature of '%s', so tf.function fixes it to its default "
                      "%s: passing %s fails (TypeError: Binding inputs to tf.function failed); add a TensorSpec "
                      "for it or split the function",
                      pa->name, f->qualname, dtext, atext);
  } else {
    uint32_t al, dl;
    const char *at_ = an_text(m->src, an_unparen(m->lang, arg), &al);
    const char *dt_ = an_text(m->src, an_unparen(m->lang, pa->default_value), &dl);
    if (al == dl && memcmp(at_, dt_, al) == 0) return;
    fd = an_emit_node(m, AN_RULE_INPUT_SIGNATURE_FROZEN_DEFAULT, at, c->ctx.func,
                      "'%s' is not covered by the input_signature of '%s', so tf.function fixes it to its default "
                      "%s: this call passes '%s', which binds only while it equals %s (TypeError: Binding inputs "
                      "to tf.function failed otherwise), so the value can never vary; add a TensorSpec for it or "
                      "split the function",
                      pa->name, f->qualname, dtext, atext, dtext);
    /* Unproven: the value may happen to equal the default. */
    if (fd && fd->severity < AN_SEV_WARNING) fd->severity = AN_SEV_WARNING;
  }
  if (fd) an_finding_related(m, fd, pa->node, "'%s' is fixed to its default here", pa->name);
}

/* The argument node to underline: the whole `name=value` for keywords. */
static TSNode sig__arg_site(AnModel *m, TSNode value) {
  TSNode parent = ts_node_parent(value);
  return an_sym(m->lang, parent) == AN_SYM_keyword_argument ? parent : value;
}

/* Keywords that name no parameter: with an input_signature **kwargs is
 * dropped from the signature, so they cannot bind. */
static void sig__kwargs_keywords(AnModel *m, const SigFn *s, const AnCall *c) {
  AnFunc *f = AN_FUNC(m, s->fi);
  TSNode args = an_field(m->lang, c->node, AN_FIELD_arguments);
  uint32_t n = ts_node_named_child_count(args);
  for (uint32_t i = 0; i < n; i++) {
    TSNode kw = ts_node_named_child(args, i);
    if (an_sym(m->lang, kw) != AN_SYM_keyword_argument) continue;
    TSNode name = an_field(m->lang, kw, AN_FIELD_name);
    bool named = false;
    for (uint32_t p = 0; p < f->param_count && !named; p++)
      named = !f->params[p].star && !f->params[p].dstar && an_text_eq(m->src, name, f->params[p].name);
    if (named) continue;
    uint32_t len;
    const char *t = an_text(m->src, name, &len);
    AnFinding *fd = an_emit_node(m, AN_RULE_INPUT_SIGNATURE_FROZEN_DEFAULT, kw, c->ctx.func,
                                 "'%s' has an input_signature, which drops its **kwargs: keyword '%.*s' cannot be "
                                 "passed (TypeError: Binding inputs to tf.function failed: got an unexpected "
                                 "keyword argument '%.*s'); give it a parameter and a TensorSpec",
                                 f->qualname, (int)len, t, (int)len, t);
    if (fd) an_finding_related(m, fd, f->tf.input_signature, "the input_signature of '%s'", f->qualname);
  }
}

static void sig__frozen_call(AnModel *m, const SigFn *s, const AnCall *c) {
  AnFunc *f = AN_FUNC(m, s->fi);
  int positional = 0;
  for (uint32_t p = 0; p < f->param_count; p++) {
    AnParam *pa = &f->params[p];
    if (pa->is_self || pa->star || pa->dstar) continue;
    bool covered = !pa->kwonly && positional++ < s->n;
    if (covered || s->varargs || ts_node_is_null(pa->default_value)) continue;
    bool splat = false;
    TSNode arg = an_call_arg_for(m, f, c, p, &splat);
    if (splat || ts_node_is_null(arg)) continue;
    sig__frozen_finding(m, s, c, pa, sig__arg_site(m, arg), arg);
  }
  if (s->kwargs) sig__kwargs_keywords(m, s, c);
}

/* True for a method an instance call `obj(...)` may run (an own
 * `__call__`, a Keras `call`). */
static bool sig__instance_target(AnModel *m, const AnFunc *f) {
  if (!f->param_count || !f->params[0].is_self || f->cls < 0) return false;
  return strcmp(f->name, "__call__") == 0 || (AN_CLASS(m, f->cls)->keras && strcmp(f->name, "call") == 0);
}

/* Calls of an instance, `model(x)`, that run a method with an
 * input_signature: a name bound only to `Cls(...)`, `Cls(...)` itself, or
 * `self` when no subclass of this module has a method of its own. */
static void sig__instance_calls(AnModel *m, const bool *derived,
                                void (*check)(AnModel *m, const SigFn *s, const AnCall *c)) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    TSNode callee = an_unparen(m->lang, c->fn);
    AnSym cs = an_sym(m->lang, callee);
    if (cs != AN_SYM_identifier && cs != AN_SYM_call) continue;
    int cls, t = an_instance_invoked_method(m, callee, c->ctx.func, &cls);
    SigFn s;
    if (t < 0 || !sig__instance_target(m, AN_FUNC(m, t)) || !sig__prepare(m, t, &s)) continue;
    if (an_text_eq(m->src, callee, "self") && sig__overridden_below(m, derived, cls, AN_FUNC(m, t)->name)) continue;
    if (an_sym(m->lang, an_field(m->lang, c->node, AN_FIELD_arguments)) != AN_SYM_argument_list ||
        an_call_has_splat(m->lang, c->node))
      continue;
    s.via_keras = strcmp(AN_FUNC(m, t)->name, "call") == 0;
    check(m, &s, c);
  }
}

/* Runs `check` on every call that binds its arguments to the
 * input_signature of a function (HY302, HY303). */
static void sig__each_call(AnModel *m, void (*check)(AnModel *m, const SigFn *s, const AnCall *c)) {
  bool instance_targets = false;
  const bool *derived = sig__derived(m);
  for (uint32_t i = 0; i < m->funcs.count; i++) {
    SigFn s;
    if (!sig__prepare(m, (int)i, &s)) continue;
    AnFunc *f = AN_FUNC(m, i);
    instance_targets = instance_targets || sig__instance_target(m, f);
    AnCallIds to = an_calls_to(m, (int)i);
    for (uint32_t k = 0; k < to.count; k++) {
      AnCall *c = AN_CALL_AT(m, to, k);
      if (!sig__through_wrapper(m, derived, f, c) || an_call_has_splat(m->lang, c->node)) continue;
      check(m, &s, c);
    }
  }
  /* sig__through_wrapper leaves every `obj(...)` of a method to this. */
  if (instance_targets) sig__instance_calls(m, derived, check);
}

void an_check_HY302(AnModel *m) { sig__each_call(m, sig__frozen_call); }

/* --- HY303 input-signature-call-incompatible ------------------------------ */

static bool sig__is_int_dtype(const char *d) {
  return strncmp(d, "int", 3) == 0 || strncmp(d, "uint", 4) == 0;
}

/* "an int32", "a float32". */
static const char *sig__a(const char *dtype) { return strncmp(dtype, "int", 3) == 0 ? "an" : "a"; }

/* "[None, 3]" for messages. */
static const char *sig__shape_text(AnModel *m, const AnTensorSpec *s) {
  if (s->rank < 0) return "an unknown shape";
  AnBuf b = {0};
  an_buf_puts(&m->arena, &b, "[");
  for (int i = 0; i < s->rank; i++) {
    if (i) an_buf_puts(&m->arena, &b, ", ");
    if (s->dims[i] < 0) an_buf_puts(&m->arena, &b, "None");
    else an_buf_printf(&m->arena, &b, "%d", s->dims[i]);
  }
  an_buf_puts(&m->arena, &b, "]");
  return an_buf_str(&m->arena, &b);
}

/* Why a value of shape `got` does not fit `decl`, or NULL. */
static const char *sig__shape_conflict(AnModel *m, const AnTensorSpec *got, const AnTensorSpec *decl) {
  if (decl->rank < 0 || got->rank < 0) return NULL;
  if (got->rank != decl->rank)
    return an_arena_printf(&m->arena, "it has rank %d (shape %s) where the spec has rank %d (shape %s)", got->rank,
                           sig__shape_text(m, got), decl->rank, sig__shape_text(m, decl));
  for (int d = 0; d < got->rank; d++)
    if (got->dims[d] >= 0 && decl->dims[d] >= 0 && got->dims[d] != decl->dims[d])
      return an_arena_printf(&m->arena, "its shape %s does not fit the spec's shape %s", sig__shape_text(m, got),
                             sig__shape_text(m, decl));
  return NULL;
}

/* Why a Python literal cannot be converted to the spec, or NULL. */
static const char *sig__literal_conflict(AnModel *m, const AnTensorSpec *lit, const AnTensorSpec *decl) {
  const char *ld = lit->dtype, *dd = decl->dtype;
  if (ld && dd) {
    if (strcmp(ld, "string") == 0 && strcmp(dd, "string") != 0)
      return an_arena_printf(&m->arena, "a Python string cannot be converted to %s %s tensor", sig__a(dd), dd);
    if (strcmp(ld, "string") != 0 && strcmp(dd, "string") == 0)
      return "a Python number cannot be converted to a string tensor";
    /* TensorFlow converts ints to floats but refuses to truncate floats. */
    if (strcmp(ld, "float32") == 0 && sig__is_int_dtype(dd))
      return an_arena_printf(&m->arena, "a Python float cannot be converted to %s %s tensor", sig__a(dd), dd);
  }
  return sig__shape_conflict(m, lit, decl);
}

/* Why argument `arg` cannot bind to `decl`, or NULL when it can or it is
 * not proven. */
static const char *sig__conflict(AnModel *m, TSNode arg, int func, const AnTensorSpec *decl) {
  TSNode e = an_unparen(m->lang, arg);
  switch (an_sym(m->lang, e)) {
  case AN_SYM_none: return "None cannot be converted to a tensor";
  case AN_SYM_dictionary:
  case AN_SYM_dictionary_comprehension: return "a dict cannot be converted to a tensor";
  case AN_SYM_set:
  case AN_SYM_set_comprehension: return "a set cannot be converted to a tensor";
  case AN_SYM_lambda: return "a function cannot be converted to a tensor";
  default: break;
  }
  AnTensorSpec got;
  if (an_literal_spec(m, e, &got)) return sig__literal_conflict(m, &got, decl);
  if (an_tensor_spec_of(m, e, func, &got)) {
    if (decl->dtype && strcmp(got.dtype, decl->dtype) != 0)
      return an_arena_printf(&m->arena, "it is %s %s tensor and tf.function does not cast tensors to %s",
                             sig__a(got.dtype), got.dtype, decl->dtype);
    return sig__shape_conflict(m, &got, decl);
  }
  if (decl->dtype && strcmp(decl->dtype, "string") != 0 && an_kind_of(m, e, func) == AN_KIND_PY_STR)
    return an_arena_printf(&m->arena, "a Python string cannot be converted to %s %s tensor", sig__a(decl->dtype),
                           decl->dtype);
  return NULL;
}

/* The declared spec of a signature entry when it is a plain
 * `tf.TensorSpec(...)` with a literal (or absent) shape. */
static bool sig__entry_spec(AnModel *m, TSNode entry, int func, AnTensorSpec *out) {
  entry = an_unparen(m->lang, entry);
  if (an_sym(m->lang, entry) != AN_SYM_call) return false;
  const char *d = an_dotted(m, an_field(m->lang, entry, AN_FIELD_function), func);
  if (!d || strcmp(d, "tensorflow.TensorSpec") != 0) return false;
  TSNode shape = an_call_kwarg(m->lang, m->src, entry, "shape");
  if (ts_node_is_null(shape)) shape = an_call_arg(m->lang, entry, 0);
  AnSym ss = an_sym(m->lang, an_unparen(m->lang, shape));
  if (!ts_node_is_null(shape) && ss != AN_SYM_list && ss != AN_SYM_tuple && ss != AN_SYM_none) return false;
  an_declared_spec(m, entry, func, out);
  return out->dtype || out->rank >= 0;
}

static void sig__arity(AnModel *m, const SigFn *s, const AnCall *c) {
  AnFunc *f = AN_FUNC(m, s->fi);
  TSNode args = an_field(m->lang, c->node, AN_FIELD_arguments);
  int max = 0;
  while (sig__positional_param(f, max) >= 0) max++;
  uint32_t n = ts_node_named_child_count(args);
  int given = 0;
  for (uint32_t i = 0; i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    AnSym as = an_sym(m->lang, a);
    if (as == AN_SYM_comment || as == AN_SYM_keyword_argument) continue;
    if (given++ == max && !s->varargs) {
      AnFinding *fd = an_emit_node(m, AN_RULE_INPUT_SIGNATURE_CALL_INCOMPATIBLE, a, c->ctx.func,
                                   "'%s' takes %d positional argument%s under its input_signature but this call "
                                   "passes more (TypeError: Binding inputs to tf.function failed: too many "
                                   "positional arguments)",
                                   f->qualname, max, max == 1 ? "" : "s");
      if (fd) an_finding_related(m, fd, f->tf.input_signature, "the input_signature of '%s'", f->qualname);
      return;
    }
  }
  for (uint32_t p = 0; p < f->param_count; p++) {
    AnParam *pa = &f->params[p];
    if (pa->is_self || pa->star || pa->dstar || !ts_node_is_null(pa->default_value)) continue;
    bool splat = false;
    if (!ts_node_is_null(an_call_arg_for(m, f, c, p, &splat)) || splat) continue;
    AnFinding *fd = an_emit_node(m, AN_RULE_INPUT_SIGNATURE_CALL_INCOMPATIBLE, args, c->ctx.func,
                                 "This call of '%s' passes no value for '%s', which its input_signature requires "
                                 "(TypeError: Binding inputs to tf.function failed: missing a required argument: "
                                 "'%s')",
                                 f->qualname, pa->name, pa->name);
    if (fd) an_finding_related(m, fd, pa->node, "parameter '%s'", pa->name);
    return;
  }
}

static void sig__incompatible_call(AnModel *m, const SigFn *s, const AnCall *c) {
  AnFunc *f = AN_FUNC(m, s->fi);
  /* Keras casts floating inputs to the layer's compute dtype and converts
   * Python values before `call` sees them. */
  if (s->via_keras) return;
  sig__arity(m, s, c);
  int scope = an_func_at(m, f->tf.input_signature);
  for (int k = 0; k < s->n; k++) {
    int p = sig__positional_param(f, k);
    if (p < 0) break; /* the rest go to *args */
    AnTensorSpec decl;
    if (!sig__entry_spec(m, s->entries[k], scope, &decl)) continue;
    bool splat = false;
    TSNode arg = an_call_arg_for(m, f, c, (uint32_t)p, &splat);
    if (splat || ts_node_is_null(arg)) continue;
    const char *why = sig__conflict(m, arg, c->ctx.func, &decl);
    if (!why) continue;
    AnFinding *fd = an_emit_node(m, AN_RULE_INPUT_SIGNATURE_CALL_INCOMPATIBLE, sig__arg_site(m, arg), c->ctx.func,
                                 "'%s' does not match the input_signature of '%s' for '%s': %s (TypeError: Binding "
                                 "inputs to tf.function failed; older TensorFlow: ValueError: Python inputs "
                                 "incompatible with input_signature)",
                                 an_snippet(m, arg), f->qualname, f->params[p].name, why);
    if (fd) an_finding_related(m, fd, s->entries[k], "the TensorSpec for '%s'", f->params[p].name);
  }
}

void an_check_HY303(AnModel *m) { sig__each_call(m, sig__incompatible_call); }
