/* server/lang — the grammars compiled into the binary (from the pinned npm
 * tarballs) and the one-time check that they load into this tree-sitter
 * runtime. */
#ifndef HYBRIDLS_SERVER_LANG_H
#define HYBRIDLS_SERVER_LANG_H

#include <stddef.h>
#include <tree_sitter/api.h>

const TSLanguage *hl_python_language(void);
const TSLanguage *hl_toml_language(void);

/* Returns 0 when `lang` can be loaded by the linked runtime, else -1 with a
 * one-line message in err ("grammar 'python' has ABI 15; this tree-sitter
 * runtime accepts 13 to 14"). */
int hl_language_check(const TSLanguage *lang, const char *name, char *err, size_t err_size);

#endif
