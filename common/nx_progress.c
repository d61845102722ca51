#include "nx_progress.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nx_stats.h"

void nx_progress_start(nx_progress *p, const char *label, uint64_t total, bool quiet)
{
    memset(p, 0, sizeof *p);
    p->active = !quiet && isatty(STDERR_FILENO);
    snprintf(p->label, sizeof p->label, "%s", label);
    p->total = total;
    p->started_ns = nx_now_ns();
}

void nx_progress_update(nx_progress *p, uint64_t done)
{
    if (!p->active)
        return;
    int64_t now = nx_now_ns();
    if (now - p->drawn_ns < 100000000 && done < p->total)
        return;
    p->drawn_ns = now;
    double rate = nx_rate(done, now - p->started_ns);
    double eta = rate > 0 && p->total > done ? (double)(p->total - done) / rate : 0;
    fprintf(stderr, "\r\033[K%s: %llu/%llu (%.0f%%) %.0f/s ETA %.0fs", p->label,
            (unsigned long long)done, (unsigned long long)p->total,
            p->total ? 100.0 * (double)done / (double)p->total : 100.0, rate, eta);
    fflush(stderr);
}

void nx_progress_end(nx_progress *p)
{
    if (!p->active)
        return;
    fprintf(stderr, "\r\033[K");
    fflush(stderr);
    p->active = false;
}
