/* tests/bench/deps_main — `deps`: the dependency closure figure of figure 2b
 * (tests/bench/deps.h) for any Python files.
 *
 *   deps FILE...       one line per file, then the median of the per-file medians
 *   deps --self-test   closures of small modules against ones worked out by hand
 *
 * Exit status 0; 1 when a file cannot be read or a self-test closure differs;
 * 2 on a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/lang.h"
#include "tests/bench/deps.h"

/* A module, and closures of its statements (0-based, comments counted), in
 * both variants, as "i,j,k". */
typedef struct DepsCase {
  const char *source;
  struct {
    uint32_t d;
    const char *strict, *relaxed;
  } closures[4];
  uint32_t count;
} DepsCase;

static const DepsCase deps_main__cases[] = {
    /* Call chains and module constants; an import is reached, not crossed. */
    {"import os\n"                   /* 0 opaque */
     "from m import a as b\n"        /* 1 opaque, binds b */
     "N = 3\n"                       /* 2 binds N; relaxed-opaque */
     "# a comment\n"                 /* 3 */
     "def f(x):\n"                   /* 4 binds f; mentions N, os */
     "    return x + N + os.sep\n"
     "def g():\n"                    /* 5 binds g; mentions f */
     "    return f(1)\n"
     "def h():\n"                    /* 6 mentions b */
     "    return b\n"
     "class C:\n"                    /* 7 binds C, run, k */
     "    def run(self):\n"
     "        self.k = 1\n"
     "        y = 2\n"
     "v = h()\n"                     /* 8 binds v; mentions h */
     "def k2():\n"                   /* 9 mentions N: reached through N = 3 only */
     "    return N * 2\n",
     {{2, "0,2,4,5,9", "0,2,4,5,9"}, {5, "0,2,4,5,9", "0,2,4,5"}, {6, "1,6,8", "1,6,8"}, {7, "7", "7"}},
     4},
    /* Import, for, with and global bindings; tuple and starred targets. */
    {"import a.b\n"                  /* 0 binds a */
     "import a.b as c\n"             /* 1 binds c */
     "from m import x, y as z\n"     /* 2 binds x, z */
     "for i, *j in range(3):\n"      /* 3 binds i, j */
     "    pass\n"
     "with open('f') as fh:\n"       /* 4 binds fh */
     "    pass\n"
     "def u():\n"                    /* 5 binds u, w (global) */
     "    global w\n"
     "    w = a.b + c\n"
     "def p():\n"                    /* 6 mentions j */
     "    return j\n"
     "def q():\n"                    /* 7 mentions fh, w */
     "    return fh, w\n"
     "def r():\n"                    /* 8 mentions z, not y */
     "    return z\n",
     {{6, "3,6", "3,6"}, {7, "0,1,4,5,7", "0,1,4,5,7"}, {8, "2,8", "2,8"}},
     3},
    /* self.<attr> of a class links the users of the attribute name; the
     * relaxed variant stops at LOG (only imported and unbound names on its
     * right), not at SCALE (which reads LOG). */
    {"import logging\n"              /* 0 */
     "LOG = logging.getLogger(__name__)\n" /* 1 relaxed-opaque */
     "SCALE = LOG.level\n"           /* 2 not relaxed-opaque: reads LOG */
     "class K:\n"                    /* 3 binds K, go, size */
     "    def go(self):\n"
     "        self.size = LOG\n"
     "def t(o):\n"                   /* 4 mentions size */
     "    return o.size * SCALE\n"
     "def e():\n"                    /* 5 mentions nothing bound */
     "    return 1\n",
     {{4, "0,1,2,3,4", "1,2,3,4"}, {5, "5", "5"}, {3, "0,1,2,3,4", "1,2,3,4"}},
     3},
};

static void deps_main__format(const uint8_t *members, uint32_t n, char *out, size_t size) {
  size_t used = 0;
  out[0] = '\0';
  for (uint32_t i = 0; i < n && used < size; i++)
    if (members[i]) used += (size_t)snprintf(out + used, size - used, "%s%u", used ? "," : "", i);
}

