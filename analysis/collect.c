/* The one walk over a module's tree. It records definitions, imports,
 * bindings, calls and rule sites, each with its context. Context changes
 * (function and class bodies, loop bodies, `if tf.executing_eagerly():`
 * branches) are frames with a byte region: a frame takes effect at the first
 * node that starts inside its region and is dropped at the first node that
 * starts after it. The walk is iterative and the frame stack is a growable
 * array, so nesting depth costs memory, never C stack.
 */
#include <string.h>

#include "analysis/alloc.h"
#include "analysis/model.h"

#define COLLECT__QUALNAME_MAX 512u

typedef enum FrameKind { FRAME_FUNC, FRAME_CLASS, FRAME_LOOP, FRAME_EAGER, FRAME_INIT_SCOPE } FrameKind;

typedef struct Frame {
  uint32_t start, end;
  FrameKind kind;
  int index;
  bool active;
  AnCtx saved;
  bool saved_in_class;
} Frame;

typedef struct Collector {
  AnModel *m;
  const AnLang *l;
  Frame *frames;
  uint32_t depth, cap;
  AnCtx ctx;
  bool in_class_body;
  TSNode pending_decorated; /* decorated_definition whose definition comes next */
  TSNode binding_for;       /* the for statement whose target is being bound, or null */
  bool failed;
} Collector;

static void collect__push(Collector *c, FrameKind kind, int index, uint32_t start, uint32_t end) {
  if (c->depth == c->cap) {
    uint32_t cap = c->cap ? c->cap * 2 : 64;
    Frame *f = an_realloc(c->frames, sizeof *f * cap);
    if (!f) {
      c->failed = true;
      return;
    }
    c->frames = f;
    c->cap = cap;
  }
  Frame *f = &c->frames[c->depth++];
  memset(f, 0, sizeof *f);
  f->kind = kind;
  f->index = index;
  f->start = start;
  f->end = end;
}

static void collect__activate(Collector *c, Frame *f) {
  f->active = true;
  f->saved = c->ctx;
  f->saved_in_class = c->in_class_body;
  switch (f->kind) {
  case FRAME_FUNC:
    c->ctx.func = f->index;
    c->ctx.loop_depth = 0;
    c->ctx.eager_guard = false;
    c->ctx.init_scope = false;
    c->in_class_body = false;
    break;
  case FRAME_CLASS:
    c->ctx.cls = f->index;
    c->in_class_body = true;
    break;
  case FRAME_LOOP:
    c->ctx.loop_depth++;
    break;
  case FRAME_EAGER:
    c->ctx.eager_guard = true;
    break;
  case FRAME_INIT_SCOPE:
    c->ctx.init_scope = true;
    break;
  }
}

/* Brings the frame stack up to date for a node starting at `start`. */
static void collect__sync(Collector *c, uint32_t start) {
  while (c->depth) {
    Frame *top = &c->frames[c->depth - 1];
    if (start < top->end) break;
    if (top->active) {
      c->ctx = top->saved;
      c->in_class_body = top->saved_in_class;
    }
    c->depth--;
  }
  if (c->depth) {
    Frame *top = &c->frames[c->depth - 1];
    if (!top->active && start >= top->start) collect__activate(c, top);
  }
}

static const char *collect__str(Collector *c, TSNode n) {
  uint32_t len;
  const char *t = an_text(c->m->src, n, &len);
  return an_arena_strndup(&c->m->arena, t, len);
}

/* --- imports ------------------------------------------------------------- */

static void collect__import(Collector *c, const char *local, uint32_t local_len, const char *target,
                            size_t target_len, TSNode node) {
  AnModel *m = c->m;
  AnImport *imp = an_vec_push(&m->arena, &m->imports, sizeof *imp);
  if (!imp) return;
  imp->local = an_arena_strndup(&m->arena, local, local_len);
  imp->target = an_canonical(&m->arena, target, target_len);
  imp->node = node;
  if (imp->local && imp->target)
    an_hash_put(&m->arena, &m->import_map, -1, imp->local, local_len, (int)(m->imports.count - 1));
  if (imp->target && (an_dotted_has_prefix(imp->target, "tensorflow") ||
                      an_dotted_has_prefix(imp->target, "keras")))
    m->uses_tf = true;
}

