/* Findings: emission with the configured severity, related information,
 * fixes, suppression comments, and the final order.
 *
 * Suppressions: `# hybridls: ignore[HY201, HY202]` (or a bare
 * `# hybridls: ignore`) and `# noqa: HY201` on the first or last line of a
 * finding; `# hybridls: ignore-file[HY201]` anywhere silences the rule in the
 * whole file. A bare `# noqa` is for other linters and silences nothing here.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/model.h"

bool an_rule_enabled(const AnModel *m, AnRuleId rule) {
  return m->uses_tf && m->cfg->severity[rule] != AN_SEV_OFF;
}

/* Keras methods are graph code only when the model is compiled without
 * run_eagerly=True, which the analysis cannot always see, and a training
 * library's steps only under its default options or config: findings
 * there are reported one level lower. */
static AnSeverity findings__severity(const AnModel *m, AnRuleId rule, int func) {
  AnSeverity sev = m->cfg->severity[rule];
  if (func >= 0 && an_in_graph(m, func)) {
    int root = an_graph_root(m, func);
    AnRootKind kind = root >= 0 ? AN_VEC_AT(m->funcs, AnFunc, root).root : AN_ROOT_NONE;
    if ((kind == AN_ROOT_KERAS || kind == AN_ROOT_LOOP) && sev < AN_SEV_HINT)
      sev = (AnSeverity)(sev + 1);
  }
  return sev;
}

static AnFinding *findings__vemit(AnModel *m, AnRuleId rule, uint32_t start, uint32_t end, int func,
                                  const char *fmt, va_list ap) {
  if (!an_rule_enabled(m, rule)) return NULL;
  AnFinding *f = an_vec_push(&m->arena, &m->findings, sizeof *f);
  if (!f) return NULL;
  f->rule = rule;
  f->severity = findings__severity(m, rule, func);
  f->start = start;
  f->end = end;
  f->message = an_arena_vprintf(&m->arena, fmt, ap);
  if (!f->message) f->message = "";
  return f;
}

AnFinding *an_emit(AnModel *m, AnRuleId rule, uint32_t start, uint32_t end, int func, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  AnFinding *f = findings__vemit(m, rule, start, end, func, fmt, ap);
  va_end(ap);
  return f;
}

AnFinding *an_emit_node(AnModel *m, AnRuleId rule, TSNode node, int func, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  AnFinding *f = findings__vemit(m, rule, ts_node_start_byte(node), ts_node_end_byte(node), func, fmt, ap);
  va_end(ap);
  return f;
}

static AnRelated *findings__related_slot(AnModel *m, AnFinding *f) {
  AnRelated *r = an_arena_alloc(&m->arena, sizeof *r * (f->related_count + 1));
  if (!r) return NULL;
  if (f->related_count) memcpy(r, f->related, sizeof *r * f->related_count);
  f->related = r;
  return &r[f->related_count++];
}

void an_finding_related(AnModel *m, AnFinding *f, TSNode node, const char *fmt, ...) {
  if (!f) return;
  AnRelated *r = findings__related_slot(m, f);
  if (!r) return;
  r->start = ts_node_start_byte(node);
  r->end = ts_node_end_byte(node);
  TSPoint p = ts_node_start_point(node);
  r->line = p.row;
  r->column = p.column;
  va_list ap;
  va_start(ap, fmt);
  r->message = an_arena_vprintf(&m->arena, fmt, ap);
  va_end(ap);
}

void an_finding_related_ext(AnModel *m, AnFinding *f, const char *path, uint32_t start, uint32_t end,
                            uint32_t line, uint32_t column, const char *message) {
  if (!f) return;
  AnRelated *r = findings__related_slot(m, f);
  if (!r) return;
  r->path = path ? an_arena_strdup(&m->arena, path) : NULL;
  r->start = start;
  r->end = end;
  r->line = line;
  r->column = column;
  r->message = an_arena_strdup(&m->arena, message);
}

