/* server/pyproject — `[tool.hybridls]` from pyproject.toml (see
 * pyproject.h).
 *
 * Reading: the file is parsed with the tree-sitter TOML grammar. Any syntax
 * error makes the whole file invalid (a tree with errors cannot be trusted
 * to say which table a key belongs to). Otherwise every key-value pair is
 * resolved to its full key path (table header + dotted key, through inline
 * tables), and the paths below `tool.hybridls` are collected first and
 * interpreted afterwards, so each key is checked once whatever TOML spelling
 * set it. Walks are iterative over the document's children; inline tables
 * are followed only while their path can still lead below
 * `tool.hybridls.severity`, which bounds the recursion at four levels.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tree_sitter/api.h>

#include "server/alloc.h"
#include "server/lang.h"
#include "server/pyproject.h"
#include "server/strmap.h"

#define PYPROJECT__MAX_SIZE (4u << 20) /* larger files are not configuration */
#define PYPROJECT__MAX_DEPTH 8         /* key path components kept */

/* ------------------------------------------------------------------------
 * Rules and globs.
 */

bool pyproject_rule_mark(const char *token, bool mark[AN_RULE_COUNT]) {
  int id = an_rule_lookup(token);
  if (id >= 0) {
    mark[id] = true;
    return true;
  }
  size_t n = strlen(token);
  if (n < 2 || strncasecmp(token, "HY", 2) != 0 || strspn(token + 2, "0123456789") != n - 2) return false;
  bool any = false;
  for (int i = 0; i < AN_RULE_COUNT; i++) {
    if (strncasecmp(an_rule_info((AnRuleId)i)->code, token, n) == 0) {
      mark[i] = true;
      any = true;
    }
  }
  return any;
}

/* One character class at p ('[' already consumed); sets *end past ']'.
 * Returns -1 when the class is not closed (then '[' is literal). */
static int pyproject__class(const char *p, char c, const char **end) {
  bool negate = *p == '!' || *p == '^';
  if (negate) p++;
  bool match = false;
  const char *start = p;
  while (*p && (*p != ']' || p == start)) {
    char lo = *p, hi;
    if (lo == '\\' && p[1]) lo = *++p;
    p++;
    hi = lo;
    if (*p == '-' && p[1] && p[1] != ']') {
      hi = p[1];
      if (hi == '\\' && p[2]) hi = *++p;
      p += 2;
    }
    if (c != '/' && (unsigned char)c >= (unsigned char)lo && (unsigned char)c <= (unsigned char)hi) match = true;
  }
  if (*p != ']') return -1;
  *end = p + 1;
  return match != negate;
}

static bool pyproject__glob(const char *p, const char *s) {
  while (*p) {
    if (p[0] == '*' && p[1] == '*') {
      const char *rest = p + 2;
      while (*rest == '*') rest++;
      if (*rest == '/') {
        /* "**" + "/": zero or more whole components. */
        if (pyproject__glob(rest + 1, s)) return true;
        for (const char *t = s; *t; t++)
          if (*t == '/' && pyproject__glob(rest + 1, t + 1)) return true;
        return false;
      }
      for (const char *t = s;; t++) {
        if (pyproject__glob(rest, t)) return true;
        if (!*t) return false;
      }
    }
    if (*p == '*') {
      const char *rest = p + 1;
      for (const char *t = s;; t++) {
        if (pyproject__glob(rest, t)) return true;
        if (!*t || *t == '/') return false;
      }
    }
    if (!*s) return false;
    if (*p == '?') {
      if (*s == '/') return false;
      p++, s++;
      continue;
    }
    if (*p == '[') {
      const char *end;
      int m = pyproject__class(p + 1, *s, &end);
      if (m >= 0) {
        if (!m) return false;
        p = end, s++;
        continue;
      }
    }
    if (*p == '\\' && p[1]) p++;
    if (*p != *s) return false;
    p++, s++;
  }
  return *s == '\0';
}

bool pyproject_glob_match(const char *pattern, const char *path) { return pyproject__glob(pattern, path); }

/* Does `pattern` match `rel` (a path relative to the config's directory) or
 * one of the directories it lies in? */
static bool pyproject__pattern_matches(const char *pattern, const char *rel) {
  bool anchored = false;
  while ((pattern[0] == '.' && pattern[1] == '/') || pattern[0] == '/') {
    pattern += pattern[0] == '/' ? 1 : 2;
    anchored = true;
  }
  size_t plen = strlen(pattern);
  bool dir_only = false;
  char *pat = hl_strndup(pattern, plen);
  while (plen > 0 && pat[plen - 1] == '/') {
    pat[--plen] = '\0';
    dir_only = true;
  }
  bool result = false;
  if (plen == 0) goto done;
  if (!strchr(pat, '/') && !anchored) {
    /* Against each component: directories always, the file unless the
     * pattern names directories only. */
    const char *c = rel;
    while (!result) {
      const char *slash = strchr(c, '/');
      if (!slash && dir_only) break;
      char *comp = slash ? hl_strndup(c, (size_t)(slash - c)) : hl_strdup(c);
      result = pyproject__glob(pat, comp);
      hl_free(comp);
      if (!slash) break;
      c = slash + 1;
    }
    goto done;
  }
  /* Against the path and each directory prefix of it. */
  char *prefix = hl_strdup(rel);
  if (!dir_only) result = pyproject__glob(pat, prefix);
  for (char *slash = strrchr(prefix, '/'); !result && slash; slash = strrchr(prefix, '/')) {
    *slash = '\0';
    result = pyproject__glob(pat, prefix);
  }
  hl_free(prefix);
done:
  hl_free(pat);
  return result;
}

