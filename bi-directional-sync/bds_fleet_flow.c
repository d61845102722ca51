#include "bds_fleet_flow.h"

#include <stdio.h>
#include <string.h>

#include "bds_copy_check.h"
#include "bds_points.h"
#include "nx_stats.h"
#include "nx_stream.h"

#define DATA "FLEET-DATA"
#define DOWN "FLEET-DOWN"
#define HUB "FLEET-HUB"
#define ALL "FLEET-ALL"
/* Outstanding acks per publisher: a burst keeps every leaf busy. */
#define WINDOW 512
/* Polling every copy of a large fleet costs the hub CPU of its own. */
#define POLL_MS 20

const char *bds_fleet_layout_name(bds_fleet_layout l)
{
    return l == BDS_FLEET_PER_LEAF ? "per_leaf" : "one_stream";
}

static void leaf_subject(const bds_fleet *f, int k, char *buf, size_t len)
{
    snprintf(buf, len, "f.%s.p", f->leaves[k].domain);
}

static void hub_copy(int k, char *buf, size_t len)
{
    snprintf(buf, len, "FLEET-LEAF%d", k + 1);
}

static int create_streams(bds_fleet_flow *w, nx_err *err)
{
    bds_fleet *f = w->f;
    nx_stream_spec s;
    nx_stream_spec_init(&s, HUB);
    s.subjects[0] = "f.hub.p";
    s.nsubjects = 1;
    if (nx_stream_create(f->hub_js, &s, err) != 0)
        return -1;
    for (int k = 0; k < f->n; k++) {
        char subj[32];
        leaf_subject(f, k, subj, sizeof subj);
        nx_stream_spec_init(&s, DATA);
        s.subjects[0] = subj;
        s.nsubjects = 1;
        if (nx_stream_create(f->leaves[k].js, &s, err) != 0)
            return nx_fail_wrap(err, "%s: ", f->leaves[k].domain);
        nx_stream_spec_init(&s, DOWN);
        s.sources[0] = (nx_source){.name = HUB, .domain = "hub"};
        s.nsources = 1;
        if (nx_stream_create(f->leaves[k].js, &s, err) != 0)
            return nx_fail_wrap(err, "%s: ", f->leaves[k].domain);
    }
    if (w->layout == BDS_FLEET_ONE_STREAM) {
        nx_stream_spec_init(&s, ALL);
        for (int k = 0; k < f->n; k++)
            s.sources[k] = (nx_source){.name = DATA, .domain = f->leaves[k].domain};
        s.nsources = f->n;
        return nx_stream_create(f->hub_js, &s, err);
    }
    for (int k = 0; k < f->n; k++) {
        char name[32];
        hub_copy(k, name, sizeof name);
        nx_stream_spec_init(&s, name);
        s.sources[0] = (nx_source){.name = DATA, .domain = f->leaves[k].domain};
        s.nsources = 1;
        if (nx_stream_create(f->hub_js, &s, err) != 0)
            return -1;
    }
    return 0;
}

static int send_one(bds_fleet_flow *w, nx_asyncpub *p, const char *origin, const char *subject,
                    uint64_t index, nx_err *err)
{
    uint8_t buf[BDS_POINT_DATA_MAX + 64];
    size_t len = bds_point_encode_indexed(buf, sizeof buf, origin, nx_now_ns(), index, w->payload);
    if (len == 0)
        return nx_fail(err, "a point of %zu data bytes does not fit", w->payload);
    return nx_asyncpub_send(p, subject, buf, (int)len, err);
}

int bds_flow_send(bds_fleet_flow *w, uint64_t per_leaf, bool hub, nx_err *err)
{
    bds_fleet *f = w->f;
    for (uint64_t i = 0; i < per_leaf; i++) {
        for (int k = 0; k < f->n; k++) {
            char subj[32];
            leaf_subject(f, k, subj, sizeof subj);
            if (send_one(w, w->leaf_pub[k], f->leaves[k].domain, subj, w->up_next[k], err) != 0)
                return nx_fail_wrap(err, "%s: ", f->leaves[k].domain);
            w->up_next[k]++;
        }
        if (hub) {
            if (send_one(w, w->hub_pub, "hub", "f.hub.p", w->down_next, err) != 0)
                return nx_fail_wrap(err, "hub: ");
            w->down_next++;
        }
    }
    return 0;
}