void an_finding_related_chain(AnModel *m, AnFinding *f, int func) {
  if (!f || !an_in_graph(m, func)) return;
  int root = an_graph_root(m, func);
  AnFunc *r = AN_FUNC(m, root);
  const char *why = r->root == AN_ROOT_HYBRID ? "tf.function that runs this code as a graph"
                    : r->root == AN_ROOT_DATA ? "tf.data transformation that traces this function"
                    : r->root == AN_ROOT_KERAS ? "Keras runs this method as a graph inside fit()"
                    : r->root == AN_ROOT_LOOP  ? an_arena_printf(&m->arena, "%s runs this step inside its tf.function",
                                                                 r->loop_owner)
                                               : "reached from graph code in another module";
  TSNode at = !ts_node_is_null(r->hybrid_site) ? r->hybrid_site
              : !ts_node_is_null(r->name_node) ? r->name_node
                                               : r->node;
  if (r->root == AN_ROOT_EXTERNAL && m->index) {
    /* The root lives in another file: point there. */
    const AnIndexFunction *x = an_index_external_root(m->index, m->module, r->qualname);
    if (x) {
      an_finding_related_ext(m, f, x->path, x->start, x->end, x->line, x->column,
                             an_arena_printf(&m->arena, "%s: runs this code as a graph (%s)", x->qualname,
                                             r->external_chain ? r->external_chain : r->qualname));
      return;
    }
  }
  if (root == func && r->root != AN_ROOT_HYBRID) return;
  an_finding_related(m, f, at, "%s: %s", r->qualname, why);
}

AnFix *an_finding_fix(AnModel *m, AnFinding *f, const char *title, bool safe) {
  if (!f) return NULL;
  AnFix *fixes = an_arena_alloc(&m->arena, sizeof *fixes * (f->fix_count + 1));
  if (!fixes) return NULL;
  if (f->fix_count) memcpy(fixes, f->fixes, sizeof *fixes * f->fix_count);
  f->fixes = fixes;
  AnFix *fx = &fixes[f->fix_count++];
  fx->title = an_arena_strdup(&m->arena, title);
  fx->safe = safe;
  return fx;
}

void an_fix_edit(AnModel *m, AnFix *fix, uint32_t start, uint32_t end, const char *text) {
  if (!fix) return;
  AnEdit *e = an_arena_alloc(&m->arena, sizeof *e * (fix->edit_count + 1));
  if (!e) return;
  if (fix->edit_count) memcpy(e, fix->edits, sizeof *e * fix->edit_count);
  e[fix->edit_count].start = start;
  e[fix->edit_count].end = end;
  e[fix->edit_count].text = an_arena_strdup(&m->arena, text);
  fix->edits = e;
  fix->edit_count++;
}

/* --- suppression --------------------------------------------------------- */

typedef struct Suppression {
  uint32_t line;
  bool file_wide;
  bool all; /* bare `# hybridls: ignore` */
  bool rules[AN_RULE_COUNT];
} Suppression;

/* Reads rule codes from `p` (up to `end`) into rules[]; returns how many. */
static int findings__codes(const char *p, const char *end, bool *rules) {
  int n = 0;
  while (p < end) {
    while (p < end && (*p == ' ' || *p == ',' || *p == '\t')) p++;
    const char *s = p;
    while (p < end && (isalnum((unsigned char)*p) || *p == '-' || *p == '_')) p++;
    if (p == s) break;
    char code[64];
    size_t len = (size_t)(p - s);
    if (len >= sizeof code) continue;
    memcpy(code, s, len);
    code[len] = '\0';
    int r = an_rule_lookup(code);
    if (r >= 0) {
      rules[r] = true;
      n++;
    }
  }
  return n;
}

