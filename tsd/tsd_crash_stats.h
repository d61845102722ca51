/* What the crash rounds of one store add up to, filled round by round
 * (tsd_js_crash.c, tsd_sqlite_crash.c) and reported by tsd_crash.c. */
#ifndef TSD_CRASH_STATS_H
#define TSD_CRASH_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "tsd_tally.h"

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

/* Adds one round's sum to st. */
void tsd_crash_add(tsd_crash_stats *st, const tsd_tally_sum *sum);

#endif
