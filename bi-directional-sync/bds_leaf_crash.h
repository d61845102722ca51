/* The leaf SIGKILLed in the middle of a sync both ways and restarted: both
 * sourced copies must end with no missing and no duplicate point (rows
 * op=crash_recovery, one per direction). */
#ifndef SYNC_LEAF_CRASH_H
#define SYNC_LEAF_CRASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nx_err.h"

#define LEAF_CRASH_ROUNDS_MAX 100

/* One direction's rounds, summed. */
typedef struct leaf_crash_dir {
    long rounds;
    uint64_t checked;                        /* points that had to be in the copy */
    uint64_t held;                           /* messages the copy held */
    uint64_t missing, duplicates, other;     /* other: out of order or corrupt */
    uint64_t kill_min, kill_max;             /* points the copy held at the kill */
    double catchup_s[LEAF_CRASH_ROUNDS_MAX]; /* restart until the copy held all */
    size_t point_bytes;
    char problem[200]; /* the first difference found, or "" */
} leaf_crash_dir;

typedef struct leaf_crash_result {
    leaf_crash_dir dir[2]; /* 0: hub_to_leaf (the leaf's copy), 1: leaf_to_hub */
    uint64_t leaf_origin_acked, leaf_origin_held;
    bool leaf_origin_ok; /* the leaf's own stream kept every acked point */
} leaf_crash_result;

typedef struct run_ctx run_ctx;

/* --crash-rounds rounds (none when 0); fails when a copy misses or repeats
 * a point, after writing the rows (verified=no). */
int section_leaf_crash(run_ctx *c, nx_err *err);

#endif
