/* For each --link-rate: the relay paces both ways to it, and setup, a sync
 * burst each way with its link bytes, and catch-up after an outage are
 * measured on the slow link. */
#include <stdio.h>

#include "bds_ctx.h"
#include "bds_link_rows.h"
#include "bds_repeat.h"

static int one_paced(bds_ctx *c, long kbit, nx_err *err)
{
    char cs[64], suffix[64];
    snprintf(cs, sizeof cs, "streams=2 link=%ldkbit", kbit);
    snprintf(suffix, sizeof suffix, " link=%ldkbit", kbit);
    bds_story_heading(&c->st, "Link paced to %ld kbit/s each way", kbit);
    bds_relay_set_rate(c->t.link, kbit * 1000);
    uint64_t n = (uint64_t)c->o->paced_count;
    int64_t saved_timeout = c->env.timeout_ms;
    c->env.timeout_ms = bds_budget_paced_timeout_ms(n, kbit);
    bds_path h2l, l2h;
    double setup_s = 0;
    int rc = bds_paths_setup(&c->t, 1, c->env.timeout_ms, &h2l, &l2h, &setup_s, err);
    if (rc == 0) {
        bds_story_line(&c->st, "create streams and sources, first point across", "%.2f s", setup_s);
        rc = bds_row_sync_setup(&c->rep, cs, 2, setup_s, err);
    }
    bds_path *paths[2] = {&h2l, &l2h};
    for (int i = 0; i < 2 && rc == 0; i++) {
        bds_total tot;
        bds_link_cost cost;
        rc = bds_repeat(paths[i], &c->env, c->o->base.repeat, n, (size_t)c->o->base.payload, &tot,
                        err);
        if (rc == 0)
            rc = bds_row_sync(&c->rep, paths[i], cs, &tot, err);
        if (rc == 0) {
            bds_total_story(&c->st, paths[i], &tot);
            rc = bds_rows_link_bytes(&c->rep, paths[i], cs, &tot, NULL, &cost, err);
        }
    }
    if (rc == 0) {
        bds_path one = h2l;
        one.nstreams = 1;
        snprintf(one.subject[0], sizeof one.subject[0], "n.hub.1.outage");
        rc = bds_run_outage(c, &one, n, suffix, err);
    }
    bds_relay_set_rate(c->t.link, 0);
    c->env.timeout_ms = saved_timeout;
    nx_err derr;
    if (bds_path_delete(&h2l, &derr) != 0 || bds_path_delete(&l2h, &derr) != 0) {
        if (rc == 0)
            rc = nx_fail(err, "%s", derr.msg);
    }
    return rc;
}

int bds_section_paced(bds_ctx *c, nx_err *err)
{
    for (size_t i = 0; i < c->o->nlink_rates; i++)
        if (one_paced(c, c->o->link_rates[i], err) != 0)
            return -1;
    return 0;
}
