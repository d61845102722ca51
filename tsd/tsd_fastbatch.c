/* Fast-ingest batch publishing (ADR-50, nats-server 2.14+). The batch lives
 * in each point's reply subject,
 *   <inbox>.<flow>.<gap>.<batch seq>.<op>.$FI
 * (the inbox being "_INBOX.<id>", prefix and batch id in one; op 0 starts,
 * 1 appends, 2 commits and stores the point), and everything the server
 * says comes back on <inbox>.>, read by the publishing thread:
 *   - flow acks {"type":"ack","seq":S,"msgs":N} (ADR-50 says ack_msgs):
 *     points up to S persisted, the next ack after N more (N the server's
 *     choice, at most the initial flow; the first answer has S = 0);
 *   - gap messages {"last_seq":A,"seq":B}: points A+1..B-1 never arrived;
 *   - errors {"error":{...}} without "batch";
 *   - the PubAck {"batch":id,"count":C,"seq":stream seq} that ends it.
 * Gap mode is "fail": a gap ends the batch, so every point is in order or
 * the case fails. Gaps and errors are counted and fail the case; never
 * skipped. The publisher waits whenever `outstanding` flow acks are due. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nx_conn.h"
#include "nx_progress.h"
#include "nx_sub.h"
#include "nx_version.h"
#include "tsd_batch.h"
#include "tsd_fastack.h"
#include "tsd_insert_cases.h"
#include "tsd_jsapi_stream.h"

#define ACK_WAIT_MS 30000
#define OP "js_publish_fast_batch"

typedef struct fast_arg {
    long flow, outstanding;
} fast_arg;

typedef struct fast_pub {
    natsConnection *nc;
    natsSubscription *sub;
    const tsd_load *load;
    const char *inbox;
    uint64_t acked; /* highest batch sequence a flow ack covered */
    uint64_t flow;  /* the server's current ack_msgs */
    uint64_t flow_min, flow_max;
    uint64_t flow_acks, gaps, lost, errors;
    char first_error[160];
    bool done; /* the PubAck came */
    double final_count, final_seq;
    char final_batch[80];
    int64_t *sent_ns; /* ring by batch sequence */
    uint64_t mask;
    nx_hist *lat;
} fast_pub;

static void note_error(fast_pub *fp, const char *what)
{
    fp->errors++;
    if (fp->first_error[0] == '\0')
        snprintf(fp->first_error, sizeof fp->first_error, "%s", what);
}

static void on_message(fast_pub *fp, const tsd_fast_msg *m, const char *data, int len)
{
    switch (m->kind) {
    case TSD_FAST_PUBACK:
        /* The end of the batch, with or without an error. */
        if (m->has_error)
            note_error(fp, m->error);
        fp->done = true;
        fp->final_count = (double)m->count;
        fp->final_seq = (double)m->seq;
        snprintf(fp->final_batch, sizeof fp->final_batch, "%s", m->batch);
        return;
    case TSD_FAST_ERROR:
        note_error(fp, m->error);
        /* Before the first flow ack an error ends the batch: the stream
         * refused it. */
        fp->done |= fp->flow == 0;
        return;
    case TSD_FAST_GAP:
        /* Informational and possibly out of order: no flow update. */
        fp->gaps++;
        fp->lost += tsd_fast_lost(m);
        return;
    case TSD_FAST_UNKNOWN: {
        char what[160];
        snprintf(what, sizeof what, "a reply tsd does not know: %.*s", len > 100 ? 100 : len, data);
        note_error(fp, what);
        return;
    }
    case TSD_FAST_FLOW:
        break;
    }
    fp->flow_acks++;
    /* A lost ack is covered by the next one. */
    if (m->seq > fp->acked) {
        fp->acked = m->seq;
        if (fp->lat)
            nx_hist_record(fp->lat, nx_now_ns() - fp->sent_ns[fp->acked & fp->mask]);
    }
    fp->flow = m->msgs;
    if (fp->flow_min == 0 || fp->flow < fp->flow_min)
        fp->flow_min = fp->flow;
    if (fp->flow > fp->flow_max)
        fp->flow_max = fp->flow;
}

