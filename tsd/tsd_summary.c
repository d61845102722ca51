#include "tsd_summary.h"

#include <string.h>

#include "tsd_current_summary.h"

#define ASYNC_OP "js_publish_async"
#define MAIN_ASYNC_PREFIX "js_PublishAsync w="
#define TARGET_ASYNC 0.8

static bool is_main_async(const tsd_case *c)
{
    /* The sweep's names are exactly "js_PublishAsync w=<n>"; variants add
     * ", ..." or use another method. */
    return strcmp(c->op, ASYNC_OP) == 0 &&
           strncmp(c->name, MAIN_ASYNC_PREFIX, strlen(MAIN_ASYNC_PREFIX)) == 0 &&
           strchr(c->name, ',') == NULL;
}

const tsd_case *tsd_best_async(const tsd_report *r, bool main_only)
{
    const tsd_case *best = NULL;
    for (size_t i = 0; i < r->ncases; i++) {
        const tsd_case *c = &r->cases[i];
        if (strcmp(c->op, ASYNC_OP) != 0 || (main_only && !is_main_async(c)) || c->nsamples == 0)
            continue;
        if (best == NULL || tsd_case_rate(c) > tsd_case_rate(best))
            best = c;
    }
    return best;
}

double tsd_rate_ratio(const tsd_case *a, const tsd_case *b)
{
    if (a == NULL || b == NULL || a->nsamples == 0 || b->nsamples == 0)
        return 0;
    double rb = tsd_case_rate(b);
    return rb > 0 ? tsd_case_rate(a) / rb : 0;
}

/* The cases the ceiling is a yardstick for: JetStream publishes into the
 * same stream setup (not SQLite, not the retention stream's limit). */
static bool compares_to_ceiling(const tsd_case *c)
{
    return strcmp(c->store, "jetstream") == 0 &&
           (strcmp(c->op, "core_publish_stored") == 0 || strncmp(c->op, "js_publish", 10) == 0);
}

bool tsd_case_long_enough(const tsd_case *c)
{
    return c != NULL && c->nsamples > 0 && tsd_case_seconds(c) >= TSD_MIN_TIMED_S;
}

static void latency_cell(char *buf, size_t len, const tsd_case *c, double q)
{
    if (nx_hist_count(c->lat) == 0)
        snprintf(buf, len, "%9s", "-");
    else
        snprintf(buf, len, "%9.1f", (double)nx_hist_percentile(c->lat, q) / 1e3);
}

void tsd_print_table(FILE *out, const tsd_report *r, const tsd_summary_info *info)
{
    const tsd_opts *o = info->opts;
    fprintf(out,
            "tsd: %ld points of %ld data bytes (%zu-byte payload), %ld series, %s storage, R%ld, "
            "nats-server %s; medians of %ld repeat(s)\n\n",
            o->base.count, o->base.payload, info->point_bytes, o->series, o->base.storage,
            o->base.replicas, info->server_version, o->base.repeat);
    fprintf(out, "%-9s  %-21s  %-46s  %9s  %11s  %9s  %9s  %6s\n", "store", "op", "case", "count",
            "rate/s", "p50 us", "p99 us", "x ceil");
    const tsd_case *ceiling = tsd_report_find(r, "core_publish_stored", NULL);
    for (size_t i = 0; i < r->ncases; i++) {
        const tsd_case *c = &r->cases[i];
        if (c->nsamples == 0)
            continue;
        char p50[16], p99[16], vs[16] = "";
        latency_cell(p50, sizeof p50, c, 0.50);
        latency_cell(p99, sizeof p99, c, 0.99);
        if (compares_to_ceiling(c) && ceiling)
            snprintf(vs, sizeof vs, "%6.2f", tsd_rate_ratio(c, ceiling));
        fprintf(out, "%-9s  %-21s  %-46.46s  %9llu  %11.0f  %s  %s  %6s\n", c->store, c->op,
                c->name, (unsigned long long)c->count, tsd_case_rate(c), p50, p99, vs);
    }
}

