#include "tsd_persist.h"

#include <stdio.h>

#include "nx_version.h"
#include "tsd_batch.h"
#include "tsd_insert_cases.h"
#include "tsd_jsapi_stream.h"

static int persist_stream(tsd_ctx *ctx, const void *arg, nx_err *err)
{
    (void)arg;
    tsd_stream_extra x = {.persist_mode = "async"};
    return tsd_jsapi_stream_fresh(ctx, &x, err);
}

int tsd_persist_async_run(tsd_ctx *ctx, long repeat, nx_err *err)
{
    const tsd_opts *o = ctx->opts;
    if (!tsd_server_has(ctx, NX_FEAT_PERSIST_ASYNC, repeat, "persist_mode: async"))
        return 0;
    if (o->base.replicas > 1) {
        if (repeat == 0 && !o->base.quiet)
            printf("persist_mode: async: not measured on R%ld (R1 only: an ack before the write "
                   "would no longer mean a quorum holds the point)\n",
                   o->base.replicas);
        return 0;
    }
    char name[96];
    snprintf(name, sizeof name, "js_PublishAsync w=%ld, persist_mode: async", o->variant_window);
    tsd_insert_spec spec = {
        .op = "js_publish_persist_async",
        .name = name,
        .note = "stream persist_mode: async (acked before the write, R1 only); "
                "js_PublishAsync with an AckHandler checking every ack",
        .how = {.method = TSD_PUB_ASYNC, .window = o->variant_window, .ack_handler = true},
        .count = (uint64_t)o->base.count,
        .make_stream = persist_stream,
    };
    tsd_load load;
    return tsd_insert_spec_run(ctx, &spec, &load, err);
}