static void collect__import_statement(Collector *c, TSNode n) {
  const AnLang *l = c->l;
  uint32_t count = ts_node_named_child_count(n);
  for (uint32_t i = 0; i < count; i++) {
    TSNode item = ts_node_named_child(n, i);
    uint32_t tlen;
    if (an_sym(l, item) == AN_SYM_dotted_name) {
      /* `import a.b.c` binds `a` to module a. */
      const char *t = an_text(c->m->src, item, &tlen);
      const char *dot = memchr(t, '.', tlen);
      uint32_t head = dot ? (uint32_t)(dot - t) : tlen;
      collect__import(c, t, head, t, head, item);
      /* Remember the full path too, so tensorflow.compat.v2 marks TF use. */
      if (dot && (an_dotted_has_prefix(an_canonical(&c->m->arena, t, tlen), "tensorflow") ||
                  an_dotted_has_prefix(an_canonical(&c->m->arena, t, tlen), "keras")))
        c->m->uses_tf = true;
    } else if (an_sym(l, item) == AN_SYM_aliased_import) {
      TSNode name = an_field(l, item, AN_FIELD_name), alias = an_field(l, item, AN_FIELD_alias);
      if (ts_node_is_null(name) || ts_node_is_null(alias)) continue;
      uint32_t alen;
      const char *t = an_text(c->m->src, name, &tlen);
      const char *a = an_text(c->m->src, alias, &alen);
      collect__import(c, a, alen, t, tlen, item);
    }
  }
}

/* Resolves `from .x import y` against this module's package. */
static const char *collect__from_module(Collector *c, TSNode module_node, size_t *len) {
  AnModel *m = c->m;
  uint32_t tlen;
  const char *t = an_text(m->src, module_node, &tlen);
  if (an_sym(c->l, module_node) != AN_SYM_relative_import) {
    *len = tlen;
    return t;
  }
  uint32_t dots = 0;
  while (dots < tlen && t[dots] == '.') dots++;
  const char *pkg = m->module ? m->module : "";
  size_t plen = strlen(pkg);
  /* One dot is the current package: drop the module's own last component,
   * except in a package's __init__, whose module is the package itself. */
  for (uint32_t d = an_path_is_init(m->path) ? 1 : 0; d < dots; d++) {
    while (plen && pkg[plen - 1] != '.') plen--;
    if (plen) plen--;
  }
  const char *rest = t + dots;
  size_t rlen = tlen - dots;
  char *full = an_arena_printf(&m->arena, "%.*s%s%.*s", (int)plen, pkg,
                               plen && rlen ? "." : "", (int)rlen, rest);
  *len = full ? strlen(full) : 0;
  return full ? full : "";
}

static void collect__import_from(Collector *c, TSNode n) {
  const AnLang *l = c->l;
  TSNode module_node = an_field(l, n, AN_FIELD_module_name);
  if (ts_node_is_null(module_node)) return;
  size_t mlen;
  const char *mod = collect__from_module(c, module_node, &mlen);
  uint32_t count = ts_node_named_child_count(n);
  for (uint32_t i = 0; i < count; i++) {
    TSNode item = ts_node_named_child(n, i);
    if (ts_node_eq(item, module_node)) continue;
    TSNode name = item, alias = item;
    if (an_sym(l, item) == AN_SYM_aliased_import) {
      name = an_field(l, item, AN_FIELD_name);
      alias = an_field(l, item, AN_FIELD_alias);
    } else if (an_sym(l, item) != AN_SYM_dotted_name) {
      continue;
    }
    if (ts_node_is_null(name) || ts_node_is_null(alias)) continue;
    uint32_t nlen, alen;
    const char *nt = an_text(c->m->src, name, &nlen);
    const char *at = an_text(c->m->src, alias, &alen);
    char *target = an_arena_cat(&c->m->arena, mod, strnlen(mod, mlen), ".", 1, nt, strnlen(nt, nlen));
    if (target) collect__import(c, at, alen, target, strlen(target), item);
  }
  if (mlen && (an_dotted_has_prefix(an_canonical(&c->m->arena, mod, mlen), "tensorflow") ||
               an_dotted_has_prefix(an_canonical(&c->m->arena, mod, mlen), "keras")))
    c->m->uses_tf = true;
}

/* --- bindings ------------------------------------------------------------ */

static int collect__scope(Collector *c) {
  if (c->in_class_body && c->ctx.cls >= 0) return AN_SCOPE_CLASS(c->ctx.cls);
  return c->ctx.func;
}

