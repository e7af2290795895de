/* protocol/rpc — see rpc.h for the contract.
 *
 * Builders follow one pattern: every member is added with rpc__set(), which
 * consumes its value whatever happens (as json_object_set_new does, and also
 * when the object itself could not be allocated), and the results are OR-ed
 * together. So a failure anywhere releases everything exactly once and the
 * builder returns NULL, which keeps the allocation-failure tests leak-free.
 */
#include "protocol/rpc.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Adds value under key, consuming value in every case. */
static int rpc__set(json_t *obj, const char *key, json_t *value) {
  if (!obj) {
    json_decref(value);
    return -1;
  }
  return json_object_set_new(obj, key, value);
}

static bool rpc__id_usable(const json_t *id) { return json_is_string(id) || json_is_integer(id); }

/* ---------------------------------------------------------------------------
 * UTF-8.
 */

/* Length of the well-formed UTF-8 sequence at s (Unicode table 3-7: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or 0. These are the
 * rules jansson applies, so a string that passes may use json_stringn_nocheck. */
static size_t rpc__utf8_seq(const unsigned char *s, size_t n) {
  unsigned char c = s[0];
  if (c < 0x80) return 1;
  if (c < 0xC2) return 0;
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c < 0xE0) {
    len = 2;
  } else if (c < 0xF0) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c < 0xF5) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (n < len || s[1] < lo || s[1] > hi) return 0;
  for (size_t i = 2; i < len; i++)
    if ((s[i] & 0xC0) != 0x80) return 0;
  return len;
}

json_t *rpc_string_lossy(const char *s, size_t len) {
  if (!s) return len ? NULL : json_string("");
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  while (i < len) {
    size_t k = rpc__utf8_seq(u + i, len - i);
    if (!k) break;
    i += k;
  }
  if (i == len) return json_stringn_nocheck(s, len);
  /* Each invalid byte becomes U+FFFD (3 bytes). */
  if (len > (SIZE_MAX - 1) / 3) return NULL;
  char *buf = rpc_malloc(len * 3 + 1);
  if (!buf) return NULL;
  memcpy(buf, s, i);
  size_t o = i;
  while (i < len) {
    size_t k = rpc__utf8_seq(u + i, len - i);
    if (k) {
      memcpy(buf + o, s + i, k);
      o += k;
      i += k;
    } else {
      memcpy(buf + o, "\xEF\xBF\xBD", 3);
      o += 3;
      i++;
    }
  }
  json_t *str = json_stringn_nocheck(buf, o);
  rpc_free(buf);
  return str;
}

/* ---------------------------------------------------------------------------
 * Classification.
 */

static bool rpc__is_version(const json_t *v) {
  return json_is_string(v) && json_string_length(v) == 3 && memcmp(json_string_value(v), "2.0", 3) == 0;
}

static void rpc__classify_response(json_t *msg, json_t *id, RpcMessage *out) {
  json_t *result = json_object_get(msg, "result");
  json_t *error = json_object_get(msg, "error");
  if (!id) {
    out->invalid_reason = "message has neither \"method\" nor \"id\"";
    return;
  }
  if (!rpc__id_usable(id) && !json_is_null(id)) {
    out->invalid_reason = "\"id\" must be a string or an integer";
    return;
  }
  if (result && error) {
    out->invalid_reason = "response has both \"result\" and \"error\"";
    return;
  }
  if (!result && !error) {
    out->invalid_reason = "message has \"id\" but no \"method\", \"result\" or \"error\"";
    return;
  }
  if (error && (!json_is_object(error) || !json_is_integer(json_object_get(error, "code")) ||
                !json_is_string(json_object_get(error, "message")))) {
    out->invalid_reason = "\"error\" must be an object with an integer \"code\" and a string \"message\"";
    return;
  }
  if (json_is_null(id) && !error) {
    out->invalid_reason = "a response with a null \"id\" must carry an \"error\"";
    return;
  }
  out->kind = RPC_MSG_RESPONSE;
  out->result = result;
  out->error = error;
}

void rpc_classify(json_t *msg, RpcMessage *out) {
  memset(out, 0, sizeof *out);
  out->kind = RPC_MSG_INVALID;
  if (!json_is_object(msg)) {
    out->invalid_reason = "message is not a JSON object";
    return;
  }
  json_t *id = json_object_get(msg, "id");
  if (rpc__id_usable(id)) out->id = id;
  json_t *method = json_object_get(msg, "method");
  bool method_ok = json_is_string(method) && strlen(json_string_value(method)) == json_string_length(method);
  if (method_ok) out->method = json_string_value(method);
  if (!rpc__is_version(json_object_get(msg, "jsonrpc"))) {
    out->invalid_reason = "\"jsonrpc\" must be \"2.0\"";
    return;
  }
  if (!method) {
    rpc__classify_response(msg, id, out);
    return;
  }
  if (!json_is_string(method)) {
    out->invalid_reason = "\"method\" must be a string";
    return;
  }
  if (!method_ok) {
    out->invalid_reason = "\"method\" contains a NUL character";
    return;
  }
  json_t *params = json_object_get(msg, "params");
  if (params && !json_is_null(params)) {
    if (!json_is_object(params) && !json_is_array(params)) {
      out->invalid_reason = "\"params\" must be an object or an array";
      return;
    }
    out->params = params;
  }
  if (!id) {
    out->kind = RPC_MSG_NOTIFICATION;
    return;
  }
  if (!out->id) {
    out->params = NULL;
    out->invalid_reason = "\"id\" must be a string or an integer";
    return;
  }
  out->kind = RPC_MSG_REQUEST;
}

