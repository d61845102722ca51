/* Atomic batch publishing. Points are natsMsg's with headers (nats.c 3.4.1
 * knows nothing of batches); only the commit carries a reply subject, so
 * one PubAck per batch comes back, on one inbox read by the publishing
 * thread. Its "batch" names the batch it commits, so acks are matched to
 * their batch even if they come back out of order. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nx_conn.h"
#include "nx_progress.h"
#include "nx_sub.h"
#include "nx_version.h"
#include "tsd_batch.h"
#include "tsd_insert_cases.h"
#include "tsd_jsapi_stream.h"

#define ACK_WAIT_MS 30000
#define INFLIGHT_MAX 64
#define ATOMIC_BATCHES_MAX 1000

typedef struct atomic_arg {
    long size, inflight;
} atomic_arg;

typedef struct pending {
    uint64_t last_g; /* the batch's last point */
    uint64_t count;
    int64_t sent_ns;
    bool open;
} pending;

typedef struct atomic_pub {
    natsConnection *nc;
    natsSubscription *sub;
    const tsd_load *load;
    char prefix[40]; /* batch id = prefix-<k> */
    pending slot[INFLIGHT_MAX];
    uint64_t open;
    nx_hist *lat;
} atomic_pub;

/* An error ack, or one that names no batch of ours. */
static int ack_error(cJSON *ack, nx_err *err)
{
    cJSON *e = cJSON_GetObjectItemCaseSensitive(ack, "error");
    cJSON *d = e ? cJSON_GetObjectItemCaseSensitive(e, "description") : NULL;
    cJSON *batch = cJSON_GetObjectItemCaseSensitive(ack, "batch");
    return nx_fail(err, "batch %s: %s", cJSON_IsString(batch) ? batch->valuestring : "?",
                   cJSON_IsString(d) ? d->valuestring
                   : e               ? "the server refused it"
                                     : "an ack for no batch of this case");
}

/* Checks one PubAck against the batch it names. */
static int check_ack(atomic_pub *ap, cJSON *ack, nx_err *err)
{
    cJSON *batch = cJSON_GetObjectItemCaseSensitive(ack, "batch");
    unsigned long long k = 0;
    size_t plen = strlen(ap->prefix);
    if (cJSON_GetObjectItemCaseSensitive(ack, "error") || !cJSON_IsString(batch) ||
        strncmp(batch->valuestring, ap->prefix, plen) != 0 ||
        sscanf(batch->valuestring + plen, "-%llu", &k) != 1)
        return ack_error(ack, err);
    pending *p = &ap->slot[k % INFLIGHT_MAX];
    if (!p->open)
        return nx_fail(err, "an ack for batch %llu, which is not in flight", k);
    cJSON *seq = cJSON_GetObjectItemCaseSensitive(ack, "seq");
    cJSON *count = cJSON_GetObjectItemCaseSensitive(ack, "count");
    uint64_t want_seq = p->last_g + ap->load->seq_base;
    if (!cJSON_IsNumber(seq) || (uint64_t)seq->valuedouble != want_seq)
        return nx_fail(err, "batch %llu acked at stream sequence %.0f, expected %llu", k,
                       cJSON_IsNumber(seq) ? seq->valuedouble : -1.0, (unsigned long long)want_seq);
    if (!cJSON_IsNumber(count) || (uint64_t)count->valuedouble != p->count)
        return nx_fail(err, "batch %llu acked with count %.0f, %llu points were sent", k,
                       cJSON_IsNumber(count) ? count->valuedouble : -1.0,
                       (unsigned long long)p->count);
    if (ap->lat)
        nx_hist_record(ap->lat, nx_now_ns() - p->sent_ns);
    p->open = false;
    ap->open--;
    return 0;
}

static int take_ack(atomic_pub *ap, nx_err *err)
{
    natsMsg *m = NULL;
    natsStatus s = natsSubscription_NextMsg(&m, ap->sub, ACK_WAIT_MS);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, 0, "waiting for a batch ack (%llu batches in flight)",
                            (unsigned long long)ap->open);
    cJSON *ack = cJSON_ParseWithLength(natsMsg_GetData(m), (size_t)natsMsg_GetDataLength(m));
    natsMsg_Destroy(m);
    if (ack == NULL)
        return nx_fail(err, "a batch ack that is not JSON");
    int rc = check_ack(ap, ack, err);
    cJSON_Delete(ack);
    return rc;
}

/* Point g as batch member `index` (from 1) of batch k; the commit carries
 * the inbox as its reply subject. */
static int send_point(atomic_pub *ap, tsd_writer *w, uint64_t g, uint64_t k, uint64_t index,
                      bool commit, const char *inbox, nx_err *err)
{
    const char *subject = tsd_writer_point(w, g);
    char id[64], seq[24];
    snprintf(id, sizeof id, "%s-%llu", ap->prefix, (unsigned long long)k);
    snprintf(seq, sizeof seq, "%llu", (unsigned long long)index);
    natsMsg *m = NULL;
    natsStatus s =
        natsMsg_Create(&m, subject, commit ? inbox : NULL, (const char *)w->buf, (int)w->len);
    if (s == NATS_OK)
        s = natsMsgHeader_Set(m, "Nats-Batch-Id", id);
    if (s == NATS_OK)
        s = natsMsgHeader_Set(m, "Nats-Batch-Sequence", seq);
    if (s == NATS_OK && commit)
        s = natsMsgHeader_Set(m, "Nats-Batch-Commit", "1");
    if (s == NATS_OK)
        s = natsConnection_PublishMsg(ap->nc, m);
    natsMsg_Destroy(m);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, 0, "publishing point %llu of batch %llu", (unsigned long long)g,
                            (unsigned long long)k);
    return 0;
}

