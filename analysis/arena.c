#include <stdio.h>
#include <string.h>

#include "analysis/alloc.h"
#include "analysis/arena.h"

struct AnArenaBlock {
  AnArenaBlock *next;
  size_t used, size;
  /* Keeps the payload 8-byte aligned whatever the header size. */
  _Alignas(8) unsigned char data[];
};

void an_arena_init(AnArena *a, size_t block_size) {
  a->head = NULL;
  a->block_size = block_size ? block_size : 16384;
  a->failed = false;
}

void an_arena_free(AnArena *a) {
  AnArenaBlock *b = a->head;
  while (b) {
    AnArenaBlock *next = b->next;
    an_free(b);
    b = next;
  }
  a->head = NULL;
}

/* Uninitialised memory, for callers that overwrite all of it (copies, and
 * vectors, whose elements are zeroed one by one as they are pushed). */
static void *arena__alloc_raw(AnArena *a, size_t size) {
  size = (size + 7u) & ~(size_t)7u;
  AnArenaBlock *b = a->head;
  if (!b || b->size - b->used < size) {
    size_t cap = size > a->block_size / 4 ? size : a->block_size;
    AnArenaBlock *nb = an_malloc(sizeof *nb + cap);
    if (!nb) {
      a->failed = true;
      return NULL;
    }
    nb->size = cap;
    nb->used = 0;
    /* A large one-off allocation goes behind the current block so the
     * current block's free space stays usable. */
    if (b && cap != a->block_size) {
      nb->next = b->next;
      b->next = nb;
    } else {
      nb->next = b;
      a->head = nb;
    }
    b = nb;
  }
  void *p = b->data + b->used;
  b->used += size;
  return p;
}

void *an_arena_alloc(AnArena *a, size_t size) {
  size = (size + 7u) & ~(size_t)7u;
  void *p = arena__alloc_raw(a, size);
  if (p) memset(p, 0, size);
  return p;
}

char *an_arena_strndup(AnArena *a, const char *s, size_t n) {
  char *p = arena__alloc_raw(a, n + 1);
  if (!p) return NULL;
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *an_arena_strdup(AnArena *a, const char *s) { return an_arena_strndup(a, s, strlen(s)); }

char *an_arena_vprintf(AnArena *a, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) return NULL;
  char *p = an_arena_alloc(a, (size_t)n + 1);
  if (p) vsnprintf(p, (size_t)n + 1, fmt, ap);
  return p;
}

char *an_arena_cat(AnArena *a, const char *s1, size_t n1, const char *s2, size_t n2, const char *s3, size_t n3) {
  char *p = arena__alloc_raw(a, n1 + n2 + n3 + 1);
  if (!p) return NULL;
  memcpy(p, s1, n1);
  memcpy(p + n1, s2, n2);
  memcpy(p + n1 + n2, s3, n3);
  p[n1 + n2 + n3] = '\0';
  return p;
}

char *an_arena_printf(AnArena *a, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *p = an_arena_vprintf(a, fmt, ap);
  va_end(ap);
  return p;
}

void *an_vec_push(AnArena *a, AnVec *v, size_t elem) {
  if (v->count == v->cap) {
    uint32_t cap = v->cap ? v->cap * 2 : 8;
    void *items = arena__alloc_raw(a, (size_t)cap * elem);
    if (!items) return NULL;
    if (v->count) memcpy(items, v->items, (size_t)v->count * elem);
    v->items = items;
    v->cap = cap;
  }
  void *slot = (char *)v->items + (size_t)v->count * elem;
  v->count++;
  memset(slot, 0, elem);
  return slot;
}

void an_buf_append(AnArena *a, AnBuf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    uint32_t cap = b->cap ? b->cap : 64;
    while (b->len + n + 1 > cap) cap *= 2;
    char *d = an_arena_alloc(a, cap);
    if (!d) return;
    if (b->len) memcpy(d, b->data, b->len);
    b->data = d;
    b->cap = cap;
  }
  memcpy(b->data + b->len, s, n);
  b->len += (uint32_t)n;
  b->data[b->len] = '\0';
}

void an_buf_puts(AnArena *a, AnBuf *b, const char *s) { an_buf_append(a, b, s, strlen(s)); }

void an_buf_printf(AnArena *a, AnBuf *b, const char *fmt, ...) {
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof tmp) {
    an_buf_append(a, b, tmp, (size_t)n);
    return;
  }
  va_start(ap, fmt);
  char *big = an_arena_vprintf(a, fmt, ap);
  va_end(ap);
  if (big) an_buf_append(a, b, big, (size_t)n);
}

const char *an_buf_str(AnArena *a, AnBuf *b) {
  if (!b->data) an_buf_append(a, b, "", 0);
  return b->data ? b->data : "";
}

size_t an_arena_used(const AnArena *a) {
  size_t n = 0;
  for (const AnArenaBlock *b = a->head; b; b = b->next) n += b->used;
  return n;
}
