/* server/transport — stdin/stdout over libuv (see transport.h).
 *
 * Reading: a stream handle (pipe or tty) reads into one buffer owned by the
 * transport, since libuv reads a stream serially. Any other stdin is read by
 * a helper thread into a list of heap chunks guarded by a mutex; the thread
 * wakes the loop with uv_async_send and sleeps on a condition variable while
 * TRANSPORT__MAX_CHUNK_BYTES are waiting, so a huge input file cannot fill
 * memory faster than the loop frames it.
 *
 * Writing: messages wait in a FIFO of owned buffers. At most one uv_write is
 * in flight; it carries up to TRANSPORT__BATCH buffers taken from the head of
 * the FIFO, so messages that are queued behind a slow client can still be
 * dropped when the queue overflows.
 *
 * Lifetime: every handle the transport initialised is counted in
 * `open_handles`; each close callback decrements it and the last one frees
 * the transport.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "protocol/rpc_framer.h"
#include "server/alloc.h"
#include "server/log.h"
#include "server/transport.h"

#define TRANSPORT__READ_SIZE (64u * 1024u)
#define TRANSPORT__MAX_CHUNK_BYTES (1024u * 1024u)
#define TRANSPORT__BATCH 32

typedef struct TransportOut {
  struct TransportOut *next;
  char *buf;
  size_t len;
  bool droppable;
} TransportOut;

typedef struct TransportChunk {
  struct TransportChunk *next;
  size_t len;
  char data[];
} TransportChunk;

typedef union TransportStream {
  uv_pipe_t pipe;
  uv_tty_t tty;
} TransportStream;

struct Transport {
  uv_loop_t *loop;
  TransportCallbacks cb;
  void *owner;
  int open_handles;
  bool closing;
  bool eof_reported;
  bool write_failed;

  /* input: a stream, or the reader thread */
  TransportStream in;
  uv_stream_t *in_stream; /* NULL when the thread reads */
  char read_buf[TRANSPORT__READ_SIZE];
  uv_async_t async;
  uv_thread_t thread;
  uv_mutex_t mutex;
  uv_cond_t cond;
  bool thread_running;
  TransportChunk *chunks, *chunks_tail; /* guarded by mutex */
  size_t chunk_bytes;                   /* guarded by mutex */
  bool thread_eof, thread_stop;         /* guarded by mutex */

  /* output: a stream, or blocking writes when out_stream is NULL */
  TransportStream out;
  uv_stream_t *out_stream;
  uv_write_t write_req;
  uv_buf_t write_bufs[TRANSPORT__BATCH];
  TransportOut *queue, *queue_tail; /* waiting, not yet handed to libuv */
  TransportOut *inflight;           /* handed to the current uv_write */
  size_t pending_bytes;             /* queued plus in flight */
};

static void transport__release(Transport *t) {
  if (--t->open_handles > 0) return;
  uv_mutex_destroy(&t->mutex);
  uv_cond_destroy(&t->cond);
  hl_free(t);
}

static void transport__handle_closed(uv_handle_t *handle) { transport__release(handle->data); }

static void transport__close_handle(uv_handle_t *handle) {
  if (!uv_is_closing(handle)) uv_close(handle, transport__handle_closed);
}

static void transport__report_eof(Transport *t) {
  if (t->eof_reported || t->closing) return;
  t->eof_reported = true;
  t->cb.on_eof(t->owner);
}

/* ------------------------------------------------------------------------
 * Input from a stream.
 */

static void transport__alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf) {
  Transport *t = handle->data;
  (void)suggested;
  *buf = uv_buf_init(t->read_buf, sizeof t->read_buf);
}

static void transport__on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf) {
  Transport *t = stream->data;
  (void)buf;
  if (nread > 0) {
    if (!t->closing) t->cb.on_data(t->owner, t->read_buf, (size_t)nread);
    return;
  }
  if (nread == 0) return; /* EAGAIN */
  if (nread != UV_EOF) hl_log(HL_LOG_ERROR, "reading stdin: %s", uv_strerror((int)nread));
  uv_read_stop(stream);
  transport__report_eof(t);
}

static int transport__open_stream(Transport *t, int fd, TransportStream *s, uv_stream_t **out,
                                  bool readable) {
  uv_handle_type type = uv_guess_handle(fd);
  int rc;
  if (type == UV_NAMED_PIPE || type == UV_TCP) {
    rc = uv_pipe_init(t->loop, &s->pipe, 0);
    if (rc == 0) {
      rc = uv_pipe_open(&s->pipe, fd);
      /* An initialised handle must be closed even when open failed. */
      if (rc != 0) {
        s->pipe.data = t;
        t->open_handles++;
        transport__close_handle((uv_handle_t *)&s->pipe);
      }
    }
  } else if (type == UV_TTY) {
    rc = uv_tty_init(t->loop, &s->tty, fd, readable);
  } else {
    return UV_EINVAL;
  }
  if (rc != 0) return rc;
  *out = (uv_stream_t *)s;
  (*out)->data = t;
  t->open_handles++;
  return 0;
}

