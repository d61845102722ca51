/* Failover: js_PublishMsgAsync into an R3 stream of a spawned cluster while
 * the server that leads the stream is killed with SIGKILL.
 *
 * Each point carries a message id (Nats-Msg-Id = its number), so a point
 * sent again is stored once. A point answered with an error (no responders
 * while there is no leader) is sent again after a pause that doubles while
 * no ack comes, and new points wait meanwhile; points whose ack does not
 * come within a second of a stalled window are taken back from the library
 * (js_PublishAsyncGetPendingList) and sent again. Publishing goes on until
 * every point is acknowledged.
 *
 * Two checks, one row each: failover_publish (the stream is read back from
 * the new leader: every acknowledged point there, byte for byte) and
 * failover_rejoin (the killed server, restarted on its store dir, must make
 * the stream whole again: every replica current, every member's own copy
 * holding every message). */
#ifndef TSD_FAILOVER_H
#define TSD_FAILOVER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "nx_err.h"
#include "tsd_ctx.h"

/* In-flight publishes: large enough to keep an R3 stream busy, small enough
 * that what a lost leader leaves unanswered is resent quickly. */
#define TSD_FAILOVER_WINDOW 1024

typedef struct tsd_failover {
    uint64_t count;      /* points published */
    uint64_t kill_at;    /* the leader was killed just before this point was published */
    uint64_t acked;      /* points acknowledged (each once) */
    uint64_t stored;     /* messages the stream holds afterwards */
    uint64_t lost;       /* acknowledged points missing from the read-back */
    uint64_t first_lost; /* the first of them */
    uint64_t duplicates; /* points stored more than once */
    uint64_t failed;     /* publishes answered with an error */
    uint64_t resent;     /* publishes sent again (after an error or no ack in time) */
    char old_leader[64], new_leader[64];
    char first_error[160];    /* what the first failed publish was answered with */
    char read_method[300];    /* how the stream was read back */
    bool publisher_on_leader; /* the publisher's own server was the one killed */
    bool meta_leader_killed;  /* it was the JetStream meta leader too */
    double publish_s;         /* first publish until every point was acknowledged */
    double gap_s;             /* the longest time without an ack */
    double election_s;        /* kill until stream info named another leader (< 0: unknown) */
    double resume_s;          /* kill until the first ack of a point published after it */
    double rejoin_s;          /* restart of the killed server until whole (or given up) */
    int rejoin_limit_s;       /* how long the restarted server was given */
    bool nothing_lost;        /* every acknowledged point read back intact */
    bool whole;               /* the stream became whole again after the restart */
    bool verified;            /* both */
    char why[400];            /* what failed, when not verified */
} tsd_failover;

/* Runs the case on ctx's stream (R3, spawned cluster) and adds its two rows
 * to ctx's report. Returns -1 when the case could not run (the error in
 * err); a case whose checks failed returns 0 with out->verified false and
 * out->why saying what failed, so its rows are written first. */
int tsd_failover_run(tsd_ctx *ctx, uint64_t count, tsd_failover *out, nx_err *err);

void tsd_failover_print(FILE *out, const tsd_failover *f);

#endif