/* The verdict on rate(a) / rate(b) against target, judged on the ranges of
 * the repeats (nx_verdict.h), or "n/a" when a case behind it ran too
 * briefly to judge (*short_s then holds the shortest such time). */
static const char *rate_verdict(const tsd_case *a, const tsd_case *b, double target,
                                double *short_s)
{
    const tsd_case *both[2] = {a, b};
    bool judged = true;
    for (int i = 0; i < 2; i++)
        if (!tsd_case_long_enough(both[i])) {
            judged = false;
            double s = both[i] ? tsd_case_seconds(both[i]) : 0;
            if (*short_s < 0 || s < *short_s)
                *short_s = s;
        }
    if (!judged)
        return "n/a";
    return nx_verdict_target(tsd_case_rate_spread(a), tsd_case_rate_spread(b), target, true);
}

static void print_targets(FILE *out, const tsd_report *r)
{
    double short_s = -1;
    const tsd_case *ceiling = tsd_report_find(r, "core_publish_stored", NULL);
    const tsd_case *best = tsd_best_async(r, true);
    const tsd_case *best_any = tsd_best_async(r, false);
    const tsd_case *plain = tsd_report_find(r, "js_publish_plain", NULL);
    const tsd_case *sync = tsd_report_find(r, "js_publish_sync", NULL);
    fprintf(out, "\nTargets (ratios of medians measured in this run; a verdict only where the "
                 "repeats' ranges settle it):\n");
    if (best && ceiling) {
        double ratio = tsd_rate_ratio(best, ceiling);
        fprintf(out, "  best js_PublishAsync window / ceiling: %.2f (%s; target >= %.2f: %s)\n",
                ratio, best->name, TARGET_ASYNC,
                rate_verdict(best, ceiling, TARGET_ASYNC, &short_s));
    }
    if (best_any && ceiling && best_any != best)
        fprintf(out, "  best async of all variants / ceiling:  %.2f (%s)\n",
                tsd_rate_ratio(best_any, ceiling), best_any->name);
    if (sync && plain) {
        /* "At least the same rate within noise": only a sync range wholly
         * under the bare loop's fails it. */
        const char *v = rate_verdict(sync, plain, 1.0, &short_s);
        if (strcmp(v, "within noise") == 0)
            v = "met (within noise)";
        fprintf(out,
                "  js_publish_sync / bare js_Publish loop: %.3f (target >= 1 within noise: %s)\n",
                tsd_rate_ratio(sync, plain), v);
    }
    if (r->max_samples < 2)
        fprintf(out, "  %s\n", NX_VERDICT_ONE_RUN_HINT);
    if (short_s >= 0)
        fprintf(out,
                "  n/a: a case behind that verdict was timed for %.2f s, under %.1f s: too short "
                "to judge (a --quick-sized run; raise --count and --sync-count)\n",
                short_s, TSD_MIN_TIMED_S);
}

