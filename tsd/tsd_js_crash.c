/* One JetStream crash round: publish asynchronously on a connection of its
 * own, SIGKILL the server at a random moment after at least 1000 positive
 * acks, restart it on the same store dir and ports, and read the stream
 * back: every acked point must be there, at its sequence, intact.
 *
 * The publishing connection may not reconnect: otherwise nats.c would
 * replay its buffered, never-acked publishes into the restarted server and
 * they would pass for survivors, and acks from the new server would pass
 * for acks from before the crash. Only a positive ack (a jsPubAck, no
 * error) counts as acked. */
#include "tsd_js_crash.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nx_conn.h"
#include "nx_server.h"
#include "nx_stream.h"
#include "nx_sub.h"
#include "nx_watchdog.h"
#include "tsd_ctx.h"
#include "tsd_jsmeta.h"
#include "tsd_publish.h"
#include "tsd_tally.h"

#define MIN_ACKS 1000
#define WINDOW 4096
/* Points a round may publish before its kill; the kill comes after a few
 * thousand at the rates seen here. */
#define ROUND_CAP 4000000ULL
#define KILL_SPREAD_MS 25
#define FIRST_ACKS_TIMEOUT_MS 30000
#define RECOVERY_TIMEOUT_MS 30000
#define READ_TIMEOUT_MS 10000

typedef struct acks {
    pthread_mutex_t mu;
    tsd_tally *tally;
    bool frozen; /* the round stopped counting: the server is dead */
    atomic_ullong positive;
    char bad[200]; /* an ack that contradicts the model */
} acks;

static void on_ack(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae, void *closure)
{
    (void)js;
    acks *a = closure;
    uint64_t g = 0;
    bool known = tsd_point_index((const uint8_t *)natsMsg_GetData(msg),
                                 (size_t)natsMsg_GetDataLength(msg), &g);
    if (pa != NULL && pae == NULL) {
        pthread_mutex_lock(&a->mu);
        if (!a->frozen) {
            if (!known && a->bad[0] == '\0')
                snprintf(a->bad, sizeof a->bad, "an acked message is not a tsd point");
            else if (pa->Sequence != g + 1 && a->bad[0] == '\0')
                snprintf(a->bad, sizeof a->bad, "point %llu acked at stream sequence %llu",
                         (unsigned long long)g, (unsigned long long)pa->Sequence);
            else if (known) {
                tsd_tally_ack(a->tally, g);
                atomic_fetch_add(&a->positive, 1);
            }
        }
        pthread_mutex_unlock(&a->mu);
    }
    natsMsg_Destroy(msg);
}

static int connect_publisher(const char *url, natsConnection **nc, nx_err *err)
{
    natsOptions *o = NULL;
    natsStatus s = natsOptions_Create(&o);
    if (s == NATS_OK)
        s = natsOptions_SetURL(o, url);
    if (s == NATS_OK)
        s = natsOptions_SetName(o, "tsd-crash-publisher");
    if (s == NATS_OK)
        s = natsOptions_SetAllowReconnect(o, false);
    if (s == NATS_OK)
        s = natsOptions_SetTimeout(o, 2000);
    if (s == NATS_OK)
        s = natsConnection_Connect(nc, o);
    natsOptions_Destroy(o);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, 0, "crash round: connecting the publisher to %s", url);
    return 0;
}

static int fresh_file_stream(tsd_ctx *ctx, nx_err *err)
{
    if (tsd_stream_drop(ctx, err) != 0)
        return -1;
    nx_stream_spec spec;
    nx_stream_spec_init(&spec, ctx->stream);
    spec.subjects[spec.nsubjects++] = ctx->filter;
    spec.storage = js_FileStorage;
    spec.replicas = 1;
    return nx_stream_create(ctx->run->js, &spec, err);
}

/* Publishes until the kill moment (random, after MIN_ACKS positive acks);
 * *written = points handed to js_PublishAsync. */
