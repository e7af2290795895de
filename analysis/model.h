/* analysis/model — the semantic model of one module (internal).
 *
 * Built in three steps by an_model_build (model.c):
 *   1. collect.c walks the tree once, iteratively, and records definitions
 *      (functions, lambdas, classes), imports, bindings, every call, and the
 *      other constructs rules look at ("sites"), each with its context
 *      (innermost function, loop depth, guards).
 *   2. graph.c resolves calls to functions, finds hybrid functions in every
 *      spelling, and computes graph context (G) with the chain to its root
 *      and AutoGraph context (A); kinds.c answers value-kind questions.
 *   3. The rules (analysis/rules/) read those records and emit findings
 *      (findings.c applies configuration and suppression comments).
 * Everything lives in the model's arena; TSNodes stay valid because the
 * model never outlives the tree it was built from.
 */
#ifndef HYBRIDLS_ANALYSIS_MODEL_H
#define HYBRIDLS_ANALYSIS_MODEL_H

#include "analysis/analysis.h"
#include "analysis/arena.h"
#include "analysis/hash.h"
#include "analysis/syntax.h"

typedef struct AnIndexView AnIndexView;

/* --- names --------------------------------------------------------------- */

/* A module-level binding created by an import: `tf` -> "tensorflow". The
 * target is canonical: tensorflow.compat.v1/v2 -> tensorflow, tensorflow.keras
 * -> keras, def_function.function -> tensorflow.function. */
typedef struct AnImport {
  const char *local;  /* bound name */
  const char *target; /* canonical dotted path */
  TSNode node;
} AnImport;

/* --- functions ----------------------------------------------------------- */

typedef struct AnParam {
  const char *name;
  TSNode node;       /* the parameter node */
  TSNode annotation; /* typed parameters */
  TSNode default_value;
  bool is_self;      /* first parameter of a method (self/cls) */
  bool star, dstar;  /* *args, **kwargs */
  bool kwonly;
  AnKind kind;       /* joined over call sites, annotations, signature */
  bool kind_from_calls;
  bool overridden;   /* a caller passes it (for defaulted parameters) */
  TSNode spec;       /* its input_signature entry (a literal nest of specs), or null */
  /* single-output memo (kinds.c): 0 not yet, 1 computing, 2 yes, 3 no;
   * a no holds for queries from single_depth on (a shallower one has more
   * depth left and may find more). Reset with the other kind memos. */
  uint8_t single_state;
  uint8_t single_depth;
} AnParam;

typedef enum AnRootKind {
  AN_ROOT_NONE = 0,
  AN_ROOT_HYBRID, /* tf.function */
  AN_ROOT_DATA,   /* tf.data transformation callback */
  AN_ROOT_KERAS,  /* Keras call/train_step (lower confidence) */
  AN_ROOT_LOOP,   /* a training library's step (Orbit, Model Garden; lower confidence) */
  AN_ROOT_EXTERNAL, /* reached from another module of the workspace */
} AnRootKind;

/* Parsed arguments of a tf.function decorator or call. */
typedef struct AnTfArgs {
  TSNode call;            /* the tf.function(...) call, or null for a bare decorator */
  /* Value node, or null. When the argument names a module constant
   * (an_module_constant), the constant's value: what TensorFlow reads, and
   * where its entries are written and fixed. */
  TSNode input_signature;
  TSNode signature_ref; /* that name in the call when followed, else null */
  int autograph;          /* -1 absent, 0 False, 1 True */
  int jit_compile;
  int reduce_retracing;
} AnTfArgs;

