#include "tsd_read.h"

#include "nx_conn.h"
#include "nx_progress.h"
#include "nx_stream.h"
#include "nx_sub.h"
#include "tsd_digest.h"
#include "tsd_jsmeta.h"
#include "tsd_time_consumer.h"

/* Longest wait for one fetch or message: far above any healthy delivery, so
 * only a stalled consumer reaches it. */
#define READ_TIMEOUT_MS 10000

const char *tsd_read_op(tsd_read_method m)
{
    switch (m) {
    case TSD_READ_PULL_NONE:
        return "read_pull_ack_none";
    case TSD_READ_PULL_ALL:
        return "read_pull_ack_all";
    case TSD_READ_ORDERED:
        return "read_ordered";
    }
    return "?";
}

static int check_msg(tsd_check *c, natsMsg *m, nx_err *err)
{
    uint64_t seq = 0, pending = 0;
    if (!tsd_jsmeta_parse(natsMsg_GetReply(m), &seq, &pending))
        return nx_fail(err, "message %llu has no JetStream metadata (reply '%s')",
                       (unsigned long long)c->seen + 1,
                       natsMsg_GetReply(m) ? natsMsg_GetReply(m) : "");
    return tsd_check_next(c, seq, natsMsg_GetSubject(m), (const uint8_t *)natsMsg_GetData(m),
                          (size_t)natsMsg_GetDataLength(m), err);
}

static int subscribe_pull(tsd_ctx *ctx, bool ack_all, natsSubscription **sub, nx_err *err)
{
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = ctx->stream;
    so.Config.DeliverPolicy = js_DeliverAll;
    so.Config.AckPolicy = ack_all ? js_AckAll : js_AckNone;
    /* A fetch asking for more than max-ack-pending stalls until its timeout;
     * with the last batch acked before the next fetch, twice the batch is
     * always enough. */
    so.Config.MaxAckPending = 2 * ctx->opts->fetch_batch;
    so.Config.MaxRequestBatch = ctx->opts->fetch_batch;
    jsErrCode jerr = 0;
    natsStatus s = js_PullSubscribe(sub, ctx->run->js, ctx->filter, NULL, NULL, &so, &jerr);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, jerr, "creating a pull consumer on %s", ctx->stream);
    return 0;
}

static int read_pull(tsd_ctx *ctx, bool ack_all, tsd_check *c, nx_hist *lat, nx_progress *p,
                     nx_err *err)
{
    natsSubscription *sub = NULL;
    if (subscribe_pull(ctx, ack_all, &sub, err) != 0)
        return -1;
    int rc = 0;
    int batch = (int)ctx->opts->fetch_batch;
    while (rc == 0 && !tsd_check_complete(c)) {
        uint64_t left = c->load->count - c->seen;
        int want = left < (uint64_t)batch ? (int)left : batch;
        natsMsgList list = {0};
        jsErrCode jerr = 0;
        int64_t t0 = nx_now_ns();
        natsStatus s = natsSubscription_Fetch(&list, sub, want, READ_TIMEOUT_MS, &jerr);
        if (lat)
            nx_hist_record(lat, nx_now_ns() - t0);
        if (s != NATS_OK) {
            rc = nx_nats_fail(err, s, jerr, "fetch after %llu of %llu points",
                              (unsigned long long)c->seen, (unsigned long long)c->load->count);
            break;
        }
        for (int i = 0; i < list.Count && rc == 0; i++)
            rc = check_msg(c, list.Msgs[i], err);
        if (rc == 0 && ack_all && list.Count > 0) {
            s = natsMsg_Ack(list.Msgs[list.Count - 1], NULL);
            if (s != NATS_OK)
                rc = nx_nats_fail(err, s, 0, "acking a batch");
        }
        natsMsgList_Destroy(&list);
        nx_progress_update(p, c->seen);
    }
    nx_sub_close(ctx->run->nc, sub);
    return rc;
}

