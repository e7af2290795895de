/* tests/bench/lspc — a minimal LSP client over pipes (see lspc.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/bench/lspc.h"
#include "tests/bench/stats.h"

#define LSPC__READ_CHUNK 65536

int lspc_start(LspClient *c, char *const argv[]) {
  memset(c, 0, sizeof *c);
  c->to_server = c->from_server = -1;
  c->next_id = 1;
  gen_buf_init(&c->in);
  int in_pipe[2], out_pipe[2];
  if (pipe(in_pipe) != 0) goto fail;
  if (pipe(out_pipe) != 0) {
    close(in_pipe[0]);
    close(in_pipe[1]);
    goto fail;
  }
  pid_t pid = fork();
  if (pid < 0) {
    close(in_pipe[0]);
    close(in_pipe[1]);
    close(out_pipe[0]);
    close(out_pipe[1]);
    goto fail;
  }
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    if (!getenv("LSPC_STDERR")) {
      int null = open("/dev/null", O_WRONLY);
      if (null >= 0) dup2(null, 2);
    }
    close(in_pipe[0]);
    close(in_pipe[1]);
    close(out_pipe[0]);
    close(out_pipe[1]);
    execvp(argv[0], argv);
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  c->pid = pid;
  c->to_server = in_pipe[1];
  c->from_server = out_pipe[0];
  return 0;

fail:
  fprintf(stderr, "bench: cannot start %s: %s\n", argv[0], strerror(errno));
  gen_buf_free(&c->in);
  return -1;
}

static int lspc__write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

int lspc_send_raw(LspClient *c, const char *body, size_t len) {
  char header[64];
  int n = snprintf(header, sizeof header, "Content-Length: %zu\r\n\r\n", len);
  if (lspc__write_all(c->to_server, header, (size_t)n) != 0 || lspc__write_all(c->to_server, body, len) != 0) {
    fprintf(stderr, "bench: cannot write to the server: %s\n", strerror(errno));
    return -1;
  }
  return 0;
}

int lspc_send(LspClient *c, json_t *msg) {
  char *body = json_dumps(msg, JSON_COMPACT);
  json_decref(msg);
  if (!body) return -1;
  int rc = lspc_send_raw(c, body, strlen(body));
  free(body);
  return rc;
}

char *lspc_encode(const char *method, int64_t id, json_t *params, size_t *len) {
  json_t *msg = json_pack("{s:s, s:s, s:o}", "jsonrpc", "2.0", "method", method, "params", params);
  if (!msg) return NULL;
  if (id >= 0) json_object_set_new(msg, "id", json_integer(id));
  char *body = json_dumps(msg, JSON_COMPACT);
  json_decref(msg);
  if (body && len) *len = strlen(body);
  return body;
}

/* The body length of a complete header block, or -1 when the header has no
 * Content-Length. */
static long lspc__content_length(const char *header, size_t n) {
  const char *end = header + n;
  for (const char *line = header; line < end;) {
    const char *eol = memchr(line, '\n', (size_t)(end - line));
    if (!eol) eol = end;
    if ((size_t)(eol - line) > 15 && strncasecmp(line, "Content-Length:", 15) == 0)
      return strtol(line + 15, NULL, 10);
    line = eol + 1;
  }
  return -1;
}

/* The next message from the server (new reference), or NULL on timeout,
 * end of output or garbage. */
