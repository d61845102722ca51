#include "ps_seed.h"

#include <stdio.h>
#include <string.h>

#include "nx_conn.h"
#include "nx_stats.h"
#include "nx_stream.h"
#include "nx_subject.h"

#define SEED_ORIGIN "seed"

static const ps_seed_point seed[] = {
    {"123", "description", "Injector temperature"},
    {"123", "type", "temp"},
    {"123", "value", "12"},
    {"123", "value", "13"},
    {"123", "value", "14"},
    {"123", "value", "15"},
    {"123", "location", "building A"},
    {"456", "description", "Exhaust temperature"},
    {"456", "value", "563"},
    {"789", "description", "Internal temperature"},
    {"789", "value", "423"},
};

const ps_seed_point *ps_seed_points(size_t *n)
{
    *n = sizeof seed / sizeof *seed;
    return seed;
}

static size_t encode(const char *value, int64_t time_ns, uint8_t *buf, size_t cap)
{
    nx_point p = {.time_ns = time_ns,
                  .origin = SEED_ORIGIN,
                  .origin_len = sizeof SEED_ORIGIN - 1,
                  .data = (const uint8_t *)value,
                  .data_len = strlen(value)};
    return nx_point_encode(&p, buf, cap);
}

static int publish(ps_ctx *c, const char *stream, ps_state *want, int64_t *last_time, nx_err *err)
{
    for (size_t i = 0; i < sizeof seed / sizeof *seed; i++) {
        char subject[NX_SUBJECT_MAX * 2];
        uint8_t buf[128];
        if (nx_run_subject(&c->run, seed[i].node, seed[i].prop, subject, sizeof subject, err) != 0)
            return -1;
        /* Rising times even when the clock's resolution is coarse. */
        int64_t now = nx_wall_ns();
        *last_time = now > *last_time ? now : *last_time + 1;
        size_t n = encode(seed[i].value, *last_time, buf, sizeof buf);
        jsErrCode jerr = 0;
        jsPubAck *ack = NULL;
        natsStatus s = js_Publish(&ack, c->run.js, subject, buf, (int)n, NULL, &jerr);
        bool ours = s == NATS_OK && strcmp(ack->Stream, stream) == 0;
        jsPubAck_Destroy(ack);
        if (s != NATS_OK)
            return nx_nats_fail(err, s, jerr, "seed: publishing %s", subject);
        if (!ours)
            return nx_fail(err, "seed: %s was stored by another stream than %s", subject, stream);
        if (strcmp(seed[i].node, c->opts.node) == 0 &&
            ps_state_merge(want, seed[i].prop, buf, n, err) != 0)
            return -1;
    }
    return 0;
}

static void print_state(const ps_ctx *c, const ps_state *got)
{
    if (ps_quiet(c))
        return;
    printf("Seed: state of node %s (stream info + get-last per subject), %zu props\n", c->opts.node,
           ps_state_live(got));
    printf("  %-12s %-24s %-31s %s\n", "prop", "value", "point time (UTC)", "origin");
    for (size_t i = 0; i < got->n; i++) {
        const ps_head *h = ps_state_get(got, got->heads[i].prop);
        if (h == NULL)
            continue;
        char data[64], when[48];
        ps_format_data(&h->point, data, sizeof data);
        ps_format_time(h->point.time_ns, when, sizeof when);
        printf("  %-12s %-24s %-31s %.*s\n", h->prop, data, when, (int)h->point.origin_len,
               h->point.origin);
    }
    if (got->n == 0)
        printf("  (no points: node %s is not one of the seed nodes 123, 456, 789)\n", c->opts.node);
}

static int read_and_check(ps_ctx *c, const char *stream, ps_state *want, nx_err *err)
{
    ps_reader r = {.nc = c->run.nc, .js = c->run.js, .stream = stream, .scope = c->run.scope};
    ps_state got;
    ps_state_init(&got);
    int64_t t0 = nx_now_ns();
    int rc = ps_read_state(&r, PS_INFO_GETLAST, c->opts.node, &got, err);
    int64_t elapsed = nx_now_ns() - t0;
    char why[512];
    if (rc == 0) {
        print_state(c, &got);
        if (!ps_state_same(want, &got, why, sizeof why))
            rc = nx_fail(err,
                         "seed: node %s read by stream info + get-last differs from the "
                         "model: %s",
                         c->opts.node, why);
    } else {
        nx_fail_wrap(err, "seed: reading node %s: ", c->opts.node);
    }
    if (rc == 0) {
        if (!ps_quiet(c))
            printf("  checked: equal to the model, the newest point of each of its props and "
                   "nothing from any other node\n\n");
        char case_name[96];
        snprintf(case_name, sizeof case_name, "seed node=%s", c->opts.node);
        nx_row row;
        ps_row_init(c, &row, "state_info_getlast", "jetstream", case_name);
        row.payload_bytes = -1; /* the seed's points are its own strings and numbers */
        row.count = 1;
        row.seconds = (double)elapsed / 1e9;
        row.p50_us = row.p90_us = row.p99_us = row.max_us = (double)elapsed / 1e3;
        row.verified = true;
        row.note = "seed scenario: one read of the printed node, equal to the published points";
        rc = ps_emit(c, &row, err);
    }
    ps_state_free(&got);
    return rc;
}

int ps_seed_run(ps_ctx *c, nx_err *err)
{
    char stream[64], subjects[NX_SUBJECT_MAX];
    nx_run_stream_name(&c->run, "SEED", stream, sizeof stream);
    nx_stream_spec spec;
    nx_stream_spec_init(&spec, stream);
    spec.subjects[spec.nsubjects++] = nx_run_subjects(&c->run, subjects, sizeof subjects);
    spec.storage = nx_storage_type(c->opts.common.storage);
    spec.replicas = (int)c->opts.common.replicas;
    if (nx_stream_create(c->run.js, &spec, err) != 0)
        return -1;
    ps_state want;
    ps_state_init(&want);
    int64_t last_time = 0;
    int rc = publish(c, stream, &want, &last_time, err);
    if (rc == 0 && c->opts.fault == PS_FAULT_SEED) {
        /* The model believes in an update that was never published. */
        uint8_t buf[64];
        size_t n = encode("16", last_time + 1, buf, sizeof buf);
        rc = ps_state_merge(&want, "value", buf, n, err);
    }
    if (rc == 0)
        rc = read_and_check(c, stream, &want, err);
    ps_state_free(&want);
    /* The scaled workload gets a stream of its own over the same subjects. */
    nx_err del;
    if (nx_stream_delete(c->run.js, stream, false, &del) != 0 && rc == 0)
        rc = nx_fail(err, "%s", del.msg);
    return rc;
}
