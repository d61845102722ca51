/* The reading connection of the one-round-trip methods (pipelined and
 * multi-subject direct gets): its own connection and one wildcard inbox
 * subscription that every answer arrives on. A read publishes its requests
 * (buffered: a plain publish would wait for nats.c's flusher thread, about
 * 1 ms) and then flushes them with a PING in one write (ps_fast_flush);
 * SendAsap would instead write each request by itself.
 *
 * A read takes a new generation number; its requests carry the reply subject
 * <inbox>.<gen>.<index>, so an answer names the read and the request it
 * belongs to, and a late answer of an earlier read is caught as an extra
 * answer instead of being taken for this read's. The PING/PONG yardstick
 * (ping_rtt) is measured on this connection. */
#ifndef PS_FAST_H
#define PS_FAST_H

#include <nats/nats.h>
#include <stdbool.h>
#include <stdint.h>

#include "nx_err.h"

/* Bounds one read that never completes; a read is one round trip. */
#define PS_FAST_WAIT_MS 5000
/* The index an answer to a multi-subject request carries. */
#define PS_FAST_MULTI (-1L)

typedef struct ps_fast {
    natsConnection *nc;
    natsSubscription *sub;
    char inbox[128]; /* the subscription is <inbox>.> */
    uint64_t gen;
} ps_fast;

int ps_fast_open(ps_fast **out, const char *urls, nx_err *err);
void ps_fast_close(ps_fast *f);

/* Sends what was published and waits for the PONG of a PING sent behind it:
 * one write for the whole read. Often every answer is queued before the PONG
 * (42-68% of pipelined reads in --quick runs), so collecting them needs no
 * wake-up per answer; answers that come after it are waited for. */
int ps_fast_flush(ps_fast *f, nx_err *err);

/* Starts a read: the generation its reply subjects carry. */
uint64_t ps_fast_begin(ps_fast *f);

/* <inbox>.<gen>.<index>, or <inbox>.<gen>.m for PS_FAST_MULTI. */
int ps_fast_reply(const ps_fast *f, uint64_t gen, long index, char *buf, size_t len, nx_err *err);

/* The next answer of read gen, waiting until deadline_ns (nx_now_ns clock);
 * *index is the request it answers. An answer of an earlier read, or one
 * whose reply subject is not ours, fails the read. */
int ps_fast_next(ps_fast *f, uint64_t gen, int64_t deadline_ns, natsMsg **m, long *index,
                 nx_err *err);

/* The status code of a direct get answer: 0 for a message (no status),
 * else 204, 404, 408, 413... */
int ps_fast_status(natsMsg *m);

/* Whether the answer is a KV delete or purge marker (KV-Operation header). */
bool ps_fast_kv_deleted(natsMsg *m);

#endif
