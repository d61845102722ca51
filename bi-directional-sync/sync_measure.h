/* Times one burst of sync along a path: `count` indexed points published
 * asynchronously, round robin over the path's origin streams, until the
 * sourced streams on the other side hold them all. Ordered consumers on the
 * destination, started before the first publish, receive every point and
 * check its order and content; their receipt time minus the point time in
 * the payload is the propagation latency. The relay's counters over the same
 * window give the bytes the link carried each way. */
#ifndef SYNC_MEASURE_H
#define SYNC_MEASURE_H

#include <stdbool.h>
#include <stdint.h>

#include "nx_err.h"
#include "nx_stats.h"
#include "relay.h"
#include "sync_opts.h"
#include "sync_path.h"

typedef struct sync_env {
    relay *link;
    const char *hub_monitor; /* for /leafz beside the relay's counts */
    bool quiet;              /* no progress line */
    int timeout_ms;          /* for the destination to hold everything */
    sync_fault fault;
    /* Publish each point and wait for its ack before the next, so latency
     * is propagation alone rather than a burst's queue. */
    bool one_by_one;
} sync_env;

typedef struct sync_sample {
    uint64_t count;
    size_t point_bytes;     /* encoded payload of one point */
    double seconds;         /* first publish until the destination holds all */
    double publish_seconds; /* first publish until the last ack */
    double window_s;        /* the relay's counting window */
    relay_counts link;      /* bytes over the window, by direction */
    bool leafz_ok;
    int64_t leafz_up, leafz_down; /* the hub's /leafz in/out bytes over the window */
} sync_sample;

/* Records every point's latency into latency. Fails with one line when a
 * publish fails, the destination does not get everything in time, or a
 * received point is out of order or corrupt. */
int sync_measure(const sync_path *p, const sync_env *env, uint64_t count, size_t data_len,
                 nx_hist *latency, sync_sample *out, nx_err *err);

/* Publishes count indexed points, round robin over the path's streams
 * (stream k gets indexes 0, 1, ... of its own): asynchronously, or one by
 * one when env says so; returns once every ack is in. */
int sync_publish(const sync_path *p, const sync_env *env, uint64_t count, size_t data_len,
                 double *seconds, size_t *point_bytes, nx_err *err);

/* Waits until the path's destination streams hold `want[k]` messages each;
 * the time it took in *seconds. */
int sync_wait_holds(const sync_path *p, const uint64_t *want, int timeout_ms, double *seconds,
                    nx_err *err);

/* The hub's /leafz byte counters for its one leaf connection: in (from the
 * leaf) as up, out as down. They count message payloads only. False when
 * the hub lists no single leaf. */
bool sync_leafz_bytes(const char *hub_monitor, int64_t *up, int64_t *down);

#endif
