#include "tsd_failover.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "nx_conn.h"
#include "nx_monitor.h"
#include "nx_progress.h"
#include "nx_stream.h"
#include "nx_sub.h"
#include "nx_wait.h"
#include "nx_watchdog.h"
#include "tsd_publish.h"
#include "tsd_stream_group.h"

/* An ack not back within this long after the window stalled is taken as
 * lost with the leader, and its point is sent again. */
#define ACK_WAIT_MS 1000
/* Pause before resending points answered with an error, doubled while no
 * ack comes in between (up to the max), so a stream without a leader is not
 * hammered while it elects one. */
#define RETRY_PAUSE_MS 50
#define RETRY_PAUSE_MAX_MS 1000
/* Stream info requests of the election watcher: short, so one lost with
 * the leader is soon retried. */
#define WATCH_WAIT_MS 500
/* Publishing gives up after this long. */
#define CASE_DEADLINE_MS 120000
/* How long the restarted server gets to make the stream whole again (a
 * healthy rejoin took 1.5-3 s here). */
#define REJOIN_LIMIT_MS 60000
#define REJOIN_LIMIT_QUICK_MS 20000
#define FORM_LIMIT_MS 30000
#define READ_BATCH 1024
/* The read-back's consumer lands on any of the three servers; one on a
 * copy that never caught up gets no messages: try again, then read
 * message by message from the leader. */
#define READ_ATTEMPTS 2
#define READ_WAIT_MS 5000

/* What the ack handler (the library's thread) shares with the publisher. */
typedef struct fo_state {
    pthread_mutex_t mu;
    uint64_t count;
    uint8_t *acked;   /* per point */
    int64_t *sent_ns; /* first publish of each point */
    uint64_t nacked, failed;
    natsMsg **retry; /* answered with an error, to be sent again */
    size_t nretry, cap;
    int64_t last_ack_ns, max_gap_ns;
    int64_t kill_ns, resume_ns;
    uint64_t kill_at;
    nx_hist *lat;
    bool alien; /* an ack for something that is not one of our points */
    char first_error[160];
} fo_state;

static void keep_for_retry(fo_state *st, natsMsg **msg)
{
    if (st->nretry == st->cap) {
        size_t cap = st->cap ? 2 * st->cap : 256;
        natsMsg **grown = realloc(st->retry, cap * sizeof *grown);
        if (grown == NULL)
            return; /* dropped: it stays unacknowledged and the case says so */
        st->retry = grown;
        st->cap = cap;
    }
    st->retry[st->nretry++] = *msg;
    *msg = NULL;
}

static void on_ack(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae, void *closure)
{
    (void)js;
    (void)pa;
    fo_state *st = closure;
    int64_t now = nx_now_ns();
    uint64_t g = 0;
    bool ours = tsd_point_index((const uint8_t *)natsMsg_GetData(msg),
                                (size_t)natsMsg_GetDataLength(msg), &g) &&
                g < st->count;
    pthread_mutex_lock(&st->mu);
    if (!ours) {
        st->alien = true;
    } else if (pae != NULL) {
        if (st->failed++ == 0)
            snprintf(st->first_error, sizeof st->first_error, "%s%s%s (JetStream error %d)",
                     natsStatus_GetText(pae->Err), pae->ErrText ? ": " : "",
                     pae->ErrText ? pae->ErrText : "", (int)pae->ErrCode);
        keep_for_retry(st, &msg);
    } else {
        if (!st->acked[g]) {
            st->acked[g] = 1;
            st->nacked++;
            nx_hist_record(st->lat, now - st->sent_ns[g]);
        }
        if (now - st->last_ack_ns > st->max_gap_ns)
            st->max_gap_ns = now - st->last_ack_ns;
        st->last_ack_ns = now;
        if (st->kill_ns && st->resume_ns == 0 && g >= st->kill_at)
            st->resume_ns = now;
    }
    pthread_mutex_unlock(&st->mu);
    natsMsg_Destroy(msg);
}

