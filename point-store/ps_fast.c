#include "ps_fast.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nx_conn.h"
#include "nx_stats.h"
#include "nx_sub.h"

int ps_fast_open(ps_fast **out, const char *urls, nx_err *err)
{
    *out = NULL;
    ps_fast *f = calloc(1, sizeof *f);
    if (f == NULL)
        return nx_fail(err, "out of memory");
    if (nx_connect(&f->nc, urls, "point-store-reader", err) != 0) {
        free(f);
        return -1;
    }
    natsInbox *inbox = NULL;
    natsStatus s = natsInbox_Create(&inbox);
    if (s == NATS_OK) {
        snprintf(f->inbox, sizeof f->inbox, "%s", (const char *)inbox);
        natsInbox_Destroy(inbox);
        char filter[sizeof f->inbox + 2];
        snprintf(filter, sizeof filter, "%s.>", f->inbox);
        s = natsConnection_SubscribeSync(&f->sub, f->nc, filter);
        if (s == NATS_OK)
            s = natsSubscription_SetPendingLimits(f->sub, -1, -1);
    }
    if (s != NATS_OK) {
        nx_nats_fail(err, s, 0, "the reading connection's inbox subscription");
        ps_fast_close(f);
        return -1;
    }
    *out = f;
    return 0;
}

void ps_fast_close(ps_fast *f)
{
    if (f == NULL)
        return;
    if (f->sub)
        nx_sub_close(f->nc, f->sub);
    if (f->nc)
        natsConnection_Destroy(f->nc);
    free(f);
}

int ps_fast_flush(ps_fast *f, nx_err *err)
{
    natsStatus s = natsConnection_FlushTimeout(f->nc, PS_FAST_WAIT_MS);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, 0, "flushing the requests");
    return 0;
}

uint64_t ps_fast_begin(ps_fast *f)
{
    return ++f->gen;
}

int ps_fast_reply(const ps_fast *f, uint64_t gen, long index, char *buf, size_t len, nx_err *err)
{
    int n = index == PS_FAST_MULTI ? snprintf(buf, len, "%s.%" PRIu64 ".m", f->inbox, gen)
                                   : snprintf(buf, len, "%s.%" PRIu64 ".%ld", f->inbox, gen, index);
    if (n < 0 || (size_t)n >= len)
        return nx_fail(err, "internal error: reply subject too long");
    return 0;
}

/* Splits <inbox>.<gen>.<index|m> into gen and index. */
static bool parse_reply(const ps_fast *f, const char *subject, uint64_t *gen, long *index)
{
    size_t n = strlen(f->inbox);
    if (strncmp(subject, f->inbox, n) != 0 || subject[n] != '.')
        return false;
    char *end = NULL;
    *gen = strtoull(subject + n + 1, &end, 10);
    if (end == subject + n + 1 || *end != '.')
        return false;
    if (strcmp(end + 1, "m") == 0) {
        *index = PS_FAST_MULTI;
        return true;
    }
    char *end2 = NULL;
    *index = strtol(end + 1, &end2, 10);
    return end2 != end + 1 && *end2 == '\0' && *index >= 0;
}

int ps_fast_next(ps_fast *f, uint64_t gen, int64_t deadline_ns, natsMsg **m, long *index,
                 nx_err *err)
{
    *m = NULL;
    int64_t left_ms = (deadline_ns - nx_now_ns()) / 1000000;
    natsStatus s = natsSubscription_NextMsg(m, f->sub, left_ms > 0 ? left_ms : 1);
    if (s == NATS_TIMEOUT)
        return nx_fail(err, "no answer within %d ms", PS_FAST_WAIT_MS);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, 0, "waiting for an answer");
    uint64_t got = 0;
    const char *subject = natsMsg_GetSubject(*m);
    if (!parse_reply(f, subject, &got, index) || got != gen) {
        int rc = nx_fail(err,
                         "an extra answer on %s (an answer of read %" PRIu64
                         " arrived during read %" PRIu64 ")",
                         subject, got, gen);
        natsMsg_Destroy(*m);
        *m = NULL;
        return rc;
    }
    return 0;
}

int ps_fast_status(natsMsg *m)
{
    const char *v = NULL;
    if (natsMsgHeader_Get(m, "Status", &v) != NATS_OK || v == NULL)
        return 0;
    return atoi(v);
}

bool ps_fast_kv_deleted(natsMsg *m)
{
    const char *v = NULL;
    return natsMsgHeader_Get(m, "KV-Operation", &v) == NATS_OK && v &&
           (strcmp(v, "DEL") == 0 || strcmp(v, "PURGE") == 0);
}
