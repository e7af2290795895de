/* server/cli_check — `hybridls check`: the batch checker for CI and
 * pre-commit. It walks the paths (fswalk), analyses every file with the
 * server's document and analysis code against one index of all of them
 * (project), and prints the findings in path order (output).
 *
 * Each worker formats its own file's findings into a chunk, so formatting is
 * parallel too; the main thread only concatenates the chunks in order.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "analysis/analysis.h"
#include "server/alloc.h"
#include "server/cli.h"
#include "server/fixwrite.h"
#include "server/fswalk.h"
#include "server/output.h"
#include "server/project.h"
#include "server/pyproject.h"

static const char check__usage[] =
    "usage: hybridls check [--format text|json|sarif|github] [--select IDS] [--ignore IDS]\n"
    "                      [--exit-zero] [--jobs N] [--no-color] [--fix | --diff] PATH...\n";

static const char check__help[] =
    "\n"
    "Reports what the rules find in the given files and directories. Directories\n"
    "are walked recursively for *.py and *.pyi files, skipping .git, node_modules,\n"
    "__pycache__, .venv, venv, .tox, .mypy_cache, site-packages and virtual\n"
    "environments (directories holding a pyvenv.cfg); files named on the command\n"
    "line are checked whatever their extension. All files are indexed together,\n"
    "so facts cross module boundaries as they do in the language server.\n"
    "\n"
    "Each file is configured by [tool.hybridls] in the nearest pyproject.toml\n"
    "above it (select, ignore, severity, exclude, keras); files matching its\n"
    "exclude patterns are skipped, and --select and --ignore replace its lists.\n"
    "A problem in a pyproject.toml is reported on stderr, once per file; the\n"
    "keys in error keep their defaults and the exit status is unchanged.\n"
    "\n"
    "options:\n"
    "  --format FORMAT  text (default): path:line:col: CODE [severity] message;\n"
    "                   json: an array of findings; sarif: SARIF 2.1.0;\n"
    "                   github: GitHub Actions workflow annotations\n"
    "  --select IDS     report only these rules: comma-separated codes (HY201),\n"
    "                   names (print-at-trace-time) or code prefixes (HY2)\n"
    "  --ignore IDS     never report these rules (same syntax; wins over --select)\n"
    "  --exit-zero      exit 0 even when warnings or errors are reported\n"
    "  --fix            apply the safe fixes (the language server's fix-all set) to\n"
    "                   the files, then report the findings that remain; each\n"
    "                   file is replaced atomically with its permissions kept, and\n"
    "                   a file that changed meanwhile is left alone (exit 2)\n"
    "  --diff           print the safe fixes as a unified diff instead of writing\n"
    "                   them, and nothing else; exit 1 when there is something to\n"
    "                   fix, 0 when not, 2 on errors\n"
    "  --jobs N         analyse with N threads (default: one per core)\n"
    "  --no-color       no colours in text output (also when NO_COLOR is set or\n"
    "                   stdout is not a terminal)\n"
    "  -h, --help       show this help\n"
    "\n"
    "Lines and columns are 1-based; columns count Unicode code points.\n"
    "\n"
    "exit status:\n"
    "  0  no finding of severity warning or error\n"
    "  1  at least one warning or error; info and hint findings are printed\n"
    "     but do not fail the run\n"
    "  2  usage error, or a path that could not be read\n";

__attribute__((format(printf, 1, 2))) static int check__usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("hybridls: ", stderr);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  fputs(check__usage, stderr);
  return 2;
}

/* Marks the rules named by a comma-separated list. A token is a code
 * (case-insensitive), a name, or a code prefix such as "HY2". Returns NULL,
 * or the first token that names no rule (in `bad`, at most bad_size-1
 * bytes). */
