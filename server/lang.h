/* server/lang — the grammars compiled into the binary (from the pinned npm
 * tarballs) and the one-time check that they load into this tree-sitter
 * runtime. */
#ifndef HYBRIDLS_SERVER_LANG_H
#define HYBRIDLS_SERVER_LANG_H

#include <stdbool.h>
#include <stddef.h>
#include <tree_sitter/api.h>

const TSLanguage *hl_python_language(void);
const TSLanguage *hl_toml_language(void);

/* Returns 0 when `lang` can be loaded by the linked runtime, else -1 with a
 * one-line message in err ("grammar 'python' has ABI 15; this tree-sitter
 * runtime accepts 13 to 14"). */
int hl_language_check(const TSLanguage *lang, const char *name, char *err, size_t err_size);

/* Parses `text` (incrementally from `old`, which may be NULL) with `parser`.
 * Every parse of Python source in the server goes through here: bytes that
 * are not part of well-formed UTF-8, and NUL, are presented to tree-sitter as
 * 0x01, since the runtime (and the grammar's scanner for NUL) lexes them
 * differently in incremental and fresh parses, which the edit fuzzer found;
 * byte offsets are unchanged (such bytes are invalid in Python source either
 * way). New tree, or NULL when the parser has no language. */
TSTree *hl_parse(TSParser *parser, const TSTree *old, const char *text, uint32_t len);

/* True when `text` is well-formed UTF-8 without NUL bytes. tree-sitter
 * 0.20.7's incremental reparse can disagree with a fresh parse around other
 * bytes (found by the edit fuzzer), so documents holding any are reparsed
 * from scratch. */
bool hl_text_well_formed(const char *text, uint32_t len);
/* The same for a text whose bytes outside [start, end) were well-formed
 * before those bytes replaced others: checks only the change and the
 * sequences it may have cut, a few bytes either side. */
bool hl_text_well_formed_span(const char *text, uint32_t len, uint32_t start, uint32_t end);

#endif
