#include <string.h>

#include "analysis/rules/rules.h"

const char *an_tf_alias(AnModel *m) {
  for (uint32_t i = 0; i < m->imports.count; i++) {
    AnImport *imp = &AN_VEC_AT(m->imports, AnImport, i);
    if (strcmp(imp->target, "tensorflow") == 0 && !an_name_shadowed_by_assignment(m, imp->local))
      return imp->local;
  }
  return NULL;
}

bool an_call_is(const AnCall *c, const char *dotted) { return c->dotted && strcmp(c->dotted, dotted) == 0; }

const char *an_func_label(AnModel *m, int func) {
  if (func < 0) return "<module>";
  AnFunc *f = AN_FUNC(m, func);
  if (f->is_lambda) {
    int p = f->parent;
    return p >= 0 ? an_arena_printf(&m->arena, "lambda in %s", AN_FUNC(m, p)->qualname) : "lambda";
  }
  return f->qualname;
}

bool an_graph_code(AnModel *m, const AnCtx *ctx) {
  return an_in_graph(m, ctx->func) && !ctx->eager_guard;
}
