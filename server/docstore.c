/* server/docstore — open documents, debounced analysis and coalesced
 * publishing (see docstore.h).
 *
 * Per document the state is:
 *   current    the cached diagnostics describe the current text
 *   publish    what the next analysis should push: nothing, always (open,
 *              change, save), or only when the list changed (settings)
 *   dirty      on the store's dirty list, to be published by the uv_prepare
 *              callback of this loop turn
 * A change clears `current`; the debounce timer (or a pull request) analyses
 * the document again. The prepare callback publishes a dirty document only
 * while `current` holds, so a stale version is never published.
 *
 * Warm documents: only the documents used last (opened, changed, analysed,
 * asked about) keep their syntax tree and model, at most DOCSTORE__WARM_MAX
 * of them and DOCSTORE__WARM_BYTES of their text (the latest always). A
 * tree costs about 40 times its text, so with a thousand documents open the
 * trees would be nearly all of the server's memory. The others keep their
 * text, line index and diagnostics (as text), and are parsed again from
 * scratch when next needed (a few milliseconds for a typical module).
 * Trimming happens at the end of a loop turn, after publishing.
 */
#include <stdio.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>

#include <tree_sitter/api.h>

#include "protocol/lsp.h"
#include "protocol/rpc_framer.h"
#include "server/alloc.h"
#include "server/diagnostics.h"
#include "server/docstore.h"
#include "server/lang.h"
#include "server/log.h"
#include "server/reuse.h"
#include "server/workspace.h"

#define DOCSTORE__BUCKETS 128u
#define DOCSTORE__WARM_MAX 8u
#define DOCSTORE__TRIM_MS 200u
#define DOCSTORE__WARM_BYTES (2u * 1024u * 1024u)

typedef enum DocPublish {
  DOC_PUBLISH_NONE = 0,
  DOC_PUBLISH_IF_CHANGED = 1,
  DOC_PUBLISH_ALWAYS = 2,
} DocPublish;

typedef struct DocEntry {
  uv_timer_t timer; /* debounce; the entry is freed from its close callback */
  DocStore *store;
  struct DocEntry *next;       /* hash bucket */
  struct DocEntry *dirty_next; /* dirty list */
  struct DocEntry *warm_prev, *warm_next; /* warm list, most recent first */
  bool warm;
  uint32_t warm_len; /* text length counted in the store's warm_bytes */
  Doc *doc;
  char *path; /* file path of the URI (or the URI itself), for the analysis */
  bool analysable;
  bool current;
  bool dirty;
  bool too_large_shown;
  bool changed_since_publish; /* the list changed since it was last published */
  DocPublish publish;
  uint64_t index_fp; /* the index facts the last analysis read (an_index_module_fingerprint) */
  /* The findings of the last analysis, kept apart from its model so that
   * inert edits (comments, docstrings) move them instead of analysing again
   * (server/reuse.h); NULL when the next analysis must be a full one. */
  AnFindingSet *base;
  bool reused; /* the items came from moving `base` */
  /* The Diagnostic[] of the last analysis: as values, or serialised while
   * the document is trimmed (the text is a third of the values' size). */
  json_t *items;
  char *items_text; /* NULL unless items is */
  uint64_t result_id;
} DocEntry;

struct DocStore {
  uv_prepare_t prepare;
  uv_timer_t trim_timer; /* gives memory back once the last document closed */
  uv_loop_t *loop;
  Server *srv;
  TSParser *parser;
  DocEntry *buckets[DOCSTORE__BUCKETS];
  DocEntry *dirty, *dirty_tail; /* publishing order: first marked, first sent */
  DocEntry *warm, *warm_tail;   /* documents that keep their tree and model */
  uint32_t warm_count;
  uint64_t warm_bytes;
  uint64_t last_result_id;
  int open_handles;
  bool closing;
};

