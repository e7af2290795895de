/* tests/reliability/reldriver — drives build/hybridls through the cases that
 * cannot be written as transcripts: load, a client that stops reading, a
 * client that disappears, 50 MB documents. Each sub-command prints figures
 * and "ok NAME" or "FAIL NAME: reason", and exits 0 or 1.
 *
 *   reldriver load BINARY WORKDIR     1,000 documents, 100,000 edits unawaited,
 *                                     pulls checked against `check --format json`,
 *                                     RSS back near its baseline after closing
 *   reldriver stall BINARY            stdout never read while ~200 MB of
 *                                     diagnostics are produced: RSS bounded,
 *                                     then the client reads and is answered
 *   reldriver gone BINARY             stdin closed -> exit 1; parent process
 *                                     gone (processId) -> exit 1
 *   reldriver huge BINARY             a 50 MB document of 10,000 nested ifs:
 *                                     showMessage once, empty publish, serving
 *
 * The client side is plain POSIX: pipes, a writer thread for unawaited
 * sends, a Content-Length reader, and jansson for the messages.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *rd__name = "reldriver";

static void rd__fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  printf("FAIL %s: ", rd__name);
  vprintf(fmt, ap);
  printf("\n");
  va_end(ap);
  fflush(stdout);
  exit(1);
}

static double rd__now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Resident set size of a process, in KiB (0 when it is gone). */
static long rd__rss_kb(pid_t pid) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  long kb = 0;
  while (fgets(line, sizeof line, f))
    if (strncmp(line, "VmRSS:", 6) == 0) kb = strtol(line + 6, NULL, 10);
  fclose(f);
  return kb;
}

/* ------------------------------------------------------------------------
 * The server process and its pipes.
 */
typedef struct Server {
  pid_t pid;
  int in, out; /* our ends: we write `in`, read `out` */
  char *buf;
  size_t len, cap;
} Server;

static Server rd__spawn(const char *binary, const char *const *extra_env) {
  int to[2], from[2];
  if (pipe(to) != 0 || pipe(from) != 0) rd__fail("pipe: %s", strerror(errno));
  pid_t pid = fork();
  if (pid < 0) rd__fail("fork: %s", strerror(errno));
  if (pid == 0) {
    dup2(to[0], 0);
    dup2(from[1], 1);
    close(to[0]), close(to[1]), close(from[0]), close(from[1]);
    for (const char *const *e = extra_env; e && *e; e++) putenv((char *)*e);
    execl(binary, binary, "serve", (char *)NULL);
    _exit(127);
  }
  close(to[0]);
  close(from[1]);
  signal(SIGPIPE, SIG_IGN);
  return (Server){.pid = pid, .in = to[1], .out = from[0]};
}

static void rd__write_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) rd__fail("writing to the server: %s", strerror(errno));
    p += w;
    n -= (size_t)w;
  }
}

static char *rd__frame(json_t *msg, size_t *len) {
  char *body = json_dumps(msg, JSON_COMPACT);
  size_t blen = strlen(body);
  char *out = malloc(blen + 64);
  int h = sprintf(out, "Content-Length: %zu\r\n\r\n", blen);
  memcpy(out + h, body, blen);
  *len = (size_t)h + blen;
  free(body);
  json_decref(msg);
  return out;
}

static void rd__send(Server *s, json_t *msg) {
  size_t n;
  char *f = rd__frame(msg, &n);
  rd__write_all(s->in, f, n);
  free(f);
}

/* Reads the next message (new reference), or NULL on EOF or after
 * timeout_s seconds. */
static json_t *rd__recv(Server *s, double timeout_s) {
  double end = rd__now() + timeout_s;
  for (;;) {
    char *sep = s->len ? memmem(s->buf, s->len, "\r\n\r\n", 4) : NULL;
    if (sep) {
      size_t n = strtoul(s->buf + 16, NULL, 10);
      size_t head = (size_t)(sep + 4 - s->buf);
      if (s->len >= head + n) {
        json_error_t err;
        json_t *msg = json_loadb(s->buf + head, n, 0, &err);
        if (!msg) rd__fail("server sent invalid JSON: %s", err.text);
        memmove(s->buf, s->buf + head + n, s->len - head - n);
        s->len -= head + n;
        return msg;
      }
    }
    double left = end - rd__now();
    if (left <= 0) return NULL;
    struct pollfd p = {.fd = s->out, .events = POLLIN};
    if (poll(&p, 1, (int)(left * 1000) + 1) <= 0) continue;
    if (s->cap - s->len < 65536) {
      s->cap = s->cap ? s->cap * 2 : 1 << 20;
      s->buf = realloc(s->buf, s->cap);
    }
    ssize_t r = read(s->out, s->buf + s->len, s->cap - s->len);
    if (r <= 0) return NULL;
    s->len += (size_t)r;
  }
}

