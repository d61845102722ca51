#include "ps_cas.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nx_conn.h"
#include "nx_subject.h"
#include "ps_cas_safety.h"

bool ps_counter_decode(const nx_point *p, long *value)
{
    char text[24];
    if (p->data_len == 0 || p->data_len >= sizeof text)
        return false;
    memcpy(text, p->data, p->data_len);
    text[p->data_len] = '\0';
    long v = 0;
    nx_err ignored;
    if (nx_parse_long("counter", text, 0, 1L << 62, &v, &ignored) != 0 || text[0] == ' ' ||
        text[0] == '+')
        return false;
    *value = v;
    return true;
}

static size_t encode_counter(long value, const char *origin, uint8_t *buf, size_t cap)
{
    char text[24];
    int n = snprintf(text, sizeof text, "%ld", value);
    nx_point p = {.time_ns = nx_wall_ns(),
                  .origin = origin,
                  .origin_len = (uint8_t)strlen(origin),
                  .data = (const uint8_t *)text,
                  .data_len = (size_t)n};
    return nx_point_encode(&p, buf, cap);
}

/* The counter's head: its value and stream sequence (read from the stream
 * leader, so a writer never decides on a stale replica's copy). */
static int read_counter(jsCtx *js, const char *stream, const char *subject, long *value,
                        uint64_t *seq, nx_err *err)
{
    natsMsg *m = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_GetLastMsg(&m, js, stream, subject, NULL, &jerr);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, jerr, "reading counter %s", subject);
    nx_point p;
    bool ok = nx_point_decode((const uint8_t *)natsMsg_GetData(m), (size_t)natsMsg_GetDataLength(m),
                              &p) &&
              ps_counter_decode(&p, value);
    *seq = natsMsg_GetSequence(m);
    natsMsg_Destroy(m);
    return ok ? 0 : nx_fail(err, "counter %s holds a point that is not a counter", subject);
}

/* Holds the writers until all are started, so the race begins at once. */
typedef struct gate {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool open;
    bool abort; /* a writer could not be started: the others stop */
} gate;

static void gate_release(gate *g, bool abort)
{
    pthread_mutex_lock(&g->mu);
    g->open = true;
    g->abort = abort;
    pthread_cond_broadcast(&g->cv);
    pthread_mutex_unlock(&g->mu);
}

/* Returns false when the run was called off. */
static bool gate_pass(gate *g)
{
    pthread_mutex_lock(&g->mu);
    while (!g->open)
        pthread_cond_wait(&g->cv, &g->mu);
    bool go = !g->abort;
    pthread_mutex_unlock(&g->mu);
    return go;
}

typedef struct writer {
    int id;
    const char *urls, *stream, *subject;
    long count;
    bool expect;
    gate *start;
    uint64_t conflicts;
    nx_hist *latency;
    int rc;
    nx_err err;
} writer;

/* Each conflict means the other writer made progress, so retrying ends; the
 * bound only stops a server that keeps refusing from hanging the run. */
#define INCREMENT_TIMEOUT_NS (60LL * 1000000000LL)

static int increment(writer *w, jsCtx *js, const char *origin)
{
    int64_t give_up = nx_now_ns() + INCREMENT_TIMEOUT_NS;
    for (;;) {
        long value = 0;
        uint64_t seq = 0;
        if (read_counter(js, w->stream, w->subject, &value, &seq, &w->err) != 0)
            return -1;
        uint8_t buf[64];
        size_t n = encode_counter(value + 1, origin, buf, sizeof buf);
        jsPubOptions po;
        jsPubOptions_Init(&po);
        po.ExpectLastSubjectSeq = seq;
        jsErrCode jerr = 0;
        natsStatus s = js_Publish(NULL, js, w->subject, buf, (int)n, w->expect ? &po : NULL, &jerr);
        if (s == NATS_OK)
            return 0;
        if (w->expect && ps_cas_conflict(jerr) && nx_now_ns() < give_up) {
            w->conflicts++;
            continue;
        }
        if (w->expect && ps_cas_not_ready(jerr) && nx_now_ns() < give_up)
            continue;
        return nx_nats_fail(&w->err, s, jerr, "writer %d: publishing to %s", w->id, w->subject);
    }
}

static void *writer_main(void *arg)
{
    writer *w = arg;
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    char name[32], origin[16];
    snprintf(name, sizeof name, "point-store-cas-%d", w->id);
    snprintf(origin, sizeof origin, "writer-%d", w->id);
    w->rc = nx_connect(&nc, w->urls, name, &w->err);
    if (w->rc == 0)
        w->rc = nx_jetstream(&js, nc, NULL, 10000, &w->err);
    if (!gate_pass(w->start) && w->rc == 0)
        w->rc = nx_fail(&w->err, "writer %d: called off", w->id);
    for (long i = 0; i < w->count && w->rc == 0; i++) {
        int64_t t0 = nx_now_ns();
        w->rc = increment(w, js, origin);
        nx_hist_record(w->latency, nx_now_ns() - t0);
    }
    if (js)
        jsCtx_Destroy(js);
    if (nc)
        natsConnection_Destroy(nc);
    nats_ReleaseThreadMemory();
    return NULL;
}

