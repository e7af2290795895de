#include <string.h>

#include "analysis/rules/rules.h"

const char *an_tf_alias(AnModel *m) {
  for (uint32_t i = 0; i < m->imports.count; i++) {
    AnImport *imp = &AN_VEC_AT(m->imports, AnImport, i);
    if (strcmp(imp->target, "tensorflow") == 0 && !an_name_shadowed_by_assignment(m, imp->local))
      return imp->local;
  }
  return NULL;
}

bool an_call_is(const AnCall *c, const char *dotted) { return c->dotted && strcmp(c->dotted, dotted) == 0; }

const char *an_func_label(AnModel *m, int func) {
  if (func < 0) return "<module>";
  AnFunc *f = AN_FUNC(m, func);
  if (f->is_lambda) {
    int p = f->parent;
    return p >= 0 ? an_arena_printf(&m->arena, "lambda in %s", AN_FUNC(m, p)->qualname) : "lambda";
  }
  return f->qualname;
}

bool an_graph_code(AnModel *m, const AnCtx *ctx) {
  return an_in_graph(m, ctx->func) && !ctx->eager_guard;
}

const char *an_snippet(AnModel *m, TSNode node) {
  uint32_t len;
  const char *t = an_text(m->src, node, &len);
  const char *nl = memchr(t, '\n', len);
  bool cut = false;
  if (nl) {
    len = (uint32_t)(nl - t);
    cut = true;
  }
  if (len > 60) {
    len = 57;
    cut = true;
  }
  return an_arena_printf(&m->arena, "%.*s%s", (int)len, t, cut ? "..." : "");
}

const char *an_loop_header(AnModel *m, TSNode loop, TSNode body) {
  uint32_t s = ts_node_start_byte(loop), e = ts_node_start_byte(body);
  while (e > s && (m->src[e - 1] == ' ' || m->src[e - 1] == '\t' || m->src[e - 1] == '\n' ||
                   m->src[e - 1] == '\r' || m->src[e - 1] == ':'))
    e--;
  uint32_t len = e - s;
  const char *nl = memchr(m->src + s, '\n', len);
  if (nl || len > 60) len = nl && (uint32_t)(nl - (m->src + s)) < 57 ? (uint32_t)(nl - (m->src + s)) : 57;
  return an_arena_printf(&m->arena, "%.*s%s", (int)len, m->src + s, len < e - s ? "..." : "");
}

bool an_node_within(TSNode inner, TSNode outer) {
  return ts_node_start_byte(outer) <= ts_node_start_byte(inner) && ts_node_end_byte(inner) <= ts_node_end_byte(outer);
}

/* A counting sort of the calls by callee, built on first use. */
static void common__callee_index(AnModel *m) {
  uint32_t nf = m->funcs.count, nc = m->calls.count;
  uint32_t *first = an_arena_alloc(&m->arena, sizeof *first * (nf + 2));
  uint32_t *order = an_arena_alloc(&m->arena, sizeof *order * (nc + 1));
  if (!first || !order) return;
  for (uint32_t i = 0; i < nc; i++) {
    int callee = AN_VEC_AT(m->calls, AnCall, i).callee;
    if (callee >= 0 && (uint32_t)callee < nf) first[callee + 2]++;
  }
  for (uint32_t f = 2; f < nf + 2; f++) first[f] += first[f - 1];
  for (uint32_t i = 0; i < nc; i++) {
    int callee = AN_VEC_AT(m->calls, AnCall, i).callee;
    if (callee >= 0 && (uint32_t)callee < nf) order[first[callee + 1]++] = i;
  }
  m->callee_offsets = first;
  m->callee_order = order;
}

AnCallIds an_calls_to(AnModel *m, int f) {
  AnCallIds r = {NULL, 0};
  if (!m->callee_offsets) common__callee_index(m);
  if (!m->callee_offsets || f < 0 || (uint32_t)f >= m->funcs.count) return r;
  r.ids = m->callee_order + m->callee_offsets[f];
  r.count = m->callee_offsets[f + 1] - m->callee_offsets[f];
  return r;
}

/* --- ancestors ------------------------------------------------------------
 * ts_node_parent descends from the root every time, scanning the module's
 * statements from the first: thousands of steps per call in a long module,
 * and a chain of parents pays it once per level. The helpers below descend
 * once, from the top-level statement (found by binary search) or from the
 * node of the enclosing function. */

static const TSNode *common__top_nodes(AnModel *m, uint32_t *count) {
  if (!m->top_built) {
    uint32_t n = ts_node_child_count(m->root), k = 0;
    TSNode *out = an_arena_alloc(&m->arena, sizeof *out * (n ? n : 1));
    TSTreeCursor c = ts_tree_cursor_new(m->root);
    if (out && ts_tree_cursor_goto_first_child(&c)) {
      do out[k++] = ts_tree_cursor_current_node(&c);
      while (k < n && ts_tree_cursor_goto_next_sibling(&c));
    }
    ts_tree_cursor_delete(&c);
    m->top_nodes = out;
    m->top_count = out ? k : 0;
    m->top_built = true;
  }
  *count = m->top_count;
  return m->top_nodes;
}

static bool common__covers(TSNode outer, uint32_t start, uint32_t end) {
  return ts_node_start_byte(outer) <= start && end <= ts_node_end_byte(outer);
}

/* The top-level node containing [start, end), or null. */
static TSNode common__top_of(AnModel *m, uint32_t start, uint32_t end) {
  uint32_t n;
  const TSNode *top = common__top_nodes(m, &n);
  uint32_t lo = 0, hi = n; /* the first node starting after `start` */
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (ts_node_start_byte(top[mid]) <= start) lo = mid + 1;
    else hi = mid;
  }
  /* Zero-width nodes may share a start with the one that covers. */
  for (uint32_t i = lo; i-- > 0;) {
    if (common__covers(top[i], start, end)) return top[i];
    if (ts_node_end_byte(top[i]) < start) break;
  }
  TSNode none = {{0}, NULL, NULL};
  return none;
}

