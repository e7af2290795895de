/* server/fixwrite — safe fixes applied, diffed and written (see fixwrite.h).
 *
 * The diff is built from the edits, not by comparing texts: each edit
 * touches a known range of old lines, edits touching the same lines form a
 * group, and each group is the old lines it covers replaced by the same
 * lines with the edits applied, minus the lines they have in common at
 * either end (so an insertion shows as added lines only). Groups closer than
 * twice the context share a hunk.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/alloc.h"
#include "server/doc.h"
#include "server/fixwrite.h"
#include "server/project.h"
#include "server/strmap.h"

#define FIXWRITE__CONTEXT 3u

char *fixwrite_apply(const char *text, uint32_t len, const AnEdit *edits, uint32_t count, uint32_t *out_len) {
  OutBuf b;
  outbuf_init(&b);
  uint32_t at = 0;
  for (uint32_t i = 0; i < count; i++) {
    uint32_t s = edits[i].start, e = edits[i].end;
    if (s < at || e < s || e > len) continue; /* malformed: never produced by the analysis */
    outbuf_put(&b, text + at, s - at);
    if (edits[i].text) outbuf_puts(&b, edits[i].text);
    at = e;
  }
  outbuf_put(&b, text + at, len - at);
  outbuf_cstr(&b);
  *out_len = (uint32_t)b.len;
  if (!b.data) return hl_strdup("");
  return b.data;
}

/* ------------------------------------------------------------------------
 * Unified diff.
 */

typedef struct FixLine {
  const char *p;
  uint32_t n; /* bytes, including the '\n' when there is one */
} FixLine;

typedef struct FixLines {
  FixLine *items;
  uint32_t count, cap;
} FixLines;

static void fixwrite__split(FixLines *out, const char *p, uint32_t n) {
  out->count = 0;
  uint32_t start = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (p[i] != '\n' && i + 1 < n) continue;
    if (out->count == out->cap) {
      out->cap = out->cap ? out->cap * 2 : 16;
      out->items = hl_realloc(out->items, out->cap * sizeof *out->items);
    }
    out->items[out->count++] = (FixLine){p + start, i + 1 - start};
    start = i + 1;
  }
}

static bool fixwrite__same(FixLine a, FixLine b) { return a.n == b.n && memcmp(a.p, b.p, a.n) == 0; }

/* One changed region: old lines [oa, ob) become `added`. */
typedef struct FixGroup {
  uint32_t oa, ob;
  char *buf; /* owns the bytes `added` points into */
  FixLines added;
  uint32_t add_from, add_to; /* the used part of `added` */
} FixGroup;

/* The line of byte `offset`: the last line starting at or before it; the
 * (empty) line after the last when offset is past a final newline. */
static uint32_t fixwrite__line_of(const FixLines *old, const char *base, uint32_t offset) {
  uint32_t lo = 0, hi = old->count;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if ((uint32_t)(old->items[mid].p - base) <= offset) lo = mid + 1;
    else hi = mid;
  }
  if (lo == 0) return 0;
  const FixLine *last = &old->items[lo - 1];
  uint32_t end = (uint32_t)(last->p - base) + last->n;
  /* Past the end of the last line (it ended in '\n'): the empty line after. */
  if (lo == old->count && offset >= end && last->n > 0 && last->p[last->n - 1] == '\n') return old->count;
  return lo - 1;
}

static void fixwrite__put_line(OutBuf *out, char mark, FixLine l) {
  outbuf_putc(out, mark);
  outbuf_put(out, l.p, l.n);
  if (l.n == 0 || l.p[l.n - 1] != '\n') outbuf_puts(out, "\n\\ No newline at end of file\n");
}

static void fixwrite__range(OutBuf *out, uint32_t start, uint32_t count) {
  /* An empty range is written as the line before it, as diff(1) does. */
  outbuf_printf(out, "%u", count == 0 ? start : start + 1);
  if (count != 1) outbuf_printf(out, ",%u", count);
}