static void collect__bind(Collector *c, TSNode name, TSNode value, bool from_for, int pos, bool unpack) {
  AnModel *m = c->m;
  AnBinding *b = an_vec_push(&m->arena, &m->bindings, sizeof *b);
  if (!b) return;
  uint32_t len;
  const char *t = an_text(m->src, name, &len);
  b->name = an_arena_strndup(&m->arena, t, len);
  b->value = value;
  b->scope = collect__scope(c);
  /* A binding takes effect after its value is evaluated: in `ds =
   * ds.map(f)` the `ds` on the right still means the earlier binding. */
  b->at = (!ts_node_is_null(value) && !from_for && ts_node_end_byte(value) > ts_node_start_byte(name))
              ? ts_node_end_byte(value)
              : ts_node_start_byte(name);
  b->from_for = from_for;
  if (from_for && !ts_node_is_null(c->binding_for)) {
    TSNode body = an_field(c->l, c->binding_for, AN_FIELD_body);
    b->body_start = ts_node_is_null(body) ? ts_node_end_byte(c->binding_for) : ts_node_start_byte(body);
    b->loop_end = ts_node_end_byte(c->binding_for);
  }
  b->from_unpack = unpack;
  b->pos = (int16_t)pos;
  if (b->name)
    b->next = an_hash_put(&m->arena, &m->binding_map, b->scope, b->name, len,
                          (int)(m->bindings.count - 1));
}

/* Binds every identifier of an assignment target. */
static void collect__bind_target(Collector *c, TSNode target, TSNode value, bool from_for, int pos) {
  const AnLang *l = c->l;
  AnSym s = an_sym(l, target);
  if (s == AN_SYM_identifier) {
    collect__bind(c, target, value, from_for, pos, !from_for && pos >= 0 && pos != 255);
    return;
  }
  if (s == AN_SYM_pattern_list || s == AN_SYM_tuple_pattern || s == AN_SYM_list_pattern ||
      s == AN_SYM_tuple || s == AN_SYM_list || s == AN_SYM_parenthesized_expression) {
    uint32_t n = ts_node_named_child_count(target);
    for (uint32_t i = 0; i < n; i++) {
      TSNode child = ts_node_named_child(target, i);
      if (an_sym(l, child) == AN_SYM_list_splat_pattern && ts_node_named_child_count(child))
        child = ts_node_named_child(child, 0);
      TSNode none = {{0}, NULL, NULL};
      /* Only the top level of a target pattern has a known position. */
      bool known = pos < 0 && an_sym(l, ts_node_named_child(target, i)) != AN_SYM_list_splat_pattern;
      collect__bind_target(c, child, known || from_for ? value : none, from_for, known ? (int)i : 255);
    }
  }
}

static void collect__attr_binding(Collector *c, TSNode target, TSNode value) {
  AnModel *m = c->m;
  const AnLang *l = c->l;
  if (an_sym(l, target) != AN_SYM_attribute || c->ctx.func < 0) return;
  TSNode obj = an_field(l, target, AN_FIELD_object), attr = an_field(l, target, AN_FIELD_attribute);
  if (ts_node_is_null(obj) || ts_node_is_null(attr) || !an_text_eq(m->src, obj, "self")) return;
  int cls = AN_FUNC(m, c->ctx.func)->cls;
  for (int f = c->ctx.func; cls < 0 && f >= 0; f = AN_FUNC(m, f)->parent) cls = AN_FUNC(m, f)->cls;
  if (cls < 0) return;
  AnAttrBinding *a = an_vec_push(&m->arena, &m->attrs, sizeof *a);
  if (!a) return;
  uint32_t len;
  const char *t = an_text(m->src, attr, &len);
  a->attr = an_arena_strndup(&m->arena, t, len);
  a->cls = cls;
  a->value = value;
  a->func = c->ctx.func;
  if (a->attr)
    a->next = an_hash_put(&m->arena, &m->attr_map, cls, a->attr, len, (int)(m->attrs.count - 1));
}

/* --- definitions --------------------------------------------------------- */

static void collect__param(Collector *c, AnFunc *f, TSNode p, bool *kwonly, uint32_t *count,
                           AnParam *out, uint32_t cap) {
  const AnLang *l = c->l;
  AnSym s = an_sym(l, p);
  TSNode none = {{0}, NULL, NULL};
  TSNode name = none, type = none, def = none;
  bool star = false, dstar = false;
  switch (s) {
  case AN_SYM_identifier:
    name = p;
    break;
  case AN_SYM_typed_parameter:
    type = an_field(l, p, AN_FIELD_type);
    if (ts_node_named_child_count(p)) name = ts_node_named_child(p, 0);
    if (an_sym(l, name) == AN_SYM_list_splat_pattern) star = true;
    if (an_sym(l, name) == AN_SYM_dictionary_splat_pattern) dstar = true;
    if ((star || dstar) && ts_node_named_child_count(name)) name = ts_node_named_child(name, 0);
    break;
  case AN_SYM_default_parameter:
  case AN_SYM_typed_default_parameter:
    name = an_field(l, p, AN_FIELD_name);
    type = an_field(l, p, AN_FIELD_type);
    def = an_field(l, p, AN_FIELD_value);
    break;
  case AN_SYM_list_splat_pattern:
  case AN_SYM_dictionary_splat_pattern:
    star = s == AN_SYM_list_splat_pattern;
    dstar = !star;
    if (ts_node_named_child_count(p)) name = ts_node_named_child(p, 0);
    break;
  case AN_SYM_keyword_separator:
    *kwonly = true;
    return;
  default:
    return;
  }
  if (ts_node_is_null(name) || an_sym(l, name) != AN_SYM_identifier || *count >= cap) return;
  AnParam *param = &out[(*count)++];
  param->name = collect__str(c, name);
  param->node = p;
  param->annotation = type;
  param->default_value = def;
  param->star = star;
  param->dstar = dstar;
  param->kwonly = *kwonly && !star && !dstar;
  if (star) *kwonly = true;
  param->is_self = *count == 1 && f->cls >= 0 && !f->is_lambda && !star && !dstar;
}

