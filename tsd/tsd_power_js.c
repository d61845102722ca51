/* JetStream power-cut rounds: a nats-server of its own, its store_dir on
 * the power-cut mount, publishing with js_PublishAsync until a random
 * moment, then SIGKILL and the cut together, a restart on what the disk
 * kept, and every message read back and checked.
 *
 * The stream is created fresh each round and flushed to the disk before the
 * first publish (nx_powerfs_flush_all): a device's stream exists long
 * before its power fails, and the kernel would have written it back by
 * then. The publisher may not reconnect, so no publish after the cut can be
 * taken for one from before it (as in tsd_js_crash.c). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nx_conn.h"
#include "nx_powerfs.h"
#include "nx_server.h"
#include "nx_stream.h"
#include "nx_sub.h"
#include "tsd_ctx.h"
#include "tsd_jsmeta.h"
#include "tsd_power.h"
#include "tsd_publish.h"
#include "tsd_tally.h"

#define STREAM "NODES"
#define WINDOW 4096
#define ROUND_CAP 4000000ULL
#define FIRST_ACKS_MS 30000
#define STREAM_BACK_MS 10000
#define READ_MS 10000

typedef struct ack_book {
    pthread_mutex_t mu;
    tsd_tally *tally;
    bool closed; /* the cut happened: later callbacks are not acks */
    atomic_ullong n;
    char bad[200];
} ack_book;

static void ack_cb(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae, void *closure)
{
    (void)js;
    ack_book *b = closure;
    uint64_t g = 0;
    bool point = tsd_point_index((const uint8_t *)natsMsg_GetData(msg),
                                 (size_t)natsMsg_GetDataLength(msg), &g);
    pthread_mutex_lock(&b->mu);
    if (pa && !pae && !b->closed) {
        if ((!point || pa->Sequence != g + 1) && !b->bad[0])
            snprintf(b->bad, sizeof b->bad, "an ack at stream sequence %llu for %s",
                     (unsigned long long)pa->Sequence, point ? "another point" : "no tsd point");
        else if (point) {
            tsd_tally_ack(b->tally, g);
            atomic_fetch_add(&b->n, 1);
        }
    }
    pthread_mutex_unlock(&b->mu);
    natsMsg_Destroy(msg);
}

/* A publisher that never reconnects, with acks counted into b. */
static int open_publisher(const char *url, ack_book *b, natsConnection **nc, jsCtx **js,
                          nx_err *err)
{
    natsOptions *o = NULL;
    natsStatus s = natsOptions_Create(&o);
    if (s == NATS_OK)
        s = natsOptions_SetURL(o, url);
    if (s == NATS_OK)
        s = natsOptions_SetAllowReconnect(o, false);
    if (s == NATS_OK)
        s = natsConnection_Connect(nc, o);
    natsOptions_Destroy(o);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, 0, "power cut: connecting the publisher");
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.Wait = 10000;
    jo.PublishAsync.MaxPending = WINDOW;
    jo.PublishAsync.StallWait = 10000;
    jo.PublishAsync.AckHandler = ack_cb;
    jo.PublishAsync.AckHandlerClosure = b;
    s = natsConnection_JetStream(js, *nc, &jo);
    return s == NATS_OK ? 0 : nx_nats_fail(err, s, 0, "power cut: publisher JetStream context");
}

/* Publishes until the cut moment; *written points were handed over. */
static int publish(jsCtx *js, tsd_writer *w, ack_book *b, uint64_t rng, uint64_t *written,
                   nx_err *err)
{
    int64_t give_up = nx_now_ns() + (int64_t)FIRST_ACKS_MS * 1000000;
    int64_t cut_at = 0;
    for (uint64_t g = 0; g < ROUND_CAP; g++) {
        const char *subject = tsd_writer_point(w, g);
        natsStatus s = js_PublishAsync(js, subject, w->buf, (int)w->len, NULL);
        if (s != NATS_OK)
            return nx_nats_fail(err, s, 0, "power cut: publishing point %llu",
                                (unsigned long long)g);
        *written = g + 1;
        if (g % 32 != 0)
            continue;
        int64_t now = nx_now_ns();
        if (cut_at == 0 && atomic_load(&b->n) >= TSD_POWER_MIN_ACKS)
            cut_at = now + (int64_t)(rng % ((uint64_t)TSD_POWER_SPREAD_MS * 1000000));
        if (cut_at != 0 && now >= cut_at)
            return 0;
        if (cut_at == 0 && now > give_up)
            return nx_fail(err, "power cut: only %llu acks in %d s",
                           (unsigned long long)atomic_load(&b->n), FIRST_ACKS_MS / 1000);
    }
    return nx_fail(err, "power cut: %llu points and no cut moment", ROUND_CAP);
}

