#include "sync_measure.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nx_conn.h"
#include "nx_monitor.h"
#include "nx_progress.h"
#include "nx_stream.h"
#include "points.h"

/* Async publishes in flight: enough to keep the origin server busy, small
 * enough that a slow link stalls the publisher rather than its memory. */
#define PUBLISH_WINDOW 1024

typedef struct receiver {
    pthread_mutex_t mu;
    nx_hist *hist;
    const char *origin;
    const char *subject;
    size_t data_len;
    uint64_t expect, next_index;
    _Atomic uint64_t received;
    _Atomic bool failed;
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
    int64_t now = nx_wall_ns();
    point_record rec;
    pthread_mutex_lock(&r->mu);
    if (!point_decode_record(natsMsg_GetData(msg), natsMsg_GetDataLength(msg), &rec))
        receiver_fail(r, "%s: message %llu is not a point", r->subject,
                      (unsigned long long)r->next_index + 1);
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
        r->next_index++;
    }
    pthread_mutex_unlock(&r->mu);
    atomic_fetch_add(&r->received, 1);
    natsMsg_Destroy(msg);
}

static int receiver_start(receiver *r, const sync_path *p, int k, uint64_t expect, size_t data_len,
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
    if (s != NATS_OK)
        return nx_nats_fail(err, s, jerr, "ordered consumer on %s", p->stream[k]);
    return 0;
}

static void receiver_stop(receiver *r)
{
    if (r->sub) {
        natsSubscription_Unsubscribe(r->sub);
        natsSubscription_Destroy(r->sub);
    }
    nx_hist_free(r->hist);
    pthread_mutex_destroy(&r->mu);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int sync_wait_holds(const sync_path *p, const uint64_t *want, int timeout_ms, double *seconds,
                    nx_err *err)
{
    int64_t t0 = nx_now_ns(), deadline = t0 + (int64_t)timeout_ms * 1000000;
    bool done[SYNC_STREAMS_MAX] = {false};
    uint64_t held[SYNC_STREAMS_MAX] = {0};
    int left = p->nstreams;
    for (;;) {
        for (int k = 0; k < p->nstreams; k++) {
            if (done[k])
                continue;
            nx_err local;
            nx_stream_state st;
            if (nx_stream_state_get(p->dst_js, p->stream[k], &st, &local) == 0)
                held[k] = st.msgs;
            if (held[k] >= want[k]) {
                done[k] = true;
                left--;
            }
        }
        if (left == 0) {
            *seconds = (double)(nx_now_ns() - t0) / 1e9;
            return 0;
        }
        if (nx_now_ns() >= deadline)
            break;
        sleep_ms(2);
    }
    for (int k = 0; k < p->nstreams; k++)
        if (!done[k])
            return nx_fail(err, "%s: %s on the %s holds %llu of %llu messages after %.1f s",
                           p->name, p->stream[k], strcmp(p->origin, "hub") == 0 ? "leaf" : "hub",
                           (unsigned long long)held[k], (unsigned long long)want[k],
                           timeout_ms / 1000.0);
    return nx_fail(err, "%s: timed out", p->name);
}

static void on_publish_error(jsCtx *js, jsPubAckErr *pae, void *closure)
{
    (void)js;
    (void)pae;
    atomic_fetch_add((_Atomic uint64_t *)closure, 1);
}

int sync_publish(const sync_path *p, const sync_env *env, uint64_t count, size_t data_len,
                 double *seconds, size_t *point_bytes, nx_err *err)
{
    _Atomic uint64_t failures = 0;
    jsOptions o;
    jsOptions_Init(&o);
    o.PublishAsync.MaxPending = PUBLISH_WINDOW;
    o.PublishAsync.ErrHandler = on_publish_error;
    o.PublishAsync.ErrHandlerClosure = (void *)&failures;
    o.Wait = 10000;
    jsCtx *js = NULL;
    natsStatus s = natsConnection_JetStream(&js, p->src_nc, &o);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, 0, "%s: publisher context", p->name);
    uint8_t buf[POINT_DATA_MAX + 64];
    nx_progress prog;
    char label[64];
    snprintf(label, sizeof label, "publish %s", p->name);
    nx_progress_start(&prog, label, count, env->quiet);
    int64_t t0 = nx_now_ns();
    uint64_t corrupt_at = count / 2;
    for (uint64_t i = 0; i < count && s == NATS_OK; i++) {
        int k = (int)(i % (uint64_t)p->nstreams);
        uint64_t index = i / (uint64_t)p->nstreams;
        size_t n = point_encode_indexed(buf, sizeof buf, p->origin, nx_wall_ns(), index, data_len);
        if (env->fault == FAULT_SYNC_CONTENT && i == corrupt_at)
            buf[n - 1] ^= 0x5a;
        *point_bytes = n;
        if (env->one_by_one)
            s = js_Publish(NULL, js, p->subject[k], buf, (int)n, NULL, NULL);
        else
            s = js_PublishAsync(js, p->subject[k], buf, (int)n, NULL);
        if ((i & 1023) == 0)
            nx_progress_update(&prog, i);
    }
    if (s == NATS_OK && !env->one_by_one) {
        jsPubOptions po;
        jsPubOptions_Init(&po);
        po.MaxWait = 60000;
        s = js_PublishAsyncComplete(js, &po);
    }
    *seconds = (double)(nx_now_ns() - t0) / 1e9;
    nx_progress_end(&prog);
    jsCtx_Destroy(js);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, 0, "%s: async publish", p->name);
    if (atomic_load(&failures) > 0)
        return nx_fail(err, "%s: %llu of %llu async publishes failed", p->name,
                       (unsigned long long)atomic_load(&failures), (unsigned long long)count);
    return 0;
}

