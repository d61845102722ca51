/* The seed scenario: nodes 123, 456 and 789 get a handful of points each
 * (node 123's value is updated 12, 13, 14, 15), then one node's state is read
 * with stream info + get-last per subject, printed, and checked against the
 * points that were published: the newest of each prop, nothing else. */
#ifndef PS_SEED_H
#define PS_SEED_H

#include "ps_ctx.h"

typedef struct ps_seed_point {
    const char *node, *prop, *value;
} ps_seed_point;

/* The seed points in publish order; *n receives how many. */
const ps_seed_point *ps_seed_points(size_t *n);

/* Publishes the seed to its own stream, reads and prints --node's state,
 * checks it, and deletes the stream again. */
int ps_seed_run(ps_ctx *c, nx_err *err);

#endif
