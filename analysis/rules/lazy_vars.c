/* Exposed state: variables Keras creates lazily. HY402 another optimizer
 * or unbuilt Keras model passed to a tf.function, whose retrace then
 * creates variables; HY403 a model's variable list read before the model
 * is built, which is an empty list.
 *
 * Both need to know that an object has not been used yet ("unbuilt"): the
 * proof is that no call of the module touches its name (calls it, calls a
 * method on it, passes it on) where that could happen first, and that no
 * assignment or return hands it elsewhere. A name is matched by spelling
 * in every scope, which can only make the rules quieter. */
#include <stdint.h>
#include <string.h>

#include "analysis/rules/rules.h"

#define LAZY_MAX_REPORTED 64

/* --- names and calls ----------------------------------------------------- */

static bool lazy__ident(AnModel *m, TSNode n, const char *name, uint32_t len) {
  n = an_unparen(m->lang, n);
  if (an_sym(m->lang, n) != AN_SYM_identifier) return false;
  uint32_t tl;
  const char *t = an_text(m->src, n, &tl);
  return tl == len && memcmp(t, name, len) == 0;
}

/* The only binding of `name` in the innermost scope from `func` outwards
 * that binds it (*scope gets that scope); -1 when that scope binds it more
 * than once or not by a plain assignment, or a parameter hides it. */
static int lazy__binding(AnModel *m, const char *name, uint32_t len, int func, int *scope) {
  for (int f = func;; f = AN_FUNC(m, f)->parent) {
    int b = an_hash_get(&m->binding_map, f, name, len);
    if (b >= 0) {
      AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, b);
      if (bd->next >= 0 || bd->from_for || bd->from_unpack || ts_node_is_null(bd->value)) return -1;
      if (an_sym(m->lang, bd->value) == AN_SYM_augmented_assignment) return -1;
      *scope = f;
      return b;
    }
    if (f < 0) return -1;
    AnFunc *fn = AN_FUNC(m, f);
    for (uint32_t i = 0; i < fn->param_count; i++)
      if (strlen(fn->params[i].name) == len && memcmp(fn->params[i].name, name, len) == 0) return -1;
  }
}

/* The identifiers a call uses as objects: its callee `name(...)`, the
 * object of a method call other than compile() (which creates no
 * variables), and its direct arguments. */
typedef void (*LazyNameFn)(AnModel *m, TSNode id, uint32_t owner, int kind);

#define LAZY_BY_CALL 0
#define LAZY_BY_SITE 1

/* `cur` is a cursor reused across calls (creating one allocates). */
static void lazy__call_names(AnModel *m, const AnCall *c, uint32_t id, LazyNameFn fn, TSTreeCursor *cur) {
  TSNode callee = an_unparen(m->lang, c->fn);
  if (an_sym(m->lang, callee) == AN_SYM_identifier) fn(m, callee, id, LAZY_BY_CALL);
  if (!ts_node_is_null(c->object) && !(c->method && strcmp(c->method, "compile") == 0)) {
    TSNode o = an_unparen(m->lang, c->object);
    if (an_sym(m->lang, o) == AN_SYM_identifier) fn(m, o, id, LAZY_BY_CALL);
  }
  /* The arguments are normally the call's last named child, found much
   * more cheaply than by a field lookup. */
  uint32_t n = ts_node_named_child_count(c->node);
  TSNode args = n ? ts_node_named_child(c->node, n - 1) : c->node;
  if (an_sym(m->lang, args) != AN_SYM_argument_list) args = an_field(m->lang, c->node, AN_FIELD_arguments);
  if (an_sym(m->lang, args) != AN_SYM_argument_list || ts_node_named_child_count(args) == 0) return;
  ts_tree_cursor_reset(cur, args);
  for (bool ok = ts_tree_cursor_goto_first_child(cur); ok; ok = ts_tree_cursor_goto_next_sibling(cur)) {
    TSNode a = ts_tree_cursor_current_node(cur);
    AnSym s = an_sym(m->lang, a);
    if (s == AN_SYM_keyword_argument) a = an_field(m->lang, a, AN_FIELD_value);
    else if (s == AN_SYM_list_splat || s == AN_SYM_dictionary_splat) a = ts_node_named_child(a, 0);
    else if (s != AN_SYM_identifier && s != AN_SYM_parenthesized_expression) continue;
    a = an_unparen(m->lang, a);
    if (!ts_node_is_null(a) && an_sym(m->lang, a) == AN_SYM_identifier) fn(m, a, id, LAZY_BY_CALL);
  }
}

/* The names an assignment or return hands on (`m2 = model`, `models =
 * [model]`, `return model`): the value itself, or the elements of a list,
 * tuple, set or dict display. */
