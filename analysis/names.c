/* What names mean in a module: imports resolved to canonical dotted paths,
 * builtins unless shadowed, and module names of files. */
#include <string.h>

#include "analysis/model.h"

/* Spellings of the same API, rewritten to one canonical prefix. Order
 * matters: longer prefixes first. */
static const struct {
  const char *from, *to;
} names__rewrites[] = {
    {"tensorflow.python.eager.polymorphic_function.polymorphic_function", "tensorflow"},
    {"tensorflow.python.eager.def_function", "tensorflow"},
    /* The generated API package, imported directly for IDE completion. */
    {"tensorflow._api.v2.compat.v1", "tensorflow"},
    {"tensorflow._api.v2.compat.v2", "tensorflow"},
    {"tensorflow.compat.v2", "tensorflow"},
    {"tensorflow.compat.v1", "tensorflow"},
    {"tensorflow.keras", "keras"},
    {"tensorflow.python.keras", "keras"},
    {"tf_keras", "keras"},
    {"keras.api._v2.keras", "keras"},
};

/* One pass, no strlen: rules test every call's name against prefix tables,
 * and most names differ from a prefix in the first bytes. */
bool an_dotted_has_prefix(const char *dotted, const char *prefix) {
  while (*prefix && *dotted == *prefix) {
    dotted++;
    prefix++;
  }
  return *prefix == '\0' && (*dotted == '\0' || *dotted == '.');
}

static bool names__prefix_n(const char *s, size_t len, const char *prefix) {
  size_t n = strlen(prefix);
  return len >= n && memcmp(s, prefix, n) == 0 && (len == n || s[n] == '.');
}

const char *an_canonical(AnArena *a, const char *dotted, size_t len) {
  for (size_t i = 0; i < sizeof names__rewrites / sizeof names__rewrites[0]; i++) {
    const char *from = names__rewrites[i].from;
    if (names__prefix_n(dotted, len, from)) {
      size_t flen = strlen(from);
      const char *to = names__rewrites[i].to;
      return an_arena_cat(a, to, strlen(to), dotted + flen, strnlen(dotted + flen, len - flen), "", 0);
    }
  }
  return an_arena_strndup(a, dotted, len);
}

/* Builtins by canonical name. The table is read-only and its strings are
 * what names__identifier returns, so a builtin's name costs no arena bytes
 * however often it is looked up. */
static const char *const names__builtins[] = {
    "builtins.abs", "builtins.all", "builtins.any", "builtins.bool", "builtins.breakpoint",
    "builtins.dict", "builtins.enumerate", "builtins.exec", "builtins.eval", "builtins.filter",
    "builtins.float", "builtins.getattr", "builtins.hasattr", "builtins.input", "builtins.int",
    "builtins.isinstance", "builtins.iter", "builtins.len", "builtins.list", "builtins.map",
    "builtins.max", "builtins.min", "builtins.next", "builtins.open", "builtins.print",
    "builtins.range", "builtins.repr", "builtins.reversed", "builtins.round", "builtins.set",
    "builtins.setattr", "builtins.sorted", "builtins.str", "builtins.sum", "builtins.super",
    "builtins.tuple", "builtins.type", "builtins.zip", NULL,
};

/* The canonical name of builtin `name`, or NULL. Most names looked up are
 * not builtins: the first letter rules out nearly all entries. */
static const char *names__builtin(const char *name, uint32_t len) {
  for (int i = 0; names__builtins[i]; i++) {
    const char *b = names__builtins[i] + 9;
    if (b[0] == name[0] && strlen(b) == len && memcmp(b, name, len) == 0) return names__builtins[i];
  }
  return NULL;
}

