#include "bds_fleet_fit.h"

#include <math.h>

int bds_fit_linear(const double *x, const double *y, size_t n, bds_fit *out)
{
    double sx = 0, sy = 0;
    for (size_t i = 0; i < n; i++) {
        sx += x[i];
        sy += y[i];
    }
    out->n = n;
    out->a = n ? sy / (double)n : 0;
    out->b = 0;
    out->r2 = 0;
    if (n < 2)
        return -1;
    double mx = sx / (double)n, my = sy / (double)n, sxx = 0, sxy = 0, syy = 0;
    for (size_t i = 0; i < n; i++) {
        sxx += (x[i] - mx) * (x[i] - mx);
        sxy += (x[i] - mx) * (y[i] - my);
        syy += (y[i] - my) * (y[i] - my);
    }
    if (sxx == 0)
        return -1;
    out->b = sxy / sxx;
    out->a = my - out->b * mx;
    out->r2 = syy == 0 ? 1 : (sxy * sxy) / (sxx * syy);
    return 0;
}

double bds_fit_at(const bds_fit *f, double n)
{
    return f->a + f->b * n;
}

double bds_fit_per_leaf(double y, double y0, double n)
{
    return n > 0 ? (y - y0) / n : NAN;
}

double bds_fit_growth(double n1, double y1, double n2, double y2, double y0)
{
    double p1 = bds_fit_per_leaf(y1, y0, n1), p2 = bds_fit_per_leaf(y2, y0, n2);
    if (!(p1 > 0))
        return NAN;
    return p2 / p1;
}

double bds_fit_capacity(const bds_fit *f, double capacity, double headroom)
{
    if (f->b <= 0)
        return INFINITY;
    double n = (headroom * capacity - f->a) / f->b;
    return n > 0 ? floor(n) : 0;
}
