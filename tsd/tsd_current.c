#include "tsd_current.h"

#include "tsd_batch.h"
#include "tsd_durability.h"
#include "tsd_persist.h"
#include "tsd_ping_case.h"

int tsd_current_run(tsd_ctx *ctx, long repeat, nx_err *err)
{
    if (tsd_ping_run(ctx, err) != 0)
        return -1;
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
