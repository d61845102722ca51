/* A replicated stream's group on a spawned cluster: which server leads it,
 * and whether it is whole (every replica current, and every member's own
 * copy holding the leader's messages, first to last sequence, as that
 * member's /jsz reports it: stream info alone can call a replica current
 * that holds fewer or older messages). */
#ifndef TSD_STREAM_GROUP_H
#define TSD_STREAM_GROUP_H

#include <nats/nats.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nx_cluster.h"
#include "nx_err.h"

/* The leader stream info names; "" when it names none. */
int tsd_stream_leader(jsCtx *js, const char *stream, char *out, size_t len, nx_err *err);

/* Polls until the group of an R3 stream is whole with msgs messages, or
 * timeout_ms passes; then *whole says which, and why (when not whole) the
 * last thing that was missing. Fails only when it cannot poll (memory). */
int tsd_stream_wait_whole(jsCtx *js, nx_cluster *cluster, const char *stream, uint64_t msgs,
                          int timeout_ms, bool *whole, char *why, size_t len, nx_err *err);

/* Polls stream info until every replica is current (no /jsz: works with
 * --url too), or timeout_ms passes; *current says which. An ephemeral
 * consumer of an R3 stream is placed on any of its servers and reads that
 * server's copy, so a read that must see the leader's latest state waits
 * for this first. */
int tsd_stream_wait_current(jsCtx *js, const char *stream, int timeout_ms, bool *current, char *why,
                            size_t len);

/* Before a read that must see the leader's latest state on a replicated
 * stream: whole (every member's copy holding msgs) on a spawned cluster,
 * else every replica current as stream info says (all --url allows). */
int tsd_stream_wait_settled(jsCtx *js, nx_cluster *cluster, const char *stream, uint64_t msgs,
                            int timeout_ms, bool *settled, char *why, size_t len, nx_err *err);

#endif