int bds_flow_send_hub(bds_fleet_flow *w, uint64_t n, nx_err *err)
{
    for (uint64_t i = 0; i < n; i++, w->down_next++)
        if (send_one(w, w->hub_pub, "hub", "f.hub.p", w->down_next, err) != 0)
            return nx_fail_wrap(err, "hub: ");
    return 0;
}

int bds_flow_acked(bds_fleet_flow *w, bool hub, nx_err *err)
{
    for (int k = 0; k < w->f->n; k++)
        if (nx_asyncpub_wait(w->leaf_pub[k], w->timeout_ms, err) != 0)
            return nx_fail_wrap(err, "%s: ", w->f->leaves[k].domain);
    if (hub && nx_asyncpub_wait(w->hub_pub, w->timeout_ms, err) != 0)
        return nx_fail_wrap(err, "hub: ");
    return 0;
}

int bds_flow_wait_up(bds_fleet_flow *w, int timeout_ms, nx_err *err)
{
    bds_fleet *f = w->f;
    if (w->layout == BDS_FLEET_ONE_STREAM) {
        uint64_t total = 0;
        for (int k = 0; k < f->n; k++)
            total += w->up_next[k];
        return nx_stream_wait_count(f->hub_js, ALL, total, POLL_MS, timeout_ms, err);
    }
    int64_t deadline = nx_now_ns() + (int64_t)timeout_ms * 1000000;
    for (int k = 0; k < f->n; k++) {
        char name[32];
        hub_copy(k, name, sizeof name);
        int left = (int)((deadline - nx_now_ns()) / 1000000);
        if (nx_stream_wait_count(f->hub_js, name, w->up_next[k], POLL_MS, left > 0 ? left : 1,
                                 err) != 0)
            return -1;
    }
    return 0;
}

int bds_flow_wait_down(bds_fleet_flow *w, int timeout_ms, nx_err *err)
{
    bds_fleet *f = w->f;
    int64_t deadline = nx_now_ns() + (int64_t)timeout_ms * 1000000;
    for (int k = 0; k < f->n; k++) {
        int left = (int)((deadline - nx_now_ns()) / 1000000);
        if (nx_stream_wait_count(f->leaves[k].js, DOWN, w->down_next, POLL_MS, left > 0 ? left : 1,
                                 err) != 0)
            return nx_fail_wrap(err, "%s: ", f->leaves[k].domain);
    }
    return 0;
}

static bool holds(jsCtx *js, const char *stream, uint64_t n)
{
    nx_stream_state st;
    nx_err ignored;
    return nx_stream_state_get(js, stream, &st, &ignored) == 0 && st.msgs >= n;
}

void bds_flow_held(bds_fleet_flow *w, bool up, bool *all)
{
    bds_fleet *f = w->f;
    *all = false;
    if (up && w->layout == BDS_FLEET_ONE_STREAM) {
        uint64_t total = 0;
        for (int k = 0; k < f->n; k++)
            total += w->up_next[k];
        *all = holds(f->hub_js, ALL, total);
        return;
    }
    for (int k = 0; k < f->n; k++) {
        char name[32];
        hub_copy(k, name, sizeof name);
        if (up ? !holds(f->hub_js, name, w->up_next[k])
               : !holds(f->leaves[k].js, DOWN, w->down_next))
            return;
    }
    *all = true;
}

