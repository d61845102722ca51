/* One direction of sync: a set of origin streams on one server, each sourced
 * into a stream of the same name on the other, and the subject points are
 * published to for each. Built for the scale runs (one stream per node and
 * direction) and for the outage run. */
#ifndef BDS_PATH_H
#define BDS_PATH_H

#include <nats/nats.h>
#include <stdint.h>

#include "bds_topology.h"
#include "nx_err.h"

#define BDS_STREAMS_MAX 64

typedef struct bds_path {
    const char *name;       /* "hub_to_leaf" or "leaf_to_hub" */
    const char *origin;     /* the origin server, also the points' origin field */
    const char *token;      /* the subject scope of its points (topology names) */
    const char *src_domain; /* the origin's JetStream domain, for the sources */
    jsCtx *src_js, *dst_js;
    natsConnection *src_nc, *dst_nc;
    int nstreams;
    char stream[BDS_STREAMS_MAX][32];  /* same name on both sides */
    char subject[BDS_STREAMS_MAX][64]; /* where that stream's points go */
} bds_path;

/* Describes n streams NODE-<k>-HUB (n.hub.<k>.>) on the hub sourced into the
 * leaf, or NODE-<k>-LEAF on the leaf sourced into the hub, k = 1..n (with
 * the run's prefix and scope on an existing deployment: topology names). */
void bds_path_init(bds_path *p, bds_topology *t, bool hub_to_leaf, int n);

/* Creates the origin streams and the sourced ones. */
int bds_path_create(const bds_path *p, nx_err *err);

/* Deletes both sides' streams (missing ones are fine). */
int bds_path_delete(const bds_path *p, nx_err *err);

/* Describes and creates per_way streams each way, then publishes a first
 * point into every origin stream and waits until every sourced copy holds
 * it, so the sources are known to be running; *seconds is all of that. */
int bds_paths_setup(bds_topology *t, int per_way, int64_t timeout_ms, bds_path *h2l, bds_path *l2h,
                    double *seconds, nx_err *err);

#endif