/* Descends from `top` to `node`, storing the nodes passed (top first, the
 * parent of node last); -1 when node is not below top or the path is
 * longer than cap. ts_node_first_child_for_byte steps through the hidden
 * nodes of long statement lists in logarithmic time, where a tree cursor
 * visits every sibling. */
static int common__descend(TSNode top, TSNode node, TSNode *out, uint32_t cap) {
  uint32_t ns = ts_node_start_byte(node), ne = ts_node_end_byte(node);
  if (ne == ns) return -1; /* zero width: several children may reach it */
  TSNode cur = top;
  for (uint32_t k = 0; !ts_node_eq(cur, node); k++) {
    if (k == cap) return -1;
    out[k] = cur;
    cur = ts_node_first_child_for_byte(cur, ns);
    if (ts_node_is_null(cur) || !common__covers(cur, ns, ne)) return -1;
    if (ts_node_eq(cur, node)) return (int)k + 1;
  }
  return 0;
}

/* The ancestors of `node` by ts_node_parent (the slow way, for the odd node
 * the descent misses), top first, below the module. */
static int common__climb(AnModel *m, TSNode node, TSNode *out, uint32_t cap) {
  uint32_t n = 0;
  for (TSNode p = ts_node_parent(node); !ts_node_is_null(p) && !ts_node_eq(p, m->root); p = ts_node_parent(p)) {
    if (n == cap) return -1;
    out[n++] = p;
  }
  for (uint32_t i = 0; i < n / 2; i++) {
    TSNode t = out[i];
    out[i] = out[n - 1 - i];
    out[n - 1 - i] = t;
  }
  return (int)n;
}

int an_ancestors(AnModel *m, TSNode node, int func, TSNode *out, uint32_t cap) {
  uint32_t ns = ts_node_start_byte(node), ne = ts_node_end_byte(node);
  int n = -1;
  if (func >= 0) {
    TSNode fn = AN_FUNC(m, func)->node;
    if (common__covers(fn, ns, ne) && !ts_node_eq(fn, node)) n = common__descend(fn, node, out, cap);
    if (n > 0) return n;
  }
  TSNode top = common__top_of(m, ns, ne);
  if (!ts_node_is_null(top) && !ts_node_eq(top, node)) n = common__descend(top, node, out, cap);
  if (n > 0) return n;
  return common__climb(m, node, out, cap);
}

TSNode an_parent(AnModel *m, TSNode node, int func) {
  TSNode path[AN_MAX_ANCESTORS];
  int n = an_ancestors(m, node, func, path, AN_MAX_ANCESTORS);
  return n > 0 ? path[n - 1] : ts_node_parent(node);
}

static bool common__is_statement(AnSym s) {
  switch (s) {
  case AN_SYM_expression_statement:
  case AN_SYM_assignment:
  case AN_SYM_return_statement:
  case AN_SYM_assert_statement:
  case AN_SYM_if_statement:
  case AN_SYM_for_statement:
  case AN_SYM_while_statement:
  case AN_SYM_with_statement:
  case AN_SYM_try_statement:
  case AN_SYM_raise_statement:
  case AN_SYM_delete_statement:
  case AN_SYM_function_definition:
  case AN_SYM_class_definition:
  case AN_SYM_decorated_definition:
    return true;
  default:
    return false;
  }
}

TSNode an_statement_of(AnModel *m, TSNode node) {
  for (TSNode n = node; !ts_node_is_null(n); n = ts_node_parent(n)) {
    AnSym s = an_sym(m->lang, n);
    if (s == AN_SYM_module) break;
    if (s == AN_SYM_assignment || s == AN_SYM_augmented_assignment) {
      TSNode p = ts_node_parent(n);
      if (an_sym(m->lang, p) == AN_SYM_expression_statement) return p;
    }
    if (common__is_statement(s)) return n;
  }
  TSNode none = {{0}, NULL, NULL};
  return none;
}

uint32_t an_line_start(AnModel *m, uint32_t at) {
  while (at > 0 && m->src[at - 1] != '\n' && m->src[at - 1] != '\r') at--;
  return at;
}

uint32_t an_line_end(AnModel *m, uint32_t at) {
  while (at < m->len && m->src[at] != '\n') at++;
  return at < m->len ? at + 1 : at;
}

const char *an_newline(const AnModel *m) {
  const char *nl = memchr(m->src, '\n', m->len);
  return nl && nl > m->src && nl[-1] == '\r' ? "\r\n" : "\n";
}

const char *an_indent_at(AnModel *m, uint32_t at) {
  uint32_t s = an_line_start(m, at), e = s;
  while (e < m->len && (m->src[e] == ' ' || m->src[e] == '\t')) e++;
  return an_arena_strndup(&m->arena, m->src + s, e - s);
}

typedef struct Mention {
  AnModel *m;
  const char *name;
  uint32_t len;
  bool found;
} Mention;

static bool common__mention_visit(TSNode n, void *ctx) {
  Mention *mc = ctx;
  if (mc->found) return false;
  if (an_sym(mc->m->lang, n) == AN_SYM_identifier) {
    uint32_t len;
    const char *t = an_text(mc->m->src, n, &len);
    if (len == mc->len && memcmp(t, mc->name, len) == 0) mc->found = true;
    return false;
  }
  return true;
}

bool an_mentions(AnModel *m, TSNode node, const char *name, uint32_t len) {
  Mention mc = {m, name, len, false};
  if (!ts_node_is_null(node)) an_walk(node, common__mention_visit, &mc);
  return mc.found;
}

bool an_in_condition(AnModel *m, TSNode node) {
  TSNode child = node;
  for (TSNode n = ts_node_parent(node); !ts_node_is_null(n); child = n, n = ts_node_parent(n)) {
    AnSym s = an_sym(m->lang, n);
    if (s == AN_SYM_if_statement || s == AN_SYM_elif_clause || s == AN_SYM_while_statement) {
      TSNode cond = an_field(m->lang, n, AN_FIELD_condition);
      return ts_node_eq(cond, child);
    }
    if (s == AN_SYM_conditional_expression || s == AN_SYM_assert_statement) return true;
    if (s == AN_SYM_function_definition || s == AN_SYM_lambda || s == AN_SYM_block || s == AN_SYM_module)
      return false;
  }
  return false;
}

