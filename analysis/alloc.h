/* analysis/alloc — the module's allocation seam (see an_set_allocator in
 * analysis.h). Internal header. */
#ifndef HYBRIDLS_ANALYSIS_ALLOC_H
#define HYBRIDLS_ANALYSIS_ALLOC_H

#include <stddef.h>

void *an_malloc(size_t size);
void *an_realloc(void *ptr, size_t size);
void an_free(void *ptr);

#endif
