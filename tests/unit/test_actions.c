/* Unit tests of code actions, fix-all and the refactorings
 * (analysis/actions.c, analysis/refactor.c, analysis/spans.c).
 *
 * Every rule fix is applied to a small module: the result must parse
 * without errors, the finding must be gone, no finding of another rule may
 * appear, and the result must read exactly as expected. Fix-all applied to
 * each module must leave nothing for a second run. The suppression action,
 * each refactoring where it is offered (with its exact edit) and, one
 * module per precondition under tests/refactor/, where it is not (with the
 * exact failed preconditions), and the graph-mode spans are covered too. */
#include <stdio.h>
#include <tree_sitter/api.h>

#include "tests/unit/test.h"

#include "server/lang.h"

typedef struct Fx {
  AnLang *lang;
  TSParser *parser;
  TSTree *tree;
  AnModel *model;
  AnConfig cfg;
  char *src;
  uint32_t len;
} Fx;

static void fx_open_n(Fx *fx, const char *src, uint32_t len) {
  char err[256];
  memset(fx, 0, sizeof *fx);
  fx->src = malloc(len + 1);
  ASSERT(fx->src != NULL);
  memcpy(fx->src, src, len);
  fx->src[len] = '\0';
  fx->len = len;
  fx->lang = an_lang_new(hl_python_language(), err, sizeof err);
  ASSERT(fx->lang != NULL);
  fx->parser = ts_parser_new();
  ASSERT(ts_parser_set_language(fx->parser, hl_python_language()));
  fx->tree = ts_parser_parse_string(fx->parser, NULL, fx->src, len);
  ASSERT(fx->tree != NULL);
  an_config_init(&fx->cfg);
  AnSource s = {fx->lang, fx->src, len, fx->tree, "mod.py", NULL, 0};
  fx->model = an_model_build(&s, &fx->cfg, NULL);
  ASSERT(fx->model != NULL);
}

static void fx_open(Fx *fx, const char *src) { fx_open_n(fx, src, (uint32_t)strlen(src)); }

static void fx_close(Fx *fx) {
  an_model_free(fx->model);
  ts_tree_delete(fx->tree);
  ts_parser_delete(fx->parser);
  an_lang_free(fx->lang);
  free(fx->src);
}


/* `src` with `edits` (sorted, non-overlapping) applied; malloc'd. */
static char *apply(const char *src, uint32_t len, const AnEdit *edits, uint32_t n) {
  size_t cap = len + 1;
  for (uint32_t i = 0; i < n; i++) cap += strlen(edits[i].text);
  char *out = malloc(cap);
  ASSERT(out != NULL);
  size_t o = 0;
  uint32_t at = 0;
  for (uint32_t i = 0; i < n; i++) {
    ASSERT(edits[i].start >= at && edits[i].end >= edits[i].start && edits[i].end <= len);
    memcpy(out + o, src + at, edits[i].start - at);
    o += edits[i].start - at;
    size_t t = strlen(edits[i].text);
    memcpy(out + o, edits[i].text, t);
    o += t;
    at = edits[i].end;
  }
  memcpy(out + o, src + at, len - at);
  o += len - at;
  out[o] = '\0';
  return out;
}

static void count_rules(const AnModel *m, int *counts) {
  memset(counts, 0, sizeof(int) * AN_RULE_COUNT);
  uint32_t n;
  const AnFinding *fs = an_model_findings(m, &n);
  for (uint32_t i = 0; i < n; i++) counts[fs[i].rule]++;
}

/* Fix-all on `src`, then again on the result: the second run has nothing
 * left to do, and the result parses without errors. */
static void expect_fix_all_idempotent(const char *src) {
  Fx a;
  fx_open(&a, src);
  uint32_t n;
  const AnEdit *edits = an_model_fix_all(a.model, &n);
  for (uint32_t i = 1; i < n; i++) ASSERT(edits[i - 1].end <= edits[i].start);
  char *once = apply(a.src, a.len, edits, n);
  int before[AN_RULE_COUNT], after[AN_RULE_COUNT];
  count_rules(a.model, before);
  fx_close(&a);
  Fx b;
  fx_open(&b, once);
  ASSERT(!ts_node_has_error(ts_tree_root_node(b.tree)));
  count_rules(b.model, after);
  for (int r = 0; r < AN_RULE_COUNT; r++)
    if (after[r] > before[r]) TEST__FAIL("fix-all made %s appear:\n%s", an_rule_info((AnRuleId)r)->code, once);
  uint32_t again;
  an_model_fix_all(b.model, &again);
  if (again) TEST__FAIL("fix-all is not idempotent; after one run:\n%s", once);
  fx_close(&b);
  free(once);
}

/* Applies the fix titled `title` of the first finding of `rule` and checks
 * the result: exact text, no parse error, the finding gone, nothing new. */
static void expect_fix(const char *src, AnRuleId rule, const char *title, bool safe, const char *expected) {
  Fx fx;
  fx_open(&fx, src);
  uint32_t nf;
  const AnFinding *fs = an_model_findings(fx.model, &nf);
  const AnFinding *f = NULL;
  for (uint32_t i = 0; i < nf && !f; i++)
    if (fs[i].rule == rule) f = &fs[i];
  if (!f) TEST__FAIL("no %s finding in:\n%s", an_rule_info(rule)->code, src);
  uint32_t na;
  const AnAction *acts = an_model_actions(fx.model, f->start, f->end, &na);
  const AnAction *act = NULL;
  for (uint32_t i = 0; i < na && !act; i++)
    if (acts[i].finding == f && strcmp(acts[i].title, title) == 0) act = &acts[i];
  if (!act) TEST__FAIL("no action '%s' for %s", title, an_rule_info(rule)->code);
  ASSERT_EQ_INT(act->kind, AN_ACTION_QUICKFIX);
  ASSERT_EQ_INT(act->safe, safe);
  char *out = apply(fx.src, fx.len, act->edits, act->edit_count);
  ASSERT_EQ_STR(out, expected);
  int before[AN_RULE_COUNT], after[AN_RULE_COUNT];
  count_rules(fx.model, before);
  fx_close(&fx);
  fx_open(&fx, out);
  ASSERT(!ts_node_has_error(ts_tree_root_node(fx.tree)));
  count_rules(fx.model, after);
  ASSERT_EQ_INT(after[rule], before[rule] - 1);
  for (int r = 0; r < AN_RULE_COUNT; r++)
    if (after[r] > before[r]) TEST__FAIL("the fix made %s appear:\n%s", an_rule_info((AnRuleId)r)->code, out);
  fx_close(&fx);
  free(out);
  expect_fix_all_idempotent(src);
}

/* The first finding of `rule` in `src` has no action titled `title`. */
static void expect_no_fix(const char *src, AnRuleId rule, const char *title) {
  Fx fx;
  fx_open(&fx, src);
  uint32_t nf;
  const AnFinding *fs = an_model_findings(fx.model, &nf);
  const AnFinding *f = NULL;
  for (uint32_t i = 0; i < nf && !f; i++)
    if (fs[i].rule == rule) f = &fs[i];
  if (!f) TEST__FAIL("no %s finding in:\n%s", an_rule_info(rule)->code, src);
  uint32_t na;
  const AnAction *acts = an_model_actions(fx.model, f->start, f->end, &na);
  for (uint32_t i = 0; i < na; i++)
    if (acts[i].finding == f && strcmp(acts[i].title, title) == 0)
      TEST__FAIL("%s offers '%s' in:\n%s", an_rule_info(rule)->code, title, src);
  fx_close(&fx);
  expect_fix_all_idempotent(src);
}

/* --- one test per rule fix --------------------------------------------------- */

TEST(fix_hy101_tf_constant) {
  expect_fix("import tensorflow as tf\n\n\n@tf.function\ndef step(x, i):\n    return x * 2\n\n\n"
             "def train(x):\n    for i in range(10):\n        step(x, i)\n",
             AN_RULE_PYTHON_SCALAR_ARG_RETRACE, "Pass it as a tensor with tf.constant", false,
             "import tensorflow as tf\n\n\n@tf.function\ndef step(x, i):\n    return x * 2\n\n\n"
             "def train(x):\n    for i in range(10):\n        step(x, tf.constant(i, dtype=tf.int64))\n");
}