/* Builds the groups of `edits` over `old`; returns their number. */
static uint32_t fixwrite__groups(const FixLines *old, const char *text, uint32_t len, const AnEdit *edits,
                                 uint32_t count, FixGroup *groups) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < count;) {
    uint32_t a = fixwrite__line_of(old, text, edits[i].start);
    uint32_t last = edits[i].end > edits[i].start ? edits[i].end - 1 : edits[i].start;
    uint32_t b = fixwrite__line_of(old, text, last);
    uint32_t j = i + 1;
    while (j < count && fixwrite__line_of(old, text, edits[j].start) <= b) {
      uint32_t lj = edits[j].end > edits[j].start ? edits[j].end - 1 : edits[j].start;
      uint32_t bj = fixwrite__line_of(old, text, lj);
      if (bj > b) b = bj;
      j++;
    }
    /* Old bytes [from, to) covered by lines a..b. */
    uint32_t from = a < old->count ? (uint32_t)(old->items[a].p - text) : len;
    uint32_t to = b < old->count ? (uint32_t)(old->items[b].p - text) + old->items[b].n : len;
    uint32_t ob = b < old->count ? b + 1 : old->count;
    if (a > ob) a = ob;
    OutBuf nb;
    outbuf_init(&nb);
    uint32_t at = from;
    for (uint32_t k = i; k < j; k++) {
      if (edits[k].start < at || edits[k].end > to) continue;
      outbuf_put(&nb, text + at, edits[k].start - at);
      if (edits[k].text) outbuf_puts(&nb, edits[k].text);
      at = edits[k].end;
    }
    outbuf_put(&nb, text + at, to - at);
    FixGroup *g = &groups[n];
    *g = (FixGroup){.oa = a, .ob = ob, .buf = nb.data};
    fixwrite__split(&g->added, nb.data ? nb.data : "", (uint32_t)nb.len);
    g->add_from = 0;
    g->add_to = g->added.count;
    while (g->oa < g->ob && g->add_from < g->add_to &&
           fixwrite__same(old->items[g->oa], g->added.items[g->add_from]))
      g->oa++, g->add_from++;
    while (g->ob > g->oa && g->add_to > g->add_from &&
           fixwrite__same(old->items[g->ob - 1], g->added.items[g->add_to - 1]))
      g->ob--, g->add_to--;
    if (g->oa == g->ob && g->add_from == g->add_to) {
      hl_free(g->added.items);
      hl_free(g->buf);
    } else {
      n++;
    }
    i = j;
  }
  return n;
}

size_t fixwrite_diff(OutBuf *out, const char *path, const char *text, uint32_t len, const AnEdit *edits,
                     uint32_t count) {
  FixLines old = {0};
  fixwrite__split(&old, text, len);
  FixGroup *groups = hl_calloc(count ? count : 1, sizeof *groups);
  uint32_t n = fixwrite__groups(&old, text, len, edits, count, groups);
  size_t hunks = 0;
  if (n > 0) {
    const char *shown = strncmp(path, "./", 2) == 0 ? path + 2 : path;
    outbuf_printf(out, "--- a/%s\n+++ b/%s\n", shown, shown);
  }
  int64_t delta = 0; /* new line number minus old line number before the hunk */
  for (uint32_t g = 0; g < n;) {
    uint32_t h = g + 1;
    while (h < n && groups[h].oa <= groups[h - 1].ob + 2 * FIXWRITE__CONTEXT) h++;
    uint32_t hs = groups[g].oa > FIXWRITE__CONTEXT ? groups[g].oa - FIXWRITE__CONTEXT : 0;
    uint32_t he = groups[h - 1].ob + FIXWRITE__CONTEXT;
    if (he > old.count) he = old.count;
    int64_t added = 0, removed = 0;
    for (uint32_t k = g; k < h; k++) {
      added += groups[k].add_to - groups[k].add_from;
      removed += groups[k].ob - groups[k].oa;
    }
    uint32_t old_count = he - hs;
    uint32_t new_count = (uint32_t)((int64_t)old_count - removed + added);
    outbuf_puts(out, "@@ -");
    fixwrite__range(out, hs, old_count);
    outbuf_puts(out, " +");
    fixwrite__range(out, (uint32_t)((int64_t)hs + delta), new_count);
    outbuf_puts(out, " @@\n");
    uint32_t line = hs;
    for (uint32_t k = g; k < h;) {
      /* Groups with no line between them form one change: all its removed
       * lines, then all its added lines, as diff(1) prints them. */
      uint32_t r = k + 1;
      while (r < h && groups[r].oa == groups[r - 1].ob) r++;
      for (; line < groups[k].oa; line++) fixwrite__put_line(out, ' ', old.items[line]);
      for (; line < groups[r - 1].ob; line++) fixwrite__put_line(out, '-', old.items[line]);
      for (uint32_t q = k; q < r; q++)
        for (uint32_t a = groups[q].add_from; a < groups[q].add_to; a++)
          fixwrite__put_line(out, '+', groups[q].added.items[a]);
      k = r;
    }
    for (; line < he; line++) fixwrite__put_line(out, ' ', old.items[line]);
    delta += added - removed;
    hunks++;
    g = h;
  }
  for (uint32_t g = 0; g < n; g++) {
    hl_free(groups[g].added.items);
    hl_free(groups[g].buf);
  }
  hl_free(groups);
  hl_free(old.items);
  return hunks;
}