/* Reads until the reply to `id` arrives; other messages are passed to `seen`
 * (may be NULL) and dropped. */
static json_t *rd__reply(Server *s, json_int_t id, double timeout_s, void (*seen)(json_t *, void *), void *data) {
  double end = rd__now() + timeout_s;
  for (;;) {
    json_t *m = rd__recv(s, end - rd__now());
    if (!m) rd__fail("no reply to request %lld within %.0f s", (long long)id, timeout_s);
    json_t *mid = json_object_get(m, "id");
    if (json_is_integer(mid) && json_integer_value(mid) == id && !json_object_get(m, "method")) return m;
    if (seen) seen(m, data);
    json_decref(m);
  }
}

static int rd__wait_exit(pid_t pid, double timeout_s) {
  double end = rd__now() + timeout_s;
  while (rd__now() < end) {
    int status;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    usleep(20000);
  }
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  return -1;
}

static json_t *rd__initialize(int64_t pid, int debounce) {
  return json_pack("{s:s, s:i, s:s, s:{s:I, s:n, s:{}, s:{s:i}}}", "jsonrpc", "2.0", "id", 1, "method",
                   "initialize", "params", "processId", (json_int_t)pid, "rootUri", "capabilities",
                   "initializationOptions", "debounceMs", debounce);
}

static json_t *rd__note(const char *method, json_t *params) {
  return json_pack("{s:s, s:s, s:o}", "jsonrpc", "2.0", "method", method, "params", params);
}

static json_t *rd__request(json_int_t id, const char *method, json_t *params) {
  return json_pack("{s:s, s:I, s:s, s:o}", "jsonrpc", "2.0", "id", id, "method", method, "params", params);
}

static void rd__handshake(Server *s, int64_t pid, int debounce, json_t **caps) {
  rd__send(s, rd__initialize(pid, debounce));
  json_t *r = rd__reply(s, 1, 30, NULL, NULL);
  if (!json_is_object(json_object_get(r, "result"))) rd__fail("initialize failed");
  if (caps) *caps = json_incref(json_object_get(json_object_get(r, "result"), "capabilities"));
  json_decref(r);
  rd__send(s, rd__note("initialized", json_object()));
}

static void rd__shutdown(Server *s, json_int_t id) {
  rd__send(s, rd__request(id, "shutdown", json_null()));
  json_decref(rd__reply(s, id, 60, NULL, NULL));
  rd__send(s, json_pack("{s:s, s:s}", "jsonrpc", "2.0", "method", "exit"));
  close(s->in);
  int rc = rd__wait_exit(s->pid, 30);
  if (rc != 0) rd__fail("exit after shutdown: code %d", rc);
  close(s->out);
  free(s->buf);
}

/* ------------------------------------------------------------------------
 * load
 */
#define LOAD_DOCS 1000
#define LOAD_EDITS 100000

/* Document i: a TensorFlow module whose findings depend on i, so a wrong
 * document or a lost edit shows in its diagnostics. Each edit appends one
 * character to the comment on line 0 ("# v" + a run of 'e'), or toggles
 * print <-> tf.print on the last line. */
static char *load__text(int i) {
  char *t = NULL;
  if (asprintf(&t,
               "# v\n"
               "import tensorflow as tf\n"
               "\n"
               "@tf.function\n"
               "def step_%d(x, n):\n"
               "    y = x * %d\n"
               "    print(y)\n",
               i, i) < 0)
    abort();
  return t;
}

typedef struct LoadWriter {
  Server *s;
  char **texts;
  int *line_len;  /* length of line 0 */
  int *toggled;   /* edits applied on the last line */
  double seconds;
  size_t bytes;
} LoadWriter;

static void load__uri(char *out, size_t n, int i) { snprintf(out, n, "file:///virtual/load/m%04d.py", i); }

