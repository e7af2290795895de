/* tests/bench/deps — dependency closures of top-level statements (deps.h).
 *
 * Names are 64-bit FNV-1a hashes of their bytes, interned into dense ids;
 * each statement keeps the sorted ids it binds and mentions, and each name
 * the statements that bind and mention it. A closure is a breadth-first
 * search over that bipartite graph: a name's statements are enqueued once
 * per search, so one closure costs O(statements + names + incidences) and
 * the figure of a 10,000-line file a few milliseconds.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "server/lang.h"
#include "tests/bench/deps.h"
#include "tests/bench/stats.h"

/* ------------------------------------------------------------------------
 * Node kinds, by grammar symbol (strcmp once per symbol, not once per node).
 */

enum {
  K_OTHER,
  K_IDENT,
  K_FUNC,
  K_CLASS,
  K_LAMBDA,
  K_ASSIGN, /* assignment, augmented_assignment */
  K_FOR,
  K_WITH_ITEM,
  K_GLOBAL, /* global_statement, nonlocal_statement */
  K_IMPORT,
  K_IMPORT_FROM, /* import_from_statement, future_import_statement */
  K_ATTRIBUTE,
  K_SUBSCRIPT,
  K_COMMENT,
  K_EXPR_STMT,
  K_DOTTED,
  K_ALIASED,
};

static const struct {
  const char *name;
  uint8_t kind;
} deps__kind_names[] = {
    {"identifier", K_IDENT},
    {"function_definition", K_FUNC},
    {"class_definition", K_CLASS},
    {"lambda", K_LAMBDA},
    {"assignment", K_ASSIGN},
    {"augmented_assignment", K_ASSIGN},
    {"for_statement", K_FOR},
    {"with_item", K_WITH_ITEM},
    {"global_statement", K_GLOBAL},
    {"nonlocal_statement", K_GLOBAL},
    {"import_statement", K_IMPORT},
    {"import_from_statement", K_IMPORT_FROM},
    {"future_import_statement", K_IMPORT_FROM},
    {"attribute", K_ATTRIBUTE},
    {"subscript", K_SUBSCRIPT},
    {"comment", K_COMMENT},
    {"expression_statement", K_EXPR_STMT},
    {"dotted_name", K_DOTTED},
    {"aliased_import", K_ALIASED},
};

/* Scope flags of a node's children. Bindings follow Python's scopes: an
 * assignment binds a module name only outside functions and classes. */
enum {
  SC_MODULE = 1,     /* module scope (also inside if/try/for/with) */
  SC_CLASS_BODY = 2, /* directly in a class body */
  SC_IN_CLASS = 4,   /* anywhere under a class, methods included */
};

/* Statement flags. */
enum {
  ST_COMMENT = 1,
  ST_OPAQUE = 2,         /* an import: a member of closures, never a connector */
  ST_RELAXED_OPAQUE = 4, /* opaque in the relaxed variant (set for ST_OPAQUE too) */
  ST_ASSIGN = 8,         /* a top-level assignment: a relaxed candidate */
};

/* ------------------------------------------------------------------------
 * Growable arrays and the name table.
 */

typedef struct DepsVec {
  uint64_t *v;
  size_t n, cap;
} DepsVec;

static int deps__vec_push(DepsVec *a, uint64_t x) {
  if (a->n == a->cap) {
    size_t cap = a->cap ? a->cap * 2 : 256;
    uint64_t *v = realloc(a->v, cap * sizeof *v);
    if (!v) return -1;
    a->v = v;
    a->cap = cap;
  }
  a->v[a->n++] = x;
  return 0;
}

static void deps__vec_free(DepsVec *a) {
  free(a->v);
  *a = (DepsVec){0};
}

/* Open addressing from hash to dense id; 0 marks a free slot, so a hash of 0
 * is stored as 1 (a collision of two names is as harmless as any other). */
typedef struct DepsNames {
  uint64_t *keys;
  uint32_t *ids;
  uint32_t cap, count;
} DepsNames;

static uint64_t deps__fnv(const char *s, uint32_t n) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (uint32_t i = 0; i < n; i++) h = (h ^ (uint8_t)s[i]) * 0x100000001b3ull;
  return h ? h : 1;
}

