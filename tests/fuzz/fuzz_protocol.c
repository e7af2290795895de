/* tests/fuzz/fuzz_protocol — the message path of protocol/ on raw bytes.
 *
 * The input's first two bytes choose the framer's limits (so the header and
 * body caps are reached often); the rest is a byte stream from a client. The
 * stream is framed twice: whole, and in chunks whose sizes are drawn from the
 * stream itself. The two runs must yield exactly the same events (status and
 * body bytes): framing must not depend on how a pipe cut the stream. Every
 * body is then decoded, classified, read with every lsp_get_* / lsp_opt_*
 * reader the handlers use, re-encoded and decoded again (the round trip must
 * give an equal value), and answered with an error reply that must encode.
 * Any mismatch aborts. Sanitizers catch the rest.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/lsp.h"
#include "protocol/rpc.h"
#include "protocol/rpc_framer.h"

#define FUZZ_PROTOCOL_MAX_EVENTS 4096

typedef struct FuzzEvent {
  int status;
  char *body;
  size_t len;
} FuzzEvent;

static void fuzz_protocol__fail(const char *what) {
  fprintf(stderr, "fuzz_protocol: %s\n", what);
  abort();
}

/* Frames `data` fed in pieces (step 0: whole) and records the events. */
static size_t fuzz_protocol__frame(const uint8_t *data, size_t size, size_t max_header, size_t max_body,
                                   int step, FuzzEvent *events) {
  RpcFramer f;
  rpc_framer_init(&f, max_header, max_body);
  size_t n = 0, pos = 0, k = 0;
  while (pos < size || k == 0) {
    size_t chunk = size - pos;
    if (step && chunk) {
      size_t want = 1 + (size_t)(data[(k * 7 + (size_t)step) % size] % (unsigned)(step * 3 + 1));
      if (want < chunk) chunk = want;
    }
    if (rpc_framer_feed(&f, (const char *)data + pos, chunk) != 0) fuzz_protocol__fail("feed failed");
    pos += chunk;
    k++;
    for (;;) {
      const char *body = NULL;
      size_t len = 0;
      RpcFrameStatus st = rpc_framer_next(&f, &body, &len);
      if (st == RPC_FRAME_NEED_MORE) break;
      if (n == FUZZ_PROTOCOL_MAX_EVENTS) continue;
      events[n].status = st;
      events[n].body = NULL;
      events[n].len = 0;
      if (st == RPC_FRAME_MESSAGE) {
        if (len > max_body) fuzz_protocol__fail("body above the limit");
        events[n].body = malloc(len ? len : 1);
        memcpy(events[n].body, body, len);
        events[n].len = len;
      }
      n++;
    }
    if (rpc_framer_buffered(&f) > size) fuzz_protocol__fail("more buffered than fed");
    if (size == 0) break;
  }
  rpc_framer_deinit(&f);
  return n;
}

static void fuzz_protocol__readers(json_t *params) {
  LspError err;
  const char *s;
  size_t len;
  int64_t i64;
  uint32_t u32;
  bool b;
  json_t *v;
  LspPosition pos;
  LspRange range;
  static const char *const strings[] = {"textDocument.uri", "textDocument.languageId", "previousResultId",
                                        "settings.hybridls.run", "", "..", "a..b", "textDocument."};
  for (size_t k = 0; k < sizeof strings / sizeof strings[0]; k++) {
    const char *whole_s = NULL;
    if (lsp_get_string(params, strings[k], &whole_s, &err) == 0 && !whole_s)
      fuzz_protocol__fail("lsp_get_string gave no string");
    if (lsp_get_stringn(params, strings[k], &s, &len, &err) == 0) {
      if (s[len] != '\0') fuzz_protocol__fail("lsp_get_stringn not NUL-terminated");
      /* lsp_get_string accepts exactly the strings without NUL bytes. */
      if ((whole_s != NULL) != (strlen(s) == len)) fuzz_protocol__fail("lsp_get_string and NUL bytes disagree");
    }
    (void)lsp_opt_string(params, strings[k], &s, &err);
    (void)lsp_opt_stringn(params, strings[k], &s, &len, &err);
  }
  (void)lsp_get_stringn(params, "textDocument.text", &s, &len, &err);
  (void)lsp_get_int(params, "textDocument.version", &i64, &err);
  (void)lsp_opt_int(params, "processId", &i64, &err);
  (void)lsp_get_uint(params, "position.line", &u32, &err);
  (void)lsp_get_bool(params, "capabilities.workspace.configuration", &b, &err);
  (void)lsp_opt_bool(params, "capabilities.textDocument.publishDiagnostics.relatedInformation", &b, &err);
  (void)lsp_opt_array(params, "capabilities.general.positionEncodings", &v, &err);
  (void)lsp_opt_object(params, "settings", &v, &err);
  (void)lsp_get(params, "id", &v, &err);
  (void)lsp_get_position(params, "position", &pos, &err);
  (void)lsp_get_range(params, "range", &range, &err);
  if (lsp_get_array(params, "contentChanges", &v, &err) == 0) {
    size_t idx;
    json_t *item;
    json_array_foreach(v, idx, item) {
      json_t *change;
      bool present = false;
      if (lsp_get_object(item, "", &change, &err) < 0 || lsp_opt_range(change, "range", &range, &present, &err) < 0 ||
          lsp_get_stringn(change, "text", &s, &len, &err) < 0) {
        lsp_error_prefix(&err, "contentChanges[%zu]", idx);
        if (err.message[0] == '\0') fuzz_protocol__fail("a reader failed without a message");
      }
    }
  } else if (err.message[0] == '\0') {
    fuzz_protocol__fail("lsp_get_array failed without a message");
  }
}

