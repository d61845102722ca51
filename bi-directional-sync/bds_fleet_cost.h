/* What the hub server costs, sampled at the start and end of a window: its
 * process's CPU time and RSS from /proc/<pid>/stat, the server's own view
 * from /varz (mem, cpu), and the payload bytes of every leaf connection
 * from /leafz. */
#ifndef BDS_FLEET_COST_H
#define BDS_FLEET_COST_H

#include <stdint.h>
#include <sys/types.h>

#include "nx_err.h"

typedef struct bds_cost_sample {
    int64_t t_ns;
    double cpu_s;        /* utime + stime of the process */
    int64_t rss_bytes;   /* /proc rss * page size */
    int64_t varz_mem;    /* /varz mem (bytes) */
    double varz_cpu;     /* /varz cpu (percent of a core, the server's sample) */
    int64_t leafz_bytes; /* sum of in_bytes + out_bytes over leaf connections */
    int leafz_count;
} bds_cost_sample;

typedef struct bds_cost {
    double seconds;
    double cpu_pct;    /* 100 * CPU seconds / wall seconds, from /proc */
    int64_t rss_bytes; /* at the end */
    int64_t varz_mem;  /* at the end */
    double varz_cpu;   /* at the end */
    double leafz_bps;  /* payload bytes per second, all leaves, both ways */
} bds_cost;

/* Parses the text of /proc/<pid>/stat: utime and stime (clock ticks,
 * fields 14 and 15) and rss (pages, field 24), counted after the ')' that
 * ends the command name (which may hold spaces). Pure; for tests. */
int bds_proc_stat_parse(const char *text, uint64_t *ticks, int64_t *rss_pages);

int bds_cost_sample_take(pid_t pid, const char *monitor_url, bds_cost_sample *out, nx_err *err);

void bds_cost_between(const bds_cost_sample *a, const bds_cost_sample *b, bds_cost *out);

#endif