static void lazy__held_names(AnModel *m, TSNode v, uint32_t id, LazyNameFn fn) {
  v = an_unparen(m->lang, v);
  AnSym s = an_sym(m->lang, v);
  if (s == AN_SYM_identifier) {
    fn(m, v, id, LAZY_BY_SITE);
    return;
  }
  if (s != AN_SYM_list && s != AN_SYM_tuple && s != AN_SYM_set && s != AN_SYM_dictionary && s != AN_SYM_expression_list)
    return;
  uint32_t n = ts_node_named_child_count(v);
  for (uint32_t i = 0; i < n; i++) {
    TSNode el = ts_node_named_child(v, i);
    if (an_sym(m->lang, el) == AN_SYM_pair) el = an_field(m->lang, el, AN_FIELD_value);
    el = an_unparen(m->lang, el);
    if (!ts_node_is_null(el) && an_sym(m->lang, el) == AN_SYM_identifier) fn(m, el, id, LAZY_BY_SITE);
  }
}

/* Per name, the calls that use it and the sites that hand it on. The first
 * few names asked about are indexed one at a time, looking closely only at
 * calls and sites whose text contains the name (most modules ask about one
 * or two); after that every name is indexed in one pass. */
typedef struct LazyEntry {
  uint32_t id;  /* call or site index */
  int32_t next; /* the previous entry of the same name and kind, -1 */
} LazyEntry;

typedef struct AnLazyUses {
  AnHash heads;   /* (LAZY_BY_CALL or LAZY_BY_SITE, name) -> last entry */
  AnHash indexed; /* (0, name) -> 1 once the name is indexed */
  AnVec entries;
  const char *want; /* the name being indexed, NULL for every name */
  uint32_t want_len;
  uint32_t names; /* indexed one by one so far */
  bool all;       /* every name is indexed */
  int32_t *fresh_callee; /* per binding: the callee lazy__fresh_name last answered for */
  bool *fresh;           /* and its answer */
} AnLazyUses;

/* Past this many names, one pass over every argument is cheaper than a
 * filtered pass per name. */
#define LAZY_NAMES_ONE_BY_ONE 4u

static void lazy__index_name(AnModel *m, TSNode id, uint32_t owner, int kind) {
  AnLazyUses *u = m->lazy_uses;
  uint32_t len;
  const char *t = an_text(m->src, id, &len);
  if (u->want ? len != u->want_len || memcmp(t, u->want, len) != 0
             : an_hash_get(&u->indexed, 0, t, len) >= 0) /* indexed on its own before */
    return;
  int prev = an_hash_get(&u->heads, kind, t, len);
  if (prev >= 0 && AN_VEC_AT(u->entries, LazyEntry, prev).id == owner) return; /* `f(x, x)` */
  LazyEntry *e = an_vec_push(&m->arena, &u->entries, sizeof *e);
  if (!e) return;
  e->id = owner;
  e->next = prev;
  an_hash_put(&m->arena, &u->heads, kind, t, len, (int)(u->entries.count - 1));
}

/* True when the text of `n` contains `name` (a cheap filter). */
static bool lazy__mentions(AnModel *m, TSNode n, const char *name, uint32_t len) {
  uint32_t tlen;
  const char *t = an_text(m->src, n, &tlen);
  return memmem(t, tlen, name, len) != NULL;
}

static AnLazyUses *lazy__uses(AnModel *m, const char *name, uint32_t len) {
  if (!m->lazy_uses) {
    m->lazy_uses = an_arena_alloc(&m->arena, sizeof *m->lazy_uses);
    if (!m->lazy_uses) return NULL;
    memset(m->lazy_uses, 0, sizeof *m->lazy_uses);
  }
  AnLazyUses *u = m->lazy_uses;
  if (u->all || an_hash_get(&u->indexed, 0, name, len) >= 0) return u;
  if (u->names < LAZY_NAMES_ONE_BY_ONE) {
    u->names++;
    an_hash_put(&m->arena, &u->indexed, 0, name, len, 1);
    u->want = name;
    u->want_len = len;
  } else {
    u->all = true;
    u->want = NULL;
  }
  TSTreeCursor cur = ts_tree_cursor_new(m->root);
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (!u->want || lazy__mentions(m, c->node, name, len)) lazy__call_names(m, c, i, lazy__index_name, &cur);
  }
  ts_tree_cursor_delete(&cur);
  for (uint32_t i = 0; i < m->sites.count; i++) {
    AnSite *s = &AN_VEC_AT(m->sites, AnSite, i);
    if (s->kind != AN_SITE_ASSIGN && s->kind != AN_SITE_RETURN) continue;
    if (u->want && !lazy__mentions(m, s->node, name, len)) continue;
    TSNode v = {{0}, NULL, NULL};
    if (s->kind == AN_SITE_ASSIGN) v = an_field(m->lang, s->node, AN_FIELD_right);
    else if (ts_node_named_child_count(s->node)) v = ts_node_named_child(s->node, 0);
    if (!ts_node_is_null(v)) lazy__held_names(m, v, i, lazy__index_name);
  }
  return u;
}

