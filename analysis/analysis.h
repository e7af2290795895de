/* analysis/ — the public API: pure functions over tree-sitter trees.
 *
 * This is the only header that server/ (and tests) include from analysis/.
 * analysis/ does no I/O and includes neither jansson, libuv nor anything of
 * server/ or protocol/ (`make check-deps` enforces it).
 *
 * Ownership: every object returned by an `_new`/`_build` function is owned by
 * the caller and released with its `_free`. Everything reachable from an
 * AnModel (findings, messages, function facts, hover text) lives in the
 * model's arena and is borrowed until an_model_free().
 *
 * Threads: AnLang and a finalized AnIndex are immutable and may be read from
 * any number of threads at once. An AnModel or AnSummary is built and read by
 * one thread; a finished AnSummary may be handed to another thread.
 *
 * Positions are byte offsets into the UTF-8 source unless a field says
 * otherwise; lines and columns reported to users are computed by the caller.
 */
#ifndef HYBRIDLS_ANALYSIS_ANALYSIS_H
#define HYBRIDLS_ANALYSIS_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tree_sitter/api.h>

/* ---------------------------------------------------------------------------
 * Allocation seam. Defaults to malloc/realloc/free. Tests install counting or
 * failing allocators; analysis/ propagates NULL on failure.
 */
typedef void *(*AnMallocFn)(size_t);
typedef void *(*AnReallocFn)(void *, size_t);
typedef void (*AnFreeFn)(void *);
void an_set_allocator(AnMallocFn m, AnReallocFn r, AnFreeFn f);

/* ---------------------------------------------------------------------------
 * Severities use LSP's numbering so the server passes them through.
 */
typedef enum AnSeverity {
  AN_SEV_OFF = 0,
  AN_SEV_ERROR = 1,
  AN_SEV_WARNING = 2,
  AN_SEV_INFO = 3,
  AN_SEV_HINT = 4,
} AnSeverity;

/* "error", "warning", "info", "hint", "off". */
const char *an_severity_name(AnSeverity sev);
/* Parses the names above; returns -1 for anything else. */
int an_severity_parse(const char *name);

/* ---------------------------------------------------------------------------
 * Rules. The table is analysis/rules.def; explanations are analysis/docs/HYnnn.md.
 */
typedef enum AnRuleId {
#define AN_RULE(code, ident, name, category, severity, summary) AN_RULE_##ident,
#include "analysis/rules.def"
#undef AN_RULE
  AN_RULE_COUNT
} AnRuleId;

typedef struct AnRuleInfo {
  const char *code;     /* "HY201" */
  const char *name;     /* "print-at-trace-time" */
  const char *category; /* study taxonomy: "Performance", "Incompatibility", ... */
  AnSeverity default_severity;
  const char *summary; /* one line */
  const char *doc;     /* Markdown explanation; never NULL */
} AnRuleInfo;

/* Borrowed pointer into a static table; NULL when id is out of range. */
const AnRuleInfo *an_rule_info(AnRuleId id);
/* Finds a rule by code ("HY201", case-insensitive) or name; -1 if none. */
int an_rule_lookup(const char *code_or_name);

/* ---------------------------------------------------------------------------
 * Language: the Python grammar plus the symbol and field ids the analysis
 * needs, looked up once so hot loops compare integers, never strings.
 */
typedef struct AnLang AnLang;

/* Checks the grammar's ABI against the runtime and resolves every symbol the
 * analysis uses. On failure returns NULL and writes a one-line reason into
 * err (which may be NULL). New object; free with an_lang_free(). */
AnLang *an_lang_new(const TSLanguage *python, char *err, size_t err_size);
void an_lang_free(AnLang *lang);
const TSLanguage *an_lang_language(const AnLang *lang);

/* ---------------------------------------------------------------------------
 * Configuration view: the effective severity of every rule (AN_SEV_OFF
 * disables it) and the Keras graph-mode assumption. The server and `check`
 * fill it from pyproject.toml, editor settings and the command line.
 */
typedef struct AnConfig {
  AnSeverity severity[AN_RULE_COUNT];
  bool keras_graph_mode; /* Keras call/train_step count as graph code */
} AnConfig;

/* Every rule at its default severity, keras_graph_mode on. */
void an_config_init(AnConfig *cfg);

/* ---------------------------------------------------------------------------
 * Source: one Python module as the analysis sees it. All pointers borrowed.
 */
typedef struct AnSource {
  const AnLang *lang;
  const char *text; /* UTF-8 bytes, not necessarily NUL-terminated */
  uint32_t length;
  const TSTree *tree; /* a parse of exactly `text` */
  const char *path;   /* file path or URI path, for messages and the index */
  /* Workspace roots, used to name the module (`pkg/mod.py` under a root is
   * `pkg.mod`) for relative imports and cross-file facts. Optional. */
  const char *const *roots;
  size_t root_count;
} AnSource;

