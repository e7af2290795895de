/* protocol/rpc_framer — see rpc_framer.h for the contract.
 *
 * The framer is a byte-level state machine over one buffer. `pos` is the
 * first byte not yet consumed, `scan` the next byte to examine; bytes between
 * them are kept because they may still belong to a message (a header block
 * being read, a header-name candidate, a partial "Content-Length" match).
 * Every byte is examined a bounded number of times (at most twice: a failed
 * header-name candidate is rescanned once as garbage), so the work is linear
 * in the input whatever the chunking. The scanning states are:
 *
 *   LINE      at the start of a line, outside any message
 *   LINE_CR   after a '\r' at the start of a line (an empty "\r\n" line?)
 *   NAME      reading a header name at the start of a line
 *   NAME_WS   whitespace after that name, before the ':'
 *   GARBAGE   skipping bytes that do not start a header block
 *   HEADER    inside a header block, looking for the empty line that ends it
 *   DROP      discarding an oversized header block through its empty line
 *   BODY      waiting for `need` body bytes
 *   SKIP      discarding `skip` body bytes, straight from feed when possible
 */
#include "protocol/rpc_framer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------
 * Allocation seam. Read-only after start-up.
 */
static void *(*rpc__malloc_fn)(size_t) = malloc;
static void *(*rpc__realloc_fn)(void *, size_t) = realloc;
static void (*rpc__free_fn)(void *) = free;

void rpc_set_allocator(void *(*m)(size_t), void *(*r)(void *, size_t), void (*f)(void *)) {
  rpc__malloc_fn = m ? m : malloc;
  rpc__realloc_fn = r ? r : realloc;
  rpc__free_fn = f ? f : free;
}

void *rpc_malloc(size_t size) { return rpc__malloc_fn(size ? size : 1); }

void *rpc_realloc(void *ptr, size_t size) {
  if (!ptr) return rpc_malloc(size);
  return rpc__realloc_fn(ptr, size ? size : 1);
}

void rpc_free(void *ptr) {
  if (ptr) rpc__free_fn(ptr);
}

/* ---------------------------------------------------------------------------
 * Framer.
 */
enum {
  FR_LINE = 0,
  FR_LINE_CR,
  FR_NAME,
  FR_NAME_WS,
  FR_GARBAGE,
  FR_HEADER,
  FR_DROP,
  FR_BODY,
  FR_SKIP,
};

/* Internal step result meaning "keep going"; never returned to callers. */
#define FR_CONTINUE 2

/* DROP sub-states: at a line start, after '\r' at a line start, mid-line. */
enum { DROP_LINE_START = 0, DROP_LINE_CR = 1, DROP_MID_LINE = 2 };

static const char framer__content_length[] = "content-length";
#define FR_CL_LEN (sizeof framer__content_length - 1)

#define FR_MIN_HEADER 32u

void rpc_framer_init(RpcFramer *f, size_t max_header, size_t max_body) {
  memset(f, 0, sizeof *f);
  if (max_header == 0) max_header = RPC_FRAMER_DEFAULT_MAX_HEADER;
  if (max_header < FR_MIN_HEADER) max_header = FR_MIN_HEADER;
  /* Keeps pos + max_header from overflowing. */
  if (max_header > SIZE_MAX / 4) max_header = SIZE_MAX / 4;
  f->max_header = max_header;
  f->max_body = max_body ? max_body : RPC_FRAMER_DEFAULT_MAX_BODY;
  f->state = FR_LINE;
}

void rpc_framer_deinit(RpcFramer *f) {
  rpc_free(f->buf);
  f->buf = NULL;
  f->len = f->cap = f->pos = f->scan = f->mark = 0;
}

size_t rpc_framer_buffered(const RpcFramer *f) { return f->len - f->pos; }

/* Moves the unconsumed bytes to the front of the buffer. */
static void framer__compact(RpcFramer *f) {
  size_t live = f->len - f->pos;
  if (live) memmove(f->buf, f->buf + f->pos, live);
  f->scan -= f->pos;
  f->mark = f->mark >= f->pos ? f->mark - f->pos : 0;
  f->len = live;
  f->pos = 0;
}

