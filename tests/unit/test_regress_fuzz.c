/* Replays the libFuzzer seeds and every regression input through the fuzz
 * targets' own checks (tests/fuzz/fuzz_*.c, compiled here without
 * libFuzzer), so a crash found by `make fuzz` and copied to
 * tests/fuzz/regress/TARGET/ stays fixed in `make test`, under ASan+UBSan
 * in the asan variant. Every file of tests/fuzz/corpus/TARGET and
 * tests/fuzz/regress/TARGET runs once; a target's check aborts on failure,
 * which fails the test (each test is a forked child). Allocations are
 * counted as in every unit test (but for the server, see server_corpus):
 * the targets must not leak.
 */
#define FUZZ_NO_ENTRY
#include "tests/fuzz/fuzz_analysis.c"
#include "tests/fuzz/fuzz_edits.c"
#include "tests/fuzz/fuzz_protocol.c"
#include "tests/fuzz/fuzz_server.c"

#include <dirent.h>

#include "protocol/rpc_framer.h"
#include "server/alloc.h"
#include "test.h"

typedef int (*FuzzOne)(const uint8_t *, size_t);

/* Runs every file of dir through fn; returns how many ran. */
static int replay_dir(const char *dir, FuzzOne fn) {
  DIR *d = opendir(dir);
  if (!d) return 0;
  int n = 0;
  struct dirent *ent;
  while ((ent = readdir(d)) != NULL) {
    if (ent->d_name[0] == '.') continue;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, ent->d_name);
    FILE *f = fopen(path, "rb");
    if (!f) continue;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(size > 0 ? (size_t)size : 1);
    size_t got = fread(buf, 1, (size_t)(size > 0 ? size : 0), f);
    fclose(f);
    fprintf(stderr, "  %s\n", path);
    fn(buf, got);
    free(buf);
    n++;
  }
  closedir(d);
  return n;
}

static void replay(const char *target, FuzzOne fn, int min_seeds) {
  char dir[256];
  snprintf(dir, sizeof dir, "tests/fuzz/corpus/%s", target);
  int seeds = replay_dir(dir, fn);
  snprintf(dir, sizeof dir, "tests/fuzz/regress/%s", target);
  replay_dir(dir, fn);
  if (seeds < min_seeds) TEST__FAIL("only %d seeds in tests/fuzz/corpus/%s (run from the repository root)", seeds, target);
}

/* Everything protocol/ and server/ allocate is counted too. */
static void count_everything(void) {
  rpc_set_allocator(test__malloc, test__realloc, test__free);
}

TEST(protocol_corpus) {
  count_everything();
  replay("protocol", fuzz_protocol_one, 5);
}

TEST(server_corpus) {
  /* The server hands buffers between allocators that are the same in the
   * process (json_dumps output released with hl_free), and its stdin
   * reader thread allocates concurrently, so the single-threaded counting
   * allocator cannot account for it: the whole server's leaks are checked
   * by valgrind instead (tests/reliability/valgrind.sh). */
  json_set_alloc_funcs(malloc, free);
  an_set_allocator(malloc, realloc, free);
  replay("server", fuzz_server_one, 5);
}

TEST(analysis_corpus) {
  replay("analysis", fuzz_analysis_one, 5);
  fuzz_analysis_reset();
}

TEST(edits_corpus) {
  hl_set_allocator(test__malloc, test__realloc, test__free);
  replay("edits", fuzz_edits_one, 5);
  fuzz_edits_reset();
}

TEST_MAIN(protocol_corpus, server_corpus, analysis_corpus, edits_corpus)
