#include "tsd_report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nx_sqlite.h"

void tsd_report_init(tsd_report *r, size_t repeats)
{
    memset(r, 0, sizeof *r);
    r->max_samples = repeats > 0 ? repeats : 1;
}

void tsd_report_free(tsd_report *r)
{
    for (size_t i = 0; i < r->ncases; i++) {
        free(r->cases[i].seconds);
        free(r->cases[i].p50_ns);
        free(r->cases[i].cpu_self);
        free(r->cases[i].cpu_servers);
        nx_hist_free(r->cases[i].lat);
    }
    r->ncases = 0;
}

tsd_case *tsd_report_case(tsd_report *r, const char *op, const char *name, const char *store,
                          uint64_t count, nx_err *err)
{
    for (size_t i = 0; i < r->ncases; i++) {
        tsd_case *c = &r->cases[i];
        if (strcmp(c->op, op) == 0 && strcmp(c->name, name) == 0 && strcmp(c->store, store) == 0)
            return c;
    }
    if (r->ncases == TSD_CASES_MAX) {
        nx_fail(err, "more than %d cases", TSD_CASES_MAX);
        return NULL;
    }
    tsd_case *c = &r->cases[r->ncases];
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    snprintf(c->op, sizeof c->op, "%s", op);
    c->store = store;
    c->count = count;
    c->replicas = 1;
    c->seconds = calloc(r->max_samples, sizeof *c->seconds);
    c->p50_ns = calloc(r->max_samples, sizeof *c->p50_ns);
    c->cpu_self = calloc(r->max_samples, sizeof *c->cpu_self);
    c->cpu_servers = calloc(r->max_samples, sizeof *c->cpu_servers);
    c->lat = nx_hist_new();
    if (!c->seconds || !c->p50_ns || !c->cpu_self || !c->cpu_servers || !c->lat) {
        free(c->seconds);
        free(c->p50_ns);
        free(c->cpu_self);
        free(c->cpu_servers);
        nx_hist_free(c->lat);
        nx_fail(err, "out of memory");
        return NULL;
    }
    c->cap = r->max_samples;
    r->ncases++;
    return c;
}

int tsd_case_add(tsd_case *c, int64_t elapsed_ns, const nx_hist *hist, nx_err *err)
{
    if (c->nsamples == c->cap)
        return nx_fail(err, "case %s: more samples than repeats (%zu)", c->name, c->cap);
    c->seconds[c->nsamples] = (double)elapsed_ns / 1e9;
    c->p50_ns[c->nsamples] = hist ? (double)nx_hist_percentile(hist, 0.50) : 0;
    c->cpu_self[c->nsamples] = -1;
    c->cpu_servers[c->nsamples] = -1;
    c->nsamples++;
    if (hist)
        nx_hist_merge(c->lat, hist);
    return 0;
}

void tsd_case_checked(tsd_case *c, bool passed)
{
    if (c->nsamples == 0)
        return;
    if (passed)
        c->nchecked++;
    c->verified = c->nchecked == c->nsamples;
}

int tsd_case_add_queries(tsd_case *c, long queries, tsd_query_fn query, void *arg, nx_err *err)
{
    double *ns = calloc((size_t)queries, sizeof *ns);
    nx_hist *lat = nx_hist_new();
    if (ns == NULL || lat == NULL) {
        free(ns);
        nx_hist_free(lat);
        return nx_fail(err, "out of memory");
    }
    size_t timed = 0;
    int rc = 0;
    for (long i = 0; i < queries && rc == 0; i++) {
        int64_t e = -1;
        rc = query(arg, &e, err);
        if (e >= 0) {
            ns[timed++] = (double)e;
            nx_hist_record(lat, e);
        }
    }
    if (timed > 0) {
        /* A failed query's message is the one to keep. */
        nx_err ignore;
        if (tsd_case_add(c, (int64_t)nx_median(ns, timed), lat, rc == 0 ? err : &ignore) == 0)
            tsd_case_checked(c, rc == 0);
        else
            rc = -1;
    }
    free(ns);
    nx_hist_free(lat);
    return rc;
}

void tsd_case_add_cpu(tsd_case *c, double self_s, double servers_s)
{
    if (c->nsamples == 0)
        return;
    c->cpu_self[c->nsamples - 1] = self_s;
    c->cpu_servers[c->nsamples - 1] = servers_s;
}

static double median_of(const double *vals, size_t n)
{
    double *tmp = n ? malloc(n * sizeof *vals) : NULL;
    if (tmp == NULL)
        return 0;
    memcpy(tmp, vals, n * sizeof *vals);
    double m = nx_median(tmp, n);
    free(tmp);
    return m;
}

double tsd_case_seconds(const tsd_case *c)
{
    return median_of(c->seconds, c->nsamples);
}

double tsd_case_rate(const tsd_case *c)
{
    double s = tsd_case_seconds(c);
    return s > 0 ? (double)c->count / s : 0;
}

nx_spread tsd_case_rate_spread(const tsd_case *c)
{
    double *rates = c->nsamples ? malloc(c->nsamples * sizeof *rates) : NULL;
    size_t n = 0;
    for (size_t i = 0; rates && i < c->nsamples; i++)
        if (c->seconds[i] > 0)
            rates[n++] = (double)c->count / c->seconds[i];
    nx_spread s = nx_spread_of(rates, n);
    free(rates);
    return s;
}

nx_spread tsd_case_p50_spread(const tsd_case *c)
{
    return nx_spread_of(c->p50_ns, c->nsamples);
}

double tsd_case_cpu_us(const tsd_case *c, bool servers)
{
    const double *v = servers ? c->cpu_servers : c->cpu_self;
    for (size_t i = 0; i < c->nsamples; i++)
        if (v[i] < 0)
            return -1;
    if (c->nsamples == 0 || c->count == 0)
        return -1;
    return median_of(v, c->nsamples) * 1e6 / (double)c->count;
}

const tsd_case *tsd_report_find(const tsd_report *r, const char *op, const char *name)
{
    for (size_t i = 0; i < r->ncases; i++) {
        const tsd_case *c = &r->cases[i];
        if (strcmp(c->op, op) == 0 && (name == NULL || strcmp(c->name, name) == 0))
            return c;
    }
    return NULL;
}

int tsd_report_write(const tsd_report *r, nx_results *results, size_t payload_bytes, nx_err *err)
{
    for (size_t i = 0; i < r->ncases; i++) {
        const tsd_case *c = &r->cases[i];
        if (c->nsamples == 0)
            continue;
        nx_row row;
        nx_row_init(&row);
        row.case_name = c->name;
        row.op = c->op;
        row.store = c->store;
        row.storage = c->storage;
        row.replicas = c->replicas;
        row.payload_bytes = (int64_t)payload_bytes;
        row.count = c->count;
        row.seconds = tsd_case_seconds(c);
        row.rate_per_s = tsd_case_rate(c);
        nx_row_set_latency(&row, c->lat);
        row.verified = c->verified;
        char note[400];
        snprintf(note, sizeof note, "%s%smedian of %zu", c->note, c->note[0] ? "; " : "",
                 c->nsamples);
        row.note = note;
        if (strcmp(c->store, "sqlite") == 0)
            row.server_version = nx_sqlite_version_label();
        if (nx_results_append(results, &row, err) != 0)
            return -1;
    }
    return 0;
}
