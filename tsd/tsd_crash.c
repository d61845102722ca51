#include "tsd_crash.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nx_janitor.h"
#include "nx_progress.h"
#include "nx_results.h"
#include "nx_sqlite.h"
#include "tsd_ctx.h"
#include "tsd_js_crash.h"
#include "tsd_sqlite_crash.h"

static uint64_t splitmix(uint64_t *state)
{
    uint64_t x = (*state += 0x9e3779b97f4a7c15ULL);
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static void finish_times(tsd_crash_stats *st, double *times, size_t n)
{
    double max = 0;
    for (size_t i = 0; i < n; i++)
        max = times[i] > max ? times[i] : max;
    st->recovery_s[1] = max;
    st->recovery_s[0] = nx_median(times, n);
}

typedef int (*round_fn)(tsd_ctx *ctx, const char *dir, uint64_t seed, uint64_t rng,
                        tsd_crash_stats *st, double *recovery_s, nx_err *err);

static int js_round(tsd_ctx *ctx, const char *dir, uint64_t seed, uint64_t rng, tsd_crash_stats *st,
                    double *recovery_s, nx_err *err)
{
    (void)dir;
    return tsd_js_crash_round(ctx, seed, rng, st, recovery_s, err);
}

static int run_rounds(tsd_ctx *ctx, tsd_crash_stats *st, round_fn fn, const char *dir,
                      uint64_t *rng, nx_err *err)
{
    long rounds = ctx->opts->crash_rounds;
    double *times = calloc((size_t)rounds, sizeof *times);
    if (times == NULL)
        return nx_fail(err, "out of memory");
    nx_progress p;
    char label[64];
    snprintf(label, sizeof label, "crash rounds %s", st->store);
    nx_progress_start(&p, label, (uint64_t)rounds, ctx->opts->base.quiet);
    int rc = 0;
    st->verified = true;
    for (long r = 0; r < rounds && rc == 0; r++) {
        uint64_t written = st->written;
        rc = fn(ctx, dir, tsd_ctx_case_seed(ctx), splitmix(rng), st, &times[r], err);
        if (rc != 0)
            nx_fail_wrap(err, "crash round %ld of %ld: ", r + 1, rounds);
        /* A round that lost points still counts: its figures are in st. */
        if (st->written != written)
            st->rounds++;
        nx_progress_update(&p, (uint64_t)r + 1);
    }
    nx_progress_end(&p);
    if (rc != 0)
        st->verified = false;
    finish_times(st, times, (size_t)st->rounds);
    free(times);
    return rc;
}

/* The SQLite rounds' database lives in a temp dir of its own, removed on
 * every exit path like a server's. */
static int sqlite_rounds(tsd_ctx *ctx, tsd_crash_stats *st, uint64_t *rng, nx_err *err)
{
    const char *tmp = getenv("TMPDIR");
    char dir[PATH_MAX - 32];
    snprintf(dir, sizeof dir, "%s/natsexp-crash-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL)
        return nx_fail(err, "cannot create a temp dir for the SQLite crash rounds: %s",
                       strerror(errno));
    bool keep = ctx->opts->base.keep;
    if (nx_janitor_track(dir, keep, err) != 0) {
        rmdir(dir);
        return -1;
    }
    int rc = run_rounds(ctx, st, tsd_sqlite_crash_round, dir, rng, err);
    if (keep) {
        fprintf(stderr, "kept SQLite crash dir: %s\n", dir);
    } else {
        rmdir(dir);
        nx_janitor_untrack(dir);
    }
    return rc;
}

static int write_row(tsd_ctx *ctx, const tsd_crash_stats *st, nx_err *err)
{
    if (st->rounds == 0 && st->verified)
        return 0;
    bool js = strcmp(st->store, "jetstream") == 0;
    nx_row row;
    nx_row_init(&row);
    row.case_name = st->case_name;
    row.op = "crash_recovery";
    row.store = st->store;
    row.storage = js ? "file" : NULL;
    row.replicas = js ? 1 : 0;
    row.payload_bytes = ctx->opts->base.payload;
    row.count = st->acked;
    row.seconds = st->rounds ? st->recovery_s[0] : NAN;
    row.max_us = st->rounds ? st->recovery_s[1] * 1e6 : NAN;
    row.verified = st->verified && st->lost == 0;
    if (!js)
        row.server_version = nx_sqlite_version_label();
    char note[512];
    snprintf(note, sizeof note,
             "%ld rounds, SIGKILL at a random moment after >= 1000 %s (%llu to %llu); %s "
             "%llu, lost %llu; unacknowledged %llu, survived %llu; present %llu of %llu "
             "written; %s; seconds = median %s (max_us: slowest); %s; process crash only, "
             "not an OS crash or power loss",
             st->rounds, js ? "positive acks" : "committed points",
             (unsigned long long)st->min_acked, (unsigned long long)st->max_acked,
             js ? "acked" : "committed", (unsigned long long)st->acked,
             (unsigned long long)st->lost, (unsigned long long)st->unacked,
             (unsigned long long)st->survived, (unsigned long long)st->present,
             (unsigned long long)st->written, st->detail,
             js ? "from the restart until the stream answers with its messages"
                : "open + integrity_check",
             js ? "file storage; nats-server fsyncs on an interval" : "WAL, synchronous=NORMAL");
    row.note = note;
    return nx_results_append(ctx->run->results, &row, err);
}

int tsd_crash_run(tsd_ctx *ctx, tsd_crash_result *out, nx_err *err)
{
    memset(out, 0, sizeof *out);
    long rounds = ctx->opts->crash_rounds;
    if (rounds == 0)
        return 0;
    out->ran = true;
    tsd_crash_stats *js = &out->js, *sql = &out->sqlite;
    js->store = "jetstream";
    js->verified = true;
    snprintf(js->case_name, sizeof js->case_name,
             "server SIGKILL while js_PublishAsync w=4096, restart");
    snprintf(js->detail, sizeof js->detail,
             "each message read back at its stream sequence, content intact, no duplicate");
    sql->store = "sqlite";
    sql->verified = true;
    snprintf(sql->case_name, sizeof sql->case_name,
             "inserter SIGKILL, 1-50 points per txn, WAL NORMAL");
    snprintf(sql->detail, sizeof sql->detail,
             "integrity_check ok every round; rows intact; txn in flight kept whole or not at all");
    uint64_t rng = ctx->next_seed ^ 0x5bd1e995ULL;

    int rc = 0;
    if (ctx->run->server == NULL)
        snprintf(out->skipped, sizeof out->skipped, "%s",
                 ctx->opts->base.url ? "not measured: the server is not ours (--url)"
                                     : "not measured on a cluster: one server is killed here");
    else
        rc = run_rounds(ctx, js, js_round, NULL, &rng, err);
    if (rc == 0 && !ctx->opts->no_sqlite)
        rc = sqlite_rounds(ctx, sql, &rng, err);

    nx_err row_err;
    if (write_row(ctx, js, rc == 0 ? err : &row_err) != 0 ||
        write_row(ctx, sql, rc == 0 ? err : &row_err) != 0)
        rc = rc ? rc : -1;
    return rc;
}

static void print_stats(FILE *out, const tsd_crash_stats *st)
{
    if (st->rounds == 0)
        return;
    fprintf(out, "  %-9s  %-56.56s  %6ld  %9llu  %5llu  %8llu  %8llu  %9.3f  %9.3f\n", st->store,
            st->case_name, st->rounds, (unsigned long long)st->acked, (unsigned long long)st->lost,
            (unsigned long long)st->unacked, (unsigned long long)st->survived, st->recovery_s[0],
            st->recovery_s[1]);
}

void tsd_crash_print(FILE *out, const tsd_crash_result *r)
{
    if (!r->ran)
        return;
    fprintf(out, "\nCrash durability (SIGKILL at a random moment; a process crash only, not an OS "
                 "crash or power loss):\n");
    fprintf(out, "  %-9s  %-56s  %6s  %9s  %5s  %8s  %8s  %9s  %9s\n", "store", "case", "rounds",
            "acked", "lost", "unacked", "survived", "recov. s", "max s");
    print_stats(out, &r->js);
    print_stats(out, &r->sqlite);
    if (r->skipped[0])
        fprintf(out, "  jetstream  %s\n", r->skipped);
    fprintf(out,
            "  acked = acknowledged by JetStream / COMMIT returned in SQLite before the kill; "
            "survived = unacknowledged but present after the restart;\n"
            "  recovery = restart until the stream answered with its messages (JetStream) / open + "
            "integrity_check (SQLite)\n");
}
