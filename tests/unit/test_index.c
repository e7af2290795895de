/* Unit tests of the workspace index (analysis/index.c): what a module's
 * fingerprint covers of the modules it imports, and finding entries by path
 * across puts, replacements and removes. */
#include <stdio.h>
#include <string.h>

#include <tree_sitter/api.h>

#include "tests/unit/test.h"

#include "analysis/model.h"
#include "server/lang.h"

static const char SRC_TRAIN[] =
    "import tensorflow as tf\n"
    "from state import COUNTS\n"
    "\n"
    "\n"
    "@tf.function\n"
    "def step(x):\n"
    "    COUNTS[\"last\"] = x\n"
    "    return x\n";

/* Puts the summary of `src` at `path` into the index. */
static void put(AnIndex *index, const AnLang *lang, TSParser *parser, const char *path, const char *src,
                const char *const *roots) {
  TSTree *tree = ts_parser_parse_string(parser, NULL, src, (uint32_t)strlen(src));
  ASSERT(tree != NULL);
  AnSource s = {lang, src, (uint32_t)strlen(src), tree, path, roots, 1};
  AnSummary *sum = an_summary_build(&s);
  ASSERT(sum != NULL);
  ASSERT_EQ_INT(an_index_put(index, path, sum), 0);
  ts_tree_delete(tree);
}

static const char SRC_TRAINER[] =
    "import tensorflow as tf\n"
    "\n"
    "\n"
    "class Trainer:\n"
    "    def __init__(self, model):\n"
    "        self.model = model\n"
    "\n"
    "    @tf.function\n"
    "    def evaluate(self, x):\n"
    "        return self.model.predict(x)\n";

/* An empty index of the workspace "/ws", with what putting files needs. */
typedef struct Ws {
  AnLang *lang;
  TSParser *parser;
  AnIndex *index;
} Ws;

static const char *const WS_ROOTS[] = {"/ws"};

static void ws_open(Ws *w) {
  char err[256];
  w->lang = an_lang_new(hl_python_language(), err, sizeof err);
  ASSERT(w->lang != NULL);
  w->parser = ts_parser_new();
  ASSERT(ts_parser_set_language(w->parser, hl_python_language()));
  w->index = an_index_new(WS_ROOTS, 1);
  ASSERT(w->index != NULL);
}

static void ws_put(Ws *w, const char *path, const char *src) { put(w->index, w->lang, w->parser, path, src, WS_ROOTS); }

static void ws_close(Ws *w) {
  an_index_free(w->index);
  ts_parser_delete(w->parser);
  an_lang_free(w->lang);
}

/* The fingerprint of `path` in an index of two modules. */
static uint64_t fingerprint(const char *path, const char *path_a, const char *src_a, const char *path_b,
                            const char *src_b) {
  Ws w;
  ws_open(&w);
  ws_put(&w, path_a, src_a);
  ws_put(&w, path_b, src_b);
  ASSERT_EQ_INT(an_index_finalize(w.index), 0);
  uint64_t fp = an_index_module_fingerprint(w.index, path);
  ws_close(&w);
  return fp;
}

/* train.py's HY202 finding on `COUNTS["last"] = x` depends on COUNTS being
 * a dict in state.py, so the server must re-analyse it when that changes,
 * and need not when state.py changes otherwise. */
static uint64_t train_fingerprint(const char *state_src) {
  return fingerprint("/ws/train.py", "/ws/train.py", SRC_TRAIN, "/ws/state.py", state_src);
}

TEST(fingerprint_follows_imported_containers) {
  uint64_t dict = train_fingerprint("COUNTS = {}\n");
  uint64_t object = train_fingerprint("COUNTS = object()\n");
  uint64_t dict_again = train_fingerprint("COUNTS = {}\n\n\nOTHER = 1\n");
  ASSERT(dict != 0);
  ASSERT(dict != object);
  ASSERT(dict == dict_again);
}

static uint64_t trainer_fingerprint(const char *main_src) {
  return fingerprint("/ws/trainer.py", "/ws/trainer.py", SRC_TRAINER, "/ws/main.py", main_src);
}

/* Constructing trainer.Trainer in main.py passes argument kinds to
 * Trainer.__init__ (its `self.model` is then a Keras model, HY308), so
 * trainer.py's fingerprint follows them. */
TEST(fingerprint_follows_constructor_arguments) {
  uint64_t keras = trainer_fingerprint(
      "import tensorflow as tf\n"
      "from trainer import Trainer\n"
      "t = Trainer(tf.keras.Sequential([]))\n");
  uint64_t plain = trainer_fingerprint(
      "import tensorflow as tf\n"
      "from trainer import Trainer\n"
      "t = Trainer(1)\n");
  uint64_t keras_module = trainer_fingerprint(
      "import tensorflow as tf\n"
      "import trainer\n"
      "t = trainer.Trainer(model=tf.keras.Sequential([]))\n");
  ASSERT(keras != 0);
  ASSERT(keras != plain);
  ASSERT(keras == keras_module);
}

static const char SRC_SERVE[] =
    "import tensorflow as tf\n"
    "from models import Net, build\n"
    "model = build()\n"
    "net = Net()\n"
    "\n"
    "\n"
    "@tf.function\n"
    "def serve(x):\n"
    "    return model.predict(x), net.predict(x)\n";

