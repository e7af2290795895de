/* protocol/rpc — JSON-RPC 2.0 messages over jansson.
 *
 * Classification of incoming messages, construction of replies and
 * notifications, standard error codes, and encoding with the base-protocol
 * header. Includes only jansson and the C library.
 *
 * Ownership follows jansson: functions named `_new` return a new reference;
 * arguments documented as "stolen" are consumed even on failure; everything
 * else is borrowed.
 */
#ifndef HYBRIDLS_PROTOCOL_RPC_H
#define HYBRIDLS_PROTOCOL_RPC_H

#include <jansson.h>
#include <stddef.h>

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

/* Classifies a parsed message. Never fails: a message that is not valid
 * JSON-RPC 2.0 (not an object, wrong "jsonrpc", id of a wrong type, method not
 * a string, params neither object nor array) is RPC_MSG_INVALID with a reason
 * and, when it had a usable id, that id set so the caller can reply. */
void rpc_classify(json_t *msg, RpcMessage *out);

/* {"jsonrpc":"2.0","id":id,"result":result}. id borrowed (copied), result
 * stolen (NULL means JSON null). */
json_t *rpc_response_new(json_t *id, json_t *result);
/* {"jsonrpc":"2.0","id":id|null,"error":{"code","message","data"?}}.
 * id borrowed (NULL gives null), data stolen (may be NULL). */
json_t *rpc_error_new(json_t *id, int code, const char *message, json_t *data);
/* printf-style message. */
json_t *rpc_error_newf(json_t *id, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* {"jsonrpc":"2.0","method":method,"params":params}; params stolen. */
json_t *rpc_notification_new(const char *method, json_t *params);
/* {"jsonrpc":"2.0","id":id,"method":method,"params":params}; id borrowed,
 * params stolen. */
json_t *rpc_request_new(json_t *id, const char *method, json_t *params);

/* Serialises `msg` as "Content-Length: N\r\n\r\n<compact json>". Returns a
 * malloc'd buffer (free with free()) and its length, or NULL on failure. */
char *rpc_encode(const json_t *msg, size_t *len);

/* Parses a body. Returns a new reference, or NULL with a message in err. */
json_t *rpc_decode(const char *body, size_t len, char *err, size_t err_size);

/* Name of a standard error code ("InvalidParams"), "Unknown" otherwise. */
const char *rpc_error_name(int code);

#endif
