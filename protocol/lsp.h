/* protocol/lsp — LSP value types and converters between JSON and C structs.
 *
 * Readers validate as they convert and report the exact field that was wrong
 * ("textDocument.uri: expected a string"), which the server turns into an
 * InvalidParams reply. Writers return new references. Includes only jansson.
 */
#ifndef HYBRIDLS_PROTOCOL_LSP_H
#define HYBRIDLS_PROTOCOL_LSP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct LspPosition {
  uint32_t line, character;
} LspPosition;

typedef struct LspRange {
  LspPosition start, end;
} LspRange;

/* Error of a reader: which field and why. */
typedef struct LspError {
  char message[256];
} LspError;

/* Readers. `path` is a dotted path from `obj` ("textDocument.uri",
 * "contentChanges"); an empty path means `obj` itself. Each returns 0, or -1
 * and fills err with "<path>: <reason>". Out-parameters are borrowed from the
 * JSON value. Optional readers return 1 when the field is absent or null and
 * leave *out untouched. */
int lsp_get(json_t *obj, const char *path, json_t **out, LspError *err);
int lsp_get_object(json_t *obj, const char *path, json_t **out, LspError *err);
int lsp_get_array(json_t *obj, const char *path, json_t **out, LspError *err);
int lsp_get_string(json_t *obj, const char *path, const char **out, LspError *err);
int lsp_get_int(json_t *obj, const char *path, int64_t *out, LspError *err);
int lsp_get_uint(json_t *obj, const char *path, uint32_t *out, LspError *err);
int lsp_get_bool(json_t *obj, const char *path, bool *out, LspError *err);
int lsp_get_position(json_t *obj, const char *path, LspPosition *out, LspError *err);
int lsp_get_range(json_t *obj, const char *path, LspRange *out, LspError *err);
int lsp_opt_string(json_t *obj, const char *path, const char **out, LspError *err);
int lsp_opt_int(json_t *obj, const char *path, int64_t *out, LspError *err);
int lsp_opt_bool(json_t *obj, const char *path, bool *out, LspError *err);
int lsp_opt_object(json_t *obj, const char *path, json_t **out, LspError *err);
int lsp_opt_array(json_t *obj, const char *path, json_t **out, LspError *err);
int lsp_opt_range(json_t *obj, const char *path, LspRange *out, bool *present, LspError *err);

/* Writers (new references). */
json_t *lsp_position_to_json(LspPosition pos);
json_t *lsp_range_to_json(LspRange range);
json_t *lsp_location_to_json(const char *uri, LspRange range);

typedef struct LspRelated {
  const char *uri;
  LspRange range;
  const char *message;
} LspRelated;

typedef struct LspDiagnostic {
  LspRange range;
  int severity;          /* 1 error .. 4 hint */
  const char *code;      /* "HY201" */
  const char *code_href; /* codeDescription.href, may be NULL */
  const char *source;    /* "hybridls" */
  const char *message;
  unsigned tags;         /* bit 0: Unnecessary (1), bit 1: Deprecated (2) */
  const LspRelated *related;
  size_t related_count;  /* written only when > 0 */
  json_t *data;          /* borrowed; copied into the diagnostic when non-NULL */
} LspDiagnostic;

json_t *lsp_diagnostic_to_json(const LspDiagnostic *d);

/* TextEdit {range, newText}. */
json_t *lsp_text_edit_to_json(LspRange range, const char *new_text);

/* file:// URIs <-> paths. Percent-decodes/encodes. Return malloc'd strings
 * (free()), or NULL when the URI is not a file URI or on failure. */
char *lsp_uri_to_path(const char *uri);
char *lsp_path_to_uri(const char *path);

#endif
