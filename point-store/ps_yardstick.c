#include "ps_yardstick.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nx_ping.h"
#include "ps_avail.h"
#include "ps_fast.h"

int ps_ping_open(ps_ping *p, long rounds, nx_err *err)
{
    memset(p, 0, sizeof *p);
    p->rounds = rounds;
    p->all = nx_hist_new();
    p->round = nx_hist_new();
    p->round_p50 = calloc((size_t)rounds, sizeof *p->round_p50);
    if (!p->all || !p->round || !p->round_p50)
        return nx_fail(err, "out of memory for the ping histograms");
    return 0;
}

void ps_ping_free(ps_ping *p)
{
    nx_hist_free(p->all);
    nx_hist_free(p->round);
    free(p->round_p50);
    memset(p, 0, sizeof *p);
}

int ps_ping_chunk(ps_ctx *c, ps_ping *p, long n, nx_err *err)
{
    if (c->fast == NULL)
        return nx_fail(err, "ping: the reading connection is not open");
    nx_hist *h = nx_hist_new();
    if (h == NULL)
        return nx_fail(err, "out of memory");
    int64_t ns = 0;
    int rc = nx_ping_rtt(c->fast->nc, (uint64_t)n, h, &ns, err);
    nx_hist_merge(p->all, h);
    nx_hist_merge(p->round, h);
    p->busy_ns += ns;
    nx_hist_free(h);
    return rc;
}

void ps_ping_round_end(ps_ping *p, long r)
{
    p->round_p50[r] = (double)nx_hist_percentile(p->round, 0.50);
    nx_hist_reset(p->round);
}

int ps_ping_emit(ps_ctx *c, size_t di, const ps_ping *p, nx_err *err)
{
    c->ping_spread[di] = nx_spread_of(p->round_p50, (size_t)p->rounds);
    uint64_t n = nx_hist_count(p->all);
    double rate = nx_rate(n, p->busy_ns);
    if (!ps_quiet(c))
        printf("  %-22s %12.1f %9.1f %12.0f %9s\n", "ping (PING/PONG)",
               (double)nx_hist_percentile(p->all, 0.50) / 1e3,
               (double)nx_hist_percentile(p->all, 0.99) / 1e3, rate, "-");
    char case_name[64], note[256];
    snprintf(case_name, sizeof case_name, "history=%ld", c->opts.history[di]);
    snprintf(note, sizeof note,
             "natsConnection_Flush on the reading connection of the pipelined and multi get "
             "methods, timed in the same chunks as the reads: the round trip "
             "node-state p50s are divided by");
    nx_row row;
    ps_row_init(c, &row, NX_PING_OP, "jetstream", case_name);
    row.payload_bytes = -1; /* a ping carries no point */
    row.count = n;
    row.seconds = (double)p->busy_ns / 1e9;
    row.rate_per_s = rate;
    nx_row_set_latency(&row, p->all);
    row.verified = NX_VERIFIED_COUNT; /* every PONG came back; nothing stored */
    row.note = note;
    return ps_emit(c, &row, err);
}

/* Method m's p50 at depth di over the rounds, in ns (all zeros when absent). */
static nx_spread method_spread(const ps_ctx *c, int m, size_t di)
{
    size_t r = (size_t)c->opts.common.repeat;
    nx_spread none = {0, 0, 0, 0};
    return c->round_p50[m][di] ? nx_spread_of(c->round_p50[m][di], r) : none;
}

/* Median over rounds of method m's p50 at depth di, in ns (0 when absent). */
static double method_p50(const ps_ctx *c, int m, size_t di)
{
    return method_spread(c, m, di).median;
}

static bool is_jetstream(int m)
{
    return strcmp(ps_method_describe((ps_method)m)->store, "jetstream") == 0;
}

