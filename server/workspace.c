/* server/workspace — the workspace index on libuv's thread pool, kept
 * current from watched files and open documents (see workspace.h).
 *
 * State per file (WsFile, in a table keyed by path, never shrinking during a
 * session): its generation, the latest work item reading it, whether it is
 * open and the hash of the open text last summarised, and whether the index
 * holds a summary of it.
 *
 * Work: WsJob items wait on a FIFO and at most WS__IN_FLIGHT run on the
 * pool at once, so that a large first scan leaves pool threads for later
 * events and cancelling at shutdown is quick. The walk itself (fswalk, which
 * stats every directory) is one more work item, WsWalk.
 *
 * The initial scan: walk, then read every file found; its puts only mark the
 * index dirty, and it is finalized once when the last file came back (or
 * earlier when an open document is analysed meanwhile). Progress is reported
 * on the token created for it, once the client accepted the token.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tree_sitter/api.h>

#include "protocol/lsp.h"
#include "protocol/rpc.h"
#include "server/alloc.h"
#include "server/docstore.h"
#include "server/fswalk.h"
#include "server/lang.h"
#include "server/log.h"
#include "server/pyproject.h"
#include "server/strmap.h"
#include "server/workspace.h"

#define WS__IN_FLIGHT 8u
/* An open document being edited is summarised again only after this much
 * quiet: its summary matters to the other modules, not to its own analysis,
 * and building it (a second model) plus finalizing the index on every
 * keystroke would double the cost of typing. A document being opened waits
 * the same way (unless the index holds its text from disk already), so its
 * first diagnostics do not pay for a second walk and an index finalize that
 * grows with the workspace. The deferred summaries are built on the thread
 * pool from a copy of the text; a save summarises at once. */
#define WS__RESUMMARISE_MS 300u
#define WS__PROGRESS_TOKEN "hybridls/index"

typedef struct WsJob WsJob;

typedef struct WsFile {
  uint64_t gen;
  WsJob *job;        /* the latest work item for this file, or NULL */
  bool open;         /* an open document: its summary wins */
  bool open_summarised;
  uint64_t open_hash; /* of the open text last summarised */
  bool indexed;
  uint64_t disk_hash; /* of the file's text behind the index's summary, when that came from disk */
  bool from_disk;
  bool stale;         /* the open text changed since it was summarised */
  char *uri;          /* owned, while open: to find the document again */
} WsFile;

struct WsJob {
  uv_work_t req;
  Workspace *ws;
  WsJob *next;  /* pending FIFO, or the in-flight list */
  char *path;   /* owned; also the key of its WsFile */
  char *text;   /* owned copy of an open document's text, or NULL to read the file */
  uint32_t text_len;
  uint64_t gen;
  bool scan;    /* counts for the initial scan's progress */
  bool open;    /* summarises an open document's text */
  bool submitted;
  /* Results, written by the worker, read in the after-work callback. */
  AnSummary *summary;
  uint64_t hash; /* of the text read */
  int err;
};

typedef struct WsWalk {
  uv_work_t req;
  Workspace *ws;
  FsWalk walk;
} WsWalk;

typedef enum WsProgress {
  WS_PROGRESS_NONE = 0,
  WS_PROGRESS_REQUESTED, /* create sent, no answer yet */
  WS_PROGRESS_BEGUN,
  WS_PROGRESS_DONE, /* ended, refused, or never possible */
} WsProgress;

struct Workspace {
  uv_timer_t flush_timer; /* finalizes the index once per loop turn */
  uv_timer_t resummarise_timer; /* re-summarises edited open documents after WS__RESUMMARISE_MS */
  uv_loop_t *loop;
  Server *srv;
  const AnLang *lang;
  char **roots;      /* as given (paths of the folder URIs), for the walk and module names */
  char **real_roots; /* absolute and symlink-free, for the pyproject search */
  size_t root_count;
  /* Root lists replaced by workspace/didChangeWorkspaceFolders: work on the
   * pool may still read them, so they are freed with the workspace. */
  char ***retired;
  size_t retired_count;
  AnIndex *index;
  uint64_t fingerprint;
  bool dirty; /* puts or removes since the last finalize */
  StrMap files;        /* path -> WsFile */
  PyprojectCache *configs;
  StrMap shown;        /* configuration problems already shown */
  WsJob *pending, *pending_tail;
  WsJob *in_flight;
  unsigned in_flight_count;
  WsWalk *walk;        /* the walk on the pool, or NULL */
  bool rescan;         /* walk again once the current walk is back */
  bool scanning;       /* a scan's files are still being read */
  bool started;        /* `initialized` was handled */
  bool initial_done;   /* the initial scan finished */
  size_t scan_total, scan_done;
  int last_percentage;
  /* Client capabilities. */
  bool progress_supported;
  bool watch_supported;
  WsProgress progress;
  int refs; /* the timer handle + work in flight */
  bool closing;
};

static void ws__oom(void) {
  fputs("hybridls: out of memory\n", stderr);
  exit(70);
}

