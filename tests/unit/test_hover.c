/* Unit tests of the hovers (analysis/hover.c): the exact text for each
 * topic of issue 4 and rules.md 2.8 on small inline modules, in Markdown and
 * plaintext: functions (graph or eager and why, AutoGraph, signature, call
 * sites and their traces, what runs only while tracing, the refactoring),
 * calls of hybrid functions, graph-code constructs, findings and
 * suppression comments, and the cross-file graph chain. */
#include <tree_sitter/api.h>

#include "tests/unit/test.h"

#include "server/lang.h"

static const char SRC_MAIN[] =
    "import tensorflow as tf\n"
    "\n"
    "lr = 0.1\n"
    "counter = tf.Variable(0)\n"
    "\n"
    "\n"
    "@tf.function\n"
    "def train_step(x, step):\n"
    "    print(\"tracing\", step)\n"
    "    y = x * lr\n"
    "    if step > 5:\n"
    "        y = y + 1.0\n"
    "    if tf.reduce_sum(x) > 0:\n"
    "        y = y * 2.0\n"
    "    for i in range(3):\n"
    "        y = y + x.shape[0]\n"
    "    for j in tf.range(4):\n"
    "        y = y + tf.cast(j, tf.float32)\n"
    "    counter.assign_add(1)\n"
    "    tf.print(\"y\", y)\n"
    "    n = tf.shape(x)\n"
    "    with tf.init_scope():\n"
    "        pass\n"
    "    k = 2\n"
    "    return helper(y) + add_one(y)\n"
    "\n"
    "\n"
    "def helper(v):\n"
    "    return v * 2\n"
    "\n"
    "\n"
    "@tf.function(input_signature=[tf.TensorSpec(shape=[None], dtype=tf.float32)])\n"
    "def add_one(v):\n"
    "    return v + 1.0\n"
    "\n"
    "\n"
    "def main():\n"
    "    x = tf.constant([1.0, 2.0])\n"
    "    for s in range(10):\n"
    "        train_step(x, s)\n"
    "    add_one(x)\n";

static const char SRC_MORE[] =
    "import tensorflow as tf\n"
    "\n"
    "\n"
    "@tf.function(autograph=False)\n"
    "def plain(x):\n"
    "    while tf.reduce_sum(x) > 0:\n"
    "        x = x - 1.0\n"
    "    return x\n"
    "\n"
    "\n"
    "class Scaler(tf.Module):\n"
    "    def __init__(self):\n"
    "        self.factor = 2.0\n"
    "\n"
    "    @tf.function\n"
    "    def __call__(self, ds: tf.data.Dataset, t: tf.Tensor):\n"
    "        total = tf.zeros([])\n"
    "        for batch in ds:\n"
    "            total += tf.reduce_sum(batch) * self.factor\n"
    "        for row in t:\n"
    "            total += tf.reduce_sum(row)\n"
    "        return total\n"
    "\n"
    "\n"
    "@tf.function\n"
    "def step(batch):\n"
    "    return tf.reduce_mean(batch)\n"
    "\n"
    "\n"
    "def loop(ds):\n"
    "    for batch in ds:\n"
    "        step(batch)\n"
    "\n"
    "\n"
    "def prepare(x):\n"
    "    return tf.nn.relu(x)\n"
    "\n"
    "\n"
    "def run():\n"
    "    prepare(tf.zeros([2, 3]))\n"
    "    data = tf.data.Dataset.range(10)\n"
    "    loop(data)\n";

static const char SRC_SUP[] =
    "import tensorflow as tf\n"
    "\n"
    "\n"
    "@tf.function\n"
    "def f(x):\n"
    "    print(x)  # hybridls: ignore[HY201]\n"
    "    y = x + 1  # noqa: HY201, HY205\n"
    "    z = x  # hybridls: ignore\n"
    "    return y + z\n";

static const char SRC_CALLER[] =
    "import tensorflow as tf\n"
    "from helpers import scale\n"
    "\n"
    "\n"
    "@tf.function\n"
    "def step(x):\n"
    "    return scale(x)\n";

