/* What every section of a run shares: options, the servers and link, the
 * report, and the printed story. */
#ifndef SYNC_RUN_CTX_H
#define SYNC_RUN_CTX_H

#include "bds_measure.h"
#include "bds_opts.h"
#include "bds_path.h"
#include "bds_report.h"
#include "bds_story.h"
#include "bds_topology.h"

typedef struct run_ctx {
    const sync_opts *o;
    topology t;
    report rep;
    story st;
    sync_env env;
} run_ctx;

/* The seed scenario, steps 1-5, with its catch-up timings as rows. */
int section_seed(run_ctx *c, nx_err *err);

/* Node 789 written on both sides and merged on each. */
int section_state(run_ctx *c, nx_err *err);

/* Catch-up after an outage of --outage-count points on NODES-HUB. */
int section_outage(run_ctx *c, nx_err *err);

/* One outage run on a hub_to_leaf path of one stream; suffix goes after the
 * case names (" link=20kbit"). */
int run_outage(run_ctx *c, const sync_path *p, uint64_t m, const char *suffix, nx_err *err);

/* Removes the seed's streams so the scale runs own the n.> subjects. */
int section_clear_seed(run_ctx *c, nx_err *err);

/* For each --streams count: setup, idle link, sync each way with link
 * bytes, and the link budget at 20 and 100 kbit/s. */
int section_scale(run_ctx *c, nx_err *err);

/* For each --link-rate: the link paced to it, sync each way and catch-up. */
int section_paced(run_ctx *c, nx_err *err);

#endif