static char *pyproject__dirname(const char *path);

/* Is the file at `abs_path` (absolute, symlink-free directory) excluded? */
static bool pyproject__excluded_abs(const PyprojectConfig *cfg, const char *abs_path) {
  size_t n = strlen(cfg->dir);
  while (n > 1 && cfg->dir[n - 1] == '/') n--;
  const char *rel;
  if (n == 1 && cfg->dir[0] == '/') rel = abs_path + 1;
  else if (strncmp(abs_path, cfg->dir, n) == 0 && abs_path[n] == '/') rel = abs_path + n + 1;
  else return false;
  for (size_t i = 0; i < cfg->exclude_count; i++)
    if (pyproject__pattern_matches(cfg->exclude[i], rel)) return true;
  return false;
}

char *pyproject_abspath(const char *path);

bool pyproject_excluded(const PyprojectConfig *cfg, const char *path) {
  if (!cfg->exclude_count || !cfg->dir) return false;
  /* The directory is made absolute and symlink-free like cfg->dir; the
   * file itself is judged by its own name, even when it is a symlink. */
  char *dir = pyproject__dirname(path);
  char *absdir = pyproject_abspath(dir);
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  char *where = hl_asprintf("%s%s%s", absdir, strcmp(absdir, "/") == 0 ? "" : "/", base);
  bool excluded = pyproject__excluded_abs(cfg, where);
  hl_free(where);
  hl_free(absdir);
  hl_free(dir);
  return excluded;
}

/* ------------------------------------------------------------------------
 * TOML values.
 */

typedef struct PyText {
  const char *src;
  size_t len;
} PyText;

static const char *pyproject__node_text(const PyText *t, TSNode n, size_t *len) {
  uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
  if (b > t->len) b = (uint32_t)t->len;
  if (a > b) a = b;
  *len = b - a;
  return t->src + a;
}

