/* Reading points back: the whole stream with a pull consumer (ack none or ack
 * all) or an ordered consumer, and a time-range query on one series. Every
 * message is checked as it arrives; nothing is kept. */
#ifndef TSD_READ_H
#define TSD_READ_H

#include <stdint.h>

#include "nx_err.h"
#include "nx_stats.h"
#include "tsd_check.h"
#include "tsd_ctx.h"
#include "tsd_range.h"

typedef enum {
    TSD_READ_PULL_NONE, /* pull consumer, AckNone */
    TSD_READ_PULL_ALL,  /* pull consumer, AckAll: the last message of each batch is acked */
    TSD_READ_ORDERED,   /* ordered push consumer */
} tsd_read_method;

const char *tsd_read_op(tsd_read_method m);

/* Checks that the stream holds exactly load->count messages, then reads them
 * all with a new consumer, checking each against load (tsd_check: cheap
 * checks and a digest while timed, a second read comparing every byte when
 * the digest differs). lat gets one sample per pull fetch (may be NULL).
 * *elapsed_ns is the timed read, or < 0 when it did not complete; a check
 * that fails after a complete read leaves it set. */
int tsd_read_all(tsd_ctx *ctx, tsd_read_method m, const tsd_load *load, nx_hist *lat,
                 int64_t *elapsed_ns, nx_err *err);

/* One range query: an ephemeral consumer on q's series from q->start_ns,
 * stopped at the first point past q->end_ns (or when nothing is pending),
 * checked against the model like a full read (digest while timed, every
 * byte again when it differs). *skipped = points delivered before the
 * start; *elapsed_ns as for tsd_read_all. */
int tsd_read_range(tsd_ctx *ctx, const tsd_range *q, const tsd_gen *gen, uint64_t *skipped,
                   int64_t *elapsed_ns, nx_err *err);

#endif
