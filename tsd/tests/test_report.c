#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tsd_report.h"
#include "tsd_summary.h"

/* cmocka 1.1.5 has no double assertions. */
#define assert_near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

static tsd_case *add(tsd_report *r, const char *op, const char *name, uint64_t count,
                     const double *secs, size_t n)
{
    nx_err err = {{0}};
    tsd_case *c = tsd_report_case(r, op, name, "jetstream", count, &err);
    assert_non_null(c);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(tsd_case_add(c, (int64_t)(secs[i] * 1e9), NULL, &err), 0);
    return c;
}

static void medians_rates_and_spread(void **state)
{
    (void)state;
    tsd_report r;
    tsd_report_init(&r, 3);
    const double secs[] = {2.0, 1.0, 4.0};
    tsd_case *c = add(&r, "op", "a", 1000, secs, 3);
    assert_near(tsd_case_seconds(c), 2.0, 1e-9);
    assert_near(tsd_case_rate(c), 500.0, 1e-9);
    /* rates 500, 1000, 250: the verdicts' range */
    nx_spread rates = tsd_case_rate_spread(c);
    assert_near(rates.median, 500.0, 1e-9);
    assert_near(rates.lo, 250.0, 1e-9);
    assert_near(rates.hi, 1000.0, 1e-9);
    assert_int_equal(rates.n, 3);
    nx_err err = {{0}};
    assert_int_equal(tsd_case_add(c, 1, NULL, &err), -1); /* a fourth sample */
    assert_non_null(strstr(err.msg, "more samples than repeats"));
    /* same op and name finds the case; another store is another case */
    assert_ptr_equal(tsd_report_case(&r, "op", "a", "jetstream", 1000, &err), c);
    assert_ptr_not_equal(tsd_report_case(&r, "op", "a", "sqlite", 1000, &err), c);
    tsd_report_free(&r);
}

static void cpu_per_point_needs_every_sample(void **state)
{
    (void)state;
    tsd_report r;
    tsd_report_init(&r, 2);
    const double secs[] = {1.0};
    tsd_case *c = add(&r, "op", "a", 1000, secs, 1);
    tsd_case_add_cpu(c, 0.002, -1);
    assert_near(tsd_case_cpu_us(c, false), 2.0, 1e-9);
    assert_true(tsd_case_cpu_us(c, true) < 0);
    tsd_report_free(&r);
}

static void best_async_and_ratios(void **state)
{
    (void)state;
    tsd_report r;
    tsd_report_init(&r, 1);
    const double one[] = {1.0}, half[] = {0.5}, quarter[] = {0.25};
    tsd_case *ceiling = add(&r, "core_publish_stored", "core", 1000, quarter, 1);
    add(&r, "js_publish_async", "js_PublishAsync w=256", 1000, one, 1);
    tsd_case *w4k = add(&r, "js_publish_async", "js_PublishAsync w=4096", 1000, half, 1);
    tsd_case *var = add(&r, "js_publish_async", "inbox pipeline w=4096", 1000, quarter, 1);
    add(&r, "js_publish_async", "js_PublishAsync w=4096, no ack handler", 1000, quarter, 1);
    assert_ptr_equal(tsd_best_async(&r, true), w4k);
    assert_ptr_equal(tsd_best_async(&r, false), var);
    assert_near(tsd_rate_ratio(w4k, ceiling), 0.5, 1e-9);
    assert_near(tsd_rate_ratio(NULL, ceiling), 0, 0);
    tsd_report_free(&r);
}

