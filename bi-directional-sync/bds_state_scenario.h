/* A node written from both sides: props of node 789 go to NODES-HUB on the
 * hub and NODES-LEAF on the leaf, both sides write `value` (the hub's write
 * is published last but carries the older point time) and `location`, and
 * the hub deletes `alarm` after the leaf set it. Once both streams have
 * synced, the node's state is merged from the heads of both streams on the
 * hub and again on the leaf; both must equal the state worked out here from
 * the writes, newest point time winning. */
#ifndef BDS_STATE_SCENARIO_H
#define BDS_STATE_SCENARIO_H

#include "bds_merge.h"
#include "bds_opts.h"
#include "bds_story.h"
#include "bds_topology.h"
#include "nx_err.h"

typedef struct bds_state_result {
    bds_node_state expected;
    bds_node_state merged[2]; /* [0] read on the hub, [1] read on the leaf */
    double read_s[2];         /* reading both streams' heads and merging */
    int writes;
} bds_state_result;

int bds_state_scenario_run(bds_topology *t, const bds_opts *o, const bds_story *st,
                           bds_state_result *out, nx_err *err);

#endif
