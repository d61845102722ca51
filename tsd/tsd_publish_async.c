/* js_PublishAsync with a window (jsOptions.PublishAsync.MaxPending). With an
 * AckHandler every ack is checked (stream sequence, errors) and timed from
 * its publish; without one the library drops acks unread, errors included,
 * and only the read-back afterwards can tell whether all points arrived. */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "nx_conn.h"
#include "nx_progress.h"
#include "nx_wait.h"
#include "tsd_publish.h"

/* On the heap, as its ring: the library calls on_ack from its own thread. */
typedef struct ack_state {
    atomic_int in_handler; /* on_ack running: wait before freeing */
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
    atomic_fetch_add(&st->in_handler, 1);
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
    atomic_fetch_sub(&st->in_handler, 1);
}

static bool handler_idle(void *arg)
{
    return atomic_load(&((ack_state *)arg)->in_handler) == 0;
}

/* Acks still pending (a wait that timed out) are taken back, so one that
 * arrives later finds nothing to call, and a handler already running is
 * waited for: after this no handler touches st. Returns how many were taken
 * back. */
static int quiesce(jsCtx *js, ack_state *st)
{
    natsMsgList pending = {0};
    int taken = 0;
    if (js_PublishAsyncGetPendingList(&pending, js) == NATS_OK) {
        taken = pending.Count;
        natsMsgList_Destroy(&pending);
    }
    nx_poll_until(handler_idle, st, 1, 10000);
    return taken;
}

static void free_state(ack_state *st)
{
    free(st->sent_ns);
    free(st);
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
    ack_state *st = calloc(1, sizeof *st);
    uint64_t ring = ring_size(how->window);
    if (st == NULL || (st->sent_ns = calloc(ring, sizeof *st->sent_ns)) == NULL) {
        free(st);
        return nx_fail(err, "out of memory");
    }
    st->seq_base = l->seq_base;
    st->lat = lat;
    st->next_seq = l->first_g + l->seq_base;
    st->ring_mask = ring - 1;

    jsOptions jo;
    jsOptions_Init(&jo);
    jo.Wait = 10000;
    jo.PublishAsync.MaxPending = how->window;
    /* A full window waits for acks; the default 200 ms would turn a slow
     * disk into an error instead of a number. */
    jo.PublishAsync.StallWait = 60000;
    if (how->ack_handler) {
        jo.PublishAsync.AckHandler = on_ack;
        jo.PublishAsync.AckHandlerClosure = st;
    }
    jsCtx *js = NULL;
    natsStatus s = natsConnection_JetStream(&js, nc, &jo);
    if (s != NATS_OK) {
        free_state(st);
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
        st->sent_ns[g & st->ring_mask] = nx_now_ns();
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
    int taken = quiesce(js, st);
    if (rc == 0 && s != NATS_OK)
        rc = nx_nats_fail(err, s, 0,
                          "waiting for the acks of %llu async publishes (%d still "
                          "pending, taken back)",
                          (unsigned long long)l->count, taken);
    if (rc == 0 && st->failed)
        rc = nx_fail(err, "%s", st->err.msg);
    if (rc == 0 && how->ack_handler && st->acks != l->count)
        rc = nx_fail(err, "%llu acks for %llu async publishes", (unsigned long long)st->acks,
                     (unsigned long long)l->count);
    jsCtx_Destroy(js);
    free_state(st);
    return rc;
}