static void collect__params(Collector *c, AnFunc *f, TSNode params) {
  if (ts_node_is_null(params)) return;
  uint32_t n = ts_node_named_child_count(params);
  f->params = an_arena_alloc(&c->m->arena, sizeof *f->params * (n ? n : 1));
  if (!f->params) return;
  bool kwonly = false;
  for (uint32_t i = 0; i < n; i++)
    collect__param(c, f, ts_node_named_child(params, i), &kwonly, &f->param_count, f->params, n);
}

static const char *collect__qualname(Collector *c, const char *name) {
  AnModel *m = c->m;
  const char *prefix = NULL;
  if (c->in_class_body && c->ctx.cls >= 0)
    prefix = AN_CLASS(m, c->ctx.cls)->qualname;
  else if (c->ctx.func >= 0)
    prefix = AN_FUNC(m, c->ctx.func)->qualname;
  /* Qualified names grow with the nesting, so their total size is quadratic
   * in it: 10,000 nested lambdas (an 80 KB file) took 1.3 GB. Past
   * COLLECT__QUALNAME_MAX bytes the outer part is elided ("...inner"); no
   * real program nests that deep. */
  if (prefix && strlen(prefix) > COLLECT__QUALNAME_MAX) prefix = "...";
  return prefix ? an_arena_cat(&m->arena, prefix, strlen(prefix), ".", 1, name, strlen(name)) : name;
}

static bool collect__is_staticmethod(Collector *c, TSNode decorated) {
  if (ts_node_is_null(decorated)) return false;
  uint32_t n = ts_node_named_child_count(decorated);
  for (uint32_t i = 0; i < n; i++) {
    TSNode d = ts_node_named_child(decorated, i);
    if (an_sym(c->l, d) != AN_SYM_decorator) continue;
    if (an_text_eq(c->m->src, d, "@staticmethod")) return true;
  }
  return false;
}

static void collect__function(Collector *c, TSNode n, bool lambda) {
  AnModel *m = c->m;
  const AnLang *l = c->l;
  int index = (int)m->funcs.count;
  AnFunc *f = an_vec_push(&m->arena, &m->funcs, sizeof *f);
  if (!f) return;
  f->node = n;
  f->outer = n;
  f->is_lambda = lambda;
  f->parent = c->ctx.func;
  f->cls = (!lambda && c->in_class_body) ? c->ctx.cls : -1;
  f->loop_depth = c->ctx.loop_depth;
  f->graph_from = -1;
  if (!ts_node_is_null(c->pending_decorated)) {
    TSNode def = an_field(l, c->pending_decorated, AN_FIELD_definition);
    if (ts_node_eq(def, n)) f->outer = c->pending_decorated;
  }
  if (lambda) {
    f->name = "<lambda>";
  } else {
    f->name_node = an_field(l, n, AN_FIELD_name);
    f->name = ts_node_is_null(f->name_node) ? "<anonymous>" : collect__str(c, f->name_node);
    if (!f->name) return;
    TSNode first = ts_node_child(n, 0);
    f->is_async = !ts_node_is_null(first) && an_text_eq(m->src, first, "async");
  }
  f->qualname = collect__qualname(c, f->name);
  collect__params(c, f, an_field(l, n, AN_FIELD_parameters));
  if (f->cls >= 0 && f->param_count && collect__is_staticmethod(c, f->outer)) f->params[0].is_self = false;
  if (!lambda && !ts_node_is_null(f->name_node)) {
    uint32_t len = (uint32_t)strlen(f->name);
    an_hash_put(&m->arena, &m->func_map, collect__scope(c), f->name, len, index);
    if (collect__scope(c) == -1) an_hash_put(&m->arena, &m->module_names, -1, f->name, len, index);
  }
  TSNode body = an_field(l, n, AN_FIELD_body);
  uint32_t body_start = ts_node_is_null(body) ? ts_node_end_byte(n) : ts_node_start_byte(body);
  collect__push(c, FRAME_FUNC, index, body_start, ts_node_end_byte(n));
}

