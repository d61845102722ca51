/* The leafnode compression each end of the link negotiated, as the hub's
 * and the leaf's /leafz report it (2.10+), with the RTT each measured:
 * s2_auto shows the level it picked from that RTT. */
#ifndef BDS_LEAFZ_MODE_H
#define BDS_LEAFZ_MODE_H

#include <stddef.h>

#include "bds_topology.h"

typedef struct bds_leafz_mode {
    char hub[24], leaf[24];         /* "" when the server does not say (2.9) */
    char hub_rtt[24], leaf_rtt[24]; /* as the server prints it */
} bds_leafz_mode;

/* Reads both /leafz; a side that lists no single leaf connection gets "?". */
void bds_leafz_mode_read(bds_topology *t, bds_leafz_mode *out);

/* "hub s2_best, leaf s2_best (rtt 0.3 ms / 0.2 ms)" into buf; returns buf. */
const char *bds_leafz_mode_text(const bds_leafz_mode *m, char *buf, size_t len);

#endif