static uint64_t ws__hash(const char *s, uint32_t len) {
  uint64_t h = 14695981039346656037ull; /* FNV-1a 64 */
  for (uint32_t i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
  return h ^ len;
}

static bool ws__is_python(const char *path) {
  size_t n = strlen(path);
  return (n > 3 && strcmp(path + n - 3, ".py") == 0) || (n > 4 && strcmp(path + n - 4, ".pyi") == 0);
}

static bool ws__is_pyproject(const char *path) {
  const char *slash = strrchr(path, '/');
  return strcmp(slash ? slash + 1 : path, "pyproject.toml") == 0;
}

static char *ws__path(const char *uri) {
  char *path = lsp_uri_to_path(uri);
  if (!path) return hl_strdup(uri);
  char *copy = hl_strdup(path);
  rpc_free(path);
  return copy;
}

static bool ws__inside_roots(const Workspace *ws, const char *path) {
  for (size_t i = 0; i < ws->root_count; i++) {
    size_t n = strlen(ws->roots[i]);
    if (strncmp(path, ws->roots[i], n) == 0 && (path[n] == '/' || (n == 1 && ws->roots[i][0] == '/'))) return true;
  }
  return false;
}

static WsFile *ws__file(Workspace *ws, const char *path) {
  WsFile *f = strmap_get(&ws->files, path);
  if (!f) {
    f = hl_calloc(1, sizeof *f);
    strmap_put(&ws->files, path, f);
  }
  return f;
}

/* ------------------------------------------------------------------------
 * Configuration.
 */

static void ws__config_problem(void *data, const PyprojectConfig *cfg) {
  Workspace *ws = data;
  char *message = hl_asprintf("hybridls: %s: %s", cfg->path, cfg->problems);
  if (!strmap_get(&ws->shown, message)) {
    strmap_put(&ws->shown, message, ws);
    server_show_message(ws->srv, cfg->invalid ? 1 : 2, "%s", message);
  }
  hl_free(message);
}

static const PyprojectConfig *ws__config(Workspace *ws, const char *path) {
  return pyproject_cache_lookup(ws->configs, path, (const char *const *)ws->real_roots, ws->root_count);
}

/* ------------------------------------------------------------------------
 * The index.
 */

/* Finalizes after changes; when the cross-file facts moved, the open
 * documents other than `except_uri` are analysed again. */
static void ws__flush(Workspace *ws, const char *except_uri) {
  if (!ws->dirty) return;
  ws->dirty = false;
  if (!ws->closing) uv_timer_stop(&ws->flush_timer);
  if (an_index_finalize(ws->index) != 0) ws__oom();
  uint64_t fp = an_index_fingerprint(ws->index);
  if (fp == ws->fingerprint) return;
  ws->fingerprint = fp;
  hl_log(HL_LOG_DEBUG, "workspace index: %zu files, cross-file facts changed", an_index_size(ws->index));
  if (ws->closing) return;
  docstore_index_changed(server_docs(ws->srv), except_uri, ws->index);
  /* Graph-mode spans of open documents may have moved too. */
  handlers_graph_refresh(ws->srv, true, true);
}

static void ws__on_flush_timer(uv_timer_t *timer) { ws__flush(timer->data, NULL); }

/* The index changed: finalize on the next loop turn, or at the end of the
 * scan that is running. */
static void ws__touched(Workspace *ws) {
  ws->dirty = true;
  if (!ws->scanning && !ws->closing) uv_timer_start(&ws->flush_timer, ws__on_flush_timer, 0, 0);
}

static void ws__put(Workspace *ws, const char *path, WsFile *f, AnSummary *summary) {
  if (an_index_put(ws->index, path, summary) != 0) ws__oom();
  f->indexed = true;
  ws__touched(ws);
}

static void ws__remove(Workspace *ws, const char *path, WsFile *f) {
  if (!f->indexed) return;
  an_index_remove(ws->index, path);
  f->indexed = false;
  ws__touched(ws);
}

/* ------------------------------------------------------------------------
 * Progress.
 */

static void ws__progress_send(Workspace *ws, json_t *value) {
  server_notify(ws->srv, "$/progress", json_pack("{s:s, s:o}", "token", WS__PROGRESS_TOKEN, "value", value));
}

static int ws__percentage(const Workspace *ws) {
  if (!ws->scan_total) return ws->scanning || ws->walk ? 0 : 100;
  return (int)(ws->scan_done * 100 / ws->scan_total);
}

static void ws__progress_begin(Workspace *ws) {
  ws->last_percentage = ws__percentage(ws);
  ws__progress_send(ws, json_pack("{s:s, s:s, s:b, s:s, s:i}", "kind", "begin", "title", "hybridls: indexing",
                                  "cancellable", 0, "message", "looking for Python files", "percentage",
                                  ws->last_percentage));
  ws->progress = WS_PROGRESS_BEGUN;
}

static void ws__progress_end(Workspace *ws) {
  char message[64];
  snprintf(message, sizeof message, "%zu files indexed", an_index_size(ws->index));
  ws__progress_send(ws, json_pack("{s:s, s:s}", "kind", "end", "message", message));
  ws->progress = WS_PROGRESS_DONE;
}

static void ws__progress_report(Workspace *ws) {
  if (ws->progress != WS_PROGRESS_BEGUN || ws->initial_done) return;
  int pct = ws__percentage(ws);
  if (pct == ws->last_percentage) return;
  ws->last_percentage = pct;
  char message[64];
  snprintf(message, sizeof message, "%zu/%zu files", ws->scan_done, ws->scan_total);
  ws__progress_send(ws, json_pack("{s:s, s:s, s:i}", "kind", "report", "message", message, "percentage", pct));
}

static void ws__on_progress_created(Server *srv, json_t *result, json_t *error) {
  (void)result;
  Workspace *ws = server_workspace(srv);
  if (!ws || ws->closing || ws->progress != WS_PROGRESS_REQUESTED) return;
  if (error) {
    /* The client refused the token: it must not be used. */
    ws->progress = WS_PROGRESS_DONE;
    return;
  }
  ws__progress_begin(ws);
  if (ws->initial_done) ws__progress_end(ws);
}

/* ------------------------------------------------------------------------
 * Reading files on the pool.
 */

static void ws__release(Workspace *ws);
static void ws__pump(Workspace *ws);
static void ws__scan_check_done(Workspace *ws);

/* Reads a whole file. Returns 0 and a new buffer, or an errno value. */
static int ws__read(const char *path, char **out, uint32_t *out_len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  int err = 0;
  struct stat st;
  if (fstat(fd, &st) != 0) {
    err = errno;
    close(fd);
    return err;
  }
  if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > DOCSTORE_MAX_ANALYSED) {
    close(fd);
    return S_ISREG(st.st_mode) ? EFBIG : EISDIR;
  }
  size_t cap = (size_t)st.st_size + 1, len = 0;
  char *buf = hl_malloc(cap);
  for (;;) {
    if (len == cap) {
      if (cap > DOCSTORE_MAX_ANALYSED) {
        err = EFBIG;
        break;
      }
      cap *= 2;
      buf = hl_realloc(buf, cap);
    }
    ssize_t r = read(fd, buf + len, cap - len);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      err = errno;
      break;
    }
    if (r == 0) break;
    len += (size_t)r;
  }
  close(fd);
  if (err) {
    hl_free(buf);
    return err;
  }
  *out = buf;
  *out_len = (uint32_t)len;
  return 0;
}