static unsigned docstore__hash(const char *s) {
  uint32_t h = 2166136261u; /* FNV-1a */
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) h = (h ^ *p) * 16777619u;
  return h % DOCSTORE__BUCKETS;
}

static DocEntry *docstore__find(DocStore *ds, const char *uri) {
  for (DocEntry *e = ds->buckets[docstore__hash(uri)]; e; e = e->next)
    if (strcmp(doc_uri(e->doc), uri) == 0) return e;
  return NULL;
}

static bool docstore__is_python(const char *uri, const char *language_id) {
  if (language_id && strcmp(language_id, "python") == 0) return true;
  size_t n = strlen(uri);
  return (n >= 3 && strcmp(uri + n - 3, ".py") == 0) || (n >= 4 && strcmp(uri + n - 4, ".pyi") == 0);
}

static void docstore__release(DocStore *ds) {
  if (--ds->open_handles > 0) return;
  ts_parser_delete(ds->parser);
  hl_free(ds);
}

/* ------------------------------------------------------------------------
 * Warm documents.
 */

static void docstore__unlink_warm(DocStore *ds, DocEntry *e) {
  if (!e->warm) return;
  if (e->warm_prev) e->warm_prev->warm_next = e->warm_next;
  else ds->warm = e->warm_next;
  if (e->warm_next) e->warm_next->warm_prev = e->warm_prev;
  else ds->warm_tail = e->warm_prev;
  e->warm_prev = e->warm_next = NULL;
  e->warm = false;
  ds->warm_count--;
  ds->warm_bytes -= e->warm_len;
}

static void docstore__on_prepare(uv_prepare_t *handle);

/* The next analysis of `e` is a full one (its text, configuration or
 * cross-file facts changed in a way findings may follow). */
static void docstore__drop_base(DocEntry *e) {
  an_finding_set_free(e->base);
  e->base = NULL;
}

/* `e` was just used: it becomes the most recent warm document. The least
 * recent ones beyond the budget are trimmed at the end of the loop turn,
 * after publishing, so freeing a large tree never delays diagnostics. Call
 * after any change of its text (its length is counted now). */
static void docstore__touch(DocStore *ds, DocEntry *e) {
  docstore__unlink_warm(ds, e);
  e->warm = true;
  e->warm_next = ds->warm;
  if (ds->warm) ds->warm->warm_prev = e;
  else ds->warm_tail = e;
  ds->warm = e;
  doc_text(e->doc, &e->warm_len);
  ds->warm_count++;
  ds->warm_bytes += e->warm_len;
  if (ds->warm_count > DOCSTORE__WARM_MAX || ds->warm_bytes > DOCSTORE__WARM_BYTES)
    uv_prepare_start(&ds->prepare, docstore__on_prepare);
}

/* Trims the least recent warm documents beyond the budget (the most recent
 * one always stays). */
static void docstore__trim_cold(DocStore *ds) {
  while (ds->warm && ds->warm_tail != ds->warm &&
         (ds->warm_count > DOCSTORE__WARM_MAX || ds->warm_bytes > DOCSTORE__WARM_BYTES)) {
    DocEntry *cold = ds->warm_tail;
    docstore__unlink_warm(ds, cold);
    doc_trim(cold->doc);
    docstore__drop_base(cold);
    /* The list is kept serialised; the values are rebuilt when asked for. */
    if (cold->items) {
      cold->items_text = json_dumps(cold->items, JSON_COMPACT);
      if (!cold->items_text) {
        fputs("hybridls: out of memory\n", stderr);
        exit(70);
      }
      json_decref(cold->items);
      cold->items = NULL;
    }
  }
}

/* The Diagnostic[] of the last analysis (borrowed). */
static json_t *docstore__items(DocEntry *e) {
  if (!e->items) {
    e->items = json_loads(e->items_text, 0, NULL);
    hl_free(e->items_text);
    e->items_text = NULL;
  }
  if (!e->items) {
    fputs("hybridls: out of memory\n", stderr);
    exit(70);
  }
  return e->items;
}

