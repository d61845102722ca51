#include "tsd_replicas.h"

#include <string.h>

#include "tsd_summary.h"

static void lower_defaults(tsd_opts *o, tsd_plan *plan)
{
    if (!o->base.count_set && !o->base.quick) {
        /* Never below what the range cases need (40 points per series). */
        long count = TSD_COMPARE_COUNT > 40 * o->series ? TSD_COMPARE_COUNT : 40 * o->series;
        if (count < o->base.count) {
            o->base.count = count;
            plan->lowered = true;
        }
    }
    if (!o->sync_count_set && !o->base.quick) {
        o->sync_count = TSD_COMPARE_SYNC_COUNT;
        o->sync_count_set = true;
        plan->lowered = true;
    }
    if (!o->retention_set && !o->base.quick) {
        o->retention = TSD_COMPARE_RETENTION;
        plan->lowered = true;
    }
}

int tsd_plan_make(nx_run *run, tsd_opts *o, tsd_plan *plan, nx_err *err)
{
    (void)err;
    memset(plan, 0, sizeof *plan);
    plan->replicas[0] = (int)o->base.replicas;
    plan->npasses = 1;
    if (o->base.replicas_set)
        return 0;
    bool cluster = run->cluster.n >= 3;
    if (run->scope && !nx_run_takes_r3(run, plan->why, sizeof plan->why))
        return 0;
    if (!cluster && run->scope == NULL)
        return 0;
    plan->replicas[0] = 1;
    plan->replicas[1] = 3;
    plan->npasses = 2;
    lower_defaults(o, plan);
    plan->count = o->base.count;
    plan->sync_count = tsd_opts_sync_count(o);
    plan->retention = o->retention;
    return 0;
}

void tsd_plan_print(FILE *out, const tsd_plan *plan)
{
    if (plan->why[0])
        fprintf(out, "\nR3 not measured: %s\n", plan->why);
    if (plan->lowered)
        fprintf(out,
                "\nR1/R3 comparison: both passes use --count %ld, --sync-count %ld and "
                "--retention %ld (lowered from the single-server defaults so the run stays within "
                "a few minutes; give them to change it)\n",
                plan->count, plan->sync_count, plan->retention);
}

tsd_opts tsd_plan_pass_opts(const tsd_plan *plan, const tsd_opts *o, int p)
{
    tsd_opts pass = *o;
    pass.base.replicas = plan->replicas[p];
    if (p > 0)
        pass.no_sqlite = true;
    return pass;
}

static const tsd_case *counterpart(const tsd_report *r, const tsd_case *c)
{
    for (size_t i = 0; i < r->ncases; i++) {
        const tsd_case *o = &r->cases[i];
        if (o->nsamples > 0 && strcmp(o->op, c->op) == 0 && strcmp(o->name, c->name) == 0 &&
            strcmp(o->store, c->store) == 0)
            return o;
    }
    return NULL;
}

static double p50_us(const tsd_case *c)
{
    return nx_hist_count(c->lat) ? (double)nx_hist_percentile(c->lat, 0.50) / 1e3 : -1;
}

void tsd_replicas_annotate(tsd_report *r3, const tsd_report *r1)
{
    for (size_t i = 0; i < r3->ncases; i++) {
        tsd_case *c = &r3->cases[i];
        const tsd_case *base = counterpart(r1, c);
        if (c->nsamples == 0 || base == NULL)
            continue;
        char add[96];
        double a = p50_us(c), b = p50_us(base);
        if (a > 0 && b > 0)
            snprintf(add, sizeof add, "R3/R1 rate %.3f, p50 %.2f (R1 pass of this run)",
                     tsd_rate_ratio(c, base), a / b);
        else
            snprintf(add, sizeof add, "R3/R1 rate %.3f (R1 pass of this run)",
                     tsd_rate_ratio(c, base));
        size_t len = strlen(c->note);
        snprintf(c->note + len, sizeof c->note - len, "%s%s", len ? "; " : "", add);
    }
}

static void cell(char *buf, size_t len, double v, const char *fmt)
{
    if (v < 0)
        snprintf(buf, len, "%s", "-");
    else
        snprintf(buf, len, fmt, v);
}

void tsd_replicas_print(FILE *out, const tsd_plan *plan, const tsd_report *r1, const tsd_report *r3)
{
    fprintf(out,
            "\nR3 against R1 (the same cases in this run, R%d pass then R%d pass; ratio = R3 / "
            "R1 of the medians):\n",
            plan->replicas[0], plan->replicas[1]);
    fprintf(out, "  %-21s  %-46s  %10s  %10s  %6s  %10s  %10s  %6s\n", "op", "case", "R1 rate/s",
            "R3 rate/s", "ratio", "R1 p50 us", "R3 p50 us", "ratio");
    for (size_t i = 0; i < r3->ncases; i++) {
        const tsd_case *c = &r3->cases[i];
        const tsd_case *b = counterpart(r1, c);
        if (c->nsamples == 0 || b == NULL)
            continue;
        double pa = p50_us(c), pb = p50_us(b);
        char p1[24], p3[24], pr[16];
        cell(p1, sizeof p1, pb, "%.1f");
        cell(p3, sizeof p3, pa, "%.1f");
        cell(pr, sizeof pr, pa > 0 && pb > 0 ? pa / pb : -1, "%.2f");
        fprintf(out, "  %-21s  %-46.46s  %10.0f  %10.0f  %6.3f  %10s  %10s  %6s\n", c->op, c->name,
                tsd_case_rate(b), tsd_case_rate(c), tsd_rate_ratio(c, b), p1, p3, pr);
    }
    const tsd_case *sync1 = tsd_report_find(r1, "js_publish_sync", NULL);
    const tsd_case *sync3 = tsd_report_find(r3, "js_publish_sync", NULL);
    const tsd_case *best1 = tsd_best_async(r1, false), *best3 = tsd_best_async(r3, false);
    if (sync1 && sync3)
        fprintf(out, "  js_Publish (one round trip per point): R3 at %.2f of the R1 rate\n",
                tsd_rate_ratio(sync3, sync1));
    if (best1 && best3)
        fprintf(out, "  best async case: R3 %.0f points/s (%s) against R1 %.0f (%s): %.2f\n",
                tsd_case_rate(best3), best3->name, tsd_case_rate(best1), best1->name,
                tsd_rate_ratio(best3, best1));
}
