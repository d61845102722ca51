/* The cases a run measured, each collecting one sample per repeat: the
 * medians and merged latency histogram become one CSV row and one table
 * line. Cases keep the order in which they were first measured. */
#ifndef TSD_REPORT_H
#define TSD_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nx_err.h"
#include "nx_results.h"
#include "nx_stats.h"
#include "nx_verdict.h"

#define TSD_CASES_MAX 64

typedef struct tsd_case {
    char name[96]; /* the CSV case */
    char op[40];
    const char *store;   /* "jetstream" or "sqlite" */
    const char *storage; /* "file", "memory", or NULL */
    int replicas;
    uint64_t count;       /* points per repeat */
    double *seconds;      /* one per repeat */
    double *p50_ns;       /* one per repeat; 0 when it timed nothing per point */
    size_t nsamples, cap; /* cap = --repeat */
    nx_hist *lat;         /* every repeat's samples */
    /* CPU seconds per repeat: this process, and the spawned servers (< 0
     * when unknown). */
    double *cpu_self, *cpu_servers;
    char note[256];
    /* Every sample passed its checks (tsd_case_checked); false until then,
     * so a case measured but not checked is written verified=no. */
    bool verified;
    size_t nchecked; /* samples that passed */
} tsd_case;

typedef struct tsd_report {
    tsd_case cases[TSD_CASES_MAX];
    size_t ncases;
    size_t max_samples; /* --repeat */
} tsd_report;

void tsd_report_init(tsd_report *r, size_t repeats);
void tsd_report_free(tsd_report *r);

/* The case (op, name, store), created on first use. */
tsd_case *tsd_report_case(tsd_report *r, const char *op, const char *name, const char *store,
                          uint64_t count, nx_err *err);

/* One repeat's result, not yet checked. hist may be NULL (nothing
 * per-operation to time). */
int tsd_case_add(tsd_case *c, int64_t elapsed_ns, const nx_hist *hist, nx_err *err);

/* The outcome of the last sample's checks. */
void tsd_case_checked(tsd_case *c, bool passed);

/* One repeat of a query case: `queries` calls of query, each timing one
 * query into *elapsed_ns (< 0: nothing measured) and checking it. The
 * sample is the median query and every query's time goes to the histogram;
 * it is added, checked only when every query passed, whenever one query
 * got through. Stops at the first failure and returns it. */
typedef int (*tsd_query_fn)(void *arg, int64_t *elapsed_ns, nx_err *err);
int tsd_case_add_queries(tsd_case *c, long queries, tsd_query_fn query, void *arg, nx_err *err);

/* CPU used during the last sample added (servers_s < 0 when unknown). */
void tsd_case_add_cpu(tsd_case *c, double self_s, double servers_s);

/* Median seconds and the rate count / median seconds; 0 without samples. */
double tsd_case_seconds(const tsd_case *c);
double tsd_case_rate(const tsd_case *c);

/* The repeats' rates (count / seconds), and their p50 latencies in ns:
 * what a verdict on the case is judged on (nx_verdict.h). */
nx_spread tsd_case_rate_spread(const tsd_case *c);
nx_spread tsd_case_p50_spread(const tsd_case *c);

/* Median CPU microseconds per point; < 0 when unknown. */
double tsd_case_cpu_us(const tsd_case *c, bool servers);

/* The case (op, name), or NULL. name NULL matches any case of op. */
const tsd_case *tsd_report_find(const tsd_report *r, const char *op, const char *name);

/* Appends one row per case. */
int tsd_report_write(const tsd_report *r, nx_results *results, size_t payload_bytes, nx_err *err);

#endif
