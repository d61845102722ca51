#include "ps_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nx_asyncpub.h"
#include "nx_conn.h"
#include "nx_progress.h"
#include "nx_stats.h"
#include "nx_stream.h"
#include "nx_subject.h"
#include "ps_fast.h"

static int open_names(ps_ctx *c, nx_err *err)
{
    long props = c->opts.props;
    c->prop_names = calloc((size_t)props, sizeof *c->prop_names);
    c->props = calloc((size_t)props, sizeof *c->props);
    if (c->prop_names == NULL || c->props == NULL)
        return nx_fail(err, "out of memory for %ld prop names", props);
    for (long p = 0; p < props; p++) {
        ps_prop_name(p, c->prop_names[p], sizeof c->prop_names[p]);
        c->props[p] = c->prop_names[p];
    }
    return 0;
}

int ps_workload_open(ps_ctx *c, nx_err *err)
{
    const nx_opts *o = &c->opts.common;
    if (ps_model_init(&c->model, c->opts.nodes, c->opts.props, (size_t)o->payload, err) != 0 ||
        open_names(c, err) != 0)
        return -1;
    int64_t max_payload = natsConnection_GetMaxPayload(c->run.nc);
    if ((int64_t)ps_model_point_cap(&c->model) > max_payload)
        return nx_fail(err,
                       "--payload %ld: a point is %zu bytes, more than the server's "
                       "max_payload of %lld bytes",
                       o->payload, ps_model_point_cap(&c->model), (long long)max_payload);

    char subjects[NX_SUBJECT_MAX];
    nx_run_stream_name(&c->run, "NODES", c->stream, sizeof c->stream);
    nx_stream_spec spec;
    nx_stream_spec_init(&spec, c->stream);
    spec.subjects[spec.nsubjects++] = nx_run_subjects(&c->run, subjects, sizeof subjects);
    spec.storage = nx_storage_type(o->storage);
    spec.replicas = (int)o->replicas;
    spec.allow_direct = true;
    if (nx_stream_create(c->run.js, &spec, err) != 0)
        return -1;

    if (c->run.scope)
        snprintf(c->bucket, sizeof c->bucket, "%s_POINTS", c->run.scope);
    else
        snprintf(c->bucket, sizeof c->bucket, "POINTS");
    kvConfig kc;
    kvConfig_Init(&kc);
    kc.Bucket = c->bucket;
    kc.History = 1;
    kc.StorageType = spec.storage;
    kc.Replicas = spec.replicas;
    natsStatus s = js_CreateKeyValue(&c->kv, c->run.js, &kc);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, 0, "creating KV bucket %s", c->bucket);

    if (ps_db_open(&c->db, o->keep, err) != 0)
        return -1;
    c->db_open = true;
    if (nx_asyncpub_open(&c->pub, c->run.nc, NULL, PS_ASYNC_WINDOW, err) != 0 ||
        ps_fast_open(&c->fast, c->run.urls, err) != 0)
        return -1;
    c->reader = (ps_reader){.nc = c->run.nc,
                            .js = c->run.js,
                            .stream = c->stream,
                            .scope = c->run.scope,
                            .kv = c->kv,
                            .db = &c->db,
                            .props = c->props,
                            .nprops = (size_t)c->opts.props,
                            .bucket = c->bucket,
                            .fast = c->fast};
    return 0;
}

int ps_point_subject(const ps_ctx *c, bool kv, long node, long prop, char *buf, size_t len,
                     nx_err *err)
{
    char n[PS_NAME_MAX];
    ps_node_name(node, n, sizeof n);
    if (!kv)
        return nx_run_subject(&c->run, n, c->prop_names[prop], buf, len, err);
    int w = snprintf(buf, len, "$KV.%s.%s.%s", c->bucket, n, c->prop_names[prop]);
    if (w < 0 || (size_t)w >= len)
        return nx_fail(err, "KV subject for %s.%s is too long", n, c->prop_names[prop]);
    return 0;
}

typedef struct write_result {
    uint64_t points;
    int64_t elapsed_ns;
} write_result;

