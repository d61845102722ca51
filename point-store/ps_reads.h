/* Timed state reads of random nodes at one history depth, every method on
 * the same node sequence, each result checked against the model; and the
 * summary of how latency grew from the shallowest depth to the deepest. */
#ifndef PS_READS_H
#define PS_READS_H

#include "ps_ctx.h"

/* Reads --reads random nodes per method (per --repeat round) at the depth
 * history[di], which must be loaded. */
int ps_read_depth(ps_ctx *c, size_t di, nx_err *err);

/* Prints, per method, p50 at the deepest history over p50 at the
 * shallowest (medians of the rounds). */
void ps_print_ratios(const ps_ctx *c);

/* Reads node with method m and checks it against the model; on a difference
 * fails naming the method, node and what differed. */
int ps_read_checked(ps_ctx *c, ps_method m, long node, ps_state *got, ps_state *want,
                    int64_t *elapsed_ns, nx_err *err);

#endif
