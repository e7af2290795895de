/* protocol/lsp — see lsp.h for the contract.
 *
 * Every reader goes through lsp__walk, which follows the dotted path and
 * remembers how much of the path it had consumed when something went wrong,
 * so the message names the exact member ("textDocument: missing" when the
 * whole object is absent, "textDocument.uri: expected a string" when only
 * the member has the wrong type). Writers use the same consume-always
 * member helper as rpc.c, so a failed allocation releases everything once.
 */
#include "protocol/lsp.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "protocol/rpc.h"

/* ---------------------------------------------------------------------------
 * Errors.
 */

static void lsp__fail(LspError *err, const char *path, size_t path_len, const char *reason) {
  if (!err) return;
  if (path_len) {
    snprintf(err->message, sizeof err->message, "%.*s: %s", (int)path_len, path, reason);
    err->path_len = path_len < sizeof err->message - 1 ? path_len : sizeof err->message - 1;
  } else {
    snprintf(err->message, sizeof err->message, "%s", reason);
    err->path_len = 0;
  }
}

void lsp_error_prefix(LspError *err, const char *fmt, ...) {
  if (!err) return;
  char pre[sizeof err->message];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(pre, sizeof pre, fmt, ap);
  va_end(ap);
  if (n <= 0) return;
  size_t plen = strlen(pre);
  char old[sizeof err->message];
  memcpy(old, err->message, sizeof old);
  old[sizeof old - 1] = '\0';
  const char *sep = err->path_len == 0 ? ": " : (old[0] == '[' ? "" : ".");
  size_t path_len = err->path_len == 0 ? plen : plen + strlen(sep) + err->path_len;
  /* Built piecewise: the result is deliberately cut at the buffer's size. */
  size_t cap = sizeof err->message - 1, o = 0;
  const char *parts[3] = {pre, sep, old};
  for (int i = 0; i < 3 && o < cap; i++) {
    size_t k = strlen(parts[i]);
    if (k > cap - o) k = cap - o;
    memcpy(err->message + o, parts[i], k);
    o += k;
  }
  err->message[o] = '\0';
  err->path_len = path_len < cap ? path_len : cap;
}

int lsp_error_setf(LspError *err, const char *path, const char *fmt, ...) {
  if (!err) return -1;
  char reason[sizeof err->message];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(reason, sizeof reason, fmt, ap);
  va_end(ap);
  if (n < 0) reason[0] = '\0';
  lsp__fail(err, path ? path : "", path ? strlen(path) : 0, reason);
  return -1;
}

/* ---------------------------------------------------------------------------
 * Path walking.
 */

typedef enum LspWalk { LSP_WALK_FOUND, LSP_WALK_ABSENT, LSP_WALK_ERROR } LspWalk;

/* Follows `path` from obj. FOUND: *out is the value (possibly JSON null).
 * ABSENT: a member or element on the way is missing, or (when optional) a
 * value on the way is null; *absent_len is the length of the path up to and
 * including the missing segment. ERROR: err is filled. */
static LspWalk lsp__walk(json_t *obj, const char *path, bool optional, json_t **out,
                         size_t *absent_len, LspError *err) {
  json_t *cur = obj;
  size_t n = strlen(path), i = 0, done = 0; /* done: length of the path that led to cur */
  while (i < n) {
    json_t *next;
    size_t end;
    bool index = path[i] == '[';
    if (index) {
      size_t j = i + 1, k = 0;
      bool digits = false, overflow = false;
      while (j < n && path[j] >= '0' && path[j] <= '9') {
        size_t d = (size_t)(path[j] - '0');
        if (k > (SIZE_MAX - d) / 10) overflow = true;
        k = k * 10 + d;
        digits = true;
        j++;
      }
      if (!digits || j >= n || path[j] != ']') {
        lsp__fail(err, path, n, "invalid path");
        return LSP_WALK_ERROR;
      }
      end = j + 1;
      if (!cur || (json_is_null(cur) && optional)) {
        *absent_len = cur ? done : end;
        return LSP_WALK_ABSENT;
      }
      if (!json_is_array(cur)) {
        lsp__fail(err, path, done, "expected an array");
        return LSP_WALK_ERROR;
      }
      next = overflow ? NULL : json_array_get(cur, k);
    } else {
      size_t key = i;
      if (i > 0) {
        if (path[i] != '.') {
          lsp__fail(err, path, n, "invalid path");
          return LSP_WALK_ERROR;
        }
        key = i + 1;
      }
      end = key;
      while (end < n && path[end] != '.' && path[end] != '[') end++;
      if (end == key) {
        lsp__fail(err, path, n, "invalid path");
        return LSP_WALK_ERROR;
      }
      if (!cur || (json_is_null(cur) && optional)) {
        /* A NULL root reads as an object without members. */
        *absent_len = cur ? done : end;
        return LSP_WALK_ABSENT;
      }
      if (!json_is_object(cur)) {
        lsp__fail(err, path, done, "expected an object");
        return LSP_WALK_ERROR;
      }
      next = json_object_getn(cur, path + key, end - key);
    }
    if (!next) {
      *absent_len = end;
      return LSP_WALK_ABSENT;
    }
    cur = next;
    done = i = end;
  }
  if (!cur) {
    *absent_len = 0;
    return LSP_WALK_ABSENT;
  }
  *out = cur;
  return LSP_WALK_FOUND;
}