/* The stream after the restart: false when it did not come back. */
static bool stream_back(jsCtx *js, nx_stream_state *state)
{
    int64_t deadline = nx_now_ns() + (int64_t)STREAM_BACK_MS * 1000000;
    nx_err ignore;
    while (nx_stream_state_get(js, STREAM, state, &ignore) != 0) {
        if (nx_now_ns() > deadline)
            return false;
        nanosleep(&(struct timespec){0, 10000000L}, NULL);
    }
    return true;
}

/* Every message: a point that was written, intact, on its subject, at its
 * sequence, once. */
static int check_all(tsd_ctx *ctx, jsCtx *js, natsConnection *nc, const tsd_gen *gen, tsd_tally *t,
                     uint64_t written, uint64_t msgs, nx_err *err)
{
    if (msgs == 0)
        return 0;
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = STREAM;
    so.Ordered = true;
    natsSubscription *sub = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_SubscribeSync(&sub, js, ctx->filter, NULL, &so, &jerr);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, jerr, "after the power cut: reading the stream");
    int rc = 0;
    for (uint64_t i = 0; i < msgs && rc == 0; i++) {
        natsMsg *m = NULL;
        s = natsSubscription_NextMsg(&m, sub, READ_MS);
        if (s != NATS_OK) {
            rc = nx_nats_fail(err, s, 0, "after the power cut: message %llu of %llu",
                              (unsigned long long)i + 1, (unsigned long long)msgs);
            break;
        }
        uint64_t seq = 0, pending = 0, g = 0;
        const uint8_t *data = (const uint8_t *)natsMsg_GetData(m);
        size_t len = (size_t)natsMsg_GetDataLength(m);
        if (!tsd_jsmeta_parse(natsMsg_GetReply(m), &seq, &pending) ||
            !tsd_point_index(data, len, &g) || g >= written || seq != g + 1)
            rc = nx_fail(err, "after the power cut: stream sequence %llu is no point written there",
                         (unsigned long long)seq);
        else if (tsd_point_check(gen, g, data, len, NULL, err) != 0)
            rc = nx_fail_wrap(err, "after the power cut, point %llu: ", (unsigned long long)g);
        else if (strcmp(natsMsg_GetSubject(m), ctx->series.subject[tsd_series_of(gen, g)]) != 0)
            rc = nx_fail(err, "after the power cut: point %llu on subject %s",
                         (unsigned long long)g, natsMsg_GetSubject(m));
        else if (!tsd_tally_present(t, g))
            rc = nx_fail(err, "after the power cut: point %llu twice", (unsigned long long)g);
        natsMsg_Destroy(m);
    }
    nx_sub_close(nc, sub);
    return rc;
}

static int fresh_stream(tsd_ctx *ctx, jsCtx *js, nx_powerfs *fs, nx_err *err)
{
    nx_stream_spec spec;
    nx_stream_spec_init(&spec, STREAM);
    spec.subjects[spec.nsubjects++] = ctx->filter;
    spec.storage = js_FileStorage;
    spec.replicas = 1;
    if (nx_stream_delete(js, STREAM, true, err) != 0)
        return -1;
    /* nx_stream_create retries a store still being removed (10049). */
    if (nx_stream_create(js, &spec, err) != 0)
        return -1;
    return nx_powerfs_flush_all(fs, err);
}

/* Restarts on what the cut left; a server that cannot start is recorded
 * (opened = false) and started again on an empty store for the next round. */