static int deps__names_grow(DepsNames *t) {
  uint32_t cap = t->cap ? t->cap * 2 : 1024;
  uint64_t *keys = calloc(cap, sizeof *keys);
  uint32_t *ids = malloc(cap * sizeof *ids);
  if (!keys || !ids) {
    free(keys);
    free(ids);
    return -1;
  }
  for (uint32_t i = 0; i < t->cap; i++) {
    if (!t->keys[i]) continue;
    uint32_t j = (uint32_t)t->keys[i] & (cap - 1);
    while (keys[j]) j = (j + 1) & (cap - 1);
    keys[j] = t->keys[i];
    ids[j] = t->ids[i];
  }
  free(t->keys);
  free(t->ids);
  t->keys = keys;
  t->ids = ids;
  t->cap = cap;
  return 0;
}

/* The id of `h`, added when new; UINT32_MAX when out of memory. */
static uint32_t deps__names_intern(DepsNames *t, uint64_t h) {
  if (2 * (t->count + 1) > t->cap && deps__names_grow(t) != 0) return UINT32_MAX;
  uint32_t j = (uint32_t)h & (t->cap - 1);
  while (t->keys[j] && t->keys[j] != h) j = (j + 1) & (t->cap - 1);
  if (!t->keys[j]) {
    t->keys[j] = h;
    t->ids[j] = t->count++;
  }
  return t->ids[j];
}

static void deps__names_free(DepsNames *t) {
  free(t->keys);
  free(t->ids);
  *t = (DepsNames){0};
}

/* ------------------------------------------------------------------------
 * Collecting names: (statement << 32 | name) pairs of three sorts.
 */

typedef struct DepsWalk {
  const char *text;
  uint8_t *kinds; /* by symbol */
  uint32_t symbols;
  DepsNames names;
  DepsVec bind, mention, rhs;
  uint8_t *scope; /* by cursor depth: the scope of that depth's nodes */
  uint32_t scope_cap;
  uint32_t stmt;
  bool oom;
} DepsWalk;

static uint8_t deps__kind(const DepsWalk *w, TSNode n) {
  TSSymbol s = ts_node_symbol(n);
  return s < w->symbols ? w->kinds[s] : K_OTHER;
}

static void deps__add(DepsWalk *w, DepsVec *to, TSNode ident) {
  uint32_t a = ts_node_start_byte(ident), b = ts_node_end_byte(ident);
  uint32_t id = deps__names_intern(&w->names, deps__fnv(w->text + a, b - a));
  if (id == UINT32_MAX || deps__vec_push(to, (uint64_t)w->stmt << 32 | id) != 0) w->oom = true;
}

/* Moves `c` to the next node in preorder below its root, skipping the
 * children of the current node when `descend` is false. False at the end. */
static bool deps__next(TSTreeCursor *c, bool descend, uint32_t *depth) {
  if (descend && ts_tree_cursor_goto_first_child(c)) {
    ++*depth;
    return true;
  }
  while (!ts_tree_cursor_goto_next_sibling(c)) {
    if (!ts_tree_cursor_goto_parent(c)) return false;
    --*depth;
  }
  return true;
}

/* The names an assignment, for or with target binds: identifiers in plain
 * and starred patterns when `plain`, and the attribute of `self.<attr>` when
 * `self_attr` (the instance attributes a class shares between methods). */
static void deps__targets(DepsWalk *w, TSNode target, bool plain, bool self_attr) {
  TSTreeCursor c = ts_tree_cursor_new(target);
  uint32_t depth = 0;
  bool descend;
  do {
    TSNode n = ts_tree_cursor_current_node(&c);
    uint8_t k = deps__kind(w, n);
    descend = k != K_ATTRIBUTE && k != K_SUBSCRIPT;
    if (k == K_IDENT && plain) deps__add(w, &w->bind, n);
    if (k == K_ATTRIBUTE && self_attr) {
      TSNode obj = ts_node_child_by_field_name(n, "object", 6);
      TSNode attr = ts_node_child_by_field_name(n, "attribute", 9);
      uint32_t a = ts_node_start_byte(obj);
      if (!ts_node_is_null(attr) && deps__kind(w, obj) == K_IDENT && ts_node_end_byte(obj) - a == 4 &&
          memcmp(w->text + a, "self", 4) == 0)
        deps__add(w, &w->bind, attr);
    }
  } while (deps__next(&c, descend, &depth));
  ts_tree_cursor_delete(&c);
}

/* `import a.b` binds a, `import a.b as c` c, `from m import x, y as z` x and
 * z: the children in the `name` field, never the module_name. */
