/* HY310 static-shape-read-on-dynamic-axis: in a tf.function whose literal
 * input_signature (in the call or in an exact module constant) declares
 * `None` at axis k of a parameter's TensorSpec
 * (or shape=None, an unknown rank), `x.shape[k]` is None while tracing.
 * Used where Python needs an int (arithmetic, range(), int(), ordering
 * comparisons, the shape argument of tf.zeros/np.zeros and the like) it
 * raises while the function is traced; tf.shape(x)[k] is the run-time size.
 *
 * Only parameters the function never rebinds nor reshapes (`x.set_shape`)
 * and never compares with None nor tests with is_fully_defined (a
 * deliberate static/dynamic switch) are
 * followed, with names bound once to such a dimension (`n = x.shape[0]`,
 * `b, t = x.shape`). The signature comes from the same parsing HY302/HY303
 * use (an_signature_entries). */
#include <string.h>

#include "analysis/rules/rules.h"

#define SH_MAX_PARAMS 16
#define SH_MAX_NAMES 32

typedef struct ShParam {
  const char *name;
  uint32_t len;
  int rank;                         /* -1: unknown rank (shape=None) */
  bool open[AN_SPEC_MAX_RANK];      /* axis declared None */
  TSNode spec;
} ShParam;

typedef struct ShName {
  const char *name;
  uint32_t len;
  int param, axis;
  TSNode binding; /* the assignment */
} ShName;

typedef struct ShDim {
  int param, axis; /* axis -1 when the rank is unknown */
  const ShName *via;
  bool direct; /* `x.shape[k]` itself, where tf.shape(x)[k] can replace it */
} ShDim;

typedef struct ShScan {
  AnModel *m;
  int func;
  ShParam params[SH_MAX_PARAMS];
  int nparams;
  ShName names[SH_MAX_NAMES];
  int nnames;
} ShScan;

/* --- the signature -------------------------------------------------------- */

/* The open axes a `tf.TensorSpec(shape, dtype)` entry declares; false when
 * none is open or the shape is not literal. */
static bool sh__spec(AnModel *m, TSNode entry, int scope, ShParam *p) {
  entry = an_unparen(m->lang, entry);
  if (an_sym(m->lang, entry) != AN_SYM_call) return false;
  const char *d = an_dotted(m, an_field(m->lang, entry, AN_FIELD_function), scope);
  if (!d || strcmp(d, "tensorflow.TensorSpec") != 0) return false;
  TSNode shape = an_call_kwarg(m->lang, m->src, entry, "shape");
  if (ts_node_is_null(shape)) shape = an_call_arg(m->lang, entry, 0);
  shape = an_unparen(m->lang, shape);
  AnSym s = an_sym(m->lang, shape);
  p->spec = entry;
  if (s == AN_SYM_none) {
    p->rank = -1;
    return true;
  }
  if (s != AN_SYM_list && s != AN_SYM_tuple) return false;
  bool any = false;
  p->rank = 0;
  uint32_t n = ts_node_named_child_count(shape);
  for (uint32_t i = 0; i < n; i++) {
    TSNode ch = ts_node_named_child(shape, i);
    AnSym cs = an_sym(m->lang, ch);
    if (cs == AN_SYM_comment) continue;
    if (cs == AN_SYM_list_splat || p->rank >= AN_SPEC_MAX_RANK) return false;
    p->open[p->rank] = cs == AN_SYM_none;
    any |= p->open[p->rank];
    p->rank++;
  }
  return any;
}

/* The parameter is rebound, reshaped with set_shape, or compared with
 * None somewhere in the function: its static shape is handled on purpose. */