typedef struct AnFunc {
  TSNode node;  /* function_definition or lambda */
  TSNode outer; /* decorated_definition when decorated, else node */
  TSNode name_node;
  const char *name;     /* "f", "<lambda>" */
  const char *qualname; /* "C.m", "outer.inner" */
  int parent;           /* enclosing function, -1 at module or class level */
  int cls;              /* class whose body defines it directly, -1 */
  uint16_t loop_depth;  /* loops around the definition, within `parent` */
  AnParam *params;
  uint32_t param_count;
  bool is_lambda, is_generator, is_async, do_not_convert;
  /* hybrid */
  AnHybridVia via;
  TSNode hybrid_site;   /* decorator expression or tf.function(...) call */
  AnTfArgs tf;
  bool keras_method;
  /* graph context */
  AnRootKind root;
  int graph_from;       /* caller that put it in G, -1 for a root */
  const char *external_chain; /* for AN_ROOT_EXTERNAL: "mod.f -> mod.g"; for
                                 AN_ROOT_DATA, the mapping function of another
                                 module first when it lives there */
  const char *loop_owner; /* for AN_ROOT_LOOP: the library that traces it */
  bool autograph;
  /* A construct in the function's own body AutoGraph refuses (the `else`
   * of a for/else or while/else; the lambda itself when another lambda on
   * its line has the same parameters), null when none. AutoGraph then
   * gives up and runs the function as-is. */
  TSNode unconvertible;
  /* AutoGraph tries to convert it (on along the chain, no opt-out) and
   * gives up because of `unconvertible`; `autograph` is then false. */
  bool autograph_failed;
  /* the function body's own records: sites and calls are stored in
   * document order, so each function's are contiguous only by filtering;
   * rules iterate the global arrays and look at `func`. */
  uint8_t ret_state; /* return-kind memo: 0 not yet, 1 computing, 2 done */
  AnKind ret_kind;
  uint8_t struct_state; /* returns-a-structure memo (kinds.c), as ret_state */
  bool ret_structure;
  AnKind *scratch_kinds; /* call-site joins while inferring parameters */
  bool *scratch_seen;
} AnFunc;

typedef struct AnClass {
  TSNode node;
  TSNode superclasses; /* argument_list or null */
  const char *name;
  const char *qualname;
  int parent_func; /* enclosing function or -1 */
  bool keras;      /* derives from keras Model/Layer (transitively in this module) */
  /* an_class_ancestors' memo: depends on the syntax only. */
  const int *ancestors;
  uint32_t ancestor_count;
  bool ancestors_built;
} AnClass;

/* Name scopes for the maps: a function index, -1 for the module, or a class
 * body. */
#define AN_SCOPE_MODULE (-1)
#define AN_SCOPE_CLASS(i) (-(i)-2)

/* --- records ------------------------------------------------------------- */

/* Context of a record: where it sits. */
typedef struct AnCtx {
  int func;            /* innermost function or lambda, -1 for module level */
  int cls;             /* innermost class, -1 */
  uint16_t loop_depth; /* loops (for/while/comprehension) inside `func` */
  bool eager_guard;    /* inside `if tf.executing_eagerly():` */
  bool init_scope;     /* inside `with tf.init_scope():` */
} AnCtx;

typedef struct AnCall {
  TSNode node;
  TSNode fn; /* the callee expression (node's `function` field), kept
                because field lookups are costly and many passes need it */
  AnCtx ctx;
  const char *dotted; /* callee as a canonical dotted name, or NULL */
  const char *method; /* for `obj.m(...)`: "m" */
  TSNode object;      /* for `obj.m(...)`: obj */
  int callee;         /* function of this module it calls, -1 */
  bool dotted_known;  /* `dotted` is computed (an_call_dotted) */
  const char *external; /* "module.qualname" of a workspace function, or NULL */
} AnCall;

typedef enum AnSiteKind {
  AN_SITE_ASSIGN,     /* assignment / augmented assignment */
  AN_SITE_IF,         /* if / elif / while condition */
  AN_SITE_ASSERT,
  AN_SITE_FILTER,     /* comprehension `if` clause */
  AN_SITE_COMPARE,    /* comparison_operator */
  AN_SITE_COMP_FOR,   /* comprehension `for ... in X` */
  AN_SITE_FOR,        /* for statement */
  AN_SITE_SPLAT,      /* *x in a call */
  AN_SITE_YIELD,
  AN_SITE_GLOBAL,     /* global / nonlocal statement */
  AN_SITE_RETURN,
  AN_SITE_TRY,        /* try statement */
} AnSiteKind;

typedef struct AnSite {
  AnSiteKind kind;
  TSNode node;
  AnCtx ctx;
} AnSite;

/* A binding of a simple name inside a function (or module): `x = value`. */
typedef struct AnBinding {
  const char *name;
  TSNode value;  /* null for bindings without a usable value */
  int scope;     /* AN_SCOPE_* or a function index */
  uint32_t at;   /* byte offset of the binding */
  bool from_for;    /* loop target: value is the iterable */
  bool from_unpack; /* `a, b = value`: this name is element `pos` of value */
  int16_t pos;      /* position in a tuple target (`for i, x in ...`), -1 */
  uint8_t state; /* kind memo: 0 unknown yet, 1 computing, 2 done */
  AnKind kind;
  int next;      /* previous binding of the same name in the scope, -1 */
  /* For a `for` statement's target: its body's start and the statement's
   * end (0 otherwise), so a use can be placed in the loop without finding
   * the statement again. */
  uint32_t body_start, loop_end;
} AnBinding;

