/* A byte-counting TCP relay on loopback, carried between the leaf's remote
 * and the hub's leafnode port, so the link cost is read from what really
 * crosses the wire (protocol lines, subjects, headers, flow control,
 * heartbeats, pings) and not from /leafz, which counts payload bytes only.
 *
 * It runs in its own thread, accepts a new connection whenever the leaf
 * reconnects, and can pace what it forwards to a given bit rate to stand in
 * for a slow cellular link. Counts cover TCP payload bytes; the IP and TCP
 * headers a real link adds per segment are not in them. */
#ifndef BDS_RELAY_H
#define BDS_RELAY_H

#include <stdbool.h>
#include <stdint.h>

#include "nx_err.h"

typedef enum {
    BDS_RELAY_UP = 0,   /* accepted side (leaf) -> upstream (hub) */
    BDS_RELAY_DOWN = 1, /* upstream (hub) -> accepted side (leaf) */
} bds_relay_dir;

typedef struct bds_relay_counts {
    uint64_t bytes[2]; /* forwarded, by bds_relay_dir */
    uint64_t reads[2]; /* chunks read: each arrived as at least one segment */
    uint64_t accepted; /* connections accepted so far */
    int active;        /* connection pairs open now */
} bds_relay_counts;

typedef struct bds_relay bds_relay;

/* Listens on a random loopback port and forwards every accepted connection
 * to 127.0.0.1:upstream_port (0: refused until bds_relay_set_upstream). */
int bds_relay_start(bds_relay **out, int upstream_port, nx_err *err);

/* Where accepted connections go from now on: lets the relay listen before
 * the hub starts, so the hub can advertise the relay's port. */
void bds_relay_set_upstream(bds_relay *r, int upstream_port);

int bds_relay_port(const bds_relay *r);

void bds_relay_read_counts(bds_relay *r, bds_relay_counts *out);

/* after - before, per counter (active is after's). */
bds_relay_counts bds_relay_counts_diff(const bds_relay_counts *after,
                                       const bds_relay_counts *before);

/* Paces both directions to bits_per_s each (0: unlimited). */
void bds_relay_set_rate(bds_relay *r, long bits_per_s);

/* Holds every byte one_way_ms in each direction before forwarding it, in
 * order, on top of the pacing (0: none). A delayed direction keeps reading
 * while up to 1 MiB is in flight. */
void bds_relay_set_delay(bds_relay *r, long one_way_ms);

/* A dropout: true closes every connection pair at once (bytes in flight are
 * lost) and refuses the leaf's reconnects until false. */
void bds_relay_set_down(bds_relay *r, bool down);

/* Connection pairs closed by dropouts so far. */
uint64_t bds_relay_cuts(bds_relay *r);

/* Closes every connection and the listener and joins the thread. NULL is
 * allowed. */
void bds_relay_stop(bds_relay *r);

#endif