static int deps_main__check(DepsGraph *g, const DepsCase *c, size_t ci) {
  int failures = 0;
  uint32_t n = deps_graph_statements(g);
  uint8_t *members = malloc(n ? n : 1);
  if (!members) return 1;
  for (uint32_t k = 0; k < c->count; k++) {
    for (int relaxed = 0; relaxed < 2; relaxed++) {
      const char *want = relaxed ? c->closures[k].relaxed : c->closures[k].strict;
      char got[256];
      deps_graph_closure(g, c->closures[k].d, relaxed, members);
      deps_main__format(members, n, got, sizeof got);
      if (strcmp(got, want) != 0) {
        fprintf(stderr, "deps: case %zu, statement %u (%s): closure {%s}, expected {%s}\n", ci,
                c->closures[k].d, relaxed ? "relaxed" : "strict", got, want);
        failures++;
      }
    }
  }
  free(members);
  return failures;
}

static int deps_main__self_test(TSParser *parser) {
  int failures = 0;
  size_t cases = sizeof deps_main__cases / sizeof deps_main__cases[0];
  for (size_t ci = 0; ci < cases; ci++) {
    const DepsCase *c = &deps_main__cases[ci];
    uint32_t len = (uint32_t)strlen(c->source);
    TSTree *tree = hl_parse(parser, NULL, c->source, len);
    DepsGraph *g = tree ? deps_graph_new(ts_tree_root_node(tree), c->source, len) : NULL;
    if (!g) {
      fprintf(stderr, "deps: case %zu: cannot build the graph\n", ci);
      failures++;
    } else {
      failures += deps_main__check(g, c, ci);
    }
    deps_graph_free(g);
    ts_tree_delete(tree);
  }
  printf("deps self-test: %zu modules, %d mismatches\n", cases, failures);
  return failures ? 1 : 0;
}

static void deps_main__print_share(const char *what, const DepsShare *s) {
  printf("%s median %5.1f%% p95 %5.1f%% min %5.1f%% max %5.1f%%", what, s->median, s->p95, s->min, s->max);
}

static int deps_main__files(TSParser *parser, char **files, int n) {
  DepsCorpusAcc *acc = deps_corpus_acc_new();
  if (!acc) return 1;
  int rc = 0;
  for (int i = 0; i < n; i++) {
    DepsFigure f;
    if (deps_figure_file(parser, files[i], &f) != 0) {
      fprintf(stderr, "deps: cannot measure %s\n", files[i]);
      rc = 1;
      continue;
    }
    deps_corpus_add(acc, &f);
    printf("%s: %u lines (%.1f%% in statements), %u statements, %u measured of %u", files[i], f.lines,
           f.covered, f.statements, f.sampled, f.measured);
    if (f.sampled) {
      deps_main__print_share(";", &f.strict);
      deps_main__print_share("; relaxed", &f.relaxed);
    }
    printf("\n");
  }
  DepsCorpus c;
  deps_corpus_finish(acc, &c);
  printf("%zu files (%zu without measured statements), %llu lines; per-file medians:", c.files, c.empty,
         (unsigned long long)c.lines);
  deps_main__print_share("", &c.strict);
  deps_main__print_share("; relaxed", &c.relaxed);
  printf("\n");
  deps_corpus_acc_free(acc);
  return rc;
}

int main(int argc, char **argv) {
  if (argc < 2 || argv[1][0] == '-' ? argc != 2 || strcmp(argv[1], "--self-test") != 0 : false) {
    fputs("usage: deps FILE...\n       deps --self-test\n", stderr);
    return 2;
  }
  char err[256];
  TSParser *parser = ts_parser_new();
  if (hl_language_check(hl_python_language(), "python", err, sizeof err) != 0 || !parser ||
      !ts_parser_set_language(parser, hl_python_language())) {
    fprintf(stderr, "deps: cannot create a Python parser%s%s\n", err[0] ? ": " : "", err);
    ts_parser_delete(parser);
    return 1;
  }
  int rc = strcmp(argv[1], "--self-test") == 0 ? deps_main__self_test(parser)
                                                : deps_main__files(parser, argv + 1, argc - 1);
  ts_parser_delete(parser);
  return rc;
}