/* `self.attr = value` anywhere in a class's methods. */
typedef struct AnAttrBinding {
  int cls;
  const char *attr;
  TSNode value; /* the assigned value (or the augmented assignment) */
  int func;
  uint8_t state; /* kind memo, as in AnBinding */
  AnKind kind;
  int next; /* previous binding of the same attribute, -1 */
} AnAttrBinding;

/* --- the model ----------------------------------------------------------- */

struct AnModel {
  AnArena arena;
  const AnLang *lang;
  const char *src;
  uint32_t len;
  TSNode root;
  const char *path;
  const char *module; /* dotted module name */
  const char *const *roots; /* of the source, borrowed (an_model_finish names the module again) */
  size_t root_count;
  const AnConfig *cfg;
  const AnIndex *index;
  bool uses_tf;
  /* The module switches TensorFlow to TF1 graph mode
   * (tf.compat.v1.disable_v2_behavior / disable_eager_execution): nothing
   * runs eagerly, and Keras trains with its v1 loop, which never calls
   * train_step/test_step/predict_step. Set by an_graph_build. */
  bool v1_graph_mode;
  AnVec imports;  /* AnImport */
  AnVec funcs;    /* AnFunc */
  AnVec classes;  /* AnClass */
  AnVec calls;    /* AnCall */
  AnVec sites;    /* AnSite */
  AnVec bindings; /* AnBinding */
  AnVec attrs;    /* AnAttrBinding */
  AnHash import_map;   /* (-1, local name) -> import index */
  AnHash binding_map;  /* (scope, name) -> last binding index */
  AnHash attr_map;     /* (class, attribute) -> last attribute binding */
  AnHash func_map;     /* (scope, name) -> function index */
  AnHash class_map;    /* (scope, name) -> class index */
  AnHash module_names; /* (-1, name) -> >= 0 def, -2 class, -3 assignment */
  AnHash global_map;   /* (function, name) -> 1 when declared global/nonlocal */
  /* an_module_constant's scan of the module, memoized (it depends on the
   * syntax only): (-1, name) -> index into const_info, for each name a
   * module statement `NAME = value` binds, with how the module uses it. */
  AnHash const_uses;
  struct AnConstInfo *const_info;
  bool const_scanned; /* both are filled, for every name at once */
  AnVec findings; /* AnFinding */
  AnVec comments; /* TSNode of every comment (for suppressions) */
  uint32_t *call_offsets; /* calls of function f: call_order[call_offsets[f] .. [f+1]) */
  uint32_t *call_order;
  uint32_t *site_offsets; /* sites of function f, the same way */
  uint32_t *site_order;
  uint32_t *callee_offsets; /* calls OF function f, the same way (rules/common.c, on demand) */
  uint32_t *callee_order;
  AnFunctionInfo *infos;
  uint32_t info_count;
  bool infos_built;
  /* Scratch of the facts' transitive scans (facts.c): the functions one
   * scan reached, and a mark per function, cleared after each scan. */
  int *reach_list;
  uint8_t *reach_seen;
  /* an_chain_memo's answers, one array per AN_CHAIN_* question, by the
   * index of a chain's first binding. */
  int32_t *chain_memo[3];
  /* Per-version caches of the editor features (computed on first request). */
  const AnSpan *spans;
  uint32_t span_count;
  bool spans_built;
  const AnEdit *fix_all;
  uint32_t fix_all_count;
  bool fix_all_built;
  /* Where a fix inserts `import sys` (trace_effects.c): every print fix of
   * a module asks, and finding it scans the top-level statements. */
  uint32_t import_anchor;
  bool import_anchor_known;
  /* The root's children in document order (rules/common.c): ts_node_parent
   * scans them from the first on every call, a binary search does not.
   * Depends on the tree only, so an_graph_reset keeps it. */
  const TSNode *top_nodes;
  uint32_t top_count;
  bool top_built;
  /* What HY101-HY103 share about calls of tf.functions (rules/retrace.c),
   * NULL until asked. */
  struct AnRetraceCache *retrace;
  /* Which calls and assignments use each name (rules/lazy_vars.c, HY402
   * and HY403), NULL until asked. */
  struct AnLazyUses *lazy_uses;
  /* Per class, scratch marks of an_class_ancestors (all clear between
   * calls), NULL until asked. */
  bool *class_marks;
  /* Per class, an_class_search's scratch: 1 + the depth it was last
   * visited at, 0 when not visited (all 0 between searches), and the
   * classes it marked. NULL until asked. */
  uint8_t *class_depth;
  int *class_touched;
  bool class_searching;
};

