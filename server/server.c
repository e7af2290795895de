/* server/server — the language server process: owns the loop and every
 * component, and provides the services handlers use (see handlers.h).
 *
 *   stdin --Transport--> Dispatcher --handlers--> DocStore --analysis--> AnModel
 *                            |                        |
 *   stdout <--Transport--  server_send  <--  publishDiagnostics / replies
 *
 * Start-up: parse the command line, check the grammar against the
 * tree-sitter runtime (an_lang_new), create the loop, the dispatcher, the
 * document store and the transport, then run the loop.
 *
 * Exit: server_exit() closes every component; each frees itself from its
 * handles' close callbacks, the loop runs until nothing is left, and
 * uv_loop_close() must succeed before the Server itself is freed. Output
 * queued before the exit (the reply to `shutdown`, say) is written first.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <uv.h>

#include "protocol/rpc.h"
#include "server/alloc.h"
#include "server/dispatch.h"
#include "server/docstore.h"
#include "server/handlers.h"
#include "server/lang.h"
#include "server/log.h"
#include "server/server.h"
#include "server/transport.h"
#include "server/workspace.h"

#define SERVER__PARENT_CHECK_MS 2000u
#define SERVER__CLOSE_SPINS 1000

struct Server {
  uv_loop_t loop;
  uv_timer_t parent_timer;
  bool parent_timer_open;
  int64_t parent_pid;
  Transport *transport;
  Dispatcher *dispatch;
  DocStore *docs;
  Workspace *workspace;
  AnLang *lang;
  ServerClient client;
  Settings settings;
  json_t *layers[2]; /* ServerSettingsLayer -> settings object, or NULL */
  json_t *shown;     /* messages already shown: an object used as a set */
  json_t *held;      /* notifications held back until `initialize` is answered */
  bool initialize_done;
  bool exiting;
  int exit_code;
};

/* ------------------------------------------------------------------------
 * Accessors.
 */

const ServerClient *server_client(const Server *srv) { return &srv->client; }

void server_set_client(Server *srv, const ServerClient *client) { srv->client = *client; }

DocStore *server_docs(Server *srv) { return srv->docs; }

Workspace *server_workspace(Server *srv) { return srv->workspace; }

const AnLang *server_lang(const Server *srv) { return srv->lang; }

const Settings *server_settings(const Server *srv) { return &srv->settings; }

void server_settings_layer(const Server *srv, Settings *s) {
  for (size_t i = 0; i < sizeof srv->layers / sizeof srv->layers[0]; i++) settings_apply(s, srv->layers[i], NULL, NULL);
}

bool server_shutdown_received(const Server *srv) {
  return srv->dispatch && dispatch_state(srv->dispatch) == DISPATCH_SHUTDOWN;
}

/* ------------------------------------------------------------------------
 * Output.
 */

static bool server__droppable(const char *method) {
  return strcmp(method, "textDocument/publishDiagnostics") == 0 || strcmp(method, "window/logMessage") == 0;
}

void server_send(Server *srv, json_t *msg, bool droppable) {
  size_t len;
  char *buf = rpc_encode(msg, &len);
  json_decref(msg);
  if (!buf) {
    fputs("hybridls: out of memory\n", stderr);
    exit(70);
  }
  transport_send(srv->transport, buf, len, droppable);
}

void server_notify(Server *srv, const char *method, json_t *params) {
  json_t *msg = rpc_notification_new(method, params);
  if (!srv->initialize_done) {
    json_array_append_new(srv->held, msg);
    return;
  }
  server_send(srv, msg, server__droppable(method));
}

