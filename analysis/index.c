/* The workspace index: one immutable summary per file, and the cross-file
 * facts derived from all of them at finalize time.
 *
 * A summary lists the module's functions (qualified name, parameters,
 * hybrid or not, graph root or not) and its calls: local edges (caller ->
 * callee in the module) and external ones (caller -> canonical dotted name
 * such as `helpers.scale`) with the kinds of their arguments, and the
 * module-level names that only ever hold a mutable Python container, and
 * its module-level import aliases (re-exports such as a package __init__'s
 * `from .model import Model`). Finalize resolves external names to
 * functions of other modules as Python's import would from the importing
 * file (same-named modules told apart by where the importer sits, through
 * re-exports; a class name to its `__init__`, for argument kinds only),
 * runs one
 * breadth-first search from every graph root over all edges, and records
 * for each function entered from another module the chain that reaches it,
 * plus the joined argument kinds of its cross-module call sites.
 */
#include <stdio.h>
#include <string.h>

#include "analysis/alloc.h"
#include "analysis/model.h"

typedef struct SumArg {
  const char *keyword; /* NULL for positional */
  AnKind kind;
} SumArg;

typedef struct SumCall {
  int caller;            /* function index in the summary, -1 module level */
  int local;             /* callee in this module, -1 */
  const char *external;  /* canonical dotted callee, when not local */
  bool via_attribute;    /* obj.f(...): a bound method call */
  SumArg *args;
  uint32_t arg_count;
} SumCall;

typedef struct SumFunc {
  const char *qualname;
  uint32_t line, column, start, end;
  bool root; /* hybrid, tf.data callback or Keras step in its own module */
  AnIndexFunction pub;
  bool first_is_self;
} SumFunc;

struct AnSummary {
  AnArena arena;
  const char *path;
  const char *module;
  SumFunc *funcs;
  uint32_t func_count;
  SumCall *calls; /* grouped by caller: module level first, then by function */
  uint32_t call_count;
  uint32_t *call_first; /* calls of function f: [call_first[f + 1], call_first[f + 2]) */
  /* Module-level names bound only to mutable Python containers (`HISTORY
   * = []`): another module mutating them from graph code is HY202's. */
  const char **containers;
  uint32_t container_count;
  const char **refs; /* canonical import targets outside TF/Keras/NumPy; "m.*"
                        for `from m import *`, "*" for a relative one */
  uint32_t ref_count;
  /* Module-level names bound only by an import of a workspace target
   * (`from .model import Model` in a package's __init__): other modules
   * reach the target through them (`from pkg import Model`). */
  const char **alias_locals, **alias_targets;
  uint32_t alias_count;
  /* Module-level classes deriving from a Keras Model or Layer that other
   * modules may take as Keras objects (an_index_keras_class). */
  const char **keras_classes;
  uint32_t keras_class_count;
  /* "Class.method" of the module-level classes' tf.function methods kept
   * per instance (an_per_instance_method): other modules that make a new
   * instance per call retrace them (HY108). */
  const char **hybrid_methods;
  uint32_t hybrid_method_count;
  /* Workspace functions of other modules this one passes to tf.data
   * transformations of a dataset: canonical dotted names, and the function
   * (-1: module level) that does it. */
  const char **data_targets;
  int *data_callers;
  uint32_t data_count;
  size_t bytes;
};

/* --- building a summary -------------------------------------------------- */


static void summary__funcs(AnSummary *s, AnModel *m) {
  s->func_count = m->funcs.count;
  s->funcs = an_arena_alloc(&s->arena, sizeof *s->funcs * (m->funcs.count ? m->funcs.count : 1));
  if (!s->funcs) return;
  for (uint32_t i = 0; i < m->funcs.count; i++) {
    AnFunc *f = AN_FUNC(m, i);
    SumFunc *sf = &s->funcs[i];
    sf->qualname = an_arena_strdup(&s->arena, f->qualname);
    TSNode at = ts_node_is_null(f->name_node) ? f->node : f->name_node;
    TSPoint p = ts_node_start_point(at);
    sf->line = p.row;
    sf->column = p.column;
    sf->start = ts_node_start_byte(at);
    sf->end = ts_node_end_byte(at);
    sf->root = f->root != AN_ROOT_NONE && f->root != AN_ROOT_EXTERNAL && f->graph_from < 0;
    sf->first_is_self = f->param_count && f->params[0].is_self;
    uint32_t skip = sf->first_is_self ? 1 : 0;
    const char **names = an_arena_alloc(&s->arena, sizeof *names * (f->param_count + 1));
    if (!names || !sf->qualname) return;
    for (uint32_t p2 = skip; p2 < f->param_count; p2++)
      names[p2 - skip] = an_arena_strdup(&s->arena, f->params[p2].name);
    sf->pub.path = s->path;
    sf->pub.module = s->module;
    sf->pub.qualname = sf->qualname;
    sf->pub.line = sf->line;
    sf->pub.column = sf->column;
    sf->pub.start = sf->start;
    sf->pub.end = sf->end;
    sf->pub.hybrid = f->via == AN_VIA_DECORATOR || f->via == AN_VIA_CALL;
    sf->pub.has_input_signature = !ts_node_is_null(f->tf.input_signature);
    sf->pub.param_count = f->param_count - skip;
    sf->pub.param_names = names;
  }
}

static void summary__call_args(AnSummary *s, AnModel *m, AnCall *c, SumCall *sc) {
  TSNode args = an_field(m->lang, c->node, AN_FIELD_arguments);
  uint32_t n = ts_node_is_null(args) ? 0 : ts_node_named_child_count(args);
  sc->args = an_arena_alloc(&s->arena, sizeof *sc->args * (n ? n : 1));
  if (!sc->args) return;
  for (uint32_t i = 0; i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    AnSym sym = an_sym(m->lang, a);
    if (sym == AN_SYM_comment) continue;
    if (sym == AN_SYM_list_splat || sym == AN_SYM_dictionary_splat) {
      sc->arg_count = 0; /* binding unknowable */
      return;
    }
    SumArg *arg = &sc->args[sc->arg_count++];
    TSNode value = a;
    if (sym == AN_SYM_keyword_argument) {
      uint32_t len;
      const char *t = an_text(m->src, an_field(m->lang, a, AN_FIELD_name), &len);
      arg->keyword = an_arena_strndup(&s->arena, t, len);
      value = an_field(m->lang, a, AN_FIELD_value);
    }
    arg->kind = an_kind_of(m, value, c->ctx.func);
  }
}

static bool summary__kept(const AnCall *c, bool *external) {
  *external = c->callee < 0 && c->dotted && strncmp(c->dotted, "builtins.", 9) != 0 &&
              !an_dotted_has_prefix(c->dotted, "tensorflow") && !an_dotted_has_prefix(c->dotted, "keras") &&
              !an_dotted_has_prefix(c->dotted, "numpy");
  return c->callee >= 0 || *external;
}