/* ---------------------------------------------------------------------------
 * Workspace index: immutable per-file summaries (definitions, hybrid wrappers,
 * call sites with argument kinds, imports) and the cross-file facts derived
 * from them (graph-mode reachability, call sites of each function).
 */
typedef struct AnSummary AnSummary;
typedef struct AnIndex AnIndex;
typedef struct AnModel AnModel;

/* Summarises one module. Safe to call on a worker thread. New object, or NULL
 * when out of memory. */
AnSummary *an_summary_build(const AnSource *src);
/* The same in two steps, for callers that analyse the module afterwards
 * (`check`): the model a summary is extracted from (built without index or
 * rules; NULL when out of memory), and its summary. The model can then be
 * completed with an_model_finish() instead of being built again. */
AnModel *an_model_build_for_summary(const AnSource *src);
AnSummary *an_summary_from_model(AnModel *model); /* may memoise value kinds in it */
/* Bytes the summary occupies (for memory figures). */
size_t an_summary_size(const AnSummary *summary);
void an_summary_free(AnSummary *summary);

/* New empty index over the given workspace roots (used to derive module names
 * from paths; may be empty, then paths are used relative to their directory). */
AnIndex *an_index_new(const char *const *roots, size_t root_count);
void an_index_free(AnIndex *index);
/* Adds or replaces the summary of `path`; takes ownership of `summary`.
 * Returns 0, or -1 when out of memory (summary is then freed). */
int an_index_put(AnIndex *index, const char *path, AnSummary *summary);
/* Forgets `path`; no-op when unknown. */
void an_index_remove(AnIndex *index, const char *path);
/* Recomputes cross-file facts after puts/removes. Until the next put or
 * remove the index is immutable and thread-safe for readers. Returns 0 or -1
 * on allocation failure. */
int an_index_finalize(AnIndex *index);
/* Number of summaries. */
size_t an_index_size(const AnIndex *index);
/* A number that changes whenever finalize computed different cross-file
 * facts (graph-mode set or call-site kinds); the server republishes other
 * open documents when it moves. */
uint64_t an_index_fingerprint(const AnIndex *index);
/* The part of the fingerprint a module's own analysis depends on: the facts
 * other modules contribute to it (chains into its functions, the kinds its
 * parameters receive) and the facts of the workspace functions it calls.
 * The server re-analyses an open document only when this moves. 0 for a
 * path the index does not hold. */
uint64_t an_index_module_fingerprint(const AnIndex *index, const char *path);

/* Value kinds (kinds.c); also in index summaries. */
typedef enum AnKind {
  AN_KIND_UNKNOWN = 0,
  AN_KIND_TENSOR,
  AN_KIND_VARIABLE,
  AN_KIND_DATASET,
  AN_KIND_PY_SCALAR,
  AN_KIND_PY_STR,
  AN_KIND_PY_CONTAINER,
  AN_KIND_NUMPY,
  AN_KIND_KERAS,
  AN_KIND_MIXED,
  AN_KIND_COUNT
} AnKind;

/* A hybrid function of the workspace as seen from a call site in another
 * module. Borrowed from the index until its next put/remove. */
typedef struct AnIndexFunction {
  const char *path;     /* file that defines it */
  const char *module;
  const char *qualname;
  uint32_t line, column; /* 0-based, of the name */
  uint32_t start, end;   /* bytes of the name */
  bool hybrid;
  bool has_input_signature;
  uint32_t param_count;
  const char *const *param_names; /* self excluded */
  AnKind ret_kind; /* what every call returns, when certain (an_certain_return_kind) */
} AnIndexFunction;

/* ---------------------------------------------------------------------------
 * Findings.
 */
typedef struct AnEdit {
  uint32_t start, end; /* bytes replaced in this file */
  const char *text;    /* replacement, NUL-terminated */
} AnEdit;

typedef struct AnFix {
  const char *title;
  bool safe; /* applied by fix-all and `check --fix` */
  const AnEdit *edits;
  uint32_t edit_count;
} AnFix;

typedef struct AnRelated {
  const char *path;    /* NULL: this file */
  uint32_t start, end; /* bytes, in `path` (or this file) */
  uint32_t line;       /* 0-based line of start */
  uint32_t column;     /* 0-based byte column of start */
  const char *message;
} AnRelated;

enum { AN_TAG_UNNECESSARY = 1, AN_TAG_DEPRECATED = 2 };

typedef struct AnFinding {
  AnRuleId rule;
  AnSeverity severity;
  uint32_t start, end; /* bytes */
  const char *message;
  const AnRelated *related;
  uint32_t related_count;
  const AnFix *fixes;
  uint32_t fix_count;
  unsigned tags; /* AN_TAG_* bits */
} AnFinding;