void server_show_message(Server *srv, int type, const char *fmt, ...) {
  char message[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  const char *plain = strncmp(message, "hybridls: ", 10) == 0 ? message + 10 : message;
  hl_log_stderr(HL_LOG_WARN, "%s", plain);
  server_notify(srv, "window/showMessage",
                json_pack("{s:i, s:o}", "type", type, "message", rpc_string_lossy(message, strlen(message))));
}

void server_request(Server *srv, const char *method, json_t *params, ServerResponseFn on_response) {
  dispatch_request(srv->dispatch, method, params, on_response);
}

static void server__log_sink(void *data, HlLogLevel level, const char *message) {
  server_notify(data, "window/logMessage",
                json_pack("{s:i, s:o}", "type", (int)level, "message", rpc_string_lossy(message, strlen(message))));
}

void server_initialize_done(Server *srv) {
  srv->initialize_done = true;
  size_t i;
  json_t *msg;
  json_array_foreach(srv->held, i, msg) {
    json_t *method = json_object_get(msg, "method");
    server_send(srv, json_incref(msg), server__droppable(json_string_value(method)));
  }
  json_array_clear(srv->held);
  hl_log_set_sink(server__log_sink, srv);
}

/* ------------------------------------------------------------------------
 * Settings.
 */

static void server__settings_error(void *data, const char *key, const char *reason) {
  Server *srv = data;
  char *message = hl_asprintf("hybridls: invalid setting '%s': %s", key, reason);
  if (!json_object_get(srv->shown, message)) {
    json_object_set_new(srv->shown, message, json_true());
    server_show_message(srv, 2, "%s", message);
  }
  hl_free(message);
}

void server_set_settings(Server *srv, ServerSettingsLayer layer, json_t *obj) {
  json_decref(srv->layers[layer]);
  srv->layers[layer] = json_is_object(obj) ? json_incref(obj) : NULL;
  Settings next;
  settings_init(&next);
  for (size_t i = 0; i < sizeof srv->layers / sizeof srv->layers[0]; i++)
    settings_apply(&next, srv->layers[i], server__settings_error, srv);
  bool changed = !settings_equal(&next, &srv->settings);
  /* Which functions run as graphs depends on `keras`; whether hints are
   * shown at all on `inlayHints`. The client asks again after a refresh. */
  bool graph_changed = next.keras != srv->settings.keras;
  bool hints_changed = graph_changed || next.inlay_hints != srv->settings.inlay_hints;
  srv->settings = next;
  if (changed && srv->docs) docstore_settings_changed(srv->docs);
  if (srv->initialize_done && (graph_changed || hints_changed))
    handlers_graph_refresh(srv, graph_changed, hints_changed);
}

/* ------------------------------------------------------------------------
 * Parent process watch.
 */

static void server__on_parent_timer(uv_timer_t *timer) {
  Server *srv = timer->data;
  if (kill((pid_t)srv->parent_pid, 0) != 0 && errno == ESRCH) {
    hl_log(HL_LOG_ERROR, "parent process %lld is gone: exiting", (long long)srv->parent_pid);
    server_exit(srv, 1);
  }
}

void server_watch_parent(Server *srv, int64_t pid) {
  if (srv->parent_timer_open || srv->exiting) return;
  srv->parent_pid = pid;
  uv_timer_init(&srv->loop, &srv->parent_timer);
  srv->parent_timer.data = srv;
  srv->parent_timer_open = true;
  uv_timer_start(&srv->parent_timer, server__on_parent_timer, SERVER__PARENT_CHECK_MS,
                 SERVER__PARENT_CHECK_MS);
}

/* ------------------------------------------------------------------------
 * Transport callbacks.
 */

static void server__on_data(void *owner, const char *data, size_t len) {
  Server *srv = owner;
  dispatch_feed(srv->dispatch, data, len);
}

static void server__on_eof(void *owner) {
  Server *srv = owner;
  hl_log_stderr(HL_LOG_INFO, "end of input");
  dispatch_eof(srv->dispatch);
}

static void server__on_write_error(void *owner) { server_exit(owner, 1); }

/* ------------------------------------------------------------------------
 * Life cycle.
 */

void server_exit(Server *srv, int code) {
  if (srv->exiting) return;
  srv->exiting = true;
  srv->exit_code = code;
  hl_log_set_sink(NULL, NULL);
  dispatch_close(srv->dispatch);
  docstore_close(srv->docs);
  workspace_close(srv->workspace);
  if (srv->parent_timer_open) uv_close((uv_handle_t *)&srv->parent_timer, NULL);
  transport_close(srv->transport);
}

static int server__parse_args(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    const char *level = NULL;
    if (strcmp(arg, "--stdio") == 0) continue;
    if (strcmp(arg, "--log-level") == 0) {
      if (i + 1 >= argc) {
        fputs("hybridls serve: --log-level needs a value: error, warn, info or debug\n", stderr);
        return 2;
      }
      level = argv[++i];
    } else if (strncmp(arg, "--log-level=", 12) == 0) {
      level = arg + 12;
    } else {
      fprintf(stderr, "hybridls serve: unknown option '%s'\nusage: hybridls serve [--stdio] "
                      "[--log-level error|warn|info|debug]\n", arg);
      return 2;
    }
    HlLogLevel parsed;
    if (hl_log_parse_level(level, &parsed) != 0) {
      fprintf(stderr, "hybridls serve: unknown log level '%s' (error, warn, info or debug)\n", level);
      return 2;
    }
    hl_log_set_level(parsed);
  }
  return 0;
}

