/* point-store: can a JetStream stream be an IoT device's current-state store?
 * The state of a node is the head of each of its subjects n.<node>.<prop>.
 *
 * The story: seed three nodes and print one's state; write a scaled workload
 * to a stream, a KV bucket and SQLite in growing history depths, timing
 * random state reads by every method and checking each against the model;
 * delete props with tombstones; race two compare-and-set writers; compare
 * bytes on disk. Any difference from the model ends the run with exit 1. */
#include <nats/nats.h>
#include <stdio.h>

#include "nx_watchdog.h"
#include "ps_cas.h"
#include "ps_ctx.h"
#include "ps_footprint.h"
#include "ps_load.h"
#include "ps_reads.h"
#include "ps_replicas.h"
#include "ps_seed.h"
#include "ps_tomb.h"
#include "ps_ttl.h"
#include "ps_yardstick.h"

static void print_header(const ps_ctx *c)
{
    if (ps_quiet(c))
        return;
    const nx_opts *o = &c->opts.common;
    const char *where = o->url       ? o->url
                        : o->cluster ? "a spawned 3-node cluster"
                                     : "a spawned server";
    printf("point-store: nats-server %s on %s, nats.c %s, %s; storage %s, replicas %ld, "
           "payload %ld bytes%s%s\n\n",
           c->run.server_version, where, nats_GetVersion(), nx_sqlite_version_label(), o->storage,
           o->replicas, o->payload, c->opts.fault ? ", injected fault: " : "",
           c->opts.fault ? ps_fault_name(c->opts.fault) : "");
}

static int run_pass(ps_ctx *c, nx_err *err)
{
    print_header(c);
    if (ps_seed_run(c, err) != 0 || ps_workload_open(c, err) != 0)
        return -1;
    for (size_t i = 0; i < c->opts.nhistory; i++)
        if (ps_load_to_depth(c, c->opts.history[i], err) != 0 || ps_read_depth(c, i, err) != 0)
            return -1;
    ps_print_ratios(c);
    ps_print_targets(c);
    if (ps_tombstones_run(c, err) != 0 || ps_ttl_run(c, err) != 0 ||
        ps_footprint_run(c, err) != 0 || ps_cas_phase(c, err) != 0)
        return -1;
    return 0;
}

/* The story once per replicas setting (R1, then R3 with a cluster); the
 * comparison is printed even when the R3 pass failed a check, so what it
 * measured is on screen beside the error. */
static int run(ps_ctx *c, nx_err *err)
{
    ps_plan plan;
    int rc = ps_plan_make(c, &plan, err);
    for (int p = 0; rc == 0 && p < plan.npasses; p++) {
        ps_pass_begin(c, &plan, p);
        rc = run_pass(c, err);
        if (rc == 0 && p + 1 < plan.npasses)
            rc = ps_pass_end(c, err);
    }
    ps_compare_print(c, &plan);
    if (rc != 0)
        return -1;
    if (!ps_quiet(c)) {
        const char *csv = nx_results_path(c->run.results);
        printf("All checks passed.%s%s\n", csv[0] ? " Rows appended to " : "", csv);
    }
    return 0;
}

/* A server that dies under the run ends it at once, with one line. */
static int watch_server(const ps_ctx *c, nx_err *err)
{
    if (nx_watchdog_start("point-store", err) != 0)
        return -1;
    nx_watchdog_watch(c->run.server, "the nats-server");
    return 0;
}

int main(int argc, char **argv)
{
    ps_opts opts;
    nx_err err = {{0}};
    int status = 0;
    if (nx_cli_exits(ps_opts_parse(argc, argv, &opts, &err), &err, &status))
        return status;
    ps_ctx c;
    int rc = ps_ctx_open(&c, &opts, &err) == 0 && watch_server(&c, &err) == 0 && run(&c, &err) == 0
                 ? 0
                 : 1;
    /* A server that died under the run is the cause; say that. */
    nx_watchdog_stop(rc != 0 ? &err : NULL);
    fflush(stdout);
    if (rc != 0)
        fprintf(stderr, "point-store: %s\n", err.msg);
    ps_ctx_close(&c);
    nats_Close();
    return rc;
}