/* ---------------------------------------------------------------------------
 * Model: the analysis of one version of one module. Everything the editor
 * features need (findings, per-function facts, hovers) is read from it, so
 * nothing is computed twice for one version.
 */
typedef struct AnModel AnModel;

/* Analyses `src` under `cfg`, reading cross-file facts from `index` (which
 * may be NULL). Returns NULL only when out of memory. New object. */
AnModel *an_model_build(const AnSource *src, const AnConfig *cfg, const AnIndex *index);
/* Turns a model from an_model_build_for_summary() into the one
 * an_model_build(src, cfg, index) returns for the same source, reusing what
 * the walk over the tree collected (the tree must still be alive). Returns
 * 0, or -1 when out of memory (the model must then only be freed). */
int an_model_finish(AnModel *model, const AnConfig *cfg, const AnIndex *index);
void an_model_free(AnModel *model);

/* Findings sorted by start byte, suppressions and configuration applied.
 * Borrowed until an_model_free(). */
const AnFinding *an_model_findings(const AnModel *model, uint32_t *count);

/* True when the module imports TensorFlow (or Keras) at all. */
bool an_model_uses_tensorflow(const AnModel *model);

/* --- reuse of findings across edits (inert.c, finding_set.c) -------------- */

/* True when replacing bytes [start, end) of `text` (parsed as `tree`), or
 * bytes that replaced them, cannot change any finding of the module: the
 * span lies after the `#` of a comment that stands alone on its line and
 * mentions no suppression ("hybridls", "noqa"), or inside the contents of a
 * plain string statement (a docstring) that has its lines to itself. Check
 * the old text before an edit and the new text after it. On success
 * *node_start and *node_end (either may be NULL) are the bytes of the
 * comment or of the docstring's statement. */
bool an_inert_span(const AnLang *lang, const TSTree *tree, const char *text, uint32_t len, uint32_t start,
                   uint32_t end, uint32_t *node_start, uint32_t *node_end);

/* A copy of a module's findings that outlives the model, and moves with the
 * text. */
typedef struct AnFindingSet AnFindingSet;

/* Deep copy of `count` findings (messages, related locations, fixes). NULL
 * only when out of memory. */
AnFindingSet *an_finding_set_new(const AnFinding *findings, uint32_t count);
void an_finding_set_free(AnFindingSet *set);
const AnFinding *an_finding_set_items(const AnFindingSet *set, uint32_t *count);

/* The findings of `set` after bytes [pre, old_end) of its text became
 * [pre, new_end) in a change that an_inert_span() allowed, which added
 * `rows` lines (negative: removed). Returns a new set, or NULL (also when
 * out of memory) when a range, related location or fix edit of this file
 * starts or ends strictly inside [pre, old_end), or touches
 * [guard_start, guard_end] of the new text: pass the lines of the change,
 * because a fix that moves those lines would carry their old text, and
 * because a location after the change keeps its column only on a later
 * line; also when lines were added or removed and a message cites a line
 * number. */
AnFindingSet *an_finding_set_moved(const AnFindingSet *set, uint32_t pre, uint32_t old_end, uint32_t new_end,
                                   int32_t rows, uint32_t guard_start, uint32_t guard_end);

/* --- per-function facts (`hybridls inspect`, hovers, refactorings) --- */
/* "tensor", "variable", "dataset", "python_scalar", "python_str",
 * "python_container", "numpy", "keras", "mixed", "unknown". */
const char *an_kind_name(AnKind kind);

typedef enum AnTri { AN_NULL = -1, AN_FALSE = 0, AN_TRUE = 1 } AnTri;

typedef enum AnHybridVia {
  AN_VIA_NONE = 0,
  AN_VIA_DECORATOR,
  AN_VIA_CALL,
  AN_VIA_KERAS,
} AnHybridVia;

typedef struct AnParamInfo {
  const char *name;
  AnKind kind;
} AnParamInfo;

/* The hybridization refactorings (hybridize, de-hybridize, add or repair an
 * input_signature) and why one is not offered. */
typedef enum AnRefactorAction {
  AN_REFACTOR_NONE = 0,
  AN_REFACTOR_HYBRIDIZE,
  AN_REFACTOR_DEHYBRIDIZE,
  AN_REFACTOR_ADD_SIGNATURE,
  AN_REFACTOR_REPAIR_SIGNATURE,
} AnRefactorAction;

/* "hybridize", "dehybridize", "add_input_signature",
 * "repair_input_signature", "none". */
const char *an_refactor_name(AnRefactorAction action);

