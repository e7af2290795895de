/* tf.function's own arguments: HY305 deprecated names. */
#include <string.h>

#include "analysis/rules/rules.h"

static const struct {
  const char *name, *replacement, *message;
} args__deprecated[] = {
    {"experimental_relax_shapes", "reduce_retracing",
     "experimental_relax_shapes is deprecated; use reduce_retracing (TF 2.9+)"},
    {"experimental_compile", "jit_compile", "experimental_compile is deprecated; use jit_compile (TF 2.5+)"},
    {"experimental_follow_type_hints", NULL,
     "experimental_follow_type_hints is deprecated and ignored by recent TensorFlow; "
     "use input_signature or reduce_retracing instead"},
};

void an_check_HY305(AnModel *m) {
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (!an_call_is(c, "tensorflow.function")) continue;
    TSNode args = an_field(m->lang, c->node, AN_FIELD_arguments);
    uint32_t n = ts_node_is_null(args) ? 0 : ts_node_named_child_count(args);
    for (uint32_t a = 0; a < n; a++) {
      TSNode kw = ts_node_named_child(args, a);
      if (an_sym(m->lang, kw) != AN_SYM_keyword_argument) continue;
      TSNode name = an_field(m->lang, kw, AN_FIELD_name);
      for (size_t k = 0; k < sizeof args__deprecated / sizeof args__deprecated[0]; k++) {
        if (!an_text_eq(m->src, name, args__deprecated[k].name)) continue;
        AnFinding *f = an_emit_node(m, AN_RULE_DEPRECATED_TF_FUNCTION_ARG, kw, c->ctx.func, "%s",
                                    args__deprecated[k].message);
        if (!f) continue;
        f->tags = AN_TAG_DEPRECATED;
        if (args__deprecated[k].replacement) {
          /* Safe only when the project's TensorFlow floor has the new name,
           * which the analysis cannot see: offered, not applied by fix-all. */
          AnFix *fix = an_finding_fix(
              m, f, an_arena_printf(&m->arena, "Rename to %s", args__deprecated[k].replacement), false);
          an_fix_edit(m, fix, ts_node_start_byte(name), ts_node_end_byte(name), args__deprecated[k].replacement);
        }
      }
    }
  }
}