static uint64_t serve_fingerprint(const char *models_src) {
  return fingerprint("/ws/serve.py", "/ws/serve.py", SRC_SERVE, "/ws/models.py", models_src);
}

/* serve.py's HY308 findings depend on what models.build returns and on
 * models.Net being a Keras Model, so its fingerprint follows both, and
 * not other edits of models.py. */
TEST(fingerprint_follows_return_kinds_and_keras_classes) {
  uint64_t keras = serve_fingerprint(
      "import tensorflow as tf\n"
      "def build():\n"
      "    return tf.keras.Sequential([])\n"
      "class Net(tf.keras.Model):\n"
      "    pass\n");
  uint64_t keras_again = serve_fingerprint(
      "import tensorflow as tf\n"
      "\n"
      "def build():\n"
      "    return tf.keras.Sequential([])  # moved\n"
      "class Net(tf.keras.Model):\n"
      "    pass\n");
  uint64_t maybe = serve_fingerprint(
      "import tensorflow as tf\n"
      "def build():\n"
      "    if tf:\n"
      "        return tf.keras.Sequential([])\n"
      "class Net(tf.keras.Model):\n"
      "    pass\n");
  uint64_t plain = serve_fingerprint(
      "import tensorflow as tf\n"
      "def build():\n"
      "    return tf.keras.Sequential([])\n"
      "class Net:\n"
      "    pass\n");
  ASSERT(keras != 0);
  ASSERT(keras == keras_again);
  ASSERT(keras != maybe);
  ASSERT(keras != plain);
}

static uint64_t prep_fingerprint(const char *train_src) {
  return fingerprint("/ws/prep.py", "/ws/prep.py", "def parse(x):\n    print(x)\n    return x\n", "/ws/train.py",
                     train_src);
}

/* prep.parse is graph code only while train.py maps it over a dataset. */
TEST(fingerprint_follows_data_callbacks_of_other_modules) {
  uint64_t mapped = prep_fingerprint(
      "import tensorflow as tf\n"
      "from prep import parse\n"
      "ds = tf.data.Dataset.range(3).map(parse)\n");
  uint64_t called = prep_fingerprint(
      "import tensorflow as tf\n"
      "from prep import parse\n"
      "ds = parse(tf.data.Dataset.range(3))\n");
  uint64_t unknown = prep_fingerprint(
      "from prep import parse\n"
      "def run(ds):\n"
      "    return ds.map(parse)\n");
  ASSERT(mapped != 0);
  ASSERT(mapped != called);
  ASSERT(mapped != unknown);
  Ws w;
  ws_open(&w);
  ws_put(&w, "/ws/prep.py", "def parse(x):\n    return x\n");
  ws_put(&w, "/ws/train.py", "import tensorflow as tf\nfrom prep import parse\n\n\ndef pipe():\n"
                             "    return tf.data.Dataset.range(3).map(parse)\n");
  ASSERT_EQ_INT(an_index_finalize(w.index), 0);
  const char *chain = an_index_external_data(w.index, "prep", "parse");
  ASSERT(chain != NULL);
  ASSERT_EQ_STR(chain, "train.pipe -> prep.parse");
  ws_close(&w);
}

/* 300 modules put, some replaced, a third removed in a random order (a
 * remove moves the last entry into the gap): every path still finds its own
 * entry, removed ones none, and the size agrees. */
TEST(entries_found_by_path_after_puts_and_removes) {
  enum { N = 300 };
  Ws w;
  ws_open(&w);
  AnIndex *index = w.index;
  char path[64], module[64];
  bool present[N];
  for (int i = 0; i < N; i++) {
    snprintf(path, sizeof path, "/ws/m%d.py", i);
    ws_put(&w, path, "x = 1\n");
    present[i] = true;
  }
  for (int i = 0; i < N; i += 7) {
    snprintf(path, sizeof path, "/ws/m%d.py", i);
    ws_put(&w, path, "y = 2\n");
  }
  ASSERT_EQ_INT((int)an_index_size(index), N);
  Prng rng = {12345};
  size_t size = N;
  for (int k = 0; k < N / 3; k++) {
    int i = (int)prng_below(&rng, N);
    snprintf(path, sizeof path, "/ws/m%d.py", i);
    an_index_remove(index, path);
    if (present[i]) size--;
    present[i] = false;
  }
  ASSERT_EQ_INT((int)an_index_size(index), (int)size);
  for (int i = 0; i < N; i++) {
    snprintf(path, sizeof path, "/ws/m%d.py", i);
    snprintf(module, sizeof module, "m%d", i);
    const char *found = an_index_module_of(index, path);
    if (present[i]) {
      ASSERT(found != NULL);
      ASSERT_EQ_STR(found, module);
    } else {
      ASSERT(found == NULL);
    }
  }
  ws_close(&w);
}

TEST_MAIN(fingerprint_follows_imported_containers, fingerprint_follows_constructor_arguments,
          fingerprint_follows_return_kinds_and_keras_classes, fingerprint_follows_data_callbacks_of_other_modules,
          entries_found_by_path_after_puts_and_removes)