/* ------------------------------------------------------------------------
 * Analysis.
 */

static void docstore__model_free(void *model) { an_model_free(model); }

/* Replaces the list; a new resultId exactly when it changed. Compared as
 * values: serialising a large file's diagnostics costs more than the rest
 * of an inert edit. */
static void docstore__set_items(DocStore *ds, DocEntry *e, json_t *items) {
  if (!json_equal(docstore__items(e), items)) {
    e->result_id = json_array_size(items) == 0 ? 0 : ++ds->last_result_id;
    e->changed_since_publish = true;
  }
  json_decref(e->items);
  e->items = items;
}

/* The findings of an inert edit: the last ones moved (server/reuse.h). */
static json_t *docstore__reused(DocStore *ds, DocEntry *e) {
  bool same_lines;
  AnFindingSet *moved = reuse_findings(e->base, e->doc, &same_lines);
  if (!moved) return NULL;
  an_finding_set_free(e->base);
  e->base = moved;
  doc_mark_base(e->doc);
  workspace_document_edited(server_workspace(ds->srv), e->path);
  /* Typing within a line: the diagnostics are the same values. */
  if (same_lines && e->items) return json_incref(e->items);
  uint32_t count;
  const AnFinding *items = an_finding_set_items(moved, &count);
  const ServerClient *client = server_client(ds->srv);
  return diagnostics_from_findings(items, count, e->doc, client->encoding, client->related_information);
}

static json_t *docstore__findings(DocStore *ds, DocEntry *e, bool reuse) {
  uint32_t len;
  const char *text = doc_text(e->doc, &len);
  if (len > DOCSTORE_MAX_ANALYSED) {
    if (!e->too_large_shown)
      server_show_message(ds->srv, 2, "hybridls: %s is larger than 10 MiB; analysis skipped", doc_uri(e->doc));
    e->too_large_shown = true;
    return json_array();
  }
  doc_reparse(e->doc, ds->parser); /* a trimmed document has no tree */
  json_t *reused = reuse && e->base ? docstore__reused(ds, e) : NULL;
  e->reused = reused != NULL;
  if (reused) return reused;
  AnConfig cfg;
  AnSource src = {
      .lang = server_lang(ds->srv),
      .text = text,
      .length = len,
      .tree = doc_tree(e->doc),
      .path = e->path,
  };
  /* The workspace fills in the roots and the file's configuration, and
   * indexes this text before the model reads the index. */
  const AnIndex *index = workspace_prepare_analysis(server_workspace(ds->srv), doc_uri(e->doc), e->path, &src, &cfg);
  AnModel *model = an_model_build(&src, &cfg, index);
  if (!model) {
    fputs("hybridls: out of memory\n", stderr);
    exit(70);
  }
  e->index_fp = index ? an_index_module_fingerprint(index, e->path) : 0;
  doc_set_model(e->doc, model, docstore__model_free);
  uint32_t count;
  const AnFinding *findings = an_model_findings(model, &count);
  docstore__drop_base(e);
  e->base = an_finding_set_new(findings, count);
  if (!e->base) {
    fputs("hybridls: out of memory\n", stderr);
    exit(70);
  }
  doc_mark_base(e->doc);
  const ServerClient *client = server_client(ds->srv);
  return diagnostics_from_model(model, e->doc, client->encoding, client->related_information);
}

/* Analyses the current text; `reuse` allows answering an inert edit from
 * the last findings, without a model. */
static void docstore__analyse(DocStore *ds, DocEntry *e, bool reuse) {
  docstore__touch(ds, e);
  docstore__set_items(ds, e, docstore__findings(ds, e, reuse));
  e->current = true;
  hl_log(HL_LOG_DEBUG, "analysed %s version %lld: %zu diagnostics%s", doc_uri(e->doc),
         (long long)doc_version(e->doc), json_array_size(docstore__items(e)),
         e->reused ? " (moved across an edit in a comment or docstring)" : "");
}

