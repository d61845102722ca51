/* Catch-up after an outage: the leaf is shut down, M points are published
 * on the hub, the leaf is started again on the same store dir, and three
 * moments are timed from the restart: the hub lists the leaf again
 * (reconnect), the first missed point lands in the leaf's sourced stream
 * (the source's retry), and all M are there. The caught-up points are then
 * read back and checked one by one. */
#ifndef BDS_OUTAGE_H
#define BDS_OUTAGE_H

#include <stdint.h>

#include "bds_measure.h"
#include "bds_path.h"
#include "bds_relay.h"
#include "bds_topology.h"
#include "nx_err.h"

/* How often the leaf's copy is polled after the restart: one stream, light
 * on the servers, but first_s and all_s are quantised to it (the rows leave
 * a rate empty when its interval is too short for that). */
#define BDS_OUTAGE_POLL_INTERVAL_MS 2

typedef struct bds_outage_result {
    uint64_t count;
    size_t data_len;       /* --payload */
    size_t point_bytes;    /* encoded */
    double publish_s;      /* M points published while the leaf was down */
    double ready_ms;       /* the restarted leaf accepts clients */
    double reconnect_s;    /* restart until the hub lists the leaf */
    double first_s;        /* restart until the first missed point is on the leaf */
    double all_s;          /* restart until all M are on the leaf */
    bds_relay_counts link; /* bytes from the restart until all M were there */
} bds_outage_result;

/* p is a hub_to_leaf path with one stream; its subject must be fresh (no
 * earlier points on it), so the caught-up points can be read back alone. */
int bds_outage_measure(bds_topology *t, const bds_path *p, const bds_env *env, uint64_t m,
                       size_t data_len, bds_outage_result *out, nx_err *err);

#endif
