/* The points tsd writes, generated from (run seed, global index) so that a
 * reader can recompute what each message must hold without keeping a copy:
 * memory stays flat whatever --count is.
 *
 * Point g belongs to series g % series and is that series' point number
 * g / series. Its payload is an nx_point with origin "tsd", no tombstone,
 * time = the writer's clock when it was published, and data = g (8 bytes,
 * little-endian) followed by filler bytes derived from (seed, g mod P).
 * Points P apart share their filler, so a writer builds P points before
 * its clock starts and patches only the time and the index of each
 * (tsd_ring); P (tsd_point_period) is 1024, fewer for large points. */
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

/* Where the fields a writer patches sit in an encoded point. */
#define TSD_POINT_TIME_AT 0
#define TSD_POINT_INDEX_AT 13 /* the nx_point header (10) and origin "tsd" (3) */

/* Encoded bytes of every point of this generator. */
static inline size_t tsd_point_size(const tsd_gen *gen)
{
    return TSD_POINT_INDEX_AT + gen->data_len;
}

/* P: a power of two, at most 1024, with P points in at most 1 MiB (1 for
 * points above 1 MiB). */
uint64_t tsd_point_period(const tsd_gen *gen);

static inline void tsd_put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t tsd_get_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* The P points of a generator, built once: point g is slot g mod P with its
 * time and index patched in. */
typedef struct tsd_ring {
    uint8_t *slots;
    size_t size; /* bytes per point */
    uint64_t mask;
} tsd_ring;

int tsd_ring_init(tsd_ring *r, const tsd_gen *gen, nx_err *err);
void tsd_ring_free(tsd_ring *r);

/* Point g with time time_ns, ready to publish until the same slot is used
 * again (P points later). */
static inline uint8_t *tsd_ring_point(tsd_ring *r, uint64_t g, int64_t time_ns)
{
    uint8_t *p = r->slots + (size_t)(g & r->mask) * r->size;
    tsd_put_le64(p + TSD_POINT_TIME_AT, (uint64_t)time_ns);
    tsd_put_le64(p + TSD_POINT_INDEX_AT, g);
    return p;
}

/* Encodes point g with the given time into buf; returns the length, or 0
 * when cap is too small. */
size_t tsd_point_build(const tsd_gen *gen, uint64_t g, int64_t time_ns, uint8_t *buf, size_t cap);

/* The global index a payload claims to be (its first data bytes); false when
 * the payload is not a tsd point. Used to match acks and range reads to
 * points before checking them in full. */
bool tsd_point_index(const uint8_t *buf, size_t len, uint64_t *g);

/* The cheap part of a check, for timed loops: buf is size bytes and has a
 * tsd point's header (no tombstone, origin "tsd"); *g and *time_ns get the
 * index and time it carries. The data after the index is left to the
 * digest (tsd_digest.h); false sends the caller to tsd_point_check. */
static inline bool tsd_point_peek(size_t size, const uint8_t *buf, size_t len, uint64_t *g,
                                  int64_t *time_ns)
{
    if (len != size || size < TSD_POINT_INDEX_AT + 8 || buf[8] != 0 || buf[9] != 3 ||
        buf[10] != 't' || buf[11] != 's' || buf[12] != 'd')
        return false;
    *time_ns = (int64_t)tsd_get_le64(buf + TSD_POINT_TIME_AT);
    *g = tsd_get_le64(buf + TSD_POINT_INDEX_AT);
    return true;
}

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