/* Worker thread: read, parse with a parser of this work item, summarise. */
static void ws__job_work(uv_work_t *req) {
  WsJob *job = req->data;
  const Workspace *ws = job->ws;
  char *text = job->text;
  uint32_t len = job->text_len;
  job->text = NULL; /* freed below either way */
  if (!text) job->err = ws__read(job->path, &text, &len);
  if (job->err) return;
  job->hash = ws__hash(text, len);
  TSParser *parser = ts_parser_new();
  if (!parser || !ts_parser_set_language(parser, hl_python_language())) ws__oom();
  TSTree *tree = hl_parse(parser, NULL, text, len);
  if (tree) {
    AnSource src = {.lang = ws->lang, .text = text, .length = len, .tree = tree, .path = job->path,
                    .roots = (const char *const *)ws->roots, .root_count = ws->root_count};
    job->summary = an_summary_build(&src);
    if (!job->summary) ws__oom();
    ts_tree_delete(tree);
  } else {
    job->err = EIO;
  }
  ts_parser_delete(parser);
  hl_free(text);
}

static void ws__job_free(WsJob *job) {
  an_summary_free(job->summary);
  hl_free(job->text);
  hl_free(job->path);
  hl_free(job);
}

/* Loop thread: the work item came back (or was cancelled). */
static void ws__job_done(uv_work_t *req, int status) {
  WsJob *job = req->data;
  Workspace *ws = job->ws;
  for (WsJob **link = &ws->in_flight; *link; link = &(*link)->next) {
    if (*link == job) {
      *link = job->next;
      break;
    }
  }
  ws->in_flight_count--;
  WsFile *f = strmap_get(&ws->files, job->path);
  if (f && f->job == job) f->job = NULL;
  /* An open document's summary counts while it is open, a read of the
   * file only while it is not. */
  bool current = status == 0 && !ws->closing && f && f->gen == job->gen && f->open == job->open;
  if (current) {
    if (job->err == 0) {
      ws__put(ws, job->path, f, job->summary);
      job->summary = NULL;
      f->from_disk = !job->open;
      f->disk_hash = job->hash;
      f->open_summarised = job->open;
      f->open_hash = job->hash;
    } else {
      if (job->err != ENOENT && job->err != ENOTDIR)
        hl_log(HL_LOG_INFO, "workspace index: %s: %s", job->path, strerror(job->err));
      ws__remove(ws, job->path, f);
    }
  }
  if (job->scan) ws->scan_done++;
  ws__job_free(job);
  if (!ws->closing) {
    ws__progress_report(ws);
    ws__scan_check_done(ws);
    ws__pump(ws);
  }
  ws__release(ws);
}