/* The last entry of `name` of one kind (iterate with .next), -1. */
static int lazy__first_use(AnModel *m, const char *name, uint32_t len, int kind) {
  AnLazyUses *u = lazy__uses(m, name, len);
  return u ? an_hash_get(&u->heads, kind, name, len) : -1;
}

#define LAZY_ENTRY(m, k) (&AN_VEC_AT((m)->lazy_uses->entries, LazyEntry, (k)))

/* An assignment or return somewhere hands the object on. */
static bool lazy__escapes(AnModel *m, const char *name, uint32_t len) {
  return lazy__first_use(m, name, len, LAZY_BY_SITE) >= 0;
}

/* True when the call uses the object named `name` (see lazy__call_names). */
static bool lazy__touches(AnModel *m, const AnCall *c, const char *name, uint32_t len) {
  uint32_t id = (uint32_t)(c - &AN_VEC_AT(m->calls, AnCall, 0));
  for (int k = lazy__first_use(m, name, len, LAZY_BY_CALL); k >= 0; k = LAZY_ENTRY(m, k)->next) {
    if (LAZY_ENTRY(m, k)->id == id) return true;
    if (LAZY_ENTRY(m, k)->id < id) break; /* entries run backwards in document order */
  }
  return false;
}

/* A call that may use the object before a later point: one that touches
 * it, or a call of a function of this module that touches it or calls
 * another function of this module (not followed further). */
static bool lazy__may_use(AnModel *m, const AnCall *c, const char *name, uint32_t len) {
  if (lazy__touches(m, c, name, len)) return true;
  if (c->callee < 0) return false;
  bool used = false;
  AN_FOR_CALLS_OF(m, c->callee, d) {
    if (!used) used = d->callee >= 0 || lazy__touches(m, d, name, len);
  }
  return used;
}

/* The first call (index) starting at or after byte `at`. */
static uint32_t lazy__call_from(AnModel *m, uint32_t at) {
  uint32_t lo = 0, hi = m->calls.count;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (ts_node_start_byte(AN_VEC_AT(m->calls, AnCall, mid).node) < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* No call in scope `func` lying within [from, to] may use the object. */
static bool lazy__unused_between(AnModel *m, int func, uint32_t from, uint32_t to, const char *name, uint32_t len) {
  if (func >= 0) {
    AN_FOR_CALLS_OF(m, func, c) {
      uint32_t s = ts_node_start_byte(c->node), e = ts_node_end_byte(c->node);
      if (s >= from && e <= to && lazy__may_use(m, c, name, len)) return false;
    }
    return true;
  }
  /* Module level: the calls are in document order. */
  for (uint32_t i = lazy__call_from(m, from); i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (ts_node_start_byte(c->node) >= to) break;
    if (c->ctx.func == func && ts_node_end_byte(c->node) <= to && lazy__may_use(m, c, name, len)) return false;
  }
  return true;
}

/* --- HY403 stale-variable-collection-read -------------------------------- */

static const char *const lazy__collections[] = {"trainable_variables", "trainable_weights", "variables", "weights",
                                                NULL};

/* `model.trainable_variables` (and the other collections) on a name. */
static bool lazy__collection_read(AnModel *m, TSNode e) {
  e = an_unparen(m->lang, e);
  if (an_sym(m->lang, e) != AN_SYM_attribute) return false;
  if (an_sym(m->lang, an_unparen(m->lang, an_field(m->lang, e, AN_FIELD_object))) != AN_SYM_identifier) return false;
  TSNode attr = an_field(m->lang, e, AN_FIELD_attribute);
  for (int i = 0; lazy__collections[i]; i++)
    if (an_text_eq(m->src, attr, lazy__collections[i])) return true;
  return false;
}

/* The class (or a base class of this module) builds itself in __init__:
 * it calls build() or itself, or hands arguments to a base __init__ (a
 * functional model's inputs=). */
static AnClassStep lazy__builds(AnModel *m, int cls, void *ctx) {
  int init = an_hash_get(&m->func_map, AN_SCOPE_CLASS(cls), "__init__", 8);
  bool builds = false;
  if (init >= 0) {
    AN_FOR_CALLS_OF(m, init, c) {
      if (builds) continue;
      if (c->method && strcmp(c->method, "build") == 0) builds = true;
      if (c->method && strcmp(c->method, "__init__") == 0 && an_call_argc(m->lang, c->node) > 0) builds = true;
      if (lazy__ident(m, c->fn, "self", 4)) builds = true;
    }
  }
  return builds ? AN_CLASS_FOUND : AN_CLASS_GO;
}

/* (Bases deeper than 8 levels count as building.) */
static bool lazy__self_building(AnModel *m, int cls) {
  AnClassSearch s = {.max_depth = 8, .overflow_found = true, .visit = lazy__builds};
  return an_class_search(m, cls, &s) != -1;
}

/* What an API call does with the variable list it is given. */
typedef struct LazySink {
  const AnCall *call;
  TSNode source;     /* the argument holding the variable list */
  const char *effect;
} LazySink;

static bool lazy__sink(AnModel *m, const AnCall *c, LazySink *out) {
  out->call = c;
  if (strcmp(c->method, "gradient") == 0) {
    out->source = an_call_arg(m->lang, c->node, 1);
    if (ts_node_is_null(out->source)) out->source = an_call_kwarg(m->lang, m->src, c->node, "sources");
    out->effect = "tape.gradient gets no sources and returns no gradients";
  } else if (strcmp(c->method, "apply_gradients") == 0) {
    TSNode a = an_call_arg(m->lang, c->node, 0);
    if (ts_node_is_null(a)) a = an_call_kwarg(m->lang, m->src, c->node, "grads_and_vars");
    a = an_unparen(m->lang, a);
    if (an_sym(m->lang, a) != AN_SYM_call) return false;
    const char *d = an_dotted(m, an_field(m->lang, a, AN_FIELD_function), c->ctx.func);
    if (!d || strcmp(d, "builtins.zip") != 0) return false;
    out->source = an_call_arg(m->lang, a, 1);
    out->effect = "apply_gradients gets no variables and updates nothing";
  } else if (strcmp(c->method, "minimize") == 0) {
    out->source = an_call_arg(m->lang, c->node, 1);
    if (ts_node_is_null(out->source)) out->source = an_call_kwarg(m->lang, m->src, c->node, "var_list");
    out->effect = "minimize gets no variables and updates nothing";
  } else {
    return false;
  }
  return !ts_node_is_null(out->source);
}

/* The first `model(...)` call in `func` starting after `from`, null. */
static TSNode lazy__first_call_of(AnModel *m, int func, uint32_t from, const char *name, uint32_t len) {
  TSNode first = {{0}, NULL, NULL};
  for (int k = lazy__first_use(m, name, len, LAZY_BY_CALL); k >= 0; k = LAZY_ENTRY(m, k)->next) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, LAZY_ENTRY(m, k)->id);
    if (ts_node_start_byte(c->node) <= from) break;
    if (c->ctx.func == func && lazy__ident(m, c->fn, name, len)) first = c->node;
  }
  return first;
}

