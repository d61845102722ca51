#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "budget.h"
#include "pace.h"

static void per_msg_takes_out_the_idle_chatter(void **state)
{
    (void)state;
    assert_float_equal(budget_per_msg(1000, 1.0, 100, 10), 90.0, 1e-9);
    assert_float_equal(budget_per_msg(1000, 0.0, 100, 10), 100.0, 1e-9);
    /* a window that is all chatter costs nothing per message, never less */
    assert_float_equal(budget_per_msg(50, 1.0, 100, 10), 0.0, 1e-9);
    assert_float_equal(budget_per_msg(1000, 1.0, 0, 0), 0.0, 1e-9);
}

static void the_busier_way_sets_the_limit(void **state)
{
    (void)state;
    link_cost c = {.msg_bytes = {[RELAY_UP] = 0.5, [RELAY_DOWN] = 130},
                   .idle_bps = {[RELAY_UP] = 104, [RELAY_DOWN] = 104}};
    relay_dir limit = RELAY_UP;
    /* 20 kbit/s = 2500 B/s; down: (2500 - 104) / 130 */
    assert_float_equal(budget_points_per_s(&c, 20, &limit), 2396.0 / 130.0, 1e-9);
    assert_int_equal(limit, RELAY_DOWN);
    assert_float_equal(budget_points_per_s(&c, 100, &limit), (12500.0 - 104) / 130.0, 1e-9);
    /* make the acks the expensive way */
    c.msg_bytes[RELAY_UP] = 200;
    assert_float_equal(budget_points_per_s(&c, 20, &limit), 2396.0 / 200.0, 1e-9);
    assert_int_equal(limit, RELAY_UP);
}

static void idle_chatter_can_fill_the_link(void **state)
{
    (void)state;
    link_cost c = {.msg_bytes = {130, 130}, .idle_bps = {3120, 3120}};
    assert_float_equal(budget_points_per_s(&c, 20, NULL), 0.0, 1e-9);
    assert_float_equal(budget_idle_share(&c, 20), 3120.0 / 2500.0, 1e-9);
    assert_float_equal(budget_idle_share(&c, 100), 3120.0 / 12500.0, 1e-9);
}

static void a_way_without_cost_does_not_limit(void **state)
{
    (void)state;
    link_cost c = {.msg_bytes = {0, 100}, .idle_bps = {0, 0}};
    relay_dir limit = RELAY_UP;
    assert_float_equal(budget_points_per_s(&c, 8, &limit), 10.0, 1e-9);
    assert_int_equal(limit, RELAY_DOWN);
    link_cost none = {{0, 0}, {0, 0}};
    assert_float_equal(budget_points_per_s(&none, 8, NULL), 0.0, 1e-9);
}

static void pace_unlimited_allows_everything(void **state)
{
    (void)state;
    pace p;
    pace_init(&p, 0, 0);
    assert_int_equal(pace_allowed(&p, 0, 16384), 16384);
    pace_consume(&p, 16384);
    assert_int_equal(pace_allowed(&p, 0, 16384), 16384);
    assert_int_equal(pace_wait_ns(&p, 0, 1000000), 0);
}

static void pace_refills_at_the_rate_up_to_the_burst(void **state)
{
    (void)state;
    pace p;
    const int64_t s = 1000000000LL;
    pace_init(&p, 8000, 10 * s); /* 1000 B/s, burst 256 B (the floor) */
    assert_int_equal(pace_allowed(&p, 10 * s, 16384), 256);
    assert_int_equal(pace_allowed(&p, 10 * s, 100), 100);
    pace_consume(&p, 256);
    assert_int_equal(pace_allowed(&p, 10 * s, 16384), 0);
    /* 100 bytes take 0.1 s */
    int64_t w = pace_wait_ns(&p, 10 * s, 100);
    assert_true(w >= 100000000 && w <= 100000002);
    assert_int_equal(pace_allowed(&p, 10 * s + s / 10, 16384), 100);
    /* never more than the burst, however long the link was idle */
    assert_int_equal(pace_allowed(&p, 100 * s, 16384), 256);
    /* asking for more than the burst waits for the burst only */
    pace_consume(&p, 256);
    w = pace_wait_ns(&p, 100 * s, 100000);
    assert_true(w >= 256000000 && w <= 256000002);
}

static void pace_burst_grows_with_the_rate(void **state)
{
    (void)state;
    pace p;
    pace_init(&p, 1000000, 0); /* 125000 B/s: a tenth of a second is 12500 B */
    assert_int_equal(pace_allowed(&p, 0, 1 << 20), 12500);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(per_msg_takes_out_the_idle_chatter),
        cmocka_unit_test(the_busier_way_sets_the_limit),
        cmocka_unit_test(idle_chatter_can_fill_the_link),
        cmocka_unit_test(a_way_without_cost_does_not_limit),
        cmocka_unit_test(pace_unlimited_allows_everything),
        cmocka_unit_test(pace_refills_at_the_rate_up_to_the_burst),
        cmocka_unit_test(pace_burst_grows_with_the_rate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