static int publish_until_kill(jsCtx *js, tsd_writer *w, acks *a, uint64_t rng, uint64_t *written,
                              nx_err *err)
{
    int64_t give_up = nx_now_ns() + (int64_t)FIRST_ACKS_TIMEOUT_MS * 1000000;
    int64_t kill_at = 0;
    for (uint64_t g = 0;; g++) {
        if (g == ROUND_CAP)
            return nx_fail(err, "crash round: %llu points published and no kill moment yet",
                           (unsigned long long)g);
        const char *subject = tsd_writer_point(w, g);
        natsStatus s = js_PublishAsync(js, subject, w->buf, (int)w->len, NULL);
        if (s != NATS_OK)
            return nx_nats_fail(err, s, 0, "crash round: publishing point %llu before the kill",
                                (unsigned long long)g);
        *written = g + 1;
        if ((g & 31) != 0)
            continue;
        int64_t now = nx_now_ns();
        if (kill_at == 0 && atomic_load(&a->positive) >= MIN_ACKS)
            kill_at = now + (int64_t)(rng % ((uint64_t)KILL_SPREAD_MS * 1000000));
        if (kill_at != 0 && now >= kill_at)
            return 0;
        if (kill_at == 0 && now > give_up)
            return nx_fail(err, "crash round: %llu acks %d s after the first publish (need %d)",
                           (unsigned long long)atomic_load(&a->positive),
                           FIRST_ACKS_TIMEOUT_MS / 1000, MIN_ACKS);
    }
}

static int wait_stream(tsd_ctx *ctx, nx_stream_state *st, nx_err *err)
{
    int64_t deadline = nx_now_ns() + (int64_t)RECOVERY_TIMEOUT_MS * 1000000;
    nx_err last = {{0}};
    while (nx_stream_state_get(ctx->run->js, ctx->stream, st, &last) != 0) {
        if (nx_now_ns() > deadline)
            return nx_fail(err, "after the crash: stream %s not readable within %d s: %s",
                           ctx->stream, RECOVERY_TIMEOUT_MS / 1000, last.msg);
        nanosleep(&(struct timespec){0, 20000000L}, NULL);
    }
    return 0;
}

static int check_one(tsd_ctx *ctx, const tsd_gen *gen, tsd_tally *t, uint64_t written, natsMsg *m,
                     nx_err *err)
{
    uint64_t seq = 0, pending = 0, g = 0;
    const uint8_t *data = (const uint8_t *)natsMsg_GetData(m);
    size_t len = (size_t)natsMsg_GetDataLength(m);
    if (!tsd_jsmeta_parse(natsMsg_GetReply(m), &seq, &pending))
        return nx_fail(err, "after the crash: a message without JetStream metadata");
    if (!tsd_point_index(data, len, &g))
        return nx_fail(err, "after the crash: stream sequence %llu is not a tsd point",
                       (unsigned long long)seq);
    if (g >= written)
        return nx_fail(err, "after the crash: stream sequence %llu holds point %llu, never written",
                       (unsigned long long)seq, (unsigned long long)g);
    if (tsd_point_check(gen, g, data, len, NULL, err) != 0)
        return nx_fail_wrap(err,
                            "after the crash, stream sequence %llu: ", (unsigned long long)seq);
    const char *want = ctx->series.subject[tsd_series_of(gen, g)];
    if (strcmp(natsMsg_GetSubject(m), want) != 0)
        return nx_fail(err, "after the crash: point %llu is on %s, expected %s",
                       (unsigned long long)g, natsMsg_GetSubject(m), want);
    if (seq != g + 1)
        return nx_fail(err, "after the crash: point %llu is at stream sequence %llu, expected %llu",
                       (unsigned long long)g, (unsigned long long)seq, (unsigned long long)g + 1);
    if (!tsd_tally_present(t, g))
        return nx_fail(err, "after the crash: point %llu is stored twice", (unsigned long long)g);
    return 0;
}

/* Reads the whole stream (st.msgs messages) with an ordered consumer. */
static int read_back(tsd_ctx *ctx, const tsd_gen *gen, tsd_tally *t, uint64_t written,
                     uint64_t msgs, nx_err *err)
{
    if (msgs == 0)
        return 0;
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = ctx->stream;
    so.Ordered = true;
    so.Config.DeliverPolicy = js_DeliverAll;
    natsSubscription *sub = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_SubscribeSync(&sub, ctx->run->js, ctx->filter, NULL, &so, &jerr);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, jerr, "after the crash: reading stream %s", ctx->stream);
    int rc = 0;
    for (uint64_t i = 0; i < msgs && rc == 0; i++) {
        natsMsg *m = NULL;
        s = natsSubscription_NextMsg(&m, sub, READ_TIMEOUT_MS);
        if (s != NATS_OK) {
            rc = nx_nats_fail(err, s, 0, "after the crash: reading message %llu of %llu",
                              (unsigned long long)i + 1, (unsigned long long)msgs);
            break;
        }
        rc = check_one(ctx, gen, t, written, m, err);
        natsMsg_Destroy(m);
    }
    nx_sub_close(ctx->run->nc, sub);
    return rc;
}