/* Where scope `outer` first starts running function `inner`: a call of it
 * in `outer`, or of a function of `outer` calling it (then *via gets that
 * function and *via_call the call of `inner` in it); UINT32_MAX when none. */
static uint32_t lazy__entry(AnModel *m, int inner, int outer, int *via, uint32_t *via_call) {
  uint32_t best = UINT32_MAX;
  *via = -1;
  AnCallIds to = an_calls_to(m, inner);
  for (uint32_t i = 0; i < to.count; i++) {
    AnCall *c = AN_CALL_AT(m, to, i);
    if (c->ctx.func == outer) {
      if (ts_node_start_byte(c->node) < best) best = ts_node_start_byte(c->node), *via = -1;
      continue;
    }
    if (c->ctx.func < 0) continue;
    AnCallIds up = an_calls_to(m, c->ctx.func);
    for (uint32_t k = 0; k < up.count; k++) {
      AnCall *u = AN_CALL_AT(m, up, k);
      if (u->ctx.func == outer && ts_node_start_byte(u->node) < best) {
        best = ts_node_start_byte(u->node);
        *via = c->ctx.func;
        *via_call = ts_node_start_byte(c->node);
      }
    }
  }
  return best;
}

/* The model named by `read`'s object is provably unbuilt when `read` runs
 * in scope `scope`: an instance of a subclassed Keras model of this module
 * that does not build itself, not used before. */
static bool lazy__unbuilt_at(AnModel *m, TSNode read, int scope, const char *name, uint32_t len) {
  int home;
  int b = lazy__binding(m, name, len, scope, &home);
  if (b < 0) return false;
  AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, b);
  int cls = an_constructed_class(m, bd->value);
  if (cls < 0 || !an_keras_model_class(m, cls) || lazy__self_building(m, cls)) return false;
  uint32_t at = ts_node_start_byte(read);
  if (lazy__escapes(m, name, len)) return false;
  if (home == scope) {
    /* Made in the same body: a model made inside graph code is HY401's
     * business (and is new on every trace). */
    if (bd->at >= at || an_in_graph(m, scope)) return false;
    return lazy__unused_between(m, scope, bd->at, at, name, len);
  }
  if (!lazy__unused_between(m, scope, ts_node_start_byte(AN_FUNC(m, scope)->node), at, name, len)) return false;
  /* Made in an enclosing scope: nothing there may use it before that scope
   * first runs this function. */
  int via;
  uint32_t via_call = 0;
  uint32_t entry = lazy__entry(m, scope, home, &via, &via_call);
  if (entry == UINT32_MAX || entry < bd->at) return false;
  if (!lazy__unused_between(m, home, bd->at, entry, name, len)) return false;
  return via < 0 || lazy__unused_between(m, via, ts_node_start_byte(AN_FUNC(m, via)->node), via_call, name, len);
}

