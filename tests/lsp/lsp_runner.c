/* tests/lsp/lsp_runner.c — end-to-end LSP transcripts against the built binary.
 *
 *   lsp_runner [--expect-fail] BINARY PATH...
 *
 * Each PATH is a transcript (*.rpc) or a directory whose *.rpc files run in
 * name order. Directories are not searched recursively, so the harness's own
 * must-fail transcripts in tests/lsp/selftest/ stay out of the main suite.
 *
 * For every transcript the runner starts `BINARY serve` with pipes on stdin
 * and stdout and its stderr in an unlinked temporary file, plays the script,
 * and prints "ok   NAME" or "FAIL NAME" followed by indented reasons (and the
 * tail of the server's stderr). The last line is "N passed, N failed"; the
 * exit status is 1 when anything failed. The transcript format is documented
 * in tests/lsp/README.md.
 *
 * Beyond what a transcript asks for, every run checks what must hold for any
 * transcript: the server writes nothing but well-framed JSON-RPC 2.0 messages
 * to stdout, every request the test sent is answered exactly once, nothing the
 * server sent is left unconsumed, and the process exits with the stated code.
 *
 * `lsp_runner serve` is an echo (stdin copied to stdout), the "server" of the
 * must-fail self-tests in tests/lsp/selftest/: run
 *   lsp_runner LSP_RUNNER tests/lsp/selftest
 * to prove that each of the checks above fails when it should.
 *
 * The harness deliberately shares no code with protocol/: a framing bug in
 * the server must not be hidden by the same bug in its own test.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#define LR_DEFAULT_TIMEOUT_MS 20000L /* whole transcript */
#define LR_DEFAULT_EXPECT_MS 5000L   /* one `<--`, `<--any` or `exit` */
#define LR_MAX_SERVER_HEADER 8192    /* a server header longer than this is garbage */
#define LR_SHOW_JSON 1500            /* bytes of a message quoted in a failure */
#define LR_SHOW_STDERR 3000          /* bytes of stderr tail shown on failure */

/* ---- growable byte buffer -------------------------------------------- */

typedef struct {
  char *p;
  size_t len, cap;
} LrBuf;

/* The runner is a test tool: running out of memory ends it with a message
 * rather than threading an error through every helper. */
static void *lr__xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) {
    fputs("lsp_runner: out of memory\n", stderr);
    exit(2);
  }
  return q;
}

static void lr__buf_add(LrBuf *b, const void *p, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n + 1) cap *= 2;
    b->p = lr__xrealloc(b->p, cap);
    b->cap = cap;
  }
  if (n) memcpy(b->p + b->len, p, n);
  b->len += n;
  b->p[b->len] = '\0'; /* always a C string too, for messages */
}

static void lr__buf_adds(LrBuf *b, const char *s) { lr__buf_add(b, s, strlen(s)); }

