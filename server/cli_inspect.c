/* server/cli_inspect — `hybridls inspect`: the graph-mode map of a project,
 * one entry per function with the facts the analysis knows about it (which
 * functions run as graphs and why, parameter kinds, side effects, eager-only
 * calls). The same files, index and models as `check`; only the visitor
 * differs. The JSON shape is the one issue 3 specifies and is stable.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "server/alloc.h"
#include "server/cli.h"
#include "server/fswalk.h"
#include "server/output.h"
#include "server/project.h"
#include "server/pyproject.h"

static const char inspect__usage[] = "usage: hybridls inspect [--format text|json] [--jobs N] PATH...\n";

static const char inspect__help[] =
    "\n"
    "Prints, for every function of the given files and directories (walked as\n"
    "`hybridls check` walks them), whether it runs in graph mode and why: the\n"
    "chain from its tf.function root, AutoGraph, parameter kinds, side effects,\n"
    "tensor computation, recursion and eager-only calls. Facts are true, false\n"
    "or unknown (null in JSON) when there is no evidence either way.\n"
    "Each function also shows the hybridization refactoring offered for it\n"
    "(hybridize, dehybridize, add_input_signature, repair_input_signature or\n"
    "none) and, when none is offered, the preconditions that failed.\n"
    "\n"
    "Each file is configured by [tool.hybridls] in the nearest pyproject.toml\n"
    "above it, as in `hybridls check`: files matching its exclude patterns are\n"
    "skipped (and not indexed), and `keras` decides whether Keras methods count\n"
    "as graph code.\n"
    "\n"
    "options:\n"
    "  --format FORMAT  text (default) or json (one object per file)\n"
    "  --jobs N         analyse with N threads (default: one per core)\n"
    "  -h, --help       show this help\n";

__attribute__((format(printf, 1, 2))) static int inspect__usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("hybridls: ", stderr);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  fputs(inspect__usage, stderr);
  return 2;
}

static const char *inspect__via(AnHybridVia via) {
  switch (via) {
  case AN_VIA_DECORATOR: return "decorator";
  case AN_VIA_CALL: return "call";
  case AN_VIA_KERAS: return "keras";
  default: return NULL;
  }
}

static void inspect__tri(JsonW *w, AnTri t) {
  if (t == AN_NULL)
    jw_null(w);
  else
    jw_bool(w, t == AN_TRUE);
}

static const char *inspect__tri_word(AnTri t) {
  return t == AN_TRUE ? "yes" : t == AN_FALSE ? "no" : "unknown";
}

static void inspect__json(OutBuf *chunk, const char *path, const AnFunctionInfo *fns, uint32_t count) {
  JsonW w;
  jw_init_elements(&w, chunk, 1);
  jw_object_begin(&w);
  jw_key(&w, "path"), jw_string(&w, path);
  jw_key(&w, "functions");
  jw_array_begin(&w);
  for (uint32_t i = 0; i < count; i++) {
    const AnFunctionInfo *f = &fns[i];
    jw_object_begin(&w);
    jw_key(&w, "name"), jw_string(&w, f->name);
    jw_key(&w, "line"), jw_uint(&w, f->line);
    jw_key(&w, "end_line"), jw_uint(&w, f->end_line);
    jw_key(&w, "hybrid"), jw_bool(&w, f->hybrid);
    jw_key(&w, "hybrid_via"), jw_string(&w, inspect__via(f->hybrid_via));
    jw_key(&w, "graph_mode"), jw_bool(&w, f->graph_mode);
    jw_key(&w, "graph_chain");
    jw_array_begin(&w);
    for (uint32_t k = 0; k < f->graph_chain_len; k++) jw_string(&w, f->graph_chain[k]);
    jw_array_end(&w);
    jw_key(&w, "autograph"), jw_bool(&w, f->autograph);
    jw_key(&w, "parameters");
    jw_array_begin(&w);
    for (uint32_t k = 0; k < f->param_count; k++) {
      jw_object_begin(&w);
      jw_key(&w, "name"), jw_string(&w, f->params[k].name);
      jw_key(&w, "kind"), jw_string(&w, an_kind_name(f->params[k].kind));
      jw_object_end(&w);
    }
    jw_array_end(&w);
    jw_key(&w, "has_tensor_parameter"), inspect__tri(&w, f->has_tensor_parameter);
    jw_key(&w, "has_primitive_parameter"), inspect__tri(&w, f->has_primitive_parameter);
    jw_key(&w, "has_python_side_effects"), inspect__tri(&w, f->has_python_side_effects);
    jw_key(&w, "has_tensor_computation"), inspect__tri(&w, f->has_tensor_computation);
    jw_key(&w, "is_recursive"), inspect__tri(&w, f->is_recursive);
    jw_key(&w, "eager_only_calls");
    jw_array_begin(&w);
    for (uint32_t k = 0; k < f->eager_only_call_count; k++) {
      jw_object_begin(&w);
      jw_key(&w, "line"), jw_uint(&w, f->eager_only_calls[k].line);
      jw_key(&w, "text"), jw_string(&w, f->eager_only_calls[k].text);
      jw_object_end(&w);
    }
    jw_array_end(&w);
    const AnRefactoring *r = &f->refactoring;
    jw_key(&w, "refactoring");
    jw_object_begin(&w);
    jw_key(&w, "action"), jw_string(&w, an_refactor_name(r->action));
    jw_key(&w, "failed_preconditions");
    jw_array_begin(&w);
    for (uint32_t k = 0; k < r->failed_count; k++) jw_string(&w, r->failed_preconditions[k]);
    jw_array_end(&w);
    jw_key(&w, "input_signature"), jw_string(&w, r->input_signature);
    jw_object_end(&w);
    jw_object_end(&w);
  }
  jw_array_end(&w);
  jw_object_end(&w);
}

/* Source text on one line: line breaks and tabs become single spaces. */
static void inspect__one_line(OutBuf *b, const char *s) {
  bool space = false;
  for (; *s; s++) {
    if (*s == '\n' || *s == '\r' || *s == '\t') {
      space = true;
      continue;
    }
    if (space) {
      outbuf_putc(b, ' ');
      space = false;
    }
    outbuf_putc(b, *s);
  }
}

