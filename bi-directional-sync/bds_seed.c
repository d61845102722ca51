#include "bds_seed.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bds_points.h"
#include "nx_conn.h"
#include "nx_stats.h"
#include "nx_stream.h"

#define SYNC_WAIT_MS 30000
/* The restarted leaf's source retries after seconds; allow for several. */
#define CATCHUP_WAIT_MS 90000

/* A stream's expected content: value points first..last on one subject. */
typedef struct expected {
    const char *stream;
    const char *filter;
    const char *subject;
    const char *origin;
    int first, last;
} expected;

typedef struct seed_ctx {
    bds_topology *t;
    const bds_opts *o;
    const bds_story *st;
    int step;
    /* NODES-HUB with n.hub.123.value, NODES-LEAF with n.leaf.456.value (the
     * run's prefix and scope on an existing deployment). */
    expected hub_points, leaf_points;
    char names[6][96];
} seed_ctx;

static void name_points(seed_ctx *c)
{
    const bds_names *n = &c->t->names;
    char(*b)[96] = c->names;
    bds_stream_name(n, BDS_SEED_HUB_STREAM, b[0], sizeof b[0]);
    snprintf(b[1], sizeof b[1], "n.%s.>", bds_token(n, true));
    snprintf(b[2], sizeof b[2], "n.%s.123.value", bds_token(n, true));
    bds_stream_name(n, BDS_SEED_LEAF_STREAM, b[3], sizeof b[3]);
    snprintf(b[4], sizeof b[4], "n.%s.>", bds_token(n, false));
    snprintf(b[5], sizeof b[5], "n.%s.456.value", bds_token(n, false));
    c->hub_points = (expected){b[0], b[1], b[2], "hub", 12, 0};
    c->leaf_points = (expected){b[3], b[4], b[5], "leaf", 22, 0};
}

static expected upto(expected e, int last)
{
    e.last = last;
    return e;
}

/* The connection a context of the topology belongs to. */
static natsConnection *conn_of(const bds_topology *t, const jsCtx *js)
{
    return js == t->hub_js ? t->hub_nc : t->leaf_nc;
}

static void dump_copy(const bds_topology *t, jsCtx *js, const char *server, const expected *e)
{
    bds_point_list l;
    nx_err err = {{0}};
    char label[96];
    snprintf(label, sizeof label, "%s on the %s", e->stream, server);
    if (bds_point_read_stream(conn_of(t, js), js, e->stream, e->filter, &l, &err) != 0) {
        fprintf(stderr, "  %s: not readable: %s\n", label, err.msg);
        return;
    }
    bds_point_list_dump(stderr, label, &l);
    bds_point_list_free(&l);
}

