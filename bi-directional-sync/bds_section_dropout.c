/* For each --link-dropout T/P: points flow both ways over a link paced to
 * DROP_KBIT (a feeder thread publishes DROP_RATE points/s on each side, all
 * through the run) while the relay cuts it for T seconds, --dropout-cycles
 * times.
 * Each cycle leaves the link up P-T seconds, then cuts it (bytes in flight
 * are lost with the connection) and lets the leaf back in after T seconds;
 * if the copies took longer than P-T to resume, the next cut follows at
 * once. Per cut: reconnect (link back until the hub's /leafz lists the leaf),
 * resume (link back until each sourced copy grows again: the source's
 * retry, which differs by server version) and catch-up (link back until
 * the copy holds every point published before the link came back). Over
 * the whole run: throughput and wire bytes per point each way, and both
 * copies read back: every point once, in order, intact. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bds_copy_check.h"
#include "bds_ctx.h"
#include "bds_feeder.h"
#include "bds_leafz_mode.h"
#include "bds_points.h"
#include "bds_recovery_why.h"
#include "nx_stats.h"
#include "nx_stream.h"
#include "nx_wait.h"

#define DROP_KBIT 100
/* One point per way every 25 ms: 40 points/s at ~140 B is ~45 kbit/s
 * uncompressed, so a 100 kbit/s link drains a cut's backlog again. */
#define DROP_INTERVAL_MS 25
#define DROP_CYCLES_MAX 100
#define POLL_MS 5
#define RESUME_WAIT_MS 180000

static uint64_t held(const bds_path *p)
{
    nx_stream_state st;
    nx_err ignored;
    return nx_stream_state_get(p->dst_js, p->stream[0], &st, &ignored) == 0 ? st.msgs : 0;
}

typedef struct drop_result {
    int cycles;
    double reconnect_s[DROP_CYCLES_MAX];
    double resume_s[2][DROP_CYCLES_MAX];  /* link back until the copy grew */
    double catchup_s[2][DROP_CYCLES_MAX]; /* link back until it held what was published by then */
    double all_s[2];                      /* feeder stopped until the copy held all */
    double run_s;                         /* first publish until the feeder stopped */
    bds_relay_counts link;
    uint64_t n[2]; /* points published per way */
    bds_copy_check check[2];
} drop_result;

/* Polled after the link comes back. */
typedef struct resume_wait {
    bds_topology *t;
    const bds_path *const *paths;
    uint64_t base[2];   /* what each copy held when the link came back */
    uint64_t target[2]; /* what had been published by then */
    int64_t t_up;
    bool linked, grew[2], caught[2];
    double reconnect_s, resume_s[2], catchup_s[2];
} resume_wait;

static bool resumed(void *ctx)
{
    resume_wait *w = ctx;
    double now = (double)(nx_now_ns() - w->t_up) / 1e9;
    nx_err ignored;
    if (!w->linked && bds_topology_wait_leafz(w->t, 1, 0, &ignored) == 0) {
        w->linked = true;
        w->reconnect_s = now;
    }
    bool all = w->linked;
    for (int i = 0; i < 2; i++) {
        uint64_t h = held(w->paths[i]);
        if (!w->grew[i] && h > w->base[i]) {
            w->grew[i] = true;
            w->resume_s[i] = now;
        }
        if (!w->caught[i] && h >= w->target[i]) {
            w->caught[i] = true;
            w->catchup_s[i] = now;
        }
        all = all && w->grew[i] && w->caught[i];
    }
    return all;
}

static int one_cut(bds_ctx *c, const bds_path *paths[2], bds_feeder *f, long down_s, drop_result *r,
                   int k, int64_t *t_up, nx_err *err)
{
    bds_relay_set_down(c->t.link, true);
    nx_sleep_ms(down_s * 1000);
    resume_wait w = {.t = &c->t, .paths = paths};
    for (int i = 0; i < 2; i++) {
        w.base[i] = held(paths[i]);
        w.target[i] = atomic_load(&f->sent[i]);
    }
    w.t_up = *t_up = nx_now_ns();
    bds_relay_set_down(c->t.link, false);
    if (nx_poll_until(resumed, &w, POLL_MS, RESUME_WAIT_MS) != 0)
        return nx_fail(err, "dropout %d: %s within %d s after the link came back", k + 1,
                       w.linked ? "a sourced copy did not grow" : "the leaf did not reconnect",
                       RESUME_WAIT_MS / 1000);
    r->reconnect_s[k] = w.reconnect_s;
    for (int i = 0; i < 2; i++) {
        r->resume_s[i][k] = w.resume_s[i];
        r->catchup_s[i][k] = w.catchup_s[i];
    }
    return 0;
}

