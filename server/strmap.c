/* server/strmap — string-keyed chained hash map (see strmap.h). */
#include <stdint.h>
#include <string.h>

#include "server/alloc.h"
#include "server/strmap.h"

#define STRMAP__MIN_BUCKETS 64u

static size_t strmap__hash(const char *s) {
  uint32_t h = 2166136261u; /* FNV-1a */
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) h = (h ^ *p) * 16777619u;
  return h;
}

void strmap_init(StrMap *m) { memset(m, 0, sizeof *m); }

void strmap_clear(StrMap *m) {
  for (size_t b = 0; b < m->bucket_count; b++) {
    StrMapEntry *e = m->buckets[b];
    while (e) {
      StrMapEntry *next = e->next;
      hl_free(e->key);
      hl_free(e);
      e = next;
    }
    m->buckets[b] = NULL;
  }
  m->count = 0;
}

void strmap_deinit(StrMap *m) {
  strmap_clear(m);
  hl_free(m->buckets);
  strmap_init(m);
}

static StrMapEntry **strmap__slot(const StrMap *m, const char *key) {
  if (!m->bucket_count) return NULL;
  StrMapEntry **link = &m->buckets[strmap__hash(key) % m->bucket_count];
  while (*link && strcmp((*link)->key, key) != 0) link = &(*link)->next;
  return link;
}

void *strmap_get(const StrMap *m, const char *key) {
  StrMapEntry **link = strmap__slot(m, key);
  return link && *link ? (*link)->value : NULL;
}

static void strmap__grow(StrMap *m) {
  size_t n = m->bucket_count ? m->bucket_count * 2 : STRMAP__MIN_BUCKETS;
  StrMapEntry **buckets = hl_calloc(n, sizeof *buckets);
  for (size_t b = 0; b < m->bucket_count; b++) {
    StrMapEntry *e = m->buckets[b];
    while (e) {
      StrMapEntry *next = e->next;
      size_t h = strmap__hash(e->key) % n;
      e->next = buckets[h];
      buckets[h] = e;
      e = next;
    }
  }
  hl_free(m->buckets);
  m->buckets = buckets;
  m->bucket_count = n;
}

void strmap_put(StrMap *m, const char *key, void *value) {
  StrMapEntry **link = strmap__slot(m, key);
  if (link && *link) {
    (*link)->value = value;
    return;
  }
  if (m->count >= m->bucket_count) strmap__grow(m);
  size_t h = strmap__hash(key) % m->bucket_count;
  StrMapEntry *e = hl_malloc(sizeof *e);
  e->key = hl_strdup(key);
  e->value = value;
  e->next = m->buckets[h];
  m->buckets[h] = e;
  m->count++;
}

void *strmap_remove(StrMap *m, const char *key) {
  StrMapEntry **link = strmap__slot(m, key);
  if (!link || !*link) return NULL;
  StrMapEntry *e = *link;
  void *value = e->value;
  *link = e->next;
  hl_free(e->key);
  hl_free(e);
  m->count--;
  return value;
}

const StrMapEntry *strmap_next(const StrMap *m, const StrMapEntry *cursor) {
  size_t b = 0;
  if (cursor) {
    if (cursor->next) return cursor->next;
    b = strmap__hash(cursor->key) % m->bucket_count + 1;
  }
  for (; b < m->bucket_count; b++)
    if (m->buckets[b]) return m->buckets[b];
  return NULL;
}
