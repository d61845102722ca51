#include "ps_opts.h"

#include <string.h>

#include "nx_subject.h"

enum {
    OPT_NODES = 1000,
    OPT_PROPS,
    OPT_HISTORY,
    OPT_READS,
    OPT_CAS_COUNT,
    OPT_NODE,
    OPT_INJECT_FAULT,
};

#define MAX_NODES 100000L
#define MAX_PROPS 1000L
#define MAX_CELLS 1000000L        /* nodes x props: the model's memory */
#define MAX_POINTS 100000000L     /* nodes x props x deepest history */
#define MAX_DATA_BYTES (1L << 33) /* points x payload: what the disks must hold */

static const nx_cli_option own[] = {
    {"nodes", "N", OPT_NODES, "nodes in the scaled workload, 1 to 100000 (default 20; quick 10)"},
    {"props", "N", OPT_PROPS, "props per node, 1 to 1000 (default 10; quick 4)"},
    {"history", "N[,N...]", OPT_HISTORY,
     "updates per prop at which reads are timed, increasing (default 1,10,100,1000; quick 1,10)"},
    {"reads", "N", OPT_READS, "random node reads per method and depth (default 400; quick 50)"},
    {"cas-count", "K", OPT_CAS_COUNT,
     "increments per compare-and-set writer, 2 writers (default 1000; quick 50)"},
    {"node", "NODE", OPT_NODE, "seed node whose state is printed and checked (default 123)"},
    {"inject-fault", "KIND", OPT_INJECT_FAULT,
     "corrupt the model on purpose so a check must fail (exit 1): seed, tombstone or cas"},
};

static const char summary[] =
    "The current state of a node is the head of each of its subjects n.<node>.<prop>. Seeds\n"
    "nodes 123/456/789 and prints one node's state; then writes nodes x props x history points\n"
    "and times reading random nodes' state by stream info + get-last, direct get, one ordered\n"
    "consumer with deliver-last-per-subject, a KV bucket, the node in one round trip (every\n"
    "prop's direct get pipelined; a multi_last multi get on nats-server 2.11+; both also on the\n"
    "KV bucket) beside a PING/PONG, and SQLite (latest row per prop), each read checked\n"
    "against an in-memory model; then tombstones, per-message TTL (2.11+), compare-and-set\n"
    "with two writers (on R1 and, with --cluster 3, R3, with a verdict per server version), and\n"
    "bytes on disk per point against SQLite. There is no --count: the number of points is\n"
    "nodes x props x the deepest history.";

/* Shared options this experiment has no use for. */
static const char *const not_used[] = {"count", NULL};

static const char *const fault_names[] = {
    [PS_FAULT_NONE] = "none",
    [PS_FAULT_SEED] = "seed",
    [PS_FAULT_TOMBSTONE] = "tombstone",
    [PS_FAULT_CAS] = "cas",
};

static int handle(void *ctx, int id, const char *arg, nx_err *err)
{
    ps_opts *o = ctx;
    switch (id) {
    case OPT_NODES:
        o->nodes_set = true;
        return nx_parse_long("nodes", arg, 1, MAX_NODES, &o->nodes, err);
    case OPT_PROPS:
        o->props_set = true;
        return nx_parse_long("props", arg, 1, MAX_PROPS, &o->props, err);
    case OPT_HISTORY:
        o->history_set = true;
        if (nx_parse_long_list("history", arg, 1, MAX_POINTS, o->history, &o->nhistory, err) != 0)
            return -1;
        for (size_t i = 1; i < o->nhistory; i++)
            if (o->history[i] <= o->history[i - 1])
                return nx_fail(err, "--history: '%s' must increase (for example 1,10,100,1000)",
                               arg);
        return 0;
    case OPT_READS:
        o->reads_set = true;
        return nx_parse_long("reads", arg, 1, 10000000L, &o->reads, err);
    case OPT_CAS_COUNT:
        o->cas_count_set = true;
        return nx_parse_long("cas-count", arg, 1, 1000000L, &o->cas_count, err);
    case OPT_NODE:
        if (nx_subject_check_token("node", arg, err) != 0)
            return nx_fail_wrap(err, "--node: ");
        o->node = arg;
        return 0;
    case OPT_INJECT_FAULT: {
        int f = 0;
        if (nx_parse_choice("inject-fault", arg, fault_names, PS_FAULT_SEED, PS_FAULT_CAS, &f,
                            err) != 0)
            return -1;
        o->fault = (ps_fault)f;
        return 0;
    }
    }
    return nx_fail(err, "internal error: unhandled option %d", id);
}

static void apply_quick(ps_opts *o)
{
    if (!o->nodes_set)
        o->nodes = 10;
    if (!o->props_set)
        o->props = 4;
    if (!o->history_set) {
        o->history[0] = 1;
        o->history[1] = 10;
        o->nhistory = 2;
    }
    if (!o->reads_set)
        o->reads = 50;
    if (!o->cas_count_set)
        o->cas_count = 50;
}

static int check_combination(const ps_opts *o, nx_err *err)
{
    /* nx_run refuses these too, but they are usage errors: exit 2, not 1. */
    if (nx_cli_check_deployment(&o->common, err) != 0)
        return -1;
    long deepest = o->history[o->nhistory - 1];
    double cells = (double)o->nodes * (double)o->props;
    double points = cells * (double)deepest;
    if (cells > MAX_CELLS)
        return nx_fail(err, "--nodes x --props is %.0f (allowed: up to %ld)", cells, MAX_CELLS);
    if (points > MAX_POINTS)
        return nx_fail(err,
                       "--nodes x --props x the deepest --history is %.0f points (allowed: "
                       "up to %ld)",
                       points, MAX_POINTS);
    if (points * (double)o->common.payload > (double)MAX_DATA_BYTES)
        return nx_fail(err, "%.0f points of --payload %ld bytes is more than %ld bytes", points,
                       o->common.payload, MAX_DATA_BYTES);
    return 0;
}

static int finish(void *ctx, nx_err *err)
{
    ps_opts *o = ctx;
    if (o->common.quick)
        apply_quick(o);
    return check_combination(o, err);
}

nx_cli_result ps_opts_parse(int argc, char **argv, ps_opts *o, nx_err *err)
{
    memset(o, 0, sizeof *o);
    o->nodes = 20;
    o->props = 10;
    const long history[] = {1, 10, 100, 1000};
    memcpy(o->history, history, sizeof history);
    o->nhistory = 4;
    o->reads = 400;
    o->cas_count = 1000;
    o->node = "123";
    nx_cli_spec spec = {
        .prog = "point-store",
        .summary = summary,
        .default_count = 0, /* hidden: the workload is nodes x props x history */
        .default_payload = 16,
        NX_CLI_OPTIONS(own),
        .handle = handle,
        .finish = finish,
        .ctx = o,
        .hidden = not_used,
    };
    nx_opts_init(&o->common, &spec);
    return nx_cli_parse(argc, argv, &spec, &o->common, err);
}

const char *ps_fault_name(ps_fault f)
{
    return f <= PS_FAULT_CAS ? fault_names[f] : "none";
}
