#include "tsd_rangeset.h"

#include <stdio.h>
#include <string.h>

/* Points of series s among the first n points written. */
static uint64_t points_of(const tsd_gen *gen, uint32_t s, uint64_t n)
{
    return n > s ? (n - s + gen->series - 1) / gen->series : 0;
}

int tsd_range_set_plan(tsd_range_set *rs, const tsd_gen *gen, uint64_t count, uint64_t range_points,
                       nx_err *err)
{
    memset(rs, 0, sizeof *rs);
    tsd_probes_init(&rs->probes);
    rs->count = count;
    rs->small_count = count / 10 / gen->series * gen->series;
    uint32_t s = gen->series / 2;
    uint64_t small = points_of(gen, s, rs->small_count);
    uint64_t large = points_of(gen, s, count);
    if (tsd_range_plan(&rs->q[TSD_RQ_SMALL], TSD_RANGE_MIDDLE, gen, s, small, range_points,
                       &rs->probes, err) != 0)
        return -1;
    /* The large store's mid-series range holds as many points as the small
     * one's, so their times compare like for like. */
    uint64_t len = tsd_range_expected(&rs->q[TSD_RQ_SMALL]);
    if (tsd_range_plan(&rs->q[TSD_RQ_MIDDLE_LARGE], TSD_RANGE_MIDDLE, gen, s, large, len,
                       &rs->probes, err) != 0 ||
        tsd_range_plan(&rs->q[TSD_RQ_EMPTY], TSD_RANGE_EMPTY, gen, s, large, 0, &rs->probes, err) !=
            0 ||
        tsd_range_plan(&rs->q[TSD_RQ_WHOLE], TSD_RANGE_WHOLE, gen, s, large, 0, &rs->probes, err) !=
            0)
        return -1;
    /* The same points as the small query, with the rest of the store written
     * after them. */
    rs->q[TSD_RQ_SAME_LARGE] = rs->q[TSD_RQ_SMALL];
    rs->q[TSD_RQ_SAME_LARGE].points = large;
    return 0;
}

void tsd_rq_case(const tsd_range_set *rs, tsd_rq q, char *buf, size_t len)
{
    const tsd_range *r = &rs->q[q];
    unsigned long long n = (unsigned long long)tsd_range_expected(r);
    unsigned long long small = (unsigned long long)rs->small_count;
    unsigned long long large = (unsigned long long)rs->count;
    switch (q) {
    case TSD_RQ_SMALL:
        snprintf(buf, len, "%llu points of 1 series, store of %llu", n, small);
        break;
    case TSD_RQ_SAME_LARGE:
        snprintf(buf, len, "same %llu points, store of %llu", n, large);
        break;
    case TSD_RQ_MIDDLE_LARGE:
        snprintf(buf, len, "%llu points mid-series, store of %llu", n, large);
        break;
    case TSD_RQ_EMPTY:
        snprintf(buf, len, "empty range between 2 points, store of %llu", large);
        break;
    case TSD_RQ_WHOLE:
        snprintf(buf, len, "whole series (%llu points), store of %llu", n, large);
        break;
    default:
        snprintf(buf, len, "?");
    }
}
