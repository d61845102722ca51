/* Clocks, a fixed-memory latency histogram, and the small arithmetic every
 * report needs (rates, medians of repeats).
 *
 * The histogram keeps 128 linear sub-buckets per power of two, so any
 * percentile it reports is within 0.4% of the exact sample at that rank,
 * whatever the number of samples, in about 60 KB. */
#ifndef NX_STATS_H
#define NX_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Monotonic clock in nanoseconds: use for every duration. */
int64_t nx_now_ns(void);

/* Wall clock in nanoseconds since the Unix epoch: use for point times. */
int64_t nx_wall_ns(void);

typedef struct nx_hist nx_hist;

nx_hist *nx_hist_new(void);
void nx_hist_free(nx_hist *h);
void nx_hist_reset(nx_hist *h);

/* Records one sample in nanoseconds (negative samples count as 0). */
void nx_hist_record(nx_hist *h, int64_t ns);

/* Adds every sample of src to dst. */
void nx_hist_merge(nx_hist *dst, const nx_hist *src);

uint64_t nx_hist_count(const nx_hist *h);
int64_t nx_hist_min(const nx_hist *h);
int64_t nx_hist_max(const nx_hist *h);
double nx_hist_mean(const nx_hist *h);

/* The nearest-rank percentile: the sample at rank ceil(q * count), for q in
 * (0, 1]. Returns 0 for an empty histogram. */
int64_t nx_hist_percentile(const nx_hist *h, double q);

/* count / seconds, 0 when no time passed. */
double nx_rate(uint64_t count, int64_t elapsed_ns);

/* Median of n values (sorts vals in place); 0 for n == 0. */
double nx_median(double *vals, size_t n);

#endif
