/* server/reuse — findings moved across inert edits (reuse.h). */
#include <stdint.h>
#include <string.h>

#include "server/reuse.h"

bool reuse_inert_check(void *ctx, const TSTree *tree, const char *text, uint32_t len, uint32_t start,
                       uint32_t end, uint32_t *node_start, uint32_t *node_end) {
  return an_inert_span(ctx, tree, text, len, start, end, node_start, node_end);
}

AnFindingSet *reuse_findings(const AnFindingSet *base, const Doc *doc, bool *same_lines) {
  uint32_t pre, old_end, new_end, len;
  int32_t rows;
  *same_lines = false;
  if (!base || !doc_inert_since_base(doc, &pre, &old_end, &new_end, &rows)) return NULL;
  *same_lines = rows == 0;
  if (pre == old_end && pre == new_end) /* nothing changed */
    return an_finding_set_moved(base, pre, old_end, new_end, 0, UINT32_MAX, 0);
  /* The guard: the whole lines of the change, "\n" being tree-sitter's line
   * break (the related locations count rows that way). */
  const char *text = doc_text(doc, &len);
  uint32_t gs = pre, ge = new_end;
  while (gs > 0 && text[gs - 1] != '\n') gs--;
  const char *nl = memchr(text + ge, '\n', len - ge);
  ge = nl ? (uint32_t)(nl - text) : len;
  return an_finding_set_moved(base, pre, old_end, new_end, rows, gs, ge);
}
