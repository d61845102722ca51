#include "nx_verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nx_stats.h"

nx_spread nx_spread_of(const double *vals, size_t n)
{
    nx_spread s = {0, 0, 0, 0};
    double *tmp = n ? malloc(n * sizeof *tmp) : NULL;
    if (tmp == NULL)
        return s;
    memcpy(tmp, vals, n * sizeof *tmp);
    s.median = nx_median(tmp, n); /* sorts tmp */
    s.lo = tmp[0];
    s.hi = tmp[n - 1];
    s.n = n;
    free(tmp);
    return s;
}

static const char one_run[] = "one run", noise[] = "within noise";

const char *nx_verdict_target(nx_spread a, nx_spread b, double target, bool at_least)
{
    if (a.n < 2 || b.n < 2)
        return one_run;
    if (b.lo <= 0)
        return "n/a"; /* no yardstick to divide by */
    /* The ratio's extremes: a's low end over b's high end, and the reverse. */
    double worst = at_least ? a.lo / b.hi : a.hi / b.lo;
    double best = at_least ? a.hi / b.lo : a.lo / b.hi;
    bool worst_meets = at_least ? worst >= target : worst <= target;
    bool best_meets = at_least ? best >= target : best <= target;
    return worst_meets ? "met" : !best_meets ? "not met" : noise;
}

const char *nx_verdict_compare(nx_spread a, nx_spread b, const char *higher, const char *lower)
{
    if (a.n < 2 || b.n < 2)
        return one_run;
    if (a.lo > b.hi)
        return higher;
    if (a.hi < b.lo)
        return lower;
    return noise;
}

void nx_spread_format(char *buf, size_t len, nx_spread s, const char *fmt)
{
    int k = snprintf(buf, len, fmt, s.median);
    if (s.n < 2 || s.lo == s.hi || k < 0 || (size_t)k >= len)
        return;
    char lo[32], hi[32];
    snprintf(lo, sizeof lo, fmt, s.lo);
    snprintf(hi, sizeof hi, fmt, s.hi);
    snprintf(buf + k, len - (size_t)k, " (%s-%s)", lo, hi);
}
