#include "nx_asyncpub.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#include "nx_conn.h"
#include "nx_wait.h"

struct nx_asyncpub {
    jsCtx *js;
    atomic_uint_fast64_t failures;
    atomic_int first_status;
    atomic_int first_code;
    atomic_int in_handler;
    bool published; /* a js_PublishAsync was accepted (publishing thread only) */
};

static void on_error(jsCtx *js, jsPubAckErr *pae, void *closure)
{
    (void)js;
    nx_asyncpub *p = closure;
    atomic_fetch_add(&p->in_handler, 1);
    if (atomic_fetch_add(&p->failures, 1) == 0) {
        atomic_store(&p->first_status, (int)pae->Err);
        atomic_store(&p->first_code, (int)pae->ErrCode);
    }
    atomic_fetch_sub(&p->in_handler, 1);
}

int nx_asyncpub_open(nx_asyncpub **out, natsConnection *nc, const char *domain, int64_t window,
                     nx_err *err)
{
    nx_asyncpub *p = calloc(1, sizeof *p);
    if (p == NULL)
        return nx_fail(err, "out of memory");
    jsOptions o;
    jsOptions_Init(&o);
    o.Domain = domain;
    o.Wait = 30000;
    o.PublishAsync.MaxPending = window;
    /* A busy shared machine may hold a full window for longer than the
     * default 200 ms; a stall is not a failure. */
    o.PublishAsync.StallWait = 30000;
    o.PublishAsync.ErrHandler = on_error;
    o.PublishAsync.ErrHandlerClosure = p;
    natsStatus s = natsConnection_JetStream(&p->js, nc, &o);
    if (s != NATS_OK) {
        free(p);
        return nx_nats_fail(err, s, 0, "creating an async publishing context");
    }
    *out = p;
    return 0;
}

int nx_asyncpub_send(nx_asyncpub *p, const char *subject, const void *data, int len, nx_err *err)
{
    natsStatus s = js_PublishAsync(p->js, subject, data, len, NULL);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, 0, "async publish to %s", subject);
    p->published = true;
    return 0;
}

int nx_asyncpub_wait(nx_asyncpub *p, int64_t timeout_ms, nx_err *err)
{
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = timeout_ms;
    natsStatus s = js_PublishAsyncComplete(p->js, &po);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, 0, "waiting %lld ms for async publish acks",
                            (long long)timeout_ms);
    uint64_t failed = atomic_load(&p->failures);
    if (failed > 0)
        return nx_fail(err, "%llu async publishes failed; the first: %s (JetStream error %d)",
                       (unsigned long long)failed,
                       natsStatus_GetText((natsStatus)atomic_load(&p->first_status)),
                       atomic_load(&p->first_code));
    return 0;
}

uint64_t nx_asyncpub_failures(const nx_asyncpub *p)
{
    return atomic_load(&((nx_asyncpub *)p)->failures);
}

static bool handlers_idle(void *ctx)
{
    return atomic_load(&((nx_asyncpub *)ctx)->in_handler) == 0;
}

void nx_asyncpub_close(nx_asyncpub *p)
{
    if (p == NULL)
        return;
    /* Entries taken back are never reported; an ack arriving later finds
     * nothing to call. A handler already running is waited for. */
    natsMsgList pending = {0};
    /* nats.c 3.4 makes its pending map at the first accepted publish and
     * reads it here without a NULL check (a crash when the server died
     * before any publish went out): nothing can be pending then. */
    if (p->published && js_PublishAsyncGetPendingList(&pending, p->js) == NATS_OK)
        natsMsgList_Destroy(&pending);
    nx_poll_until(handlers_idle, p, 1, 5000);
    jsCtx_Destroy(p->js);
    free(p);
}