/* A float decayed in a range loop is not the loop's int counter: no dtype. */
TEST(fix_hy101_decayed_float_no_int_dtype) {
  expect_fix("import tensorflow as tf\n\n\n@tf.function\ndef act(x, eps):\n    return x * eps\n\n\n"
             "def run(x):\n    eps = 1.0\n    for ep in range(10):\n        act(x, eps)\n        eps = eps * 0.99\n",
             AN_RULE_PYTHON_SCALAR_ARG_RETRACE, "Pass it as a tensor with tf.constant", false,
             "import tensorflow as tf\n\n\n@tf.function\ndef act(x, eps):\n    return x * eps\n\n\n"
             "def run(x):\n    eps = 1.0\n    for ep in range(10):\n        act(x, tf.constant(eps))\n        eps = eps * 0.99\n");
}

TEST(fix_hy104_reduce_retracing) {
  expect_fix("import tensorflow as tf\n\n\n@tf.function\ndef f(x):\n    return x\n\n\n"
             "def run(x):\n    for i in range(1, 10):\n        f(x[:i])\n\n\nrun(tf.range(10))\n",
             AN_RULE_VARYING_SHAPE_WITHOUT_RELAXATION, "Add reduce_retracing=True to the tf.function", false,
             "import tensorflow as tf\n\n\n@tf.function(reduce_retracing=True)\ndef f(x):\n    return x\n\n\n"
             "def run(x):\n    for i in range(1, 10):\n        f(x[:i])\n\n\nrun(tf.range(10))\n");
  expect_fix("import tensorflow as tf\n\n\n@tf.function(jit_compile=True)\ndef f(x):\n    return x\n\n\n"
             "def run():\n    for n in range(1, 10):\n        f(tf.zeros([n]))\n",
             AN_RULE_VARYING_SHAPE_WITHOUT_RELAXATION, "Add reduce_retracing=True to the tf.function", false,
             "import tensorflow as tf\n\n\n@tf.function(jit_compile=True, reduce_retracing=True)\ndef f(x):\n    return x\n\n\n"
             "def run():\n    for n in range(1, 10):\n        f(tf.zeros([n]))\n");
}

TEST(fix_hy105_hoist) {
  expect_fix("import tensorflow as tf\n\nfor k in range(3):\n    step = tf.function(lambda v: v * 2)\n    step(k)\n",
             AN_RULE_TF_FUNCTION_CREATED_IN_LOOP, "Create the tf.function once, before the loop", true,
             "import tensorflow as tf\n\nstep = tf.function(lambda v: v * 2)\nfor k in range(3):\n    step(k)\n");
}

TEST(fix_hy107_wrap_once) {
  expect_fix("import tensorflow as tf\n\n\ndef f(x):\n    return x + 1\n\n\ndef run(x):\n    return tf.function(f)(x)\n",
             AN_RULE_IMMEDIATELY_INVOKED_TF_FUNCTION, "Wrap once as 'f_graph' at module level", true,
             "import tensorflow as tf\n\n\ndef f(x):\n    return x + 1\n\n\nf_graph = tf.function(f)\n\n\n"
             "def run(x):\n    return f_graph(x)\n");
}

TEST(fix_hy201_tf_print) {
  expect_fix("import tensorflow as tf\n\n\n@tf.function\ndef f(x):\n    print(\"x\", x)\n    return x\n",
             AN_RULE_PRINT_AT_TRACE_TIME, "Replace print with tf.print (runs on every call)", false,
             "import tensorflow as tf\nimport sys\n\n\n@tf.function\ndef f(x):\n"
             "    tf.print(\"x\", x, output_stream=sys.stdout)\n    return x\n");
}

TEST(fix_hy207_drop_numpy) {
  expect_fix("import tensorflow as tf\n\n\n@tf.function\ndef f(x):\n    y = tf.reduce_sum(x).numpy()\n    return y\n",
             AN_RULE_EAGER_ONLY_NUMPY_METHOD, "Remove .numpy() and keep the tensor", false,
             "import tensorflow as tf\n\n\n@tf.function\ndef f(x):\n    y = tf.reduce_sum(x)\n    return y\n");
}

TEST(fix_hy208_tf_math) {
  expect_fix("import numpy as np\nimport tensorflow as tf\n\n\n@tf.function(input_signature=[tf.TensorSpec([None])])\n"
             "def f(x):\n    return np.exp(x)\n",
             AN_RULE_NUMPY_CALL_ON_SYMBOLIC, "Use tf.math.exp", false,
             "import numpy as np\nimport tensorflow as tf\n\n\n@tf.function(input_signature=[tf.TensorSpec([None])])\n"
             "def f(x):\n    return tf.math.exp(x)\n");
}

TEST(fix_hy209_graph_assert) {
  expect_fix("import tensorflow as tf\n\n\n@tf.function\ndef f(x):\n    assert tf.reduce_all(x > 0.0), \"neg\"\n"
             "    return x\n",
             AN_RULE_TENSOR_AS_PYTHON_BOOL, "Use tf.debugging.Assert (raises InvalidArgumentError at run time)", false,
             "import tensorflow as tf\n\n\n@tf.function\ndef f(x):\n"
             "    tf.debugging.Assert(tf.reduce_all(x > 0.0), [\"neg\"])\n    return x\n");
}

TEST(fix_hy210_unstack) {
  expect_fix("import tensorflow as tf\n\n\n@tf.function\ndef f(x):\n    a, b = tf.zeros([2])\n    return a + b\n",
             AN_RULE_ITERATE_SYMBOLIC_TENSOR, "Unpack with tf.unstack", false,
             "import tensorflow as tf\n\n\n@tf.function\ndef f(x):\n    a, b = tf.unstack(tf.zeros([2]), num=2)\n"
             "    return a + b\n");
}

TEST(fix_hy304_wrap_spec) {
  expect_fix("import tensorflow as tf\n\n\n@tf.function(input_signature=tf.TensorSpec([None], tf.float32))\n"
             "def f(x):\n    return x\n",
             AN_RULE_INPUT_SIGNATURE_MALFORMED, "Wrap the spec in a list", true,
             "import tensorflow as tf\n\n\n@tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])\n"
             "def f(x):\n    return x\n");
}

TEST(fix_hy213_remove_autograph_false) {
  expect_fix("import tensorflow as tf\n\n\n@tf.function(jit_compile=True, autograph=False)\ndef f(x):\n"
             "    if tf.reduce_sum(x) > 0:\n        x = -x\n    return x\n",
             AN_RULE_AUTOGRAPH_DISABLED_TENSOR_CONTROL_FLOW, "Remove autograph=False", true,
             "import tensorflow as tf\n\n\n@tf.function(jit_compile=True)\ndef f(x):\n"
             "    if tf.reduce_sum(x) > 0:\n        x = -x\n    return x\n");
}

TEST(fix_hy213_remove_do_not_convert) {
  expect_fix("import tensorflow as tf\n\n\n@tf.autograph.experimental.do_not_convert\ndef g(x):\n"
             "    for v in tf.reshape(x, [-1]):\n        x = x + v\n    return x\n\n\n"
             "@tf.function\ndef f(x):\n    return g(x)\n",
             AN_RULE_AUTOGRAPH_DISABLED_TENSOR_CONTROL_FLOW, "Remove @do_not_convert", true,
             "import tensorflow as tf\n\n\ndef g(x):\n"
             "    for v in tf.reshape(x, [-1]):\n        x = x + v\n    return x\n\n\n"
             "@tf.function\ndef f(x):\n    return g(x)\n");
}

TEST(fix_hy109_tf_range) {
  expect_fix("import tensorflow as tf\n\n\n@tf.function\ndef f(x):\n    for i in range(1000):\n"
             "        x = tf.sin(x)\n    return x\n",
             AN_RULE_PYTHON_LOOP_UNROLLED, "Iterate over tf.range (a TensorFlow loop)", false,
             "import tensorflow as tf\n\n\n@tf.function\ndef f(x):\n    for i in tf.range(1000):\n"
             "        x = tf.sin(x)\n    return x\n");
}

