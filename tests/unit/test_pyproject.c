/* Unit tests of server/pyproject: reading [tool.hybridls] with the TOML
 * grammar (every spelling of the keys, wrong types, invalid TOML, strings
 * and escapes), the exclude globs, layering over the settings, and finding
 * the governing pyproject.toml on disk through the cache. */
#include "tests/unit/test.h"

#include <sys/stat.h>

#include "server/alloc.h"
#include "server/pyproject.h"

#define S(lit) (lit), (sizeof(lit) - 1)

static PyprojectConfig *parse(const char *text, size_t len) {
  hl_set_allocator(test__malloc, test__realloc, test__free);
  return pyproject_parse(text, len, "pyproject.toml", "/proj");
}

static int rule(const char *code) {
  int id = an_rule_lookup(code);
  if (id < 0) TEST__FAIL("no rule %s", code);
  return id;
}

static void expect_problems(const PyprojectConfig *cfg, const char *expected) {
  if (!expected) {
    if (cfg->problems) TEST__FAIL("unexpected problems: %s", cfg->problems);
    return;
  }
  ASSERT_EQ_STR(cfg->problems, expected);
}

TEST(all_keys_in_tables) {
  PyprojectConfig *cfg = parse(S("[project]\n"
                                 "name = \"demo\"\n"
                                 "\n"
                                 "[tool.hybridls]\n"
                                 "select = [\"HY2\", \"deprecated-tf-function-arg\"]  # comment\n"
                                 "ignore = [\n  \"HY214\",  # a hint\n]\n"
                                 "exclude = [\"gen/**\", '*_pb2.py']\n"
                                 "keras = false\n"
                                 "\n"
                                 "[tool.hybridls.severity]\n"
                                 "HY201 = \"error\"\n"
                                 "\"HY305\" = 'info'\n"
                                 "\n"
                                 "[tool.black]\n"
                                 "line-length = 100\n"));
  expect_problems(cfg, NULL);
  ASSERT(cfg->has_table);
  ASSERT(!cfg->invalid);
  ASSERT(cfg->has_select && cfg->has_ignore && cfg->has_severity && cfg->has_keras);
  for (int r = 0; r < AN_RULE_COUNT; r++) {
    const char *code = an_rule_info((AnRuleId)r)->code;
    ASSERT_EQ_INT(cfg->select[r], strncmp(code, "HY2", 3) == 0 || strcmp(code, "HY305") == 0);
    ASSERT_EQ_INT(cfg->ignore[r], strcmp(code, "HY214") == 0);
  }
  ASSERT_EQ_INT(cfg->severity[rule("HY201")], AN_SEV_ERROR);
  ASSERT_EQ_INT(cfg->severity[rule("HY305")], AN_SEV_INFO);
  ASSERT_EQ_INT(cfg->severity[rule("HY101")], -1);
  ASSERT_EQ_INT(cfg->keras, 0);
  ASSERT_EQ_INT(cfg->exclude_count, 2);
  ASSERT_EQ_STR(cfg->exclude[0], "gen/**");
  ASSERT_EQ_STR(cfg->exclude[1], "*_pb2.py");
  ASSERT_EQ_STR(cfg->path, "pyproject.toml");
  ASSERT_EQ_STR(cfg->dir, "/proj");
  pyproject_free(cfg);
}

