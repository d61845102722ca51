/* The leaf SIGKILLed in the middle of a sync both ways and restarted: both
 * sourced copies must end with no missing and no duplicate point (rows
 * op=crash_recovery, one per direction). */
#ifndef BDS_LEAF_CRASH_H
#define BDS_LEAF_CRASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nx_err.h"

#define BDS_LEAF_CRASH_ROUNDS_MAX 100

/* One direction's rounds, summed. */
typedef struct bds_leaf_crash_dir {
    long rounds;
    uint64_t checked;                            /* points that had to be in the copy */
    uint64_t held;                               /* messages the copy held */
    uint64_t missing, duplicates, other;         /* other: out of order or corrupt */
    uint64_t kill_min, kill_max;                 /* points the copy held at the kill */
    double catchup_s[BDS_LEAF_CRASH_ROUNDS_MAX]; /* restart until the copy held all */
    size_t point_bytes;
    char problem[200]; /* the first difference found, or "" */
} bds_leaf_crash_dir;

typedef struct bds_leaf_crash_result {
    bds_leaf_crash_dir dir[2]; /* 0: hub_to_leaf (the leaf's copy), 1: leaf_to_hub */
    uint64_t leaf_origin_acked, leaf_origin_held;
    bool leaf_origin_ok; /* the leaf's own stream kept every acked point */
} bds_leaf_crash_result;

typedef struct bds_ctx bds_ctx;

/* --crash-rounds rounds (none when 0); fails when a copy misses or repeats
 * a point, after writing the rows (verified=no). */
int bds_section_leaf_crash(bds_ctx *c, nx_err *err);

#endif
