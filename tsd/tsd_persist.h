/* persist_mode: async (nats-server 2.12+): the stream acks a point before
 * it is written, so js_PublishAsync waits for less. R1 only: on a
 * replicated stream an ack would no longer mean that a quorum holds the
 * point, so the case is not run on R3 (and says so). Not an acknowledged
 * publisher in the summary's sense: its acks confirm receipt, not
 * storage. */
#ifndef TSD_PERSIST_H
#define TSD_PERSIST_H

#include "nx_err.h"
#include "tsd_ctx.h"

int tsd_persist_async_run(tsd_ctx *ctx, long repeat, nx_err *err);

#endif