TEST(inline_and_dotted_spellings) {
  PyprojectConfig *cfg = parse(S("tool.hybridls.keras = false\n"
                                 "[tool]\n"
                                 "hybridls.select = [\"hy101\"]\n"
                                 "hybridls.severity = { HY101 = \"hint\", print-at-trace-time = \"off\" }\n"));
  expect_problems(cfg, NULL);
  ASSERT(cfg->has_table && cfg->has_keras && !cfg->keras);
  ASSERT(cfg->has_select && cfg->select[rule("HY101")] && !cfg->select[rule("HY201")]);
  ASSERT_EQ_INT(cfg->severity[rule("HY101")], AN_SEV_HINT);
  ASSERT_EQ_INT(cfg->severity[rule("HY201")], AN_SEV_OFF);
  pyproject_free(cfg);

  cfg = parse(S("tool = { hybridls = { ignore = [\"HY1\"], severity.HY201 = \"info\" } }\n"));
  expect_problems(cfg, NULL);
  ASSERT(cfg->has_ignore && cfg->ignore[rule("HY101")] && cfg->ignore[rule("HY114")] && !cfg->ignore[rule("HY201")]);
  ASSERT_EQ_INT(cfg->severity[rule("HY201")], AN_SEV_INFO);
  pyproject_free(cfg);

  cfg = parse(S("[tool.hybridls]\nseverity.HY201 = \"error\"\nseverity.HY101 = \"hint\"\n"));
  expect_problems(cfg, NULL);
  ASSERT_EQ_INT(cfg->severity[rule("HY201")], AN_SEV_ERROR);
  ASSERT_EQ_INT(cfg->severity[rule("HY101")], AN_SEV_HINT);
  pyproject_free(cfg);
}

TEST(no_table) {
  PyprojectConfig *cfg = parse(S("[tool.black]\nline-length = 100\n[tool.hybridlsx]\nselect = 1\n"));
  expect_problems(cfg, NULL);
  ASSERT(!cfg->has_table && !cfg->has_select && !cfg->has_keras);
  ASSERT(cfg->keras);
  pyproject_free(cfg);

  cfg = parse(S(""));
  ASSERT(!cfg->has_table && !cfg->problems);
  pyproject_free(cfg);

  cfg = parse(S("[tool.hybridls]\n"));
  ASSERT(cfg->has_table && !cfg->has_select && !cfg->problems);
  pyproject_free(cfg);
}

TEST(invalid_toml) {
  PyprojectConfig *cfg = parse(S("[tool.hybridls]\nselect = [\"HY201\"\nkeras = false\n"));
  ASSERT(cfg->invalid && cfg->has_table);
  ASSERT(!cfg->has_select && !cfg->has_keras);
  ASSERT_EQ_STR(cfg->problems, "invalid TOML at line 2, column 8; the defaults apply");
  pyproject_free(cfg);

  cfg = parse(S("[tool.hybridls\nkeras = false\n"));
  ASSERT(cfg->invalid && !cfg->has_keras && cfg->problems);
  ASSERT(strncmp(cfg->problems, "invalid TOML at line 1", 22) == 0);
  pyproject_free(cfg);

  cfg = parse(S("[tool.hybridls]\nkeras = false\0\n"));
  ASSERT(cfg->invalid && !cfg->has_keras && cfg->problems);
  pyproject_free(cfg);
}

TEST(wrong_types_keep_defaults) {
  PyprojectConfig *cfg = parse(S("[tool.hybridls]\n"
                                 "select = \"HY201\"\n"
                                 "ignore = [\"HY999\"]\n"
                                 "keras = \"no\"\n"
                                 "colour = true\n"
                                 "exclude = [\"a\", 1]\n"
                                 "\n"
                                 "[tool.hybridls.severity]\n"
                                 "HY201 = \"fatal\"\n"));
  ASSERT(!cfg->invalid);
  ASSERT(!cfg->has_select && !cfg->has_ignore && !cfg->has_keras && !cfg->has_severity);
  ASSERT_EQ_INT(cfg->exclude_count, 0);
  ASSERT(cfg->keras);
  expect_problems(cfg, "line 2: select: expected an array of rule codes, names or prefixes; "
                       "line 3: ignore: unknown rule 'HY999'; "
                       "line 4: keras: expected true or false; "
                       "line 5: unknown key 'colour' (expected select, ignore, severity, exclude or keras); "
                       "line 6: exclude: expected an array of glob patterns; "
                       "line 9: severity: HY201: expected \"off\", \"hint\", \"info\", \"warning\" or \"error\"; "
                       "these keys keep their defaults");
  pyproject_free(cfg);

  /* A good key next to bad ones is kept. */
  cfg = parse(S("[tool.hybridls]\nselect = [\"HY201\"]\nkeras = 0\nseverity = \"error\"\n"));
  ASSERT(cfg->has_select && cfg->select[rule("HY201")]);
  ASSERT(!cfg->has_keras && !cfg->has_severity);
  expect_problems(cfg, "line 3: keras: expected true or false; "
                       "line 4: severity: expected a table of rule = \"severity\"; these keys keep their defaults");
  pyproject_free(cfg);

  /* Only unknown keys: nothing is lost. */
  cfg = parse(S("[tool.hybridls]\nselct = [\"HY201\"]\n"));
  expect_problems(cfg, "line 2: unknown key 'selct' (expected select, ignore, severity, exclude or keras); "
                       "unknown keys are ignored");
  pyproject_free(cfg);

  cfg = parse(S("[tool]\nhybridls = 3\n"));
  ASSERT(cfg->has_table);
  expect_problems(cfg, "line 2: tool.hybridls: expected a table; these keys keep their defaults");
  pyproject_free(cfg);

  cfg = parse(S("[[tool.hybridls]]\nkeras = false\n"));
  ASSERT(cfg->has_table && !cfg->has_keras);
  expect_problems(cfg, "line 1: [[tool.hybridls]]: expected a table, not an array of tables; "
                       "these keys keep their defaults");
  pyproject_free(cfg);

  cfg = parse(S("[tool.hybridls]\nkeras = true\n[tool.hybridls.select]\nx = 1\n"));
  ASSERT(cfg->has_keras && !cfg->has_select);
  expect_problems(cfg, "line 3: select: expected a value, not a table; these keys keep their defaults");
  pyproject_free(cfg);
}

