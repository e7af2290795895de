/* Unit tests of server/line_index: terminators, encodings, clamping, invalid
 * UTF-8, NUL bytes, and round trips at every offset of a mixed text. */
#include "tests/unit/test.h"

#include "server/alloc.h"
#include "server/line_index.h"

/* Every allocation of the index goes through the counting allocator, so the
 * runner's leak check covers line_index_free. */
static LineIndex *new_index(const char *text, uint32_t len) {
  hl_set_allocator(test__malloc, test__realloc, test__free);
  return line_index_new(text, len);
}

#define S(lit) (lit), (uint32_t)(sizeof(lit) - 1)

static void expect_position(const LineIndex *li, uint32_t offset, LiEncoding enc, uint32_t line,
                            uint32_t character) {
  uint32_t l = 99999, c = 99999;
  line_index_position(li, offset, enc, &l, &c);
  if (l != line || c != character)
    TEST__FAIL("offset %u (enc %d): got %u:%u, expected %u:%u", offset, (int)enc, l, c, line,
               character);
}

TEST(ascii) {
  LineIndex *li = new_index(S("abc\ndef\n"));
  ASSERT_EQ_INT(line_index_line_count(li), 3);
  ASSERT_EQ_INT(line_index_line_start(li, 0), 0);
  ASSERT_EQ_INT(line_index_line_start(li, 1), 4);
  ASSERT_EQ_INT(line_index_line_start(li, 2), 8);
  ASSERT_EQ_INT(line_index_line_start(li, 3), 8);
  ASSERT_EQ_INT(line_index_line_end(li, 0), 3);
  ASSERT_EQ_INT(line_index_line_end(li, 1), 7);
  ASSERT_EQ_INT(line_index_line_end(li, 2), 8);
  for (int e = LI_UTF8; e <= LI_UTF32; e++) {
    ASSERT_EQ_INT(line_index_offset(li, 0, 0, (LiEncoding)e), 0);
    ASSERT_EQ_INT(line_index_offset(li, 0, 3, (LiEncoding)e), 3);
    ASSERT_EQ_INT(line_index_offset(li, 1, 2, (LiEncoding)e), 6);
    ASSERT_EQ_INT(line_index_offset(li, 2, 0, (LiEncoding)e), 8);
    expect_position(li, 0, (LiEncoding)e, 0, 0);
    expect_position(li, 3, (LiEncoding)e, 0, 3);
    expect_position(li, 4, (LiEncoding)e, 1, 0);
    expect_position(li, 6, (LiEncoding)e, 1, 2);
    expect_position(li, 8, (LiEncoding)e, 2, 0);
  }
  line_index_free(li);
}

TEST(crlf) {
  LineIndex *li = new_index(S("ab\r\ncd\r\n"));
  ASSERT_EQ_INT(line_index_line_count(li), 3);
  ASSERT_EQ_INT(line_index_line_start(li, 1), 4);
  ASSERT_EQ_INT(line_index_line_end(li, 0), 2);
  ASSERT_EQ_INT(line_index_line_end(li, 1), 6);
  ASSERT_EQ_INT(line_index_line_start(li, 2), 8);
  ASSERT_EQ_INT(line_index_offset(li, 0, 2, LI_UTF16), 2);
  ASSERT_EQ_INT(line_index_offset(li, 0, 3, LI_UTF16), 2); /* not onto the "\r" */
  ASSERT_EQ_INT(line_index_offset(li, 1, 1, LI_UTF16), 5);
  expect_position(li, 2, LI_UTF16, 0, 2);
  expect_position(li, 3, LI_UTF16, 0, 2); /* between "\r" and "\n" */
  expect_position(li, 4, LI_UTF16, 1, 0);
  expect_position(li, 7, LI_UTF8, 1, 2);
  expect_position(li, 8, LI_UTF8, 2, 0);
  line_index_free(li);
}

TEST(lone_cr) {
  LineIndex *li = new_index(S("a\rb\r\rc"));
  ASSERT_EQ_INT(line_index_line_count(li), 4);
  ASSERT_EQ_INT(line_index_line_start(li, 1), 2);
  ASSERT_EQ_INT(line_index_line_start(li, 2), 4);
  ASSERT_EQ_INT(line_index_line_start(li, 3), 5);
  ASSERT_EQ_INT(line_index_line_end(li, 0), 1);
  ASSERT_EQ_INT(line_index_line_end(li, 2), 4);
  ASSERT_EQ_INT(line_index_line_end(li, 3), 6);
  ASSERT_EQ_INT(line_index_offset(li, 1, 1, LI_UTF16), 3);
  ASSERT_EQ_INT(line_index_offset(li, 2, 5, LI_UTF16), 4);
  expect_position(li, 3, LI_UTF16, 1, 1);
  expect_position(li, 4, LI_UTF32, 2, 0);
  expect_position(li, 6, LI_UTF8, 3, 1);
  line_index_free(li);
}

