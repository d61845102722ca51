/* The link with nothing published: what the relay counts each way over a
 * quiet interval is the chatter a metered link pays for around the clock
 * (leafnode pings, the sources' idle heartbeats, interest updates). */
#ifndef BDS_IDLE_H
#define BDS_IDLE_H

#include "bds_measure.h"
#include "nx_err.h"

typedef struct bds_idle_result {
    double seconds;
    bds_relay_counts link;
    bool leafz_ok;
    int64_t leafz_up, leafz_down;
} bds_idle_result;

int bds_idle_measure(const bds_env *env, double seconds, bds_idle_result *out, nx_err *err);

/* Bytes per second one way. */
double bds_idle_bps(const bds_idle_result *r, bds_relay_dir d);

#endif
