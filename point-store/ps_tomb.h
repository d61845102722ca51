/* Tombstones: a point whose tombstone is odd deletes its prop. One prop on
 * each of up to 10 nodes is deleted in every store (the stream gets a
 * tombstone point, SQLite a tombstone row, the KV bucket a kvStore_Delete
 * marker), and every read method must then leave it out of the node's state
 * while keeping the node's other props. */
#ifndef PS_TOMB_H
#define PS_TOMB_H

#include "ps_ctx.h"

#define PS_TOMBSTONES_MAX 10

int ps_tombstones_run(ps_ctx *c, nx_err *err);

#endif
