#include "bds_fleet_extrap.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bds_fleet_fit.h"

/* Use at most this share of a server's memory, CPU or network. */
#define HEADROOM 0.7
/* An assumed NIC for the bytes limit: loopback has none. */
#define NIC_BYTES_PER_S 125e6
#define CLUSTER_NODES 3

typedef enum { M_RSS, M_CPU, M_BYTES, M_COUNT } metric;

static const char *const metric_name[M_COUNT] = {"rss_idle", "cpu_loaded", "bytes_idle"};
static const char *const metric_unit[M_COUNT] = {"MB", "% CPU", "B/s"};

static double value(const bds_fleet_result *r, metric m, bool base)
{
    switch (m) {
    case M_RSS:
        return (base ? r->base.rss_bytes : r->idle.rss_bytes) / 1048576.0;
    case M_CPU:
        return base ? r->base.cpu_pct : r->loaded.cpu_pct;
    default:
        return base ? 0 : r->idle.leafz_bps;
    }
}

static double capacity(metric m)
{
    switch (m) {
    case M_RSS:
        return (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE) / 1048576.0;
    case M_CPU:
        return 100.0 * (double)sysconf(_SC_NPROCESSORS_ONLN);
    default:
        return NIC_BYTES_PER_S;
    }
}

typedef struct layout_fit {
    bds_fit fit[M_COUNT];
    double growth[M_COUNT];
    int n_prev, n_last;
    double nmax[M_COUNT];
} layout_fit;

/* The hub alone (N = 0, averaged over the sizes) and every size measured. */
static int fit_layout(const bds_fleet_result *res, size_t nres, bds_fleet_layout lay,
                      layout_fit *out)
{
    double x[2 * BDS_FLEET_MAX + 2], y[M_COUNT][2 * BDS_FLEET_MAX + 2], y0[M_COUNT] = {0};
    size_t n = 1, nb = 0;
    memset(out, 0, sizeof *out);
    const bds_fleet_result *prev = NULL, *last = NULL;
    for (size_t i = 0; i < nres && n < sizeof x / sizeof *x; i++) {
        const bds_fleet_result *r = &res[i];
        if (r->layout != lay)
            continue;
        x[n] = r->n;
        for (int m = 0; m < M_COUNT; m++) {
            y[m][n] = value(r, (metric)m, false);
            y0[m] += value(r, (metric)m, true);
        }
        n++;
        nb++;
        if (last == NULL || r->n > last->n) {
            prev = last;
            last = r;
        } else if (prev == NULL || r->n > prev->n) {
            prev = r;
        }
    }
    if (nb == 0)
        return -1;
    x[0] = 0;
    for (int m = 0; m < M_COUNT; m++) {
        y[m][0] = y0[m] / (double)nb;
        bds_fit_linear(x, y[m], n, &out->fit[m]);
        out->growth[m] = prev ? bds_fit_growth(prev->n, value(prev, (metric)m, false), last->n,
                                               value(last, (metric)m, false), y[m][0])
                              : NAN;
        out->nmax[m] = bds_fit_capacity(&out->fit[m], capacity((metric)m), HEADROOM);
    }
    out->n_prev = prev ? prev->n : 0;
    out->n_last = last->n;
    return 0;
}

static int limiting(const layout_fit *lf)
{
    int best = 0;
    for (int m = 1; m < M_COUNT; m++)
        if (lf->nmax[m] < lf->nmax[best])
            best = m;
    return best;
}

