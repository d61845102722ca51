/* Per-message TTL (nats-server 2.11+): a prop "ttl" is written on up to
 * PS_TTL_MAX nodes with header Nats-TTL (1, 2 or 3 s, so that the expiries
 * spread over the reads; the server keeps a TTL in whole seconds, so
 * "1400ms" would be 1 s) to the stream and the KV bucket (both get
 * allow_msg_ttl), and to SQLite, where an expiry job deletes the rows whose
 * time has come (SQLite has no TTL of its own). Every read method then reads
 * those nodes over and over while the props expire: each read must be the
 * model's state with the prop before its TTL and without it after; a prop
 * still there PS_TTL_GRACE_MS after its TTL fails the run. On an older
 * server the phase prints nx_feature_missing_line and writes no row. */
#ifndef PS_TTL_H
#define PS_TTL_H

#include "ps_ctx.h"

#define PS_TTL_MAX 10
#define PS_TTL_PROP "ttl"
#define PS_TTL_STEPS 3 /* TTLs of 1..PS_TTL_STEPS seconds */
/* Expiry is the server's timer: allow it this long after the TTL. */
#define PS_TTL_GRACE_MS 3000
/* A prop may not go earlier than its TTL (less this, for the clock reads
 * around the publish). */
#define PS_TTL_EARLY_MS 20

int ps_ttl_run(ps_ctx *c, nx_err *err);

#endif
