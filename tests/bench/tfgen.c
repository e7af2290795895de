/* tests/bench/tfgen — writes realistic TensorFlow code of controlled size
 * (the generator of gen.h) for the benchmarks and the peers script.
 *
 *   tfgen [--seed N] --lines N [FILE]          one module (stdout without FILE)
 *   tfgen [--seed N] --tree DIR --files N --lines N
 *                                              a package tree of N modules of
 *                                              about --lines lines each
 *
 * The same arguments always give the same bytes. Exit status 0, 2 on a
 * usage error, 1 when a file cannot be written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/bench/gen.h"

static const char tfgen__usage[] =
    "usage: tfgen [--seed N] --lines N [FILE]\n"
    "       tfgen [--seed N] --tree DIR --files N --lines N\n";

static int tfgen__number(const char *s, unsigned long long *out) {
  char *end;
  if (!s || !*s) return -1;
  *out = strtoull(s, &end, 10);
  return *end ? -1 : 0;
}

int main(int argc, char **argv) {
  unsigned long long seed = 1, lines = 0, files = 0;
  const char *tree = NULL, *file = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    unsigned long long *num = NULL;
    if (strcmp(a, "--seed") == 0) num = &seed;
    else if (strcmp(a, "--lines") == 0) num = &lines;
    else if (strcmp(a, "--files") == 0) num = &files;
    if (num) {
      if (tfgen__number(v, num) != 0) goto usage;
      i++;
    } else if (strcmp(a, "--tree") == 0 && v) {
      tree = v;
      i++;
    } else if (a[0] != '-' && !file) {
      file = a;
    } else {
      goto usage;
    }
  }
  if (lines == 0 || lines > 10000000ull || files > 1000000ull) goto usage;
  if (tree) {
    if (files == 0 || file) goto usage;
    uint64_t total = gen_tree(tree, seed, (uint32_t)files, (uint32_t)lines);
    if (total == 0) return 1;
    printf("%s: %llu modules, %llu lines\n", tree, files, (unsigned long long)total);
    return 0;
  }
  GenBuf buf;
  gen_buf_init(&buf);
  GenModule m = {.seed = seed, .id = 0, .target_lines = (uint32_t)lines};
  gen_module(&buf, &m);
  FILE *out = file ? fopen(file, "wb") : stdout;
  int rc = 0;
  if (!out || fwrite(buf.p, 1, buf.len, out) != buf.len || (file && fclose(out) != 0)) {
    fprintf(stderr, "tfgen: cannot write %s\n", file ? file : "stdout");
    rc = 1;
  }
  gen_buf_free(&buf);
  return rc;

usage:
  fputs(tfgen__usage, stderr);
  return 2;
}
