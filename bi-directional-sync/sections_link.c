#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budget.h"
#include "idle.h"
#include "nx_stats.h"
#include "nx_stream.h"
#include "points.h"
#include "run_ctx.h"

static const double budget_kbit[] = {20, 100};

/* Points in the one-by-one latency runs: enough for a p99, quick at a
 * request's round trip each. */
#define ONE_BY_ONE_MAX 500

static const char *dir_name(relay_dir d)
{
    return d == RELAY_UP ? "up" : "down";
}

static const char *dir_arrow(relay_dir d)
{
    return d == RELAY_UP ? "leaf->hub" : "hub->leaf";
}

/* Creates both paths and waits until every sourced copy holds a first point,
 * so the sources are known to be running. */
static int setup_paths(run_ctx *c, sync_path *h2l, sync_path *l2h, int per_way, double *seconds,
                       nx_err *err)
{
    sync_path_init(h2l, &c->t, true, per_way);
    sync_path_init(l2h, &c->t, false, per_way);
    int64_t t0 = nx_now_ns();
    if (sync_path_create(h2l, err) != 0 || sync_path_create(l2h, err) != 0)
        return -1;
    uint64_t ones[SYNC_STREAMS_MAX];
    for (int k = 0; k < per_way; k++)
        ones[k] = 1;
    sync_path *paths[2] = {h2l, l2h};
    for (int i = 0; i < 2; i++)
        for (int k = 0; k < per_way; k++)
            if (point_publish_value(paths[i]->src_js, paths[i]->stream[k], paths[i]->subject[k],
                                    paths[i]->origin, "ready", nx_wall_ns(), false, err) != 0)
                return -1;
    double waited = 0;
    if (sync_wait_holds(h2l, ones, c->env.timeout_ms, &waited, err) != 0 ||
        sync_wait_holds(l2h, ones, c->env.timeout_ms, &waited, err) != 0)
        return nx_fail_wrap(err, "setting up %d sourced streams: ", 2 * per_way);
    *seconds = (double)(nx_now_ns() - t0) / 1e9;
    return 0;
}

static int setup_row(run_ctx *c, const char *cs, int streams, double seconds, nx_err *err)
{
    nx_row row;
    nx_row_init(&row);
    row.op = "sync_setup";
    row.case_name = cs;
    row.count = (uint64_t)streams;
    row.seconds = seconds;
    row.rate_per_s = seconds > 0 ? streams / seconds : NAN;
    row.verified = true;
    char note[256];
    snprintf(note, sizeof note,
             "create %d origin streams on each side and their sourced copies on the other "
             "(source domain hub or leaf), until every copy holds its first point",
             streams / 2);
    row.note = note;
    return report_row(&c->rep, &row, "until every sourced copy holds a point", err);
}

static int idle_rows(run_ctx *c, const char *cs, const idle_result *r, nx_err *err)
{
    for (int d = 0; d < 2; d++) {
        nx_row row;
        nx_row_init(&row);
        row.op = "link_idle";
        char case_name[96], note[400], detail[160];
        snprintf(case_name, sizeof case_name, "%s %s", dir_name((relay_dir)d), cs);
        row.case_name = case_name;
        row.seconds = r->seconds;
        row.bytes = (int64_t)r->link.bytes[d];
        row.rate_per_s = idle_bps(r, (relay_dir)d);
        row.verified = true;
        int64_t lz = d == RELAY_UP ? r->leafz_up : r->leafz_down;
        snprintf(note, sizeof note,
                 "nothing published; %s bytes counted by a relay on the leafnode link (TCP "
                 "payload; IP/TCP headers extra) in %llu reads; the hub's /leafz counted %s%lld B "
                 "(payload only)",
                 dir_arrow((relay_dir)d), (unsigned long long)r->link.reads[d],
                 r->leafz_ok ? "" : "(unavailable) ", (long long)lz);
        row.note = note;
        snprintf(detail, sizeof detail, "%.1f B/s = %.0f bit/s %s; %.1f reads/s; leafz %lld B",
                 row.rate_per_s, row.rate_per_s * 8, dir_arrow((relay_dir)d),
                 r->seconds > 0 ? (double)r->link.reads[d] / r->seconds : 0, (long long)lz);
        if (report_row(&c->rep, &row, detail, err) != 0)
            return -1;
    }
    return 0;
}