/* Walks up from the parent of `node` (through an_ancestors: ts_node_parent
 * descends from the root on every call) to the node of `func`. */
TSNode an_enclosing_if(AnModel *m, TSNode node, int func) {
  TSNode path[AN_MAX_ANCESTORS];
  int n = an_ancestors(m, node, func, path, AN_MAX_ANCESTORS);
  TSNode fn = func >= 0 ? AN_FUNC(m, func)->node : m->root;
  if (n < 0) { /* deeper than the path holds: the slow way */
    TSNode child = node;
    for (TSNode p = ts_node_parent(node); !ts_node_is_null(p) && !ts_node_eq(p, fn); child = p, p = ts_node_parent(p)) {
      AnSym s = an_sym(m->lang, p);
      if ((s == AN_SYM_if_statement || s == AN_SYM_elif_clause) &&
          ts_node_eq(an_field(m->lang, p, AN_FIELD_consequence), child))
        return p;
    }
  }
  for (int i = n - 1; i >= 0; i--) {
    if (ts_node_eq(path[i], fn)) break;
    AnSym s = an_sym(m->lang, path[i]);
    if (s == AN_SYM_if_statement || s == AN_SYM_elif_clause) {
      TSNode cons = an_field(m->lang, path[i], AN_FIELD_consequence);
      if (ts_node_eq(cons, i + 1 < n ? path[i + 1] : node)) return path[i];
    }
  }
  TSNode none = {{0}, NULL, NULL};
  return none;
}

/* `global name` in some function: it may rebind a module constant. */
static bool common__declared_global(AnModel *m, TSNode id) {
  uint32_t len;
  const char *t = an_text(m->src, id, &len);
  for (uint32_t i = 0; i < m->sites.count; i++) {
    AnSite *s = &AN_VEC_AT(m->sites, AnSite, i);
    if (s->kind == AN_SITE_GLOBAL && an_mentions(m, s->node, t, len)) return true;
  }
  return false;
}

/* The value the module name `id` holds from `func` when the module binds
 * it once, with a value, and no function declares it global: what the
 * name holds whenever it holds anything. Null otherwise. */
static TSNode common__module_value(AnModel *m, TSNode id, int func) {
  TSNode none = {{0}, NULL, NULL};
  int scope;
  TSNode v = an_single_value(m, id, func, &scope);
  if (ts_node_is_null(v) || scope != AN_SCOPE_MODULE) return none;
  return common__declared_global(m, id) ? none : v;
}

/* 1 when `cond` is true whatever runs, 0 when false, -1 when unknown: a
 * literal, a module constant bound once to one and never declared global
 * (`DEBUG = False`), `and`/`or` of such operands. */
static int common__static_truth(AnModel *m, TSNode cond, int func, int depth) {
  cond = an_unparen(m->lang, cond);
  if (depth > 8) return -1;
  uint32_t len;
  const char *t;
  switch (an_sym(m->lang, cond)) {
  case AN_SYM_true:
    return 1;
  case AN_SYM_false:
  case AN_SYM_none:
    return 0;
  case AN_SYM_integer:
  case AN_SYM_float:
    t = an_text(m->src, cond, &len);
    for (uint32_t i = 0; i < len; i++)
      if (t[i] != '0' && t[i] != '.' && t[i] != '_') return 1;
    return 0;
  case AN_SYM_boolean_operator: {
    TSNode op = an_field(m->lang, cond, AN_FIELD_operator);
    int a = common__static_truth(m, an_field(m->lang, cond, AN_FIELD_left), func, depth + 1);
    int b = common__static_truth(m, an_field(m->lang, cond, AN_FIELD_right), func, depth + 1);
    bool is_and = !ts_node_is_null(op) && an_text_eq(m->src, op, "and");
    int absorbing = is_and ? 0 : 1; /* `x and False`, `x or True` */
    if (a == absorbing || b == absorbing) return absorbing;
    return a >= 0 && b >= 0 ? a : -1;
  }
  case AN_SYM_identifier: {
    TSNode v = common__module_value(m, cond, func);
    if (ts_node_is_null(v)) return -1;
    AnSym vs = an_sym(m->lang, an_unparen(m->lang, v));
    if (vs == AN_SYM_identifier || vs == AN_SYM_boolean_operator) return -1; /* literals only */
    return common__static_truth(m, v, AN_SCOPE_MODULE, depth + 1);
  }
  default:
    return -1;
  }
}

/* --- module constants ------------------------------------------------------ */

/* Containers a target can be spelled with: `SIG, x = ...`, `[SIG] = ...`. */
static bool common__target_shape(AnSym s) {
  return s == AN_SYM_parenthesized_expression || s == AN_SYM_tuple || s == AN_SYM_list || s == AN_SYM_pattern_list ||
         s == AN_SYM_tuple_pattern || s == AN_SYM_list_pattern || s == AN_SYM_expression_list ||
         s == AN_SYM_list_splat || s == AN_SYM_list_splat_pattern;
}

/* True when `n` is written to, deleted or rebound rather than read: the
 * target of an assignment, augmented assignment, for, comprehension or
 * walrus, or an operand of `del`. */
static bool common__stored(AnModel *m, TSNode n) {
  TSNode child = n, p = ts_node_parent(n);
  while (common__target_shape(an_sym(m->lang, p))) {
    child = p;
    p = ts_node_parent(p);
  }
  switch (an_sym(m->lang, p)) {
  case AN_SYM_assignment:
  case AN_SYM_augmented_assignment:
  case AN_SYM_for_statement:
  case AN_SYM_for_in_clause:
    return ts_node_eq(an_field(m->lang, p, AN_FIELD_left), child);
  case AN_SYM_named_expression:
    return ts_node_eq(an_field(m->lang, p, AN_FIELD_name), child);
  case AN_SYM_delete_statement:
    return true;
  default:
    return false;
  }
}