static const char *check__parse_ids(const char *list, bool *mark, char *bad, size_t bad_size) {
  const char *p = list;
  while (*p) {
    const char *end = strchr(p, ',');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    char tok[128];
    if (n >= sizeof tok) n = sizeof tok - 1;
    memcpy(tok, p, n);
    tok[n] = '\0';
    p += end ? (size_t)(end - p) + 1 : strlen(p);
    if (n == 0) continue;
    int id = an_rule_lookup(tok);
    if (id >= 0) {
      mark[id] = true;
      continue;
    }
    bool prefix = n >= 2 && strncasecmp(tok, "HY", 2) == 0 && strspn(tok + 2, "0123456789") == n - 2;
    bool any = false;
    for (int i = 0; prefix && i < AN_RULE_COUNT; i++) {
      if (strncasecmp(an_rule_info((AnRuleId)i)->code, tok, n) == 0) {
        mark[i] = true;
        any = true;
      }
    }
    if (!any) {
      snprintf(bad, bad_size, "%s", tok);
      return bad;
    }
  }
  return NULL;
}

typedef struct CheckCtx {
  OutFormat fmt;
  bool color;
  OutBuf *chunks;     /* one per file */
  OutCounts *counts;  /* one per file */
} CheckCtx;

static void check__visit(void *ctx, size_t index, const char *path, const Doc *doc, const AnModel *model) {
  CheckCtx *c = ctx;
  uint32_t count;
  const AnFinding *findings = an_model_findings(model, &count);
  if (count == 0) return;
  uint32_t len;
  const char *text = doc_text(doc, &len);
  OutFile file = {path, text, len, doc_lines(doc)};
  output_findings_chunk(&c->chunks[index], c->fmt, &file, findings, count, c->color, &c->counts[index]);
}

/* Writes `out` to stdout when it is large or at the end; returns -1 on a
 * write error. */
static int check__flush(OutBuf *out, bool force) {
  if (!force && out->len < (1u << 20)) return 0;
  int rc = outbuf_write(out, stdout);
  out->len = 0;
  return rc;
}