static json_t *lspc__next(LspClient *c, int timeout_ms, double *at_ms) {
  double deadline = bench_now_ms() + timeout_ms;
  for (;;) {
    const char *start = c->in.p + c->in_pos;
    size_t avail = c->in.len - c->in_pos;
    const char *sep = avail >= 4 ? memmem(start, avail, "\r\n\r\n", 4) : NULL;
    if (sep) {
      size_t header_len = (size_t)(sep - start);
      long body_len = lspc__content_length(start, header_len);
      if (body_len < 0) {
        fputs("bench: a server message without Content-Length\n", stderr);
        return NULL;
      }
      if (avail >= header_len + 4 + (size_t)body_len) {
        if (at_ms) *at_ms = bench_now_ms();
        json_error_t err;
        json_t *msg = json_loadb(sep + 4, (size_t)body_len, 0, &err);
        c->in_pos += header_len + 4 + (size_t)body_len;
        if (c->in_pos == c->in.len) c->in_pos = c->in.len = 0;
        if (!msg) fprintf(stderr, "bench: invalid JSON from the server: %s\n", err.text);
        return msg;
      }
    }
    if (c->in_pos > 0 && c->in_pos * 2 > c->in.len) {
      memmove(c->in.p, c->in.p + c->in_pos, c->in.len - c->in_pos);
      c->in.len -= c->in_pos;
      c->in_pos = 0;
    }
    double left = deadline - bench_now_ms();
    if (left <= 0) return NULL;
    struct pollfd pfd = {.fd = c->from_server, .events = POLLIN};
    int r = poll(&pfd, 1, (int)left + 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return NULL;
    char chunk[LSPC__READ_CHUNK];
    ssize_t got = read(c->from_server, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return NULL;
    gen_buf_append(&c->in, chunk, (size_t)got);
  }
}

/* Answers a request from the server; returns true when `msg` was one. */
static bool lspc__answer(LspClient *c, json_t *msg) {
  json_t *id = json_object_get(msg, "id");
  const char *method = json_string_value(json_object_get(msg, "method"));
  if (!id || !method) return false;
  json_t *result = json_null();
  if (strcmp(method, "workspace/configuration") == 0) {
    result = json_array();
    size_t n = json_array_size(json_object_get(json_object_get(msg, "params"), "items"));
    for (size_t i = 0; i < n; i++) json_array_append_new(result, json_null());
  }
  lspc_send(c, json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", id, "result", result));
  return true;
}

/* Waits for the response to request `id`; other messages are answered or
 * dropped. Returns the response (new reference) or NULL. */
static json_t *lspc__wait_response(LspClient *c, int64_t id, int timeout_ms) {
  double deadline = bench_now_ms() + timeout_ms;
  for (;;) {
    int left = (int)(deadline - bench_now_ms());
    if (left <= 0) return NULL;
    json_t *msg = lspc__next(c, left, NULL);
    if (!msg) return NULL;
    json_t *mid = json_object_get(msg, "id");
    if (!json_object_get(msg, "method") && json_is_integer(mid) && json_integer_value(mid) == id) return msg;
    lspc__answer(c, msg);
    json_decref(msg);
  }
}

int lspc_initialize(LspClient *c, const char *root_uri, json_t *init_options, int timeout_ms) {
  json_t *caps = json_pack("{s:{s:{s:b, s:b}, s:{s:b}}, s:{s:b, s:b}, s:{s:[s]}}",
                           "textDocument", "publishDiagnostics", "relatedInformation", 1, "versionSupport", 1,
                           "synchronization", "dynamicRegistration", 0,
                           "workspace", "configuration", 1, "workspaceFolders", 0,
                           "general", "positionEncodings", "utf-16");
  json_t *params = json_pack("{s:I, s:o, s:o}", "processId", (json_int_t)getpid(), "rootUri",
                             root_uri ? json_string(root_uri) : json_null(), "capabilities", caps);
  if (init_options) json_object_set_new(params, "initializationOptions", init_options);
  int64_t id = c->next_id++;
  size_t len;
  char *body = lspc_encode("initialize", id, params, &len);
  int rc = body ? lspc_send_raw(c, body, len) : -1;
  free(body);
  if (rc != 0) return -1;
  json_t *reply = lspc__wait_response(c, id, timeout_ms);
  if (!reply || !json_object_get(reply, "result")) {
    fputs("bench: the server did not answer initialize\n", stderr);
    json_decref(reply);
    return -1;
  }
  json_decref(reply);
  body = lspc_encode("initialized", -1, json_object(), &len);
  rc = body ? lspc_send_raw(c, body, len) : -1;
  free(body);
  return rc;
}

json_t *lspc_wait_diagnostics(LspClient *c, const char *uri, int64_t version, int timeout_ms, double *at_ms) {
  double deadline = bench_now_ms() + timeout_ms;
  for (;;) {
    int left = (int)(deadline - bench_now_ms());
    if (left <= 0) return NULL;
    double at = 0;
    json_t *msg = lspc__next(c, left, &at);
    if (!msg) return NULL;
    if (lspc__answer(c, msg)) {
      json_decref(msg);
      continue;
    }
    const char *method = json_string_value(json_object_get(msg, "method"));
    json_t *params = json_object_get(msg, "params");
    const char *muri = json_string_value(json_object_get(params, "uri"));
    json_t *mversion = json_object_get(params, "version");
    if (method && strcmp(method, "textDocument/publishDiagnostics") == 0 && muri && strcmp(muri, uri) == 0 &&
        (version < 0 || (json_is_integer(mversion) && json_integer_value(mversion) == version))) {
      if (at_ms) *at_ms = at;
      return msg;
    }
    json_decref(msg);
  }
}

int lspc_stop(LspClient *c, int timeout_ms) {
  int64_t id = c->next_id++;
  size_t len;
  char *body = lspc_encode("shutdown", id, json_null(), &len);
  if (body && lspc_send_raw(c, body, len) == 0) json_decref(lspc__wait_response(c, id, timeout_ms));
  free(body);
  body = lspc_encode("exit", -1, json_null(), &len);
  if (body) lspc_send_raw(c, body, len);
  free(body);
  close(c->to_server);
  int status = 0, rc = -1;
  double deadline = bench_now_ms() + timeout_ms;
  for (;;) {
    pid_t r = waitpid(c->pid, &status, WNOHANG);
    if (r == c->pid) {
      rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      break;
    }
    if (r < 0 && errno != EINTR) break;
    if (bench_now_ms() > deadline) {
      kill(c->pid, SIGKILL);
      waitpid(c->pid, &status, 0);
      break;
    }
    nanosleep(&(struct timespec){.tv_nsec = 5000000}, NULL);
  }
  close(c->from_server);
  gen_buf_free(&c->in);
  return rc;
}

int lspc_memory(pid_t pid, uint64_t *rss, uint64_t *hwm) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char line[256];
  int found = 0;
  while (fgets(line, sizeof line, f)) {
    unsigned long long kb;
    if (sscanf(line, "VmRSS: %llu kB", &kb) == 1) {
      *rss = kb * 1024;
      found |= 1;
    } else if (sscanf(line, "VmHWM: %llu kB", &kb) == 1) {
      *hwm = kb * 1024;
      found |= 2;
    }
  }
  fclose(f);
  return found == 3 ? 0 : -1;
}
