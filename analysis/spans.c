/* Graph-mode spans for semantic tokens and inlay hints: the names of
 * functions that run as graphs, and the callee names of calls that run a
 * graph (calls of hybrid functions anywhere, of workspace tf.functions, and
 * calls from graph code to functions of this module). */
#include <stdlib.h>

#include "analysis/features.h"

static int spans__cmp(const void *a, const void *b) {
  const AnSpan *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  if (x->end != y->end) return x->end < y->end ? -1 : 1;
  return (int)x->kind - (int)y->kind;
}

static void spans__push(AnModel *m, AnVec *v, TSNode n, AnSpanKind kind, bool method) {
  if (ts_node_is_null(n)) return;
  AnSpan *s = an_vec_push(&m->arena, v, sizeof *s);
  if (!s) return;
  s->start = ts_node_start_byte(n);
  s->end = ts_node_end_byte(n);
  s->kind = kind;
  s->method = method;
}

static bool spans__hybrid(const AnFunc *f) { return f->via != AN_VIA_NONE; }

static const AnSpan *spans__build(AnModel *m, uint32_t *count);

const AnSpan *an_model_graph_spans(const AnModel *model, uint32_t *count) {
  AnModel *m = (AnModel *)model; /* cached per version; a model is used by one thread */
  if (!m->spans_built) {
    m->spans = spans__build(m, &m->span_count);
    m->spans_built = true;
  }
  *count = m->span_count;
  return m->spans;
}

static const AnSpan *spans__build(AnModel *m, uint32_t *count) {
  AnVec v = {0};
  for (uint32_t i = 0; i < m->funcs.count; i++) {
    AnFunc *f = AN_FUNC(m, i);
    if (f->is_lambda || f->root == AN_ROOT_NONE) continue;
    spans__push(m, &v, f->name_node, AN_SPAN_FUNCTION, f->cls >= 0);
  }
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    bool graph = false, method = false;
    if (c->callee >= 0) {
      AnFunc *f = AN_FUNC(m, c->callee);
      graph = spans__hybrid(f) || (an_in_graph(m, c->ctx.func) && !c->ctx.eager_guard);
      method = f->cls >= 0;
    } else if (c->dotted && m->index) {
      const AnIndexFunction *x = an_index_lookup(m->index, m->path, c->dotted);
      graph = x && x->hybrid;
    }
    if (!graph) continue;
    TSNode fn = an_unparen(m->lang, an_field(m->lang, c->node, AN_FIELD_function));
    AnSym s = an_sym(m->lang, fn);
    if (s == AN_SYM_attribute) {
      fn = an_field(m->lang, fn, AN_FIELD_attribute);
      if (c->callee < 0) method = false;
    } else if (s != AN_SYM_identifier) {
      continue; /* tf.function(f)(x), (lambda: ...)(): no name to mark */
    }
    spans__push(m, &v, fn, AN_SPAN_CALL, method);
  }
  if (v.count > 1) qsort(v.items, v.count, sizeof(AnSpan), spans__cmp);
  uint32_t out = 0;
  for (uint32_t i = 0; i < v.count; i++) {
    AnSpan *s = &AN_VEC_AT(v, AnSpan, i);
    if (out && AN_VEC_AT(v, AnSpan, out - 1).start == s->start && AN_VEC_AT(v, AnSpan, out - 1).end == s->end) continue;
    AN_VEC_AT(v, AnSpan, out++) = *s;
  }
  *count = out;
  return v.items;
}
