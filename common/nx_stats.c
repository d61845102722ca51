#include "nx_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SUB_BITS 7
#define SUB_COUNT (1 << SUB_BITS)
#define BUCKETS (SUB_COUNT + (64 - SUB_BITS) * SUB_COUNT)

struct nx_hist {
    uint64_t count;
    int64_t min;
    int64_t max;
    double sum;
    uint64_t buckets[BUCKETS];
};

int64_t nx_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t nx_wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static size_t bucket_of(uint64_t v)
{
    if (v < SUB_COUNT)
        return (size_t)v;
    int e = 63 - __builtin_clzll(v);
    int shift = e - SUB_BITS;
    return SUB_COUNT + (size_t)shift * SUB_COUNT + (size_t)((v >> shift) - SUB_COUNT);
}

/* The middle of a bucket: the reported value for every sample in it. */
static uint64_t bucket_value(size_t idx)
{
    if (idx < SUB_COUNT)
        return idx;
    size_t shift = (idx - SUB_COUNT) / SUB_COUNT;
    uint64_t sub = (idx - SUB_COUNT) % SUB_COUNT;
    uint64_t lower = (SUB_COUNT + sub) << shift;
    uint64_t width = (uint64_t)1 << shift;
    return lower + (width - 1) / 2;
}

nx_hist *nx_hist_new(void)
{
    nx_hist *h = calloc(1, sizeof *h);
    if (h)
        nx_hist_reset(h);
    return h;
}

void nx_hist_free(nx_hist *h)
{
    free(h);
}

void nx_hist_reset(nx_hist *h)
{
    memset(h, 0, sizeof *h);
    h->min = INT64_MAX;
    h->max = 0;
}

void nx_hist_record(nx_hist *h, int64_t ns)
{
    if (ns < 0)
        ns = 0;
    h->buckets[bucket_of((uint64_t)ns)]++;
    h->count++;
    h->sum += (double)ns;
    if (ns < h->min)
        h->min = ns;
    if (ns > h->max)
        h->max = ns;
}

void nx_hist_merge(nx_hist *dst, const nx_hist *src)
{
    if (src->count == 0)
        return;
    for (size_t i = 0; i < BUCKETS; i++)
        dst->buckets[i] += src->buckets[i];
    dst->count += src->count;
    dst->sum += src->sum;
    if (src->min < dst->min)
        dst->min = src->min;
    if (src->max > dst->max)
        dst->max = src->max;
}

uint64_t nx_hist_count(const nx_hist *h)
{
    return h->count;
}

int64_t nx_hist_min(const nx_hist *h)
{
    return h->count ? h->min : 0;
}

int64_t nx_hist_max(const nx_hist *h)
{
    return h->max;
}

double nx_hist_mean(const nx_hist *h)
{
    return h->count ? h->sum / (double)h->count : 0.0;
}

int64_t nx_hist_percentile(const nx_hist *h, double q)
{
    if (h->count == 0)
        return 0;
    if (q >= 1.0)
        return h->max;
    uint64_t rank = (uint64_t)ceil(q * (double)h->count);
    if (rank < 1)
        rank = 1;
    uint64_t seen = 0;
    for (size_t i = 0; i < BUCKETS; i++) {
        seen += h->buckets[i];
        if (seen >= rank) {
            int64_t v = (int64_t)bucket_value(i);
            if (v < h->min)
                v = h->min;
            if (v > h->max)
                v = h->max;
            return v;
        }
    }
    return h->max;
}

double nx_rate(uint64_t count, int64_t elapsed_ns)
{
    return elapsed_ns > 0 ? (double)count * 1e9 / (double)elapsed_ns : 0.0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double nx_median(double *vals, size_t n)
{
    if (n == 0)
        return 0.0;
    qsort(vals, n, sizeof *vals, cmp_double);
    return n % 2 ? vals[n / 2] : (vals[n / 2 - 1] + vals[n / 2]) / 2.0;
}
