#include "proc_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void nap(void)
{
    struct timespec ts = {0, 10 * 1000000L};
    nanosleep(&ts, NULL);
}

void proc_become_subreaper(void)
{
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

static char state_of(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *paren = strrchr(buf, ')');
    return paren && paren[1] && paren[2] ? paren[2] : 0;
}

bool proc_wait_gone(pid_t pid, int timeout_ms)
{
    for (int waited = 0;; waited += 10) {
        waitpid(pid, NULL, WNOHANG);
        char st = state_of(pid);
        if (st == 0 || st == 'Z' || st == 'X') {
            waitpid(pid, NULL, WNOHANG);
            return true;
        }
        if (waited >= timeout_ms)
            return false;
        nap();
    }
}

bool path_wait_gone(const char *path, int timeout_ms)
{
    struct stat st;
    for (int waited = 0;; waited += 10) {
        if (stat(path, &st) != 0 && errno == ENOENT)
            return true;
        if (waited >= timeout_ms)
            return false;
        nap();
    }
}

static int living_children(pid_t except)
{
    DIR *d = opendir("/proc");
    int alive = 0;
    struct dirent *e;
    pid_t me = getpid();
    while (d && (e = readdir(d)) != NULL) {
        pid_t pid = (pid_t)atoi(e->d_name);
        if (pid <= 0)
            continue;
        char path[64], buf[512];
        snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
        FILE *f = fopen(path, "r");
        if (f == NULL)
            continue;
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = '\0';
        char *paren = strrchr(buf, ')');
        char st;
        int ppid;
        if (paren && sscanf(paren + 2, "%c %d", &st, &ppid) == 2 && ppid == me && st != 'Z' &&
            pid != except)
            alive++;
    }
    if (d)
        closedir(d);
    return alive;
}

int proc_children_alive(int timeout_ms, pid_t except)
{
    for (int waited = 0;; waited += 10) {
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        int alive = living_children(except);
        if (alive == 0 || waited >= timeout_ms)
            return alive;
        nap();
    }
}

const char *test_tmpdir(void)
{
    static char dir[128];
    snprintf(dir, sizeof dir, "/tmp/nx-test-XXXXXX");
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        exit(1);
    }
    setenv("TMPDIR", dir, 1);
    return dir;
}

int dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

void rm_rf(const char *path)
{
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/rm", "rm", "-rf", "--", path, (char *)NULL);
        _exit(127);
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
}

char *proc_slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return strdup("");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = calloc(1, n > 0 ? (size_t)n + 1 : 1);
    if (buf && n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)
        buf[0] = '\0';
    fclose(f);
    return buf;
}

int proc_run_captured(const char *const *argv, const char *out_path, const char *err_path,
                      int timeout_s)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int o = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (o < 0 || e < 0)
            _exit(127);
        dup2(o, 1);
        dup2(e, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status = 0;
    for (long waited_ms = 0;; waited_ms += 10) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            break;
        if (waited_ms >= (long)timeout_s * 1000) {
            /* SIGTERM first: the program gets to stop its servers. */
            kill(pid, SIGTERM);
            if (!proc_wait_gone(pid, 10000))
                kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        nap();
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool proc_left_nothing(const char *tmpdir, int timeout_ms, int *alive, int *entries)
{
    *alive = proc_children_alive(timeout_ms, 0);
    *entries = dir_entries(tmpdir);
    return *alive == 0 && *entries == 0;
}
