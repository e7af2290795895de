/* tests/unit/test_lsp.c — LSP readers (exact error messages), writers (exact
 * JSON), file URIs, and allocation failures in the writers. */
#include "tests/unit/test.h"

#include "protocol/lsp.h"
#include "protocol/rpc.h"

__attribute__((constructor)) static void use_counting_allocator(void) {
  rpc_set_allocator(test__malloc, test__realloc, test__free);
}

static json_t *parse(const char *text) {
  json_error_t e;
  json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
  if (!v) TEST__FAIL("bad test JSON %s: %s", text, e.text);
  return v;
}

static void expect_json(json_t *v, const char *want) {
  ASSERT(v != NULL);
  char *got = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
  ASSERT(got != NULL);
  ASSERT_EQ_STR(got, want);
  void (*jfree)(void *);
  json_get_alloc_funcs(NULL, &jfree);
  jfree(got);
  json_decref(v);
}

/* --- readers ------------------------------------------------------------------ */

typedef enum Reader {
  R_GET, R_OBJECT, R_ARRAY, R_STRING, R_INT, R_UINT, R_BOOL, R_POSITION, R_RANGE,
  R_OPT_STRING, R_OPT_INT, R_OPT_BOOL, R_OPT_OBJECT, R_OPT_ARRAY, R_OPT_RANGE,
} Reader;

typedef struct ReadCase {
  const char *json; /* NULL: obj is NULL */
  Reader reader;
  const char *path;
  int rc;
  const char *want; /* rc -1: the error message; rc 0: the value, printed */
} ReadCase;

/* Runs one reader and prints what it read, so every case is one table row. */
static int run_reader(json_t *obj, const ReadCase *c, char *out, size_t out_size, LspError *err) {
  int rc = -2;
  json_t *j = NULL;
  const char *s = NULL;
  int64_t i = 0;
  uint32_t u = 0;
  bool b = false, present = false;
  LspPosition p = {0, 0};
  LspRange r = {{0, 0}, {0, 0}};
  out[0] = '\0';
  switch (c->reader) {
  case R_GET: rc = lsp_get(obj, c->path, &j, err); break;
  case R_OBJECT: rc = lsp_get_object(obj, c->path, &j, err); break;
  case R_ARRAY: rc = lsp_get_array(obj, c->path, &j, err); break;
  case R_STRING: rc = lsp_get_string(obj, c->path, &s, err); break;
  case R_INT: rc = lsp_get_int(obj, c->path, &i, err); break;
  case R_UINT: rc = lsp_get_uint(obj, c->path, &u, err); break;
  case R_BOOL: rc = lsp_get_bool(obj, c->path, &b, err); break;
  case R_POSITION: rc = lsp_get_position(obj, c->path, &p, err); break;
  case R_RANGE: rc = lsp_get_range(obj, c->path, &r, err); break;
  case R_OPT_STRING: rc = lsp_opt_string(obj, c->path, &s, err); break;
  case R_OPT_INT: rc = lsp_opt_int(obj, c->path, &i, err); break;
  case R_OPT_BOOL: rc = lsp_opt_bool(obj, c->path, &b, err); break;
  case R_OPT_OBJECT: rc = lsp_opt_object(obj, c->path, &j, err); break;
  case R_OPT_ARRAY: rc = lsp_opt_array(obj, c->path, &j, err); break;
  case R_OPT_RANGE: rc = lsp_opt_range(obj, c->path, &r, &present, err); break;
  }
  if (rc != 0) return rc;
  switch (c->reader) {
  case R_GET: case R_OBJECT: case R_ARRAY: case R_OPT_OBJECT: case R_OPT_ARRAY: {
    char *d = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    snprintf(out, out_size, "%s", d ? d : "(dump failed)");
    void (*jfree)(void *);
    json_get_alloc_funcs(NULL, &jfree);
    jfree(d);
    break;
  }
  case R_STRING: case R_OPT_STRING: snprintf(out, out_size, "%s", s); break;
  case R_INT: case R_OPT_INT: snprintf(out, out_size, "%" PRId64, i); break;
  case R_UINT: snprintf(out, out_size, "%" PRIu32, u); break;
  case R_BOOL: case R_OPT_BOOL: snprintf(out, out_size, "%s", b ? "true" : "false"); break;
  case R_POSITION: snprintf(out, out_size, "%u:%u", p.line, p.character); break;
  case R_RANGE: case R_OPT_RANGE:
    if (c->reader == R_OPT_RANGE && !present) TEST__FAIL("opt_range returned 0 without present");
    snprintf(out, out_size, "%u:%u-%u:%u", r.start.line, r.start.character, r.end.line, r.end.character);
    break;
  }
  return 0;
}

