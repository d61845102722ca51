#include "bds_opts.h"

#include <string.h>

#include "bds_points.h"
#include "nx_subject.h"

#define PROG "bi-directional-sync"

enum {
    OPT_IDLE = 1000,
    OPT_OUTAGE,
    OPT_STREAMS,
    OPT_LINK_RATE,
    OPT_PACED_COUNT,
    OPT_HUB_URL,
    OPT_LEAF_URL,
    OPT_FAULT,
    OPT_CRASH_ROUNDS,
    OPT_HUB_DOMAIN,
    OPT_LEAF_DOMAIN,
    OPT_FLEET,
    OPT_FLEET_SECONDS,
    OPT_COMPRESSION,
    OPT_LINK_RTT,
    OPT_LINK_DROPOUT,
    OPT_DROPOUT_CYCLES,
};

#define DEFAULT_COUNT 20000
#define DEFAULT_PAYLOAD 16
#define DEFAULT_IDLE 10
#define DEFAULT_OUTAGE 10000
#define DEFAULT_PACED 200
#define QUICK_COUNT 2000
#define QUICK_IDLE 2
#define QUICK_OUTAGE 500
#define QUICK_PACED 40
#define DEFAULT_CRASH_ROUNDS 2
#define QUICK_CRASH_ROUNDS 1
#define DEFAULT_FLEET_SECONDS 5
#define QUICK_FLEET_SECONDS 2

static const nx_cli_option own[] = {
    {"idle-seconds", "S", OPT_IDLE,
     "seconds of idle link measured per stream count, 1..3600 (default 10; --quick 2)"},
    {"outage-count", "M", OPT_OUTAGE,
     "points published on the hub while the leaf is down (default 10000; --quick 500)"},
    {"streams", "N[,N...]", OPT_STREAMS,
     "sourced streams in total, half each way, each even, 2..120 (default 2,60; --quick 2,6)"},
    {"link-rate", "KBIT[,KBIT...]", OPT_LINK_RATE,
     "then pace the link to each rate and measure sync and catch-up there; 0 for none "
     "(default 20,100; --quick 0)"},
    {"paced-count", "N", OPT_PACED_COUNT,
     "points per direction and outage on a paced link (default 200; --quick 40)"},
    {"hub-url", "URL", OPT_HUB_URL,
     "an existing hub, with --leaf-url an existing leaf already joined to it by a leafnode "
     "connection: run there instead of spawning (streams and subjects get a run-unique prefix "
     "and are deleted at the end; what needs a server stopped or restarted, or the relay's "
     "byte counts, is skipped and says so) (default: spawn both)"},
    {"leaf-url", "URL", OPT_LEAF_URL, "the existing leaf (with --hub-url)"},
    {"hub-domain", "NAME", OPT_HUB_DOMAIN,
     "the existing hub's JetStream domain (default: the one it reports)"},
    {"leaf-domain", "NAME", OPT_LEAF_DOMAIN,
     "the existing leaf's JetStream domain (default: the one it reports)"},
    {"inject-fault", "KIND", OPT_FAULT,
     "break one check on purpose to prove it fails: seed-order, sync-content, state-merge, "
     "crash-copy, outage-content"},
    {"crash-rounds", "R", OPT_CRASH_ROUNDS,
     "rounds of the leaf SIGKILLed in the middle of a sync and restarted, 0..100; 0 skips "
     "(default 2; --quick 1)"},
    {"fleet", "N[,N...]", OPT_FLEET,
     "instead of the hub-and-leaf sections: a hub with N leaves for each N, 1..120 (for "
     "example 1,10,50; default: no fleet run)"},
    {"fleet-seconds", "S", OPT_FLEET_SECONDS,
     "the fleet's idle and loaded windows, 1..600 (default 5; --quick 2)"},
    {"compression", "MODE[,MODE...]", OPT_COMPRESSION,
     "leafnode compression modes measured on their own hub and leaf (nats-server 2.10+): off, "
     "s2_fast, s2_better, s2_best, s2_auto, or none (default all five; --quick s2_best,s2_auto)"},
    {"link-rtt", "MS[,MS...]", OPT_LINK_RTT,
     "round trips the relay adds to the link, half each way, bytes kept in order; sync and "
     "latency at each (default 0,100,600; --quick 100)"},
    {"link-dropout", "T/P[,T/P...]", OPT_LINK_DROPOUT,
     "the relay cuts the link for T s every P s while points flow both ways; 0 for none "
     "(default 2/6,5/15; --quick 1/3)"},
    {"dropout-cycles", "N", OPT_DROPOUT_CYCLES,
     "dropouts per --link-dropout pattern, 1..100 (default 2; --quick 1)"},
};

