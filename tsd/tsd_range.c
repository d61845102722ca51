#include "tsd_range.h"

#include <string.h>

void tsd_probes_init(tsd_probes *p)
{
    memset(p, 0, sizeof *p);
}

int tsd_probes_want(tsd_probes *p, uint64_t g, nx_err *err)
{
    int at = 0;
    while (at < p->n && p->g[at] < g)
        at++;
    if (at < p->n && p->g[at] == g)
        return 0;
    if (p->n == TSD_PROBES_MAX)
        return nx_fail(err, "range model: more than %d probe points", TSD_PROBES_MAX);
    if (at < p->next)
        return nx_fail(err, "range model: point %llu was already written", (unsigned long long)g);
    memmove(&p->g[at + 1], &p->g[at], (size_t)(p->n - at) * sizeof p->g[0]);
    p->g[at] = g;
    p->n++;
    return 0;
}

bool tsd_probes_time(const tsd_probes *p, uint64_t g, int64_t *t)
{
    for (int i = 0; i < p->next; i++)
        if (p->g[i] == g) {
            *t = p->t[i];
            return true;
        }
    return false;
}

const char *tsd_range_kind_name(tsd_range_kind kind)
{
    switch (kind) {
    case TSD_RANGE_MIDDLE:
        return "middle";
    case TSD_RANGE_EMPTY:
        return "empty";
    case TSD_RANGE_WHOLE:
        return "whole";
    }
    return "?";
}

/* The two points whose times bound the query. */
static void bounds(const tsd_range *r, uint64_t *lo, uint64_t *hi)
{
    if (r->kind == TSD_RANGE_EMPTY) {
        *lo = r->after - 1;
        *hi = r->after;
    } else {
        *lo = r->first;
        *hi = r->last;
    }
}

int tsd_range_plan(tsd_range *r, tsd_range_kind kind, const tsd_gen *gen, uint32_t series,
                   uint64_t points, uint64_t want_points, tsd_probes *probes, nx_err *err)
{
    if (series >= gen->series)
        return nx_fail(err, "range model: series %u of %u", series, gen->series);
    if (points < 2)
        return nx_fail(err, "range model: series %u holds %llu points, at least 2 needed", series,
                       (unsigned long long)points);
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->series = series;
    r->points = points;
    switch (kind) {
    case TSD_RANGE_MIDDLE: {
        uint64_t len = want_points < 1 ? 1 : want_points;
        if (len > points / 2)
            len = points / 2;
        r->first = (points - len) / 2;
        r->last = r->first + len - 1;
        r->any = true;
        r->after = r->last + 1;
        break;
    }
    case TSD_RANGE_EMPTY:
        r->after = points / 2;
        break;
    case TSD_RANGE_WHOLE:
        r->first = 0;
        r->last = points - 1;
        r->any = true;
        r->after = points;
        break;
    }
    uint64_t lo, hi;
    bounds(r, &lo, &hi);
    if (tsd_probes_want(probes, tsd_global(gen, series, lo), err) != 0 ||
        tsd_probes_want(probes, tsd_global(gen, series, hi), err) != 0)
        return -1;
    return 0;
}

int tsd_range_resolve(tsd_range *r, const tsd_gen *gen, const tsd_probes *probes, nx_err *err)
{
    uint64_t lo, hi;
    bounds(r, &lo, &hi);
    int64_t tlo, thi;
    if (!tsd_probes_time(probes, tsd_global(gen, r->series, lo), &tlo) ||
        !tsd_probes_time(probes, tsd_global(gen, r->series, hi), &thi))
        return nx_fail(err,
                       "range model: the times of points %llu and %llu of series %u were "
                       "not recorded",
                       (unsigned long long)lo, (unsigned long long)hi, r->series);
    if (r->kind == TSD_RANGE_EMPTY) {
        /* tsd_clock steps by at least 2 ns, so this interval is never empty
         * of times, only of points. */
        r->start_ns = tlo + 1;
        r->end_ns = thi - 1;
    } else {
        r->start_ns = tlo;
        r->end_ns = thi;
    }
    if (r->end_ns < r->start_ns)
        return nx_fail(err, "range model: end %lld before start %lld", (long long)r->end_ns,
                       (long long)r->start_ns);
    return 0;
}

void tsd_range_rx_start(tsd_range_rx *rx, const tsd_range *q, const tsd_gen *gen, bool full)
{
    memset(rx, 0, sizeof *rx);
    rx->q = q;
    rx->gen = gen;
    rx->full = full;
    rx->size = tsd_point_size(gen);
    rx->next = q->first;
    rx->last_time = INT64_MIN;
    rx->digest = TSD_DIGEST_EMPTY;
}

