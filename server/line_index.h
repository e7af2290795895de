/* server/line_index — conversions between LSP positions and byte offsets.
 *
 * One module does every conversion. A position's character is counted in the
 * negotiated encoding: UTF-16 code units (LSP's default), UTF-8 bytes, or
 * UTF-32 code points (used by `check` output columns). Lines end at "\n",
 * "\r\n" or "\r" (all three, as LSP says). Out-of-range positions clamp: a
 * line past the end maps to the end of the text, a character past the end of
 * its line maps to the end of that line (before its terminator), and a
 * character inside a multi-unit sequence maps to the start of that sequence.
 * Invalid UTF-8 bytes count as one code point (one UTF-16 unit) each.
 *
 * Pure: no I/O, no allocation besides the index itself (hl_malloc).
 * A LineIndex describes one exact text; after a change, rebuild it or update
 * it with line_index_edit().
 */
#ifndef HYBRIDLS_SERVER_LINE_INDEX_H
#define HYBRIDLS_SERVER_LINE_INDEX_H

#include <stdint.h>
#include <stddef.h>

typedef enum LiEncoding {
  LI_UTF8 = 0,
  LI_UTF16 = 1,
  LI_UTF32 = 2,
} LiEncoding;

typedef struct LineIndex LineIndex;

/* Builds the index of `text` (not necessarily NUL-terminated; may contain NUL
 * bytes). New object; never NULL (OOM is fatal in server/). The text is
 * borrowed and must stay unchanged while the index is used with it. */
LineIndex *line_index_new(const char *text, uint32_t len);
void line_index_free(LineIndex *li);

/* Updates the index of the old text for the text that replaced its bytes
 * [start, old_end) with new ones ending at new_end: `text` and `len` are the
 * new text (which may have moved). Costs the lines after the change plus the
 * bytes of the change, not a scan of the whole text. */
void line_index_edit(LineIndex *li, const char *text, uint32_t len, uint32_t start, uint32_t old_end,
                     uint32_t new_end);

/* Number of lines (a text with no terminator has 1; "a\n" has 2). */
uint32_t line_index_line_count(const LineIndex *li);
/* Byte offset of the start of `line` (clamped to the text length). */
uint32_t line_index_line_start(const LineIndex *li, uint32_t line);
/* Byte offset of the end of `line`'s content (before its terminator). */
uint32_t line_index_line_end(const LineIndex *li, uint32_t line);

/* Position (0-based line, character in `enc`) to byte offset, clamped. */
uint32_t line_index_offset(const LineIndex *li, uint32_t line, uint32_t character, LiEncoding enc);

/* Byte offset (clamped to the text) to 0-based line and character in `enc`. */
void line_index_position(const LineIndex *li, uint32_t offset, LiEncoding enc,
                         uint32_t *line, uint32_t *character);

#endif
