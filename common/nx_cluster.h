/* A local JetStream cluster of spawned servers joined by routes on loopback,
 * so R1 and R3 streams can be measured side by side. Members are ordinary
 * nx_servers: kill, restart and destroy work on each. */
#ifndef NX_CLUSTER_H
#define NX_CLUSTER_H

#include <stdbool.h>

#include "nx_err.h"
#include "nx_server.h"

#define NX_CLUSTER_MAX 5

typedef struct nx_cluster {
    int n;
    nx_server *node[NX_CLUSTER_MAX];
    char urls[NX_CLUSTER_MAX * 40]; /* comma-separated client URLs */
} nx_cluster;

/* Starts n members named <name>-1..n (n from 3 to NX_CLUSTER_MAX) and waits
 * until JetStream has a meta leader; tears down what it started on failure.
 * base supplies the binary and keep; its cluster fields are ignored. */
int nx_cluster_start(nx_cluster *c, int n, const char *name, const nx_server_config *base,
                     nx_err *err);

/* Waits until every running member reports the same JetStream meta leader. */
int nx_cluster_wait_leader(nx_cluster *c, int timeout_ms, nx_err *err);

/* The member whose server_name is name, or NULL. */
nx_server *nx_cluster_member(nx_cluster *c, const char *name);

void nx_cluster_destroy(nx_cluster *c);

#endif
