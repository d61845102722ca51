/* tsd: JetStream as a time-series store, against SQLite.
 *
 * Set up a deployment, then for each repeat time every insert case (each in
 * a fresh stream, read back and checked before it counts); read the last
 * stream back three ways; run range queries on a store grown from count/10
 * to count points; check the per-subject retention limit; do the same work
 * on SQLite; and report medians, ratios and peak RSS. Any check that fails
 * ends the run with one line saying what differed, and exit status 1. */
#include <nats/nats.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "nx_run.h"
#include "nx_watchdog.h"
#include "tsd_crash.h"
#include "tsd_ctx.h"
#include "tsd_current.h"
#include "tsd_failover.h"
#include "tsd_insert_cases.h"
#include "tsd_opts.h"
#include "tsd_power.h"
#include "tsd_read_cases.h"
#include "tsd_replicas.h"
#include "tsd_retention.h"
#include "tsd_sqlite.h"
#include "tsd_summary.h"

static int pass_open(tsd_ctx *ctx, nx_run *run, const tsd_opts *opts, nx_err *err)
{
    ctx->run = run;
    ctx->opts = opts;
    ctx->next_seed = opts->seed_set ? opts->seed : (uint64_t)nx_wall_ns();
    tsd_report_init(&ctx->report, (size_t)opts->base.repeat);
    nx_run_stream_name(run, "NODES", ctx->stream, sizeof ctx->stream);
    nx_run_subjects(run, ctx->filter, sizeof ctx->filter);
    return tsd_series_init(&ctx->series, (uint32_t)opts->series, run->scope, err);
}

static int measure_pass(tsd_ctx *ctx, double *build_ns, nx_err *err)
{
    const tsd_opts *o = ctx->opts;
    tsd_load last = {0};
    for (long r = 0; r < o->base.repeat; r++) {
        if (tsd_inserts_run(ctx, r, &last, err) != 0)
            return -1;
        if (!o->no_sqlite && tsd_sqlite_inserts_run(ctx, err) != 0)
            return -1;
    }
    for (long r = 0; r < o->base.repeat; r++)
        if (tsd_reads_run(ctx, &last, err) != 0)
            return -1;
    /* After the reads: they read the stream the last insert case left. */
    for (long r = 0; r < o->base.repeat; r++)
        if (tsd_current_run(ctx, r, err) != 0)
            return -1;
    if (tsd_ranges_run(ctx, err) != 0)
        return -1;
    for (long r = 0; r < o->base.repeat; r++)
        if (tsd_retention_run(ctx, err) != 0)
            return -1;
    if (!o->no_sqlite && tsd_sqlite_reads_run(ctx, err) != 0)
        return -1;
    *build_ns = tsd_build_ns_per_point(ctx);
    return tsd_stream_drop(ctx, err);
}

static double peak_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0; /* kilobytes on Linux */
}

static void report_pass(const tsd_ctx *ctx, double build_ns, int64_t started_ns)
{
    if (ctx->opts->base.quiet)
        return;
    tsd_gen gen = {.series = 1, .data_len = (size_t)ctx->opts->base.payload};
    tsd_summary_info info = {
        .opts = ctx->opts,
        .server_version = ctx->run->server_version,
        .point_bytes = tsd_point_size(&gen),
        .build_ns = build_ns,
        .peak_rss_mb = peak_rss_mb(),
        .elapsed_s = (double)(nx_now_ns() - started_ns) / 1e9,
        .cores = (int)sysconf(_SC_NPROCESSORS_ONLN),
    };
    tsd_print_table(stdout, &ctx->report, &info);
    tsd_print_summary(stdout, &ctx->report, &info);
    fflush(stdout);
}

/* A point larger than the server's max_payload could never be published:
 * bad usage against this server, found once connected. */
static int payload_fits(const nx_run *run, const tsd_opts *o, nx_err *err)
{
    tsd_gen gen = {.series = 1, .data_len = (size_t)o->base.payload};
    int64_t max = natsConnection_GetMaxPayload(run->nc);
    if ((int64_t)tsd_point_size(&gen) > max)
        return nx_fail(err,
                       "--payload %ld: a point is %zu bytes, more than the server's max_payload "
                       "of %lld bytes",
                       o->base.payload, tsd_point_size(&gen), (long long)max);
    return 0;
}

static bool wants_failover(const tsd_ctx *ctx)
{
    return ctx->opts->failover_count > 0 && ctx->opts->base.replicas == 3 &&
           ctx->run->cluster.n >= 3;
}

/* What only a cluster or an existing deployment adds: the R3/R1 table, the
 * failover case, and why either is missing. */
static void report_beyond(const tsd_plan *plan, const tsd_ctx *ctx, const tsd_failover *fo,
                          const nx_run *run)
{
    const tsd_opts *o = ctx[0].opts;
    if (o->base.quiet)
        return;
    tsd_plan_print(stdout, plan);
    if (plan->npasses == 2)
        tsd_replicas_print(stdout, plan, &ctx[0].report, &ctx[1].report);
    if (fo->count > 0)
        tsd_failover_print(stdout, fo);
    else if (run->scope && o->failover_count > 0)
        printf("\nFailover: not measured (it kills a server: needs a spawned --cluster 3, not "
               "--url)\n");
    else if (run->cluster.n >= 3 && o->failover_count > 0)
        printf("\nFailover: not measured (needs R3 streams; --replicas 1 was given)\n");
    fflush(stdout);
}

