#include "tsd_sqlite_db.h"

#include "nx_progress.h"
#include "tsd_writer.h"

#define RANGE_QUERY "SELECT payload FROM points WHERE subject = ?1 AND time >= ?2 ORDER BY time"

void tsd_db_close(tsd_db *d)
{
    sqlite3_finalize(d->insert);
    d->insert = NULL;
    nx_sqlite_close(&d->s);
}

int tsd_db_open(tsd_db *d, const char *synchronous, bool keep, nx_err *err)
{
    d->insert = NULL;
    if (nx_sqlite_open(&d->s, synchronous, keep, err) != 0)
        return -1;
    int rc = nx_sqlite_exec(&d->s, TSD_SQLITE_SCHEMA, err);
    if (rc == 0 &&
        sqlite3_prepare_v2(d->s.db, TSD_SQLITE_INSERT, -1, &d->insert, NULL) != SQLITE_OK)
        rc = nx_sqlite_fail(err, d->s.db, "preparing the insert");
    if (rc != 0)
        tsd_db_close(d);
    return rc;
}

static int insert_point(tsd_db *d, tsd_writer *w, uint64_t g, nx_err *err)
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

int tsd_db_insert(tsd_db *d, const tsd_series *series, tsd_load *load, tsd_clock *clock,
                  tsd_probes *probes, long batch, bool quiet, nx_hist *lat, int64_t *elapsed_ns,
                  nx_err *err)
{
    tsd_writer w;
    if (tsd_writer_open(&w, load, series, clock, probes, err) != 0)
        return -1;
    nx_progress p;
    nx_progress_start(&p, "sqlite insert", load->count, quiet);
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

typedef struct read_all_args {
    tsd_db *d;
    const tsd_series *series;
    const tsd_load *load;
} read_all_args;

static int read_once(void *arg, bool full, int64_t *elapsed_ns, bool *content_differs, nx_err *err)
{
    const read_all_args *a = arg;
    tsd_db *d = a->d;
    *elapsed_ns = -1;
    tsd_check c;
    tsd_check_start(&c, a->load, a->series, full);
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
    if (rc == 0)
        *elapsed_ns = nx_now_ns() - t0;
    if (rc == 0) {
        rc = tsd_check_finish(&c, err);
        *content_differs = c.content_differs;
    }
    return rc;
}

int tsd_db_read_all(tsd_db *d, const tsd_series *series, const tsd_load *load, int64_t *elapsed_ns,
                    nx_err *err)
{
    read_all_args a = {.d = d, .series = series, .load = load};
    return tsd_digest_read(read_once, &a, "the rows differ", "a second read", elapsed_ns, err);
}

typedef struct range_args {
    tsd_db *d;
    const tsd_range *q;
    const tsd_gen *gen;
    const char *subject;
    tsd_range_rx rx;
} range_args;

static int range_once(void *arg, bool full, int64_t *elapsed_ns, bool *content_differs, nx_err *err)
{
    range_args *a = arg;
    tsd_db *d = a->d;
    const tsd_range *q = a->q;
    tsd_range_rx *rx = &a->rx;
    *elapsed_ns = -1;
    tsd_range_rx_start(rx, q, a->gen, full);
    /* The statement is prepared inside the timed region, as the JetStream
     * query creates its consumer inside it: both time the whole query. */
    int64_t t0 = nx_now_ns();
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(d->s.db, RANGE_QUERY, -1, &st, NULL) != SQLITE_OK)
        return nx_sqlite_fail(err, d->s.db, "preparing the range query");
    sqlite3_bind_text(st, 1, a->subject, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, q->start_ns);
    int rc = 0, step = SQLITE_DONE;
    while (rc == 0 && !rx->done && (step = sqlite3_step(st)) == SQLITE_ROW)
        rc = tsd_range_rx_next(rx, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0),
                               err);
    if (rc == 0 && !rx->done && step != SQLITE_DONE)
        rc = nx_sqlite_fail(err, d->s.db, "range query");
    sqlite3_finalize(st);
    if (rc == 0)
        *elapsed_ns = nx_now_ns() - t0;
    if (rc == 0)
        rc = tsd_range_rx_finish(rx, err);
    *content_differs = rx->content_differs;
    return rc;
}

int tsd_db_range(tsd_db *d, const tsd_range *q, const tsd_gen *gen, const char *subject,
                 int64_t *elapsed_ns, nx_err *err)
{
    range_args a = {.d = d, .q = q, .gen = gen, .subject = subject};
    return tsd_digest_read(range_once, &a, "the query's rows differ", "the same query", elapsed_ns,
                           err);
}