static void collect__class(Collector *c, TSNode n) {
  AnModel *m = c->m;
  const AnLang *l = c->l;
  int index = (int)m->classes.count;
  AnClass *k = an_vec_push(&m->arena, &m->classes, sizeof *k);
  if (!k) return;
  k->node = n;
  k->parent_func = c->ctx.func;
  TSNode name = an_field(l, n, AN_FIELD_name);
  k->name = ts_node_is_null(name) ? "<class>" : collect__str(c, name);
  if (!k->name) return;
  k->qualname = collect__qualname(c, k->name);
  k->superclasses = an_field(l, n, AN_FIELD_superclasses);
  if (!ts_node_is_null(name)) {
    uint32_t len = (uint32_t)strlen(k->name);
    an_hash_put(&m->arena, &m->class_map, collect__scope(c), k->name, len, index);
    if (collect__scope(c) == -1) an_hash_put(&m->arena, &m->module_names, -1, k->name, len, -2);
  }
  TSNode body = an_field(l, n, AN_FIELD_body);
  if (!ts_node_is_null(body))
    collect__push(c, FRAME_CLASS, index, ts_node_start_byte(body), ts_node_end_byte(n));
}

/* --- sites --------------------------------------------------------------- */

static void collect__site(Collector *c, AnSiteKind kind, TSNode n) {
  AnSite *s = an_vec_push(&c->m->arena, &c->m->sites, sizeof *s);
  if (!s) return;
  s->kind = kind;
  s->node = n;
  s->ctx = c->ctx;
}

static void collect__call(Collector *c, TSNode n) {
  AnModel *m = c->m;
  AnCall *call = an_vec_push(&m->arena, &m->calls, sizeof *call);
  if (!call) return;
  call->node = n;
  call->ctx = c->ctx;
  call->callee = -1;
  TSNode fn = an_field(c->l, n, AN_FIELD_function);
  call->fn = fn;
  if (an_sym(c->l, fn) == AN_SYM_attribute) {
    TSNode attr = an_field(c->l, fn, AN_FIELD_attribute);
    call->object = an_field(c->l, fn, AN_FIELD_object);
    if (!ts_node_is_null(attr)) call->method = collect__str(c, attr);
  }
}

static void collect__assignment(Collector *c, TSNode n, bool augmented) {
  const AnLang *l = c->l;
  TSNode left = an_field(l, n, AN_FIELD_left), right = an_field(l, n, AN_FIELD_right);
  if (ts_node_is_null(left)) return;
  collect__site(c, AN_SITE_ASSIGN, n);
  AnSym ls = an_sym(l, left);
  if (ls == AN_SYM_identifier) {
    collect__bind(c, left, augmented ? n : right, false, -1, false);
    if (collect__scope(c) == -1) {
      uint32_t len;
      const char *t = an_text(c->m->src, left, &len);
      an_hash_put(&c->m->arena, &c->m->module_names, -1, t, len, -3);
    }
  } else if (ls == AN_SYM_attribute) {
    collect__attr_binding(c, left, augmented ? n : right);
  } else if (!augmented) {
    collect__bind_target(c, left, right, false, -1);
  }
  /* Chained `a = b = value`: the right side is itself an assignment. */
}

/* `if not tf.executing_eagerly(): ... return` (or raise), without else:
 * graph code leaves there, so the rest of the enclosing block is eager. */
static void collect__early_exit(Collector *c, TSNode n) {
  const AnLang *l = c->l;
  if (an_sym(l, n) != AN_SYM_if_statement) return;
  TSNode body = an_field(l, n, AN_FIELD_consequence), block = ts_node_parent(n);
  uint32_t k = ts_node_is_null(body) ? 0 : ts_node_named_child_count(body);
  if (!k || ts_node_is_null(block) || an_sym(l, block) != AN_SYM_block) return;
  AnSym last = an_sym(l, ts_node_named_child(body, k - 1));
  if (last != AN_SYM_return_statement && last != AN_SYM_raise_statement) return;
  if (ts_node_end_byte(n) < ts_node_end_byte(block))
    collect__push(c, FRAME_EAGER, -1, ts_node_end_byte(n), ts_node_end_byte(block));
}

