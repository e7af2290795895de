/* server/alloc — the one allocation seam of the program.
 *
 * OOM policy (style.md 4.4): protocol/ and analysis/ propagate NULL so they
 * stay testable with failing allocators; server/ treats OOM as fatal: one
 * line on stderr, then exit(70). hl_* never return NULL.
 *
 * hl_set_allocator() installs the functions used by hl_* and wires them into
 * tree-sitter (ts_set_allocator), jansson (json_set_alloc_funcs) and
 * analysis (an_set_allocator), so a test can count every allocation.
 */
#ifndef HYBRIDLS_SERVER_ALLOC_H
#define HYBRIDLS_SERVER_ALLOC_H

#include <stddef.h>

void *hl_malloc(size_t size);
void *hl_calloc(size_t count, size_t size);
void *hl_realloc(void *ptr, size_t size);
void hl_free(void *ptr);
char *hl_strdup(const char *s);
char *hl_strndup(const char *s, size_t n);
/* printf into a new hl_malloc'd string. */
char *hl_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Installs the process-wide allocator (call before anything allocates). */
void hl_set_allocator(void *(*m)(size_t), void *(*r)(void *, size_t), void (*f)(void *));

#endif