/* Parents under which a name is only read. Anything else (an import, a
 * `with ... as`, `except ... as`, a parameter, a def, `global`, a match
 * pattern, grammar this list does not know) may bind it. */
static bool common__read_context(AnSym s) {
  switch (s) {
  case AN_SYM_argument_list:
  case AN_SYM_keyword_argument:
  case AN_SYM_parenthesized_expression:
  case AN_SYM_tuple:
  case AN_SYM_list:
  case AN_SYM_set:
  case AN_SYM_pair:
  case AN_SYM_expression_list:
  case AN_SYM_list_splat:
  case AN_SYM_dictionary_splat:
  case AN_SYM_binary_operator:
  case AN_SYM_comparison_operator:
  case AN_SYM_boolean_operator:
  case AN_SYM_not_operator:
  case AN_SYM_unary_operator:
  case AN_SYM_conditional_expression:
  case AN_SYM_call:
  case AN_SYM_subscript:
  case AN_SYM_slice:
  case AN_SYM_return_statement:
  case AN_SYM_expression_statement:
  case AN_SYM_assignment:
  case AN_SYM_augmented_assignment:
  case AN_SYM_for_statement:
  case AN_SYM_for_in_clause:
  case AN_SYM_if_clause:
  case AN_SYM_if_statement:
  case AN_SYM_elif_clause:
  case AN_SYM_while_statement:
  case AN_SYM_assert_statement:
  case AN_SYM_decorator:
  case AN_SYM_yield:
  case AN_SYM_await:
  case AN_SYM_interpolation:
  case AN_SYM_list_comprehension:
  case AN_SYM_set_comprehension:
  case AN_SYM_generator_expression:
  case AN_SYM_dictionary_comprehension:
  case AN_SYM_lambda:
    return true;
  default:
    return false;
  }
}

/* A module statement `NAME = value` and how the module uses NAME. */
typedef struct AnConstInfo {
  AnModel *m;
  const char *name;
  uint32_t len;
  TSNode def;       /* the target of the one binding */
  TSNode value;     /* its value */
  uint32_t end;     /* where the statement ends */
  bool mutable_;    /* its value is a list, dict or set */
  uint32_t reads;   /* other occurrences, all reads */
  bool changed;     /* an occurrence that may rebind or mutate it */
  bool class_bound; /* some class body binds the name too */
} AnConstInfo;

/* Builtins that read a container they are given and keep no reference. */
static const char *const common__pure_builtins[] = {
    "builtins.len",  "builtins.print",  "builtins.repr",     "builtins.str",    "builtins.tuple",
    "builtins.list", "builtins.sorted", "builtins.isinstance", "builtins.enumerate", NULL,
};

/* True when a mutable constant read as the argument of call `args` (an
 * argument_list) may come back changed: any callee but TensorFlow, Keras
 * and the reading builtins may append to the list it is handed. */
static bool common__escapes(AnModel *m, TSNode args) {
  TSNode call = ts_node_parent(args);
  if (an_sym(m->lang, call) != AN_SYM_call) return true;
  const char *d = an_dotted(m, an_field(m->lang, call, AN_FIELD_function), an_func_at(m, call));
  if (!d) return true;
  if (an_dotted_has_prefix(d, "tensorflow") || an_dotted_has_prefix(d, "keras")) return false;
  for (int i = 0; common__pure_builtins[i]; i++)
    if (strcmp(d, common__pure_builtins[i]) == 0) return false;
  return true;
}

/* One occurrence of the constant's name: a read, something that is not a
 * reference (`x.SIG`, `f(SIG=...)`), or a change. A local of the same name
 * in some function counts as a change too: telling it apart needs scopes,
 * and a constant is left alone rather than misread. */
static void common__const_use(AnConstInfo *u, TSNode id) {
  AnModel *m = u->m;
  TSNode p = ts_node_parent(id);
  AnSym ps = an_sym(m->lang, p);
  if (ps == AN_SYM_attribute) {
    if (ts_node_eq(an_field(m->lang, p, AN_FIELD_attribute), id)) return;
    TSNode attr = an_field(m->lang, p, AN_FIELD_attribute);
    uint32_t len;
    const char *t = an_text(m->src, attr, &len);
    char method[32];
    if (len < sizeof method) {
      memcpy(method, t, len);
      method[len] = 0;
      if (an_container_mutator(method)) u->changed = true; /* SIG.append(...) */
    }
    if (common__stored(m, p)) u->changed = true;          /* SIG.x = ... */
    u->reads++;
    return;
  }
  if (ps == AN_SYM_keyword_argument && ts_node_eq(an_field(m->lang, p, AN_FIELD_name), id)) return;
  if (ps == AN_SYM_subscript && ts_node_eq(an_field(m->lang, p, AN_FIELD_value), id) && common__stored(m, p)) {
    u->changed = true; /* SIG[0] = ..., del SIG[0] */
    return;
  }
  if (common__stored(m, id) || !common__read_context(ps)) {
    u->changed = true;
    return;
  }
  /* `extend_signature(SIG)`, `sig = SIG; sig.append(...)`: a list handed
   * to code that may change it in place, or to another name that may. */
  TSNode args = ps == AN_SYM_keyword_argument ? ts_node_parent(p) : p;
  if (u->mutable_ && an_sym(m->lang, args) == AN_SYM_argument_list && common__escapes(m, args)) u->changed = true;
  if (u->mutable_ && (ps == AN_SYM_assignment || ps == AN_SYM_augmented_assignment)) u->changed = true;
  u->reads++;
}

/* Every module constant's uses, found in one walk of the module: a walk
 * per name would make a module of many constants quadratic. */