TEST(duplicates) {
  PyprojectConfig *cfg = parse(S("[tool.hybridls]\nseverity = {HY201 = \"error\"}\n"
                                 "[tool.hybridls.severity]\nHY101 = \"hint\"\n"));
  ASSERT(!cfg->has_severity);
  expect_problems(cfg, "line 3: severity: defined more than once; these keys keep their defaults");
  pyproject_free(cfg);
}

TEST(strings_and_escapes) {
  PyprojectConfig *cfg = parse(S("[tool.hybridls]\n"
                                 "exclude = [\"a\\u0041\\tb\", 'c\\d', \"\"\"\nml\"\"\", '''\nraw\\n''', \"\\U0001F600\",\n"
                                 "  \"\"\"x \\\n     y\"\"\"]\n"));
  expect_problems(cfg, NULL);
  ASSERT_EQ_INT(cfg->exclude_count, 6);
  ASSERT_EQ_STR(cfg->exclude[0], "aA\tb");
  ASSERT_EQ_STR(cfg->exclude[1], "c\\d");
  ASSERT_EQ_STR(cfg->exclude[2], "ml");
  ASSERT_EQ_STR(cfg->exclude[3], "raw\\n");
  ASSERT_EQ_STR(cfg->exclude[4], "\xF0\x9F\x98\x80");
  ASSERT_EQ_STR(cfg->exclude[5], "x y");
  pyproject_free(cfg);

  cfg = parse(S("[tool.hybridls]\nexclude = [\"\\u0000\"]\n"));
  ASSERT_EQ_INT(cfg->exclude_count, 0);
  expect_problems(cfg, "line 2: exclude: invalid string; these keys keep their defaults");
  pyproject_free(cfg);
}

TEST(rule_tokens) {
  bool mark[AN_RULE_COUNT] = {false};
  ASSERT(pyproject_rule_mark("HY201", mark) && mark[rule("HY201")]);
  ASSERT(pyproject_rule_mark("hy101", mark) && mark[rule("HY101")]);
  ASSERT(pyproject_rule_mark("print-at-trace-time", mark));
  memset(mark, 0, sizeof mark);
  ASSERT(pyproject_rule_mark("HY3", mark));
  ASSERT(mark[rule("HY301")] && mark[rule("HY305")] && mark[rule("HY306")] && !mark[rule("HY201")]);
  ASSERT(!pyproject_rule_mark("HY9", mark));
  ASSERT(!pyproject_rule_mark("HY2x", mark));
  ASSERT(!pyproject_rule_mark("nothing", mark));
  ASSERT(!pyproject_rule_mark("", mark));
}

