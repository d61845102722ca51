#include "tsd_opts.h"

#include <string.h>

enum {
    OPT_WINDOW = 1000,
    OPT_VARIANT_WINDOW,
    OPT_SERIES,
    OPT_SYNC_COUNT,
    OPT_FETCH_BATCH,
    OPT_RANGE_POINTS,
    OPT_RANGE_QUERIES,
    OPT_RETENTION,
    OPT_SQLITE_BATCH,
    OPT_SEED,
    OPT_NO_SQLITE,
    OPT_CRASH_ROUNDS,
    OPT_INJECT_FAULT,
    OPT_FAILOVER_COUNT,
    OPT_POWER_CUTS,
    OPT_BATCH_SIZE,
    OPT_BATCH_INFLIGHT,
    OPT_FAST_FLOW,
    OPT_FAST_OUTSTANDING,
};

static const nx_cli_option own_options[] = {
    {"window", "N[,N...]", OPT_WINDOW,
     "js_PublishAsync windows (MaxPending) to sweep (default 256,1024,4096,16384)"},
    {"variant-window", "N", OPT_VARIANT_WINDOW,
     "window for the async variants that show where the time goes (default 4096)"},
    {"series", "N", OPT_SERIES, "time series n.dev<k>.temp, 1 to 100000 (default 100; --quick 10)"},
    {"sync-count", "N", OPT_SYNC_COUNT,
     "points for the one-round-trip-per-point cases: js_Publish and SQLite one txn per point "
     "(default 10000, at most --count)"},
    {"fetch-batch", "N", OPT_FETCH_BATCH,
     "pull fetch batch, 1 to 65536; max-ack-pending is set to twice it (default 1024)"},
    {"range-points", "N", OPT_RANGE_POINTS,
     "points of one series in the range query (default 100; --quick 10)"},
    {"range-queries", "N", OPT_RANGE_QUERIES, "queries per range case and repeat (default 10)"},
    {"retention", "L", OPT_RETENTION,
     "max msgs per subject in the retention case; 10xL points go to each series "
     "(default 1000; --quick 20)"},
    {"sqlite-batch", "N", OPT_SQLITE_BATCH,
     "points per transaction in batched SQLite inserts "
     "(default 1000)"},
    {"seed", "N", OPT_SEED, "seed of the generated point data (default: from the clock)"},
    {"no-sqlite", NULL, OPT_NO_SQLITE, "skip the SQLite baseline"},
    {"crash-rounds", "R", OPT_CRASH_ROUNDS,
     "crash durability: R rounds per store of SIGKILL at a random moment (the server while "
     "publishing async, an SQLite inserting process), restart, check every acked point; 0 "
     "skips it (default 20; --quick 3)"},
    {"inject-fault", "KIND", OPT_INJECT_FAULT,
     "corrupt a model on purpose to prove a check fails (exit 1): payload, count, range, "
     "retention, sqlite, crash, crash-sqlite, failover"},
    {"failover-count", "N", OPT_FAILOVER_COUNT,
     "points of the failover case (R3 on a spawned --cluster 3: the stream leader is killed "
     "at 1/3); 0 skips it (default 30000; --quick 3000)"},
    {"power-cuts", "N", OPT_POWER_CUTS,
     "power loss: N cuts per setting (JetStream default sync, sync_interval 1s and always; "
     "SQLite WAL NORMAL and FULL) on a FUSE mount that drops unsynced bytes; 0 skips it "
     "(default 0; scripts/run-all.sh gives 10 on its first repeat, --quick 3)"},
    {"batch-size", "N[,N...]", OPT_BATCH_SIZE,
     "atomic batch publish (nats-server 2.12+): points per batch to sweep, 1 to 1000 (the "
     "server's limit) (default 10,100,1000)"},
    {"batch-inflight", "N[,N...]", OPT_BATCH_INFLIGHT,
     "atomic batches committed and not yet acked, 1 to 50 (the server's per-stream limit) "
     "(default 1,4)"},
    {"fast-flow", "N[,N...]", OPT_FAST_FLOW,
     "fast-ingest batch (nats-server 2.14+): initial flow (a flow ack every N points at most; "
     "the server may lower it) to sweep, 1 to 65535 (default 100,1000)"},
    {"fast-outstanding", "N", OPT_FAST_OUTSTANDING,
     "fast-ingest flow acks outstanding before the publisher waits, 1 to 16 (default 2)"},
};

