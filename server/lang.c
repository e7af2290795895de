/* server/lang — the grammars compiled into the binary and the check that
 * they load into the linked tree-sitter runtime.
 *
 * The grammar objects (build/grammars/{python,toml}_{parser,scanner}.o, built
 * from the pinned npm tarballs) are linked into every binary; the languages
 * returned here are immutable after their first use and safe to share
 * between threads.
 *
 * The Python language is a patched copy of tree_sitter_python(). The
 * grammar's external scanner (tree-sitter-python 0.23.6, scanner.c) does not
 * reset its `inside_f_string` flag when tree-sitter asks it to restore the
 * empty state (deserialize with length 0): it resets the indent and
 * delimiter stacks only. The flag then leaks from one token to a later one,
 * so an incremental reparse (and even a fresh parse with a parser that parsed
 * an f-string before) can differ from a fresh parse: about 1 reparse in 200
 * in the property test of tests/unit/test_doc.c, valid programs reported
 * with syntax errors. The copy routes the empty state through the scanner's
 * own serialized form of its initial state instead: {inside_f_string = 0,
 * delimiter count = 0, no indents beyond the implicit 0}. The TSLanguage
 * layout of the runtime headers and of the grammar's generated parser.h are
 * the same (ABI 14).
 */
#include <pthread.h>
#include <stdio.h>

#include <tree_sitter/api.h>
#include <tree_sitter/parser.h>

#include "server/lang.h"

extern const TSLanguage *tree_sitter_python(void);
extern const TSLanguage *tree_sitter_toml(void);

static TSLanguage hl__python;
static void (*hl__python_deserialize)(void *, const char *, unsigned);
static pthread_once_t hl__python_once = PTHREAD_ONCE_INIT;

static void hl__python_scanner_deserialize(void *payload, const char *buffer, unsigned length) {
  static const char initial_state[2] = {0, 0};
  if (length == 0) {
    buffer = initial_state;
    length = sizeof initial_state;
  }
  hl__python_deserialize(payload, buffer, length);
}

static void hl__python_init(void) {
  hl__python = *tree_sitter_python();
  hl__python_deserialize = hl__python.external_scanner.deserialize;
  if (hl__python_deserialize)
    hl__python.external_scanner.deserialize = hl__python_scanner_deserialize;
}

const TSLanguage *hl_python_language(void) {
  pthread_once(&hl__python_once, hl__python_init);
  return &hl__python;
}

const TSLanguage *hl_toml_language(void) { return tree_sitter_toml(); }

int hl_language_check(const TSLanguage *lang, const char *name, char *err, size_t err_size) {
  if (!lang) {
    if (err && err_size) snprintf(err, err_size, "grammar '%s' is not linked in", name);
    return -1;
  }
  uint32_t abi = ts_language_version(lang);
  if (abi >= TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION && abi <= TREE_SITTER_LANGUAGE_VERSION)
    return 0;
  if (err && err_size)
    snprintf(err, err_size, "grammar '%s' has ABI %u; this tree-sitter runtime accepts %d to %d",
             name, (unsigned)abi, TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION,
             TREE_SITTER_LANGUAGE_VERSION);
  return -1;
}
