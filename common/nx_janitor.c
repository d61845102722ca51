#include "nx_janitor.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A fleet run holds a hub and up to 120 leaves. */
#define MAX_ENTRIES 256
#define DIR_MAX 1000

/* One message fits well under PIPE_BUF, so writes from any thread arrive
 * whole. */
typedef struct msg {
    char op; /* 'A' add dir, 'M' add mount, 'P' set pid, 'U' untrack, 'C' clean up now */
    char keep;
    int32_t pid;
    char dir[DIR_MAX];
} msg;

typedef struct entry {
    bool used;
    bool keep;
    bool mount; /* dir is a FUSE mountpoint, pid its daemon */
    pid_t pid;
    char dir[DIR_MAX];
} entry;

static int cmd_fd = -1;
static int ack_fd = -1;
static pid_t owner_pid;
static pid_t janitor_pid;
static volatile sig_atomic_t cleaning;

/* ---- the janitor process: async-signal-safe code only ---- */

static entry entries[MAX_ENTRIES];

static void nap_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* A zombie counts as gone: its parent may be dead or busy, and the janitor
 * (a sibling) can never reap it. */
static bool process_gone(pid_t pid)
{
    char path[64];
    /* hand-made "/proc/<pid>/stat": snprintf is not async-signal-safe */
    char digits[16];
    int n = 0;
    for (pid_t v = pid; v > 0 && n < 15; v /= 10)
        digits[n++] = (char)('0' + v % 10);
    char *p = path;
    memcpy(p, "/proc/", 6);
    p += 6;
    while (n > 0)
        *p++ = digits[--n];
    memcpy(p, "/stat", 6);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return true;
    char buf[512];
    ssize_t len = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (len <= 0)
        return true;
    buf[len] = '\0';
    char *paren = strrchr(buf, ')');
    if (paren == NULL || paren[1] == '\0' || paren[2] == '\0')
        return true;
    return paren[2] == 'Z' || paren[2] == 'X';
}

static bool wait_all_gone(bool mounts, long timeout_ms)
{
    for (long waited = 0;; waited += 10) {
        bool all = true;
        for (int i = 0; i < MAX_ENTRIES; i++)
            if (entries[i].used && entries[i].mount == mounts && entries[i].pid > 0 &&
                !process_gone(entries[i].pid))
                all = false;
        if (all)
            return true;
        if (waited >= timeout_ms)
            return false;
        nap_ms(10);
    }
}

static void remove_tree(const char *dir)
{
    pid_t pid = fork();
    if (pid == 0) {
        char *const argv[] = {"rm", "-rf", "--", (char *)dir, NULL};
        char *const envp[] = {NULL};
        execve("/bin/rm", argv, envp);
        _exit(127);
    }
    if (pid > 0)
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
}

/* Lazy, so a mount still in use goes too; fusermount3 when not root. */
static void unmount_lazy(const char *dir)
{
    if (umount2(dir, MNT_DETACH) == 0 || errno == EINVAL || errno == ENOENT)
        return;
    pid_t pid = fork();
    if (pid == 0) {
        char *const argv[] = {"fusermount3", "-u", "-z", "-q", (char *)dir, NULL};
        char *const envp[] = {NULL};
        execve("/usr/bin/fusermount3", argv, envp);
        execve("/bin/fusermount3", argv, envp);
        _exit(127);
    }
    if (pid > 0)
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
}

/* Stops the processes of one kind (servers, or the FUSE daemons). */
static void stop_all(bool mounts)
{
    for (int i = 0; i < MAX_ENTRIES; i++)
        if (entries[i].used && entries[i].mount == mounts && entries[i].pid > 0)
            kill(entries[i].pid, SIGTERM);
    if (!wait_all_gone(mounts, 5000)) {
        for (int i = 0; i < MAX_ENTRIES; i++)
            if (entries[i].used && entries[i].mount == mounts && entries[i].pid > 0 &&
                !process_gone(entries[i].pid))
                kill(entries[i].pid, SIGKILL);
        wait_all_gone(mounts, 2000);
    }
}

static void janitor_cleanup(void)
{
    /* Servers first (they may be writing to a mount), then the mounts, and
     * only then the dirs: an rm -rf through a live mount would empty its
     * backing dir, which may be kept. */
    stop_all(false);
    for (int i = 0; i < MAX_ENTRIES; i++)
        if (entries[i].used && entries[i].mount)
            unmount_lazy(entries[i].dir);
    stop_all(true);
    for (int i = 0; i < MAX_ENTRIES; i++) {
        if (entries[i].used && !entries[i].keep && !entries[i].mount)
            remove_tree(entries[i].dir);
        entries[i].used = false;
    }
}

static entry *find_entry(const char *dir)
{
    for (int i = 0; i < MAX_ENTRIES; i++)
        if (entries[i].used && strcmp(entries[i].dir, dir) == 0)
            return &entries[i];
    return NULL;
}

static void janitor_apply(const msg *m)
{
    entry *e = find_entry(m->dir);
    switch (m->op) {
    case 'A':
    case 'M':
        if (e == NULL)
            for (int i = 0; i < MAX_ENTRIES && e == NULL; i++)
                if (!entries[i].used)
                    e = &entries[i];
        if (e) {
            e->used = true;
            e->keep = m->keep != 0;
            e->mount = m->op == 'M';
            e->pid = m->op == 'M' ? m->pid : 0;
            memcpy(e->dir, m->dir, DIR_MAX);
        }
        break;
    case 'P':
        if (e)
            e->pid = m->pid;
        break;
    case 'U':
        if (e)
            e->used = false;
        break;
    }
}

