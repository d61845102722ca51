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
#include "tsd_publish.h"

/* Repeat number `repeat` (from 0) of every insert case. *last describes
 * what the stream holds afterwards (the read cases read it). */
int tsd_inserts_run(tsd_ctx *ctx, long repeat, tsd_load *last, nx_err *err);

/* One insert case beyond the fixed list (batch publishers, other stream
 * settings, another server): its own stream maker and publisher, each NULL
 * for the defaults (tsd_stream_fresh, tsd_publish); arg goes to both. Timed,
 * read back and checked like every listed case. */
typedef int (*tsd_stream_maker)(tsd_ctx *ctx, const void *arg, nx_err *err);
typedef int (*tsd_publisher)(tsd_ctx *ctx, const tsd_pub *how, const void *arg, tsd_load *load,
                             tsd_clock *clock, nx_hist *lat, int64_t *elapsed_ns, nx_err *err);
typedef struct tsd_insert_spec {
    const char *op, *name, *note;
    tsd_pub how;
    uint64_t count;
    tsd_stream_maker make_stream;
    tsd_publisher publish;
    const void *arg;
} tsd_insert_spec;

int tsd_insert_spec_run(tsd_ctx *ctx, const tsd_insert_spec *spec, tsd_load *load, nx_err *err);

/* Nanoseconds per point to take points from the ring (clock, time and index
 * patched) with no publish: the payload-building share of a publish loop. */
double tsd_build_ns_per_point(const tsd_ctx *ctx);

#endif