static bool lazy__reported(uint32_t *seen, uint32_t *count, uint32_t at) {
  for (uint32_t i = 0; i < *count; i++)
    if (seen[i] == at) return true;
  if (*count < LAZY_MAX_REPORTED) seen[(*count)++] = at;
  return false;
}

static void lazy__stale(AnModel *m, const LazySink *k, uint32_t *seen, uint32_t *nseen) {
  const AnCall *c = k->call;
  TSNode src = an_unparen(m->lang, k->source), read;
  int scope = c->ctx.func;
  const char *held = NULL; /* the name the list is kept in */
  if (lazy__collection_read(m, src)) {
    read = src;
  } else if (an_sym(m->lang, src) == AN_SYM_identifier) {
    uint32_t len;
    const char *t = an_text(m->src, src, &len);
    int b = lazy__binding(m, t, len, c->ctx.func, &scope);
    if (b < 0) return;
    read = an_unparen(m->lang, AN_VEC_AT(m->bindings, AnBinding, b).value);
    if (!lazy__collection_read(m, read) || ts_node_start_byte(read) > ts_node_start_byte(c->node)) return;
    held = an_arena_strndup(&m->arena, t, len);
  } else {
    return;
  }
  TSNode obj = an_unparen(m->lang, an_field(m->lang, read, AN_FIELD_object));
  uint32_t len;
  const char *name = an_text(m->src, obj, &len);
  /* Cheap first: a name bound to a subclassed Keras model of this module. */
  int home;
  int mb = lazy__binding(m, name, len, scope, &home);
  if (mb < 0) return;
  int cls = an_constructed_class(m, AN_VEC_AT(m->bindings, AnBinding, mb).value);
  if (cls < 0 || !an_keras_model_class(m, cls)) return;
  /* The model must get called later: in the body of the read, or in the
   * function that uses a list kept from before. */
  TSNode first = lazy__first_call_of(m, scope, ts_node_start_byte(read), name, len);
  if (ts_node_is_null(first) && scope != c->ctx.func) first = lazy__first_call_of(m, c->ctx.func, 0, name, len);
  if (ts_node_is_null(first) || !lazy__unbuilt_at(m, read, scope, name, len)) return;
  if (lazy__reported(seen, nseen, ts_node_start_byte(read))) return;
  AnFinding *f;
  if (scope == c->ctx.func && an_in_graph(m, scope))
    f = an_emit_node(m, AN_RULE_STALE_VARIABLE_COLLECTION_READ, read, scope,
                     "'%s' is read before '%.*s' is first called or built, so the first trace of '%s' sees an empty "
                     "list: %s (Keras optimizers before 2.11 raise ValueError: No gradients provided for any "
                     "variable). Read it after the model's first call",
                     an_snippet(m, read), (int)len, name, an_func_label(m, scope), k->effect);
  else if (scope == c->ctx.func)
    f = an_emit_node(m, AN_RULE_STALE_VARIABLE_COLLECTION_READ, read, scope,
                     "'%s' is read before '%.*s' is first called or built, so it is an empty list on the first "
                     "step: %s, and that step trains nothing (Keras optimizers before 2.11 raise ValueError: No gradients "
                     "provided for any variable). Read it after the model's first call",
                     an_snippet(m, read), (int)len, name, k->effect);
  else
    f = an_emit_node(m, AN_RULE_STALE_VARIABLE_COLLECTION_READ, read, scope,
                     "'%s' is read before '%.*s' is first called or built, so '%s' keeps an empty list: %s on every "
                     "step, and the model never trains (Keras optimizers before 2.11 raise ValueError: No gradients "
                     "provided for any variable). Read the model's variables where they are used, after its first "
                     "call",
                     an_snippet(m, read), (int)len, name, held ? held : an_snippet(m, read), k->effect);
  if (!f) return;
  an_finding_related(m, f, c->node, "the variable list is used here");
  an_finding_related(m, f, first, "'%.*s' is first called here", (int)len, name);
  if (an_in_graph(m, scope)) an_finding_related_chain(m, f, scope);
}

void an_check_HY403(AnModel *m) {
  uint32_t seen[LAZY_MAX_REPORTED], nseen = 0;
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    LazySink k;
    if (!c->method || !lazy__sink(m, c, &k)) continue;
    lazy__stale(m, &k, seen, &nseen);
    if (m->arena.failed) return;
  }
}

