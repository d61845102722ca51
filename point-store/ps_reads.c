#include "ps_reads.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nx_progress.h"
#include "nx_stats.h"
#include "ps_avail.h"
#include "ps_yardstick.h"

/* Methods take turns every CHUNK reads, so a burst of load from elsewhere on
 * the machine spreads over all of them instead of skewing one. */
#define CHUNK 50
#define NODE_SEED 0x70696e74ULL

int ps_read_checked(ps_ctx *c, ps_method m, long node, ps_state *got, ps_state *want,
                    int64_t *elapsed_ns, nx_err *err)
{
    char name[PS_NAME_MAX];
    ps_node_name(node, name, sizeof name);
    int64_t t0 = nx_now_ns();
    int rc = ps_read_state(&c->reader, m, name, got, err);
    *elapsed_ns = nx_now_ns() - t0;
    if (rc != 0)
        return nx_fail_wrap(err, "%s of node %s: ", ps_method_describe(m)->op, name);
    if (ps_model_state(&c->model, node, want, err) != 0)
        return -1;
    char why[512];
    if (!ps_state_same(want, got, why, sizeof why))
        return nx_fail(err, "%s (%s) of node %s differs from the model: %s",
                       ps_method_describe(m)->op, ps_method_describe(m)->label, name, why);
    return 0;
}

/* The median over rounds of the p50s at depth index di. */
static double median_of(const ps_ctx *c, int m, size_t di)
{
    size_t r = (size_t)c->opts.common.repeat;
    double tmp[1000];
    if (r > sizeof tmp / sizeof *tmp || c->round_p50[m][di] == NULL)
        return 0;
    memcpy(tmp, c->round_p50[m][di], r * sizeof *tmp);
    return nx_median(tmp, r);
}

typedef struct method_run {
    nx_hist *all;
    nx_hist *round;
    uint64_t rng;
    int64_t busy_ns;
} method_run;

static int emit_row(ps_ctx *c, ps_method m, size_t di, const method_run *mr, nx_err *err)
{
    const ps_method_desc *d = ps_method_describe(m);
    long depth = c->opts.history[di];
    uint64_t n = nx_hist_count(mr->all);
    double p50 = (double)nx_hist_percentile(mr->all, 0.50) / 1e3;
    double p99 = (double)nx_hist_percentile(mr->all, 0.99) / 1e3;
    double rate = nx_rate(n, mr->busy_ns);
    if (!ps_quiet(c))
        printf("  %-22s %12.1f %9.1f %12.0f %9llu\n", d->label, p50, p99, rate,
               (unsigned long long)n);
    char case_name[96], note[512];
    snprintf(case_name, sizeof case_name, "history=%ld query=%s", depth,
             m == PS_SQLITE_SEEK       ? "seek"
             : m == PS_SQLITE_GROUP_BY ? "group_by"
                                       : "-");
    if (m != PS_SQLITE_SEEK && m != PS_SQLITE_GROUP_BY)
        snprintf(case_name, sizeof case_name, "history=%ld", depth);
    size_t len = (size_t)snprintf(note, sizeof note,
                                  "%s; %ld nodes x %ld props; %llu random node reads in %ld "
                                  "round(s), each checked against the model; rate = 1 / mean "
                                  "read time (one reader, reads back to back)",
                                  d->note, c->opts.nodes, c->opts.props, (unsigned long long)n,
                                  c->opts.common.repeat);
    if (di > 0 && di + 1 == c->opts.nhistory && len < sizeof note) {
        double lo = median_of(c, m, 0), hi = median_of(c, m, di);
        snprintf(note + len, sizeof note - len, "; p50 ratio history=%ld/history=%ld: %.2f", depth,
                 c->opts.history[0], lo > 0 ? hi / lo : 0.0);
    }
    nx_row row;
    ps_row_init(c, &row, d->op, d->store, case_name);
    row.count = n;
    row.seconds = (double)mr->busy_ns / 1e9;
    row.rate_per_s = rate;
    nx_row_set_latency(&row, mr->all);
    row.verified = true;
    row.note = note;
    return ps_emit(c, &row, err);
}