/* ------------------------------------------------------------------------
 * Atomic write.
 */

static int fixwrite__fail(char *why, size_t size, const char *what, int err) {
  snprintf(why, size, "%s: %s", what, strerror(err));
  return -1;
}

static bool fixwrite__write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= (size_t)w;
  }
  return true;
}

/* True when `fd` (at offset 0) holds exactly `text`. */
static bool fixwrite__holds(int fd, const char *text, uint32_t len) {
  char buf[65536];
  uint32_t at = 0;
  for (;;) {
    ssize_t r = read(fd, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return false;
    if (r == 0) return at == len;
    if ((uint64_t)at + (uint64_t)r > len || memcmp(text + at, buf, (size_t)r) != 0) return false;
    at += (uint32_t)r;
  }
}

static bool fixwrite__same_stat(const struct stat *st, int64_t sec, long nsec, uint32_t len) {
  return (int64_t)st->st_mtim.tv_sec == sec && st->st_mtim.tv_nsec == nsec && st->st_size == (off_t)len;
}

/* The temporary file starts unnamed (O_TMPFILE) where the filesystem allows
 * it, and gets a name only right before the rename (fixwrite__name), so a
 * run killed while writing or syncing leaves nothing behind; elsewhere it is
 * a named mkostemp file from the start. On success *tmp is NULL for an
 * unnamed file, else the hl_malloc'd name. */
static int fixwrite__temp_open(const char *dir, const char *base, char **tmp) {
  *tmp = NULL;
  int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL && errno != ENOENT) return -1;
  /* mkostemp's template ends in six 'X' characters, which it replaces. */
  char suffix[7];
  memset(suffix, 'X', 6);
  suffix[6] = '\0';
  *tmp = hl_asprintf("%s/.%s.hybridls-%s", dir, base, suffix);
  fd = mkostemp(*tmp, O_CLOEXEC);
  if (fd < 0) {
    hl_free(*tmp);
    *tmp = NULL;
  }
  return fd;
}

/* Links an unnamed temporary file into `dir` under a fresh name. */
static char *fixwrite__name(int fd, const char *dir, const char *base) {
  char proc[64];
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
  for (unsigned i = 0; i < 1000; i++) {
    char *name = hl_asprintf("%s/.%s.hybridls-%ld-%u", dir, base, (long)getpid(), i);
    if (linkat(AT_FDCWD, proc, AT_FDCWD, name, AT_SYMLINK_FOLLOW) == 0) return name;
    int err = errno;
    hl_free(name);
    if (err != EEXIST) {
      errno = err;
      return NULL;
    }
  }
  errno = EEXIST;
  return NULL;
}

/* The process id in a name fixwrite__name gives (`.m.py.hybridls-PID-N`),
 * or -1 for any other name. */
static long fixwrite__temp_pid(const char *name) {
  const char *mark = name[0] == '.' ? strstr(name, ".hybridls-") : NULL;
  if (!mark || mark == name) return -1;
  const char *p = mark + strlen(".hybridls-");
  char *end;
  errno = 0;
  long pid = strtol(p, &end, 10);
  if (errno || end == p || *end != '-' || pid <= 0) return -1;
  p = end + 1;
  strtoul(p, &end, 10);
  return end != p && *end == '\0' ? pid : -1;
}

void fixwrite_sweep(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  int fd = dirfd(d);
  for (struct dirent *e; (e = readdir(d));) {
    long pid = fixwrite__temp_pid(e->d_name);
    struct stat st;
    if (pid < 0 || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;
    if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode)) unlinkat(fd, e->d_name, 0);
  }
  closedir(d);
}

