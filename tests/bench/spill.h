/* tests/bench/spill — how often an edit inside one function changes the
 * findings of the rest of the module (figure 2c of `make bench`).
 *
 * The fallback for per-edit latency re-analyses only the functions
 * whose nodes changed and recomputes graph reachability only when calls or
 * decorators changed: the findings outside the edited function are kept.
 * That is exact only if no finding outside a function depends on what is
 * inside it once the graph-mode set is the same. This measures it directly:
 * each simple statement of a function body that has its line to itself is
 * replaced by `pass` padded with spaces to the same length (so no byte
 * outside it moves), the module is analysed again from scratch, and the
 * findings that lie outside the innermost function containing the
 * statement are compared with those of the original text. An edit counts
 * against the fallback when every function kept its hybrid and graph-mode
 * status and yet a finding outside the edited function appeared,
 * disappeared or changed its message.
 *
 * Links the analysis library and the server's grammar. Single-threaded.
 * Functions return 0 or -1 (out of memory, unreadable file, parse failure)
 * and print nothing, except the trace line of spill_text and
 * spill_print_section, whose job is to print.
 */
#ifndef HYBRIDLS_TESTS_BENCH_SPILL_H
#define HYBRIDLS_TESTS_BENCH_SPILL_H

#include <stdint.h>
#include <stdio.h>
#include <tree_sitter/api.h>

#include "analysis/analysis.h"

/* The most statements edited per file: an even spread over bigger files. */
#define SPILL_SAMPLE_MAX 300u

typedef struct SpillCounts {
  uint32_t files;      /* files with at least one edited statement */
  uint32_t edits;      /* statements replaced, each analysed once */
  uint32_t same_graph; /* of which no function changed its hybrid or graph-mode status */
  uint32_t spilled;    /* of those, findings outside the edited function changed */
  uint32_t regraphed_spilled; /* of the others, findings outside changed */
  uint32_t by_rule[AN_RULE_COUNT]; /* same-graph edits that changed this rule's findings outside */
} SpillCounts;

typedef struct SpillCtx SpillCtx;

/* A parser and analysis context for the default configuration. NULL when
 * the grammar does not load or memory runs out. */
SpillCtx *spill_ctx_new(void);
void spill_ctx_free(SpillCtx *ctx);

/* Measures the statements of `text` (at most `max` of them, evenly spread)
 * and adds to `acc`. When `trace` is not NULL, each same-graph edit that
 * changed findings outside gets a line there, prefixed with `name`. */
int spill_text(SpillCtx *ctx, const char *name, const char *text, uint32_t len, uint32_t max, SpillCounts *acc,
               FILE *trace);
/* Reads the file at `path`, then spill_text with SPILL_SAMPLE_MAX. */
int spill_file(SpillCtx *ctx, const char *path, SpillCounts *acc, FILE *trace);

/* Prints section 2c of `make bench` on stdout: `text` (the file figure 2
 * edits, at most `max` edits) and the files of deps_corpus_paths. 0, or -1
 * when the figure cannot be computed. */
int spill_print_section(const char *text, uint32_t len, uint32_t max);

#endif
