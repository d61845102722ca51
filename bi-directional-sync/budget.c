#include "budget.h"

#include <math.h>

double budget_per_msg(uint64_t bytes, double window_s, double idle_bps, uint64_t count)
{
    if (count == 0)
        return 0;
    double net = (double)bytes - idle_bps * window_s;
    return net > 0 ? net / (double)count : 0;
}

double budget_points_per_s(const link_cost *c, double kbit, relay_dir *binding)
{
    double cap = kbit * 1000.0 / 8.0;
    double best = INFINITY;
    relay_dir limit = RELAY_UP;
    for (int d = 0; d < 2; d++) {
        double room = cap - c->idle_bps[d];
        if (room < 0)
            room = 0;
        if (c->msg_bytes[d] <= 0)
            continue;
        double pts = room / c->msg_bytes[d];
        if (pts < best) {
            best = pts;
            limit = (relay_dir)d;
        }
    }
    if (binding)
        *binding = limit;
    return isinf(best) ? 0 : best;
}

double budget_idle_share(const link_cost *c, double kbit)
{
    double cap = kbit * 1000.0 / 8.0;
    double busiest = c->idle_bps[0] > c->idle_bps[1] ? c->idle_bps[0] : c->idle_bps[1];
    return cap > 0 ? busiest / cap : 0;
}
