/* Asynchronous JetStream publishing for setup and sync loads: a window of
 * outstanding acks, every failed publish counted, and a teardown after which
 * no ack callback can touch freed state (nats.c keeps calling the error
 * handler for acks that arrive late unless their entries are taken back).
 *
 * tsd's timed publishers need per-ack latency and keep their own code; this
 * is for everything that only needs "all acked, or say what failed". */
#ifndef NX_ASYNCPUB_H
#define NX_ASYNCPUB_H

#include <nats/nats.h>
#include <stdint.h>

#include "nx_err.h"

typedef struct nx_asyncpub nx_asyncpub;

/* A publisher on nc keeping at most window acks outstanding; domain NULL for
 * the local JetStream. */
int nx_asyncpub_open(nx_asyncpub **out, natsConnection *nc, const char *domain, int64_t window,
                     nx_err *err);

/* Publishes data on subject (blocks while the window is full). */
int nx_asyncpub_send(nx_asyncpub *p, const char *subject, const void *data, int len, nx_err *err);

/* Waits up to timeout_ms for every outstanding ack; fails when acks are
 * still missing or any publish failed, naming the first failure. */
int nx_asyncpub_wait(nx_asyncpub *p, int64_t timeout_ms, nx_err *err);

/* Publishes the server rejected or that timed out, so far. */
uint64_t nx_asyncpub_failures(const nx_asyncpub *p);

/* Takes back whatever is still outstanding and frees everything. NULL is
 * allowed. */
void nx_asyncpub_close(nx_asyncpub *p);

#endif
