/* tests/unit/test_rpc.c — JSON-RPC classification, builders, encoding. */
#include "tests/unit/test.h"

#include "protocol/rpc.h"

__attribute__((constructor)) static void use_counting_allocator(void) {
  rpc_set_allocator(test__malloc, test__realloc, test__free);
}

/* Compact dump of a value, for exact comparisons (key order is insertion
 * order in jansson). The result is freed by the caller with free(). */
static char *dump(const json_t *v) {
  ASSERT(v != NULL);
  size_t n = json_dumpb(v, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY);
  ASSERT(n > 0);
  char *s = malloc(n + 1);
  ASSERT(s != NULL);
  ASSERT_EQ_INT(json_dumpb(v, s, n, JSON_COMPACT | JSON_ENCODE_ANY), n);
  s[n] = '\0';
  return s;
}

/* Checks the dump of v (a new reference, released here). */
static void expect_json(json_t *v, const char *want) {
  char *got = dump(v);
  ASSERT_EQ_STR(got, want);
  free(got);
  json_decref(v);
}

static json_t *parse(const char *text) {
  json_error_t e;
  json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
  if (!v) TEST__FAIL("bad test JSON %s: %s", text, e.text);
  return v;
}

/* --- classification ----------------------------------------------------------- */

typedef struct ClassifyCase {
  const char *json;
  RpcMsgKind kind;
  const char *id;     /* dump of the id, NULL when out->id must be NULL */
  const char *method; /* NULL when out->method must be NULL */
  const char *params; /* dump of params, NULL when absent */
  const char *reason; /* for RPC_MSG_INVALID */
} ClassifyCase;

