/* tests/unit/test_framer.c — the incremental JSON-RPC framer.
 *
 * The central property: the events (messages and errors) a stream produces do
 * not depend on how it is cut into chunks. Every case below is checked fed
 * whole, split at every byte boundary, and fed byte by byte; streams with
 * errors must still deliver the valid message that follows them.
 */
#include "tests/unit/test.h"

#include "protocol/rpc_framer.h"

/* The framer's buffer goes through the counting allocator, so the runner's
 * leak check covers it and allocation failures can be injected. */
__attribute__((constructor)) static void use_counting_allocator(void) {
  rpc_set_allocator(test__malloc, test__realloc, test__free);
}

/* --- event logs ------------------------------------------------------------ */

typedef struct Log {
  char *data;
  size_t len, cap;
} Log;

static void log_put(Log *l, const void *p, size_t n) {
  if (l->len + n + 1 > l->cap) {
    size_t cap = l->cap ? l->cap : 256;
    while (cap < l->len + n + 1) cap *= 2;
    char *d = realloc(l->data, cap);
    if (!d) TEST__FAIL("out of memory in the test");
    l->data = d;
    l->cap = cap;
  }
  if (n) memcpy(l->data + l->len, p, n);
  l->len += n;
  l->data[l->len] = '\0';
}

static const char *status_name(RpcFrameStatus s) {
  switch (s) {
  case RPC_FRAME_MESSAGE: return "MESSAGE";
  case RPC_FRAME_NEED_MORE: return "NEED_MORE";
  case RPC_FRAME_ERR_HEADER_TOO_LARGE: return "HEADER_TOO_LARGE";
  case RPC_FRAME_ERR_BODY_TOO_LARGE: return "BODY_TOO_LARGE";
  case RPC_FRAME_ERR_BAD_HEADER: return "BAD_HEADER";
  case RPC_FRAME_ERR_NO_CONTENT_LENGTH: return "NO_CONTENT_LENGTH";
  case RPC_FRAME_ERR_BAD_CONTENT_TYPE: return "BAD_CONTENT_TYPE";
  case RPC_FRAME_ERR_NOMEM: return "NOMEM";
  }
  return "?";
}

/* Messages are logged as "M<len>:<bytes>\n", errors as "E:<NAME>\n". */
static void log_message(Log *l, const char *body, size_t len) {
  char head[32];
  int n = snprintf(head, sizeof head, "M%zu:", len);
  log_put(l, head, (size_t)n);
  log_put(l, body, len);
  log_put(l, "\n", 1);
}

static void log_error(Log *l, RpcFrameStatus s) {
  log_put(l, "E:", 2);
  log_put(l, status_name(s), strlen(status_name(s)));
  log_put(l, "\n", 1);
}

/* Drains every event the framer has; returns how many. */
static size_t drain(RpcFramer *f, Log *l) {
  size_t events = 0;
  for (;;) {
    const char *body = NULL;
    size_t len = 0;
    RpcFrameStatus s = rpc_framer_next(f, &body, &len);
    if (s == RPC_FRAME_NEED_MORE) return events;
    events++;
    if (s == RPC_FRAME_MESSAGE)
      log_message(l, body, len);
    else
      log_error(l, s);
    if (events > 1000000) TEST__FAIL("the framer does not make progress");
  }
}

typedef struct Limits {
  size_t max_header, max_body;
} Limits;

static const Limits DEFAULTS = {0, 0};

/* Feeds `in` cut at the given offsets (ascending), draining after each feed. */
static void run_cuts(const char *in, size_t n, const size_t *cuts, size_t ncuts, Limits lim, Log *l) {
  RpcFramer f;
  rpc_framer_init(&f, lim.max_header, lim.max_body);
  size_t at = 0;
  for (size_t i = 0; i <= ncuts; i++) {
    size_t end = i < ncuts ? cuts[i] : n;
    ASSERT_EQ_INT(rpc_framer_feed(&f, in + at, end - at), 0);
    drain(&f, l);
    at = end;
  }
  ASSERT_EQ_INT(rpc_framer_buffered(&f) <= n, 1);
  rpc_framer_deinit(&f);
}

