/* server/handlers_actions — textDocument/codeAction and codeAction/resolve.
 *
 * Actions come from the analysis of the document's current version:
 *   quickfix          each fix of every finding overlapping the range, and
 *                     the suppression comment of each such finding
 *                     (an_model_actions), carrying the diagnostic it fixes;
 *   refactor.rewrite  the hybridization refactorings offered for the
 *                     function at the start of the range;
 *   source.fixAll.hybridls
 *                     one action applying every safe fix of the document
 *                     (an_model_fix_all, the set `hybridls check --fix`
 *                     writes); returned when context.only asks for it, and
 *                     when context.only is absent and there is something
 *                     to fix.
 * context.only filters by kind prefix, as LSP says ("source" matches
 * "source.fixAll.hybridls").
 *
 * Lazy edits: when the client declares codeAction.resolveSupport with
 * "edit", actions are sent without `edit` and with `data` {uri, version,
 * start, end, index, title} (or {uri, version, fixAll: true}); resolve
 * recomputes the actions of the same byte range on the same version and
 * answers ContentModified (-32801) when the document was closed, changed
 * version, or no longer offers the same action.
 *
 * Commands: a client without codeActionLiteralSupport that can apply edits
 * (workspace.applyEdit) gets Command objects instead, as LSP asks, whose one
 * argument is that same data; workspace/executeCommand recomputes the edit
 * the same way and sends it to the client with workspace/applyEdit.
 */
#include <string.h>

#include "protocol/lsp.h"
#include "protocol/rpc.h"
#include "server/diagnostics.h"
#include "server/docstore.h"
#include "server/handlers.h"
#include "server/handlers_editor.h"
#include "server/log.h"

#define ACTIONS__FIX_ALL_KIND "source.fixAll.hybridls"
#define ACTIONS__FIX_ALL_TITLE "Fix all safe hybridls problems"

static const char *actions__kind_name(AnActionKind kind) {
  return kind == AN_ACTION_REFACTOR_REWRITE ? "refactor.rewrite" : "quickfix";
}

/* True when `kind` is wanted by context.only (NULL: no filter): equal to an
 * entry or a sub-kind of it. */
static bool actions__wanted(json_t *only, const char *kind) {
  if (!only) return true;
  size_t i;
  json_t *item;
  json_array_foreach(only, i, item) {
    const char *want = json_string_value(item);
    size_t n = strlen(want);
    if (n > 0 && strncmp(kind, want, n) == 0 && (kind[n] == '\0' || kind[n] == '.')) return true;
  }
  return false;
}

/* Reads context.only (strings) and context.diagnostics (objects). */
static int actions__read_context(json_t *params, json_t **only, json_t **diagnostics, HandlerError *err) {
  LspError lerr;
  json_t *context = NULL;
  *only = *diagnostics = NULL;
  if (lsp_opt_object(params, "context", &context, &lerr) < 0 || lsp_opt_array(params, "context.only", only, &lerr) < 0 ||
      lsp_opt_array(params, "context.diagnostics", diagnostics, &lerr) < 0)
    return handler_invalid_params(err, &lerr);
  size_t i;
  json_t *item;
  json_array_foreach(*only, i, item) {
    if (!json_is_string(item))
      return handler_error(err, RPC_ERR_INVALID_PARAMS, "context.only[%zu]: expected a string", i);
  }
  json_array_foreach(*diagnostics, i, item) {
    if (!json_is_object(item))
      return handler_error(err, RPC_ERR_INVALID_PARAMS, "context.diagnostics[%zu]: expected an object", i);
  }
  return 0;
}

/* The Diagnostic an action fixes: the client's own copy from
 * context.diagnostics when one has the finding's code and range, else the
 * one the server publishes for it. New reference. */
static json_t *actions__diagnostic(Server *srv, const EditorTarget *t, const AnFinding *f, json_t *given) {
  const AnRuleInfo *info = an_rule_info(f->rule);
  json_t *range = lsp_range_to_json(editor_range(t, f->start, f->end));
  json_t *found = NULL;
  size_t i;
  json_t *d;
  json_array_foreach(given, i, d) {
    json_t *code = json_object_get(d, "code");
    if (info && json_is_string(code) && strcmp(json_string_value(code), info->code) == 0 &&
        json_equal(json_object_get(d, "range"), range)) {
      found = json_incref(d);
      break;
    }
  }
  json_decref(range);
  if (found) return found;
  return diagnostics_from_finding(f, t->doc, t->enc, server_client(srv)->related_information);
}