/* ------------------------------------------------------------------------
 * Input from the reader thread.
 */

static void transport__reader(void *arg) {
  Transport *t = arg;
  for (;;) {
    uv_mutex_lock(&t->mutex);
    while (!t->thread_stop && t->chunk_bytes >= TRANSPORT__MAX_CHUNK_BYTES)
      uv_cond_wait(&t->cond, &t->mutex);
    bool stop = t->thread_stop;
    uv_mutex_unlock(&t->mutex);
    if (stop) return;

    TransportChunk *chunk = hl_malloc(sizeof *chunk + TRANSPORT__READ_SIZE);
    ssize_t n;
    do {
      n = read(0, chunk->data, TRANSPORT__READ_SIZE);
    } while (n < 0 && errno == EINTR);

    uv_mutex_lock(&t->mutex);
    if (n > 0) {
      chunk->len = (size_t)n;
      chunk->next = NULL;
      if (t->chunks_tail) t->chunks_tail->next = chunk;
      else t->chunks = chunk;
      t->chunks_tail = chunk;
      t->chunk_bytes += (size_t)n;
    } else {
      hl_free(chunk);
      t->thread_eof = true;
    }
    uv_mutex_unlock(&t->mutex);
    uv_async_send(&t->async);
    if (n <= 0) return;
  }
}

static void transport__on_async(uv_async_t *async) {
  Transport *t = async->data;
  uv_mutex_lock(&t->mutex);
  TransportChunk *chunks = t->chunks;
  bool eof = t->thread_eof;
  t->chunks = t->chunks_tail = NULL;
  t->chunk_bytes = 0;
  uv_cond_signal(&t->cond);
  uv_mutex_unlock(&t->mutex);

  while (chunks) {
    TransportChunk *next = chunks->next;
    if (!t->closing) t->cb.on_data(t->owner, chunks->data, chunks->len);
    hl_free(chunks);
    chunks = next;
  }
  if (eof) transport__report_eof(t);
}

static int transport__start_thread(Transport *t) {
  int rc = uv_async_init(t->loop, &t->async, transport__on_async);
  if (rc != 0) return rc;
  t->async.data = t;
  t->open_handles++;
  rc = uv_thread_create(&t->thread, transport__reader, t);
  if (rc != 0) return rc;
  t->thread_running = true;
  return 0;
}

static void transport__stop_thread(Transport *t) {
  if (t->thread_running) {
    uv_mutex_lock(&t->mutex);
    t->thread_stop = true;
    uv_cond_signal(&t->cond);
    uv_mutex_unlock(&t->mutex);
    uv_thread_join(&t->thread);
    t->thread_running = false;
  }
  TransportChunk *c = t->chunks;
  while (c) {
    TransportChunk *next = c->next;
    hl_free(c);
    c = next;
  }
  t->chunks = t->chunks_tail = NULL;
  transport__close_handle((uv_handle_t *)&t->async);
}

/* ------------------------------------------------------------------------
 * Output.
 */

static void transport__out_free(TransportOut *o) {
  rpc_free(o->buf);
  hl_free(o);
}

static void transport__free_list(TransportOut *o) {
  while (o) {
    TransportOut *next = o->next;
    transport__out_free(o);
    o = next;
  }
}

static void transport__write_failed(Transport *t, int status) {
  hl_log_stderr(HL_LOG_ERROR, "writing stdout: %s", uv_strerror(status));
  t->write_failed = true;
  transport__free_list(t->queue);
  t->queue = t->queue_tail = NULL;
  t->pending_bytes = 0;
  if (!t->closing) t->cb.on_write_error(t->owner);
}

static int transport__write_all(const char *buf, size_t len) {
  size_t done = 0;
  while (done < len) {
    ssize_t n = write(1, buf + done, len - done);
    if (n > 0) {
      done += (size_t)n;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      struct pollfd p = {.fd = 1, .events = POLLOUT};
      poll(&p, 1, -1);
    } else if (n < 0 && errno != EINTR) {
      return uv_translate_sys_error(errno);
    }
  }
  return 0;
}

