/* The SQLite read cases on one table grown like the JetStream range store
 * (count/10 points, then count): read-all, and the same range queries as on
 * JetStream through the (subject, time) index. */
#include <stdio.h>

#include "tsd_rangeset.h"
#include "tsd_sqlite.h"
#include "tsd_sqlite_db.h"

typedef struct range_query {
    tsd_db *db;
    const tsd_range *q;
    const tsd_gen *gen;
    const char *subject;
} range_query;

static int one_query(void *arg, int64_t *elapsed_ns, nx_err *err)
{
    range_query *rq = arg;
    if (tsd_db_range(rq->db, rq->q, rq->gen, rq->subject, elapsed_ns, err) != 0)
        return nx_fail_wrap(err, "SQLite ");
    return 0;
}

static int range_case(tsd_ctx *ctx, tsd_db *d, const tsd_range_set *rs, tsd_rq q,
                      const tsd_gen *gen, nx_err *err)
{
    char name[96];
    tsd_rq_case(rs, q, name, sizeof name);
    tsd_range query = rs->q[q];
    if (ctx->opts->fault == TSD_FAULT_RANGE && query.any)
        query.last++;
    tsd_case *c = tsd_report_case(&ctx->report, "read_range", name, "sqlite",
                                  tsd_range_expected(&rs->q[q]), err);
    if (c == NULL)
        return -1;
    snprintf(c->note, sizeof c->note,
             "SELECT payload WHERE subject = ? AND time >= start ORDER BY time, stopped at the "
             "first point past the end (index on subject, time); %ld queries per repeat, seconds "
             "= median query",
             ctx->opts->range_queries);
    range_query rq = {d, &query, gen, ctx->series.subject[query.series]};
    return tsd_case_add_queries(c, ctx->opts->range_queries, one_query, &rq, err);
}

static int read_all_case(tsd_ctx *ctx, tsd_db *d, const tsd_load *load, nx_err *err)
{
    tsd_case *c = tsd_report_case(&ctx->report, "read_all", "SELECT all in seq order", "sqlite",
                                  load->count, err);
    if (c == NULL)
        return -1;
    snprintf(c->note, sizeof c->note,
             "one SELECT over the batched NORMAL table, every row checked");
    tsd_load model = tsd_sqlite_model(ctx, load);
    int64_t ns = -1;
    int rc = tsd_db_read_all(d, &ctx->series, &model, &ns, err);
    if (ns >= 0) {
        nx_err ignore;
        if (tsd_case_add(c, ns, NULL, rc == 0 ? err : &ignore) != 0)
            return -1;
        tsd_case_checked(c, rc == 0);
    }
    return rc != 0 ? nx_fail_wrap(err, "SQLite read-back: ") : 0;
}

int tsd_sqlite_reads_run(tsd_ctx *ctx, nx_err *err)
{
    const tsd_opts *o = ctx->opts;
    tsd_load load = {.gen = tsd_ctx_gen(ctx), .seq_base = 1};
    tsd_range_set rs;
    if (tsd_range_set_plan(&rs, &load.gen, (uint64_t)o->base.count, (uint64_t)o->range_points,
                           err) != 0)
        return -1;
    tsd_db d;
    if (tsd_db_open(&d, "NORMAL", o->base.keep, err) != 0)
        return -1;
    tsd_clock clock = {0};
    int64_t ns = 0;
    tsd_load part = load;
    part.count = rs.small_count;
    int rc = tsd_db_insert(&d, &ctx->series, &part, &clock, &rs.probes, o->sqlite_batch,
                           o->base.quiet, NULL, &ns, err);
    if (rc == 0)
        rc = tsd_range_resolve(&rs.q[TSD_RQ_SMALL], &load.gen, &rs.probes, err);
    for (long r = 0; r < o->base.repeat && rc == 0; r++)
        rc = range_case(ctx, &d, &rs, TSD_RQ_SMALL, &load.gen, err);
    load.t_min = part.t_min;
    part.first_g = rs.small_count;
    part.count = rs.count - rs.small_count;
    if (rc == 0)
        rc = tsd_db_insert(&d, &ctx->series, &part, &clock, &rs.probes, o->sqlite_batch,
                           o->base.quiet, NULL, &ns, err);
    load.count = rs.count;
    load.t_max = part.t_max;
    for (int q = 0; q < TSD_RQ_COUNT && rc == 0; q++)
        if (!tsd_rq_on_small((tsd_rq)q))
            rc = tsd_range_resolve(&rs.q[q], &load.gen, &rs.probes, err);
    for (long r = 0; r < o->base.repeat && rc == 0; r++) {
        rc = read_all_case(ctx, &d, &load, err);
        for (int q = 0; q < TSD_RQ_COUNT && rc == 0; q++)
            if (!tsd_rq_on_small((tsd_rq)q))
                rc = range_case(ctx, &d, &rs, (tsd_rq)q, &load.gen, err);
    }
    tsd_db_close(&d);
    return rc;
}
