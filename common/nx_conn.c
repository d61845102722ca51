#include "nx_conn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nx_nats_fail(nx_err *err, natsStatus s, jsErrCode jerr, const char *fmt, ...)
{
    if (err == NULL)
        return -1;
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    const char *detail = nats_GetLastError(NULL);
    const char *text = natsStatus_GetText(s);
    char code[48] = "";
    if (jerr)
        snprintf(code, sizeof code, " (JetStream error %d)", (int)jerr);
    if (detail && *detail && strcmp(detail, text) != 0)
        snprintf(err->msg, sizeof err->msg, "%s: %s: %s%s", what, text, detail, code);
    else
        snprintf(err->msg, sizeof err->msg, "%s: %s%s", what, text, code);
    return -1;
}

int nx_connect(natsConnection **nc, const char *urls, const char *name, nx_err *err)
{
    return nx_connect_io_buf(nc, urls, name, 0, err);
}

int nx_connect_io_buf(natsConnection **nc, const char *urls, const char *name, int io_buf,
                      nx_err *err)
{
    natsOptions *opts = NULL;
    char *copy = strdup(urls);
    const char *servers[16];
    int n = 0;
    natsStatus s = copy ? natsOptions_Create(&opts) : NATS_NO_MEMORY;
    for (char *save = NULL, *tok = copy ? strtok_r(copy, ",", &save) : NULL; tok && n < 16;
         tok = strtok_r(NULL, ",", &save))
        servers[n++] = tok;
    if (s == NATS_OK && n == 0)
        s = NATS_INVALID_ARG;
    if (s == NATS_OK)
        s = natsOptions_SetServers(opts, servers, n);
    if (s == NATS_OK)
        s = natsOptions_SetName(opts, name);
    if (s == NATS_OK)
        s = natsOptions_SetTimeout(opts, 2000);
    if (s == NATS_OK)
        s = natsOptions_SetReconnectWait(opts, 100);
    if (s == NATS_OK)
        s = natsOptions_SetMaxReconnect(opts, 600);
    if (s == NATS_OK && io_buf > 0)
        s = natsOptions_SetIOBufSize(opts, io_buf);
    if (s == NATS_OK)
        s = natsConnection_Connect(nc, opts);
    natsOptions_Destroy(opts);
    free(copy);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, 0, "cannot connect to %s", urls);
    return 0;
}

int nx_jetstream(jsCtx **js, natsConnection *nc, const char *domain, int64_t wait_ms, nx_err *err)
{
    jsOptions o;
    jsOptions_Init(&o);
    o.Domain = domain;
    o.Wait = wait_ms > 0 ? wait_ms : 5000;
    natsStatus s = natsConnection_JetStream(js, nc, &o);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, 0, "cannot create a JetStream context%s%s",
                            domain ? " for domain " : "", domain ? domain : "");
    return 0;
}
