/* Streaming verification of a full read of a stream: each message is
 * checked against the point the model says must come next, so a read of any
 * length needs constant memory.
 *
 * Inside a timed read only the cheap checks run per message (sequence,
 * subject, size, header, index, time) and the rest of the payload goes into
 * a digest; tsd_check_finish, after the clock stopped, compares it with the
 * model's. When they differ, a second read with full set checks every byte
 * of every message and names the first point that differs. */
#ifndef TSD_CHECK_H
#define TSD_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nx_err.h"
#include "tsd_digest.h"
#include "tsd_point.h"
#include "tsd_series.h"

/* What a stream holds after a case: points first_g .. first_g+count-1 of
 * gen, in that order, point g at stream sequence g + seq_base, with times
 * strictly increasing inside [t_min, t_max] (the writer's clock before the
 * first and after the last publish). */
typedef struct tsd_load {
    tsd_gen gen;
    uint64_t first_g;
    uint64_t count;
    uint64_t seq_base;
    int64_t t_min, t_max;
} tsd_load;

typedef struct tsd_check {
    const tsd_load *load;
    const tsd_series *series;
    bool full;   /* compare every byte of each message (the diagnostic pass) */
    size_t size; /* bytes per point */
    uint64_t seen;
    int64_t last_time;
    uint64_t digest;
    bool content_differs; /* set by tsd_check_finish: run the full pass */
} tsd_check;

void tsd_check_start(tsd_check *c, const tsd_load *load, const tsd_series *series, bool full);

/* Checks the next message read: its stream sequence, subject and payload. */
int tsd_check_next(tsd_check *c, uint64_t seq, const char *subject, const uint8_t *data, size_t len,
                   nx_err *err);

static inline bool tsd_check_complete(const tsd_check *c)
{
    return c->seen == c->load->count;
}

/* Fails unless every expected point was seen and, without full, the digest
 * of what was read is the model's (else content_differs is set). */
int tsd_check_finish(tsd_check *c, nx_err *err);

#endif