static void fuzz_protocol__message(const char *body, size_t len) {
  char errbuf[256];
  json_t *msg = rpc_decode(body, len, errbuf, sizeof errbuf);
  if (!msg) {
    if (errbuf[0] == '\0') fuzz_protocol__fail("decode failed without a message");
    json_t *reply = rpc_error_newf(NULL, RPC_ERR_PARSE, "parse error: %s", errbuf);
    size_t n;
    char *enc = rpc_encode(reply, &n);
    if (!enc) fuzz_protocol__fail("a parse-error reply does not encode");
    rpc_free(enc);
    json_decref(reply);
    return;
  }
  RpcMessage rpc;
  rpc_classify(msg, &rpc);
  if (rpc.kind == RPC_MSG_INVALID && !rpc.invalid_reason) fuzz_protocol__fail("invalid without a reason");
  if ((rpc.kind == RPC_MSG_REQUEST || rpc.kind == RPC_MSG_NOTIFICATION) && !rpc.method)
    fuzz_protocol__fail("a request without a method");
  if (rpc.params) fuzz_protocol__readers(rpc.params);
  fuzz_protocol__readers(msg);

  json_t *reply = rpc_error_new(rpc.id, RPC_ERR_INVALID_REQUEST, rpc.invalid_reason, NULL);
  size_t n;
  char *enc = rpc_encode(reply, &n);
  if (!enc) fuzz_protocol__fail("an error reply does not encode");
  rpc_free(enc);
  json_decref(reply);

  /* Round trip: what the server would send back of this value decodes to
   * an equal value. */
  enc = rpc_encode(msg, &n);
  if (enc) {
    const char *sep = strstr(enc, "\r\n\r\n");
    if (!sep) fuzz_protocol__fail("encoded message without a header");
    json_t *again = rpc_decode(sep + 4, n - (size_t)(sep + 4 - enc), NULL, 0);
    if (!again || !json_equal(again, msg)) fuzz_protocol__fail("encode/decode round trip differs");
    json_decref(again);
    rpc_free(enc);
  }
  json_decref(msg);
}

int fuzz_protocol_one(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  size_t max_header = 32 + (size_t)data[0] * 4;
  size_t max_body = 16 + (size_t)data[1] * 64;
  data += 2;
  size -= 2;
  static FuzzEvent whole[FUZZ_PROTOCOL_MAX_EVENTS], split[FUZZ_PROTOCOL_MAX_EVENTS];
  size_t n = fuzz_protocol__frame(data, size, max_header, max_body, 0, whole);
  for (int step = 1; step <= 3; step++) {
    size_t m = fuzz_protocol__frame(data, size, max_header, max_body, step, split);
    if (m != n) fuzz_protocol__fail("event count depends on chunking");
    for (size_t i = 0; i < n; i++) {
      if (whole[i].status != split[i].status || whole[i].len != split[i].len ||
          (whole[i].len && memcmp(whole[i].body, split[i].body, whole[i].len) != 0))
        fuzz_protocol__fail("events depend on chunking");
      free(split[i].body);
    }
  }
  for (size_t i = 0; i < n; i++) {
    if (whole[i].status == RPC_FRAME_MESSAGE) fuzz_protocol__message(whole[i].body, whole[i].len);
    free(whole[i].body);
  }
  /* The server's own limits on the same bytes. */
  RpcFramer f;
  rpc_framer_init(&f, 0, 0);
  if (rpc_framer_feed(&f, (const char *)data, size) != 0) fuzz_protocol__fail("feed failed");
  for (;;) {
    const char *body;
    size_t len;
    RpcFrameStatus st = rpc_framer_next(&f, &body, &len);
    if (st == RPC_FRAME_NEED_MORE) break;
    if (st == RPC_FRAME_MESSAGE) fuzz_protocol__message(body, len);
  }
  rpc_framer_deinit(&f);
  return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return fuzz_protocol_one(data, size); }
#endif