#define DOC "{\"textDocument\":{\"uri\":\"file:///a.py\",\"version\":3},\"position\":{\"line\":1,\"character\":2}}"

static const ReadCase read_cases[] = {
    /* values */
    {DOC, R_STRING, "textDocument.uri", 0, "file:///a.py"},
    {DOC, R_INT, "textDocument.version", 0, "3"},
    {DOC, R_POSITION, "position", 0, "1:2"},
    {DOC, R_OBJECT, "textDocument", 0, "{\"uri\":\"file:///a.py\",\"version\":3}"},
    {DOC, R_OBJECT, "", 0, DOC},
    {"{\"a\":null}", R_GET, "a", 0, "null"},
    {"{\"a\":[10,{\"b\":[true,false]}]}", R_BOOL, "a[1].b[1]", 0, "false"},
    {"[1,\"two\"]", R_STRING, "[1]", 0, "two"},
    {"{\"m\":[[1,2],[3,4]]}", R_INT, "m[1][0]", 0, "3"},
    {"{\"n\":-9007199254740993}", R_INT, "n", 0, "-9007199254740993"},
    {"{\"n\":4294967295}", R_UINT, "n", 0, "4294967295"},
    {"{\"n\":5000000000}", R_UINT, "n", 0, "4294967295"}, /* saturates */
    {"{\"r\":{\"start\":{\"line\":0,\"character\":1},\"end\":{\"line\":2,\"character\":3}}}", R_RANGE, "r", 0,
     "0:1-2:3"},
    {"{\"r\":{\"start\":{\"line\":0,\"character\":1},\"end\":{\"line\":2,\"character\":3}}}", R_OPT_RANGE, "r", 0,
     "0:1-2:3"},
    {"{\"s\":\"x\"}", R_OPT_STRING, "s", 0, "x"},
    {"{\"b\":true}", R_OPT_BOOL, "b", 0, "true"},
    {"{\"i\":-1}", R_OPT_INT, "i", 0, "-1"},
    {"{\"o\":{}}", R_OPT_OBJECT, "o", 0, "{}"},
    {"{\"a\":[]}", R_OPT_ARRAY, "a", 0, "[]"},
    {"{\"a\":[]}", R_ARRAY, "a", 0, "[]"},
    /* absent optional fields, also through absent or null members on the way */
    {"{}", R_OPT_STRING, "s", 1, NULL},
    {"{\"s\":null}", R_OPT_STRING, "s", 1, NULL},
    {"{}", R_OPT_INT, "capabilities.general.x", 1, NULL},
    {"{\"capabilities\":null}", R_OPT_ARRAY, "capabilities.general.positionEncodings", 1, NULL},
    {"{\"a\":[]}", R_OPT_BOOL, "a[0]", 1, NULL},
    {"{}", R_OPT_RANGE, "range", 1, NULL},
    {"{\"range\":null}", R_OPT_RANGE, "range", 1, NULL},
    {NULL, R_OPT_OBJECT, "initializationOptions", 1, NULL},
    /* errors: exact messages */
    {"{\"textDocument\":{\"uri\":5}}", R_STRING, "textDocument.uri", -1, "textDocument.uri: expected a string"},
    {"{\"textDocument\":{\"uri\":null}}", R_STRING, "textDocument.uri", -1,
     "textDocument.uri: expected a string"},
    {"{\"textDocument\":{}}", R_STRING, "textDocument.uri", -1, "textDocument.uri: missing"},
    {"{}", R_STRING, "textDocument.uri", -1, "textDocument: missing"},
    {NULL, R_STRING, "textDocument.uri", -1, "textDocument: missing"},
    {"{\"textDocument\":\"file:///a.py\"}", R_STRING, "textDocument.uri", -1, "textDocument: expected an object"},
    {"{\"textDocument\":null}", R_STRING, "textDocument.uri", -1, "textDocument: expected an object"},
    {"[]", R_STRING, "textDocument.uri", -1, "expected an object"},
    {"{\"position\":{\"line\":-1,\"character\":0}}", R_POSITION, "position", -1,
     "position.line: expected a non-negative integer"},
    {"{\"position\":{\"line\":1.5,\"character\":0}}", R_POSITION, "position", -1,
     "position.line: expected a non-negative integer"},
    {"{\"position\":{\"line\":\"1\",\"character\":0}}", R_POSITION, "position", -1,
     "position.line: expected a non-negative integer"},
    {"{\"position\":{\"line\":1}}", R_POSITION, "position", -1, "position.character: missing"},
    {"{\"position\":[1,2]}", R_POSITION, "position", -1, "position: expected an object"},
    {"{}", R_POSITION, "position", -1, "position: missing"},
    {"{\"line\":1,\"character\":true}", R_POSITION, "", -1, "character: expected a non-negative integer"},
    {"{\"range\":{\"start\":{\"line\":0,\"character\":-2},\"end\":{\"line\":0,\"character\":0}}}", R_RANGE,
     "range", -1, "range.start.character: expected a non-negative integer"},
    {"{\"range\":{\"start\":{\"line\":0,\"character\":0}}}", R_RANGE, "range", -1, "range.end: missing"},
    {"{\"range\":{\"start\":{\"line\":0,\"character\":0},\"end\":{\"line\":0}}}", R_OPT_RANGE, "range", -1,
     "range.end.character: missing"},
    {"{\"range\":7}", R_OPT_RANGE, "range", -1, "range: expected an object"},
    {"{\"n\":1.0}", R_INT, "n", -1, "n: expected an integer"},
    {"{\"n\":\"1\"}", R_OPT_INT, "n", -1, "n: expected an integer"},
    {"{\"b\":1}", R_BOOL, "b", -1, "b: expected a boolean"},
    {"{\"b\":\"true\"}", R_OPT_BOOL, "b", -1, "b: expected a boolean"},
    {"{\"o\":[]}", R_OBJECT, "o", -1, "o: expected an object"},
    {"{\"o\":[]}", R_OPT_OBJECT, "o", -1, "o: expected an object"},
    {"{\"a\":{}}", R_ARRAY, "a", -1, "a: expected an array"},
    {"{\"a\":{}}", R_OPT_ARRAY, "a", -1, "a: expected an array"},
    {"{\"s\":1}", R_OPT_STRING, "s", -1, "s: expected a string"},
    {"{}", R_GET, "a", -1, "a: missing"},
    {"{\"contentChanges\":{}}", R_STRING, "contentChanges[0].text", -1, "contentChanges: expected an array"},
    {"{\"contentChanges\":[{\"text\":\"x\"}]}", R_STRING, "contentChanges[1].text", -1,
     "contentChanges[1]: missing"},
    {"{\"contentChanges\":[{\"text\":\"x\"}]}", R_STRING, "contentChanges[0].range.start", -1,
     "contentChanges[0].range: missing"},
    {"{\"contentChanges\":[{\"text\":2}]}", R_STRING, "contentChanges[0].text", -1,
     "contentChanges[0].text: expected a string"},
    {"{\"contentChanges\":[5]}", R_STRING, "contentChanges[0].text", -1, "contentChanges[0]: expected an object"},
    {"{\"contentChanges\":null}", R_STRING, "contentChanges[0].text", -1, "contentChanges: expected an array"},
    {"{\"a\":[]}", R_OPT_BOOL, "a.b", -1, "a: expected an object"},
    {"{\"text\":\"a\\u0000b\"}", R_STRING, "text", -1, "text: expected a string without NUL characters"},
    {"{\"text\":\"a\\u0000b\"}", R_OPT_STRING, "text", -1, "text: expected a string without NUL characters"},
    {"{\"a\":[1]}", R_INT, "a[99999999999999999999999]", -1, "a[99999999999999999999999]: missing"},
    /* malformed paths are caller bugs, still reported, never crashes */
    {"{\"a\":{\"b\":1}}", R_INT, "a..b", -1, "a..b: invalid path"},
    {"{\"a\":{\"b\":1}}", R_INT, ".a", -1, ".a: invalid path"},
    {"{\"a\":{\"b\":1}}", R_INT, "a.", -1, "a.: invalid path"},
    {"{\"a\":[1]}", R_INT, "a[", -1, "a[: invalid path"},
    {"{\"a\":[1]}", R_INT, "a[x]", -1, "a[x]: invalid path"},
    {"{\"a\":[1]}", R_INT, "a[]", -1, "a[]: invalid path"},
    {"{\"a\":[1]}", R_INT, "a[0]b", -1, "a[0]b: invalid path"},
};