static const char SRC_HELPERS[] =
    "import tensorflow as tf\n"
    "\n"
    "\n"
    "def scale(x):\n"
    "    return tf.square(x)\n";

static const char SRC_NO_TF[] =
    "def f(x):\n"
    "    print(x)\n";

typedef struct Fx {
  AnLang *lang;
  TSParser *parser;
  TSTree *tree;
  AnModel *model;
  AnConfig cfg;
  const char *src;
} Fx;

/* Parses and analyses `src` with rule `off` (a code, or NULL) disabled. */
static void fx_open_in(Fx *fx, const char *src, const char *off, const char *path, const AnIndex *index) {
  char err[256];
  memset(fx, 0, sizeof *fx);
  fx->src = src;
  fx->lang = an_lang_new(hl_python_language(), err, sizeof err);
  ASSERT(fx->lang != NULL);
  fx->parser = ts_parser_new();
  ASSERT(ts_parser_set_language(fx->parser, hl_python_language()));
  fx->tree = ts_parser_parse_string(fx->parser, NULL, src, (uint32_t)strlen(src));
  ASSERT(fx->tree != NULL);
  an_config_init(&fx->cfg);
  if (off) fx->cfg.severity[an_rule_lookup(off)] = AN_SEV_OFF;
  AnSource s = {fx->lang, src, (uint32_t)strlen(src), fx->tree, path, NULL, 0};
  fx->model = an_model_build(&s, &fx->cfg, index);
  ASSERT(fx->model != NULL);
}

static void fx_open(Fx *fx, const char *src, const char *off) { fx_open_in(fx, src, off, "mod.py", NULL); }

static void fx_close(Fx *fx) {
  an_model_free(fx->model);
  ts_tree_delete(fx->tree);
  ts_parser_delete(fx->parser);
  an_lang_free(fx->lang);
}

/* Byte offset of `needle` in the source plus `delta`; fails when absent. */
static uint32_t fx_at(const Fx *fx, const char *needle, int delta) {
  const char *hit = strstr(fx->src, needle);
  if (!hit) TEST__FAIL("'%s' is not in the source", needle);
  return (uint32_t)(hit - fx->src) + (uint32_t)delta;
}

/* The hover at `needle`+`delta` covers exactly `range` and reads `text`. */
static void expect_hover(Fx *fx, const char *needle, int delta, AnHoverFormat fmt, const char *range,
                         const char *text) {
  uint32_t start = 0, end = 0;
  const char *got = an_model_hover(fx->model, fx_at(fx, needle, delta), fmt, &start, &end);
  ASSERT_EQ_STR(got, text);
  ASSERT(end >= start && end <= strlen(fx->src));
  ASSERT_EQ_MEM(fx->src + start, end - start, range, strlen(range));
}

TEST(hover_function_graph_markdown) {
  Fx fx;
  fx_open(&fx, SRC_MAIN, NULL);
  expect_hover(&fx, "def train_step", 5, AN_HOVER_MARKDOWN, "train_step",
               "**`train_step` runs as a graph**: decorated with `@tf.function`.\n"
               "\n"
               "- AutoGraph: on; Python `if`/`for`/`while` on tensors become graph control flow.\n"
               "- Call sites (1): `x` tensor, one trace per new shape or dtype; `step` Python number, one trace per value (varies with the loop on line 39).\n"
               "- Only while tracing: `print(\"tracing\", step)` (line 9, print).\n"
               "- Every call: the TensorFlow ops it records, including `tf.print`, variable updates and reads.\n"
               "- Refactoring not offered: `has-primitive-parameter`: Call sites pass Python numbers for 'step'; a TensorSpec would turn them into tensors.");
  fx_close(&fx);
}

