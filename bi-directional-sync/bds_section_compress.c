/* Leafnode compression (nats-server 2.10+): for each --compression mode a
 * hub and a leaf of their own, both configured with the mode, and on them
 * the idle link, a sync burst each way with its wire bytes per point (the
 * relay counts what crosses, so these are compressed bytes) and the link
 * budget at 20 and 100 kbit/s. The idle link with many sourced streams (the
 * last --streams count) is measured for off and s2_best only: it is the
 * slow part, and those two bound the others. s2_auto is measured twice: on
 * plain loopback, where its RTT is under 10 ms and it sends uncompressed,
 * and behind the first non-zero --link-rtt, where it should compress. Every
 * row's note says what each end negotiated, from its /leafz. On a server
 * without compression the section prints one line and writes no row. */
#include <stdio.h>
#include <string.h>

#include "bds_ctx.h"
#include "bds_leafz_mode.h"
#include "bds_link_rows.h"
#include "bds_repeat.h"
#include "nx_version.h"

typedef struct mode_run {
    const char *mode;
    long rtt_ms;      /* added round trip, half each way */
    int many_streams; /* 0: no idle run with many streams */
} mode_run;

/* A burst each way; cost gets the hub_to_leaf way's (points down, the
 * heavier way) for the many-stream budget. */
static int bursts(bds_ctx *c, const bds_env *env, bds_path *paths[2], const char *cs,
                  const bds_idle_result *idle, bds_link_cost *cost, nx_err *err)
{
    for (int i = 0; i < 2; i++) {
        bds_total tot;
        bds_link_cost k;
        if (bds_repeat(paths[i], env, c->o->base.repeat, (uint64_t)c->o->base.count,
                       (size_t)c->o->base.payload, &tot, err) != 0 ||
            bds_row_sync(&c->rep, paths[i], cs, &tot, err) != 0 ||
            bds_rows_link_bytes(&c->rep, paths[i], cs, &tot, idle, &k, err) != 0 ||
            bds_rows_link_budget(&c->rep, paths[i], cs, &k, err) != 0)
            return -1;
        bds_total_story(&c->st, paths[i], &tot);
        bds_story_line(&c->st, "  wire bytes per point down (hub->leaf) / up", "%.1f / %.1f",
                       k.raw_bytes[BDS_RELAY_DOWN], k.raw_bytes[BDS_RELAY_UP]);
        if (i == 0)
            *cost = k;
    }
    return 0;
}

static int idle_rows(bds_ctx *c, const bds_env *env, const char *cs, bds_idle_result *idle,
                     nx_err *err)
{
    if (bds_idle_measure(env, (double)c->o->idle_seconds, idle, err) != 0)
        return -1;
    bds_story_line(&c->st, "idle link, bytes/s up (leaf->hub) / down", "%.1f / %.1f",
                   bds_idle_bps(idle, BDS_RELAY_UP), bds_idle_bps(idle, BDS_RELAY_DOWN));
    return bds_rows_link_idle(&c->rep, cs, idle, err);
}

/* The idle link with many streams, and the budget it leaves: the per-point
 * cost is the 2-stream burst's, the idle chatter this one's. */
static int many_idle(bds_ctx *c, bds_topology *t, const bds_env *env, const mode_run *m,
                     const bds_link_cost *cost2, nx_err *err)
{
    char cs[96];
    snprintf(cs, sizeof cs, "streams=%d compression=%s", m->many_streams, m->mode);
    bds_path h2l, l2h;
    double setup_s = 0;
    int rc = bds_paths_setup(t, m->many_streams / 2, env->timeout_ms, &h2l, &l2h, &setup_s, err);
    bds_idle_result idle;
    if (rc == 0)
        rc = bds_row_sync_setup(&c->rep, cs, m->many_streams, setup_s, err);
    if (rc == 0)
        rc = idle_rows(c, env, cs, &idle, err);
    if (rc == 0) {
        bds_link_cost k = *cost2;
        for (int d = 0; d < 2; d++) {
            k.idle_bps[d] = bds_idle_bps(&idle, (bds_relay_dir)d);
            k.idle_reads_per_s[d] =
                idle.seconds > 0 ? (double)idle.link.reads[d] / idle.seconds : 0;
        }
        bds_path *p = &h2l;
        rc = bds_rows_link_budget(&c->rep, p, cs, &k, err);
    }
    nx_err derr;
    if ((bds_path_delete(&h2l, &derr) != 0 || bds_path_delete(&l2h, &derr) != 0) && rc == 0)
        rc = nx_fail(err, "%s", derr.msg);
    return rc;
}

