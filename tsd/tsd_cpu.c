#include "tsd_cpu.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* utime + stime of a process (all its threads), from /proc/<pid>/stat. */
static double process_cpu_s(pid_t pid)
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

void tsd_cpu_now(const nx_run *run, tsd_cpu *out)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    out->self_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                  (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    out->servers_s = -1;
    double sum = 0;
    int known = 0;
    if (run->server) {
        double s = process_cpu_s(nx_server_pid(run->server));
        if (s >= 0) {
            sum += s;
            known++;
        }
    }
    for (int i = 0; i < run->cluster.n; i++) {
        double s = process_cpu_s(nx_server_pid(run->cluster.node[i]));
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
    tsd_cpu d;
    d.self_s = after->self_s - before->self_s;
    d.servers_s =
        before->servers_s >= 0 && after->servers_s >= 0 ? after->servers_s - before->servers_s : -1;
    return d;
}