/* The publishing side: its own connection, the async context, counters. */
typedef struct publisher {
    natsConnection *nc;
    jsCtx *js;
    fo_state *st;
    uint64_t resent;
    int64_t deadline_ns;
    long pause_ms;          /* before the next round of resends */
    uint64_t acked_at_last; /* acks counted at the last round */
} publisher;

static bool errors_waiting(fo_state *st)
{
    pthread_mutex_lock(&st->mu);
    bool any = st->nretry > 0;
    pthread_mutex_unlock(&st->mu);
    return any;
}

static int send_again(publisher *p, natsMsg **m, nx_err *err)
{
    natsStatus s = js_PublishMsgAsync(p->js, m, NULL);
    natsMsg_Destroy(*m);
    *m = NULL;
    p->resent++;
    /* A stall here means the window is full again: its acks or their
     * absence bring this point back through settle(). */
    if (s != NATS_OK && s != NATS_TIMEOUT)
        return nx_nats_fail(err, s, 0, "failover: sending a point again");
    return 0;
}

/* Sends again every point answered with an error, after the pause. */
static int drain_errors(publisher *p, nx_err *err)
{
    pthread_mutex_lock(&p->st->mu);
    natsMsg **list = p->st->retry;
    size_t n = p->st->nretry;
    uint64_t acked = p->st->nacked;
    p->st->retry = NULL;
    p->st->nretry = p->st->cap = 0;
    pthread_mutex_unlock(&p->st->mu);
    if (n > 0) {
        if (acked > p->acked_at_last || p->pause_ms == 0)
            p->pause_ms = RETRY_PAUSE_MS;
        else if (p->pause_ms < RETRY_PAUSE_MAX_MS)
            p->pause_ms =
                2 * p->pause_ms < RETRY_PAUSE_MAX_MS ? 2 * p->pause_ms : RETRY_PAUSE_MAX_MS;
        p->acked_at_last = acked;
        nx_sleep_ms(p->pause_ms);
    }
    int rc = 0;
    for (size_t i = 0; i < n; i++)
        if (rc == 0)
            rc = send_again(p, &list[i], err);
        else
            natsMsg_Destroy(list[i]);
    free(list);
    return rc;
}

/* Waits a little for the outstanding acks; what is still unanswered is
 * taken back and sent again, and so is what was answered with an error. */
static int settle(publisher *p, nx_err *err)
{
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = ACK_WAIT_MS;
    natsStatus s = js_PublishAsyncComplete(p->js, &po);
    if (s != NATS_OK && s != NATS_TIMEOUT)
        return nx_nats_fail(err, s, 0, "failover: waiting for acks");
    int rc = 0;
    if (s == NATS_TIMEOUT) {
        natsMsgList pending = {0};
        s = js_PublishAsyncGetPendingList(&pending, p->js);
        if (s == NATS_OK) {
            for (int i = 0; i < pending.Count && rc == 0; i++)
                rc = send_again(p, &pending.Msgs[i], err);
            natsMsgList_Destroy(&pending);
        } else if (s != NATS_NOT_FOUND) {
            rc = nx_nats_fail(err, s, 0, "failover: taking back unacknowledged points");
        }
    }
    return rc == 0 ? drain_errors(p, err) : rc;
}

static bool past_deadline(const publisher *p)
{
    return nx_now_ns() > p->deadline_ns;
}

/* Polls stream info after the kill until another leader is named. */
typedef struct election {
    jsCtx *js;
    const char *stream;
    const char *old;
    int64_t kill_ns;
    int64_t elected_ns;
    char leader[64];
    atomic_bool stop;
    pthread_t tid;
    bool started;
} election;

static void *watch_election(void *arg)
{
    election *e = arg;
    int64_t deadline = e->kill_ns + (int64_t)CASE_DEADLINE_MS * 1000000;
    while (!atomic_load(&e->stop) && nx_now_ns() < deadline) {
        char leader[64];
        nx_err ignore;
        if (tsd_stream_leader(e->js, e->stream, leader, sizeof leader, &ignore) == 0 && leader[0] &&
            strcmp(leader, e->old) != 0) {
            e->elected_ns = nx_now_ns();
            snprintf(e->leader, sizeof e->leader, "%s", leader);
            break;
        }
        nx_sleep_ms(20);
    }
    nats_ReleaseThreadMemory();
    return NULL;
}