static int subject_count(ps_ctx *c, const char *subject, uint64_t *out, nx_err *err)
{
    jsOptions o;
    jsOptions_Init(&o);
    o.Stream.Info.SubjectsFilter = subject;
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_GetStreamInfo(&si, c->run.js, c->stream, &o, &jerr);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, jerr, "stream info of %s for %s", c->stream, subject);
    *out = 0;
    for (int i = 0; si->State.Subjects && i < si->State.Subjects->Count; i++)
        if (strcmp(si->State.Subjects->List[i].Subject, subject) == 0)
            *out = si->State.Subjects->List[i].Msgs;
    jsStreamInfo_Destroy(si);
    return 0;
}

int ps_cas_run(ps_ctx *c, const char *subject, bool expect, ps_cas_result *out, nx_err *err)
{
    memset(out, 0, sizeof *out);
    out->expect = expect;
    out->latency = nx_hist_new();
    if (out->latency == NULL)
        return nx_fail(err, "out of memory");
    uint8_t buf[64];
    size_t n = encode_counter(0, "setup", buf, sizeof buf);
    jsErrCode jerr = 0;
    natsStatus s = js_Publish(NULL, c->run.js, subject, buf, (int)n, NULL, &jerr);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, jerr, "setting counter %s to 0", subject);
    uint64_t seq = 0, before = 0, after = 0;
    if (read_counter(c->run.js, c->stream, subject, &out->start, &seq, err) != 0 ||
        subject_count(c, subject, &before, err) != 0)
        return -1;

    gate start = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
    writer w[PS_CAS_WRITERS];
    pthread_t tid[PS_CAS_WRITERS];
    int started = 0, rc = 0;
    for (int i = 0; i < PS_CAS_WRITERS; i++) {
        w[i] = (writer){.id = i + 1,
                        .urls = c->run.urls,
                        .stream = c->stream,
                        .subject = subject,
                        .count = c->opts.cas_count,
                        .expect = expect,
                        .start = &start,
                        .latency = nx_hist_new()};
        if (w[i].latency == NULL || pthread_create(&tid[i], NULL, writer_main, &w[i]) != 0) {
            nx_hist_free(w[i].latency);
            rc = nx_fail(err, "cannot start CAS writer %d", i + 1);
            break;
        }
        started++;
    }
    int64_t t0 = nx_now_ns();
    gate_release(&start, rc != 0);
    for (int i = 0; i < started; i++) {
        pthread_join(tid[i], NULL);
        if (w[i].rc != 0 && rc == 0)
            rc = nx_fail(err, "%s", w[i].err.msg);
        out->conflicts += w[i].conflicts;
        nx_hist_merge(out->latency, w[i].latency);
        nx_hist_free(w[i].latency);
    }
    out->elapsed_ns = nx_now_ns() - t0;
    pthread_mutex_destroy(&start.mu);
    pthread_cond_destroy(&start.cv);
    if (rc != 0)
        return -1;
    out->increments = nx_hist_count(out->latency);
    if (read_counter(c->run.js, c->stream, subject, &out->final, &seq, err) != 0 ||
        subject_count(c, subject, &after, err) != 0)
        return -1;
    out->stored = after - before;
    return 0;
}

static int emit(ps_ctx *c, const ps_cas_result *r, long lost, bool verified, nx_err *err)
{
    char note[320];
    if (r->expect)
        snprintf(note, sizeof note,
                 "%d writers (own connections) x %ld increments, get-last then publish with "
                 "ExpectLastSubjectSeq, retry on error %d or %d: %llu conflicts, counter %ld -> "
                 "%ld, %ld lost; safe on R%ld with this release per the version table: %s",
                 PS_CAS_WRITERS, c->opts.cas_count, PS_ERR_WRONG_LAST_SEQ,
                 PS_ERR_WRONG_LAST_SEQ_CONST, (unsigned long long)r->conflicts, r->start, r->final,
                 lost, c->opts.common.replicas, ps_cas_expected_safe(c) ? "yes" : "no");
    else
        snprintf(note, sizeof note,
                 "%d writers (own connections) x %ld increments, get-last then publish without "
                 "expectation: counter %ld -> %ld, %ld lost updates",
                 PS_CAS_WRITERS, c->opts.cas_count, r->start, r->final, lost);
    nx_row row;
    ps_row_init(c, &row, r->expect ? "cas_update" : "update_no_cas", "jetstream",
                r->expect ? "cas expect_last_subject_seq" : "cas none");
    row.payload_bytes = -1; /* the counter is its value as text, not --payload bytes */
    row.count = r->increments;
    row.seconds = (double)r->elapsed_ns / 1e9;
    row.rate_per_s = nx_rate(r->increments, r->elapsed_ns);
    nx_row_set_latency(&row, r->latency);
    row.verified = verified;
    row.note = note;
    return ps_emit(c, &row, err);
}