static int restart(nx_server *server, const char *dir, bool *started, nx_err *err)
{
    nx_err why = {{0}};
    *started = nx_server_restart(server, &why) == 0;
    if (*started)
        return 0;
    fprintf(stderr, "tsd: after a power cut the nats-server did not start: %s\n", why.msg);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf -- '%s'/*", dir);
    if (strchr(dir, '\'') || system(cmd) != 0)
        return nx_fail(err, "power cut: cannot empty %s", dir);
    return nx_server_restart(server, err);
}

typedef struct js_env {
    nx_server *server;
    natsConnection *nc;
    jsCtx *js;
    nx_powerfs *fs;
    const char *dir;
} js_env;

static int one_round(tsd_ctx *ctx, js_env *e, uint64_t rng, tsd_power_stats *st, nx_err *err)
{
    tsd_load load = {.gen = tsd_ctx_gen(ctx), .count = ROUND_CAP, .seq_base = 1};
    tsd_tally tally;
    if (fresh_stream(ctx, e->js, e->fs, err) != 0 || tsd_tally_init(&tally, ROUND_CAP, err) != 0)
        return -1;
    ack_book b = {.tally = &tally};
    pthread_mutex_init(&b.mu, NULL);
    tsd_clock clock = {0};
    tsd_writer w = {.load = &load, .series = &ctx->series, .clock = &clock};
    w.len = tsd_point_size(&load.gen);
    w.buf = malloc(w.len);
    natsConnection *pnc = NULL;
    jsCtx *pjs = NULL;
    uint64_t written = 0;
    int64_t t0 = nx_now_ns();
    int rc = w.buf ? open_publisher(nx_server_url(e->server), &b, &pnc, &pjs, err)
                   : nx_fail(err, "out of memory");
    if (rc == 0)
        rc = publish(pjs, &w, &b, rng, &written, err);
    double write_s = (double)(nx_now_ns() - t0) / 1e9;

    /* The power cut: the server dies and the unsynced bytes with it. */
    nx_server_kill(e->server);
    nx_powerfs_counts dropped = {0};
    pthread_mutex_lock(&b.mu);
    b.closed = true;
    pthread_mutex_unlock(&b.mu);
    if (rc == 0)
        rc = nx_powerfs_cut(e->fs, &dropped, err);
    if (pjs)
        jsCtx_Destroy(pjs);
    if (pnc)
        natsConnection_Destroy(pnc);
    if (rc == 0 && b.bad[0])
        rc = nx_fail(err, "power cut round: %s", b.bad);

    int64_t r0 = nx_now_ns();
    bool started = false;
    if (rc == 0)
        rc = restart(e->server, e->dir, &started, err);
    nx_stream_state state = {0};
    bool opened = rc == 0 && started && stream_back(e->js, &state);
    double recovery_s = (double)(nx_now_ns() - r0) / 1e9;
    if (rc == 0 && opened)
        rc = check_all(ctx, e->js, e->nc, &load.gen, &tally, written, state.msgs, err);
    if (rc == 0) {
        tsd_tally_sum sum;
        tsd_tally_sum_up(&tally, written, &sum);
        tsd_power_add(st, &sum, opened, recovery_s, write_s, dropped.dirty_bytes);
    }
    free(w.buf);
    tsd_tally_free(&tally);
    pthread_mutex_destroy(&b.mu);
    return rc;
}

int tsd_power_js_rounds(tsd_ctx *ctx, nx_powerfs *fs, const char *dir, const char *sync,
                        uint64_t *rng, tsd_power_stats *st, nx_err *err)
{
    nx_server_config cfg;
    nx_server_config_init(&cfg);
    cfg.binary = ctx->opts->base.nats_server;
    cfg.sync_interval = sync;
    cfg.store_dir = dir;
    cfg.keep = ctx->opts->base.keep;
    js_env e = {.fs = fs, .dir = dir};
    if (nx_server_start(&e.server, &cfg, err) != 0)
        return -1;
    int rc = nx_connect(&e.nc, nx_server_url(e.server), "tsd-power", err);
    if (rc == 0)
        rc = nx_jetstream(&e.js, e.nc, NULL, 10000, err);
    for (long r = 0; rc == 0 && r < ctx->opts->power_cuts; r++) {
        rc = one_round(ctx, &e, tsd_power_rng(rng), st, err);
        if (rc != 0)
            nx_fail_wrap(err, "round %ld of %ld: ", r + 1, ctx->opts->power_cuts);
    }
    nx_powerfs_counts c = {0};
    nx_err ignore;
    if (nx_powerfs_counts_get(fs, &c, &ignore) == 0 && !ctx->opts->base.quiet)
        fprintf(stderr,
                "tsd: power cuts, jetstream %s: the server asked for %lu file and %lu "
                "directory fsyncs\n",
                sync ? sync : "default", c.fsyncs, c.fsyncdirs);
    if (e.js)
        jsCtx_Destroy(e.js);
    if (e.nc)
        natsConnection_Destroy(e.nc);
    nx_server_destroy(e.server);
    return rc;
}