/* Everything one run holds from set-up to clean-up. */
typedef struct tsd_story {
    tsd_opts *opts; /* the plan lowers its defaults for an R1/R3 comparison */
    int64_t started_ns;
    nx_run run;
    bool opened;
    tsd_plan plan;
    tsd_opts pass_opts[TSD_PASSES_MAX];
    tsd_ctx ctx[TSD_PASSES_MAX];
    double build_ns[TSD_PASSES_MAX];
    tsd_failover fo;
    tsd_crash_result crash;
    tsd_power_result power;
} tsd_story;

/* Connected, watched and planned. Returns the exit status of a failure: a
 * point too large for the server is bad usage, found only once connected. */
static int set_up(tsd_story *s, nx_err *err)
{
    if (nx_run_open(&s->run, "tsd", &s->opts->base, err) != 0)
        return 1;
    s->opened = true;
    if (payload_fits(&s->run, s->opts, err) != 0)
        return NX_EXIT_USAGE;
    if (nx_watchdog_start("tsd", err) != 0)
        return 1;
    nx_watchdog_watch(s->run.server, "the nats-server");
    return tsd_plan_make(&s->run, s->opts, &s->plan, err) == 0 ? 0 : 1;
}

/* One pass per replicas setting (R1, then R3 with a cluster), each case
 * checked as it runs; then the crash rounds and the power cuts. */
static int measure(tsd_story *s, nx_err *err)
{
    for (int p = 0; p < s->plan.npasses; p++) {
        tsd_ctx *ctx = &s->ctx[p];
        s->pass_opts[p] = tsd_plan_pass_opts(&s->plan, s->opts, p);
        if (pass_open(ctx, &s->run, &s->pass_opts[p], err) != 0 ||
            measure_pass(ctx, &s->build_ns[p], err) != 0)
            return -1;
        if (wants_failover(ctx) &&
            tsd_failover_run(ctx, (uint64_t)s->opts->failover_count, &s->fo, err) != 0)
            return -1;
    }
    if (tsd_crash_run(&s->ctx[0], &s->crash, err) != 0 ||
        tsd_power_run(&s->ctx[0], &s->power, err) != 0)
        return -1;
    if (s->plan.npasses == 2)
        tsd_replicas_annotate(&s->ctx[1].report, &s->ctx[0].report);
    return 0;
}

/* Rows are written even when the run failed: a case whose check failed is
 * there with verified=no, after the cases measured before it. The first
 * failure stays the one reported. */
static int write_rows(tsd_story *s, int status, nx_err *err)
{
    for (int p = 0; p < s->plan.npasses; p++) {
        nx_err ignore;
        if (s->ctx[p].run != NULL &&
            tsd_report_write(&s->ctx[p].report, s->run.results, (size_t)s->opts->base.payload,
                             status == 0 ? err : &ignore) != 0 &&
            status == 0)
            status = 1;
    }
    return status;
}

static void report(const tsd_story *s)
{
    for (int p = 0; p < s->plan.npasses; p++)
        report_pass(&s->ctx[p], s->build_ns[p], s->started_ns);
    report_beyond(&s->plan, s->ctx, &s->fo, &s->run);
    if (!s->opts->base.quiet) {
        tsd_crash_print(stdout, &s->crash);
        tsd_power_print(stdout, &s->power);
    }
}

/* The failover verdict comes last: its row (verified=no) and its table are
 * out before it fails the run. */
static int verify_failover(const tsd_story *s, nx_err *err)
{
    if (s->fo.count > 0 && !s->fo.verified) {
        nx_fail(err, "%s", s->fo.why);
        return 1;
    }
    return 0;
}

static void clean_up(tsd_story *s, int status, nx_err *err)
{
    /* A server that died under the run is the cause; say that. */
    nx_watchdog_stop(status != 0 ? err : NULL);
    if (status != 0)
        fprintf(stderr, status == NX_EXIT_USAGE ? "%s\n" : "tsd: %s\n", err->msg);
    tsd_power_free(&s->power);
    for (int p = 0; p < TSD_PASSES_MAX; p++) {
        tsd_report_free(&s->ctx[p].report);
        tsd_series_free(&s->ctx[p].series);
    }
    if (s->opened)
        nx_run_close(&s->run);
    nats_Close();
}

int main(int argc, char **argv)
{
    int64_t started = nx_now_ns();
    tsd_opts opts;
    nx_err err = {{0}};
    int status = 0;
    if (nx_cli_exits(tsd_opts_parse(&opts, argc, argv, &err), &err, &status))
        return status;
    tsd_story s = {.opts = &opts, .started_ns = started, .build_ns = {-1, -1}};
    status = set_up(&s, &err);
    if (status == 0 && measure(&s, &err) != 0)
        status = 1;
    status = write_rows(&s, status, &err);
    if (status == 0) {
        report(&s);
        status = verify_failover(&s, &err);
    }
    clean_up(&s, status, &err);
    return status;
}