TEST(mixed_terminators) {
  /* "\n", "\r\n", "\r", then "\n\r" (two terminators) and a final line. */
  LineIndex *li = new_index(S("a\nbb\r\nccc\rd\n\re"));
  ASSERT_EQ_INT(line_index_line_count(li), 6);
  static const uint32_t starts[] = {0, 2, 6, 10, 12, 13};
  static const uint32_t ends[] = {1, 4, 9, 11, 12, 14};
  for (uint32_t i = 0; i < 6; i++) {
    ASSERT_EQ_INT(line_index_line_start(li, i), starts[i]);
    ASSERT_EQ_INT(line_index_line_end(li, i), ends[i]);
    ASSERT_EQ_INT(line_index_offset(li, i, 0, LI_UTF16), starts[i]);
    ASSERT_EQ_INT(line_index_offset(li, i, 100, LI_UTF16), ends[i]);
    expect_position(li, starts[i], LI_UTF16, i, 0);
    expect_position(li, ends[i], LI_UTF16, i, ends[i] - starts[i]);
  }
  line_index_free(li);
}

TEST(no_final_newline) {
  LineIndex *li = new_index(S("x = 1\ny"));
  ASSERT_EQ_INT(line_index_line_count(li), 2);
  ASSERT_EQ_INT(line_index_line_end(li, 1), 7);
  ASSERT_EQ_INT(line_index_offset(li, 1, 1, LI_UTF16), 7);
  ASSERT_EQ_INT(line_index_offset(li, 1, 5, LI_UTF16), 7);
  ASSERT_EQ_INT(line_index_offset(li, 2, 0, LI_UTF16), 7);
  expect_position(li, 7, LI_UTF16, 1, 1);
  expect_position(li, 100, LI_UTF16, 1, 1);
  line_index_free(li);
}

TEST(empty_text) {
  LineIndex *li = new_index("", 0);
  ASSERT_EQ_INT(line_index_line_count(li), 1);
  ASSERT_EQ_INT(line_index_line_start(li, 0), 0);
  ASSERT_EQ_INT(line_index_line_end(li, 0), 0);
  ASSERT_EQ_INT(line_index_line_end(li, 7), 0);
  ASSERT_EQ_INT(line_index_offset(li, 0, 0, LI_UTF16), 0);
  ASSERT_EQ_INT(line_index_offset(li, 3, 3, LI_UTF8), 0);
  expect_position(li, 0, LI_UTF32, 0, 0);
  expect_position(li, 10, LI_UTF16, 0, 0);
  line_index_free(li);
  /* A text that is only a terminator has two empty lines. */
  li = new_index(S("\r\n"));
  ASSERT_EQ_INT(line_index_line_count(li), 2);
  ASSERT_EQ_INT(line_index_line_end(li, 0), 0);
  ASSERT_EQ_INT(line_index_line_start(li, 1), 2);
  line_index_free(li);
}

