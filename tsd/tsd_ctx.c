#include "tsd_ctx.h"

#include "nx_stream.h"

uint64_t tsd_ctx_case_seed(tsd_ctx *ctx)
{
    /* An odd step visits every 64-bit value before repeating. */
    ctx->next_seed += 0x9e3779b97f4a7c15ULL;
    return ctx->next_seed;
}

tsd_gen tsd_ctx_gen(tsd_ctx *ctx)
{
    return (tsd_gen){.seed = tsd_ctx_case_seed(ctx),
                     .series = (uint32_t)ctx->opts->series,
                     .data_len = (size_t)ctx->opts->base.payload};
}

tsd_case *tsd_ctx_case(tsd_ctx *ctx, const char *op, const char *name, uint64_t count, nx_err *err)
{
    tsd_case *c = tsd_report_case(&ctx->report, op, name, "jetstream", count, err);
    if (c) {
        c->storage = ctx->opts->base.storage;
        c->replicas = (int)ctx->opts->base.replicas;
    }
    return c;
}

int tsd_stream_fresh(tsd_ctx *ctx, int64_t max_per_subject, nx_err *err)
{
    if (tsd_stream_drop(ctx, err) != 0)
        return -1;
    nx_stream_spec spec;
    nx_stream_spec_init(&spec, ctx->stream);
    spec.subjects[spec.nsubjects++] = ctx->filter;
    spec.storage = nx_storage_type(ctx->opts->base.storage);
    spec.replicas = (int)ctx->opts->base.replicas;
    spec.max_msgs_per_subject = max_per_subject;
    return nx_stream_create(ctx->run->js, &spec, err);
}

int tsd_stream_drop(tsd_ctx *ctx, nx_err *err)
{
    return nx_stream_delete(ctx->run->js, ctx->stream, true, err);
}