TEST(hover_function_graph_plaintext) {
  Fx fx;
  fx_open(&fx, SRC_MAIN, NULL);
  expect_hover(&fx, "def train_step", 5, AN_HOVER_PLAINTEXT, "train_step",
               "train_step runs as a graph: decorated with @tf.function.\n"
               "\n"
               "- AutoGraph: on; Python if/for/while on tensors become graph control flow.\n"
               "- Call sites (1): x tensor, one trace per new shape or dtype; step Python number, one trace per value (varies with the loop on line 39).\n"
               "- Only while tracing: print(\"tracing\", step) (line 9, print).\n"
               "- Every call: the TensorFlow ops it records, including tf.print, variable updates and reads.\n"
               "- Refactoring not offered: has-primitive-parameter: Call sites pass Python numbers for 'step'; a TensorSpec would turn them into tensors.");
  fx_close(&fx);
}

TEST(hover_function_decorator) {
  Fx fx;
  fx_open(&fx, SRC_MAIN, NULL);
  expect_hover(&fx, "@tf.function\ndef train_step", 1, AN_HOVER_MARKDOWN, "@tf.function",
               "**`train_step` runs as a graph**: decorated with `@tf.function`.\n"
               "\n"
               "- AutoGraph: on; Python `if`/`for`/`while` on tensors become graph control flow.\n"
               "- Call sites (1): `x` tensor, one trace per new shape or dtype; `step` Python number, one trace per value (varies with the loop on line 39).\n"
               "- Only while tracing: `print(\"tracing\", step)` (line 9, print).\n"
               "- Every call: the TensorFlow ops it records, including `tf.print`, variable updates and reads.\n"
               "- Refactoring not offered: `has-primitive-parameter`: Call sites pass Python numbers for 'step'; a TensorSpec would turn them into tensors.");
  fx_close(&fx);
}

TEST(hover_function_chain) {
  Fx fx;
  fx_open(&fx, SRC_MAIN, NULL);
  expect_hover(&fx, "def helper", 5, AN_HOVER_MARKDOWN, "helper",
               "**`helper` runs as a graph**: called from graph code, `train_step -> helper`.\n"
               "\n"
               "- AutoGraph: on; Python `if`/`for`/`while` on tensors become graph control flow.\n"
               "- Call sites (1): `v` tensor.\n"
               "- Only while tracing: nothing in its body (no print, Python I/O, Python state changes or Python randomness).\n"
               "- Every call: the TensorFlow ops it records, including `tf.print`, variable updates and reads.\n"
               "- Refactoring not offered: `only-called-from-graph`: It already runs inside graph code (train_step -> helper) and no eager code calls it.");
  fx_close(&fx);
}

/* A training library's step: Orbit traces it unless its options say
 * otherwise, which the hover says it assumes. */
TEST(hover_function_orbit_step) {
  static const char src[] =
      "import orbit\n"
      "import tensorflow as tf\n"
      "\n"
      "\n"
      "class Trainer(orbit.StandardTrainer):\n"
      "    def train_step(self, iterator):\n"
      "        self.model(next(iterator))\n";
  Fx fx;
  fx_open(&fx, src, NULL);
  expect_hover(&fx, "def train_step", 5, AN_HOVER_MARKDOWN, "train_step",
               "**`Trainer.train_step` runs as a graph** (assumed): Orbit's StandardTrainer runs it inside the "
               "`tf.function` it wraps around its loop, unless its options or config turn `use_tf_function` off.\n"
               "\n"
               "- AutoGraph: on; Python `if`/`for`/`while` on tensors become graph control flow.\n"
               "- Parameters (no call site in this module): `iterator` unknown kind.\n"
               "- Only while tracing: nothing in its body (no print, Python I/O, Python state changes or Python "
               "randomness).\n"
               "- Every call: the TensorFlow ops it records, including `tf.print`, variable updates and reads.\n"
               "- Refactoring not offered: `only-called-from-graph`: It already runs inside graph code "
               "(Trainer.train_step) and no eager code calls it. `undeterminable`: No call site or annotation shows "
               "what 'iterator' receives. Whether it computes with tensors depends on values of unknown kind.");
  fx_close(&fx);
}