/* ------------------------------------------------------------------------
 * Publishing.
 */

static void docstore__publish(DocStore *ds, DocEntry *e) {
  int64_t version = doc_version(e->doc);
  server_notify(ds->srv, "textDocument/publishDiagnostics",
                diagnostics_publish_params(doc_uri(e->doc), &version, docstore__items(e)));
  e->changed_since_publish = false;
}

static void docstore__on_prepare(uv_prepare_t *handle) {
  DocStore *ds = handle->data;
  DocEntry *list = ds->dirty;
  ds->dirty = ds->dirty_tail = NULL;
  uv_prepare_stop(&ds->prepare);
  while (list) {
    DocEntry *e = list;
    list = e->dirty_next;
    e->dirty_next = NULL;
    e->dirty = false;
    if (e->current && !ds->closing) docstore__publish(ds, e);
  }
  docstore__trim_cold(ds);
}

static void docstore__mark_dirty(DocStore *ds, DocEntry *e) {
  if (e->dirty) return;
  e->dirty = true;
  e->dirty_next = NULL;
  if (ds->dirty_tail) ds->dirty_tail->dirty_next = e;
  else ds->dirty = e;
  ds->dirty_tail = e;
  uv_prepare_start(&ds->prepare, docstore__on_prepare);
}

static void docstore__unmark_dirty(DocStore *ds, DocEntry *e) {
  DocEntry *prev = NULL;
  for (DocEntry **link = &ds->dirty; *link; prev = *link, link = &(*link)->dirty_next) {
    if (*link == e) {
      *link = e->dirty_next;
      if (ds->dirty_tail == e) ds->dirty_tail = prev;
      break;
    }
  }
  e->dirty = false;
  e->dirty_next = NULL;
}

/* ------------------------------------------------------------------------
 * Scheduling.
 */

static void docstore__on_timer(uv_timer_t *timer) {
  DocEntry *e = timer->data;
  DocStore *ds = e->store;
  if (!e->current) docstore__analyse(ds, e, true);
  DocPublish publish = e->publish;
  e->publish = DOC_PUBLISH_NONE;
  if (publish == DOC_PUBLISH_ALWAYS || (publish == DOC_PUBLISH_IF_CHANGED && e->changed_since_publish))
    docstore__mark_dirty(ds, e);
}

static void docstore__schedule(DocEntry *e, uint64_t delay_ms, DocPublish publish) {
  if (!e->analysable || e->store->closing) return;
  if (publish > e->publish) e->publish = publish;
  uv_timer_start(&e->timer, docstore__on_timer, delay_ms, 0);
}

/* ------------------------------------------------------------------------
 * Entries.
 */

/* glibc keeps freed chunks in its arenas: 60 MB stayed after closing the
 * 1,000 documents of tests/reliability's load test without this. */
static void docstore__on_trim(uv_timer_t *timer) {
#ifdef __GLIBC__
  DocStore *ds = timer->data;
  if (ds->open_handles == 2 && !ds->closing) malloc_trim(0);
#else
  (void)timer;
#endif
}

static void docstore__entry_closed(uv_handle_t *handle) {
  DocEntry *e = handle->data;
  DocStore *ds = e->store;
  doc_free(e->doc);
  docstore__drop_base(e);
  json_decref(e->items);
  hl_free(e->items_text);
  hl_free(e->path);
  hl_free(e);
  /* The last document is gone: hand the freed heap back to the system a
   * little later (reopening a document right away would otherwise pay for
   * faulting its memory in again). */
  if (ds->open_handles == 3 && !ds->closing) uv_timer_start(&ds->trim_timer, docstore__on_trim, DOCSTORE__TRIM_MS, 0);
  docstore__release(ds);
}