typedef struct fo_case {
    tsd_ctx *ctx;
    publisher pub;
    fo_state st;
    election el;
    nx_server *killed;
    tsd_failover *out;
} fo_case;

static int kill_leader(fo_case *fc, uint64_t g, nx_err *err)
{
    tsd_ctx *ctx = fc->ctx;
    tsd_failover *out = fc->out;
    if (tsd_stream_leader(ctx->run->js, ctx->stream, out->old_leader, sizeof out->old_leader,
                          err) != 0)
        return -1;
    nx_server *m = nx_cluster_member(&ctx->run->cluster, out->old_leader);
    if (m == NULL)
        return nx_fail(err, "failover: the stream's leader '%s' is not a spawned cluster member",
                       out->old_leader);
    char url[128] = "";
    natsConnection_GetConnectedUrl(fc->pub.nc, url, sizeof url);
    out->publisher_on_leader = strcmp(url, nx_server_url(m)) == 0;
    nx_jsz *jsz = malloc(sizeof *jsz);
    nx_err ignore;
    if (jsz && nx_monitor_jsz(nx_server_monitor_url(m), jsz, &ignore) == 0)
        out->meta_leader_killed = strcmp(jsz->meta_leader, out->old_leader) == 0;
    free(jsz);
    pthread_mutex_lock(&fc->st.mu);
    fc->st.kill_at = g;
    fc->st.kill_ns = nx_now_ns();
    pthread_mutex_unlock(&fc->st.mu);
    nx_watchdog_unwatch(m); /* killed on purpose */
    nx_server_kill(m);
    fc->killed = m;
    out->kill_at = g;
    fc->el.stream = ctx->stream;
    fc->el.old = out->old_leader;
    fc->el.kill_ns = fc->st.kill_ns;
    if (pthread_create(&fc->el.tid, NULL, watch_election, &fc->el) != 0)
        return nx_fail(err, "failover: cannot start the election watcher");
    fc->el.started = true;
    return 0;
}

static int publish_point(fo_case *fc, tsd_writer *w, uint64_t g, nx_err *err)
{
    natsMsg *m = NULL;
    const char *subject = tsd_writer_point(w, g);
    natsStatus s = natsMsg_Create(&m, subject, NULL, (const char *)w->buf, (int)w->len);
    char id[24];
    snprintf(id, sizeof id, "%llu", (unsigned long long)g);
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MsgId = id;
    fc->st.sent_ns[g] = nx_now_ns();
    if (s == NATS_OK)
        s = js_PublishMsgAsync(fc->pub.js, &m, &po);
    /* A full window that stays full: the acks went down with the leader.
     * Take them back, send them again, and try this point again. */
    int rc = 0;
    while (rc == 0 && s == NATS_TIMEOUT && !past_deadline(&fc->pub)) {
        rc = settle(&fc->pub, err);
        if (rc == 0)
            s = js_PublishMsgAsync(fc->pub.js, &m, &po);
    }
    natsMsg_Destroy(m);
    if (rc == 0 && s != NATS_OK)
        rc = nx_nats_fail(err, s, 0, "failover: publishing point %llu", (unsigned long long)g);
    /* Points answered with an error go out again before any new one. */
    if (rc == 0 && errors_waiting(&fc->st))
        rc = drain_errors(&fc->pub, err);
    return rc;
}

