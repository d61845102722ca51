#include "bds_measure.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bds_points.h"
#include "nx_asyncpub.h"
#include "nx_conn.h"
#include "nx_monitor.h"
#include "nx_progress.h"
#include "nx_stream.h"
#include "nx_wait.h"

/* Async publishes in flight: enough to keep the origin server busy, small
 * enough that a slow link stalls the publisher rather than its memory. */
#define PUBLISH_WINDOW 1024
/* The last acks are local to the origin server, never behind the link. */
#define ACK_WAIT_MS 60000
/* Draining a consumer: its unsubscribe's round trip, then the messages it
 * already holds. */
#define DRAIN_MS 10000
/* Let the last flow-control replies cross before closing the link window. */
#define LINK_SETTLE_MS 100

/* An ordered consumer on one destination stream, checking each point as it
 * arrives. */
typedef struct receiver {
    pthread_mutex_t mu;
    nx_hist *hist;
    const char *origin;
    const char *subject;
    size_t data_len;
    uint64_t expect, next_index;
    _Atomic int64_t last_ns; /* when the last expected point arrived; 0 before */
    _Atomic bool failed;
    _Atomic bool closed; /* the library is done calling on_point */
    char error[256];
    natsSubscription *sub;
} receiver;

static void receiver_fail(receiver *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void receiver_fail(receiver *r, const char *fmt, ...)
{
    if (atomic_load(&r->failed))
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->error, sizeof r->error, fmt, ap);
    va_end(ap);
    atomic_store(&r->failed, true);
}

static void on_point(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void)nc;
    (void)sub;
    receiver *r = closure;
    int64_t now = nx_now_ns();
    bds_point_record rec;
    pthread_mutex_lock(&r->mu);
    if (!bds_point_decode_record(natsMsg_GetData(msg), natsMsg_GetDataLength(msg), &rec))
        receiver_fail(r, "%s: message %llu is not a point", r->subject,
                      (unsigned long long)r->next_index + 1);
    else if (r->next_index >= r->expect)
        receiver_fail(r, "%s: point %llu arrived after the last of %llu (a duplicate or extra)",
                      r->subject, (unsigned long long)rec.index, (unsigned long long)r->expect);
    else if (!rec.has_index || rec.index != r->next_index)
        receiver_fail(r, "%s: point %llu arrived where point %llu was due (out of order)",
                      r->subject, (unsigned long long)rec.index, (unsigned long long)r->next_index);
    else if (!rec.filler_ok || rec.data_len != r->data_len || strcmp(rec.origin, r->origin) != 0)
        receiver_fail(r, "%s: point %llu arrived with corrupt content", r->subject,
                      (unsigned long long)rec.index);
    else if (strcmp(natsMsg_GetSubject(msg), r->subject) != 0)
        receiver_fail(r, "point %llu arrived on %s, expected %s", (unsigned long long)rec.index,
                      natsMsg_GetSubject(msg), r->subject);
    else {
        nx_hist_record(r->hist, now - rec.time_ns);
        if (++r->next_index == r->expect)
            atomic_store(&r->last_ns, now);
    }
    pthread_mutex_unlock(&r->mu);
    natsMsg_Destroy(msg);
}

static void on_closed(void *closure)
{
    atomic_store(&((receiver *)closure)->closed, true);
}

static int receiver_start(receiver *r, const bds_path *p, int k, uint64_t expect, size_t data_len,
                          nx_err *err)
{
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->mu, NULL);
    r->hist = nx_hist_new();
    r->origin = p->origin;
    r->subject = p->subject[k];
    r->data_len = data_len;
    r->expect = expect;
    if (r->hist == NULL)
        return nx_fail(err, "out of memory");
    nx_stream_state st;
    if (nx_stream_state_get(p->dst_js, p->stream[k], &st, err) != 0)
        return -1;
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = p->stream[k];
    so.Ordered = true;
    so.Config.DeliverPolicy = js_DeliverByStartSequence;
    so.Config.OptStartSeq = st.last_seq + 1;
    jsErrCode jerr = 0;
    natsStatus s = js_Subscribe(&r->sub, p->dst_js, p->subject[k], on_point, r, NULL, &so, &jerr);
    if (s != NATS_OK) {
        r->sub = NULL;
        return nx_nats_fail(err, s, jerr, "ordered consumer on %s", p->stream[k]);
    }
    s = natsSubscription_SetOnCompleteCB(r->sub, on_closed, r);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, 0, "ordered consumer on %s: completion callback", p->stream[k]);
    return 0;
}

