#include "tsd_sqlite.h"

#include <stdio.h>
#include <stdlib.h>

#include "nx_progress.h"
#include "nx_sqlite.h"
#include "tsd_publish.h"
#include "tsd_rangeset.h"

/* The table an edge device would keep: one row per point, its payload as
 * written to JetStream, and the index a time-range query needs. */
static const char *const schema =
    "CREATE TABLE points(seq INTEGER PRIMARY KEY, subject TEXT NOT NULL, time INTEGER NOT NULL, "
    "payload BLOB NOT NULL);"
    "CREATE INDEX points_by_subject_time ON points(subject, time);";

typedef struct db {
    nx_sqlite s;
    sqlite3_stmt *insert;
} db;

static void db_close(db *d)
{
    sqlite3_finalize(d->insert);
    d->insert = NULL;
    nx_sqlite_close(&d->s);
}

static int db_open(tsd_ctx *ctx, db *d, const char *synchronous, nx_err *err)
{
    d->insert = NULL;
    if (nx_sqlite_open(&d->s, synchronous, ctx->opts->base.keep, err) != 0)
        return -1;
    if (nx_sqlite_exec(&d->s, schema, err) != 0 ||
        sqlite3_prepare_v2(d->s.db,
                           "INSERT INTO points(seq, subject, time, payload) VALUES(?1,?2,?3,?4)",
                           -1, &d->insert, NULL) != SQLITE_OK) {
        if (d->insert == NULL)
            nx_sqlite_fail(err, d->s.db, "preparing the insert");
        db_close(d);
        return -1;
    }
    return 0;
}

static int insert_point(db *d, tsd_writer *w, uint64_t g, nx_err *err)
{
    const char *subject = tsd_writer_point(w, g);
    sqlite3_stmt *st = d->insert;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)(g + w->load->seq_base));
    sqlite3_bind_text(st, 2, subject, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, w->last_t);
    sqlite3_bind_blob(st, 4, w->buf, (int)w->len, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return nx_sqlite_fail(err, d->s.db, "inserting a point");
    return 0;
}

/* Inserts load's points, `batch` per transaction; per-transaction latency
 * goes to lat (may be NULL). */
static int insert_points(tsd_ctx *ctx, db *d, tsd_load *load, tsd_clock *clock, tsd_probes *probes,
                         long batch, nx_hist *lat, int64_t *elapsed_ns, nx_err *err)
{
    tsd_writer w;
    if (tsd_writer_open(&w, load, &ctx->series, clock, probes, err) != 0)
        return -1;
    nx_progress p;
    nx_progress_start(&p, "sqlite insert", load->count, ctx->opts->base.quiet);
    int rc = 0;
    int64_t t0 = nx_now_ns();
    for (uint64_t k = 0; k < load->count && rc == 0;) {
        int64_t txn0 = nx_now_ns();
        rc = nx_sqlite_exec(&d->s, "BEGIN", err);
        for (long b = 0; b < batch && k < load->count && rc == 0; b++, k++)
            rc = insert_point(d, &w, load->first_g + k, err);
        if (rc == 0)
            rc = nx_sqlite_exec(&d->s, "COMMIT", err);
        if (lat)
            nx_hist_record(lat, nx_now_ns() - txn0);
        nx_progress_update(&p, k);
    }
    *elapsed_ns = nx_now_ns() - t0;
    nx_progress_end(&p);
    if (load->first_g == 0)
        load->t_min = w.first_t;
    load->t_max = w.last_t;
    tsd_writer_close(&w);
    return rc;
}

/* Reads every row in seq order and checks it against the model. */
static int read_all(tsd_ctx *ctx, db *d, const tsd_load *load, int64_t *elapsed_ns, nx_err *err)
{
    tsd_load model = *load;
    if (ctx->opts->fault == TSD_FAULT_SQLITE)
        model.gen.seed ^= 1;
    tsd_check c;
    tsd_check_start(&c, &model, &ctx->series);
    sqlite3_stmt *st = NULL;
    int64_t t0 = nx_now_ns();
    if (sqlite3_prepare_v2(d->s.db, "SELECT seq, subject, payload FROM points ORDER BY seq", -1,
                           &st, NULL) != SQLITE_OK)
        return nx_sqlite_fail(err, d->s.db, "preparing read-all");
    int rc = 0, step;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW)
        rc = tsd_check_next(&c, (uint64_t)sqlite3_column_int64(st, 0),
                            (const char *)sqlite3_column_text(st, 1), sqlite3_column_blob(st, 2),
                            (size_t)sqlite3_column_bytes(st, 2), err);
    if (rc == 0 && step != SQLITE_DONE)
        rc = nx_sqlite_fail(err, d->s.db, "reading all points");
    sqlite3_finalize(st);
    *elapsed_ns = nx_now_ns() - t0;
    if (rc == 0)
        rc = tsd_check_finish(&c, err);
    return rc != 0 ? nx_fail_wrap(err, "SQLite read-back: ") : 0;
}