static int publish_all(fo_case *fc, tsd_writer *w, nx_err *err)
{
    fo_state *st = &fc->st;
    nx_progress prog;
    nx_progress_start(&prog, "failover: publishing, leader killed at 1/3", st->count,
                      fc->ctx->opts->base.quiet);
    int rc = 0;
    for (uint64_t g = 0; g < st->count && rc == 0; g++) {
        if (g == st->count / 3)
            rc = kill_leader(fc, g, err);
        if (rc == 0)
            rc = publish_point(fc, w, g, err);
        nx_progress_update(&prog, g + 1);
    }
    while (rc == 0) {
        pthread_mutex_lock(&st->mu);
        uint64_t missing = st->count - st->nacked;
        pthread_mutex_unlock(&st->mu);
        if (missing == 0)
            break;
        if (past_deadline(&fc->pub))
            rc = nx_fail(err,
                         "failover: %llu of %llu points still unacknowledged after %d s (%llu "
                         "sent again)",
                         (unsigned long long)missing, (unsigned long long)st->count,
                         CASE_DEADLINE_MS / 1000, (unsigned long long)fc->pub.resent);
        else
            rc = settle(&fc->pub, err);
    }
    nx_progress_end(&prog);
    return rc;
}

static int rejoin(fo_case *fc, nx_err *err)
{
    tsd_ctx *ctx = fc->ctx;
    tsd_failover *out = fc->out;
    nx_stream_state state;
    if (nx_stream_state_get(ctx->run->js, ctx->stream, &state, err) != 0)
        return -1;
    out->stored = state.msgs;
    out->rejoin_limit_s = (ctx->opts->base.quick ? REJOIN_LIMIT_QUICK_MS : REJOIN_LIMIT_MS) / 1000;
    int64_t t0 = nx_now_ns();
    if (nx_server_restart(fc->killed, err) != 0)
        return nx_fail_wrap(err, "failover: restarting %s: ", out->old_leader);
    nx_watchdog_watch(fc->killed, out->old_leader);
    if (nx_cluster_wait_leader(&ctx->run->cluster, out->rejoin_limit_s * 1000, err) != 0)
        return nx_fail_wrap(err, "failover: after restarting %s: ", out->old_leader);
    char why[200];
    if (tsd_stream_wait_whole(fc->el.js, &ctx->run->cluster, ctx->stream, state.msgs,
                              out->rejoin_limit_s * 1000, &out->whole, why, sizeof why, err) != 0)
        return -1;
    out->rejoin_s = (double)(nx_now_ns() - t0) / 1e9;
    if (!out->whole)
        snprintf(out->why, sizeof out->why,
                 "failover: %s (the killed stream leader%s) was restarted on its store dir, but "
                 "%d s later stream %s is not whole again: %s",
                 out->old_leader, out->meta_leader_killed ? ", also the meta leader" : "",
                 out->rejoin_limit_s, ctx->stream, why);
    return 0;
}

/* One message read back: an intact point on its series' subject. */
static int check_stored(tsd_ctx *ctx, const tsd_gen *gen, natsMsg *m, uint64_t nth, uint8_t *seen,
                        tsd_failover *out, nx_err *err)
{
    const uint8_t *data = (const uint8_t *)natsMsg_GetData(m);
    size_t len = (size_t)natsMsg_GetDataLength(m);
    uint64_t g = 0;
    int64_t t = 0;
    if (!tsd_point_index(data, len, &g) || g >= out->count)
        return nx_fail(err, "failover: message %llu of %s is not one of the points",
                       (unsigned long long)nth, ctx->stream);
    if (tsd_point_check(gen, g, data, len, &t, err) != 0)
        return nx_fail_wrap(err, "failover: ");
    const char *want = ctx->series.subject[tsd_series_of(gen, g)];
    if (strcmp(natsMsg_GetSubject(m), want) != 0)
        return nx_fail(err, "failover: point %llu is stored on %s, not %s", (unsigned long long)g,
                       natsMsg_GetSubject(m), want);
    if (seen[g]++ > 0)
        out->duplicates++;
    return 0;
}

/* With a pull consumer: it is placed on any of the three servers and reads
 * that server's copy. */