TEST(hover_function_signature) {
  Fx fx;
  fx_open(&fx, SRC_MAIN, NULL);
  expect_hover(&fx, "def add_one", 5, AN_HOVER_MARKDOWN, "add_one",
               "**`add_one` runs as a graph**: decorated with `@tf.function(...)`.\n"
               "\n"
               "- AutoGraph: on; Python `if`/`for`/`while` on tensors become graph control flow.\n"
               "- Input signature: `[tf.TensorSpec(shape=[None], dtype=tf.float32)]`; calls that match it share one graph.\n"
               "- Call sites (2): `v` tensor.\n"
               "- Only while tracing: nothing in its body (no print, Python I/O, Python state changes or Python randomness).\n"
               "- Every call: the TensorFlow ops it records, including `tf.print`, variable updates and reads.");
  fx_close(&fx);
}

/* A signature held in a module constant: the name and what it holds. */
static const char SRC_CONSTANT_SIG[] =
    "import tensorflow as tf\n"
    "\n"
    "SERVING_SIG = [tf.TensorSpec([None, 4], tf.float32)]\n"
    "\n"
    "\n"
    "@tf.function(input_signature=SERVING_SIG)\n"
    "def serve(images):\n"
    "    return images * 2.0\n";

TEST(hover_function_constant_signature) {
  Fx fx;
  fx_open(&fx, SRC_CONSTANT_SIG, NULL);
  expect_hover(&fx, "def serve", 5, AN_HOVER_MARKDOWN, "serve",
               "**`serve` runs as a graph**: decorated with `@tf.function(input_signature=SERVING_SIG)`.\n"
               "\n"
               "- AutoGraph: on; Python `if`/`for`/`while` on tensors become graph control flow.\n"
               "- Input signature: `SERVING_SIG` = `[tf.TensorSpec([None, 4], tf.float32)]`; calls that match it share one graph.\n"
               "- Parameters (no call site in this module): `images` tensor.\n"
               "- Only while tracing: nothing in its body (no print, Python I/O, Python state changes or Python randomness).\n"
               "- Every call: the TensorFlow ops it records, including `tf.print`, variable updates and reads.");
  fx_close(&fx);
}

TEST(hover_function_autograph_off) {
  Fx fx;
  fx_open(&fx, SRC_MORE, NULL);
  expect_hover(&fx, "def plain", 5, AN_HOVER_MARKDOWN, "plain",
               "**`plain` runs as a graph**: decorated with `@tf.function(autograph=False)`.\n"
               "\n"
               "- AutoGraph: off (`autograph=False`). Python `if`/`for`/`while` run while tracing and fail on tensors.\n"
               "- Parameters (no call site in this module): `x` unknown kind.\n"
               "- Only while tracing: nothing in its body (no print, Python I/O, Python state changes or Python randomness).\n"
               "- Every call: the TensorFlow ops it records, including `tf.print`, variable updates and reads.\n"
               "- Refactoring not offered: `undeterminable`: No call site or annotation shows what 'x' receives.");
  fx_close(&fx);
}

TEST(hover_function_eager_hybridize) {
  Fx fx;
  fx_open(&fx, SRC_MORE, NULL);
  expect_hover(&fx, "def prepare", 5, AN_HOVER_MARKDOWN, "prepare",
               "**`prepare` runs eagerly**: it is not a `tf.function` and no graph code calls it.\n"
               "\n"
               "- Call sites (1): `x` tensor.\n"
               "- Refactoring offered: hybridize. It runs eagerly op by op; as a tf.function it runs as one graph, which is usually faster.");
  fx_close(&fx);
}

TEST(hover_function_method) {
  Fx fx;
  fx_open(&fx, SRC_MORE, NULL);
  expect_hover(&fx, "def __call__", 5, AN_HOVER_MARKDOWN, "__call__",
               "**`Scaler.__call__` runs as a graph**: decorated with `@tf.function`.\n"
               "\n"
               "- AutoGraph: on; Python `if`/`for`/`while` on tensors become graph control flow.\n"
               "- Parameters (no call site in this module): `ds` dataset, traced by its element spec; `t` tensor, one trace per new shape or dtype.\n"
               "- Only while tracing: nothing in its body (no print, Python I/O, Python state changes or Python randomness).\n"
               "- Every call: the TensorFlow ops it records, including `tf.print`, variable updates and reads.\n"
               "- Refactoring not offered: `undeterminable`: 'ds' receives a dataset value, which a TensorSpec cannot describe. No call site in this module shows the dtype and shape of 't'.");
  fx_close(&fx);
}

