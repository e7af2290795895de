/* server/strmap — a map from NUL-terminated strings to pointers.
 *
 * Chained hashing (FNV-1a) with a bucket array that doubles when the map
 * holds more entries than buckets, so lookups stay O(1) for workspaces of
 * any size. Keys are copied; values are borrowed (the map never frees
 * them: owners iterate with strmap_next before strmap_deinit).
 *
 * Includes only the C library. Memory: hl_* (OOM fatal). Not thread-safe:
 * one owner thread.
 */
#ifndef HYBRIDLS_SERVER_STRMAP_H
#define HYBRIDLS_SERVER_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct StrMapEntry {
  struct StrMapEntry *next;
  char *key; /* owned */
  void *value;
} StrMapEntry;

typedef struct StrMap {
  StrMapEntry **buckets;
  size_t bucket_count;
  size_t count;
} StrMap;

void strmap_init(StrMap *m);
/* Frees the keys and the buckets, not the values. */
void strmap_deinit(StrMap *m);

/* The value under `key`, or NULL. */
void *strmap_get(const StrMap *m, const char *key);
/* Sets `key` to `value` (replacing the old value, which is not freed). */
void strmap_put(StrMap *m, const char *key, void *value);
/* Removes `key`; returns its value, or NULL when absent. */
void *strmap_remove(StrMap *m, const char *key);
/* Removes every entry (values are not freed). */
void strmap_clear(StrMap *m);

/* Iteration: `cursor` starts at NULL; returns the next entry or NULL at the
 * end. The map must not change during an iteration. */
const StrMapEntry *strmap_next(const StrMap *m, const StrMapEntry *cursor);

#endif