#define AN_FUNC(m, i) (&AN_VEC_AT((m)->funcs, AnFunc, (i)))
#define AN_CLASS(m, i) (&AN_VEC_AT((m)->classes, AnClass, (i)))

/* collect.c */
int an_collect(AnModel *m);

/* names.c */
/* Canonical dotted name of an expression through the module's imports, or
 * NULL (also when the head name is rebound locally in `func`). */
const char *an_dotted(AnModel *m, TSNode expr, int func);
/* Canonicalises a dotted path (tensorflow.compat.v2.x -> tensorflow.x, ...). */
const char *an_canonical(AnArena *a, const char *dotted, size_t len);
/* True when `name` is bound in function `func` (parameter or local
 * assignment) or rebound at module level, so a builtin of that name is
 * shadowed. */
bool an_name_shadowed(AnModel *m, const char *name, int func);
/* True when `name` is (re)bound at module level by a def, class or
 * assignment. */
bool an_name_shadowed_by_assignment(AnModel *m, const char *name);
/* The binding (AnBinding index) a name refers to from `func` when the
 * nearest scope that binds it (its own, the enclosing functions', the
 * module's) binds it exactly once, with its scope in *scope; -1 when that
 * scope binds it several times, as a parameter or by a def, or none does. */
int an_single_binding(AnModel *m, TSNode id, int func, int *scope);
/* The value the one binding of `id` (an_single_binding) assigns, when it
 * is a plain `name = value`: not a for target nor an unpacked element.
 * Null otherwise; *scope gets the binding's scope. */
TSNode an_single_value(AnModel *m, TSNode id, int func, int *scope);
/* Dotted module name of a path relative to the best matching root. */
const char *an_module_name(AnArena *a, const char *path, const char *const *roots, size_t nroots);
/* True for a package's __init__.py(i): its module name is the package. */
bool an_path_is_init(const char *path);
/* True when `dotted` starts with `prefix` followed by '.' or the end. */
bool an_dotted_has_prefix(const char *dotted, const char *prefix);

/* graph.c */
int an_graph_build(AnModel *m);
/* `strategy.run(fn, args=...)` and its older spellings: fn is traced
 * into the enclosing graph on every such call, once per replica (graph.c). */
bool an_call_runs_replicas(AnModel *m, const AnCall *c);
/* Position of the callback argument of a tf.data transformation method
 * (`map`, `filter`, ... 0; `reduce`, `scan` 1), -1 for other methods. */
int an_data_callback_arg(const char *method);
/* The next superclass of class `cls` from position *at on that is a class
 * of this module other than `cls`; -1 after the last. Start with *at = 0. */
int an_class_next_base(AnModel *m, int cls, uint32_t *at);
/* The classes of this module that class `cls` derives from, directly or
 * through others, each once and never `cls` itself, in the depth-first
 * order of the base lists, at most AN_MAX_ANCESTORS of them up to
 * AN_MAX_CLASS_DEPTH levels up. A walk per path would be exponential
 * where bases are shared, repeated or cyclic (the parser accepts
 * `class A(B, B)` and cycles), so this is the walk to use. Memoised on
 * the class; borrowed, valid for the model's life. NULL with *count 0 when
 * there are none or memory ran out. */
#define AN_MAX_ANCESTORS 64
#define AN_MAX_CLASS_DEPTH 8
const int *an_class_ancestors(AnModel *m, int cls, uint32_t *count);
/* What an_class_search's visitor says of a class: look further up its
 * bases, do not look at its bases, or stop here. */
