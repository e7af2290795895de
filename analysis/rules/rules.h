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
/* A short, single-line quotation of a node for messages ("x.numpy()"),
 * shortened with "..." past 60 characters. */
const char *an_snippet(AnModel *m, TSNode node);
/* The header of a for/while statement for messages ("for i in range(n)"),
 * up to its body: one line, shortened with "..." past 60 characters. */
const char *an_loop_header(AnModel *m, TSNode loop, TSNode body);
/* A store of the create-once idiom (`if self.v is None: self.v =
 * tf.Variable(...)`, a layer made in build(), the built flag set beside
 * it, `if k not in self.slots: self.slots[k] = tf.Variable(...)`): state a
 * trace is meant to set once, not a Python side effect. HY202, the inspect facts and the refactorings share it, so a
 * function is not dehybridized for what HY202 accepts (trace_effects.c). */
bool an_site_creates_once(AnModel *m, const AnSite *s);
/* Ancestors of `node`, outermost first and its parent last, at least up
 * to the node of `func`, the function it lies in (for module level, up to
 * its top-level statement); at most `cap`, -1 when there are more, 0 for a
 * top-level statement. The search starts at that function, so it costs one
 * walk down the function instead of one down the module per level, as
 * ts_node_parent does. */
int an_ancestors(AnModel *m, TSNode node, int func, TSNode *out, uint32_t cap);
#define AN_MAX_ANCESTORS 64
/* A loop AutoGraph makes a TensorFlow loop: a `for` over a tensor or a
 * dataset, a `while` on a tensor condition. *dataset (may be NULL) is set
 * for a `for` over a dataset, which runs as a scan, not a tf.while_loop. */
bool an_tf_loop(AnModel *m, TSNode loop, int func, bool *dataset);
/* ts_node_parent(node) the fast way, for a node in function `func`. */
TSNode an_parent(AnModel *m, TSNode node, int func);
/* The calls whose callee is function `f` (indices into m->calls, in
 * document order), so a rule asking about the callers of each function
 * does not scan every call of the module per function. */
typedef struct AnCallIds {
  const uint32_t *ids;
  uint32_t count;
} AnCallIds;
AnCallIds an_calls_to(AnModel *m, int f);
#define AN_CALL_AT(m, list, k) (&AN_VEC_AT((m)->calls, AnCall, (list).ids[(k)]))
/* True when `inner` lies within `outer` (byte ranges). */
bool an_node_within(TSNode inner, TSNode outer);
/* Nearest ancestor that is a statement (or the node itself); null at the
 * module. */
TSNode an_statement_of(AnModel *m, TSNode node);
/* Indentation (spaces and tabs) of the line containing byte `at`. */
const char *an_indent_at(AnModel *m, uint32_t at);
/* Byte offset of the start of the line containing `at`. */
uint32_t an_line_start(AnModel *m, uint32_t at);
/* Byte offset just after the end of the line containing `at` (after its
 * newline, or the end of the text). */
uint32_t an_line_end(AnModel *m, uint32_t at);
/* The module's line break ("\r\n" when its first line ends so, else "\n"),
 * for the lines fixes insert. */
const char *an_newline(const AnModel *m);
/* True when the first occurrence of `name` after statement `stmt` (in
 * document order, within function `func`) reads it rather than rebinding
 * it: the value `stmt` leaves is used (tensor_cond.c). */
bool an_read_after(AnModel *m, int func, TSNode stmt, const char *name, uint32_t len);
/* True when the subtree of `node` contains an identifier spelled `name`. */
bool an_mentions(AnModel *m, TSNode node, const char *name, uint32_t len);
/* True when `node` sits inside the condition of an enclosing if/elif/while,
 * conditional expression or assert, within its function. */
bool an_in_condition(AnModel *m, TSNode node);
/* The nearest enclosing `if`/`elif` statement within the function whose
 * consequence contains `node`; null when none. */
TSNode an_enclosing_if(AnModel *m, TSNode node, int func);
/* True when `node` lies in code Python never runs (so never traces)
 * whatever the input: the body of an `if`/`elif`/`while` whose condition is
 * false — a false literal (`if False:`, `if 0:`, `if None:`), a module
 * constant bound once to one and never declared global (`DEBUG = False`),
 * `and`/`or` of such — or the elif/else of one that is true, within
 * function `func`. */
