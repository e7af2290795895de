/* server/handlers_editor — helpers shared by the editor-feature handlers
 * (handlers_hover.c, handlers_actions.c, handlers_tokens.c): finding the
 * analysed document a request is about, converting byte ranges of the
 * analysis into LSP positions in the negotiated encoding, and building
 * WorkspaceEdits.
 *
 * Includes jansson, analysis/analysis.h and server headers. Loop thread
 * only. JSON results are new references; everything else is borrowed from
 * the document store and valid until the document changes or closes.
 */
#ifndef HYBRIDLS_SERVER_HANDLERS_EDITOR_H
#define HYBRIDLS_SERVER_HANDLERS_EDITOR_H

#include <jansson.h>
#include <stdint.h>

#include "analysis/analysis.h"
#include "server/doc.h"
#include "server/handlers.h"

/* The document a request names and the model of its current version. */
typedef struct EditorTarget {
  const char *uri;      /* borrowed from the params */
  Doc *doc;             /* NULL: not open */
  const AnModel *model; /* NULL: not open, not Python, or not analysed (too large) */
  LiEncoding enc;
} EditorTarget;

/* Reads params.textDocument.uri and looks the document up, analysing its
 * current version first when that is pending. Returns 0 (the document may
 * still be unknown: check `model`), or -1 with InvalidParams in `err`. */
int editor_target(Server *srv, json_t *params, EditorTarget *out, HandlerError *err);

/* The byte offset of an LSP position in the target's text (clamped). */
uint32_t editor_offset(const EditorTarget *t, LspPosition pos);

/* The LSP range of bytes [start, end) of the target's text. */
LspRange editor_range(const EditorTarget *t, uint32_t start, uint32_t end);

/* A WorkspaceEdit applying `edits` (sorted, non-overlapping byte ranges) to
 * the target: {documentChanges: [{textDocument: {uri, version}, edits}]}
 * when the client supports documentChanges, else {changes: {uri: edits}}.
 * New reference. */
json_t *editor_workspace_edit(Server *srv, const EditorTarget *t, const AnEdit *edits, uint32_t count);

#endif