static void table_and_summary_print_the_ratios(void **state)
{
    (void)state;
    tsd_report r;
    tsd_report_init(&r, 1);
    const double one[] = {1.0}, half[] = {0.5}, tenth[] = {0.1};
    add(&r, "core_publish_stored", "core publish, timed until stored", 1000, half, 1);
    add(&r, "js_publish_plain", "bare", 100, one, 1);
    add(&r, "js_publish_sync", "sync", 100, one, 1);
    add(&r, "js_publish_async", "js_PublishAsync w=1024", 1000, one, 1);
    nx_err err;
    tsd_case *sq = tsd_report_case(&r, "sqlite_insert", "one txn per point, synchronous=NORMAL",
                                   "sqlite", 100, &err);
    tsd_case_add(sq, (int64_t)(0.1 * 1e9), NULL, &err);
    add(&r, "read_range", "5 points of 1 series, store of 100", 5, tenth, 1);
    add(&r, "read_range", "same 5 points, store of 1000", 5, tenth, 1);
    add(&r, "read_range", "5 points mid-series, store of 1000", 5, one, 1);

    tsd_opts o;
    nx_err perr;
    char *argv[] = {"tsd", NULL};
    tsd_opts_parse(&o, 1, argv, &perr);
    tsd_summary_info info = {.opts = &o,
                             .server_version = "2.9.10",
                             .point_bytes = 29,
                             .build_ns = 50,
                             .peak_rss_mb = 12.5,
                             .elapsed_s = 3};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    tsd_print_table(f, &r, &info);
    tsd_print_summary(f, &r, &info);
    fclose(f);
    assert_non_null(strstr(text, "js_PublishAsync w=1024"));
    assert_non_null(strstr(text, "best js_PublishAsync window / ceiling: 0.50"));
    /* One repeat has no range: no verdict, and the line says how to get one. */
    assert_non_null(strstr(text, "target >= 0.80: one run)"));
    assert_null(strstr(text, "not met"));
    assert_non_null(strstr(text, "js_publish_sync / bare js_Publish loop: 1.000"));
    assert_non_null(strstr(text, "run with --repeat 3"));
    assert_non_null(strstr(text, "w=1024 0.50"));
    assert_non_null(strstr(text, "js_publish_sync / one txn per point, NORMAL"));
    assert_non_null(strstr(text, "1.00x the time for the same points, 10.00x mid-series"));
    assert_non_null(strstr(text, "Peak RSS: 12.5 MB"));
    free(text);
    tsd_report_free(&r);
}

/* Three repeats: a verdict only where the repeats' ranges settle it. */
static void target_verdicts_follow_the_ranges(void **state)
{
    (void)state;
    tsd_report r;
    tsd_report_init(&r, 3);
    /* ceiling 1000 points in 0.5 s +-10%: 1818-2222/s */
    const double ceil_s[] = {0.45, 0.5, 0.55};
    add(&r, "core_publish_stored", "core publish, timed until stored", 1000, ceil_s, 3);
    /* 1000 points in 1 s +-10%: 909-1111/s, at most 0.61 of the ceiling */
    const double slow[] = {0.9, 1.0, 1.1};
    add(&r, "js_publish_async", "js_PublishAsync w=1024", 1000, slow, 3);
    add(&r, "js_publish_plain", "bare", 100, slow, 3);
    const double like_plain[] = {0.95, 1.0, 1.05};
    add(&r, "js_publish_sync", "sync", 100, like_plain, 3);
    tsd_opts o;
    nx_err perr;
    char *argv[] = {"tsd", NULL};
    tsd_opts_parse(&o, 1, argv, &perr);
    tsd_summary_info info = {.opts = &o, .server_version = "2.10.27"};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    tsd_print_summary(f, &r, &info);
    fclose(f);
    assert_non_null(strstr(text, "target >= 0.80: not met)"));
    assert_non_null(strstr(text, "target >= 1 within noise: met (within noise))"));
    assert_null(strstr(text, "one run"));
    free(text);

    /* A window whose range straddles 0.8 of the ceiling's. */
    const double near[] = {0.55, 0.62, 0.75};
    add(&r, "js_publish_async", "js_PublishAsync w=4096", 1000, near, 3);
    text = NULL;
    f = open_memstream(&text, &len);
    tsd_print_summary(f, &r, &info);
    fclose(f);
    assert_non_null(strstr(text, "js_PublishAsync w=4096; target >= 0.80: within noise)"));
    free(text);
    tsd_report_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(medians_rates_and_spread),
        cmocka_unit_test(cpu_per_point_needs_every_sample),
        cmocka_unit_test(best_async_and_ratios),
        cmocka_unit_test(table_and_summary_print_the_ratios),
        cmocka_unit_test(target_verdicts_follow_the_ranges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
