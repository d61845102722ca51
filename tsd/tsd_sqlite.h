/* The SQLite baseline on the same points (WAL): inserts with one transaction
 * per point and batched, at synchronous NORMAL and FULL
 * (tsd_sqlite_inserts.c), then read-all and the same range queries as on
 * JetStream, through an index (tsd_sqlite_reads.c). Every table is read back
 * and checked like a stream (tsd_sqlite_db.c). Rows have store=sqlite. */
#ifndef TSD_SQLITE_H
#define TSD_SQLITE_H

#include "nx_err.h"
#include "tsd_check.h"
#include "tsd_ctx.h"

/* One repeat of the four insert cases, each in a fresh database. */
int tsd_sqlite_inserts_run(tsd_ctx *ctx, nx_err *err);

/* Builds a table from count/10 to count points and runs read-all and the
 * range queries --repeat times. */
int tsd_sqlite_reads_run(tsd_ctx *ctx, nx_err *err);

/* What SQLite read-backs compare against: the model, corrupted on request
 * (--inject-fault sqlite). */
tsd_load tsd_sqlite_model(const tsd_ctx *ctx, const tsd_load *load);

#endif
