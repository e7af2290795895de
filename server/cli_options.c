/* Option parsing shared by `check` and `inspect`. */
#include <stdlib.h>
#include <string.h>

#include "server/cli.h"

int cli_option_value(int argc, char **argv, int *i, const char *name, const char **value) {
  const char *a = argv[*i];
  size_t n = strlen(name);
  if (strncmp(a, name, n) != 0) return 0;
  if (a[n] == '=') {
    *value = a + n + 1;
    return 1;
  }
  if (a[n] != '\0') return 0;
  if (*i + 1 >= argc) return -1;
  *value = argv[++*i];
  return 1;
}

bool cli_parse_jobs(const char *value, unsigned *jobs) {
  char *end;
  long n = strtol(value, &end, 10);
  if (*value == '\0' || *end != '\0' || n < 1 || n > 1024) return false;
  *jobs = (unsigned)n;
  return true;
}
