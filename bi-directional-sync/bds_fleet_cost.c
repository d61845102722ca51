#include "bds_fleet_cost.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nx_monitor.h"
#include "nx_stats.h"

int bds_proc_stat_parse(const char *text, uint64_t *ticks, int64_t *rss_pages)
{
    const char *p = strrchr(text, ')');
    if (p == NULL)
        return -1;
    p++;
    /* p now stands before field 3 (state). */
    unsigned long long ut = 0, st = 0;
    long long rss = 0;
    int field = 2;
    while (*p && field < 24) {
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        field++;
        char *end;
        if (field == 14)
            ut = strtoull(p, &end, 10);
        else if (field == 15)
            st = strtoull(p, &end, 10);
        else if (field == 24)
            rss = strtoll(p, &end, 10);
        while (*p && *p != ' ')
            p++;
    }
    if (field < 24)
        return -1;
    *ticks = ut + st;
    *rss_pages = rss;
    return 0;
}

static int read_proc(pid_t pid, double *cpu_s, int64_t *rss, nx_err *err)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return nx_fail(err, "cannot read %s: the hub process is gone", path);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    uint64_t ticks;
    int64_t pages;
    if (bds_proc_stat_parse(buf, &ticks, &pages) != 0)
        return nx_fail(err, "%s: unexpected format", path);
    *cpu_s = (double)ticks / (double)sysconf(_SC_CLK_TCK);
    *rss = pages * (int64_t)sysconf(_SC_PAGESIZE);
    return 0;
}

int bds_cost_sample_take(pid_t pid, const char *monitor_url, bds_cost_sample *out, nx_err *err)
{
    static nx_leafz l; /* large; samples are taken from one thread */
    memset(out, 0, sizeof *out);
    out->t_ns = nx_now_ns();
    if (read_proc(pid, &out->cpu_s, &out->rss_bytes, err) != 0)
        return -1;
    nx_varz v;
    if (nx_monitor_varz(monitor_url, &v, err) != 0 || nx_monitor_leafz(monitor_url, &l, err) != 0)
        return nx_fail_wrap(err, "the hub's monitoring: ");
    out->varz_mem = v.mem;
    out->varz_cpu = v.cpu;
    out->leafz_count = l.count;
    for (int i = 0; i < l.count; i++)
        out->leafz_bytes += l.conns[i].in_bytes + l.conns[i].out_bytes;
    return 0;
}

void bds_cost_between(const bds_cost_sample *a, const bds_cost_sample *b, bds_cost *out)
{
    memset(out, 0, sizeof *out);
    out->seconds = (double)(b->t_ns - a->t_ns) / 1e9;
    if (out->seconds > 0) {
        out->cpu_pct = 100.0 * (b->cpu_s - a->cpu_s) / out->seconds;
        out->leafz_bps = (double)(b->leafz_bytes - a->leafz_bytes) / out->seconds;
    }
    out->rss_bytes = b->rss_bytes;
    out->varz_mem = b->varz_mem;
    out->varz_cpu = b->varz_cpu;
}
