/* server/project — analyses a set of files the way the server analyses a
 * workspace, for `check` and `inspect`.
 *
 * project_run() works in three phases:
 *   1. in parallel: read each file (one read), parse it into a Doc (the same
 *      document code as the server, one TSParser per worker) and summarise
 *      it (an_summary_build);
 *   2. on the calling thread, in path order: put every summary into one
 *      AnIndex and finalize it, so cross-file facts cover all the files;
 *   3. in parallel: build each file's AnModel against the finalized index and
 *      hand it to the caller's visitor, then free the model and the Doc.
 *
 * Threads: the visitor runs on worker threads, concurrently for different
 * files, and must only write state belonging to its file (for example slot
 * `index` of an array). Everything it is given is borrowed for the call.
 *
 * Errors: files that cannot be read are reported on stderr in path order
 * ("hybridls: PATH: reason") and skipped.
 */
#ifndef HYBRIDLS_SERVER_PROJECT_H
#define HYBRIDLS_SERVER_PROJECT_H

#include <stddef.h>

#include "analysis/analysis.h"
#include "server/doc.h"

/* `index` is the file's position in ProjectOptions.paths. */
typedef void (*ProjectVisitFn)(void *ctx, size_t index, const char *path, const Doc *doc, const AnModel *model);

typedef struct ProjectOptions {
  const char *const *paths; /* files to analyse, in output order */
  size_t path_count;
  const char *const *roots; /* workspace roots for module names; may be empty */
  size_t root_count;
  const AnConfig *config;
  /* Per file (parallel to paths), its configuration (a file's
   * pyproject.toml); NULL, or a NULL element, means `config`. */
  const AnConfig *const *configs;
  unsigned jobs; /* worker threads; 0 means one per available core */
  ProjectVisitFn visit;
  void *ctx;
} ProjectOptions;

typedef struct ProjectStats {
  size_t files_read;   /* files analysed (visited) */
  size_t files_failed; /* files that could not be read */
} ProjectStats;

/* Runs the three phases. Returns 0, or -1 when the analysis cannot start at
 * all (grammar mismatch, out of memory in analysis/), after a message on
 * stderr. */
int project_run(const ProjectOptions *opt, ProjectStats *stats);

/* Worker threads to use for `jobs` (0: the number of online CPUs) and
 * `work` items: at least 1, at most `work`. */
unsigned project_thread_count(unsigned jobs, size_t work);

#endif
