/* The paper extrapolation of the hub's cost: a least-squares line
 * y = a + b*N through the measured (N, cost) points (the hub alone is
 * N = 0), the growth of the per-leaf cost between two fleet sizes, and how
 * many leaves fit under a capacity. Pure arithmetic, unit-tested. */
#ifndef BDS_FLEET_FIT_H
#define BDS_FLEET_FIT_H

#include <stddef.h>

typedef struct bds_fit {
    double a, b; /* y = a + b*N */
    double r2;   /* 1 when every point is on the line; 1 also for 2 points */
    size_t n;    /* points used */
} bds_fit;

/* At least 2 distinct x; otherwise a = mean, b = 0, n as given, and -1. */
int bds_fit_linear(const double *x, const double *y, size_t n, bds_fit *out);

double bds_fit_at(const bds_fit *f, double n);

/* Per-leaf cost above the hub alone, (y - y0) / n. */
double bds_fit_per_leaf(double y, double y0, double n);

/* per_leaf(n2) / per_leaf(n1): 1 for linear growth, above 1 when each leaf
 * costs more as the fleet grows. NAN when per_leaf(n1) is not above 0. */
double bds_fit_growth(double n1, double y1, double n2, double y2, double y0);

/* Leaves under headroom * capacity: (headroom*capacity - a) / b, rounded
 * down; INFINITY when b <= 0 (no measurable growth), 0 when a alone is over. */
double bds_fit_capacity(const bds_fit *f, double capacity, double headroom);

#endif