static int subscribe_ordered(tsd_ctx *ctx, natsSubscription **sub, nx_err *err)
{
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = ctx->stream;
    so.Ordered = true;
    so.Config.DeliverPolicy = js_DeliverAll;
    jsErrCode jerr = 0;
    natsStatus s = js_SubscribeSync(sub, ctx->run->js, ctx->filter, NULL, &so, &jerr);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, jerr, "creating an ordered consumer on %s", ctx->stream);
    return 0;
}

static int read_ordered(tsd_ctx *ctx, tsd_check *c, nx_progress *p, nx_err *err)
{
    natsSubscription *sub = NULL;
    if (subscribe_ordered(ctx, &sub, err) != 0)
        return -1;
    int rc = 0;
    while (rc == 0 && !tsd_check_complete(c)) {
        natsMsg *m = NULL;
        natsStatus s = natsSubscription_NextMsg(&m, sub, READ_TIMEOUT_MS);
        if (s != NATS_OK) {
            rc = nx_nats_fail(err, s, 0, "ordered consumer after %llu of %llu points",
                              (unsigned long long)c->seen, (unsigned long long)c->load->count);
            break;
        }
        rc = check_msg(c, m, err);
        natsMsg_Destroy(m);
        nx_progress_update(p, c->seen);
    }
    nx_sub_close(ctx->run->nc, sub);
    return rc;
}

typedef struct read_all_args {
    tsd_ctx *ctx;
    tsd_read_method m;
    const tsd_load *load;
    nx_hist *lat;
} read_all_args;

/* One read of the whole stream; *elapsed_ns < 0 when it did not get to the
 * end (nothing was measured). Only the digest read is timed into lat. */
static int read_once(void *arg, bool full, int64_t *elapsed_ns, bool *content_differs, nx_err *err)
{
    const read_all_args *a = arg;
    tsd_ctx *ctx = a->ctx;
    tsd_read_method m = a->m;
    const tsd_load *load = a->load;
    nx_hist *lat = full ? NULL : a->lat;
    *elapsed_ns = -1;
    *content_differs = false;
    tsd_check c;
    tsd_check_start(&c, load, &ctx->series, full);
    nx_progress p;
    nx_progress_start(&p, full ? "checking every byte" : tsd_read_op(m), load->count,
                      ctx->opts->base.quiet);
    int64_t t0 = nx_now_ns();
    int rc = m == TSD_READ_ORDERED ? read_ordered(ctx, &c, &p, err)
                                   : read_pull(ctx, m == TSD_READ_PULL_ALL, &c, lat, &p, err);
    if (rc == 0)
        *elapsed_ns = nx_now_ns() - t0;
    nx_progress_end(&p);
    if (rc == 0) {
        rc = tsd_check_finish(&c, err);
        *content_differs = c.content_differs;
    }
    return rc;
}

int tsd_read_all(tsd_ctx *ctx, tsd_read_method m, const tsd_load *load, nx_hist *lat,
                 int64_t *elapsed_ns, nx_err *err)
{
    *elapsed_ns = -1;
    nx_stream_state st;
    if (nx_stream_state_get(ctx->run->js, ctx->stream, &st, err) != 0)
        return -1;
    if (st.msgs != load->count)
        return nx_fail(err, "stream %s holds %llu points, the model expects %llu", ctx->stream,
                       (unsigned long long)st.msgs, (unsigned long long)load->count);
    read_all_args a = {.ctx = ctx, .m = m, .load = load, .lat = lat};
    if (tsd_digest_read(read_once, &a, "the read differs", "a second read", elapsed_ns, err) != 0)
        return nx_fail_wrap(err, "%s: ", tsd_read_op(m));
    return 0;
}

/* After a failed range query, says whether the point the model expected
 * next is stored at or after the start time: if so, the server started the
 * consumer late; if not, the server's clock is behind the writer's. The
 * range store is fresh, so point g sits at stream sequence g + 1. */
