/* What every tsd case works with: the run (deployment, connection, results),
 * the options, the series' subjects, the stream, and the report the cases
 * add their samples to. */
#ifndef TSD_CTX_H
#define TSD_CTX_H

#include <stdint.h>

#include "nx_err.h"
#include "nx_run.h"
#include "tsd_opts.h"
#include "tsd_point.h"
#include "tsd_report.h"
#include "tsd_series.h"

typedef struct tsd_ctx {
    nx_run *run;
    const tsd_opts *opts;
    tsd_series series;
    char stream[64]; /* NODES, or r<id>_NODES with --url */
    char filter[64]; /* n.>, or n.<scope>.> */
    tsd_report report;
    uint64_t next_seed; /* each case writes under its own seed */
} tsd_ctx;

/* A seed no earlier case of this run used, so a stream left from one case
 * can never pass for the next case's points. */
uint64_t tsd_ctx_case_seed(tsd_ctx *ctx);

/* The generator of a new case: a fresh seed, the run's series and payload. */
tsd_gen tsd_ctx_gen(tsd_ctx *ctx);

/* The report's case (op, name) for JetStream, with the run's storage and
 * replicas. */
tsd_case *tsd_ctx_case(tsd_ctx *ctx, const char *op, const char *name, uint64_t count, nx_err *err);

/* Deletes the stream if it exists and creates it empty with the run's
 * storage and replicas; max_per_subject 0 = unlimited. */
int tsd_stream_fresh(tsd_ctx *ctx, int64_t max_per_subject, nx_err *err);

/* Deletes the stream (missing is fine). */
int tsd_stream_drop(tsd_ctx *ctx, nx_err *err);

#endif