/* The expected log: entries starting with "E:" are errors, others bodies. */
static void expected_log(const char *const *events, Log *l) {
  for (size_t i = 0; events[i]; i++) {
    if (strncmp(events[i], "E:", 2) == 0) {
      log_put(l, events[i], strlen(events[i]));
      log_put(l, "\n", 1);
    } else {
      log_message(l, events[i], strlen(events[i]));
    }
  }
}

/* Checks that `in` yields `want` fed whole, split at every boundary, and
 * byte by byte. */
static void check_stream(const char *in, size_t n, Limits lim, const Log *want) {
  Log got = {0};
  run_cuts(in, n, NULL, 0, lim, &got);
  ASSERT_EQ_MEM(got.data ? got.data : "", got.len, want->data ? want->data : "", want->len);
  for (size_t k = 0; k <= n; k++) {
    got.len = 0;
    run_cuts(in, n, &k, 1, lim, &got);
    if (got.len != want->len || memcmp(got.data ? got.data : "", want->data ? want->data : "", got.len))
      fprintf(stderr, "  split at byte %zu of %zu:\n", k, n);
    ASSERT_EQ_MEM(got.data ? got.data : "", got.len, want->data ? want->data : "", want->len);
  }
  size_t *cuts = malloc((n ? n : 1) * sizeof *cuts);
  ASSERT(cuts != NULL);
  for (size_t k = 0; k < n; k++) cuts[k] = k + 1;
  got.len = 0;
  run_cuts(in, n, cuts, n ? n - 1 : 0, lim, &got);
  free(cuts);
  ASSERT_EQ_MEM(got.data ? got.data : "", got.len, want->data ? want->data : "", want->len);
  free(got.data);
}

static void expect_stream_n(const char *in, size_t n, Limits lim, const char *const *events) {
  Log want = {0};
  expected_log(events, &want);
  check_stream(in, n, lim, &want);
  free(want.data);
}

#define EXPECT(in, lim, ...)                                                  \
  do {                                                                        \
    static const char *const expect__events[] = {__VA_ARGS__, NULL};          \
    expect_stream_n((in), sizeof(in) - 1, (lim), expect__events);            \
  } while (0)

#define VALID "Content-Length: 14\r\n\r\n{\"valid\":true}"

/* --- valid streams ---------------------------------------------------------- */

TEST(single_message) {
  EXPECT("Content-Length: 2\r\n\r\n{}", DEFAULTS, "{}");
}

TEST(several_messages_in_one_chunk) {
  EXPECT("Content-Length: 7\r\n\r\n{\"a\":1}"
         "Content-Length: 7\r\n\r\n{\"b\":2}"
         "Content-Length: 2\r\n\r\n[]",
         DEFAULTS, "{\"a\":1}", "{\"b\":2}", "[]");
}

TEST(header_variants) {
  EXPECT("content-length: 2\r\n\r\n{}"                        /* lower case */
         "CONTENT-LENGTH:2\r\n\r\n[]"                         /* upper case, no space */
         "Content-Length:   3  \r\n\r\n[1]"                   /* spaces around the value */
         "Content-Length\t: 3\r\n\r\n[2]"                     /* whitespace before ':' */
         "X-Unknown: whatever: with colons\r\nContent-Length: 3\r\n\r\n[3]" /* unknown header */
         "Content-Length: 3\r\nContent-Length: 3\r\n\r\n[4]"  /* repeated, same value */
         "Content-Length: 003\r\n\r\n[5]"                     /* leading zeros */
         "Content-Length: 3\n\n[6]"                           /* bare LF line ends */
         "Content-Length: 0\r\n\r\n",                         /* empty body */
         DEFAULTS, "{}", "[]", "[1]", "[2]", "[3]", "[4]", "[5]", "[6]", "");
}

