#include "tsd_ping_case.h"

#include <stdio.h>

#include "nx_ping.h"

int tsd_ping_run(tsd_ctx *ctx, nx_err *err)
{
    uint64_t n = (uint64_t)tsd_opts_sync_count(ctx->opts);
    if (n > TSD_PING_MAX)
        n = TSD_PING_MAX;
    tsd_case *c = tsd_ctx_case(ctx, NX_PING_OP, TSD_PING_CASE, n, err);
    if (c == NULL)
        return -1;
    snprintf(c->note, sizeof c->note,
             "natsConnection_Flush timed one at a time on the js_Publish connection; nothing is "
             "stored, verified = every PONG arrived");
    nx_hist *lat = nx_hist_new();
    if (lat == NULL)
        return nx_fail(err, "out of memory");
    int64_t elapsed = 0;
    int rc = nx_ping_rtt(ctx->run->nc, n, lat, &elapsed, err);
    if (rc == 0 && tsd_case_add(c, elapsed, lat, err) == 0)
        tsd_case_checked(c, true);
    else
        rc = -1;
    nx_hist_free(lat);
    return rc;
}