static void deps__import(DepsWalk *w, TSNode stmt) {
  TSTreeCursor c = ts_tree_cursor_new(stmt);
  if (ts_tree_cursor_goto_first_child(&c)) {
    do {
      const char *field = ts_tree_cursor_current_field_name(&c);
      if (!field || strcmp(field, "name") != 0) continue;
      TSNode n = ts_tree_cursor_current_node(&c);
      uint8_t k = deps__kind(w, n);
      TSNode id = k == K_ALIASED ? ts_node_child_by_field_name(n, "alias", 5)
                  : k == K_DOTTED ? ts_node_named_child(n, 0)
                                  : n;
      if (!ts_node_is_null(id) && deps__kind(w, id) == K_IDENT) deps__add(w, &w->bind, id);
    } while (ts_tree_cursor_goto_next_sibling(&c));
  }
  ts_tree_cursor_delete(&c);
}

/* Records what node `n`, in scope `sc`, binds or mentions; returns the scope
 * of its children. */
static uint8_t deps__visit(DepsWalk *w, TSNode n, uint8_t sc) {
  bool binds_here = sc & (SC_MODULE | SC_CLASS_BODY);
  switch (deps__kind(w, n)) {
  case K_IDENT:
    deps__add(w, &w->mention, n);
    return sc;
  case K_FUNC:
  case K_CLASS: {
    TSNode name = ts_node_child_by_field_name(n, "name", 4);
    if (binds_here && !ts_node_is_null(name)) deps__add(w, &w->bind, name);
    if (deps__kind(w, n) == K_CLASS) return SC_CLASS_BODY | SC_IN_CLASS;
    return sc & SC_IN_CLASS;
  }
  case K_LAMBDA:
    return sc & SC_IN_CLASS;
  case K_ASSIGN: {
    TSNode left = ts_node_child_by_field_name(n, "left", 4);
    if (!ts_node_is_null(left)) deps__targets(w, left, binds_here, sc & SC_IN_CLASS);
    return sc;
  }
  case K_FOR: {
    TSNode left = ts_node_child_by_field_name(n, "left", 4);
    if ((sc & SC_MODULE) && !ts_node_is_null(left)) deps__targets(w, left, true, false);
    return sc;
  }
  case K_WITH_ITEM: {
    TSNode value = ts_node_child_by_field_name(n, "value", 5);
    TSNode alias = ts_node_is_null(value) ? value : ts_node_child_by_field_name(value, "alias", 5);
    if ((sc & SC_MODULE) && !ts_node_is_null(alias)) deps__targets(w, alias, true, false);
    return sc;
  }
  case K_GLOBAL:
    for (uint32_t i = 0, nc = ts_node_named_child_count(n); i < nc; i++) {
      TSNode id = ts_node_named_child(n, i);
      if (deps__kind(w, id) == K_IDENT) deps__add(w, &w->bind, id);
    }
    return sc;
  case K_IMPORT:
  case K_IMPORT_FROM:
    if (binds_here) deps__import(w, n);
    return sc;
  default:
    return sc;
  }
}

static int deps__scope_reserve(DepsWalk *w, uint32_t depth) {
  if (depth < w->scope_cap) return 0;
  uint32_t cap = w->scope_cap ? w->scope_cap * 2 : 64;
  while (cap <= depth) cap *= 2;
  uint8_t *s = realloc(w->scope, cap);
  if (!s) return -1;
  w->scope = s;
  w->scope_cap = cap;
  return 0;
}

/* Every binding and mention of one top-level statement. */
static void deps__statement(DepsWalk *w, TSNode stmt) {
  TSTreeCursor c = ts_tree_cursor_new(stmt);
  uint32_t depth = 0;
  if (deps__scope_reserve(w, 0) != 0) w->oom = true;
  else w->scope[0] = SC_MODULE;
  while (!w->oom) {
    uint8_t child = deps__visit(w, ts_tree_cursor_current_node(&c), w->scope[depth]);
    if (deps__scope_reserve(w, depth + 1) != 0) {
      w->oom = true;
      break;
    }
    w->scope[depth + 1] = child;
    if (!deps__next(&c, true, &depth)) break;
  }
  ts_tree_cursor_delete(&c);
}

/* The names on the right of a top-level assignment, which the relaxed variant
 * reads: `a = b = f(x)` gives b, f and x. */
