/* bi-directional-sync: a hub and a leaf joined by a leafnode link, NODES-HUB
 * sourced hub -> leaf and NODES-LEAF leaf -> hub. The run tells its story in
 * order: the seed scenario (with the leaf shut down and restarted), a node
 * written on both sides and merged, catch-up after an outage, then sync
 * throughput, latency and link cost at each stream count, and optionally on
 * a paced link. Every point read is checked; any mismatch ends the run with
 * exit status 1. */
#include <nats/nats.h>
#include <stdio.h>

#include "bds_ctx.h"
#include "bds_existing.h"
#include "bds_leaf_crash.h"
#include "bds_opts.h"
#include "bds_section_fleet.h"
#include "nx_watchdog.h"

/* Generous for an unpaced loopback link; the paced runs set their own. */
#define BDS_SYNC_TIMEOUT_MS 120000

/* Spawned hub, relay and leaf; or an existing hub and leaf. */
static int deployment(bds_ctx *c, nx_err *err)
{
    const bds_opts *o = c->o;
    if (o->hub_url) {
        bds_existing_config ec = {.hub_url = o->hub_url,
                                  .leaf_url = o->leaf_url,
                                  .hub_domain = o->hub_domain,
                                  .leaf_domain = o->leaf_domain};
        if (bds_topology_attach(&c->t, &ec, err) != 0)
            return -1;
        if (!o->base.quiet)
            printf("bi-directional-sync: existing hub %s (domain %s) <-> leaf %s (domain %s), "
                   "nats-server %s, nats.c %s;\nstreams and subjects carry the run's prefix %s "
                   "and are deleted at the end; no relay on the link\n",
                   o->hub_url, bds_domain(&c->t.names, true), o->leaf_url,
                   bds_domain(&c->t.names, false), c->t.version, nats_GetVersion(),
                   c->t.names.prefix);
        return 0;
    }
    bds_topology_config tc = {.nats_server = o->base.nats_server, .keep = o->base.keep};
    if (bds_topology_start(&c->t, &tc, err) != 0)
        return -1;
    if (!o->base.quiet)
        printf("bi-directional-sync: hub (domain hub) <-> leaf (domain leaf), nats-server %s, "
               "nats.c %s;\nthe leafnode link runs through a byte-counting relay on loopback\n",
               c->t.version, nats_GetVersion());
    return 0;
}

/* The paced link and the leaf crash need the relay and a leaf to kill. */
static int spawned_only(bds_ctx *c, nx_err *err)
{
    if (!c->t.existing)
        return bds_section_paced(c, err) != 0 || bds_section_leaf_crash(c, err) != 0 ||
                       bds_section_delay(c, err) != 0 || bds_section_dropout(c, err) != 0 ||
                       bds_section_compress(c, err) != 0
                   ? -1
                   : 0;
    if (c->o->nlink_rates > 0)
        bds_story_heading(&c->st, "Paced link skipped: pacing needs the relay this program puts on "
                                  "the link of servers it spawned");
    if (c->o->crash_rounds > 0)
        bds_story_heading(&c->st, "Leaf crash skipped: it kills and restarts the leaf, which needs "
                                  "servers this program spawned");
    return 0;
}

/* The run's sections in order, named for the row a failed check leaves. */
static const struct {
    const char *name;
    int (*run)(bds_ctx *c, nx_err *err);
} sections[] = {
    {"seed scenario", bds_section_seed},     {"state merge", bds_section_state},
    {"outage catch-up", bds_section_outage}, {"seed cleanup", bds_section_clear_seed},
    {"sync at scale", bds_section_scale},    {"paced link and leaf crash", spawned_only},
};

/* A check that failed still leaves a row (verified=no) naming its section
 * and what differed, after the rows measured before it. */
static void row_failed(bds_ctx *c, const char *section, const nx_err *why)
{
    nx_row row;
    nx_row_init(&row);
    row.op = "check_failed";
    row.case_name = section;
    row.verified = NX_VERIFIED_NO;
    row.note = why->msg;
    nx_err ignore;
    bds_report_row(&c->rep, &row, why->msg, &ignore);
}

static int run(bds_ctx *c, nx_err *err)
{
    const bds_opts *o = c->o;
    if (o->nfleet > 0) {
        if (bds_section_fleet(c, err) != 0) {
            row_failed(c, "fleet", err);
            return -1;
        }
        bds_report_print(&c->rep);
        return 0;
    }
    if (deployment(c, err) != 0)
        return -1;
    bds_report_set_version(&c->rep, c->t.version);
    c->env = (bds_env){.link = c->t.link,
                       .hub_monitor = c->t.hub ? nx_server_monitor_url(c->t.hub) : NULL,
                       .quiet = o->base.quiet,
                       .timeout_ms = BDS_SYNC_TIMEOUT_MS,
                       .fault = o->fault};
    for (size_t i = 0; i < sizeof sections / sizeof *sections; i++)
        if (sections[i].run(c, err) != 0) {
            row_failed(c, sections[i].name, err);
            return -1;
        }
    bds_report_print(&c->rep);
    return 0;
}

int main(int argc, char **argv)
{
    bds_opts o;
    nx_err err = {{0}};
    int status = 0;
    if (nx_cli_exits(bds_opts_parse(argc, argv, &o, &err), &err, &status))
        return status;
    bds_ctx c = {.o = &o, .st = {.quiet = o.base.quiet}};
    int rc = 0;
    if (bds_report_open(&c.rep, o.base.no_csv ? NULL : o.base.results_dir, o.base.quiet, &err) != 0)
        rc = 1;
    else if (nx_watchdog_start("bi-directional-sync", &err) != 0 || run(&c, &err) != 0)
        rc = 1;
    /* A server that died under the run is the cause; say that. */
    nx_watchdog_stop(rc != 0 ? &err : NULL);
    bds_topology_destroy(&c.t);
    if (rc != 0)
        fprintf(stderr, "bi-directional-sync: %s\n", err.msg);
    else if (!o.base.quiet)
        printf("\nall checks passed\n");
    bds_report_close(&c.rep);
    nats_Close();
    return rc;
}
