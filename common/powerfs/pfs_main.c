/* natsexp-powerfs: a FUSE filesystem that forgets what was not fsynced.
 *
 *   natsexp-powerfs --control-fd FD BACKING MOUNTPOINT
 *
 * Mounts MOUNTPOINT over the directory BACKING (see pfs_fs.h for what is
 * cached and when it becomes durable) and serves until unmounted. FD is one
 * end of a socket pair held by the run (common/nx_powerfs.c); the daemon
 * writes "ready\n" on it once mounted and then answers one-byte commands
 * with one line:
 *   'C'  power cut: every unsynced byte dropped -> "cut FILES BYTES\n"
 *   'F'  flush all: every cache written out    -> "flushed FILES BYTES\n"
 *   'S'  counters                              -> "stats FSYNCS FSYNCDIRS FILES BYTES\n"
 * End of file on FD (the run is gone, however it ended) unmounts at once,
 * lazily when busy, and the daemon exits: no mount outlives its run. So does
 * SIGTERM/SIGINT/SIGHUP (libfuse's handlers) and the parent's death
 * (PR_SET_PDEATHSIG, set here and by the run before the exec). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pfs_fs.h"

static int ctl_fd = -1;
static const char *mountpoint;

static void reply(const char *line)
{
    size_t len = strlen(line);
    while (len > 0) {
        ssize_t n = write(ctl_fd, line, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        line += n;
        len -= (size_t)n;
    }
}

/* Detaches the mount so the FUSE loop ends (its read gets ENODEV). As root
 * umount2 does it; otherwise fusermount3 does. */
static void detach(void)
{
    if (umount2(mountpoint, MNT_DETACH) == 0)
        return;
    pid_t pid = fork();
    if (pid == 0) {
        execlp("fusermount3", "fusermount3", "-u", "-z", "-q", mountpoint, (char *)NULL);
        _exit(127);
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
}

static void *control(void *arg)
{
    (void)arg;
    char line[160];
    for (;;) {
        char cmd;
        ssize_t n = read(ctl_fd, &cmd, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (cmd == 'C') {
            pfs_counts c = pfs_fs_cut();
            snprintf(line, sizeof line, "cut %d %zu\n", c.dirty_files, c.dirty_bytes);
        } else if (cmd == 'F') {
            pfs_counts c = pfs_fs_flush_all();
            snprintf(line, sizeof line, "flushed %d %zu\n", c.dirty_files, c.dirty_bytes);
        } else if (cmd == 'S') {
            pfs_counts c = pfs_fs_counts();
            snprintf(line, sizeof line, "stats %lu %lu %d %zu\n", c.fsyncs, c.fsyncdirs,
                     c.dirty_files, c.dirty_bytes);
        } else {
            snprintf(line, sizeof line, "error unknown command\n");
        }
        reply(line);
    }
    detach();
    return NULL;
}

static int usage(void)
{
    fprintf(stderr, "usage: natsexp-powerfs [--control-fd FD] BACKING MOUNTPOINT\n");
    return 2;
}

int main(int argc, char **argv)
{
    int i = 1;
    if (argc > 2 && strcmp(argv[1], "--control-fd") == 0) {
        ctl_fd = atoi(argv[2]);
        i = 3;
    }
    if (argc - i != 2)
        return usage();
    const char *backing = argv[i];
    mountpoint = argv[i + 1];
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() == 1)
        return 1; /* the run died before we got here */
    int rc = pfs_fs_init(backing);
    if (rc) {
        fprintf(stderr, "natsexp-powerfs: backing dir %s: %s\n", backing, strerror(-rc));
        return 1;
    }
    char *fargv[] = {argv[0], "-o", "fsname=natsexp-powerfs,subtype=powerfs", NULL};
    struct fuse_args args = FUSE_ARGS_INIT(3, fargv);
    struct fuse *f = fuse_new(&args, pfs_fs_ops(), sizeof *pfs_fs_ops(), NULL);
    if (f == NULL) {
        fprintf(stderr, "natsexp-powerfs: fuse_new failed\n");
        return 1;
    }
    if (fuse_mount(f, mountpoint) != 0) {
        fprintf(stderr, "natsexp-powerfs: cannot mount %s\n", mountpoint);
        fuse_destroy(f);
        return 1;
    }
    struct fuse_session *se = fuse_get_session(f);
    fuse_set_signal_handlers(se);
    pthread_t thread;
    bool have_thread = false;
    if (ctl_fd >= 0) {
        reply("ready\n");
        have_thread = pthread_create(&thread, NULL, control, NULL) == 0;
    }
    /* Single-threaded: every operation is ordered, and a cut sent after the
     * run's own barrier request (nx_powerfs_cut) follows every write the
     * killed process had queued. */
    rc = fuse_loop(f);
    fuse_remove_signal_handlers(se);
    fuse_unmount(f);
    fuse_destroy(f);
    if (have_thread)
        pthread_detach(thread);
    return rc < 0 ? 1 : 0;
}
