/* server/output — how the batch commands print: a growable byte buffer, a
 * small pretty-printing JSON writer, and the four finding formats of
 * `hybridls check` (text, json, sarif, github).
 *
 * Formatting is split so that the expensive part runs on the worker threads:
 * output_findings_chunk() renders one file's findings into that file's own
 * OutBuf (a "chunk"), and the main thread then writes the chunks in path
 * order between output_begin() and output_end(). JSON and SARIF chunks are
 * array elements written at the right indentation depth, so splicing them is
 * a plain copy plus a separating comma.
 *
 * Positions: lines are 1-based; columns are 1-based Unicode code points
 * (invalid UTF-8 bytes count as one each, as in server/line_index); ranges
 * end exclusive, so end_column is the column just after the last character.
 *
 * JSON strings are emitted as UTF-8; invalid UTF-8 in messages or paths
 * becomes U+FFFD so the output always parses.
 *
 * Memory: hl_* (OOM fatal). An OutBuf owns its bytes. Nothing here keeps
 * global state, so different buffers may be filled on different threads.
 */
#ifndef HYBRIDLS_SERVER_OUTPUT_H
#define HYBRIDLS_SERVER_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "analysis/analysis.h"
#include "server/line_index.h"

/* ---------------------------------------------------------------------------
 * Growable buffer.
 */
typedef struct OutBuf {
  char *data; /* not NUL-terminated unless outbuf_cstr() was called */
  size_t len, cap;
} OutBuf;

void outbuf_init(OutBuf *b);
void outbuf_deinit(OutBuf *b);
void outbuf_put(OutBuf *b, const char *s, size_t n);
void outbuf_puts(OutBuf *b, const char *s);
void outbuf_putc(OutBuf *b, char c);
void outbuf_printf(OutBuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void outbuf_put_u64(OutBuf *b, uint64_t v);
/* NUL-terminates (without counting the NUL in len) and returns data. */
const char *outbuf_cstr(OutBuf *b);
/* Writes the bytes to `f`; returns 0, or -1 on a write error. */
int outbuf_write(const OutBuf *b, FILE *f);

/* ---------------------------------------------------------------------------
 * JSON writer: pretty-printed with a two-space indent and "key": value pairs,
 * the layout jansson's JSON_INDENT(2) produces; empty containers print as []
 * and {}. Keys are written in call order, which keeps field order stable.
 */
enum { JW_MAX_DEPTH = 32 };

typedef struct JsonW {
  OutBuf *out;
  int depth;                      /* open containers */
  bool empty[JW_MAX_DEPTH + 1];   /* no element written yet at that depth */
  bool after_key;                 /* a key was written; the value follows */
} JsonW;

/* Writes at top level (depth 0). */
void jw_init(JsonW *w, OutBuf *out);
/* Writes elements of an array that is already open at `depth` in some other
 * writer: the first element starts with a newline, the others with ",\n".
 * Used for chunks that are spliced later with jw_splice(). */
void jw_init_elements(JsonW *w, OutBuf *out, int depth);
void jw_object_begin(JsonW *w);
void jw_object_end(JsonW *w);
void jw_array_begin(JsonW *w);
void jw_array_end(JsonW *w);
void jw_key(JsonW *w, const char *key);
void jw_string(JsonW *w, const char *s);
void jw_string_n(JsonW *w, const char *s, size_t n);
void jw_uint(JsonW *w, uint64_t v);
void jw_bool(JsonW *w, bool v);
void jw_null(JsonW *w);
/* Appends the elements of a chunk written by a jw_init_elements() writer at
 * this writer's current depth (inside an open array). */
void jw_splice(JsonW *w, const char *chunk, size_t len);

/* JSON string body (no quotes) with escapes; invalid UTF-8 -> \ufffd. */
void json_escape_to(OutBuf *b, const char *s, size_t n);

/* ---------------------------------------------------------------------------
 * Findings.
 */
typedef enum OutFormat { OUT_TEXT = 0, OUT_JSON, OUT_SARIF, OUT_GITHUB } OutFormat;

/* "text", "json", "sarif", "github" -> format; -1 for anything else. */
int output_format_parse(const char *name);

/* One file as the formatters need it. All borrowed. */
typedef struct OutFile {
  const char *path; /* display path, as given or joined */
  const char *text; /* the analysed source */
  uint32_t length;
  const LineIndex *lines; /* of exactly `text` */
} OutFile;

/* Finding counts by severity, indexed by AnSeverity (slot 0 unused). */
typedef struct OutCounts {
  uint64_t by_severity[AN_SEV_HINT + 1];
} OutCounts;

/* Renders the findings of one file (severity off is skipped) into `chunk`
 * and adds them to `counts`. `color` adds ANSI colours to the text format. */
void output_findings_chunk(OutBuf *chunk, OutFormat fmt, const OutFile *file, const AnFinding *findings,
                           uint32_t count, bool color, OutCounts *counts);

/* The whole document: output_begin(), then output_chunk() for every file in
 * order, then output_end() with the totals and the number of files checked.
 * All write to `out`. */
typedef struct OutDoc {
  OutFormat fmt;
  bool color;
  JsonW jw;            /* json and sarif */
  bool any_chunk;      /* text: some finding line was written */
} OutDoc;

void output_begin(OutDoc *doc, OutBuf *out, OutFormat fmt, bool color);
void output_chunk(OutDoc *doc, OutBuf *out, const OutBuf *chunk);
void output_end(OutDoc *doc, OutBuf *out, const OutCounts *totals, uint64_t files);

#endif
