#include "tsd_insert_cases.h"

#include <stdio.h>
#include <stdlib.h>

#include "tsd_cpu.h"
#include "tsd_publish.h"
#include "tsd_read.h"

#define IO_BUF_VARIANT (1 << 20)

typedef struct insert_case {
    const char *op;
    char name[96];
    const char *note;
    tsd_pub how;
    uint64_t count;
} insert_case;

static size_t list_cases(const tsd_opts *o, insert_case *out, size_t cap)
{
    uint64_t n = (uint64_t)o->base.count;
    uint64_t nsync = (uint64_t)tsd_opts_sync_count(o);
    long vw = o->variant_window;
    size_t k = 0;
    out[k++] = (insert_case){"core_publish_stored",
                             "core publish, timed until stored",
                             "core publishes on one connection, the last point with js_Publish; "
                             "the clock stops at its ack (every earlier point stored by then), "
                             "the stream's count checked afterwards",
                             {.method = TSD_PUB_CORE},
                             n};
    out[k++] = (insert_case){"js_publish_plain",
                             "bare js_Publish loop (yardstick)",
                             "build the point, js_Publish with no ack returned, nothing else",
                             {.method = TSD_PUB_PLAIN},
                             nsync};
    out[k++] = (insert_case){"js_publish_sync",
                             "js_Publish, every ack checked",
                             "each ack's stream sequence checked and its round trip timed",
                             {.method = TSD_PUB_SYNC},
                             nsync};
    for (size_t i = 0; i < o->nwindows && k < cap; i++) {
        insert_case c = {"js_publish_async",
                         "",
                         "jsOptions.PublishAsync.MaxPending = window; an "
                         "AckHandler checks every ack and times it from "
                         "its publish",
                         {.method = TSD_PUB_ASYNC, .window = o->windows[i], .ack_handler = true},
                         n};
        snprintf(c.name, sizeof c.name, "js_PublishAsync w=%ld", o->windows[i]);
        out[k++] = c;
    }
    const struct {
        const char *fmt;
        const char *note;
        tsd_pub how;
    } variants[] = {
        {"js_PublishAsync w=%ld, no ack handler",
         "the library drops acks unread (errors too); checked only by the read-back",
         {.method = TSD_PUB_ASYNC, .ack_handler = false}},
        {"js_PublishAsync w=%ld, 1 MiB IO buffer",
         "ack handler on; a connection of its own with natsOptions_SetIOBufSize(1 MiB)",
         {.method = TSD_PUB_ASYNC, .ack_handler = true, .io_buf = IO_BUF_VARIANT}},
        {"inbox pipeline w=%ld",
         "core publish with one reply inbox, acks read by the publishing thread and checked "
         "in order (no js_PublishAsync)",
         {.method = TSD_PUB_PIPELINE}},
        {"inbox pipeline w=%ld, acks on 2nd connection",
         "as the inbox pipeline, with the inbox subscribed on a second connection",
         {.method = TSD_PUB_PIPELINE, .ack_conn = true}},
    };
    for (size_t i = 0; i < sizeof variants / sizeof *variants && k < cap; i++) {
        insert_case c = {"js_publish_async", "", variants[i].note, variants[i].how, n};
        c.how.window = vw;
        snprintf(c.name, sizeof c.name, variants[i].fmt, vw);
        out[k++] = c;
    }
    return k;
}

/* What the checks compare against: the model, corrupted on request. */
static tsd_load checked_model(const tsd_ctx *ctx, const tsd_load *load)
{
    tsd_load m = *load;
    if (ctx->opts->fault == TSD_FAULT_PAYLOAD)
        m.gen.seed ^= 1;
    if (ctx->opts->fault == TSD_FAULT_COUNT)
        m.count++;
    return m;
}

static int run_case(tsd_ctx *ctx, const insert_case *ic, tsd_load *load, nx_err *err)
{
    tsd_insert_spec spec = {
        .op = ic->op, .name = ic->name, .note = ic->note, .how = ic->how, .count = ic->count};
    return tsd_insert_spec_run(ctx, &spec, load, err);
}

