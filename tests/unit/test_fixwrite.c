/* Unit tests of server/fixwrite: applying edits, the unified diff (context,
 * merged and separate hunks, insertions shown as additions only, files
 * without a final newline, empty ranges), and the atomic write with its
 * refusals (changed content, changed modification time, symbolic links),
 * permissions kept and no temporary file left behind. */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>

#include "tests/unit/test.h"

#include "server/alloc.h"
#include "server/fixwrite.h"

static void setup(void) { hl_set_allocator(test__malloc, test__realloc, test__free); }

static char *diff_of(const char *text, const AnEdit *edits, uint32_t count, size_t *hunks) {
  OutBuf b;
  outbuf_init(&b);
  *hunks = fixwrite_diff(&b, "pkg/m.py", text, (uint32_t)strlen(text), edits, count);
  char *out = hl_strdup(b.data ? outbuf_cstr(&b) : "");
  outbuf_deinit(&b);
  return out;
}

TEST(apply_edits) {
  setup();
  const char *text = "abcdef";
  AnEdit edits[] = {{0, 0, ">"}, {1, 3, "XY"}, {6, 6, "<"}};
  uint32_t len;
  char *out = fixwrite_apply(text, 6, edits, 3, &len);
  ASSERT_EQ_STR(out, ">aXYdef<");
  ASSERT_EQ_INT(len, 8);
  hl_free(out);
  out = fixwrite_apply(text, 6, NULL, 0, &len);
  ASSERT_EQ_STR(out, "abcdef");
  hl_free(out);
}

TEST(diff_one_line_with_context) {
  setup();
  const char *text = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
  AnEdit e = {10, 11, "five"}; /* "6" */
  size_t hunks;
  char *d = diff_of(text, &e, 1, &hunks);
  ASSERT_EQ_INT(hunks, 1);
  ASSERT_EQ_STR(d, "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -3,7 +3,7 @@\n 3\n 4\n 5\n-6\n+five\n 7\n 8\n 9\n");
  hl_free(d);
}

TEST(diff_insertion_is_additions_only) {
  setup();
  const char *text = "a\nb\nc\n";
  AnEdit e = {2, 2, "new\n"}; /* before "b" */
  size_t hunks;
  char *d = diff_of(text, &e, 1, &hunks);
  ASSERT_EQ_STR(d, "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -1,3 +1,4 @@\n a\n+new\n b\n c\n");
  hl_free(d);
  /* At the very end of a file that ends in a newline. */
  AnEdit end = {6, 6, "d\n"};
  d = diff_of(text, &end, 1, &hunks);
  ASSERT_EQ_STR(d, "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -1,3 +1,4 @@\n a\n b\n c\n+d\n");
  hl_free(d);
}

TEST(diff_deletion_of_whole_lines) {
  setup();
  const char *text = "a\nb\nc\n";
  AnEdit e = {2, 4, ""}; /* "b\n" */
  size_t hunks;
  char *d = diff_of(text, &e, 1, &hunks);
  ASSERT_EQ_STR(d, "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -1,3 +1,2 @@\n a\n-b\n c\n");
  hl_free(d);
  /* Deleting everything leaves an empty new range, written as line 0. */
  AnEdit all = {0, 6, ""};
  d = diff_of(text, &all, 1, &hunks);
  ASSERT_EQ_STR(d, "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -1,3 +0,0 @@\n-a\n-b\n-c\n");
  hl_free(d);
}

TEST(diff_hunks_merge_or_split) {
  setup();
  /* 20 lines "l1".."l20". */
  char text[256] = "";
  for (int i = 1; i <= 20; i++) snprintf(text + strlen(text), sizeof text - strlen(text), "l%d\n", i);
  /* Lines 2 and 8: five unchanged lines between them (fewer than twice the
   * context), so one hunk. */
  uint32_t l2 = (uint32_t)(strstr(text, "l2\n") - text), l8 = (uint32_t)(strstr(text, "l8\n") - text);
  AnEdit close[] = {{l2, l2 + 2, "L2"}, {l8, l8 + 2, "L8"}};
  size_t hunks;
  char *d = diff_of(text, close, 2, &hunks);
  ASSERT_EQ_INT(hunks, 1);
  ASSERT(strstr(d, "@@ -1,11 +1,11 @@\n"));
  hl_free(d);
  /* Lines 2 and 10: seven between them, so two hunks. */
  uint32_t l10 = (uint32_t)(strstr(text, "l10\n") - text);
  AnEdit apart[] = {{l2, l2 + 2, "L2"}, {l10, l10 + 3, "L10\nextra"}};
  d = diff_of(text, apart, 2, &hunks);
  ASSERT_EQ_INT(hunks, 2);
  ASSERT_EQ_STR(d, "--- a/pkg/m.py\n+++ b/pkg/m.py\n"
                   "@@ -1,5 +1,5 @@\n l1\n-l2\n+L2\n l3\n l4\n l5\n"
                   "@@ -7,7 +7,8 @@\n l7\n l8\n l9\n-l10\n+L10\n+extra\n l11\n l12\n l13\n");
  hl_free(d);
}

TEST(diff_no_newline_at_end) {
  setup();
  const char *text = "a\nb";
  AnEdit e = {2, 3, "c"};
  size_t hunks;
  char *d = diff_of(text, &e, 1, &hunks);
  ASSERT_EQ_STR(d, "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n"
                   "+c\n\\ No newline at end of file\n");
  hl_free(d);
  /* Context without a final newline is marked once. */
  AnEdit first = {0, 1, "z"};
  d = diff_of(text, &first, 1, &hunks);
  ASSERT_EQ_STR(d, "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -1,2 +1,2 @@\n-a\n+z\n b\n\\ No newline at end of file\n");
  hl_free(d);
}

