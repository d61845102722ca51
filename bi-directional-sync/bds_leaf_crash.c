/* The leaf SIGKILLed in the middle of a sync both ways, then restarted on
 * its store dir: the sourced copies on both sides must end with every point
 * exactly once, in order, intact.
 *
 * Each round creates CRASH-HUB on the hub (sourced into the leaf) and
 * CRASH-LEAF on the leaf (sourced into the hub), paces the link so that
 * moving LEAF_CRASH_POINTS each way takes about a second, publishes them on
 * both sides (every publish acked), and kills the leaf once its copy of
 * CRASH-HUB holds a random 25-75% of the points. The leaf is restarted at
 * once on the same store dir and ports. Then it waits until both copies
 * hold everything (the leaf's source only resumes after its 5 s retry, see
 * README) and reads each copy back: missing and duplicate points are
 * counted, and so is the leaf's own CRASH-LEAF, whose points were all acked
 * before the kill. */
#include "bds_leaf_crash.h"

#include <stdio.h>
#include <string.h>

#include "bds_copy_check.h"
#include "bds_ctx.h"
#include "bds_points.h"
#include "bds_recovery_why.h"
#include "nx_server.h"
#include "nx_stats.h"
#include "nx_stream.h"
#include "nx_wait.h"
#include "nx_watchdog.h"

#define LEAF_CRASH_POINTS 1000
#define LEAF_CRASH_KBIT 1000
#define KILL_WAIT_MS 60000
#define CATCHUP_WAIT_MS 120000
/* After both copies are complete, a late duplicate would show up here. */
#define SETTLE_MS 300
#define POLL_MS 5

