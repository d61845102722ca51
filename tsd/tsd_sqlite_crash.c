/* One SQLite crash round: a child process inserts points into a fresh
 * database (WAL, synchronous=NORMAL, tsd's schema) in transactions of 1 to
 * 50 points and tells the parent through a pipe where each transaction will
 * end before its BEGIN, and how many points are committed after its COMMIT
 * returns. The parent SIGKILLs it at a random moment after at least 1000
 * committed points, then opens the database itself: PRAGMA integrity_check
 * must say ok, every committed row must be there, intact, and the
 * transaction in flight at the kill must be there entirely or not at all
 * (counted as survivors when it is). */
#include "tsd_sqlite_crash.h"

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

#include "nx_sqlite.h"
#include "nx_stats.h"
#include "tsd_ctx.h"
#include "tsd_publish.h"
#include "tsd_sqlite_db.h"
#include "tsd_tally.h"
#include "tsd_txn_pipe.h"

#define MIN_COMMITTED 1000
#define TXN_MAX 50
#define ROUND_CAP 4000000ULL
#define KILL_SPREAD_MS 25
#define FIRST_COMMITS_TIMEOUT_MS 30000

static const char *const schema = "PRAGMA journal_mode=WAL;"
                                  "PRAGMA synchronous=NORMAL;" TSD_SQLITE_SCHEMA;

static uint64_t next_rng(uint64_t *state)
{
    uint64_t x = (*state += 0x9e3779b97f4a7c15ULL);
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* The child: runs until killed. Exits 3 on any SQLite error (the parent
 * reports a child that ends by itself). Only _exit: the parent's atexit
 * handlers (the janitor) are not the child's business. */
static void child_insert(tsd_ctx *ctx, const char *path, const tsd_gen *gen, uint64_t rng, int out)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *ins = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK || sqlite3_exec(db, schema, NULL, NULL, NULL) != 0 ||
        sqlite3_prepare_v2(db, TSD_SQLITE_INSERT, -1, &ins, NULL) != SQLITE_OK)
        _exit(3);
    tsd_load load = {.gen = *gen, .count = ROUND_CAP, .seq_base = 1};
    tsd_clock clock = {0};
    tsd_writer w = {.load = &load, .series = &ctx->series, .clock = &clock};
    w.len = tsd_point_size(gen);
    w.buf = malloc(w.len);
    if (w.buf == NULL)
        _exit(3);
    for (uint64_t g = 0; g < ROUND_CAP;) {
        uint64_t n = 1 + next_rng(&rng) % TXN_MAX;
        uint64_t end = (g + n < ROUND_CAP ? g + n : ROUND_CAP) | TSD_TXN_BEGIN_BIT;
        if (write(out, &end, sizeof end) != (ssize_t)sizeof end ||
            sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
            _exit(3);
        for (uint64_t k = 0; k < n && g < ROUND_CAP; k++, g++) {
            const char *subject = tsd_writer_point(&w, g);
            sqlite3_bind_int64(ins, 1, (sqlite3_int64)(g + 1));
            sqlite3_bind_text(ins, 2, subject, -1, SQLITE_STATIC);
            sqlite3_bind_int64(ins, 3, w.last_t);
            sqlite3_bind_blob(ins, 4, w.buf, (int)w.len, SQLITE_STATIC);
            if (sqlite3_step(ins) != SQLITE_DONE)
                _exit(3);
            sqlite3_reset(ins);
        }
        if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
            _exit(3);
        uint64_t committed = g;
        if (write(out, &committed, sizeof committed) != (ssize_t)sizeof committed)
            _exit(3);
    }
    _exit(4);
}

static pid_t spawn_child(tsd_ctx *ctx, const char *path, const tsd_gen *gen, uint64_t rng, int *in,
                         nx_err *err)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return nx_fail(err, "SQLite crash round: pipe: %s", strerror(errno));
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return nx_fail(err, "SQLite crash round: fork: %s", strerror(errno));
    }
    if (pid == 0) {
        /* Never outlive the run, however it ends. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(5);
        close(fds[0]);
        child_insert(ctx, path, gen, rng, fds[1]);
    }
    close(fds[1]);
    *in = fds[0];
    return pid;
}

static int wait_and_kill(pid_t pid, int fd, uint64_t rng, tsd_txn_progress *pr, nx_err *err)
{
    int64_t give_up = nx_now_ns() + (int64_t)FIRST_COMMITS_TIMEOUT_MS * 1000000;
    int64_t kill_at = 0;
    int rc = 0;
    for (;;) {
        bool open = tsd_txn_pipe_read(fd, pr, 5) != TSD_TXN_EOF;
        int64_t now = nx_now_ns();
        if (kill_at == 0 && pr->committed >= MIN_COMMITTED)
            kill_at = now + (int64_t)(rng % ((uint64_t)KILL_SPREAD_MS * 1000000));
        if (kill_at != 0 && now >= kill_at)
            break;
        if (!open) {
            int status = 0;
            waitpid(pid, &status, 0);
            return nx_fail(err,
                           "SQLite crash round: the inserting child ended by itself (status %d) "
                           "after %llu committed points",
                           status, (unsigned long long)pr->committed);
        }
        if (kill_at == 0 && now > give_up) {
            rc = nx_fail(err, "SQLite crash round: %llu points committed %d s after the start",
                         (unsigned long long)pr->committed, FIRST_COMMITS_TIMEOUT_MS / 1000);
            break;
        }
    }
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    /* What the child reported before it died is all in the pipe now. */
    while (tsd_txn_pipe_read(fd, pr, 0) == TSD_TXN_READ)
        ;
    return rc;
}