TEST(diff_nothing_when_unchanged) {
  setup();
  const char *text = "a\nb\n";
  AnEdit same = {0, 1, "a"};
  size_t hunks;
  char *d = diff_of(text, &same, 1, &hunks);
  ASSERT_EQ_INT(hunks, 0);
  ASSERT_EQ_STR(d, "");
  hl_free(d);
}

/* A scratch directory under the build tree; removed by the caller. */
static char *scratch(void) {
  char tmpl[64];
  char xs[7]; /* mkdtemp's template ends in six 'X' characters */
  memset(xs, 'X', 6);
  xs[6] = '\0';
  snprintf(tmpl, sizeof tmpl, "%s%s", "/tmp/hybridls-fixwrite-", xs);
  ASSERT(mkdtemp(tmpl));
  return hl_strdup(tmpl);
}

static void write_file(const char *path, const char *text, mode_t mode) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
  ASSERT(fd >= 0);
  ASSERT_EQ_INT(write(fd, text, strlen(text)), (long long)strlen(text));
  ASSERT_EQ_INT(fchmod(fd, mode), 0);
  close(fd);
}

static char *read_file(const char *path) {
  static char buf[4096];
  int fd = open(path, O_RDONLY);
  ASSERT(fd >= 0);
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  ASSERT(n >= 0);
  buf[n] = '\0';
  return buf;
}

/* Number of entries in `dir` besides . and .. */
static int entries(const char *dir) {
  DIR *d = opendir(dir);
  ASSERT(d);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) n++;
  closedir(d);
  return n;
}

static void mtime_of(const char *path, int64_t *sec, long *nsec) {
  struct stat st;
  ASSERT_EQ_INT(stat(path, &st), 0);
  *sec = (int64_t)st.st_mtim.tv_sec;
  *nsec = st.st_mtim.tv_nsec;
}

static void cleanup_dir(char *dir) {
  char *cmd = hl_asprintf("rm -rf '%s'", dir);
  ASSERT_EQ_INT(system(cmd), 0);
  hl_free(cmd);
  hl_free(dir);
}

TEST(write_replaces_and_keeps_mode) {
  setup();
  char *dir = scratch();
  char *path = hl_asprintf("%s/m.py", dir);
  write_file(path, "old\n", 0640);
  int64_t sec;
  long nsec;
  mtime_of(path, &sec, &nsec);
  char why[256] = "";
  ASSERT_EQ_INT(fixwrite_file(path, "old\n", 4, sec, nsec, "new text\n", 9, why, sizeof why), 0);
  ASSERT_EQ_STR(read_file(path), "new text\n");
  struct stat st;
  ASSERT_EQ_INT(stat(path, &st), 0);
  ASSERT_EQ_INT(st.st_mode & 07777, 0640);
  ASSERT_EQ_INT(entries(dir), 1); /* no temporary file left */
  hl_free(path);
  cleanup_dir(dir);
}

TEST(write_refuses_changed_content) {
  setup();
  char *dir = scratch();
  char *path = hl_asprintf("%s/m.py", dir);
  write_file(path, "edited\n", 0644);
  int64_t sec;
  long nsec;
  mtime_of(path, &sec, &nsec);
  char why[256] = "";
  /* Same length, different bytes: what was analysed is not what is there. */
  ASSERT_EQ_INT(fixwrite_file(path, "analyz\n", 7, sec, nsec, "fixed\n", 6, why, sizeof why), -1);
  ASSERT_EQ_STR(why, "it changed while hybridls was running; not fixed");
  ASSERT_EQ_STR(read_file(path), "edited\n");
  ASSERT_EQ_INT(entries(dir), 1);
  hl_free(path);
  cleanup_dir(dir);
}

TEST(write_refuses_changed_mtime) {
  setup();
  char *dir = scratch();
  char *path = hl_asprintf("%s/m.py", dir);
  write_file(path, "same\n", 0644);
  int64_t sec;
  long nsec;
  mtime_of(path, &sec, &nsec);
  char why[256] = "";
  ASSERT_EQ_INT(fixwrite_file(path, "same\n", 5, sec - 10, nsec, "fixed\n", 6, why, sizeof why), -1);
  ASSERT_EQ_STR(why, "it changed while hybridls was running; not fixed");
  ASSERT_EQ_STR(read_file(path), "same\n");
  hl_free(path);
  cleanup_dir(dir);
}

TEST(write_refuses_symlink) {
  setup();
  char *dir = scratch();
  char *path = hl_asprintf("%s/m.py", dir);
  char *link = hl_asprintf("%s/link.py", dir);
  write_file(path, "old\n", 0644);
  ASSERT_EQ_INT(symlink(path, link), 0);
  int64_t sec;
  long nsec;
  mtime_of(path, &sec, &nsec);
  char why[256] = "";
  ASSERT_EQ_INT(fixwrite_file(link, "old\n", 4, sec, nsec, "new\n", 4, why, sizeof why), -1);
  ASSERT_EQ_STR(why, "a symbolic link; not fixed");
  ASSERT_EQ_STR(read_file(path), "old\n");
  struct stat st;
  ASSERT_EQ_INT(lstat(link, &st), 0);
  ASSERT(S_ISLNK(st.st_mode));
  hl_free(path);
  hl_free(link);
  cleanup_dir(dir);
}

TEST_MAIN(apply_edits, diff_one_line_with_context, diff_insertion_is_additions_only, diff_deletion_of_whole_lines,
          diff_hunks_merge_or_split, diff_no_newline_at_end, diff_nothing_when_unchanged, write_replaces_and_keeps_mode,
          write_refuses_changed_content, write_refuses_changed_mtime, write_refuses_symlink)