static int publish_batch(ps_ctx *c, const ps_batch *b, bool kv, write_result *out, nx_err *err)
{
    uint64_t total = ps_batch_count(&c->model, b);
    size_t cap = ps_model_point_cap(&c->model);
    uint8_t *buf = malloc(cap);
    if (buf == NULL)
        return nx_fail(err, "out of memory");
    nx_progress prog;
    char label[96];
    snprintf(label, sizeof label, "history %ld: publishing to %s %s", b->to,
             kv ? "KV bucket" : "stream", kv ? c->bucket : c->stream);
    nx_progress_start(&prog, label, total, ps_quiet(c));
    int rc = 0;
    int64_t t0 = nx_now_ns();
    for (uint64_t k = 0; k < total && rc == 0; k++) {
        long node, prop;
        uint32_t version;
        int64_t time_ns;
        ps_batch_point(&c->model, b, k, &node, &prop, &version, &time_ns);
        char subject[NX_SUBJECT_MAX * 2];
        size_t n = ps_model_encode(&c->model, node, prop, version, time_ns, false, buf, cap);
        if (ps_point_subject(c, kv, node, prop, subject, sizeof subject, err) != 0) {
            rc = -1;
            break;
        }
        rc = nx_asyncpub_send(c->pub, subject, buf, (int)n, err);
        if ((k & 1023) == 0)
            nx_progress_update(&prog, k);
    }
    if (rc == 0 && nx_asyncpub_wait(c->pub, 120000, err) != 0)
        rc = nx_fail_wrap(err, "%s %s: ", kv ? "KV bucket" : "stream", kv ? c->bucket : c->stream);
    int64_t elapsed = nx_now_ns() - t0;
    nx_progress_end(&prog);
    free(buf);
    if (rc != 0)
        return -1;
    out->points = total;
    out->elapsed_ns = elapsed;
    return 0;
}

static int insert_batch(ps_ctx *c, const ps_batch *b, write_result *out, nx_err *err)
{
    uint64_t total = ps_batch_count(&c->model, b);
    size_t cap = ps_model_point_cap(&c->model);
    uint8_t *buf = malloc(cap);
    if (buf == NULL)
        return nx_fail(err, "out of memory");
    nx_progress prog;
    char label[64];
    snprintf(label, sizeof label, "history %ld: inserting into SQLite", b->to);
    nx_progress_start(&prog, label, total, ps_quiet(c));
    int rc = 0;
    int64_t t0 = nx_now_ns();
    for (uint64_t k = 0; k < total && rc == 0; k++) {
        long node, prop;
        uint32_t version;
        int64_t time_ns;
        ps_batch_point(&c->model, b, k, &node, &prop, &version, &time_ns);
        size_t n = ps_model_encode(&c->model, node, prop, version, time_ns, false, buf, cap);
        nx_point p;
        if (!nx_point_decode(buf, n, &p)) {
            rc = nx_fail(err, "point %llu: the encoder wrote %zu bytes that do not decode",
                         (unsigned long long)k, n);
            break;
        }
        char name[PS_NAME_MAX];
        ps_node_name(node, name, sizeof name);
        if (k % PS_SQLITE_TX_ROWS == 0)
            rc = ps_db_begin(&c->db, err);
        if (rc == 0)
            rc = ps_db_insert(&c->db, name, c->prop_names[prop], &p, err);
        if (rc == 0 && (k % PS_SQLITE_TX_ROWS == PS_SQLITE_TX_ROWS - 1 || k + 1 == total))
            rc = ps_db_commit(&c->db, err);
        if ((k & 1023) == 0)
            nx_progress_update(&prog, k);
    }
    int64_t elapsed = nx_now_ns() - t0;
    nx_progress_end(&prog);
    free(buf);
    if (rc != 0) {
        if (c->db.in_tx)
            nx_sqlite_exec(&c->db.sql, "ROLLBACK", NULL);
        c->db.in_tx = false;
        return -1;
    }
    out->points = total;
    out->elapsed_ns = elapsed;
    return 0;
}

