/* The read cases: the whole stream read three ways, and the range queries
 * on a store grown from count/10 to count points. */
#ifndef TSD_READ_CASES_H
#define TSD_READ_CASES_H

#include "nx_err.h"
#include "tsd_check.h"
#include "tsd_ctx.h"
#include "tsd_rangeset.h"

/* One repeat of each full read of the stream described by load. */
int tsd_reads_run(tsd_ctx *ctx, const tsd_load *load, nx_err *err);

/* Builds the range store and runs every range query --repeat times. */
int tsd_ranges_run(tsd_ctx *ctx, nx_err *err);

#endif