typedef struct all_wait {
    const bds_path *const *paths;
    const uint64_t *n;
    int64_t t0;
    double *all_s;
} all_wait;

static bool all_held(void *ctx)
{
    all_wait *w = ctx;
    bool all = true;
    for (int i = 0; i < 2; i++) {
        if (w->all_s[i] == 0 && held(w->paths[i]) >= w->n[i])
            w->all_s[i] = (double)(nx_now_ns() - w->t0) / 1e9;
        all = all && w->all_s[i] > 0;
    }
    return all;
}

static int check_copy(const bds_path *p, uint64_t n, size_t data_len, bds_copy_check *out,
                      nx_err *err)
{
    bds_point_list l;
    if (bds_point_read_stream(p->dst_nc, p->dst_js, p->stream[0], p->subject[0], &l, err) != 0)
        return nx_fail_wrap(err, "dropout: ");
    bds_copy_check_run(&l, n, p->origin, p->subject[0], data_len, out);
    bds_point_list_free(&l);
    return 0;
}

/* Feeds both sides while cutting the link cycle by cycle; then stops the
 * feed, waits for the copies to hold everything and checks them. */
static int run_pattern(bds_ctx *c, const bds_path *paths[2], long down_s, long period_s,
                       drop_result *r, nx_err *err)
{
    size_t data_len = (size_t)c->o->base.payload;
    bds_relay_counts before, after;
    bds_relay_read_counts(c->t.link, &before);
    int64_t t0 = nx_now_ns();
    bds_feeder f;
    if (bds_feeder_start(&f, paths[0], paths[1], data_len, DROP_INTERVAL_MS, err) != 0)
        return -1;
    int64_t cycle_start = t0;
    int rc = 0;
    for (int k = 0; k < r->cycles && rc == 0; k++) {
        int64_t cut_at = cycle_start + (int64_t)(period_s - down_s) * 1000000000;
        int64_t wait_ms = (cut_at - nx_now_ns()) / 1000000;
        if (wait_ms > 0)
            nx_sleep_ms(wait_ms);
        rc = one_cut(c, paths, &f, down_s, r, k, &cycle_start, err);
    }
    /* The link stays up P-T s after the last cut too, points still flowing. */
    if (rc == 0)
        nx_sleep_ms((period_s - down_s) * 1000);
    nx_err ferr;
    if (bds_feeder_stop(&f, &ferr) != 0 && rc == 0)
        rc = nx_fail(err, "dropout: %s", ferr.msg);
    if (rc != 0)
        return -1;
    int64_t t_stop = nx_now_ns();
    r->run_s = (double)(t_stop - t0) / 1e9;
    for (int i = 0; i < 2; i++)
        r->n[i] = atomic_load(&f.sent[i]);
    all_wait w = {.paths = paths, .n = r->n, .t0 = t_stop, .all_s = r->all_s};
    r->all_s[0] = r->all_s[1] = 0;
    if (nx_poll_until(all_held, &w, POLL_MS, RESUME_WAIT_MS) != 0)
        return nx_fail(err,
                       "dropout: the copies hold %llu of %llu and %llu of %llu points %d s after "
                       "the feed stopped",
                       (unsigned long long)held(paths[0]), (unsigned long long)r->n[0],
                       (unsigned long long)held(paths[1]), (unsigned long long)r->n[1],
                       RESUME_WAIT_MS / 1000);
    bds_relay_read_counts(c->t.link, &after);
    r->link = bds_relay_counts_diff(&after, &before);
    for (int i = 0; i < 2; i++)
        if (check_copy(paths[i], r->n[i], data_len, &r->check[i], err) != 0)
            return -1;
    return 0;
}

/* Median and max of a cycle's values, leaving out the copies that had
 * nothing left to resume (-1). */
static int stats_of(const double *v, int n, double *median, double *max)
{
    double kept[DROP_CYCLES_MAX];
    int m = 0;
    *max = 0;
    for (int i = 0; i < n; i++)
        if (v[i] >= 0) {
            kept[m++] = v[i];
            *max = v[i] > *max ? v[i] : *max;
        }
    *median = m > 0 ? nx_median(kept, (size_t)m) : 0;
    return m;
}

