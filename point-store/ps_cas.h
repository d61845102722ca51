/* Compare-and-set on one counter point: two writers, each on its own
 * connection and thread, add 1 K times. With the expectation, each publish
 * names the sequence it read (ExpectLastSubjectSeq) and a writer that lost
 * the race gets "wrong last sequence" (JetStream error 10071), reads again
 * and retries, so no increment is lost. Without it, both publish blindly and
 * the increments they overwrite are the lost updates. */
#ifndef PS_CAS_H
#define PS_CAS_H

#include <stdbool.h>
#include <stdint.h>

#include "nx_point.h"
#include "nx_stats.h"
#include "ps_cas_safety.h"
#include "ps_ctx.h"

#define PS_CAS_WRITERS 2

typedef struct ps_cas_result {
    bool expect;
    long start, final;   /* counter values before and after */
    uint64_t increments; /* publishes the server accepted */
    uint64_t conflicts;  /* rejected with wrong last sequence */
    uint64_t stored;     /* messages the counter subject gained */
    int64_t elapsed_ns;
    nx_hist *latency; /* per increment, retries included */
} ps_cas_result;

/* The counter's value from a point's data (decimal text). */
bool ps_counter_decode(const nx_point *p, long *value);

/* Runs the writers against subject in the workload stream. */
int ps_cas_run(ps_ctx *c, const char *subject, bool expect, ps_cas_result *out, nx_err *err);

/* Both runs, checked (with the expectation the counter gains exactly
 * 2 x --cas-count), printed and written as rows. */
int ps_cas_phase(ps_ctx *c, nx_err *err);

#endif