static void ws__pump(Workspace *ws) {
  while (ws->pending && ws->in_flight_count < WS__IN_FLIGHT && !ws->closing) {
    WsJob *job = ws->pending;
    ws->pending = job->next;
    if (!ws->pending) ws->pending_tail = NULL;
    job->submitted = true;
    job->req.data = job;
    job->next = ws->in_flight;
    ws->in_flight = job;
    ws->in_flight_count++;
    ws->refs++;
    if (uv_queue_work(ws->loop, &job->req, ws__job_work, ws__job_done) != 0) {
      /* Only fails for a NULL callback; treat like a cancelled item. */
      ws__job_done(&job->req, UV_ECANCELED);
    }
  }
}

/* A new work item for `f`, replacing (and cancelling) the one it had. */
static WsJob *ws__new_job(Workspace *ws, const char *path, WsFile *f) {
  if (f->job) uv_cancel((uv_req_t *)&f->job->req);
  WsJob *job = hl_calloc(1, sizeof *job);
  job->ws = ws;
  job->path = hl_strdup(path);
  job->gen = f->gen;
  f->job = job;
  return job;
}

/* Schedules a read of `path` from disk, superseding earlier ones. */
static void ws__request_read(Workspace *ws, const char *path, bool scan) {
  WsFile *f = ws__file(ws, path);
  f->gen++;
  if (f->job && !f->job->submitted) {
    /* Not started yet: it will read the new content. */
    f->job->gen = f->gen;
    return;
  }
  WsJob *job = ws__new_job(ws, path, f);
  job->scan = scan;
  if (scan) ws->scan_total++;
  if (ws->pending_tail) ws->pending_tail->next = job;
  else ws->pending = job;
  ws->pending_tail = job;
  ws__pump(ws);
}

/* Summarises an open document's text on the pool, ahead of the reads of
 * files: its result supersedes whatever the index holds for the path. */
static void ws__request_open_summary(Workspace *ws, const char *path, WsFile *f, const char *text, uint32_t len) {
  f->gen++;
  if (f->job && !f->job->submitted) {
    /* Not started yet: it summarises this text instead. */
    hl_free(f->job->text);
    f->job->text = hl_malloc((size_t)len + 1);
    memcpy(f->job->text, text, len);
    f->job->text_len = len;
    f->job->open = true;
    f->job->gen = f->gen;
    return;
  }
  WsJob *job = ws__new_job(ws, path, f);
  job->open = true;
  job->text = hl_malloc((size_t)len + 1);
  memcpy(job->text, text, len);
  job->text_len = len;
  job->next = ws->pending;
  ws->pending = job;
  if (!ws->pending_tail) ws->pending_tail = job;
  ws__pump(ws);
}

/* The file's disk content no longer counts (deleted, excluded, outside). */
static void ws__forget(Workspace *ws, const char *path) {
  WsFile *f = strmap_get(&ws->files, path);
  if (!f) return;
  f->gen++;
  if (f->job && f->job->submitted) uv_cancel((uv_req_t *)&f->job->req);
  if (!f->open) ws__remove(ws, path, f);
}

/* ------------------------------------------------------------------------
 * Walking the roots.
 */

static void ws__start_walk(Workspace *ws);

static void ws__walk_work(uv_work_t *req) {
  WsWalk *w = req->data;
  fswalk_run(&w->walk, w->ws->roots, w->ws->root_count);
}

static void ws__scan_check_done(Workspace *ws) {
  if (!ws->scanning || ws->walk || ws->scan_done < ws->scan_total) return;
  ws->scanning = false;
  ws->dirty = true; /* finalize even an empty index once */
  ws__flush(ws, NULL);
  if (!ws->initial_done) {
    ws->initial_done = true;
    hl_log(HL_LOG_INFO, "workspace index: %zu files", an_index_size(ws->index));
    if (ws->progress == WS_PROGRESS_BEGUN) ws__progress_end(ws);
  }
}

static void ws__walk_done(uv_work_t *req, int status) {
  WsWalk *w = req->data;
  Workspace *ws = w->ws;
  ws->walk = NULL;
  if (status == 0 && !ws->closing) {
    StrMap seen;
    strmap_init(&seen);
    for (size_t i = 0; i < w->walk.file_count; i++) {
      const char *path = w->walk.files[i];
      strmap_put(&seen, path, ws);
      WsFile *f = strmap_get(&ws->files, path);
      if (f && f->open) continue;
      if (pyproject_excluded(ws__config(ws, path), path)) {
        ws__forget(ws, path);
        continue;
      }
      if (!f || (!f->indexed && !f->job) || !ws->initial_done) ws__request_read(ws, path, true);
    }
    /* Files indexed from disk under the roots that the walk no longer
     * finds (moved, now skipped) leave the index. */
    for (const StrMapEntry *e = strmap_next(&ws->files, NULL); e; e = strmap_next(&ws->files, e)) {
      WsFile *f = e->value;
      if (f->indexed && !f->open && !strmap_get(&seen, e->key) && ws__inside_roots(ws, e->key)) ws__forget(ws, e->key);
    }
    strmap_deinit(&seen);
  }
  fswalk_deinit(&w->walk);
  hl_free(w);
  if (!ws->closing) {
    if (ws->rescan) ws__start_walk(ws);
    ws__progress_report(ws);
    ws__scan_check_done(ws);
  }
  ws__release(ws);
}

