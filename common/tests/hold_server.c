/* A program that holds a running nats-server for the orphan tests: it
 * prints "<server pid> <server dir>" and then ends the way argv[1] says:
 *   wait    block until a signal arrives (the test sends SIGINT/SIGTERM/KILL)
 *   exit    exit(3) without destroying the server (an error path)
 *   abort   abort() (a crash) */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nx_server.h"

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "wait";
    nx_server_config cfg;
    nx_server_config_init(&cfg);
    cfg.leaf_listen = true;
    nx_server *s = NULL;
    nx_err err;
    if (nx_server_start(&s, &cfg, &err) != 0) {
        fprintf(stderr, "hold_server: %s\n", err.msg);
        return 1;
    }
    printf("%d %s\n", (int)nx_server_pid(s), nx_server_dir(s));
    fflush(stdout);
    if (strcmp(mode, "exit") == 0)
        exit(3);
    if (strcmp(mode, "abort") == 0)
        abort();
    for (;;)
        pause();
}
