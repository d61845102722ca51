#include "ps_ttl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nx_stats.h"
#include "nx_subject.h"
#include "nx_version.h"
#include "ps_avail.h"
#include "ps_timed_row.h"
#include "ps_ttl_stream.h"

#define MS 1000000LL

typedef struct victim {
    long node;
    char name[PS_NAME_MAX];
    long ttl_s;
    int64_t expires_ns; /* nx_now_ns clock */
    uint8_t point[64];
    size_t len;
    bool sql_deleted;
} victim;

typedef struct method_obs {
    nx_hist *h;
    int64_t busy_ns;
    bool gone[PS_TTL_MAX];
    int64_t lag_max_ns; /* TTL to the first read without the prop */
} method_obs;

typedef struct ttl_run {
    ps_ctx *c;
    ps_reader reader; /* the workload's, with PS_TTL_PROP among the props */
    const char **props;
    victim v[PS_TTL_MAX];
    long nv;
    method_obs obs[PS_NMETHODS];
    nx_hist *del; /* SQLite expiry deletes */
    int64_t del_busy_ns;
    int64_t round_max_ns; /* a round of reads: every method, every node */
    ps_state got, want;
} ttl_run;

static int write_victim(ttl_run *t, victim *v, nx_err *err)
{
    ps_ctx *c = t->c;
    char data[32], subject[NX_SUBJECT_MAX * 2], kv[NX_SUBJECT_MAX * 2];
    snprintf(data, sizeof data, "ttl %ld s", v->ttl_s);
    nx_point p = {.time_ns = nx_wall_ns(),
                  .origin = "ttl",
                  .origin_len = 3,
                  .data = (const uint8_t *)data,
                  .data_len = strlen(data)};
    v->len = nx_point_encode(&p, v->point, sizeof v->point);
    snprintf(kv, sizeof kv, "$KV.%s.%s.%s", c->bucket, v->name, PS_TTL_PROP);
    if (v->len == 0 ||
        nx_run_subject(&c->run, v->name, PS_TTL_PROP, subject, sizeof subject, err) != 0)
        return v->len == 0 ? nx_fail(err, "internal error: a TTL point does not fit") : -1;
    int64_t start = nx_now_ns();
    if (ps_ttl_publish(c->run.js, subject, v->point, (int)v->len, v->ttl_s, err) != 0 ||
        ps_ttl_publish(c->run.js, kv, v->point, (int)v->len, v->ttl_s, err) != 0)
        return -1;
    v->expires_ns = start + v->ttl_s * 1000 * MS;
    return ps_db_insert(&c->db, v->name, PS_TTL_PROP, &p, err);
}

/* SQLite's equivalent of the expiry: a job deleting the rows whose TTL has
 * passed, run before each round of reads. */
static int expire_sqlite(ttl_run *t, nx_err *err)
{
    for (long i = 0; i < t->nv; i++) {
        victim *v = &t->v[i];
        if (v->sql_deleted || nx_now_ns() < v->expires_ns)
            continue;
        char sql[160];
        snprintf(sql, sizeof sql, "DELETE FROM points WHERE node = '%s' AND prop = '%s'", v->name,
                 PS_TTL_PROP);
        int64_t t0 = nx_now_ns();
        if (nx_sqlite_exec(&t->c->db.sql, sql, err) != 0)
            return -1;
        int64_t ns = nx_now_ns() - t0;
        nx_hist_record(t->del, ns);
        t->del_busy_ns += ns;
        v->sql_deleted = true;
    }
    return 0;
}

/* One checked read: the state must be the model's with the TTL prop (before
 * its TTL) or without it (after). */