static void summary__calls(AnSummary *s, AnModel *m) {
  /* Counting sort by caller (slot 0 is module level), so the index walks a
   * function's calls directly. */
  uint32_t nf = m->funcs.count, kept = 0;
  s->call_first = an_arena_alloc(&s->arena, sizeof *s->call_first * (nf + 3));
  /* Scratch lives in the model's arena, which dies with the model. */
  uint32_t *fill = an_arena_alloc(&m->arena, sizeof *fill * (nf + 2));
  if (!s->call_first || !fill) return;
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    bool external;
    if (summary__kept(c, &external)) {
      s->call_first[c->ctx.func + 2]++;
      kept++;
    }
  }
  s->calls = an_arena_alloc(&s->arena, sizeof *s->calls * (kept ? kept : 1));
  if (!s->calls) return;
  for (uint32_t f = 0; f <= nf; f++) s->call_first[f + 1] += s->call_first[f];
  memcpy(fill, s->call_first, sizeof *fill * (nf + 2));
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    bool external;
    if (!summary__kept(c, &external)) continue;
    SumCall *sc = &s->calls[fill[c->ctx.func + 1]++];
    s->call_count++;
    sc->caller = c->ctx.func;
    sc->local = c->callee;
    sc->via_attribute = an_sym(m->lang, an_field(m->lang, c->node, AN_FIELD_function)) == AN_SYM_attribute;
    if (external) sc->external = an_arena_strdup(&s->arena, c->dotted);
    /* Argument kinds matter only across modules (index__param_kinds). */
    if (external) summary__call_args(s, m, c, sc);
  }
}

/* True when every binding of the chain from binding `b` (those of one
 * name in one scope; none when b is -1) is a mutable container display or
 * constructor call. */
static bool summary__all_containers(AnModel *m, int b) {
  for (int k = b; k >= 0; k = AN_VEC_AT(m->bindings, AnBinding, k).next) {
    const AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, k);
    if (bd->from_for || bd->from_unpack || !an_mutable_container(m, bd->value, bd->scope)) return false;
  }
  return true;
}

/* Names some function declares global and rebinds to something other
 * than a mutable container: (-1, name) -> 1, in the model's arena. */
static void summary__rebound_globals(AnModel *m, AnHash *out) {
  const AnLang *l = m->lang;
  for (uint32_t i = 0; i < m->sites.count; i++) {
    const AnSite *site = &AN_VEC_AT(m->sites, AnSite, i);
    if (site->kind != AN_SITE_GLOBAL || site->ctx.func < 0) continue;
    uint32_t n = ts_node_named_child_count(site->node);
    for (uint32_t k = 0; k < n; k++) {
      TSNode id = ts_node_named_child(site->node, k);
      if (an_sym(l, id) != AN_SYM_identifier) continue;
      uint32_t len;
      const char *t = an_text(m->src, id, &len);
      if (!summary__all_containers(m, an_hash_get(&m->binding_map, site->ctx.func, t, len)))
        an_hash_put(&m->arena, out, -1, t, len, 1);
    }
  }
}

/* The binding that stands for a module-level name holding only mutable
 * containers: the last at module level (so each name counts once), and
 * every binding of the name, at module level and in functions that
 * declare it global, is one; no def, class or import binds it too. */
static bool summary__container_binding(AnModel *m, uint32_t i, const AnHash *rebound) {
  const AnBinding *b = &AN_VEC_AT(m->bindings, AnBinding, i);
  if (b->scope != AN_SCOPE_MODULE || !b->name) return false;
  uint32_t len = (uint32_t)strlen(b->name);
  return an_hash_get(&m->binding_map, AN_SCOPE_MODULE, b->name, len) == (int)i &&
         an_hash_get(rebound, -1, b->name, len) < 0 &&
         an_hash_get(&m->func_map, AN_SCOPE_MODULE, b->name, len) < 0 &&
         an_hash_get(&m->class_map, AN_SCOPE_MODULE, b->name, len) < 0 &&
         an_hash_get(&m->import_map, -1, b->name, len) < 0 && summary__all_containers(m, (int)i);
}

static void summary__containers(AnSummary *s, AnModel *m) {
  AnHash rebound = {0};
  summary__rebound_globals(m, &rebound);
  /* The test runs twice (count, then fill) so the summary holds no slack. */
  uint32_t n = 0;
  for (uint32_t i = 0; i < m->bindings.count; i++) n += summary__container_binding(m, i, &rebound);
  if (!n) return;
  s->containers = an_arena_alloc(&s->arena, sizeof *s->containers * n);
  if (!s->containers) return;
  for (uint32_t i = 0; i < m->bindings.count && s->container_count < n; i++)
    if (summary__container_binding(m, i, &rebound))
      s->containers[s->container_count++] = an_arena_strdup(&s->arena, AN_VEC_AT(m->bindings, AnBinding, i).name);
}

static bool summary__foreign(const char *target) {
  return an_dotted_has_prefix(target, "tensorflow") || an_dotted_has_prefix(target, "keras") ||
         an_dotted_has_prefix(target, "numpy") || an_dotted_has_prefix(target, "builtins");
}

/* Star imports are not import bindings; only the module's top-level
 * statements are scanned for them. */
static uint32_t summary__star_refs(AnSummary *s, AnModel *m, const char **out) {
  uint32_t n = 0, count = ts_node_named_child_count(m->root);
  for (uint32_t i = 0; i < count; i++) {
    TSNode st = ts_node_named_child(m->root, i);
    if (an_sym(m->lang, st) != AN_SYM_import_from_statement) continue;
    bool star = false;
    for (uint32_t k = 0; k < ts_node_named_child_count(st) && !star; k++)
      star = an_sym(m->lang, ts_node_named_child(st, k)) == AN_SYM_wildcard_import;
    TSNode mod = an_field(m->lang, st, AN_FIELD_module_name);
    if (!star || ts_node_is_null(mod)) continue;
    const char *ref = "*";
    if (an_sym(m->lang, mod) != AN_SYM_relative_import) {
      uint32_t len;
      const char *t = an_text(m->src, mod, &len);
      const char *canon = an_canonical(&m->arena, t, len);
      if (!canon || summary__foreign(canon)) continue;
      ref = an_arena_printf(&s->arena, "%s.*", canon);
    }
    if (out) out[n] = ref;
    n++;
  }
  return n;
}

/* What this module imports from the workspace, so the index knows which
 * functions other modules can reach by name (not only call). */
static void summary__refs(AnSummary *s, AnModel *m) {
  uint32_t stars = summary__star_refs(s, m, NULL);
  s->refs = an_arena_alloc(&s->arena, sizeof *s->refs * (m->imports.count + stars + 1));
  if (!s->refs) return;
  for (uint32_t i = 0; i < m->imports.count; i++) {
    const char *t = AN_VEC_AT(m->imports, AnImport, i).target;
    if (t && !summary__foreign(t)) s->refs[s->ref_count++] = an_arena_strdup(&s->arena, t);
  }
  s->ref_count += summary__star_refs(s, m, s->refs + s->ref_count);
}

/* True when import `i` binds its name at module level and nothing else
 * there rebinds it (a def, class, assignment or a later import). */
static bool summary__alias(AnModel *m, uint32_t i) {
  const AnImport *imp = &AN_VEC_AT(m->imports, AnImport, i);
  if (!imp->local || !imp->target || summary__foreign(imp->target)) return false;
  uint32_t len = (uint32_t)strlen(imp->local);
  if (an_hash_get(&m->import_map, -1, imp->local, len) != (int)i ||
      an_hash_get(&m->module_names, -1, imp->local, len) != -1)
    return false;
  for (TSNode n = ts_node_parent(imp->node); !ts_node_is_null(n); n = ts_node_parent(n)) {
    AnSym sym = an_sym(m->lang, n);
    if (sym == AN_SYM_function_definition || sym == AN_SYM_class_definition) return false;
  }
  return true;
}

static void summary__aliases(AnSummary *s, AnModel *m) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < m->imports.count; i++) n += summary__alias(m, i);
  if (!n) return;
  s->alias_locals = an_arena_alloc(&s->arena, sizeof *s->alias_locals * n);
  s->alias_targets = an_arena_alloc(&s->arena, sizeof *s->alias_targets * n);
  if (!s->alias_locals || !s->alias_targets) return;
  for (uint32_t i = 0; i < m->imports.count; i++) {
    if (!summary__alias(m, i)) continue;
    const AnImport *imp = &AN_VEC_AT(m->imports, AnImport, i);
    s->alias_locals[s->alias_count] = an_arena_strdup(&s->arena, imp->local);
    s->alias_targets[s->alias_count++] = an_arena_strdup(&s->arena, imp->target);
  }
}