static const ClassifyCase classify_cases[] = {
    /* requests */
    {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}", RPC_MSG_REQUEST, "1",
     "initialize", "{}", NULL},
    {"{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"shutdown\"}", RPC_MSG_REQUEST, "\"abc\"", "shutdown",
     NULL, NULL},
    {"{\"jsonrpc\":\"2.0\",\"id\":-7,\"method\":\"m\",\"params\":[1,2]}", RPC_MSG_REQUEST, "-7", "m", "[1,2]",
     NULL},
    {"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"shutdown\",\"params\":null}", RPC_MSG_REQUEST, "2",
     "shutdown", NULL, NULL},
    /* notifications */
    {"{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}", RPC_MSG_NOTIFICATION, NULL,
     "initialized", "{}", NULL},
    {"{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}", RPC_MSG_NOTIFICATION, NULL, "exit", NULL, NULL},
    /* responses */
    {"{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":null}", RPC_MSG_RESPONSE, "3", NULL, NULL, NULL},
    {"{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"result\":[1]}", RPC_MSG_RESPONSE, "\"x\"", NULL, NULL, NULL},
    {"{\"jsonrpc\":\"2.0\",\"id\":4,\"error\":{\"code\":-32601,\"message\":\"no\"}}", RPC_MSG_RESPONSE, "4",
     NULL, NULL, NULL},
    {"{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"parse\"}}", RPC_MSG_RESPONSE,
     NULL, NULL, NULL, NULL},
    /* invalid */
    {"[]", RPC_MSG_INVALID, NULL, NULL, NULL, "message is not a JSON object"},
    {"[{\"jsonrpc\":\"2.0\",\"method\":\"x\"}]", RPC_MSG_INVALID, NULL, NULL, NULL,
     "message is not a JSON object"},
    {"1", RPC_MSG_INVALID, NULL, NULL, NULL, "message is not a JSON object"},
    {"\"s\"", RPC_MSG_INVALID, NULL, NULL, NULL, "message is not a JSON object"},
    {"{\"id\":1,\"method\":\"m\"}", RPC_MSG_INVALID, "1", "m", NULL, "\"jsonrpc\" must be \"2.0\""},
    {"{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"m\"}", RPC_MSG_INVALID, "1", "m", NULL,
     "\"jsonrpc\" must be \"2.0\""},
    {"{\"jsonrpc\":2.0,\"method\":\"m\"}", RPC_MSG_INVALID, NULL, "m", NULL, "\"jsonrpc\" must be \"2.0\""},
    {"{\"jsonrpc\":\"2.0\\u0000\",\"method\":\"m\"}", RPC_MSG_INVALID, NULL, "m", NULL,
     "\"jsonrpc\" must be \"2.0\""},
    {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}", RPC_MSG_INVALID, "1", NULL, NULL,
     "\"method\" must be a string"},
    {"{\"jsonrpc\":\"2.0\",\"method\":null}", RPC_MSG_INVALID, NULL, NULL, NULL, "\"method\" must be a string"},
    {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\\u0000x\"}", RPC_MSG_INVALID, "1", NULL, NULL,
     "\"method\" contains a NUL character"},
    {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":\"bar\"}", RPC_MSG_INVALID, "1", "m", NULL,
     "\"params\" must be an object or an array"},
    {"{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":3}", RPC_MSG_INVALID, NULL, "m", NULL,
     "\"params\" must be an object or an array"},
    {"{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"m\",\"params\":{}}", RPC_MSG_INVALID, NULL, "m", NULL,
     "\"id\" must be a string or an integer"},
    {"{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"m\"}", RPC_MSG_INVALID, NULL, "m", NULL,
     "\"id\" must be a string or an integer"},
    {"{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"m\"}", RPC_MSG_INVALID, NULL, "m", NULL,
     "\"id\" must be a string or an integer"},
    {"{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"m\"}", RPC_MSG_INVALID, NULL, "m", NULL,
     "\"id\" must be a string or an integer"},
    {"{\"jsonrpc\":\"2.0\"}", RPC_MSG_INVALID, NULL, NULL, NULL, "message has neither \"method\" nor \"id\""},
    {"{\"jsonrpc\":\"2.0\",\"result\":1}", RPC_MSG_INVALID, NULL, NULL, NULL,
     "message has neither \"method\" nor \"id\""},
    {"{\"jsonrpc\":\"2.0\",\"id\":1}", RPC_MSG_INVALID, "1", NULL, NULL,
     "message has \"id\" but no \"method\", \"result\" or \"error\""},
    {"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1,\"error\":{\"code\":1,\"message\":\"m\"}}", RPC_MSG_INVALID,
     "1", NULL, NULL, "response has both \"result\" and \"error\""},
    {"{\"jsonrpc\":\"2.0\",\"id\":{},\"result\":1}", RPC_MSG_INVALID, NULL, NULL, NULL,
     "\"id\" must be a string or an integer"},
    {"{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":\"bad\"}", RPC_MSG_INVALID, "1", NULL, NULL,
     "\"error\" must be an object with an integer \"code\" and a string \"message\""},
    {"{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":\"1\",\"message\":\"m\"}}", RPC_MSG_INVALID, "1", NULL,
     NULL, "\"error\" must be an object with an integer \"code\" and a string \"message\""},
    {"{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1}}", RPC_MSG_INVALID, "1", NULL, NULL,
     "\"error\" must be an object with an integer \"code\" and a string \"message\""},
    {"{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":1}", RPC_MSG_INVALID, NULL, NULL, NULL,
     "a response with a null \"id\" must carry an \"error\""},
};

TEST(classification_table) {
  size_t n = sizeof classify_cases / sizeof classify_cases[0];
  for (size_t i = 0; i < n; i++) {
    const ClassifyCase *c = &classify_cases[i];
    json_t *msg = parse(c->json);
    RpcMessage m;
    memset(&m, 0xA5, sizeof m); /* classify must set every field */
    rpc_classify(msg, &m);
    if (m.kind != c->kind) TEST__FAIL("%s: kind %d, expected %d (%s)", c->json, m.kind, c->kind,
                                      m.kind == RPC_MSG_INVALID ? m.invalid_reason : "");
    if (c->id) {
      ASSERT(m.id != NULL);
      char *id = dump(m.id);
      ASSERT_EQ_STR(id, c->id);
      free(id);
    } else if (m.id != NULL) {
      TEST__FAIL("%s: unexpected id", c->json);
    }
    if (c->method)
      ASSERT_EQ_STR(m.method, c->method);
    else if (m.method != NULL)
      TEST__FAIL("%s: unexpected method %s", c->json, m.method);
    if (c->params) {
      ASSERT(m.params != NULL);
      char *p = dump(m.params);
      ASSERT_EQ_STR(p, c->params);
      free(p);
    } else if (m.params != NULL) {
      TEST__FAIL("%s: unexpected params", c->json);
    }
    if (c->kind == RPC_MSG_INVALID)
      ASSERT_EQ_STR(m.invalid_reason, c->reason);
    else if (m.invalid_reason != NULL)
      TEST__FAIL("%s: unexpected reason %s", c->json, m.invalid_reason);
    if (c->kind == RPC_MSG_RESPONSE) {
      ASSERT((m.result != NULL) != (m.error != NULL));
      ASSERT(m.result == json_object_get(msg, "result"));
      ASSERT(m.error == json_object_get(msg, "error"));
    } else {
      ASSERT(m.result == NULL && m.error == NULL);
    }
    json_decref(msg);
  }
  RpcMessage m;
  rpc_classify(NULL, &m);
  ASSERT_EQ_INT(m.kind, RPC_MSG_INVALID);
  ASSERT_EQ_STR(m.invalid_reason, "message is not a JSON object");
}