static void docstore__entry_close(DocStore *ds, DocEntry *e) {
  if (e->dirty) docstore__unmark_dirty(ds, e);
  docstore__unlink_warm(ds, e);
  uv_close((uv_handle_t *)&e->timer, docstore__entry_closed);
}

static char *docstore__path(const char *uri) {
  char *path = lsp_uri_to_path(uri);
  if (!path) return hl_strdup(uri);
  char *copy = hl_strdup(path);
  rpc_free(path);
  return copy;
}

void docstore_open(DocStore *ds, const char *uri, const char *language_id, int64_t version,
                   const char *text, size_t len) {
  if (ds->closing) return;
  Doc *doc = doc_new(uri, text, (uint32_t)len, version, ds->parser);
  DocEntry *e = docstore__find(ds, uri);
  if (e) {
    hl_log(HL_LOG_INFO, "didOpen of %s, which is already open: replaced", uri);
    docstore__unlink_warm(ds, e);
    doc_free(e->doc);
    docstore__drop_base(e);
  } else {
    unsigned h = docstore__hash(uri);
    e = hl_calloc(1, sizeof *e);
    e->store = ds;
    e->items = json_array();
    e->path = docstore__path(uri);
    uv_timer_init(ds->loop, &e->timer);
    e->timer.data = e;
    ds->open_handles++;
    e->next = ds->buckets[h];
    ds->buckets[h] = e;
  }
  e->doc = doc;
  doc_set_inert_check(doc, reuse_inert_check, (void *)server_lang(ds->srv));
  e->analysable = docstore__is_python(uri, language_id);
  e->current = false;
  docstore__touch(ds, e);
  docstore__schedule(e, 0, DOC_PUBLISH_ALWAYS);
}

Doc *docstore_doc(DocStore *ds, const char *uri) {
  DocEntry *e = docstore__find(ds, uri);
  return e ? e->doc : NULL;
}

void docstore_changed(DocStore *ds, const char *uri) {
  DocEntry *e = docstore__find(ds, uri);
  if (!e) return;
  doc_reparse(e->doc, ds->parser);
  docstore__touch(ds, e);
  e->current = false;
  const Settings *s = server_settings(ds->srv);
  if (s->run == SETTINGS_RUN_ON_TYPE) docstore__schedule(e, s->debounce_ms, DOC_PUBLISH_ALWAYS);
}

void docstore_saved(DocStore *ds, const char *uri) {
  DocEntry *e = docstore__find(ds, uri);
  if (!e || server_settings(ds->srv)->run != SETTINGS_RUN_ON_SAVE) return;
  docstore__schedule(e, 0, DOC_PUBLISH_ALWAYS);
}

bool docstore_remove(DocStore *ds, const char *uri) {
  unsigned h = docstore__hash(uri);
  for (DocEntry **link = &ds->buckets[h]; *link; link = &(*link)->next) {
    DocEntry *e = *link;
    if (strcmp(doc_uri(e->doc), uri) != 0) continue;
    *link = e->next;
    json_t *empty = json_array();
    server_notify(ds->srv, "textDocument/publishDiagnostics", diagnostics_publish_params(uri, NULL, empty));
    json_decref(empty);
    docstore__entry_close(ds, e);
    return true;
  }
  return false;
}

void docstore_settings_changed(DocStore *ds) {
  bool on_type = server_settings(ds->srv)->run == SETTINGS_RUN_ON_TYPE;
  for (unsigned h = 0; h < DOCSTORE__BUCKETS; h++) {
    for (DocEntry *e = ds->buckets[h]; e; e = e->next) {
      e->current = false;
      docstore__drop_base(e);
      if (on_type) docstore__schedule(e, 0, DOC_PUBLISH_IF_CHANGED);
    }
  }
}