/* --- HY402 variable-created-on-retrace ----------------------------------- */

typedef enum LazyUse { LAZY_USE_NONE = 0, LAZY_USE_OPTIMIZER, LAZY_USE_MODEL } LazyUse;

/* An argument for a parameter that creates variables the first time it is
 * used: a new optimizer (slots on apply_gradients) or a new Keras layer or
 * subclassed model (weights on the first call). */
typedef struct LazyObject {
  TSNode arg;   /* as passed */
  TSNode made;  /* the constructor call */
  int binding;  /* the name's binding, -1 for a constructor in the call */
} LazyObject;

static bool lazy__creates_for(AnModel *m, TSNode v, int func, LazyUse use) {
  v = an_unparen(m->lang, v);
  if (an_sym(m->lang, v) != AN_SYM_call) return false;
  TSNode fn = an_field(m->lang, v, AN_FIELD_function);
  const char *what = an_variable_creator(an_dotted(m, fn, func));
  if (use == LAZY_USE_OPTIMIZER) return what && strcmp(what, "an optimizer") == 0;
  if (what) return strcmp(what, "a Keras layer") == 0;
  int cls = an_constructed_class(m, v);
  return cls >= 0 && an_keras_model_class(m, cls) && !lazy__self_building(m, cls);
}

/* False when, seen from `func`, the name is certainly another object than
 * binding `b` (a parameter or another single binding hides it). */
static bool lazy__may_be(AnModel *m, const char *name, uint32_t len, int func, int b) {
  for (int f = func;; f = AN_FUNC(m, f)->parent) {
    int k = an_hash_get(&m->binding_map, f, name, len);
    if (k >= 0) {
      for (; k >= 0; k = AN_VEC_AT(m->bindings, AnBinding, k).next)
        if (k == b) return true;
      return AN_VEC_AT(m->bindings, AnBinding, an_hash_get(&m->binding_map, f, name, len)).next >= 0;
    }
    if (f < 0) return false;
    AnFunc *fn = AN_FUNC(m, f);
    for (uint32_t i = 0; i < fn->param_count; i++)
      if (strlen(fn->params[i].name) == len && memcmp(fn->params[i].name, name, len) == 0) return false;
  }
}

/* No call of the module except the calls of `callee` uses the object of
 * binding `b`. */
static bool lazy__fresh_name_uncached(AnModel *m, const char *name, uint32_t len, int callee, int b) {
  if (lazy__escapes(m, name, len)) return false;
  /* A local of function F is seen only by code inside F's text. */
  int scope = AN_VEC_AT(m->bindings, AnBinding, b).scope;
  uint32_t lo = 0, hi = UINT32_MAX;
  if (scope >= 0) {
    lo = ts_node_start_byte(AN_FUNC(m, scope)->node);
    hi = ts_node_end_byte(AN_FUNC(m, scope)->node);
  }
  for (int k = lazy__first_use(m, name, len, LAZY_BY_CALL); k >= 0; k = LAZY_ENTRY(m, k)->next) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, LAZY_ENTRY(m, k)->id);
    uint32_t at = ts_node_start_byte(c->node);
    if (at < lo || at >= hi) continue;
    if (c->callee != callee && lazy__may_be(m, name, len, c->ctx.func, b)) return false;
  }
  return true;
}

/* The answer depends only on the binding and the callee, and one object
 * is typically passed at many call sites of one function: remembered per
 * binding (for its last callee), or the uses of a name used everywhere
 * (`model`) would be read once per call site. */
static bool lazy__fresh_name(AnModel *m, const char *name, uint32_t len, int callee, int b) {
  AnLazyUses *u = m->lazy_uses ? m->lazy_uses : lazy__uses(m, name, len);
  if (u && !u->fresh_callee && m->bindings.count) {
    u->fresh_callee = an_arena_alloc(&m->arena, sizeof *u->fresh_callee * m->bindings.count);
    u->fresh = an_arena_alloc(&m->arena, sizeof *u->fresh * m->bindings.count);
    if (u->fresh_callee)
      for (uint32_t i = 0; i < m->bindings.count; i++) u->fresh_callee[i] = INT32_MIN;
  }
  if (!u || !u->fresh_callee || !u->fresh) return lazy__fresh_name_uncached(m, name, len, callee, b);
  if (u->fresh_callee[b] != callee) {
    u->fresh[b] = lazy__fresh_name_uncached(m, name, len, callee, b);
    u->fresh_callee[b] = callee;
  }
  return u->fresh[b];
}

