/* tests/bench/lspdrive — times a language server's first diagnostics for one
 * file, for tests/bench/peers.
 *
 *   lspdrive [--runs N] [--timeout SECONDS] FILE -- COMMAND [ARG...]
 *
 * Each run starts COMMAND with pipes on stdin/stdout, initializes it with
 * the file's directory as rootUri, sends didOpen with the file's text and
 * waits for the first publishDiagnostics of that URI, answering the
 * server's own requests meanwhile. It prints one line a run and a summary:
 *
 *   run 1: initialize 412.3 ms, didOpen -> first diagnostics 2203.1 ms (57 diagnostics)
 *   median: initialize 410.0 ms, first diagnostics 2198.4 ms over 3 runs
 *
 * Exit status 0, 2 on a usage error, 1 when the server cannot be started or
 * publishes nothing within the timeout (default 120 s).
 */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/bench/lspc.h"
#include "tests/bench/stats.h"

static const char drive__usage[] = "usage: lspdrive [--runs N] [--timeout SECONDS] FILE -- COMMAND [ARG...]\n";

static char *drive__read(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  GenBuf b;
  gen_buf_init(&b);
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) gen_buf_append(&b, chunk, n);
  fclose(f);
  *len = b.len;
  return b.p;
}

int main(int argc, char **argv) {
  int runs = 3, timeout_s = 120;
  const char *file = NULL;
  int i = 1;
  for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
    if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
      runs = atoi(argv[++i]);
    } else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
      timeout_s = atoi(argv[++i]);
    } else if (argv[i][0] != '-' && !file) {
      file = argv[i];
    } else {
      fputs(drive__usage, stderr);
      return 2;
    }
  }
  if (!file || i + 1 >= argc || runs < 1 || timeout_s < 1) {
    fputs(drive__usage, stderr);
    return 2;
  }
  char *const *command = argv + i + 1;
  signal(SIGPIPE, SIG_IGN);

  char path[PATH_MAX];
  size_t len;
  char *text = realpath(file, path) ? drive__read(path, &len) : NULL;
  if (!text) {
    fprintf(stderr, "lspdrive: cannot read %s\n", file);
    return 1;
  }
  char uri[PATH_MAX + 8], root[PATH_MAX + 8];
  snprintf(uri, sizeof uri, "file://%s", path);
  snprintf(root, sizeof root, "%s", uri);
  char *slash = strrchr(root, '/');
  if (slash) *slash = '\0';

  BenchSamples init = {0}, first = {0};
  int rc = 0;
  for (int r = 1; r <= runs; r++) {
    LspClient c;
    double t0 = bench_now_ms();
    if (lspc_start(&c, command) != 0) {
      rc = 1;
      break;
    }
    if (lspc_initialize(&c, root, NULL, timeout_s * 1000) != 0) {
      lspc_stop(&c, 2000);
      rc = 1;
      break;
    }
    double t1 = bench_now_ms();
    json_t *params = json_pack("{s:{s:s, s:s, s:i, s:s%}}", "textDocument", "uri", uri, "languageId", "python",
                               "version", 1, "text", text, len);
    size_t body_len;
    char *body = lspc_encode("textDocument/didOpen", -1, params, &body_len);
    double t2 = bench_now_ms(), t3 = 0;
    json_t *msg = body && lspc_send_raw(&c, body, body_len) == 0
                      ? lspc_wait_diagnostics(&c, uri, -1, timeout_s * 1000, &t3)
                      : NULL;
    free(body);
    if (!msg) {
      fprintf(stderr, "lspdrive: no diagnostics within %d s\n", timeout_s);
      lspc_stop(&c, 2000);
      rc = 1;
      break;
    }
    size_t count = json_array_size(json_object_get(json_object_get(msg, "params"), "diagnostics"));
    json_decref(msg);
    lspc_stop(&c, 5000);
    printf("run %d: initialize %.1f ms, didOpen -> first diagnostics %.1f ms (%zu diagnostics)\n", r, t1 - t0,
           t3 - t2, count);
    fflush(stdout);
    bench_samples_add(&init, t1 - t0);
    bench_samples_add(&first, t3 - t2);
  }
  if (rc == 0)
    printf("median: initialize %.1f ms, first diagnostics %.1f ms over %d runs\n", bench_median(&init),
           bench_median(&first), runs);
  bench_samples_free(&init);
  bench_samples_free(&first);
  free(text);
  return rc;
}