static bool sh__handled(AnModel *m, int func, const ShParam *p) {
  if (an_hash_get(&m->binding_map, func, p->name, p->len) >= 0) return true;
  AN_FOR_CALLS_OF(m, func, c) {
    if (c->method && strcmp(c->method, "set_shape") == 0 && an_text_eq(m->src, an_unparen(m->lang, c->object), p->name))
      return true;
    /* `x.shape.is_fully_defined()`: the same static/dynamic switch. */
    if (c->method && strcmp(c->method, "is_fully_defined") == 0 && an_mentions(m, c->object, p->name, p->len))
      return true;
    if (c->dotted && strcmp(c->dotted, "tensorflow.ensure_shape") == 0 &&
        an_mentions(m, an_call_arg(m->lang, c->node, 0), p->name, p->len))
      return true;
  }
  AN_FOR_SITES_OF(m, func, s) {
    if (s->kind != AN_SITE_COMPARE) continue;
    uint32_t len;
    const char *t = an_text(m->src, s->node, &len);
    if (memmem(t, len, "None", 4) && an_mentions(m, s->node, p->name, p->len)) return true;
  }
  return false;
}

static bool sh__prepare(AnModel *m, int fi, ShScan *sc) {
  AnFunc *f = AN_FUNC(m, fi);
  if ((f->via != AN_VIA_DECORATOR && f->via != AN_VIA_CALL) || ts_node_is_null(f->tf.input_signature) || f->is_lambda)
    return false;
  TSNode sig = an_unparen(m->lang, f->tf.input_signature);
  TSNode entries[SH_MAX_PARAMS];
  int scope = an_func_at(m, sig);
  int n = an_signature_entries(m, sig, entries, SH_MAX_PARAMS);
  if (n <= 0 || n > SH_MAX_PARAMS) return false;
  memset(sc, 0, sizeof *sc);
  sc->m = m;
  sc->func = fi;
  int k = 0;
  for (uint32_t i = 0; i < f->param_count && k < n; i++) {
    AnParam *pa = &f->params[i];
    if (pa->is_self) continue;
    if (pa->star || pa->dstar || pa->kwonly) break;
    ShParam *p = &sc->params[sc->nparams];
    memset(p, 0, sizeof *p);
    p->name = pa->name;
    p->len = (uint32_t)strlen(pa->name);
    if (sh__spec(m, entries[k++], scope, p) && !sh__handled(m, fi, p)) sc->nparams++;
  }
  /* Last: HY304's validation walks the signature again. */
  return sc->nparams > 0 && !an_signature_malformed(m, sig, scope);
}

/* --- dimension reads ------------------------------------------------------- */

static int sh__param(const ShScan *sc, TSNode id) {
  if (an_sym(sc->m->lang, id) != AN_SYM_identifier) return -1;
  uint32_t len;
  const char *t = an_text(sc->m->src, id, &len);
  for (int i = 0; i < sc->nparams; i++)
    if (sc->params[i].len == len && memcmp(sc->params[i].name, t, len) == 0) return i;
  return -1;
}

/* The parameter whose static shape `e` is: `x.shape`, `x.get_shape()`,
 * or with *as_list `x.shape.as_list()` (not for an unknown rank, where
 * as_list itself raises). */
static int sh__shape_of(const ShScan *sc, TSNode e, bool *as_list) {
  AnModel *m = sc->m;
  const AnLang *l = m->lang;
  e = an_unparen(l, e);
  *as_list = false;
  if (an_sym(l, e) == AN_SYM_attribute) {
    if (!an_text_eq(m->src, an_field(l, e, AN_FIELD_attribute), "shape")) return -1;
    return sh__param(sc, an_unparen(l, an_field(l, e, AN_FIELD_object)));
  }
  if (an_sym(l, e) != AN_SYM_call || an_call_argc(l, e) != 0) return -1;
  TSNode fn = an_field(l, e, AN_FIELD_function);
  if (an_sym(l, fn) != AN_SYM_attribute) return -1;
  TSNode attr = an_field(l, fn, AN_FIELD_attribute), obj = an_unparen(l, an_field(l, fn, AN_FIELD_object));
  if (an_text_eq(m->src, attr, "get_shape")) return sh__param(sc, obj);
  if (!an_text_eq(m->src, attr, "as_list")) return -1;
  *as_list = true;
  bool inner;
  return sh__shape_of(sc, obj, &inner);
}

