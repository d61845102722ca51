/* The bookkeeping of a crash round, kept apart from the processes it
 * describes so it can be tested alone: which points the writer was told are
 * safe (acked by JetStream, or committed by SQLite), which ones the store
 * holds after the crash, and what follows from the two: acked points lost
 * (must be none) and unacknowledged points that survived anyway.
 *
 * Points are numbered 0..cap-1; a bitmap per set keeps a round of a million
 * points at 250 KB. */
#ifndef TSD_TALLY_H
#define TSD_TALLY_H

#include <stdbool.h>
#include <stdint.h>

#include "nx_err.h"

typedef struct tsd_tally {
    uint64_t cap;
    uint8_t *acked, *present;
    uint64_t duplicates; /* a point read back more than once */
    uint64_t foreign;    /* a point number outside 0..cap-1 */
} tsd_tally;

typedef struct tsd_tally_sum {
    uint64_t written;  /* points handed to the store: 0..written-1 */
    uint64_t acked;    /* of those, acknowledged before the crash */
    uint64_t present;  /* read back after the restart */
    uint64_t lost;     /* acked but not present: must be 0 */
    uint64_t unacked;  /* written - acked */
    uint64_t survived; /* present although not acked */
    uint64_t first_lost;
} tsd_tally_sum;

int tsd_tally_init(tsd_tally *t, uint64_t cap, nx_err *err);
void tsd_tally_free(tsd_tally *t);

/* The writer learned that point g is safe. */
void tsd_tally_ack(tsd_tally *t, uint64_t g);

/* Point g was read back; false when it was out of range or already seen
 * (counted in foreign or duplicates). */
bool tsd_tally_present(tsd_tally *t, uint64_t g);

bool tsd_tally_is_acked(const tsd_tally *t, uint64_t g);

/* Sums the round over points 0..written-1. */
void tsd_tally_sum_up(const tsd_tally *t, uint64_t written, tsd_tally_sum *out);

#endif