int fixwrite_file(const char *path, const char *old_text, uint32_t old_len, int64_t mtime_sec, long mtime_nsec,
                  const char *new_text, uint32_t new_len, char *why, size_t why_size) {
  static const char changed[] = "it changed while hybridls was running; not fixed";
  int rc = -1;
  int fd = -1, tmp_fd = -1, dir_fd = -1;
  char *tmp = NULL, *dir = NULL;
  struct stat st, again;

  fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ELOOP) snprintf(why, why_size, "a symbolic link; not fixed");
    else fixwrite__fail(why, why_size, "cannot open", errno);
    goto cleanup;
  }
  if (fstat(fd, &st) != 0) {
    fixwrite__fail(why, why_size, "cannot stat", errno);
    goto cleanup;
  }
  if (!S_ISREG(st.st_mode)) {
    snprintf(why, why_size, "not a regular file; not fixed");
    goto cleanup;
  }
  if (!fixwrite__same_stat(&st, mtime_sec, mtime_nsec, old_len) || !fixwrite__holds(fd, old_text, old_len)) {
    snprintf(why, why_size, "%s", changed);
    goto cleanup;
  }

  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  dir = slash ? hl_strndup(path, slash == path ? 1 : (size_t)(slash - path)) : hl_strdup(".");
  tmp_fd = fixwrite__temp_open(dir, base, &tmp);
  if (tmp_fd < 0) {
    fixwrite__fail(why, why_size, "cannot create a temporary file", errno);
    goto cleanup;
  }
  if (!fixwrite__write_all(tmp_fd, new_text, new_len)) {
    fixwrite__fail(why, why_size, "cannot write the temporary file", errno);
    goto cleanup;
  }
  if (fchmod(tmp_fd, st.st_mode & 07777) != 0) {
    fixwrite__fail(why, why_size, "cannot set the permissions", errno);
    goto cleanup;
  }
  /* Keep the owner when we may (as root, or the group we belong to);
   * otherwise the file becomes ours, as with any editor's save. */
  if (fchown(tmp_fd, st.st_uid, st.st_gid) != 0 && errno != EPERM) {
    fixwrite__fail(why, why_size, "cannot set the owner", errno);
    goto cleanup;
  }
  if (fsync(tmp_fd) != 0) {
    fixwrite__fail(why, why_size, "cannot sync the temporary file", errno);
    goto cleanup;
  }
  /* Last look before replacing: still the same file, untouched. */
  if (lstat(path, &again) != 0 || !S_ISREG(again.st_mode) || again.st_ino != st.st_ino || again.st_dev != st.st_dev ||
      !fixwrite__same_stat(&again, mtime_sec, mtime_nsec, old_len)) {
    snprintf(why, why_size, "%s", changed);
    goto cleanup;
  }
  if (!tmp && !(tmp = fixwrite__name(tmp_fd, dir, base))) {
    fixwrite__fail(why, why_size, "cannot name the temporary file", errno);
    goto cleanup;
  }
  if (rename(tmp, path) != 0) {
    fixwrite__fail(why, why_size, "cannot replace the file", errno);
    goto cleanup;
  }
  hl_free(tmp);
  tmp = NULL;
  dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0 || fsync(dir_fd) != 0) {
    fixwrite__fail(why, why_size, "written, but cannot sync its directory", errno);
    goto cleanup;
  }
  rc = 0;

cleanup:
  if (tmp) unlink(tmp);
  if (tmp_fd >= 0) close(tmp_fd);
  if (fd >= 0) close(fd);
  if (dir_fd >= 0) close(dir_fd);
  hl_free(tmp);
  hl_free(dir);
  return rc;
}

/* ------------------------------------------------------------------------
 * The run.
 */

typedef struct FixSlot {
  bool has_fixes;
  char *old_text;   /* as analysed (FIXWRITE_WRITE) */
  uint32_t old_len;
  char *new_text;
  uint32_t new_len;
  uint32_t edit_count;
  OutBuf diff;
  int64_t mtime_sec; /* of the file after the analysis, -1 when stat failed */
  long mtime_nsec;
} FixSlot;

typedef struct FixCtx {
  FixwriteMode mode;
  FixSlot *slots;
} FixCtx;

static void fixwrite__visit(void *ctx, size_t index, const char *path, const Doc *doc, const AnModel *model) {
  FixCtx *c = ctx;
  FixSlot *slot = &c->slots[index];
  uint32_t count = 0;
  const AnEdit *edits = an_model_fix_all(model, &count);
  if (count == 0) return;
  uint32_t len;
  const char *text = doc_text(doc, &len);
  if (c->mode == FIXWRITE_DIFF) {
    slot->has_fixes = fixwrite_diff(&slot->diff, path, text, len, edits, count) > 0;
    return;
  }
  slot->has_fixes = true;
  struct stat st;
  if (stat(path, &st) == 0) {
    slot->mtime_sec = (int64_t)st.st_mtim.tv_sec;
    slot->mtime_nsec = st.st_mtim.tv_nsec;
  } else {
    slot->mtime_sec = -1;
  }
  slot->old_text = hl_malloc((size_t)len + 1);
  memcpy(slot->old_text, text, len);
  slot->old_text[len] = '\0';
  slot->old_len = len;
  slot->new_text = fixwrite_apply(text, len, edits, count, &slot->new_len);
  slot->edit_count = count;
}