/* The callback argument of tf.data transformation call `i` on a value known
 * to be a dataset, when it names a function of another module (not one
 * of this module, nor TF/Keras/NumPy/builtins): its canonical name. */
static const char *summary__data_target(AnModel *m, uint32_t i) {
  const AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
  if (!c->method || ts_node_is_null(c->object)) return NULL;
  int pos = an_data_callback_arg(c->method);
  if (pos < 0) return NULL;
  TSNode arg = an_call_arg(m->lang, c->node, (uint32_t)pos);
  AnSym sym = an_sym(m->lang, arg);
  if (sym != AN_SYM_identifier && sym != AN_SYM_attribute) return NULL;
  if (an_resolve_function(m, arg, c->ctx.func) >= 0) return NULL;
  const char *d = an_dotted(m, arg, c->ctx.func);
  if (!d || summary__foreign(d)) return NULL;
  return an_data_receiver(m, i) ? d : NULL;
}

static void summary__data(AnSummary *s, AnModel *m) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < m->calls.count; i++) n += summary__data_target(m, i) != NULL;
  if (!n) return;
  s->data_targets = an_arena_alloc(&s->arena, sizeof *s->data_targets * n);
  s->data_callers = an_arena_alloc(&s->arena, sizeof *s->data_callers * n);
  if (!s->data_targets || !s->data_callers) return;
  for (uint32_t i = 0; i < m->calls.count && s->data_count < n; i++) {
    const AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    const char *d = summary__data_target(m, i);
    if (!d) continue;
    s->data_callers[s->data_count] = c->ctx.func;
    s->data_targets[s->data_count++] = an_arena_strdup(&s->arena, d);
  }
}

/* A `call` of the class or a base of this module that returns a tuple,
 * dict or other object: calling an instance then gives no single tensor. */
static bool summary__call_structure(AnModel *m, int cls) {
  uint32_t count;
  const int *anc = an_class_ancestors(m, cls, &count);
  for (uint32_t i = 0; i <= count; i++) {
    int k = i < count && anc ? anc[i] : cls;
    int f = an_hash_get(&m->func_map, AN_SCOPE_CLASS(k), "call", 4);
    if (f >= 0 && an_returns_structure(m, f)) return true;
  }
  return false;
}

/* Keras classes other modules can take as Keras objects: at module level,
 * Keras' own endpoints, and a `call` that returns one value. The others
 * stop counting as Keras here, so factories returning them export no
 * Keras kind either. */
static void summary__keras_classes(AnSummary *s, AnModel *m) {
  uint32_t n = 0;
  bool *ok = an_arena_alloc(&m->arena, sizeof *ok * (m->classes.count + 1));
  if (!ok) return;
  for (uint32_t c = 0; c < m->classes.count; c++) {
    const AnClass *k = AN_CLASS(m, c);
    ok[c] = k->keras && !an_keras_defines_endpoint(m, (int)c) && !summary__call_structure(m, (int)c);
    n += ok[c] && k->parent_func < 0 && !strchr(k->qualname, '.');
  }
  for (uint32_t c = 0; c < m->classes.count; c++)
    if (!ok[c]) AN_CLASS(m, c)->keras = false;
  if (!n) return;
  s->keras_classes = an_arena_alloc(&s->arena, sizeof *s->keras_classes * n);
  if (!s->keras_classes) return;
  for (uint32_t c = 0; c < m->classes.count; c++) {
    const AnClass *k = AN_CLASS(m, c);
    if (ok[c] && k->parent_func < 0 && !strchr(k->qualname, '.'))
      s->keras_classes[s->keras_class_count++] = an_arena_strdup(&s->arena, k->qualname);
  }
}

/* The tf.function methods (decorated defs) of each class, grouped: those
 * of class k are order[offsets[k] .. offsets[k + 1]). */
typedef struct SumClassMethods {
  uint32_t *offsets, *order;
} SumClassMethods;

static bool summary__class_methods(AnModel *m, SumClassMethods *cm) {
  uint32_t nc = m->classes.count;
  cm->offsets = an_arena_alloc(&m->arena, sizeof *cm->offsets * (nc + 2));
  cm->order = an_arena_alloc(&m->arena, sizeof *cm->order * (m->funcs.count + 1));
  if (!cm->offsets || !cm->order) return false;
  memset(cm->offsets, 0, sizeof *cm->offsets * (nc + 2));
  for (uint32_t f = 0; f < m->funcs.count; f++) {
    const AnFunc *fn = AN_FUNC(m, f);
    if (fn->cls >= 0 && fn->via == AN_VIA_DECORATOR) cm->offsets[fn->cls + 2]++;
  }
  for (uint32_t k = 0; k < nc; k++) cm->offsets[k + 2] += cm->offsets[k + 1];
  for (uint32_t f = 0; f < m->funcs.count; f++) {
    const AnFunc *fn = AN_FUNC(m, f);
    if (fn->cls >= 0 && fn->via == AN_VIA_DECORATOR) cm->order[cm->offsets[fn->cls + 1]++] = f;
  }
  return true;
}

/* How many tf.function methods module-level class `c` keeps per
 * instance (an_per_instance_method), its own or a base's of this module;
 * with `s`, each is also added to it as "Class.method". */
static uint32_t summary__class_hybrid_methods(AnModel *m, const SumClassMethods *cm, uint32_t c, AnSummary *s) {
  const AnClass *k = AN_CLASS(m, c);
  if (k->parent_func >= 0 || strchr(k->qualname, '.')) return 0;
  uint32_t nb = 0, found = 0;
  const int *bases = an_class_ancestors(m, (int)c, &nb);
  for (uint32_t i = 0; i <= nb; i++) {
    uint32_t owner = i ? (uint32_t)bases[i - 1] : c;
    for (uint32_t j = cm->offsets[owner]; j < cm->offsets[owner + 1]; j++) {
      uint32_t f = cm->order[j];
      if (!an_per_instance_method(m, (int)c, (int)f)) continue;
      const char *name = AN_FUNC(m, f)->name;
      if (s && s->hybrid_methods)
        s->hybrid_methods[s->hybrid_method_count++] = an_arena_printf(&s->arena, "%s.%s", k->qualname, name);
      found++;
    }
  }
  return found;
}

/* Per-instance tf.function methods of module-level classes as
 * "Class.method": one per hybrid method and class that reaches it, so the
 * list grows with the hybrid methods, not with the source. Grouped by
 * class first: a scan of every class for every method was quadratic. */
static void summary__hybrid_methods(AnSummary *s, AnModel *m) {
  SumClassMethods cm;
  if (!summary__class_methods(m, &cm)) return;
  uint32_t n = 0;
  for (uint32_t c = 0; c < m->classes.count; c++) n += summary__class_hybrid_methods(m, &cm, c, NULL);
  if (!n || !(s->hybrid_methods = an_arena_alloc(&s->arena, sizeof *s->hybrid_methods * n))) return;
  for (uint32_t c = 0; c < m->classes.count; c++) summary__class_hybrid_methods(m, &cm, c, s);
}

/* Return kinds of module-level functions, for calls from other modules.
 * They must not depend on this module's callers: parameter kinds are
 * forgotten first. Decorated functions are skipped (a decorator may
 * return anything). Runs last: it changes the model's kinds, which
 * an_model_finish derives again. */
