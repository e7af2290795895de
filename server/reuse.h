/* server/reuse — diagnostics of an edited document without analysing it
 * again, when every change since its last analysis was inert: inside a
 * comment or a docstring that no finding can depend on
 * (analysis/inert.c). The findings of that analysis are kept apart from its
 * model (AnFindingSet) and moved with the text.
 *
 * Pure apart from reading the Doc; loop thread only.
 */
#ifndef HYBRIDLS_SERVER_REUSE_H
#define HYBRIDLS_SERVER_REUSE_H

#include "analysis/analysis.h"
#include "server/doc.h"

/* The DocInertFn of the server: an_inert_span() with `ctx`, a const AnLang *. */
bool reuse_inert_check(void *ctx, const TSTree *tree, const char *text, uint32_t len, uint32_t start,
                       uint32_t end, uint32_t *node_start, uint32_t *node_end);

/* The findings of the current text of `doc`, from `base` (the findings of
 * its text at doc_mark_base()), or NULL when the changes since then were not
 * all inert or moved something the copy cannot follow: then analyse. New
 * set. *same_lines is true when no line was added or removed: every finding
 * then keeps its line and column (none is on a changed line), so the
 * diagnostics are those of `base`. */
AnFindingSet *reuse_findings(const AnFindingSet *base, const Doc *doc, bool *same_lines);

#endif