static void lr__buf_addf(LrBuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char small[512];
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof small) {
    lr__buf_add(b, small, (size_t)n);
    return;
  }
  char *big = lr__xrealloc(NULL, (size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  va_end(ap);
  lr__buf_add(b, big, (size_t)n);
  free(big);
}

static void lr__buf_drop_front(LrBuf *b, size_t n) {
  memmove(b->p, b->p + n, b->len - n);
  b->len -= n;
  b->p[b->len] = '\0';
}

static void lr__buf_free(LrBuf *b) {
  free(b->p);
  b->p = NULL;
  b->len = b->cap = 0;
}

/* Compact JSON for failure messages, cut at `max` bytes so one huge message
 * cannot bury the reason. */
static void lr__buf_add_json(LrBuf *b, const json_t *v, size_t max) {
  if (!v) {
    lr__buf_adds(b, "(missing)");
    return;
  }
  char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
  if (!s) {
    lr__buf_adds(b, "(unprintable)");
    return;
  }
  size_t n = strlen(s);
  if (n > max) {
    lr__buf_add(b, s, max);
    lr__buf_addf(b, "... (%zu bytes)", n);
  } else {
    lr__buf_add(b, s, n);
  }
  free(s);
}

static long lr__now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- transcripts ------------------------------------------------------ */

typedef enum {
  LR_SEND,       /* --> JSON           */
  LR_RAW,        /* -->raw STRINGS     */
  LR_BODY,       /* -->body STRINGS    */
  LR_EXPECT,     /* <-- PATTERN        */
  LR_EXPECT_ANY, /* <--any PATTERN     */
  LR_EOF,        /* eof                */
  LR_EXIT,       /* exit N             */
  LR_WAIT,       /* wait MS            */
  LR_QUIET       /* quiet MS           */
} LrOp;

typedef struct {
  LrOp op;
  int line;
  LrBuf text;   /* JSON source (before parsing) or the decoded raw bytes */
  json_t *json; /* parsed JSON of LR_SEND and the expectations */
  long num;
} LrStep;

typedef struct {
  char *path;
  LrStep *steps;
  size_t n_steps, cap_steps;
  bool strict_log;
  long timeout_ms, expect_ms;
  char *expect_failure; /* NULL, or the text the failure reason must contain */
  LrBuf error;          /* the first problem found while reading the file */
} LrScript;

static char lr__root[PATH_MAX]; /* $ROOT: the runner's working directory */

static bool lr__is_send(LrOp op) { return op == LR_SEND || op == LR_RAW || op == LR_BODY; }

static void lr__script_error(LrScript *s, int line, const char *fmt, ...) {
  if (s->error.len) return; /* the first error is the useful one */
  lr__buf_addf(&s->error, "line %d: ", line);
  va_list ap;
  va_start(ap, fmt);
  char msg[512];
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  lr__buf_adds(&s->error, msg);
}

static LrStep *lr__script_push(LrScript *s, LrOp op, int line) {
  if (s->n_steps == s->cap_steps) {
    s->cap_steps = s->cap_steps ? s->cap_steps * 2 : 32;
    s->steps = lr__xrealloc(s->steps, s->cap_steps * sizeof *s->steps);
  }
  LrStep *st = &s->steps[s->n_steps++];
  memset(st, 0, sizeof *st);
  st->op = op;
  st->line = line;
  return st;
}

static void lr__script_free(LrScript *s) {
  for (size_t i = 0; i < s->n_steps; i++) {
    lr__buf_free(&s->steps[i].text);
    json_decref(s->steps[i].json);
  }
  free(s->steps);
  free(s->path);
  free(s->expect_failure);
  lr__buf_free(&s->error);
}

/* Appends `src` to `out` with every "$ROOT" replaced by the repository root;
 * inside JSON text the root is escaped so any path stays valid JSON. */
static void lr__add_with_root(LrBuf *out, const char *src, size_t n, bool json) {
  size_t i = 0;
  while (i < n) {
    if (n - i >= 5 && memcmp(src + i, "$ROOT", 5) == 0) {
      for (const char *r = lr__root; *r; r++) {
        if (json && (*r == '"' || *r == '\\')) lr__buf_add(out, "\\", 1);
        lr__buf_add(out, r, 1);
      }
      i += 5;
    } else {
      lr__buf_add(out, src + i, 1);
      i++;
    }
  }
}

static int lr__hex(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decodes the argument of -->raw / -->body: one or more C-style quoted
 * strings, each optionally repeated with `*N`, separated by blanks. Returns
 * false with a message in `err` on a syntax error. */
static bool lr__decode_strings(const char *p, LrBuf *out, LrBuf *err) {
  bool any = false;
  for (;;) {
    while (*p == ' ' || *p == '\t') p++;
    if (!*p) break;
    if (*p != '"') {
      lr__buf_addf(err, "expected a quoted string at '%.20s'", p);
      return false;
    }
    p++;
    LrBuf one = {0};
    while (*p && *p != '"') {
      char c = *p++;
      if (c != '\\') {
        lr__buf_add(&one, &c, 1);
        continue;
      }
      char e = *p++, v;
      switch (e) {
        case 'r': v = '\r'; break;
        case 'n': v = '\n'; break;
        case 't': v = '\t'; break;
        case '0': v = '\0'; break;
        case '\\': v = '\\'; break;
        case '"': v = '"'; break;
        case 'x': {
          int hi = lr__hex(p[0]), lo = hi < 0 ? -1 : lr__hex(p[1]);
          if (lo < 0) {
            lr__buf_adds(err, "\\x needs two hex digits");
            lr__buf_free(&one);
            return false;
          }
          v = (char)(hi * 16 + lo);
          p += 2;
          break;
        }
        default:
          lr__buf_addf(err, "unknown escape '\\%c'", e ? e : '0');
          lr__buf_free(&one);
          return false;
      }
      lr__buf_add(&one, &v, 1);
    }
    if (*p != '"') {
      lr__buf_adds(err, "unterminated string");
      lr__buf_free(&one);
      return false;
    }
    p++;
    long times = 1;
    if (*p == '*') {
      char *end;
      times = strtol(p + 1, &end, 10);
      if (end == p + 1 || times < 1 || times > 10 * 1024 * 1024) {
        lr__buf_adds(err, "'*' needs a repeat count from 1 to 10485760");
        lr__buf_free(&one);
        return false;
      }
      p = end;
    }
    for (long k = 0; k < times; k++) lr__buf_add(out, one.p, one.len);
    lr__buf_free(&one);
    any = true;
  }
  if (!any) {
    lr__buf_adds(err, "expected at least one quoted string");
    return false;
  }
  return true;
}

static bool lr__parse_ms(const char *arg, long *out) {
  char *end;
  errno = 0;
  long v = strtol(arg, &end, 10);
  while (*end == ' ' || *end == '\t') end++;
  if (end == arg || *end || errno || v < 0) return false;
  *out = v;
  return true;
}

/* Parses the JSON collected for a `-->`, `<--` or `<--any` step. */
static void lr__finish_json(LrScript *s, LrStep *st) {
  json_error_t e;
  st->json = json_loadb(st->text.p, st->text.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
  if (!st->json)
    lr__script_error(s, st->line + e.line - 1, "invalid JSON: %s", e.text);
}

/* Reads and checks a transcript. Problems are recorded in s->error (first
 * one kept) and reading goes on, so an `expect-failure` line further down is
 * still honoured. */
/* LSP_RUNNER_TIME_SCALE (a whole number >= 1) multiplies the transcript and
 * expectation time limits, for servers run under valgrind or on a loaded
 * machine; `quiet` and `wait` keep their durations. */
static long lr__time_scale(void) {
  const char *v = getenv("LSP_RUNNER_TIME_SCALE");
  long n = v ? strtol(v, NULL, 10) : 1;
  return n >= 1 && n <= 100 ? n : 1;
}

static void lr__script_load(LrScript *s, const char *path) {
  memset(s, 0, sizeof *s);
  s->path = strdup(path);
  s->timeout_ms = LR_DEFAULT_TIMEOUT_MS * lr__time_scale();
  s->expect_ms = LR_DEFAULT_EXPECT_MS * lr__time_scale();
  FILE *f = fopen(path, "rb");
  if (!f) {
    lr__script_error(s, 0, "cannot open: %s", strerror(errno));
    return;
  }
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  int lineno = 0, n_exit = 0;
  LrStep *open_json = NULL; /* a JSON step still accepting continuation lines */
  while ((n = getline(&line, &cap, f)) >= 0) {
    lineno++;
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
    const char *t = line;
    while (*t == ' ' || *t == '\t') t++;
    if (!*t || *t == '#') continue;
    if (t != line) { /* indented: continues the JSON of the previous step */
      if (!open_json) {
        lr__script_error(s, lineno, "indented line does not continue a -->, <-- or <--any message");
        continue;
      }
      lr__buf_add(&open_json->text, "\n", 1);
      lr__add_with_root(&open_json->text, line, (size_t)n, true);
      continue;
    }
    if (open_json) lr__finish_json(s, open_json);
    open_json = NULL;
    size_t wl = strcspn(line, " \t");
    const char *arg = line + wl;
    while (*arg == ' ' || *arg == '\t') arg++;
#define LR_IS(word) (wl == strlen(word) && memcmp(line, word, wl) == 0)
    if (LR_IS("-->") || LR_IS("<--") || LR_IS("<--any")) {
      LrStep *st = lr__script_push(s, LR_IS("-->") ? LR_SEND : LR_IS("<--") ? LR_EXPECT : LR_EXPECT_ANY,
                                   lineno);
      if (!*arg) lr__script_error(s, lineno, "missing JSON after '%.*s'", (int)wl, line);
      lr__add_with_root(&st->text, arg, strlen(arg), true);
      open_json = st;
    } else if (LR_IS("-->raw") || LR_IS("-->body")) {
      LrStep *st = lr__script_push(s, LR_IS("-->raw") ? LR_RAW : LR_BODY, lineno);
      LrBuf src = {0}, err = {0};
      lr__add_with_root(&src, arg, strlen(arg), false);
      if (!lr__decode_strings(src.p ? src.p : "", &st->text, &err))
        lr__script_error(s, lineno, "%s", err.p);
      lr__buf_free(&src);
      lr__buf_free(&err);
    } else if (LR_IS("eof")) {
      lr__script_push(s, LR_EOF, lineno);
    } else if (LR_IS("exit") || LR_IS("wait") || LR_IS("quiet")) {
      LrStep *st = lr__script_push(s, LR_IS("exit") ? LR_EXIT : LR_IS("wait") ? LR_WAIT : LR_QUIET, lineno);
      if (!lr__parse_ms(arg, &st->num) || (st->op == LR_EXIT && st->num > 255))
        lr__script_error(s, lineno, "'%.*s' needs a non-negative number", (int)wl, line);
      if (st->op == LR_EXIT) n_exit++;
    } else if (LR_IS("option")) {
      long v;
      if (strcmp(arg, "strict-log") == 0) {
        s->strict_log = true;
      } else if (strncmp(arg, "timeout ", 8) == 0 && lr__parse_ms(arg + 8, &v) && v > 0) {
        s->timeout_ms = v * lr__time_scale();
      } else if (strncmp(arg, "expect-timeout ", 15) == 0 && lr__parse_ms(arg + 15, &v) && v > 0) {
        s->expect_ms = v * lr__time_scale();
      } else {
        lr__script_error(s, lineno, "unknown option '%s'", arg);
      }
    } else if (LR_IS("expect-failure")) {
      if (!*arg) lr__script_error(s, lineno, "expect-failure needs the text the reason must contain");
      free(s->expect_failure);
      s->expect_failure = strdup(arg);
    } else {
      lr__script_error(s, lineno, "unknown directive '%.*s'", (int)wl, line);
    }
#undef LR_IS
  }
  if (open_json) lr__finish_json(s, open_json);
  free(line);
  fclose(f);
  /* The exit code is part of every contract under test, and the checks for
   * unconsumed messages are only final once the server is gone. */
  if (n_exit != 1) lr__script_error(s, lineno, "a transcript needs exactly one 'exit N' step (found %d)", n_exit);
  for (size_t i = 0; i < s->n_steps; i++) {
    if (s->steps[i].op == LR_EXIT) {
      for (size_t j = i + 1; j < s->n_steps; j++)
        if (s->steps[j].op != LR_EXPECT && s->steps[j].op != LR_EXPECT_ANY)
          lr__script_error(s, s->steps[j].line, "only <-- and <--any may follow 'exit'");
      break;
    }
  }
}

/* ---- patterns --------------------------------------------------------- */

/* "$NAME" strings: a capture reference when NAME is an identifier and not one
 * of the matcher words below. */
static const char *const lr__matcher_words[] = {"any", "string", "number", "integer", "bool",
                                                "array", "object", "null", "absent", NULL};

static bool lr__is_capture_ref(const char *s) {
  if (s[0] != '$' || !(isalpha((unsigned char)s[1]) || s[1] == '_')) return false;
  for (const char *p = s + 2; *p; p++)
    if (!isalnum((unsigned char)*p) && *p != '_') return false;
  for (int i = 0; lr__matcher_words[i]; i++)
    if (strcmp(s + 1, lr__matcher_words[i]) == 0) return false;
  return true;
}

/* Returns a new reference: `v` with every capture reference replaced by the
 * captured value. For messages to send (`pattern` false) "$$x" also becomes
 * the literal "$x"; patterns keep it for the matcher. NULL when a reference
 * names nothing captured (the name is put in `err`). */
static json_t *lr__subst(json_t *v, json_t *captures, bool pattern, LrBuf *err) {
  if (json_is_string(v)) {
    const char *s = json_string_value(v);
    if (lr__is_capture_ref(s)) {
      json_t *c = json_object_get(captures, s + 1);
      if (!c) {
        lr__buf_addf(err, "'%s' was never captured (use \"$capture:%s\" in an earlier <--)", s, s + 1);
        return NULL;
      }
      return json_deep_copy(c);
    }
    if (!pattern && s[0] == '$' && s[1] == '$') return json_stringn(s + 1, json_string_length(v) - 1);
    return json_incref(v);
  }
  if (json_is_object(v)) {
    json_t *out = json_object();
    const char *k;
    json_t *x;
    json_object_foreach(v, k, x) {
      json_t *y = lr__subst(x, captures, pattern, err);
      if (!y) {
        json_decref(out);
        return NULL;
      }
      json_object_set_new(out, k, y);
    }
    return out;
  }
  if (json_is_array(v)) {
    json_t *out = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) {
      json_t *y = lr__subst(x, captures, pattern, err);
      if (!y) {
        json_decref(out);
        return NULL;
      }
      json_array_append_new(out, y);
    }
    return out;
  }
  return json_incref(v);
}

static void lr__mismatch(LrBuf *why, const LrBuf *path, const char *expected, const json_t *got) {
  lr__buf_addf(why, "at %s: expected %s, got ", path->len ? path->p : "top level", expected);
  lr__buf_add_json(why, got, 200);
}

/* Matches `act` against `pat` (see README.md for the pattern language).
 * Captures go to `binds` and are committed by the caller only when the whole
 * message matched. On a mismatch `why` says where and how. */
static bool lr__match(const json_t *pat, const json_t *act, json_t *binds, LrBuf *path, LrBuf *why) {
  if (json_is_string(pat) && json_string_value(pat)[0] == '$') {
    const char *p = json_string_value(pat) + 1;
    if (p[0] == '$') { /* "$$x" is the literal string "$x" */
      if (json_is_string(act) && strcmp(json_string_value(act), p) == 0) return true;
      char lit[300];
      snprintf(lit, sizeof lit, "\"%.280s\"", p);
      lr__mismatch(why, path, lit, act);
      return false;
    }
    bool ok = true, known = true;
    if (strcmp(p, "any") == 0) ok = true;
    else if (strcmp(p, "string") == 0) ok = json_is_string(act);
    else if (strcmp(p, "number") == 0) ok = json_is_number(act);
    else if (strcmp(p, "integer") == 0) ok = json_is_integer(act);
    else if (strcmp(p, "bool") == 0) ok = json_is_boolean(act);
    else if (strcmp(p, "array") == 0) ok = json_is_array(act);
    else if (strcmp(p, "object") == 0) ok = json_is_object(act);
    else if (strcmp(p, "null") == 0) ok = json_is_null(act);
    else if (strcmp(p, "absent") == 0) ok = false; /* present, since we got here */
    else if (strncmp(p, "capture:", 8) == 0) json_object_set(binds, p + 8, (json_t *)act);
    else if (strncmp(p, "prefix:", 7) == 0)
      ok = json_is_string(act) && json_string_length(act) >= strlen(p + 7) &&
           memcmp(json_string_value(act), p + 7, strlen(p + 7)) == 0;
    else if (strncmp(p, "contains:", 9) == 0) /* memmem: strings may hold NUL */
      ok = json_is_string(act) && memmem(json_string_value(act), json_string_length(act), p + 9, strlen(p + 9));
    else known = false; /* e.g. "$/progress": an ordinary string */
    if (known) {
      if (!ok) {
        char what[320];
        snprintf(what, sizeof what, "%s", strcmp(p, "absent") == 0 ? "no such key" : json_string_value(pat));
        lr__mismatch(why, path, what, act);
      }
      return ok;
    }
  }
  if (json_is_object(pat)) {
    if (!json_is_object(act)) {
      lr__mismatch(why, path, "an object", act);
      return false;
    }
    const char *k;
    json_t *pv;
    json_object_foreach((json_t *)pat, k, pv) {
      size_t mark = path->len;
      lr__buf_addf(path, "%s%s", path->len ? "." : "", k);
      json_t *av = json_object_get(act, k);
      bool ok;
      if (json_is_string(pv) && strcmp(json_string_value(pv), "$absent") == 0) {
        ok = av == NULL;
        if (!ok) lr__mismatch(why, path, "no such key", av);
      } else if (!av) {
        ok = false;
        lr__buf_addf(why, "at %s: missing key (expected ", path->p);
        lr__buf_add_json(why, pv, 200);
        lr__buf_adds(why, ")");
      } else {
        ok = lr__match(pv, av, binds, path, why);
      }
      path->len = mark;
      path->p[mark] = '\0';
      if (!ok) return false;
    }
    return true;
  }
  if (json_is_array(pat)) {
    if (!json_is_array(act) || json_array_size(act) != json_array_size(pat)) {
      char what[64];
      snprintf(what, sizeof what, "an array of %zu element(s)", json_array_size(pat));
      lr__mismatch(why, path, what, act);
      return false;
    }
    for (size_t i = 0; i < json_array_size(pat); i++) {
      size_t mark = path->len;
      lr__buf_addf(path, "[%zu]", i);
      bool ok = lr__match(json_array_get(pat, i), json_array_get(act, i), binds, path, why);
      path->len = mark;
      path->p[mark] = '\0';
      if (!ok) return false;
    }
    return true;
  }
  bool eq = json_is_number(pat) && json_is_number(act)
                ? json_number_value(pat) == json_number_value(act)
                : json_equal((json_t *)pat, (json_t *)act);
  if (!eq) {
    char *s = json_dumps(pat, JSON_COMPACT | JSON_ENCODE_ANY);
    lr__mismatch(why, path, s ? s : "?", act);
    free(s);
  }
  return eq;
}

/* ---- one run ----------------------------------------------------------- */

typedef struct {
  const LrScript *script;
  pid_t pid;
  int in_fd, out_fd, err_fd; /* -1 once closed */
  bool out_eof, exited, in_broken;
  int status;
  LrBuf out; /* bytes waiting to be written to the server's stdin */
  LrBuf rd;  /* bytes read from the server's stdout, not yet framed */
  json_t *queue;    /* messages received and not consumed yet */
  json_t *captures; /* NAME -> value */
  /* id (compact JSON) -> count: requests sent with `-->` (each must be
   * answered), and the replies the server sent. */
  json_t *sent, *replies;
  LrBuf stream; /* every byte sent to the server, for lr__requests_in_stream */
  long deadline;
  int line; /* transcript line of the step being played */
  bool failed;
  LrBuf reason;
} LrRun;

/* Records the run's failure. Returns false (recording nothing) when it had
 * already failed: later failures are mostly echoes of the first, and the
 * caller then adds no details either. */
static bool lr__fail(LrRun *r, const char *fmt, ...) {
  if (r->failed) return false;
  r->failed = true;
  if (r->line) lr__buf_addf(&r->reason, "line %d: ", r->line);
  va_list ap;
  va_start(ap, fmt);
  char msg[1024];
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  lr__buf_adds(&r->reason, msg);
  return true;
}

/* Adds a detail line under the failure just recorded by lr__fail. */
static void lr__detail(LrRun *r, const char *label, const json_t *v) {
  lr__buf_addf(&r->reason, "\n  %s", label);
  lr__buf_add_json(&r->reason, v, LR_SHOW_JSON);
}

static void lr__count(json_t *table, const json_t *id) {
  char *key = json_dumps(id, JSON_COMPACT | JSON_ENCODE_ANY);
  if (!key) return;
  json_int_t n = json_integer_value(json_object_get(table, key));
  json_object_set_new(table, key, json_integer(n + 1));
  free(key);
}

static json_int_t lr__get_count(json_t *table, const char *key) {
  return json_integer_value(json_object_get(table, key));
}

/* Notes the id of a request the test is sending, so the end of the run can
 * check it got one reply per request sent with that id. */
static void lr__note_request(json_t *table, const json_t *msg) {
  if (!json_is_object(msg) || !json_is_string(json_object_get(msg, "method"))) return;
  const json_t *id = json_object_get(msg, "id");
  if (id && !json_is_null(id)) lr__count(table, id);
}

/* Counts the requests with id `key` anywhere in the bytes sent so far: every
 * JSON value right after a blank line (the end of a header block). This is
 * how often the server may answer that id. It also finds requests written
 * with -->raw and -->body, split over several writes or not, which the
 * server may answer or (with broken framing) legitimately drop; only the
 * ones sent with `-->` must be answered. */
static json_int_t lr__requests_in_stream(const LrRun *r, const char *key) {
  json_int_t n = 0;
  const char *p = r->stream.p;
  for (size_t i = 0; i + 4 <= r->stream.len; i++) {
    if (memcmp(p + i, "\r\n\r\n", 4) != 0) continue;
    json_t *m = json_loadb(p + i + 4, r->stream.len - i - 4, JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL, NULL);
    const json_t *id = json_object_get(m, "method") ? json_object_get(m, "id") : NULL;
    char *k = id ? json_dumps(id, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    if (k && strcmp(k, key) == 0) n++;
    free(k);
    json_decref(m);
  }
  return n;
}

static bool lr__is_log(const json_t *m) {
  const char *method = json_string_value(json_object_get(m, "method"));
  if (!method || json_object_get(m, "id")) return false;
  return strcmp(method, "window/logMessage") == 0 || strcmp(method, "$/progress") == 0 ||
         strcmp(method, "telemetry/event") == 0;
}

/* Checks the JSON-RPC shape every server message must have. */
static const char *lr__check_shape(const json_t *m) {
  if (!json_is_object(m)) return "a message that is not a JSON object";
  const json_t *v = json_object_get(m, "jsonrpc");
  if (!json_is_string(v) || strcmp(json_string_value(v), "2.0") != 0) return "a message without \"jsonrpc\":\"2.0\"";
  const json_t *method = json_object_get(m, "method");
  if (method) return json_is_string(method) ? NULL : "a message whose method is not a string";
  if (!json_object_get(m, "id")) return "a message with neither method nor id";
  const json_t *res = json_object_get(m, "result"), *err = json_object_get(m, "error");
  if (!res == !err) return "a response without exactly one of result and error";
  if (err && (!json_is_integer(json_object_get(err, "code")) || !json_is_string(json_object_get(err, "message"))))
    return "an error without an integer code and a string message";
  return NULL;
}

/* Cuts complete messages out of r->rd. Anything but "Content-Length" and
 * "Content-Type" headers followed by a JSON body fails the run: stdout
 * belongs to the protocol alone. */
static void lr__take_frames(LrRun *r) {
  while (!r->failed && r->rd.len) {
    char *end = memmem(r->rd.p, r->rd.len, "\r\n\r\n", 4);
    if (!end) {
      if (r->rd.len > LR_MAX_SERVER_HEADER)
        lr__fail(r, "server wrote %zu bytes without a header end: '%.60s'", r->rd.len, r->rd.p);
      return;
    }
    size_t hlen = (size_t)(end - r->rd.p);
    long long clen = -1;
    for (char *l = r->rd.p; l < end;) {
      char *eol = memmem(l, (size_t)(end - l) + 2, "\r\n", 2);
      size_t ll = (size_t)(eol - l);
      char *colon = memchr(l, ':', ll);
      if (!colon) {
        lr__fail(r, "server wrote a header line without ':': '%.*s'", (int)(ll > 80 ? 80 : ll), l);
        return;
      }
      size_t nl = (size_t)(colon - l);
      char *val = colon + 1;
      while (val < eol && *val == ' ') val++;
      if (nl == 14 && strncasecmp(l, "Content-Length", 14) == 0) {
        clen = 0;
        if (val == eol) clen = -1;
        for (char *d = val; d < eol && clen >= 0; d++)
          clen = isdigit((unsigned char)*d) && clen < 100000000 ? clen * 10 + (*d - '0') : -1;
        if (clen < 0) {
          lr__fail(r, "server wrote a bad Content-Length: '%.*s'", (int)(ll > 80 ? 80 : ll), l);
          return;
        }
      } else if (!(nl == 12 && strncasecmp(l, "Content-Type", 12) == 0)) {
        lr__fail(r, "server wrote an unexpected header: '%.*s'", (int)(ll > 80 ? 80 : ll), l);
        return;
      }
      l = eol + 2;
    }
    if (clen < 0) {
      lr__fail(r, "server wrote a header without Content-Length: '%.*s'", (int)(hlen > 80 ? 80 : hlen), r->rd.p);
      return;
    }
    if (r->rd.len < hlen + 4 + (size_t)clen) return; /* body not complete yet */
    json_error_t e;
    const char *body = r->rd.p + hlen + 4;
    json_t *m = json_loadb(body, (size_t)clen, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
    if (!m) {
      lr__fail(r, "server sent invalid JSON (%s): '%.*s'", e.text, (int)(clen > 200 ? 200 : clen), body);
      return;
    }
    const char *bad = lr__check_shape(m);
    if (bad) {
      if (lr__fail(r, "server sent %s", bad)) lr__detail(r, "message: ", m);
      json_decref(m);
      return;
    }
    lr__buf_drop_front(&r->rd, hlen + 4 + (size_t)clen);
    const json_t *id = json_object_get(m, "id");
    if (!json_object_get(m, "method") && !json_is_null(id)) {
      lr__count(r->replies, id);
      char *key = json_dumps(id, JSON_COMPACT | JSON_ENCODE_ANY);
      json_int_t got = lr__get_count(r->replies, key);
      json_int_t allowed = lr__get_count(r->sent, key);
      if (got > allowed) allowed = lr__requests_in_stream(r, key);
      if (got > allowed) {
        bool fresh = allowed == 0
                         ? lr__fail(r, "server replied to id %s, which the test never sent", key)
                         : lr__fail(r, "id %s answered %lld times for %lld request(s)", key, (long long)got,
                                    (long long)allowed);
        if (fresh) lr__detail(r, "reply: ", m);
      }
      free(key);
    }
    json_array_append_new(r->queue, m);
  }
}

static void lr__reap(LrRun *r) {
  if (r->exited) return;
  int st;
  pid_t p = waitpid(r->pid, &st, WNOHANG);
  if (p == r->pid) {
    r->exited = true;
    r->status = st;
  }
}

static void lr__describe_exit(LrRun *r, LrBuf *b) {
  if (!r->exited) lr__buf_adds(b, "still running");
  else if (WIFEXITED(r->status)) lr__buf_addf(b, "exited with code %d", WEXITSTATUS(r->status));
  else if (WIFSIGNALED(r->status)) lr__buf_addf(b, "killed by signal %d", WTERMSIG(r->status));
  else lr__buf_adds(b, "stopped");
}

/* One round of I/O: waits at most `timeout_ms` for the server's output or
 * for room in its input, moves what it can, frames what arrived. */
static void lr__pump(LrRun *r, long timeout_ms) {
  struct pollfd p[2];
  int n = 0, ri = -1, wi = -1;
  if (timeout_ms < 0) timeout_ms = 0;
  if (!r->out_eof) {
    ri = n;
    p[n++] = (struct pollfd){.fd = r->out_fd, .events = POLLIN};
  }
  if (r->in_fd >= 0 && r->out.len) {
    wi = n;
    p[n++] = (struct pollfd){.fd = r->in_fd, .events = POLLOUT};
  }
  /* With nothing to watch only the exit status is awaited: poll in short
   * slices rather than block on waitpid past the deadline. */
  int rc = poll(n ? p : NULL, (nfds_t)n, n ? (int)timeout_ms : (int)(timeout_ms < 10 ? timeout_ms : 10));
  if (rc > 0 && wi >= 0 && p[wi].revents) {
    ssize_t w = write(r->in_fd, r->out.p, r->out.len);
    if (w > 0) {
      lr__buf_drop_front(&r->out, (size_t)w);
    } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
      /* The server closed its stdin (usually: it exited). What it missed
       * shows up as failed expectations with a precise reason. */
      r->in_broken = true;
      r->out.len = 0;
    }
  }
  if (rc > 0 && ri >= 0 && p[ri].revents) {
    char buf[65536];
    ssize_t got = read(r->out_fd, buf, sizeof buf);
    if (got > 0) {
      lr__buf_add(&r->rd, buf, (size_t)got);
      lr__take_frames(r);
    } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
      r->out_eof = true;
      if (r->rd.len && !r->failed)
        lr__fail(r, "server output ended inside a message: '%.60s'", r->rd.p);
    }
  }
  lr__reap(r);
}

static bool lr__time_left(LrRun *r) {
  if (lr__now_ms() < r->deadline) return true;
  lr__fail(r, "transcript exceeded its time limit of %ld ms", r->script->timeout_ms);
  return false;
}

static void lr__send(LrRun *r, const char *p, size_t n) {
  if (r->in_fd < 0) {
    lr__fail(r, "cannot send after 'eof'");
    return;
  }
  lr__buf_add(&r->out, p, n);
  lr__buf_add(&r->stream, p, n);
  /* The whole chunk goes out in one write() when the pipe has room, so the
   * server sees consecutive messages in one read (cancellation tests rely
   * on it). */
  ssize_t w = write(r->in_fd, r->out.p, r->out.len);
  if (w > 0) lr__buf_drop_front(&r->out, (size_t)w);
  while (!r->failed && r->out.len && !r->in_broken && lr__time_left(r)) lr__pump(r, r->deadline - lr__now_ms());
}

/* Builds one chunk from the consecutive send steps starting at `i`, sends it
 * and returns the index of the first step after them. */
static size_t lr__send_group(LrRun *r, size_t i) {
  const LrScript *s = r->script;
  LrBuf chunk = {0};
  for (; i < s->n_steps && lr__is_send(s->steps[i].op) && !r->failed; i++) {
    const LrStep *st = &s->steps[i];
    r->line = st->line;
    if (st->op == LR_RAW || st->op == LR_BODY) {
      if (st->op == LR_BODY) lr__buf_addf(&chunk, "Content-Length: %zu\r\n\r\n", st->text.len);
      lr__buf_add(&chunk, st->text.p, st->text.len);
      continue;
    }
    LrBuf err = {0};
    json_t *msg = lr__subst(st->json, r->captures, false, &err);
    if (!msg) {
      lr__fail(r, "%s", err.p);
      lr__buf_free(&err);
      break;
    }
    char *body = json_dumps(msg, JSON_COMPACT | JSON_ENCODE_ANY);
    lr__note_request(r->sent, msg);
    lr__buf_addf(&chunk, "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
    free(body);
    json_decref(msg);
  }
  if (!r->failed && chunk.len) lr__send(r, chunk.p, chunk.len);
  lr__buf_free(&chunk);
  return i;
}

static void lr__list_queue(LrRun *r, const char *label) {
  size_t n = json_array_size(r->queue);
  for (size_t i = 0; i < n && i < 6; i++) lr__detail(r, label, json_array_get(r->queue, i));
  if (n > 6) lr__buf_addf(&r->reason, "\n  ... and %zu more", n - 6);
}

/* `<--` and `<--any`. */
static void lr__expect(LrRun *r, const LrStep *st) {
  bool any = st->op == LR_EXPECT_ANY;
  LrBuf err = {0};
  json_t *pat = lr__subst(st->json, r->captures, true, &err);
  if (!pat) {
    lr__fail(r, "%s", err.p);
    lr__buf_free(&err);
    return;
  }
  long until = lr__now_ms() + r->script->expect_ms;
  if (until > r->deadline) until = r->deadline;
  size_t i = 0;
  for (;;) {
    while (i < json_array_size(r->queue)) {
      json_t *m = json_array_get(r->queue, i);
      json_t *binds = json_object();
      LrBuf path = {0}, why = {0};
      lr__buf_add(&path, "", 0);
      bool ok = lr__match(pat, m, binds, &path, &why);
      if (ok) json_object_update(r->captures, binds);
      json_decref(binds);
      lr__buf_free(&path);
      if (ok) {
        json_array_remove(r->queue, i);
        lr__buf_free(&why);
        json_decref(pat);
        return;
      }
      if (!r->script->strict_log && lr__is_log(m)) {
        json_array_remove(r->queue, i); /* logs are noise unless asked for */
      } else if (!any) {
        if (lr__fail(r, "the next message does not match: %s", why.p)) {
          lr__detail(r, "expected: ", pat);
          lr__detail(r, "actual:   ", m);
        }
        lr__buf_free(&why);
        json_decref(pat);
        return;
      } else {
        i++;
      }
      lr__buf_free(&why);
    }
    if (r->failed) break;
    if (r->out_eof) {
      LrBuf how = {0};
      for (int k = 0; k < 100 && !r->exited; k++) lr__pump(r, 10);
      lr__describe_exit(r, &how);
      if (lr__fail(r, "server closed its output (%s) before a matching message arrived", how.p)) {
        lr__detail(r, "expected: ", pat);
        lr__list_queue(r, "queued:   ");
      }
      lr__buf_free(&how);
      break;
    }
    long now = lr__now_ms();
    if (now >= until) {
      bool fresh = now >= r->deadline
                       ? lr__fail(r, "transcript exceeded its time limit of %ld ms while waiting",
                                  r->script->timeout_ms)
                       : lr__fail(r, "no matching message within %ld ms", r->script->expect_ms);
      if (fresh) {
        lr__detail(r, "expected: ", pat);
        lr__list_queue(r, "queued:   ");
      }
      break;
    }
    lr__pump(r, until - now);
  }
  json_decref(pat);
}

/* Drops queued log messages (unless strict-log) and reports whether any
 * other message is left. */
static bool lr__queue_has_messages(LrRun *r) {
  if (!r->script->strict_log)
    for (size_t i = json_array_size(r->queue); i-- > 0;)
      if (lr__is_log(json_array_get(r->queue, i))) json_array_remove(r->queue, i);
  return json_array_size(r->queue) > 0;
}

static void lr__wait(LrRun *r, long ms) {
  long until = lr__now_ms() + ms;
  for (long now = lr__now_ms(); now < until && !r->failed && lr__time_left(r); now = lr__now_ms())
    lr__pump(r, until - now);
}

static void lr__exit_step(LrRun *r, const LrStep *st) {
  long until = lr__now_ms() + r->script->expect_ms;
  if (until > r->deadline) until = r->deadline;
  while (!r->failed && (!r->exited || !r->out_eof)) {
    long now = lr__now_ms();
    if (now >= until) {
      if (now >= r->deadline)
        lr__fail(r, "transcript exceeded its time limit of %ld ms waiting for the exit", r->script->timeout_ms);
      else
        lr__fail(r, "server did not exit within %ld ms", r->script->expect_ms);
      return;
    }
    lr__pump(r, until - now);
  }
  if (r->failed) return;
  if (!WIFEXITED(r->status) || WEXITSTATUS(r->status) != st->num) {
    LrBuf how = {0};
    lr__describe_exit(r, &how);
    lr__fail(r, "expected exit code %ld, server %s", st->num, how.p);
    lr__buf_free(&how);
  }
}

/* What must hold at the end of every transcript. */
static void lr__final_checks(LrRun *r) {
  r->line = 0;
  if (lr__queue_has_messages(r)) {
    if (lr__fail(r, "%zu server message(s) left unconsumed", json_array_size(r->queue)))
      lr__list_queue(r, "unconsumed: ");
    return;
  }
  const char *key;
  json_t *v;
  json_object_foreach(r->sent, key, v) {
    json_int_t sent = json_integer_value(v), got = lr__get_count(r->replies, key);
    if (got < sent) {
      if (got == 0) lr__fail(r, "request id %s got no reply", key);
      else lr__fail(r, "id %s got %lld reply(ies) for %lld request(s)", key, (long long)got, (long long)sent);
      return;
    }
  }
}

static bool lr__spawn(LrRun *r, const char *binary) {
  int in[2], out[2];
  /* The server's stderr goes to a file without a name, so nothing is left
   * behind whatever happens to the runner. */
  const char *tmpdir = getenv("TMPDIR");
  r->err_fd = open(tmpdir && *tmpdir ? tmpdir : "/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (r->err_fd < 0) { /* a file system without O_TMPFILE: tmpfile() unlinks too */
    FILE *f = tmpfile();
    if (f) {
      r->err_fd = fcntl(fileno(f), F_DUPFD_CLOEXEC, 3);
      fclose(f);
    }
  }
  if (r->err_fd < 0) {
    lr__fail(r, "cannot create a temporary file for stderr: %s", strerror(errno));
    return false;
  }
  if (pipe2(in, O_CLOEXEC) != 0) {
    lr__fail(r, "pipe: %s", strerror(errno));
    return false;
  }
  if (pipe2(out, O_CLOEXEC) != 0) {
    close(in[0]);
    close(in[1]);
    lr__fail(r, "pipe: %s", strerror(errno));
    return false;
  }
  fflush(stdout);
  r->pid = fork();
  if (r->pid < 0) {
    lr__fail(r, "fork: %s", strerror(errno));
    close(in[0]), close(in[1]), close(out[0]), close(out[1]);
    return false;
  }
  if (r->pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(r->err_fd, 2);
    signal(SIGPIPE, SIG_DFL); /* the runner ignores it; the server must not inherit that */
    execl(binary, binary, "serve", (char *)NULL);
    fprintf(stderr, "lsp_runner: cannot run %s: %s\n", binary, strerror(errno));
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  r->in_fd = in[1];
  r->out_fd = out[0];
  fcntl(r->in_fd, F_SETFL, fcntl(r->in_fd, F_GETFL) | O_NONBLOCK);
  fcntl(r->out_fd, F_SETFL, fcntl(r->out_fd, F_GETFL) | O_NONBLOCK);
  return true;
}

static void lr__add_stderr_tail(LrRun *r, LrBuf *out) {
  if (r->err_fd < 0) return;
  off_t size = lseek(r->err_fd, 0, SEEK_END);
  if (size <= 0) return;
  off_t from = size > LR_SHOW_STDERR ? size - LR_SHOW_STDERR : 0;
  char *buf = lr__xrealloc(NULL, (size_t)(size - from) + 1);
  ssize_t n = pread(r->err_fd, buf, (size_t)(size - from), from);
  if (n > 0) {
    buf[n] = '\0';
    lr__buf_addf(out, "\n  server stderr%s:", from ? " (tail)" : "");
    char *save = NULL;
    for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
      lr__buf_addf(out, "\n  | %s", l);
  }
  free(buf);
}

/* Plays one transcript. Returns true when it passed; `reason` gets the
 * failure text otherwise. */
static bool lr__play(const LrScript *s, const char *binary, LrBuf *reason) {
  LrRun r = {.script = s, .in_fd = -1, .out_fd = -1, .err_fd = -1};
  r.queue = json_array();
  r.captures = json_object();
  r.sent = json_object();
  r.replies = json_object();
  r.deadline = lr__now_ms() + s->timeout_ms;
  if (lr__spawn(&r, binary)) {
    for (size_t i = 0; i < s->n_steps && !r.failed && lr__time_left(&r);) {
      const LrStep *st = &s->steps[i];
      r.line = st->line;
      if (lr__is_send(st->op)) {
        i = lr__send_group(&r, i);
        continue;
      }
      switch (st->op) {
        case LR_EXPECT:
        case LR_EXPECT_ANY: lr__expect(&r, st); break;
        case LR_EOF:
          if (r.in_fd >= 0) close(r.in_fd);
          r.in_fd = -1;
          break;
        case LR_EXIT: lr__exit_step(&r, st); break;
        case LR_WAIT: lr__wait(&r, st->num); break;
        case LR_QUIET:
          lr__wait(&r, st->num);
          if (!r.failed && lr__queue_has_messages(&r) && lr__fail(&r, "expected no message for %ld ms", st->num))
            lr__list_queue(&r, "got: ");
          break;
        default: break;
      }
      i++;
    }
    if (!r.failed) lr__final_checks(&r);
  }
  if (r.pid > 0 && !r.exited) {
    kill(r.pid, SIGKILL);
    waitpid(r.pid, &r.status, 0);
  }
  if (r.failed) {
    lr__buf_add(reason, r.reason.p, r.reason.len);
    lr__add_stderr_tail(&r, reason);
  }
  if (r.in_fd >= 0) close(r.in_fd);
  if (r.out_fd >= 0) close(r.out_fd);
  if (r.err_fd >= 0) close(r.err_fd);
  lr__buf_free(&r.out);
  lr__buf_free(&r.rd);
  lr__buf_free(&r.reason);
  json_decref(r.queue);
  json_decref(r.captures);
  json_decref(r.sent);
  lr__buf_free(&r.stream);
  json_decref(r.replies);
  return !r.failed;
}

/* ---- driver ------------------------------------------------------------ */

static int lr__passed, lr__failed;

static void lr__report(const char *name, bool ok, const char *detail) {
  printf("%s %s\n", ok ? "ok  " : "FAIL", name);
  if (detail && *detail) printf("  %s\n", detail);
  fflush(stdout);
  if (ok) lr__passed++;
  else lr__failed++;
}

static void lr__run_file(const char *binary, const char *path, bool expect_fail) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t len = strlen(base);
  if (len > 4 && strcmp(base + len - 4, ".rpc") == 0) len -= 4;
  char name[256];
  snprintf(name, sizeof name, "%.*s", (int)len, base);
  LrScript s;
  lr__script_load(&s, path);
  LrBuf reason = {0};
  bool ok;
  if (s.error.len) {
    ok = false;
    lr__buf_add(&reason, s.error.p, s.error.len);
  } else {
    ok = lr__play(&s, binary, &reason);
  }
  if (s.expect_failure || expect_fail) {
    /* A must-fail transcript proves a check of the harness works: it passes
     * only when it fails, and for the stated reason. */
    LrBuf msg = {0};
    if (ok) {
      lr__buf_addf(&msg, "expected this transcript to fail%s%s%s", s.expect_failure ? " with '" : "",
                   s.expect_failure ? s.expect_failure : "", s.expect_failure ? "'" : "");
      lr__report(name, false, msg.p);
    } else if (s.expect_failure && !strstr(reason.p ? reason.p : "", s.expect_failure)) {
      lr__buf_addf(&msg, "failed, but not with '%s':\n  %s", s.expect_failure, reason.p);
      lr__report(name, false, msg.p);
    } else {
      lr__report(name, true, NULL);
    }
    lr__buf_free(&msg);
  } else {
    lr__report(name, ok, reason.p);
  }
  lr__buf_free(&reason);
  lr__script_free(&s);
}

static int lr__cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void lr__run_path(const char *binary, const char *path, bool expect_fail) {
  struct stat sb;
  if (stat(path, &sb) != 0) {
    lr__report(path, false, strerror(errno));
    return;
  }
  if (!S_ISDIR(sb.st_mode)) {
    lr__run_file(binary, path, expect_fail);
    return;
  }
  DIR *d = opendir(path);
  if (!d) {
    lr__report(path, false, strerror(errno));
    return;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t len = strlen(e->d_name);
    if (len <= 4 || strcmp(e->d_name + len - 4, ".rpc") != 0) continue;
    if (n == cap) names = lr__xrealloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);
    size_t need = strlen(path) + len + 2;
    names[n] = lr__xrealloc(NULL, need);
    snprintf(names[n++], need, "%s/%s", path, e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof *names, lr__cmp_str);
  for (size_t i = 0; i < n; i++) {
    lr__run_file(binary, names[i], expect_fail);
    free(names[i]);
  }
  free(names);
}

/* `lsp_runner serve`: copies stdin to stdout until EOF, then exits 0. Every
 * message a transcript sends comes straight back, so a transcript run
 * against the runner itself can make the "server" reply twice, reply to an
 * id never sent, break framing or the JSON-RPC shape: the harness
 * self-tests in tests/lsp/selftest/ prove each check fails when it should. */
static int lr__echo_main(void) {
  char buf[65536];
  for (;;) {
    ssize_t n = read(0, buf, sizeof buf);
    if (n == 0) return 0;
    if (n < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    for (ssize_t off = 0; off < n;) {
      ssize_t w = write(1, buf + off, (size_t)(n - off));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return 1;
      off += w;
    }
  }
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "serve") == 0) return lr__echo_main();
  int a = 1;
  bool expect_fail = false;
  if (a < argc && strcmp(argv[a], "--expect-fail") == 0) {
    expect_fail = true;
    a++;
  }
  if (argc - a < 2) {
    fputs("usage: lsp_runner [--expect-fail] BINARY PATH...\n"
          "  runs LSP transcripts (*.rpc, or directories of them) against `BINARY serve`;\n"
          "  --expect-fail: every transcript must fail (harness self-tests)\n"
          "usage: lsp_runner serve\n"
          "  echoes stdin to stdout: the \"server\" of tests/lsp/selftest/\n",
          stderr);
    return 2;
  }
  if (!getcwd(lr__root, sizeof lr__root)) {
    perror("lsp_runner: getcwd");
    return 2;
  }
  /* A server that dies makes writes to its stdin fail with EPIPE, which the
   * runner reports; the default action would kill the runner instead. */
  signal(SIGPIPE, SIG_IGN);
  const char *binary = argv[a++];
  char resolved[PATH_MAX];
  /* execl does not search PATH, and a relative name must survive as typed. */
  if (!strchr(binary, '/') && realpath(binary, resolved)) binary = resolved;
  for (; a < argc; a++) lr__run_path(binary, argv[a], expect_fail);
  printf("%d passed, %d failed\n", lr__passed, lr__failed);
  return lr__failed ? 1 : 0;
}
