/* server/doc — one open document: text, line index and incremental parse.
 *
 * A change is applied in four steps: the LSP range becomes byte offsets
 * through the current LineIndex (clamped), the buffer is spliced in place
 * (its capacity doubles, so typing is amortised O(1) besides the memmove of
 * the tail), the old tree is told about the edit (ts_tree_edit), and the
 * LineIndex is rebuilt for the new text. doc_reparse() then parses once per
 * batch, reusing the edited old tree.
 *
 * Points. tree-sitter counts rows by "\n" alone and columns in bytes, whatever
 * the line terminators of LSP say (a lone "\r" does not start a row for it).
 * The points of a TSInputEdit must be in that same model, or the extents of
 * the reused subtrees would stop matching a fresh parse, so they are computed
 * here from the bytes, not taken from the LineIndex.
 *
 * Nothing recurses, and the text may contain NUL bytes: it is always handled
 * with its length (the trailing NUL is only a convenience for callers).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/alloc.h"
#include "server/doc.h"
#include "server/lang.h"

struct Doc {
  char *uri;
  char *text;      /* len bytes plus a NUL */
  uint32_t len;
  size_t cap;      /* bytes allocated for text, >= len + 1 */
  int64_t version;
  TSTree *tree;    /* NULL only when a parse failed */
  LineIndex *lines;
  bool dirty;      /* no tree for the current text (changed, or trimmed) */
  bool well_formed; /* hl_text_well_formed(text, len), kept up to date */
  void *model;
  void (*model_free)(void *);
  /* Changes since doc_mark_base(): bytes [edit_pre, base_len - edit_suf) of
   * the base text are [edit_pre, len - edit_suf) now. `inert` while each
   * change passed the check; `pending` bytes [pend_start, pend_end) still
   * need it on the next tree. */
  bool base_set, inert, pending;
  uint32_t base_len, edit_pre, edit_suf, pend_start, pend_end;
  uint32_t pend_node_start, pend_node_end; /* the comment or docstring, after the change */
  int64_t edit_rows; /* rows ("\n") the changes added, negative when removed */
  DocInertFn inert_fn;
  void *inert_ctx;
};

static void doc__drop_model(Doc *doc) {
  if (doc->model && doc->model_free) doc->model_free(doc->model);
  doc->model = NULL;
  doc->model_free = NULL;
}

/* Makes room for `need` bytes of text plus the NUL. */
static void doc__reserve(Doc *doc, uint32_t need) {
  size_t want = (size_t)need + 1;
  if (doc->cap >= want) return;
  size_t cap = doc->cap ? doc->cap : 64;
  while (cap < want) cap *= 2;
  doc->text = hl_realloc(doc->text, cap);
  doc->cap = cap;
}

static void doc__set_text(Doc *doc, const char *text, uint32_t len) {
  doc__reserve(doc, len);
  if (len) memcpy(doc->text, text, len);
  doc->text[len] = '\0';
  doc->len = len;
}

static void doc__reindex(Doc *doc) {
  line_index_free(doc->lines);
  doc->lines = line_index_new(doc->text, doc->len);
  doc->well_formed = hl_text_well_formed(doc->text, doc->len);
}

/* The point reached from `p` after the bytes s[0..n), in tree-sitter's model:
 * each "\n" starts a row, columns are bytes. */
static TSPoint doc__advance(TSPoint p, const char *s, uint32_t n) {
  if (n == 0) return p;
  const char *end = s + n;
  const char *last_nl = NULL;
  for (const char *q = s; q < end;) {
    const char *nl = memchr(q, '\n', (size_t)(end - q));
    if (!nl) break;
    p.row++;
    last_nl = nl;
    q = nl + 1;
  }
  if (last_nl)
    p.column = (uint32_t)(end - (last_nl + 1));
  else
    p.column += n;
  return p;
}