static void ws__start_walk(Workspace *ws) {
  if (ws->closing) return;
  if (ws->walk) {
    ws->rescan = true;
    return;
  }
  ws->rescan = false;
  ws->scanning = true;
  WsWalk *w = hl_calloc(1, sizeof *w);
  w->ws = ws;
  w->req.data = w;
  fswalk_init(&w->walk);
  ws->walk = w;
  ws->refs++;
  if (uv_queue_work(ws->loop, &w->req, ws__walk_work, ws__walk_done) != 0) ws__walk_done(&w->req, UV_ECANCELED);
}

/* A pyproject.toml changed: read the configuration again, re-analyse the
 * open documents, and reconcile the index with the new excludes. */
static void ws__config_changed(Workspace *ws) {
  pyproject_cache_clear(ws->configs);
  docstore_settings_changed(server_docs(ws->srv));
  if (ws->root_count && ws->initial_done) ws__start_walk(ws);
}

/* ------------------------------------------------------------------------
 * Requests and notifications.
 */

/* A root path without trailing slashes, or NULL for a URI that is not a
 * file URI. New string. */
static char *ws__root_of_uri(const char *uri) {
  char *path = uri ? lsp_uri_to_path(uri) : NULL;
  if (!path) return NULL;
  char *root = hl_strdup(path);
  rpc_free(path);
  size_t len = strlen(root);
  while (len > 1 && root[len - 1] == '/') root[--len] = '\0';
  return root;
}

/* Frees a NULL-terminated list of strings. */
static void ws__free_list(char **list) {
  if (!list) return;
  for (char **p = list; *p; p++) hl_free(*p);
  hl_free(list);
}

/* Takes `roots` (count entries, NULL-terminated, owned) and starts a new,
 * empty index for them: module names depend on the roots, so no summary of
 * the old index stays valid. The old lists are retired, not freed, while
 * work on the pool may still read them. */
static void ws__set_roots(Workspace *ws, char **roots, size_t count) {
  if (ws->roots) {
    ws->retired = hl_realloc(ws->retired, (ws->retired_count + 2) * sizeof *ws->retired);
    ws->retired[ws->retired_count++] = ws->roots;
    ws->retired[ws->retired_count++] = ws->real_roots;
  }
  ws->roots = roots;
  ws->root_count = count;
  ws->real_roots = hl_calloc(count + 1, sizeof *ws->real_roots);
  for (size_t i = 0; i < count; i++) ws->real_roots[i] = pyproject_abspath(roots[i]);
  an_index_free(ws->index);
  ws->index = an_index_new((const char *const *)ws->roots, ws->root_count);
  if (!ws->index || an_index_finalize(ws->index) != 0) ws__oom();
  ws->fingerprint = an_index_fingerprint(ws->index);
}

static void ws__on_resummarise_timer(uv_timer_t *timer);

/* After new roots: every file is read again (or its open text summarised
 * again), and the open documents are analysed against the new index. */
static void ws__restart(Workspace *ws) {
  for (const StrMapEntry *e = strmap_next(&ws->files, NULL); e; e = strmap_next(&ws->files, e)) {
    WsFile *f = e->value;
    f->gen++;
    if (f->job && f->job->submitted) uv_cancel((uv_req_t *)&f->job->req);
    f->indexed = f->from_disk = f->open_summarised = false;
    f->stale = f->open && f->uri;
  }
  pyproject_cache_clear(ws->configs);
  uv_timer_start(&ws->resummarise_timer, ws__on_resummarise_timer, 0, 0);
  docstore_settings_changed(server_docs(ws->srv));
  ws->initial_done = false;
  if (ws->root_count) ws__start_walk(ws);
  else ws__scan_check_done(ws);
}

int handle_did_change_workspace_folders(Server *srv, json_t *params, json_t **result, HandlerError *err) {
  (void)result;
  Workspace *ws = server_workspace(srv);
  LspError lerr;
  json_t *added, *removed;
  if (lsp_get_array(params, "event.added", &added, &lerr) != 0 ||
      lsp_get_array(params, "event.removed", &removed, &lerr) != 0)
    return handler_invalid_params(err, &lerr);
  json_t *lists[2] = {added, removed};
  for (int k = 0; k < 2; k++) {
    size_t i;
    json_t *folder;
    json_array_foreach(lists[k], i, folder) {
      const char *uri;
      if (lsp_get_string(folder, "uri", &uri, &lerr) != 0) {
        lsp_error_prefix(&lerr, "event.%s[%zu]", k ? "removed" : "added", i);
        return handler_invalid_params(err, &lerr);
      }
    }
  }
  if (ws->closing) return 0;
  size_t cap = ws->root_count + json_array_size(added) + 1, count = 0;
  char **roots = hl_calloc(cap, sizeof *roots);
  for (size_t i = 0; i < ws->root_count; i++) {
    bool gone = false;
    size_t k;
    json_t *folder;
    json_array_foreach(removed, k, folder) {
      char *root = ws__root_of_uri(json_string_value(json_object_get(folder, "uri")));
      gone = gone || (root && strcmp(root, ws->roots[i]) == 0);
      hl_free(root);
    }
    if (!gone) roots[count++] = hl_strdup(ws->roots[i]);
  }
  size_t k;
  json_t *folder;
  json_array_foreach(added, k, folder) {
    char *root = ws__root_of_uri(json_string_value(json_object_get(folder, "uri")));
    bool dup = !root;
    for (size_t i = 0; root && i < count && !dup; i++) dup = strcmp(roots[i], root) == 0;
    if (dup) {
      if (!root) hl_log(HL_LOG_WARN, "workspace folder %zu: not a file URI: ignored", k);
      hl_free(root);
      continue;
    }
    roots[count++] = root;
  }
  bool same = count == ws->root_count;
  for (size_t i = 0; same && i < count; i++) same = strcmp(roots[i], ws->roots[i]) == 0;
  if (same) {
    ws__free_list(roots);
    return 0;
  }
  hl_log(HL_LOG_INFO, "workspace folders changed: %zu roots", count);
  ws__set_roots(ws, roots, count);
  if (ws->started) ws__restart(ws);
  return 0;
}


