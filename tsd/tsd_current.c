#include "tsd_current.h"

#include "nx_version.h"

#include "tsd_batch.h"
#include "tsd_durability.h"
#include "tsd_persist.h"
#include "tsd_ping_case.h"

int tsd_current_run(tsd_ctx *ctx, long repeat, nx_err *err)
{
    if (tsd_ping_run(ctx, err) != 0)
        return -1;
    /* The direct get range query runs with the other range queries. */
    tsd_server_has(ctx, NX_FEAT_MULTI_GET, repeat, "time-range read by direct get");
    if (tsd_durability_run(ctx, repeat, err) != 0)
        return -1;
    if (tsd_atomic_batch_run(ctx, repeat, err) != 0)
        return -1;
    if (tsd_fast_batch_run(ctx, repeat, err) != 0)
        return -1;
    if (tsd_persist_async_run(ctx, repeat, err) != 0)
        return -1;
    return 0;
}
