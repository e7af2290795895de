/* analysis/syntax — the Python grammar as the analysis sees it.
 *
 * AnLang maps every tree-sitter symbol id to a small enum once (all ids that
 * share a public name, aliases included, map to the same value), so the
 * walks compare integers and never strings. Field ids are looked up once too.
 * Also small node helpers used everywhere in analysis/.
 */
#ifndef HYBRIDLS_ANALYSIS_SYNTAX_H
#define HYBRIDLS_ANALYSIS_SYNTAX_H

#include <stdbool.h>
#include <stdint.h>
#include <tree_sitter/api.h>

#include "analysis/analysis.h"

#define AN_SYMBOLS(X)                                                                   \
  X(module) X(function_definition) X(decorated_definition) X(decorator) X(class_definition) \
  X(lambda) X(call) X(attribute) X(identifier) X(argument_list) X(keyword_argument)          \
  X(import_statement) X(import_from_statement) X(aliased_import) X(dotted_name)              \
  X(relative_import) X(import_prefix) X(wildcard_import) X(future_import_statement)          \
  X(assignment) X(augmented_assignment) X(expression_statement) X(for_statement)             \
  X(while_statement) X(if_statement) X(elif_clause) X(else_clause) X(with_statement)         \
  X(with_clause) X(with_item) X(try_statement) X(block) X(return_statement) X(yield)         \
  X(global_statement) X(nonlocal_statement) X(assert_statement) X(list_comprehension)        \
  X(set_comprehension) X(dictionary_comprehension) X(generator_expression) X(for_in_clause)  \
  X(if_clause) X(list_splat) X(dictionary_splat) X(comparison_operator) X(boolean_operator)  \
  X(not_operator) X(binary_operator) X(unary_operator) X(conditional_expression)             \
  X(subscript) X(slice) X(parenthesized_expression) X(tuple) X(list) X(dictionary) X(set)    \
  X(pattern_list) X(tuple_pattern) X(list_pattern) X(string) X(concatenated_string)          \
  X(integer) X(float) X(true) X(false) X(none) X(comment) X(parameters) X(lambda_parameters) \
  X(default_parameter) X(typed_parameter) X(typed_default_parameter) X(list_splat_pattern)   \
  X(dictionary_splat_pattern) X(keyword_separator) X(positional_separator) X(type)           \
  X(expression_list) X(named_expression) X(await) X(pair) X(raise_statement)                 \
  X(delete_statement) X(pass_statement) X(break_statement) X(continue_statement)             \
  X(except_clause) X(finally_clause) X(match_statement) X(interpolation) X(string_content) X(as_pattern) \
  X(ERROR)

typedef enum AnSym {
  AN_SYM_NONE = 0,
#define AN_SYM_ENUM(name) AN_SYM_##name,
  AN_SYMBOLS(AN_SYM_ENUM)
#undef AN_SYM_ENUM
  AN_SYM_COUNT
} AnSym;

#define AN_FIELDS(X)                                                                          \
  X(name) X(body) X(parameters) X(function) X(arguments) X(object) X(attribute) X(left)      \
  X(right) X(value) X(condition) X(consequence) X(alternative) X(alias) X(module_name)       \
  X(definition) X(superclasses) X(operator) X(argument) X(subscript) X(type) X(return_type)   \
  X(key)

typedef enum AnField {
#define AN_FIELD_ENUM(name) AN_FIELD_##name,
  AN_FIELDS(AN_FIELD_ENUM)
#undef AN_FIELD_ENUM
  AN_FIELD_COUNT
} AnField;

struct AnLang {
  const TSLanguage *ts;
  uint32_t symbol_count;
  uint8_t *sym_map; /* tree-sitter symbol id -> AnSym */
  TSFieldId field[AN_FIELD_COUNT];
};

static inline AnSym an_sym(const AnLang *l, TSNode n) {
  if (ts_node_is_null(n)) return AN_SYM_NONE;
  TSSymbol s = ts_node_symbol(n);
  return s < l->symbol_count ? (AnSym)l->sym_map[s] : AN_SYM_NONE;
}

/* The field's child; null for a null node (which tree-sitter would
 * dereference: a decorator under an ERROR node has no definition). */
static inline TSNode an_field(const AnLang *l, TSNode n, AnField f) {
  if (ts_node_is_null(n)) return n;
  return ts_node_child_by_field_id(n, l->field[f]);
}

/* Skips parentheses: `((x))` -> `x`. */
TSNode an_unparen(const AnLang *l, TSNode n);

/* Node text as a pointer into `src` and its length. */
static inline const char *an_text(const char *src, TSNode n, uint32_t *len) {
  uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
  *len = e - s;
  return src + s;
}

/* True when the node's text equals `s`. */
bool an_text_eq(const char *src, TSNode n, const char *s);

/* A decimal integer literal of at most six digits (`_` separators
 * allowed), in parentheses or negated with a unary `-`: true and its value
 * in *out. False for anything else, hexadecimal and longer literals
 * included, which the rules never need to read. */
bool an_int_literal(const AnLang *l, const char *src, TSNode n, int *out);

/* Plain attribute chains read off the source. tree-sitter (0.20) spends
 * hundreds of instructions on each field or child lookup, and the analysis
 * asks for the links of `tf.nn.relu` over and over; when a node has no
 * error below it and its text is ASCII identifiers joined by dots with
 * nothing between them, the grammar leaves one shape for it (attribute
 * nodes down to an identifier) and the bytes say all a walk down the
 * `object` fields would find. A head of None, True or False (their own
 * node types) does not count, nor does any other byte (whitespace,
 * comments, brackets, non-ASCII identifiers): callers then walk the tree.
 *
 * True when attribute node `n` is such a chain; *dots counts its links. */
bool an_plain_chain(const char *src, TSNode n, uint32_t *dots);

/* The i-th positional argument of a call (keyword and splat arguments
 * skipped); a null node when absent. */
TSNode an_call_arg(const AnLang *l, TSNode call, uint32_t index);
/* The value of keyword argument `name` of a call; a null node when absent. */
TSNode an_call_kwarg(const AnLang *l, const char *src, TSNode call, const char *name);
/* Keyword argument `name` of a call read as a flag: -1 when absent, 0 for
 * a literal False, 1 for a literal True, 2 for any other value. */
int an_call_bool_kwarg(const AnLang *l, const char *src, TSNode call, const char *name);
/* Number of positional arguments. */
uint32_t an_call_argc(const AnLang *l, TSNode call);
/* True when the call unpacks arguments (`*args`, `**kwargs`), or its
 * arguments are not an argument list (a lone generator expression): which
 * parameter gets what cannot be read off its children. */
bool an_call_has_splat(const AnLang *l, TSNode call);

/* Calls fn(node, ctx) for every node under root (root included) in
 * document order, iteratively; fn returns false to skip a node's children. */
typedef bool (*AnVisitFn)(TSNode node, void *ctx);
void an_walk(TSNode root, AnVisitFn fn, void *ctx);
/* As an_walk, but fn only sees named nodes: anonymous tokens (punctuation,
 * keywords) are stepped over without building a node for the visitor, and
 * their children, if any, are skipped. */
void an_walk_named(TSNode root, AnVisitFn fn, void *ctx);

#endif
