/* server/cli — the batch commands: `check`, `explain`, `inspect`.
 * Each takes the arguments after its sub-command name (argv[0] is the
 * sub-command) and returns the process exit code: 0 clean, 1 findings,
 * 2 usage or I/O error. Output goes to stdout, errors to stderr. */
#ifndef HYBRIDLS_SERVER_CLI_H
#define HYBRIDLS_SERVER_CLI_H

#include <stdbool.h>

int cli_check_main(int argc, char **argv);
int cli_explain_main(int argc, char **argv);
int cli_inspect_main(int argc, char **argv);

/* Option parsing shared by the commands (cli_options.c). */

/* Reads `NAME VALUE` or `NAME=VALUE` at argv[*i]. Returns 1 with *value set
 * (and *i advanced past a separate value), 0 when argv[*i] is not option
 * NAME, -1 when NAME is last and has no value. */
int cli_option_value(int argc, char **argv, int *i, const char *name, const char **value);

/* The value of --jobs: a whole number from 1 to 1024. */
bool cli_parse_jobs(const char *value, unsigned *jobs);

#endif