TEST(reader_table) {
  for (size_t k = 0; k < sizeof read_cases / sizeof read_cases[0]; k++) {
    const ReadCase *c = &read_cases[k];
    json_t *obj = c->json ? parse(c->json) : NULL;
    LspError err;
    memset(&err, 0, sizeof err);
    strcpy(err.message, "untouched");
    char got[512];
    int rc = run_reader(obj, c, got, sizeof got, &err);
    if (rc != c->rc)
      TEST__FAIL("case %zu (%s, \"%s\"): rc %d, expected %d; message \"%s\"", k, c->json ? c->json : "NULL",
                 c->path, rc, c->rc, err.message);
    if (rc == 0) ASSERT_EQ_STR(got, c->want);
    if (rc == -1) ASSERT_EQ_STR(err.message, c->want);
    if (rc == 1) ASSERT_EQ_STR(err.message, "untouched");
    /* The same read without an error struct behaves the same. */
    ASSERT_EQ_INT(run_reader(obj, c, got, sizeof got, NULL), c->rc);
    json_decref(obj);
  }
}

TEST(optional_readers_leave_out_untouched) {
  json_t *obj = parse("{\"n\":null}");
  const char *s = "keep";
  int64_t i = 42;
  bool b = true;
  json_t *j = obj;
  LspRange r = {{1, 2}, {3, 4}};
  bool present = true;
  ASSERT_EQ_INT(lsp_opt_string(obj, "n", &s, NULL), 1);
  ASSERT_EQ_INT(lsp_opt_stringn(obj, "x", &s, NULL, NULL), 1);
  ASSERT_EQ_INT(lsp_opt_int(obj, "x", &i, NULL), 1);
  ASSERT_EQ_INT(lsp_opt_bool(obj, "n", &b, NULL), 1);
  ASSERT_EQ_INT(lsp_opt_object(obj, "n", &j, NULL), 1);
  ASSERT_EQ_INT(lsp_opt_array(obj, "x.y", &j, NULL), 1);
  ASSERT_EQ_INT(lsp_opt_range(obj, "n", &r, &present, NULL), 1);
  ASSERT_EQ_STR(s, "keep");
  ASSERT_EQ_INT(i, 42);
  ASSERT(b);
  ASSERT(j == obj);
  ASSERT_EQ_INT(r.start.line, 1);
  ASSERT(!present);
  /* A failed read does not write either. */
  json_t *bad = parse("{\"position\":{\"line\":5,\"character\":-1}}");
  LspPosition p = {7, 8};
  ASSERT_EQ_INT(lsp_get_position(bad, "position", &p, NULL), -1);
  ASSERT_EQ_INT(p.line, 7);
  ASSERT_EQ_INT(p.character, 8);
  json_decref(bad);
  json_decref(obj);
}