void workspace_initialize(Workspace *ws, json_t *params) {
  LspError lerr;
  json_t *folders = NULL;
  const char *root_uri = NULL, *root_path = NULL;
  bool progress = false, watch = false;
  if (lsp_opt_bool(params, "capabilities.window.workDoneProgress", &progress, &lerr) < 0) progress = false;
  if (lsp_opt_bool(params, "capabilities.workspace.didChangeWatchedFiles.dynamicRegistration", &watch, &lerr) < 0)
    watch = false;
  ws->progress_supported = progress;
  ws->watch_supported = watch;
  if (lsp_opt_array(params, "workspaceFolders", &folders, &lerr) < 0) folders = NULL;
  if (lsp_opt_string(params, "rootUri", &root_uri, &lerr) < 0) root_uri = NULL;
  if (lsp_opt_string(params, "rootPath", &root_path, &lerr) < 0) root_path = NULL;

  size_t n = folders ? json_array_size(folders) : 0;
  char **roots = hl_calloc(n + 2, sizeof *roots);
  size_t count = 0;
  for (size_t i = 0; i < n; i++) {
    char *root = ws__root_of_uri(json_string_value(json_object_get(json_array_get(folders, i), "uri")));
    if (!root) hl_log(HL_LOG_WARN, "workspaceFolders[%zu]: not a file URI: ignored", i);
    else roots[count++] = root;
  }
  if (!count && !folders && root_uri && (roots[count] = ws__root_of_uri(root_uri))) count++;
  if (!count && !folders && !root_uri && root_path && root_path[0] == '/') {
    char *root = hl_strdup(root_path);
    size_t len = strlen(root);
    while (len > 1 && root[len - 1] == '/') root[--len] = '\0';
    roots[count++] = root;
  }
  /* Nothing is indexed before `initialize`: start over with these roots. */
  ws__set_roots(ws, roots, count);
}

static void ws__on_registered(Server *srv, json_t *result, json_t *error) {
  (void)srv, (void)result;
  if (!error) return;
  json_t *message = json_is_object(error) ? json_object_get(error, "message") : NULL;
  hl_log(HL_LOG_WARN, "client/registerCapability for file watching failed: %s",
         json_is_string(message) ? json_string_value(message) : "no message");
}

void workspace_start(Workspace *ws) {
  if (ws->closing) return;
  if (ws->watch_supported) {
    json_t *watchers = json_pack("[{s:s}, {s:s}]", "globPattern", "**/*.py", "globPattern", "**/pyproject.toml");
    server_request(ws->srv, "client/registerCapability",
                   json_pack("{s:[{s:s, s:s, s:{s:o}}]}", "registrations", "id", "hybridls/watchedFiles", "method",
                             "workspace/didChangeWatchedFiles", "registerOptions", "watchers", watchers),
                   ws__on_registered);
  }
  if (ws->started) return;
  ws->started = true;
  if (!ws->root_count) {
    ws->initial_done = true;
    return;
  }
  if (ws->progress_supported && ws->progress == WS_PROGRESS_NONE) {
    ws->progress = WS_PROGRESS_REQUESTED;
    server_request(ws->srv, "window/workDoneProgress/create", json_pack("{s:s}", "token", WS__PROGRESS_TOKEN),
                   ws__on_progress_created);
  }
  ws__start_walk(ws);
}

