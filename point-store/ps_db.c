#include "ps_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEEK_SQL                                                                                   \
    "WITH RECURSIVE props(prop) AS ("                                                              \
    " SELECT (SELECT MIN(prop) FROM points WHERE node = ?1)"                                       \
    " UNION ALL"                                                                                   \
    " SELECT (SELECT MIN(prop) FROM points WHERE node = ?1 AND prop > props.prop)"                 \
    " FROM props WHERE props.prop IS NOT NULL)"                                                    \
    " SELECT p.prop, p.time, p.tombstone, p.origin, p.data FROM props"                             \
    " JOIN points AS p ON p.rowid = (SELECT rowid FROM points"                                     \
    " WHERE node = ?1 AND prop = props.prop ORDER BY time DESC LIMIT 1)"

/* SQLite fills the bare columns from the row that holds MAX(time). */
#define GROUP_BY_SQL                                                                               \
    "SELECT prop, MAX(time), tombstone, origin, data FROM points WHERE node = ?1 GROUP BY prop"

static int prepare(ps_db *db, const char *sql, sqlite3_stmt **st, nx_err *err)
{
    if (sqlite3_prepare_v2(db->sql.db, sql, -1, st, NULL) != SQLITE_OK)
        return nx_sqlite_fail(err, db->sql.db, "preparing the SQLite baseline's statements");
    return 0;
}

int ps_db_open(ps_db *db, bool keep, nx_err *err)
{
    memset(db, 0, sizeof *db);
    if (nx_sqlite_open(&db->sql, "NORMAL", keep, err) != 0)
        return -1;
    if (nx_sqlite_exec(&db->sql,
                       "CREATE TABLE points(node TEXT NOT NULL, prop TEXT NOT NULL, time INTEGER "
                       "NOT NULL, tombstone INTEGER NOT NULL, origin BLOB NOT NULL, data BLOB NOT "
                       "NULL)",
                       err) != 0 ||
        nx_sqlite_exec(&db->sql, "CREATE INDEX points_node_prop_time ON points(node, prop, time)",
                       err) != 0 ||
        prepare(db, "INSERT INTO points VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &db->insert, err) != 0 ||
        prepare(db, SEEK_SQL, &db->seek, err) != 0 ||
        prepare(db, GROUP_BY_SQL, &db->group_by, err) != 0 ||
        prepare(db, "SELECT COUNT(*) FROM points", &db->count, err) != 0) {
        ps_db_close(db);
        return -1;
    }
    return 0;
}

void ps_db_close(ps_db *db)
{
    sqlite3_finalize(db->insert);
    sqlite3_finalize(db->seek);
    sqlite3_finalize(db->group_by);
    sqlite3_finalize(db->count);
    nx_sqlite_close(&db->sql);
    memset(db, 0, sizeof *db);
}

int ps_db_begin(ps_db *db, nx_err *err)
{
    if (nx_sqlite_exec(&db->sql, "BEGIN", err) != 0)
        return -1;
    db->in_tx = true;
    return 0;
}

int ps_db_commit(ps_db *db, nx_err *err)
{
    db->in_tx = false;
    return nx_sqlite_exec(&db->sql, "COMMIT", err);
}

int ps_db_insert(ps_db *db, const char *node, const char *prop, const nx_point *p, nx_err *err)
{
    sqlite3_stmt *st = db->insert;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, node, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, prop, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, p->time_ns);
    sqlite3_bind_int(st, 4, p->tombstone);
    /* An empty origin or data is bound as "", never NULL: the columns are NOT NULL. */
    sqlite3_bind_blob(st, 5, p->origin_len ? p->origin : "", p->origin_len, SQLITE_STATIC);
    sqlite3_bind_blob(st, 6, p->data_len ? (const void *)p->data : "", (int)p->data_len,
                      SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        return nx_sqlite_fail(err, db->sql.db, "inserting a point into SQLite");
    return 0;
}

static int merge_row(sqlite3_stmt *st, ps_state *out, uint8_t **buf, size_t *cap, nx_err *err)
{
    const char *prop = (const char *)sqlite3_column_text(st, 0);
    const void *origin = sqlite3_column_blob(st, 3);
    int origin_len = sqlite3_column_bytes(st, 3);
    const void *data = sqlite3_column_blob(st, 4);
    int data_len = sqlite3_column_bytes(st, 4);
    if (prop == NULL || origin_len > 255)
        return nx_fail(err, "SQLite returned a row without a prop or with a %d-byte origin",
                       origin_len);
    nx_point p = {.time_ns = sqlite3_column_int64(st, 1),
                  .tombstone = (uint8_t)sqlite3_column_int(st, 2),
                  .origin = origin,
                  .origin_len = (uint8_t)origin_len,
                  .data = data,
                  .data_len = (size_t)data_len};
    size_t need = nx_point_size(&p);
    if (need > *cap) {
        uint8_t *grown = realloc(*buf, need);
        if (grown == NULL)
            return nx_fail(err, "out of memory reading SQLite rows");
        *buf = grown;
        *cap = need;
    }
    size_t n = nx_point_encode(&p, *buf, *cap);
    return ps_state_merge(out, prop, *buf, n, err);
}

int ps_db_state(ps_db *db, bool seek, const char *node, ps_state *out, nx_err *err)
{
    sqlite3_stmt *st = seek ? db->seek : db->group_by;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, node, -1, SQLITE_TRANSIENT);
    ps_state_clear(out);
    uint8_t *buf = NULL;
    size_t cap = 0;
    int rc = 0, step;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW)
        rc = merge_row(st, out, &buf, &cap, err);
    if (rc == 0 && step != SQLITE_DONE)
        rc = nx_sqlite_fail(err, db->sql.db, "reading a node's latest rows from SQLite");
    sqlite3_reset(st);
    free(buf);
    return rc;
}

int ps_db_rows(ps_db *db, int64_t *rows, nx_err *err)
{
    sqlite3_reset(db->count);
    if (sqlite3_step(db->count) != SQLITE_ROW)
        return nx_sqlite_fail(err, db->sql.db, "counting SQLite rows");
    *rows = sqlite3_column_int64(db->count, 0);
    sqlite3_reset(db->count);
    return 0;
}

int ps_db_plan(ps_db *db, bool seek, char *buf, size_t len, nx_err *err)
{
    char sql[1024];
    snprintf(sql, sizeof sql, "EXPLAIN QUERY PLAN %s", seek ? SEEK_SQL : GROUP_BY_SQL);
    sqlite3_stmt *st = NULL;
    if (prepare(db, sql, &st, err) != 0)
        return -1;
    size_t at = 0;
    buf[0] = '\0';
    while (sqlite3_step(st) == SQLITE_ROW && at + 1 < len) {
        const char *step = (const char *)sqlite3_column_text(st, 3);
        int n = snprintf(buf + at, len - at, "%s\n", step ? step : "");
        at += n > 0 ? (size_t)n : 0;
        if (at >= len)
            at = len - 1;
    }
    sqlite3_finalize(st);
    return 0;
}