/* One direction's sync, repeated --repeat times: throughput (median),
 * latency (all samples), and the link bytes both ways. */
typedef struct sync_total {
    uint64_t count;    /* points over all repeats */
    double window_s;   /* relay windows summed */
    relay_counts link; /* bytes summed */
    int64_t leafz[2];
    bool leafz_ok;
    size_t point_bytes;
    double seconds, rate; /* medians over the repeats */
    double p50_ms, p99_ms;
} sync_total;

static int sync_rows(run_ctx *c, const sync_path *p, const char *cs, uint64_t count,
                     sync_total *tot, nx_err *err)
{
    long repeat = c->o->base.repeat;
    double *rates = calloc((size_t)repeat, sizeof *rates);
    double *secs = calloc((size_t)repeat, sizeof *secs);
    nx_hist *lat = nx_hist_new();
    int rc = rates && secs && lat ? 0 : nx_fail(err, "out of memory");
    memset(tot, 0, sizeof *tot);
    tot->leafz_ok = true;
    for (long i = 0; i < repeat && rc == 0; i++) {
        sync_sample s;
        rc = sync_measure(p, &c->env, count, (size_t)c->o->base.payload, lat, &s, err);
        if (rc != 0)
            break;
        rates[i] = nx_rate(count, (int64_t)(s.seconds * 1e9));
        secs[i] = s.seconds;
        tot->count += count;
        tot->window_s += s.window_s;
        for (int d = 0; d < 2; d++) {
            tot->link.bytes[d] += s.link.bytes[d];
            tot->link.reads[d] += s.link.reads[d];
        }
        tot->leafz[RELAY_UP] += s.leafz_up;
        tot->leafz[RELAY_DOWN] += s.leafz_down;
        tot->leafz_ok = tot->leafz_ok && s.leafz_ok;
        tot->point_bytes = s.point_bytes;
    }
    if (rc == 0) {
        nx_row row;
        nx_row_init(&row);
        char op[32], note[300], detail[160];
        snprintf(op, sizeof op, "sync_%s", p->name);
        row.op = op;
        row.case_name = cs;
        row.count = count;
        row.payload_bytes = (int64_t)tot->point_bytes;
        row.seconds = tot->seconds = nx_median(secs, (size_t)repeat);
        row.rate_per_s = tot->rate = nx_median(rates, (size_t)repeat);
        nx_row_set_latency(&row, lat);
        tot->p50_ms = row.p50_us / 1e3;
        tot->p99_ms = row.p99_us / 1e3;
        row.verified = true;
        snprintf(note, sizeof note,
                 "%s round robin over %d origin streams until the sourced copies hold all; "
                 "latency = point time to receipt by ordered consumers on the destination, which "
                 "checked every point's order and content; median of %ld",
                 c->env.one_by_one ? "publish one by one, each acked before the next"
                                   : "async publish (window 1024)",
                 p->nstreams, repeat);
        row.note = note;
        snprintf(detail, sizeof detail, "%d stream%s %s", p->nstreams, p->nstreams > 1 ? "s" : "",
                 p->name);
        rc = report_row(&c->rep, &row, detail, err);
    }
    nx_hist_free(lat);
    free(rates);
    free(secs);
    return rc;
}

static void story_sync(run_ctx *c, const sync_path *p, const sync_total *tot)
{
    char action[96];
    snprintf(action, sizeof action, "sync %s: %llu points, each checked", p->name,
             (unsigned long long)tot->count);
    story_line(&c->st, action, "%.0f points/s (median %.3f s)", tot->rate, tot->seconds);
}

