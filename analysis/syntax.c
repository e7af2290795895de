#include <stdio.h>
#include <string.h>

#include "analysis/alloc.h"
#include "analysis/syntax.h"

static const char *const syntax__sym_names[AN_SYM_COUNT] = {
    NULL,
#define AN_SYM_NAME(name) #name,
    AN_SYMBOLS(AN_SYM_NAME)
#undef AN_SYM_NAME
};

static const char *const syntax__field_names[AN_FIELD_COUNT] = {
#define AN_FIELD_NAME(name) #name,
    AN_FIELDS(AN_FIELD_NAME)
#undef AN_FIELD_NAME
};

static void syntax__err(char *err, size_t size, const char *msg, const char *arg) {
  if (err && size) snprintf(err, size, msg, arg);
}

AnLang *an_lang_new(const TSLanguage *python, char *err, size_t err_size) {
  if (!python) {
    syntax__err(err, err_size, "%s", "no Python grammar linked");
    return NULL;
  }
  uint32_t abi = ts_language_version(python);
  if (abi < TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION || abi > TREE_SITTER_LANGUAGE_VERSION) {
    if (err && err_size)
      snprintf(err, err_size,
               "the Python grammar has ABI version %u; this tree-sitter runtime accepts %u to %u",
               abi, (unsigned)TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION,
               (unsigned)TREE_SITTER_LANGUAGE_VERSION);
    return NULL;
  }
  AnLang *l = an_malloc(sizeof *l);
  if (!l) return NULL;
  l->ts = python;
  l->symbol_count = ts_language_symbol_count(python);
  l->sym_map = an_malloc(l->symbol_count);
  if (!l->sym_map) {
    an_free(l);
    return NULL;
  }
  memset(l->sym_map, 0, l->symbol_count);
  bool found[AN_SYM_COUNT] = {false};
  for (uint32_t s = 0; s < l->symbol_count; s++) {
    TSSymbolType type = ts_language_symbol_type(python, (TSSymbol)s);
    if (type != TSSymbolTypeRegular) continue;
    const char *name = ts_language_symbol_name(python, (TSSymbol)s);
    for (int k = 1; k < AN_SYM_COUNT; k++) {
      if (strcmp(name, syntax__sym_names[k]) == 0) {
        l->sym_map[s] = (uint8_t)k;
        found[k] = true;
        break;
      }
    }
  }
  /* "ERROR" is a built-in symbol, not a regular one. */
  TSSymbol error_sym = (TSSymbol)-1;
  if (error_sym < l->symbol_count) l->sym_map[error_sym] = AN_SYM_ERROR;
  found[AN_SYM_ERROR] = true;
  for (int k = 1; k < AN_SYM_COUNT; k++) {
    if (!found[k]) {
      syntax__err(err, err_size, "the Python grammar has no node type '%s'", syntax__sym_names[k]);
      an_lang_free(l);
      return NULL;
    }
  }
  for (int f = 0; f < AN_FIELD_COUNT; f++) {
    const char *name = syntax__field_names[f];
    l->field[f] = ts_language_field_id_for_name(python, name, (uint32_t)strlen(name));
    if (!l->field[f]) {
      syntax__err(err, err_size, "the Python grammar has no field '%s'", name);
      an_lang_free(l);
      return NULL;
    }
  }
  return l;
}

void an_lang_free(AnLang *lang) {
  if (!lang) return;
  an_free(lang->sym_map);
  an_free(lang);
}

const TSLanguage *an_lang_language(const AnLang *lang) { return lang->ts; }

TSNode an_unparen(const AnLang *l, TSNode n) {
  while (an_sym(l, n) == AN_SYM_parenthesized_expression && ts_node_named_child_count(n) == 1)
    n = ts_node_named_child(n, 0);
  return n;
}

bool an_text_eq(const char *src, TSNode n, const char *s) {
  uint32_t len;
  const char *t = an_text(src, n, &len);
  return strlen(s) == len && memcmp(t, s, len) == 0;
}

bool an_call_has_splat(const AnLang *l, TSNode call) {
  TSNode args = an_field(l, call, AN_FIELD_arguments);
  if (an_sym(l, args) != AN_SYM_argument_list) return true;
  uint32_t n = ts_node_named_child_count(args);
  for (uint32_t i = 0; i < n; i++) {
    AnSym s = an_sym(l, ts_node_named_child(args, i));
    if (s == AN_SYM_list_splat || s == AN_SYM_dictionary_splat) return true;
  }
  return false;
}

bool an_int_literal(const AnLang *l, const char *src, TSNode n, int *out) {
  n = an_unparen(l, n);
  bool neg = false;
  if (an_sym(l, n) == AN_SYM_unary_operator) {
    TSNode op = an_field(l, n, AN_FIELD_operator);
    if (ts_node_is_null(op) || !an_text_eq(src, op, "-")) return false;
    neg = true;
    n = an_unparen(l, an_field(l, n, AN_FIELD_argument));
  }
  if (an_sym(l, n) != AN_SYM_integer) return false;
  uint32_t len, digits = 0;
  const char *t = an_text(src, n, &len);
  int v = 0;
  for (uint32_t i = 0; i < len; i++) {
    if (t[i] == '_' && i > 0) continue;
    if (t[i] < '0' || t[i] > '9' || ++digits > 6) return false;
    v = v * 10 + (t[i] - '0');
  }
  if (!digits) return false;
  *out = neg ? -v : v;
  return true;
}

