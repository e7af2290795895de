#include <string.h>

#include "analysis/hash.h"

static uint32_t hash__of(int scope, const char *name, uint32_t len) {
  uint32_t h = 2166136261u ^ (uint32_t)scope * 16777619u;
  for (uint32_t i = 0; i < len; i++) h = (h ^ (uint8_t)name[i]) * 16777619u;
  return h;
}

static AnHashSlot *hash__find(const AnHash *h, int scope, const char *name, uint32_t len) {
  if (!h->cap) return NULL;
  uint32_t mask = h->cap - 1, i = hash__of(scope, name, len) & mask;
  for (;;) {
    AnHashSlot *s = &h->slots[i];
    if (!s->name) return s;
    if (s->scope == scope && s->name_len == len && memcmp(s->name, name, len) == 0) return s;
    i = (i + 1) & mask;
  }
}

int an_hash_get(const AnHash *h, int scope, const char *name, uint32_t len) {
  AnHashSlot *s = hash__find(h, scope, name, len);
  return s && s->name ? s->value : -1;
}

static int hash__grow(AnArena *a, AnHash *h) {
  uint32_t cap = h->cap ? h->cap * 2 : 64;
  AnHashSlot *slots = an_arena_alloc(a, sizeof *slots * cap);
  if (!slots) return -1;
  AnHash bigger = {slots, cap, 0};
  for (uint32_t i = 0; i < h->cap; i++) {
    AnHashSlot *s = &h->slots[i];
    if (!s->name) continue;
    *hash__find(&bigger, s->scope, s->name, s->name_len) = *s;
    bigger.count++;
  }
  *h = bigger;
  return 0;
}

int an_hash_put(AnArena *a, AnHash *h, int scope, const char *name, uint32_t len, int value) {
  if ((h->count + 1) * 4 > h->cap * 3 && hash__grow(a, h) != 0) return -1;
  AnHashSlot *s = hash__find(h, scope, name, len);
  if (s->name) {
    int old = s->value;
    s->value = value;
    return old;
  }
  s->name = name;
  s->name_len = len;
  s->scope = scope;
  s->value = value;
  h->count++;
  return -1;
}
