/* For each --link-rtt: the relay holds every byte half the round trip in
 * each direction (in order, on the running link), and setup, a sync burst
 * each way with its link bytes, and one-by-one propagation latency are
 * measured there. The note says the RTT the servers themselves measured. */
#include <stdio.h>

#include "bds_ctx.h"
#include "bds_leafz_mode.h"
#include "bds_link_rows.h"
#include "bds_repeat.h"

/* One-by-one points per delay: a p99 without a long run at 600 ms. */
#define DELAY_ONE_BY_ONE 200

static int sync_both(bds_ctx *c, bds_path *paths[2], const char *cs, nx_err *err)
{
    for (int i = 0; i < 2; i++) {
        bds_total tot;
        bds_link_cost cost;
        if (bds_repeat(paths[i], &c->env, c->o->base.repeat, (uint64_t)c->o->base.count,
                       (size_t)c->o->base.payload, &tot, err) != 0 ||
            bds_row_sync(&c->rep, paths[i], cs, &tot, err) != 0 ||
            bds_rows_link_bytes(&c->rep, paths[i], cs, &tot, NULL, &cost, err) != 0)
            return -1;
        bds_total_story(&c->st, paths[i], &tot);
    }
    uint64_t n = (uint64_t)c->o->base.count < DELAY_ONE_BY_ONE ? (uint64_t)c->o->base.count
                                                               : DELAY_ONE_BY_ONE;
    char obo[96];
    snprintf(obo, sizeof obo, "%s one_by_one", cs);
    for (int i = 0; i < 2; i++) {
        bds_total tot;
        c->env.one_by_one = true;
        int rc = bds_repeat(paths[i], &c->env, c->o->base.repeat, n, (size_t)c->o->base.payload,
                            &tot, err);
        c->env.one_by_one = false;
        if (rc != 0 || bds_row_sync(&c->rep, paths[i], obo, &tot, err) != 0)
            return -1;
        char action[96];
        snprintf(action, sizeof action, "sync %s one by one: %llu points, each checked",
                 paths[i]->name, (unsigned long long)tot.points);
        bds_story_line(&c->st, action, "latency p50 %.1f ms, p99 %.1f ms", tot.p50_us / 1e3,
                       tot.p99_us / 1e3);
    }
    return 0;
}

static int one_delay(bds_ctx *c, long rtt_ms, nx_err *err)
{
    char cs[64];
    snprintf(cs, sizeof cs, "streams=2 rtt=%ldms", rtt_ms);
    bds_story_heading(&c->st, "Link round trip +%ld ms (the relay holds each byte %ld ms each way)",
                      rtt_ms, rtt_ms / 2);
    bds_relay_set_delay(c->t.link, rtt_ms / 2);
    bds_path h2l, l2h;
    double setup_s = 0;
    int rc = bds_paths_setup(&c->t, 1, c->env.timeout_ms, &h2l, &l2h, &setup_s, err);
    bds_leafz_mode lm;
    bds_leafz_mode_read(&c->t, &lm);
    char note[200], mode[160];
    snprintf(note, sizeof note, "relay delay %ld ms each way on the running link; leafnode %s",
             rtt_ms / 2, bds_leafz_mode_text(&lm, mode, sizeof mode));
    c->rep.note_suffix = note;
    if (rc == 0) {
        bds_story_line(&c->st, "create streams and sources, first point across", "%.2f s", setup_s);
        bds_story_line(&c->st, "leafnode link", "%s", mode);
        rc = bds_row_sync_setup(&c->rep, cs, 2, setup_s, err);
    }
    bds_path *paths[2] = {&h2l, &l2h};
    if (rc == 0)
        rc = sync_both(c, paths, cs, err);
    c->rep.note_suffix = NULL;
    bds_relay_set_delay(c->t.link, 0);
    nx_err derr;
    if ((bds_path_delete(&h2l, &derr) != 0 || bds_path_delete(&l2h, &derr) != 0) && rc == 0)
        rc = nx_fail(err, "%s", derr.msg);
    return rc;
}

int bds_section_delay(bds_ctx *c, nx_err *err)
{
    for (size_t i = 0; i < c->o->link.nrtt; i++)
        if (one_delay(c, c->o->link.rtt_ms[i], err) != 0)
            return -1;
    return 0;
}
