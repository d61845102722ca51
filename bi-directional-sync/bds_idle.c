#include "bds_idle.h"

#include <string.h>

#include "nx_progress.h"
#include "nx_stats.h"
#include "nx_wait.h"

int bds_idle_measure(const bds_env *env, double seconds, bds_idle_result *out, nx_err *err)
{
    memset(out, 0, sizeof *out);
    int64_t up0 = 0, down0 = 0, up1 = 0, down1 = 0;
    bool lz = bds_leafz_bytes(env->hub_monitor, &up0, &down0);
    bds_relay_counts before, after;
    bds_relay_read_counts(env->link, &before);
    int64_t t0 = nx_now_ns(), end = t0 + (int64_t)(seconds * 1e9);
    nx_progress prog;
    nx_progress_start(&prog, "idle link", (uint64_t)(seconds * 10), env->quiet);
    for (int64_t now = t0; now < end; now = nx_now_ns()) {
        int64_t left_ms = (end - now + 999999) / 1000000;
        nx_sleep_ms(left_ms < 100 ? left_ms : 100);
        nx_progress_update(&prog, (uint64_t)((nx_now_ns() - t0) / 100000000));
    }
    nx_progress_end(&prog);
    bds_relay_read_counts(env->link, &after);
    out->seconds = (double)(nx_now_ns() - t0) / 1e9;
    out->link = bds_relay_counts_diff(&after, &before);
    out->leafz_ok = lz && bds_leafz_bytes(env->hub_monitor, &up1, &down1);
    out->leafz_up = up1 - up0;
    out->leafz_down = down1 - down0;
    if (after.active != 1 || out->link.accepted != 0)
        return nx_fail(err,
                       "idle link: the leaf connection dropped during the idle interval "
                       "(%d open, %llu new)",
                       after.active, (unsigned long long)out->link.accepted);
    return 0;
}

double bds_idle_bps(const bds_idle_result *r, bds_relay_dir d)
{
    return r->seconds > 0 ? (double)r->link.bytes[d] / r->seconds : 0;
}