int rpc_framer_feed(RpcFramer *f, const char *data, size_t len) {
  if (len == 0) return 0;
  if (f->pos == f->len) {
    /* Nothing kept: every offset equals pos, so restart at the front. */
    f->pos = f->len = f->scan = f->mark = 0;
    if (f->state == FR_SKIP && f->skip > 0) {
      /* Discard body bytes without buffering them. */
      size_t n = len < f->skip ? len : f->skip;
      f->skip -= n;
      data += n;
      len -= n;
      if (len == 0) return 0;
    }
  } else if (f->pos >= f->len - f->pos) {
    /* Lazy compaction: the move costs at most what was consumed since. */
    framer__compact(f);
  }
  if (len > f->cap - f->len) {
    if (len > SIZE_MAX / 2 - f->len) return RPC_FRAME_ERR_NOMEM;
    size_t need = f->len + len;
    size_t cap = f->cap ? f->cap * 2 : 4096;
    if (cap < need) cap = need;
    char *buf = rpc_realloc(f->buf, cap);
    if (!buf) return RPC_FRAME_ERR_NOMEM;
    f->buf = buf;
    f->cap = cap;
  }
  memcpy(f->buf + f->len, data, len);
  f->len += len;
  return 0;
}

static bool framer__is_tchar(unsigned char c) {
  /* RFC 9110 token characters. */
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
  case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
  case '-': case '.': case '^': case '_': case '`': case '|': case '~':
    return true;
  default:
    return false;
  }
}

static bool framer__is_ws(unsigned char c) { return c == ' ' || c == '\t'; }

