/* Makes sure every spawned nats-server is stopped and its temp dir removed,
 * however this process ends: normal exit, an error path that calls exit(),
 * Ctrl-C / SIGTERM / SIGHUP, a crash, or even SIGKILL.
 *
 * A small watcher process (the janitor) is forked on first use and holds a
 * registry of server pids, temp dirs and FUSE mounts, sent to it over a
 * pipe. When the pipe closes (this process is gone, whatever killed it) or
 * when asked to, the janitor stops the servers (SIGTERM, then SIGKILL),
 * unmounts the mounts and removes the dirs that are not kept. Signal
 * handlers for SIGINT, SIGTERM and SIGHUP ask the janitor to clean up, wait
 * for it, and then let the signal end the process, so the shell sees the
 * usual status. Everything the handler and the janitor do is
 * async-signal-safe. */
#ifndef NX_JANITOR_H
#define NX_JANITOR_H

#include <stdbool.h>
#include <sys/types.h>

#include "nx_err.h"

/* Registers a temp dir (removed at cleanup unless keep). Starts the janitor
 * and installs the signal handlers on first use. */
int nx_janitor_track(const char *dir, bool keep, nx_err *err);

/* Registers a FUSE mount served by daemon: at cleanup, after the servers
 * have stopped and before any dir is removed, it is unmounted (lazily, so a
 * busy mount goes too) and the daemon stopped. nx_janitor_untrack forgets
 * it once the owner has unmounted it. */
int nx_janitor_track_mount(const char *mountpoint, pid_t daemon, nx_err *err);

/* The pid of the server now using dir; 0 once it has been stopped and
 * reaped. */
void nx_janitor_set_pid(const char *dir, pid_t pid);

/* The owner removed dir itself: forget it. */
void nx_janitor_untrack(const char *dir);

/* Stops every registered server and removes the unkept dirs now, returning
 * when that is done. Async-signal-safe; does nothing in a forked child. */
void nx_janitor_cleanup_now(void);

/* The janitor's pid, 0 before first use (tests tell it from orphans). */
pid_t nx_janitor_pid(void);

#endif
