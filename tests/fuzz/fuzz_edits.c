/* tests/fuzz/fuzz_edits — random edit sequences through the document store
 * (server/doc.h), checked after every step against a from-scratch parse and
 * analysis (style.md 4.8 item 5).
 *
 * The input is a program: its first byte picks a starting text (one of the
 * snippets below), then each step reads an operation:
 *   - an incremental change: position encoding (UTF-8, UTF-16, UTF-32), a
 *     start and end position (lines and characters, sometimes far out of
 *     range or reversed, which the document clamps), and replacement bytes
 *     taken from the input (any bytes: invalid UTF-8, NUL, lone CR) or from
 *     the snippet pool;
 *   - a batch of two or three such changes before one reparse;
 *   - a full-text replacement;
 *   - an undo of the previous incremental change (its inverse, expressed
 *     through positions computed in the current text);
 *   - a version bump, forward or backward.
 * A shadow copy of the text receives the same changes (its byte range found
 * through a LineIndex built fresh for it). After every step the document
 * must hold exactly the shadow's bytes, its line index must describe them,
 * its incremental tree must equal a fresh parse node for node (kind, bytes,
 * points), and the findings and functions of an analysis over the
 * incremental tree must equal those over the fresh tree. The model attached
 * to the previous version must be gone after a change. Any mismatch aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "server/doc.h"
#include "server/lang.h"
#include "server/line_index.h"

static const char *const fuzz_edits__pool[] = {
    "import tensorflow as tf\n\n@tf.function\ndef f(x, n):\n    print(x)\n    return x + n\n\nfor i in range(3):\n    f(1.0, i)\n",
    "import tensorflow as tf\nclass M(tf.keras.Model):\n    def call(self, x):\n        self.n += 1\n        return x.numpy()\n",
    "s = f\"{a!r:>{w}} {'\\n'.join(b)}\"\nt = f'''x{y}'''\n",
    "def g(\r\n    a,\r\n    b):\r\n    return [a,\r b]\r\n",
    "x = '\xf0\x9f\x98\x80\xe2\x82\xac\xc3\xa9' # \xf0\x90\x80\x80\n\ty = (1,\n",
    "@tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])\ndef h(v):\n    if v > 0:\n        return v\n",
    "",
    "\xff\xfe\x00\x80 if ( [ { lambda : yield from\n",
    "g = tf.function(lambda x: x * 2)\nfor _ in range(2):\n    step = tf.function(f)\n",
    "    \n\t\n  def\n",
};
#define FUZZ_EDITS_POOL (sizeof fuzz_edits__pool / sizeof fuzz_edits__pool[0])

typedef struct FuzzReader {
  const uint8_t *p;
  size_t n;
} FuzzReader;

static unsigned fuzz_edits__byte(FuzzReader *r) {
  if (!r->n) return 0;
  r->n--;
  return *r->p++;
}

/* A line or character: usually small, sometimes beyond any text. */
static uint32_t fuzz_edits__coord(FuzzReader *r) {
  unsigned b = fuzz_edits__byte(r);
  if (b == 255) return UINT32_MAX;
  if (b >= 240) return 1000u + (b - 240) * 100000u;
  return b % 40;
}

typedef struct FuzzShadow {
  char *text;
  uint32_t len;
} FuzzShadow;

static AnLang *fuzz_edits__lang;
static TSParser *fuzz_edits__parser, *fuzz_edits__fresh_parser;

void fuzz_edits_reset(void) {
  an_lang_free(fuzz_edits__lang);
  if (fuzz_edits__parser) ts_parser_delete(fuzz_edits__parser);
  if (fuzz_edits__fresh_parser) ts_parser_delete(fuzz_edits__fresh_parser);
  fuzz_edits__lang = NULL;
  fuzz_edits__parser = fuzz_edits__fresh_parser = NULL;
}

/* Prints the document as a C string literal (NUL and other bytes escaped),
 * ready to paste into a regression test. */
