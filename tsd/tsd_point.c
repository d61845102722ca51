#include "tsd_point.h"

#include <string.h>

#include "nx_point.h"
#include "nx_stats.h"

#define ORIGIN_LEN (sizeof TSD_ORIGIN - 1)
#define DATA_OFFSET (NX_POINT_HEADER + ORIGIN_LEN)

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* The filler after the index: a pseudo-random stream keyed by (seed, g), so
 * a point written under another seed or index never passes for this one.
 * Writes filler bytes [from, from+len) (from is a multiple of 8). */
static void fill(const tsd_gen *gen, uint64_t g, size_t from, uint8_t *out, size_t len)
{
    uint64_t key = splitmix64(gen->seed ^ splitmix64(g));
    for (size_t off = 0; off < len; off += 8) {
        uint8_t word[8];
        put_u64(word, splitmix64(key + from + off));
        size_t n = len - off < 8 ? len - off : 8;
        memcpy(out + off, word, n);
    }
}

size_t tsd_point_size(const tsd_gen *gen)
{
    return DATA_OFFSET + gen->data_len;
}

size_t tsd_point_build(const tsd_gen *gen, uint64_t g, int64_t time_ns, uint8_t *buf, size_t cap)
{
    size_t size = tsd_point_size(gen);
    if (cap < size || gen->data_len < 8)
        return 0;
    /* Laid out by hand rather than through nx_point_encode: it is the same
     * codec (the check below decodes with nx_point_decode), minus a copy. */
    put_u64(buf, (uint64_t)time_ns);
    buf[8] = 0;
    buf[9] = (uint8_t)ORIGIN_LEN;
    memcpy(buf + NX_POINT_HEADER, TSD_ORIGIN, ORIGIN_LEN);
    put_u64(buf + DATA_OFFSET, g);
    fill(gen, g, 0, buf + DATA_OFFSET + 8, gen->data_len - 8);
    return size;
}

bool tsd_point_index(const uint8_t *buf, size_t len, uint64_t *g)
{
    nx_point p;
    if (!nx_point_decode(buf, len, &p) || p.data_len < 8)
        return false;
    *g = get_u64(p.data);
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
    uint64_t got = get_u64(p.data);
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
