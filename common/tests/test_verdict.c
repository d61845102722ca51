#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "nx_verdict.h"

static nx_spread three(double a, double b, double c)
{
    double v[3] = {a, b, c};
    return nx_spread_of(v, 3);
}

static void spread_is_median_and_extremes(void **state)
{
    (void)state;
    double v[4] = {9, 1, 5, 3};
    nx_spread s = nx_spread_of(v, 4);
    assert_true(s.median == 4 && s.lo == 1 && s.hi == 9 && s.n == 4);
    assert_true(v[0] == 9 && v[3] == 3); /* the caller's order is kept */
    s = nx_spread_of(v, 0);
    assert_int_equal(s.n, 0);
}

static void target_at_least(void **state)
{
    (void)state;
    nx_spread ceiling = three(100, 110, 120);
    /* 0.8 target: 96..100 over 100..120 is at worst 0.8 -> met. */
    assert_string_equal(nx_verdict_target(three(96, 98, 100), ceiling, 0.8, true), "met");
    /* at best 90/100 = 0.9 but at worst 70/120: the target falls inside. */
    assert_string_equal(nx_verdict_target(three(70, 80, 90), ceiling, 0.8, true), "within noise");
    /* at best 70/100 = 0.7 < 0.8 -> not met. */
    assert_string_equal(nx_verdict_target(three(50, 60, 70), ceiling, 0.8, true), "not met");
}

static void target_at_most(void **state)
{
    (void)state;
    nx_spread ping = three(100, 100, 110);
    assert_string_equal(nx_verdict_target(three(120, 130, 150), ping, 1.5, false), "met");
    assert_string_equal(nx_verdict_target(three(140, 160, 170), ping, 1.5, false), "within noise");
    assert_string_equal(nx_verdict_target(three(170, 180, 190), ping, 1.5, false), "not met");
}

static void one_repeat_gives_no_verdict(void **state)
{
    (void)state;
    double one = 10;
    nx_spread single = nx_spread_of(&one, 1);
    assert_string_equal(nx_verdict_target(single, three(1, 2, 3), 0.5, true), "one run");
    assert_string_equal(nx_verdict_compare(three(1, 2, 3), single, "a", "b"), "one run");
    assert_string_equal(nx_verdict_target(three(1, 2, 3), three(0, 1, 2), 0.5, true), "n/a");
}

static void compare_needs_apart_ranges(void **state)
{
    (void)state;
    assert_string_equal(nx_verdict_compare(three(10, 11, 12), three(5, 6, 7), "hi", "lo"), "hi");
    assert_string_equal(nx_verdict_compare(three(1, 2, 3), three(5, 6, 7), "hi", "lo"), "lo");
    /* touching ends overlap */
    assert_string_equal(nx_verdict_compare(three(7, 8, 9), three(5, 6, 7), "hi", "lo"),
                        "within noise");
}

static void format_shows_range_when_it_has_one(void **state)
{
    (void)state;
    char buf[64];
    nx_spread_format(buf, sizeof buf, three(1.5, 2.25, 3), "%.2f");
    assert_string_equal(buf, "2.25 (1.50-3.00)");
    nx_spread_format(buf, sizeof buf, three(2, 2, 2), "%.0f");
    assert_string_equal(buf, "2");
    char tiny[6];
    nx_spread_format(tiny, sizeof tiny, three(1, 2, 3), "%.3f");
    assert_string_equal(tiny, "2.000"); /* truncated, never overrun */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(spread_is_median_and_extremes),
        cmocka_unit_test(target_at_least),
        cmocka_unit_test(target_at_most),
        cmocka_unit_test(one_repeat_gives_no_verdict),
        cmocka_unit_test(compare_needs_apart_ranges),
        cmocka_unit_test(format_shows_range_when_it_has_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
