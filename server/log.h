/* server/log — leveled logging of the language server.
 *
 * Every message goes to stderr (never stdout, which carries only framed
 * messages) when its level is enabled, and to an optional sink: the server
 * installs one once `initialize` has been received so that messages also
 * reach the client as window/logMessage. The level is chosen once on the
 * command line (`--log-level`); the default is HL_LOG_WARN so that a client
 * only sees messages about things that went wrong.
 *
 * Includes only the C library. Process-wide state, used on the loop thread
 * only (the stdin reader thread never logs).
 */
#ifndef HYBRIDLS_SERVER_LOG_H
#define HYBRIDLS_SERVER_LOG_H

#include <stdbool.h>

/* Levels use window/logMessage's MessageType numbering. */
typedef enum HlLogLevel {
  HL_LOG_ERROR = 1,
  HL_LOG_WARN = 2,
  HL_LOG_INFO = 3,
  HL_LOG_DEBUG = 4,
} HlLogLevel;

/* Receives each enabled message after it was written to stderr. `message`
 * is borrowed for the duration of the call. */
typedef void (*HlLogSink)(void *data, HlLogLevel level, const char *message);

/* Sets the most verbose level that is written (HL_LOG_WARN by default). */
void hl_log_set_level(HlLogLevel level);

/* Parses "error", "warn", "info" or "debug". Returns 0, or -1 for anything
 * else (and leaves *out untouched). */
int hl_log_parse_level(const char *name, HlLogLevel *out);

/* True when messages of `level` are written. */
bool hl_log_enabled(HlLogLevel level);

/* Installs the sink (NULL removes it). `data` is borrowed until replaced. */
void hl_log_set_sink(HlLogSink sink, void *data);

/* Writes a message to stderr and the sink. */
void hl_log(HlLogLevel level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes a message to stderr only: for the output path itself, which must not
 * log through the sink it serves. */
void hl_log_stderr(HlLogLevel level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
