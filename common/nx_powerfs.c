#include "nx_powerfs.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nx_janitor.h"

#ifndef NX_POWERFS_BUILD_PATH
#define NX_POWERFS_BUILD_PATH ""
#endif

struct nx_powerfs {
    pid_t pid;
    int ctl; /* our end of the daemon's control socket */
    char mountpoint[1000];
};

static bool executable_file(const char *path)
{
    struct stat st;
    return path[0] && stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

static bool in_path(const char *name, char *out, size_t len)
{
    const char *path = getenv("PATH");
    if (path == NULL)
        path = "/usr/bin:/bin";
    while (*path) {
        size_t n = strcspn(path, ":");
        snprintf(out, len, "%.*s/%s", (int)n, path, name);
        if (executable_file(out))
            return true;
        path += n + (path[n] == ':');
    }
    return false;
}

/* $NATSEXP_POWERFS, then the one this build made, then PATH. */
static bool find_daemon(char *out, size_t len)
{
    const char *env = getenv("NATSEXP_POWERFS");
    if (env && *env) {
        snprintf(out, len, "%s", env);
        return executable_file(out);
    }
    snprintf(out, len, "%s", NX_POWERFS_BUILD_PATH);
    return executable_file(out) || in_path("natsexp-powerfs", out, len);
}

int nx_powerfs_check(nx_err *err)
{
    int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return nx_fail(err, "/dev/fuse cannot be opened (%s): power cuts need FUSE",
                       strerror(errno));
    close(fd);
    char path[1024];
    if (!in_path("fusermount3", path, sizeof path))
        return nx_fail(err, "fusermount3 not found: power cuts need it (apt-get install fuse3)");
    if (!find_daemon(path, sizeof path))
        return nx_fail(err,
                       "natsexp-powerfs not built (needs libfuse3-dev; or set NATSEXP_POWERFS)");
    return 0;
}

/* One line from the daemon within timeout_ms; false on EOF or timeout. */
static bool read_line(int fd, char *buf, size_t len, int timeout_ms)
{
    size_t used = 0;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (used + 1 < len) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long left = timeout_ms -
                    ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000);
        struct pollfd pfd = {fd, POLLIN, 0};
        if (left <= 0 || poll(&pfd, 1, (int)left) == 0)
            return false;
        ssize_t n = read(fd, buf + used, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        if (buf[used] == '\n') {
            buf[used] = '\0';
            return true;
        }
        used++;
    }
    buf[used] = '\0';
    return true;
}

static void reap(pid_t pid, int timeout_ms)
{
    for (int waited = 0; waited < timeout_ms; waited += 10) {
        pid_t r = waitpid(pid, NULL, WNOHANG);
        if (r == pid || (r < 0 && errno == ECHILD))
            return;
        struct timespec ts = {0, 10000000L};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

int nx_powerfs_mount(nx_powerfs **out, const char *backing, const char *mountpoint, nx_err *err)
{
    *out = NULL;
    char daemon[1024];
    if (nx_powerfs_check(err) != 0 || !find_daemon(daemon, sizeof daemon))
        return -1;
    nx_powerfs *p = calloc(1, sizeof *p);
    if (p == NULL)
        return nx_fail(err, "out of memory");
    snprintf(p->mountpoint, sizeof p->mountpoint, "%s", mountpoint);
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        free(p);
        return nx_fail(err, "powerfs: socketpair: %s", strerror(errno));
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        /* The daemon's own handler unmounts on SIGTERM; dying with us
         * makes that happen even when we are SIGKILLed. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
            _exit(1);
        if (dup2(sv[1], 3) < 0)
            _exit(127);
        execl(daemon, "natsexp-powerfs", "--control-fd", "3", backing, mountpoint, (char *)NULL);
        _exit(127);
    }
    close(sv[1]);
    if (pid < 0) {
        close(sv[0]);
        free(p);
        return nx_fail(err, "powerfs: fork: %s", strerror(errno));
    }
    p->pid = pid;
    p->ctl = sv[0];
    if (nx_janitor_track_mount(mountpoint, pid, err) != 0) {
        nx_powerfs_unmount(p);
        return -1;
    }
    char line[256];
    if (!read_line(p->ctl, line, sizeof line, 10000) || strcmp(line, "ready") != 0) {
        nx_powerfs_unmount(p);
        return nx_fail(err, "natsexp-powerfs did not mount %s over %s (%s)", mountpoint, backing,
                       line[0] ? line : "it exited; its error is on stderr");
    }
    *out = p;
    return 0;
}

static int command(nx_powerfs *p, char cmd, const char *want, nx_powerfs_counts *c, nx_err *err)
{
    if (write(p->ctl, &cmd, 1) != 1)
        return nx_fail(err, "powerfs: control socket: %s", strerror(errno));
    char line[256];
    if (!read_line(p->ctl, line, sizeof line, 30000))
        return nx_fail(err, "powerfs: no answer to '%c' (daemon pid %d)", cmd, (int)p->pid);
    nx_powerfs_counts got = {0};
    int ok;
    if (cmd == 'C' || cmd == 'F')
        ok = sscanf(line, cmd == 'C' ? "cut %d %zu" : "flushed %d %zu", &got.dirty_files,
                    &got.dirty_bytes) == 2;
    else
        ok = sscanf(line, "stats %lu %lu %d %zu", &got.fsyncs, &got.fsyncdirs, &got.dirty_files,
                    &got.dirty_bytes) == 4;
    if (!ok)
        return nx_fail(err, "powerfs: unexpected answer '%s' (wanted %s)", line, want);
    if (c)
        *c = got;
    return 0;
}

int nx_powerfs_cut(nx_powerfs *p, nx_powerfs_counts *dropped, nx_err *err)
{
    /* A barrier: the daemon serves one request at a time in order, so once
     * this stat is answered, every write a killed process had queued before
     * it has been applied, and the cut that follows drops it too. */
    struct stat st;
    stat(p->mountpoint, &st);
    return command(p, 'C', "cut", dropped, err);
}

int nx_powerfs_flush_all(nx_powerfs *p, nx_err *err)
{
    return command(p, 'F', "flushed", NULL, err);
}

int nx_powerfs_counts_get(nx_powerfs *p, nx_powerfs_counts *out, nx_err *err)
{
    return command(p, 'S', "stats", out, err);
}

void nx_powerfs_unmount(nx_powerfs *p)
{
    if (p == NULL)
        return;
    /* The daemon detaches the mount when its control socket closes. */
    close(p->ctl);
    reap(p->pid, 5000);
    umount2(p->mountpoint, MNT_DETACH); /* in case it was SIGKILLed; EINVAL otherwise */
    nx_janitor_untrack(p->mountpoint);
    free(p);
}

const char *nx_powerfs_mountpoint(const nx_powerfs *p)
{
    return p->mountpoint;
}

pid_t nx_powerfs_pid(const nx_powerfs *p)
{
    return p->pid;
}
