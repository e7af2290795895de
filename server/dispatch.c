/* server/dispatch — framing, queueing, lifecycle gating and routing of
 * messages (see dispatch.h).
 *
 * Message path:
 *
 *   stdin chunk -> dispatch_feed -> RpcFramer -> rpc_decode -> rpc_classify
 *        |                                                        |
 *        |     $/cancelRequest: mark the queued request  <--------+
 *        |     everything else: DispatchItem on the queue <-------+
 *        v
 *   uv_check -> dispatch__on_check -> one item at a time, in order:
 *        prepared reply  -> send it
 *        request         -> gate by state -> table -> handler -> one reply
 *        notification    -> gate by state -> table -> handler (errors logged)
 *        response        -> outgoing table -> ServerResponseFn
 */
#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/rpc.h"
#include "protocol/rpc_framer.h"
#include "server/alloc.h"
#include "server/dispatch.h"
#include "server/log.h"

/* ------------------------------------------------------------------------
 * The method table, sorted by method name (strcmp order) for bsearch.
 */

typedef enum DispatchFlags {
  DISPATCH_F_REQUEST = 1 << 0,       /* a request (else a notification) */
  DISPATCH_F_NEEDS_INIT = 1 << 1,    /* refused before `initialize` */
  DISPATCH_F_AFTER_SHUTDOWN = 1 << 2, /* still allowed after `shutdown` */
  DISPATCH_F_CANCELLABLE = 1 << 3,   /* $/cancelRequest may skip it */
  DISPATCH_F_PARAMS_OBJECT = 1 << 4, /* params must be an object */
  DISPATCH_F_STARTS = 1 << 5,        /* success moves to RUNNING */
  DISPATCH_F_STOPS = 1 << 6,         /* success moves to SHUTDOWN */
} DispatchFlags;

typedef struct DispatchEntry {
  const char *method;
  HandlerFn handler;
  unsigned flags;
} DispatchEntry;

enum {
  DISPATCH__NOTE = DISPATCH_F_NEEDS_INIT | DISPATCH_F_PARAMS_OBJECT,
  DISPATCH__REQ = DISPATCH_F_REQUEST | DISPATCH_F_NEEDS_INIT,
  /* a read-only request about one document */
  DISPATCH__QUERY = DISPATCH__REQ | DISPATCH_F_CANCELLABLE | DISPATCH_F_PARAMS_OBJECT,
};

static const DispatchEntry dispatch__table[] = {
    {"codeAction/resolve", handle_code_action_resolve, DISPATCH__QUERY},
    {"exit", handle_exit, DISPATCH_F_AFTER_SHUTDOWN},
    {"initialize", handle_initialize, DISPATCH_F_REQUEST | DISPATCH_F_PARAMS_OBJECT | DISPATCH_F_STARTS},
    {"initialized", handle_initialized, DISPATCH_F_NEEDS_INIT},
    {"shutdown", handle_shutdown, DISPATCH__REQ | DISPATCH_F_STOPS},
    {"textDocument/codeAction", handle_code_action, DISPATCH__QUERY},
    {"textDocument/diagnostic", handle_document_diagnostic,
     DISPATCH__REQ | DISPATCH_F_CANCELLABLE | DISPATCH_F_PARAMS_OBJECT},
    {"textDocument/didChange", handle_did_change, DISPATCH__NOTE},
    {"textDocument/didClose", handle_did_close, DISPATCH__NOTE},
    {"textDocument/didOpen", handle_did_open, DISPATCH__NOTE},
    {"textDocument/didSave", handle_did_save, DISPATCH__NOTE},
    {"textDocument/hover", handle_hover, DISPATCH__QUERY},
    {"textDocument/inlayHint", handle_inlay_hint, DISPATCH__QUERY},
    {"textDocument/semanticTokens/full", handle_semantic_tokens_full, DISPATCH__QUERY},
    {"textDocument/semanticTokens/range", handle_semantic_tokens_range, DISPATCH__QUERY},
    {"workspace/didChangeConfiguration", handle_did_change_configuration, DISPATCH__NOTE},
    {"workspace/didChangeWatchedFiles", handle_did_change_watched_files, DISPATCH__NOTE},
    {"workspace/didChangeWorkspaceFolders", handle_did_change_workspace_folders, DISPATCH__NOTE},
    {"workspace/executeCommand", handle_execute_command, DISPATCH__REQ | DISPATCH_F_PARAMS_OBJECT},
};