/* 0 with *out set, 1 absent (optional only), -1 with err filled. */
static int lsp__find(json_t *obj, const char *path, bool optional, json_t **out, LspError *err) {
  if (!path) path = "";
  size_t absent_len = 0;
  switch (lsp__walk(obj, path, optional, out, &absent_len, err)) {
  case LSP_WALK_FOUND:
    return 0;
  case LSP_WALK_ABSENT:
    if (optional) return 1;
    lsp__fail(err, path, absent_len, "missing");
    return -1;
  case LSP_WALK_ERROR:
    break;
  }
  return -1;
}

typedef bool (*LspCheck)(const json_t *v);

static bool lsp__is_object(const json_t *v) { return json_is_object(v); }
static bool lsp__is_array(const json_t *v) { return json_is_array(v); }
static bool lsp__is_string(const json_t *v) { return json_is_string(v); }
static bool lsp__is_integer(const json_t *v) { return json_is_integer(v); }
static bool lsp__is_bool(const json_t *v) { return json_is_boolean(v); }
static bool lsp__is_uint(const json_t *v) { return json_is_integer(v) && json_integer_value(v) >= 0; }

static int lsp__typed(json_t *obj, const char *path, bool optional, LspCheck check,
                      const char *reason, json_t **out, LspError *err) {
  if (!path) path = "";
  json_t *v = NULL;
  int r = lsp__find(obj, path, optional, &v, err);
  if (r) return r;
  if (optional && json_is_null(v)) return 1;
  if (!check(v)) {
    lsp__fail(err, path, strlen(path), reason);
    return -1;
  }
  *out = v;
  return 0;
}

/* Prefixes err with `path` (when non-empty) after a failed nested read. */
static int lsp__nested_failed(LspError *err, const char *path) {
  if (path && *path) lsp_error_prefix(err, "%s", path);
  return -1;
}

/* ---------------------------------------------------------------------------
 * Readers.
 */

int lsp_get(json_t *obj, const char *path, json_t **out, LspError *err) {
  return lsp__find(obj, path, false, out, err);
}

int lsp_get_object(json_t *obj, const char *path, json_t **out, LspError *err) {
  return lsp__typed(obj, path, false, lsp__is_object, "expected an object", out, err);
}

int lsp_get_array(json_t *obj, const char *path, json_t **out, LspError *err) {
  return lsp__typed(obj, path, false, lsp__is_array, "expected an array", out, err);
}

static int lsp__string(json_t *obj, const char *path, bool optional, bool allow_nul,
                       const char **out, size_t *len, LspError *err) {
  json_t *v;
  int r = lsp__typed(obj, path, optional, lsp__is_string, "expected a string", &v, err);
  if (r) return r;
  const char *s = json_string_value(v);
  size_t n = json_string_length(v);
  if (!allow_nul && strlen(s) != n) {
    lsp__fail(err, path ? path : "", path ? strlen(path) : 0, "expected a string without NUL characters");
    return -1;
  }
  *out = s;
  if (len) *len = n;
  return 0;
}

int lsp_get_string(json_t *obj, const char *path, const char **out, LspError *err) {
  return lsp__string(obj, path, false, false, out, NULL, err);
}

int lsp_get_stringn(json_t *obj, const char *path, const char **out, size_t *len, LspError *err) {
  return lsp__string(obj, path, false, true, out, len, err);
}

int lsp_opt_string(json_t *obj, const char *path, const char **out, LspError *err) {
  return lsp__string(obj, path, true, false, out, NULL, err);
}

int lsp_opt_stringn(json_t *obj, const char *path, const char **out, size_t *len, LspError *err) {
  return lsp__string(obj, path, true, true, out, len, err);
}

static int lsp__int(json_t *obj, const char *path, bool optional, int64_t *out, LspError *err) {
  json_t *v;
  int r = lsp__typed(obj, path, optional, lsp__is_integer, "expected an integer", &v, err);
  if (r) return r;
  *out = (int64_t)json_integer_value(v);
  return 0;
}

int lsp_get_int(json_t *obj, const char *path, int64_t *out, LspError *err) {
  return lsp__int(obj, path, false, out, err);
}