static tsd_load new_load(tsd_ctx *ctx, uint64_t count)
{
    return (tsd_load){.gen = {.seed = tsd_ctx_case_seed(ctx),
                              .series = (uint32_t)ctx->opts->series,
                              .data_len = (size_t)ctx->opts->base.payload},
                      .count = count,
                      .seq_base = 1};
}

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
    db d;
    if (db_open(ctx, &d, synchronous, err) != 0)
        return -1;
    tsd_load load = new_load(ctx, count);
    tsd_clock clock = {0};
    nx_hist *lat = nx_hist_new();
    int64_t elapsed = 0, read_ns = 0;
    int rc = lat ? insert_points(ctx, &d, &load, &clock, NULL, batch, lat, &elapsed, err)
                 : nx_fail(err, "out of memory");
    if (rc == 0)
        rc = read_all(ctx, &d, &load, &read_ns, err);
    if (rc == 0)
        rc = tsd_case_add(c, elapsed, lat, err);
    nx_hist_free(lat);
    db_close(&d);
    return rc;
}

int tsd_sqlite_inserts_run(tsd_ctx *ctx, nx_err *err)
{
    if (insert_case(ctx, "NORMAL", true, err) != 0 || insert_case(ctx, "FULL", true, err) != 0 ||
        insert_case(ctx, "NORMAL", false, err) != 0 || insert_case(ctx, "FULL", false, err) != 0)
        return -1;
    return 0;
}

/* The range query as on JetStream: from the start time in time order,
 * stopped at the first point past the end. */
static int range_query(db *d, sqlite3_stmt *st, const tsd_range *q, const tsd_gen *gen,
                       const char *subject, int64_t *elapsed_ns, nx_err *err)
{
    tsd_range_rx rx;
    tsd_range_rx_start(&rx, q, gen);
    int64_t t0 = nx_now_ns();
    sqlite3_bind_text(st, 1, subject, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, q->start_ns);
    int rc = 0, step = SQLITE_DONE;
    while (rc == 0 && !rx.done && (step = sqlite3_step(st)) == SQLITE_ROW)
        rc = tsd_range_rx_next(&rx, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0),
                               err);
    if (rc == 0 && !rx.done && step != SQLITE_DONE)
        rc = nx_sqlite_fail(err, d->s.db, "range query");
    if (rc == 0 && !rx.done)
        rc = tsd_range_rx_finish(&rx, err);
    sqlite3_reset(st);
    *elapsed_ns = nx_now_ns() - t0;
    return rc != 0 ? nx_fail_wrap(err, "SQLite ") : 0;
}

static int range_case(tsd_ctx *ctx, db *d, const tsd_range_set *rs, tsd_rq q, const tsd_gen *gen,
                      nx_err *err)
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
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(d->s.db,
                           "SELECT payload FROM points WHERE subject = ?1 AND time >= ?2 ORDER BY "
                           "time",
                           -1, &st, NULL) != SQLITE_OK)
        return nx_sqlite_fail(err, d->s.db, "preparing the range query");
    long n = ctx->opts->range_queries;
    double *ns = calloc((size_t)n, sizeof *ns);
    nx_hist *lat = nx_hist_new();
    int rc = ns && lat ? 0 : nx_fail(err, "out of memory");
    for (long i = 0; i < n && rc == 0; i++) {
        int64_t e = 0;
        rc = range_query(d, st, &query, gen, ctx->series.subject[query.series], &e, err);
        ns[i] = (double)e;
        nx_hist_record(lat, e);
    }
    if (rc == 0)
        rc = tsd_case_add(c, (int64_t)nx_median(ns, (size_t)n), lat, err);
    free(ns);
    nx_hist_free(lat);
    sqlite3_finalize(st);
    return rc;
}

static int read_all_case(tsd_ctx *ctx, db *d, const tsd_load *load, nx_err *err)
{
    tsd_case *c = tsd_report_case(&ctx->report, "read_all", "SELECT all in seq order", "sqlite",
                                  load->count, err);
    if (c == NULL)
        return -1;
    snprintf(c->note, sizeof c->note,
             "one SELECT over the batched NORMAL table, every row "
             "checked");
    int64_t ns = 0;
    if (read_all(ctx, d, load, &ns, err) != 0)
        return -1;
    return tsd_case_add(c, ns, NULL, err);
}

int tsd_sqlite_reads_run(tsd_ctx *ctx, nx_err *err)
{
    const tsd_opts *o = ctx->opts;
    tsd_load load = new_load(ctx, 0);
    tsd_range_set rs;
    if (tsd_range_set_plan(&rs, &load.gen, (uint64_t)o->base.count, (uint64_t)o->range_points,
                           err) != 0)
        return -1;
    db d;
    if (db_open(ctx, &d, "NORMAL", err) != 0)
        return -1;
    tsd_clock clock = {0};
    int64_t ns = 0;
    tsd_load part = load;
    part.count = rs.small_count;
    int rc = insert_points(ctx, &d, &part, &clock, &rs.probes, o->sqlite_batch, NULL, &ns, err);
    if (rc == 0)
        rc = tsd_range_resolve(&rs.q[TSD_RQ_SMALL], &load.gen, &rs.probes, err);
    for (long r = 0; r < o->base.repeat && rc == 0; r++)
        rc = range_case(ctx, &d, &rs, TSD_RQ_SMALL, &load.gen, err);
    load.t_min = part.t_min;
    part.first_g = rs.small_count;
    part.count = rs.count - rs.small_count;
    if (rc == 0)
        rc = insert_points(ctx, &d, &part, &clock, &rs.probes, o->sqlite_batch, NULL, &ns, err);
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
    db_close(&d);
    return rc;
}
