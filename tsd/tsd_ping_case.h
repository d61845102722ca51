/* The round-trip yardstick of js_publish_sync: PING/PONG timed one at a
 * time on the connection js_Publish uses, in the same run (op ping_rtt).
 * A synchronous publish can never beat it; the summary's target is
 * js_Publish p50 within 1.5x of the ping p50. */
#ifndef TSD_PING_CASE_H
#define TSD_PING_CASE_H

#include "nx_err.h"
#include "tsd_ctx.h"

/* Case name of the ping row (the summary finds it by op). */
#define TSD_PING_CASE "PING/PONG on the publishing connection"

/* One repeat: as many pings as js_publish_sync publishes (at most
 * TSD_PING_MAX). */
int tsd_ping_run(tsd_ctx *ctx, nx_err *err);

#define TSD_PING_MAX 20000

#endif
