/* protocol/lsp — LSP value types and converters between JSON and C structs.
 *
 * Readers validate as they convert and report the exact field that was wrong
 * ("textDocument.uri: expected a string"), which the server turns into an
 * InvalidParams reply. Writers return new references. Includes only jansson
 * and the C library; allocates JSON through jansson and every other buffer
 * through the protocol allocator (rpc_set_allocator in rpc_framer.h).
 * Nothing here keeps state, so every function may be called from any thread.
 */
#ifndef HYBRIDLS_PROTOCOL_LSP_H
#define HYBRIDLS_PROTOCOL_LSP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct LspPosition {
  uint32_t line, character;
} LspPosition;

typedef struct LspRange {
  LspPosition start, end;
} LspRange;

/* Error of a reader: which field and why, as "<path>: <reason>", or just
 * "<reason>" when the value read was `obj` itself (empty path). */
typedef struct LspError {
  char message[256];
  size_t path_len; /* private: length of the "<path>" part, 0 when none */
} LspError;

/* ---------------------------------------------------------------------------
 * Readers.
 *
 * `path` leads from `obj` to the field: member names separated by '.', each
 * optionally followed by array indices ("textDocument.uri",
 * "contentChanges[0].range", "[2]" for element 2 of an array `obj`). An empty
 * path means `obj` itself. `obj` may be NULL (absent params), which reads as
 * an object without members.
 *
 * Each returns 0, or -1 and fills err (which may be NULL) with the exact
 * field and the reason. The reasons are:
 *   "missing"                         the field (or the first missing
 *                                     member on the way to it) is absent,
 *                                     e.g. "textDocument: missing";
 *   "expected an object"              a member on the way, or the value, is
 *                                     not an object ("textDocument: ...");
 *   "expected an array", "expected a string", "expected an integer",
 *   "expected a non-negative integer", "expected a boolean";
 *   "expected a string without NUL characters" (lsp_get_string only);
 *   "invalid path" (a malformed `path`: a bug in the caller).
 * A JSON null counts as present for lsp_get and as the wrong type for the
 * typed readers. Out-parameters are borrowed from the JSON value (valid while
 * it lives) and are written only on success.
 *
 * Optional readers (lsp_opt_*) return 1 when the field is absent or null,
 * or when a member on the way to it is absent or null, and leave *out
 * untouched; a value of the wrong type is still -1.
 *
 * Array elements: read the array, then call the readers on each element with
 * the element's own relative paths and, on failure, add the element's
 * position in front with lsp_error_prefix:
 *
 *     if (lsp_get_range(change, "range", &r, err) < 0) {
 *       lsp_error_prefix(err, "contentChanges[%zu]", i);  // now
 *       // "contentChanges[0].range.start.character: expected a non-negative integer"
 *     }
 */
int lsp_get(json_t *obj, const char *path, json_t **out, LspError *err);
int lsp_get_object(json_t *obj, const char *path, json_t **out, LspError *err);
int lsp_get_array(json_t *obj, const char *path, json_t **out, LspError *err);
/* Rejects strings containing NUL bytes (they would be truncated as C
 * strings); use lsp_get_stringn for text that may contain them. */
int lsp_get_string(json_t *obj, const char *path, const char **out, LspError *err);
/* Any string; *out is NUL-terminated and *len is its full byte length. */
int lsp_get_stringn(json_t *obj, const char *path, const char **out, size_t *len, LspError *err);
int lsp_get_int(json_t *obj, const char *path, int64_t *out, LspError *err);
/* A non-negative integer; values above UINT32_MAX saturate to UINT32_MAX
 * (positions beyond a document clamp anyway). */
int lsp_get_uint(json_t *obj, const char *path, uint32_t *out, LspError *err);
int lsp_get_bool(json_t *obj, const char *path, bool *out, LspError *err);
/* {line, character}, both lsp_get_uint; errors name the member
 * ("position.line: expected a non-negative integer"). */
int lsp_get_position(json_t *obj, const char *path, LspPosition *out, LspError *err);
/* {start, end} positions ("range.end.character: ..."). start <= end is not
 * checked: callers clamp. */