TEST(fix_hy212_tf_range) {
  expect_fix("import tensorflow as tf\n\n\n@tf.function\ndef f(x, tol):\n    for i in range(100):\n"
             "        x = x * 0.5\n        if tf.norm(x) < tol:\n            break\n    return x\n",
             AN_RULE_TENSOR_BREAK_IN_PYTHON_LOOP, "Iterate over tf.range (a TensorFlow loop)", false,
             "import tensorflow as tf\n\n\n@tf.function\ndef f(x, tol):\n    for i in tf.range(100):\n"
             "        x = x * 0.5\n        if tf.norm(x) < tol:\n            break\n    return x\n");
}

TEST(fix_hy305_rename) {
  expect_fix("import tensorflow as tf\n\n\n@tf.function(experimental_relax_shapes=True)\ndef f(x):\n    return x\n",
             AN_RULE_DEPRECATED_TF_FUNCTION_ARG, "Rename to reduce_retracing", false,
             "import tensorflow as tf\n\n\n@tf.function(reduce_retracing=True)\ndef f(x):\n    return x\n");
}

TEST(fix_hy307_rename_keyword) {
  expect_fix("import tensorflow as tf\n\n\n@tf.function(input_signatures=[tf.TensorSpec([None])], jit_compile=True)\n"
             "def f(x):\n    return x\n",
             AN_RULE_TF_FUNCTION_ARG_MISUSE, "Rename to input_signature", true,
             "import tensorflow as tf\n\n\n@tf.function(input_signature=[tf.TensorSpec([None])], jit_compile=True)\n"
             "def f(x):\n    return x\n");
}

TEST(fix_hy307_list_as_signature) {
  expect_fix("import tensorflow as tf\n\n\n@tf.function([tf.TensorSpec([None])], autograph=False)\ndef f(x):\n    return x\n",
             AN_RULE_TF_FUNCTION_ARG_MISUSE, "Pass it as input_signature", true,
             "import tensorflow as tf\n\n\n@tf.function(input_signature=[tf.TensorSpec([None])], autograph=False)\n"
             "def f(x):\n    return x\n");
}

TEST(fix_hy307_spec_as_signature) {
  expect_fix("import tensorflow as tf\n\n\n@tf.function(tf.TensorSpec([None]))\ndef f(x):\n    return x\n",
             AN_RULE_TF_FUNCTION_ARG_MISUSE, "Pass it as input_signature", true,
             "import tensorflow as tf\n\n\n@tf.function(input_signature=[tf.TensorSpec([None])])\ndef f(x):\n    return x\n");
}

/* A rename into a deprecated keyword trades the TypeError for HY305's
 * warning: offered, never applied by fix-all. */
TEST(fix_hy307_deprecated_target_offered) {
  Fx fx;
  fx_open(&fx, "import tensorflow as tf\n\n\n@tf.function(experimental_relax_shape=True)\ndef f(x):\n    return x\n");
  uint32_t nf, na, n;
  const AnFinding *fs = an_model_findings(fx.model, &nf);
  ASSERT_EQ_INT(nf, 1);
  ASSERT_EQ_INT(fs[0].rule, AN_RULE_TF_FUNCTION_ARG_MISUSE);
  const AnAction *acts = an_model_actions(fx.model, fs[0].start, fs[0].end, &na);
  const AnAction *act = NULL;
  for (uint32_t i = 0; i < na && !act; i++)
    if (strcmp(acts[i].title, "Rename to experimental_relax_shapes") == 0) act = &acts[i];
  ASSERT(act != NULL);
  ASSERT_EQ_INT(act->safe, false);
  an_model_fix_all(fx.model, &n);
  ASSERT_EQ_INT(n, 0);
  fx_close(&fx);
}

TEST(fix_hy306_rename) {
  expect_fix("import tensorflow as tf\n\ntf.config.experimental_run_functions_eagerly(False)\n",
             AN_RULE_DEPRECATED_EAGER_SWITCH_API, "Rename to run_functions_eagerly", true,
             "import tensorflow as tf\n\ntf.config.run_functions_eagerly(False)\n");
}

TEST(fix_hy308_call_model) {
  expect_fix("import tensorflow as tf\n\nmodel = tf.keras.Sequential([tf.keras.layers.Dense(1)])\n\n\n"
             "@tf.function\ndef serve(x):\n    return model.predict(x, verbose=0)\n",
             AN_RULE_KERAS_ENDPOINT_IN_GRAPH, "Call the model directly: model(x, training=False)", false,
             "import tensorflow as tf\n\nmodel = tf.keras.Sequential([tf.keras.layers.Dense(1)])\n\n\n"
             "@tf.function\ndef serve(x):\n    return model(x, training=False)\n");
}

TEST(fix_hy311_weakref_slot) {
  expect_fix("import tensorflow as tf\n\n\nclass S:\n    __slots__ = (\"w\",)\n\n    @tf.function\n"
             "    def f(self, x):\n        return x * self.w\n",
             AN_RULE_METHOD_SELF_NOT_HASHABLE, "Add \"__weakref__\" to __slots__", true,
             "import tensorflow as tf\n\n\nclass S:\n    __slots__ = (\"w\", \"__weakref__\",)\n\n    @tf.function\n"
             "    def f(self, x):\n        return x * self.w\n");
}

TEST(fix_hy311_dataclass_eq_false) {
  expect_fix("from dataclasses import dataclass\n\nimport tensorflow as tf\n\n\n@dataclass\nclass S:\n    w: float\n\n"
             "    @tf.function\n    def f(self, x):\n        return x * self.w\n",
             AN_RULE_METHOD_SELF_NOT_HASHABLE, "Use @dataclass(eq=False) (instances then compare by identity)", false,
             "from dataclasses import dataclass\n\nimport tensorflow as tf\n\n\n@dataclass(eq=False)\nclass S:\n    w: float\n\n"
             "    @tf.function\n    def f(self, x):\n        return x * self.w\n");
  expect_fix("import dataclasses\n\nimport tensorflow as tf\n\n\n@dataclasses.dataclass(order=False)\nclass S:\n    w: float\n\n"
             "    @tf.function\n    def f(self, x):\n        return x * self.w\n",
             AN_RULE_METHOD_SELF_NOT_HASHABLE, "Use @dataclass(eq=False) (instances then compare by identity)", false,
             "import dataclasses\n\nimport tensorflow as tf\n\n\n@dataclasses.dataclass(order=False, eq=False)\nclass S:\n    w: float\n\n"
             "    @tf.function\n    def f(self, x):\n        return x * self.w\n");
}

TEST(fix_hy310_tf_shape) {
  expect_fix("import tensorflow as tf\n\n\n@tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])\n"
             "def f(x):\n    total = tf.zeros([3])\n    for i in range(x.shape[0]):\n        total += x[i]\n"
             "    return total\n",
             AN_RULE_STATIC_SHAPE_READ_ON_DYNAMIC_AXIS, "Use tf.shape(x)[0] (the size at run time)", false,
             "import tensorflow as tf\n\n\n@tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])\n"
             "def f(x):\n    total = tf.zeros([3])\n    for i in range(tf.shape(x)[0]):\n        total += x[i]\n"
             "    return total\n");
}

TEST(fix_hy401_guard) {
  expect_fix("import tensorflow as tf\n\n\nclass Scaler(tf.Module):\n    @tf.function\n    def __call__(self, x):\n"
             "        self.scale = tf.Variable(tf.ones([3]))\n        return x * self.scale\n",
             AN_RULE_VARIABLE_CREATED_IN_GRAPH, "Create it only once (guard with hasattr)", true,
             "import tensorflow as tf\n\n\nclass Scaler(tf.Module):\n    @tf.function\n    def __call__(self, x):\n"
             "        if not hasattr(self, \"scale\"):\n            self.scale = tf.Variable(tf.ones([3]))\n"
             "        return x * self.scale\n");
}

