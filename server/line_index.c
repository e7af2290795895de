/* server/line_index — conversions between LSP positions and byte offsets.
 *
 * The index is the array of byte offsets at which lines start, built in one
 * pass over the text. A conversion finds the line by binary search over that
 * array (or by direct lookup, for position -> offset) and then scans that one
 * line, decoding characters as it goes; it never looks at other lines.
 *
 * Characters. The scan decodes UTF-8 strictly (no overlong forms, no
 * surrogates, nothing above U+10FFFF). A well-formed sequence is one
 * character: its UTF-8 units are its bytes, it is one UTF-32 unit, and two
 * UTF-16 units when it is above U+FFFF. Every byte that does not start a
 * well-formed sequence is a character of its own: one unit in every
 * encoding. Both directions use the same decoder, so they always agree on
 * where characters start.
 *
 * Line terminators are "\n", "\r\n" and a lone "\r". A position or offset
 * that falls inside a terminator belongs to the end of that line's content.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/alloc.h"
#include "server/line_index.h"

struct LineIndex {
  const char *text; /* borrowed */
  uint32_t len;
  uint32_t count;   /* number of lines, >= 1 */
  uint32_t *starts; /* starts[i] is the byte offset of line i; starts[0] == 0 */
};

LineIndex *line_index_new(const char *text, uint32_t len) {
  LineIndex *li = hl_malloc(sizeof *li);
  const unsigned char *s = (const unsigned char *)text;
  /* A guess that avoids most regrowth for source code (lines average a few
   * dozen bytes); the array doubles when the guess is short. */
  size_t cap = (size_t)len / 32 + 16;
  uint32_t *starts = hl_malloc(cap * sizeof *starts);
  uint32_t count = 0;
  starts[count++] = 0;
  for (uint32_t i = 0; i < len; i++) {
    unsigned char c = s[i];
    if (c > '\r') continue; /* the common case: not a terminator */
    if (c == '\r') {
      if (i + 1 < len && s[i + 1] == '\n') i++;
    } else if (c != '\n') {
      continue;
    }
    if (count == cap) {
      cap *= 2;
      starts = hl_realloc(starts, cap * sizeof *starts);
    }
    starts[count++] = i + 1;
  }
  li->text = text;
  li->len = len;
  li->count = count;
  li->starts = starts;
  return li;
}

/* Rescanning starts at the last line that begins before the byte ahead of
 * the change: whether a line starts at s depends on bytes s-1 and s only
 * ("\n" before it, or a "\r" not followed by "\n"), so such a start is
 * untouched, and so is every old start s >= old_end + 1 (moved by the
 * growth). Between them the new bytes are scanned. */
void line_index_edit(LineIndex *li, const char *text, uint32_t len, uint32_t start, uint32_t old_end,
                     uint32_t new_end) {
  uint32_t lo = 0, hi = li->count; /* the last line start <= start - 1, or line 0 */
  while (start > 0 && hi - lo > 1) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (li->starts[mid] <= start - 1) lo = mid;
    else hi = mid;
  }
  uint32_t keep_from = li->count; /* the first old start >= old_end + 1 */
  for (uint32_t a = lo + 1, b = li->count; a < b;) {
    uint32_t mid = a + (b - a) / 2;
    if (li->starts[mid] >= old_end + 1) b = keep_from = mid;
    else a = mid + 1;
  }
  uint32_t tail = li->count - keep_from;
  uint32_t *mid_starts = NULL, mid_count = 0, mid_cap = 0;
  const unsigned char *s = (const unsigned char *)text;
  for (uint32_t i = li->starts[lo]; i < new_end && i < len; i++) {
    unsigned char c = s[i];
    if (c > '\r' || (c != '\n' && c != '\r')) continue;
    if (c == '\r' && i + 1 < len && s[i + 1] == '\n') continue; /* the "\n" ends it */
    if (mid_count == mid_cap) {
      mid_cap = mid_cap ? mid_cap * 2 : 16;
      mid_starts = hl_realloc(mid_starts, mid_cap * sizeof *mid_starts);
    }
    mid_starts[mid_count++] = i + 1;
  }
  size_t count = (size_t)lo + 1 + mid_count + tail;
  uint32_t *starts = li->starts;
  if (count > li->count) starts = hl_realloc(starts, count * sizeof *starts);
  memmove(starts + lo + 1 + mid_count, starts + keep_from, (size_t)tail * sizeof *starts);
  if (mid_count) memcpy(starts + lo + 1, mid_starts, (size_t)mid_count * sizeof *starts);
  for (uint32_t i = 0; i < tail; i++) starts[lo + 1 + mid_count + i] += new_end - old_end; /* mod 2^32 */
  hl_free(mid_starts);
  li->starts = starts;
  li->count = (uint32_t)count;
  li->text = text;
  li->len = len;
}