static void summary__returns(AnSummary *s, AnModel *m) {
  for (uint32_t i = 0; i < m->funcs.count; i++) {
    AnFunc *f = AN_FUNC(m, i);
    for (uint32_t p = 0; p < f->param_count; p++) f->params[p].kind = AN_KIND_UNKNOWN;
  }
  an_kinds_reset(m);
  for (uint32_t i = 0; i < m->funcs.count && i < s->func_count; i++) {
    const AnFunc *f = AN_FUNC(m, i);
    if (f->parent >= 0 || f->cls >= 0 || !ts_node_eq(f->outer, f->node)) continue;
    s->funcs[i].pub.ret_kind = an_certain_return_kind(m, (int)i);
  }
}

AnSummary *an_summary_build(const AnSource *src) {
  AnModel *m = an_model_build_for_summary(src);
  if (!m) return NULL;
  AnSummary *s = an_summary_from_model(m);
  an_model_free(m);
  return s;
}

AnSummary *an_summary_from_model(AnModel *m) {
  AnSummary *s = an_malloc(sizeof *s);
  if (!s) return NULL;
  memset(s, 0, sizeof *s);
  /* Small blocks: a summary is a few kilobytes, and the index keeps
   * thousands, so block slack would dominate. */
  an_arena_init(&s->arena, 1024);
  s->path = an_arena_strdup(&s->arena, m->path);
  s->module = an_arena_strdup(&s->arena, m->module);
  summary__funcs(s, m);
  summary__calls(s, m);
  summary__refs(s, m);
  summary__containers(s, m);
  summary__aliases(s, m);
  summary__data(s, m);
  summary__keras_classes(s, m);
  summary__hybrid_methods(s, m);
  summary__returns(s, m);
  if (s->arena.failed) {
    an_summary_free(s);
    return NULL;
  }
  s->bytes = sizeof *s + an_arena_used(&s->arena);
  return s;
}

void an_summary_free(AnSummary *summary) {
  if (!summary) return;
  an_arena_free(&summary->arena);
  an_free(summary);
}

size_t an_summary_size(const AnSummary *summary) { return summary ? summary->bytes : 0; }

/* --- the index ----------------------------------------------------------- */

typedef struct IndexEntry {
  char *path;
  AnSummary *summary;
} IndexEntry;

/* Per global function: where it is and what finalize learnt. */
typedef struct GNode {
  uint32_t entry, func;
  int pred;             /* predecessor in the BFS, -1 */
  bool graph;
  bool data_root;       /* another module maps it over a dataset */
  const char *chain;    /* set when entered from another module */
  bool used_elsewhere;  /* another module calls or imports it (or its class) */
  AnKind *param_kinds;  /* cross-module call-site joins, per public parameter */
  uint32_t *param_seen;
} GNode;

struct AnIndex {
  char **roots;
  size_t root_count;
  IndexEntry *entries;
  size_t count, cap;
  /* (-1, path) -> entry of every entry, kept by put and remove: `check`
   * puts thousands of files, and a scan per put would be quadratic. */
  AnArena path_arena;
  AnHash paths;
  /* finalize results */
  AnArena facts;
  GNode *nodes;
  uint32_t node_count;
  uint32_t *entry_first; /* first global node of each entry */
  AnHash by_name;        /* (-1, "module.qualname") -> global node */
  AnHash modules;        /* (-1, module) -> entry */
  AnHash by_path;        /* (-1, path) -> entry */
  AnHash containers;     /* (-1, "module.NAME") -> entry, for SumContainers */
  AnHash keras_classes;  /* (-1, "module.Class") -> entry */
  AnHash hybrid_methods; /* (-1, "module.Class.method") -> entry */
  AnHash hybrid_classes; /* (-1, "module.Class") -> entry, classes with some */
  uint32_t hybrid_method_count;
  uint64_t *entry_fp;    /* per entry: the cross-file facts its analysis reads */
  uint64_t fingerprint;
  bool finalized;
};

AnIndex *an_index_new(const char *const *roots, size_t root_count) {
  AnIndex *x = an_malloc(sizeof *x);
  if (!x) return NULL;
  memset(x, 0, sizeof *x);
  an_arena_init(&x->facts, 16384);
  an_arena_init(&x->path_arena, 4096);
  if (root_count) {
    x->roots = an_malloc(sizeof *x->roots * root_count);
    if (!x->roots) {
      an_free(x);
      return NULL;
    }
    for (size_t i = 0; i < root_count; i++) {
      size_t n = strlen(roots[i]);
      x->roots[i] = an_malloc(n + 1);
      if (!x->roots[i]) {
        x->root_count = i;
        an_index_free(x);
        return NULL;
      }
      memcpy(x->roots[i], roots[i], n + 1);
    }
    x->root_count = root_count;
  }
  return x;
}

void an_index_free(AnIndex *index) {
  if (!index) return;
  for (size_t i = 0; i < index->count; i++) {
    an_free(index->entries[i].path);
    an_summary_free(index->entries[i].summary);
  }
  an_free(index->entries);
  for (size_t i = 0; i < index->root_count; i++) an_free(index->roots[i]);
  an_free(index->roots);
  an_arena_free(&index->facts);
  an_arena_free(&index->path_arena);
  an_free(index);
}

static long index__find(const AnIndex *x, const char *path) {
  if (x->path_arena.failed) {
    for (size_t i = 0; i < x->count; i++)
      if (strcmp(x->entries[i].path, path) == 0) return (long)i;
    return -1;
  }
  return an_hash_get(&x->paths, -1, path, (uint32_t)strlen(path));
}

static void index__paths_add(AnIndex *x, size_t entry) {
  const char *path = x->entries[entry].path;
  an_hash_put(&x->path_arena, &x->paths, -1, path, (uint32_t)strlen(path), (int)entry);
}

/* After a remove moved the last entry into the gap. Out of memory leaves
 * the arena failed, and index__find scans instead. */
static void index__paths_rebuild(AnIndex *x) {
  an_arena_free(&x->path_arena);
  an_arena_init(&x->path_arena, 4096);
  memset(&x->paths, 0, sizeof x->paths);
  for (size_t i = 0; i < x->count; i++) index__paths_add(x, i);
}

int an_index_put(AnIndex *index, const char *path, AnSummary *summary) {
  long at = index__find(index, path);
  if (at >= 0) {
    an_summary_free(index->entries[at].summary);
    index->entries[at].summary = summary;
    index->finalized = false;
    return 0;
  }
  if (index->count == index->cap) {
    size_t cap = index->cap ? index->cap * 2 : 64;
    IndexEntry *e = an_realloc(index->entries, sizeof *e * cap);
    if (!e) {
      an_summary_free(summary);
      return -1;
    }
    index->entries = e;
    index->cap = cap;
  }
  size_t n = strlen(path);
  char *copy = an_malloc(n + 1);
  if (!copy) {
    an_summary_free(summary);
    return -1;
  }
  memcpy(copy, path, n + 1);
  index->entries[index->count].path = copy;
  index->entries[index->count].summary = summary;
  index__paths_add(index, index->count);
  index->count++;
  index->finalized = false;
  return 0;
}

void an_index_remove(AnIndex *index, const char *path) {
  long at = index__find(index, path);
  if (at < 0) return;
  an_free(index->entries[at].path);
  an_summary_free(index->entries[at].summary);
  index->entries[at] = index->entries[index->count - 1];
  index->count--;
  index->finalized = false;
  index__paths_rebuild(index);
}

size_t an_index_size(const AnIndex *index) { return index->count; }
uint64_t an_index_fingerprint(const AnIndex *index) { return index->fingerprint; }

const char *const *an_index_roots(const AnIndex *index, size_t *count) {
  *count = index->root_count;
  return (const char *const *)index->roots;
}

