/* Verdicts that survive the next run. A figure measured in R repeats is
 * its median with the lowest and highest repeat; a verdict on it is given
 * only where the ranges leave no doubt, "within noise" where they overlap,
 * and none at all ("one run") from a single repeat, which has no range.
 * scripts/nxresults.py applies the same rule to the CSVs. */
#ifndef NX_VERDICT_H
#define NX_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

/* What a program prints under its target lines when it ran one repeat. */
#define NX_VERDICT_ONE_RUN_HINT                                                                    \
    "one run: no range, so no verdict (run with --repeat 3, or scripts/run-all.sh, which "         \
    "repeats every experiment)"

typedef struct nx_spread {
    double median, lo, hi;
    size_t n; /* repeats behind it */
} nx_spread;

/* The spread of n values (vals is left as it is); n == 0 gives all zeros. */
nx_spread nx_spread_of(const double *vals, size_t n);

/* Ratio a / b against a target: with at_least, "met" only when even the
 * lowest a over the highest b reaches target, "not met" only when even
 * the highest a over the lowest b stays under it; at_most mirrors that.
 * Otherwise "within noise"; "one run" when either figure has fewer than 2
 * repeats; "n/a" when b's range reaches 0. */
const char *nx_verdict_target(nx_spread a, nx_spread b, double target, bool at_least);

/* a against b: `higher` or `lower` when the ranges do not overlap, else
 * "within noise"; "one run" as above. */
const char *nx_verdict_compare(nx_spread a, nx_spread b, const char *higher, const char *lower);

/* "median (lo-hi)" with printf format fmt for each number, or the median
 * alone when the repeats agree or there is one. */
void nx_spread_format(char *buf, size_t len, nx_spread s, const char *fmt);

#endif
