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
#include "tsd_insert_cases.h"
#include "tsd_opts.h"
#include "tsd_read_cases.h"
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
    tsd_ctx ctx = {0};
    tsd_crash_result crash = {0};
    double build_ns = -1;
    int rc = nx_run_open(&run, "tsd", &opts.base, &err);
    bool opened = rc == 0;
    if (rc == 0)
        rc = nx_watchdog_start("tsd", &err);
    if (rc == 0)
        nx_watchdog_watch(run.server, "the nats-server");
    if (rc == 0)
        rc = setup(&ctx, &run, &opts, &err);
    if (rc == 0)
        rc = measure(&ctx, &build_ns, &err);
    if (rc == 0)
        rc = tsd_crash_run(&ctx, &crash, &err);
    if (rc == 0)
        rc = tsd_report_write(&ctx.report, run.results, (size_t)opts.base.payload, &err);
    /* A server that died under the run is the cause; say that. */
    nx_watchdog_stop(rc != 0 ? &err : NULL);
    if (rc == 0) {
        report(&ctx, build_ns, started);
        if (!opts.base.quiet)
            tsd_crash_print(stdout, &crash);
    } else {
        fprintf(stderr, "tsd: %s\n", err.msg);
    }

    tsd_report_free(&ctx.report);
    tsd_series_free(&ctx.series);
    if (opened)
        nx_run_close(&run);
    nats_Close();
    return rc == 0 ? 0 : 1;
}
