/* Everything one point-store run shares between its phases: options, the
 * deployment (nx_run), the stores holding the workload (stream, KV bucket,
 * SQLite), the model they must agree with, and the measurements the final
 * summary needs. Each phase lives in its own file and takes a ps_ctx. */
#ifndef PS_CTX_H
#define PS_CTX_H

#include <nats/nats.h>
#include <stdbool.h>

#include "nx_asyncpub.h"
#include "nx_results.h"
#include "nx_run.h"
#include "nx_verdict.h"
#include "ps_db.h"
#include "ps_model.h"
#include "ps_opts.h"
#include "ps_read.h"

/* In-flight async publishes while loading: a window like the tsd
 * experiment's middle setting, large enough to keep the server busy. */
#define PS_ASYNC_WINDOW 4096
/* SQLite rows per transaction while loading. */
#define PS_SQLITE_TX_ROWS 1000

typedef struct ps_ctx {
    ps_opts opts;
    nx_run run;
    bool run_open;
    char stream[64]; /* the workload's stream */
    char bucket[64]; /* the KV bucket (its stream is KV_<bucket>) */
    kvStore *kv;
    ps_db db;
    bool db_open;
    nx_asyncpub *pub; /* setup publishes, a window of PS_ASYNC_WINDOW */
    ps_model model;
    char (*prop_names)[PS_NAME_MAX];
    const char **props;
    ps_reader reader;
    long loaded; /* updates per prop written so far */
    /* p50 of each round, per method and history depth, for the ratios. */
    double *round_p50[PS_NMETHODS][NX_LIST_MAX];
    struct ps_compare *compare; /* R1 rows to compare R3 rows with; NULL when not comparing */
    struct ps_fast *fast;       /* the one-round-trip methods' connection (ps_fast.h) */
    /* The ping's p50 over the rounds, ns, per history depth (ps_yardstick.h). */
    nx_spread ping_spread[NX_LIST_MAX];
} ps_ctx;

/* Opens the run (results, deployment, connection). */
int ps_ctx_open(ps_ctx *c, const ps_opts *opts, nx_err *err);

/* Drops the workload's stores and model (the KV bucket itself only when
 * delete_bucket), so another pass can build them again. */
void ps_ctx_drop_workload(ps_ctx *c, bool delete_bucket);

/* Removes what the run created (KV bucket with --url; streams via nx_run),
 * stops what it spawned and frees everything. Safe on a partly opened ctx. */
void ps_ctx_close(ps_ctx *c);

bool ps_quiet(const ps_ctx *c);

/* A row with the run's storage, replicas and payload filled in. */
void ps_row_init(const ps_ctx *c, nx_row *row, const char *op, const char *store,
                 const char *case_name);

/* Appends the row to the CSV; a write failure fails the run. */
int ps_emit(ps_ctx *c, const nx_row *row, nx_err *err);

#endif
