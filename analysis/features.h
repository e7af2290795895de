/* analysis/features — the editor features read from a built model
 * (internal): the hybridization refactorings (refactor.c), hovers
 * (hover.c), code actions and fix-all (actions.c) and graph-mode spans
 * (spans.c). They only read the model and allocate in its arena; nothing
 * here changes what the rules found.
 */
#ifndef HYBRIDLS_ANALYSIS_FEATURES_H
#define HYBRIDLS_ANALYSIS_FEATURES_H

#include "analysis/model.h"

/* --- refactor.c ------------------------------------------------------------ */

/* Fills info->refactoring for function `func` (facts.c calls it once per
 * function, after the other facts of `info`). */
void an_refactor_fill(AnModel *m, int func, AnFunctionInfo *info);

/* The edits of the refactoring offered for `func` (the action in
 * info->refactoring), sorted by start, into *edits (AnEdit). Returns the
 * number of edits, 0 when nothing is offered. */
uint32_t an_refactor_edits(AnModel *m, int func, const AnFunctionInfo *info, AnVec *edits);

/* One sentence on why the offered refactoring helps, or NULL when none is
 * offered. */
const char *an_refactor_reason(AnModel *m, int func, const AnFunctionInfo *info);

/* The argument call `c` passes for parameter `p` of `f`; a null node when
 * it passes none. *splat is set when star arguments make it unknowable. */
TSNode an_call_arg_for(AnModel *m, const AnFunc *f, const AnCall *c, uint32_t p, bool *splat);

/* The function of the model an AnFunctionInfo describes, -1. */
int an_info_func(const AnModel *m, const AnFunctionInfo *info);
/* The AnFunctionInfo of function `func` (lambdas have none), or NULL. */
const AnFunctionInfo *an_func_info(const AnModel *m, int func);

/* Something in a function's own body that runs only while it is traced. */
typedef struct AnTraceOnly {
  TSNode node;
  const AnCall *call; /* the call, when the item is one */
  const char *what; /* "print", "Python I/O", "Python state change", ... */
} AnTraceOnly;

/* What a call does to Python state that a trace would run only once
 * ("print", "Python I/O", "Python randomness or clock", "Python state
 * change"), or NULL. The facts and the refactorings' reasons share it. */
const char *an_call_effect(AnModel *m, const AnCall *c);

/* The trace-only items of `func`'s own body, in document order (at most
 * `cap`); returns how many there are in total. */
uint32_t an_trace_only_items(AnModel *m, int func, AnTraceOnly *out, uint32_t cap);

/* True when `func` or what it calls has a Python side effect other than
 * a log meant to appear only while tracing (print("tracing ...")): one
 * that a tf.function would wrongly run once per trace. facts.c. */
bool an_lasting_effects(AnModel *m, int func);

/* Name the module uses for tf.function ("tf.function", "tfn"), or NULL. */
const char *an_tf_function_name(AnModel *m);

#endif
