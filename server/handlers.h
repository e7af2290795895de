/* server/handlers — the LSP method handlers and the server services they use.
 *
 * Handlers are plain functions called by the dispatcher (dispatch.c) from
 * its table, on the loop thread, after the lifecycle state machine admitted
 * the message and checked that `params` has the shape the table entry
 * demands. A request handler returns 0 and sets *result (a new reference;
 * NULL means JSON null), or returns -1 with `err` filled: the dispatcher
 * sends exactly one reply either way. A notification handler's error is only
 * logged. Handlers never reply on their own.
 *
 *   handlers_lifecycle.c   initialize, initialized, shutdown, exit, settings
 *   handlers_text.c        textDocument/didOpen, didChange, didClose, didSave
 *   handlers_diagnostics.c textDocument/diagnostic (pull)
 *   workspace.c            workspace/didChangeWatchedFiles
 *   handlers_hover.c       textDocument/hover; the editor-feature capabilities
 *   handlers_actions.c     textDocument/codeAction, codeAction/resolve
 *   handlers_tokens.c      textDocument/semanticTokens/full and /range,
 *                          textDocument/inlayHint, the refresh requests
 *
 * The services below are implemented by server.c, which owns the Server.
 * Everything borrowed from a Server stays valid until server_exit().
 */
#ifndef HYBRIDLS_SERVER_HANDLERS_H
#define HYBRIDLS_SERVER_HANDLERS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "analysis/analysis.h"
#include "protocol/lsp.h"
#include "server/line_index.h"
#include "server/settings.h"

typedef struct Server Server;
typedef struct DocStore DocStore;
typedef struct Workspace Workspace;

/* An error reply: a JSON-RPC code and its message. */
typedef struct HandlerError {
  int code;
  char message[512];
} HandlerError;

typedef int (*HandlerFn)(Server *srv, json_t *params, json_t **result, HandlerError *err);