/* "module.rest" into key[cap]; its length, or -1 when it does not fit (as
 * snprintf's truncation was treated). Called per function and per call, so
 * without printf. */
static int index__key(char *key, size_t cap, const char *module, const char *rest) {
  size_t ml = strlen(module), rl = strlen(rest);
  if (ml + 1 + rl >= cap) return -1;
  memcpy(key, module, ml);
  key[ml] = '.';
  memcpy(key + ml + 1, rest, rl + 1);
  return (int)(ml + 1 + rl);
}

/* Scopes of the `modules` map: full module names, and their proper dotted
 * suffixes (an entry, or INDEX_AMBIGUOUS when several modules share one). */
#define INDEX_FULL (-1)
#define INDEX_SUFFIX 1
#define INDEX_AMBIGUOUS (-2)

/* Length of the dotted directory of entry `e`'s module (the package a
 * package's __init__ stands for, else the module minus its last name). */
static size_t index__dir_len(const AnIndex *x, int e) {
  const char *mod = x->entries[e].summary->module;
  if (an_path_is_init(x->entries[e].path)) return strlen(mod);
  const char *dot = strrchr(mod, '.');
  return dot ? (size_t)(dot - mod) : 0;
}

/* Entry of the module `dir`.`name` (just `name` when dir_len is 0), -1. */
static int index__under(const AnIndex *x, const char *dir, size_t dir_len, const char *name, size_t len) {
  char key[1024];
  if (!dir_len) return an_hash_get(&x->modules, INDEX_FULL, name, (uint32_t)len);
  if (dir_len + 1 + len >= sizeof key) return -1;
  memcpy(key, dir, dir_len);
  key[dir_len] = '.';
  memcpy(key + dir_len + 1, name, len);
  return an_hash_get(&x->modules, INDEX_FULL, key, (uint32_t)(dir_len + 1 + len));
}

/* Entry of the module an absolute import of `name` in entry `from` (-1:
 * unknown) loads, following Python's search of sys.path: a script's own
 * directory first when it is not a package (scripts run as `python
 * dir/x.py`), then the workspace root, then the importer's enclosing
 * directories (roots such as src/ below the workspace root), then a
 * module whose name ends in `name` when only one does. -1 when none or
 * ambiguous: resolving to the wrong same-named module would make its
 * functions graph code. */
static int index__find_module(const AnIndex *x, int from, const char *name, size_t len) {
  const char *dir = from >= 0 ? x->entries[from].summary->module : "";
  size_t dir_len = from >= 0 ? index__dir_len(x, from) : 0;
  int e;
  if (dir_len && an_hash_get(&x->modules, INDEX_FULL, dir, (uint32_t)dir_len) < 0 &&
      (e = index__under(x, dir, dir_len, name, len)) >= 0)
    return e;
  if ((e = an_hash_get(&x->modules, INDEX_FULL, name, (uint32_t)len)) >= 0) return e;
  for (size_t d = dir_len; d > 0; d--) {
    if (d != dir_len && dir[d] != '.') continue;
    if ((e = index__under(x, dir, d, name, len)) >= 0) return e;
  }
  e = an_hash_get(&x->modules, INDEX_SUFFIX, name, (uint32_t)len);
  return e >= 0 ? e : -1;
}

/* Target of module-level import alias `name` (len bytes) of entry `e`, or
 * NULL. */
static const char *index__alias(const AnIndex *x, int e, const char *name, size_t len) {
  const AnSummary *s = x->entries[e].summary;
  for (uint32_t a = 0; a < s->alias_count; a++)
    if (strlen(s->alias_locals[a]) == len && memcmp(s->alias_locals[a], name, len) == 0) return s->alias_targets[a];
  return NULL;
}

/* Re-exports followed through at most this many modules: a chain longer
 * than any real package's, and a bound on import cycles. */
#define INDEX_ALIAS_DEPTH 4

static int index__resolve_depth(const AnIndex *x, int from, const AnHash *names, const char *dotted, int depth);

/* `rest` (a qualname, or an import alias of module `e` followed by more)
 * in entry `e`: the value `names` has for it, -1. */
static int index__in_module(const AnIndex *x, int e, const AnHash *names, const char *rest, int depth) {
  const AnSummary *s = x->entries[e].summary;
  char key[1024];
  int n = index__key(key, sizeof key, s->module, rest);
  if (n < 0) return -1;
  int g = an_hash_get(names, -1, key, (uint32_t)n);
  if (g >= 0 || depth >= INDEX_ALIAS_DEPTH) return g;
  const char *dot = strchr(rest, '.');
  size_t head = dot ? (size_t)(dot - rest) : strlen(rest);
  const char *target = index__alias(x, e, rest, head);
  if (!target) return -1;
  n = snprintf(key, sizeof key, "%s%s", target, rest + head);
  if (n < 0 || (size_t)n >= sizeof key) return -1;
  return index__resolve_depth(x, e, names, key, depth + 1);
}

/* Global node (or value of `names`) of a canonical dotted name used in
 * entry `from`: the longest prefix that names an indexed module, the rest
 * a qualname there or a name that module re-exports. */
static int index__resolve_depth(const AnIndex *x, int from, const AnHash *names, const char *dotted, int depth) {
  size_t len = strlen(dotted);
  for (size_t cut = len; cut > 0; cut--) {
    if (dotted[cut] != '.' && cut != len) continue;
    if (cut == len) continue;
    int e = index__find_module(x, from, dotted, cut);
    if (e < 0) continue;
    return index__in_module(x, e, names, dotted + cut + 1, depth);
  }
  return -1;
}

static int index__resolve_in(const AnIndex *x, int from, const AnHash *names, const char *dotted) {
  return index__resolve_depth(x, from, names, dotted, 0);
}

static int index__resolve(const AnIndex *x, int from, const char *dotted) {
  return index__resolve_in(x, from, &x->by_name, dotted);
}

static void index__register_modules(AnIndex *x) {
  for (size_t e = 0; e < x->count; e++) {
    const char *mod = x->entries[e].summary->module;
    if (!mod || !*mod) continue;
    an_hash_put(&x->facts, &x->modules, INDEX_FULL, mod, (uint32_t)strlen(mod), (int)e);
    /* Every proper dotted suffix too, so `helpers` finds `src.helpers`
     * when the import root is below the workspace root. */
    for (const char *p = strchr(mod, '.'); p; p = strchr(p + 1, '.')) {
      uint32_t n = (uint32_t)strlen(p + 1);
      int had = an_hash_get(&x->modules, INDEX_SUFFIX, p + 1, n);
      an_hash_put(&x->facts, &x->modules, INDEX_SUFFIX, p + 1, n, had < 0 || had == (int)e ? (int)e : INDEX_AMBIGUOUS);
    }
  }
}

static void index__register_names(AnIndex *x, AnHash *out, size_t e, const char *const *names, uint32_t n) {
  const char *mod = x->entries[e].summary->module;
  for (uint32_t k = 0; k < n; k++) {
    char *key = an_arena_printf(&x->facts, "%s.%s", mod, names[k]);
    if (key) an_hash_put(&x->facts, out, -1, key, (uint32_t)strlen(key), (int)e);
  }
}

static void index__register_containers(AnIndex *x) {
  for (size_t e = 0; e < x->count; e++) {
    const AnSummary *s = x->entries[e].summary;
    index__register_names(x, &x->containers, e, s->containers, s->container_count);
    index__register_names(x, &x->keras_classes, e, s->keras_classes, s->keras_class_count);
    index__register_names(x, &x->hybrid_methods, e, s->hybrid_methods, s->hybrid_method_count);
    x->hybrid_method_count += s->hybrid_method_count;
    for (uint32_t k = 0; k < s->hybrid_method_count; k++) {
      const char *dot = strrchr(s->hybrid_methods[k], '.');
      char *key = dot ? an_arena_printf(&x->facts, "%s.%.*s", s->module, (int)(dot - s->hybrid_methods[k]),
                                        s->hybrid_methods[k])
                      : NULL;
      if (key) an_hash_put(&x->facts, &x->hybrid_classes, -1, key, (uint32_t)strlen(key), (int)e);
    }
  }
}