TEST(fix_hy111_remove_inner_decorator) {
  expect_fix("import tensorflow as tf\n\n\n@tf.function\ndef outer(x):\n    @tf.function\n    def inner(t):\n"
             "        return t * 2.0\n\n    return inner(x) + 1.0\n",
             AN_RULE_REDUNDANT_INNER_TF_FUNCTION, "Remove the inner @tf.function", true,
             "import tensorflow as tf\n\n\n@tf.function\ndef outer(x):\n    def inner(t):\n"
             "        return t * 2.0\n\n    return inner(x) + 1.0\n");
}

TEST(fix_hy112_hybridize) {
  expect_fix("import tensorflow as tf\n\nw = tf.Variable(tf.zeros([3]))\nopt = tf.keras.optimizers.SGD(0.1)\n\n\n"
             "def step(x):\n    with tf.GradientTape() as tape:\n        loss = tf.reduce_sum(tf.square(w - x))\n"
             "    opt.apply_gradients([(tape.gradient(loss, w), w)])\n    return loss\n\n\n"
             "for _ in range(3):\n    step(tf.ones([3]))\n",
             AN_RULE_UNHYBRIDIZED_TRAIN_STEP, "Hybridize 'step': add @tf.function", false,
             "import tensorflow as tf\n\nw = tf.Variable(tf.zeros([3]))\nopt = tf.keras.optimizers.SGD(0.1)\n\n\n"
             "@tf.function\ndef step(x):\n    with tf.GradientTape() as tape:\n        loss = tf.reduce_sum(tf.square(w - x))\n"
             "    opt.apply_gradients([(tape.gradient(loss, w), w)])\n    return loss\n\n\n"
             "for _ in range(3):\n    step(tf.ones([3]))\n");
}

TEST(fix_hy113_remove_step_decorator) {
  expect_fix("import tensorflow as tf\n\n\nclass Net(tf.keras.Model):\n    @tf.function\n    def train_step(self, data):\n"
             "        return {}\n\n\nmodel = Net()\nmodel.compile(optimizer=\"adam\", loss=\"mse\")\n"
             "model.fit(tf.zeros([2, 1]), tf.zeros([2, 1]))\n",
             AN_RULE_REDUNDANT_TF_FUNCTION_ON_KERAS_STEP, "Remove @tf.function (Keras already compiles the step)", false,
             "import tensorflow as tf\n\n\nclass Net(tf.keras.Model):\n    def train_step(self, data):\n"
             "        return {}\n\n\nmodel = Net()\nmodel.compile(optimizer=\"adam\", loss=\"mse\")\n"
             "model.fit(tf.zeros([2, 1]), tf.zeros([2, 1]))\n");
}

TEST(fix_hy502_remove_breakpoint) {
  expect_fix("import tensorflow as tf\n\n\n@tf.function\ndef f(x):\n    breakpoint()\n    return x\n",
             AN_RULE_DEBUGGER_IN_GRAPH, "Remove the breakpoint", true,
             "import tensorflow as tf\n\n\n@tf.function\ndef f(x):\n    return x\n");
}

TEST(fix_hy701_add_cleanup) {
  expect_fix("import tensorflow as tf\n\n\nclass StepTest(tf.test.TestCase):\n    def setUp(self):\n"
             "        super().setUp()\n        tf.config.run_functions_eagerly(True)\n\n"
             "    def test_step(self):\n        self.assertAllClose(tf.ones([2]), [1.0, 1.0])\n",
             AN_RULE_EAGER_SWITCH_LEAKS_IN_TESTS, "Switch it back after the test (self.addCleanup)", true,
             "import tensorflow as tf\n\n\nclass StepTest(tf.test.TestCase):\n    def setUp(self):\n"
             "        super().setUp()\n        tf.config.run_functions_eagerly(True)\n"
             "        self.addCleanup(tf.config.run_functions_eagerly, False)\n\n"
             "    def test_step(self):\n        self.assertAllClose(tf.ones([2]), [1.0, 1.0])\n");
}

/* What the wrapped function reads may change in the loop: a hoisted
 * Function, traced once, would keep the first value. Offered, not safe. */
TEST(fix_hy105_hoist_unsafe_when_loop_changes_state) {
  /* A global the wrapped def reads, rebound by the loop. */
  expect_fix("import tensorflow as tf\n\n\ndef fwd(x):\n    return model(x)\n\n\n"
             "def cv(folds, build):\n    global model\n    for fold in folds:\n        model = build()\n"
             "        f = tf.function(fwd)\n        f(fold)\n",
             AN_RULE_TF_FUNCTION_CREATED_IN_LOOP, "Create the tf.function once, before the loop", false,
             "import tensorflow as tf\n\n\ndef fwd(x):\n    return model(x)\n\n\n"
             "def cv(folds, build):\n    global model\n    f = tf.function(fwd)\n    for fold in folds:\n"
             "        model = build()\n        f(fold)\n");
  /* An attribute of a captured object, replaced in the loop. */
  expect_fix("import tensorflow as tf\n\n\nclass T:\n    def cv(self, folds, build):\n        for fold in folds:\n"
             "            self.model = build()\n            h = tf.function(lambda b: self.model(b))\n            h(fold)\n",
             AN_RULE_TF_FUNCTION_CREATED_IN_LOOP, "Create the tf.function once, before the loop", false,
             "import tensorflow as tf\n\n\nclass T:\n    def cv(self, folds, build):\n"
             "        h = tf.function(lambda b: self.model(b))\n        for fold in folds:\n"
             "            self.model = build()\n            h(fold)\n");
  /* A call evaluated once instead of on every iteration. */
  expect_fix("import tensorflow as tf\n\n\ndef cv(folds, make):\n    for fold in folds:\n"
             "        k = tf.function(make())\n        k(fold)\n",
             AN_RULE_TF_FUNCTION_CREATED_IN_LOOP, "Create the tf.function once, before the loop", false,
             "import tensorflow as tf\n\n\ndef cv(folds, make):\n    k = tf.function(make())\n    for fold in folds:\n"
             "        k(fold)\n");
}

/* The inserted line keeps the file's CRLF line breaks. */
TEST(fix_hy105_hoist_crlf) {
  expect_fix("import tensorflow as tf\r\n\r\nfor k in range(3):\r\n    step = tf.function(lambda v: v * 2)\r\n    step(k)\r\n",
             AN_RULE_TF_FUNCTION_CREATED_IN_LOOP, "Create the tf.function once, before the loop", true,
             "import tensorflow as tf\r\n\r\nstep = tf.function(lambda v: v * 2)\r\nfor k in range(3):\r\n    step(k)\r\n");
}

/* A comment on the definition's last line stays there; CRLF stays CRLF. */
TEST(fix_hy107_after_trailing_comment) {
  expect_fix("import tensorflow as tf\n\n\ndef f(x):\n    return x + 1  # shift\n\n\ndef run(x):\n    return tf.function(f)(x)\n",
             AN_RULE_IMMEDIATELY_INVOKED_TF_FUNCTION, "Wrap once as 'f_graph' at module level", true,
             "import tensorflow as tf\n\n\ndef f(x):\n    return x + 1  # shift\n\n\nf_graph = tf.function(f)\n\n\n"
             "def run(x):\n    return f_graph(x)\n");
  expect_fix("import tensorflow as tf\r\n\r\n\r\ndef f(x):\r\n    return x + 1\r\n\r\n\r\ndef run(x):\r\n    return tf.function(f)(x)\r\n",
             AN_RULE_IMMEDIATELY_INVOKED_TF_FUNCTION, "Wrap once as 'f_graph' at module level", true,
             "import tensorflow as tf\r\n\r\n\r\ndef f(x):\r\n    return x + 1\r\n\r\n\r\nf_graph = tf.function(f)\r\n\r\n\r\n"
             "def run(x):\r\n    return f_graph(x)\r\n");
}

/* Moved to module level, the wrapper's arguments must mean the same there;
 * a definition inside `try` would be cut off by a line at column 0. */