TEST(globs) {
  ASSERT(pyproject_glob_match("gen/**", "gen/a.py"));
  ASSERT(pyproject_glob_match("gen/**", "gen/x/y/a.py"));
  ASSERT(!pyproject_glob_match("gen/**", "src/gen/a.py"));
  ASSERT(pyproject_glob_match("**/test_*.py", "test_a.py"));
  ASSERT(pyproject_glob_match("**/test_*.py", "a/b/test_a.py"));
  ASSERT(!pyproject_glob_match("**/test_*.py", "a/b/atest_a.py"));
  ASSERT(pyproject_glob_match("a/**/b.py", "a/b.py"));
  ASSERT(pyproject_glob_match("a/**/b.py", "a/x/y/b.py"));
  ASSERT(!pyproject_glob_match("a/*.py", "a/x/b.py"));
  ASSERT(pyproject_glob_match("a/?.py", "a/b.py"));
  ASSERT(!pyproject_glob_match("a?b", "a/b"));
  ASSERT(pyproject_glob_match("[a-c]x[!0-9].py", "bxy.py"));
  ASSERT(!pyproject_glob_match("[a-c]x[!0-9].py", "bx1.py"));
  ASSERT(!pyproject_glob_match("[a-c]x.py", "dx.py"));
  ASSERT(pyproject_glob_match("a\\*.py", "a*.py"));
  ASSERT(!pyproject_glob_match("a\\*.py", "ab.py"));
  ASSERT(pyproject_glob_match("[unclosed", "[unclosed"));
  ASSERT(pyproject_glob_match("**", "any/thing"));
}

static PyprojectConfig *with_exclude(const char *text, size_t len) {
  PyprojectConfig *cfg = parse(text, len);
  expect_problems(cfg, NULL);
  return cfg;
}

TEST(exclude_paths) {
  PyprojectConfig *cfg = with_exclude(S("[tool.hybridls]\n"
                                        "exclude = [\"gen/**\", \"*_pb2.py\", \"build\", \"./src/legacy/\", \"/top.py\"]\n"));
  ASSERT(pyproject_excluded(cfg, "/proj/gen/a.py"));
  ASSERT(pyproject_excluded(cfg, "/proj/gen/deep/a.py"));
  ASSERT(!pyproject_excluded(cfg, "/proj/src/gen/a.py"));
  ASSERT(pyproject_excluded(cfg, "/proj/x/model_pb2.py"));
  ASSERT(pyproject_excluded(cfg, "/proj/a/build/x.py"));
  ASSERT(pyproject_excluded(cfg, "/proj/build/x.py"));
  ASSERT(!pyproject_excluded(cfg, "/proj/builder/x.py"));
  ASSERT(pyproject_excluded(cfg, "/proj/src/legacy/x.py"));
  ASSERT(!pyproject_excluded(cfg, "/proj/src/legacy.py"));
  ASSERT(pyproject_excluded(cfg, "/proj/top.py"));
  ASSERT(!pyproject_excluded(cfg, "/proj/a/top.py"));
  ASSERT(!pyproject_excluded(cfg, "/other/gen/a.py"));
  ASSERT(!pyproject_excluded(cfg, "/project/gen/a.py"));
  ASSERT(!pyproject_excluded(cfg, "/proj/train.py"));
  pyproject_free(cfg);
}

TEST(layering_over_settings) {
  PyprojectConfig *cfg = parse(S("[tool.hybridls]\nselect = [\"HY201\", \"HY305\"]\nignore = [\"HY305\"]\n"
                                 "severity = {HY201 = \"error\"}\nkeras = false\n"));
  Settings s;
  settings_init(&s);
  pyproject_apply(cfg, &s);
  AnConfig c;
  settings_to_config(&s, &c);
  ASSERT_EQ_INT(c.severity[rule("HY201")], AN_SEV_ERROR);
  ASSERT_EQ_INT(c.severity[rule("HY305")], AN_SEV_OFF);
  ASSERT_EQ_INT(c.severity[rule("HY101")], AN_SEV_OFF);
  ASSERT_EQ_INT(c.keras_graph_mode, 0);
  /* initializationOptions above the file: its select replaces the file's
   * as a whole; the file's severity stays. */
  json_t *init = json_pack("{s:[s], s:b}", "select", "HY101", "keras", 1);
  settings_apply(&s, init, NULL, NULL);
  json_decref(init);
  settings_to_config(&s, &c);
  ASSERT(c.severity[rule("HY101")] != AN_SEV_OFF);
  ASSERT_EQ_INT(c.severity[rule("HY201")], AN_SEV_OFF);
  ASSERT_EQ_INT(c.keras_graph_mode, 1);
  pyproject_free(cfg);

  /* An empty select in the file means every rule. */
  cfg = parse(S("[tool.hybridls]\nselect = []\n"));
  settings_init(&s);
  pyproject_apply(cfg, &s);
  ASSERT(!s.has_select);
  pyproject_free(cfg);
}

