/* One direction's sync burst run --repeat times and summed up: throughput
 * from the median time, latency over every point of every repeat, and the
 * link bytes of all the windows together. */
#ifndef BDS_REPEAT_H
#define BDS_REPEAT_H

#include <stdbool.h>
#include <stdint.h>

#include "bds_measure.h"
#include "bds_path.h"
#include "bds_relay.h"
#include "bds_story.h"
#include "nx_err.h"

typedef struct bds_total {
    long repeats;
    bool one_by_one;
    uint64_t count;        /* points per repeat */
    uint64_t points;       /* points over all repeats */
    double window_s;       /* relay windows summed */
    bds_relay_counts link; /* bytes and reads summed */
    int64_t leafz[2];
    bool leafz_ok;
    size_t data_len;      /* --payload: the point's data bytes */
    size_t point_bytes;   /* encoded size of one point (codec header and origin added) */
    double seconds, rate; /* median seconds; count / median seconds, so the row agrees */
    double p50_us, p90_us, p99_us, max_us;
} bds_total;

int bds_repeat(const bds_path *p, const bds_env *env, long repeats, uint64_t count, size_t data_len,
               bds_total *tot, nx_err *err);

/* "sync hub_to_leaf: 20000 points, each checked ... 48387 points/s". */
void bds_total_story(const bds_story *st, const bds_path *p, const bds_total *tot);

#endif
