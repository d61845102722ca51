/* The streams of a fleet and the points that flow through them:
 *
 *   leaf k:  FLEET-DATA (subject f.leaf<k>.p, written by the device)
 *            FLEET-DOWN (sourced from the hub's FLEET-HUB, domain hub)
 *   hub:     FLEET-HUB  (subject f.hub.p)
 *            per_leaf:   FLEET-LEAF<k>, each sourcing leaf k's FLEET-DATA
 *            one_stream: FLEET-ALL, one stream with N sources
 *
 * Every point is an indexed point (bds_points.h) whose origin is its
 * writer's domain, so a copy is checked point by point: counts, order,
 * content, nothing missing or twice. */
#ifndef BDS_FLEET_FLOW_H
#define BDS_FLEET_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "bds_fleet.h"
#include "nx_asyncpub.h"

typedef enum { BDS_FLEET_PER_LEAF, BDS_FLEET_ONE_STREAM } bds_fleet_layout;

const char *bds_fleet_layout_name(bds_fleet_layout l);

typedef struct bds_fleet_flow {
    bds_fleet *f;
    bds_fleet_layout layout;
    size_t payload;
    int timeout_ms;
    uint64_t up_next[BDS_FLEET_MAX]; /* points published by leaf k so far */
    uint64_t down_next;              /* points published on the hub so far */
    nx_asyncpub *leaf_pub[BDS_FLEET_MAX];
    nx_asyncpub *hub_pub;
} bds_fleet_flow;

/* What the read-back of every copy found, summed. */
typedef struct bds_fleet_check {
    uint64_t copies, points, missing, twice, out_of_order, corrupt;
    char first_problem[240];
} bds_fleet_check;

/* Creates the streams, publishes one point from every leaf and from the
 * hub, and waits until every copy holds it (*seconds). */
int bds_flow_setup(bds_fleet_flow *w, bds_fleet *f, bds_fleet_layout layout, size_t payload,
                   int timeout_ms, double *seconds, nx_err *err);

/* Sends `per_leaf` points from every leaf (interleaved) and, when hub is
 * true, as many from the hub; acks are not awaited. */
int bds_flow_send(bds_fleet_flow *w, uint64_t per_leaf, bool hub, nx_err *err);

/* Sends n points from the hub alone. */
int bds_flow_send_hub(bds_fleet_flow *w, uint64_t n, nx_err *err);

/* Waits for every outstanding publish ack (leaves, and the hub when hub). */
int bds_flow_acked(bds_fleet_flow *w, bool hub, nx_err *err);

/* Until every hub copy holds every point the leaves published. */
int bds_flow_wait_up(bds_fleet_flow *w, int timeout_ms, nx_err *err);

/* Until every leaf's FLEET-DOWN holds every point the hub published. */
int bds_flow_wait_down(bds_fleet_flow *w, int timeout_ms, nx_err *err);

/* One look at every copy of one way (up: the hub's copies; down: every
 * leaf's FLEET-DOWN): *all is true when each holds every point published
 * that way. A copy that cannot be read (a server restarting) is not yet
 * complete, not an error. */
void bds_flow_held(bds_fleet_flow *w, bool up, bool *all);

/* Reads every copy back and checks it point by point. */
int bds_flow_check(bds_fleet_flow *w, bds_fleet_check *out, nx_err *err);

static inline bool bds_fleet_check_ok(const bds_fleet_check *c)
{
    return c->missing == 0 && c->twice == 0 && c->out_of_order == 0 && c->corrupt == 0;
}

/* Deletes the streams and closes the publishers; safe on a partial setup. */
int bds_flow_teardown(bds_fleet_flow *w, nx_err *err);

#endif