static bool lazy__object(AnModel *m, const AnCall *c, TSNode arg, LazyUse use, int callee, LazyObject *out) {
  out->arg = arg;
  out->binding = -1;
  TSNode v = an_unparen(m->lang, arg);
  if (an_sym(m->lang, v) == AN_SYM_identifier) {
    uint32_t len;
    const char *t = an_text(m->src, v, &len);
    int scope;
    int b = lazy__binding(m, t, len, c->ctx.func, &scope);
    if (b < 0) return false;
    out->binding = b;
    v = an_unparen(m->lang, AN_VEC_AT(m->bindings, AnBinding, b).value);
    if (!lazy__creates_for(m, v, scope, use) || !lazy__fresh_name(m, t, len, callee, b)) return false;
  } else if (!lazy__creates_for(m, v, c->ctx.func, use)) {
    return false;
  }
  out->made = v;
  return true;
}

/* The argument call `c` passes for parameter `p` of `f`, null. */
static TSNode lazy__arg_for(AnModel *m, const AnCall *c, const AnFunc *f, uint32_t p) {
  TSNode none = {{0}, NULL, NULL};
  TSNode args = an_field(m->lang, c->node, AN_FIELD_arguments);
  uint32_t n = an_sym(m->lang, args) == AN_SYM_argument_list ? ts_node_named_child_count(args) : 0;
  for (uint32_t i = 0; i < n; i++) {
    AnSym s = an_sym(m->lang, ts_node_named_child(args, i));
    if (s == AN_SYM_list_splat || s == AN_SYM_dictionary_splat) return none; /* positions unknown */
  }
  uint32_t skip = an_callee_binds_self(m, c->fn, f) ? 1 : 0;
  if (p < skip || f->params[p].kwonly) return an_call_kwarg(m->lang, m->src, c->node, f->params[p].name);
  TSNode a = an_call_arg(m->lang, c->node, p - skip);
  return ts_node_is_null(a) ? an_call_kwarg(m->lang, m->src, c->node, f->params[p].name) : a;
}

/* Where a call site runs repeatedly or together with others: its innermost
 * loop, else its function's node, else null (module level). */
static TSNode lazy__region(AnModel *m, const AnCall *c) {
  TSNode path[AN_MAX_ANCESTORS];
  int depth = an_ancestors(m, c->node, c->ctx.func, path, AN_MAX_ANCESTORS);
  for (int i = depth - 1; i >= 0; i--) {
    AnSym s = an_sym(m->lang, path[i]);
    if (s == AN_SYM_function_definition || s == AN_SYM_lambda) return path[i];
    if ((s == AN_SYM_for_statement || s == AN_SYM_while_statement) && i + 1 < depth &&
        ts_node_eq(an_field(m->lang, path[i], AN_FIELD_body), path[i + 1]))
      return path[i];
  }
  TSNode none = {{0}, NULL, NULL};
  return none;
}

static const char *lazy__what(LazyUse use) {
  return use == LAZY_USE_OPTIMIZER ? "optimizer" : "unbuilt Keras model or layer";
}

static const char *lazy__creates(LazyUse use) {
  return use == LAZY_USE_OPTIMIZER ? "its first update creates the optimizer's slot variables"
                                   : "calling it creates the model's weights";
}

static void lazy__report(AnModel *m, const AnCall *c, int fi, uint32_t p, LazyUse use, const LazyObject *o,
                         const LazyObject *first, TSNode use_node) {
  AnFunc *f = AN_FUNC(m, fi);
  AnFinding *fd;
  const char *fix = use == LAZY_USE_OPTIMIZER ? "Use one tf.function per optimizer (wrap the plain step function "
                                                "once for each)"
                                              : "Build each model before training (model.build(input_shape)) or use "
                                                "one tf.function per model";
  if (!first)
    fd = an_emit_node(m, AN_RULE_VARIABLE_CREATED_ON_RETRACE, o->arg, c->ctx.func,
                      "'%s' is a new %s on every iteration of this loop, passed to tf.function '%s' (parameter '%s'): "
                      "each new object makes it trace again, and in that later trace %s, which tf.function allows "
                      "only on its first call (ValueError: tf.function only supports singleton tf.Variables created "
                      "on the first call). %s",
                      an_snippet(m, o->arg), lazy__what(use), f->qualname, f->params[p].name, lazy__creates(use), fix);
  else
    fd = an_emit_node(m, AN_RULE_VARIABLE_CREATED_ON_RETRACE, o->arg, c->ctx.func,
                      "'%s' is another %s than the '%s' passed to tf.function '%s' (parameter '%s') on line %u: the "
                      "new object makes it trace again, and in that later trace %s, which tf.function allows only "
                      "on its first call (ValueError: tf.function only supports singleton tf.Variables created on "
                      "the first call). %s",
                      an_snippet(m, o->arg), lazy__what(use), an_snippet(m, first->arg), f->qualname,
                      f->params[p].name, ts_node_start_point(first->arg).row + 1, lazy__creates(use), fix);
  if (!fd) return;
  an_finding_related(m, fd, ts_node_is_null(f->hybrid_site) ? f->node : f->hybrid_site, "'%s' is a tf.function",
                     f->qualname);
  if (first) an_finding_related(m, fd, first->arg, "the first %s passed", lazy__what(use));
  if (!an_node_within(o->made, o->arg)) an_finding_related(m, fd, o->made, "'%s' is made here", an_snippet(m, o->arg));
  an_finding_related(m, fd, use_node, "'%s' creates variables here on its first use", f->params[p].name);
}