TEST(content_type_variants) {
  EXPECT("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: 3\r\n\r\n[1]"
         "Content-Length: 3\r\nContent-Type: application/vscode-jsonrpc; charset=utf8\r\n\r\n[2]"
         "Content-Length: 3\r\ncontent-type: application/vscode-jsonrpc;charset=UTF-8\r\n\r\n[3]"
         "Content-Length: 3\r\nContent-Type: application/vscode-jsonrpc; charset=\"utf-8\"\r\n\r\n[4]"
         "Content-Length: 3\r\nContent-Type: application/vscode-jsonrpc\r\n\r\n[5]"
         "Content-Length: 3\r\nContent-Type: application/json; foo=bar; charset = Utf8 \r\n\r\n[6]"
         "Content-Length: 3\r\nContent-Type: application/vscode-jsonrpc; charset=latin1\r\n\r\n[7]"
         "Content-Length: 3\r\nContent-Type: text/plain; charset=utf-16\r\n\r\n[8]"
         "Content-Length: 3\r\nContent-Type: a/b; charset=\"utf-16\"\r\n\r\n[9]" VALID,
         DEFAULTS, "[1]", "[2]", "[3]", "[4]", "[5]", "[6]", "E:BAD_CONTENT_TYPE",
         "E:BAD_CONTENT_TYPE", "E:BAD_CONTENT_TYPE", "{\"valid\":true}");
}

TEST(blank_lines_between_messages_are_ignored) {
  EXPECT("\r\n\r\n\nContent-Length: 2\r\n\r\n{}\r\n\r\nContent-Length: 2\r\n\r\n[]\n", DEFAULTS,
         "{}", "[]");
}

TEST(body_with_any_bytes) {
  /* NUL bytes, CR/LF and header-looking text inside a body are just bytes. */
  static const char in[] = "Content-Length: 30\r\n\r\n\0\r\n\r\nContent-Length: 5\r\n\r\n\xff\xfe\0x"
                           "Content-Length: 1\r\n\r\n\0";
  Log want = {0};
  log_message(&want, "\0\r\n\r\nContent-Length: 5\r\n\r\n\xff\xfe\0x", 30);
  log_message(&want, "\0", 1);
  check_stream(in, sizeof in - 1, DEFAULTS, &want);
  free(want.data);
}

/* --- malformed headers ------------------------------------------------------ */

TEST(missing_content_length) {
  EXPECT("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{\"lost\":1}" VALID, DEFAULTS,
         "E:NO_CONTENT_LENGTH", "{\"valid\":true}");
  EXPECT("X-Other: 1\r\n\r\n{}\r\n" VALID, DEFAULTS, "E:NO_CONTENT_LENGTH", "{\"valid\":true}");
}

TEST(bad_content_length_values) {
  EXPECT("Content-Length: -5\r\n\r\n{}" VALID, DEFAULTS, "E:BAD_HEADER", "{\"valid\":true}");
  EXPECT("Content-Length: abc\r\n\r\n{}" VALID, DEFAULTS, "E:BAD_HEADER", "{\"valid\":true}");
  EXPECT("Content-Length: 12abc\r\n\r\n{}" VALID, DEFAULTS, "E:BAD_HEADER", "{\"valid\":true}");
  EXPECT("Content-Length: +2\r\n\r\n{}" VALID, DEFAULTS, "E:BAD_HEADER", "{\"valid\":true}");
  EXPECT("Content-Length: 1 2\r\n\r\n{}" VALID, DEFAULTS, "E:BAD_HEADER", "{\"valid\":true}");
  EXPECT("Content-Length: 0x10\r\n\r\n{}" VALID, DEFAULTS, "E:BAD_HEADER", "{\"valid\":true}");
  EXPECT("Content-Length:\r\n\r\n{}" VALID, DEFAULTS, "E:BAD_HEADER", "{\"valid\":true}");
  EXPECT("Content-Length: 99999999999999999999999999999\r\n\r\n{}" VALID, DEFAULTS, "E:BAD_HEADER",
         "{\"valid\":true}");
  EXPECT("Content-Length: 18446744073709551616\r\n\r\n{}" VALID, DEFAULTS, "E:BAD_HEADER",
         "{\"valid\":true}");
  /* Two different lengths: neither is trusted. */
  EXPECT("Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}" VALID, DEFAULTS, "E:BAD_HEADER",
         "{\"valid\":true}");
}

