/* What a timed read keeps of the content it checks: every point's bytes
 * after its time (tombstone, origin, index, filler) go through a fast
 * word-at-a-time 64-bit hash, folded in read order into one digest. After
 * the clock stops, the expected points are regenerated and their digest
 * compared; only when the two differ does a slower pass compare each point
 * byte by byte, to name the first one that differs. So the per-message cost
 * inside the timed loop stays a few nanoseconds whatever the point size,
 * and every read is still checked in full. */
#ifndef TSD_DIGEST_H
#define TSD_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nx_err.h"
#include "tsd_point.h"

/* 64-bit hash of n bytes. */
uint64_t tsd_hash_bytes(const uint8_t *p, size_t n);

/* The digest of no points. */
#define TSD_DIGEST_EMPTY 0x2545f4914f6cdd1dULL

/* Folds one point's payload (its bytes after the time) into digest d; the
 * order of the points matters. */
static inline uint64_t tsd_digest_add(uint64_t d, const uint8_t *payload, size_t len)
{
    uint64_t h = len > 8 ? tsd_hash_bytes(payload + 8, len - 8) : 0;
    d = ((d << 17) | (d >> 47)) ^ h;
    return d * 0x9e3779b185ebca87ULL;
}

/* The digest of points g0, g0 + stride, ... (n of them) of gen, as the
 * model says they must read. Fails only without memory. */
int tsd_digest_expected(const tsd_gen *gen, uint64_t g0, uint64_t n, uint64_t stride, uint64_t *out,
                        nx_err *err);

/* One read of what a case stored, checked by digest (full false) or byte by
 * byte (full true). Sets *elapsed_ns (< 0 when not measured) and
 * *content_differs when the content, not a count or an order, differed. */
typedef int (*tsd_digest_read_fn)(void *arg, bool full, int64_t *elapsed_ns, bool *content_differs,
                                  nx_err *err);

/* Reads once by digest; when only the digest differs, reads again byte by
 * byte to name the first point that differs. what says what differed ("the
 * rows differ"), again what the second read is ("a second read"). */
int tsd_digest_read(tsd_digest_read_fn read, void *arg, const char *what, const char *again,
                    int64_t *elapsed_ns, nx_err *err);

#endif