static bool names__bound_in(AnModel *m, int func, const char *name, uint32_t len) {
  for (int f = func; f >= 0; f = AN_FUNC(m, f)->parent) {
    AnFunc *fn = AN_FUNC(m, f);
    for (uint32_t i = 0; i < fn->param_count; i++)
      if (strlen(fn->params[i].name) == len && memcmp(fn->params[i].name, name, len) == 0) return true;
    if (an_hash_get(&m->binding_map, f, name, len) >= 0) return true;
    if (an_hash_get(&m->func_map, f, name, len) >= 0) return true;
  }
  return false;
}

bool an_name_shadowed(AnModel *m, const char *name, int func) {
  uint32_t len = (uint32_t)strlen(name);
  if (names__bound_in(m, func, name, len)) return true;
  if (an_hash_get(&m->import_map, -1, name, len) >= 0) return true;
  return an_hash_get(&m->module_names, -1, name, len) != -1;
}

/* Canonical target of a bare name, or NULL. */
static const char *names__identifier(AnModel *m, const char *t, uint32_t len, int func) {
  if (names__bound_in(m, func, t, len)) return NULL;
  int imp = an_hash_get(&m->import_map, -1, t, len);
  if (imp >= 0) {
    /* A module-level assignment of the same name after the import (`tf =
     * shim`) makes its meaning unknowable statically. */
    if (an_hash_get(&m->module_names, -1, t, len) != -1) return NULL;
    return AN_VEC_AT(m->imports, AnImport, imp).target;
  }
  if (an_hash_get(&m->module_names, -1, t, len) != -1) return NULL;
  return len ? names__builtin(t, len) : NULL;
}

/* Links of an attribute chain an_dotted follows: no API name comes near,
 * and a generated `a.b.c...` of 100,000 links must cost neither stack nor
 * time quadratic in its length. */
#define NAMES_MAX_LINKS 64

/* Joins `attr` to the dotted name `base` of the object it is read from
 * (NULL when that has none), as the recursion `an_dotted(obj) + "." +
 * attr` would. */
static const char *names__link(AnModel *m, const char *base, const char *at, uint32_t alen) {
  if (!base || strncmp(base, "builtins.", 9) == 0) return NULL;
  size_t blen = strlen(base);
  char *joined = an_arena_cat(&m->arena, base, blen, ".", 1, at, strnlen(at, alen));
  if (!joined) return NULL;
  /* Re-canonicalise: `tf.compat.v1.x` only becomes canonical once joined. */
  if (names__prefix_n(joined, blen + 1 + alen, "tensorflow.compat") ||
      names__prefix_n(joined, blen + 1 + alen, "tensorflow.keras") ||
      names__prefix_n(joined, blen + 1 + alen, "tensorflow.python"))
    return an_canonical(&m->arena, joined, blen + 1 + alen);
  return joined;
}

/* an_dotted of a chain an_plain_chain accepted, from its text alone. */
static const char *names__plain_chain(AnModel *m, TSNode expr, uint32_t dots, int func) {
  if (dots > NAMES_MAX_LINKS) return NULL;
  uint32_t len;
  const char *t = an_text(m->src, expr, &len);
  const char *dot = memchr(t, '.', len);
  const char *base = names__identifier(m, t, (uint32_t)(dot - t), func);
  while (base && dot) {
    const char *at = dot + 1;
    dot = memchr(at, '.', len - (uint32_t)(at - t));
    base = names__link(m, base, at, (uint32_t)((dot ? dot : t + len) - at));
  }
  return base;
}