/* --- builders --------------------------------------------------------------- */

TEST(error_object_shape) {
  json_t *id = json_integer(7);
  expect_json(rpc_error_new(id, RPC_ERR_INVALID_PARAMS, "textDocument.uri: expected a string", NULL),
              "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32602,"
              "\"message\":\"textDocument.uri: expected a string\"}}");
  expect_json(rpc_error_new(NULL, RPC_ERR_PARSE, "bad json", json_pack("{s:i}", "offset", 3)),
              "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"bad json\","
              "\"data\":{\"offset\":3}}}");
  json_t *sid = json_string("req-1");
  expect_json(rpc_error_new(sid, RPC_ERR_METHOD_NOT_FOUND, NULL, NULL),
              "{\"jsonrpc\":\"2.0\",\"id\":\"req-1\",\"error\":{\"code\":-32601,\"message\":\"MethodNotFound\"}}");
  /* An unusable id still gives an error reply, with id null. */
  json_t *bad = json_real(1.5);
  expect_json(rpc_error_new(bad, RPC_ERR_INVALID_REQUEST, "x", NULL),
              "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"x\"}}");
  /* The id is copied, not shared. */
  json_t *reply = rpc_error_new(sid, RPC_ERR_REQUEST_CANCELLED, "cancelled", NULL);
  ASSERT(json_object_get(reply, "id") != sid);
  json_decref(reply);
  expect_json(rpc_error_newf(id, RPC_ERR_SERVER_NOT_INITIALIZED, "%s before %s (%d)", "hover", "initialize", 2),
              "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32002,"
              "\"message\":\"hover before initialize (2)\"}}");
  /* Messages longer than the formatting buffer, and invalid UTF-8. */
  char longmsg[1001];
  memset(longmsg, 'z', 1000);
  longmsg[1000] = '\0';
  json_t *e = rpc_error_newf(id, RPC_ERR_INTERNAL, "%s!", longmsg);
  const char *text = json_string_value(json_object_get(json_object_get(e, "error"), "message"));
  ASSERT_EQ_INT(strlen(text), 1001);
  ASSERT_EQ_INT(text[1000], '!');
  json_decref(e);
  expect_json(rpc_error_new(id, RPC_ERR_INTERNAL, "bad \xff byte", NULL),
              "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32603,\"message\":\"bad \xef\xbf\xbd byte\"}}");
  json_decref(id);
  json_decref(sid);
  json_decref(bad);
}

TEST(response_request_notification_shapes) {
  json_t *id = json_integer(1);
  json_t *sid = json_string("a");
  expect_json(rpc_response_new(id, json_pack("{s:b}", "ok", 1)),
              "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"ok\":true}}");
  expect_json(rpc_response_new(sid, NULL), "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"result\":null}");
  expect_json(rpc_notification_new("textDocument/publishDiagnostics", json_pack("{s:s}", "uri", "file:///a")),
              "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/publishDiagnostics\",\"params\":{\"uri\":\"file:///a\"}}");
  expect_json(rpc_notification_new("exit", NULL), "{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}");
  expect_json(rpc_request_new(sid, "workspace/configuration", json_pack("{s:[]}", "items")),
              "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"workspace/configuration\",\"params\":{\"items\":[]}}");
  expect_json(rpc_request_new(id, "shutdown", NULL), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"shutdown\"}");
  /* Refusals still consume what they steal (the leak check sees it). */
  json_t *obj_id = json_object();
  ASSERT(rpc_response_new(obj_id, json_pack("[i]", 1)) == NULL);
  ASSERT(rpc_request_new(obj_id, "m", json_pack("[i]", 1)) == NULL);
  ASSERT(rpc_request_new(NULL, "m", json_pack("[i]", 1)) == NULL);
  ASSERT(rpc_request_new(id, NULL, json_pack("[i]", 1)) == NULL);
  ASSERT(rpc_notification_new(NULL, json_pack("[i]", 1)) == NULL);
  /* A built message classifies as what it is. */
  RpcMessage m;
  json_t *req = rpc_request_new(id, "m", json_array());
  rpc_classify(req, &m);
  ASSERT_EQ_INT(m.kind, RPC_MSG_REQUEST);
  json_decref(req);
  json_t *res = rpc_response_new(id, NULL);
  rpc_classify(res, &m);
  ASSERT_EQ_INT(m.kind, RPC_MSG_RESPONSE);
  json_decref(res);
  json_t *err = rpc_error_new(NULL, RPC_ERR_PARSE, "p", NULL);
  rpc_classify(err, &m);
  ASSERT_EQ_INT(m.kind, RPC_MSG_RESPONSE);
  json_decref(err);
  json_decref(obj_id);
  json_decref(id);
  json_decref(sid);
}