static void print_ratios(FILE *out, const tsd_report *r)
{
    const tsd_case *ceiling = tsd_report_find(r, "core_publish_stored", NULL);
    const tsd_case *sync = tsd_report_find(r, "js_publish_sync", NULL);
    const tsd_case *best = tsd_best_async(r, true);
    fprintf(out, "\nRatios:\n  async / ceiling by window:");
    for (size_t i = 0; i < r->ncases; i++)
        if (is_main_async(&r->cases[i]))
            fprintf(out, "  w=%s %.2f", r->cases[i].name + strlen(MAIN_ASYNC_PREFIX),
                    tsd_rate_ratio(&r->cases[i], ceiling));
    fprintf(out, "\n");
    if (best && sync)
        fprintf(out, "  async / sync: %.1f (%s against js_publish_sync)\n",
                tsd_rate_ratio(best, sync), best->name);
    const struct {
        const char *label, *js_op, *js_name, *sql_op, *sql_prefix;
    } pairs[] = {
        {"js_publish_sync / one txn per point, NORMAL", "js_publish_sync", NULL, "sqlite_insert",
         "one txn per point, synchronous=NORMAL"},
        {"js_publish_sync / one txn per point, FULL", "js_publish_sync", NULL, "sqlite_insert",
         "one txn per point, synchronous=FULL"},
        {"best async window / batched txns, NORMAL", NULL, NULL, "sqlite_insert",
         "points per txn, "
         "synchronous="
         "NORMAL"},
        {"best async window / batched txns, FULL", NULL, NULL, "sqlite_insert",
         "points per txn, synchronous=FULL"},
        {"read_ordered / read-all", "read_ordered", NULL, "read_all", ""},
        {"read_pull_ack_none / read-all", "read_pull_ack_none", NULL, "read_all", ""},
        {"read_range mid-series, large store", "read_range", "points mid-series", "read_range",
         "points mid-series"},
        {"read_range whole series", "read_range", "whole series", "read_range", "whole series"},
    };
    bool header = false;
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        const tsd_case *js = NULL, *sql = NULL;
        for (size_t k = 0; k < r->ncases; k++) {
            const tsd_case *c = &r->cases[k];
            bool is_sql = strcmp(c->store, "sqlite") == 0;
            if (is_sql && sql == NULL && strcmp(c->op, pairs[i].sql_op) == 0 &&
                strstr(c->name, pairs[i].sql_prefix))
                sql = c;
            if (!is_sql && js == NULL && pairs[i].js_op && strcmp(c->op, pairs[i].js_op) == 0 &&
                (pairs[i].js_name == NULL || strstr(c->name, pairs[i].js_name)))
                js = c;
        }
        if (pairs[i].js_op == NULL)
            js = best;
        if (js == NULL || sql == NULL || tsd_case_rate(sql) <= 0)
            continue;
        if (!header)
            fprintf(out, "  JetStream / SQLite (rate):\n");
        header = true;
        double ratio = tsd_rate_ratio(js, sql);
        char cell[32];
        /* Small ratios read better as "1/N". */
        if (ratio > 0 && ratio < 0.1)
            snprintf(cell, sizeof cell, "1/%.0f", 1 / ratio);
        else
            snprintf(cell, sizeof cell, "%.2f", ratio);
        fprintf(out, "    %-44s %8s\n", pairs[i].label, cell);
    }
}

static void print_range_scaling(FILE *out, const tsd_report *r)
{
    const char *stores[] = {"jetstream", "sqlite"};
    for (int s = 0; s < 2; s++) {
        const tsd_case *small = NULL, *same = NULL, *mid = NULL;
        for (size_t i = 0; i < r->ncases; i++) {
            const tsd_case *c = &r->cases[i];
            if (strcmp(c->op, "read_range") != 0 || strcmp(c->store, stores[s]) != 0)
                continue;
            if (strstr(c->name, "points of 1 series"))
                small = c;
            else if (strncmp(c->name, "same ", 5) == 0)
                same = c;
            else if (strstr(c->name, "mid-series"))
                mid = c;
        }
        if (small == NULL || same == NULL || mid == NULL || tsd_case_seconds(small) <= 0)
            continue;
        fprintf(out,
                "  %-9s range query, store 10x larger: %.2fx the time for the same points, "
                "%.2fx mid-series (%.0f us at the small store)\n",
                stores[s], tsd_case_seconds(same) / tsd_case_seconds(small),
                tsd_case_seconds(mid) / tsd_case_seconds(small), tsd_case_seconds(small) * 1e6);
    }
}

static void cpu_cell(char *buf, size_t len, double us)
{
    if (us < 0)
        snprintf(buf, len, "%13s", "-");
    else
        snprintf(buf, len, "%13.2f", us);
}

/* What a case could reach if client and server shared the machine's cores
 * perfectly: cores / (CPU per point), relative to the ceiling. Below 0.8
 * the async target cannot be met on this machine, whatever the window.
 * Above 1 it says only that CPU is not what holds the case below the
 * ceiling, so it is printed as ">=1", never as a figure. */
static double cpu_cap(const tsd_case *c, const tsd_case *ceiling, int cores)
{
    double self = tsd_case_cpu_us(c, false), server = tsd_case_cpu_us(c, true);
    if (self < 0 || server < 0 || self + server <= 0 || ceiling == NULL || cores <= 0)
        return -1;
    double rate = tsd_case_rate(ceiling);
    return rate > 0 ? (double)cores / ((self + server) / 1e6) / rate : -1;
}

