#include "tsd_publish.h"

#include <stdlib.h>

#include "nx_conn.h"
#include "nx_progress.h"
#include "nx_stream.h"
#include "nx_wait.h"

/* JetStream error code of a publish refused while the stream's ingest
 * queue is full (nats-server 2.11+). */
#define TSD_JS_TOO_MANY_REQUESTS 10167

/* Core publishes carry no ack. The last point goes out with js_Publish on
 * the same connection instead: the server stores one connection's messages
 * to a stream in order, so that ack comes after every earlier point was
 * stored, and its stream sequence says whether any was dropped. The clock
 * stops at the ack; nothing polls the server while it ingests (polling would
 * slow down the ingest being measured). */
static int publish_core(tsd_ctx *ctx, tsd_writer *w, natsConnection *nc, jsCtx *js,
                        int64_t *elapsed_ns, nx_err *err)
{
    const tsd_load *l = w->load;
    nx_progress p;
    nx_progress_start(&p, "core publish", l->count, ctx->opts->base.quiet);
    uint64_t last = l->first_g + l->count - 1;
    int64_t t0 = nx_now_ns();
    for (uint64_t g = l->first_g; g < last; g++) {
        const char *subject = tsd_writer_point(w, g);
        natsStatus s = natsConnection_Publish(nc, subject, w->buf, (int)w->len);
        if (s != NATS_OK) {
            nx_progress_end(&p);
            return nx_nats_fail(err, s, 0, "core publish of point %llu", (unsigned long long)g);
        }
        nx_progress_update(&p, g - l->first_g + 1);
    }
    const char *subject = tsd_writer_point(w, last);
    jsPubOptions po;
    jsPubOptions_Init(&po);
    /* Assume no worse than 10k points/s before calling it lost. */
    po.MaxWait = 60000 + (int64_t)(l->count / 10);
    jsPubAck *pa = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_Publish(&pa, js, subject, w->buf, (int)w->len, &po, &jerr);
    /* 2.11+ answer "too many requests" while the stream's ingest queue is
     * full: the points ahead are still being stored, so ask again (a
     * point the full queue dropped shows in the sequence check below). */
    for (int64_t waited = 0;
         s != NATS_OK && jerr == TSD_JS_TOO_MANY_REQUESTS && waited < po.MaxWait; waited++) {
        nx_sleep_ms(1);
        jerr = 0;
        s = js_Publish(&pa, js, subject, w->buf, (int)w->len, &po, &jerr);
    }
    *elapsed_ns = nx_now_ns() - t0;
    nx_progress_end(&p);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, jerr, "core publishes: the js_Publish of the last point %llu",
                            (unsigned long long)last);
    uint64_t seq = pa->Sequence;
    jsPubAck_Destroy(pa);
    if (seq != last + l->seq_base)
        return nx_fail(err,
                       "core publishes: the last point was stored at stream sequence %llu, "
                       "expected %llu (the server dropped %lld core publishes)",
                       (unsigned long long)seq, (unsigned long long)(last + l->seq_base),
                       (long long)(last + l->seq_base) - (long long)seq);
    /* And the stream, read after the clock stopped, agrees. */
    nx_stream_state st;
    if (nx_stream_state_get(js, ctx->stream, &st, err) != 0)
        return -1;
    if (st.msgs != last + 1)
        return nx_fail(err, "core publishes: stream %s holds %llu points, expected %llu",
                       ctx->stream, (unsigned long long)st.msgs, (unsigned long long)(last + 1));
    return 0;
}

/* The yardstick: nothing but building the point and js_Publish. */
static int publish_plain(tsd_writer *w, jsCtx *js, int64_t *elapsed_ns, nx_err *err)
{
    const tsd_load *l = w->load;
    int64_t t0 = nx_now_ns();
    for (uint64_t k = 0; k < l->count; k++) {
        const char *subject = tsd_writer_point(w, l->first_g + k);
        jsErrCode jerr = 0;
        natsStatus s = js_Publish(NULL, js, subject, w->buf, (int)w->len, NULL, &jerr);
        if (s != NATS_OK)
            return nx_nats_fail(err, s, jerr, "js_Publish of point %llu",
                                (unsigned long long)(l->first_g + k));
    }
    *elapsed_ns = nx_now_ns() - t0;
    return 0;
}

