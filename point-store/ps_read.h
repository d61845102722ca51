/* The ways to read a node's current state, each returning it as a ps_state:
 *
 *   state_info_getlast      stream info filtered to n.<node>.> lists the
 *                           node's subjects, then one get-last per subject
 *   state_direct_get        one direct get last-by-subject per known prop
 *                           (the stream allows direct get)
 *   state_last_per_subject  one ordered consumer on n.<node>.> delivering the
 *                           last message per subject; the first message's
 *                           NumPending says how many more to expect
 *   state_kv                one KV get per key <node>.<prop> (known props)
 *   state_sqlite            the SQLite baseline, query seek or group_by
 *
 * Direct get and KV need the prop names (a schema the reader knows); info +
 * get-last and the consumer discover them from the stream. The consumer
 * learns how many heads to expect only from a first message, so a node
 * without any subject costs it a timeout (workload nodes always have some). */
#ifndef PS_READ_H
#define PS_READ_H

#include <nats/nats.h>
#include <stdbool.h>
#include <stddef.h>

#include "nx_err.h"
#include "ps_db.h"
#include "ps_state.h"

typedef enum ps_method {
    PS_INFO_GETLAST = 0,
    PS_DIRECT_GET,
    PS_LAST_PER_SUBJECT,
    PS_KV,
    PS_DIRECT_PIPELINED, /* ps_onetrip.h */
    PS_DIRECT_MULTI,
    PS_KV_PIPELINED,
    PS_KV_MULTI,
    PS_SQLITE_SEEK,
    PS_SQLITE_GROUP_BY,
    PS_NMETHODS
} ps_method;

typedef struct ps_method_desc {
    const char *op;    /* the CSV op */
    const char *store; /* jetstream or sqlite */
    const char *label; /* the table's method column */
    const char *note;  /* how it reads, for the CSV note */
    bool multi_get;    /* needs NX_FEAT_MULTI_GET (direct get multi_last) */
} ps_method_desc;

const ps_method_desc *ps_method_describe(ps_method m);

typedef struct ps_reader {
    natsConnection *nc; /* js's connection */
    jsCtx *js;
    const char *stream;
    const char *scope; /* subjects are n.<scope>.<node>.<prop> when set */
    kvStore *kv;
    ps_db *db;
    const char *const *props; /* known prop names, for direct get and KV */
    size_t nprops;
    const char *bucket;   /* the KV bucket's name (its stream is KV_<bucket>) */
    struct ps_fast *fast; /* the one-round-trip methods' connection (ps_fast.h) */
} ps_reader;

/* Reads node's state with method m into out (cleared first). */
int ps_read_state(const ps_reader *r, ps_method m, const char *node, ps_state *out, nx_err *err);

/* n.<node>.> or n.<scope>.<node>.>. */
int ps_node_filter(const char *scope, const char *node, char *buf, size_t len, nx_err *err);

#endif
