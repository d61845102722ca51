/* tsd's SQLite table and what the SQLite cases do with it: insert points,
 * read them all back, query a time range of one series. Reads are checked
 * like JetStream reads (cheap checks and a digest while timed, every byte
 * again when the digest differs), so both stores pay the same bookkeeping. */
#ifndef TSD_SQLITE_DB_H
#define TSD_SQLITE_DB_H

#include <stdbool.h>
#include <stdint.h>

#include "nx_err.h"
#include "nx_sqlite.h"
#include "nx_stats.h"
#include "tsd_check.h"
#include "tsd_range.h"
#include "tsd_series.h"

/* The table an edge device would keep: one row per point, its payload as
 * written to JetStream, and the index a time-range query needs. */
#define TSD_SQLITE_SCHEMA                                                                          \
    "CREATE TABLE points(seq INTEGER PRIMARY KEY, subject TEXT NOT NULL, time INTEGER NOT NULL, "  \
    "payload BLOB NOT NULL);"                                                                      \
    "CREATE INDEX points_by_subject_time ON points(subject, time);"
#define TSD_SQLITE_INSERT "INSERT INTO points(seq, subject, time, payload) VALUES(?1,?2,?3,?4)"

typedef struct tsd_db {
    nx_sqlite s;
    sqlite3_stmt *insert;
} tsd_db;

/* A new database (WAL, PRAGMA synchronous=<synchronous>) with the table. */
int tsd_db_open(tsd_db *d, const char *synchronous, bool keep, nx_err *err);
void tsd_db_close(tsd_db *d);

/* Inserts load's points, `batch` per transaction, timed from the first
 * BEGIN to the last COMMIT; per-transaction latency goes to lat (may be
 * NULL). Sets load->t_max, and t_min when load starts at point 0. */
int tsd_db_insert(tsd_db *d, const tsd_series *series, tsd_load *load, tsd_clock *clock,
                  tsd_probes *probes, long batch, bool quiet, nx_hist *lat, int64_t *elapsed_ns,
                  nx_err *err);

/* Reads every row in seq order and checks it against load. *elapsed_ns is
 * the timed read, < 0 when it did not complete. */
int tsd_db_read_all(tsd_db *d, const tsd_series *series, const tsd_load *load, int64_t *elapsed_ns,
                    nx_err *err);

/* The range query as on JetStream: subject's rows from q's start time in
 * time order, stopped at the first point past the end, checked against
 * the model. *elapsed_ns as for tsd_db_read_all. */
int tsd_db_range(tsd_db *d, const tsd_range *q, const tsd_gen *gen, const char *subject,
                 int64_t *elapsed_ns, nx_err *err);

#endif
