/* Code actions and fix-all.
 *
 * For a range: every fix of every finding that overlaps it (a quickfix per
 * AnFix, its edits sorted), a quickfix adding the suppression comment for
 * each such finding, and the hybridization refactoring offered for the
 * function around the range's start (refactor.rewrite).
 *
 * Fix-all is exactly the safe fixes, taken whole in finding order; a fix
 * that overlaps an edit already taken waits for the next run (an edit
 * identical to one taken, such as the same import added by two fixes, is
 * shared instead). Suppressions and refactorings are never part of it.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/features.h"
#include "analysis/rules/rules.h"

typedef struct EditSlot {
  AnEdit e;
  uint32_t order;
} EditSlot;

static int actions__edit_cmp(const void *a, const void *b) {
  const EditSlot *x = a, *y = b;
  if (x->e.start != y->e.start) return x->e.start < y->e.start ? -1 : 1;
  if (x->e.end != y->e.end) return x->e.end < y->e.end ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* Sorted copy of `n` edits (stable for equal ranges). */
static AnEdit *actions__sorted(AnModel *m, const AnEdit *edits, uint32_t n) {
  EditSlot *slots = an_arena_alloc(&m->arena, sizeof *slots * (n ? n : 1));
  AnEdit *out = an_arena_alloc(&m->arena, sizeof *out * (n ? n : 1));
  if (!slots || !out) return NULL;
  for (uint32_t i = 0; i < n; i++) {
    slots[i].e = edits[i];
    slots[i].order = i;
  }
  if (n > 1) qsort(slots, n, sizeof *slots, actions__edit_cmp);
  for (uint32_t i = 0; i < n; i++) out[i] = slots[i].e;
  return out;
}

static bool actions__conflict(const AnEdit *a, const AnEdit *b) {
  bool ai = a->start == a->end, bi = b->start == b->end;
  if (ai && bi) return a->start == b->start;
  if (ai) return b->start < a->start && a->start < b->end;
  if (bi) return a->start < b->start && b->start < a->end;
  return a->start < b->end && b->start < a->end;
}

static bool actions__same(const AnEdit *a, const AnEdit *b) {
  return a->start == b->start && a->end == b->end && strcmp(a->text, b->text) == 0;
}

/* --- suppression ------------------------------------------------------------- */

/* True when a comment can be appended at `at` (the end of a line's code):
 * not inside a string that spans lines, not after a backslash. */
static bool actions__comment_ok(AnModel *m, uint32_t at) {
  if (at == 0 || m->src[at - 1] == '\\') return false;
  TSNode n = ts_node_descendant_for_byte_range(m->root, at - 1, at);
  for (; !ts_node_is_null(n); n = ts_node_parent(n)) {
    AnSym s = an_sym(m->lang, n);
    if ((s == AN_SYM_string || s == AN_SYM_concatenated_string) && ts_node_end_byte(n) > at) return false;
    if (s == AN_SYM_ERROR) return false;
  }
  return true;
}

/* The edit that suppresses `rule` on the line containing `pos`; false when
 * no comment can go there. */
static bool actions__suppress_edit(AnModel *m, AnRuleId rule, uint32_t pos, AnEdit *out) {
  const char *code = an_rule_info(rule)->code;
  uint32_t ls = an_line_start(m, pos), le = ls;
  while (le < m->len && m->src[le] != '\n') le++;
  for (uint32_t i = 0; i < m->comments.count; i++) {
    TSNode c = AN_VEC_AT(m->comments, TSNode, i);
    uint32_t cs = ts_node_start_byte(c), ce = ts_node_end_byte(c);
    if (cs < ls || cs > le) continue;
    const char *t = m->src + cs;
    uint32_t len = ce - cs;
    for (uint32_t k = 0; k + 16 <= len; k++) {
      if (memcmp(t + k, "hybridls: ignore", 16) != 0 || k + 16 >= len || t[k + 16] != '[') continue;
      const char *close = memchr(t + k + 17, ']', len - k - 17);
      if (!close) return false;
      uint32_t at = (uint32_t)(close - m->src);
      bool empty = close == t + k + 17;
      out->start = out->end = at;
      out->text = an_arena_printf(&m->arena, "%s%s", empty ? "" : ", ", code);
      return out->text != NULL;
    }
    /* Another comment: the directive goes at its end (one comment). */
    out->start = out->end = ce;
    out->text = an_arena_printf(&m->arena, "  # hybridls: ignore[%s]", code);
    return out->text != NULL;
  }
  uint32_t at = le;
  while (at > ls && (m->src[at - 1] == ' ' || m->src[at - 1] == '\t' || m->src[at - 1] == '\r')) at--;
  if (!actions__comment_ok(m, at)) return false;
  out->start = out->end = at;
  out->text = an_arena_printf(&m->arena, "  # hybridls: ignore[%s]", code);
  return out->text != NULL;
}

/* --- actions ------------------------------------------------------------------ */

static const char *actions__refactor_title(AnModel *m, AnRefactorAction a, const char *name) {
  switch (a) {
  case AN_REFACTOR_HYBRIDIZE:
    return an_arena_printf(&m->arena, "Hybridize '%s': add @%s", name, an_tf_function_name(m));
  case AN_REFACTOR_DEHYBRIDIZE: return an_arena_printf(&m->arena, "De-hybridize '%s': remove tf.function", name);
  case AN_REFACTOR_ADD_SIGNATURE: return an_arena_printf(&m->arena, "Add an input_signature to '%s'", name);
  case AN_REFACTOR_REPAIR_SIGNATURE: return an_arena_printf(&m->arena, "Repair the input_signature of '%s'", name);
  default: return NULL;
  }
}

