/* server/project — read, parse, summarise, index and analyse a set of files
 * (see project.h for the phases and the threading contract).
 *
 * Work is shared out with one atomic counter per phase: each worker takes the
 * next file index until none is left, so a few large files do not leave the
 * other cores idle behind a static partition. The calling thread works too.
 * Results land in per-file slots, and everything that must be ordered (error
 * messages, index insertion, output) happens afterwards in path order, so
 * the output does not depend on scheduling.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/alloc.h"
#include "server/lang.h"
#include "server/project.h"

/* Syntax trees take about 40 bytes per byte of source and the models built
 * for the summaries about 15 more, so keeping them all from phase 1 to
 * phase 3 does not scale to very large trees of files. Trees and models are
 * kept while the source they cover stays under this budget (about 900 MB);
 * the files beyond it keep only their text and are parsed and walked again
 * in phase 3, trading CPU time for bounded memory. */
enum { PROJECT_TREE_BUDGET = 16u << 20 };

typedef struct ProjectSlot {
  Doc *doc;           /* phase 1 -> phase 3, when its tree is kept */
  AnModel *model;     /* with the tree: the summary's model, finished in phase 3 */
  char *text;         /* phase 1 -> phase 3, when the tree is not kept */
  uint32_t len;
  AnSummary *summary; /* phase 1 -> index */
  int err;            /* errno of a failed read, 0 otherwise */
} ProjectSlot;

typedef struct ProjectShared {
  const ProjectOptions *opt;
  const AnLang *lang;
  const AnIndex *index;
  ProjectSlot *slots;
  atomic_size_t next;
  atomic_size_t kept_bytes; /* source bytes whose trees are kept */
} ProjectShared;


static void project__oom(void) {
  fputs("hybridls: out of memory\n", stderr);
  exit(70);
}

unsigned project_thread_count(unsigned jobs, size_t work) {
  size_t n = jobs;
  if (n == 0) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    n = cpus > 0 ? (size_t)cpus : 1;
  }
  if (n > work) n = work;
  if (n < 1) n = 1;
  if (n > 1024) n = 1024;
  return (unsigned)n;
}

/* Reads the whole file with one read when its size is known. Returns 0 and a
 * new buffer, or an errno value. */
static int project__read(const char *path, char **out, uint32_t *out_len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  int err = 0;
  char *buf = NULL;
  struct stat st;
  if (fstat(fd, &st) != 0) {
    err = errno;
    goto fail;
  }
  if (S_ISDIR(st.st_mode)) {
    err = EISDIR;
    goto fail;
  }
  bool sized = S_ISREG(st.st_mode);
  if (sized && (uint64_t)st.st_size >= UINT32_MAX) {
    err = EFBIG;
    goto fail;
  }
  size_t cap = sized ? (size_t)st.st_size + 1 : 65536;
  size_t len = 0;
  buf = hl_malloc(cap);
  for (;;) {
    if (len == cap) {
      if (cap >= UINT32_MAX) {
        err = EFBIG;
        goto fail;
      }
      cap *= 2;
      buf = hl_realloc(buf, cap);
    }
    ssize_t r = read(fd, buf + len, cap - len);
    if (r < 0) {
      if (errno == EINTR) continue;
      err = errno;
      goto fail;
    }
    if (r == 0) break;
    len += (size_t)r;
    /* A regular file read to its known size is complete: skip the read
     * that would only confirm the end. */
    if (sized && len == (size_t)st.st_size) break;
  }
  if (len >= UINT32_MAX) {
    err = EFBIG;
    goto fail;
  }
  close(fd);
  *out = buf;
  *out_len = (uint32_t)len;
  return 0;

fail:
  hl_free(buf);
  close(fd);
  return err;
}

static TSParser *project__parser_new(void) {
  TSParser *parser = ts_parser_new();
  if (!parser || !ts_parser_set_language(parser, hl_python_language())) project__oom();
  return parser;
}

static void project__phase1(ProjectShared *sh) {
  const ProjectOptions *opt = sh->opt;
  TSParser *parser = project__parser_new();
  for (;;) {
    size_t i = atomic_fetch_add(&sh->next, 1);
    if (i >= opt->path_count) break;
    ProjectSlot *slot = &sh->slots[i];
    char *text = NULL;
    uint32_t len = 0;
    slot->err = project__read(opt->paths[i], &text, &len);
    if (slot->err) continue;
    Doc *doc = doc_new(opt->paths[i], text, len, 0, parser);
    if (!doc_tree(doc)) {
      /* tree-sitter returns no tree only without a language or when
       * cancelled, neither of which happens here. */
      doc_free(doc);
      hl_free(text);
      slot->err = EIO;
      continue;
    }
    uint32_t doc_len;
    const char *doc_txt = doc_text(doc, &doc_len);
    AnSource src = {.lang = sh->lang, .text = doc_txt, .length = doc_len, .tree = doc_tree(doc),
                     .path = opt->paths[i], .roots = opt->roots, .root_count = opt->root_count};
    AnModel *model = an_model_build_for_summary(&src);
    slot->summary = model ? an_summary_from_model(model) : NULL;
    if (!slot->summary) project__oom();
    size_t kept = atomic_fetch_add(&sh->kept_bytes, (size_t)len) + len;
    if (kept <= PROJECT_TREE_BUDGET) {
      /* Phase 3 completes this model rather than walking the tree again. */
      slot->doc = doc;
      slot->model = model;
      hl_free(text);
    } else {
      an_model_free(model);
      doc_free(doc);
      slot->text = text;
      slot->len = len;
    }
  }
  ts_parser_delete(parser);
}

