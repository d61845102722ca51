/* R1 and R3 in the same run. With a cluster to place them on (a spawned
 * --cluster 3, or a --url deployment that accepts an R3 stream) and no
 * --replicas given, tsd measures every JetStream case twice: a pass on R1
 * streams, then a pass on R3 streams, each with a report of its own. SQLite
 * does not depend on replicas and is measured in the first pass only. The
 * R3 rows then carry their R3/R1 ratio in the note, and a comparison table
 * puts the two passes side by side. */
#ifndef TSD_REPLICAS_H
#define TSD_REPLICAS_H

#include <stdbool.h>
#include <stdio.h>

#include "nx_err.h"
#include "nx_run.h"
#include "tsd_opts.h"
#include "tsd_report.h"

#define TSD_PASSES_MAX 2

/* Defaults of a comparison run, so both passes (R3 publishes cost several
 * times an R1 publish) fit in a few minutes. Options given are kept. */
#define TSD_COMPARE_COUNT 50000L
#define TSD_COMPARE_SYNC_COUNT 5000L
#define TSD_COMPARE_RETENTION 500L

typedef struct tsd_plan {
    int replicas[TSD_PASSES_MAX];
    int npasses;
    bool lowered;                      /* the comparison defaults replaced the usual ones */
    long count, sync_count, retention; /* as the passes use them */
    char why[256]; /* why R3 is not measured when it could have been; "" otherwise */
} tsd_plan;

/* Decides the passes: --replicas picks one; otherwise R1 and R3 when the
 * deployment is a cluster (a --url deployment is asked by creating, and at
 * once deleting, a small R3 stream under the run's scope). Lowers the
 * defaults of o that were not given when comparing. */
int tsd_plan_make(nx_run *run, tsd_opts *o, tsd_plan *plan, nx_err *err);

/* The options of pass p: the run's, with that pass's replicas, and SQLite
 * left to the first pass. */
tsd_opts tsd_plan_pass_opts(const tsd_plan *plan, const tsd_opts *o, int p);

/* Appends "R3/R1 rate <x>, p50 <y>" to the note of every case of r3 that r1
 * measured too (same op, case and store). */
void tsd_replicas_annotate(tsd_report *r3, const tsd_report *r1);

/* Why R3 was not measured, and which defaults a comparison lowered. */
void tsd_plan_print(FILE *out, const tsd_plan *plan);

/* The two passes side by side: rates, p50 latencies and their ratios. */
void tsd_replicas_print(FILE *out, const tsd_plan *plan, const tsd_report *r1,
                        const tsd_report *r3);

#endif