static bool findings__parse(const char *text, uint32_t len, Suppression *s) {
  const char *end = text + len;
  const char *p = text;
  while ((p = memchr(p, 'h', (size_t)(end - p))) != NULL) {
    if ((size_t)(end - p) >= 9 && memcmp(p, "hybridls:", 9) == 0) break;
    p++;
  }
  if (p) {
    p += 9;
    while (p < end && *p == ' ') p++;
    bool file = (size_t)(end - p) >= 11 && memcmp(p, "ignore-file", 11) == 0;
    if (file || ((size_t)(end - p) >= 6 && memcmp(p, "ignore", 6) == 0)) {
      p += file ? 11 : 6;
      s->file_wide = file;
      if (p < end && *p == '[') {
        const char *close = memchr(p, ']', (size_t)(end - p));
        findings__codes(p + 1, close ? close : end, s->rules);
      } else {
        s->all = true;
      }
      return true;
    }
  }
  for (p = text; p + 5 <= end; p++) {
    if (memcmp(p, "noqa:", 5) == 0 || memcmp(p, "NOQA:", 5) == 0) return findings__codes(p + 5, end, s->rules) > 0;
  }
  return false;
}

static uint32_t findings__line_of(const uint32_t *starts, uint32_t n, uint32_t off) {
  uint32_t lo = 0, hi = n;
  while (hi - lo > 1) {
    uint32_t mid = (lo + hi) / 2;
    if (starts[mid] <= off)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

static bool findings__suppressed(const Suppression *sup, uint32_t nsup, const AnFinding *f, uint32_t first,
                                 uint32_t last) {
  for (uint32_t i = 0; i < nsup; i++) {
    const Suppression *s = &sup[i];
    bool match = s->all || s->rules[f->rule];
    if (!match) continue;
    if (s->file_wide || s->line == first || s->line == last) return true;
  }
  return false;
}

static void findings__apply_suppressions(AnModel *m) {
  uint32_t nc = m->comments.count;
  if (!nc || !m->findings.count) return;
  Suppression *sup = an_arena_alloc(&m->arena, sizeof *sup * nc);
  if (!sup) return;
  uint32_t nsup = 0;
  for (uint32_t i = 0; i < nc; i++) {
    TSNode c = AN_VEC_AT(m->comments, TSNode, i);
    uint32_t len;
    const char *t = an_text(m->src, c, &len);
    memset(&sup[nsup], 0, sizeof sup[nsup]);
    if (!findings__parse(t, len, &sup[nsup])) continue;
    sup[nsup].line = ts_node_start_point(c).row;
    nsup++;
  }
  if (!nsup) return;
  /* Line starts, only now that a suppression exists. */
  uint32_t nlines = 1;
  for (uint32_t i = 0; i < m->len; i++)
    if (m->src[i] == '\n') nlines++;
  uint32_t *starts = an_arena_alloc(&m->arena, sizeof *starts * nlines);
  if (!starts) return;
  uint32_t k = 1;
  for (uint32_t i = 0; i < m->len; i++)
    if (m->src[i] == '\n') starts[k++] = i + 1;
  uint32_t out = 0;
  for (uint32_t i = 0; i < m->findings.count; i++) {
    AnFinding *f = &AN_VEC_AT(m->findings, AnFinding, i);
    uint32_t first = findings__line_of(starts, nlines, f->start);
    uint32_t last = findings__line_of(starts, nlines, f->end > f->start ? f->end - 1 : f->end);
    if (findings__suppressed(sup, nsup, f, first, last)) continue;
    AN_VEC_AT(m->findings, AnFinding, out++) = *f;
  }
  m->findings.count = out;
}

static int findings__cmp(const void *a, const void *b) {
  const AnFinding *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  if (x->end != y->end) return x->end < y->end ? -1 : 1;
  if (x->rule != y->rule) return x->rule < y->rule ? -1 : 1;
  return 0;
}

void an_findings_finish(AnModel *m) {
  findings__apply_suppressions(m);
  if (m->findings.count > 1)
    qsort(m->findings.items, m->findings.count, sizeof(AnFinding), findings__cmp);
  /* The same rule on the same range once. */
  uint32_t out = 0;
  for (uint32_t i = 0; i < m->findings.count; i++) {
    AnFinding *f = &AN_VEC_AT(m->findings, AnFinding, i);
    if (out) {
      AnFinding *prev = &AN_VEC_AT(m->findings, AnFinding, out - 1);
      if (prev->rule == f->rule && prev->start == f->start && prev->end == f->end) continue;
    }
    AN_VEC_AT(m->findings, AnFinding, out++) = *f;
  }
  m->findings.count = out;
}