static void explain_range_failure(tsd_ctx *ctx, const tsd_range *q, const tsd_gen *gen,
                                  const tsd_range_rx *rx, nx_err *err)
{
    uint64_t i = q->any && rx->next <= q->last ? rx->next : q->after;
    if (i >= q->points)
        return;
    uint64_t seq = tsd_global(gen, q->series, i) + 1;
    natsMsg *m = NULL;
    if (js_GetMsg(&m, ctx->run->js, ctx->stream, seq, NULL, NULL) != NATS_OK)
        return;
    int64_t stored = natsMsg_GetTime(m);
    natsMsg_Destroy(m);
    if (stored >= q->start_ns)
        nx_fail_wrap(err,
                     "[point %llu, stream sequence %llu, was stored %.3f ms after the "
                     "start time: the consumer started late] ",
                     (unsigned long long)i, (unsigned long long)seq,
                     (double)(stored - q->start_ns) / 1e6);
    else
        nx_fail_wrap(err,
                     "[point %llu was stored %.3f ms before its own time: is the server's "
                     "clock behind this host's?] ",
                     (unsigned long long)i, (double)(q->start_ns - stored) / 1e6);
}

typedef struct query_args {
    tsd_ctx *ctx;
    const tsd_range *q;
    const tsd_gen *gen;
    tsd_range_rx rx;
    uint64_t skipped; /* by the digest query */
} query_args;

/* What the digest query leaves for the caller. */
static int query_done(query_args *a, bool full, bool *content_differs, int rc)
{
    if (!full)
        a->skipped = a->rx.skipped;
    *content_differs = a->rx.content_differs;
    return rc;
}

static int query_once(void *arg, bool full, int64_t *elapsed_ns, bool *content_differs, nx_err *err)
{
    query_args *a = arg;
    tsd_ctx *ctx = a->ctx;
    const tsd_range *q = a->q;
    const tsd_gen *gen = a->gen;
    tsd_range_rx *rx = &a->rx;
    *elapsed_ns = -1;
    tsd_range_rx_start(rx, q, gen, full);
    tsd_time_consumer tc;
    int64_t t0 = nx_now_ns();
    if (tsd_time_consumer_open(&tc, ctx->run->nc, ctx->stream, ctx->series.subject[q->series],
                               q->start_ns, err) != 0)
        return query_done(a, full, content_differs, -1);
    int rc = 0;
    /* Every planned range has a point at or after its start, so a query
     * always receives at least one message. */
    while (rc == 0 && !rx->done) {
        natsMsg *m = NULL;
        natsStatus s = natsSubscription_NextMsg(&m, tc.sub, READ_TIMEOUT_MS);
        if (s != NATS_OK) {
            rc = nx_nats_fail(err, s, 0, "range query on series %u after %llu points", q->series,
                              (unsigned long long)rx->got);
            break;
        }
        uint64_t seq = 0, pending = 0;
        if (!tsd_jsmeta_parse(natsMsg_GetReply(m), &seq, &pending))
            rc = nx_fail(err, "range query: a message without JetStream metadata");
        if (rc == 0)
            rc = tsd_range_rx_next(rx, (const uint8_t *)natsMsg_GetData(m),
                                   (size_t)natsMsg_GetDataLength(m), err);
        if (rc == 0 && !rx->done)
            rc = tsd_time_consumer_delivered(&tc, ctx->run->nc, m, err);
        natsMsg_Destroy(m);
        if (pending == 0)
            break;
    }
    if (rc == 0)
        *elapsed_ns = nx_now_ns() - t0;
    if (rc == 0)
        rc = tsd_range_rx_finish(rx, err);
    if (rc != 0 && !rx->content_differs)
        explain_range_failure(ctx, q, gen, rx, err);
    tsd_time_consumer_close(&tc, ctx->run->nc);
    return query_done(a, full, content_differs, rc);
}

int tsd_read_range(tsd_ctx *ctx, const tsd_range *q, const tsd_gen *gen, uint64_t *skipped,
                   int64_t *elapsed_ns, nx_err *err)
{
    query_args a = {.ctx = ctx, .q = q, .gen = gen};
    int rc = tsd_digest_read(query_once, &a, "the query's points differ", "the same query",
                             elapsed_ns, err);
    *skipped = a.skipped;
    return rc;
}
