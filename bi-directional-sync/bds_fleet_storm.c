#include "bds_fleet_storm.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "nx_stats.h"
#include "nx_wait.h"

#define TICK_MS (1000 / BDS_FLEET_RATE)
/* Publishing goes on this long after every leaf is linked again, so points
 * written across the reconnect are part of the check. */
#define AFTER_LINK_MS 500
/* A round of stream info on every copy of a large fleet takes a while. */
#define STORM_POLL_MS 50

int bds_fleet_paced(bds_fleet_flow *w, double seconds, bool hub, nx_err *err)
{
    int64_t t0 = nx_now_ns();
    for (int64_t tick = 0;; tick++) {
        int64_t due = t0 + tick * TICK_MS * 1000000LL;
        if ((double)(due - t0) / 1e9 >= seconds)
            return 0;
        int64_t now = nx_now_ns();
        if (due > now)
            nx_sleep_ms((int)((due - now) / 1000000));
        if (bds_flow_send(w, 1, hub, err) != 0)
            return -1;
    }
}

typedef struct publisher {
    bds_fleet_flow *w;
    atomic_bool stop;
    int rc;
    nx_err err;
} publisher;

/* Leaves only: the hub is down for part of the storm. */
static void *publish_until_stopped(void *arg)
{
    publisher *p = arg;
    int64_t t0 = nx_now_ns();
    for (int64_t tick = 0; !atomic_load(&p->stop); tick++) {
        int64_t due = t0 + tick * TICK_MS * 1000000LL, now = nx_now_ns();
        if (due > now)
            nx_sleep_ms((int)((due - now) / 1000000));
        if (bds_flow_send(p->w, 1, false, &p->err) != 0) {
            p->rc = -1;
            break;
        }
    }
    return NULL;
}

static uint64_t leaf_points(const bds_fleet_flow *w)
{
    uint64_t s = 0;
    for (int k = 0; k < w->f->n; k++)
        s += w->up_next[k];
    return s;
}

static int restart_under_load(bds_fleet_flow *w, bds_fleet_result *r, publisher *p,
                              int64_t *ready_ns, nx_err *err)
{
    bds_fleet *f = w->f;
    nx_sleep_ms(2 * TICK_MS);
    int64_t t0 = nx_now_ns();
    /* From the main thread: the restarted child's PDEATHSIG follows it. */
    if (bds_fleet_restart_hub(f, err) != 0)
        return -1;
    int64_t t1 = nx_now_ns();
    *ready_ns = t1;
    r->storm.hub_down_s = (double)(t1 - t0) / 1e9;
    if (bds_fleet_wait_linked(f, f->n, w->timeout_ms, err) != 0)
        return nx_fail_wrap(err, "after the hub's restart: ");
    r->storm.reconnect_s = (double)(nx_now_ns() - t1) / 1e9;
    nx_sleep_ms(AFTER_LINK_MS);
    atomic_store(&p->stop, true);
    return 0;
}

/* Both ways polled side by side, so each gets its own completion time. */
static int both_complete(bds_fleet_flow *w, int64_t t0, bds_fleet_storm *s, nx_err *err)
{
    int64_t deadline = nx_now_ns() + (int64_t)w->timeout_ms * 1000000;
    bool up = false, down = false;
    while (!up || !down) {
        int64_t now = nx_now_ns();
        if (now > deadline)
            return nx_fail(err, "after the hub's restart, %s not complete after %.0f s",
                           !up ? "the hub's copies are" : "the leaves' copies are",
                           w->timeout_ms / 1000.0);
        if (!up && (bds_flow_held(w, true, &up), up))
            s->complete_up_s = (double)(nx_now_ns() - t0) / 1e9;
        if (!down && (bds_flow_held(w, false, &down), down))
            s->complete_down_s = (double)(nx_now_ns() - t0) / 1e9;
        nx_sleep_ms(STORM_POLL_MS);
    }
    return 0;
}

int bds_fleet_storm_run(bds_fleet_flow *w, bds_fleet_result *r, nx_err *err)
{
    memset(&r->storm, 0, sizeof r->storm);
    uint64_t before = leaf_points(w);
    static publisher p; /* the thread may outlive a failed frame's locals */
    memset(&p, 0, sizeof p);
    p.w = w;
    atomic_init(&p.stop, false);
    pthread_t th;
    if (pthread_create(&th, NULL, publish_until_stopped, &p) != 0)
        return nx_fail(err, "cannot start the storm's publisher thread");
    int64_t t_link = 0;
    int rc = restart_under_load(w, r, &p, &t_link, err);
    atomic_store(&p.stop, true);
    pthread_join(th, NULL);
    if (rc != 0)
        return -1;
    if (p.rc != 0)
        return nx_fail(err, "publishing on the leaves during the storm: %s", p.err.msg);
    r->storm.published = leaf_points(w) - before;
    /* The hub writes again once it is back, so its copies on every leaf must
     * resume too. */
    if (bds_flow_acked(w, false, err) != 0 || bds_flow_send_hub(w, BDS_FLEET_RATE, err) != 0 ||
        bds_flow_acked(w, true, err) != 0)
        return nx_fail_wrap(err, "after the hub's restart: ");
    if (both_complete(w, t_link, &r->storm, err) != 0)
        return -1;
    return bds_flow_check(w, &r->storm_check, err);
}
