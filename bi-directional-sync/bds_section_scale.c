/* For each --streams count: sourced streams set up, the idle link, a sync
 * burst each way with its link bytes and link budget, then one-by-one sync
 * for latency without a burst's queue. */
#include <stdio.h>

#include "bds_ctx.h"
#include "bds_link_rows.h"
#include "bds_repeat.h"

/* Points in the one-by-one latency runs: enough for a p99, quick at a
 * request's round trip each. */
#define ONE_BY_ONE_MAX 500

static int one_by_one(bds_ctx *c, const bds_path *p, const char *cs, nx_err *err)
{
    uint64_t n =
        (uint64_t)c->o->base.count < ONE_BY_ONE_MAX ? (uint64_t)c->o->base.count : ONE_BY_ONE_MAX;
    char case_name[96];
    snprintf(case_name, sizeof case_name, "%s one_by_one", cs);
    bds_total tot;
    c->env.one_by_one = true;
    int rc = bds_repeat(p, &c->env, c->o->base.repeat, n, (size_t)c->o->base.payload, &tot, err);
    c->env.one_by_one = false;
    if (rc == 0)
        rc = bds_row_sync(&c->rep, p, case_name, &tot, err);
    if (rc == 0) {
        char action[96];
        snprintf(action, sizeof action, "sync %s one by one: %llu points, each checked", p->name,
                 (unsigned long long)tot.points);
        bds_story_line(&c->st, action, "latency p50 %.2f ms, p99 %.2f ms", tot.p50_us / 1e3,
                       tot.p99_us / 1e3);
    }
    return rc;
}

/* A burst each way with its link bytes and budget. */
static int bursts(bds_ctx *c, bds_path *paths[2], const char *cs, const bds_idle_result *idle,
                  nx_err *err)
{
    for (int i = 0; i < 2; i++) {
        bds_total tot;
        bds_link_cost cost;
        if (bds_repeat(paths[i], &c->env, c->o->base.repeat, (uint64_t)c->o->base.count,
                       (size_t)c->o->base.payload, &tot, err) != 0 ||
            bds_row_sync(&c->rep, paths[i], cs, &tot, err) != 0)
            return -1;
        bds_total_story(&c->st, paths[i], &tot);
        if (c->env.link == NULL)
            continue; /* no relay counts the link's bytes */
        if (bds_rows_link_bytes(&c->rep, paths[i], cs, &tot, idle, &cost, err) != 0 ||
            bds_rows_link_budget(&c->rep, paths[i], cs, &cost, err) != 0)
            return -1;
    }
    return 0;
}

static int one_scale(bds_ctx *c, int streams, nx_err *err)
{
    int per_way = streams / 2;
    char cs[64];
    snprintf(cs, sizeof cs, "streams=%d", streams);
    bds_story_heading(&c->st, "Sync with %d sourced streams (%d each way)", streams, per_way);
    bds_path h2l, l2h;
    double setup_s = 0;
    int rc = bds_paths_setup(&c->t, per_way, c->env.timeout_ms, &h2l, &l2h, &setup_s, err);
    if (rc == 0) {
        bds_story_line(&c->st, "create streams and sources, first point across", "%.2f s", setup_s);
        rc = bds_row_sync_setup(&c->rep, cs, streams, setup_s, err);
    }
    bds_idle_result idle = {0};
    if (rc == 0 && c->env.link == NULL)
        bds_story_line(&c->st, "idle link, link bytes per point, link budget",
                       "not measured: no byte-counting relay on an existing hub-leaf link");
    else if (rc == 0)
        rc = bds_idle_measure(&c->env, (double)c->o->idle_seconds, &idle, err);
    if (rc == 0 && c->env.link) {
        bds_story_line(&c->st, "idle link, bytes/s up (leaf->hub) / down", "%.1f / %.1f",
                       bds_idle_bps(&idle, BDS_RELAY_UP), bds_idle_bps(&idle, BDS_RELAY_DOWN));
        rc = bds_rows_link_idle(&c->rep, cs, &idle, err);
    }
    bds_path *paths[2] = {&h2l, &l2h};
    if (rc == 0)
        rc = bursts(c, paths, cs, &idle, err);
    for (int i = 0; i < 2 && rc == 0; i++)
        rc = one_by_one(c, paths[i], cs, err);
    nx_err derr;
    if (bds_path_delete(&h2l, &derr) != 0 || bds_path_delete(&l2h, &derr) != 0) {
        if (rc == 0)
            rc = nx_fail(err, "%s", derr.msg);
    }
    return rc;
}

int bds_section_scale(bds_ctx *c, nx_err *err)
{
    for (size_t i = 0; i < c->o->nstreams; i++)
        if (one_scale(c, (int)c->o->streams[i], err) != 0)
            return -1;
    return 0;
}
