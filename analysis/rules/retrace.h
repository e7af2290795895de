/* analysis/rules — helpers shared by the retracing rules: HY101 (retrace.c)
 * and its container / object siblings HY102 and HY103 (retrace_args.c).
 * They answer "is this a call of a hybrid function" and "does this value
 * change on every iteration of the enclosing loop". Internal header. */
#ifndef HYBRIDLS_ANALYSIS_RULES_RETRACE_H
#define HYBRIDLS_ANALYSIS_RULES_RETRACE_H

#include "analysis/rules/rules.h"

/* The hybrid function a call reaches. */
typedef struct AnHybridCallee {
  int local;                  /* function of this module, or -1 */
  const AnIndexFunction *ext; /* or a workspace function */
  const char *name;
  bool has_signature;
} AnHybridCallee;

#define AN_RETRACE_MAX_LOOPS 8

/* An argument of a call (splats and comments left out). */
typedef struct AnRetraceArg {
  TSNode arg;        /* as written: a keyword_argument for `p=v` */
  TSNode value;      /* v for `p=v` (null when missing), else arg */
  const char *param; /* the parameter it binds to, or NULL */
} AnRetraceArg;

/* An eager call of a tf.function without input_signature: the calls whose
 * Python arguments are traced by value, which HY101-HY103 all examine. */
typedef struct AnRetraceCall {
  const AnCall *call;
  AnHybridCallee callee;
  AnRetraceArg *args;
  uint32_t arg_count;
  /* The for/while loops around the call within its function, innermost
   * first (an_retrace_loops); none when the call is in no loop. */
  TSNode loops[AN_RETRACE_MAX_LOOPS];
  uint32_t loop_count;
} AnRetraceCall;

/* Those calls in document order, found once per model. */
const AnRetraceCall *an_retrace_calls(AnModel *m, uint32_t *count);

/* True when the call calls a tf.function of this module or the workspace;
 * fills *out. */
bool an_retrace_callee(AnModel *m, const AnCall *c, AnHybridCallee *out);
/* Parameter name an argument (positional index `pos`, or a keyword_argument
 * node) binds to, or NULL. */
const char *an_retrace_param_name(AnModel *m, const AnHybridCallee *h, const AnCall *c, TSNode arg, uint32_t pos);
/* Adds "'f' is a tf.function" as related information. */
void an_retrace_related_callee(AnModel *m, AnFinding *f, const AnHybridCallee *h);
/* The for/while loops around `node` inside function `func` (innermost
 * first), at most `cap`. */
uint32_t an_retrace_loops(AnModel *m, TSNode node, int func, TSNode *out, uint32_t cap);
/* The name `arg` mentions that changes from one iteration of `loop` to the
 * next (a for-target, or a name assigned in the loop body), or NULL. */
const char *an_retrace_varying_name(AnModel *m, TSNode arg, TSNode loop, int func);
/* True when `name`, though it changes with `loop`, takes fewer than three
 * values: the target of a loop over a small literal set, or a name every
 * assignment in the loop body sets to one of a few literals or to a bool
 * (`n_critic = 5 if epoch < 10 else 1`). Like a flag, it traces a bounded
 * number of times, not once per iteration. */
bool an_retrace_few_values(AnModel *m, TSNode loop, const char *name, int func);
/* True for expressions that are a Python bool whatever the operands. */
bool an_retrace_bool_valued(AnModel *m, TSNode n, int depth);
/* True when hybrid function `callee` uses parameter `name` to choose its
 * graph structure (`if p:`, `range(p)`, `dtype=p`, `shape=p`). */
bool an_retrace_structural_param(AnModel *m, int callee, const char *name);
/* A call site showing that `outer` runs repeatedly (in a loop, or one of
 * two or more call sites); null when it runs once as far as can be seen. */
TSNode an_retrace_repeated_call(AnModel *m, int outer);

#endif
