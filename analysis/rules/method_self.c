/* API misuse: HY311 a tf.function method on a class whose instances are
 * not hashable or not weak-referenceable.
 *
 * A tf.function used as a method is a descriptor: `Function.__get__` keeps
 * one bound Function per instance in a weakref.WeakKeyDictionary, so the
 * first access through an instance hashes it and creates a weak reference
 * to it. That raises TypeError when the class
 *   - sets `__hash__ = None`, or defines `__eq__` without `__hash__`
 *     (Python then sets `__hash__` to None), also through a base class of
 *     this module;
 *   - is a @dataclass with eq left True and neither frozen=True nor
 *     unsafe_hash=True (the dataclass sets `__hash__` to None);
 *   - defines `__slots__` without "__weakref__" and all its bases do too
 *     (or it has none but object).
 * Classes with bases we cannot see through (other than object, classes of
 * this module and TensorFlow/Keras classes), with a metaclass, or with
 * class decorators other than dataclass are left out; so are
 * ExtensionType and composite-tensor subclasses, which bypass the cache.
 */
#include <string.h>

#include "analysis/rules/rules.h"

#define SELF_MAX_DEPTH 6

typedef enum SelfProblem { SELF_OK, SELF_HASH_NONE, SELF_EQ, SELF_DATACLASS, SELF_SLOTS } SelfProblem;

typedef struct SelfWhy {
  SelfProblem problem;
  int cls;    /* the class that causes it (the method's class or a base) */
  TSNode at;  /* `__hash__ = None`, the __eq__ def, the decorator, the __slots__ value */
} SelfWhy;

static int self__class_func(AnModel *m, int cls, const char *name) {
  return an_hash_get(&m->func_map, AN_SCOPE_CLASS(cls), name, (uint32_t)strlen(name));
}

/* The value of the last class-level `name = value`, or null. */
static TSNode self__class_value(AnModel *m, int cls, const char *name, bool *bound) {
  TSNode none = {{0}, NULL, NULL};
  int b = an_hash_get(&m->binding_map, AN_SCOPE_CLASS(cls), name, (uint32_t)strlen(name));
  *bound = b >= 0;
  if (b < 0) return none;
  AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, b);
  return bd->from_for || bd->from_unpack ? none : bd->value;
}

static bool self__composite(const char *dotted) {
  return strstr(dotted, "ExtensionType") || strstr(dotted, "CompositeTensor") || strstr(dotted, "composite_tensor");
}

/* The decorators of a class: only `dataclass` (returned in *dc) is
 * understood; false when there is another one. */
static bool self__decorators(AnModel *m, int cls, TSNode *dc) {
  AnClass *k = AN_CLASS(m, cls);
  TSNode outer = ts_node_parent(k->node);
  dc->id = NULL;
  if (an_sym(m->lang, outer) != AN_SYM_decorated_definition) return true;
  uint32_t n = ts_node_named_child_count(outer);
  for (uint32_t i = 0; i < n; i++) {
    TSNode d = ts_node_named_child(outer, i);
    if (an_sym(m->lang, d) != AN_SYM_decorator) continue;
    if (!ts_node_named_child_count(d)) return false;
    TSNode e = an_unparen(m->lang, ts_node_named_child(d, 0));
    if (an_sym(m->lang, e) == AN_SYM_call) e = an_field(m->lang, e, AN_FIELD_function);
    const char *dotted = an_dotted(m, e, k->parent_func);
    if (!dotted || strcmp(dotted, "dataclasses.dataclass") != 0) return false;
    *dc = d;
  }
  return true;
}

/* A dataclass that sets __hash__ to None: eq not False, not frozen, no
 * unsafe_hash (positional arguments are not allowed by dataclass). */
static bool self__dataclass_unhashable(AnModel *m, TSNode decorator) {
  TSNode e = an_unparen(m->lang, ts_node_named_child(decorator, 0));
  if (an_sym(m->lang, e) != AN_SYM_call) return true;
  TSNode args = an_field(m->lang, e, AN_FIELD_arguments);
  uint32_t n = ts_node_is_null(args) ? 0 : ts_node_named_child_count(args);
  for (uint32_t i = 0; i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    AnSym s = an_sym(m->lang, a);
    if (s != AN_SYM_keyword_argument && s != AN_SYM_comment) return false; /* **kwargs */
  }
  int eq = an_call_bool_kwarg(m->lang, m->src, e, "eq"), frozen = an_call_bool_kwarg(m->lang, m->src, e, "frozen"), unsafe = an_call_bool_kwarg(m->lang, m->src, e, "unsafe_hash");
  return (eq == -1 || eq == 1) && (frozen == -1 || frozen == 0) && (unsafe == -1 || unsafe == 0);
}

/* Bases: -1 when one cannot be seen through; else the number of module
 * classes among them, the first in *base. *object_only when there are no
 * bases but `object`. */
