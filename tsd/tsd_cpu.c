#include "tsd_cpu.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MIN_TICKS 100

static double clock_s(clockid_t id)
{
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0)
        return -1;
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* utime + stime of a process from /proc/<pid>/stat, in clock ticks. */
static double process_ticks_s(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* The command name may hold spaces: fields are counted after its ')'. */
    char *p = strrchr(buf, ')');
    unsigned long long utime = 0, stime = 0;
    if (p == NULL ||
        sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
        return -1;
    long hz = sysconf(_SC_CLK_TCK);
    return hz > 0 ? (double)(utime + stime) / (double)hz : -1;
}

/* A server's CPU seconds, to the nanosecond when its CPU-time clock can be
 * read, else in ticks (*coarse set). */
static double server_cpu_s(pid_t pid, bool *coarse)
{
    clockid_t id;
    if (clock_getcpuclockid(pid, &id) == 0) {
        double s = clock_s(id);
        if (s >= 0)
            return s;
    }
    *coarse = true;
    return process_ticks_s(pid);
}

void tsd_cpu_now(const nx_run *run, tsd_cpu *out)
{
    out->self_s = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    out->servers_s = -1;
    out->servers_coarse = false;
    double sum = 0;
    int known = 0;
    if (run->server) {
        double s = server_cpu_s(nx_server_pid(run->server), &out->servers_coarse);
        if (s >= 0) {
            sum += s;
            known++;
        }
    }
    for (int i = 0; i < run->cluster.n; i++) {
        double s = server_cpu_s(nx_server_pid(run->cluster.node[i]), &out->servers_coarse);
        if (s >= 0) {
            sum += s;
            known++;
        }
    }
    if (known > 0 && known == (run->server ? 1 : 0) + run->cluster.n)
        out->servers_s = sum;
}

tsd_cpu tsd_cpu_delta(const tsd_cpu *before, const tsd_cpu *after)
{
    tsd_cpu d = {.servers_s = -1};
    d.self_s = before->self_s >= 0 && after->self_s >= 0 ? after->self_s - before->self_s : -1;
    d.servers_coarse = before->servers_coarse || after->servers_coarse;
    if (before->servers_s >= 0 && after->servers_s >= 0)
        d.servers_s = after->servers_s - before->servers_s;
    long hz = sysconf(_SC_CLK_TCK);
    if (d.servers_coarse && hz > 0 && d.servers_s < (double)MIN_TICKS / (double)hz)
        d.servers_s = -1;
    return d;
}