static void *load__writer(void *arg) {
  LoadWriter *w = arg;
  double t0 = rd__now();
  /* Batched writes: many messages per write(2), as a busy client does. */
  size_t cap = 1 << 20, len = 0;
  char *batch = malloc(cap);
  char uri[64];
  for (int i = 0; i < LOAD_DOCS; i++) {
    load__uri(uri, sizeof uri, i);
    size_t n;
    char *f = rd__frame(rd__note("textDocument/didOpen",
                                 json_pack("{s:{s:s, s:s, s:i, s:s}}", "textDocument", "uri", uri, "languageId",
                                           "python", "version", 1, "text", w->texts[i])),
                        &n);
    if (len + n > cap) rd__write_all(w->s->in, batch, len), w->bytes += len, len = 0;
    memcpy(batch + len, f, n), len += n;
    free(f);
  }
  for (int e = 0; e < LOAD_EDITS; e++) {
    int i = e % LOAD_DOCS;
    int k = e / LOAD_DOCS; /* the document's k-th edit */
    load__uri(uri, sizeof uri, i);
    json_t *change;
    /* Toggles at k = 8, 17, ..., 98: 11 times (ends with tf.print) for even
     * documents, 10 times (ends with print) for odd ones, whose last toggle
     * (k = 98) is skipped. */
    if (k % 9 == 8 && (i % 2 == 0 || k < 90)) {
      /* line 6 is "    print(y)" or "    tf.print(y)" */
      bool is_tf = w->toggled[i] % 2 == 1;
      change = json_pack("{s:{s:{s:i, s:i}, s:{s:i, s:i}}, s:s}", "range", "start", "line", 6, "character", 4,
                         "end", "line", 6, "character", is_tf ? 12 : 9, "text", is_tf ? "print" : "tf.print");
      w->toggled[i]++;
    } else {
      change = json_pack("{s:{s:{s:i, s:i}, s:{s:i, s:i}}, s:s}", "range", "start", "line", 0, "character",
                         w->line_len[i], "end", "line", 0, "character", w->line_len[i], "text", "e");
      w->line_len[i]++;
    }
    size_t n;
    char *f = rd__frame(rd__note("textDocument/didChange",
                                 json_pack("{s:{s:s, s:i}, s:[o]}", "textDocument", "uri", uri, "version", k + 2,
                                           "contentChanges", change)),
                        &n);
    if (len + n > cap) rd__write_all(w->s->in, batch, len), w->bytes += len, len = 0;
    memcpy(batch + len, f, n), len += n;
    free(f);
  }
  rd__write_all(w->s->in, batch, len);
  w->bytes += len;
  free(batch);
  w->seconds = rd__now() - t0;
  return NULL;
}

static void load__count(json_t *m, void *data) {
  const char *method = json_string_value(json_object_get(m, "method"));
  if (method && strcmp(method, "textDocument/publishDiagnostics") == 0) (*(long *)data)++;
}

/* The final text of document i, computed independently of the server. */
static char *load__final_text(int i, int line_len, int toggled) {
  char *base = load__text(i);
  size_t extra = (size_t)line_len - 3;
  size_t blen = strlen(base);
  char *t = malloc(blen + extra + 8);
  memcpy(t, "# v", 3);
  memset(t + 3, 'e', extra);
  strcpy(t + 3 + extra, base + 3);
  free(base);
  if (toggled % 2 == 1) {
    char *p = strstr(t, "    print(y)");
    char *u = NULL;
    *p = '\0';
    if (asprintf(&u, "%s    tf.print(y)\n", t) < 0) abort();
    free(t);
    t = u;
  }
  return t;
}

