/* The two servers of the experiment and the link between them:
 *
 *   hub  (JetStream domain "hub", leafnode listen)
 *     ^
 *     | relay (counts, and can pace, every byte of the leafnode link)
 *     |
 *   leaf (JetStream domain "leaf", leafnode remote -> relay)
 *
 * plus a client connection to each server and the JetStream contexts the
 * experiment reads and writes through. */
#ifndef BDS_TOPOLOGY_H
#define BDS_TOPOLOGY_H

#include <nats/nats.h>
#include <stdbool.h>

#include "bds_names.h"
#include "bds_relay.h"
#include "nx_err.h"
#include "nx_server.h"

typedef struct bds_topology {
    nx_server *hub, *leaf;
    bds_relay *link;
    natsConnection *hub_nc, *leaf_nc;
    jsCtx *hub_js;      /* the hub's own domain */
    jsCtx *leaf_js;     /* the leaf's own domain */
    jsCtx *leaf_hub_js; /* domain hub, reached from the leaf across the link */
    char version[32];
    bds_names names; /* streams, subjects and domains of this run */
    bool existing;   /* hub and leaf are someone else's (--hub-url, --leaf-url) */
} bds_topology;

typedef struct bds_topology_config {
    const char *nats_server; /* --nats-server, NULL for the default lookup */
    bool keep;
    long link_rate_bits; /* 0: unlimited */
    /* leafnodes compression on the hub and the leaf's remote (2.10+); NULL:
     * none written, the server's default (s2_auto on 2.10+) */
    const char *leaf_compression;
    long link_delay_ms; /* one-way, set on the relay before the leaf connects */
} bds_topology_config;

/* A server of the sync topology: its server name and JetStream domain are
 * both name ("hub", "leaf", "leaf7"). */
void bds_server_config(nx_server_config *c, const char *binary, bool keep, const char *name);

/* Starts hub, relay and leaf, waits until the hub reports the leaf, and
 * connects. */
int bds_topology_start(bds_topology *t, const bds_topology_config *cfg, nx_err *err);

/* Waits until the hub's /leafz lists `want` leaf connections (0 or 1). */
int bds_topology_wait_leafz(bds_topology *t, int want, int timeout_ms, nx_err *err);

/* Shuts the leaf down (SIGTERM) and waits until the hub has seen it go. */
int bds_topology_leaf_stop(bds_topology *t, nx_err *err);

/* Starts the leaf again on the same store dir and ports; returns once it
 * accepts clients (not yet linked to the hub). */
int bds_topology_leaf_start_again(bds_topology *t, nx_err *err);

/* Stops everything and closes connections; safe on a partly started one.
 * On an existing deployment it deletes the run's streams first. */
void bds_topology_destroy(bds_topology *t);

#endif