static int integrity_ok(sqlite3 *db, nx_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
        return nx_sqlite_fail(err, db, "after the crash: PRAGMA integrity_check");
    int rc = 0;
    if (sqlite3_step(st) != SQLITE_ROW)
        rc = nx_sqlite_fail(err, db, "after the crash: PRAGMA integrity_check");
    else if (strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0)
        rc = nx_fail(err, "after the crash: PRAGMA integrity_check says: %s",
                     (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return rc;
}

static int check_rows(tsd_ctx *ctx, sqlite3 *db, const tsd_gen *gen, tsd_tally *t,
                      uint64_t attempted, uint64_t *rows, nx_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT seq, subject, payload FROM points ORDER BY seq", -1, &st,
                           NULL) != SQLITE_OK)
        return nx_sqlite_fail(err, db, "after the crash: reading the points");
    int rc = 0, step;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        uint64_t seq = (uint64_t)sqlite3_column_int64(st, 0), g = 0;
        const uint8_t *data = sqlite3_column_blob(st, 2);
        size_t len = (size_t)sqlite3_column_bytes(st, 2);
        const char *subject = (const char *)sqlite3_column_text(st, 1);
        (*rows)++;
        if (!tsd_point_index(data, len, &g) || seq != g + 1)
            rc = nx_fail(err, "after the crash: row seq %llu does not hold point %llu",
                         (unsigned long long)seq, (unsigned long long)seq - 1);
        else if (g >= attempted)
            rc = nx_fail(err, "after the crash: SQLite row %llu was never inserted",
                         (unsigned long long)seq);
        else if (tsd_point_check(gen, g, data, len, NULL, err) != 0)
            rc = nx_fail_wrap(err, "after the crash, SQLite row %llu: ", (unsigned long long)seq);
        else if (strcmp(subject, ctx->series.subject[tsd_series_of(gen, g)]) != 0)
            rc = nx_fail(err, "after the crash: SQLite row %llu has subject %s",
                         (unsigned long long)seq, subject);
        else if (!tsd_tally_present(t, g))
            rc = nx_fail(err, "after the crash: SQLite row %llu read twice",
                         (unsigned long long)seq);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = nx_sqlite_fail(err, db, "after the crash: reading the points");
    sqlite3_finalize(st);
    return rc;
}

static void remove_db(const char *path)
{
    char p[PATH_MAX + 32];
    const char *suffix[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
}

int tsd_sqlite_crash_round(tsd_ctx *ctx, const char *dir, uint64_t seed, uint64_t rng,
                           tsd_crash_stats *st, double *recovery_s, nx_err *err)
{
    tsd_gen gen = {
        .seed = seed, .series = ctx->series.n, .data_len = (size_t)ctx->opts->base.payload};
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/crash.db", dir);
    remove_db(path);
    int fd = -1;
    pid_t pid = spawn_child(ctx, path, &gen, rng, &fd, err);
    if (pid < 0)
        return -1;
    tsd_txn_progress pr = {0};
    int rc = wait_and_kill(pid, fd, next_rng(&rng), &pr, err);
    close(fd);
    tsd_tally tally;
    if (rc == 0)
        rc = tsd_tally_init(&tally, ROUND_CAP, err);
    if (rc != 0) {
        remove_db(path);
        return -1;
    }
    for (uint64_t g = 0; g < pr.committed; g++)
        tsd_tally_ack(&tally, g);

    int64_t t0 = nx_now_ns();
    sqlite3 *db = NULL;
    uint64_t rows = 0;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        rc = nx_sqlite_fail(err, db, "after the crash: opening the database");
    if (rc == 0)
        rc = integrity_ok(db, err);
    *recovery_s = (double)(nx_now_ns() - t0) / 1e9;
    if (rc == 0)
        rc = check_rows(ctx, db, &gen, &tally, pr.attempted, &rows, err);
    sqlite3_close(db);
    if (rc == 0) {
        tsd_tally_sum sum;
        uint64_t written = pr.attempted > pr.committed ? pr.attempted : pr.committed;
        if (ctx->opts->fault == TSD_FAULT_CRASH_SQLITE) /* a row SQLite never saw */
            tsd_tally_ack(&tally, written++);
        tsd_tally_sum_up(&tally, written, &sum);
        tsd_crash_add(st, &sum);
        if (sum.survived != 0 && sum.survived != sum.unacked)
            rc = nx_fail(err,
                         "SQLite kept %llu of the %llu points of the transaction in flight at "
                         "the SIGKILL: a transaction survived in part",
                         (unsigned long long)sum.survived, (unsigned long long)sum.unacked);
        else if (sum.lost > 0)
            rc = nx_fail(err,
                         "SQLite lost %llu of %llu committed rows after a SIGKILL (first: "
                         "point %llu; the table holds %llu)",
                         (unsigned long long)sum.lost, (unsigned long long)sum.acked,
                         (unsigned long long)sum.first_lost, (unsigned long long)rows);
    }
    tsd_tally_free(&tally);
    remove_db(path);
    return rc;
}