static int self__bases(AnModel *m, int cls, int *base, bool *object_only) {
  AnClass *k = AN_CLASS(m, cls);
  *base = -1;
  *object_only = true;
  uint32_t n = ts_node_is_null(k->superclasses) ? 0 : ts_node_named_child_count(k->superclasses);
  int count = 0;
  for (uint32_t i = 0; i < n; i++) {
    TSNode b = ts_node_named_child(k->superclasses, i);
    AnSym s = an_sym(m->lang, b);
    if (s == AN_SYM_comment) continue;
    if (s != AN_SYM_identifier && s != AN_SYM_attribute) return -1; /* metaclass=, calls, splats */
    uint32_t len;
    const char *t = an_text(m->src, b, &len);
    if (s == AN_SYM_identifier && an_hash_get(&m->import_map, -1, t, len) < 0) {
      if (len == 6 && memcmp(t, "object", 6) == 0 && an_hash_get(&m->module_names, -1, t, len) == -1) continue;
      int c = an_hash_get(&m->class_map, AN_SCOPE_MODULE, t, len);
      if (c < 0 || c == cls || an_hash_get(&m->module_names, -1, t, len) != -2) return -1;
      if (!count++) *base = c;
      *object_only = false;
      continue;
    }
    const char *dotted = an_dotted(m, b, k->parent_func);
    if (!dotted || self__composite(dotted)) return -1;
    if (!an_dotted_has_prefix(dotted, "tensorflow") && !an_dotted_has_prefix(dotted, "keras") &&
        strcmp(dotted, "abc.ABC") != 0)
      return -1;
    *object_only = false;
  }
  return count;
}

/* Literal __slots__ without "__weakref__": a string or a list/tuple of
 * strings. */
static bool self__slots_without_weakref(AnModel *m, TSNode v) {
  v = an_unparen(m->lang, v);
  AnSym s = an_sym(m->lang, v);
  if (s == AN_SYM_string) return !an_text_eq(m->src, v, "\"__weakref__\"") && !an_text_eq(m->src, v, "'__weakref__'");
  if (s != AN_SYM_list && s != AN_SYM_tuple) return false;
  uint32_t n = ts_node_named_child_count(v);
  for (uint32_t i = 0; i < n; i++) {
    TSNode e = ts_node_named_child(v, i);
    AnSym es = an_sym(m->lang, e);
    if (es == AN_SYM_comment) continue;
    if (es != AN_SYM_string || an_text_eq(m->src, e, "\"__weakref__\"") || an_text_eq(m->src, e, "'__weakref__'"))
      return false;
  }
  return true;
}

/* Why instances of `cls` are unhashable (hash part), following a single
 * base of this module. */
static bool self__unhashable(AnModel *m, int cls, int depth, SelfWhy *out) {
  if (depth > SELF_MAX_DEPTH) return false;
  TSNode dc;
  int base;
  bool object_only, bound;
  if (!self__decorators(m, cls, &dc) || self__bases(m, cls, &base, &object_only) < 0) return false;
  TSNode hash = self__class_value(m, cls, "__hash__", &bound);
  if (bound) {
    if (an_sym(m->lang, an_unparen(m->lang, hash)) != AN_SYM_none) return false;
    out->problem = SELF_HASH_NONE;
    out->cls = cls;
    out->at = hash;
    return true;
  }
  if (self__class_func(m, cls, "__hash__") >= 0) return false;
  int eq = self__class_func(m, cls, "__eq__");
  if (eq >= 0) {
    out->problem = SELF_EQ;
    out->cls = cls;
    out->at = AN_FUNC(m, eq)->name_node;
    return true;
  }
  if (dc.id && self__dataclass_unhashable(m, dc)) {
    out->problem = SELF_DATACLASS;
    out->cls = cls;
    out->at = dc;
    return true;
  }
  if (dc.id) return false;
  /* Inherited: only along a single base of this module (with several,
   * the MRO may find __hash__ in another). */
  int count = self__bases(m, cls, &base, &object_only);
  return count == 1 && AN_CLASS(m, cls)->superclasses.id &&
         ts_node_named_child_count(AN_CLASS(m, cls)->superclasses) == 1 && self__unhashable(m, base, depth + 1, out);
}

/* Instances have no __weakref__ slot: `cls` and every base define
 * __slots__ without it, down to object. */
static bool self__no_weakref(AnModel *m, int cls, int depth, SelfWhy *out) {
  if (depth > SELF_MAX_DEPTH) return false;
  int base;
  bool object_only, bound;
  TSNode dc;
  if (!self__decorators(m, cls, &dc) || dc.id) return false; /* dataclass(slots=True, weakref_slot=...) */
  int count = self__bases(m, cls, &base, &object_only);
  TSNode slots = self__class_value(m, cls, "__slots__", &bound);
  if (count < 0 || !bound || ts_node_is_null(slots) || !self__slots_without_weakref(m, slots)) return false;
  if (!object_only) {
    SelfWhy ignored;
    if (count != 1 || ts_node_named_child_count(AN_CLASS(m, cls)->superclasses) != 1 ||
        !self__no_weakref(m, base, depth + 1, &ignored))
      return false;
  }
  out->problem = SELF_SLOTS;
  out->cls = cls;
  out->at = slots;
  return true;
}

