#include "bds_budget.h"

#include <math.h>

#define PACED_BYTES_PER_POINT 400.0
#define PACED_TIMEOUT_MAX_MS (30LL * 24 * 3600 * 1000)

uint64_t bds_budget_min_segments(uint64_t bytes, uint64_t reads)
{
    uint64_t by_size = (bytes + BDS_BUDGET_MSS - 1) / BDS_BUDGET_MSS;
    return reads > by_size ? reads : by_size;
}

double bds_budget_raw_per_msg(uint64_t bytes, uint64_t count)
{
    return count ? (double)bytes / (double)count : NAN;
}

double bds_budget_net_per_msg(uint64_t bytes, double window_s, double idle_bps, uint64_t count)
{
    if (count == 0)
        return NAN;
    return ((double)bytes - idle_bps * window_s) / (double)count;
}

bool bds_budget_way_measured(const bds_link_cost *c, bds_relay_dir d)
{
    return c->msg_bytes[d] > 0;
}

double bds_budget_points_per_s(const bds_link_cost *c, double kbit, bds_relay_dir *binding)
{
    double cap = kbit * 1000.0 / 8.0;
    double best = INFINITY;
    bds_relay_dir limit = BDS_RELAY_UP;
    for (int d = 0; d < 2; d++) {
        double room = cap - c->idle_bps[d];
        if (room <= 0) {
            best = 0;
            limit = (bds_relay_dir)d;
            break;
        }
        if (!bds_budget_way_measured(c, (bds_relay_dir)d))
            continue;
        double pts = room / c->msg_bytes[d];
        if (pts < best) {
            best = pts;
            limit = (bds_relay_dir)d;
        }
    }
    if (binding)
        *binding = limit;
    return isinf(best) ? NAN : best;
}

double bds_budget_idle_share(const bds_link_cost *c, double kbit)
{
    double cap = kbit * 1000.0 / 8.0;
    double busiest = c->idle_bps[0] > c->idle_bps[1] ? c->idle_bps[0] : c->idle_bps[1];
    return cap > 0 ? busiest / cap : 0;
}

int64_t bds_budget_paced_timeout_ms(uint64_t points, long kbit)
{
    if (kbit <= 0)
        return PACED_TIMEOUT_MAX_MS;
    double transfer_ms =
        (double)points * PACED_BYTES_PER_POINT * 8.0 / ((double)kbit * 1000.0) * 1e3;
    double ms = 60000.0 + 3.0 * transfer_ms;
    return ms >= (double)PACED_TIMEOUT_MAX_MS ? PACED_TIMEOUT_MAX_MS : (int64_t)ms;
}