bool an_statically_dead(AnModel *m, TSNode node, int func);
/* The value of the module constant `id` names from `func` (parentheses
 * skipped), when that is exact: the module binds it once, by a plain
 * `NAME = value` statement of its own (not in an if, loop, try or with),
 * before a module-level read; no function declares it global; nothing
 * imports, defines, deletes, rebinds or mutates it (`NAME.append(...)`,
 * `NAME[0] = ...`, `NAME += ...`, a local of the same name anywhere, a list
 * handed to a function other than TensorFlow's or to another name); and no
 * enclosing function or class body binds the name. Null otherwise. *reads
 * (may be NULL) gets how many times the module reads it, this read
 * included, so a fix knows whether editing the value changes other users. */
TSNode an_module_constant(AnModel *m, TSNode id, int func, uint32_t *reads);
/* `expr` with module constants followed (an_module_constant), a few hops
 * (`SIG = SERVING_SIG`); `expr` itself, unparenthesized, otherwise. */
TSNode an_constant_value(AnModel *m, TSNode expr, int func);
/* True when a fix may edit the input_signature of `f` where it is
 * written: in the tf.function call, or in a private module constant
 * (`_SIG`) nothing but this function reads; a constant that other code may
 * share is not changed for one of its users. */
bool an_signature_editable(AnModel *m, const AnFunc *f);
/* Where a finding on `node`, a part of an input_signature, is reported:
 * `node` itself when the signature is written in the tf.function call
 * (`ref` null); `ref`, the constant's name there, when a module constant
 * holds it (AnTfArgs.signature_ref), one finding per function as a
 * compiler reports an error at the use, with an_signature_related
 * pointing into the constant at `node`, the part of the input_signature
 * of `target` at fault. */
TSNode an_signature_site(TSNode ref, TSNode node);
void an_signature_related(AnModel *m, AnFinding *fd, TSNode ref, const char *target, TSNode node);
/* A number, string, True, False or None literal (parentheses skipped). */
bool an_literal(AnModel *m, TSNode n);
/* Adds a fix removing the expression statement made of `call`: its whole
 * lines, or `pass` when it is the only statement of its block. Offered only
 * when the statement stands alone on its lines. */
void an_remove_statement_fix(AnModel *m, AnFinding *f, TSNode call, const char *title, bool safe);
/* The decorator of function `func` whose expression (called or not) has
 * one of the canonical dotted `names` (NULL-terminated); null when none. */
TSNode an_decorator_named(AnModel *m, int func, const char *const *names);
/* Calls fn(m, c, kw) for every keyword argument of call `c`, in order. */
void an_each_keyword(AnModel *m, const AnCall *c, void (*fn)(AnModel *m, const AnCall *c, TSNode kw));
/* True for calls that are the expression of a decorator. */
bool an_is_decorator_call(AnModel *m, TSNode call);
/* True for test files by name: test_*.py, *_test.py, conftest.py. */
bool an_test_file(const char *path);
/* True when class `cls` is a unittest-style test case: a base spelled
 * `...TestCase` (unittest, tf.test, absltest, parameterized) or a class of
 * this module that is one. */
bool an_test_class(AnModel *m, int cls);
/* The methods that change a Python container in place: those of lists
 * (append, extend, insert), which an_list_mutator also accepts, and those
 * of dicts and sets. One table for HY202 and the refactoring's
 * side-effect precondition, which must agree on what a state change is. */
bool an_container_mutator(const char *method);
bool an_list_mutator(const char *method);
/* True for a function decorated @pytest.fixture (with or without call). */
bool an_pytest_fixture(AnModel *m, int func);
/* True for code that belongs to tests: anything in a test file, and code
 * of test-case classes and pytest fixtures elsewhere (HY701 reports the
 * eager switch there, HY501 does not). */
bool an_test_code(AnModel *m, const AnCtx *ctx);
/* True for a test method the runner calls once per run: a method named
 * test* defined directly in a test-case class (an_test_class). */
bool an_test_method(AnModel *m, int func);

/* True when `node` runs every time the body of `stop` runs: `stop` is a
 * loop or the function node of `func` that encloses it, or null for a
 * top-level statement of the module (func -1). Between them only blocks,
 * expression statements, assignments, with statements, try bodies (as far
 * as the first exception, like any block), returns and expressions that
 * always evaluate their operands (no if, except/else/finally clause, loop,
 * conditional expression, and/or, comprehension or lambda). */