/* Axis `index` of parameter `p` is open; *axis gets it (or -1 for an
 * unknown rank). */
static bool sh__open_axis(const ShParam *p, int index, bool as_list, int *axis) {
  if (p->rank < 0) {
    *axis = -1;
    return !as_list;
  }
  int k = index < 0 ? p->rank + index : index;
  if (k < 0 || k >= p->rank || !p->open[k]) return false;
  *axis = k;
  return true;
}

/* True when `e` is a dimension that is None while tracing. */
static bool sh__dim(const ShScan *sc, TSNode e, ShDim *out) {
  AnModel *m = sc->m;
  const AnLang *l = m->lang;
  e = an_unparen(l, e);
  AnSym s = an_sym(l, e);
  memset(out, 0, sizeof *out);
  if (s == AN_SYM_identifier) {
    uint32_t len;
    const char *t = an_text(m->src, e, &len);
    for (int i = 0; i < sc->nnames; i++) {
      const ShName *nm = &sc->names[i];
      if (nm->len == len && memcmp(nm->name, t, len) == 0 && ts_node_end_byte(nm->binding) <= ts_node_start_byte(e)) {
        out->param = nm->param;
        out->axis = nm->axis;
        out->via = nm;
        return true;
      }
    }
    return false;
  }
  if (s != AN_SYM_subscript) return false;
  TSNode idx = an_field(l, e, AN_FIELD_subscript);
  if (ts_node_is_null(idx) || !ts_node_eq(idx, ts_node_named_child(e, ts_node_named_child_count(e) - 1))) return false;
  bool as_list;
  int index;
  if (!an_int_literal(l, m->src, idx, &index)) return false;
  int p = sh__shape_of(sc, an_field(l, e, AN_FIELD_value), &as_list);
  if (p < 0 || !sh__open_axis(&sc->params[p], index, as_list, &out->axis)) return false;
  out->param = p;
  out->direct = !as_list;
  return true;
}

/* `n = x.shape[0]` and `b, t = x.shape`, for names bound once. */
static void sh__name(ShScan *sc, TSNode id, int param, int axis, TSNode binding) {
  AnModel *m = sc->m;
  if (sc->nnames >= SH_MAX_NAMES || an_sym(m->lang, id) != AN_SYM_identifier) return;
  uint32_t len;
  const char *t = an_text(m->src, id, &len);
  int b = an_hash_get(&m->binding_map, sc->func, t, len);
  if (b < 0 || AN_VEC_AT(m->bindings, AnBinding, b).next >= 0) return;
  ShName *nm = &sc->names[sc->nnames++];
  nm->name = t;
  nm->len = len;
  nm->param = param;
  nm->axis = axis;
  nm->binding = binding;
}

static void sh__assignment(ShScan *sc, TSNode n) {
  AnModel *m = sc->m;
  const AnLang *l = m->lang;
  TSNode left = an_field(l, n, AN_FIELD_left), right = an_field(l, n, AN_FIELD_right);
  if (ts_node_is_null(right)) return;
  AnSym ls = an_sym(l, left);
  ShDim d;
  if (ls == AN_SYM_identifier) {
    if (sh__dim(sc, right, &d) && !d.via) sh__name(sc, left, d.param, d.axis, n);
    return;
  }
  if (ls != AN_SYM_pattern_list && ls != AN_SYM_tuple_pattern && ls != AN_SYM_list_pattern) return;
  bool as_list;
  int p = sh__shape_of(sc, right, &as_list);
  if (p < 0 || sc->params[p].rank < 0) return;
  uint32_t count = ts_node_named_child_count(left);
  if ((int)count != sc->params[p].rank) return;
  for (uint32_t i = 0; i < count; i++)
    if (sc->params[p].open[i]) sh__name(sc, ts_node_named_child(left, i), p, (int)i, n);
}