static int read_one(ttl_run *t, int m, long i, nx_err *err)
{
    victim *v = &t->v[i];
    const char *label = ps_method_describe((ps_method)m)->label;
    int64_t t0 = nx_now_ns();
    if (ps_read_state(&t->reader, (ps_method)m, v->name, &t->got, err) != 0)
        return nx_fail_wrap(err, "ttl: %s of node %s: ", label, v->name);
    int64_t t1 = nx_now_ns();
    nx_hist_record(t->obs[m].h, t1 - t0);
    t->obs[m].busy_ns += t1 - t0;
    char why[512], why2[512];
    if (ps_model_state(&t->c->model, v->node, &t->want, err) != 0)
        return -1;
    bool gone = ps_state_same(&t->want, &t->got, why, sizeof why);
    if (!gone) {
        if (ps_state_merge(&t->want, PS_TTL_PROP, v->point, v->len, err) != 0)
            return -1;
        if (!ps_state_same(&t->want, &t->got, why2, sizeof why2))
            return nx_fail(err,
                           "ttl: %s of node %s is neither the state with prop %s nor "
                           "without it: %s",
                           label, v->name, PS_TTL_PROP, why2);
    }
    if (gone && t1 < v->expires_ns - PS_TTL_EARLY_MS * MS)
        return nx_fail(err, "ttl: %s of node %s lost prop %s %.0f ms before its TTL of %ld s",
                       label, v->name, PS_TTL_PROP, (double)(v->expires_ns - t1) / MS, v->ttl_s);
    if (!gone && t0 > v->expires_ns + PS_TTL_GRACE_MS * MS)
        return nx_fail(err,
                       "ttl: %s of node %s still shows prop %s %.0f ms after its TTL of %ld "
                       "s",
                       label, v->name, PS_TTL_PROP, (double)(t0 - v->expires_ns) / MS, v->ttl_s);
    if (gone && !t->obs[m].gone[i]) {
        int64_t lag = t1 - v->expires_ns;
        if (lag > t->obs[m].lag_max_ns)
            t->obs[m].lag_max_ns = lag;
    }
    t->obs[m].gone[i] = gone;
    return 0;
}

static bool all_gone(const ttl_run *t)
{
    for (int m = 0; m < PS_NMETHODS; m++)
        for (long i = 0; ps_method_runs(t->c, (ps_method)m) && i < t->nv; i++)
            if (!t->obs[m].gone[i])
                return false;
    return true;
}

static int read_until_gone(ttl_run *t, nx_err *err)
{
    int64_t last = 0;
    for (long i = 0; i < t->nv; i++)
        last = t->v[i].expires_ns > last ? t->v[i].expires_ns : last;
    int64_t give_up = last + (PS_TTL_GRACE_MS + 1000) * MS;
    while (nx_now_ns() < last || !all_gone(t)) {
        if (nx_now_ns() > give_up)
            return nx_fail(err, "ttl: props still present %d ms after their TTL",
                           PS_TTL_GRACE_MS + 1000);
        int64_t t0 = nx_now_ns();
        if (expire_sqlite(t, err) != 0)
            return -1;
        for (int m = 0; m < PS_NMETHODS; m++)
            for (long i = 0; ps_method_runs(t->c, (ps_method)m) && i < t->nv; i++)
                if (read_one(t, m, i, err) != 0)
                    return -1;
        int64_t round = nx_now_ns() - t0;
        t->round_max_ns = round > t->round_max_ns ? round : t->round_max_ns;
    }
    return 0;
}

static int emit(ttl_run *t, const char *op, const char *store, const nx_hist *h, int64_t busy,
                const char *what, nx_err *err)
{
    char note[400];
    snprintf(note, sizeof note,
             "%s; prop %s on %ld node(s) with Nats-TTL 1..%d s (stream and KV: "
             "allow_msg_ttl; SQLite: an expiry job deletes the rows), read while they expired",
             what, PS_TTL_PROP, t->nv, PS_TTL_STEPS);
    return ps_emit_timed(t->c, op, store, "ttl expiring", h, busy, note, err);
}

