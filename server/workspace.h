/* server/workspace — the workspace index of the language server and the
 * per-file configuration of open documents.
 *
 * Roots: on `initialize`, the workspace folders (else rootUri, else
 * rootPath). After `initialized`, every Python file under the roots (the
 * walk and skip rules of `check`, server/fswalk.h, minus the files the
 * pyproject.toml `exclude` patterns name) is read, parsed and summarised on
 * libuv's thread pool, a bounded number of files at a time, with $/progress
 * (window/workDoneProgress/create, then begin/report/end) when the client
 * declares window.workDoneProgress.
 *
 * Keeping it current:
 *   - workspace/didChangeWatchedFiles (registered dynamically, with one
 *     watcher for Python files and one for pyproject.toml files at any
 *     depth, when the client declares
 *     workspace.didChangeWatchedFiles.dynamicRegistration): created and
 *     changed files are summarised again on the pool, deleted ones leave the
 *     index; a pyproject.toml event re-reads the configuration, re-analyses
 *     the open documents and reconciles the index with a new walk.
 *   - Open documents: the summary of an open text replaces the file's
 *     after WS__RESUMMARISE_MS without a new text (built on the pool from a
 *     copy of the text, so neither opening nor typing waits for it; opening
 *     a file whose text the index already has from disk costs nothing), and
 *     at once on didSave. An open document's summary wins over the file on
 *     disk; on didClose the file is read from disk again (or leaves the
 *     index when it is outside the roots, excluded, or gone).
 *   - workspace/didChangeWorkspaceFolders (advertised in the server's
 *     capabilities): new roots start a new index, since module names depend
 *     on the roots; every file is read again and the open documents are
 *     analysed again against it.
 *   - After every change the index is finalized (once per loop turn, or at
 *     the end of the initial scan, or right before an analysis that needs
 *     it), and when an_index_fingerprint moved the other open documents are
 *     re-analysed and republished when their diagnostics changed.
 *
 * Stale results: every file has a generation, bumped by each event that
 * makes earlier reads obsolete; a worker's summary is put into the index
 * only when its generation is still current and the file is not open.
 * Superseded work that has not started is cancelled with uv_cancel.
 *
 * Threads: workers receive their path by value and read, parse (their own
 * TSParser per work item) and summarise; they touch nothing shared but the
 * immutable AnLang and root list. The summary, immutable from then on, is
 * handed to the loop thread in the after-work callback, and the loop thread
 * alone mutates the index, the file table and the configuration cache.
 *
 * Ownership: the Workspace embeds a uv_timer; workspace_close() cancels the
 * queued work and the Workspace frees itself once the timer is closed and
 * the last work item came back. The loop keeps running until then, because
 * uv_work requests are active requests.
 */
#ifndef HYBRIDLS_SERVER_WORKSPACE_H
#define HYBRIDLS_SERVER_WORKSPACE_H

#include <jansson.h>
#include <stdint.h>
#include <uv.h>

#include "analysis/analysis.h"
#include "server/handlers.h"

typedef struct Workspace Workspace;

/* New workspace without roots on `loop`; `srv` is borrowed (documents,
 * settings layers, notifications, requests to the client). */
Workspace *workspace_new(uv_loop_t *loop, Server *srv);

/* Cancels queued work, closes the timer and frees everything once the work
 * in flight has come back. NULL is a no-op. */
void workspace_close(Workspace *ws);

/* `initialize`: reads the roots and the client capabilities the workspace
 * acts on from the request's params (borrowed). */
void workspace_initialize(Workspace *ws, json_t *params);

/* `initialized`: registers the file watchers and starts the initial scan. */
void workspace_start(Workspace *ws);

/* The open document at `path` changed without being analysed (an edit in a
 * comment or docstring, server/reuse.h): its summary follows within the
 * usual quiet period, as after an analysis, so that the positions other
 * modules cite stay current. */
void workspace_document_edited(Workspace *ws, const char *path);

/* Prepares the analysis of the open document `uri` (file path `path`) whose
 * current text and tree are in `src`: sets src->roots, fills `cfg` (the
 * document's pyproject.toml, then the settings layers; every rule off when
 * the file is excluded), puts the summary of the text into the index unless
 * it is there already, and returns the finalized index (borrowed until the
 * next workspace call). */
const AnIndex *workspace_prepare_analysis(Workspace *ws, const char *uri, const char *path, AnSource *src,
                                          AnConfig *cfg);

/* didSave: a pyproject.toml reloads the configuration; a Python document's
 * summary is replaced from its open text. */
void workspace_document_saved(Workspace *ws, const char *uri);

/* didClose: the file on disk takes over again. */
void workspace_document_closed(Workspace *ws, const char *uri);

#endif
