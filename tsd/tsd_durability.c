#include "tsd_durability.h"

#include <stdio.h>
#include <string.h>

#include "nx_conn.h"
#include "nx_version.h"
#include "tsd_insert_cases.h"
#include "tsd_summary.h"

#define MAIN_ASYNC "js_PublishAsync w="

/* The js_PublishAsync window that was fastest on the default server so far
 * (0: none measured). */
static long best_window(const tsd_report *r)
{
    const tsd_case *best = tsd_best_async(r, true);
    long w = 0;
    if (best == NULL || sscanf(best->name, MAIN_ASYNC "%ld", &w) != 1)
        return 0;
    return w;
}

/* A deployment of its own: one spawned server with sync_interval: always,
 * the same binary, and a connection to it. Only what the cases use of a
 * run is set: urls, connection, JetStream context, server (for CPU). */
static int open_always(const nx_run *main, nx_run *alt, nx_err *err)
{
    *alt = *main;
    alt->server = NULL;
    alt->nc = NULL;
    alt->js = NULL;
    memset(&alt->cluster, 0, sizeof alt->cluster);
    nx_server_config cfg;
    nx_server_config_init(&cfg);
    cfg.binary = main->opts.nats_server;
    cfg.keep = main->opts.keep;
    cfg.sync_interval = "always";
    if (nx_server_start(&alt->server, &cfg, err) != 0)
        return nx_fail_wrap(err, "the sync_interval: always server: ");
    snprintf(alt->urls, sizeof alt->urls, "%s", nx_server_url(alt->server));
    if (nx_connect(&alt->nc, alt->urls, "tsd-always", err) != 0 ||
        nx_jetstream(&alt->js, alt->nc, NULL, 10000, err) != 0)
        return -1;
    return 0;
}

static void close_always(nx_run *alt)
{
    if (alt->js)
        jsCtx_Destroy(alt->js);
    if (alt->nc)
        natsConnection_Destroy(alt->nc);
    nx_server_destroy(alt->server);
}

static int run_cases(tsd_ctx *alt, long window, nx_err *err)
{
    const tsd_opts *o = alt->opts;
    char sync_name[96], async_name[96];
    snprintf(sync_name, sizeof sync_name, "js_Publish, every ack checked%s", TSD_ALWAYS_SUFFIX);
    snprintf(async_name, sizeof async_name, MAIN_ASYNC "%ld%s", window, TSD_ALWAYS_SUFFIX);
    tsd_insert_spec specs[] = {
        {.op = "js_publish_sync",
         .name = sync_name,
         .note = "as js_publish_sync, on a server of its own started with sync_interval: always "
                 "(an fsync per write before the ack)",
         .how = {.method = TSD_PUB_SYNC},
         .count = (uint64_t)tsd_opts_sync_count(o)},
        {.op = "js_publish_async",
         .name = async_name,
         .note = "the best js_PublishAsync window so far, ack handler on, on a server started "
                 "with sync_interval: always; --sync-count points (an fsync per write makes it "
                 "about as slow as js_Publish)",
         .how = {.method = TSD_PUB_ASYNC, .window = window, .ack_handler = true},
         .count = (uint64_t)tsd_opts_sync_count(o)},
    };
    size_t n = window > 0 ? 2 : 1;
    tsd_load load;
    for (size_t i = 0; i < n; i++)
        if (tsd_insert_spec_run(alt, &specs[i], &load, err) != 0)
            return -1;
    return tsd_stream_drop(alt, err);
}

int tsd_durability_run(tsd_ctx *ctx, long repeat, nx_err *err)
{
    const char *version = ctx->run->server_version;
    bool quiet = ctx->opts->base.quiet || repeat > 0;
    if (!nx_version_has(version, NX_FEAT_SYNC_INTERVAL)) {
        char line[160];
        if (!quiet)
            printf("sync_interval: always: not measured (%s)\n",
                   nx_feature_missing_line(NX_FEAT_SYNC_INTERVAL, version, line, sizeof line));
        return 0;
    }
    if (ctx->run->server == NULL) {
        if (!quiet)
            printf("sync_interval: always: not measured (it spawns a server of its own: not with "
                   "--url or --cluster)\n");
        return 0;
    }
    nx_run alt_run;
    int rc = open_always(ctx->run, &alt_run, err);
    if (rc == 0) {
        /* The cases add to this run's report: work on a copy of the
         * context pointed at the other server, then take its report back. */
        tsd_ctx alt = *ctx;
        alt.run = &alt_run;
        rc = run_cases(&alt, best_window(&ctx->report), err);
        ctx->report = alt.report;
        ctx->next_seed = alt.next_seed;
    }
    close_always(&alt_run);
    return rc;
}