typedef struct ConstScan {
  AnModel *m;
  AnHash names;     /* (-1, name) -> index into uses */
  AnConstInfo *uses;
  uint32_t count;
  uint32_t star_at; /* 1 + where the last `from m import *` starts, 0 */
} ConstScan;

static bool common__const_visit(TSNode n, void *ctx) {
  ConstScan *sc = ctx;
  AnSym s = an_sym(sc->m->lang, n);
  if (s == AN_SYM_wildcard_import) sc->star_at = ts_node_start_byte(n) + 1;
  if (s != AN_SYM_identifier) return true;
  uint32_t len;
  const char *t = an_text(sc->m->src, n, &len);
  int k = an_hash_get(&sc->names, AN_SCOPE_MODULE, t, len);
  if (k >= 0 && !ts_node_eq(n, sc->uses[k].def)) common__const_use(&sc->uses[k], n);
  return false;
}

/* The candidate `NAME = value` statement `stmt` of the module, added to
 * the scan; a second one of the same name rebinds it. */
static void common__const_candidate(ConstScan *sc, TSNode stmt) {
  AnModel *m = sc->m;
  TSNode asg = ts_node_named_child(stmt, 0);
  if (an_sym(m->lang, stmt) != AN_SYM_expression_statement || an_sym(m->lang, asg) != AN_SYM_assignment) return;
  TSNode target = an_field(m->lang, asg, AN_FIELD_left), value = an_field(m->lang, asg, AN_FIELD_right);
  if (an_sym(m->lang, target) != AN_SYM_identifier || ts_node_is_null(value)) return;
  uint32_t len;
  const char *t = an_text(m->src, target, &len);
  int k = an_hash_get(&sc->names, AN_SCOPE_MODULE, t, len);
  if (k >= 0) {
    sc->uses[k].changed = true;
    return;
  }
  AnSym vs = an_sym(m->lang, an_unparen(m->lang, value));
  bool mut = vs == AN_SYM_list || vs == AN_SYM_dictionary || vs == AN_SYM_set || vs == AN_SYM_list_comprehension ||
             vs == AN_SYM_dictionary_comprehension || vs == AN_SYM_set_comprehension;
  sc->uses[sc->count] = (AnConstInfo){m, t, len, target, value, ts_node_end_byte(stmt), mut, 0, false, false};
  an_hash_put(&m->arena, &sc->names, AN_SCOPE_MODULE, t, len, (int)sc->count++);
}

/* Fills m->const_uses and m->const_info for every name a module
 * statement binds. */
static void common__const_scan(AnModel *m) {
  m->const_scanned = true;
  uint32_t n = ts_node_named_child_count(m->root);
  ConstScan sc = {m, {0}, an_arena_alloc(&m->arena, sizeof *sc.uses * (n ? n : 1)), 0, 0};
  if (!sc.uses) return;
  for (uint32_t i = 0; i < n; i++) common__const_candidate(&sc, ts_node_named_child(m->root, i));
  if (!sc.count) return;
  an_walk_named(m->root, common__const_visit, &sc);
  for (uint32_t b = 0; b < m->bindings.count; b++) {
    const AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, b);
    int k = bd->scope <= AN_SCOPE_CLASS(0) ? an_hash_get(&sc.names, AN_SCOPE_MODULE, bd->name, strlen(bd->name)) : -1;
    if (k >= 0) sc.uses[k].class_bound = true;
  }
  /* `from helpers import *` after the constant may bind its name again. */
  for (uint32_t k = 0; k < sc.count; k++)
    if (sc.star_at && sc.star_at - 1 >= ts_node_end_byte(sc.uses[k].def)) sc.uses[k].changed = true;
  m->const_uses = sc.names;
  m->const_info = sc.uses;
}

/* The class whose body evaluates `node` (a decorator of a method, a class
 * attribute's value), -1 when a function or the module does. */