int handle_did_change_watched_files(Server *srv, json_t *params, json_t **result, HandlerError *err) {
  (void)result;
  Workspace *ws = server_workspace(srv);
  LspError lerr;
  json_t *changes;
  if (lsp_get_array(params, "changes", &changes, &lerr) != 0) return handler_invalid_params(err, &lerr);
  size_t i;
  json_t *change;
  /* Validate everything before acting. */
  json_array_foreach(changes, i, change) {
    const char *uri;
    int64_t type;
    if (lsp_get_string(change, "uri", &uri, &lerr) != 0 || lsp_get_int(change, "type", &type, &lerr) != 0) {
      lsp_error_prefix(&lerr, "changes[%zu]", i);
      return handler_invalid_params(err, &lerr);
    }
    if (type < 1 || type > 3)
      return handler_error(err, RPC_ERR_INVALID_PARAMS, "changes[%zu].type: expected 1, 2 or 3", i);
  }
  if (ws->closing) return 0;
  bool config = false;
  json_array_foreach(changes, i, change) {
    const char *uri = json_string_value(json_object_get(change, "uri"));
    int64_t type = json_integer_value(json_object_get(change, "type"));
    char *path = ws__path(uri);
    if (ws__is_pyproject(path)) {
      config = true;
    } else if (ws__is_python(path)) {
      WsFile *f = strmap_get(&ws->files, path);
      if (f && f->open) {
        /* The open text wins; didClose reads the disk again. */
      } else if (type == 3) {
        ws__forget(ws, path);
      } else if (pyproject_excluded(ws__config(ws, path), path)) {
        ws__forget(ws, path);
      } else {
        ws__request_read(ws, path, false);
      }
    }
    hl_free(path);
  }
  if (config) ws__config_changed(ws);
  return 0;
}

/* The open text wins over the disk: a read of the file still running or
 * queued is dropped when it comes back. */
static void ws__supersede_disk(WsFile *f) {
  f->stale = false;
  f->from_disk = false;
  f->gen++;
  if (f->job && f->job->submitted) uv_cancel((uv_req_t *)&f->job->req);
}

/* Puts the summary of an open text, unless that text is summarised already. */
static void ws__summarise_now(Workspace *ws, const char *path, const AnSource *src, WsFile *f, uint64_t h);
static void ws__on_resummarise_timer(uv_timer_t *timer);

/* `defer`: an edit of an already summarised open document waits for a
 * quiet moment (WS__RESUMMARISE_MS) instead of being summarised now. */
static void ws__summarise_open(Workspace *ws, const char *uri, const char *path, const AnSource *src, bool defer) {
  WsFile *f = ws__file(ws, path);
  uint64_t h = ws__hash(src->text, src->length);
  bool first = !f->open;
  f->open = true;
  if (uri && (!f->uri || strcmp(f->uri, uri) != 0)) {
    hl_free(f->uri);
    f->uri = hl_strdup(uri);
  }
  if (!first && f->open_summarised && f->open_hash == h && f->indexed) {
    f->stale = false;
    return;
  }
  if (first && f->indexed && f->from_disk && f->disk_hash == h) {
    /* Opening a file as it is on disk: the index already has its summary. */
    ws__supersede_disk(f);
    f->open_summarised = true;
    f->open_hash = h;
    return;
  }
  if (defer && f->uri && !ws->closing) {
    /* Its summary matters to the other modules (and to this one only
     * through a cycle of imports), so it follows within WS__RESUMMARISE_MS
     * instead of delaying the document's first diagnostics; modules whose
     * facts it changes are analysed again then. */
    f->stale = true;
    uv_timer_start(&ws->resummarise_timer, ws__on_resummarise_timer, WS__RESUMMARISE_MS, 0);
    return;
  }
  ws__summarise_now(ws, path, src, f, h);
}

static void ws__summarise_now(Workspace *ws, const char *path, const AnSource *src, WsFile *f, uint64_t h) {
  ws__supersede_disk(f);
  AnSummary *summary = an_summary_build(src);
  if (!summary) ws__oom();
  f->open_summarised = true;
  f->open_hash = h;
  ws__put(ws, path, f, summary);
}

const AnIndex *workspace_prepare_analysis(Workspace *ws, const char *uri, const char *path, AnSource *src,
                                          AnConfig *cfg) {
  src->roots = (const char *const *)ws->roots;
  src->root_count = ws->root_count;
  const PyprojectConfig *pc = ws__config(ws, path);
  bool excluded = pyproject_excluded(pc, path);
  Settings s;
  settings_init(&s);
  pyproject_apply(pc, &s);
  server_settings_layer(ws->srv, &s);
  settings_to_config(&s, cfg);
  if (excluded) {
    for (int r = 0; r < AN_RULE_COUNT; r++) cfg->severity[r] = AN_SEV_OFF;
    WsFile *f = ws__file(ws, path);
    f->open = true;
    f->open_summarised = false;
    f->gen++;
    if (f->job && f->job->submitted) uv_cancel((uv_req_t *)&f->job->req);
    ws__remove(ws, path, f);
  } else if (!ws->closing) {
    ws__summarise_open(ws, uri, path, src, true);
  }
  ws__flush(ws, uri);
  return ws->index;
}

void workspace_document_edited(Workspace *ws, const char *path) {
  WsFile *f = ws->closing ? NULL : strmap_get(&ws->files, path);
  /* Only a document the index holds (an excluded one was taken out). */
  if (!f || !f->open || !f->uri || !(f->open_summarised || f->indexed)) return;
  f->stale = true;
  uv_timer_start(&ws->resummarise_timer, ws__on_resummarise_timer, WS__RESUMMARISE_MS, 0);
}

