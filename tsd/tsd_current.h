/* The cases that need a current server (issue 15), run once per repeat
 * after the insert cases: the PING/PONG yardstick, sync_interval: always,
 * atomic and fast-ingest batch publishing, persist_mode: async. A case the
 * server lacks prints one line (nx_feature_missing_line) on the first
 * repeat and writes no row. */
#ifndef TSD_CURRENT_H
#define TSD_CURRENT_H

#include "nx_err.h"
#include "tsd_ctx.h"

int tsd_current_run(tsd_ctx *ctx, long repeat, nx_err *err);

#endif
