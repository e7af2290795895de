/* tests/bench/lspc — a minimal LSP client over pipes, for timing servers
 * from the outside (hybridls, and the peers pylsp and pyright-langserver).
 *
 * The client starts the server with its stdin and stdout on pipes (stderr
 * goes to /dev/null unless LSPC_STDERR is set in the environment), frames
 * and unframes JSON-RPC messages, and answers the requests a server sends
 * (workspace/configuration gets one null per item, everything else null)
 * while it waits, so servers that ask for configuration do not stall.
 *
 * Timing: lspc_wait_* report the monotonic time at which the awaited
 * message was completely read, before it is decoded, so decoding does not
 * count against the server.
 *
 * Like the LSP test runner, it shares no code with protocol/, so a framing
 * bug in the server is not hidden by the same bug here. Single-threaded;
 * SIGPIPE must be ignored by the caller.
 */
#ifndef HYBRIDLS_TESTS_BENCH_LSPC_H
#define HYBRIDLS_TESTS_BENCH_LSPC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "tests/bench/gen.h"

typedef struct LspClient {
  pid_t pid;
  int to_server, from_server;
  GenBuf in;     /* bytes read and not yet consumed */
  size_t in_pos; /* start of the unconsumed bytes */
  int64_t next_id;
} LspClient;

/* Starts argv[0] (searched in PATH) with argv. Returns 0 or -1 after a
 * message on stderr. */
int lspc_start(LspClient *c, char *const argv[]);

/* Sends one message (body bytes, framed here). Returns 0 or -1. */
int lspc_send_raw(LspClient *c, const char *body, size_t len);
/* Encodes and sends `msg`; steals the reference. */
int lspc_send(LspClient *c, json_t *msg);
/* A notification or request body, compact; new malloc'd string. `params`
 * is stolen. `id` < 0 makes a notification. */
char *lspc_encode(const char *method, int64_t id, json_t *params, size_t *len);

/* Sends initialize (processId, rootUri, capabilities with UTF-16 and
 * publishDiagnostics support, `init_options` stolen, may be NULL), waits for
 * the reply, and sends initialized. Returns 0 or -1. */
int lspc_initialize(LspClient *c, const char *root_uri, json_t *init_options, int timeout_ms);

/* Waits for publishDiagnostics of `uri` with `version` (any version when
 * version < 0). Returns the message (new reference) and the time it was read
 * in *at_ms, or NULL on timeout or end of output. */
json_t *lspc_wait_diagnostics(LspClient *c, const char *uri, int64_t version, int timeout_ms, double *at_ms);

/* Sends shutdown and exit, waits for the process (killing it after
 * timeout_ms) and frees the client. Returns the exit status, or -1. */
int lspc_stop(LspClient *c, int timeout_ms);

/* Resident set size and its high-water mark in bytes, from
 * /proc/PID/status. Returns 0 or -1. */
int lspc_memory(pid_t pid, uint64_t *rss, uint64_t *hwm);

#endif
