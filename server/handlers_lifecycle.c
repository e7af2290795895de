/* server/handlers_lifecycle — initialize, initialized, shutdown, exit and
 * the settings notifications.
 *
 * The lifecycle state itself lives in the dispatcher, which admits these
 * messages and moves the state after a successful initialize or shutdown.
 * These handlers record what the client declared, answer with the server's
 * capabilities, and keep the settings layers up to date (settings.h gives
 * the precedence).
 */
#include <string.h>

#include "protocol/rpc.h"
#include "server/handlers.h"
#include "server/log.h"
#include "server/version.h"
#include "server/workspace.h"

static json_t *lifecycle__capabilities(LiEncoding enc) {
  json_t *caps = json_pack("{s:s, s:{s:b, s:i, s:{s:b}}, s:{s:s, s:b, s:b}, s:{s:{s:b, s:b}}}",
                   "positionEncoding", enc == LI_UTF8 ? "utf-8" : "utf-16",
                   "textDocumentSync", "openClose", 1, "change", 2, "save", "includeText", 0,
                   "diagnosticProvider", "identifier", "hybridls", "interFileDependencies", 1,
                   "workspaceDiagnostics", 0,
                   "workspace", "workspaceFolders", "supported", 1, "changeNotifications", 1);
  handlers_add_editor_caps(caps);
  return caps;
}

/* Reads the client capabilities the server acts on. */
static int lifecycle__read_client(json_t *params, ServerClient *client, LspError *lerr) {
  json_t *encodings = NULL;
  *client = (ServerClient){.encoding = LI_UTF16};
  if (lsp_opt_array(params, "capabilities.general.positionEncodings", &encodings, lerr) < 0 ||
      lsp_opt_bool(params, "capabilities.textDocument.publishDiagnostics.relatedInformation",
                   &client->related_information, lerr) < 0 ||
      lsp_opt_bool(params, "capabilities.workspace.configuration", &client->configuration, lerr) < 0 ||
      handlers_read_editor_caps(params, client, lerr) < 0)
    return -1;
  size_t i;
  json_t *item;
  json_array_foreach(encodings, i, item) {
    if (json_is_string(item) && strcmp(json_string_value(item), "utf-8") == 0) client->encoding = LI_UTF8;
  }
  return 0;
}

int handle_initialize(Server *srv, json_t *params, json_t **result, HandlerError *err) {
  LspError lerr;
  int64_t pid = 0;
  ServerClient client;
  int pid_rc = lsp_opt_int(params, "processId", &pid, &lerr);
  if (pid_rc < 0 || lifecycle__read_client(params, &client, &lerr) != 0)
    return handler_invalid_params(err, &lerr);

  server_set_client(srv, &client);
  workspace_initialize(server_workspace(srv), params);
  json_t *options = json_object_get(params, "initializationOptions");
  if (options && !json_is_null(options) && !json_is_object(options))
    server_show_message(srv, 2, "hybridls: invalid setting 'initializationOptions': expected an object");
  else
    server_set_settings(srv, SERVER_SETTINGS_INIT_OPTIONS, options);
  if (pid_rc == 0 && pid > 0) server_watch_parent(srv, pid);

  *result = json_pack("{s:o, s:{s:s, s:s}}", "capabilities", lifecycle__capabilities(client.encoding),
                      "serverInfo", "name", "hybridls", "version", HYBRIDLS_VERSION);
  return 0;
}

static void lifecycle__on_configuration(Server *srv, json_t *result, json_t *error) {
  if (error) {
    json_t *message = json_is_object(error) ? json_object_get(error, "message") : NULL;
    hl_log(HL_LOG_WARN, "workspace/configuration failed: %s",
           json_is_string(message) ? json_string_value(message) : "no message");
    return;
  }
  json_t *section = json_is_array(result) ? json_array_get(result, 0) : NULL;
  server_set_settings(srv, SERVER_SETTINGS_EDITOR, json_is_object(section) ? section : NULL);
}

static void lifecycle__pull_configuration(Server *srv) {
  if (!server_client(srv)->configuration) return;
  server_request(srv, "workspace/configuration",
                 json_pack("{s:[{s:s}]}", "items", "section", "hybridls"), lifecycle__on_configuration);
}

int handle_initialized(Server *srv, json_t *params, json_t **result, HandlerError *err) {
  (void)params, (void)result, (void)err;
  lifecycle__pull_configuration(srv);
  workspace_start(server_workspace(srv));
  return 0;
}

int handle_did_change_configuration(Server *srv, json_t *params, json_t **result, HandlerError *err) {
  (void)result;
  LspError lerr;
  json_t *settings = NULL;
  if (lsp_opt_object(params, "settings", &settings, &lerr) < 0) {
    /* Some clients send other shapes here; they still mean "pull again". */
    lifecycle__pull_configuration(srv);
    return handler_invalid_params(err, &lerr);
  }
  json_t *section = settings ? json_object_get(settings, "hybridls") : NULL;
  if (json_is_object(section)) server_set_settings(srv, SERVER_SETTINGS_EDITOR, section);
  lifecycle__pull_configuration(srv);
  return 0;
}

int handle_shutdown(Server *srv, json_t *params, json_t **result, HandlerError *err) {
  (void)srv, (void)params, (void)err;
  *result = NULL;
  return 0;
}

int handle_exit(Server *srv, json_t *params, json_t **result, HandlerError *err) {
  (void)params, (void)result, (void)err;
  server_exit(srv, server_shutdown_received(srv) ? 0 : 1);
  return 0;
}
