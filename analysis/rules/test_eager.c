/* HY701 eager-switch-leaks-in-tests: tf.config.run_functions_eagerly(True)
 * in test code that nothing switches back. The setting is process-wide,
 * so one test that leaves it on makes every later test run tf.functions
 * as plain Python. HY501 reports the switch outside tests. */
#include <string.h>

#include "analysis/rules/rules.h"

static bool test__is_switch(const AnCall *c) {
  return an_call_is(c, "tensorflow.config.run_functions_eagerly") ||
         an_call_is(c, "tensorflow.config.experimental_run_functions_eagerly");
}

/* The switch's argument (positional or `run_eagerly=`), or null. */
static TSNode test__switch_arg(AnModel *m, const AnCall *c) {
  TSNode a = an_call_arg(m->lang, c->node, 0);
  if (ts_node_is_null(a)) a = an_call_kwarg(m->lang, m->src, c->node, "run_eagerly");
  return a;
}

static bool test__switch_on(AnModel *m, const AnCall *c) {
  return test__is_switch(c) && an_sym(m->lang, test__switch_arg(m, c)) == AN_SYM_true;
}

static bool test__cleanup_method(const char *name) {
  static const char *const names[] = {"addCleanup", "addClassCleanup", "addModuleCleanup", "addfinalizer",
                                      "callback", "enterContext", "enterClassContext", NULL};
  for (int i = 0; names[i]; i++)
    if (strcmp(name, names[i]) == 0) return true;
  return false;
}

/* A call that can put the switch back: run_functions_eagerly with anything
 * but a literal True (False, a saved previous value), or a cleanup
 * registration that names the switch (`self.addCleanup(tf.config.
 * run_functions_eagerly, False)`). Lambdas given to cleanups hold a real
 * call, which the first case sees. */
static bool test__restores(AnModel *m, const AnCall *c) {
  if (test__is_switch(c)) {
    TSNode a = test__switch_arg(m, c);
    return !ts_node_is_null(a) && an_sym(m->lang, a) != AN_SYM_true;
  }
  const char *name = c->method;
  if (!name && c->dotted) {
    const char *dot = strrchr(c->dotted, '.');
    name = dot ? dot + 1 : c->dotted;
  }
  if (!name || !test__cleanup_method(name)) return false;
  TSNode args = an_field(m->lang, c->node, AN_FIELD_arguments);
  static const char sw[] = "run_functions_eagerly", xsw[] = "experimental_run_functions_eagerly";
  if (an_mentions(m, args, sw, sizeof sw - 1) || an_mentions(m, args, xsw, sizeof xsw - 1)) return true;
  /* The switch under an import alias (`from tensorflow.config import
   * run_functions_eagerly as eager`), which test__cleanup_fix names so. */
  uint32_t n = ts_node_is_null(args) ? 0 : ts_node_named_child_count(args);
  for (uint32_t i = 0; i < n; i++) {
    const char *d = an_dotted(m, ts_node_named_child(args, i), c->ctx.func);
    if (d && (strcmp(d, "tensorflow.config.run_functions_eagerly") == 0 ||
              strcmp(d, "tensorflow.config.experimental_run_functions_eagerly") == 0))
      return true;
  }
  return false;
}

/* Innermost class whose method holds `func`, -1. */
static int test__class_of(AnModel *m, int func) {
  for (int f = func; f >= 0; f = AN_FUNC(m, f)->parent)
    if (AN_FUNC(m, f)->cls >= 0) return AN_FUNC(m, f)->cls;
  return -1;
}

/* The method of a class that holds `func` (itself when a method), -1. */
static int test__method_of(AnModel *m, int func) {
  for (int f = func; f >= 0; f = AN_FUNC(m, f)->parent)
    if (AN_FUNC(m, f)->cls >= 0) return f;
  return -1;
}

/* A restore in another test method runs only for that test (its finally,
 * its addCleanup): the test that switched eager mode on still leaks it to
 * the tests in between. Restores in tearDown, setUp (which resets before
 * every test) or helpers count. */
static bool test__other_test_method(AnModel *m, int restore_func, int on_func) {
  int rm = test__method_of(m, restore_func);
  return rm >= 0 && rm != test__method_of(m, on_func) && strncmp(AN_FUNC(m, rm)->name, "test", 4) == 0;
}

/* The module-level function holding `func` (itself when top-level). */
static int test__top_function(AnModel *m, int func) {
  while (func >= 0 && AN_FUNC(m, func)->parent >= 0) func = AN_FUNC(m, func)->parent;
  return func;
}