static void janitor_main(int in, int out)
{
    for (;;) {
        msg m;
        ssize_t n = read(in, &m, sizeof m);
        if (n < 0 && errno == EINTR)
            continue;
        if (n != (ssize_t)sizeof m) {
            /* EOF: the owner is gone, however it ended. */
            janitor_cleanup();
            _exit(0);
        }
        m.dir[DIR_MAX - 1] = '\0';
        if (m.op == 'C') {
            janitor_cleanup();
            char done = 'k';
            while (write(out, &done, 1) < 0 && errno == EINTR)
                ;
        } else {
            janitor_apply(&m);
        }
    }
}

/* ---- the owner's side ---- */

static void send_msg(char op, const char *dir, pid_t pid, bool keep)
{
    if (cmd_fd < 0)
        return;
    msg m;
    memset(&m, 0, sizeof m);
    m.op = op;
    m.keep = keep;
    m.pid = (int32_t)pid;
    if (dir) {
        size_t len = strlen(dir);
        if (len >= DIR_MAX)
            len = DIR_MAX - 1;
        memcpy(m.dir, dir, len);
    }
    while (write(cmd_fd, &m, sizeof m) < 0 && errno == EINTR)
        ;
}

void nx_janitor_cleanup_now(void)
{
    if (cmd_fd < 0 || getpid() != owner_pid || cleaning)
        return;
    cleaning = 1;
    send_msg('C', NULL, 0, false);
    char done;
    while (read(ack_fd, &done, 1) < 0 && errno == EINTR)
        ;
    cleaning = 0;
}

static void on_signal(int sig)
{
    static const char head[] = ": interrupted; stopping nats-server and removing its temp dir\n";
    const char *prog = program_invocation_short_name;
    int saved = errno;
    if (write(STDERR_FILENO, "\n", 1) < 0 || write(STDERR_FILENO, prog, strlen(prog)) < 0 ||
        write(STDERR_FILENO, head, sizeof head - 1) < 0) {
        /* nothing else to do if stderr is gone */
    }
    nx_janitor_cleanup_now();
    errno = saved;
    signal(sig, SIG_DFL);
    raise(sig);
}

static void at_exit(void)
{
    nx_janitor_cleanup_now();
}

static void install_handlers(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        struct sigaction old;
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue; /* respect nohup and friends */
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
    atexit(at_exit);
}

static void close_other_fds(int keep_a, int keep_b)
{
    /* Holding a copy of someone's pipe (a test reading our stdout) would keep
     * them waiting for an EOF until the janitor exits. */
    if (dup2(keep_a, 3) < 0 || dup2(keep_b, 4) < 0)
        _exit(1);
    if (syscall(SYS_close_range, 5U, ~0U, 0U) != 0)
        for (int fd = 5; fd < 4096; fd++)
            close(fd);
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        if (null > 4)
            close(null);
    }
}

static int start_janitor(nx_err *err)
{
    int cmd[2], ack[2];
    if (pipe2(cmd, O_CLOEXEC) != 0)
        return nx_fail(err, "cannot start the cleanup watcher: pipe: %s", strerror(errno));
    if (pipe2(ack, O_CLOEXEC) != 0) {
        close(cmd[0]);
        close(cmd[1]);
        return nx_fail(err, "cannot start the cleanup watcher: pipe: %s", strerror(errno));
    }
    pid_t pid = fork();
    if (pid < 0) {
        int saved = errno;
        close(cmd[0]);
        close(cmd[1]);
        close(ack[0]);
        close(ack[1]);
        return nx_fail(err, "cannot start the cleanup watcher: fork: %s", strerror(saved));
    }
    if (pid == 0) {
        /* Ctrl-C reaches the whole foreground process group; the janitor
         * must outlive it to clean up after the owner. */
        setpgid(0, 0);
        signal(SIGINT, SIG_IGN);
        signal(SIGTERM, SIG_IGN);
        signal(SIGHUP, SIG_IGN);
        signal(SIGQUIT, SIG_IGN);
        signal(SIGPIPE, SIG_IGN);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        prctl(PR_SET_NAME, "nx-janitor", 0, 0, 0);
        close_other_fds(cmd[0], ack[1]);
        janitor_main(3, 4);
    }
    close(cmd[0]);
    close(ack[1]);
    janitor_pid = pid;
    cmd_fd = cmd[1];
    ack_fd = ack[0];
    owner_pid = getpid();
    install_handlers();
    return 0;
}

static int track(char op, const char *dir, pid_t pid, bool keep, nx_err *err)
{
    if (strlen(dir) >= DIR_MAX)
        return nx_fail(err, "temp dir path is too long: %s", dir);
    if (cmd_fd >= 0 && getpid() != owner_pid) {
        /* A forked child inherited its parent's janitor: get its own. */
        close(cmd_fd);
        close(ack_fd);
        cmd_fd = ack_fd = -1;
    }
    if (cmd_fd < 0 && start_janitor(err) != 0)
        return -1;
    send_msg(op, dir, pid, keep);
    return 0;
}

int nx_janitor_track(const char *dir, bool keep, nx_err *err)
{
    return track('A', dir, 0, keep, err);
}

int nx_janitor_track_mount(const char *mountpoint, pid_t daemon, nx_err *err)
{
    return track('M', mountpoint, daemon, false, err);
}

void nx_janitor_set_pid(const char *dir, pid_t pid)
{
    send_msg('P', dir, pid, false);
}

void nx_janitor_untrack(const char *dir)
{
    send_msg('U', dir, 0, false);
}

pid_t nx_janitor_pid(void)
{
    return getpid() == owner_pid ? janitor_pid : 0;
}
