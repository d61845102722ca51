/* SQLite power-cut rounds: the database (WAL, synchronous NORMAL or FULL)
 * on the power-cut mount, a child process inserting transactions of 1 to 50
 * points and reporting each one through a pipe (its end before BEGIN, the
 * committed count after COMMIT returns), SIGKILLed at a random moment
 * together with the cut; then the parent opens what the disk kept, runs
 * PRAGMA integrity_check and checks every row.
 *
 * The database and its schema are made and flushed to the disk before the
 * child starts (a device's database exists long before its power fails). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nx_powerfs.h"
#include "nx_sqlite.h"
#include "nx_stats.h"
#include "tsd_ctx.h"
#include "tsd_power.h"
#include "tsd_publish.h"
#include "tsd_sqlite_db.h"
#include "tsd_tally.h"
#include "tsd_txn_pipe.h"

#define TXN_MAX 50
#define ROUND_CAP 4000000ULL
#define FIRST_COMMITS_MS 30000

static int exec_sync(sqlite3 *db, const char *sync)
{
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA synchronous=%s", sync);
    return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/* Runs until killed; _exit only (the parent's atexit handlers are not
 * ours), 3 on any SQLite error. */
static void inserter(tsd_ctx *ctx, const char *path, const char *sync, const tsd_gen *gen,
                     uint64_t rng, int out)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *ins = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK || exec_sync(db, sync) != SQLITE_OK ||
        sqlite3_prepare_v2(db, TSD_SQLITE_INSERT, -1, &ins, NULL) != SQLITE_OK)
        _exit(3);
    tsd_load load = {.gen = *gen, .count = ROUND_CAP, .seq_base = 1};
    tsd_clock clock = {0};
    tsd_writer w = {.load = &load, .series = &ctx->series, .clock = &clock};
    w.len = tsd_point_size(gen);
    if ((w.buf = malloc(w.len)) == NULL)
        _exit(3);
    uint64_t g = 0;
    while (g < ROUND_CAP) {
        uint64_t end = g + 1 + tsd_power_rng(&rng) % TXN_MAX, word = end | TSD_TXN_BEGIN_BIT;
        if (write(out, &word, sizeof word) != (ssize_t)sizeof word ||
            sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
            _exit(3);
        for (; g < end; g++) {
            const char *subject = tsd_writer_point(&w, g);
            sqlite3_bind_int64(ins, 1, (sqlite3_int64)(g + 1));
            sqlite3_bind_text(ins, 2, subject, -1, SQLITE_STATIC);
            sqlite3_bind_int64(ins, 3, w.last_t);
            sqlite3_bind_blob(ins, 4, w.buf, (int)w.len, SQLITE_STATIC);
            if (sqlite3_step(ins) != SQLITE_DONE || sqlite3_reset(ins) != SQLITE_OK)
                _exit(3);
        }
        if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK ||
            write(out, &g, sizeof g) != (ssize_t)sizeof g)
            _exit(3);
    }
    _exit(4);
}

/* Lets the child insert until the cut moment, then SIGKILLs and reaps it. */
static int run_child(pid_t pid, int fd, uint64_t rng, tsd_txn_progress *t, double *write_s,
                     nx_err *err)
{
    int64_t t0 = nx_now_ns(), cut_at = 0, give_up = t0 + (int64_t)FIRST_COMMITS_MS * 1000000;
    int rc = 0;
    for (;;) {
        bool open = tsd_txn_pipe_read(fd, t, 2) != TSD_TXN_EOF;
        int64_t now = nx_now_ns();
        if (cut_at == 0 && t->committed >= TSD_POWER_MIN_ACKS)
            cut_at = now + (int64_t)(rng % ((uint64_t)TSD_POWER_SPREAD_MS * 1000000));
        if (cut_at != 0 && now >= cut_at)
            break;
        if (!open || (cut_at == 0 && now > give_up)) {
            rc = nx_fail(err, "power cut: the inserting child %s after %llu committed points",
                         open ? "was too slow" : "ended by itself",
                         (unsigned long long)t->committed);
            break;
        }
    }
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    *write_s = (double)(nx_now_ns() - t0) / 1e9;
    /* What the child said before it died is all in the pipe now. */
    while (tsd_txn_pipe_read(fd, t, 0) == TSD_TXN_READ)
        ;
    return rc;
}

static pid_t spawn(tsd_ctx *ctx, const char *path, const char *sync, const tsd_gen *gen,
                   uint64_t rng, int *in, nx_err *err)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return nx_fail(err, "power cut: pipe: %s", strerror(errno));
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(5);
        close(fds[0]);
        inserter(ctx, path, sync, gen, rng, fds[1]);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return nx_fail(err, "power cut: fork: %s", strerror(errno));
    }
    *in = fds[0];
    return pid;
}

/* integrity_check, then every row against the model. false (with why)
 * when the database did not open or is not intact: a measured outcome. */