/* Reads one message from the inbox (waiting at most wait_ms). */
static int take(fast_pub *fp, int64_t wait_ms, nx_err *err)
{
    natsMsg *m = NULL;
    natsStatus s = natsSubscription_NextMsg(&m, fp->sub, wait_ms);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, 0, "waiting for a fast-batch ack (acked up to %llu)",
                            (unsigned long long)fp->acked);
    tsd_fast_msg fm;
    tsd_fast_parse(natsMsg_GetData(m), (size_t)natsMsg_GetDataLength(m), &fm);
    on_message(fp, &fm, natsMsg_GetData(m), natsMsg_GetDataLength(m));
    natsMsg_Destroy(m);
    return 0;
}

/* Whatever already arrived, without waiting. */
static int drain(fast_pub *fp, nx_err *err)
{
    int pending = 0;
    while (natsSubscription_GetPending(fp->sub, &pending, NULL) == NATS_OK && pending > 0)
        if (take(fp, ACK_WAIT_MS, err) != 0)
            return -1;
    return 0;
}

static int send_point(fast_pub *fp, tsd_writer *w, const fast_arg *a, uint64_t k, int op,
                      nx_err *err)
{
    uint64_t g = w->load->first_g + k - 1;
    const char *subject = tsd_writer_point(w, g);
    char reply[160];
    snprintf(reply, sizeof reply, "%s.%ld.fail.%llu.%d.$FI", fp->inbox, a->flow,
             (unsigned long long)k, op);
    fp->sent_ns[k & fp->mask] = nx_now_ns();
    natsStatus s =
        natsConnection_PublishRequest(fp->nc, subject, reply, (const char *)w->buf, (int)w->len);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, 0, "publishing point %llu", (unsigned long long)g);
    return 0;
}

static int run_batch(tsd_ctx *ctx, const tsd_pub *how, fast_pub *fp, tsd_writer *w,
                     const fast_arg *a, int64_t *elapsed_ns, nx_err *err)
{
    uint64_t n = w->load->count;
    nx_progress p;
    nx_progress_start(&p, how->label, n, ctx->opts->base.quiet);
    int64_t t0 = nx_now_ns();
    /* The first point waits for the server's answer: the feature is on,
     * and the flow it allows to start with. */
    int rc = send_point(fp, w, a, 1, n == 1 ? 2 : 0, err);
    while (rc == 0 && fp->flow == 0 && !fp->done)
        rc = take(fp, ACK_WAIT_MS, err);
    uint64_t k = 2;
    for (; k < n && rc == 0 && !fp->done; k++) {
        rc = send_point(fp, w, a, k, 1, err);
        if (rc == 0)
            rc = drain(fp, err);
        while (rc == 0 && !fp->done && fp->acked + fp->flow * (uint64_t)a->outstanding <= k)
            rc = take(fp, ACK_WAIT_MS, err);
        nx_progress_update(&p, k);
    }
    if (rc == 0 && !fp->done && n > 1)
        rc = send_point(fp, w, a, n, 2, err);
    while (rc == 0 && !fp->done)
        rc = take(fp, ACK_WAIT_MS, err);
    *elapsed_ns = nx_now_ns() - t0;
    nx_progress_end(&p);
    return rc;
}

static int check_end(const fast_pub *fp, const tsd_load *l, nx_err *err)
{
    if (fp->errors > 0)
        return nx_fail(err, "%llu error(s) from the server, the first: %s",
                       (unsigned long long)fp->errors, fp->first_error);
    if (fp->gaps > 0)
        return nx_fail(err, "%llu gap(s) reported, %llu points lost", (unsigned long long)fp->gaps,
                       (unsigned long long)fp->lost);
    uint64_t want_seq = l->first_g + l->count - 1 + l->seq_base;
    const char *id = strrchr(fp->inbox, '.') + 1;
    if (strcmp(fp->final_batch, id) != 0)
        return nx_fail(err, "the final ack names batch '%s', expected '%s'", fp->final_batch, id);
    if (fp->final_count != (double)l->count)
        return nx_fail(err, "the final ack counts %.0f points, %llu were sent", fp->final_count,
                       (unsigned long long)l->count);
    if (fp->final_seq != (double)want_seq)
        return nx_fail(err, "the final ack is at stream sequence %.0f, expected %llu",
                       fp->final_seq, (unsigned long long)want_seq);
    return 0;
}