#define DISPATCH__TABLE_LEN (sizeof dispatch__table / sizeof dispatch__table[0])

static int dispatch__compare(const void *key, const void *entry) {
  return strcmp(key, ((const DispatchEntry *)entry)->method);
}

static const DispatchEntry *dispatch__lookup(const char *method) {
  if (!method) return NULL;
  return bsearch(method, dispatch__table, DISPATCH__TABLE_LEN, sizeof dispatch__table[0],
                 dispatch__compare);
}

/* ------------------------------------------------------------------------
 * Queue items and the pending-request table.
 */

#define DISPATCH__BUCKETS 64u

typedef struct DispatchItem {
  struct DispatchItem *next;      /* queue order */
  struct DispatchItem *hash_next; /* pending-table bucket */
  json_t *msg;                    /* owned; NULL for a prepared reply */
  RpcMessage rpc;                 /* borrowed from msg */
  json_t *reply;                  /* owned prepared reply, or NULL */
  char *key;                      /* pending-table key of a request */
  bool cancelled;
} DispatchItem;

typedef struct DispatchOutgoing {
  struct DispatchOutgoing *next;
  int64_t id;
  ServerResponseFn on_response;
} DispatchOutgoing;

struct Dispatcher {
  uv_check_t check;
  Server *srv;
  RpcFramer framer;
  DispatchState state;
  bool eof;
  bool closing;
  DispatchItem *queue, *queue_tail;
  DispatchItem *pending[DISPATCH__BUCKETS];
  DispatchOutgoing *outgoing;
  int64_t next_id;
};

/* The table key of an id: "n:<integer>" or "s:<string>", so that 1 and "1"
 * stay different requests. NULL when the id is neither. */
static char *dispatch__key(json_t *id) {
  if (json_is_integer(id)) return hl_asprintf("n:%" JSON_INTEGER_FORMAT, json_integer_value(id));
  if (json_is_string(id)) return hl_asprintf("s:%s", json_string_value(id));
  return NULL;
}

static unsigned dispatch__hash(const char *key) {
  uint32_t h = 2166136261u; /* FNV-1a */
  for (const unsigned char *p = (const unsigned char *)key; *p; p++) h = (h ^ *p) * 16777619u;
  return h % DISPATCH__BUCKETS;
}

static DispatchItem *dispatch__pending_find(Dispatcher *d, const char *key) {
  for (DispatchItem *it = d->pending[dispatch__hash(key)]; it; it = it->hash_next)
    if (strcmp(it->key, key) == 0) return it;
  return NULL;
}

static void dispatch__pending_add(Dispatcher *d, DispatchItem *item) {
  unsigned h = dispatch__hash(item->key);
  item->hash_next = d->pending[h];
  d->pending[h] = item;
}

static bool dispatch__pending_remove(Dispatcher *d, DispatchItem *item) {
  if (!item->key) return false;
  for (DispatchItem **link = &d->pending[dispatch__hash(item->key)]; *link; link = &(*link)->hash_next) {
    if (*link == item) {
      *link = item->hash_next;
      item->hash_next = NULL;
      return true;
    }
  }
  return false;
}

static void dispatch__item_free(DispatchItem *item) {
  json_decref(item->msg);
  json_decref(item->reply);
  hl_free(item->key);
  hl_free(item);
}