typedef enum AnClassStep { AN_CLASS_GO, AN_CLASS_PRUNE, AN_CLASS_FOUND } AnClassStep;
typedef struct AnClassSearch {
  /* Classes up to this many levels above the start (0) are visited; at
   * most AN_MAX_SEARCH_DEPTH. */
  int max_depth;
  /* A base above max_depth counts as found (for the walks that give up at
   * the limit, and for "every class..." questions asked as "is there one
   * that fails"). */
  bool overflow_found;
  AnClassStep (*visit)(AnModel *m, int cls, void *ctx);
  /* The bases to follow, as an_class_next_base (NULL: that one). */
  int (*next)(AnModel *m, int cls, uint32_t *at, void *ctx);
  void *ctx;
} AnClassSearch;
#define AN_MAX_SEARCH_DEPTH 31
#define AN_CLASS_OVERFLOW (-2)
/* Depth-first search over the bases of `cls` (itself first, at depth 0)
 * that answers what the plain recursion `visit(c, d) || any base b:
 * search(b, d + 1)` bounded by max_depth answers, in the same order, but
 * visits each class at most once per depth instead of once per path: a
 * class reached again no deeper than before (deeper, when overflow_found)
 * has nothing new to show. That recursion is exponential on a lattice of
 * classes or repeated bases (`class B(A, A, A)`); this is linear in the
 * base lists times the depth. Returns the class the visitor stopped at,
 * AN_CLASS_OVERFLOW when overflow_found and a base lies above max_depth,
 * else -1 (also when memory ran out). On cyclic hierarchies (which Python
 * rejects) a search for the first match may stop at another class than
 * the recursion would; yes/no answers are the same. Not reentrant: a
 * visitor must not start another search. */
int an_class_search(AnModel *m, int cls, const AnClassSearch *s);
/* The class of this module a value constructs (`Trainer(...)`), else -1. */
int an_constructed_class(AnModel *m, TSNode value);
/* The answer of `compute` for the chain of bindings that starts at binding
 * `b`, computed once per chain and question: a function rebinding one name
 * n times and using it n times would otherwise walk the chain n times.
 * `which` names the question (the class all the bindings construct, as the
 * graph, HY108 and HY308 each define it); compute returns -1 or more. */
enum { AN_CHAIN_GRAPH_CLASS, AN_CHAIN_INSTANCE_CLASS, AN_CHAIN_KERAS_CLASS };
int an_chain_memo(AnModel *m, int which, int b, int (*compute)(AnModel *m, int b));
/* Forgets everything an_graph_build, the kinds, the rules and the editor
 * features derived, leaving the records of the walk as an_collect made them
 * (with the callee names an_call_dotted found, which depend on them only). */
void an_graph_reset(AnModel *m);
/* The `call` method that calling `obj(...)` runs (Keras __call__ runs
 * `call`) when obj holds an instance of a module class: `self`, a name
 * bound only to `Cls(...)`, or `Cls(...)` itself; -1 otherwise. */
int an_instance_call_method(AnModel *m, TSNode obj, int func);
/* The method calling `obj(...)` runs when obj holds an instance of a
 * module class (as an_instance_call_method finds it, class in *cls, -1
 * when none): the `__call__` def of the class or a base of this module,
 * or for a Keras Layer/Model without one (Keras' own __call__ runs) its
 * `call`; -1 otherwise. */
int an_instance_invoked_method(AnModel *m, TSNode obj, int func, int *cls);
/* The function a callee expression refers to from context `func`, -1.
 * A name bound to an instance resolves to its class's own __call__. */
int an_resolve_function(AnModel *m, TSNode callee, int func);
/* True when a call of `f` through `callee` supplies `self` itself, so the
 * first argument binds the second parameter: `obj.m(x)`, and `obj(x)`
 * running __call__ or, through Keras' __call__, a Keras class's `call`. */
bool an_callee_binds_self(AnModel *m, TSNode callee, const AnFunc *f);
/* True when a function runs in graph mode. */
static inline bool an_in_graph(const AnModel *m, int func) {
  return func >= 0 && AN_VEC_AT(m->funcs, AnFunc, func).root != AN_ROOT_NONE;
}
/* Names from the root to `func` joined with " -> ". */
const char *an_graph_chain_text(AnModel *m, int func);
/* The root function of func's chain (itself for roots). */
int an_graph_root(const AnModel *m, int func);
/* Iterates the calls (AnCall *) / sites (AnSite *) recorded directly in
 * function `f` (>= 0), in document order. Empty before the graph is built. */
