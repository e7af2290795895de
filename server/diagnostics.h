/* server/diagnostics — analysis findings as LSP diagnostics.
 *
 * Converts the findings of one analysed document version into the JSON the
 * protocol carries: byte ranges become positions in the negotiated encoding
 * through the document's LineIndex, rule ids become codes ("HY201") with a
 * link to their documentation, and related locations become
 * relatedInformation when the client supports it.
 *
 * Includes jansson, analysis/analysis.h and server/doc.h. Pure: no I/O.
 * Results are new references (jansson's convention).
 */
#ifndef HYBRIDLS_SERVER_DIAGNOSTICS_H
#define HYBRIDLS_SERVER_DIAGNOSTICS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "analysis/analysis.h"
#include "server/doc.h"
#include "server/line_index.h"

/* Base of codeDescription.href; the lower-case rule code is the anchor. */
#define DIAGNOSTICS_DOC_URL "https://github.com/hybridls/hybridls/blob/main/README.md#"

/* The Diagnostic[] of `model`, which analysed the current text of `doc`.
 * relatedInformation is written only when `related` is true and a finding
 * has related locations. New reference. */
json_t *diagnostics_from_model(const AnModel *model, const Doc *doc, LiEncoding enc, bool related);

/* The same for findings kept apart from their model (an AnFindingSet),
 * whose offsets are in the current text of `doc`. New reference. */
json_t *diagnostics_from_findings(const AnFinding *findings, uint32_t count, const Doc *doc, LiEncoding enc,
                                  bool related);

/* The Diagnostic of one finding of `model` (as diagnostics_from_model
 * writes it), for code actions that carry the diagnostic they fix. New
 * reference. */
json_t *diagnostics_from_finding(const AnFinding *f, const Doc *doc, LiEncoding enc, bool related);

/* PublishDiagnosticsParams {uri, version?, diagnostics}. `version` may be
 * NULL (no version, as after didClose); `items` is borrowed. New reference. */
json_t *diagnostics_publish_params(const char *uri, const int64_t *version, json_t *items);

#endif