static int mismatch(seed_ctx *c, const expected *e, nx_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int mismatch(seed_ctx *c, const expected *e, nx_err *err, const char *fmt, ...)
{
    char what[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    fprintf(stderr, "step %d: %s; both copies of %s:\n", c->step, what, e->stream);
    dump_copy(c->t, c->t->hub_js, "hub", e);
    dump_copy(c->t, c->t->leaf_js, "leaf", e);
    return nx_fail(err, "seed step %d: %s", c->step, what);
}

/* Reads the stream through js and checks count, subjects, origins, values
 * and their order against e. */
static int check_copy(seed_ctx *c, jsCtx *js, const char *action, const char *copy,
                      const expected *e, nx_err *err)
{
    bds_point_list l;
    if (bds_point_read_stream(conn_of(c->t, js), js, e->stream, e->filter, &l, err) != 0)
        return nx_fail_wrap(err, "seed step %d: %s: ", c->step, copy);
    size_t want = (size_t)(e->last - e->first + 1);
    int rc = 0;
    char values[256];
    bds_point_list_values(&l, values, sizeof values);
    if (l.n != want)
        rc = mismatch(c, e, err, "%s holds %zu points (%s), expected %zu (%d..%d)", copy, l.n,
                      values, want, e->first, e->last);
    for (size_t i = 0; i < l.n && rc == 0; i++) {
        const bds_point_record *r = &l.items[i];
        char v[16];
        snprintf(v, sizeof v, "%d", e->first + (int)i);
        if (strcmp(r->subject, e->subject) != 0 || strcmp(r->origin, e->origin) != 0 ||
            strcmp(r->value, v) != 0 || r->tombstone ||
            (i > 0 && r->time_ns < l.items[i - 1].time_ns))
            rc = mismatch(c, e, err,
                          "%s: point %zu is %s = '%s' from %s, expected %s = '%s' from %s "
                          "(values in order: %s)",
                          copy, i + 1, r->subject, r->value, r->origin, e->subject, v, e->origin,
                          values);
    }
    if (rc == 0)
        bds_story_line(c->st, action, "%zu  [%s]", l.n, values);
    bds_point_list_free(&l);
    return rc;
}

/* Waits until the copy holds the expected number, then checks it exactly. */
static int wait_and_check(seed_ctx *c, jsCtx *js, const char *action, const char *copy,
                          const expected *e, int timeout_ms, nx_err *err)
{
    uint64_t want = (uint64_t)(e->last - e->first + 1);
    if (nx_stream_wait_count(js, e->stream, want, 5, timeout_ms, err) != 0)
        return mismatch(c, e, err, "%s: %s", copy, err->msg);
    return check_copy(c, js, action, copy, e, err);
}

static int publish_values(seed_ctx *c, jsCtx *js, const expected *e, int first, int last,
                          const char *server, nx_err *err)
{
    char action[128];
    snprintf(action, sizeof action, "publish %d..%d to %s on the %s", first, last, e->subject,
             server);
    for (int v = first; v <= last; v++) {
        int value = v;
        /* The fault swaps the second and third value of the first batch. */
        if (c->o->fault == BDS_FAULT_SEED_ORDER && c->step == 1 && v - first == 1)
            value = v + 1;
        else if (c->o->fault == BDS_FAULT_SEED_ORDER && c->step == 1 && v - first == 2)
            value = v - 1;
        char text[16];
        snprintf(text, sizeof text, "%d", value);
        if (bds_point_publish_value(js, e->stream, e->subject, e->origin, text, nx_wall_ns(), false,
                                    err) != 0)
            return nx_fail_wrap(err, "seed step %d: ", c->step);
    }
    bds_story_line(c->st, action, "ok");
    return 0;
}

static int create_origin(seed_ctx *c, jsCtx *js, const expected *e, const char *server, nx_err *err)
{
    nx_stream_spec spec;
    nx_stream_spec_init(&spec, e->stream);
    spec.subjects[spec.nsubjects++] = e->filter;
    if (nx_stream_create(js, &spec, err) != 0)
        return nx_fail_wrap(err, "seed step %d: ", c->step);
    char action[128];
    snprintf(action, sizeof action, "create %s (%s) on the %s", e->stream, e->filter, server);
    bds_story_line(c->st, action, "ok");
    return 0;
}

static int create_sourced(seed_ctx *c, jsCtx *js, const expected *e, const char *server,
                          const char *from_domain, nx_err *err)
{
    nx_stream_spec spec;
    nx_stream_spec_init(&spec, e->stream);
    spec.sources[spec.nsources++] = (nx_source){.name = e->stream, .domain = from_domain};
    if (nx_stream_create(js, &spec, err) != 0)
        return nx_fail_wrap(err, "seed step %d: ", c->step);
    char action[128];
    snprintf(action, sizeof action, "source %s into the %s (source domain %s)", e->stream, server,
             from_domain);
    bds_story_line(c->st, action, "ok");
    return 0;
}

static int step1(seed_ctx *c, nx_err *err)
{
    bds_topology *t = c->t;
    c->step = 1;
    bds_story_heading(c->st, "Step 1: NODES-HUB on the hub, sourced into the leaf");
    if (create_origin(c, t->hub_js, &c->hub_points, "hub", err) != 0 ||
        publish_values(c, t->hub_js, &c->hub_points, 12, 15, "hub", err) != 0)
        return -1;
    expected e = upto(c->hub_points, 15);
    if (check_copy(c, t->hub_js, "hub NODES-HUB holds", "the hub's NODES-HUB", &e, err) != 0 ||
        check_copy(c, t->leaf_hub_js, "leaf reads NODES-HUB through domain hub",
                   "NODES-HUB read from the leaf through domain hub", &e, err) != 0)
        return -1;
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_GetStreamInfo(&si, t->leaf_js, c->hub_points.stream, NULL, &jerr);
    jsStreamInfo_Destroy(si);
    if (s != NATS_NOT_FOUND)
        return nx_fail(err, "seed step 1: the leaf's own domain should not have %s yet (%s)",
                       c->hub_points.stream, s == NATS_OK ? "it does" : natsStatus_GetText(s));
    bds_story_line(c->st, "leaf's own domain has NODES-HUB", "no");
    const char *hub_domain = bds_domain(&t->names, true);
    if (create_sourced(c, t->leaf_js, &c->hub_points, "leaf", hub_domain, err) != 0)
        return -1;
    return wait_and_check(c, t->leaf_js, "leaf NODES-HUB holds", "the leaf's NODES-HUB", &e,
                          SYNC_WAIT_MS, err);
}

static int step2(seed_ctx *c, nx_err *err)
{
    bds_topology *t = c->t;
    c->step = 2;
    bds_story_heading(c->st, "Step 2: NODES-LEAF on the leaf, sourced into the hub");
    expected e = upto(c->leaf_points, 26);
    const char *leaf_domain = bds_domain(&t->names, false);
    if (create_origin(c, t->leaf_js, &c->leaf_points, "leaf", err) != 0 ||
        publish_values(c, t->leaf_js, &c->leaf_points, 22, 26, "leaf", err) != 0 ||
        check_copy(c, t->leaf_js, "leaf NODES-LEAF holds", "the leaf's NODES-LEAF", &e, err) != 0 ||
        create_sourced(c, t->hub_js, &c->leaf_points, "hub", leaf_domain, err) != 0)
        return -1;
    return wait_and_check(c, t->hub_js, "hub NODES-LEAF holds", "the hub's NODES-LEAF", &e,
                          SYNC_WAIT_MS, err);
}

static int step3(seed_ctx *c, nx_err *err)
{
    bds_topology *t = c->t;
    c->step = 3;
    bds_story_heading(c->st, "Step 3: the leaf shut down, the hub goes on");
    if (bds_topology_leaf_stop(t, err) != 0)
        return nx_fail_wrap(err, "seed step 3: ");
    bds_story_line(c->st, "shut the leaf down (SIGTERM); hub lists leaf connections", "0");
    expected leaf_e = upto(c->leaf_points, 26), hub_e = upto(c->hub_points, 19);
    if (check_copy(c, t->hub_js, "hub NODES-LEAF still holds", "the hub's NODES-LEAF", &leaf_e,
                   err) != 0 ||
        publish_values(c, t->hub_js, &c->hub_points, 16, 19, "hub", err) != 0)
        return -1;
    return check_copy(c, t->hub_js, "hub NODES-HUB holds", "the hub's NODES-HUB", &hub_e, err);
}

static int step4(seed_ctx *c, bds_seed_result *out, nx_err *err)
{
    bds_topology *t = c->t;
    c->step = 4;
    bds_story_heading(c->st, "Step 4: the leaf restarted on the same store dir catches up");
    int64_t t0 = nx_now_ns();
    if (bds_topology_leaf_start_again(t, err) != 0)
        return nx_fail_wrap(err, "seed step 4: ");
    out->leaf_ready_ms = nx_server_ready_ms(t->leaf);
    bds_story_line(c->st, "restart the leaf; it accepts clients after", "%.0f ms",
                   out->leaf_ready_ms);
    if (bds_topology_wait_leafz(t, 1, SYNC_WAIT_MS, err) != 0)
        return nx_fail_wrap(err, "seed step 4: ");
    out->reconnect_s = (double)(nx_now_ns() - t0) / 1e9;
    bds_story_line(c->st, "hub lists the leaf again after", "%.2f s", out->reconnect_s);
    expected hub_e = upto(c->hub_points, 19), leaf_e = upto(c->leaf_points, 26);
    if (nx_stream_wait_count(t->leaf_js, c->hub_points.stream, 8, 5, CATCHUP_WAIT_MS, err) != 0)
        return mismatch(c, &hub_e, err, "the restarted leaf's NODES-HUB did not catch up: %s",
                        err->msg);
    out->catchup_s = (double)(nx_now_ns() - t0) / 1e9;
    bds_story_line(c->st, "leaf NODES-HUB caught up to 8 after", "%.2f s (from the restart)",
                   out->catchup_s);
    if (check_copy(c, t->leaf_js, "leaf NODES-HUB holds", "the leaf's NODES-HUB", &hub_e, err) !=
            0 ||
        check_copy(c, t->leaf_js, "leaf NODES-LEAF kept across the restart",
                   "the leaf's NODES-LEAF", &leaf_e, err) != 0 ||
        publish_values(c, t->hub_js, &c->hub_points, 20, 23, "hub", err) != 0)
        return -1;
    hub_e = upto(c->hub_points, 23);
    return wait_and_check(c, t->leaf_js, "leaf NODES-HUB holds", "the leaf's NODES-HUB", &hub_e,
                          SYNC_WAIT_MS, err);
}

static int step5(seed_ctx *c, bds_seed_result *out, nx_err *err)
{
    bds_topology *t = c->t;
    c->step = 5;
    bds_story_heading(c->st, "Step 5: new points on the leaf reach the hub");
    expected e = upto(c->leaf_points, 31);
    if (publish_values(c, t->leaf_js, &c->leaf_points, 27, 31, "leaf", err) != 0)
        return -1;
    int64_t t0 = nx_now_ns();
    if (check_copy(c, t->leaf_js, "leaf NODES-LEAF holds", "the leaf's NODES-LEAF", &e, err) != 0)
        return -1;
    if (nx_stream_wait_count(t->hub_js, c->leaf_points.stream, 10, 5, CATCHUP_WAIT_MS, err) != 0)
        return mismatch(c, &e, err, "the hub's NODES-LEAF did not catch up: %s", err->msg);
    out->hub_catchup_s = (double)(nx_now_ns() - t0) / 1e9;
    bds_story_line(c->st, "hub NODES-LEAF holds 10 after", "%.2f s", out->hub_catchup_s);
    return check_copy(c, t->hub_js, "hub NODES-LEAF holds", "the hub's NODES-LEAF", &e, err);
}

int bds_seed_run(bds_topology *t, const bds_opts *o, const bds_story *st, bds_seed_result *out,
                 nx_err *err)
{
    memset(out, 0, sizeof *out);
    seed_ctx c = {.t = t, .o = o, .st = st};
    name_points(&c);
    if (step1(&c, err) != 0 || step2(&c, err) != 0)
        return -1;
    if (t->existing)
        bds_story_heading(
            st, "Steps 3-4 skipped: they shut the leaf down and restart it on its store "
                "dir, which needs servers this program spawned (not --hub-url/--leaf-url)");
    else if (step3(&c, err) != 0 || step4(&c, out, err) != 0)
        return -1;
    return step5(&c, out, err);
}