TEST(bad_header_lines) {
  /* A bad line inside a block with a valid length: the body is skipped by it. */
  EXPECT("Content-Length: 4\r\nthis line has no colon\r\n\r\nabcd" VALID, DEFAULTS, "E:BAD_HEADER",
         "{\"valid\":true}");
  EXPECT("Content-Length: 4\r\nBad Name: 1\r\n\r\nab\nc" VALID, DEFAULTS, "E:BAD_HEADER",
         "{\"valid\":true}");
  EXPECT("Content-Length: 4\r\n: empty name\r\n\r\nabcd" VALID, DEFAULTS, "E:BAD_HEADER",
         "{\"valid\":true}");
  EXPECT("Content-Length: 4\r\n folded: x\r\n\r\nabcd" VALID, DEFAULTS, "E:BAD_HEADER",
         "{\"valid\":true}");
  /* A first line without a colon is garbage, found before the real block. */
  EXPECT("Content-Length 4\r\n" VALID, DEFAULTS, "E:BAD_HEADER", "{\"valid\":true}");
  /* No colon anywhere, and the body glued to the next message. */
  EXPECT("Content-Length 2\r\n\r\n{}" VALID, DEFAULTS, "E:BAD_HEADER", "{\"valid\":true}");
}

TEST(garbage_then_valid_message) {
  EXPECT("hello world\r\nmore garbage\r\n" VALID, DEFAULTS, "E:BAD_HEADER", "{\"valid\":true}");
  EXPECT("{\"jsonrpc\":\"2.0\"}" VALID, DEFAULTS, "E:BAD_HEADER", "{\"valid\":true}");
  EXPECT("garbage " VALID, DEFAULTS, "E:BAD_HEADER", "{\"valid\":true}");
  EXPECT("\r" VALID, DEFAULTS, "E:BAD_HEADER", "{\"valid\":true}");
  EXPECT("{ Content-Lengt" VALID, DEFAULTS, "E:BAD_HEADER", "{\"valid\":true}");
  /* Token characters glued to the next header at a line start read as one
   * unknown header name: that block has no Content-Length and is dropped. */
  EXPECT("Content-Lengt" VALID, DEFAULTS, "E:NO_CONTENT_LENGTH");
  EXPECT("garbage" VALID, DEFAULTS, "E:NO_CONTENT_LENGTH");
  EXPECT("ccontent-length\r\n" VALID, DEFAULTS, "E:BAD_HEADER", "{\"valid\":true}");
  EXPECT("} Content-Length : 2\r\n\r\n[]", DEFAULTS, "E:BAD_HEADER", "[]");
  EXPECT("\xff\xfe garbage\nX-Header-Like: value\r\n\r\n" VALID, DEFAULTS, "E:BAD_HEADER",
         "E:NO_CONTENT_LENGTH", "{\"valid\":true}");
  static const char nul[] = "\0\0\0\r\n\0Content-Length: 2\r\n\r\n{}";
  static const char *const nul_events[] = {"E:BAD_HEADER", "{}", NULL};
  expect_stream_n(nul, sizeof nul - 1, DEFAULTS, nul_events);
}

TEST(each_garbage_run_is_reported_once) {
  EXPECT("junk\r\nmore junk\r\n" VALID "more junk\r\n" VALID, DEFAULTS, "E:BAD_HEADER",
         "{\"valid\":true}", "E:BAD_HEADER", "{\"valid\":true}");
}

TEST(garbage_only) {
  EXPECT("just some text without any header\r\n\r\n", DEFAULTS, "E:BAD_HEADER");
}

/* --- limits ----------------------------------------------------------------- */

TEST(oversized_header_block_then_valid_message) {
  Limits lim = {64, 0};
  EXPECT("X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
         "Content-Length: 2\r\n\r\n{}" VALID,
         lim, "E:HEADER_TOO_LARGE", "{\"valid\":true}");
  /* Many short lines add up too; the block is dropped through its empty line. */
  EXPECT("A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\nF: 6\r\nG: 7\r\nH: 8\r\nI: 9\r\nJ: 10\r\nK: 11\r\n"
         "Content-Length: 2\r\n\r\n[]" VALID,
         lim, "E:HEADER_TOO_LARGE", "{\"valid\":true}");
  /* Exactly at the limit (64 bytes with the empty line) is fine; one more is not. */
  EXPECT("Content-Length: 2\r\nX-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n{}", lim, "{}");
  EXPECT("Content-Length: 2\r\nX-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n{}" VALID, lim,
         "E:HEADER_TOO_LARGE", "{\"valid\":true}");
  /* A header name longer than the limit is not a header name. */
  EXPECT("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: 1\r\n\r\n"
         VALID,
         lim, "E:BAD_HEADER", "{\"valid\":true}");
}

