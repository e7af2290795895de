/* server/docstore — the open documents and the scheduling of their analysis.
 *
 * One entry per open URI holds the Doc (text, line index, incremental tree,
 * attached analysis model), the document's debounce timer, and the
 * diagnostics of its last analysis with their resultId.
 *
 * Scheduling: didOpen and (with run=onSave) didSave analyse on the next loop
 * turn; didChange (with run=onType) restarts the document's debounce timer
 * (settings.debounceMs; 0 still waits for the timer). A settings change
 * re-analyses every document. Only Python documents (languageId "python", or
 * a URI ending in .py/.pyi) are analysed; texts above DOCSTORE_MAX_ANALYSED
 * bytes are not (one showMessage per document, empty diagnostics). When
 * every change since the last analysis was inside a comment or a docstring
 * that no finding can depend on, the "analysis" moves the last findings
 * instead (server/reuse.h) and leaves no model; a request that needs the
 * model (docstore_model) then analyses in full.
 *
 * Publishing: an analysis marks its document dirty; a uv_prepare callback
 * publishes each dirty document once per loop turn, for the version that was
 * analysed, and never when the text changed since. A document re-analysed
 * only because the settings changed is republished only when its
 * diagnostics changed.
 *
 * resultId: "0" for an empty list; otherwise a number, drawn from a counter
 * shared by all documents, that changes exactly when the diagnostics of the
 * document change (compared as JSON values).
 *
 * Ownership: the store and its entries embed their libuv handles and are
 * freed from the close callbacks after docstore_close(). Loop thread only.
 */
#ifndef HYBRIDLS_SERVER_DOCSTORE_H
#define HYBRIDLS_SERVER_DOCSTORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "server/doc.h"
#include "server/handlers.h"

#define DOCSTORE_MAX_ANALYSED (10u * 1024u * 1024u)

/* New empty store on `loop`; `srv` is borrowed (settings, client
 * capabilities, notifications). */
DocStore *docstore_new(uv_loop_t *loop, Server *srv);

/* Closes every handle and frees the store and its documents in the close
 * callbacks. NULL is a no-op. */
void docstore_close(DocStore *ds);

/* didOpen: stores the document (replacing one open under the same URI) and
 * schedules its first analysis. Strings are copied. */
void docstore_open(DocStore *ds, const char *uri, const char *language_id, int64_t version,
                   const char *text, size_t len);

/* The Doc open under `uri`, or NULL. Borrowed until the document is closed.
 * After changing it (doc_set_version, doc_apply_change), call
 * docstore_changed(). */
Doc *docstore_doc(DocStore *ds, const char *uri);

/* The Doc open under `uri` with a syntax tree for its current text (parsed
 * again when it was trimmed, see the warm documents in docstore.c), or NULL.
 * doc_tree() may still be NULL when the parser failed. Borrowed like
 * docstore_doc(). */
Doc *docstore_parsed_doc(DocStore *ds, const char *uri);

/* The document was changed: reparses it and, with run=onType, restarts its
 * debounce timer. No-op for an unknown URI. */
void docstore_changed(DocStore *ds, const char *uri);

/* didSave: with run=onSave, schedules an analysis that is published. */
void docstore_saved(DocStore *ds, const char *uri);

/* didClose: drops the document and publishes an empty list for it. Returns
 * false when the URI was not open. */
bool docstore_remove(DocStore *ds, const char *uri);

/* The settings changed: re-analyses the open documents. */
void docstore_settings_changed(DocStore *ds);

/* The workspace index's cross-file facts changed: re-analyses the open
 * Python documents other than `except_uri` (which may be NULL) whose own
 * cross-file facts (an_index_module_fingerprint in `index`) moved since
 * their last analysis, like a settings change (republished only when their
 * diagnostics changed; with run=onSave only marked stale for pull). */
void docstore_index_changed(DocStore *ds, const char *except_uri, const AnIndex *index);

/* The analysis model of the current version of `uri`, analysing it first
 * when that is still pending (as a pull does). NULL for an unknown document,
 * one that is not Python, or one too large to analyse. Borrowed until the
 * document changes, is re-analysed or closes. */
const AnModel *docstore_model(DocStore *ds, const char *uri);

/* textDocument/diagnostic: the DocumentDiagnosticReport for `uri`, analysing
 * the current version first when that is still pending. `previous_result_id`
 * may be NULL. New reference. */
json_t *docstore_pull(DocStore *ds, const char *uri, const char *previous_result_id);

#endif