int tsd_js_crash_round(tsd_ctx *ctx, uint64_t seed, uint64_t rng, tsd_crash_stats *st,
                       double *recovery_s, nx_err *err)
{
    nx_server *server = ctx->run->server;
    tsd_load load = {
        .gen = {.seed = seed, .series = ctx->series.n, .data_len = (size_t)ctx->opts->base.payload},
        .count = ROUND_CAP,
        .seq_base = 1};
    tsd_tally tally;
    if (fresh_file_stream(ctx, err) != 0 || tsd_tally_init(&tally, ROUND_CAP, err) != 0)
        return -1;
    acks a = {.tally = &tally};
    pthread_mutex_init(&a.mu, NULL);
    tsd_clock clock = {0};
    tsd_writer w = {.load = &load, .series = &ctx->series, .clock = &clock};
    w.len = tsd_point_size(&load.gen);
    w.buf = malloc(w.len);
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    int rc =
        w.buf ? connect_publisher(nx_server_url(server), &nc, err) : nx_fail(err, "out of memory");
    if (rc == 0) {
        jsOptions jo;
        jsOptions_Init(&jo);
        jo.Wait = 10000;
        jo.PublishAsync.MaxPending = WINDOW;
        jo.PublishAsync.StallWait = 10000;
        jo.PublishAsync.AckHandler = on_ack;
        jo.PublishAsync.AckHandlerClosure = &a;
        natsStatus s = natsConnection_JetStream(&js, nc, &jo);
        if (s != NATS_OK)
            rc = nx_nats_fail(err, s, 0, "crash round: the publisher's JetStream context");
    }
    uint64_t written = 0;
    if (rc == 0)
        rc = publish_until_kill(js, &w, &a, rng, &written, err);

    /* The crash, whatever happened above: the round's state is thrown
     * away with the server. */
    nx_watchdog_unwatch(server);
    nx_server_kill(server);
    if (js)
        jsCtx_Destroy(js);
    if (nc)
        natsConnection_Destroy(nc);
    pthread_mutex_lock(&a.mu);
    a.frozen = true;
    pthread_mutex_unlock(&a.mu);
    if (rc == 0 && a.bad[0])
        rc = nx_fail(err, "crash round: %s", a.bad);

    /* Recovery ends when the stream answers with its messages over the
     * run's own connection, not when the server writes its ports file. */
    int64_t restart_ns = nx_now_ns();
    if (nx_server_restart(server, rc == 0 ? err : &(nx_err){{0}}) != 0) {
        if (rc == 0)
            rc = nx_fail_wrap(err, "restarting the nats-server after the kill: ");
    } else {
        nx_watchdog_watch(server, "the nats-server");
    }
    nx_stream_state state = {0};
    if (rc == 0)
        rc = wait_stream(ctx, &state, err);
    if (rc == 0)
        *recovery_s = (double)(nx_now_ns() - restart_ns) / 1e9;
    if (rc == 0)
        rc = read_back(ctx, &load.gen, &tally, written, state.msgs, err);
    if (rc == 0) {
        if (ctx->opts->fault == TSD_FAULT_CRASH) /* a point the server never saw */
            tsd_tally_ack(&tally, written++);
        tsd_tally_sum sum;
        tsd_tally_sum_up(&tally, written, &sum);
        tsd_crash_add(st, &sum);
        if (sum.lost > 0)
            rc = nx_fail(err,
                         "JetStream lost %llu of %llu acknowledged points after a SIGKILL "
                         "(first: point %llu; the stream holds %llu)",
                         (unsigned long long)sum.lost, (unsigned long long)sum.acked,
                         (unsigned long long)sum.first_lost, (unsigned long long)state.msgs);
    }
    nx_err drop_err;
    if (tsd_stream_drop(ctx, rc == 0 ? err : &drop_err) != 0 && rc == 0)
        rc = -1;
    free(w.buf);
    tsd_tally_free(&tally);
    pthread_mutex_destroy(&a.mu);
    return rc;
}