#define AN_FOR_CALLS_OF(m, f, var)                                                                     \
  for (uint32_t var##_k = (m)->call_offsets ? (m)->call_offsets[(f)] : 0,                               \
                var##_e = (m)->call_offsets ? (m)->call_offsets[(f) + 1] : 0;                           \
       var##_k < var##_e; var##_k++)                                                                   \
    for (AnCall *var = &AN_VEC_AT((m)->calls, AnCall, (m)->call_order[var##_k]); var; var = NULL)
#define AN_FOR_SITES_OF(m, f, var)                                                                     \
  for (uint32_t var##_k = (m)->site_offsets ? (m)->site_offsets[(f)] : 0,                               \
                var##_e = (m)->site_offsets ? (m)->site_offsets[(f) + 1] : 0;                           \
       var##_k < var##_e; var##_k++)                                                                   \
    for (AnSite *var = &AN_VEC_AT((m)->sites, AnSite, (m)->site_order[var##_k]); var; var = NULL)

/* Innermost enclosing function of a node by byte range, -1. */
int an_func_at(const AnModel *m, TSNode node);
/* The record an_collect made of call node `call` (every call outside
 * strings has one), by binary search over the calls in document order;
 * NULL for any other node. A record keeps the callee tree-sitter would
 * otherwise look up again at hundreds of instructions a field. */
AnCall *an_call_record(const AnModel *m, TSNode call);
/* The callee expression of call node `call` (its `function` field). */
TSNode an_call_function(const AnModel *m, TSNode call);
/* an_dotted(m, c->fn, c->ctx.func), memoised on the call. It depends on
 * the walk's records only, so an_graph_reset keeps it. */
const char *an_call_dotted(AnModel *m, AnCall *c);

/* refactor.c */
/* The entries of a literal input_signature list/tuple (at most `cap` into
 * out), or -1 when it is not a literal or is unpacked. */
int an_signature_entries(AnModel *m, TSNode sig, TSNode *out, int cap);

/* kinds.c */
AnKind an_kind_of(AnModel *m, TSNode expr, int func);
/* True when the receiver of method call `i` (index into m->calls) is a
 * tf.data dataset: of dataset kind, or proved one by a tf.data-only call
 * (`x.map(f, num_parallel_calls=...)`, `x.map(f).padded_batch(8)`). */
bool an_data_receiver(AnModel *m, uint32_t i);
AnKind an_kind_join(AnKind a, AnKind b);
/* True when `callee` names a namedtuple type: a module-level name bound to
 * collections.namedtuple(...) / typing.NamedTuple(...), or a module class
 * deriving from typing.NamedTuple. */
bool an_namedtuple_type(AnModel *m, TSNode callee, int func);
/* The last `self.<attr> = ...` binding (AnAttrBinding index) of the class
 * whose method encloses `func`, -1 when none; `attr` is the attribute's
 * name node. */
int an_self_attr_binding(AnModel *m, TSNode attr, int func);
static inline bool an_kind_is_tensor(AnKind k) { return k == AN_KIND_TENSOR || k == AN_KIND_VARIABLE; }
/* Kind of the value a TensorFlow / NumPy / builtin API returns, by canonical
 * dotted name. */
AnKind an_api_kind(const char *dotted);
void an_params_infer(AnModel *m);
/* True for a list, dict or set display or comprehension, or a call of
 * list/dict/set or a collections container type: a value Python code can
 * mutate in place. */
bool an_mutable_container(AnModel *m, TSNode value, int func);
/* Forgets memoised binding kinds (after parameter kinds changed). */
void an_kinds_reset(AnModel *m);
/* The kind every call of function `f` returns, when the kinds of its
 * return values agree and no path falls off its end (a coroutine,
 * generator or lambda: unknown). Reads the parameter kinds as they are. */
AnKind an_certain_return_kind(AnModel *m, int f);
/* True when function `f` may return a tuple, list, dict or other object
 * (memoised). */
bool an_returns_structure(AnModel *m, int f);

/* rules/keras_endpoints.c */
/* True when class `cls` (or a base of this module) defines or assigns a
 * Keras endpoint (fit, predict, adapt, ...) itself. */
bool an_keras_defines_endpoint(AnModel *m, int cls);

/* rules/instances.c */
/* True when tf.function method `f` (a def of class `cls` or a base of
 * this module) is what attribute `f->name` of an instance of `cls` runs,
 * one Function per instance: decorated, taking self, and not hidden by an
 * instance attribute or a nearer def. */
bool an_per_instance_method(AnModel *m, int cls, int f);

/* findings.c */
/* Emits a finding for `rule` over [start, end) in context `func`; returns it
 * (to attach related information and fixes) or NULL when the rule is off. */
AnFinding *an_emit(AnModel *m, AnRuleId rule, uint32_t start, uint32_t end, int func,
                   const char *fmt, ...) __attribute__((format(printf, 6, 7)));
AnFinding *an_emit_node(AnModel *m, AnRuleId rule, TSNode node, int func, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void an_finding_related(AnModel *m, AnFinding *f, TSNode node, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void an_finding_related_ext(AnModel *m, AnFinding *f, const char *path, uint32_t start,
                            uint32_t end, uint32_t line, uint32_t column, const char *message);
/* Adds the chain that puts `func` in graph mode as related information. */
void an_finding_related_chain(AnModel *m, AnFinding *f, int func);
/* Adds a fix with one or more edits (text copied). */
AnFix *an_finding_fix(AnModel *m, AnFinding *f, const char *title, bool safe);
void an_fix_edit(AnModel *m, AnFix *fix, uint32_t start, uint32_t end, const char *text);
void an_findings_finish(AnModel *m);
bool an_rule_enabled(const AnModel *m, AnRuleId rule);

/* rules: each registers one function run after the model is built. */
typedef void (*AnRuleFn)(AnModel *m);
void an_rules_run(AnModel *m);

/* index.c (read side used by graph.c and kinds.c) */
/* Graph chain text of `module.qualname` through other modules, or NULL. */
const char *an_index_external_chain(const AnIndex *index, const char *module, const char *qualname);
/* For a function another module passes to a tf.data transformation of a
 * dataset: the chain from the function that maps it ("train.pipeline ->
 * prep.parse"), else NULL. */
const char *an_index_external_data(const AnIndex *index, const char *module, const char *qualname);
/* True when a canonical dotted name used in file `from_path` names a class
 * of another workspace module that derives from a Keras Model or Layer,
 * whose Keras endpoints are Keras' own and whose `call` returns one value. */
bool an_index_keras_class(const AnIndex *index, const char *from_path, const char *dotted);
/* True when a canonical dotted name used in file `from_path`,
 * "module.Class.method", names a tf.function method that instances of a
 * class of another workspace module keep one per instance (HY108). */
bool an_index_hybrid_method(const AnIndex *index, const char *from_path, const char *dotted);
/* True when some module of the index has such a method. */
bool an_index_has_hybrid_methods(const AnIndex *index);
/* For a function entered from another module, the function of the workspace
 * at the start of that chain (the tf.function, tf.data callback or Keras
 * step that runs it as a graph), or NULL. Borrowed like an_index_lookup. */
const AnIndexFunction *an_index_external_root(const AnIndex *index, const char *module, const char *qualname);
/* Joined kind of parameter `param` of `module.qualname` over call sites in
 * OTHER modules; AN_KIND_UNKNOWN with *count 0 when there are none. */
AnKind an_index_param_kind(const AnIndex *index, const char *module, const char *qualname,
                           uint32_t param, const char *param_name, uint32_t *count);
/* True when another module of the workspace calls `module.qualname`, imports
 * it (or its class, or its module by star import) by name, or imports its
 * module while it is a method; also when the index does not know it. */
bool an_index_used_elsewhere(const AnIndex *index, const char *module, const char *qualname);
/* True when a canonical dotted name (`metrics_state.HISTORY`) is a
 * module-level name of a workspace module that only ever holds a mutable
 * Python container (a list, dict or set display, comprehension or
 * constructor). `from_path` is the file naming it, whose place decides
 * which of same-named modules an import loads (NULL: unknown). */
bool an_index_mutable_global(const AnIndex *index, const char *from_path, const char *dotted);
/* Module name the index assigned to `path`, or NULL. */
const char *an_index_module_of(const AnIndex *index, const char *path);
/* Roots of the index. */
const char *const *an_index_roots(const AnIndex *index, size_t *count);
/* The workspace function a canonical dotted name (`helpers.scale`) in file
 * `from_path` refers to, or NULL. */
const AnIndexFunction *an_index_lookup(const AnIndex *index, const char *from_path, const char *dotted);

#endif
