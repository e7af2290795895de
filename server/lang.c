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
#include <string.h>

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

typedef struct HlParseInput {
  const char *text;
  uint32_t len;
} HlParseInput;

/* Length of the well-formed UTF-8 sequence at `p` (Unicode's strict rules:
 * no overlongs, no surrogates, nothing above U+10FFFF), or 0 when the byte
 * there does not start one. NUL counts as not well formed here. */
static uint32_t hl__utf8_len(const unsigned char *p, uint32_t avail) {
  unsigned char c = p[0];
  if (c == 0) return 0;
  if (c < 0x80) return 1;
  uint32_t n;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (avail < n || p[1] < lo || p[1] > hi) return 0;
  for (uint32_t i = 2; i < n; i++)
    if (p[i] < 0x80 || p[i] > 0xBF) return 0;
  return n;
}

/* Hands tree-sitter the text itself up to the next byte that is not part of
 * well-formed UTF-8 (NUL included), and such a byte as one 0x01 byte: the
 * runtime's lexer decodes those bytes differently in incremental and fresh
 * parses. Chunks are at most 4 KiB so each call scans a bounded amount. */
static const char *hl__parse_read(void *payload, uint32_t byte, TSPoint point, uint32_t *bytes_read) {
  static const char substitute[1] = {0x01};
  const HlParseInput *in = payload;
  (void)point;
  if (byte >= in->len) {
    *bytes_read = 0;
    return "";
  }
  const unsigned char *at = (const unsigned char *)in->text + byte;
  uint32_t avail = in->len - byte, limit = avail < 4096 ? avail : 4096, n = 0;
  while (n < limit) {
    if (at[n] < 0x80 && at[n] != 0) {
      n++;
      continue;
    }
    uint32_t k = hl__utf8_len(at + n, avail - n);
    if (!k) break;
    n += k;
  }
  if (n == 0) {
    *bytes_read = 1;
    return substitute;
  }
  *bytes_read = n;
  return (const char *)at;
}

/* Well-formed sequences from p[i] on, while i < end and then over any
 * continuation bytes (which must complete a sequence begun before). */
static bool hl__valid_run(const unsigned char *p, uint32_t i, uint32_t len, uint32_t end) {
  while (i < len && (i < end || (p[i] & 0xC0) == 0x80)) {
    if (p[i] < 0x80 && p[i] != 0) {
      i++;
      continue;
    }
    uint32_t k = hl__utf8_len(p + i, len - i);
    if (!k) return false;
    i += k;
  }
  return true;
}

bool hl_text_well_formed(const char *text, uint32_t len) {
  return hl__valid_run((const unsigned char *)text, 0, len, len);
}

bool hl_text_well_formed_span(const char *text, uint32_t len, uint32_t start, uint32_t end) {
  const unsigned char *p = (const unsigned char *)text;
  /* Back to the lead byte of the sequence the change may have cut. */
  uint32_t i = start < len ? start : len;
  while (i > 0 && start - i < 3 && (p[i - 1] & 0xC0) == 0x80) i--;
  if (i > 0) i--;
  return hl__valid_run(p, i, len, end);
}

TSTree *hl_parse(TSParser *parser, const TSTree *old, const char *text, uint32_t len) {
  HlParseInput in = {text, len};
  TSInput input = {&in, hl__parse_read, TSInputEncodingUTF8};
  return ts_parser_parse(parser, old, input);
}