static int check_copy(bds_fleet_flow *w, natsConnection *nc, jsCtx *js, const char *stream,
                      const char *where, const char *origin, const char *subject, uint64_t expected,
                      bds_fleet_check *out, nx_err *err)
{
    bds_point_list l = {0};
    if (bds_point_read_stream(nc, js, stream, subject, &l, err) != 0)
        return nx_fail_wrap(err, "reading %s on %s: ", stream, where);
    bds_copy_check c;
    bds_copy_check_run(&l, expected, origin, subject, w->payload, &c);
    bds_point_list_free(&l);
    out->copies++;
    out->points += c.held;
    out->missing += c.missing;
    out->twice += c.duplicates;
    out->out_of_order += c.out_of_order;
    out->corrupt += c.corrupt;
    if (!bds_copy_check_ok(&c) && out->first_problem[0] == '\0')
        snprintf(out->first_problem, sizeof out->first_problem, "%s on %s: %s", stream, where,
                 c.first_problem[0] ? c.first_problem : "count differs");
    return 0;
}

int bds_flow_check(bds_fleet_flow *w, bds_fleet_check *out, nx_err *err)
{
    bds_fleet *f = w->f;
    memset(out, 0, sizeof *out);
    for (int k = 0; k < f->n; k++) {
        bds_fleet_leaf *l = &f->leaves[k];
        char subj[32], name[32];
        leaf_subject(f, k, subj, sizeof subj);
        if (w->layout == BDS_FLEET_ONE_STREAM)
            snprintf(name, sizeof name, ALL);
        else
            hub_copy(k, name, sizeof name);
        if (check_copy(w, f->hub_nc, f->hub_js, name, "the hub", l->domain, subj, w->up_next[k],
                       out, err) != 0 ||
            check_copy(w, l->nc, l->js, DOWN, l->domain, "hub", "f.hub.p", w->down_next, out,
                       err) != 0)
            return -1;
    }
    return 0;
}

int bds_flow_setup(bds_fleet_flow *w, bds_fleet *f, bds_fleet_layout layout, size_t payload,
                   int timeout_ms, double *seconds, nx_err *err)
{
    memset(w, 0, sizeof *w);
    w->f = f;
    w->layout = layout;
    w->payload = payload;
    w->timeout_ms = timeout_ms;
    int64_t t0 = nx_now_ns();
    if (create_streams(w, err) != 0)
        return -1;
    if (nx_asyncpub_open(&w->hub_pub, f->hub_nc, NULL, WINDOW, err) != 0)
        return -1;
    for (int k = 0; k < f->n; k++)
        if (nx_asyncpub_open(&w->leaf_pub[k], f->leaves[k].nc, NULL, WINDOW, err) != 0)
            return -1;
    if (bds_flow_send(w, 1, true, err) != 0 || bds_flow_acked(w, true, err) != 0 ||
        bds_flow_wait_up(w, timeout_ms, err) != 0 || bds_flow_wait_down(w, timeout_ms, err) != 0)
        return -1;
    *seconds = (double)(nx_now_ns() - t0) / 1e9;
    return 0;
}

int bds_flow_teardown(bds_fleet_flow *w, nx_err *err)
{
    bds_fleet *f = w->f;
    if (f == NULL)
        return 0;
    int rc = 0;
    nx_asyncpub_close(w->hub_pub);
    for (int k = 0; k < f->n; k++)
        nx_asyncpub_close(w->leaf_pub[k]);
    /* Copies first, so no source is left pointing at a deleted origin. */
    if (w->layout == BDS_FLEET_ONE_STREAM)
        rc |= nx_stream_delete(f->hub_js, ALL, true, err);
    for (int k = 0; k < f->n; k++) {
        char name[32];
        hub_copy(k, name, sizeof name);
        if (w->layout == BDS_FLEET_PER_LEAF)
            rc |= nx_stream_delete(f->hub_js, name, true, err);
        rc |= nx_stream_delete(f->leaves[k].js, DOWN, true, err);
        rc |= nx_stream_delete(f->leaves[k].js, DATA, true, err);
    }
    rc |= nx_stream_delete(f->hub_js, HUB, true, err);
    memset(w, 0, sizeof *w);
    return rc ? -1 : 0;
}
