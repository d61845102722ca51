/* The SQLite baseline's plumbing: a database in its own temp dir (removed on
 * every exit path, like a server's), WAL mode with the synchronous level
 * under test, and SQLite errors as one line. What each experiment stores and
 * queries stays in the experiment. */
#ifndef NX_SQLITE_H
#define NX_SQLITE_H

#include <limits.h>
#include <sqlite3.h>
#include <stdbool.h>

#include "nx_err.h"
#include "nx_results.h"

typedef struct nx_sqlite {
    sqlite3 *db;
    char dir[PATH_MAX];
    char path[PATH_MAX + 16];
    bool keep;
} nx_sqlite;

/* Opens a new database in WAL mode with PRAGMA synchronous=<synchronous>
 * ("NORMAL" or "FULL"). */
int nx_sqlite_open(nx_sqlite *s, const char *synchronous, bool keep, nx_err *err);

/* Runs SQL that returns no rows. */
int nx_sqlite_exec(nx_sqlite *s, const char *sql, nx_err *err);

/* Sets err to "<what>: <sqlite message>" and returns -1. */
int nx_sqlite_fail(nx_err *err, sqlite3 *db, const char *what);

/* Bytes of the database file plus its WAL (after a checkpoint when
 * checkpoint is true, so the main file holds everything). */
long long nx_sqlite_bytes(nx_sqlite *s, bool checkpoint);

/* "sqlite 3.40.1": the server_version of store=sqlite rows. */
const char *nx_sqlite_version_label(void);

/* nx_row_init for a SQLite row: store "sqlite", SQLite's version as the
 * server version, storage and replicas empty (they describe streams). */
void nx_row_init_sqlite(nx_row *row);

/* Closes the database and removes its dir unless kept. */
void nx_sqlite_close(nx_sqlite *s);

#endif