static bool syntax__word_char(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
}

/* A chain with this head starts at a none/true/false node, not at an
 * identifier. */
static bool syntax__literal_word(const char *t, uint32_t len) {
  return (len == 4 && (memcmp(t, "None", 4) == 0 || memcmp(t, "True", 4) == 0)) ||
         (len == 5 && memcmp(t, "False", 5) == 0);
}

bool an_plain_chain(const char *src, TSNode n, uint32_t *dots) {
  uint32_t len, count = 0, head = 0;
  const char *t = an_text(src, n, &len);
  /* Every component non-empty and not starting with a digit (`1.5.hex` is
   * a float's attribute). */
  bool start = true;
  for (uint32_t i = 0; i < len; i++) {
    char ch = t[i];
    if (ch == '.') {
      if (start) return false;
      if (!count) head = i;
      count++;
      start = true;
    } else if (syntax__word_char(ch)) {
      if (start && ch >= '0' && ch <= '9') return false;
      start = false;
    } else {
      return false;
    }
  }
  if (start || !count || syntax__literal_word(t, head) || ts_node_has_error(n)) return false;
  *dots = count;
  return true;
}

TSNode an_call_arg(const AnLang *l, TSNode call, uint32_t index) {
  TSNode args = an_field(l, call, AN_FIELD_arguments);
  TSNode none = {{0}, NULL, NULL};
  if (ts_node_is_null(args) || an_sym(l, args) != AN_SYM_argument_list) return none;
  uint32_t n = ts_node_named_child_count(args), k = 0;
  for (uint32_t i = 0; i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    AnSym s = an_sym(l, a);
    if (s == AN_SYM_keyword_argument || s == AN_SYM_list_splat || s == AN_SYM_dictionary_splat ||
        s == AN_SYM_comment)
      continue;
    if (k++ == index) return a;
  }
  return none;
}

uint32_t an_call_argc(const AnLang *l, TSNode call) {
  TSNode args = an_field(l, call, AN_FIELD_arguments);
  if (ts_node_is_null(args) || an_sym(l, args) != AN_SYM_argument_list) return 0;
  uint32_t n = ts_node_named_child_count(args), k = 0;
  for (uint32_t i = 0; i < n; i++) {
    AnSym s = an_sym(l, ts_node_named_child(args, i));
    if (s != AN_SYM_keyword_argument && s != AN_SYM_list_splat && s != AN_SYM_dictionary_splat &&
        s != AN_SYM_comment)
      k++;
  }
  return k;
}

int an_call_bool_kwarg(const AnLang *l, const char *src, TSNode call, const char *name) {
  TSNode v = an_call_kwarg(l, src, call, name);
  if (ts_node_is_null(v)) return -1;
  AnSym s = an_sym(l, an_unparen(l, v));
  return s == AN_SYM_true ? 1 : s == AN_SYM_false ? 0 : 2;
}

TSNode an_call_kwarg(const AnLang *l, const char *src, TSNode call, const char *name) {
  TSNode args = an_field(l, call, AN_FIELD_arguments);
  TSNode none = {{0}, NULL, NULL};
  if (ts_node_is_null(args) || an_sym(l, args) != AN_SYM_argument_list) return none;
  uint32_t n = ts_node_named_child_count(args);
  for (uint32_t i = 0; i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    if (an_sym(l, a) != AN_SYM_keyword_argument) continue;
    TSNode k = an_field(l, a, AN_FIELD_name);
    if (!ts_node_is_null(k) && an_text_eq(src, k, name)) return an_field(l, a, AN_FIELD_value);
  }
  return none;
}

/* Moves the cursor to the next node in document order whose subtree has not
 * been skipped; `depth` counts levels below the walk's root so the walk ends
 * on returning to it without comparing nodes. False when the walk is over. */
static bool syntax__advance(TSTreeCursor *c, uint32_t *depth, bool descend) {
  if (descend && ts_tree_cursor_goto_first_child(c)) {
    ++*depth;
    return true;
  }
  while (*depth) {
    if (ts_tree_cursor_goto_next_sibling(c)) return true;
    ts_tree_cursor_goto_parent(c);
    --*depth;
  }
  return false;
}

void an_walk(TSNode root, AnVisitFn fn, void *ctx) {
  TSTreeCursor c = ts_tree_cursor_new(root);
  uint32_t depth = 0;
  bool descend = fn(root, ctx);
  while (syntax__advance(&c, &depth, descend)) descend = fn(ts_tree_cursor_current_node(&c), ctx);
  ts_tree_cursor_delete(&c);
}

void an_walk_named(TSNode root, AnVisitFn fn, void *ctx) {
  TSTreeCursor c = ts_tree_cursor_new(root);
  uint32_t depth = 0;
  bool descend = ts_node_is_named(root) && fn(root, ctx);
  while (syntax__advance(&c, &depth, descend)) {
    TSNode n = ts_tree_cursor_current_node(&c);
    descend = ts_node_is_named(n) && fn(n, ctx);
  }
  ts_tree_cursor_delete(&c);
}
