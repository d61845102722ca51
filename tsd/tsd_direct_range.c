#include "tsd_direct_range.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nx_conn.h"
#include "nx_sub.h"
#include "nx_version.h"
#include "tsd_rfc3339.h"
#include "tsd_time_consumer.h"

#define READ_TIMEOUT_MS 30000
/* As many per request as the consumer's query keeps in flight. */
#define BATCH TSD_TIME_CONSUMER_WINDOW

typedef struct direct_query {
    tsd_ctx *ctx;
    const tsd_range *q;
    const tsd_gen *gen;
    uint64_t requests; /* over every query */
} direct_query;

static int allow_direct(tsd_ctx *ctx, nx_err *err)
{
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_GetStreamInfo(&si, ctx->run->js, ctx->stream, NULL, &jerr);
    if (s == NATS_OK && !si->Config->AllowDirect) {
        jsStreamInfo *up = NULL;
        si->Config->AllowDirect = true;
        s = js_UpdateStream(&up, ctx->run->js, si->Config, NULL, &jerr);
        jsStreamInfo_Destroy(up);
    }
    jsStreamInfo_Destroy(si);
    return s == NATS_OK ? 0 : nx_nats_fail(err, s, jerr, "allowing direct get on %s", ctx->stream);
}

static int request(direct_query *dq, const char *inbox, uint64_t from_seq, nx_err *err)
{
    const char *subject = dq->ctx->series.subject[dq->q->series];
    char body[512], when[48], api[128];
    int n;
    if (from_seq == 0) {
        if (tsd_rfc3339_ns(dq->q->start_ns, when, sizeof when) == 0)
            return nx_fail(err, "cannot format start time %lld", (long long)dq->q->start_ns);
        n = snprintf(body, sizeof body,
                     "{\"start_time\":\"%s\",\"next_by_subj\":\"%s\",\"batch\":%d}", when, subject,
                     BATCH);
    } else {
        n = snprintf(body, sizeof body, "{\"seq\":%llu,\"next_by_subj\":\"%s\",\"batch\":%d}",
                     (unsigned long long)from_seq, subject, BATCH);
    }
    snprintf(api, sizeof api, "$JS.API.DIRECT.GET.%s", dq->ctx->stream);
    dq->requests++;
    natsStatus s = natsConnection_PublishRequest(dq->ctx->run->nc, api, inbox, body, n);
    return s == NATS_OK ? 0 : nx_nats_fail(err, s, 0, "direct get request on %s", subject);
}

static uint64_t header_u64(natsMsg *m, const char *key)
{
    const char *v = NULL;
    return natsMsgHeader_Get(m, key, &v) == NATS_OK && v ? strtoull(v, NULL, 10) : 0;
}

/* Reads one request's answers until its status message. *more: the series
 * holds points past the last one returned (and *next_seq is where). */
static int read_answers(direct_query *dq, natsSubscription *sub, tsd_range_rx *rx, bool *more,
                        uint64_t *next_seq, nx_err *err)
{
    *more = false;
    for (;;) {
        natsMsg *m = NULL;
        natsStatus s = natsSubscription_NextMsg(&m, sub, READ_TIMEOUT_MS);
        if (s != NATS_OK)
            return nx_nats_fail(err, s, 0, "direct get on series %u after %llu points",
                                dq->q->series, (unsigned long long)rx->got);
        const char *status = NULL;
        if (natsMsgHeader_Get(m, "Status", &status) == NATS_OK && status) {
            /* 204 ends a batch; 404: nothing (more) matches. */
            bool end = strcmp(status, "204") == 0 || strcmp(status, "404") == 0;
            natsMsg_Destroy(m);
            return end ? 0 : nx_fail(err, "direct get answered with status %s", status);
        }
        uint64_t seq = header_u64(m, "Nats-Sequence");
        *more = header_u64(m, "Nats-Num-Pending") > 0;
        *next_seq = seq + 1;
        int rc = rx->done ? 0
                          : tsd_range_rx_next(rx, (const uint8_t *)natsMsg_GetData(m),
                                              (size_t)natsMsg_GetDataLength(m), err);
        natsMsg_Destroy(m);
        if (rc != 0)
            return rc;
    }
}

static int query_once(direct_query *dq, bool full, tsd_range_rx *rx, int64_t *elapsed_ns,
                      nx_err *err)
{
    *elapsed_ns = -1;
    tsd_range_rx_start(rx, dq->q, dq->gen, full);
    natsConnection *nc = dq->ctx->run->nc;
    natsInbox *inbox = NULL;
    natsSubscription *sub = NULL;
    natsStatus s = natsInbox_Create(&inbox);
    if (s == NATS_OK)
        s = natsConnection_SubscribeSync(&sub, nc, inbox);
    int rc = s == NATS_OK ? 0 : nx_nats_fail(err, s, 0, "subscribing a direct get inbox");
    int64_t t0 = nx_now_ns();
    bool more = true;
    uint64_t next = 0;
    for (bool first = true; rc == 0 && more && !rx->done; first = false) {
        rc = request(dq, inbox, first ? 0 : next, err);
        if (rc == 0)
            rc = read_answers(dq, sub, rx, &more, &next, err);
    }
    if (rc == 0)
        *elapsed_ns = nx_now_ns() - t0;
    if (rc == 0)
        rc = tsd_range_rx_finish(rx, err);
    nx_sub_close(nc, sub);
    natsInbox_Destroy(inbox);
    return rc;
}

static int one_query(void *arg, int64_t *elapsed_ns, nx_err *err)
{
    direct_query *dq = arg;
    tsd_range_rx rx;
    int rc = query_once(dq, false, &rx, elapsed_ns, err);
    if (rc == 0 || !rx.content_differs)
        return rc;
    int64_t ignored;
    if (query_once(dq, true, &rx, &ignored, err) != 0)
        return nx_fail_wrap(err, "the points differ from the model (digest); checking every "
                                 "byte: ");
    return nx_fail(err, "the digest differed, but checking every byte found no difference");
}

int tsd_direct_range_repeat(tsd_ctx *ctx, const tsd_range *q, const tsd_gen *gen, const char *name,
                            nx_err *err)
{
    if (!nx_version_has(ctx->run->server_version, NX_FEAT_MULTI_GET))
        return 0;
    if (allow_direct(ctx, err) != 0)
        return -1;
    tsd_case *c = tsd_ctx_case(ctx, TSD_DIRECT_RANGE_OP, name, tsd_range_expected(q), err);
    if (c == NULL)
        return -1;
    long n = ctx->opts->range_queries;
    direct_query dq = {ctx, q, gen, 0};
    int rc = tsd_case_add_queries(c, n, one_query, &dq, err);
    snprintf(c->note, sizeof c->note,
             "direct get (allow_direct) with start_time, next_by_subj %s and batch %d, again "
             "from the next sequence until the first point past the end; %ld queries per "
             "repeat, seconds = median query; %.1f requests per query",
             ctx->series.subject[q->series], BATCH, n, (double)dq.requests / (double)n);
    if (rc != 0)
        nx_fail_wrap(err, "%s (%s): ", TSD_DIRECT_RANGE_OP, name);
    return rc;
}