static const char *const fault_names[] = {
    [TSD_FAULT_NONE] = "none",           [TSD_FAULT_PAYLOAD] = "payload",
    [TSD_FAULT_COUNT] = "count",         [TSD_FAULT_RANGE] = "range",
    [TSD_FAULT_RETENTION] = "retention", [TSD_FAULT_SQLITE] = "sqlite",
    [TSD_FAULT_CRASH] = "crash",         [TSD_FAULT_CRASH_SQLITE] = "crash-sqlite",
    [TSD_FAULT_FAILOVER] = "failover",
};

const char *tsd_fault_name(tsd_fault f)
{
    return f <= TSD_FAULT_FAILOVER ? fault_names[f] : "?";
}

static int handle(void *ctx, int id, const char *arg, nx_err *err)
{
    tsd_opts *o = ctx;
    long seed = 0;
    switch (id) {
    case OPT_WINDOW:
        return nx_parse_long_list("window", arg, 1, 1000000, o->windows, &o->nwindows, err);
    case OPT_VARIANT_WINDOW:
        return nx_parse_long("variant-window", arg, 1, 1000000, &o->variant_window, err);
    case OPT_SERIES:
        o->series_set = true;
        return nx_parse_long("series", arg, 1, 100000, &o->series, err);
    case OPT_SYNC_COUNT:
        o->sync_count_set = true;
        return nx_parse_long("sync-count", arg, 1, 100000000L, &o->sync_count, err);
    case OPT_FETCH_BATCH:
        return nx_parse_long("fetch-batch", arg, 1, 65536, &o->fetch_batch, err);
    case OPT_RANGE_POINTS:
        o->range_points_set = true;
        return nx_parse_long("range-points", arg, 1, 10000000L, &o->range_points, err);
    case OPT_RANGE_QUERIES:
        return nx_parse_long("range-queries", arg, 1, 1000, &o->range_queries, err);
    case OPT_RETENTION:
        o->retention_set = true;
        return nx_parse_long("retention", arg, 1, 1000000L, &o->retention, err);
    case OPT_SQLITE_BATCH:
        return nx_parse_long("sqlite-batch", arg, 1, 1000000L, &o->sqlite_batch, err);
    case OPT_SEED:
        if (nx_parse_long("seed", arg, 0, 0x7fffffffffffffffL, &seed, err) != 0)
            return -1;
        o->seed = (uint64_t)seed;
        o->seed_set = true;
        return 0;
    case OPT_CRASH_ROUNDS:
        o->crash_rounds_set = true;
        return nx_parse_long("crash-rounds", arg, 0, 1000, &o->crash_rounds, err);
    case OPT_NO_SQLITE:
        o->no_sqlite = true;
        return 0;
    case OPT_INJECT_FAULT: {
        int f = 0;
        if (nx_parse_choice("inject-fault", arg, fault_names, TSD_FAULT_PAYLOAD, TSD_FAULT_FAILOVER,
                            &f, err) != 0)
            return -1;
        o->fault = (tsd_fault)f;
        return 0;
    }
    case OPT_POWER_CUTS:
        return nx_parse_long("power-cuts", arg, 0, 1000, &o->power_cuts, err);
    case OPT_FAILOVER_COUNT:
        o->failover_count_set = true;
        return nx_parse_long("failover-count", arg, 0, 10000000L, &o->failover_count, err);
    case OPT_BATCH_SIZE:
        return nx_parse_long_list("batch-size", arg, 1, 1000, o->batch_sizes, &o->nbatch_sizes,
                                  err);
    case OPT_BATCH_INFLIGHT:
        return nx_parse_long_list("batch-inflight", arg, 1, 50, o->batch_inflight,
                                  &o->nbatch_inflight, err);
    case OPT_FAST_FLOW:
        return nx_parse_long_list("fast-flow", arg, 1, 65535, o->fast_flows, &o->nfast_flows, err);
    case OPT_FAST_OUTSTANDING:
        return nx_parse_long("fast-outstanding", arg, 1, 16, &o->fast_outstanding, err);
    }
    return nx_fail(err, "internal error: unhandled option %d", id);
}

#define IN_FLIGHT_MAX (256L << 20)

static void set_defaults(tsd_opts *o)
{
    static const long windows[] = {256, 1024, 4096, 16384};
    memcpy(o->windows, windows, sizeof windows);
    o->nwindows = sizeof windows / sizeof *windows;
    o->variant_window = 4096;
    o->series = 100;
    o->fetch_batch = 1024;
    o->range_points = 100;
    o->range_queries = 10;
    o->retention = 1000;
    o->sqlite_batch = 1000;
    o->crash_rounds = 20;
    o->failover_count = 30000;
    static const long sizes[] = {10, 100, 1000}, inflight[] = {1, 4}, flows[] = {100, 1000};
    memcpy(o->batch_sizes, sizes, sizeof sizes);
    o->nbatch_sizes = sizeof sizes / sizeof *sizes;
    memcpy(o->batch_inflight, inflight, sizeof inflight);
    o->nbatch_inflight = sizeof inflight / sizeof *inflight;
    memcpy(o->fast_flows, flows, sizeof flows);
    o->nfast_flows = sizeof flows / sizeof *flows;
    o->fast_outstanding = 2;
}

