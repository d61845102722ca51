/* R1 and R3 in the same run. With a cluster to place them on (a spawned
 * --cluster 3, or a --url deployment that accepts an R3 stream) and no
 * --replicas given, point-store tells its whole story twice: a pass on R1
 * stream and bucket, then a pass on R3 ones (SQLite is measured beside each
 * pass, as the story interleaves it). Rows of the R3 pass carry their R3/R1
 * ratio in the note, and a table puts the two passes side by side.
 *
 * Every row goes through ps_compare_row (ps_compare.h, from ps_emit). */
#ifndef PS_REPLICAS_H
#define PS_REPLICAS_H

#include <stdbool.h>

#include "nx_err.h"
#include "ps_compare.h"

typedef struct ps_ctx ps_ctx;

/* Defaults of a comparison run, so both passes fit in a few minutes (an R3
 * write costs several times an R1 write). Options given are kept. */
#define PS_COMPARE_DEEPEST 100L
#define PS_COMPARE_READS 300L
#define PS_COMPARE_CAS 300L

typedef struct ps_plan {
    int replicas[PS_PASSES_MAX];
    int npasses;
    bool lowered;
    char why[256]; /* why R3 is not measured when it could have been; "" otherwise */
} ps_plan;

/* Decides the passes (see tsd's plan: --replicas picks one; otherwise R1
 * and R3 on a cluster, a --url deployment being asked with a small R3
 * stream created and deleted at once under the run's scope), lowers the
 * defaults not given when comparing, and sets up c->compare. */
int ps_plan_make(ps_ctx *c, ps_plan *plan, nx_err *err);

/* Sets the replicas of pass p; prints its heading when comparing. */
void ps_pass_begin(ps_ctx *c, const ps_plan *plan, int p);

/* Drops what a pass created (stream, bucket, SQLite, model) so the next
 * pass starts clean on the same deployment. */
int ps_pass_end(ps_ctx *c, nx_err *err);

/* The passes side by side (nothing when not comparing). Printed also when
 * the R3 pass failed, with what it got to. */
void ps_compare_print(const ps_ctx *c, const ps_plan *plan);

#endif
