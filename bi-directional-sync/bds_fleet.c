#include "bds_fleet.h"

#include <stdio.h>
#include <string.h>

#include "bds_leafz_wait.h"
#include "bds_topology.h"
#include "nx_conn.h"
#include "nx_stats.h"
#include "nx_watchdog.h"

/* Small JetStream limits per leaf: 120 servers each claiming a share of the
 * machine's memory and disk would be refused long before they are used. */
#define LEAF_MAX_MEM (16LL << 20)
#define LEAF_MAX_STORE (256LL << 20)

int bds_fleet_start_hub(bds_fleet *f, const bds_fleet_config *cfg, nx_err *err)
{
    memset(f, 0, sizeof *f);
    nx_server_config hub;
    bds_server_config(&hub, cfg->nats_server, cfg->keep, "hub");
    hub.leaf_listen = true;
    if (nx_server_start(&f->hub, &hub, err) != 0)
        return nx_fail_wrap(err, "starting the hub: ");
    snprintf(f->version, sizeof f->version, "%s", nx_server_version(f->hub));
    if (nx_connect(&f->hub_nc, nx_server_url(f->hub), "fleet-hub", err) != 0 ||
        nx_jetstream(&f->hub_js, f->hub_nc, NULL, 10000, err) != 0)
        return -1;
    nx_watchdog_watch(f->hub, "the fleet hub's nats-server");
    return 0;
}

int bds_fleet_wait_linked(bds_fleet *f, int want, int timeout_ms, nx_err *err)
{
    return bds_leafz_wait(nx_server_monitor_url(f->hub), want, timeout_ms, err);
}

static int start_leaf(bds_fleet *f, const bds_fleet_config *cfg, int k, const char *remote,
                      nx_err *err)
{
    bds_fleet_leaf *l = &f->leaves[k];
    snprintf(l->domain, sizeof l->domain, "leaf%d", k + 1);
    nx_server_config c;
    bds_server_config(&c, cfg->nats_server, cfg->keep, l->domain);
    c.leaf_remote = remote;
    c.js_max_mem = LEAF_MAX_MEM;
    c.js_max_store = LEAF_MAX_STORE;
    if (nx_server_start(&l->srv, &c, err) != 0)
        return nx_fail_wrap(err, "starting %s: ", l->domain);
    f->n = k + 1;
    return 0;
}

int bds_fleet_start_leaves(bds_fleet *f, const bds_fleet_config *cfg, int n, nx_err *err)
{
    if (n < 1 || n > BDS_FLEET_MAX)
        return nx_fail(err, "a fleet of %d leaves (allowed: 1 to %d)", n, BDS_FLEET_MAX);
    char remote[64];
    snprintf(remote, sizeof remote, "nats-leaf://127.0.0.1:%d", nx_server_leaf_port(f->hub));
    int64_t t0 = nx_now_ns();
    for (int k = 0; k < n; k++)
        if (start_leaf(f, cfg, k, remote, err) != 0)
            return -1;
    int64_t t1 = nx_now_ns();
    f->spawn_s = (double)(t1 - t0) / 1e9;
    if (bds_fleet_wait_linked(f, n, 60000, err) != 0)
        return -1;
    f->link_s = (double)(nx_now_ns() - t1) / 1e9;
    for (int k = 0; k < n; k++) {
        bds_fleet_leaf *l = &f->leaves[k];
        if (nx_connect(&l->nc, nx_server_url(l->srv), l->domain, err) != 0 ||
            nx_jetstream(&l->js, l->nc, NULL, 10000, err) != 0)
            return -1;
    }
    return 0;
}

int bds_fleet_restart_hub(bds_fleet *f, nx_err *err)
{
    nx_watchdog_unwatch(f->hub);
    if (nx_server_stop(f->hub, 10000) != 0)
        return nx_fail(err, "the hub did not stop on SIGTERM within 10 s");
    if (nx_server_restart(f->hub, err) != 0)
        return nx_fail_wrap(err, "restarting the hub: ");
    nx_watchdog_watch(f->hub, "the fleet hub's nats-server");
    return 0;
}

void bds_fleet_destroy(bds_fleet *f)
{
    if (f->hub)
        nx_watchdog_unwatch(f->hub);
    for (int k = 0; k < f->n; k++) {
        bds_fleet_leaf *l = &f->leaves[k];
        if (l->js)
            jsCtx_Destroy(l->js);
        if (l->nc)
            natsConnection_Destroy(l->nc);
        nx_server_destroy(l->srv);
    }
    if (f->hub_js)
        jsCtx_Destroy(f->hub_js);
    if (f->hub_nc)
        natsConnection_Destroy(f->hub_nc);
    nx_server_destroy(f->hub);
    memset(f, 0, sizeof *f);
}
