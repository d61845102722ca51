/* The point payload stored in every message:
 *
 *   time        int64, nanoseconds since the Unix epoch, little-endian
 *   tombstone   u8; odd means the point is deleted
 *   origin_len  u8
 *   origin      origin_len bytes (who wrote it: "hub", "leaf", a device id)
 *   data        the rest of the payload
 *
 * Payloads arrive from the network, so decoding never trusts a length. */
#ifndef NX_POINT_H
#define NX_POINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NX_POINT_HEADER 10 /* time + tombstone + origin_len */

typedef struct nx_point {
    int64_t time_ns;
    uint8_t tombstone;
    const char *origin; /* not NUL-terminated; points into the encoded buffer */
    uint8_t origin_len;
    const uint8_t *data; /* points into the encoded buffer */
    size_t data_len;
} nx_point;

/* Bytes needed to encode p. */
size_t nx_point_size(const nx_point *p);

/* Encodes p into buf; returns the encoded length, or 0 when buf is too small. */
size_t nx_point_encode(const nx_point *p, uint8_t *buf, size_t cap);

/* Decodes buf into p (whose pointers then refer into buf). Returns false when
 * buf is shorter than the header or the origin runs past the end. */
bool nx_point_decode(const uint8_t *buf, size_t len, nx_point *p);

static inline bool nx_point_is_deleted(const nx_point *p)
{
    return (p->tombstone & 1u) != 0;
}

/* True when both points hold the same fields and bytes. */
bool nx_point_equal(const nx_point *a, const nx_point *b);

#endif
