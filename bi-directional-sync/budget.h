/* Link arithmetic: what a synced point costs on the wire, and how many
 * points per second a slow link carries once the idle chatter (heartbeats,
 * pings) has taken its share. A link of R kbit/s is taken to carry R kbit/s
 * each way, as a full-duplex cellular link does; sync uses both ways (points
 * one way, flow-control replies the other), so the busier way sets the
 * limit. */
#ifndef SYNC_BUDGET_H
#define SYNC_BUDGET_H

#include <stdint.h>

#include "relay.h"

typedef struct link_cost {
    double msg_bytes[2]; /* per synced point, by relay_dir */
    double idle_bps[2];  /* bytes per second with nothing published, by relay_dir */
} link_cost;

/* Bytes per message over a sync window, after taking out the idle chatter
 * that would have crossed during the window anyway (never below 0). */
double budget_per_msg(uint64_t bytes, double window_s, double idle_bps, uint64_t count);

/* Points per second that fit on a link of kbit kbit/s each way; 0 when the
 * idle chatter alone fills it. *binding gets the way that sets the limit. */
double budget_points_per_s(const link_cost *c, double kbit, relay_dir *binding);

/* Share of the link (0..1+) the idle chatter takes on the busier way. */
double budget_idle_share(const link_cost *c, double kbit);

#endif