int lsp_opt_int(json_t *obj, const char *path, int64_t *out, LspError *err) {
  return lsp__int(obj, path, true, out, err);
}

int lsp_get_uint(json_t *obj, const char *path, uint32_t *out, LspError *err) {
  json_t *v;
  int r = lsp__typed(obj, path, false, lsp__is_uint, "expected a non-negative integer", &v, err);
  if (r) return r;
  json_int_t i = json_integer_value(v);
  *out = i > (json_int_t)UINT32_MAX ? UINT32_MAX : (uint32_t)i;
  return 0;
}

static int lsp__bool(json_t *obj, const char *path, bool optional, bool *out, LspError *err) {
  json_t *v;
  int r = lsp__typed(obj, path, optional, lsp__is_bool, "expected a boolean", &v, err);
  if (r) return r;
  *out = json_is_true(v);
  return 0;
}

int lsp_get_bool(json_t *obj, const char *path, bool *out, LspError *err) {
  return lsp__bool(obj, path, false, out, err);
}

int lsp_opt_bool(json_t *obj, const char *path, bool *out, LspError *err) {
  return lsp__bool(obj, path, true, out, err);
}

int lsp_opt_object(json_t *obj, const char *path, json_t **out, LspError *err) {
  return lsp__typed(obj, path, true, lsp__is_object, "expected an object", out, err);
}

int lsp_opt_array(json_t *obj, const char *path, json_t **out, LspError *err) {
  return lsp__typed(obj, path, true, lsp__is_array, "expected an array", out, err);
}

/* Reads {line, character} from an object already known to be one. */
static int lsp__position_of(json_t *p, const char *path, LspPosition *out, LspError *err) {
  LspPosition pos;
  if (lsp_get_uint(p, "line", &pos.line, err) || lsp_get_uint(p, "character", &pos.character, err))
    return lsp__nested_failed(err, path);
  *out = pos;
  return 0;
}

int lsp_get_position(json_t *obj, const char *path, LspPosition *out, LspError *err) {
  json_t *p;
  if (lsp_get_object(obj, path, &p, err)) return -1;
  return lsp__position_of(p, path, out, err);
}

static int lsp__range_of(json_t *r, const char *path, LspRange *out, LspError *err) {
  LspRange range;
  if (lsp_get_position(r, "start", &range.start, err) || lsp_get_position(r, "end", &range.end, err))
    return lsp__nested_failed(err, path);
  *out = range;
  return 0;
}

int lsp_get_range(json_t *obj, const char *path, LspRange *out, LspError *err) {
  json_t *r;
  if (lsp_get_object(obj, path, &r, err)) return -1;
  return lsp__range_of(r, path, out, err);
}

int lsp_opt_range(json_t *obj, const char *path, LspRange *out, bool *present, LspError *err) {
  json_t *r;
  if (present) *present = false;
  int rc = lsp_opt_object(obj, path, &r, err);
  if (rc) return rc;
  if (lsp__range_of(r, path, out, err)) return -1;
  if (present) *present = true;
  return 0;
}

/* ---------------------------------------------------------------------------
 * Writers.
 */

/* Adds value under key, consuming value in every case (obj may be NULL). */
static int lsp__set(json_t *obj, const char *key, json_t *value) {
  if (!obj) {
    json_decref(value);
    return -1;
  }
  return json_object_set_new(obj, key, value);
}

static int lsp__append(json_t *arr, json_t *value) {
  if (!arr) {
    json_decref(value);
    return -1;
  }
  return json_array_append_new(arr, value);
}

static json_t *lsp__str(const char *s) { return rpc_string_lossy(s, strlen(s)); }

/* Returns obj, or releases it and returns NULL when rc reports a failure. */
static json_t *lsp__done(json_t *obj, int rc) {
  if (rc) {
    json_decref(obj);
    return NULL;
  }
  return obj;
}

json_t *lsp_position_to_json(LspPosition pos) {
  json_t *o = json_object();
  int rc = lsp__set(o, "line", json_integer(pos.line));
  rc |= lsp__set(o, "character", json_integer(pos.character));
  return lsp__done(o, rc);
}

json_t *lsp_range_to_json(LspRange range) {
  json_t *o = json_object();
  int rc = lsp__set(o, "start", lsp_position_to_json(range.start));
  rc |= lsp__set(o, "end", lsp_position_to_json(range.end));
  return lsp__done(o, rc);
}

json_t *lsp_location_to_json(const char *uri, LspRange range) {
  if (!uri) return NULL;
  json_t *o = json_object();
  int rc = lsp__set(o, "uri", lsp__str(uri));
  rc |= lsp__set(o, "range", lsp_range_to_json(range));
  return lsp__done(o, rc);
}

static json_t *lsp__related_to_json(const LspRelated *r) {
  json_t *o = json_object();
  int rc = lsp__set(o, "location", lsp_location_to_json(r->uri, r->range));
  rc |= lsp__set(o, "message", lsp__str(r->message));
  return lsp__done(o, rc);
}

