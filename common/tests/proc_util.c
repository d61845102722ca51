#include "proc_util.h"

#include <dirent.h>
#include <errno.h>
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
