/* Notices a spawned nats-server that dies while the experiment relies on it
 * (killed from outside, crashed, out of memory) and ends the run at once.
 *
 * Without it a dead server is only found by the client's timeouts: nats.c
 * keeps reconnecting for a minute, a full async-publish window waits for
 * acks that never come, and every request waits its own timeout, so a run
 * could hang for minutes before saying anything useful.
 *
 * A thread polls the watched pids every 50 ms without reaping them. When one
 * has died it prints one line ("tsd: nats-server (pid 123, nats://...) died
 * during the run: killed by signal 9"), asks the janitor to stop the other
 * servers and remove every temp dir, and exits with status 1. Code that
 * stops, kills or restarts a server on purpose unwatches it first and
 * watches the new pid afterwards. A SIGINT/SIGTERM/SIGHUP or a normal exit
 * turns the watchdog off before the janitor stops the servers, so a cleanup
 * is never reported as a death.
 *
 * One watchdog per process, like the janitor: the signal handlers need it. */
#ifndef NX_WATCHDOG_H
#define NX_WATCHDOG_H

#include <stdbool.h>
#include <sys/types.h>

#include "nx_err.h"
#include "nx_server.h"

/* Starts the thread (once); prog prefixes the line it prints. */
int nx_watchdog_start(const char *prog, nx_err *err);

/* Watches a running server; label names it in the line ("the leaf"). NULL
 * or a stopped server is ignored. */
void nx_watchdog_watch(const nx_server *s, const char *label);

/* Forgets the server before it is stopped, killed or restarted on purpose.
 * NULL is allowed. */
void nx_watchdog_unwatch(const nx_server *s);

/* Stops the thread. When a watched server has died meanwhile and err is not
 * NULL, err is replaced by the line saying so (the run's own error is then
 * only a consequence) and true is returned. */
bool nx_watchdog_stop(nx_err *err);

#endif
