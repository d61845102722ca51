/* What every single-deployment experiment (tsd, point-store) does before its
 * first measurement and after its last: open the CSV, get a JetStream to talk
 * to (a spawned server, a spawned 3-node cluster, or an existing deployment
 * from --url), connect, and learn the versions the rows must name.
 *
 * Against an existing deployment every stream name and subject carries a
 * run-unique scope, so nothing that was already there is touched, and
 * nx_run_close deletes the streams the run created. */
#ifndef NX_RUN_H
#define NX_RUN_H

#include <nats/nats.h>
#include <stdbool.h>
#include <stddef.h>

#include "nx_cli.h"
#include "nx_cluster.h"
#include "nx_err.h"
#include "nx_results.h"
#include "nx_server.h"
#include "nx_version.h"

#define NX_RUN_STREAMS_MAX 64

typedef struct nx_run {
    nx_opts opts;
    nx_results *results;
    nx_server *server;  /* spawned single server, or NULL */
    nx_cluster cluster; /* spawned cluster when cluster.n > 0 */
    char urls[512];     /* what clients connect to */
    char server_version[32];
    natsConnection *nc;
    jsCtx *js;
    /* NULL when the deployment is ours; "r<id>" with --url: stream names get
     * it as a prefix and subjects as their second token (n.<scope>.>). */
    const char *scope;
    char scope_buf[32];
    char created[NX_RUN_STREAMS_MAX][64]; /* streams to delete at close (--url) */
    int ncreated;
} nx_run;

/* Opens results, starts or finds the deployment, connects. Fails with one
 * line (an unwritable results dir, a missing nats-server, a closed --url,
 * --replicas 3 without a cluster). */
int nx_run_open(nx_run *run, const char *experiment, const nx_opts *opts, nx_err *err);

/* Deletes streams created with --url, closes the connection, stops what was
 * spawned, closes results. Safe on a partly opened run. */
void nx_run_close(nx_run *run);

/* The stream name to use for base ("NODES" or, with --url, "r123_NODES"),
 * remembered for deletion at close when the run does not own the server. */
const char *nx_run_stream_name(nx_run *run, const char *base, char *buf, size_t len);

/* The subjects filter for the run's points: "n.>" or "n.<scope>.>". */
const char *nx_run_subjects(const nx_run *run, char *buf, size_t len);

/* The subject for a point: n.<node>.<prop> or n.<scope>.<node>.<prop>. */
int nx_run_subject(const nx_run *run, const char *node, const char *prop, char *buf, size_t len,
                   nx_err *err);

/* Whether the deployment places an R3 stream (the only answer that also
 * covers "clustered, but fewer than 3 JetStream servers"): a memory-storage
 * probe stream under the run's scope, deleted at once. When it does not,
 * why holds the server's answer. */
bool nx_run_takes_r3(nx_run *run, char *why, size_t len);

#endif
