/* HY204 frozen-python-capture: graph code reads a Python value (a module
 * global, a variable of an enclosing function, or `self.attr`) that eager
 * code changes after the tf.function has been called. The value was copied
 * into the graph when it was traced; later calls run that graph and never
 * see the change until something retraces.
 *
 * The proof has two halves, both over the model's records:
 *  - "reach" events: eager calls that run the root tf.function (directly,
 *    or through eager functions calling it, a few levels up);
 *  - "write" events: eager rebinding or mutation of the value (module-level
 *    assignments, `global` writes in eager functions, item assignment and
 *    mutating methods, `self.attr = ...` outside __init__ and
 *    `obj.attr = ...`), and calls of eager functions that make them.
 * A write proves the capture stale when, in one eager scope, it lies
 * between two reach events, or shares a loop with one. Instance attributes
 * additionally need the same receiver (`self`, `trainer`) on both sides,
 * since every instance traces its own graph: the same name following the
 * same binding of it, and no rebinding in a loop shared by call and write
 * (`m = Model()` at the top of the loop makes a new object each round).
 *
 * Cost: one lazy pass over the sites and calls (global statements,
 * mutations, attribute writes), reverse walks over an_calls_to, one walk
 * of the body of each graph function whose root is called eagerly, and
 * per root a sort of its calls by scope and position, so that matching a
 * write against the calls is a few binary searches, not a scan. */
#include <string.h>

#include "analysis/features.h"
#include "analysis/rules/retrace.h"
#include "analysis/rules/rules.h"

#define FC_MAX_DEPTH 4 /* eager call levels between an event and its scope */

typedef enum FcVarKind { FC_GLOBAL, FC_CLOSURE, FC_ATTR } FcVarKind;

typedef struct FcVar {
  FcVarKind kind;
  int scope; /* FC_CLOSURE: the enclosing function; FC_ATTR: the class */
  const char *name;
  uint32_t len;
} FcVar;

typedef struct FcEvent {
  int scope;   /* -1 for the module, else an eager function */
  TSNode node; /* the call, or the write */
  TSNode loop; /* a for statement whose target is the write, else null */
  const char *key; /* receiver text for instance events, NULL otherwise */
  uint32_t key_len;
  int via;     /* the eager function the call runs (write/reach by call), -1 */
  /* Instance events on a named receiver other than self: the binding of
   * the name in `scope` that the event follows in source order (-1 none),
   * and the innermost loop around the event that rebinds the name (null
   * none). A rebinding may make a new object, a new trace. */
  int bind;
  TSNode fresh;
} FcEvent;

/* A write the lazy pass found: a mutation (`g[k] = v`, `g.append(v)`) of
 * a name, or `obj.attr = v` on an object other than self. */
typedef struct FcWrite {
  const char *name; /* the mutated name, or the attribute */
  uint32_t len;
  int scope;        /* where it happens */
  TSNode node;      /* the assignment or call */
  TSNode object;    /* for attribute writes: obj */
  TSNode value;     /* for attribute writes: the assigned value */
  bool attr;
  int next;         /* previous write of the same name and sort, -1 */
} FcWrite;

/* A binding made under `global name` in a function. */
typedef struct FcGlobalWrite {
  const char *name;
  uint32_t len;
  int func;
  int next; /* previous `global` of the same name, -1 */
} FcGlobalWrite;

typedef struct Fc {
  AnModel *m;
  AnVec writes;        /* FcWrite */
  AnVec global_writes; /* FcGlobalWrite */
  AnHash write_map;    /* (attr ? 1 : 0, name) -> last FcWrite */
  AnHash global_map;   /* (0, name) -> last FcGlobalWrite */
  bool globals_indexed, stores_indexed;
  AnVec var_writes;    /* AnVec of FcEvent per followed variable */
  AnHash var_map;      /* (fc__var_code, name) -> 1 + index into var_writes, 0 when not followed */
  uint32_t *seen; /* generation stamps per function for the reverse walks */
  uint32_t gen;
  int *queue;
  uint8_t *queue_keyed;
  uint8_t *queue_depth;
  AnHash reported; /* (reading function, name) -> var code when reported, -code - 2 when not stale */
  AnVec binds;     /* FcBinds per receiver name and scope */
  AnHash bind_map; /* (scope, name) -> index into binds */
  int root;        /* the tf.function whose reach events are being collected */
} Fc;

typedef struct FcProof {
  const FcEvent *first; /* a call of the function before the change */
  const FcEvent *write;
  bool loop; /* both in one loop (else the write lies between two calls) */
} FcProof;

/* --- small helpers -------------------------------------------------------- */

static uint32_t fc__line(TSNode n) { return ts_node_start_point(n).row + 1; }

static bool fc__is_param(const AnFunc *f, const char *t, uint32_t len) {
  for (uint32_t i = 0; i < f->param_count; i++)
    if (strlen(f->params[i].name) == len && memcmp(f->params[i].name, t, len) == 0) return true;
  return false;
}

static bool fc__eager_scope(const AnModel *m, int scope) { return scope < 0 || !an_in_graph(m, scope); }

static bool fc__is_loop(AnSym s) { return s == AN_SYM_for_statement || s == AN_SYM_while_statement; }

/* The method of class `cls` that `func` is (or lies in), -1. */
static int fc__method_of(AnModel *m, int func, int cls) {
  for (int f = func; f >= 0; f = AN_FUNC(m, f)->parent)
    if (AN_FUNC(m, f)->cls == cls) return f;
  return -1;
}

/* The scope that binds `name` as seen from `func` (walking enclosing
 * functions; class bodies do not count), AN_SCOPE_MODULE for a module
 * global, or -2 when it is a parameter, a def or otherwise not a variable
 * we follow. */
static int fc__resolve_from(AnModel *m, const char *t, uint32_t len, int func) {
  for (int f = func; f >= 0; f = AN_FUNC(m, f)->parent) {
    if (an_hash_get(&m->global_map, f, t, len) > 0) return AN_SCOPE_MODULE;
    if (an_hash_get(&m->binding_map, f, t, len) >= 0) return f;
    if (fc__is_param(AN_FUNC(m, f), t, len) || an_hash_get(&m->func_map, f, t, len) >= 0) return -2;
  }
  if (an_hash_get(&m->import_map, -1, t, len) >= 0) return -2;
  if (an_hash_get(&m->binding_map, AN_SCOPE_MODULE, t, len) < 0) return -2;
  /* Loop targets are bindings without a module_names entry; defs and
   * classes have one of their own. */
  int kind = an_hash_get(&m->module_names, -1, t, len);
  return kind == -3 || kind == -1 ? AN_SCOPE_MODULE : -2;
}

/* --- the lazy pass over sites and calls ------------------------------------ */

static bool fc__mutator(const char *name) {
  static const char *const names[] = {"append", "extend", "insert", "pop", "update", "add", "clear", "remove",
                                      "setdefault", "popitem", "discard", "sort", "reverse", NULL};
  /* Every call of the module comes here: the first letter rules out most. */
  if (!strchr("aeipucrsd", name[0]) || !name[0]) return false;
  for (int i = 0; names[i]; i++)
    if (names[i][0] == name[0] && strcmp(name, names[i]) == 0) return true;
  return false;
}

static void fc__add_write(Fc *x, TSNode name, int scope, TSNode node, TSNode object, TSNode value, bool attr) {
  FcWrite *w = an_vec_push(&x->m->arena, &x->writes, sizeof *w);
  if (!w) return;
  w->name = an_text(x->m->src, name, &w->len);
  w->scope = scope;
  w->node = node;
  w->object = object;
  w->value = value;
  w->attr = attr;
  w->next = an_hash_put(&x->m->arena, &x->write_map, attr, w->name, w->len, (int)x->writes.count - 1);
}

