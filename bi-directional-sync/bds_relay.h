/* A byte-counting TCP relay on loopback, carried between the leaf's remote
 * and the hub's leafnode port, so the link cost is read from what really
 * crosses the wire (protocol lines, subjects, headers, flow control,
 * heartbeats, pings) and not from /leafz, which counts payload bytes only.
 *
 * It runs in its own thread, accepts a new connection whenever the leaf
 * reconnects, and can pace what it forwards to a given bit rate to stand in
 * for a slow cellular link. Counts cover TCP payload bytes; the IP and TCP
 * headers a real link adds per segment are not in them. */
#ifndef SYNC_RELAY_H
#define SYNC_RELAY_H

#include <stdint.h>

#include "nx_err.h"

typedef enum {
    RELAY_UP = 0,   /* accepted side (leaf) -> upstream (hub) */
    RELAY_DOWN = 1, /* upstream (hub) -> accepted side (leaf) */
} relay_dir;

typedef struct relay_counts {
    uint64_t bytes[2]; /* forwarded, by relay_dir */
    uint64_t reads[2]; /* chunks read: each arrived as at least one segment */
    uint64_t accepted; /* connections accepted so far */
    int active;        /* connection pairs open now */
} relay_counts;

typedef struct relay relay;

/* Listens on a random loopback port and forwards every accepted connection
 * to 127.0.0.1:upstream_port. */
int relay_start(relay **out, int upstream_port, nx_err *err);

int relay_port(const relay *r);

void relay_read_counts(relay *r, relay_counts *out);

/* after - before, per counter (active is after's). */
relay_counts relay_counts_diff(const relay_counts *after, const relay_counts *before);

/* Paces both directions to bits_per_s each (0: unlimited). */
void relay_set_rate(relay *r, long bits_per_s);

/* Closes every connection and the listener and joins the thread. NULL is
 * allowed. */
void relay_stop(relay *r);

#endif
