/* Turning on per-message TTL (allow_msg_ttl, nats-server 2.11+) on an
 * existing stream. nats.c 3.4's jsStreamConfig has no such field, so this
 * goes through the JetStream API as JSON: the stream's config from
 * $JS.API.STREAM.INFO.<stream>, with allow_msg_ttl set, sent back to
 * $JS.API.STREAM.UPDATE.<stream>. */
#ifndef PS_TTL_STREAM_H
#define PS_TTL_STREAM_H

#include <nats/nats.h>

#include "nx_err.h"

int ps_ttl_allow(natsConnection *nc, const char *stream, nx_err *err);

/* Publishes data to subject with the header Nats-TTL: <ttl_ms>ms and waits
 * for the ack. */
int ps_ttl_publish(jsCtx *js, const char *subject, const void *data, int len, long ttl_ms,
                   nx_err *err);

#endif
