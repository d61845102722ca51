/* Helpers for tests that must prove no process or temp dir outlives a
 * program: the test becomes a child subreaper, so orphans are reparented to
 * it and can be waited for. */
#ifndef PROC_UTIL_H
#define PROC_UTIL_H

#include <stdbool.h>
#include <sys/types.h>

/* Orphaned descendants become our children. */
void proc_become_subreaper(void);

/* True once pid has exited (reaping it if it is our child), false if it is
 * still alive after timeout_ms. */
bool proc_wait_gone(pid_t pid, int timeout_ms);

/* True once path no longer exists, false if it still does after timeout_ms. */
bool path_wait_gone(const char *path, int timeout_ms);

/* Reaps every exited child; returns how many children other than except are
 * still alive after waiting up to timeout_ms for them to go. */
int proc_children_alive(int timeout_ms, pid_t except);

/* Makes a fresh TMPDIR for the spawned servers' dirs; returns it. */
const char *test_tmpdir(void);

/* Number of entries in dir (0 for an empty or missing dir). */
int dir_entries(const char *dir);

void rm_rf(const char *path);

/* The whole file as a malloc'd string ("" when it cannot be read). */
char *proc_slurp(const char *path);

/* Runs argv[0] (a path) with argv (NULL-terminated), its stdout and stderr
 * written to out_path and err_path. Returns its exit code, 128 + the signal
 * that ended it, or -1 when it was still running after timeout_s (it is
 * then sent SIGTERM, SIGKILL 10 s later if still alive, and reaped). */
int proc_run_captured(const char *const *argv, const char *out_path, const char *err_path,
                      int timeout_s);

/* After a run: waits up to timeout_ms for every child (orphans reparented
 * to us included) to go, then says whether anything outlived the run:
 * *alive children still running, *entries left in tmpdir. */
bool proc_left_nothing(const char *tmpdir, int timeout_ms, int *alive, int *entries);

#endif