TEST(strings_with_nul_bytes) {
  json_t *obj = parse("{\"text\":\"a\\u0000b\",\"t2\":\"plain\"}");
  const char *s = NULL;
  size_t len = 0;
  ASSERT_EQ_INT(lsp_get_stringn(obj, "text", &s, &len, NULL), 0);
  ASSERT_EQ_MEM(s, len, "a\0b", 3);
  ASSERT_EQ_INT(lsp_opt_stringn(obj, "t2", &s, &len, NULL), 0);
  ASSERT_EQ_MEM(s, len, "plain", 5);
  ASSERT_EQ_INT(lsp_opt_stringn(obj, "missing", &s, &len, NULL), 1);
  ASSERT_EQ_INT(len, 5);
  LspError err;
  ASSERT_EQ_INT(lsp_get_stringn(obj, "t3", &s, &len, &err), -1);
  ASSERT_EQ_STR(err.message, "t3: missing");
  json_decref(obj);
}

TEST(array_elements_with_prefix) {
  json_t *params = parse("{\"contentChanges\":[{\"text\":\"x\"},"
                         "{\"range\":{\"start\":{\"line\":0,\"character\":\"0\"},\"end\":{\"line\":0,\"character\":0}},"
                         "\"text\":\"y\"},7,[]]}");
  json_t *changes;
  LspError err;
  ASSERT_EQ_INT(lsp_get_array(params, "contentChanges", &changes, &err), 0);
  LspRange r;
  bool present;
  /* Element 0: no range, a full-text change. */
  ASSERT_EQ_INT(lsp_opt_range(json_array_get(changes, 0), "range", &r, &present, &err), 1);
  ASSERT(!present);
  /* Element 1: a bad character, reported from the params. */
  ASSERT_EQ_INT(lsp_opt_range(json_array_get(changes, 1), "range", &r, &present, &err), -1);
  lsp_error_prefix(&err, "contentChanges[%zu]", (size_t)1);
  ASSERT_EQ_STR(err.message, "contentChanges[1].range.start.character: expected a non-negative integer");
  /* Element 2: not an object (empty path: the element itself). */
  json_t *o;
  ASSERT_EQ_INT(lsp_get_object(json_array_get(changes, 2), "", &o, &err), -1);
  ASSERT_EQ_STR(err.message, "expected an object");
  lsp_error_prefix(&err, "contentChanges[%d]", 2);
  ASSERT_EQ_STR(err.message, "contentChanges[2]: expected an object");
  /* Prefixing twice nests further. */
  lsp_error_prefix(&err, "params");
  ASSERT_EQ_STR(err.message, "params.contentChanges[2]: expected an object");
  /* An index path gets no dot. */
  ASSERT_EQ_INT(lsp_get_string(changes, "[3]", &(const char *){NULL}, &err), -1);
  ASSERT_EQ_STR(err.message, "[3]: expected a string");
  lsp_error_prefix(&err, "contentChanges");
  ASSERT_EQ_STR(err.message, "contentChanges[3]: expected a string");
  lsp_error_prefix(NULL, "x"); /* no-op */
  json_decref(params);
}