int tsd_insert_spec_run(tsd_ctx *ctx, const tsd_insert_spec *ic, tsd_load *load, nx_err *err)
{
    tsd_case *c = tsd_ctx_case(ctx, ic->op, ic->name, ic->count, err);
    if (c == NULL ||
        (ic->make_stream ? ic->make_stream(ctx, ic->arg, err) : tsd_stream_fresh(ctx, 0, err)) != 0)
        return -1;
    snprintf(c->note, sizeof c->note, "%s", ic->note);
    *load = (tsd_load){.gen = tsd_ctx_gen(ctx), .first_g = 0, .count = ic->count, .seq_base = 1};
    tsd_clock clock = {0};
    tsd_pub how = ic->how;
    how.label = ic->name;
    nx_hist *lat = nx_hist_new();
    if (lat == NULL)
        return nx_fail(err, "out of memory");
    tsd_cpu before, after;
    tsd_cpu_now(ctx->run, &before);
    int64_t elapsed = 0;
    int rc = ic->publish ? ic->publish(ctx, &how, ic->arg, load, &clock, lat, &elapsed, err)
                         : tsd_publish(ctx, &how, load, &clock, lat, &elapsed, err);
    tsd_cpu_now(ctx->run, &after);
    /* A case that wrote its points counts with the outcome of the read-back
     * (verified=no when it failed); one that could not write does not. */
    if (rc == 0) {
        tsd_load model = checked_model(ctx, load);
        int64_t read_ns = 0;
        int checked = tsd_read_all(ctx, TSD_READ_PULL_NONE, &model, NULL, &read_ns, err);
        nx_err ignore;
        rc = tsd_case_add(c, elapsed, nx_hist_count(lat) ? lat : NULL, checked ? &ignore : err);
        if (rc == 0) {
            tsd_case_checked(c, checked == 0);
            tsd_cpu d = tsd_cpu_delta(&before, &after);
            tsd_case_add_cpu(c, d.self_s, d.servers_s);
        }
        if (checked != 0)
            rc = -1;
    }
    if (rc != 0)
        nx_fail_wrap(err, "%s (%s): ", ic->op, ic->name);
    nx_hist_free(lat);
    return rc;
}

int tsd_inserts_run(tsd_ctx *ctx, long repeat, tsd_load *last, nx_err *err)
{
    insert_case cases[8 + NX_LIST_MAX];
    size_t n = list_cases(ctx->opts, cases, sizeof cases / sizeof *cases);
    /* The yardstick and js_publish_sync swap places every other repeat, so
     * neither always runs on a warmer (or busier) machine. */
    if (repeat % 2 == 1) {
        insert_case tmp = cases[1];
        cases[1] = cases[2];
        cases[2] = tmp;
    }
    for (size_t i = 0; i < n; i++)
        if (run_case(ctx, &cases[i], last, err) != 0)
            return -1;
    return 0;
}

double tsd_build_ns_per_point(const tsd_ctx *ctx)
{
    tsd_load load = {
        .gen = {.seed = 1,
                .series = (uint32_t)ctx->opts->series,
                .data_len = (size_t)ctx->opts->base.payload},
        .count = (uint64_t)ctx->opts->base.count,
    };
    tsd_clock clock = {0};
    tsd_writer w;
    nx_err err;
    if (tsd_writer_open(&w, &load, &ctx->series, &clock, NULL, &err) != 0)
        return -1;
    /* Keeps the compiler from dropping the work. */
    volatile unsigned sink = 0;
    int64_t t0 = nx_now_ns();
    for (uint64_t g = 0; g < load.count; g++)
        sink += (unsigned char)tsd_writer_point(&w, g)[0] + w.buf[w.len - 1];
    int64_t ns = nx_now_ns() - t0;
    (void)sink;
    tsd_writer_close(&w);
    return load.count ? (double)ns / (double)load.count : 0;
}
