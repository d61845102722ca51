#include "tsd_current_summary.h"

#include <string.h>

#include "tsd_summary.h"

#define ALWAYS ", sync_interval: always"

bool tsd_is_batch_op(const char *op)
{
    return strcmp(op, "js_publish_atomic_batch") == 0 || strcmp(op, "js_publish_fast_batch") == 0 ||
           strcmp(op, "js_publish_persist_async") == 0;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* The case of op in store whose name contains part (NULL: any) and does or
 * does not end with the always suffix. */
static const tsd_case *find(const tsd_report *r, const char *op, const char *store,
                            const char *part, bool always)
{
    for (size_t i = 0; i < r->ncases; i++) {
        const tsd_case *c = &r->cases[i];
        if (c->nsamples > 0 && strcmp(c->op, op) == 0 && strcmp(c->store, store) == 0 &&
            (part == NULL || strstr(c->name, part)) && ends_with(c->name, ALWAYS) == always)
            return c;
    }
    return NULL;
}

static double p50_us(const tsd_case *c)
{
    return nx_hist_count(c->lat) ? (double)nx_hist_percentile(c->lat, 0.50) / 1e3 : 0;
}

static void print_ping(FILE *out, const tsd_report *r)
{
    const tsd_case *ping = find(r, "ping_rtt", "jetstream", NULL, false);
    const tsd_case *sync = find(r, "js_publish_sync", "jetstream", NULL, false);
    if (ping == NULL || sync == NULL || p50_us(ping) <= 0)
        return;
    double ratio = p50_us(sync) / p50_us(ping);
    const char *verdict = !tsd_case_long_enough(sync) ? "n/a (too short to judge)"
                                                      : nx_verdict_target(tsd_case_p50_spread(sync),
                                                                          tsd_case_p50_spread(ping),
                                                                          TSD_PING_TARGET, false);
    fprintf(out,
            "  js_Publish p50 / PING-PONG p50 on its connection: %.2f (%.1f us against %.1f us; "
            "target <= %.1f: %s)\n",
            ratio, p50_us(sync), p50_us(ping), TSD_PING_TARGET, verdict);
}

/* Small ratios read better as "1/N"; 0 is "-" (a case is missing). */
static void ratio_cell(char *buf, size_t len, double k)
{
    if (k <= 0)
        snprintf(buf, len, "-");
    else if (k < 0.1)
        snprintf(buf, len, "1/%.0f", 1 / k);
    else
        snprintf(buf, len, "%.2f", k);
}

/* rate(fast) / rate(durable) as "x.xx", or "-" without both. */
static void cost_cell(char *buf, size_t len, const tsd_case *fast, const tsd_case *durable)
{
    ratio_cell(buf, len, tsd_rate_ratio(fast, durable));
}

/* An SQLite insert case: "one txn per point" or "points per txn", with
 * synchronous=mode. */
static const tsd_case *sqlite_case(const tsd_report *r, const char *kind, const char *mode)
{
    char part[64];
    snprintf(part, sizeof part, "%s, synchronous=%s", kind, mode);
    return find(r, "sqlite_insert", "sqlite", part, false);
}

static void print_durability(FILE *out, const tsd_report *r)
{
    const tsd_case *sync = find(r, "js_publish_sync", "jetstream", NULL, false);
    const tsd_case *sync_a = find(r, "js_publish_sync", "jetstream", NULL, true);
    const tsd_case *async_a = find(r, "js_publish_async", "jetstream", NULL, true);
    if (sync_a == NULL)
        return;
    /* The default-server row of the same window as the always row. */
    char window[96] = "";
    const tsd_case *async = NULL;
    if (async_a) {
        snprintf(window, sizeof window, "%.*s", (int)(strlen(async_a->name) - strlen(ALWAYS)),
                 async_a->name);
        async = tsd_report_find(r, "js_publish_async", window);
    }
    const tsd_case *one_n = sqlite_case(r, "one txn per point", "NORMAL");
    const tsd_case *one_f = sqlite_case(r, "one txn per point", "FULL");
    const tsd_case *bat_n = sqlite_case(r, "points per txn", "NORMAL");
    const tsd_case *bat_f = sqlite_case(r, "points per txn", "FULL");
    char c1[16], c2[16], c3[16], c4[16];
    cost_cell(c1, sizeof c1, sync, sync_a);
    cost_cell(c2, sizeof c2, one_n, one_f);
    cost_cell(c3, sizeof c3, async, async_a);
    cost_cell(c4, sizeof c4, bat_n, bat_f);
    fprintf(out,
            "\nCost of sync_interval: always (an fsync per write; rate with the default / rate "
            "with always, same points):\n");
    fprintf(out, "  %-32s %14s    %-20s %11s\n", "JetStream", "default/always", "SQLite (WAL)",
            "NORMAL/FULL");
    fprintf(out, "  %-32s %14s    %-20s %11s\n", "js_Publish, every ack checked", c1,
            "one txn per point", c2);
    if (async_a)
        fprintf(out, "  %-32.32s %14s    %-20s %11s\n", window, c3, "batched txns", c4);
    const struct {
        const char *label;
        const tsd_case *js, *sql;
    } vs[] = {
        {"js_Publish with always / one txn per point, FULL", sync_a, one_f},
        {"js_Publish default / one txn per point, NORMAL", sync, one_n},
        {"best async with always / batched txns, FULL", async_a, bat_f},
        {"best async default / batched txns, NORMAL", async, bat_n},
    };
    for (size_t i = 0; i < sizeof vs / sizeof *vs; i++) {
        char cell[16];
        ratio_cell(cell, sizeof cell, tsd_rate_ratio(vs[i].js, vs[i].sql));
        if (vs[i].js && vs[i].sql)
            fprintf(out, "  JetStream / SQLite, %-50s %6s\n", vs[i].label, cell);
    }
}

/* A publisher whose every point's storage is confirmed by an ack that
 * covers it: not the case that drops its acks unread, not persist_mode
 * async (acked before the write). */
static bool acked(const tsd_case *c)
{
    if (strcmp(c->store, "jetstream") != 0 || c->nsamples == 0)
        return false;
    if (strcmp(c->op, "js_publish_atomic_batch") == 0 ||
        strcmp(c->op, "js_publish_fast_batch") == 0)
        return true;
    return strcmp(c->op, "js_publish_async") == 0 && strstr(c->name, "no ack handler") == NULL &&
           !ends_with(c->name, ALWAYS);
}

static void print_batches(FILE *out, const tsd_report *r)
{
    const tsd_case *ceiling = tsd_report_find(r, "core_publish_stored", NULL);
    const tsd_case *best = NULL;
    bool any = false;
    for (size_t i = 0; i < r->ncases; i++) {
        const tsd_case *c = &r->cases[i];
        if (!acked(c))
            continue;
        if (best == NULL || tsd_case_rate(c) > tsd_case_rate(best))
            best = c;
        any |= strcmp(c->op, "js_publish_async") != 0;
    }
    if (ceiling == NULL || best == NULL)
        return;
    double k = tsd_rate_ratio(best, ceiling);
    const char *verdict =
        !tsd_case_long_enough(best) || !tsd_case_long_enough(ceiling)
            ? "n/a (too short to judge)"
            : nx_verdict_target(tsd_case_rate_spread(best), tsd_case_rate_spread(ceiling),
                                TSD_ACKED_TARGET, true);
    fprintf(out, "  best acknowledged publisher / ceiling: %.2f (%s; target >= %.1f: %s)%s\n", k,
            best->name, TSD_ACKED_TARGET, verdict,
            any ? "" : " (no batch publisher on this server)");
}

/* Each range case by direct get against the same case by consumer. */
static void print_direct_ranges(FILE *out, const tsd_report *r)
{
    bool header = false;
    for (size_t i = 0; i < r->ncases; i++) {
        const tsd_case *d = &r->cases[i];
        if (strcmp(d->op, "read_range_direct") != 0 || d->nsamples == 0)
            continue;
        const tsd_case *c = tsd_report_find(r, "read_range", d->name);
        if (c == NULL || c->nsamples == 0 || tsd_case_seconds(d) <= 0)
            continue;
        if (!header)
            fprintf(out, "\nRange query by direct get (start_time, batch) against the consumer "
                         "by start time (median query time, consumer / direct):\n");
        header = true;
        fprintf(out, "  %-50.50s %8.2f  (%.0f us against %.0f us)\n", d->name,
                tsd_case_seconds(c) / tsd_case_seconds(d), tsd_case_seconds(c) * 1e6,
                tsd_case_seconds(d) * 1e6);
    }
}

void tsd_print_current(FILE *out, const tsd_report *r)
{
    print_ping(out, r);
    print_batches(out, r);
    print_durability(out, r);
    print_direct_ranges(out, r);
}