/* True when `cls` is `owner` or one of its bases defined in this module. */
static AnClassStep test__is(AnModel *m, int k, void *ctx) { return k == *(const int *)ctx ? AN_CLASS_FOUND : AN_CLASS_GO; }

/* (`cls` itself counts one level above the limit of the bases followed.) */
static bool test__class_or_base(AnModel *m, int cls, int owner) {
  if (cls == owner) return true;
  AnClassSearch s = {.max_depth = 9, .visit = test__is, .ctx = &cls};
  return an_class_search(m, owner, &s) >= 0;
}

/* The test-case bases of the standard libraries, which restore nothing. */
static bool test__library_base(const char *dotted) {
  static const char *const bases[] = {"unittest.TestCase", "unittest.IsolatedAsyncioTestCase",
                                      "tensorflow.test.TestCase", "absl.testing.absltest.TestCase",
                                      "absl.testing.parameterized.TestCase", "builtins.object", NULL};
  for (int i = 0; dotted && bases[i]; i++)
    if (strcmp(dotted, bases[i]) == 0) return true;
  return false;
}

/* A base class we cannot see (a project's own imported TestCase, or one
 * built by an expression) may restore the switch in its tearDown: only the
 * library test cases and classes of this module are known not to. */
/* Found when one of the class's own bases is not known. */
static AnClassStep test__unknown_base(AnModel *m, int cls, void *ctx) {
  AnClass *k = AN_CLASS(m, cls);
  uint32_t n = ts_node_is_null(k->superclasses) ? 0 : ts_node_named_child_count(k->superclasses);
  for (uint32_t i = 0; i < n; i++) {
    TSNode b = ts_node_named_child(k->superclasses, i);
    AnSym s = an_sym(m->lang, b);
    if (s == AN_SYM_keyword_argument || s == AN_SYM_comment) continue;
    if (s != AN_SYM_identifier && s != AN_SYM_attribute) return AN_CLASS_FOUND;
    if (test__library_base(an_dotted(m, b, k->parent_func))) continue;
    if (s == AN_SYM_identifier && an_text_eq(m->src, b, "object")) continue;
    uint32_t len;
    const char *t = an_text(m->src, b, &len);
    int base = s == AN_SYM_identifier ? an_hash_get(&m->class_map, AN_SCOPE_MODULE, t, len) : -1;
    if (base < 0 || base == cls) return AN_CLASS_FOUND;
  }
  return AN_CLASS_GO;
}

/* The module bases test__unknown_base leaves to look at: those of
 * an_class_next_base but `object` (a module class can be neither a library
 * base nor an attribute). */
static int test__next_base(AnModel *m, int cls, uint32_t *at, void *ctx) {
  AnClass *k = AN_CLASS(m, cls);
  for (int base; (base = an_class_next_base(m, cls, at)) >= 0;)
    if (!an_text_eq(m->src, ts_node_named_child(k->superclasses, *at - 1), "object")) return base;
  return -1;
}

/* The class and its bases (up to 8 levels; deeper is unknown) derive only
 * from library test cases and classes of this module. */
static bool test__bases_known(AnModel *m, int cls) {
  AnClassSearch s = {.max_depth = 8, .overflow_found = true, .visit = test__unknown_base, .next = test__next_base};
  return an_class_search(m, cls, &s) == -1;
}

/* Module teardown hooks restore for every test of the module. */
static bool test__module_teardown(AnModel *m, int func) {
  int top = test__top_function(m, func);
  if (top < 0 || AN_FUNC(m, top)->cls >= 0) return false;
  const char *n = AN_FUNC(m, top)->name;
  return strcmp(n, "tearDownModule") == 0 || strcmp(n, "teardown_module") == 0;
}

/* True when some call in the module may switch `on` back for the scope
 * that owns it; false only when none can. */
static bool test__restored(AnModel *m, const AnCall *on) {
  int func = on->ctx.func;
  int cls = func >= 0 ? test__class_of(m, func) : -1;
  int top = test__top_function(m, func);
  bool helper = false;
  if (cls >= 0) {
    if (!test__bases_known(m, cls)) return true;
  } else if (func >= 0) {
    const char *n = AN_FUNC(m, top)->name;
    /* A helper that its callers may wrap in try/finally. */
    helper = strncmp(n, "test", 4) != 0 && !an_pytest_fixture(m, top);
  }
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *r = &AN_VEC_AT(m->calls, AnCall, i);
    if (!test__restores(m, r)) continue;
    int rf = r->ctx.func;
    if (helper || test__module_teardown(m, rf)) return true;
    if (func < 0) {
      /* Module level: any function (a fixture, tearDownModule) or later
       * module-level code. */
      if (rf >= 0 || ts_node_start_byte(r->node) > ts_node_start_byte(on->node)) return true;
    } else if (cls >= 0) {
      int rc = rf >= 0 ? test__class_of(m, rf) : -1;
      if (rc >= 0 && test__class_or_base(m, rc, cls) && !test__other_test_method(m, rf, func)) return true;
    } else if (rf >= 0 && an_node_within(r->node, AN_FUNC(m, top)->node)) {
      return true;
    }
  }
  return false;
}

