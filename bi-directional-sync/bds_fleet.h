/* A fleet: one hub (JetStream domain "hub", leafnode listen) and N leaf
 * servers on loopback, leaf k in domain "leaf<k>" with its own store dir and
 * a leafnode remote straight to the hub (no relay: the hub's cost is what is
 * measured, and N relays would add N threads to this process). A client
 * connection and a JetStream context to each. */
#ifndef BDS_FLEET_H
#define BDS_FLEET_H

#include <nats/nats.h>
#include <stdbool.h>

#include "nx_err.h"
#include "nx_server.h"

/* --fleet sizes are limited by the janitor's and /leafz's tables. */
#define BDS_FLEET_MAX 120

typedef struct bds_fleet_leaf {
    nx_server *srv;
    natsConnection *nc;
    jsCtx *js;
    char domain[16]; /* "leaf<k>", k from 1 */
} bds_fleet_leaf;

typedef struct bds_fleet {
    nx_server *hub;
    natsConnection *hub_nc;
    jsCtx *hub_js;
    bds_fleet_leaf leaves[BDS_FLEET_MAX];
    int n;
    char version[32];
    double spawn_s; /* all N leaf servers spawned and accepting clients */
    double link_s;  /* then until the hub's /leafz lists all N */
} bds_fleet;

typedef struct bds_fleet_config {
    const char *nats_server;
    bool keep;
} bds_fleet_config;

/* Starts the hub only (its cost before any leaf is the baseline). */
int bds_fleet_start_hub(bds_fleet *f, const bds_fleet_config *cfg, nx_err *err);

/* Starts n leaves one after the other from the calling (main) thread,
 * then waits until the hub lists all of them and connects to each. */
int bds_fleet_start_leaves(bds_fleet *f, const bds_fleet_config *cfg, int n, nx_err *err);

/* Waits until the hub's /leafz lists `want` leaf connections. */
int bds_fleet_wait_linked(bds_fleet *f, int want, int timeout_ms, nx_err *err);

/* Stops the hub (SIGTERM) and starts it again on its store dir and ports. */
int bds_fleet_restart_hub(bds_fleet *f, nx_err *err);

/* Everything stopped and removed; safe on a partly started fleet. */
void bds_fleet_destroy(bds_fleet *f);

#endif