/* ---------------------------------------------------------------------------
 * Builders.
 */

/* A copy of a usable id; null for NULL (and, when lenient, for an unusable
 * id). NULL for an unusable id when strict, or on allocation failure. */
static json_t *rpc__copy_id(json_t *id, bool lenient) {
  if (rpc__id_usable(id)) return json_copy(id);
  if (!id || json_is_null(id) || lenient) return json_null();
  return NULL;
}

static json_t *rpc__envelope(void) {
  json_t *msg = json_object();
  if (rpc__set(msg, "jsonrpc", json_string("2.0"))) {
    json_decref(msg);
    return NULL;
  }
  return msg;
}

json_t *rpc_response_new(json_t *id, json_t *result) {
  if (!result) result = json_null();
  json_t *msg = rpc__envelope();
  int rc = rpc__set(msg, "id", rpc__copy_id(id, false));
  rc |= rpc__set(msg, "result", result);
  if (rc) {
    json_decref(msg);
    return NULL;
  }
  return msg;
}

json_t *rpc_error_new(json_t *id, int code, const char *message, json_t *data) {
  if (!message) message = rpc_error_name(code);
  json_t *err = json_object();
  int rc = rpc__set(err, "code", json_integer(code));
  rc |= rpc__set(err, "message", rpc_string_lossy(message, strlen(message)));
  if (data) rc |= rpc__set(err, "data", data);
  if (rc) {
    json_decref(err);
    return NULL;
  }
  json_t *msg = rpc__envelope();
  rc = rpc__set(msg, "id", rpc__copy_id(id, true));
  rc |= rpc__set(msg, "error", err);
  if (rc) {
    json_decref(msg);
    return NULL;
  }
  return msg;
}

json_t *rpc_error_newf(json_t *id, int code, const char *fmt, ...) {
  char small[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return NULL;
  if ((size_t)n < sizeof small) return rpc_error_new(id, code, small, NULL);
  char *big = rpc_malloc((size_t)n + 1);
  if (!big) return NULL;
  va_start(ap, fmt);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  va_end(ap);
  json_t *msg = rpc_error_new(id, code, big, NULL);
  rpc_free(big);
  return msg;
}

json_t *rpc_notification_new(const char *method, json_t *params) {
  if (!method) {
    json_decref(params);
    return NULL;
  }
  json_t *msg = rpc__envelope();
  int rc = rpc__set(msg, "method", rpc_string_lossy(method, strlen(method)));
  if (params) rc |= rpc__set(msg, "params", params);
  if (rc) {
    json_decref(msg);
    return NULL;
  }
  return msg;
}

json_t *rpc_request_new(json_t *id, const char *method, json_t *params) {
  if (!method || !rpc__id_usable(id)) {
    json_decref(params);
    return NULL;
  }
  json_t *msg = rpc__envelope();
  int rc = rpc__set(msg, "id", json_copy(id));
  rc |= rpc__set(msg, "method", rpc_string_lossy(method, strlen(method)));
  if (params) rc |= rpc__set(msg, "params", params);
  if (rc) {
    json_decref(msg);
    return NULL;
  }
  return msg;
}

/* ---------------------------------------------------------------------------
 * Encoding and decoding.
 */

char *rpc_encode(const json_t *msg, size_t *len) {
  if (!msg) return NULL;
  /* First pass measures, second writes: linear, and no intermediate copy. */
  size_t n = json_dumpb(msg, NULL, 0, JSON_COMPACT);
  if (n == 0) return NULL;
  char head[48];
  int h = snprintf(head, sizeof head, "Content-Length: %zu\r\n\r\n", n);
  if (h < 0 || (size_t)h >= sizeof head || n > SIZE_MAX - (size_t)h - 1) return NULL;
  size_t total = (size_t)h + n;
  char *buf = rpc_malloc(total + 1);
  if (!buf) return NULL;
  memcpy(buf, head, (size_t)h);
  if (json_dumpb(msg, buf + h, n, JSON_COMPACT) != n) {
    rpc_free(buf);
    return NULL;
  }
  buf[total] = '\0';
  if (len) *len = total;
  return buf;
}

json_t *rpc_decode(const char *body, size_t len, char *err, size_t err_size) {
  json_error_t e;
  json_t *v = json_loadb(body ? body : "", body ? len : 0, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
  if (!v && err && err_size > 0)
    snprintf(err, err_size, "%s (line %d, column %d)", e.text, e.line, e.column);
  return v;
}

const char *rpc_error_name(int code) {
  switch (code) {
  case RPC_ERR_PARSE: return "ParseError";
  case RPC_ERR_INVALID_REQUEST: return "InvalidRequest";
  case RPC_ERR_METHOD_NOT_FOUND: return "MethodNotFound";
  case RPC_ERR_INVALID_PARAMS: return "InvalidParams";
  case RPC_ERR_INTERNAL: return "InternalError";
  case RPC_ERR_SERVER_NOT_INITIALIZED: return "ServerNotInitialized";
  case RPC_ERR_UNKNOWN: return "UnknownErrorCode";
  case RPC_ERR_REQUEST_FAILED: return "RequestFailed";
  case RPC_ERR_SERVER_CANCELLED: return "ServerCancelled";
  case RPC_ERR_CONTENT_MODIFIED: return "ContentModified";
  case RPC_ERR_REQUEST_CANCELLED: return "RequestCancelled";
  default: return "Unknown";
  }
}