static int wait_receivers(const sync_path *p, receiver *rx, const sync_env *env, uint64_t count,
                          nx_err *err)
{
    int64_t deadline = nx_now_ns() + (int64_t)env->timeout_ms * 1000000;
    for (;;) {
        uint64_t got = 0;
        bool all = true;
        for (int k = 0; k < p->nstreams; k++) {
            if (atomic_load(&rx[k].failed)) {
                pthread_mutex_lock(&rx[k].mu);
                nx_fail(err, "%s: %s", p->name, rx[k].error);
                pthread_mutex_unlock(&rx[k].mu);
                return -1;
            }
            uint64_t r = atomic_load(&rx[k].received);
            got += r;
            all = all && r >= rx[k].expect;
        }
        if (all)
            return 0;
        if (nx_now_ns() >= deadline)
            return nx_fail(err, "%s: the ordered consumers received %llu of %llu points", p->name,
                           (unsigned long long)got, (unsigned long long)count);
        sleep_ms(2);
    }
}

bool sync_leafz_bytes(const char *monitor, int64_t *up, int64_t *down)
{
    nx_leafz l;
    nx_err err;
    if (monitor == NULL || nx_monitor_leafz(monitor, &l, &err) != 0 || l.count != 1)
        return false;
    *up = l.conns[0].in_bytes; /* the hub's in: from the leaf */
    *down = l.conns[0].out_bytes;
    return true;
}

int sync_measure(const sync_path *p, const sync_env *env, uint64_t count, size_t data_len,
                 nx_hist *latency, sync_sample *out, nx_err *err)
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
    relay_counts before, after;
    int64_t lz_up0 = 0, lz_down0 = 0, lz_up1 = 0, lz_down1 = 0;
    bool lz = rc == 0 && sync_leafz_bytes(env->hub_monitor, &lz_up0, &lz_down0);
    relay_read_counts(env->link, &before);
    int64_t t0 = nx_now_ns();
    if (rc == 0)
        rc = sync_publish(p, env, count, data_len, &out->publish_seconds, &out->point_bytes, err);
    double waited = 0;
    if (rc == 0)
        rc = sync_wait_holds(p, want, env->timeout_ms, &waited, err);
    out->seconds = (double)(nx_now_ns() - t0) / 1e9;
    if (rc == 0)
        rc = wait_receivers(p, rx, env, count, err);
    if (rc == 0) {
        /* Let the last flow-control replies cross before closing the window. */
        sleep_ms(100);
        relay_read_counts(env->link, &after);
        out->window_s = (double)(nx_now_ns() - t0) / 1e9;
        out->link = relay_counts_diff(&after, &before);
        out->leafz_ok = lz && sync_leafz_bytes(env->hub_monitor, &lz_up1, &lz_down1);
        out->leafz_up = lz_up1 - lz_up0;
        out->leafz_down = lz_down1 - lz_down0;
    }
    for (int k = 0; k < started; k++) {
        if (rc == 0)
            nx_hist_merge(latency, rx[k].hist);
        receiver_stop(&rx[k]);
    }
    free(rx);
    free(want);
    return rc;
}