static int cmd_load(const char *binary, const char *workdir) {
  rd__name = "load";
  Server s = rd__spawn(binary, NULL);
  json_t *caps = NULL;
  rd__handshake(&s, 0, 0, &caps);
  usleep(300000);
  long baseline = rd__rss_kb(s.pid);

  LoadWriter w = {.s = &s};
  w.texts = calloc(LOAD_DOCS, sizeof *w.texts);
  w.line_len = calloc(LOAD_DOCS, sizeof *w.line_len);
  w.toggled = calloc(LOAD_DOCS, sizeof *w.toggled);
  for (int i = 0; i < LOAD_DOCS; i++) w.texts[i] = load__text(i), w.line_len[i] = 3;

  double t0 = rd__now();
  pthread_t th;
  pthread_create(&th, NULL, load__writer, &w);
  /* Read concurrently (a client reads while it types), counting publishes. */
  long publishes = 0, peak = 0;
  while (true) {
    json_t *m = rd__recv(&s, 0.2);
    if (m) {
      load__count(m, &publishes);
      json_decref(m);
    }
    long rss = rd__rss_kb(s.pid);
    if (rss > peak) peak = rss;
    if (!m && pthread_tryjoin_np(th, NULL) == 0) break;
  }
  double sent = rd__now() - t0;

  /* A hover when the server offers one, then a pull per document, in one
   * batch: every reply must arrive and match a fresh analysis. */
  json_int_t id = 100;
  char uri[64];
  if (json_is_true(json_object_get(caps, "hoverProvider")) || json_is_object(json_object_get(caps, "hoverProvider"))) {
    load__uri(uri, sizeof uri, 7);
    rd__send(&s, rd__request(++id, "textDocument/hover",
                             json_pack("{s:{s:s}, s:{s:i, s:i}}", "textDocument", "uri", uri, "position", "line", 4,
                                       "character", 6)));
    json_t *r = rd__reply(&s, id, 120, load__count, &publishes);
    json_t *result = json_object_get(r, "result");
    if (!json_is_object(result) || !json_object_get(result, "contents")) rd__fail("hover has no contents");
    json_decref(r);
    printf("   hover on step_7: answered\n");
  }
  double tp = rd__now();
  json_int_t first = id + 1;
  for (int i = 0; i < LOAD_DOCS; i++) {
    load__uri(uri, sizeof uri, i);
    rd__send(&s, rd__request(++id, "textDocument/diagnostic", json_pack("{s:{s:s}}", "textDocument", "uri", uri)));
  }
  json_t *pulled = json_array();
  for (json_int_t r = first; r <= id; r++) {
    json_t *m = rd__reply(&s, r, 120, load__count, &publishes);
    json_t *items = json_object_get(json_object_get(m, "result"), "items");
    if (!json_is_array(items)) rd__fail("pull %lld has no items", (long long)r);
    json_array_append(pulled, items);
    json_decref(m);
  }
  double pull_s = rd__now() - tp;

  /* The same final texts through `hybridls check --format json`. */
  char path[512];
  snprintf(path, sizeof path, "mkdir -p %s/load && rm -f %s/load/*.py", workdir, workdir);
  if (system(path) != 0) rd__fail("cannot prepare %s", workdir);
  for (int i = 0; i < LOAD_DOCS; i++) {
    snprintf(path, sizeof path, "%s/load/m%04d.py", workdir, i);
    FILE *f = fopen(path, "w");
    char *t = load__final_text(i, w.line_len[i], w.toggled[i]);
    fputs(t, f);
    fclose(f);
    free(t);
  }
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "%s check --format json %s/load > %s/load.json", binary, workdir, workdir);
  int rc = system(cmd);
  if (!WIFEXITED(rc) || WEXITSTATUS(rc) > 1) rd__fail("check failed: %d", rc);
  snprintf(path, sizeof path, "%s/load.json", workdir);
  json_error_t jerr;
  json_t *fresh = json_load_file(path, 0, &jerr);
  if (!json_is_array(fresh)) rd__fail("check output: %s", jerr.text);
  /* Compare per document: rule, start and end (check is 1-based, LSP
   * 0-based; the texts are ASCII so columns agree), message. */
  json_t *by_doc = json_object();
  size_t k;
  json_t *f;
  json_array_foreach(fresh, k, f) {
    const char *p = json_string_value(json_object_get(f, "path"));
    const char *base = strrchr(p, '/');
    char key[1024];
    snprintf(key, sizeof key, "%s|%s|%lld:%lld-%lld:%lld|%s", base ? base + 1 : p,
             json_string_value(json_object_get(f, "rule")), json_integer_value(json_object_get(f, "line")) - 1,
             json_integer_value(json_object_get(f, "column")) - 1, json_integer_value(json_object_get(f, "end_line")) - 1,
             json_integer_value(json_object_get(f, "end_column")) - 1, json_string_value(json_object_get(f, "message")));
    json_object_set_new(by_doc, key, json_true());
  }
  size_t total = 0, tf_prints = 0;
  for (int i = 0; i < LOAD_DOCS; i++) {
    json_t *items = json_array_get(pulled, (size_t)i), *d;
    json_array_foreach(items, k, d) {
      json_t *range = json_object_get(d, "range");
      char key[1024];
      snprintf(key, sizeof key, "m%04d.py|%s|%lld:%lld-%lld:%lld|%s", i, json_string_value(json_object_get(d, "code")),
               json_integer_value(json_object_get(json_object_get(range, "start"), "line")),
               json_integer_value(json_object_get(json_object_get(range, "start"), "character")),
               json_integer_value(json_object_get(json_object_get(range, "end"), "line")),
               json_integer_value(json_object_get(json_object_get(range, "end"), "character")),
               json_string_value(json_object_get(d, "message")));
      if (!json_object_get(by_doc, key)) rd__fail("pulled diagnostic not in a fresh analysis: %s", key);
      json_object_del(by_doc, key);
      total++;
    }
    if (w.toggled[i] % 2 == 1) tf_prints++;
  }
  if (json_object_size(by_doc) != 0) {
    const char *key;
    json_t *v;
    json_object_foreach(by_doc, key, v) rd__fail("fresh finding missing from the pulls: %s", key);
  }
  if (total == 0) rd__fail("no diagnostics at all: nothing was compared");
  long loaded = rd__rss_kb(s.pid);

  /* Close everything; memory must come back near the baseline. */
  for (int i = 0; i < LOAD_DOCS; i++) {
    load__uri(uri, sizeof uri, i);
    rd__send(&s, rd__note("textDocument/didClose", json_pack("{s:{s:s}}", "textDocument", "uri", uri)));
  }
  rd__send(&s, rd__request(++id, "textDocument/diagnostic",
                           json_pack("{s:{s:s}}", "textDocument", "uri", "file:///virtual/load/m0000.py")));
  json_t *after = rd__reply(&s, id, 60, NULL, NULL);
  if (json_array_size(json_object_get(json_object_get(after, "result"), "items")) != 0)
    rd__fail("a closed document still has diagnostics");
  json_decref(after);
  usleep(500000);
  long closed = rd__rss_kb(s.pid);
  printf("   %d documents, %d edits (%zu bytes) sent unawaited in %.2f s; %ld publishes received\n", LOAD_DOCS,
         LOAD_EDITS, w.bytes, sent, publishes);
  printf("   %d pulls answered in %.2f s: %zu diagnostics, equal to `check --format json` of the final texts "
         "(%zu documents end with tf.print)\n",
         LOAD_DOCS, pull_s, total, tf_prints);
  printf("   RSS: baseline %ld KiB, peak %ld KiB, with 1,000 documents %ld KiB, after closing them %ld KiB\n",
         baseline, peak, loaded, closed);
  /* "Near its baseline": what stays after closing is at most a quarter of
   * what the documents took at their peak, plus 8 MiB for allocator slack. */
  long grown = (peak > loaded ? peak : loaded) - baseline;
  if (closed - baseline > grown / 4 + 8192) rd__fail("RSS stayed at %ld KiB after closing (baseline %ld)", closed, baseline);
  rd__shutdown(&s, ++id);
  json_decref(pulled);
  json_decref(fresh);
  json_decref(by_doc);
  json_decref(caps);
  printf("ok   load\n");
  return 0;
}