const char *an_dotted(AnModel *m, TSNode expr, int func) {
  const AnLang *l = m->lang;
  expr = an_unparen(l, expr);
  AnSym s = an_sym(l, expr);
  uint32_t dots;
  if (s == AN_SYM_attribute && an_plain_chain(m->src, expr, &dots)) return names__plain_chain(m, expr, dots, func);
  /* Down the chain to its head, keeping the attributes, then back up
   * joining them as the recursion `an_dotted(obj) + "." + attr` would. */
  TSNode attrs[NAMES_MAX_LINKS];
  uint32_t n = 0;
  while (s == AN_SYM_attribute) {
    TSNode obj = an_field(l, expr, AN_FIELD_object), attr = an_field(l, expr, AN_FIELD_attribute);
    if (ts_node_is_null(obj) || ts_node_is_null(attr) || n == NAMES_MAX_LINKS) return NULL;
    attrs[n++] = attr;
    expr = an_unparen(l, obj);
    s = an_sym(l, expr);
  }
  if (s != AN_SYM_identifier) return NULL;
  uint32_t hlen;
  const char *head = an_text(m->src, expr, &hlen);
  const char *base = names__identifier(m, head, hlen, func);
  while (n && base) {
    uint32_t alen;
    const char *at = an_text(m->src, attrs[--n], &alen);
    base = names__link(m, base, at, alen);
  }
  return base;
}

const char *an_module_name(AnArena *a, const char *path, const char *const *roots, size_t nroots) {
  const char *rel = NULL;
  size_t best = 0;
  for (size_t i = 0; i < nroots; i++) {
    size_t n = strlen(roots[i]);
    while (n > 1 && roots[i][n - 1] == '/') n--;
    if (n > best && strncmp(path, roots[i], n) == 0 && path[n] == '/') {
      best = n;
      rel = path + n + 1;
    }
  }
  if (!rel) {
    const char *slash = strrchr(path, '/');
    rel = slash ? slash + 1 : path;
  }
  size_t len = strlen(rel);
  if (len > 3 && strcmp(rel + len - 3, ".py") == 0)
    len -= 3;
  else if (len > 4 && strcmp(rel + len - 4, ".pyi") == 0)
    len -= 4;
  char *mod = an_arena_strndup(a, rel, len);
  if (!mod) return NULL;
  for (char *p = mod; *p; p++)
    if (*p == '/') *p = '.';
  /* A package's __init__ is the package: `pkg/__init__.py` is `pkg`. */
  size_t mlen = strlen(mod);
  if (strcmp(mod, "__init__") == 0)
    mod[0] = '\0';
  else if (mlen > 9 && strcmp(mod + mlen - 9, ".__init__") == 0)
    mod[mlen - 9] = '\0';
  return mod;
}

bool an_path_is_init(const char *path) {
  size_t n = path ? strlen(path) : 0;
  return (n >= 11 && strcmp(path + n - 11, "__init__.py") == 0 && (n == 11 || path[n - 12] == '/')) ||
         (n >= 12 && strcmp(path + n - 12, "__init__.pyi") == 0 && (n == 12 || path[n - 13] == '/'));
}

bool an_name_shadowed_by_assignment(AnModel *m, const char *name) {
  return an_hash_get(&m->module_names, -1, name, (uint32_t)strlen(name)) != -1;
}

int an_single_binding(AnModel *m, TSNode id, int func, int *scope) {
  uint32_t len;
  const char *t = an_text(m->src, id, &len);
  for (int f = func;; f = AN_FUNC(m, f)->parent) {
    if (f >= 0) {
      AnFunc *fn = AN_FUNC(m, f);
      for (uint32_t i = 0; i < fn->param_count; i++)
        if (strlen(fn->params[i].name) == len && memcmp(fn->params[i].name, t, len) == 0) return -1;
    }
    int b = an_hash_get(&m->binding_map, f, t, len);
    if (b >= 0) {
      if (AN_VEC_AT(m->bindings, AnBinding, b).next >= 0) return -1;
      *scope = f;
      return b;
    }
    if (f < 0 || an_hash_get(&m->func_map, f, t, len) >= 0) return -1;
  }
}

TSNode an_single_value(AnModel *m, TSNode id, int func, int *scope) {
  TSNode none = {{0}, NULL, NULL};
  int b = an_single_binding(m, id, func, scope);
  if (b < 0) return none;
  const AnBinding *bd = &AN_VEC_AT(m->bindings, AnBinding, b);
  return bd->from_for || bd->from_unpack ? none : bd->value;
}
