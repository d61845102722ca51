/* The points tsd writes, generated from (run seed, global index) so that a
 * reader can recompute what each message must hold without keeping a copy:
 * memory stays flat whatever --count is.
 *
 * Point g belongs to series g % series and is that series' point number
 * g / series. Its payload is an nx_point with origin "tsd", no tombstone,
 * time = the writer's clock when it was published, and data = g (8 bytes,
 * little-endian) followed by filler bytes derived from (seed, g). */
#ifndef TSD_POINT_H
#define TSD_POINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nx_err.h"

#define TSD_ORIGIN "tsd"

typedef struct tsd_gen {
    uint64_t seed;
    uint32_t series;
    size_t data_len; /* --payload: data bytes per point, at least 8 */
} tsd_gen;

static inline uint32_t tsd_series_of(const tsd_gen *gen, uint64_t g)
{
    return (uint32_t)(g % gen->series);
}

static inline uint64_t tsd_index_of(const tsd_gen *gen, uint64_t g)
{
    return g / gen->series;
}

static inline uint64_t tsd_global(const tsd_gen *gen, uint32_t series, uint64_t index)
{
    return index * gen->series + series;
}

/* Encoded bytes of every point of this generator. */
size_t tsd_point_size(const tsd_gen *gen);

/* Encodes point g with the given time into buf; returns the length, or 0
 * when cap is too small. */
size_t tsd_point_build(const tsd_gen *gen, uint64_t g, int64_t time_ns, uint8_t *buf, size_t cap);

/* The global index a payload claims to be (its first data bytes); false when
 * the payload is not a tsd point. Used to match acks and range reads to
 * points before checking them in full. */
bool tsd_point_index(const uint8_t *buf, size_t len, uint64_t *g);

/* Checks that buf is exactly point g of gen (any time); *time_ns receives its
 * time. On a mismatch err says which field of which point differed. */
int tsd_point_check(const tsd_gen *gen, uint64_t g, const uint8_t *buf, size_t len,
                    int64_t *time_ns, nx_err *err);

/* A writer's clock for point times: wall-clock nanoseconds, made to step by
 * at least 2 ns so that the times of one writer's points order them exactly
 * and there is always a time strictly between two points (the range model
 * relies on both). */
typedef struct tsd_clock {
    int64_t last;
} tsd_clock;

int64_t tsd_clock_next(tsd_clock *c);

#endif