/* The entry of the module a dotted import target of entry `from` names or
 * lies in (the longest prefix that is an indexed module), -1. */
static int index__module_entry(const AnIndex *x, int from, const char *dotted, size_t len) {
  for (size_t cut = len; cut > 0; cut--) {
    if (cut != len && dotted[cut] != '.') continue;
    int e = index__find_module(x, from, dotted, cut);
    if (e >= 0) return e;
  }
  return -1;
}

static const char *index__chain(AnIndex *x, int node) {
  AnBuf b = {0};
  uint32_t n = 0;
  for (int k = node; k >= 0 && n < 64; k = x->nodes[k].pred) n++;
  int *seq = an_arena_alloc(&x->facts, sizeof *seq * (n ? n : 1));
  if (!seq) return NULL;
  uint32_t i = n;
  for (int k = node; k >= 0 && i > 0; k = x->nodes[k].pred) seq[--i] = k;
  for (i = 0; i < n; i++) {
    GNode *g = &x->nodes[seq[i]];
    const AnSummary *s = x->entries[g->entry].summary;
    if (b.len) an_buf_puts(&x->facts, &b, " -> ");
    an_buf_printf(&x->facts, &b, "%s.%s", s->module, s->funcs[g->func].qualname);
  }
  return an_buf_str(&x->facts, &b);
}

static int index__callee(AnIndex *x, uint32_t e, const SumCall *c) {
  if (c->local >= 0) return (int)(x->entry_first[e] + (uint32_t)c->local);
  return c->external ? index__resolve(x, (int)e, c->external) : -1;
}

/* Functions another module maps over a dataset: roots of the search,
 * whose chain starts at the mapping function ("train.pipeline", or the
 * module for a module-level map). One its own module already roots is
 * left to it. */
static void index__data_roots(AnIndex *x) {
  for (uint32_t e = 0; e < x->count; e++) {
    const AnSummary *s = x->entries[e].summary;
    for (uint32_t d = 0; d < s->data_count; d++) {
      int t = index__resolve(x, (int)e, s->data_targets[d]);
      if (t < 0 || x->nodes[t].entry == e) continue;
      GNode *tn = &x->nodes[t];
      const AnSummary *ts = x->entries[tn->entry].summary;
      tn->used_elsewhere = true;
      if (ts->funcs[tn->func].root || tn->data_root) continue;
      int caller = s->data_callers[d];
      tn->data_root = true;
      tn->chain = an_arena_printf(&x->facts, "%s%s%s -> %s.%s", s->module, caller >= 0 ? "." : "",
                                  caller >= 0 ? s->funcs[caller].qualname : "", ts->module,
                                  ts->funcs[tn->func].qualname);
    }
  }
}

static void index__bfs(AnIndex *x) {
  int *queue = an_arena_alloc(&x->facts, sizeof *queue * (x->node_count + 1));
  if (!queue) return;
  uint32_t head = 0, tail = 0;
  for (uint32_t g = 0; g < x->node_count; g++) {
    const AnSummary *s = x->entries[x->nodes[g].entry].summary;
    if (s->funcs[x->nodes[g].func].root || x->nodes[g].data_root) {
      x->nodes[g].graph = true;
      queue[tail++] = (int)g;
    }
  }
  while (head < tail) {
    int g = queue[head++];
    GNode *gn = &x->nodes[g];
    const AnSummary *s = x->entries[gn->entry].summary;
    for (uint32_t c = s->call_first[gn->func + 1]; c < s->call_first[gn->func + 2]; c++) {
      const SumCall *sc = &s->calls[c];
      int t = index__callee(x, gn->entry, sc);
      if (t < 0 || x->nodes[t].graph) continue;
      x->nodes[t].graph = true;
      x->nodes[t].pred = g;
      queue[tail++] = t;
    }
  }
}

static void index__param_kinds(AnIndex *x, uint32_t e, const SumCall *sc, int t) {
  GNode *tn = &x->nodes[t];
  const AnSummary *ts = x->entries[tn->entry].summary;
  const SumFunc *tf = &ts->funcs[tn->func];
  uint32_t np = tf->pub.param_count;
  if (!np) return;
  if (!tn->param_kinds) {
    tn->param_kinds = an_arena_alloc(&x->facts, sizeof *tn->param_kinds * np);
    tn->param_seen = an_arena_alloc(&x->facts, sizeof *tn->param_seen * np);
    if (!tn->param_kinds || !tn->param_seen) return;
  }
  (void)e;
  uint32_t pos = 0;
  for (uint32_t a = 0; a < sc->arg_count; a++) {
    const SumArg *arg = &sc->args[a];
    int p = -1;
    if (arg->keyword) {
      for (uint32_t k = 0; k < np; k++)
        if (strcmp(tf->pub.param_names[k], arg->keyword) == 0) p = (int)k;
    } else {
      p = pos < np ? (int)pos : -1;
      pos++;
    }
    if (p < 0) continue;
    tn->param_kinds[p] = tn->param_seen[p] ? an_kind_join(tn->param_kinds[p], arg->kind) : arg->kind;
    tn->param_seen[p]++;
  }
}

/* The `__init__` of the workspace class a dotted callee names
 * (`trainer.Trainer`), -1. Constructing the class passes the arguments to
 * it; only its own `__init__` counts, since a summary does not say what a
 * class derives from. */
static int index__constructor(const AnIndex *x, int from, const char *dotted) {
  char key[1024];
  size_t len = strlen(dotted);
  if (len + sizeof ".__init__" > sizeof key) return -1;
  memcpy(key, dotted, len);
  memcpy(key + len, ".__init__", sizeof ".__init__");
  return index__resolve(x, from, key);
}

/* Cross-module edges: chains into other modules and argument kinds. */
static void index__cross(AnIndex *x) {
  for (uint32_t e = 0; e < x->count; e++) {
    const AnSummary *s = x->entries[e].summary;
    for (uint32_t c = 0; c < s->call_count; c++) {
      const SumCall *sc = &s->calls[c];
      if (!sc->external) continue;
      int t = index__resolve(x, (int)e, sc->external);
      if (t < 0) {
        /* A constructor call: argument kinds only. Graph code that builds
         * an object runs its __init__ too, but graph.c does not follow
         * constructors within a module either. */
        t = index__constructor(x, (int)e, sc->external);
        if (t >= 0 && x->nodes[t].entry != e) index__param_kinds(x, e, sc, t);
        continue;
      }
      if (x->nodes[t].entry == e) continue;
      x->nodes[t].used_elsewhere = true;
      index__param_kinds(x, e, sc, t);
      if (sc->caller < 0) continue;
      int from = (int)(x->entry_first[e] + (uint32_t)sc->caller);
      if (!x->nodes[from].graph || x->nodes[t].chain) continue;
      const AnSummary *ts = x->entries[x->nodes[t].entry].summary;
      const char *prefix = index__chain(x, from);
      x->nodes[t].chain = an_arena_printf(&x->facts, "%s -> %s.%s", prefix ? prefix : "", ts->module,
                                          ts->funcs[x->nodes[t].func].qualname);
    }
  }
}

