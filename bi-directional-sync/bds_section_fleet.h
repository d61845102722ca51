/* The fleet section (--fleet N[,N...]): a hub with many leaves, measured
 * per fleet size and layout, then extrapolated on paper. It runs instead of
 * the hub-and-one-leaf sections. */
#ifndef BDS_SECTION_FLEET_H
#define BDS_SECTION_FLEET_H

#include "bds_ctx.h"

int bds_section_fleet(bds_ctx *c, nx_err *err);

#endif