static bool reopen_check(tsd_ctx *ctx, const char *path, const tsd_gen *gen, tsd_tally *t,
                         uint64_t begun, char *why, size_t wlen, int *rc, nx_err *err)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    bool ok = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
              sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
              sqlite3_step(st) == SQLITE_ROW &&
              strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
    if (!ok)
        snprintf(why, wlen, "%s",
                 st && sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0)
                                                  : sqlite3_errmsg(db));
    sqlite3_finalize(st);
    st = NULL;
    if (ok && sqlite3_prepare_v2(db, "SELECT seq, subject, payload FROM points ORDER BY seq", -1,
                                 &st, NULL) != SQLITE_OK)
        *rc = nx_sqlite_fail(err, db, "after the power cut: reading the points");
    int step = SQLITE_DONE;
    while (ok && *rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        uint64_t seq = (uint64_t)sqlite3_column_int64(st, 0), g = 0;
        const uint8_t *data = sqlite3_column_blob(st, 2);
        size_t len = (size_t)sqlite3_column_bytes(st, 2);
        const char *subject = (const char *)sqlite3_column_text(st, 1);
        if (!tsd_point_index(data, len, &g) || seq != g + 1 || g >= begun)
            *rc = nx_fail(err, "after the power cut: row %llu is no point inserted there",
                          (unsigned long long)seq);
        else if (tsd_point_check(gen, g, data, len, NULL, err) != 0)
            *rc = nx_fail_wrap(err, "after the power cut, row %llu: ", (unsigned long long)seq);
        else if (strcmp(subject, ctx->series.subject[tsd_series_of(gen, g)]) != 0)
            *rc = nx_fail(err, "after the power cut: row %llu on subject %s",
                          (unsigned long long)seq, subject);
        else if (!tsd_tally_present(t, g))
            *rc = nx_fail(err, "after the power cut: row %llu twice", (unsigned long long)seq);
    }
    if (ok && *rc == 0 && step != SQLITE_DONE)
        *rc = nx_sqlite_fail(err, db, "after the power cut: reading the points");
    sqlite3_finalize(st);
    sqlite3_close(db);
    return ok;
}

static void remove_db(const char *path)
{
    char p[4200];
    const char *suffix[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
}

/* A fresh database with the schema, on the disk before the round. */
static int fresh_db(const char *path, nx_powerfs *fs, nx_err *err)
{
    remove_db(path);
    sqlite3 *db = NULL;
    int rc = 0;
    if (sqlite3_open(path, &db) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA journal_mode=WAL;" TSD_SQLITE_SCHEMA, NULL, NULL, NULL) !=
            SQLITE_OK)
        rc = nx_sqlite_fail(err, db, "power cut: creating the database");
    sqlite3_close(db);
    return rc == 0 ? nx_powerfs_flush_all(fs, err) : rc;
}

static int one_round(tsd_ctx *ctx, nx_powerfs *fs, const char *path, const char *sync, uint64_t rng,
                     tsd_power_stats *st, nx_err *err)
{
    tsd_gen gen = tsd_ctx_gen(ctx);
    if (fresh_db(path, fs, err) != 0)
        return -1;
    int fd = -1;
    pid_t pid = spawn(ctx, path, sync, &gen, tsd_power_rng(&rng), &fd, err);
    if (pid < 0)
        return -1;
    tsd_txn_progress t = {0};
    double write_s = 0;
    int rc = run_child(pid, fd, tsd_power_rng(&rng), &t, &write_s, err);
    close(fd);
    nx_powerfs_counts dropped = {0};
    if (rc == 0)
        rc = nx_powerfs_cut(fs, &dropped, err);
    tsd_tally tally;
    if (rc != 0 || tsd_tally_init(&tally, ROUND_CAP, err) != 0)
        return -1;
    for (uint64_t g = 0; g < t.committed; g++)
        tsd_tally_ack(&tally, g);
    int64_t r0 = nx_now_ns();
    char why[200] = "";
    uint64_t begun = t.attempted > t.committed ? t.attempted : t.committed;
    bool opened = reopen_check(ctx, path, &gen, &tally, begun, why, sizeof why, &rc, err);
    double recovery_s = (double)(nx_now_ns() - r0) / 1e9;
    if (!opened)
        fprintf(stderr,
                "tsd: after a power cut the SQLite database (WAL %s) did not open "
                "intact: %s\n",
                sync, why);
    if (rc == 0) {
        tsd_tally_sum sum;
        tsd_tally_sum_up(&tally, begun, &sum);
        if (opened && sum.survived != 0 && sum.survived != sum.unacked)
            rc = nx_fail(err,
                         "SQLite kept %llu of the %llu points of the transaction in flight: "
                         "a transaction survived in part",
                         (unsigned long long)sum.survived, (unsigned long long)sum.unacked);
        tsd_power_add(st, &sum, opened, recovery_s, write_s, dropped.dirty_bytes);
    }
    tsd_tally_free(&tally);
    return rc;
}

int tsd_power_sqlite_rounds(tsd_ctx *ctx, nx_powerfs *fs, const char *dir, const char *sync,
                            uint64_t *rng, tsd_power_stats *st, nx_err *err)
{
    char path[4100];
    snprintf(path, sizeof path, "%s/power.db", dir);
    int rc = 0;
    for (long r = 0; rc == 0 && r < ctx->opts->power_cuts; r++) {
        rc = one_round(ctx, fs, path, sync, tsd_power_rng(rng), st, err);
        if (rc != 0)
            nx_fail_wrap(err, "round %ld of %ld: ", r + 1, ctx->opts->power_cuts);
    }
    remove_db(path);
    return rc;
}