/* ------------------------------------------------------------------------
 * stall: the client stops reading.
 */
#define STALL_FINDINGS 2000
#define STALL_EDITS 300
#define STALL_URI "file:///virtual/stall.py"

static int cmd_stall(const char *binary) {
  rd__name = "stall";
  Server s = rd__spawn(binary, NULL);
  rd__handshake(&s, 0, 0, NULL);
  usleep(200000);
  long baseline = rd__rss_kb(s.pid);
  /* One document with 2,000 findings: each publish is ~700 KB. 300 edits,
   * each analysed and published (the document is analysed in ~50 ms, the
   * edits come 100 ms apart), while nothing is read: about 200 MB of output
   * for an output queue capped at 64 MiB (TRANSPORT_MAX_PENDING). */
  size_t cap = 1 << 20, len = 0;
  char *text = malloc(cap);
  len += (size_t)sprintf(text, "import tensorflow as tf\n\n@tf.function\ndef f(x):\n");
  for (int i = 0; i < STALL_FINDINGS; i++) len += (size_t)sprintf(text + len, "    print(x, %d)\n", i);
  rd__send(&s, rd__note("textDocument/didOpen", json_pack("{s:{s:s, s:s, s:i, s:s}}", "textDocument", "uri",
                                                          STALL_URI, "languageId", "python", "version", 1, "text", text)));
  free(text);
  long peak = 0;
  /* Even versions insert a comment line at the top, odd ones remove it. */
  for (int v = 2; v < 2 + STALL_EDITS; v++) {
    rd__send(&s, rd__note("textDocument/didChange",
                          json_pack("{s:{s:s, s:i}, s:[{s:{s:{s:i, s:i}, s:{s:i, s:i}}, s:s}]}", "textDocument",
                                    "uri", STALL_URI, "version", v, "contentChanges", "range", "start", "line", 0,
                                    "character", 0, "end", "line", v % 2, "character", 0, "text",
                                    v % 2 ? "" : "#\n")));
    usleep(100000);
    long rss = rd__rss_kb(s.pid);
    if (rss > peak) peak = rss;
    if (rss == 0) rd__fail("the server died while the client was not reading");
  }
  printf("   RSS: baseline %ld KiB, peak %ld KiB while ~200 MB of diagnostics waited for a client not reading\n",
         baseline, peak);
  /* The queue is bounded at 64 MiB; allow that, the document's models and
   * allocator slack. Unbounded growth would be above 200 MB. */
  if (peak - baseline > 192 * 1024) rd__fail("RSS grew by %ld KiB while the client was not reading", peak - baseline);
  /* The test means something only if the queue really filled up. */
  if (peak - baseline < 48 * 1024) rd__fail("RSS grew by only %ld KiB: the output queue never filled", peak - baseline);
  /* The client reads again: a request sent now is answered, after the
   * queued output. */
  rd__send(&s, rd__request(42, "textDocument/diagnostic",
                           json_pack("{s:{s:s}}", "textDocument", "uri", STALL_URI)));
  long publishes = 0;
  double t0 = rd__now();
  json_t *r = rd__reply(&s, 42, 120, load__count, &publishes);
  size_t items = json_array_size(json_object_get(json_object_get(r, "result"), "items"));
  json_decref(r);
  printf("   after resuming: %ld publishes drained, the pull answered in %.2f s with %zu diagnostics\n", publishes,
         rd__now() - t0, items);
  if (items != STALL_FINDINGS) rd__fail("the pull after resuming has %zu diagnostics, expected %d", items, STALL_FINDINGS);
  if (publishes >= STALL_EDITS) rd__fail("all %ld publishes arrived: nothing was dropped, the cap never applied", publishes);
  rd__shutdown(&s, 43);
  printf("ok   stall\n");
  return 0;
}

