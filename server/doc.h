/* server/doc — one open document: text, line index and incremental parse.
 *
 * A Doc owns its text buffer, its LineIndex and its TSTree. Changes splice the
 * buffer, are turned into a TSInputEdit applied to the old tree
 * (ts_tree_edit), and doc_reparse() reparses incrementally from the edited
 * old tree. Several changes may be applied before one reparse (an LSP
 * didChange carries a list; each change's range refers to the text after the
 * previous change). A full-text change (range NULL) replaces everything.
 *
 * The analysis results of a version hang off the Doc (doc_model) and are
 * dropped on the next change, so nothing is computed twice for one version.
 *
 * Memory: hl_malloc (OOM fatal). Not thread-safe; used on the loop thread,
 * and by `check` workers each on their own Doc.
 */
#ifndef HYBRIDLS_SERVER_DOC_H
#define HYBRIDLS_SERVER_DOC_H

#include <stdbool.h>
#include <stdint.h>
#include <tree_sitter/api.h>

#include "server/line_index.h"

typedef struct Doc Doc;

/* Creates a document and parses it. `uri` and `text` are copied. `parser` is
 * borrowed for the duration of the call and later ones (the caller keeps one
 * parser per thread with the Python language set). */
Doc *doc_new(const char *uri, const char *text, uint32_t len, int64_t version, TSParser *parser);
void doc_free(Doc *doc);

/* Replaces `range` (start/end line and character in `enc`, clamped) with
 * `text`; range NULL replaces the whole text. Marks the tree stale; call
 * doc_reparse() after the last change of a batch. */
typedef struct DocRange {
  uint32_t start_line, start_character, end_line, end_character;
} DocRange;
void doc_apply_change(Doc *doc, const DocRange *range, const char *text, uint32_t len, LiEncoding enc);

/* Reparses from the edited old tree (no-op when nothing changed). */
void doc_reparse(Doc *doc, TSParser *parser);

/* Drops the analysis model and the syntax tree, and gives back the text's
 * spare capacity: for a document nobody is looking at, whose tree is most
 * of its memory (about 40 times its text). The text and line index stay;
 * the next doc_reparse() parses from scratch. */
void doc_trim(Doc *doc);

/* Sets the version; returns false (and changes nothing) when `version` does
 * not move forward. */
bool doc_set_version(Doc *doc, int64_t version);

const char *doc_uri(const Doc *doc);
const char *doc_text(const Doc *doc, uint32_t *len); /* NUL-terminated too */
int64_t doc_version(const Doc *doc);
TSTree *doc_tree(const Doc *doc);                   /* borrowed; NULL after doc_trim */
const LineIndex *doc_lines(const Doc *doc);         /* borrowed */

/* Edits that cannot change the findings. The server's check (an
 * an_inert_span() bound to its grammar) is asked about a change's bytes in
 * the old text before the change, and about the bytes that replaced them in
 * the new text after the reparse; `node_*` are the bytes of the comment or
 * docstring statement holding them. */
typedef bool (*DocInertFn)(void *ctx, const TSTree *tree, const char *text, uint32_t len, uint32_t start,
                           uint32_t end, uint32_t *node_start, uint32_t *node_end);
void doc_set_inert_check(Doc *doc, DocInertFn fn, void *ctx);

/* Takes the current text as the base later changes are measured from (after
 * its findings were computed). */
void doc_mark_base(Doc *doc);

/* True when every change since doc_mark_base() passed the inert check, each
 * as the only change of its batch and against a current tree, and the tree
 * is current again: then bytes [*pre, *old_end) of the base text are
 * [*pre, *new_end) now, all else is unchanged, and the lines after them
 * moved by *rows (tree-sitter rows: "\n" alone). False without a base. */
bool doc_inert_since_base(const Doc *doc, uint32_t *pre, uint32_t *old_end, uint32_t *new_end, int32_t *rows);

/* Attached per-version data (the analysis model), with its destructor.
 * Replaced or dropped (destructor called) on every change and on doc_free. */
void doc_set_model(Doc *doc, void *model, void (*free_fn)(void *));
void *doc_model(const Doc *doc);

#endif