static int publish_batches(tsd_ctx *ctx, const tsd_pub *how, atomic_pub *ap, tsd_writer *w,
                           const atomic_arg *a, const char *inbox, int64_t *elapsed_ns, nx_err *err)
{
    const tsd_load *l = w->load;
    nx_progress p;
    nx_progress_start(&p, how->label, l->count, ctx->opts->base.quiet);
    int rc = 0;
    uint64_t sent = 0, k = 0;
    int64_t t0 = nx_now_ns();
    for (; sent < l->count && rc == 0; k++) {
        uint64_t n = l->count - sent < (uint64_t)a->size ? l->count - sent : (uint64_t)a->size;
        for (uint64_t i = 1; i <= n && rc == 0; i++)
            rc = send_point(ap, w, l->first_g + sent + i - 1, k, i, i == n, inbox, err);
        sent += n;
        ap->slot[k % INFLIGHT_MAX] = (pending){
            .last_g = l->first_g + sent - 1, .count = n, .sent_ns = nx_now_ns(), .open = true};
        ap->open++;
        while (rc == 0 && ap->open >= (uint64_t)a->inflight)
            rc = take_ack(ap, err);
        nx_progress_update(&p, sent);
    }
    while (rc == 0 && ap->open > 0)
        rc = take_ack(ap, err);
    *elapsed_ns = nx_now_ns() - t0;
    nx_progress_end(&p);
    return rc;
}

static int publish_atomic(tsd_ctx *ctx, const tsd_pub *how, const void *arg, tsd_load *load,
                          tsd_clock *clock, nx_hist *lat, int64_t *elapsed_ns, nx_err *err)
{
    const atomic_arg *a = arg;
    tsd_writer w;
    if (tsd_writer_open(&w, load, &ctx->series, clock, how->probes, err) != 0)
        return -1;
    atomic_pub ap = {.nc = ctx->run->nc, .load = load, .lat = lat};
    snprintf(ap.prefix, sizeof ap.prefix, "tsd%llx", (unsigned long long)load->gen.seed);
    natsInbox *inbox = NULL;
    natsStatus s = natsInbox_Create(&inbox);
    if (s == NATS_OK)
        s = natsConnection_SubscribeSync(&ap.sub, ap.nc, inbox);
    if (s == NATS_OK)
        s = natsSubscription_SetPendingLimits(ap.sub, -1, -1);
    int rc = s == NATS_OK ? 0 : nx_nats_fail(err, s, 0, "subscribing to the batch ack inbox");
    if (rc == 0)
        rc = publish_batches(ctx, how, &ap, &w, a, inbox, elapsed_ns, err);
    load->t_min = w.first_t;
    load->t_max = w.last_t;
    nx_sub_close(ap.nc, ap.sub);
    natsInbox_Destroy(inbox);
    tsd_writer_close(&w);
    return rc;
}

static int atomic_stream(tsd_ctx *ctx, const void *arg, nx_err *err)
{
    (void)arg;
    tsd_stream_extra x = {.allow_atomic = true};
    return tsd_jsapi_stream_fresh(ctx, &x, err);
}

bool tsd_server_has(const tsd_ctx *ctx, int f, long repeat, const char *what)
{
    const char *version = ctx->run->server_version;
    if (nx_version_has(version, (nx_feature)f))
        return true;
    char line[160];
    if (repeat == 0 && !ctx->opts->base.quiet)
        printf("%s: not measured (%s)\n", what,
               nx_feature_missing_line((nx_feature)f, version, line, sizeof line));
    return false;
}

/* A batch costs the server a fixed few milliseconds on file storage
 * (measured: 7-9 ms per commit, 1 ms on memory, whatever the size), so a
 * case writes at most ATOMIC_BATCHES_MAX batches: small batches would
 * otherwise take minutes at --count. */
static uint64_t atomic_count(const tsd_opts *o, long size)
{
    uint64_t cap = (uint64_t)size * ATOMIC_BATCHES_MAX;
    return (uint64_t)o->base.count < cap ? (uint64_t)o->base.count : cap;
}

int tsd_atomic_batch_run(tsd_ctx *ctx, long repeat, nx_err *err)
{
    const tsd_opts *o = ctx->opts;
    if (!tsd_server_has(ctx, NX_FEAT_ATOMIC_BATCH, repeat, "atomic batch publish"))
        return 0;
    for (size_t i = 0; i < o->nbatch_sizes; i++)
        for (size_t j = 0; j < o->nbatch_inflight; j++) {
            atomic_arg a = {.size = o->batch_sizes[i], .inflight = o->batch_inflight[j]};
            char name[96];
            snprintf(name, sizeof name, "atomic batch of %ld, %ld in flight", a.size, a.inflight);
            tsd_insert_spec spec = {
                .op = "js_publish_atomic_batch",
                .name = name,
                .note = "stream allow_atomic; headers Nats-Batch-Id/-Sequence, Nats-Batch-Commit: "
                        "1 on the last; one PubAck per batch, its count and seq checked; p50 = "
                        "commit to ack; at most 1000 batches",
                .how = {.method = TSD_PUB_PIPELINE},
                .count = atomic_count(o, a.size),
                .make_stream = atomic_stream,
                .publish = publish_atomic,
                .arg = &a,
            };
            tsd_load load;
            if (tsd_insert_spec_run(ctx, &spec, &load, err) != 0)
                return -1;
        }
    return 0;
}
