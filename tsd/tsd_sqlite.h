/* The SQLite baseline on the same points (WAL): inserts with one transaction
 * per point and batched, at synchronous NORMAL and FULL, then read-all and
 * the same range queries as on JetStream, through an index. Every table is
 * read back and checked like a stream. Rows have store=sqlite. */
#ifndef TSD_SQLITE_H
#define TSD_SQLITE_H

#include "nx_err.h"
#include "tsd_ctx.h"

/* One repeat of the four insert cases, each in a fresh database. */
int tsd_sqlite_inserts_run(tsd_ctx *ctx, nx_err *err);

/* Builds a table from count/10 to count points and runs read-all and the
 * range queries --repeat times. */
int tsd_sqlite_reads_run(tsd_ctx *ctx, nx_err *err);

#endif
