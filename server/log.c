/* server/log — leveled logging to stderr and to the client (see log.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "server/log.h"

static HlLogLevel hl_log__level = HL_LOG_WARN;
static HlLogSink hl_log__sink;
static void *hl_log__sink_data;
/* Set while the sink runs, so that a message logged by the sink itself (for
 * example while sending window/logMessage) cannot recurse into it. */
static bool hl_log__in_sink;

static const char *const hl_log__names[] = {NULL, "error", "warn", "info", "debug"};

void hl_log_set_level(HlLogLevel level) { hl_log__level = level; }

int hl_log_parse_level(const char *name, HlLogLevel *out) {
  for (int i = HL_LOG_ERROR; i <= HL_LOG_DEBUG; i++) {
    if (strcmp(name, hl_log__names[i]) == 0) {
      *out = (HlLogLevel)i;
      return 0;
    }
  }
  return -1;
}

bool hl_log_enabled(HlLogLevel level) { return level <= hl_log__level; }

void hl_log_set_sink(HlLogSink sink, void *data) {
  hl_log__sink = sink;
  hl_log__sink_data = data;
}

static void hl_log__write(HlLogLevel level, bool to_sink, const char *fmt, va_list ap) {
  char message[1024];
  vsnprintf(message, sizeof message, fmt, ap);
  fprintf(stderr, "hybridls: %s: %s\n", hl_log__names[level], message);
  if (to_sink && hl_log__sink && !hl_log__in_sink) {
    hl_log__in_sink = true;
    hl_log__sink(hl_log__sink_data, level, message);
    hl_log__in_sink = false;
  }
}

void hl_log(HlLogLevel level, const char *fmt, ...) {
  if (!hl_log_enabled(level)) return;
  va_list ap;
  va_start(ap, fmt);
  hl_log__write(level, true, fmt, ap);
  va_end(ap);
}

void hl_log_stderr(HlLogLevel level, const char *fmt, ...) {
  if (!hl_log_enabled(level)) return;
  va_list ap;
  va_start(ap, fmt);
  hl_log__write(level, false, fmt, ap);
  va_end(ap);
}
