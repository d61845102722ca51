/* The seed scenario of the issue, step by step, with every count, value and
 * order checked on both servers:
 *
 *   1 NODES-HUB on the hub (12..15), read through domain hub, sourced into
 *     the leaf
 *   2 NODES-LEAF on the leaf (22..26), sourced into the hub
 *   3 the leaf shut down; the hub keeps NODES-LEAF and takes 16..19
 *   4 the leaf restarted on its store dir catches up (12..19), then 20..23
 *   5 27..31 on the leaf reach the hub
 *
 * On a mismatch both copies of the stream are dumped to stderr. */
#ifndef BDS_SEED_H
#define BDS_SEED_H

#include "bds_opts.h"
#include "bds_story.h"
#include "bds_topology.h"
#include "nx_err.h"

#define BDS_SEED_HUB_STREAM "NODES-HUB"
#define BDS_SEED_LEAF_STREAM "NODES-LEAF"

typedef struct bds_seed_result {
    double leaf_ready_ms; /* restart until the leaf accepts clients */
    double reconnect_s;   /* restart until the hub lists the leaf again */
    double catchup_s;     /* restart until the leaf's NODES-HUB holds all 8 */
    double hub_catchup_s; /* step 5: last publish on the leaf until the hub holds 10 */
} bds_seed_result;

int bds_seed_run(bds_topology *t, const bds_opts *o, const bds_story *st, bds_seed_result *out,
                 nx_err *err);

#endif