/* What tsd reports as js_publish_sync: the same loop, plus each ack checked
 * (stream sequence) and timed, and the progress line. */
static int publish_sync(tsd_ctx *ctx, tsd_writer *w, jsCtx *js, nx_hist *lat, int64_t *elapsed_ns,
                        nx_err *err)
{
    const tsd_load *l = w->load;
    nx_progress p;
    nx_progress_start(&p, "js_Publish", l->count, ctx->opts->base.quiet);
    int rc = 0;
    int64_t t0 = nx_now_ns();
    for (uint64_t k = 0; k < l->count && rc == 0; k++) {
        uint64_t g = l->first_g + k;
        const char *subject = tsd_writer_point(w, g);
        jsPubAck *pa = NULL;
        jsErrCode jerr = 0;
        int64_t sent = nx_now_ns();
        natsStatus s = js_Publish(&pa, js, subject, w->buf, (int)w->len, NULL, &jerr);
        if (lat)
            nx_hist_record(lat, nx_now_ns() - sent);
        if (s != NATS_OK)
            rc = nx_nats_fail(err, s, jerr, "js_Publish of point %llu", (unsigned long long)g);
        else if (pa->Sequence != g + l->seq_base)
            rc = nx_fail(err,
                         "js_Publish of point %llu: acked at stream sequence %llu, expected "
                         "%llu",
                         (unsigned long long)g, (unsigned long long)pa->Sequence,
                         (unsigned long long)(g + l->seq_base));
        jsPubAck_Destroy(pa);
        nx_progress_update(&p, k + 1);
    }
    *elapsed_ns = nx_now_ns() - t0;
    nx_progress_end(&p);
    return rc;
}

int tsd_publish(tsd_ctx *ctx, const tsd_pub *how, tsd_load *load, tsd_clock *clock, nx_hist *lat,
                int64_t *elapsed_ns, nx_err *err)
{
    tsd_writer w;
    if (tsd_writer_open(&w, load, &ctx->series, clock, how->probes, err) != 0)
        return -1;
    natsConnection *own = NULL;
    if (how->io_buf > 0 &&
        nx_connect_io_buf(&own, ctx->run->urls, "tsd-publisher", how->io_buf, err) != 0) {
        tsd_writer_close(&w);
        return -1;
    }
    natsConnection *nc = own ? own : ctx->run->nc;
    jsCtx *js = ctx->run->js;
    int rc = 0;
    if (own && how->method != TSD_PUB_ASYNC && how->method != TSD_PUB_PIPELINE)
        rc = nx_jetstream(&js, own, NULL, 10000, err);
    if (rc == 0) {
        switch (how->method) {
        case TSD_PUB_CORE:
            rc = publish_core(ctx, &w, nc, js, elapsed_ns, err);
            break;
        case TSD_PUB_PLAIN:
            rc = publish_plain(&w, js, elapsed_ns, err);
            break;
        case TSD_PUB_SYNC:
            rc = publish_sync(ctx, &w, js, lat, elapsed_ns, err);
            break;
        case TSD_PUB_ASYNC:
            rc = tsd_publish_async(ctx, how, &w, nc, lat, elapsed_ns, err);
            break;
        case TSD_PUB_PIPELINE:
            rc = tsd_publish_pipeline(ctx, how, &w, nc, lat, elapsed_ns, err);
            break;
        }
    }
    load->t_min = w.first_t;
    load->t_max = w.last_t;
    if (js != ctx->run->js)
        jsCtx_Destroy(js);
    if (own)
        natsConnection_Destroy(own);
    tsd_writer_close(&w);
    return rc;
}