static void pyproject__utf8(char **out, size_t *n, unsigned long cp) {
  char *o = *out + *n;
  if (cp < 0x80) {
    o[0] = (char)cp;
    *n += 1;
  } else if (cp < 0x800) {
    o[0] = (char)(0xC0 | (cp >> 6));
    o[1] = (char)(0x80 | (cp & 0x3F));
    *n += 2;
  } else if (cp < 0x10000) {
    o[0] = (char)(0xE0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    *n += 3;
  } else {
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    *n += 4;
  }
}

/* Decodes a TOML string or quoted key (delimiters included in `s`): basic
 * "..." with escapes, literal '...', and their multi-line forms. Returns a
 * new string, or NULL for an invalid escape or an embedded NUL. */
static char *pyproject__decode(const char *s, size_t len) {
  if (len < 2) return NULL;
  char q = s[0];
  size_t d = (len >= 6 && s[1] == q && s[2] == q) ? 3 : 1;
  const char *p = s + d, *end = s + len - d;
  if (end < p) return NULL;
  if (d == 3 && p < end && *p == '\n') p++;
  else if (d == 3 && end - p >= 2 && p[0] == '\r' && p[1] == '\n') p += 2;
  char *out = hl_malloc((size_t)(end - p) + 1);
  size_t n = 0;
  while (p < end) {
    char c = *p++;
    if (c == '\0') goto fail;
    if (c != '\\' || q == '\'') {
      out[n++] = c;
      continue;
    }
    if (p >= end) goto fail;
    char e = *p++;
    switch (e) {
    case 'b': out[n++] = '\b'; break;
    case 't': out[n++] = '\t'; break;
    case 'n': out[n++] = '\n'; break;
    case 'f': out[n++] = '\f'; break;
    case 'r': out[n++] = '\r'; break;
    case 'e': out[n++] = 0x1B; break;
    case '"': out[n++] = '"'; break;
    case '\\': out[n++] = '\\'; break;
    case 'u':
    case 'U': {
      int digits = e == 'u' ? 4 : 8;
      if (end - p < digits) goto fail;
      unsigned long cp = 0;
      for (int i = 0; i < digits; i++) {
        char h = p[i];
        int v = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
        if (v < 0) goto fail;
        cp = cp * 16 + (unsigned long)v;
      }
      p += digits;
      if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) goto fail;
      /* An escape needs at most 4 output bytes and takes at least 6. */
      pyproject__utf8(&out, &n, cp);
      break;
    }
    default:
      /* Multi-line basic strings: a backslash at the end of a line trims
       * the line break and the whitespace after it. */
      if (d == 3 && (e == ' ' || e == '\t' || e == '\n' || e == '\r')) {
        const char *t = p - 1;
        while (t < end && (*t == ' ' || *t == '\t')) t++;
        if (t < end && *t != '\n' && *t != '\r') goto fail;
        while (t < end && (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r')) t++;
        p = t;
        break;
      }
      goto fail;
    }
  }
  out[n] = '\0';
  return out;
fail:
  hl_free(out);
  return NULL;
}

/* ------------------------------------------------------------------------
 * Collecting the pairs below tool.hybridls.
 */

typedef enum PyKey { PY_KEY_SELECT, PY_KEY_IGNORE, PY_KEY_SEVERITY, PY_KEY_EXCLUDE, PY_KEY_KERAS, PY_KEY_COUNT } PyKey;

static const char *const pyproject__key_names[PY_KEY_COUNT] = {"select", "ignore", "severity", "exclude", "keras"};

typedef struct PySevEntry {
  char *rule;
  TSNode value;
} PySevEntry;

typedef struct PyProblem {
  uint32_t line; /* 1-based */
  char *text;
} PyProblem;

typedef struct PyParse {
  PyText text;
  PyprojectConfig *cfg;
  bool set[PY_KEY_COUNT];
  bool bad[PY_KEY_COUNT];
  TSNode value[PY_KEY_COUNT];
  bool severity_table;     /* severity given as a table (inline or header) */
  PySevEntry *sev;
  size_t sev_count, sev_cap;
  PyProblem *problems; /* reported in line order */
  size_t problem_count;
  bool keys_in_error;
} PyParse;

typedef struct PyPath {
  char *part[PYPROJECT__MAX_DEPTH];
  size_t count;
  bool overflow; /* deeper than we keep: cannot be below our keys' depth */
} PyPath;

static void pyproject__path_free(PyPath *p) {
  for (size_t i = 0; i < p->count; i++) hl_free(p->part[i]);
  p->count = 0;
  p->overflow = false;
}

static void pyproject__path_copy(PyPath *to, const PyPath *from) {
  to->count = from->count;
  to->overflow = from->overflow;
  for (size_t i = 0; i < from->count; i++) to->part[i] = hl_strdup(from->part[i]);
}

__attribute__((format(printf, 3, 4))) static void pyproject__problem(PyParse *ps, TSNode at, const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  ps->problems = hl_realloc(ps->problems, (ps->problem_count + 1) * sizeof *ps->problems);
  ps->problems[ps->problem_count++] = (PyProblem){ts_node_start_point(at).row + 1, hl_strdup(buf)};
}

/* The problems in line order (stable), as one line. New string or NULL. */
static char *pyproject__problems_text(PyParse *ps) {
  if (!ps->problem_count) return NULL;
  for (size_t i = 1; i < ps->problem_count; i++) {
    PyProblem p = ps->problems[i];
    size_t j = i;
    for (; j > 0 && ps->problems[j - 1].line > p.line; j--) ps->problems[j] = ps->problems[j - 1];
    ps->problems[j] = p;
  }
  size_t len = 1;
  for (size_t i = 0; i < ps->problem_count; i++) len += strlen(ps->problems[i].text) + 32;
  char *out = hl_malloc(len);
  size_t n = 0;
  for (size_t i = 0; i < ps->problem_count; i++)
    n += (size_t)snprintf(out + n, len - n, "%sline %u: %s", i ? "; " : "", ps->problems[i].line, ps->problems[i].text);
  return out;
}

/* The value of a pair: its first named child after the key that is not a
 * comment (a comment after the value is a child of the pair too). */
static TSNode pyproject__pair_value(TSNode pair) {
  uint32_t n = ts_node_named_child_count(pair);
  for (uint32_t i = 1; i < n; i++) {
    TSNode c = ts_node_named_child(pair, i);
    if (strcmp(ts_node_type(c), "comment") != 0) return c;
  }
  return ts_node_named_child(pair, n ? n - 1 : 0);
}

static bool pyproject__is_key(TSNode n) {
  const char *t = ts_node_type(n);
  return strcmp(t, "bare_key") == 0 || strcmp(t, "quoted_key") == 0 || strcmp(t, "dotted_key") == 0;
}

/* Appends the components of a key node (bare, quoted or dotted) to `path`.
 * Dotted keys nest to the left ((a.b).c), walked iteratively. Returns -1
 * for a quoted key that cannot be decoded. */
static int pyproject__key_path(const PyText *t, TSNode key, PyPath *path) {
  TSNode stack[64];
  size_t depth = 0;
  TSNode n = key;
  /* Descend the left spine, remembering the right-hand components. */
  while (strcmp(ts_node_type(n), "dotted_key") == 0 && ts_node_named_child_count(n) >= 2) {
    if (depth == sizeof stack / sizeof stack[0]) {
      path->overflow = true;
      return 0;
    }
    stack[depth++] = ts_node_named_child(n, ts_node_named_child_count(n) - 1);
    n = ts_node_named_child(n, 0);
  }
  for (size_t i = depth + 1; i-- > 0;) {
    TSNode part = i == depth ? n : stack[i];
    size_t len;
    const char *s = pyproject__node_text(t, part, &len);
    char *decoded = strcmp(ts_node_type(part), "quoted_key") == 0 ? pyproject__decode(s, len) : hl_strndup(s, len);
    if (!decoded) return -1;
    if (path->count == PYPROJECT__MAX_DEPTH) {
      path->overflow = true;
      hl_free(decoded);
      continue;
    }
    path->part[path->count++] = decoded;
  }
  return 0;
}

/* How `path` relates to tool.hybridls: -1 unrelated, 0 a proper prefix of
 * it (`tool`), 1 at or below it. */
static int pyproject__relation(const PyPath *path) {
  static const char *const base[2] = {"tool", "hybridls"};
  for (size_t i = 0; i < path->count && i < 2; i++)
    if (strcmp(path->part[i], base[i]) != 0) return -1;
  return path->count < 2 ? 0 : 1;
}

static void pyproject__value(PyParse *ps, const PyPath *path, TSNode value);

/* The pairs of an inline table, under `prefix`. */
static void pyproject__inline(PyParse *ps, const PyPath *prefix, TSNode table) {
  uint32_t n = ts_node_named_child_count(table);
  for (uint32_t i = 0; i < n; i++) {
    TSNode pair = ts_node_named_child(table, i);
    if (strcmp(ts_node_type(pair), "pair") != 0) continue;
    TSNode key = ts_node_named_child(pair, 0);
    TSNode value = pyproject__pair_value(pair);
    PyPath path;
    pyproject__path_copy(&path, prefix);
    if (pyproject__key_path(&ps->text, key, &path) != 0) pyproject__problem(ps, key, "invalid quoted key");
    else pyproject__value(ps, &path, value);
    pyproject__path_free(&path);
  }
}

static void pyproject__sev_add(PyParse *ps, const char *rule, TSNode value) {
  if (ps->sev_count == ps->sev_cap) {
    ps->sev_cap = ps->sev_cap ? ps->sev_cap * 2 : 8;
    ps->sev = hl_realloc(ps->sev, ps->sev_cap * sizeof *ps->sev);
  }
  ps->sev[ps->sev_count++] = (PySevEntry){hl_strdup(rule), value};
}

static int pyproject__key_index(const char *name) {
  for (int k = 0; k < PY_KEY_COUNT; k++)
    if (strcmp(pyproject__key_names[k], name) == 0) return k;
  return -1;
}

/* A value at `path`. */
static void pyproject__value(PyParse *ps, const PyPath *path, TSNode value) {
  int rel = pyproject__relation(path);
  if (rel < 0) return;
  bool inline_table = strcmp(ts_node_type(value), "inline_table") == 0;
  if (rel == 0 || path->count == 2) {
    if (inline_table) {
      if (path->count == 2) ps->cfg->has_table = true;
      pyproject__inline(ps, path, value);
    } else if (path->count == 2) {
      ps->cfg->has_table = true;
      pyproject__problem(ps, value, "tool.hybridls: expected a table");
      ps->keys_in_error = true;
    }
    return;
  }
  ps->cfg->has_table = true;
  if (path->overflow) {
    pyproject__problem(ps, value, "%s: nested too deeply", path->part[2]);
    ps->keys_in_error = true;
    return;
  }
  int k = pyproject__key_index(path->part[2]);
  if (k < 0) {
    pyproject__problem(ps, value, "unknown key '%s' (expected select, ignore, severity, exclude or keras)", path->part[2]);
    return;
  }
  if (path->count == 3) {
    if (k == PY_KEY_SEVERITY && inline_table) {
      if (ps->severity_table) {
        pyproject__problem(ps, value, "severity: defined more than once");
        ps->bad[k] = true;
        return;
      }
      ps->severity_table = true;
      ps->set[k] = true;
      pyproject__inline(ps, path, value);
      return;
    }
    if (ps->set[k]) {
      pyproject__problem(ps, value, "%s: defined more than once", path->part[2]);
      ps->bad[k] = true;
      return;
    }
    ps->set[k] = true;
    ps->value[k] = value;
    return;
  }
  if (k == PY_KEY_SEVERITY && path->count == 4) {
    if (ps->set[k] && !ps->severity_table) {
      pyproject__problem(ps, value, "severity: defined more than once");
      ps->bad[k] = true;
      return;
    }
    ps->severity_table = true;
    ps->set[k] = true;
    pyproject__sev_add(ps, path->part[3], value);
    return;
  }
  pyproject__problem(ps, value, "%s: %s", path->part[2],
                     k == PY_KEY_SEVERITY ? "expected a table of rule = \"severity\"" : "expected a value, not a table");
  ps->set[k] = true;
  ps->bad[k] = true;
}

/* A [table] or [[array of tables]] and its pairs. */
static void pyproject__table(PyParse *ps, TSNode table, bool array) {
  uint32_t n = ts_node_named_child_count(table);
  PyPath prefix = {0};
  uint32_t i = 0;
  for (; i < n; i++) {
    TSNode c = ts_node_named_child(table, i);
    if (pyproject__is_key(c)) {
      if (pyproject__key_path(&ps->text, c, &prefix) != 0) {
        pyproject__problem(ps, c, "invalid quoted key");
        goto done;
      }
      i++;
      break;
    }
  }
  int rel = pyproject__relation(&prefix);
  if (rel < 0) goto done;
  if (rel == 1) {
    ps->cfg->has_table = true;
    if (array) {
      pyproject__problem(ps, table, "[[tool.hybridls%s]]: expected a table, not an array of tables",
                         prefix.count > 2 ? ".*" : "");
      ps->keys_in_error = true;
      goto done;
    }
    if (prefix.count == 3) {
      int k = pyproject__key_index(prefix.part[2]);
      if (k == PY_KEY_SEVERITY) {
        if (ps->severity_table) {
          pyproject__problem(ps, table, "severity: defined more than once");
          ps->bad[k] = true;
          goto done;
        }
        ps->severity_table = true;
        ps->set[k] = true;
      } else if (k >= 0) {
        pyproject__problem(ps, table, "%s: expected a value, not a table", prefix.part[2]);
        ps->set[k] = true;
        ps->bad[k] = true;
        goto done;
      }
    }
  }
  for (; i < n; i++) {
    TSNode pair = ts_node_named_child(table, i);
    if (strcmp(ts_node_type(pair), "pair") != 0) continue;
    TSNode key = ts_node_named_child(pair, 0);
    TSNode value = pyproject__pair_value(pair);
    PyPath path;
    pyproject__path_copy(&path, &prefix);
    if (pyproject__key_path(&ps->text, key, &path) != 0) pyproject__problem(ps, key, "invalid quoted key");
    else if (!array) pyproject__value(ps, &path, value);
    pyproject__path_free(&path);
  }
done:
  pyproject__path_free(&prefix);
}

/* ------------------------------------------------------------------------
 * Interpreting the collected keys.
 */

/* Reads an array of strings; calls `each` per element. Returns false (after
 * reporting) when the value is not an array of strings or `each` fails. */
typedef bool (*PyEachFn)(PyParse *ps, PyKey k, TSNode at, const char *s, void *data);

static bool pyproject__strings(PyParse *ps, PyKey k, TSNode value, PyEachFn each, void *data) {
  const char *what = k == PY_KEY_EXCLUDE ? "an array of glob patterns" : "an array of rule codes, names or prefixes";
  if (strcmp(ts_node_type(value), "array") != 0) {
    pyproject__problem(ps, value, "%s: expected %s", pyproject__key_names[k], what);
    return false;
  }
  uint32_t n = ts_node_named_child_count(value);
  for (uint32_t i = 0; i < n; i++) {
    TSNode item = ts_node_named_child(value, i);
    if (strcmp(ts_node_type(item), "comment") == 0) continue;
    if (strcmp(ts_node_type(item), "string") != 0) {
      pyproject__problem(ps, item, "%s: expected %s", pyproject__key_names[k], what);
      return false;
    }
    size_t len;
    const char *s = pyproject__node_text(&ps->text, item, &len);
    char *str = pyproject__decode(s, len);
    if (!str) {
      pyproject__problem(ps, item, "%s: invalid string", pyproject__key_names[k]);
      return false;
    }
    bool ok = each(ps, k, item, str, data);
    hl_free(str);
    if (!ok) return false;
  }
  return true;
}

static bool pyproject__each_rule(PyParse *ps, PyKey k, TSNode at, const char *s, void *data) {
  if (pyproject_rule_mark(s, data)) return true;
  pyproject__problem(ps, at, "%s: unknown rule '%s'", pyproject__key_names[k], s);
  return false;
}

typedef struct PyGlobs {
  char **items;
  size_t count;
} PyGlobs;

static bool pyproject__each_glob(PyParse *ps, PyKey k, TSNode at, const char *s, void *data) {
  (void)ps, (void)k, (void)at;
  PyGlobs *g = data;
  g->items = hl_realloc(g->items, (g->count + 1) * sizeof *g->items);
  g->items[g->count++] = hl_strdup(s);
  return true;
}

static void pyproject__interpret(PyParse *ps) {
  PyprojectConfig *cfg = ps->cfg;
  for (int k = 0; k < PY_KEY_COUNT; k++) {
    if (!ps->set[k]) continue;
    if (ps->bad[k]) {
      ps->keys_in_error = true;
      continue;
    }
    TSNode v = ps->value[k];
    bool ok = true;
    switch ((PyKey)k) {
    case PY_KEY_SELECT:
    case PY_KEY_IGNORE: {
      bool mark[AN_RULE_COUNT] = {false};
      ok = pyproject__strings(ps, (PyKey)k, v, pyproject__each_rule, mark);
      if (!ok) break;
      if (k == PY_KEY_SELECT) {
        memcpy(cfg->select, mark, sizeof mark);
        cfg->has_select = true;
      } else {
        memcpy(cfg->ignore, mark, sizeof mark);
        cfg->has_ignore = true;
      }
      break;
    }
    case PY_KEY_EXCLUDE: {
      PyGlobs g = {NULL, 0};
      ok = pyproject__strings(ps, PY_KEY_EXCLUDE, v, pyproject__each_glob, &g);
      if (ok) {
        cfg->exclude = g.items;
        cfg->exclude_count = g.count;
      } else {
        for (size_t i = 0; i < g.count; i++) hl_free(g.items[i]);
        hl_free(g.items);
      }
      break;
    }
    case PY_KEY_KERAS: {
      size_t len;
      const char *s = pyproject__node_text(&ps->text, v, &len);
      if (strcmp(ts_node_type(v), "boolean") != 0) {
        pyproject__problem(ps, v, "keras: expected true or false");
        ok = false;
        break;
      }
      cfg->keras = len == 4 && memcmp(s, "true", 4) == 0;
      cfg->has_keras = true;
      break;
    }
    case PY_KEY_SEVERITY: {
      if (!ps->severity_table) {
        pyproject__problem(ps, v, "severity: expected a table of rule = \"severity\"");
        ok = false;
        break;
      }
      int sev[AN_RULE_COUNT];
      for (int r = 0; r < AN_RULE_COUNT; r++) sev[r] = -1;
      for (size_t i = 0; ok && i < ps->sev_count; i++) {
        const PySevEntry *e = &ps->sev[i];
        bool mark[AN_RULE_COUNT] = {false};
        if (!pyproject_rule_mark(e->rule, mark)) {
          pyproject__problem(ps, e->value, "severity: unknown rule '%s'", e->rule);
          ok = false;
          break;
        }
        int level = -1;
        if (strcmp(ts_node_type(e->value), "string") == 0) {
          size_t len;
          const char *s = pyproject__node_text(&ps->text, e->value, &len);
          char *str = pyproject__decode(s, len);
          if (str) level = an_severity_parse(str);
          hl_free(str);
        }
        if (level < 0) {
          pyproject__problem(ps, e->value, "severity: %s: expected \"off\", \"hint\", \"info\", \"warning\" or \"error\"",
                             e->rule);
          ok = false;
          break;
        }
        for (int r = 0; r < AN_RULE_COUNT; r++)
          if (mark[r]) sev[r] = level;
      }
      if (ok) {
        memcpy(cfg->severity, sev, sizeof sev);
        cfg->has_severity = true;
      }
      break;
    }
    case PY_KEY_COUNT: break;
    }
    if (!ok) ps->keys_in_error = true;
  }
}

/* The first ERROR or MISSING node, for the line of a syntax error. */
static TSNode pyproject__first_error(TSNode root) {
  TSTreeCursor cur = ts_tree_cursor_new(root);
  TSNode found = root;
  for (;;) {
    TSNode n = ts_tree_cursor_current_node(&cur);
    if (ts_node_is_missing(n) || strcmp(ts_node_type(n), "ERROR") == 0) {
      found = n;
      break;
    }
    if (ts_node_has_error(n) && ts_tree_cursor_goto_first_child(&cur)) continue;
    bool moved = false;
    while (!(moved = ts_tree_cursor_goto_next_sibling(&cur)))
      if (!ts_tree_cursor_goto_parent(&cur)) break;
    if (!moved) break;
  }
  ts_tree_cursor_delete(&cur);
  return found;
}

PyprojectConfig *pyproject_parse(const char *text, size_t len, const char *path, const char *dir) {
  PyprojectConfig *cfg = hl_calloc(1, sizeof *cfg);
  cfg->path = path ? hl_strdup(path) : NULL;
  cfg->dir = dir ? hl_strdup(dir) : NULL;
  cfg->keras = true;
  for (int r = 0; r < AN_RULE_COUNT; r++) cfg->severity[r] = -1;

  PyParse ps = {.text = {text, len}, .cfg = cfg};
  TSParser *parser = ts_parser_new();
  if (!parser || !ts_parser_set_language(parser, hl_toml_language())) {
    fputs("hybridls: out of memory\n", stderr);
    exit(70);
  }
  TSTree *tree = len <= UINT32_MAX ? ts_parser_parse_string(parser, NULL, text, (uint32_t)len) : NULL;
  TSNode root = tree ? ts_tree_root_node(tree) : (TSNode){0};
  if (!tree || ts_node_has_error(root)) {
    cfg->invalid = true;
    cfg->has_table = true;
    if (tree) {
      TSPoint at = ts_node_start_point(pyproject__first_error(root));
      cfg->problems = hl_asprintf("invalid TOML at line %u, column %u; the defaults apply", at.row + 1, at.column + 1);
    } else {
      cfg->problems = hl_strdup("the file is too large to be configuration; the defaults apply");
    }
    goto done;
  }
  if (memchr(text, '\0', len)) {
    cfg->invalid = true;
    cfg->has_table = true;
    cfg->problems = hl_strdup("invalid TOML: the file contains a NUL byte; the defaults apply");
    goto done;
  }
  uint32_t n = ts_node_named_child_count(root);
  PyPath top = {0};
  for (uint32_t i = 0; i < n; i++) {
    TSNode c = ts_node_named_child(root, i);
    const char *type = ts_node_type(c);
    if (strcmp(type, "table") == 0) {
      pyproject__table(&ps, c, false);
    } else if (strcmp(type, "table_array_element") == 0) {
      pyproject__table(&ps, c, true);
    } else if (strcmp(type, "pair") == 0) {
      TSNode key = ts_node_named_child(c, 0);
      TSNode value = pyproject__pair_value(c);
      PyPath p;
      pyproject__path_copy(&p, &top);
      if (pyproject__key_path(&ps.text, key, &p) != 0) pyproject__problem(&ps, key, "invalid quoted key");
      else pyproject__value(&ps, &p, value);
      pyproject__path_free(&p);
    }
  }
  pyproject__interpret(&ps);
  char *problems = pyproject__problems_text(&ps);
  if (problems) {
    cfg->problems = hl_asprintf("%s; %s", problems,
                                ps.keys_in_error ? "these keys keep their defaults" : "unknown keys are ignored");
    hl_free(problems);
  }

done:
  for (size_t i = 0; i < ps.sev_count; i++) hl_free(ps.sev[i].rule);
  hl_free(ps.sev);
  for (size_t i = 0; i < ps.problem_count; i++) hl_free(ps.problems[i].text);
  hl_free(ps.problems);
  if (tree) ts_tree_delete(tree);
  ts_parser_delete(parser);
  return cfg;
}

void pyproject_free(PyprojectConfig *cfg) {
  if (!cfg) return;
  for (size_t i = 0; i < cfg->exclude_count; i++) hl_free(cfg->exclude[i]);
  hl_free(cfg->exclude);
  hl_free(cfg->path);
  hl_free(cfg->dir);
  hl_free(cfg->problems);
  hl_free(cfg);
}

void pyproject_apply(const PyprojectConfig *cfg, Settings *s) {
  if (cfg->has_select) {
    memcpy(s->select, cfg->select, sizeof s->select);
    s->has_select = false;
    for (int r = 0; r < AN_RULE_COUNT; r++)
      if (cfg->select[r]) s->has_select = true;
  }
  if (cfg->has_ignore) memcpy(s->ignore, cfg->ignore, sizeof s->ignore);
  if (cfg->has_severity) memcpy(s->severity, cfg->severity, sizeof s->severity);
  if (cfg->has_keras) s->keras = cfg->keras;
}

/* ------------------------------------------------------------------------
 * Paths.
 */

/* Lexically normalises an absolute path: removes "." and empty components
 * and resolves ".." against the previous component. */
static void pyproject__normalise(char *p) {
  char *out = p;
  const char *in = p;
  while (*in) {
    while (*in == '/') in++;
    if (!*in) break;
    const char *end = strchr(in, '/');
    size_t n = end ? (size_t)(end - in) : strlen(in);
    if (n == 1 && in[0] == '.') {
      /* skip */
    } else if (n == 2 && in[0] == '.' && in[1] == '.') {
      while (out > p && *--out != '/') {}
    } else {
      *out++ = '/';
      memmove(out, in, n);
      out += n;
    }
    in += n;
  }
  if (out == p) *out++ = '/';
  *out = '\0';
}

char *pyproject_abspath(const char *path) {
  char *real = realpath(path, NULL);
  if (real) {
    char *copy = hl_strdup(real);
    free(real);
    return copy;
  }
  char *abs;
  if (path[0] == '/') {
    abs = hl_strdup(path);
  } else {
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) strcpy(cwd, "/");
    abs = hl_asprintf("%s/%s", cwd, path);
  }
  pyproject__normalise(abs);
  return abs;
}

static char *pyproject__dirname(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return hl_strdup(".");
  if (slash == path) return hl_strdup("/");
  return hl_strndup(path, (size_t)(slash - path));
}

/* Reads a whole small file. Returns 0, or an errno value. */
static int pyproject__read(const char *path, char **out, size_t *out_len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return err;
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
  }
  if ((uint64_t)st.st_size > PYPROJECT__MAX_SIZE) {
    close(fd);
    return EFBIG;
  }
  size_t cap = (size_t)st.st_size + 1, len = 0;
  char *buf = hl_malloc(cap);
  for (;;) {
    if (len == cap) {
      if (cap > PYPROJECT__MAX_SIZE) {
        hl_free(buf);
        close(fd);
        return EFBIG;
      }
      cap *= 2;
      buf = hl_realloc(buf, cap);
    }
    ssize_t r = read(fd, buf + len, cap - len);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      int err = errno;
      hl_free(buf);
      close(fd);
      return err;
    }
    if (r == 0) break;
    len += (size_t)r;
  }
  close(fd);
  *out = buf;
  *out_len = len;
  return 0;
}