static unsigned char framer__lower(unsigned char c) {
  return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Case-insensitive comparison of p[0..n) with a lower-case literal. */
static bool framer__ieq(const char *p, size_t n, const char *lit) {
  size_t m = strlen(lit);
  if (n != m) return false;
  for (size_t i = 0; i < n; i++)
    if (framer__lower((unsigned char)p[i]) != (unsigned char)lit[i]) return false;
  return true;
}

static void framer__trim(const char **p, size_t *n) {
  while (*n && framer__is_ws((unsigned char)(*p)[0])) {
    (*p)++;
    (*n)--;
  }
  while (*n && framer__is_ws((unsigned char)(*p)[*n - 1])) (*n)--;
}

/* Parses a Content-Length value: one or more decimal digits, no sign. */
static bool framer__parse_length(const char *p, size_t n, size_t *out) {
  if (n == 0) return false;
  size_t v = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c < '0' || c > '9') return false;
    size_t d = (size_t)(c - '0');
    if (v > (SIZE_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

/* True when a Content-Type value declares no charset or a UTF-8 one. */
static bool framer__charset_ok(const char *p, size_t n) {
  const char *end = p + n;
  const char *semi = memchr(p, ';', n);
  while (semi) {
    const char *param = semi + 1;
    size_t plen = (size_t)(end - param);
    const char *next = memchr(param, ';', plen);
    if (next) plen = (size_t)(next - param);
    const char *eq = memchr(param, '=', plen);
    if (eq) {
      const char *name = param;
      size_t nlen = (size_t)(eq - param);
      const char *val = eq + 1;
      size_t vlen = plen - nlen - 1;
      framer__trim(&name, &nlen);
      framer__trim(&val, &vlen);
      if (vlen >= 2 && val[0] == '"' && val[vlen - 1] == '"') {
        val++;
        vlen -= 2;
      }
      if (framer__ieq(name, nlen, "charset") && !framer__ieq(val, vlen, "utf-8") &&
          !framer__ieq(val, vlen, "utf8"))
        return false;
    }
    semi = next;
  }
  return true;
}

/* The verdict on one complete header block. */
typedef struct FramerBlock {
  RpcFrameStatus status; /* RPC_FRAME_MESSAGE when the block is good */
  bool has_length;       /* one valid Content-Length was declared */
  size_t length;
} FramerBlock;

/* Parses header lines p[0..n), each ended by '\n' (the empty line that ends
 * the block is not included). */
static FramerBlock framer__parse_block(const RpcFramer *f, const char *p, size_t n) {
  FramerBlock b = {RPC_FRAME_MESSAGE, false, 0};
  bool bad = false, bad_length = false, bad_type = false;
  const char *end = p + n;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
    const char *next = p + ll + (nl ? 1 : 0);
    if (ll && p[ll - 1] == '\r') ll--;
    const char *colon = memchr(p, ':', ll);
    if (!colon) {
      bad = true;
      p = next;
      continue;
    }
    const char *name = p;
    size_t nlen = (size_t)(colon - p);
    while (nlen && framer__is_ws((unsigned char)name[nlen - 1])) nlen--;
    bool name_ok = nlen > 0;
    for (size_t i = 0; i < nlen && name_ok; i++) name_ok = framer__is_tchar((unsigned char)name[i]);
    if (!name_ok) {
      bad = true;
      p = next;
      continue;
    }
    const char *val = colon + 1;
    size_t vlen = (size_t)((p + ll) - val);
    framer__trim(&val, &vlen);
    if (framer__ieq(name, nlen, framer__content_length)) {
      size_t v;
      if (!framer__parse_length(val, vlen, &v) || (b.has_length && v != b.length)) {
        bad = bad_length = true;
      } else {
        b.has_length = true;
        b.length = v;
      }
    } else if (framer__ieq(name, nlen, "content-type")) {
      if (!framer__charset_ok(val, vlen)) bad_type = true;
    }
    p = next;
  }
  if (bad_length) b.has_length = false;
  if (bad)
    b.status = RPC_FRAME_ERR_BAD_HEADER;
  else if (!b.has_length)
    b.status = RPC_FRAME_ERR_NO_CONTENT_LENGTH;
  else if (b.length > f->max_body)
    b.status = RPC_FRAME_ERR_BODY_TOO_LARGE;
  else if (bad_type)
    b.status = RPC_FRAME_ERR_BAD_CONTENT_TYPE;
  return b;
}

/* Enters GARBAGE at `scan`; reports the run unless an error was just reported. */
static int framer__to_garbage(RpcFramer *f) {
  f->state = FR_GARBAGE;
  f->sub = 0;
  f->pos = f->scan;
  if (f->resync) return FR_CONTINUE;
  f->resync = true;
  return RPC_FRAME_ERR_BAD_HEADER;
}

/* A header-name candidate at `mark` turned out not to be one: rescan it as
 * garbage from its second byte (its first cannot start a header any more). */
static int framer__candidate_failed(RpcFramer *f) {
  f->scan = f->mark + 1;
  return framer__to_garbage(f);
}

/* Starts the header block whose first line begins at pos; scan is on ':'. */
static void framer__start_block(RpcFramer *f) {
  f->state = FR_HEADER;
  f->mark = f->pos;
  f->scan++;
}

/* The block [pos, end) is complete; its lines are [pos, mark). */
static int framer__finish_block(RpcFramer *f, size_t end) {
  FramerBlock b = framer__parse_block(f, f->buf + f->pos, f->mark - f->pos);
  f->pos = f->scan = f->mark = end;
  if (b.status == RPC_FRAME_MESSAGE) {
    f->state = FR_BODY;
    f->need = b.length;
    f->resync = false;
    return FR_CONTINUE;
  }
  if (b.has_length) {
    f->state = FR_SKIP;
    f->skip = b.length;
    f->resync = false;
  } else {
    f->state = FR_LINE;
    f->resync = true;
  }
  return b.status;
}

static int framer__step_header(RpcFramer *f) {
  size_t limit = f->pos + f->max_header; /* the block's last byte must precede it */
  size_t end = f->len < limit ? f->len : limit;
  while (f->scan < end) {
    const char *nl = memchr(f->buf + f->scan, '\n', end - f->scan);
    if (!nl) {
      f->scan = end;
      break;
    }
    size_t i = (size_t)(nl - f->buf);
    size_t ll = i - f->mark;
    if (ll == 0 || (ll == 1 && f->buf[f->mark] == '\r')) return framer__finish_block(f, i + 1);
    f->mark = f->scan = i + 1;
  }
  if (f->scan < limit) return RPC_FRAME_NEED_MORE;
  /* Too large: drop what is buffered and the rest through the empty line. */
  size_t ll = limit - f->mark;
  if (ll == 0)
    f->sub = DROP_LINE_START;
  else if (ll == 1 && f->buf[f->mark] == '\r')
    f->sub = DROP_LINE_CR;
  else
    f->sub = DROP_MID_LINE;
  f->pos = f->scan = f->mark = limit;
  f->state = FR_DROP;
  f->resync = true;
  return RPC_FRAME_ERR_HEADER_TOO_LARGE;
}

static int framer__step_drop(RpcFramer *f) {
  while (f->scan < f->len) {
    unsigned char c = (unsigned char)f->buf[f->scan++];
    if (c == '\n') {
      if (f->sub != DROP_MID_LINE) {
        f->pos = f->scan;
        f->state = FR_LINE;
        return FR_CONTINUE;
      }
      f->sub = DROP_LINE_START;
    } else if (c == '\r' && f->sub == DROP_LINE_START) {
      f->sub = DROP_LINE_CR;
    } else {
      f->sub = DROP_MID_LINE;
    }
  }
  f->pos = f->scan;
  return RPC_FRAME_NEED_MORE;
}

/* One byte of GARBAGE: look for a line start or "Content-Length" + ':'.
 * While a match is in progress, pos stays on its first byte. */
static int framer__step_garbage(RpcFramer *f, unsigned char c) {
  if ((size_t)f->sub == FR_CL_LEN) {
    if (c == ':') {
      framer__start_block(f);
      return FR_CONTINUE;
    }
    if (framer__is_ws(c) && f->scan - f->pos < f->max_header) {
      f->scan++;
      return FR_CONTINUE;
    }
    f->sub = 0;
  }
  if (c == '\n') {
    f->sub = 0;
    f->pos = ++f->scan;
    f->state = FR_LINE;
    return FR_CONTINUE;
  }
  unsigned char lc = framer__lower(c);
  if (lc == (unsigned char)framer__content_length[f->sub]) {
    if (f->sub == 0) f->pos = f->scan;
    f->sub++;
    f->scan++;
    return FR_CONTINUE;
  }
  /* 'c' occurs only first in "content-length", so a failed match can restart
   * only on the current byte. */
  if (f->sub > 0 && lc == (unsigned char)framer__content_length[0]) {
    f->pos = f->scan;
    f->sub = 1;
    f->scan++;
    return FR_CONTINUE;
  }
  f->sub = 0;
  f->pos = ++f->scan;
  return FR_CONTINUE;
}

static int framer__step(RpcFramer *f) {
  switch (f->state) {
  case FR_BODY:
    return f->len - f->pos >= f->need ? RPC_FRAME_MESSAGE : RPC_FRAME_NEED_MORE;
  case FR_SKIP: {
    size_t avail = f->len - f->pos;
    size_t n = avail < f->skip ? avail : f->skip;
    f->pos += n;
    f->scan = f->pos;
    f->skip -= n;
    if (f->skip > 0) return RPC_FRAME_NEED_MORE;
    f->state = FR_LINE;
    f->resync = false;
    return FR_CONTINUE;
  }
  case FR_HEADER:
    return framer__step_header(f);
  case FR_DROP:
    return framer__step_drop(f);
  default:
    break;
  }
  if (f->scan >= f->len) return RPC_FRAME_NEED_MORE;
  unsigned char c = (unsigned char)f->buf[f->scan];
  switch (f->state) {
  case FR_LINE:
    if (c == '\n') {
      f->pos = ++f->scan;
    } else if (c == '\r') {
      f->scan++;
      f->state = FR_LINE_CR;
    } else if (framer__is_tchar(c)) {
      f->mark = f->scan++;
      f->state = FR_NAME;
    } else {
      return framer__to_garbage(f);
    }
    return FR_CONTINUE;
  case FR_LINE_CR:
    if (c == '\n') {
      f->pos = ++f->scan;
      f->state = FR_LINE;
      return FR_CONTINUE;
    }
    return framer__to_garbage(f); /* the '\r' is consumed as garbage */
  case FR_NAME:
  case FR_NAME_WS:
    /* A name that cannot fit in a header block is not a header name. */
    if (f->scan - f->mark >= f->max_header) return framer__candidate_failed(f);
    if (c == ':') {
      framer__start_block(f);
    } else if (framer__is_ws(c)) {
      f->scan++;
      f->state = FR_NAME_WS;
    } else if (f->state == FR_NAME && framer__is_tchar(c)) {
      f->scan++;
    } else {
      return framer__candidate_failed(f);
    }
    return FR_CONTINUE;
  case FR_GARBAGE:
    return framer__step_garbage(f, c);
  default:
    return RPC_FRAME_NEED_MORE; /* unreachable: every state is handled above */
  }
}

RpcFrameStatus rpc_framer_next(RpcFramer *f, const char **body, size_t *body_len) {
  for (;;) {
    int r = framer__step(f);
    if (r == FR_CONTINUE) continue;
    if (r == RPC_FRAME_MESSAGE) {
      *body = f->buf + f->pos;
      *body_len = f->need;
      f->pos += f->need;
      f->scan = f->mark = f->pos;
      f->need = 0;
      f->state = FR_LINE;
      f->resync = false;
    }
    return (RpcFrameStatus)r;
  }
}

const char *rpc_frame_status_text(RpcFrameStatus status) {
  switch (status) {
  case RPC_FRAME_MESSAGE: return "message";
  case RPC_FRAME_NEED_MORE: return "need more input";
  case RPC_FRAME_ERR_HEADER_TOO_LARGE: return "header block too large";
  case RPC_FRAME_ERR_BODY_TOO_LARGE: return "message body too large";
  case RPC_FRAME_ERR_BAD_HEADER: return "malformed header";
  case RPC_FRAME_ERR_NO_CONTENT_LENGTH: return "missing Content-Length header";
  case RPC_FRAME_ERR_BAD_CONTENT_TYPE: return "unsupported Content-Type charset (only utf-8)";
  case RPC_FRAME_ERR_NOMEM: return "out of memory";
  }
  return "unknown framing status";
}
