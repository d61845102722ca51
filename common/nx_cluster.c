#include "nx_cluster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nx_monitor.h"
#include "nx_stats.h"
#include "nx_wait.h"

int nx_cluster_start(nx_cluster *c, int n, const char *name, const nx_server_config *base,
                     nx_err *err)
{
    memset(c, 0, sizeof *c);
    if (n < 3 || n > NX_CLUSTER_MAX)
        return nx_fail(err, "a cluster needs 3 to %d servers, not %d", NX_CLUSTER_MAX, n);
    /* Clustered JetStream refuses to start without configured routes, so
     * every member must know the others' route ports before any starts. */
    char names[NX_CLUSTER_MAX][64];
    char routes[NX_CLUSTER_MAX][64];
    int ports[NX_CLUSTER_MAX];
    for (int i = 0; i < n; i++) {
        ports[i] = nx_free_port();
        if (ports[i] == 0)
            return nx_fail(err, "cannot find a free loopback port for cluster routes");
        snprintf(routes[i], sizeof routes[i], "nats-route://127.0.0.1:%d", ports[i]);
    }
    for (int i = 0; i < n; i++) {
        nx_server_config cfg = *base;
        snprintf(names[i], sizeof names[i], "%s-%d", name, i + 1);
        cfg.name = names[i];
        cfg.cluster_name = name;
        cfg.cluster_port = ports[i];
        cfg.nroutes = 0;
        for (int k = 0; k < n; k++)
            if (k != i)
                cfg.routes[cfg.nroutes++] = routes[k];
        if (nx_server_start(&c->node[i], &cfg, err) != 0) {
            nx_fail_wrap(err, "starting cluster member %s: ", names[i]);
            nx_cluster_destroy(c);
            return -1;
        }
        c->n = i + 1;
        size_t len = strlen(c->urls);
        snprintf(c->urls + len, sizeof c->urls - len, "%s%s", i ? "," : "",
                 nx_server_url(c->node[i]));
    }
    if (nx_cluster_wait_leader(c, 20000, err) != 0) {
        nx_cluster_destroy(c);
        return -1;
    }
    return 0;
}

int nx_cluster_wait_leader(nx_cluster *c, int timeout_ms, nx_err *err)
{
    int64_t deadline = nx_now_ns() + (int64_t)timeout_ms * 1000000;
    nx_jsz *jsz = malloc(sizeof *jsz);
    if (jsz == NULL)
        return nx_fail(err, "out of memory");
    char seen[128] = "";
    for (;;) {
        bool agreed = true;
        seen[0] = '\0';
        for (int i = 0; i < c->n && agreed; i++) {
            if (!nx_server_running(c->node[i]))
                continue;
            nx_err ignore;
            if (nx_monitor_jsz(nx_server_monitor_url(c->node[i]), jsz, &ignore) != 0 ||
                jsz->meta_leader[0] == '\0')
                agreed = false;
            else if (seen[0] == '\0')
                snprintf(seen, sizeof seen, "%s", jsz->meta_leader);
            else if (strcmp(seen, jsz->meta_leader) != 0)
                agreed = false;
        }
        if (agreed && seen[0]) {
            free(jsz);
            return 0;
        }
        if (nx_now_ns() > deadline) {
            free(jsz);
            return nx_fail(err, "the JetStream cluster elected no meta leader within %d s",
                           timeout_ms / 1000);
        }
        nx_sleep_ms(20);
    }
}

nx_server *nx_cluster_member(nx_cluster *c, const char *name)
{
    for (int i = 0; i < c->n; i++)
        if (strcmp(nx_server_name(c->node[i]), name) == 0)
            return c->node[i];
    return NULL;
}

void nx_cluster_destroy(nx_cluster *c)
{
    for (int i = 0; i < c->n; i++) {
        nx_server_destroy(c->node[i]);
        c->node[i] = NULL;
    }
    c->n = 0;
}
