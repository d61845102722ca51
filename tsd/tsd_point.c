#include "tsd_point.h"

#include <stdlib.h>
#include <string.h>

#include "nx_point.h"
#include "nx_stats.h"

#define ORIGIN_LEN (sizeof TSD_ORIGIN - 1)
#define DATA_OFFSET (NX_POINT_HEADER + ORIGIN_LEN)
_Static_assert(DATA_OFFSET == TSD_POINT_INDEX_AT, "the index follows the header and origin");

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

#define PERIOD_MAX 1024
#define RING_BYTES_MAX (1u << 20)

uint64_t tsd_point_period(const tsd_gen *gen)
{
    size_t size = tsd_point_size(gen);
    uint64_t p = PERIOD_MAX;
    while (p > 1 && p * size > RING_BYTES_MAX)
        p >>= 1;
    return p;
}

/* The filler after the index: a pseudo-random stream keyed by (seed, g mod
 * P), so a point written under another seed never passes for this one (its
 * index, before the filler, tells points P apart). Writes filler bytes
 * [from, from+len) (from is a multiple of 8). */
static void fill(const tsd_gen *gen, uint64_t g, size_t from, uint8_t *out, size_t len)
{
    uint64_t key = splitmix64(gen->seed ^ splitmix64(g & (tsd_point_period(gen) - 1)));
    for (size_t off = 0; off < len; off += 8) {
        uint8_t word[8];
        tsd_put_le64(word, splitmix64(key + from + off));
        size_t n = len - off < 8 ? len - off : 8;
        memcpy(out + off, word, n);
    }
}

size_t tsd_point_build(const tsd_gen *gen, uint64_t g, int64_t time_ns, uint8_t *buf, size_t cap)
{
    size_t size = tsd_point_size(gen);
    if (cap < size || gen->data_len < 8)
        return 0;
    /* Laid out by hand rather than through nx_point_encode: it is the same
     * codec (the check below decodes with nx_point_decode), minus a copy. */
    tsd_put_le64(buf, (uint64_t)time_ns);
    buf[8] = 0;
    buf[9] = (uint8_t)ORIGIN_LEN;
    memcpy(buf + NX_POINT_HEADER, TSD_ORIGIN, ORIGIN_LEN);
    tsd_put_le64(buf + DATA_OFFSET, g);
    fill(gen, g, 0, buf + DATA_OFFSET + 8, gen->data_len - 8);
    return size;
}

bool tsd_point_index(const uint8_t *buf, size_t len, uint64_t *g)
{
    nx_point p;
    if (!nx_point_decode(buf, len, &p) || p.data_len < 8)
        return false;
    *g = tsd_get_le64(p.data);
    return true;
}

int tsd_point_check(const tsd_gen *gen, uint64_t g, const uint8_t *buf, size_t len,
                    int64_t *time_ns, nx_err *err)
{
    uint32_t s = tsd_series_of(gen, g);
    unsigned long long i = (unsigned long long)tsd_index_of(gen, g);
    nx_point p;
    if (!nx_point_decode(buf, len, &p))
        return nx_fail(err, "point %u/%llu: payload of %zu bytes does not decode", s, i, len);
    if (p.tombstone != 0)
        return nx_fail(err, "point %u/%llu: tombstone is %u, expected 0", s, i, p.tombstone);
    if (p.origin_len != ORIGIN_LEN || memcmp(p.origin, TSD_ORIGIN, ORIGIN_LEN) != 0)
        return nx_fail(err, "point %u/%llu: origin is '%.*s', expected '%s'", s, i,
                       (int)p.origin_len, p.origin, TSD_ORIGIN);
    if (p.data_len != gen->data_len)
        return nx_fail(err, "point %u/%llu: data is %zu bytes, expected %zu", s, i, p.data_len,
                       gen->data_len);
    uint64_t got = tsd_get_le64(p.data);
    if (got != g)
        return nx_fail(err, "point %u/%llu: holds point number %llu, expected %llu", s, i,
                       (unsigned long long)got, (unsigned long long)g);
    uint8_t want[64];
    for (size_t from = 0; from < p.data_len - 8; from += sizeof want) {
        size_t n = p.data_len - 8 - from < sizeof want ? p.data_len - 8 - from : sizeof want;
        fill(gen, g, from, want, n);
        if (memcmp(p.data + 8 + from, want, n) != 0)
            return nx_fail(err, "point %u/%llu: data bytes %zu..%zu differ from what was written",
                           s, i, 8 + from, 8 + from + n - 1);
    }
    if (time_ns)
        *time_ns = p.time_ns;
    return 0;
}

int64_t tsd_clock_next(tsd_clock *c)
{
    int64_t now = nx_wall_ns();
    c->last = now >= c->last + 2 ? now : c->last + 2;
    return c->last;
}

int tsd_ring_init(tsd_ring *r, const tsd_gen *gen, nx_err *err)
{
    uint64_t period = tsd_point_period(gen);
    r->size = tsd_point_size(gen);
    r->mask = period - 1;
    r->slots = malloc((size_t)period * r->size);
    if (r->slots == NULL)
        return nx_fail(err, "out of memory for %llu points of %zu bytes",
                       (unsigned long long)period, r->size);
    for (uint64_t k = 0; k < period; k++)
        if (tsd_point_build(gen, k, 0, r->slots + k * r->size, r->size) == 0) {
            tsd_ring_free(r);
            return nx_fail(err, "a point needs at least 8 data bytes");
        }
    return 0;
}

void tsd_ring_free(tsd_ring *r)
{
    free(r->slots);
    r->slots = NULL;
}
