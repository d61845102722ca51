/* A token bucket that turns a link rate into "how many bytes may be
 * forwarded now", so the relay can stand in for a slow cellular link. Time is
 * passed in, which keeps the arithmetic testable without clocks. */
#ifndef BDS_PACE_H
#define BDS_PACE_H

#include <stddef.h>
#include <stdint.h>

typedef struct bds_pace {
    double bytes_per_s; /* 0: unlimited */
    double burst;       /* most bytes that may build up while idle */
    double tokens;
    int64_t last_ns;
} bds_pace;

/* rate_bits_per_s 0 means unlimited. The bucket starts full. */
void bds_pace_init(bds_pace *p, long rate_bits_per_s, int64_t now_ns);

/* Bytes that may be forwarded at now_ns (SIZE_MAX-like large value when
 * unlimited, capped at cap). */
size_t bds_pace_allowed(bds_pace *p, int64_t now_ns, size_t cap);

/* Takes n forwarded bytes out of the bucket. */
void bds_pace_consume(bds_pace *p, size_t n);

/* Nanoseconds until at least want bytes are allowed (0 when they already
 * are, or when unlimited). */
int64_t bds_pace_wait_ns(const bds_pace *p, int64_t now_ns, size_t want);

#endif