/* --- uses that need an int --------------------------------------------------- */

static const char *const sh__shape_calls[] = {
    "tensorflow.zeros", "tensorflow.ones", "tensorflow.fill", "tensorflow.random.normal",
    "tensorflow.random.uniform", "tensorflow.random.truncated_normal", "tensorflow.eye", "tensorflow.range", NULL,
};
static const char *const sh__second_shape_calls[] = {"tensorflow.reshape", "tensorflow.broadcast_to",
                                                      "tensorflow.tile", "tensorflow.one_hot", NULL};
static const char *const sh__numpy_calls[] = {"numpy.zeros", "numpy.ones", "numpy.empty", "numpy.full",
                                              "numpy.eye", "numpy.arange", "numpy.identity", NULL};

static bool sh__in(const char *d, const char *const *list) {
  for (int i = 0; list[i]; i++)
    if (strcmp(d, list[i]) == 0) return true;
  return false;
}

/* "leaves axis 0 of 'x' open" / "gives 'x' shape=None". */
static const char *sh__open_text(AnModel *m, const ShDim *d, const ShParam *p) {
  if (d->axis < 0)
    return an_arena_printf(&m->arena, "gives '%.*s' shape=None (no axis has a static size)", (int)p->len,
                           p->name);
  return an_arena_printf(&m->arena, "leaves axis %d of '%.*s' open (None)", d->axis, (int)p->len, p->name);
}

static void sh__fix(ShScan *sc, AnFinding *f, TSNode e, const ShDim *d) {
  AnModel *m = sc->m;
  const char *tf = an_tf_alias(m);
  if (!f || !tf || !d->direct) return;
  e = an_unparen(m->lang, e);
  uint32_t il;
  const char *it = an_text(m->src, an_field(m->lang, e, AN_FIELD_subscript), &il);
  const ShParam *p = &sc->params[d->param];
  const char *text = an_arena_printf(&m->arena, "%s.shape(%.*s)[%.*s]", tf, (int)p->len, p->name, (int)il, it);
  AnFix *fix = an_finding_fix(m, f, an_arena_printf(&m->arena, "Use %s (the size at run time)", text), false);
  an_fix_edit(m, fix, ts_node_start_byte(e), ts_node_end_byte(e), text);
}

/* Reports dimension `e` used where `what` fails; `fixable` when
 * tf.shape(x)[k] works there (tensor arithmetic, range under AutoGraph,
 * TensorFlow shape arguments). */
static void sh__report(ShScan *sc, TSNode e, const ShDim *d, const char *what, bool fixable) {
  AnModel *m = sc->m;
  const ShParam *p = &sc->params[d->param];
  const char *index;
  if (d->via) {
    index = an_arena_printf(&m->arena, "%d", d->axis);
  } else {
    uint32_t il;
    const char *it = an_text(m->src, an_field(m->lang, an_unparen(m->lang, e), AN_FIELD_subscript), &il);
    index = an_arena_strndup(&m->arena, it, il);
  }
  const char *dim = d->via ? an_arena_printf(&m->arena, "'%.*s' (a static dimension of '%.*s')", (int)d->via->len,
                                             d->via->name, (int)p->len, p->name)
                           : an_arena_printf(&m->arena, "'%s'", an_snippet(m, e));
  AnFinding *f = an_emit_node(m, AN_RULE_STATIC_SHAPE_READ_ON_DYNAMIC_AXIS, e, sc->func,
                              "%s is None while '%s' is traced: its input_signature %s, so %s; use tf.shape(%.*s)[%s] "
                              "for the size at run time",
                              dim, an_func_label(m, sc->func), sh__open_text(m, d, p), what, (int)p->len, p->name,
                              index);
  if (!f) return;
  if (d->axis < 0)
    an_finding_related(m, f, p->spec, "the TensorSpec of '%.*s' has shape=None", (int)p->len, p->name);
  else
    an_finding_related(m, f, p->spec, "the TensorSpec of '%.*s' declares axis %d as None", (int)p->len, p->name,
                       d->axis);
  if (d->via) an_finding_related(m, f, d->via->binding, "'%.*s' is bound to the static dimension here",
                                 (int)d->via->len, d->via->name);
  if (fixable) sh__fix(sc, f, e, d);
}