static int read_with_consumer(tsd_ctx *ctx, jsCtx *js, const tsd_gen *gen, uint8_t *seen,
                              tsd_failover *out, nx_err *err)
{
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = ctx->stream;
    so.Config.DeliverPolicy = js_DeliverAll;
    so.Config.AckPolicy = js_AckNone;
    so.Config.MaxAckPending = 2 * READ_BATCH;
    so.Config.MaxRequestBatch = READ_BATCH;
    natsSubscription *sub = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_PullSubscribe(&sub, js, ctx->filter, NULL, NULL, &so, &jerr);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, jerr, "creating a consumer on %s", ctx->stream);
    int rc = 0;
    uint64_t got = 0;
    while (rc == 0 && got < out->stored) {
        natsMsgList list = {0};
        uint64_t left = out->stored - got;
        s = natsSubscription_Fetch(&list, sub, left < READ_BATCH ? (int)left : READ_BATCH,
                                   READ_WAIT_MS, &jerr);
        if (s != NATS_OK)
            rc = nx_nats_fail(err, s, jerr, "fetch after %llu of %llu messages",
                              (unsigned long long)got, (unsigned long long)out->stored);
        for (int i = 0; i < list.Count && rc == 0; i++, got++)
            rc = check_stored(ctx, gen, list.Msgs[i], got + 1, seen, out, err);
        natsMsgList_Destroy(&list);
    }
    nx_sub_close(ctx->run->nc, sub);
    return rc;
}

/* Message by message from the stream leader: slower, but it needs no
 * consumer, which a stream that did not become whole may not get. */
static int read_by_get(tsd_ctx *ctx, jsCtx *js, const tsd_gen *gen, uint8_t *seen,
                       tsd_failover *out, nx_err *err)
{
    nx_stream_state st;
    if (nx_stream_state_get(js, ctx->stream, &st, err) != 0)
        return -1;
    int rc = 0;
    for (uint64_t seq = st.first_seq; rc == 0 && st.msgs > 0 && seq <= st.last_seq; seq++) {
        natsMsg *m = NULL;
        jsErrCode jerr = 0;
        natsStatus s = js_GetMsg(&m, js, ctx->stream, seq, NULL, &jerr);
        if (s == NATS_OK)
            rc = check_stored(ctx, gen, m, seq, seen, out, err);
        else if (s != NATS_NOT_FOUND)
            rc = nx_nats_fail(err, s, jerr, "getting message %llu of %s", (unsigned long long)seq,
                              ctx->stream);
        natsMsg_Destroy(m);
    }
    return rc;
}

/* Every stored message checked and marked in seen: with a consumer when
 * one gets the whole copy, else message by message from the leader. */
static int read_back(tsd_ctx *ctx, const tsd_gen *gen, uint8_t *seen, tsd_failover *out,
                     nx_err *err)
{
    jsCtx *js = NULL;
    if (nx_jetstream(&js, ctx->run->nc, NULL, READ_WAIT_MS, err) != 0)
        return -1;
    int rc = -1;
    char first[200] = "";
    for (int attempt = 0; rc != 0 && attempt < READ_ATTEMPTS; attempt++) {
        memset(seen, 0, out->count);
        out->duplicates = 0;
        rc = read_with_consumer(ctx, js, gen, seen, out, err);
        if (rc != 0 && first[0] == '\0')
            snprintf(first, sizeof first, "%s", err->msg);
        /* A point that failed its check is an answer, not a timeout. */
        if (rc != 0 && strncmp(err->msg, "failover: ", 10) == 0)
            break;
    }
    snprintf(out->read_method, sizeof out->read_method, "a pull consumer");
    if (rc != 0 && strncmp(err->msg, "failover: ", 10) != 0) {
        memset(seen, 0, out->count);
        out->duplicates = 0;
        rc = read_by_get(ctx, js, gen, seen, out, err);
        snprintf(out->read_method, sizeof out->read_method,
                 "get-message from the leader (a consumer did not work: %s)", first);
    }
    jsCtx_Destroy(js);
    if (rc != 0)
        nx_fail_wrap(err, "failover: reading %s back: ", ctx->stream);
    return rc;
}

