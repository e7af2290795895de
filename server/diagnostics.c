/* server/diagnostics — findings to LSP Diagnostic JSON (see diagnostics.h).
 *
 * All conversion goes through protocol/lsp's lsp_diagnostic_to_json so that
 * the JSON shape lives in one place; this file only maps analysis values to
 * LspDiagnostic and positions through the document's LineIndex.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "protocol/lsp.h"
#include "protocol/rpc_framer.h"
#include "server/alloc.h"
#include "server/diagnostics.h"

static LspPosition diagnostics__position(const LineIndex *li, uint32_t offset, LiEncoding enc) {
  LspPosition pos;
  line_index_position(li, offset, enc, &pos.line, &pos.character);
  return pos;
}

static LspRange diagnostics__range(const LineIndex *li, uint32_t start, uint32_t end, LiEncoding enc) {
  LspRange r;
  r.start = diagnostics__position(li, start, enc);
  r.end = diagnostics__position(li, end < start ? start : end, enc);
  return r;
}

/* The related locations of `f` as LspRelated values; the URIs of other
 * files are allocated into `uris` (release with rpc_free()). Returns the
 * count. */
static size_t diagnostics__related(const AnFinding *f, const Doc *doc, LiEncoding enc, LspRelated *out,
                                   char **uris) {
  size_t n = 0;
  for (uint32_t i = 0; i < f->related_count; i++) {
    const AnRelated *r = &f->related[i];
    uris[i] = NULL;
    if (r->path) {
      uris[i] = lsp_path_to_uri(r->path);
      if (!uris[i]) continue;
      LspPosition at = {r->line, r->column};
      out[n] = (LspRelated){uris[i], {at, at}, r->message ? r->message : ""};
    } else {
      out[n] = (LspRelated){doc_uri(doc), diagnostics__range(doc_lines(doc), r->start, r->end, enc),
                            r->message ? r->message : ""};
    }
    n++;
  }
  return n;
}

static json_t *diagnostics__one(const AnFinding *f, const Doc *doc, LiEncoding enc, bool related) {
  const AnRuleInfo *info = an_rule_info(f->rule);
  char href[128];
  char code_lower[16] = "";
  const char *code = info ? info->code : "HY000";
  size_t k = 0;
  for (; code[k] && k + 1 < sizeof code_lower; k++) code_lower[k] = (char)tolower((unsigned char)code[k]);
  code_lower[k] = '\0';
  snprintf(href, sizeof href, "%s%s", DIAGNOSTICS_DOC_URL, code_lower);

  LspDiagnostic d = {
      .range = diagnostics__range(doc_lines(doc), f->start, f->end, enc),
      .severity = (int)f->severity,
      .code = code,
      .code_href = href,
      .source = "hybridls",
      .message = f->message ? f->message : "",
      .tags = f->tags,
  };
  LspRelated *rel = NULL;
  char **uris = NULL;
  if (related && f->related_count > 0) {
    rel = hl_calloc(f->related_count, sizeof *rel);
    uris = hl_calloc(f->related_count, sizeof *uris);
    d.related = rel;
    d.related_count = diagnostics__related(f, doc, enc, rel, uris);
  }
  json_t *out = lsp_diagnostic_to_json(&d);
  for (uint32_t i = 0; uris && i < f->related_count; i++) rpc_free(uris[i]);
  hl_free(uris);
  hl_free(rel);
  if (!out) {
    fputs("hybridls: out of memory\n", stderr);
    exit(70);
  }
  return out;
}

json_t *diagnostics_from_finding(const AnFinding *f, const Doc *doc, LiEncoding enc, bool related) {
  return diagnostics__one(f, doc, enc, related);
}

json_t *diagnostics_from_model(const AnModel *model, const Doc *doc, LiEncoding enc, bool related) {
  uint32_t count = 0;
  const AnFinding *findings = model ? an_model_findings(model, &count) : NULL;
  return diagnostics_from_findings(findings, count, doc, enc, related);
}

json_t *diagnostics_from_findings(const AnFinding *findings, uint32_t count, const Doc *doc, LiEncoding enc,
                                  bool related) {
  json_t *items = json_array();
  for (uint32_t i = 0; i < count; i++) {
    if (findings[i].severity == AN_SEV_OFF) continue;
    json_array_append_new(items, diagnostics__one(&findings[i], doc, enc, related));
  }
  return items;
}

json_t *diagnostics_publish_params(const char *uri, const int64_t *version, json_t *items) {
  json_t *params = json_object();
  json_object_set_new(params, "uri", json_string(uri));
  if (version) json_object_set_new(params, "version", json_integer((json_int_t)*version));
  json_object_set(params, "diagnostics", items);
  return params;
}
