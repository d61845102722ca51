#include "bds_pace.h"

#include <stddef.h>

/* A tenth of a second of traffic may build up, but at least one small packet,
 * so a slow link still moves whole protocol lines at once. */
#define PACE_MIN_BURST 256.0

static void refill(bds_pace *p, int64_t now_ns)
{
    if (now_ns <= p->last_ns)
        return;
    p->tokens += p->bytes_per_s * (double)(now_ns - p->last_ns) / 1e9;
    if (p->tokens > p->burst)
        p->tokens = p->burst;
    p->last_ns = now_ns;
}

void bds_pace_init(bds_pace *p, long rate_bits_per_s, int64_t now_ns)
{
    p->bytes_per_s = rate_bits_per_s > 0 ? (double)rate_bits_per_s / 8.0 : 0.0;
    p->burst = p->bytes_per_s / 10.0;
    if (p->burst < PACE_MIN_BURST)
        p->burst = PACE_MIN_BURST;
    p->tokens = p->burst;
    p->last_ns = now_ns;
}

size_t bds_pace_allowed(bds_pace *p, int64_t now_ns, size_t cap)
{
    if (p->bytes_per_s <= 0)
        return cap;
    refill(p, now_ns);
    if (p->tokens < 1.0)
        return 0;
    size_t n = (size_t)p->tokens;
    return n < cap ? n : cap;
}

void bds_pace_consume(bds_pace *p, size_t n)
{
    if (p->bytes_per_s > 0)
        p->tokens -= (double)n;
}

int64_t bds_pace_wait_ns(const bds_pace *p, int64_t now_ns, size_t want)
{
    if (p->bytes_per_s <= 0)
        return 0;
    double have = p->tokens;
    if (now_ns > p->last_ns)
        have += p->bytes_per_s * (double)(now_ns - p->last_ns) / 1e9;
    if (have > p->burst)
        have = p->burst;
    double need = (double)want > p->burst ? p->burst : (double)want;
    if (have >= need)
        return 0;
    return (int64_t)((need - have) / p->bytes_per_s * 1e9) + 1;
}