TEST(fix_hy107_not_offered_when_wrong_at_module_level) {
  expect_no_fix("import tensorflow as tf\n\n\ndef f(x):\n    return x + 1\n\n\n"
                "def run(xs, use_xla):\n    for x in xs:\n        tf.function(f, jit_compile=use_xla)(x)\n",
                AN_RULE_IMMEDIATELY_INVOKED_TF_FUNCTION, "Wrap once as 'f_graph' at module level");
  expect_no_fix("import tensorflow as tf\n\ntry:\n    def f(x):\n        return x + 1\nexcept ImportError:\n    pass\n\n\n"
                "def run(x):\n    return tf.function(f)(x)\n",
                AN_RULE_IMMEDIATELY_INVOKED_TF_FUNCTION, "Wrap once as 'f_graph' at module level");
  expect_fix("import tensorflow as tf\n\n\ndef f(x):\n    return x + 1\n\n\n"
             "def run(x):\n    return tf.function(f, jit_compile=True, input_signature=[tf.TensorSpec([], tf.float32)])(x)\n",
             AN_RULE_IMMEDIATELY_INVOKED_TF_FUNCTION, "Wrap once as 'f_graph' at module level", true,
             "import tensorflow as tf\n\n\ndef f(x):\n    return x + 1\n\n\n"
             "f_graph = tf.function(f, jit_compile=True, input_signature=[tf.TensorSpec([], tf.float32)])\n\n\n"
             "def run(x):\n    return f_graph(x)\n");
}

/* A trailing comma (and a comment after it) before the parenthesis. */
TEST(fix_hy201_trailing_comma) {
  expect_fix("import sys\n\nimport tensorflow as tf\n\n\n@tf.function\ndef f(x):\n    print(\"x\", x,)\n"
             "    print(\n        \"y\", x,  # raw\n    )\n    return x\n",
             AN_RULE_PRINT_AT_TRACE_TIME, "Replace print with tf.print (runs on every call)", false,
             "import sys\n\nimport tensorflow as tf\n\n\n@tf.function\ndef f(x):\n"
             "    tf.print(\"x\", x, output_stream=sys.stdout,)\n"
             "    print(\n        \"y\", x,  # raw\n    )\n    return x\n");
  expect_fix("import sys\n\nimport tensorflow as tf\n\n\n@tf.function\ndef f(x):\n"
             "    print(\n        \"y\", x,  # raw\n    )\n    return x\n",
             AN_RULE_PRINT_AT_TRACE_TIME, "Replace print with tf.print (runs on every call)", false,
             "import sys\n\nimport tensorflow as tf\n\n\n@tf.function\ndef f(x):\n"
             "    tf.print(\n        \"y\", x, output_stream=sys.stdout,  # raw\n    )\n    return x\n");
}

/* Tab-indented code gets a tab, and CRLF lines a CRLF. */
TEST(fix_hy401_guard_tabs_crlf) {
  expect_fix("import tensorflow as tf\r\n\r\n\r\nclass Scaler(tf.Module):\r\n\t@tf.function\r\n\tdef __call__(self, x):\r\n"
             "\t\tself.scale = tf.Variable(\r\n\t\t\ttf.ones([3]))\r\n\t\treturn x * self.scale\r\n",
             AN_RULE_VARIABLE_CREATED_IN_GRAPH, "Create it only once (guard with hasattr)", true,
             "import tensorflow as tf\r\n\r\n\r\nclass Scaler(tf.Module):\r\n\t@tf.function\r\n\tdef __call__(self, x):\r\n"
             "\t\tif not hasattr(self, \"scale\"):\r\n\t\t\tself.scale = tf.Variable(\r\n\t\t\t\ttf.ones([3]))\r\n"
             "\t\treturn x * self.scale\r\n");
}

/* Indenting the continuation lines would change a string spanning them. */
TEST(fix_hy401_no_guard_across_multiline_string) {
  expect_no_fix("import tensorflow as tf\n\n\nclass Scaler(tf.Module):\n    @tf.function\n    def __call__(self, x):\n"
                "        self.scale = tf.Variable(tf.ones([3]), name=\"\"\"scale\nfactor\"\"\")\n"
                "        return x * self.scale\n",
                AN_RULE_VARIABLE_CREATED_IN_GRAPH, "Create it only once (guard with hasattr)");
}

/* The switch imported under another name: the cleanup the fix adds names
 * it so, and counts as switching it back (a second run adds nothing). */
TEST(fix_hy701_add_cleanup_alias) {
  expect_fix("import tensorflow as tf\nfrom tensorflow.config import run_functions_eagerly as eager\n\n\n"
             "class StepTest(tf.test.TestCase):\n    def test_step(self):\n        eager(True)\n"
             "        self.assertAllClose(tf.ones([2]), [1.0, 1.0])\n",
             AN_RULE_EAGER_SWITCH_LEAKS_IN_TESTS, "Switch it back after the test (self.addCleanup)", true,
             "import tensorflow as tf\nfrom tensorflow.config import run_functions_eagerly as eager\n\n\n"
             "class StepTest(tf.test.TestCase):\n    def test_step(self):\n        eager(True)\n"
             "        self.addCleanup(eager, False)\n"
             "        self.assertAllClose(tf.ones([2]), [1.0, 1.0])\n");
}

/* Several safe fixes in one module, two of them adding the same definition:
 * fix-all shares it, and a second run has nothing to do. */
TEST(fix_all_combined) {
  const char *src =
      "import tensorflow as tf\n\n\ndef f(x):\n    return x + 1\n\n\n"
      "def run(x):\n    a = tf.function(f)(x)\n    return tf.function(f)(a)\n\n\n"
      "@tf.function\ndef g(x):\n    breakpoint()\n    return x\n\n\n"
      "tf.config.experimental_run_functions_eagerly(False)\n";
  Fx fx;
  fx_open(&fx, src);
  uint32_t n;
  const AnEdit *edits = an_model_fix_all(fx.model, &n);
  char *out = apply(fx.src, fx.len, edits, n);
  ASSERT_EQ_STR(out, "import tensorflow as tf\n\n\ndef f(x):\n    return x + 1\n\n\nf_graph = tf.function(f)\n\n\n"
                     "def run(x):\n    a = f_graph(x)\n    return f_graph(a)\n\n\n"
                     "@tf.function\ndef g(x):\n    return x\n\n\n"
                     "tf.config.run_functions_eagerly(False)\n");
  free(out);
  fx_close(&fx);
  expect_fix_all_idempotent(src);
}

/* Unsafe fixes never enter fix-all. */
TEST(fix_all_skips_unsafe) {
  Fx fx;
  fx_open(&fx, "import tensorflow as tf\n\n\n@tf.function\ndef f(x):\n    print(x)\n    return x.numpy()\n");
  uint32_t n;
  an_model_fix_all(fx.model, &n);
  ASSERT_EQ_INT(n, 0);
  fx_close(&fx);
}

/* --- suppression ---------------------------------------------------------------- */

static void expect_suppression(const char *src, const char *expected) {
  Fx fx;
  fx_open(&fx, src);
  uint32_t nf;
  const AnFinding *fs = an_model_findings(fx.model, &nf);
  const AnFinding *f = NULL;
  for (uint32_t i = 0; i < nf && !f; i++)
    if (fs[i].rule == AN_RULE_PRINT_AT_TRACE_TIME) f = &fs[i];
  ASSERT(f != NULL);
  uint32_t na;
  const AnAction *acts = an_model_actions(fx.model, f->start, f->start, &na);
  const AnAction *act = NULL;
  for (uint32_t i = 0; i < na && !act; i++)
    if (strcmp(acts[i].title, "Suppress HY201 on this line") == 0) act = &acts[i];
  ASSERT(act != NULL);
  ASSERT(!act->safe);
  ASSERT_EQ_INT(act->kind, AN_ACTION_QUICKFIX);
  ASSERT(act->finding == f);
  char *out = apply(fx.src, fx.len, act->edits, act->edit_count);
  ASSERT_EQ_STR(out, expected);
  fx_close(&fx);
  fx_open(&fx, out);
  ASSERT(!ts_node_has_error(ts_tree_root_node(fx.tree)));
  int counts[AN_RULE_COUNT];
  count_rules(fx.model, counts);
  ASSERT_EQ_INT(counts[AN_RULE_PRINT_AT_TRACE_TIME], 0);
  fx_close(&fx);
  free(out);
}