/* Tests that opt into eager runs through the environment or a flag do it
 * on purpose for the whole run. */
static bool test__flag_guarded(AnModel *m, const AnCall *c) {
  for (TSNode n = ts_node_parent(c->node); !ts_node_is_null(n); n = ts_node_parent(n)) {
    AnSym s = an_sym(m->lang, n);
    if (s == AN_SYM_function_definition || s == AN_SYM_class_definition) return false;
    if (s != AN_SYM_if_statement && s != AN_SYM_elif_clause) continue;
    uint32_t len;
    const char *t = an_text(m->src, an_field(m->lang, n, AN_FIELD_condition), &len);
    static const char *const words[] = {"environ", "getenv", "FLAGS", "flag", "debug", "DEBUG", NULL};
    for (int w = 0; words[w]; w++)
      if (memmem(t, len, words[w], strlen(words[w]))) return true;
  }
  return false;
}

/* `self.addCleanup(tf.config.run_functions_eagerly, False)` after the
 * switch in a test-case method: restores False after tearDown, whatever
 * the test does; safe because nothing in a test relies on the leak. */
static void test__cleanup_fix(AnModel *m, AnFinding *f, const AnCall *c) {
  int func = c->ctx.func;
  if (!f || func < 0 || AN_FUNC(m, func)->cls < 0 || !an_test_class(m, AN_FUNC(m, func)->cls)) return;
  AnFunc *fn = AN_FUNC(m, func);
  if (!fn->param_count || !fn->params[0].is_self || strcmp(fn->params[0].name, "self") != 0) return;
  TSNode stmt = ts_node_parent(c->node);
  if (an_sym(m->lang, stmt) != AN_SYM_expression_statement) return;
  uint32_t s = ts_node_start_byte(stmt), e = ts_node_end_byte(stmt);
  for (uint32_t k = an_line_start(m, s); k < s; k++)
    if (m->src[k] != ' ' && m->src[k] != '\t') return;
  uint32_t le = an_line_end(m, e);
  for (uint32_t k = e; k < le; k++)
    if (m->src[k] != ' ' && m->src[k] != '\t' && m->src[k] != '\n' && m->src[k] != '\r') return;
  TSNode fn_expr = an_field(m->lang, c->node, AN_FIELD_function);
  uint32_t flen;
  const char *ft = an_text(m->src, fn_expr, &flen);
  if (memchr(ft, '\n', flen)) return;
  AnFix *fix = an_finding_fix(m, f, "Switch it back after the test (self.addCleanup)", true);
  an_fix_edit(m, fix, e, e,
              an_arena_printf(&m->arena, "\n%sself.addCleanup(%.*s, False)", an_indent_at(m, s), (int)flen, ft));
}

void an_check_HY701(AnModel *m) {
  /* TF1 graph mode: the switch inlines tf.functions into the session graph,
   * which stays a graph, so graph-mode failures are still tested. */
  if (m->v1_graph_mode) return;
  for (uint32_t i = 0; i < m->calls.count; i++) {
    AnCall *c = &AN_VEC_AT(m->calls, AnCall, i);
    if (!test__switch_on(m, c) || !an_test_code(m, &c->ctx)) continue;
    if (test__flag_guarded(m, c) || test__restored(m, c)) continue;
    int func = c->ctx.func;
    const char *where = func >= 0 ? an_arena_printf(&m->arena, "'%s'", an_func_label(m, func)) : "this test module";
    AnFinding *f = an_emit_node(m, AN_RULE_EAGER_SWITCH_LEAKS_IN_TESTS, c->node, func,
                                "'%s' in %s is never switched back: the setting is process-wide, so every later "
                                "test runs tf.functions as plain Python and graph-mode failures go untested; "
                                "restore it in tearDown, a finally block or after the fixture's yield",
                                an_snippet(m, c->node), where);
    test__cleanup_fix(m, f, c);
  }
}