static void print_layout(const bds_story *st, bds_fleet_layout lay, const layout_fit *lf)
{
    if (st->quiet)
        return;
    printf("  layout %s, fitted y = a + b*N through N = 0 (the hub alone) and every N measured:\n",
           bds_fleet_layout_name(lay));
    for (int m = 0; m < M_COUNT; m++) {
        const bds_fit *f = &lf->fit[m];
        char growth[64] = "per-leaf growth n/a (one N measured)";
        if (lf->n_prev > 0)
            snprintf(growth, sizeof growth, "per-leaf growth N=%d->%d: %.2f", lf->n_prev,
                     lf->n_last, lf->growth[m]);
        printf("    %-10s = %.3f + %.4f*N %s (r2 %.3f); %s; one server: (%.1f*%.0f - a)/b = %.0f "
               "devices\n",
               metric_name[m], f->a, f->b, metric_unit[m], f->r2, growth, HEADROOM,
               capacity((metric)m), lf->nmax[m]);
    }
    int lim = limiting(lf);
    printf("    one hub server of this size: %.0f devices (limited by %s); %d-node cluster, R1 hub "
           "streams, leaves spread evenly: %.0f\n",
           lf->nmax[lim], metric_name[lim], CLUSTER_NODES, CLUSTER_NODES * lf->nmax[lim]);
    const double at[] = {1000, 10000};
    for (int i = 0; i < 2; i++) {
        double per = at[i] / CLUSTER_NODES;
        printf("    %5.0f devices: one server %.0f MB, %.0f%% CPU, %.0f B/s; each of %d nodes "
               "%.0f MB, %.0f%% CPU (%s); servers needed: ceil(%.0f / %.0f) = %.0f\n",
               at[i], bds_fit_at(&lf->fit[M_RSS], at[i]), bds_fit_at(&lf->fit[M_CPU], at[i]),
               bds_fit_at(&lf->fit[M_BYTES], at[i]), CLUSTER_NODES,
               bds_fit_at(&lf->fit[M_RSS], per), bds_fit_at(&lf->fit[M_CPU], per),
               per <= lf->nmax[lim] ? "fits" : "does not fit", at[i], lf->nmax[lim],
               lf->nmax[lim] > 0 ? ceil(at[i] / lf->nmax[lim]) : INFINITY);
    }
    printf("    trustworthy up to N=%d (the largest measured); beyond it this is a straight line "
           "drawn %.0fx past the data\n",
           lf->n_last, 10000.0 / lf->n_last);
}

static int rows_layout(bds_report *rep, bds_fleet_layout lay, const layout_fit *lf, nx_err *err)
{
    for (int m = 0; m < M_COUNT; m++) {
        const bds_fit *f = &lf->fit[m];
        nx_row row;
        nx_row_init(&row);
        char cs[64], note[480], detail[160];
        snprintf(cs, sizeof cs, "%s %s", bds_fleet_layout_name(lay), metric_name[m]);
        row.op = "fleet_extrapolation";
        row.case_name = cs;
        row.count = isfinite(lf->nmax[m]) ? (uint64_t)lf->nmax[m] : 0;
        row.rate_per_s = f->b;
        row.verified = false;
        snprintf(note, sizeof note,
                 "derived, not a data check: y = a + b*N fitted through N=0 and each N up to "
                 "%d (trustworthy only up to it): a %.4f, b %.5f %s per leaf (rate), r2 %.3f; "
                 "per-leaf cost growth N=%d->%d %.3f (1 = linear); count = devices one server "
                 "carries = (%.1f * %.0f - a) / b%s; %d-node R1 cluster %.0f",
                 lf->n_last, f->a, f->b, metric_unit[m], f->r2, lf->n_prev, lf->n_last,
                 lf->growth[m], HEADROOM, capacity((metric)m),
                 m == M_BYTES ? " (an assumed 1 Gbit/s NIC; /leafz payload bytes)" : "",
                 CLUSTER_NODES, CLUSTER_NODES * lf->nmax[m]);
        row.note = note;
        snprintf(detail, sizeof detail, "%.4f %s per leaf, growth %.2f, %.0f devices/server", f->b,
                 metric_unit[m], lf->growth[m], lf->nmax[m]);
        if (bds_report_row(rep, &row, detail, err) != 0)
            return -1;
    }
    return 0;
}

int bds_fleet_extrapolate(bds_report *rep, const bds_story *st, const bds_fleet_result *res,
                          size_t nres, nx_err *err)
{
    bds_story_heading(st,
                      "Fleet extrapolation, on paper (headroom %.0f%% of %.0f MB, %.0f%% "
                      "CPU, an assumed %.0f B/s NIC)",
                      HEADROOM * 100, capacity(M_RSS), capacity(M_CPU), NIC_BYTES_PER_S);
    for (int lay = BDS_FLEET_PER_LEAF; lay <= BDS_FLEET_ONE_STREAM; lay++) {
        layout_fit lf;
        if (fit_layout(res, nres, (bds_fleet_layout)lay, &lf) != 0)
            continue;
        print_layout(st, (bds_fleet_layout)lay, &lf);
        if (rows_layout(rep, (bds_fleet_layout)lay, &lf, err) != 0)
            return -1;
    }
    return 0;
}
