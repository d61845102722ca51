/* The names a run puts on its deployment. On the servers this program
 * spawns they are the scenario's own (streams NODES-HUB and NODE-<k>-HUB,
 * subjects n.hub.123.value, domains hub and leaf). On an existing hub and
 * leaf (--hub-url, --leaf-url) every stream name starts with a run-unique
 * prefix, every subject's scope token carries it too (n.r123hub.123.value),
 * and the domains are the deployment's: nothing it already holds is touched,
 * and the run's streams can be found again by their prefix to delete them. */
#ifndef BDS_NAMES_H
#define BDS_NAMES_H

#include <stdbool.h>
#include <stddef.h>

typedef struct bds_names {
    char prefix[24];    /* stream names: "" or "r<id>_" */
    char token[2][40];  /* subject scope of the hub's [0] and the leaf's [1] points */
    char domain[2][64]; /* JetStream domains of the hub [0] and the leaf [1] */
} bds_names;

/* The scenario's plain names, for servers this program spawned. */
void bds_names_plain(bds_names *n);

/* Run-unique names on an existing deployment with these domains. */
void bds_names_scoped(bds_names *n, const char *hub_domain, const char *leaf_domain);

/* base with the run's prefix ("NODES-HUB" or "r123_NODES-HUB"). */
const char *bds_stream_name(const bds_names *n, const char *base, char *buf, size_t len);

/* The subject scope token of one side's points ("hub" or "r123hub"). */
const char *bds_token(const bds_names *n, bool hub);

/* The JetStream domain of one side. */
const char *bds_domain(const bds_names *n, bool hub);

#endif