/* True when `real` lies inside one of the walk's real roots. */
static bool fixwrite__inside_roots(const FsWalk *walk, const char *real) {
  for (size_t i = 0; i < walk->real_root_count; i++) {
    const char *root = walk->real_roots[i];
    size_t n = strlen(root);
    if (strncmp(real, root, n) == 0 && (real[n] == '/' || (n > 0 && root[n - 1] == '/'))) return true;
  }
  return false;
}

/* Writes one slot; returns false when the file was refused or failed.
 * `swept` holds the directories fixwrite_sweep has cleaned in this run. */
static bool fixwrite__write_slot(const FsWalk *walk, const char *path, const char *real, const FixSlot *slot,
                                 StrMap *swept) {
  char why[512];
  struct stat st;
  const char *target = path;
  if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
    /* Replace the link's target, never the link, and only inside the
     * directories given. */
    if (!real || !fixwrite__inside_roots(walk, real)) {
      fprintf(stderr, "hybridls: %s: a symbolic link leading outside the given directories; not fixed\n", path);
      return false;
    }
    target = real;
  }
  if (slot->mtime_sec < 0) {
    fprintf(stderr, "hybridls: %s: it changed while hybridls was running; not fixed\n", path);
    return false;
  }
  if (slot->new_len == slot->old_len && memcmp(slot->new_text, slot->old_text, slot->old_len) == 0) return true;
  const char *slash = strrchr(target, '/');
  char *dir = slash ? hl_strndup(target, slash == target ? 1 : (size_t)(slash - target)) : hl_strdup(".");
  if (!strmap_get(swept, dir)) {
    fixwrite_sweep(dir);
    strmap_put(swept, dir, (void *)1);
  }
  hl_free(dir);
  if (fixwrite_file(target, slot->old_text, slot->old_len, slot->mtime_sec, slot->mtime_nsec, slot->new_text,
                    slot->new_len, why, sizeof why) != 0) {
    fprintf(stderr, "hybridls: %s: %s\n", path, why);
    return false;
  }
  fprintf(stderr, "hybridls: fixed %s (%u edit%s)\n", path, slot->edit_count, slot->edit_count == 1 ? "" : "s");
  return true;
}

int fixwrite_run(const FsWalk *walk, const AnConfig *config, const AnConfig *const *configs, unsigned jobs,
                 FixwriteMode mode) {
  size_t n = walk->file_count;
  FixCtx ctx = {mode, hl_calloc(n ? n : 1, sizeof(FixSlot))};
  for (size_t i = 0; i < n; i++) outbuf_init(&ctx.slots[i].diff);
  ProjectOptions opt = {
      .paths = (const char *const *)walk->files,
      .path_count = n,
      .roots = (const char *const *)walk->roots,
      .root_count = walk->root_count,
      .config = config,
      .configs = configs,
      .jobs = jobs,
      .visit = fixwrite__visit,
      .ctx = &ctx,
  };
  ProjectStats stats;
  bool failed = project_run(&opt, &stats) != 0 || walk->errors > 0 || stats.files_failed > 0;
  bool any = false;
  char **seen = hl_calloc(n ? n : 1, sizeof *seen);
  size_t seen_count = 0;
  StrMap swept;
  strmap_init(&swept);
  for (size_t i = 0; i < n; i++) {
    FixSlot *slot = &ctx.slots[i];
    if (!slot->has_fixes) continue;
    /* The same file reached twice (a symlink to it was walked too) is
     * handled once, under its first path. */
    char *real = realpath(walk->files[i], NULL);
    bool dup = false;
    for (size_t k = 0; real && k < seen_count && !dup; k++) dup = strcmp(seen[k], real) == 0;
    if (dup) {
      free(real);
      continue;
    }
    if (real) {
      seen[seen_count++] = hl_strdup(real);
    }
    any = true;
    if (mode == FIXWRITE_DIFF) {
      if (outbuf_write(&slot->diff, stdout) != 0) failed = true;
    } else if (!fixwrite__write_slot(walk, walk->files[i], real, slot, &swept)) {
      failed = true;
    }
    free(real); /* realpath allocates with malloc */
  }
  if (fflush(stdout) != 0) {
    fputs("hybridls: cannot write to stdout\n", stderr);
    failed = true;
  }
  for (size_t k = 0; k < seen_count; k++) hl_free(seen[k]);
  hl_free(seen);
  strmap_deinit(&swept);
  for (size_t i = 0; i < n; i++) {
    hl_free(ctx.slots[i].old_text);
    hl_free(ctx.slots[i].new_text);
    outbuf_deinit(&ctx.slots[i].diff);
  }
  hl_free(ctx.slots);
  return failed ? 2 : any ? 1 : 0;
}