static void collect__if(Collector *c, TSNode n) {
  const AnLang *l = c->l;
  TSNode cond = an_field(l, n, AN_FIELD_condition);
  if (ts_node_is_null(cond)) return;
  collect__site(c, AN_SITE_IF, n);
  /* `if tf.executing_eagerly():` makes its consequence eager-guarded;
   * `if not tf.executing_eagerly():` its else branch. */
  TSNode probe = an_unparen(l, cond);
  bool negated = false;
  if (an_sym(l, probe) == AN_SYM_not_operator) {
    probe = an_unparen(l, an_field(l, probe, AN_FIELD_argument));
    negated = true;
  }
  if (an_sym(l, probe) != AN_SYM_call) return;
  const char *d = an_dotted(c->m, an_field(l, probe, AN_FIELD_function), c->ctx.func);
  if (!d || strcmp(d, "tensorflow.executing_eagerly") != 0) return;
  TSNode branch = an_field(l, n, negated ? AN_FIELD_alternative : AN_FIELD_consequence);
  if (negated && ts_node_is_null(branch)) {
    collect__early_exit(c, n);
    return;
  }
  if (negated && an_sym(l, branch) == AN_SYM_else_clause)
    branch = an_field(l, branch, AN_FIELD_body);
  else if (negated)
    return;
  if (!ts_node_is_null(branch))
    collect__push(c, FRAME_EAGER, -1, ts_node_start_byte(branch), ts_node_end_byte(branch));
}

static void collect__with(Collector *c, TSNode n) {
  const AnLang *l = c->l;
  uint32_t count = ts_node_named_child_count(n);
  for (uint32_t i = 0; i < count; i++) {
    TSNode clause = ts_node_named_child(n, i);
    if (an_sym(l, clause) != AN_SYM_with_clause) continue;
    uint32_t items = ts_node_named_child_count(clause);
    for (uint32_t k = 0; k < items; k++) {
      TSNode item = ts_node_named_child(clause, k);
      TSNode value = an_field(l, item, AN_FIELD_value);
      TSNode call = an_unparen(l, value);
      if (an_sym(l, call) != AN_SYM_call) continue;
      const char *d = an_dotted(c->m, an_field(l, call, AN_FIELD_function), c->ctx.func);
      if (d && strcmp(d, "tensorflow.init_scope") == 0) {
        TSNode body = an_field(l, n, AN_FIELD_body);
        if (!ts_node_is_null(body))
          collect__push(c, FRAME_INIT_SCOPE, -1, ts_node_start_byte(body), ts_node_end_byte(body));
      }
    }
  }
}

static void collect__for(Collector *c, TSNode n) {
  const AnLang *l = c->l;
  collect__site(c, AN_SITE_FOR, n);
  TSNode left = an_field(l, n, AN_FIELD_left), right = an_field(l, n, AN_FIELD_right);
  c->binding_for = n;
  if (!ts_node_is_null(left)) collect__bind_target(c, left, right, true, -1);
  c->binding_for = (TSNode){{0}, NULL, NULL};
  TSNode body = an_field(l, n, AN_FIELD_body);
  if (!ts_node_is_null(body))
    collect__push(c, FRAME_LOOP, -1, ts_node_start_byte(body), ts_node_end_byte(body));
}

static void collect__while(Collector *c, TSNode n) {
  collect__site(c, AN_SITE_IF, n);
  TSNode body = an_field(c->l, n, AN_FIELD_body);
  if (!ts_node_is_null(body))
    collect__push(c, FRAME_LOOP, -1, ts_node_start_byte(body), ts_node_end_byte(body));
}

static void collect__names_statement(Collector *c, TSNode n) {
  collect__site(c, AN_SITE_GLOBAL, n);
  AnModel *m = c->m;
  uint32_t count = ts_node_named_child_count(n);
  for (uint32_t i = 0; i < count; i++) {
    TSNode id = ts_node_named_child(n, i);
    if (an_sym(c->l, id) != AN_SYM_identifier) continue;
    uint32_t len;
    const char *t = an_text(m->src, id, &len);
    an_hash_put(&m->arena, &m->global_map, c->ctx.func, t, len, 1);
  }
}

/* A chain of plain names (`tf.nn.relu`) holds nothing the walk records, so
 * its subtree need not be stepped through. A comment or an error inside the
 * chain would be an extra child, hence the child count. */
static bool collect__plain_attribute(const AnLang *l, const char *src, TSNode n) {
  uint32_t dots;
  if (an_plain_chain(src, n, &dots)) return true;
  AnSym s;
  while ((s = an_sym(l, n)) == AN_SYM_attribute) {
    if (ts_node_child_count(n) != 3) return false;
    n = ts_node_child(n, 0);
  }
  return s == AN_SYM_identifier;
}

/* Expressions longer than this are walked whatever their text: the test
 * below reads the text of nested candidates again, so the bound keeps the
 * walk linear. */
#define COLLECT__INERT_MAX 96u

static bool collect__inert_word(const char *w, uint32_t len) {
  static const char *const words[] = {"lambda", "for", "yield", "in", "is", NULL};
  for (int i = 0; words[i]; i++)
    if (strlen(words[i]) == len && memcmp(words[i], w, len) == 0) return true;
  return false;
}