static void judge(fo_case *fc, const uint8_t *seen)
{
    fo_state *st = &fc->st;
    tsd_failover *out = fc->out;
    out->lost = 0;
    for (uint64_t g = 0; g < st->count; g++)
        if (st->acked[g] && !seen[g] && out->lost++ == 0)
            out->first_lost = g;
    /* The fault: the check believes in one more acknowledged point, one
     * that was never published. */
    if (fc->ctx->opts->fault == TSD_FAULT_FAILOVER && out->lost++ == 0)
        out->first_lost = st->count;
    out->nothing_lost = out->lost == 0 && !st->alien;
    if (out->lost > 0)
        snprintf(out->why, sizeof out->why,
                 "failover: %llu acknowledged points are missing from %s after its leader %s "
                 "was killed (the first: point %llu)",
                 (unsigned long long)out->lost, fc->ctx->stream, out->old_leader,
                 (unsigned long long)out->first_lost);
    else if (st->alien)
        snprintf(out->why, sizeof out->why,
                 "failover: an ack came for a message that is not a point of this case");
    out->verified = out->nothing_lost && out->whole;
}

static int add_rows(fo_case *fc, int64_t elapsed_ns, nx_err *err)
{
    tsd_ctx *ctx = fc->ctx;
    const tsd_failover *f = fc->out;
    char name[96];
    snprintf(name, sizeof name, "R3 leader SIGKILLed at 1/3, w=%d", TSD_FAILOVER_WINDOW);
    tsd_case *c = tsd_ctx_case(ctx, "failover_publish", name, f->count, err);
    if (c == NULL || tsd_case_add(c, elapsed_ns, fc->st.lat, err) != 0)
        return -1;
    c->verified = f->nothing_lost;
    snprintf(c->note, sizeof c->note,
             "leader %s killed before point %llu (publisher's server %s, meta leader %s); "
             "longest ack gap %.2f s; first ack after kill %.2f s; %llu failed, %llu resent, "
             "%llu dup; %llu of %llu acked lost",
             f->old_leader, (unsigned long long)f->kill_at, f->publisher_on_leader ? "yes" : "no",
             f->meta_leader_killed ? "yes" : "no", f->gap_s, f->resume_s,
             (unsigned long long)f->failed, (unsigned long long)f->resent,
             (unsigned long long)f->duplicates, (unsigned long long)f->lost,
             (unsigned long long)f->acked);
    snprintf(name, sizeof name, "killed leader restarted on its store dir");
    c = tsd_ctx_case(ctx, "failover_rejoin", name, f->stored, err);
    if (c == NULL || tsd_case_add(c, (int64_t)(f->rejoin_s * 1e9), NULL, err) != 0)
        return -1;
    c->verified = f->whole;
    if (f->whole)
        snprintf(c->note, sizeof c->note,
                 "seconds from the restart of %s until every replica was current and every "
                 "member's copy held all %llu messages",
                 f->old_leader, (unsigned long long)f->stored);
    else
        snprintf(c->note, sizeof c->note, "NOT whole after %d s: %s", f->rejoin_limit_s,
                 strstr(f->why, "again: ") ? strstr(f->why, "again: ") + 7 : f->why);
    return 0;
}

static int open_publisher(fo_case *fc, nx_err *err)
{
    if (nx_connect(&fc->pub.nc, fc->ctx->run->urls, "tsd-failover", err) != 0)
        return -1;
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.Wait = 10000;
    jo.PublishAsync.MaxPending = TSD_FAILOVER_WINDOW;
    jo.PublishAsync.StallWait = ACK_WAIT_MS;
    jo.PublishAsync.AckHandler = on_ack;
    jo.PublishAsync.AckHandlerClosure = &fc->st;
    natsStatus s = natsConnection_JetStream(&fc->pub.js, fc->pub.nc, &jo);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, 0, "failover: creating the publishing context");
    fc->pub.st = &fc->st;
    return 0;
}

