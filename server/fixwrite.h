/* server/fixwrite — `hybridls check --fix` and `check --diff`: applying the
 * safe fixes of the analysis to files, printing them as a unified diff, and
 * writing files atomically.
 *
 * The fixes of a file are exactly an_model_fix_all(): the set the language
 * server's `source.fixAll.hybridls` action applies.
 *
 * Writing a file (fixwrite_file) is atomic and refuses to overwrite changes
 * made by someone else: it re-reads the file and compares it with the text
 * that was analysed, and compares its modification time and size with those
 * seen after the analysis; then it writes a temporary file in the same
 * directory, fsyncs it, gives it the original's permission bits (and owner
 * when allowed), renames it over the original and fsyncs the directory.
 * Symbolic links: a file reached through a symlink is written only when the
 * link leads inside one of the directories given on the command line; the
 * link itself is kept and its target replaced.
 *
 * Includes analysis/analysis.h and server headers. Memory: hl_* (OOM fatal).
 * fixwrite_apply and fixwrite_diff are pure and thread-safe; fixwrite_run
 * runs the project analysis with its own threads and prints from the calling
 * thread.
 */
#ifndef HYBRIDLS_SERVER_FIXWRITE_H
#define HYBRIDLS_SERVER_FIXWRITE_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/analysis.h"
#include "server/fswalk.h"
#include "server/output.h"

/* `text` with `edits` (sorted by start, non-overlapping, inside the text)
 * applied. New NUL-terminated buffer (hl_free); its length in *out_len. */
char *fixwrite_apply(const char *text, uint32_t len, const AnEdit *edits, uint32_t count, uint32_t *out_len);

/* Appends to `out` the unified diff (`--- a/PATH`, `+++ b/PATH`, hunks with
 * three lines of context, "\ No newline at end of file" where it applies)
 * that turns `text` into `text` with `edits` applied. Writes nothing when the
 * edits change nothing. Returns the number of hunks written. */
size_t fixwrite_diff(OutBuf *out, const char *path, const char *text, uint32_t len, const AnEdit *edits,
                     uint32_t count);

/* Replaces the file at `path` (a regular file, reached without symlinks)
 * with `new_text`, provided it still holds exactly `old_text` and the
 * modification time `mtime_sec`.`mtime_nsec`. Returns 0, or -1 with a
 * reason in `why` ("it changed while hybridls was running", or a system
 * error) and the file untouched. */
int fixwrite_file(const char *path, const char *old_text, uint32_t old_len, int64_t mtime_sec, long mtime_nsec,
                  const char *new_text, uint32_t new_len, char *why, size_t why_size);

/* Removes from `dir` the named temporary files of fixwrite_file (see there)
 * left by runs whose process no longer exists: a run killed between naming
 * its temporary file and renaming it over the original leaves one, the
 * only window the unnamed O_TMPFILE file cannot close. `--fix` sweeps each
 * directory before its first write. Errors are ignored: what cannot be
 * removed stays as it was. */
void fixwrite_sweep(const char *dir);

typedef enum FixwriteMode {
  FIXWRITE_DIFF = 0,  /* print the diff of every file to stdout */
  FIXWRITE_WRITE = 1, /* write every fixed file */
} FixwriteMode;

/* Analyses the walked files under `config`, or the file's own entry of
 * `configs` (parallel to walk->files; NULL or a NULL entry means `config`),
 * with one index of all of them, as `check` does, and diffs or writes the
 * safe fixes of each, in path order.
 * Files reached twice (through a symlink) are handled once. Problems go to
 * stderr ("hybridls: PATH: reason"); written files are named on stderr
 * ("hybridls: fixed PATH (N edits)"). Returns 2 when a path could not be
 * read or a file could not be written (the others are still processed);
 * otherwise 1 when there was something to fix and 0 when not. */
int fixwrite_run(const FsWalk *walk, const AnConfig *config, const AnConfig *const *configs, unsigned jobs,
                 FixwriteMode mode);

#endif
