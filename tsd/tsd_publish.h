/* The ways tsd writes points into the stream, each timed from the first
 * publish until every point is acknowledged (for core publishes, until the
 * ack of a last js_Publish on the same connection, which comes after every
 * earlier point was stored). */
#ifndef TSD_PUBLISH_H
#define TSD_PUBLISH_H

#include <stdbool.h>
#include <stdint.h>

#include "nx_err.h"
#include "nx_stats.h"
#include "tsd_check.h"
#include "tsd_ctx.h"
#include "tsd_point.h"
#include "tsd_range.h"
#include "tsd_writer.h"

typedef enum {
    TSD_PUB_CORE,     /* core publishes, timed until stored: the ingest ceiling */
    TSD_PUB_PLAIN,    /* a bare js_Publish loop: the yardstick for sync */
    TSD_PUB_SYNC,     /* js_Publish, each ack checked and its latency recorded */
    TSD_PUB_ASYNC,    /* js_PublishAsync, at most `window` unacknowledged */
    TSD_PUB_PIPELINE, /* publish-with-reply to one inbox, acks read in the loop */
} tsd_pub_method;

typedef struct tsd_pub {
    tsd_pub_method method;
    long window;        /* ASYNC and PIPELINE */
    bool ack_handler;   /* ASYNC: check every ack in an AckHandler */
    int io_buf;         /* > 0: publish on a connection of its own with this buffer */
    bool ack_conn;      /* PIPELINE: read the acks on a second connection */
    tsd_probes *probes; /* record the times of these points (may be NULL) */
    const char *label;  /* progress line */
} tsd_pub;

/* Writes points load->first_g .. first_g+count-1 (load->gen, load->seq_base
 * set by the caller) and sets load->t_min/t_max. Ack latencies go to lat
 * (may be NULL). clock carries on across calls so a stream can be grown. */
int tsd_publish(tsd_ctx *ctx, const tsd_pub *how, tsd_load *load, tsd_clock *clock, nx_hist *lat,
                int64_t *elapsed_ns, nx_err *err);

/* The methods (tsd_publish dispatches). */
int tsd_publish_async(tsd_ctx *ctx, const tsd_pub *how, tsd_writer *w, natsConnection *nc,
                      nx_hist *lat, int64_t *elapsed_ns, nx_err *err);
int tsd_publish_pipeline(tsd_ctx *ctx, const tsd_pub *how, tsd_writer *w, natsConnection *nc,
                         nx_hist *lat, int64_t *elapsed_ns, nx_err *err);

#endif