/* The summary of an open document from its current text. */
static void ws__summarise_doc(Workspace *ws, const char *uri, const char *path, Doc *doc, bool defer) {
  uint32_t len;
  const char *text = doc_text(doc, &len);
  if (len > DOCSTORE_MAX_ANALYSED) return;
  AnSource src = {.lang = ws->lang, .text = text, .length = len, .tree = doc_tree(doc), .path = path,
                  .roots = (const char *const *)ws->roots, .root_count = ws->root_count};
  ws__summarise_open(ws, uri, path, &src, defer);
}

static void ws__on_resummarise_timer(uv_timer_t *timer) {
  Workspace *ws = timer->data;
  if (ws->closing) return;
  for (const StrMapEntry *e = strmap_next(&ws->files, NULL); e; e = strmap_next(&ws->files, e)) {
    WsFile *f = e->value;
    if (!f->stale || !f->open || !f->uri) continue;
    f->stale = false;
    Doc *doc = docstore_doc(server_docs(ws->srv), f->uri);
    uint32_t len;
    const char *text = doc ? doc_text(doc, &len) : NULL;
    if (!text || len > DOCSTORE_MAX_ANALYSED) continue;
    uint64_t h = ws__hash(text, len);
    if (f->open_summarised && f->open_hash == h && f->indexed) continue;
    ws__request_open_summary(ws, e->key, f, text, len);
  }
}

void workspace_document_saved(Workspace *ws, const char *uri) {
  if (ws->closing) return;
  char *path = ws__path(uri);
  if (ws__is_pyproject(path)) {
    ws__config_changed(ws);
  } else {
    WsFile *f = strmap_get(&ws->files, path);
    Doc *doc = f && f->open ? docstore_parsed_doc(server_docs(ws->srv), uri) : NULL;
    /* Only documents the store analyses are summarised (f->open). */
    if (doc && f && f->open && doc_tree(doc) && !pyproject_excluded(ws__config(ws, path), path)) {
      ws__summarise_doc(ws, uri, path, doc, false);
      ws__flush(ws, uri);
    }
  }
  hl_free(path);
}

void workspace_document_closed(Workspace *ws, const char *uri) {
  if (ws->closing) return;
  char *path = ws__path(uri);
  WsFile *f = strmap_get(&ws->files, path);
  if (f && f->open) {
    f->open = false;
    f->open_summarised = false;
    f->stale = false;
    hl_free(f->uri);
    f->uri = NULL;
    if (ws__inside_roots(ws, path) && ws__is_python(path) && !pyproject_excluded(ws__config(ws, path), path))
      ws__request_read(ws, path, false);
    else
      ws__forget(ws, path);
  }
  hl_free(path);
}

/* ------------------------------------------------------------------------
 * Life cycle.
 */

Workspace *workspace_new(uv_loop_t *loop, Server *srv) {
  Workspace *ws = hl_calloc(1, sizeof *ws);
  ws->loop = loop;
  ws->srv = srv;
  ws->lang = server_lang(srv);
  ws->roots = hl_calloc(1, sizeof *ws->roots);
  ws->real_roots = hl_calloc(1, sizeof *ws->real_roots);
  ws->index = an_index_new(NULL, 0);
  if (!ws->index || an_index_finalize(ws->index) != 0) ws__oom();
  ws->fingerprint = an_index_fingerprint(ws->index);
  strmap_init(&ws->files);
  strmap_init(&ws->shown);
  ws->configs = pyproject_cache_new(false, ws__config_problem, ws);
  ws->last_percentage = -1;
  uv_timer_init(loop, &ws->flush_timer);
  ws->flush_timer.data = ws;
  uv_timer_init(loop, &ws->resummarise_timer);
  ws->resummarise_timer.data = ws;
  ws->refs = 2; /* the two timers */
  return ws;
}

static void ws__release(Workspace *ws) {
  if (--ws->refs > 0) return;
  for (const StrMapEntry *e = strmap_next(&ws->files, NULL); e; e = strmap_next(&ws->files, e)) {
    WsFile *f = e->value;
    hl_free(f->uri);
    hl_free(f);
  }
  strmap_deinit(&ws->files);
  strmap_deinit(&ws->shown);
  pyproject_cache_free(ws->configs);
  an_index_free(ws->index);
  ws__free_list(ws->roots);
  ws__free_list(ws->real_roots);
  for (size_t i = 0; i < ws->retired_count; i++) ws__free_list(ws->retired[i]);
  hl_free(ws->retired);
  hl_free(ws);
}

static void ws__timer_closed(uv_handle_t *handle) { ws__release(handle->data); }

void workspace_close(Workspace *ws) {
  if (!ws || ws->closing) return;
  ws->closing = true;
  while (ws->pending) {
    WsJob *job = ws->pending;
    ws->pending = job->next;
    ws__job_free(job);
  }
  ws->pending_tail = NULL;
  /* Work that has not started is cancelled (its callback runs with
   * UV_ECANCELED); work that has started is waited for by the loop. */
  for (WsJob *job = ws->in_flight; job; job = job->next) uv_cancel((uv_req_t *)&job->req);
  if (ws->walk) uv_cancel((uv_req_t *)&ws->walk->req);
  uv_close((uv_handle_t *)&ws->flush_timer, ws__timer_closed);
  uv_close((uv_handle_t *)&ws->resummarise_timer, ws__timer_closed);
}
