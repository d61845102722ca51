/* The link with nothing published: what the relay counts each way over a
 * quiet interval is the chatter a metered link pays for around the clock
 * (leafnode pings, the sources' idle heartbeats, interest updates). */
#ifndef SYNC_IDLE_H
#define SYNC_IDLE_H

#include "bds_measure.h"
#include "nx_err.h"

typedef struct idle_result {
    double seconds;
    relay_counts link;
    bool leafz_ok;
    int64_t leafz_up, leafz_down;
} idle_result;

int idle_measure(const sync_env *env, double seconds, idle_result *out, nx_err *err);

/* Bytes per second one way. */
double idle_bps(const idle_result *r, relay_dir d);

#endif