TEST(oversized_body_then_valid_message) {
  Limits lim = {0, 16};
  /* The skipped body contains what looks like a message: it is not one. */
  EXPECT("Content-Length: 39\r\n\r\n{\"x\":\"\nContent-Length: 2\r\n\r\n{}0123456\"}" VALID, lim,
         "E:BODY_TOO_LARGE", "{\"valid\":true}");
  EXPECT("Content-Length: 16\r\n\r\n[\"0123456789\",1]" VALID, lim, "[\"0123456789\",1]",
         "{\"valid\":true}");
  EXPECT("Content-Length: 17\r\n\r\n[\"01234567891\",1]" VALID, lim, "E:BODY_TOO_LARGE",
         "{\"valid\":true}");
}

TEST(oversized_body_is_not_buffered) {
  RpcFramer f;
  rpc_framer_init(&f, 0, 1024);
  const char head[] = "Content-Length: 100000000\r\n\r\n";
  ASSERT_EQ_INT(rpc_framer_feed(&f, head, sizeof head - 1), 0);
  const char *body;
  size_t len;
  ASSERT_EQ_INT(rpc_framer_next(&f, &body, &len), RPC_FRAME_ERR_BODY_TOO_LARGE);
  char chunk[65536];
  memset(chunk, 'x', sizeof chunk);
  size_t fed = 0;
  while (fed + sizeof chunk <= 100000000u) {
    ASSERT_EQ_INT(rpc_framer_feed(&f, chunk, sizeof chunk), 0);
    ASSERT_EQ_INT(rpc_framer_buffered(&f), 0);
    ASSERT_EQ_INT(rpc_framer_next(&f, &body, &len), RPC_FRAME_NEED_MORE);
    fed += sizeof chunk;
  }
  ASSERT(f.cap <= 4096); /* white-box: the skipped body never entered the buffer */
  /* The rest of the body and a valid message in one chunk. */
  size_t rest = 100000000u - fed;
  Log got = {0};
  ASSERT_EQ_INT(rpc_framer_feed(&f, chunk, rest), 0);
  ASSERT_EQ_INT(rpc_framer_feed(&f, VALID, sizeof VALID - 1), 0);
  drain(&f, &got);
  ASSERT_EQ_STR(got.data, "M14:{\"valid\":true}\n");
  free(got.data);
  rpc_framer_deinit(&f);
}

TEST(oversized_header_is_not_buffered) {
  RpcFramer f;
  rpc_framer_init(&f, 128, 0);
  ASSERT_EQ_INT(rpc_framer_feed(&f, "X-Long: ", 8), 0);
  char chunk[4096];
  memset(chunk, 'y', sizeof chunk);
  Log got = {0};
  for (int i = 0; i < 256; i++) {
    ASSERT_EQ_INT(rpc_framer_feed(&f, chunk, sizeof chunk), 0);
    drain(&f, &got);
    ASSERT(rpc_framer_buffered(&f) <= 128);
  }
  ASSERT(f.cap <= 2 * sizeof chunk);
  static const char tail[] = "\r\nContent-Length: 2\r\n\r\n{}" VALID;
  ASSERT_EQ_INT(rpc_framer_feed(&f, tail, sizeof tail - 1), 0);
  drain(&f, &got);
  ASSERT_EQ_STR(got.data, "E:HEADER_TOO_LARGE\nM14:{\"valid\":true}\n");
  free(got.data);
  rpc_framer_deinit(&f);
}

/* --- cost, robustness ------------------------------------------------------- */

