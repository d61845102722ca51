/* The SQLite baseline holding the same points as the stream: one row per
 * point in points(node, prop, time, tombstone, origin, data) with an index on
 * (node, prop, time), and the two ways to read a node's latest row per prop:
 *
 *   seek      walks the index: the node's distinct props one index seek at a
 *             time (a recursive CTE), then the newest row of each prop;
 *   group_by  the common idiom, SELECT ..., MAX(time) ... GROUP BY prop,
 *             which reads every row of the node.
 *
 * Points come back re-encoded in the point codec and merged into a ps_state
 * like every JetStream read. */
#ifndef PS_DB_H
#define PS_DB_H

#include <stdbool.h>
#include <stdint.h>

#include "nx_point.h"
#include "nx_sqlite.h"
#include "ps_state.h"

typedef struct ps_db {
    nx_sqlite sql;
    sqlite3_stmt *insert, *seek, *group_by, *count;
    bool in_tx;
} ps_db;

/* A new database (WAL, synchronous NORMAL) with the table and index. */
int ps_db_open(ps_db *db, bool keep, nx_err *err);
void ps_db_close(ps_db *db);

int ps_db_begin(ps_db *db, nx_err *err);
int ps_db_commit(ps_db *db, nx_err *err);

int ps_db_insert(ps_db *db, const char *node, const char *prop, const nx_point *p, nx_err *err);

/* The node's state from its latest row per prop. */
int ps_db_state(ps_db *db, bool seek, const char *node, ps_state *out, nx_err *err);

int ps_db_rows(ps_db *db, int64_t *rows, nx_err *err);

/* The query plan of the seek or group_by query, one step per line (for the
 * tests: seek must use the index). */
int ps_db_plan(ps_db *db, bool seek, char *buf, size_t len, nx_err *err);

#endif