static void server__close_leftover(uv_handle_t *handle, void *arg) {
  (void)arg;
  if (uv_is_closing(handle)) return;
  hl_log_stderr(HL_LOG_ERROR, "closing a leftover %s handle", uv_handle_type_name(uv_handle_get_type(handle)));
  uv_close(handle, NULL);
}

/* Runs the loop until every handle is closed and the loop can be closed. */
static void server__close_loop(uv_loop_t *loop) {
  for (int spin = 0; uv_loop_close(loop) == UV_EBUSY; spin++) {
    if (spin == SERVER__CLOSE_SPINS) {
      uv_walk(loop, server__close_leftover, NULL);
    } else if (spin > 2 * SERVER__CLOSE_SPINS) {
      hl_log_stderr(HL_LOG_ERROR, "the event loop did not close");
      return;
    }
    uv_run(loop, UV_RUN_NOWAIT);
  }
}

static void server__free(Server *srv) {
  for (size_t i = 0; i < sizeof srv->layers / sizeof srv->layers[0]; i++) json_decref(srv->layers[i]);
  json_decref(srv->shown);
  json_decref(srv->held);
  an_lang_free(srv->lang);
  hl_free(srv);
}

int server_main(int argc, char **argv) {
  int rc = server__parse_args(argc, argv);
  if (rc != 0) return rc;

  char err[256] = "";
  AnLang *lang = an_lang_new(hl_python_language(), err, sizeof err);
  if (!lang) {
    fprintf(stderr, "hybridls: %s\n", err[0] ? err : "cannot load the Python grammar");
    return 1;
  }
  signal(SIGPIPE, SIG_IGN);

  Server *srv = hl_calloc(1, sizeof *srv);
  srv->lang = lang;
  srv->exit_code = 1;
  srv->client.encoding = LI_UTF16;
  srv->shown = json_object();
  srv->held = json_array();
  settings_init(&srv->settings);
  uv_loop_init(&srv->loop);
  srv->dispatch = dispatch_new(&srv->loop, srv);
  srv->docs = docstore_new(&srv->loop, srv);
  srv->workspace = workspace_new(&srv->loop, srv);
  TransportCallbacks cb = {server__on_data, server__on_eof, server__on_write_error};
  srv->transport = transport_new(&srv->loop, &cb, srv);
  if (!srv->transport) server_exit(srv, 1);

  uv_run(&srv->loop, UV_RUN_DEFAULT);
  if (!srv->exiting) server_exit(srv, 1);
  server__close_loop(&srv->loop);
  hl_log_set_sink(NULL, NULL);
  rc = srv->exit_code;
  server__free(srv);
  return rc;
}
