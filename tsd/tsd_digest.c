#include "tsd_digest.h"

#include <string.h>

#define K1 0x9e3779b185ebca87ULL
#define K2 0xc2b2ae3d27d4eb4fULL
#define K3 0x165667b19e3779f9ULL

static inline uint64_t rotl(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

static inline uint64_t word(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline uint64_t mix(uint64_t acc, uint64_t w)
{
    return rotl(acc + w * K2, 31) * K1;
}

uint64_t tsd_hash_bytes(const uint8_t *p, size_t n)
{
    const uint8_t *end = p + n;
    uint64_t h;
    if (n >= 32) {
        /* Four independent lanes keep the multiplier busy on long points. */
        uint64_t a = K1 + K2, b = K2, c = 0, d = 0 - K1;
        do {
            a = mix(a, word(p));
            b = mix(b, word(p + 8));
            c = mix(c, word(p + 16));
            d = mix(d, word(p + 24));
            p += 32;
        } while (end - p >= 32);
        h = rotl(a, 1) + rotl(b, 7) + rotl(c, 12) + rotl(d, 18);
    } else {
        h = K3;
    }
    h += (uint64_t)n;
    for (; end - p >= 8; p += 8)
        h = rotl(h ^ mix(0, word(p)), 27) * K1 + K3;
    if (p < end) {
        uint64_t tail = 0;
        memcpy(&tail, p, (size_t)(end - p));
        h = rotl(h ^ mix(0, tail), 27) * K1 + K3;
    }
    h ^= h >> 33;
    h *= K2;
    h ^= h >> 29;
    h *= K3;
    return h ^ (h >> 32);
}

int tsd_digest_expected(const tsd_gen *gen, uint64_t g0, uint64_t n, uint64_t stride, uint64_t *out,
                        nx_err *err)
{
    tsd_ring ring;
    if (tsd_ring_init(&ring, gen, err) != 0)
        return -1;
    uint64_t d = TSD_DIGEST_EMPTY;
    for (uint64_t k = 0; k < n; k++)
        d = tsd_digest_add(d, tsd_ring_point(&ring, g0 + k * stride, 0), ring.size);
    tsd_ring_free(&ring);
    *out = d;
    return 0;
}

int tsd_digest_read(tsd_digest_read_fn read, void *arg, const char *what, const char *again,
                    int64_t *elapsed_ns, nx_err *err)
{
    bool differs = false;
    int rc = read(arg, false, elapsed_ns, &differs, err);
    if (rc == 0 || !differs)
        return rc;
    nx_err first = *err;
    int64_t ignored;
    bool still = false;
    if (read(arg, true, &ignored, &still, err) != 0)
        return nx_fail_wrap(err, "%s from the model (digest); %s checking every byte: ", what,
                            again);
    return nx_fail(err, "%s, but %s checking every byte found no difference", first.msg, again);
}
