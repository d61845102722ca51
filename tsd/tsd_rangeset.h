/* The range queries tsd runs, on JetStream and SQLite alike: one series in
 * the middle of the others, queried while the store holds count/10 points
 * (small) and again at count points (large), so the rows show whether a
 * query's cost follows the points in range or the size of the store. */
#ifndef TSD_RANGESET_H
#define TSD_RANGESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nx_err.h"
#include "tsd_range.h"

typedef enum {
    TSD_RQ_SMALL,        /* range_points points mid-series, small store */
    TSD_RQ_SAME_LARGE,   /* the same points, large store */
    TSD_RQ_MIDDLE_LARGE, /* as many points, mid-series, large store */
    TSD_RQ_EMPTY,        /* between two neighbouring points, large store */
    TSD_RQ_WHOLE,        /* the whole series, large store */
    TSD_RQ_COUNT,
} tsd_rq;

typedef struct tsd_range_set {
    tsd_probes probes;
    uint64_t small_count; /* points written before the small queries */
    uint64_t count;       /* points in the large store */
    tsd_range q[TSD_RQ_COUNT];
} tsd_range_set;

/* Plans the queries for count points of gen (small = count/10, rounded down
 * to whole rounds of the series). */
int tsd_range_set_plan(tsd_range_set *rs, const tsd_gen *gen, uint64_t count, uint64_t range_points,
                       nx_err *err);

static inline bool tsd_rq_on_small(tsd_rq q)
{
    return q == TSD_RQ_SMALL;
}

/* The CSV case name of query q. */
void tsd_rq_case(const tsd_range_set *rs, tsd_rq q, char *buf, size_t len);

#endif
