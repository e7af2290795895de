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

/* Summarises one module. Safe to call on a worker thread. New object, or NULL
 * when out of memory. */
AnSummary *an_summary_build(const AnSource *src);
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
void an_model_free(AnModel *model);

/* Findings sorted by start byte, suppressions and configuration applied.
 * Borrowed until an_model_free(). */
const AnFinding *an_model_findings(const AnModel *model, uint32_t *count);

/* True when the module imports TensorFlow (or Keras) at all. */
bool an_model_uses_tensorflow(const AnModel *model);

/* --- per-function facts (`hybridls inspect`, hovers, refactorings) --- */
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
} AnFunctionInfo;

/* Functions in source order. Borrowed until an_model_free(). */
const AnFunctionInfo *an_model_functions(const AnModel *model, uint32_t *count);

#endif