bool an_runs_unconditionally(AnModel *m, TSNode node, TSNode stop, int func);
/* What a constructor call creates lazily or at once that holds variables
 * ("tf.Variable", "an optimizer", "a metric", "a Keras layer", ...), by
 * canonical dotted name; NULL for anything else (rules/api_args.c). */
const char *an_variable_creator(const char *dotted);

/* rules/tf_args.c: true when a literal input_signature list/tuple has
 * entries TensorFlow rejects before it compares the count with the
 * parameters (HY304 reports them, HY301 then stays quiet). */
bool an_signature_malformed(AnModel *m, TSNode sig, int func);
/* True for the Python I/O calls HY206 reports: logging, warnings, file and
 * stream writes (rules/trace_effects.c). */
bool an_is_python_io_call(AnModel *m, const AnCall *c);
/* True for a print/log call whose arguments are Python literals and one of
 * which mentions tracing: output meant to appear only while tracing. */
bool an_call_is_trace_log(AnModel *m, const AnCall *c);
/* Why graph code in a function runs without AutoGraph. */
typedef enum AnAutographOff {
  AN_AG_CONVERTED = 0,    /* AutoGraph converts it */
  AN_AG_OFF_FLAG,         /* a root tf.function(autograph=False) on its chain */
  AN_AG_OFF_DO_NOT_CONVERT, /* @tf.autograph.experimental.do_not_convert on it or a caller */
  AN_AG_OFF_OTHER,        /* a generator, a method AutoGraph skips, or a caller of those */
} AnAutographOff;
/* The reason AutoGraph is off for graph function `func` (per
 * AnFunc.autograph), walking its graph chain; *source gets the function
 * carrying the opt-out (for FLAG and DO_NOT_CONVERT), else -1. */
AnAutographOff an_autograph_off(const AnModel *m, int func, int *source);
/* The node that switches AutoGraph off in `source` for `why`: the
 * `autograph=False` argument or the do_not_convert decorator; null when
 * not found. */
TSNode an_autograph_off_node(AnModel *m, int source, AnAutographOff why);
/* True when an explicit opt-out (autograph=False, do_not_convert) owns the
 * tensor control flow of `func`: HY213 reports it, HY209/HY210 stay quiet. */
bool an_autograph_opted_out(const AnModel *m, int func);
/* rules/keras_endpoints.c: true for a class of this module derived
 * (through classes of this module) from keras.Model. */
bool an_keras_model_class(AnModel *m, int cls);
/* The module class whose instance `obj` holds (`self`, a name or
 * `self.attr` bound only to `Cls(...)`, or `Cls(...)` itself), or -1. */
int an_keras_instance_class(AnModel *m, TSNode obj, int func);

/* What the analysis knows statically about a tensor value or a declared
 * tf.TensorSpec (analysis/refactor.c, shared with the input_signature
 * refactorings). */
#define AN_SPEC_MAX_RANK 8
typedef struct AnTensorSpec {
  const char *dtype;          /* "float32", or NULL when unknown */
  int rank;                   /* -1 unknown */
  int dims[AN_SPEC_MAX_RANK]; /* -1 for None or unknown */
} AnTensorSpec;
/* dtype and shape of a tensor expression (tf.constant of literals or with
 * shape=, tf.zeros/ones, tf.random.*, cast/identity/zeros_like of those,
 * names bound once to them, elements of a dataset built in view); false
 * unless both dtype and rank are known. */
bool an_tensor_spec_of(AnModel *m, TSNode e, int func, AnTensorSpec *out);
/* Shape of a Python literal (a number, bool, string or nested lists and
 * tuples of them) and the dtype tf.constant infers for it: "string",
 * "float32" when any leaf is a float, "int32", "bool", NULL for mixed
 * strings and numbers or no leaves. False for anything else. */
bool an_literal_spec(AnModel *m, TSNode lit, AnTensorSpec *out);
/* dtype (float32 when omitted) and shape a `TensorSpec(shape, dtype)` call
 * declares; rank -1 when the shape is not a literal. The caller checks the
 * call is a TensorSpec. */
void an_declared_spec(AnModel *m, TSNode spec, int func, AnTensorSpec *out);
/* The spec a literal, well-formed input_signature of tf.function `fi` gives
 * its parameter `pi` (positional, not self) when that entry is a literal
 * tf.TensorSpec(...); false otherwise (rules/common.c). */
bool an_param_declared_spec(AnModel *m, int fi, uint32_t pi, AnTensorSpec *out);

#endif
