#include "tsd_retention.h"

#include <stdio.h>

#include "nx_stats.h"
#include "nx_wait.h"

#include "tsd_cpu.h"
#include "tsd_publish.h"
#include "tsd_read.h"
#include "tsd_stream_group.h"

#define RETENTION_SERIES_MAX 10
#define RETENTION_WINDOW 4096
#define RETENTION_SETTLE_MS 30000
/* How long a replicated stream's reads may lag its removals (--url: no
 * per-server view to wait on) before a mismatch counts. */
#define RETENTION_REREAD_MS 5000
#define RETENTION_REREAD_PAUSE_MS 200

/* Reads what the retention limit kept. On R3 the consumer may sit on a
 * follower that applies the leader's removals a moment later: with a
 * spawned cluster tsd_stream_wait_settled waits on every copy first, but
 * against --url it cannot see them, so a read that still finds dropped
 * points is repeated until RETENTION_REREAD_MS have passed; a limit that
 * really keeps too much (or too little) fails every read. */
static int read_kept(tsd_ctx *ctx, const tsd_load *kept, int64_t *read_ns, nx_err *err)
{
    int64_t deadline = nx_now_ns() + (int64_t)RETENTION_REREAD_MS * 1000000;
    for (;;) {
        int rc = tsd_read_all(ctx, TSD_READ_PULL_NONE, kept, NULL, read_ns, err);
        if (rc == 0 || ctx->opts->base.replicas < 2 || nx_now_ns() >= deadline)
            return rc;
        nx_sleep_ms(RETENTION_REREAD_PAUSE_MS);
    }
}

int tsd_retention_run(tsd_ctx *ctx, nx_err *err)
{
    const tsd_opts *o = ctx->opts;
    uint64_t limit = (uint64_t)o->retention;
    uint32_t series = o->series < RETENTION_SERIES_MAX ? (uint32_t)o->series : RETENTION_SERIES_MAX;
    tsd_load load = {
        .gen = {.seed = tsd_ctx_case_seed(ctx),
                .series = series,
                .data_len = (size_t)o->base.payload},
        .first_g = 0,
        .count = 10 * limit * series,
        .seq_base = 1,
    };
    char name[96];
    snprintf(name, sizeof name, "max %llu per subject, %u series x %llu points",
             (unsigned long long)limit, series, (unsigned long long)(10 * limit));
    tsd_case *c = tsd_ctx_case(ctx, "retention_per_subject", name, load.count, err);
    if (c == NULL || tsd_stream_fresh(ctx, (int64_t)limit, err) != 0)
        return -1;
    snprintf(c->note, sizeof c->note,
             "js_PublishAsync window %d with ack handler; read back: exactly the newest %llu "
             "points of each series, in order",
             RETENTION_WINDOW, (unsigned long long)limit);
    tsd_clock clock = {0};
    tsd_pub how = {.method = TSD_PUB_ASYNC,
                   .window = RETENTION_WINDOW,
                   .ack_handler = true,
                   .label = "retention"};
    nx_hist *lat = nx_hist_new();
    int64_t elapsed = 0;
    int rc = lat ? tsd_publish(ctx, &how, &load, &clock, lat, &elapsed, err)
                 : nx_fail(err, "out of memory");
    if (rc == 0) {
        /* What must remain: the last L points of every series, which in
         * write order are the last L x series points. */
        uint64_t keep = o->fault == TSD_FAULT_RETENTION ? limit + 1 : limit;
        tsd_load kept = load;
        kept.first_g = (10 * limit - keep) * series;
        kept.count = keep * series;
        int64_t read_ns = 0;
        /* On R3 the reading consumer may sit on a follower that has not
         * applied the last removals yet (it then delivers points the leader
         * already dropped): read once every copy has caught up. */
        bool current = true;
        char why[200] = "";
        if (o->base.replicas > 1)
            rc = tsd_stream_wait_settled(ctx->run->js, &ctx->run->cluster, ctx->stream, kept.count,
                                         RETENTION_SETTLE_MS, &current, why, sizeof why, err);
        if (rc == 0 && !current)
            rc = nx_fail(err, "retention: the R%ld stream did not settle within %d s: %s",
                         o->base.replicas, RETENTION_SETTLE_MS / 1000, why);
        if (rc == 0)
            rc = read_kept(ctx, &kept, &read_ns, err);
        if (rc != 0)
            nx_fail_wrap(err, "retention (max %llu per subject): ", (unsigned long long)limit);
        /* Written, so it counts, verified or not. */
        nx_err ignore;
        if (tsd_case_add(c, elapsed, lat, rc ? &ignore : err) == 0)
            tsd_case_checked(c, rc == 0);
        else
            rc = -1;
    }
    nx_hist_free(lat);
    return rc;
}