TEST(astral_plane) {
  /* a (1 byte) U+1F600 (4 bytes, 2 UTF-16 units) b (1 byte) */
  LineIndex *li = new_index(S("a\xF0\x9F\x98\x80" "b"));
  /* character -> byte offset, per encoding */
  static const uint32_t u8[][2] = {{0, 0}, {1, 1}, {5, 5}, {6, 6}};
  static const uint32_t u16[][2] = {{0, 0}, {1, 1}, {3, 5}, {4, 6}};
  static const uint32_t u32[][2] = {{0, 0}, {1, 1}, {2, 5}, {3, 6}};
  for (int i = 0; i < 4; i++) {
    ASSERT_EQ_INT(line_index_offset(li, 0, u8[i][0], LI_UTF8), u8[i][1]);
    ASSERT_EQ_INT(line_index_offset(li, 0, u16[i][0], LI_UTF16), u16[i][1]);
    ASSERT_EQ_INT(line_index_offset(li, 0, u32[i][0], LI_UTF32), u32[i][1]);
    expect_position(li, u8[i][1], LI_UTF8, 0, u8[i][0]);
    expect_position(li, u16[i][1], LI_UTF16, 0, u16[i][0]);
    expect_position(li, u32[i][1], LI_UTF32, 0, u32[i][0]);
  }
  line_index_free(li);

  /* Two- and three-byte characters on a second line. */
  li = new_index(S("\n\xC3\xA9\xE2\x82\xAC!"));
  ASSERT_EQ_INT(line_index_offset(li, 1, 1, LI_UTF16), 3);
  ASSERT_EQ_INT(line_index_offset(li, 1, 2, LI_UTF16), 6);
  ASSERT_EQ_INT(line_index_offset(li, 1, 2, LI_UTF8), 3);
  ASSERT_EQ_INT(line_index_offset(li, 1, 5, LI_UTF8), 6);
  ASSERT_EQ_INT(line_index_offset(li, 1, 2, LI_UTF32), 6);
  expect_position(li, 6, LI_UTF16, 1, 2);
  expect_position(li, 6, LI_UTF8, 1, 5);
  expect_position(li, 7, LI_UTF32, 1, 3);
  line_index_free(li);
}

TEST(clamping) {
  LineIndex *li = new_index(S("a\xF0\x9F\x98\x80" "b\r\nxy"));
  /* past the end of a line: the end of its content, before "\r\n" */
  ASSERT_EQ_INT(line_index_offset(li, 0, 5, LI_UTF16), 6);
  ASSERT_EQ_INT(line_index_offset(li, 0, UINT32_MAX, LI_UTF16), 6);
  ASSERT_EQ_INT(line_index_offset(li, 0, UINT32_MAX, LI_UTF8), 6);
  ASSERT_EQ_INT(line_index_offset(li, 1, 3, LI_UTF32), 10);
  /* past the last line: the end of the text */
  ASSERT_EQ_INT(line_index_offset(li, 2, 0, LI_UTF16), 10);
  ASSERT_EQ_INT(line_index_offset(li, UINT32_MAX, UINT32_MAX, LI_UTF16), 10);
  /* inside the surrogate pair / the UTF-8 sequence: the character's start */
  ASSERT_EQ_INT(line_index_offset(li, 0, 2, LI_UTF16), 1);
  ASSERT_EQ_INT(line_index_offset(li, 0, 2, LI_UTF8), 1);
  ASSERT_EQ_INT(line_index_offset(li, 0, 4, LI_UTF8), 1);
  /* byte offsets inside the sequence or past the text */
  for (uint32_t off = 1; off < 5; off++) {
    expect_position(li, off, LI_UTF16, 0, 1);
    expect_position(li, off, LI_UTF8, 0, 1);
  }
  expect_position(li, 7, LI_UTF16, 0, 4); /* between "\r" and "\n" */
  expect_position(li, 11, LI_UTF16, 1, 2);
  expect_position(li, UINT32_MAX, LI_UTF16, 1, 2);
  ASSERT_EQ_INT(line_index_line_start(li, 9), 10);
  ASSERT_EQ_INT(line_index_line_end(li, 9), 10);
  line_index_free(li);
}

TEST(invalid_utf8) {
  /* Each byte that does not start a well-formed sequence is one character:
   * a, FF, b, C3 (followed by ASCII), '(', E2 82 (truncated: two), x,
   * ED A0 80 (a surrogate: three), C0 80 (overlong: two), F5, E0 80 80
   * (overlong: three), F4 90 80 80 (above U+10FFFF: four), z, F0 9F
   * (truncated at the end: two). */
  static const char text[] =
      "a\xFF" "b\xC3(\xE2\x82x\xED\xA0\x80\xC0\x80\xF5\xE0\x80\x80\xF4\x90\x80\x80z\xF0\x9F";
  uint32_t len = (uint32_t)(sizeof text - 1);
  LineIndex *li = new_index(text, len);
  for (int e = LI_UTF8; e <= LI_UTF32; e++) {
    for (uint32_t i = 0; i <= len; i++) {
      ASSERT_EQ_INT(line_index_offset(li, 0, i, (LiEncoding)e), i);
      expect_position(li, i, (LiEncoding)e, 0, i);
    }
  }
  line_index_free(li);

  /* A valid character after invalid bytes is still decoded. */
  li = new_index(S("\x80\xF0\x9F\x98\x80."));
  ASSERT_EQ_INT(line_index_offset(li, 0, 1, LI_UTF16), 1);
  ASSERT_EQ_INT(line_index_offset(li, 0, 3, LI_UTF16), 5);
  ASSERT_EQ_INT(line_index_offset(li, 0, 2, LI_UTF32), 5);
  expect_position(li, 6, LI_UTF16, 0, 4);
  line_index_free(li);
}