TEST(suppress_adds_comment) {
  expect_suppression("import tensorflow as tf\n\n\n@tf.function\ndef f(x):\n    print(x)   \n    return x\n",
                     "import tensorflow as tf\n\n\n@tf.function\ndef f(x):\n    print(x)  # hybridls: ignore[HY201]   \n"
                     "    return x\n");
}

TEST(suppress_extends_directive) {
  expect_suppression("import random\nimport tensorflow as tf\n\n\n@tf.function\ndef f(x):\n"
                     "    print(x, random.random())  # hybridls: ignore[HY205]\n    return x\n",
                     "import random\nimport tensorflow as tf\n\n\n@tf.function\ndef f(x):\n"
                     "    print(x, random.random())  # hybridls: ignore[HY205, HY201]\n    return x\n");
}

TEST(suppress_after_other_comment) {
  expect_suppression("import tensorflow as tf\n\n\n@tf.function\ndef f(x):\n    print(x)  # debug\n    return x\n",
                     "import tensorflow as tf\n\n\n@tf.function\ndef f(x):\n"
                     "    print(x)  # debug  # hybridls: ignore[HY201]\n    return x\n");
}

/* A finding whose first line ends inside a string: the directive goes on
 * its last line. */
TEST(suppress_multiline_string) {
  expect_suppression("import tensorflow as tf\n\n\n@tf.function\ndef f(x):\n    print(\"\"\"a\nb\"\"\", x)\n    return x\n",
                     "import tensorflow as tf\n\n\n@tf.function\ndef f(x):\n"
                     "    print(\"\"\"a\nb\"\"\", x)  # hybridls: ignore[HY201]\n    return x\n");
}

/* --- refactorings ------------------------------------------------------------ */

static const AnFunctionInfo *info_named(const AnModel *m, const char *name) {
  uint32_t n;
  const AnFunctionInfo *fns = an_model_functions(m, &n);
  for (uint32_t i = 0; i < n; i++)
    if (strcmp(fns[i].name, name) == 0) return &fns[i];
  TEST__FAIL("no function '%s'", name);
}

/* The refactoring of `name` in tests/refactor/`file` is `action`; applying
 * its refactor.rewrite action gives `expected`, which parses cleanly. */
static void expect_refactoring(const char *file, const char *name, AnRefactorAction action, const char *signature,
                               const char *expected) {
  char path[256];
  snprintf(path, sizeof path, "tests/refactor/%s", file);
  char *src = test_read_file(path);
  Fx fx;
  fx_open(&fx, src);
  const AnFunctionInfo *info = info_named(fx.model, name);
  ASSERT_EQ_STR(an_refactor_name(info->refactoring.action), an_refactor_name(action));
  ASSERT_EQ_INT(info->refactoring.failed_count, 0);
  if (signature)
    ASSERT_EQ_STR(info->refactoring.input_signature, signature);
  else
    ASSERT(info->refactoring.input_signature == NULL);
  uint32_t na;
  const AnAction *acts = an_model_actions(fx.model, info->name_start, info->name_start, &na);
  const AnAction *act = NULL;
  for (uint32_t i = 0; i < na && !act; i++)
    if (acts[i].kind == AN_ACTION_REFACTOR_REWRITE) act = &acts[i];
  ASSERT(act != NULL);
  ASSERT_EQ_INT(act->refactoring, action);
  ASSERT(!act->safe);
  char *out = apply(fx.src, fx.len, act->edits, act->edit_count);
  ASSERT_EQ_STR(out, expected);
  fx_close(&fx);
  fx_open(&fx, out);
  ASSERT(!ts_node_has_error(ts_tree_root_node(fx.tree)));
  const AnFunctionInfo *again = info_named(fx.model, name);
  ASSERT_EQ_INT(again->hybrid, action != AN_REFACTOR_DEHYBRIDIZE);
  /* Done: the same refactoring is not offered again. */
  ASSERT(again->refactoring.action != action);
  fx_close(&fx);
  free(out);
  free(src);
}

/* Replaces the first `from` in `src` by `to` (a malloc'd copy). */
static char *replace(const char *src, const char *from, const char *to) {
  const char *hit = strstr(src, from);
  if (!hit) TEST__FAIL("'%s' not found", from);
  size_t a = (size_t)(hit - src), fl = strlen(from), tl = strlen(to), n = strlen(src);
  char *out = malloc(n - fl + tl + 1);
  ASSERT(out != NULL);
  memcpy(out, src, a);
  memcpy(out + a, to, tl);
  memcpy(out + a + tl, hit + fl, n - a - fl + 1);
  return out;
}

static void expect_refactoring_edit(const char *file, const char *name, AnRefactorAction action,
                                    const char *signature, const char *from, const char *to) {
  char path[256];
  snprintf(path, sizeof path, "tests/refactor/%s", file);
  char *src = test_read_file(path);
  char *expected = replace(src, from, to);
  expect_refactoring(file, name, action, signature, expected);
  free(expected);
  free(src);
}

TEST(refactor_hybridize) {
  expect_refactoring_edit("hybridize_offered.py", "train_step", AN_REFACTOR_HYBRIDIZE, NULL, "\ndef train_step(",
                          "\n@tf.function\ndef train_step(");
}

TEST(refactor_hybridize_keeps_outer_decorator) {
  expect_refactoring_edit("hybridize_offered.py", "Model.scale", AN_REFACTOR_HYBRIDIZE, NULL,
                          "    @staticmethod\n    def scale(", "    @staticmethod\n    @tf.function\n    def scale(");
}

TEST(refactor_hybridize_module_alias) {
  expect_refactoring_edit("hybridize_alias.py", "step", AN_REFACTOR_HYBRIDIZE, NULL, "\ndef step(",
                          "\n@tfn\ndef step(");
}

TEST(refactor_dehybridize_side_effects) {
  expect_refactoring_edit("dehybridize.py", "log_step", AN_REFACTOR_DEHYBRIDIZE, NULL, "@tf.function\ndef log_step(",
                          "def log_step(");
}

/* A print that says it is tracing is meant to run once per trace; a
 * further print is what removing tf.function is for, and the reason
 * quotes that one. */
TEST(refactor_dehybridize_past_trace_log) {
  expect_refactoring_edit("dehybridize_trace_log.py", "report", AN_REFACTOR_DEHYBRIDIZE, NULL,
                          "@tf.function\ndef report(", "def report(");
  char *src = test_read_file("tests/refactor/dehybridize_trace_log.py");
  Fx fx;
  fx_open(&fx, src);
  const AnFunctionInfo *info = info_named(fx.model, "report");
  uint32_t start, end;
  const char *hover = an_model_hover(fx.model, info->name_start, AN_HOVER_PLAINTEXT, &start, &end);
  ASSERT(hover != NULL);
  ASSERT(strstr(hover, "print(\"loss\", x)") != NULL);
  ASSERT(strstr(hover, "'print(\"tracing report\")'") == NULL);
  fx_close(&fx);
  free(src);
}

TEST(refactor_dehybridize_keeps_comment) {
  expect_refactoring_edit("dehybridize.py", "config", AN_REFACTOR_DEHYBRIDIZE, NULL,
                          "@tf.function(jit_compile=True)  # compiled\n", "# compiled\n");
}

TEST(refactor_dehybridize_unwraps_call) {
  expect_refactoring_edit("dehybridize.py", "label", AN_REFACTOR_DEHYBRIDIZE, NULL, "label_graph = tf.function(label)",
                          "label_graph = label");
}

TEST(refactor_add_signature) {
  const char *sig = "[tf.TensorSpec(shape=[None, 8], dtype=tf.float32), tf.TensorSpec(shape=[None, 2], dtype=tf.float32)]";
  expect_refactoring_edit("add_signature.py", "update", AN_REFACTOR_ADD_SIGNATURE, sig, "@tf.function\ndef update(",
                          "@tf.function(input_signature=[tf.TensorSpec(shape=[None, 8], dtype=tf.float32), "
                          "tf.TensorSpec(shape=[None, 2], dtype=tf.float32)])\ndef update(");
}

