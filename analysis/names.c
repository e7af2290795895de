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

static const char *const names__builtins[] = {
    "abs", "all", "any", "bool", "breakpoint", "dict", "enumerate", "exec", "eval", "filter",
    "float", "getattr", "hasattr", "input", "int", "isinstance", "iter", "len", "list", "map",
    "max", "min", "next", "open", "print", "range", "repr", "reversed", "round", "set",
    "setattr", "sorted", "str", "sum", "super", "tuple", "type", "zip", NULL,
};

static bool names__is_builtin(const char *name, uint32_t len) {
  for (int i = 0; names__builtins[i]; i++)
    if (strlen(names__builtins[i]) == len && memcmp(names__builtins[i], name, len) == 0) return true;
  return false;
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
static const char *names__identifier(AnModel *m, TSNode id, int func) {
  uint32_t len;
  const char *t = an_text(m->src, id, &len);
  if (names__bound_in(m, func, t, len)) return NULL;
  int imp = an_hash_get(&m->import_map, -1, t, len);
  if (imp >= 0) {
    /* A module-level assignment of the same name after the import (`tf =
     * shim`) makes its meaning unknowable statically. */
    if (an_hash_get(&m->module_names, -1, t, len) != -1) return NULL;
    return AN_VEC_AT(m->imports, AnImport, imp).target;
  }
  if (an_hash_get(&m->module_names, -1, t, len) != -1) return NULL;
  if (names__is_builtin(t, len)) return an_arena_cat(&m->arena, "builtins.", 9, t, len, "", 0);
  return NULL;
}

/* Links of an attribute chain an_dotted follows: no API name comes near,
 * and a generated `a.b.c...` of 100,000 links must cost neither stack nor
 * time quadratic in its length. */
#define NAMES_MAX_LINKS 64

const char *an_dotted(AnModel *m, TSNode expr, int func) {
  const AnLang *l = m->lang;
  /* Down the chain to its head, keeping the attributes, then back up
   * joining them as the recursion `an_dotted(obj) + "." + attr` would. */
  TSNode attrs[NAMES_MAX_LINKS];
  uint32_t n = 0;
  expr = an_unparen(l, expr);
  AnSym s;
  while ((s = an_sym(l, expr)) == AN_SYM_attribute) {
    TSNode obj = an_field(l, expr, AN_FIELD_object), attr = an_field(l, expr, AN_FIELD_attribute);
    if (ts_node_is_null(obj) || ts_node_is_null(attr) || n == NAMES_MAX_LINKS) return NULL;
    attrs[n++] = attr;
    expr = an_unparen(l, obj);
  }
  if (s != AN_SYM_identifier) return NULL;
  const char *base = names__identifier(m, expr, func);
  while (n && base) {
    if (strncmp(base, "builtins.", 9) == 0) return NULL;
    uint32_t alen;
    const char *at = an_text(m->src, attrs[--n], &alen);
    size_t blen = strlen(base);
    char *joined = an_arena_cat(&m->arena, base, blen, ".", 1, at, strnlen(at, alen));
    if (!joined) return NULL;
    /* Re-canonicalise: `tf.compat.v1.x` only becomes canonical once joined. */
    if (names__prefix_n(joined, blen + 1 + alen, "tensorflow.compat") ||
        names__prefix_n(joined, blen + 1 + alen, "tensorflow.keras") ||
        names__prefix_n(joined, blen + 1 + alen, "tensorflow.python"))
      base = an_canonical(&m->arena, joined, blen + 1 + alen);
    else
      base = joined;
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
