#include "bds_outage.h"

#include <string.h>

#include "bds_points.h"
#include "nx_monitor.h"
#include "nx_stats.h"
#include "nx_stream.h"
#include "nx_wait.h"

/* The source retries after seconds; a paced link adds the transfer. */
#define OUTAGE_TIMEOUT_MS 120000

static int verify_caught_up(const bds_path *p, uint64_t m, size_t data_len, nx_err *err)
{
    bds_point_list l;
    if (bds_point_read_stream(p->dst_nc, p->dst_js, p->stream[0], p->subject[0], &l, err) != 0)
        return nx_fail_wrap(err, "catch-up: reading the leaf's %s: ", p->stream[0]);
    int rc = 0;
    if (l.n != m)
        rc = nx_fail(err, "catch-up: the leaf's %s holds %zu points on %s, expected %llu",
                     p->stream[0], l.n, p->subject[0], (unsigned long long)m);
    for (size_t i = 0; i < l.n && rc == 0; i++) {
        const bds_point_record *r = &l.items[i];
        if (!r->has_index || r->index != i || !r->filler_ok || r->data_len != data_len ||
            strcmp(r->origin, p->origin) != 0)
            rc = nx_fail(err,
                         "catch-up: the leaf's %s point %zu is index %llu%s from %s, expected "
                         "index %zu from %s",
                         p->stream[0], i + 1, (unsigned long long)r->index,
                         r->filler_ok ? "" : " (corrupt)", r->origin, i, p->origin);
    }
    bds_point_list_free(&l);
    return rc;
}

/* The leaf's sourced copy, polled from the restart on: when it first holds
 * more than before the outage, and when it holds everything. */
typedef struct catchup {
    const bds_path *p;
    uint64_t before, want;
    int64_t t0;
    double first_s, all_s;
    uint64_t held;
    nx_err last; /* the last failed read, if any */
} catchup;

static bool caught_up(void *ctx)
{
    catchup *c = ctx;
    nx_stream_state st;
    if (nx_stream_state_get(c->p->dst_js, c->p->stream[0], &st, &c->last) != 0)
        return false;
    c->last.msg[0] = '\0';
    c->held = st.msgs;
    double now_s = (double)(nx_now_ns() - c->t0) / 1e9;
    if (st.msgs > c->before && c->first_s == 0)
        c->first_s = now_s;
    if (st.msgs < c->want)
        return false;
    c->all_s = now_s;
    return true;
}

int bds_outage_measure(bds_topology *t, const bds_path *p, const bds_env *env, uint64_t m,
                       size_t data_len, bds_outage_result *out, nx_err *err)
{
    memset(out, 0, sizeof *out);
    out->count = m;
    out->data_len = data_len;
    /* A paced link's transfer may take longer than the source's retry. */
    int64_t timeout_ms = env->timeout_ms > OUTAGE_TIMEOUT_MS ? env->timeout_ms : OUTAGE_TIMEOUT_MS;
    nx_stream_state st;
    if (nx_stream_state_get(p->dst_js, p->stream[0], &st, err) != 0)
        return -1;
    catchup c = {.p = p, .before = st.msgs, .want = st.msgs + m};
    if (bds_topology_leaf_stop(t, err) != 0)
        return nx_fail_wrap(err, "catch-up: ");
    if (bds_publish(p, env, m, data_len, env->fault == BDS_FAULT_OUTAGE_CONTENT, &out->publish_s,
                    &out->point_bytes, err) != 0)
        return -1;
    bds_relay_counts before, after;
    bds_relay_read_counts(env->link, &before);
    c.t0 = nx_now_ns();
    if (bds_topology_leaf_start_again(t, err) != 0)
        return nx_fail_wrap(err, "catch-up: ");
    out->ready_ms = nx_server_ready_ms(t->leaf);
    if (bds_topology_wait_leafz(t, 1, OUTAGE_TIMEOUT_MS, err) != 0)
        return nx_fail_wrap(err, "catch-up: ");
    out->reconnect_s = (double)(nx_now_ns() - c.t0) / 1e9;
    int64_t left_ms = timeout_ms - (nx_now_ns() - c.t0) / 1000000;
    if (nx_poll_until(caught_up, &c, BDS_OUTAGE_POLL_INTERVAL_MS, left_ms) != 0)
        return nx_fail(err,
                       "catch-up: the restarted leaf's %s holds %llu of %llu messages %.0f s "
                       "after the restart%s%s",
                       p->stream[0], (unsigned long long)c.held, (unsigned long long)c.want,
                       (double)timeout_ms / 1000.0, c.last.msg[0] ? ": " : "", c.last.msg);
    out->first_s = c.first_s;
    out->all_s = c.all_s;
    bds_relay_read_counts(env->link, &after);
    out->link = bds_relay_counts_diff(&after, &before);
    return verify_caught_up(p, m, data_len, err);
}