static void deps__rhs(DepsWalk *w, TSNode stmt) {
  TSNode assign = ts_node_named_child(stmt, 0);
  if (ts_node_is_null(assign) || deps__kind(w, assign) != K_ASSIGN) return;
  TSNode right = ts_node_child_by_field_name(assign, "right", 5);
  if (ts_node_is_null(right)) return;
  TSTreeCursor c = ts_tree_cursor_new(right);
  uint32_t depth = 0;
  do {
    TSNode n = ts_tree_cursor_current_node(&c);
    if (deps__kind(w, n) == K_IDENT) deps__add(w, &w->rhs, n);
  } while (deps__next(&c, true, &depth));
  ts_tree_cursor_delete(&c);
}

static void deps__walk_free(DepsWalk *w) {
  free(w->kinds);
  free(w->scope);
  deps__names_free(&w->names);
  deps__vec_free(&w->bind);
  deps__vec_free(&w->mention);
  deps__vec_free(&w->rhs);
}

static int deps__kinds_init(DepsWalk *w, const TSLanguage *lang) {
  w->symbols = ts_language_symbol_count(lang);
  w->kinds = calloc(w->symbols ? w->symbols : 1, 1);
  if (!w->kinds) return -1;
  for (uint32_t s = 0; s < w->symbols; s++) {
    if (ts_language_symbol_type(lang, (TSSymbol)s) != TSSymbolTypeRegular) continue;
    const char *name = ts_language_symbol_name(lang, (TSSymbol)s);
    for (size_t i = 0; name && i < sizeof deps__kind_names / sizeof deps__kind_names[0]; i++)
      if (strcmp(name, deps__kind_names[i].name) == 0) w->kinds[s] = deps__kind_names[i].kind;
  }
  return 0;
}

/* ------------------------------------------------------------------------
 * The graph.
 */

typedef struct DepsStmt {
  uint32_t lines;
  uint8_t flags;
} DepsStmt;

/* Compressed rows: the values of row r are v[off[r] .. off[r + 1]). */
typedef struct DepsRows {
  uint32_t *off, *v;
} DepsRows;

struct DepsGraph {
  uint32_t n, names, lines;
  DepsStmt *st;
  DepsRows st_binds, st_mentions;    /* by statement: name ids, sorted, unique */
  DepsRows name_binders, name_users; /* by name: statement indexes, ascending */
  /* Scratch of deps_graph_closure: epoch stamps instead of clearing. */
  uint32_t epoch;
  uint32_t *seen, *name_users_done, *name_binders_done, *queue;
};

