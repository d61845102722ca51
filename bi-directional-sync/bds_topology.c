#include "bds_topology.h"

#include <stdio.h>
#include <string.h>

#include "bds_existing.h"
#include "bds_leafz_wait.h"
#include "nx_conn.h"
#include "nx_monitor.h"
#include "nx_wait.h"
#include "nx_watchdog.h"

int bds_topology_wait_leafz(bds_topology *t, int want, int timeout_ms, nx_err *err)
{
    return bds_leafz_wait(nx_server_monitor_url(t->hub), want, timeout_ms, err);
}

void bds_server_config(nx_server_config *c, const char *binary, bool keep, const char *name)
{
    nx_server_config_init(c);
    c->binary = binary;
    c->keep = keep;
    c->name = name;
    c->domain = name;
}

static int start_servers(bds_topology *t, const bds_topology_config *cfg, nx_err *err)
{
    nx_server_config hub;
    bds_server_config(&hub, cfg->nats_server, cfg->keep, "hub");
    hub.leaf_listen = true;
    hub.leaf_compression = cfg->leaf_compression;
    /* The relay first, and the hub advertising it: a leaf that reconnects
     * after a cut dials the URLs the hub advertised, and must cross the
     * relay again rather than reach the hub's own port. */
    if (bds_relay_start(&t->link, 0, err) != 0)
        return -1;
    char advertise[32];
    snprintf(advertise, sizeof advertise, "127.0.0.1:%d", bds_relay_port(t->link));
    hub.leaf_advertise = advertise;
    if (nx_server_start(&t->hub, &hub, err) != 0)
        return nx_fail_wrap(err, "starting the hub: ");
    bds_relay_set_upstream(t->link, nx_server_leaf_port(t->hub));
    bds_relay_set_rate(t->link, cfg->link_rate_bits);
    /* Before the leaf dials, so its first RTT (what s2_auto goes by) already
     * has the delay in it. */
    bds_relay_set_delay(t->link, cfg->link_delay_ms);
    char remote[64];
    snprintf(remote, sizeof remote, "nats-leaf://127.0.0.1:%d", bds_relay_port(t->link));
    nx_server_config leaf;
    bds_server_config(&leaf, cfg->nats_server, cfg->keep, "leaf");
    leaf.leaf_remote = remote;
    leaf.leaf_compression = cfg->leaf_compression;
    if (nx_server_start(&t->leaf, &leaf, err) != 0)
        return nx_fail_wrap(err, "starting the leaf: ");
    snprintf(t->version, sizeof t->version, "%s", nx_server_version(t->hub));
    return 0;
}

int bds_topology_start(bds_topology *t, const bds_topology_config *cfg, nx_err *err)
{
    memset(t, 0, sizeof *t);
    bds_names_plain(&t->names);
    if (start_servers(t, cfg, err) != 0 || bds_topology_wait_leafz(t, 1, 30000, err) != 0 ||
        nx_connect(&t->hub_nc, nx_server_url(t->hub), "sync-hub", err) != 0 ||
        nx_connect(&t->leaf_nc, nx_server_url(t->leaf), "sync-leaf", err) != 0 ||
        nx_jetstream(&t->hub_js, t->hub_nc, NULL, 10000, err) != 0 ||
        nx_jetstream(&t->leaf_js, t->leaf_nc, NULL, 10000, err) != 0 ||
        nx_jetstream(&t->leaf_hub_js, t->leaf_nc, "hub", 10000, err) != 0) {
        bds_topology_destroy(t);
        return -1;
    }
    nx_watchdog_watch(t->hub, "the hub's nats-server");
    nx_watchdog_watch(t->leaf, "the leaf's nats-server");
    return 0;
}

int bds_topology_leaf_stop(bds_topology *t, nx_err *err)
{
    nx_watchdog_unwatch(t->leaf);
    if (nx_server_stop(t->leaf, 10000) != 0)
        return nx_fail(err, "the leaf did not stop on SIGTERM within 10 s");
    return bds_topology_wait_leafz(t, 0, 10000, err);
}

int bds_topology_leaf_start_again(bds_topology *t, nx_err *err)
{
    if (nx_server_restart(t->leaf, err) != 0)
        return nx_fail_wrap(err, "restarting the leaf: ");
    nx_watchdog_watch(t->leaf, "the leaf's nats-server");
    return 0;
}

void bds_topology_destroy(bds_topology *t)
{
    bds_existing_cleanup(t);
    nx_watchdog_unwatch(t->leaf);
    nx_watchdog_unwatch(t->hub);
    if (t->leaf_hub_js)
        jsCtx_Destroy(t->leaf_hub_js);
    if (t->leaf_js)
        jsCtx_Destroy(t->leaf_js);
    if (t->hub_js)
        jsCtx_Destroy(t->hub_js);
    if (t->leaf_nc)
        natsConnection_Destroy(t->leaf_nc);
    if (t->hub_nc)
        natsConnection_Destroy(t->hub_nc);
    /* The leaf first, so the hub never logs a lost leaf as an error. */
    nx_server_destroy(t->leaf);
    bds_relay_stop(t->link);
    nx_server_destroy(t->hub);
    memset(t, 0, sizeof *t);
}