json_t *lsp_diagnostic_to_json(const LspDiagnostic *d) {
  if (!d || !d->message) return NULL;
  for (size_t i = 0; i < d->related_count; i++)
    if (!d->related || !d->related[i].uri || !d->related[i].message) return NULL;
  json_t *o = json_object();
  int rc = lsp__set(o, "range", lsp_range_to_json(d->range));
  if (d->severity) rc |= lsp__set(o, "severity", json_integer(d->severity));
  if (d->code) rc |= lsp__set(o, "code", lsp__str(d->code));
  if (d->code_href) {
    json_t *cd = json_object();
    rc |= lsp__set(o, "codeDescription", lsp__done(cd, lsp__set(cd, "href", lsp__str(d->code_href))));
  }
  if (d->source) rc |= lsp__set(o, "source", lsp__str(d->source));
  rc |= lsp__set(o, "message", lsp__str(d->message));
  if (d->tags & 3u) {
    json_t *tags = json_array();
    int trc = 0;
    if (d->tags & 1u) trc |= lsp__append(tags, json_integer(1));
    if (d->tags & 2u) trc |= lsp__append(tags, json_integer(2));
    rc |= lsp__set(o, "tags", lsp__done(tags, trc));
  }
  if (d->related_count > 0) {
    json_t *rel = json_array();
    int rrc = 0;
    for (size_t i = 0; i < d->related_count; i++) rrc |= lsp__append(rel, lsp__related_to_json(&d->related[i]));
    rc |= lsp__set(o, "relatedInformation", lsp__done(rel, rrc));
  }
  if (d->data) rc |= lsp__set(o, "data", json_deep_copy(d->data));
  return lsp__done(o, rc);
}

json_t *lsp_text_edit_to_json(LspRange range, const char *new_text) {
  if (!new_text) return NULL;
  json_t *o = json_object();
  int rc = lsp__set(o, "range", lsp_range_to_json(range));
  rc |= lsp__set(o, "newText", lsp__str(new_text));
  return lsp__done(o, rc);
}

/* ---------------------------------------------------------------------------
 * URIs.
 */

static int lsp__hex(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* ASCII case-insensitive prefix/equality test against a lower-case literal. */
static bool lsp__ieq(const char *s, size_t n, const char *lit) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 'A' && c <= 'Z') c = (unsigned char)(c - 'A' + 'a');
    if (lit[i] == '\0' || c != (unsigned char)lit[i]) return false;
  }
  return lit[n] == '\0';
}

char *lsp_uri_to_path(const char *uri) {
  if (!uri || strlen(uri) < 5 || !lsp__ieq(uri, 5, "file:")) return NULL;
  const char *p = uri + 5;
  if (p[0] == '/' && p[1] == '/') {
    const char *host = p + 2;
    size_t hlen = strcspn(host, "/?#");
    if (hlen && !lsp__ieq(host, hlen, "localhost")) return NULL;
    p = host + hlen;
  }
  if (*p != '/') return NULL;
  size_t n = strcspn(p, "?#");
  char *out = rpc_malloc(n + 1);
  if (!out) return NULL;
  size_t o = 0;
  for (size_t i = 0; i < n;) {
    if (p[i] != '%') {
      out[o++] = p[i++];
      continue;
    }
    int hi = i + 1 < n ? lsp__hex((unsigned char)p[i + 1]) : -1;
    int lo = i + 2 < n ? lsp__hex((unsigned char)p[i + 2]) : -1;
    if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
      rpc_free(out);
      return NULL;
    }
    out[o++] = (char)(hi * 16 + lo);
    i += 3;
  }
  out[o] = '\0';
  return out;
}

static bool lsp__uri_keeps(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~' || c == '/';
}

char *lsp_path_to_uri(const char *path) {
  if (!path || path[0] != '/') return NULL;
  static const char prefix[] = "file://";
  size_t n = strlen(path), escaped = 0;
  for (size_t i = 0; i < n; i++)
    if (!lsp__uri_keeps((unsigned char)path[i])) escaped++;
  if (n > (SIZE_MAX - sizeof prefix) / 3) return NULL;
  char *out = rpc_malloc(sizeof prefix + n + 2 * escaped);
  if (!out) return NULL;
  static const char hex[] = "0123456789ABCDEF";
  memcpy(out, prefix, sizeof prefix - 1);
  size_t o = sizeof prefix - 1;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)path[i];
    if (lsp__uri_keeps(c)) {
      out[o++] = (char)c;
    } else {
      out[o++] = '%';
      out[o++] = hex[c >> 4];
      out[o++] = hex[c & 15];
    }
  }
  out[o] = '\0';
  return out;
}
