#include "nx_sqlite.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nx_janitor.h"

int nx_sqlite_fail(nx_err *err, sqlite3 *db, const char *what)
{
    return nx_fail(err, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
}

int nx_sqlite_exec(nx_sqlite *s, const char *sql, nx_err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        nx_fail(err, "sqlite: %s: %s", sql, msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

int nx_sqlite_open(nx_sqlite *s, const char *synchronous, bool keep, nx_err *err)
{
    memset(s, 0, sizeof *s);
    s->keep = keep;
    const char *tmp = getenv("TMPDIR");
    snprintf(s->dir, sizeof s->dir, "%s/natsexp-sqlite-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(s->dir) == NULL)
        return nx_fail(err, "cannot create a temp dir for SQLite: %s", strerror(errno));
    if (nx_janitor_track(s->dir, keep, err) != 0) {
        rmdir(s->dir);
        return -1;
    }
    snprintf(s->path, sizeof s->path, "%s/baseline.db", s->dir);
    if (sqlite3_open(s->path, &s->db) != SQLITE_OK) {
        nx_sqlite_fail(err, s->db, "opening the SQLite baseline");
        nx_sqlite_close(s);
        return -1;
    }
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA synchronous=%s", synchronous);
    if (nx_sqlite_exec(s, "PRAGMA journal_mode=WAL", err) != 0 ||
        nx_sqlite_exec(s, pragma, err) != 0) {
        nx_sqlite_close(s);
        return -1;
    }
    return 0;
}

static long long file_bytes(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

long long nx_sqlite_bytes(nx_sqlite *s, bool checkpoint)
{
    if (checkpoint)
        sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    char wal[PATH_MAX + 32];
    snprintf(wal, sizeof wal, "%s-wal", s->path);
    return file_bytes(s->path) + file_bytes(wal);
}

const char *nx_sqlite_version_label(void)
{
    static char label[32];
    if (label[0] == '\0')
        snprintf(label, sizeof label, "sqlite %s", sqlite3_libversion());
    return label;
}

void nx_row_init_sqlite(nx_row *row)
{
    nx_row_init(row);
    row->store = "sqlite";
    row->server_version = nx_sqlite_version_label();
}

void nx_sqlite_close(nx_sqlite *s)
{
    if (s->db)
        sqlite3_close(s->db);
    s->db = NULL;
    if (s->dir[0] && !s->keep) {
        char files[3][PATH_MAX + 32];
        snprintf(files[0], sizeof files[0], "%s", s->path);
        snprintf(files[1], sizeof files[1], "%s-wal", s->path);
        snprintf(files[2], sizeof files[2], "%s-shm", s->path);
        for (int i = 0; i < 3; i++)
            unlink(files[i]);
        rmdir(s->dir);
        nx_janitor_untrack(s->dir);
    }
    s->dir[0] = '\0';
}
