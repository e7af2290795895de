/* server/pyproject — `[tool.hybridls]` in pyproject.toml: reading it with
 * the tree-sitter TOML grammar, finding the file that governs a Python file,
 * and the `exclude` globs.
 *
 * Keys (all optional):
 *   select    array of rule codes, names or code prefixes ("HY2"): when
 *             non-empty, only these rules run
 *   ignore    array of the same: these rules never run
 *   severity  table rule -> "off" | "hint" | "info" | "warning" | "error"
 *             (a rule may be a code, a name or a prefix); written inline
 *             (`severity = {HY201 = "error"}`) or as `[tool.hybridls.severity]`
 *   exclude   array of glob patterns relative to the pyproject.toml's
 *             directory: excluded files get no diagnostics, are not indexed
 *             and are skipped by `check`
 *   keras     boolean: Keras call/train_step methods count as graph code
 *
 * Globs: `*` and `?` match within one path component, `**` matches any
 * number of components ("gen/" + "**", or "**" + "/test_*.py"), `[abc]`/`[!a-z]` match
 * one character, `\` escapes. A pattern without '/' matches a file's name or
 * the name of any directory it is in (`build`, `*_pb2.py`); a pattern with
 * '/', or starting with "./" or "/" (which anchor it), is matched against
 * the path relative to the pyproject.toml's directory. A pattern that
 * matches a directory excludes everything below it; a trailing '/' makes a
 * pattern match directories only.
 *
 * Which file: the nearest pyproject.toml that has a `[tool.hybridls]` table
 * (a pyproject.toml without one is passed over, as other tools' configs are
 * common), searching from the Python file's directory upwards and stopping
 * after the workspace root that contains the file, or at the filesystem root.
 * A pyproject.toml that is not valid TOML ends the search: its problem is
 * reported and the defaults apply.
 *
 * Problems (invalid TOML, a key of the wrong type, an unknown rule or key)
 * never fail: the keys in error keep their defaults, and the problems of one
 * file are gathered into one line (PyprojectConfig.problems) that the server
 * shows once with window/showMessage and `check` prints once on stderr.
 *
 * Includes jansson-free server headers only (settings.h, analysis.h).
 * Memory: hl_* (OOM fatal). Parsing is reentrant (each call has its own
 * TSParser); a PyprojectCache belongs to one thread.
 */
#ifndef HYBRIDLS_SERVER_PYPROJECT_H
#define HYBRIDLS_SERVER_PYPROJECT_H

#include <stdbool.h>
#include <stddef.h>

#include "analysis/analysis.h"
#include "server/settings.h"

typedef struct PyprojectConfig {
  char *path;     /* the pyproject.toml as displayed; NULL for the defaults */
  char *dir;      /* absolute directory of the file: the base of `exclude` */
  bool has_table; /* the file has a [tool.hybridls] table */
  bool invalid;   /* not valid TOML: nothing was taken from it */
  bool has_select, has_ignore, has_severity, has_keras;
  bool select[AN_RULE_COUNT];
  bool ignore[AN_RULE_COUNT];
  int severity[AN_RULE_COUNT]; /* an AnSeverity, or -1: the rule's default */
  bool keras;
  char **exclude; /* glob patterns, owned */
  size_t exclude_count;
  /* Every problem of the file in one line ("line 3: select: unknown rule
   * 'HY999'; line 5: keras: expected true or false; these keys keep their
   * defaults"), or NULL. */
  char *problems;
} PyprojectConfig;

/* Parses the TOML `text` (len bytes, need not be NUL-terminated). `path`
 * (for messages) and `dir` (the exclude base) are copied; both may be NULL.
 * Always returns a new config; free with pyproject_free(). */
PyprojectConfig *pyproject_parse(const char *text, size_t len, const char *path, const char *dir);
void pyproject_free(PyprojectConfig *cfg);

/* Applies the keys the file sets over `s`; each replaces the lower layer's
 * value as a whole (settings.h gives the whole precedence). */
void pyproject_apply(const PyprojectConfig *cfg, Settings *s);

/* True when the file `path` (absolute, or relative to the working
 * directory) matches an `exclude` pattern of `cfg`; false for files outside
 * cfg->dir. The file's directory is resolved like cfg->dir (realpath). */
bool pyproject_excluded(const PyprojectConfig *cfg, const char *path);

/* Matches one glob pattern (rules above, with '/' in it) against a relative
 * path. */
bool pyproject_glob_match(const char *pattern, const char *path);

/* Marks in `mark` the rules `token` names: a code (any case), a name, or a
 * code prefix ("HY2"). Returns false when it names none. */
bool pyproject_rule_mark(const char *token, bool mark[AN_RULE_COUNT]);

/* --- finding the governing file, with a cache ------------------------------ */

typedef struct PyprojectCache PyprojectCache;

/* Called once for each pyproject.toml read that has problems; `cfg` is
 * borrowed for the call. */
typedef void (*PyprojectProblemFn)(void *data, const PyprojectConfig *cfg);

/* New empty cache. With `relative_paths`, configs name their file relative
 * to the working directory when it lies below it (for `check` output);
 * otherwise absolutely. `on_problem` may be NULL. */
PyprojectCache *pyproject_cache_new(bool relative_paths, PyprojectProblemFn on_problem, void *data);
/* NULL is a no-op. */
void pyproject_cache_free(PyprojectCache *cache);
/* Forgets every file read (after a pyproject.toml changed); configs
 * returned before become invalid. */
void pyproject_cache_clear(PyprojectCache *cache);

/* The configuration governing the Python file `path` (absolute, or relative
 * to the working directory). `real_roots` are absolute, symlink-free
 * workspace roots (may be empty). Never NULL: without a pyproject.toml, a
 * shared config with no keys. Borrowed until the next clear or free. */
const PyprojectConfig *pyproject_cache_lookup(PyprojectCache *cache, const char *path,
                                              const char *const *real_roots, size_t root_count);

/* The absolute, symlink-free form of `path` (realpath when it exists,
 * otherwise the lexically absolute path). New string. */
char *pyproject_abspath(const char *path);

/* --- `hybridls check` --------------------------------------------------- */

typedef struct PyprojectPlan PyprojectPlan;

/* Resolves the configuration of each of `files` (count *count) for `check`:
 * removes excluded files from the array in place (freeing their strings and
 * lowering *count), and computes each remaining file's AnConfig: defaults,
 * then its pyproject.toml, then the command line (`cli_select` and
 * `cli_ignore`, NULL when not given, each replacing the file's list).
 * Problems are printed once per file on stderr ("hybridls: PATH: ...").
 * New object; free with pyproject_plan_free(). */
PyprojectPlan *pyproject_plan_new(char **files, size_t *count, const bool *cli_select, const bool *cli_ignore);
/* Per remaining file, its configuration; borrowed until the plan is freed. */
const AnConfig *const *pyproject_plan_configs(const PyprojectPlan *plan);
void pyproject_plan_free(PyprojectPlan *plan);

#endif
