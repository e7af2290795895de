/* hybridls entry point: picks the sub-command. Serving LSP on stdio is the
 * default; `check`, `explain` and `inspect` are the batch commands. */
#include <stdio.h>
#include <string.h>

#include "server/cli.h"
#include "server/server.h"
#include "server/version.h"

static const char usage[] =
    "usage: hybridls [serve]                  serve LSP on stdin/stdout\n"
    "       hybridls check [options] PATH...  report findings (see `hybridls check --help`)\n"
    "       hybridls inspect [--format text|json] PATH...\n"
    "                                         the graph-mode map of each function\n"
    "       hybridls explain RULE             print a rule's documentation\n"
    "       hybridls --version | --help\n";

int main(int argc, char **argv) {
  if (argc < 2 || strcmp(argv[1], "serve") == 0)
    return server_main(argc > 1 ? argc - 1 : argc, argc > 1 ? argv + 1 : argv);
  const char *cmd = argv[1];
  if (strcmp(cmd, "check") == 0) return cli_check_main(argc - 1, argv + 1);
  if (strcmp(cmd, "explain") == 0) return cli_explain_main(argc - 1, argv + 1);
  if (strcmp(cmd, "inspect") == 0) return cli_inspect_main(argc - 1, argv + 1);
  if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
    printf("hybridls %s\n", HYBRIDLS_VERSION);
    return 0;
  }
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
    fputs("hybridls: finds where TensorFlow code breaks, behaves differently or slows down\n"
          "under tf.function, as a language server and a batch checker.\n\n", stdout);
    fputs(usage, stdout);
    return 0;
  }
  if (cmd[0] == '-' && strcmp(cmd, "--stdio") == 0) return server_main(argc - 1, argv + 1);
  fprintf(stderr, "hybridls: unknown command '%s'\n%s", cmd, usage);
  return 2;
}
