/* Batch publishing (ADR-50), each case in a fresh stream and read back and
 * checked like every insert case:
 *
 * - atomic batches (nats-server 2.12+, stream allow_atomic): every point
 *   carries Nats-Batch-Id and Nats-Batch-Sequence, the last of a batch
 *   also Nats-Batch-Commit: 1; the server stores the batch whole or not at
 *   all and answers the commit with one PubAck whose count (the batch
 *   size) and seq (the stream sequence of its last point) are checked.
 *   Swept over batch sizes and batches in flight.
 * - fast-ingest batches (2.14+, allow_batched): the batch is told in each
 *   point's reply subject, and the server answers with flow acks every N
 *   points (N its choice, at most what the client asked), gap and error
 *   messages as they happen, and one PubAck at the commit. Swept over the
 *   initial flow. */
#ifndef TSD_BATCH_H
#define TSD_BATCH_H

#include "nx_err.h"
#include "tsd_ctx.h"

/* One repeat of each; on a server without the feature, one line on
 * repeat 0 and no row. */
int tsd_atomic_batch_run(tsd_ctx *ctx, long repeat, nx_err *err);
int tsd_fast_batch_run(tsd_ctx *ctx, long repeat, nx_err *err);

/* Prints why a case is not measured on this server (once, on repeat 0)
 * and returns false when the server lacks f. */
bool tsd_server_has(const tsd_ctx *ctx, int f, long repeat, const char *what);

#endif
