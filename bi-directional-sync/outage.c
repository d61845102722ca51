#include "outage.h"

#include <string.h>
#include <time.h>

#include "nx_monitor.h"
#include "nx_stats.h"
#include "nx_stream.h"
#include "points.h"

/* The source retries after seconds; a paced link adds the transfer. */
#define OUTAGE_TIMEOUT_MS 120000

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int verify_caught_up(const sync_path *p, uint64_t m, size_t data_len, nx_err *err)
{
    point_list l;
    if (point_read_stream(p->dst_nc, p->dst_js, p->stream[0], p->subject[0], &l, err) != 0)
        return nx_fail_wrap(err, "catch-up: reading the leaf's %s: ", p->stream[0]);
    int rc = 0;
    if (l.n != m)
        rc = nx_fail(err, "catch-up: the leaf's %s holds %zu points on %s, expected %llu",
                     p->stream[0], l.n, p->subject[0], (unsigned long long)m);
    for (size_t i = 0; i < l.n && rc == 0; i++) {
        const point_record *r = &l.items[i];
        if (!r->has_index || r->index != i || !r->filler_ok || r->data_len != data_len ||
            strcmp(r->origin, p->origin) != 0)
            rc = nx_fail(err,
                         "catch-up: the leaf's %s point %zu is index %llu%s from %s, expected "
                         "index %zu from %s",
                         p->stream[0], i + 1, (unsigned long long)r->index,
                         r->filler_ok ? "" : " (corrupt)", r->origin, i, p->origin);
    }
    point_list_free(&l);
    return rc;
}

int outage_measure(topology *t, const sync_path *p, const sync_env *env, uint64_t m,
                   size_t data_len, outage_result *out, nx_err *err)
{
    memset(out, 0, sizeof *out);
    out->count = m;
    nx_stream_state st;
    if (nx_stream_state_get(p->dst_js, p->stream[0], &st, err) != 0)
        return -1;
    uint64_t want = st.msgs + m;
    if (topology_leaf_stop(t, err) != 0)
        return nx_fail_wrap(err, "catch-up: ");
    if (sync_publish(p, env, m, data_len, env->fault == FAULT_OUTAGE_CONTENT, &out->publish_s,
                     &out->point_bytes, err) != 0)
        return -1;
    relay_counts before, after;
    relay_read_counts(env->link, &before);
    int64_t t0 = nx_now_ns();
    if (topology_leaf_start_again(t, err) != 0)
        return nx_fail_wrap(err, "catch-up: ");
    out->ready_ms = nx_server_ready_ms(t->leaf);
    if (topology_wait_leafz(t, 1, OUTAGE_TIMEOUT_MS, err) != 0)
        return nx_fail_wrap(err, "catch-up: ");
    out->reconnect_s = (double)(nx_now_ns() - t0) / 1e9;
    int64_t deadline = t0 + (int64_t)OUTAGE_TIMEOUT_MS * 1000000;
    nx_err last = {{0}};
    st.msgs = 0;
    for (;;) {
        bool ok = nx_stream_state_get(p->dst_js, p->stream[0], &st, &last) == 0;
        double now_s = (double)(nx_now_ns() - t0) / 1e9;
        if (ok && st.msgs > want - m && out->first_s == 0)
            out->first_s = now_s;
        if (ok && st.msgs >= want) {
            out->all_s = now_s;
            break;
        }
        if (nx_now_ns() >= deadline)
            return nx_fail(err,
                           "catch-up: the restarted leaf's %s holds %llu of %llu messages %.0f s "
                           "after the restart%s%s",
                           p->stream[0], (unsigned long long)st.msgs, (unsigned long long)want,
                           OUTAGE_TIMEOUT_MS / 1000.0, last.msg[0] ? ": " : "", last.msg);
        sleep_ms(2);
    }
    relay_read_counts(env->link, &after);
    out->link = relay_counts_diff(&after, &before);
    return verify_caught_up(p, m, data_len, err);
}