static void add_note(tsd_ctx *ctx, const tsd_pub *how, const fast_pub *fp)
{
    tsd_case *c = (tsd_case *)tsd_report_find(&ctx->report, OP, how->label);
    if (c == NULL)
        return;
    size_t len = strlen(c->note);
    snprintf(c->note + len, sizeof c->note - len,
             "; %llu flow acks, the server's ack every %llu..%llu; %llu gaps, %llu errors",
             (unsigned long long)fp->flow_acks, (unsigned long long)fp->flow_min,
             (unsigned long long)fp->flow_max, (unsigned long long)fp->gaps,
             (unsigned long long)fp->errors);
}

static int open_inbox(fast_pub *fp, natsInbox **inbox, nx_err *err)
{
    char filter[128];
    natsStatus s = natsInbox_Create(inbox);
    if (s == NATS_OK) {
        fp->inbox = *inbox;
        snprintf(filter, sizeof filter, "%s.>", fp->inbox);
        s = natsConnection_SubscribeSync(&fp->sub, fp->nc, filter);
    }
    if (s == NATS_OK)
        s = natsSubscription_SetPendingLimits(fp->sub, -1, -1);
    return s == NATS_OK ? 0 : nx_nats_fail(err, s, 0, "subscribing to the fast-batch inbox");
}

static int publish_fast(tsd_ctx *ctx, const tsd_pub *how, const void *arg, tsd_load *load,
                        tsd_clock *clock, nx_hist *lat, int64_t *elapsed_ns, nx_err *err)
{
    const fast_arg *a = arg;
    uint64_t ring = 1;
    while (ring < (uint64_t)a->flow * (uint64_t)(a->outstanding + 1) + 2)
        ring <<= 1;
    fast_pub fp = {.nc = ctx->run->nc, .load = load, .lat = lat, .mask = ring - 1};
    fp.sent_ns = calloc(ring, sizeof *fp.sent_ns);
    if (fp.sent_ns == NULL)
        return nx_fail(err, "out of memory");
    tsd_writer w;
    if (tsd_writer_open(&w, load, &ctx->series, clock, how->probes, err) != 0) {
        free(fp.sent_ns);
        return -1;
    }
    natsInbox *inbox = NULL;
    int rc = open_inbox(&fp, &inbox, err);
    if (rc == 0)
        rc = run_batch(ctx, how, &fp, &w, a, elapsed_ns, err);
    if (rc == 0)
        rc = check_end(&fp, load, err);
    add_note(ctx, how, &fp);
    load->t_min = w.first_t;
    load->t_max = w.last_t;
    nx_sub_close(fp.nc, fp.sub);
    natsInbox_Destroy(inbox);
    tsd_writer_close(&w);
    free(fp.sent_ns);
    return rc;
}

static int fast_stream(tsd_ctx *ctx, const void *arg, nx_err *err)
{
    (void)arg;
    tsd_stream_extra x = {.allow_batched = true};
    return tsd_jsapi_stream_fresh(ctx, &x, err);
}

int tsd_fast_batch_run(tsd_ctx *ctx, long repeat, nx_err *err)
{
    const tsd_opts *o = ctx->opts;
    if (!tsd_server_has(ctx, NX_FEAT_FAST_BATCH, repeat, "fast-ingest batch publish"))
        return 0;
    for (size_t i = 0; i < o->nfast_flows; i++) {
        fast_arg a = {.flow = o->fast_flows[i], .outstanding = o->fast_outstanding};
        char name[96];
        snprintf(name, sizeof name, "fast batch, flow %ld, %ld acks outstanding", a.flow,
                 a.outstanding);
        tsd_insert_spec spec = {
            .op = OP,
            .name = name,
            .note = "stream allow_batched; the whole case one batch told in reply subjects "
                    "(ADR-50, gap mode fail); flow acks, gaps and errors read by the publisher, "
                    "the final PubAck's count and seq checked; p50 = point to the flow ack "
                    "covering it",
            .how = {.method = TSD_PUB_PIPELINE, .window = a.flow},
            .count = (uint64_t)o->base.count,
            .make_stream = fast_stream,
            .publish = publish_fast,
            .arg = &a,
        };
        tsd_load load;
        if (tsd_insert_spec_run(ctx, &spec, &load, err) != 0)
            return -1;
    }
    return 0;
}
