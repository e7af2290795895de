/* server/cli — the batch commands: `check`, `explain`, `inspect`.
 * Each takes the arguments after its sub-command name (argv[0] is the
 * sub-command) and returns the process exit code: 0 clean, 1 findings,
 * 2 usage or I/O error. Output goes to stdout, errors to stderr. */
#ifndef HYBRIDLS_SERVER_CLI_H
#define HYBRIDLS_SERVER_CLI_H

int cli_check_main(int argc, char **argv);
int cli_explain_main(int argc, char **argv);
int cli_inspect_main(int argc, char **argv);

#endif
