/* server/fswalk — turns the PATH arguments of `check` and `inspect` into the
 * sorted list of Python files to analyse.
 *
 * Rules:
 *  - A file argument is taken whatever its extension (symlinks followed).
 *  - A directory argument is walked recursively, taking `*.py` and `*.pyi`.
 *    Inside it, these directories are skipped: `.git`, `node_modules`,
 *    `__pycache__`, `.venv`, `venv`, `.tox`, `.mypy_cache`, `site-packages`,
 *    and any directory holding a `pyvenv.cfg` (a virtual environment). A
 *    directory given explicitly is walked even when its name is in the list.
 *  - Symlinked directories found while walking are skipped (no cycles, no
 *    escaping the given roots). A symlinked file is taken only when its
 *    target lies inside one of the directories given.
 *  - Paths are printed as given or joined ("dir" + "/" + "name").
 *  - The result is sorted component by component (so "a/b.py" comes before
 *    "a-c.py", the order of a sorted tree walk) and exact duplicates removed.
 *
 * Missing or unreadable arguments and directories are reported on stderr
 * ("hybridls: PATH: reason") and counted in `errors`; the walk goes on.
 *
 * Memory: hl_* (OOM fatal); everything is owned by the FsWalk. Single thread.
 */
#ifndef HYBRIDLS_SERVER_FSWALK_H
#define HYBRIDLS_SERVER_FSWALK_H

#include <stddef.h>

typedef struct FsWalk {
  char **files; /* the Python files, sorted, owned */
  size_t file_count, file_cap;
  char **roots; /* the directory arguments (trailing '/' removed), owned;
                   they are the workspace roots of the index */
  size_t root_count, root_cap;
  char **real_roots; /* realpath() of the directory arguments, owned */
  size_t real_root_count;
  size_t errors; /* paths that could not be read */
} FsWalk;

void fswalk_init(FsWalk *w);
void fswalk_deinit(FsWalk *w);

/* Collects the files under `args` (see the rules above) and sorts them. */
void fswalk_run(FsWalk *w, char *const *args, size_t count);

/* The order of the result: strcmp, except that '/' sorts before every other
 * byte so that a directory's contents stay together. */
int fswalk_path_compare(const char *a, const char *b);

#endif