/* Innermost def (not a lambda) whose definition, decorators included,
 * contains `pos`. */
static int actions__func_at(const AnModel *m, uint32_t pos) {
  int best = -1;
  for (uint32_t i = 0; i < m->funcs.count; i++) {
    const AnFunc *f = &AN_VEC_AT(m->funcs, AnFunc, i);
    if (f->is_lambda) continue;
    if (ts_node_start_byte(f->outer) <= pos && pos < ts_node_end_byte(f->outer)) best = (int)i;
  }
  return best;
}

const AnAction *an_model_actions(const AnModel *model, uint32_t start, uint32_t end, uint32_t *count) {
  AnModel *m = (AnModel *)model; /* actions are allocated in the model's arena */
  AnVec v = {0};
  uint32_t nf;
  const AnFinding *fs = an_model_findings(m, &nf);
  for (uint32_t i = 0; i < nf; i++) {
    const AnFinding *f = &fs[i];
    bool overlaps = start == end ? (f->start <= start && start <= f->end) : (f->start < end && start < f->end);
    if (!overlaps) continue;
    for (uint32_t k = 0; k < f->fix_count; k++) {
      const AnFix *fix = &f->fixes[k];
      AnAction *a = an_vec_push(&m->arena, &v, sizeof *a);
      if (!a) break;
      a->title = fix->title;
      a->kind = AN_ACTION_QUICKFIX;
      a->finding = f;
      a->safe = fix->safe;
      a->preferred = fix->safe && k == 0;
      a->edits = actions__sorted(m, fix->edits, fix->edit_count);
      a->edit_count = a->edits ? fix->edit_count : 0;
    }
    AnEdit e;
    bool ok = actions__suppress_edit(m, f->rule, f->start, &e);
    if (!ok && f->end > f->start) ok = actions__suppress_edit(m, f->rule, f->end - 1, &e);
    if (!ok) continue;
    AnEdit *edit = an_arena_alloc(&m->arena, sizeof *edit);
    AnAction *a = an_vec_push(&m->arena, &v, sizeof *a);
    if (!edit || !a) break;
    *edit = e;
    a->title = an_arena_printf(&m->arena, "Suppress %s on this line", an_rule_info(f->rule)->code);
    a->kind = AN_ACTION_QUICKFIX;
    a->finding = f;
    a->edits = edit;
    a->edit_count = 1;
  }
  int fi = actions__func_at(m, start);
  const AnFunctionInfo *info = fi >= 0 ? an_func_info(m, fi) : NULL;
  if (info && info->refactoring.action != AN_REFACTOR_NONE) {
    AnVec edits = {0};
    uint32_t n = an_refactor_edits(m, fi, info, &edits);
    AnAction *a = n ? an_vec_push(&m->arena, &v, sizeof *a) : NULL;
    if (a) {
      a->title = actions__refactor_title(m, info->refactoring.action, info->name);
      a->kind = AN_ACTION_REFACTOR_REWRITE;
      a->refactoring = info->refactoring.action;
      a->edits = actions__sorted(m, edits.items, n);
      a->edit_count = a->edits ? n : 0;
    }
  }
  *count = v.count;
  return v.items;
}

static const AnEdit *actions__fix_all(AnModel *m, uint32_t *count) {
  AnVec taken = {0};
  uint32_t nf;
  const AnFinding *fs = an_model_findings(m, &nf);
  for (uint32_t i = 0; i < nf; i++) {
    for (uint32_t k = 0; k < fs[i].fix_count; k++) {
      const AnFix *fix = &fs[i].fixes[k];
      if (!fix->safe || !fix->edit_count) continue;
      bool clash = false;
      for (uint32_t a = 0; a < fix->edit_count && !clash; a++) {
        for (uint32_t b = 0; b < taken.count && !clash; b++) {
          const AnEdit *t = &AN_VEC_AT(taken, AnEdit, b);
          if (!actions__same(&fix->edits[a], t) && actions__conflict(&fix->edits[a], t)) clash = true;
        }
        for (uint32_t b = 0; b < a && !clash; b++)
          if (actions__conflict(&fix->edits[a], &fix->edits[b])) clash = true;
      }
      if (clash) continue;
      for (uint32_t a = 0; a < fix->edit_count; a++) {
        bool dup = false;
        for (uint32_t b = 0; b < taken.count && !dup; b++) dup = actions__same(&fix->edits[a], &AN_VEC_AT(taken, AnEdit, b));
        if (dup) continue;
        AnEdit *e = an_vec_push(&m->arena, &taken, sizeof *e);
        if (e) *e = fix->edits[a];
      }
      break; /* one fix per finding */
    }
  }
  AnEdit *out = actions__sorted(m, taken.items, taken.count);
  *count = out ? taken.count : 0;
  return out;
}

const AnEdit *an_model_fix_all(const AnModel *model, uint32_t *count) {
  AnModel *m = (AnModel *)model; /* cached per version; a model is used by one thread */
  if (!m->fix_all_built) {
    m->fix_all = actions__fix_all(m, &m->fix_all_count);
    m->fix_all_built = true;
  }
  *count = m->fix_all_count;
  return m->fix_all;
}
