#include "ps_tomb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nx_conn.h"
#include "nx_stats.h"
#include "nx_subject.h"
#include "ps_avail.h"
#include "ps_load.h"
#include "ps_reads.h"
#include "ps_timed_row.h"

typedef struct victim {
    long node, prop;
} victim;

static int delete_everywhere(ps_ctx *c, const victim *v, nx_err *err)
{
    const ps_cell *cell = ps_model_cell(&c->model, v->node, v->prop);
    uint32_t version = cell->version + 1;
    int64_t now = nx_wall_ns();
    int64_t time_ns = now > cell->time_ns ? now : cell->time_ns + 1;
    size_t cap = ps_model_point_cap(&c->model);
    uint8_t buf[256];
    size_t n = ps_model_encode(&c->model, v->node, v->prop, version, time_ns, true, buf,
                               cap < sizeof buf ? cap : sizeof buf);
    char subject[NX_SUBJECT_MAX * 2], node[PS_NAME_MAX], key[PS_NAME_MAX * 2 + 1];
    if (n == 0 || ps_point_subject(c, false, v->node, v->prop, subject, sizeof subject, err) != 0)
        return n == 0 ? nx_fail(err, "internal error: tombstone does not fit") : -1;
    jsErrCode jerr = 0;
    natsStatus s = js_Publish(NULL, c->run.js, subject, buf, (int)n, NULL, &jerr);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, jerr, "publishing the tombstone of %s", subject);
    ps_node_name(v->node, node, sizeof node);
    snprintf(key, sizeof key, "%s.%s", node, c->prop_names[v->prop]);
    s = kvStore_Delete(c->kv, key);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, 0, "deleting KV key %s", key);
    nx_point p;
    if (!nx_point_decode(buf, n, &p))
        return nx_fail(err, "the tombstone of %s (%zu bytes) does not decode", key, n);
    if (ps_db_insert(&c->db, node, c->prop_names[v->prop], &p, err) != 0)
        return -1;
    if (c->opts.fault != PS_FAULT_TOMBSTONE)
        ps_model_set(&c->model, v->node, v->prop, version, time_ns, true);
    return 0;
}

/* Beyond equality with the model: the deleted prop is gone and every other
 * prop of the node is still there. */
static int check_gone(ps_ctx *c, ps_method m, const victim *v, const ps_state *got, nx_err *err)
{
    char node[PS_NAME_MAX];
    ps_node_name(v->node, node, sizeof node);
    const char *label = ps_method_describe(m)->label;
    if (ps_state_get(got, c->prop_names[v->prop]) != NULL)
        return nx_fail(err, "tombstone: %s of node %s still shows deleted prop %s", label, node,
                       c->prop_names[v->prop]);
    if (ps_state_live(got) != (size_t)c->opts.props - 1)
        return nx_fail(err, "tombstone: %s of node %s shows %zu props, expected %ld", label, node,
                       ps_state_live(got), c->opts.props - 1);
    return 0;
}

static int emit(ps_ctx *c, ps_method m, nx_hist *h, int64_t busy, long nvictims, nx_err *err)
{
    const ps_method_desc *d = ps_method_describe(m);
    char case_name[64], note[320];
    snprintf(case_name, sizeof case_name, "tombstones query=%s",
             m == PS_SQLITE_SEEK       ? "seek"
             : m == PS_SQLITE_GROUP_BY ? "group_by"
                                       : "-");
    if (m != PS_SQLITE_SEEK && m != PS_SQLITE_GROUP_BY)
        snprintf(case_name, sizeof case_name, "tombstones");
    snprintf(note, sizeof note,
             "%ld nodes with one prop deleted (stream/SQLite: tombstone point; KV: "
             "kvStore_Delete); the prop is absent and the others intact",
             nvictims);
    return ps_emit_timed(c, d->op, d->store, case_name, h, busy, note, err);
}

int ps_tombstones_run(ps_ctx *c, nx_err *err)
{
    long nvictims = c->opts.nodes < PS_TOMBSTONES_MAX ? c->opts.nodes : PS_TOMBSTONES_MAX;
    victim victims[PS_TOMBSTONES_MAX];
    for (long i = 0; i < nvictims; i++) {
        victims[i].node = i * c->opts.nodes / nvictims;
        victims[i].prop = i % c->opts.props;
    }
    if (ps_db_begin(&c->db, err) != 0)
        return -1;
    for (long i = 0; i < nvictims; i++)
        if (delete_everywhere(c, &victims[i], err) != 0) {
            nx_sqlite_exec(&c->db.sql, "ROLLBACK", NULL);
            c->db.in_tx = false;
            return -1;
        }
    if (ps_db_commit(&c->db, err) != 0)
        return -1;

    ps_state got, want;
    ps_state_init(&got);
    ps_state_init(&want);
    nx_hist *h = nx_hist_new();
    int rc = h ? 0 : nx_fail(err, "out of memory");
    if (rc == 0 && !ps_quiet(c))
        printf("Tombstones: prop deleted on %ld node(s) (stream and SQLite: a tombstone point; "
               "KV: kvStore_Delete)\n"
               "  %-22s %12s %9s %s\n",
               nvictims, "read state", "p50 us", "p99 us", "result");
    for (int m = 0; m < PS_NMETHODS && rc == 0; m++) {
        if (!ps_method_runs(c, (ps_method)m))
            continue;
        nx_hist_reset(h);
        int64_t busy = 0;
        for (long i = 0; i < nvictims && rc == 0; i++) {
            int64_t ns = 0;
            rc = ps_read_checked(c, (ps_method)m, victims[i].node, &got, &want, &ns, err);
            if (rc != 0)
                nx_fail_wrap(err, "tombstone: ");
            else
                rc = check_gone(c, (ps_method)m, &victims[i], &got, err);
            nx_hist_record(h, ns);
            busy += ns;
        }
        if (rc == 0 && !ps_quiet(c))
            printf("  %-22s %12.1f %9.1f deleted props absent, %ld others intact\n",
                   ps_method_describe((ps_method)m)->label,
                   (double)nx_hist_percentile(h, 0.5) / 1e3,
                   (double)nx_hist_percentile(h, 0.99) / 1e3, nvictims * (c->opts.props - 1));
        if (rc == 0)
            rc = emit(c, (ps_method)m, h, busy, nvictims, err);
    }
    if (rc == 0 && !ps_quiet(c))
        printf("\n");
    nx_hist_free(h);
    ps_state_free(&got);
    ps_state_free(&want);
    return rc;
}