static void sh__check(ShScan *sc, TSNode e, const char *what, bool fixable) {
  ShDim d;
  if (sh__dim(sc, e, &d)) sh__report(sc, e, &d, what, fixable);
}

/* A shape argument: the dimension itself or a list/tuple holding it. */
static void sh__shape_arg(ShScan *sc, TSNode arg, const char *what, bool fixable) {
  AnModel *m = sc->m;
  arg = an_unparen(m->lang, arg);
  AnSym s = an_sym(m->lang, arg);
  if (s != AN_SYM_list && s != AN_SYM_tuple) {
    sh__check(sc, arg, what, fixable);
    return;
  }
  uint32_t n = ts_node_named_child_count(arg);
  for (uint32_t i = 0; i < n; i++) sh__check(sc, ts_node_named_child(arg, i), what, fixable);
}

/* TensorFlow calls that convert their shape argument with
 * convert_to_tensor, which rejects a TensorShape with a None dimension. */
static const char *const sh__whole_shape_calls[] = {
    "tensorflow.zeros", "tensorflow.ones", "tensorflow.fill", "tensorflow.random.normal",
    "tensorflow.random.uniform", "tensorflow.random.truncated_normal", "tensorflow.reshape",
    "tensorflow.broadcast_to", NULL,
};

/* A whole static shape (`x.shape`, `x.get_shape()`, `x.shape.as_list()`)
 * of a parameter with an open axis given as a shape: unlike a single
 * dimension it does not fail in Python but in the conversion to a shape
 * tensor, so TensorFlow's own ValueError is quoted. */
static void sh__whole_shape(ShScan *sc, TSNode arg, const char *callee, bool numpy) {
  AnModel *m = sc->m;
  bool as_list;
  int p = sh__shape_of(sc, arg, &as_list);
  if (p < 0) return;
  const ShParam *pa = &sc->params[p];
  ShDim d = {.param = p, .axis = -1};
  for (int k = 0; k < pa->rank && d.axis < 0; k++)
    if (pa->open[k]) d.axis = k;
  const char *what =
      numpy ? an_arena_printf(&m->arena, "np.%s() fails (TypeError: 'NoneType' object cannot be interpreted as an "
                                         "integer)", callee)
      : as_list ? an_arena_printf(&m->arena, "tf.%s() fails while tracing (the list holds None, which cannot be "
                                             "converted to a Tensor)", callee)
                : an_arena_printf(&m->arena, "tf.%s() fails while tracing (ValueError: Cannot convert a partially "
                                             "known TensorShape to a Tensor)", callee);
  const char *use = numpy ? "" : an_arena_printf(&m->arena, "; use tf.shape(%.*s), the shape at run time", (int)pa->len,
                                                 pa->name);
  AnFinding *f = an_emit_node(m, AN_RULE_STATIC_SHAPE_READ_ON_DYNAMIC_AXIS, arg, sc->func,
                              "'%s' is only partly known while '%s' is traced: its input_signature %s, so %s%s",
                              an_snippet(m, arg), an_func_label(m, sc->func), sh__open_text(m, &d, pa), what, use);
  if (!f) return;
  an_finding_related(m, f, pa->spec, "the TensorSpec of '%.*s' is declared here", (int)pa->len, pa->name);
  const char *tf = an_tf_alias(m);
  if (numpy || !tf) return;
  const char *text = an_arena_printf(&m->arena, "%s.shape(%.*s)", tf, (int)pa->len, pa->name);
  AnFix *fix = an_finding_fix(m, f, an_arena_printf(&m->arena, "Use %s (the shape at run time)", text), false);
  TSNode e = an_unparen(m->lang, arg);
  an_fix_edit(m, fix, ts_node_start_byte(e), ts_node_end_byte(e), text);
}