TEST(many_small_messages_from_one_buffer_is_linear) {
  /* 200000 messages (4.6 MB) in one feed. Moving the rest of the buffer
   * after each message would copy ~460 GB and hit the runner's timeout. */
  enum { COUNT = 200000 };
  static const char one[] = "Content-Length: 2\r\n\r\n{}";
  size_t n = (sizeof one - 1) * COUNT;
  char *in = malloc(n);
  ASSERT(in != NULL);
  for (size_t i = 0; i < COUNT; i++) memcpy(in + i * (sizeof one - 1), one, sizeof one - 1);
  RpcFramer f;
  rpc_framer_init(&f, 0, 0);
  /* A quarter in one feed, the rest in uneven chunks between reads. */
  ASSERT_EQ_INT(rpc_framer_feed(&f, in, n / 4), 0);
  size_t cap = f.cap; /* white-box: the consumed prefix must be reclaimed */
  size_t messages = 0, at = n / 4;
  const char *body;
  size_t len;
  for (;;) {
    RpcFrameStatus s = rpc_framer_next(&f, &body, &len);
    if (s == RPC_FRAME_MESSAGE) {
      ASSERT_EQ_MEM(body, len, "{}", 2);
      messages++;
      continue;
    }
    ASSERT_EQ_INT(s, RPC_FRAME_NEED_MORE);
    if (at == n) break;
    /* One byte first, then whole multiples of a message: the buffer never
     * ends on a message boundary, so it is never simply emptied. */
    size_t step = at == n / 4 ? 1 : (sizeof one - 1) * 338;
    size_t k = n - at < step ? n - at : step;
    ASSERT_EQ_INT(rpc_framer_feed(&f, in + at, k), 0);
    at += k;
  }
  ASSERT_EQ_INT(messages, COUNT);
  ASSERT_EQ_INT(rpc_framer_buffered(&f), 0);
  ASSERT_EQ_INT(f.cap, cap);
  free(in);
  rpc_framer_deinit(&f);
}

static uint32_t rng_state;
static uint32_t rng(void) {
  rng_state = rng_state * 1664525u + 1013904223u;
  return rng_state >> 8;
}

/* Random streams of message pieces, garbage, stray CR/LF and random bytes:
 * no crash or sanitizer report, and the events do not depend on chunking. */
TEST(random_streams_do_not_depend_on_chunking) {
  static const char *const pieces[] = {
      "Content-Length: 2\r\n\r\n{}",
      "Content-Length: 5\r\n\r\n",
      "content-length:1\n\n",
      "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n",
      "Content-Type: x; charset=koi8-r\r\n",
      "Content-Length: 99999999999999999999\r\n",
      "Content-Length: 300\r\n",
      "X: y\r\n",
      "\r\n",
      "\n",
      "\r",
      ":",
      "Content-Len",
      "gth: 3\r\n\r\n[1]",
      "garbage",
      "{\"jsonrpc\":\"2.0\",\"method\":\"x\"}",
      "   ",
  };
  rng_state = 12345;
  for (int iter = 0; iter < 400; iter++) {
    char in[600];
    size_t n = 0;
    while (n < 400) {
      if (rng() % 4 == 0) {
        size_t k = 1 + rng() % 8;
        for (size_t i = 0; i < k; i++) in[n++] = (char)(rng() & 0xff);
      } else {
        const char *p = pieces[rng() % (sizeof pieces / sizeof pieces[0])];
        size_t k = strlen(p);
        memcpy(in + n, p, k);
        n += k;
      }
    }
    Limits lim = {(size_t)(32 + rng() % 64), (size_t)(rng() % 200)};
    Log whole = {0}, chunked = {0};
    run_cuts(in, n, NULL, 0, lim, &whole);
    size_t cuts[64], ncuts = 0, at = 0;
    while (ncuts < 64) {
      at += 1 + rng() % 24;
      if (at >= n) break;
      cuts[ncuts++] = at;
    }
    run_cuts(in, n, cuts, ncuts, lim, &chunked);
    ASSERT_EQ_MEM(chunked.data, chunked.len, whole.data, whole.len);
    free(chunked.data);
    free(whole.data);
  }
}

