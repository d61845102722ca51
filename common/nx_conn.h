/* Connections and JetStream contexts with the settings every experiment
 * shares, and nats.c errors turned into one readable line. */
#ifndef NX_CONN_H
#define NX_CONN_H

#include <nats/nats.h>
#include <stdarg.h>

#include "nx_err.h"

/* Connects to urls (comma-separated). Reconnects every 100 ms for up to
 * 60 s, so a server restarted on the same port is found again. */
int nx_connect(natsConnection **nc, const char *urls, const char *name, nx_err *err);

/* nx_connect with the client's IO buffer set to io_buf bytes (0: the
 * library's default), for measuring what the buffer size changes. */
int nx_connect_io_buf(natsConnection **nc, const char *urls, const char *name, int io_buf,
                      nx_err *err);

/* A JetStream context; domain NULL for the local one. Requests wait up to
 * wait_ms (0: 5000). */
int nx_jetstream(jsCtx **js, natsConnection *nc, const char *domain, int64_t wait_ms, nx_err *err);

/* Sets err to "<what>: <status text>[: <library detail>][ (JetStream error N)]"
 * and returns -1. jerr 0 means none. */
int nx_nats_fail(nx_err *err, natsStatus s, jsErrCode jerr, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