TEST(nul_bytes) {
  LineIndex *li = new_index(S("a\0b\n\0\xE2\x82\xAC"));
  ASSERT_EQ_INT(line_index_line_count(li), 2);
  ASSERT_EQ_INT(line_index_line_end(li, 0), 3);
  ASSERT_EQ_INT(line_index_line_end(li, 1), 8);
  ASSERT_EQ_INT(line_index_offset(li, 0, 2, LI_UTF16), 2);
  ASSERT_EQ_INT(line_index_offset(li, 1, 1, LI_UTF16), 5);
  ASSERT_EQ_INT(line_index_offset(li, 1, 2, LI_UTF16), 8);
  expect_position(li, 2, LI_UTF16, 0, 2);
  expect_position(li, 8, LI_UTF8, 1, 4);
  line_index_free(li);
}

/* One character (or terminator) of the round-trip text, with its units. */
typedef struct Piece {
  const char *s;
  uint32_t bytes, u16;
  int newline; /* a terminator */
} Piece;

TEST(round_trip_every_offset) {
  static const Piece pool[] = {
      {"a", 1, 1, 0},          {"\xC3\xA9", 2, 1, 0},         {"\xE2\x82\xAC", 3, 1, 0},
      {"\xF0\x9F\x98\x80", 4, 2, 0}, {"\xF0\x9D\x94\x98", 4, 2, 0}, {"\n", 1, 0, 1},
      {"\r\n", 2, 0, 1},       {"\r", 1, 0, 1},               {" ", 1, 1, 0},
      {"\xE4\xB8\xAD", 3, 1, 0}, {"\xFF", 1, 1, 0},           {"(", 1, 1, 0},
  };
  enum { N = 400 };
  char text[N * 4 + 1];
  uint32_t off[N + 1], line[N + 1], c8[N + 1], c16[N + 1], c32[N + 1];
  int nl[N];
  uint32_t len = 0, l = 0, a8 = 0, a16 = 0, a32 = 0;
  uint32_t seed = 12345;
  int prev_cr = 0;
  for (int i = 0; i < N; i++) {
    seed = seed * 1103515245u + 12345u;
    const Piece *p = &pool[(seed >> 16) % (sizeof pool / sizeof pool[0])];
    /* "\r" then "\n" would be one terminator: keep pieces separate. */
    if (prev_cr && p->s[0] == '\n') p = &pool[0];
    off[i] = len, line[i] = l, c8[i] = a8, c16[i] = a16, c32[i] = a32;
    nl[i] = p->newline;
    memcpy(text + len, p->s, p->bytes);
    len += p->bytes;
    if (p->newline) {
      l++, a8 = a16 = a32 = 0;
    } else {
      a8 += p->bytes, a16 += p->u16, a32 += 1;
    }
    prev_cr = p->s[0] == '\r' && p->bytes == 1;
  }
  off[N] = len, line[N] = l, c8[N] = a8, c16[N] = a16, c32[N] = a32;

  LineIndex *li = new_index(text, len);
  ASSERT_EQ_INT(line_index_line_count(li), l + 1);
  for (int i = 0; i <= N; i++) {
    /* both directions at the start of every piece */
    expect_position(li, off[i], LI_UTF8, line[i], c8[i]);
    expect_position(li, off[i], LI_UTF16, line[i], c16[i]);
    expect_position(li, off[i], LI_UTF32, line[i], c32[i]);
    ASSERT_EQ_INT(line_index_offset(li, line[i], c8[i], LI_UTF8), off[i]);
    ASSERT_EQ_INT(line_index_offset(li, line[i], c16[i], LI_UTF16), off[i]);
    ASSERT_EQ_INT(line_index_offset(li, line[i], c32[i], LI_UTF32), off[i]);
    if (i == N) break;
    /* every byte inside a piece maps to the piece's start (a character) or
     * to the end of the line's content (a terminator) */
    for (uint32_t b = off[i] + 1; b < off[i + 1]; b++) {
      expect_position(li, b, LI_UTF16, line[i], c16[i]);
      expect_position(li, b, LI_UTF8, line[i], c8[i]);
    }
    if (!nl[i]) {
      /* and a UTF-16 position inside a surrogate pair maps to its start */
      if (c16[i + 1] - c16[i] == 2)
        ASSERT_EQ_INT(line_index_offset(li, line[i], c16[i] + 1, LI_UTF16), off[i]);
    }
  }
  /* offset -> position -> offset at every byte lands on a character start */
  for (uint32_t b = 0; b <= len; b++) {
    for (int e = LI_UTF8; e <= LI_UTF32; e++) {
      uint32_t pl, pc;
      line_index_position(li, b, (LiEncoding)e, &pl, &pc);
      uint32_t back = line_index_offset(li, pl, pc, (LiEncoding)e);
      ASSERT(back <= b);
      expect_position(li, back, (LiEncoding)e, pl, pc);
    }
  }
  line_index_free(li);
}