TEST(feed_failure_reports_nomem) {
  RpcFramer f;
  rpc_framer_init(&f, 0, 0);
  test_fail_allocation_after(0);
  ASSERT_EQ_INT(rpc_framer_feed(&f, "Content-Length: 2\r\n", 19), RPC_FRAME_ERR_NOMEM);
  test_fail_allocation_after(-1);
  ASSERT_EQ_INT(rpc_framer_buffered(&f), 0);
  ASSERT_EQ_INT(rpc_framer_feed(&f, "Content-Length: 2\r\n\r\n{}", 23), 0);
  /* Growing the buffer fails: the bytes are dropped, the old ones kept. */
  char big[8192];
  memset(big, ' ', sizeof big);
  test_fail_allocation_after(0);
  ASSERT_EQ_INT(rpc_framer_feed(&f, big, sizeof big), RPC_FRAME_ERR_NOMEM);
  test_fail_allocation_after(-1);
  ASSERT_EQ_INT(rpc_framer_buffered(&f), 23);
  const char *body;
  size_t len;
  ASSERT_EQ_INT(rpc_framer_next(&f, &body, &len), RPC_FRAME_MESSAGE);
  ASSERT_EQ_MEM(body, len, "{}", 2);
  rpc_framer_deinit(&f);
}

TEST(empty_feed_and_reinit) {
  RpcFramer f;
  rpc_framer_init(&f, 1, 1); /* raised to the minimum header size */
  ASSERT_EQ_INT(rpc_framer_feed(&f, NULL, 0), 0);
  const char *body;
  size_t len;
  ASSERT_EQ_INT(rpc_framer_next(&f, &body, &len), RPC_FRAME_NEED_MORE);
  ASSERT_EQ_INT(rpc_framer_feed(&f, "Content-Length: 1\r\n\r\n1", 22), 0);
  ASSERT_EQ_INT(rpc_framer_next(&f, &body, &len), RPC_FRAME_MESSAGE);
  ASSERT_EQ_MEM(body, len, "1", 1);
  ASSERT_EQ_INT(rpc_framer_feed(&f, "Content-Length: 2\r\n", 19), 0);
  ASSERT_EQ_INT(rpc_framer_buffered(&f), 19);
  rpc_framer_deinit(&f);
  rpc_framer_deinit(&f); /* idempotent */
  rpc_framer_init(&f, 0, 0);
  ASSERT_EQ_INT(rpc_framer_buffered(&f), 0);
  rpc_framer_deinit(&f);
}

TEST(status_texts) {
  static const RpcFrameStatus all[] = {
      RPC_FRAME_MESSAGE, RPC_FRAME_NEED_MORE, RPC_FRAME_ERR_HEADER_TOO_LARGE,
      RPC_FRAME_ERR_BODY_TOO_LARGE, RPC_FRAME_ERR_BAD_HEADER, RPC_FRAME_ERR_NO_CONTENT_LENGTH,
      RPC_FRAME_ERR_BAD_CONTENT_TYPE, RPC_FRAME_ERR_NOMEM,
  };
  size_t n = sizeof all / sizeof all[0];
  for (size_t i = 0; i < n; i++) {
    const char *t = rpc_frame_status_text(all[i]);
    ASSERT(t != NULL && t[0] != '\0');
    ASSERT(strcmp(t, "unknown framing status") != 0);
    for (size_t j = 0; j < i; j++) ASSERT(strcmp(t, rpc_frame_status_text(all[j])) != 0);
  }
  ASSERT_EQ_STR(rpc_frame_status_text(RPC_FRAME_ERR_HEADER_TOO_LARGE), "header block too large");
  ASSERT_EQ_STR(rpc_frame_status_text((RpcFrameStatus)42), "unknown framing status");
}

TEST_MAIN(single_message, several_messages_in_one_chunk, header_variants, content_type_variants,
          blank_lines_between_messages_are_ignored, body_with_any_bytes, missing_content_length,
          bad_content_length_values, bad_header_lines, garbage_then_valid_message,
          each_garbage_run_is_reported_once, garbage_only, oversized_header_block_then_valid_message,
          oversized_body_then_valid_message, oversized_body_is_not_buffered,
          oversized_header_is_not_buffered, many_small_messages_from_one_buffer_is_linear,
          random_streams_do_not_depend_on_chunking, feed_failure_reports_nomem, empty_feed_and_reinit,
          status_texts)
