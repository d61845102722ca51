/* tsd's options: the shared ones (nx_cli) plus the experiment's own, with
 * the values --quick lowers and the checks that tie options together. */
#ifndef TSD_OPTS_H
#define TSD_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nx_cli.h"

/* What --inject-fault corrupts on purpose, so tests can prove that each
 * verification is able to fail. */
typedef enum {
    TSD_FAULT_NONE = 0,
    TSD_FAULT_PAYLOAD,   /* the verifier expects other data bytes */
    TSD_FAULT_COUNT,     /* the model expects one point more than was written */
    TSD_FAULT_RANGE,     /* the range model expects one point past the range */
    TSD_FAULT_RETENTION, /* the retention model expects L+1 points per series */
    TSD_FAULT_SQLITE,    /* the SQLite read-back expects other data bytes */
    /* the crash check believes one point more was acked (JetStream) or
     * committed (SQLite) than the store was ever given */
    TSD_FAULT_CRASH,
    TSD_FAULT_CRASH_SQLITE,
    TSD_FAULT_FAILOVER, /* the failover check believes one more point was acknowledged */
} tsd_fault;

typedef struct tsd_opts {
    nx_opts base;
    long windows[NX_LIST_MAX]; /* js_PublishAsync MaxPending values to sweep */
    size_t nwindows;
    long variant_window; /* window for the "where does the time go" variants */
    long series;
    long sync_count; /* points for one-round-trip-per-point cases (when sync_count_set) */
    long fetch_batch;
    long range_points;
    long range_queries; /* queries per range case and repeat */
    long retention;     /* max msgs per subject in the retention case */
    long sqlite_batch;
    uint64_t seed;
    bool seed_set;
    bool no_sqlite;
    tsd_fault fault;
    /* SIGKILL rounds per store in the crash case (0: none), and whether it
     * was given (--quick lowers it only when not). */
    long crash_rounds;
    bool crash_rounds_set;
    long failover_count; /* points of the failover case (R3, spawned cluster); 0 = none */
    long power_cuts;     /* power-cut rounds per setting (tsd_power.h); 0 = none */
    /* Batch publishing (2.12+, 2.14+): atomic batch sizes and batches in
     * flight to sweep; fast-ingest initial flows (ack every N) and the
     * flow acks outstanding before the publisher waits. */
    long batch_sizes[NX_LIST_MAX];
    size_t nbatch_sizes;
    long batch_inflight[NX_LIST_MAX];
    size_t nbatch_inflight;
    long fast_flows[NX_LIST_MAX];
    size_t nfast_flows;
    long fast_outstanding;
    /* Which of the experiment's own options were given (--quick changes
     * only the others). */
    bool series_set, range_points_set, retention_set, sync_count_set, failover_count_set;
} tsd_opts;

#define TSD_DEFAULT_COUNT 100000L
#define TSD_DEFAULT_PAYLOAD 16L
/* One round trip per point runs at a few thousand points/s, and with an
 * fsync per write at about one thousand: 10000 points time each such case
 * for seconds, where --count would take minutes per case and repeat. */
#define TSD_SYNC_COUNT_DEFAULT 10000L
/* The data holds the point's global index (8 bytes) before its filler. */
#define TSD_MIN_PAYLOAD 8L

/* Parses argv into o. Returns NX_CLI_RUN, NX_CLI_DONE (--help/--version
 * printed) or NX_CLI_USAGE with err holding the one line to print. */
nx_cli_result tsd_opts_parse(tsd_opts *o, int argc, char **argv, nx_err *err);

/* Points written by the one-round-trip-per-point cases. */
long tsd_opts_sync_count(const tsd_opts *o);

const char *tsd_fault_name(tsd_fault f);

#endif