static void dispatch__enqueue(Dispatcher *d, DispatchItem *item) {
  if (d->queue_tail) d->queue_tail->next = item;
  else d->queue = item;
  d->queue_tail = item;
}

static void dispatch__enqueue_reply(Dispatcher *d, json_t *reply) {
  DispatchItem *item = hl_calloc(1, sizeof *item);
  item->reply = reply;
  dispatch__enqueue(d, item);
}

/* ------------------------------------------------------------------------
 * Replies.
 */

/* Sends the one reply of a queued request and forgets its id. */
static void dispatch__reply(Dispatcher *d, DispatchItem *item, json_t *reply) {
  bool was_pending = dispatch__pending_remove(d, item);
  assert(was_pending && "a second reply for one request id");
  (void)was_pending;
  server_send(d->srv, reply, false);
}

static void dispatch__reply_error(Dispatcher *d, DispatchItem *item, int code, const char *message) {
  dispatch__reply(d, item, rpc_error_new(item->rpc.id, code, message, NULL));
}

int handler_error(HandlerError *err, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  err->code = code;
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  return -1;
}

int handler_invalid_params(HandlerError *err, const LspError *lerr) {
  return handler_error(err, RPC_ERR_INVALID_PARAMS, "%s", lerr->message);
}

/* ------------------------------------------------------------------------
 * Execution (uv_check).
 */

static void dispatch__run_request(Dispatcher *d, DispatchItem *item) {
  const DispatchEntry *e = dispatch__lookup(item->rpc.method);
  if (item->cancelled) {
    dispatch__reply_error(d, item, RPC_ERR_REQUEST_CANCELLED, "request cancelled");
  } else if (d->state == DISPATCH_UNINITIALIZED && (!e || (e->flags & DISPATCH_F_NEEDS_INIT))) {
    dispatch__reply_error(d, item, RPC_ERR_SERVER_NOT_INITIALIZED, "server not initialized");
  } else if (d->state == DISPATCH_SHUTDOWN && !(e && (e->flags & DISPATCH_F_AFTER_SHUTDOWN))) {
    dispatch__reply_error(d, item, RPC_ERR_INVALID_REQUEST, "server is shutting down");
  } else if (!e || !(e->flags & DISPATCH_F_REQUEST)) {
    dispatch__reply(d, item, rpc_error_newf(item->rpc.id, RPC_ERR_METHOD_NOT_FOUND, "unknown method '%s'",
                                            item->rpc.method));
  } else if ((e->flags & DISPATCH_F_STARTS) && d->state != DISPATCH_UNINITIALIZED) {
    dispatch__reply_error(d, item, RPC_ERR_INVALID_REQUEST, "initialize was already received");
  } else if ((e->flags & DISPATCH_F_PARAMS_OBJECT) && !json_is_object(item->rpc.params)) {
    dispatch__reply_error(d, item, RPC_ERR_INVALID_PARAMS, "params: expected an object");
  } else {
    json_t *result = NULL;
    HandlerError err = {0};
    if (e->handler(d->srv, item->rpc.params, &result, &err) != 0) {
      dispatch__reply_error(d, item, err.code, err.message);
      return;
    }
    dispatch__reply(d, item, rpc_response_new(item->rpc.id, result));
    if (e->flags & DISPATCH_F_STOPS) d->state = DISPATCH_SHUTDOWN;
    if (e->flags & DISPATCH_F_STARTS) {
      d->state = DISPATCH_RUNNING;
      server_initialize_done(d->srv);
    }
  }
}

