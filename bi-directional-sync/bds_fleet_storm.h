/* The reconnect storm: the hub restarted on its store dir while every leaf
 * keeps publishing, then every leaf must link again and every copy must end
 * complete, nothing missing and nothing twice. */
#ifndef BDS_FLEET_STORM_H
#define BDS_FLEET_STORM_H

#include "bds_fleet_rows.h"

/* Fills r->storm and r->storm_check; fails on a timeout, not on a
 * difference (the caller reports and judges the check). */
int bds_fleet_storm_run(bds_fleet_flow *w, bds_fleet_result *r, nx_err *err);

/* The paced load: every leaf and the hub publish BDS_FLEET_RATE points/s
 * for `seconds` (one round per tick). */
int bds_fleet_paced(bds_fleet_flow *w, double seconds, bool hub, nx_err *err);

#endif
