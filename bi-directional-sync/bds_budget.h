/* Link arithmetic: what a synced point costs on the wire, and how many
 * points per second a slow link carries once the idle chatter (heartbeats,
 * pings) has taken its share. A link of R kbit/s is taken to carry R kbit/s
 * each way, as a full-duplex cellular link does; sync uses both ways (points
 * one way, flow-control replies the other), so the busier way sets the
 * limit. Bytes are TCP payload as the relay counts them: IP and TCP headers
 * are not in them. */
#ifndef BDS_BUDGET_H
#define BDS_BUDGET_H

#include <stdbool.h>
#include <stdint.h>

#include "bds_relay.h"

typedef struct bds_link_cost {
    double raw_bytes[2]; /* per synced point: everything the window carried, by bds_relay_dir */
    double msg_bytes[2]; /* per synced point after the window's idle chatter; may be <= 0 */
    double idle_bps[2];  /* bytes per second with nothing published, by bds_relay_dir */
    double segments_per_point[2]; /* TCP segments in the window per point, at least */
    double idle_reads_per_s[2];
} bds_link_cost;

/* Payload bytes a segment carries on a link with a 1500-byte MTU (IP and
 * TCP headers with timestamps take the other 52). */
#define BDS_BUDGET_MSS 1448
#define BDS_BUDGET_HEADER_BYTES 52

/* The fewest TCP segments that would carry bytes on a real link: no segment
 * carries more than the MSS, and each read of an unpaced relay took at least
 * one segment (small messages such as heartbeats and flow-control replies
 * cross one by one). A paced relay reads in pace-sized pieces: pass 0. */
uint64_t bds_budget_min_segments(uint64_t bytes, uint64_t reads);

/* Bytes per message over a sync window, everything counted. */
double bds_budget_raw_per_msg(uint64_t bytes, uint64_t count);

/* Bytes per message over a sync window after taking out the idle chatter
 * that would have crossed during the window anyway. Not clamped: below 0
 * when the window carried less than that (a burst shorter than the
 * heartbeat interval may carry none). */
double bds_budget_net_per_msg(uint64_t bytes, double window_s, double idle_bps, uint64_t count);

/* True when the way's per-point cost was measurable above its idle chatter
 * (msg_bytes > 0); a way without it is limited by its idle chatter only. */
bool bds_budget_way_measured(const bds_link_cost *c, bds_relay_dir d);

/* Points per second that fit on a link of kbit kbit/s each way: 0 when the
 * idle chatter alone fills either way, NAN when neither way has a measured
 * per-point cost. *binding gets the way that sets the limit. */
double bds_budget_points_per_s(const bds_link_cost *c, double kbit, bds_relay_dir *binding);

/* Share of the link (0..1+) the idle chatter takes on the busier way. */
double bds_budget_idle_share(const bds_link_cost *c, double kbit);

/* A generous wait for `points` synced points on a link of kbit kbit/s: a
 * point and its share of flow control stay well under 400 B, and three
 * times that plus a minute; capped at 30 days so huge counts on slow links
 * cannot overflow. */
int64_t bds_budget_paced_timeout_ms(uint64_t points, long kbit);

#endif
