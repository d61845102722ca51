/* The round trip every node-state read is judged against: PING/PONG on the
 * reading connection of the one-round-trip methods (ps_fast.h), timed in the
 * same chunks as the reads so that both see the same load; one ping_rtt row
 * per history depth. After the last depth, the targets: the best JetStream
 * method's p50 within 2x of a ping at every depth and within 1.2x from the
 * shallowest depth to the deepest, plus every method's JetStream / SQLite
 * (seek) ratio per depth. */
#ifndef PS_YARDSTICK_H
#define PS_YARDSTICK_H

#include "nx_stats.h"
#include "ps_ctx.h"

#define PS_TARGET_PING_X 2.0
#define PS_TARGET_DEPTH_X 1.2

typedef struct ps_ping {
    nx_hist *all, *round;
    double *round_p50; /* per --repeat round */
    long rounds;
    int64_t busy_ns;
} ps_ping;

int ps_ping_open(ps_ping *p, long rounds, nx_err *err);
void ps_ping_free(ps_ping *p);

/* n timed pings. */
int ps_ping_chunk(ps_ctx *c, ps_ping *p, long n, nx_err *err);

/* Closes round r. */
void ps_ping_round_end(ps_ping *p, long r);

/* Prints the ping line of the depth's read table, writes its row and keeps
 * its p50 (median of the rounds) for the targets. */
int ps_ping_emit(ps_ctx *c, size_t di, const ps_ping *p, nx_err *err);

/* The x-ping and x-SQLite tables and the target lines. */
void ps_print_targets(const ps_ctx *c);

#endif
