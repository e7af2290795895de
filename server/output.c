/* server/output — buffers, the JSON writer and the finding formats.
 * See output.h for the contract; this file only explains the non-obvious. */
#include <stdarg.h>
#include <string.h>

#include "server/alloc.h"
#include "server/output.h"
#include "server/version.h"

/* ---------------------------------------------------------------------------
 * OutBuf
 */
void outbuf_init(OutBuf *b) {
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
}

void outbuf_deinit(OutBuf *b) {
  hl_free(b->data);
  outbuf_init(b);
}

static void outbuf__reserve(OutBuf *b, size_t extra) {
  size_t need = b->len + extra + 1; /* +1 keeps room for outbuf_cstr's NUL */
  if (need <= b->cap) return;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < need) cap *= 2;
  b->data = hl_realloc(b->data, cap);
  b->cap = cap;
}

void outbuf_put(OutBuf *b, const char *s, size_t n) {
  if (n == 0) return;
  outbuf__reserve(b, n);
  memcpy(b->data + b->len, s, n);
  b->len += n;
}

void outbuf_puts(OutBuf *b, const char *s) { outbuf_put(b, s, strlen(s)); }

void outbuf_putc(OutBuf *b, char c) {
  outbuf__reserve(b, 1);
  b->data[b->len++] = c;
}

void outbuf_printf(OutBuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char small[256];
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof small) {
    outbuf_put(b, small, (size_t)n);
    return;
  }
  outbuf__reserve(b, (size_t)n);
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