/* Per-point link bytes both ways for one direction of sync; fills cost. */
static int link_rows(run_ctx *c, const sync_path *p, const char *cs, const sync_total *tot,
                     const idle_result *idle, link_cost *cost, nx_err *err)
{
    for (int d = 0; d < 2; d++) {
        double ib = idle ? idle_bps(idle, (relay_dir)d) : 0;
        double raw = tot->count ? (double)tot->link.bytes[d] / (double)tot->count : 0;
        double net = budget_per_msg(tot->link.bytes[d], tot->window_s, ib, tot->count);
        cost->msg_bytes[d] = net;
        cost->idle_bps[d] = ib;
        double lz = tot->count ? (double)tot->leafz[d] / (double)tot->count : 0;
        nx_row row;
        nx_row_init(&row);
        char case_name[96], note[512], detail[200];
        snprintf(case_name, sizeof case_name, "%s %s %s", p->name, dir_name((relay_dir)d), cs);
        row.op = "link_bytes_per_msg";
        row.case_name = case_name;
        row.count = tot->count;
        row.payload_bytes = (int64_t)tot->point_bytes;
        row.seconds = tot->window_s;
        row.bytes = (int64_t)tot->link.bytes[d];
        row.verified = true;
        char chatter[128];
        if (idle)
            snprintf(chatter, sizeof chatter,
                     "after taking out the idle chatter of the window (%.1f B/s)", ib);
        else
            snprintf(chatter, sizeof chatter, "with the idle chatter of the window in it");
        snprintf(note, sizeof note,
                 "%s bytes counted by a relay on the leafnode link (TCP payload; IP/TCP headers "
                 "extra) while syncing %s: %.1f B/point raw, %.1f B/point %s, %.2f B per payload "
                 "byte (%zu B point); the hub's /leafz counted %s%.1f B/point (payload only)",
                 dir_arrow((relay_dir)d), p->name, raw, net, chatter,
                 tot->point_bytes ? net / (double)tot->point_bytes : 0, tot->point_bytes,
                 tot->leafz_ok ? "" : "(unavailable) ", lz);
        row.note = note;
        snprintf(detail, sizeof detail, "%.2f B/point %s (%.2f per payload B); leafz %.1f", net,
                 dir_arrow((relay_dir)d), tot->point_bytes ? net / (double)tot->point_bytes : 0,
                 lz);
        if (report_row(&c->rep, &row, detail, err) != 0)
            return -1;
    }
    return 0;
}

static int budget_rows(run_ctx *c, const sync_path *p, const char *cs, const link_cost *cost,
                       nx_err *err)
{
    for (size_t i = 0; i < sizeof budget_kbit / sizeof *budget_kbit; i++) {
        relay_dir limit;
        double pts = budget_points_per_s(cost, budget_kbit[i], &limit);
        double share = budget_idle_share(cost, budget_kbit[i]);
        nx_row row;
        nx_row_init(&row);
        char case_name[96], note[400], detail[200];
        snprintf(case_name, sizeof case_name, "%.0fkbit %s %s", budget_kbit[i], p->name, cs);
        row.op = "link_budget";
        row.case_name = case_name;
        row.rate_per_s = pts;
        row.verified = true;
        snprintf(note, sizeof note,
                 "points/s that fit on %.0f kbit/s each way after the idle chatter (up %.1f B/s, "
                 "down %.1f B/s, %.1f%% of the busier way), at %.1f B/point up and %.1f B/point "
                 "down (relay-counted TCP payload; IP/TCP headers would lower it); limited by "
                 "the %s way",
                 budget_kbit[i], cost->idle_bps[RELAY_UP], cost->idle_bps[RELAY_DOWN], share * 100,
                 cost->msg_bytes[RELAY_UP], cost->msg_bytes[RELAY_DOWN], dir_arrow(limit));
        row.note = note;
        snprintf(detail, sizeof detail, "idle takes %.1f%%; limited by %s", share * 100,
                 dir_arrow(limit));
        if (report_row(&c->rep, &row, detail, err) != 0)
            return -1;
    }
    return 0;
}

/* Latency without a burst's queue: a few hundred points, each acked before
 * the next is published. */
static int one_by_one(run_ctx *c, const sync_path *p, const char *cs, nx_err *err)
{
    uint64_t n =
        (uint64_t)c->o->base.count < ONE_BY_ONE_MAX ? (uint64_t)c->o->base.count : ONE_BY_ONE_MAX;
    char case_name[96];
    snprintf(case_name, sizeof case_name, "%s one_by_one", cs);
    sync_total tot;
    c->env.one_by_one = true;
    int rc = sync_rows(c, p, case_name, n, &tot, err);
    c->env.one_by_one = false;
    if (rc == 0) {
        char action[96];
        snprintf(action, sizeof action, "sync %s one by one: %llu points, each checked", p->name,
                 (unsigned long long)tot.count);
        story_line(&c->st, action, "latency p50 %.2f ms, p99 %.2f ms", tot.p50_ms, tot.p99_ms);
    }
    return rc;
}

