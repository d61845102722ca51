/* js_PublishAsync with a window (jsOptions.PublishAsync.MaxPending). With an
 * AckHandler every ack is checked (stream sequence, errors) and timed from
 * its publish; without one the library drops acks unread, errors included,
 * and only the read-back afterwards can tell whether all points arrived. */
#include <stdlib.h>
#include <string.h>

#include "nx_conn.h"
#include "nx_progress.h"
#include "tsd_publish.h"

typedef struct ack_state {
    uint64_t seq_base;
    uint64_t acks;
    uint64_t next_seq; /* acks come in publish order on one connection */
    int64_t *sent_ns;  /* ring indexed by point number */
    uint64_t ring_mask;
    nx_hist *lat;
    bool failed;
    nx_err err; /* the first failure */
} ack_state;

static void on_ack(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae, void *closure)
{
    (void)js;
    ack_state *st = closure;
    int64_t now = nx_now_ns();
    uint64_t g = 0;
    bool known = tsd_point_index((const uint8_t *)natsMsg_GetData(msg),
                                 (size_t)natsMsg_GetDataLength(msg), &g);
    st->acks++;
    if (!st->failed) {
        if (!known) {
            st->failed = true;
            nx_fail(&st->err, "an acked message is not a tsd point");
        } else if (pae != NULL) {
            st->failed = true;
            nx_fail(&st->err, "js_PublishAsync of point %llu failed: %s%s", (unsigned long long)g,
                    natsStatus_GetText(pae->Err), pae->ErrText ? pae->ErrText : "");
        } else if (pa->Sequence != g + st->seq_base || pa->Sequence != st->next_seq) {
            st->failed = true;
            nx_fail(&st->err, "point %llu acked at stream sequence %llu, expected %llu",
                    (unsigned long long)g, (unsigned long long)pa->Sequence,
                    (unsigned long long)st->next_seq);
        }
    }
    if (known && st->lat)
        nx_hist_record(st->lat, now - st->sent_ns[g & st->ring_mask]);
    st->next_seq++;
    natsMsg_Destroy(msg);
}

static uint64_t ring_size(long window)
{
    /* The library lets a window's worth be pending while the handler of the
     * oldest still runs, so twice the window never reuses a live slot. */
    uint64_t n = 1;
    while (n < 2 * (uint64_t)window)
        n <<= 1;
    return n;
}

int tsd_publish_async(tsd_ctx *ctx, const tsd_pub *how, tsd_writer *w, natsConnection *nc,
                      nx_hist *lat, int64_t *elapsed_ns, nx_err *err)
{
    const tsd_load *l = w->load;
    ack_state st = {.seq_base = l->seq_base, .lat = lat};
    st.next_seq = l->first_g + l->seq_base;
    uint64_t ring = ring_size(how->window);
    st.ring_mask = ring - 1;
    st.sent_ns = calloc(ring, sizeof *st.sent_ns);
    if (st.sent_ns == NULL)
        return nx_fail(err, "out of memory");

    jsOptions jo;
    jsOptions_Init(&jo);
    jo.Wait = 10000;
    jo.PublishAsync.MaxPending = how->window;
    /* A full window waits for acks; the default 200 ms would turn a slow
     * disk into an error instead of a number. */
    jo.PublishAsync.StallWait = 60000;
    if (how->ack_handler) {
        jo.PublishAsync.AckHandler = on_ack;
        jo.PublishAsync.AckHandlerClosure = &st;
    }
    jsCtx *js = NULL;
    natsStatus s = natsConnection_JetStream(&js, nc, &jo);
    if (s != NATS_OK) {
        free(st.sent_ns);
        return nx_nats_fail(err, s, 0, "creating the async JetStream context");
    }

    nx_progress p;
    nx_progress_start(&p, how->label ? how->label : "js_PublishAsync", l->count,
                      ctx->opts->base.quiet);
    int rc = 0;
    int64_t t0 = nx_now_ns();
    for (uint64_t k = 0; k < l->count && rc == 0; k++) {
        uint64_t g = l->first_g + k;
        const char *subject = tsd_writer_point(w, g);
        st.sent_ns[g & st.ring_mask] = nx_now_ns();
        s = js_PublishAsync(js, subject, w->buf, (int)w->len, NULL);
        if (s != NATS_OK)
            rc = nx_nats_fail(err, s, 0, "js_PublishAsync of point %llu (window %ld)",
                              (unsigned long long)g, how->window);
        nx_progress_update(&p, k + 1);
    }
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = 60000 + (int64_t)(l->count / 10);
    s = js_PublishAsyncComplete(js, &po);
    *elapsed_ns = nx_now_ns() - t0;
    nx_progress_end(&p);
    if (rc == 0 && s != NATS_OK)
        rc = nx_nats_fail(err, s, 0, "waiting for the acks of %llu async publishes",
                          (unsigned long long)l->count);
    if (rc == 0 && st.failed)
        rc = nx_fail(err, "%s", st.err.msg);
    if (rc == 0 && how->ack_handler && st.acks != l->count)
        rc = nx_fail(err, "%llu acks for %llu async publishes", (unsigned long long)st.acks,
                     (unsigned long long)l->count);
    jsCtx_Destroy(js);
    free(st.sent_ns);
    return rc;
}
