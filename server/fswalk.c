/* server/fswalk — the directory walk of the batch commands (see fswalk.h).
 *
 * readdir's d_type saves an lstat per entry on the file systems that fill it;
 * DT_UNKNOWN falls back to lstat. The final list is sorted once, so the walk
 * itself does not sort each directory. Recursion depth is bounded (a path
 * cannot nest deeper than PATH_MAX allows anyway, and symlinked directories
 * are never entered, so there are no cycles).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/alloc.h"
#include "server/fswalk.h"

enum { FSWALK_MAX_DEPTH = 256 };

static const char *const fswalk__skip[] = {
    ".git", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".mypy_cache", "site-packages",
};

void fswalk_init(FsWalk *w) { memset(w, 0, sizeof *w); }

void fswalk_deinit(FsWalk *w) {
  for (size_t i = 0; i < w->file_count; i++) hl_free(w->files[i]);
  for (size_t i = 0; i < w->root_count; i++) hl_free(w->roots[i]);
  for (size_t i = 0; i < w->real_root_count; i++) hl_free(w->real_roots[i]);
  hl_free(w->files);
  hl_free(w->roots);
  hl_free(w->real_roots);
  fswalk_init(w);
}

static void fswalk__push(char ***list, size_t *count, size_t *cap, char *s) {
  if (*count == *cap) {
    *cap = *cap ? *cap * 2 : 64;
    *list = hl_realloc(*list, *cap * sizeof **list);
  }
  (*list)[(*count)++] = s;
}

static void fswalk__error(FsWalk *w, const char *path, int err) {
  fprintf(stderr, "hybridls: %s: %s\n", path, strerror(err));
  w->errors++;
}

static bool fswalk__is_python(const char *name) {
  size_t n = strlen(name);
  return (n > 3 && strcmp(name + n - 3, ".py") == 0) || (n > 4 && strcmp(name + n - 4, ".pyi") == 0);
}

static bool fswalk__skipped_name(const char *name) {
  for (size_t i = 0; i < sizeof fswalk__skip / sizeof fswalk__skip[0]; i++)
    if (strcmp(name, fswalk__skip[i]) == 0) return true;
  return false;
}

static char *fswalk__join(const char *dir, const char *name) {
  size_t n = strlen(dir);
  bool slash = n > 0 && dir[n - 1] != '/';
  return hl_asprintf("%s%s%s", dir, slash ? "/" : "", name);
}

static bool fswalk__is_venv(const char *dir) {
  char *cfg = fswalk__join(dir, "pyvenv.cfg");
  bool yes = access(cfg, F_OK) == 0;
  hl_free(cfg);
  return yes;
}

/* True when the target of the symlink `path` resolves inside a root. */
static bool fswalk__inside_roots(const FsWalk *w, const char *path) {
  char *real = realpath(path, NULL);
  if (!real) return false;
  bool inside = false;
  for (size_t i = 0; i < w->real_root_count && !inside; i++) {
    const char *root = w->real_roots[i];
    size_t n = strlen(root);
    if (strncmp(real, root, n) == 0 && (real[n] == '/' || (n > 0 && root[n - 1] == '/'))) inside = true;
  }
  free(real); /* realpath allocates with malloc */
  return inside;
}

static void fswalk__dir(FsWalk *w, const char *dir, int depth) {
  if (depth > FSWALK_MAX_DEPTH) return;
  DIR *d = opendir(dir);
  if (!d) {
    fswalk__error(w, dir, errno);
    return;
  }
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    const char *name = e->d_name;
    if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
    unsigned char type = e->d_type;
    if (type == DT_DIR && fswalk__skipped_name(name)) continue;
    if (type == DT_REG && !fswalk__is_python(name)) continue;
    char *path = fswalk__join(dir, name);
    if (type == DT_UNKNOWN) {
      struct stat st;
      if (lstat(path, &st) != 0) {
        fswalk__error(w, path, errno);
        hl_free(path);
        continue;
      }
      type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : S_ISLNK(st.st_mode) ? DT_LNK : DT_UNKNOWN;
    }
    if (type == DT_DIR) {
      if (!fswalk__skipped_name(name) && !fswalk__is_venv(path)) fswalk__dir(w, path, depth + 1);
      hl_free(path);
    } else if (type == DT_REG && fswalk__is_python(name)) {
      fswalk__push(&w->files, &w->file_count, &w->file_cap, path);
    } else if (type == DT_LNK && fswalk__is_python(name)) {
      struct stat st;
      if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && fswalk__inside_roots(w, path))
        fswalk__push(&w->files, &w->file_count, &w->file_cap, path);
      else
        hl_free(path);
    } else {
      hl_free(path);
    }
  }
  closedir(d);
}

int fswalk_path_compare(const char *a, const char *b) {
  const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
  while (*x && *x == *y) x++, y++;
  unsigned cx = *x == '/' ? 1u : *x == 0 ? 0u : (unsigned)*x + 1u;
  unsigned cy = *y == '/' ? 1u : *y == 0 ? 0u : (unsigned)*y + 1u;
  return (cx > cy) - (cx < cy);
}

static int fswalk__qsort_cmp(const void *a, const void *b) {
  return fswalk_path_compare(*(char *const *)a, *(char *const *)b);
}

void fswalk_run(FsWalk *w, char *const *args, size_t count) {
  bool *is_dir = hl_calloc(count ? count : 1, sizeof *is_dir);
  w->real_roots = hl_realloc(w->real_roots, (w->real_root_count + count + 1) * sizeof *w->real_roots);
  /* First the roots, so that a symlink in one directory argument may point
   * into another given later. */
  for (size_t i = 0; i < count; i++) {
    struct stat st;
    if (stat(args[i], &st) != 0) {
      fswalk__error(w, args[i], errno);
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      fswalk__push(&w->files, &w->file_count, &w->file_cap, hl_strdup(args[i]));
      continue;
    }
    is_dir[i] = true;
    size_t n = strlen(args[i]);
    while (n > 1 && args[i][n - 1] == '/') n--;
    fswalk__push(&w->roots, &w->root_count, &w->root_cap, hl_strndup(args[i], n));
    char *real = realpath(args[i], NULL);
    if (real) {
      w->real_roots[w->real_root_count++] = hl_strdup(real);
      free(real);
    }
  }
  for (size_t i = 0; i < count; i++)
    if (is_dir[i]) fswalk__dir(w, args[i], 0);
  hl_free(is_dir);

  if (w->file_count > 1) qsort(w->files, w->file_count, sizeof *w->files, fswalk__qsort_cmp);
  size_t out = 0;
  for (size_t i = 0; i < w->file_count; i++) {
    if (out > 0 && strcmp(w->files[out - 1], w->files[i]) == 0) {
      hl_free(w->files[i]);
      continue;
    }
    w->files[out++] = w->files[i];
  }
  w->file_count = out;
}