/* ------------------------------------------------------------------------
 * The cache.
 */

struct PyprojectCache {
  bool relative_paths;
  PyprojectProblemFn on_problem;
  void *data;
  char *cwd;              /* realpath of the working directory, for display */
  StrMap files;           /* absolute pyproject.toml path -> PyprojectConfig (owned) */
  StrMap dirs;            /* directory (as given, and absolute) -> config (borrowed) */
  PyprojectConfig *empty; /* the defaults */
};

PyprojectCache *pyproject_cache_new(bool relative_paths, PyprojectProblemFn on_problem, void *data) {
  PyprojectCache *c = hl_calloc(1, sizeof *c);
  c->relative_paths = relative_paths;
  c->on_problem = on_problem;
  c->data = data;
  c->cwd = pyproject_abspath(".");
  strmap_init(&c->files);
  strmap_init(&c->dirs);
  c->empty = pyproject_parse("", 0, NULL, NULL);
  return c;
}

void pyproject_cache_clear(PyprojectCache *c) {
  for (const StrMapEntry *e = strmap_next(&c->files, NULL); e; e = strmap_next(&c->files, e))
    pyproject_free(e->value);
  strmap_clear(&c->files);
  strmap_clear(&c->dirs);
}

void pyproject_cache_free(PyprojectCache *c) {
  if (!c) return;
  pyproject_cache_clear(c);
  strmap_deinit(&c->files);
  strmap_deinit(&c->dirs);
  pyproject_free(c->empty);
  hl_free(c->cwd);
  hl_free(c);
}