static void close_publisher(publisher *p)
{
    if (p->js) {
        natsMsgList pending = {0};
        if (js_PublishAsyncGetPendingList(&pending, p->js) == NATS_OK)
            natsMsgList_Destroy(&pending);
        jsCtx_Destroy(p->js);
    }
    if (p->nc)
        natsConnection_Destroy(p->nc);
    p->js = NULL;
    p->nc = NULL;
}

/* A stream only just created may still be forming its group, while a
 * device's stream has been there for long: start once every replica is
 * current. */
static int wait_formed(fo_case *fc, nx_err *err)
{
    bool whole = false;
    char why[200];
    if (tsd_stream_wait_whole(fc->el.js, &fc->ctx->run->cluster, fc->ctx->stream, 0, FORM_LIMIT_MS,
                              &whole, why, sizeof why, err) != 0)
        return -1;
    if (!whole)
        return nx_fail(err, "failover: the new R3 stream %s did not form within %d s: %s",
                       fc->ctx->stream, FORM_LIMIT_MS / 1000, why);
    return 0;
}

static void collect(fo_case *fc, int64_t elapsed_ns)
{
    tsd_failover *out = fc->out;
    pthread_mutex_lock(&fc->st.mu);
    out->acked = fc->st.nacked;
    out->failed = fc->st.failed;
    out->gap_s = (double)fc->st.max_gap_ns / 1e9;
    out->resume_s = fc->st.resume_ns ? (double)(fc->st.resume_ns - fc->st.kill_ns) / 1e9 : -1;
    snprintf(out->first_error, sizeof out->first_error, "%s", fc->st.first_error);
    pthread_mutex_unlock(&fc->st.mu);
    out->resent = fc->pub.resent;
    out->publish_s = (double)elapsed_ns / 1e9;
    out->election_s = fc->el.elected_ns ? (double)(fc->el.elected_ns - fc->el.kill_ns) / 1e9 : -1;
    snprintf(out->new_leader, sizeof out->new_leader, "%s", fc->el.leader);
}

int tsd_failover_run(tsd_ctx *ctx, uint64_t count, tsd_failover *out, nx_err *err)
{
    memset(out, 0, sizeof *out);
    out->count = count;
    if (ctx->run->cluster.n < 3 || ctx->opts->base.replicas < 3)
        return nx_fail(err, "failover: needs R3 streams on a spawned cluster");
    fo_case fc = {.ctx = ctx, .out = out, .st = {.count = count}};
    pthread_mutex_init(&fc.st.mu, NULL);
    tsd_gen gen = {.seed = tsd_ctx_case_seed(ctx),
                   .series = (uint32_t)ctx->opts->series,
                   .data_len = (size_t)ctx->opts->base.payload};
    tsd_load load = {.gen = gen, .count = count, .seq_base = 1};
    tsd_clock clock = {0};
    tsd_writer w = {
        .load = &load, .series = &ctx->series, .clock = &clock, .len = tsd_point_size(&gen)};
    fc.st.acked = calloc(count, 1);
    fc.st.sent_ns = calloc(count, sizeof *fc.st.sent_ns);
    fc.st.lat = nx_hist_new();
    uint8_t *seen = calloc(count, 1);
    w.buf = malloc(w.len);
    int rc = 0;
    if (!fc.st.acked || !fc.st.sent_ns || !fc.st.lat || !seen || !w.buf)
        rc = nx_fail(err, "out of memory for %llu failover points", (unsigned long long)count);
    if (rc == 0)
        rc = nx_jetstream(&fc.el.js, ctx->run->nc, NULL, WATCH_WAIT_MS, err);
    if (rc == 0)
        rc = tsd_stream_fresh(ctx, 0, err);
    if (rc == 0)
        rc = wait_formed(&fc, err);
    if (rc == 0)
        rc = open_publisher(&fc, err);
    int64_t t0 = nx_now_ns();
    fc.st.last_ack_ns = t0;
    fc.pub.deadline_ns = t0 + (int64_t)CASE_DEADLINE_MS * 1000000;
    if (rc == 0)
        rc = publish_all(&fc, &w, err);
    int64_t elapsed = nx_now_ns() - t0;
    if (fc.el.started) {
        atomic_store(&fc.el.stop, true);
        pthread_join(fc.el.tid, NULL);
    }
    collect(&fc, elapsed);
    close_publisher(&fc.pub);
    /* Publishing resumed, so there is a leader even when the watcher's
     * requests never got through in time. */
    if (rc == 0 && out->new_leader[0] == '\0')
        rc = tsd_stream_leader(ctx->run->js, ctx->stream, out->new_leader, sizeof out->new_leader,
                               err);
    if (rc == 0)
        rc = rejoin(&fc, err);
    else if (fc.killed && !nx_server_running(fc.killed) &&
             nx_server_restart(fc.killed, &(nx_err){{0}}) == 0)
        nx_watchdog_watch(fc.killed, out->old_leader);
    if (rc == 0)
        rc = read_back(ctx, &gen, seen, out, err);
    if (rc == 0) {
        judge(&fc, seen);
        rc = add_rows(&fc, elapsed, err);
    }
    if (rc == 0)
        rc = tsd_stream_drop(ctx, err);
    if (fc.el.js)
        jsCtx_Destroy(fc.el.js);
    for (size_t i = 0; i < fc.st.nretry; i++)
        natsMsg_Destroy(fc.st.retry[i]);
    free(fc.st.retry);
    free(fc.st.acked);
    free(fc.st.sent_ns);
    nx_hist_free(fc.st.lat);
    free(seen);
    free(w.buf);
    pthread_mutex_destroy(&fc.st.mu);
    return rc;
}