TEST(large_text) {
  /* 20 MB of short CRLF lines with multibyte characters, then a long last
   * line. */
  uint32_t len = 20u << 20;
  char *text = malloc(len);
  ASSERT(text != NULL);
  static const char line[] = "x = f(\xC3\xA9, \xF0\x9F\x98\x80)\r\n";
  const uint32_t n = (uint32_t)(sizeof line - 1); /* 17 bytes, 12 UTF-16 units */
  uint32_t lines = 0, pos = 0;
  while (pos + n <= len - 1000) {
    memcpy(text + pos, line, n);
    pos += n;
    lines++;
  }
  memset(text + pos, 'z', len - pos);
  LineIndex *li = new_index(text, len);
  ASSERT_EQ_INT(line_index_line_count(li), lines + 1);
  ASSERT_EQ_INT(line_index_line_start(li, lines), pos);
  ASSERT_EQ_INT(line_index_line_end(li, lines - 1), pos - 2);
  ASSERT_EQ_INT(line_index_offset(li, lines - 1, 11, LI_UTF16), pos - n + 14);
  ASSERT_EQ_INT(line_index_offset(li, lines - 1, 99, LI_UTF16), pos - 2);
  ASSERT_EQ_INT(line_index_offset(li, lines, UINT32_MAX, LI_UTF16), len);
  expect_position(li, pos - 3, LI_UTF16, lines - 1, 11);
  expect_position(li, pos - 3, LI_UTF8, lines - 1, 14);
  expect_position(li, len, LI_UTF32, lines, len - pos);
  line_index_free(li);
  free(text);
}

/* line_index_edit against a fresh index, exhaustively: every text of up to
 * five bytes over "a", "\r", "\n", every range replaced by every short text
 * (splitting and joining "\r\n" included). */
TEST(edits_match_fresh_index) {
  static const char alphabet[] = "a\r\n";
  static const char *const inserts[] = {"", "a", "\r", "\n", "\r\n", "\na\r"};
  char text[16], next[32];
  for (uint32_t n = 0; n <= 5; n++) {
    uint32_t combos = 1;
    for (uint32_t i = 0; i < n; i++) combos *= 3;
    for (uint32_t c = 0; c < combos; c++) {
      for (uint32_t i = 0, v = c; i < n; i++, v /= 3) text[i] = alphabet[v % 3];
      for (uint32_t a = 0; a <= n; a++) {
        for (uint32_t z = a; z <= n; z++) {
          for (size_t k = 0; k < sizeof inserts / sizeof *inserts; k++) {
            uint32_t il = (uint32_t)strlen(inserts[k]), len = n - (z - a) + il;
            memcpy(next, text, a);
            memcpy(next + a, inserts[k], il);
            memcpy(next + a + il, text + z, n - z);
            LineIndex *li = new_index(text, n);
            line_index_edit(li, next, len, a, z, a + il);
            LineIndex *fresh = new_index(next, len);
            ASSERT_EQ_INT(line_index_line_count(li), line_index_line_count(fresh));
            for (uint32_t l = 0; l < line_index_line_count(fresh); l++)
              ASSERT_EQ_INT(line_index_line_start(li, l), line_index_line_start(fresh, l));
            ASSERT_EQ_INT(line_index_line_end(li, 0), line_index_line_end(fresh, 0));
            line_index_free(li);
            line_index_free(fresh);
          }
        }
      }
    }
  }
}

TEST_MAIN(edits_match_fresh_index, ascii, crlf, lone_cr, mixed_terminators, no_final_newline, empty_text, astral_plane,
          clamping, invalid_utf8, nul_bytes, round_trip_every_offset, large_text)