static int one_scale(run_ctx *c, int streams, nx_err *err)
{
    int per_way = streams / 2;
    char cs[64];
    snprintf(cs, sizeof cs, "streams=%d", streams);
    story_heading(&c->st, "Sync with %d sourced streams (%d each way)", streams, per_way);
    sync_path h2l, l2h;
    double setup_s = 0;
    int rc = setup_paths(c, &h2l, &l2h, per_way, &setup_s, err);
    if (rc == 0) {
        story_line(&c->st, "create streams and sources, first point across", "%.2f s", setup_s);
        rc = setup_row(c, cs, streams, setup_s, err);
    }
    idle_result idle;
    if (rc == 0)
        rc = idle_measure(&c->env, (double)c->o->idle_seconds, &idle, err);
    if (rc == 0) {
        story_line(&c->st, "idle link, bytes/s up (leaf->hub) / down", "%.1f / %.1f",
                   idle_bps(&idle, RELAY_UP), idle_bps(&idle, RELAY_DOWN));
        rc = idle_rows(c, cs, &idle, err);
    }
    sync_path *paths[2] = {&h2l, &l2h};
    for (int i = 0; i < 2 && rc == 0; i++) {
        sync_total tot;
        link_cost cost;
        rc = sync_rows(c, paths[i], cs, (uint64_t)c->o->base.count, &tot, err);
        if (rc == 0) {
            story_sync(c, paths[i], &tot);
            rc = link_rows(c, paths[i], cs, &tot, &idle, &cost, err);
        }
        if (rc == 0)
            rc = budget_rows(c, paths[i], cs, &cost, err);
    }
    for (int i = 0; i < 2 && rc == 0; i++)
        rc = one_by_one(c, paths[i], cs, err);
    nx_err derr;
    if (sync_path_delete(&h2l, &derr) != 0 || sync_path_delete(&l2h, &derr) != 0) {
        if (rc == 0)
            rc = nx_fail(err, "%s", derr.msg);
    }
    return rc;
}

int section_scale(run_ctx *c, nx_err *err)
{
    for (size_t i = 0; i < c->o->nstreams; i++)
        if (one_scale(c, (int)c->o->streams[i], err) != 0)
            return -1;
    return 0;
}

static int one_paced(run_ctx *c, long kbit, nx_err *err)
{
    char cs[64], suffix[64];
    snprintf(cs, sizeof cs, "streams=2 link=%ldkbit", kbit);
    snprintf(suffix, sizeof suffix, " link=%ldkbit", kbit);
    story_heading(&c->st, "Link paced to %ld kbit/s each way", kbit);
    relay_set_rate(c->t.link, kbit * 1000);
    uint64_t n = (uint64_t)c->o->paced_count;
    /* Generous: a point and its share of flow control stay well under 400 B. */
    int saved_timeout = c->env.timeout_ms;
    c->env.timeout_ms = 60000 + (int)((double)n * 400 * 8 / ((double)kbit * 1000) * 1000 * 3);
    sync_path h2l, l2h;
    double setup_s = 0;
    int rc = setup_paths(c, &h2l, &l2h, 1, &setup_s, err);
    if (rc == 0) {
        story_line(&c->st, "create streams and sources, first point across", "%.2f s", setup_s);
        rc = setup_row(c, cs, 2, setup_s, err);
    }
    sync_path *paths[2] = {&h2l, &l2h};
    for (int i = 0; i < 2 && rc == 0; i++) {
        sync_total tot;
        link_cost cost;
        rc = sync_rows(c, paths[i], cs, n, &tot, err);
        if (rc == 0) {
            story_sync(c, paths[i], &tot);
            rc = link_rows(c, paths[i], cs, &tot, NULL, &cost, err);
        }
    }
    if (rc == 0) {
        sync_path one = h2l;
        one.nstreams = 1;
        snprintf(one.subject[0], sizeof one.subject[0], "n.hub.1.outage");
        rc = run_outage(c, &one, n, suffix, err);
    }
    relay_set_rate(c->t.link, 0);
    c->env.timeout_ms = saved_timeout;
    nx_err derr;
    if (sync_path_delete(&h2l, &derr) != 0 || sync_path_delete(&l2h, &derr) != 0) {
        if (rc == 0)
            rc = nx_fail(err, "%s", derr.msg);
    }
    return rc;
}

int section_paced(run_ctx *c, nx_err *err)
{
    for (size_t i = 0; i < c->o->nlink_rates; i++)
        if (one_paced(c, c->o->link_rates[i], err) != 0)
            return -1;
    return 0;
}