/* ------------------------------------------------------------------------
 * gone: the client disappears.
 */
static int cmd_gone(const char *binary) {
  rd__name = "gone";
  /* 1. stdin closed without shutdown: exit code 1. */
  Server s = rd__spawn(binary, NULL);
  rd__handshake(&s, 0, 0, NULL);
  double t0 = rd__now();
  close(s.in);
  int rc = rd__wait_exit(s.pid, 10);
  if (rc != 1) rd__fail("stdin closed: exit code %d, expected 1", rc);
  printf("   stdin closed: exit 1 after %.2f s\n", rd__now() - t0);
  close(s.out);
  free(s.buf);

  /* 2. The parent named by processId dies while stdin stays open (we keep
   * it): the server notices within its 2 s check and exits 1. We become
   * the subreaper so the orphaned server is reparented to us. */
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  int to[2], from[2], pidpipe[2];
  if (pipe(to) || pipe(from) || pipe(pidpipe)) rd__fail("pipe");
  pid_t parent = fork();
  if (parent == 0) {
    pid_t server = fork();
    if (server == 0) {
      dup2(to[0], 0);
      dup2(from[1], 1);
      execl(binary, binary, "serve", (char *)NULL);
      _exit(127);
    }
    if (write(pidpipe[1], &server, sizeof server) != (ssize_t)sizeof server) _exit(1);
    pause(); /* killed by the driver */
    _exit(0);
  }
  pid_t server;
  if (read(pidpipe[0], &server, sizeof server) != (ssize_t)sizeof server) rd__fail("no server pid");
  close(to[0]);
  close(from[1]);
  Server g = {.pid = server, .in = to[1], .out = from[0]};
  rd__handshake(&g, parent, 0, NULL);
  kill(parent, SIGKILL);
  waitpid(parent, NULL, 0);
  t0 = rd__now();
  /* Keep reading its output (logs) so it is never blocked on stdout. */
  while (rd__now() - t0 < 10) {
    json_t *m = rd__recv(&g, 0.2);
    json_decref(m);
    int status;
    if (waitpid(server, &status, WNOHANG) == server) {
      rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      if (rc != 1) rd__fail("parent gone: exit code %d, expected 1", rc);
      printf("   parent process gone, stdin still open: exit 1 after %.2f s\n", rd__now() - t0);
      close(g.in);
      close(g.out);
      free(g.buf);
      printf("ok   gone\n");
      return 0;
    }
  }
  kill(server, SIGKILL);
  rd__fail("the server outlived its parent by 10 s");
  return 1;
}