static void dispatch__run_notification(Dispatcher *d, DispatchItem *item) {
  const char *method = item->rpc.method;
  const DispatchEntry *e = dispatch__lookup(method);
  if (!e || (e->flags & DISPATCH_F_REQUEST)) {
    hl_log(HL_LOG_DEBUG, "ignored notification '%s'", method);
    return;
  }
  if ((d->state == DISPATCH_UNINITIALIZED && (e->flags & DISPATCH_F_NEEDS_INIT)) ||
      (d->state == DISPATCH_SHUTDOWN && !(e->flags & DISPATCH_F_AFTER_SHUTDOWN))) {
    hl_log(HL_LOG_DEBUG, "ignored notification '%s' in this state", method);
    return;
  }
  if ((e->flags & DISPATCH_F_PARAMS_OBJECT) && !json_is_object(item->rpc.params)) {
    hl_log(HL_LOG_WARN, "%s: params: expected an object", method);
    return;
  }
  json_t *result = NULL;
  HandlerError err = {0};
  if (e->handler(d->srv, item->rpc.params, &result, &err) != 0)
    hl_log(HL_LOG_WARN, "%s: %s", method, err.message);
  json_decref(result);
}

static void dispatch__run_response(Dispatcher *d, DispatchItem *item) {
  json_t *id = item->rpc.id;
  for (DispatchOutgoing **link = &d->outgoing; *link; link = &(*link)->next) {
    DispatchOutgoing *out = *link;
    if (json_is_integer(id) && json_integer_value(id) == out->id) {
      *link = out->next;
      json_t *error = item->rpc.error;
      json_t *result = error ? NULL : item->rpc.result ? item->rpc.result : json_null();
      out->on_response(d->srv, result, error);
      hl_free(out);
      return;
    }
  }
  hl_log(HL_LOG_DEBUG, "ignored a response to an unknown request");
}

static void dispatch__run(Dispatcher *d, DispatchItem *item) {
  if (item->reply) {
    server_send(d->srv, json_incref(item->reply), false);
    return;
  }
  switch (item->rpc.kind) {
  case RPC_MSG_REQUEST: dispatch__run_request(d, item); break;
  case RPC_MSG_NOTIFICATION: dispatch__run_notification(d, item); break;
  case RPC_MSG_RESPONSE: dispatch__run_response(d, item); break;
  case RPC_MSG_INVALID: break;
  }
}

static void dispatch__on_check(uv_check_t *handle) {
  Dispatcher *d = handle->data;
  while (d->queue && !d->closing) {
    DispatchItem *item = d->queue;
    d->queue = item->next;
    if (!d->queue) d->queue_tail = NULL;
    dispatch__run(d, item);
    dispatch__pending_remove(d, item);
    dispatch__item_free(item);
  }
  if (d->eof && !d->closing) server_exit(d->srv, d->state == DISPATCH_SHUTDOWN ? 0 : 1);
}

/* ------------------------------------------------------------------------
 * Framing and classification (as bytes arrive).
 */

static void dispatch__cancel(Dispatcher *d, json_t *params) {
  char *key = dispatch__key(json_is_object(params) ? json_object_get(params, "id") : NULL);
  if (!key) return;
  DispatchItem *item = dispatch__pending_find(d, key);
  hl_free(key);
  if (!item) return;
  const DispatchEntry *e = dispatch__lookup(item->rpc.method);
  if (!e || (e->flags & DISPATCH_F_CANCELLABLE)) item->cancelled = true;
}

static void dispatch__accept(Dispatcher *d, json_t *msg) {
  RpcMessage rpc;
  rpc_classify(msg, &rpc);
  if (rpc.kind == RPC_MSG_INVALID) {
    dispatch__enqueue_reply(d, rpc_error_new(rpc.id, RPC_ERR_INVALID_REQUEST,
                                             rpc.invalid_reason ? rpc.invalid_reason : "invalid request",
                                             NULL));
    json_decref(msg);
    return;
  }
  if (rpc.kind == RPC_MSG_NOTIFICATION && strcmp(rpc.method, "$/cancelRequest") == 0) {
    dispatch__cancel(d, rpc.params);
    json_decref(msg);
    return;
  }
  DispatchItem *item = hl_calloc(1, sizeof *item);
  item->msg = msg;
  item->rpc = rpc;
  if (rpc.kind == RPC_MSG_REQUEST) {
    item->key = dispatch__key(rpc.id);
    if (item->key && dispatch__pending_find(d, item->key)) {
      item->reply = rpc_error_new(rpc.id, RPC_ERR_INVALID_REQUEST, "duplicate request id", NULL);
      hl_free(item->key);
      item->key = NULL;
    } else if (item->key) {
      dispatch__pending_add(d, item);
    }
  }
  dispatch__enqueue(d, item);
}