/* True when the subtree of expression `n` (an argument list, operator,
 * subscript, display, parameter list, decorator, the value of a return)
 * holds nothing the walk records, read off its
 * text: a call needs a `(` past the node's own bracket, a comparison `<`,
 * `>`, `!`, `==` or the word in/is, a splat `*`, a named expression `:=`,
 * a comment `#`, a lambda, comprehension or yield its keyword; statements
 * (assignments, defs) never stand inside an expression. Stepping through
 * such a subtree costs tree-sitter's cursor hundreds of instructions a
 * token, so the walk steps over it. Text inside strings counts too, which
 * only makes the test refuse more often. */
static bool collect__inert(const Collector *c, TSNode n, bool bracketed) {
  uint32_t len;
  const char *t = an_text(c->m->src, n, &len);
  if (len > COLLECT__INERT_MAX || ts_node_has_error(n)) return false;
  uint32_t i = bracketed && len >= 2 ? 1 : 0, end = bracketed && len >= 2 ? len - 1 : len;
  while (i < end) {
    char ch = t[i];
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_') {
      uint32_t w = i;
      while (i < end && ((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z') ||
                         (t[i] >= '0' && t[i] <= '9') || t[i] == '_'))
        i++;
      if (collect__inert_word(t + w, i - w)) return false;
      continue;
    }
    switch (ch) {
    case '(': case '<': case '>': case '!': case '*': case '#':
      return false;
    case '=':
      if (i + 1 < end && t[i + 1] == '=') return false;
      break;
    case ':':
      if (i + 1 < end && t[i + 1] == '=') return false;
      break;
    default:
      break;
    }
    i++;
  }
  return true;
}

/* Called for named nodes only (an_walk_named): no anonymous token starts a
 * record, and skipping them (or a subtree without records) only delays
 * frame syncs to the next node visited, which yields the same context. */
static bool collect__visit(TSNode n, void *ctx) {
  Collector *c = ctx;
  if (c->failed || c->m->arena.failed) return false;
  collect__sync(c, ts_node_start_byte(n));
  const AnLang *l = c->l;
  switch (an_sym(l, n)) {
  case AN_SYM_identifier:
    return false;
  case AN_SYM_attribute:
    return !collect__plain_attribute(l, c->m->src, n);
  case AN_SYM_import_statement:
    collect__import_statement(c, n);
    return false;
  case AN_SYM_import_from_statement:
    collect__import_from(c, n);
    return false;
  case AN_SYM_future_import_statement:
    return false;
  case AN_SYM_decorated_definition:
    c->pending_decorated = n;
    break;
  case AN_SYM_function_definition:
    collect__function(c, n, false);
    break;
  case AN_SYM_lambda:
    collect__function(c, n, true);
    break;
  case AN_SYM_class_definition:
    collect__class(c, n);
    break;
  case AN_SYM_call:
    collect__call(c, n);
    break;
  case AN_SYM_assignment:
    collect__assignment(c, n, false);
    break;
  case AN_SYM_augmented_assignment:
    collect__assignment(c, n, true);
    break;
  case AN_SYM_named_expression: {
    TSNode name = an_field(l, n, AN_FIELD_name);
    if (an_sym(l, name) == AN_SYM_identifier) collect__bind(c, name, an_field(l, n, AN_FIELD_value), false, -1, false);
    break;
  }
  case AN_SYM_if_statement:
  case AN_SYM_elif_clause:
    collect__if(c, n);
    break;
  case AN_SYM_while_statement:
    collect__while(c, n);
    break;
  case AN_SYM_for_statement:
    collect__for(c, n);
    break;
  case AN_SYM_with_statement:
    collect__with(c, n);
    break;
  case AN_SYM_assert_statement:
    collect__site(c, AN_SITE_ASSERT, n);
    break;
  case AN_SYM_try_statement:
    collect__site(c, AN_SITE_TRY, n);
    break;
  case AN_SYM_list_comprehension:
  case AN_SYM_set_comprehension:
  case AN_SYM_dictionary_comprehension:
  case AN_SYM_generator_expression:
    collect__push(c, FRAME_LOOP, -1, ts_node_start_byte(n), ts_node_end_byte(n));
    collect__sync(c, ts_node_start_byte(n));
    break;
  case AN_SYM_for_in_clause: {
    collect__site(c, AN_SITE_COMP_FOR, n);
    TSNode left = an_field(l, n, AN_FIELD_left), right = an_field(l, n, AN_FIELD_right);
    if (!ts_node_is_null(left)) collect__bind_target(c, left, right, true, -1);
    break;
  }
  case AN_SYM_if_clause:
    collect__site(c, AN_SITE_FILTER, n);
    break;
  case AN_SYM_comparison_operator:
    collect__site(c, AN_SITE_COMPARE, n);
    break;
  case AN_SYM_list_splat:
    collect__site(c, AN_SITE_SPLAT, n);
    break;
  case AN_SYM_return_statement:
    collect__site(c, AN_SITE_RETURN, n);
    return !collect__inert(c, n, false);
  case AN_SYM_yield:
    collect__site(c, AN_SITE_YIELD, n);
    if (c->ctx.func >= 0) AN_FUNC(c->m, c->ctx.func)->is_generator = true;
    break;
  case AN_SYM_global_statement:
  case AN_SYM_nonlocal_statement:
    collect__names_statement(c, n);
    return false;
  case AN_SYM_comment: {
    TSNode *slot = an_vec_push(&c->m->arena, &c->m->comments, sizeof *slot);
    if (slot) *slot = n;
    return false;
  }
  case AN_SYM_string:
  case AN_SYM_integer:
  case AN_SYM_float:
    return false;
  case AN_SYM_argument_list:
  case AN_SYM_parenthesized_expression:
  case AN_SYM_parameters:
    return !collect__inert(c, n, true);
  case AN_SYM_lambda_parameters:
  case AN_SYM_decorator:
  case AN_SYM_keyword_argument:
  case AN_SYM_binary_operator:
  case AN_SYM_boolean_operator:
  case AN_SYM_unary_operator:
  case AN_SYM_not_operator:
  case AN_SYM_conditional_expression:
  case AN_SYM_subscript:
  case AN_SYM_slice:
  case AN_SYM_tuple:
  case AN_SYM_list:
  case AN_SYM_dictionary:
  case AN_SYM_set:
  case AN_SYM_pair:
  case AN_SYM_expression_list:
    return !collect__inert(c, n, false);
  default:
    break;
  }
  return true;
}

