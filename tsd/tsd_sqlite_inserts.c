/* The SQLite insert cases: one transaction per point and batched, at
 * synchronous NORMAL and FULL, each in a fresh database and read back
 * before its sample counts. */
#include <stdio.h>

#include "tsd_sqlite.h"
#include "tsd_sqlite_db.h"

static int insert_case(tsd_ctx *ctx, const char *synchronous, bool per_point, nx_err *err)
{
    const tsd_opts *o = ctx->opts;
    long batch = per_point ? 1 : o->sqlite_batch;
    uint64_t count = per_point ? (uint64_t)tsd_opts_sync_count(o) : (uint64_t)o->base.count;
    char name[96];
    if (per_point)
        snprintf(name, sizeof name, "one txn per point, synchronous=%s", synchronous);
    else
        snprintf(name, sizeof name, "%ld points per txn, synchronous=%s", batch, synchronous);
    tsd_case *c = tsd_report_case(&ctx->report, "sqlite_insert", name, "sqlite", count, err);
    if (c == NULL)
        return -1;
    snprintf(c->note, sizeof c->note,
             "WAL; prepared INSERT of (seq, subject, time, payload) with an index on (subject, "
             "time); latency = one transaction");
    tsd_db d;
    if (tsd_db_open(&d, synchronous, o->base.keep, err) != 0)
        return -1;
    tsd_load load = {.gen = tsd_ctx_gen(ctx), .count = count, .seq_base = 1};
    tsd_clock clock = {0};
    nx_hist *lat = nx_hist_new();
    int64_t elapsed = 0;
    int rc = lat ? tsd_db_insert(&d, &ctx->series, &load, &clock, NULL, batch, o->base.quiet, lat,
                                 &elapsed, err)
                 : nx_fail(err, "out of memory");
    if (rc == 0) {
        tsd_load model = tsd_sqlite_model(ctx, &load);
        int64_t read_ns = 0;
        int checked = tsd_db_read_all(&d, &ctx->series, &model, &read_ns, err);
        rc = tsd_case_add(c, elapsed, lat, err);
        if (rc == 0)
            tsd_case_checked(c, checked == 0);
        if (checked != 0)
            rc = nx_fail_wrap(err, "SQLite read-back: ");
    }
    nx_hist_free(lat);
    tsd_db_close(&d);
    return rc;
}

int tsd_sqlite_inserts_run(tsd_ctx *ctx, nx_err *err)
{
    if (insert_case(ctx, "NORMAL", true, err) != 0 || insert_case(ctx, "FULL", true, err) != 0 ||
        insert_case(ctx, "NORMAL", false, err) != 0 || insert_case(ctx, "FULL", false, err) != 0)
        return -1;
    return 0;
}

tsd_load tsd_sqlite_model(const tsd_ctx *ctx, const tsd_load *load)
{
    tsd_load model = *load;
    if (ctx->opts->fault == TSD_FAULT_SQLITE)
        model.gen.seed ^= 1;
    return model;
}