/* Fills `err` and returns -1, so handlers can `return handler_error(...)`. */
int handler_error(HandlerError *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* InvalidParams with the reader's field message ("textDocument.uri: expected
 * a string"); returns -1. */
int handler_invalid_params(HandlerError *err, const LspError *lerr);

/* --- lifecycle and settings (handlers_lifecycle.c) --- */
int handle_initialize(Server *srv, json_t *params, json_t **result, HandlerError *err);
int handle_initialized(Server *srv, json_t *params, json_t **result, HandlerError *err);
int handle_shutdown(Server *srv, json_t *params, json_t **result, HandlerError *err);
int handle_exit(Server *srv, json_t *params, json_t **result, HandlerError *err);
int handle_did_change_configuration(Server *srv, json_t *params, json_t **result, HandlerError *err);

/* --- text synchronisation (handlers_text.c) --- */
int handle_did_open(Server *srv, json_t *params, json_t **result, HandlerError *err);
int handle_did_change(Server *srv, json_t *params, json_t **result, HandlerError *err);
int handle_did_close(Server *srv, json_t *params, json_t **result, HandlerError *err);
int handle_did_save(Server *srv, json_t *params, json_t **result, HandlerError *err);

/* --- diagnostics (handlers_diagnostics.c) --- */
int handle_document_diagnostic(Server *srv, json_t *params, json_t **result, HandlerError *err);

/* --- workspace index (workspace.c) --- */
int handle_did_change_watched_files(Server *srv, json_t *params, json_t **result, HandlerError *err);
int handle_did_change_workspace_folders(Server *srv, json_t *params, json_t **result, HandlerError *err);

/* --- editor features (handlers_hover.c, handlers_actions.c, handlers_tokens.c) --- */
int handle_hover(Server *srv, json_t *params, json_t **result, HandlerError *err);
int handle_code_action(Server *srv, json_t *params, json_t **result, HandlerError *err);
int handle_code_action_resolve(Server *srv, json_t *params, json_t **result, HandlerError *err);
int handle_execute_command(Server *srv, json_t *params, json_t **result, HandlerError *err);
int handle_semantic_tokens_full(Server *srv, json_t *params, json_t **result, HandlerError *err);
int handle_semantic_tokens_range(Server *srv, json_t *params, json_t **result, HandlerError *err);
int handle_inlay_hint(Server *srv, json_t *params, json_t **result, HandlerError *err);

typedef struct ServerClient ServerClient;
/* The command a Command-form code action runs (workspace/executeCommand). */
#define HANDLERS_APPLY_ACTION "hybridls.applyAction"

/* Reads the client capabilities of the editor features (hover format,
 * codeAction literals and resolve, applyEdit, documentChanges, refresh
 * support) from the
 * `initialize` params into `client`. Returns 0, or -1 with `lerr` naming
 * the mistyped field. (handlers_hover.c) */
int handlers_read_editor_caps(json_t *params, ServerClient *client, LspError *lerr);
/* Adds hoverProvider, codeActionProvider, executeCommandProvider,
 * semanticTokensProvider and inlayHintProvider to the server capabilities
 * object `caps` (borrowed).
 * (handlers_hover.c) */
void handlers_add_editor_caps(json_t *caps);
/* The graph-mode facts of open documents changed (the workspace index moved
 * reachability, or the settings changed what is shown): asks the client to
 * request semantic tokens (`tokens`) and inlay hints (`hints`) again, each
 * only when the client declared refresh support. (handlers_tokens.c) */
void handlers_graph_refresh(Server *srv, bool tokens, bool hints);

/* ------------------------------------------------------------------------
 * Server services (server.c).
 */

/* What the client declared in `initialize`. */
struct ServerClient {
  LiEncoding encoding;      /* negotiated position encoding */
  bool related_information; /* textDocument.publishDiagnostics.relatedInformation */
  bool configuration;       /* workspace.configuration */
  bool hover_plaintext;     /* textDocument.hover.contentFormat prefers plaintext */
  bool action_resolve_edit; /* textDocument.codeAction.resolveSupport has "edit" */
  /* Code actions go out as Command objects, executed with
   * workspace/executeCommand: the client declares workspace.applyEdit but no
   * textDocument.codeAction.codeActionLiteralSupport. */
  bool action_commands;
  bool apply_edit;          /* workspace.applyEdit: the server may send workspace/applyEdit */
  bool document_changes;    /* workspace.workspaceEdit.documentChanges */
  bool tokens_refresh;      /* workspace.semanticTokens.refreshSupport */
  bool inlay_refresh;       /* workspace.inlayHint.refreshSupport */
};

const ServerClient *server_client(const Server *srv);
void server_set_client(Server *srv, const ServerClient *client);

/* The open documents. Borrowed. */
DocStore *server_docs(Server *srv);
/* The workspace index and per-file configuration (workspace.h). Borrowed. */
Workspace *server_workspace(Server *srv);
/* The grammar and its analysis symbols. Borrowed. */
const AnLang *server_lang(const Server *srv);

/* The effective settings (all layers applied). Borrowed until the next
 * server_set_settings(). */
const Settings *server_settings(const Server *srv);

typedef enum ServerSettingsLayer {
  SERVER_SETTINGS_INIT_OPTIONS = 0, /* initializationOptions */
  SERVER_SETTINGS_EDITOR = 1,       /* workspace/configuration, didChangeConfiguration */
} ServerSettingsLayer;

/* Replaces one layer (`obj` borrowed; NULL or a non-object clears it),
 * recomputes the effective settings, shows each distinct invalid key once
 * with window/showMessage, and re-analyses the open documents when the
 * effective settings changed. */
void server_set_settings(Server *srv, ServerSettingsLayer layer, json_t *obj);

/* Applies the initializationOptions and editor layers, in that order, over
 * `s` (a lower layer: the defaults with a pyproject.toml applied), without
 * reporting invalid keys again. */
void server_settings_layer(const Server *srv, Settings *s);

/* Watches the parent process: exits with code 1 once it is gone. */
void server_watch_parent(Server *srv, int64_t pid);

/* Sends a notification; `params` stolen. Notifications sent while the
 * `initialize` request runs are held back until its reply has been sent.
 * publishDiagnostics and logMessage may be dropped when the output queue is
 * full. */
void server_notify(Server *srv, const char *method, json_t *params);

/* window/showMessage of `type` (1 error .. 4 log). */
void server_show_message(Server *srv, int type, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Called with the client's answer to a server_request(): `result` or `error`
 * (borrowed for the call; exactly one is non-NULL). Not called when the
 * server exits first. */
typedef void (*ServerResponseFn)(Server *srv, json_t *result, json_t *error);

/* Sends a request to the client; `params` stolen. */
void server_request(Server *srv, const char *method, json_t *params, ServerResponseFn on_response);

/* Encodes and writes one message (`msg` stolen). Used by the dispatcher. */
void server_send(Server *srv, json_t *msg, bool droppable);

/* True once `shutdown` has been answered. */
bool server_shutdown_received(const Server *srv);

/* Called by the dispatcher once the reply to `initialize` has been sent:
 * releases the notifications held back and starts forwarding the log. */
void server_initialize_done(Server *srv);

/* Stops serving: closes every handle; server_main returns `code`. Only the
 * first call counts. */
void server_exit(Server *srv, int code);

#endif