Doc *doc_new(const char *uri, const char *text, uint32_t len, int64_t version, TSParser *parser) {
  Doc *doc = hl_calloc(1, sizeof *doc);
  doc->uri = hl_strdup(uri);
  doc__set_text(doc, text, len);
  doc->version = version;
  doc->lines = line_index_new(doc->text, doc->len);
  doc->well_formed = hl_text_well_formed(doc->text, doc->len);
  doc->dirty = true;
  doc_reparse(doc, parser);
  return doc;
}

void doc_free(Doc *doc) {
  if (!doc) return;
  doc__drop_model(doc);
  if (doc->tree) ts_tree_delete(doc->tree);
  line_index_free(doc->lines);
  hl_free(doc->text);
  hl_free(doc->uri);
  hl_free(doc);
}

/* Before the change of bytes [start, end) into `len` bytes: the envelope
 * grows over it, and the change is inert only as the first of its batch on
 * a current tree (a later one would be checked against a stale tree). */
static void doc__track(Doc *doc, uint32_t start, uint32_t end, uint32_t len) {
  if (!doc->base_set) return;
  uint32_t ns = 0, ne = 0;
  bool inert = doc->inert && !doc->dirty && doc->tree && doc->inert_fn &&
               doc->inert_fn(doc->inert_ctx, doc->tree, doc->text, doc->len, start, end, &ns, &ne);
  if (start < doc->edit_pre) doc->edit_pre = start;
  if (doc->len - end < doc->edit_suf) doc->edit_suf = doc->len - end;
  doc->inert = inert;
  doc->pending = inert;
  doc->pend_start = start;
  doc->pend_end = start + len;
  doc->pend_node_start = ns;
  doc->pend_node_end = ne - (end - start) + len; /* where it must end after the change */
}

void doc_apply_change(Doc *doc, const DocRange *range, const char *text, uint32_t len, LiEncoding enc) {
  if (!range) doc->inert = doc->pending = false;
  doc__drop_model(doc);
  if (!range) {
    doc->dirty = true;
    /* A new text shares nothing with the old tree: parse from scratch. */
    if (doc->tree) ts_tree_delete(doc->tree);
    doc->tree = NULL;
    doc__set_text(doc, text, len);
    doc__reindex(doc);
    return;
  }

  uint32_t start = line_index_offset(doc->lines, range->start_line, range->start_character, enc);
  uint32_t end = line_index_offset(doc->lines, range->end_line, range->end_character, enc);
  if (end < start) { /* a reversed range from a client: take the span between */
    uint32_t t = start;
    start = end;
    end = t;
  }
  uint32_t removed = end - start;
  if (len > UINT32_MAX - 1 - (doc->len - removed)) {
    /* The text length is a uint32_t everywhere (tree-sitter's too). */
    fputs("hybridls: out of memory\n", stderr);
    exit(70);
  }
  uint32_t new_len = doc->len - removed + len;
  doc__track(doc, start, end, len);
  doc->dirty = true;

  /* Points come from the old text, before the splice. */
  TSPoint start_point = doc__advance((TSPoint){0, 0}, doc->text, start);
  TSPoint old_end_point = doc__advance(start_point, doc->text + start, removed);
  TSPoint new_end_point = doc__advance(start_point, text, len);
  doc->edit_rows += (int64_t)new_end_point.row - (int64_t)old_end_point.row;

  doc__reserve(doc, new_len);
  memmove(doc->text + start + len, doc->text + end, doc->len - end);
  if (len) memcpy(doc->text + start, text, len);
  doc->len = new_len;
  doc->text[new_len] = '\0';

  if (doc->tree) {
    TSInputEdit edit = {
        .start_byte = start,
        .old_end_byte = end,
        .new_end_byte = start + len,
        .start_point = start_point,
        .old_end_point = old_end_point,
        .new_end_point = new_end_point,
    };
    ts_tree_edit(doc->tree, &edit);
  }
  /* Both follow the change instead of scanning the whole text: typing in a
   * large file must not cost its size. */
  line_index_edit(doc->lines, doc->text, doc->len, start, end, start + len);
  doc->well_formed = doc->well_formed ? hl_text_well_formed_span(doc->text, doc->len, start, start + len)
                                      : hl_text_well_formed(doc->text, doc->len);
}