static void print_time_budget(FILE *out, const tsd_report *r, const tsd_summary_info *info)
{
    const tsd_case *ceiling = tsd_report_find(r, "core_publish_stored", NULL);
    fprintf(out,
            "\nWhere the publish time goes (per point, medians; CPU from the CPU-time clocks of "
            "this process and the spawned servers; cap = %d cores / (client + server CPU), x "
            "ceiling):\n",
            info->cores);
    fprintf(out, "  %-46s %8s %13s %13s %6s\n", "case", "wall us", "client CPU us", "server CPU us",
            "cap");
    bool brief = false, above = false;
    for (size_t i = 0; i < r->ncases; i++) {
        const tsd_case *c = &r->cases[i];
        if (c->nsamples == 0 || c->count == 0 || strcmp(c->store, "jetstream") != 0 ||
            !(strcmp(c->op, "core_publish_stored") == 0 || strcmp(c->op, ASYNC_OP) == 0 ||
              strcmp(c->op, "js_publish_sync") == 0 || tsd_is_batch_op(c->op)))
            continue;
        char wall[16], self[24], server[24], cap[16] = "-";
        if (!tsd_case_long_enough(c) || !tsd_case_long_enough(ceiling)) {
            brief = true;
            fprintf(out, "  %-46.46s %8s %13s %13s %6s\n", c->name, "n/a", "n/a", "n/a", "n/a");
            continue;
        }
        snprintf(wall, sizeof wall, "%8.2f", tsd_case_seconds(c) * 1e6 / (double)c->count);
        cpu_cell(self, sizeof self, tsd_case_cpu_us(c, false));
        cpu_cell(server, sizeof server, tsd_case_cpu_us(c, true));
        double k = strcmp(c->op, ASYNC_OP) == 0 || tsd_is_batch_op(c->op)
                       ? cpu_cap(c, ceiling, info->cores)
                       : -1;
        if (k > 1) {
            snprintf(cap, sizeof cap, ">=1");
            above = true;
        } else if (k >= 0) {
            snprintf(cap, sizeof cap, "%.2f", k);
        }
        fprintf(out, "  %-46.46s %s %s %s %6s\n", c->name, wall, self, server, cap);
    }
    if (info->build_ns >= 0)
        fprintf(out, "  %-46s %8.3f\n", "taking a point from the ring (clock + patch)",
                info->build_ns / 1e3);
    if (brief)
        fprintf(out,
                "  n/a: the case (or the ceiling) was timed for under %.1f s (a --quick-sized "
                "run): too short for per-point figures\n",
                TSD_MIN_TIMED_S);
    if (above)
        fprintf(out, "  >=1: CPU alone would allow at least the ceiling's rate; something else "
                     "holds the case below it\n");
}

void tsd_print_summary(FILE *out, const tsd_report *r, const tsd_summary_info *info)
{
    print_targets(out, r);
    tsd_print_current(out, r);
    print_ratios(out, r);
    print_range_scaling(out, r);
    print_time_budget(out, r, info);
    fprintf(out, "\nPeak RSS: %.1f MB (getrusage ru_maxrss); run took %.0f s\n", info->peak_rss_mb,
            info->elapsed_s);
    /* Reads stream and writers reuse one ring, so memory must not follow
     * the point count: judged only where the target says, at 1M points. */
    if (info->opts->base.count >= TSD_RSS_TARGET_POINTS)
        fprintf(out, "  peak RSS at --count %ld: target <= %d MB: %s\n", info->opts->base.count,
                TSD_RSS_TARGET_MB, info->peak_rss_mb <= TSD_RSS_TARGET_MB ? "met" : "not met");
    else
        fprintf(out,
                "  (the target of <= %d MB applies at --count %d or more: see the tsd-rss "
                "benchmark)\n",
                TSD_RSS_TARGET_MB, TSD_RSS_TARGET_POINTS);
}