static bool receiver_closed(void *ctx)
{
    return atomic_load(&((receiver *)ctx)->closed);
}

/* Drains the consumer (every message it holds goes through on_point) and
 * waits until the library has returned from on_point for good, so r can be
 * freed. False when that was not seen in time: r must then stay allocated. */
static bool receiver_close(receiver *r)
{
    if (r->sub == NULL)
        return true;
    bool drained = natsSubscription_DrainTimeout(r->sub, DRAIN_MS) == NATS_OK &&
                   natsSubscription_WaitForDrainCompletion(r->sub, DRAIN_MS + 1000) == NATS_OK;
    if (!drained)
        natsSubscription_Unsubscribe(r->sub);
    bool closed = nx_poll_until(receiver_closed, r, 1, DRAIN_MS) == 0;
    natsSubscription_Destroy(r->sub);
    r->sub = NULL;
    return closed;
}

static void receiver_free(receiver *r)
{
    nx_hist_free(r->hist);
    pthread_mutex_destroy(&r->mu);
}

int bds_publish(const bds_path *p, const bds_env *env, uint64_t count, size_t data_len,
                bool corrupt_one, double *seconds, size_t *point_bytes, nx_err *err)
{
    nx_asyncpub *pub = NULL;
    if (!env->one_by_one && nx_asyncpub_open(&pub, p->src_nc, NULL, PUBLISH_WINDOW, err) != 0)
        return nx_fail_wrap(err, "%s: ", p->name);
    uint8_t buf[BDS_POINT_DATA_MAX + 64];
    nx_progress prog;
    char label[64];
    snprintf(label, sizeof label, "publish %s", p->name);
    nx_progress_start(&prog, label, count, env->quiet);
    int64_t t0 = nx_now_ns();
    uint64_t corrupt_at = count / 2;
    int rc = 0;
    for (uint64_t i = 0; i < count && rc == 0; i++) {
        int k = (int)(i % (uint64_t)p->nstreams);
        uint64_t index = i / (uint64_t)p->nstreams;
        /* A measurement point's time is the monotonic clock: its publisher
         * and its receiver share this process, and a latency must not move
         * with the wall clock. */
        size_t n =
            bds_point_encode_indexed(buf, sizeof buf, p->origin, nx_now_ns(), index, data_len);
        if (corrupt_one && i == corrupt_at)
            buf[n - 1] ^= 0x5a;
        *point_bytes = n;
        if (pub) {
            rc = nx_asyncpub_send(pub, p->subject[k], buf, (int)n, err);
        } else {
            jsErrCode jerr = 0;
            natsStatus s = js_Publish(NULL, p->src_js, p->subject[k], buf, (int)n, NULL, &jerr);
            if (s != NATS_OK)
                rc = nx_nats_fail(err, s, jerr, "publish to %s", p->subject[k]);
        }
        if ((i & 1023) == 0)
            nx_progress_update(&prog, i);
    }
    if (rc == 0 && pub)
        rc = nx_asyncpub_wait(pub, ACK_WAIT_MS, err);
    *seconds = (double)(nx_now_ns() - t0) / 1e9;
    nx_progress_end(&prog);
    nx_asyncpub_close(pub);
    if (rc != 0)
        return nx_fail_wrap(err, "%s: ", p->name);
    return 0;
}

typedef struct receivers {
    receiver *rx;
    int n;
} receivers;

static bool all_received_or_failed(void *ctx)
{
    const receivers *rs = ctx;
    for (int k = 0; k < rs->n; k++) {
        if (atomic_load(&rs->rx[k].failed))
            return true;
        if (atomic_load(&rs->rx[k].last_ns) == 0)
            return false;
    }
    return true;
}

/* Waits in-process for every receiver's last point (the atomics are read,
 * the servers are not asked anything); *end_ns is when the last came. */
static int wait_receivers(const bds_path *p, receiver *rx, const bds_env *env, uint64_t count,
                          int64_t *end_ns, nx_err *err)
{
    receivers rs = {rx, p->nstreams};
    bool in_time = nx_poll_until(all_received_or_failed, &rs, 1, env->timeout_ms) == 0;
    uint64_t got = 0;
    *end_ns = 0;
    for (int k = 0; k < p->nstreams; k++) {
        pthread_mutex_lock(&rx[k].mu);
        if (atomic_load(&rx[k].failed)) {
            nx_fail(err, "%s: %s", p->name, rx[k].error);
            pthread_mutex_unlock(&rx[k].mu);
            return -1;
        }
        got += rx[k].next_index;
        pthread_mutex_unlock(&rx[k].mu);
        int64_t last = atomic_load(&rx[k].last_ns);
        if (last > *end_ns)
            *end_ns = last;
    }
    if (!in_time)
        return nx_fail(err, "%s: the ordered consumers received %llu of %llu points in %.1f s",
                       p->name, (unsigned long long)got, (unsigned long long)count,
                       (double)env->timeout_ms / 1000.0);
    return 0;
}

