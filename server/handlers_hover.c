/* server/handlers_hover — textDocument/hover, the client and server
 * capabilities of the editor features, and the helpers of
 * handlers_editor.h.
 *
 * Hover text comes from an_model_hover() on the model of the document's
 * current version (analysed on demand when its debounce timer is still
 * running), so the hover and the diagnostics always describe the same text.
 * Markdown is sent unless the client lists "plaintext" first in
 * textDocument.hover.contentFormat.
 */
#include <string.h>

#include "protocol/lsp.h"
#include "protocol/rpc.h"
#include "server/docstore.h"
#include "server/handlers.h"
#include "server/handlers_editor.h"

/* ------------------------------------------------------------------------
 * Capabilities.
 */

/* True when the string array at `path` contains `want`. */
static int hover__array_has(json_t *params, const char *path, const char *want, bool *out, LspError *lerr) {
  json_t *arr = NULL;
  if (lsp_opt_array(params, path, &arr, lerr) < 0) return -1;
  size_t i;
  json_t *item;
  json_array_foreach(arr, i, item) {
    if (json_is_string(item) && strcmp(json_string_value(item), want) == 0) *out = true;
  }
  return 0;
}

int handlers_read_editor_caps(json_t *params, ServerClient *client, LspError *lerr) {
  json_t *formats = NULL, *literals = NULL;
  if (lsp_opt_array(params, "capabilities.textDocument.hover.contentFormat", &formats, lerr) < 0 ||
      lsp_opt_object(params, "capabilities.textDocument.codeAction.codeActionLiteralSupport", &literals, lerr) < 0 ||
      lsp_opt_bool(params, "capabilities.workspace.applyEdit", &client->apply_edit, lerr) < 0 ||
      hover__array_has(params, "capabilities.textDocument.codeAction.resolveSupport.properties", "edit",
                       &client->action_resolve_edit, lerr) < 0 ||
      lsp_opt_bool(params, "capabilities.workspace.workspaceEdit.documentChanges", &client->document_changes,
                   lerr) < 0 ||
      lsp_opt_bool(params, "capabilities.workspace.semanticTokens.refreshSupport", &client->tokens_refresh,
                   lerr) < 0 ||
      lsp_opt_bool(params, "capabilities.workspace.inlayHint.refreshSupport", &client->inlay_refresh, lerr) < 0)
    return -1;
  /* LSP: a client without literal support gets Command[]; one that cannot
   * apply edits either still gets literals, the only form it could use. */
  client->action_commands = !literals && client->apply_edit;
  /* The order is the client's preference: the first format we know wins. */
  size_t i;
  json_t *item;
  json_array_foreach(formats, i, item) {
    const char *kind = json_string_value(item);
    if (kind && strcmp(kind, "markdown") == 0) break;
    if (kind && strcmp(kind, "plaintext") == 0) {
      client->hover_plaintext = true;
      break;
    }
  }
  return 0;
}

void handlers_add_editor_caps(json_t *caps) {
  json_object_set_new(caps, "hoverProvider", json_true());
  json_object_set_new(caps, "codeActionProvider",
                      json_pack("{s:[s,s,s], s:b}", "codeActionKinds", "quickfix", "refactor.rewrite",
                                "source.fixAll.hybridls", "resolveProvider", 1));
  json_object_set_new(caps, "executeCommandProvider", json_pack("{s:[s]}", "commands", HANDLERS_APPLY_ACTION));
  json_object_set_new(caps, "semanticTokensProvider",
                      json_pack("{s:{s:[s,s], s:[s]}, s:b, s:b}", "legend", "tokenTypes", "function", "method",
                                "tokenModifiers", "graphMode", "range", 1, "full", 1));
  json_object_set_new(caps, "inlayHintProvider", json_true());
}

/* ------------------------------------------------------------------------
 * Helpers (handlers_editor.h).
 */

int editor_target(Server *srv, json_t *params, EditorTarget *out, HandlerError *err) {
  LspError lerr;
  *out = (EditorTarget){.enc = server_client(srv)->encoding};
  if (lsp_get_string(params, "textDocument.uri", &out->uri, &lerr) != 0) return handler_invalid_params(err, &lerr);
  DocStore *ds = server_docs(srv);
  out->model = docstore_model(ds, out->uri);
  out->doc = docstore_doc(ds, out->uri);
  if (!out->doc) out->model = NULL;
  return 0;
}

uint32_t editor_offset(const EditorTarget *t, LspPosition pos) {
  return line_index_offset(doc_lines(t->doc), pos.line, pos.character, t->enc);
}

LspRange editor_range(const EditorTarget *t, uint32_t start, uint32_t end) {
  LspRange r;
  const LineIndex *li = doc_lines(t->doc);
  if (end < start) end = start;
  line_index_position(li, start, t->enc, &r.start.line, &r.start.character);
  line_index_position(li, end, t->enc, &r.end.line, &r.end.character);
  return r;
}

json_t *editor_workspace_edit(Server *srv, const EditorTarget *t, const AnEdit *edits, uint32_t count) {
  json_t *list = json_array();
  for (uint32_t i = 0; i < count; i++) {
    const char *text = edits[i].text ? edits[i].text : "";
    json_array_append_new(list, lsp_text_edit_to_json(editor_range(t, edits[i].start, edits[i].end), text));
  }
  const char *uri = doc_uri(t->doc);
  if (server_client(srv)->document_changes)
    return json_pack("{s:[{s:{s:s, s:I}, s:o}]}", "documentChanges", "textDocument", "uri", uri, "version",
                     (json_int_t)doc_version(t->doc), "edits", list);
  json_t *changes = json_object();
  json_object_set_new(changes, uri, list);
  return json_pack("{s:o}", "changes", changes);
}

/* ------------------------------------------------------------------------
 * textDocument/hover.
 */

int handle_hover(Server *srv, json_t *params, json_t **result, HandlerError *err) {
  LspError lerr;
  LspPosition pos;
  EditorTarget t;
  if (editor_target(srv, params, &t, err) != 0) return -1;
  if (lsp_get_position(params, "position", &pos, &lerr) != 0) return handler_invalid_params(err, &lerr);
  *result = NULL;
  if (!t.model) return 0;
  bool plain = server_client(srv)->hover_plaintext;
  uint32_t start = 0, end = 0;
  const char *text = an_model_hover(t.model, editor_offset(&t, pos), plain ? AN_HOVER_PLAINTEXT : AN_HOVER_MARKDOWN,
                                    &start, &end);
  if (!text) return 0;
  *result = json_pack("{s:{s:s, s:o}, s:o}", "contents", "kind", plain ? "plaintext" : "markdown", "value",
                      rpc_string_lossy(text, strlen(text)), "range", lsp_range_to_json(editor_range(&t, start, end)));
  return 0;
}