static void print_row(const ps_ctx *c, const char *mode, const ps_cas_result *r, long lost)
{
    if (ps_quiet(c))
        return;
    char conflicts[24] = "-";
    if (r->expect)
        snprintf(conflicts, sizeof conflicts, "%llu", (unsigned long long)r->conflicts);
    printf("  %-24s %9ld %10s %7ld %11.0f %9.1f %9.1f\n", mode, r->final - r->start, conflicts,
           lost, nx_rate(r->increments, r->elapsed_ns),
           (double)nx_hist_percentile(r->latency, 0.5) / 1e3,
           (double)nx_hist_percentile(r->latency, 0.99) / 1e3);
}

/* Increments that were accepted but are missing from the counter. */
static long lost_updates(const ps_ctx *c, const ps_cas_result *r)
{
    return PS_CAS_WRITERS * c->opts.cas_count - (r->final - r->start);
}

static int check_safe(const ps_ctx *c, const ps_cas_result *r, nx_err *err)
{
    long made = PS_CAS_WRITERS * c->opts.cas_count;
    /* The model: every increment counts once. The cas fault makes it expect
     * one more than the writers made. */
    long want = made + (c->opts.fault == PS_FAULT_CAS ? 1 : 0);
    if (r->final - r->start != want) {
        long lost = lost_updates(c, r);
        char known[200] = "";
        if (lost > 0)
            ps_cas_known_loss(c, known, sizeof known);
        return nx_fail(err,
                       "compare-and-set: the counter gained %ld, the model expects %ld (%d "
                       "writers x %ld increments)%s%s",
                       r->final - r->start, want, PS_CAS_WRITERS, c->opts.cas_count,
                       lost > 0 ? ": increments accepted with ExpectLastSubjectSeq were lost" : "",
                       known);
    }
    if (r->stored != (uint64_t)made || r->increments != (uint64_t)made)
        return nx_fail(err,
                       "compare-and-set: %llu increments accepted and %llu stored, expected "
                       "%ld of each",
                       (unsigned long long)r->increments, (unsigned long long)r->stored, made);
    return 0;
}

static int check_blind(const ps_ctx *c, const ps_cas_result *r, nx_err *err)
{
    long made = PS_CAS_WRITERS * c->opts.cas_count;
    if (r->stored != (uint64_t)made || lost_updates(c, r) < 0)
        return nx_fail(err,
                       "update without expectation: %llu stored and the counter gained %ld, "
                       "expected %ld stored and at most %ld gained",
                       (unsigned long long)r->stored, r->final - r->start, made, made);
    return 0;
}

int ps_cas_phase(ps_ctx *c, nx_err *err)
{
    char safe[NX_SUBJECT_MAX * 2], blind[NX_SUBJECT_MAX * 2];
    if (nx_run_subject(&c->run, "cas", "counter", safe, sizeof safe, err) != 0 ||
        nx_run_subject(&c->run, "cas", "blind", blind, sizeof blind, err) != 0)
        return -1;
    ps_cas_result a, b;
    memset(&b, 0, sizeof b);
    /* Both runs complete and are reported before a failed check ends the
     * run, so a lost update shows up in the table and the CSV too. */
    nx_err safe_err = {{0}}, blind_err = {{0}};
    int rc = ps_cas_run(c, safe, true, &a, err);
    if (rc == 0)
        rc = ps_cas_run(c, blind, false, &b, err);
    if (rc != 0) {
        nx_hist_free(a.latency);
        nx_hist_free(b.latency);
        return -1;
    }
    bool safe_ok = check_safe(c, &a, &safe_err) == 0;
    bool blind_ok = check_blind(c, &b, &blind_err) == 0;
    long made = PS_CAS_WRITERS * c->opts.cas_count;
    if (!ps_quiet(c)) {
        printf("Compare-and-set: %d writers (threads, own connections) x %ld increments of one "
               "counter point\n"
               "  %-24s %9s %10s %7s %11s %9s %9s\n",
               PS_CAS_WRITERS, c->opts.cas_count, "publish", "gained", "conflicts", "lost",
               "updates/s", "p50 us", "p99 us");
        print_row(c, "expect last subject seq", &a, lost_updates(c, &a));
        print_row(c, "no expectation", &b, lost_updates(c, &b));
        if (safe_ok)
            printf("  with the expectation every conflict was detected (error %d/%d) and "
                   "retried; without it %ld of %ld increments were lost\n",
                   PS_ERR_WRONG_LAST_SEQ, PS_ERR_WRONG_LAST_SEQ_CONST, lost_updates(c, &b), made);
        else
            printf("  with the expectation %ld of %ld increments were lost: see the error "
                   "below\n",
                   lost_updates(c, &a), made);
        ps_cas_print_verdict(c, lost_updates(c, &a), made);
    }
    rc = emit(c, &a, lost_updates(c, &a), safe_ok, err);
    if (rc == 0)
        rc = emit(c, &b, lost_updates(c, &b), blind_ok, err);
    if (rc == 0 && !safe_ok)
        rc = nx_fail(err, "%s", safe_err.msg);
    if (rc == 0 && !blind_ok)
        rc = nx_fail(err, "%s", blind_err.msg);
    nx_hist_free(a.latency);
    nx_hist_free(b.latency);
    return rc;
}
