/* On paper, from the measured fleet sizes: the hub's cost fitted as a line
 * in N per layout, the growth of the per-leaf cost between the two largest
 * sizes, how many devices one hub server of this machine's size carries,
 * a 3-node hub cluster with R1 hub streams, and the figures at 1,000 and
 * 10,000 devices. Printed with the formula and the figures it used, and
 * written as fleet_extrapolation rows. */
#ifndef BDS_FLEET_EXTRAP_H
#define BDS_FLEET_EXTRAP_H

#include <stddef.h>

#include "bds_fleet_rows.h"
#include "bds_story.h"

int bds_fleet_extrapolate(bds_report *rep, const bds_story *st, const bds_fleet_result *res,
                          size_t nres, nx_err *err);

#endif