static int deps__u64_cmp(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

static void deps__unique(DepsVec *a) {
  if (a->n == 0) return; /* an empty vector has no array to give qsort */
  qsort(a->v, a->n, sizeof *a->v, deps__u64_cmp);
  size_t k = 0;
  for (size_t i = 0; i < a->n; i++)
    if (k == 0 || a->v[i] != a->v[k - 1]) a->v[k++] = a->v[i];
  a->n = k;
}

static void deps__rows_free(DepsRows *r) {
  free(r->off);
  free(r->v);
}

/* Rows from sorted unique pairs: by the high half when `by_high`, else by the
 * low half (a counting sort, which keeps the high halves ascending). */
static int deps__rows(const DepsVec *pairs, uint32_t rows, bool by_high, DepsRows *out) {
  out->off = calloc((size_t)rows + 1, sizeof *out->off);
  out->v = malloc((pairs->n ? pairs->n : 1) * sizeof *out->v);
  if (!out->off || !out->v) return -1;
  for (size_t i = 0; i < pairs->n; i++) {
    uint64_t p = pairs->v[i];
    out->off[(by_high ? p >> 32 : (uint32_t)p) + 1]++;
  }
  for (uint32_t r = 0; r < rows; r++) out->off[r + 1] += out->off[r];
  uint32_t *fill = malloc(((size_t)rows + 1) * sizeof *fill);
  if (!fill) return -1;
  memcpy(fill, out->off, ((size_t)rows + 1) * sizeof *fill);
  for (size_t i = 0; i < pairs->n; i++) {
    uint64_t p = pairs->v[i];
    uint32_t hi = (uint32_t)(p >> 32), lo = (uint32_t)p;
    if (by_high) out->v[fill[hi]++] = lo;
    else out->v[fill[lo]++] = hi;
  }
  free(fill);
  return 0;
}

static uint32_t deps__line_span(TSNode n) {
  TSPoint a = ts_node_start_point(n), b = ts_node_end_point(n);
  /* A node that ends at the start of a line does not occupy it. */
  if (b.row > a.row && b.column == 0) b.row--;
  return b.row - a.row + 1;
}

static uint32_t deps__text_lines(const char *text, uint32_t len) {
  uint32_t lines = 0;
  for (uint32_t i = 0; i < len; i++) lines += text[i] == '\n';
  return lines + (len > 0 && text[len - 1] != '\n');
}

static bool deps__is_binder(const DepsGraph *g, uint32_t name, uint32_t stmt, uint8_t flag) {
  for (uint32_t i = g->name_binders.off[name]; i < g->name_binders.off[name + 1]; i++) {
    uint32_t b = g->name_binders.v[i];
    if (b != stmt && !(g->st[b].flags & flag)) return true;
  }
  return false;
}

/* A top-level assignment is relaxed-opaque when no other non-opaque statement
 * binds a name on its right: its value cannot change with another statement. */
static void deps__relax(DepsGraph *g, const DepsVec *rhs) {
  for (uint32_t s = 0; s < g->n; s++)
    if (g->st[s].flags & ST_ASSIGN) g->st[s].flags |= ST_RELAXED_OPAQUE;
  for (size_t i = 0; i < rhs->n; i++) {
    uint32_t s = (uint32_t)(rhs->v[i] >> 32), name = (uint32_t)rhs->v[i];
    if (deps__is_binder(g, name, s, ST_OPAQUE)) g->st[s].flags &= (uint8_t)~ST_RELAXED_OPAQUE;
  }
}

static uint8_t deps__statement_flags(const DepsWalk *w, TSNode n) {
  switch (deps__kind(w, n)) {
  case K_COMMENT:
    return ST_COMMENT;
  case K_IMPORT:
  case K_IMPORT_FROM:
    return ST_OPAQUE | ST_RELAXED_OPAQUE;
  case K_EXPR_STMT: {
    TSNode first = ts_node_named_child(n, 0);
    return !ts_node_is_null(first) && deps__kind(w, first) == K_ASSIGN ? ST_ASSIGN : 0;
  }
  default:
    return 0;
  }
}

static int deps__collect(DepsGraph *g, DepsWalk *w, TSNode root) {
  g->n = ts_node_named_child_count(root);
  g->st = calloc(g->n ? g->n : 1, sizeof *g->st);
  if (!g->st) return -1;
  TSTreeCursor c = ts_tree_cursor_new(root);
  uint32_t s = 0;
  if (ts_tree_cursor_goto_first_child(&c)) {
    do {
      TSNode n = ts_tree_cursor_current_node(&c);
      if (!ts_node_is_named(n) || s >= g->n) continue;
      w->stmt = s;
      g->st[s].lines = deps__line_span(n);
      g->st[s].flags = deps__statement_flags(w, n);
      if (!(g->st[s].flags & ST_COMMENT)) deps__statement(w, n);
      if (g->st[s].flags & ST_ASSIGN) deps__rhs(w, n);
      s++;
    } while (!w->oom && ts_tree_cursor_goto_next_sibling(&c));
  }
  ts_tree_cursor_delete(&c);
  return w->oom ? -1 : 0;
}

static int deps__index(DepsGraph *g, DepsWalk *w) {
  g->names = w->names.count;
  deps__unique(&w->bind);
  deps__unique(&w->mention);
  if (deps__rows(&w->bind, g->n, true, &g->st_binds) != 0 ||
      deps__rows(&w->mention, g->n, true, &g->st_mentions) != 0 ||
      deps__rows(&w->bind, g->names, false, &g->name_binders) != 0 ||
      deps__rows(&w->mention, g->names, false, &g->name_users) != 0)
    return -1;
  deps__relax(g, &w->rhs);
  g->seen = calloc(g->n ? g->n : 1, sizeof *g->seen);
  g->queue = malloc((g->n ? g->n : 1) * sizeof *g->queue);
  g->name_users_done = calloc(g->names ? g->names : 1, sizeof *g->name_users_done);
  g->name_binders_done = calloc(g->names ? g->names : 1, sizeof *g->name_binders_done);
  return g->seen && g->queue && g->name_users_done && g->name_binders_done ? 0 : -1;
}

DepsGraph *deps_graph_new(TSNode root, const char *text, uint32_t len) {
  DepsGraph *g = calloc(1, sizeof *g);
  DepsWalk w = {.text = text};
  if (!g || deps__kinds_init(&w, ts_tree_language(root.tree)) != 0) goto fail;
  g->lines = deps__text_lines(text, len);
  if (deps__collect(g, &w, root) != 0 || deps__index(g, &w) != 0) goto fail;
  deps__walk_free(&w);
  return g;

fail:
  deps__walk_free(&w);
  deps_graph_free(g);
  return NULL;
}

void deps_graph_free(DepsGraph *g) {
  if (!g) return;
  free(g->st);
  deps__rows_free(&g->st_binds);
  deps__rows_free(&g->st_mentions);
  deps__rows_free(&g->name_binders);
  deps__rows_free(&g->name_users);
  free(g->seen);
  free(g->queue);
  free(g->name_users_done);
  free(g->name_binders_done);
  free(g);
}

uint32_t deps_graph_statements(const DepsGraph *g) { return g->n; }
uint32_t deps_graph_lines(const DepsGraph *g) { return g->lines; }

bool deps_graph_measured(const DepsGraph *g, uint32_t stmt) {
  return stmt < g->n && !(g->st[stmt].flags & (ST_COMMENT | ST_OPAQUE));
}

bool deps_graph_relaxed_opaque(const DepsGraph *g, uint32_t stmt) {
  return stmt < g->n && (g->st[stmt].flags & ST_RELAXED_OPAQUE);
}

/* ------------------------------------------------------------------------
 * Closures.
 */

static void deps__epoch_next(DepsGraph *g) {
  if (++g->epoch != 0) return;
  /* Wrapped: stamps of 4 billion searches ago would look current. */
  memset(g->seen, 0, g->n * sizeof *g->seen);
  memset(g->name_users_done, 0, g->names * sizeof *g->name_users_done);
  memset(g->name_binders_done, 0, g->names * sizeof *g->name_binders_done);
  g->epoch = 1;
}

/* Enqueues the statements of row `name` of `rows` once per search. */
static void deps__reach(DepsGraph *g, const DepsRows *rows, uint32_t *done, uint32_t name, uint32_t *tail,
                        uint32_t *lines) {
  if (done[name] == g->epoch) return;
  done[name] = g->epoch;
  for (uint32_t i = rows->off[name]; i < rows->off[name + 1]; i++) {
    uint32_t s = rows->v[i];
    if (g->seen[s] == g->epoch) continue;
    g->seen[s] = g->epoch;
    g->queue[(*tail)++] = s;
    *lines += g->st[s].lines;
  }
}

uint32_t deps_graph_closure(DepsGraph *g, uint32_t d, bool relaxed, uint8_t *members) {
  if (d >= g->n) return 0;
  deps__epoch_next(g);
  uint8_t opaque = relaxed ? ST_RELAXED_OPAQUE : ST_OPAQUE;
  uint32_t head = 0, tail = 0, lines = g->st[d].lines;
  g->seen[d] = g->epoch;
  g->queue[tail++] = d;
  while (head < tail) {
    uint32_t s = g->queue[head++];
    if (s != d && (g->st[s].flags & opaque)) continue;
    for (uint32_t i = g->st_binds.off[s]; i < g->st_binds.off[s + 1]; i++)
      deps__reach(g, &g->name_users, g->name_users_done, g->st_binds.v[i], &tail, &lines);
    for (uint32_t i = g->st_mentions.off[s]; i < g->st_mentions.off[s + 1]; i++)
      deps__reach(g, &g->name_binders, g->name_binders_done, g->st_mentions.v[i], &tail, &lines);
  }
  if (members)
    for (uint32_t i = 0; i < g->n; i++) members[i] = g->seen[i] == g->epoch;
  return lines;
}

/* ------------------------------------------------------------------------
 * Figures.
 */

static void deps__share(BenchSamples *s, DepsShare *out) {
  out->median = bench_median(s);
  out->p95 = bench_p95(s);
  /* bench_median left the samples sorted. */
  out->min = s->n ? s->v[0] : 0;
  out->max = s->n ? s->v[s->n - 1] : 0;
}

int deps_figure(DepsGraph *g, DepsFigure *out) {
  *out = (DepsFigure){.lines = g->lines, .statements = g->n};
  uint32_t *measured = malloc((g->n ? g->n : 1) * sizeof *measured);
  if (!measured) return -1;
  uint64_t covered = 0;
  for (uint32_t s = 0; s < g->n; s++) {
    covered += g->st[s].lines;
    if (deps_graph_measured(g, s)) measured[out->measured++] = s;
  }
  out->sampled = out->measured < DEPS_SAMPLE_MAX ? out->measured : DEPS_SAMPLE_MAX;
  BenchSamples strict = {0}, relaxed = {0};
  double lines = g->lines ? g->lines : 1;
  out->covered = 100.0 * (double)covered / lines;
  for (uint32_t i = 0; i < out->sampled; i++) {
    uint32_t d = measured[(uint64_t)i * out->measured / out->sampled];
    bench_samples_add(&strict, 100.0 * deps_graph_closure(g, d, false, NULL) / lines);
    bench_samples_add(&relaxed, 100.0 * deps_graph_closure(g, d, true, NULL) / lines);
  }
  deps__share(&strict, &out->strict);
  deps__share(&relaxed, &out->relaxed);
  bench_samples_free(&strict);
  bench_samples_free(&relaxed);
  free(measured);
  return 0;
}

int deps_figure_text(TSParser *parser, const char *text, uint32_t len, DepsFigure *out) {
  TSTree *tree = hl_parse(parser, NULL, text, len);
  if (!tree) return -1;
  DepsGraph *g = deps_graph_new(ts_tree_root_node(tree), text, len);
  int rc = g ? deps_figure(g, out) : -1;
  deps_graph_free(g);
  ts_tree_delete(tree);
  return rc;
}

char *deps_read_file(const char *path, uint32_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (cap - n < 4096) {
      cap = cap ? cap * 2 : 65536;
      char *b = cap < UINT32_MAX ? realloc(buf, cap) : NULL;
      if (!b) goto fail;
      buf = b;
    }
    size_t got = fread(buf + n, 1, cap - n - 1, f);
    n += got;
    if (got == 0) break;
  }
  if (ferror(f)) goto fail;
  fclose(f);
  buf[n] = '\0';
  *len = (uint32_t)n;
  return buf;

fail:
  free(buf);
  fclose(f);
  return NULL;
}

