#include "tsd_read_cases.h"

#include <stdio.h>
#include <stdlib.h>

#include "nx_stream.h"
#include "tsd_direct_range.h"
#include "tsd_publish.h"
#include "tsd_read.h"
#include "tsd_time_consumer.h"

#define RANGE_LOAD_WINDOW 4096

int tsd_reads_run(tsd_ctx *ctx, const tsd_load *load, nx_err *err)
{
    static const struct {
        tsd_read_method m;
        const char *name;
        const char *note;
    } reads[] = {
        {TSD_READ_PULL_NONE, "pull, ack none", "ephemeral pull consumer; latency = one fetch"},
        {TSD_READ_PULL_ALL, "pull, ack all",
         "ephemeral pull consumer; the last message of each batch acked; latency = one fetch"},
        {TSD_READ_ORDERED, "ordered consumer", "ordered push consumer on the whole stream"},
    };
    for (size_t i = 0; i < sizeof reads / sizeof *reads; i++) {
        char name[96];
        snprintf(name, sizeof name, "%s, batch %ld", reads[i].name, ctx->opts->fetch_batch);
        tsd_case *c =
            tsd_ctx_case(ctx, tsd_read_op(reads[i].m),
                         reads[i].m == TSD_READ_ORDERED ? reads[i].name : name, load->count, err);
        if (c == NULL)
            return -1;
        if (reads[i].m == TSD_READ_ORDERED)
            snprintf(c->note, sizeof c->note, "%s", reads[i].note);
        else
            snprintf(c->note, sizeof c->note, "%s; max-ack-pending %ld", reads[i].note,
                     2 * ctx->opts->fetch_batch);
        nx_hist *lat = nx_hist_new();
        if (lat == NULL)
            return nx_fail(err, "out of memory");
        int64_t elapsed = -1;
        int rc = tsd_read_all(ctx, reads[i].m, load, lat, &elapsed, err);
        /* A complete read counts, verified or not. */
        nx_err ignore;
        if (elapsed >= 0 &&
            tsd_case_add(c, elapsed, nx_hist_count(lat) ? lat : NULL, rc ? &ignore : err) == 0)
            tsd_case_checked(c, rc == 0);
        else if (elapsed >= 0)
            rc = -1;
        nx_hist_free(lat);
        if (rc != 0)
            return -1;
    }
    return 0;
}

typedef struct range_query {
    tsd_ctx *ctx;
    const tsd_range *q;
    const tsd_gen *gen;
    uint64_t skipped; /* points before the start, over every query */
} range_query;

static int one_query(void *arg, int64_t *elapsed_ns, nx_err *err)
{
    range_query *rq = arg;
    uint64_t skipped = 0;
    int rc = tsd_read_range(rq->ctx, rq->q, rq->gen, &skipped, elapsed_ns, err);
    rq->skipped += skipped;
    return rc;
}

/* One repeat of query q: range_queries queries, the sample being their
 * median time; every query's time goes to the case's histogram. */
static int query_repeat(tsd_ctx *ctx, const tsd_range_set *rs, tsd_rq q, const tsd_gen *gen,
                        nx_err *err)
{
    char name[96];
    tsd_rq_case(rs, q, name, sizeof name);
    tsd_range query = rs->q[q];
    if (ctx->opts->fault == TSD_FAULT_RANGE && query.any)
        query.last++;
    tsd_case *c = tsd_ctx_case(ctx, "read_range", name, tsd_range_expected(&rs->q[q]), err);
    if (c == NULL)
        return -1;
    long n = ctx->opts->range_queries;
    range_query rq = {ctx, &query, gen, 0};
    int rc = tsd_case_add_queries(c, n, one_query, &rq, err);
    snprintf(c->note, sizeof c->note,
             "ephemeral push consumer (ack all, max-ack-pending %d) on %s from opt_start_time, "
             "stopped at the first point past the end; series %u of %u; %ld queries per "
             "repeat, seconds = median query; %.1f "
             "points before the start delivered and skipped per query",
             TSD_TIME_CONSUMER_WINDOW, ctx->series.subject[query.series], query.series, gen->series,
             n, (double)rq.skipped / (double)n);
    /* The same query by batched direct get (2.11+), beside it. */
    if (rc == 0)
        rc = tsd_direct_range_repeat(ctx, &query, gen, name, err);
    return rc;
}

static int resolve_all(tsd_range_set *rs, const tsd_gen *gen, bool small_only, nx_err *err)
{
    for (int q = 0; q < TSD_RQ_COUNT; q++)
        if (tsd_rq_on_small((tsd_rq)q) == small_only &&
            tsd_range_resolve(&rs->q[q], gen, &rs->probes, err) != 0)
            return -1;
    return 0;
}

static int grow(tsd_ctx *ctx, tsd_load *load, tsd_clock *clock, tsd_probes *probes, nx_err *err)
{
    tsd_pub how = {.method = TSD_PUB_ASYNC,
                   .window = RANGE_LOAD_WINDOW,
                   .ack_handler = true,
                   .probes = probes,
                   .label = "range store"};
    int64_t ns = 0;
    if (tsd_publish(ctx, &how, load, clock, NULL, &ns, err) != 0)
        return nx_fail_wrap(err, "writing the range store: ");
    nx_stream_state st;
    if (nx_stream_state_get(ctx->run->js, ctx->stream, &st, err) != 0)
        return -1;
    if (st.msgs != load->first_g + load->count)
        return nx_fail(err, "range store holds %llu points, expected %llu",
                       (unsigned long long)st.msgs,
                       (unsigned long long)(load->first_g + load->count));
    return 0;
}

int tsd_ranges_run(tsd_ctx *ctx, nx_err *err)
{
    const tsd_opts *o = ctx->opts;
    tsd_gen gen = tsd_ctx_gen(ctx);
    tsd_range_set rs;
    if (tsd_range_set_plan(&rs, &gen, (uint64_t)o->base.count, (uint64_t)o->range_points, err) !=
            0 ||
        tsd_stream_fresh(ctx, 0, err) != 0)
        return -1;
    tsd_clock clock = {0};
    tsd_load small = {.gen = gen, .first_g = 0, .count = rs.small_count, .seq_base = 1};
    if (grow(ctx, &small, &clock, &rs.probes, err) != 0 || resolve_all(&rs, &gen, true, err) != 0)
        return -1;
    for (long r = 0; r < o->base.repeat; r++)
        if (query_repeat(ctx, &rs, TSD_RQ_SMALL, &gen, err) != 0)
            return -1;
    tsd_load rest = {
        .gen = gen, .first_g = rs.small_count, .count = rs.count - rs.small_count, .seq_base = 1};
    if (grow(ctx, &rest, &clock, &rs.probes, err) != 0 || resolve_all(&rs, &gen, false, err) != 0)
        return -1;
    for (long r = 0; r < o->base.repeat; r++)
        for (int q = 0; q < TSD_RQ_COUNT; q++)
            if (!tsd_rq_on_small((tsd_rq)q) && query_repeat(ctx, &rs, (tsd_rq)q, &gen, err) != 0)
                return -1;
    return 0;
}