TEST(refactor_add_signature_to_call) {
  expect_refactoring_edit("add_signature.py", "score", AN_REFACTOR_ADD_SIGNATURE,
                          "[tf.TensorSpec(shape=[1, 3], dtype=tf.float32)]", "@tf.function(jit_compile=True)",
                          "@tf.function(jit_compile=True, input_signature=[tf.TensorSpec(shape=[1, 3], dtype=tf.float32)])");
}

TEST(refactor_add_signature_from_dataset) {
  expect_refactoring_edit("add_signature.py", "consume", AN_REFACTOR_ADD_SIGNATURE,
                          "[tf.TensorSpec(shape=[None, 5], dtype=tf.int64)]", "@tf.function\ndef consume(",
                          "@tf.function(input_signature=[tf.TensorSpec(shape=[None, 5], dtype=tf.int64)])\ndef consume(");
}

TEST(refactor_repair_signature_arity) {
  expect_refactoring_edit("repair_signature.py", "pair", AN_REFACTOR_REPAIR_SIGNATURE,
                          "[tf.TensorSpec(shape=[None], dtype=tf.float32), tf.TensorSpec(shape=[1], dtype=tf.float32)]",
                          "[tf.TensorSpec(shape=[None], dtype=tf.float32)])\ndef pair(",
                          "[tf.TensorSpec(shape=[None], dtype=tf.float32), tf.TensorSpec(shape=[1], dtype=tf.float32)])"
                          "\ndef pair(");
}

TEST(refactor_repair_signature_dtype) {
  expect_refactoring_edit("repair_signature.py", "wrong_dtype", AN_REFACTOR_REPAIR_SIGNATURE,
                          "[tf.TensorSpec(shape=[None, 3], dtype=tf.float32)]",
                          "[\n    tf.TensorSpec(shape=[None, 3], dtype=tf.int32),\n]",
                          "[tf.TensorSpec(shape=[None, 3], dtype=tf.float32)]");
}

/* A signature held in a module constant is repaired in the constant only
 * when nothing else can read it (private, read once); otherwise this
 * function gets its own signature in place of the name, and the constant
 * stays as its other users (here, or importing it) expect. */
TEST(refactor_repair_signature_private_constant) {
  expect_refactoring_edit("repair_signature_constant.py", "private_user", AN_REFACTOR_REPAIR_SIGNATURE,
                          "[tf.TensorSpec(shape=[None, 3], dtype=tf.float32)]",
                          "_PRIVATE_SIG = [tf.TensorSpec(shape=[None, 3], dtype=tf.int32)]",
                          "_PRIVATE_SIG = [tf.TensorSpec(shape=[None, 3], dtype=tf.float32)]");
}

TEST(refactor_repair_signature_shared_constant) {
  expect_refactoring_edit("repair_signature_constant.py", "shared_wrong", AN_REFACTOR_REPAIR_SIGNATURE,
                          "[tf.TensorSpec(shape=[None, 3], dtype=tf.float32)]",
                          "input_signature=SHARED_SIG)\ndef shared_wrong(",
                          "input_signature=[tf.TensorSpec(shape=[None, 3], dtype=tf.float32)])\ndef shared_wrong(");
}

TEST(refactor_repair_signature_public_constant) {
  expect_refactoring_edit("repair_signature_constant.py", "public_user", AN_REFACTOR_REPAIR_SIGNATURE,
                          "[tf.TensorSpec(shape=[None, 3], dtype=tf.float32)]",
                          "input_signature=PUBLIC_SIG)\ndef public_user(",
                          "input_signature=[tf.TensorSpec(shape=[None, 3], dtype=tf.float32)])\ndef public_user(");
}

/* Not offered: the action is none and exactly these preconditions failed. */
static void expect_not_offered(const char *file, const char *name, const char *const *names, uint32_t n) {
  char path[256];
  snprintf(path, sizeof path, "tests/refactor/%s", file);
  char *src = test_read_file(path);
  Fx fx;
  fx_open(&fx, src);
  const AnFunctionInfo *info = info_named(fx.model, name);
  ASSERT_EQ_STR(an_refactor_name(info->refactoring.action), "none");
  ASSERT(info->refactoring.input_signature == NULL);
  ASSERT_EQ_INT(info->refactoring.failed_count, n);
  for (uint32_t i = 0; i < n; i++) {
    ASSERT_EQ_STR(info->refactoring.failed_preconditions[i], names[i]);
    ASSERT(info->refactoring.failed_reasons[i] != NULL && info->refactoring.failed_reasons[i][0]);
  }
  /* No refactor.rewrite action, and never a diagnostic. */
  uint32_t na;
  const AnAction *acts = an_model_actions(fx.model, info->name_start, info->name_start, &na);
  for (uint32_t i = 0; i < na; i++) ASSERT(acts[i].kind != AN_ACTION_REFACTOR_REWRITE);
  fx_close(&fx);
  free(src);
}

#define NOT_OFFERED(file, name, ...)                                        \
  do {                                                                      \
    static const char *const names_[] = {__VA_ARGS__};                      \
    expect_not_offered(file, name, names_, sizeof names_ / sizeof names_[0]); \
  } while (0)

TEST(precondition_side_effects) {
  NOT_OFFERED("precondition_side_effects.py", "step", "has-python-side-effects");
}
TEST(precondition_no_tensor_parameter) {
  NOT_OFFERED("precondition_no_tensor_parameter.py", "make", "no-tensor-parameter", "has-primitive-parameter");
}
TEST(precondition_primitive_parameter) {
  NOT_OFFERED("precondition_primitive_parameter.py", "scaled", "has-primitive-parameter");
}
TEST(precondition_recursive) { NOT_OFFERED("precondition_recursive.py", "power", "is-recursive"); }
TEST(precondition_no_tensor_computation) {
  NOT_OFFERED("precondition_no_tensor_computation.py", "pick", "no-tensor-computation");
}
TEST(precondition_eager_only) { NOT_OFFERED("precondition_eager_only.py", "summary", "has-eager-only-calls"); }
TEST(precondition_numpy_on_parameter) {
  NOT_OFFERED("precondition_numpy_on_parameter.py", "normalise", "numpy-call-on-parameter");
}
/* A Python number stays a Python value in the trace, so NumPy on it is
 * fine; only the retracing it causes stands in the way. */
TEST(precondition_numpy_on_python_number) {
  NOT_OFFERED("precondition_numpy_on_parameter.py", "windowed", "has-primitive-parameter");
}
TEST(precondition_parameter_iteration) {
  NOT_OFFERED("precondition_parameter_iteration.py", "rows", "tensor-parameter-iteration");
}
TEST(precondition_only_from_graph) {
  NOT_OFFERED("precondition_only_from_graph.py", "helper", "only-called-from-graph");
}
TEST(precondition_undeterminable) { NOT_OFFERED("precondition_undeterminable.py", "forward", "undeterminable"); }
TEST(precondition_dehybridize_trace_log) {
  NOT_OFFERED("dehybridize_trace_log.py", "train", "undeterminable", "has-primitive-parameter");
}
TEST(precondition_dehybridize_recursive) { NOT_OFFERED("dehybridize.py", "countdown", "is-recursive"); }
TEST(precondition_signature_dtypes_disagree) { NOT_OFFERED("add_signature.py", "mixed", "undeterminable"); }
TEST(precondition_signature_consistent) { expect_not_offered("repair_signature.py", "fine", NULL, 0); }
TEST(precondition_signature_constant_consistent) {
  expect_not_offered("repair_signature_constant.py", "shared_right", NULL, 0);
}

/* The reason quotes the call: a logging.getLogger() logger, Python's
 * random generator, pyplot, a list the caller passed. */
static void expect_effect_quoted(const char *name, const char *snippet) {
  NOT_OFFERED("precondition_side_effects_io.py", name, "has-python-side-effects");
  char *src = test_read_file("tests/refactor/precondition_side_effects_io.py");
  Fx fx;
  fx_open(&fx, src);
  const AnFunctionInfo *info = info_named(fx.model, name);
  ASSERT_EQ_INT(info->has_python_side_effects, AN_TRUE);
  ASSERT(strstr(info->refactoring.failed_reasons[0], snippet) != NULL);
  fx_close(&fx);
  free(src);
}