static void project__phase3(ProjectShared *sh) {
  const ProjectOptions *opt = sh->opt;
  TSParser *parser = NULL;
  for (;;) {
    size_t i = atomic_fetch_add(&sh->next, 1);
    if (i >= opt->path_count) break;
    ProjectSlot *slot = &sh->slots[i];
    if (slot->text) {
      if (!parser) parser = project__parser_new();
      slot->doc = doc_new(opt->paths[i], slot->text, slot->len, 0, parser);
      hl_free(slot->text);
      slot->text = NULL;
      if (!doc_tree(slot->doc)) {
        doc_free(slot->doc);
        slot->doc = NULL;
      }
    }
    if (!slot->doc) continue;
    uint32_t len;
    const char *text = doc_text(slot->doc, &len);
    AnSource src = {.lang = sh->lang, .text = text, .length = len, .tree = doc_tree(slot->doc),
                     .path = opt->paths[i], .roots = opt->roots, .root_count = opt->root_count};
    const AnConfig *cfg = opt->configs && opt->configs[i] ? opt->configs[i] : opt->config;
    AnModel *model = slot->model;
    slot->model = NULL;
    if (model && an_model_finish(model, cfg, sh->index) != 0) project__oom();
    if (!model) model = an_model_build(&src, cfg, sh->index);
    if (!model) project__oom();
    opt->visit(opt->ctx, i, opt->paths[i], slot->doc, model);
    an_model_free(model);
    /* Free as we go: the trees are the bulk of the memory. */
    doc_free(slot->doc);
    slot->doc = NULL;
  }
  if (parser) ts_parser_delete(parser);
}

typedef struct ProjectThread {
  pthread_t tid;
  ProjectShared *shared;
  void (*fn)(ProjectShared *);
} ProjectThread;

static void *project__thread_main(void *arg) {
  ProjectThread *t = arg;
  t->fn(t->shared);
  return NULL;
}

/* Runs fn on `threads` threads (the caller being one of them). */
static void project__parallel(ProjectShared *sh, unsigned threads, void (*fn)(ProjectShared *)) {
  atomic_store(&sh->next, 0);
  ProjectThread *pool = threads > 1 ? hl_calloc(threads - 1, sizeof *pool) : NULL;
  unsigned started = 0;
  for (unsigned t = 0; t + 1 < threads; t++) {
    pool[t].shared = sh;
    pool[t].fn = fn;
    if (pthread_create(&pool[t].tid, NULL, project__thread_main, &pool[t]) != 0) break;
    started++;
  }
  fn(sh);
  for (unsigned t = 0; t < started; t++) pthread_join(pool[t].tid, NULL);
  hl_free(pool);
}

int project_run(const ProjectOptions *opt, ProjectStats *stats) {
  int rc = -1;
  memset(stats, 0, sizeof *stats);
  char err[256] = "";
  AnLang *lang = an_lang_new(hl_python_language(), err, sizeof err);
  if (!lang) {
    fprintf(stderr, "hybridls: %s\n", err[0] ? err : "cannot load the Python grammar");
    return -1;
  }
  ProjectShared sh = {.opt = opt, .lang = lang};
  atomic_init(&sh.next, 0);
  atomic_init(&sh.kept_bytes, 0);
  sh.slots = hl_calloc(opt->path_count ? opt->path_count : 1, sizeof *sh.slots);
  AnIndex *index = an_index_new(opt->roots, opt->root_count);
  if (!index) project__oom();
  unsigned threads = project_thread_count(opt->jobs, opt->path_count);

  project__parallel(&sh, threads, project__phase1);

  for (size_t i = 0; i < opt->path_count; i++) {
    ProjectSlot *slot = &sh.slots[i];
    if (slot->err) {
      fprintf(stderr, "hybridls: %s: %s\n", opt->paths[i], strerror(slot->err));
      stats->files_failed++;
      continue;
    }
    /* The index owns the summary from here, even on failure. */
    if (an_index_put(index, opt->paths[i], slot->summary) != 0) project__oom();
    slot->summary = NULL;
    stats->files_read++;
  }
  if (an_index_finalize(index) != 0) project__oom();

  sh.index = index;
  project__parallel(&sh, threads, project__phase3);
  rc = 0;

  an_index_free(index);
  hl_free(sh.slots);
  an_lang_free(lang);
  return rc;
}
