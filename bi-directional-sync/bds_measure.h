/* Times one burst of sync along a path: `count` indexed points published
 * asynchronously, round robin over the path's origin streams, until ordered
 * consumers on the destination (started before the first publish) have
 * received the last of them. The consumers check every point's order and
 * content as it arrives and note when the last expected one came, so the
 * clock stops in their own callbacks, not at a poll; their receipt time
 * minus the point time in the payload is the propagation latency. The
 * destination streams' counts are checked afterwards, untimed. The relay's
 * counters over the same window give the bytes the link carried each way. */
#ifndef BDS_MEASURE_H
#define BDS_MEASURE_H

#include <stdbool.h>
#include <stdint.h>

#include "bds_opts.h"
#include "bds_path.h"
#include "bds_relay.h"
#include "nx_err.h"
#include "nx_stats.h"

typedef struct bds_env {
    bds_relay *link;
    const char *hub_monitor; /* for /leafz beside the relay's counts */
    bool quiet;              /* no progress line */
    int64_t timeout_ms;      /* for the destination to receive everything */
    bds_fault fault;
    /* Publish each point and wait for its ack before the next, so latency
     * is propagation alone rather than a burst's queue. */
    bool one_by_one;
} bds_env;

typedef struct bds_sample {
    uint64_t count;
    size_t point_bytes;     /* encoded payload of one point */
    double seconds;         /* first publish until the last point was received */
    double publish_seconds; /* first publish until the last ack */
    double window_s;        /* the relay's counting window */
    bds_relay_counts link;  /* bytes over the window, by direction */
    bool leafz_ok;
    int64_t leafz_up, leafz_down; /* the hub's /leafz in/out bytes over the window */
} bds_sample;

/* Records every point's latency into latency. Fails with one line when a
 * publish fails, the destination does not receive everything in time, a
 * received point is out of order or corrupt, or a destination stream then
 * holds other than what was published. */
int bds_measure(const bds_path *p, const bds_env *env, uint64_t count, size_t data_len,
                nx_hist *latency, bds_sample *out, nx_err *err);

/* Publishes count indexed points, round robin over the path's streams
 * (stream k gets indexes 0, 1, ... of its own): asynchronously, or one by
 * one when env says so; returns once every ack is in. corrupt_one flips a
 * byte of the middle point (an injected fault the readers must catch). */
int bds_publish(const bds_path *p, const bds_env *env, uint64_t count, size_t data_len,
                bool corrupt_one, double *seconds, size_t *point_bytes, nx_err *err);

/* The hub's /leafz byte counters for its one leaf connection: in (from the
 * leaf) as up, out as down. They count message payloads only. False when
 * the hub lists no single leaf. */
bool bds_leafz_bytes(const char *hub_monitor, int64_t *up, int64_t *down);

#endif