int deps_figure_file(TSParser *parser, const char *path, DepsFigure *out) {
  uint32_t len;
  char *text = deps_read_file(path, &len);
  if (!text) return -1;
  int rc = deps_figure_text(parser, text, len, out);
  free(text);
  return rc;
}

struct DepsCorpusAcc {
  BenchSamples strict, relaxed;
  size_t files, empty;
  uint64_t lines;
};

DepsCorpusAcc *deps_corpus_acc_new(void) { return calloc(1, sizeof(DepsCorpusAcc)); }

void deps_corpus_acc_free(DepsCorpusAcc *acc) {
  if (!acc) return;
  bench_samples_free(&acc->strict);
  bench_samples_free(&acc->relaxed);
  free(acc);
}

void deps_corpus_add(DepsCorpusAcc *acc, const DepsFigure *f) {
  acc->files++;
  acc->lines += f->lines;
  if (f->sampled == 0) {
    acc->empty++;
    return;
  }
  bench_samples_add(&acc->strict, f->strict.median);
  bench_samples_add(&acc->relaxed, f->relaxed.median);
}

void deps_corpus_finish(DepsCorpusAcc *acc, DepsCorpus *out) {
  *out = (DepsCorpus){.files = acc->files, .empty = acc->empty, .lines = acc->lines};
  deps__share(&acc->strict, &out->strict);
  deps__share(&acc->relaxed, &out->relaxed);
}