/* The pending change in the new tree: inert there too, in a comment or
 * docstring statement that starts and ends where the old one did (moved by
 * the change). The bytes outside it are the old ones, and a statement that
 * ends where it ended leaves the lexer where it was, so the rest of the tree
 * is the old one: a typed quote or backslash that ends a string elsewhere
 * moves that end. */
static bool doc__inert_after(Doc *doc) {
  uint32_t ns, ne;
  return doc->inert_fn(doc->inert_ctx, doc->tree, doc->text, doc->len, doc->pend_start, doc->pend_end, &ns, &ne) &&
         ns == doc->pend_node_start && ne == doc->pend_node_end;
}

void doc_reparse(Doc *doc, TSParser *parser) {
  if (!doc->dirty) return;
  /* Incremental only for well-formed text: around other bytes the runtime's
   * incremental reparse can disagree with a fresh parse (lang.h). */
  const TSTree *old = doc->tree && doc->well_formed ? doc->tree : NULL;
  TSTree *tree = hl_parse(parser, old, doc->text, doc->len);
  /* NULL means the parser has no language (or was cancelled): keep the
   * edited old tree and stay dirty, so the next call tries again. */
  if (!tree) return;
  if (doc->tree) ts_tree_delete(doc->tree);
  doc->tree = tree;
  if (doc->pending) doc->inert = doc__inert_after(doc);
  doc->pending = false;
  doc->dirty = false;
}

void doc_trim(Doc *doc) {
  doc__drop_model(doc);
  doc->inert = doc->pending = false;
  if (doc->tree) ts_tree_delete(doc->tree);
  doc->tree = NULL;
  doc->dirty = true;
  if (doc->cap > (size_t)doc->len + 1) {
    doc->cap = (size_t)doc->len + 1;
    doc->text = hl_realloc(doc->text, doc->cap);
    doc__reindex(doc); /* the index borrows the text, which may have moved */
  }
}

bool doc_set_version(Doc *doc, int64_t version) {
  if (version <= doc->version) return false;
  doc->version = version;
  return true;
}

const char *doc_uri(const Doc *doc) { return doc->uri; }

const char *doc_text(const Doc *doc, uint32_t *len) {
  if (len) *len = doc->len;
  return doc->text;
}

int64_t doc_version(const Doc *doc) { return doc->version; }

TSTree *doc_tree(const Doc *doc) { return doc->tree; }

const LineIndex *doc_lines(const Doc *doc) { return doc->lines; }

void doc_set_model(Doc *doc, void *model, void (*free_fn)(void *)) {
  if (model != doc->model) doc__drop_model(doc);
  doc->model = model;
  doc->model_free = free_fn;
}

void *doc_model(const Doc *doc) { return doc->model; }

void doc_set_inert_check(Doc *doc, DocInertFn fn, void *ctx) {
  doc->inert_fn = fn;
  doc->inert_ctx = ctx;
}

void doc_mark_base(Doc *doc) {
  doc->base_set = true;
  doc->inert = !doc->dirty && doc->tree;
  doc->pending = false;
  doc->base_len = doc->len;
  doc->edit_pre = doc->edit_suf = doc->len;
  doc->edit_rows = 0;
}

bool doc_inert_since_base(const Doc *doc, uint32_t *pre, uint32_t *old_end, uint32_t *new_end, int32_t *rows) {
  if (!doc->base_set || !doc->inert || doc->dirty || doc->pending) return false;
  if (doc->edit_rows < INT32_MIN || doc->edit_rows > INT32_MAX) return false;
  *rows = (int32_t)doc->edit_rows;
  if (doc->edit_pre == doc->base_len && doc->edit_suf == doc->base_len) { /* nothing changed */
    *pre = *old_end = *new_end = doc->len;
    return doc->len == doc->base_len;
  }
  *pre = doc->edit_pre;
  *old_end = doc->base_len - doc->edit_suf;
  *new_end = doc->len - doc->edit_suf;
  return *old_end >= *pre && *new_end >= *pre;
}