TEST(hover_call_retraces) {
  Fx fx;
  fx_open(&fx, SRC_MAIN, NULL);
  expect_hover(&fx, "train_step(x, s)", 1, AN_HOVER_MARKDOWN, "train_step",
               "**Calls tf.function `train_step`**: **retraces** for every new value of `step`, which changes with the loop on line 39.\n"
               "\n"
               "Arguments:\n"
               "- `x` for `x`: tensor, one trace per new shape or dtype\n"
               "- `s` for `step`: Python number, one trace per value");
  fx_close(&fx);
}

TEST(hover_call_signature) {
  Fx fx;
  fx_open(&fx, SRC_MAIN, NULL);
  expect_hover(&fx, "add_one(x)", 1, AN_HOVER_MARKDOWN, "add_one",
               "**Calls tf.function `add_one`**: its input_signature converts the arguments to tensors, so this call does not retrace.\n"
               "\n"
               "Arguments:\n"
               "- `x` for `v`: tensor");
  fx_close(&fx);
}

TEST(hover_call_from_graph) {
  Fx fx;
  fx_open(&fx, SRC_MAIN, NULL);
  expect_hover(&fx, "add_one(y)", 1, AN_HOVER_MARKDOWN, "add_one",
               "**Calls tf.function `add_one`** from graph code: it is traced into the caller's graph as a function call, once per trace of the caller.\n"
               "\n"
               "Arguments:\n"
               "- `y` for `v`: tensor");
  fx_close(&fx);
}

TEST(hover_if_python) {
  Fx fx;
  fx_open(&fx, SRC_MAIN, NULL);
  expect_hover(&fx, "step > 5", 2, AN_HOVER_MARKDOWN, "step > 5",
               "**Decided while tracing**: the condition is a Python value, so it is evaluated once per trace and only the chosen branch enters the graph.");
  fx_close(&fx);
}

TEST(hover_if_tensor) {
  Fx fx;
  fx_open(&fx, SRC_MAIN, NULL);
  expect_hover(&fx, "if tf.reduce_sum", 0, AN_HOVER_MARKDOWN, "tf.reduce_sum(x) > 0",
               "**Converted to `tf.cond`**: the condition is a tensor, so both branches are traced into the graph (a `print` in either appears while tracing) and one of them runs on each call.");
  fx_close(&fx);
}

TEST(hover_for_range_unrolled) {
  Fx fx;
  fx_open(&fx, SRC_MAIN, NULL);
  expect_hover(&fx, "range(3)", 1, AN_HOVER_MARKDOWN, "range(3)",
               "**Unrolled while tracing**: `range` over Python numbers is a Python loop: it runs at trace time and repeats its body's ops 3 times in the graph. Use `tf.range` for a single in-graph loop.");
  fx_close(&fx);
}

TEST(hover_for_tf_range) {
  Fx fx;
  fx_open(&fx, SRC_MAIN, NULL);
  expect_hover(&fx, "for j in", 0, AN_HOVER_MARKDOWN, "tf.range(4)",
               "**In-graph loop** (`tf.while_loop`): a tensor bound makes this one loop inside the graph; `j` is a tensor and the body is traced once.");
  fx_close(&fx);
}

TEST(hover_for_dataset) {
  Fx fx;
  fx_open(&fx, SRC_MORE, NULL);
  expect_hover(&fx, "in ds:", 3, AN_HOVER_MARKDOWN, "ds",
               "**In-graph dataset loop**: AutoGraph turns this loop into `tf.data` ops that run on every call; the body is traced once, so Python side effects in it happen once per trace.");
  fx_close(&fx);
}

TEST(hover_for_tensor) {
  Fx fx;
  fx_open(&fx, SRC_MORE, NULL);
  expect_hover(&fx, "in t:", 3, AN_HOVER_MARKDOWN, "t",
               "**In-graph loop** (`tf.while_loop`) over the first dimension of the tensor; the body is traced once.");
  fx_close(&fx);
}