typedef struct AnRefactoring {
  AnRefactorAction action; /* the action offered, or NONE */
  /* kebab-case names of failed preconditions ("has-python-side-effects",
   * "no-tensor-parameter", "has-primitive-parameter", "is-recursive",
   * "no-tensor-computation", "has-eager-only-calls",
   * "numpy-call-on-parameter", "tensor-parameter-iteration",
   * "only-called-from-graph", "undeterminable"), each with a sentence. */
  const char *const *failed_preconditions;
  const char *const *failed_reasons;
  uint32_t failed_count;
  const char *input_signature; /* inferred signature as Python source, or NULL */
} AnRefactoring;

typedef struct AnEagerCall {
  uint32_t line; /* 1-based */
  const char *text;
} AnEagerCall;

typedef struct AnFunctionInfo {
  const char *name; /* qualified: f, C.m, outer.inner */
  uint32_t line, end_line; /* 1-based, of the def (decorators excluded) */
  uint32_t start, end;     /* bytes of the whole definition incl. decorators */
  uint32_t name_start, name_end;
  bool hybrid;
  AnHybridVia hybrid_via;
  bool graph_mode;
  const char *const *graph_chain; /* root first, this function last */
  uint32_t graph_chain_len;
  bool autograph;
  const AnParamInfo *params;
  uint32_t param_count;
  AnTri has_tensor_parameter;
  AnTri has_primitive_parameter;
  AnTri has_python_side_effects;
  AnTri has_tensor_computation;
  AnTri is_recursive;
  const AnEagerCall *eager_only_calls;
  uint32_t eager_only_call_count;
  AnRefactoring refactoring;
} AnFunctionInfo;

/* Functions in source order. Borrowed until an_model_free(). */
const AnFunctionInfo *an_model_functions(const AnModel *model, uint32_t *count);

/* --- hovers ---------------------------------------------------------------- */

typedef enum AnHoverFormat { AN_HOVER_MARKDOWN = 0, AN_HOVER_PLAINTEXT = 1 } AnHoverFormat;

/* What hybridls can say about the code at byte `offset`: on a function name
 * or its tf.function decorator, graph or eager and why, AutoGraph, the
 * signature or the call sites and their traces, what runs only while
 * tracing; on a statement or expression in graph code, the graph semantics
 * of that construct (rules.md 2.8); on a call of a hybrid function, the
 * argument kinds and whether it retraces; on a finding's range or a
 * suppression comment, the rule's explanation. Returns NULL when there is
 * nothing to say; otherwise text borrowed until an_model_free(), and the
 * hovered byte range in start and end. */
const char *an_model_hover(const AnModel *model, uint32_t offset, AnHoverFormat format, uint32_t *start,
                           uint32_t *end);

/* --- code actions ----------------------------------------------------------- */

typedef enum AnActionKind {
  AN_ACTION_QUICKFIX = 0,        /* LSP "quickfix" */
  AN_ACTION_REFACTOR_REWRITE,    /* LSP "refactor.rewrite" */
} AnActionKind;

typedef struct AnAction {
  const char *title;
  AnActionKind kind;
  AnRefactorAction refactoring; /* for refactor.rewrite actions */
  const AnFinding *finding;     /* the finding a quick fix resolves, or NULL */
  bool safe;                    /* part of fix-all */
  bool preferred;
  const AnEdit *edits;          /* non-overlapping, sorted by start */
  uint32_t edit_count;
} AnAction;

/* Actions for the byte range [start, end): each fix of every finding that
 * overlaps it, a fix adding the suppression comment for each such finding,
 * and the refactorings offered for the function containing `start`.
 * Borrowed until an_model_free(). */
const AnAction *an_model_actions(const AnModel *model, uint32_t start, uint32_t end, uint32_t *count);

/* Every safe fix of the module, as one set of non-overlapping edits sorted by
 * start (when two safe fixes overlap, the earlier finding's wins and the
 * other waits for the next run). Exactly what `source.fixAll.hybridls` and
 * `hybridls check --fix` apply. Borrowed until an_model_free(). */
const AnEdit *an_model_fix_all(const AnModel *model, uint32_t *count);

/* --- graph-mode visibility ---------------------------------------------------- */

typedef enum AnSpanKind {
  AN_SPAN_FUNCTION = 0, /* the name in the def of a function that runs as a graph */
  AN_SPAN_CALL,         /* the callee name of a call that runs as a graph */
} AnSpanKind;

typedef struct AnSpan {
  uint32_t start, end; /* bytes */
  AnSpanKind kind;
  bool method;
} AnSpan;

/* Spans for semantic tokens (`graphMode` modifier) and inlay hints, sorted
 * by start. Borrowed until an_model_free(). */
const AnSpan *an_model_graph_spans(const AnModel *model, uint32_t *count);

#endif