static void fuzz_edits__fail(const char *what, const Doc *doc) {
  uint32_t len = 0;
  const char *text = doc ? doc_text(doc, &len) : "";
  fprintf(stderr, "fuzz_edits: %s\n--- document (%u bytes) ---\n\"", what, len);
  for (uint32_t i = 0; i < len && i < 4096; i++) {
    unsigned char ch = (unsigned char)text[i];
    if (ch == '\n') fputs("\\n\"\n\"", stderr);
    else if (ch == '"' || ch == '\\') fprintf(stderr, "\\%c", ch);
    else if (ch >= 0x20 && ch < 0x7f) fputc(ch, stderr);
    else fprintf(stderr, "\\x%02x\"\"", ch);
  }
  fputs("\"\n", stderr);
  abort();
}

/* With FUZZ_EDITS_TRACE set, every document operation is printed as the
 * C call that repeats it, so a failing input becomes a regression test. */
static void fuzz_edits__trace_bytes(const char *t, uint32_t n) {
  fputc('"', stderr);
  for (uint32_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)t[i];
    if (ch == '"' || ch == '\\') fprintf(stderr, "\\%c", ch);
    else if (ch >= 0x20 && ch < 0x7f) fputc(ch, stderr);
    else fprintf(stderr, "\\x%02x\"\"", ch);
  }
  fprintf(stderr, "\", %u", n);
}

static void fuzz_edits__trace(const DocRange *r, const char *t, uint32_t n, LiEncoding enc) {
  if (!getenv("FUZZ_EDITS_TRACE")) return;
  if (r)
    fprintf(stderr, "doc_apply_change(doc, &(DocRange){%uu, %uu, %uu, %uu}, ", r->start_line, r->start_character,
            r->end_line, r->end_character);
  else
    fputs("doc_apply_change(doc, NULL, ", stderr);
  fuzz_edits__trace_bytes(t, n);
  fprintf(stderr, ", %s);\n", enc == LI_UTF8 ? "LI_UTF8" : enc == LI_UTF16 ? "LI_UTF16" : "LI_UTF32");
}

static void fuzz_edits__shadow_splice(FuzzShadow *s, const DocRange *range, const char *ins, uint32_t n,
                                      LiEncoding enc) {
  uint32_t a = 0, z = s->len;
  if (range) {
    LineIndex *li = line_index_new(s->text, s->len);
    a = line_index_offset(li, range->start_line, range->start_character, enc);
    z = line_index_offset(li, range->end_line, range->end_character, enc);
    line_index_free(li);
    if (z < a) {
      uint32_t t = a;
      a = z;
      z = t;
    }
  }
  char *next = malloc((size_t)s->len - (z - a) + n + 1);
  memcpy(next, s->text, a);
  memcpy(next + a, ins, n);
  memcpy(next + a + n, s->text + z, s->len - z);
  s->len = s->len - (z - a) + n;
  next[s->len] = '\0';
  free(s->text);
  s->text = next;
}

static void fuzz_edits__compare_trees(const Doc *doc, TSTree *fresh) {
  TSTree *tree = doc_tree(doc);
  if (!tree) fuzz_edits__fail("no tree after reparse", doc);
  TSTreeCursor a = ts_tree_cursor_new(ts_tree_root_node(tree));
  TSTreeCursor b = ts_tree_cursor_new(ts_tree_root_node(fresh));
  for (;;) {
    TSNode na = ts_tree_cursor_current_node(&a), nb = ts_tree_cursor_current_node(&b);
    TSPoint as = ts_node_start_point(na), bs = ts_node_start_point(nb);
    TSPoint ae = ts_node_end_point(na), be = ts_node_end_point(nb);
    if (ts_node_symbol(na) != ts_node_symbol(nb) || ts_node_start_byte(na) != ts_node_start_byte(nb) ||
        ts_node_end_byte(na) != ts_node_end_byte(nb) || as.row != bs.row || as.column != bs.column ||
        ae.row != be.row || ae.column != be.column || ts_node_is_missing(na) != ts_node_is_missing(nb)) {
      fprintf(stderr, "incremental node %s [%u, %u) vs fresh %s [%u, %u)\n", ts_node_type(na),
              ts_node_start_byte(na), ts_node_end_byte(na), ts_node_type(nb), ts_node_start_byte(nb),
              ts_node_end_byte(nb));
      fuzz_edits__fail("incremental tree differs from a fresh parse", doc);
    }
    bool down = ts_tree_cursor_goto_first_child(&a);
    if (down != ts_tree_cursor_goto_first_child(&b)) fuzz_edits__fail("tree shapes differ", doc);
    if (down) continue;
    bool done = false;
    for (;;) {
      bool next = ts_tree_cursor_goto_next_sibling(&a);
      if (next != ts_tree_cursor_goto_next_sibling(&b)) fuzz_edits__fail("tree shapes differ", doc);
      if (next) break;
      bool up = ts_tree_cursor_goto_parent(&a);
      if (up != ts_tree_cursor_goto_parent(&b)) fuzz_edits__fail("tree shapes differ", doc);
      if (!up) {
        done = true;
        break;
      }
    }
    if (done) break;
  }
  ts_tree_cursor_delete(&a);
  ts_tree_cursor_delete(&b);
}