/* One row of per-cut times: median over the cuts, max_us the slowest. */
static int cut_row(bds_ctx *c, const char *case_name, const double *v, int cycles, const char *note,
                   nx_err *err)
{
    double med, max;
    stats_of(v, cycles, &med, &max);
    nx_row row;
    nx_row_init(&row);
    row.op = "link_dropout";
    row.case_name = case_name;
    row.count = (uint64_t)cycles;
    row.seconds = med;
    row.max_us = max * 1e6;
    row.verified = true;
    row.note = note;
    char detail[96];
    snprintf(detail, sizeof detail, "%d cuts; max %.2f s", cycles, max);
    return bds_report_row(&c->rep, &row, detail, err);
}

static int write_rows(bds_ctx *c, const char *pat, const drop_result *r, nx_err *err)
{
    static const char *const names[2] = {"hub_to_leaf", "leaf_to_hub"};
    const char *why = bds_recovery_why(c->t.version);
    char case_name[96], note[900], detail[200];
    snprintf(case_name, sizeof case_name, "reconnect dropout=%s", pat);
    snprintf(note, sizeof note,
             "the relay cut the leafnode link and refused the leaf for the down time, %d times, "
             "points flowing both ways; seconds = median link back until the hub's /leafz "
             "listed the leaf (polled every %d ms; the leaf's own reconnect interval is in it), "
             "max_us the slowest",
             r->cycles, POLL_MS);
    if (cut_row(c, case_name, r->reconnect_s, r->cycles, note, err) != 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        snprintf(case_name, sizeof case_name, "resume %s dropout=%s", names[i], pat);
        snprintf(note, sizeof note,
                 "seconds = median link back until the sourced copy held more than when the "
                 "link came back, max_us the slowest; %s",
                 why);
        if (cut_row(c, case_name, r->resume_s[i], r->cycles, note, err) != 0)
            return -1;
        snprintf(case_name, sizeof case_name, "catchup %s dropout=%s", names[i], pat);
        snprintf(note, sizeof note,
                 "seconds = median link back until the sourced copy held every point published "
                 "before the link came back (the backlog of the cut and of the resume wait), "
                 "max_us the slowest; %s",
                 why);
        if (cut_row(c, case_name, r->catchup_s[i], r->cycles, note, err) != 0)
            return -1;
    }
    for (int i = 0; i < 2; i++) {
        const bds_copy_check *k = &r->check[i];
        bds_relay_dir way = i == 0 ? BDS_RELAY_DOWN : BDS_RELAY_UP;
        double per_point = (double)r->link.bytes[way] / (double)r->n[i];
        double back = (double)r->link.bytes[1 - way] / (double)r->n[i];
        double secs = r->run_s + r->all_s[i];
        nx_row row;
        nx_row_init(&row);
        row.op = "link_dropout";
        snprintf(case_name, sizeof case_name, "all %s dropout=%s", names[i], pat);
        row.case_name = case_name;
        row.count = r->n[i];
        row.payload_bytes = c->o->base.payload;
        row.seconds = secs;
        row.rate_per_s = (double)r->n[i] / secs;
        row.bytes = (int64_t)r->link.bytes[way];
        row.verified = bds_copy_check_ok(k);
        snprintf(note, sizeof note,
                 "a point published on each side every %d ms for %.1f s, synced over a link "
                 "paced to %d kbit/s each way while it was cut %d times; seconds = first publish "
                 "until this copy held all (%.2f s after the last publish); bytes = relay wire "
                 "bytes the points' way over the whole run (both flows' points, flow control, "
                 "re-sends after the cuts, chatter), %.1f B per point of this way, the other way "
                 "%.1f; copy read back: %llu held, %llu missing, %llu twice, %llu out of order "
                 "or corrupt%s%s",
                 DROP_INTERVAL_MS, r->run_s, DROP_KBIT, r->cycles, r->all_s[i], per_point, back,
                 (unsigned long long)k->held, (unsigned long long)k->missing,
                 (unsigned long long)k->duplicates,
                 (unsigned long long)(k->out_of_order + k->corrupt),
                 k->first_problem[0] ? "; first: " : "", k->first_problem);
        row.note = note;
        snprintf(detail, sizeof detail, "%.1f B/point; missing %llu, twice %llu", per_point,
                 (unsigned long long)k->missing, (unsigned long long)k->duplicates);
        if (bds_report_row(&c->rep, &row, detail, err) != 0)
            return -1;
    }
    return 0;
}

