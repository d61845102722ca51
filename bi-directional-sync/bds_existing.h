/* Running against an existing hub and leaf (--hub-url, --leaf-url): two
 * servers someone else runs, already joined by a leafnode connection, each
 * with its own JetStream domain. Nothing is spawned and no relay sits on the
 * link, so only what needs neither a restart nor the relay's byte counts is
 * measured; every stream and subject carries the run's prefix, and the run's
 * streams are deleted on the way out, whatever the exit path. */
#ifndef BDS_EXISTING_H
#define BDS_EXISTING_H

#include "bds_topology.h"
#include "nx_err.h"

typedef struct bds_existing_config {
    const char *hub_url, *leaf_url;
    const char *hub_domain, *leaf_domain; /* NULL: the domain each server reports */
} bds_existing_config;

/* Connects to both, learns (or checks) their JetStream domains, and checks
 * that the leaf reaches the hub's JetStream through the hub's domain. */
int bds_topology_attach(bds_topology *t, const bds_existing_config *cfg, nx_err *err);

/* Deletes, on both servers, every stream whose name starts with the run's
 * prefix; says on stderr what could not be deleted. */
void bds_existing_cleanup(bds_topology *t);

#endif