static void inspect__text(OutBuf *b, const char *path, const AnFunctionInfo *fns, uint32_t count) {
  if (count == 0) {
    outbuf_printf(b, "%s: no functions\n\n", path);
    return;
  }
  for (uint32_t i = 0; i < count; i++) {
    const AnFunctionInfo *f = &fns[i];
    outbuf_printf(b, "%s:%u: %s  ", path, f->line, f->name);
    if (f->graph_mode) {
      outbuf_puts(b, "graph (");
      const char *via = inspect__via(f->hybrid_via);
      if (f->hybrid) outbuf_printf(b, "via %s", via ? via : "tf.function");
      if (f->graph_chain_len > 1 || !f->hybrid) {
        outbuf_puts(b, f->hybrid ? "; chain: " : "chain: ");
        for (uint32_t k = 0; k < f->graph_chain_len; k++) {
          if (k) outbuf_puts(b, " -> ");
          outbuf_puts(b, f->graph_chain[k]);
        }
      }
      outbuf_printf(b, ")  autograph %s\n", f->autograph ? "on" : "off");
    } else {
      outbuf_puts(b, "eager\n");
    }
    outbuf_puts(b, "    parameters: ");
    if (f->param_count == 0) outbuf_puts(b, "none");
    for (uint32_t k = 0; k < f->param_count; k++)
      outbuf_printf(b, "%s%s (%s)", k ? ", " : "", f->params[k].name, an_kind_name(f->params[k].kind));
    outbuf_putc(b, '\n');
    outbuf_printf(b,
                  "    tensor parameter: %s, primitive parameter: %s, python side effects: %s, "
                  "tensor computation: %s, recursive: %s\n",
                  inspect__tri_word(f->has_tensor_parameter), inspect__tri_word(f->has_primitive_parameter),
                  inspect__tri_word(f->has_python_side_effects), inspect__tri_word(f->has_tensor_computation),
                  inspect__tri_word(f->is_recursive));
    for (uint32_t k = 0; k < f->eager_only_call_count; k++) {
      outbuf_printf(b, "    eager-only call, line %u: ", f->eager_only_calls[k].line);
      inspect__one_line(b, f->eager_only_calls[k].text);
      outbuf_putc(b, '\n');
    }
    const AnRefactoring *r = &f->refactoring;
    outbuf_printf(b, "    refactoring: %s", an_refactor_name(r->action));
    if (r->input_signature) {
      outbuf_puts(b, ", input_signature=");
      inspect__one_line(b, r->input_signature);
    }
    outbuf_putc(b, '\n');
    for (uint32_t k = 0; k < r->failed_count; k++) {
      outbuf_printf(b, "      failed precondition %s: ", r->failed_preconditions[k]);
      inspect__one_line(b, r->failed_reasons[k]);
      outbuf_putc(b, '\n');
    }
    outbuf_putc(b, '\n');
  }
}