TEST(error_names) {
  static const struct {
    int code;
    const char *name;
  } names[] = {
      {RPC_ERR_PARSE, "ParseError"},
      {RPC_ERR_INVALID_REQUEST, "InvalidRequest"},
      {RPC_ERR_METHOD_NOT_FOUND, "MethodNotFound"},
      {RPC_ERR_INVALID_PARAMS, "InvalidParams"},
      {RPC_ERR_INTERNAL, "InternalError"},
      {RPC_ERR_SERVER_NOT_INITIALIZED, "ServerNotInitialized"},
      {RPC_ERR_UNKNOWN, "UnknownErrorCode"},
      {RPC_ERR_REQUEST_FAILED, "RequestFailed"},
      {RPC_ERR_SERVER_CANCELLED, "ServerCancelled"},
      {RPC_ERR_CONTENT_MODIFIED, "ContentModified"},
      {RPC_ERR_REQUEST_CANCELLED, "RequestCancelled"},
      {0, "Unknown"},
      {-32000, "Unknown"},
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) ASSERT_EQ_STR(rpc_error_name(names[i].code), names[i].name);
  ASSERT_EQ_INT(RPC_ERR_INVALID_PARAMS, -32602);
  ASSERT_EQ_INT(RPC_ERR_REQUEST_CANCELLED, -32800);
  ASSERT_EQ_INT(RPC_ERR_CONTENT_MODIFIED, -32801);
  ASSERT_EQ_INT(RPC_ERR_SERVER_NOT_INITIALIZED, -32002);
}