/* --quick lowers only what the user left alone. */
static void apply_quick(tsd_opts *o)
{
    if (!o->base.count_set)
        o->base.count = 2000;
    if (!o->series_set)
        o->series = 10;
    if (!o->range_points_set)
        o->range_points = 10;
    if (!o->retention_set)
        o->retention = 20;
    if (!o->crash_rounds_set)
        o->crash_rounds = 3;
    if (!o->failover_count_set)
        o->failover_count = 3000;
}

static int check_combination(const tsd_opts *o, nx_err *err)
{
    /* nx_run refuses these too, but they are usage errors: exit 2, not 1. */
    if (nx_cli_check_deployment(&o->base, err) != 0)
        return -1;
    if (o->base.payload < TSD_MIN_PAYLOAD)
        return nx_fail(err,
                       "--payload: %ld is too small for tsd (at least %ld: each point's data "
                       "starts with its 8-byte index)",
                       o->base.payload, TSD_MIN_PAYLOAD);
    /* Every window of points is held by the client (and the server) until
     * acked, every fetch batch until read: keep that within memory a small
     * device has. */
    long point = o->base.payload + 13;
    long window = o->variant_window;
    for (size_t i = 0; i < o->nwindows; i++)
        if (o->windows[i] > window)
            window = o->windows[i];
    if (window * point > IN_FLIGHT_MAX)
        return nx_fail(err,
                       "a window of %ld points of %ld bytes would keep %ld MiB in flight "
                       "(at most %ld MiB: lower --window/--variant-window or --payload)",
                       window, o->base.payload, window * point >> 20, IN_FLIGHT_MAX >> 20);
    if (2 * o->fetch_batch * point > IN_FLIGHT_MAX)
        return nx_fail(err,
                       "--fetch-batch %ld of %ld-byte points would keep %ld MiB in flight "
                       "(at most %ld MiB)",
                       o->fetch_batch, o->base.payload, 2 * o->fetch_batch * point >> 20,
                       IN_FLIGHT_MAX >> 20);
    /* The range cases query a stream of count/10 points, and the empty range
     * needs two points of a series with a gap between them. */
    if (o->base.count < 40 * o->series)
        return nx_fail(err,
                       "--count %ld is too small for --series %ld (tsd needs at least 40 "
                       "points per series, so --count %ld or more)",
                       o->base.count, o->series, 40 * o->series);
    return 0;
}

static int finish(void *ctx, nx_err *err)
{
    tsd_opts *o = ctx;
    if (o->base.quick)
        apply_quick(o);
    return check_combination(o, err);
}

nx_cli_result tsd_opts_parse(tsd_opts *o, int argc, char **argv, nx_err *err)
{
    memset(o, 0, sizeof *o);
    set_defaults(o);
    nx_cli_spec spec = {
        .prog = "tsd",
        .summary =
            "JetStream as a time-series store: insert rates for js_Publish (sync), "
            "js_PublishAsync (a window sweep) and core publishes timed until stored (the "
            "server's ingest ceiling), read-back with pull and ordered consumers, a time-range "
            "query on one series among many, a per-subject retention limit, and SQLite (WAL) "
            "on the same points. Every case is verified (counts, order, content). With a "
            "cluster (--cluster 3, or a --url deployment that takes R3 streams) every JetStream "
            "case is measured on R1 and then on R3 streams and the R3/R1 ratios are reported, "
            "unless --replicas picks one; such a comparison lowers the defaults to --count 50000, "
            "--sync-count 5000 and --retention 500 (options given are kept). On a spawned "
            "cluster with R3 the failover case kills the stream leader while publishing.",
        .default_count = TSD_DEFAULT_COUNT,
        .default_payload = TSD_DEFAULT_PAYLOAD,
        NX_CLI_OPTIONS(own_options),
        .handle = handle,
        .finish = finish,
        .ctx = o,
    };
    nx_opts_init(&o->base, &spec);
    return nx_cli_parse(argc, argv, &spec, &o->base, err);
}

long tsd_opts_sync_count(const tsd_opts *o)
{
    long n = o->sync_count_set ? o->sync_count : TSD_SYNC_COUNT_DEFAULT;
    return n < o->base.count ? n : o->base.count;
}