/* The Command form of an action: its title, and the data that names it as
 * the argument. `data` stolen. */
static json_t *actions__command(const char *title, json_t *data) {
  return json_pack("{s:o, s:s, s:[o]}", "title", rpc_string_lossy(title, strlen(title)), "command",
                   HANDLERS_APPLY_ACTION, "arguments", data);
}

static json_t *actions__one(Server *srv, const EditorTarget *t, const AnAction *a, uint32_t index, uint32_t start,
                            uint32_t end, json_t *given) {
  const ServerClient *client = server_client(srv);
  json_t *data = NULL;
  if (client->action_resolve_edit || client->action_commands)
    data = json_pack("{s:s, s:I, s:I, s:I, s:I, s:o}", "uri", t->uri, "version", (json_int_t)doc_version(t->doc),
                     "start", (json_int_t)start, "end", (json_int_t)end, "index", (json_int_t)index, "title",
                     rpc_string_lossy(a->title, strlen(a->title)));
  if (client->action_commands) return actions__command(a->title, data);
  json_t *out = json_pack("{s:o, s:s}", "title", rpc_string_lossy(a->title, strlen(a->title)), "kind",
                          actions__kind_name(a->kind));
  if (a->finding) json_object_set_new(out, "diagnostics", json_pack("[o]", actions__diagnostic(srv, t, a->finding, given)));
  if (a->preferred) json_object_set_new(out, "isPreferred", json_true());
  if (data)
    json_object_set_new(out, "data", data);
  else
    json_object_set_new(out, "edit", editor_workspace_edit(srv, t, a->edits, a->edit_count));
  return out;
}

static json_t *actions__fix_all(Server *srv, const EditorTarget *t, const AnEdit *edits, uint32_t count) {
  const ServerClient *client = server_client(srv);
  json_t *data = NULL;
  if (client->action_resolve_edit || client->action_commands)
    data = json_pack("{s:s, s:I, s:b}", "uri", t->uri, "version", (json_int_t)doc_version(t->doc), "fixAll", 1);
  if (client->action_commands) return actions__command(ACTIONS__FIX_ALL_TITLE, data);
  json_t *out = json_pack("{s:s, s:s}", "title", ACTIONS__FIX_ALL_TITLE, "kind", ACTIONS__FIX_ALL_KIND);
  if (data)
    json_object_set_new(out, "data", data);
  else
    json_object_set_new(out, "edit", editor_workspace_edit(srv, t, edits, count));
  return out;
}

int handle_code_action(Server *srv, json_t *params, json_t **result, HandlerError *err) {
  LspError lerr;
  EditorTarget t;
  LspRange range;
  json_t *only, *given;
  if (editor_target(srv, params, &t, err) != 0) return -1;
  if (lsp_get_range(params, "range", &range, &lerr) != 0) return handler_invalid_params(err, &lerr);
  if (actions__read_context(params, &only, &given, err) != 0) return -1;
  json_t *list = json_array();
  *result = list;
  if (!t.model) return 0;

  uint32_t start = editor_offset(&t, range.start), end = editor_offset(&t, range.end);
  if (end < start) {
    uint32_t tmp = start;
    start = end;
    end = tmp;
  }
  uint32_t count = 0;
  const AnAction *actions = an_model_actions(t.model, start, end, &count);
  for (uint32_t i = 0; i < count; i++) {
    if (!actions__wanted(only, actions__kind_name(actions[i].kind))) continue;
    json_array_append_new(list, actions__one(srv, &t, &actions[i], i, start, end, given));
  }
  uint32_t fix_count = 0;
  const AnEdit *fixes = an_model_fix_all(t.model, &fix_count);
  if (fix_count > 0 && actions__wanted(only, ACTIONS__FIX_ALL_KIND))
    json_array_append_new(list, actions__fix_all(srv, &t, fixes, fix_count));
  return 0;
}

/* ------------------------------------------------------------------------
 * codeAction/resolve and workspace/executeCommand.
 */

static int actions__moved_on(HandlerError *err) {
  return handler_error(err, RPC_ERR_CONTENT_MODIFIED, "the document changed since the code action was computed");
}

/* The WorkspaceEdit of the action `data` names ({uri, version, start, end,
 * index, title} or {uri, version, fixAll: true}), computed again on the
 * document's current version; *title gets the action's title. `where`
 * names `data` in errors ("data", "arguments[0]"). */
