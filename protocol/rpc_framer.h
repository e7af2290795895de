/* protocol/rpc_framer — incremental JSON-RPC base-protocol framing.
 *
 * Fed arbitrary byte chunks (as they arrive from a pipe), yields complete
 * message bodies. The result never depends on how the stream was cut into
 * chunks: feeding it whole, byte by byte or split anywhere yields the same
 * sequence of messages and errors.
 *
 * Headers are `Name: value` lines ended by an empty line. Lines end with
 * "\r\n" (a bare "\n" is accepted too). Header names are case-insensitive,
 * whitespace around values (and before the colon) is ignored, unknown headers
 * are ignored, and empty lines before a header block are skipped silently.
 * `Content-Length` is required (decimal digits only; a repeated header must
 * repeat the same value). `Content-Type` is accepted when absent or when its
 * charset parameter is absent, `utf-8` or `utf8` (any case, optionally
 * quoted); the media type itself is not checked.
 *
 * Limits: a header block (its lines and the empty line that ends it) may take
 * at most max_header bytes, a body at most max_body bytes.
 *
 * Errors and resynchronisation. A malformed message is reported once as a
 * typed error; its bytes are consumed and the framer goes on by itself:
 *   - an oversized body, or a body with another charset, is skipped by its
 *     declared length without being buffered;
 *   - a header block with a bad line (no ':', a bad name, a bad
 *     Content-Length) or without Content-Length is dropped through the empty
 *     line that ends it; when it nevertheless declared one valid
 *     Content-Length, its body is skipped by that length too;
 *   - an oversized header block is dropped through the empty line that ends
 *     it, without being buffered;
 *   - bytes that do not start a header block (garbage, or the body of a
 *     dropped block of unknown length) are skipped up to the next line that
 *     starts with a header name followed by ':', or up to the next
 *     "Content-Length:" anywhere (so a message glued to the end of garbage, as
 *     a writer does after a body with no final newline, is still found). A run
 *     of garbage is reported once, as RPC_FRAME_ERR_BAD_HEADER, and not at all
 *     when it follows an error already reported.
 *
 * Cost: linear in the bytes fed. Consumed bytes are reclaimed lazily (the
 * buffer is compacted only when the consumed prefix is at least as large as
 * what is still buffered), so consuming many small messages from one large
 * feed does not move the rest of the buffer each time.
 *
 * Includes only the C library. No I/O; no JSON parsing (the body is handed
 * back as bytes). The struct is public so the server can embed it (libuv
 * style); its fields are private. A framer is used by one thread at a time.
 *
 * This header also holds the allocation seam of all of protocol/
 * (rpc_set_allocator), because the framer is its lowest layer.
 */
#ifndef HYBRIDLS_PROTOCOL_RPC_FRAMER_H
#define HYBRIDLS_PROTOCOL_RPC_FRAMER_H

#include <stdbool.h>
#include <stddef.h>

/* ---------------------------------------------------------------------------
 * Allocation seam of protocol/. Every buffer that protocol/ allocates itself
 * (the framer's buffer, rpc_encode's output, lsp_uri_to_path and
 * lsp_path_to_uri results, temporary strings) goes through these functions;
 * JSON values go through jansson's own allocator (json_set_alloc_funcs).
 * Defaults to malloc/realloc/free. Install once, before anything allocates;
 * NULL arguments restore the defaults. protocol/ propagates allocation
 * failure as NULL or an error status, it never aborts.
 */
void rpc_set_allocator(void *(*m)(size_t), void *(*r)(void *, size_t), void (*f)(void *));
void *rpc_malloc(size_t size);
void *rpc_realloc(void *ptr, size_t size);
/* Releases memory returned by protocol/ (rpc_encode, lsp_uri_to_path, ...).
 * rpc_free(NULL) is a no-op. */
void rpc_free(void *ptr);

/* ---------------------------------------------------------------------------
 * The framer.
 */
typedef enum RpcFrameStatus {
  RPC_FRAME_MESSAGE = 1,   /* a complete body is available */
  RPC_FRAME_NEED_MORE = 0, /* feed more bytes */
  RPC_FRAME_ERR_HEADER_TOO_LARGE = -1,
  RPC_FRAME_ERR_BODY_TOO_LARGE = -2,
  RPC_FRAME_ERR_BAD_HEADER = -3,       /* a header line without ':' or with a bad value, or garbage */
  RPC_FRAME_ERR_NO_CONTENT_LENGTH = -4,
  RPC_FRAME_ERR_BAD_CONTENT_TYPE = -5, /* a charset other than utf-8 */
  RPC_FRAME_ERR_NOMEM = -6,
} RpcFrameStatus;

typedef struct RpcFramer {
  /* private */
  char *buf;
  size_t len, cap, pos;
  size_t max_header, max_body;
  size_t skip; /* body bytes still to discard (oversized body, bad charset) */
  int state;
  size_t scan;  /* next buffered byte to examine */
  size_t mark;  /* start of the current header line or header-name candidate */
  size_t need;  /* length of the body being buffered */
  int sub;      /* per-state progress (characters matched, line shape) */
  bool resync;  /* an error was reported; garbage that follows is not reported again */
} RpcFramer;

/* Defaults used by the server: 8 KiB of headers, 64 MiB of body. */
#define RPC_FRAMER_DEFAULT_MAX_HEADER (8u * 1024u)
#define RPC_FRAMER_DEFAULT_MAX_BODY (64u * 1024u * 1024u)

/* Initialises an embedded framer. A limit of 0 selects the default above; a
 * max_header below 32 is raised to 32 so a minimal header block fits. Does
 * not allocate (the buffer is allocated by the first feed). */
void rpc_framer_init(RpcFramer *f, size_t max_header, size_t max_body);
/* Releases the buffer. The framer may be initialised again afterwards. */
void rpc_framer_deinit(RpcFramer *f);

/* Appends bytes (data may be NULL when len is 0). Returns 0, or
 * RPC_FRAME_ERR_NOMEM when the buffer could not grow: the bytes are dropped
 * and the stream is then out of step (the caller should give up on it). */
int rpc_framer_feed(RpcFramer *f, const char *data, size_t len);

/* Extracts the next event. On RPC_FRAME_MESSAGE, *body and *body_len point into
 * the framer's buffer: borrowed, valid until the next feed/next/deinit call.
 * The body is not NUL-terminated and may contain any byte.
 * On an error the offending bytes have been consumed; call again to go on.
 * Returns RPC_FRAME_NEED_MORE when no complete message is buffered.
 * *body and *body_len are written only on RPC_FRAME_MESSAGE. */
RpcFrameStatus rpc_framer_next(RpcFramer *f, const char **body, size_t *body_len);

/* A short English description of a status ("header block too large"),
 * static. Unknown values give "unknown framing status". */
const char *rpc_frame_status_text(RpcFrameStatus status);

/* Bytes buffered and not yet consumed (for output-queue style accounting). */
size_t rpc_framer_buffered(const RpcFramer *f);

#endif
