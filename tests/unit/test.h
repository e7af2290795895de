/* tests/unit/test.h — a tiny test runner in the manner of libuv's.
 *
 *   TEST(name) { ASSERT_EQ_INT(1 + 1, 2); }
 *   TEST_MAIN(name, other_name)
 *
 * Each test runs in a forked child with a timeout, so a crash or a hang fails
 * that test alone. After a test, the number of live allocations made through
 * the counting allocator (installed into jansson and analysis) must be back
 * where it started. The runner ends with the line "N passed, N failed".
 */
#ifndef HYBRIDLS_TESTS_UNIT_TEST_H
#define HYBRIDLS_TESTS_UNIT_TEST_H

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "analysis/analysis.h"

static long test__live_allocs;
static long test__fail_after = -1; /* >= 0: fail the allocation after that many */

static void *test__malloc(size_t n) {
  if (test__fail_after == 0) return NULL;
  if (test__fail_after > 0) test__fail_after--;
  void *p = malloc(n);
  if (p) test__live_allocs++;
  return p;
}
static void *test__realloc(void *p, size_t n) {
  if (!p) return test__malloc(n);
  if (test__fail_after == 0) return NULL;
  if (test__fail_after > 0) test__fail_after--;
  return realloc(p, n);
}
static void test__free(void *p) {
  if (p) test__live_allocs--;
  free(p);
}

/* Makes the Nth allocation from now on fail (n = 0: the next one); -1 turns
 * failures off. For allocation-failure tests of protocol/ and analysis/. */
static inline void test_fail_allocation_after(long n) { test__fail_after = n; }
static inline long test_live_allocations(void) { return test__live_allocs; }

#define TEST(name) static void test_##name(void)

#define TEST__FAIL(...)                                         \
  do {                                                          \
    fprintf(stderr, "  %s:%d: ", __FILE__, __LINE__);           \
    fprintf(stderr, __VA_ARGS__);                               \
    fputc('\n', stderr);                                        \
    exit(1);                                                    \
  } while (0)