static void dispatch__frame(Dispatcher *d, const char *body, size_t len) {
  char err[256];
  json_t *msg = rpc_decode(body, len, err, sizeof err);
  if (!msg) {
    hl_log_stderr(HL_LOG_WARN, "invalid JSON: %s", err);
    dispatch__enqueue_reply(d, rpc_error_newf(NULL, RPC_ERR_PARSE, "parse error: %s", err));
    return;
  }
  dispatch__accept(d, msg);
}

void dispatch_feed(Dispatcher *d, const char *data, size_t len) {
  if (d->closing) return;
  if (rpc_framer_feed(&d->framer, data, len) != 0) {
    hl_log(HL_LOG_ERROR, "framing error: %s", rpc_frame_status_text(RPC_FRAME_ERR_NOMEM));
    return;
  }
  for (;;) {
    const char *body;
    size_t body_len;
    RpcFrameStatus st = rpc_framer_next(&d->framer, &body, &body_len);
    if (st == RPC_FRAME_NEED_MORE) break;
    if (st == RPC_FRAME_MESSAGE) dispatch__frame(d, body, body_len);
    else hl_log(HL_LOG_ERROR, "framing error: %s", rpc_frame_status_text(st));
  }
}

/* ------------------------------------------------------------------------
 * Life cycle and outgoing requests.
 */

#ifndef NDEBUG
static void dispatch__check_table(void) {
  for (size_t i = 1; i < DISPATCH__TABLE_LEN; i++)
    assert(strcmp(dispatch__table[i - 1].method, dispatch__table[i].method) < 0);
}
#endif

Dispatcher *dispatch_new(uv_loop_t *loop, Server *srv) {
#ifndef NDEBUG
  dispatch__check_table();
#endif
  Dispatcher *d = hl_calloc(1, sizeof *d);
  d->srv = srv;
  d->next_id = 1;
  rpc_framer_init(&d->framer, RPC_FRAMER_DEFAULT_MAX_HEADER, RPC_FRAMER_DEFAULT_MAX_BODY);
  uv_check_init(loop, &d->check);
  d->check.data = d;
  uv_check_start(&d->check, dispatch__on_check);
  return d;
}

void dispatch_eof(Dispatcher *d) { d->eof = true; }

DispatchState dispatch_state(const Dispatcher *d) { return d->state; }

void dispatch_request(Dispatcher *d, const char *method, json_t *params, ServerResponseFn on_response) {
  if (d->closing) {
    json_decref(params);
    return;
  }
  DispatchOutgoing *out = hl_malloc(sizeof *out);
  out->id = d->next_id++;
  out->on_response = on_response;
  out->next = d->outgoing;
  d->outgoing = out;
  json_t *id = json_integer(out->id);
  server_send(d->srv, rpc_request_new(id, method, params), false);
  json_decref(id);
}

static void dispatch__closed(uv_handle_t *handle) {
  Dispatcher *d = handle->data;
  while (d->queue) {
    DispatchItem *item = d->queue;
    d->queue = item->next;
    dispatch__item_free(item);
  }
  while (d->outgoing) {
    DispatchOutgoing *out = d->outgoing;
    d->outgoing = out->next;
    hl_free(out);
  }
  rpc_framer_deinit(&d->framer);
  hl_free(d);
}

void dispatch_close(Dispatcher *d) {
  if (!d || d->closing) return;
  d->closing = true;
  uv_close((uv_handle_t *)&d->check, dispatch__closed);
}
