/* analysis/rules — one check function per rule of analysis/rules.def. Each
 * reads the model (model.h) and emits findings; none walks the tree again
 * except inside the small subtrees it inspects. Internal header. */
#ifndef HYBRIDLS_ANALYSIS_RULES_RULES_H
#define HYBRIDLS_ANALYSIS_RULES_RULES_H

#include "analysis/model.h"

#define AN_RULE(code, ident, name, category, severity, summary) void an_check_##code(AnModel *m);
#include "analysis/rules.def"
#undef AN_RULE

/* Shared helpers (rules/common.c). */
/* The name this module uses for the tensorflow module ("tf"), or NULL. */
const char *an_tf_alias(AnModel *m);
/* True when the call's callee is `dotted` exactly. */
bool an_call_is(const AnCall *c, const char *dotted);
/* The function's display name for messages. */
const char *an_func_label(AnModel *m, int func);
/* True when the code at `func` is graph code in which the rule applies: in
 * G, not under `if tf.executing_eagerly():`. */
bool an_graph_code(AnModel *m, const AnCtx *ctx);

#endif
