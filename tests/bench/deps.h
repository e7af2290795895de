/* tests/bench/deps — how much of a file an exact statement-level incremental
 * analysis would have to re-analyse after an edit (figure 2b of `make bench`).
 *
 * The analysis reads facts across functions (argument kinds flow from call
 * sites into parameters, callers put callees into graph mode, module
 * variables are shared), so reusing the results of unchanged statements is
 * only exact when every statement that can depend on the edited one is
 * analysed again. This module measures that dependency closure over the
 * top-level statements of a module, by names alone (tests/bench/README.md
 * gives the definitions):
 *   - statements are the named children of the `module` node (comments too,
 *     binding and mentioning nothing);
 *   - X and Y are connected when X binds a name Y mentions, or Y one X
 *     mentions;
 *   - import statements are opaque: reached, never expanded further, since
 *     nothing in them depends on another statement;
 *   - the closure of a statement D is everything reached from D, and its size
 *     is the lines of its statements as a share of the file's lines.
 * The relaxed variant also makes opaque the module-level assignments whose
 * right-hand side mentions no name bound by a non-opaque statement
 * (`BATCH = 128`, `LOG = logging.getLogger(__name__)`).
 *
 * Includes tree-sitter only; the bench links it with the server's grammar
 * (server/lang.h). Single-threaded: a DepsGraph keeps scratch state for its
 * closures. Functions return 0 or -1 (out of memory, unreadable file) and
 * print nothing, except deps_print_section, whose job is to print.
 */
#ifndef HYBRIDLS_TESTS_BENCH_DEPS_H
#define HYBRIDLS_TESTS_BENCH_DEPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tree_sitter/api.h>

/* The most edited statements measured per file: an even spread over the
 * measured statements of bigger files. */
#define DEPS_SAMPLE_MAX 300u

typedef struct DepsGraph DepsGraph;

/* Builds the statement graph of the module `root` (the root node of a tree of
 * `text`, which must stay valid during the call only). New object, or NULL
 * when out of memory. */
DepsGraph *deps_graph_new(TSNode root, const char *text, uint32_t len);
void deps_graph_free(DepsGraph *g);

uint32_t deps_graph_statements(const DepsGraph *g);
/* Lines of the text (a last line without a newline counts). */
uint32_t deps_graph_lines(const DepsGraph *g);
/* True for the statements an edit is measured on: neither comments nor
 * import statements. */
bool deps_graph_measured(const DepsGraph *g, uint32_t stmt);
/* True when the relaxed variant treats `stmt` as opaque. */
bool deps_graph_relaxed_opaque(const DepsGraph *g, uint32_t stmt);

/* The closure of statement `d` (which is always expanded, even when its
 * variant calls it opaque): returns the sum of its statements' line spans.
 * When `members` is not NULL (deps_graph_statements bytes), members[i]
 * becomes 1 for each statement of the closure and 0 for the others. */
uint32_t deps_graph_closure(DepsGraph *g, uint32_t d, bool relaxed, uint8_t *members);

/* Closure shares over the measured statements, in percent of the lines. */
typedef struct DepsShare {
  double median, p95, min, max;
} DepsShare;

typedef struct DepsFigure {
  uint32_t lines, statements;
  uint32_t measured; /* statements deps_graph_measured accepts */
  uint32_t sampled;  /* of which measured here (at most DEPS_SAMPLE_MAX) */
  double covered;    /* percent of the lines inside some statement: the largest closure possible */
  DepsShare strict, relaxed;
} DepsFigure;

/* The figure of one graph; 0, or -1 when out of memory. A file without
 * measured statements gets sampled == 0 and zero shares. */
int deps_figure(DepsGraph *g, DepsFigure *out);
/* Parses `text` with `parser` (set to Python) through hl_parse, then
 * deps_figure. */
int deps_figure_text(TSParser *parser, const char *text, uint32_t len, DepsFigure *out);
/* The bytes of the file at `path` plus a NUL, *len without it: a new
 * buffer, or NULL when it cannot be read. */
char *deps_read_file(const char *path, uint32_t *len);
/* Reads the file at `path`, then deps_figure_text; -1 when it cannot be read. */
int deps_figure_file(TSParser *parser, const char *path, DepsFigure *out);

/* The per-file figures of several files, summarised. */
typedef struct DepsCorpus {
  size_t files;       /* files measured */
  size_t empty;       /* of which without a measured statement (not in the medians) */
  uint64_t lines;     /* lines of all files */
  DepsShare strict;   /* over the per-file medians */
  DepsShare relaxed;  /* same, relaxed variant */
} DepsCorpus;

/* Files whose medians are kept, for deps_corpus_add / deps_corpus_finish. */
typedef struct DepsCorpusAcc DepsCorpusAcc;
DepsCorpusAcc *deps_corpus_acc_new(void);
void deps_corpus_acc_free(DepsCorpusAcc *acc);
void deps_corpus_add(DepsCorpusAcc *acc, const DepsFigure *f);
void deps_corpus_finish(DepsCorpusAcc *acc, DepsCorpus *out);

/* The Python files of the comparison, relative to the repository root (the
 * working directory of `make bench`): the .py files of examples/ and of tests/corpus/ at any depth,
 * sorted. *paths is a new array of new strings (deps_paths_free); a missing
 * directory contributes nothing. 0, or -1 when out of memory. */
int deps_corpus_paths(char ***paths, size_t *count);
void deps_paths_free(char **paths, size_t count);

/* Prints section 2b of `make bench` on stdout: the figure of `text` (the file
 * figure 2 edits) and the median over deps_corpus_paths. 0, or -1 when a
 * figure cannot be computed (out of memory, a corpus file unreadable). */
int deps_print_section(TSParser *parser, const char *text, uint32_t len);

#endif