int cli_check_main(int argc, char **argv) {
  OutFormat fmt = OUT_TEXT;
  bool exit_zero = false, no_color = false, any_select = false, fix = false, diff = false;
  unsigned jobs = 0;
  bool selected[AN_RULE_COUNT] = {false};
  bool ignored[AN_RULE_COUNT] = {false};
  bool any_ignore = false;
  char bad[128];
  char **paths = hl_calloc((size_t)argc + 1, sizeof *paths);
  size_t path_count = 0;
  int rc = 2;

  bool options_done = false;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (options_done || a[0] != '-' || strcmp(a, "-") == 0) {
      paths[path_count++] = argv[i];
      continue;
    }
    if (strcmp(a, "--") == 0) {
      options_done = true;
      continue;
    }
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(check__usage, stdout);
      fputs(check__help, stdout);
      rc = 0;
      goto cleanup;
    }
    if (strcmp(a, "--fix") == 0 || strcmp(a, "--diff") == 0) {
      if (a[2] == 'f') fix = true;
      else diff = true;
      if (fix && diff) {
        rc = check__usage_error("%s", "--fix and --diff cannot be combined");
        goto cleanup;
      }
      continue;
    }
    if (strcmp(a, "--exit-zero") == 0) {
      exit_zero = true;
      continue;
    }
    if (strcmp(a, "--no-color") == 0) {
      no_color = true;
      continue;
    }
    /* Options with a value: "--opt VALUE" or "--opt=VALUE". */
    static const char *const valued[] = {"--format", "--select", "--ignore", "--jobs"};
    const char *value = NULL;
    int which = -1;
    for (int k = 0; k < 4 && which < 0; k++) {
      int got = cli_option_value(argc, argv, &i, valued[k], &value);
      if (got < 0) {
        rc = check__usage_error("option %s needs a value", a);
        goto cleanup;
      }
      if (got) which = k;
    }
    if (which < 0) {
      rc = check__usage_error("unknown option '%s'", a);
      goto cleanup;
    }
    if (which == 0) {
      int f = output_format_parse(value);
      if (f < 0) {
        rc = check__usage_error("unknown format '%s' (expected text, json, sarif or github)", value);
        goto cleanup;
      }
      fmt = (OutFormat)f;
    } else if (which == 1 || which == 2) {
      if (check__parse_ids(value, which == 1 ? selected : ignored, bad, sizeof bad)) {
        rc = check__usage_error("unknown rule '%s' in %s", bad, which == 1 ? "--select" : "--ignore");
        goto cleanup;
      }
      if (which == 1) any_select = true;
      if (which == 2) any_ignore = true;
    } else if (!cli_parse_jobs(value, &jobs)) {
      rc = check__usage_error("--jobs needs a number from 1 to 1024, not '%s'", value);
      goto cleanup;
    }
  }
  if (path_count == 0) {
    rc = check__usage_error("%s", "no PATH given");
    goto cleanup;
  }

  AnConfig cfg;
  an_config_init(&cfg);
  for (int r = 0; r < AN_RULE_COUNT; r++)
    if ((any_select && !selected[r]) || ignored[r]) cfg.severity[r] = AN_SEV_OFF;

  const char *no_color_env = getenv("NO_COLOR");
  bool color = fmt == OUT_TEXT && !no_color && (!no_color_env || !no_color_env[0]) && isatty(STDOUT_FILENO);

  FsWalk walk;
  fswalk_init(&walk);
  fswalk_run(&walk, paths, path_count);
  /* pyproject.toml: drops the excluded files and gives each file its rules;
   * --select and --ignore replace the file's lists. */
  PyprojectPlan *plan = pyproject_plan_new(walk.files, &walk.file_count, any_select ? selected : NULL,
                                           any_ignore ? ignored : NULL);
  int fix_rc = 0;
  if (fix || diff) {
    fix_rc = fixwrite_run(&walk, &cfg, pyproject_plan_configs(plan), jobs, diff ? FIXWRITE_DIFF : FIXWRITE_WRITE);
    if (diff) {
      rc = fix_rc;
      pyproject_plan_free(plan);
      fswalk_deinit(&walk);
      goto cleanup;
    }
  }

  CheckCtx ctx = {fmt, color, NULL, NULL};
  size_t n = walk.file_count;
  ctx.chunks = hl_calloc(n ? n : 1, sizeof *ctx.chunks);
  ctx.counts = hl_calloc(n ? n : 1, sizeof *ctx.counts);
  ProjectOptions opt = {
      .paths = (const char *const *)walk.files,
      .path_count = n,
      .roots = (const char *const *)walk.roots,
      .root_count = walk.root_count,
      .config = &cfg,
      .configs = pyproject_plan_configs(plan),
      .jobs = jobs,
      .visit = check__visit,
      .ctx = &ctx,
  };
  ProjectStats stats;
  int prc = project_run(&opt, &stats);
  if (prc == 0) {
    OutBuf out;
    OutDoc doc;
    OutCounts totals = {{0}};
    int wrc = 0;
    outbuf_init(&out);
    output_begin(&doc, &out, fmt, color);
    for (size_t i = 0; i < n; i++) {
      output_chunk(&doc, &out, &ctx.chunks[i]);
      for (int s = 0; s <= AN_SEV_HINT; s++) totals.by_severity[s] += ctx.counts[i].by_severity[s];
      if (check__flush(&out, false) != 0) wrc = -1;
    }
    bool io_error = walk.errors > 0 || stats.files_failed > 0;
    uint64_t total = totals.by_severity[AN_SEV_ERROR] + totals.by_severity[AN_SEV_WARNING] +
                     totals.by_severity[AN_SEV_INFO] + totals.by_severity[AN_SEV_HINT];
    /* "All checks passed" would be misleading when a path was unreadable. */
    if (!(fmt == OUT_TEXT && io_error && total == 0)) output_end(&doc, &out, &totals, stats.files_read);
    if (check__flush(&out, true) != 0 || fflush(stdout) != 0) wrc = -1;
    outbuf_deinit(&out);
    if (wrc != 0) {
      fputs("hybridls: cannot write the report to stdout\n", stderr);
      rc = 2;
    } else if (io_error) {
      rc = 2;
    } else {
      bool failing = totals.by_severity[AN_SEV_ERROR] + totals.by_severity[AN_SEV_WARNING] > 0;
      rc = failing && !exit_zero ? 1 : 0;
    }
  }
  /* A file --fix had to leave alone fails the run, whatever remains. */
  if (fix_rc == 2) rc = 2;
  for (size_t i = 0; i < n; i++) outbuf_deinit(&ctx.chunks[i]);
  hl_free(ctx.chunks);
  hl_free(ctx.counts);
  pyproject_plan_free(plan);
  fswalk_deinit(&walk);

cleanup:
  hl_free(paths);
  return rc;
}