TEST(precondition_side_effects_logger) { expect_effect_quoted("logged", "'logger.info(\"scaling\")'"); }
TEST(precondition_side_effects_random) { expect_effect_quoted("jitter", "'random.random()'"); }
TEST(precondition_side_effects_pyplot) { expect_effect_quoted("plotted", "'plt.savefig(\"x.png\")'"); }
TEST(precondition_side_effects_parameter_list) { expect_effect_quoted("collect", "'buf.append(x)'"); }

/* Another optimizer at a second call site would create slot variables in
 * a later trace (HY402). */
TEST(precondition_keras_object_varies) {
  NOT_OFFERED("precondition_keras_object.py", "step", "variables-created-on-retrace");
}

/* Model and optimizer forwarded through two plain functions are Keras
 * objects, and the model's output reaches the loss helper as a tensor. */
TEST(refactor_hybridize_forwarded) {
  expect_refactoring_edit("hybridize_forwarded.py", "step", AN_REFACTOR_HYBRIDIZE, NULL, "\ndef step(",
                          "\n@tf.function\ndef step(");
  expect_refactoring_edit("hybridize_forwarded.py", "loss_of", AN_REFACTOR_HYBRIDIZE, NULL, "\ndef loss_of(",
                          "\n@tf.function\ndef loss_of(");
}

/* A breakpoint is HY502's to remove, not a side effect that calls for
 * dropping tf.function. */
TEST(refactor_breakpoint_not_dehybridized) {
  char *src = test_read_file("tests/refactor/dehybridize_breakpoint.py");
  Fx fx;
  fx_open(&fx, src);
  const AnFunctionInfo *info = info_named(fx.model, "checked");
  ASSERT_EQ_INT(info->has_python_side_effects, AN_FALSE);
  ASSERT(info->refactoring.action != AN_REFACTOR_DEHYBRIDIZE);
  fx_close(&fx);
  free(src);
}

/* The create-once idiom (`if self.w1 is None: self.w1 = tf.Variable(...)`)
 * is how the tf.function guide creates variables on the first call: HY202
 * accepts it, so neither the inspect facts nor the refactorings count it as
 * a side effect (no dehybridize, and an eager one can be hybridized). A
 * Python counter beside it still is one. */
TEST(refactor_create_once_not_dehybridized) {
  char *src = test_read_file("tests/refactor/dehybridize_create_once.py");
  Fx fx;
  fx_open(&fx, src);
  const AnFunctionInfo *lazy = info_named(fx.model, "LazyMLP.__call__");
  ASSERT_EQ_INT(lazy->has_python_side_effects, AN_FALSE);
  ASSERT(lazy->refactoring.action != AN_REFACTOR_DEHYBRIDIZE);
  const AnFunctionInfo *counting = info_named(fx.model, "CountingMLP.__call__");
  ASSERT_EQ_INT(counting->has_python_side_effects, AN_TRUE);
  ASSERT_EQ_INT(counting->refactoring.action, AN_REFACTOR_DEHYBRIDIZE);
  const AnFunctionInfo *scaler = info_named(fx.model, "Scaler.__call__");
  ASSERT_EQ_INT(scaler->has_python_side_effects, AN_FALSE);
  ASSERT_EQ_INT(scaler->refactoring.action, AN_REFACTOR_HYBRIDIZE);
  fx_close(&fx);
  free(src);
}

/* --- graph-mode spans ----------------------------------------------------------- */

TEST(graph_spans) {
  static const char src[] = "import tensorflow as tf\n\n\ndef helper(x):\n    return x * 2\n\n\n"
                            "class M:\n    @tf.function\n    def run(self, x):\n        return helper(x) + self.aux(x)\n\n"
                            "    def aux(self, x):\n        return x\n\n\n"
                            "def main():\n    helper(1)\n    m = M()\n    m.run(tf.ones([2]))\n";
  Fx fx;
  fx_open(&fx, src);
  uint32_t n;
  const AnSpan *spans = an_model_graph_spans(fx.model, &n);
  static const struct {
    const char *text;
    AnSpanKind kind;
    bool method;
  } want[] = {
      {"helper", AN_SPAN_FUNCTION, false}, {"run", AN_SPAN_FUNCTION, true}, {"helper", AN_SPAN_CALL, false},
      {"aux", AN_SPAN_CALL, true},         {"aux", AN_SPAN_FUNCTION, true}, {"run", AN_SPAN_CALL, true},
  };
  ASSERT_EQ_INT(n, sizeof want / sizeof want[0]);
  for (uint32_t i = 0; i < n; i++) {
    ASSERT_EQ_MEM(src + spans[i].start, spans[i].end - spans[i].start, want[i].text, strlen(want[i].text));
    ASSERT_EQ_INT(spans[i].kind, want[i].kind);
    ASSERT_EQ_INT(spans[i].method, want[i].method);
    if (i) ASSERT(spans[i - 1].start < spans[i].start);
  }
  fx_close(&fx);
}

TEST_MAIN(fix_hy101_tf_constant, fix_hy101_decayed_float_no_int_dtype, fix_hy104_reduce_retracing, fix_hy105_hoist, fix_hy107_wrap_once, fix_hy201_tf_print,
          fix_hy207_drop_numpy, fix_hy208_tf_math, fix_hy209_graph_assert, fix_hy210_unstack, fix_hy109_tf_range,
          fix_hy212_tf_range, fix_hy213_remove_autograph_false,
          fix_hy213_remove_do_not_convert, fix_hy304_wrap_spec, fix_hy305_rename,
          fix_hy307_rename_keyword, fix_hy307_list_as_signature, fix_hy307_spec_as_signature,
          fix_hy307_deprecated_target_offered, fix_hy306_rename, fix_hy308_call_model,
          fix_hy310_tf_shape, fix_hy311_weakref_slot, fix_hy311_dataclass_eq_false, fix_hy401_guard,
          fix_hy111_remove_inner_decorator, fix_hy112_hybridize,
          fix_hy113_remove_step_decorator, fix_hy502_remove_breakpoint, fix_hy701_add_cleanup, fix_all_combined,
          fix_hy105_hoist_unsafe_when_loop_changes_state, fix_hy105_hoist_crlf, fix_hy107_after_trailing_comment,
          fix_hy107_not_offered_when_wrong_at_module_level, fix_hy201_trailing_comma, fix_hy401_guard_tabs_crlf,
          fix_hy401_no_guard_across_multiline_string, fix_hy701_add_cleanup_alias,
          fix_all_skips_unsafe, suppress_adds_comment,
          suppress_extends_directive, suppress_after_other_comment, suppress_multiline_string, refactor_hybridize,
          refactor_hybridize_keeps_outer_decorator, refactor_hybridize_module_alias, refactor_dehybridize_side_effects,
          refactor_dehybridize_past_trace_log, precondition_dehybridize_trace_log,
          refactor_dehybridize_keeps_comment, refactor_dehybridize_unwraps_call, refactor_add_signature,
          refactor_add_signature_to_call, refactor_add_signature_from_dataset, refactor_repair_signature_arity,
          refactor_repair_signature_dtype, refactor_repair_signature_private_constant,
          refactor_repair_signature_shared_constant, refactor_repair_signature_public_constant,
          precondition_signature_constant_consistent, precondition_side_effects, precondition_no_tensor_parameter,
          precondition_primitive_parameter, precondition_recursive, precondition_no_tensor_computation,
          precondition_eager_only, precondition_numpy_on_parameter, precondition_numpy_on_python_number, precondition_parameter_iteration,
          precondition_only_from_graph, precondition_undeterminable, precondition_dehybridize_recursive,
          precondition_signature_dtypes_disagree, precondition_signature_consistent,
          precondition_side_effects_logger, precondition_side_effects_random, precondition_side_effects_pyplot,
          precondition_side_effects_parameter_list, precondition_keras_object_varies, refactor_hybridize_forwarded,
          refactor_breakpoint_not_dehybridized, refactor_create_once_not_dehybridized, graph_spans)