/* ------------------------------------------------------------------------
 * huge: a 50 MB document (10,000 nested ifs).
 */
static int cmd_huge(const char *binary) {
  rd__name = "huge";
  Server s = rd__spawn(binary, NULL);
  rd__handshake(&s, 0, 0, NULL);
  size_t depth = 10000, cap = depth * (depth + 8) / 2 + depth * 8 + 256, len = 0;
  char *text = malloc(cap);
  len += (size_t)sprintf(text, "import tensorflow as tf\n");
  for (size_t i = 0; i < depth; i++) {
    memset(text + len, ' ', i);
    len += i;
    memcpy(text + len, "if x:\n", 6);
    len += 6;
  }
  memset(text + len, ' ', depth);
  len += depth;
  len += (size_t)sprintf(text + len, "print(x)\n");
  double t0 = rd__now();
  rd__send(&s, rd__note("textDocument/didOpen",
                        json_pack("{s:{s:s, s:s, s:i, s:s%}}", "textDocument", "uri", "file:///virtual/huge.py",
                                  "languageId", "python", "version", 1, "text", text, len)));
  free(text);
  bool shown = false, published = false;
  while (!(shown && published)) {
    json_t *m = rd__recv(&s, 300);
    if (!m) rd__fail("no showMessage/publish for the 50 MB document");
    const char *method = json_string_value(json_object_get(m, "method"));
    json_t *params = json_object_get(m, "params");
    if (method && strcmp(method, "window/showMessage") == 0) {
      const char *msg = json_string_value(json_object_get(params, "message"));
      if (shown) rd__fail("showMessage sent twice");
      if (!msg || !strstr(msg, "is larger than 10 MiB; analysis skipped")) rd__fail("unexpected message %s", msg);
      shown = true;
    } else if (method && strcmp(method, "textDocument/publishDiagnostics") == 0) {
      if (json_array_size(json_object_get(params, "diagnostics")) != 0) rd__fail("diagnostics for a skipped document");
      published = true;
    }
    json_decref(m);
  }
  printf("   %zu-byte document (10,000 nested ifs): showMessage and an empty publish after %.2f s, RSS %ld KiB\n",
         len, rd__now() - t0, rd__rss_kb(s.pid));
  /* An edit at its end: still skipped, no second message; a pull works. */
  rd__send(&s, rd__note("textDocument/didChange",
                        json_pack("{s:{s:s, s:i}, s:[{s:{s:{s:i, s:i}, s:{s:i, s:i}}, s:s}]}", "textDocument", "uri",
                                  "file:///virtual/huge.py", "version", 2, "contentChanges", "range", "start", "line",
                                  1000000, "character", 0, "end", "line", 1000000, "character", 0, "text", "x\n")));
  rd__send(&s, rd__request(7, "textDocument/diagnostic",
                           json_pack("{s:{s:s}}", "textDocument", "uri", "file:///virtual/huge.py")));
  json_t *r = rd__reply(&s, 7, 300, NULL, NULL);
  if (json_array_size(json_object_get(json_object_get(r, "result"), "items")) != 0) rd__fail("pull not empty");
  json_decref(r);
  rd__shutdown(&s, 8);
  printf("ok   huge\n");
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc >= 4 && strcmp(argv[1], "load") == 0) return cmd_load(argv[2], argv[3]);
  if (argc >= 3 && strcmp(argv[1], "stall") == 0) return cmd_stall(argv[2]);
  if (argc >= 3 && strcmp(argv[1], "gone") == 0) return cmd_gone(argv[2]);
  if (argc >= 3 && strcmp(argv[1], "huge") == 0) return cmd_huge(argv[2]);
  fprintf(stderr, "usage: reldriver load|stall|gone|huge BINARY [WORKDIR]\n");
  return 2;
}