static void self__fix(AnModel *m, AnFinding *f, const SelfWhy *w) {
  if (!f) return;
  if (w->problem == SELF_SLOTS) {
    TSNode v = an_unparen(m->lang, w->at);
    AnSym s = an_sym(m->lang, v);
    if (s != AN_SYM_list && s != AN_SYM_tuple) return;
    uint32_t n = ts_node_named_child_count(v);
    TSNode last = n ? ts_node_named_child(v, n - 1) : v;
    if (!n || an_sym(m->lang, last) == AN_SYM_comment) return;
    /* Weak references then work; nothing else about the instances
     * changes, so the fix is safe. */
    AnFix *fix = an_finding_fix(m, f, "Add \"__weakref__\" to __slots__", true);
    an_fix_edit(m, fix, ts_node_end_byte(last), ts_node_end_byte(last), ", \"__weakref__\"");
    return;
  }
  if (w->problem == SELF_DATACLASS) {
    /* eq=False drops value equality: offered, not applied. */
    TSNode e = an_unparen(m->lang, ts_node_named_child(w->at, 0));
    AnFix *fix;
    if (an_sym(m->lang, e) != AN_SYM_call) {
      fix = an_finding_fix(m, f, "Use @dataclass(eq=False) (instances then compare by identity)", false);
      an_fix_edit(m, fix, ts_node_end_byte(e), ts_node_end_byte(e), "(eq=False)");
      return;
    }
    /* order=True requires eq=True (dataclass raises ValueError). */
    if (an_call_bool_kwarg(m->lang, m->src, e, "eq") != -1 || (an_call_bool_kwarg(m->lang, m->src, e, "order") != -1 && an_call_bool_kwarg(m->lang, m->src, e, "order") != 0))
      return;
    TSNode args = an_field(m->lang, e, AN_FIELD_arguments);
    uint32_t n = ts_node_named_child_count(args);
    TSNode last = n ? ts_node_named_child(args, n - 1) : args;
    if (n && an_sym(m->lang, last) == AN_SYM_comment) return;
    uint32_t at = n ? ts_node_end_byte(last) : ts_node_end_byte(args) - 1;
    fix = an_finding_fix(m, f, "Use @dataclass(eq=False) (instances then compare by identity)", false);
    an_fix_edit(m, fix, at, at, n ? ", eq=False" : "eq=False");
  }
}

static void self__report(AnModel *m, int fi, const SelfWhy *w) {
  AnFunc *fn = AN_FUNC(m, fi);
  AnClass *k = AN_CLASS(m, fn->cls);
  const char *cause, *err, *related;
  /* "'Shifter'" or "'Shifter' derives from 'Scaler', which" */
  const char *who = w->cls == fn->cls ? an_arena_printf(&m->arena, "'%s'", k->name)
                                      : an_arena_printf(&m->arena, "'%s' derives from '%s', which", k->name,
                                                        AN_CLASS(m, w->cls)->name);
  switch (w->problem) {
  case SELF_HASH_NONE:
    cause = "sets __hash__ = None";
    related = "__hash__ is set to None here";
    break;
  case SELF_EQ:
    cause = "defines __eq__ without __hash__, so Python sets __hash__ to None";
    related = "__eq__ without __hash__ makes instances unhashable";
    break;
  case SELF_DATACLASS:
    cause = "is a dataclass with eq=True that is not frozen, so its __hash__ is None";
    related = "this dataclass sets __hash__ to None";
    break;
  default:
    cause = "defines __slots__ without \"__weakref__\"";
    related = "__slots__ without \"__weakref__\": no weak references to instances";
    break;
  }
  err = w->problem == SELF_SLOTS ? an_arena_printf(&m->arena, "TypeError: cannot create weak reference to '%s' object", k->name)
                                 : an_arena_printf(&m->arena, "TypeError: unhashable type: '%s'", k->name);
  AnFinding *f = an_emit_node(m, AN_RULE_METHOD_SELF_NOT_HASHABLE, fn->name_node, fi,
                              "'%s' is a tf.function method, which keeps one Function per instance in a weak-keyed "
                              "dictionary, but %s %s: the first call through an instance fails (%s)",
                              fn->qualname, who, cause, err);
  if (!f) return;
  an_finding_related(m, f, w->at, "%s", related);
  self__fix(m, f, w);
}

void an_check_HY311(AnModel *m) {
  static const char *const not_instance[] = {"builtins.staticmethod", "builtins.classmethod", NULL};
  for (uint32_t i = 0; i < m->funcs.count && !m->arena.failed; i++) {
    AnFunc *fn = AN_FUNC(m, i);
    if (fn->cls < 0 || fn->via != AN_VIA_DECORATOR || !fn->param_count || !fn->params[0].is_self ||
        ts_node_is_null(fn->name_node))
      continue;
    if (!ts_node_is_null(an_decorator_named(m, (int)i, not_instance))) continue;
    SelfWhy w = {SELF_OK, -1, {{0}, NULL, NULL}};
    if (self__unhashable(m, fn->cls, 0, &w) || self__no_weakref(m, fn->cls, 0, &w)) self__report(m, (int)i, &w);
  }
}