int lsp_get_range(json_t *obj, const char *path, LspRange *out, LspError *err);
int lsp_opt_string(json_t *obj, const char *path, const char **out, LspError *err);
int lsp_opt_stringn(json_t *obj, const char *path, const char **out, size_t *len, LspError *err);
int lsp_opt_int(json_t *obj, const char *path, int64_t *out, LspError *err);
int lsp_opt_bool(json_t *obj, const char *path, bool *out, LspError *err);
int lsp_opt_object(json_t *obj, const char *path, json_t **out, LspError *err);
int lsp_opt_array(json_t *obj, const char *path, json_t **out, LspError *err);
/* *present (may be NULL) is set to whether a range was read. */
int lsp_opt_range(json_t *obj, const char *path, LspRange *out, bool *present, LspError *err);

/* Puts a field path in front of err's message, so an error found inside an
 * element reads from the enclosing value: "range: missing" becomes
 * "contentChanges[0].range: missing", "[1]: ..." becomes "items[1]: ...",
 * and a bare "expected an object" becomes "contentChanges[0]: expected an
 * object". printf-style; err NULL is a no-op. The message is truncated to
 * fit. */
void lsp_error_prefix(LspError *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sets err to "<path>: <reason>" (or "<reason>" when path is empty or NULL),
 * for checks the readers cannot express ("range: start is after end").
 * printf-style reason; err NULL is a no-op. Returns -1 so a reader-like
 * function can `return lsp_error_setf(...)`. */
int lsp_error_setf(LspError *err, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---------------------------------------------------------------------------
 * Writers (new references; NULL only on allocation failure or when a
 * required string is NULL). Strings may be any bytes: invalid UTF-8 is
 * replaced by U+FFFD (see rpc_string_lossy).
 */
json_t *lsp_position_to_json(LspPosition pos);
json_t *lsp_range_to_json(LspRange range);
/* {uri, range}; NULL when uri is NULL. */
json_t *lsp_location_to_json(const char *uri, LspRange range);

typedef struct LspRelated {
  const char *uri;
  LspRange range;
  const char *message;
} LspRelated;

typedef struct LspDiagnostic {
  LspRange range;
  int severity;          /* 1 error .. 4 hint; 0 omits "severity" */
  const char *code;      /* "HY201"; NULL omits "code" */
  const char *code_href; /* codeDescription.href, may be NULL */
  const char *source;    /* "hybridls"; NULL omits "source" */
  const char *message;   /* required */
  unsigned tags;         /* bit 0: Unnecessary (1), bit 1: Deprecated (2) */
  const LspRelated *related;
  size_t related_count;  /* written only when > 0 */
  json_t *data;          /* borrowed; copied into the diagnostic when non-NULL */
} LspDiagnostic;

/* {"range","severity","code","codeDescription":{"href"},"source","message",
 * "tags":[1,2],"relatedInformation":[{"location":{"uri","range"},"message"}],
 * "data"}, in that order, each optional member written only when set as
 * described in LspDiagnostic. NULL when d or d->message is NULL, or a related
 * entry has a NULL uri or message. */
json_t *lsp_diagnostic_to_json(const LspDiagnostic *d);

/* TextEdit {range, newText}; NULL when new_text is NULL. */
json_t *lsp_text_edit_to_json(LspRange range, const char *new_text);

/* ---------------------------------------------------------------------------
 * file:// URIs <-> paths. Results come from the protocol allocator: release
 * them with rpc_free() (plain free() as long as the default allocator is in
 * place).
 *
 * lsp_uri_to_path accepts "file:///p", "file://localhost/p" and "file:/p"
 * (scheme in any case), percent-decodes the path ("file:///a%20b.py" gives
 * "/a b.py") and ignores a query or fragment. NULL for another scheme, another
 * host, an empty path, a malformed or NUL-producing %-escape, or on
 * allocation failure.
 *
 * lsp_path_to_uri takes an absolute path and keeps '/' and the unreserved
 * characters (A-Z a-z 0-9 - . _ ~); every other byte, including space, '%',
 * '#', '?', ':' and non-ASCII bytes, becomes %XX with upper-case hex (as VS
 * Code writes URIs). NULL for a relative path or on allocation failure.
 */
char *lsp_uri_to_path(const char *uri);
char *lsp_path_to_uri(const char *path);

#endif