#define ASSERT(cond)                                            \
  do {                                                          \
    if (!(cond)) TEST__FAIL("assertion failed: %s", #cond);     \
  } while (0)

#define ASSERT_EQ_INT(a, b)                                                          \
  do {                                                                               \
    long long test__a = (long long)(a), test__b = (long long)(b);                    \
    if (test__a != test__b)                                                          \
      TEST__FAIL("%s == %s: %lld != %lld", #a, #b, test__a, test__b);                \
  } while (0)

#define ASSERT_EQ_STR(a, b)                                                          \
  do {                                                                               \
    const char *test__a = (a), *test__b = (b);                                       \
    if (!test__a || !test__b || strcmp(test__a, test__b) != 0)                       \
      TEST__FAIL("%s == %s:\n    got:      \"%s\"\n    expected: \"%s\"", #a, #b,   \
                 test__a ? test__a : "(null)", test__b ? test__b : "(null)");        \
  } while (0)

#define ASSERT_EQ_MEM(a, alen, b, blen)                                              \
  do {                                                                               \
    size_t test__al = (alen), test__bl = (blen);                                     \
    if (test__al != test__bl || memcmp((a), (b), test__al) != 0)                     \
      TEST__FAIL("%s == %s: lengths %zu and %zu or bytes differ:\n    got:      \"%.*s\"\n    expected: \"%.*s\"", \
                 #a, #b, test__al, test__bl, (int)test__al, (const char *)(a), (int)test__bl, (const char *)(b)); \
  } while (0)

/* A seeded xorshift64* generator for property tests: every run replays
 * the same cases, and a failure names its seed. */
typedef struct Prng {
  uint64_t s;
} Prng;

static inline uint32_t prng_next(Prng *p) {
  p->s ^= p->s >> 12;
  p->s ^= p->s << 25;
  p->s ^= p->s >> 27;
  return (uint32_t)((p->s * 2685821657736338717ull) >> 32);
}

static inline uint32_t prng_below(Prng *p, uint32_t n) { return n ? prng_next(p) % n : 0; }

/* The whole file, NUL-terminated, from malloc; fails the test when it
 * cannot be read. */
static inline char *test_read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) TEST__FAIL("cannot read %s", path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  rewind(f);
  char *buf = malloc((size_t)n + 1);
  ASSERT(buf != NULL);
  ASSERT_EQ_INT(fread(buf, 1, (size_t)n, f), n);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

typedef struct TestCase {
  const char *name;
  void (*fn)(void);
} TestCase;

static int test__run_one(const TestCase *tc) {
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) return 1;
  if (pid == 0) {
    alarm(60);
    long before = test__live_allocs;
    tc->fn();
    if (test__live_allocs != before) {
      fprintf(stderr, "  leak: %ld allocations still live after the test\n",
              test__live_allocs - before);
      _exit(1);
    }
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) return WEXITSTATUS(status) == 0 ? 0 : 1;
  if (WIFSIGNALED(status)) fprintf(stderr, "  killed by signal %d\n", WTERMSIG(status));
  return 1;
}

static int test__main(const TestCase *cases, size_t n, int argc, char **argv) {
  json_set_alloc_funcs(test__malloc, test__free);
  an_set_allocator(test__malloc, test__realloc, test__free);
  int passed = 0, failed = 0;
  for (size_t i = 0; i < n; i++) {
    if (argc > 1 && strstr(cases[i].name, argv[1]) == NULL) continue;
    int rc = test__run_one(&cases[i]);
    printf("%s %s\n", rc == 0 ? "ok  " : "FAIL", cases[i].name);
    if (rc == 0)
      passed++;
    else
      failed++;
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}

#define TEST__ENTRY(name) {#name, test_##name},
#define TEST__MAP1(m, x) m(x)
#define TEST_MAIN(...)                                                         \
  static const TestCase test__cases[] = {TEST__FOREACH(TEST__ENTRY, __VA_ARGS__)}; \
  int main(int argc, char **argv) {                                           \
    return test__main(test__cases, sizeof test__cases / sizeof test__cases[0], argc, argv); \
  }

/* A fixed-arity foreach for up to 96 tests. */
#define TEST__NARG(...) TEST__NARG_(__VA_ARGS__, TEST__RSEQ())
#define TEST__NARG_(...) TEST__ARG_N(__VA_ARGS__)
#define TEST__ARG_N(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, \
                    _18, _19, _20, _21, _22, _23, _24, _25, _26, _27, _28, _29, _30, _31, _32, _33, \
                    _34, _35, _36, _37, _38, _39, _40, _41, _42, _43, _44, _45, _46, _47, _48, _49, \
                    _50, _51, _52, _53, _54, _55, _56, _57, _58, _59, _60, _61, _62, _63, _64, _65, \
                    _66, _67, _68, _69, _70, _71, _72, _73, _74, _75, _76, _77, _78, _79, _80, _81, \
                    _82, _83, _84, _85, _86, _87, _88, _89, _90, _91, _92, _93, _94, _95, _96, N, ...) N
#define TEST__RSEQ() 96, 95, 94, 93, 92, 91, 90, 89, 88, 87, 86, 85, 84, 83, 82, 81, 80, 79, 78, \
    77, 76, 75, 74, 73, 72, 71, 70, 69, 68, 67, 66, 65, 64, 63, 62, 61, 60, 59, 58, 57, 56, 55, 54, \
    53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30, \
    29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, \
    4, 3, 2, 1
#define TEST__CAT(a, b) TEST__CAT_(a, b)
#define TEST__CAT_(a, b) a##b
#define TEST__FOREACH(m, ...) TEST__CAT(TEST__FE_, TEST__NARG(__VA_ARGS__))(m, __VA_ARGS__)
#define TEST__FE_1(m, x) m(x)
#define TEST__FE_2(m, x, ...) m(x) TEST__FE_1(m, __VA_ARGS__)
#define TEST__FE_3(m, x, ...) m(x) TEST__FE_2(m, __VA_ARGS__)
#define TEST__FE_4(m, x, ...) m(x) TEST__FE_3(m, __VA_ARGS__)
#define TEST__FE_5(m, x, ...) m(x) TEST__FE_4(m, __VA_ARGS__)
#define TEST__FE_6(m, x, ...) m(x) TEST__FE_5(m, __VA_ARGS__)
#define TEST__FE_7(m, x, ...) m(x) TEST__FE_6(m, __VA_ARGS__)
#define TEST__FE_8(m, x, ...) m(x) TEST__FE_7(m, __VA_ARGS__)
#define TEST__FE_9(m, x, ...) m(x) TEST__FE_8(m, __VA_ARGS__)
#define TEST__FE_10(m, x, ...) m(x) TEST__FE_9(m, __VA_ARGS__)
#define TEST__FE_11(m, x, ...) m(x) TEST__FE_10(m, __VA_ARGS__)
#define TEST__FE_12(m, x, ...) m(x) TEST__FE_11(m, __VA_ARGS__)
#define TEST__FE_13(m, x, ...) m(x) TEST__FE_12(m, __VA_ARGS__)
#define TEST__FE_14(m, x, ...) m(x) TEST__FE_13(m, __VA_ARGS__)
#define TEST__FE_15(m, x, ...) m(x) TEST__FE_14(m, __VA_ARGS__)
#define TEST__FE_16(m, x, ...) m(x) TEST__FE_15(m, __VA_ARGS__)
#define TEST__FE_17(m, x, ...) m(x) TEST__FE_16(m, __VA_ARGS__)
#define TEST__FE_18(m, x, ...) m(x) TEST__FE_17(m, __VA_ARGS__)
#define TEST__FE_19(m, x, ...) m(x) TEST__FE_18(m, __VA_ARGS__)
#define TEST__FE_20(m, x, ...) m(x) TEST__FE_19(m, __VA_ARGS__)
#define TEST__FE_21(m, x, ...) m(x) TEST__FE_20(m, __VA_ARGS__)
#define TEST__FE_22(m, x, ...) m(x) TEST__FE_21(m, __VA_ARGS__)
#define TEST__FE_23(m, x, ...) m(x) TEST__FE_22(m, __VA_ARGS__)
#define TEST__FE_24(m, x, ...) m(x) TEST__FE_23(m, __VA_ARGS__)
#define TEST__FE_25(m, x, ...) m(x) TEST__FE_24(m, __VA_ARGS__)
#define TEST__FE_26(m, x, ...) m(x) TEST__FE_25(m, __VA_ARGS__)
#define TEST__FE_27(m, x, ...) m(x) TEST__FE_26(m, __VA_ARGS__)
#define TEST__FE_28(m, x, ...) m(x) TEST__FE_27(m, __VA_ARGS__)
#define TEST__FE_29(m, x, ...) m(x) TEST__FE_28(m, __VA_ARGS__)
#define TEST__FE_30(m, x, ...) m(x) TEST__FE_29(m, __VA_ARGS__)
#define TEST__FE_31(m, x, ...) m(x) TEST__FE_30(m, __VA_ARGS__)
#define TEST__FE_32(m, x, ...) m(x) TEST__FE_31(m, __VA_ARGS__)
#define TEST__FE_33(m, x, ...) m(x) TEST__FE_32(m, __VA_ARGS__)
#define TEST__FE_34(m, x, ...) m(x) TEST__FE_33(m, __VA_ARGS__)
#define TEST__FE_35(m, x, ...) m(x) TEST__FE_34(m, __VA_ARGS__)
#define TEST__FE_36(m, x, ...) m(x) TEST__FE_35(m, __VA_ARGS__)
#define TEST__FE_37(m, x, ...) m(x) TEST__FE_36(m, __VA_ARGS__)
#define TEST__FE_38(m, x, ...) m(x) TEST__FE_37(m, __VA_ARGS__)
#define TEST__FE_39(m, x, ...) m(x) TEST__FE_38(m, __VA_ARGS__)
#define TEST__FE_40(m, x, ...) m(x) TEST__FE_39(m, __VA_ARGS__)
#define TEST__FE_41(m, x, ...) m(x) TEST__FE_40(m, __VA_ARGS__)
#define TEST__FE_42(m, x, ...) m(x) TEST__FE_41(m, __VA_ARGS__)
#define TEST__FE_43(m, x, ...) m(x) TEST__FE_42(m, __VA_ARGS__)
#define TEST__FE_44(m, x, ...) m(x) TEST__FE_43(m, __VA_ARGS__)
#define TEST__FE_45(m, x, ...) m(x) TEST__FE_44(m, __VA_ARGS__)
#define TEST__FE_46(m, x, ...) m(x) TEST__FE_45(m, __VA_ARGS__)
#define TEST__FE_47(m, x, ...) m(x) TEST__FE_46(m, __VA_ARGS__)
#define TEST__FE_48(m, x, ...) m(x) TEST__FE_47(m, __VA_ARGS__)
#define TEST__FE_49(m, x, ...) m(x) TEST__FE_48(m, __VA_ARGS__)
#define TEST__FE_50(m, x, ...) m(x) TEST__FE_49(m, __VA_ARGS__)
#define TEST__FE_51(m, x, ...) m(x) TEST__FE_50(m, __VA_ARGS__)
#define TEST__FE_52(m, x, ...) m(x) TEST__FE_51(m, __VA_ARGS__)
#define TEST__FE_53(m, x, ...) m(x) TEST__FE_52(m, __VA_ARGS__)
#define TEST__FE_54(m, x, ...) m(x) TEST__FE_53(m, __VA_ARGS__)
#define TEST__FE_55(m, x, ...) m(x) TEST__FE_54(m, __VA_ARGS__)
#define TEST__FE_56(m, x, ...) m(x) TEST__FE_55(m, __VA_ARGS__)
#define TEST__FE_57(m, x, ...) m(x) TEST__FE_56(m, __VA_ARGS__)
#define TEST__FE_58(m, x, ...) m(x) TEST__FE_57(m, __VA_ARGS__)
#define TEST__FE_59(m, x, ...) m(x) TEST__FE_58(m, __VA_ARGS__)
#define TEST__FE_60(m, x, ...) m(x) TEST__FE_59(m, __VA_ARGS__)
#define TEST__FE_61(m, x, ...) m(x) TEST__FE_60(m, __VA_ARGS__)
#define TEST__FE_62(m, x, ...) m(x) TEST__FE_61(m, __VA_ARGS__)
#define TEST__FE_63(m, x, ...) m(x) TEST__FE_62(m, __VA_ARGS__)
#define TEST__FE_64(m, x, ...) m(x) TEST__FE_63(m, __VA_ARGS__)
#define TEST__FE_65(m, x, ...) m(x) TEST__FE_64(m, __VA_ARGS__)
#define TEST__FE_66(m, x, ...) m(x) TEST__FE_65(m, __VA_ARGS__)
#define TEST__FE_67(m, x, ...) m(x) TEST__FE_66(m, __VA_ARGS__)
#define TEST__FE_68(m, x, ...) m(x) TEST__FE_67(m, __VA_ARGS__)
#define TEST__FE_69(m, x, ...) m(x) TEST__FE_68(m, __VA_ARGS__)
#define TEST__FE_70(m, x, ...) m(x) TEST__FE_69(m, __VA_ARGS__)
#define TEST__FE_71(m, x, ...) m(x) TEST__FE_70(m, __VA_ARGS__)
#define TEST__FE_72(m, x, ...) m(x) TEST__FE_71(m, __VA_ARGS__)
#define TEST__FE_73(m, x, ...) m(x) TEST__FE_72(m, __VA_ARGS__)
#define TEST__FE_74(m, x, ...) m(x) TEST__FE_73(m, __VA_ARGS__)
#define TEST__FE_75(m, x, ...) m(x) TEST__FE_74(m, __VA_ARGS__)
#define TEST__FE_76(m, x, ...) m(x) TEST__FE_75(m, __VA_ARGS__)
#define TEST__FE_77(m, x, ...) m(x) TEST__FE_76(m, __VA_ARGS__)
#define TEST__FE_78(m, x, ...) m(x) TEST__FE_77(m, __VA_ARGS__)
#define TEST__FE_79(m, x, ...) m(x) TEST__FE_78(m, __VA_ARGS__)
#define TEST__FE_80(m, x, ...) m(x) TEST__FE_79(m, __VA_ARGS__)
#define TEST__FE_81(m, x, ...) m(x) TEST__FE_80(m, __VA_ARGS__)
#define TEST__FE_82(m, x, ...) m(x) TEST__FE_81(m, __VA_ARGS__)
#define TEST__FE_83(m, x, ...) m(x) TEST__FE_82(m, __VA_ARGS__)
#define TEST__FE_84(m, x, ...) m(x) TEST__FE_83(m, __VA_ARGS__)
#define TEST__FE_85(m, x, ...) m(x) TEST__FE_84(m, __VA_ARGS__)
#define TEST__FE_86(m, x, ...) m(x) TEST__FE_85(m, __VA_ARGS__)
#define TEST__FE_87(m, x, ...) m(x) TEST__FE_86(m, __VA_ARGS__)
#define TEST__FE_88(m, x, ...) m(x) TEST__FE_87(m, __VA_ARGS__)
#define TEST__FE_89(m, x, ...) m(x) TEST__FE_88(m, __VA_ARGS__)
#define TEST__FE_90(m, x, ...) m(x) TEST__FE_89(m, __VA_ARGS__)
#define TEST__FE_91(m, x, ...) m(x) TEST__FE_90(m, __VA_ARGS__)
#define TEST__FE_92(m, x, ...) m(x) TEST__FE_91(m, __VA_ARGS__)
#define TEST__FE_93(m, x, ...) m(x) TEST__FE_92(m, __VA_ARGS__)
#define TEST__FE_94(m, x, ...) m(x) TEST__FE_93(m, __VA_ARGS__)
#define TEST__FE_95(m, x, ...) m(x) TEST__FE_94(m, __VA_ARGS__)
#define TEST__FE_96(m, x, ...) m(x) TEST__FE_95(m, __VA_ARGS__)

#endif
