/* Crash durability, JetStream against SQLite: what survives when the
 * process that stores the points is killed (SIGKILL) at a random moment.
 *
 * JetStream: points are published with js_PublishAsync while the server is
 * SIGKILLed at a random moment after at least 1000 acks; the server is
 * restarted on the same store dir and every acknowledged point must be
 * there, intact. SQLite: a child process inserting points in transactions
 * is SIGKILLed at a random moment; every row whose COMMIT had returned must
 * be there, intact, and PRAGMA integrity_check must say ok. Both also count
 * the points that were never confirmed but survived.
 *
 * Only a process crash: the kernel keeps what the process had written, so
 * an OS crash or a power loss (nats-server 2.9 fsyncs on an interval, not
 * per write) is not covered. */
#ifndef TSD_CRASH_H
#define TSD_CRASH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "nx_err.h"
#include "nx_stats.h"

/* The rounds of one store, summed. */
typedef struct tsd_crash_stats {
    const char *store; /* "jetstream" or "sqlite" */
    char case_name[96];
    long rounds;        /* rounds run */
    uint64_t written;   /* points handed to the store */
    uint64_t acked;     /* acked (JetStream) or committed (SQLite) before the kill */
    uint64_t present;   /* read back after the restart */
    uint64_t lost;      /* acked but missing: must be 0 */
    uint64_t unacked;   /* written - acked */
    uint64_t survived;  /* present although not acked */
    uint64_t min_acked; /* the fewest acked at a kill (at least 1000) */
    uint64_t max_acked;
    double recovery_s[2]; /* median and max: restart until the store answered */
    char detail[160];     /* what else the check found ("integrity_check ok in 20 rounds") */
    bool verified;        /* every round: no acked point lost, all intact */
} tsd_crash_stats;

typedef struct tsd_crash_result {
    bool ran;
    char skipped[160]; /* why JetStream was not measured, or "" */
    tsd_crash_stats js, sqlite;
} tsd_crash_result;

typedef struct tsd_ctx tsd_ctx;

/* Runs --crash-rounds rounds on each store (none when 0), appends one
 * crash_recovery row per store, and fails when an acked point was lost or
 * anything read back differs from what was written. */
int tsd_crash_run(tsd_ctx *ctx, tsd_crash_result *out, nx_err *err);

/* The table lines; nothing when no round ran. */
void tsd_crash_print(FILE *out, const tsd_crash_result *r);

/* One round of each store (tsd_js_crash.c, tsd_sqlite_crash.c). The
 * round's figures are added to st; a lost or corrupt point fails. */
int tsd_js_crash_round(tsd_ctx *ctx, uint64_t seed, uint64_t rng, tsd_crash_stats *st,
                       double *recovery_s, nx_err *err);
int tsd_sqlite_crash_round(tsd_ctx *ctx, const char *dir, uint64_t seed, uint64_t rng,
                           tsd_crash_stats *st, double *recovery_s, nx_err *err);

/* Adds one round's sum to st. */
struct tsd_tally_sum;
void tsd_crash_add(tsd_crash_stats *st, const struct tsd_tally_sum *sum);

#endif