static const char *const fault_names[] = {"none",        "seed-order", "sync-content",
                                          "state-merge", "crash-copy", "outage-content"};

const char *bds_fault_name(bds_fault f)
{
    return f <= BDS_FAULT_OUTAGE_CONTENT ? fault_names[f] : "?";
}

static int handle(void *ctx, int id, const char *arg, nx_err *err)
{
    bds_opts *o = ctx;
    switch (id) {
    case OPT_IDLE:
        o->idle_set = true;
        return nx_parse_long("idle-seconds", arg, 1, 3600, &o->idle_seconds, err);
    case OPT_OUTAGE:
        o->outage_set = true;
        return nx_parse_long("outage-count", arg, 1, 10000000, &o->outage_count, err);
    case OPT_STREAMS:
        o->streams_set = true;
        if (nx_parse_long_list("streams", arg, 2, 120, o->streams, &o->nstreams, err) != 0)
            return -1;
        for (size_t i = 0; i < o->nstreams; i++)
            if (o->streams[i] % 2 != 0)
                return nx_fail(err, "--streams: %ld is odd (half the streams go each way)",
                               o->streams[i]);
        return 0;
    case OPT_LINK_RATE:
        o->link_rate_set = true;
        if (nx_parse_long_list("link-rate", arg, 0, 1000000, o->link_rates, &o->nlink_rates, err) !=
            0)
            return -1;
        for (size_t i = 0; i < o->nlink_rates; i++)
            if (o->link_rates[i] == 0 && o->nlink_rates > 1)
                return nx_fail(err, "--link-rate: 0 (no paced runs) must stand alone");
        if (o->link_rates[0] == 0)
            o->nlink_rates = 0;
        return 0;
    case OPT_CRASH_ROUNDS:
        o->crash_rounds_set = true;
        return nx_parse_long("crash-rounds", arg, 0, 100, &o->crash_rounds, err);
    case OPT_FLEET:
        return nx_parse_long_list("fleet", arg, 1, 120, o->fleet, &o->nfleet, err);
    case OPT_FLEET_SECONDS:
        o->fleet_seconds_set = true;
        return nx_parse_long("fleet-seconds", arg, 1, 600, &o->fleet_seconds, err);
    case OPT_PACED_COUNT:
        o->paced_set = true;
        return nx_parse_long("paced-count", arg, 1, 1000000, &o->paced_count, err);
    case OPT_HUB_URL:
        return nx_parse_text("hub-url", "URL", arg, &o->hub_url, err);
    case OPT_LEAF_URL:
        return nx_parse_text("leaf-url", "URL", arg, &o->leaf_url, err);
    case OPT_HUB_DOMAIN:
    case OPT_LEAF_DOMAIN:
        /* It becomes a subject token ($JS.<domain>.API). */
        if (nx_subject_check_token("domain", arg, err) != 0)
            return nx_fail_wrap(err, "--%s: ", id == OPT_HUB_DOMAIN ? "hub-domain" : "leaf-domain");
        if (id == OPT_HUB_DOMAIN)
            o->hub_domain = arg;
        else
            o->leaf_domain = arg;
        return 0;
    case OPT_COMPRESSION:
        return bds_link_opts_compression(&o->link, arg, err);
    case OPT_LINK_RTT:
        return bds_link_opts_rtt(&o->link, arg, err);
    case OPT_LINK_DROPOUT:
        return bds_link_opts_dropout(&o->link, arg, err);
    case OPT_DROPOUT_CYCLES:
        return bds_link_opts_cycles(&o->link, arg, err);
    case OPT_FAULT: {
        int f = 0;
        if (nx_parse_choice("inject-fault", arg, fault_names, BDS_FAULT_SEED_ORDER,
                            BDS_FAULT_OUTAGE_CONTENT, &f, err) != 0)
            return -1;
        o->fault = (bds_fault)f;
        return 0;
    }
    }
    return nx_fail(err, "internal error: unhandled option %d", id);
}

/* Options that make no sense for a spawned hub and leaf pair, refused with
 * one line rather than ignored. */
