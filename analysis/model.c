/* an_model_build: collect, resolve, run the rules, finish the findings. */
#include <string.h>

#include "analysis/alloc.h"
#include "analysis/model.h"

static AnModel *model__build(const AnSource *src, const AnConfig *cfg, const AnIndex *index, bool summary);

AnModel *an_model_build(const AnSource *src, const AnConfig *cfg, const AnIndex *index) {
  return model__build(src, cfg, index, false);
}

/* The model a summary is extracted from: always resolved, never checked. */
AnModel *an_model_build_for_summary(const AnSource *src) {
  static const AnConfig no_rules = {{AN_SEV_OFF}, true};
  return model__build(src, &no_rules, NULL, true);
}

/* The module name the model uses: the index's for the path, else derived
 * from the roots. */
static void model__module(AnModel *m, const AnSource *src, const AnIndex *index) {
  if (index && src->path) m->module = an_index_module_of(index, src->path);
  if (!m->module && src->path) {
    size_t nroots = src->root_count;
    const char *const *roots = src->roots;
    if (!nroots && index) roots = an_index_roots(index, &nroots);
    m->module = an_module_name(&m->arena, src->path, roots, nroots);
  }
  if (!m->module) m->module = "";
}

static AnModel *model__build(const AnSource *src, const AnConfig *cfg, const AnIndex *index, bool summary) {
  AnModel *m = an_malloc(sizeof *m);
  if (!m) return NULL;
  memset(m, 0, sizeof *m);
  /* Blocks in proportion to the source (the model takes about 15 bytes per
   * source byte), so that small modules do not each hold 64 KB blocks. */
  size_t block = (size_t)src->length * 4;
  an_arena_init(&m->arena, block < 4096 ? 4096 : block > 64 * 1024 ? 64 * 1024 : block);
  m->lang = src->lang;
  m->src = src->text;
  m->len = src->length;
  m->root = ts_tree_root_node(src->tree);
  m->path = src->path ? an_arena_strdup(&m->arena, src->path) : "";
  m->cfg = cfg;
  m->index = index;
  m->roots = src->roots;
  m->root_count = src->root_count;
  model__module(m, src, index);
  if (an_collect(m) != 0) goto fail;
  /* A module that never imports TensorFlow gets no TensorFlow findings; its
   * functions are still modelled for the index and `inspect`. */
  if ((m->uses_tf || index || summary) && an_graph_build(m) != 0) goto fail;
  if (m->uses_tf && !summary) an_rules_run(m);
  an_findings_finish(m);
  if (m->arena.failed) goto fail;
  return m;
fail:
  an_model_free(m);
  return NULL;
}

int an_model_finish(AnModel *m, const AnConfig *cfg, const AnIndex *index) {
  /* Everything after the walk is derived, and the summary model derived it
   * without index, rules or this configuration (which decides Keras graph
   * mode): forget it and derive it again, as model__build would. */
  an_graph_reset(m);
  m->cfg = cfg;
  m->index = index;
  AnSource src = {.lang = m->lang, .text = m->src, .length = m->len, .path = m->path[0] ? m->path : NULL,
                  .roots = m->roots, .root_count = m->root_count};
  m->module = NULL;
  model__module(m, &src, index);
  if ((m->uses_tf || index) && an_graph_build(m) != 0) return -1;
  if (m->uses_tf) an_rules_run(m);
  an_findings_finish(m);
  return m->arena.failed ? -1 : 0;
}

void an_model_free(AnModel *model) {
  if (!model) return;
  an_arena_free(&model->arena);
  an_free(model);
}

const AnFinding *an_model_findings(const AnModel *model, uint32_t *count) {
  *count = model->findings.count;
  return model->findings.items;
}

bool an_model_uses_tensorflow(const AnModel *model) { return model->uses_tf; }