static int actions__edit_of(Server *srv, json_t *data, const char *where, json_t **edit, const char **title,
                            HandlerError *err) {
  LspError lerr;
  const char *uri;
  int64_t version;
  bool fix_all = false;
  uint32_t start = 0, end = 0, index = 0;
  *title = ACTIONS__FIX_ALL_TITLE;
  if (lsp_get_string(data, "uri", &uri, &lerr) != 0 || lsp_get_int(data, "version", &version, &lerr) != 0 ||
      lsp_opt_bool(data, "fixAll", &fix_all, &lerr) < 0 ||
      (!fix_all && (lsp_get_uint(data, "start", &start, &lerr) != 0 || lsp_get_uint(data, "end", &end, &lerr) != 0 ||
                    lsp_get_uint(data, "index", &index, &lerr) != 0 ||
                    lsp_get_string(data, "title", title, &lerr) != 0))) {
    lsp_error_prefix(&lerr, "%s", where);
    return handler_invalid_params(err, &lerr);
  }
  DocStore *ds = server_docs(srv);
  EditorTarget t = {.uri = uri, .enc = server_client(srv)->encoding};
  t.doc = docstore_doc(ds, uri);
  if (!t.doc || doc_version(t.doc) != version) return actions__moved_on(err);
  t.model = docstore_model(ds, uri);
  if (!t.model) return actions__moved_on(err);
  if (fix_all) {
    uint32_t count = 0;
    const AnEdit *edits = an_model_fix_all(t.model, &count);
    *edit = editor_workspace_edit(srv, &t, edits, count);
    return 0;
  }
  uint32_t count = 0;
  const AnAction *actions = an_model_actions(t.model, start, end, &count);
  if (index >= count || strcmp(actions[index].title, *title) != 0) return actions__moved_on(err);
  *edit = editor_workspace_edit(srv, &t, actions[index].edits, actions[index].edit_count);
  return 0;
}

int handle_code_action_resolve(Server *srv, json_t *params, json_t **result, HandlerError *err) {
  LspError lerr;
  json_t *data = NULL;
  const char *title = NULL;
  if (lsp_get_string(params, "title", &title, &lerr) != 0 || lsp_opt_object(params, "data", &data, &lerr) < 0)
    return handler_invalid_params(err, &lerr);
  if (!data) {
    /* Not one of ours to complete: it is already whole. */
    *result = json_incref(params);
    return 0;
  }
  json_t *edit;
  if (actions__edit_of(srv, data, "data", &edit, &title, err) != 0) return -1;
  json_t *out = json_copy(params);
  json_object_set_new(out, "edit", edit);
  *result = out;
  return 0;
}

static void actions__on_applied(Server *srv, json_t *result, json_t *error) {
  (void)srv;
  const char *why = json_string_value(json_object_get(error ? error : result, error ? "message" : "failureReason"));
  if (error)
    hl_log(HL_LOG_WARN, "workspace/applyEdit failed: %s", why ? why : "no message");
  else if (!json_is_true(json_object_get(result, "applied")))
    hl_log(HL_LOG_INFO, "the client did not apply the edit: %s", why ? why : "no reason given");
}

int handle_execute_command(Server *srv, json_t *params, json_t **result, HandlerError *err) {
  LspError lerr;
  const char *command;
  json_t *args = NULL;
  if (lsp_get_string(params, "command", &command, &lerr) != 0 || lsp_opt_array(params, "arguments", &args, &lerr) < 0)
    return handler_invalid_params(err, &lerr);
  if (strcmp(command, HANDLERS_APPLY_ACTION) != 0)
    return handler_error(err, RPC_ERR_INVALID_PARAMS, "command: unknown command '%s'", command);
  if (json_array_size(args) != 1 || !json_is_object(json_array_get(args, 0)))
    return handler_error(err, RPC_ERR_INVALID_PARAMS, "arguments: expected one object, the action's data");
  /* LSP lets the server send workspace/applyEdit only to a client that
   * declared it; one that did not never got our commands, but any client
   * can send executeCommand. */
  if (!server_client(srv)->apply_edit)
    return handler_error(err, RPC_ERR_REQUEST_FAILED,
                         "the client cannot apply edits (no workspace.applyEdit capability)");
  json_t *edit;
  const char *title;
  if (actions__edit_of(srv, json_array_get(args, 0), "arguments[0]", &edit, &title, err) != 0) return -1;
  server_request(srv, "workspace/applyEdit",
                 json_pack("{s:o, s:o}", "label", rpc_string_lossy(title, strlen(title)), "edit", edit),
                 actions__on_applied);
  *result = json_null();
  return 0;
}