TEST(lossy_strings) {
  expect_json(rpc_string_lossy("caf\xc3\xa9 \xf0\x9f\x98\x80", 10), "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
  expect_json(rpc_string_lossy("a\0b", 3), "\"a\\u0000b\"");
  expect_json(rpc_string_lossy("a\xff" "b", 3), "\"a\xef\xbf\xbd" "b\"");
  /* Overlong, surrogate, above U+10FFFF, truncated: each bad byte replaced. */
  expect_json(rpc_string_lossy("\xc0\xaf", 2), "\"\xef\xbf\xbd\xef\xbf\xbd\"");
  expect_json(rpc_string_lossy("\xed\xa0\x80", 3), "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
  expect_json(rpc_string_lossy("\xf4\x90\x80\x80", 4),
              "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
  expect_json(rpc_string_lossy("x\xe2\x82", 3), "\"x\xef\xbf\xbd\xef\xbf\xbd\"");
  expect_json(rpc_string_lossy("", 0), "\"\"");
  expect_json(rpc_string_lossy(NULL, 0), "\"\"");
  ASSERT(rpc_string_lossy(NULL, 1) == NULL);
  /* Every 1- and 2-byte input gives a string jansson accepts as valid. */
  for (int a = 0; a < 256; a++)
    for (int b = 0; b < 256; b += 3) {
      char s[2] = {(char)a, (char)b};
      json_t *v = rpc_string_lossy(s, 2);
      ASSERT(v != NULL);
      char *d = dump(v);
      json_t *back = json_loads(d, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
      ASSERT(back != NULL && json_equal(back, v));
      json_decref(back);
      free(d);
      json_decref(v);
    }
}

/* --- encoding ------------------------------------------------------------------- */

TEST(encode_exact_bytes) {
  json_t *id = json_integer(1);
  json_t *msg = rpc_response_new(id, json_pack("{s:s}", "k", "v\xc3\xa9"));
  size_t len = 0;
  char *out = rpc_encode(msg, &len);
  ASSERT(out != NULL);
  const char *want = "Content-Length: 45\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"k\":\"v\xc3\xa9\"}}";
  ASSERT_EQ_MEM(out, len, want, strlen(want));
  ASSERT_EQ_INT(out[len], '\0');
  rpc_free(out);
  json_decref(msg);
  json_decref(id);
  ASSERT(rpc_encode(NULL, &len) == NULL);
  json_t *scalar = json_integer(3);
  ASSERT(rpc_encode(scalar, &len) == NULL); /* not a message */
  json_decref(scalar);
}

TEST(encode_decode_round_trip_through_the_framer) {
  static const char *const texts[] = {
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"processId\":null}}",
      "{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":{\"text\":\"a\\u0000b\\r\\n\\u00e9\\ud83d\\ude00\"}}",
      "{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"result\":[1,2.5,-3,true,false,null,\"Content-Length: 3\\r\\n\\r\\n\"]}",
      "{\"jsonrpc\":\"2.0\",\"id\":9223372036854775807,\"result\":{}}",
  };
  size_t n = sizeof texts / sizeof texts[0];
  RpcFramer f;
  rpc_framer_init(&f, 0, 0);
  json_t *orig[4];
  for (size_t i = 0; i < n; i++) {
    orig[i] = json_loads(texts[i], JSON_ALLOW_NUL, NULL);
    ASSERT(orig[i] != NULL);
    size_t len;
    char *wire = rpc_encode(orig[i], &len);
    ASSERT(wire != NULL);
    /* Two halves, to cross the header/body boundary arbitrarily. */
    ASSERT_EQ_INT(rpc_framer_feed(&f, wire, len / 2), 0);
    ASSERT_EQ_INT(rpc_framer_feed(&f, wire + len / 2, len - len / 2), 0);
    rpc_free(wire);
  }
  for (size_t i = 0; i < n; i++) {
    const char *body;
    size_t blen;
    ASSERT_EQ_INT(rpc_framer_next(&f, &body, &blen), RPC_FRAME_MESSAGE);
    char err[160] = "";
    json_t *back = rpc_decode(body, blen, err, sizeof err);
    if (!back) TEST__FAIL("decode failed: %s", err);
    ASSERT(json_equal(back, orig[i]));
    json_decref(back);
    json_decref(orig[i]);
  }
  const char *body;
  size_t blen;
  ASSERT_EQ_INT(rpc_framer_next(&f, &body, &blen), RPC_FRAME_NEED_MORE);
  rpc_framer_deinit(&f);
}

/* rpc_encode writes messages itself (jansson's writer was the cost of
 * publishing large diagnostics): random values must come out byte for byte
 * as json_dumps writes them, and read back equal. */
static json_t *rand_string(Prng *r) {
  static const char *const parts[] = {"a", "\"", "\\", "\n", "\r", "\t", "\b", "\f", "\x01", "\x1f", "/",
                                      "\x7f", "\xc3\xa9", "\xf0\x9f\x98\x80", " ", "key", "\xe2\x80\xa8"};
  char buf[128];
  size_t n = 0, k = prng_next(r) % 8;
  for (size_t i = 0; i < k; i++) {
    const char *p = parts[prng_next(r) % (sizeof parts / sizeof *parts)];
    size_t pl = strlen(p);
    memcpy(buf + n, p, pl);
    n += pl;
  }
  if (prng_next(r) % 10 == 0) buf[n++] = '\0'; /* an embedded NUL */
  return json_stringn(buf, n);
}

static json_t *rand_value(Prng *r, int depth) {
  uint32_t kind = prng_next(r) % (depth > 4 ? 6 : 8);
  switch (kind) {
  case 0: return json_null();
  case 1: return prng_next(r) % 2 ? json_true() : json_false();
  case 2: {
    static const json_int_t edge[] = {0, -1, 9, 10, -10, INT64_MAX, INT64_MIN, 1234567890123};
    return json_integer(prng_next(r) % 2 ? edge[prng_next(r) % 8] : (json_int_t)(int32_t)prng_next(r));
  }
  case 3: {
    static const double reals[] = {0.5, -2.25, 1e300, 3.0, 1e-7, 0.1, 123456789.0};
    return json_real(reals[prng_next(r) % 7]);
  }
  case 4: case 5: return rand_string(r);
  case 6: {
    json_t *a = json_array();
    for (uint32_t i = 0, n = prng_next(r) % 5; i < n; i++) json_array_append_new(a, rand_value(r, depth + 1));
    return a;
  }
  default: {
    json_t *o = json_object();
    for (uint32_t i = 0, n = prng_next(r) % 5; i < n; i++) {
      json_t *k = rand_string(r);
      const char *key = json_string_value(k);
      if (strlen(key) == json_string_length(k)) json_object_set_new(o, key, rand_value(r, depth + 1));
      json_decref(k);
    }
    return o;
  }
  }
}

TEST(encode_matches_jansson) {
  Prng r = {0x243F6A8885A308D3ull};
  for (int i = 0; i < 3000; i++) {
    json_t *v = json_array();
    json_array_append_new(v, rand_value(&r, 0));
    if (i % 2) {
      json_t *o = json_object();
      json_object_set_new(o, "params", v);
      v = o;
    }
    size_t len;
    char *wire = rpc_encode(v, &len);
    ASSERT(wire != NULL);
    char *want = json_dumps(v, JSON_COMPACT);
    ASSERT(want != NULL);
    const char *body = strstr(wire, "\r\n\r\n") + 4;
    char head[64];
    snprintf(head, sizeof head, "Content-Length: %zu\r\n\r\n", strlen(want));
    if (strlen(want) != len - (size_t)(body - wire)) TEST__FAIL("got %.*s want %s", (int)(len - (size_t)(body - wire)), body, want);
    ASSERT_EQ_MEM(wire, (size_t)(body - wire), head, strlen(head));
    ASSERT_EQ_MEM(body, len - (size_t)(body - wire), want, strlen(want));
    json_t *back = json_loadb(body, len - (size_t)(body - wire), JSON_ALLOW_NUL, NULL);
    ASSERT(back != NULL && json_equal(back, v));
    json_decref(back);
    test__free(want); /* jansson allocates through the counting allocator */
    rpc_free(wire);
    json_decref(v);
  }
  /* Deep nesting is written without recursion. */
  json_t *deep = json_array(), *at = deep;
  for (int i = 0; i < 1000; i++) {
    json_t *next = json_array();
    json_array_append_new(at, next);
    at = next;
  }
  size_t len;
  char *wire = rpc_encode(deep, &len);
  ASSERT(wire != NULL);
  ASSERT(len > 2000);
  rpc_free(wire);
  json_decref(deep);
}

TEST(decode_errors) {
  char err[200];
  ASSERT(rpc_decode("{\"a\":", 5, err, sizeof err) == NULL);
  ASSERT_EQ_STR(err, "unexpected token near end of file (line 1, column 5)");
  ASSERT(rpc_decode("{} x", 4, err, sizeof err) == NULL);
  ASSERT_EQ_STR(err, "end of file expected near 'x' (line 1, column 4)");
  ASSERT(rpc_decode("", 0, err, sizeof err) == NULL);
  ASSERT(strstr(err, "(line 1, column 0)") != NULL);
  ASSERT(rpc_decode(NULL, 0, err, sizeof err) == NULL);
  /* A raw NUL byte is not JSON; an escaped one inside a string is fine. */
  ASSERT(rpc_decode("{\"a\":1}\0", 8, err, sizeof err) == NULL);
  ASSERT(rpc_decode("{\"a\":\"\xff\"}", 8, err, sizeof err) == NULL);
  ASSERT_EQ_STR(err, "unable to decode byte 0xff near '\"' (line 1, column 6)");
  json_t *v = rpc_decode("{\"a\":\"x\\u0000y\"}", 16, NULL, 0);
  ASSERT(v != NULL);
  ASSERT_EQ_INT(json_string_length(json_object_get(v, "a")), 3);
  json_decref(v);
  /* Any JSON value decodes; classification rejects what is not a message. */
  v = rpc_decode(" 1 ", 3, err, sizeof err);
  ASSERT(v != NULL && json_integer_value(v) == 1);
  json_decref(v);
  /* A tiny err buffer is truncated, not overrun. */
  char tiny[4] = "zzz";
  ASSERT(rpc_decode("nope", 4, tiny, 3) == NULL);
  ASSERT_EQ_INT(strlen(tiny), 2);
  /* Deep nesting is refused by the parser, not by a stack overflow. */
  size_t depth = 100000;
  char *deep = malloc(depth);
  ASSERT(deep != NULL);
  memset(deep, '[', depth);
  ASSERT(rpc_decode(deep, depth, err, sizeof err) == NULL);
  free(deep);
}

/* --- allocation failures ---------------------------------------------------- */

/* Runs `build` with the Nth allocation failing, N = 0, 1, ... until it
 * succeeds. Each failed run must return NULL and leave no allocation behind.
 * Returns the successful result; at least one failure must have happened. */
typedef json_t *(*Builder)(void *ctx);

static json_t *until_success(Builder build, void *ctx) {
  for (long n = 0; n < 10000; n++) {
    long before = test_live_allocations();
    test_fail_allocation_after(n);
    json_t *v = build(ctx);
    test_fail_allocation_after(-1);
    if (v) {
      if (n == 0) TEST__FAIL("the builder allocated nothing that could fail");
      return v;
    }
    if (test_live_allocations() != before)
      TEST__FAIL("failing allocation %ld leaked %ld allocations", n, test_live_allocations() - before);
  }
  TEST__FAIL("never succeeded");
}

static json_t *build_error(void *ctx) {
  return rpc_error_new(ctx, RPC_ERR_INVALID_PARAMS, "position.line: expected a non-negative integer",
                       json_pack("{s:[i,i]}", "at", 1, 2));
}
static json_t *build_errorf(void *ctx) {
  char big[600];
  memset(big, 'q', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  return rpc_error_newf(ctx, RPC_ERR_INTERNAL, "%s %d", big, 42);
}
static json_t *build_response(void *ctx) { return rpc_response_new(ctx, json_pack("{s:[s]}", "r", "x")); }
static json_t *build_request(void *ctx) {
  return rpc_request_new(ctx, "client/registerCapability", json_pack("{s:[]}", "registrations"));
}
static json_t *build_notification(void *ctx) {
  (void)ctx;
  return rpc_notification_new("window/logMessage", json_pack("{s:i,s:s}", "type", 3, "message", "hi"));
}
static json_t *build_lossy(void *ctx) {
  (void)ctx;
  return rpc_string_lossy("bad \xff\xfe bytes", 12);
}
/* rpc_encode under failure, wrapped as a builder returning a JSON string. */
static json_t *build_encoded(void *ctx) {
  size_t len;
  char *wire = rpc_encode(ctx, &len);
  if (!wire) return NULL;
  json_t *s = json_stringn(wire, len);
  rpc_free(wire);
  return s;
}

TEST(builders_survive_allocation_failure) {
  json_t *id = json_string("request-id");
  expect_json(until_success(build_error, id),
              "{\"jsonrpc\":\"2.0\",\"id\":\"request-id\",\"error\":{\"code\":-32602,"
              "\"message\":\"position.line: expected a non-negative integer\",\"data\":{\"at\":[1,2]}}}");
  json_t *e = until_success(build_errorf, id);
  ASSERT_EQ_INT(strlen(json_string_value(json_object_get(json_object_get(e, "error"), "message"))), 602);
  json_decref(e);
  expect_json(until_success(build_response, id),
              "{\"jsonrpc\":\"2.0\",\"id\":\"request-id\",\"result\":{\"r\":[\"x\"]}}");
  expect_json(until_success(build_request, id),
              "{\"jsonrpc\":\"2.0\",\"id\":\"request-id\",\"method\":\"client/registerCapability\","
              "\"params\":{\"registrations\":[]}}");
  expect_json(until_success(build_notification, NULL),
              "{\"jsonrpc\":\"2.0\",\"method\":\"window/logMessage\",\"params\":{\"type\":3,\"message\":\"hi\"}}");
  expect_json(until_success(build_lossy, NULL), "\"bad \xef\xbf\xbd\xef\xbf\xbd bytes\"");
  json_t *msg = rpc_notification_new("m", json_pack("{s:{s:i}}", "a", "b", 1));
  expect_json(until_success(build_encoded, msg),
              "\"Content-Length: 53\\r\\n\\r\\n{\\\"jsonrpc\\\":\\\"2.0\\\",\\\"method\\\":\\\"m\\\",\\\"params\\\":{\\\"a\\\":{\\\"b\\\":1}}}\"");
  json_decref(msg);
  json_decref(id);
}

TEST_MAIN(encode_matches_jansson, classification_table, error_object_shape, response_request_notification_shapes, error_names,
          lossy_strings, encode_exact_bytes, encode_decode_round_trip_through_the_framer, decode_errors,
          builders_survive_allocation_failure)