/* After the window: each destination stream holds exactly what it held
 * before plus what was published to it (nothing lost, nothing twice). */
static int check_holds(const bds_path *p, const uint64_t *want, nx_err *err)
{
    for (int k = 0; k < p->nstreams; k++) {
        nx_stream_state st;
        if (nx_stream_state_get(p->dst_js, p->stream[k], &st, err) != 0)
            return nx_fail_wrap(err, "%s: ", p->name);
        if (st.msgs != want[k])
            return nx_fail(err, "%s: %s on the %s holds %llu messages, expected %llu", p->name,
                           p->stream[k], strcmp(p->origin, "hub") == 0 ? "leaf" : "hub",
                           (unsigned long long)st.msgs, (unsigned long long)want[k]);
    }
    return 0;
}

bool bds_leafz_bytes(const char *monitor, int64_t *up, int64_t *down)
{
    nx_leafz l;
    nx_err err;
    if (monitor == NULL || nx_monitor_leafz(monitor, &l, &err) != 0 || l.count != 1)
        return false;
    *up = l.conns[0].in_bytes; /* the hub's in: from the leaf */
    *down = l.conns[0].out_bytes;
    return true;
}

int bds_measure(const bds_path *p, const bds_env *env, uint64_t count, size_t data_len,
                nx_hist *latency, bds_sample *out, nx_err *err)
{
    memset(out, 0, sizeof *out);
    out->count = count;
    receiver *rx = calloc((size_t)p->nstreams, sizeof *rx);
    uint64_t *want = calloc((size_t)p->nstreams, sizeof *want);
    if (rx == NULL || want == NULL) {
        free(rx);
        free(want);
        return nx_fail(err, "out of memory");
    }
    int started = 0, rc = 0;
    for (int k = 0; k < p->nstreams && rc == 0; k++) {
        uint64_t expect =
            count / (uint64_t)p->nstreams + ((uint64_t)k < count % (uint64_t)p->nstreams ? 1 : 0);
        nx_stream_state st;
        rc = nx_stream_state_get(p->dst_js, p->stream[k], &st, err);
        if (rc != 0)
            break;
        want[k] = st.msgs + expect;
        rc = receiver_start(&rx[k], p, k, expect, data_len, err);
        started++;
    }
    bds_relay_counts before, after;
    int64_t lz_up0 = 0, lz_down0 = 0, lz_up1 = 0, lz_down1 = 0;
    bool lz = rc == 0 && bds_leafz_bytes(env->hub_monitor, &lz_up0, &lz_down0);
    bds_relay_read_counts(env->link, &before);
    int64_t t0 = nx_now_ns(), end_ns = 0;
    if (rc == 0)
        rc = bds_publish(p, env, count, data_len, env->fault == BDS_FAULT_SYNC_CONTENT,
                         &out->publish_seconds, &out->point_bytes, err);
    if (rc == 0)
        rc = wait_receivers(p, rx, env, count, &end_ns, err);
    if (rc == 0) {
        out->seconds = (double)(end_ns - t0) / 1e9;
        nx_sleep_ms(LINK_SETTLE_MS);
        bds_relay_read_counts(env->link, &after);
        out->window_s = (double)(nx_now_ns() - t0) / 1e9;
        out->link = bds_relay_counts_diff(&after, &before);
        out->leafz_ok = lz && bds_leafz_bytes(env->hub_monitor, &lz_up1, &lz_down1);
        out->leafz_up = lz_up1 - lz_up0;
        out->leafz_down = lz_down1 - lz_down0;
        rc = check_holds(p, want, err);
    }
    bool all_closed = true;
    for (int k = 0; k < started; k++) {
        if (!receiver_close(&rx[k])) {
            all_closed = false;
            continue;
        }
        if (rc == 0)
            nx_hist_merge(latency, rx[k].hist);
        receiver_free(&rx[k]);
    }
    /* A consumer the library may still call into keeps its receiver: a
     * leak on a path that already failed, never a use after free. */
    if (all_closed)
        free(rx);
    else if (rc == 0)
        rc = nx_fail(err, "%s: an ordered consumer did not close within %d s", p->name,
                     DRAIN_MS / 1000);
    free(want);
    return rc;
}
