/* A temporary nats-server, spawned as a child process from a generated
 * config file: loopback only, random ports, JetStream in a temp store dir.
 *
 * Every server is registered with the janitor (nx_janitor.h), and the child
 * asks the kernel to SIGTERM it when its parent thread dies
 * (PR_SET_PDEATHSIG), so no server and no temp dir outlives the program.
 * PDEATHSIG follows the thread that forked: start servers from the main
 * thread. */
#ifndef NX_SERVER_H
#define NX_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "nx_err.h"

#define NX_ROUTES_MAX 8

typedef struct nx_server_config {
    const char *binary; /* --nats-server; NULL: $NATS_SERVER, then PATH */
    const char *name;   /* server_name; NULL: the server picks one */
    const char *domain; /* JetStream domain; NULL: none */
    bool jetstream;     /* default true */
    bool leaf_listen;   /* accept leafnode connections on a random port */
    /* leafnodes advertise "host:port" (NULL: none): where leaves that
     * reconnect go, since a remote adds the URLs a hub's INFO advertises
     * (2.9.10 does even with no_advertise) and may bypass a relay */
    const char *leaf_advertise;
    const char *leaf_remote;           /* connect as a leaf to this nats-leaf:// URL */
    const char *cluster_name;          /* join a cluster, listening for routes on cluster_port */
    int cluster_port;                  /* 0: random (only for a cluster that others route to) */
    const char *routes[NX_ROUTES_MAX]; /* nats-route:// URLs of the other members */
    int nroutes;
    /* Version-specific keys (NULL: not written, the server's default). A
     * key the binary's version does not know is refused before the spawn
     * with a line naming the version it needs (2.9 refuses to start on an
     * unknown key). */
    const char *sync_interval;    /* jetstream sync_interval: "always" or a duration ("1s") */
    const char *leaf_compression; /* leafnodes and the remote: off, s2_fast, ..., s2_auto */
    bool keep;                    /* leave the temp dir in place (--keep) */
    /* JetStream limits in bytes (0: the server's default, a share of the
     * machine's memory and disk): many servers on one machine keep them small.
     * Known to every supported version. */
    long long js_max_mem, js_max_store;
    /* JetStream store_dir (a power-cut mount); NULL: <temp dir>/store. The
     * server never removes a given one. */
    const char *store_dir;
} nx_server_config;

typedef struct nx_server nx_server;

void nx_server_config_init(nx_server_config *c);

/* Finds the nats-server binary: explicit (a --nats-server value), then
 * $NATS_SERVER, then PATH. The error says how to install it. */
int nx_server_find_binary(const char *explicit_path, char *out, size_t len, nx_err *err);

/* The version a nats-server binary reports with --version ("2.10.27"),
 * without starting a server. */
int nx_server_binary_version(const char *binary, char *out, size_t len, nx_err *err);

/* Whether every version-specific key of c is known to a server of version
 * (pure: no process is started). The error names the key and the version
 * it needs. */
int nx_server_config_check(const nx_server_config *c, const char *version, nx_err *err);

/* Spawns a server and waits until it accepts clients (ports discovered from
 * the ports file, the leafnode and route ports from /varz). A server that
 * exits at once or is not ready within 10 s is an error naming its last log
 * line. */
int nx_server_start(nx_server **out, const nx_server_config *cfg, nx_err *err);

/* SIGTERM, then SIGKILL after timeout_ms; the process is reaped. */
int nx_server_stop(nx_server *s, int timeout_ms);

/* SIGKILL, as in a crash; the process is reaped. */
void nx_server_kill(nx_server *s);

/* Starts the server again on the same store dir and the same ports, so
 * clients and leaf remotes can reconnect to the addresses they know. */
int nx_server_restart(nx_server *s, nx_err *err);

/* Stops the server if running and removes its temp dir unless kept (a kept
 * dir is named on stderr). NULL is allowed. */
void nx_server_destroy(nx_server *s);

/* True while the process is alive (reaps it when it has exited). */
bool nx_server_running(nx_server *s);

pid_t nx_server_pid(const nx_server *s);
const char *nx_server_name(const nx_server *s);        /* "" when the server chose its own */
const char *nx_server_url(const nx_server *s);         /* nats://127.0.0.1:port */
const char *nx_server_monitor_url(const nx_server *s); /* http://127.0.0.1:port */
const char *nx_server_dir(const nx_server *s);         /* temp dir: conf, log, store */
const char *nx_server_store_dir(const nx_server *s);   /* JetStream store_dir */
const char *nx_server_version(const nx_server *s);
int nx_server_port(const nx_server *s);
int nx_server_leaf_port(const nx_server *s);
int nx_server_cluster_port(const nx_server *s);
/* Milliseconds from fork to ready for the last start. */
double nx_server_ready_ms(const nx_server *s);

/* A loopback TCP port that was free a moment ago, for configs that must name
 * each other's ports up front (cluster routes); 0 on failure. */
int nx_free_port(void);

/* Bytes under the store dir (file storage footprint). */
long long nx_server_store_bytes(const nx_server *s);

/* Bytes of one file-storage stream of the global account: its directory
 * under the store dir (messages, index, consumers), without the server's
 * other files. 0 when it has none (memory storage, another server). */
long long nx_server_stream_bytes(const nx_server *s, const char *stream);

#endif