void docstore_index_changed(DocStore *ds, const char *except_uri, const AnIndex *index) {
  bool on_type = server_settings(ds->srv)->run == SETTINGS_RUN_ON_TYPE;
  for (unsigned h = 0; h < DOCSTORE__BUCKETS; h++) {
    for (DocEntry *e = ds->buckets[h]; e; e = e->next) {
      if (!e->analysable || (except_uri && strcmp(doc_uri(e->doc), except_uri) == 0)) continue;
      /* Only documents whose own cross-file facts moved: opening N files
       * must not re-analyse every open document N times. */
      if (e->current && index && an_index_module_fingerprint(index, e->path) == e->index_fp) continue;
      e->current = false;
      docstore__drop_base(e);
      if (on_type) docstore__schedule(e, 0, DOC_PUBLISH_IF_CHANGED);
    }
  }
}

const AnModel *docstore_model(DocStore *ds, const char *uri) {
  DocEntry *e = docstore__find(ds, uri);
  if (!e || !e->analysable) return NULL;
  /* A trimmed document is analysed again: same text, same diagnostics; so
   * is one whose diagnostics were moved across an inert edit, which checks
   * that they were right. */
  bool reused = e->current && e->reused;
  if (!e->current || !doc_model(e->doc)) docstore__analyse(ds, e, false);
  else docstore__touch(ds, e);
  if (reused && e->changed_since_publish) {
    hl_log(HL_LOG_WARN, "%s: diagnostics moved across an inert edit differed from a full analysis", uri);
    docstore__mark_dirty(ds, e);
  }
  return doc_model(e->doc);
}

Doc *docstore_parsed_doc(DocStore *ds, const char *uri) {
  DocEntry *e = docstore__find(ds, uri);
  if (!e) return NULL;
  doc_reparse(e->doc, ds->parser);
  docstore__touch(ds, e);
  return e->doc;
}

json_t *docstore_pull(DocStore *ds, const char *uri, const char *previous_result_id) {
  DocEntry *e = docstore__find(ds, uri);
  if (!e || !e->analysable) return json_pack("{s:s, s:s, s:[]}", "kind", "full", "resultId", "0", "items");
  if (!e->current) docstore__analyse(ds, e, true);
  char rid[32];
  snprintf(rid, sizeof rid, "%llu", (unsigned long long)e->result_id);
  if (previous_result_id && strcmp(previous_result_id, rid) == 0)
    return json_pack("{s:s, s:s}", "kind", "unchanged", "resultId", rid);
  return json_pack("{s:s, s:s, s:O}", "kind", "full", "resultId", rid, "items", docstore__items(e));
}

/* ------------------------------------------------------------------------
 * Life cycle.
 */

DocStore *docstore_new(uv_loop_t *loop, Server *srv) {
  DocStore *ds = hl_calloc(1, sizeof *ds);
  ds->loop = loop;
  ds->srv = srv;
  ds->parser = ts_parser_new();
  ts_parser_set_language(ds->parser, hl_python_language());
  uv_prepare_init(loop, &ds->prepare);
  uv_timer_init(loop, &ds->trim_timer);
  ds->trim_timer.data = ds;
  ds->prepare.data = ds;
  ds->open_handles = 2; /* the prepare and trim handles */
  return ds;
}

static void docstore__handle_closed(uv_handle_t *handle) { docstore__release(handle->data); }

void docstore_close(DocStore *ds) {
  if (!ds || ds->closing) return;
  ds->closing = true;
  ds->dirty = ds->dirty_tail = NULL;
  ds->warm = ds->warm_tail = NULL;
  for (unsigned h = 0; h < DOCSTORE__BUCKETS; h++) {
    DocEntry *e = ds->buckets[h];
    ds->buckets[h] = NULL;
    while (e) {
      DocEntry *next = e->next;
      e->dirty = false;
      uv_close((uv_handle_t *)&e->timer, docstore__entry_closed);
      e = next;
    }
  }
  uv_close((uv_handle_t *)&ds->prepare, docstore__handle_closed);
  uv_close((uv_handle_t *)&ds->trim_timer, docstore__handle_closed);
}