/* The config read from `file` (absolute), loading it on first use; NULL
 * when there is no such file. */
static PyprojectConfig *pyproject__load(PyprojectCache *c, const char *file, const char *dir) {
  PyprojectConfig *cfg = strmap_get(&c->files, file);
  if (cfg) return cfg;
  char *text = NULL;
  size_t len = 0;
  int err = pyproject__read(file, &text, &len);
  if (err == ENOENT || err == ENOTDIR) return NULL;
  const char *shown = file;
  size_t cwd_len = strlen(c->cwd);
  if (c->relative_paths && strncmp(file, c->cwd, cwd_len) == 0 && file[cwd_len] == '/') shown = file + cwd_len + 1;
  if (err) {
    cfg = pyproject_parse("", 0, shown, dir);
    cfg->has_table = true;
    cfg->invalid = true;
    cfg->problems = hl_asprintf("cannot be read (%s); the defaults apply", strerror(err));
  } else {
    cfg = pyproject_parse(text, len, shown, dir);
    hl_free(text);
  }
  strmap_put(&c->files, file, cfg);
  if (cfg->problems && c->on_problem) c->on_problem(c->data, cfg);
  return cfg;
}

const PyprojectConfig *pyproject_cache_lookup(PyprojectCache *c, const char *path, const char *const *real_roots,
                                              size_t root_count) {
  char *given = pyproject__dirname(path);
  PyprojectConfig *found = strmap_get(&c->dirs, given);
  if (found) {
    hl_free(given);
    return found;
  }
  char *dir = pyproject_abspath(given);
  /* The innermost root containing the file ends the search. */
  const char *stop = NULL;
  size_t stop_len = 0;
  for (size_t i = 0; i < root_count; i++) {
    size_t n = strlen(real_roots[i]);
    while (n > 1 && real_roots[i][n - 1] == '/') n--;
    bool inside = strncmp(dir, real_roots[i], n) == 0 && (dir[n] == '/' || dir[n] == '\0' || n == 1);
    if (inside && n >= stop_len) {
      stop = real_roots[i];
      stop_len = n;
    }
  }
  /* Walk up, remembering the directories passed so that each gets the
   * answer. */
  char **visited = NULL;
  size_t nvisited = 0;
  char *cur = dir;
  for (;;) {
    found = strmap_get(&c->dirs, cur);
    if (found) break;
    visited = hl_realloc(visited, (nvisited + 1) * sizeof *visited);
    visited[nvisited++] = hl_strdup(cur);
    char *file = hl_asprintf("%s%spyproject.toml", cur, strcmp(cur, "/") == 0 ? "" : "/");
    PyprojectConfig *cfg = pyproject__load(c, file, cur);
    hl_free(file);
    if (cfg && cfg->has_table) {
      found = cfg;
      break;
    }
    bool at_stop = stop && strlen(cur) == stop_len && strncmp(cur, stop, stop_len) == 0;
    if (at_stop || strcmp(cur, "/") == 0) break;
    char *parent = pyproject__dirname(cur);
    if (cur != dir) hl_free(cur);
    cur = parent;
  }
  if (cur != dir) hl_free(cur);
  if (!found) found = c->empty;
  for (size_t i = 0; i < nvisited; i++) {
    strmap_put(&c->dirs, visited[i], found);
    hl_free(visited[i]);
  }
  hl_free(visited);
  strmap_put(&c->dirs, given, found);
  hl_free(given);
  hl_free(dir);
  return found;
}

