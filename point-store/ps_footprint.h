/* Bytes on disk per point: the workload stream's share of the spawned
 * servers' store dirs against the SQLite file (after a checkpoint) holding
 * the same points. Only a spawned server with file storage has a store dir
 * to measure; otherwise the row says why there is no figure. */
#ifndef PS_FOOTPRINT_H
#define PS_FOOTPRINT_H

#include "ps_ctx.h"

/* Deletes the KV bucket first, so the store holds the workload stream only. */
int ps_footprint_run(ps_ctx *c, nx_err *err);

#endif