TEST(error_helpers_truncate_safely) {
  LspError err;
  ASSERT_EQ_INT(lsp_error_setf(&err, "range", "start (%d:%d) is after end", 3, 1), -1);
  ASSERT_EQ_STR(err.message, "range: start (3:1) is after end");
  lsp_error_prefix(&err, "changes[%d]", 0);
  ASSERT_EQ_STR(err.message, "changes[0].range: start (3:1) is after end");
  ASSERT_EQ_INT(lsp_error_setf(&err, "", "plain %s", "reason"), -1);
  ASSERT_EQ_STR(err.message, "plain reason");
  ASSERT_EQ_INT(lsp_error_setf(&err, NULL, "x"), -1);
  ASSERT_EQ_STR(err.message, "x");
  ASSERT_EQ_INT(lsp_error_setf(NULL, "p", "x"), -1);
  /* Long paths and prefixes are cut at the buffer's end. */
  char longpath[400];
  memset(longpath, 'k', sizeof longpath - 1);
  longpath[sizeof longpath - 1] = '\0';
  json_t *obj = parse("{}");
  const char *s;
  ASSERT_EQ_INT(lsp_get_string(obj, longpath, &s, &err), -1);
  ASSERT_EQ_INT(strlen(err.message), sizeof err.message - 1);
  for (int i = 0; i < 10; i++) lsp_error_prefix(&err, "%s", longpath);
  ASSERT_EQ_INT(strlen(err.message), sizeof err.message - 1);
  ASSERT(err.path_len <= sizeof err.message - 1);
  json_decref(obj);
}

/* --- writers ------------------------------------------------------------------ */

static const LspRange R1 = {{1, 2}, {3, 4}};

