#include <stdlib.h>

#include "analysis/alloc.h"
#include "analysis/analysis.h"

/* Read-only after start-up: installed once before any analysis runs. */
static AnMallocFn an__malloc = malloc;
static AnReallocFn an__realloc = realloc;
static AnFreeFn an__free = free;

void an_set_allocator(AnMallocFn m, AnReallocFn r, AnFreeFn f) {
  an__malloc = m ? m : malloc;
  an__realloc = r ? r : realloc;
  an__free = f ? f : free;
}

void *an_malloc(size_t size) { return an__malloc(size ? size : 1); }
void *an_realloc(void *ptr, size_t size) { return an__realloc(ptr, size ? size : 1); }
void an_free(void *ptr) {
  if (ptr) an__free(ptr);
}
