#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "nx_stats.h"
#include "nx_wait.h"

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int64_t exact_percentile(const int64_t *sorted, size_t n, double q)
{
    size_t rank = (size_t)ceil(q * (double)n);
    if (rank < 1)
        rank = 1;
    return sorted[rank - 1];
}

typedef int64_t (*sampler)(void);

static int64_t uniform_us(void)
{
    return 1000 + rand() % 5000000;
}

static int64_t log_uniform(void)
{
    /* 10 ns .. ~10 s, like real latency tails */
    double e = 1.0 + 9.0 * ((double)rand() / RAND_MAX);
    return (int64_t)pow(10.0, e);
}

static int64_t bimodal(void)
{
    return rand() % 10 == 0 ? 50000000 + rand() % 1000000 : 20000 + rand() % 3000;
}

static void check_distribution(sampler f, size_t n)
{
    int64_t *v = malloc(n * sizeof *v);
    nx_hist *h = nx_hist_new();
    assert_non_null(v);
    assert_non_null(h);
    for (size_t i = 0; i < n; i++) {
        v[i] = f();
        nx_hist_record(h, v[i]);
    }
    qsort(v, n, sizeof *v, cmp_i64);
    const double qs[] = {0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 1.0};
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
        int64_t exact = exact_percentile(v, n, qs[i]);
        int64_t got = nx_hist_percentile(h, qs[i]);
        double rel = fabs((double)got - (double)exact) / (double)exact;
        if (rel > 0.01)
            fail_msg("q=%.3f exact=%lld got=%lld rel=%.4f", qs[i], (long long)exact, (long long)got,
                     rel);
    }
    assert_int_equal(nx_hist_count(h), n);
    assert_int_equal(nx_hist_max(h), v[n - 1]);
    assert_int_equal(nx_hist_min(h), v[0]);
    nx_hist_free(h);
    free(v);
}

static void percentiles_within_one_percent(void **state)
{
    (void)state;
    srand(7);
    check_distribution(uniform_us, 100000);
    check_distribution(log_uniform, 100000);
    check_distribution(bimodal, 50000);
    check_distribution(uniform_us, 3);
}

static void small_values_are_exact(void **state)
{
    (void)state;
    nx_hist *h = nx_hist_new();
    for (int i = 1; i <= 100; i++)
        nx_hist_record(h, i);
    assert_int_equal(nx_hist_percentile(h, 0.5), 50);
    assert_int_equal(nx_hist_percentile(h, 0.99), 99);
    assert_int_equal(nx_hist_percentile(h, 1.0), 100);
    assert_true(fabs(nx_hist_mean(h) - 50.5) < 1e-9);
    nx_hist_free(h);
}

static void empty_and_reset(void **state)
{
    (void)state;
    nx_hist *h = nx_hist_new();
    assert_int_equal(nx_hist_count(h), 0);
    assert_int_equal(nx_hist_percentile(h, 0.5), 0);
    assert_int_equal(nx_hist_min(h), 0);
    nx_hist_record(h, 123456);
    nx_hist_record(h, -3); /* clamps to 0 */
    assert_int_equal(nx_hist_min(h), 0);
    nx_hist_reset(h);
    assert_int_equal(nx_hist_count(h), 0);
    assert_int_equal(nx_hist_max(h), 0);
    nx_hist_free(h);
}

static void merge_adds_samples(void **state)
{
    (void)state;
    nx_hist *a = nx_hist_new(), *b = nx_hist_new();
    for (int i = 0; i < 1000; i++)
        nx_hist_record(a, 1000);
    for (int i = 0; i < 1000; i++)
        nx_hist_record(b, 1000000);
    nx_hist_merge(a, b);
    assert_int_equal(nx_hist_count(a), 2000);
    assert_int_equal(nx_hist_max(a), 1000000);
    int64_t p50 = nx_hist_percentile(a, 0.5);
    assert_true(p50 >= 990 && p50 <= 1010);
    int64_t p99 = nx_hist_percentile(a, 0.99);
    assert_true(p99 > 990000 && p99 < 1010000);
    nx_hist_free(a);
    nx_hist_free(b);
}

static void rate_and_median(void **state)
{
    (void)state;
    assert_true(fabs(nx_rate(1000, 500000000) - 2000.0) < 1e-9);
    assert_true(nx_rate(10, 0) == 0.0);
    double odd[] = {5, 1, 3};
    assert_true(nx_median(odd, 3) == 3);
    double even[] = {4, 1, 3, 2};
    assert_true(nx_median(even, 4) == 2.5);
    assert_true(nx_median(NULL, 0) == 0);
}

static void clocks_move_forward(void **state)
{
    (void)state;
    int64_t a = nx_now_ns(), b = nx_now_ns();
    assert_true(b >= a);
    assert_true(nx_wall_ns() > 1600000000LL * 1000000000LL);
}

static int calls;

static bool third_call(void *ctx)
{
    (void)ctx;
    return ++calls >= 3;
}

static bool never(void *ctx)
{
    (void)ctx;
    calls++;
    return false;
}

static void poll_until_stops(void **state)
{
    (void)state;
    calls = 0;
    assert_int_equal(nx_poll_until(third_call, NULL, 1, 5000), 0);
    assert_int_equal(calls, 3);
    calls = 0;
    int64_t t0 = nx_now_ns();
    assert_int_equal(nx_poll_until(never, NULL, 5, 50), -1);
    assert_true(nx_now_ns() - t0 >= 50 * 1000000LL);
    assert_true(calls >= 2); /* at least the first call and the one at the deadline */
    nx_sleep_ms(0);
    nx_sleep_ms(-1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(percentiles_within_one_percent),
        cmocka_unit_test(small_values_are_exact),
        cmocka_unit_test(empty_and_reset),
        cmocka_unit_test(merge_adds_samples),
        cmocka_unit_test(rate_and_median),
        cmocka_unit_test(clocks_move_forward),
        cmocka_unit_test(poll_until_stops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