void tsd_failover_print(FILE *out, const tsd_failover *f)
{
    fprintf(out,
            "\nFailover (R3, js_PublishMsgAsync window %d, Nats-Msg-Id per point): %llu points\n",
            TSD_FAILOVER_WINDOW, (unsigned long long)f->count);
    fprintf(out,
            "  stream leader %s SIGKILLed before point %llu (the publisher's own server: %s; the "
            "meta leader too: %s)\n",
            f->old_leader, (unsigned long long)f->kill_at, f->publisher_on_leader ? "yes" : "no",
            f->meta_leader_killed ? "yes" : "no");
    if (f->election_s >= 0)
        fprintf(out, "  new leader %s named by stream info %.2f s after the kill\n", f->new_leader,
                f->election_s);
    else
        fprintf(out,
                "  new leader %s (stream info did not answer within %d ms while publishing "
                "resumed)\n",
                f->new_leader, WATCH_WAIT_MS);
    if (f->resume_s >= 0)
        fprintf(out, "  first ack of a point published after the kill: %.2f s after it\n",
                f->resume_s);
    fprintf(out,
            "  longest ack gap %.2f s; all %llu acknowledged in %.2f s (%.0f points/s overall)\n",
            f->gap_s, (unsigned long long)f->acked, f->publish_s,
            f->publish_s > 0 ? (double)f->count / f->publish_s : 0);
    fprintf(out,
            "  %llu publishes answered with an error, %llu sent again; %llu points stored twice\n",
            (unsigned long long)f->failed, (unsigned long long)f->resent,
            (unsigned long long)f->duplicates);
    if (f->first_error[0])
        fprintf(out, "  first error: %s\n", f->first_error);
    if (f->nothing_lost)
        fprintf(out, "  read back with %s: every acknowledged point present and intact (0 lost)\n",
                f->read_method);
    else
        fprintf(out, "  read back with %s: %llu acknowledged points LOST (the first: point %llu)\n",
                f->read_method, (unsigned long long)f->lost, (unsigned long long)f->first_lost);
    if (f->whole)
        fprintf(out,
                "  %s restarted on its store dir: stream whole again (every replica current, "
                "%llu messages on every member) after %.2f s\n",
                f->old_leader, (unsigned long long)f->stored, f->rejoin_s);
    else
        fprintf(out, "  %s restarted on its store dir: stream NOT whole again after %d s\n",
                f->old_leader, f->rejoin_limit_s);
}
