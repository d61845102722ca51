/* The time-range query by direct get (nats-server 2.11+, ADR-31): one
 * request to $JS.API.DIRECT.GET.<stream> with start_time, next_by_subj
 * (the series) and batch, answered by up to batch messages and a
 * "204 EOB" status message on an inbox of its own; a further request from
 * the next sequence while the series has more and the first point past the
 * end has not come. Checked like the consumer's query (tsd_range_rx). Rows
 * op read_range_direct, beside the consumer's read_range of the same
 * case. */
#ifndef TSD_DIRECT_RANGE_H
#define TSD_DIRECT_RANGE_H

#include "nx_err.h"
#include "tsd_ctx.h"
#include "tsd_range.h"

#define TSD_DIRECT_RANGE_OP "read_range_direct"

/* One repeat of query q (range_queries queries) as case `name`; nothing
 * (and no row) on a server without batched direct get. The stream gets
 * allow_direct if it lacks it. */
int tsd_direct_range_repeat(tsd_ctx *ctx, const tsd_range *q, const tsd_gen *gen, const char *name,
                            nx_err *err);

#endif
