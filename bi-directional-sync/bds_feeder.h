/* A thread that keeps publishing indexed points on both sides at a steady
 * rate (each point acked by its own server, which the link does not carry),
 * so points flow both ways for as long as a link test lasts, whatever the
 * link does meanwhile. Indexes run 0, 1, ... per path, so a copy can be
 * checked with bds_copy_check afterwards. */
#ifndef BDS_FEEDER_H
#define BDS_FEEDER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bds_path.h"
#include "nx_err.h"

typedef struct bds_feeder {
    const bds_path *paths[2];
    size_t data_len;
    int interval_ms; /* one point per path each interval */
    _Atomic bool stop;
    _Atomic uint64_t sent[2]; /* acked points per path */
    int rc;                   /* 0, or -1 with err set, once joined */
    nx_err err;
    pthread_t thread;
    bool started;
} bds_feeder;

/* Starts publishing one point per path every interval_ms. */
int bds_feeder_start(bds_feeder *f, const bds_path *a, const bds_path *b, size_t data_len,
                     int interval_ms, nx_err *err);

/* Stops and joins; returns the thread's rc (its error in err). */
int bds_feeder_stop(bds_feeder *f, nx_err *err);

#endif