TEST(hover_static_shape) {
  Fx fx;
  fx_open(&fx, SRC_MAIN, NULL);
  expect_hover(&fx, "x.shape", 3, AN_HOVER_MARKDOWN, "x.shape",
               "**Static shape**: `x.shape` is read while tracing; a dimension unknown at trace time is `None`. `tf.shape(x)` is the run-time shape, as a tensor.");
  fx_close(&fx);
}

TEST(hover_dynamic_shape) {
  Fx fx;
  fx_open(&fx, SRC_MAIN, NULL);
  expect_hover(&fx, "tf.shape(x)", 10, AN_HOVER_MARKDOWN, "tf.shape(x)",
               "**Dynamic shape**: `tf.shape(x)` is a tensor computed on every call; `.shape` is the static shape known while tracing (it may contain `None`).");
  fx_close(&fx);
}

TEST(hover_global_captured) {
  Fx fx;
  fx_open(&fx, SRC_MAIN, NULL);
  expect_hover(&fx, "x * lr", 5, AN_HOVER_MARKDOWN, "lr",
               "**Captured while tracing**: `lr` is a module global holding a Python number; its value is read once per trace and baked into the graph, so changing it later neither changes the graph nor retraces it.");
  fx_close(&fx);
}

TEST(hover_variable_read) {
  Fx fx;
  fx_open(&fx, SRC_MAIN, NULL);
  expect_hover(&fx, "counter.assign", 2, AN_HOVER_MARKDOWN, "counter",
               "**Read on every call**: `counter` is a `tf.Variable`; the graph reads its current value each time it runs.");
  fx_close(&fx);
}

TEST(hover_attribute_captured) {
  Fx fx;
  fx_open(&fx, SRC_MORE, NULL);
  expect_hover(&fx, "* self.factor", 8, AN_HOVER_MARKDOWN, "self.factor",
               "**Captured while tracing**: `self.factor` is an attribute holding a Python number; its value is read once per trace and baked into the graph, so changing it later neither changes the graph nor retraces it.");
  fx_close(&fx);
}

TEST(hover_tf_print) {
  Fx fx;
  fx_open(&fx, SRC_MAIN, NULL);
  expect_hover(&fx, "tf.print", 4, AN_HOVER_MARKDOWN, "tf.print(\"y\", y)",
               "**Runs on every call**: `tf.print` is a graph op; it prints values each time the graph runs, in an order set by data and control dependencies.");
  fx_close(&fx);
}

TEST(hover_print_without_finding) {
  Fx fx;
  fx_open(&fx, SRC_MAIN, "HY201");
  expect_hover(&fx, "print(\"tracing", 2, AN_HOVER_MARKDOWN, "print(\"tracing\", step)",
               "**Runs only while tracing**: `print` is plain Python; inside a graph it runs once per trace and shows symbolic tensors. `tf.print` prints on every call.");
  fx_close(&fx);
}

TEST(hover_init_scope) {
  Fx fx;
  fx_open(&fx, SRC_MAIN, NULL);
  expect_hover(&fx, "init_scope", 1, AN_HOVER_MARKDOWN, "tf.init_scope()",
               "**Runs eagerly, once per trace**: code under `with tf.init_scope():` leaves the graph and runs eagerly, but only while the function is traced.");
  fx_close(&fx);
}

TEST(hover_traced_helper_call) {
  Fx fx;
  fx_open(&fx, SRC_MAIN, NULL);
  expect_hover(&fx, "helper(y)", 2, AN_HOVER_MARKDOWN, "helper",
               "**Traced into this graph**: `helper` runs as part of this trace; its Python code runs once per trace and its TensorFlow ops run on every call.");
  fx_close(&fx);
}

TEST(hover_statement_python) {
  Fx fx;
  fx_open(&fx, SRC_MAIN, NULL);
  expect_hover(&fx, "k = 2", 1, AN_HOVER_MARKDOWN, "k = 2",
               "**Runs once per trace**: plain Python; it runs while the function is traced and the graph keeps only its result.");
  fx_close(&fx);
}

