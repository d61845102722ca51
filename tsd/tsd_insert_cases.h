/* The insert cases, in the order one repeat runs them: the ingest ceiling
 * (core publishes timed until stored), the bare js_Publish loop and
 * js_publish_sync, the js_PublishAsync window sweep, and the async variants
 * that show where the time goes. Each writes into a fresh stream, is timed,
 * and is then read back and checked before its sample counts. */
#ifndef TSD_INSERT_CASES_H
#define TSD_INSERT_CASES_H

#include "nx_err.h"
#include "tsd_check.h"
#include "tsd_ctx.h"

/* Repeat number `repeat` (from 0) of every insert case. *last describes
 * what the stream holds afterwards (the read cases read it). */
int tsd_inserts_run(tsd_ctx *ctx, long repeat, tsd_load *last, nx_err *err);

/* Nanoseconds per point to take points from the ring (clock, time and index
 * patched) with no publish: the payload-building share of a publish loop. */
double tsd_build_ns_per_point(const tsd_ctx *ctx);

#endif