void outbuf_put_u64(OutBuf *b, uint64_t v) {
  char tmp[24];
  size_t i = sizeof tmp;
  do {
    tmp[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  outbuf_put(b, tmp + i, sizeof tmp - i);
}

const char *outbuf_cstr(OutBuf *b) {
  outbuf__reserve(b, 0);
  b->data[b->len] = '\0';
  return b->data;
}

int outbuf_write(const OutBuf *b, FILE *f) {
  if (b->len && fwrite(b->data, 1, b->len, f) != b->len) return -1;
  return 0;
}

/* ---------------------------------------------------------------------------
 * UTF-8
 */

/* Length of the valid UTF-8 sequence at s[0..n), or 0 when s[0] does not
 * start one (bad lead byte, truncated, overlong, surrogate, > U+10FFFF). */
static size_t utf8__valid_len(const unsigned char *s, size_t n) {
  unsigned char c = s[0];
  if (c < 0x80) return 1;
  size_t len;
  uint32_t cp, min;
  if ((c & 0xE0) == 0xC0) {
    len = 2, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (len > n) return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

void json_escape_to(OutBuf *b, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0, run = 0; /* run: start of the pending verbatim bytes */
  while (i < n) {
    unsigned char c = u[i];
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      i++;
      continue;
    }
    if (c >= 0x80) {
      size_t len = utf8__valid_len(u + i, n - i);
      if (len) {
        i += len;
        continue;
      }
    }
    outbuf_put(b, s + run, i - run);
    switch (c) {
    case '"': outbuf_put(b, "\\\"", 2); break;
    case '\\': outbuf_put(b, "\\\\", 2); break;
    case '\n': outbuf_put(b, "\\n", 2); break;
    case '\r': outbuf_put(b, "\\r", 2); break;
    case '\t': outbuf_put(b, "\\t", 2); break;
    case '\b': outbuf_put(b, "\\b", 2); break;
    case '\f': outbuf_put(b, "\\f", 2); break;
    default:
      if (c < 0x20) {
        char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        outbuf_put(b, esc, 6);
      } else {
        outbuf_put(b, "\\ufffd", 6);
      }
    }
    i++;
    run = i;
  }
  outbuf_put(b, s + run, n - run);
}

/* ---------------------------------------------------------------------------
 * JSON writer
 */
void jw_init(JsonW *w, OutBuf *out) {
  memset(w, 0, sizeof *w);
  w->out = out;
  w->empty[0] = true;
}

void jw_init_elements(JsonW *w, OutBuf *out, int depth) {
  jw_init(w, out);
  w->depth = depth;
  w->empty[depth] = true;
}

static void jw__indent(JsonW *w, int depth) {
  static const char spaces[] = "                                ";
  outbuf_putc(w->out, '\n');
  size_t n = (size_t)depth * 2;
  while (n) {
    size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
    outbuf_put(w->out, spaces, k);
    n -= k;
  }
}

/* Separator and indentation before a value or a key. */
static void jw__pre(JsonW *w) {
  if (w->after_key) {
    w->after_key = false;
    return;
  }
  if (w->depth == 0) return;
  if (!w->empty[w->depth]) outbuf_putc(w->out, ',');
  w->empty[w->depth] = false;
  jw__indent(w, w->depth);
}

static void jw__open(JsonW *w, char c) {
  jw__pre(w);
  outbuf_putc(w->out, c);
  if (w->depth < JW_MAX_DEPTH) w->depth++;
  w->empty[w->depth] = true;
}

static void jw__close(JsonW *w, char c) {
  if (!w->empty[w->depth]) jw__indent(w, w->depth - 1);
  outbuf_putc(w->out, c);
  if (w->depth > 0) w->depth--;
}

void jw_object_begin(JsonW *w) { jw__open(w, '{'); }
void jw_object_end(JsonW *w) { jw__close(w, '}'); }
void jw_array_begin(JsonW *w) { jw__open(w, '['); }
void jw_array_end(JsonW *w) { jw__close(w, ']'); }

void jw_key(JsonW *w, const char *key) {
  jw__pre(w);
  outbuf_putc(w->out, '"');
  json_escape_to(w->out, key, strlen(key));
  outbuf_put(w->out, "\": ", 3);
  w->after_key = true;
}

void jw_string_n(JsonW *w, const char *s, size_t n) {
  jw__pre(w);
  outbuf_putc(w->out, '"');
  json_escape_to(w->out, s, n);
  outbuf_putc(w->out, '"');
}

void jw_string(JsonW *w, const char *s) {
  if (!s) {
    jw_null(w);
    return;
  }
  jw_string_n(w, s, strlen(s));
}

void jw_uint(JsonW *w, uint64_t v) {
  jw__pre(w);
  outbuf_put_u64(w->out, v);
}

void jw_bool(JsonW *w, bool v) {
  jw__pre(w);
  outbuf_puts(w->out, v ? "true" : "false");
}

void jw_null(JsonW *w) {
  jw__pre(w);
  outbuf_put(w->out, "null", 4);
}

void jw_splice(JsonW *w, const char *chunk, size_t len) {
  if (len == 0) return;
  if (!w->empty[w->depth]) outbuf_putc(w->out, ',');
  w->empty[w->depth] = false;
  outbuf_put(w->out, chunk, len);
}

/* ---------------------------------------------------------------------------
 * Findings
 */
int output_format_parse(const char *name) {
  static const char *const names[] = {"text", "json", "sarif", "github"};
  for (int i = 0; i < 4; i++)
    if (strcmp(name, names[i]) == 0) return i;
  return -1;
}

/* A byte range as 1-based lines and 1-based code-point columns. */
typedef struct OutRange {
  uint32_t line, column, end_line, end_column;
} OutRange;

static OutRange output__range(const OutFile *file, uint32_t start, uint32_t end) {
  OutRange r;
  if (end < start) end = start;
  line_index_position(file->lines, start, LI_UTF32, &r.line, &r.column);
  line_index_position(file->lines, end, LI_UTF32, &r.end_line, &r.end_column);
  r.line++, r.column++, r.end_line++, r.end_column++;
  return r;
}

static const char *output__sarif_level(AnSeverity sev) {
  switch (sev) {
  case AN_SEV_ERROR: return "error";
  case AN_SEV_WARNING: return "warning";
  case AN_SEV_INFO:
  case AN_SEV_HINT: return "note";
  default: return "none";
  }
}

static const char *output__color(AnSeverity sev) {
  switch (sev) {
  case AN_SEV_ERROR: return "\033[1;31m";
  case AN_SEV_WARNING: return "\033[1;33m";
  case AN_SEV_INFO: return "\033[1;36m";
  default: return "\033[1;34m";
  }
}

static void output__text(OutBuf *b, const OutFile *file, const AnFinding *f, const OutRange *r, bool color) {
  const AnRuleInfo *info = an_rule_info(f->rule);
  if (color) outbuf_puts(b, "\033[1m");
  outbuf_puts(b, file->path);
  if (color) outbuf_puts(b, "\033[0m");
  outbuf_printf(b, ":%u:%u: ", r->line, r->column);
  if (color) outbuf_puts(b, output__color(f->severity));
  outbuf_puts(b, info->code);
  if (color) outbuf_puts(b, "\033[0m");
  outbuf_printf(b, " [%s] ", an_severity_name(f->severity));
  outbuf_puts(b, f->message);
  outbuf_putc(b, '\n');
}

static void output__json(JsonW *w, const OutFile *file, const AnFinding *f, const OutRange *r) {
  const AnRuleInfo *info = an_rule_info(f->rule);
  jw_object_begin(w);
  jw_key(w, "path"), jw_string(w, file->path);
  jw_key(w, "rule"), jw_string(w, info->code);
  jw_key(w, "name"), jw_string(w, info->name);
  jw_key(w, "severity"), jw_string(w, an_severity_name(f->severity));
  jw_key(w, "message"), jw_string(w, f->message);
  jw_key(w, "line"), jw_uint(w, r->line);
  jw_key(w, "column"), jw_uint(w, r->column);
  jw_key(w, "end_line"), jw_uint(w, r->end_line);
  jw_key(w, "end_column"), jw_uint(w, r->end_column);
  if (f->fix_count) {
    jw_key(w, "fixes");
    jw_array_begin(w);
    for (uint32_t i = 0; i < f->fix_count; i++) {
      const AnFix *fix = &f->fixes[i];
      jw_object_begin(w);
      jw_key(w, "title"), jw_string(w, fix->title);
      jw_key(w, "safe"), jw_bool(w, fix->safe);
      jw_key(w, "edits");
      jw_array_begin(w);
      for (uint32_t k = 0; k < fix->edit_count; k++) {
        const AnEdit *e = &fix->edits[k];
        OutRange er = output__range(file, e->start, e->end);
        jw_object_begin(w);
        jw_key(w, "line"), jw_uint(w, er.line);
        jw_key(w, "column"), jw_uint(w, er.column);
        jw_key(w, "end_line"), jw_uint(w, er.end_line);
        jw_key(w, "end_column"), jw_uint(w, er.end_column);
        jw_key(w, "text"), jw_string(w, e->text ? e->text : "");
        jw_object_end(w);
      }
      jw_array_end(w);
      jw_object_end(w);
    }
    jw_array_end(w);
  }
  jw_object_end(w);
}

/* A relative path as a URI reference (absolute paths as file:// URIs):
 * every byte outside RFC 3986's unreserved set and "/" is percent-encoded. */
static void output__uri(OutBuf *b, const char *path) {
  static const char hex[] = "0123456789ABCDEF";
  if (path[0] == '/') outbuf_puts(b, "file://");
  for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
    unsigned char c = *p;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~' || c == '/') {
      outbuf_putc(b, (char)c);
    } else {
      char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
      outbuf_put(b, esc, 3);
    }
  }
}

static void output__sarif(JsonW *w, OutBuf *scratch, const OutFile *file, const AnFinding *f, const OutRange *r) {
  const AnRuleInfo *info = an_rule_info(f->rule);
  jw_object_begin(w);
  jw_key(w, "ruleId"), jw_string(w, info->code);
  jw_key(w, "ruleIndex"), jw_uint(w, (uint64_t)f->rule);
  jw_key(w, "level"), jw_string(w, output__sarif_level(f->severity));
  jw_key(w, "message");
  jw_object_begin(w);
  jw_key(w, "text"), jw_string(w, f->message);
  jw_object_end(w);
  jw_key(w, "locations");
  jw_array_begin(w);
  jw_object_begin(w);
  jw_key(w, "physicalLocation");
  jw_object_begin(w);
  jw_key(w, "artifactLocation");
  jw_object_begin(w);
  scratch->len = 0;
  output__uri(scratch, file->path);
  jw_key(w, "uri"), jw_string_n(w, scratch->data, scratch->len);
  jw_object_end(w);
  jw_key(w, "region");
  jw_object_begin(w);
  jw_key(w, "startLine"), jw_uint(w, r->line);
  jw_key(w, "startColumn"), jw_uint(w, r->column);
  jw_key(w, "endLine"), jw_uint(w, r->end_line);
  jw_key(w, "endColumn"), jw_uint(w, r->end_column);
  jw_object_end(w);
  jw_object_end(w);
  jw_object_end(w);
  jw_array_end(w);
  jw_object_end(w);
}

/* GitHub workflow command escaping: data escapes % CR LF; property values
 * also escape ':' and ','. */
static void output__gh_escape(OutBuf *b, const char *s, bool property) {
  const char *run = s;
  for (; *s; s++) {
    const char *esc = NULL;
    switch (*s) {
    case '%': esc = "%25"; break;
    case '\r': esc = "%0D"; break;
    case '\n': esc = "%0A"; break;
    case ':': esc = property ? "%3A" : NULL; break;
    case ',': esc = property ? "%2C" : NULL; break;
    default: break;
    }
    if (!esc) continue;
    outbuf_put(b, run, (size_t)(s - run));
    outbuf_put(b, esc, 3);
    run = s + 1;
  }
  outbuf_put(b, run, (size_t)(s - run));
}

static void output__github(OutBuf *b, const OutFile *file, const AnFinding *f, const OutRange *r) {
  const AnRuleInfo *info = an_rule_info(f->rule);
  const char *cmd = f->severity == AN_SEV_ERROR ? "error" : f->severity == AN_SEV_WARNING ? "warning" : "notice";
  outbuf_printf(b, "::%s file=", cmd);
  output__gh_escape(b, file->path, true);
  outbuf_printf(b, ",line=%u,col=%u,endLine=%u,endColumn=%u,title=", r->line, r->column, r->end_line,
                r->end_column);
  output__gh_escape(b, info->code, true);
  outbuf_putc(b, ' ');
  output__gh_escape(b, info->name, true);
  outbuf_put(b, "::", 2);
  output__gh_escape(b, f->message, false);
  outbuf_putc(b, '\n');
}

void output_findings_chunk(OutBuf *chunk, OutFormat fmt, const OutFile *file, const AnFinding *findings,
                           uint32_t count, bool color, OutCounts *counts) {
  JsonW w;
  OutBuf scratch;
  outbuf_init(&scratch);
  /* json: elements of the top-level array; sarif: of runs[0].results. */
  jw_init_elements(&w, chunk, fmt == OUT_SARIF ? 4 : 1);
  for (uint32_t i = 0; i < count; i++) {
    const AnFinding *f = &findings[i];
    if (f->severity <= AN_SEV_OFF || f->severity > AN_SEV_HINT || !an_rule_info(f->rule)) continue;
    counts->by_severity[f->severity]++;
    OutRange r = output__range(file, f->start, f->end);
    switch (fmt) {
    case OUT_TEXT: output__text(chunk, file, f, &r, color); break;
    case OUT_JSON: output__json(&w, file, f, &r); break;
    case OUT_SARIF: output__sarif(&w, &scratch, file, f, &r); break;
    case OUT_GITHUB: output__github(chunk, file, f, &r); break;
    }
  }
  outbuf_deinit(&scratch);
}

/* ---------------------------------------------------------------------------
 * The document around the chunks
 */
static void output__sarif_rules(JsonW *w) {
  OutBuf help;
  outbuf_init(&help);
  jw_key(w, "rules");
  jw_array_begin(w);
  for (int i = 0; i < AN_RULE_COUNT; i++) {
    const AnRuleInfo *info = an_rule_info((AnRuleId)i);
    jw_object_begin(w);
    jw_key(w, "id"), jw_string(w, info->code);
    jw_key(w, "name"), jw_string(w, info->name);
    jw_key(w, "shortDescription");
    jw_object_begin(w);
    jw_key(w, "text"), jw_string(w, info->summary);
    jw_object_end(w);
    jw_key(w, "fullDescription");
    jw_object_begin(w);
    jw_key(w, "text"), jw_string(w, info->doc);
    jw_object_end(w);
    help.len = 0;
    outbuf_puts(&help, "https://github.com/hybridls/hybridls/blob/main/README.md#");
    for (const char *c = info->code; *c; c++) outbuf_putc(&help, (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c));
    jw_key(w, "helpUri"), jw_string_n(w, help.data, help.len);
    jw_key(w, "defaultConfiguration");
    jw_object_begin(w);
    jw_key(w, "level"), jw_string(w, output__sarif_level(info->default_severity));
    jw_object_end(w);
    jw_object_end(w);
  }
  jw_array_end(w);
  outbuf_deinit(&help);
}

void output_begin(OutDoc *doc, OutBuf *out, OutFormat fmt, bool color) {
  memset(doc, 0, sizeof *doc);
  doc->fmt = fmt;
  doc->color = color;
  jw_init(&doc->jw, out);
  JsonW *w = &doc->jw;
  if (fmt == OUT_JSON) {
    jw_array_begin(w);
  } else if (fmt == OUT_SARIF) {
    jw_object_begin(w);
    jw_key(w, "$schema"), jw_string(w, "https://json.schemastore.org/sarif-2.1.0.json");
    jw_key(w, "version"), jw_string(w, "2.1.0");
    jw_key(w, "runs");
    jw_array_begin(w);
    jw_object_begin(w);
    jw_key(w, "tool");
    jw_object_begin(w);
    jw_key(w, "driver");
    jw_object_begin(w);
    jw_key(w, "name"), jw_string(w, "hybridls");
    jw_key(w, "version"), jw_string(w, HYBRIDLS_VERSION);
    jw_key(w, "informationUri"), jw_string(w, "https://github.com/hybridls/hybridls");
    output__sarif_rules(w);
    jw_object_end(w);
    jw_object_end(w);
    /* Columns are code points, as in every other format; SARIF's default
     * would be UTF-16 code units. */
    jw_key(w, "columnKind"), jw_string(w, "unicodeCodePoints");
    jw_key(w, "results");
    jw_array_begin(w);
  }
}

void output_chunk(OutDoc *doc, OutBuf *out, const OutBuf *chunk) {
  if (chunk->len == 0) return;
  if (doc->fmt == OUT_JSON || doc->fmt == OUT_SARIF) {
    jw_splice(&doc->jw, chunk->data, chunk->len);
  } else {
    outbuf_put(out, chunk->data, chunk->len);
    doc->any_chunk = true;
  }
}

static void output__count(OutBuf *b, uint64_t n, const char *one, const char *many) {
  outbuf_put_u64(b, n);
  outbuf_putc(b, ' ');
  outbuf_puts(b, n == 1 ? one : many);
}

void output_end(OutDoc *doc, OutBuf *out, const OutCounts *totals, uint64_t files) {
  JsonW *w = &doc->jw;
  switch (doc->fmt) {
  case OUT_JSON:
    jw_array_end(w);
    outbuf_putc(out, '\n');
    break;
  case OUT_SARIF:
    jw_array_end(w);  /* results */
    jw_object_end(w); /* the run */
    jw_array_end(w);  /* runs */
    jw_object_end(w);
    outbuf_putc(out, '\n');
    break;
  case OUT_TEXT: {
    const uint64_t *n = totals->by_severity;
    uint64_t total = n[AN_SEV_ERROR] + n[AN_SEV_WARNING] + n[AN_SEV_INFO] + n[AN_SEV_HINT];
    if (doc->any_chunk) outbuf_putc(out, '\n');
    if (total == 0) {
      outbuf_puts(out, "All checks passed (");
      output__count(out, files, "file", "files");
      outbuf_puts(out, ").\n");
      break;
    }
    outbuf_puts(out, "Found ");
    output__count(out, total, "problem", "problems");
    outbuf_puts(out, " (");
    output__count(out, n[AN_SEV_ERROR], "error", "errors");
    outbuf_puts(out, ", ");
    output__count(out, n[AN_SEV_WARNING], "warning", "warnings");
    outbuf_puts(out, ", ");
    output__count(out, n[AN_SEV_INFO], "info", "infos");
    outbuf_puts(out, ", ");
    output__count(out, n[AN_SEV_HINT], "hint", "hints");
    outbuf_puts(out, ") in ");
    output__count(out, files, "file", "files");
    outbuf_puts(out, ".\n");
    break;
  }
  case OUT_GITHUB: break;
  }
}