/* Marks the functions of entry `te` another module names: `qual` itself
 * and everything inside it (a class's methods); with `qual` NULL, every
 * function when `all`, else only those inside classes (reachable as
 * attributes of an imported module's classes, where calls are not seen). */
static void index__mark_used(AnIndex *x, uint32_t te, const char *qual, bool all) {
  const AnSummary *s = x->entries[te].summary;
  size_t ql = qual ? strlen(qual) : 0;
  for (uint32_t f = 0; f < s->func_count; f++) {
    const char *q = s->funcs[f].qualname;
    bool hit = qual ? strncmp(q, qual, ql) == 0 && (q[ql] == '\0' || q[ql] == '.') : all || strchr(q, '.') != NULL;
    if (hit) x->nodes[x->entry_first[te] + f].used_elsewhere = true;
  }
}

static void index__ref(AnIndex *x, uint32_t e, const char *ref, int depth) {
  size_t len = strlen(ref);
  if (strcmp(ref, "*") == 0) {
    for (uint32_t te = 0; te < x->count; te++)
      if (te != e) index__mark_used(x, te, NULL, true);
    return;
  }
  bool star = len > 2 && strcmp(ref + len - 2, ".*") == 0;
  if (star) len -= 2;
  for (size_t cut = len; cut > 0; cut--) {
    if (cut != len && ref[cut] != '.') continue;
    int te = index__find_module(x, (int)e, ref, cut);
    if (te < 0) continue;
    if ((uint32_t)te == e) return;
    if (cut == len) {
      index__mark_used(x, (uint32_t)te, NULL, star);
      return;
    }
    char *qual = an_arena_strndup(&x->facts, ref + cut + 1, len - cut - 1);
    if (!qual) return;
    index__mark_used(x, (uint32_t)te, qual, false);
    /* A name the module re-exports is used where it is defined too. */
    const char *dot = strchr(qual, '.');
    size_t head = dot ? (size_t)(dot - qual) : strlen(qual);
    const char *target = depth < INDEX_ALIAS_DEPTH ? index__alias(x, te, qual, head) : NULL;
    char *next = target ? an_arena_printf(&x->facts, "%s%s", target, qual + head) : NULL;
    if (next) index__ref(x, (uint32_t)te, next, depth + 1);
    return;
  }
}

static void index__refs(AnIndex *x) {
  for (uint32_t e = 0; e < x->count; e++) {
    const AnSummary *s = x->entries[e].summary;
    for (uint32_t r = 0; r < s->ref_count; r++) index__ref(x, e, s->refs[r], 0);
  }
}