static void fc__index_site(Fc *x, const AnSite *s) {
  AnModel *m = x->m;
  const AnLang *l = m->lang;
  if (s->kind == AN_SITE_GLOBAL) {
    if (s->ctx.func < 0 || an_sym(l, s->node) != AN_SYM_global_statement) return;
    uint32_t n = ts_node_named_child_count(s->node);
    for (uint32_t i = 0; i < n; i++) {
      TSNode id = ts_node_named_child(s->node, i);
      if (an_sym(l, id) != AN_SYM_identifier) continue;
      FcGlobalWrite *g = an_vec_push(&m->arena, &x->global_writes, sizeof *g);
      if (!g) return;
      g->name = an_text(m->src, id, &g->len);
      g->func = s->ctx.func;
      g->next = an_hash_put(&m->arena, &x->global_map, 0, g->name, g->len, (int)x->global_writes.count - 1);
    }
    return;
  }
  if (s->kind != AN_SITE_ASSIGN) return;
  /* Only `name[...] = ` and `name.attr = ` (name not self) matter. The
   * source text after the statement's start says so without reading the
   * tree, which costs a cache miss per assignment of the module. */
  uint32_t at = ts_node_start_byte(s->node), k = at;
  while (k < m->len && (m->src[k] == '_' || (m->src[k] >= 'a' && m->src[k] <= 'z') ||
                        (m->src[k] >= 'A' && m->src[k] <= 'Z') || (k > at && m->src[k] >= '0' && m->src[k] <= '9')))
    k++;
  if (k == at || k >= m->len || (m->src[k] != '[' && m->src[k] != '.')) return;
  if (m->src[k] == '.' && k - at == 4 && memcmp(m->src + at, "self", 4) == 0) return;
  /* The target is the first child of (augmented) assignments, the value
   * or object the first child of subscripts and attributes: cheaper than
   * field lookups, and this runs for every assignment of the module. */
  TSNode left = ts_node_child(s->node, 0);
  AnSym ls = an_sym(l, left);
  if (ls != AN_SYM_subscript && ls != AN_SYM_attribute) return;
  TSNode base = ts_node_child(left, 0);
  if (an_sym(l, base) != AN_SYM_identifier) return;
  if (ls == AN_SYM_subscript) {
    fc__add_write(x, base, s->ctx.func, s->node, base, left, false);
  } else if (!an_text_eq(m->src, base, "self")) {
    TSNode attr = an_field(l, left, AN_FIELD_attribute);
    if (!ts_node_is_null(attr))
      fc__add_write(x, attr, s->ctx.func, s->node, base, an_field(l, s->node, AN_FIELD_right), true);
  }
}

/* `global` statements: few sites, and only their own nodes are read. */
static void fc__index_globals(Fc *x) {
  if (x->globals_indexed) return;
  x->globals_indexed = true;
  AnModel *m = x->m;
  for (uint32_t i = 0; i < m->sites.count; i++) {
    AnSite *s = &AN_VEC_AT(m->sites, AnSite, i);
    if (s->kind == AN_SITE_GLOBAL) fc__index_site(x, s);
  }
}

/* Item and attribute stores and mutating method calls: this reads the
 * target of every assignment of the module, so it is built only for a
 * mutable value or an attribute written from outside its class. */
static void fc__index_stores(Fc *x) {
  if (x->stores_indexed) return;
  x->stores_indexed = true;
  AnModel *m = x->m;
  for (uint32_t i = 0; i < m->sites.count; i++) {
    AnSite *s = &AN_VEC_AT(m->sites, AnSite, i);
    if (s->kind == AN_SITE_ASSIGN) fc__index_site(x, s);
  }
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (!c->method || !fc__mutator(c->method)) continue;
    TSNode obj = an_unparen(m->lang, c->object);
    if (an_sym(m->lang, obj) == AN_SYM_identifier) fc__add_write(x, obj, c->ctx.func, c->node, obj, obj, false);
  }
}

/* --- receivers ------------------------------------------------------------ */

/* The bindings of one name in one scope, by position. */
typedef struct FcBinds {
  uint32_t count;
  uint32_t *at; /* ascending */
  int *index;   /* into m->bindings */
} FcBinds;

