#include "nx_watchdog.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nx_janitor.h"

#define WATCH_MAX 16
#define POLL_MS 50

typedef struct watched {
    pid_t pid; /* 0: free slot */
    char label[48];
    char url[64];
} watched;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake;
static pthread_t thread;
static bool running, stop_requested;
static watched table[WATCH_MAX];
static char prog_name[64];

/* Set by a signal or at exit: from then on the janitor is stopping the
 * servers, and their deaths are expected. */
static volatile sig_atomic_t off;

static const int chained_sigs[] = {SIGINT, SIGTERM, SIGHUP};
#define NCHAINED (sizeof chained_sigs / sizeof *chained_sigs)
static struct sigaction chained[NCHAINED];

static void on_signal(int sig, siginfo_t *info, void *uc)
{
    off = 1;
    for (size_t i = 0; i < NCHAINED; i++) {
        if (chained_sigs[i] != sig)
            continue;
        const struct sigaction *prev = &chained[i];
        if (prev->sa_flags & SA_SIGINFO) {
            prev->sa_sigaction(sig, info, uc);
        } else if (prev->sa_handler == SIG_DFL) {
            signal(sig, SIG_DFL);
            raise(sig);
        } else if (prev->sa_handler != SIG_IGN) {
            prev->sa_handler(sig);
        }
    }
}

/* Runs after main returns or exit() is called, before the janitor's own
 * exit handler (registered earlier) stops the servers. */
static void at_exit_off(void)
{
    off = 1;
}

/* Puts our handler in front of whatever is installed (the janitor's, once a
 * server was started). Called again on every watch, so a handler installed
 * after the watchdog started is chained too. */
static void chain_handlers(void)
{
    for (size_t i = 0; i < NCHAINED; i++) {
        struct sigaction cur;
        if (sigaction(chained_sigs[i], NULL, &cur) != 0)
            continue;
        if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == on_signal)
            continue;
        if (!(cur.sa_flags & SA_SIGINFO) && cur.sa_handler == SIG_IGN)
            continue; /* nohup and friends: leave it ignored */
        chained[i] = cur;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_signal;
        sa.sa_flags = SA_SIGINFO;
        sigemptyset(&sa.sa_mask);
        sigaction(chained_sigs[i], &sa, NULL);
    }
}

/* True when pid has exited (or was reaped by someone), with how in how. The
 * zombie is left for its owner (nx_server) to reap. */
static bool has_died(pid_t pid, char *how, size_t len)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0) {
        if (errno != ECHILD)
            return false;
        snprintf(how, len, "it is gone");
        return true;
    }
    if (si.si_pid != pid)
        return false;
    if (si.si_code == CLD_EXITED) {
        snprintf(how, len, "exit status %d", si.si_status);
    } else {
        const char *name = sigabbrev_np(si.si_status);
        snprintf(how, len, "killed by signal %d%s%s", si.si_status, name ? " SIG" : "",
                 name ? name : "");
    }
    return true;
}

static void describe(const watched *w, const char *how, char *out, size_t len)
{
    snprintf(out, len, "%s (pid %d, %s) died during the run (%s)", w->label, (int)w->pid, w->url,
             how);
}

/* Called with mu held; does not return. */
static void fire(const watched *w, const char *how)
{
    char line[256];
    describe(w, how, line, sizeof line);
    fflush(stdout);
    fprintf(stderr, "%s: %s; stopping the other servers and removing the temp dirs\n", prog_name,
            line);
    fflush(stderr);
    nx_janitor_cleanup_now();
    _exit(1);
}

static void *watch_loop(void *arg)
{
    (void)arg;
    /* Signals are for the main thread: its handlers chain to the janitor. */
    sigset_t block;
    sigemptyset(&block);
    for (size_t i = 0; i < NCHAINED; i++)
        sigaddset(&block, chained_sigs[i]);
    pthread_sigmask(SIG_BLOCK, &block, NULL);
    pthread_mutex_lock(&mu);
    while (!stop_requested) {
        for (int i = 0; i < WATCH_MAX && !off; i++) {
            char how[64];
            if (table[i].pid > 0 && has_died(table[i].pid, how, sizeof how))
                fire(&table[i], how);
        }
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += POLL_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&wake, &mu, &until);
    }
    pthread_mutex_unlock(&mu);
    return NULL;
}

int nx_watchdog_start(const char *prog, nx_err *err)
{
    pthread_mutex_lock(&mu);
    if (running) {
        pthread_mutex_unlock(&mu);
        return 0;
    }
    snprintf(prog_name, sizeof prog_name, "%s", prog);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&wake, &attr);
    pthread_condattr_destroy(&attr);
    stop_requested = false;
    memset(table, 0, sizeof table);
    int rc = pthread_create(&thread, NULL, watch_loop, NULL);
    if (rc != 0) {
        pthread_cond_destroy(&wake);
        pthread_mutex_unlock(&mu);
        return nx_fail(err, "cannot start the server watchdog: %s", strerror(rc));
    }
    static bool registered;
    if (!registered)
        atexit(at_exit_off);
    registered = true;
    running = true;
    pthread_mutex_unlock(&mu);
    return 0;
}

void nx_watchdog_watch(const nx_server *s, const char *label)
{
    if (s == NULL || nx_server_pid(s) <= 0)
        return;
    chain_handlers();
    pthread_mutex_lock(&mu);
    for (int i = 0; i < WATCH_MAX; i++) {
        if (table[i].pid == 0 || table[i].pid == nx_server_pid(s)) {
            table[i].pid = nx_server_pid(s);
            snprintf(table[i].label, sizeof table[i].label, "%s", label);
            snprintf(table[i].url, sizeof table[i].url, "%s", nx_server_url(s));
            break;
        }
    }
    pthread_mutex_unlock(&mu);
}

void nx_watchdog_unwatch(const nx_server *s)
{
    if (s == NULL)
        return;
    pthread_mutex_lock(&mu);
    for (int i = 0; i < WATCH_MAX; i++)
        if (table[i].pid > 0 && table[i].pid == nx_server_pid(s))
            table[i].pid = 0;
    pthread_mutex_unlock(&mu);
}

bool nx_watchdog_stop(nx_err *err)
{
    pthread_mutex_lock(&mu);
    if (!running) {
        pthread_mutex_unlock(&mu);
        return false;
    }
    stop_requested = true;
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&mu);
    pthread_join(thread, NULL);

    pthread_mutex_lock(&mu);
    bool explained = false;
    for (int i = 0; i < WATCH_MAX && !explained; i++) {
        char how[64];
        if (err && table[i].pid > 0 && has_died(table[i].pid, how, sizeof how)) {
            describe(&table[i], how, err->msg, sizeof err->msg);
            explained = true;
        }
    }
    memset(table, 0, sizeof table);
    pthread_cond_destroy(&wake);
    running = false;
    pthread_mutex_unlock(&mu);
    return explained;
}
