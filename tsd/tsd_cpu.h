/* CPU time used by this process and by the servers it spawned, read around
 * a case to show where its time went (client or server). */
#ifndef TSD_CPU_H
#define TSD_CPU_H

#include <stdbool.h>

#include "nx_run.h"

typedef struct tsd_cpu {
    double self_s;
    double servers_s; /* < 0 when the servers are not ours (--url) */
} tsd_cpu;

void tsd_cpu_now(const nx_run *run, tsd_cpu *out);

/* after - before, keeping "unknown" unknown. */
tsd_cpu tsd_cpu_delta(const tsd_cpu *before, const tsd_cpu *after);

#endif