static uint64_t splitmix(uint64_t *state)
{
    uint64_t x = (*state += 0x9e3779b97f4a7c15ULL);
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static const char *copy_name(int i)
{
    return i == 0 ? "CRASH-HUB" : "CRASH-LEAF";
}

static uint64_t held(const bds_path *p)
{
    nx_stream_state st;
    nx_err ignored;
    return nx_stream_state_get(p->dst_js, p->stream[0], &st, &ignored) == 0 ? st.msgs : 0;
}

static void paths_init(bds_ctx *c, bds_path *h2l, bds_path *l2h)
{
    bds_path_init(h2l, &c->t, true, 1);
    bds_path_init(l2h, &c->t, false, 1);
    snprintf(h2l->stream[0], sizeof h2l->stream[0], "CRASH-HUB");
    snprintf(l2h->stream[0], sizeof l2h->stream[0], "CRASH-LEAF");
}

/* A copy polled until it holds a number of points. */
typedef struct copy_wait {
    const bds_path *p;
    uint64_t want, held;
} copy_wait;

static bool copy_holds(void *ctx)
{
    copy_wait *w = ctx;
    w->held = held(w->p);
    return w->held >= w->want;
}

/* Waits until the leaf's copy of CRASH-HUB holds the target, then kills the
 * leaf; the counts both copies had are in at_kill. */
static int kill_mid_sync(bds_ctx *c, const bds_path *h2l, const bds_path *l2h, uint64_t target,
                         uint64_t at_kill[2], nx_err *err)
{
    copy_wait w = {.p = h2l, .want = target};
    int reached = nx_poll_until(copy_holds, &w, POLL_MS, KILL_WAIT_MS);
    at_kill[0] = w.held;
    if (reached != 0)
        return nx_fail(err, "leaf crash: the leaf's %s holds %llu of %llu points after %d s",
                       h2l->stream[0], (unsigned long long)at_kill[0], (unsigned long long)target,
                       KILL_WAIT_MS / 1000);
    at_kill[1] = held(l2h);
    nx_watchdog_unwatch(c->t.leaf);
    nx_server_kill(c->t.leaf);
    return 0;
}

/* Both copies polled after the restart: when each was complete. */
typedef struct completion {
    const bds_path *const *paths;
    uint64_t n;
    int64_t t0;
    double *done_s;
} completion;

static bool both_complete(void *ctx)
{
    completion *w = ctx;
    int left = 0;
    for (int i = 0; i < 2; i++) {
        if (w->done_s[i] > 0)
            continue;
        if (held(w->paths[i]) >= w->n)
            w->done_s[i] = (double)(nx_now_ns() - w->t0) / 1e9;
        else
            left++;
    }
    return left == 0;
}

/* Seconds from t0 until each path's copy holds n. */
static int wait_complete(const bds_path *paths[2], uint64_t n, int64_t t0, double done_s[2],
                         nx_err *err)
{
    done_s[0] = done_s[1] = 0;
    completion w = {.paths = paths, .n = n, .t0 = t0, .done_s = done_s};
    int64_t left_ms = CATCHUP_WAIT_MS - (nx_now_ns() - t0) / 1000000;
    if (nx_poll_until(both_complete, &w, POLL_MS, left_ms) == 0)
        return 0;
    for (int i = 0; i < 2; i++)
        if (done_s[i] == 0)
            return nx_fail(err,
                           "leaf crash: %s's copy of %s holds %llu of %llu points %d s after the "
                           "restart",
                           i == 0 ? "the leaf" : "the hub", paths[i]->stream[0],
                           (unsigned long long)held(paths[i]), (unsigned long long)n,
                           CATCHUP_WAIT_MS / 1000);
    return 0;
}

static int check_copy(natsConnection *nc, jsCtx *js, const bds_path *p, uint64_t n, size_t data_len,
                      bds_copy_check *out, nx_err *err)
{
    bds_point_list l;
    if (bds_point_read_stream(nc, js, p->stream[0], p->subject[0], &l, err) != 0)
        return nx_fail_wrap(err, "leaf crash: ");
    bds_copy_check_run(&l, n, p->origin, p->subject[0], data_len, out);
    bds_point_list_free(&l);
    return 0;
}

static void add_check(bds_leaf_crash_dir *d, const bds_copy_check *k)
{
    d->checked += k->expected;
    d->held += k->held;
    d->missing += k->missing;
    d->duplicates += k->duplicates;
    d->other += k->out_of_order + k->corrupt;
    if (d->problem[0] == '\0' && k->first_problem[0])
        snprintf(d->problem, sizeof d->problem, "%s", k->first_problem);
}

static void add_kill_point(bds_leaf_crash_dir *d, uint64_t at)
{
    if (d->rounds == 0 || at < d->kill_min)
        d->kill_min = at;
    if (at > d->kill_max)
        d->kill_max = at;
}

static int one_round(bds_ctx *c, int round, uint64_t *rng, bds_leaf_crash_result *res, nx_err *err)
{
    const uint64_t n = LEAF_CRASH_POINTS;
    size_t data_len = (size_t)c->o->base.payload;
    bds_path h2l, l2h;
    paths_init(c, &h2l, &l2h);
    bds_story_heading(&c->st,
                      "Leaf SIGKILLed in the middle of a sync, round %d of %ld (link paced to "
                      "%d kbit/s each way)",
                      round + 1, c->o->crash_rounds, LEAF_CRASH_KBIT);
    bds_relay_set_rate(c->t.link, LEAF_CRASH_KBIT * 1000L);
    double pub_s = 0;
    size_t point_bytes = 0;
    int rc = bds_path_create(&h2l, err);
    if (rc == 0)
        rc = bds_path_create(&l2h, err);
    /* The leaf's points first: all of them must be acked before the kill. */
    if (rc == 0)
        rc = bds_publish(&l2h, &c->env, n, data_len, false, &pub_s, &point_bytes, err);
    if (rc == 0)
        rc = bds_publish(&h2l, &c->env, n, data_len, false, &pub_s, &point_bytes, err);
    uint64_t target = n / 4 + splitmix(rng) % (n / 2);
    uint64_t at_kill[2] = {0, 0};
    if (rc == 0) {
        bds_story_line(&c->st, "publish on the leaf and on the hub, every publish acked",
                       "%llu each", (unsigned long long)n);
        rc = kill_mid_sync(c, &h2l, &l2h, target, at_kill, err);
    }
    if (rc == 0) {
        bds_story_line(&c->st, "SIGKILL the leaf; the copies held",
                       "hub_to_leaf %llu, leaf_to_hub %llu", (unsigned long long)at_kill[0],
                       (unsigned long long)at_kill[1]);
        int64_t t0 = nx_now_ns();
        rc = bds_topology_leaf_start_again(&c->t, err);
        double reconnect_s = 0, done_s[2] = {0, 0};
        if (rc == 0)
            rc = bds_topology_wait_leafz(&c->t, 1, 30000, err);
        if (rc == 0) {
            reconnect_s = (double)(nx_now_ns() - t0) / 1e9;
            bds_story_line(&c->st, "restart the leaf; hub lists it again after", "%.2f s",
                           reconnect_s);
            const bds_path *paths[2] = {&h2l, &l2h};
            rc = wait_complete(paths, n, t0, done_s, err);
        }
        if (rc == 0) {
            nx_sleep_ms(SETTLE_MS);
            bds_copy_check k[3];
            /* --inject-fault crash-copy: the check expects one point more */
            uint64_t want = c->o->fault == BDS_FAULT_CRASH_COPY ? n + 1 : n;
            rc = check_copy(h2l.dst_nc, h2l.dst_js, &h2l, want, data_len, &k[0], err);
            if (rc == 0)
                rc = check_copy(l2h.dst_nc, l2h.dst_js, &l2h, n, data_len, &k[1], err);
            if (rc == 0)
                rc = check_copy(l2h.src_nc, l2h.src_js, &l2h, n, data_len, &k[2], err);
            if (rc == 0) {
                bds_leaf_crash_dir *dirs[2] = {&res->dir[0], &res->dir[1]};
                for (int i = 0; i < 2; i++) {
                    add_kill_point(dirs[i], at_kill[i]);
                    add_check(dirs[i], &k[i]);
                    dirs[i]->catchup_s[dirs[i]->rounds] = done_s[i];
                    dirs[i]->point_bytes = point_bytes;
                    dirs[i]->rounds++;
                }
                res->leaf_origin_held += k[2].held;
                res->leaf_origin_acked += n;
                res->leaf_origin_ok = res->leaf_origin_ok && bds_copy_check_ok(&k[2]);
                for (int i = 0; i < 2; i++) {
                    char action[96];
                    snprintf(action, sizeof action, "%s's copy of %s complete after",
                             i == 0 ? "the leaf" : "the hub", copy_name(i));
                    bds_story_line(&c->st, action, "%.2f s (%llu held, %llu missing, %llu twice)",
                                   done_s[i], (unsigned long long)k[i].held,
                                   (unsigned long long)k[i].missing,
                                   (unsigned long long)k[i].duplicates);
                }
                bds_story_line(&c->st, "the leaf's own CRASH-LEAF after the kill",
                               "%llu of %llu acked", (unsigned long long)k[2].held,
                               (unsigned long long)n);
            }
        }
    }
    bds_relay_set_rate(c->t.link, 0);
    nx_err derr;
    if ((bds_path_delete(&h2l, &derr) != 0 || bds_path_delete(&l2h, &derr) != 0) && rc == 0)
        rc = nx_fail(err, "%s", derr.msg);
    return rc;
}

static int write_rows(bds_ctx *c, const bds_leaf_crash_result *res, nx_err *err)
{
    static const char *const names[2] = {"hub_to_leaf", "leaf_to_hub"};
    for (int i = 0; i < 2; i++) {
        const bds_leaf_crash_dir *d = &res->dir[i];
        if (d->rounds == 0)
            continue;
        double times[BDS_LEAF_CRASH_ROUNDS_MAX], max = 0;
        for (long r = 0; r < d->rounds; r++) {
            times[r] = d->catchup_s[r];
            max = times[r] > max ? times[r] : max;
        }
        bool origin_ok = i == 0 || res->leaf_origin_ok;
        char case_name[64], note[600], detail[160], origin[120] = "";
        snprintf(case_name, sizeof case_name, "leaf SIGKILL mid-sync %s", names[i]);
        if (i == 1)
            snprintf(origin, sizeof origin, "; the leaf's own CRASH-LEAF kept %llu of %llu acked",
                     (unsigned long long)res->leaf_origin_held,
                     (unsigned long long)res->leaf_origin_acked);
        nx_row row;
        nx_row_init(&row);
        row.op = "crash_recovery";
        row.case_name = case_name;
        row.count = d->checked;
        row.payload_bytes = c->o->base.payload;
        row.seconds = nx_median(times, (size_t)d->rounds);
        row.max_us = max * 1e6;
        row.verified = d->missing == 0 && d->duplicates == 0 && d->other == 0 &&
                       d->held == d->checked && origin_ok;
        snprintf(note, sizeof note,
                 "%ld rounds of %d points each way on a link paced to %d kbit/s; the leaf "
                 "SIGKILLed when its copy of CRASH-HUB held a random 25-75%% (this copy held "
                 "%llu-%llu), restarted at once on its store dir; then %llu held, missing %llu, "
                 "duplicates %llu, out of order or corrupt %llu%s%s%s; seconds = median restart "
                 "until this copy held all (max_us: slowest); %zu B points encoded",
                 d->rounds, LEAF_CRASH_POINTS, LEAF_CRASH_KBIT, (unsigned long long)d->kill_min,
                 (unsigned long long)d->kill_max, (unsigned long long)d->held,
                 (unsigned long long)d->missing, (unsigned long long)d->duplicates,
                 (unsigned long long)d->other, origin, d->problem[0] ? "; first: " : "", d->problem,
                 d->point_bytes);
        row.note = note;
        snprintf(detail, sizeof detail, "missing %llu, twice %llu; killed at %llu-%llu",
                 (unsigned long long)d->missing, (unsigned long long)d->duplicates,
                 (unsigned long long)d->kill_min, (unsigned long long)d->kill_max);
        if (bds_report_row(&c->rep, &row, detail, err) != 0)
            return -1;
    }
    return 0;
}

int bds_section_leaf_crash(bds_ctx *c, nx_err *err)
{
    long rounds = c->o->crash_rounds;
    if (rounds <= 0)
        return 0;
    if (rounds > BDS_LEAF_CRASH_ROUNDS_MAX)
        rounds = BDS_LEAF_CRASH_ROUNDS_MAX;
    bds_leaf_crash_result res;
    memset(&res, 0, sizeof res);
    res.leaf_origin_ok = true;
    uint64_t rng = (uint64_t)nx_wall_ns();
    int rc = 0;
    for (long r = 0; r < rounds && rc == 0; r++)
        rc = one_round(c, (int)r, &rng, &res, err);
    nx_err row_err;
    bds_story_line(&c->st, "why", "%s", bds_recovery_why(c->t.version));
    c->rep.note_suffix = bds_recovery_why(c->t.version);
    int wrc = write_rows(c, &res, rc == 0 ? err : &row_err);
    c->rep.note_suffix = NULL;
    if (wrc != 0 && rc == 0)
        return -1;
    if (rc != 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        const bds_leaf_crash_dir *d = &res.dir[i];
        if (d->missing || d->duplicates || d->other || d->held != d->checked)
            return nx_fail(err,
                           "leaf crash: %s's copy of %s after the restart: %llu missing, %llu "
                           "twice, %llu out of order or corrupt (%s)",
                           i == 0 ? "the leaf" : "the hub", copy_name(i),
                           (unsigned long long)d->missing, (unsigned long long)d->duplicates,
                           (unsigned long long)d->other, d->problem);
    }
    if (!res.leaf_origin_ok)
        return nx_fail(err, "leaf crash: the leaf's own CRASH-LEAF holds %llu of %llu acked points",
                       (unsigned long long)res.leaf_origin_held,
                       (unsigned long long)res.leaf_origin_acked);
    return 0;
}