static uint64_t index__mix(uint64_t h, const void *data, size_t n) {
  const unsigned char *p = data;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

/* The facts about global node `g` that analyses of other modules read:
 * identity, hybrid facts, parameters, and where it is when it matters for
 * related information. */
static uint64_t index__public_facts(const AnIndex *x, uint32_t g, uint64_t h) {
  const GNode *n = &x->nodes[g];
  const AnSummary *s = x->entries[n->entry].summary;
  const AnIndexFunction *pub = &s->funcs[n->func].pub;
  h = index__mix(h, s->module, strlen(s->module) + 1);
  h = index__mix(h, pub->qualname, strlen(pub->qualname) + 1);
  h = index__mix(h, &pub->hybrid, sizeof pub->hybrid);
  h = index__mix(h, &pub->has_input_signature, sizeof pub->has_input_signature);
  h = index__mix(h, &pub->ret_kind, sizeof pub->ret_kind);
  h = index__mix(h, &pub->param_count, sizeof pub->param_count);
  for (uint32_t p = 0; p < pub->param_count; p++)
    if (pub->param_names[p]) h = index__mix(h, pub->param_names[p], strlen(pub->param_names[p]) + 1);
  if (pub->hybrid || n->graph) {
    h = index__mix(h, &pub->line, sizeof pub->line);
    h = index__mix(h, &pub->column, sizeof pub->column);
    h = index__mix(h, &pub->start, sizeof pub->start);
  }
  return h;
}

/* The facts derived for node `g` from other modules: the chain that enters
 * it and the joined kinds its parameters receive. */
static uint64_t index__incoming_facts(const AnIndex *x, uint32_t g, uint64_t h) {
  const GNode *n = &x->nodes[g];
  const AnSummary *s = x->entries[n->entry].summary;
  h = index__mix(h, &n->graph, sizeof n->graph);
  h = index__mix(h, &n->data_root, sizeof n->data_root);
  h = index__mix(h, &n->used_elsewhere, sizeof n->used_elsewhere);
  if (n->chain) {
    h = index__mix(h, n->chain, strlen(n->chain));
    /* The root's place too: diagnostics point at it (relatedInformation). */
    uint32_t r = g;
    for (uint32_t k = 0; x->nodes[r].pred >= 0 && k < x->node_count; k++) r = (uint32_t)x->nodes[r].pred;
    const AnIndexFunction *root = &x->entries[x->nodes[r].entry].summary->funcs[x->nodes[r].func].pub;
    h = index__mix(h, &root->line, sizeof root->line);
    h = index__mix(h, &root->column, sizeof root->column);
    h = index__mix(h, &root->start, sizeof root->start);
  }
  for (uint32_t p = 0; n->param_kinds && p < s->funcs[n->func].pub.param_count; p++)
    h = index__mix(h, &n->param_kinds[p], sizeof n->param_kinds[p]);
  return h;
}

/* The per-instance tf.function methods of entry `e` and where they are
 * (HY108 in modules that construct its classes points at them). */
static uint64_t index__hybrid_methods_facts(const AnIndex *x, uint32_t e, uint64_t h) {
  const AnSummary *s = x->entries[e].summary;
  for (uint32_t k = 0; k < s->hybrid_method_count; k++) {
    h = index__mix(h, s->hybrid_methods[k], strlen(s->hybrid_methods[k]) + 1);
    int g = index__in_module(x, (int)e, &x->by_name, s->hybrid_methods[k], INDEX_ALIAS_DEPTH);
    if (g >= 0) h = index__public_facts(x, (uint32_t)g, h);
  }
  return h;
}

/* The containers of the modules `s` imports from (by name or whole): its
 * HY202 findings read them. */
static uint64_t index__imported_containers(const AnIndex *x, int from, const AnSummary *s, uint64_t h) {
  for (uint32_t r = 0; r < s->ref_count; r++) {
    size_t len = strlen(s->refs[r]);
    if (len >= 2 && strcmp(s->refs[r] + len - 2, ".*") == 0) len -= 2;
    int te = index__module_entry(x, from, s->refs[r], len);
    if (te < 0) continue;
    const AnSummary *ts = x->entries[te].summary;
    h = index__mix(h, ts->module, strlen(ts->module) + 1);
    for (uint32_t k = 0; k < ts->container_count; k++)
      h = index__mix(h, ts->containers[k], strlen(ts->containers[k]) + 1);
  }
  return h;
}

/* Per entry: everything an analysis of that module reads from the index,
 * so the server re-analyses an open document only when it moved. */
static void index__entry_fingerprints(AnIndex *x) {
  x->entry_fp = an_arena_alloc(&x->facts, sizeof *x->entry_fp * (x->count + 1));
  if (!x->entry_fp) return;
  for (uint32_t e = 0; e < x->count; e++) {
    const AnSummary *s = x->entries[e].summary;
    uint64_t h = 1469598103934665603ull;
    for (uint32_t f = 0; f < s->func_count; f++) h = index__incoming_facts(x, x->entry_first[e] + f, h);
    for (uint32_t c = 0; c < s->call_count; c++) {
      if (!s->calls[c].external) continue;
      int t = index__resolve(x, (int)e, s->calls[c].external);
      h = index__mix(h, s->calls[c].external, strlen(s->calls[c].external) + 1);
      if (t >= 0) h = index__public_facts(x, (uint32_t)t, h);
      /* Constructing a Keras class of another module gives a Keras object. */
      bool keras = t < 0 && index__resolve_in(x, (int)e, &x->keras_classes, s->calls[c].external) >= 0;
      h = index__mix(h, &keras, sizeof keras);
      /* Constructing a class of another module: its per-instance methods. */
      int he = t < 0 ? index__resolve_in(x, (int)e, &x->hybrid_classes, s->calls[c].external) : -1;
      if (he >= 0) h = index__hybrid_methods_facts(x, (uint32_t)he, h);
    }
    h = index__imported_containers(x, (int)e, s, h);
    x->entry_fp[e] = h;
    an_hash_put(&x->facts, &x->by_path, -1, x->entries[e].path, (uint32_t)strlen(x->entries[e].path), (int)e);
  }
}

int an_index_finalize(AnIndex *index) {
  AnIndex *x = index;
  an_arena_free(&x->facts);
  an_arena_init(&x->facts, 16384);
  memset(&x->by_name, 0, sizeof x->by_name);
  memset(&x->modules, 0, sizeof x->modules);
  memset(&x->by_path, 0, sizeof x->by_path);
  memset(&x->containers, 0, sizeof x->containers);
  memset(&x->keras_classes, 0, sizeof x->keras_classes);
  memset(&x->hybrid_methods, 0, sizeof x->hybrid_methods);
  memset(&x->hybrid_classes, 0, sizeof x->hybrid_classes);
  x->hybrid_method_count = 0;
  x->entry_fp = NULL;
  x->node_count = 0;
  x->entry_first = an_arena_alloc(&x->facts, sizeof *x->entry_first * (x->count + 1));
  if (!x->entry_first) return -1;
  for (size_t e = 0; e < x->count; e++) {
    x->entry_first[e] = x->node_count;
    x->node_count += x->entries[e].summary->func_count;
  }
  x->nodes = an_arena_alloc(&x->facts, sizeof *x->nodes * (x->node_count + 1));
  if (!x->nodes) return -1;
  for (size_t e = 0; e < x->count; e++) {
    const AnSummary *s = x->entries[e].summary;
    for (uint32_t f = 0; f < s->func_count; f++) {
      uint32_t g = x->entry_first[e] + f;
      x->nodes[g].entry = (uint32_t)e;
      x->nodes[g].func = f;
      x->nodes[g].pred = -1;
      char *key = an_arena_printf(&x->facts, "%s.%s", s->module, s->funcs[f].qualname);
      if (key) an_hash_put(&x->facts, &x->by_name, -1, key, (uint32_t)strlen(key), (int)g);
    }
  }
  index__register_modules(x);
  index__register_containers(x);
  index__data_roots(x);
  index__bfs(x);
  index__cross(x);
  index__refs(x);
  uint64_t h = 1469598103934665603ull;
  for (uint32_t g = 0; g < x->node_count; g++) h = index__public_facts(x, g, index__incoming_facts(x, g, h));
  x->fingerprint = h;
  index__entry_fingerprints(x);
  x->finalized = !x->facts.failed;
  return x->facts.failed ? -1 : 0;
}

static int index__node(const AnIndex *x, const char *module, const char *qualname) {
  if (!x->finalized || !module) return -1;
  char key[1024];
  int n = index__key(key, sizeof key, module, qualname);
  if (n < 0) return -1;
  return an_hash_get(&x->by_name, -1, key, (uint32_t)n);
}

const char *an_index_external_chain(const AnIndex *index, const char *module, const char *qualname) {
  int g = index__node(index, module, qualname);
  return g >= 0 ? index->nodes[g].chain : NULL;
}

const AnIndexFunction *an_index_external_root(const AnIndex *index, const char *module, const char *qualname) {
  int g = index__node(index, module, qualname);
  if (g < 0 || !index->nodes[g].chain) return NULL;
  /* The BFS predecessors lead back to the root; bounded against cycles. */
  for (uint32_t n = 0; index->nodes[g].pred >= 0 && n < index->node_count; n++) g = index->nodes[g].pred;
  const GNode *r = &index->nodes[g];
  return &index->entries[r->entry].summary->funcs[r->func].pub;
}

AnKind an_index_param_kind(const AnIndex *index, const char *module, const char *qualname, uint32_t param,
                           const char *param_name, uint32_t *count) {
  *count = 0;
  int g = index__node(index, module, qualname);
  if (g < 0) return AN_KIND_UNKNOWN;
  const GNode *n = &index->nodes[g];
  const SumFunc *sf = &index->entries[n->entry].summary->funcs[n->func];
  if (!n->param_kinds) return AN_KIND_UNKNOWN;
  /* `param` counts self; the index's public parameters do not. */
  uint32_t p = param;
  if (sf->first_is_self) {
    if (param == 0) return AN_KIND_UNKNOWN;
    p = param - 1;
  }
  if (p >= sf->pub.param_count || strcmp(sf->pub.param_names[p], param_name) != 0) return AN_KIND_UNKNOWN;
  *count = n->param_seen[p];
  return n->param_kinds[p];
}

uint64_t an_index_module_fingerprint(const AnIndex *index, const char *path) {
  if (!index->finalized || !index->entry_fp) return 0;
  int e = an_hash_get(&index->by_path, -1, path, (uint32_t)strlen(path));
  return e >= 0 ? index->entry_fp[e] : 0;
}

const char *an_index_module_of(const AnIndex *index, const char *path) {
  long at = index->finalized && index->entry_fp ? an_hash_get(&index->by_path, -1, path, (uint32_t)strlen(path))
                                                : index__find(index, path);
  return at >= 0 ? index->entries[at].summary->module : NULL;
}

/* Entry of the importing file `path`, -1 when the index does not hold it. */
static int index__entry_of(const AnIndex *x, const char *path) {
  return path && x->entry_fp ? an_hash_get(&x->by_path, -1, path, (uint32_t)strlen(path)) : -1;
}

const AnIndexFunction *an_index_lookup(const AnIndex *index, const char *from_path, const char *dotted) {
  if (!index || !index->finalized) return NULL;
  int g = index__resolve(index, index__entry_of(index, from_path), dotted);
  if (g < 0) return NULL;
  const GNode *n = &index->nodes[g];
  return &index->entries[n->entry].summary->funcs[n->func].pub;
}

bool an_index_mutable_global(const AnIndex *index, const char *from_path, const char *dotted) {
  return index && index->finalized && dotted &&
         index__resolve_in(index, index__entry_of(index, from_path), &index->containers, dotted) >= 0;
}

const char *an_index_external_data(const AnIndex *index, const char *module, const char *qualname) {
  int g = index__node(index, module, qualname);
  return g >= 0 && index->nodes[g].data_root ? index->nodes[g].chain : NULL;
}

bool an_index_keras_class(const AnIndex *index, const char *from_path, const char *dotted) {
  return index && index->finalized && dotted &&
         index__resolve_in(index, index__entry_of(index, from_path), &index->keras_classes, dotted) >= 0;
}

bool an_index_hybrid_method(const AnIndex *index, const char *from_path, const char *dotted) {
  return index && index->finalized && dotted && index->hybrid_method_count &&
         index__resolve_in(index, index__entry_of(index, from_path), &index->hybrid_methods, dotted) >= 0;
}

bool an_index_has_hybrid_methods(const AnIndex *index) {
  return index && index->finalized && index->hybrid_method_count;
}

bool an_index_used_elsewhere(const AnIndex *index, const char *module, const char *qualname) {
  int g = index__node(index, module, qualname);
  return g < 0 || index->nodes[g].used_elsewhere;
}
