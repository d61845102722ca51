/* Reads a server's monitoring endpoints (/varz, /jsz, /leafz) over HTTP with
 * libcurl and parses them with cJSON into plain structs. Parsing is separate
 * from fetching so it can be tested on fixture JSON. Missing numeric fields
 * read as 0; JSON that is malformed or not an object is an error. */
#ifndef NX_MONITOR_H
#define NX_MONITOR_H

#include <stddef.h>
#include <stdint.h>

#include "nx_err.h"

typedef struct nx_varz {
    char version[32];
    char server_name[128];
    int64_t in_msgs, out_msgs, in_bytes, out_bytes;
    int64_t mem;
    double cpu; /* percent of one core, as the server samples it */
    int connections;
    int leafnodes;
    int leaf_port;    /* 0 when leafnodes are not listening */
    int cluster_port; /* 0 when not clustered */
} nx_varz;

#define NX_LEAFZ_MAX 128

typedef struct nx_leaf_conn {
    char name[128];
    char ip[64];
    int port;
    int64_t in_msgs, out_msgs, in_bytes, out_bytes;
    /* 2.10+: the negotiated leafnode compression ("s2_best", "off", and for
     * s2_auto the level in force, "s2_uncompressed" below 10 ms); "" on 2.9 */
    char compression[24];
    char rtt[24]; /* the server's last measured RTT as it prints it ("283µs") */
} nx_leaf_conn;

typedef struct nx_leafz {
    int count; /* connections in conns (at most NX_LEAFZ_MAX) */
    nx_leaf_conn conns[NX_LEAFZ_MAX];
} nx_leafz;

#define NX_JSZ_STREAMS_MAX 256

typedef struct nx_jsz_stream {
    char name[128];
    uint64_t messages, bytes, first_seq, last_seq;
    int consumers;
} nx_jsz_stream;

typedef struct nx_jsz {
    int64_t streams, consumers, messages, bytes, memory, storage;
    char meta_leader[128]; /* empty unless clustered with a leader */
    int nstreams;          /* entries in stream (from account details) */
    nx_jsz_stream stream[NX_JSZ_STREAMS_MAX];
} nx_jsz;

int nx_varz_parse(const char *json, nx_varz *out, nx_err *err);
int nx_leafz_parse(const char *json, nx_leafz *out, nx_err *err);
int nx_jsz_parse(const char *json, nx_jsz *out, nx_err *err);

/* GET base_url + path; *body is malloc'd and NUL-terminated. Times out after
 * 2 s. */
int nx_http_get(const char *base_url, const char *path, char **body, nx_err *err);

int nx_monitor_varz(const char *base_url, nx_varz *out, nx_err *err);
int nx_monitor_leafz(const char *base_url, nx_leafz *out, nx_err *err);
/* Includes per-stream state of every account. */
int nx_monitor_jsz(const char *base_url, nx_jsz *out, nx_err *err);

/* The version a server announces in its INFO line, read from a plain TCP
 * connection to host:port; works for servers we did not spawn. url is the
 * first of a --url list (nats://host:port). */
int nx_probe_server_version(const char *url, char *out, size_t len, nx_err *err);

/* Parses the version out of an "INFO {...}" line; exposed for tests. */
int nx_info_line_version(const char *line, char *out, size_t len, nx_err *err);

#endif
