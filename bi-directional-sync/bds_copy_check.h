/* Checks one copy of a stream of indexed points after a crash: it must hold
 * points 0..expected-1 exactly once each, in order, intact, from the right
 * origin on the right subject. Counts what is missing and what is there
 * twice rather than stopping at the first difference, so a failed run says
 * how much went wrong. */
#ifndef BDS_COPY_CHECK_H
#define BDS_COPY_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bds_points.h"

typedef struct bds_copy_check {
    uint64_t expected;     /* points 0..expected-1 */
    uint64_t held;         /* messages in the copy */
    uint64_t missing;      /* indexes never seen */
    uint64_t duplicates;   /* messages whose index was already seen */
    uint64_t out_of_order; /* messages with a lower index than the one before */
    uint64_t corrupt;      /* not an indexed point, bad filler, wrong origin, size or subject,
                              or an index never written */
    uint64_t first_missing;
    char first_problem[200]; /* "" when the copy is exact */
} bds_copy_check;

void bds_copy_check_run(const bds_point_list *l, uint64_t expected, const char *origin,
                        const char *subject, size_t data_len, bds_copy_check *out);

static inline bool bds_copy_check_ok(const bds_copy_check *c)
{
    return c->missing == 0 && c->duplicates == 0 && c->out_of_order == 0 && c->corrupt == 0 &&
           c->held == c->expected;
}

#endif