/* ------------------------------------------------------------------------
 * `hybridls check`.
 */

struct PyprojectPlan {
  AnConfig *configs;        /* one per distinct pyproject config */
  const AnConfig **per_file;
};

static void pyproject__print_problem(void *data, const PyprojectConfig *cfg) {
  (void)data;
  fprintf(stderr, "hybridls: %s: %s\n", cfg->path, cfg->problems);
}

PyprojectPlan *pyproject_plan_new(char **files, size_t *count, const bool *cli_select, const bool *cli_ignore) {
  PyprojectPlan *plan = hl_calloc(1, sizeof *plan);
  PyprojectCache *cache = pyproject_cache_new(true, pyproject__print_problem, NULL);
  size_t n = *count, kept = 0;
  const PyprojectConfig **cfgs = hl_calloc(n ? n : 1, sizeof *cfgs);
  for (size_t i = 0; i < n; i++) {
    const PyprojectConfig *cfg = pyproject_cache_lookup(cache, files[i], NULL, 0);
    bool excluded = pyproject_excluded(cfg, files[i]);
    if (excluded) {
      hl_free(files[i]);
      continue;
    }
    files[kept] = files[i];
    cfgs[kept++] = cfg;
  }
  *count = kept;
  /* One AnConfig per distinct config, in order of first use. */
  plan->configs = hl_calloc(kept ? kept : 1, sizeof *plan->configs);
  plan->per_file = hl_calloc(kept ? kept : 1, sizeof *plan->per_file);
  const PyprojectConfig **distinct = hl_calloc(kept ? kept : 1, sizeof *distinct);
  size_t ndistinct = 0;
  for (size_t i = 0; i < kept; i++) {
    size_t d = 0;
    while (d < ndistinct && distinct[d] != cfgs[i]) d++;
    if (d == ndistinct) {
      distinct[ndistinct++] = cfgs[i];
      Settings s;
      settings_init(&s);
      pyproject_apply(cfgs[i], &s);
      if (cli_select) {
        memcpy(s.select, cli_select, sizeof s.select);
        s.has_select = true;
      }
      if (cli_ignore) memcpy(s.ignore, cli_ignore, sizeof s.ignore);
      settings_to_config(&s, &plan->configs[d]);
    }
    plan->per_file[i] = &plan->configs[d];
  }
  hl_free(distinct);
  hl_free(cfgs);
  pyproject_cache_free(cache);
  return plan;
}

const AnConfig *const *pyproject_plan_configs(const PyprojectPlan *plan) {
  return (const AnConfig *const *)plan->per_file;
}

void pyproject_plan_free(PyprojectPlan *plan) {
  if (!plan) return;
  hl_free(plan->configs);
  hl_free(plan->per_file);
  hl_free(plan);
}
