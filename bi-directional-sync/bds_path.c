#include "bds_path.h"

#include <stdio.h>
#include <string.h>

#include "bds_points.h"
#include "nx_stats.h"
#include "nx_stream.h"
#include "nx_wait.h"

void bds_path_init(bds_path *p, bds_topology *t, bool hub_to_leaf, int n)
{
    memset(p, 0, sizeof *p);
    p->name = hub_to_leaf ? "hub_to_leaf" : "leaf_to_hub";
    p->origin = hub_to_leaf ? "hub" : "leaf";
    p->token = bds_token(&t->names, hub_to_leaf);
    p->src_domain = bds_domain(&t->names, hub_to_leaf);
    p->src_js = hub_to_leaf ? t->hub_js : t->leaf_js;
    p->dst_js = hub_to_leaf ? t->leaf_js : t->hub_js;
    p->src_nc = hub_to_leaf ? t->hub_nc : t->leaf_nc;
    p->dst_nc = hub_to_leaf ? t->leaf_nc : t->hub_nc;
    p->nstreams = n < BDS_STREAMS_MAX ? n : BDS_STREAMS_MAX;
    for (int k = 0; k < p->nstreams; k++) {
        snprintf(p->stream[k], sizeof p->stream[k], "%sNODE-%d-%s", t->names.prefix, k + 1,
                 hub_to_leaf ? "HUB" : "LEAF");
        snprintf(p->subject[k], sizeof p->subject[k], "n.%s.%d.value", p->token, k + 1);
    }
}

int bds_path_create(const bds_path *p, nx_err *err)
{
    const char *src_domain = p->src_domain;
    for (int k = 0; k < p->nstreams; k++) {
        char filter[64];
        snprintf(filter, sizeof filter, "n.%s.%d.>", p->token, k + 1);
        nx_stream_spec spec;
        nx_stream_spec_init(&spec, p->stream[k]);
        spec.subjects[spec.nsubjects++] = filter;
        if (nx_stream_create(p->src_js, &spec, err) != 0)
            return -1;
        nx_stream_spec_init(&spec, p->stream[k]);
        spec.sources[spec.nsources++] = (nx_source){.name = p->stream[k], .domain = src_domain};
        if (nx_stream_create(p->dst_js, &spec, err) != 0)
            return -1;
    }
    return 0;
}

int bds_path_delete(const bds_path *p, nx_err *err)
{
    for (int k = 0; k < p->nstreams; k++)
        if (nx_stream_delete(p->dst_js, p->stream[k], true, err) != 0 ||
            nx_stream_delete(p->src_js, p->stream[k], true, err) != 0)
            return -1;
    return 0;
}

/* Polling stream info is how setup knows a source runs; a few ms apart
 * keeps the API requests of 60 streams from loading the servers it times. */
#define SETUP_POLL_MS 5

typedef struct first_points {
    const bds_path *p;
    bool done[BDS_STREAMS_MAX];
    uint64_t held[BDS_STREAMS_MAX];
} first_points;

static bool all_hold_one(void *ctx)
{
    first_points *f = ctx;
    bool all = true;
    for (int k = 0; k < f->p->nstreams; k++) {
        if (f->done[k])
            continue;
        nx_err ignored;
        nx_stream_state st;
        if (nx_stream_state_get(f->p->dst_js, f->p->stream[k], &st, &ignored) == 0)
            f->held[k] = st.msgs;
        f->done[k] = f->held[k] >= 1;
        all = all && f->done[k];
    }
    return all;
}

/* Waits until every sourced copy along p holds its first point. */
static int wait_first_points(const bds_path *p, int64_t timeout_ms, nx_err *err)
{
    first_points f = {.p = p};
    if (nx_poll_until(all_hold_one, &f, SETUP_POLL_MS, timeout_ms) == 0)
        return 0;
    for (int k = 0; k < p->nstreams; k++)
        if (!f.done[k])
            return nx_fail(err, "%s: %s on the %s holds no message after %.1f s", p->name,
                           p->stream[k], strcmp(p->origin, "hub") == 0 ? "leaf" : "hub",
                           (double)timeout_ms / 1000.0);
    return nx_fail(err, "%s: timed out", p->name);
}

int bds_paths_setup(bds_topology *t, int per_way, int64_t timeout_ms, bds_path *h2l, bds_path *l2h,
                    double *seconds, nx_err *err)
{
    bds_path_init(h2l, t, true, per_way);
    bds_path_init(l2h, t, false, per_way);
    int64_t t0 = nx_now_ns();
    if (bds_path_create(h2l, err) != 0 || bds_path_create(l2h, err) != 0)
        return -1;
    bds_path *paths[2] = {h2l, l2h};
    for (int i = 0; i < 2; i++)
        for (int k = 0; k < per_way; k++)
            if (bds_point_publish_value(paths[i]->src_js, paths[i]->stream[k], paths[i]->subject[k],
                                        paths[i]->origin, "ready", nx_wall_ns(), false, err) != 0)
                return -1;
    if (wait_first_points(h2l, timeout_ms, err) != 0 ||
        wait_first_points(l2h, timeout_ms, err) != 0)
        return nx_fail_wrap(err, "setting up %d sourced streams: ", 2 * per_way);
    *seconds = (double)(nx_now_ns() - t0) / 1e9;
    return 0;
}