static int refuse_unsupported(const bds_opts *o, nx_err *err)
{
    const nx_opts *b = &o->base;
    if (b->url)
        return nx_fail(err,
                       PROG ": --url is not supported: this experiment needs a hub and a leaf, "
                            "not one server (it spawns both; see --hub-url and --leaf-url)");
    if ((o->hub_url == NULL) != (o->leaf_url == NULL))
        return nx_fail(err,
                       PROG ": --%s needs --%s too: an existing deployment is a hub and a leaf",
                       o->hub_url ? "hub-url" : "leaf-url", o->hub_url ? "leaf-url" : "hub-url");
    if ((o->hub_domain || o->leaf_domain) && o->hub_url == NULL)
        return nx_fail(err,
                       PROG ": --%s is for an existing hub and leaf (--hub-url, --leaf-url); "
                            "spawned ones are in domains hub and leaf",
                       o->hub_domain ? "hub-domain" : "leaf-domain");
    if (o->nfleet > 0 && o->hub_url)
        return nx_fail(err, PROG ": --fleet spawns its own hub and leaves: not with --hub-url");
    if (b->cluster)
        return nx_fail(err, PROG ": --cluster is not supported: hub and leaf are single servers");
    if (b->replicas != 1)
        return nx_fail(err,
                       PROG ": --replicas %ld is not supported: hub and leaf are single "
                            "servers",
                       b->replicas);
    if (strcmp(b->storage, "file") != 0)
        return nx_fail(err, PROG ": --storage memory is not supported: the leaf is restarted on "
                                 "its store dir and must find its streams there");
    if (b->payload < BDS_POINT_INDEX_BYTES || b->payload > BDS_POINT_DATA_MAX)
        return nx_fail(err,
                       PROG ": --payload: %ld is out of range for this experiment (allowed: %d "
                            "to %d; a synced point carries its 8-byte index)",
                       b->payload, BDS_POINT_INDEX_BYTES, BDS_POINT_DATA_MAX);
    return 0;
}

nx_cli_result bds_opts_parse(int argc, char **argv, bds_opts *o, nx_err *err)
{
    memset(o, 0, sizeof *o);
    nx_cli_spec spec = {
        .prog = PROG,
        .summary =
            "Syncs streams both ways between a spawned hub (JetStream domain hub) and leaf\n"
            "(domain leaf) joined by a leafnode connection, and verifies every point: the seed\n"
            "scenario step by step (with the leaf shut down and restarted), sync throughput and\n"
            "latency each way, catch-up after an outage, the bytes the link carries per point and\n"
            "when idle (counted by a relay on the link), scaling to many sourced streams, a\n"
            "link budget at 20 and 100 kbit/s, sync and catch-up on a link paced to those rates,\n"
            "and a node's state merged from both sides. --payload is the data of a synced point\n"
            "(an 8-byte index, then filler; 8..4096). Refused here: --url, --cluster,\n"
            "--replicas 3 and --storage memory. With --hub-url and --leaf-url it runs against\n"
            "an existing hub and leaf instead: seed steps 1, 2 and 5, the merged node state,\n"
            "and sync throughput and latency each way, with run-unique stream names and\n"
            "subjects deleted at the end; the leaf restarts (seed steps 3-4, outage catch-up,\n"
            "leaf crash), the relay's link bytes, idle chatter and budget, and the paced link\n"
            "are skipped.",
        .default_count = DEFAULT_COUNT,
        .default_payload = DEFAULT_PAYLOAD,
        NX_CLI_OPTIONS(own),
        .handle = handle,
        .ctx = o,
    };
    nx_opts_init(&o->base, &spec);
    o->idle_seconds = DEFAULT_IDLE;
    o->outage_count = DEFAULT_OUTAGE;
    o->streams[0] = 2;
    o->streams[1] = 60;
    o->nstreams = 2;
    o->paced_count = DEFAULT_PACED;
    o->crash_rounds = DEFAULT_CRASH_ROUNDS;
    o->link_rates[0] = 20;
    o->link_rates[1] = 100;
    o->nlink_rates = 2;
    o->fleet_seconds = DEFAULT_FLEET_SECONDS;
    bds_link_opts_defaults(&o->link);
    nx_cli_result r = nx_cli_parse(argc, argv, &spec, &o->base, err);
    if (r != NX_CLI_RUN)
        return r;
    if (refuse_unsupported(o, err) != 0)
        return NX_CLI_USAGE;
    if (o->base.quick) {
        if (!o->base.count_set)
            o->base.count = QUICK_COUNT;
        if (!o->idle_set)
            o->idle_seconds = QUICK_IDLE;
        if (!o->outage_set)
            o->outage_count = QUICK_OUTAGE;
        if (!o->paced_set)
            o->paced_count = QUICK_PACED;
        if (!o->crash_rounds_set)
            o->crash_rounds = QUICK_CRASH_ROUNDS;
        if (!o->streams_set)
            o->streams[1] = 6;
        if (!o->link_rate_set)
            o->nlink_rates = 0;
        if (!o->fleet_seconds_set)
            o->fleet_seconds = QUICK_FLEET_SECONDS;
        bds_link_opts_quick(&o->link);
    }
    return NX_CLI_RUN;
}
