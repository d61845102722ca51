/* The fleet's paper arithmetic: the line through measured costs, per-leaf
 * growth, capacity under a headroom, and /proc/<pid>/stat parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>

#include "bds_fleet_cost.h"
#include "bds_fleet_fit.h"

static void a_line_is_found_exactly(void **state)
{
    (void)state;
    const double x[] = {0, 1, 10, 50}, y[] = {12, 12.5, 17, 37};
    bds_fit f;
    assert_int_equal(bds_fit_linear(x, y, 4, &f), 0);
    assert_true(fabs(f.a - 12) < 1e-9);
    assert_true(fabs(f.b - 0.5) < 1e-9);
    assert_true(fabs(f.r2 - 1) < 1e-9);
    assert_true(fabs(bds_fit_at(&f, 1000) - 512) < 1e-6);
}

static void one_x_is_no_fit(void **state)
{
    (void)state;
    const double x[] = {3, 3}, y[] = {1, 3};
    bds_fit f;
    assert_int_equal(bds_fit_linear(x, y, 2, &f), -1);
    assert_true(fabs(f.a - 2) < 1e-9);
    assert_true(f.b == 0);
    assert_int_equal(bds_fit_linear(x, y, 1, &f), -1);
}

static void growth_is_one_when_linear(void **state)
{
    (void)state;
    /* 10 MB base, 0.5 MB per leaf: 15 at 10, 35 at 50 */
    assert_true(fabs(bds_fit_growth(10, 15, 50, 35, 10) - 1) < 1e-9);
    /* per leaf 0.5 then 1.0: growth 2 */
    assert_true(fabs(bds_fit_growth(10, 15, 50, 60, 10) - 2) < 1e-9);
    assert_true(isnan(bds_fit_growth(10, 10, 50, 35, 10)));
    assert_true(fabs(bds_fit_per_leaf(35, 10, 50) - 0.5) < 1e-9);
}

static void capacity_under_headroom(void **state)
{
    (void)state;
    bds_fit f = {.a = 10, .b = 0.5, .n = 3};
    /* (0.7 * 200 - 10) / 0.5 = 260 */
    assert_true(bds_fit_capacity(&f, 200, 0.7) == 260);
    f.a = 150;
    assert_true(bds_fit_capacity(&f, 200, 0.7) == 0);
    f.b = 0;
    assert_true(isinf(bds_fit_capacity(&f, 200, 0.7)));
}

static void proc_stat_fields(void **state)
{
    (void)state;
    /* A command name with spaces and a ')' of its own. */
    const char *line = "4242 (nats (x) srv) S 1 2 3 4 5 6 7 8 9 10 150 50 0 0 20 0 30 0 99 "
                       "123456 789 18446744073709551615 1 1 0 0";
    uint64_t ticks;
    int64_t rss;
    assert_int_equal(bds_proc_stat_parse(line, &ticks, &rss), 0);
    assert_true(ticks == 200);
    assert_true(rss == 789);
    assert_int_equal(bds_proc_stat_parse("4242 (short) S 1 2", &ticks, &rss), -1);
    assert_int_equal(bds_proc_stat_parse("no paren", &ticks, &rss), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_line_is_found_exactly),   cmocka_unit_test(one_x_is_no_fit),
        cmocka_unit_test(growth_is_one_when_linear), cmocka_unit_test(capacity_under_headroom),
        cmocka_unit_test(proc_stat_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
