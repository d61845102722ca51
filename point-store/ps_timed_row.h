/* The CSV row of a set of timed, checked reads: count and latency from the
 * histogram, seconds and rate from the time spent reading (busy_ns), so the
 * phases that read (tombstones, TTL) write their rows the same way. */
#ifndef PS_TIMED_ROW_H
#define PS_TIMED_ROW_H

#include "nx_stats.h"
#include "ps_ctx.h"

int ps_emit_timed(ps_ctx *c, const char *op, const char *store, const char *case_name,
                  const nx_hist *h, int64_t busy_ns, const char *note, nx_err *err);

#endif