static bool fuzz_edits__same_str(const char *a, const char *b) {
  return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

static void fuzz_edits__compare_models(const Doc *doc, const AnModel *inc, const AnModel *fresh) {
  uint32_t n1 = 0, n2 = 0;
  const AnFinding *a = an_model_findings(inc, &n1), *b = an_model_findings(fresh, &n2);
  if (n1 != n2) fuzz_edits__fail("incremental findings differ in number from a fresh analysis", doc);
  for (uint32_t i = 0; i < n1; i++) {
    if (a[i].rule != b[i].rule || a[i].severity != b[i].severity || a[i].start != b[i].start ||
        a[i].end != b[i].end || a[i].tags != b[i].tags || !fuzz_edits__same_str(a[i].message, b[i].message) ||
        a[i].related_count != b[i].related_count || a[i].fix_count != b[i].fix_count)
      fuzz_edits__fail("an incremental finding differs from a fresh analysis", doc);
    for (uint32_t r = 0; r < a[i].related_count; r++)
      if (a[i].related[r].start != b[i].related[r].start || a[i].related[r].end != b[i].related[r].end ||
          !fuzz_edits__same_str(a[i].related[r].message, b[i].related[r].message))
        fuzz_edits__fail("related information differs from a fresh analysis", doc);
    for (uint32_t x = 0; x < a[i].fix_count; x++) {
      const AnFix *fa = &a[i].fixes[x], *fb = &b[i].fixes[x];
      if (fa->edit_count != fb->edit_count || fa->safe != fb->safe || !fuzz_edits__same_str(fa->title, fb->title))
        fuzz_edits__fail("a fix differs from a fresh analysis", doc);
      for (uint32_t e = 0; e < fa->edit_count; e++)
        if (fa->edits[e].start != fb->edits[e].start || fa->edits[e].end != fb->edits[e].end ||
            !fuzz_edits__same_str(fa->edits[e].text, fb->edits[e].text))
          fuzz_edits__fail("a fix edit differs from a fresh analysis", doc);
    }
  }
  const AnFunctionInfo *fa = an_model_functions(inc, &n1), *fb = an_model_functions(fresh, &n2);
  if (n1 != n2) fuzz_edits__fail("function lists differ", doc);
  for (uint32_t i = 0; i < n1; i++)
    if (strcmp(fa[i].name, fb[i].name) != 0 || fa[i].start != fb[i].start || fa[i].end != fb[i].end ||
        fa[i].hybrid != fb[i].hybrid || fa[i].graph_mode != fb[i].graph_mode)
      fuzz_edits__fail("a function differs from a fresh analysis", doc);
}

static int fuzz_edits__models_freed;
static void fuzz_edits__free_model(void *model) {
  fuzz_edits__models_freed++;
  an_model_free(model);
}

/* Everything a step must leave true. Attaches the incremental model to the
 * document, so the next change must drop it. */
static void fuzz_edits__check(Doc *doc, const FuzzShadow *shadow) {
  uint32_t len = 0;
  const char *text = doc_text(doc, &len);
  if (len != shadow->len || memcmp(text, shadow->text, len) != 0 || text[len] != '\0')
    fuzz_edits__fail("text differs from the same edits applied to a copy", doc);

  const LineIndex *li = doc_lines(doc);
  LineIndex *fresh_li = line_index_new(text, len);
  uint32_t lines = line_index_line_count(fresh_li);
  if (line_index_line_count(li) != lines) fuzz_edits__fail("line index out of date", doc);
  for (uint32_t l = 0; l < lines; l++)
    if (line_index_line_start(li, l) != line_index_line_start(fresh_li, l) ||
        line_index_line_end(li, l) != line_index_line_end(fresh_li, l))
      fuzz_edits__fail("line index out of date", doc);
  line_index_free(fresh_li);

  TSTree *fresh = hl_parse(fuzz_edits__fresh_parser, NULL, text, len);
  if (!fresh) fuzz_edits__fail("fresh parse failed", doc);
  fuzz_edits__compare_trees(doc, fresh);

  AnConfig cfg;
  an_config_init(&cfg);
  AnSource src = {.lang = fuzz_edits__lang, .text = text, .length = len, .tree = doc_tree(doc), .path = "/w/m.py"};
  AnModel *inc = an_model_build(&src, &cfg, NULL);
  src.tree = fresh;
  AnModel *ref = an_model_build(&src, &cfg, NULL);
  if (!inc || !ref) fuzz_edits__fail("an_model_build returned NULL", doc);
  fuzz_edits__compare_models(doc, inc, ref);
  an_model_free(ref);
  ts_tree_delete(fresh);
  doc_set_model(doc, inc, fuzz_edits__free_model);
}

typedef struct FuzzUndo {
  bool valid;
  uint32_t start, len; /* bytes of the inserted text in the current document */
  char *removed;
  uint32_t removed_len;
} FuzzUndo;

/* Reads and applies one incremental change; records how to undo it. */
static void fuzz_edits__change(FuzzReader *r, Doc *doc, FuzzShadow *shadow, FuzzUndo *undo) {
  unsigned head = fuzz_edits__byte(r);
  LiEncoding enc = (LiEncoding)(head % 3);
  DocRange range = {fuzz_edits__coord(r), fuzz_edits__coord(r), fuzz_edits__coord(r), fuzz_edits__coord(r)};
  const char *ins;
  uint32_t n;
  if (head & 8) {
    const char *snippet = fuzz_edits__pool[(head >> 4) % FUZZ_EDITS_POOL];
    uint32_t slen = (uint32_t)strlen(snippet);
    uint32_t from = slen ? fuzz_edits__byte(r) % slen : 0;
    ins = snippet + from;
    n = (uint32_t)(fuzz_edits__byte(r) % (slen - from + 1));
  } else {
    n = fuzz_edits__byte(r) % 24;
    if (n > r->n) n = (uint32_t)r->n;
    ins = (const char *)r->p;
    r->p += n;
    r->n -= n;
  }
  /* The undo record: the removed bytes, found as the shadow finds them. */
  LineIndex *li = line_index_new(shadow->text, shadow->len);
  uint32_t a = line_index_offset(li, range.start_line, range.start_character, enc);
  uint32_t z = line_index_offset(li, range.end_line, range.end_character, enc);
  line_index_free(li);
  if (z < a) {
    uint32_t t = a;
    a = z;
    z = t;
  }
  free(undo->removed);
  undo->removed = malloc(z - a + 1);
  memcpy(undo->removed, shadow->text + a, z - a);
  undo->removed_len = z - a;
  undo->start = a;
  undo->len = n;
  undo->valid = true;

  fuzz_edits__trace(&range, ins, n, enc);
  doc_apply_change(doc, &range, ins, n, enc);
  if (doc_model(doc) != NULL) fuzz_edits__fail("the previous version's model survived a change", doc);
  fuzz_edits__shadow_splice(shadow, &range, ins, n, enc);
}

int fuzz_edits_one(const uint8_t *data, size_t size) {
  if (!fuzz_edits__lang) {
    char err[256];
    fuzz_edits__lang = an_lang_new(hl_python_language(), err, sizeof err);
    if (!fuzz_edits__lang) {
      fprintf(stderr, "fuzz_edits: %s\n", err);
      abort();
    }
    fuzz_edits__parser = ts_parser_new();
    fuzz_edits__fresh_parser = ts_parser_new();
    ts_parser_set_language(fuzz_edits__parser, hl_python_language());
    ts_parser_set_language(fuzz_edits__fresh_parser, hl_python_language());
  }
  FuzzReader r = {data, size};
  const char *initial = fuzz_edits__pool[fuzz_edits__byte(&r) % FUZZ_EDITS_POOL];
  FuzzShadow shadow = {NULL, (uint32_t)strlen(initial)};
  shadow.text = malloc(shadow.len + 1);
  memcpy(shadow.text, initial, shadow.len + 1);
  if (getenv("FUZZ_EDITS_TRACE")) {
    fputs("Doc *doc = doc_new(\"file:///w/m.py\", ", stderr);
    fuzz_edits__trace_bytes(shadow.text, shadow.len);
    fputs(", 1, parser);\n", stderr);
  }
  Doc *doc = doc_new("file:///w/m.py", shadow.text, shadow.len, 1, fuzz_edits__parser);
  fuzz_edits__check(doc, &shadow);
  FuzzUndo undo = {0};

  for (int step = 0; step < 48 && r.n > 0 && shadow.len < 65536; step++) {
    unsigned op = fuzz_edits__byte(&r) % 8;
    if (op <= 3) {
      fuzz_edits__change(&r, doc, &shadow, &undo);
    } else if (op == 4) {
      unsigned k = 2 + fuzz_edits__byte(&r) % 2;
      for (unsigned i = 0; i < k; i++) fuzz_edits__change(&r, doc, &shadow, &undo);
      undo.valid = false; /* only a single change is undone */
    } else if (op == 5) {
      const char *t = fuzz_edits__pool[fuzz_edits__byte(&r) % FUZZ_EDITS_POOL];
      fuzz_edits__trace(NULL, t, (uint32_t)strlen(t), LI_UTF16);
      doc_apply_change(doc, NULL, t, (uint32_t)strlen(t), LI_UTF16);
      if (doc_model(doc) != NULL) fuzz_edits__fail("the previous version's model survived a change", doc);
      fuzz_edits__shadow_splice(&shadow, NULL, t, (uint32_t)strlen(t), LI_UTF16);
      undo.valid = false;
    } else if (op == 6) {
      if (!undo.valid) continue;
      /* The inverse change, as a client computes it: positions of the
       * inserted bytes in the current text. */
      LiEncoding enc = (LiEncoding)(fuzz_edits__byte(&r) % 3);
      LineIndex *li = line_index_new(shadow.text, shadow.len);
      DocRange range;
      line_index_position(li, undo.start, enc, &range.start_line, &range.start_character);
      line_index_position(li, undo.start + undo.len, enc, &range.end_line, &range.end_character);
      uint32_t back_a = line_index_offset(li, range.start_line, range.start_character, enc);
      uint32_t back_z = line_index_offset(li, range.end_line, range.end_character, enc);
      line_index_free(li);
      /* Offsets inside a character or a CRLF have no position of their
       * own; undo only what positions can express exactly. */
      if (back_a != undo.start || back_z != undo.start + undo.len) {
        undo.valid = false;
        continue;
      }
      fuzz_edits__trace(&range, undo.removed, undo.removed_len, enc);
      doc_apply_change(doc, &range, undo.removed, undo.removed_len, enc);
      fuzz_edits__shadow_splice(&shadow, &range, undo.removed, undo.removed_len, enc);
      undo.valid = false;
    } else {
      int64_t current = doc_version(doc);
      int64_t want = current + (int64_t)(fuzz_edits__byte(&r) % 5) - 2;
      bool moved = doc_set_version(doc, want);
      if (moved != (want > current) || doc_version(doc) != (moved ? want : current))
        fuzz_edits__fail("versions must only move forward", doc);
      continue;
    }
    if (getenv("FUZZ_EDITS_TRACE")) fputs("doc_reparse(doc, parser);\n", stderr);
    doc_reparse(doc, fuzz_edits__parser);
    fuzz_edits__check(doc, &shadow);
  }
  int before = fuzz_edits__models_freed;
  doc_free(doc);
  if (fuzz_edits__models_freed != before + 1) fuzz_edits__fail("doc_free did not free the model", NULL);
  free(undo.removed);
  free(shadow.text);
  return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return fuzz_edits_one(data, size); }
#endif
