/* analysis/inert — text whose change cannot change any finding.
 *
 * The analysis reads comments only for suppressions and never reads the
 * contents of a bare string statement (a docstring). So a change inside a
 * comment without a suppression marker, or inside the contents of a
 * docstring, leaves every finding as it was, only moved. The server uses
 * this to answer such edits without analysing the file again
 * (server/reuse.c); tests/unit/test_reuse.c checks the claim against full
 * analyses over every fixture.
 *
 * Messages quote the first line of nodes (an_snippet, an_loop_header), and
 * a first line can end in a trailing comment or start a one-line docstring;
 * so only a comment alone on its line, or a docstring that has its lines to
 * itself, qualifies.
 */
#include <string.h>

#include "analysis/analysis.h"
#include "analysis/syntax.h"

/* Only blanks between the start of the line and `at`. */
static bool inert__line_starts_at(const char *text, uint32_t at) {
  while (at > 0 && text[at - 1] != '\n') {
    char c = text[at - 1];
    if (c != ' ' && c != '\t' && c != '\f') return false;
    at--;
  }
  return true;
}

/* Only blanks between `at` and the end of the line. */
static bool inert__line_ends_at(const char *text, uint32_t len, uint32_t at) {
  for (; at < len && text[at] != '\n'; at++) {
    char c = text[at];
    if (c != ' ' && c != '\t' && c != '\f' && c != '\r') return false;
  }
  return true;
}

static bool inert__has_ci(const char *s, uint32_t len, const char *word) {
  size_t wl = strlen(word);
  for (uint32_t i = 0; i + wl <= len; i++) {
    size_t k = 0;
    while (k < wl && (s[i + k] | 0x20) == word[k]) k++;
    if (k == wl) return true;
  }
  return false;
}

/* A comment that is not (and does not look like) a suppression. */
static bool inert__comment(const char *text, uint32_t len, TSNode c, uint32_t start, uint32_t end) {
  uint32_t cs = ts_node_start_byte(c), ce = ts_node_end_byte(c);
  if (start <= cs || end > ce) return false; /* the `#` itself stays */
  if (!inert__line_starts_at(text, cs)) return false;
  return !inert__has_ci(text + cs, ce - cs, "hybridls") && !inert__has_ci(text + cs, ce - cs, "noqa") &&
         inert__line_ends_at(text, len, ce);
}

/* The contents of a plain string that is a statement by itself. */
static bool inert__docstring(const AnLang *l, const char *text, uint32_t len, TSNode content, uint32_t start,
                             uint32_t end) {
  if (start < ts_node_start_byte(content) || end > ts_node_end_byte(content)) return false;
  TSNode str = ts_node_parent(content);
  TSNode stmt = ts_node_parent(str);
  if (an_sym(l, str) != AN_SYM_string || an_sym(l, stmt) != AN_SYM_expression_statement) return false;
  if (ts_node_named_child_count(stmt) != 1) return false;
  uint32_t contents = 0;
  for (uint32_t i = 0, n = ts_node_named_child_count(str); i < n; i++) {
    AnSym s = an_sym(l, ts_node_named_child(str, i));
    if (s == AN_SYM_interpolation) return false;
    if (s == AN_SYM_string_content) contents++;
  }
  return contents == 1 && inert__line_starts_at(text, ts_node_start_byte(stmt)) &&
         inert__line_ends_at(text, len, ts_node_end_byte(stmt));
}

bool an_inert_span(const AnLang *lang, const TSTree *tree, const char *text, uint32_t len, uint32_t start,
                   uint32_t end, uint32_t *node_start, uint32_t *node_end) {
  if (!lang || !tree || start > end || end > len) return false;
  TSNode root = ts_tree_root_node(tree);
  TSNode n = ts_node_descendant_for_byte_range(root, start, end);
  if (ts_node_is_null(n) || ts_node_has_error(n)) return false;
  AnSym s = an_sym(lang, n);
  bool inert = s == AN_SYM_comment ? inert__comment(text, len, n, start, end)
               : s == AN_SYM_string_content ? inert__docstring(lang, text, len, n, start, end)
                                            : false;
  if (!inert) return false;
  /* The statement of a docstring: its string token changes size too. */
  TSNode whole = s == AN_SYM_comment ? n : ts_node_parent(ts_node_parent(n));
  if (node_start) *node_start = ts_node_start_byte(whole);
  if (node_end) *node_end = ts_node_end_byte(whole);
  return true;
}
