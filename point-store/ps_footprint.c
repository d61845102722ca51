#include "ps_footprint.h"

#include <stdio.h>
#include <string.h>

#include "nx_conn.h"
#include "nx_stream.h"
#include "nx_wait.h"

/* The workload stream's own directory on every spawned server that holds a
 * copy: messages, indexes and consumer state, nothing else. */
static long long stream_bytes(const ps_ctx *c)
{
    long long total = c->run.server ? nx_server_stream_bytes(c->run.server, c->stream) : 0;
    for (int i = 0; i < c->run.cluster.n; i++)
        total += nx_server_stream_bytes(c->run.cluster.node[i], c->stream);
    return total;
}

/* The server writes message blocks from a buffer shortly after the ack:
 * wait until the size stops changing (at most 5 s). */
static long long settled_stream_bytes(const ps_ctx *c)
{
    long long last = stream_bytes(c);
    for (int i = 0; i < 25; i++) {
        nx_sleep_ms(200);
        long long now = stream_bytes(c);
        if (now == last)
            break;
        last = now;
    }
    return last;
}

static int drop_bucket(ps_ctx *c, nx_err *err)
{
    if (c->kv)
        kvStore_Destroy(c->kv);
    c->kv = NULL;
    c->reader.kv = NULL;
    natsStatus s = js_DeleteKeyValue(c->run.js, c->bucket);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, 0, "deleting KV bucket %s", c->bucket);
    c->bucket[0] = '\0';
    return 0;
}

/* Why the stream has no disk figure, or NULL when it has one. */
static const char *no_disk_reason(const ps_ctx *c)
{
    if (c->run.scope)
        return "not measured: the server is not ours (--url), its store dir is out of reach";
    if (strcmp(c->opts.common.storage, "memory") == 0)
        return "not measured: memory storage keeps nothing on disk";
    return NULL;
}

int ps_footprint_run(ps_ctx *c, nx_err *err)
{
    if (drop_bucket(c, err) != 0)
        return -1;
    nx_stream_state st;
    int64_t rows = 0;
    if (nx_stream_state_get(c->run.js, c->stream, &st, err) != 0 ||
        ps_db_rows(&c->db, &rows, err) != 0)
        return -1;
    if ((uint64_t)rows != st.msgs)
        return nx_fail(err, "footprint: SQLite holds %lld rows but stream %s %llu points",
                       (long long)rows, c->stream, (unsigned long long)st.msgs);
    long long sql_bytes = nx_sqlite_bytes(&c->db.sql, true);
    const char *why = no_disk_reason(c);
    long long js_bytes = why ? -1 : settled_stream_bytes(c);
    int copies = c->run.cluster.n ? (int)c->opts.common.replicas : 1;
    double points = (double)st.msgs;

    char js_note[400], sql_note[200];
    if (why)
        snprintf(js_note, sizeof js_note, "%s; stream info bytes=%llu", why,
                 (unsigned long long)st.bytes);
    else
        snprintf(js_note, sizeof js_note,
                 "the stream's directory in the store dir of each spawned server holding it; "
                 "%d cop%s; %.1f bytes/point per copy; stream info bytes=%llu",
                 copies, copies == 1 ? "y" : "ies", (double)js_bytes / (double)copies / points,
                 (unsigned long long)st.bytes);
    snprintf(sql_note, sizeof sql_note,
             "database file after a WAL checkpoint, table + index (node,prop,time); %.1f "
             "bytes/point",
             (double)sql_bytes / points);
    if (!ps_quiet(c)) {
        printf("Footprint: %llu points (all history plus tombstones) in each store\n"
               "  %-34s %14s %12s\n",
               (unsigned long long)st.msgs, "store", "bytes", "bytes/point");
        if (why)
            printf("  %-34s %14s %12s  (%s)\n", "stream on disk", "-", "-", why);
        else
            printf("  %-34s %14lld %12.1f%s\n", "stream on disk (file store)", js_bytes / copies,
                   (double)js_bytes / (double)copies / points, copies > 1 ? "  (per replica)" : "");
        printf("  %-34s %14lld %12.1f\n", "SQLite file (table + index)", sql_bytes,
               (double)sql_bytes / points);
        if (!why)
            printf("  SQLite / stream: %.2f\n",
                   js_bytes > 0 ? (double)sql_bytes * copies / (double)js_bytes : 0.0);
        printf("\n");
    }
    nx_row row;
    ps_row_init(c, &row, "disk_footprint", "jetstream", "footprint");
    row.count = st.msgs;
    row.bytes = js_bytes;
    /* Only the number of points is checked against SQLite's rows. */
    row.verified = why ? NX_VERIFIED_NO : NX_VERIFIED_COUNT;
    row.note = js_note;
    if (ps_emit(c, &row, err) != 0)
        return -1;
    ps_row_init(c, &row, "disk_footprint", "sqlite", "footprint");
    row.count = (uint64_t)rows;
    row.bytes = sql_bytes;
    row.verified = NX_VERIFIED_COUNT;
    row.note = sql_note;
    return ps_emit(c, &row, err);
}