static void sh__call(ShScan *sc, TSNode n) {
  AnModel *m = sc->m;
  const AnLang *l = m->lang;
  const char *d = an_dotted(m, an_field(l, n, AN_FIELD_function), sc->func);
  if (!d) return;
  if (strcmp(d, "builtins.range") == 0) {
    for (uint32_t i = 0; i < an_call_argc(l, n); i++)
      sh__check(sc, an_call_arg(l, n, i), "range() fails (TypeError: 'NoneType' object cannot be interpreted as an integer)",
                true);
  } else if (strcmp(d, "builtins.int") == 0 || strcmp(d, "builtins.float") == 0) {
    sh__check(sc, an_call_arg(l, n, 0),
              an_arena_printf(&m->arena, "%s() fails (TypeError: %s() argument must be a string or a number, not "
                                         "'NoneType')",
                              d + 9, d + 9),
              false);
  } else if (sh__in(d, sh__shape_calls) || sh__in(d, sh__second_shape_calls)) {
    uint32_t pos = sh__in(d, sh__shape_calls) ? 0 : 1;
    TSNode arg = an_call_arg(l, n, pos);
    if (ts_node_is_null(arg))
      arg = an_call_kwarg(l, m->src, n, strcmp(d, "tensorflow.one_hot") == 0 ? "depth"
                                          : strcmp(d, "tensorflow.tile") == 0 ? "multiples"
                                          : strcmp(d, "tensorflow.fill") == 0 ? "dims"
                                          : strcmp(d, "tensorflow.eye") == 0  ? "num_rows"
                                                                              : "shape");
    if (!ts_node_is_null(arg) && sh__in(d, sh__whole_shape_calls)) sh__whole_shape(sc, arg, d + 11, false);
    if (!ts_node_is_null(arg))
      sh__shape_arg(sc, arg,
                    an_arena_printf(&m->arena, "tf.%s() gets None where it needs a dimension and fails while tracing",
                                    d + 11),
                    true);
  } else if (sh__in(d, sh__numpy_calls)) {
    if (strcmp(d, "numpy.arange") != 0 && strcmp(d, "numpy.eye") != 0 && strcmp(d, "numpy.identity") != 0 &&
        an_call_argc(l, n) > 0)
      sh__whole_shape(sc, an_call_arg(l, n, 0), d + 6, true);
    for (uint32_t i = 0; i < an_call_argc(l, n) && i < 3; i++) {
      if (i > 0 && strcmp(d, "numpy.arange") != 0 && strcmp(d, "numpy.eye") != 0) break;
      sh__shape_arg(sc, an_call_arg(l, n, i),
                    an_arena_printf(&m->arena, "np.%s() fails (TypeError: 'NoneType' object cannot be interpreted as "
                                               "an integer)",
                                    d + 6),
                    false);
    }
  }
}

static void sh__binary(ShScan *sc, TSNode n) {
  AnModel *m = sc->m;
  const AnLang *l = m->lang;
  TSNode op = an_field(l, n, AN_FIELD_operator), left = an_field(l, n, AN_FIELD_left);
  uint32_t len;
  const char *t = an_text(m->src, op, &len);
  /* `"%s" % n` formats None happily. */
  if (len == 1 && t[0] == '%' && an_kind_of(m, left, sc->func) == AN_KIND_PY_STR) return;
  const char *what = an_arena_printf(&m->arena, "the arithmetic fails (TypeError: unsupported operand type(s) for %.*s)",
                                     (int)len, t);
  sh__check(sc, left, what, true);
  sh__check(sc, an_field(l, n, AN_FIELD_right), what, true);
}

