/* HY312 py-function-escape-hatch: tf.py_function / tf.numpy_function /
 * tf.compat.v1.py_func in graph code. Often the right tool (it is the
 * escape hatch HY201/HY205/HY206/HY207 recommend), so only info: the
 * wrapped Python is not part of the graph, with the trade-offs that
 * brings. */
#include <string.h>

#include "analysis/rules/rules.h"

static const char *pyfn__name(const AnCall *c) {
  if (an_call_is(c, "tensorflow.py_function")) return "tf.py_function";
  if (an_call_is(c, "tensorflow.numpy_function")) return "tf.numpy_function";
  if (an_call_is(c, "tensorflow.py_func")) return "tf.compat.v1.py_func";
  return NULL;
}

void an_check_HY312(AnModel *m) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    const char *name = pyfn__name(c);
    if (!name || !an_graph_code(m, &c->ctx)) continue;
    /* Report the callee only: the whole call often spans many lines. */
    TSNode at = an_field(m->lang, c->node, AN_FIELD_function);
    AnFinding *f = an_emit_node(m, AN_RULE_PY_FUNCTION_ESCAPE_HATCH, at, c->ctx.func,
                                "%s in '%s' runs its Python on every call, outside the graph: the function body "
                                "is not saved in a SavedModel, cannot be compiled with XLA, holds the GIL and "
                                "needs the Python process that made it; Tout must describe what it returns",
                                name, an_func_label(m, c->ctx.func));
    an_finding_related_chain(m, f, c->ctx.func);
  }
}