typedef struct InspectCtx {
  bool json;
  OutBuf *chunks;
} InspectCtx;

static void inspect__visit(void *ctx, size_t index, const char *path, const Doc *doc, const AnModel *model) {
  InspectCtx *c = ctx;
  (void)doc;
  uint32_t count;
  const AnFunctionInfo *fns = an_model_functions(model, &count);
  if (c->json)
    inspect__json(&c->chunks[index], path, fns, count);
  else
    inspect__text(&c->chunks[index], path, fns, count);
}

int cli_inspect_main(int argc, char **argv) {
  bool json = false;
  unsigned jobs = 0;
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
      fputs(inspect__usage, stdout);
      fputs(inspect__help, stdout);
      rc = 0;
      goto cleanup;
    }
    const char *value = NULL;
    int is_format = cli_option_value(argc, argv, &i, "--format", &value);
    int is_jobs = is_format ? 0 : cli_option_value(argc, argv, &i, "--jobs", &value);
    if (is_format < 0 || is_jobs < 0) {
      rc = inspect__usage_error("option %s needs a value", a);
      goto cleanup;
    }
    if (!is_format && !is_jobs) {
      rc = inspect__usage_error("unknown option '%s'", a);
      goto cleanup;
    }
    if (is_format) {
      if (strcmp(value, "json") == 0) {
        json = true;
      } else if (strcmp(value, "text") == 0) {
        json = false;
      } else {
        rc = inspect__usage_error("unknown format '%s' (expected text or json)", value);
        goto cleanup;
      }
    } else if (!cli_parse_jobs(value, &jobs)) {
      rc = inspect__usage_error("--jobs needs a number from 1 to 1024, not '%s'", value);
      goto cleanup;
    }
  }
  if (path_count == 0) {
    fputs("hybridls: no PATH given\n", stderr);
    fputs(inspect__usage, stderr);
    goto cleanup;
  }

  AnConfig cfg;
  an_config_init(&cfg);
  FsWalk walk;
  fswalk_init(&walk);
  fswalk_run(&walk, paths, path_count);
  /* The same configuration as `check` gives each file, so the graph-mode
   * map and the findings it explains agree. */
  PyprojectPlan *plan = pyproject_plan_new(walk.files, &walk.file_count, NULL, NULL);
  size_t n = walk.file_count;
  InspectCtx ctx = {json, hl_calloc(n ? n : 1, sizeof(OutBuf))};
  ProjectOptions opt = {
      .paths = (const char *const *)walk.files,
      .path_count = n,
      .roots = (const char *const *)walk.roots,
      .root_count = walk.root_count,
      .config = &cfg,
      .configs = pyproject_plan_configs(plan),
      .jobs = jobs,
      .visit = inspect__visit,
      .ctx = &ctx,
  };
  ProjectStats stats;
  if (project_run(&opt, &stats) == 0) {
    OutBuf out;
    JsonW w;
    int wrc = 0;
    outbuf_init(&out);
    jw_init(&w, &out);
    if (json) jw_array_begin(&w);
    for (size_t i = 0; i < n; i++) {
      if (json)
        jw_splice(&w, ctx.chunks[i].data, ctx.chunks[i].len);
      else
        outbuf_put(&out, ctx.chunks[i].data, ctx.chunks[i].len);
      if (out.len >= (1u << 20)) {
        /* Keep the last byte: the text format trims a final blank line. */
        char last = out.data[out.len - 1];
        out.len--;
        if (outbuf_write(&out, stdout) != 0) wrc = -1;
        out.len = 0;
        outbuf_putc(&out, last);
      }
    }
    if (json) {
      jw_array_end(&w);
      outbuf_putc(&out, '\n');
    } else if (out.len > 0 && out.data[out.len - 1] == '\n') {
      out.len--; /* blocks are separated, not followed, by a blank line */
    }
    if (outbuf_write(&out, stdout) != 0 || fflush(stdout) != 0) wrc = -1;
    outbuf_deinit(&out);
    if (wrc != 0) fputs("hybridls: cannot write the report to stdout\n", stderr);
    rc = wrc != 0 || walk.errors > 0 || stats.files_failed > 0 ? 2 : 0;
  }
  for (size_t i = 0; i < n; i++) outbuf_deinit(&ctx.chunks[i]);
  hl_free(ctx.chunks);
  pyproject_plan_free(plan);
  fswalk_deinit(&walk);

cleanup:
  hl_free(paths);
  return rc;
}