static int fc__at_cmp(const void *a, const void *b) {
  const uint32_t *x = a, *y = b;
  return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* The bindings of `name` in `scope`, sorted once per name and scope, so
 * that placing n calls among n rebindings stays n log n. */
static const FcBinds *fc__binds(Fc *x, int scope, const char *name, uint32_t len) {
  AnModel *m = x->m;
  int k = an_hash_get(&x->bind_map, scope, name, len);
  if (k >= 0) return &AN_VEC_AT(x->binds, FcBinds, k);
  FcBinds *fb = an_vec_push(&m->arena, &x->binds, sizeof *fb);
  if (!fb) return NULL;
  an_hash_put(&m->arena, &x->bind_map, scope, name, len, (int)x->binds.count - 1);
  int first = an_hash_get(&m->binding_map, scope, name, len);
  for (int b = first; b >= 0; b = AN_VEC_AT(m->bindings, AnBinding, b).next) fb->count++;
  if (!fb->count) return fb;
  uint32_t *pairs = an_arena_alloc(&m->arena, sizeof *pairs * 2 * fb->count);
  fb->at = an_arena_alloc(&m->arena, sizeof *fb->at * fb->count);
  fb->index = an_arena_alloc(&m->arena, sizeof *fb->index * fb->count);
  if (!pairs || !fb->at || !fb->index) {
    fb->count = 0;
    return fb;
  }
  uint32_t i = 0;
  for (int b = first; b >= 0; b = AN_VEC_AT(m->bindings, AnBinding, b).next, i++) {
    pairs[2 * i] = AN_VEC_AT(m->bindings, AnBinding, b).at;
    pairs[2 * i + 1] = (uint32_t)b;
  }
  qsort(pairs, fb->count, 2 * sizeof *pairs, fc__at_cmp);
  for (i = 0; i < fb->count; i++) {
    fb->at[i] = pairs[2 * i];
    fb->index[i] = (int)pairs[2 * i + 1];
  }
  return fb;
}

/* The number of bindings placed before `byte`. */
static uint32_t fc__binds_before(const FcBinds *fb, uint32_t byte) {
  uint32_t lo = 0, hi = fb->count;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (fb->at[mid] < byte)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* `with make() as name:` around `node` binds the name anew each time the
 * statement runs, and the model keeps no binding for it. */
static bool fc__with_bound(AnModel *m, const TSNode *anc, int n, const char *name, uint32_t len) {
  for (int i = 0; i < n; i++) {
    if (an_sym(m->lang, anc[i]) != AN_SYM_with_statement) continue;
    TSNode clause = ts_node_named_child(anc[i], 0);
    uint32_t items = an_sym(m->lang, clause) == AN_SYM_with_clause ? ts_node_named_child_count(clause) : 0;
    for (uint32_t k = 0; k < items; k++) {
      TSNode value = an_field(m->lang, ts_node_named_child(clause, k), AN_FIELD_value);
      if (an_sym(m->lang, value) != AN_SYM_as_pattern) continue;
      /* `make() as name`: the target is the last named child. */
      uint32_t c = ts_node_named_child_count(value);
      TSNode t = c >= 2 ? ts_node_named_child(value, c - 1) : value;
      if (c >= 2 && ts_node_named_child_count(t) == 1 &&
          an_sym(m->lang, ts_node_named_child(t, 0)) == AN_SYM_identifier) {
        uint32_t tl;
        const char *tt = an_text(m->src, ts_node_named_child(t, 0), &tl);
        if (tl == len && memcmp(tt, name, len) == 0) return true;
      }
    }
  }
  return false;
}

/* Places an instance event's receiver among the bindings of its name:
 * two events meet only when they follow the same binding, and a loop
 * that rebinds the name repeats the event on a new object each time.
 * A receiver bound by `with ... as` meets nothing. */
static void fc__place_receiver(Fc *x, FcEvent *e) {
  AnModel *m = x->m;
  if (!e->key || (e->key_len == 4 && memcmp(e->key, "self", 4) == 0)) return;
  TSNode anc[AN_MAX_ANCESTORS];
  int n = an_ancestors(m, e->node, e->scope, anc, AN_MAX_ANCESTORS);
  const FcBinds *fb = fc__binds(x, e->scope, e->key, e->key_len);
  if (n < 0 || !fb || fc__with_bound(m, anc, n, e->key, e->key_len)) {
    e->key = NULL;
    return;
  }
  uint32_t before = fc__binds_before(fb, ts_node_start_byte(e->node));
  e->bind = before ? fb->index[before - 1] : -1;
  TSNode loops[AN_RETRACE_MAX_LOOPS];
  uint32_t nl = an_retrace_loops(m, e->node, e->scope, loops, AN_RETRACE_MAX_LOOPS);
  for (uint32_t i = 0; i < nl; i++) {
    uint32_t lo = fc__binds_before(fb, ts_node_start_byte(loops[i]));
    if (lo < fb->count && fb->at[lo] <= ts_node_end_byte(loops[i])) {
      e->fresh = loops[i];
      return;
    }
  }
}

/* --- events --------------------------------------------------------------- */

static FcEvent *fc__push(Fc *x, AnVec *ev, int scope, TSNode node, const char *key, uint32_t key_len, int via) {
  FcEvent *e = an_vec_push(&x->m->arena, ev, sizeof *e);
  if (!e) return NULL;
  e->scope = scope;
  e->node = node;
  e->key = key;
  e->key_len = key_len;
  e->via = via;
  e->bind = -1;
  fc__place_receiver(x, e);
  return e;
}

static void fc__enqueue(Fc *x, uint32_t *tail, int f, bool keyed, int depth) {
  if (f < 0 || x->seen[f] == x->gen) return;
  x->seen[f] = x->gen;
  x->queue[*tail] = f;
  x->queue_keyed[*tail] = keyed;
  x->queue_depth[*tail] = (uint8_t)depth;
  (*tail)++;
}

static bool fc__created_once(AnModel *m, int root);

/* A graph caller's trace contains the callee's (a tf.function calling
 * another one inlines it), so the caller's eager calls run the callee's
 * frozen values too, provided the caller's own graph is kept: its root is
 * a tf.function made once. */
static bool fc__graph_caller(AnModel *m, int s) {
  int root = an_graph_root(m, s);
  return root >= 0 && AN_FUNC(m, root)->root == AN_ROOT_HYBRID && fc__created_once(m, root);
}

/* `s` runs the code that creates the tf.function `root` (its `def` under
 * a decorator, or the tf.function(...) call), directly or in a nested
 * function: each run of `s` makes a new Function that traces again, so
 * calls of `s` never reuse an old graph. */
static bool fc__creates(AnModel *m, int s, int root) {
  if (root < 0) return false;
  AnFunc *r = AN_FUNC(m, root);
  int p = ts_node_is_null(r->hybrid_site) ? r->parent : an_func_at(m, r->hybrid_site);
  for (int guard = 0; p >= 0 && guard < 64; guard++) {
    if (p == s) return true;
    AnFunc *pf = AN_FUNC(m, p);
    p = pf->parent >= 0 ? pf->parent : pf->cls >= 0 ? AN_CLASS(m, pf->cls)->parent_func : -1;
  }
  return false;
}

/* Queues the caller `s` of the keyed or plain function `f` when the
 * call passes on what `f` acts on and `s` keeps the Function of `f`'s
 * graph (and of the root being checked) alive between its calls. */
static void fc__enqueue_caller(Fc *x, uint32_t *tail, int f, int s, bool keyed, const char *key, uint32_t key_len,
                               int depth) {
  AnModel *m = x->m;
  if (depth + 1 >= FC_MAX_DEPTH || s < 0) return;
  if (fc__creates(m, s, x->root) || (an_in_graph(m, f) && fc__creates(m, s, an_graph_root(m, f)))) return;
  if (!keyed)
    fc__enqueue(x, tail, s, false, depth + 1);
  else if (key_len == 4 && memcmp(key, "self", 4) == 0 && AN_FUNC(m, s)->cls >= 0 &&
           AN_FUNC(m, s)->cls == AN_FUNC(m, f)->cls)
    fc__enqueue(x, tail, s, true, depth + 1);
}

/* Adds an event at every eager call of the queued functions, and queues
 * the eager callers (and graph callers, whose calls are no events) in
 * turn. A keyed function acts on `self`: its callers' events carry the
 * receiver, and only calls on `self` from a method of the same class pass
 * the instance on. */
static void fc__propagate(Fc *x, AnVec *ev, uint32_t head, uint32_t tail) {
  AnModel *m = x->m;
  while (head < tail) {
    int f = x->queue[head];
    bool keyed = x->queue_keyed[head];
    int depth = x->queue_depth[head++];
    AnCallIds to = an_calls_to(m, f);
    for (uint32_t k = 0; k < to.count; k++) {
      AnCall *c = AN_CALL_AT(m, to, k);
      int s = c->ctx.func;
      if (!fc__eager_scope(m, s)) {
        if (!fc__graph_caller(m, s)) continue;
        TSNode recv = an_sym(m->lang, c->fn) == AN_SYM_attribute ? c->object : c->fn;
        uint32_t key_len = 0;
        const char *key = keyed && !ts_node_is_null(recv) && an_sym(m->lang, recv) == AN_SYM_identifier
                              ? an_text(m->src, recv, &key_len)
                              : NULL;
        if (!keyed || key) fc__enqueue_caller(x, &tail, f, s, keyed, key, key_len, depth);
        continue;
      }
      const char *key = NULL;
      uint32_t key_len = 0;
      if (keyed) {
        /* `obj.m(...)`, or `obj(...)` running the class's __call__. */
        TSNode recv = an_sym(m->lang, c->fn) == AN_SYM_attribute ? c->object : c->fn;
        if (ts_node_is_null(recv) || an_sym(m->lang, recv) != AN_SYM_identifier) continue;
        key = an_text(m->src, recv, &key_len);
      }
      fc__push(x, ev, s, c->node, key, key_len, f);
      fc__enqueue_caller(x, &tail, f, s, keyed, key, key_len, depth);
    }
  }
}

static void fc__reach(Fc *x, int root, AnVec *ev) {
  AnFunc *r = AN_FUNC(x->m, root);
  bool keyed = r->cls >= 0 && r->param_count && r->params[0].is_self;
  x->root = root;
  x->gen++;
  uint32_t tail = 0;
  fc__enqueue(x, &tail, root, keyed, 0);
  fc__propagate(x, ev, 0, tail);
}

/* --- value kinds ----------------------------------------------------------- */

typedef enum FcKindVote { FC_NO, FC_MAYBE, FC_YES, FC_YES_MUTABLE } FcKindVote;

/* Python values, NumPy arrays and eager tensors are copied into the graph;
 * variables, Keras objects and datasets are read live. */
static FcKindVote fc__kind_vote(AnModel *m, TSNode value, int func) {
  if (ts_node_is_null(value)) return FC_MAYBE;
  value = an_unparen(m->lang, value);
  AnSym s = an_sym(m->lang, value);
  if (s == AN_SYM_none) return FC_MAYBE;
  if (s == AN_SYM_augmented_assignment) value = an_field(m->lang, value, AN_FIELD_right);
  AnKind k = an_kind_of(m, value, func);
  switch (k) {
  case AN_KIND_PY_SCALAR:
  case AN_KIND_PY_STR:
    return FC_YES;
  case AN_KIND_PY_CONTAINER:
  case AN_KIND_NUMPY:
    return FC_YES_MUTABLE;
  case AN_KIND_TENSOR:
    return s == AN_SYM_augmented_assignment ? FC_MAYBE : FC_YES;
  case AN_KIND_UNKNOWN:
    /* A call could return a variable or an object; names and operators
     * keep the type the other writes show. */
    return an_sym(m->lang, value) == AN_SYM_call ? FC_NO : FC_MAYBE;
  default:
    return FC_NO;
  }
}

/* The kind of a loop target over a literal list, tuple or range(). */
static FcKindVote fc__for_vote(AnModel *m, TSNode iter, int func) {
  iter = an_unparen(m->lang, iter);
  AnSym s = an_sym(m->lang, iter);
  if (s == AN_SYM_call) {
    const char *d = an_dotted(m, an_field(m->lang, iter, AN_FIELD_function), func);
    return d && strcmp(d, "builtins.range") == 0 ? FC_YES : FC_NO;
  }
  if (s != AN_SYM_list && s != AN_SYM_tuple) return FC_NO;
  uint32_t n = ts_node_named_child_count(iter);
  for (uint32_t i = 0; i < n; i++) {
    AnKind k = an_kind_of(m, ts_node_named_child(iter, i), func);
    if (k != AN_KIND_PY_SCALAR && k != AN_KIND_PY_STR) return FC_NO;
  }
  return n ? FC_YES : FC_NO;
}

#define FC_COPIED 1  /* some write shows a value the graph copies */
#define FC_MUTABLE 2 /* ... one that can change in place (a list, an array) */

/* Joins votes: any NO wins, then any YES. */
static void fc__vote(FcKindVote v, bool *no, int *yes) {
  if (v == FC_NO) *no = true;
  if (v == FC_YES || v == FC_YES_MUTABLE) *yes |= FC_COPIED;
  if (v == FC_YES_MUTABLE) *yes |= FC_MUTABLE;
}

/* --- writes of one variable --------------------------------------------- */

/* The node of a binding's write, and for a loop target its for statement.
 * False for bindings that are not plain statements of their scope
 * (comprehension variables live in the comprehension). */
static bool fc__binding_node(AnModel *m, const AnBinding *b, TSNode *node, TSNode *loop) {
  TSNode none = {{0}, NULL, NULL};
  *loop = none;
  if (ts_node_is_null(b->value)) return false;
  if (an_sym(m->lang, b->value) == AN_SYM_augmented_assignment) {
    *node = b->value;
    return true;
  }
  TSNode p = ts_node_parent(b->value);
  AnSym ps = an_sym(m->lang, p);
  if (b->from_for) {
    if (ps != AN_SYM_for_statement) return false;
    *node = an_field(m->lang, p, AN_FIELD_left);
    *loop = p;
    return true;
  }
  if (ps != AN_SYM_assignment && ps != AN_SYM_named_expression) return false;
  *node = p;
  return true;
}

static FcKindVote fc__binding_vote(AnModel *m, const AnBinding *b) {
  int func = b->scope >= 0 ? b->scope : -1;
  if (b->from_for) return fc__for_vote(m, b->value, func);
  if (b->from_unpack) return FC_MAYBE;
  return fc__kind_vote(m, b->value, func);
}

/* Events for the bindings of `name` in `scope`; false when one of them
 * shows a value that is not copied into the graph. */
static bool fc__binding_events(Fc *x, AnVec *ev, int scope, const char *name, uint32_t len, bool *no, int *yes,
                               bool seed) {
  AnModel *m = x->m;
  bool any = false;
  for (int b = an_hash_get(&m->binding_map, scope, name, len); b >= 0; b = AN_VEC_AT(m->bindings, AnBinding, b).next) {
    AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, b);
    fc__vote(fc__binding_vote(m, bd), no, yes);
    TSNode node, loop;
    if (!fc__binding_node(m, bd, &node, &loop)) continue;
    FcEvent *e = fc__push(x, ev, scope, node, NULL, 0, -1);
    if (e) e->loop = loop;
    any = true;
  }
  return any && seed;
}

/* Writes of a module global: module-level bindings, bindings under
 * `global` in functions, and mutations of the object. False when a write
 * happens in graph code (HY202's business) or shows a live value. */
static bool fc__global_writes(Fc *x, const FcVar *v, AnVec *ev, uint32_t *tail, int *yes) {
  AnModel *m = x->m;
  bool no = false;
  fc__binding_events(x, ev, AN_SCOPE_MODULE, v->name, v->len, &no, yes, false);
  fc__index_globals(x);
  for (int i = an_hash_get(&x->global_map, 0, v->name, v->len); i >= 0;
       i = AN_VEC_AT(x->global_writes, FcGlobalWrite, i).next) {
    FcGlobalWrite *g = &AN_VEC_AT(x->global_writes, FcGlobalWrite, i);
    if (an_hash_get(&m->binding_map, g->func, g->name, g->len) < 0) continue;
    if (!fc__eager_scope(m, g->func)) return false;
    if (fc__binding_events(x, ev, g->func, g->name, g->len, &no, yes, true)) fc__enqueue(x, tail, g->func, false, 0);
  }
  if (!(*yes & FC_MUTABLE)) return !no;
  fc__index_stores(x);
  for (int i = an_hash_get(&x->write_map, 0, v->name, v->len); i >= 0; i = AN_VEC_AT(x->writes, FcWrite, i).next) {
    FcWrite *w = &AN_VEC_AT(x->writes, FcWrite, i);
    if (fc__resolve_from(m, w->name, w->len, w->scope) != AN_SCOPE_MODULE) continue;
    if (!fc__eager_scope(m, w->scope)) return false;
    fc__push(x, ev, w->scope, w->node, NULL, 0, -1);
    fc__enqueue(x, tail, w->scope, false, 0);
  }
  return !no;
}

static bool fc__closure_writes(Fc *x, const FcVar *v, AnVec *ev, int *yes) {
  AnModel *m = x->m;
  bool no = false;
  fc__binding_events(x, ev, v->scope, v->name, v->len, &no, yes, false);
  AnFunc *p = AN_FUNC(m, v->scope);
  for (uint32_t i = 0; i < p->param_count; i++)
    if (strlen(p->params[i].name) == v->len && memcmp(p->params[i].name, v->name, v->len) == 0)
      fc__vote(an_kind_is_tensor(p->params[i].kind) || p->params[i].kind == AN_KIND_KERAS ||
                       p->params[i].kind == AN_KIND_DATASET
                   ? FC_NO
                   : FC_MAYBE,
               &no, yes);
  if (!(*yes & FC_MUTABLE)) return !no;
  fc__index_stores(x);
  for (int i = an_hash_get(&x->write_map, 0, v->name, v->len); i >= 0; i = AN_VEC_AT(x->writes, FcWrite, i).next) {
    FcWrite *w = &AN_VEC_AT(x->writes, FcWrite, i);
    if (fc__resolve_from(m, w->name, w->len, w->scope) != v->scope) continue;
    if (!fc__eager_scope(m, w->scope)) return false;
    if (w->scope == v->scope) fc__push(x, ev, w->scope, w->node, NULL, 0, -1);
  }
  return !no;
}

/* Methods that run once per instance before it is used. */
static bool fc__setup_method(const AnFunc *f) {
  return strcmp(f->name, "__init__") == 0 || strcmp(f->name, "build") == 0 || strcmp(f->name, "__post_init__") == 0;
}

static bool fc__attr_writes(Fc *x, const FcVar *v, bool external, AnVec *ev, uint32_t *tail, int *yes) {
  AnModel *m = x->m;
  bool no = false;
  for (int a = an_hash_get(&m->attr_map, v->scope, v->name, v->len); a >= 0;
       a = AN_VEC_AT(m->attrs, AnAttrBinding, a).next) {
    AnAttrBinding *ab = &AN_VEC_AT(m->attrs, AnAttrBinding, a);
    if (ts_node_is_null(ab->value)) continue;
    fc__vote(fc__kind_vote(m, ab->value, ab->func), &no, yes);
    if (!fc__eager_scope(m, ab->func)) return false;
    int method = fc__method_of(m, ab->func, v->scope);
    if (method < 0 || fc__setup_method(AN_FUNC(m, method))) continue;
    TSNode node = an_sym(m->lang, ab->value) == AN_SYM_augmented_assignment ? ab->value : ts_node_parent(ab->value);
    fc__push(x, ev, ab->func, node, "self", 4, -1);
    if (ab->func == method) fc__enqueue(x, tail, method, true, 0);
  }
  if (!external) return !no;
  fc__index_stores(x);
  for (int i = an_hash_get(&x->write_map, 1, v->name, v->len); i >= 0; i = AN_VEC_AT(x->writes, FcWrite, i).next) {
    FcWrite *w = &AN_VEC_AT(x->writes, FcWrite, i);
    if (an_keras_instance_class(m, w->object, w->scope) != v->scope) continue;
    if (!fc__eager_scope(m, w->scope)) return false;
    fc__vote(fc__kind_vote(m, w->value, w->scope), &no, yes);
    uint32_t klen;
    const char *key = an_text(m->src, w->object, &klen);
    fc__push(x, ev, w->scope, w->node, key, klen, -1);
  }
  return !no;
}

/* --- ordering ------------------------------------------------------------- */

/* True when `a` and `b` sit in different branches of one if statement. */
static bool fc__exclusive(AnModel *m, const TSNode *anc, int n, TSNode a, TSNode b) {
  for (int i = n - 1; i >= 0; i--) {
    if (!an_node_within(a, anc[i])) continue;
    if (an_sym(m->lang, anc[i]) != AN_SYM_if_statement) return false;
    TSNode cond = an_field(m->lang, anc[i], AN_FIELD_condition);
    return !an_node_within(a, cond) && !an_node_within(b, cond);
  }
  return false;
}

/* A loop of the write's scope that repeats both the call `r` and the
 * write on one object: the innermost such loop does not rebind the
 * receiver (when it does, the next round's call is on a new object). */
static bool fc__shared_loop(AnModel *m, const TSNode *anc, int n, const FcEvent *w, const FcEvent *r) {
  TSNode a = r->node;
  if (!ts_node_is_null(w->loop) && an_node_within(a, an_field(m->lang, w->loop, AN_FIELD_body))) return true;
  for (int i = n - 1; i >= 0; i--) {
    AnSym s = an_sym(m->lang, anc[i]);
    if (s == AN_SYM_function_definition || s == AN_SYM_lambda || s == AN_SYM_class_definition) break;
    if (!fc__is_loop(s)) continue;
    TSNode body = an_field(m->lang, anc[i], AN_FIELD_body);
    if (an_node_within(a, body) && an_node_within(w->node, body))
      return ts_node_is_null(r->fresh) || !an_node_within(r->fresh, anc[i]);
  }
  return false;
}

/* --- the calls in source order ------------------------------------------ */

/* The reach events of one eager scope (and one receiver, when keyed),
 * sorted by start byte, with a sparse table of the earliest in reach order
 * over every power-of-two run of them. fc__prove asks, per write, for the
 * earliest call in reach order that lies before it, after it or in a loop
 * with it: a few binary searches and table lookups here, where a scan of
 * every call per write made n writes between n calls quadratic. */
typedef struct FcGroup {
  uint32_t count;
  const FcEvent **ev; /* sorted by start byte */
  uint32_t *start;    /* their start bytes */
  uint32_t *rank;     /* their index in the reach list */
  uint32_t **min;     /* min[j][p]: the position of the lowest rank in [p, p + 2^j) */
} FcGroup;

typedef struct FcOrder {
  bool built;
  AnHash map;   /* (scope, receiver or "") -> index into groups */
  AnVec groups; /* FcGroup */
} FcOrder;

/* The eager calls that run a root, in the order fc__propagate found them
 * (which decides which call a finding names), and what is derived from
 * them on first use. */
typedef struct FcReach {
  AnVec ev;         /* FcEvent */
  int external;     /* some call's receiver is not `self`; -1 not asked yet */
  FcOrder order[2]; /* grouped by scope; by scope and receiver */
} FcReach;

typedef struct FcPos {
  uint32_t start, rank;
} FcPos;

typedef struct FcSpan {
  uint32_t lo, hi; /* [lo, hi): positions in a group, or bytes */
} FcSpan;

/* Spans per query: two cuts per enclosing if, and the splits of a query
 * whose earliest call fails its test (ancestors of the write). */
#define FC_MAX_SPANS (4 * AN_MAX_ANCESTORS + 8)

static int fc__pos_cmp(const void *a, const void *b) {
  const FcPos *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  return x->rank < y->rank ? -1 : x->rank > y->rank;
}

static int fc__span_cmp(const void *a, const void *b) {
  const FcSpan *x = a, *y = b;
  return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static uint32_t fc__log2(uint32_t n) {
  uint32_t k = 0;
  while (n >>= 1) k++;
  return k;
}

/* The group an event belongs to. Keyed (instance) events meet only calls
 * on the same receiver text following the same binding of it (a binding
 * names one scope, so it stands for the scope), and an event without a
 * receiver meets none. */
static bool fc__group_key(const FcEvent *e, bool keyed, int *code, const char **key, uint32_t *len) {
  *key = keyed ? e->key : "";
  *len = keyed ? e->key_len : 0;
  *code = keyed && e->bind >= 0 ? -3 - e->bind : e->scope;
  return *key != NULL;
}

static bool fc__group_fill(AnModel *m, FcGroup *g, FcPos *pos) {
  qsort(pos, g->count, sizeof *pos, fc__pos_cmp);
  uint32_t levels = fc__log2(g->count) + 1;
  g->start = an_arena_alloc(&m->arena, sizeof *g->start * g->count);
  g->rank = an_arena_alloc(&m->arena, sizeof *g->rank * g->count);
  g->min = an_arena_alloc(&m->arena, sizeof *g->min * levels);
  if (!g->start || !g->rank || !g->min) return false;
  for (uint32_t p = 0; p < g->count; p++) {
    g->start[p] = pos[p].start;
    g->rank[p] = pos[p].rank;
  }
  for (uint32_t j = 0; j < levels; j++) {
    uint32_t run = 1u << j, n = g->count - run + 1;
    if (!(g->min[j] = an_arena_alloc(&m->arena, sizeof **g->min * n))) return false;
    for (uint32_t p = 0; p < n; p++) {
      uint32_t a = j ? g->min[j - 1][p] : p, b = j ? g->min[j - 1][p + run / 2] : p;
      g->min[j][p] = g->rank[b] < g->rank[a] ? b : a;
    }
  }
  return true;
}

/* Groups the reach events by scope (and receiver), one pass to count and
 * one to fill, then sorts each group. NULL when out of memory. */
static const FcOrder *fc__order(AnModel *m, FcReach *r, bool keyed) {
  FcOrder *o = &r->order[keyed];
  if (o->built) return m->arena.failed ? NULL : o;
  o->built = true;
  uint32_t n = r->ev.count;
  uint32_t *group_of = an_arena_alloc(&m->arena, sizeof *group_of * (n ? n : 1));
  if (!group_of) return NULL;
  for (uint32_t i = 0; i < n; i++) {
    const FcEvent *e = &AN_VEC_AT(r->ev, FcEvent, i);
    const char *key;
    uint32_t len;
    int code;
    group_of[i] = UINT32_MAX;
    if (!fc__group_key(e, keyed, &code, &key, &len)) continue;
    int gi = an_hash_get(&o->map, code, key, len);
    if (gi < 0) {
      if (!an_vec_push(&m->arena, &o->groups, sizeof(FcGroup))) return NULL;
      gi = (int)o->groups.count - 1;
      an_hash_put(&m->arena, &o->map, code, key, len, gi);
    }
    group_of[i] = (uint32_t)gi;
    AN_VEC_AT(o->groups, FcGroup, gi).count++;
  }
  FcPos **pos = an_arena_alloc(&m->arena, sizeof *pos * (o->groups.count ? o->groups.count : 1));
  if (!pos) return NULL;
  for (uint32_t gi = 0; gi < o->groups.count; gi++) {
    FcGroup *g = &AN_VEC_AT(o->groups, FcGroup, gi);
    pos[gi] = an_arena_alloc(&m->arena, sizeof **pos * g->count);
    g->ev = an_arena_alloc(&m->arena, sizeof *g->ev * g->count);
    if (!pos[gi] || !g->ev) return NULL;
    g->count = 0;
  }
  for (uint32_t i = 0; i < n; i++) {
    if (group_of[i] == UINT32_MAX) continue;
    FcGroup *g = &AN_VEC_AT(o->groups, FcGroup, group_of[i]);
    const FcEvent *e = &AN_VEC_AT(r->ev, FcEvent, i);
    pos[group_of[i]][g->count++] = (FcPos){ts_node_start_byte(e->node), i};
  }
  for (uint32_t gi = 0; gi < o->groups.count; gi++) {
    FcGroup *g = &AN_VEC_AT(o->groups, FcGroup, gi);
    if (!fc__group_fill(m, g, pos[gi])) return NULL;
    for (uint32_t p = 0; p < g->count; p++) g->ev[p] = &AN_VEC_AT(r->ev, FcEvent, g->rank[p]);
  }
  return m->arena.failed ? NULL : o;
}

/* The first position whose start byte is at least `byte` (`after`: more
 * than `byte`). */
static uint32_t fc__bound(const FcGroup *g, uint32_t byte, bool after) {
  uint32_t lo = 0, hi = g->count;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (g->start[mid] < byte || (after && g->start[mid] == byte))
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* The position of the lowest rank in the non-empty [lo, hi). */
static uint32_t fc__earliest(const FcGroup *g, uint32_t lo, uint32_t hi) {
  uint32_t j = fc__log2(hi - lo), a = g->min[j][lo], b = g->min[j][hi - (1u << j)];
  return g->rank[b] < g->rank[a] ? b : a;
}

typedef enum FcWant { FC_WANT_LOOP, FC_WANT_BEFORE, FC_WANT_AFTER } FcWant;

/* What fc__prove asks of a call about one write. */
typedef struct FcTest {
  AnModel *m;
  const TSNode *anc; /* the write's ancestors */
  int n;
  const FcEvent *w;
  FcWant want;
} FcTest;

static bool fc__passes(const FcTest *t, const FcEvent *r) {
  if (t->want == FC_WANT_LOOP) return fc__shared_loop(t->m, t->anc, t->n, t->w, r);
  if (ts_node_eq(r->node, t->w->node) || fc__exclusive(t->m, t->anc, t->n, r->node, t->w->node)) return false;
  uint32_t ws = ts_node_start_byte(t->w->node), we = ts_node_end_byte(t->w->node);
  uint32_t rs = ts_node_start_byte(r->node), re = ts_node_end_byte(r->node);
  bool before = re <= ws || (ws <= rs && re <= we);
  return t->want == FC_WANT_BEFORE ? before : !before && rs >= we;
}

/* The lowest rank that passes in the spans, by a scan: for the rare query
 * that runs out of spans to split. */
static int fc__first_scan(const FcGroup *g, const FcSpan *spans, int count, const FcTest *t) {
  int best = -1;
  for (int i = 0; i < count; i++)
    for (uint32_t p = spans[i].lo; p < spans[i].hi; p++)
      if ((best < 0 || g->rank[p] < g->rank[best]) && fc__passes(t, g->ev[p])) best = (int)p;
  return best;
}

/* The position of the lowest rank that passes `t` in the spans, or -1.
 * The spans hold every candidate; a call in them that fails (an ancestor
 * of the write, the write itself) splits its span. */
static int fc__first(const FcGroup *g, FcSpan *spans, int count, const FcTest *t) {
  for (;;) {
    int best = -1;
    uint32_t at = 0;
    for (int i = 0; i < count; i++) {
      if (spans[i].lo >= spans[i].hi) continue;
      uint32_t p = fc__earliest(g, spans[i].lo, spans[i].hi);
      if (best < 0 || g->rank[p] < g->rank[at]) {
        best = i;
        at = p;
      }
    }
    if (best < 0) return -1;
    if (fc__passes(t, g->ev[at])) return (int)at;
    if (count == FC_MAX_SPANS) return fc__first_scan(g, spans, count, t);
    spans[count++] = (FcSpan){at + 1, spans[best].hi};
    spans[best].hi = at;
  }
}

/* The calls in a loop with the write: the bodies fc__shared_loop accepts
 * nest, so the outermost one holds them all. */
static int fc__first_in_loop(const FcGroup *g, FcTest *t) {
  AnModel *m = t->m;
  bool any = false;
  uint32_t lo = 0, hi = 0;
  TSNode bodies[AN_MAX_ANCESTORS + 1];
  int nb = 0;
  if (!ts_node_is_null(t->w->loop)) bodies[nb++] = an_field(m->lang, t->w->loop, AN_FIELD_body);
  for (int i = t->n - 1; i >= 0; i--) {
    AnSym s = an_sym(m->lang, t->anc[i]);
    if (s == AN_SYM_function_definition || s == AN_SYM_lambda || s == AN_SYM_class_definition) break;
    if (!fc__is_loop(s)) continue;
    TSNode body = an_field(m->lang, t->anc[i], AN_FIELD_body);
    if (!ts_node_is_null(body) && an_node_within(t->w->node, body)) bodies[nb++] = body;
  }
  for (int i = 0; i < nb; i++) {
    if (ts_node_is_null(bodies[i])) continue;
    uint32_t bs = ts_node_start_byte(bodies[i]), be = ts_node_end_byte(bodies[i]);
    lo = any && lo < bs ? lo : bs;
    hi = any && hi > be ? hi : be;
    any = true;
  }
  if (!any) return -1;
  FcSpan spans[FC_MAX_SPANS] = {{fc__bound(g, lo, false), fc__bound(g, hi, true)}};
  t->want = FC_WANT_LOOP;
  return fc__first(g, spans, 1, t);
}

/* Byte ranges whose calls lie in another branch of an if around the write
 * (fc__exclusive): the if minus its condition and the branch holding the
 * write, open at both ends. */
static int fc__exclusive_cuts(const FcTest *t, FcSpan *cuts) {
  AnModel *m = t->m;
  int count = 0;
  for (int i = 0; i < t->n; i++) {
    if (an_sym(m->lang, t->anc[i]) != AN_SYM_if_statement) continue;
    TSNode cond = an_field(m->lang, t->anc[i], AN_FIELD_condition);
    if (ts_node_is_null(cond) || an_node_within(t->w->node, cond)) continue;
    TSNode branch = i + 1 < t->n ? t->anc[i + 1] : t->w->node;
    uint32_t de = ts_node_end_byte(cond), bs = ts_node_start_byte(branch), be = ts_node_end_byte(branch);
    uint32_t ie = ts_node_end_byte(t->anc[i]);
    if (de > bs || be > ie) continue;
    cuts[count++] = (FcSpan){de, bs};
    cuts[count++] = (FcSpan){be, ie};
  }
  return count;
}

/* The calls before (or after) the write: [lo, hi) minus the positions
 * whose start lies inside a cut. */
static int fc__first_beside(const FcGroup *g, FcTest *t, const FcSpan *cuts, int ncut, uint32_t lo, uint32_t hi,
                            FcWant want) {
  FcSpan spans[FC_MAX_SPANS];
  int count = 0;
  for (int i = 0; i < ncut && lo < hi; i++) {
    uint32_t clo = fc__bound(g, cuts[i].lo, true), chi = fc__bound(g, cuts[i].hi, false);
    if (clo >= chi || chi <= lo) continue;
    if (clo > lo) spans[count++] = (FcSpan){lo, clo < hi ? clo : hi};
    lo = chi;
  }
  if (lo < hi) spans[count++] = (FcSpan){lo, hi};
  t->want = want;
  return fc__first(g, spans, count, t);
}

/* A write after one call and before another (or in a loop with one), in
 * one eager scope. Per write this finds what a scan of the reach list in
 * order would stop at: the earliest call in a loop with the write, unless
 * both an earlier call before it and one after it come first. */
static bool fc__prove(AnModel *m, FcReach *reach, const AnVec *writes, bool keyed, FcProof *out) {
  const FcOrder *o = fc__order(m, reach, keyed);
  if (!o) return false;
  TSNode anc[AN_MAX_ANCESTORS];
  FcSpan cuts[2 * AN_MAX_ANCESTORS];
  for (uint32_t i = 0; i < writes->count; i++) {
    const FcEvent *w = &AN_VEC_AT(*writes, FcEvent, i);
    const char *key;
    uint32_t len;
    int code;
    int gi = fc__group_key(w, keyed, &code, &key, &len) ? an_hash_get(&o->map, code, key, len) : -1;
    if (gi < 0) continue;
    const FcGroup *g = &AN_VEC_AT(o->groups, FcGroup, gi);
    FcTest t = {m, anc, an_ancestors(m, w->node, w->scope, anc, AN_MAX_ANCESTORS), w, FC_WANT_LOOP};
    if (t.n < 0) continue;
    int loop = fc__first_in_loop(g, &t);
    int ncut = fc__exclusive_cuts(&t, cuts);
    qsort(cuts, (size_t)ncut, sizeof *cuts, fc__span_cmp);
    uint32_t split = ts_node_end_byte(w->node);
    int before = fc__first_beside(g, &t, cuts, ncut, 0, fc__bound(g, split, true), FC_WANT_BEFORE);
    int after = fc__first_beside(g, &t, cuts, ncut, fc__bound(g, split, false), g->count, FC_WANT_AFTER);
    int64_t both = before >= 0 && after >= 0 ? (int64_t)(g->rank[before] > g->rank[after] ? g->rank[before]
                                                                                           : g->rank[after])
                                             : -1;
    if (loop >= 0 && (both < 0 || g->rank[loop] <= both)) {
      *out = (FcProof){g->ev[loop], w, true};
      return true;
    }
    if (both >= 0) {
      *out = (FcProof){g->ev[before], w, false};
      return true;
    }
  }
  return false;
}

/* --- variables ------------------------------------------------------------ */

/* A number naming the variable together with its name: the map key of
 * its writes. */
static int fc__var_code(const FcVar *v, bool external) {
  return ((v->scope + 3) * 3 + (int)v->kind) * 2 + (external ? 1 : 0);
}

static const AnVec *fc__writes_of(Fc *x, const FcVar *v, bool external, int code) {
  AnModel *m = x->m;
  int k = an_hash_get(&x->var_map, code, v->name, v->len);
  if (k >= 0) return k ? &AN_VEC_AT(x->var_writes, AnVec, k - 1) : NULL;
  AnVec writes = {0};
  int yes = 0;
  bool ok;
  x->gen++;
  uint32_t tail = 0;
  if (v->kind == FC_GLOBAL)
    ok = fc__global_writes(x, v, &writes, &tail, &yes);
  else if (v->kind == FC_CLOSURE)
    ok = fc__closure_writes(x, v, &writes, &yes);
  else
    ok = fc__attr_writes(x, v, external, &writes, &tail, &yes);
  AnVec *slot = NULL;
  if (ok && (yes & FC_COPIED) && !m->arena.failed) {
    fc__propagate(x, &writes, 0, tail);
    slot = an_vec_push(&m->arena, &x->var_writes, sizeof *slot);
    if (slot) *slot = writes;
  }
  an_hash_put(&m->arena, &x->var_map, code, v->name, v->len, slot ? (int)x->var_writes.count : 0);
  return slot;
}

/* --- reads ---------------------------------------------------------------- */

typedef struct FcRead {
  TSNode node; /* identifier, or the `self.attr` / `param.attr` attribute */
  TSNode name; /* the identifier or the attribute name */
  bool attr;
  int param; /* `param.attr`: the parameter's index, else -1 */
} FcRead;

typedef struct FcScan {
  AnModel *m;
  int func;     /* the function scanned */
  AnVec reads;  /* FcRead */
  AnVec locals; /* TSNode identifiers bound by with/except `as`, imports */
  int *param_cls; /* per parameter: fc__param_class's answer, -2 not asked */
  FcReach *param_reach;    /* per parameter: fc__param_reach's events */
  bool *param_reach_done;  /* per parameter: param_reach filled */
} FcScan;

static void fc__read(FcScan *s, TSNode node, TSNode name, bool attr, int param) {
  FcRead *r = an_vec_push(&s->m->arena, &s->reads, sizeof *r);
  if (!r) return;
  r->node = node;
  r->name = name;
  r->attr = attr;
  r->param = param;
}

/* Index of the plain parameter (not self, *args or **kwargs) `obj` names
 * in `func`, when the function never rebinds it; -1 otherwise. */
static int fc__param_object(AnModel *m, TSNode obj, int func) {
  uint32_t len;
  const char *t = an_text(m->src, obj, &len);
  AnFunc *f = AN_FUNC(m, func);
  if (an_hash_get(&m->binding_map, func, t, len) >= 0) return -1;
  for (uint32_t i = 0; i < f->param_count; i++) {
    const AnParam *p = &f->params[i];
    if (strlen(p->name) == len && memcmp(p->name, t, len) == 0)
      return p->is_self || p->star || p->dstar ? -1 : (int)i;
  }
  return -1;
}

/* The one module class every call of the scanned function passes an
 * instance of for parameter `p`, or -1; asked once per parameter, however
 * many of its attributes the body reads. */
static int fc__param_class_uncached(AnModel *m, int func, uint32_t p) {
  AnFunc *f = AN_FUNC(m, func);
  AnCallIds ids = an_calls_to(m, func);
  int cls = -1;
  for (uint32_t k = 0; k < ids.count; k++) {
    const AnCall *c = AN_CALL_AT(m, ids, k);
    bool splat = false;
    TSNode arg = an_call_arg_for(m, f, c, p, &splat);
    int ck = ts_node_is_null(arg) ? -1 : an_keras_instance_class(m, arg, c->ctx.func);
    if (ck < 0 || (cls >= 0 && ck != cls)) return -1;
    cls = ck;
  }
  return cls;
}

static int fc__param_class(AnModel *m, FcScan *s, int p) {
  uint32_t n = AN_FUNC(m, s->func)->param_count;
  if (!s->param_cls) {
    s->param_cls = an_arena_alloc(&m->arena, sizeof *s->param_cls * (n ? n : 1));
    if (!s->param_cls) return -1;
    for (uint32_t i = 0; i < n; i++) s->param_cls[i] = -2;
  }
  if (s->param_cls[p] == -2) s->param_cls[p] = fc__param_class_uncached(m, s->func, (uint32_t)p);
  return s->param_cls[p];
}

static void fc__local(FcScan *s, TSNode id) {
  TSNode *slot = an_vec_push(&s->m->arena, &s->locals, sizeof *slot);
  if (slot) *slot = id;
}

static bool fc__collect_locals(TSNode n, void *ctx) {
  FcScan *s = ctx;
  if (an_sym(s->m->lang, n) == AN_SYM_identifier) fc__local(s, n);
  return true;
}

/* Walks a graph function's body with a cursor, so the field of each node
 * tells loads (`x`, `self.x`) from attribute names and keyword names. */
static void fc__scan_body(FcScan *s, TSNode body) {
  AnModel *m = s->m;
  const AnLang *l = m->lang;
  TSTreeCursor cur = ts_tree_cursor_new(body);
  bool descend = true;
  for (;;) {
    if (descend && ts_tree_cursor_goto_first_child(&cur)) {
      /* visit below */
    } else {
      while (!ts_tree_cursor_goto_next_sibling(&cur))
        if (!ts_tree_cursor_goto_parent(&cur)) goto done;
    }
    TSNode n = ts_tree_cursor_current_node(&cur);
    descend = false;
    if (!ts_node_is_named(n)) continue;
    TSFieldId field = ts_tree_cursor_current_field_id(&cur);
    switch (an_sym(l, n)) {
    case AN_SYM_identifier:
      if (field != l->field[AN_FIELD_attribute] && field != l->field[AN_FIELD_name]) fc__read(s, n, n, false, -1);
      break;
    case AN_SYM_attribute: {
      TSNode obj = an_field(l, n, AN_FIELD_object);
      if (an_sym(l, obj) == AN_SYM_identifier && an_text_eq(m->src, obj, "self")) {
        fc__read(s, n, an_field(l, n, AN_FIELD_attribute), true, -1);
        break;
      }
      int param = an_sym(l, obj) == AN_SYM_identifier ? fc__param_object(m, obj, s->func) : -1;
      if (param >= 0) {
        fc__read(s, n, an_field(l, n, AN_FIELD_attribute), true, param);
        break;
      }
      descend = true;
      break;
    }
    case AN_SYM_function_definition:
    case AN_SYM_lambda:
    case AN_SYM_class_definition:
    case AN_SYM_global_statement:
    case AN_SYM_nonlocal_statement:
    case AN_SYM_string:
    case AN_SYM_comment:
      break;
    case AN_SYM_import_statement:
    case AN_SYM_import_from_statement:
      an_walk(n, fc__collect_locals, s);
      break;
    case AN_SYM_NONE: {
      const char *type = ts_node_type(n);
      if (strcmp(type, "as_pattern_target") == 0)
        an_walk(n, fc__collect_locals, s);
      else
        descend = true;
      break;
    }
    default:
      descend = true;
      break;
    }
  }
done:
  ts_tree_cursor_delete(&cur);
}

static bool fc__bound_by_as(FcScan *s, TSNode id) {
  uint32_t len;
  const char *t = an_text(s->m->src, id, &len);
  for (uint32_t i = 0; i < s->locals.count; i++) {
    uint32_t ll;
    const char *lt = an_text(s->m->src, AN_VEC_AT(s->locals, TSNode, i), &ll);
    if (ll == len && memcmp(lt, t, len) == 0) return true;
  }
  return false;
}

/* The variable a read refers to, false for locals, parameters, functions,
 * imports and values written in graph code. */
static bool fc__var_of(AnModel *m, FcScan *s, const FcRead *r, int func, FcVar *v) {
  uint32_t len;
  const char *t = an_text(m->src, r->name, &len);
  v->name = t;
  v->len = len;
  if (r->param >= 0) {
    /* Every call passes an instance of one module class that sets the
     * attribute. */
    int cls = fc__param_class(m, s, r->param);
    if (cls < 0 || an_hash_get(&m->attr_map, cls, t, len) < 0) return false;
    v->kind = FC_ATTR;
    v->scope = cls;
    return true;
  }
  if (r->attr) {
    int a = an_self_attr_binding(m, r->name, func);
    if (a < 0) return false;
    v->kind = FC_ATTR;
    v->scope = AN_VEC_AT(m->attrs, AnAttrBinding, a).cls;
    return true;
  }
  if (an_hash_get(&m->global_map, func, t, len) > 0 || an_hash_get(&m->binding_map, func, t, len) >= 0 ||
      fc__is_param(AN_FUNC(m, func), t, len) || fc__bound_by_as(s, r->name))
    return false;
  int scope = fc__resolve_from(m, t, len, AN_FUNC(m, func)->parent);
  if (scope == AN_SCOPE_MODULE) {
    v->kind = FC_GLOBAL;
    v->scope = AN_SCOPE_MODULE;
    return true;
  }
  if (scope < 0 || an_in_graph(m, scope)) return false;
  v->kind = FC_CLOSURE;
  v->scope = scope;
  return true;
}

/* The read is the callee of a call (`self.layer(x)`, `fn(x)`), a
 * subscript store or a method call target: not a value the graph copies. */
static bool fc__callee(AnModel *m, TSNode node, int func) {
  TSNode p = an_parent(m, node, func);
  return an_sym(m->lang, p) == AN_SYM_call && ts_node_eq(an_field(m->lang, p, AN_FIELD_function), node);
}

/* --- the root ---------------------------------------------------------------- */

/* The tf.function object is made once (not per loop iteration), so its
 * traces persist between calls. */
static bool fc__created_once(AnModel *m, int root) {
  AnFunc *r = AN_FUNC(m, root);
  if (r->loop_depth) return false;
  if (r->via == AN_VIA_DECORATOR) return true;
  if (r->via != AN_VIA_CALL) return false;
  TSNode anc[AN_MAX_ANCESTORS];
  int func = an_func_at(m, r->hybrid_site);
  int n = an_ancestors(m, r->hybrid_site, func, anc, AN_MAX_ANCESTORS);
  if (n < 0) return false;
  for (int i = n - 1; i >= 0; i--) {
    AnSym s = an_sym(m->lang, anc[i]);
    if (s == AN_SYM_function_definition || s == AN_SYM_lambda) break;
    if (fc__is_loop(s) || s == AN_SYM_list_comprehension || s == AN_SYM_generator_expression ||
        s == AN_SYM_dictionary_comprehension || s == AN_SYM_set_comprehension)
      return false;
  }
  return true;
}

static void fc__report(Fc *x, const FcRead *r, const FcVar *v, int func, int root, const FcProof *p) {
  AnModel *m = x->m;
  const char *what = v->kind == FC_GLOBAL ? "The global" : v->kind == FC_CLOSURE ? "The enclosing variable" : "The attribute";
  const char *root_name = AN_FUNC(m, root)->qualname;
  const char *how;
  if (p->write->via >= 0)
    how = an_arena_printf(&m->arena, "'%s', called on line %u, changes it", AN_FUNC(m, p->write->via)->qualname,
                          fc__line(p->write->node));
  else
    how = an_arena_printf(&m->arena, "it is changed on line %u", fc__line(p->write->node));
  /* Name what the call site calls: an eager helper or an outer tf.function
   * that runs the root. */
  int called = p->first->via >= 0 ? p->first->via : root;
  const char *callee = called == root ? an_arena_printf(&m->arena, "'%s'", root_name)
                                      : an_arena_printf(&m->arena, "'%s' (which runs '%s')",
                                                        AN_FUNC(m, called)->qualname, root_name);
  const char *when = p->loop ? an_arena_printf(&m->arena, "in a loop that also calls %s (line %u)", callee,
                                               fc__line(p->first->node))
                             : an_arena_printf(&m->arena, "after %s has run (line %u)", callee,
                                               fc__line(p->first->node));
  AnFinding *f = an_emit_node(m, AN_RULE_FROZEN_PYTHON_CAPTURE, r->node, func,
                              "%s '%s' is read while '%s' is traced, so the graph keeps the value it had then; %s %s, "
                              "and later calls still use the old value until a retrace. Pass it as an argument or "
                              "keep it in a tf.Variable updated with .assign()",
                              what, an_snippet(m, r->node), an_func_label(m, func), how, when);
  if (!f) return;
  an_finding_related(m, f, p->write->node, "'%s' changes here, after '%s' was traced", an_snippet(m, r->node),
                     root_name);
  an_finding_related(m, f, p->first->node, "'%s' is called (and traced) here", root_name);
  an_finding_related_chain(m, f, func);
}

/* `id` names one object through a run of its scope: a parameter of the
 * eager caller, or bound once, outside any loop. A rebinding (`m =
 * SimpleModel()` again, a new instance per loop iteration) passes a new
 * object, a new trace key: TensorFlow traces again and reads the current
 * attributes. */
static bool fc__one_object(AnModel *m, TSNode id, int func) {
  uint32_t len;
  const char *t = an_text(m->src, id, &len);
  if (func >= 0 && fc__is_param(AN_FUNC(m, func), t, len)) return an_hash_get(&m->binding_map, func, t, len) < 0;
  int scope;
  TSNode value = an_single_value(m, id, func, &scope), loop[1];
  return !ts_node_is_null(value) && an_retrace_loops(m, value, scope, loop, 1) == 0;
}

/* The eager calls of `root`, keyed by what they pass for parameter `p`
 * (a name): the receiver of the reads of `p.attr`. */
static void fc__param_reach_uncached(Fc *x, int root, int p, AnVec *out) {
  AnModel *m = x->m;
  AnFunc *f = AN_FUNC(m, root);
  AnCallIds ids = an_calls_to(m, root);
  for (uint32_t k = 0; k < ids.count; k++) {
    AnCall *c = AN_CALL_AT(m, ids, k);
    if (!fc__eager_scope(m, c->ctx.func)) continue;
    bool splat = false;
    TSNode arg = an_unparen(m->lang, an_call_arg_for(m, f, c, (uint32_t)p, &splat));
    if (ts_node_is_null(arg) || an_sym(m->lang, arg) != AN_SYM_identifier || !fc__one_object(m, arg, c->ctx.func))
      continue;
    uint32_t klen;
    const char *key = an_text(m->src, arg, &klen);
    fc__push(x, out, c->ctx.func, c->node, key, klen, root);
  }
}

/* fc__param_reach_uncached once per parameter of the scanned function (the
 * root: only its own parameters are followed), however many attributes of
 * the parameter it reads: a new list per attribute made n attributes read
 * and changed between n calls quadratic. */
static FcReach *fc__param_reach(Fc *x, FcScan *s, int root, int p) {
  AnModel *m = x->m;
  if (!s->param_reach) {
    uint32_t n = AN_FUNC(m, s->func)->param_count;
    s->param_reach = an_arena_alloc(&m->arena, sizeof *s->param_reach * (n ? n : 1));
    s->param_reach_done = an_arena_alloc(&m->arena, sizeof *s->param_reach_done * (n ? n : 1));
    if (!s->param_reach || !s->param_reach_done) {
      s->param_reach = NULL;
      return NULL;
    }
    memset(s->param_reach, 0, sizeof *s->param_reach * (n ? n : 1));
    memset(s->param_reach_done, 0, sizeof *s->param_reach_done * (n ? n : 1));
    for (uint32_t i = 0; i < n; i++) s->param_reach[i].external = -1;
  }
  if (!s->param_reach_done[p]) fc__param_reach_uncached(x, root, p, &s->param_reach[p].ev);
  s->param_reach_done[p] = true;
  return &s->param_reach[p];
}

/* Some eager call of the root is made on an object other than self; once
 * per root, not per read. */
static bool fc__external(FcReach *reach) {
  if (reach->external < 0) {
    reach->external = 0;
    for (uint32_t k = 0; k < reach->ev.count && !reach->external; k++) {
      const FcEvent *e = &AN_VEC_AT(reach->ev, FcEvent, k);
      reach->external = e->key && !(e->key_len == 4 && memcmp(e->key, "self", 4) == 0);
    }
  }
  return reach->external;
}

static void fc__check_reads(Fc *x, FcScan *s, int func, int root, FcReach *self_reach) {
  AnModel *m = x->m;
  for (uint32_t i = 0; i < s->reads.count && !m->arena.failed; i++) {
    FcRead *r = &AN_VEC_AT(s->reads, FcRead, i);
    FcVar v;
    /* `param.attr` of the tf.function itself: the object its callers pass,
     * changed by them between calls (the guide's `evaluate(model, x)`). */
    if (r->param >= 0 && func != root) continue;
    if (!fc__var_of(m, s, r, func, &v)) continue;
    if (v.kind == FC_ATTR && r->param < 0 && AN_FUNC(m, root)->cls != v.scope) continue;
    FcReach *reach = self_reach;
    /* Stores like `trainer.lr = ...` can only meet calls made on an
     * object other than self; callers of a function reading `param.attr`
     * store into the object they pass: `model.bias += 5.0`. */
    bool external = r->param >= 0 || (v.kind == FC_ATTR && fc__external(reach));
    /* One verdict per variable and reading function (its root is fixed). */
    int code = fc__var_code(&v, external), seen = an_hash_get(&x->reported, func, v.name, v.len);
    if (seen == code || seen == -code - 2) continue;
    if (r->param >= 0) reach = fc__param_reach(x, s, root, r->param);
    if (!reach) return;
    const AnVec *writes = fc__writes_of(x, &v, external, code);
    FcProof proof;
    bool stale = writes && fc__prove(m, reach, writes, v.kind == FC_ATTR, &proof);
    if (stale && fc__callee(m, r->node, func)) continue; /* `fn(x)`: the next read may be a value */
    an_hash_put(&m->arena, &x->reported, func, v.name, v.len, stale ? code : -code - 2);
    if (!stale) continue;
    fc__report(x, r, &v, func, root, &proof);
  }
}

void an_check_HY204(AnModel *m) {
  uint32_t nf = m->funcs.count;
  if (!nf || !m->call_offsets) return;
  Fc x;
  memset(&x, 0, sizeof x);
  x.m = m;
  x.seen = an_arena_alloc(&m->arena, sizeof *x.seen * nf);
  x.queue = an_arena_alloc(&m->arena, sizeof *x.queue * nf);
  x.queue_keyed = an_arena_alloc(&m->arena, nf);
  x.queue_depth = an_arena_alloc(&m->arena, nf);
  if (!x.seen || !x.queue || !x.queue_keyed || !x.queue_depth) return;
  /* Reach events per root, computed when a function of its chain is seen. */
  FcReach *reach = an_arena_alloc(&m->arena, sizeof *reach * nf);
  uint8_t *root_state = an_arena_alloc(&m->arena, nf); /* 0 unknown, 1 usable, 2 not */
  if (!reach || !root_state) return;
  for (uint32_t i = 0; i < nf && !m->arena.failed; i++) {
    AnFunc *f = AN_FUNC(m, i);
    if (f->root != AN_ROOT_HYBRID || f->is_lambda) continue;
    int root = an_graph_root(m, (int)i);
    if (root < 0 || AN_FUNC(m, root)->root != AN_ROOT_HYBRID) continue;
    if (!root_state[root]) {
      root_state[root] = 2;
      if (fc__created_once(m, root)) {
        reach[root].external = -1;
        fc__reach(&x, root, &reach[root].ev);
        if (reach[root].ev.count) root_state[root] = 1;
      }
    }
    if (root_state[root] != 1) continue;
    TSNode body = an_field(m->lang, f->node, AN_FIELD_body);
    if (ts_node_is_null(body)) continue;
    FcScan scan = {m, (int)i, {0}, {0}, NULL, NULL, NULL};
    fc__scan_body(&scan, body);
    fc__check_reads(&x, &scan, (int)i, root, &reach[root]);
  }
}
