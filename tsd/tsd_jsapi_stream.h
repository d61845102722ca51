/* A fresh stream for a case, created through the JetStream API itself
 * ($JS.API.STREAM.CREATE.<name>, config JSON built with cJSON), for the
 * settings nats.c 3.4.1's jsStreamConfig does not know: allow_atomic and
 * allow_batched (2.12, 2.14), persist_mode (2.12). */
#ifndef TSD_JSAPI_STREAM_H
#define TSD_JSAPI_STREAM_H

#include <stdbool.h>

#include "nx_err.h"
#include "tsd_ctx.h"

typedef struct tsd_stream_extra {
    bool allow_atomic;        /* atomic batch publish */
    bool allow_batched;       /* fast-ingest batch publish */
    const char *persist_mode; /* NULL: the server's default ("default"); "async" */
} tsd_stream_extra;

/* Deletes the case stream if present and creates it with the run's
 * storage and replicas plus extra (a tsd_stream_extra). The server's error
 * (an unknown field, a refused combination) is the message. */
int tsd_jsapi_stream_fresh(tsd_ctx *ctx, const void *extra, nx_err *err);

#endif
