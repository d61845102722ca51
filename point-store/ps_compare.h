/* The rows of an R1 pass remembered, and the matching rows of the R3 pass
 * annotated with their R3/R1 ratio: in the first pass a row is
 * remembered, in the second it is matched (op, case, store) and its note
 * gains the ratios. Knows rows only, not the run (ps_ctx), so ps_ctx can
 * send every row through it. */
#ifndef PS_COMPARE_H
#define PS_COMPARE_H

#include "nx_results.h"

#define PS_PASSES_MAX 2

typedef struct ps_compare ps_compare;

/* The replicas of the first and the second pass; NULL without memory. */
ps_compare *ps_compare_new(int first_replicas, int second_replicas);

/* Which pass (0 or 1) the rows that follow belong to. */
void ps_compare_set_pass(ps_compare *cmp, int pass);

/* The row to write: row itself, or (second pass, matched) a copy with the
 * R3/R1 ratio added to its note, built in *scratch. cmp may be NULL. */
const nx_row *ps_compare_row(ps_compare *cmp, const nx_row *row, nx_row *scratch);

/* The matched rows side by side on stdout. */
void ps_compare_table(const ps_compare *cmp);

void ps_compare_free(ps_compare *cmp);

#endif
