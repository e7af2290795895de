/* server/handlers_tokens — graph-mode visibility: semantic tokens, inlay
 * hints and the requests asking the client to fetch them again.
 *
 * Semantic tokens: the legend has the token types "function" and "method"
 * and the one modifier "graphMode"; every token is a span of
 * an_model_graph_spans (the name of a function that runs as a graph, or the
 * callee of a call that runs as a graph), so every token carries graphMode.
 * Tokens use LSP's relative encoding (delta line, delta start, length, type,
 * modifiers) in the negotiated position encoding. A span that crosses a line
 * end (a callee split by a line continuation) is skipped, as is one that
 * overlaps the previous token, since clients need neither.
 *
 * Inlay hints: "graph" before the name of each function running as a graph,
 * with a tooltip giving the reason (the chain from the hybrid root); only
 * when the `inlayHints` setting is on, otherwise the answer is empty.
 */
#include <string.h>

#include "protocol/lsp.h"
#include "protocol/rpc.h"
#include "server/alloc.h"
#include "server/docstore.h"
#include "server/handlers.h"
#include "server/handlers_editor.h"
#include "server/log.h"
#include "server/output.h"

enum { TOKENS__TYPE_FUNCTION = 0, TOKENS__TYPE_METHOD = 1, TOKENS__MOD_GRAPH_MODE = 1 };

/* The tokens of the spans overlapping bytes [from, to). */
static json_t *tokens__encode(const EditorTarget *t, uint32_t from, uint32_t to) {
  json_t *data = json_array();
  uint32_t count = 0;
  const AnSpan *spans = an_model_graph_spans(t->model, &count);
  uint32_t prev_line = 0, prev_char = 0, prev_end = 0;
  bool any = false;
  for (uint32_t i = 0; i < count; i++) {
    const AnSpan *s = &spans[i];
    if (s->end <= s->start || s->end <= from || s->start >= to) continue;
    if (any && s->start < prev_end) continue;
    LspRange r = editor_range(t, s->start, s->end);
    if (r.start.line != r.end.line || r.end.character <= r.start.character) continue;
    uint32_t delta_line = r.start.line - prev_line;
    uint32_t delta_char = delta_line == 0 ? r.start.character - prev_char : r.start.character;
    json_array_append_new(data, json_integer(delta_line));
    json_array_append_new(data, json_integer(delta_char));
    json_array_append_new(data, json_integer(r.end.character - r.start.character));
    json_array_append_new(data, json_integer(s->method ? TOKENS__TYPE_METHOD : TOKENS__TYPE_FUNCTION));
    json_array_append_new(data, json_integer(TOKENS__MOD_GRAPH_MODE));
    prev_line = r.start.line;
    prev_char = r.start.character;
    prev_end = s->end;
    any = true;
  }
  return json_pack("{s:o}", "data", data);
}

int handle_semantic_tokens_full(Server *srv, json_t *params, json_t **result, HandlerError *err) {
  EditorTarget t;
  if (editor_target(srv, params, &t, err) != 0) return -1;
  *result = t.model ? tokens__encode(&t, 0, UINT32_MAX) : json_pack("{s:[]}", "data");
  return 0;
}

int handle_semantic_tokens_range(Server *srv, json_t *params, json_t **result, HandlerError *err) {
  LspError lerr;
  EditorTarget t;
  LspRange range;
  if (editor_target(srv, params, &t, err) != 0) return -1;
  if (lsp_get_range(params, "range", &range, &lerr) != 0) return handler_invalid_params(err, &lerr);
  if (!t.model) {
    *result = json_pack("{s:[]}", "data");
    return 0;
  }
  uint32_t from = editor_offset(&t, range.start), to = editor_offset(&t, range.end);
  *result = tokens__encode(&t, from, to > from ? to : from);
  return 0;
}

/* ------------------------------------------------------------------------
 * Inlay hints.
 */

/* Why `fn` runs as a graph, in one line. New reference. */
static json_t *tokens__hint_tooltip(const AnFunctionInfo *fn) {
  OutBuf b;
  outbuf_init(&b);
  outbuf_puts(&b, "Runs as a graph: ");
  if (fn->graph_chain_len >= 2) {
    outbuf_puts(&b, "called from ");
    for (uint32_t i = 0; i < fn->graph_chain_len; i++) {
      if (i > 0) outbuf_puts(&b, " \xe2\x86\x92 "); /* → */
      outbuf_puts(&b, fn->graph_chain[i]);
    }
  } else if (fn->hybrid_via == AN_VIA_DECORATOR) {
    outbuf_puts(&b, "decorated with tf.function");
  } else if (fn->hybrid_via == AN_VIA_CALL) {
    outbuf_puts(&b, "wrapped with tf.function(...)");
  } else if (fn->hybrid_via == AN_VIA_KERAS) {
    outbuf_puts(&b, "a Keras step, which Keras runs with tf.function");
  } else {
    outbuf_puts(&b, "reached from graph code");
  }
  outbuf_puts(&b, fn->autograph ? "." : " (AutoGraph off).");
  json_t *out = rpc_string_lossy(b.data, b.len);
  outbuf_deinit(&b);
  return out;
}

int handle_inlay_hint(Server *srv, json_t *params, json_t **result, HandlerError *err) {
  LspError lerr;
  EditorTarget t;
  LspRange range;
  if (editor_target(srv, params, &t, err) != 0) return -1;
  if (lsp_get_range(params, "range", &range, &lerr) != 0) return handler_invalid_params(err, &lerr);
  json_t *list = json_array();
  *result = list;
  if (!t.model || !server_settings(srv)->inlay_hints) return 0;
  uint32_t from = editor_offset(&t, range.start), to = editor_offset(&t, range.end);
  uint32_t count = 0;
  const AnFunctionInfo *fns = an_model_functions(t.model, &count);
  for (uint32_t i = 0; i < count; i++) {
    const AnFunctionInfo *fn = &fns[i];
    if (!fn->graph_mode || fn->name_start < from || fn->name_start > to) continue;
    LspRange at = editor_range(&t, fn->name_start, fn->name_start);
    json_array_append_new(list, json_pack("{s:o, s:s, s:o, s:b}", "position", lsp_position_to_json(at.start),
                                          "label", "graph", "tooltip", tokens__hint_tooltip(fn), "paddingRight", 1));
  }
  return 0;
}

/* ------------------------------------------------------------------------
 * Refresh.
 */

static void tokens__on_refresh(Server *srv, json_t *result, json_t *error) {
  (void)srv, (void)result;
  if (!error) return;
  json_t *message = json_is_object(error) ? json_object_get(error, "message") : NULL;
  hl_log(HL_LOG_DEBUG, "refresh request failed: %s", json_is_string(message) ? json_string_value(message) : "no message");
}

void handlers_graph_refresh(Server *srv, bool tokens, bool hints) {
  if (server_shutdown_received(srv)) return;
  const ServerClient *client = server_client(srv);
  if (tokens && client->tokens_refresh)
    server_request(srv, "workspace/semanticTokens/refresh", NULL, tokens__on_refresh);
  if (hints && client->inlay_refresh) server_request(srv, "workspace/inlayHint/refresh", NULL, tokens__on_refresh);
}
