/* What every section of a run shares: options, the servers and link, the
 * report, and the printed story. */
#ifndef BDS_CTX_H
#define BDS_CTX_H

#include "bds_measure.h"
#include "bds_opts.h"
#include "bds_path.h"
#include "bds_report.h"
#include "bds_story.h"
#include "bds_topology.h"

typedef struct bds_ctx {
    const bds_opts *o;
    bds_topology t;
    bds_report rep;
    bds_story st;
    bds_env env;
} bds_ctx;

/* The seed scenario, steps 1-5, with its catch-up timings as rows. */
int bds_section_seed(bds_ctx *c, nx_err *err);

/* Node 789 written on both sides and merged on each. */
int bds_section_state(bds_ctx *c, nx_err *err);

/* Catch-up after an outage of --outage-count points on NODES-HUB. */
int bds_section_outage(bds_ctx *c, nx_err *err);

/* One outage run on a hub_to_leaf path of one stream; suffix goes after the
 * case names (" link=20kbit"). */
int bds_run_outage(bds_ctx *c, const bds_path *p, uint64_t m, const char *suffix, nx_err *err);

/* Removes the seed's streams so the scale runs own the n.> subjects. */
int bds_section_clear_seed(bds_ctx *c, nx_err *err);

/* For each --streams count: setup, idle link, sync each way with link
 * bytes, and the link budget at 20 and 100 kbit/s. */
int bds_section_scale(bds_ctx *c, nx_err *err);

/* For each --link-rate: the link paced to it, sync each way and catch-up. */
int bds_section_paced(bds_ctx *c, nx_err *err);

/* For each --compression mode (2.10+): its own hub and leaf, idle link,
 * bytes per point each way and budget; s2_auto also behind a delay. */
int bds_section_compress(bds_ctx *c, nx_err *err);

/* For each --link-rtt: the delayed link's setup, sync each way, latency. */
int bds_section_delay(bds_ctx *c, nx_err *err);

/* For each --link-dropout T/P: the link cut while points flow both ways. */
int bds_section_dropout(bds_ctx *c, nx_err *err);

#endif