static void story(bds_ctx *c, const bds_path *const paths[2], const drop_result *r)
{
    double med, max;
    stats_of(r->reconnect_s, r->cycles, &med, &max);
    bds_story_line(&c->st, "link back until the hub lists the leaf", "median %.2f s, max %.2f s",
                   med, max);
    for (int i = 0; i < 2; i++) {
        const char *who = i == 0 ? "the leaf" : "the hub";
        char action[96];
        stats_of(r->resume_s[i], r->cycles, &med, &max);
        snprintf(action, sizeof action, "link back until %s's copy grows", who);
        bds_story_line(&c->st, action, "median %.2f s, max %.2f s", med, max);
        stats_of(r->catchup_s[i], r->cycles, &med, &max);
        snprintf(action, sizeof action, "link back until %s's copy caught up", who);
        bds_story_line(&c->st, action, "median %.2f s, max %.2f s", med, max);
        snprintf(action, sizeof action, "%s: %llu points in %s's copy", paths[i]->name,
                 (unsigned long long)r->n[i], who);
        bds_story_line(&c->st, action, "%.2f s after the last publish (%llu missing, %llu twice)",
                       r->all_s[i], (unsigned long long)r->check[i].missing,
                       (unsigned long long)r->check[i].duplicates);
    }
    bds_story_line(&c->st, "why", "%s", bds_recovery_why(c->t.version));
}

static int one_pattern(bds_ctx *c, long down_s, long period_s, nx_err *err)
{
    char pat[32];
    snprintf(pat, sizeof pat, "%ld/%ld", down_s, period_s);
    drop_result r;
    memset(&r, 0, sizeof r);
    r.cycles =
        (int)(c->o->link.drop_cycles < DROP_CYCLES_MAX ? c->o->link.drop_cycles : DROP_CYCLES_MAX);
    bds_story_heading(&c->st,
                      "Link cut for %ld s every %ld s, %d times, a point each way every %d ms "
                      "(paced to %d kbit/s)",
                      down_s, period_s, r.cycles, DROP_INTERVAL_MS, DROP_KBIT);
    bds_path h2l, l2h;
    bds_path_init(&h2l, &c->t, true, 1);
    bds_path_init(&l2h, &c->t, false, 1);
    snprintf(h2l.stream[0], sizeof h2l.stream[0], "DROP-HUB");
    snprintf(l2h.stream[0], sizeof l2h.stream[0], "DROP-LEAF");
    bds_relay_set_rate(c->t.link, DROP_KBIT * 1000L);
    int rc = bds_path_create(&h2l, err);
    if (rc == 0)
        rc = bds_path_create(&l2h, err);
    const bds_path *paths[2] = {&h2l, &l2h};
    if (rc == 0)
        rc = run_pattern(c, paths, down_s, period_s, &r, err);
    bds_relay_set_down(c->t.link, false);
    bds_relay_set_rate(c->t.link, 0);
    if (rc == 0) {
        story(c, paths, &r);
        /* s2_auto (the 2.10+ default) may have switched on during an
         * earlier delay: the bytes depend on it. */
        bds_leafz_mode lm;
        char mode[160];
        bds_leafz_mode_read(&c->t, &lm);
        bds_story_line(&c->st, "leafnode link", "%s", bds_leafz_mode_text(&lm, mode, sizeof mode));
        c->rep.note_suffix = mode;
        rc = write_rows(c, pat, &r, err);
        c->rep.note_suffix = NULL;
    }
    nx_err derr;
    if ((bds_path_delete(&h2l, &derr) != 0 || bds_path_delete(&l2h, &derr) != 0) && rc == 0)
        rc = nx_fail(err, "%s", derr.msg);
    for (int i = 0; i < 2 && rc == 0; i++)
        if (!bds_copy_check_ok(&r.check[i]))
            rc = nx_fail(err, "dropout %s: %s's copy of %s: %llu missing, %llu twice (%s)", pat,
                         i == 0 ? "the leaf" : "the hub", paths[i]->stream[0],
                         (unsigned long long)r.check[i].missing,
                         (unsigned long long)r.check[i].duplicates, r.check[i].first_problem);
    return rc;
}

int bds_section_dropout(bds_ctx *c, nx_err *err)
{
    for (size_t i = 0; i < c->o->link.ndrop; i++)
        if (one_pattern(c, c->o->link.drop_down_s[i], c->o->link.drop_period_s[i], err) != 0)
            return -1;
    return 0;
}