static void sh__unary(ShScan *sc, TSNode n) {
  AnModel *m = sc->m;
  uint32_t len;
  const char *t = an_text(m->src, n, &len);
  if (t[0] != '-' && t[0] != '+' && t[0] != '~') return;
  sh__check(sc, an_field(m->lang, n, AN_FIELD_argument),
            an_arena_printf(&m->arena, "'%c' fails (TypeError: bad operand type for unary %c: 'NoneType')", t[0], t[0]),
            true);
}

/* Ordering comparisons raise on None; == and != merely answer False/True. */
static void sh__compare(ShScan *sc, TSNode n) {
  AnModel *m = sc->m;
  if (ts_node_named_child_count(n) != 2 || ts_node_child_count(n) != 3) return;
  TSNode op = ts_node_child(n, 1);
  uint32_t len;
  const char *t = an_text(m->src, op, &len);
  if (!((len == 1 && (t[0] == '<' || t[0] == '>')) || (len == 2 && (t[0] == '<' || t[0] == '>') && t[1] == '=')))
    return;
  for (uint32_t i = 0; i < 2; i++) {
    TSNode other = an_unparen(m->lang, ts_node_named_child(n, 1 - i));
    AnSym os = an_sym(m->lang, other);
    const char *type = os == AN_SYM_integer ? "'int'" : os == AN_SYM_float ? "'float'" : "...";
    const char *what = an_arena_printf(&m->arena, "the comparison fails (TypeError: '%.*s' not supported between "
                                                  "instances of %s and %s)",
                                       (int)len, t, i == 0 ? "'NoneType'" : type, i == 0 ? type : "'NoneType'");
    sh__check(sc, ts_node_named_child(n, i), what, false);
  }
}

static void sh__augmented(ShScan *sc, TSNode n) {
  AnModel *m = sc->m;
  uint32_t len;
  const char *t = an_text(m->src, an_field(m->lang, n, AN_FIELD_operator), &len);
  if (len < 2) return;
  sh__check(sc, an_field(m->lang, n, AN_FIELD_right),
            an_arena_printf(&m->arena, "'%.*s' fails (TypeError: unsupported operand type(s) for %.*s)", (int)len, t,
                            (int)len, t),
            true);
}

static bool sh__visit(TSNode n, void *ctx) {
  ShScan *sc = ctx;
  switch (an_sym(sc->m->lang, n)) {
  case AN_SYM_function_definition:
  case AN_SYM_lambda:
  case AN_SYM_class_definition:
  case AN_SYM_string:
  case AN_SYM_comment:
    return false;
  case AN_SYM_assignment:
    sh__assignment(sc, n);
    return true;
  case AN_SYM_augmented_assignment:
    sh__augmented(sc, n);
    return true;
  case AN_SYM_call:
    sh__call(sc, n);
    return true;
  case AN_SYM_binary_operator:
    sh__binary(sc, n);
    return true;
  case AN_SYM_unary_operator:
    sh__unary(sc, n);
    return true;
  case AN_SYM_comparison_operator:
    sh__compare(sc, n);
    return true;
  default:
    return true;
  }
}

void an_check_HY310(AnModel *m) {
  for (uint32_t i = 0; i < m->funcs.count; i++) {
    AnFunc *f = AN_FUNC(m, i);
    if (ts_node_is_null(f->tf.input_signature) || f->is_lambda) continue;
    TSNode body = an_field(m->lang, f->node, AN_FIELD_body);
    if (ts_node_is_null(body)) continue;
    /* Most signed functions never read a static shape: a text search is
     * far cheaper than reading the signature and walking the body. */
    uint32_t len;
    const char *t = an_text(m->src, body, &len);
    ShScan sc;
    if (!memmem(t, len, "shape", 5) || !sh__prepare(m, (int)i, &sc)) continue;
    an_walk_named(body, sh__visit, &sc);
  }
}