/* ------------------------------------------------------------------------
 * The comparison files.
 */

typedef struct DepsPaths {
  char **v;
  size_t n, cap;
} DepsPaths;

static int deps__paths_push(DepsPaths *p, char *s) {
  if (!s) return -1;
  if (p->n == p->cap) {
    size_t cap = p->cap ? p->cap * 2 : 32;
    char **v = realloc(p->v, cap * sizeof *v);
    if (!v) {
      free(s);
      return -1;
    }
    p->v = v;
    p->cap = cap;
  }
  p->v[p->n++] = s;
  return 0;
}

static char *deps__join(const char *dir, const char *name) {
  size_t a = strlen(dir), b = strlen(name);
  char *s = malloc(a + b + 2);
  if (!s) return NULL;
  memcpy(s, dir, a);
  s[a] = '/';
  memcpy(s + a + 1, name, b + 1);
  return s;
}

static bool deps__is_py(const char *name) {
  size_t n = strlen(name);
  return n > 3 && strcmp(name + n - 3, ".py") == 0;
}

/* The .py files of `root`, of its subdirectories too when `deep`; the
 * directories still to read are kept on a stack (`dirs`) rather than in
 * recursion. */
static int deps__scan(const char *root, bool deep, DepsPaths *out) {
  DepsPaths dirs = {0};
  int rc = deps__paths_push(&dirs, strdup(root));
  while (rc == 0 && dirs.n > 0) {
    char *dir = dirs.v[--dirs.n];
    DIR *d = opendir(dir);
    for (struct dirent *e; rc == 0 && d && (e = readdir(d));) {
      if (e->d_name[0] == '.') continue;
      char *path = deps__join(dir, e->d_name);
      struct stat st;
      bool ok = path && stat(path, &st) == 0;
      if (!path) rc = -1;
      else if (ok && S_ISDIR(st.st_mode) && deep) rc = deps__paths_push(&dirs, path);
      else if (ok && S_ISREG(st.st_mode) && deps__is_py(e->d_name)) rc = deps__paths_push(out, path);
      else free(path);
    }
    if (d) closedir(d);
    free(dir);
  }
  deps_paths_free(dirs.v, dirs.n);
  return rc;
}

