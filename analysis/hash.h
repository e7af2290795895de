/* analysis/hash — an open-addressing map from (scope, name) to an int, in an
 * arena. Scopes are small integers chosen by the caller (a function index, a
 * class index offset, -1 for the module). Used for every name lookup so no
 * pass over a module is quadratic. */
#ifndef HYBRIDLS_ANALYSIS_HASH_H
#define HYBRIDLS_ANALYSIS_HASH_H

#include <stdint.h>

#include "analysis/arena.h"

typedef struct AnHashSlot {
  const char *name; /* NULL: empty */
  uint32_t name_len;
  int32_t scope;
  int32_t value;
} AnHashSlot;

typedef struct AnHash {
  AnHashSlot *slots;
  uint32_t cap, count;
} AnHash;

/* Value for (scope, name), or -1. */
int an_hash_get(const AnHash *h, int scope, const char *name, uint32_t len);
/* Sets (scope, name) -> value, replacing; returns the previous value or -1.
 * `name` must outlive the map (arena or source text). */
int an_hash_put(AnArena *a, AnHash *h, int scope, const char *name, uint32_t len, int value);

#endif
