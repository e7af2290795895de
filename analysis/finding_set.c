/* analysis/finding_set — findings that outlive their model and follow the
 * text through edits that cannot change them (an_inert_span).
 *
 * A set owns one arena holding the findings and everything they point to.
 * Moving a set copies it through an offset map rather than editing it in
 * place, so a refused move leaves the old set intact for a full analysis to
 * replace.
 */
#include <string.h>

#include "analysis/alloc.h"
#include "analysis/analysis.h"
#include "analysis/arena.h"

struct AnFindingSet {
  AnArena arena;
  AnFinding *items;
  uint32_t count;
};

/* Bytes [pre, old_end) of the old text became [pre, new_end); offsets of
 * this file at or past old_end move by the growth. */
typedef struct SetMap {
  uint32_t pre, old_end, new_end;
  int32_t rows;
  uint32_t guard_start, guard_end;
} SetMap;

/* Maps a range; false when an end lies strictly inside the replaced bytes
 * or the result touches the guard. */
static bool set__range(const SetMap *map, uint32_t *start, uint32_t *end) {
  if (!map) return true;
  uint32_t r[2] = {*start, *end};
  for (int i = 0; i < 2; i++) {
    if (r[i] <= map->pre) continue;
    if (r[i] < map->old_end) return false;
    r[i] = r[i] - map->old_end + map->new_end;
  }
  if (r[0] <= map->guard_end && r[1] >= map->guard_start) return false;
  *start = r[0];
  *end = r[1];
  return true;
}

/* Messages that cite a line ("runs repeatedly (line 26)") go stale when
 * lines move: such a finding cannot be moved across a change that adds or
 * removes lines, wherever it sits. */
static bool set__cites_line(const char *msg) {
  for (const char *p = msg; p && (p = strstr(p, "line ")) != NULL; p += 5)
    if (p[5] >= '0' && p[5] <= '9') return true;
  return false;
}

static bool set__related(AnFindingSet *s, const SetMap *map, const AnFinding *from, AnFinding *to) {
  if (!from->related_count) return true;
  AnRelated *rel = an_arena_alloc(&s->arena, sizeof *rel * from->related_count);
  if (!rel) return false;
  for (uint32_t i = 0; i < from->related_count; i++) {
    rel[i] = from->related[i];
    rel[i].message = from->related[i].message ? an_arena_strdup(&s->arena, from->related[i].message) : NULL;
    if (map && map->rows && set__cites_line(rel[i].message)) return false;
    if (from->related[i].path) {
      rel[i].path = an_arena_strdup(&s->arena, from->related[i].path);
      continue;
    }
    if (!set__range(map, &rel[i].start, &rel[i].end)) return false;
    /* After the change and past the guard, so on a later line than the
     * change: the same column. */
    if (map && from->related[i].start > map->pre) rel[i].line = (uint32_t)((int64_t)rel[i].line + map->rows);
  }
  to->related = rel;
  return !s->arena.failed;
}

static bool set__fixes(AnFindingSet *s, const SetMap *map, const AnFinding *from, AnFinding *to) {
  if (!from->fix_count) return true;
  AnFix *fixes = an_arena_alloc(&s->arena, sizeof *fixes * from->fix_count);
  if (!fixes) return false;
  for (uint32_t i = 0; i < from->fix_count; i++) {
    const AnFix *f = &from->fixes[i];
    AnEdit *edits = f->edit_count ? an_arena_alloc(&s->arena, sizeof *edits * f->edit_count) : NULL;
    if (f->edit_count && !edits) return false;
    for (uint32_t k = 0; k < f->edit_count; k++) {
      edits[k].start = f->edits[k].start;
      edits[k].end = f->edits[k].end;
      edits[k].text = an_arena_strdup(&s->arena, f->edits[k].text ? f->edits[k].text : "");
      if (!set__range(map, &edits[k].start, &edits[k].end)) return false;
    }
    fixes[i] = (AnFix){an_arena_strdup(&s->arena, f->title ? f->title : ""), f->safe, edits, f->edit_count};
  }
  to->fixes = fixes;
  return !s->arena.failed;
}

static AnFindingSet *set__copy(const AnFinding *items, uint32_t count, const SetMap *map) {
  AnFindingSet *s = an_malloc(sizeof *s);
  if (!s) return NULL;
  an_arena_init(&s->arena, 16384);
  s->count = count;
  s->items = count ? an_arena_alloc(&s->arena, sizeof *s->items * count) : NULL;
  bool ok = !count || s->items;
  for (uint32_t i = 0; ok && i < count; i++) {
    AnFinding *to = &s->items[i];
    *to = items[i];
    to->message = an_arena_strdup(&s->arena, items[i].message ? items[i].message : "");
    ok = !(map && map->rows && set__cites_line(to->message)) && set__range(map, &to->start, &to->end) &&
         set__related(s, map, &items[i], to) &&
         set__fixes(s, map, &items[i], to) && !s->arena.failed;
  }
  if (!ok) {
    an_finding_set_free(s);
    return NULL;
  }
  return s;
}

AnFindingSet *an_finding_set_new(const AnFinding *findings, uint32_t count) {
  return set__copy(findings, count, NULL);
}

void an_finding_set_free(AnFindingSet *set) {
  if (!set) return;
  an_arena_free(&set->arena);
  an_free(set);
}

const AnFinding *an_finding_set_items(const AnFindingSet *set, uint32_t *count) {
  *count = set ? set->count : 0;
  return set ? set->items : NULL;
}

AnFindingSet *an_finding_set_moved(const AnFindingSet *set, uint32_t pre, uint32_t old_end, uint32_t new_end,
                                   int32_t rows, uint32_t guard_start, uint32_t guard_end) {
  if (!set || old_end < pre || new_end < pre) return NULL;
  SetMap map = {pre, old_end, new_end, rows, guard_start, guard_end};
  return set__copy(set->items, set->count, &map);
}