TEST(hover_statement_tensor_branch) {
  Fx fx;
  fx_open(&fx, SRC_MAIN, NULL);
  expect_hover(&fx, "y = y * 2.0", 2, AN_HOVER_MARKDOWN, "y = y * 2.0",
               "**Runs on every call**: its TensorFlow ops are recorded in the graph and run each time the graph runs; the Python around them runs once per trace. `y` is assigned inside a converted `if` or loop, so it becomes a tensor even if it started as a Python number.");
  fx_close(&fx);
}

TEST(hover_eager_dataset_loop) {
  Fx fx;
  fx_open(&fx, SRC_MORE, NULL);
  expect_hover(&fx, "batch in ds:\n        step", 10, AN_HOVER_MARKDOWN, "ds",
               "**Eager loop feeding a graph**: each `step(...)` call runs its traced graph; it traces once per distinct batch shape and dtype (a smaller last batch adds one trace).");
  fx_close(&fx);
}

TEST(hover_suppression_bare) {
  Fx fx;
  fx_open(&fx, SRC_SUP, NULL);
  expect_hover(&fx, "hybridls: ignore\n", 2, AN_HOVER_MARKDOWN, "# hybridls: ignore",
               "**Suppresses every hybridls finding on this line.**");
  fx_close(&fx);
}


TEST(hover_finding_is_rule_doc) {
  Fx fx;
  fx_open(&fx, SRC_MAIN, NULL);
  expect_hover(&fx, "print(\"tracing", 2, AN_HOVER_MARKDOWN, "print(\"tracing\", step)",
               an_rule_info(AN_RULE_PRINT_AT_TRACE_TIME)->doc);
  fx_close(&fx);
}

TEST(hover_finding_plaintext_has_no_markdown) {
  Fx fx;
  fx_open(&fx, SRC_MAIN, NULL);
  const char *text = an_model_hover(fx.model, fx_at(&fx, "print(\"tracing", 2), AN_HOVER_PLAINTEXT, NULL, NULL);
  ASSERT(text != NULL);
  ASSERT(strncmp(text, "HY201 print-at-trace-time\n\nCategory: Incompatibility", 52) == 0);
  ASSERT(strstr(text, "```") == NULL && strchr(text, '`') == NULL && strstr(text, "**") == NULL);
  ASSERT(strstr(text, "\n#") == NULL);
  /* Code blocks keep their content. */
  ASSERT(strstr(text, "\n    print(\"step\", step, \"loss\", loss)\n") != NULL);
  fx_close(&fx);
}

TEST(hover_suppression_code) {
  Fx fx;
  fx_open(&fx, SRC_SUP, NULL);
  expect_hover(&fx, "ignore[HY201]", 9, AN_HOVER_MARKDOWN, "HY201",
               an_rule_info(AN_RULE_PRINT_AT_TRACE_TIME)->doc);
  expect_hover(&fx, "HY205", 2, AN_HOVER_MARKDOWN, "HY205", an_rule_info(AN_RULE_PYTHON_NONDETERMINISM_FROZEN)->doc);
  fx_close(&fx);
}

TEST(hover_noqa_lists_every_rule) {
  Fx fx;
  fx_open(&fx, SRC_SUP, NULL);
  uint32_t start, end;
  const char *got = an_model_hover(fx.model, fx_at(&fx, "# noqa", 2), AN_HOVER_MARKDOWN, &start, &end);
  ASSERT(got != NULL);
  const char *a = an_rule_info(AN_RULE_PRINT_AT_TRACE_TIME)->doc;
  const char *b = an_rule_info(AN_RULE_PYTHON_NONDETERMINISM_FROZEN)->doc;
  ASSERT_EQ_INT(strlen(got), strlen(a) + strlen("\n\n---\n\n") + strlen(b));
  ASSERT(strncmp(got, a, strlen(a)) == 0);
  ASSERT(strncmp(got + strlen(a), "\n\n---\n\n", 7) == 0);
  ASSERT_EQ_STR(got + strlen(a) + 7, b);
  ASSERT_EQ_MEM(fx.src + start, end - start, "# noqa: HY201, HY205", 20);
  fx_close(&fx);
}

