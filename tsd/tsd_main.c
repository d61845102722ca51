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
#include "tsd_read_cases.h"
#include "tsd_replicas.h"
#include "tsd_retention.h"
#include "tsd_sqlite.h"
#include "tsd_summary.h"

static int setup(tsd_ctx *ctx, nx_run *run, const tsd_opts *opts, nx_err *err)
{
    ctx->run = run;
    ctx->opts = opts;
    ctx->next_seed = opts->seed_set ? opts->seed : (uint64_t)nx_wall_ns();
    tsd_report_init(&ctx->report, (size_t)opts->base.repeat);
    nx_run_stream_name(run, "NODES", ctx->stream, sizeof ctx->stream);
    nx_run_subjects(run, ctx->filter, sizeof ctx->filter);
    return tsd_series_init(&ctx->series, (uint32_t)opts->series, run->scope, err);
}

static int measure(tsd_ctx *ctx, double *build_ns, nx_err *err)
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

static void report(const tsd_ctx *ctx, double build_ns, int64_t started_ns)
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

int main(int argc, char **argv)
{
    int64_t started = nx_now_ns();
    tsd_opts opts;
    nx_err err = {{0}};
    switch (tsd_opts_parse(&opts, argc, argv, &err)) {
    case NX_CLI_RUN:
        break;
    case NX_CLI_DONE:
        return 0;
    case NX_CLI_USAGE:
        fprintf(stderr, "%s\n", err.msg);
        return NX_EXIT_USAGE;
    }

    nx_run run;
    tsd_plan plan = {0};
    tsd_opts pass_opts[TSD_PASSES_MAX];
    tsd_ctx ctx[TSD_PASSES_MAX] = {{0}};
    double build_ns[TSD_PASSES_MAX] = {-1, -1};
    tsd_failover fo = {0};
    tsd_crash_result crash = {0};
    int rc = nx_run_open(&run, "tsd", &opts.base, &err);
    bool opened = rc == 0;
    bool usage = rc == 0 && payload_fits(&run, &opts, &err) != 0;
    if (usage)
        rc = -1;
    if (rc == 0)
        rc = nx_watchdog_start("tsd", &err);
    if (rc == 0)
        nx_watchdog_watch(run.server, "the nats-server");
    if (rc == 0)
        rc = tsd_plan_make(&run, &opts, &plan, &err);
    /* One pass per replicas setting (R1, then R3 with a cluster). */
    for (int p = 0; rc == 0 && p < plan.npasses; p++) {
        pass_opts[p] = tsd_plan_pass_opts(&plan, &opts, p);
        rc = setup(&ctx[p], &run, &pass_opts[p], &err);
        if (rc == 0)
            rc = measure(&ctx[p], &build_ns[p], &err);
        if (rc == 0 && wants_failover(&ctx[p]))
            rc = tsd_failover_run(&ctx[p], (uint64_t)opts.failover_count, &fo, &err);
    }
    if (rc == 0)
        rc = tsd_crash_run(&ctx[0], &crash, &err);
    if (rc == 0 && plan.npasses == 2)
        tsd_replicas_annotate(&ctx[1].report, &ctx[0].report);
    /* Rows are written even when the run failed: a case whose check failed
     * is there with verified=no, after the cases measured before it. */
    for (int p = 0; p < plan.npasses; p++) {
        nx_err ignore;
        if (ctx[p].run != NULL &&
            tsd_report_write(&ctx[p].report, run.results, (size_t)opts.base.payload,
                             rc == 0 ? &err : &ignore) != 0 &&
            rc == 0)
            rc = -1;
    }
    if (rc == 0) {
        for (int p = 0; p < plan.npasses; p++)
            report(&ctx[p], build_ns[p], started);
        report_beyond(&plan, ctx, &fo, &run);
        if (!opts.base.quiet)
            tsd_crash_print(stdout, &crash);
    }
    /* Its row is written (verified=no) before the run fails. */
    if (rc == 0 && fo.count > 0 && !fo.verified)
        rc = nx_fail(&err, "%s", fo.why);
    /* A server that died under the run is the cause; say that. */
    nx_watchdog_stop(rc != 0 ? &err : NULL);
    if (rc != 0)
        fprintf(stderr, usage ? "%s\n" : "tsd: %s\n", err.msg);

    for (int p = 0; p < TSD_PASSES_MAX; p++) {
        tsd_report_free(&ctx[p].report);
        tsd_series_free(&ctx[p].series);
    }
    if (opened)
        nx_run_close(&run);
    nats_Close();
    return rc == 0 ? 0 : usage ? NX_EXIT_USAGE : 1;
}
