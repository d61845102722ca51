/* CPU time used by this process and by the servers it spawned, read around
 * a case to show where its time went (client or server). */
#ifndef TSD_CPU_H
#define TSD_CPU_H

#include <stdbool.h>

#include "nx_run.h"

typedef struct tsd_cpu {
    double self_s;
    double servers_s; /* < 0 when unknown (--url: the servers are not ours) */
    /* servers_s came from /proc tick counters (10 ms steps) because a
     * server's CPU-time clock could not be read */
    bool servers_coarse;
} tsd_cpu;

/* Both from CPU-time clocks (nanoseconds, every thread of the process,
 * ended ones included): clock_gettime(CLOCK_PROCESS_CPUTIME_ID) for this
 * process, clock_getcpuclockid for each spawned server. */
void tsd_cpu_now(const nx_run *run, tsd_cpu *out);

/* after - before, keeping "unknown" unknown; a server figure counted in
 * ticks is unknown below 100 ticks (its resolution would dominate it). */
tsd_cpu tsd_cpu_delta(const tsd_cpu *before, const tsd_cpu *after);

#endif