TEST(hover_nothing_to_say) {
  Fx fx;
  fx_open(&fx, SRC_MORE, NULL);
  /* A plain call in eager code, a blank line, past the end. */
  ASSERT(an_model_hover(fx.model, fx_at(&fx, "prepare(tf.zeros", 12), AN_HOVER_MARKDOWN, NULL, NULL) == NULL);
  ASSERT(an_model_hover(fx.model, fx_at(&fx, "\n\n\nclass", 1), AN_HOVER_MARKDOWN, NULL, NULL) == NULL);
  ASSERT(an_model_hover(fx.model, (uint32_t)strlen(SRC_MORE) + 5, AN_HOVER_MARKDOWN, NULL, NULL) == NULL);
  fx_close(&fx);
  fx_open(&fx, SRC_NO_TF, NULL);
  ASSERT(an_model_hover(fx.model, fx_at(&fx, "def f", 4), AN_HOVER_MARKDOWN, NULL, NULL) == NULL);
  fx_close(&fx);
}

/* helpers.scale runs as a graph because caller.step (another module) calls
 * it: the hover shows the chain across files. */
TEST(hover_cross_file_chain) {
  const char *roots[] = {"/ws"};
  AnIndex *index = an_index_new(roots, 1);
  ASSERT(index != NULL);
  const char *paths[] = {"/ws/caller.py", "/ws/helpers.py"};
  const char *srcs[] = {SRC_CALLER, SRC_HELPERS};
  for (int i = 0; i < 2; i++) {
    Fx fx;
    fx_open_in(&fx, srcs[i], NULL, paths[i], NULL);
    AnSource s = {fx.lang, srcs[i], (uint32_t)strlen(srcs[i]), fx.tree, paths[i], roots, 1};
    AnSummary *sum = an_summary_build(&s);
    ASSERT(sum != NULL);
    ASSERT_EQ_INT(an_index_put(index, paths[i], sum), 0);
    fx_close(&fx);
  }
  ASSERT_EQ_INT(an_index_finalize(index), 0);
  Fx fx;
  fx_open_in(&fx, SRC_HELPERS, NULL, "/ws/helpers.py", index);
  expect_hover(&fx, "def scale", 5, AN_HOVER_MARKDOWN, "scale",
               "**`scale` runs as a graph**: called from graph code in another module, `caller.step -> helpers.scale`.\n"
               "\n"
               "- AutoGraph: on; Python `if`/`for`/`while` on tensors become graph control flow.\n"
               "- Parameters (no call site in this module): `x` unknown kind.\n"
               "- Only while tracing: nothing in its body (no print, Python I/O, Python state changes or Python randomness).\n"
               "- Every call: the TensorFlow ops it records, including `tf.print`, variable updates and reads.\n"
               "- Refactoring not offered: `only-called-from-graph`: It already runs inside graph code (caller.step -> "
               "helpers.scale) and no eager code calls it. `undeterminable`: No call site or annotation shows what 'x' "
               "receives.");
  fx_close(&fx);
  an_index_free(index);
}

TEST_MAIN(hover_function_graph_markdown, hover_function_graph_plaintext, hover_function_decorator, hover_function_chain, hover_function_orbit_step, hover_function_signature, hover_function_constant_signature, hover_function_autograph_off, hover_function_eager_hybridize, hover_function_method, hover_call_retraces, hover_call_signature, hover_call_from_graph, hover_if_python, hover_if_tensor, hover_for_range_unrolled, hover_for_tf_range, hover_for_dataset, hover_for_tensor, hover_static_shape, hover_dynamic_shape, hover_global_captured, hover_variable_read, hover_attribute_captured, hover_tf_print, hover_print_without_finding, hover_init_scope, hover_traced_helper_call, hover_statement_python, hover_statement_tensor_branch, hover_eager_dataset_loop, hover_suppression_bare, hover_finding_is_rule_doc, hover_finding_plaintext_has_no_markdown, hover_suppression_code, hover_noqa_lists_every_rule, hover_nothing_to_say, hover_cross_file_chain)