void line_index_free(LineIndex *li) {
  if (!li) return;
  hl_free(li->starts);
  hl_free(li);
}

uint32_t line_index_line_count(const LineIndex *li) { return li->count; }

uint32_t line_index_line_start(const LineIndex *li, uint32_t line) {
  return line < li->count ? li->starts[line] : li->len;
}

uint32_t line_index_line_end(const LineIndex *li, uint32_t line) {
  if (line + 1 >= li->count) return li->len; /* the last line has no terminator */
  uint32_t start = li->starts[line];
  uint32_t next = li->starts[line + 1];
  const char *t = li->text;
  /* A "\r\n" is one terminator: the builder never ends a line between them. */
  if (next - start >= 2 && t[next - 1] == '\n' && t[next - 2] == '\r') return next - 2;
  return next - 1;
}

/* Decodes the character at s[i] (i < end). Returns its length in bytes and
 * stores its code point, or -1 when s[i] does not start a well-formed
 * sequence (the character is then that single byte). */
static uint32_t line_index__decode(const unsigned char *s, uint32_t i, uint32_t end, int32_t *cp) {
  unsigned char c = s[i];
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  uint32_t n;
  unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
  int32_t v;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    v = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    v = c & 0x0F;
    if (c == 0xE0) lo = 0xA0;      /* no overlong forms */
    else if (c == 0xED) hi = 0x9F; /* no surrogates */
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    v = c & 0x07;
    if (c == 0xF0) lo = 0x90;      /* no overlong forms */
    else if (c == 0xF4) hi = 0x8F; /* nothing above U+10FFFF */
  } else {
    *cp = -1;
    return 1;
  }
  if (end - i < n || s[i + 1] < lo || s[i + 1] > hi) {
    *cp = -1;
    return 1;
  }
  for (uint32_t k = 1; k < n; k++) {
    if ((s[i + k] & 0xC0) != 0x80) {
      *cp = -1;
      return 1;
    }
    v = (v << 6) | (s[i + k] & 0x3F);
  }
  *cp = v;
  return n;
}

/* Units of one character of `bytes` bytes and code point `cp` in `enc`. */
static uint32_t line_index__units(uint32_t bytes, int32_t cp, LiEncoding enc) {
  switch (enc) {
    case LI_UTF8: return bytes;
    case LI_UTF16: return cp >= 0x10000 ? 2 : 1;
    case LI_UTF32: return 1;
  }
  return 1;
}

uint32_t line_index_offset(const LineIndex *li, uint32_t line, uint32_t character, LiEncoding enc) {
  if (line >= li->count) return li->len;
  const unsigned char *s = (const unsigned char *)li->text;
  uint32_t cur = li->starts[line];
  uint32_t end = line_index_line_end(li, line);
  uint32_t units = 0;
  while (cur < end && units < character) {
    if (s[cur] < 0x80) { /* ASCII is one unit in every encoding */
      cur++;
      units++;
      continue;
    }
    int32_t cp;
    uint32_t n = line_index__decode(s, cur, end, &cp);
    uint32_t u = line_index__units(n, cp, enc);
    if (u > character - units) break; /* inside this character: its start */
    units += u;
    cur += n;
  }
  return cur;
}

void line_index_position(const LineIndex *li, uint32_t offset, LiEncoding enc, uint32_t *line,
                         uint32_t *character) {
  if (offset > li->len) offset = li->len;
  /* The last line whose start is <= offset; starts[0] == 0 bounds it. */
  uint32_t lo = 0, hi = li->count - 1;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo + 1) / 2;
    if (li->starts[mid] <= offset)
      lo = mid;
    else
      hi = mid - 1;
  }
  uint32_t end = line_index_line_end(li, lo);
  if (offset > end) offset = end; /* inside the terminator */
  const unsigned char *s = (const unsigned char *)li->text;
  uint32_t cur = li->starts[lo];
  uint32_t units = 0;
  while (cur < offset) {
    if (s[cur] < 0x80) {
      cur++;
      units++;
      continue;
    }
    int32_t cp;
    uint32_t n = line_index__decode(s, cur, end, &cp);
    if (cur + n > offset) break; /* inside this character: its start */
    units += line_index__units(n, cp, enc);
    cur += n;
  }
  *line = lo;
  *character = units;
}
