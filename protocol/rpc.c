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

/* Messages are written by the writer below rather than by json_dumpb:
 * jansson's writer spends about a hundred instructions per byte (a callback
 * per escaped run, printf per number), which made publishing the
 * diagnostics of a large file cost more than finding them. The output is
 * the same JSON: members in insertion order, UTF-8 unescaped, control
 * characters, quote and backslash escaped. The body is written once, behind
 * room for the longest header, and the header goes in front. */
#define RPC__HEAD_MAX 40u
#define RPC__DEPTH_MAX 2048u

typedef struct RpcOut {
  char *p;
  size_t len, cap;
  bool failed;
} RpcOut;

static char *rpc__room(RpcOut *o, size_t n) {
  if (o->failed) return NULL;
  if (n > SIZE_MAX / 4 - o->len) {
    o->failed = true;
    return NULL;
  }
  if (o->len + n + 1 > o->cap) {
    size_t cap = o->cap;
    while (o->len + n + 1 > cap) cap *= 2;
    char *p = rpc_realloc(o->p, cap);
    if (!p) {
      o->failed = true;
      return NULL;
    }
    o->p = p;
    o->cap = cap;
  }
  return o->p + o->len;
}

static void rpc__put(RpcOut *o, const char *s, size_t n) {
  char *at = rpc__room(o, n);
  if (!at) return;
  memcpy(at, s, n);
  o->len += n;
}

static void rpc__put_string(RpcOut *o, const char *s, size_t n) {
  static const char hex[] = "0123456789ABCDEF";
  rpc__put(o, "\"", 1);
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    rpc__put(o, s + run, i - run);
    run = i + 1;
    char esc[6] = {'\\', (char)c, 0, 0, 0, 0};
    size_t k = 2;
    switch (c) {
    case '"': case '\\': break;
    case '\n': esc[1] = 'n'; break;
    case '\r': esc[1] = 'r'; break;
    case '\t': esc[1] = 't'; break;
    case '\b': esc[1] = 'b'; break;
    case '\f': esc[1] = 'f'; break;
    default:
      memcpy(esc + 1, "u00", 3);
      esc[4] = hex[c >> 4];
      esc[5] = hex[c & 15];
      k = 6;
    }
    rpc__put(o, esc, k);
  }
  rpc__put(o, s + run, n - run);
  rpc__put(o, "\"", 1);
}

static void rpc__put_scalar(RpcOut *o, const json_t *v) {
  char num[40];
  switch (json_typeof(v)) {
  case JSON_STRING: rpc__put_string(o, json_string_value(v), json_string_length(v)); return;
  case JSON_INTEGER: {
    json_int_t x = json_integer_value(v);
    unsigned long long u = x < 0 ? 0ull - (unsigned long long)x : (unsigned long long)x;
    size_t k = sizeof num;
    do num[--k] = (char)('0' + u % 10); while ((u /= 10) != 0);
    if (x < 0) num[--k] = '-';
    rpc__put(o, num + k, sizeof num - k);
    return;
  }
  case JSON_REAL: {
    /* As jansson writes it: %.17g, a bare exponent, and a ".0" when that
     * reads as an integer. */
    int k = snprintf(num, sizeof num - 2, "%.17g", json_real_value(v));
    if (k <= 0 || (size_t)k >= sizeof num - 2) {
      o->failed = true;
      return;
    }
    char *e = strchr(num, 'e');
    if (e) { /* "1e+300" -> "1e300", "1e-07" -> "1e-7", as jansson does */
      char *d = e + 1 + (e[1] == '-');
      if (*d == '+') memmove(d, d + 1, strlen(d));
      while (*d == '0' && d[1]) memmove(d, d + 1, strlen(d));
      k = (int)strlen(num);
    } else if (!strchr(num, '.')) {
      memcpy(num + k, ".0", 3);
      k += 2;
    }
    rpc__put(o, num, (size_t)k);
    return;
  }
  case JSON_TRUE: rpc__put(o, "true", 4); return;
  case JSON_FALSE: rpc__put(o, "false", 5); return;
  default: rpc__put(o, "null", 4); return;
  }
}

/* One open container of the iterative writer. */
typedef struct RpcFrame {
  const json_t *v;
  void *iter;   /* objects: the next member */
  size_t index; /* arrays: the next element */
  bool first;
} RpcFrame;

/* Writes a value whose top is an object or array, without recursion. */
static void rpc__write(RpcOut *o, const json_t *top) {
  RpcFrame *stack = rpc_malloc(sizeof *stack * 16);
  size_t depth = 0, cap = 16;
  const json_t *v = top;
  while (stack && !o->failed) {
    if (v) { /* open or write `v` */
      if (!json_is_object(v) && !json_is_array(v)) {
        rpc__put_scalar(o, v);
      } else if (depth == RPC__DEPTH_MAX) {
        o->failed = true;
      } else {
        if (depth == cap) {
          RpcFrame *grown = rpc_realloc(stack, sizeof *stack * cap * 2);
          if (!grown) break;
          stack = grown;
          cap *= 2;
        }
        stack[depth++] = (RpcFrame){v, json_is_object(v) ? json_object_iter((json_t *)v) : NULL, 0, true};
        rpc__put(o, json_is_object(v) ? "{" : "[", 1);
      }
      v = NULL;
    }
    if (depth == 0) break;
    RpcFrame *f = &stack[depth - 1];
    if (json_is_object(f->v) ? f->iter == NULL : f->index >= json_array_size(f->v)) {
      rpc__put(o, json_is_object(f->v) ? "}" : "]", 1);
      depth--;
      continue;
    }
    if (!f->first) rpc__put(o, ",", 1);
    f->first = false;
    if (json_is_object(f->v)) {
      const char *key = json_object_iter_key(f->iter);
      rpc__put_string(o, key, strlen(key));
      rpc__put(o, ":", 1);
      v = json_object_iter_value(f->iter);
      f->iter = json_object_iter_next((json_t *)f->v, f->iter);
    } else {
      v = json_array_get(f->v, f->index++);
    }
  }
  if (!stack || depth) o->failed = true;
  rpc_free(stack);
}

char *rpc_encode(const json_t *msg, size_t *len) {
  if (!msg || (!json_is_object(msg) && !json_is_array(msg))) return NULL;
  RpcOut o = {rpc_malloc(4096), RPC__HEAD_MAX, 4096, false};
  if (!o.p) return NULL;
  rpc__write(&o, msg);
  if (o.failed) {
    rpc_free(o.p);
    return NULL;
  }
  size_t n = o.len - RPC__HEAD_MAX;
  char head[RPC__HEAD_MAX];
  int h = snprintf(head, sizeof head, "Content-Length: %zu\r\n\r\n", n);
  if (h < 0 || (size_t)h >= sizeof head) {
    rpc_free(o.p);
    return NULL;
  }
  memmove(o.p + h, o.p + RPC__HEAD_MAX, n);
  memcpy(o.p, head, (size_t)h);
  o.p[(size_t)h + n] = '\0';
  if (len) *len = (size_t)h + n;
  return o.p;
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