static int on_topology(bds_ctx *c, bds_topology *t, const mode_run *m, nx_err *err)
{
    char cs[96], rtt[32] = "";
    if (m->rtt_ms > 0)
        snprintf(rtt, sizeof rtt, " rtt=%ldms", m->rtt_ms);
    snprintf(cs, sizeof cs, "streams=2 compression=%s%s", m->mode, rtt);
    bds_env env = c->env;
    env.link = t->link;
    env.hub_monitor = nx_server_monitor_url(t->hub);
    bds_path h2l, l2h;
    double setup_s = 0;
    int rc = bds_paths_setup(t, 1, env.timeout_ms, &h2l, &l2h, &setup_s, err);
    /* Read after setup: s2_auto has measured an RTT by then. */
    bds_leafz_mode lm;
    bds_leafz_mode_read(t, &lm);
    char note[160];
    bds_leafz_mode_text(&lm, note, sizeof note);
    bds_story_line(&c->st, "configured on both ends; /leafz", "%s", note);
    c->rep.note_suffix = note;
    if (rc == 0)
        rc = bds_row_sync_setup(&c->rep, cs, 2, setup_s, err);
    bds_idle_result idle;
    if (rc == 0)
        rc = idle_rows(c, &env, cs, &idle, err);
    bds_path *paths[2] = {&h2l, &l2h};
    bds_link_cost cost;
    if (rc == 0)
        rc = bursts(c, &env, paths, cs, &idle, &cost, err);
    nx_err derr;
    if ((bds_path_delete(&h2l, &derr) != 0 || bds_path_delete(&l2h, &derr) != 0) && rc == 0)
        rc = nx_fail(err, "%s", derr.msg);
    if (rc == 0 && m->many_streams > 0)
        rc = many_idle(c, t, &env, m, &cost, err);
    c->rep.note_suffix = NULL;
    return rc;
}

static int one_mode(bds_ctx *c, const mode_run *m, nx_err *err)
{
    if (m->rtt_ms > 0)
        bds_story_heading(&c->st, "Leafnode compression %s, link round trip %ld ms", m->mode,
                          m->rtt_ms);
    else
        bds_story_heading(&c->st, "Leafnode compression %s", m->mode);
    bds_topology t;
    bds_topology_config tc = {.nats_server = c->o->base.nats_server,
                              .keep = c->o->base.keep,
                              .leaf_compression = m->mode};
    if (bds_topology_start(&t, &tc, err) != 0)
        return nx_fail_wrap(err, "compression %s: ", m->mode);
    int rc = 0;
    if (m->rtt_ms > 0) {
        /* The delay comes on and the link is cut once, so the leaf's new
         * connection measures its first RTT (what s2_auto picks from) with
         * the delay in it. Starting the leaf behind the delay instead left
         * the sources' first creates unanswered for ~40 s on 2.15.1. */
        bds_relay_set_delay(t.link, m->rtt_ms / 2);
        bds_relay_set_down(t.link, true);
        rc = bds_topology_wait_leafz(&t, 0, 10000, err);
        bds_relay_set_down(t.link, false);
        if (rc == 0)
            rc = bds_topology_wait_leafz(&t, 1, 30000, err);
    }
    if (rc == 0)
        rc = on_topology(c, &t, m, err);
    bds_topology_destroy(&t);
    return rc;
}

int bds_section_compress(bds_ctx *c, nx_err *err)
{
    const bds_link_opts *lo = &c->o->link;
    if (lo->nmodes == 0)
        return 0;
    if (!nx_version_has(c->t.version, NX_FEAT_LEAF_COMPRESSION)) {
        char line[160];
        bds_story_heading(
            &c->st, "Leafnode compression: %s",
            nx_feature_missing_line(NX_FEAT_LEAF_COMPRESSION, c->t.version, line, sizeof line));
        return 0;
    }
    long rtt = 0;
    for (size_t i = 0; i < lo->nrtt && rtt == 0; i++)
        rtt = lo->rtt_ms[i];
    int many = c->o->nstreams > 0 ? (int)c->o->streams[c->o->nstreams - 1] : 0;
    for (size_t i = 0; i < lo->nmodes; i++) {
        const char *mode = lo->modes[i];
        bool bound = strcmp(mode, "off") == 0 || strcmp(mode, "s2_best") == 0;
        mode_run m = {.mode = mode, .many_streams = bound && many > 2 ? many : 0};
        if (one_mode(c, &m, err) != 0)
            return -1;
        if (strcmp(mode, "s2_auto") == 0 && rtt > 0) {
            mode_run d = {.mode = mode, .rtt_ms = rtt};
            if (one_mode(c, &d, err) != 0)
                return -1;
        }
    }
    return 0;
}