TEST(writers_exact_json) {
  expect_json(lsp_position_to_json((LspPosition){7, 0}), "{\"line\":7,\"character\":0}");
  expect_json(lsp_position_to_json((LspPosition){UINT32_MAX, 1}), "{\"line\":4294967295,\"character\":1}");
  expect_json(lsp_range_to_json(R1),
              "{\"start\":{\"line\":1,\"character\":2},\"end\":{\"line\":3,\"character\":4}}");
  expect_json(lsp_location_to_json("file:///a.py", R1),
              "{\"uri\":\"file:///a.py\",\"range\":{\"start\":{\"line\":1,\"character\":2},"
              "\"end\":{\"line\":3,\"character\":4}}}");
  ASSERT(lsp_location_to_json(NULL, R1) == NULL);
  expect_json(lsp_text_edit_to_json(R1, "tf.function"),
              "{\"range\":{\"start\":{\"line\":1,\"character\":2},\"end\":{\"line\":3,\"character\":4}},"
              "\"newText\":\"tf.function\"}");
  expect_json(lsp_text_edit_to_json((LspRange){{0, 0}, {0, 0}}, ""),
              "{\"range\":{\"start\":{\"line\":0,\"character\":0},\"end\":{\"line\":0,\"character\":0}},"
              "\"newText\":\"\"}");
  ASSERT(lsp_text_edit_to_json(R1, NULL) == NULL);
}

#define RANGE_0 "{\"start\":{\"line\":0,\"character\":0},\"end\":{\"line\":0,\"character\":5}}"

TEST(diagnostic_json) {
  LspRelated related[2] = {
      {"file:///a.py", {{9, 0}, {9, 3}}, "traced here"},
      {"file:///b%20c.py", {{1, 1}, {1, 2}}, "called from here"},
  };
  json_t *data = parse("{\"fix\":[1,2]}");
  LspDiagnostic d = {
      .range = {{0, 0}, {0, 5}},
      .severity = 2,
      .code = "HY201",
      .code_href = "https://example.invalid/rules/HY201",
      .source = "hybridls",
      .message = "print() runs only while tracing",
      .tags = 3,
      .related = related,
      .related_count = 2,
      .data = data,
  };
  json_t *j = lsp_diagnostic_to_json(&d);
  /* The data is copied: changing the original afterwards does not show. */
  json_object_set_new(data, "later", json_true());
  expect_json(j, "{\"range\":" RANGE_0 ",\"severity\":2,\"code\":\"HY201\","
                 "\"codeDescription\":{\"href\":\"https://example.invalid/rules/HY201\"},"
                 "\"source\":\"hybridls\",\"message\":\"print() runs only while tracing\",\"tags\":[1,2],"
                 "\"relatedInformation\":[{\"location\":{\"uri\":\"file:///a.py\",\"range\":{\"start\":{\"line\":9,"
                 "\"character\":0},\"end\":{\"line\":9,\"character\":3}}},\"message\":\"traced here\"},"
                 "{\"location\":{\"uri\":\"file:///b%20c.py\",\"range\":{\"start\":{\"line\":1,\"character\":1},"
                 "\"end\":{\"line\":1,\"character\":2}}},\"message\":\"called from here\"}],"
                 "\"data\":{\"fix\":[1,2]}}");
  json_decref(data);

  /* Only what is set is written. */
  LspDiagnostic min = {.range = {{0, 0}, {0, 5}}, .message = "m"};
  expect_json(lsp_diagnostic_to_json(&min), "{\"range\":" RANGE_0 ",\"message\":\"m\"}");
  LspDiagnostic dep = {.range = {{0, 0}, {0, 5}}, .severity = 4, .code = "HY305", .source = "hybridls",
                       .message = "deprecated", .tags = 2};
  expect_json(lsp_diagnostic_to_json(&dep), "{\"range\":" RANGE_0 ",\"severity\":4,\"code\":\"HY305\","
                                            "\"source\":\"hybridls\",\"message\":\"deprecated\",\"tags\":[2]}");
  LspDiagnostic unn = {.range = {{0, 0}, {0, 5}}, .message = "unused", .tags = 1 | 8};
  expect_json(lsp_diagnostic_to_json(&unn), "{\"range\":" RANGE_0 ",\"message\":\"unused\",\"tags\":[1]}");
  LspDiagnostic other_bits = {.range = {{0, 0}, {0, 5}}, .message = "x", .tags = 4, .related = related,
                              .related_count = 0};
  expect_json(lsp_diagnostic_to_json(&other_bits), "{\"range\":" RANGE_0 ",\"message\":\"x\"}");
  /* Invalid UTF-8 in a message (quoting user code) is replaced, not fatal. */
  LspDiagnostic bad = {.range = {{0, 0}, {0, 5}}, .message = "name \xff\xfe"};
  expect_json(lsp_diagnostic_to_json(&bad),
              "{\"range\":" RANGE_0 ",\"message\":\"name \xef\xbf\xbd\xef\xbf\xbd\"}");
  /* Refusals. */
  ASSERT(lsp_diagnostic_to_json(NULL) == NULL);
  LspDiagnostic nomsg = {.range = {{0, 0}, {0, 5}}};
  ASSERT(lsp_diagnostic_to_json(&nomsg) == NULL);
  LspRelated broken = {NULL, {{0, 0}, {0, 0}}, "m"};
  LspDiagnostic badrel = {.message = "m", .related = &broken, .related_count = 1};
  ASSERT(lsp_diagnostic_to_json(&badrel) == NULL);
  LspDiagnostic norel = {.message = "m", .related = NULL, .related_count = 1};
  ASSERT(lsp_diagnostic_to_json(&norel) == NULL);
}