/* The index and time of a delivered point of the query's series: cheap
 * checks while timed, every byte with full or when they refuse it. */
static int take_point(tsd_range_rx *rx, const uint8_t *data, size_t len, uint64_t *g, int64_t *t,
                      nx_err *err)
{
    const tsd_range *q = rx->q;
    bool peeked = !rx->full && tsd_point_peek(rx->size, data, len, g, t);
    if (!peeked && !tsd_point_index(data, len, g))
        return nx_fail(err, "range query on series %u: a payload of %zu bytes is not a point",
                       q->series, len);
    uint32_t s = tsd_series_of(rx->gen, *g);
    if (s != q->series)
        return nx_fail(err, "range query on series %u: delivered point %u/%llu of another series",
                       q->series, s, (unsigned long long)tsd_index_of(rx->gen, *g));
    if (!peeked && tsd_point_check(rx->gen, *g, data, len, t, err) != 0)
        return nx_fail_wrap(err, "range query: ");
    if (!rx->full)
        rx->digest = tsd_digest_add(rx->digest, data, len);
    return 0;
}

int tsd_range_rx_next(tsd_range_rx *rx, const uint8_t *data, size_t len, nx_err *err)
{
    const tsd_range *q = rx->q;
    if (rx->done)
        return nx_fail(err, "range query: a point was delivered after the query ended");
    uint64_t g;
    int64_t t;
    if (take_point(rx, data, len, &g, &t, err) != 0)
        return -1;
    uint64_t i = tsd_index_of(rx->gen, g);
    if (rx->delivered > 0 && i != rx->prev + 1)
        return nx_fail(err,
                       "range query on series %u: point %llu was delivered after point %llu "
                       "(the series' points must come one after the other)",
                       q->series, (unsigned long long)i, (unsigned long long)rx->prev);
    if (rx->delivered++ == 0)
        rx->first = i;
    rx->prev = i;
    if (t <= rx->last_time)
        return nx_fail(err, "range query on series %u: point %llu's time does not increase",
                       q->series, (unsigned long long)i);
    rx->last_time = t;
    if (t < q->start_ns) {
        /* A consumer starting by time begins at the first message the server
         * stored at or after it; points written just before may come too. */
        if (q->any ? i >= q->first : i >= q->after)
            return nx_fail(err,
                           "range query on series %u: point %llu has a time before the "
                           "start, but the model puts it inside or after the range",
                           q->series, (unsigned long long)i);
        rx->skipped++;
        return 0;
    }
    if (t > q->end_ns) {
        rx->done = true;
        if (i != q->after)
            return nx_fail(err,
                           "range query on series %u: the first point past the end is "
                           "%llu, the model says %llu",
                           q->series, (unsigned long long)i, (unsigned long long)q->after);
        return 0;
    }
    if (!q->any || i != rx->next)
        return nx_fail(err,
                       "range query on series %u: returned point %llu, the model expects %s%llu",
                       q->series, (unsigned long long)i, q->any ? "" : "nothing before point ",
                       (unsigned long long)(q->any ? rx->next : q->after));
    rx->next++;
    rx->got++;
    return 0;
}

int tsd_range_rx_finish(tsd_range_rx *rx, nx_err *err)
{
    const tsd_range *q = rx->q;
    uint64_t want = tsd_range_expected(q);
    if (rx->got != want)
        return nx_fail(err,
                       "range query on series %u (%s): returned %llu points, the model "
                       "expects %llu",
                       q->series, tsd_range_kind_name(q->kind), (unsigned long long)rx->got,
                       (unsigned long long)want);
    if (!rx->done && q->after < q->points)
        return nx_fail(err,
                       "range query on series %u (%s): point %llu, right after the range, "
                       "was never delivered",
                       q->series, tsd_range_kind_name(q->kind), (unsigned long long)q->after);
    if (rx->full || rx->delivered == 0)
        return 0;
    uint64_t digest = 0;
    if (tsd_digest_expected(rx->gen, tsd_global(rx->gen, q->series, rx->first), rx->delivered,
                            rx->gen->series, &digest, err) != 0)
        return -1;
    if (digest != rx->digest) {
        rx->content_differs = true;
        return nx_fail(err,
                       "range query on series %u (%s): the %llu points delivered differ from "
                       "the model's (digest)",
                       q->series, tsd_range_kind_name(q->kind), (unsigned long long)rx->delivered);
    }
    return 0;
}
