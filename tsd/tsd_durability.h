/* JetStream's price of an fsync per write: js_publish_sync and the best
 * js_PublishAsync window of this repeat run again on a server of their own
 * started with `jetstream { sync_interval: always }` (2.10+), next to the
 * default server's rows. The like-for-like match of SQLite's
 * synchronous=FULL against NORMAL, which the summary tables beside it. */
#ifndef TSD_DURABILITY_H
#define TSD_DURABILITY_H

#include "nx_err.h"
#include "tsd_ctx.h"

/* What the case names of the always server end with. */
#define TSD_ALWAYS_SUFFIX ", sync_interval: always"

/* One repeat (after the insert cases of the same repeat). On a server
 * without sync_interval, or a deployment the run did not spawn, prints why
 * (on repeat 0) and writes no row. */
int tsd_durability_run(tsd_ctx *ctx, long repeat, nx_err *err);

#endif
