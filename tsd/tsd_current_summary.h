/* The summary's part for current servers: js_Publish against the PING/PONG
 * round trip, the cost of sync_interval: always beside SQLite's FULL
 * against NORMAL, and the batch publishers against the ingest ceiling.
 * Every figure comes from this run's report; a part whose cases did not
 * run (an older server) is left out. */
#ifndef TSD_CURRENT_SUMMARY_H
#define TSD_CURRENT_SUMMARY_H

#include <stdbool.h>
#include <stdio.h>

#include "tsd_report.h"

/* Target: js_Publish p50 within this many ping p50s. */
#define TSD_PING_TARGET 1.5
/* Target: the best acknowledged publisher reaches this share of the
 * ceiling. */
#define TSD_ACKED_TARGET 0.9

/* The publishers of current servers that get a CPU cap in the time budget:
 * atomic and fast batches, persist_mode: async. */
bool tsd_is_batch_op(const char *op);

void tsd_print_current(FILE *out, const tsd_report *r);

#endif