static void transport__maybe_close_output(Transport *t) {
  if (!t->closing || t->inflight || (t->queue && !t->write_failed)) return;
  if (t->out_stream) transport__close_handle((uv_handle_t *)t->out_stream);
}

static void transport__flush(Transport *t);

static void transport__on_write(uv_write_t *req, int status) {
  Transport *t = req->data;
  for (TransportOut *o = t->inflight; o;) {
    TransportOut *next = o->next;
    t->pending_bytes -= o->len;
    transport__out_free(o);
    o = next;
  }
  t->inflight = NULL;
  if (status != 0 && !t->write_failed) transport__write_failed(t, status);
  if (!t->write_failed) transport__flush(t);
  transport__maybe_close_output(t);
}

/* Hands the head of the queue to libuv when no write is in flight. */
static void transport__flush(Transport *t) {
  if (t->inflight || !t->queue || t->write_failed) return;
  unsigned n = 0;
  TransportOut *last = NULL;
  for (TransportOut *o = t->queue; o && n < TRANSPORT__BATCH; o = o->next) {
    t->write_bufs[n++] = uv_buf_init(o->buf, (unsigned)o->len);
    last = o;
  }
  t->inflight = t->queue;
  t->queue = last->next;
  if (!t->queue) t->queue_tail = NULL;
  last->next = NULL;
  t->write_req.data = t;
  int rc = uv_write(&t->write_req, t->out_stream, t->write_bufs, n, transport__on_write);
  if (rc != 0) {
    for (TransportOut *o = t->inflight; o; o = o->next) t->pending_bytes -= o->len;
    transport__free_list(t->inflight);
    t->inflight = NULL;
    transport__write_failed(t, rc);
  }
}

/* Discards queued droppable messages, oldest first, until the queue fits. */
static void transport__shed(Transport *t) {
  size_t dropped = 0;
  TransportOut **link = &t->queue;
  t->queue_tail = NULL;
  while (*link) {
    TransportOut *o = *link;
    if (t->pending_bytes > TRANSPORT_MAX_PENDING && o->droppable) {
      *link = o->next;
      t->pending_bytes -= o->len;
      transport__out_free(o);
      dropped++;
      continue;
    }
    t->queue_tail = o;
    link = &o->next;
  }
  if (dropped)
    hl_log_stderr(HL_LOG_WARN, "output queue above %u bytes: dropped %zu notifications",
                  TRANSPORT_MAX_PENDING, dropped);
}

void transport_send(Transport *t, char *buf, size_t len, bool droppable) {
  if (!t || t->closing || t->write_failed) {
    rpc_free(buf);
    return;
  }
  if (!t->out_stream) {
    int rc = transport__write_all(buf, len);
    rpc_free(buf);
    if (rc != 0) transport__write_failed(t, rc);
    return;
  }
  TransportOut *o = hl_malloc(sizeof *o);
  *o = (TransportOut){.buf = buf, .len = len, .droppable = droppable};
  if (t->queue_tail) t->queue_tail->next = o;
  else t->queue = o;
  t->queue_tail = o;
  t->pending_bytes += len;
  if (t->pending_bytes > TRANSPORT_MAX_PENDING) transport__shed(t);
  transport__flush(t);
}

/* ------------------------------------------------------------------------
 * Life cycle.
 */

Transport *transport_new(uv_loop_t *loop, const TransportCallbacks *cb, void *owner) {
  Transport *t = hl_calloc(1, sizeof *t);
  t->loop = loop;
  t->cb = *cb;
  t->owner = owner;
  uv_mutex_init(&t->mutex);
  uv_cond_init(&t->cond);
  /* Counts as a handle until set-up is over, so that a failure half way
   * cannot free the transport from a close callback too early. */
  t->open_handles = 1;

  int rc = 0;
  if (transport__open_stream(t, 1, &t->out, &t->out_stream, false) != 0) t->out_stream = NULL;
  if (transport__open_stream(t, 0, &t->in, &t->in_stream, true) == 0)
    rc = uv_read_start(t->in_stream, transport__alloc, transport__on_read);
  else
    rc = transport__start_thread(t);
  if (rc != 0) {
    hl_log_stderr(HL_LOG_ERROR, "cannot read stdin: %s", uv_strerror(rc));
    transport_close(t);
    transport__release(t);
    return NULL;
  }
  transport__release(t);
  return t;
}

void transport_close(Transport *t) {
  if (!t || t->closing) return;
  t->closing = true;
  if (t->in_stream) transport__close_handle((uv_handle_t *)t->in_stream);
  else transport__stop_thread(t);
  if (t->out_stream) transport__maybe_close_output(t);
}
