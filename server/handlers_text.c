/* server/handlers_text — text synchronisation: didOpen, didChange,
 * didClose, didSave.
 *
 * Parameters are validated completely before anything changes, so an
 * invalid didChange (a bad range in its third change, say) leaves the
 * document as it was. Changes of one notification are applied in order, each
 * range referring to the text after the previous change, with one reparse at
 * the end (docstore_changed).
 */
#include <stdio.h>
#include <string.h>

#include "protocol/rpc.h"
#include "server/alloc.h"
#include "server/docstore.h"
#include "server/handlers.h"
#include "server/log.h"
#include "server/workspace.h"

int handle_did_open(Server *srv, json_t *params, json_t **result, HandlerError *err) {
  (void)result;
  LspError lerr;
  const char *uri, *language_id, *text;
  size_t len;
  int64_t version;
  if (lsp_get_string(params, "textDocument.uri", &uri, &lerr) != 0 ||
      lsp_get_string(params, "textDocument.languageId", &language_id, &lerr) != 0 ||
      lsp_get_int(params, "textDocument.version", &version, &lerr) != 0 ||
      lsp_get_stringn(params, "textDocument.text", &text, &len, &lerr) != 0)
    return handler_invalid_params(err, &lerr);
  if (len > UINT32_MAX) return handler_error(err, RPC_ERR_INVALID_PARAMS, "textDocument.text: too large");
  docstore_open(server_docs(srv), uri, language_id, version, text, len);
  return 0;
}

typedef struct TextChange {
  bool has_range;
  LspRange range;
  const char *text;
  size_t len;
} TextChange;

/* Reads contentChanges[i]; on failure the message names the element. */
static int text__read_change(json_t *item, size_t i, TextChange *out, HandlerError *err) {
  LspError lerr;
  json_t *change;
  if (lsp_get_object(item, "", &change, &lerr) < 0 ||
      lsp_opt_range(change, "range", &out->range, &out->has_range, &lerr) < 0 ||
      lsp_get_stringn(change, "text", &out->text, &out->len, &lerr) < 0) {
    lsp_error_prefix(&lerr, "contentChanges[%zu]", i);
    return handler_invalid_params(err, &lerr);
  }
  return 0;
}

static void text__apply(Doc *doc, const TextChange *changes, size_t count, LiEncoding enc) {
  for (size_t i = 0; i < count; i++) {
    const TextChange *c = &changes[i];
    DocRange r = {c->range.start.line, c->range.start.character, c->range.end.line, c->range.end.character};
    doc_apply_change(doc, c->has_range ? &r : NULL, c->text, (uint32_t)c->len, enc);
  }
}

int handle_did_change(Server *srv, json_t *params, json_t **result, HandlerError *err) {
  (void)result;
  LspError lerr;
  const char *uri;
  int64_t version;
  json_t *list;
  if (lsp_get_string(params, "textDocument.uri", &uri, &lerr) != 0 ||
      lsp_get_int(params, "textDocument.version", &version, &lerr) != 0 ||
      lsp_get_array(params, "contentChanges", &list, &lerr) != 0)
    return handler_invalid_params(err, &lerr);

  size_t count = json_array_size(list);
  TextChange *changes = hl_calloc(count ? count : 1, sizeof *changes);
  int rc = 0;
  for (size_t i = 0; i < count && rc == 0; i++)
    rc = text__read_change(json_array_get(list, i), i, &changes[i], err);
  if (rc != 0) goto cleanup;

  DocStore *ds = server_docs(srv);
  Doc *doc = docstore_doc(ds, uri);
  if (!doc) {
    hl_log(HL_LOG_WARN, "didChange for %s, which is not open: ignored", uri);
    goto cleanup;
  }
  int64_t current = doc_version(doc);
  if (!doc_set_version(doc, version)) {
    hl_log(HL_LOG_WARN, "didChange for %s: version %lld does not move forward from %lld: ignored", uri,
           (long long)version, (long long)current);
    goto cleanup;
  }
  text__apply(doc, changes, count, server_client(srv)->encoding);
  docstore_changed(ds, uri);

cleanup:
  hl_free(changes);
  return rc;
}

int handle_did_close(Server *srv, json_t *params, json_t **result, HandlerError *err) {
  (void)result;
  LspError lerr;
  const char *uri;
  if (lsp_get_string(params, "textDocument.uri", &uri, &lerr) != 0) return handler_invalid_params(err, &lerr);
  if (!docstore_remove(server_docs(srv), uri)) hl_log(HL_LOG_DEBUG, "didClose for %s, which is not open", uri);
  workspace_document_closed(server_workspace(srv), uri);
  return 0;
}

int handle_did_save(Server *srv, json_t *params, json_t **result, HandlerError *err) {
  (void)result;
  LspError lerr;
  const char *uri;
  if (lsp_get_string(params, "textDocument.uri", &uri, &lerr) != 0) return handler_invalid_params(err, &lerr);
  workspace_document_saved(server_workspace(srv), uri);
  docstore_saved(server_docs(srv), uri);
  return 0;
}