static int deps__str_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int deps_corpus_paths(char ***paths, size_t *count) {
  DepsPaths p = {0};
  if (deps__scan("examples", false, &p) != 0 || deps__scan("tests/corpus", true, &p) != 0) {
    deps_paths_free(p.v, p.n);
    return -1;
  }
  if (p.n) qsort(p.v, p.n, sizeof *p.v, deps__str_cmp);
  *paths = p.v;
  *count = p.n;
  return 0;
}

void deps_paths_free(char **paths, size_t count) {
  for (size_t i = 0; i < count; i++) free(paths[i]);
  free(paths);
}

/* ------------------------------------------------------------------------
 * Section 2b of `make bench`.
 */

static int deps__corpus(TSParser *parser, DepsCorpus *out) {
  char **paths = NULL;
  size_t n = 0;
  DepsCorpusAcc *acc = deps_corpus_acc_new();
  int rc = acc ? deps_corpus_paths(&paths, &n) : -1;
  for (size_t i = 0; rc == 0 && i < n; i++) {
    DepsFigure f;
    rc = deps_figure_file(parser, paths[i], &f);
    if (rc == 0) deps_corpus_add(acc, &f);
  }
  if (rc == 0) deps_corpus_finish(acc, out);
  deps_paths_free(paths, n);
  deps_corpus_acc_free(acc);
  return rc;
}

/* "10,003": the style of the rest of bench's prose. */
static const char *deps__commas(uint64_t v, char *buf, size_t size) {
  char digits[24];
  int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)v);
  size_t k = 0;
  for (int i = 0; i < n && k + 2 < size; i++) {
    if (i > 0 && (n - i) % 3 == 0) buf[k++] = ',';
    buf[k++] = digits[i];
  }
  buf[k] = '\0';
  return buf;
}

int deps_print_section(TSParser *parser, const char *text, uint32_t len) {
  DepsFigure f;
  DepsCorpus c;
  char n1[32], n2[32];
  if (deps_figure_text(parser, text, len, &f) != 0 || deps__corpus(parser, &c) != 0) return -1;
  printf("\n  2b. Share of the file an exact statement-level incremental analysis must re-analyse after an edit\n"
         "      (dependency closure of the edited top-level statement, by names; tests/bench/deps.c)\n");
  printf("      %s-line file: %u statements (%.1f%% of the lines), closures of %u of the %u non-imports:\n"
         "      median %.1f%% of the lines, p95 %.1f%%, min %.1f%%, max %.1f%%; relaxed (module assignments of\n"
         "      constants opaque): median %.1f%%, p95 %.1f%%, min %.1f%%, max %.1f%%\n",
         deps__commas(f.lines, n1, sizeof n1), f.statements, f.covered, f.sampled, f.measured, f.strict.median,
         f.strict.p95, f.strict.min, f.strict.max, f.relaxed.median, f.relaxed.p95, f.relaxed.min,
         f.relaxed.max);
  if (c.files == c.empty) {
    printf("      examples + corpus: no files with measured statements (bench runs from the repository root)\n");
    return 0;
  }
  printf("      examples + corpus: %zu files, %s lines; per-file median of the medians %.1f%% (files from\n"
         "      %.1f%% to %.1f%%); relaxed %.1f%% (%.1f%% to %.1f%%)\n",
         c.files - c.empty, deps__commas(c.lines, n2, sizeof n2), c.strict.median, c.strict.min, c.strict.max,
         c.relaxed.median, c.relaxed.min, c.relaxed.max);
  return 0;
}
