/* The experiment's options: the shared ones (nx_cli.h) plus its own, with
 * --quick lowering only the defaults the user did not set. */
#ifndef BDS_OPTS_H
#define BDS_OPTS_H

#include <stdbool.h>
#include <stddef.h>

#include "bds_opts_link.h"
#include "nx_cli.h"
#include "nx_err.h"

/* Faults a test can inject to prove that a verification fails (exit 1). */
typedef enum {
    BDS_FAULT_NONE = 0,
    BDS_FAULT_SEED_ORDER,   /* publish the seed's first values out of order */
    BDS_FAULT_SYNC_CONTENT, /* corrupt one point of each live sync burst */
    BDS_FAULT_STATE_MERGE,  /* let the wrong side win the shared prop */
    BDS_FAULT_CRASH_COPY,   /* after the leaf crash, expect one point more than was published */
    /* corrupt one point published while the leaf is down */
    BDS_FAULT_OUTAGE_CONTENT,
} bds_fault;

typedef struct bds_opts {
    nx_opts base;
    long idle_seconds;
    long outage_count;
    long streams[NX_LIST_MAX]; /* sourced streams in total, half each way */
    size_t nstreams;
    long link_rates[NX_LIST_MAX]; /* kbit/s; none: no paced run */
    size_t nlink_rates;
    long paced_count;
    long crash_rounds;                    /* leaf SIGKILL rounds; 0 = none */
    const char *hub_url, *leaf_url;       /* an existing hub and leaf instead of spawning */
    const char *hub_domain, *leaf_domain; /* their JetStream domains; NULL: as reported */
    bds_fault fault;
    long fleet[NX_LIST_MAX]; /* --fleet: leaves per fleet size; none: no fleet run */
    size_t nfleet;
    long fleet_seconds; /* idle and loaded windows of the fleet */
    bool fleet_seconds_set;
    bds_link_opts link; /* compression, link delay, dropouts */
    bool idle_set, outage_set, streams_set, paced_set, link_rate_set;
    bool crash_rounds_set;
} bds_opts;

/* Parses argv. NX_CLI_USAGE leaves one line in err (exit 2). */
nx_cli_result bds_opts_parse(int argc, char **argv, bds_opts *o, nx_err *err);

const char *bds_fault_name(bds_fault f);

#endif
