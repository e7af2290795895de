/* analysis/arena — bump allocation for one analysis.
 *
 * Every object of one model (functions, calls, findings, strings) lives in
 * the model's arena and is released at once by an_arena_free(); nothing in
 * analysis/ frees individual objects. Allocation failure returns NULL and
 * sets the arena's `failed` flag so a build can bail out at a check point
 * instead of testing every call.
 */
#ifndef HYBRIDLS_ANALYSIS_ARENA_H
#define HYBRIDLS_ANALYSIS_ARENA_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct AnArenaBlock AnArenaBlock;

typedef struct AnArena {
  AnArenaBlock *head;
  size_t block_size;
  bool failed;
} AnArena;

void an_arena_init(AnArena *a, size_t block_size);
void an_arena_free(AnArena *a);

/* Zeroed, 8-byte aligned memory; NULL (and a->failed) when out of memory. */
void *an_arena_alloc(AnArena *a, size_t size);
/* Bytes handed out so far (for memory figures). */
size_t an_arena_used(const AnArena *a);
char *an_arena_strndup(AnArena *a, const char *s, size_t n);
char *an_arena_strdup(AnArena *a, const char *s);
char *an_arena_printf(AnArena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *an_arena_vprintf(AnArena *a, const char *fmt, va_list ap);
/* s1 s2 s3 concatenated (lengths in bytes, each part may be empty): the hot
 * joins ("base.attr", qualified names) without printf's parsing. */
char *an_arena_cat(AnArena *a, const char *s1, size_t n1, const char *s2, size_t n2, const char *s3, size_t n3);

/* A growable array in an arena: `items` of `count` elements of size
 * `elem`. Growing copies into a larger block (the old one stays until the
 * arena dies), which keeps total waste under the final size. */
typedef struct AnVec {
  void *items;
  uint32_t count, cap;
} AnVec;

/* Appends one zeroed element and returns it; NULL when out of memory. */
void *an_vec_push(AnArena *a, AnVec *v, size_t elem);
#define AN_VEC_AT(v, type, i) (((type *)(v).items)[i])

/* A growable string builder in an arena. */
typedef struct AnBuf {
  char *data;
  uint32_t len, cap;
} AnBuf;

void an_buf_append(AnArena *a, AnBuf *b, const char *s, size_t n);
void an_buf_puts(AnArena *a, AnBuf *b, const char *s);
void an_buf_printf(AnArena *a, AnBuf *b, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* NUL-terminated contents ("" when empty). */
const char *an_buf_str(AnArena *a, AnBuf *b);

#endif