/* The fresh-object case: a site in a loop given an object made anew on
 * every iteration. */
static bool lazy__new_per_iteration(AnModel *m, const AnCall *c, TSNode region, const LazyObject *o) {
  if (ts_node_is_null(region) || an_sym(m->lang, region) == AN_SYM_function_definition ||
      an_sym(m->lang, region) == AN_SYM_lambda)
    return false;
  if (!an_runs_unconditionally(m, c->node, region, c->ctx.func)) return false;
  if (o->binding < 0) return true;
  AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, o->binding);
  return bd->scope == c->ctx.func && an_node_within(bd->value, region) &&
         an_runs_unconditionally(m, an_unparen(m->lang, bd->value), region, c->ctx.func);
}

static void lazy__param(AnModel *m, int fi, uint32_t p, LazyUse use, TSNode use_node) {
  AnFunc *f = AN_FUNC(m, fi);
  LazyObject first = {{{0}, NULL, NULL}, {{0}, NULL, NULL}, -1};
  const AnCall *first_call = NULL;
  TSNode first_region = {{0}, NULL, NULL};
  AnCallIds to = an_calls_to(m, fi);
  for (uint32_t i = 0; i < to.count; i++) {
    AnCall *c = AN_CALL_AT(m, to, i);
    if (an_in_graph(m, c->ctx.func)) continue;
    TSNode arg = lazy__arg_for(m, c, f, p);
    LazyObject o;
    if (ts_node_is_null(arg) || !lazy__object(m, c, arg, use, fi, &o)) continue;
    TSNode region = lazy__region(m, c);
    if (lazy__new_per_iteration(m, c, region, &o)) {
      lazy__report(m, c, fi, p, use, &o, NULL, use_node);
      return;
    }
    /* Two sites that both run, one after the other, in the same body. */
    if (o.binding < 0 || !an_runs_unconditionally(m, c->node, region, c->ctx.func)) continue;
    if (!first_call) {
      first = o;
      first_call = c;
      first_region = region;
      continue;
    }
    if (first_call->ctx.func != c->ctx.func || !ts_node_eq(first_region, region) || o.binding == first.binding)
      continue;
    /* `step1 = tf.function(f)` and `step2 = tf.function(f)` are two
     * Functions: the same Function is called only through the same name. */
    uint32_t l1, l2;
    const char *t1 = an_text(m->src, first_call->fn, &l1), *t2 = an_text(m->src, c->fn, &l2);
    if (l1 != l2 || memcmp(t1, t2, l1) != 0) continue;
    lazy__report(m, c, fi, p, use, &o, &first, use_node);
    return;
  }
}

#define LAZY_MAX_PARAMS 32

void an_check_HY402(AnModel *m) {
  for (uint32_t fi = 0; fi < m->funcs.count; fi++) {
    AnFunc *f = AN_FUNC(m, fi);
    if ((f->via != AN_VIA_DECORATOR && f->via != AN_VIA_CALL) || !ts_node_is_null(f->tf.input_signature)) continue;
    uint32_t np = f->param_count < LAZY_MAX_PARAMS ? f->param_count : LAZY_MAX_PARAMS;
    if (!np) continue;
    /* How the body first uses each parameter: `p.apply_gradients(...)` /
     * `p.minimize(...)`, or `p(...)`. */
    LazyUse use[LAZY_MAX_PARAMS] = {LAZY_USE_NONE};
    TSNode at[LAZY_MAX_PARAMS];
    bool any = false;
    AN_FOR_CALLS_OF(m, (int)fi, c) {
      for (uint32_t p = 0; p < np; p++) {
        AnParam *pa = &f->params[p];
        if (use[p] || pa->is_self || pa->star || pa->dstar) continue;
        uint32_t len = (uint32_t)strlen(pa->name);
        if (!ts_node_is_null(c->object) && lazy__ident(m, c->object, pa->name, len) && c->method &&
            (strcmp(c->method, "apply_gradients") == 0 || strcmp(c->method, "minimize") == 0))
          use[p] = LAZY_USE_OPTIMIZER;
        else if (lazy__ident(m, c->fn, pa->name, len))
          use[p] = LAZY_USE_MODEL;
        if (use[p]) at[p] = c->node, any = true;
      }
    }
    for (uint32_t p = 0; any && p < np; p++)
      if (use[p]) lazy__param(m, (int)fi, p, use[p], at[p]);
  }
}