/* --- the cache, on a real directory tree ---------------------------------- */

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (!f) TEST__FAIL("cannot write %s", path);
  fputs(text, f);
  fclose(f);
}

static int problems_seen;
static void count_problem(void *data, const PyprojectConfig *cfg) {
  (void)data;
  ASSERT(cfg->problems != NULL);
  problems_seen++;
}

TEST(cache_finds_nearest_table) {
  hl_set_allocator(test__malloc, test__realloc, test__free);
  char tmpl[64];
  char xs[7]; /* mkdtemp's template ends in six 'X' characters */
  memset(xs, 'X', 6);
  xs[6] = '\0';
  snprintf(tmpl, sizeof tmpl, "%s%s", "/tmp/hl_pyproject_", xs);
  char *top = mkdtemp(tmpl);
  ASSERT(top != NULL);
  char *real = realpath(top, NULL);
  ASSERT(real != NULL);
  char path[512];
  snprintf(path, sizeof path, "%s/ws", real);
  mkdir(path, 0700);
  snprintf(path, sizeof path, "%s/ws/a", real);
  mkdir(path, 0700);
  snprintf(path, sizeof path, "%s/ws/a/b", real);
  mkdir(path, 0700);
  snprintf(path, sizeof path, "%s/ws/bad", real);
  mkdir(path, 0700);
  snprintf(path, sizeof path, "%s/pyproject.toml", real);
  write_file(path, "[tool.hybridls]\nkeras = false\n"); /* above the root */
  snprintf(path, sizeof path, "%s/ws/pyproject.toml", real);
  write_file(path, "[tool.hybridls]\nselect = [\"HY201\"]\nexclude = [\"a/b/skip.py\"]\n");
  snprintf(path, sizeof path, "%s/ws/a/pyproject.toml", real);
  write_file(path, "[tool.black]\nline-length = 1\n"); /* no table: passed over */
  snprintf(path, sizeof path, "%s/ws/bad/pyproject.toml", real);
  write_file(path, "[tool.hybridls\n");

  char root[512];
  snprintf(root, sizeof root, "%s/ws", real);
  const char *roots[1] = {root};
  problems_seen = 0;
  PyprojectCache *cache = pyproject_cache_new(false, count_problem, NULL);

  snprintf(path, sizeof path, "%s/ws/a/b/x.py", real);
  const PyprojectConfig *cfg = pyproject_cache_lookup(cache, path, roots, 1);
  ASSERT(cfg->has_select && cfg->select[rule("HY201")]);
  ASSERT_EQ_STR(cfg->dir, root);
  ASSERT(!pyproject_excluded(cfg, path));
  snprintf(path, sizeof path, "%s/ws/a/b/skip.py", real);
  ASSERT(pyproject_excluded(cfg, path));
  /* The same answer from the cache, for another file of the directory. */
  ASSERT(pyproject_cache_lookup(cache, path, roots, 1) == cfg);

  /* Without roots the search goes on to the filesystem root: a file
   * outside the workspace finds the file above it. */
  snprintf(path, sizeof path, "%s/other.py", real);
  const PyprojectConfig *above = pyproject_cache_lookup(cache, path, roots, 1);
  ASSERT(above->has_keras && !above->keras);

  /* The root ends the search: nothing above it is used. */
  snprintf(path, sizeof path, "%s/ws/bad/y.py", real);
  const PyprojectConfig *bad = pyproject_cache_lookup(cache, path, roots, 1);
  ASSERT(bad->invalid && !bad->has_select);
  ASSERT_EQ_INT(problems_seen, 1);
  pyproject_cache_lookup(cache, path, roots, 1);
  ASSERT_EQ_INT(problems_seen, 1);

  /* After a clear the files are read again (and the problem reported again:
   * the server dedupes messages). */
  pyproject_cache_clear(cache);
  snprintf(path, sizeof path, "%s/ws/bad/y.py", real);
  pyproject_cache_lookup(cache, path, roots, 1);
  ASSERT_EQ_INT(problems_seen, 2);

  /* A root without any pyproject.toml: the defaults. */
  char lone[512];
  snprintf(lone, sizeof lone, "%s/ws/a/b", real);
  const char *lone_roots[1] = {lone};
  snprintf(path, sizeof path, "%s/ws/a/b/z.py", real);
  PyprojectCache *c2 = pyproject_cache_new(false, NULL, NULL);
  const PyprojectConfig *none = pyproject_cache_lookup(c2, path, lone_roots, 1);
  ASSERT(none->path == NULL && !none->has_table && !none->has_select);
  pyproject_cache_free(c2);
  pyproject_cache_free(cache);

  const char *files[] = {"ws/a/b", "ws/a", "ws/bad", "ws", ""};
  const char *names[] = {NULL, "pyproject.toml", "pyproject.toml", "pyproject.toml", "pyproject.toml"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    if (names[i]) {
      snprintf(path, sizeof path, "%s/%s%s%s", real, files[i], files[i][0] ? "/" : "", names[i]);
      unlink(path);
    }
    if (files[i][0]) {
      snprintf(path, sizeof path, "%s/%s", real, files[i]);
      rmdir(path);
    }
  }
  rmdir(real);
  free(real);
}

