/* protocol/rpc — JSON-RPC 2.0 messages over jansson.
 *
 * Classification of incoming messages, construction of replies and
 * notifications, standard error codes, and encoding with the base-protocol
 * header. Includes only jansson, the C library and protocol/rpc_framer.h
 * (for the allocation seam, rpc_set_allocator / rpc_free).
 *
 * Ownership follows jansson: functions named `_new` return a new reference;
 * arguments documented as "stolen" are consumed even on failure; everything
 * else is borrowed. Every builder returns NULL on allocation failure (and then
 * still consumes its stolen arguments) and never aborts.
 *
 * Strings given to the builders may be any bytes: invalid UTF-8 sequences are
 * replaced by U+FFFD rather than failing (jansson rejects invalid UTF-8), so a
 * message quoting user input can always be sent.
 *
 * Threads: no shared state besides the allocator, which is installed once.
 */
#ifndef HYBRIDLS_PROTOCOL_RPC_H
#define HYBRIDLS_PROTOCOL_RPC_H

#include <jansson.h>
#include <stddef.h>

#include "protocol/rpc_framer.h"

enum {
  RPC_ERR_PARSE = -32700,
  RPC_ERR_INVALID_REQUEST = -32600,
  RPC_ERR_METHOD_NOT_FOUND = -32601,
  RPC_ERR_INVALID_PARAMS = -32602,
  RPC_ERR_INTERNAL = -32603,
  RPC_ERR_SERVER_NOT_INITIALIZED = -32002,
  RPC_ERR_UNKNOWN = -32001,
  RPC_ERR_REQUEST_FAILED = -32803,
  RPC_ERR_SERVER_CANCELLED = -32802,
  RPC_ERR_CONTENT_MODIFIED = -32801,
  RPC_ERR_REQUEST_CANCELLED = -32800,
};

typedef enum RpcMsgKind {
  RPC_MSG_INVALID = 0,
  RPC_MSG_REQUEST,      /* method + id */
  RPC_MSG_NOTIFICATION, /* method, no id */
  RPC_MSG_RESPONSE,     /* id + result or error, no method */
} RpcMsgKind;

typedef struct RpcMessage {
  RpcMsgKind kind;
  const char *method; /* borrowed from the message; NULL for responses */
  json_t *id;         /* borrowed; NULL for notifications; string or integer */
  json_t *params;     /* borrowed; NULL when absent */
  json_t *result;     /* responses */
  json_t *error;      /* responses */
  const char *invalid_reason; /* for RPC_MSG_INVALID: why, static string */
} RpcMessage;

/* Classifies a parsed message (msg may be NULL, which is invalid). Never
 * fails and never allocates. The rules, in order:
 *   - not an object: invalid ("message is not a JSON object");
 *   - "jsonrpc" must be the string "2.0";
 *   - with "method": it must be a string without NUL bytes; "params", when
 *     present and not null, must be an object or an array ("params": null is
 *     taken as absent); with an "id" member the message is a request, and the
 *     id must be a string or an integer (null included: a request whose id is
 *     null or of another type is invalid with id NULL); without "id" it is a
 *     notification;
 *   - without "method": a response needs an "id" (string, integer, or null
 *     for an error reply; out->id is NULL for null) and exactly one of
 *     "result" and "error"; "error" must be an object with an integer "code"
 *     and a string "message".
 * For RPC_MSG_INVALID, out->invalid_reason says why and out->id is set when
 * the message had a string or integer id, so the caller can reply with
 * InvalidRequest; out->method is set when it was a usable string. */
void rpc_classify(json_t *msg, RpcMessage *out);

/* {"jsonrpc":"2.0","id":id,"result":result}. id borrowed (copied; NULL
 * gives null), result stolen (NULL means JSON null). Returns NULL when id is
 * not a string, an integer or null, or on allocation failure. */
json_t *rpc_response_new(json_t *id, json_t *result);
/* {"jsonrpc":"2.0","id":id|null,"error":{"code","message","data"?}}.
 * id borrowed (copied; NULL, or an id that is not a string or an integer,
 * gives null so an error can always be sent), data stolen (may be NULL).
 * message NULL uses rpc_error_name(code). NULL only on allocation failure. */
json_t *rpc_error_new(json_t *id, int code, const char *message, json_t *data);
/* As rpc_error_new without data, with a printf-style message. */
json_t *rpc_error_newf(json_t *id, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* {"jsonrpc":"2.0","method":method,"params":params}; params stolen (NULL
 * omits "params"). Returns NULL when method is NULL. */
json_t *rpc_notification_new(const char *method, json_t *params);
/* {"jsonrpc":"2.0","id":id,"method":method,"params":params}; id borrowed
 * (copied; must be a string or an integer), params stolen (NULL omits
 * "params"). Returns NULL when method is NULL or id is not usable. */
json_t *rpc_request_new(json_t *id, const char *method, json_t *params);

/* A JSON string of s[0..len) (new reference). Invalid UTF-8 sequences are
 * replaced by U+FFFD; NUL bytes are kept. NULL only on allocation failure. */
json_t *rpc_string_lossy(const char *s, size_t len);

/* Serialises `msg` as "Content-Length: N\r\n\r\n<compact json>" (N is the
 * byte length of the JSON, which keeps jansson's key order). Returns a buffer
 * from the protocol allocator, released with rpc_free(), and sets *len to its
 * length; the buffer is also NUL-terminated (not counted in *len). Returns
 * NULL when msg is NULL or cannot be serialised, or on allocation failure. */
char *rpc_encode(const json_t *msg, size_t *len);

/* Parses a body (any JSON value; NUL allowed inside strings as \u0000;
 * nothing but whitespace may follow the value). Returns a new reference, or
 * NULL with a message in err (when err is non-NULL and err_size > 0), like
 * "'[' or '{' expected near 'x' (line 1, column 1)". A value that is valid
 * JSON but not a JSON-RPC message is returned, for rpc_classify to reject. */
json_t *rpc_decode(const char *body, size_t len, char *err, size_t err_size);

/* Name of a standard error code ("InvalidParams"), "Unknown" otherwise. */
const char *rpc_error_name(int code);

#endif
