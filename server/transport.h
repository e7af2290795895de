/* server/transport — the server's byte streams: stdin in, stdout out.
 *
 * Input. stdin is read with libuv according to what it is: a pipe or socket
 * (uv_pipe_open), a terminal (uv_tty_init), or anything else, such as a
 * regular file in tests, through blocking reads on a helper thread that hands
 * chunks to the loop with uv_async_send (with back-pressure: the thread
 * waits while 1 MiB of chunks are unconsumed). Chunks reach the owner's
 * on_data callback on the loop thread, in order, then on_eof once.
 *
 * Output. stdout carries only framed messages. A pipe or terminal is written
 * with uv_write from a queue of owned buffers, one batch in flight at a time;
 * anything else is written with blocking write(2). The queue is bounded:
 * when more than TRANSPORT_MAX_PENDING bytes wait, queued droppable messages
 * (diagnostics and log notifications) are discarded oldest first, and a new
 * droppable message that still does not fit is discarded too; replies are
 * never dropped. Drops are logged on stderr.
 *
 * Ownership: the Transport embeds its libuv handles and is freed from their
 * close callbacks after transport_close(). Loop thread only, except the
 * private reader thread, which touches nothing but its chunk queue.
 */
#ifndef HYBRIDLS_SERVER_TRANSPORT_H
#define HYBRIDLS_SERVER_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#define TRANSPORT_MAX_PENDING (64u * 1024u * 1024u)

typedef struct Transport Transport;

typedef struct TransportCallbacks {
  /* A chunk of stdin; `data` is borrowed for the call. */
  void (*on_data)(void *owner, const char *data, size_t len);
  /* stdin reached its end (or failed to read); called once. */
  void (*on_eof)(void *owner);
  /* stdout failed (the client went away); called once. */
  void (*on_write_error)(void *owner);
} TransportCallbacks;

/* Opens stdin and stdout on `loop` and starts reading. Returns NULL (with a
 * line on stderr) when a stream cannot be opened. `owner` is passed back to
 * the callbacks and borrowed until the transport is closed. */
Transport *transport_new(uv_loop_t *loop, const TransportCallbacks *cb, void *owner);

/* Queues `buf` (ownership taken: a buffer of the protocol allocator, as
 * rpc_encode returns, released with rpc_free()) for stdout. A
 * droppable message may be discarded when the queue is full. Messages sent
 * after transport_close() are discarded. */
void transport_send(Transport *t, char *buf, size_t len, bool droppable);

/* Stops reading, lets queued output drain, then closes the handles and frees
 * the transport in their close callbacks. NULL is a no-op. No callback is
 * called after this. */
void transport_close(Transport *t);

#endif