static int common__class_body_of(AnModel *m, TSNode node) {
  for (TSNode n = ts_node_parent(node); !ts_node_is_null(n); n = ts_node_parent(n)) {
    AnSym s = an_sym(m->lang, n);
    if (s == AN_SYM_function_definition || s == AN_SYM_lambda) return -1;
    if (s != AN_SYM_class_definition) continue;
    /* Classes are recorded in document order: a binary search by start
     * (a scan of all of them per name made many classes quadratic). */
    uint32_t at = ts_node_start_byte(n);
    int lo = 0, hi = (int)m->classes.count - 1;
    while (lo <= hi) {
      int mid = lo + (hi - lo) / 2;
      uint32_t start = ts_node_start_byte(AN_CLASS(m, mid)->node);
      if (start == at) return ts_node_eq(AN_CLASS(m, mid)->node, n) ? mid : -1;
      if (start < at) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
  return -1;
}

TSNode an_module_constant(AnModel *m, TSNode id, int func, uint32_t *reads) {
  TSNode none = {{0}, NULL, NULL};
  id = an_unparen(m->lang, id);
  if (an_sym(m->lang, id) != AN_SYM_identifier) return none;
  uint32_t len;
  const char *t = an_text(m->src, id, &len);
  /* A `global NAME` anywhere is a change the scan sees: no need to look
   * for one here. */
  int scope;
  TSNode value = an_single_value(m, id, func, &scope);
  if (ts_node_is_null(value) || scope != AN_SCOPE_MODULE || an_hash_get(&m->func_map, AN_SCOPE_MODULE, t, len) >= 0)
    return none;
  if (!m->const_scanned) common__const_scan(m);
  int k = m->const_info ? an_hash_get(&m->const_uses, AN_SCOPE_MODULE, t, len) : -1;
  const AnConstInfo *c = k >= 0 ? &m->const_info[k] : NULL;
  /* The one binding is a plain `NAME = value` statement of the module
   * itself: not in an if, loop, try or with, so it ran before anything
   * else of the module. */
  if (!c || c->changed || !ts_node_eq(c->value, value) || an_sym(m->lang, value) == AN_SYM_assignment) return none;
  /* Read while the module runs (a decorator, a module statement), it must
   * already be bound. */
  if (func < 0 && c->end > ts_node_start_byte(id)) return none;
  for (uint32_t i = 0; i < m->imports.count; i++) {
    const AnImport *im = &AN_VEC_AT(m->imports, AnImport, i);
    if (strlen(im->local) == len && memcmp(im->local, t, len) == 0) return none;
  }
  /* A class body sees its own attributes before the module's. */
  int cls = c->class_bound ? common__class_body_of(m, id) : -1;
  if (cls >= 0 && an_hash_get(&m->binding_map, AN_SCOPE_CLASS(cls), t, len) >= 0) return none;
  if (reads) *reads = c->reads;
  return value;
}

TSNode an_constant_value(AnModel *m, TSNode expr, int func) {
  TSNode v = an_unparen(m->lang, expr);
  /* `SIG = SERVING_SIG`: a few hops, and never round a cycle. */
  for (int depth = 0; depth < 4 && an_sym(m->lang, v) == AN_SYM_identifier; depth++) {
    TSNode c = an_module_constant(m, v, depth ? AN_SCOPE_MODULE : func, NULL);
    if (ts_node_is_null(c)) break;
    v = an_unparen(m->lang, c);
  }
  return v;
}

bool an_signature_editable(AnModel *m, const AnFunc *f) {
  if (ts_node_is_null(f->tf.signature_ref)) return true;
  TSNode id = an_unparen(m->lang, f->tf.signature_ref);
  uint32_t reads = 0, len;
  const char *t = an_text(m->src, id, &len);
  /* Only a private name can be known not to be imported elsewhere; a
   * chain (`SIG = BASE`) edits BASE, which SIG's other readers share. */
  if (!len || t[0] != '_') return false;
  TSNode v = an_module_constant(m, id, an_func_at(m, f->tf.call), &reads);
  return reads == 1 && ts_node_eq(an_unparen(m->lang, v), f->tf.input_signature);
}

TSNode an_signature_site(TSNode ref, TSNode node) { return ts_node_is_null(ref) ? node : ref; }

void an_signature_related(AnModel *m, AnFinding *fd, TSNode ref, const char *target, TSNode node) {
  if (fd && !ts_node_is_null(ref))
    an_finding_related(m, fd, node, "in '%s', the input_signature of '%s'", an_snippet(m, ref), target);
}

bool an_literal(AnModel *m, TSNode n) {
  switch (an_sym(m->lang, an_unparen(m->lang, n))) {
  case AN_SYM_integer:
  case AN_SYM_float:
  case AN_SYM_string:
  case AN_SYM_true:
  case AN_SYM_false:
  case AN_SYM_none:
    return true;
  default:
    return false;
  }
}

bool an_statically_dead(AnModel *m, TSNode node, int func) {
  TSNode anc[AN_MAX_ANCESTORS];
  int n = an_ancestors(m, node, func, anc, AN_MAX_ANCESTORS);
  for (int i = n - 1; i >= 0; i--) {
    TSNode p = anc[i], child = i == n - 1 ? node : anc[i + 1];
    AnSym s = an_sym(m->lang, p);
    if (s != AN_SYM_if_statement && s != AN_SYM_elif_clause && s != AN_SYM_while_statement) continue;
    int truth = common__static_truth(m, an_field(m->lang, p, AN_FIELD_condition), func, 0);
    if (truth < 0) continue;
    AnSym cs = an_sym(m->lang, child);
    bool body = ts_node_eq(an_field(m->lang, p, AN_FIELD_body), child) ||
                ts_node_eq(an_field(m->lang, p, AN_FIELD_consequence), child);
    /* `if False:` skips its body; `if True:` skips its elif and else. */
    if (truth == 0 && body) return true;
    if (truth == 1 && s == AN_SYM_if_statement && (cs == AN_SYM_elif_clause || cs == AN_SYM_else_clause)) return true;
  }
  return false;
}

bool an_param_declared_spec(AnModel *m, int fi, uint32_t pi, AnTensorSpec *out) {
  AnFunc *f = AN_FUNC(m, fi);
  if ((f->via != AN_VIA_DECORATOR && f->via != AN_VIA_CALL) || ts_node_is_null(f->tf.input_signature)) return false;
  TSNode sig = an_unparen(m->lang, f->tf.input_signature), entries[16];
  int scope = an_func_at(m, sig);
  int n = an_signature_entries(m, sig, entries, 16);
  if (n <= 0 || n > 16) return false;
  int k = 0;
  for (uint32_t i = 0; i < f->param_count && i <= pi; i++) {
    AnParam *p = &f->params[i];
    if (p->is_self) continue;
    if (p->star || p->dstar || p->kwonly || k >= n) return false;
    if (i < pi) {
      k++;
      continue;
    }
    TSNode e = an_unparen(m->lang, entries[k]);
    if (an_sym(m->lang, e) != AN_SYM_call) return false;
    const char *d = an_dotted(m, an_field(m->lang, e, AN_FIELD_function), scope);
    if (!d || strcmp(d, "tensorflow.TensorSpec") != 0 || an_signature_malformed(m, sig, scope)) return false;
    an_declared_spec(m, e, scope, out);
    return true;
  }
  return false;
}

TSNode an_decorator_named(AnModel *m, int func, const char *const *names) {
  TSNode none = {{0}, NULL, NULL};
  AnFunc *f = AN_FUNC(m, func);
  if (an_sym(m->lang, f->outer) != AN_SYM_decorated_definition) return none;
  uint32_t n = ts_node_named_child_count(f->outer);
  for (uint32_t i = 0; i < n; i++) {
    TSNode d = ts_node_named_child(f->outer, i);
    if (an_sym(m->lang, d) != AN_SYM_decorator || !ts_node_named_child_count(d)) continue;
    TSNode e = an_unparen(m->lang, ts_node_named_child(d, 0));
    if (an_sym(m->lang, e) == AN_SYM_call) e = an_field(m->lang, e, AN_FIELD_function);
    const char *dotted = an_dotted(m, e, f->parent);
    for (const char *const *p = names; dotted && *p; p++)
      if (strcmp(dotted, *p) == 0) return d;
  }
  return none;
}

void an_each_keyword(AnModel *m, const AnCall *c, void (*fn)(AnModel *m, const AnCall *c, TSNode kw)) {
  TSNode args = an_field(m->lang, c->node, AN_FIELD_arguments);
  if (ts_node_is_null(args)) return;
  /* A cursor: ts_node_named_child(args, i) would rescan the list each time. */
  TSTreeCursor cur = ts_tree_cursor_new(args);
  for (bool ok = ts_tree_cursor_goto_first_child(&cur); ok; ok = ts_tree_cursor_goto_next_sibling(&cur)) {
    TSNode kw = ts_tree_cursor_current_node(&cur);
    if (an_sym(m->lang, kw) == AN_SYM_keyword_argument) fn(m, c, kw);
  }
  ts_tree_cursor_delete(&cur);
}

bool an_is_decorator_call(AnModel *m, TSNode call) {
  TSNode p = ts_node_parent(call);
  return an_sym(m->lang, p) == AN_SYM_decorator;
}

void an_remove_statement_fix(AnModel *m, AnFinding *f, TSNode call, const char *title, bool safe) {
  TSNode stmt = ts_node_parent(call);
  if (!f || an_sym(m->lang, stmt) != AN_SYM_expression_statement) return;
  TSNode block = ts_node_parent(stmt);
  uint32_t s = ts_node_start_byte(stmt), e = ts_node_end_byte(stmt);
  uint32_t ls = an_line_start(m, s), le = an_line_end(m, e > s ? e - 1 : e);
  for (uint32_t k = ls; k < s; k++)
    if (m->src[k] != ' ' && m->src[k] != '\t') return;
  for (uint32_t k = e; k < le; k++)
    if (m->src[k] != ' ' && m->src[k] != '\t' && m->src[k] != '\n' && m->src[k] != '\r') return;
  AnFix *fix = an_finding_fix(m, f, title, safe);
  if (an_sym(m->lang, block) == AN_SYM_block && ts_node_named_child_count(block) == 1)
    an_fix_edit(m, fix, s, e, "pass");
  else
    an_fix_edit(m, fix, ls, le, "");
}

AnAutographOff an_autograph_off(const AnModel *m, int func, int *source) {
  if (source) *source = -1;
  for (int f = func; f >= 0;) {
    const AnFunc *fn = &AN_VEC_AT(m->funcs, AnFunc, f);
    if (fn->autograph) return AN_AG_CONVERTED;
    if (fn->do_not_convert) {
      if (source) *source = f;
      return AN_AG_OFF_DO_NOT_CONVERT;
    }
    if (fn->is_generator) return AN_AG_OFF_OTHER;
    if (fn->graph_from < 0) {
      if (fn->root != AN_ROOT_HYBRID || fn->tf.autograph != 0) return AN_AG_OFF_OTHER;
      if (source) *source = f;
      return AN_AG_OFF_FLAG;
    }
    /* Off here but on in the caller: the function itself is one AutoGraph
     * skips (a constructor, an iterator or context-manager method). */
    if (AN_VEC_AT(m->funcs, AnFunc, fn->graph_from).autograph) return AN_AG_OFF_OTHER;
    f = fn->graph_from;
  }
  return AN_AG_CONVERTED;
}

TSNode an_autograph_off_node(AnModel *m, int source, AnAutographOff why) {
  TSNode none = {{0}, NULL, NULL};
  if (source < 0) return none;
  AnFunc *f = AN_FUNC(m, source);
  if (why == AN_AG_OFF_FLAG) {
    TSNode v = ts_node_is_null(f->tf.call) ? none : an_call_kwarg(m->lang, m->src, f->tf.call, "autograph");
    return ts_node_is_null(v) ? none : ts_node_parent(v);
  }
  static const char *const do_not_convert[] = {"tensorflow.autograph.experimental.do_not_convert", NULL};
  return why == AN_AG_OFF_DO_NOT_CONVERT ? an_decorator_named(m, source, do_not_convert) : none;
}

bool an_autograph_opted_out(const AnModel *m, int func) {
  AnAutographOff why = an_autograph_off(m, func, NULL);
  return why == AN_AG_OFF_FLAG || why == AN_AG_OFF_DO_NOT_CONVERT;
}

/* --- test code (HY501 / HY701) ------------------------------------------- */

bool an_test_file(const char *path) {
  if (!path) return false;
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t n = strlen(base);
  return strncmp(base, "test_", 5) == 0 || (n > 8 && strcmp(base + n - 8, "_test.py") == 0) ||
         strcmp(base, "conftest.py") == 0;
}

static AnClassStep common__names_test_case(AnModel *m, int cls, void *ctx) {
  AnClass *k = AN_CLASS(m, cls);
  if (ts_node_is_null(k->superclasses)) return AN_CLASS_PRUNE;
  uint32_t n = ts_node_named_child_count(k->superclasses);
  for (uint32_t i = 0; i < n; i++) {
    TSNode b = ts_node_named_child(k->superclasses, i);
    AnSym s = an_sym(m->lang, b);
    if (s != AN_SYM_identifier && s != AN_SYM_attribute) continue;
    uint32_t len;
    const char *t = an_text(m->src, b, &len);
    /* unittest.TestCase, tf.test.TestCase, absltest.TestCase,
     * parameterized.TestCase and their aliases all end so. */
    if (len >= 8 && memcmp(t + len - 8, "TestCase", 8) == 0) return AN_CLASS_FOUND;
  }
  return AN_CLASS_GO;
}

bool an_test_class(AnModel *m, int cls) {
  AnClassSearch s = {.max_depth = 8, .visit = common__names_test_case};
  return cls >= 0 && an_class_search(m, cls, &s) >= 0;
}

static const char *const common__list_mutators[] = {"append", "extend", "insert", NULL};
static const char *const common__other_mutators[] = {"pop",        "update",  "add",     "clear", "remove",
                                                     "setdefault", "popitem", "discard", NULL};

bool an_list_mutator(const char *method) {
  for (int i = 0; common__list_mutators[i]; i++)
    if (strcmp(method, common__list_mutators[i]) == 0) return true;
  return false;
}

bool an_container_mutator(const char *method) {
  for (int i = 0; common__other_mutators[i]; i++)
    if (strcmp(method, common__other_mutators[i]) == 0) return true;
  return an_list_mutator(method);
}

bool an_pytest_fixture(AnModel *m, int func) {
  static const char *const fixture[] = {"pytest.fixture", "pytest_asyncio.fixture", NULL};
  return !ts_node_is_null(an_decorator_named(m, func, fixture));
}

bool an_test_code(AnModel *m, const AnCtx *ctx) {
  if (an_test_file(m->path)) return true;
  if (ctx->cls >= 0 && an_test_class(m, ctx->cls)) return true;
  for (int f = ctx->func; f >= 0; f = AN_FUNC(m, f)->parent) {
    if (an_pytest_fixture(m, f)) return true;
    if (AN_FUNC(m, f)->cls >= 0 && an_test_class(m, AN_FUNC(m, f)->cls)) return true;
  }
  return false;
}

bool an_test_method(AnModel *m, int func) {
  if (func < 0) return false;
  const AnFunc *fn = AN_FUNC(m, func);
  return fn->cls >= 0 && fn->name && strncmp(fn->name, "test", 4) == 0 && an_test_class(m, fn->cls);
}

/* --- straight-line code (HY108, HY402, HY403) ----------------------------- */

/* Nodes between a body and an expression in it that never skip the
 * expression: statements that always run their parts, and expressions
 * that always evaluate their operands. */
static bool common__always_runs(AnSym s) {
  switch (s) {
  case AN_SYM_block:
  case AN_SYM_expression_statement:
  case AN_SYM_assignment:
  case AN_SYM_augmented_assignment:
  case AN_SYM_with_statement:
  case AN_SYM_with_clause:
  case AN_SYM_with_item:
  case AN_SYM_return_statement:
  case AN_SYM_argument_list:
  case AN_SYM_keyword_argument:
  case AN_SYM_call:
  case AN_SYM_parenthesized_expression:
  case AN_SYM_tuple:
  case AN_SYM_list:
  case AN_SYM_expression_list:
  case AN_SYM_attribute:
  case AN_SYM_subscript:
  case AN_SYM_binary_operator:
  case AN_SYM_unary_operator:
    return true;
  default:
    return false;
  }
}

/* Operands an operator evaluates whatever the values: both sides of the
 * first comparison in a chain (`a < b < c` skips `c` when `a < b` is
 * false) and the left side of `and`/`or`, which short-circuit after it. */
static bool common__operand_always_runs(AnModel *m, TSNode op, TSNode child) {
  AnSym s = an_sym(m->lang, op);
  if (s == AN_SYM_boolean_operator) return ts_node_eq(an_field(m->lang, op, AN_FIELD_left), child);
  if (s != AN_SYM_comparison_operator) return false;
  uint32_t n = ts_node_named_child_count(op);
  for (uint32_t k = 0; k < n && k < 2; k++)
    if (ts_node_eq(ts_node_named_child(op, k), child)) return true;
  return false;
}

/* `if __name__ == "__main__":` around a script's code: it always runs when
 * the module is the program. */
static bool common__main_guard(AnModel *m, TSNode iff, TSNode child) {
  if (!ts_node_eq(an_field(m->lang, iff, AN_FIELD_consequence), child)) return false;
  TSNode cond = an_unparen(m->lang, an_field(m->lang, iff, AN_FIELD_condition));
  if (an_sym(m->lang, cond) != AN_SYM_comparison_operator) return false;
  uint32_t len;
  const char *t = an_text(m->src, cond, &len);
  return an_mentions(m, cond, "__name__", 8) && memmem(t, len, "__main__", 8) && !memmem(t, len, "!=", 2);
}

bool an_runs_unconditionally(AnModel *m, TSNode node, TSNode stop, int func) {
  TSNode path[AN_MAX_ANCESTORS];
  int depth = an_ancestors(m, node, func, path, AN_MAX_ANCESTORS);
  if (depth < 0) return false;
  int i = 0;
  if (!ts_node_is_null(stop)) {
    while (i < depth && !ts_node_eq(path[i], stop)) i++;
    if (i == depth) return false;
    i++;
    /* The loop's or function's own body block. */
    if (i < depth && an_sym(m->lang, path[i]) == AN_SYM_block) i++;
  } else if (func >= 0) {
    return false;
  }
  for (; i < depth; i++) {
    AnSym s = an_sym(m->lang, path[i]);
    if (s == AN_SYM_if_statement && i + 1 < depth && common__main_guard(m, path[i], path[i + 1])) {
      i++;
      continue;
    }
    /* A try body runs as a plain block does, up to the first exception:
     * `try: f(a) except ValueError:` is `with assert_raises(ValueError):`. */
    if (s == AN_SYM_try_statement && i + 1 < depth && ts_node_eq(an_field(m->lang, path[i], AN_FIELD_body), path[i + 1]))
      continue;
    if (common__operand_always_runs(m, path[i], i + 1 < depth ? path[i + 1] : node)) continue;
    if (!common__always_runs(s)) return false;
  }
  return true;
}

bool an_tf_loop(AnModel *m, TSNode loop, int func, bool *dataset) {
  bool is_for = an_sym(m->lang, loop) == AN_SYM_for_statement;
  TSNode e = an_field(m->lang, loop, is_for ? AN_FIELD_right : AN_FIELD_condition);
  if (dataset) *dataset = false;
  if (ts_node_is_null(e)) return false;
  AnKind k = an_kind_of(m, e, func);
  if (is_for && k == AN_KIND_DATASET) {
    if (dataset) *dataset = true;
    return true;
  }
  return an_kind_is_tensor(k);
}