/* The counts every store must hold after the batch. */
static int verify_counts(ps_ctx *c, long depth, nx_err *err)
{
    uint64_t cells = (uint64_t)c->opts.nodes * (uint64_t)c->opts.props;
    uint64_t want = cells * (uint64_t)depth;
    nx_stream_state st;
    if (nx_stream_state_get(c->run.js, c->stream, &st, err) != 0)
        return -1;
    if (st.msgs != want)
        return nx_fail(err, "stream %s holds %llu points after history %ld, the model says %llu",
                       c->stream, (unsigned long long)st.msgs, depth, (unsigned long long)want);
    char kv_stream[96];
    snprintf(kv_stream, sizeof kv_stream, "KV_%s", c->bucket);
    if (nx_stream_state_get(c->run.js, kv_stream, &st, err) != 0)
        return -1;
    if (st.msgs != cells)
        return nx_fail(err, "KV bucket %s holds %llu entries, the model says %llu keys", c->bucket,
                       (unsigned long long)st.msgs, (unsigned long long)cells);
    int64_t rows = 0;
    if (ps_db_rows(&c->db, &rows, err) != 0)
        return -1;
    if ((uint64_t)rows != want)
        return nx_fail(err, "SQLite holds %lld rows after history %ld, the model says %llu",
                       (long long)rows, depth, (unsigned long long)want);
    return 0;
}

static int report_write(ps_ctx *c, long depth, const char *label, const char *target,
                        const char *op, const char *store, const write_result *w, const char *note,
                        nx_err *err)
{
    double secs = (double)w->elapsed_ns / 1e9;
    double rate = nx_rate(w->points, w->elapsed_ns);
    if (!ps_quiet(c))
        printf("  %-22s %12llu %9.2f %12.0f\n", label, (unsigned long long)w->points, secs, rate);
    char case_name[96];
    snprintf(case_name, sizeof case_name, "setup %s history=%ld", target, depth);
    nx_row row;
    ps_row_init(c, &row, op, store, case_name);
    row.count = w->points;
    row.seconds = secs;
    row.rate_per_s = rate;
    /* The points are read and checked by the state reads that follow, not here. */
    row.verified = NX_VERIFIED_COUNT;
    row.note = note;
    return ps_emit(c, &row, err);
}

int ps_load_to_depth(ps_ctx *c, long depth, nx_err *err)
{
    ps_batch b = {.from = c->loaded, .to = depth, .t0 = nx_wall_ns()};
    write_result stream_w, kv_w, sql_w;
    if (publish_batch(c, &b, false, &stream_w, err) != 0 ||
        publish_batch(c, &b, true, &kv_w, err) != 0 || insert_batch(c, &b, &sql_w, err) != 0)
        return -1;
    ps_model_apply_batch(&c->model, &b);
    c->loaded = depth;
    if (verify_counts(c, depth, err) != 0)
        return -1;
    if (!ps_quiet(c))
        printf("History %ld: %ld nodes x %ld props, updates %ld..%ld of each written to every "
               "store\n"
               "  %-22s %12s %9s %12s\n",
               depth, c->opts.nodes, c->opts.props, b.from + 1, depth, "write", "points", "seconds",
               "points/s");
    char note_js[160], note_kv[200], note_sql[160];
    snprintf(note_js, sizeof note_js,
             "js_PublishAsync window %d, updates %ld..%ld of every subject; counts verified",
             PS_ASYNC_WINDOW, b.from + 1, depth);
    snprintf(note_kv, sizeof note_kv,
             "js_PublishAsync to $KV.%s.<node>.<prop> (what kvStore_Put sends; bucket history "
             "1) window %d, updates %ld..%ld of every key; counts verified",
             c->bucket, PS_ASYNC_WINDOW, b.from + 1, depth);
    snprintf(note_sql, sizeof note_sql,
             "prepared INSERT, %d rows per transaction, WAL synchronous=NORMAL, index "
             "(node,prop,time); rows verified",
             PS_SQLITE_TX_ROWS);
    char kv_label[96];
    snprintf(kv_label, sizeof kv_label, "kv %s (async)", c->bucket);
    const struct {
        const char *label, *target, *op, *store, *note;
        const write_result *w;
    } rows[] = {
        {"stream (async)", "stream", "js_publish_async", "jetstream", note_js, &stream_w},
        {kv_label, "kv", "js_publish_async", "jetstream", note_kv, &kv_w},
        {"sqlite (transactions)", "sqlite", "sqlite_insert", "sqlite", note_sql, &sql_w},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        if (report_write(c, depth, rows[i].label, rows[i].target, rows[i].op, rows[i].store,
                         rows[i].w, rows[i].note, err) != 0)
            return -1;
    return 0;
}