/* --- URIs ----------------------------------------------------------------------- */

TEST(uri_to_path_table) {
  static const struct {
    const char *uri, *path;
  } cases[] = {
      {"file:///a%20b.py", "/a b.py"},
      {"file:///home/u/model.py", "/home/u/model.py"},
      {"FILE:///x.py", "/x.py"},
      {"File://LocalHost/x.py", "/x.py"},
      {"file:/x.py", "/x.py"},
      {"file:///", "/"},
      {"file:///a%2Fb", "/a/b"},
      {"file:///caf%C3%A9.py", "/caf\xc3\xa9.py"},
      {"file:///caf%c3%a9.py", "/caf\xc3\xa9.py"},
      {"file:///100%25.py", "/100%.py"},
      {"file:///a.py?query=1#frag", "/a.py"},
      {"file:///a.py#frag", "/a.py"},
      {"file:///c%3A/Users/x.py", "/c:/Users/x.py"},
      {"file:///a+b;c=d@e", "/a+b;c=d@e"},
      {"http://example.com/a.py", NULL},
      {"untitled:Untitled-1", NULL},
      {"file://server/share/a.py", NULL},
      {"file://", NULL},
      {"file:", NULL},
      {"fil", NULL},
      {"", NULL},
      {"file:relative.py", NULL},
      {"file:///a%2", NULL},
      {"file:///a%", NULL},
      {"file:///a%zz", NULL},
      {"file:///a%00b", NULL},
      {"file://localhost", NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *p = lsp_uri_to_path(cases[i].uri);
    if (cases[i].path) {
      if (!p) TEST__FAIL("%s: NULL, expected %s", cases[i].uri, cases[i].path);
      ASSERT_EQ_STR(p, cases[i].path);
    } else if (p) {
      TEST__FAIL("%s: \"%s\", expected NULL", cases[i].uri, p);
    }
    rpc_free(p);
  }
  ASSERT(lsp_uri_to_path(NULL) == NULL);
}

TEST(path_to_uri_table) {
  static const struct {
    const char *path, *uri;
  } cases[] = {
      {"/a b.py", "file:///a%20b.py"},
      {"/x/100%.py", "file:///x/100%25.py"},
      {"/a#b?c", "file:///a%23b%3Fc"},
      {"/caf\xc3\xa9", "file:///caf%C3%A9"},
      {"/A-z_0.9~/F", "file:///A-z_0.9~/F"},
      {"/c:/x", "file:///c%3A/x"},
      {"/", "file:///"},
      {"/tab\there", "file:///tab%09here"},
      {"relative/x.py", NULL},
      {"", NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *u = lsp_path_to_uri(cases[i].path);
    if (cases[i].uri) {
      if (!u) TEST__FAIL("%s: NULL, expected %s", cases[i].path, cases[i].uri);
      ASSERT_EQ_STR(u, cases[i].uri);
    } else if (u) {
      TEST__FAIL("%s: \"%s\", expected NULL", cases[i].path, u);
    }
    rpc_free(u);
  }
  ASSERT(lsp_path_to_uri(NULL) == NULL);
}

TEST(uri_round_trips) {
  /* Every byte 1..255 in one path survives path -> uri -> path. */
  char path[300];
  size_t n = 0;
  path[n++] = '/';
  for (int c = 1; c < 256; c++) path[n++] = (char)c;
  path[n] = '\0';
  char *uri = lsp_path_to_uri(path);
  ASSERT(uri != NULL);
  for (const char *q = uri + 7; *q; q++) /* only unreserved, '/', and escapes */
    ASSERT(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/%", *q) != NULL);
  char *back = lsp_uri_to_path(uri);
  ASSERT(back != NULL);
  ASSERT_EQ_MEM(back, strlen(back), path, n);
  rpc_free(back);
  rpc_free(uri);
  /* Canonical URIs survive uri -> path -> uri. */
  static const char *const uris[] = {
      "file:///home/user/project/model.py",
      "file:///a%20b/c%23d/%E2%82%AC.py",
      "file:///%25%3F%3A",
  };
  for (size_t i = 0; i < sizeof uris / sizeof uris[0]; i++) {
    char *p = lsp_uri_to_path(uris[i]);
    ASSERT(p != NULL);
    char *u = lsp_path_to_uri(p);
    ASSERT(u != NULL);
    ASSERT_EQ_STR(u, uris[i]);
    rpc_free(u);
    rpc_free(p);
  }
}

/* --- allocation failures ----------------------------------------------------- */

typedef json_t *(*Builder)(const void *ctx);

static json_t *until_success(Builder build, const void *ctx) {
  for (long n = 0; n < 10000; n++) {
    long before = test_live_allocations();
    test_fail_allocation_after(n);
    json_t *v = build(ctx);
    test_fail_allocation_after(-1);
    if (v) {
      if (n == 0) TEST__FAIL("the builder allocated nothing that could fail");
      return v;
    }
    if (test_live_allocations() != before)
      TEST__FAIL("failing allocation %ld leaked %ld allocations", n, test_live_allocations() - before);
  }
  TEST__FAIL("never succeeded");
}

static json_t *build_diagnostic(const void *ctx) { return lsp_diagnostic_to_json(ctx); }
static json_t *build_location(const void *ctx) { return lsp_location_to_json(ctx, R1); }
static json_t *build_edit(const void *ctx) { return lsp_text_edit_to_json(R1, ctx); }
/* The URI functions, wrapped to return JSON strings. */
static json_t *build_path(const void *ctx) {
  char *p = lsp_uri_to_path(ctx);
  if (!p) return NULL;
  json_t *s = json_string(p);
  rpc_free(p);
  return s;
}
static json_t *build_uri(const void *ctx) {
  char *u = lsp_path_to_uri(ctx);
  if (!u) return NULL;
  json_t *s = json_string(u);
  rpc_free(u);
  return s;
}

TEST(writers_survive_allocation_failure) {
  LspRelated related[2] = {
      {"file:///a.py", {{9, 0}, {9, 3}}, "traced here"},
      {"file:///b.py", {{1, 1}, {1, 2}}, "bad \xff"},
  };
  json_t *data = parse("{\"fix\":{\"edits\":[1,2,3]}}");
  LspDiagnostic d = {.range = R1, .severity = 1, .code = "HY201", .code_href = "https://x.invalid/HY201",
                     .source = "hybridls", .message = "m\xc3", .tags = 3, .related = related,
                     .related_count = 2, .data = data};
  json_t *j = until_success(build_diagnostic, &d);
  json_t *want = lsp_diagnostic_to_json(&d);
  ASSERT(json_equal(j, want));
  ASSERT(json_object_size(j) == 9);
  json_decref(want);
  json_decref(j);
  json_decref(data);
  expect_json(until_success(build_location, "file:///x.py"),
              "{\"uri\":\"file:///x.py\",\"range\":{\"start\":{\"line\":1,\"character\":2},"
              "\"end\":{\"line\":3,\"character\":4}}}");
  expect_json(until_success(build_edit, "new"),
              "{\"range\":{\"start\":{\"line\":1,\"character\":2},\"end\":{\"line\":3,\"character\":4}},"
              "\"newText\":\"new\"}");
  expect_json(until_success(build_path, "file:///a%20b.py"), "\"/a b.py\"");
  expect_json(until_success(build_uri, "/a b.py"), "\"file:///a%20b.py\"");
}

TEST_MAIN(reader_table, optional_readers_leave_out_untouched, strings_with_nul_bytes, array_elements_with_prefix,
          error_helpers_truncate_safely, writers_exact_json, diagnostic_json, uri_to_path_table, path_to_uri_table,
          uri_round_trips, writers_survive_allocation_failure)
