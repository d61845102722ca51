/* The round-trip yardstick: PING/PONG on a connection (natsConnection_Flush),
 * timed one at a time. A request/reply can never beat it on the same
 * connection, so "within 1.5x of a ping" is a target measured in one run,
 * never an absolute time. Rows of it carry op `ping_rtt`. */
#ifndef NX_PING_H
#define NX_PING_H

#include <nats/nats.h>
#include <stdint.h>

#include "nx_err.h"
#include "nx_stats.h"

#define NX_PING_OP "ping_rtt"

/* Records n round trips into h (nanoseconds) and returns 0; the elapsed
 * time of all n is stored in *elapsed_ns when not NULL. A few untimed
 * pings first warm the path. */
int nx_ping_rtt(natsConnection *nc, uint64_t n, nx_hist *h, int64_t *elapsed_ns, nx_err *err);

#endif
