/* server/handlers_diagnostics — textDocument/diagnostic (pull).
 *
 * Answers from the same per-version cache that push publishing uses; when
 * the analysis of the current version is still waiting for its debounce
 * timer, it runs now (and the timer later only publishes its result).
 */
#include "server/docstore.h"
#include "server/handlers.h"

int handle_document_diagnostic(Server *srv, json_t *params, json_t **result, HandlerError *err) {
  LspError lerr;
  const char *uri;
  const char *previous = NULL;
  if (lsp_get_string(params, "textDocument.uri", &uri, &lerr) != 0 ||
      lsp_opt_string(params, "previousResultId", &previous, &lerr) < 0)
    return handler_invalid_params(err, &lerr);
  *result = docstore_pull(server_docs(srv), uri, previous);
  return 0;
}
