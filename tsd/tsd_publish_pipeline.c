/* Asynchronous JetStream publishing without js_PublishAsync: every point is a
 * core publish with one fixed reply inbox, and the publishing thread itself
 * reads acks from a synchronous subscription whenever `window` are
 * outstanding. The server acks one connection's messages to one stream in
 * order, so the k-th ack belongs to the k-th point, and each is checked
 * (stream sequence, errors) and timed.
 *
 * It skips what the library does per message (a natsMsg copy, a random reply
 * token, a hash map insert and remove, a hand-off to a callback thread),
 * which shows how much of js_PublishAsync's cost is the client's. */
#include <stdlib.h>

#include "nx_conn.h"
#include "nx_progress.h"
#include "nx_sub.h"
#include "tsd_puback.h"
#include "tsd_publish.h"

typedef struct pipeline {
    natsSubscription *sub;
    const tsd_load *load;
    uint64_t acked;   /* points acknowledged so far */
    int64_t *sent_ns; /* ring indexed by point number */
    uint64_t ring_mask;
    nx_hist *lat;
} pipeline;

static int take_ack(pipeline *pl, nx_err *err)
{
    natsMsg *m = NULL;
    natsStatus s = natsSubscription_NextMsg(&m, pl->sub, 60000);
    uint64_t g = pl->load->first_g + pl->acked;
    if (s != NATS_OK)
        return nx_nats_fail(err, s, 0, "waiting for the ack of point %llu", (unsigned long long)g);
    int64_t now = nx_now_ns();
    uint64_t seq = 0;
    int rc = tsd_puback_seq(natsMsg_GetData(m), (size_t)natsMsg_GetDataLength(m), &seq, err);
    if (rc != 0)
        nx_fail_wrap(err, "point %llu: ", (unsigned long long)g);
    else if (seq != g + pl->load->seq_base)
        rc = nx_fail(err, "point %llu acked at stream sequence %llu, expected %llu",
                     (unsigned long long)g, (unsigned long long)seq,
                     (unsigned long long)(g + pl->load->seq_base));
    natsMsg_Destroy(m);
    if (pl->lat)
        nx_hist_record(pl->lat, now - pl->sent_ns[g & pl->ring_mask]);
    pl->acked++;
    return rc;
}

static int connect_second(tsd_ctx *ctx, natsConnection **nc, nx_err *err)
{
    return nx_connect(nc, ctx->run->urls, "tsd-acks", err);
}

int tsd_publish_pipeline(tsd_ctx *ctx, const tsd_pub *how, tsd_writer *w, natsConnection *nc,
                         nx_hist *lat, int64_t *elapsed_ns, nx_err *err)
{
    const tsd_load *l = w->load;
    pipeline pl = {.load = l, .lat = lat};
    uint64_t ring = 1;
    while (ring < (uint64_t)how->window + 1)
        ring <<= 1;
    pl.ring_mask = ring - 1;
    pl.sent_ns = calloc(ring, sizeof *pl.sent_ns);
    natsConnection *ack_nc = nc;
    natsInbox *inbox = NULL;
    int rc = pl.sent_ns ? 0 : nx_fail(err, "out of memory");
    if (rc == 0 && how->ack_conn)
        rc = connect_second(ctx, &ack_nc, err);
    natsStatus s = NATS_OK;
    if (rc == 0) {
        s = natsInbox_Create(&inbox);
        if (s == NATS_OK)
            s = natsConnection_SubscribeSync(&pl.sub, ack_nc, inbox);
        /* The window bounds what can queue up; never drop an ack. */
        if (s == NATS_OK)
            s = natsSubscription_SetPendingLimits(pl.sub, -1, -1);
        /* The server must know the inbox before the first ack is sent to it,
         * which matters when the acks use a second connection. */
        if (s == NATS_OK)
            s = natsConnection_Flush(ack_nc);
        if (s != NATS_OK)
            rc = nx_nats_fail(err, s, 0, "subscribing to the ack inbox");
    }

    nx_progress p;
    nx_progress_start(&p, how->label ? how->label : "pipeline", l->count, ctx->opts->base.quiet);
    int64_t t0 = nx_now_ns();
    uint64_t sent = 0;
    for (; sent < l->count && rc == 0; sent++) {
        uint64_t g = l->first_g + sent;
        const char *subject = tsd_writer_point(w, g);
        pl.sent_ns[g & pl.ring_mask] = nx_now_ns();
        s = natsConnection_PublishRequest(nc, subject, inbox, w->buf, (int)w->len);
        if (s != NATS_OK)
            rc = nx_nats_fail(err, s, 0, "publishing point %llu", (unsigned long long)g);
        while (rc == 0 && sent + 1 - pl.acked >= (uint64_t)how->window)
            rc = take_ack(&pl, err);
        nx_progress_update(&p, sent + 1);
    }
    while (rc == 0 && pl.acked < sent)
        rc = take_ack(&pl, err);
    *elapsed_ns = nx_now_ns() - t0;
    nx_progress_end(&p);

    nx_sub_close(ack_nc, pl.sub);
    natsInbox_Destroy(inbox);
    if (ack_nc != nc)
        natsConnection_Destroy(ack_nc);
    free(pl.sent_ns);
    return rc;
}