/* `Cls.name = name` at module level, after `def name(self, ...)` at
 * module level (the time-series tutorial's `FeedBack.call = call`): the
 * function is the class's method from then on, so it is analysed as one
 * (self, method lookup, Keras call). Only a function attached once, under
 * its own name, to a class of this module without a def of that name. */
static void collect__attached_method(AnModel *m, const AnSite *s) {
  const AnLang *l = m->lang;
  TSNode left = an_field(l, s->node, AN_FIELD_left), right = an_field(l, s->node, AN_FIELD_right);
  if (an_sym(l, s->node) != AN_SYM_assignment || an_sym(l, left) != AN_SYM_attribute ||
      an_sym(l, right) != AN_SYM_identifier)
    return;
  TSNode owner = an_field(l, left, AN_FIELD_object), attr = an_field(l, left, AN_FIELD_attribute);
  if (an_sym(l, owner) != AN_SYM_identifier || ts_node_is_null(attr)) return;
  uint32_t clen, flen, alen;
  const char *ct = an_text(m->src, owner, &clen), *ft = an_text(m->src, right, &flen);
  const char *at = an_text(m->src, attr, &alen);
  if (alen != flen || memcmp(at, ft, flen) != 0) return;
  int cls = an_hash_get(&m->class_map, AN_SCOPE_MODULE, ct, clen);
  int f = an_hash_get(&m->func_map, AN_SCOPE_MODULE, ft, flen);
  if (cls < 0 || f < 0 || an_hash_get(&m->func_map, AN_SCOPE_CLASS(cls), ft, flen) >= 0) return;
  AnFunc *fn = AN_FUNC(m, f);
  if (fn->cls >= 0 || fn->parent >= 0 || fn->is_lambda || !fn->param_count || fn->params[0].star ||
      fn->params[0].dstar || strcmp(fn->params[0].name, "self") != 0)
    return;
  fn->cls = cls;
  fn->params[0].is_self = true;
  an_hash_put(&m->arena, &m->func_map, AN_SCOPE_CLASS(cls), fn->name, flen, f);
}

int an_collect(AnModel *m) {
  Collector c;
  memset(&c, 0, sizeof c);
  c.m = m;
  c.l = m->lang;
  c.ctx.func = -1;
  c.ctx.cls = -1;
  an_walk_named(m->root, collect__visit, &c);
  an_free(c.frames);
  for (uint32_t i = 0; i < m->sites.count && !c.failed; i++) {
    const AnSite *s = &AN_VEC_AT(m->sites, AnSite, i);
    if (s->kind == AN_SITE_ASSIGN && s->ctx.func < 0 && s->ctx.cls < 0) collect__attached_method(m, s);
  }
  return (c.failed || m->arena.failed) ? -1 : 0;
}