TEST(plan_for_check) {
  hl_set_allocator(test__malloc, test__realloc, test__free);
  char *files[3];
  files[0] = hl_strdup("tests/cli/data/config/project/train.py");
  files[1] = hl_strdup("tests/cli/data/config/project/generated/gen.py");
  files[2] = hl_strdup("tests/cli/data/config/project/sub/loop.py");
  size_t count = 3;
  bool cli_ignore[AN_RULE_COUNT] = {false};
  cli_ignore[rule("HY305")] = true;
  PyprojectPlan *plan = pyproject_plan_new(files, &count, NULL, cli_ignore);
  ASSERT_EQ_INT(count, 2);
  ASSERT_EQ_STR(files[0], "tests/cli/data/config/project/train.py");
  ASSERT_EQ_STR(files[1], "tests/cli/data/config/project/sub/loop.py");
  const AnConfig *const *cfgs = pyproject_plan_configs(plan);
  /* project/: select HY2 + HY305, HY201 at error; --ignore replaced its
   * ignore list (HY214 is back). */
  ASSERT_EQ_INT(cfgs[0]->severity[rule("HY201")], AN_SEV_ERROR);
  ASSERT_EQ_INT(cfgs[0]->severity[rule("HY305")], AN_SEV_OFF);
  ASSERT(cfgs[0]->severity[rule("HY214")] != AN_SEV_OFF);
  ASSERT_EQ_INT(cfgs[0]->severity[rule("HY101")], AN_SEV_OFF);
  ASSERT_EQ_INT(cfgs[0]->keras_graph_mode, 0);
  /* project/sub/: its own table selects HY101 only. */
  ASSERT(cfgs[1]->severity[rule("HY101")] != AN_SEV_OFF);
  ASSERT_EQ_INT(cfgs[1]->severity[rule("HY201")], AN_SEV_OFF);
  ASSERT_EQ_INT(cfgs[1]->keras_graph_mode, 1);
  pyproject_plan_free(plan);
  for (size_t i = 0; i < count; i++) hl_free(files[i]);
}

TEST_MAIN(all_keys_in_tables, inline_and_dotted_spellings, no_table, invalid_toml, wrong_types_keep_defaults,
          duplicates, strings_and_escapes, rule_tokens, globs, exclude_paths, layering_over_settings,
          cache_finds_nearest_table, plan_for_check)
