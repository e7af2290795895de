/* server/dispatch — from framed bytes to handler calls, with exactly one
 * reply per request.
 *
 * The dispatcher owns the RpcFramer. Bytes from stdin are framed and decoded
 * as they arrive, and every message is put on a queue in arrival order;
 * errors found at that point (invalid JSON, invalid JSON-RPC, a duplicate id
 * of a request still in flight) are queued as ready-made replies. The queue
 * is executed from a uv_check callback, that is after everything read in the
 * current loop turn has been framed. `$/cancelRequest` is the one exception:
 * it acts immediately, marking a queued request so that it is answered with
 * RequestCancelled (-32800) instead of being executed.
 *
 * Lifecycle state machine: before `initialize` requests get
 * ServerNotInitialized (-32002) and notifications other than `exit` are
 * ignored; after `shutdown` requests get InvalidRequest and notifications
 * other than `exit` are ignored.
 *
 * The pending-request table maps the id of every request from the moment it
 * is queued until its reply is sent; replying twice to one id is a bug and
 * asserts in debug builds. Requests the server sends to the client (for
 * workspace/configuration) are kept in a second table until answered.
 *
 * Ownership: the Dispatcher embeds its uv_check handle and is freed from its
 * close callback after dispatch_close(). Loop thread only.
 */
#ifndef HYBRIDLS_SERVER_DISPATCH_H
#define HYBRIDLS_SERVER_DISPATCH_H

#include <jansson.h>
#include <stddef.h>
#include <uv.h>

#include "server/handlers.h"

typedef enum DispatchState {
  DISPATCH_UNINITIALIZED = 0,
  DISPATCH_RUNNING = 1,
  DISPATCH_SHUTDOWN = 2,
} DispatchState;

typedef struct Dispatcher Dispatcher;

/* New dispatcher on `loop`; `srv` is borrowed and receives the handler
 * calls and the messages to send. */
Dispatcher *dispatch_new(uv_loop_t *loop, Server *srv);

/* Frames and queues bytes read from stdin (borrowed). */
void dispatch_feed(Dispatcher *d, const char *data, size_t len);

/* stdin ended: once the queue has been executed, the server exits (code 0
 * when `shutdown` was received, else 1). */
void dispatch_eof(Dispatcher *d);

DispatchState dispatch_state(const Dispatcher *d);

/* Sends a request to the client (`params` stolen) and calls `on_response`
 * with its answer. */
void dispatch_request(Dispatcher *d, const char *method, json_t *params, ServerResponseFn on_response);

/* Stops executing, drops what is queued (queued requests get no reply: the
 * server is exiting), and frees the dispatcher once its handle is closed.
 * NULL is a no-op. */
void dispatch_close(Dispatcher *d);

#endif
