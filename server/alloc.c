/* server/alloc — the one allocation seam of the program.
 *
 * OOM policy (style.md 4.4). protocol/ and analysis/ propagate NULL on
 * allocation failure, so they stay testable with failing allocators. server/
 * treats running out of memory as fatal, like Neovim's xmalloc: hl_* print one
 * line, "hybridls: out of memory", on stderr and exit(70) (EX_SOFTWARE). So
 * hl_* never return NULL and server/ code never checks for it.
 *
 * Wiring. hl_set_allocator() installs the raw malloc/realloc/free used by
 * hl_* and hands them on:
 *   - tree-sitter (ts_set_allocator) gets the hl_* wrappers, because the
 *     runtime does not check for NULL itself: an allocation failure inside a
 *     parse becomes the same clean fatal exit instead of a crash;
 *   - jansson (json_set_alloc_funcs) and analysis (an_set_allocator) get the
 *     raw functions, because both propagate NULL to their callers.
 * A test can therefore count every allocation of the process through the
 * functions it installs.
 *
 * The functions are read-only after start-up: install them once, before
 * anything allocates (before any thread starts), and never again.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <tree_sitter/api.h>

#include "analysis/analysis.h"
#include "server/alloc.h"

static void *(*hl__malloc_fn)(size_t) = malloc;
static void *(*hl__realloc_fn)(void *, size_t) = realloc;
static void (*hl__free_fn)(void *) = free;

static _Noreturn void hl__oom(void) {
  fputs("hybridls: out of memory\n", stderr);
  exit(70);
}

void *hl_malloc(size_t size) {
  /* malloc(0) may return NULL; asking for one byte keeps NULL meaning OOM. */
  void *p = hl__malloc_fn(size ? size : 1);
  if (!p) hl__oom();
  return p;
}

void *hl_calloc(size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) hl__oom();
  size_t total = count * size;
  void *p = hl_malloc(total);
  memset(p, 0, total ? total : 1);
  return p;
}

void *hl_realloc(void *ptr, size_t size) {
  void *p = hl__realloc_fn(ptr, size ? size : 1);
  if (!p) hl__oom();
  return p;
}

void hl_free(void *ptr) {
  if (ptr) hl__free_fn(ptr);
}

char *hl_strdup(const char *s) { return hl_strndup(s, strlen(s)); }

char *hl_strndup(const char *s, size_t n) {
  size_t len = strnlen(s, n);
  if (len == SIZE_MAX) hl__oom();
  char *copy = hl_malloc(len + 1);
  memcpy(copy, s, len);
  copy[len] = '\0';
  return copy;
}

char *hl_asprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  /* vsnprintf fails only on an invalid format or an output over INT_MAX. */
  if (n < 0) hl__oom();
  char *out = hl_malloc((size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(out, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return out;
}

void hl_set_allocator(void *(*m)(size_t), void *(*r)(void *, size_t), void (*f)(void *)) {
  hl__malloc_fn = m ? m : malloc;
  hl__realloc_fn = r ? r : realloc;
  hl__free_fn = f ? f : free;
  ts_set_allocator(hl_malloc, hl_calloc, hl_realloc, hl_free);
  json_set_alloc_funcs(hl__malloc_fn, hl__free_fn);
  an_set_allocator(hl__malloc_fn, hl__realloc_fn, hl__free_fn);
}