/* The JetStream method whose worst p50/ping over all depths is smallest. */
static int best_method(const ps_ctx *c, double *worst_out)
{
    int best = -1;
    double best_worst = 0;
    for (int m = 0; m < PS_NMETHODS; m++) {
        if (!is_jetstream(m) || !ps_method_runs(c, (ps_method)m))
            continue;
        double worst = 0;
        for (size_t di = 0; di < c->opts.nhistory; di++) {
            double x = c->ping_spread[di].median > 0
                           ? method_p50(c, m, di) / c->ping_spread[di].median
                           : 0;
            worst = x > worst ? x : worst;
        }
        if (best < 0 || worst < best_worst) {
            best = m;
            best_worst = worst;
        }
    }
    *worst_out = best_worst;
    return best;
}

static void print_table(const ps_ctx *c, const char *title, bool vs_sqlite)
{
    if (title[0])
        printf("%s\n", title);
    printf("  %-22s", "method");
    for (size_t di = 0; di < c->opts.nhistory; di++) {
        char h[32];
        snprintf(h, sizeof h, "@%ld", c->opts.history[di]);
        printf(" %9s", h);
    }
    printf("\n");
    for (int m = 0; m < PS_NMETHODS; m++) {
        if (!is_jetstream(m) || !ps_method_runs(c, (ps_method)m))
            continue;
        printf("  %-22s", ps_method_describe((ps_method)m)->label);
        for (size_t di = 0; di < c->opts.nhistory; di++) {
            double base = vs_sqlite ? method_p50(c, PS_SQLITE_SEEK, di) : c->ping_spread[di].median;
            double v = method_p50(c, m, di);
            printf(" %9.2f", base > 0 ? v / base : 0.0);
        }
        printf("\n");
    }
}

/* "At most PS_TARGET_PING_X a ping at every depth": met when met at every
 * depth, not met when missed at one, else within noise (or one run). */
static const char *ping_verdict(const ps_ctx *c, int m)
{
    bool all_met = true;
    for (size_t di = 0; di < c->opts.nhistory; di++) {
        const char *v =
            nx_verdict_target(method_spread(c, m, di), c->ping_spread[di], PS_TARGET_PING_X, false);
        if (strcmp(v, "not met") == 0 || strcmp(v, "one run") == 0 || strcmp(v, "n/a") == 0)
            return v;
        all_met &= strcmp(v, "met") == 0;
    }
    return all_met ? "met" : "within noise";
}

void ps_print_targets(const ps_ctx *c)
{
    if (ps_quiet(c))
        return;
    size_t last = c->opts.nhistory - 1;
    printf("Node state against one round trip: p50 / ping p50 (PING/PONG on the reading "
           "connection, same run)\n  %-22s",
           "ping p50 us");
    for (size_t di = 0; di < c->opts.nhistory; di++)
        printf(" %9.1f", c->ping_spread[di].median / 1e3);
    printf("\n");
    print_table(c, "", false);
    print_table(c, "JetStream / SQLite (seek query), p50 over p50", true);
    double worst = 0;
    int best = best_method(c, &worst);
    if (best < 0)
        return;
    double lo = method_p50(c, best, 0), hi = method_p50(c, best, last);
    double growth = lo > 0 ? hi / lo : 0;
    printf("Target: best method %s: at most %.2fx a ping over every depth (target <= %.1fx: "
           "%s)",
           ps_method_describe((ps_method)best)->label, worst, PS_TARGET_PING_X,
           ping_verdict(c, best));
    if (last > 0)
        printf("; history %ld / %ld: %.2f (target <= %.1f: %s)", c->opts.history[last],
               c->opts.history[0], growth, PS_TARGET_DEPTH_X,
               nx_verdict_target(method_spread(c, best, last), method_spread(c, best, 0),
                                 PS_TARGET_DEPTH_X, false));
    if (c->opts.common.repeat < 2)
        printf("\n  %s", NX_VERDICT_ONE_RUN_HINT);
    printf("\n\n");
}