int ps_read_depth(ps_ctx *c, size_t di, nx_err *err)
{
    long rounds = c->opts.common.repeat, reads = c->opts.reads;
    method_run runs[PS_NMETHODS] = {{0}};
    ps_state got, want;
    ps_state_init(&got);
    ps_state_init(&want);
    int rc = 0;
    for (int m = 0; m < PS_NMETHODS; m++) {
        runs[m].all = nx_hist_new();
        runs[m].round = nx_hist_new();
        c->round_p50[m][di] = calloc((size_t)rounds, sizeof(double));
        if (!runs[m].all || !runs[m].round || !c->round_p50[m][di])
            rc = nx_fail(err, "out of memory for latency histograms");
    }
    ps_ping ping;
    if (ps_ping_open(&ping, rounds, err) != 0)
        rc = -1;
    nx_progress prog;
    char label[64];
    snprintf(label, sizeof label, "history %ld: reading state", c->opts.history[di]);
    nx_progress_start(&prog, label, (uint64_t)(rounds * reads * PS_NMETHODS), ps_quiet(c));
    uint64_t done = 0;
    for (long r = 0; r < rounds && rc == 0; r++) {
        for (int m = 0; m < PS_NMETHODS; m++) {
            runs[m].rng = NODE_SEED + (uint64_t)r;
            nx_hist_reset(runs[m].round);
        }
        for (long start = 0; start < reads && rc == 0; start += CHUNK) {
            long end = start + CHUNK < reads ? start + CHUNK : reads;
            for (int m = 0; m < PS_NMETHODS && rc == 0; m++) {
                if (!ps_method_runs(c, (ps_method)m))
                    continue;
                for (long i = start; i < end && rc == 0; i++) {
                    long node = (long)(ps_rng_next(&runs[m].rng) % (uint64_t)c->opts.nodes);
                    int64_t ns = 0;
                    rc = ps_read_checked(c, (ps_method)m, node, &got, &want, &ns, err);
                    nx_hist_record(runs[m].all, ns);
                    nx_hist_record(runs[m].round, ns);
                    runs[m].busy_ns += ns;
                    nx_progress_update(&prog, ++done);
                }
            }
            if (rc == 0)
                rc = ps_ping_chunk(c, &ping, end - start, err);
        }
        ps_ping_round_end(&ping, r);
        for (int m = 0; m < PS_NMETHODS && rc == 0; m++)
            c->round_p50[m][di][r] = (double)nx_hist_percentile(runs[m].round, 0.50);
    }
    nx_progress_end(&prog);
    if (rc == 0 && !ps_quiet(c))
        printf("  %-22s %12s %9s %12s %9s\n", "read state", "p50 us", "p99 us", "1/mean /s",
               "checked");
    for (int m = 0; m < PS_NMETHODS && rc == 0; m++) {
        if (ps_method_runs(c, (ps_method)m))
            rc = emit_row(c, (ps_method)m, di, &runs[m], err);
    }
    if (rc == 0)
        rc = ps_ping_emit(c, di, &ping, err);
    if (rc == 0 && di == 0)
        ps_print_missing_methods(c);
    ps_ping_free(&ping);
    if (rc == 0 && !ps_quiet(c))
        printf("\n");
    for (int m = 0; m < PS_NMETHODS; m++) {
        nx_hist_free(runs[m].all);
        nx_hist_free(runs[m].round);
    }
    ps_state_free(&got);
    ps_state_free(&want);
    return rc;
}

void ps_print_ratios(const ps_ctx *c)
{
    size_t last = c->opts.nhistory - 1;
    if (ps_quiet(c) || last == 0)
        return;
    long lo = c->opts.history[0], hi = c->opts.history[last];
    printf("Latency as history grows: p50 at history %ld over p50 at history %ld "
           "(median of %ld round(s))\n",
           hi, lo, c->opts.common.repeat);
    char a[32], b[32];
    snprintf(a, sizeof a, "p50 us @%ld", lo);
    snprintf(b, sizeof b, "p50 us @%ld", hi);
    printf("  %-22s %12s %12s %8s\n", "method", a, b, "ratio");
    for (int m = 0; m < PS_NMETHODS; m++) {
        if (!ps_method_runs(c, (ps_method)m))
            continue;
        double p_lo = median_of(c, m, 0), p_hi = median_of(c, m, last);
        printf("  %-22s %12.1f %12.1f %8.2f\n", ps_method_describe((ps_method)m)->label, p_lo / 1e3,
               p_hi / 1e3, p_lo > 0 ? p_hi / p_lo : 0.0);
    }
    printf("\n");
}
