/* tests/fuzz/fuzz_server — the whole language server on raw stdin bytes,
 * in process.
 *
 * Each input becomes the server's stdin (a memfd, read by the transport's
 * reader thread, then EOF) and server_main() runs to completion with stdout
 * captured in a second memfd: framing, dispatch, the lifecycle state
 * machine, every handler, the document store, analysis and publishing all
 * see the bytes exactly as they would from a client. Afterwards:
 *   - server_main must have returned 0 or 1 (the documented exit codes);
 *   - the output must be a sequence of well-framed messages, each a JSON
 *     object with "jsonrpc":"2.0";
 *   - every reply has exactly one of result and error, and a result has
 *     an id.
 * A request answered twice trips the dispatcher's own assertion (this build
 * keeps assertions on).
 * Seeds (corpus/server) are whole sessions: initialize, didOpen of
 * TensorFlow code, incremental edits, pulls, shutdown; libFuzzer mutates
 * them. The dictionary (server.dict) holds the method and field names.
 */
#include <fcntl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "server/server.h"

static void fuzz_server__fail(const char *what, const char *out, size_t len) {
  fprintf(stderr, "fuzz_server: %s\n--- server output (%zu bytes) ---\n%.*s\n", what, len,
          (int)(len > 4096 ? 4096 : len), out);
  abort();
}

/* Checks the server's stdout: Content-Length framed JSON-RPC 2.0 objects. */
static void fuzz_server__check_output(const char *out, size_t len) {
  size_t pos = 0;
  while (pos < len) {
    static const char head[] = "Content-Length: ";
    if (len - pos < sizeof head - 1 || memcmp(out + pos, head, sizeof head - 1) != 0)
      fuzz_server__fail("output does not start with Content-Length", out, len);
    pos += sizeof head - 1;
    size_t n = 0;
    int digits = 0;
    while (pos < len && out[pos] >= '0' && out[pos] <= '9' && digits < 12) {
      n = n * 10 + (size_t)(out[pos++] - '0');
      digits++;
    }
    if (!digits || len - pos < 4 || memcmp(out + pos, "\r\n\r\n", 4) != 0)
      fuzz_server__fail("bad header in output", out, len);
    pos += 4;
    if (len - pos < n) fuzz_server__fail("output ends inside a message", out, len);
    json_error_t jerr;
    json_t *msg = json_loadb(out + pos, n, JSON_ALLOW_NUL, &jerr);
    if (!msg || !json_is_object(msg)) fuzz_server__fail("a message is not a JSON object", out, len);
    json_t *v = json_object_get(msg, "jsonrpc");
    if (!json_is_string(v) || strcmp(json_string_value(v), "2.0") != 0)
      fuzz_server__fail("a message without \"jsonrpc\":\"2.0\"", out, len);
    json_t *id = json_object_get(msg, "id");
    bool is_reply = !json_object_get(msg, "method");
    if (is_reply) {
      bool has_result = json_object_get(msg, "result") != NULL, has_error = json_object_get(msg, "error") != NULL;
      if (has_result == has_error) fuzz_server__fail("a reply without exactly one of result and error", out, len);
      if (has_result && !id) fuzz_server__fail("a result without an id", out, len);
    }
    json_decref(msg);
    pos += n;
  }
}

static int fuzz_server__stdout = -1;
static int fuzz_server__memfd(const char *name) {
  int fd = memfd_create(name, 0);
  if (fd < 0) {
    perror("memfd_create");
    abort();
  }
  return fd;
}

int fuzz_server_one(const uint8_t *data, size_t size) {
  if (fuzz_server__stdout < 0) fuzz_server__stdout = dup(1);
  int in = fuzz_server__memfd("fuzz-stdin");
  int out = fuzz_server__memfd("fuzz-stdout");
  size_t done = 0;
  while (done < size) {
    ssize_t w = write(in, data + done, size - done);
    if (w <= 0) abort();
    done += (size_t)w;
  }
  lseek(in, 0, SEEK_SET);
  int saved_in = dup(0);
  dup2(in, 0);
  dup2(out, 1);
  close(in);

  char arg0[] = "serve", arg1[] = "--log-level", arg2[] = "error";
  char *argv[] = {arg0, arg1, arg2, NULL};
  int rc = server_main(3, argv);

  dup2(saved_in, 0);
  close(saved_in);
  dup2(fuzz_server__stdout, 1);

  off_t len = lseek(out, 0, SEEK_END);
  char *buf = NULL;
  if (len > 0) {
    buf = malloc((size_t)len);
    if (pread(out, buf, (size_t)len, 0) != len) abort();
  }
  close(out);
  if (rc != 0 && rc != 1) {
    fprintf(stderr, "fuzz_server: server_main returned %d\n", rc);
    abort();
  }
  fuzz_server__check_output(buf ? buf : "", (size_t)(len > 0 ? len : 0));
  free(buf);
  return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return fuzz_server_one(data, size); }
#endif