static int report(ttl_run *t, nx_err *err)
{
    bool quiet = ps_quiet(t->c);
    if (!quiet)
        printf("  %-22s %12s %9s %9s %s\n", "read state", "p50 us", "p99 us", "reads",
               "gone after its TTL, at most");
    for (int m = 0; m < PS_NMETHODS; m++) {
        if (!ps_method_runs(t->c, (ps_method)m))
            continue;
        const method_obs *o = &t->obs[m];
        char what[160];
        snprintf(what, sizeof what,
                 "every read equal to the model, the prop present before its TTL and absent "
                 "after; seen gone at most %.0f ms after its TTL (a round of reads took up to "
                 "%.0f ms)",
                 (double)o->lag_max_ns / MS, (double)t->round_max_ns / MS);
        if (!quiet)
            printf("  %-22s %12.1f %9.1f %9llu %.0f ms\n", ps_method_describe((ps_method)m)->label,
                   (double)nx_hist_percentile(o->h, 0.5) / 1e3,
                   (double)nx_hist_percentile(o->h, 0.99) / 1e3,
                   (unsigned long long)nx_hist_count(o->h), (double)o->lag_max_ns / MS);
        const ps_method_desc *d = ps_method_describe((ps_method)m);
        if (emit(t, d->op, d->store, o->h, o->busy_ns, what, err) != 0)
            return -1;
    }
    if (!quiet)
        printf("  %-22s %12.1f %9.1f %9llu (the expiry job, one DELETE per expired prop)\n"
               "  a round of reads (every method, every node) took up to %.0f ms: a prop is seen "
               "gone at the first read after it went, so lags below that are the rounds'\n\n",
               "sqlite expiry delete", (double)nx_hist_percentile(t->del, 0.5) / 1e3,
               (double)nx_hist_percentile(t->del, 0.99) / 1e3,
               (unsigned long long)nx_hist_count(t->del), (double)t->round_max_ns / MS);
    return emit(t, "sqlite_ttl_delete", "sqlite", t->del, t->del_busy_ns,
                "DELETE of the rows of each prop once its TTL passed", err);
}

static int setup(ttl_run *t, ps_ctx *c, nx_err *err)
{
    memset(t, 0, sizeof *t);
    t->c = c;
    t->nv = c->opts.nodes < PS_TTL_MAX ? c->opts.nodes : PS_TTL_MAX;
    ps_state_init(&t->got);
    ps_state_init(&t->want);
    t->props = calloc((size_t)c->opts.props + 1, sizeof *t->props);
    t->del = nx_hist_new();
    for (int m = 0; m < PS_NMETHODS; m++)
        if ((t->obs[m].h = nx_hist_new()) == NULL)
            return nx_fail(err, "out of memory");
    if (t->props == NULL || t->del == NULL)
        return nx_fail(err, "out of memory");
    memcpy(t->props, c->props, (size_t)c->opts.props * sizeof *t->props);
    t->props[c->opts.props] = PS_TTL_PROP;
    t->reader = c->reader;
    t->reader.props = t->props;
    t->reader.nprops = (size_t)c->opts.props + 1;
    for (long i = 0; i < t->nv; i++) {
        t->v[i].node = i * c->opts.nodes / t->nv;
        ps_node_name(t->v[i].node, t->v[i].name, sizeof t->v[i].name);
        t->v[i].ttl_s = 1 + i % PS_TTL_STEPS;
    }
    char kv_stream[96];
    snprintf(kv_stream, sizeof kv_stream, "KV_%s", c->bucket);
    return ps_ttl_allow(c->run.nc, c->stream, err) == 0 &&
                   ps_ttl_allow(c->run.nc, kv_stream, err) == 0
               ? 0
               : -1;
}

static void teardown(ttl_run *t)
{
    for (int m = 0; m < PS_NMETHODS; m++)
        nx_hist_free(t->obs[m].h);
    nx_hist_free(t->del);
    free(t->props);
    ps_state_free(&t->got);
    ps_state_free(&t->want);
}

int ps_ttl_run(ps_ctx *c, nx_err *err)
{
    if (!nx_version_has(c->run.server_version, NX_FEAT_MSG_TTL)) {
        char line[160];
        if (!ps_quiet(c))
            printf(
                "Per-message TTL: not measured: %s\n\n",
                nx_feature_missing_line(NX_FEAT_MSG_TTL, c->run.server_version, line, sizeof line));
        return 0;
    }
    ttl_run *t = malloc(sizeof *t);
    if (t == NULL)
        return nx_fail(err, "out of memory");
    int rc = setup(t, c, err);
    if (rc == 0 && !ps_quiet(c))
        printf("Per-message TTL: prop %s on %ld node(s), Nats-TTL 1..%d s, read by every "
               "method while it expires\n",
               PS_TTL_PROP, t->nv, PS_TTL_STEPS);
    for (long i = 0; i < t->nv && rc == 0; i++)
        rc = write_victim(t, &t->v[i], err);
    if (rc == 0)
        rc = read_until_gone(t, err);
    if (rc == 0)
        rc = report(t, err);
    teardown(t);
    free(t);
    return rc;
}
