/* protocol/rpc_framer — incremental JSON-RPC base-protocol framing.
 *
 * Fed arbitrary byte chunks (as they arrive from a pipe), yields complete
 * message bodies. Headers are `Name: value\r\n` lines ended by an empty line;
 * `Content-Length` is required, `Content-Type` is accepted when its charset
 * is utf-8 (or absent). Header bytes and body sizes are capped. A malformed
 * message is reported as a typed error and the framer resynchronises: an
 * oversized body is skipped by its declared length, a malformed header block
 * is dropped up to its terminating empty line, and garbage before a header is
 * skipped up to the next line that starts a header.
 *
 * Includes only the C library. No I/O; no JSON parsing (the body is handed
 * back as bytes). The struct is public so the server can embed it (libuv
 * style); its fields are private.
 */
#ifndef HYBRIDLS_PROTOCOL_RPC_FRAMER_H
#define HYBRIDLS_PROTOCOL_RPC_FRAMER_H

#include <stddef.h>

typedef enum RpcFrameStatus {
  RPC_FRAME_MESSAGE = 1,   /* a complete body is available */
  RPC_FRAME_NEED_MORE = 0, /* feed more bytes */
  RPC_FRAME_ERR_HEADER_TOO_LARGE = -1,
  RPC_FRAME_ERR_BODY_TOO_LARGE = -2,
  RPC_FRAME_ERR_BAD_HEADER = -3,       /* a header line without ':' or with a bad value */
  RPC_FRAME_ERR_NO_CONTENT_LENGTH = -4,
  RPC_FRAME_ERR_BAD_CONTENT_TYPE = -5, /* a charset other than utf-8 */
  RPC_FRAME_ERR_NOMEM = -6,
} RpcFrameStatus;

typedef struct RpcFramer {
  /* private */
  char *buf;
  size_t len, cap, pos;
  size_t max_header, max_body;
  size_t skip; /* body bytes still to discard after an oversized header */
  int state;
} RpcFramer;

/* Defaults used by the server: 8 KiB of headers, 64 MiB of body. */
#define RPC_FRAMER_DEFAULT_MAX_HEADER (8u * 1024u)
#define RPC_FRAMER_DEFAULT_MAX_BODY (64u * 1024u * 1024u)

void rpc_framer_init(RpcFramer *f, size_t max_header, size_t max_body);
void rpc_framer_deinit(RpcFramer *f);

/* Appends bytes. Returns 0, or RPC_FRAME_ERR_NOMEM (the bytes are dropped). */
int rpc_framer_feed(RpcFramer *f, const char *data, size_t len);

/* Extracts the next event. On RPC_FRAME_MESSAGE, *body/*body_len point into
 * the framer's buffer: borrowed, valid until the next feed/next/deinit call.
 * On an error the offending bytes have been consumed; call again to go on.
 * Returns RPC_FRAME_NEED_MORE when no complete message is buffered. */
RpcFrameStatus rpc_framer_next(RpcFramer *f, const char **body, size_t *body_len);

/* A short English description of a status ("header block exceeds 8192 bytes"). */
const char *rpc_frame_status_text(RpcFrameStatus status);

/* Bytes buffered and not yet consumed (for output-queue style accounting). */
size_t rpc_framer_buffered(const RpcFramer *f);

#endif
