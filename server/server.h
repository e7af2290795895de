/* server/server — the language server: libuv loop on stdin/stdout, dispatch
 * with the lifecycle state machine, document store, debounced analysis and
 * diagnostics publishing. */
#ifndef HYBRIDLS_SERVER_SERVER_H
#define HYBRIDLS_SERVER_SERVER_H

/* Serves LSP on stdin/stdout until `exit` or EOF. argv[0] is "serve" (or the
 * program name); recognised options: --log-level LEVEL. Returns the process
 * exit code: 0 after shutdown+exit, 1 for exit without shutdown, EOF or a
 * vanished parent. */
int server_main(int argc, char **argv);

#endif
